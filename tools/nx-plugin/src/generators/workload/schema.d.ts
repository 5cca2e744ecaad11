import type { PatternOption, StorageTierOption } from '../storage-tiers';

export interface WorkloadGeneratorSchema {
  /** The workload name (packages/workloads/<name>, the chart and release name). */
  name: string;
  /** The storage pattern the chart is built on. */
  pattern: PatternOption;
  /** The storage tier, or `auto` (chosen from the profile options below); defaults to the pattern's first tier (none needs it stated). */
  storage?: StorageTierOption | 'auto';
  /** With --storage=auto: the workload's storage profile (@strata/recommend WorkloadProfile; docs/recommender.md). */
  dataGiB?: number;
  access?: 'read-mostly' | 'write-once' | 'read-write';
  fileCount?: number;
  readers?: number;
  readMBpsPerReader?: number;
  writers?: number;
  writeMBpsPerWriter?: number;
  perNode?: number;
  sharing?: 'one-node' | 'nodes-one-zone' | 'zones';
  latency?: 'sub-millisecond' | 'milliseconds' | 'tolerant';
  lifetime?: 'job' | 'durable';
  budgetUsdPerMonth?: number;
  hoursPerMonth?: number;
  s3Prefixes?: number;
  livesInS3?: boolean;
  /** With --storage=auto: the size of one checkpoint (GiB) and the minutes between checkpoints. */
  checkpointGiB?: number;
  checkpointMinutes?: number;
  /** The namespace in every environment. @default - the workload name (`<name>-workload` for a system namespace's name) */
  namespace?: string;
  /** The environments to add the workload to (comma-separated names under environments/). @default - none */
  environments?: string | string[];
  /** Skip npm install afterwards. @default false */
  skipInstall?: boolean;
}
