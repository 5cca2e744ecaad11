import { Tokens } from '@strata/tokens';

/**
 * S3 directory buckets — S3 Express One Zone in an Availability Zone, or a bucket in a Local Zone —
 * as Mountpoint mounts them: what their name says, and what they support.
 *
 * - A directory bucket's name is `<base name>--<zone id>--x-s3`, the zone id an Availability Zone
 *   id or a Local Zone id (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-naming-rules.html).
 *   An Availability Zone id has the form `use1-az4` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-Endpoints.html);
 *   a Local Zone id has more parts (`usw2-lax1-az1`) — inferred from AWS's Local Zone naming, NOT
 *   VERIFIED against a list here: any zone id that is not of the Availability Zone form is treated
 *   as a Local Zone.
 * - Mountpoint renames files and appends to them (`--incremental-upload`) only on directory
 *   buckets in Availability Zones; not in Local Zones, and never renames a directory
 *   (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L18-L29, #L294-L318).
 * - IAM: directory buckets authorize every object request through `s3express:CreateSession` on
 *   `arn:aws:s3express:<region>:<account>:bucket/<name>` (doc/CONFIGURATION.md#L88-L100).
 * - Nodes: Karpenter labels every node with its zone id, `topology.k8s.aws/zone-id`
 *   (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/labels.go#L58, #L172;
 *   website/content/en/docs/concepts/scheduling.md#L189). Zone *names* (us-east-1a) map to other
 *   physical zones in each account; zone ids do not.
 */

/** The node label of a node's zone id (Karpenter's well-known label). */
export const ZONE_ID_LABEL = 'topology.k8s.aws/zone-id';

/** The suffix of every directory bucket name. */
export const DIRECTORY_BUCKET_SUFFIX = '--x-s3';

/** Whether a literal bucket name is a directory bucket's (undefined for a value decided at install). */
export function isDirectoryBucketName(name: string): boolean | undefined {
  if (Tokens.isToken(name)) return undefined;
  return name.endsWith(DIRECTORY_BUCKET_SUFFIX);
}

/** The zone id in a literal directory bucket name (`ckpt--use1-az4--x-s3` → `use1-az4`), else undefined. */
export function zoneIdOf(bucketName: string): string | undefined {
  if (Tokens.isToken(bucketName)) return undefined;
  const m = /--([a-z0-9]+(?:-[a-z0-9]+)*)--x-s3$/.exec(bucketName);
  return m ? m[1] : undefined;
}

/** Whether a zone id is an Availability Zone's (`use1-az4`), as opposed to a Local Zone's. */
export function isAvailabilityZoneId(zoneId: string): boolean {
  return /^[a-z]{2,5}[0-9]+-az[0-9]+$/.test(zoneId);
}
