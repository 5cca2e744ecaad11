import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { ReclaimPolicy, S3FilesStorageClass, StorageTier } from '@strata/storage';
import { markUses } from '@strata/tokens';

/** The name suffix of the StorageClass: `<release namespace>-<release full name>-class` unless `storageClassName` is set. */
export const S3_FILES_CLASS_SUFFIX = 'class';

/**
 * The S3 Files tier's cluster-level part: one StorageClass, one S3 Files access point per claim
 * (`provisioningMode: s3files-ap` of the EFS CSI driver v3+, kubernetes-sigs/aws-efs-csi-driver@v3.4.1:examples/kubernetes/s3files/dynamic_provisioning/specs/storageclass.yaml).
 * The file system, the access points' directory mode, their gid range and base directory, the mount
 * options and the reclaim policy are Helm values; the rules `S3FilesStorageClass` checks on literals
 * are attached to them. The parameters S3 Files refuses (reuseAccessPoint, az, cross-account
 * provisioning) are not values: helm refuses them as unknown. The class is named after the release
 * unless `storageClassName` names it, so the chart installs any number of times in one cluster (one
 * release per file system); workloads claim from it by that name (`S3Files.fromStorageClass`).
 */
export default class S3FilesTierChart extends WorkloadChart {
  public readonly storageClass: S3FilesStorageClass;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(
      scope,
      id,
      {
        name: 'storage-s3-files',
        description: 'The Amazon S3 Files storage tier: one StorageClass (efs.csi.aws.com, provisioningMode s3files-ap: one S3 Files access point per claim) named after the release or by a value, its parameters checked values; installable any number of times in one cluster. Needs the EFS CSI driver 3.0.0 or later.',
        keywords: ['s3-files', 's3', 'efs', 'storageclass', 'infrastructure'],
      },
      props,
    );
    const v = this.values;
    const name = this.clusterObjectName('storageClassName', S3_FILES_CLASS_SUFFIX, {
      description: 'The StorageClass name: "" names it after the release (<release namespace>-<release full name>-class), so that releases never collide; set it to keep a name claims already use: a claim names its class for good.',
    });
    const fileSystemId = v.string('fileSystemId', {
      default: 'fs-0123456789abcdef01',
      description: 'The S3 Files file system the access points are created in: fs- and 17 to 40 hex digits (aws s3files list-file-systems); "" when fileSystemIdConfigRef names it.',
    });
    // The id from a ConfigMap key (an ACK FieldExport of the FileSystem's status.fileSystemID, say):
    // exactly one of the two is set (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/filesystem-id-resolution.md).
    const fileSystemIdConfigRef = v.string('fileSystemIdConfigRef', {
      default: '',
      description: 'The ConfigMap key holding the file system id, as "namespace/name/key" (set fileSystemId to "" then); the environment turns on the EFS driver\'s controller.fileSystemIdRefs.enabled for it. "" when fileSystemId names the file system.',
    });
    const directoryPerms = v.string('directoryPerms', {
      default: '700',
      description: 'Mode of each access point\'s root directory, 3 or 4 octal digits as for chmod (e.g. "700", "0755").',
    });
    const gidRangeStart = v.integer('gidRangeStart', {
      default: 50000,
      description: 'First POSIX gid the driver allocates to access points (above 0; the driver\'s default is 50000). Must be below gidRangeEnd.',
    });
    const gidRangeEnd = v.integer('gidRangeEnd', {
      default: 60000,
      description: 'Last POSIX gid of the allocation range (the driver\'s default is 60000). Must be above gidRangeStart.',
    });
    const basePath = v.string('basePath', {
      default: '',
      // As in storage-efs: the driver counts the root directory in bytes, the schema in characters.
      pattern: '^[ -~]*$',
      accepts: 'printable ASCII characters only',
      description: 'Directory the access points\' root directories are created under, in printable ASCII; "" for the file system root. The whole root directory must stay within 100 characters and 5 "/".',
    });
    const mountOptions = v.list<string>('mountOptions', {
      default: [],
      items: { type: 'string' },
      description: 'Mount options of every volume (e.g. "azid=use1-az4" where nodes cannot reach instance metadata); not stunnel, accesspoint= or crossaccount. TLS and IAM authentication are always on for S3 Files.',
    });
    const reclaimPolicy = v.enum<ReclaimPolicy>('reclaimPolicy', {
      values: Object.values(ReclaimPolicy),
      default: ReclaimPolicy.RETAIN,
      description: 'What happens to an access point when its claim is deleted: Retain (keeps it; its directory stays reachable) or Delete (by explicit choice; the data stays in the bucket).',
    });

    this.storageClass = new S3FilesStorageClass(this, 'StorageClass', {
      name,
      fileSystemId,
      fileSystemIdConfigRef,
      directoryPerms,
      gidRangeStart,
      gidRangeEnd,
      basePath,
      mountOptions,
      reclaimPolicy,
    });
    // The class provisions through the EFS CSI driver (3.0.0 or later): environments installing this chart need it.
    markUses(this, StorageTier.S3_FILES);
  }
}
