import { durationSeconds, Manifest } from '@strata/checks';
import { NEVER, Seconds } from './cluster';

/**
 * Karpenter v1 (kubernetes-sigs/karpenter@v1.14.1, aws/karpenter-provider-aws@v1.14.1) disrupting
 * one node, as an executable model: whether it may, and when each pod on it is stopped and with how
 * much time to stop.
 *
 * - Graceful methods — consolidation of an underutilized node, of an empty node — always respect a
 *   pod's `karpenter.sh/do-not-disrupt: "true"`; drift is "eventual": it respects it only when the
 *   NodeClaim has no terminationGracePeriod (pkg/controllers/disruption/types.go#L48-L51,
 *   #L189-L196; website docs/concepts/disruption.md#L277-L278, #L386-L387). Only underutilized
 *   nodes are consolidated with `consolidationPolicy: WhenEmptyOrUnderutilized` (the default) or
 *   `Balanced`; an empty node has no running non-daemon pods (disruption.md#L88).
 * - Budgets limit graceful methods and drift, never expiration or interruption: the allowed
 *   disruptions for a reason are the minimum over the budgets that list it or list none
 *   (disruption.md#L292-L298; pkg/apis/v1/nodepool.go#L364-L399, percentages rounded up);
 *   `nodes: "0"` allows none. Budgets with a schedule hold only in their
 *   window: they never block for sure, so the model ignores them.
 * - Expiration, interruption and node repair are forceful: neither budgets nor do-not-disrupt stop
 *   them (disruption.md#L168-L171, #L295, #L422-L425).
 * - Draining (pkg/controllers/node/termination/terminator/terminator.go#L94-L183): pods without
 *   do-not-disrupt are evicted at once through the Eviction API (they carry DisruptionTarget,
 *   reason EvictionByEvictionAPI); do-not-disrupt pods are not evicted (pkg/utils/pod/scheduling.go
 *   #L58-L63) but deleted at `terminationGracePeriod − their terminationGracePeriodSeconds` after
 *   the drain starts, with the time left (at least 1 s) as their grace — so a pod gets
 *   min(terminationGracePeriodSeconds, terminationGracePeriod) — and a plain delete adds no
 *   DisruptionTarget. Without a terminationGracePeriod they are never deleted and the drain waits
 *   for ever (disruption.md#L190-L191).
 * - A Spot interruption gives 2 minutes before EC2 reclaims the instance (disruption.md#L207), seen
 *   only with the interruption queue (charts/karpenter/values.yaml settings.interruptionQueue): a
 *   pod still there at 120 s stops with the instance (its pod is then garbage-collected:
 *   DisruptionTarget DeletionByPodGC), whatever grace it had left. A do-not-disrupt pod is not
 *   evicted on an interruption either (reported in aws/karpenter-provider-aws#8276).
 *
 * Not modelled: PodDisruptionBudgets, node repair, the time to launch a replacement node, the
 * kubelet's own graceful node shutdown when the instance stops.
 */

export type DisruptionMethod = 'Underutilized' | 'Empty' | 'Drifted' | 'Expired' | 'Interrupted';

/** A pod on the node, as Karpenter reads it. */
export interface PodOnNode {
  readonly name: string;
  readonly annotations: { readonly [key: string]: string };
  /** Kubernetes' default is 30. */
  readonly terminationGracePeriodSeconds: number;
  readonly daemonSet?: boolean;
}

export interface NodeUnderDisruption {
  /** The NodePool (karpenter.sh/v1) the node belongs to; its NodeClaim inherits `spec.template.spec`. */
  readonly nodePool: Manifest;
  readonly capacityType: 'on-demand' | 'spot';
  /** Nodes of the pool (for percentage budgets). @default 1 */
  readonly nodes?: number;
  /** Whether Karpenter has an interruption queue (it sees Spot interruptions). @default true */
  readonly interruptionQueue?: boolean;
}

/** How a pod is stopped: evicted, deleted, or gone with its instance. */
export interface PodStop {
  readonly pod: string;
  readonly how: 'evicted' | 'deleted' | 'stopped with the instance' | 'never';
  /** Seconds after the disruption starts. */
  readonly at: Seconds;
  /** Seconds the pod has between SIGTERM and the end (its grace, cut short by the instance going). */
  readonly graceSeconds: Seconds;
  /** The DisruptionTarget condition's reason the pod ends with, if any. */
  readonly disruptionTarget?: string;
}

export type DisruptionResult = { readonly blocked: true; readonly why: readonly string[] } | { readonly blocked: false; readonly stops: readonly PodStop[] };

/** The Spot interruption notice (disruption.md#L207). */
export const SPOT_NOTICE: Seconds = 120;

export function disrupt(node: NodeUnderDisruption, pods: readonly PodOnNode[], method: DisruptionMethod): DisruptionResult {
  const np = node.nodePool.spec ?? {};
  const tgpText = np.template?.spec?.terminationGracePeriod;
  const tgp: Seconds | undefined = typeof tgpText === 'string' ? durationSeconds(tgpText) : undefined;
  const protectedPods = pods.filter((p) => doNotDisrupt(p));
  const why: string[] = [];

  if (method === 'Underutilized' || method === 'Empty' || method === 'Drifted') {
    if (method === 'Empty' && pods.some((p) => !p.daemonSet)) why.push('the node is not empty (it runs non-daemon pods)');
    if (method === 'Underutilized' && !['WhenEmptyOrUnderutilized', 'Balanced'].includes(np.disruption?.consolidationPolicy ?? 'WhenEmptyOrUnderutilized')) {
      why.push(`consolidationPolicy ${np.disruption.consolidationPolicy} consolidates empty nodes only`);
    }
    const allowed = allowedDisruptions(np.disruption?.budgets ?? [{ nodes: '10%' }], method, node.nodes ?? 1);
    if (allowed === 0) why.push(`a budget allows 0 ${method} disruptions`);
    if (protectedPods.length > 0 && (method !== 'Drifted' || tgp === undefined)) {
      why.push(`pod ${protectedPods.map((p) => p.name).join(', ')} has karpenter.sh/do-not-disrupt: "true"`);
    }
    if (why.length > 0) return { blocked: true, why };
  }
  if (method === 'Interrupted' && node.capacityType !== 'spot') return { blocked: true, why: ['only Spot instances get interruption notices'] };

  // The instance goes at the interruption, or once the terminationGracePeriod is over.
  const instanceGoes = method === 'Interrupted' ? SPOT_NOTICE : (tgp ?? NEVER);
  const seen = method !== 'Interrupted' || node.interruptionQueue !== false;
  const stops = pods
    .filter((p) => !p.daemonSet)
    .map((p): PodStop => {
      if (!seen) return { pod: p.name, how: 'stopped with the instance', at: SPOT_NOTICE, graceSeconds: 0, disruptionTarget: 'DeletionByPodGC' };
      if (!doNotDisrupt(p)) {
        return { pod: p.name, how: 'evicted', at: 0, graceSeconds: Math.min(p.terminationGracePeriodSeconds, instanceGoes), disruptionTarget: 'EvictionByEvictionAPI' };
      }
      if (tgp === undefined) {
        return instanceGoes === NEVER ? { pod: p.name, how: 'never', at: NEVER, graceSeconds: NEVER } : { pod: p.name, how: 'stopped with the instance', at: instanceGoes, graceSeconds: 0, disruptionTarget: 'DeletionByPodGC' };
      }
      const deleteAt = Math.max(0, tgp - p.terminationGracePeriodSeconds);
      if (deleteAt >= instanceGoes) return { pod: p.name, how: 'stopped with the instance', at: instanceGoes, graceSeconds: 0, disruptionTarget: 'DeletionByPodGC' };
      const grace = Math.max(1, Math.min(p.terminationGracePeriodSeconds, tgp - deleteAt));
      return { pod: p.name, how: 'deleted', at: deleteAt, graceSeconds: Math.min(grace, instanceGoes - deleteAt) };
    });
  return { blocked: false, stops };
}

/** `karpenter.sh/do-not-disrupt: "true"` (pkg/apis/v1/labels.go#L50; a duration value protects for that long after the pod starts: not modelled). */
export function doNotDisrupt(p: PodOnNode): boolean {
  return p.annotations['karpenter.sh/do-not-disrupt'] === 'true';
}

/** Disruptions the budgets allow for a reason: the minimum over the unscheduled budgets naming it or naming none; percentages of the pool's nodes, rounded up. */
function allowedDisruptions(budgets: readonly any[], reason: string, nodes: number): number {
  let allowed = Infinity;
  for (const b of budgets) {
    if (b.schedule !== undefined) continue;
    if (b.reasons && !b.reasons.includes(reason)) continue;
    const n = String(b.nodes ?? '10%');
    allowed = Math.min(allowed, n.endsWith('%') ? Math.ceil((nodes * Number(n.slice(0, -1))) / 100) : Number(n));
  }
  return allowed;
}
