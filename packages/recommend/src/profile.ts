/**
 * A workload's storage profile: what its pods ask of storage. The recommender ranks tiers against
 * it; the bottleneck check compares it with the storage a workload is bound to. Plain data, checked
 * by `profileProblems` (every problem at once, in strata's one message form).
 */
import { problem } from '@strata/tokens';

/** How the data is written. */
export type AccessPattern = 'read-mostly' | 'write-once' | 'read-write';
/** Who must see the same data. */
export type Sharing = 'one-node' | 'nodes-one-zone' | 'zones';
/** How long each operation may take. */
export type LatencyNeed = 'sub-millisecond' | 'milliseconds' | 'tolerant';
/** How long the data must outlive the pods. */
export type Lifetime = 'job' | 'durable';

export interface CheckpointProfile {
  /** The size of one checkpoint, all ranks together, in GiB. */
  readonly sizeGiB: number;
  /** Minutes between checkpoints. */
  readonly intervalMinutes: number;
  /** Seconds a checkpoint may take to write (the training stalls meanwhile). @default - the whole interval */
  readonly writeWithinSeconds?: number;
}

export interface WorkloadProfile {
  /** The data the pods read (a dataset, a model), in GiB. */
  readonly dataGiB: number;
  /**
   * `read-mostly` (written once elsewhere, read many times), `write-once` (new files written
   * sequentially, never edited: outputs, checkpoints), `read-write` (files edited in place,
   * appended or renamed).
   * @default 'read-mostly'
   */
  readonly access?: AccessPattern;
  /** How many files the data is in. @default - one file per 64 MiB of data */
  readonly fileCount?: number;
  /** Pods (or GPUs, with the throughput per GPU) reading at the same time. @default 1 */
  readonly readers?: number;
  /** MB/s each reader asks for. @default 0 */
  readonly readMBpsPerReader?: number;
  /** Pods (or GPUs) writing at the same time, besides checkpoints. @default 0 */
  readonly writers?: number;
  /** MB/s each writer asks for. @default 0 */
  readonly writeMBpsPerWriter?: number;
  /** Checkpoints written to this storage. @default - none */
  readonly checkpoint?: CheckpointProfile;
  /** Readers (or writers) on one node: they share its network and its file system client. @default 1 */
  readonly perNode?: number;
  /** Who must see the same data: one node, several nodes of one zone, or several zones. @default 'nodes-one-zone' */
  readonly sharing?: Sharing;
  /** The latency each file operation may take. @default 'milliseconds' */
  readonly latency?: LatencyNeed;
  /** Whether the data must survive the job (`durable`) or is rebuilt from S3 or recomputed (`job`). @default 'durable' */
  readonly lifetime?: Lifetime;
  /** File-system metadata operations per second (opens, stats, listings), all pods together. @default - one per file read per second */
  readonly metadataOpsPerSecond?: number;
  /** USD per month the storage may cost. @default - no limit */
  readonly budgetUsdPerMonth?: number;
  /** Hours per month the pods run (for what is billed per GB moved, EFS Elastic, S3 requests). @default 730 */
  readonly hoursPerMonth?: number;
  /** S3 prefixes the data is spread over (each gets its own request rate). @default 1 */
  readonly s3Prefixes?: number;
  /** Network bandwidth of one node, in Gbps (Mountpoint targets it). @default 10 (Mountpoint's own default when it cannot tell) */
  readonly nodeNetworkGbps?: number;
  /** Sequential throughput of one node's instance-store NVMe (all devices), in MB/s: AWS publishes none per instance type. @default 2000 (an assumption: measure with fio) */
  readonly nvmeMBpsPerNode?: number;
  /** Instance-store capacity of one node, in GiB. @default 3800 (e.g. 4 × 950 GB) */
  readonly nvmeGiBPerNode?: number;
  /**
   * The data's home is an S3 bucket other tools read and write: what the pods write must reach it
   * as objects, and what is written there must reach the pods (EFS, a copy, is ruled out).
   * @default false
   */
  readonly livesInS3?: boolean;
}

/** The profile with every default filled in. */
export type ResolvedProfile = Required<Omit<WorkloadProfile, 'checkpoint' | 'budgetUsdPerMonth' | 'metadataOpsPerSecond' | 'fileCount'>> & {
  readonly checkpoint?: CheckpointProfile;
  readonly budgetUsdPerMonth?: number;
  readonly metadataOpsPerSecond?: number;
  readonly fileCount: number;
};

export const ACCESS_PATTERNS: readonly AccessPattern[] = ['read-mostly', 'write-once', 'read-write'];
export const SHARINGS: readonly Sharing[] = ['one-node', 'nodes-one-zone', 'zones'];
export const LATENCIES: readonly LatencyNeed[] = ['sub-millisecond', 'milliseconds', 'tolerant'];
export const LIFETIMES: readonly Lifetime[] = ['job', 'durable'];

const PROFILE_KEYS: readonly (keyof WorkloadProfile)[] = [
  'dataGiB', 'access', 'fileCount', 'readers', 'readMBpsPerReader', 'writers', 'writeMBpsPerWriter', 'checkpoint', 'perNode', 'sharing', 'latency',
  'lifetime', 'metadataOpsPerSecond', 'budgetUsdPerMonth', 'hoursPerMonth', 's3Prefixes', 'nodeNetworkGbps', 'nvmeMBpsPerNode', 'nvmeGiBPerNode', 'livesInS3',
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every problem of a profile, each as `'<field>.<key>' (<value>) must be <accepted>; <fix>`: a
 * missing data size, numbers that are not numbers, negative or fractional counts, names outside
 * the accepted words, keys a profile does not have.
 */
export function profileProblems(profile: unknown, field: string): string[] {
  const out: string[] = [];
  if (!isObject(profile)) return [problem(field, profile, 'a storage profile ({ dataGiB, readers?, readMBpsPerReader?, … })', 'describe what the pods ask of the storage (docs/recommender.md)')];
  for (const k of Object.keys(profile)) {
    if (!(PROFILE_KEYS as readonly string[]).includes(k)) out.push(problem(`${field}.${k}`, profile[k], `left out: a profile has ${PROFILE_KEYS.join(', ')}`, 'see docs/recommender.md for each'));
  }
  const positive = (k: string, v: unknown, what: string, fix: string, required = false) => {
    if (v === undefined && !required) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) out.push(problem(`${field}.${k}`, v, what, fix));
  };
  const atLeastZero = (k: string, v: unknown, what: string, fix: string) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) out.push(problem(`${field}.${k}`, v, what, fix));
  };
  const whole = (k: string, v: unknown, min: number, fix: string) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) out.push(problem(`${field}.${k}`, v, `a whole number of at least ${min}`, fix));
  };
  const oneOf = (k: string, v: unknown, accepted: readonly string[], fix: string) => {
    if (v === undefined) return;
    if (typeof v !== 'string' || !accepted.includes(v)) out.push(problem(`${field}.${k}`, v, `one of ${accepted.map((a) => JSON.stringify(a)).join(', ')}`, fix));
  };
  positive('dataGiB', profile.dataGiB, 'a size in GiB greater than 0', 'give the size of the dataset or model the pods read', true);
  oneOf('access', profile.access, ACCESS_PATTERNS, 'read-mostly: written once, read many times; write-once: new files, never edited; read-write: files edited in place');
  whole('fileCount', profile.fileCount, 1, 'the number of files the data is in');
  whole('readers', profile.readers, 0, 'pods (or GPUs) reading at the same time');
  atLeastZero('readMBpsPerReader', profile.readMBpsPerReader, 'a throughput in MB/s of at least 0', 'what one reader asks for, e.g. 200');
  whole('writers', profile.writers, 0, 'pods (or GPUs) writing at the same time');
  atLeastZero('writeMBpsPerWriter', profile.writeMBpsPerWriter, 'a throughput in MB/s of at least 0', 'what one writer asks for');
  whole('perNode', profile.perNode, 1, 'readers on one node, e.g. 8 for one per GPU of a p4d.24xlarge');
  oneOf('sharing', profile.sharing, SHARINGS, 'who must see the same data');
  oneOf('latency', profile.latency, LATENCIES, 'the latency each file operation may take');
  oneOf('lifetime', profile.lifetime, LIFETIMES, 'job: rebuilt from S3 or recomputed; durable: must survive the job');
  atLeastZero('metadataOpsPerSecond', profile.metadataOpsPerSecond, 'a rate of at least 0', 'opens, stats and listings per second, all pods together');
  atLeastZero('budgetUsdPerMonth', profile.budgetUsdPerMonth, 'an amount in USD of at least 0', 'leave it out for no limit');
  positive('hoursPerMonth', profile.hoursPerMonth, 'a number of hours greater than 0', 'hours per month the pods run (730 for all month)');
  if (typeof profile.hoursPerMonth === 'number' && profile.hoursPerMonth > 744) out.push(problem(`${field}.hoursPerMonth`, profile.hoursPerMonth, 'at most 744 (the hours of a 31-day month)', 'hours per month the pods run'));
  whole('s3Prefixes', profile.s3Prefixes, 1, 'S3 prefixes the data is spread over');
  positive('nodeNetworkGbps', profile.nodeNetworkGbps, 'a bandwidth in Gbps greater than 0', "the instance type's network bandwidth, e.g. 400 for p4d.24xlarge");
  positive('nvmeMBpsPerNode', profile.nvmeMBpsPerNode, 'a throughput in MB/s greater than 0', 'measure it with fio on the instance type');
  positive('nvmeGiBPerNode', profile.nvmeGiBPerNode, 'a size in GiB greater than 0', "the instance type's instance-store capacity");
  if (profile.livesInS3 !== undefined && typeof profile.livesInS3 !== 'boolean') out.push(problem(`${field}.livesInS3`, profile.livesInS3, 'true or false', 'true when the data must stay in its S3 bucket, read and written there by other tools too'));
  const cp = profile.checkpoint;
  if (cp !== undefined) {
    if (!isObject(cp)) out.push(problem(`${field}.checkpoint`, cp, 'a checkpoint ({ sizeGiB, intervalMinutes, writeWithinSeconds? })', 'or leave it out'));
    else {
      positive('checkpoint.sizeGiB', cp.sizeGiB, 'a size in GiB greater than 0', 'the size of one checkpoint, all ranks together', true);
      positive('checkpoint.intervalMinutes', cp.intervalMinutes, 'a number of minutes greater than 0', 'minutes between checkpoints', true);
      positive('checkpoint.writeWithinSeconds', cp.writeWithinSeconds, 'a number of seconds greater than 0', 'how long a checkpoint may stall training');
      if (typeof cp.writeWithinSeconds === 'number' && typeof cp.intervalMinutes === 'number' && cp.writeWithinSeconds > cp.intervalMinutes * 60) {
        out.push(problem(`${field}.checkpoint.writeWithinSeconds`, cp.writeWithinSeconds, `at most the interval (${cp.intervalMinutes * 60} seconds)`, 'a checkpoint must be written before the next one starts'));
      }
    }
  }
  return out;
}

/** The profile with its defaults (see each field's `@default`). Assumes `profileProblems` found none. */
export function resolveProfile(p: WorkloadProfile): ResolvedProfile {
  return {
    dataGiB: p.dataGiB,
    access: p.access ?? 'read-mostly',
    fileCount: p.fileCount ?? Math.max(1, Math.ceil((p.dataGiB * 1024) / 64)),
    readers: p.readers ?? 1,
    readMBpsPerReader: p.readMBpsPerReader ?? 0,
    writers: p.writers ?? 0,
    writeMBpsPerWriter: p.writeMBpsPerWriter ?? 0,
    ...(p.checkpoint ? { checkpoint: p.checkpoint } : {}),
    perNode: p.perNode ?? 1,
    sharing: p.sharing ?? 'nodes-one-zone',
    latency: p.latency ?? 'milliseconds',
    lifetime: p.lifetime ?? 'durable',
    ...(p.metadataOpsPerSecond !== undefined ? { metadataOpsPerSecond: p.metadataOpsPerSecond } : {}),
    ...(p.budgetUsdPerMonth !== undefined ? { budgetUsdPerMonth: p.budgetUsdPerMonth } : {}),
    hoursPerMonth: p.hoursPerMonth ?? 730,
    s3Prefixes: p.s3Prefixes ?? 1,
    nodeNetworkGbps: p.nodeNetworkGbps ?? 10,
    nvmeMBpsPerNode: p.nvmeMBpsPerNode ?? 2000,
    nvmeGiBPerNode: p.nvmeGiBPerNode ?? 3800,
    livesInS3: p.livesInS3 ?? false,
  };
}
