/**
 * Reference lint (issue 9, item 5): in every rendered environment, every claim, volume, storage
 * class, service account, config map and secret a pod refers to exists in the output, in the
 * right namespace, or is declared external. Also: every claim's storage class (or, for static
 * claims, its PersistentVolume, whose claimRef must point back), and every volume mount's volume.
 *
 * `environmentManifests` renders an environment the way Flux would install it: each workload
 * release of environments/<env>/apps (its chart from charts/, this environment's values, its
 * namespace after the overlay's patches) and each tier chart of environments/<env>/infrastructure/
 * configs (they install the environment's tier StorageClasses, one per FSx or EFS release, and the
 * NVMe NodePools: external from the apps' point of view, but they must be installed in that environment).
 * `checkReferences` is pure: it takes the rendered objects per environment and returns problems.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalDefinition, externalEntry, externalName, ExternalObject, externalObjects, isExternalKind, jsonPatchOps, TIER_CHARTS, yamlDocuments } from '@strata/gitops';
import { CLUSTER_SCOPED_KINDS, Helm, ReleaseTemplate, resolveTemplate } from '@strata/helm';
import { parseAllDocuments } from 'yaml';
import { lifecycleFacts, LifecycleFacts } from './lifecycle';
import { cloudConfigMaps, cloudSubstitutions, substitute } from './cloud-values';
import { groupOf, Manifest, ownerOf, POD_TEMPLATE_KINDS, PodTemplateKind, podTemplatesOf, trainJobRuntime, withDeclaredKinds } from '@strata/tokens';



/** One release of an environment: a chart rendered with its values into a namespace. */
export interface EnvironmentRelease {
  readonly environment: string;
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** app: a workload (environments/<env>/apps); infrastructure: a tier chart (infrastructure/configs). */
  readonly layer: 'app' | 'infrastructure';
  /** The HelmRelease as kustomize builds it (the base with this environment's patches applied). */
  readonly helmRelease?: Manifest;
  /** Its OCIRepository, likewise. */
  readonly ociRepository?: Manifest;
}

/** What a pod may refer to without it being in the output. */
export interface ExternalReferences {
  /** Kind → names present in every namespace (ServiceAccount default, ConfigMap kube-root-ca.crt). */
  readonly everyNamespace: { readonly [kind: string]: readonly string[] };
  /** "Kind namespace/name" or "Kind name" (cluster-scoped) made outside strata. */
  readonly declared: readonly string[];
}

export const DEFAULT_EXTERNAL: ExternalReferences = {
  everyNamespace: { ServiceAccount: ['default'], ConfigMap: ['kube-root-ca.crt'] },
  declared: [],
};

/** A FileTree as generate keeps it: relative path → content. */
export type Files = ReadonlyMap<string, string>;


/** The releases of one environment, read from its overlay files (paths relative to environments/). */
export function environmentReleases(environments: Files, environment: string): EnvironmentRelease[] {
  const read = (rel: string) => {
    const text = environments.get(rel);
    if (text === undefined) throw new Error(`environments/${rel}: missing`);
    return text;
  };
  const docs = (rel: string) => yamlDocuments(read(rel)) as any[];
  const releases: EnvironmentRelease[] = [];

  const appsKustomization = `${environment}/apps/kustomization.yaml`;
  if (environments.has(appsKustomization)) {
    const k = docs(appsKustomization)[0];
    // The patches of each object (JSON 6902 patches, and strategic-merge files such as <workload>-values.yaml).
    // The patches by target (kind and name), in their order: an environment has thousands, a release a few.
    const byTarget = new Map<string, any[]>();
    for (const p of k.patches ?? []) {
      const t = p.target ?? {};
      const key = `${t.kind}\0${t.name}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), p]);
    }
    const patched = (o: any): Manifest => {
      let out = o;
      for (const p of byTarget.get(`${o.kind}\0${o.metadata?.name}`) ?? []) {
        // Every object here is freshly parsed, this release's own: patched in place, not copied per patch.
        if (typeof p.patch === 'string') out = applyOps(out, jsonPatchOps(p.patch));
        else if (typeof p.path === 'string') for (const d of docs(`${environment}/apps/${p.path}`)) if (d.kind === o.kind) out = mergePatch(out, d);
      }
      return out;
    };
    for (const resource of k.resources ?? []) {
      const m = /^\.\.\/\.\.\/base\/apps\/([^/]+)$/.exec(resource);
      if (!m) continue;
      const workload = m[1];
      const release = patched(docs(`base/apps/${workload}/release.yaml`).find((d) => d.kind === 'HelmRelease'));
      const repository = docs(`base/apps/${workload}/repository.yaml`).find((d) => d.kind === 'OCIRepository');
      releases.push({
        environment,
        chart: release.spec.chartRef?.name ?? workload,
        releaseName: release.spec.releaseName ?? release.metadata.name,
        namespace: release.spec.targetNamespace ?? release.metadata.namespace,
        values: release.spec.values ?? {},
        layer: 'app',
        helmRelease: release,
        ...(repository ? { ociRepository: patched(repository) } : {}),
      });
    }
  }

  const configs = `${environment}/infrastructure/configs/kustomization.yaml`;
  if (environments.has(configs)) {
    // Cloud values Flux substitutes (postBuild.substituteFrom), followed to the FieldExports that write them.
    const vars = cloudSubstitutions(environments, environment);
    for (const resource of docs(configs)[0].resources ?? []) {
      const objects = docs(`${environment}/infrastructure/configs/${resource}`);
      for (const d of objects) {
        if (d.kind !== 'HelmRelease') continue;
        const repository = objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === d.spec.chartRef?.name);
        releases.push({
          environment,
          chart: d.spec.chartRef?.name ?? d.metadata.name,
          releaseName: d.spec.releaseName ?? d.metadata.name,
          namespace: d.spec.targetNamespace ?? d.metadata.namespace,
          values: substitute(d.spec.values ?? {}, vars),
          layer: 'infrastructure',
          helmRelease: d,
          ...(repository ? { ociRepository: repository } : {}),
        });
      }
    }
  }
  return releases;
}

/** JSON 6902 operations (add, replace, remove: what the overlays use) applied to `out` itself. */
function applyOps<T>(out: any, ops: readonly { op: string; path: string; value?: unknown }[]): T {
  for (const { op, path, value } of ops) {
    const keys = path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let cur = out;
    for (const k of keys) {
      if (cur[k] === undefined && op === 'add') cur[k] = {};
      cur = cur[k];
      if (cur === undefined || cur === null) throw new Error(`JSON patch ${op} ${path}: no ${k}`);
    }
    if (op === 'remove') delete cur[last];
    else if (op === 'add' || op === 'replace') cur[last] = value;
    else throw new Error(`JSON patch: operation ${op} is not supported`);
  }
  return out;
}

/** A strategic-merge patch of plain objects as kustomize applies a values patch: maps merge, everything else replaces. */
function mergePatch(base: any, patch: any): any {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = mergePatch(base[k], v);
  return out;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The environments of an environments/ tree: folders with apps/ or infrastructure/ overlays. */
export function environmentNames(environments: Files): string[] {
  const names = new Set<string>();
  for (const rel of environments.keys()) {
    const [env, layer] = rel.split('/');
    if (env !== 'base' && (layer === 'apps' || layer === 'infrastructure')) names.add(env);
  }
  return [...names].sort();
}

/** `helm template` of one release (the pinned helm), parsed; `helm test` hooks included (they are pods too). For tests: generate resolves releases in-process. */
export function renderRelease(chartDir: string, r: EnvironmentRelease, helm: string = new Helm().binary): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'strata-refs-'));
  try {
    const valuesFile = join(dir, 'values.json');
    writeFileSync(valuesFile, JSON.stringify(r.values));
    const out = execFileSync(helm, ['template', r.releaseName, chartDir, '--namespace', r.namespace, '-f', valuesFile], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return parseAllDocuments(out)
      .map((d) => d.toJS() as Manifest)
      .filter((o) => o && typeof o === 'object' && o.kind)
      .map((o) => placed(o, r.namespace));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the lint needs of each chart (by name): its release template and its version. */
export type ChartReleases = ReadonlyMap<string, { readonly template: ReleaseTemplate; readonly version: string; /** The chart's cache key, when it has one (summaries are then kept between runs). */ readonly key?: string }>;

/**
 * Every environment rendered: environment → all objects of all its releases, `helm test` hooks
 * included. Each release is resolved from its chart's release template (direct synthesis, which
 * the round-trip tests prove equal to `helm template`, and test/hardening/references.test.ts
 * checks on the committed environments), in this process: no helm process per release.
 */
export function environmentManifests(charts: ChartReleases, environments: Files): Record<string, Manifest[]> {
  const out: Record<string, Manifest[]> = {};
  for (const env of environmentNames(environments)) out[env] = environmentReleases(environments, env).flatMap((r) => releaseObjects(charts, r));
  return out;
}

/** One release's objects, resolved from its chart's release template, each in the namespace Helm would put it. */
function releaseObjects(charts: ChartReleases, r: EnvironmentRelease): Manifest[] {
  const chart = charts.get(r.chart);
  if (!chart) throw new Error(`environments/${r.environment}: release ${r.releaseName} uses chart '${r.chart}', which is not in charts/`);
  return resolveTemplate(chart.template, { name: r.releaseName, namespace: r.namespace }, chart.version, r.values, { tests: true }).map((o) => placed(o as Manifest, r.namespace));
}

/**
 * Every environment's release summaries (see ReleaseSummary), each release resolved only when
 * `memo` (release key → summary, kept by generate between runs) does not have it already. A
 * release's key covers its chart (cache key and version), name, namespace and values. Returns the
 * summaries, the memo entries this run used and each environment's releases. With `only`, the
 * other environments are left out.
 */
export function environmentSummaries(
  charts: ChartReleases,
  environments: Files,
  memo: ReadonlyMap<string, ReleaseSummary> = new Map(),
  options: { readonly only?: ReadonlySet<string> } = {},
): { byEnvironment: Record<string, ReleaseSummary[]>; used: Map<string, ReleaseSummary>; releases: Record<string, EnvironmentRelease[]> } {
  const used = new Map<string, ReleaseSummary>();
  const byEnvironment: Record<string, ReleaseSummary[]> = {};
  const releases: Record<string, EnvironmentRelease[]> = {};
  for (const env of environmentNames(environments)) {
    if (options.only && !options.only.has(env)) continue;
    releases[env] = environmentReleases(environments, env);
    const summaries = releases[env].map((r) => {
      const chart = charts.get(r.chart);
      const key = chart?.key ? createHash('sha256').update(JSON.stringify([chart.key, chart.version, r.releaseName, r.namespace, r.values])).digest('hex') : undefined;
      const summary = (key ? memo.get(key) : undefined) ?? summarize(releaseObjects(charts, r), withDeclaredKinds(chart?.template.podTemplateKinds ?? []));
      if (key) used.set(key, summary);
      return summary;
    });
    // The cloud values' ConfigMaps (infrastructure/cloud): made by Flux, their keys written by ACK FieldExports.
    const cloud = cloudConfigMaps(environments, env);
    if (cloud.objects.length > 0) summaries.push({ ...summarize(cloud.objects), configMapKeys: [...cloud.keys.entries()] });
    // Each summary is the release's alone (kept between runs); a TrainJob on another release's runtime is seen whole here.
    byEnvironment[env] = joinRuntimes(summaries);
  }
  return { byEnvironment, used, releases };
}

/**
 * The releases of one environment with each TrainJob whose runtime another of them makes seen
 * whole: its pods are the runtime's templates with the TrainJob merged in, as when both are in one
 * release (@strata/tokens trainJobTemplates), in place of what the TrainJob alone shows. A
 * release's summary depends on that release alone (it is kept between runs), so it carries the
 * training runtimes it makes and its TrainJobs whose runtime it does not (`trainer`), and the join
 * happens here, per environment, from those.
 */
export function joinRuntimes(summaries: readonly ReleaseSummary[]): ReleaseSummary[] {
  const runtimes = summaries.flatMap((s) => s.trainer?.runtimes ?? []);
  if (runtimes.length === 0) return [...summaries];
  return summaries.map((s) => {
    const pairs = (s.trainer?.trainJobs ?? []).flatMap((tj) => {
      const rt = trainJobRuntime(tj, runtimes);
      return rt ? [[tj, rt] as const] : [];
    });
    if (pairs.length === 0) return s;
    const owners = new Set(pairs.map(([tj]) => ownerOf(tj)));
    const whole = summarize(
      pairs.map(([tj]) => tj),
      POD_TEMPLATE_KINDS,
      pairs.flatMap(([tj, rt]) => [tj, rt]),
    );
    const mine = (owner: string) => !owners.has(owner);
    return {
      ...s,
      refs: [...s.refs.filter((r) => mine(r.from)), ...whole.refs],
      podVolumes: [...s.podVolumes.filter(([k]) => ![...owners].some((o) => k.startsWith(`${o} `))), ...whole.podVolumes],
      lifecycle: {
        ...s.lifecycle,
        pods: [...s.lifecycle.pods.filter((p) => mine(p.owner)), ...whole.lifecycle.pods],
        scripts: [...s.lifecycle.scripts.filter((x) => mine(x.owner)), ...whole.lifecycle.scripts],
      },
      trainer: { runtimes: s.trainer!.runtimes, trainJobs: s.trainer!.trainJobs.filter((tj) => !owners.has(ownerOf(tj))) },
    };
  });
}

/**
 * The namespace the pods of a cluster-scoped object a release makes run in: that release's. A
 * ClusterTrainingRuntime's pod templates become the pods of the TrainJobs that use it, in their
 * namespace (kubeflow/trainer@v2.3.0 pkg/runtime/core/clustertrainingruntime.go builds the JobSet
 * in the TrainJob's namespace; a ClusterServingRuntime's likewise for InferenceServices), and a
 * runtime a release makes is named after the release and its namespace, for its own runs there:
 * its pods' service account, claims, Secrets and ConfigMaps are looked up in that namespace. Kept
 * beside the objects (Helm writes no namespace on a cluster-scoped object), by identity.
 */
const releaseNamespaces = new WeakMap<Manifest, string>();

/** An object with the namespace Helm would install it in (none for cluster-scoped kinds, whose release namespace is kept aside). */
function placed(o: Manifest, namespace: string): Manifest {
  if (!isClusterScoped(o.kind)) return { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? namespace } };
  const out = { ...o, metadata: { ...o.metadata, namespace: undefined } };
  releaseNamespaces.set(out, namespace);
  return out;
}

/** One release's objects as the checks take them: each in the namespace Helm would install it in (see `placed`). */
export function placeRelease(objects: readonly Manifest[], namespace: string): Manifest[] {
  return objects.map((o) => placed(o, namespace));
}

function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** One reference a pod or claim makes, for the count and the message. */
export interface Reference {
  readonly environment: string;
  /** Who refers: "Deployment ml-dev/llm-inference-models-server". */
  readonly from: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Where in the referrer: "volumes[cache].persistentVolumeClaim.claimName". */
  readonly field: string;
  /** The data keys it needs of a Secret or ConfigMap (a key reference, or a volume's items). */
  readonly keys?: readonly string[];
}

/** The operations whose Secret a StorageClass may name (csi.storage.k8s.io/<op>-secret-name and -namespace). */
const CSI_SECRET_OPERATIONS = ['provisioner', 'controller-publish', 'node-stage', 'node-publish', 'controller-expand'] as const;

/**
 * Every reference of the objects of one environment (pods, claims, volumes). `context`: the objects
 * checked with them (a TrainJob's pods are seen whole when its runtime is among them).
 */
export function referencesOf(
  environment: string,
  objects: readonly Manifest[],
  kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS,
  context: readonly Manifest[] = objects,
): Reference[] {
  const refs: Reference[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const from = `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
    // The pods of a cluster-scoped object run in its release's namespace (see releaseNamespaces).
    const podNamespace = ns ?? releaseNamespaces.get(o);
    const add = (kind: string, name: string | undefined, field: string, namespace: string | undefined = podNamespace, keys?: readonly unknown[]) => {
      const needed = (keys ?? []).filter((k): k is string => typeof k === 'string');
      if (name !== undefined && name !== null) refs.push({ environment, from, kind, namespace: isClusterScoped(kind) ? undefined : namespace, name: String(name), field, ...(needed.length > 0 ? { keys: needed } : {}) });
    };
    const itemKeys = (items: any) => (Array.isArray(items) ? items.map((i: any) => i?.key) : undefined);
    for (const { spec, path } of podTemplatesOf(o, kinds, { objects: context })) {
      add('ServiceAccount', spec.serviceAccountName ?? spec.serviceAccount ?? 'default', `${path}.serviceAccountName`);
      // A missing pull secret leaves the image unpulled (ErrImagePull) for a private registry.
      for (const ps of spec.imagePullSecrets ?? []) if (ps?.name) add('Secret', ps.name, `${path}.imagePullSecrets[${ps.name}]`);
      for (const v of spec.volumes ?? []) {
        const at = `${path}.volumes[${v.name}]`;
        if (v.persistentVolumeClaim) add('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, `${at}.persistentVolumeClaim.claimName`);
        if (v.configMap && !v.configMap.optional) add('ConfigMap', v.configMap.name, `${at}.configMap.name`, podNamespace, itemKeys(v.configMap.items));
        if (v.secret && !v.secret.optional) add('Secret', v.secret.secretName, `${at}.secret.secretName`, podNamespace, itemKeys(v.secret.items));
        for (const s of v.projected?.sources ?? []) {
          if (s.configMap && !s.configMap.optional) add('ConfigMap', s.configMap.name, `${at}.projected.configMap.name`, podNamespace, itemKeys(s.configMap.items));
          if (s.secret && !s.secret.optional) add('Secret', s.secret.name, `${at}.projected.secret.name`, podNamespace, itemKeys(s.secret.items));
        }
        const template = v.ephemeral?.volumeClaimTemplate?.spec;
        if (template?.storageClassName) add('StorageClass', template.storageClassName, `${at}.ephemeral.volumeClaimTemplate.spec.storageClassName`);
      }
      for (const kind of ['initContainers', 'containers'] as const) {
        for (const c of spec[kind] ?? []) {
          const where = `${path}.${kind}[${c.name}]`;
          for (const m of c.volumeMounts ?? []) add('Volume', m.name, `${where}.volumeMounts[${m.mountPath}]`, podKey(from, path));
          for (const e of c.env ?? []) {
            const cm = e.valueFrom?.configMapKeyRef;
            if (cm && !cm.optional) add('ConfigMap', cm.name, `${where}.env[${e.name}].valueFrom.configMapKeyRef`, podNamespace, [cm.key]);
            const sec = e.valueFrom?.secretKeyRef;
            if (sec && !sec.optional) add('Secret', sec.name, `${where}.env[${e.name}].valueFrom.secretKeyRef`, podNamespace, [sec.key]);
          }
          for (const e of c.envFrom ?? []) {
            if (e.configMapRef && !e.configMapRef.optional) add('ConfigMap', e.configMapRef.name, `${where}.envFrom.configMapRef`);
            if (e.secretRef && !e.secretRef.optional) add('Secret', e.secretRef.name, `${where}.envFrom.secretRef`);
          }
        }
      }
    }
    if (o.kind === 'PersistentVolumeClaim') {
      const sc = o.spec?.storageClassName;
      if (sc) add('StorageClass', sc, 'spec.storageClassName');
      else if (o.spec?.volumeName) add('PersistentVolume', o.spec.volumeName, 'spec.volumeName');
      else if (sc === '') refs.push({ environment, from, kind: 'PersistentVolume', name: `(bound to ${ns}/${o.metadata.name})`, field: 'spec.storageClassName ""' });
    }
    if (o.kind === 'PersistentVolume') {
      if (o.spec?.storageClassName) add('StorageClass', o.spec.storageClassName, 'spec.storageClassName');
      const ref = o.spec?.claimRef;
      if (ref?.name) add('PersistentVolumeClaim', ref.name, 'spec.claimRef', ref.namespace);
    }
    if (o.kind === 'StorageClass') {
      // The Secrets a CSI driver's sidecars read for the class's volumes (the EFS cross-account
      // provisioner Secret): made by a person, so an environment declares them external
      // (https://kubernetes-csi.github.io/docs/secrets-and-credentials-storage-class.html). A name or
      // namespace templated per claim (`${pvc.name}`) is known only at provisioning and not checked.
      const params: Record<string, unknown> = o.parameters ?? {};
      // The EFS CSI driver reads the file system id from a ConfigMap key ("namespace/name/key"): an ACK
      // FieldExport's (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/filesystem-id-resolution.md).
      const idRef = params.fileSystemIdConfigRef;
      if (typeof idRef === 'string' && !idRef.includes('${')) {
        const [cmNamespace, cmName, cmKey] = idRef.split('/');
        if (cmNamespace && cmName && cmKey) add('ConfigMap', cmName, 'parameters[fileSystemIdConfigRef]', cmNamespace, [cmKey]);
      }
      for (const op of CSI_SECRET_OPERATIONS) {
        const name = params[`csi.storage.k8s.io/${op}-secret-name`];
        const namespace = params[`csi.storage.k8s.io/${op}-secret-namespace`];
        if (typeof name !== 'string' || typeof namespace !== 'string' || name.includes('${') || namespace.includes('${')) continue;
        add('Secret', name, `parameters[csi.storage.k8s.io/${op}-secret-name]`, namespace);
      }
    }
    if (o.kind === 'StatefulSet') {
      for (const t of o.spec?.volumeClaimTemplates ?? []) if (t.spec?.storageClassName) add('StorageClass', t.spec.storageClassName, `spec.volumeClaimTemplates[${t.metadata?.name}].spec.storageClassName`);
    }
  }
  return refs;
}


/** The problems of every environment: one line per dangling reference. */
export function checkReferences(manifestsByEnvironment: { readonly [environment: string]: readonly Manifest[] }, external: ExternalReferences = DEFAULT_EXTERNAL, definitions: readonly EnvironmentDeclarations[] = []): string[] {
  return checkReferencesCounted(manifestsByEnvironment, external, definitions).problems;
}

/** Like checkReferences, with the number of references checked, the warnings and who uses each external object (see checkSummaries). */
export function checkReferencesCounted(
  manifestsByEnvironment: { readonly [environment: string]: readonly Manifest[] },
  external: ExternalReferences = DEFAULT_EXTERNAL,
  definitions: readonly EnvironmentDeclarations[] = [],
): ReferenceFindings {
  return checkSummaries(Object.fromEntries(Object.entries(manifestsByEnvironment).map(([env, objects]) => [env, [summarize(objects)]])), external, definitions);
}

/** What the lint needs of an environment's definition: where it is, and what it declares external. */
export interface EnvironmentDeclarations {
  readonly name: string;
  /** "environments/dev/environment.ts", for messages. */
  readonly file: string;
  readonly definition: { readonly external?: ExternalDefinition };
}

/** The reference lint's findings. */
export interface ReferenceFindings {
  /** Errors: one line per dangling reference, missing key, or external declaration of an object a release makes. */
  readonly problems: string[];
  /** Declarations of external objects nothing refers to. */
  readonly warnings: string[];
  /** The number of references checked. */
  readonly checked: number;
  /** Per environment, who refers to each of its external objects ("Secret ml/hf-token" → referrers, sorted). */
  readonly externalUsers: { readonly [environment: string]: ReadonlyMap<string, readonly string[]> };
}

/**
 * What the checks need of a set of objects (one release's): for the reference lint, each object's
 * kind, namespace and name (and a PersistentVolume's claimRef), the references they make, and each
 * pod spec's volumes; for the lifecycle check, its lifecycle facts. Small, and a function of the
 * release alone: generate keeps it per release between runs.
 */
export interface ReleaseSummary {
  readonly lifecycle: LifecycleFacts;
  /** [kind, namespace or null when cluster-scoped, name, claimRef [namespace or null, name] of a PersistentVolume]. */
  readonly objects: readonly (readonly [string, string | null, string, (readonly [string | null, string])?])[];
  /** The references (with `environment` left empty). */
  readonly refs: readonly Reference[];
  /** Each pod spec ("Deployment ns/name spec.template.spec", podKey) → the names of its volumes. */
  readonly podVolumes: readonly (readonly [string, readonly string[]])[];
  /** ConfigMaps whose keys are known ("namespace/name" → keys): the cloud values ACK's FieldExports write. */
  readonly configMapKeys?: readonly (readonly [string, readonly string[]])[];
  /**
   * For TrainJobs on another release's runtime (see joinRuntimes): the training runtimes the
   * release makes, and its TrainJobs whose runtime it does not make. Absent when it has neither.
   */
  readonly trainer?: { readonly runtimes: readonly Manifest[]; readonly trainJobs: readonly Manifest[] };
}

/**
 * A pod spec of an object: its owner and the path of the spec. An object may hold several (a
 * JobSet's replicated Jobs, Ray's groups), each with volumes of its own.
 */
function podKey(owner: string, path: string): string {
  return `${owner} ${path}`;
}

/**
 * The summary of a set of objects (a release's). `context`: the objects checked with them, by
 * default themselves — a TrainJob's pods are seen whole when its runtime is among them.
 */
export function summarize(objects: readonly Manifest[], kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS, context: readonly Manifest[] = objects): ReleaseSummary {
  const podVolumes: [string, string[]][] = [];
  for (const o of objects) {
    for (const { spec, owner, path } of podTemplatesOf(o, kinds, { objects: context })) podVolumes.push([podKey(owner, path), (spec.volumes ?? []).map((v: any) => v.name)]);
  }
  const trainer = (o: Manifest) => groupOf(o.apiVersion) === 'trainer.kubeflow.org';
  const runtimes = objects.filter((o) => trainer(o) && (o.kind === 'TrainingRuntime' || o.kind === 'ClusterTrainingRuntime'));
  const trainJobs = objects.filter((o) => trainer(o) && o.kind === 'TrainJob' && trainJobRuntime(o, context) === undefined);
  return {
    ...(runtimes.length > 0 || trainJobs.length > 0 ? { trainer: { runtimes, trainJobs } } : {}),
    lifecycle: lifecycleFacts(objects, kinds, context),
    objects: objects.map((o) => {
      const ns = isClusterScoped(o.kind) ? null : (o.metadata.namespace ?? null);
      const ref = o.kind === 'PersistentVolume' && o.spec?.claimRef?.name ? ([o.spec.claimRef.namespace ?? null, o.spec.claimRef.name] as const) : undefined;
      return ref ? ([o.kind, ns, o.metadata.name, ref] as const) : ([o.kind, ns, o.metadata.name] as const);
    }),
    refs: referencesOf('', objects, kinds, context),
    podVolumes,
  };
}

/**
 * The problems of every environment from its releases' summaries, with the number of references
 * checked. A reference to an object no release makes is accepted when the environment's definition
 * declares it external (`definitions`: its `external`) in the referrer's namespace, with the keys
 * the referrer needs when the declaration lists keys; otherwise the problem says which entry
 * declares it. A declared object nothing refers to is a warning; one a release makes is an error.
 */
export function checkSummaries(
  summariesByEnvironment: { readonly [environment: string]: readonly ReleaseSummary[] },
  external: ExternalReferences = DEFAULT_EXTERNAL,
  definitions: readonly EnvironmentDeclarations[] = [],
): ReferenceFindings {
  const problems: string[] = [];
  const warnings: string[] = [];
  const externalUsers: { [environment: string]: Map<string, string[]> } = {};
  let checked = 0;
  const declared = new Set(external.declared);
  for (const [environment, summaries] of Object.entries(summariesByEnvironment)) {
    const definition = definitions.find((d) => d.name === environment);
    const file = definition?.file ?? `environments/${environment}/environment.ts`;
    const outside = externalObjects(definition?.definition);
    const outsideByKey = new Map<string, ExternalObject>();
    for (const o of outside) if (!outsideByKey.has(key(o.kind, o.namespace, o.name))) outsideByKey.set(key(o.kind, o.namespace, o.name), o);
    const users = new Map<string, Set<string>>(outside.map((o) => [key(o.kind, o.namespace, o.name), new Set<string>()]));
    const objects = summaries.flatMap((s) => s.objects);
    const claimRefOf = new Map<string, readonly [string | null, string] | undefined>();
    for (const [kind, ns, name, claimRef] of objects) claimRefOf.set(key(kind, ns ?? undefined, name), claimRef);
    // Helm refuses to install an object that exists without its release's ownership metadata
    // (helm/helm@v3.18.0 pkg/action/validate.go existingResourceConflict): one made here cannot also exist outside.
    for (const o of outside) {
      if (!claimRefOf.has(key(o.kind, o.namespace, o.name))) continue;
      problems.push(
        `${file}: '${o.field}' (${externalName(o)}) must be left out: a release of ${environment} makes ${externalName(o)} itself, and Helm refuses to install an object that already exists without its release's ownership (helm/helm@v3.18.0 pkg/action/validate.go); remove the declaration, or stop the chart from making it`,
      );
    }
    // An external claim's class is used through it.
    for (const o of outside) {
      const sc = o.kind === 'PersistentVolumeClaim' ? o.declaration.storageClassName : undefined;
      if (typeof sc === 'string' && sc !== '') users.get(key('StorageClass', undefined, sc))?.add(`${externalName(o)} (external)`);
    }
    // Volumes of each pod spec, keyed by the referrer.
    const knownKeys = new Map<string, readonly string[]>(summaries.flatMap((s) => s.configMapKeys ?? []));
    const podVolumes = new Map<string, Set<string>>();
    for (const s of summaries) for (const [from, names] of s.podVolumes) podVolumes.set(from, new Set(names));
    for (const ref of summaries.flatMap((s) => s.refs)) {
      const r = { ...ref, environment };
      checked++;
      const where = `${environment}: ${r.from} ${r.field}`;
      if (r.kind === 'Volume') {
        if (!podVolumes.get(r.namespace!)?.has(r.name)) problems.push(`${where}: volume "${r.name}" is not a volume of the pod`);
        continue;
      }
      if (r.kind === 'PersistentVolume' && r.name.startsWith('(bound to ')) {
        // A static claim (storageClassName ""): a PersistentVolume of the output must claim it.
        const [cns, cname] = r.name.slice('(bound to '.length, -1).split('/');
        const pv = objects.find(([kind, , , claimRef]) => kind === 'PersistentVolume' && claimRef?.[1] === cname && (claimRef[0] ?? cns) === cns);
        if (!pv) problems.push(`${where}: no PersistentVolume of ${environment} has claimRef ${cns}/${cname}; a claim with storageClassName "" never binds without one`);
        continue;
      }
      if ((external.everyNamespace[r.kind] ?? []).includes(r.name)) continue;
      const k = key(r.kind, r.namespace, r.name);
      if (declared.has(k)) continue;
      const own = outsideByKey.get(k);
      if (!claimRefOf.has(k) && own) {
        users.get(k)!.add(r.from);
        // A key the pod needs and the declared object does not have: the kubelet does not start the container
        // (https://kubernetes.io/docs/concepts/configuration/secret/, "Optional Secrets"; ConfigMaps alike).
        const missing = own.keys ? (r.keys ?? []).filter((x) => !own.keys!.includes(x)) : [];
        if (missing.length > 0) {
          problems.push(
            `${where}: ${r.kind} ${r.namespace}/${r.name} has no key ${missing.map((x) => JSON.stringify(x)).join(', ')}: ${file} declares its keys as ${own.keys!.map((x) => JSON.stringify(x)).join(', ')} (${own.field}.keys), and the pod does not start without ${missing.length === 1 ? 'it' : 'them'}; add the key to ${own.field}.keys if the ${r.kind} has it, or refer to a key it has`,
          );
        }
        continue;
      }
      if (!claimRefOf.has(k)) {
        const what = `${where}: ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} does not exist in ${environment}`;
        const elsewhere = objects.find(([kind, , name]) => kind === r.kind && name === r.name);
        const declaredElsewhere = outside.find((o) => o.kind === r.kind && o.name === r.name);
        const tierChart = r.kind === 'StorageClass' ? Object.values(TIER_CHARTS).find((t) => t.storageClassName !== undefined && t.storageClassName === r.name) : undefined;
        const declare = () => `if it exists outside strata, declare it there: ${externalEntry(r.kind as Parameters<typeof externalEntry>[0], r.namespace, r.name)}${r.kind === 'StorageClass' ? ", with its tier when known (tier: 'fsx-lustre', 'efs', 's3-files', 's3' or 'instance-store')" : ''}`;
        if (elsewhere) problems.push(`${what} (there is one in namespace ${elsewhere[1]}: the wrong namespace)`);
        else if (tierChart) problems.push(`${what}: it is the class workload charts claim by default for ${tierChart.tier}; give a ${tierChart.chart} release of ${file} this class (storage.${tierChart.tier}: { storageClassName: '${r.name}', … }), or ${declare()}`);
        else if (declaredElsewhere) problems.push(`${what} (${file} declares one in namespace ${declaredElsewhere.namespace}, ${declaredElsewhere.field}: the wrong namespace; a pod sees only its own namespace's); ${declare()}`);
        else if (isExternalKind(r.kind)) problems.push(`${what}: no release of ${environment} makes it, and ${file} does not declare it external; ${declare()}`);
        else problems.push(what);
        continue;
      }
      // A ConfigMap of cloud values: the key must be one an ACK FieldExport of the environment writes.
      const written = r.kind === 'ConfigMap' ? knownKeys.get(`${r.namespace}/${r.name}`) : undefined;
      const absent = written ? (r.keys ?? []).filter((x) => !written.includes(x)) : [];
      if (absent.length > 0) {
        problems.push(
          `${where}: ConfigMap ${r.namespace}/${r.name} will have no key ${absent.map((x) => JSON.stringify(x)).join(', ')}: no ACK FieldExport of ${environment}/infrastructure/cloud writes it (written: ${written!.map((x) => JSON.stringify(x)).join(', ') || 'none'}); name a file system ${file} declares under cloud (cloudS3FileSystemIdRef('<name>') for cloud.s3FileSystems)`,
        );
      }
      // A static volume's claimRef must be the claim that names it (or no volumeName at all).
      if (r.kind === 'PersistentVolume') {
        const claimName = r.from.split(' ')[1];
        const ref = claimRefOf.get(k);
        if (ref && `${ref[0]}/${ref[1]}` !== claimName) problems.push(`${where}: PersistentVolume ${r.name} is reserved for ${ref[0]}/${ref[1]}, not ${claimName}`);
      }
    }
    const used = new Map<string, string[]>();
    for (const o of outside) {
      const k = key(o.kind, o.namespace, o.name);
      const who = [...(users.get(k) ?? [])].sort();
      used.set(k, who);
      if (who.length === 0 && !claimRefOf.has(k)) {
        warnings.push(`${file}: '${o.field}' (${externalName(o)}) is declared external, but no release of ${environment} refers to it: a stale declaration; remove it, or deploy the workload that needs it`);
      }
    }
    externalUsers[environment] = used;
  }
  return { problems, warnings, checked, externalUsers };
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}
