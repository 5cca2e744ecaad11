import { ApiObject, App, JsonPatch } from 'cdk8s';
import { goJson } from './content-name';
import { contentNameSuffix, sourceNameSuffix, sourceOfVolume } from './resolve';
import { IConstruct } from 'constructs';
import { conditionsOf, declaredPodTemplatesOf, embeddedObjectsOf, holdsData, isExcluded, isReadOnlyProbe, Manifest as TokenManifest, mountProblems, podSecurityOf, podTemplateParts, problem, PodTemplateKind, PodTemplatePaths, policiesOf, withDeclaredKinds, StorageDescription, storageOf, TokenInfo, Tokens, usesOf, VersionDescription, versionsOf, warningsOf } from '@strata/tokens';
import {
  CHART_APP_VERSION,
  CHART_LABEL,
  CHART_NAME,
  CLUSTER_SCOPED_KINDS,
  CLUSTER_SOURCE_NAME,
  CONTENT_NAME,
  CONTENT_NAMED_KINDS,
  nameSuffixOf,
  RELEASE_NAME,
  RELEASE_SERVICE,
  SOURCE_NAME,
  splitSourceName,
  WorkloadChart,
} from './workload-chart';

/** A JSON object of a manifest. */
export type Manifest = { [key: string]: any };

/** One object of a synthesized chart, still holding tokens. */
export interface SynthesizedObject {
  readonly manifest: Manifest;
  /** Boolean value tokens that must all be true for the object to exist. */
  readonly conditions: TokenInfo[];
  /** Whether the object holds data (kept on uninstall). */
  readonly holdsData: boolean;
  /** A claim that generic checks must only read (its root is not writable by any user). */
  readonly readOnlyProbe: boolean;
  /** A stable file stem: `<kind>-<name suffix>`. */
  readonly fileStem: string;
}

export interface SynthesizedChart {
  readonly chart: WorkloadChart;
  readonly objects: SynthesizedObject[];
  /** Warnings of the whole synthesis, "[path] message", sorted. */
  readonly warnings: string[];
  /** What the chart needs installed cluster-wide (storage tiers whose CSI drivers it uses), sorted. */
  readonly uses: string[];
  /** Every storage construct of the chart: its path below the chart, tier and facts (may hold tokens). */
  readonly storage: { readonly path: string; readonly description: StorageDescription }[];
  /** What each versioned pattern of the chart reads for its version (may hold tokens); none when the chart has none. */
  readonly versions?: { readonly path: string; readonly description: VersionDescription }[];
  /** The IAM policy documents the chart derives, by key (may hold tokens): written as iam-policies/<key>.json, never rendered. */
  readonly policies?: { readonly [key: string]: unknown };
  /** Custom kinds the chart declares, with where their pod templates are (recorded in Chart.yaml for the checks). */
  readonly podTemplateKinds: PodTemplatePaths[];
  /** The Pod Security level the chart's pods need of their namespace (restricted unless a construct asked for less), and why. */
  readonly podSecurity: ReturnType<typeof podSecurityOf>;
}

/** Every validation error of a synthesis, each "[construct path] message". */
export class SynthesisError extends Error {
  public constructor(public readonly errors: string[]) {
    super(`synthesis failed with ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${errors.join('\n  ')}`);
    this.name = 'SynthesisError';
  }
}

/** Kinds that select their pods with matchLabels. */
const SELECTING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const CDK8S_ADDR = 'cdk8s.io/metadata.addr';
const COMPONENT = 'app.kubernetes.io/component';
/**
 * helm-controller leaves objects with this annotation out of drift detection
 * (fluxcd/helm-controller docs/spec/v2/helmreleases.md "Drift detection").
 */
export const DRIFT_DETECTION_ANNOTATION = 'helm.toolkit.fluxcd.io/driftDetection';

/** Helm's keep policy: `helm uninstall` leaves the object (and its data) in place. */
export const KEEP_ANNOTATION = 'helm.sh/resource-policy';

/**
 * Validates and synthesizes a workload chart: every error of every construct at once (thrown
 * as a SynthesisError), then each object decorated the way a Helm chart wants it — the
 * release namespace on namespaced objects, the standard labels, selector labels on pod
 * templates and selectors, the keep policy on data-holding objects.
 */
export function synthesizeChart(chart: WorkloadChart): SynthesizedChart {
  const app = chart.node.root as App;
  const errors: string[] = [];
  for (const c of app.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length > 0) throw new SynthesisError(errors);

  const { labels, selector } = chartLabels(chart);
  const namespace = chart.release.namespace;
  const podTemplateKinds = declaredPodTemplatesOf(chart);
  const kinds = withDeclaredKinds(podTemplateKinds);

  const security = podSecurityOf(chart);
  const objects: SynthesizedObject[] = [];
  for (const obj of apiObjectsOf(chart)) {
    if (isExcluded(obj)) continue;
    const json = obj.toJson();
    checkPatches(obj, json, errors);
    const at = obj.node.path.replace(/\/Resource$/, '');
    const owned: string[] = [];
    const m = renameAddrLabels(json, '', owned) as Manifest;
    checkNumbers(m, obj.node.path, errors);
    m.metadata = m.metadata ?? {};
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(m.kind);
    if (clusterScoped) delete m.metadata.namespace;
    else m.metadata.namespace = namespace;
    // What the chart writes into metadata is its own: a construct's other value for it would be lost (an error).
    m.metadata.labels = withOwned(m.metadata.labels, labels, 'metadata.labels', "the chart writes it on every object (Helm's standard labels of the release and chart)", owned);
    const keeps = holdsData(obj);
    if (keeps) m.metadata.annotations = withOwned(m.metadata.annotations, { [KEEP_ANNOTATION]: 'keep' }, 'metadata.annotations', 'the chart writes it on objects holding data, so that helm uninstall leaves them and their data', owned);
    // A finished run (a Job, a JobSet, a RayJob…) is the record that its work is done: helm-controller's
    // drift correction must not re-create one deleted by hand (it would run again). Read by helm-controller only.
    if (CONTENT_NAMED_KINDS.has(m.kind)) {
      m.metadata.annotations = withOwned(m.metadata.annotations, { [DRIFT_DETECTION_ANNOTATION]: 'disabled' }, 'metadata.annotations', 'the chart writes it on runs: drift correction must not re-create a finished run deleted by hand (it would run again)', owned);
    }
    addSelectorLabels(m, selector, kinds, owned);
    for (const o of owned) errors.push(`[${at}] ${o}`);
    for (const template of podTemplateParts(m as TokenManifest, kinds)) for (const p of mountProblems(template.spec)) errors.push(`[${obj.node.path.replace(/\/Resource$/, '')}] ${p}`);
    checkContentName(m, obj.node.path.replace(/\/Resource$/, ''), errors);
    objects.push({ manifest: sortKeys(m), conditions: conditionsOf(obj), holdsData: keeps, readOnlyProbe: isReadOnlyProbe(obj), fileStem: fileStemOf(m) });
  }
  // Pod templates placed in other objects by workload kinds: not written on their own, but their
  // patches must reach them as any object's must.
  for (const { owner, object } of embeddedObjectsOf(chart)) {
    if (!isExcluded(owner)) checkPatches(object as ApiObject, (object as ApiObject).toJson(), errors, owner.node.path);
  }
  if (errors.length > 0) throw new SynthesisError(errors);
  const stems = new Set<string>();
  for (const o of objects) {
    if (stems.has(o.fileStem)) throw new Error(`two objects of chart ${chart.chartMetadata.name} would share the file templates/${o.fileStem}.yaml`);
    stems.add(o.fileStem);
  }
  objects.sort((a, b) => (a.fileStem < b.fileStem ? -1 : a.fileStem > b.fileStem ? 1 : 0));
  return { chart, objects, warnings: warningsOf(app), uses: usesOf(chart), storage: storageOf(chart), versions: versionsOf(chart), policies: policiesOf(chart), podTemplateKinds, podSecurity: security };
}

/** The standard labels of every object, and the two that select pods, as tokens. */
export function chartLabels(chart: WorkloadChart): { labels: Record<string, string>; selector: Record<string, string> } {
  const t = (path: string) => Tokens.string(path, chart.values);
  const selector = { 'app.kubernetes.io/instance': t(RELEASE_NAME), 'app.kubernetes.io/name': t(CHART_NAME) };
  const labels = {
    ...selector,
    'app.kubernetes.io/managed-by': t(RELEASE_SERVICE),
    'app.kubernetes.io/version': t(CHART_APP_VERSION),
    'helm.sh/chart': t(CHART_LABEL),
  };
  return { labels, selector };
}

function apiObjectsOf(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/** `<kind>-<name suffix>` in lowercase: the template file name. */
function fileStemOf(m: Manifest): string {
  const name: string = m.metadata?.name ?? 'unnamed';
  const info = Tokens.infoOf(name);
  let suffix = name;
  const named = info ? nameSuffixOf(info.path) : undefined;
  if (named !== undefined) suffix = named;
  else if (info && info.path.startsWith(CONTENT_NAME)) suffix = info.path.slice(CONTENT_NAME.length);
  else if (info && info.path.startsWith(SOURCE_NAME)) suffix = splitSourceName(info.path.slice(SOURCE_NAME.length)).suffix;
  else if (info && info.path.startsWith(CLUSTER_SOURCE_NAME)) suffix = splitSourceName(info.path.slice(CLUSTER_SOURCE_NAME.length)).suffix;
  else if (Tokens.isToken(name)) throw new Error(`${m.kind} name ${JSON.stringify(name)} is built from values; object names must be set by the chart`);
  return `${String(m.kind).toLowerCase()}-${suffix}`;
}

/**
 * `owned` over `given` (labels or annotations): a key of `owned` that `given` holds with another
 * value is recorded in `problems` with `why` (the construct's value would be replaced without a word).
 */
function withOwned(given: Record<string, string> | undefined, owned: Record<string, string>, field: string, why: string, problems: string[]): Record<string, string> {
  for (const [k, v] of Object.entries(owned)) {
    const mine = given?.[k];
    if (mine !== undefined && mine !== v) problems.push(problem(`${field}.${k}`, mine, Tokens.isToken(v) ? 'unset' : `unset or ${JSON.stringify(v)}`, why));
  }
  return { ...(given ?? {}), ...owned };
}

/**
 * cdk8s-plus selects pods by `cdk8s.io/metadata.addr`; charts use app.kubernetes.io/component. A
 * map holding both with different values (a component label given by hand) is recorded in `problems`.
 */
function renameAddrLabels(value: unknown, path: string, problems: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => renameAddrLabels(v, `${path}[${i}]`, problems));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (CDK8S_ADDR in o && COMPONENT in o && o[COMPONENT] !== o[CDK8S_ADDR]) {
      problems.push(problem(`${path}.${COMPONENT}`, o[COMPONENT], 'unset', "strata writes it: the component label of the template's pods (cdk8s-plus's address label), which Services and spreads select by"));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === COMPONENT && CDK8S_ADDR in o) continue;
      out[k === CDK8S_ADDR ? COMPONENT : k] = renameAddrLabels(v, path ? `${path}.${k}` : k, problems);
    }
    return out;
  }
  return value;
}

/** Every object and array inside a manifest (to tell its own parts from copies). */
function objectsIn(value: unknown, into: Set<unknown> = new Set()): Set<unknown> {
  if (value && typeof value === 'object' && !into.has(value)) {
    into.add(value);
    for (const v of Object.values(value)) objectsIn(v, into);
  }
  return into;
}

function addSelectorLabels(m: Manifest, selector: Record<string, string>, kinds: { readonly [kind: string]: PodTemplateKind }, problems: string[]): void {
  // Every pod template, whatever kind holds it (the table of @strata/tokens): Services and spread constraints select by these.
  // Only a template that is part of the object holds a construct's labels; a kind's view of the
  // operator's pods (NIM) is a copy with the operator's own.
  const parts = objectsIn(m);
  for (const template of podTemplateParts(m as TokenManifest, kinds)) {
    template.metadata = template.metadata ?? {};
    const given = parts.has(template) ? template.metadata.labels : undefined;
    template.metadata.labels = { ...(template.metadata.labels ?? {}), ...withOwned(given, selector, 'template metadata.labels', 'the chart writes it on every pod template: Services and spreads select the release\'s pods by it', problems) };
    scopeOwnSelectors(template.spec, selector);
  }
  if (m.kind === 'PodDisruptionBudget' && m.spec?.selector?.matchLabels?.[COMPONENT] !== undefined) {
    m.spec.selector.matchLabels = { ...m.spec.selector.matchLabels, ...selector };
  }
  if (SELECTING_KINDS.has(m.kind) && m.spec) {
    m.spec.selector = m.spec.selector ?? {};
    m.spec.selector.matchLabels = { ...(m.spec.selector.matchLabels ?? {}), ...selector };
  }
  if (m.kind === 'Service' && m.spec?.selector) m.spec.selector = { ...m.spec.selector, ...selector };
}

/**
 * Label selectors of a pod spec that select the chart's own pods (by their component label: pod
 * affinity and anti-affinity terms, topology spread constraints) are scoped to the release: two
 * releases of one chart in a namespace have the same component labels, and would otherwise spread
 * against, repel or attract each other's pods. Selectors of other pods are left as written.
 */
function scopeOwnSelectors(spec: any, selector: Record<string, string>): void {
  if (!spec || typeof spec !== 'object') return;
  const scope = (term: any) => {
    const matchLabels = term?.labelSelector?.matchLabels;
    if (matchLabels && matchLabels[COMPONENT] !== undefined) term.labelSelector.matchLabels = { ...matchLabels, ...selector };
  };
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = spec.affinity?.[kind];
    for (const t of a?.requiredDuringSchedulingIgnoredDuringExecution ?? []) scope(t);
    for (const t of a?.preferredDuringSchedulingIgnoredDuringExecution ?? []) scope(t?.podAffinityTerm);
  }
  for (const t of spec.topologySpreadConstraints ?? []) scope(t);
}

/**
 * A content-named object (a Job) is named by its spec's hash, so its spec cannot contain its own
 * name. Pods learn their Job's name from the label the Job controller sets on them.
 */
function checkContentName(m: Manifest, path: string, errors: string[]): void {
  const volume = sourceNameSuffix(m);
  if (volume !== undefined) {
    // A volume named by its source: the source must not name the volume or its claim (both carry its hash).
    const isName = (p: string | TokenInfo) => typeof p !== 'string' && (p.path.startsWith(SOURCE_NAME) || p.path.startsWith(CLUSTER_SOURCE_NAME));
    const names = (v: unknown): boolean =>
      typeof v === 'string' ? Tokens.isToken(v) && Tokens.split(v).some(isName) : Array.isArray(v) ? v.some(names) : v !== null && typeof v === 'object' ? Object.values(v).some(names) : false;
    if (names(sourceOfVolume(m))) {
      errors.push(`[${path}] the source of PersistentVolume ${volume} contains its own name or its claim's, but both are named by a hash of that source; leave volumeHandle unset (it is the volume's name) and name nothing else after them`);
    }
    return;
  }
  const suffix = contentNameSuffix(m);
  if (suffix === undefined) return;
  const own = m.metadata.name as string;
  const mentions = (v: unknown): boolean =>
    typeof v === 'string' ? v.includes(own) : Array.isArray(v) ? v.some(mentions) : v !== null && typeof v === 'object' ? Object.values(v).some(mentions) : false;
  if (mentions(m.spec)) {
    errors.push(
      `[${path}] the spec of ${m.kind} ${suffix} contains its own name, but a ${m.kind} is named by its spec's content (an upgrade then never patches its immutable template); ` +
        "read the name in the pod from the label batch.kubernetes.io/job-name (env valueFrom fieldRef metadata.labels['batch.kubernetes.io/job-name'])",
    );
  }
}

/**
 * Every JSON patch (the documented escape hatch) must reach the output: cdk8s-plus's typed objects
 * rebuild resource maps from Quantity objects after the patch, so a plain number in one (an
 * extended resource such as `nvidia.com/gpu: 4`) silently disappears. The last add or replace of
 * each path is compared with what the object writes.
 */
function checkPatches(obj: ApiObject, json: unknown, errors: string[], at: string = obj.node.path.replace(/\/Resource$/, '')): void {
  const ops = ((obj as unknown as { patches?: JsonPatch[] }).patches ?? []).map((p) => (p as unknown as { _toJson(): { op: string; path: string; value?: unknown } })._toJson());
  ops.forEach((op, i) => {
    if (op.op !== 'add' && op.op !== 'replace') return;
    // A later operation on the same path, or on a parent or child of it, decides instead.
    if (ops.slice(i + 1).some((later) => later.path === op.path || later.path.startsWith(`${op.path}/`) || op.path.startsWith(`${later.path}/`))) return;
    if (op.path.endsWith('/-')) return; // an append: no fixed place to compare
    const expected = plain(op.value);
    const actual = pointer(json, op.path);
    if (actual !== undefined && goJson(expected) === goJson(actual)) return;
    const path = at;
    errors.push(
      `[${path}] the JSON patch ${op.op} ${op.path} ${JSON.stringify(expected)} did not reach the output (${actual === undefined ? 'the field is missing' : `it holds ${JSON.stringify(actual)}`}): ` +
        'cdk8s-plus rebuilds resource maps from Quantity objects, so a plain number there is dropped; give plus.k8s.Quantity.fromNumber(n) (or fromString) instead',
    );
  });
}

/** A patch value as JSON: Quantity and IntOrString objects as the value they hold. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 1 && 'value' in x && ['Quantity', 'IntOrString'].includes(x.constructor?.name) ? x.value : x)));
}

/** The value at a JSON pointer, or undefined. */
function pointer(doc: unknown, path: string): unknown {
  let cur: any = doc;
  for (const raw of path.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur === undefined ? undefined : JSON.parse(JSON.stringify(cur));
}

/** A number in the token range that is no token came from arithmetic on a value: refuse it. */
function checkNumbers(value: unknown, path: string, errors: string[]): void {
  if (typeof value === 'number' && Tokens.isCorruptedNumber(value)) {
    errors.push(`[${path}] a value was used in arithmetic (${value}); bind the prop in the unit it is written in, or state the rule as a value constraint`);
  } else if (Array.isArray(value)) value.forEach((v) => checkNumbers(v, path, errors));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => checkNumbers(v, path, errors));
}

/** Keys sorted (apiVersion, kind, metadata first at the top): byte-stable output. */
export function sortKeys<T>(value: T, top = true): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, false)) as T;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const first = top ? ['apiVersion', 'kind', 'metadata'].filter((k) => keys.includes(k)) : [];
    const out: Record<string, unknown> = {};
    for (const k of [...first, ...keys.filter((k) => !first.includes(k))]) out[k] = sortKeys((value as Record<string, unknown>)[k], false);
    return out as T;
  }
  return value;
}
