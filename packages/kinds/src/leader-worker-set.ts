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
   * When each group's workers are created (`startupPolicy`): with the leader (`LeaderCreated`), or
   * once the leader is ready (`LeaderReady`), for servers whose workers connect to a leader that
   * must be up first. A chart value may hold either.
   * @default 'LeaderCreated'
   */
  readonly startupPolicy?: LeaderWorkerSetStartupPolicy;
  /**
   * What a failed pod does to its group (`leaderWorkerTemplate.restartPolicy`, kubernetes-sigs/lws@v0.10.0
   * api/leaderworkerset/v1/leaderworkerset_types.go): `RecreateGroupOnPodRestart` recreates the
   * whole group when any of its pods or containers restarts (a tensor-parallel shard cannot rejoin
   * alone); `RecreateGroupAfterStart` does so only once every pod of the group has started;
   * `None` restarts the failed pod only, as a StatefulSet would. (`Default`, the old name of `None`,
   * is refused: LWS's webhook rewrites it to `None`, which would differ from the chart at every
   * drift check.) A chart value may hold any of them.
   * @default 'RecreateGroupOnPodRestart'
   */
  readonly restartPolicy?: LeaderWorkerSetRestartPolicy;
  /**
   * How a change to the templates rolls out, group by group (`rolloutStrategy`, type RollingUpdate).
   * @default - { maxUnavailable: 0, maxSurge: 1 }: every group keeps serving while a new one starts
   */
  readonly rolloutStrategy?: LeaderWorkerSetRollout;
  /**
   * Other fields of the LeaderWorkerSet spec, as the upstream CRD types them (networkConfig…).
   * Fields strata writes are refused here.
   * @default - none
   */
  readonly spec?: Omit<LeaderWorkerSetSpec, 'leaderWorkerTemplate'>;
}

/** When a group's workers are created (`startupPolicy`). */
export type LeaderWorkerSetStartupPolicy = 'LeaderCreated' | 'LeaderReady';
/** What a failed pod does to its group (`leaderWorkerTemplate.restartPolicy`). */
export type LeaderWorkerSetRestartPolicy = 'RecreateGroupOnPodRestart' | 'RecreateGroupAfterStart' | 'None';

/**
 * A rolling update of a LeaderWorkerSet (`rolloutStrategy.rollingUpdateConfiguration`): each a
 * whole number of groups, or a chart value. LWS's webhook refuses both 0 for a set of groups
 * (kubernetes-sigs/lws@v0.10.0 pkg/webhooks/leaderworkerset_webhook.go `validateRolloutStrategy`:
 * "must not be 0 when `maxSurge` is 0"); the rule goes into the values schema when either is a value.
 * Percentages and `partition` are not offered: a partition holds groups back, and the set is never
 * Available (updated) until it is reset, which a release would wait for.
 */
export interface LeaderWorkerSetRollout {
  /**
   * Groups that may be down during the update (`maxUnavailable`). A group down is a model replica
   * down: 0 keeps every replica serving while a new one starts.
   * @default 0
   */
  readonly maxUnavailable?: number;
  /**
   * Groups created above `replicas` during the update (`maxSurge`): each a whole group of pods,
   * on nodes of its own.
   * @default 1 when maxUnavailable is 0 or a chart value, else 0
   */
  readonly maxSurge?: number;
}

/** The LeaderWorkerSet spec fields strata writes, and the prop that sets each. */
const LWS_OWNED = {
  replicas: 'use replicas',
  startupPolicy: 'use startupPolicy',
  rolloutStrategy: 'use rolloutStrategy (maxUnavailable and maxSurge, each a number of groups or a chart value)',
};

/**
 * A LeaderWorkerSet (kubernetes-sigs/lws v1): groups of pods that start, fail and roll together —
 * multi-host inference (vLLM or SGLang across nodes) with one leader serving and workers holding
 * shards. By default a pod failure recreates its whole group (`RecreateGroupOnPodRestart`, LWS's
 * default) and a rollout keeps every group serving (`maxUnavailable` 0, `maxSurge` 1).
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
    this.rules.oneOf('startupPolicy', props.startupPolicy, ['LeaderCreated', 'LeaderReady']);
    if (props.restartPolicy === ('Default' as LeaderWorkerSetRestartPolicy)) {
      this.rules.fail('restartPolicy', props.restartPolicy, "'None' (its new name)", "LWS's webhook rewrites Default to None (pkg/webhooks/leaderworkerset_webhook.go Default), which would differ from the chart at every drift check");
    } else {
      this.rules.oneOf('restartPolicy', props.restartPolicy, ['RecreateGroupOnPodRestart', 'RecreateGroupAfterStart', 'None']);
    }
    this.checkRollout();
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

  /** maxUnavailable and maxSurge as written: the given ones, the defaults for the others. */
  private get rollout(): { maxUnavailable: number; maxSurge: number } {
    const maxUnavailable = this.props.rolloutStrategy?.maxUnavailable ?? 0;
    // With groups allowed down no group is added; with none (or a value that may be 0), one is.
    const maxSurge = this.props.rolloutStrategy?.maxSurge ?? (maxUnavailable === 0 || Tokens.isToken(maxUnavailable) ? 1 : 0);
    return { maxUnavailable, maxSurge };
  }

  private checkRollout(): void {
    const { maxUnavailable, maxSurge } = this.rollout;
    const whole = { minimum: 0, maximum: 10000, multipleOf: 1 };
    this.rules.check('rolloutStrategy.maxUnavailable', maxUnavailable, whole, 'keep groups serving during a rollout', 'a whole number of groups');
    this.rules.check('rolloutStrategy.maxSurge', maxSurge, whole, 'each surge group is a whole group of pods', 'a whole number of groups');
    // LWS's webhook: not both 0, unless there are no groups (leaderworkerset_webhook.go validateRolloutStrategy).
    this.rules.checkWhen(
      [{ value: maxSurge, equals: 0 }, { value: this.replicas, differsFrom: 0 }],
      'rolloutStrategy.maxUnavailable',
      maxUnavailable,
      { minimum: 1 },
      'when maxSurge is 0',
      "LWS's webhook refuses a rollout that can neither take a group down nor add one; allow a group down (maxUnavailable) or one more (maxSurge)",
    );
  }

  protected renderSpec(): Record<string, unknown> {
    return compact({
      ...toJson_LeaderWorkerSetSpec(this.props.spec as LeaderWorkerSetSpec),
      replicas: this.replicas,
      startupPolicy: this.props.startupPolicy ?? 'LeaderCreated',
      leaderWorkerTemplate: compact({
        size: this.size,
        restartPolicy: this.props.restartPolicy ?? 'RecreateGroupOnPodRestart',
        leaderTemplate: this.leader?.toTemplate(),
        workerTemplate: this.worker.toTemplate(),
      }),
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: this.rollout },
    });
  }
}
