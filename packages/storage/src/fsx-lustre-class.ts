import { Construct } from 'constructs';
import { Clause, satisfies, Tokens } from '@strata/tokens';
import { S3_PATH, SECURITY_GROUP_ID, SUBNET_ID } from './forms';
import { ReclaimPolicy, VolumeBindingMode } from './access-mode';
import { isLiteral, Rules, UNSET } from './rules';
import { ParameterValue, StorageClass } from './storage-class';
import {
  FSX_LUSTRE_DRIVER,
  FsxAutoImportPolicy,
  FsxDataCompressionType,
  FsxDeploymentType,
  FsxDriveCacheType,
  FsxFileSystemTypeVersion,
  FsxMetadataConfigurationMode,
  FsxStorageType,
} from './fsx-lustre-settings';
import { bucketOf, DAILY_TIME, label, MAX_EXTRA_TAGS, METADATA_IOPS, NOT_PERSISTENT_2, originOf, RESERVED_TAG, SCRATCH, TAG_KEY, TAG_PAIR, TAG_VALUE, TAG_WORDS, THROUGHPUT, WEEKLY_TIME } from './fsx-lustre-rules';

// ---------------------------------------------------------------------------------------------

/** The StorageClass settings of the FSx CSI driver (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L55-L76), named as the driver spells them. */
export interface FsxLustreStorageClassProps {
  /**
   * The one subnet the file system is created in (the FSx API takes exactly one).
   * Required: the driver fails with "SubnetId is required".
   * @see https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/master/docs/README.md
   */
  readonly subnetId?: string;

  /**
   * Security groups of the file system's network interfaces; they must allow Lustre traffic
   * (TCP 988) between the nodes and the file system. Required: the driver splits the parameter on
   * "," and sends the pieces unchecked, so without it CreateFileSystem gets `SecurityGroupIds: [""]`
   * and fails (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L186-L192,
   * pkg/cloud/cloud.go#L238-L245).
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/limit-access-security-groups.html
   * @default - none: refused (at least one group is required)
   */
  readonly securityGroupIds?: string[];

  /**
   * The deployment type.
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-fsx-lustre.html
   * @default FsxDeploymentType.SCRATCH_2 — written out, because the API's own default is the legacy
   * SCRATCH_1, which can never grow
   */
  readonly deploymentType?: FsxDeploymentType;

  /**
   * The storage media. HDD is PERSISTENT_1 only and needs `driveCacheType`.
   * @default FsxStorageType.SSD (FSx's default, so not written)
   */
  readonly storageType?: FsxStorageType;

  /**
   * Throughput in MB/s per TiB of storage. Required for PERSISTENT_1/2 (the driver has no default,
   * whatever its README says), refused for SCRATCH_*.
   * PERSISTENT_1 SSD: 50, 100, 200; PERSISTENT_1 HDD: 12, 40; PERSISTENT_2: 125, 250, 500, 1000.
   * @see https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html
   * @default - none (scratch throughput is fixed)
   */
  readonly perUnitStorageThroughput?: number;

  /**
   * The SSD read cache of an HDD file system: required with HDD, refused with SSD.
   * @default - none
   */
  readonly driveCacheType?: FsxDriveCacheType;

  /**
   * A KMS key for encryption at rest (PERSISTENT_* only; scratch always uses a key FSx manages).
   * @default - the FSx service key
   */
  readonly kmsKeyId?: string;

  /**
   * A legacy S3 data repository to import from, `s3://bucket[/prefix]`. Not on PERSISTENT_2
   * (which links S3 through data repository associations that the driver does not create). A file
   * system linked to S3 has no backups: the bucket is its durable copy.
   * @see https://github.com/kubernetes-sigs/aws-fsx-csi-driver/tree/master/examples/kubernetes/dynamic_provisioning_s3
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-backups-fsx.html
   * @default - no S3 link
   */
  readonly s3ImportPath?: string;

  /**
   * Where the file system's root is exported to (`lfs hsm_archive`, or an export data repository
   * task): an S3 path in the bucket of `s3ImportPath` ("The Amazon S3 export bucket must be the same
   * as the import bucket"), which it needs. Not on PERSISTENT_2 (data repository associations link it).
   * `""` is not sent (a chart value left empty).
   * @see boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json (CreateFileSystemLustreConfiguration.ExportPath)
   * @default - FSx's default: `s3://<import bucket>/FSxLustre<creation time>`
   */
  readonly s3ExportPath?: string;

  /**
   * What the S3 link imports automatically; needs `s3ImportPath`.
   * @default - no automatic import
   */
  readonly autoImportPolicy?: FsxAutoImportPolicy;

  /**
   * Days of automatic backups, 0–90 (0 disables them; the driver only sends a value above 0).
   * PERSISTENT_* only, and only without an S3 link (`s3ImportPath`): FSx backs up "persistent file
   * systems that are not linked to an Amazon S3 durable data repository".
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-backups-fsx.html
   * @default - no automatic backups
   */
  readonly automaticBackupRetentionDays?: number;

  /**
   * Daily backup start, `HH:MM` UTC. The driver drops it unless `automaticBackupRetentionDays`
   * is above 0 (a warning says so); refused on a file system linked to S3, which has no backups.
   * @default - chosen by FSx
   */
  readonly dailyAutomaticBackupStartTime?: string;

  /**
   * Copy the file system's tags to its backups (automatic and user-initiated ones that name no
   * tags of their own). Refused on a file system linked to S3: "Not available for use with file
   * systems that are linked to a data repository"; without effect on scratch file systems, which
   * have no backups (a warning). The driver sends it only when true, so false is not written.
   * @see boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json (CreateFileSystemLustreConfiguration.CopyTagsToBackups)
   * @default false
   */
  readonly copyTagsToBackups?: boolean;

  /**
   * Data compression.
   * @default FsxDataCompressionType.NONE (FSx's default, so not written)
   */
  readonly dataCompressionType?: FsxDataCompressionType;

  /**
   * Weekly maintenance window start, `d:HH:MM` UTC with d = 1 (Monday) … 7 (Sunday).
   * @default - chosen by FSx
   */
  readonly weeklyMaintenanceStartTime?: string;

  /**
   * The Lustre version. 2.10 is for SCRATCH_1, SCRATCH_2 and PERSISTENT_1 only; PERSISTENT_2 with a metadata
   * configuration, EFA and EKS Auto Mode need 2.15.
   * @see https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html
   * @default - FSx's default: 2.10, or 2.12 for PERSISTENT_2 (2.15 with a metadata configuration)
   */
  readonly fileSystemTypeVersion?: FsxFileSystemTypeVersion;

  /**
   * Tags for each file system, as a map or as `"Key=Value"` strings (the form of a chart value).
   * The driver joins them as `k1=v1,k2=v2` and splits on "," then "=", so neither may appear in a
   * key or value (it fails with "invalid extraTag"); FSx takes keys of 1 to 128 and values of up
   * to 256 letters, digits, spaces and `_ . : / + - @` (strata: ASCII ones, which Helm's and Node's
   * regular expressions read alike), and at most 50 tags, one of which the
   * driver adds itself (`CSIVolumeName`, refused here as a key); `aws:` is reserved by AWS.
   * Tags of the controller's `--extra-tags` come on top (the driver chart's `controller.extraTags`).
   * @see kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L292-L310, pkg/cloud/cloud.go#L220-L236
   * @see boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json (Tags, TagKey, TagValue)
   * @default - none
   */
  readonly extraTags?: Record<string, string> | readonly string[];

  /**
   * Elastic Fabric Adapter (and GPUDirect Storage) support. PERSISTENT_2 with a metadata
   * configuration only (the driver's own words), which makes it Lustre 2.15 ("Enhanced metadata
   * is available only for 2.15 file systems"); the security groups must allow all traffic within
   * themselves (creation fails otherwise, unchecked here); claims come in steps of 4800 GiB at
   * 1000 MB/s/TiB, 9600 at 500, 19200 at 250, 38400 at 125 (checked on claims). The driver sends
   * it only when true, so false is not written.
   * @see kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:examples/kubernetes/dynamic_provisioning/README.md (efaEnabled), examples/kubernetes/efa
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-metadata-performance.html
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/cannot-create-fs.html (EFA-enabled security groups)
   * @default false
   */
  readonly efaEnabled?: boolean;

  /**
   * Metadata IOPS provisioning (PERSISTENT_2 only, Lustre 2.15). AUTOMATIC sizes them from the
   * storage capacity and must not come with `metadataIops`; USER_PROVISIONED needs them. Set at
   * creation only: a file system made without one can never get one. `""` is not sent.
   * @see boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json (CreateFileSystemLustreMetadataConfiguration)
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-metadata-performance.html
   * @default - no metadata configuration
   */
  readonly metadataConfigurationMode?: FsxMetadataConfigurationMode;

  /**
   * Metadata IOPS for USER_PROVISIONED: 1500, 3000, 6000, 12000 or a multiple of 12000 up to
   * 192000 (SSD). The driver ignores it without `metadataConfigurationMode`, so that is refused;
   * 0 is not sent.
   * @see https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreMetadataConfiguration.html
   * @default - none
   */
  readonly metadataIops?: number;

  /**
   * What happens to the file system when its claim is deleted.
   * @default ReclaimPolicy.RETAIN — the driver's Delete would delete the file system and its data
   */
  readonly reclaimPolicy?: ReclaimPolicy;

  /**
   * Whether claims may grow (the driver grows the file system in place: ControllerExpandVolume,
   * kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L459-L513).
   * SCRATCH_1 cannot grow, so `true` is refused there.
   * @default true, except false for SCRATCH_1
   */
  readonly allowVolumeExpansion?: boolean;

  /**
   * Lustre mount options, passed to `mount -t lustre` verbatim.
   * @default ['flock'] — as in every driver example: without it, `flock()` fails with ENOSYS on
   * Lustre, and tools that lock files (pip, Hugging Face downloads, SQLite) break. Pass `[]` for none.
   */
  readonly mountOptions?: string[];

  /**
   * When claims get their file system. The subnet is fixed per class, so waiting for a pod does
   * not choose a better place; Immediate starts the 5–10 minute creation sooner.
   * @default VolumeBindingMode.IMMEDIATE
   */
  readonly volumeBindingMode?: VolumeBindingMode;

  /**
   * The StorageClass name. Set it for a class that workloads refer to by name.
   * @default - generated by the chart
   */
  readonly name?: string;

  /**
   * The cluster runs EKS Auto Mode, which needs Lustre 2.15 file systems (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L115-L140): then
   * `fileSystemTypeVersion` must be 2.15.
   * @default false
   */
  readonly autoModeCluster?: boolean;
}

/**
 * A StorageClass for dynamically provisioned FSx for Lustre file systems, checked against the
 * driver (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go, pkg/util/util.go) and the FSx API. Parameters are written as
 * strings: StorageClass `parameters` is a map of strings (https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/storage-class-v1/).
 */
export class FsxLustreStorageClass extends Construct {
  public readonly storageClass: StorageClass;
  public readonly subnetId?: string;
  public readonly securityGroupIds?: string[];
  public readonly deploymentType: FsxDeploymentType;
  public readonly storageType: FsxStorageType;
  public readonly perUnitStorageThroughput?: number;
  public readonly driveCacheType?: FsxDriveCacheType;
  public readonly kmsKeyId?: string;
  public readonly s3ImportPath?: string;
  public readonly s3ExportPath?: string;
  public readonly autoImportPolicy?: FsxAutoImportPolicy;
  public readonly automaticBackupRetentionDays?: number;
  public readonly dailyAutomaticBackupStartTime?: string;
  public readonly copyTagsToBackups: boolean;
  public readonly dataCompressionType: FsxDataCompressionType;
  public readonly weeklyMaintenanceStartTime?: string;
  public readonly fileSystemTypeVersion?: FsxFileSystemTypeVersion;
  public readonly extraTags?: Record<string, string> | readonly string[];
  public readonly efaEnabled: boolean;
  public readonly metadataConfigurationMode?: FsxMetadataConfigurationMode;
  public readonly metadataIops?: number;
  public readonly reclaimPolicy: ReclaimPolicy;
  public readonly allowVolumeExpansion: boolean;
  public readonly mountOptions: string[];
  public readonly volumeBindingMode: VolumeBindingMode;
  public readonly autoModeCluster: boolean;
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: FsxLustreStorageClassProps = {}) {
    super(scope, id);
    // The driver sends neither "" nor 0 (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L255): both leave a parameter unset, which lets a
    // tier chart bind optional parameters to values and still offer every deployment type.
    this.rules = new Rules(this, { emptyMeansUnset: true });
    this.subnetId = props.subnetId;
    this.securityGroupIds = props.securityGroupIds && props.securityGroupIds.length > 0 ? props.securityGroupIds : undefined;
    this.deploymentType = props.deploymentType ?? FsxDeploymentType.SCRATCH_2;
    this.storageType = props.storageType ?? FsxStorageType.SSD;
    this.perUnitStorageThroughput = props.perUnitStorageThroughput;
    this.driveCacheType = props.driveCacheType;
    this.kmsKeyId = props.kmsKeyId;
    this.s3ImportPath = props.s3ImportPath;
    this.s3ExportPath = props.s3ExportPath;
    this.autoImportPolicy = props.autoImportPolicy;
    this.automaticBackupRetentionDays = props.automaticBackupRetentionDays;
    this.dailyAutomaticBackupStartTime = props.dailyAutomaticBackupStartTime;
    this.copyTagsToBackups = props.copyTagsToBackups ?? false;
    this.dataCompressionType = props.dataCompressionType ?? FsxDataCompressionType.NONE;
    this.weeklyMaintenanceStartTime = props.weeklyMaintenanceStartTime;
    this.fileSystemTypeVersion = props.fileSystemTypeVersion;
    // An empty map or list is not written (an empty parameter is skipped by the driver anyway).
    this.extraTags = props.extraTags && (Tokens.isToken(props.extraTags) || Object.keys(props.extraTags).length > 0) ? props.extraTags : undefined;
    this.efaEnabled = props.efaEnabled ?? false;
    this.metadataConfigurationMode = props.metadataConfigurationMode;
    this.metadataIops = props.metadataIops;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    // SCRATCH_1 cannot grow (https://docs.aws.amazon.com/fsx/latest/APIReference/API_UpdateFileSystem.html, StorageCapacity): off by default there, refused when asked for.
    this.allowVolumeExpansion = props.allowVolumeExpansion ?? this.deploymentType !== FsxDeploymentType.SCRATCH_1;
    this.mountOptions = props.mountOptions ?? ['flock'];
    this.volumeBindingMode = props.volumeBindingMode ?? VolumeBindingMode.IMMEDIATE;
    this.autoModeCluster = props.autoModeCluster ?? false;

    this.validate(props);

    const parameters: Record<string, ParameterValue> = {
      subnetId: this.subnetId,
      securityGroupIds: this.securityGroupIds?.join(','),
      deploymentType: this.deploymentType,
      // Defaults that equal FSx's own are not written: the class says only what was asked for.
      storageType: props.storageType,
      perUnitStorageThroughput: this.perUnitStorageThroughput,
      driveCacheType: this.driveCacheType,
      kmsKeyId: this.kmsKeyId,
      s3ImportPath: this.s3ImportPath,
      // Settings the driver sends only when set (non-empty, non-zero, true): left out when empty,
      // so that a chart offering them renders the same class as before for releases that leave
      // them so (parameters are immutable).
      s3ExportPath: Tokens.optionalText(this.s3ExportPath),
      autoImportPolicy: this.autoImportPolicy,
      automaticBackupRetentionDays: this.automaticBackupRetentionDays,
      dailyAutomaticBackupStartTime: this.dailyAutomaticBackupStartTime,
      copyTagsToBackups: Tokens.optionalText(props.copyTagsToBackups),
      dataCompressionType: props.dataCompressionType,
      weeklyMaintenanceStartTime: this.weeklyMaintenanceStartTime,
      fileSystemTypeVersion: this.fileSystemTypeVersion,
      extraTags: this.extraTags === undefined ? undefined : Tokens.optionalText(tagText(this.extraTags)),
      efaEnabled: Tokens.optionalText(props.efaEnabled),
      metadataConfigurationMode: Tokens.optionalText(this.metadataConfigurationMode),
      metadataIops: Tokens.optionalText(this.metadataIops),
    };
    this.storageClass = new StorageClass(this, 'Resource', {
      provisioner: FSX_LUSTRE_DRIVER,
      parameters,
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: this.volumeBindingMode,
      allowVolumeExpansion: this.allowVolumeExpansion,
      mountOptions: this.mountOptions,
      name: props.name,
    });
  }

  /** The name claims refer to. */
  public get name(): string {
    return this.storageClass.name;
  }

  private validate(props: FsxLustreStorageClassProps): void {
    const r = this.rules;
    const D = this.deploymentType;
    const S = this.storageType;
    const P = this.perUnitStorageThroughput;
    const M = this.metadataConfigurationMode;
    const efa = this.efaEnabled;
    const when = r.mustWhen.bind(r);
    const requiredWhen = r.requiredWhen.bind(r);

    // Network (case 11).
    if (r.required('subnetId', this.subnetId, 'one subnet id', 'set subnetId to the subnet the file system is created in; the driver fails with "SubnetId is required"')) {
      r.check('subnetId', this.subnetId, { pattern: SUBNET_ID }, 'FSx for Lustre takes one subnet per file system: make one StorageClass per subnet', 'exactly one subnet id (subnet- and 8 to 17 hex digits)');
    }
    // The driver sends strings.Split(securityGroupIds, ",") to CreateFileSystem unchecked: an unset
    // parameter becomes SecurityGroupIds [""], which fails, and every claim stays Pending
    // (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L186-L192, pkg/cloud/cloud.go#L238-L245).
    const noGroup = 'give the groups that allow Lustre traffic (TCP 988) between the nodes and the file system: without one the driver sends SecurityGroupIds [""] to CreateFileSystem, which fails';
    if (Tokens.infoOf(props.securityGroupIds)) {
      r.check('securityGroupIds', props.securityGroupIds, { minItems: 1 }, noGroup, 'at least one security group id');
      r.check('securityGroupIds', props.securityGroupIds, { items: { pattern: SECURITY_GROUP_ID } }, 'list each security group id separately, e.g. ["sg-068000ccf82dfba88"]', 'security group ids (sg- and 8 to 17 hex digits)');
    } else if (this.securityGroupIds) {
      for (const sg of this.securityGroupIds) r.check('securityGroupIds', sg, { pattern: SECURITY_GROUP_ID }, 'list each security group id separately, e.g. ["sg-068000ccf82dfba88"]', 'a security group id (sg- and 8 to 17 hex digits)');
    } else {
      r.fail('securityGroupIds', props.securityGroupIds, 'at least one security group id for a new file system', noGroup);
    }

    // Deployment and storage type (cases 6, 7).
    r.required('deploymentType', D, 'a deployment type', 'use SCRATCH_2 for scratch space, PERSISTENT_2 for durable data');
    const deploymentOk = r.oneOf('deploymentType', D, Object.values(FsxDeploymentType), 'use SCRATCH_2 for scratch space, PERSISTENT_2 for durable data');
    const storageOk = r.check(
      'storageType',
      S,
      { enum: [FsxStorageType.SSD, FsxStorageType.HDD] },
      S === FsxStorageType.INTELLIGENT_TIERING
        ? 'the driver cannot pass the throughput capacity and read cache Intelligent-Tiering needs: create the file system outside Kubernetes and use FsxLustre.fromFileSystem'
        : 'use SSD, or HDD on PERSISTENT_1',
    );
    if (deploymentOk && storageOk) {
      when([{ value: S, equals: FsxStorageType.HDD }], 'deploymentType', D, { enum: [FsxDeploymentType.PERSISTENT_1] }, 'PERSISTENT_1 for HDD storage', 'HDD storage is offered on PERSISTENT_1 only: use storageType SSD or deploymentType PERSISTENT_1');
    }
    if (r.oneOf('driveCacheType', this.driveCacheType, Object.values(FsxDriveCacheType), 'use READ to cache reads on SSD, or NONE')) {
      when([{ value: S, equals: FsxStorageType.SSD }], 'driveCacheType', this.driveCacheType, UNSET, 'unset for SSD storage', 'the read cache belongs to HDD file systems: remove driveCacheType');
    }
    requiredWhen([{ value: S, equals: FsxStorageType.HDD }], 'driveCacheType', this.driveCacheType, 'NONE or READ for HDD storage', 'the FSx API requires it for HDD: set READ to cache reads on SSD, or NONE');

    // Throughput (cases 1–5).
    const PERSISTENT_ONLY = 'remove it or use a PERSISTENT deployment type';
    when([{ value: D, equals: SCRATCH }], 'perUnitStorageThroughput', P, UNSET, `unset for ${label(D, SCRATCH)}`, `scratch file systems have a fixed throughput: ${PERSISTENT_ONLY}`);
    for (const row of THROUGHPUT) {
      const w: Clause[] = [{ value: D, equals: row.deploymentType }, { value: S, equals: row.storageType }];
      const accepted = `one of ${row.values.join(', ')} for ${row.deploymentType} ${row.storageType}`;
      when(w, 'perUnitStorageThroughput', P, { enum: row.values }, accepted, 'pick a throughput the deployment type offers');
      requiredWhen(w, 'perUnitStorageThroughput', P, accepted, 'the FSx API requires it for persistent file systems and the driver has no default (its README\'s "Default 200" is not implemented)');
    }

    // Encryption and backups (cases 4, 12, 13, 15).
    when([{ value: D, equals: SCRATCH }], 'kmsKeyId', this.kmsKeyId, UNSET, `unset for ${label(D, SCRATCH)}`, `scratch file systems are always encrypted with a key FSx manages: ${PERSISTENT_ONLY}`);
    const days = this.automaticBackupRetentionDays;
    const daysOk =
      r.check('automaticBackupRetentionDays', days, { minimum: 0, maximum: 90, multipleOf: 1 }, '0 disables automatic backups (the driver README\'s maximum of 35 is stale)', 'a whole number of days between 0 and 90') &&
      when([{ value: D, equals: SCRATCH }], 'automaticBackupRetentionDays', days, { enum: [0] }, `0 or unset for ${label(D, SCRATCH)}`, `scratch file systems have no backups: ${PERSISTENT_ONLY}`);
    const start = this.dailyAutomaticBackupStartTime;
    const startOk = r.check('dailyAutomaticBackupStartTime', start, { pattern: DAILY_TIME }, 'write the hour and minute with two digits each, e.g. "02:00"', 'HH:MM in UTC, from 00:00 to 23:59');
    const copyTagsOk = r.check('copyTagsToBackups', props.copyTagsToBackups, { enum: [true, false] }, 'pass a boolean');
    if (copyTagsOk && props.copyTagsToBackups === true && isLiteral(D) && SCRATCH.includes(D)) {
      // Case 28. Whether CreateFileSystem refuses it on scratch is not documented (unverified): it has nothing to act on.
      r.warn(`'copyTagsToBackups' (true) has no effect on ${D}: scratch file systems have no backups; remove it`);
    }
    // No backups on a file system linked to S3: FSx backs up "persistent file systems that are not
    // linked to an Amazon S3 durable data repository" (https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-backups-fsx.html),
    // and CopyTagsToBackups is "not available for use with file systems that are linked to a data
    // repository" (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html).
    // Documented behaviour: CreateFileSystem with an ImportPath and a retention above 0 was not tried.
    const imp = this.s3ImportPath;
    const linked: Clause[] = [{ value: imp, differsFrom: '' }];
    if (!r.isUnset(imp)) {
      const onS3 = 'on a file system linked to S3 (s3ImportPath)';
      const noBackups = 'FSx takes no backups of a file system linked to S3, whose bucket is its durable copy: export results to the bucket, or remove s3ImportPath for a backed-up PERSISTENT_1 file system';
      if (daysOk) when(linked, 'automaticBackupRetentionDays', days, { enum: [0] }, `0 or unset ${onS3}`, noBackups);
      if (startOk) when(linked, 'dailyAutomaticBackupStartTime', start, UNSET, `unset ${onS3}`, noBackups);
      if (copyTagsOk) when(linked, 'copyTagsToBackups', props.copyTagsToBackups, { enum: [false] }, `false or unset ${onS3}`, noBackups);
    }
    if (!r.isUnset(start) && r.isUnset(days) && !Tokens.isToken(days) && (r.isUnset(imp) || Tokens.isToken(imp))) {
      // The driver only sends the start time with a retention above 0 (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L189-L194).
      r.warn(`'dailyAutomaticBackupStartTime' (${JSON.stringify(start)}) is dropped by the driver unless automaticBackupRetentionDays is above 0; set automaticBackupRetentionDays, or remove the start time`);
    }

    // S3 data repository (cases 8, 9, 10).
    const exp = this.s3ExportPath;
    const DRA = 'PERSISTENT_2 links S3 through data repository associations, which the driver does not create: create the association outside Kubernetes, or use SCRATCH_2 or PERSISTENT_1';
    for (const [field, value] of [['s3ImportPath', imp], ['s3ExportPath', exp]] as const) {
      if (r.check(field, value, { pattern: S3_PATH }, 'e.g. "s3://ml-training-data-000/prefix"', 'an S3 URL s3://bucket[/prefix]')) {
        when([{ value: D, equals: FsxDeploymentType.PERSISTENT_2 }], field, value, UNSET, 'unset for PERSISTENT_2', DRA);
      }
    }
    if (r.oneOf('autoImportPolicy', this.autoImportPolicy, Object.values(FsxAutoImportPolicy), 'NEW_CHANGED_DELETED keeps the file system in step with the bucket')) {
      when([{ value: D, equals: FsxDeploymentType.PERSISTENT_2 }], 'autoImportPolicy', this.autoImportPolicy, UNSET, 'unset for PERSISTENT_2', DRA);
    }
    const withoutImport = 'the S3 link is made by s3ImportPath: set it (export goes to the same bucket), or remove this';
    if (r.isUnset(imp)) {
      for (const [field, value] of [['s3ExportPath', exp], ['autoImportPolicy', this.autoImportPolicy]] as const) {
        if (!r.isUnset(value)) r.fail(field, value, 'unset without s3ImportPath', withoutImport);
      }
    } else if (Tokens.isToken(imp)) {
      // Decided at install: an import path left empty must leave export and auto-import empty too.
      for (const [field, value] of [['s3ExportPath', exp], ['autoImportPolicy', this.autoImportPolicy]] as const) {
        when([{ value: imp, equals: '' }], field, value, UNSET, 'unset without s3ImportPath', withoutImport);
      }
    }
    if (imp !== undefined && exp !== undefined && !r.isUnset(exp) && !r.isUnset(imp) && isLiteral(imp) && isLiteral(exp)) {
      const bucket = bucketOf(imp);
      if (bucket && bucketOf(exp) && bucketOf(exp) !== bucket) {
        r.fail('s3ExportPath', exp, `in the bucket of s3ImportPath (${bucket})`, `export to a prefix of that bucket, e.g. "s3://${bucket}/export"`);
      }
    } else if (Tokens.isToken(imp) || Tokens.isToken(exp)) {
      // "The Amazon S3 export bucket must be the same as the import bucket" between values decided at
      // install time: JSON Schema cannot compare two values, so the chart checks it in a template guard.
      Tokens.checkRelation('sameS3Bucket', exp, imp, originOf(this, 's3ExportPath'), 'in the bucket of s3ImportPath');
    }

    // Compression, maintenance, tags (cases 14, 20, 21).
    r.oneOf('dataCompressionType', this.dataCompressionType, Object.values(FsxDataCompressionType), 'use LZ4 to compress, or NONE');
    r.check('weeklyMaintenanceStartTime', this.weeklyMaintenanceStartTime, { pattern: WEEKLY_TIME }, 'e.g. "7:09:00" for Sunday 09:00', 'd:HH:MM in UTC with d from 1 (Monday) to 7 (Sunday)');
    if (this.extraTags !== undefined) this.checkTags(this.extraTags);

    // Lustre version, metadata, EFA, Auto Mode (cases 16, 17, 19).
    const V = this.fileSystemTypeVersion;
    const versionOk =
      r.oneOf('fileSystemTypeVersion', V, Object.values(FsxFileSystemTypeVersion), 'use 2.15 (recommended)') &&
      when([{ value: D, equals: FsxDeploymentType.PERSISTENT_2 }], 'fileSystemTypeVersion', V, { enum: ['2.12', '2.15'] }, '2.12 or 2.15 for PERSISTENT_2', 'Lustre 2.10 cannot run PERSISTENT_2: use 2.15');
    const modes = Object.values(FsxMetadataConfigurationMode);
    const modeOk = r.oneOf('metadataConfigurationMode', M, modes, 'use AUTOMATIC, or USER_PROVISIONED with metadataIops');
    if (modeOk) {
      when([{ value: D, equals: NOT_PERSISTENT_2 }], 'metadataConfigurationMode', M, UNSET, `unset for ${label(D, NOT_PERSISTENT_2)}`, 'a metadata configuration exists on PERSISTENT_2 only: remove it or use PERSISTENT_2');
    }
    if (r.check('efaEnabled', props.efaEnabled, { enum: [true, false] }, 'pass a boolean')) {
      const isEfa: Clause[] = [{ value: efa, equals: true }];
      when(isEfa, 'deploymentType', D, { enum: [FsxDeploymentType.PERSISTENT_2] }, 'PERSISTENT_2 when efaEnabled is true', 'EFA is offered on PERSISTENT_2 only: use PERSISTENT_2, or remove efaEnabled');
      requiredWhen(isEfa, 'metadataConfigurationMode', M, 'AUTOMATIC or USER_PROVISIONED when efaEnabled is true', 'EFA file systems need a metadata configuration: set metadataConfigurationMode to AUTOMATIC');
      if (versionOk) when(isEfa, 'fileSystemTypeVersion', V, { enum: ['2.15'] }, '2.15 when efaEnabled is true', 'EFA needs Lustre 2.15: set fileSystemTypeVersion to 2.15 or leave it unset');
    }
    if (versionOk && efa !== true) {
      when([{ value: D, equals: FsxDeploymentType.PERSISTENT_2 }, { value: M, equals: modes }], 'fileSystemTypeVersion', V, { enum: ['2.15'] }, '2.15 for PERSISTENT_2 with a metadata configuration', 'set fileSystemTypeVersion to 2.15 or leave it unset');
    }
    if (versionOk && this.autoModeCluster === true) {
      // EKS Auto Mode needs 2.15 (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L115-L140); required explicitly rather than left to FSx's default.
      r.required('fileSystemTypeVersion', V, '2.15 on an EKS Auto Mode cluster', 'EKS Auto Mode needs Lustre 2.15 file systems (driver docs/install.md): set fileSystemTypeVersion to 2.15');
      r.check('fileSystemTypeVersion', V, { enum: ['2.15'] }, 'EKS Auto Mode needs Lustre 2.15 file systems (driver docs/install.md): set fileSystemTypeVersion to 2.15', '2.15 on an EKS Auto Mode cluster');
    }
    const iops = this.metadataIops;
    const iopsWithoutMode = 'the driver ignores it unless metadataConfigurationMode is set: set USER_PROVISIONED, or remove metadataIops';
    if (modeOk && r.isUnset(M) && !r.isUnset(iops)) {
      r.fail('metadataIops', iops, 'unset without metadataConfigurationMode', iopsWithoutMode);
    } else if (modeOk && Tokens.isToken(M)) {
      // A mode left empty ("") at install time: the IOPS must be left out (0) too.
      when([{ value: M, equals: '' }], 'metadataIops', iops, UNSET, 'unset without metadataConfigurationMode', iopsWithoutMode);
    }
    when([{ value: M, equals: FsxMetadataConfigurationMode.AUTOMATIC }], 'metadataIops', iops, UNSET, 'unset with metadataConfigurationMode AUTOMATIC', 'FSx sizes metadata IOPS itself in AUTOMATIC mode: remove metadataIops, or use USER_PROVISIONED');
    const userIops: Clause[] = [{ value: M, equals: FsxMetadataConfigurationMode.USER_PROVISIONED }];
    const iopsAccepted = 'one of 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000 for USER_PROVISIONED';
    when(userIops, 'metadataIops', iops, METADATA_IOPS, iopsAccepted, 'pick a metadata IOPS level FSx offers');
    requiredWhen(userIops, 'metadataIops', iops, iopsAccepted, 'USER_PROVISIONED has no default: set metadataIops, or use AUTOMATIC');

    // Class fields (cases 26, 27).
    r.oneOf('reclaimPolicy', this.reclaimPolicy, Object.values(ReclaimPolicy), 'Recycle is not supported for CSI volumes: use Retain');
    when([{ value: D, equals: FsxDeploymentType.SCRATCH_1 }], 'allowVolumeExpansion', this.allowVolumeExpansion, { enum: [false] }, 'false for SCRATCH_1', 'SCRATCH_1 file systems cannot grow: use SCRATCH_2, or leave allowVolumeExpansion unset');
  }

  /**
   * Tags as the driver splits them (on "," then "=") and as FSx takes them (TagKey, TagValue, at
   * most 50, `aws:` reserved, the driver's own `CSIVolumeName`). A list bound to a value gets the
   * same rules in the values schema.
   */
  private checkTags(tags: Record<string, string> | readonly string[]): void {
    const r = this.rules;
    const field = 'extraTags';
    const fix = 'the driver splits "k1=v1,k2=v2" on "," and then "=" (it fails with "invalid extraTag") and FSx takes tags of this shape only: change or remove the tag';
    const reservedFix = 'aws: is reserved by AWS, and the driver sets CSIVolumeName itself (to the volume name): use another key';
    if (Tokens.infoOf(tags)?.kind === 'object') {
      r.fail(field, 'a value token', 'a map of literal keys, or a list of "Key=Value" strings', 'bind a list value ("Key=Value" each), or bind the tag values, not the whole map');
      return;
    }
    if (Tokens.infoOf(tags)) {
      r.check(field, tags, { items: { pattern: TAG_PAIR } }, fix, 'tags "Key=Value" as FSx takes them');
      r.check(field, tags, { items: { not: { pattern: RESERVED_TAG } } }, reservedFix, 'tags without the reserved prefix aws: and without the key CSIVolumeName');
      r.check(field, tags, { maxItems: MAX_EXTRA_TAGS }, 'a file system has at most 50 tags and the driver adds one: drop some', `at most ${MAX_EXTRA_TAGS} tags`);
      return;
    }
    // Literal: each pair (a map's value may be a value, checked by itself).
    const pairs: [shown: string, key: string, value: string][] = Array.isArray(tags)
      ? (tags as readonly string[]).map((t) => [t, t.split('=')[0], t.slice(t.indexOf('=') + 1)])
      : Object.entries(tags as Record<string, string>).map(([k, v]) => [`${k}=${v}`, k, v]);
    for (const [shown, key, value] of pairs) {
      if (Tokens.isToken(shown) && !Tokens.isToken(key)) {
        // A map entry whose value is a value: the key now, the value by its own rule.
        if (!satisfies(key, { pattern: TAG_KEY })) r.fail(field, shown, TAG_WORDS, fix);
        else Tokens.check(value, { pattern: TAG_VALUE }, originOf(this, field), 'a tag value of up to 256 ASCII letters, digits, spaces and _ . : / + - @');
      } else if (!Tokens.isToken(shown) && !satisfies(shown, { pattern: TAG_PAIR })) {
        r.fail(field, shown, TAG_WORDS, fix);
        continue;
      }
      if (!Tokens.isToken(key) && satisfies(`${key}=${Tokens.isToken(value) ? '' : value}`, { pattern: RESERVED_TAG })) {
        r.fail(field, shown, 'a tag without the reserved prefix aws: (in its key or value) and not CSIVolumeName', reservedFix);
      }
    }
    if (pairs.length > MAX_EXTRA_TAGS) r.fail(field, `${pairs.length} tags`, `at most ${MAX_EXTRA_TAGS} tags`, 'a file system has at most 50 tags and the driver adds CSIVolumeName: drop some');
  }
}

/** The text of `extraTags` the driver reads: `k1=v1,k2=v2` (a list value is joined by the chart). */
function tagText(tags: Record<string, string> | readonly string[]): string | readonly string[] {
  if (Tokens.infoOf(tags)) return tags as readonly string[];
  return Array.isArray(tags) ? (tags as readonly string[]).join(',') : renderTags(tags as Record<string, string>);
}

function renderTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
