/**
 * A storage layout: one tier with its settings, or one of the seed's patterns (a tier in front of
 * S3). What the recommender proposes and what a workload is bound to are both layouts, so one
 * supply model (supply.ts) answers for both.
 */
import type { FsxMetadataConfiguration } from './fsx';

export type Layout =
  /** FSx for Lustre; `linkedToS3`: the Distributed Dataset pattern (S3 → FSx → pods). */
  | { readonly kind: 'fsx-lustre'; readonly deploymentType: string; readonly perUnit?: number; readonly capacityGiB: number; readonly linkedToS3?: boolean; readonly metadata?: FsxMetadataConfiguration }
  /** Amazon EFS; `s3Origin`: the Model Repository pattern (S3 → EFS cache → pods). */
  | { readonly kind: 'efs'; readonly throughputMode: 'elastic' | 'provisioned' | 'bursting'; readonly provisionedMiBps?: number; readonly s3Origin?: boolean }
  /** S3 through Mountpoint; `cache: 'nvme'`: Mountpoint's local cache on instance store (S3 + NVMe cache). */
  | { readonly kind: 's3'; readonly cache: 'none' | 'nvme'; readonly prefixes: number }
  /** Instance-store NVMe; `syncToS3`: the Training Checkpoint pattern (NVMe → S3). */
  | { readonly kind: 'instance-store'; readonly syncToS3: boolean }
  /** Amazon S3 Files: the bucket itself as a file system (POSIX edits and renames, synchronized back as objects). */
  | { readonly kind: 's3-files' };

export type LayoutKind = Layout['kind'];

/** The layout in words: "FSx for Lustre SCRATCH_2, 2,400 GiB, linked to S3". */
export function describeLayout(l: Layout): string {
  switch (l.kind) {
    case 'fsx-lustre':
      return `FSx for Lustre ${l.deploymentType}${l.perUnit ? ` at ${l.perUnit} MB/s/TiB` : ''}, ${l.capacityGiB.toLocaleString('en-US')} GiB${l.linkedToS3 ? ', linked to S3' : ''}`;
    case 'efs':
      return `EFS ${l.throughputMode}${l.throughputMode === 'provisioned' && l.provisionedMiBps !== undefined ? ` ${l.provisionedMiBps} MiB/s` : ''}${l.s3Origin ? ', a cache of S3' : ''}`;
    case 's3':
      return `S3 through Mountpoint${l.cache === 'nvme' ? ' with its cache on instance-store NVMe' : ''}${l.prefixes > 1 ? `, ${l.prefixes} prefixes` : ''}`;
    case 'instance-store':
      return `instance-store NVMe${l.syncToS3 ? ', synced to S3' : ''}`;
    case 's3-files':
      return 'S3 Files (the bucket as a file system)';
  }
}
