import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JobSetSpec, toJson_JobSetSpec } from '@strata/crd-types/jobset';
import { Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { JOB_COMPLETION_INDEX_ENV } from './kubernetes';
import { compact, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/**
 * The annotation JobSet sets on each Job (and its pods) with the Job's index within its
 * replicated Job (kubernetes-sigs/jobset@v0.12.0 api/jobset/v1alpha2/jobset_types.go `JobIndexKey`).
 */
export const JOBSET_JOB_INDEX_ANNOTATION = 'jobset.sigs.k8s.io/job-index';

/** One replicated Job of a JobSet: `replicas` copies of an indexed Job of `parallelism` pods. */
export interface ReplicatedJobOptions {
  /** Copies of the Job. @default 1 */
  readonly replicas?: number;
  /**
   * Pods of each Job, run at once, one per index (`completionMode: Indexed`, `completions` =
   * `parallelism`): each pod learns its index in JOB_COMPLETION_INDEX.
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Retries of each index's failed pods (`backoffLimitPerIndex`); a pod failed by a disruption
   * (`DisruptionTarget`) is not counted (`podFailurePolicy`). JobSet restarts the whole set when a
   * Job fails, up to `maxRestarts`.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#backoff-limit-per-index
   * @default 0
   */
  readonly backoffLimitPerIndex?: number;
  /** The pods: containers, volumes, service account, security context. @default - add containers to `template` */
  readonly pod?: PodTemplateProps;
  /**
   * Start only once an earlier replicated Job is Ready (its pods run) or Complete (`dependsOn`):
   * a driver before its workers, an index step after the shards.
   * @see https://jobset.sigs.k8s.io/docs/concepts/#dependson
   * @default - start with the others
   */
  readonly after?: { readonly replicatedJob: string; readonly when: 'Ready' | 'Complete' };
}

/** A replicated Job as created: its pod template and counts. */
export interface ReplicatedJob {
  readonly name: string;
  readonly template: PodTemplate;
  readonly replicas: number;
  readonly parallelism: number;
  readonly after?: ReplicatedJobOptions['after'];
}

export interface JobSetProps extends WorkloadKindProps {
  /**
   * Restarts of the whole JobSet when one of its Jobs fails (`failurePolicy.maxRestarts`).
   * @see https://jobset.sigs.k8s.io/docs/concepts/#failure-policy
   * @default 0
   */
  readonly maxRestarts?: number;
  /**
   * Which Jobs must complete for the JobSet to succeed: every Job of every replicated Job (`All`),
   * or of the named ones (`successPolicy.targetReplicatedJobs`).
   * @default - all replicated Jobs
   */
  readonly successTargets?: readonly string[];
  /**
   * Other fields of the JobSet spec, as the upstream CRD types them (coordinator, managedBy,
   * volumeClaimPolicies…). Fields strata writes are refused here.
   * @default - none
   */
  readonly spec?: Omit<JobSetSpec, 'replicatedJobs'>;
}

/** The JobSet spec fields strata writes, and the prop that sets each. */
const JOBSET_OWNED = {
  replicatedJobs: 'use addReplicatedJob(name, …)',
  failurePolicy: 'use maxRestarts',
  successPolicy: 'use successTargets',
  startupPolicy: 'deprecated upstream (api/jobset/v1alpha2/jobset_types.go): give a replicated Job { after: { replicatedJob, when } }',
  network: 'pods get stable DNS names (enableDNSHostnames) always',
  ttlSecondsAfterFinished: 'leave it unset: a finished JobSet deleted by its TTL is created again by the next upgrade, and runs again',
};

/**
 * A JobSet (kubernetes-sigs/jobset v1alpha2): a group of indexed Jobs that start, fail and finish
 * together, with stable DNS names for every pod (`<jobset>-<replicatedJob>-<jobIndex>-<podIndex>.<jobset>`).
 *
 * JobSet refuses changes to `spec.replicatedJobs` of an existing JobSet
 * (kubernetes-sigs/jobset@v0.12.0 pkg/webhooks/jobset_webhook.go, ValidateUpdate): in a chart it
 * is named by its content, like a Job — a changed JobSet is a new one, an unchanged one is left alone.
 */
export class JobSet extends WorkloadKind {
  public readonly maxRestarts: number;
  private readonly jobs: ReplicatedJob[] = [];
  private readonly backoff = new Map<string, number>();
  private readonly props: JobSetProps;

  public constructor(scope: Construct, id: string, props: JobSetProps = {}) {
    super(scope, id, { apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', operator: 'jobset' }, { given: props.metadata });
    this.props = props;
    this.maxRestarts = props.maxRestarts ?? 0;
    this.rules.check('maxRestarts', this.maxRestarts, { minimum: 0, maximum: 1000, multipleOf: 1 }, 'restart the set a few times at most', 'a whole number between 0 and 1000');
    this.checkExtra('spec', props.spec, JOBSET_OWNED);
    this.node.addValidation({ validate: () => this.validateSet() });
  }

  /** Adds a replicated Job; its pods are `template` (add containers and mount storage there). */
  public addReplicatedJob(name: string, options: ReplicatedJobOptions = {}): ReplicatedJob {
    if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      this.rules.fail('replicatedJobs[].name', name, 'a lowercase DNS label', 'use letters, digits and "-", starting with a letter');
    }
    if (this.jobs.some((j) => j.name === name)) this.rules.fail('replicatedJobs[].name', name, 'a name not used by another replicated Job', `rename one of the two '${name}'`);
    const replicas = options.replicas ?? 1;
    const parallelism = options.parallelism ?? 1;
    const backoff = options.backoffLimitPerIndex ?? 0;
    this.rules.check(`replicatedJobs.${name}.replicas`, replicas, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one Job', 'a whole number between 1 and 100000');
    this.rules.check(`replicatedJobs.${name}.parallelism`, parallelism, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one pod per Job', 'a whole number between 1 and 100000');
    this.rules.check(`replicatedJobs.${name}.backoffLimitPerIndex`, backoff, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry each index a few times at most', 'a whole number between 0 and 100');
    const template = this.template(name, { ...(options.pod ?? {}) }, options.pod?.restartPolicy ?? plus.RestartPolicy.NEVER);
    if (options.after) {
      const earlier = this.jobs.map((j) => j.name);
      if (!earlier.includes(options.after.replicatedJob)) {
        this.rules.fail(`replicatedJobs.${name}.after`, options.after.replicatedJob, `a replicated Job added before it (${earlier.join(', ') || 'none: the first cannot wait'})`, 'add the one it waits for first');
      }
    }
    const job: ReplicatedJob = { name, template, replicas, parallelism, ...(options.after ? { after: options.after } : {}) };
    this.jobs.push(job);
    this.backoff.set(name, backoff);
    return job;
  }

  /** The replicated Jobs, in the order added. */
  public get replicatedJobs(): readonly ReplicatedJob[] {
    return [...this.jobs];
  }

  public get podSets(): readonly PodSet[] {
    return this.jobs.map((j) => ({
      name: j.name,
      pod: j.template,
      count: Tokens.product(j.replicas, j.parallelism),
      // The Job's index within its replicated Job (JobSet's annotation), times the pods per Job,
      // plus the pod's own index in its Job.
      rank: {
        ranks: Tokens.product(j.replicas, j.parallelism),
        expression: `JOBSET_JOB_INDEX * ${j.parallelism} + JOB_COMPLETION_INDEX`,
        env: { ...JOB_COMPLETION_INDEX_ENV, JOBSET_JOB_INDEX: plus.EnvValue.fromFieldRef(plus.EnvFieldPaths.POD_ANNOTATION, { key: JOBSET_JOB_INDEX_ANNOTATION }) },
      },
    }));
  }

  private validateSet(): string[] {
    const errors: string[] = [];
    if (this.jobs.length === 0) errors.push("has no replicated Job; add one with addReplicatedJob('workers', { … })");
    for (const t of this.props.successTargets ?? []) {
      if (!this.jobs.some((j) => j.name === t)) errors.push(`'successTargets' (${t}) must name a replicated Job (${this.jobs.map((j) => j.name).join(', ') || 'none'}); fix the name`);
    }
    for (const j of this.jobs) {
      if (j.template.containers.length === 0) errors.push(`replicated Job '${j.name}' has no container; add one with template.addContainer(…)`);
    }
    return errors;
  }

  protected renderSpec(): Record<string, unknown> {
    return compact({
      ...toJson_JobSetSpec(this.props.spec as JobSetSpec),
      replicatedJobs: this.jobs.map((j) => ({
        name: j.name,
        replicas: j.replicas,
        ...(j.after ? { dependsOn: [{ name: j.after.replicatedJob, status: j.after.when }] } : {}),
        template: {
          spec: {
            completionMode: 'Indexed',
            completions: j.parallelism,
            parallelism: j.parallelism,
            backoffLimitPerIndex: this.backoff.get(j.name),
            // A pod lost to a disruption (drain, Spot interruption, preemption) is not the worker's fault.
            podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
            podReplacementPolicy: 'Failed',
            template: j.template.toTemplate(),
          },
        },
      })),
      failurePolicy: { maxRestarts: this.maxRestarts },
      successPolicy: { operator: 'All', targetReplicatedJobs: this.props.successTargets ? [...this.props.successTargets] : undefined },
      network: { enableDNSHostnames: true },
    });
  }
}
