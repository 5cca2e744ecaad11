/**
 * The tier charts' releases of an environment (`storage`): which releases it declares, the class
 * each one makes, and which class each claim of a workload really names. One answer for the plan
 * (which releases are installed, which settings a claim gets), the report and the checks.
 */
import { fullnameOf, objectNameOf } from '@strata/helm';
import { TIER_CHARTS, TierChart } from './drivers';
import { EnvironmentDefinition, ExternalStorageClass, StorageTierName } from './environment';
import { externalClasses } from './external';
import { FLUX_NAMESPACE } from './flux';
import { isPlainObject } from './values';

/** A release name: a DNS label of at most 53 characters (Helm's limit for release names). */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_NAME_MAX = 53;

/** One release of a tier chart, as the environment declares it (or the one strata adds for instance store). */
export interface TierReleaseDefinition {
  readonly tier: TierChart;
  /** The Helm release and HelmRelease name. */
  readonly release: string;
  /** Where it is declared: `storage.efs` (the one-release form) or `storage.efs[1]`. */
  readonly field: string;
  /** Where its values are: `storage.efs` or `storage.efs[1].values`. */
  readonly valuesField: string;
  /** Its values as written (before the network is filled in). */
  readonly values: Record<string, unknown>;
  /** Not declared: the instance-store release strata adds when a workload uses the tier. */
  readonly implicit?: boolean;
}

type Fail = (field: string, value: unknown, accepted: string, fix: string) => void;

/**
 * The tier releases `storage` declares, in declaration order (tiers in TIER_CHARTS order). With
 * `fail`, each problem of shape is reported (and the entry left out): a tier that is none, a
 * release without a name or with a name taken, an entry with fields a release does not have.
 */
export function storageReleases(env: Pick<EnvironmentDefinition, 'storage'> | undefined, fail: Fail = () => undefined): TierReleaseDefinition[] {
  const storage: unknown = env?.storage;
  if (storage === undefined) return [];
  if (!isPlainObject(storage)) {
    fail('storage', storage, 'an object of tier releases by tier', 'e.g. storage: { "fsx-lustre": { deploymentType: "SCRATCH_2" } }');
    return [];
  }
  for (const key of Object.keys(storage)) {
    if (!(key in TIER_CHARTS)) fail('storage', key, `one of ${Object.keys(TIER_CHARTS).map((k) => JSON.stringify(k)).join(', ')}`, key === 's3' ? 'S3 has no tier chart: Mountpoint volumes are static, declared by the workload' : 'use the tier name');
  }
  const out: TierReleaseDefinition[] = [];
  const taken = new Map<string, string>();
  const add = (r: TierReleaseDefinition, nameField: string) => {
    const before = taken.get(r.release);
    if (before !== undefined) {
      fail(nameField, r.release, `a release name no other tier release here has (${before} is released as ${r.release} already)`, 'give each release its own name: it is the HelmRelease in flux-system and the Helm release');
      return;
    }
    taken.set(r.release, r.field);
    out.push(r);
  };
  for (const tier of Object.values(TIER_CHARTS)) {
    const given: unknown = storage[tier.tier];
    if (given === undefined) continue;
    const field = `storage.${tier.tier}`;
    if (!Array.isArray(given)) {
      if (!isPlainObject(given)) {
        fail(field, given, `an object of ${tier.chart} values, or a list of releases ({ release, values? })`, `see charts/${tier.chart}/values.yaml`);
        continue;
      }
      add({ tier, release: tier.chart, field, valuesField: field, values: given }, field);
      continue;
    }
    if (given.length === 0) {
      fail(field, given, `at least one release ({ release, values? }), or an object of ${tier.chart} values`, `leave storage.${tier.tier} out when the environment installs no ${tier.chart}`);
      continue;
    }
    given.forEach((r: unknown, i) => {
      const at = `${field}[${i}]`;
      if (!isPlainObject(r)) {
        fail(at, r, `a release of ${tier.chart} ({ release, values? })`, `e.g. { release: '${tier.tier}-scratch', values: { … } }`);
        return;
      }
      for (const k of Object.keys(r)) {
        if (k !== 'release' && k !== 'values') fail(`${at}.${k}`, r[k], 'left out: a release has a name (release) and values only', `put chart values under ${at}.values`);
      }
      const name: unknown = r.release;
      if (typeof name !== 'string' || !RELEASE_NAME.test(name) || name.length > RELEASE_NAME_MAX) {
        fail(`${at}.release`, name, `a release name: a DNS label (lowercase letters, digits and "-") of at most ${RELEASE_NAME_MAX} characters`, `it names the HelmRelease and the Helm release, e.g. "${tier.tier}-scratch"`);
        return;
      }
      const values: unknown = r.values;
      if (values !== undefined && !isPlainObject(values)) {
        fail(`${at}.values`, values, `an object of ${tier.chart} values`, `see charts/${tier.chart}/values.yaml`);
        return;
      }
      add({ tier, release: name, field: at, valuesField: `${at}.values`, values: (values ?? {}) as Record<string, unknown> }, `${at}.release`);
    });
  }
  return out;
}

/**
 * The StorageClass a release of a tier chart makes, with its values (chart defaults merged with the
 * environment's): the value naming it when not empty, else `<namespace>-<release full name>-<suffix>`
 * — what the chart's templates render (@strata/helm clusterObjectName; tier releases are installed
 * in flux-system). Undefined for a chart that makes no class.
 */
export function tierClassName(tier: TierChart, release: string, values: Record<string, unknown>): string | undefined {
  const naming = tier.classNaming;
  if (!naming) return undefined;
  if (naming.enabledBy !== undefined && valueAt(values, naming.enabledBy) !== true) return undefined;
  const set = valueAt(values, naming.value);
  if (typeof set === 'string' && set !== '') return set;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const fullname = fullnameOf(tier.chart, release, { nameOverride: str(values.nameOverride), fullnameOverride: str(values.fullnameOverride) });
  return objectNameOf(fullname, naming.suffix, FLUX_NAMESPACE);
}

/** The value at a dotted path of nested values (`localVolumes.storageClassName`). */
function valueAt(values: Record<string, unknown>, path: string): unknown {
  let at: unknown = values;
  for (const key of path.split('.')) at = isPlainObject(at) ? at[key] : undefined;
  return at;
}

/** A tier release's class, for claims to name: which release, of which tier. */
export interface TierClass {
  readonly name: string;
  readonly tier: TierChart;
  readonly release: string;
  /** Where the release is declared (`storage.efs[1]`). */
  readonly field: string;
}

/** A storage claim of a released chart, its facts resolved for this release. */
export interface ResolvedClaim {
  readonly tier: string;
  readonly name: string;
  readonly facts: { readonly [key: string]: unknown };
  /** The class it names is one the chart makes itself (its own StorageClass). */
  readonly ownClass?: boolean;
  /** The value of the release that names its class (`cache.storageClassName`), when a value does. */
  readonly classValue?: string;
}

/**
 * Where a claim's volume comes from, as this environment knows it: the one answer the tier rules,
 * the drivers and the report share, keyed on the class the claim names.
 * - `tier`: the class of one of the environment's tier releases;
 * - `own`: a class the chart makes itself (its own StorageClass, by construct or by a literal name);
 * - `external`: a StorageClass the environment declares in `external.storageClasses`;
 * - `bound`: no class: a volume the chart makes itself (an existing file system, an S3 bucket:
 *   storageClassName ""), or no claim at all (an emptyDir);
 * - `unstated`: the chart does not say which class (a chart written before claims stated it);
 * - `undeclared`: a class neither a release here makes nor the environment declares (refused).
 */
export type ClaimClass =
  | { readonly kind: 'tier'; readonly name: string; readonly tierClass: TierClass }
  | { readonly kind: 'own'; readonly name: string }
  | { readonly kind: 'external'; readonly name: string; readonly storageClass: ExternalStorageClass; readonly field: string; readonly tier?: StorageTierName }
  | { readonly kind: 'bound' }
  | { readonly kind: 'unstated' }
  | { readonly kind: 'undeclared'; readonly name: string };

/** What a claim is checked against: the classes the environment's tier releases make, and the literal class names the chart makes. */
export interface ClassContext {
  readonly tierClasses: ReadonlyMap<string, TierClass>;
  /** Literal names of the StorageClasses the claim's chart makes. */
  readonly chartClasses?: readonly string[];
}

export function claimClass(c: ResolvedClaim, env: Pick<EnvironmentDefinition, 'external'> | undefined, context: ClassContext): ClaimClass {
  const name = c.facts.storageClassName;
  if (c.facts.source === 'existing file system' || name === '') return { kind: 'bound' };
  if (name === undefined || name === null || typeof name !== 'string') {
    // An emptyDir (instance store) or a static volume states no class; other claims always do.
    return c.tier === 'instance-store' || c.tier === 's3' ? { kind: 'bound' } : { kind: 'unstated' };
  }
  if (c.ownClass || (context.chartClasses ?? []).includes(name)) return { kind: 'own', name };
  const tierClass = context.tierClasses.get(name);
  if (tierClass) return { kind: 'tier', name, tierClass };
  const declared = externalClasses(env).get(name);
  if (declared) return { kind: 'external', name, ...declared };
  return { kind: 'undeclared', name };
}

/** "an FSx for Lustre", "an EFS", "an S3", "an instance-store". */
export function article(tier: string): string {
  const titles: Record<string, string> = { 'fsx-lustre': 'an FSx for Lustre', efs: 'an EFS', s3: 'an S3', 'instance-store': 'an instance-store' };
  return titles[tier] ?? `a ${tier}`;
}

/** The tier releases' classes by name; a second release giving its class a taken name is reported and left out. */
export function tierClassesOf(releases: readonly { readonly definition: TierReleaseDefinition; readonly storageClassName?: string; readonly classField: string }[], fail: Fail): Map<string, TierClass> {
  const out = new Map<string, TierClass>();
  for (const r of releases) {
    const name = r.storageClassName;
    if (name === undefined) continue;
    const before = out.get(name);
    if (before) {
      fail(r.classField, name, `a StorageClass name no other tier release here gives its class (${before.field}, release ${before.release}, makes ${name} already)`, `give each release its own class name (${r.definition.tier.classNaming!.value}), or leave it unset: the class is then named after the release`);
      continue;
    }
    out.set(name, { name, tier: r.definition.tier, release: r.definition.release, field: r.definition.field });
  }
  return out;
}

