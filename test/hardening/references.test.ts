/**
 * Issue 9, item 5: reference lint over every rendered environment (all workload releases in their
 * namespaces, plus the tier charts of infrastructure/configs that install the StorageClasses).
 * The checker is packages/checks/src/references.ts (generate calls it); here it runs on the
 * committed output, and on broken copies to prove it finds each kind of dangling reference.
 */
import { join } from 'node:path';
import { readTree } from '@strata/helm';
import { chartOutputs, findWorkloads } from '../../tools/cli/src';
import { ChartReleases, checkReferences, checkReferencesCounted, environmentManifests, Manifest, referencesOf } from '@strata/checks';
import { EnvironmentDefinition, environmentFiles, environmentReport, loadEnvironments, planEnvironment, readCatalog } from '@strata/gitops';
import { byEnvironment, renderCommitted, RenderedRelease, REPO } from './rendered';

const TIER_CLASSES = ['strata-fsx-lustre', 'strata-efs', 'strata-s3-files'];

describe('reference lint', () => {
  let rendered: RenderedRelease[];
  let envs: Record<string, Manifest[]>;
  beforeAll(() => {
    rendered = renderCommitted();
    envs = byEnvironment(rendered);
  });

  test('every environment: no dangling reference', () => {
    expect(Object.keys(envs).sort()).toEqual(['dev', 'prod', 'staging']);
    // With what each environment declares external (prod's NGC Secrets), as generate lints it.
    const { problems, checked } = checkReferencesCounted(envs, undefined, loadEnvironments(REPO));
    expect(problems).toEqual([]);
    const pods = Object.entries(envs).reduce((n, [env, objs]) => n + referencesOf(env, objs).filter((r) => r.field.endsWith('serviceAccountName')).length, 0);
    console.log(`reference lint: ${checked} references checked in ${Object.keys(envs).length} environments (${pods} pod specs, ${rendered.length} releases), 0 dangling`);
    expect(checked).toBeGreaterThan(50);
  });

  test('the tier StorageClasses the apps use come from that environment\'s infrastructure configs', () => {
    for (const [env, objs] of Object.entries(envs)) {
      const used = new Set(referencesOf(env, objs).filter((r) => r.kind === 'StorageClass').map((r) => r.name));
      const installedByInfra = new Set(
        rendered.filter((r) => r.release.environment === env && r.release.layer === 'infrastructure').flatMap((r) => r.objects.filter((o) => o.kind === 'StorageClass').map((o) => o.metadata.name)),
      );
      for (const sc of used) {
        expect(TIER_CLASSES).toContain(sc);
        expect([env, sc, installedByInfra.has(sc)]).toEqual([env, sc, true]);
      }
    }
  });

  /** The charts as generate sees them: synthesized in this process, with their release templates. */
  const chartReleases = async (): Promise<ChartReleases> => {
    const outputs = await chartOutputs(findWorkloads(REPO));
    return new Map([...outputs].map(([name, o]) => [name, { template: o.template, version: /^version: (.+)$/m.exec(o.files.get('Chart.yaml')!)![1] }]));
  };

  test('what generate lints is what helm installs: every committed release resolved in-process equals helm template of charts/', async () => {
    const environments = readTree(join(REPO, 'environments'));
    const inProcess = environmentManifests(await chartReleases(), environments);
    const byKey = (objs: readonly Manifest[]) => [...objs].sort((a, b) => (`${a.kind}/${a.metadata.namespace}/${a.metadata.name}` < `${b.kind}/${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1));
    expect(Object.keys(inProcess).sort()).toEqual(Object.keys(envs).sort());
    for (const env of Object.keys(envs)) expect(byKey(inProcess[env])).toEqual(byKey(envs[env]));
  });

  test('as generate would call it (in-memory trees): an environment that leaves out a tier chart its apps use fails', async () => {
    const charts = await chartReleases();
    const environments = new Map([...readTree(join(REPO, 'environments'))].filter(([p]) => p.startsWith('dev/') || p.startsWith('base/')));
    expect(checkReferences(environmentManifests(charts, environments))).toEqual([]);
    const configs = 'dev/infrastructure/configs/kustomization.yaml';
    environments.set(configs, environments.get(configs)!.replace(/^ {2}- storage-fsx-lustre\.yaml\n/m, ''));
    const problems = checkReferences(environmentManifests(charts, environments));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p).toMatch(/^dev: .* StorageClass strata-fsx-lustre does not exist in dev: it is the class workload charts claim by default for fsx-lustre; give a storage-fsx-lustre release of environments\/dev\/environment\.ts this class \(storage\.fsx-lustre: \{ storageClassName: 'strata-fsx-lustre', … \}\), or if it exists outside strata, declare it there: external: \{ storageClasses: \[\{ name: 'strata-fsx-lustre' \}\] \}, with its tier when known \(tier: 'fsx-lustre', 'efs', 's3-files', 's3' or 'instance-store'\)$/);
    }
  });

  test('a workload on a class another team keeps: refused until the environment declares it external, then accepted, its users in the report', async () => {
    const charts = await chartReleases();
    const catalog = readCatalog(join(REPO, 'charts'));
    const loaded = loadEnvironments(REPO).find((e) => e.name === 'dev')!;
    const inference = loaded.definition.workloads['llm-inference'] as { namespace: string; values: Record<string, unknown> };
    const onShared: EnvironmentDefinition = { ...loaded.definition, workloads: { ...loaded.definition.workloads, 'llm-inference': { ...inference, values: { ...inference.values, cache: { storageClassName: 'shared-efs' } } } } };
    const lint = (definition: EnvironmentDefinition) => {
      const files = environmentFiles(definition, catalog);
      return { files, ...checkReferencesCounted(environmentManifests(charts, files), undefined, [{ name: 'dev', file: loaded.file, definition }]) };
    };
    // generate refuses it before rendering: no tier release makes the class and it is not declared.
    expect(planEnvironment(onShared, catalog).errors).toEqual([
      `environments/dev/environment.ts: 'workloads.llm-inference.values.cache.storageClassName' ("shared-efs") must be a StorageClass this environment has for llm-inference's efs claim model-cache: the class of a storage.efs release here (strata-efs), or one declared in external.storageClasses; no tier release here makes shared-efs and it is not declared: set it to one of those, or name a storage.efs release's class so (storageClassName: "shared-efs" in its values), or declare the class in external.storageClasses if it exists outside strata`,
    ]);
    // The reference lint says it too, of the rendered releases (a chart whose claims state no class reaches it).
    const withShared: EnvironmentDefinition = { ...onShared, external: { storageClasses: [{ name: 'shared-efs', provisioner: 'efs.csi.aws.com', reclaimPolicy: 'Retain' }] } };
    const undeclared = checkReferencesCounted(environmentManifests(charts, environmentFiles(withShared, catalog)), undefined, [{ name: 'dev', file: loaded.file, definition: onShared }]);
    expect(undeclared.problems).toEqual([
      "dev: PersistentVolumeClaim ml-dev/llm-inference-model-cache-claim spec.storageClassName: StorageClass shared-efs does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { storageClasses: [{ name: 'shared-efs' }] }, with its tier when known (tier: 'fsx-lustre', 'efs', 's3-files', 's3' or 'instance-store')",
    ]);
    const declared = lint(withShared);
    expect([declared.problems, declared.warnings]).toEqual([[], []]);
    expect(Object.fromEntries(declared.externalUsers.dev)).toEqual({ 'StorageClass shared-efs': ['PersistentVolumeClaim ml-dev/llm-inference-model-cache-claim'] });
    // The class exists: strata's EFS tier chart is not installed for it, the EFS driver is.
    expect(declared.files.has('dev/infrastructure/configs/storage-efs.yaml')).toBe(false);
    expect(declared.files.has('dev/infrastructure/controllers/aws-efs-csi-driver.yaml')).toBe(true);
    expect(environmentReport(planEnvironment(withShared, catalog), { externalUsers: declared.externalUsers.dev })).toContain(
      '| StorageClass | shared-efs | `external.storageClasses[0]` | tier efs (from its provisioner); provisioner efs.csi.aws.com; reclaimPolicy Retain | PersistentVolumeClaim ml-dev/llm-inference-model-cache-claim |',
    );
  });

  describe('finds each kind of dangling reference', () => {
    const first = (objs: Manifest[], pred: (o: Manifest) => boolean) => {
      const o = objs.find(pred);
      if (!o) throw new Error('fixture object not found');
      return o;
    };
    const mutate = (change: (objs: Manifest[]) => Manifest[]) => {
      const copy: Record<string, Manifest[]> = { dev: change(structuredClone(envs.dev)) };
      return checkReferencesCounted(copy).problems;
    };
    const withPvcVolume = (o: Manifest) => (o.spec?.template?.spec?.volumes ?? []).some((v: any) => v.persistentVolumeClaim);

    test('a claim left out of the output', () => {
      const problems = mutate((objs) => {
        const w = first(objs, withPvcVolume);
        const claim = w.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
        return objs.filter((o) => !(o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim && o.metadata.namespace === w.metadata.namespace));
      });
      expect(problems.some((p) => /PersistentVolumeClaim \S+ does not exist in dev/.test(p))).toBe(true);
    });

    test('a claim in the wrong namespace', () => {
      const problems = mutate((objs) => {
        const w = first(objs, withPvcVolume);
        const claim = w.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
        const pvc = first(objs, (o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim);
        (pvc.metadata as any).namespace = 'elsewhere';
        return objs;
      });
      expect(problems.some((p) => p.includes('the wrong namespace'))).toBe(true);
    });

    test('a tier StorageClass whose chart is not installed in the environment', () => {
      const problems = mutate((objs) => objs.filter((o) => !(o.kind === 'StorageClass' && TIER_CLASSES.includes(o.metadata.name))));
      expect(problems.some((p) => /StorageClass strata-\S+ does not exist in dev: it is the class workload charts claim by default for \S+; give a storage-\S+ release of /.test(p))).toBe(true);
    });

    test('a service account, a config map and a volume mount without its volume', () => {
      const problems = mutate((objs) => {
        const w = first(objs, (o) => !!o.spec?.template?.spec?.containers);
        const spec = w.spec.template.spec;
        spec.serviceAccountName = 'nobody';
        spec.volumes = [...(spec.volumes ?? []), { name: 'cfg', configMap: { name: 'missing-config' } }];
        spec.containers[0].volumeMounts = [...(spec.containers[0].volumeMounts ?? []), { name: 'ghost', mountPath: '/ghost' }];
        return objs;
      });
      expect(problems.some((p) => p.includes('ServiceAccount') && p.includes('/nobody does not exist'))).toBe(true);
      expect(problems.some((p) => p.includes('ConfigMap') && p.includes('/missing-config does not exist'))).toBe(true);
      expect(problems.some((p) => p.includes('volume "ghost" is not a volume of the pod'))).toBe(true);
    });

    test('a static claim (storageClassName "") without a PersistentVolume claiming it', () => {
      const problems = mutate((objs) => {
        const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.spec?.storageClassName === '');
        if (!pvc) {
          objs.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'orphan', namespace: 'ml-dev' }, spec: { storageClassName: '', accessModes: ['ReadWriteMany'] } });
          return objs;
        }
        return objs.filter((o) => !(o.kind === 'PersistentVolume' && o.spec?.claimRef?.name === pvc.metadata.name));
      });
      // A static claim names its volume (spec.volumeName) or is found by one's claimRef; either way, the volume is missing.
      expect(problems.some((p) => p.includes('a claim with storageClassName "" never binds') || /spec.volumeName: PersistentVolume \S+ does not exist in dev/.test(p))).toBe(true);
    });
  });
});
