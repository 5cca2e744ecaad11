#!/usr/bin/env node
// The whole test suite: every Nx project's `typecheck` and `test` targets, with task output shown
// (Nx hides successful tasks' output otherwise) and without the cache (every test really runs).
// Ends with one plain line, "N passed, N failed", summed over every jest run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The publishing tests push to a real OCI registry: Debian's docker-registry (CNCF distribution) on
// 127.0.0.1; the helper scripts also run in busybox sh, the gates' shell. Install them when missing
// (root on Debian); without them the registry tests fail with a clear message and the busybox runs
// are skipped with one.
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = [['docker-registry', 'docker-registry'], ['busybox', 'busybox']].filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg);
if (missing.length > 0 && has('apt-get') && process.getuid?.() === 0) {
  console.log(`npm test: installing ${missing.join(', ')} (Debian) for the tests…`);
  const apt = spawnSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`], { stdio: 'inherit' });
  if (apt.status !== 0) console.log(`npm test: could not install ${missing.join(', ')}; the tests that need them will say so`);
}
const dir = mkdtempSync(join(tmpdir(), 'strata-test-'));
const counts = join(dir, 'counts.jsonl');
// Every temporary directory of the tests goes below this run's folder, removed at the end: left in
// /tmp they pile up by the hundred thousand, and a directory that large makes creating files
// under it many times slower (measured here: 11.5k small files in 0.35 s elsewhere, 2–10 s below it).
const scratch = join(dir, 'tmp');
mkdirSync(scratch);
const env = {
  ...process.env,
  TMPDIR: scratch,
  FORCE_COLOR: '0',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  STRATA_TEST_COUNTS: counts,
};
const extra = process.argv.slice(2);
const nx = spawnSync(
  process.execPath,
  [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'typecheck', 'test', '--output-style=static', '--skip-nx-cache', '--parallel=2', ...extra],
  { cwd: root, env, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(counts)) {
  for (const line of readFileSync(counts, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line);
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  }
}
rmSync(dir, { recursive: true, force: true });
const nxFailed = nx.status !== 0;
if (nxFailed && failed === 0) failed = 1; // a typecheck or a crash failed outside jest's counts
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(nxFailed || failed > 0 ? 1 : 0);
