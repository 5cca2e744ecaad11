import { Construct } from 'constructs';
import { ABSOLUTE_PATH, Constraint, markUses, patternWords, RELATIVE_PATH, Tokens } from '@strata/tokens';
import { ZONE } from './forms';
import { ReclaimPolicy, VolumeBindingMode } from './access-mode';
import { isLiteral, Rules, UNSET } from './rules';
import { S3_FILES_FILE_SYSTEM_ID } from './s3-files-rules';
import { StorageClass } from './storage-class';
import {
  DIRECTORY_PERMS,
  EFS_DRIVER,
  EFS_FILE_SYSTEM_ID_REFS,
  EFS_NODE_IAM,
  EFS_PROVISIONER_SECRET_NAME,
  EFS_PROVISIONER_SECRET_NAMESPACE,
  EfsProvisioningMode,
  EMPTY_TEXT,
  FILE_SYSTEM_ID,
  NAMESPACE,
  OBJECT_KEY_REF,
  POSIX_ID,
  POSIX_ID_TEXT,
  PV_NAME_LENGTH,
  ROOT_DIR_MAX_LENGTH,
  ROOT_DIR_MAX_SLASHES,
  SECRET_NAME,
  SUB_PATH_PATTERN,
  UNIQUE_SUFFIX_LENGTH,
} from './efs-rules';
import { checkMountOptions, checkReclaimPolicy, usesIam } from './efs-mount';

/**
 * Cross-account dynamic provisioning: the file system belongs to another account, whose role the
 * controller assumes with the `awsRoleArn` (and `externalId`) of a provisioner Secret made outside
 * strata (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md "Cross-account provisioning",
 * pkg/driver/controller.go#L684-L720, examples/kubernetes/efs/cross_account_mount/README.md).
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
        ...fileSystemIdParameters(props),
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
    // "" is not set (a chart value left empty): the parameter is not written.
    const sources = FILE_SYSTEM_ID_SOURCES.filter((k) => props[k] !== undefined && props[k] !== '');
    const chosenAtInstall = isChoiceAtInstall(props);
    if (chosenAtInstall) {
      const given = FILE_SYSTEM_ID_SOURCES.filter((k) => props[k] !== undefined);
      this.checkSourceChoice(props, given[0], given[1]);
    } else if (sources.length === 0) {
      r.fail('fileSystemId', undefined, 'set, or else one of fileSystemIdConfigRef, fileSystemIdSecretRef', 'name the file system the access points are created in, e.g. "fs-0123456789abcdef0"');
    } else if (sources.length > 1) {
      r.fail(sources[1], props[sources[1]], `left out when ${sources[0]} is set (exactly one of fileSystemId, fileSystemIdConfigRef, fileSystemIdSecretRef)`, `keep only one of ${sources.join(', ')}`);
    }
    // Decided at install, a source left "" is not written: the pattern holds for the others.
    const orEmpty = (c: Constraint, words: string): [Constraint, string] => (chosenAtInstall ? [{ anyOf: [EMPTY_TEXT, c] }, `${words}, or "" (not written)`] : [c, words]);
    const isS3Files = props.provisioningMode === EfsProvisioningMode.S3FILES_AP;
    // S3 Files ids are longer than EFS ids (https://docs.aws.amazon.com/cli/latest/reference/s3files/get-file-system.html).
    const idPattern = isS3Files ? S3_FILES_FILE_SYSTEM_ID : FILE_SYSTEM_ID;
    const idFix = isS3Files ? 'copy the id from "aws s3files list-file-systems", e.g. "fs-0123456789abcdef01"' : 'copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"';
    if (props.fileSystemId !== '') r.check('fileSystemId', props.fileSystemId, ...withFix(orEmpty({ pattern: idPattern }, patternWords(idPattern)!), idFix));
    for (const ref of ['fileSystemIdConfigRef', 'fileSystemIdSecretRef'] as const) {
      if (props[ref] !== '') r.check(ref, props[ref], ...withFix(orEmpty({ pattern: OBJECT_KEY_REF }, 'a reference "namespace/name/key"'), 'write "namespace/name/key", e.g. "kube-system/efs-ids/models"'));
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
    // The driver refuses the parameter itself for S3 Files, even "false" (controller.go#L205-L208).
    this.rules.mustWhen([s3files], 'reuseAccessPoint', props.reuseAccessPoint, UNSET, 'unset for s3files-ap', 'the driver refuses the parameter for S3 Files, even false: drop reuseAccessPoint');
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
    // A reference decided at install is not known here: the environment turns the feature on from the release's values.
    const literalRef = (v: string | undefined) => isLiteral(v) && v !== '';
    if (literalRef(props.fileSystemIdConfigRef) || literalRef(props.fileSystemIdSecretRef)) markUses(this, EFS_FILE_SYSTEM_ID_REFS);
  }

  /**
   * Two sources of the file system id, at least one a chart value: exactly one may be set at install,
   * the other "" (left out of the class).
   */
  private checkSourceChoice(props: EfsStorageClassProps, a: FileSystemIdSource, b: FileSystemIdSource): void {
    const va = props[a];
    const vb = props[b];
    const at = (field: string) => `[${this.node.path}] ${field}`;
    if (Tokens.isToken(va) && Tokens.isToken(vb)) {
      Tokens.checkWhen([{ value: va, equals: '' }], vb, { minLength: 1 }, at(b));
      Tokens.checkWhen([{ value: va, differsFrom: '' }], vb, EMPTY_TEXT, at(b));
    } else if (Tokens.isToken(va)) {
      Tokens.check(va, vb === '' ? { minLength: 1 } : EMPTY_TEXT, at(a));
    } else {
      Tokens.check(vb, va === '' ? { minLength: 1 } : EMPTY_TEXT, at(b));
    }
  }

  /**
   * Cross-account provisioning (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L380-L406, #L684-L720):
   * the Secret named, `az` only with it and only without DNS resolution (the Secret's crossaccount
   * wins), no DNS resolution for S3 Files (node.go#L186-L194).
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

const FILE_SYSTEM_ID_SOURCES = ['fileSystemId', 'fileSystemIdConfigRef', 'fileSystemIdSecretRef'] as const;
type FileSystemIdSource = (typeof FILE_SYSTEM_ID_SOURCES)[number];

/** Exactly two sources of the file system id given, at least one bound to a chart value: which is set is decided at install. */
function isChoiceAtInstall(props: EfsStorageClassProps): boolean {
  const given = FILE_SYSTEM_ID_SOURCES.filter((k) => props[k] !== undefined);
  return given.length === 2 && given.some((k) => Tokens.isToken(props[k]));
}

/** The file system id parameters: as given, or, when chosen at install, each left out when "" (Tokens.optionalText). */
function fileSystemIdParameters(props: EfsStorageClassProps): Record<FileSystemIdSource, string | undefined> {
  const choice = isChoiceAtInstall(props);
  const out = {} as Record<FileSystemIdSource, string | undefined>;
  for (const k of FILE_SYSTEM_ID_SOURCES) out[k] = choice ? Tokens.optionalText(props[k]) : props[k] === '' ? undefined : props[k];
  return out;
}

/** check's last two arguments, the fix first. */
function withFix(c: [Constraint, string], fix: string): [Constraint, string, string] {
  return [c[0], fix, c[1]];
}
