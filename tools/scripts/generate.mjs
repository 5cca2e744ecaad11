#!/usr/bin/env node
// `npm run generate`: every chart (Nx `synth`, cached per chart, one process for all charts that
// need it) and then every environment's overlays (Nx `overlays`), ending with one summary line.
// `npm run generate -- --check` compares instead of writing: it synthesizes everything in one
// process, without the cache, and names every file that differs from what generate would write.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

if (args.includes('--check')) {
  const r = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/cli/bin/generate.ts'), ...args], { cwd: root, env, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const unknown = args.filter((a) => a !== '--skip-nx-cache');
if (unknown.length > 0) {
  console.error(`generate: unknown argument ${unknown.map((a) => JSON.stringify(a)).join(', ')}; usage: npm run generate [-- --check | --skip-nx-cache]`);
  process.exit(2);
}
const started = Date.now();
const nx = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'synth', 'overlays', '--output-style=static', ...args], {
  cwd: root,
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.stdout.write(nx.stdout ?? '');
const seconds = ((Date.now() - started) / 1000).toFixed(2);
const cache = /Cache:\s+(\d+)\/(\d+) hit/.exec(nx.stdout ?? '');
const cached = cache ? ` (${cache[1]} of ${cache[2]} tasks from the Nx cache)` : '';
if (nx.status !== 0) {
  console.log(`generate: failed; charts and environments that failed were not written (${seconds} s)`);
  process.exit(1);
}
console.log(`generate: charts/ and environments/ are current${cached} (${seconds} s)`);
