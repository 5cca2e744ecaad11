import { ApiObject, Lazy } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Rules } from '@strata/storage';
import { markUses } from '@strata/tokens';
import { checkMetadata, mergeMetadata, WorkloadMetadata, WrittenMetadata } from './metadata';
import { PodTemplate, PodTemplateProps } from './pod-template';

/**
 * A named group of identical pods of a workload (Kueue's "pod set"): what patterns and checks act
 * on, whatever kind holds the template.
 */
export interface PodSet {
  /** The role in the workload: "worker", "head", "leader", "Master". */
  readonly name: string;
  /** The pod template: a `PodTemplate` placed by an operator's kind, or a cdk8s-plus workload of Kubernetes' own. */
  readonly pod: plus.AbstractPod & { readonly scheduling: plus.PodScheduling };
  /** How many pods run it at once (a number, or a value token). */
  readonly count: number;
  /** The name of the pods' main container (the trainer, the server). @default - the first container */
  readonly container?: string;
  /** How each pod knows its rank among the ranked pods of the workload; undefined for pods without one (servers, heads). */
  readonly rank?: Rank;
}

/**
 * A pod's rank (0 … ranks − 1): a POSIX shell arithmetic expression over environment variables
 * (`$(( expression ))`), and those variables, read through the downward API so that every
 * container of the pod — helpers and init containers included — can compute it.
 */
export interface Rank {
  /** How many ranks the pod set's pods take in all (an Indexed Job's completions; may exceed the pods at once). */
  readonly ranks: number;
  readonly expression: string;
  readonly env: { readonly [name: string]: plus.EnvValue };
}

/**
 * A workload as patterns see it: its pod sets. Operators' kinds, IndexedJob and the patterns' own
 * workloads implement it; `podSetsOf` gives it for cdk8s-plus workloads.
 */
export interface IWorkload {
  readonly podSets: readonly PodSet[];
}

/** The main container of a pod set: the one it names, else the first (an error naming the pod set when there is none). */
export function mainContainerOf(set: PodSet): plus.Container {
  const c = set.container === undefined ? set.pod.containers[0] : set.pod.containers.find((x) => x.name === set.container);
  if (!c) throw new Error(`[${set.pod.node.path}] pod set ${set.name} has no ${set.container === undefined ? 'container' : `container named "${set.container}"`} yet; add the containers before applying a pattern to it`);
  return c;
}

/** What a workload kind is: its API identity, and what the operator that runs it is called. */
export interface KindIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * The operator that must be installed for this kind (recorded as `operator:<name>`, so an
   * environment installs it before the workload).
   */
  readonly operator?: string;
}

/** What every operator's kind takes: the labels and annotations of its object. */
export interface WorkloadKindProps {
  /**
   * Labels and annotations of the kind's object (not of its pods: give those on a pod template's
   * `metadata`) — a Kueue queue (`kueue.x-k8s.io/queue-name`), a Volcano or YuniKorn queue, an
   * operator's annotation (`leaderworkerset.sigs.k8s.io/exclusive-topology`). Merged with what
   * strata writes: one of those given with another value is an error naming it (the chart's
   * standard labels, `helm.toolkit.fluxcd.io/driftDetection` on runs, a kind's own such as
   * KServe's deployment mode). Keys and label values as Kubernetes allows them; a value may be a
   * chart value.
   * @default - only what strata writes
   */
  readonly metadata?: WorkloadMetadata;
}

/** The metadata of a kind's object: the user's, and what the kind writes itself. */
export interface KindMetadata {
  /** The user's (`WorkloadKindProps.metadata`). */
  readonly given?: WorkloadMetadata;
  /** What the kind writes itself, each entry with the prop that sets it. */
  readonly written?: WrittenMetadata;
}

/**
 * The base of every operator's workload kind: one object (id `Resource`) whose spec is rendered
 * when it is synthesized, from the kind's own fields and its pod templates at their paths.
 * Subclasses create their `PodTemplate`s as children and say where each goes (`renderSpec`).
 */
export abstract class WorkloadKind extends Construct implements IWorkload {
  public readonly apiObject: ApiObject;
  protected readonly rules: Rules;

  protected constructor(scope: Construct, id: string, identity: KindIdentity, metadata: KindMetadata = {}) {
    super(scope, id);
    this.rules = new Rules(this);
    checkMetadata(this.rules, 'metadata', metadata.given);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: identity.apiVersion,
      kind: identity.kind,
      metadata: mergeMetadata(this.rules, 'metadata', metadata.given, metadata.written),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    } as never);
    if (identity.operator) markUses(this, `operator:${identity.operator}`);
  }

  /** The object's name (release-scoped in a workload chart). */
  public get name(): string {
    return this.apiObject.name;
  }

  /** The pod sets of this workload, in the order of its pod templates. */
  public abstract get podSets(): readonly PodSet[];

  /** The kind's spec, pod templates included (called at synthesis). */
  protected abstract renderSpec(): Record<string, unknown>;

  /**
   * Checks the fields of the kind's spec a user gives as they are (typed from the upstream CRD, for
   * what strata has no prop for): one that strata writes itself, or refuses, is an error saying why.
   * `owned` maps each such field to its reason (the prop that sets it).
   */
  protected checkExtra(where: string, extra: { readonly [field: string]: unknown } | undefined, owned: { readonly [field: string]: string }): void {
    for (const [field, value] of Object.entries(extra ?? {})) {
      if (value === undefined || !(field in owned)) continue;
      this.rules.fail(`${where}.${field}`, typeof value === 'object' ? 'given' : value, 'unset here', owned[field]);
    }
  }

  /** A pod template child of this kind (restart policy as the kind needs it). */
  protected template(id: string, props: PodTemplateProps, restartPolicy: plus.RestartPolicy): PodTemplate {
    return new PodTemplate(this, id, { restartPolicy, ...props });
  }
}

/** Removes undefined entries (the output has no `key: undefined`). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

