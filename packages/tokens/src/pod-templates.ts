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

/**
 * The pods of a TrainJob (kubeflow/trainer@v2.3.0 manifests/base/crds/trainer.kubeflow.org_trainjobs.yaml).
 * A TrainJob has no pod template: its pods are its runtime's, changed by `spec.trainer` (image,
 * command, args, env and `resourcesPerNode` of the container "node" of the trainer Job; `numNodes`
 * pods) and by `spec.runtimePatches[].trainingRuntimeSpec.template.spec.replicatedJobs[].template.spec.template`
 * (a restricted PodSpecPatch, merged into the runtime's template by strategic merge patch, patch
 * after patch: pkg/runtime/core/trainingruntime.go `mergeRuntimePatches`). Each patched replicated
 * Job is one pod spec here: its patches combined, and for "node" the trainer's fields in the
 * container "node" (added when no patch names it). Pods: `numNodes` for "node" (1 when unset: the
 * runtime's `mlPolicy.numNodes` is not in the object), 1 for the others (their parallelism is the
 * runtime's, not in the object either).
 *
 * The view cannot see the runtime's own pod spec: what a ClusterTrainingRuntime installed by the
 * platform (or a TrainingRuntime of another chart) sets is not checked here at all; a runtime in
 * the same chart is checked as itself (its entry below). A replicated Job no patch names is not
 * seen. Only the metadata is a live part of the object (writers decorate its labels); the spec is
 * a combined copy. The trainer is taken to be the Job "node", as in the torch, JAX and XGBoost
 * runtimes; an MPI runtime's trainer is its "launcher" Job (manifests/base/runtimes/deepspeed_distributed.yaml),
 * whose trainer fields this view does not place.
 */
function trainJobTemplates(o: Manifest): FoundTemplate[] {
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
 * Kinds of Kubernetes itself (apps/v1, batch/v1, v1) and of the workload operators strata
 * supports whose pod templates are whole PodTemplateSpecs. Paths are those of the upstream CRDs:
 * kubernetes-sigs/jobset@v0.12.0 config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml,
 * kubernetes-sigs/lws@v0.10.0 config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml,
 * kubeflow/trainer@v1.9.4 manifests/base/crds/kubeflow.org_pytorchjobs.yaml,
 * kubeflow/trainer@v2.3.0 manifests/base/crds/trainer.kubeflow.org_trainingruntimes.yaml,
 * ray-project/kuberay@v1.7.0 ray-operator/config/crd/bases/ray.io_{rayclusters,rayjobs,rayservices}.yaml.
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
  // Restricted patches and the trainer's fields, not pod templates: see trainJobTemplates.
  TrainJob: { group: 'trainer.kubeflow.org', templates: trainJobTemplates },
  PyTorchJob: kindFromPaths({ group: 'kubeflow.org', kind: 'PyTorchJob', templates: [{ path: 'spec.pytorchReplicaSpecs{}.template', replicas: ['spec.pytorchReplicaSpecs{}.replicas'] }] }),
  RayCluster: kindFromPaths({ group: 'ray.io', kind: 'RayCluster', templates: rayGroups('spec') }),
  RayJob: kindFromPaths({ group: 'ray.io', kind: 'RayJob', templates: [...rayGroups('spec.rayClusterSpec'), { path: 'spec.submitterPodTemplate' }] }),
  RayService: kindFromPaths({ group: 'ray.io', kind: 'RayService', templates: rayGroups('spec.rayClusterConfig') }),
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
