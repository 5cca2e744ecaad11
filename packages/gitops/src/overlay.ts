import { parse } from 'yaml';
import { ChartCatalog, ChartEntry } from './catalog';
import { DRIVER_NAMESPACE, KARPENTER } from './drivers';
import { EnvironmentDefinition } from './environment';
import { timeoutFor } from '@strata/helm';
import { API, FLUX_NAMESPACE, fluxKustomization, helmRelease, helmRepository, kustomizeFile, namespaceObject, ociRepository, PRUNE_ANNOTATION, registryProvider, yamlFile } from './flux';
import { controllersTimeout, operatorFiles } from './operators';
import { ackControllerFile, cloudFiles, cloudKustomizations } from './cloud-files';
import { isDataChart, releasePolicy } from './release-policy';
import { EnvironmentPlan, planEnvironment, PlannedWorkload } from './plan';
import { environmentReport } from './report';
import { monitoringFiles } from './monitoring/files';

/** Every error of an environment (or of several): nothing was written. */
export class EnvironmentError extends Error {
  public constructor(
    public readonly errors: string[],
    public readonly warnings: string[] = [],
  ) {
    super(`${errors.length} environment error${errors.length === 1 ? '' : 's'}:\n  ${errors.join('\n  ')}`);
    this.name = 'EnvironmentError';
  }
}

/** Where an environment's definition lives, relative to the repository root. */
export function definitionFile(name: string): string {
  return `environments/${name}/environment.ts`;
}

/** The URL a base OCIRepository carries until an environment sets its registry (RFC 2606 `.invalid`: never resolves). */
export const BASE_REGISTRY = 'oci://registry.invalid/strata';

/**
 * Flux Kustomization timings, on purpose (the report explains each). A Kustomization with
 * `wait: true` waits for its HelmReleases to be Ready: the configs' and the apps' timeouts follow
 * the longest HelmRelease timeout among them (see kustomizationTimeout).
 */
export const TIMINGS = {
  controllers: { interval: '1h', retryInterval: '2m', timeout: '10m' },
  configs: { interval: '1h', retryInterval: '2m' },
  apps: { interval: '10m', retryInterval: '2m' },
} as const;

/** A Kustomization's timeout: its longest HelmRelease's, plus five minutes for applying and health checks. */
export function kustomizationTimeout(longestWaitSeconds: readonly number[]): string {
  return timeoutFor(Math.max(0, ...longestWaitSeconds) + 300);
}

/**
 * The generated files of one environment, relative to environments/: `<env>/…` (the directory
 * Flux is pointed at) and `base/apps/<workload>/…` (the bases every environment patches).
 * Pure and deterministic. Throws an EnvironmentError with every problem when the definition
 * does not fit the charts.
 */
export function environmentFiles(env: EnvironmentDefinition, catalog: ChartCatalog, options: { file?: string } = {}): Map<string, string> {
  const plan = planEnvironment(env, catalog, options.file ?? definitionFile(env?.name));
  if (plan.errors.length > 0) throw new EnvironmentError(plan.errors, plan.warnings);
  return planFiles(plan);
}

/** The files of a checked plan (see environmentFiles). */
export function planFiles(plan: EnvironmentPlan): Map<string, string> {
  const env = plan.env;
  const src = plan.file;
  const files = new Map<string, string>();
  const at = (rel: string, content: string) => files.set(`${env.name}/${rel}`, content);
  const envDir = `./environments/${env.name}`;

  // --- entry point: the three Flux Kustomizations, chained ------------------------------------
  // With a cloud section, the ACK controllers, identity and cloud resources come in between (cloud-files.ts).
  const cloud = plan.cloud ? cloudKustomizations(plan.cloud, envDir) : undefined;
  const controllers = fluxKustomization({ name: 'infra-controllers', path: `${envDir}/infrastructure/controllers`, ...(cloud ? { dependsOn: cloud.controllersDependOn } : {}), ...TIMINGS.controllers, timeout: controllersTimeout(plan.operators) });
  const configs = fluxKustomization({
    name: 'infra-configs',
    path: `${envDir}/infrastructure/configs`,
    dependsOn: [cloud?.configsDependOn ?? 'infra-controllers'],
    ...TIMINGS.configs,
    timeout: kustomizationTimeout(plan.tiers.map((t) => t.policy.longestWaitSeconds)),
    ...(cloud && cloud.substituteFrom.length > 0 ? { substituteFrom: cloud.substituteFrom } : {}),
  });
  const apps = fluxKustomization({ name: 'apps', path: `${envDir}/apps`, dependsOn: ['infra-configs'], ...TIMINGS.apps, timeout: kustomizationTimeout(plan.workloads.map((w) => w.policy.longestWaitSeconds)) });
  const monitoring = monitoringFiles(plan);
  for (const [rel, content] of monitoring) at(rel, content);
  at('kustomization.yaml', kustomizeFile(`Environment ${env.name}: the directory Flux is pointed at (see README.md)`, src, { resources: ['infrastructure.yaml', 'apps.yaml', ...(monitoring.has('monitoring.yaml') ? ['monitoring.yaml'] : [])] }));
  at(
    'infrastructure.yaml',
    cloud
      ? yamlFile('ACK and identity first, then CSI drivers and controllers, then the cloud resources (awaited until synced), then the storage tier charts', src, [...cloud.before, controllers, ...(cloud.cloud ? [cloud.cloud] : []), configs])
      : yamlFile('CSI drivers first, then the storage tier charts that need them', src, [controllers, configs]),
  );
  if (plan.cloud) for (const [rel, content] of cloudFiles(plan.cloud, src)) at(rel, content);
  at('apps.yaml', yamlFile('Workloads, once the storage classes exist', src, [apps]));

  // --- infrastructure/controllers: the drivers in use (and Karpenter when asked) ----------------
  const controllerFiles: string[] = [];
  for (const d of plan.drivers) {
    const name = d.driver.chart;
    controllerFiles.push(`${name}.yaml`);
    at(
      `infrastructure/controllers/${name}.yaml`,
      yamlFile(`${d.driver.title} ${d.driver.version} (used by ${d.usedBy.join(', ')})`, src, [
        helmRepository(name, DRIVER_NAMESPACE, d.driver.repository),
        helmRelease({ name, namespace: DRIVER_NAMESPACE, source: { helmRepository: name, chart: d.driver.chart, version: d.driver.version }, timeout: '10m', crds: true, values: d.values }),
      ]),
    );
  }
  if (plan.karpenter?.install) {
    controllerFiles.push('karpenter.yaml');
    at(
      'infrastructure/controllers/karpenter.yaml',
      yamlFile(`Karpenter ${KARPENTER.version}: provisions the NVMe nodes of the instance-store tier`, src, [
        ociRepository({ name: KARPENTER.chart, namespace: KARPENTER.namespace, url: KARPENTER.url, tag: KARPENTER.version }),
        helmRelease({ name: KARPENTER.chart, namespace: KARPENTER.namespace, source: { ociRepository: KARPENTER.chart }, timeout: '10m', crds: true, values: plan.karpenter.values }),
      ]),
    );
  }
  // The ACK controllers of the cloud resources (their roles made in infra-identity).
  for (const c of plan.cloud?.controllers.filter((x) => !x.controller.bootstrap) ?? []) {
    controllerFiles.push(`ack-${c.controller.service}-controller.yaml`);
    at(`infrastructure/controllers/ack-${c.controller.service}-controller.yaml`, ackControllerFile(c, src));
  }
  // The workload operators and their prerequisites (operators.ts).
  for (const [file, content] of operatorFiles(plan.operators, src)) {
    controllerFiles.push(file);
    at(`infrastructure/controllers/${file}`, content);
  }
  at('infrastructure/controllers/kustomization.yaml', kustomizeFile(`Infrastructure controllers: the CSI drivers${plan.operators.length > 0 ? ' and operators' : ''} this environment\'s workloads use`, src, { resources: controllerFiles.sort() }));

  // --- infrastructure/configs: the tier charts (StorageClasses, NodePools) ---------------------
  // One file per chart: its OCIRepository and a HelmRelease per release of it.
  const configFiles: string[] = [];
  const byChart = new Map<string, typeof plan.tiers>();
  for (const t of plan.tiers) byChart.set(t.tier.chart, [...(byChart.get(t.tier.chart) ?? []), t]);
  for (const [name, releases] of byChart) {
    configFiles.push(`${name}.yaml`);
    const first = releases[0];
    const made = releases.map((t) => (t.storageClassName !== undefined ? `StorageClass ${t.storageClassName}` : 'EC2NodeClass and NodePools') + (t.release === name ? '' : ` (release ${t.release})`));
    at(
      `infrastructure/configs/${name}.yaml`,
      yamlFile(`${name} ${first.entry.version}: ${made.join(', ')} for this environment's network`, src, [
        // A tier chart holds the cluster's classes and NodePools: pruned or uninstalled (once no workload
        // here needs it, or by install remediation), Karpenter would drain every node of its pools,
        // the running pods of kept releases included. Taking one out is a deliberate step.
        ociRepository({ name, namespace: FLUX_NAMESPACE, url: `${env.registry}/${name}`, tag: first.entry.version, digest: first.digest, annotations: { [PRUNE_ANNOTATION]: 'disabled' } }),
        ...releases.map((t) =>
          helmRelease({
            name: t.release,
            namespace: FLUX_NAMESPACE,
            source: { ociRepository: name },
            timeout: t.policy.timeout,
            disableWaitForJobs: t.policy.disableWaitForJobs,
            retryOnFailure: t.policy.retryOnFailure,
            driftDetection: true,
            annotations: { [PRUNE_ANNOTATION]: 'disabled' },
            values: t.values,
          }),
        ),
      ]),
    );
  }
  at('infrastructure/configs/kustomization.yaml', kustomizeFile('Infrastructure configs: the storage tier charts, set for this environment', src, { resources: configFiles.sort() }));

  // --- apps: the shared bases, patched with this environment's differences ---------------------
  const resources: string[] = [];
  if (plan.namespaces.length > 0) {
    resources.push('namespaces.yaml');
    // Pod Security Admission enforces on each namespace the level its charts need (restricted unless one says otherwise).
    const version = /^1\.\d+/.exec(plan.env.cluster.kubernetesVersion)?.[0];
    const psa = (level: string) => ({ level, version: version ? `v${version}` : 'latest' });
    at('apps/namespaces.yaml', yamlFile('The workloads\' namespaces (kept by Flux when a workload in them holds data; Pod Security enforced)', src, plan.namespaces.map((n) => namespaceObject(n.name, n.protect, psa(n.podSecurity.level)))));
  }
  const patches: unknown[] = [];
  for (const w of plan.workloads) {
    for (const [rel, content] of baseFiles(w.name, w.entry)) files.set(rel, content);
    resources.push(`../../base/apps/${w.name}`);
    patches.push(...workloadPatches(plan, w, (rel, content) => at(`apps/${rel}`, content)));
  }
  at('apps/kustomization.yaml', kustomizeFile('Apps: each workload\'s base (environments/base/apps), patched with only what differs here', src, { resources, patches }));

  at('README.md', environmentReport(plan));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The base of one workload, shared by every environment: the OCIRepository (the charts/ version)
 * and the HelmRelease (remediation, data safety; no values). Environments patch only differences.
 */
export function baseFiles(name: string, entry: ChartEntry): Map<string, string> {
  // Every environment asks for the same base: made once per catalog entry.
  const made = basesMade.get(entry);
  if (made?.name === name) return made.files;
  const files = makeBaseFiles(name, entry);
  basesMade.set(entry, { name, files });
  return files;
}

const basesMade = new WeakMap<ChartEntry, { name: string; files: Map<string, string> }>();

function makeBaseFiles(name: string, entry: ChartEntry): Map<string, string> {
  const src = `charts/${name}`;
  const holdsData = isDataChart(entry);
  const policy = releasePolicy(entry, entry.defaults);
  const keep = holdsData ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined;
  const dir = `base/apps/${name}`;
  return new Map([
    [`${dir}/kustomization.yaml`, kustomizeFile(`${name}: the base every environment patches`, src, { resources: ['repository.yaml', 'release.yaml'] })],
    [
      `${dir}/repository.yaml`,
      yamlFile(`${name} ${entry.version} from the registry (each environment sets its registry URL)`, src, [
        // No digest here: a digest belongs to one registry, and each environment pulls from its own (workloadPatches).
        ociRepository({ name, namespace: name, url: `${BASE_REGISTRY}/${name}`, tag: entry.version, annotations: keep }),
      ]),
    ],
    [
      `${dir}/release.yaml`,
      yamlFile(`${name}: the release, chart defaults only${holdsData ? ' (holds data: never pruned by Flux, history kept)' : ''}`, src, [
        helmRelease({
          name,
          namespace: name,
          source: { ociRepository: name },
          timeout: policy.timeout,
          holdsData,
          annotations: keep,
          disableWaitForJobs: policy.disableWaitForJobs,
          retryOnFailure: policy.retryOnFailure,
          driftDetection: true,
          healthCheckExprs: policy.healthChecks,
          pollerWait: policy.pollerWait,
        }),
      ]),
    ],
  ]);
}

/** The patches of one workload in an environment's apps/kustomization.yaml (and its values file). */
function workloadPatches(plan: EnvironmentPlan, w: PlannedWorkload, write: (rel: string, content: string) => void): unknown[] {
  const patches: unknown[] = [];
  const release = { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease', name: w.name };
  const repository = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'OCIRepository', name: w.name };
  if (w.values) {
    const file = `${w.name}-values.yaml`;
    write(
      file,
      yamlFile(`${w.name}: this environment's values (overrides only; the defaults are the chart's)`, plan.file, [
        { apiVersion: API.helmRelease, kind: 'HelmRelease', metadata: { name: w.name, namespace: w.name }, spec: { values: w.values } },
      ]),
    );
    patches.push({ path: file, target: release });
  }
  const repoOps: unknown[] = [{ op: 'replace', path: '/spec/url', value: `${plan.env.registry}/${w.name}` }];
  // A private ECR registry: source-controller authenticates with AWS (the base pulls from nowhere).
  if (registryProvider(plan.env.registry) === 'aws') repoOps.push({ op: 'add', path: '/spec/provider', value: 'aws' });
  if (w.versionPinned) repoOps.push({ op: 'replace', path: '/spec/ref/tag', value: w.version });
  // The digest this environment's registry returned when the version was published there (and only that one).
  else if (w.digest) repoOps.push({ op: 'add', path: '/spec/ref/digest', value: w.digest });
  const releaseOps: unknown[] = [];
  // This environment's values make the waits longer or shorter than the chart defaults do.
  const base = releasePolicy(w.entry, w.entry.defaults);
  if (w.policy.timeout !== base.timeout) releaseOps.push({ op: 'replace', path: '/spec/timeout', value: w.policy.timeout });
  if (w.holdsData && !w.protect) {
    const op = { op: 'remove', path: `/metadata/annotations/${PRUNE_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}` };
    repoOps.push(op);
    releaseOps.push(op);
  }
  if (w.namespace !== w.name) {
    const op = { op: 'replace', path: '/metadata/namespace', value: w.namespace };
    repoOps.push(op);
    releaseOps.push(op);
  }
  patches.push({ target: repository, patch: jsonPatch(repoOps) });
  if (releaseOps.length > 0) patches.push({ target: release, patch: jsonPatch(releaseOps) });
  return patches;
}

/** The operations of a JSON 6902 patch text: as `jsonPatch` writes it (read line by line), else parsed as YAML. */
export function jsonPatchOps(text: string): { op: string; path: string; value?: unknown }[] {
  const lines = text.split('\n');
  const ops: { op: string; path: string; value?: unknown }[] = [];
  for (let i = 0; i < lines.length; ) {
    const op = /^- op: ([a-z]+)$/.exec(lines[i]);
    const path = /^ {2}path: (\/[^\s'"#:]*)$/.exec(lines[i + 1] ?? '');
    if (!op || !path) return parse(text) ?? [];
    const value = /^ {2}value: (.*)$/.exec(lines[i + 2] ?? '');
    if (value) {
      try {
        ops.push({ op: op[1], path: path[1], value: JSON.parse(value[1]) });
      } catch {
        return parse(text) ?? [];
      }
      i += 3;
    } else {
      ops.push({ op: op[1], path: path[1] });
      i += 2;
    }
  }
  return ops;
}

/** A JSON 6902 patch, as the YAML text kustomize reads. */
function jsonPatch(ops: unknown[]): string {
  return ops
    .map((o) => {
      const { op, path, value } = o as { op: string; path: string; value?: unknown };
      return `- op: ${op}\n  path: ${path}${value === undefined ? '' : `\n  value: ${JSON.stringify(value)}`}`;
    })
    .join('\n');
}
