import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './rendered';

/** What a copy leaves out: installs, caches, build output, scratch. */
const NOT_COPIED = new Set(['node_modules', '.git', '.nx', 'dist', 'coverage', 'tmp', '.toolchain']);

/**
 * A copy of the workspace's sources (as test/e2e does it): node_modules entries are links to the
 * repository's, except @strata/*, which link into the copy, so the copy's code runs.
 */
export function copyWorkspace(prefix = 'strata-hardening-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of readdirSync(REPO)) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(join(REPO, entry), join(root, entry), { recursive: true, filter: (src) => !/[\\/](node_modules|\.nx|dist)$/.test(src) });
  }
  mkdirSync(join(root, 'node_modules', '@strata'), { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry !== '@strata') symlinkSync(join(REPO, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  for (const link of readdirSync(join(REPO, 'node_modules', '@strata'))) {
    symlinkSync(readlinkSync(join(REPO, 'node_modules', '@strata', link)), join(root, 'node_modules', '@strata', link));
  }
  if (existsSync(join(REPO, '.toolchain'))) symlinkSync(join(REPO, '.toolchain'), join(root, '.toolchain'));
  return root;
}

/** The environment of commands run in a copy: none of the calling Nx task's NX_* settings. */
export const COPY_ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NX_'))),
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  FORCE_COLOR: '0',
};
