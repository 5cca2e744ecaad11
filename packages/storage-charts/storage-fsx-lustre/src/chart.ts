import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { FsxAutoImportPolicy, FsxDataCompressionType, FsxDeploymentType, FsxDriveCacheType, FsxFileSystemTypeVersion, FsxLustreStorageClass, FsxMetadataConfigurationMode, FsxStorageType, ReclaimPolicy, StorageTier } from '@strata/storage';
import { markUses } from '@strata/tokens';

/** The name suffix of the StorageClass: `<release namespace>-<release full name>-class` unless `storageClassName` is set. */
export const FSX_LUSTRE_CLASS_SUFFIX = 'class';

/**
 * The FSx for Lustre tier's cluster-level part: one StorageClass, installed before the workloads
 * that claim from it, named after the release unless `storageClassName` names it (so the chart
 * installs any number of times in one cluster: a scratch and a persistent class side by side). Every
 * parameter is a Helm value; the rules `FsxLustreStorageClass` checks on literals (from kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver
 * and the FSx API reference)
 * are attached to those values, so `values.schema.json` refuses at install what the construct
 * refuses at generate — cross-field rules (throughput per deployment type, Lustre version per
 * deployment type) as if/then conditionals.
 */
export default class FsxLustreTierChart extends WorkloadChart {
  public readonly storageClass: FsxLustreStorageClass;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(
      scope,
      id,
      {
        name: 'storage-fsx-lustre',
        description: 'The FSx for Lustre storage tier: one StorageClass (fsx.csi.aws.com) named after the release or by a value, every parameter a checked value; installable any number of times in one cluster.',
        keywords: ['fsx-lustre', 'storageclass', 'infrastructure'],
      },
      props,
    );
    const v = this.values;
    // Cluster-scoped: named after the release by default, so that two releases never collide.
    const name = this.clusterObjectName('storageClassName', FSX_LUSTRE_CLASS_SUFFIX, {
      description: 'The StorageClass name: "" names it after the release (<release namespace>-<release full name>-class), so that releases never collide; set it to keep a name claims already use (the bundled environments keep strata-fsx-lustre): a claim names its class for good, and renaming the class of a running environment leaves existing claims on a class that is gone (bound, but no longer expandable).',
    });

    // Network: one subnet per file system (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/README.md#L95-L96); the construct attaches the id patterns.
    const subnetId = v.string('subnetId', {
      default: 'subnet-0123456789abcdef0',
      description: 'The one subnet file systems are created in (FSx for Lustre takes exactly one): subnet- and 8 to 17 hex digits.',
    });
    // Required: with none the driver sends SecurityGroupIds [""] and CreateFileSystem fails; the
    // construct attaches "at least one" (minItems) and the id pattern to this value.
    const securityGroupIds = v.list<string>('securityGroupIds', {
      default: ['sg-0123456789abcdef0'],
      items: { type: 'string' },
      description: 'Required, at least one: security groups of the file systems (sg- and 8 to 17 hex digits each); they must allow TCP 988 between the nodes and the file systems. Without one the driver sends an empty group id and every file system creation fails.',
    });

    // Deployment and throughput (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html).
    const deploymentType = v.enum<FsxDeploymentType>('deploymentType', {
      values: Object.values(FsxDeploymentType),
      default: FsxDeploymentType.SCRATCH_2,
      description: 'The deployment type: SCRATCH_2 (scratch, no backups), PERSISTENT_2 (SSD, 125/250/500/1000 MB/s/TiB), PERSISTENT_1 (SSD 50/100/200 or HDD 12/40 MB/s/TiB), SCRATCH_1 (legacy, cannot grow).',
    });
    const perUnitStorageThroughput = v.integer('perUnitStorageThroughput', {
      default: 0,
      minimum: 0,
      description: 'Throughput in MB/s per TiB: 0 for SCRATCH (not sent; scratch throughput is fixed); 125, 250, 500 or 1000 for PERSISTENT_2; 50, 100 or 200 for PERSISTENT_1 SSD; 12 or 40 for HDD.',
    });
    const storageType = v.enum<FsxStorageType>('storageType', {
      values: [FsxStorageType.SSD, FsxStorageType.HDD],
      default: FsxStorageType.SSD,
      description: 'The storage media: SSD, or HDD (PERSISTENT_1 only, with driveCacheType).',
    });
    const driveCacheType = v.enum<'' | FsxDriveCacheType>('driveCacheType', {
      values: ['', ...Object.values(FsxDriveCacheType)],
      default: '',
      description: 'HDD read cache: NONE or READ, required for HDD; "" (not sent) for SSD.',
    });
    const kmsKeyId = v.string('kmsKeyId', {
      default: '',
      description: 'KMS key for PERSISTENT file systems; "" uses the key FSx manages (scratch file systems always do).',
    });
    const s3ImportPath = v.string('s3ImportPath', {
      default: '',
      description: 'Link each new file system to s3://bucket[/prefix] (SCRATCH and PERSISTENT_1 only; PERSISTENT_2 uses data repository associations); "" for none. A linked file system has no backups: automaticBackupRetentionDays must be 0 and dailyAutomaticBackupStartTime "".',
    });
    const autoImportPolicy = v.enum<'' | FsxAutoImportPolicy>('autoImportPolicy', {
      values: ['', ...Object.values(FsxAutoImportPolicy)],
      default: '',
      description: 'How changes in the linked bucket reach the file system (with s3ImportPath): NONE, NEW, NEW_CHANGED or NEW_CHANGED_DELETED; "" for none.',
    });
    // The settings below are written only when set: left at their defaults they render the class
    // of earlier versions of this chart exactly (StorageClass parameters are immutable).
    const s3ExportPath = v.string('s3ExportPath', {
      default: '',
      description: 'Where the file system root is exported (lfs hsm_archive, export tasks): s3://bucket[/prefix] in the bucket of s3ImportPath, which it needs (SCRATCH and PERSISTENT_1 only); "" for FSx\'s default, s3://<import bucket>/FSxLustre<creation time>.',
    });
    const dataCompressionType = v.enum<FsxDataCompressionType>('dataCompressionType', {
      values: Object.values(FsxDataCompressionType),
      default: FsxDataCompressionType.NONE,
      description: 'Data compression: NONE (FSx default) or LZ4.',
    });
    // Metadata and EFA (PERSISTENT_2, Lustre 2.15): https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-metadata-performance.html,
    // kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:examples/kubernetes/dynamic_provisioning/README.md.
    const metadataConfigurationMode = v.enum<'' | FsxMetadataConfigurationMode>('metadataConfigurationMode', {
      values: ['', ...Object.values(FsxMetadataConfigurationMode)],
      default: '',
      description: 'Metadata IOPS provisioning of PERSISTENT_2 file systems (Lustre 2.15): AUTOMATIC (sized from the storage capacity) or USER_PROVISIONED (with metadataIops); "" for none. Set at creation only.',
    });
    const metadataIops = v.integer('metadataIops', {
      default: 0,
      minimum: 0,
      description: 'Metadata IOPS with metadataConfigurationMode USER_PROVISIONED: 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000; 0 otherwise (not sent).',
    });
    const efaEnabled = v.boolean('efaEnabled', {
      default: false,
      description: 'Elastic Fabric Adapter (and GPUDirect Storage) support: PERSISTENT_2 with a metadata configuration and Lustre 2.15 only; the security groups must allow all traffic within themselves; claims in steps of 4800 GiB at 1000 MB/s/TiB (9600 at 500, 19200 at 250, 38400 at 125).',
    });
    const fileSystemTypeVersion = v.enum<FsxFileSystemTypeVersion>('fileSystemTypeVersion', {
      values: Object.values(FsxFileSystemTypeVersion),
      default: FsxFileSystemTypeVersion.V2_15,
      description: 'The Lustre version: 2.15 (recommended; required on EKS Auto Mode), 2.12, or 2.10 (not for PERSISTENT_2).',
    });

    // Backups and maintenance (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html).
    // No backups on SCRATCH, nor on a file system linked to S3 (s3ImportPath): the construct turns
    // both into if/then rules on these values.
    const automaticBackupRetentionDays = v.integer('automaticBackupRetentionDays', {
      default: 0,
      description: 'Days of automatic daily backups, 0 to 90; 0 disables them (the driver then sends nothing). PERSISTENT file systems without s3ImportPath only.',
    });
    const dailyAutomaticBackupStartTime = v.string('dailyAutomaticBackupStartTime', {
      default: '',
      description: 'Daily backup start, HH:MM UTC; "" lets FSx choose. The driver sends it only when automaticBackupRetentionDays is above 0; must be "" with s3ImportPath.',
    });
    const copyTagsToBackups = v.boolean('copyTagsToBackups', {
      default: false,
      description: 'Copy the file system tags to its backups (PERSISTENT file systems without s3ImportPath; no effect on scratch file systems, which have no backups).',
    });
    const extraTags = v.list<string>('extraTags', {
      default: [],
      items: { type: 'string' },
      description: 'Tags for each file system, "Key=Value" each: keys of 1 to 128 and values of up to 256 ASCII letters, digits, spaces and _ . : / + - @ (no "=" or ","), at most 49 (the driver adds CSIVolumeName), none starting with aws:.',
    });
    const weeklyMaintenanceStartTime = v.string('weeklyMaintenanceStartTime', {
      default: '7:09:00',
      description: 'Weekly maintenance window start, d:HH:MM UTC with d from 1 (Monday) to 7 (Sunday).',
    });

    // Class fields (expansion: kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L459-L513; https://docs.aws.amazon.com/fsx/latest/APIReference/API_UpdateFileSystem.html).
    const reclaimPolicy = v.enum<ReclaimPolicy>('reclaimPolicy', {
      values: Object.values(ReclaimPolicy),
      default: ReclaimPolicy.RETAIN,
      description: 'What happens to a file system when its claim is deleted: Retain (keeps it and its data) or Delete (deletes it; for dev environments, by explicit choice).',
    });
    const allowVolumeExpansion = v.boolean('allowVolumeExpansion', {
      default: true,
      description: 'Whether claims may grow (the driver grows the file system in place, in the steps FSx offers).',
    });

    this.storageClass = new FsxLustreStorageClass(this, 'StorageClass', {
      name,
      subnetId,
      securityGroupIds,
      deploymentType,
      storageType,
      perUnitStorageThroughput,
      driveCacheType: driveCacheType as FsxDriveCacheType,
      kmsKeyId,
      s3ImportPath,
      autoImportPolicy: autoImportPolicy as FsxAutoImportPolicy,
      s3ExportPath,
      dataCompressionType,
      fileSystemTypeVersion,
      metadataConfigurationMode: metadataConfigurationMode as FsxMetadataConfigurationMode,
      metadataIops,
      efaEnabled,
      automaticBackupRetentionDays,
      dailyAutomaticBackupStartTime,
      copyTagsToBackups,
      extraTags,
      weeklyMaintenanceStartTime,
      reclaimPolicy,
      allowVolumeExpansion,
    });
    // The class provisions through the FSx CSI driver: environments installing this chart need it.
    markUses(this, StorageTier.FSX_LUSTRE);
  }
}
