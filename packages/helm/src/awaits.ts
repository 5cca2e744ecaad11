import { INIT_SECONDS_ANNOTATION, Manifest as TokenManifest, NODE_AND_IMAGE_SECONDS, podTemplatesOf } from '@strata/tokens';
import { EncodedFormula, evaluateEncodedFormula, printIn, refIn, ValueRef } from './content-name';
import { nameSuffixOf, OBJECT_NAME } from './workload-chart';

/**
 * What helm-controller waits for after an install, upgrade or rollback of a chart, and how long
 * each object may take to become ready — the chart's own account of its release timeout.
 *
 * helm-controller (fluxcd/helm-controller@v1.6.3 internal/action/wait.go, with kstatus from
 * fluxcd/cli-utils pkg/kstatus/status/core.go) waits until every object of the release is
 * Current or one Failed: a Job only when it completed (unless `disableWaitForJobs`), a
 * PersistentVolumeClaim once Bound, a Deployment or StatefulSet once every replica is updated and
 * available. The release `timeout` bounds each wait (docs/spec/v2/helmreleases.md "timeout"):
 * shorter than an object's honest bound, the action fails and is remediated.
 *
 * Custom resources of the workload operators (KServe, KubeRay, LeaderWorkerSet, JobSet, Kubeflow
 * Trainer and training-operator, Spark operator, NIM operator) are awaited as CUSTOM_KINDS says:
 * serving kinds until the operator reports them serving, runs and configuration not at all (see
 * CustomKindRule for the kstatus rules and the health checks that make it so).
 *
 * The same functions read a chart's release template (numbers may be value references: they
 * become facts, resolved per environment) and a release's resolved objects (plain numbers): the
 * overlay writer derives each HelmRelease's timeout from the first, the lifecycle check verifies
 * it on the second.
 */

/** A number a chart states: a literal, the release's value at `$value` (times `multiply`), or a formula over values. */
export type Fact = number | { readonly $value: string; readonly multiply?: number } | { readonly $formula: EncodedFormula };

/** One object helm-controller waits for, with what its readiness depends on. */
export type AwaitedObject =
  | {
      readonly kind: 'Job';
      /** The object name (a suffix in a chart's template; the full name in a resolved release). */
      readonly name: string;
      /** `activeDeadlineSeconds`: the whole Job succeeds or fails within it. @default - no bound */
      readonly deadline?: Fact;
    }
  | {
      readonly kind: 'Deployment' | 'StatefulSet';
      readonly name: string;
      readonly replicas: Fact;
      /** Pods replaced per round: `maxSurge` of a Deployment (absolute or "N%"); 1 for a StatefulSet (one pod at a time). */
      readonly surge: Fact | string;
      /** Seconds one pod needs to become ready, as terms to add: node and image, startup probe. */
      readonly podReady: readonly Fact[];
      /** Seconds the first new pod's init containers may wait (a gate for data another Job prepares; later pods find it ready). */
      readonly init?: Fact;
      /** `progressDeadlineSeconds` of a Deployment: kstatus calls the rollout Failed after this long without progress. */
      readonly progressDeadline?: Fact;
      /** Claims (names) the pods mount: they must be bound before the first pod starts. */
      readonly claims: readonly string[];
    }
  | {
      readonly kind: 'PersistentVolumeClaim';
      readonly name: string;
      /** The claim's class ('' for a static volume; `$own:<suffix>` for a class the chart makes, named from the release). */
      readonly storageClassName: Fact | string;
    }
  | {
      /** A custom resource of a kind in CUSTOM_KINDS; how it is awaited is the kind's rule. */
      readonly kind: 'CustomResource';
      /** Its apiVersion, e.g. "ray.io/v1". */
      readonly apiVersion: string;
      /** Its kind, e.g. "RayService". */
      readonly resourceKind: string;
      readonly name: string;
      /**
       * Seconds one round takes until the operator reports the object ready, as terms to add: the
       * budget the object declares (READY_SECONDS_ANNOTATION, or an upstream bound such as
       * KubeRay's `ray.io/initializing-timeout`), else node and image plus the slowest startup
       * probe of its pod templates. Absent for kinds the release does not wait for.
       */
      readonly ready?: readonly Fact[];
      /** Pod groups a rollout replaces, and how many per round (a LeaderWorkerSet's replicas and maxUnavailable + maxSurge). @default one round */
      readonly replicas?: Fact;
      /** Claims its pods mount: their binding (a new FSx file system: up to 30 min) comes before any pod starts. @default none */
      readonly claims?: readonly string[];
      /** A gate holding its pods first (INIT_SECONDS_ANNOTATION: a model hydrated before it loads), once. @default none */
      readonly init?: Fact;
      readonly surge?: Fact;
      /** What the budget is made of, for the report: "declared", "ray.io/initializing-timeout", "pod start". */
      readonly basis?: string;
    };

/**
 * Seconds a custom resource may take until its operator reports it ready, declared by the construct
 * that makes it (a number, or a value or formula of the release: the model download of an
 * InferenceService, the cache fill of a NIMCache). Without it the budget is the pod start alone.
 */
export const READY_SECONDS_ANNOTATION = 'strata.dev/ready-seconds';

/** A Flux custom health check (helm.toolkit.fluxcd.io/v2 HelmRelease `.spec.healthCheckExprs[]`, fluxcd/pkg apis/kustomize CustomHealthCheck). */
export interface CustomHealthCheck {
  readonly apiVersion: string;
  readonly kind: string;
  /** CEL over the object: true when it is ready. */
  readonly current: string;
  readonly inProgress?: string;
  /** CEL: true when it failed for good (the wait fails at once: helm-controller fails fast). */
  readonly failed?: string;
}

/**
 * How helm-controller waits for one custom resource kind. helm-controller v1.5+ (Flux 2.8+) waits
 * with its `poller` strategy: kstatus (fluxcd/cli-utils@v1.2.1 pkg/kstatus/status/status.go
 * Compute, #L102-L139; generic.go#L22-L99) calls an object of an unknown kind InProgress while
 * `status.observedGeneration` differs from `metadata.generation`, InProgress while a `Reconciling`
 * condition is True, Failed when a `Stalled` condition is True, then by a `Ready` condition (True:
 * Current; False or Unknown: InProgress; status.go#L141-L183), and Current when none of these says
 * anything — the status an operator writes decides. A HelmRelease's `.spec.healthCheckExprs`
 * (helm-controller v1.5.0, CHANGELOG.md "1.5.0"; docs/spec/v2/helmreleases.md "Health check
 * expressions") replaces that for a kind: observedGeneration first, then `inProgress`, `failed`,
 * `current`, else InProgress (fluxcd/pkg@runtime/v0.110.1 runtime/cel/status_evaluator.go#L75-L126),
 * with the poller only (internal/action/wait.go#L49-L62; the `legacy` strategy and Helm 3 wait for
 * no custom resource). `disableWaitForJobs` changes batch/v1 Jobs only (wait.go#L118-L127).
 */
export interface CustomKindRule {
  readonly group: string;
  readonly kind: string;
  /** The apiVersion strata's constructs write (health checks match on the group only). */
  readonly apiVersion: string;
  /** The operator (the `operator:<name>` a chart uses). */
  readonly operator: string;
  /**
   * `awaited`: the release waits until the operator reports the object ready (its budget counts
   * toward the timeout); `run`: a training or batch run, never awaited (like a Job without a
   * deadline: it may run for days), Current as soon as it exists; `configuration`: no status,
   * Current as soon as it exists.
   */
  readonly role: 'awaited' | 'run' | 'configuration';
  /**
   * The health check strata writes: where kstatus's generic rules would not give this wait, where
   * an object polled before its operator wrote any status would pass as Current, and for runs (so
   * that no operator version can make a release wait for one).
   */
  readonly health?: Omit<CustomHealthCheck, 'apiVersion' | 'kind'>;
  /** The pod specs of an object, for the default budget (node and image + startup probe). */
  readonly podSpecs?: (spec: Json) => readonly Json[];
  /** Rollout rounds: replicas and pods replaced per round, when the operator rolls groups. */
  readonly rounds?: (spec: Json) => { readonly replicas: Fact; readonly surge: Fact };
  /** A bound the operator itself enforces, read from the object (seconds). */
  readonly upstreamBound?: (o: Json) => { readonly seconds: Fact; readonly basis: string } | undefined;
  /** Pods started one after another in one round (a LeaderWorkerSet's workers after a ready leader). @default 1 */
  readonly podStarts?: (spec: Json) => number;
  /** What the release waits for, in a few words (for the report): "Ready", "a run: not awaited". */
  readonly short: string;
  /** What the operator writes and why this wait, with the upstream source. */
  readonly why: string;
}

const conditionIs = (type: string, status: 'True' | 'False', reason?: string) =>
  `status.conditions.exists(c, c.type == '${type}' && c.status == '${status}'${reason ? ` && c.reason == '${reason}'` : ''})`;
/** Never awaited: Current once it exists (still InProgress while an observedGeneration lags). */
const ANY_STATUS = { current: 'true' } as const;
const templates = (...specs: unknown[]): Json[] => specs.filter((s): s is Json => typeof s === 'object' && s !== null);

/** The operators' kinds strata's constructs make, and how a release waits for each (see CustomKindRule). */
export const CUSTOM_KINDS: readonly CustomKindRule[] = [
  {
    group: 'serving.kserve.io',
    kind: 'InferenceService',
    short: 'until Ready',
    apiVersion: 'serving.kserve.io/v1beta1',
    operator: 'kserve',
    role: 'awaited',
    // Standard mode: Ready = PredictorReady (the predictor Deployment Available) and IngressReady
    // (kserve/kserve@v0.20.0 pkg/apis/serving/v1beta1/inference_service_status.go#L292-L296,
    // PropagateRawStatus #L360-L440; reconcilers/ingress/kube_ingress_reconciler.go#L105-L143). kstatus
    // reads Ready, but calls an object without any status yet Current (fluxcd/cli-utils@v1.2.1
    // pkg/kstatus/status/status.go#L141-L152) and polls once right after the apply
    // (pkg/kstatus/polling/engine/engine.go#L157-L168): the health check makes a missing status an
    // error, reported as Unknown, so the wait goes on. The controller keeps no status.observedGeneration,
    // and nothing is ever Stalled, so a model that never loads waits until the timeout.
    health: { current: conditionIs('Ready', 'True') },
    podSpecs: (spec) => templates(spec?.predictor).flatMap((p) => [{ containers: [...(p.containers ?? []), ...(p.model ? [p.model] : [])] }]),
    why: 'Ready condition (PredictorReady and IngressReady): the predictor pods started, the model downloaded by the storage initializer and loaded',
  },
  {
    group: 'serving.kserve.io',
    kind: 'ServingRuntime',
    short: 'configuration: not awaited',
    apiVersion: 'serving.kserve.io/v1alpha1',
    operator: 'kserve',
    role: 'configuration',
    why: 'configuration: no status (pkg/apis/serving/v1alpha1/servingruntime_types.go ServingRuntimeStatus is empty)',
  },
  {
    group: 'serving.kserve.io',
    kind: 'ClusterServingRuntime',
    short: 'configuration: not awaited',
    apiVersion: 'serving.kserve.io/v1alpha1',
    operator: 'kserve',
    role: 'configuration',
    why: 'configuration: no status',
  },
  {
    group: 'ray.io',
    kind: 'RayService',
    short: 'until Ready',
    apiVersion: 'ray.io/v1',
    operator: 'kuberay',
    role: 'awaited',
    // Ready = at least one serve endpoint (ray-project/kuberay@v1.7.0 ray-operator/controllers/ray/
    // rayservice_controller.go#L785-L803); past `ray.io/initializing-timeout` Ready is False with
    // reason InitializingTimeout for good (utils/constant.go#L71-L82, rayservice_controller.go
    // #L2229-L2275): failed, not waited out.
    health: { current: conditionIs('Ready', 'True'), failed: conditionIs('Ready', 'False', 'InitializingTimeout') },
    podSpecs: (spec) => rayPodSpecs(spec?.rayClusterConfig),
    upstreamBound: (o) => {
      const v = o.metadata?.annotations?.['ray.io/initializing-timeout'];
      const seconds = typeof v === 'string' ? goDurationSeconds(v) : typeof v === 'number' ? v : undefined;
      return seconds === undefined ? undefined : { seconds, basis: 'ray.io/initializing-timeout' };
    },
    why: 'Ready condition (serve endpoints > 0): the Ray cluster up and the Serve applications deployed',
  },
  {
    group: 'ray.io',
    kind: 'RayCluster',
    short: 'until provisioned and its head ready',
    apiVersion: 'ray.io/v1',
    operator: 'kuberay',
    role: 'awaited',
    // No Ready condition: kstatus would call it Current once observedGeneration is written. The
    // RayClusterStatusConditions gate (on by default, helm-chart/kuberay-operator/values.yaml)
    // writes RayClusterProvisioned (all pods ready once) and HeadPodReady
    // (ray-operator/apis/ray/v1/raycluster_types.go#L652-L665).
    health: { current: `${conditionIs('RayClusterProvisioned', 'True')} && ${conditionIs('HeadPodReady', 'True')}` },
    podSpecs: (spec) => rayPodSpecs(spec),
    why: 'RayClusterProvisioned and HeadPodReady conditions: every Ray pod ready once, the head ready now',
  },
  {
    group: 'ray.io',
    kind: 'RayJob',
    short: 'a run: not awaited',
    apiVersion: 'ray.io/v1',
    operator: 'kuberay',
    role: 'run',
    why: 'a run: status.jobDeploymentStatus, no conditions (ray-operator/apis/ray/v1/rayjob_types.go#L45-L65)',
    health: ANY_STATUS,
  },
  {
    group: 'leaderworkerset.x-k8s.io',
    kind: 'LeaderWorkerSet',
    short: 'until Available',
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    operator: 'lws',
    role: 'awaited',
    // Available only when every group is ready and updated; Progressing and UpdateInProgress exclude it
    // (kubernetes-sigs/lws@v0.10.0 pkg/controllers/leaderworkerset_controller.go#L494-L504, #L959-L970).
    // No Ready condition: kstatus alone would not wait.
    health: { current: conditionIs('Available', 'True') },
    podSpecs: (spec) => templates(spec?.leaderWorkerTemplate?.leaderTemplate?.spec, spec?.leaderWorkerTemplate?.workerTemplate?.spec),
    // RollingUpdate replaces maxUnavailable (default 1) + maxSurge (default 0) groups at a time
    // (api/leaderworkerset/v1/leaderworkerset_types.go#L284-L313).
    rounds: (spec) => ({
      replicas: factOf(spec?.replicas) ?? 1,
      surge: sumFacts(factOf(spec?.rolloutStrategy?.rollingUpdateConfiguration?.maxUnavailable) ?? 1, factOf(spec?.rolloutStrategy?.rollingUpdateConfiguration?.maxSurge) ?? 0),
    }),
    // startupPolicy LeaderReady creates the workers once the leader is ready (leaderworkerset_types.go#L130-L140).
    podStarts: (spec) => (spec?.startupPolicy === 'LeaderReady' ? 2 : 1),
    why: 'Available condition: every group ready and updated',
  },
  {
    group: 'apps.nvidia.com',
    kind: 'NIMService',
    short: 'until Ready',
    apiVersion: 'apps.nvidia.com/v1alpha1',
    operator: 'nim-operator',
    role: 'awaited',
    // Conditions Ready and Failed (NVIDIA/k8s-nim-operator@v3.1.2 internal/conditions/conditions.go
    // #L126-L140, #L247-L263, #L380-L388): kstatus reads Ready. Failed is also set while its
    // NIMCache is not found yet (platform/standalone/nimservice.go#L345-L358), so it does not fail fast.
    // The health check waits for a status to exist (see InferenceService).
    health: { current: conditionIs('Ready', 'True') },
    why: 'Ready condition: its NIMCache ready, the NIM deployment ready',
  },
  {
    group: 'apps.nvidia.com',
    kind: 'NIMCache',
    short: 'until its state is Ready',
    apiVersion: 'apps.nvidia.com/v1alpha1',
    operator: 'nim-operator',
    role: 'awaited',
    // Only status.state (Ready once the caching Job succeeded) and NIM_CACHE_* conditions; "Failed"
    // counts a failed pod the Job may retry (internal/controller/nimcache_controller.go#L783-L838).
    health: { current: "status.state == 'Ready'" },
    why: "status.state 'Ready': the caching Job downloaded the model",
  },
  {
    group: 'jobset.x-k8s.io',
    kind: 'JobSet',
    short: 'a run: not awaited',
    apiVersion: 'jobset.x-k8s.io/v1alpha2',
    operator: 'jobset',
    role: 'run',
    why: 'a run: conditions Completed, Failed, Suspended… but no Ready (kubernetes-sigs/jobset@v0.12.0 api/jobset/v1alpha2/jobset_types.go#L104-L117)',
    health: ANY_STATUS,
  },
  {
    group: 'trainer.kubeflow.org',
    kind: 'TrainJob',
    short: 'a run: not awaited',
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    operator: 'kubeflow-trainer',
    role: 'run',
    why: 'a run: conditions Suspended, Complete, Failed (kubeflow/trainer@v2.3.0 pkg/apis/trainer/v1alpha1/trainjob_types.go#L56-L65)',
    health: ANY_STATUS,
  },
  {
    group: 'trainer.kubeflow.org',
    kind: 'TrainingRuntime',
    short: 'configuration: not awaited',
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    operator: 'kubeflow-trainer',
    role: 'configuration',
    why: 'configuration: no status',
  },
  {
    group: 'trainer.kubeflow.org',
    kind: 'ClusterTrainingRuntime',
    short: 'configuration: not awaited',
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    operator: 'kubeflow-trainer',
    role: 'configuration',
    why: 'configuration: no status',
  },
  {
    group: 'kubeflow.org',
    kind: 'PyTorchJob',
    short: 'a run: not awaited',
    apiVersion: 'kubeflow.org/v1',
    operator: 'training-operator',
    role: 'run',
    why: 'a run: conditions Created, Running, Restarting, Succeeded, Suspended, Failed (kubeflow/trainer@v1.9.4 pkg/apis/kubeflow.org/v1/common_types.go#L133-L160)',
    health: ANY_STATUS,
  },
  {
    group: 'sparkoperator.k8s.io',
    kind: 'SparkApplication',
    short: 'a run: not awaited',
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    operator: 'spark-operator',
    role: 'run',
    why: 'a run: status.applicationState.state, no conditions (kubeflow/spark-operator@v2.5.2 api/v1beta2/sparkapplication_types.go SparkApplicationStatus)',
    health: ANY_STATUS,
  },
];

/** The rule of a custom resource kind, by its apiVersion's group and its kind. */
export function customKind(apiVersion: string, kind: string): CustomKindRule | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return CUSTOM_KINDS.find((r) => r.group === group && r.kind === kind);
}

/**
 * The health checks a HelmRelease of these awaited objects needs (`.spec.healthCheckExprs`), one
 * per kind, in CUSTOM_KINDS order; empty when the chart has no custom resource that needs one.
 */
export function customHealthChecks(objects: readonly AwaitedObject[]): CustomHealthCheck[] {
  const kinds = new Set(objects.filter((a): a is Extract<AwaitedObject, { kind: 'CustomResource' }> => a.kind === 'CustomResource').map((a) => customKind(a.apiVersion, a.resourceKind)));
  return CUSTOM_KINDS.filter((r) => kinds.has(r) && r.health).map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, ...r.health! }));
}

/** Whether a chart's awaited objects hold a custom resource (its HelmRelease then needs the poller wait strategy). */
export function hasCustomResources(objects: readonly AwaitedObject[]): boolean {
  return objects.some((a) => a.kind === 'CustomResource');
}

/** Whether an awaited object is a run: a Job, or a custom resource of a run kind (TrainJob, PyTorchJob, JobSet, RayJob, SparkApplication). */
export function isRun(a: AwaitedObject): boolean {
  return a.kind === 'Job' || (a.kind === 'CustomResource' && customKind(a.apiVersion, a.resourceKind)?.role === 'run');
}

function rayPodSpecs(cluster: Json | undefined): Json[] {
  return templates(cluster?.headGroupSpec?.template?.spec, ...((cluster?.workerGroupSpecs ?? []) as Json[]).map((g) => g?.template?.spec));
}

/** Seconds of a Go duration ("1h30m", "90s") or of an integer string; undefined when neither. */
export function goDurationSeconds(s: string): number | undefined {
  if (/^\d+$/.test(s.trim())) return Number(s.trim());
  const m = /^((\d+(\.\d+)?)h)?((\d+(\.\d+)?)m(?!s))?((\d+(\.\d+)?)s)?$/.exec(s.trim());
  if (!m || s.trim() === '') return undefined;
  return Math.ceil(Number(m[2] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[8] ?? 0));
}

/** a + b as a fact (a formula when either is a value). */
function sumFacts(a: Fact, b: Fact): Fact {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (b === 0) return a;
  if (a === 0) return b;
  return { $formula: { op: 'add', args: [asOperand(a), asOperand(b)] } };
}

function asOperand(f: Fact): number | EncodedFormula | ValueRef {
  if (typeof f === 'number') return f;
  if ('$formula' in f) return f.$formula;
  return { path: f.$value, kind: 'integer', ...(f.multiply !== undefined ? { multiplier: f.multiply } : {}) };
}

/** Kubernetes' default progressDeadlineSeconds of a Deployment (apps/v1 DeploymentSpec). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Reads a number from a manifest: a literal, a numeric string, or (in a template) a value reference. */
export function factOf(v: unknown): Fact | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const ref = refIn(v);
  if (ref?.formula) return { $formula: ref.formula };
  if (ref && !ref.path.startsWith('$')) return ref.multiplier !== undefined ? { $value: ref.path, multiply: ref.multiplier } : { $value: ref.path };
  // A string that is one value or one formula (an annotation: "${Tokens.sum(…)}"), as the rendered object holds it.
  const parts = printIn(v);
  const part = parts && parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : undefined;
  if (part?.formula) return { $formula: part.formula };
  if (part && !part.path.startsWith('$')) return part.multiplier !== undefined ? { $value: part.path, multiply: part.multiplier } : { $value: part.path };
  return undefined;
}

type Json = { readonly [key: string]: any };

/** The objects of a chart (template objects) or of a release (resolved objects) that helm-controller waits for. */
export function awaitedObjects(objects: readonly Json[]): AwaitedObject[] {
  const out: AwaitedObject[] = [];
  for (const o of objects) {
    const name = nameOf(o);
    if (o.kind === 'Job') {
      const deadline = factOf(o.spec?.activeDeadlineSeconds);
      out.push({ kind: 'Job', name, ...(deadline !== undefined ? { deadline } : {}) });
    } else if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
      const pod = o.spec?.template ?? {};
      const podReady: Fact[] = [NODE_AND_IMAGE_SECONDS, ...startupBound(pod.spec ?? {})];
      const init = factOf(pod.metadata?.annotations?.[INIT_SECONDS_ANNOTATION]);
      const claims = (pod.spec?.volumes ?? []).map((v: Json) => v.persistentVolumeClaim?.claimName).filter((c: unknown) => c !== undefined).map((c: unknown) => nameOf({ metadata: { name: c } }));
      const replicas = factOf(o.spec?.replicas) ?? 1;
      const surge = o.kind === 'StatefulSet' ? 1 : (factOf(o.spec?.strategy?.rollingUpdate?.maxSurge) ?? stringOf(o.spec?.strategy?.rollingUpdate?.maxSurge) ?? '25%');
      const progressDeadline = o.kind === 'Deployment' ? (factOf(o.spec?.progressDeadlineSeconds) ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) : undefined;
      out.push({ kind: o.kind, name, replicas, surge, podReady, ...(init !== undefined ? { init } : {}), ...(progressDeadline !== undefined ? { progressDeadline } : {}), claims });
    } else if (o.kind === 'PersistentVolumeClaim') {
      const sc = o.spec?.storageClassName;
      out.push({ kind: 'PersistentVolumeClaim', name, storageClassName: factOf(sc) ?? stringOf(sc) ?? ownClassOf(sc) ?? '' });
    } else {
      const rule = typeof o.apiVersion === 'string' && typeof o.kind === 'string' ? customKind(o.apiVersion, o.kind) : undefined;
      if (rule) out.push(customAwaited(o, rule, name));
    }
  }
  return out;
}

/** A custom resource as an awaited object: its budget from the object (see the CustomResource variant). */
function customAwaited(o: Json, rule: CustomKindRule, name: string): AwaitedObject {
  const base = { kind: 'CustomResource' as const, apiVersion: String(o.apiVersion), resourceKind: String(o.kind), name };
  if (rule.role !== 'awaited') return base;
  const spec = o.spec ?? {};
  const bound = rule.upstreamBound?.(o);
  const declared = factOf(o.metadata?.annotations?.[READY_SECONDS_ANNOTATION]);
  const rounds = rule.rounds?.(spec);
  // Its pods, as every check sees them (@strata/tokens' pod-template model: templates by path, or
  // views of the pods the operator builds), else the rule's own reading.
  const viewed = podTemplatesOf(o as TokenManifest);
  const pods: { metadata?: Json; spec: Json }[] = viewed.length > 0 ? viewed : (rule.podSpecs?.(spec) ?? []).map((p) => ({ spec: p }));
  const claimNames = [...new Set(pods.flatMap((p) => (p.spec.volumes ?? []).map((v: Json) => v.persistentVolumeClaim?.claimName)).filter((c: unknown) => c !== undefined).map((c: unknown) => nameOf({ metadata: { name: c } })))];
  // A pod held by a gate (a model hydrated first): its bound, once, before the first round.
  const inits = pods.map((p) => factOf(p.metadata?.annotations?.[INIT_SECONDS_ANNOTATION])).filter((f): f is Fact => f !== undefined);
  const withRounds = { ...(rounds ? { replicas: rounds.replicas, surge: rounds.surge } : {}), ...(claimNames.length > 0 ? { claims: claimNames } : {}), ...(inits.length > 0 ? { init: inits[0] } : {}) };
  // The operator's own bound first (past it the object fails for good), then what the chart declares.
  if (bound) return { ...base, ready: [bound.seconds], ...withRounds, basis: bound.basis };
  if (declared !== undefined) return { ...base, ready: [declared], ...withRounds, basis: 'declared' };
  const pod: Fact[] = [NODE_AND_IMAGE_SECONDS, ...startupBound({ containers: pods.flatMap((p) => p.spec.containers ?? []) })];
  const starts = Math.max(1, rule.podStarts?.(spec) ?? 1);
  return { ...base, ready: Array.from({ length: starts }, () => pod).flat(), ...withRounds, basis: 'pod start' };
}

/** A startup probe's bound: initialDelaySeconds + periodSeconds × failureThreshold (Kubernetes defaults 0, 10, 3), of the slowest container. */
function startupBound(spec: Json): Fact[] {
  let best: Fact[] = [];
  let bestLiteral = -1;
  for (const c of spec.containers ?? []) {
    const p = c.startupProbe;
    if (!p) continue;
    const delay = factOf(p.initialDelaySeconds) ?? 0;
    const period = factOf(p.periodSeconds) ?? 10;
    const threshold = factOf(p.failureThreshold) ?? 3;
    if (typeof period !== 'number' || typeof threshold !== 'number') continue; // a product of values cannot be a fact
    const terms: Fact[] = [delay, period * threshold];
    const literal = terms.reduce<number>((n, t) => n + (typeof t === 'number' ? t : 0), 0);
    if (literal > bestLiteral) {
      best = terms;
      bestLiteral = literal;
    }
  }
  return best;
}

function nameOf(o: Json): string {
  const n = o.metadata?.name;
  if (typeof n === 'string') return n;
  const ref = refIn(n);
  // A name's suffix: `$name:<suffix>`, or `$sourcename:<suffix>@<volume suffix>` (a claim named by its volume's source).
  return ref ? ref.path.replace(/^\$[a-z]+:/, '').replace(/@.*$/, '') : '?';
}

/**
 * A claim's class the chart makes itself, named from the release: `$own:<suffix>` (OWN_CLASS), so
 * that whoever budgets the wait finds the class's tier in the chart's storage facts
 * (`{ $clusterObjectName: <suffix> }`) instead of taking the claim for a static one ("").
 */
function ownClassOf(v: unknown): string | undefined {
  const ref = refIn(v);
  const suffix = ref ? nameSuffixOf(ref.path) : undefined;
  return suffix !== undefined && ref!.path !== `${OBJECT_NAME}${suffix}` ? `${OWN_CLASS}${suffix}` : undefined;
}

/** The prefix of an awaited claim's class the chart makes itself (see ownClassOf). */
export const OWN_CLASS = '$own:';

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Resolves a fact with a release's values (chart defaults merged with the environment's): what the value is (a number after arithmetic). */
export function resolveFactWith(f: Fact | string, valueAt: (path: string) => unknown): unknown {
  if (typeof f === 'number' || typeof f === 'string') return f;
  if ('$formula' in f) return evaluateEncodedFormula(f.$formula, (r) => (r.multiplier !== undefined ? Math.trunc(Number(valueAt(r.path))) * r.multiplier : valueAt(r.path)));
  const v = valueAt(f.$value);
  return f.multiply !== undefined ? Math.trunc(Number(v)) * f.multiply : v;
}

/** A resolved fact as a number, or undefined when it is none. */
function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** How long the wait for each object may honestly take, in seconds (Infinity: no bound), and the total the release timeout must cover. */
export interface AwaitBudget {
  /** Seconds per awaited object (name → seconds), in the order given. */
  readonly objects: readonly { readonly kind: string; readonly name: string; readonly seconds: number; readonly why: string }[];
  /** Jobs without a deadline: waiting for them has no bound (`disableWaitForJobs` is then needed). */
  readonly unboundedJobs: readonly string[];
  /** The longest wait among the objects helm-controller will wait for (Jobs only when `waitForJobs`). */
  readonly longest: number;
}

export interface AwaitBudgetOptions {
  /** Reads a fact (resolved per release; see resolveFactWith). */
  readonly resolve: (f: Fact) => unknown;
  /** Seconds until a claim of this class is bound (dynamic provisioning), by class name. */
  readonly provisioningSeconds: (storageClassName: string) => number;
  /** Whether Jobs are awaited (helm-controller's default; `disableWaitForJobs: true` turns it off). */
  readonly waitForJobs: boolean;
}

/** The seconds each awaited object may take (see AwaitBudget). */
export function awaitBudget(objects: readonly AwaitedObject[], options: AwaitBudgetOptions): AwaitBudget {
  const o = { ...options, resolve: (f: Fact) => numberOf(options.resolve(f)) };
  const claimSeconds = new Map<string, number>();
  for (const a of objects) {
    if (a.kind !== 'PersistentVolumeClaim') continue;
    const sc = typeof a.storageClassName === 'string' ? a.storageClassName : options.resolve(a.storageClassName);
    claimSeconds.set(a.name, o.provisioningSeconds(String(sc ?? '')));
  }
  const out: { kind: string; name: string; seconds: number; why: string }[] = [];
  const unboundedJobs: string[] = [];
  for (const a of objects) {
    if (a.kind === 'Job') {
      const deadline = a.deadline === undefined ? undefined : o.resolve(a.deadline);
      if (deadline === undefined) unboundedJobs.push(a.name);
      out.push({ kind: a.kind, name: a.name, seconds: deadline ?? Infinity, why: deadline === undefined ? 'no activeDeadlineSeconds' : `activeDeadlineSeconds ${deadline}` });
    } else if (a.kind === 'PersistentVolumeClaim') {
      const s = claimSeconds.get(a.name) ?? 0;
      out.push({ kind: a.kind, name: a.name, seconds: s, why: `bound within ${s} s` });
    } else if (a.kind === 'CustomResource') {
      out.push({ kind: a.resourceKind, name: a.name, ...customSeconds(a, o.resolve, claimSeconds) });
    } else {
      const replicas = Math.max(0, Math.trunc(o.resolve(a.replicas) ?? 1));
      const surge = surgePods(typeof a.surge === 'string' && a.surge.endsWith('%') ? a.surge : typeof a.surge === 'string' ? Number(a.surge) : o.resolve(a.surge), replicas);
      const pod = a.podReady.reduce<number>((n, f) => n + (o.resolve(f) ?? 0), 0);
      const init = a.init === undefined ? 0 : (o.resolve(a.init) ?? 0);
      const rounds = replicas === 0 ? 0 : Math.ceil(replicas / surge);
      const bind = Math.max(0, ...a.claims.map((c) => claimSeconds.get(c) ?? 0));
      const seconds = replicas === 0 ? 0 : bind + init + rounds * pod;
      out.push({
        kind: a.kind,
        name: a.name,
        seconds,
        why: `${replicas} replica(s) in ${rounds} round(s) of ${pod} s${init > 0 ? `, the first after a gate of up to ${init} s` : ''}${bind > 0 ? `, after claims bound within ${bind} s` : ''}`,
      });
    }
  }
  const longest = Math.max(0, ...out.filter((x) => o.waitForJobs || x.kind !== 'Job').map((x) => x.seconds));
  return { objects: out, unboundedJobs, longest };
}

/** The seconds of a custom resource and why: its kind's rule (not awaited: 0), rounds of its budget. */
function customSeconds(a: Extract<AwaitedObject, { kind: 'CustomResource' }>, resolve: (f: Fact) => number | undefined, claimSeconds: ReadonlyMap<string, number>): { seconds: number; why: string } {
  const rule = customKind(a.apiVersion, a.resourceKind);
  if (!rule || rule.role !== 'awaited' || !a.ready) return { seconds: 0, why: rule ? rule.short : 'a kind strata does not know: not counted' };
  const one = a.ready.reduce<number>((n, f) => n + (resolve(f) ?? 0), 0);
  const replicas = a.replicas === undefined ? 1 : Math.max(0, Math.trunc(resolve(a.replicas) ?? 1));
  const perRound = a.surge === undefined ? 1 : Math.max(1, Math.trunc(resolve(a.surge) ?? 1));
  const rounds = replicas === 0 ? 0 : Math.ceil(replicas / perRound);
  const basis = a.basis === 'declared' ? 'declared by the chart' : a.basis === 'pod start' ? 'pod start only' : `its ${a.basis}`;
  const bind = Math.max(0, ...(a.claims ?? []).map((c) => claimSeconds.get(c) ?? 0));
  const init = a.init === undefined || a.basis === 'declared' ? 0 : (resolve(a.init) ?? 0);
  return {
    seconds: (rounds === 0 ? 0 : bind + init) + rounds * one,
    why: `${rule.short}, ${rounds > 1 ? `${rounds} rounds of ${one} s` : `within ${one} s`} (${basis})${init > 0 && rounds > 0 ? `, the first after a gate of up to ${init} s` : ''}${bind > 0 && rounds > 0 ? `, after claims bound within ${bind} s` : ''}`,
  };
}

/** Pods one rollout round may add: maxSurge absolute, or a percentage of replicas rounded up (Kubernetes' rule), at least 1. */
function surgePods(surge: number | string | undefined, replicas: number): number {
  if (typeof surge === 'string') return Math.max(1, Math.ceil((replicas * Number(surge.slice(0, -1))) / 100));
  return Math.max(1, Math.trunc(surge ?? 1));
}

/**
 * Seconds until a claim of a class is bound, by the class's provisioner: FSx for Lustre creates a
 * file system (minutes: "it can take 5–10 minutes" for scratch, longer for persistent ones —
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/getting-started.html; 30 minutes of margin),
 * EFS an access point (seconds), static and local volumes bind as soon as they exist or are chosen.
 */
export const PROVISIONING_SECONDS: { readonly [provisioner: string]: number } = {
  'fsx.csi.aws.com': 1800,
  'efs.csi.aws.com': 120,
  's3.csi.aws.com': 0,
  'kubernetes.io/no-provisioner': 0,
};

/** A HelmRelease timeout (a Go duration) covering `seconds` plus a margin for Helm's own work, in whole minutes, at least 10 minutes. */
export function timeoutFor(seconds: number): string {
  const minutes = Math.max(10, Math.ceil((seconds + 300) / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${m > 0 ? `${m}m` : ''}` : `${m}m`;
}
