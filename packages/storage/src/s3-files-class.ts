import { Construct } from 'constructs';
import { EfsStorageClass, EfsStorageClassProps } from './efs-class';
import { EfsProvisioningMode } from './efs-rules';
import { Rules } from './rules';
import { checkS3FilesMountOptions } from './s3-files-mount';
import { S3_FILES_REFUSALS } from './s3-files-rules';

/**
 * The parameters of an S3 Files StorageClass: the EFS CSI driver (v3 and later) creates one S3 Files
 * access point per claim (`provisioningMode: s3files-ap`), rooted in a directory of its own and
 * enforcing a POSIX identity, as for EFS (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:examples/kubernetes/s3files/dynamic_provisioning/specs/storageclass.yaml).
 * The EFS parameters S3 Files does not take are not here: `reuseAccessPoint`, `az`, cross-account
 * provisioning and zone affinity (refused if given anyway: S3_FILES_REFUSALS).
 */
export type S3FilesStorageClassProps = Omit<EfsStorageClassProps, 'provisioningMode' | 'reuseAccessPoint' | 'az' | 'crossAccount' | 'enforceZoneAffinity'>;

/** The EFS parameters S3 Files refuses, for a caller that passes them anyway (JavaScript, untyped values). */
type Refused = Pick<EfsStorageClassProps, 'provisioningMode' | 'reuseAccessPoint' | 'az' | 'crossAccount' | 'enforceZoneAffinity'>;

/**
 * An Amazon S3 Files StorageClass (`efs.csi.aws.com`, `provisioningMode: s3files-ap`): one S3 Files
 * access point per claim on a file system over an S3 bucket, each parameter checked as for EFS
 * (`EfsStorageClass`: exactly one of fileSystemId, fileSystemIdConfigRef, fileSystemIdSecretRef;
 * directoryPerms; uid/gid or a gid range; basePath, subPathPattern, ensureUniqueDirectory; the
 * root directory within 100 characters and 5 '/'), the file system id in the S3 Files form, and the
 * EFS-only parameters refused. Retain by default: deleting an access point leaves its directory
 * unreachable by the workload (the data stays in the bucket).
 */
export class S3FilesStorageClass extends EfsStorageClass {
  public constructor(scope: Construct, id: string, props: S3FilesStorageClassProps) {
    const { provisioningMode, reuseAccessPoint, az, crossAccount, enforceZoneAffinity, ...rest } = props as S3FilesStorageClassProps & Refused;
    super(scope, id, { ...rest, provisioningMode: EfsProvisioningMode.S3FILES_AP });
    const r = new Rules(this);
    if (provisioningMode !== undefined && provisioningMode !== EfsProvisioningMode.S3FILES_AP) {
      r.fail('provisioningMode', provisioningMode, 's3files-ap or unset', 'an S3FilesStorageClass provisions S3 Files access points; use EfsStorageClass for EFS');
    }
    if (reuseAccessPoint !== undefined) {
      r.fail('reuseAccessPoint', reuseAccessPoint, 'unset for S3 Files', `the driver refuses the parameter for S3 Files, even false (${S3_FILES_REFUSALS.reuseAccessPoint}): drop it; every claim gets an access point of its own`);
    }
    if (az !== undefined) {
      r.fail('az', az, 'unset for S3 Files', `az is an EFS cross-account parameter (${S3_FILES_REFUSALS.az}): drop it; each node mounts through the mount target of its own zone`);
    }
    if (crossAccount !== undefined) {
      r.fail('crossAccount', crossAccount, 'unset for S3 Files', `the EFS CSI driver mounts S3 Files of the cluster's own account only (${S3_FILES_REFUSALS.crossAccount}): create the file system in this account`);
    }
    if (enforceZoneAffinity !== undefined) {
      r.fail('enforceZoneAffinity', enforceZoneAffinity, 'unset for S3 Files', 'zone affinity is for EFS One Zone file systems; an S3 Files file system has a mount target per zone: drop it');
    }
    checkS3FilesMountOptions(r, props.mountOptions);
  }
}
