import { ApiObject, JsonPatch } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Rules } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { PodSet, Rank } from './workload-kind';

/**
 * The annotation the Job controller sets on each pod of an Indexed Job with its index (also given
 * as JOB_COMPLETION_INDEX to its containers).
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#batch-kubernetes-io-job-completion-index
 */
export const JOB_COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/**
 * The completion index of an Indexed Job's pod needs no variable of ours: the Job controller adds
 * JOB_COMPLETION_INDEX to every container and init container of the template
 * (kubernetes/kubernetes pkg/controller/job/indexed_job_utils.go `addCompletionIndexEnvVariables`).
 */
export const JOB_COMPLETION_INDEX_ENV: { readonly [name: string]: plus.EnvValue } = {};

/** The rank of a pod of an Indexed Job of `completions` indexes: its completion index. */
export function jobIndexRank(completions: number): Rank {
  return { ranks: completions, expression: 'JOB_COMPLETION_INDEX', env: JOB_COMPLETION_INDEX_ENV };
}

export interface IndexedJobProps extends plus.JobProps {
  /**
   * How many indexes run to completion (`completions`, `completionMode: Indexed`): one pod per
   * index, each told its index in JOB_COMPLETION_INDEX.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
   * @default 1
   */
  readonly completions?: number;
  /** Pods at once (`parallelism`). @default - completions */
  readonly parallelism?: number;
  /**
   * Retries of each index's failed pods (`backoffLimitPerIndex`), not of the whole Job; a pod failed
   * by a disruption (`DisruptionTarget`: a drain, a Spot interruption, a preemption) is not counted
   * (`podFailurePolicy`).
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#backoff-limit-per-index
   * @default 3
   */
  readonly backoffLimitPerIndex?: number;
}

/**
 * An Indexed Job (batch/v1) made to be upgraded and retried safely: retries per index, disruptions
 * not counted, a replacement pod only once the old one is gone (`podReplacementPolicy: Failed`, so
 * a rank never runs twice), and never a TTL (a finished Job is the record that its work is done; in
 * a chart it is named by its content).
 */
export class IndexedJob extends plus.Job {
  public readonly completions: number;
  public readonly parallelism: number;
  public readonly backoffLimitPerIndex: number;

  public constructor(scope: Construct, id: string, props: IndexedJobProps = {}) {
    super(scope, id, { restartPolicy: plus.RestartPolicy.NEVER, ...props });
    const rules = new Rules(this);
    this.completions = props.completions ?? 1;
    this.parallelism = props.parallelism ?? this.completions;
    this.backoffLimitPerIndex = props.backoffLimitPerIndex ?? 3;
    rules.check('completions', this.completions, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one index', 'a whole number between 1 and 100000');
    rules.check('parallelism', this.parallelism, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one pod at a time', 'a whole number between 1 and 100000');
    rules.check('backoffLimitPerIndex', this.backoffLimitPerIndex, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry each index a few times', 'a whole number between 0 and 100');
    if (props.ttlAfterFinished !== undefined) {
      rules.fail('ttlAfterFinished', props.ttlAfterFinished.toSeconds(), 'unset', 'a Job deleted by its TTL is created again by the next upgrade or drift correction, and runs again: leave it unset');
    }
    if (!Tokens.isToken(this.completions) && !Tokens.isToken(this.parallelism) && this.parallelism > this.completions) {
      rules.warn(`'parallelism' (${this.parallelism}) is more than 'completions' (${this.completions}): only ${this.completions} pod(s) ever run`);
    }
    makeIndexed(this, this);
  }

  public get podSets(): readonly PodSet[] {
    return [{ name: this.node.id, pod: this, count: this.parallelism, rank: jobIndexRank(this.completions) }];
  }
}

/** The counts of an Indexed Job. */
export interface IndexedCounts {
  readonly completions: number;
  readonly parallelism: number;
  readonly backoffLimitPerIndex: number;
}

/**
 * Makes a cdk8s-plus Job Indexed, safe to retry and to upgrade (what IndexedJob is; for Jobs built
 * elsewhere, such as a pattern's): one pod per index, retries per index, disruptions not counted,
 * a replacement only once the old pod is gone. Counts are checked by the caller.
 */
export function makeIndexed(job: plus.Job, counts: IndexedCounts): void {
  ApiObject.of(job).addJsonPatch(
    JsonPatch.add('/spec/completionMode', 'Indexed'),
    JsonPatch.add('/spec/completions', counts.completions),
    JsonPatch.add('/spec/parallelism', counts.parallelism),
    // Per index (Kubernetes >= 1.29 beta, GA 1.33), no total cap.
    JsonPatch.remove('/spec/backoffLimit'),
    JsonPatch.add('/spec/backoffLimitPerIndex', counts.backoffLimitPerIndex),
    // A pod lost to a disruption (node drain, Spot interruption, preemption) is not the worker's
    // fault: it does not count against the retries. Replacements start only once the old pod is
    // gone (podReplacementPolicy Failed, the only one podFailurePolicy allows), so a rank never
    // runs twice and a node-local checkpoint is flushed before its successor restores.
    JsonPatch.add('/spec/podFailurePolicy', { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }),
    JsonPatch.add('/spec/podReplacementPolicy', 'Failed'),
  );
}

/**
 * The pod sets of a workload of Kubernetes itself, so patterns act on it as on an operator's kind:
 * a Deployment's or StatefulSet's replicas, a Job's parallelism, a DaemonSet's or CronJob's one
 * template. Operators' kinds and IndexedJob have their own `podSets`.
 */
export function podSetsOf(workload: plus.Deployment | plus.StatefulSet | plus.DaemonSet | plus.Job | plus.CronJob): readonly PodSet[] {
  if (workload instanceof IndexedJob) return workload.podSets;
  const name = workload.node.id;
  if (workload instanceof plus.Deployment || workload instanceof plus.StatefulSet) return [{ name, pod: workload, count: workload.replicas ?? 1 }];
  // A plain Job or CronJob runs one pod at a time unless patched otherwise (use IndexedJob for more).
  return [{ name, pod: workload, count: 1 }];
}
