/**
 * The bench's anchor (issue 20): plain in-process cdk8s synthesis of the same charts generate
 * makes — for each chart package, `new App()`, the chart's construct, `app.synthYaml()` — and
 * nothing else: no Helm writer, values, schema, overlays, checks or writes. One process, one
 * thread, one App per chart (as generate does; one App for all charts grows faster than linearly).
 *
 *   STRATA_ROOT=<workspace> STRATA_CACHE_DIR=<empty dir> node -r <workspace>/tools/scripts/register-ts.cjs tools/bench/anchor.ts
 *
 * Loads TypeScript through the same loader as generate (register-ts.cjs), with a cache as cold as
 * generate's. Prints one JSON line: charts, bytes of YAML, and the CPU of the synthesis loop alone
 * (the bench measures the whole process, start-up and module loading included, as it does for generate).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';

const root = process.env.STRATA_ROOT ?? process.cwd();
const packages: { name: string; module: string }[] = [];
for (const base of ['packages/workloads', 'packages/storage-charts']) {
  const dir = join(root, base);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const pj = join(dir, name, 'package.json');
    if (!existsSync(pj)) continue;
    const chart = (JSON.parse(readFileSync(pj, 'utf8')) as { strata?: { chart?: string } }).strata?.chart;
    if (chart) packages.push({ name, module: join(dir, name, chart) });
  }
}
const started = process.cpuUsage();
const t0 = performance.now();
let bytes = 0;
for (const p of packages) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Chart = require(p.module).default as new (scope: App, id: string) => unknown;
  const app = new App();
  new Chart(app, p.name);
  bytes += app.synthYaml().length;
}
const cpu = process.cpuUsage(started);
console.log(JSON.stringify({ charts: packages.length, bytes, loopCpuMs: (cpu.user + cpu.system) / 1000, loopWallMs: performance.now() - t0 }));
