import { ApiObject, Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DURATION as DURATION_PATTERN, LABEL_VALUE, problem, QUALIFIED_NAME, QUANTITY as QUANTITY_PATTERN, Tokens } from '@strata/tokens';
import { keepClusterScoped } from './cluster-scoped';
import { INSTANCE_LOCAL_NVME_LABEL } from './instance-store';
import { KarpenterDiskLayout, KarpenterNvmeNodeClass } from './karpenter-node-class';
import { BUDGET_DURATION, BUDGET_NODES, BUDGET_SCHEDULE, TAINT_EFFECTS, TEMPLATE_METADATA_SHAPE } from './karpenter-settings';
import { checkShape } from './karpenter-shapes';
import { Rules } from './rules';

/**
 * Karpenter's NodePools of NVMe nodes for the instance-store tier: instance types with local NVMe
 * only, set up so that node-local data survives voluntary disruption. Fields and rules are the
 * karpenter.sh/v1 NodePool's (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go).
 */

/** The size in GiB. */
function gibibytes(size: Size): number {
  return size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
}

/** A Karpenter NodePool requirement. */
export interface KarpenterRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  /** @default - none */
  readonly values?: string[];
  /** @default - none */
  readonly minValues?: number;
}

/** The label Karpenter gives a node with its capacity type (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/labels.go#L45). */
export const CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';

/**
 * Which nodes consolidation may remove (`spec.disruption.consolidationPolicy`). Karpenter v1.14
 * also has `Balanced`, not offered here: clusters running an older Karpenter refuse it.
 * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L95-L102
 */
export enum KarpenterConsolidationPolicy {
  /** Only nodes without workload pods: a node holding NVMe data is never consolidated. */
  WHEN_EMPTY = 'WhenEmpty',
  /** Also nodes whose pods fit elsewhere: Karpenter evicts them (Karpenter's own default). */
  WHEN_EMPTY_OR_UNDERUTILIZED = 'WhenEmptyOrUnderutilized',
}

/**
 * The voluntary disruptions a budget limits (`budgets[].reasons`). Expiration, interruption and
 * node repair are forceful and no budget stops them.
 * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L180-L186
 */
export enum KarpenterDisruptionReason {
  EMPTY = 'Empty',
  DRIFTED = 'Drifted',
  UNDERUTILIZED = 'Underutilized',
}

/**
 * What the nodes are bought as (the `karpenter.sh/capacity-type` requirement). Spot nodes get two
 * minutes' notice before EC2 reclaims them, and Karpenter only hears it with an interruption queue.
 * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/labels.go#L32-L37
 */
export enum KarpenterCapacityType {
  ON_DEMAND = 'on-demand',
  SPOT = 'spot',
}

/**
 * A Karpenter duration: a `Duration` (written as a Go duration, e.g. `10m`, `720h`), `'Never'` where
 * Karpenter allows it, or text already in Karpenter's form (`"1h30m"`), such as a Helm value.
 */
export type KarpenterDuration = Duration | 'Never' | (string & {});

/**
 * A limit on how many of the pool's nodes Karpenter may disrupt at once.
 * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L117-L157
 */
export interface KarpenterDisruptionBudget {
  /** Nodes at once: a count (`"0"` blocks) or a percentage of the pool (`"10%"`). */
  readonly nodes: string;
  /** The disruptions it limits. @default - all of them */
  readonly reasons?: KarpenterDisruptionReason[];
  /** When it starts being active: a cron expression in UTC, with `duration`. @default - always active */
  readonly schedule?: string;
  /**
   * How long it stays active after each `schedule` hit: a Duration of whole minutes, or text in
   * Karpenter's form ("30m", "1h30m"), such as a Helm value.
   * @default - always active
   */
  readonly duration?: Duration | string;
}

/**
 * `spec.disruption` of a NodePool: the voluntary disruptions (consolidation, drift) Karpenter may
 * start. Each field left out takes the NVMe default, not Karpenter's.
 * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L83-L115
 */
export interface KarpenterDisruption {
  /**
   * Which nodes consolidation may remove.
   * @default KarpenterConsolidationPolicy.WHEN_EMPTY — Karpenter's default (WhenEmptyOrUnderutilized)
   * evicts pods whose NVMe scratch is not in S3 yet
   */
  readonly consolidationPolicy?: KarpenterConsolidationPolicy;
  /**
   * How long a node must be consolidatable before it is removed (restarts on every pod change);
   * `'Never'` turns consolidation off.
   * @default Duration.minutes(10) — Karpenter's 0s would remove a node between two jobs of a queue
   */
  readonly consolidateAfter?: KarpenterDuration;
  /**
   * Disruption budgets; the most restrictive active one applies.
   * @default - `[{ nodes: '0', reasons: [DRIFTED, UNDERUTILIZED] }, { nodes: '10%' }]`: drift and
   * consolidation of busy nodes never start on their own (nodes are replaced at `expireAfter`), and
   * at most 10% of the pool is disrupted at once otherwise. With a `terminationGracePeriod` it is
   * this budget, not `karpenter.sh/do-not-disrupt`, that holds drift back
   * (https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/controllers/disruption/types.go#L189-L196)
   */
  readonly budgets?: KarpenterDisruptionBudget[];
}

export interface KarpenterNvmeNodePoolProps {
  /** The node class with instanceStorePolicy RAID0. */
  readonly nodeClass: KarpenterNvmeNodeClass;
  /**
   * The node requirements; keep one on `karpenter.k8s.aws/instance-local-nvme` so that only
   * instance types with local NVMe are launched (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/labels.go#L152). The capacity type is `capacityTypes`.
   * @default [KarpenterNvmeNodePool.localNvmeRequirement()]
   */
  readonly requirements?: KarpenterRequirement[];
  /**
   * What the nodes are bought as: a requirement on `karpenter.sh/capacity-type`. Spot needs
   * Karpenter's interruption queue, and leaves node-local data two minutes.
   * @see https://github.com/aws/karpenter-provider-aws/blob/v1.14.1/website/content/en/docs/concepts/disruption.md
   * @default [KarpenterCapacityType.ON_DEMAND]
   */
  readonly capacityTypes?: KarpenterCapacityType[];
  /**
   * Voluntary disruption: consolidation policy and delay, budgets.
   * @default - WhenEmpty after 10m; no drift or underutilization disruption; at most 10% at once
   */
  readonly disruption?: KarpenterDisruption;
  /**
   * How long a node lives (`spec.template.spec.expireAfter`); then it is drained and replaced,
   * whatever budgets and `karpenter.sh/do-not-disrupt` say. `'Never'` keeps nodes until removed otherwise.
   * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L259-L268
   * @default Duration.hours(720) (Karpenter's default, written out)
   */
  readonly expireAfter?: KarpenterDuration;
  /**
   * How long draining a node may take (`spec.template.spec.terminationGracePeriod`): at
   * `terminationGracePeriod − pod terminationGracePeriodSeconds` Karpenter deletes the remaining
   * pods, past PDBs and `karpenter.sh/do-not-disrupt`. Make it at least the longest final flush of
   * a pod on these nodes (upload of its NVMe checkpoints). Without it Karpenter would wait forever,
   * so an expired node holding a do-not-disrupt pod is never replaced.
   * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L241-L258
   * @default Duration.hours(2)
   */
  readonly terminationGracePeriod?: KarpenterDuration;
  /**
   * Caps on the pool's total capacity (`spec.limits`), by resource name: `cpu`, `memory`,
   * `nvidia.com/gpu`… as quantities. Karpenter launches no node that would pass one.
   * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L53-L57
   * @default - no limits
   */
  readonly limits?: { readonly [resource: string]: string | number };
  /** Taints of the nodes. @default - none */
  readonly taints?: plus.k8s.Taint[];
  /**
   * Taints a DaemonSet removes once the node is ready (e.g. `fsx.csi.aws.com/agent-not-ready`);
   * pods need not tolerate them to get a node.
   * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L219-L225
   * @default - none
   */
  readonly startupTaints?: plus.k8s.Taint[];
  /**
   * Labels of the nodes (`spec.template.metadata.labels`). The `karpenter.sh` domain (but
   * `karpenter.sh/capacity-type`) and `kubernetes.io/hostname` are Karpenter's.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * The whole `spec.template.metadata` ({ labels }), for a chart binding it to one value (which
   * leaves the field out while empty, as an absent metadata is no empty one to Karpenter's drift
   * hash); with literals, give `labels`.
   * @default - from `labels`
   */
  readonly templateMetadata?: { readonly labels?: { readonly [key: string]: string } };
  /**
   * The pool's priority among pools that fit a pod, 1–100 (higher first).
   * @see https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodepool.go#L59-L67
   * @default - none (weight 0)
   */
  readonly weight?: number;
  /** The object name. @default - generated by the chart */
  readonly name?: string;
}

/** The taint that keeps pods without GPUs off GPU nodes; GPU pods tolerate `nvidia.com/gpu` Exists NoSchedule. */
export const GPU_TAINT: plus.k8s.Taint = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' };

// Karpenter's own validation of these fields (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go, nodeclaim.go).
/** consolidateAfter, expireAfter: nodepool.go#L89, #L264. */
const DURATION_OR_NEVER = '^(([0-9]+(s|m|h))+|Never)$';
/** terminationGracePeriod: nodepool.go#L255. */
const DURATION = DURATION_PATTERN;
/** A Kubernetes quantity (the same as the Helm values' quantity). */
const QUANTITY = QUANTITY_PATTERN;
/** A resource, label or taint key: an optional DNS-subdomain prefix and "/", then a name of up to 63 characters. */
export const QUALIFIED_NAME_PATTERN = QUALIFIED_NAME;
/** A label or taint value (the NodePool CRD: this pattern and at most 63 characters). */
export const LABEL_VALUE_PATTERN = LABEL_VALUE;

/** A Duration as a Go duration of hours, minutes and seconds ("1h30m", "0s"); undefined for fractions of a second. */
export function goDuration(d: Duration): string | undefined {
  const total = d.toSeconds({ integral: false });
  if (!Number.isInteger(total)) return undefined;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

/**
 * A Karpenter `NodePool` (karpenter.sh/v1) launching instance types with local NVMe on a
 * `KarpenterNvmeNodeClass`, set up so that node-local data (NVMe checkpoints not yet in S3)
 * survives voluntary disruption: on-demand nodes, consolidation of empty nodes only, no drift
 * replacement on its own, nodes replaced at `expireAfter` with `terminationGracePeriod` to flush.
 * @see https://karpenter.sh/docs/concepts/nodepools/
 * @see https://karpenter.sh/docs/concepts/disruption/
 */
export class KarpenterNvmeNodePool extends Construct {
  /** `karpenter.k8s.aws/instance-local-nvme Gt <GiB>`: instance types with more local NVMe than this. */
  public static localNvmeRequirement(greaterThan: Size = Size.gibibytes(0)): KarpenterRequirement {
    return { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: [String(gibibytes(greaterThan))] };
  }

  public readonly apiObject: ApiObject;
  /** The requirements as written, the capacity type included. */
  public readonly requirements: KarpenterRequirement[];
  /** The capacity types; undefined when `requirements` holds its own capacity-type requirement. */
  public readonly capacityTypes?: KarpenterCapacityType[];
  public readonly consolidationPolicy: KarpenterConsolidationPolicy;
  public readonly consolidateAfter: KarpenterDuration;
  public readonly budgets: KarpenterDisruptionBudget[];
  public readonly expireAfter: KarpenterDuration;
  public readonly terminationGracePeriod: KarpenterDuration;
  public readonly limits: { readonly [resource: string]: string | number };
  public readonly taints: plus.k8s.Taint[];
  public readonly startupTaints: plus.k8s.Taint[];
  public readonly labels: { readonly [key: string]: string };
  public readonly weight?: number;
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: KarpenterNvmeNodePoolProps) {
    super(scope, id);
    this.rules = new Rules(this);
    const r = this.rules;
    const given = props.requirements ?? [KarpenterNvmeNodePool.localNvmeRequirement()];
    const ownCapacityType = given.some((q) => q.key === CAPACITY_TYPE_LABEL);
    this.capacityTypes = ownCapacityType ? props.capacityTypes : (props.capacityTypes ?? [KarpenterCapacityType.ON_DEMAND]);
    this.requirements = ownCapacityType || !this.capacityTypes ? given : [...given, { key: CAPACITY_TYPE_LABEL, operator: 'In', values: this.capacityTypes }];
    const d = props.disruption ?? {};
    this.consolidationPolicy = d.consolidationPolicy ?? KarpenterConsolidationPolicy.WHEN_EMPTY;
    this.consolidateAfter = d.consolidateAfter ?? Duration.minutes(10);
    this.budgets = d.budgets ?? [
      { nodes: '0', reasons: [KarpenterDisruptionReason.DRIFTED, KarpenterDisruptionReason.UNDERUTILIZED] },
      { nodes: '10%' },
    ];
    this.expireAfter = props.expireAfter ?? Duration.hours(720);
    this.terminationGracePeriod = props.terminationGracePeriod ?? Duration.hours(2);
    this.limits = props.limits ?? {};
    this.taints = props.taints ?? [];
    this.startupTaints = props.startupTaints ?? [];
    this.labels = props.labels ?? {};
    this.weight = props.weight;

    const selectsNvme = this.requirements.some((q) => q.key === INSTANCE_LOCAL_NVME_LABEL && ['Gt', 'In', 'Exists'].includes(q.operator));
    if (props.nodeClass.instanceStorePolicy === 'RAID0' && !selectsNvme) {
      r.warn(problem('requirements', given.map((q) => q.key), `a ${INSTANCE_LOCAL_NVME_LABEL} requirement with instanceStorePolicy RAID0`,
        'instance types without local NVMe would get the policy but no NVMe: add KarpenterNvmeNodePool.localNvmeRequirement()'));
    } else if (props.nodeClass.diskLayout === KarpenterDiskLayout.MOUNT && !selectsNvme) {
      r.warn(problem('requirements', given.map((q) => q.key), `a ${INSTANCE_LOCAL_NVME_LABEL} requirement with diskLayout Mount`,
        'instance types without local NVMe have no disk to mount, and the local static provisioner makes no volume there: add KarpenterNvmeNodePool.localNvmeRequirement()'));
    }
    if (ownCapacityType && props.capacityTypes !== undefined) {
      r.fail('capacityTypes', props.capacityTypes, `unset when requirements hold a ${CAPACITY_TYPE_LABEL} requirement`, 'say the capacity type once: remove it from requirements, or remove capacityTypes');
    }
    this.checkCapacityTypes();
    r.oneOf('disruption.consolidationPolicy', this.consolidationPolicy, Object.values(KarpenterConsolidationPolicy),
      'WhenEmpty keeps nodes that hold pods (and their NVMe data); Balanced needs Karpenter v1.14 and is not offered');
    const consolidateAfter = this.duration('disruption.consolidateAfter', this.consolidateAfter, true);
    const budgets = this.checkBudgets();
    const expireAfter = this.duration('expireAfter', this.expireAfter, true);
    const terminationGracePeriod = this.duration('terminationGracePeriod', this.terminationGracePeriod, false);
    const limits = this.checkLimits();
    this.checkTaints('taints', this.taints);
    this.checkTaints('startupTaints', this.startupTaints);
    this.checkLabels();
    r.check('weight', this.weight, { minimum: 1, maximum: 100, multipleOf: 1 }, 'a higher weight is tried first; leave it unset for 0', 'a whole number between 1 and 100');

    const hasLabels = Tokens.infoOf(this.labels) !== undefined || Object.keys(this.labels).length > 0;
    if (props.templateMetadata !== undefined && hasLabels) r.fail('templateMetadata', 'set', 'unset when labels are given', 'say the labels once: in labels, or in templateMetadata.labels');
    if (props.templateMetadata !== undefined && !Tokens.infoOf(props.templateMetadata)) checkShape(r, 'templateMetadata', props.templateMetadata, TEMPLATE_METADATA_SHAPE);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: props.name ? { name: props.name } : undefined,
      spec: {
        disruption: { budgets, consolidateAfter, consolidationPolicy: this.consolidationPolicy },
        limits: Object.keys(limits).length > 0 ? limits : undefined,
        template: {
          metadata: props.templateMetadata ?? (hasLabels ? { labels: this.labels } : undefined),
          spec: {
            expireAfter,
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: props.nodeClass.name },
            requirements: this.requirements,
            // As given: a list bound to a value renders whatever it holds, [] included, so a literal
            // [] is written too (the same object at generate and at install).
            startupTaints: props.startupTaints,
            taints: props.taints,
            terminationGracePeriod,
          },
        },
        weight: this.weight,
      },
    });
    keepClusterScoped(this.apiObject);
  }

  /** A Karpenter duration as written: a Duration in Go form, or text checked against Karpenter's pattern. */
  private duration(field: string, value: KarpenterDuration, never: boolean): string {
    const accepted = `a Go duration of hours, minutes and seconds${never ? ' or Never' : ''}, e.g. "10m", "1h30m"`;
    if (value instanceof Duration) {
      const text = goDuration(value);
      if (text === undefined) this.rules.fail(field, `${value.toSeconds({ integral: false })}s`, 'whole seconds', 'Karpenter durations have no fractions of a second');
      return text ?? '0s';
    }
    this.rules.check(field, value, { pattern: never ? DURATION_OR_NEVER : DURATION }, never ? 'give a Duration, or "Never"' : 'give a Duration (Karpenter has no "Never" here)', accepted);
    return value;
  }

  private checkCapacityTypes(): void {
    const types = this.capacityTypes;
    if (types === undefined) return;
    const fix = 'on-demand keeps node-local data until the node expires; spot nodes get two minutes\' notice';
    if (Tokens.infoOf(types)) {
      this.rules.check('capacityTypes', types, { minItems: 1 }, fix, 'at least one capacity type');
      this.rules.check('capacityTypes', types, { items: { enum: Object.values(KarpenterCapacityType) } }, fix);
      return;
    }
    if (types.length === 0) this.rules.fail('capacityTypes', types, 'at least one of on-demand, spot', fix);
    for (const t of types) this.rules.oneOf('capacityTypes', t, Object.values(KarpenterCapacityType), fix);
  }

  /**
   * Budgets as written, each checked as the NodePool CRD checks it (nodepool.go#L104-L157); a list
   * bound to a chart value is written whole, its items checked by the chart's schema (BUDGETS_SHAPE).
   */
  private checkBudgets(): Record<string, unknown>[] {
    const r = this.rules;
    if (Tokens.infoOf(this.budgets)) return this.budgets as unknown as Record<string, unknown>[];
    if (this.budgets.length > 50) r.fail('disruption.budgets', `${this.budgets.length} budgets`, 'at most 50 budgets', 'merge budgets');
    return this.budgets.map((b, i) => {
      const at = `disruption.budgets[${i}]`;
      r.check(`${at}.nodes`, b.nodes, { pattern: BUDGET_NODES }, '"0" blocks the disruption, "10%" allows a tenth of the pool at once', 'a node count or a percentage from 0% to 100%');
      const reasons = b.reasons ?? [];
      for (const reason of reasons) r.oneOf(`${at}.reasons`, reason, Object.values(KarpenterDisruptionReason), 'expiration, interruption and node repair are forceful: no budget limits them');
      if (new Set(reasons).size !== reasons.length) r.fail(`${at}.reasons`, reasons, 'each reason once', 'remove the repeated reason');
      r.check(`${at}.schedule`, b.schedule, { pattern: BUDGET_SCHEDULE }, 'e.g. "0 9 * * 1-5" (UTC) or "@daily"', 'a cron expression (UTC)');
      r.required(`${at}.nodes`, b.nodes, 'a node count or a percentage from 0% to 100%', 'say how many nodes may be disrupted at once');
      let duration: string | undefined;
      if (typeof b.duration === 'string') {
        if (r.check(`${at}.duration`, b.duration, { pattern: BUDGET_DURATION }, 'budget schedules are cron, which has no seconds', 'a duration of hours and minutes such as "30m" or "1h30m"')) duration = b.duration;
      } else if (b.duration !== undefined) {
        const minutes = b.duration.toMinutes({ integral: false });
        if (!Number.isInteger(minutes) || minutes < 1) {
          r.fail(`${at}.duration`, goDuration(b.duration) ?? `${b.duration.toSeconds({ integral: false })}s`, 'whole minutes, at least 1', 'budget schedules are cron, which has no seconds');
        } else {
          duration = goDuration(b.duration);
        }
      }
      if ((b.schedule === undefined) !== (b.duration === undefined)) {
        r.fail(`${at}.schedule`, b.schedule, `set together with duration (${b.duration === undefined ? 'not set' : typeof b.duration === 'string' ? b.duration : goDuration(b.duration)})`, 'a scheduled budget needs both when it starts and how long it lasts; leave both out for an always-active budget');
      }
      return { duration, nodes: b.nodes, reasons: b.reasons, schedule: b.schedule };
    });
  }

  /** Limits as written: quantity strings (a number becomes its string). */
  private checkLimits(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [resource, quantity] of Object.entries(this.limits)) {
      this.rules.check('limits', resource, { pattern: QUALIFIED_NAME_PATTERN }, 'name a resource, e.g. cpu, memory, nvidia.com/gpu', 'a resource name');
      const fix = 'e.g. 1000 (cpu), "4000Gi" (memory), 64 (nvidia.com/gpu)';
      if (typeof quantity === 'number') this.rules.check(`limits.${resource}`, quantity, { minimum: 0 }, fix, 'a quantity (at least 0)');
      else this.rules.check(`limits.${resource}`, quantity, { pattern: QUANTITY }, fix, 'a quantity');
      out[resource] = String(quantity);
    }
    return out;
  }

  private checkTaints(field: string, taints: plus.k8s.Taint[]): void {
    if (Tokens.infoOf(taints)) return; // a list bound to a value: its item schema is the chart's
    taints.forEach((t, i) => {
      const at = `${field}[${i}]`;
      if (this.rules.required(`${at}.key`, t.key, 'a taint key', 'e.g. "nvidia.com/gpu"')) this.rules.check(`${at}.key`, t.key, { pattern: QUALIFIED_NAME_PATTERN }, 'e.g. "nvidia.com/gpu"', 'a qualified name');
      if (this.rules.required(`${at}.effect`, t.effect, `one of ${TAINT_EFFECTS.join(', ')}`, 'NoSchedule keeps pods without a toleration off the nodes')) {
        this.rules.oneOf(`${at}.effect`, t.effect, TAINT_EFFECTS, 'NoSchedule keeps pods without a toleration off the nodes');
      }
      this.rules.check(`${at}.value`, t.value, { pattern: LABEL_VALUE_PATTERN, maxLength: 63 }, 'letters, digits, "-", "_" and "."', 'a label value');
    });
  }

  private checkLabels(): void {
    if (Tokens.infoOf(this.labels)) return;
    for (const [key, value] of Object.entries(this.labels)) {
      this.rules.check('labels', key, { pattern: QUALIFIED_NAME_PATTERN }, 'e.g. "strata.dev/pool"', 'a label key');
      const domain = key.includes('/') ? key.split('/')[0] : '';
      if ((domain.endsWith('karpenter.sh') && key !== CAPACITY_TYPE_LABEL) || key === 'kubernetes.io/hostname') {
        this.rules.fail('labels', key, `a label of your own (not ${key === 'kubernetes.io/hostname' ? 'kubernetes.io/hostname' : 'in the karpenter.sh domain'})`, 'Karpenter sets these itself and the NodePool API refuses them: use a domain of your own');
      }
      this.rules.check(`labels.${key}`, value, { pattern: LABEL_VALUE_PATTERN, maxLength: 63 }, 'letters, digits, "-", "_" and ".", at most 63', 'a label value');
    }
  }
}
