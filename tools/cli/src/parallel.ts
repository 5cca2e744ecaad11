/**
 * Chart synthesis on every core. Charts are independent (one App each), so the charts a run must
 * synthesize are shared out between this thread and worker threads through one atomic counter:
 * each thread takes the next chart until none is left, so a slow chart never holds up a queue.
 * Each worker loads the toolkit once (about half a second), which pays off from a few dozen
 * charts on; below that, or on one core, everything runs in this thread.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ChartCache, ChartOutput } from './chart-cache';
import { errorLines, filesFromCache, synthesizeChartFiles } from './synthesize';
import { WorkloadPackage } from './workspace';

/** Below this many charts to synthesize, worker threads cost more than they save. */
export const PARALLEL_FROM = 48;

type Synthesized = ChartOutput & { cached: boolean };
type Result = { index: number; output?: Synthesized; errors?: string[] };

interface Shard {
  readonly workloads: WorkloadPackage[];
  readonly next: SharedArrayBuffer;
  /** The cache's folder, when results are kept. */
  readonly cache?: string;
  /** Where each chart's files are staged by the thread that made it (charts/; see synthesizeChartFiles), when they are. */
  readonly stage?: string;
}

/** Takes charts off the shared counter until none is left; `done` receives each result. */
function drain(shard: Shard, cache: ChartCache | undefined, done: (r: Result) => void): void {
  const next = new Int32Array(shard.next);
  for (let i = Atomics.add(next, 0, 1); i < shard.workloads.length; i = Atomics.add(next, 0, 1)) {
    const w = shard.workloads[i];
    try {
      done({ index: i, output: synthesizeChartFiles(w, cache, { lookup: false, stage: cache ? shard.stage : undefined }) });
    } catch (e) {
      done({ index: i, errors: errorLines(w, e) });
    }
  }
}

/**
 * Synthesizes `workloads` (with the cache, when given, for lookups and to keep the results),
 * using up to `threads` threads. Results come back in the order of `workloads`.
 */
export async function synthesizeInParallel(
  workloads: readonly WorkloadPackage[],
  options: { cache?: ChartCache; threads?: number; parallelFrom?: number; stage?: string; onResult?: (w: WorkloadPackage, r: Result) => void } = {},
): Promise<Result[]> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), workloads.length >= (options.parallelFrom ?? PARALLEL_FROM) ? Infinity : 1));
  const shard: Shard = { workloads: [...workloads], next: new SharedArrayBuffer(4), cache: options.cache?.folder, stage: options.stage };
  const results: Result[] = new Array(workloads.length);
  const record = (r: Result) => {
    // A staged chart from a worker comes without its files (they stay in the cache until asked for).
    if (r.output?.staged && options.cache && !('files' in r.output)) r = { ...r, output: filesFromCache(r.output, options.cache) };
    results[r.index] = r;
    options.onResult?.(workloads[r.index], r);
  };
  const workers = Array.from({ length: threads - 1 }, () => startWorker(shard, record));
  // This thread takes its share while the workers start.
  drain(shard, options.cache, record);
  await Promise.all(workers);
  return results;
}

function startWorker(shard: Shard, record: (r: Result) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Workers load TypeScript sources as the CLI does (tools/scripts/register-ts.cjs), then this module.
    const hook = join(__dirname, '..', '..', 'scripts', 'register-ts.cjs');
    const worker = new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(__filename)});`, { eval: true, workerData: shard });
    worker.on('message', (r: Result) => record(r));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generate: a synthesis worker exited with code ${code}`))));
  });
}

// In a worker: take charts until none is left, post each result.
if (!isMainThread && workerData && (workerData as Shard).next instanceof SharedArrayBuffer) {
  const shard = workerData as Shard;
  drain(shard, shard.cache && shard.workloads.length > 0 ? new ChartCache(shard.workloads[0].root, shard.cache) : undefined, (r) => parentPort!.postMessage(r));
}
