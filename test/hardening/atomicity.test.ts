/**
 * Issue 9, item 3: atomicity under kill -9. In a temporary copy of the workspace, a change that
 * alters the output (a workload chart's description and an environment value) is generated with
 * the in-process generate (`node -r @swc-node/register tools/cli/bin/generate.ts`), SIGKILLed at
 * a seeded random moment; then the recovery every strata command runs first (recoverTree on
 * charts/ and environments/) and a check: each tree is exactly the old or exactly the new output.
 * Half the trials pick a moment anywhere in the run, half a moment inside the write window (after
 * the staged tree appears), where a kill can fall between the renames.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTree, recoverTrees, writeTreeAtomically } from '@strata/helm';
import { copyWorkspace, ENV as COPY_ENV } from '../support/workspace';

const TRIALS = 20;
const SEED = 20261124;

/** A small seeded PRNG (uniform in [0, 1)). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function startGenerate(root: string): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', 'tools/cli/bin/generate.ts'], { cwd: root, env: { ...COPY_ENV, STRATA_ROOT: root }, stdio: 'ignore' });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('generate under kill -9', () => {
  let root: string;
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(`${TRIALS} trials: after recovery, charts/ and environments/ are each exactly the old or the new output`, async () => {
    root = copyWorkspace('strata-kill-');
    const charts = join(root, 'charts');
    const envs = join(root, 'environments');
    // The change: a chart's description (charts/ changes, and so the chart version the overlays pin) and an environment value.
    const chartSrc = join(root, 'packages/workloads/llm-inference/src/chart.ts');
    writeFileSync(chartSrc, readFileSync(chartSrc, 'utf8').replace("description: 'LLM inference on GPUs:", "description: 'LLM inference on GPUs (hardened):"));
    const envSrc = join(root, 'environments/dev/environment.ts');
    writeFileSync(envSrc, readFileSync(envSrc, 'utf8').replace('server: { replicas: 1, gpus: 1 }', 'server: { replicas: 2, gpus: 1 }'));
    // The old output: as committed (environment.ts, an input kept in environments/, already changed).
    const old = { charts: readTree(charts), envs: readTree(envs) };

    // The new output, and how long a run takes and when its writes start.
    const started = Date.now();
    const calibration = startGenerate(root);
    let writeStart = -1;
    while (calibration.exitCode === null && calibration.signalCode === null) {
      if (writeStart < 0 && (existsSync(`${charts}.strata-new`) || existsSync(`${charts}.strata-old`))) writeStart = Date.now() - started;
      await sleep(writeStart < 0 ? 2 : 20);
    }
    expect(await exited(calibration)).toBe(0);
    const duration = Date.now() - started;
    const fresh = { charts: readTree(charts), envs: readTree(envs) };
    expect(sameTree(fresh.charts, old.charts)).toBe(false);
    expect(sameTree(fresh.envs, old.envs)).toBe(false);

    const restoreOld = () => {
      recoverTrees(root, [charts, envs]);
      writeTreeAtomically(charts, old.charts);
      writeTreeAtomically(envs, old.envs);
    };

    // Seeded kill moments: [inWriteWindow, fraction of the write window or of the run] (alternating; uniform fractions).
    const random = mulberry32(SEED);
    const moments = Array.from({ length: TRIALS }, (_, i): [boolean, number] => [i % 2 === 0, random()]);
    const window = Math.max(20, duration - writeStart);
    const outcomes: string[] = [];
    const results = { old: 0, new: 0, finished: 0 };
    for (const [i, [inWindow, fraction]] of moments.entries()) {
      restoreOld();
      const child = startGenerate(root);
      const t0 = Date.now();
      if (inWindow) {
        // Wait for the staging tree, then kill within the next few milliseconds.
        while (child.exitCode === null && !existsSync(`${charts}.strata-new`) && !existsSync(`${envs}.strata-new`) && Date.now() - t0 < duration * 3) {
          if (Date.now() - t0 < writeStart - 300) await sleep(5);
        }
        const spin = Date.now() + Math.floor(fraction * window);
        while (Date.now() < spin) {
          /* busy wait: setTimeout is too coarse for the rename window */
        }
      } else {
        await sleep(Math.floor(fraction * duration * 1.1));
      }
      const killed = child.kill('SIGKILL');
      await exited(child);
      if (child.exitCode === 0) results.finished++;

      // What every strata command does first: finish a committed write, or drop an uncommitted one.
      recoverTrees(root, [charts, envs]);
      const now = { charts: readTree(charts), envs: readTree(envs) };
      const chartsState = sameTree(now.charts, old.charts) ? 'old' : sameTree(now.charts, fresh.charts) ? 'new' : 'CORRUPT';
      const envsState = sameTree(now.envs, old.envs) ? 'old' : sameTree(now.envs, fresh.envs) ? 'new' : 'CORRUPT';
      outcomes.push(`trial ${i + 1} (${inWindow ? `${Math.round(fraction * window)} ms into the write window` : `${Math.round(fraction * 110)}% of the run`}, killed=${killed}): charts ${chartsState}, environments ${envsState}`);
      expect([chartsState, envsState]).not.toContain('CORRUPT');
      expect(existsSync(`${charts}.strata-new`) || existsSync(`${charts}.strata-old`) || existsSync(`${envs}.strata-new`) || existsSync(`${envs}.strata-old`)).toBe(false);
      // The pair is one commit: both old or both new, never one of each.
      expect(chartsState).toBe(envsState);
      results[chartsState as 'old' | 'new']++;
    }
    // Whatever a kill left, the next complete run brings both trees to the new output.
    const repair = startGenerate(root);
    expect(await exited(repair)).toBe(0);
    expect(sameTree(readTree(charts), fresh.charts) && sameTree(readTree(envs), fresh.envs)).toBe(true);
    console.log(
      `kill -9 atomicity: ${TRIALS} kill trials (seed ${SEED}; run ${duration} ms, writes from ${writeStart} ms): ${results.old} old, ${results.new} new (charts/ and environments/ always together), 0 mixed, 0 corrupt\n  ${outcomes.join('\n  ')}`,
    );
  }, 400_000); // 20 generate runs of the whole workspace (15 charts, 3 environments): allow for a loaded CI machine
});
