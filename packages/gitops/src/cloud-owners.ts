/**
 * One owner per AWS resource, across environments: a bucket or a file system that two
 * environments declare under `cloud` is reconciled by the ACK controllers of two clusters, each
 * writing its own declaration (versioning, lifecycle rules, public access block, encryption, tags;
 * lifecycle management and backups of a file system) over the other's on every resync. Refused at
 * generate time, naming both declarations.
 */
import { problem } from '@strata/tokens';
import type { LoadedEnvironment } from './load';
import { isPlainObject } from './values';

/** What the ACK controller of each kind writes from its declaration (and would write over another cluster's). */
const WHAT_ACK_WRITES: { readonly [kind: string]: string } = {
  bucket: 'versioning, lifecycle rules, encryption and public access block',
  'file system': 'lifecycle management and backup policy',
  'S3 Files file system': 'tags and mount targets',
};

interface Claim {
  readonly file: string;
  readonly field: string;
  readonly value: string;
}

/** What identifies each cloud resource an environment declares: [kind, AWS identity, field, value]. */
function claimsOf(e: LoadedEnvironment): { kind: string; id: string; field: string; value: string }[] {
  const cloud = e.definition.cloud;
  if (!isPlainObject(cloud)) return [];
  const out: { kind: string; id: string; field: string; value: string }[] = [];
  (Array.isArray(cloud.buckets) ? cloud.buckets : []).forEach((b, i) => {
    if (typeof b?.name === 'string') out.push({ kind: 'bucket', id: b.name, field: `cloud.buckets[${i}].name`, value: b.name });
  });
  // A file system is known by its id only when adopted (one ACK creates has none until it exists).
  (Array.isArray(cloud.fileSystems) ? cloud.fileSystems : []).forEach((f, i) => {
    if (typeof f?.adoptFileSystemId === 'string') out.push({ kind: 'file system', id: f.adoptFileSystemId, field: `cloud.fileSystems[${i}].adoptFileSystemId`, value: f.adoptFileSystemId });
  });
  (Array.isArray(cloud.s3FileSystems) ? cloud.s3FileSystems : []).forEach((f, i) => {
    if (typeof f?.adoptFileSystemId === 'string') out.push({ kind: 'S3 Files file system', id: f.adoptFileSystemId, field: `cloud.s3FileSystems[${i}].adoptFileSystemId`, value: f.adoptFileSystemId });
  });
  return out;
}

/**
 * The problems of these environments taken together: each bucket or adopted file system declared by
 * more than one environment, reported at every declaration after the first (in environment order).
 */
export function cloudOwnerProblems(envs: readonly LoadedEnvironment[]): string[] {
  const first = new Map<string, Claim>();
  const out: string[] = [];
  for (const e of envs) {
    for (const c of claimsOf(e)) {
      const key = `${c.kind} ${c.id}`;
      const owner = first.get(key);
      if (!owner) {
        first.set(key, { file: e.file, field: c.field, value: c.value });
        continue;
      }
      if (owner.file === e.file) continue; // declared twice in one environment: its own check says so
      out.push(
        `${e.file}: ${problem(
          c.field,
          c.value,
          `${c.kind.startsWith('S3') ? 'an' : 'a'} ${c.kind} no other environment declares (${owner.file} declares it at '${owner.field}')`,
          `one environment owns each AWS resource: the ACK controllers of two clusters would overwrite each other's ${WHAT_ACK_WRITES[c.kind] ?? 'configuration'} on every resync. Keep the declaration in one environment and remove it here (this environment's workloads can still use the ${c.kind}), or give this environment its own ${c.kind}`,
        )}`,
      );
    }
  }
  return out;
}
