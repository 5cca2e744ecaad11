import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { satisfies, Tokens } from '@strata/tokens';
import { AccessMode } from './access-mode';
import { Claim } from './claim';
import { ClaimedStorage } from './claimed-storage';
import { CsiPersistentVolume } from './persistent-volume';
import { clausesHold, isLiteral } from './rules';
import { StorageTier } from './tier';
import { FsxDeploymentType, FsxStorageType } from './fsx-lustre-settings';
import { originOf } from './fsx-lustre-rules';
import { BASE_CAPACITY_RULES, capacityRuleFor, ceilDiv, EFA_RULES, EPSILON, FsxCapacitySettings, roundUpFsxCapacity } from './fsx-lustre-capacity';
import { FsxLustreStorageClass, FsxLustreStorageClassProps } from './fsx-lustre-class';
import { FsxLustreFromFileSystemOptions, staticLustreVolume } from './fsx-lustre-static';
import { associationFacts, checkAssociations } from './fsx-lustre-association';

export * from './fsx-lustre-settings';
export * from './fsx-lustre-class';
export * from './fsx-lustre-class-chart';
export { roundUpFsxCapacity } from './fsx-lustre-capacity';
export type { FsxCapacitySettings } from './fsx-lustre-capacity';
export type { FsxLustreFromFileSystemOptions } from './fsx-lustre-static';
export { FsxDataRepositoryEvent, ASSOCIATION_FILE_SYSTEM_PATH, MAX_ASSOCIATIONS } from './fsx-lustre-association';
export type { FsxDataRepositoryAssociation } from './fsx-lustre-association';

/**
 * FSx for Lustre through the FSx CSI driver (`fsx.csi.aws.com`): the claim (`FsxLustre`), with the
 * driver's vocabulary (fsx-lustre-settings.ts), the StorageClass (fsx-lustre-class.ts, and its chart
 * fsx-lustre-class-chart.ts), the rules tables (fsx-lustre-rules.ts, fsx-lustre-capacity.ts) and the
 * static-provisioning forms (fsx-lustre-static.ts) in files of their own.
 *
 * Every rule comes from the driver's Go code (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0: pkg/driver/controller.go,
 * pkg/cloud/cloud.go, pkg/util/util.go) and the FSx API reference (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html,
 * https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html). The driver passes most StorageClass parameters
 * straight to CreateFileSystem and only fails at provisioning time (claim stuck Pending), so the
 * constructs enforce the API's rules too.
 */

/** How a claim reaches FSx for Lustre. */
export interface FsxLustreClaimOptions {
  /**
   * The requested capacity. Rounded up to a size FSx provisions (with a warning) when the class
   * settings are known; a size token gets the valid sizes attached instead.
   */
  readonly storage: Size;
  /**
   * ReadWriteMany or ReadWriteOnce: the driver refuses ReadOnlyMany (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L37-L45); for read-only
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
 * `fsGroupPolicy: ReadWriteOnceWithFSType`, kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:charts/aws-fsx-csi-driver/values.yaml#L10-L11;
 * https://kubernetes-csi.github.io/docs/support-fsgroup.html): set ownership on the file system itself.
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
    // The driver accepts single-node and multi-node writers only (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L37-L45).
    this.rules.oneOf('accessMode', this.accessMode, [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY], 'use ReadWriteMany and mount with readOnly: true');

    if (src?.kind === 'fileSystem') {
      const o = src.options;
      this.storage = Size.gibibytes(wholeGibibytes(o.storage));
      this.checkPositive(o.storage);
      this.persistentVolume = staticLustreVolume(this, this.rules, o, this.accessMode, this.storage);
      this.storageClassName = '';
      this.claim = new Claim(this, 'Claim', { accessModes: [this.accessMode], storage: this.storage, storageClassName: '', volumeName: this.persistentVolume.name });
      checkAssociations(this.rules, o.associations ?? [], { deploymentType: o.deploymentType, fileSystemTypeVersion: o.fileSystemTypeVersion });
      this.describe({ capacityGiB: this.storage.toGibibytes(), deploymentType: o.deploymentType, source: 'existing file system', fileSystemId: o.fileSystemId, ...associationFacts(o.associations ?? []) });
      // Lustre roots are root-owned and the driver does not apply fsGroup to RWX volumes
      // (fsGroupPolicy ReadWriteOnceWithFSType, kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:charts/aws-fsx-csi-driver/values.yaml#L10-L11).
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

  /** Rounds a request the way the driver will, or attaches the valid sizes to a size token (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/util/util.go#L36-L66). */
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

  /** Growing a deployed claim: FSx grows in place, never shrinks, never SCRATCH_1 (https://docs.aws.amazon.com/fsx/latest/APIReference/API_UpdateFileSystem.html). */
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

