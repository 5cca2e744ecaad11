/**
 * Every recipe of docs/recipes/ deployed for real: each becomes a workload package of a copy of the
 * workspace (as the recipes' page tells a reader to do), all of them go into one environment, and
 * `npm run generate` must accept them — values, identities, references, the lifecycle rules,
 * scheduling, zones, Pod Security per namespace. A recipe that synthesizes but that generate
 * refuses (a rollout deadline shorter than a pod's start, a policy no environment can give a role)
 * fails here.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { synthesizeChart, WorkloadChart } from '@strata/helm';
import { copyWorkspace, recordInLock, REPO, run, SLOW } from '../support/workspace';

const DIR = join(REPO, 'docs', 'recipes');
type ChartClass = new (scope: App, id: string) => WorkloadChart;

/** Each recipe's chart name and the service account keys it writes a policy for (iam-policies/<key>.json). */
function recipes(): { file: string; name: string; keys: string[] }[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((file) => {
      const Chart = (require(join(DIR, file)) as { default: ChartClass }).default;
      const synth = synthesizeChart(new Chart(new App(), 'recipe'));
      const keys = Object.keys(synth.policies ?? {}).filter((k) => !k.includes('-'));
      return { file, name: synth.chart.chartMetadata.name, keys };
    });
}

/**
 * The class below links the bucket's root: each dataset recipe's prefix is a directory of the file
 * system, given as its `path` value (without it the pods would read <bucket>/<version>/, and generate warns).
 */
const DATASET_PATHS: { readonly [chart: string]: Record<string, unknown> } = {
  finetune: { dataset: { path: 'instructions/' } },
  fsdp: { dataset: { path: 'corpus/' } },
  'multi-host-serving': { model: { path: 'models/llama-3.1-405b/' } },
};

function environment(list: ReturnType<typeof recipes>): string {
  const role = (name: string) => `arn:aws:iam::111122223333:role/strata-recipes-${name}`;
  const identities = Object.fromEntries(list.filter((r) => r.keys.length > 0).map((r) => [r.name, Object.fromEntries(r.keys.map((k) => [k, role(`${r.name}-${k}`)]))]));
  const definition = {
    name: 'recipes',
    cluster: { name: 'strata-recipes', region: 'us-east-1', kubernetesVersion: '1.33' },
    registry: 'oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/strata',
    network: { subnetId: 'subnet-0a1b2c3d4e5f60718', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0a1b2c3d4e5f60718'] },
    identity: { mode: 'irsa', drivers: { 'fsx-lustre': role('fsx-csi'), efs: role('efs-csi'), s3: role('s3-csi') }, efsNode: role('efs-csi-node'), workloads: identities, karpenter: role('karpenter') },
    storage: {
      // One class for the three FSx recipes: it links the bucket holding their datasets.
      // The class names the recipes' claims name (a tier release is otherwise named after the release).
      'fsx-lustre': { storageClassName: 'strata-fsx-lustre', deploymentType: 'SCRATCH_2', perUnitStorageThroughput: 0, s3ImportPath: 's3://ml-datasets/' },
      efs: { storageClassName: 'strata-efs', fileSystemId: 'fs-0a1b2c3d4e5f60718' },
      'instance-store': { nodeClass: { name: 'strata-nvme', nodeRole: 'KarpenterNodeRole-strata-recipes' }, nodePools: { cpu: { name: 'strata-nvme' }, gpu: { enabled: true, name: 'strata-nvme-gpu' } } },
    },
    karpenter: { install: true },
    // The NIM recipe's NGC Secrets, made outside its chart.
    external: { secrets: [{ namespace: 'nim', name: 'ngc-api-secret', keys: ['NGC_API_KEY'] }, { namespace: 'nim', name: 'ngc-secret', keys: ['.dockerconfigjson'] }] },
    workloads: Object.fromEntries(list.map((r) => [r.name, { namespace: r.name, ...(DATASET_PATHS[r.name] ? { values: DATASET_PATHS[r.name] } : {}) }])),
  };
  return `import { defineEnvironment } from '@strata/gitops';\n\nexport default defineEnvironment(${JSON.stringify(definition, null, 2)});\n`;
}

describe('the recipes, deployed', () => {
  let root: string | undefined;
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'npm run generate accepts every recipe as a workload package of one environment',
    () => {
      const list = recipes();
      root = copyWorkspace('strata-recipes-');
      // Only the recipes: the bundled workloads and their environments would only cost time.
      for (const w of readdirSync(join(root, 'packages/workloads'))) rmSync(join(root, 'packages/workloads', w), { recursive: true });
      for (const env of ['dev', 'staging', 'prod']) rmSync(join(root, 'environments', env), { recursive: true, force: true });
      for (const r of list) {
        const folder = `packages/workloads/${r.name}`;
        mkdirSync(join(root, folder, 'src'), { recursive: true });
        copyFileSync(join(DIR, r.file), join(root, folder, 'src/chart.ts'));
        const pkg = { name: `@strata/workload-${r.name}`, nx: { name: r.name }, version: '0.1.0', private: true, strata: { chart: 'src/chart.ts' } };
        writeFileSync(join(root, folder, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
        recordInLock(root, folder);
      }
      mkdirSync(join(root, 'environments/recipes'), { recursive: true });
      writeFileSync(join(root, 'environments/recipes/environment.ts'), environment(list));
      const out = run(root, [join(root, 'tools/scripts/generate.mjs')]);

      expect(out).toMatch(/^generate: \d+ chart\(s\)/m);
      // The only warning: the CustomWorkload recipe's operator is one strata does not install.
      expect(out.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([expect.stringContaining('chart custom-training uses "operator:example-operator", an operator strata does not install')]);
    },
    SLOW,
  );
});
