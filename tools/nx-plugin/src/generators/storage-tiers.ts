/**
 * What the generators know about the five storage tiers and the seed's three patterns: the class
 * each environment installs for a tier (the tier charts of packages/storage-charts), and which
 * tiers a pattern can be built on (the rules of packages/storage and packages/patterns).
 */

export const STORAGE_TIERS = ['fsx-lustre', 'efs', 's3', 'instance-store', 's3-files'] as const;
export type StorageTierOption = (typeof STORAGE_TIERS)[number];

export const PATTERNS = ['model-repository', 'training-checkpoint', 'distributed-dataset', 'none'] as const;
export type PatternOption = (typeof PATTERNS)[number];

export interface TierFacts {
  /** How messages and comments name the tier. */
  readonly title: string;
  /**
   * The StorageClass every environment installs for the tier (storage-fsx-lustre, storage-efs).
   * Undefined for Mountpoint S3 (static volumes only) and instance store (emptyDir on the NVMe
   * RAID0 of the storage-instance-store NodeClass, the recommended form:
   * aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1197-L1229).
   */
  readonly storageClass?: string;
}

export const TIERS: { readonly [tier in StorageTierOption]: TierFacts } = {
  'fsx-lustre': { title: 'FSx for Lustre', storageClass: 'strata-fsx-lustre' },
  efs: { title: 'Amazon EFS', storageClass: 'strata-efs' },
  s3: { title: 'Mountpoint for Amazon S3' },
  'instance-store': { title: 'instance-store NVMe' },
  's3-files': { title: 'Amazon S3 Files', storageClass: 'strata-s3-files' },
};

/** The tiers each pattern is built on; the first is the default. `none` takes any. */
export const PATTERN_TIERS: { readonly [pattern in PatternOption]: readonly StorageTierOption[] } = {
  'model-repository': ['efs', 'fsx-lustre', 's3'],
  'training-checkpoint': ['instance-store'],
  'distributed-dataset': ['fsx-lustre'],
  none: STORAGE_TIERS,
};

/** Why a tier does not fit a pattern, and what to use instead. */
export function combinationProblem(pattern: PatternOption, storage: StorageTierOption): string | undefined {
  if (PATTERN_TIERS[pattern].includes(storage)) return undefined;
  const use = PATTERN_TIERS[pattern].map((t) => `--storage=${t}`);
  const instead = `use ${use.length === 1 ? use[0] : `${use.slice(0, -1).join(', ')} or ${use[use.length - 1]}`}`;
  const head = `--storage=${storage} cannot be used with --pattern=${pattern}`;
  switch (pattern) {
    case 'training-checkpoint':
      return storage === 's3'
        ? `${head}: Mountpoint S3 cannot take checkpoint writes (no rename, no random writes); ${instead}`
        : `${head}: checkpoints are written to node-local NVMe and synced to S3 by a sidecar (the Training Checkpoint pattern); ${instead}`;
    case 'distributed-dataset':
      return `${head}: the dataset is served by FSx for Lustre linked to its S3 bucket (the Distributed Dataset pattern); ${instead}`;
    case 'model-repository':
      return storage === 's3-files'
        ? `${head}: the scaffold hydrates an EFS or FSx for Lustre cache or reads through Mountpoint; a Model Repository served from S3 Files takes an existing file system (S3Files.fromFileSystem as its cache, by hand), or ${instead}`
        : `${head}: every server reads one shared model cache, and instance store is local to one node; ${instead}`;
    default:
      return `${head}; ${instead}`;
  }
}
