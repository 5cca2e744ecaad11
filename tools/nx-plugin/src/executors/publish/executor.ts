import '../load-typescript';
import { ExecutorContext, TaskGraph } from '@nx/devkit';
import { findWorkloads, PublishError, publishCharts, PublishOutcome, registryLoginFromEnv } from '@strata/cli';
import { batchResults, BatchTaskResult } from '../batch-results';

interface PublishOptions {
  readonly registry?: string;
  readonly plainHttp?: boolean;
}

type TaskResult = { success: boolean; terminalOutput: string };

/** One chart. */
export default async function publish(options: PublishOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const results = await publishProjects(context.root, [context.projectName!], options);
  const r = results.get(context.projectName!)!;
  (r.success ? console.log : console.error)(r.terminalOutput);
  return { success: r.success };
}

/** Every chart of the batch in one process, pushed concurrently; each task's result is yielded (see batchResults). */
export async function* batchPublish(taskGraph: TaskGraph, inputs: Record<string, PublishOptions>, _overrides: unknown, context: ExecutorContext): AsyncGenerator<BatchTaskResult<TaskResult>> {
  const tasks = Object.values(taskGraph.tasks);
  const first = inputs[tasks[0].id] ?? {};
  const results = await publishProjects(context.root, tasks.map((t) => t.target.project), first);
  yield* batchResults(tasks, (t) => results.get(t.target.project)!);
}

async function publishProjects(root: string, projects: string[], options: PublishOptions): Promise<Map<string, TaskResult>> {
  const registry = options.registry ?? process.env.STRATA_REGISTRY;
  const results = new Map<string, TaskResult>();
  let byProject: Map<string, string>;
  try {
    // Projects are named after their folder (package.json nx.name); the package name is accepted too.
    byProject = new Map(findWorkloads(root).flatMap((w) => [[w.name, w.name], [w.packageName, w.name]] as [string, string][]));
  } catch (e) {
    for (const p of projects) results.set(p, { success: false, terminalOutput: `publish: ${(e as Error).message}` });
    return results;
  }
  if (!registry) {
    for (const p of projects) results.set(p, { success: false, terminalOutput: `publish: no registry: pass --registry=oci://… or set STRATA_REGISTRY` });
    return results;
  }
  let outcomes: PublishOutcome[];
  try {
    await registryLoginFromEnv(registry, !!options.plainHttp);
    outcomes = await publishCharts({ root, registry, plainHttp: options.plainHttp, charts: projects.map((p) => byProject.get(p) ?? p), log: (l) => console.log(l) });
  } catch (e) {
    if (!(e instanceof PublishError)) {
      for (const p of projects) results.set(p, { success: false, terminalOutput: `publish: ${(e as Error).message}` });
      return results;
    }
    outcomes = e.outcomes;
  }
  for (const p of projects) {
    const o = outcomes.find((x) => x.chart === byProject.get(p));
    if (!o) results.set(p, { success: false, terminalOutput: `publish: no outcome for ${p}` });
    else if (o.status === 'failed') results.set(p, { success: false, terminalOutput: `publish ${o.chart} ${o.version}: ${o.error}` });
    else results.set(p, { success: true, terminalOutput: `publish ${o.chart} ${o.version}: ${o.status} ${o.digest}` });
  }
  return results;
}
