import { join } from 'node:path';
import { awaitedObjects, READY_SECONDS_ANNOTATION } from '@strata/helm';
import { validateObjects } from '@strata/kube-schemas';
import { ChartCatalog, ChartEntry, controllersTimeout, defineEnvironment, environmentFiles, OPERATOR_NAMES, OPERATORS, planEnvironment, planOperators, PRUNE_ANNOTATION, workload } from '../src';
import { fixtureCatalog } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';
import { kustomize, parseDocs, writeTree } from './support/render';

/** A chart entry as the catalog reads it: its uses and the objects helm-controller waits for. */
function chart(uses: string[], objects: Record<string, unknown>[]): ChartEntry {
  return { version: '0.1.0', uses, schema: { type: 'object' }, defaults: {}, awaits: awaitedObjects(objects) };
}
const catalog: ChartCatalog = {
  ...fixtureCatalog(),
  // An InferenceService that declares an hour for the model download, and a RayService.
  serving: chart(
    ['operator:kserve', 'operator:kuberay'],
    [
      { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'llm', annotations: { [READY_SECONDS_ANNOTATION]: '3600' } }, spec: {} },
      { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name: 'vllm' }, spec: {} },
      { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'serve' }, spec: {} },
    ],
  ),
  // A TrainJob and a SparkApplication: runs, never awaited.
  finetune: chart(['operator:kubeflow-trainer', 'operator:spark-operator', 's3'], [
    { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'ft' }, spec: {} },
    { apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name: 'prep' }, spec: {} },
  ]),
  legacy: chart(['operator:training-operator'], [{ apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'pt' }, spec: {} }]),
  volcano: chart(['operator:volcano'], []),
};
const ops = defineEnvironment({
  ...dev,
  name: 'ops',
  karpenter: undefined,
  identity: { mode: 'irsa' },
  storage: {},
  workloads: {
    serving: workload({ namespace: 'serve' }),
    finetune: workload({ namespace: 'ml-train' }),
    legacy: workload({ namespace: 'ml-train' }),
    plain: workload({ namespace: 'plain' }),
    volcano: workload({ namespace: 'plain' }),
  },
});
const files = environmentFiles(ops, catalog);
const docs = (path: string) => parseDocs(files.get(path)!);
const keep = { [PRUNE_ANNOTATION]: 'disabled' };

describe('operators: an environment installs the operators its charts use, with their prerequisites', () => {
  test('planned in install order, prerequisites included, each with who needs it', () => {
    const plan = planEnvironment(ops, catalog);
    expect(plan.errors).toEqual([]);
    expect(plan.operators.map((p) => [p.operator.name, p.usedBy, p.neededBy])).toEqual([
      ['cert-manager', [], ['kserve']],
      ['jobset', [], ['kubeflow-trainer']],
      ['kubeflow-trainer', ['finetune'], []],
      ['training-operator', ['legacy'], []],
      ['kuberay', ['serving'], []],
      ['kserve', ['serving'], []],
      ['spark-operator', ['finetune'], []],
    ]);
    expect(plan.warnings).toContain('environments/ops/environment.ts: chart volcano uses "operator:volcano", an operator strata does not install (known: cert-manager, jobset, lws, kubeflow-trainer, training-operator, kuberay, kserve, spark-operator, nim-operator); make sure the cluster provides it');
    // an operator use is not an unknown storage use
    expect(plan.warnings.filter((w) => w.includes('strata installs nothing for'))).toEqual([]);
  });

  test('one file per operator in infrastructure/controllers, listed by its kustomization', () => {
    const controllers = [...files.keys()].filter((k) => k.startsWith('ops/infrastructure/controllers/'));
    expect(controllers).toEqual([
      'ops/infrastructure/controllers/aws-mountpoint-s3-csi-driver.yaml',
      'ops/infrastructure/controllers/cert-manager.yaml',
      'ops/infrastructure/controllers/jobset.yaml',
      'ops/infrastructure/controllers/kserve.yaml',
      'ops/infrastructure/controllers/kubeflow-trainer.yaml',
      'ops/infrastructure/controllers/kuberay.yaml',
      'ops/infrastructure/controllers/kustomization.yaml',
      'ops/infrastructure/controllers/spark-operator.yaml',
      'ops/infrastructure/controllers/training-operator.yaml',
    ]);
    expect(docs('ops/infrastructure/controllers/kustomization.yaml')[0].resources).toEqual([
      'aws-mountpoint-s3-csi-driver.yaml',
      'cert-manager.yaml',
      'jobset.yaml',
      'kserve.yaml',
      'kubeflow-trainer.yaml',
      'kuberay.yaml',
      'spark-operator.yaml',
      'training-operator.yaml',
    ]);
  });

  test('KServe: its namespace, both charts by OCI tag, the controller after cert-manager and the CRDs, in Standard mode', () => {
    const [ns, crdRepo, crdRelease, repo, release] = docs('ops/infrastructure/controllers/kserve.yaml');
    expect(ns).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kserve', labels: { 'app.kubernetes.io/managed-by': 'strata' }, annotations: keep } });
    expect(crdRepo.spec).toEqual({ interval: '1h', url: 'oci://ghcr.io/kserve/charts/kserve-crd', ref: { tag: 'v0.20.0' }, layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' } });
    expect(crdRelease.spec.dependsOn).toBeUndefined();
    expect(crdRelease.spec.install).toEqual({ strategy: { name: 'RetryOnFailure', retryInterval: '5m' } }); // CRDs in templates: no crds policy
    expect(repo.metadata).toEqual({ name: 'kserve-resources', namespace: 'kserve', annotations: keep });
    expect(release).toEqual({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'kserve-resources', namespace: 'kserve', annotations: keep },
      spec: {
        interval: '30m',
        releaseName: 'kserve-resources',
        chartRef: { kind: 'OCIRepository', name: 'kserve-resources' },
        dependsOn: [
          { name: 'cert-manager', namespace: 'cert-manager' },
          { name: 'kserve-crd', namespace: 'kserve' },
        ],
        timeout: '10m',
        install: { strategy: { name: 'RetryOnFailure', retryInterval: '5m' } },
        upgrade: { strategy: { name: 'RetryOnFailure', retryInterval: '5m' } },
        values: { kserve: { controller: { deploymentMode: 'Standard', gateway: { disableIngressCreation: true } } } },
      },
    });
  });

  test('charts with CRDs in crds/ get CreateReplace; a HelmRepository chart is pinned by version', () => {
    const [, repo, release] = docs('ops/infrastructure/controllers/kuberay.yaml');
    expect(repo).toEqual({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'kuberay-operator', namespace: 'kuberay-system', annotations: keep }, spec: { interval: '24h', url: 'https://ray-project.github.io/kuberay-helm/' } });
    expect(release.spec.chart).toEqual({ spec: { chart: 'kuberay-operator', version: '1.7.0', sourceRef: { kind: 'HelmRepository', name: 'kuberay-operator' }, interval: '24h' } });
    expect([release.spec.install.crds, release.spec.upgrade.crds]).toEqual(['CreateReplace', 'CreateReplace']);
  });

  test('Trainer comes after its own JobSet (the subchart turned off); Spark runs jobs in the namespaces of the workloads that use it', () => {
    const trainer = docs('ops/infrastructure/controllers/kubeflow-trainer.yaml')[2];
    expect([trainer.metadata.namespace, trainer.spec.dependsOn, trainer.spec.values]).toEqual(['kubeflow-system', [{ name: 'jobset', namespace: 'jobset-system' }], { jobset: { install: false } }]);
    expect(docs('ops/infrastructure/controllers/jobset.yaml')[1].spec.ref).toEqual({ tag: '0.12.0' });
    expect(docs('ops/infrastructure/controllers/spark-operator.yaml')[2].spec.values).toEqual({ spark: { jobNamespaces: ['ml-train'] } });
  });

  test('training-operator v1: its upstream kustomize overlay from the Git tag, never pruning what it applied', () => {
    expect(docs('ops/infrastructure/controllers/training-operator.yaml')).toEqual([
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'training-operator', namespace: 'flux-system', annotations: keep }, spec: { interval: '24h', url: 'https://github.com/kubeflow/trainer', ref: { tag: 'v1.9.4' } } },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'training-operator', namespace: 'flux-system', annotations: keep },
        spec: { interval: '1h', retryInterval: '2m', timeout: '10m', sourceRef: { kind: 'GitRepository', name: 'training-operator' }, path: './manifests/overlays/standalone', prune: false, wait: true },
      },
    ]);
  });

  test('infra-controllers waits for the longest dependsOn chain: 10 minutes per release', () => {
    expect(docs('ops/infrastructure.yaml')[0].spec.timeout).toBe('20m');
    const only = (names: string[]) => controllersTimeout(planOperators([{ name: 'w', namespace: 'n', uses: names.map((n) => `operator:${n}`) }], {}, 'f').operators);
    expect([only([]), only(['kuberay']), only(['lws', 'nim-operator']), only(['kserve']), only(['kubeflow-trainer'])]).toEqual(['10m', '10m', '10m', '20m', '20m']);
  });

  test('workload releases: health checks for their kinds and the kstatus wait; a run makes the chart retry in place', () => {
    const serving = docs('base/apps/serving/release.yaml')[0].spec;
    expect(serving.timeout).toBe('1h5m'); // the InferenceService's declared hour + 5 minutes
    expect(serving.waitStrategy).toEqual({ name: 'poller' });
    expect(serving.healthCheckExprs.map((h: { kind: string }) => h.kind)).toEqual(['InferenceService', 'RayService']);
    expect(serving.install).toEqual({ remediation: { retries: 3 } });
    const finetune = docs('base/apps/finetune/release.yaml')[0].spec;
    expect(finetune.healthCheckExprs).toEqual([
      { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', current: 'true' },
      { apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', current: 'true' },
    ]);
    expect([finetune.timeout, finetune.install.strategy.name, finetune.upgrade.strategy.name]).toEqual(['10m', 'RetryOnFailure', 'RetryOnFailure']);
    // charts without custom resources are written as before
    expect(docs('base/apps/plain/release.yaml')[0].spec.waitStrategy).toBeUndefined();
    expect(docs('base/apps/plain/release.yaml')[0].spec.healthCheckExprs).toBeUndefined();
  });

  test('the report lists the operators, what they need, and the controllers timeout', () => {
    const report = files.get('ops/README.md')!;
    expect(report).toContain('| infra-controllers | `infrastructure/controllers`: aws-mountpoint-s3-csi-driver, cert-manager, jobset, kubeflow-trainer, training-operator, kuberay, kserve, spark-operator | — | 1h | 2m | 20m | true | true |');
    expect(report).toContain('| KServe | oci://ghcr.io/kserve/charts/kserve-crd v0.20.0; oci://ghcr.io/kserve/charts/kserve-resources v0.20.0 | kserve | templates (upgraded with the release) | cert-manager | serving |');
    expect(report).toContain('| cert-manager | oci://quay.io/jetstack/charts/cert-manager v1.21.1 | cert-manager | templates (upgraded with the release) | — | (KServe) |');
    expect(report).toContain('| Kubeflow training-operator (v1) | https://github.com/kubeflow/trainer `./manifests/overlays/standalone` @ v1.9.4 (kustomize) | kubeflow | applied by the Flux Kustomization | — | legacy |');
    expect(report).toContain('| serving | 1h5m | InferenceService llm: until Ready, within 3600 s (declared by the chart) | yes | remediate (uninstall or roll back, 3 retries) |');
  });

  test('every object written validates against the Kubernetes and Flux schemas', () => {
    for (const [path, content] of files) {
      if (!path.endsWith('.yaml') || path.endsWith('kustomization.yaml')) continue;
      expect([path, validateObjects(parseDocs(content))]).toEqual([path, []]);
    }
  });

  test('kubectl kustomize builds the controllers directory', async () => {
    const root = writeTree(files, 'environments');
    const objects = await kustomize(join(root, 'ops', 'infrastructure', 'controllers'));
    expect(objects.filter((o: { kind: string }) => o.kind === 'HelmRelease').map((o: { metadata: { name: string } }) => o.metadata.name).sort()).toEqual([
      'aws-mountpoint-s3-csi-driver',
      'cert-manager',
      'jobset',
      'kserve-crd',
      'kserve-resources',
      'kubeflow-trainer',
      'kuberay-operator',
      'spark-operator',
    ]);
  });

  test("an operator's Kubernetes floor is checked; NIM says what it needs from the cluster", () => {
    const old = withChanges(ops, (e) => (e.cluster.kubernetesVersion = '1.30'));
    expect(planEnvironment(old, catalog).errors.filter((e) => !e.includes('mountpoint'))).toEqual([
      `environments/ops/environment.ts: 'cluster.kubernetesVersion' ("1.30") must be at least 1.31 when Kubeflow Trainer is installed (finetune); kubeflow/trainer v2.3.0 requires Kubernetes >= 1.31: upgrade the cluster or leave those workloads out`,
    ]);
    const nim = environmentFiles(withChanges(ops, (e) => (e.workloads = { nim: { namespace: 'nim' } })), { ...catalog, nim: chart(['operator:nim-operator'], []) });
    expect(nim.get('ops/README.md')).toContain('**NVIDIA NIM Operator needs, and strata does not install**: NVIDIA GPU Operator (or the NVIDIA driver and device plugin of EKS accelerated AMIs); NGC credentials for the NIM images and models.');
    expect(parseDocs(nim.get('ops/infrastructure/controllers/nim-operator.yaml')!)[2].spec.chart.spec).toEqual({ chart: 'k8s-nim-operator', version: 'v3.1.2', sourceRef: { kind: 'HelmRepository', name: 'k8s-nim-operator' }, interval: '24h' });
  });

  test('the table: every operator pins a version, lists its prerequisites among the known ones, and LWS is matched by semver', () => {
    for (const name of OPERATOR_NAMES) {
      const op = OPERATORS[name];
      expect(op.name).toBe(name);
      expect(op.releases.length > 0 || op.kustomize !== undefined).toBe(true);
      for (const p of op.prerequisites) expect(OPERATOR_NAMES.indexOf(p)).toBeLessThan(OPERATOR_NAMES.indexOf(name));
    }
    const lws = environmentFiles(withChanges(ops, (e) => (e.workloads = { l: { namespace: 'l' } })), { ...catalog, l: chart(['operator:lws'], []) });
    expect(parseDocs(lws.get('ops/infrastructure/controllers/lws.yaml')!)[1].spec.ref).toEqual({ semver: '0.10.0' });
  });
});
