import type { PatternOption, StorageTierOption } from '../storage-tiers';

export interface WorkloadGeneratorSchema {
  /** The workload name (packages/workloads/<name>, the chart and release name). */
  name: string;
  /** The storage pattern the chart is built on. */
  pattern: PatternOption;
  /** The storage tier; defaults to the pattern's first tier (none needs it stated). */
  storage?: StorageTierOption;
  /** The namespace in every environment. @default - the workload name (`<name>-workload` for a system namespace's name) */
  namespace?: string;
  /** The environments to add the workload to (comma-separated names under environments/). @default - none */
  environments?: string | string[];
  /** Skip npm install afterwards. @default false */
  skipInstall?: boolean;
}
