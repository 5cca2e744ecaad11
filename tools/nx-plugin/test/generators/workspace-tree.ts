import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

/** A fixture's text (fixtures are .txt so that the type checker leaves them alone). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

export const ENV_FIXTURE = fixture('environment.ts.txt');
export const CHART_FIXTURE = fixture('hand-edited-chart.ts.txt');

/** A workload package.json as the examples have it. */
export function workloadPackageJson(name: string): string {
  return `${JSON.stringify(
    {
      name: `@strata/workload-${name}`,
      version: '0.1.0',
      private: true,
      main: 'src/chart.ts',
      strata: { chart: 'src/chart.ts' },
      dependencies: { '@strata/helm': '*', '@strata/patterns': '*', '@strata/storage': '*', cdk8s: '2.70.106', 'cdk8s-plus-28': '2.5.6', constructs: '10.8.1' },
    },
    null,
    2,
  )}\n`;
}

/**
 * An empty Nx workspace with what the generators read: environments dev (as in the repository)
 * and prod (the same definition, named prod), the root pins, and the hand-edited llm-inference
 * chart with its package and a storage tier chart package.
 */
export function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('package.json', JSON.stringify({ name: 'strata', devDependencies: { cdk8s: '2.70.106', 'cdk8s-plus-28': '2.5.6', constructs: '10.8.1' } }, null, 2));
  tree.write('environments/dev/environment.ts', ENV_FIXTURE);
  tree.write('environments/prod/environment.ts', ENV_FIXTURE.replace("name: 'dev'", "name: 'prod'"));
  tree.write('environments/README.md', '# environments\n');
  tree.write('packages/workloads/llm-inference/package.json', workloadPackageJson('llm-inference'));
  tree.write('packages/workloads/llm-inference/src/chart.ts', CHART_FIXTURE);
  tree.write('packages/storage-charts/storage-efs/package.json', JSON.stringify({ name: '@strata/storage-chart-efs', strata: { chart: 'src/chart.ts' } }));
  return tree;
}

/** Every file of the tree (path → text), to compare whole trees. */
export function filesOf(tree: Tree, dir = ''): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const child of tree.children(d)) {
      const p = d ? `${d}/${child}` : child;
      if (tree.isFile(p)) out.set(p, tree.read(p, 'utf-8')!);
      else walk(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Checks that `after` is `before` with only lines added, except for `changed` lines of `before`
 * (edited in place): every other line of `before` is still there, in order, byte for byte.
 * Returns the added lines.
 */
export function addedLines(before: string, after: string, changed: readonly string[] = []): string[] {
  const a = after.split('\n');
  const added: string[] = [];
  let j = 0;
  for (const line of before.split('\n')) {
    if (changed.includes(line)) continue;
    while (j < a.length && a[j] !== line) added.push(a[j++]);
    if (j === a.length) throw new Error(`line lost or changed: ${JSON.stringify(line)}`);
    j++;
  }
  added.push(...a.slice(j));
  return added;
}
