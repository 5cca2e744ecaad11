import { logger } from '@nx/devkit';
import { environmentGenerator } from '../../src/generators/environment/generator';
import { workloadGenerator } from '../../src/generators/workload/generator';
import { ENV_FIXTURE, filesOf, seededTree, workloadPackageJson } from './workspace-tree';

describe('environment generator', () => {
  test('--from copies the structure: names changed, the account, IDs, buckets and role names made placeholders, every other byte kept', async () => {
    // Issue 15: --from=staging kept staging's account, roles, buckets and EFS file system, silently.
    const tree = seededTree();
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await environmentGenerator(tree, { name: 'qa', from: 'dev' });
      const expected = [
        '// Copied from dev by `nx g @strata/nx-plugin:environment qa --from=dev`: its structure, not its identity.',
        '// The account, IDs, buckets and role names are placeholders (000000000000, subnet-00000000000000000, sg-00000000000000000,',
        '// fs-00000000000000000, fill-in-…): `npm run generate` refuses this environment until each is filled in.',
        ENV_FIXTURE.replace("  name: 'dev',\n", "  name: 'qa',\n")
          .replace("cluster: { name: 'strata-dev',", "cluster: { name: 'strata-qa',")
          .replace("const account = '111122223333';", "const account = '000000000000';")
          .replace('role/strata-dev-${name}', 'role/strata-qa-${name}')
          .replace("subnetId: 'subnet-0a1b2c3d4e5f60718'", "subnetId: 'subnet-00000000000000000'")
          .replace("securityGroupIds: ['sg-0a1b2c3d4e5f60718']", "securityGroupIds: ['sg-00000000000000000']")
          .replace("fileSystemId: 'fs-0a1b2c3d4e5f60718'", "fileSystemId: 'fs-00000000000000000'")
          .replace("nodeRole: 'KarpenterNodeRole-strata-dev'", "nodeRole: 'fill-in-qa-role'")
          .replace(/bucket: 'strata-dev-[a-z]+'/g, "bucket: 'fill-in-bucket'")
          .replace(/namespace: 'ml-dev'/g, "namespace: 'ml-qa'"),
      ].join('\n');
      expect(tree.read('environments/qa/environment.ts', 'utf-8')).toBe(expected);
      const out = info.mock.calls.map((c) => c[0]).join('\n');
      expect(out).toContain("environments/qa/environment.ts: dev's structure; what identified dev is a placeholder to fill in (`npm run generate` refuses the environment until each is):\n  const account: 000000000000  (dev: 111122223333)\n");
      expect(out).toContain('  network.subnetId: subnet-00000000000000000  (dev: subnet-0a1b2c3d4e5f60718)\n');
      expect(out).toContain("The registry now names the placeholder account: if qa pulls charts from dev's registry, write that back.");
    } finally {
      info.mockRestore();
    }
    // The source is untouched.
    expect(tree.read('environments/dev/environment.ts', 'utf-8')).toBe(ENV_FIXTURE);
    // A copy of the copy says where it came from once.
    await environmentGenerator(tree, { name: 'qa2', from: 'qa' });
    const again = tree.read('environments/qa2/environment.ts', 'utf-8')!;
    expect(again.match(/^\/\/ Copied from /gm)).toEqual(['// Copied from ']);
    expect(again).toMatch(/^\/\/ Copied from qa by `nx g @strata\/nx-plugin:environment qa2 --from=qa`/);
  });

  test('without --from: a minimal definition listing every workload with its namespace', async () => {
    const tree = seededTree();
    tree.write('packages/workloads/batch-embeddings/package.json', workloadPackageJson('batch-embeddings'));
    tree.write('packages/workloads/notes/package.json', JSON.stringify({ name: '@strata/notes' })); // not a chart
    await environmentGenerator(tree, { name: 'sandbox' });
    expect(tree.read('environments/sandbox/environment.ts', 'utf-8')).toMatchSnapshot();
    expect(tree.read('environments/sandbox/environment.ts', 'utf-8')).toContain(
      "  workloads: {\n    'batch-embeddings': workload<BatchEmbeddingsValues>({ namespace: 'batch-embeddings' }),\n    'llm-inference': workload<LlmInferenceValues>({ namespace: 'llm-inference' }),\n  },\n",
    );
  });

  test('without workloads: no workload import', async () => {
    const tree = seededTree();
    tree.delete('packages/workloads');
    await environmentGenerator(tree, { name: 'empty' });
    const text = tree.read('environments/empty/environment.ts', 'utf-8')!;
    expect(text).toContain("import { defineEnvironment } from '@strata/gitops';\n\nexport default");
    expect(text).toContain('  workloads: {},\n});\n');
  });

  test('a new environment then receives the next workload', async () => {
    const tree = seededTree();
    await environmentGenerator(tree, { name: 'qa', from: 'dev' });
    await workloadGenerator(tree, { name: 'llm-serve', pattern: 'model-repository', environments: 'qa' });
    expect(tree.read('environments/qa/environment.ts', 'utf-8')).toContain("'llm-serve': workload<LlmServeValues>({ namespace: 'llm-serve', values: { aws: { region: 'us-east-1' } } }),");
  });

  test.each([[{ name: 'qa', from: 'dev' }], [{ name: 'sandbox' }]])('a second run with %j changes nothing, byte for byte', async (options) => {
    const tree = seededTree();
    await environmentGenerator(tree, options);
    const once = filesOf(tree);
    await environmentGenerator(tree, options);
    expect(filesOf(tree)).toEqual(once);
  });

  test('an existing definition that differs is refused, nothing written', async () => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(environmentGenerator(tree, { name: 'prod', from: 'dev' })).rejects.toThrow(
      "'name' (prod) must be the name of no existing environment; environments/prod/environment.ts exists (and differs from what this would write); pick another name, or edit it by hand",
    );
    expect(filesOf(tree)).toEqual(before);
  });

  test.each<[string, { name: string; from?: string }, string]>([
    ['an upper-case name', { name: 'QA' }, `'name' (QA) must be a DNS label (lowercase letters, digits and "-", at most 63); it names the folder environments/<name>/, e.g. "qa"`],
    ['an underscore', { name: 'qa_1' }, `'name' (qa_1) must be a DNS label`],
    ['"base"', { name: 'base' }, `'name' (base) must be another name than "base"; environments/base/ holds the shared workload bases`],
    ['an unknown --from', { name: 'qa', from: 'stage' }, `'--from' (stage) must be an existing environment: one of "dev", "prod"; or leave --from out for a minimal definition`],
  ])('refuses %s before writing anything', async (_what, options, message) => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(environmentGenerator(tree, options)).rejects.toThrow(message);
    expect(filesOf(tree)).toEqual(before);
  });

  test('a source without an inline name is refused with its file:line', async () => {
    const tree = seededTree();
    tree.write('environments/dev/environment.ts', "import { defineEnvironment } from '@strata/gitops';\nconst name = 'dev';\n\nexport default defineEnvironment({\n  name,\n  workloads: {},\n});\n");
    await expect(environmentGenerator(tree, { name: 'qa', from: 'dev' })).rejects.toThrow("environments/dev/environment.ts:4: the definition has no `name: 'dev'` property to change; write it inline");
  });
});

describe('environment generator: the cloud section of --from', () => {
  test('--from=prod: adopted buckets and file systems, the account and key ARNs become placeholders that generate refuses, and the output says why', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { checkPlaceholders } = await import('@strata/gitops');
    const tree = seededTree();
    tree.write('environments/prod/environment.ts', readFileSync(join(__dirname, '../../../../environments/prod/environment.ts'), 'utf8'));
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await environmentGenerator(tree, { name: 'qa', from: 'prod' });
      const text = tree.read('environments/qa/environment.ts', 'utf-8')!;
      // Every bucket prod adopts is a distinct placeholder; none of prod's names is left.
      expect(text).not.toMatch(/strata-prod-/);
      expect([...text.matchAll(/\{ name: '([^']+)', purpose/g)].map((m) => m[1])).toEqual(['fill-in-strata-qa-models', 'fill-in-strata-qa-datasets', 'fill-in-strata-qa-checkpoints', 'fill-in-strata-qa-embeddings']);
      expect(text).toContain("adoptFileSystemId: 'fs-00000000000000000'");
      expect(text).not.toMatch(/777788889999/);
      const out = info.mock.calls.map((c) => c[0]).join('\n');
      expect(out).toContain('  cloud.buckets.name: fill-in-strata-qa-models  (prod: strata-prod-models)\n');
      expect(out).toContain('  cloud.fileSystems.adoptFileSystemId: fs-00000000000000000  (prod: fs-0c1d2e3f4a5b60718)\n');
      expect(out).toContain(
        "The cloud resources are prod's AWS resources (buckets and file systems ACK adopts or manages there): their names and ids are placeholders, so qa neither waits for a bucket that does not exist nor takes over prod's. Name qa's own (one to adopt must exist), or drop adopt / adoptFileSystemId to have ACK create them.",
      );
      // generate refuses each (checkPlaceholders is what generate runs on the definition's values).
      const names = [...text.matchAll(/\{ name: '([^']+)', purpose: '([a-z]+)'/g)].map((m) => ({ name: m[1] }));
      const fields: string[] = [];
      checkPlaceholders({ cloud: { buckets: names, fileSystems: [{ name: 'shared', adoptFileSystemId: 'fs-00000000000000000' }] } }, (f) => fields.push(f));
      expect(fields).toEqual(['cloud.buckets[0].name', 'cloud.buckets[1].name', 'cloud.buckets[2].name', 'cloud.buckets[3].name', 'cloud.fileSystems[0].adoptFileSystemId']);
    } finally {
      info.mockRestore();
    }
  });
});
