import { S3AuthenticationSource, S3Mountpoint, S3MountpointAccess } from '@strata/storage';
import { problem, Tokens, warn } from '@strata/tokens';
import { PolicyStatement, S3_CSI_DRIVER_IDENTITY, s3Statements, sid, WorkloadIdentity } from './iam';

/**
 * The IAM policy a Mountpoint volume needs, from what it mounts and how — and the role it goes to.
 *
 * What Mountpoint calls (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/CONFIGURATION.md#L40-L100):
 * - general purpose buckets: s3:ListBucket on the bucket (a prefix scoped with the s3:prefix
 *   condition), s3:GetObject to read, s3:PutObject and s3:AbortMultipartUpload to write, s3:DeleteObject
 *   only with `--allow-delete`; SSE-KMS adds kms:Decrypt to read, and kms:GenerateDataKey to write.
 *   `--allow-overwrite` needs nothing more: a replacing upload is an s3:PutObject like a new one
 *   (a new object's upload carries no conditional header a policy could tell apart: Mountpoint
 *   sets if-none-match only on renames, mountpoint-s3-fs/src/superblock.rs#L503, and if-match on
 *   reads and appends, prefetch/part_stream.rs#L440, upload/incremental.rs#L404).
 * - directory buckets (S3 Express One Zone): s3express:CreateSession on
 *   `arn:aws:s3express:<region>:<account>:bucket/<name>`, which authorizes every object request of
 *   the session; an identity policy cannot narrow it to a prefix or to reading (NOT VERIFIED whether
 *   Mountpoint asks for ReadOnly sessions on read-only mounts: the CRT client it uses sends no
 *   session mode, so strata grants the default ReadWrite session and no s3express:SessionMode condition).
 * - a shared cache (`--cache-xz`): s3express:CreateSession on the cache's directory bucket
 *   (doc/CONFIGURATION.md#L591), read-only volumes included.
 * - access point ARNs: the same S3 actions on the access point (`<ARN>` for listing,
 *   `<ARN>/object/<prefix>*` for objects: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html).
 *
 * Whose role: `authenticationSource: pod` → the role of each mounting pod's service account;
 * `driver` → the driver's (kube-system/s3-csi-driver-sa, or the node's instance profile without one:
 * awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L110-L120), shared by every driver-authenticated
 * volume of the cluster.
 */
export interface MountpointPolicyOptions {
  /** Statement ids start with it. @default - the volume's construct id */
  readonly name?: string;
  /** The AWS partition of the ARNs. @default 'aws' */
  readonly partition?: string;
  /**
   * The account of a directory bucket (in its s3express ARN). Directory bucket names are unique
   * in their zone (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-naming-rules.html),
   * so `*` names one bucket.
   * @default '*'
   */
  readonly account?: string;
}

/** The statements of a Mountpoint volume's access (see the module comment). */
export function mountpointStatements(name: string, access: S3MountpointAccess, options: MountpointPolicyOptions = {}): PolicyStatement[] {
  const partition = options.partition ?? 'aws';
  const account = options.account ?? '*';
  const session = (bucket: string, what: string): PolicyStatement => ({
    Sid: sid(name, what),
    Effect: 'Allow',
    Action: ['s3express:CreateSession'],
    Resource: [`arn:${partition}:s3express:${access.region ?? '*'}:${account}:bucket/${bucket}`],
  });
  const out: PolicyStatement[] = [];
  if (access.directoryBucket === true) {
    out.push(session(access.bucket, 'session'));
    if (access.kmsKeyArn !== undefined) out.push({ Sid: sid(name, 'kms'), Effect: 'Allow', Action: access.write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'], Resource: [access.kmsKeyArn] });
  } else if (!Tokens.isToken(access.bucket) && access.bucket.startsWith('arn:')) {
    out.push(...accessPointStatements(name, access));
  } else {
    out.push(...s3Statements(name, { bucket: access.bucket, prefix: access.prefix }, { read: true, write: access.write, delete: access.delete, kmsKeyArn: access.kmsKeyArn, partition }));
  }
  if (access.sharedCacheBucket !== undefined) out.push(session(access.sharedCacheBucket, 'shared-cache'));
  return out;
}

/** S3 statements on an access point ARN: listing the access point under the prefix, objects below `<ARN>/object/<prefix>`. */
function accessPointStatements(name: string, access: S3MountpointAccess): PolicyStatement[] {
  const actions = ['s3:GetObject', ...(access.write ? ['s3:PutObject', 's3:AbortMultipartUpload'] : []), ...(access.delete ? ['s3:DeleteObject'] : [])];
  const out: PolicyStatement[] = [
    { Sid: sid(name, 'list'), Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [access.bucket], Condition: { StringLike: { 's3:prefix': [`${access.prefix}*`] } } },
    { Sid: sid(name, access.write || access.delete ? 'objects' : 'read'), Effect: 'Allow', Action: actions, Resource: [`${access.bucket}/object/${access.prefix}*`] },
  ];
  if (access.kmsKeyArn !== undefined) out.push({ Sid: sid(name, 'kms'), Effect: 'Allow', Action: access.write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'], Resource: [access.kmsKeyArn] });
  return out;
}

/**
 * Gives a Mountpoint volume's policy to the identity Mountpoint runs as: with
 * `authenticationSource: pod`, the service account (of `WorkloadIdentity`) of every pod that mounts
 * the volume — mount it first; with `driver`, the driver's role: the chart's iam-policies/s3-csi-driver.json
 * gets `s3-csi-driver.json`, and a warning says the environment's driver identity
 * (`identity.drivers.s3`) must hold it. Returns the statements.
 */
export function grantMountpoint(mount: S3Mountpoint, options: MountpointPolicyOptions = {}): PolicyStatement[] {
  const statements = mountpointStatements(options.name ?? mount.node.id, mount.access, options);
  if (mount.authenticationSource === S3AuthenticationSource.POD) {
    if (mount.pods.length === 0) {
      throw new Error(`[${mount.node.path}] grantMountpoint: no pod mounts the volume yet; mount it first (with authenticationSource pod, the policy goes to each mounting pod's service account)`);
    }
    const keys = new Set<string>();
    for (const pod of mount.pods) {
      const key = pod.serviceAccount ? WorkloadIdentity.keyOf(pod.serviceAccount) : undefined;
      if (key === undefined) {
        throw new Error(`[${mount.node.path}] grantMountpoint: ${pod.node.path} has no service account of WorkloadIdentity (${pod.serviceAccount?.name ?? 'the namespace\'s default'}); with authenticationSource pod Mountpoint uses the pod's role: give the pod WorkloadIdentity.serviceAccount(this, '<key>')`);
      }
      keys.add(key);
    }
    for (const key of [...keys].sort()) WorkloadIdentity.addStatements(mount, key, statements);
  } else {
    WorkloadIdentity.addDriverStatements(mount, S3_CSI_DRIVER_IDENTITY, statements);
    warn(mount, problem('authenticationSource', mount.authenticationSource, 'satisfied by the driver\'s role',
      `Mountpoint uses the driver's identity (${S3_CSI_DRIVER_IDENTITY.serviceAccount}: the environment's identity.drivers.s3, else the node's instance profile) for this volume: give that role the policy iam-policies/${S3_CSI_DRIVER_IDENTITY.key}.json of the chart (every chart's, for one role), or use authenticationSource "pod" for a role per workload`));
  }
  return statements;
}
