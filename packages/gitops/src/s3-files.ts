/**
 * What an environment needs for the S3 Files tier (storage-s3-files): the EFS CSI driver of at least
 * 3.0.0, the identities of its two service accounts, and the service's throughput, for the plan and
 * the report. Facts, with their sources:
 * - driver: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:CHANGELOG-3.x.md ("V3.0.0 … Add support for Amazon S3 Files (#1828)");
 * - identities: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md#L3-L9, charts/aws-efs-csi-driver/values.yaml
 *   (node.serviceAccount.annotations);
 * - throughput: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-performance.html ("Performance summary");
 * - metering: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-metering.html.
 */

/** The oldest EFS CSI driver that provisions and mounts S3 Files. */
export const S3_FILES_MIN_EFS_DRIVER = '3.0.0';

/** The EFS CSI driver's service accounts and the AWS managed policies each needs for S3 Files. */
export const S3_FILES_IDENTITIES = {
  controller: {
    serviceAccount: 'efs-csi-controller-sa',
    policies: 'AmazonEFSCSIDriverPolicy, AmazonS3FilesCSIDriverPolicy (service-role/), AmazonS3FilesClientFullAccess',
  },
  node: {
    serviceAccount: 'efs-csi-node-sa',
    annotationsPath: ['node', 'serviceAccount', 'annotations'] as const,
    policies: 'AmazonS3FilesClientFullAccess (s3files:ClientMount, ClientWrite, ClientRootAccess), AmazonS3ReadOnlyAccess (reads served from the bucket), AmazonElasticFileSystemsUtils (efs-utils logs)',
  },
} as const;

/** The performance summary of S3 Files (per file system unless said otherwise). */
export const S3_FILES_PERFORMANCE = {
  readThroughput: 'up to terabytes per second (aggregate)',
  writeThroughput: '1–5 GiB/s (aggregate)',
  perClientReadGiBps: 3,
  readIops: 250000,
  writeIops: 50000,
} as const;

/** Whether a driver version (`3.4.1`, `v3.0.0`) is at least `min`; undefined when either is not a version. */
export function versionAtLeast(version: string, min: string): boolean | undefined {
  const parse = (v: string) => /^v?(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
  const a = parse(version);
  const b = parse(min);
  if (!a || !b) return undefined;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/**
 * The refusal of an EFS driver too old for S3 Files (undefined when it is new enough), as
 * `[field, value, accepted, fix]` for the plan's `fail`.
 */
export function s3FilesDriverProblem(driver: { readonly chart: string; readonly version: string; readonly appVersion?: string }, users: readonly string[]): [string, string, string, string] | undefined {
  const ok = driver.appVersion === undefined ? undefined : versionAtLeast(driver.appVersion, S3_FILES_MIN_EFS_DRIVER);
  if (ok === true) return undefined;
  return [
    'drivers.efs',
    `${driver.chart} ${driver.version} (driver ${driver.appVersion ?? 'version not recorded'})`,
    `an EFS CSI driver of at least ${S3_FILES_MIN_EFS_DRIVER} when a workload uses S3 Files (${users.join(', ')})`,
    `S3 Files came with the driver 3.0.0 (kubernetes-sigs/aws-efs-csi-driver CHANGELOG-3.x.md): pin a chart whose appVersion is 3.0.0 or later (4.4.1 installs 3.4.1), or leave those workloads out`,
  ];
}
