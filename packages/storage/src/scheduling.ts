import * as plus from 'cdk8s-plus-28';
import { Tokens } from '@strata/tokens';

/**
 * A pod or workload whose scheduling a construct may constrain: a cdk8s-plus Pod or workload, or
 * any other pod template with a Pod's scheduling (an operator's pod template, @strata/kinds).
 */
export type SchedulablePod = plus.AbstractPod & { readonly scheduling: plus.PodScheduling };

/** One required node label of a pod: `key operator values` (a Kubernetes NodeSelectorRequirement). */
export interface NodeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: readonly string[];
  /** Who asked for it, for messages: "[app/dataset] the file system's zone". */
  readonly origin: string;
}

/** A toleration of a node taint a construct adds to a pod (a Kubernetes Toleration). */
export interface NodeToleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

type Term = { matchExpressions: plus.k8s.NodeSelectorRequirement[] };
/**
 * cdk8s-plus-28 keeps a pod's required node-affinity terms and its tolerations in two arrays of its
 * PodScheduling (`_nodeAffinityRequired`, `_tolerations`: cdk8s-plus-28@2.5.6 lib/pod.js#L793-L798)
 * and renders them as they are (lib/pod.js#L949-L976). cdk8s-plus is pinned (2.5.6), so these
 * internals are stable; the merge below rewrites both arrays in place.
 */
type PlusScheduling = { _nodeAffinityRequired: Term[]; _tolerations: plus.k8s.Toleration[] };
const schedules = new WeakMap<SchedulablePod, PodScheduling>();

/**
 * The node requirements constructs place on one pod — a dataset's zone, the instance store's
 * NVMe nodes, on-demand capacity for node-local checkpoints — kept as one set and merged into the
 * pod's required node affinity when the chart is synthesized: every requirement holds on every
 * node the pod may run on, whatever order the constructs were created in, and whatever the
 * user's own `pod.scheduling.attract(…)` calls (cdk8s-plus ORs those: each of their terms gets all
 * of these). Requirements that no node can meet together (two zones; a zone and a NotIn of it) are
 * an error naming both, also when the user's own terms all contradict them.
 *
 * Tolerations (of constructs through `tolerate`, and the user's `pod.scheduling.tolerate(…)`) are
 * kept as one set too: written once each, in a canonical order, whatever order they were added in.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export class PodScheduling {
  /** The scheduling of a pod, created on first use. */
  public static of(pod: SchedulablePod): PodScheduling {
    let s = schedules.get(pod);
    if (!s) {
      s = new PodScheduling(pod);
      schedules.set(pod, s);
    }
    return s;
  }

  private readonly requirements: NodeRequirement[] = [];
  private readonly tolerations: NodeToleration[] = [];
  /** The terms the pod had from elsewhere, before the first merge (kept: a merge must be repeatable). */
  private userTerms?: Term[];
  /** The tolerations the pod had from elsewhere, before the first merge. */
  private userTolerations?: plus.k8s.Toleration[];

  private constructor(private readonly pod: SchedulablePod) {
    pod.node.addValidation({ validate: () => this.merge() });
  }

  /** Requires a node label (ANDed with every other requirement of the pod). */
  public require(requirement: NodeRequirement): void {
    const same = this.requirements.find((r) => r.key === requirement.key && r.operator === requirement.operator && JSON.stringify(r.values ?? []) === JSON.stringify(requirement.values ?? []));
    if (!same) this.requirements.push(requirement);
  }

  /** Tolerates a taint (the same toleration twice, from anywhere, is written once). */
  public tolerate(toleration: NodeToleration): void {
    if (!this.tolerations.some((t) => tolerationKey(t) === tolerationKey(toleration))) this.tolerations.push(toleration);
  }

  /** The requirements so far, in the order given. */
  public get all(): readonly NodeRequirement[] {
    return [...this.requirements];
  }

  /** Writes the requirements into the pod's required node affinity and the tolerations into its tolerations; returns the conflicts. */
  private merge(): string[] {
    const scheduling = this.pod.scheduling as unknown as PlusScheduling;
    const terms = scheduling._nodeAffinityRequired;
    if (this.userTerms === undefined) this.userTerms = terms.map((t) => ({ matchExpressions: [...t.matchExpressions] }));
    if (this.userTolerations === undefined) this.userTolerations = [...scheduling._tolerations];
    const tolerations = canonicalTolerations([...this.userTolerations, ...this.tolerations]);
    scheduling._tolerations.splice(0, scheduling._tolerations.length, ...tolerations);

    const conflicts = [...conflictsOf(this.requirements), ...this.userConflicts(this.userTerms)];
    if (conflicts.length > 0) return conflicts;
    const ours = sorted(this.requirements).map((r) => ({ key: r.key, operator: r.operator, ...(r.values ? { values: [...r.values] } : {}) }));
    // Each user term gets every requirement it does not already state.
    const same = (a: plus.k8s.NodeSelectorRequirement, b: plus.k8s.NodeSelectorRequirement) => a.key === b.key && a.operator === b.operator && JSON.stringify(a.values ?? []) === JSON.stringify(b.values ?? []);
    const merged = this.userTerms.length === 0
      ? (ours.length > 0 ? [{ matchExpressions: ours }] : [])
      : this.userTerms.map((t) => ({ matchExpressions: [...t.matchExpressions, ...ours.filter((o) => !t.matchExpressions.some((e) => same(e, o)))] }));
    terms.splice(0, terms.length, ...merged);
    return [];
  }

  /**
   * The user's terms are ORed: one that contradicts a requirement only never matches. When every
   * one of them does, no node takes the pod: those contradictions are the conflicts.
   */
  private userConflicts(userTerms: readonly Term[]): string[] {
    if (userTerms.length === 0 || this.requirements.length === 0) return [];
    const origin = 'the pod\'s own scheduling.attract(…)';
    const own = new Set(conflictsOf(this.requirements));
    const perTerm = userTerms.map((t) => {
      const theirs = t.matchExpressions.map((e) => ({ key: e.key, operator: e.operator as NodeRequirement['operator'], ...(e.values ? { values: e.values } : {}), origin }));
      const theirOwn = new Set(conflictsOf(theirs));
      return conflictsOf([...theirs, ...this.requirements]).filter((c) => !own.has(c) && !theirOwn.has(c));
    });
    return perTerm.every((c) => c.length > 0) ? [...new Set(perTerm.flat())] : [];
  }
}

/** A toleration as comparable text: its fields in a fixed order, unset ones left out. */
function tolerationKey(t: NodeToleration | plus.k8s.Toleration): string {
  return JSON.stringify([t.key ?? '', t.operator ?? '', t.value ?? '', t.effect ?? '', t.tolerationSeconds ?? '']);
}

/** Tolerations once each, in a canonical order (by key, operator, value, effect, seconds). */
function canonicalTolerations(ts: readonly (NodeToleration | plus.k8s.Toleration)[]): plus.k8s.Toleration[] {
  const byKey = new Map<string, plus.k8s.Toleration>();
  for (const t of ts) {
    const k = tolerationKey(t);
    if (!byKey.has(k)) byKey.set(k, { key: t.key, operator: t.operator, value: t.value, effect: t.effect, tolerationSeconds: t.tolerationSeconds });
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** Requirements in a canonical order (by key, operator, values): the output does not depend on the order they were added in. */
function sorted(rs: readonly NodeRequirement[]): NodeRequirement[] {
  const k = (r: NodeRequirement) => `${r.key}\u0000${r.operator}\u0000${(r.values ?? []).join(',')}`;
  return [...rs].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

/** Pairs of requirements on one label that no node meets together. Token values (install-time) are not compared. */
export function conflictsOf(rs: readonly NodeRequirement[]): string[] {
  const out: string[] = [];
  const literal = (r: NodeRequirement) => !(r.values ?? []).some((v) => Tokens.isToken(v));
  const byKey = new Map<string, NodeRequirement[]>();
  for (const r of rs) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const [key, list] of byKey) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i], list[j]];
        if (!literal(a) || !literal(b)) continue;
        if (!compatible(a, b)) out.push(`${a.origin} requires ${show(a)} and ${b.origin} requires ${show(b)}: no node has ${key} meeting both; make them agree (one zone, one capacity type), or split the pods`);
      }
    }
  }
  return out;
}

function compatible(a: NodeRequirement, b: NodeRequirement): boolean {
  const va = a.values ?? [];
  const vb = b.values ?? [];
  const pair = (x: NodeRequirement, y: NodeRequirement, xs: readonly string[], ys: readonly string[]): boolean | undefined => {
    if (x.operator === 'In' && y.operator === 'In') return xs.some((v) => ys.includes(v));
    if (x.operator === 'In' && y.operator === 'NotIn') return xs.some((v) => !ys.includes(v));
    if (x.operator === 'DoesNotExist' && ['In', 'Exists', 'Gt', 'Lt'].includes(y.operator)) return false;
    if (x.operator === 'In' && y.operator === 'Gt') return xs.some((v) => Number(v) > Number(ys[0]));
    if (x.operator === 'In' && y.operator === 'Lt') return xs.some((v) => Number(v) < Number(ys[0]));
    if (x.operator === 'Gt' && y.operator === 'Lt') return Number(xs[0]) + 1 < Number(ys[0]);
    return undefined;
  };
  return pair(a, b, va, vb) ?? pair(b, a, vb, va) ?? true;
}

function show(r: NodeRequirement): string {
  return r.operator === 'Exists' || r.operator === 'DoesNotExist' ? `${r.key} ${r.operator}` : `${r.key} ${r.operator} ${(r.values ?? []).join(',')}`;
}
