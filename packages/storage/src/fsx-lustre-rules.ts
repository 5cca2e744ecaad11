import { IConstruct } from 'constructs';
import { Constraint } from '@strata/tokens';
import { isLiteral } from './rules';
import { FsxDeploymentType, FsxStorageType } from './fsx-lustre-settings';

/**
 * The rules tables of FSx for Lustre: what the FSx API and the driver accept, by deployment and
 * storage type. Used by the StorageClass (fsx-lustre-class.ts) and the claim (fsx-lustre.ts).
 * Internal to the storage package: not re-exported by its index.
 */

/** The origin of a rule attached to a value: "[construct path] field". */
export function originOf(scope: IConstruct, field: string): string {
  return `[${scope.node.path}] ${field}`;
}

export const SCRATCH = [FsxDeploymentType.SCRATCH_1, FsxDeploymentType.SCRATCH_2];
export const NOT_PERSISTENT_2 = [FsxDeploymentType.SCRATCH_1, FsxDeploymentType.SCRATCH_2, FsxDeploymentType.PERSISTENT_1];

/** The deployment type in a message: the literal, or the list of those the rule is about. */
export function label(value: unknown, among: readonly string[]): string {
  return isLiteral(value) ? String(value) : among.join(' and ');
}

/** Per-unit throughput the API accepts, by deployment and storage type (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html, PerUnitStorageThroughput). */
export const THROUGHPUT: readonly { deploymentType: FsxDeploymentType; storageType: FsxStorageType; values: number[] }[] = [
  { deploymentType: FsxDeploymentType.PERSISTENT_1, storageType: FsxStorageType.SSD, values: [50, 100, 200] },
  { deploymentType: FsxDeploymentType.PERSISTENT_1, storageType: FsxStorageType.HDD, values: [12, 40] },
  { deploymentType: FsxDeploymentType.PERSISTENT_2, storageType: FsxStorageType.SSD, values: [125, 250, 500, 1000] },
];

/** Metadata IOPS for USER_PROVISIONED on SSD: 1500, 3000, 6000, 12000, n×12000 ≤ 192000 (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreMetadataConfiguration.html). */
export const METADATA_IOPS: Constraint = { anyOf: [{ enum: [1500, 3000, 6000] }, { multipleOf: 12000, minimum: 12000, maximum: 192000 }] };

/** `HH:MM`, 00:00–23:59 (the API pattern, with the length-5 limit folded in). */
export const DAILY_TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/** `d:HH:MM`, d = 1 (Monday) … 7 (Sunday) (the API pattern, with the length-7 limit folded in). */
export const WEEKLY_TIME = '^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$';
/** A tag key and value: the driver splits `extraTags` on "," and then "=". */
export const TAG_KEY = '^[^,=]+$';
export const TAG_VALUE = '^[^,=]*$';

/** The bucket of an s3:// URL. */
export function bucketOf(path: string): string | undefined {
  return /^s3:\/\/([^/]+)/.exec(path)?.[1];
}
