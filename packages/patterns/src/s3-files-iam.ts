import { S3_FILES_DRIVER_IAM, S3FilesClientAccess, s3FilesClientActions, s3FilesFileSystemArn } from '@strata/storage';
import { DriverIdentity, PolicyStatement, sid } from './iam';

/**
 * The identity side of S3 Files, in the conventions of iam.ts: S3 Files mounts always authenticate with
 * IAM, as the EFS CSI driver's node service account (never as the workload's pods), so its role — not a
 * workload's — needs the client actions on each file system (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md#L3-L9;
 * actions: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-security-iam-awsmanpol.html). The driver docs attach the
 * managed AmazonS3FilesClientFullAccess (every file system); `s3FilesClientStatements` is the narrower
 * alternative scoped to the file systems a chart mounts.
 */

/** The EFS CSI driver's node service account, which S3 Files mounts authenticate as. */
export const S3_FILES_NODE_IDENTITY: DriverIdentity = { key: 'efs-csi-node', serviceAccount: S3_FILES_DRIVER_IAM.node.serviceAccount };

/** Where the file system is: its region and account (in its ARN). */
export interface S3FilesArnOptions {
  /** @default '*' */
  readonly region?: string;
  /** @default '*' */
  readonly account?: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/**
 * Least-privilege client statements for mounting S3 Files file systems: s3files:ClientMount, plus
 * ClientWrite to write and ClientRootAccess to act as root, on exactly these file systems.
 */
export function s3FilesClientStatements(name: string, fileSystemIds: readonly string[], access: S3FilesClientAccess = {}, options: S3FilesArnOptions = {}): PolicyStatement[] {
  if (fileSystemIds.length === 0) return [];
  return [{ Sid: sid(name, 's3files', 'client'), Effect: 'Allow', Action: s3FilesClientActions(access), Resource: fileSystemIds.map((id) => s3FilesFileSystemArn(id, options)) }];
}
