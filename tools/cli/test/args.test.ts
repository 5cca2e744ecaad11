/**
 * Issue 15: `npm run generate --check` (without `--`) ran in write mode and exited 0, a CI check
 * that could never fail: npm took --check as its own setting. Unknown arguments are errors that
 * list the accepted ones.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseGenerateArgs } from '../src/args';

const REPO = resolve(__dirname, '..', '..', '..');
/** The environment npm gives the generate script. */
const UNDER_NPM = { npm_lifecycle_event: 'generate', npm_lifecycle_script: 'node tools/scripts/generate.mjs' };

describe('generate arguments', () => {
  test('the options, after --', () => {
    expect(parseGenerateArgs([], UNDER_NPM)).toEqual({ check: false, cache: true, help: false });
    expect(parseGenerateArgs(['--check', '--no-cache'], UNDER_NPM)).toEqual({ check: true, cache: false, help: false });
    expect(parseGenerateArgs(['--help'])).toEqual({ check: false, cache: true, help: true });
    expect(parseGenerateArgs(['--', '--check'])).toEqual({ check: true, cache: true, help: false });
  });

  test('--check that npm took for itself (npm_config_check) is an error, not a write', () => {
    expect(() => parseGenerateArgs([], { ...UNDER_NPM, npm_config_check: 'true' })).toThrow(
      'npm took "--check" as an option of its own (npm passes a script only what follows "--"), so generate would have written instead of checking; run `npm run generate -- --check`',
    );
    // Another script's process (npm test's) is not generate's command line.
    expect(parseGenerateArgs([], { npm_lifecycle_event: 'test', npm_lifecycle_script: 'node tools/scripts/test.mjs', npm_config_check: 'true' }).check).toBe(false);
  });

  test('an unknown argument is an error listing the accepted ones', () => {
    expect(() => parseGenerateArgs(['--chek'])).toThrow(/^unknown argument "--chek"; generate accepts --check, --no-cache, --help\nusage: npm run generate \[-- <options>\]/);
    expect(() => parseGenerateArgs(['check', '--nocache'])).toThrow(/^unknown arguments "check", "--nocache"; generate accepts --check, --no-cache, --help\n/);
  });

  test('through npm: `npm run generate --check` exits 2 with the message, and writes nothing', () => {
    // A package whose generate script is this repository's, pointed at an empty workspace: were
    // --check lost, generate would write there (an empty charts/), never into the repository.
    const dir = mkdtempSync(join(tmpdir(), 'strata-npm-args-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-args', version: '0.0.0', private: true, scripts: { generate: `node ${join(REPO, 'tools/scripts/generate.mjs')}` } }));
      const env = { ...process.env, STRATA_ROOT: dir, STRATA_CACHE_DIR: join(dir, 'cache') };
      const r = spawnSync('npm', ['run', 'generate', '--check'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('generate: npm took "--check" as an option of its own');
      expect(r.stderr).toContain('run `npm run generate -- --check`');
      const ok = spawnSync('npm', ['run', 'generate', '--', '--chek'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      expect(ok.status).toBe(2);
      expect(ok.stderr).toContain('generate: unknown argument "--chek"; generate accepts --check, --no-cache, --help');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
