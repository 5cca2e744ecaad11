import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger, readJson, Tree } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import { environmentGenerator } from '../../src/generators/environment/generator';
import { workloadGenerator } from '../../src/generators/workload/generator';
import { WorkloadGeneratorSchema } from '../../src/generators/workload/schema';
import { addedLines, ENV_FIXTURE, filesOf, seededTree } from './workspace-tree';

const COMBINATIONS: [string, WorkloadGeneratorSchema['pattern'], WorkloadGeneratorSchema['storage']][] = [
  ['models-efs', 'model-repository', 'efs'],
  ['models-fsx', 'model-repository', 'fsx-lustre'],
  ['models-s3', 'model-repository', 's3'],
  ['pretrain', 'training-checkpoint', 'instance-store'],
  ['dataset-reader', 'distributed-dataset', 'fsx-lustre'],
  ['notebook-efs', 'none', 'efs'],
  ['notebook-fsx', 'none', 'fsx-lustre'],
  ['notebook-s3', 'none', 's3'],
  ['notebook-nvme', 'none', 'instance-store'],
  ['notebook-s3files', 'none', 's3-files'],
];

describe('workload generator', () => {
  test.each(COMBINATIONS)('%s (--pattern=%s --storage=%s): the package, its chart and its test', async (name, pattern, storage) => {
    const tree = seededTree();
    await workloadGenerator(tree, { name, pattern, storage });
    const root = `packages/workloads/${name}`;
    expect(tree.children(root).sort()).toEqual(['jest.config.js', 'package.json', 'src', 'test', 'tsconfig.json']);
    expect(tree.children(`${root}/src`)).toEqual(['chart.ts']);
    expect(tree.children(`${root}/test`)).toEqual(['chart.test.ts']);
    expect(tree.read(`${root}/src/chart.ts`, 'utf-8')).toMatchSnapshot();
    expect(tree.read(`${root}/test/chart.test.ts`, 'utf-8')).toContain(`const NAME = '${name}';`);
    expect(tree.read(`${root}/tsconfig.json`, 'utf-8')).toBe('{ "extends": "../../../tsconfig.base.json", "include": ["src", "test"] }\n');
    expect(tree.read(`${root}/jest.config.js`, 'utf-8')).toBe("module.exports = { ...require('../../../jest.preset.js') };\n");
  });

  test('package.json: chart module, version 0.1.0, the dependencies the examples have, pinned like the root', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository' });
    const pkg = readJson(tree, 'packages/workloads/llm-serve/package.json');
    expect(pkg).toEqual({
      name: '@strata/workload-llm-serve',
      // The Nx project is named after the folder: nx run llm-serve:synth.
      nx: { name: 'llm-serve' },
      version: '0.1.0',
      private: true,
      description: 'llm-serve: inference servers reading model versions from S3, hydrated into an Amazon EFS cache before each rollout (Model Repository pattern).',
      main: 'src/chart.ts',
      types: 'src/chart.ts',
      strata: { chart: 'src/chart.ts' },
      scripts: { test: 'jest', typecheck: 'tsc --noEmit -p tsconfig.json' },
      dependencies: { '@strata/helm': '*', '@strata/patterns': '*', '@strata/storage': '*', cdk8s: '2.70.106', 'cdk8s-plus-28': '2.5.6', constructs: '10.8.1' },
      devDependencies: { '@strata/checks': '*', '@strata/kube-schemas': '*' },
    });
    expect(tree.read('packages/workloads/llm-serve/src/chart.ts', 'utf-8')).toContain("Efs.fromStorageClass(this, 'model-cache', {");
    // A plain Deployment (--pattern=none) is Deployment of @strata/kinds: its package depends on it.
    await workloadGenerator(tree, { name: 'notebook', pattern: 'none', storage: 'efs' });
    expect(readJson(tree, 'packages/workloads/notebook/package.json').dependencies).toEqual({ '@strata/helm': '*', '@strata/kinds': '*', '@strata/patterns': '*', '@strata/storage': '*', cdk8s: '2.70.106', 'cdk8s-plus-28': '2.5.6', constructs: '10.8.1' });
  });

  test('adds the workload to the environments named: a values type import and a workloads entry with the cluster\'s region, nothing else touched', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', storage: 's3', namespace: 'serving', environments: 'dev,prod' });
    for (const env of ['dev', 'prod']) {
      const before = env === 'dev' ? ENV_FIXTURE : ENV_FIXTURE.replace("name: 'dev'", "name: 'prod'");
      const after = tree.read(`environments/${env}/environment.ts`, 'utf-8')!;
      expect(addedLines(before, after)).toEqual([
        "import type { Values as LlmServeValues } from '../../charts/llm-serve/values';",
        "    'llm-serve': workload<LlmServeValues>({ namespace: 'serving', values: { aws: { region: 'us-east-1' } } }),",
      ]);
      // Type imports stay in module order; the entry goes last.
      expect(after).toContain("import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values';\nimport type { Values as LlmServeValues } from '../../charts/llm-serve/values';\n");
      expect(after).toContain("      allowPrune: true,\n    }),\n    'llm-serve': workload<LlmServeValues>({ namespace: 'serving', values: { aws: { region: 'us-east-1' } } }),\n  },\n});\n");
    }
  });

  test('without --environments the workload is added to none (prod included), and the output gives the command and the entry that add it', async () => {
    // Issue 15: the workload was added to every environment, prod included, with the chart's defaults and no word.
    const tree = seededTree();
    const before = filesOf(tree);
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', storage: 'fsx-lustre', namespace: 'serving' });
      for (const env of ['dev', 'prod']) expect(tree.read(`environments/${env}/environment.ts`, 'utf-8')).toBe(before.get(`environments/${env}/environment.ts`));
      expect(info.mock.calls.map((c) => c[0]).join('\n')).toBe(
        [
          'workload: llm-serve was added to no environment (--environments names where it runs; it is never added to one unasked).',
          'To add it, run the generator again naming them (existing: dev, prod); it writes the values each environment decides and lists what to fill in:',
          '  npx nx g @strata/nx-plugin:workload llm-serve --pattern=model-repository --storage=fsx-lustre --namespace=serving --environments=dev',
          'or add it by hand to environments/dev/environment.ts:',
          "  import type { Values as LlmServeValues } from '../../charts/llm-serve/values';",
          "  workloads: { …, 'llm-serve': workload<LlmServeValues>({ namespace: 'serving', values: { aws: { region: '<the cluster region>' } } }) }",
        ].join('\n'),
      );
    } finally {
      info.mockRestore();
    }
  });

  test('each environment decides its values (region, FSx class type and import path, zone); what only the user knows is listed, not guessed', async () => {
    const tree = seededTree();
    tree.write(
      'environments/prod/environment.ts',
      ENV_FIXTURE.replace("name: 'dev'", "name: 'prod'")
        .replace("region: 'us-east-1'", "region: 'us-west-2'")
        .replace("availabilityZone: 'us-east-1a'", "availabilityZone: 'us-west-2b'")
        .replace(
          "'fsx-lustre': { deploymentType: 'SCRATCH_2', perUnitStorageThroughput: 0, reclaimPolicy: 'Delete' }",
          "'fsx-lustre': { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 250, reclaimPolicy: 'Retain', s3ImportPath: 's3://strata-prod-data/training' }",
        ),
    );
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await workloadGenerator(tree, { name: 'reader', pattern: 'distributed-dataset', environments: 'prod' });
      expect(tree.read('environments/prod/environment.ts', 'utf-8')).toContain(
        "    'reader': workload<ReaderValues>({ namespace: 'reader', values: { aws: { region: 'us-west-2' }, dataset: { deploymentType: 'PERSISTENT_2', zone: 'b', bucket: 'strata-prod-data', prefix: 'training/reader/', path: 'reader/' } } }),\n",
      );
      expect(info.mock.calls[0][0]).toBe(
        [
          'environments/prod/environment.ts: reader added in namespace reader',
          "  from the environment: aws.region us-west-2 (the cluster's region: where the chart's buckets are looked for); dataset.deploymentType PERSISTENT_2 (this environment's strata-fsx-lustre class); dataset.zone b (network.availabilityZone us-west-2b: the file system's subnet); dataset.bucket strata-prod-data, dataset.prefix training/reader/, dataset.path reader/ (below s3ImportPath s3://strata-prod-data/training, what this environment's strata-fsx-lustre class imports)",
        ].join('\n'),
      );
    } finally {
      info.mockRestore();
    }
  });

  test('a dataset workload is refused for an environment whose FSx class links no S3 path (its file system would start empty), before writing anything', async () => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(workloadGenerator(tree, { name: 'reader', pattern: 'distributed-dataset', environments: 'dev' })).rejects.toThrow(
      `'--environments' (dev) must be environments whose strata-fsx-lustre class links the dataset's bucket (storage.fsx-lustre.s3ImportPath, e.g. 's3://<bucket>'); environments/dev/environment.ts sets no s3ImportPath: the file system would start without the dataset; link the class there first, or leave this environment out`,
    );
    expect(filesOf(tree)).toEqual(before);
  });

  test('refuses an environment that does not exist, before writing anything', async () => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'dev,staging' })).rejects.toThrow(
      `'--environments' (dev,staging) must be a comma-separated list of existing environments ("dev", "prod"); "staging" is none of them; create it with \`nx g @strata/nx-plugin:environment staging\` first, or leave --environments out to add the workload to none`,
    );
    expect(filesOf(tree)).toEqual(before);
  });

  test('the namespace defaults to the workload name; --storage defaults to the pattern\'s tier', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'pretrain', pattern: 'training-checkpoint', environments: 'dev' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toContain("'pretrain': workload<PretrainValues>({ namespace: 'pretrain', values: { aws: { region: 'us-east-1' } } }),");
    expect(tree.read('packages/workloads/pretrain/src/chart.ts', 'utf-8')).toContain("new TrainingCheckpoint(this, 'checkpoints', {");
  });

  test('a workload named like a system namespace goes into <name>-workload, as the environment generator lists it', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'default', pattern: 'training-checkpoint', environments: 'dev' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toContain("'default': workload<DefaultValues>({ namespace: 'default-workload', values: { aws: { region: 'us-east-1' } } }),");
    await environmentGenerator(tree, { name: 'sandbox' });
    expect(tree.read('environments/sandbox/environment.ts', 'utf-8')).toContain("    'default': workload<DefaultValues>({ namespace: 'default-workload' }),");
  });

  test('a workload already listed in an environment keeps its entry (and the user\'s values)', async () => {
    const tree = seededTree();
    const listed = ENV_FIXTURE.replace("  karpenter: { install: true },\n  workloads: {\n", "  karpenter: { install: true },\n  workloads: {\n    'llm-serve': workload({ namespace: 'mine', values: { server: { replicas: 3 } } }),\n");
    tree.write('environments/dev/environment.ts', listed);
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'dev,prod' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toBe(listed);
    expect(tree.read('environments/prod/environment.ts', 'utf-8')).toContain("'llm-serve': workload<LlmServeValues>({ namespace: 'llm-serve', values: { aws: { region: 'us-east-1' } } }),");
  });

  test('follows the definition\'s style: no trailing comma, double quotes, four-space indentation', async () => {
    const tree = seededTree();
    const styled = [
      'import { defineEnvironment, workload } from "@strata/gitops";',
      '',
      'export default defineEnvironment({',
      '    name: "dev",',
      '    workloads: {',
      '        "llm-inference": workload({ namespace: "ml" })',
      '    }',
      '});',
      '',
    ].join('\n');
    tree.write('environments/dev/environment.ts', styled);
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'dev' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toBe([
      'import { defineEnvironment, workload } from "@strata/gitops";',
      'import type { Values as LlmServeValues } from "../../charts/llm-serve/values";',
      '',
      'export default defineEnvironment({',
      '    name: "dev",',
      '    workloads: {',
      '        "llm-inference": workload({ namespace: "ml" }),',
      '        "llm-serve": workload<LlmServeValues>({ namespace: "llm-serve" })',
      '    }',
      '});',
      '',
    ].join('\n'));
  });

  test('a comment after the last workload\'s trailing comma stays, and the file stays valid (ts-morph wrote "},," there)', async () => {
    const tree = seededTree();
    tree.write('environments/dev/environment.ts', "import { defineEnvironment, workload } from '@strata/gitops';\n\nexport default defineEnvironment({\n  name: 'dev',\n  workloads: {\n    'llm-inference': workload({ namespace: 'ml' }),\n    // more to come\n  },\n});\n");
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'none', storage: 'efs', environments: 'dev' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toBe(
      "import { defineEnvironment, workload } from '@strata/gitops';\nimport type { Values as LlmServeValues } from '../../charts/llm-serve/values';\n\nexport default defineEnvironment({\n  name: 'dev',\n  workloads: {\n    'llm-inference': workload({ namespace: 'ml' }),\n    // more to come\n    'llm-serve': workload<LlmServeValues>({ namespace: 'llm-serve' }),\n  },\n});\n",
    );
    tree.write('environments/dev/environment.ts', "import { defineEnvironment, workload } from '@strata/gitops';\n\nexport default defineEnvironment({\n  name: 'dev',\n  workloads: {\n    'llm-inference': workload({ namespace: 'ml' })\n    // more to come\n  },\n});\n");
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'none', storage: 'efs', environments: 'dev' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toContain("    'llm-inference': workload({ namespace: 'ml' }),\n    // more to come\n    'llm-serve': workload<LlmServeValues>({ namespace: 'llm-serve' })\n  },\n");
  });

  test('imports the workload helper when the definition has none', async () => {
    const tree = seededTree();
    tree.write('environments/dev/environment.ts', "import { defineEnvironment } from '@strata/gitops';\n\nexport default defineEnvironment({\n  name: 'dev',\n  workloads: {},\n});\n");
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'dev' });
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toBe(
      "import { defineEnvironment, workload } from '@strata/gitops';\nimport type { Values as LlmServeValues } from '../../charts/llm-serve/values';\n\nexport default defineEnvironment({\n  name: 'dev',\n  workloads: {\n    'llm-serve': workload<LlmServeValues>({ namespace: 'llm-serve' }),\n  },\n});\n",
    );
  });

  test('a second run with the same options changes nothing, byte for byte', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', storage: 'fsx-lustre' });
    const first = filesOf(tree);
    const task = await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', storage: 'fsx-lustre' });
    expect(filesOf(tree)).toEqual(first);
    expect(task).toBeUndefined(); // nothing to install again
  });

  test('a second run naming another environment adds the workload there, and only there', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'dev' });
    tree.write('environments/qa/environment.ts', ENV_FIXTURE.replace("name: 'dev'", "name: 'qa'"));
    const dev = tree.read('environments/dev/environment.ts', 'utf-8');
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'qa' });
    expect(tree.read('environments/qa/environment.ts', 'utf-8')).toContain("'llm-serve': workload<LlmServeValues>({ namespace: 'llm-serve', values: { aws: { region: 'us-east-1' } } }),");
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toBe(dev);
    expect(tree.read('environments/prod/environment.ts', 'utf-8')).not.toContain('llm-serve');
  });

  test('an existing package with other content is refused, nothing written', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository' });
    tree.write('packages/workloads/llm-serve/src/chart.ts', '// mine\n');
    const before = filesOf(tree);
    await expect(workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository' })).rejects.toThrow(
      "'name' (llm-serve) must be the name of no existing workload; packages/workloads/llm-serve already exists and differs from what --pattern=model-repository --storage=efs writes (packages/workloads/llm-serve/src/chart.ts); pick another name, or change the workload with storage-binding or by hand",
    );
    expect(filesOf(tree)).toEqual(before);
    await expect(workloadGenerator(tree, { name: 'llm-inference', pattern: 'none', storage: 'efs' })).rejects.toThrow(
      "'name' (llm-inference) must be the name of no existing workload; packages/workloads/llm-inference already exists and differs from what --pattern=none --storage=efs writes (packages/workloads/llm-inference/jest.config.js, packages/workloads/llm-inference/package.json, packages/workloads/llm-inference/src/chart.ts, packages/workloads/llm-inference/test/chart.test.ts, packages/workloads/llm-inference/tsconfig.json); pick another name, or change the workload with storage-binding or by hand",
    );
  });

  test.each<[string, Partial<WorkloadGeneratorSchema>, string]>([
    ['an upper-case name', { name: 'LLM' }, `'name' (LLM) must be a lowercase DNS label of at most 53 characters (a letter first, then letters, digits and "-"; Helm's limit); e.g. "llm-inference"`],
    ['a name starting with a digit', { name: '1st' }, `'name' (1st) must be a lowercase DNS label of at most 53 characters (a letter first, then letters, digits and "-"; Helm's limit); e.g. "llm-inference"`],
    ['a name over 53 characters', { name: 'a'.repeat(54) }, `'name' (${'a'.repeat(54)}) must be a lowercase DNS label of at most 53 characters`],
    ['a tier chart\'s name', { name: 'storage-efs' }, `'name' (storage-efs) must be the name of no other chart; packages/storage-charts/storage-efs is a storage tier chart with that name: pick another name`],
    ['an unknown pattern', { pattern: 'cache' as never }, `'--pattern' (cache) must be one of "model-repository", "training-checkpoint", "distributed-dataset", "none"; e.g. --pattern=model-repository`],
    ['an unknown tier', { storage: 'ebs' as never }, `'--storage' (ebs) must be one of "fsx-lustre", "efs", "s3", "instance-store", "s3-files", "auto"; e.g. --storage=fsx-lustre`],
    ['s3 for checkpoints', { pattern: 'training-checkpoint', storage: 's3' }, '--storage=s3 cannot be used with --pattern=training-checkpoint: Mountpoint S3 cannot take checkpoint writes (no rename, no random writes); use --storage=instance-store'],
    ['efs for checkpoints', { pattern: 'training-checkpoint', storage: 'efs' }, '--storage=efs cannot be used with --pattern=training-checkpoint: checkpoints are written to node-local NVMe and synced to S3 by a sidecar (the Training Checkpoint pattern); use --storage=instance-store'],
    ['efs for a dataset', { pattern: 'distributed-dataset', storage: 'efs' }, '--storage=efs cannot be used with --pattern=distributed-dataset: the dataset is served by FSx for Lustre linked to its S3 bucket (the Distributed Dataset pattern); use --storage=fsx-lustre'],
    ['instance store for a model cache', { pattern: 'model-repository', storage: 'instance-store' }, '--storage=instance-store cannot be used with --pattern=model-repository: every server reads one shared model cache, and instance store is local to one node; use --storage=efs, --storage=fsx-lustre or --storage=s3'],
    ['none without a tier', { pattern: 'none', storage: undefined }, `'--storage' () must be given with --pattern=none: one of "fsx-lustre", "efs", "s3", "instance-store", "s3-files"; e.g. --storage=efs`],
    ['s3-files for a model cache', { pattern: 'model-repository', storage: 's3-files' }, '--storage=s3-files cannot be used with --pattern=model-repository: the scaffold hydrates an EFS or FSx for Lustre cache or reads through Mountpoint; a Model Repository served from S3 Files takes an existing file system (S3Files.fromFileSystem as its cache, by hand), or use --storage=efs, --storage=fsx-lustre or --storage=s3'],
    ['s3-files for checkpoints', { pattern: 'training-checkpoint', storage: 's3-files' }, '--storage=s3-files cannot be used with --pattern=training-checkpoint: checkpoints are written to node-local NVMe and synced to S3 by a sidecar (the Training Checkpoint pattern); use --storage=instance-store'],
    ['a bad namespace', { namespace: 'Team_A' }, `'--namespace' (Team_A) must be a DNS label (lowercase letters, digits and "-", at most 63); Kubernetes namespace names are DNS labels, e.g. "ml-inference"`],
    ['a system namespace', { namespace: 'kube-system' }, `'--namespace' (kube-system) must be a namespace of its own; workloads do not go into system namespaces (default, flux-system, kube-node-lease, kube-public, kube-system)`],
  ])('refuses %s before writing anything', async (_what, overrides, message) => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', storage: 'efs', ...overrides } as WorkloadGeneratorSchema)).rejects.toThrow(message);
    expect(filesOf(tree)).toEqual(before);
  });

  test('an environment the generator cannot edit is refused with its file:line, nothing written', async () => {
    const tree = seededTree();
    tree.write('environments/prod/environment.ts', "import { defineEnvironment } from '@strata/gitops';\nimport { workloads } from './workloads';\n\nexport default defineEnvironment({\n  name: 'prod',\n  workloads,\n});\n");
    const before = filesOf(tree);
    await expect(workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'dev,prod' })).rejects.toThrow(
      "environments/prod/environment.ts:6: 'workloads' must be an object literal in the definition (`workloads: { … }`) for the generator to add to it; write it inline",
    );
    expect(filesOf(tree)).toEqual(before);
  });

  test('--dry-run: the generator only goes through the tree, so nothing reaches the disk unless Nx flushes it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-dry-run-'));
    mkdirSync(join(root, 'environments/dev'), { recursive: true });
    writeFileSync(join(root, 'environments/dev/environment.ts'), ENV_FIXTURE);
    writeFileSync(join(root, 'package.json'), '{}');
    const tree: Tree = new FsTree(root, false);
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'none', storage: 'efs', skipInstall: true, environments: 'dev' });
    expect(tree.listChanges().map((c) => c.path).sort()).toEqual([
      'environments/dev/environment.ts',
      'packages/workloads/llm-serve/jest.config.js',
      'packages/workloads/llm-serve/package.json',
      'packages/workloads/llm-serve/src/chart.ts',
      'packages/workloads/llm-serve/test/chart.test.ts',
      'packages/workloads/llm-serve/tsconfig.json',
    ]);
    expect(readdirSync(root).sort()).toEqual(['environments', 'package.json']);
    expect(readFileSync(join(root, 'environments/dev/environment.ts'), 'utf8')).toBe(ENV_FIXTURE);
  });

  test('returns the npm install task for a new package (npm ci needs it in package-lock.json), unless --skipInstall', async () => {
    expect(await workloadGenerator(seededTree(), { name: 'llm-serve', pattern: 'model-repository' })).toEqual(expect.any(Function));
    expect(await workloadGenerator(seededTree(), { name: 'llm-serve', pattern: 'model-repository', skipInstall: true })).toBeUndefined();
  });
});
