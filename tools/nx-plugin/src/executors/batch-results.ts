import { Task } from '@nx/devkit';

/** One task's result as a batch executor hands it to Nx. */
export interface BatchTaskResult<R> {
  readonly task: string;
  readonly result: R;
}

/**
 * The results of a batch, one task at a time, for a batch executor to `yield*`.
 *
 * Why not return them as one record: Nx prints a batch task's `terminalOutput` only when the
 * result is streamed (its batch worker sends each value of an async iterator as a CompleteTask
 * message, and only that message leads to `printTaskTerminalOutput`); a record returned whole is
 * kept in the cache but, outside CI log grouping, never printed: the terminal showed "Failed
 * tasks" and no reason. nrwl/nx@23.2.1: packages/nx/src/tasks-runner/batch/run-batch.ts
 * (`isAsyncIterator(results)`), packages/nx/src/tasks-runner/task-orchestrator.ts (`runBatch`:
 * `batchProcess.onTaskResults` → `printTaskTerminalOutput`).
 */
export function* batchResults<R>(tasks: readonly Task[], resultOf: (task: Task) => R): Generator<BatchTaskResult<R>> {
  for (const task of tasks) yield { task: task.id, result: resultOf(task) };
}
