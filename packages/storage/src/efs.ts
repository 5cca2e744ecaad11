import { Chart, ChartProps, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { ABSOLUTE_PATH, Constraint, describePattern, markUses, RELATIVE_PATH, Tokens } from '@strata/tokens';
import { EFS_FILE_SYSTEM_ID, ZONE } from './forms';
import { AccessMode, ReclaimPolicy, VolumeBindingMode } from './access-mode';
import { Claim } from './claim';
import { ClaimedStorage } from './claimed-storage';
import { CsiPersistentVolume } from './persistent-volume';
import { isLiteral, Rules } from './rules';
import { StorageClass } from './storage-class';
import { StorageTier } from './tier';

/** The EFS CSI driver name (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md). */
export const EFS_DRIVER = 'efs.csi.aws.com';

const FILE_SYSTEM_ID = EFS_FILE_SYSTEM_ID;
/** `fsap-` and 8–40 lowercase hex digits (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L594-L600). */
const ACCESS_POINT_ID = describePattern('^fsap-[0-9a-f]{8,40}$', 'an EFS access point id: "fsap-" and 8 to 40 lowercase hex digits');
/** CreationInfo.Permissions of the EFS API: 3 or 4 octal digits (https://docs.aws.amazon.com/efs/latest/ug/API_CreationInfo.html). */
const DIRECTORY_PERMS = '^[0-7]{3,4}$';
/** `namespace/name/key` of a ConfigMap or Secret (docs/filesystem-id-resolution.md). */
const OBJECT_KEY_REF = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?/[-._a-zA-Z0-9]{1,253}$';
/**
 * A subPathPattern the driver accepts: after the three placeholders are replaced, no `${` and no
 * `}` may be left (controller.go interpolateRootDirectoryName). Written without look-ahead so the
 * same pattern serves the values schema.
 */
const PLACEHOLDER = '\\$\\{\\.(?:PVC\\.name|PVC\\.namespace|PV\\.name)\\}';
const SUB_PATH_PATTERN = `^(?:${PLACEHOLDER}|[^$}]|\\$+(?:${PLACEHOLDER}|[^\${}])|\\$+$)*$`;
/** Every volumeHandle form of parseVolumeId (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L582) in one expression (for handles bound to a token). */
const VOLUME_HANDLE = '^(?:(?:efs|s3files):)?fs-[0-9a-f]{8,40}(?::[^:]*(?::(?:fsap-[0-9a-f]{8,40})?)?)?$';
const IPV4 = '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$';
const IPV6 = '^[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}$';
const POSIX_ID: Constraint = { minimum: 0, maximum: 4294967295, multipleOf: 1 };
const POSIX_ID_TEXT = 'an integer between 0 and 4294967295';
/** Go strconv.ParseBool, which the node plugin uses on volume attributes. */
const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** A Secret's name (a DNS subdomain) and namespace (a DNS label), as the provisioner secret parameters name them. */
const SECRET_NAME = describePattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', 'a Secret name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
const NAMESPACE = describePattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'a namespace name: lowercase letters, digits and "-", starting and ending with a letter or digit');
/** Mount options the driver sets itself (it lower-cases options before comparing them: node.go#L201-L205). */
const DRIVER_SET_OPTION = describePattern(
  '^([aA][cC][cC][eE][sS][sS][pP][oO][iI][nN][tT]=.*|[cC][rR][oO][sS][sS][aA][cC][cC][oO][uU][nN][tT])$',
  'accesspoint= or crossaccount, which the driver sets itself',
);
/**
 * The mark a chart carries (`strata.dev/uses`) when its EFS volumes mount with `iam`: efs-utils then
 * authenticates with the credentials of the EFS CSI node pod (its service account's role, else the
 * node's instance profile), which need elasticfilesystem:ClientMount (+ ClientWrite) on the file
 * system. The environment gives the node service account an identity for it.
 */
export const EFS_NODE_IAM = 'efs-node-iam';
/** The keys of the provisioner secret StorageClass parameters (kubernetes-csi external-provisioner; the EFS driver reads awsRoleArn, externalId, crossaccount from it). */
export const EFS_PROVISIONER_SECRET_NAME = 'csi.storage.k8s.io/provisioner-secret-name';
export const EFS_PROVISIONER_SECRET_NAMESPACE = 'csi.storage.k8s.io/provisioner-secret-namespace';

/**
 * Cross-account dynamic provisioning: the file system belongs to another account, whose role the
 * controller assumes with the `awsRoleArn` (and `externalId`) of a provisioner Secret made outside
 * strata (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md "Cross-account provisioning",
 * pkg/driver/controller.go#L687-L720, examples/kubernetes/efs/cross_account_mount/README.md).
 */
export interface EfsCrossAccountProvisioning {
  /** The provisioner Secret's name. */
  readonly secretName: string;
  /**
   * The provisioner Secret's namespace (the driver's examples use kube-system).
   * @default 'kube-system'
   */
  readonly secretNamespace?: string;
  /**
   * Whether the Secret sets `crossaccount: "true"`: each node then resolves the mount target of its
   * own Availability Zone ID by DNS (efs-utils' crossaccount option, which needs a Route 53 zone per
   * mount target: aws/efs-utils@v3.2.0:README.md "crossaccount option prerequisites"); the StorageClass
   * `az` is then ignored. Not written (the driver reads the Secret); stated so that strata checks `az`.
   * @default false
   */
  readonly dnsResolution?: boolean;
}

/** An empty string: a parameter bound to a value left "" is not written (Tokens.optionalText). */
const EMPTY_TEXT: Constraint = { maxLength: 0 };

/** Root directory limits of an access point (controller.go validateEfsPathRequirements). */
const ROOT_DIR_MAX_LENGTH = 100;
const ROOT_DIR_MAX_SLASHES = 5;
/** external-provisioner names volumes `pvc-<claim uid>`: 4 + 36 characters. */
const PV_NAME_LENGTH = 40;
/** ensureUniqueDirectory appends `-<uuid>`: 1 + 36 characters. */
const UNIQUE_SUFFIX_LENGTH = 37;

/**
 * How the driver provisions a volume for a claim.
 * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
 */
export enum EfsProvisioningMode {
  /** One EFS access point per volume, rooted in its own directory (the only EFS mode). */
  EFS_AP = 'efs-ap',
  /**
   * One Amazon S3 Files access point per volume (driver v3+). S3 Files takes no `reuseAccessPoint`,
   * no `az`, and no `stunnel` / `crossaccount` mount options (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L204-L208,
   * #L276-L279; pkg/driver/node.go#L176-L192, #L238-L241).
   */
  S3FILES_AP = 's3files-ap',
}

/** The two volumeHandle spellings the driver parses (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L582). */
export type EfsHandleFormat = 'efs' | 'legacy';

/** The volume modes Kubernetes knows; EFS mounts `Filesystem` only (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L448-L455). */
export type EfsVolumeMode = 'Filesystem' | 'Block';

/**
 * The parameters of an EFS StorageClass for dynamic provisioning: the driver creates one access
 * point per claim. Names are the driver's parameter names.
 *
 * Access-point provisioning always enforces a POSIX identity: every file operation through the
 * volume runs as the access point's uid/gid (from `uid`/`gid`, else one gid picked from
 * `gidRangeStart`–`gidRangeEnd` and used as both). Use `Efs.fromFileSystem` (static provisioning)
 * to mount without identity enforcement (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md#L26-L29).
 */
export interface EfsStorageClassProps {
  /**
   * Required: how volumes are provisioned. `efs-ap` for EFS (anything else fails with
   * "Provisioning mode X is not supported").
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   */
  readonly provisioningMode: EfsProvisioningMode;
  /**
   * The file system the access points are created in, `fs-` and 8–40 hex digits. Exactly one of
   * `fileSystemId`, `fileSystemIdConfigRef`, `fileSystemIdSecretRef`.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default - one of the two references is set instead
   */
  readonly fileSystemId?: string;
  /**
   * The file system id read from a ConfigMap key, as `namespace/name/key`. Needs the chart's
   * `controller.fileSystemIdRefs.enabled=true` (RBAC to read it).
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/filesystem-id-resolution.md
   * @default - not used
   */
  readonly fileSystemIdConfigRef?: string;
  /**
   * The file system id read from a Secret key, as `namespace/name/key`. Needs the chart's
   * `controller.fileSystemIdRefs.enabled=true` (RBAC to read it).
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/filesystem-id-resolution.md
   * @default - not used
   */
  readonly fileSystemIdSecretRef?: string;
  /**
   * Required: the mode the access point's root directory is created with, 3 or 4 octal digits as in
   * chmod (`"700"`, `"0755"`). A string on purpose: a number such as 0700 or 700 would be read in
   * another base (the API pattern is `^[0-7]{3,4}$`).
   * @see https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html
   */
  readonly directoryPerms: string;
  /**
   * The POSIX user id every access through the volume is mapped to.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default - a gid allocated from the gid range, used as the uid too
   */
  readonly uid?: number;
  /**
   * The POSIX group id every access through the volume is mapped to.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default - allocated from the gid range
   */
  readonly gid?: number;
  /**
   * First gid the driver allocates from (> 0). Give both ends of the range or neither; not used
   * when both `uid` and `gid` are set.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default 50000 (driver)
   */
  readonly gidRangeStart?: number;
  /**
   * Last gid of the allocation range (> gidRangeStart). The driver's code default is 60000
   * (50000 + the 10000 access points a file system allows); the docs' 7000000 is stale.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default 60000 (driver)
   */
  readonly gidRangeEnd?: number;
  /**
   * The directory the access points' root directories are created under.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default - the file system root
   */
  readonly basePath?: string;
  /**
   * The root directory of each access point below basePath, from fixed text and only
   * `${.PVC.name}`, `${.PVC.namespace}`, `${.PV.name}`. The whole root directory must stay within
   * 100 characters and 5 '/': the generator counts `${.PV.name}` as 40 characters (`pvc-<uid>`),
   * each `${.PVC.*}` as at least 1 and the unique suffix as 37, and rejects what must fail.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default - the PV name (`pvc-<uid>`)
   */
  readonly subPathPattern?: string;
  /**
   * Append `-<uuid>` to the subPathPattern directory so that two claims never share one. Only
   * applies with subPathPattern.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default true (driver default; not written)
   */
  readonly ensureUniqueDirectory?: boolean;
  /**
   * Derive the access point's client token from the claim name, so that a claim of the same name
   * finds the same access point again (e.g. from another cluster). Claims of the same name in
   * different namespaces then share one directory. EFS only; one file system per account and region.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default false (driver default; not written)
   */
  readonly reuseAccessPoint?: boolean;
  /**
   * Cross-account provisioning only (`crossAccount`, without `dnsResolution`): the Availability
   * Zone whose mount target IP the controller writes into every volume (falling back to any mount
   * target). EFS only. Not the efs-utils `az` mount option. Refused without `crossAccount`: the
   * driver reads it only with the Secret's `awsRoleArn` (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L380-L406).
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/v3.4.1/docs/parameters.md
   * @default - each node uses the mount target in its own zone
   */
  readonly az?: string;
  /**
   * Cross-account provisioning: the provisioner Secret with the other account's role (written as
   * the `csi.storage.k8s.io/provisioner-secret-name`/`-namespace` parameters, which the
   * external-provisioner resolves for CreateVolume and DeleteVolume). The Secret is made outside
   * strata; the node role must be allowed by the file system policy of the other account.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/v3.4.1/examples/kubernetes/efs/cross_account_mount/README.md
   * @default - the file system is in the cluster's account
   */
  readonly crossAccount?: EfsCrossAccountProvisioning;
  /**
   * Return topology for One Zone file systems so that pods run in the file system's zone.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default false (driver default; not written)
   */
  readonly enforceZoneAffinity?: boolean;
  /**
   * Tag each access point with `efs.csi.aws.com/cluster` (and the controller's `--tags`).
   * `false` avoids tagging throughput limits, but is refused while the controller has `--tags`.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default true (driver default; not written)
   */
  readonly enableTagging?: boolean;
  /**
   * Whether the installed controller runs with `--tags` (chart `controller.tags`). Not a parameter:
   * it lets the generator refuse `enableTagging: false`, which the driver would reject at provisioning.
   * @default false
   */
  readonly controllerHasTags?: boolean;
  /**
   * What happens to an access point when its claim is deleted. Kubernetes defaults to Delete; here
   * Retain, because deleting an access point leaves its data unreachable by the workload.
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#reclaim-policy
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * When claims get their access point.
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
   * @default VolumeBindingMode.IMMEDIATE
   */
  readonly volumeBindingMode?: VolumeBindingMode;
  /**
   * Written as given, but has no effect: EFS volumes cannot be expanded (the capacity is ignored).
   * @default - not written
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Mount options for every volume of the class (e.g. `iam`, `lookupcache=pos`). `tls` is on by
   * default; `accesspoint=` and `crossaccount` are set by the driver and refused here. With `iam`
   * the mount authenticates as the EFS CSI node pod (its service account's role, else the node's
   * instance profile): see EFS_NODE_IAM.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
   * @default - none (the driver adds noresvport and tls)
   */
  readonly mountOptions?: string[];
  /**
   * The StorageClass name. Leave unset inside a workload chart (the chart names objects per release).
   * @default - generated by the chart
   */
  readonly name?: string;
}

/**
 * An EFS StorageClass: dynamic provisioning of one access point per claim (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md), with every
 * driver parameter checked before it reaches the cluster. Retain by default.
 */
export class EfsStorageClass extends StorageClass {
  public readonly provisioningMode: EfsProvisioningMode;
  public readonly fileSystemId?: string;
  public readonly fileSystemIdConfigRef?: string;
  public readonly fileSystemIdSecretRef?: string;
  public readonly directoryPerms: string;
  public readonly uid?: number;
  public readonly gid?: number;
  public readonly gidRangeStart?: number;
  public readonly gidRangeEnd?: number;
  public readonly basePath?: string;
  public readonly subPathPattern?: string;
  /** Effective value (the driver's default true when unset). */
  public readonly ensureUniqueDirectory: boolean;
  /** Effective value (the driver's default false when unset). */
  public readonly reuseAccessPoint: boolean;
  public readonly az?: string;
  public readonly crossAccount?: EfsCrossAccountProvisioning;
  /** Effective value (the driver's default false when unset). */
  public readonly enforceZoneAffinity: boolean;
  /** Effective value (the driver's default true when unset). */
  public readonly enableTagging: boolean;
  public readonly controllerHasTags: boolean;
  public readonly allowVolumeExpansion: boolean;
  public readonly mountOptions: string[];
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: EfsStorageClassProps) {
    super(scope, id, {
      provisioner: EFS_DRIVER,
      parameters: {
        provisioningMode: props.provisioningMode,
        fileSystemId: props.fileSystemId,
        fileSystemIdConfigRef: props.fileSystemIdConfigRef,
        fileSystemIdSecretRef: props.fileSystemIdSecretRef,
        directoryPerms: props.directoryPerms,
        uid: props.uid,
        gid: props.gid,
        gidRangeStart: props.gidRangeStart,
        gidRangeEnd: props.gidRangeEnd,
        basePath: props.basePath,
        subPathPattern: props.subPathPattern,
        ensureUniqueDirectory: props.ensureUniqueDirectory,
        reuseAccessPoint: props.reuseAccessPoint,
        // Left out when empty: a chart value left "" renders the class without it.
        az: Tokens.optionalText(props.az),
        [EFS_PROVISIONER_SECRET_NAME]: Tokens.optionalText(props.crossAccount?.secretName),
        [EFS_PROVISIONER_SECRET_NAMESPACE]: props.crossAccount === undefined || props.crossAccount.secretName === '' ? undefined : Tokens.optionalText(props.crossAccount.secretNamespace ?? 'kube-system'),
        enforceZoneAffinity: props.enforceZoneAffinity,
        enableTagging: props.enableTagging,
      },
      reclaimPolicy: props.reclaimPolicy,
      volumeBindingMode: props.volumeBindingMode,
      allowVolumeExpansion: props.allowVolumeExpansion,
      mountOptions: Tokens.omittedWhenEmpty(props.mountOptions),
      name: props.name,
    });
    this.rules = new Rules(this);
    this.provisioningMode = props.provisioningMode;
    this.fileSystemId = props.fileSystemId;
    this.fileSystemIdConfigRef = props.fileSystemIdConfigRef;
    this.fileSystemIdSecretRef = props.fileSystemIdSecretRef;
    this.directoryPerms = props.directoryPerms;
    this.uid = props.uid;
    this.gid = props.gid;
    this.gidRangeStart = props.gidRangeStart;
    this.gidRangeEnd = props.gidRangeEnd;
    this.basePath = props.basePath;
    this.subPathPattern = props.subPathPattern;
    this.ensureUniqueDirectory = props.ensureUniqueDirectory ?? true;
    this.reuseAccessPoint = props.reuseAccessPoint ?? false;
    this.az = props.az;
    this.crossAccount = props.crossAccount;
    this.enforceZoneAffinity = props.enforceZoneAffinity ?? false;
    this.enableTagging = props.enableTagging ?? true;
    this.controllerHasTags = props.controllerHasTags ?? false;
    this.allowVolumeExpansion = props.allowVolumeExpansion ?? false;
    this.mountOptions = props.mountOptions ?? [];
    this.validate(props);
  }

  private validate(props: EfsStorageClassProps): void {
    const r = this.rules;
    const modes = Object.values(EfsProvisioningMode);
    const modeFix = 'set provisioningMode: EfsProvisioningMode.EFS_AP (one access point per claim)';
    if (r.required('provisioningMode', props.provisioningMode, `one of ${modes.join(', ')}`, modeFix)) {
      r.oneOf('provisioningMode', props.provisioningMode, modes, modeFix);
    }
    const s3files: { value: unknown; equals: string } = { value: props.provisioningMode, equals: EfsProvisioningMode.S3FILES_AP };

    // Exactly one file system id source (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/filesystem_id_finder.go#L56, docs/parameters.md#L22).
    const sources = (['fileSystemId', 'fileSystemIdConfigRef', 'fileSystemIdSecretRef'] as const).filter((k) => props[k] !== undefined);
    if (sources.length === 0) {
      r.fail('fileSystemId', undefined, 'set, or else one of fileSystemIdConfigRef, fileSystemIdSecretRef', 'name the file system the access points are created in, e.g. "fs-0123456789abcdef0"');
    } else if (sources.length > 1) {
      r.fail(sources[1], props[sources[1]], `left out when ${sources[0]} is set (exactly one of fileSystemId, fileSystemIdConfigRef, fileSystemIdSecretRef)`, `keep only one of ${sources.join(', ')}`);
    }
    r.check('fileSystemId', props.fileSystemId, { pattern: FILE_SYSTEM_ID }, 'copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"');
    for (const ref of ['fileSystemIdConfigRef', 'fileSystemIdSecretRef'] as const) {
      r.check(ref, props[ref], { pattern: OBJECT_KEY_REF }, 'write "namespace/name/key", e.g. "kube-system/efs-ids/models"', 'a reference "namespace/name/key"');
    }

    // directoryPerms: CreationInfo.Permissions (https://docs.aws.amazon.com/efs/latest/ug/API_CreationInfo.html).
    const permsFix = 'write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)';
    if (r.required('directoryPerms', props.directoryPerms, 'set to 3 or 4 octal digits', permsFix)) {
      r.check('directoryPerms', props.directoryPerms, { pattern: DIRECTORY_PERMS }, permsFix, '3 or 4 octal digits');
    }

    // POSIX identity (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L804-L868; https://docs.aws.amazon.com/efs/latest/ug/API_CreationInfo.html).
    r.check('uid', props.uid, POSIX_ID, 'use a non-negative user id, e.g. 1000', POSIX_ID_TEXT);
    r.check('gid', props.gid, POSIX_ID, 'use a non-negative group id, e.g. 1000', POSIX_ID_TEXT);
    this.checkGidRange(props);

    // Root directory of each access point (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L722-L745, #L790-L802).
    r.check('subPathPattern', props.subPathPattern, { pattern: SUB_PATH_PATTERN }, 'build the directory from fixed text and those placeholders, e.g. "${.PVC.namespace}/${.PVC.name}"', 'made of fixed text and only the placeholders ${.PVC.name}, ${.PVC.namespace}, ${.PV.name}');
    this.checkRootDirectory(props);
    if (props.ensureUniqueDirectory !== undefined && props.subPathPattern === undefined) {
      r.warn(`'ensureUniqueDirectory' (${String(props.ensureUniqueDirectory)}) has no effect without subPathPattern: every volume already gets its own directory named after the PV; drop it`);
    }
    if (props.ensureUniqueDirectory === false && isLiteral(props.subPathPattern) && !props.subPathPattern!.includes('${.PV.name}')) {
      r.warn(`'ensureUniqueDirectory' (false) makes claims that resolve to the same subPathPattern (${JSON.stringify(props.subPathPattern)}) share one directory and its data`);
    }

    // Options S3 Files does not take (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L204-L208, #L276-L279).
    this.rules.mustWhen([s3files], 'reuseAccessPoint', props.reuseAccessPoint, { enum: [false] }, 'false or unset for s3files-ap', 'S3 Files access points cannot be reused by claim name: drop reuseAccessPoint');
    this.rules.mustWhen([s3files], 'az', props.az, { maxLength: 0 }, 'unset for s3files-ap', 'az applies to cross-account EFS only: drop it');
    this.checkCrossAccount(props, s3files);
    if (props.reuseAccessPoint === true) {
      r.warn(`'reuseAccessPoint' (true): the access point is found by claim name only, so claims of the same name in different namespaces share one directory and its data; use a dedicated class per trust boundary`);
    }

    // enableTagging false while the controller tags (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L122-L137).
    if (props.controllerHasTags === true) {
      r.check('enableTagging', props.enableTagging, { enum: [true] }, 'drop enableTagging, or remove the controller\'s --tags (chart controller.tags)', 'true or unset while the controller runs with --tags (the driver rejects the claim with InvalidArgument)');
    }

    // No expansion: the controller offers CREATE_DELETE_VOLUME only (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L79-L82).
    if (props.allowVolumeExpansion === true) {
      r.warn(`'allowVolumeExpansion' (true) has no effect: the EFS driver cannot expand volumes and ignores the requested capacity; drop it`);
    }

    checkReclaimPolicy(r, props.reclaimPolicy);
    checkMountOptions(r, props.mountOptions, { dynamic: true, s3files: props.provisioningMode === EfsProvisioningMode.S3FILES_AP });
    if (usesIam(props.mountOptions)) markUses(this, EFS_NODE_IAM);
  }

  /**
   * Cross-account provisioning (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L380-L406, #L687-L720):
   * the Secret named, `az` only with it and only without DNS resolution (the Secret's crossaccount
   * wins), no DNS resolution for S3 Files (node.go#L185-L192).
   */
  private checkCrossAccount(props: EfsStorageClassProps, s3files: { value: unknown; equals: string }): void {
    const r = this.rules;
    const x = props.crossAccount;
    const az = props.az;
    const origin = (field: string) => `[${this.node.path}] ${field}`;
    // "" is "not set" for values decided at install time (the parameter is then left out).
    r.check('az', az, { anyOf: [EMPTY_TEXT, { pattern: ZONE }] }, 'give the zone name, e.g. "us-east-1a" (not a zone id such as use1-az1)', 'an availability zone name such as "us-east-1a"');
    const azFix = 'the driver reads az only when the provisioner Secret has awsRoleArn (cross-account provisioning): drop it, or set crossAccount';
    if (x !== undefined && isLiteral(x.secretName) && x.secretName === '') {
      // A Secret name left "" (a chart value) is no cross-account provisioning: nothing else of it may be set.
      const none = 'a Secret name of "" means no cross-account provisioning: name the Secret, or drop this';
      if (x.secretNamespace !== undefined && x.secretNamespace !== '') r.fail('crossAccount.secretNamespace', x.secretNamespace, 'unset without crossAccount.secretName', none);
      if (x.dnsResolution === true) r.fail('crossAccount.dnsResolution', true, 'false or unset without crossAccount.secretName', none);
    }
    if (x === undefined || (isLiteral(x.secretName) && x.secretName === '')) {
      // (S3 Files takes no az at all: said by the rule above.)
      if (props.provisioningMode !== EfsProvisioningMode.S3FILES_AP) r.mustWhen([], 'az', az, EMPTY_TEXT, 'unset without crossAccount', azFix);
      return;
    }
    const name = x.secretName;
    const namespace = x.secretNamespace ?? 'kube-system';
    const secretFix = 'name the provisioner Secret that holds awsRoleArn (made outside strata, e.g. kubectl create secret generic x-account -n kube-system --from-literal=awsRoleArn=…)';
    if (Tokens.isToken(name)) {
      // Decided at install: "" means no cross-account provisioning, so no az and no namespace either.
      r.check('crossAccount.secretName', name, { anyOf: [EMPTY_TEXT, { pattern: SECRET_NAME, maxLength: 253 }] }, secretFix, 'a Secret name, or "" (no cross-account provisioning)');
      r.mustWhen([{ value: name, equals: '' }], 'az', az, EMPTY_TEXT, 'unset without crossAccount.secretName', azFix);
      r.check('crossAccount.secretNamespace', namespace, { anyOf: [EMPTY_TEXT, { pattern: NAMESPACE, maxLength: 63 }] }, 'give the Secret\'s namespace, e.g. "kube-system"', 'a namespace name, or ""');
      Tokens.checkWhen([{ value: name, differsFrom: '' }], namespace, { minLength: 1 }, origin('crossAccount.secretNamespace'));
      Tokens.checkWhen([{ value: name, equals: '' }], namespace, EMPTY_TEXT, origin('crossAccount.secretNamespace'));
      Tokens.checkWhen([{ value: name, equals: '' }], x.dnsResolution, { enum: [false] }, origin('crossAccount.dnsResolution'));
    } else if (r.required('crossAccount.secretName', name, 'the provisioner Secret\'s name', secretFix)) {
      r.check('crossAccount.secretName', name, { pattern: SECRET_NAME, maxLength: 253 }, secretFix);
      r.check('crossAccount.secretNamespace', namespace, { pattern: NAMESPACE, maxLength: 63 }, 'give the Secret\'s namespace, e.g. "kube-system"');
    }
    const dns = x.dnsResolution;
    r.check('crossAccount.dnsResolution', dns, { enum: [true, false] }, 'pass a boolean');
    r.mustWhen([{ value: dns, equals: true }], 'az', az, EMPTY_TEXT, 'unset with crossAccount.dnsResolution', 'with crossaccount "true" in the Secret each node resolves its own zone\'s mount target and the driver ignores az: drop az, or drop crossaccount from the Secret');
    r.mustWhen([s3files], 'crossAccount.dnsResolution', dns, { enum: [false] }, 'false or unset for s3files-ap', 'S3 Files does not support cross-account DNS resolution (the driver fails the mount): drop it');
  }


  /** Both ends or neither, start > 0, end > start (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L804-L868). */
  private checkGidRange(props: EfsStorageClassProps): void {
    const r = this.rules;
    const start = props.gidRangeStart;
    const end = props.gidRangeEnd;
    if (start !== undefined && end === undefined) {
      r.fail('gidRangeEnd', undefined, 'set when gidRangeStart is set', 'give both ends of the gid range, or neither');
    }
    if (end !== undefined && start === undefined) {
      r.fail('gidRangeStart', undefined, 'set when gidRangeEnd is set', 'give both ends of the gid range, or neither');
    }
    const startOk = r.check('gidRangeStart', start, { minimum: 1, maximum: 4294967295, multipleOf: 1 }, 'start the range above 0, e.g. 50000', 'an integer between 1 and 4294967295');
    const endOk = r.check('gidRangeEnd', end, { minimum: 1, maximum: 4294967295, multipleOf: 1 }, 'end the range above gidRangeStart, e.g. 60000', 'an integer between 1 and 4294967295');
    if (start !== undefined && end !== undefined && startOk && endOk) {
      const fix = 'make gidRangeEnd larger than gidRangeStart';
      if (isLiteral(start)) {
        // A token end gets the bound attached; a literal end is compared.
        r.check('gidRangeEnd', end, { minimum: start + 1 }, fix, `greater than gidRangeStart (${start})`);
      } else if (isLiteral(end)) {
        r.check('gidRangeStart', start, { maximum: end - 1 }, fix, `less than gidRangeEnd (${end})`);
      }
    }
    if ((start !== undefined || end !== undefined) && props.uid !== undefined && props.gid !== undefined) {
      this.rules.warn(`'gidRangeStart'/'gidRangeEnd' are not used when both uid and gid are set; drop the range or one of uid, gid`);
    }
  }

  /**
   * The driver builds `path.Join("/", basePath, <dir>)`, where <dir> is the PV name, or the
   * interpolated subPathPattern plus `-<uuid>` when ensureUniqueDirectory, and refuses it above
   * 100 characters or 5 '/' (controller.go validateEfsPathRequirements).
   */
  private checkRootDirectory(props: EfsStorageClassProps): void {
    const { basePath, subPathPattern: pattern, ensureUniqueDirectory: unique } = props;
    if (pattern !== undefined && Tokens.isToken(pattern)) return; // only its placeholders can be checked (above)
    const field = pattern !== undefined ? 'subPathPattern' : 'basePath';
    const value = pattern !== undefined ? pattern : basePath;
    const uniqueApplies = pattern !== undefined && unique !== false;
    const fix = 'shorten basePath or subPathPattern' + (uniqueApplies ? ', or set ensureUniqueDirectory to false' : '');

    if (basePath !== undefined && Tokens.isToken(basePath)) {
      // With a token ensureUniqueDirectory the shorter directory is assumed (lenient).
      if (Tokens.infoOf(basePath)) this.attachBasePathBounds(basePath, rootDirectory(undefined, pattern, uniqueApplies && !Tokens.isToken(unique)));
      return;
    }
    const withSuffix = rootDirectory(basePath, pattern, uniqueApplies);
    const withoutSuffix = rootDirectory(basePath, pattern, false);
    const origin = `[${this.node.path}] ensureUniqueDirectory`;
    const fits = (d: RootDirectory) => d.minLength <= ROOT_DIR_MAX_LENGTH && d.slashes <= ROOT_DIR_MAX_SLASHES;
    let shown = withSuffix;
    if (uniqueApplies && unique !== undefined && Tokens.isToken(unique)) {
      // Decided at install time: if only the suffix breaks the limit, the token must be false.
      if (fits(withoutSuffix)) {
        if (!fits(withSuffix)) Tokens.check(unique, { enum: [false] }, origin);
        return;
      }
      shown = withoutSuffix;
    }
    if (shown.minLength > ROOT_DIR_MAX_LENGTH) {
      this.rules.fail(field, value, `short enough for an access point root directory of at most ${ROOT_DIR_MAX_LENGTH} characters (the driver builds "${shown.shown}", at least ${shown.minLength} characters)`, fix);
    }
    if (shown.slashes > ROOT_DIR_MAX_SLASHES) {
      this.rules.fail(field, value, `shallow enough for an access point root directory with at most ${ROOT_DIR_MAX_SLASHES} '/' (the driver builds "${shown.shown}", ${shown.slashes} '/')`, 'use fewer directory levels in basePath or subPathPattern');
    }
  }

  /** A basePath decided at install time gets the room the rest of the root directory leaves. */
  private attachBasePathBounds(basePath: string, rest: RootDirectory): void {
    // `rest` is "/<dir>" alone; basePath adds "/" + its segments in front.
    const room = ROOT_DIR_MAX_LENGTH - rest.minLength;
    const levels = ROOT_DIR_MAX_SLASHES - rest.slashes;
    const fix = 'shorten basePath';
    this.rules.check('basePath', basePath, { anyOf: [{ maxLength: 0 }, { pattern: ABSOLUTE_PATH, maxLength: room }, { pattern: RELATIVE_PATH, maxLength: room - 1 }] }, fix, `at most ${room} characters with its leading '/'`);
    const shape = levels <= 0 ? '^/?$' : `^/?(?:[^/]+(?:/[^/]+){0,${levels - 1}})?/?$`;
    this.rules.check('basePath', basePath, { pattern: shape }, 'use fewer directory levels in basePath', `at most ${Math.max(levels, 0)} directory levels`);
  }
}

interface RootDirectory {
  /** The path as the driver would build it, placeholders kept: "/base/${.PVC.name}-<uuid>". */
  readonly shown: string;
  /** Its length in bytes with the shortest possible values (Go's len counts bytes). */
  readonly minLength: number;
  readonly slashes: number;
}

function rootDirectory(basePath: string | undefined, pattern: string | undefined, unique: boolean): RootDirectory {
  const dir = pattern === undefined ? 'pvc-<uid>' : pattern + (unique ? '-<uuid>' : '');
  const shown = goPathJoin(['/', basePath ?? '', dir]);
  const shortest = shown
    .replace(/pvc-<uid>|\$\{\.PV\.name\}/g, 'v'.repeat(PV_NAME_LENGTH))
    .replace(/\$\{\.PVC\.(name|namespace)\}/g, 'c')
    .replace(/-<uuid>$/, 'u'.repeat(UNIQUE_SUFFIX_LENGTH));
  return { shown, minLength: Buffer.byteLength(shortest, 'utf8'), slashes: shortest.split('/').length - 1 };
}

/** Go's path.Join for an absolute first element: joins, then cleans `//`, `.` and `..`. */
function goPathJoin(parts: string[]): string {
  const out: string[] = [];
  for (const seg of parts.filter((p) => p !== '').join('/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

function checkReclaimPolicy(r: Rules, policy: ReclaimPolicy | undefined): void {
  r.oneOf('reclaimPolicy', policy, [ReclaimPolicy.RETAIN, ReclaimPolicy.DELETE], 'Recycle is not valid for CSI volumes: use ReclaimPolicy.RETAIN');
}

interface MountContext {
  /** StorageClass (dynamic): the driver puts an access point in every handle. */
  readonly dynamic: boolean;
  readonly s3files: boolean;
  /** The effective encryptInTransit of a static volume (literal or token). */
  readonly encryptInTransit?: unknown;
  /** Where encryptInTransit came from, for the message. */
  readonly encryptField?: string;
}

/** Mount options against NodePublishVolume (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L160-L245, #L457-L467). */
function checkMountOptions(r: Rules, options: string[] | undefined, ctx: MountContext): void {
  if (options === undefined) return;
  if (Tokens.infoOf(options)) {
    // A list decided at install time: the options the driver sets itself are refused by the schema.
    r.check('mountOptions', options, { items: { not: { pattern: DRIVER_SET_OPTION } } }, 'drop them: the driver sets accesspoint= (from the volume) and crossaccount (from the provisioner Secret) itself', 'mount options without accesspoint= and crossaccount');
    return;
  }
  for (const option of options) {
    if (Tokens.isToken(option)) continue;
    const key = option.toLowerCase().split('=')[0].trim();
    if (key === 'accesspoint') {
      r.fail('mountOptions', option, 'left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle', ctx.dynamic ? 'drop it: dynamic provisioning creates one access point per claim' : 'drop it and pass accessPointId instead (the driver adds accesspoint= and tls itself)');
    } else if (key === 'crossaccount') {
      r.fail('mountOptions', option, 'left out: the driver sets crossaccount itself', ctx.dynamic ? 'put crossaccount: "true" in the provisioner secret instead' : 'drop it and pass crossAccount: true instead');
    } else if (key === 'awscredsuri') {
      r.warn(`'mountOptions' (${JSON.stringify(option)}): awscredsuri is not supported by the EFS CSI driver; drop it and use iam (the node's IAM identity) instead`);
    } else if (key === 'stunnel' && ctx.s3files) {
      r.fail('mountOptions', option, 'left out for S3 Files (stunnel is not supported)', 'drop it');
    } else if (key === 'iam' && ctx.encryptInTransit !== undefined && !ctx.s3files) {
      // efs-utils: 'The "tls" option is required when mounting via "iam"' (aws/efs-utils@v3.2.0:src/efs_utils_common/mount_options.py#L166-L167).
      r.check(ctx.encryptField ?? 'encryptInTransit', ctx.encryptInTransit, { enum: [true] }, 'drop encryptInTransit: false (TLS is on by default), or drop iam', 'true or unset when mountOptions has iam (efs-utils refuses iam without tls)');
    } else if (key === 'tls') {
      const encryptOk = ctx.encryptInTransit === undefined || r.check(ctx.encryptField ?? 'encryptInTransit', ctx.encryptInTransit, { enum: [true] }, 'drop tls from mountOptions (TLS is on by default) or drop encryptInTransit: false', 'true or unset when mountOptions has tls (the driver fails "Found tls in mountOptions but encryptInTransit is false")');
      if (encryptOk) r.warn(`'mountOptions' ("tls") is deprecated: the driver enables TLS by default (encryptInTransit); drop it`);
    }
  }
}

/** Whether literal mount options include `iam` (the driver lower-cases options: node.go#L201-L205). */
function usesIam(options: string[] | undefined): boolean {
  return options !== undefined && !Tokens.infoOf(options) && options.some((o) => !Tokens.isToken(o) && o.toLowerCase().trim() === 'iam');
}

/** A JSON object of zone names to IP addresses (the controller's mounttargetipmap). */
function isZoneIpMap(value: string): boolean {
  try {
    const m = JSON.parse(value) as unknown;
    if (!m || typeof m !== 'object' || Array.isArray(m) || Object.keys(m).length === 0) return false;
    return Object.entries(m as Record<string, unknown>).every(([zone, ip]) => new RegExp(ZONE).test(zone) && typeof ip === 'string' && (new RegExp(IPV4).test(ip) || new RegExp(IPV6).test(ip)));
  } catch {
    return false;
  }
}

/** What every way of making an `Efs` shares. */
interface EfsClaimOptions {
  /**
   * The capacity written on the claim. Kubernetes requires one; EFS ignores it (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md#L34).
   * @default Size.gibibytes(5)
   */
  readonly storage?: Size;
  /**
   * How pods may mount the volume: ReadWriteOnce or ReadWriteMany (the driver refuses the rest).
   * Read-only use is ReadWriteMany plus `mount(..., { readOnly: true })`.
   * @default AccessMode.READ_WRITE_MANY
   */
  readonly accessMode?: AccessMode;
  /**
   * The claim's volume mode. Only `Filesystem`: the driver refuses raw block volumes.
   * @default 'Filesystem'
   */
  readonly volumeMode?: EfsVolumeMode;
}

/** A claim on a new EFS access point from a StorageClass this construct creates. */
export interface EfsProps extends EfsClaimOptions, Omit<EfsStorageClassProps, 'name'> {
  /**
   * The name of the StorageClass this construct creates. Leave unset inside a workload chart.
   * @default - generated by the chart
   */
  readonly storageClassName?: string;
}

/** A claim on an existing EFS StorageClass. */
export interface EfsFromStorageClassOptions extends EfsClaimOptions {
  /** The class to claim from: an `EfsStorageClass`, or the name of one installed elsewhere. */
  readonly storageClass: EfsStorageClass | { readonly name: string };
}

/** An existing EFS file system (or a directory or access point of it) as a static volume. */
export interface EfsFromFileSystemOptions extends EfsClaimOptions {
  /**
   * The file system, `fs-` and 8–40 hex digits. Set this or `volumeHandle`.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/static_provisioning
   * @default - taken from volumeHandle
   */
  readonly fileSystemId?: string;
  /**
   * A directory of the file system to mount instead of its root; it must already exist.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/volume_path
   * @default - the root (or the access point's root)
   */
  readonly subPath?: string;
  /**
   * An access point to mount through, `fsap-` and 8–40 hex digits (the driver adds tls).
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/access_points
   * @default - no access point (no POSIX identity enforcement)
   */
  readonly accessPointId?: string;
  /**
   * How the volumeHandle is spelled: `efs` (`efs:fs-…[:subpath[:fsap-…]]`, driver v3) or `legacy`
   * (`fs-…[:subpath[:fsap-…]]`, still accepted).
   * @default 'efs'
   */
  readonly handleFormat?: EfsHandleFormat;
  /**
   * A complete volumeHandle instead of fileSystemId/subPath/accessPointId/handleFormat, parsed the
   * way the driver parses it (at most 4 fields with an `efs:`/`s3files:` prefix, 3 without).
   * @default - built from fileSystemId, subPath, accessPointId
   */
  readonly volumeHandle?: string;
  /**
   * TLS between node and file system (volume attribute `encryptInTransit`).
   * @default true (driver default; not written)
   */
  readonly encryptInTransit?: boolean;
  /**
   * A mount target IP address to use instead of DNS (volume attribute `mounttargetip`).
   * @default - resolved by efs-utils
   */
  readonly mountTargetIp?: string;
  /**
   * Resolve the mount target of another account through DNS (volume attribute `crossaccount`).
   * Not for S3 Files.
   * @default false (not written)
   */
  readonly crossAccount?: boolean;
  /**
   * Further raw volume attributes. The driver accepts only `encryptInTransit`, `mounttargetip`
   * and `crossaccount` and fails the mount on any other key.
   * @default - none
   */
  readonly volumeAttributes?: Record<string, string>;
  /**
   * Mount options for the volume (e.g. `iam`). `tls` is on by default; `accesspoint=` and
   * `crossaccount` are set by the driver and refused here.
   * @default - none (the driver adds noresvport and tls)
   */
  readonly mountOptions?: string[];
  /**
   * What happens to the PersistentVolume when its claim is released.
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

type EfsSource =
  | { readonly kind: 'class'; readonly options: EfsFromStorageClassOptions }
  | { readonly kind: 'static'; readonly options: EfsFromFileSystemOptions };
const SOURCE = Symbol('strata.efs.source');

/**
 * Amazon EFS: a shared, elastic NFS file system (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md). Three ways in:
 * - `new Efs(...)`: a StorageClass of its own (one access point per claim) and a claim on it;
 * - `Efs.fromStorageClass(...)`: a claim on an existing EFS StorageClass;
 * - `Efs.fromFileSystem(...)`: a static PersistentVolume for an existing file system, directory
 *   or access point, and a claim bound to it by name.
 * Mount it with `mount(container, path, { readOnly, subPath })`.
 */
export class Efs extends ClaimedStorage {
  /** A claim on an existing EFS StorageClass. */
  public static fromStorageClass(scope: Construct, id: string, options: EfsFromStorageClassOptions): Efs {
    return new Efs(scope, id, { [SOURCE]: { kind: 'class', options } } as unknown as EfsProps);
  }

  /** A static volume for an existing file system (directory, access point) and a claim bound to it. */
  public static fromFileSystem(scope: Construct, id: string, options: EfsFromFileSystemOptions): Efs {
    return new Efs(scope, id, { [SOURCE]: { kind: 'static', options } } as unknown as EfsProps);
  }

  public readonly tier = StorageTier.EFS;
  public readonly claim: Claim;
  public readonly accessMode: AccessMode;
  public readonly storage: Size;
  /** The class this construct created (`new Efs`), else undefined. */
  public readonly storageClass?: EfsStorageClass;
  /** The static volume (`fromFileSystem`), else undefined. */
  public readonly persistentVolume?: CsiPersistentVolume;
  /** The static volume's handle (`fromFileSystem`), else undefined. */
  public readonly volumeHandle?: string;

  public constructor(scope: Construct, id: string, props: EfsProps) {
    super(scope, id);
    const source = (props as unknown as Record<symbol, EfsSource | undefined>)[SOURCE];
    const options: EfsClaimOptions = source ? source.options : props;
    this.accessMode = options.accessMode ?? AccessMode.READ_WRITE_MANY;
    this.storage = this.claimSize(options.storage ?? Size.gibibytes(5));
    this.checkClaim(options);

    let storageClassName: string;
    let volumeName: string | undefined;
    if (!source) {
      const { storage: _s, accessMode: _a, volumeMode: _v, storageClassName: scName, ...classProps } = props;
      this.storageClass = new EfsStorageClass(this, 'StorageClass', { ...classProps, name: scName });
      storageClassName = this.storageClass.name;
    } else if (source.kind === 'class') {
      storageClassName = source.options.storageClass?.name;
      this.rules.required('storageClass', storageClassName, 'an EFS StorageClass or its name', 'pass the EfsStorageClass, or { name: "efs-sc" }');
    } else {
      const built = this.staticVolume(source.options);
      this.volumeHandle = built.handle;
      this.persistentVolume = built.pv;
      storageClassName = '';
      volumeName = built.pv.name;
    }
    this.claim = new Claim(this, 'Claim', { accessModes: [this.accessMode], storage: this.storage, storageClassName, volumeName });
    // EFS ignores the claim's capacity; the report prices what is stored, not this placeholder.
    this.describe({ capacityGiB: this.storage.toGibibytes(), storageClassName, source: volumeName ? 'existing file system' : 'access point per claim' });
  }

  /** Access mode, volume mode and the placeholder capacity (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L43-L48, #L426-L455; docs/README.md#L34). */
  private checkClaim(options: EfsClaimOptions): void {
    const r = this.rules;
    r.oneOf('accessMode', options.accessMode, [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY], 'EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }');
    r.check('volumeMode', options.volumeMode, { enum: ['Filesystem'] }, 'EFS mounts file systems only ("only filesystem volumes are supported"): drop volumeMode', 'Filesystem');
    r.check('storage', this.storage.toGibibytes(), { minimum: 1 }, 'EFS ignores the capacity: keep the default 5Gi', 'at least 1 GiB');
  }

  /**
   * The claim is written in whole GiB; EFS ignores the capacity anyway (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md#L34), so a
   * fractional size is rounded up with a warning rather than refused.
   */
  private claimSize(size: Size): Size {
    try {
      size.toGibibytes();
      return size;
    } catch {
      const gib = Math.ceil(size.toGibibytes({ rounding: SizeRoundingBehavior.NONE }));
      this.rules.warn(`'storage' (${JSON.stringify(size.asString())}) is not a whole number of GiB: the claim asks for ${gib}Gi (EFS ignores the capacity)`);
      return Size.gibibytes(gib);
    }
  }

  /** The PersistentVolume of `fromFileSystem` (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L100-L245, #L489-L582). */
  private staticVolume(o: EfsFromFileSystemOptions): { handle: string; pv: CsiPersistentVolume } {
    const r = this.rules;
    const parts = this.handleParts(o);
    const attributes = this.volumeAttributes(o, parts.s3files);
    checkReclaimPolicy(r, o.reclaimPolicy);
    checkMountOptions(r, o.mountOptions, { dynamic: false, s3files: parts.s3files, encryptInTransit: attributes.encryptInTransit, encryptField: attributes.encryptField });
    if (usesIam(o.mountOptions)) markUses(this, EFS_NODE_IAM);
    const pv = new CsiPersistentVolume(this, 'PersistentVolume', {
      driver: EFS_DRIVER,
      volumeHandle: parts.handle,
      volumeAttributes: attributes.values,
      accessModes: [this.accessMode],
      capacity: this.storage,
      reclaimPolicy: o.reclaimPolicy,
      mountOptions: o.mountOptions,
    });
    return { handle: parts.handle, pv };
  }

  /** The volumeHandle, built from its parts or parsed from the raw string. */
  private handleParts(o: EfsFromFileSystemOptions): { handle: string; s3files: boolean } {
    const r = this.rules;
    if (o.volumeHandle !== undefined) {
      for (const k of ['fileSystemId', 'subPath', 'accessPointId', 'handleFormat'] as const) {
        if (o[k] !== undefined) r.fail(k, o[k], 'left out when volumeHandle is set', `put everything in volumeHandle, or drop volumeHandle and keep ${k}`);
      }
      if (Tokens.isToken(o.volumeHandle)) {
        r.check('volumeHandle', o.volumeHandle, { pattern: VOLUME_HANDLE }, 'e.g. "efs:fs-0123456789abcdef0::fsap-0123456789abcdef0"', 'an EFS volume handle');
        return { handle: o.volumeHandle, s3files: false };
      }
      return { handle: o.volumeHandle, s3files: parseVolumeHandle(r, o.volumeHandle) };
    }
    const format = o.handleFormat ?? 'efs';
    r.oneOf('handleFormat', o.handleFormat, ['efs', 'legacy'], 'use "efs" (efs:fs-…) unless an older driver needs the legacy form');
    if (r.required('fileSystemId', o.fileSystemId, 'set (or volumeHandle)', 'name the file system, e.g. "fs-0123456789abcdef0"')) {
      r.check('fileSystemId', o.fileSystemId, { pattern: FILE_SYSTEM_ID }, 'copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"');
    }
    r.check('accessPointId', o.accessPointId, { pattern: ACCESS_POINT_ID }, 'copy the id from "aws efs describe-access-points", e.g. "fsap-0123456789abcdef0"');
    r.check('subPath', o.subPath, { pattern: '^[^:]+$' }, 'name an existing directory, e.g. "/models"', "a directory path without ':'");
    const fields = [o.fileSystemId ?? ''];
    if (o.subPath !== undefined || o.accessPointId !== undefined) fields.push(o.subPath ?? '');
    if (o.accessPointId !== undefined) fields.push(o.accessPointId);
    return { handle: (format === 'legacy' ? '' : 'efs:') + fields.join(':'), s3files: false };
  }

  /** Typed attributes plus raw ones; only the three keys the node plugin knows (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L100-L146). */
  private volumeAttributes(o: EfsFromFileSystemOptions, s3files: boolean): { values: Record<string, string | boolean | undefined>; encryptInTransit?: unknown; encryptField?: string } {
    const r = this.rules;
    const typed: Record<string, string | boolean | undefined> = { encryptInTransit: o.encryptInTransit, mounttargetip: o.mountTargetIp, crossaccount: o.crossAccount, mounttargetipmap: undefined };
    const values: Record<string, string | boolean | undefined> = { ...typed };
    let encryptInTransit: unknown = o.encryptInTransit;
    let encryptField = 'encryptInTransit';
    let crossAccount: unknown = o.crossAccount;
    let mountTargetIp: unknown = o.mountTargetIp;
    let ipField = 'mountTargetIp';
    const raw = o.volumeAttributes;
    if (raw !== undefined && !Tokens.infoOf(raw)) {
      for (const [key, value] of Object.entries(raw)) {
        const field = `volumeAttributes.${key}`;
        const known = Object.keys(typed).find((k) => k.toLowerCase() === key.toLowerCase());
        if (!known) {
          r.fail(field, value, 'left out: the driver takes only encryptInTransit, mounttargetip, mounttargetipmap, crossaccount (it fails with "Volume context property ' + key + ' not supported")', key.toLowerCase() === 'path' ? 'mount a directory with subPath (it goes into the volumeHandle)' : 'drop it');
          continue;
        }
        if (typed[known] !== undefined) {
          r.fail(field, value, `left out when ${known === 'mounttargetip' ? 'mountTargetIp' : known === 'crossaccount' ? 'crossAccount' : known} is set`, 'set it one way only');
          continue;
        }
        values[known] = value;
        if (known === 'mounttargetipmap') {
          // A JSON object of zone → mount target IP, from which each node takes its own zone's (node.go#L118-L137).
          if (!Tokens.isToken(value) && !isZoneIpMap(value)) r.fail(field, value, 'a JSON object of Availability Zone names to mount target IP addresses', 'e.g. {"us-east-1a":"10.0.1.25","us-east-1b":"10.0.2.25"}, or use mounttargetip');
          continue;
        }
        if (known === 'mounttargetip') {
          mountTargetIp = value;
          ipField = field;
        } else {
          // Read as the node plugin reads it (Go strconv.ParseBool); a token stays a token.
          const ok = r.check(field, value, { enum: GO_BOOLS }, 'write "true" or "false"', 'a boolean ("true" or "false")');
          const parsed = !ok ? undefined : Tokens.isToken(value) ? value : !GO_FALSE.includes(value);
          if (known === 'encryptInTransit') {
            encryptInTransit = parsed;
            encryptField = field;
          } else {
            crossAccount = parsed;
          }
        }
      }
    }
    r.check(ipField, mountTargetIp, { anyOf: [{ pattern: IPV4 }, { pattern: IPV6 }] }, 'give the IPv4 or IPv6 address of a mount target of the file system', 'an IP address');
    // efs-utils: "mounttargetip option is incompatible with crossaccount option" (aws/efs-utils@v3.2.0:src/mount_efs/dns_resolver.py#L104-L108).
    if (crossAccount === true && mountTargetIp !== undefined && !Tokens.isToken(mountTargetIp)) {
      r.fail(ipField, mountTargetIp, 'unset when crossAccount is true', 'efs-utils refuses a mount target IP with crossaccount ("mounttargetip option is incompatible with crossaccount option"): keep one, crossAccount to resolve the zone\'s mount target by DNS, or the IP');
    }
    if (s3files) {
      // S3 Files: always encrypted in transit, no cross-account DNS (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L176-L192).
      if (encryptInTransit !== undefined) r.check(encryptField, encryptInTransit, { enum: [true] }, 'drop it: S3 Files is always encrypted in transit', 'true or unset for S3 Files');
      if (crossAccount !== undefined) r.check(o.crossAccount !== undefined ? 'crossAccount' : 'volumeAttributes.crossaccount', crossAccount, { enum: [false] }, 'drop it: S3 Files does not support crossaccount', 'false or unset for S3 Files');
    }
    return { values, encryptInTransit, encryptField };
  }
}

/**
 * A volumeHandle read the way the node plugin reads it (parseVolumeId, kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L582):
 * optional `efs:`/`s3files:` prefix, a file system id, an optional subpath, an optional access
 * point. Returns whether it names an S3 Files file system.
 */
function parseVolumeHandle(r: Rules, handle: string): boolean {
  const prefixed = /^(efs|s3files):/.exec(handle);
  const rest = prefixed ? handle.slice(prefixed[0].length) : handle;
  const fields = rest.split(':');
  const maxFields = prefixed ? 4 : 3;
  const s3files = prefixed?.[1] === 's3files';
  const shape = prefixed ? `${prefixed[1]}:fs-…[:subpath[:fsap-…]]` : 'fs-…[:subpath[:fsap-…]]';
  const example = 'e.g. "efs:fs-0123456789abcdef0:/models:fsap-0123456789abcdef0"';
  if (!new RegExp(FILE_SYSTEM_ID).test(fields[0])) {
    r.fail('volumeHandle', handle, `an EFS handle whose file system id${prefixed ? ` (after "${prefixed[0]}")` : ''} matches ${FILE_SYSTEM_ID} (${shape})`, example);
    return s3files;
  }
  if (fields.length + (prefixed ? 1 : 0) > maxFields) {
    r.fail('volumeHandle', handle, `an EFS handle of at most ${maxFields} fields separated by ':' (${shape})`, example);
    return s3files;
  }
  const accessPointId = fields[2] || undefined;
  if (accessPointId !== undefined && !new RegExp(ACCESS_POINT_ID).test(accessPointId)) {
    r.fail('volumeHandle', handle, `an EFS handle whose access point id matches ${ACCESS_POINT_ID} (${shape})`, example);
  }
  return s3files;
}

/** The props of one class in an `EfsStorageClassChart`; the map key is its name. */
export type EfsStorageClassChartEntry = Omit<EfsStorageClassProps, 'name'>;

export interface EfsStorageClassChartProps extends ChartProps {
  /** The classes to create, by StorageClass name. */
  readonly classes: { readonly [name: string]: EfsStorageClassChartEntry };
}

/**
 * A chart of cluster-wide EFS StorageClasses (platform-owned, installed once), each named by its
 * key in `classes`.
 */
export class EfsStorageClassChart extends Chart {
  public readonly classes: { readonly [name: string]: EfsStorageClass };

  public constructor(scope: Construct, id: string, props: EfsStorageClassChartProps) {
    super(scope, id, props);
    const classes: { [name: string]: EfsStorageClass } = {};
    for (const name of Object.keys(props.classes).sort()) {
      classes[name] = new EfsStorageClass(this, name, { ...props.classes[name], name });
    }
    this.classes = classes;
  }
}
