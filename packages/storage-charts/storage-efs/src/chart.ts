import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { EfsProvisioningMode, EfsStorageClass, ReclaimPolicy, StorageTier } from '@strata/storage';
import { markUses } from '@strata/tokens';

/** The name suffix of the StorageClass: `<release namespace>-<release full name>-class` unless `storageClassName` is set. */
export const EFS_CLASS_SUFFIX = 'class';

/**
 * The EFS tier's cluster-level part: one StorageClass, one EFS access point per claim
 * (`provisioningMode: efs-ap`, kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md). The file system, the access
 * points' directory mode, their gid range and base directory, and the reclaim policy are Helm
 * values; the rules `EfsStorageClass` checks on literals are attached to them. The class is named
 * after the release unless `storageClassName` names it, so the chart installs any number of times
 * in one cluster (one release per file system, say); workloads claim from it by that name
 * (`Efs.fromStorageClass`).
 */
export default class EfsTierChart extends WorkloadChart {
  public readonly storageClass: EfsStorageClass;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(
      scope,
      id,
      {
        name: 'storage-efs',
        description: 'The EFS storage tier: one StorageClass (efs.csi.aws.com, one access point per claim) named after the release or by a value, its parameters checked values; installable any number of times in one cluster.',
        keywords: ['efs', 'storageclass', 'infrastructure'],
      },
      props,
    );
    const v = this.values;
    // Cluster-scoped: named after the release by default, so that two releases never collide.
    const name = this.clusterObjectName('storageClassName', EFS_CLASS_SUFFIX, {
      description: 'The StorageClass name: "" names it after the release (<release namespace>-<release full name>-class), so that releases never collide; set it to keep a name claims already use (the bundled environments keep strata-efs): a claim names its class for good, and renaming the class of a running environment leaves existing claims on a class that is gone (bound, but no longer expandable).',
    });
    const fileSystemId = v.string('fileSystemId', {
      default: 'fs-0123456789abcdef0',
      description: 'The EFS file system the access points are created in: fs- and 8 to 40 hex digits.',
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
      description: 'Last POSIX gid of the allocation range (the driver\'s default is 60000: one gid per access point, 10000 per file system). Must be above gidRangeStart.',
    });
    const basePath = v.string('basePath', {
      default: '',
      // The driver limits the root directory to 100 bytes, the schema counts characters: printable
      // ASCII keeps the two the same, so the length bound EfsStorageClass attaches is exact.
      pattern: '^[ -~]*$',
      accepts: 'printable ASCII characters only',
      description: 'Directory the access points\' root directories are created under, in printable ASCII; "" for the file system root. The whole root directory must stay within 100 characters and 5 "/".',
    });
    // Written only when set: left at their defaults they render the class of earlier versions of
    // this chart exactly (StorageClass parameters are immutable).
    const mountOptions = v.list<string>('mountOptions', {
      default: [],
      items: { type: 'string' },
      description: 'Mount options of every volume (e.g. "iam" to authenticate as the EFS CSI node pod\'s IAM identity, which then needs elasticfilesystem:ClientMount and ClientWrite; "lookupcache=pos"); not accesspoint= or crossaccount, which the driver sets. The driver adds tls and noresvport.',
    });
    // Cross-account provisioning (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md "Cross-account provisioning").
    const secretName = v.string('crossAccount.secretName', {
      default: '',
      description: 'Cross-account file systems: the provisioner Secret (made outside strata) whose awsRoleArn, in the file system\'s account, the controller assumes; "" when the file system is in the cluster\'s account.',
    });
    const secretNamespace = v.string('crossAccount.secretNamespace', {
      default: '',
      description: 'The namespace of that Secret (the driver\'s examples use kube-system); set exactly when crossAccount.secretName is.',
    });
    const dnsResolution = v.boolean('crossAccount.dnsResolution', {
      default: false,
      description: 'Whether that Secret sets crossaccount "true": each node then resolves its own zone\'s mount target by DNS (efs-utils crossaccount prerequisites) and az must be "". Not written; it states the Secret for the checks.',
    });
    const az = v.string('az', {
      default: '',
      description: 'Cross-account only, without DNS resolution: the Availability Zone (name, e.g. us-east-1a) whose mount target every volume uses; "" lets each node use its own zone\'s.',
    });
    const reclaimPolicy = v.enum<ReclaimPolicy>('reclaimPolicy', {
      values: Object.values(ReclaimPolicy),
      default: ReclaimPolicy.RETAIN,
      description: 'What happens to an access point when its claim is deleted: Retain (keeps it; its data stays reachable) or Delete (by explicit choice).',
    });

    this.storageClass = new EfsStorageClass(this, 'StorageClass', {
      name,
      provisioningMode: EfsProvisioningMode.EFS_AP,
      fileSystemId,
      directoryPerms,
      gidRangeStart,
      gidRangeEnd,
      basePath,
      az,
      crossAccount: { secretName, secretNamespace, dnsResolution },
      mountOptions,
      reclaimPolicy,
    });
    // The class provisions through the EFS CSI driver: environments installing this chart need it.
    markUses(this, StorageTier.EFS);
  }
}
