import { Chart, ChartProps, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Clause, Constraint, satisfies, Tokens } from '@strata/tokens';
import { FSX_FILE_SYSTEM_ID as FILE_SYSTEM_ID, MOUNT_NAME, S3_PATH, SECURITY_GROUP_ID, SUBNET_ID } from './forms';
import { AccessMode, ReclaimPolicy, VolumeBindingMode } from './access-mode';
import { Claim } from './claim';
import { ClaimedStorage } from './claimed-storage';
import { CsiPersistentVolume } from './persistent-volume';
import { clausesHold, isLiteral, Rules, UNSET } from './rules';
import { ParameterValue, StorageClass } from './storage-class';
import { StorageTier } from './tier';

/**
 * FSx for Lustre through the FSx CSI driver (`fsx.csi.aws.com`).
 *
 * Every rule here comes from domain/aws-storage-facts.md §1 (the driver's Go code and the FSx API
 * reference) and its bad-input catalogue §7. The driver passes most StorageClass parameters
 * straight to CreateFileSystem and only fails at provisioning time (claim stuck Pending), so the
 * constructs enforce the API's rules too.
 */

/** The FSx CSI driver name. */
export const FSX_LUSTRE_DRIVER = 'fsx.csi.aws.com';

/**
 * The FSx for Lustre deployment type.
 * @see https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html
 */
export enum FsxDeploymentType {
  /** Legacy scratch: no backups, no growth, 1200/2400 then 3600 GiB steps. The API's default. */
  SCRATCH_1 = 'SCRATCH_1',
  /** Scratch for short-lived processing: no replication, no backups, grows in 2400 GiB steps. */
  SCRATCH_2 = 'SCRATCH_2',
  /** Replicated within one AZ; SSD (50/100/200 MB/s/TiB) or HDD (12/40 MB/s/TiB). */
  PERSISTENT_1 = 'PERSISTENT_1',
  /** Newest persistent type: SSD at 125/250/500/1000 MB/s/TiB, metadata configuration, EFA. */
  PERSISTENT_2 = 'PERSISTENT_2',
}

/** The storage media of the file system. */
export enum FsxStorageType {
  SSD = 'SSD',
  /** PERSISTENT_1 only, with a `driveCacheType`. */
  HDD = 'HDD',
  /**
   * Not usable through the CSI driver: it needs a throughput capacity and a read cache
   * configuration the driver cannot pass (facts §1.2). Present so that it is refused with a reason.
   */
  INTELLIGENT_TIERING = 'INTELLIGENT_TIERING',
}

/** The SSD read cache of an HDD file system. */
export enum FsxDriveCacheType {
  NONE = 'NONE',
  READ = 'READ',
}

/** What the legacy S3 data repository link imports automatically. */
export enum FsxAutoImportPolicy {
  NONE = 'NONE',
  NEW = 'NEW',
  NEW_CHANGED = 'NEW_CHANGED',
  NEW_CHANGED_DELETED = 'NEW_CHANGED_DELETED',
}

/** Data compression of the file system. */
export enum FsxDataCompressionType {
  NONE = 'NONE',
  LZ4 = 'LZ4',
}

/** How metadata IOPS are provisioned (PERSISTENT_2 only). */
export enum FsxMetadataConfigurationMode {
  /** FSx sizes metadata IOPS from the storage capacity (SSD only). */
  AUTOMATIC = 'AUTOMATIC',
  /** You give `metadataIops`. */
  USER_PROVISIONED = 'USER_PROVISIONED',
}

/** The Lustre version of the file system. */
export enum FsxFileSystemTypeVersion {
  /** SCRATCH_* and PERSISTENT_1 only. The API's default except for PERSISTENT_2. */
  V2_10 = '2.10',
  /** Every type except PERSISTENT_2 with a metadata configuration. */
  V2_12 = '2.12',
  /** Every type; recommended; required for EFA and on EKS Auto Mode. */
  V2_15 = '2.15',
}

// ---------------------------------------------------------------------------------------------
// Small rule helpers: cross-field rules whose message needs its own "must be …" text.

/** "Must not be set": nothing satisfies it (JSON Schema `not: {}`). */

function originOf(scope: IConstruct, field: string): string {
  return `[${scope.node.path}] ${field}`;
}

const SCRATCH = [FsxDeploymentType.SCRATCH_1, FsxDeploymentType.SCRATCH_2];
const NOT_PERSISTENT_2 = [FsxDeploymentType.SCRATCH_1, FsxDeploymentType.SCRATCH_2, FsxDeploymentType.PERSISTENT_1];

/** The deployment type in a message: the literal, or the list of those the rule is about. */
function label(value: unknown, among: readonly string[]): string {
  return isLiteral(value) ? String(value) : among.join(' and ');
}

/** Per-unit throughput the API accepts, by deployment and storage type (facts §1.2). */
const THROUGHPUT: readonly { deploymentType: FsxDeploymentType; storageType: FsxStorageType; values: number[] }[] = [
  { deploymentType: FsxDeploymentType.PERSISTENT_1, storageType: FsxStorageType.SSD, values: [50, 100, 200] },
  { deploymentType: FsxDeploymentType.PERSISTENT_1, storageType: FsxStorageType.HDD, values: [12, 40] },
  { deploymentType: FsxDeploymentType.PERSISTENT_2, storageType: FsxStorageType.SSD, values: [125, 250, 500, 1000] },
];

/** Metadata IOPS for USER_PROVISIONED on SSD: 1500, 3000, 6000, 12000, n×12000 ≤ 192000 (facts §1.2). */
const METADATA_IOPS: Constraint = { anyOf: [{ enum: [1500, 3000, 6000] }, { multipleOf: 12000, minimum: 12000, maximum: 192000 }] };

/** `HH:MM`, 00:00–23:59 (the API pattern, with the length-5 limit folded in). */
const DAILY_TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/** `d:HH:MM`, d = 1 (Monday) … 7 (Sunday) (the API pattern, with the length-7 limit folded in). */
const WEEKLY_TIME = '^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$';
/** A tag key and value: the driver splits `extraTags` on "," and then "=". */
const TAG_KEY = '^[^,=]+$';
const TAG_VALUE = '^[^,=]*$';

function bucketOf(path: string): string | undefined {
  return /^s3:\/\/([^/]+)/.exec(path)?.[1];
}

// ---------------------------------------------------------------------------------------------

/** The StorageClass settings of the FSx CSI driver (facts §1.2), named as the driver spells them. */
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
   * Where `lfs hsm_archive` exports to: in the bucket of `s3ImportPath`.
   * @default - FSx's default export prefix of the import bucket
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
   * Copy the file system's tags to its backups. Refused on a file system linked to S3: "not
   * available for use with file systems that are linked to a data repository".
   * @see https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html
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
   * Tags for the file system (the driver also adds `CSIVolumeName`). Keys and values may not
   * contain "," or "=": the driver splits `k1=v1,k2=v2` on both.
   * @default - none
   */
  readonly extraTags?: Record<string, string>;

  /**
   * Elastic Fabric Adapter networking. PERSISTENT_2 with a metadata configuration and Lustre 2.15
   * only; the security groups must be EFA-enabled; capacity in multiples of 4800 GiB (1000
   * MB/s/TiB) up to 38400 GiB (125).
   * @see https://github.com/kubernetes-sigs/aws-fsx-csi-driver/tree/master/examples/kubernetes/efa
   * @default false
   */
  readonly efaEnabled?: boolean;

  /**
   * Metadata IOPS provisioning (PERSISTENT_2 only). AUTOMATIC must not come with `metadataIops`.
   * @default - no metadata configuration
   */
  readonly metadataConfigurationMode?: FsxMetadataConfigurationMode;

  /**
   * Metadata IOPS for USER_PROVISIONED: 1500, 3000, 6000, 12000 or a multiple of 12000 up to
   * 192000. The driver ignores it without `metadataConfigurationMode`, so that is refused.
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
   * Whether claims may grow (the driver grows the file system in place, facts §1.4).
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
   * The cluster runs EKS Auto Mode, which needs Lustre 2.15 file systems (facts §1.2): then
   * `fileSystemTypeVersion` must be 2.15.
   * @default false
   */
  readonly autoModeCluster?: boolean;
}

/**
 * A StorageClass for dynamically provisioned FSx for Lustre file systems, checked against the
 * driver and the FSx API (facts §1.2–§1.4). Parameters are written as strings (facts §7 case 22).
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
  public readonly extraTags?: Record<string, string>;
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
    // The driver sends neither "" nor 0 (facts §1.2): both leave a parameter unset, which lets a
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
    // An empty map would be written as "", which the driver refuses ("invalid extraTag").
    this.extraTags = props.extraTags && Object.keys(props.extraTags).length > 0 ? props.extraTags : undefined;
    this.efaEnabled = props.efaEnabled ?? false;
    this.metadataConfigurationMode = props.metadataConfigurationMode;
    this.metadataIops = props.metadataIops;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    // SCRATCH_1 cannot grow (facts §1.4): off by default there, refused when asked for.
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
      s3ExportPath: this.s3ExportPath,
      autoImportPolicy: this.autoImportPolicy,
      automaticBackupRetentionDays: this.automaticBackupRetentionDays,
      dailyAutomaticBackupStartTime: this.dailyAutomaticBackupStartTime,
      copyTagsToBackups: props.copyTagsToBackups,
      dataCompressionType: props.dataCompressionType,
      weeklyMaintenanceStartTime: this.weeklyMaintenanceStartTime,
      fileSystemTypeVersion: this.fileSystemTypeVersion,
      extraTags: this.extraTags && !Tokens.infoOf(this.extraTags) ? renderTags(this.extraTags) : undefined,
      efaEnabled: props.efaEnabled,
      metadataConfigurationMode: this.metadataConfigurationMode,
      metadataIops: this.metadataIops,
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
      // The driver only sends the start time with a retention above 0 (facts §1.2, case 13).
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
    } else if (imp !== undefined && exp !== undefined && !r.isUnset(exp) && isLiteral(imp) && isLiteral(exp)) {
      const bucket = bucketOf(imp);
      if (bucket && bucketOf(exp) && bucketOf(exp) !== bucket) {
        r.fail('s3ExportPath', exp, `in the bucket of s3ImportPath (${bucket})`, `export to a prefix of that bucket, e.g. "s3://${bucket}/export"`);
      }
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
      // EKS Auto Mode needs 2.15 (facts §1.2); required explicitly rather than left to FSx's default.
      r.required('fileSystemTypeVersion', V, '2.15 on an EKS Auto Mode cluster', 'EKS Auto Mode needs Lustre 2.15 file systems (driver docs/install.md): set fileSystemTypeVersion to 2.15');
      r.check('fileSystemTypeVersion', V, { enum: ['2.15'] }, 'EKS Auto Mode needs Lustre 2.15 file systems (driver docs/install.md): set fileSystemTypeVersion to 2.15', '2.15 on an EKS Auto Mode cluster');
    }
    const iops = this.metadataIops;
    if (modeOk && r.isUnset(M) && !r.isUnset(iops)) {
      r.fail('metadataIops', iops, 'unset without metadataConfigurationMode', 'the driver ignores it unless metadataConfigurationMode is set: set USER_PROVISIONED, or remove metadataIops');
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

  private checkTags(tags: Record<string, string>): void {
    if (Tokens.infoOf(tags)) {
      this.rules.fail('extraTags', 'a value token', 'a map of literal keys', 'bind the tag values to Helm values, not the whole map: the driver needs "k1=v1,k2=v2"');
      return;
    }
    let ok = true;
    for (const [key, value] of Object.entries(tags)) {
      ok = Tokens.check(key, { pattern: TAG_KEY }, originOf(this, 'extraTags')) && ok;
      ok = Tokens.check(value, { pattern: TAG_VALUE }, originOf(this, 'extraTags')) && ok;
    }
    if (!ok) {
      this.rules.fail('extraTags', renderTags(tags), 'key=value pairs separated by ",", with no "," or "=" inside a key or value', 'the driver splits on "," and then "=" and fails with "invalid extraTag": remove them from the tag');
    }
  }
}

function renderTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Capacity (facts §1.3)

/** What capacity rounding needs to know about a class. */
export interface FsxCapacitySettings {
  readonly deploymentType?: FsxDeploymentType;
  readonly storageType?: FsxStorageType;
  readonly perUnitStorageThroughput?: number;
  readonly efaEnabled?: boolean;
}

interface CapacityRule {
  readonly when: (s: FsxCapacitySettings) => Clause[];
  readonly constraint: Constraint;
  /** For messages: what FSx provisions. */
  readonly sizes: string;
  readonly label: string;
}

const HDD_12: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.HDD }, { value: s.perUnitStorageThroughput, equals: 12 }],
  constraint: { minimum: 6000, multipleOf: 6000 },
  sizes: 'multiples of 6000Gi',
  label: 'PERSISTENT_1 HDD at 12 MB/s/TiB',
};
/** The driver rounds every other HDD throughput like 40 (the only other valid one). */
const HDD_40: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.HDD }, { value: s.perUnitStorageThroughput, equals: 40 }],
  constraint: { minimum: 1800, multipleOf: 1800 },
  sizes: 'multiples of 1800Gi',
  label: 'PERSISTENT_1 HDD at 40 MB/s/TiB',
};
const SSD_SCRATCH_1: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.SSD }, { value: s.deploymentType, equals: FsxDeploymentType.SCRATCH_1 }],
  constraint: { minimum: 1200, anyOf: [{ enum: [1200, 2400] }, { multipleOf: 3600 }] },
  sizes: '1200Gi, 2400Gi, then multiples of 3600Gi',
  label: 'SCRATCH_1 SSD',
};
const SSD_OTHER: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.SSD }, { value: s.deploymentType, equals: [FsxDeploymentType.SCRATCH_2, FsxDeploymentType.PERSISTENT_1, FsxDeploymentType.PERSISTENT_2] }],
  constraint: { minimum: 1200, anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] },
  sizes: '1200Gi, 2400Gi, then multiples of 2400Gi',
  label: 'SCRATCH_2, PERSISTENT_1 and PERSISTENT_2 SSD',
};
const BASE_CAPACITY_RULES = [HDD_12, HDD_40, SSD_SCRATCH_1, SSD_OTHER];
/** EFA capacity steps by throughput; the driver's rounding does not know them (facts §1.3). */
const EFA_STEPS: Record<number, number> = { 125: 38400, 250: 19200, 500: 9600, 1000: 4800 };
const EFA_RULES: CapacityRule[] = Object.entries(EFA_STEPS).map(([throughput, step]) => ({
  when: (s) => [{ value: s.efaEnabled, equals: true }, { value: s.perUnitStorageThroughput, equals: Number(throughput) }],
  constraint: { minimum: step, multipleOf: step },
  sizes: `multiples of ${step}Gi`,
  label: `an EFA-enabled file system at ${throughput} MB/s/TiB`,
}));

/** The driver's rule for the given (literal) settings. */
function capacityRuleFor(s: FsxCapacitySettings): CapacityRule {
  if (s.storageType === FsxStorageType.HDD) return s.perUnitStorageThroughput === 12 ? HDD_12 : HDD_40;
  return s.deploymentType === FsxDeploymentType.SCRATCH_1 ? SSD_SCRATCH_1 : SSD_OTHER;
}

const EPSILON = 1e-9;
function ceilDiv(value: number, unit: number): number {
  return Math.ceil(value / unit - EPSILON);
}

/**
 * The capacity FSx provisions for a request, as the driver rounds it (`util.RoundUpVolumeSize`,
 * facts §1.3): HDD in 6000 GiB (12 MB/s/TiB) or 1800 GiB steps; SSD SCRATCH_1 1200, 2400, then
 * 3600 GiB steps; other SSD 1200, 2400, then 2400 GiB steps. Literal settings only.
 */
export function roundUpFsxCapacity(gibibytes: number, settings: FsxCapacitySettings): number {
  if (settings.storageType === FsxStorageType.HDD) {
    const unit = settings.perUnitStorageThroughput === 12 ? 6000 : 1800;
    return Math.max(1, ceilDiv(gibibytes, unit)) * unit;
  }
  const big = settings.deploymentType === FsxDeploymentType.SCRATCH_1 || settings.deploymentType === undefined ? 3600 : 2400;
  if (gibibytes < big) return Math.max(1, ceilDiv(gibibytes, 1200)) * 1200;
  return ceilDiv(gibibytes, big) * big;
}

// ---------------------------------------------------------------------------------------------

/** How a claim reaches FSx for Lustre. */
export interface FsxLustreClaimOptions {
  /**
   * The requested capacity. Rounded up to a size FSx provisions (with a warning) when the class
   * settings are known; a size token gets the valid sizes attached instead.
   */
  readonly storage: Size;
  /**
   * ReadWriteMany or ReadWriteOnce: the driver refuses ReadOnlyMany (facts §1.1); for read-only
   * use, mount a ReadWriteMany claim with `readOnly: true`.
   * @default AccessMode.READ_WRITE_MANY
   */
  readonly accessMode?: AccessMode;
  /**
   * The size the claim has now, when this synthesis updates a deployed claim: the change is
   * checked against what FSx allows (grow only, never SCRATCH_1, only with allowVolumeExpansion).
   * @default - a new claim
   */
  readonly previousStorage?: Size;
}

/** A new FSx for Lustre file system, with its own StorageClass. */
export interface FsxLustreProps extends FsxLustreStorageClassProps, FsxLustreClaimOptions {}

/** What is known about an existing StorageClass that is referred to by name. */
export interface FsxLustreStorageClassReference {
  /** The StorageClass name. */
  readonly name: string;
  /** @default - unknown: the request is not rounded */
  readonly deploymentType?: FsxDeploymentType;
  /** @default FsxStorageType.SSD */
  readonly storageType?: FsxStorageType;
  /** @default - unknown */
  readonly perUnitStorageThroughput?: number;
  /** @default false */
  readonly efaEnabled?: boolean;
  /** @default - unknown: growth is not checked */
  readonly allowVolumeExpansion?: boolean;
}

/** Options of `FsxLustre.fromStorageClass`. */
export interface FsxLustreFromStorageClassOptions extends FsxLustreClaimOptions {
  /** The class: a construct of this app, or what is known about one installed separately. */
  readonly storageClass: FsxLustreStorageClass | FsxLustreStorageClassReference;
  /**
   * The S3 path whose data the claim expects on its new file system (`s3://bucket/prefix/`): the
   * class must link it (its `s3ImportPath` is this path or contains it). Recorded for the
   * environment, which compares it with the class it installs.
   * @default - the claim expects no S3 data
   */
  readonly importPath?: string;
}

/** Options of `FsxLustre.fromFileSystem`: an existing file system. */
export interface FsxLustreFromFileSystemOptions {
  /**
   * The file system id (the PV's volumeHandle), e.g. `fs-0199e5a63bd90f796`.
   */
  readonly fileSystemId: string;
  /**
   * The file system's DNS name (`dnsname`), e.g. `fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com`.
   * Required: the driver fails with "dnsname is not provided".
   */
  readonly dnsName?: string;
  /**
   * The Lustre mount name (`mountname`, LustreConfiguration.MountName). Required unless the file
   * system is SCRATCH_1, whose mount name is always "fsx".
   * @default 'fsx' for SCRATCH_1
   */
  readonly mountName?: string;
  /**
   * The file system's deployment type, when known: SCRATCH_1 allows leaving out the mount name.
   * @default - unknown
   */
  readonly deploymentType?: FsxDeploymentType;
  /** The file system's capacity (the PV's capacity and the claim's request). */
  readonly storage: Size;
  /** @default AccessMode.READ_WRITE_MANY */
  readonly accessMode?: AccessMode;
  /**
   * What happens to the PersistentVolume object when its claim is deleted (the file system
   * itself is never deleted for a static volume).
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** @default ['flock'] (see FsxLustreStorageClassProps.mountOptions) */
  readonly mountOptions?: string[];
}

const DNS_NAME = '^fs-[0-9a-f]{8,17}\\.fsx\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$';

type Source =
  | { readonly kind: 'class'; readonly options: FsxLustreFromStorageClassOptions }
  | { readonly kind: 'fileSystem'; readonly options: FsxLustreFromFileSystemOptions };
/** Factories hand their source to the constructor through the props object they create. */
const SOURCES = new WeakMap<object, Source>();

/**
 * FSx for Lustre storage for a workload: a claim that pods mount (`mount()` / `asVolume()`),
 * ReadWriteMany by default.
 *
 * - `new FsxLustre(...)`: a new file system, with a StorageClass of its own;
 * - `FsxLustre.fromStorageClass(...)`: a new file system from an existing class;
 * - `FsxLustre.fromFileSystem(...)`: an existing file system (static PersistentVolume).
 *
 * The driver does not apply a pod's `fsGroup` to ReadWriteMany Lustre volumes (CSIDriver
 * `fsGroupPolicy: ReadWriteOnceWithFSType`, facts §1.1): set ownership on the file system itself.
 */
export class FsxLustre extends ClaimedStorage {
  /** A claim against an existing class (e.g. one installed per environment by `FsxLustreStorageClassChart`). */
  public static fromStorageClass(scope: Construct, id: string, options: FsxLustreFromStorageClassOptions): FsxLustre {
    return new FsxLustre(scope, id, source({ kind: 'class', options }));
  }

  /** An existing file system: a PersistentVolume for it and a claim bound to that volume. */
  public static fromFileSystem(scope: Construct, id: string, options: FsxLustreFromFileSystemOptions): FsxLustre {
    return new FsxLustre(scope, id, source({ kind: 'fileSystem', options }));
  }

  public readonly tier = StorageTier.FSX_LUSTRE;
  public readonly claim: Claim;
  /** The class created for or given to this claim; undefined for a reference by name or a static volume. */
  public readonly storageClass?: FsxLustreStorageClass;
  /** The class name of the claim (`''` for a static volume). */
  public readonly storageClassName: string;
  /** The PersistentVolume of an existing file system. */
  public readonly persistentVolume?: CsiPersistentVolume;
  public readonly accessMode: AccessMode;
  /** The capacity as asked for. */
  public readonly requestedStorage: Size;
  /** The capacity the claim requests: rounded up to what FSx provisions when known. */
  public readonly storage: Size;

  public constructor(scope: Construct, id: string, props: FsxLustreProps) {
    super(scope, id);
    const src = SOURCES.get(props);
    const options: FsxLustreClaimOptions = src ? src.options : props;
    this.accessMode = options.accessMode ?? AccessMode.READ_WRITE_MANY;
    this.requestedStorage = options.storage;
    // The driver accepts single-node and multi-node writers only (facts §1.1, case 24).
    this.rules.oneOf('accessMode', this.accessMode, [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY], 'use ReadWriteMany and mount with readOnly: true');

    if (src?.kind === 'fileSystem') {
      const o = src.options;
      this.storage = Size.gibibytes(wholeGibibytes(o.storage));
      this.checkPositive(o.storage);
      this.persistentVolume = this.staticVolume(o);
      this.storageClassName = '';
      this.claim = new Claim(this, 'Claim', { accessModes: [this.accessMode], storage: this.storage, storageClassName: '', volumeName: this.persistentVolume.name });
      this.describe({ capacityGiB: this.storage.toGibibytes(), deploymentType: o.deploymentType, source: 'existing file system' });
      // Lustre roots are root-owned and the driver does not apply fsGroup to RWX volumes (facts §1.1).
      this.probeReadOnly();
      return;
    }

    let settings: FsxCapacitySettings & { readonly allowVolumeExpansion?: boolean };
    if (src?.kind === 'class') {
      const sc = src.options.storageClass;
      if (sc instanceof FsxLustreStorageClass) {
        this.storageClass = sc;
        settings = sc;
      } else {
        settings = { ...sc, storageType: sc.storageType ?? FsxStorageType.SSD };
        this.rules.oneOf('deploymentType', sc.deploymentType, Object.values(FsxDeploymentType), 'give the deployment type of the class');
        this.rules.oneOf('storageType', settings.storageType, [FsxStorageType.SSD, FsxStorageType.HDD], 'give the storage type of the class');
      }
      this.storageClassName = sc.name;
    } else {
      const { storage: _s, accessMode: _a, previousStorage: _p, ...classProps } = props;
      this.storageClass = new FsxLustreStorageClass(this, 'StorageClass', classProps);
      settings = this.storageClass;
      this.storageClassName = this.storageClass.name;
    }

    this.storage = this.capacity(options.storage, settings);
    if (options.previousStorage) this.checkResize(options.previousStorage, settings);
    this.claim = new Claim(this, 'Claim', { accessModes: [this.accessMode], storage: this.storage, storageClassName: this.storageClassName });
    this.probeReadOnly();
    this.describe({
      capacityGiB: this.storage.toGibibytes(),
      ...(src?.kind === 'class' && src.options.importPath !== undefined ? { importPath: src.options.importPath } : {}),
      deploymentType: settings.deploymentType,
      perUnitStorageThroughput: settings.perUnitStorageThroughput,
      storageType: settings.storageType,
      storageClassName: this.storageClassName,
    });
  }

  /** Whether the settings decide the rounding now (no tokens, nothing unknown). */
  private static settled(s: FsxCapacitySettings): boolean {
    const known = (v: unknown) => isLiteral(v);
    if (!known(s.storageType)) return false;
    if (s.storageType === FsxStorageType.HDD ? !known(s.perUnitStorageThroughput) : !known(s.deploymentType)) return false;
    if (Tokens.isToken(s.efaEnabled)) return false;
    return s.efaEnabled !== true || known(s.perUnitStorageThroughput);
  }

  /** Rounds a request the way the driver will, or attaches the valid sizes to a size token (facts §1.3). */
  private capacity(requested: Size, s: FsxCapacitySettings): Size {
    const gi = requested.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Tokens.isToken(gi) && !this.checkPositive(requested)) return requested;
    const shown = requested.asString();

    if (FsxLustre.settled(s)) {
      const rule = capacityRuleFor(s);
      const efa = s.efaEnabled === true ? EFA_RULES.find((e) => clausesHold(e.when(s))) : undefined;
      if (Tokens.isToken(gi)) {
        this.rules.check('storage', gi, rule.constraint, `request ${rule.sizes}`);
        if (efa) this.rules.check('storage', gi, efa.constraint, `request ${efa.sizes}`);
        return requested;
      }
      const rounded = roundUpFsxCapacity(gi, s);
      const what = s.storageType === FsxStorageType.HDD ? rule.label : `${s.deploymentType} SSD`;
      if (efa && rounded % efa.constraint.multipleOf! !== 0) {
        // The driver would round to a size the EFA file system cannot have: refuse (case 18).
        const next = ceilDiv(rounded, efa.constraint.multipleOf!) * efa.constraint.multipleOf!;
        this.rules.failWith(`'storage' (${shown}) must be a multiple of ${efa.constraint.multipleOf}Gi for ${efa.label}; request ${next}Gi`);
      } else if (Math.abs(rounded - gi) > EPSILON) {
        this.rules.warn(`'storage' (${shown}) is rounded up to ${rounded}Gi, the next size FSx provisions for ${what} (${rule.sizes}); the claim requests ${rounded}Gi`);
      }
      return Size.gibibytes(rounded);
    }

    if (isLiteral(s.storageType) && s.storageType !== FsxStorageType.HDD && s.deploymentType === undefined) {
      // A class referred to by name without its deployment type: the driver rounds on its own.
      const everywhere = gi === 1200 || gi === 2400 || gi % 7200 === 0;
      // A size bound to a value cannot be judged here, and its marker must not reach a message.
      if (!everywhere && !Tokens.isToken(gi)) {
        this.rules.warn(`'storage' (${shown}) is not rounded: the deploymentType of StorageClass ${JSON.stringify(this.storageClassName)} is not known here; give it so that the claim requests what FSx provisions (the driver rounds up to 1200Gi, 2400Gi, then multiples of 2400Gi, or 3600Gi for SCRATCH_1)`);
      }
      return Size.gibibytes(wholeGibibytes(requested));
    }

    // Settings decided at install time: every rule that may apply becomes a conditional constraint.
    if (!Tokens.isToken(gi)) {
      // A literal size that no possible setting accepts would make every install fail: say so now.
      const possible = BASE_CAPACITY_RULES.filter((rule) => rule.when(s).every((c) => Tokens.isToken(c.value) || clausesHold([c])));
      if (possible.length > 0 && possible.every((rule) => !satisfies(gi, rule.constraint))) {
        const sizes = possible.map((rule) => `${rule.sizes} for ${rule.label}`).join(', or ');
        this.rules.failWith(`'storage' (${shown}) must be ${sizes}; request a size that every setting left to install time accepts, or bind storage to a value too`);
        return Size.gibibytes(wholeGibibytes(requested));
      }
    }
    for (const rule of [...BASE_CAPACITY_RULES, ...EFA_RULES]) {
      const ok = Tokens.checkWhen(rule.when(s), gi, rule.constraint, originOf(this, 'storage'));
      if (!ok) this.rules.failWith(`'storage' (${shown}) must be ${rule.sizes} for ${rule.label}; request a size FSx provisions`);
    }
    return Tokens.isToken(gi) ? requested : Size.gibibytes(wholeGibibytes(requested));
  }

  /** Growing a deployed claim: FSx grows in place, never shrinks, never SCRATCH_1 (facts §1.4, case 27). */
  private checkResize(previous: Size, s: FsxCapacitySettings & { readonly allowVolumeExpansion?: boolean }): void {
    const before = previous.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    const after = this.storage.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (Tokens.isToken(before) || Tokens.isToken(after) || !FsxLustre.settled(s)) return;
    const was = roundUpFsxCapacity(before, s);
    const shown = this.requestedStorage.asString();
    if (after < was) {
      this.rules.failWith(`'storage' (${shown}) must be at least ${was}Gi, the size of the file system now; FSx for Lustre cannot shrink: keep ${was}Gi, or copy the data to a new volume`);
    } else if (after > was) {
      if (s.deploymentType === FsxDeploymentType.SCRATCH_1) {
        this.rules.failWith(`'storage' (${shown}) must stay ${was}Gi for SCRATCH_1; SCRATCH_1 file systems cannot grow: copy the data to a new SCRATCH_2 or PERSISTENT volume`);
      } else if (s.allowVolumeExpansion === false) {
        this.rules.failWith(`'storage' (${shown}) must stay ${was}Gi while StorageClass ${JSON.stringify(this.storageClassName)} has allowVolumeExpansion false; allow expansion on the class (FSx grows in place), or keep ${was}Gi`);
      }
    }
  }

  private checkPositive(size: Size): boolean {
    const gi = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (Tokens.isToken(gi) || gi > 0) return true;
    this.rules.failWith(`'storage' (${size.asString()}) must be more than 0; request at least 1200Gi`);
    return false;
  }

  /** The PersistentVolume of an existing file system (facts §1.5, case 25). */
  private staticVolume(o: FsxLustreFromFileSystemOptions): CsiPersistentVolume {
    const r = this.rules;
    const idOk =
      r.required('volumeHandle', o.fileSystemId, 'the file system id', 'copy FileSystemId from aws fsx describe-file-systems') &&
      r.check('volumeHandle', o.fileSystemId, { pattern: FILE_SYSTEM_ID }, 'copy FileSystemId from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796"', 'a file system id (fs- and 8 to 17 hex digits)');
    if (r.required('dnsname', o.dnsName, 'the file system\'s DNS name', 'copy DNSName from aws fsx describe-file-systems; the driver fails with "dnsname is not provided"')) {
      const shapeOk = r.check('dnsname', o.dnsName, { pattern: DNS_NAME }, 'copy DNSName from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com"', 'an FSx DNS name <fs-id>.fsx.<region>.amazonaws.com');
      if (idOk && shapeOk && isLiteral(o.dnsName) && isLiteral(o.fileSystemId) && !o.dnsName!.startsWith(`${o.fileSystemId}.`)) {
        r.fail('dnsname', o.dnsName, `the DNS name of ${o.fileSystemId}`, 'copy DNSName of the same file system');
      }
    }
    r.oneOf('deploymentType', o.deploymentType, Object.values(FsxDeploymentType), 'give the file system\'s deployment type');
    const scratch1 = o.deploymentType === FsxDeploymentType.SCRATCH_1;
    let mountName = o.mountName;
    if (mountName === undefined && scratch1) {
      mountName = 'fsx'; // always "fsx" on SCRATCH_1; written out rather than left to the driver's default
    } else if (mountName === undefined) {
      const which = o.deploymentType === undefined ? 'unless the file system is SCRATCH_1' : `for ${o.deploymentType}`;
      r.fail('mountname', undefined, `set ${which}`, 'only SCRATCH_1 file systems have the mount name "fsx": copy LustreConfiguration.MountName from aws fsx describe-file-systems');
    } else if (r.check('mountname', mountName, { pattern: MOUNT_NAME }, 'copy LustreConfiguration.MountName from aws fsx describe-file-systems', 'a mount name of 1 to 8 letters, digits, "_" or "-"') && scratch1) {
      r.check('mountname', mountName, { enum: ['fsx'] }, 'SCRATCH_1 file systems always have the mount name "fsx"', 'fsx for SCRATCH_1');
    }
    const reclaimPolicy = o.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    r.oneOf('persistentVolumeReclaimPolicy', reclaimPolicy, Object.values(ReclaimPolicy), 'Recycle is not supported for CSI volumes: use Retain');
    return new CsiPersistentVolume(this, 'PersistentVolume', {
      driver: FSX_LUSTRE_DRIVER,
      volumeHandle: o.fileSystemId,
      volumeAttributes: { dnsname: o.dnsName, mountname: mountName },
      accessModes: [this.accessMode],
      capacity: this.storage,
      reclaimPolicy,
      mountOptions: o.mountOptions ?? ['flock'],
    });
  }
}

function source(src: Source): FsxLustreProps {
  const key = {} as FsxLustreProps;
  SOURCES.set(key, src);
  return key;
}

/** Whole GiB for a claim (cdk8s refuses fractional conversions); tokens pass through. */
function wholeGibibytes(size: Size): number {
  const gi = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  return Tokens.isToken(gi) ? gi : Math.ceil(gi - EPSILON);
}

// ---------------------------------------------------------------------------------------------

export interface FsxLustreStorageClassChartProps extends ChartProps {
  /**
   * The classes of this environment, by StorageClass name (cluster-scoped and stable, so that
   * workloads refer to them with `FsxLustre.fromStorageClass`).
   */
  readonly classes: { readonly [name: string]: Omit<FsxLustreStorageClassProps, 'name'> };
}

/**
 * The cluster-level part of the FSx for Lustre tier for one environment: named StorageClasses
 * (e.g. `fsx-scratch` and `fsx-persistent`) that workload charts claim from.
 */
export class FsxLustreStorageClassChart extends Chart {
  /** The classes, by name. */
  public readonly classes: { readonly [name: string]: FsxLustreStorageClass };

  public constructor(scope: Construct, id: string, props: FsxLustreStorageClassChartProps) {
    super(scope, id, props);
    const rules = new Rules(this);
    const classes: { [name: string]: FsxLustreStorageClass } = {};
    const names = Object.keys(props.classes);
    if (names.length === 0) rules.fail('classes', props.classes, 'at least one class', 'name the classes of this environment, e.g. { "fsx-scratch": { ... } }');
    for (const name of names) {
      rules.check('classes', name, { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 }, 'use lowercase letters, digits, "-" and "."', 'a StorageClass name (DNS subdomain)');
      classes[name] = new FsxLustreStorageClass(this, name, { ...props.classes[name], name });
    }
    this.classes = classes;
  }
}
