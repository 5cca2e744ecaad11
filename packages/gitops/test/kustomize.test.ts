import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Helm } from '@strata/helm';
import { validateObjects } from '@strata/kube-schemas';
import { environmentsFromDefinitions, PRUNE_ANNOTATION } from '../src';
import { fixtureCatalog, fixtureChartTree } from './fixtures/charts';
import { dev, efsOnly, prod } from './fixtures/environments';
import { kustomize, parseDocs, writeTree } from './support/render';

const envs = [dev, prod, efsOnly];
const { tree } = environmentsFromDefinitions(
  envs.map((d) => ({ name: d.name, file: `environments/${d.name}/environment.ts`, definition: d })),
  fixtureCatalog(),
);
const root = writeTree(tree, 'environments');
const chartsDir = writeTree(fixtureChartTree(), 'charts');
const helm = new Helm();

/** Every directory of the generated tree that holds a kustomization.yaml. */
const kustomizeDirs = [...new Set([...tree.keys()].filter((k) => k.endsWith('kustomization.yaml')).map((k) => k.slice(0, -'/kustomization.yaml'.length)))].sort();
const built = new Map<string, any[]>();

beforeAll(async () => {
  await Promise.all(kustomizeDirs.map(async (d) => built.set(d, await kustomize(join(root, d)))));
});

describe('kubectl kustomize (pinned kubectl) of every generated directory', () => {
  test('covers every directory: entry point, controllers, configs, apps and bases', () => {
    expect(kustomizeDirs).toEqual([
      'base/apps/inference',
      'base/apps/plain',
      'base/apps/training',
      'dev',
      'dev/apps',
      'dev/infrastructure/configs',
      'dev/infrastructure/controllers',
      'dev/monitoring/cloudwatch',
      'dev/monitoring/prometheus',
      'efs-only',
      'efs-only/apps',
      'efs-only/infrastructure/configs',
      'efs-only/infrastructure/controllers',
      'efs-only/monitoring/cloudwatch',
      'efs-only/monitoring/prometheus',
      'prod',
      'prod/apps',
      'prod/infrastructure/configs',
      'prod/infrastructure/controllers',
      'prod/monitoring/cloudwatch',
      'prod/monitoring/prometheus',
    ]);
  });

  test.each(kustomizeDirs)('%s builds, and every object validates against the Kubernetes and Flux schemas', (d) => {
    const objs = built.get(d)!;
    expect(objs.length).toBeGreaterThan(0);
    expect(validateObjects(objs)).toEqual([]);
  });

  test('only current Flux APIs are emitted (and the monitoring kinds: PrometheusRule, ACK MetricAlarm)', () => {
    const apis = new Set([...built.values()].flat().map((o) => o.apiVersion));
    expect([...apis].sort()).toEqual(['cloudwatch.services.k8s.aws/v1alpha1', 'helm.toolkit.fluxcd.io/v2', 'kustomize.toolkit.fluxcd.io/v1', 'monitoring.coreos.com/v1', 'source.toolkit.fluxcd.io/v1', 'v1']);
  });

  test('the entry point holds the three chained Flux Kustomizations, and the monitoring namespace and its two Kustomizations', () => {
    const objs = built.get('dev')!;
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'Kustomization/flux-system/apps',
      'Kustomization/flux-system/infra-configs',
      'Kustomization/flux-system/infra-controllers',
      'Kustomization/flux-system/monitoring-cloudwatch',
      'Kustomization/flux-system/monitoring-prometheus',
      'Namespace/undefined/strata-monitoring',
    ]);
  });
});

describe('ordering: apps depend on configs depend on controllers', () => {
  test.each(envs.map((e) => e.name))('%s', (env) => {
    const ks = Object.fromEntries(built.get(env)!.filter((o) => o.kind === 'Kustomization').map((o) => [o.metadata.name, o.spec]));
    // Monitoring waits for nothing the workloads need, and nothing waits for it.
    expect(ks['monitoring-prometheus'].dependsOn).toBeUndefined();
    expect(ks['monitoring-cloudwatch'].dependsOn).toEqual([{ name: 'infra-controllers' }]);
    for (const k of ['monitoring-prometheus', 'monitoring-cloudwatch']) delete ks[k];
    expect(ks['infra-controllers'].dependsOn).toBeUndefined();
    expect(ks['infra-configs'].dependsOn).toEqual([{ name: 'infra-controllers' }]);
    expect(ks['apps'].dependsOn).toEqual([{ name: 'infra-configs' }]);
    for (const [name, spec] of Object.entries<any>(ks)) {
      expect(spec).toMatchObject({ prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
      expect(spec.timeout).toMatch(/^\d+m$/);
      expect(spec.retryInterval).toMatch(/^\d+m$/);
      expect(spec.interval).toMatch(/^\d+[mh]$/);
      const dir = { 'infra-controllers': 'infrastructure/controllers', 'infra-configs': 'infrastructure/configs', apps: 'apps' }[name]!;
      expect(spec.path).toBe(`./environments/${env}/${dir}`);
      // The path Flux will build exists in the generated tree.
      expect(existsSync(join(root, env, dir, 'kustomization.yaml'))).toBe(true);
    }
  });
});

describe('data safety in the built apps', () => {
  const releases = (env: string) => built.get(`${env}/apps`)!.filter((o) => o.kind === 'HelmRelease');

  test('a workload holding data is never pruned: release, source and namespace carry prune: disabled', () => {
    for (const env of ['dev', 'prod', 'efs-only']) {
      const objs = built.get(`${env}/apps`)!;
      for (const r of releases(env)) {
        const allowPrune = env === 'dev' && r.metadata.name === 'inference';
        const holdsData = r.metadata.name !== 'plain';
        const expected = holdsData && !allowPrune ? 'disabled' : undefined;
        expect([env, r.metadata.name, r.metadata.annotations?.[PRUNE_ANNOTATION]]).toEqual([env, r.metadata.name, expected]);
        const repo = objs.find((o) => o.kind === 'OCIRepository' && o.metadata.name === r.metadata.name);
        expect([env, repo.metadata.name, repo.metadata.annotations?.[PRUNE_ANNOTATION]]).toEqual([env, r.metadata.name, expected]);
        if (holdsData) {
          expect(r.spec.upgrade.cleanupOnFail).toBeUndefined();
          expect(r.spec.uninstall).toEqual({ keepHistory: true });
        }
      }
      for (const ns of objs.filter((o) => o.kind === 'Namespace')) {
        const protectedNs = releases(env).some((r) => r.metadata.namespace === ns.metadata.name && r.metadata.annotations?.[PRUNE_ANNOTATION] === 'disabled');
        expect([env, ns.metadata.name, ns.metadata.annotations?.[PRUNE_ANNOTATION]]).toEqual([env, ns.metadata.name, protectedNs ? 'disabled' : undefined]);
      }
    }
  });

  test('dev allows pruning the inference workload, but its namespace stays protected by training', () => {
    const ns = built.get('dev/apps')!.find((o) => o.kind === 'Namespace' && o.metadata.name === 'ml-dev');
    expect(ns.metadata.annotations).toEqual({ [PRUNE_ANNOTATION]: 'disabled' });
  });

  test('every release and source lands in the environment\'s namespace, with the environment\'s registry and version', () => {
    const objs = built.get('prod/apps')!;
    const repo = objs.find((o) => o.kind === 'OCIRepository' && o.metadata.name === 'inference');
    expect(repo.metadata.namespace).toBe('inference');
    expect(repo.spec).toEqual({
      interval: '1h',
      url: 'oci://444455556666.dkr.ecr.us-west-2.amazonaws.com/strata/charts/inference',
      // A private ECR registry: source-controller pulls only with AWS credentials (fluxcd/source-controller@v1.9.1 docs/spec/v1/ocirepositories.md "Provider").
      provider: 'aws',
      ref: { tag: '0.0.9' },
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
    });
    const rel = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'training');
    expect(rel.metadata.namespace).toBe('training');
    expect(rel.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'training' });
    expect(rel.spec.values).toEqual({ dataset: { sizeGiB: 4800 }, mode: 'fast', workers: 16 });
    const devObjs = built.get('dev/apps')!;
    expect(devObjs.filter((o) => o.kind !== 'Namespace').map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'HelmRelease/ml-dev/inference',
      'HelmRelease/ml-dev/training',
      'HelmRelease/plain/plain',
      'OCIRepository/ml-dev/inference',
      'OCIRepository/ml-dev/training',
      'OCIRepository/plain/plain',
    ]);
  });
});

describe('Flux stand-in: every chartRef HelmRelease rendered with helm template and its values', () => {
  const cases: [string, string][] = [];
  for (const env of envs.map((e) => e.name)) for (const part of ['apps', 'infrastructure/configs']) cases.push([env, part]);

  test.each(cases)('%s %s', async (env, part) => {
    const objs = built.get(`${env}/${part}`)!;
    const rels = objs.filter((o) => o.kind === 'HelmRelease' && o.spec.chartRef);
    expect(rels.length).toBeGreaterThan(0);
    for (const r of rels) {
      const repo = objs.find((o) => o.kind === 'OCIRepository' && o.metadata.name === r.spec.chartRef.name && o.metadata.namespace === r.metadata.namespace);
      expect(repo).toBeDefined();
      const chart = repo.spec.url.split('/').pop();
      const manifests = await helm.template(join(chartsDir, chart), { releaseName: r.spec.releaseName, namespace: r.metadata.namespace, values: r.spec.values ?? {}, skipTests: true });
      const rendered = parseDocs(manifests);
      expect(rendered.length).toBeGreaterThan(0);
      expect(validateObjects(rendered, { allowUnmodelled: true })).toEqual([]);
      for (const o of rendered) if (o.metadata.namespace !== undefined) expect(o.metadata.namespace).toBe(r.metadata.namespace);
    }
  });

  test('IRSA role ARNs land on the workloads\' service accounts (dev), and nothing is annotated with Pod Identity (prod)', async () => {
    const render = async (env: string, name: string) => {
      const objs = built.get(`${env}/apps`)!;
      const r = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
      return parseDocs(await helm.template(join(chartsDir, name), { releaseName: name, namespace: r.metadata.namespace, values: r.spec.values ?? {}, skipTests: true }));
    };
    const devSas = (await render('dev', 'inference')).filter((o) => o.kind === 'ServiceAccount');
    expect(devSas.map((o) => [o.metadata.name, o.metadata.annotations])).toEqual([
      ['inference-hydration', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/dev-inference-hydration' }],
      ['inference-inference', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/dev-inference' }],
    ]);
    const prodObjs = await render('prod', 'inference');
    expect(prodObjs.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.annotations)).toEqual([undefined, undefined]);
    expect(prodObjs.find((o) => o.kind === 'Deployment').spec.replicas).toBe(4);
  });

  test('an environment binding an existing file system renders too (the conditional PV appears)', async () => {
    const env = { ...prod, workloads: { training: { namespace: 'training', values: { dataset: { sizeGiB: 4800, storageClassName: '', existing: { enabled: true, fileSystemId: 'fs-0123456789abcdef0' } } } } } };
    const t = environmentsFromDefinitions([{ name: 'prod', file: 'environments/prod/environment.ts', definition: { ...env, identity: { mode: 'pod-identity' } } }], fixtureCatalog()).tree;
    const objs = await kustomize(join(writeTree(t, 'environments'), 'prod', 'apps'));
    const r = objs.find((o) => o.kind === 'HelmRelease');
    const rendered = parseDocs(await helm.template(join(chartsDir, 'training'), { releaseName: 'training', namespace: r.metadata.namespace, values: r.spec.values, skipTests: true }));
    expect(validateObjects(rendered, { allowUnmodelled: true })).toEqual([]);
    const pvc = rendered.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(pvc.spec).toMatchObject({ storageClassName: '', volumeName: 'training-training-dataset-existing-volume' });
    expect(rendered.find((o) => o.kind === 'PersistentVolume').spec.csi.volumeHandle).toBe('fs-0123456789abcdef0');
  });

  test('the FSx tier chart gets the environment\'s one subnet and (the one id it takes) security group', async () => {
    const r = built.get('prod/infrastructure/configs')!.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'storage-fsx-lustre');
    const sc = parseDocs(await helm.template(join(chartsDir, 'storage-fsx-lustre'), { releaseName: 'storage-fsx-lustre', namespace: 'flux-system', values: r.spec.values })).find((o) => o.kind === 'StorageClass');
    expect(sc.metadata.name).toBe('strata-fsx-lustre');
    expect(sc.parameters).toEqual({
      dataCompressionType: 'LZ4',
      deploymentType: 'PERSISTENT_2',
      perUnitStorageThroughput: '250',
      securityGroupIds: 'sg-0fedcba9876543210',
      storageType: 'SSD',
      subnetId: 'subnet-0fedcba9876543210',
    });
  });
});

describe('published digests, as kustomize builds them', () => {
  test('an environment pins the digest of its own registry on the shared base (which has none); another registry\'s digest is pinned nowhere', async () => {
    const digest = 'sha256:' + 'c'.repeat(64);
    const catalog = fixtureCatalog({ inference: { [dev.registry]: digest }, training: { 'oci://127.0.0.1:5000/charts': digest } });
    const t = environmentsFromDefinitions([{ name: 'dev', file: 'environments/dev/environment.ts', definition: dev }], catalog).tree;
    const objs = await kustomize(join(writeTree(t, 'environments'), 'dev', 'apps'));
    const ref = (name: string) => objs.find((o) => o.kind === 'OCIRepository' && o.metadata.name === name).spec.ref;
    expect(ref('inference')).toEqual({ tag: '0.1.0', digest });
    expect(ref('training')).toEqual({ tag: expect.any(String) });
  });
});
