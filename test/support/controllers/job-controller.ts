import { Manifest } from '@strata/checks';
import { NEVER, Seconds } from './cluster';

/**
 * The Kubernetes Job controller (batch/v1), as an executable model: which pods a Job runs, which
 * failures count, when it completes or fails, and when the TTL controller deletes it. From the
 * Job documentation (kubernetes/website content/en/docs/concepts/workloads/controllers/job.md,
 * https://kubernetes.io/docs/concepts/workloads/controllers/job/):
 *
 * - Indexed completion: one successful pod per index 0…completions−1, at most `parallelism` at a
 *   time ("Completion mode"); a non-indexed Job needs `completions` successful pods.
 * - Pod failure policy ("Pod failure policy"): the first rule that matches a failed pod decides —
 *   Ignore (the failure does not count: "excluding Pod disruptions from being counted towards the
 *   .spec.backoffLimit"), FailIndex, FailJob, Count; a pod no rule matches counts. A rule on
 *   `onPodConditions: [{type: DisruptionTarget}]` matches pods that carry that condition: evicted
 *   through the Eviction API, preempted, deleted by the taint manager or by pod garbage collection
 *   (their node gone), or stopped by the kubelet (node-pressure eviction, graceful node shutdown) —
 *   https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions. A pod
 *   merely deleted through the API carries none.
 * - Backoff limit per index ("Backoff limit per index", GA in 1.33): an index fails after more
 *   than `backoffLimitPerIndex` counted failures, the others go on; the Job fails once every index
 *   has finished and one failed, or at once past `maxFailedIndexes`. Without it, the Job fails
 *   after more than `backoffLimit` (default 6) counted failures in all.
 * - `activeDeadlineSeconds` "applies to the duration of the job, no matter how many Pods are
 *   created": at the deadline running pods are terminated and the Job is Failed (DeadlineExceeded).
 * - `ttlSecondsAfterFinished` ("TTL mechanism for finished Jobs"): the finished Job, Complete or
 *   Failed, is deleted that many seconds later; unset, never.
 *
 * Not modelled: the exponential back-off delay between a failed pod and its replacement (replacements
 * start at once here), suspension, success policies, pod scheduling time.
 */

/** One pod of a Job as the test says it goes: it ends after `after` seconds, succeeded or failed. */
export interface PodRun {
  readonly outcome: 'Succeeded' | 'Failed';
  readonly after: Seconds;
  /** The DisruptionTarget condition's reason, when the pod carries it (it was evicted, preempted…). */
  readonly disruptionTarget?: string;
  readonly exitCode?: number;
}

/** The pods of a Job: attempt `attempt` (0-based) of index `index`. */
export type JobScript = (index: number, attempt: number) => PodRun;

export interface PodRecord {
  readonly index: number;
  readonly attempt: number;
  readonly start: Seconds;
  readonly end: Seconds;
  readonly outcome: 'Succeeded' | 'Failed' | 'Terminated';
  /** Whether the failure counted towards the backoff limit. */
  readonly counted: boolean;
}

export interface JobRun {
  /** At the end of the simulation (`until`). */
  readonly status: 'Complete' | 'Failed' | 'Running';
  readonly reason?: 'DeadlineExceeded' | 'BackoffLimitExceeded' | 'FailedIndexes' | 'MaxFailedIndexesExceeded' | 'PodFailurePolicy';
  readonly finishedAt?: Seconds;
  /** When the TTL controller deletes it (undefined: never). */
  readonly deletedAt?: Seconds;
  readonly pods: readonly PodRecord[];
  readonly failedIndexes: readonly number[];
}

/** Runs a Job from second 0 until it finishes or `until`. */
export function runJob(job: Manifest, script: JobScript, until: Seconds = NEVER): JobRun {
  const spec = job.spec ?? {};
  const indexed = spec.completionMode === 'Indexed';
  const completions: number = spec.completions ?? 1;
  const parallelism: number = spec.parallelism ?? 1;
  const perIndex: number | undefined = spec.backoffLimitPerIndex;
  const backoffLimit: number = spec.backoffLimit ?? 6;
  const deadline: Seconds = spec.activeDeadlineSeconds ?? NEVER;
  const rules: any[] = spec.podFailurePolicy?.rules ?? [];

  const pods: PodRecord[] = [];
  const attempts = new Map<number, number>();
  const counted = new Map<number, number>();
  const done = new Set<number>();
  const failed = new Set<number>();
  let totalCounted = 0;
  const running: { index: number; attempt: number; start: Seconds; run: PodRun }[] = [];
  const pending = Array.from({ length: completions }, (_, i) => i);
  let now = 0;

  const finish = (status: 'Complete' | 'Failed', reason: JobRun['reason'] | undefined, at: Seconds): JobRun => {
    for (const r of running) pods.push({ index: r.index, attempt: r.attempt, start: r.start, end: at, outcome: 'Terminated', counted: false });
    const ttl: number | undefined = spec.ttlSecondsAfterFinished;
    return { status, ...(reason ? { reason } : {}), finishedAt: at, ...(ttl !== undefined ? { deletedAt: at + ttl } : {}), pods, failedIndexes: [...failed].sort((a, b) => a - b) };
  };
  const start = () => {
    while (running.length < parallelism && pending.length > 0) {
      const index = pending.shift()!;
      const attempt = attempts.get(index) ?? 0;
      attempts.set(index, attempt + 1);
      running.push({ index, attempt, start: now, run: script(indexed ? index : 0, attempt) });
    }
  };

  start();
  for (;;) {
    if (running.length === 0) {
      if (failed.size > 0) return finish('Failed', indexed && perIndex !== undefined ? 'FailedIndexes' : 'BackoffLimitExceeded', now);
      return finish('Complete', undefined, now);
    }
    running.sort((a, b) => a.start + a.run.after - (b.start + b.run.after));
    const next = running[0];
    const end = next.start + next.run.after;
    if (deadline <= end || until < end) {
      const at = Math.min(deadline, until);
      if (deadline <= until) return finish('Failed', 'DeadlineExceeded', at);
      for (const r of running) pods.push({ index: r.index, attempt: r.attempt, start: r.start, end: at, outcome: 'Terminated', counted: false });
      return { status: 'Running', pods, failedIndexes: [...failed].sort((a, b) => a - b) };
    }
    running.shift();
    now = end;
    if (next.run.outcome === 'Succeeded') {
      pods.push({ index: next.index, attempt: next.attempt, start: next.start, end, outcome: 'Succeeded', counted: false });
      done.add(next.index);
    } else {
      const action = matchRule(rules, next.run) ?? 'Count';
      const counts = action === 'Count' || action === 'FailIndex' || action === 'FailJob';
      pods.push({ index: next.index, attempt: next.attempt, start: next.start, end, outcome: 'Failed', counted: counts });
      if (action === 'FailJob') return finish('Failed', 'PodFailurePolicy', now);
      if (counts) {
        counted.set(next.index, (counted.get(next.index) ?? 0) + 1);
        totalCounted++;
      }
      if (indexed && perIndex !== undefined) {
        if (action === 'FailIndex' || (counted.get(next.index) ?? 0) > perIndex) {
          failed.add(next.index);
          if (spec.maxFailedIndexes !== undefined && failed.size > spec.maxFailedIndexes) return finish('Failed', 'MaxFailedIndexesExceeded', now);
        } else pending.unshift(next.index);
      } else if (totalCounted > backoffLimit) {
        failed.add(next.index);
        return finish('Failed', 'BackoffLimitExceeded', now);
      } else pending.unshift(next.index);
    }
    start();
  }
}

/** The action of the first pod failure policy rule that matches a failed pod. */
function matchRule(rules: readonly any[], pod: PodRun): string | undefined {
  for (const rule of rules) {
    if (rule.onPodConditions) {
      const hit = rule.onPodConditions.some((c: any) => c.type === 'DisruptionTarget' && (c.status ?? 'True') === 'True' && pod.disruptionTarget !== undefined);
      if (hit) return rule.action;
    }
    if (rule.onExitCodes && pod.exitCode !== undefined) {
      const inValues = (rule.onExitCodes.values as number[]).includes(pod.exitCode);
      if (rule.onExitCodes.operator === 'In' ? inValues : !inValues) return rule.action;
    }
  }
  return undefined;
}
