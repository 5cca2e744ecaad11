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

type Term = { matchExpressions: plus.k8s.NodeSelectorRequirement[] };
const schedules = new WeakMap<SchedulablePod, PodScheduling>();

/**
 * The node requirements constructs place on one pod — a dataset's zone, the instance store's
 * NVMe nodes, on-demand capacity for node-local checkpoints — kept as one set and merged into the
 * pod's required node affinity when the chart is synthesized: every requirement holds on every
 * node the pod may run on, whatever order the constructs were created in, and whatever the
 * user's own `pod.scheduling.attract(…)` calls (cdk8s-plus ORs those: each of their terms gets all
 * of these). Requirements that no node can meet together (two zones) are an error naming both.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
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
  /** The terms the pod had from elsewhere, before the first merge (kept: a merge must be repeatable). */
  private userTerms?: Term[];

  private constructor(private readonly pod: SchedulablePod) {
    pod.node.addValidation({ validate: () => this.merge() });
  }

  /** Requires a node label (ANDed with every other requirement of the pod). */
  public require(requirement: NodeRequirement): void {
    const same = this.requirements.find((r) => r.key === requirement.key && r.operator === requirement.operator && JSON.stringify(r.values ?? []) === JSON.stringify(requirement.values ?? []));
    if (!same) this.requirements.push(requirement);
  }

  /** The requirements so far, in the order given. */
  public get all(): readonly NodeRequirement[] {
    return [...this.requirements];
  }

  /** Writes the requirements into the pod's required node affinity; returns the conflicts. */
  private merge(): string[] {
    const terms = (this.pod.scheduling as unknown as { _nodeAffinityRequired: Term[] })._nodeAffinityRequired;
    if (this.userTerms === undefined) this.userTerms = terms.map((t) => ({ matchExpressions: [...t.matchExpressions] }));
    const conflicts = conflictsOf(this.requirements);
    if (conflicts.length > 0) return conflicts;
    const ours = sorted(this.requirements).map((r) => ({ key: r.key, operator: r.operator, ...(r.values ? { values: [...r.values] } : {}) }));
    const merged = this.userTerms.length === 0 ? (ours.length > 0 ? [{ matchExpressions: ours }] : []) : this.userTerms.map((t) => ({ matchExpressions: [...t.matchExpressions, ...ours] }));
    terms.splice(0, terms.length, ...merged);
    return [];
  }
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
