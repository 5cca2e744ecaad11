/**
 * Issue 15: an unusable STRATA_CACHE_DIR spun forever at 100% CPU (Node's recursive mkdir retries
 * a folder that mkdir answers ENOENT while its parent exists, e.g. below /proc), or failed once
 * per chart. It is one clear error now, before anything uses the folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChartCache } from '../src';
import { usableCacheDir } from '../src/cache-dir.cjs';

const REPO = resolve(__dirname, '..', '..', '..');

describe('the cache folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-cache-dir-'));
    writeFileSync(join(dir, 'a-file'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing folder is made; a usable one is returned', () => {
    expect(usableCacheDir(dir, join(dir, 'new/a/b'))).toBe(join(dir, 'new/a/b'));
    expect(existsSync(join(dir, 'new/a/b'))).toBe(true);
  });

  test('a file, or a folder below a file, is refused with the reason', () => {
    expect(() => usableCacheDir(dir, join(dir, 'a-file'))).toThrow(`generate's cache folder (${join(dir, 'a-file')}) is not a usable cache folder: ${join(dir, 'a-file')} is a file, not a folder; make it writable, or set STRATA_CACHE_DIR to a folder you can write`);
    expect(() => new ChartCache(dir, join(dir, 'a-file/sub'))).toThrow(`is not a usable cache folder: ${join(dir, 'a-file')} is a file, not a folder`);
  });

  test('inside charts/ or environments/ (which generate replaces whole) is refused', () => {
    mkdirSync(join(dir, 'charts'), { recursive: true });
    expect(() => usableCacheDir(dir, join(dir, 'charts/.cache'))).toThrow("is not a usable cache folder: it is inside charts/, which generate replaces whole");
  });

  test('generate with STRATA_CACHE_DIR a file, or below /proc: exit 2 with one message, no hang', () => {
    const bad = [join(dir, 'a-file'), ...(existsSync('/proc/self') ? ['/proc/strata-cache'] : [])];
    for (const cache of bad) {
      const started = Date.now();
      // --check: whatever happens, nothing is written into the repository.
      const r = spawnSync(process.execPath, [join(REPO, 'tools/scripts/generate.mjs'), '--check'], { env: { ...process.env, STRATA_CACHE_DIR: cache }, encoding: 'utf8', timeout: 30_000 });
      expect({ cache, status: r.status, signal: r.signal }).toEqual({ cache, status: 2, signal: null });
      expect(r.stderr).toMatch(new RegExp(`^generate: STRATA_CACHE_DIR \\(${JSON.stringify(cache).replace(/[/.]/g, '\\$&')}\\) is not a usable cache folder: .*; point STRATA_CACHE_DIR at a folder you can write, or unset it \\(the default is node_modules/\\.cache/strata of the repository\\)\\n$`));
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  }, 60_000);
});
