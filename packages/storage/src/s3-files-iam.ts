/**
 * The IAM each side of S3 Files needs, as data the identity code (packages/patterns, the
 * environment's identities) uses: the EFS CSI driver's two service accounts and their AWS managed
 * policies, and the client actions a mount performs on a file system.
 *
 * Sources: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md#L3-L9 (the two service accounts and their
 * policies), charts/aws-efs-csi-driver/values.yaml (the service account names); the client actions of
 * AmazonS3FilesClientFullAccess (same file, #L7) and https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-security-iam-awsmanpol.html.
 */

/** One service account of the EFS CSI driver and the AWS managed policies its role needs for S3 Files. */
export interface S3FilesDriverAccount {
  /** `<namespace>/<name>` of the service account (the chart's defaults, in kube-system). */
  readonly serviceAccount: string;
  /** AWS managed policy ARNs (partition `aws`) its role needs, in the order the driver docs attach them. */
  readonly managedPolicyArns: readonly string[];
  /** What each policy is for, for reports. */
  readonly why: string;
}

/** The IAM of the EFS CSI driver for S3 Files: the controller creates and deletes access points, the node mounts. */
export interface S3FilesDriverIam {
  readonly controller: S3FilesDriverAccount;
  readonly node: S3FilesDriverAccount;
}

/** See S3FilesDriverIam (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md#L3-L9, #L56-L62, #L104-L114). */
export const S3_FILES_DRIVER_IAM: S3FilesDriverIam = {
  controller: {
    serviceAccount: 'kube-system/efs-csi-controller-sa',
    managedPolicyArns: [
      'arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy',
      'arn:aws:iam::aws:policy/service-role/AmazonS3FilesCSIDriverPolicy',
      'arn:aws:iam::aws:policy/AmazonS3FilesClientFullAccess',
    ],
    why: 'creates and deletes one S3 Files access point per claim (s3-files-ap), tagged efs.csi.aws.com/cluster',
  },
  node: {
    serviceAccount: 'kube-system/efs-csi-node-sa',
    managedPolicyArns: [
      'arn:aws:iam::aws:policy/AmazonS3FilesClientFullAccess',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonElasticFileSystemsUtils',
    ],
    why: 'mounts with IAM authentication (always on for S3 Files), reads large files directly from the bucket, publishes efs-utils logs to CloudWatch',
  },
};

/** The client actions of S3 Files (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-security-iam-awsmanpol.html). */
export enum S3FilesClientAction {
  /** Mount the file system (read). */
  MOUNT = 's3files:ClientMount',
  /** Write through the mount. */
  WRITE = 's3files:ClientWrite',
  /** Act as root (uid 0) through the mount (bypasses root squashing). */
  ROOT_ACCESS = 's3files:ClientRootAccess',
}

/** How a mount uses a file system: which client actions it needs. */
export interface S3FilesClientAccess {
  /** Writes through the mount. @default false */
  readonly write?: boolean;
  /** Runs as root without an access point enforcing another identity. @default false */
  readonly rootAccess?: boolean;
}

/** The client actions a mount needs: ClientMount always, ClientWrite to write, ClientRootAccess for root. */
export function s3FilesClientActions(access: S3FilesClientAccess = {}): S3FilesClientAction[] {
  const out = [S3FilesClientAction.MOUNT];
  if (access.write) out.push(S3FilesClientAction.WRITE);
  if (access.rootAccess) out.push(S3FilesClientAction.ROOT_ACCESS);
  return out;
}

/**
 * The ARN of an S3 Files file system, `arn:<partition>:s3files:<region>:<account>:file-system/<id>`
 * (the API's pattern: https://docs.aws.amazon.com/cli/latest/reference/s3files/get-file-system.html).
 */
export function s3FilesFileSystemArn(fileSystemId: string, options: { readonly region?: string; readonly account?: string; readonly partition?: string } = {}): string {
  return `arn:${options.partition ?? 'aws'}:s3files:${options.region ?? '*'}:${options.account ?? '*'}:file-system/${fileSystemId}`;
}
