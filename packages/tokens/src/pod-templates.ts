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
}

/** How to find the pod templates of one kind. */
export interface PodTemplateKind {
  /** The API group the kind belongs to ('' for the core group); an object of another group with the same kind name is not this kind. */
  readonly group: string;
  /** Each template: the path of its pod template (the object holding `metadata` and `spec`), and how many pods run it. */
  readonly templates: (o: Manifest) => readonly FoundTemplate[];
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
 * supports whose pod templates are whole PodTemplateSpecs, and SparkApplication, whose pods are
 * views of its templates and typed fields (sparkPod). Paths are those of the upstream CRDs:
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
  TrainingRuntime: kindFromPaths({ group: 'trainer.kubeflow.org', kind: 'TrainingRuntime', templates: replicatedJobs('spec.template.spec') }),
  ClusterTrainingRuntime: kindFromPaths({ group: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', templates: replicatedJobs('spec.template.spec') }),
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

/** Every pod template of an object (none for kinds without pods). */
export function podTemplatesOf(o: Manifest, kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS): PodTemplate[] {
  const kind = kindOf(o, kinds);
  if (!kind) return [];
  return kind
    .templates(o)
    .filter((t) => t.template && t.template.spec)
    .map((t) => ({
      owner: ownerOf(o),
      kind: o.kind,
      path: t.path ? `${t.path}.spec` : 'spec',
      metadata: t.template.metadata ?? {},
      spec: t.template.spec,
      replicas: t.replicas,
    }));
}
