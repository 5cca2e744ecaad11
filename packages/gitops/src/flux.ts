import { CustomHealthCheck, GENERATED, yamlDocument } from '@strata/helm';
import { DRIFT_IGNORE } from './release-policy';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain data (key order is kept as built: apiVersion, kind, metadata, spec). */
export type KubeObject = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown }; readonly [k: string]: unknown };

/** Flux garbage collection skips objects with this annotation (Flux kustomize-controller docs). */
export const PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';
/** The layer of a Helm chart in an OCI artifact (ChartLayerMediaType, helm/helm@v3.18.6:pkg/registry/constants.go#L30). */
export const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
/** The namespace Flux runs in; its sync source is the GitRepository `flux-system` made by `flux bootstrap`. */
export const FLUX_NAMESPACE = 'flux-system';

export const API = {
  helmRelease: 'helm.toolkit.fluxcd.io/v2',
  source: 'source.toolkit.fluxcd.io/v1',
  kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  kustomizeConfig: 'kustomize.config.k8s.io/v1beta1',
} as const;

/** A YAML file: the generated header, a line saying what it is, then the documents. */
export function yamlFile(what: string, source: string, docs: readonly unknown[]): string {
  const header = `# ${GENERATED} (source: ${source})\n# ${what}\n`;
  const text = header + docs.map((d) => yamlDocument(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  if (madeFrom.size >= 50_000) madeFrom.clear(); // a long-lived process forgets; reading then parses
  madeFrom.set(text, JSON.stringify(docs));
  return text;
}

/** Text of each YAML file made in this process → its documents (as JSON: what parsing it gives). */
const madeFrom = new Map<string, string>();

/**
 * The documents of a YAML file (empty documents left out). A file this process made with
 * `yamlFile` is not parsed again: its documents are what it was made from, as JSON (the emitter
 * is property-tested to write exactly what `yaml` writes; parsing that gives the same data for
 * JSON data — overlays hold no NaN, Infinity or -0, where the two would differ).
 * Generate's reference lint reads every overlay it wrote this way.
 */
export function yamlDocuments(text: string): unknown[] {
  const json = madeFrom.get(text);
  const docs = json !== undefined ? (JSON.parse(json) as unknown[]) : parseAllDocuments(text).map((d) => d.toJS() as unknown);
  return docs.filter((d) => d !== null && d !== undefined);
}

/** A kustomize `kustomization.yaml` (not a Flux object: what `kubectl kustomize` builds). */
export function kustomizeFile(what: string, source: string, body: { resources: readonly string[]; patches?: readonly unknown[] }): string {
  const doc: Record<string, unknown> = { apiVersion: API.kustomizeConfig, kind: 'Kustomization', resources: body.resources };
  if (body.patches && body.patches.length > 0) doc.patches = body.patches;
  return yamlFile(what, source, [doc]);
}

export interface FluxKustomizationOptions {
  readonly name: string;
  readonly path: string;
  readonly dependsOn?: readonly string[];
  readonly interval: string;
  readonly retryInterval: string;
  readonly timeout: string;
  /** The GitRepository (in flux-system) it applies from. @default 'flux-system' (the bootstrap repository: this one) */
  readonly sourceRef?: string;
  /** Garbage-collect what it applied and no longer applies (its deletion deletes everything it applied). @default true */
  readonly prune?: boolean;
  readonly annotations?: Record<string, string>;
  /** Custom health checks (kustomize-controller v1.5+, CEL): how its custom resources are awaited. @default - kstatus only */
  readonly healthCheckExprs?: readonly { readonly apiVersion: string; readonly kind?: string; readonly current: string; readonly inProgress?: string; readonly failed?: string }[];
  /** ConfigMaps (in flux-system) whose keys are substituted for `${name}` in what it applies. @default - none */
  readonly substituteFrom?: readonly string[];
}

/** A Flux Kustomization applying one directory (sourceRef: the bootstrap GitRepository, unless another is given). */
export function fluxKustomization(o: FluxKustomizationOptions): KubeObject {
  const spec: Record<string, unknown> = {};
  if (o.dependsOn && o.dependsOn.length > 0) spec.dependsOn = o.dependsOn.map((name) => ({ name }));
  Object.assign(spec, {
    interval: o.interval,
    retryInterval: o.retryInterval,
    timeout: o.timeout,
    sourceRef: { kind: 'GitRepository', name: o.sourceRef ?? 'flux-system' },
    path: o.path,
    prune: o.prune ?? true,
    wait: true,
  });
  if (o.healthCheckExprs && o.healthCheckExprs.length > 0) spec.healthCheckExprs = o.healthCheckExprs.map((h) => ({ ...h }));
  if (o.substituteFrom && o.substituteFrom.length > 0) spec.postBuild = { substituteFrom: o.substituteFrom.map((name) => ({ kind: 'ConfigMap', name })) };
  return { apiVersion: API.kustomization, kind: 'Kustomization', metadata: { name: o.name, namespace: FLUX_NAMESPACE, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec };
}

export function helmRepository(name: string, namespace: string, url: string, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: API.source, kind: 'HelmRepository', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec: { interval: '24h', url } };
}

/** A GitRepository of an upstream repository at an exact tag (source.toolkit.fluxcd.io/v1, GA in source-controller v1.0.0). */
export function gitRepository(o: { readonly name: string; readonly namespace: string; readonly url: string; readonly tag: string; readonly annotations?: Record<string, string> }): KubeObject {
  return {
    apiVersion: API.source,
    kind: 'GitRepository',
    metadata: { name: o.name, namespace: o.namespace, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { interval: '24h', url: o.url, ref: { tag: o.tag } },
  };
}

export interface OciRepositoryOptions {
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  /** How source-controller authenticates: `aws` for a private ECR registry. @default - by the URL (see registryProvider) */
  readonly provider?: 'aws' | 'generic';
  /** The exact tag; or `semver`, an exact version range, when the tag's spelling ("v1.0.0" or "1.0.0") is not known. */
  readonly tag?: string;
  readonly semver?: string;
  readonly digest?: string;
  readonly annotations?: Record<string, string>;
}

/** An OCIRepository of a Helm chart: exact tag (and digest when known), the chart layer copied as is. */
export function ociRepository(o: OciRepositoryOptions): KubeObject {
  const provider = o.provider ?? registryProvider(o.url);
  const ref: Record<string, string> = o.semver !== undefined && o.tag === undefined ? { semver: o.semver } : { tag: o.tag ?? '' };
  if (o.digest) ref.digest = o.digest;
  return {
    apiVersion: API.source,
    kind: 'OCIRepository',
    metadata: { name: o.name, namespace: o.namespace, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { interval: '1h', url: o.url, ...(provider === 'aws' ? { provider } : {}), ref, layerSelector: { mediaType: HELM_LAYER, operation: 'copy' } },
  };
}

/** A private ECR registry host: `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China). */
const ECR_PRIVATE = /^oci:\/\/\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?(\/|$)/;

/**
 * How source-controller must authenticate to pull from a registry: a private ECR registry needs
 * `provider: aws` (ECR tokens from the node role, IRSA or Pod Identity of source-controller);
 * without it every pull is refused. Public registries (public.ecr.aws included) need none.
 * @see https://fluxcd.io/flux/components/source/ocirepositories/#provider
 */
export function registryProvider(url: string): 'aws' | 'generic' {
  return ECR_PRIVATE.test(url) ? 'aws' : 'generic';
}

export interface HelmReleaseOptions {
  readonly name: string;
  readonly namespace: string;
  /** chartRef (an OCIRepository of the same name and namespace) or a chart from a HelmRepository. */
  readonly source: { readonly ociRepository: string } | { readonly helmRepository: string; readonly chart: string; readonly version: string };
  readonly timeout: string;
  /** Charts with CRDs: create and update them on install and upgrade. */
  readonly crds?: boolean;
  /** Holds data: keep the Helm history on uninstall, no cleanup that deletes new objects of a failed upgrade. */
  readonly holdsData?: boolean;
  readonly annotations?: Record<string, string>;
  readonly values?: Record<string, unknown>;
  /** Do not wait for Jobs to complete (they have no deadline: a training run). See ReleasePolicy. */
  readonly disableWaitForJobs?: boolean;
  /** Retry failed installs and upgrades in place, never uninstall or roll back (charts holding data or running Jobs). */
  readonly retryOnFailure?: boolean;
  /** Correct drift (charts strata writes; not the drivers' upstream charts). */
  readonly driftDetection?: boolean;
  /** HelmReleases that must be Ready first (`.spec.dependsOn`): an operator's prerequisites. */
  readonly dependsOn?: readonly { readonly name: string; readonly namespace?: string }[];
  /**
   * How custom resources of the release are awaited (`.spec.healthCheckExprs`, helm-controller
   * v1.5.0 / Flux 2.8.0): see CUSTOM_KINDS of @strata/helm.
   */
  readonly healthCheckExprs?: readonly CustomHealthCheck[];
  /**
   * Wait with kstatus (`.spec.waitStrategy.name: poller`, helm-controller v1.5.0): the only
   * strategy that waits for custom resources and evaluates health checks — written so that the
   * `UseHelm3Defaults` feature gate (which selects `legacy`) does not change the wait.
   */
  readonly pollerWait?: boolean;
}

/** The interval between retries of RetryOnFailure (helm-controller's default, stated). */
export const RETRY_INTERVAL = '5m';

/**
 * A HelmRelease with the install, upgrade and drift policy of its chart (see ReleasePolicy in
 * release-policy.ts for why each setting, and which helm-controller version it needs).
 */
export function helmRelease(o: HelmReleaseOptions): KubeObject {
  const spec: Record<string, unknown> = { interval: '30m', releaseName: o.name };
  if ('ociRepository' in o.source) spec.chartRef = { kind: 'OCIRepository', name: o.source.ociRepository };
  else spec.chart = { spec: { chart: o.source.chart, version: o.source.version, sourceRef: { kind: 'HelmRepository', name: o.source.helmRepository }, interval: '24h' } };
  if (o.dependsOn && o.dependsOn.length > 0) spec.dependsOn = o.dependsOn.map((d) => ({ name: d.name, ...(d.namespace ? { namespace: d.namespace } : {}) }));
  spec.timeout = o.timeout;
  if (o.pollerWait) spec.waitStrategy = { name: 'poller' };
  if (o.healthCheckExprs && o.healthCheckExprs.length > 0) spec.healthCheckExprs = o.healthCheckExprs.map((h) => ({ ...h }));
  const crds = o.crds ? { crds: 'CreateReplace' } : {};
  const jobs = o.disableWaitForJobs ? { disableWaitForJobs: true } : {};
  if (o.retryOnFailure) {
    // Never an uninstall between attempts (it kills running Jobs) nor a rollback (it re-creates old Jobs).
    spec.install = { ...crds, ...jobs, strategy: { name: 'RetryOnFailure', retryInterval: RETRY_INTERVAL } };
    spec.upgrade = { ...crds, ...jobs, strategy: { name: 'RetryOnFailure', retryInterval: RETRY_INTERVAL } };
  } else {
    spec.install = { ...crds, ...jobs, remediation: { retries: 3 } };
    // cleanupOnFail deletes what a failed upgrade created — never on a chart holding data.
    spec.upgrade = { ...crds, ...jobs, ...(o.holdsData ? {} : { cleanupOnFail: true }), remediation: { retries: 3, remediateLastFailure: true } };
  }
  if (o.disableWaitForJobs) spec.rollback = { disableWaitForJobs: true };
  if (o.driftDetection) spec.driftDetection = { mode: 'enabled', ignore: DRIFT_IGNORE.map((r) => ({ paths: [...r.paths], target: { ...r.target } })) };
  // Claims carry helm.sh/resource-policy: keep, so uninstall leaves them; the history says what was there.
  if (o.holdsData) spec.uninstall = { keepHistory: true };
  if (o.values && Object.keys(o.values).length > 0) spec.values = o.values;
  return {
    apiVersion: API.helmRelease,
    kind: 'HelmRelease',
    metadata: { name: o.name, namespace: o.namespace, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec,
  };
}

/** Pod Security Admission's namespace labels (https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces). */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/**
 * A namespace. With `podSecurity`, Pod Security Admission enforces that level on its pods, pinned
 * to the cluster's Kubernetes minor (`v1.33`; a control-plane upgrade does not tighten or loosen
 * it unseen), and warns and audits against restricted, so a namespace that must be baseline
 * still says what keeps its pods from restricted.
 */
export function namespaceObject(name: string, protect: boolean, podSecurity?: { readonly level: string; readonly version: string }): KubeObject {
  const psa = podSecurity
    ? {
        [`${POD_SECURITY_LABEL_PREFIX}enforce`]: podSecurity.level,
        [`${POD_SECURITY_LABEL_PREFIX}enforce-version`]: podSecurity.version,
        [`${POD_SECURITY_LABEL_PREFIX}warn`]: 'restricted',
        [`${POD_SECURITY_LABEL_PREFIX}warn-version`]: podSecurity.version,
        [`${POD_SECURITY_LABEL_PREFIX}audit`]: 'restricted',
        [`${POD_SECURITY_LABEL_PREFIX}audit-version`]: podSecurity.version,
      }
    : {};
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'strata', ...psa }, ...(protect ? { annotations: { [PRUNE_ANNOTATION]: 'disabled' } } : {}) },
  };
}
