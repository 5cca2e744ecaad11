import { IConstruct } from 'constructs';
import { pathProblem, PodTemplatePaths } from './pod-templates';
import { Tokens, TokenInfo } from './token';

/**
 * Marks that constructs leave on themselves for the output writers, through construct
 * metadata (so they stay inspectable with ordinary construct tooling):
 * - "holds data": the Helm writer adds `helm.sh/resource-policy: keep`, the Flux writer
 *   `kustomize.toolkit.fluxcd.io/prune: disabled`;
 * - "only when": the objects below a construct exist only when a boolean value is true;
 * - warnings: problems that do not stop synthesis, printed by the CLI;
 * - uses: what a construct needs installed in the cluster (a storage tier's CSI driver), which
 *   the chart records so environments install exactly the drivers their workloads use.
 */
export const HOLDS_DATA = 'strata:holds-data';
export const ONLY_WHEN = 'strata:only-when';
export const WARNING = 'strata:warning';
export const USES = 'strata:uses';
export const EMBEDDED = 'strata:embedded';
export const POD_TEMPLATE_PATHS = 'strata:pod-template-paths';

/** Marks an API object (or a construct whose objects) hold data that must never be deleted implicitly. */
export function markHoldsData(scope: IConstruct): void {
  if (!holdsData(scope)) scope.node.addMetadata(HOLDS_DATA, true);
}

/** Whether the construct, or any scope above it, was marked as holding data. */
export function holdsData(scope: IConstruct): boolean {
  return scope.node.scopes.some((s) => s.node.metadata.some((m) => m.type === HOLDS_DATA));
}

/**
 * Makes every API object under `scope` conditional on a boolean: a value token (the objects
 * exist only when the value is true at install time), or a literal (direct synthesis with
 * given values: `false` leaves the objects out).
 */
export function onlyWhen(scope: IConstruct, condition: boolean): void {
  const info = Tokens.infoOf(condition);
  if (!info) {
    if (typeof condition !== 'boolean') throw new Error(`onlyWhen(${scope.node.path}): the condition must be a boolean or a boolean value`);
    if (!condition) scope.node.addMetadata(ONLY_WHEN, 0);
    return;
  }
  if (info.kind !== 'boolean') throw new Error(`onlyWhen(${scope.node.path}): value '${info.path}' is a ${info.kind}, not a boolean`);
  scope.node.addMetadata(ONLY_WHEN, info.id);
}

/** The boolean tokens that gate a construct: all must be true for its objects to exist. */
export function conditionsOf(scope: IConstruct): TokenInfo[] {
  const found: TokenInfo[] = [];
  for (const s of scope.node.scopes) {
    for (const m of s.node.metadata) {
      if (m.type !== ONLY_WHEN || m.data === 0) continue;
      const info = Tokens.byId(m.data as number);
      if (info && !found.includes(info)) found.push(info);
    }
  }
  return found;
}

/** Whether a literal `false` condition leaves the construct's objects out. */
export function isExcluded(scope: IConstruct): boolean {
  return scope.node.scopes.some((s) => s.node.metadata.some((m) => m.type === ONLY_WHEN && m.data === 0));
}

/**
 * Records that `owner` renders `object` inside another object (a pod template that a workload
 * kind places at its path): the object lives outside the construct tree, so no writer outputs it,
 * but the chart writer still checks that its JSON patches reach its output.
 */
export function markEmbedded(owner: IConstruct, object: IConstruct): void {
  owner.node.addMetadata(EMBEDDED, object);
}

/** Every object embedded under `root` (see markEmbedded), with its owner. */
export function embeddedObjectsOf(root: IConstruct): { readonly owner: IConstruct; readonly object: IConstruct }[] {
  const out: { owner: IConstruct; object: IConstruct }[] = [];
  for (const c of root.node.findAll()) for (const m of c.node.metadata) if (m.type === EMBEDDED) out.push({ owner: c, object: m.data as IConstruct });
  return out;
}

/** Records a warning on a construct; synthesis goes on. */
export function warn(scope: IConstruct, message: string): void {
  if (!scope.node.metadata.some((m) => m.type === WARNING && m.data === message)) scope.node.addMetadata(WARNING, message);
}

/** Every warning under `root`, as "[path] message", sorted for stable output. */
export function warningsOf(root: IConstruct): string[] {
  const out: string[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) if (m.type === WARNING) out.push(`[${c.node.path}] ${m.data as string}`);
  }
  return out.sort();
}

/** Records that a construct needs something installed cluster-wide (e.g. the storage tier "efs"). */
export function markUses(scope: IConstruct, what: string): void {
  if (!scope.node.metadata.some((m) => m.type === USES && m.data === what)) scope.node.addMetadata(USES, what);
}

/** Everything constructs under `root` recorded with `markUses`, sorted and unique. */
export function usesOf(root: IConstruct): string[] {
  const out = new Set<string>();
  for (const c of root.node.findAll()) for (const m of c.node.metadata) if (m.type === USES) out.add(m.data as string);
  return [...out].sort();
}

/** Key of the marks recording the Pod Security level a construct's pods need (requirePodSecurity). */
export const POD_SECURITY = 'strata:pod-security';

/** Pod Security levels a pod may need of its namespace, from the most restrictive to the least. */
export type RequiredPodSecurity = 'baseline' | 'privileged';

/**
 * Records that pods a construct makes (or that an operator makes for it) are refused by Pod
 * Security "restricted" and need their namespace to enforce `level`, and why. The chart says so
 * (Chart.yaml), and an environment makes the namespace it deploys the chart in enforce the least
 * restrictive level its charts need — never less restrictive than needed, restricted when none asks.
 */
export function requirePodSecurity(scope: IConstruct, level: RequiredPodSecurity, reason: string): void {
  if (!scope.node.metadata.some((m) => m.type === POD_SECURITY && m.data.level === level && m.data.reason === reason)) scope.node.addMetadata(POD_SECURITY, { level, reason });
}

const PERMISSIVENESS = ['restricted', 'baseline', 'privileged'] as const;

/** The Pod Security level constructs under `root` need (restricted when none asked for less), with each reason as "[path] reason", sorted. */
export function podSecurityOf(root: IConstruct): { readonly level: 'restricted' | RequiredPodSecurity; readonly reasons: readonly string[] } {
  let level: 'restricted' | RequiredPodSecurity = 'restricted';
  const reasons: string[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== POD_SECURITY) continue;
      const d = m.data as { level: RequiredPodSecurity; reason: string };
      if (PERMISSIVENESS.indexOf(d.level) > PERMISSIVENESS.indexOf(level)) level = d.level;
      reasons.push(`[${c.node.path}] ${d.level}: ${d.reason}`);
    }
  }
  return { level, reasons: reasons.sort() };
}

/**
 * Construct context key under which a chart that is released (a Helm release) publishes its
 * release name and namespace — as tokens — so constructs can name them (a cluster-scoped
 * PersistentVolume's claimRef must state the claim's namespace) without knowing Helm.
 */
export const RELEASE_CONTEXT = 'strata:release';

/** The release a construct is synthesized for, when its chart is released; else undefined. */
export function releaseOf(scope: IConstruct): { readonly name: string; readonly namespace: string } | undefined {
  return scope.node.tryGetContext(RELEASE_CONTEXT);
}

/** What a piece of storage is, for reports: its tier and facts (capacity, type, throughput…; values may be tokens). */
export interface StorageDescription {
  readonly tier: string;
  readonly facts: { readonly [key: string]: unknown };
}

export const STORAGE = 'strata:storage';

/** Describes a storage construct (and records that its tier is used). */
export function describeStorage(scope: IConstruct, description: StorageDescription): void {
  markUses(scope, description.tier);
  scope.node.addMetadata(STORAGE, description);
}

/** Every storage description under `root`, with the construct path relative to it, in path order. */
export function storageOf(root: IConstruct): { readonly path: string; readonly description: StorageDescription }[] {
  const out: { path: string; description: StorageDescription }[] = [];
  const base = root.node.path ? root.node.path.length + 1 : 0;
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) if (m.type === STORAGE) out.push({ path: c.node.path.slice(base), description: m.data as StorageDescription });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const READ_ONLY_PROBE = 'strata:read-only-probe';

/**
 * Marks a claim that a generic check must only read: its root is not writable by an arbitrary
 * user (FSx for Lustre roots are root-owned and fsGroup is not applied; Mountpoint S3 cannot delete
 * without allow-delete). The Helm writer's `helm test` pod then lists it instead of writing.
 */
export function markReadOnlyProbe(scope: IConstruct): void {
  if (!isReadOnlyProbe(scope)) scope.node.addMetadata(READ_ONLY_PROBE, true);
}

/** Whether a claim (or a scope above it) was marked for a read-only probe. */
export function isReadOnlyProbe(scope: IConstruct): boolean {
  return scope.node.scopes.some((s) => s.node.metadata.some((m) => m.type === READ_ONLY_PROBE));
}

/**
 * Declares where a custom kind keeps its pod templates (a CRD strata has no construct for), so
 * the chart records it and every check reaches those pods too. Paths are checked here.
 */
export function declarePodTemplates(scope: IConstruct, paths: PodTemplatePaths): void {
  const where = `[${scope.node.path}]`;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(paths.kind)) throw new Error(`${where} 'kind' (${paths.kind}) must be a Kubernetes kind such as "TrainingWorkload"; give the CRD's spec.names.kind`);
  if (paths.templates.length === 0) throw new Error(`${where} kind ${paths.kind} declares no pod template; give at least one { path: 'spec.template' }`);
  for (const t of paths.templates) {
    for (const [field, p] of [['path', t.path], ...(t.replicas ?? []).map((r) => ['replicas', r] as const)] as const) {
      const problem = pathProblem(p);
      if (problem) throw new Error(`${where} kind ${paths.kind}: '${field}' (${JSON.stringify(p)}) ${problem}; e.g. "spec.workers[].template"`);
    }
  }
  scope.node.addMetadata(POD_TEMPLATE_PATHS, paths);
}

/** Every kind declared under `root` (see declarePodTemplates), one per group and kind, sorted; two different declarations of one kind are an error. */
export function declaredPodTemplatesOf(root: IConstruct): PodTemplatePaths[] {
  const byKind = new Map<string, { paths: PodTemplatePaths; at: string }>();
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== POD_TEMPLATE_PATHS) continue;
      const paths = m.data as PodTemplatePaths;
      const key = `${paths.group}/${paths.kind}`;
      const seen = byKind.get(key);
      if (seen && JSON.stringify(seen.paths) !== JSON.stringify(paths)) throw new Error(`[${c.node.path}] kind ${key} is declared twice with different pod templates (also at [${seen.at}]); declare it once`);
      byKind.set(key, { paths, at: c.node.path });
    }
  }
  return [...byKind.keys()].sort().map((k) => byKind.get(k)!.paths);
}