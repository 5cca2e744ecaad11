/**
 * Issue 6, "Done when": a second generate with no change does no synthesis (`npm run generate`
 * takes unchanged charts from its own cache; `nx run-many -t synth overlays` from the Nx cache),
 * and after touching one workload `nx affected -t synth` synthesizes exactly that one. Issue 8:
 * generate runs in one process (an Nx task per chart costs more than the work at hundreds of
 * charts), so both paths are tested to give the same output.
 */
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, nx, run, SLOW } from '../support/workspace';

describe('Nx cache and affected', () => {
  let root: string;
  /** Every chart the workspace generates (a new example must not need this test edited). */
  let n: number;
  beforeAll(() => {
    root = copyWorkspace();
    n = readdirSync(join(root, 'charts'), { withFileTypes: true }).filter((d) => d.isDirectory()).length;
    // affected needs a git history to compare with
    for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['-c', 'user.email=ci@strata', '-c', 'user.name=ci', 'commit', '-q', '-m', 'base']]) {
      const r = require('node:child_process').spawnSync('git', args, { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    }
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'a second generate with no change synthesizes nothing and writes nothing',
    () => {
      const first = run(root, [join(root, 'tools/scripts/generate.mjs')]);
      expect(first).toMatch(new RegExp(`^generate: ${n} chart\\(s\\) \\(${n} synthesized, 0 unchanged\\) and 3 environment\\(s\\), \\d+ files already current in charts/ and environments/, \\d+ warning\\(s\\) \\(\\d+\\.\\d\\d s\\)$`, 'm'));
      const second = run(root, [join(root, 'tools/scripts/generate.mjs')]);
      expect(second).toMatch(new RegExp(`^generate: ${n} chart\\(s\\) \\(0 synthesized, ${n} unchanged\\) and 3 environment\\(s\\), \\d+ files already current in`, 'm'));
      expect(second).toContain(`charts: ${n} (0 synthesized, ${n} unchanged from the cache)`);
    },
    SLOW,
  );

  test(
    'a hand-edited chart file is named by generate --check and restored by the next generate',
    () => {
      run(root, [join(root, 'tools/scripts/generate.mjs')]);
      const file = join(root, 'charts/batch-embeddings/values.yaml');
      const generated = readFileSync(file, 'utf8');
      writeFileSync(file, `${generated}# a hand edit\n`);
      expect(() => run(root, [join(root, 'tools/scripts/generate.mjs'), '--check'])).toThrow(/differs: .*charts\/batch-embeddings\/values\.yaml/);
      expect(run(root, [join(root, 'tools/scripts/generate.mjs')])).toMatch(new RegExp(`\\(0 synthesized, ${n} unchanged\\).* files written to charts/ and environments/`));
      expect(readFileSync(file, 'utf8')).toBe(generated);
      expect(run(root, [join(root, 'tools/scripts/generate.mjs')])).toMatch(/files already current in/);
    },
    SLOW,
  );

  test(
    'through Nx: a second run-many -t synth overlays with no change is served from the Nx cache',
    () => {
      nx(root, 'run-many', '-t', 'synth', 'overlays', '--output-style=static');
      const second = nx(root, 'run-many', '-t', 'synth', 'overlays', '--output-style=static');
      const total = /Cache:\s+(\d+)\/(\d+) hit/.exec(second) ?? /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(second);
      expect(total).not.toBeNull();
      expect(total![1]).toBe(total![2]);
      expect(run(root, [join(root, 'tools/scripts/generate.mjs'), '--check'])).toMatch(/^generate --check: .* current/m);
    },
    SLOW,
  );

  test(
    'nx affected -t synth after touching one workload synthesizes exactly that one',
    () => {
      const chart = join(root, 'packages/workloads/llm-inference/src/chart.ts');
      appendFileSync(chart, '\n// touched by the affected test\n');
      const out = nx(root, 'affected', '-t', 'synth', '--files=packages/workloads/llm-inference/src/chart.ts', '--output-style=static');
      // Nx lists the projects it runs a target for: exactly the touched workload.
      const listed = out.split(/Running target synth for projects?/)[1]?.split('\n\n')[1] ?? '';
      const projects = [...listed.matchAll(/^- (\S+)$/gm)].map((m) => m[1]);
      expect(projects).toEqual(['llm-inference']);
      expect(out).toContain('Successfully ran target synth for project llm-inference');
      expect(readFileSync(chart, 'utf8')).toContain('touched by the affected test');
    },
    SLOW,
  );

  test(
    'after a content change, generate bumps the chart version and the overlays pin the new one (no stale cache)',
    () => {
      const chart = join(root, 'packages/workloads/llm-inference/src/chart.ts');
      const text = readFileSync(chart, 'utf8');
      expect(text).toContain("'Number of inference server pods.'");
      writeFileSync(chart, text.replace("'Number of inference server pods.'", "'Number of inference server pods (edited).'"));
      const before = /^version: (\S+)$/m.exec(readFileSync(join(root, 'charts/llm-inference/Chart.yaml'), 'utf8'))![1];
      run(root, [join(root, 'tools/scripts/generate.mjs')]);
      const after = /^version: (\S+)$/m.exec(readFileSync(join(root, 'charts/llm-inference/Chart.yaml'), 'utf8'))![1];
      expect(after).not.toBe(before);
      expect(readFileSync(join(root, 'environments/base/apps/llm-inference/repository.yaml'), 'utf8')).toContain(`tag: ${after}`);
      expect(run(root, [join(root, 'tools/scripts/generate.mjs'), '--check'])).toMatch(/^generate --check: .* current/m);
      // The Nx targets agree with generate on the edited workload (no stale overlays from the Nx cache).
      writeFileSync(chart, text.replace("'Number of inference server pods.'", "'Number of inference server pods (edited twice).'"));
      nx(root, 'run-many', '-t', 'synth', 'overlays', '--output-style=static');
      const viaNx = /^version: (\S+)$/m.exec(readFileSync(join(root, 'charts/llm-inference/Chart.yaml'), 'utf8'))![1];
      expect(viaNx).not.toBe(after);
      expect(readFileSync(join(root, 'environments/base/apps/llm-inference/repository.yaml'), 'utf8')).toContain(`tag: ${viaNx}`);
      expect(run(root, [join(root, 'tools/scripts/generate.mjs'), '--check'])).toMatch(/^generate --check: .* current/m);
    },
    SLOW,
  );
});
