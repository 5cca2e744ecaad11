import type { StorageTierOption } from '../storage-tiers';

export interface StorageBindingGeneratorSchema {
  /** The workload: the folder name under packages/workloads/. */
  workload: string;
  /** The storage tier. */
  storage: StorageTierOption;
  /** The absolute mount path in every container of the chart's workloads. */
  mount: string;
  /** Mount read-only. @default false */
  readOnly?: boolean;
  /** The construct id (and, camelCased, the values key). @default - the last segment of `mount` */
  name?: string;
}
