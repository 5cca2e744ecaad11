/**
 * The recipes of docs/recipes.md are the files of docs/recipes/: each is type-checked with this
 * package (test/tsconfig.json includes docs/recipes), and synthesized here as generate would —
 * every construct's rules, no warning, every pod held to the Pod Security level its chart declares
 * and to CPU and memory requests, every object valid against its schema (the upstream CRD's for
 * operators' kinds). The page shows each file as it is (`npm run docs` copies them in).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { chartPodProblems, resolveChart, synthesizeChart, WorkloadChart } from '@strata/helm';
import { KubeObject, validateObjects } from '@strata/kube-schemas';
import { REPO } from '../support/workspace';

const DIR = join(REPO, 'docs', 'recipes');
const recipes = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();

type ChartClass = new (scope: App, id: string) => WorkloadChart;

describe.each(recipes)('docs/recipes/%s', (file) => {
  test('synthesizes without an error or a warning; its pods meet their Pod Security level and request CPU and memory; its objects are valid', () => {
    const Chart = (require(join(DIR, file)) as { default: ChartClass }).default;
    const chart = new Chart(new App(), file.replace(/\.ts$/, ''));
    const synth = synthesizeChart(chart);
    expect(synth.warnings).toEqual([]);
    expect(chartPodProblems(synth)).toEqual([]);
    const objects = resolveChart(synth, { name: 'rel', namespace: 'ml' }, '0.1.0', {}) as KubeObject[];
    // A kind only declared (CustomWorkload's example.com) has no schema to hold it to.
    expect(validateObjects(objects.filter((o) => !String(o.apiVersion).startsWith('example.com/')))).toEqual([]);
  });
});
