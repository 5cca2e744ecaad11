/**
 * Where the pods of a rendered object are: every check that looks at pods (references, Pod
 * Security, scheduling, disruption, flushes) finds them here, whatever kind holds them. A kind is
 * known by the paths of its pod templates and how many pods each one runs; adding a kind (a
 * workload operator's custom resource) is one entry in this table, and a chart can declare more
 * (`PodTemplatePaths`, recorded in its Chart.yaml).
 */

/** A rendered Kubernetes object. */
export interface Manifest {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: any };
  readonly [key: string]: any;
}

/** One pod template of an object: where it is, its metadata and pod spec, and how many pods run it at once. */
export interface PodTemplate {
  /** The object: "Deployment ml/llm-inference-models-server". */
  readonly owner: string;
  readonly kind: string;
  /** The path of the pod spec in the object, e.g. "spec.template.spec", "spec.replicatedJobs[0].template.spec.template.spec". */
  readonly path: string;
  /** The template's metadata (labels, annotations); `{}` for a Pod's own. */
  readonly metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: { readonly [key: string]: any };
  /** Pods that run this template at once (replicas, parallelism); 1 when the kind has one pod. */
  readonly replicas: number;
}

/** One template found in an object: its path, the live `{ metadata, spec }` object, and its pod count. */
export interface FoundTemplate {
  readonly path: string;
  readonly template: any;
  readonly replicas: number;
  /**
   * Where the pod spec is when not at `<path>.spec`: a kind that inlines pod fields into its own
   * object (an InferenceService's `spec.predictor`), or a view of pods an operator builds from
   * other fields (a NIMService's `spec`).
   * @default - `<path>.spec`
   */
  readonly specPath?: string;
}

/**
 * The objects checked together with an object — its release, or for the reference lint and the
 * lifecycle check its environment — for a view whose pods depend on another object: a TrainJob's
 * pods are its runtime's templates with the TrainJob's fields merged in (trainJobTemplates).
 */
export interface PodTemplateContext {
  readonly objects: readonly Manifest[];
}

/** How to find the pod templates of one kind. */
export interface PodTemplateKind {
  /** The API group the kind belongs to ('' for the core group); an object of another group with the same kind name is not this kind. */
  readonly group: string;
  /**
   * Each template: the path of its pod template (the object holding `metadata` and `spec`), and how
   * many pods run it. `context`, when given, holds the objects checked with `o`; most kinds need
   * only `o`.
   */
  readonly templates: (o: Manifest, context?: PodTemplateContext) => readonly FoundTemplate[];
}

/**
 * Where a kind keeps its pod templates, as data: a chart records this for the custom kinds it
 * declares, so every check reaches their pods too.
 */
export interface PodTemplatePaths {
  /** The API group, e.g. "ray.io" ('' for the core group). */
  readonly group: string;
  readonly kind: string;
  readonly templates: readonly PodTemplatePath[];
}

/** One pod template of a kind, as paths. */
export interface PodTemplatePath {
  /**
   * The path of the pod template (the object with `metadata` and `spec`): keys separated by dots,
   * `[]` after a key for each item of that array, `{}` for each value of that map, e.g.
   * `spec.workerGroupSpecs[].template`.
   */
  readonly path: string;
  /**
   * Paths of the numbers whose product is how many pods run the template at once, each missing
   * number counting as 1. Their `[]` and `{}` take the same item as the template's, in order:
   * `spec.workerGroupSpecs[].replicas` is the replicas of the template's own group.
   * @default - one pod
   */
  readonly replicas?: readonly string[];
}

/** The API group of an apiVersion ("ray.io/v1" → "ray.io", "v1" → ""). */
export function groupOf(apiVersion: string | undefined): string {
  return apiVersion && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

const SEGMENT = /^([^[\]{}]+)(\[\]|\{\})?$/;

/** Checks a path of PodTemplatePath; returns the problem, or undefined when well formed. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  for (const part of path.split('.')) if (!SEGMENT.test(part)) return `has a malformed part '${part}' (keys separated by dots, each optionally followed by [] or {})`;
  return undefined;
}

/** Every value at a path, with its concrete path and the items chosen at each `[]`/`{}`. */
function expand(o: any, path: string, bindings: readonly (string | number)[] = []): { value: any; at: string; keys: (string | number)[] }[] {
  let found: { value: any; at: string; keys: (string | number)[] }[] = [{ value: o, at: '', keys: [] }];
  for (const part of path.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m) return [];
    const [, key, wildcard] = m;
    const next: typeof found = [];
    for (const f of found) {
      const v = f.value === null || typeof f.value !== 'object' ? undefined : f.value[key];
      const at = f.at ? `${f.at}.${key}` : key;
      if (v === undefined || v === null) continue;
      if (!wildcard) {
        next.push({ value: v, at, keys: f.keys });
        continue;
      }
      const bound = bindings[f.keys.length];
      const entries: [string | number, any][] = wildcard === '[]' ? (Array.isArray(v) ? v.map((x, i) => [i, x]) : []) : typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : [];
      for (const [k, x] of entries) {
        if (bound !== undefined && bound !== k) continue;
        next.push({ value: x, at: wildcard === '[]' ? `${at}[${k}]` : `${at}.${k}`, keys: [...f.keys, k] });
      }
    }
    found = next;
  }
  return found;
}

const count = (v: unknown, fallback = 1): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** A table entry from paths (how declared kinds, and most operators' kinds, are described). */
export function kindFromPaths(paths: PodTemplatePaths): PodTemplateKind {
  return {
    group: paths.group,
    templates: (o) =>
      paths.templates.flatMap((t) =>
        expand(o, t.path).map((f) => ({
          path: f.at,
          template: f.value,
          replicas: (t.replicas ?? []).reduce((n, r) => n * count(expand(o, r, f.keys)[0]?.value), 1),
        })),
      ),
  };
}

const at = (o: any, path: string): any => path.split('.').reduce((cur, k) => (cur === undefined || cur === null ? undefined : cur[k]), o);

/** Ray's head and worker groups, below `base` (RayCluster: `spec`; RayJob: `spec.rayClusterSpec`; RayService: `spec.rayClusterConfig`). */
const rayGroups = (base: string): PodTemplatePath[] => [
  { path: `${base}.headGroupSpec.template` },
  // Pods of a worker group: replicas (KubeRay defaults it to minReplicas) × numOfHosts (multi-host TPU/GPU groups).
  { path: `${base}.workerGroupSpecs[].template`, replicas: [`${base}.workerGroupSpecs[].replicas`, `${base}.workerGroupSpecs[].numOfHosts`] },
];

/** A JobSet spec's replicated Jobs below `base`: replicas × each Job's parallelism. */
const replicatedJobs = (base: string): PodTemplatePath[] => [
  { path: `${base}.replicatedJobs[].template.spec.template`, replicas: [`${base}.replicatedJobs[].replicas`, `${base}.replicatedJobs[].template.spec.parallelism`] },
];

/** The replicated Job (and its container) that runs a TrainJob's trainer (kubeflow/trainer@v2.3.0 pkg/constants/constants.go `Node`). */
const TRAINER_NODE = 'node';

/** Lists of a pod spec patch merged item by item (strategic merge patch keys of core/v1). */
const MERGE_KEYS: { readonly [field: string]: string } = { containers: 'name', initContainers: 'name', volumes: 'name', imagePullSecrets: 'name', schedulingGates: 'name', env: 'name', volumeMounts: 'mountPath' };

/**
 * `b` over `a` as a strategic merge patch of a pod spec does it: maps merged, keyed lists merged by
 * key, other lists and scalars replaced. A volume replaces the one of its name (core/v1
 * VolumeSource is `retainKeys`: only the patch's source remains).
 */
function mergePatch(a: any, b: any, field = ''): any {
  if (Array.isArray(b)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(a)) return b;
    const out = [...a];
    for (const item of b) {
      const i = out.findIndex((x) => x?.[key] === item?.[key]);
      if (i < 0) out.push(item);
      else out[i] = field === 'volumes' ? item : mergePatch(out[i], item);
    }
    return out;
  }
  if (b === null || typeof b !== 'object' || a === null || typeof a !== 'object' || Array.isArray(a)) return b;
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergePatch(out[k], v, k) : v;
  return out;
}

/** A Spark role's pods as the view builds them. */
type SparkRole = 'driver' | 'executor';

/**
 * The container Spark builds each role on: the name the operator gives Spark
 * (`spark.kubernetes.{driver,executor}.podTemplateContainerName`, kubeflow/spark-operator@v2.5.2
 * internal/controller/sparkapplication/submission.go), and "executor" of Spark 2; like the
 * operator's webhook (internal/webhook/sparkpod_defaulter.go `findContainer`), the first container
 * when none has these names.
 */
const SPARK_CONTAINERS: { readonly [role in SparkRole]: readonly string[] } = {
  driver: ['spark-kubernetes-driver'],
  executor: ['spark-kubernetes-executor', 'executor'],
};

/** A JVM memory string ("512m", "4g", "2048": MiB without a unit) in MiB, as Spark reads spark.{driver,executor}.memory; undefined when it is not one. */
function sparkMiB(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const m = typeof value === 'string' ? /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value) : null;
  if (!m) return undefined;
  const unit: { [u: string]: number } = { '': 1, b: 1 / 1048576, k: 1 / 1024, kb: 1 / 1024, m: 1, mb: 1, g: 1024, gb: 1024, t: 1048576, tb: 1048576, p: 1073741824, pb: 1073741824 };
  const f = unit[m[2].toLowerCase()];
  return f === undefined ? undefined : Math.floor(Number(m[1]) * f);
}

/**
 * The pod resources Spark gives its container (apache/spark v4.x resource-managers/kubernetes/core
 * …/features/BasicDriverFeatureStep.scala and BasicExecutorFeatureStep.scala): a CPU request of
 * `coreRequest` or `cores` (1), a CPU limit of `coreLimit`, and memory request = limit =
 * `memory` (1g) + `memoryOverhead`, whose default is max(`minMemoryOverhead` (384 MiB), factor ×
 * memory) with factor 0.1, or 0.4 for Python and R; the operator's `memoryLimit` and `gpu` add to
 * the limits (internal/webhook/sparkpod_defaulter.go). Other resources of the template stay.
 * Not counted: spark.executor.pyspark.memory and off-heap memory.
 */
function sparkResources(spec: any, role: SparkRole, current: any): any {
  const r = spec[role] ?? {};
  const conf: { [key: string]: string } = spec.sparkConf ?? {};
  const cores = r.cores ?? conf[`spark.${role}.cores`] ?? 1;
  const cpu = r.coreRequest ?? conf[`spark.kubernetes.${role}.request.cores`] ?? String(cores);
  const cpuLimit = r.coreLimit ?? conf[`spark.kubernetes.${role}.limit.cores`];
  const memory = sparkMiB(r.memory ?? conf[`spark.${role}.memory`] ?? '1g');
  const nonJvm = spec.type === 'Python' || spec.type === 'R';
  const factor = Number(conf[`spark.${role}.memoryOverheadFactor`] ?? spec.memoryOverheadFactor ?? conf['spark.kubernetes.memoryOverheadFactor'] ?? (nonJvm ? 0.4 : 0.1));
  const explicit = r.memoryOverhead ?? conf[`spark.${role}.memoryOverhead`];
  const overhead = explicit !== undefined ? sparkMiB(explicit) : memory === undefined ? undefined : Math.max(Math.floor(factor * memory), sparkMiB(conf[`spark.${role}.minMemoryOverhead`]) ?? 384);
  const requests = { ...(current?.requests ?? {}), cpu };
  const limits: { [k: string]: unknown } = { ...(current?.limits ?? {}) };
  if (cpuLimit !== undefined) limits.cpu = cpuLimit;
  if (memory !== undefined && overhead !== undefined) {
    requests.memory = `${memory + overhead}Mi`;
    limits.memory = `${memory + overhead}Mi`;
  }
  const memoryLimit = sparkMiB(r.memoryLimit);
  if (memoryLimit !== undefined) limits.memory = `${memoryLimit}Mi`;
  if (r.gpu?.name && r.gpu.quantity > 0) limits[r.gpu.name] = r.gpu.quantity;
  return Object.keys(limits).length > 0 ? { requests, limits } : { requests };
}

/** Adds each item whose `key` no item has yet. */
function addNew(items: any[] | undefined, more: readonly any[] | undefined, key: (x: any) => string): any[] | undefined {
  if (!more || more.length === 0) return items;
  const out = [...(items ?? [])];
  for (const m of more) if (!out.some((x) => key(x) === key(m))) out.push(m);
  return out;
}

/** The API group of Trainer v2's kinds (kubeflow/trainer@v2.3.0 pkg/apis/trainer/v1alpha1). */
const TRAINER_GROUP = 'trainer.kubeflow.org';
/** The label of a runtime's replicated Job saying which part of a TrainJob it runs (pkg/constants `LabelTrainJobAncestor`). */
const ANCESTOR_LABEL = 'trainer.kubeflow.org/trainjob-ancestor-step';
/** Initializer Jobs and containers (pkg/constants `DatasetInitializer`, `ModelInitializer`), by the TrainJob field that configures them. */
const INITIALIZERS: readonly (readonly ['dataset' | 'model', string])[] = [
  ['dataset', 'dataset-initializer'],
  ['model', 'model-initializer'],
];

/**
 * The runtime a TrainJob refers to, among `objects`: `spec.runtimeRef` (kind ClusterTrainingRuntime
 * and group trainer.kubeflow.org unless given: the CRD's defaults) by name — a TrainingRuntime only
 * in the TrainJob's namespace, where Trainer looks it up (pkg/runtime/core/trainingruntime.go
 * `NewObjects`), a ClusterTrainingRuntime by name alone.
 */
export function trainJobRuntime(tj: Manifest, objects: readonly Manifest[]): Manifest | undefined {
  const ref = tj.spec?.runtimeRef ?? {};
  const kind = ref.kind ?? 'ClusterTrainingRuntime';
  if ((ref.apiGroup ?? TRAINER_GROUP) !== TRAINER_GROUP || typeof ref.name !== 'string') return undefined;
  return objects.find(
    (o) => o.kind === kind && groupOf(o.apiVersion) === TRAINER_GROUP && o.metadata.name === ref.name && (kind === 'ClusterTrainingRuntime' || o.metadata.namespace === tj.metadata.namespace),
  );
}

/** Env upserted by name, as Trainer does (pkg/apply `UpsertEnvVars`): a variable of the same name is replaced in place. */
function upsertEnv(env: readonly any[] | undefined, more: readonly any[] | undefined): any[] | undefined {
  if (!more || more.length === 0) return env as any[] | undefined;
  const out = [...(env ?? [])];
  for (const e of more) {
    const i = out.findIndex((x) => x?.name === e?.name);
    if (i < 0) out.push(e);
    else out[i] = e;
  }
  return out;
}

/**
 * A container's resources with `resourcesPerNode` over them: limits and requests per resource,
 * claims by name (kubeflow/trainer@v2.3.0 pkg/util/trainingruntime `MergeResourceRequirements`).
 */
function mergeResources(base: any, over: any): any {
  if (!over) return base;
  const out: Record<string, any> = { ...(base ?? {}) };
  for (const k of ['limits', 'requests']) if (over[k]) out[k] = { ...(out[k] ?? {}), ...over[k] };
  if (over.claims) out.claims = mergePatch(out.claims, over.claims, 'claims');
  return out;
}

/**
 * A training runtime's replicated Jobs' pod templates, each run by 0 pods: a runtime is the
 * template TrainJobs start from (Trainer copies it when one starts), and no pod runs from it alone.
 * Its templates are still checked for what they hold (references, Pod Security, scripts); the pods
 * that run are its TrainJobs', each a view of the runtime's template with the TrainJob merged in.
 */
function runtimeTemplates(kind: string): PodTemplateKind {
  const paths = kindFromPaths({ group: TRAINER_GROUP, kind, templates: replicatedJobs('spec.template.spec') });
  return { group: TRAINER_GROUP, templates: (o) => paths.templates(o).map((t) => ({ ...t, replicas: 0 })) };
}

/**
 * The pods of a TrainJob on its runtime, as Trainer builds the JobSet (kubeflow/trainer@v2.3.0
 * pkg/runtime/core/trainingruntime.go `newRuntimeInfo`, `mergeRuntimePatches`; the jobset plugin,
 * pkg/runtime/framework/plugins/jobset/{builder,jobset}.go; the ML policy plugins' `EnforceMLPolicy`),
 * one per replicated Job of the runtime, in the runtime's order:
 * - the runtime's JobSet template with each `spec.runtimePatches[].trainingRuntimeSpec.template.spec`
 *   merged in by strategic merge patch, patch after patch (replicated Jobs by name, containers,
 *   init containers, volumes, env by name, volume mounts by path; tolerations and node-affinity
 *   terms replaced); a patched Job the runtime lacks is left out (Trainer's webhook refuses it);
 * - in the trainer's Job (labelled trainjob-ancestor-step "trainer") its container "node" gets
 *   `spec.trainer.resourcesPerNode` merged over its resources, `image`, `command` and `args` when
 *   given, and `spec.trainer.env` upserted by name (resources and env also in the Job "node" of an
 *   MPI runtime whose launcher trains as a node);
 * - in an initializer's Job its container of the same name gets `spec.initializer.<part>`:
 *   STORAGE_URI from `storageUri`, its env upserted, its `secretRef` as an envFrom;
 * - pods: the trainer's Job runs `spec.trainer.numNodes`, else the runtime's `mlPolicy.numNodes`
 *   (else 1); an MPI runtime's Job "node" runs numNodes (numNodes − 1, at least 1, when the launcher
 *   trains as a node) and its launcher `mlPolicy.numNodes` (as read in newRuntimeInfo; strata's
 *   TrainJob does not run on MPI runtimes); other Jobs parallelism, × replicas unless labelled as
 *   a TrainJob's step (Trainer runs one replica of those).
 * Left out: what the plugins add that no check reads — PET_*, MPI and XGBoost environment, ports,
 * the MPI SSH volumes, coscheduling labels. A view: metadata and spec are copies, not parts of
 * either object. The path says where the pod is: the JobSet Trainer creates for the TrainJob
 * (named as the TrainJob), `jobSet.spec.replicatedJobs[<name>].template.spec.template`.
 */
function trainJobOnRuntime(tj: Manifest, rt: Manifest): FoundTemplate[] {
  const spec = tj.spec ?? {};
  const trainer = spec.trainer ?? {};
  const policy = rt.spec?.mlPolicy;
  const mpi = policy?.mpi;
  let jobs: any[] = structuredClone(rt.spec?.template?.spec?.replicatedJobs ?? []);
  for (const patch of spec.runtimePatches ?? []) {
    for (const p of patch?.trainingRuntimeSpec?.template?.spec?.replicatedJobs ?? []) {
      const i = jobs.findIndex((j) => j?.name === p?.name);
      if (i >= 0) jobs = jobs.map((j, k) => (k === i ? mergePatch(j, p) : j));
    }
  }
  return jobs.flatMap((job) => {
    const pod = job?.template?.spec?.template;
    if (!pod?.spec || typeof job.name !== 'string') return [];
    const ancestor = job.template?.metadata?.labels?.[ANCESTOR_LABEL];
    const isTrainer = ancestor === 'trainer';
    const launcherAsNode = mpi?.runLauncherAsNode === true && job.name === TRAINER_NODE;
    const containers = (pod.spec.containers ?? []).map((c: any) => {
      if (c?.name === TRAINER_NODE && (isTrainer || launcherAsNode)) {
        const out: Record<string, any> = { ...c };
        if (trainer.resourcesPerNode) out.resources = mergeResources(c.resources, trainer.resourcesPerNode);
        if (isTrainer) for (const f of ['image', 'command', 'args'] as const) if (trainer[f] !== undefined) out[f] = trainer[f];
        const env = upsertEnv(c.env, trainer.env);
        if (env) out.env = env;
        return out;
      }
      const init = INITIALIZERS.find(([, name]) => name === ancestor && name === c?.name);
      const source = init ? spec.initializer?.[init[0]] : undefined;
      if (!source) return c;
      const out: Record<string, any> = { ...c };
      const env = upsertEnv(upsertEnv(c.env, source.storageUri !== undefined ? [{ name: 'STORAGE_URI', value: source.storageUri }] : []), source.env);
      if (env) out.env = env;
      if (source.secretRef?.name) out.envFrom = [...(c.envFrom ?? []), { secretRef: { name: source.secretRef.name } }];
      return out;
    });
    // newRuntimeInfo: the trainer's pod set counts mlPolicy.numNodes, another Job its parallelism;
    // the torch, JAX, XGBoost and plain policies then count the TrainJob's numNodes, MPI its Job "node".
    const parallelism = count(job.template?.spec?.parallelism);
    let pods = isTrainer && policy ? count(policy.numNodes) : parallelism;
    if (isTrainer && !mpi && trainer.numNodes !== undefined) pods = count(trainer.numNodes);
    if (mpi && job.name === TRAINER_NODE && trainer.numNodes !== undefined) pods = mpi.runLauncherAsNode ? Math.max(count(trainer.numNodes) - 1, 1) : count(trainer.numNodes);
    // Trainer runs one replica of the trainer's and the initializers' Jobs (builder.go), the runtime's replicas of the others.
    if (!ancestor) pods *= count(job.replicas);
    return [{ path: `jobSet.spec.replicatedJobs[${job.name}].template.spec.template`, template: { metadata: pod.metadata ?? {}, spec: { ...pod.spec, containers } }, replicas: pods }];
  });
}

/**
 * The pods of a TrainJob (kubeflow/trainer@v2.3.0 manifests/base/crds/trainer.kubeflow.org_trainjobs.yaml).
 * A TrainJob has no pod template: its pods are its runtime's, changed by `spec.trainer` and
 * `spec.runtimePatches`. With the runtime among the objects checked together (`context`: the same
 * release, or the same environment), the view is the pods Trainer runs: trainJobOnRuntime.
 *
 * Without it — a ClusterTrainingRuntime the platform installs, a TrainingRuntime of another
 * chart, a view asked for one object alone — the view cannot see the runtime's pod spec, and
 * sees only what the TrainJob says: each replicated Job a patch names is one pod spec, its patches
 * combined (`spec.runtimePatches[].trainingRuntimeSpec.template.spec.replicatedJobs[].template.spec.template`,
 * a restricted PodSpecPatch merged by strategic merge patch, patch after patch), and for "node"
 * the trainer's fields (image, command, args, env and `resourcesPerNode`) in the container "node"
 * (added when no patch names it). Containers other than "node" a patch names are left out: only
 * their env, mounts and security context are in the patch, their image, resources and the rest
 * are the runtime's, which the checks would read as missing. Pods: `numNodes` for "node" (1 when
 * unset: the runtime's `mlPolicy.numNodes` is not in the object), 1 for the others. What the
 * runtime sets is not checked here at all, and a replicated Job no patch names is not seen. Only
 * the metadata is a live part of the object (writers decorate its labels); the spec is a combined
 * copy. The trainer is taken to be the Job "node", as in the torch, JAX and XGBoost runtimes; an
 * MPI runtime's trainer is its "launcher" Job (manifests/base/runtimes/deepspeed_distributed.yaml),
 * whose trainer fields this view does not place.
 */
function trainJobTemplates(o: Manifest, context?: PodTemplateContext): FoundTemplate[] {
  const runtime = context ? trainJobRuntime(o, context.objects) : undefined;
  if (runtime) return trainJobOnRuntime(o, runtime);
  const trainer = o.spec?.trainer ?? {};
  const jobs = new Map<string, { path: string; live: any; spec: Record<string, any> }>();
  (o.spec?.runtimePatches ?? []).forEach((patch: any, i: number) => {
    (patch?.trainingRuntimeSpec?.template?.spec?.replicatedJobs ?? []).forEach((job: any, j: number) => {
      const live = job?.template?.spec?.template;
      if (!live || typeof job.name !== 'string') return;
      const seen = jobs.get(job.name);
      if (seen) seen.spec = mergePatch(seen.spec, live.spec ?? {});
      else jobs.set(job.name, { path: `spec.runtimePatches[${i}].trainingRuntimeSpec.template.spec.replicatedJobs[${j}].template.spec.template`, live, spec: mergePatch({}, live.spec ?? {}) });
    });
  });
  return [...jobs].map(([name, job]) => {
    let spec = job.spec;
    if (spec.containers) spec = { ...spec, containers: spec.containers.filter((c: any) => c?.name === TRAINER_NODE) };
    if (spec.containers?.length === 0) delete spec.containers;
    if (spec.initContainers) delete spec.initContainers;
    if (name === TRAINER_NODE) {
      const fromTrainer = Object.fromEntries(
        Object.entries({ image: trainer.image, command: trainer.command, args: trainer.args, env: trainer.env, resources: trainer.resourcesPerNode }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(fromTrainer).length > 0) spec = mergePatch(spec, { containers: [{ name: TRAINER_NODE, ...fromTrainer }] });
    }
    const live = job.live;
    const template = {
      get metadata() {
        return live.metadata;
      },
      set metadata(m: any) {
        live.metadata = m;
      },
      spec,
    };
    return { path: job.path, template, replicas: name === TRAINER_NODE ? count(trainer.numNodes) : 1 };
  });
}

/**
 * An InferenceService component (`spec.predictor`, `spec.transformer`, `spec.explainer`,
 * `spec.canary[].predictor`) inlines 40 of the 42 PodSpec fields, all but `ephemeralContainers` and
 * `schedulingGroup` (kserve/kserve@v0.20.0 config/crd/full/serving.kserve.io_inferenceservices.yaml).
 */
const KSERVE_POD_FIELDS = [
  'activeDeadlineSeconds', 'affinity', 'automountServiceAccountToken', 'containers', 'dnsConfig', 'dnsPolicy', 'enableServiceLinks', 'hostAliases', 'hostIPC',
  'hostNetwork', 'hostPID', 'hostUsers', 'hostname', 'hostnameOverride', 'imagePullSecrets', 'initContainers', 'nodeName', 'nodeSelector', 'os', 'overhead',
  'preemptionPolicy', 'priority', 'priorityClassName', 'readinessGates', 'resourceClaims', 'resources', 'restartPolicy', 'runtimeClassName', 'schedulerName',
  'schedulingGates', 'securityContext', 'serviceAccount', 'serviceAccountName', 'setHostnameAsFQDN', 'shareProcessNamespace', 'subdomain',
  'terminationGracePeriodSeconds', 'tolerations', 'topologySpreadConstraints', 'volumes',
];
/** The predictor's framework shortcuts: each a Container plus model fields, turned into `model` by KServe's defaulter. */
const KSERVE_FRAMEWORKS = ['sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle'];
/** Fields of `model` (and of a framework) that are not Container fields. */
const KSERVE_MODEL_FIELDS = ['modelFormat', 'runtime', 'runtimeVersion', 'protocolVersion', 'storageUri', 'storage', 'confidential'];
/** kserve/kserve@v0.20.0 pkg/constants/constants.go. */
const KSERVE_CONTAINER = 'kserve-container';
const KSERVE_TRANSFORMER_CONTAINER = 'transformer-container';
const KSERVE_WORKER_CONTAINER = 'worker-container';
const KSERVE_MODEL_DIR = '/mnt/models';

/** The pod fields of a ServingRuntime's spec (kserve/kserve@v0.20.0 pkg/apis/serving/v1alpha1/servingruntime_types.go `ServingRuntimePodSpec`). */
const SERVING_RUNTIME_POD_FIELDS = ['containers', 'volumes', 'affinity', 'nodeSelector', 'tolerations', 'imagePullSecrets', 'schedulerName', 'hostIPC'];

/**
 * A NIMService reading a NIMCache names the cache, not its claim: the operator mounts the claim
 * the cache's status names. The pod view cannot read another object, so strata's NIMService writes
 * the cache's claim (and subPath) in these annotations of its own metadata, which the operator
 * does not read.
 */
export const NIM_CACHE_CLAIM_ANNOTATION = 'strata.dev/nim-cache-claim';
export const NIM_CACHE_SUB_PATH_ANNOTATION = 'strata.dev/nim-cache-sub-path';

/**
 * Template metadata that writes through to a component's own `labels` and `annotations` (KServe
 * puts them on the component's pods), so writers that decorate pod templates (selector labels)
 * reach the object.
 */
function liveMetadata(holder: Record<string, any>): { labels?: Record<string, string>; annotations?: Record<string, string> } {
  return {
    get labels() {
      return holder.labels;
    },
    set labels(v) {
      holder.labels = v;
    },
    get annotations() {
      return holder.annotations;
    },
    set annotations(v) {
      holder.annotations = v;
    },
  };
}

/** The longest common directory of absolute paths (kserve/kserve@v0.20.0 pkg/utils/storage.go `FindCommonParentPath`). */
function commonParent(paths: readonly string[]): string {
  const split = paths.map((p) => p.split('/').filter(Boolean));
  const out: string[] = [];
  for (let i = 0; split.length > 0 && i < split[0].length; i++) {
    if (split.every((s) => s[i] === split[0][i])) out.push(split[0][i]);
    else break;
  }
  return `/${out.join('/')}`;
}

/**
 * The pod KServe runs for one InferenceService component, as a VIEW inferred from KServe's source
 * (kserve/kserve@v0.20.0): the component's inlined pod fields; the model container (`model`, or a
 * framework shortcut) as `kserve-container`, first, with the Container fields it gives (KServe
 * merges them over the runtime's container, whose image and args this view does not have: they are
 * the ServingRuntime's, checked through its own view); and the model's volume as KServe adds it
 * (pkg/webhook/admission/pod/storage_initializer_injector.go `CommonStorageInitialization`,
 * pkg/utils/storage.go `AddModelMount`):
 * - `storageUri: pvc://<claim>[/<path>]` (or a custom container's STORAGE_URI): volume
 *   `kserve-pvc-source` of the claim, mounted into kserve-container (and transformer-container) at
 *   /mnt/models with subPath `<path>`, read-only unless `storage.kserve.io/readonly: "false"`;
 * - any other URI: the `kserve-provision-location` emptyDir at /mnt/models. The storage-initializer
 *   init container that fills it is left out: its security context comes from a cluster object
 *   (a ClusterStorageContainer) outside the chart; strata's InferenceService requires one to be named.
 * - `storageUris[]`: a pvc:// entry is its claim at its mountPath (volume named from the path, no
 *   subPath); the others share one emptyDir at their common parent.
 * Left out: the `storage` (storage key) form, LocalModelCache node caches, `workerSpec` pods.
 */
function kserveComponent(o: Manifest, c: any, at: string): FoundTemplate[] {
  if (!c || typeof c !== 'object') return [];
  const spec: Record<string, any> = {};
  for (const f of KSERVE_POD_FIELDS) if (c[f] !== undefined) spec[f] = c[f];
  const containers: Record<string, any>[] = structuredClone(c.containers ?? []);
  const impl = c.model ?? KSERVE_FRAMEWORKS.map((k) => c[k]).find((x) => x && typeof x === 'object');
  if (impl && typeof impl === 'object') {
    const main: Record<string, any> = {};
    for (const [k, v] of Object.entries(impl)) if (!KSERVE_MODEL_FIELDS.includes(k)) main[k] = structuredClone(v);
    containers.unshift({ ...main, name: KSERVE_CONTAINER });
  }
  const volumes: Record<string, any>[] = structuredClone(c.volumes ?? []);
  const annotations = { ...(o.metadata.annotations ?? {}), ...(c.annotations ?? {}) };
  const readOnly = annotations['storage.kserve.io/readonly'] !== 'false';
  const user = containers.find((x) => x.name === KSERVE_CONTAINER) ?? containers.find((x) => x.name === KSERVE_WORKER_CONTAINER);
  const targets = [user, containers.find((x) => x.name === KSERVE_TRANSFORMER_CONTAINER)].filter((x): x is Record<string, any> => !!x);
  const addVolume = (v: Record<string, any>) => {
    if (!volumes.some((x) => x.name === v.name)) volumes.push(v);
  };
  const mount = (m: Record<string, any>) => {
    for (const t of targets) if (!(t.volumeMounts ?? []).some((x: any) => x.name === m.name)) t.volumeMounts = [...(t.volumeMounts ?? []), m];
  };
  const envUri = (user ?? containers[0])?.env?.find((e: any) => e.name === 'STORAGE_URI')?.value;
  const uri = impl && typeof impl === 'object' ? impl.storageUri : envUri;
  if (typeof uri === 'string' && uri.startsWith('pvc://')) {
    const [claim, ...rest] = uri.slice('pvc://'.length).split('/');
    addVolume({ name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: claim } });
    mount({ name: 'kserve-pvc-source', mountPath: KSERVE_MODEL_DIR, ...(rest.join('/') ? { subPath: rest.join('/') } : {}), readOnly });
  } else if (typeof uri === 'string' && uri !== '') {
    addVolume({ name: 'kserve-provision-location', emptyDir: {} });
    mount({ name: 'kserve-provision-location', mountPath: KSERVE_MODEL_DIR, readOnly });
  }
  const uris: { uri?: string; mountPath?: string }[] = Array.isArray(c.storageUris) ? c.storageUris : [];
  const downloaded: string[] = [];
  for (const s of uris) {
    const mountPath = s.mountPath ?? KSERVE_MODEL_DIR;
    const name = mountPath.replace(/^\/+|\/+$/g, '').replace(/\//g, '-');
    if (typeof s.uri === 'string' && s.uri.startsWith('pvc://')) {
      addVolume({ name, persistentVolumeClaim: { claimName: s.uri.slice('pvc://'.length).split('/')[0] } });
      mount({ name, mountPath, readOnly });
    } else downloaded.push(mountPath);
  }
  if (downloaded.length > 0) {
    const parent = commonParent(downloaded);
    const name = parent.replace(/^\/+|\/+$/g, '').replace(/\//g, '-');
    addVolume({ name, emptyDir: {} });
    mount({ name, mountPath: parent, readOnly });
  }
  if (containers.length > 0) spec.containers = containers;
  if (volumes.length > 0) spec.volumes = volumes;
  return [{ path: at, specPath: at, template: { metadata: liveMetadata(c), spec }, replicas: count(c.minReplicas) }];
}

/**
 * A ServingRuntime's (or ClusterServingRuntime's) pod fields, `spec` itself and `spec.workerSpec`:
 * not pods of their own (0 replicas) but containers that run in every InferenceService pod naming
 * the runtime, merged under the InferenceService's pod (kserve/kserve@v0.20.0
 * pkg/controller/v1beta1/inferenceservice/components/predictor.go `buildPodSpec`). The metadata
 * is a copy: a runtime's labels go to other objects' pods, so writers do not decorate it.
 */
function servingRuntimePods(o: Manifest): FoundTemplate[] {
  const view = (s: any, at: string): FoundTemplate => {
    const spec: Record<string, any> = {};
    for (const f of SERVING_RUNTIME_POD_FIELDS) if (s[f] !== undefined) spec[f] = s[f];
    const metadata = { ...(s.labels ? { labels: { ...s.labels } } : {}), ...(s.annotations ? { annotations: { ...s.annotations } } : {}) };
    return { path: at === 'spec' ? '' : at, specPath: at, template: { metadata, spec }, replicas: 0 };
  };
  const s = o.spec;
  if (!s || typeof s !== 'object') return [];
  return [view(s, 'spec'), ...(s.workerSpec && typeof s.workerSpec === 'object' ? [view(s.workerSpec, 'spec.workerSpec')] : [])];
}

/** Environment merged as the operator merges it: `extra` first, then the base variables it does not name (NVIDIA/k8s-nim-operator@v3.1.2 internal/utils/utils.go `MergeEnvVars`). */
function mergeEnv(base: readonly any[], extra: readonly any[]): any[] {
  const named = new Set(extra.map((e) => e.name));
  return [...extra.map((e) => structuredClone(e)), ...base.filter((e) => !named.has(e.name))];
}

const secretEnv = (name: string, secret: string, optional: boolean) => ({ name, valueFrom: { secretKeyRef: { name: secret, key: name, ...(optional ? { optional: true } : {}) } } });

/**
 * The pod the NIM operator runs for a NIMService, as a VIEW inferred from the operator's source
 * (NVIDIA/k8s-nim-operator@v3.1.2): a NIMService has no pod template; the operator renders a
 * Deployment (manifests/deployment.yaml) from `GetDeploymentParams`, `GetVolumes` and
 * `GetVolumeMounts` (api/apps/v1alpha1/nimservice_types.go) and
 * internal/controller/platform/standalone/nimservice.go:
 * - one container `<name>-ctr`: the image, command, args, the user's env then the operator's
 *   (NIM_CACHE_PATH=/model-store, NGC_API_KEY from `authSecret`, the port variables…), the API port,
 *   `resources`; no securityContext (the operator writes none);
 * - volumes `dshm` (a Memory emptyDir at /dev/shm) and `model-store` at /model-store (subPath of
 *   the claim): `storage.pvc` (`<name>-pvc` when the operator creates it), the claim of a NIMCache
 *   (`storage.nimCache`: known here only from strata's NIM_CACHE_CLAIM_ANNOTATION, else left out),
 *   an emptyDir, or a hostPath; `scratch` at /scratch when there are init or sidecar containers;
 * - pod security context runAsUser `userID` (1000), runAsGroup and fsGroup `groupID` (2000); no
 *   seccompProfile (written only on VMware TKGS); nodeSelector, tolerations, affinity,
 *   imagePullSecrets, runtimeClassName, schedulerName, priorityClassName as given;
 * - labels: the operator's standard labels win over `spec.labels` (`MergeMaps`), so the chart's
 *   app.kubernetes.io/name and instance never reach the pods; the metadata is a copy, not live.
 * The ServiceAccount (named after the NIMService) is the operator's, so the view names none.
 * Left out: native (NIMCraft) images, which mount the store at /model and /opt/cache (decided
 * from the image at run time); the proxy CA volumes; the MPI volumes of multi-node (LWS) pods,
 * whose count is replicas × pipeline parallelism here.
 */
function nimServicePod(o: Manifest): FoundTemplate[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [];
  const name = o.metadata.name;
  const port = s.expose?.service?.port ?? 8000;
  const standard: any[] = [
    { name: 'NIM_CACHE_PATH', value: '/model-store' },
    secretEnv('NGC_API_KEY', s.authSecret, false),
    { name: 'OUTLINES_CACHE_DIR', value: '/tmp/outlines' },
    { name: 'NIM_SERVER_PORT', value: `${port}` },
    { name: 'NIM_HTTP_API_PORT', value: `${port}` },
    { name: 'NIM_JSONL_LOGGING', value: '1' },
    { name: 'NIM_LOG_LEVEL', value: 'INFO' },
    ...(s.expose?.service?.grpcPort !== undefined ? [{ name: 'NIM_GRPC_API_PORT', value: `${s.expose.service.grpcPort}` }, { name: 'NIM_TRITON_GRPC_PORT', value: `${s.expose.service.grpcPort}` }] : []),
    ...(s.expose?.service?.metricsPort !== undefined ? [{ name: 'NIM_TRITON_METRICS_PORT', value: `${s.expose.service.metricsPort}` }] : []),
  ];
  let env = mergeEnv(standard, s.env ?? []);
  // A Hugging Face model (NIM_MODEL_NAME hf://…): NGC_API_KEY becomes optional and HF_TOKEN is read from the same Secret.
  if (String(env.find((e) => e.name === 'NIM_MODEL_NAME')?.value ?? '').startsWith('hf://')) {
    env = mergeEnv(env.filter((e) => e.name !== 'NGC_API_KEY'), [secretEnv('NGC_API_KEY', s.authSecret, true), secretEnv('HF_TOKEN', s.authSecret, false)]);
  }
  const storage = s.storage ?? {};
  const annotations = o.metadata.annotations ?? {};
  const claim = storage.nimCache?.name ? annotations[NIM_CACHE_CLAIM_ANNOTATION] : storage.pvc?.create ? storage.pvc.name || `${name}-pvc` : storage.pvc?.name;
  const subPath = storage.nimCache?.name ? annotations[NIM_CACHE_SUB_PATH_ANNOTATION] : storage.pvc?.subPath;
  const inits: any[] = s.initContainers ?? [];
  const sidecars: any[] = s.sidecarContainers ?? [];
  const scratch = inits.length > 0 || sidecars.length > 0;
  const volumes: any[] = [{ name: 'dshm', emptyDir: { medium: 'Memory', ...(storage.sharedMemorySizeLimit !== undefined ? { sizeLimit: storage.sharedMemorySizeLimit } : {}) } }];
  if (scratch) volumes.push({ name: 'scratch', emptyDir: {} });
  const modelStore = claim
    ? { name: 'model-store', persistentVolumeClaim: { claimName: claim, ...(storage.readOnly === true ? { readOnly: true } : {}) } }
    : storage.nimCache?.name
      ? undefined
      : storage.emptyDir
        ? { name: 'model-store', emptyDir: { ...(storage.emptyDir.sizeLimit !== undefined ? { sizeLimit: storage.emptyDir.sizeLimit } : {}) } }
        : storage.hostPath
          ? { name: 'model-store', hostPath: { path: storage.hostPath, type: 'DirectoryOrCreate' } }
          : undefined;
  if (modelStore) volumes.push(modelStore);
  const storeMount = modelStore || !storage.nimCache?.name ? [{ name: 'model-store', mountPath: '/model-store', ...(subPath ? { subPath } : {}) }] : [];
  const scratchMount = scratch ? [{ name: 'scratch', mountPath: '/scratch' }] : [];
  const mounts = [...storeMount, { name: 'dshm', mountPath: '/dev/shm' }, ...scratchMount];
  const image = (i: any) => `${i?.repository}:${i?.tag}`;
  const helper = (c: any, volumeMounts: any[]) => ({
    name: c.name,
    image: image(c.image),
    ...(c.image?.pullPolicy || s.image?.pullPolicy ? { imagePullPolicy: c.image?.pullPolicy || s.image?.pullPolicy } : {}),
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    env: mergeEnv(env, c.env ?? []),
    volumeMounts,
  });
  const main = {
    name: `${name}-ctr`,
    image: image(s.image),
    ...(s.image?.pullPolicy ? { imagePullPolicy: s.image.pullPolicy } : {}),
    ...(s.command ? { command: s.command } : {}),
    ...(s.args ? { args: s.args } : {}),
    env,
    ports: [
      { name: 'api', containerPort: port, protocol: 'TCP' },
      ...(s.expose?.service?.grpcPort !== undefined ? [{ name: 'grpc', containerPort: s.expose.service.grpcPort, protocol: 'TCP' }] : []),
      ...(s.expose?.service?.metricsPort !== undefined ? [{ name: 'metrics', containerPort: s.expose.service.metricsPort, protocol: 'TCP' }] : []),
    ],
    ...(s.resources ? { resources: s.resources } : {}),
    volumeMounts: mounts,
  };
  const group = s.groupID ?? 2000;
  const spec: Record<string, any> = {
    containers: [main, ...sidecars.map((c) => helper(c, mounts))],
    ...(inits.length > 0 ? { initContainers: inits.map((c) => helper(c, [...storeMount, ...scratchMount])) } : {}),
    volumes,
    securityContext: { runAsUser: s.userID ?? 1000, runAsGroup: group, fsGroup: group },
    ...(s.nodeSelector ? { nodeSelector: s.nodeSelector } : {}),
    // The template writes key, operator, value and effect of each toleration (tolerationSeconds is dropped).
    ...(s.tolerations ? { tolerations: s.tolerations.map((t: any) => ({ key: t.key ?? '', operator: t.operator ?? '', value: t.value ?? '', effect: t.effect ?? '' })) } : {}),
    ...(s.affinity ? { affinity: s.affinity } : {}),
    ...(s.image?.pullSecrets?.length ? { imagePullSecrets: s.image.pullSecrets.map((n: string) => ({ name: n })) } : {}),
    ...(s.runtimeClassName ? { runtimeClassName: s.runtimeClassName } : {}),
    ...(s.schedulerName ? { schedulerName: s.schedulerName } : {}),
    ...(s.priorityClassName ? { priorityClassName: s.priorityClassName } : {}),
  };
  const standardLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/part-of': 'nim-service', 'app.kubernetes.io/managed-by': 'k8s-nim-operator' };
  const metadata = { labels: { app: name, ...(s.labels ?? {}), ...standardLabels }, annotations: { 'openshift.io/required-scc': 'nonroot', ...(s.annotations ?? {}) } };
  const replicas = s.scale?.enabled ? count(s.scale?.hpa?.minReplicas) : count(s.replicas);
  const pods = s.multiNode ? replicas * count(s.multiNode.parallelism?.pipeline) : replicas;
  return [{ path: '', specPath: 'spec', template: { metadata, spec }, replicas: pods }];
}

/**
 * The pod of the Job the NIM operator runs to fill a NIMCache, as a VIEW inferred from the
 * operator's source (NVIDIA/k8s-nim-operator@v3.1.2 internal/controller/nimcache_controller.go
 * `constructJob`, api/apps/v1alpha1/nimcache_types.go): container `nim-cache-ctr` of the
 * `modelPuller` image with envFrom the source's `authSecret`, NIM_CACHE_PATH (and the HF_* variables
 * of a Hugging Face source), the user's env winning; the claim (`storage.pvc.name`, else
 * `<name>-pvc`) as `nim-cache-volume` at /model-store (subPath), a `scratch` emptyDir; cpu and
 * memory as request and limit; container securityContext allowPrivilegeEscalation false, capabilities
 * drop ALL, runAsNonRoot, runAsUser `userID` (1000), runAsGroup `groupID` (2000); pod runAsNonRoot,
 * runAsUser, fsGroup, no seccompProfile (only on TKGS); nodeSelector `spec.nodeSelector`, else
 * `feature.node.kubernetes.io/pci-10de.present: "true"`. An unset cpu or memory, which the operator
 * writes as 0, is left out (it requests nothing). The ServiceAccount `nim-cache-sa` is the
 * operator's, so the view names none. Left out: native (NIMCraft) downloads, proxy CA volumes.
 */
function nimCachePod(o: Manifest): FoundTemplate[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [];
  const name = o.metadata.name;
  const source = s.source ?? {};
  const hf = source.hf ?? source.dataStore;
  const puller = source.ngc ?? hf ?? {};
  const base: any[] = hf
    ? [
        { name: 'HF_ENDPOINT', value: hf.endpoint },
        { name: 'HF_HUB_OFFLINE', value: '0' },
        { name: 'NIM_CACHE_PATH', value: '/model-store' },
        { name: 'HF_HOME', value: '/model-store/huggingface/hub' },
      ]
    : [{ name: 'NIM_CACHE_PATH', value: '/model-store' }];
  const env = mergeEnv(base, s.env ?? []);
  const user = s.userID ?? 1000;
  const group = s.groupID ?? 2000;
  const quantities = Object.fromEntries(['cpu', 'memory'].filter((k) => s.resources?.[k] !== undefined).map((k) => [k, s.resources[k]]));
  const mounts = [
    { name: 'nim-cache-volume', mountPath: '/model-store', ...(s.storage?.pvc?.subPath ? { subPath: s.storage.pvc.subPath } : {}) },
    { name: 'scratch', mountPath: '/scratch' },
  ];
  const container = {
    name: 'nim-cache-ctr',
    image: puller.modelPuller,
    ...(puller.authSecret ? { envFrom: [{ secretRef: { name: puller.authSecret } }] } : {}),
    env,
    volumeMounts: mounts,
    ...(Object.keys(quantities).length > 0 ? { resources: { limits: quantities, requests: quantities } } : {}),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsGroup: group, runAsUser: user },
  };
  const inits: any[] = s.initContainers ?? [];
  const spec: Record<string, any> = {
    restartPolicy: 'Never',
    securityContext: { runAsUser: user, fsGroup: group, runAsNonRoot: true },
    containers: [container],
    ...(inits.length > 0
      ? { initContainers: inits.map((c) => ({ name: c.name, image: `${c.image?.repository}:${c.image?.tag}`, ...(c.command ? { command: c.command } : {}), ...(c.args ? { args: c.args } : {}), env: mergeEnv(env, c.env ?? []), volumeMounts: mounts })) }
      : {}),
    volumes: [
      { name: 'nim-cache-volume', persistentVolumeClaim: { claimName: s.storage?.pvc?.name || `${name}-pvc` } },
      { name: 'scratch', emptyDir: {} },
    ],
    ...(puller.pullSecret ? { imagePullSecrets: [{ name: puller.pullSecret }] } : {}),
    nodeSelector: s.nodeSelector ?? { 'feature.node.kubernetes.io/pci-10de.present': 'true' },
    ...(s.tolerations ? { tolerations: s.tolerations } : {}),
    ...(s.runtimeClassName ? { runtimeClassName: s.runtimeClassName } : {}),
  };
  const metadata = { labels: { app: 'k8s-nim-operator', 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'k8s-nim-operator' }, annotations: { 'sidecar.istio.io/inject': 'false' } };
  return [{ path: '', specPath: 'spec', template: { metadata, spec }, replicas: 1 }];
}

/**
 * The pod of one role of a SparkApplication, as the checks need it: its pod template
 * (`spec.{driver,executor}.template`, what Spark ≥ 3.0 builds the pod on), with what the
 * operator and Spark set on it from the typed fields — the Spark container's image and resources,
 * and what the operator's mutating webhook adds (kubeflow/spark-operator@v2.5.2
 * internal/webhook/sparkpod_defaulter.go): `spec.volumes` the role mounts (`volumeMounts`),
 * `configMaps`, `secrets` (Spark's `<name>-volume`), env, ports, security contexts, node
 * selectors (`spec.nodeSelector` too), tolerations, affinity, init containers, sidecars. A view:
 * its spec is not part of the object, its metadata is (the template's, or the role's typed
 * `labels`/`annotations` without one), so writers decorating it change the object.
 */
function sparkPod(o: Manifest, role: SparkRole): FoundTemplate {
  const spec = o.spec ?? {};
  const r = spec[role] ?? {};
  const pod: { [field: string]: any } = structuredClone(r.template?.spec ?? {});
  const containers: any[] = [...(pod.containers ?? [])];
  if (containers.length === 0) containers.push({ name: SPARK_CONTAINERS[role][0] });
  const at = Math.max(0, containers.findIndex((c) => SPARK_CONTAINERS[role].includes(c.name)));
  const c: { [field: string]: any } = { ...containers[at] };
  const image = r.image ?? spec.image;
  if (image !== undefined) c.image = image;
  if (spec.imagePullPolicy !== undefined) c.imagePullPolicy = spec.imagePullPolicy;
  c.resources = sparkResources(spec, role, c.resources);
  const byName = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  const mounts: any[] = (r.volumeMounts ?? []).filter((m: any) => byName.has(m.name));
  const volumes: any[] = mounts.map((m) => byName.get(m.name));
  for (const cm of r.configMaps ?? []) {
    const name = `${cm.name}-vol`.slice(0, 63);
    volumes.push({ name, configMap: { name: cm.name } });
    mounts.push({ name, mountPath: cm.path, readOnly: true });
  }
  for (const s of r.secrets ?? []) {
    volumes.push({ name: `${s.name}-volume`, secret: { secretName: s.name } });
    mounts.push({ name: `${s.name}-volume`, mountPath: s.path });
  }
  for (const [field, volume, dir] of [['sparkConfigMap', 'spark-configmap-volume', '/etc/spark/conf'], ['hadoopConfigMap', 'hadoop-configmap-volume', '/etc/hadoop/conf']] as const) {
    if (spec[field]) {
      volumes.push({ name: volume, configMap: { name: spec[field] } });
      mounts.push({ name: volume, mountPath: dir, readOnly: true });
    }
  }
  const merged = (a: any[] | undefined, b: any[] | undefined) => (b && b.length > 0 ? [...(a ?? []), ...b] : a);
  c.volumeMounts = merged(c.volumeMounts, mounts);
  c.env = merged(c.env, r.env);
  c.envFrom = merged(c.envFrom, r.envFrom);
  c.ports = merged(c.ports, r.ports?.map((p: any) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })));
  if (r.securityContext) c.securityContext = r.securityContext;
  if (r.lifecycle) c.lifecycle = r.lifecycle;
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  containers[at] = c;
  pod.containers = addNew(containers, r.sidecars, (x) => `${x.name} ${x.image}`);
  pod.initContainers = addNew(pod.initContainers, r.initContainers, (x) => `${x.name} ${x.image}`);
  pod.volumes = merged(pod.volumes, volumes);
  const selector = { ...(pod.nodeSelector ?? {}), ...(spec.nodeSelector ?? {}), ...(r.nodeSelector ?? {}) };
  if (Object.keys(selector).length > 0) pod.nodeSelector = selector;
  pod.tolerations = merged(pod.tolerations, r.tolerations);
  const typed: { [field: string]: unknown } = {
    affinity: r.affinity,
    securityContext: r.podSecurityContext,
    // An executor template without `serviceAccount` runs as the driver's (Spark's ExecutorKubernetesCredentialsFeatureStep).
    serviceAccountName: r.serviceAccount ?? (role === 'executor' ? (pod.serviceAccount ?? spec.driver?.serviceAccount) : undefined),
    terminationGracePeriodSeconds: r.terminationGracePeriodSeconds,
    priorityClassName: r.priorityClassName,
    schedulerName: spec.batchScheduler ?? r.schedulerName,
    dnsConfig: r.dnsConfig,
    hostNetwork: r.hostNetwork || undefined,
    shareProcessNamespace: r.shareProcessNamespace || undefined,
  };
  for (const [k, v] of Object.entries(typed)) if (v !== undefined) pod[k] = v;
  pod.hostAliases = merged(pod.hostAliases, r.hostAliases);
  // Spark's pods never restart in place: a failed executor is replaced, a failed driver fails the run.
  pod.restartPolicy = 'Never';
  for (const k of Object.keys(pod)) if (pod[k] === undefined) delete pod[k];
  return { path: `spec.${role}.template`, template: sparkMetadata(r, pod), replicas: role === 'driver' ? 1 : sparkExecutors(spec) };
}

/** The view's template: the spec built above, and metadata that is the object's own. */
function sparkMetadata(r: any, spec: { [field: string]: any }): any {
  if (r.template) {
    return {
      get metadata() {
        return r.template.metadata;
      },
      set metadata(m: any) {
        r.template.metadata = m;
      },
      spec,
    };
  }
  const typed = {
    get labels() {
      return r.labels;
    },
    set labels(v: any) {
      r.labels = v;
    },
    get annotations() {
      return r.annotations;
    },
    set annotations(v: any) {
      r.annotations = v;
    },
  };
  return {
    get metadata() {
      return typed;
    },
    set metadata(m: any) {
      r.labels = m?.labels;
      r.annotations = m?.annotations;
    },
    spec,
  };
}

/**
 * Executors at once: `executor.instances` (the operator's default is 1, api/v1beta2/defaults.go),
 * or with dynamic allocation the most it may scale to (`maxExecutors`; else the largest bound given).
 */
function sparkExecutors(spec: any): number {
  const conf: { [key: string]: string } = spec.sparkConf ?? {};
  const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
  const instances = num(spec.executor?.instances) ?? num(conf['spark.executor.instances']);
  const da = spec.dynamicAllocation;
  const dynamic = da ? da.enabled === true : conf['spark.dynamicAllocation.enabled'] === 'true';
  if (!dynamic) return instances ?? 1;
  const max = num(da?.maxExecutors) ?? num(conf['spark.dynamicAllocation.maxExecutors']);
  if (max !== undefined) return max;
  const bounds = [instances, num(da?.initialExecutors ?? conf['spark.dynamicAllocation.initialExecutors']), num(da?.minExecutors ?? conf['spark.dynamicAllocation.minExecutors'])].filter((v): v is number => v !== undefined);
  return bounds.length > 0 ? Math.max(...bounds) : 1;
}

/**
 * Kinds of Kubernetes itself (apps/v1, batch/v1, v1) and of the workload operators strata
 * supports: those whose pod templates are whole PodTemplateSpecs by path, the others by a view of
 * the pods they run (KServe's inlined pod fields, the NIM operator's kinds without pods,
 * SparkApplication's templates and typed fields: sparkPod). Paths are those of the upstream CRDs:
 * kubernetes-sigs/jobset@v0.12.0 config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml,
 * kubernetes-sigs/lws@v0.10.0 config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml,
 * kubeflow/trainer@v1.9.4 manifests/base/crds/kubeflow.org_pytorchjobs.yaml,
 * kubeflow/trainer@v2.3.0 manifests/base/crds/trainer.kubeflow.org_trainingruntimes.yaml,
 * ray-project/kuberay@v1.7.0 ray-operator/config/crd/bases/ray.io_{rayclusters,rayjobs,rayservices}.yaml,
 * kubeflow/spark-operator@v2.5.2 config/crd/bases/sparkoperator.k8s.io_sparkapplications.yaml.
 */
export const POD_TEMPLATE_KINDS: { [kind: string]: PodTemplateKind } = {
  Pod: { group: '', templates: (o) => [{ path: '', template: { metadata: o.metadata, spec: o.spec }, replicas: 1 }] },
  Deployment: kindFromPaths({ group: 'apps', kind: 'Deployment', templates: [{ path: 'spec.template', replicas: ['spec.replicas'] }] }),
  StatefulSet: kindFromPaths({ group: 'apps', kind: 'StatefulSet', templates: [{ path: 'spec.template', replicas: ['spec.replicas'] }] }),
  ReplicaSet: kindFromPaths({ group: 'apps', kind: 'ReplicaSet', templates: [{ path: 'spec.template', replicas: ['spec.replicas'] }] }),
  ReplicationController: kindFromPaths({ group: '', kind: 'ReplicationController', templates: [{ path: 'spec.template', replicas: ['spec.replicas'] }] }),
  // One per node: counted as one here (a check per node is a check of the template).
  DaemonSet: kindFromPaths({ group: 'apps', kind: 'DaemonSet', templates: [{ path: 'spec.template' }] }),
  Job: kindFromPaths({ group: 'batch', kind: 'Job', templates: [{ path: 'spec.template', replicas: ['spec.parallelism'] }] }),
  CronJob: kindFromPaths({ group: 'batch', kind: 'CronJob', templates: [{ path: 'spec.jobTemplate.spec.template', replicas: ['spec.jobTemplate.spec.parallelism'] }] }),
  JobSet: kindFromPaths({ group: 'jobset.x-k8s.io', kind: 'JobSet', templates: replicatedJobs('spec') }),
  // Templates, not pods: no pod runs from a runtime alone; its TrainJobs' pods are seen through them (trainJobOnRuntime).
  TrainingRuntime: runtimeTemplates('TrainingRuntime'),
  ClusterTrainingRuntime: runtimeTemplates('ClusterTrainingRuntime'),
  // Restricted patches and the trainer's fields on the runtime's templates: see trainJobTemplates.
  TrainJob: { group: TRAINER_GROUP, templates: trainJobTemplates },
  PyTorchJob: kindFromPaths({ group: 'kubeflow.org', kind: 'PyTorchJob', templates: [{ path: 'spec.pytorchReplicaSpecs{}.template', replicas: ['spec.pytorchReplicaSpecs{}.replicas'] }] }),
  RayCluster: kindFromPaths({ group: 'ray.io', kind: 'RayCluster', templates: rayGroups('spec') }),
  RayJob: kindFromPaths({ group: 'ray.io', kind: 'RayJob', templates: [...rayGroups('spec.rayClusterSpec'), { path: 'spec.submitterPodTemplate' }] }),
  RayService: kindFromPaths({ group: 'ray.io', kind: 'RayService', templates: rayGroups('spec.rayClusterConfig') }),
  // The driver and the executors: each a view of its pod (sparkPod), one driver and the executors at once.
  SparkApplication: { group: 'sparkoperator.k8s.io', templates: (o) => (o.spec ? [sparkPod(o, 'driver'), sparkPod(o, 'executor')] : []) },
  // A group is one leader and size − 1 workers; without a leader template the leader runs the
  // worker template (LeaderWorkerSet API: leaderWorkerTemplate.leaderTemplate is optional).
  LeaderWorkerSet: {
    group: 'leaderworkerset.x-k8s.io',
    templates: (o) => {
      const groups = count(at(o, 'spec.replicas'));
      const size = count(at(o, 'spec.leaderWorkerTemplate.size'));
      const leader = at(o, 'spec.leaderWorkerTemplate.leaderTemplate');
      const out: FoundTemplate[] = [];
      if (leader) out.push({ path: 'spec.leaderWorkerTemplate.leaderTemplate', template: leader, replicas: groups });
      out.push({ path: 'spec.leaderWorkerTemplate.workerTemplate', template: at(o, 'spec.leaderWorkerTemplate.workerTemplate'), replicas: groups * (leader ? size - 1 : size) });
      return out;
    },
  },
  // KServe (kserve/kserve@v0.20.0): components inline their pod fields; runtimes are pod surfaces.
  InferenceService: {
    group: 'serving.kserve.io',
    templates: (o) => [
      ...kserveComponent(o, o.spec?.predictor, 'spec.predictor'),
      ...kserveComponent(o, o.spec?.transformer, 'spec.transformer'),
      ...kserveComponent(o, o.spec?.explainer, 'spec.explainer'),
      ...(Array.isArray(o.spec?.canary) ? o.spec.canary.flatMap((c: any, i: number) => kserveComponent(o, c?.predictor, `spec.canary[${i}].predictor`)) : []),
    ],
  },
  ServingRuntime: { group: 'serving.kserve.io', templates: servingRuntimePods },
  ClusterServingRuntime: { group: 'serving.kserve.io', templates: servingRuntimePods },
  // NVIDIA NIM Operator (NVIDIA/k8s-nim-operator@v3.1.2): no pod templates; views of the pods the operator builds.
  NIMService: { group: 'apps.nvidia.com', templates: nimServicePod },
  NIMCache: { group: 'apps.nvidia.com', templates: nimCachePod },
};

/** The table with a chart's declared kinds added (a declared kind of a built-in name replaces it). */
export function withDeclaredKinds(declared: readonly PodTemplatePaths[], kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS): { readonly [kind: string]: PodTemplateKind } {
  if (declared.length === 0) return kinds;
  const out = { ...kinds };
  for (const d of declared) out[d.kind] = kindFromPaths(d);
  return out;
}

function kindOf(o: Manifest, kinds: { readonly [kind: string]: PodTemplateKind }): PodTemplateKind | undefined {
  const k = kinds[o.kind];
  return k && k.group === groupOf(o.apiVersion) ? k : undefined;
}

/**
 * The pod templates of an object as live parts of it (`{ metadata, spec }` objects inside the
 * manifest), for writers that decorate them (selector labels); a Pod's own metadata is not one.
 */
export function podTemplateParts(o: Manifest, kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS): { metadata?: Record<string, any>; spec: Record<string, any> }[] {
  if (o.kind === 'Pod') return [];
  return (kindOf(o, kinds)?.templates(o) ?? []).map((t) => t.template).filter((t) => t && t.spec);
}

/** The object's display name: "Kind namespace/name" (no namespace for cluster-scoped objects). */
export function ownerOf(o: Manifest): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/**
 * Every pod template of an object (none for kinds without pods). `context`: the objects checked
 * with it (its release's, or its environment's), for views that depend on another object — a
 * TrainJob's pods are its runtime's templates with the TrainJob merged in when the runtime is
 * among them (see trainJobTemplates). Every check passes it; without it each object is seen alone.
 */
export function podTemplatesOf(o: Manifest, kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS, context?: PodTemplateContext): PodTemplate[] {
  const kind = kindOf(o, kinds);
  if (!kind) return [];
  return kind
    .templates(o, context)
    .filter((t) => t.template && t.template.spec)
    .map((t) => ({
      owner: ownerOf(o),
      kind: o.kind,
      path: t.specPath ?? (t.path ? `${t.path}.spec` : 'spec'),
      metadata: t.template.metadata ?? {},
      spec: t.template.spec,
      replicas: t.replicas,
    }));
}
