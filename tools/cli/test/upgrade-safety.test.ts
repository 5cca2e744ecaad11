import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartAtVersion } from '../src/upgrade-safety';

/**
 * chartAtVersion finds the chart a cluster may still run — its last published version, older than
 * the committed one — in git history. That version has been replaced since, so the newest commit
 * whose diff touches its version line is the one that replaced it; and on the main line a version
 * may arrive with a merge.
 */
describe('chartAtVersion', () => {
  let root: string;
  let scratch: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const commit = (version: string, body: string, message: string) => {
    writeFileSync(join(root, 'charts/demo/Chart.yaml'), `apiVersion: v2\nname: demo\nversion: ${version}\n`);
    writeFileSync(join(root, 'charts/demo/values.yaml'), `body: ${body}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-history-'));
    scratch = mkdtempSync(join(tmpdir(), 'strata-history-scratch-'));
    mkdirSync(join(root, 'charts/demo'), { recursive: true });
    git('init', '-q', '-b', 'main');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  test('a version replaced since: the chart as it last was at that version', () => {
    commit('0.1.0', 'a', 'first');
    commit('0.1.0', 'a2', 'same version, a README-like change');
    commit('0.1.1', 'b', 'second');
    commit('0.1.2', 'c', 'third');
    const dir = chartAtVersion(root, 'demo', '0.1.1', scratch);
    expect(dir && readFileSync(join(dir, 'values.yaml'), 'utf8')).toBe('body: b\n');
    const first = chartAtVersion(root, 'demo', '0.1.0', scratch);
    expect(first && readFileSync(join(first, 'values.yaml'), 'utf8')).toBe('body: a2\n');
    expect(chartAtVersion(root, 'demo', '0.9.9', scratch)).toBeUndefined();
  });

  test('a version that arrived on the main line with a merge', () => {
    commit('0.1.0', 'a', 'first');
    git('checkout', '-q', '-b', 'feature');
    commit('0.2.0', 'f', 'feature');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    commit('0.2.1', 'g', 'after the merge');
    const dir = chartAtVersion(root, 'demo', '0.2.0', scratch);
    expect(dir && readFileSync(join(dir, 'values.yaml'), 'utf8')).toBe('body: f\n');
  });
});
