import '../load-typescript';
import { ExecutorContext, TaskGraph } from '@nx/devkit';
import { ChartCache, errorLines, findWorkloads, synthesizeChartFiles, writeCharts, WorkloadPackage } from '@strata/cli';
import { batchResults, BatchTaskResult } from '../batch-results';

type TaskResult = { success: boolean; terminalOutput: string; startTime?: number; endTime?: number };

/** One chart (when Nx runs the target on its own). */
export default async function synth(_options: Record<string, never>, context: ExecutorContext): Promise<{ success: boolean }> {
  const results = synthProjects(context.root, [context.projectName!]);
  const r = results.get(context.projectName!)!;
  (r.success ? console.log : console.error)(r.terminalOutput);
  return { success: r.success };
}

/**
 * Every chart of the batch in this one process; the written charts are swapped into charts/ together.
 * Each task's result is yielded (see batchResults): that is how its output reaches the terminal.
 */
export async function* batchSynth(taskGraph: TaskGraph, _inputs: Record<string, unknown>, _overrides: unknown, context: ExecutorContext): AsyncGenerator<BatchTaskResult<TaskResult>> {
  const tasks = Object.values(taskGraph.tasks);
  const results = synthProjects(context.root, tasks.map((t) => t.target.project));
  yield* batchResults(tasks, (t) => results.get(t.target.project)!);
}

/** Synthesizes the charts of the named projects (named after their folder, or by package name) and writes those that succeeded. */
export function synthProjects(root: string, projects: readonly string[]): Map<string, TaskResult> {
  const byProject = new Map<string, WorkloadPackage>();
  const results = new Map<string, TaskResult>();
  const written = new Map<string, Map<string, string>>();
  const started = Date.now();
  try {
    // Projects are named after their folder (package.json nx.name); the package name is accepted too.
    for (const w of findWorkloads(root)) for (const key of [w.name, w.packageName]) byProject.set(key, w);
  } catch (e) {
    // A package.json that cannot be read (its "strata" key): the reason, on every task.
    for (const project of projects) results.set(project, { success: false, terminalOutput: `synth: ${(e as Error).message}`, startTime: started, endTime: Date.now() });
    return results;
  }
  // The same cache as `npm run generate`: the overlays target then finds these charts there.
  let cache: ChartCache;
  try {
    cache = new ChartCache(root);
  } catch (e) {
    // An unusable cache folder (STRATA_CACHE_DIR): one clear reason, on every task.
    for (const project of projects) results.set(project, { success: false, terminalOutput: `synth: ${(e as Error).message}`, startTime: started, endTime: Date.now() });
    return results;
  }
  for (const project of projects) {
    const w = byProject.get(project);
    const startTime = Date.now();
    if (!w) {
      results.set(project, { success: false, terminalOutput: `synth: ${project} is not a chart package (no "strata.chart" in its package.json)`, startTime, endTime: Date.now() });
      continue;
    }
    try {
      const { files, warnings, objects } = synthesizeChartFiles(w, cache);
      written.set(w.name, files);
      const lines = [`synth ${w.name}: ${objects} objects, ${files.size} files → charts/${w.name}`, ...warnings.map((m) => `warning: ${m}`)];
      results.set(project, { success: true, terminalOutput: lines.join('\n'), startTime, endTime: Date.now() });
    } catch (e) {
      results.set(project, { success: false, terminalOutput: errorLines(w, e).join('\n'), startTime, endTime: Date.now() });
    }
  }
  // All or nothing: a batch with a failed chart writes no chart (bad input writes nothing).
  const failed = [...results.values()].some((r) => !r.success);
  if (failed) {
    for (const [project, r] of results) {
      if (r.success) results.set(project, { ...r, success: false, terminalOutput: `${r.terminalOutput}\nnot written: another chart of this run failed` });
    }
  } else if (written.size > 0) writeCharts(root, written);
  const ms = Date.now() - started;
  for (const r of results.values()) r.endTime = Math.max(r.endTime ?? 0, started + ms);
  return results;
}
