import { IConstruct } from 'constructs';
import { describeVersion, Tokens } from '@strata/tokens';

/**
 * What a versioned pattern reads for its version, as the chart states it (Chart.yaml
 * `strata.dev/versions`) and the environment report resolves it with each environment's values.
 * A fact may be a value (the environment's) or text built from values.
 */
export interface VersionFacts {
  /** The version served or read (a directory name); '' for a dataset read at its directory's root. */
  readonly version: string;
  /**
   * Where the content comes from: a model source's kind (`s3`, `huggingFace`, `ngc`, `image`,
   * `command`, or a source of your own), or, for a dataset, `fsx-import` (a file system linked with
   * an import path) or `fsx-association` (a data repository association).
   */
  readonly source: string;
  /**
   * What names the version's content: `s3://bucket/prefix<version>/`, `hf://owner/name@<commit>`,
   * `ngc://org/model:version`, `image://<ref><dir>`, a command's id. Absent when the chart cannot say
   * (a dataset directory outside what its association links, as a value).
   */
  readonly reads?: string;
  /** What pins the content (`commit <sha>`, `digest sha256:…`); absent when nothing does. */
  readonly pinned?: string;
  /** Why the content can change under the same version, when nothing pins it. */
  readonly unpinned?: string;
  /** A model repository's cache tier (`efs`, `fsx-lustre`, or `s3` read straight through Mountpoint). */
  readonly cache?: string;
  /** Whether a hydration Job copies the version into the cache (false: read straight from S3). */
  readonly hydrated?: boolean;
  /**
   * A dataset on a file system from a StorageClass: its directory in the file system, whose root the
   * class links to S3 (the report places it under the environment's class's s3ImportPath).
   */
  readonly path?: string;
  /** With `path`: the S3 path the chart expects its data under (the dataset's `importPath`); the report flags a version outside it. */
  readonly importPath?: string;
  /** A dataset decided at install between a new and an existing file system: what it reads on the existing one. */
  readonly readsExisting?: string;
  /** The boolean (a value) choosing the existing file system, with `readsExisting`. */
  readonly existing?: boolean;
}

/** The patterns that record what their version reads. */
export type VersionedPattern = 'ModelRepository' | 'DistributedDataset';

/** Records what a pattern reads for its version, for the chart and the environment report. */
export function recordVersion(scope: IConstruct, pattern: VersionedPattern, facts: VersionFacts): void {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) if (v !== undefined) out[k] = v;
  describeVersion(scope, { pattern, facts: out });
}

/**
 * `base` + `path` + `<version>/`: the S3 location of a version directory under a linked prefix
 * (`base` an `s3://` path, whose last part, when a value, ends in "/" by its pattern).
 */
export function versionLocation(base: string, path: string, version: string | undefined): string {
  const parts = Tokens.isToken(base) ? Tokens.split(base) : [base];
  const last = parts[parts.length - 1];
  const slash = typeof last === 'string' && !last.endsWith('/') ? '/' : '';
  return `${base}${slash}${path}${version !== undefined ? `${version}/` : ''}`;
}
