import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART_TAG, createNodesV2 } from '../src';

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-nodes-'));
  const pkg = (dir: string, json: object) => {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(json));
  };
  pkg('packages/workloads/llm-inference', { name: '@strata/workload-llm-inference', strata: { chart: 'src/chart.ts' } });
  pkg('packages/workloads/notes', { name: '@strata/notes' });
  return root;
}

const context = (root: string) => ({ nxJsonConfiguration: {}, workspaceRoot: root });

test('the glob covers chart packages and environment definitions', () => {
  expect(createNodesV2[0]).toBe('{packages/workloads/*/package.json,packages/storage-charts/*/package.json,environments/*/environment.ts}');
});

test('a chart package gets cached synth (its chart dir as output), validate and package', async () => {
  const root = workspace();
  const results = await createNodesV2[1](['packages/workloads/llm-inference/package.json', 'packages/workloads/notes/package.json'], undefined, context(root));
  expect(results).toHaveLength(1);
  const [file, result] = results[0];
  expect(file).toBe('packages/workloads/llm-inference/package.json');
  const project = result.projects!['packages/workloads/llm-inference'];
  expect(project.name).toBe('llm-inference');
  expect(project.tags).toEqual([CHART_TAG]);
  expect(project.targets!.synth).toMatchObject({ executor: '@strata/nx-plugin:synth', cache: true, outputs: ['{workspaceRoot}/charts/llm-inference'] });
  expect(project.targets!.synth.inputs).toEqual(expect.arrayContaining(['production', '^production']));
  expect(project.targets!.package.dependsOn).toEqual(['synth']);
  expect(project.targets!.validate.dependsOn).toEqual(['synth']);
});

test('environments get one overlays target after every chart synth', async () => {
  const results = await createNodesV2[1](['environments/dev/environment.ts', 'environments/prod/environment.ts'], undefined, context(workspace()));
  const env = results[0][1].projects!.environments;
  expect(env.targets!.overlays.dependsOn).toEqual([{ projects: [`tag:${CHART_TAG}`], target: 'synth' }]);
});
