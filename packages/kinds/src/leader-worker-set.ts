import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LeaderWorkerSetSpec, toJson_LeaderWorkerSetSpec } from '@strata/crd-types/leader-worker-set';
import { Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { compact, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/**
 * The label LeaderWorkerSet gives each pod with its index in its group (0 is the leader):
 * kubernetes-sigs/lws@v0.10.0 api/leaderworkerset/v1/leaderworkerset_types.go `WorkerIndexLabelKey`
 * (the same index is in the `LWS_WORKER_INDEX` variable of the pod's containers).
 */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';

export interface LeaderWorkerSetProps extends WorkloadKindProps {
  /** Groups (each one leader and `size − 1` workers), e.g. model replicas of a multi-host server. @default 1 */
  readonly replicas?: number;
  /** Pods per group, the leader included. @default 1 */
  readonly size?: number;
  /**
   * The leader's own pod template. Without one the leader runs the worker template.
   * @default - the leader runs the worker template
   */
  readonly leader?: PodTemplateProps;
  /** The workers' pod template. @default - add containers to `worker` */
  readonly worker?: PodTemplateProps;
  /**
   * Create the workers only once the leader is ready (`startupPolicy: LeaderReady`), for servers
   * whose workers connect to the leader at start.
   * @default false (`LeaderCreated`)
   */
  readonly workersAfterLeaderReady?: boolean;
  /**
   * Groups that may be down during a rolling update (`rolloutStrategy.rollingUpdateConfiguration.maxUnavailable`).
   * A group down is a model replica down: 0 keeps every replica serving while the new one starts
   * (with `maxSurge` 1).
   * @default 0, with maxSurge 1
   */
  readonly maxUnavailable?: number;
  /**
   * Other fields of the LeaderWorkerSet spec, as the upstream CRD types them (networkConfig…).
   * Fields strata writes are refused here.
   * @default - none
   */
  readonly spec?: Omit<LeaderWorkerSetSpec, 'leaderWorkerTemplate'>;
}

/** The LeaderWorkerSet spec fields strata writes, and the prop that sets each. */
const LWS_OWNED = {
  replicas: 'use replicas',
  startupPolicy: 'use workersAfterLeaderReady',
  rolloutStrategy: 'use maxUnavailable',
};

/**
 * A LeaderWorkerSet (kubernetes-sigs/lws v1): groups of pods that start, fail and roll together —
 * multi-host inference (vLLM or SGLang across nodes) with one leader serving and workers holding
 * shards. A pod failure recreates its whole group (`RecreateGroupOnPodRestart`, LWS's default).
 */
export class LeaderWorkerSet extends WorkloadKind {
  /** The leader's template, when it has its own; else the leader runs `worker`. */
  public readonly leader?: PodTemplate;
  public readonly worker: PodTemplate;
  public readonly replicas: number;
  public readonly size: number;
  private readonly props: LeaderWorkerSetProps;

  public constructor(scope: Construct, id: string, props: LeaderWorkerSetProps = {}) {
    super(scope, id, { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', operator: 'lws' }, { given: props.metadata });
    this.props = props;
    this.replicas = props.replicas ?? 1;
    this.size = props.size ?? 1;
    this.rules.check('replicas', this.replicas, { minimum: 0, maximum: 10000, multipleOf: 1 }, 'run whole groups', 'a whole number between 0 and 10000');
    this.rules.check('size', this.size, { minimum: 1, maximum: 1000, multipleOf: 1 }, 'have a leader in every group', 'a whole number between 1 and 1000');
    this.rules.check('maxUnavailable', props.maxUnavailable ?? 0, { minimum: 0, maximum: 10000, multipleOf: 1 }, 'keep groups serving during a rollout', 'a whole number of groups');
    this.checkExtra('spec', props.spec, LWS_OWNED);
    if (props.leader) this.leader = this.template('leader', props.leader, props.leader.restartPolicy ?? plus.RestartPolicy.ALWAYS);
    this.worker = this.template('worker', props.worker ?? {}, props.worker?.restartPolicy ?? plus.RestartPolicy.ALWAYS);
    this.node.addValidation({
      validate: () => [this.leader, this.worker].filter((t): t is PodTemplate => !!t && t.containers.length === 0).map((t) => `${t.node.id} has no container; add one with ${t.node.id}.addContainer(…)`),
    });
  }

  public get podSets(): readonly PodSet[] {
    // The rank within a group: each group is its own model replica.
    const rank = { ranks: this.size, expression: 'LWS_POD_INDEX', env: { LWS_POD_INDEX: plus.EnvValue.fromFieldRef(plus.EnvFieldPaths.POD_LABEL, { key: LWS_WORKER_INDEX_LABEL }) } };
    if (!this.leader) return [{ name: 'worker', pod: this.worker, count: Tokens.product(this.replicas, this.size), rank }];
    return [
      { name: 'leader', pod: this.leader, count: this.replicas, rank },
      { name: 'worker', pod: this.worker, count: Tokens.product(this.replicas, Tokens.sum(this.size, -1)), rank },
    ];
  }

  protected renderSpec(): Record<string, unknown> {
    const maxUnavailable = this.props.maxUnavailable ?? 0;
    return compact({
      ...toJson_LeaderWorkerSetSpec(this.props.spec as LeaderWorkerSetSpec),
      replicas: this.replicas,
      startupPolicy: this.props.workersAfterLeaderReady ? 'LeaderReady' : 'LeaderCreated',
      leaderWorkerTemplate: compact({
        size: this.size,
        restartPolicy: 'RecreateGroupOnPodRestart',
        leaderTemplate: this.leader?.toTemplate(),
        workerTemplate: this.worker.toTemplate(),
      }),
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxUnavailable, maxSurge: maxUnavailable === 0 ? 1 : 0 } },
    });
  }
}
