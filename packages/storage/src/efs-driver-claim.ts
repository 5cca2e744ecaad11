import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { AccessMode } from './access-mode';
import { Claim } from './claim';
import type { EfsClaimOptions } from './efs';
import { CsiPersistentVolume } from './persistent-volume';
import { Rules } from './rules';

/**
 * The claim skeleton of the tiers the EFS CSI driver mounts (EFS, S3 Files): three ways in — a class
 * of its own, an existing class, or a static volume — each ending in one claim. Each tier keeps its
 * own words, class and static volume in an `EfsDriverTier`; the checks and the order they run in
 * are the same for both.
 */

/** What marks props made by `fromStorageClass` / `fromFileSystem` rather than by `new`. */
const SOURCE = Symbol('strata.efs-driver.source');

type Source<C, S> = { readonly kind: 'class'; readonly options: C } | { readonly kind: 'static'; readonly options: S };

/** The props `fromStorageClass` (kind 'class') or `fromFileSystem` (kind 'static') passes to the constructor. */
export function sourceProps<P>(kind: 'class' | 'static', options: EfsClaimOptions): P {
  return { [SOURCE]: { kind, options } } as unknown as P;
}

/** One tier's part of the skeleton: its name in messages, its class and its static volume. */
export interface EfsDriverTier<K extends { readonly name: string }, P, S> {
  /** The tier in messages: "EFS", "S3 Files". */
  readonly title: string;
  /** The fix when volumeMode is not Filesystem. */
  readonly volumeModeFix: string;
  /** What `fromStorageClass` accepts, and the fix when it is missing. */
  readonly storageClassAccepted: string;
  readonly storageClassFix: string;
  /** The class of `new` from its props (claim options already taken out). */
  newClass(scope: Construct, id: string, props: P): K;
  /** The static volume of `fromFileSystem` and its handle. */
  staticVolume(scope: Construct, rules: Rules, options: S, accessMode: AccessMode, storage: Size): { handle: string; pv: CsiPersistentVolume };
}

/** What the skeleton made, for the tier construct's readonly fields. */
export interface EfsDriverClaimParts<K> {
  readonly accessMode: AccessMode;
  readonly storage: Size;
  readonly storageClass?: K;
  readonly persistentVolume?: CsiPersistentVolume;
  readonly volumeHandle?: string;
  readonly claim: Claim;
  /** The facts for `describe`. */
  readonly facts: { readonly [key: string]: unknown };
}

/** Builds the claim (and its class or static volume) for `props`, checking as it goes. */
export function efsDriverClaim<K extends { readonly name: string }, P extends EfsClaimOptions & { readonly storageClassName?: string }, C extends EfsClaimOptions & { readonly storageClass: { readonly name: string } }, S extends EfsClaimOptions>(
  scope: Construct,
  rules: Rules,
  props: P,
  tier: EfsDriverTier<K, Omit<P, 'storage' | 'accessMode' | 'volumeMode' | 'storageClassName'> & { name?: string }, S>,
): EfsDriverClaimParts<K> {
  const source = (props as unknown as Record<symbol, Source<C, S> | undefined>)[SOURCE];
  const options: EfsClaimOptions = source ? source.options : props;
  const accessMode = options.accessMode ?? AccessMode.READ_WRITE_MANY;
  const storage = claimSize(rules, tier.title, options.storage ?? Size.gibibytes(5));
  checkClaim(rules, tier, options, storage);

  let storageClassName: string;
  let volumeName: string | undefined;
  let storageClass: K | undefined;
  let persistentVolume: CsiPersistentVolume | undefined;
  let volumeHandle: string | undefined;
  if (!source) {
    const { storage: _s, accessMode: _a, volumeMode: _v, storageClassName: scName, ...classProps } = props;
    storageClass = tier.newClass(scope, 'StorageClass', { ...classProps, name: scName });
    storageClassName = storageClass.name;
  } else if (source.kind === 'class') {
    storageClassName = source.options.storageClass?.name;
    rules.required('storageClass', storageClassName, tier.storageClassAccepted, tier.storageClassFix);
  } else {
    const built = tier.staticVolume(scope, rules, source.options, accessMode, storage);
    volumeHandle = built.handle;
    persistentVolume = built.pv;
    storageClassName = '';
    volumeName = built.pv.name;
  }
  const claim = new Claim(scope, 'Claim', { accessModes: [accessMode], storage, storageClassName, volumeName });
  // The driver ignores the claim's capacity: the report prices what is stored, not this placeholder.
  const facts = { capacityGiB: storage.toGibibytes(), storageClassName, source: volumeName ? 'existing file system' : 'access point per claim' };
  return { accessMode, storage, storageClass, persistentVolume, volumeHandle, claim, facts };
}

/** Access mode, volume mode and the placeholder capacity (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L43-L48, #L426-L455; docs/README.md#L34). */
function checkClaim(r: Rules, tier: { readonly title: string; readonly volumeModeFix: string }, options: EfsClaimOptions, storage: Size): void {
  r.oneOf('accessMode', options.accessMode, [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY], `${tier.title} takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`);
  r.check('volumeMode', options.volumeMode, { enum: ['Filesystem'] }, tier.volumeModeFix, 'Filesystem');
  r.check('storage', storage.toGibibytes(), { minimum: 1 }, `${tier.title} ignores the capacity: keep the default 5Gi`, 'at least 1 GiB');
}

/**
 * The claim is written in whole GiB; the driver ignores the capacity anyway (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md#L34), so a
 * fractional size is rounded up with a warning rather than refused.
 */
function claimSize(r: Rules, title: string, size: Size): Size {
  try {
    size.toGibibytes();
    return size;
  } catch {
    const gib = Math.ceil(size.toGibibytes({ rounding: SizeRoundingBehavior.NONE }));
    r.warn(`'storage' (${JSON.stringify(size.asString())}) is not a whole number of GiB: the claim asks for ${gib}Gi (${title} ignores the capacity)`);
    return Size.gibibytes(gib);
  }
}
