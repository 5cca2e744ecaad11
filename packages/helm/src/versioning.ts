import { parse } from 'yaml';
import { ACCEPTED_CHANGES_ANNOTATION, CONTENT_DIGEST_ANNOTATION } from './chart-files';

/** What a chart directory on disk says about the last generated version. */
export interface RecordedChart {
  readonly version: string;
  readonly contentDigest?: string;
  /** The changes accepted on purpose in that version (the annotation's JSON), when any. */
  readonly acceptedChanges?: string;
}

/**
 * Reads version and content digest from a Chart.yaml's text. A Chart.yaml as chartFiles writes
 * it (a plain top-level `version:` line, the digest annotation two columns in) is read by two
 * line matches, since generate reads every chart's Chart.yaml several times a run; anything
 * else is parsed as YAML.
 */
export function recordedChart(chartYaml: string): RecordedChart | undefined {
  const version = /^version: ([0-9A-Za-z.+-]+)$/m.exec(chartYaml)?.[1];
  const digest = DIGEST_LINE.exec(chartYaml)?.[1];
  if (version && digest && /^annotations:$/m.test(chartYaml) && !chartYaml.includes(ACCEPTED_CHANGES_ANNOTATION)) return { version, contentDigest: digest };
  const doc = parse(chartYaml) as { version?: string; annotations?: Record<string, string> } | null;
  if (!doc?.version) return undefined;
  const accepted = doc.annotations?.[ACCEPTED_CHANGES_ANNOTATION];
  return { version: String(doc.version), contentDigest: doc.annotations?.[CONTENT_DIGEST_ANNOTATION], ...(accepted ? { acceptedChanges: accepted } : {}) };
}

const DIGEST_LINE = new RegExp(`^  ${CONTENT_DIGEST_ANNOTATION.replace(/[./]/g, '\\$&')}: (sha256:[0-9a-f]{64})$`, 'm');

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/**
 * The version of a chart whose content digest is `digest`:
 * - unchanged content keeps the recorded version;
 * - changed content bumps the recorded patch version — the major version when it records changes
 *   accepted on purpose that the recorded version did not (`accepted`: its annotation's JSON);
 * - a declared version (the package's) wins whenever it is higher.
 */
export function chooseVersion(declared: string, digest: string, recorded?: RecordedChart, accepted?: string): string {
  if (!SEMVER.test(declared)) throw new Error(`version '${declared}' must be MAJOR.MINOR.PATCH`);
  if (!recorded || !SEMVER.test(recorded.version)) return declared;
  if (compareVersions(declared, recorded.version) > 0) return declared;
  if (recorded.contentDigest === digest) return recorded.version;
  const [major, minor, patch] = recorded.version.split('.').map(Number);
  if (accepted !== undefined && accepted !== '[]' && accepted !== recorded.acceptedChanges) return `${major + 1}.0.0`;
  return `${major}.${minor}.${patch + 1}`;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
