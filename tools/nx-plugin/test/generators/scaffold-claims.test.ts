import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { synthesizeChart } from '@strata/helm';
import { App } from 'cdk8s';
import { workloadGenerator } from '../../src/generators/workload/generator';
import { scaffoldClaim } from '../../src/generators/workload/scaffold-claims';
import { WorkloadGeneratorSchema } from '../../src/generators/workload/schema';
import { PATTERN_TIERS, PatternOption } from '../../src/generators/storage-tiers';
import { seededTree } from './workspace-tree';

/**
 * `--storage=auto --environments=…` writes the profile under the claim the scaffold will make,
 * before its chart exists (scaffold-claims.ts). Here every pattern × tier scaffold is synthesized
 * in this process and its claims read, so the name the generator writes is the one the bottleneck
 * check finds.
 */
describe('scaffoldClaim names a claim the synthesized scaffold has', () => {
  // Inside the workspace (ignored as .strata-tmp-*), so that the chart's imports (@strata/*, cdk8s) resolve as a workload's do.
  const dir = join(__dirname, '.strata-tmp-scaffolds');
  beforeAll(() => mkdirSync(dir, { recursive: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const combinations = (Object.keys(PATTERN_TIERS) as PatternOption[]).flatMap((pattern) => PATTERN_TIERS[pattern].map((storage) => [pattern, storage] as const));

  test.each(combinations)('%s on %s', async (pattern, storage) => {
    const tree = seededTree();
    const name = `w-${pattern}-${storage}`.replace(/[^a-z0-9-]/g, '-');
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await workloadGenerator(tree, { name, pattern, storage, skipInstall: true } as WorkloadGeneratorSchema);
    } finally {
      info.mockRestore();
    }
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, tree.read(`packages/workloads/${name}/src/chart.ts`, 'utf-8')!);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Chart = require(file).default;
    const claims = synthesizeChart(new Chart(new App(), name)).storage.map((s: { path: string; description: { tier: string } }) => `${s.path} (${s.description.tier})`);
    expect(claims).toContain(`${scaffoldClaim(pattern, storage)} (${storage})`);
  });
});
