/**
 * Phase profile of generate without Nx, in one process, on a synthetic workspace made by
 * `bench.ts --workspace-only --sizes N`:
 *
 *   node -r @swc-node/register tools/bench/profile.ts <workspace dir>
 *
 * Prints: module load, chart synthesis (cdk8s) vs chart files (values/schema/templates), overlays of
 * the environments, writing, and the in-process total — the part of `npm run generate` that is not
 * Nx orchestration.
 */
import { join } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: profile.ts <workspace dir>');
  process.exit(2);
}
const ms = (s: bigint) => Number(process.hrtime.bigint() - s) / 1e6;

let s = process.hrtime.bigint();
/* eslint-disable @typescript-eslint/no-require-imports */
const cli = require('@strata/cli') as typeof import('@strata/cli');
const helm = require('@strata/helm') as typeof import('@strata/helm');
const { App } = require('cdk8s') as typeof import('cdk8s');
/* eslint-enable @typescript-eslint/no-require-imports */
const load = ms(s);

const workloads = cli.findWorkloads(root);
let classLoad = 0;
let construct = 0;
let synth = 0;
let files = 0;
const per: number[] = [];
const tree = new Map<string, string>();
const total = process.hrtime.bigint();
for (const w of workloads) {
  const one = process.hrtime.bigint();
  s = process.hrtime.bigint();
  const Chart = cli.loadWorkloadClass(w);
  classLoad += ms(s);
  s = process.hrtime.bigint();
  const chart = new Chart(new App(), w.name);
  construct += ms(s);
  s = process.hrtime.bigint();
  const out = helm.synthesizeChart(chart);
  synth += ms(s);
  s = process.hrtime.bigint();
  const f = helm.chartFiles(out, { version: (d) => helm.chooseVersion(w.version, d, undefined), source: w.source });
  files += ms(s);
  for (const [rel, c] of f) tree.set(`${w.name}/${rel}`, c);
  per.push(ms(one));
}
const charts = ms(total);
s = process.hrtime.bigint();
const envs = cli.overlaysFor(root, tree);
const overlays = ms(s);
s = process.hrtime.bigint();
// The reference lint generate runs after the overlays (one `helm template` per release), when present.
let refs = NaN;
let releases = 0;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const r = require(join(require.resolve('@strata/cli'), '..', 'references')) as { environmentManifests(c: Map<string, string>, e: Map<string, string>): Record<string, unknown[]>; checkReferences(m: Record<string, unknown[]>): string[]; environmentReleases?(e: Map<string, string>, env: string): unknown[] };
  if (r.environmentReleases) for (const env of envs.environments) releases += r.environmentReleases(envs.tree, env).length;
  r.checkReferences(r.environmentManifests(tree, envs.tree));
  refs = ms(s);
} catch (e) {
  console.log(`reference lint: not measured (${(e as Error).message.split('\n')[0]})`);
}
s = process.hrtime.bigint();
const wroteCharts = helm.writeTreeAtomically(join(root, 'charts'), tree, (rel) => rel === 'README.md');
const write = ms(s);
per.sort((a, b) => a - b);
const f1 = (x: number) => `${(x / 1000).toFixed(2)} s`;
console.log(`workloads: ${workloads.length} (${tree.size} chart files; ${envs.tree.size} overlay files for ${envs.environments.length} environments)`);
console.log(`module load (cli, helm, cdk8s):   ${f1(load)}`);
console.log(`charts total:                     ${f1(charts)}  (median ${per[per.length >> 1].toFixed(1)} ms/chart, first ${per[per.length - 1].toFixed(0)} ms max)`);
console.log(`  load chart classes (swc):       ${f1(classLoad)}`);
console.log(`  construct (cdk8s + patterns):   ${f1(construct)}`);
console.log(`  synthesizeChart:                ${f1(synth)}`);
console.log(`  chartFiles (values, schema):    ${f1(files)}`);
console.log(`overlays (3 environments):        ${f1(overlays)}`);
console.log(`reference lint (helm template × ${releases}): ${Number.isNaN(refs) ? 'n/a' : f1(refs)}`);
console.log(`write charts/ (atomic swap):      ${f1(write)} (${wroteCharts ? 'written' : 'unchanged'})`);
console.log(`in-process total:                 ${f1(load + charts + overlays + (Number.isNaN(refs) ? 0 : refs) + write)}`);
