import { describePattern } from '@strata/tokens';

/**
 * The vocabulary of Amazon S3 Files as the EFS CSI driver (`efs.csi.aws.com`, v3 and later) takes it:
 * the forms of its ids and volume handles, the driver version it needs, and the limits strata checks
 * (used by s3-files-class.ts, s3-files-mount.ts, s3-files-static.ts and s3-files.ts).
 *
 * Sources: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:CHANGELOG-3.x.md ("V3.0.0 Add support for Amazon S3 Files", #1828),
 * pkg/driver/controller.go#L187-L208, pkg/driver/node.go#L48-L55, #L171-L195, #L238-L253, #L489-L582;
 * the S3 Files API (https://docs.aws.amazon.com/cli/latest/reference/s3files/get-file-system.html).
 */

/** The provisioningMode of S3 Files access points (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L43). */
export const S3_FILES_PROVISIONING_MODE = 's3files-ap';

/** The volumeHandle prefix that makes the driver mount S3 Files instead of EFS (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L500). */
export const S3_FILES_HANDLE_PREFIX = 's3files:';

/**
 * An S3 Files file system id: `fs-` and 17 to 40 lowercase hex digits (the API's pattern
 * `fs-[0-9a-f]{17,40}`: https://docs.aws.amazon.com/cli/latest/reference/s3files/get-file-system.html).
 * Narrower than the driver's own check (8 to 40 digits), which EFS ids share.
 */
export const S3_FILES_FILE_SYSTEM_ID = describePattern('^fs-[0-9a-f]{17,40}$', 'an S3 Files file system id: "fs-" and 17 to 40 lowercase hex digits');

/** A whole S3 Files volumeHandle, for a handle bound to a chart value. */
export const S3_FILES_VOLUME_HANDLE = describePattern(
  '^s3files:fs-[0-9a-f]{17,40}(?::[^:]*(?::(?:fsap-[0-9a-f]{8,40})?)?)?$',
  'an S3 Files volume handle: "s3files:", a file system id, then optionally ":" a directory and ":" an access point id',
);

/** Mount options S3 Files refuses (the driver fails the mount: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L238-L241). */
export const S3_FILES_REFUSED_OPTION = describePattern('^[sS][tT][uU][nN][nN][eE][lL]$', 'stunnel, which S3 Files does not support');

/**
 * The oldest EFS CSI driver that mounts and provisions S3 Files (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:CHANGELOG-3.x.md
 * "V3.0.0: Add support for Amazon S3 Files (#1828)"); an environment's EFS driver must be at least this.
 */
export const S3_FILES_MIN_DRIVER_VERSION = '3.0.0';

/**
 * Below this memory limit of the node plugin's `efs-plugin` container the driver adds `nos3readcache`
 * to every S3 Files mount (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L55, #L248-L253; the chart passes the
 * limit through the downward API: charts/aws-efs-csi-driver/templates/node-daemonset.yaml). What the
 * read cache does for throughput is not documented there (NOT VERIFIED).
 */
export const S3_FILES_READ_CACHE_MIN_MEMORY_GIB = 30;

/**
 * What the driver refuses for S3 Files, with the upstream place of each refusal (kubernetes-sigs/aws-efs-csi-driver@v3.4.1):
 * listed in docs/storage-rules.md and tested one by one.
 */
export const S3_FILES_REFUSALS = {
  reuseAccessPoint: 'pkg/driver/controller.go#L205-L208 ("Parameter reuseAccessPoint is only supported for EFS file systems")',
  az: 'pkg/driver/controller.go#L276-L279 ("Parameter az is only supported for EFS file systems")',
  encryptInTransit: 'pkg/driver/node.go#L177-L183 ("Encryption in transit cannot be disabled for S3 Files file system")',
  crossAccount: 'pkg/driver/node.go#L186-L190 ("Cross-account mounting is not supported for S3 Files file system")',
  stunnel: 'pkg/driver/node.go#L238-L241 ("stunnel mount option is not supported by S3 Files file system")',
} as const;
