import { Construct } from 'constructs';
import { AccessPoint } from '@strata/crd-types/ack-efs-access-point';
import { FileSystem } from '@strata/crd-types/ack-efs-file-system';
import { MountTarget } from '@strata/crd-types/ack-efs-mount-target';
import { EFS_FILE_SYSTEM_ID, Rules, SECURITY_GROUP_ID, SUBNET_ID } from '@strata/storage';
import { ABSOLUTE_PATH, OBJECT_NAME } from '@strata/tokens';
import { ackAnnotations } from './annotations';
import { CloudValue, CloudValueTarget } from './field-export';
import { KMS_KEY_ARN } from './forms';

/**
 * The days after which EFS moves a file out of Standard (efs-controller@v1.4.1:apis/v1alpha1/enums.go
 * TransitionToIARules, TransitionToArchiveRules).
 */
export type EfsTransition = 'AFTER_1_DAY' | 'AFTER_7_DAYS' | 'AFTER_14_DAYS' | 'AFTER_30_DAYS' | 'AFTER_60_DAYS' | 'AFTER_90_DAYS' | 'AFTER_180_DAYS' | 'AFTER_270_DAYS' | 'AFTER_365_DAYS';

/** Every EFS transition, shortest first. */
export const EFS_TRANSITIONS: readonly EfsTransition[] = ['AFTER_1_DAY', 'AFTER_7_DAYS', 'AFTER_14_DAYS', 'AFTER_30_DAYS', 'AFTER_60_DAYS', 'AFTER_90_DAYS', 'AFTER_180_DAYS', 'AFTER_270_DAYS', 'AFTER_365_DAYS'];

/** The days of a transition. */
export function efsTransitionDays(t: EfsTransition): number {
  return Number(/^AFTER_(\d+)_DAYS?$/.exec(t)![1]);
}

/** EFS lifecycle management (https://docs.aws.amazon.com/efs/latest/ug/lifecycle-management-efs.html). */
export interface EfsLifecycle {
  /** Move files not read for this long to Infrequent Access; `false` keeps everything in Standard. @default 'AFTER_30_DAYS' */
  readonly toInfrequentAccess?: EfsTransition | false;
  /** Move files not read for this long to Archive (Elastic throughput and General Purpose only); `false` never. @default 'AFTER_90_DAYS' */
  readonly toArchive?: EfsTransition | false;
  /** Move a file back to Standard on its first read from IA or Archive. @default true */
  readonly backOnFirstAccess?: boolean;
}

/** One mount target: EFS answers NFS in one subnet (one per Availability Zone the nodes run in). */
export interface EfsMountTargetProps {
  readonly subnetId: string;
  /** Security groups of the mount target: they must let the nodes reach TCP 2049. */
  readonly securityGroupIds: readonly string[];
}

/** An access point: one directory, entered as one POSIX user. */
export interface EfsAccessPointProps {
  /** The object name (a DNS label), also the access point's Name tag. */
  readonly name: string;
  /** The directory (absolute), created on first use with `owner` and `permissions`. */
  readonly path: string;
  /** The POSIX user every request through the access point is made as. */
  readonly uid: number;
  readonly gid: number;
  /** Mode of the directory when created, 3 or 4 octal digits. @default '750' */
  readonly permissions?: string;
}

export interface CloudFileSystemProps {
  /** The object name (a DNS label), also the file system's Name tag. */
  readonly name: string;
  /** @default 'generalPurpose' */
  readonly performanceMode?: 'generalPurpose' | 'maxIO';
  /** @default 'elastic' */
  readonly throughputMode?: 'elastic' | 'bursting' | 'provisioned';
  /** MiB/s, with throughputMode provisioned only. @default - none */
  readonly provisionedThroughputMiBps?: number;
  /** Encryption at rest with this key (always encrypted). @default - the AWS managed key aws/elasticfilesystem */
  readonly kmsKeyArn?: string;
  /** Lifecycle management; `false` keeps every file in Standard. @default - IA after 30 days, Archive after 90, back on first access */
  readonly lifecycle?: EfsLifecycle | false;
  /** AWS Backup's daily automatic backups of the file system (backupPolicy ENABLED). @default true */
  readonly backups?: boolean;
  /** Mount targets, one per subnet. @default - none (mount targets made outside strata) */
  readonly mountTargets?: readonly EfsMountTargetProps[];
  /** Access points. @default - none */
  readonly accessPoints?: readonly EfsAccessPointProps[];
  /**
   * The file system exists: adopt it by id. Only `adopt` (never create): EFS file systems have no
   * name to find them by, so a mistyped id must not create a second one. Its encryption, key,
   * performance mode (fixed at creation) and tags are left as they are unless stated here.
   * @default - created by ACK
   */
  readonly adoptFileSystemId?: string;
  /** Where its id is exported (ACK FieldExport of `.status.fileSystemID`). @default - not exported */
  readonly exportId?: CloudValueTarget;
}

/** The defaults of EFS lifecycle management strata writes. */
export const EFS_LIFECYCLE_DEFAULTS: Required<EfsLifecycle> = { toInfrequentAccess: 'AFTER_30_DAYS', toArchive: 'AFTER_90_DAYS', backOnFirstAccess: true };

/**
 * An EFS file system through the ACK efs-controller (efs-controller@v1.4.1:config/crd/bases/efs.services.k8s.aws_filesystems.yaml),
 * encrypted, with lifecycle management and backups, its mount targets and access points (referring
 * to it by `fileSystemRef`, so they wait until it is available), retained in AWS when deleted or pruned.
 */
export class CloudFileSystem extends Construct {
  public readonly fileSystemName: string;
  public readonly lifecycle?: Required<EfsLifecycle>;
  public readonly backups: boolean;
  public readonly object: FileSystem;
  /** The FieldExport of its id, when asked. */
  public readonly idExport?: CloudValue;

  public constructor(scope: Construct, id: string, props: CloudFileSystemProps) {
    super(scope, id);
    const r = new Rules(this);
    this.fileSystemName = props.name;
    r.required('name', props.name, 'an object name', 'name the file system, e.g. "shared"');
    r.check('name', props.name, { pattern: OBJECT_NAME, maxLength: 63 }, 'e.g. "shared"');
    const performanceMode = props.performanceMode ?? 'generalPurpose';
    const throughputMode = props.throughputMode ?? 'elastic';
    r.oneOf('performanceMode', performanceMode, ['generalPurpose', 'maxIO'], 'generalPurpose unless a benchmark says otherwise');
    r.oneOf('throughputMode', throughputMode, ['elastic', 'bursting', 'provisioned']);
    if (throughputMode === 'provisioned') {
      r.required('provisionedThroughputMiBps', props.provisionedThroughputMiBps, 'set with throughputMode provisioned', 'give the MiB/s to provision, e.g. 256, or use elastic');
      r.check('provisionedThroughputMiBps', props.provisionedThroughputMiBps, { minimum: 1, multipleOf: 1 }, 'e.g. 256', 'a whole number of MiB/s, at least 1');
    } else if (props.provisionedThroughputMiBps !== undefined) {
      r.fail('provisionedThroughputMiBps', props.provisionedThroughputMiBps, 'left out unless throughputMode is provisioned', 'remove it, or set throughputMode: "provisioned"');
    }
    r.check('kmsKeyArn', props.kmsKeyArn, { pattern: KMS_KEY_ARN }, 'copy the key\'s ARN from the KMS console or "aws kms describe-key"');
    r.check('adoptFileSystemId', props.adoptFileSystemId, { pattern: EFS_FILE_SYSTEM_ID }, 'copy the id from "aws efs describe-file-systems"');

    this.lifecycle = props.lifecycle === false ? undefined : { ...EFS_LIFECYCLE_DEFAULTS, ...props.lifecycle };
    const l = this.lifecycle;
    if (l) {
      r.oneOf('lifecycle.toInfrequentAccess', l.toInfrequentAccess === false ? undefined : l.toInfrequentAccess, EFS_TRANSITIONS);
      r.oneOf('lifecycle.toArchive', l.toArchive === false ? undefined : l.toArchive, EFS_TRANSITIONS);
      // "TransitionToArchive must either not be set or must be later than TransitionToIA. The Archive storage class is available only
      // for file systems that use the Elastic throughput mode and the General Purpose performance mode" (efs-controller@v1.4.1:config/crd/bases/efs.services.k8s.aws_filesystems.yaml, lifecyclePolicies).
      if (l.toArchive !== false && EFS_TRANSITIONS.includes(l.toArchive)) {
        if (l.toInfrequentAccess === false) {
          r.fail('lifecycle.toArchive', l.toArchive, 'false when toInfrequentAccess is false', 'EFS moves files to Archive only after Infrequent Access: set toInfrequentAccess, or toArchive: false');
        } else if (EFS_TRANSITIONS.includes(l.toInfrequentAccess) && efsTransitionDays(l.toArchive) <= efsTransitionDays(l.toInfrequentAccess)) {
          r.fail('lifecycle.toArchive', l.toArchive, `later than lifecycle.toInfrequentAccess (${l.toInfrequentAccess})`, 'EFS moves files to Archive only after Infrequent Access');
        }
        if (throughputMode !== 'elastic' || performanceMode !== 'generalPurpose') {
          r.fail('lifecycle.toArchive', l.toArchive, 'false unless throughputMode is elastic and performanceMode generalPurpose', `the Archive storage class is available only to Elastic throughput, General Purpose file systems (this one: ${throughputMode}, ${performanceMode})`);
        }
      }
    }
    this.backups = props.backups ?? true;

    const lifecyclePolicies = l
      ? [
          ...(l.toInfrequentAccess !== false ? [{ transitionToIa: l.toInfrequentAccess }] : []),
          ...(l.toArchive !== false ? [{ transitionToArchive: l.toArchive }] : []),
          ...(l.backOnFirstAccess ? [{ transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }] : []),
        ]
      : [];
    const adopted = props.adoptFileSystemId !== undefined;
    this.object = new FileSystem(this, 'Resource', {
      metadata: {
        name: props.name,
        annotations: ackAnnotations({ holdsData: true, adoption: props.adoptFileSystemId ? { policy: 'adopt', fields: { fileSystemID: props.adoptFileSystemId } } : undefined }),
      },
      spec: {
        // An adopted file system keeps what cannot change after creation (encryption, its key, the
        // performance mode) unless the declaration states it, and its own tags (its Name included).
        ...(adopted ? {} : { encrypted: true }),
        ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
        ...(adopted && props.performanceMode === undefined ? {} : { performanceMode }),
        throughputMode,
        ...(props.provisionedThroughputMiBps !== undefined ? { provisionedThroughputInMiBps: props.provisionedThroughputMiBps } : {}),
        ...(lifecyclePolicies.length > 0 ? { lifecyclePolicies } : {}),
        backupPolicy: { status: this.backups ? 'ENABLED' : 'DISABLED' },
        ...(adopted ? {} : { tags: [{ key: 'Name', value: props.name }, { key: 'strata.dev/managed-by', value: 'ack' }] }),
      },
    });
    if (!this.backups) r.warn('backups are off: AWS Backup keeps no daily recovery point of this file system (backupPolicy DISABLED)');

    const ref = { from: { name: props.name } };
    (props.mountTargets ?? []).forEach((m, i) => {
      r.check(`mountTargets[${i}].subnetId`, m.subnetId, { pattern: SUBNET_ID }, 'copy it from "aws ec2 describe-subnets"');
      if ((m.securityGroupIds ?? []).length === 0) r.fail(`mountTargets[${i}].securityGroupIds`, m.securityGroupIds, 'at least one security group', 'name a group that lets the nodes reach TCP 2049 (NFS)');
      (m.securityGroupIds ?? []).forEach((g, j) => r.check(`mountTargets[${i}].securityGroupIds[${j}]`, g, { pattern: SECURITY_GROUP_ID }, 'copy it from "aws ec2 describe-security-groups"'));
      new MountTarget(this, `mount-target-${m.subnetId}`, {
        // A mount target holds no data: deleting it cuts NFS access in its zone, nothing more.
        metadata: { name: `${props.name}-${m.subnetId}`, annotations: ackAnnotations({ holdsData: false }) },
        spec: { fileSystemRef: ref, subnetId: m.subnetId, securityGroups: [...(m.securityGroupIds ?? [])] },
      });
    });
    (props.accessPoints ?? []).forEach((a, i) => {
      r.check(`accessPoints[${i}].name`, a.name, { pattern: OBJECT_NAME }, 'e.g. "models"');
      r.check(`accessPoints[${i}].path`, a.path, { pattern: ABSOLUTE_PATH }, 'e.g. "/models"');
      r.check(`accessPoints[${i}].uid`, a.uid, { minimum: 0, multipleOf: 1 }, 'e.g. 1000', 'a whole number, at least 0');
      r.check(`accessPoints[${i}].gid`, a.gid, { minimum: 0, multipleOf: 1 }, 'e.g. 1000', 'a whole number, at least 0');
      r.check(`accessPoints[${i}].permissions`, a.permissions, { pattern: '^[0-7]{3,4}$' }, 'write it as for chmod, e.g. "750"', '3 or 4 octal digits');
      new AccessPoint(this, `access-point-${a.name}`, {
        // Retained: a static volume names the access point id; its directory stays either way.
        metadata: { name: `${props.name}-${a.name}`, annotations: ackAnnotations({ holdsData: true }) },
        spec: {
          fileSystemRef: ref,
          posixUser: { uid: a.uid, gid: a.gid },
          rootDirectory: { path: a.path, creationInfo: { ownerUid: a.uid, ownerGid: a.gid, permissions: a.permissions ?? '750' } },
          tags: [{ key: 'Name', value: `${props.name}-${a.name}` }],
        },
      });
    });
    if (props.exportId) {
      this.idExport = new CloudValue(this, 'export-id', { name: `${props.name}-file-system-id`, from: { group: 'efs.services.k8s.aws', kind: 'FileSystem', name: props.name, path: '.status.fileSystemID' }, to: props.exportId });
    }
  }
}
