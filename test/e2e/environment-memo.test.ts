/**
 * generate plans and checks again only the environments whose inputs changed (tools/cli/src/
 * environment-memo.ts): its definition, the catalog entries it reads, the toolkit. In a copy of the
 * repository: a run after a run reuses every environment; a generated file changed by hand makes
 * its environment again; a value changed in dev, or a chart only dev deploys, plans dev alone; and
 * whatever was reused, the output and the warnings are what a run without any cache makes
 * (`generate --check --no-cache` finds every file current).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, run, SLOW } from '../support/workspace';

const reusedLine = (out: string) => /^overlays: .*$/m.exec(out)?.[0];
const warnings = (out: string) => out.split('\n').filter((l) => l.startsWith('warning: '));

describe('environments reused between runs', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace('strata-memo-');
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const generate = (...args: string[]) => run(root, [join(root, 'tools/scripts/generate.mjs'), ...args]);
  const edit = (rel: string, from: string, to: string) => {
    const text = readFileSync(join(root, rel), 'utf8');
    if (!text.includes(from)) throw new Error(`${rel} has no ${from}`);
    writeFileSync(join(root, rel), text.replace(from, to));
  };

  test('only changed environments are planned again, and the output is what a run without cache makes', () => {
    generate();
    expect(reusedLine(generate())).toBe('overlays: 3 environment(s) (dev, prod, staging), 3 unchanged since the last run');

    // A generated file changed by hand: its environment is made again (its folder is not as generate left it), and the file restored.
    const kustomization = join(root, 'environments/prod/apps/kustomization.yaml');
    const written = readFileSync(kustomization, 'utf8');
    writeFileSync(kustomization, `${written}# changed by hand\n`);
    expect(reusedLine(generate())).toBe('overlays: 3 environment(s) (dev, prod, staging), 2 unchanged since the last run');
    expect(readFileSync(kustomization, 'utf8')).toBe(written);

    edit('environments/dev/environment.ts', 'server: { replicas: 1, gpus: 1 }', 'server: { replicas: 2, gpus: 1 }');
    expect(reusedLine(generate())).toBe('overlays: 3 environment(s) (dev, prod, staging), 2 unchanged since the last run');

    // A chart only dev deploys: its new version changes dev's overlays, no other environment's.
    edit('packages/workloads/curated-datasets/src/chart.ts', "description: 'curated-datasets: a workspace", "description: 'curated-datasets (edited): a workspace");
    const edited = generate();
    expect(reusedLine(edited)).toBe('overlays: 3 environment(s) (dev, prod, staging), 2 unchanged since the last run');

    const fresh = generate('--check', '--no-cache');
    expect(fresh).toMatch(/^generate --check: 15 chart\(s\) and 3 environment\(s\) current/m);
    expect(warnings(edited)).toEqual(warnings(fresh));
  }, 4 * SLOW);
});
