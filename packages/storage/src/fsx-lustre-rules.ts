import { IConstruct } from 'constructs';
import { Constraint, describePattern } from '@strata/tokens';
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
/**
 * Tags: FSx's TagKey (1 to 128) and TagValue (up to 256) of letters, digits, spaces and
 * `_ . : / = + - @` (boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json, TagKey, TagValue), without
 * "=" and ",", on which the driver splits `extraTags` (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L532-L540,
 * pkg/cloud/cloud.go#L220-L236).
 */
// FSx takes any Unicode letter, digit or space (\p{L}, \p{Z}, \p{N}); strata keeps to ASCII ones,
// which Helm's regular expressions (Go) and Node's read alike (their Unicode tables differ in version).
const TAG_CHAR = '[A-Za-z0-9 _.:/+@-]';
export const TAG_WORDS = 'a tag "Key=Value" with a key of 1 to 128 and a value of up to 256 ASCII letters, digits, spaces and _ . : / + - @ (no "=" or "," inside either)';
export const TAG_KEY = describePattern(`^${TAG_CHAR}{1,128}$`, 'a tag key of 1 to 128 ASCII letters, digits, spaces and _ . : / + - @');
export const TAG_VALUE = describePattern(`^${TAG_CHAR}{0,256}$`, 'a tag value of up to 256 ASCII letters, digits, spaces and _ . : / + - @');
export const TAG_PAIR = describePattern(`^${TAG_CHAR}{1,128}=${TAG_CHAR}{0,256}$`, TAG_WORDS);
/**
 * Tags no one may set: a key or value starting with `aws:` in any case (the general AWS tag rule,
 * as https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Tag.html states it; FSx's API reference
 * does not repeat it, so that FSx refuses it is unverified), and the key the driver sets itself (`CSIVolumeName`, kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L55-L56).
 */
export const RESERVED_TAG = describePattern('^([aA][wW][sS]:|CSIVolumeName=)|=[aA][wW][sS]:', 'a tag whose key or value starts with aws: (reserved by AWS), or the key CSIVolumeName (set by the driver)');
/** At most 50 tags on a resource (Tags, max 50); the driver adds `CSIVolumeName`. */
export const MAX_EXTRA_TAGS = 49;

/** The bucket of an s3:// URL. */
export function bucketOf(path: string): string | undefined {
  return /^s3:\/\/([^/]+)/.exec(path)?.[1];
}
