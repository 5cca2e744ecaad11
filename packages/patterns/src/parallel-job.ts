import { Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IWorkload, jobIndexRank, makeIndexed, PodSet } from '@strata/kinds';
import { isLiteral, Rules } from '@strata/storage';
import { addScratch, containerProps, ContainerSpec, requestGpus } from './container-spec';
import { ServiceAccountOptions, WorkloadIdentity } from './iam';
import { applyPodGroups, checkSecurity } from './security';

/**
 * The label the Job controller sets on every pod of a Job, holding the Job's name (Kubernetes ≥ 1.27).
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#batchkubernetesiojob-name
 */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/** The port of the headless Service that gives indexed workers stable names (PyTorch's default rendezvous port). */
export const RENDEZVOUS_PORT = 29500;

export interface ParallelJobProps {
  /** The worker container (the trainer, the embedding worker). */
  readonly worker: ContainerSpec;
  /**
   * How many indexes the Job runs to completion (`completions`, `completionMode: Indexed`): one
   * worker per index, each told its index in JOB_COMPLETION_INDEX.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
   * @default 1
   */
  readonly completions?: number;
  /** How many workers run at once (`parallelism`). @default - completions */
  readonly parallelism?: number;
  /**
   * Retries of each index's failed pods before that index fails (`backoffLimitPerIndex`): a worker
   * that fails again and again fails its own index, not every other one's budget. Pods failed by a
   * disruption (drain, eviction, preemption, a Spot interruption: the `DisruptionTarget` condition)
   * are not counted at all (`podFailurePolicy`). A pod with `karpenter.sh/do-not-disrupt` is not
   * evicted by a drain but deleted at its end (a node's expiry), without that condition: that counts
   * (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions).
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#backoff-limit-per-index
   * @see https://kubernetes.io/docs/tasks/job/pod-failure-policy/
   * @default 3
   */
  readonly backoffLimit?: number;
  /** The key of the workers' service account (`serviceAccounts.<key>` in the chart's values). @default 'training' */
  readonly serviceAccountKey?: string;
  /** The workers' service account. @default {} (no annotations) */
  readonly serviceAccount?: ServiceAccountOptions;
}

/**
 * An indexed Job of Pod Security "restricted" workers with their own service account, resource
 * requests and (when asked) GPUs, plus a headless Service so that worker 0 has a stable DNS name
 * (`MASTER_ADDR`) for distributed training. The building block of `DistributedDataset`,
 * `TrainingCheckpoint` and batch workloads, which mount storage into `worker` and add their
 * helper containers.
 */
export class ParallelJob extends Construct implements IWorkload {
  public readonly job: plus.Job;
  /** The worker container (index 0 of the pod's containers). */
  public readonly worker: plus.Container;
  public readonly serviceAccount: plus.ServiceAccount;
  public readonly serviceAccountKey: string;
  /** The headless Service naming the workers. */
  public readonly service: plus.Service;
  public readonly completions: number;
  public readonly parallelism: number;
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: ParallelJobProps) {
    super(scope, id);
    this.rules = new Rules(this);
    this.completions = props.completions ?? 1;
    this.parallelism = props.parallelism ?? this.completions;
    this.serviceAccountKey = props.serviceAccountKey ?? 'training';
    this.rules.check('completions', this.completions, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one index', 'a whole number between 1 and 100000');
    this.rules.check('parallelism', this.parallelism, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one worker at a time', 'a whole number between 1 and 100000');
    if (isLiteral(this.completions) && isLiteral(this.parallelism) && this.parallelism > this.completions) {
      this.rules.warn(`'parallelism' (${this.parallelism}) is more than 'completions' (${this.completions}): only ${this.completions} worker(s) ever run`);
    }
    this.serviceAccount = WorkloadIdentity.serviceAccount(this, this.serviceAccountKey, props.serviceAccount);
    this.service = new plus.Service(this, 'workers', {
      clusterIP: 'None',
      ports: [{ port: RENDEZVOUS_PORT, targetPort: RENDEZVOUS_PORT, name: 'rendezvous' }],
    });
    const backoffLimitPerIndex = props.backoffLimit ?? 3;
    this.rules.check('backoffLimit', backoffLimitPerIndex, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry each worker a few times', 'a whole number between 0 and 100');
    // No ttlSecondsAfterFinished: a finished Job is the record that its work is done. Deleted by a
    // TTL, it would be created again by the next upgrade (or drift correction) and run again.
    this.job = new plus.Job(this, 'job', {
      serviceAccount: this.serviceAccount,
      restartPolicy: plus.RestartPolicy.NEVER,
      dns: { subdomain: this.service.name },
      securityContext: { ensureNonRoot: true },
    });
    this.service.select(this.job);
    this.worker = this.job.addContainer(
      containerProps('worker', props.worker, {
        // The Job's name, from the label the Job controller puts on its pods: the Job is named by
        // its spec's content, so the spec cannot hold the name itself.
        JOB_NAME: plus.EnvValue.fromFieldRef(plus.EnvFieldPaths.POD_LABEL, { key: JOB_NAME_LABEL }),
        // Worker 0's stable name (<job>-0.<service>), for torchrun --master_addr and the like.
        MASTER_ADDR: `$(JOB_NAME)-0.${this.service.name}`,
        MASTER_PORT: `${RENDEZVOUS_PORT}`,
        WORLD_SIZE: `${this.completions}`,
      }, { rules: this.rules, field: 'worker' }),
    );
    checkSecurity(this.rules, 'worker', { fsGroup: props.worker.fsGroup, supplementalGroups: props.worker.supplementalGroups });
    applyPodGroups(this.rules, 'worker', this.job, props.worker);
    addScratch(this.job, this.worker, props.worker);
    requestGpus(this.rules, this.job, 0, props.worker.gpus);
    makeIndexed(this.job, { completions: this.completions, parallelism: this.parallelism, backoffLimitPerIndex });
  }

  /** The workers as a pod set: each knows its rank from its completion index. */
  public get podSets(): readonly PodSet[] {
    return [{ name: 'worker', pod: this.job, count: this.parallelism, container: this.worker.name, rank: jobIndexRank(this.completions) }];
  }

  /** Sets the pods' terminationGracePeriodSeconds (read by cdk8s-plus when the pod spec is rendered). */
  public setTerminationGracePeriod(grace: Duration): void {
    (this.job as { terminationGracePeriod?: Duration }).terminationGracePeriod = grace;
  }
}
