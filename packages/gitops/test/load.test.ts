import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffTree, readTree, writeTreeAtomically } from '@strata/helm';
import { EnvironmentError, environmentFiles, environmentsTree, isKeptInEnvironments, loadEnvironments } from '../src';
import { fixtureCatalog, fixtureChartTree } from './fixtures/charts';
import { dev, prod } from './fixtures/environments';

const FIXTURE_ROOT = join(__dirname, 'fixtures', 'repo');

describe('loadEnvironments', () => {
  test('finds environments/*/environment.ts, sorted, through the running TypeScript hook', () => {
    const envs = loadEnvironments(FIXTURE_ROOT);
    expect(envs.map((e) => [e.name, e.file])).toEqual([
      ['dev', 'environments/dev/environment.ts'],
      ['prod', 'environments/prod/environment.ts'],
    ]);
    expect(envs[0].definition).toEqual(dev);
  });

  test('a repository without environments/ has none', () => {
    expect(loadEnvironments(mkdtempSync(join(tmpdir(), 'strata-empty-')))).toEqual([]);
  });

  test('throws if a definition is misnamed, has no default export, or cannot be loaded (all together)', () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-envs-'));
    const put = (env: string, text: string) => {
      mkdirSync(join(root, 'environments', env), { recursive: true });
      writeFileSync(join(root, 'environments', env, 'environment.ts'), text);
    };
    put('a', "export default { name: 'b' };\n");
    put('c', 'export const nothing = 1;\n');
    put('d', "throw new Error('boom');\n");
    expect(() => loadEnvironments(root)).toThrow(EnvironmentError);
    try {
      loadEnvironments(root);
    } catch (e) {
      expect((e as EnvironmentError).errors).toEqual([
        `environments/a/environment.ts: 'name' ("b") must be "a", the name of its folder; rename one of them`,
        "environments/c/environment.ts: must export the environment as default: `export default defineEnvironment({ name: 'c', … })`",
        'environments/d/environment.ts: cannot be loaded: boom',
      ]);
    }
  });
});

describe('environmentsTree (what the CLI calls)', () => {
  test('generates every environment against the in-memory chart tree', () => {
    const { tree, warnings, environments } = environmentsTree(FIXTURE_ROOT, fixtureChartTree());
    expect(environments).toEqual(['dev', 'prod']);
    expect(warnings.length).toBe(3); // prod pins a version, and two more
    const expected = new Map([...environmentFiles(dev, fixtureCatalog()), ...environmentFiles(prod, fixtureCatalog())]);
    expect(new Map([...tree].sort())).toEqual(new Map([...expected].sort()));
  });

  test('isKeptInEnvironments keeps the hand-written files only', () => {
    expect(['README.md', 'dev/environment.ts', 'tsconfig.json'].map(isKeptInEnvironments)).toEqual([true, true, true]);
    expect(['dev/README.md', 'dev/kustomization.yaml', 'base/apps/x/release.yaml', 'dev/apps/environment.ts'].map(isKeptInEnvironments)).toEqual([false, false, false, false]);
  });

  test('CLI flow: written atomically beside the definitions; a bad environment then writes nothing; --check finds hand edits', () => {
    // A scratch repository: the fixture definitions, copied.
    const root = mkdtempSync(join(tmpdir(), 'strata-repo-'));
    const envDir = join(root, 'environments');
    for (const [rel, content] of readTree(join(FIXTURE_ROOT, 'environments'))) {
      const fixed = content.replace("from '../../../environments'", `from ${JSON.stringify(join(__dirname, 'fixtures', 'environments'))}`);
      mkdirSync(join(envDir, rel, '..'), { recursive: true });
      writeFileSync(join(envDir, rel), fixed);
    }
    const { tree } = environmentsTree(root, fixtureChartTree());
    expect(writeTreeAtomically(envDir, tree, isKeptInEnvironments)).toBe(true);
    const written = readTree(envDir);
    expect(written.get('dev/environment.ts')).toContain('export default dev');
    expect(written.get('README.md')).toBe('# fixture environments/\n');
    expect(written.get('dev/kustomization.yaml')).toBe(tree.get('dev/kustomization.yaml'));
    expect(diffTree(envDir, tree, isKeptInEnvironments)).toEqual([]);

    // A bad value: generate fails before writing, the directory is byte-identical.
    writeFileSync(join(envDir, 'prod', 'environment.ts'), `import { prod } from ${JSON.stringify(join(__dirname, 'fixtures', 'environments'))};\nexport default { ...prod, workloads: { ...prod.workloads, nope: { namespace: 'x' } } };\n`);
    const before = readTree(envDir);
    jest.resetModules(); // jest keeps its own module registry; the CLI's plain require sees the edit directly
    expect(() => {
      const t = environmentsTree(root, fixtureChartTree());
      writeTreeAtomically(envDir, t.tree, isKeptInEnvironments);
    }).toThrow(`environments/prod/environment.ts: 'workloads' ("nope") must be one of the charts in charts/: "inference", "plain", "training"`);
    expect(readTree(envDir)).toEqual(before);

    // A hand edit of generated output is found by the check.
    writeFileSync(join(envDir, 'dev', 'apps.yaml'), 'edited\n');
    expect(diffTree(envDir, tree, isKeptInEnvironments)).toEqual([`differs: ${join(envDir, 'dev', 'apps.yaml')}`]);
  });
});

describe('under the CLI\'s register hook (plain node, @swc-node/register), not only jest', () => {
  test('loads the definitions and generates the same tree', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const repo = join(__dirname, '..', '..', '..');
    const script = [
      `const g = require(${JSON.stringify(join(__dirname, '..', 'src'))});`,
      `const { fixtureChartTree } = require(${JSON.stringify(join(__dirname, 'fixtures', 'charts'))});`,
      `const t = g.environmentsTree(${JSON.stringify(FIXTURE_ROOT)}, fixtureChartTree());`,
      `process.stdout.write(JSON.stringify([...t.tree]));`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr).toBe('');
    expect(new Map(JSON.parse(r.stdout))).toEqual(environmentsTree(FIXTURE_ROOT, fixtureChartTree()).tree);
  });
});
