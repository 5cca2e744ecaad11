/**
 * Phase profile of publish (issue 8: N changed charts to a local registry in ≤ 5 s; no longer a
 * target of `npm run bench`, issue 20), on a synthetic workspace whose charts are generated:
 *
 *   node -r @swc-node/register tools/bench/bench.ts --workspace-only --sizes 100x3   (prints <dir>)
 *   STRATA_ROOT=<dir> node -r @swc-node/register tools/cli/bin/generate.ts
 *   node -r @swc-node/register tools/bench/publish-profile.ts <dir> [--count 100] [--runs 3] [--concurrency 8]
 *        [--ballast MB] [--publish-module path/to/publish.ts]
 *
 * Each run publishes the first N workload charts into a fresh repository path of one local
 * registry (Debian's docker-registry on 127.0.0.1), so every chart is new, as in the bench.
 * Prints per run and as the median of the runs: helm package, the HEAD checks, the pushes (wall
 * and the per-push distribution), record writing, the total (phases overlap: pushes start as
 * archives are written), and CPU time: this node process, its helm processes (with the helper
 * that starts them), the registry, and the rest of the machine (other jobs distort wall times;
 * on 2 cores publish is CPU-bound, so node + helm + registry CPU / cores is its floor).
 * Not part of `npm test`.
 */
import type { PathLike, PathOrFileDescriptor } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
// The module object itself (not an import's copy), so that the record writes below can be timed.
const fs = require('node:fs') as typeof import('node:fs');
const { startRegistry } = require('@strata/toolchain') as typeof import('@strata/toolchain');
const { findWorkloads, PUBLISHED_FILE } = require('@strata/cli') as typeof import('@strata/cli');
const { Helm } = require('@strata/helm') as typeof import('@strata/helm');
/* eslint-enable @typescript-eslint/no-require-imports */

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const root = argv[0];
if (!root || root.startsWith('--')) {
  console.error('usage: publish-profile.ts <workspace dir> [--count 100] [--runs 3] [--concurrency 8] [--ballast MB] [--publish-module path]');
  process.exit(2);
}
const COUNT = Number(opt('count', '100'));
const RUNS = Number(opt('runs', '3'));
const CONCURRENCY = Number(opt('concurrency', '8'));
// The bench publishes from a process that has linted and validated hundreds of charts before; a
// process's size is what each fork (every helm process it starts) costs it: --ballast MB holds
// that much touched memory while publishing.
const BALLAST_MB = Number(opt('ballast', '0'));
// For before/after comparisons: publishCharts from another module (e.g. an older publish.ts).
const { publishCharts } = require(opt('publish-module', '@strata/cli')) as typeof import('@strata/cli');

const CORES = cpus().length;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f = (ms: number) => `${ms.toFixed(0).padStart(5)} ms`;

/** Busy CPU of the whole machine so far, in ms (all but idle and iowait, from /proc/stat). */
function machineBusyMs(): number {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) * 10;
}

/** CPU of this process's reaped children (helm), in ms, from /proc/self/stat (cutime + cstime, clock ticks of 10 ms). */
function childCpuMs(): number {
  return procCpuMs('self');
}

/** User + system CPU of a process, in ms, from /proc/<pid>/stat. */
function procCpuMs(pid: number | 'self', children = pid === 'self'): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return children ? (Number(fields[13]) + Number(fields[14])) * 10 : (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits (≤ 2 s) until this process has no child but `keep`: a helper that started helm processes is counted in childCpuMs once it is reaped. */
async function childrenReaped(keep: number): Promise<void> {
  const children = () =>
    fs.readdirSync('/proc/self/task').flatMap((t) => fs.readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)).filter((p) => p !== keep);
  for (const end = now() + 2000; children().length > 0 && now() < end; ) await new Promise((r) => setTimeout(r, 10));
}

interface Span {
  start: number;
  end: number;
}
interface Trace {
  pkg: Span[];
  heads: Span[];
  pushes: Span[];
  otherHelm: { what: string; span: Span }[];
  records: Span[];
}
let trace: Trace = { pkg: [], heads: [], pushes: [], otherHelm: [], records: [] };

async function timed<T>(into: Span[], fn: () => Promise<T>): Promise<T> {
  const span = { start: now(), end: 0 };
  try {
    return await fn();
  } finally {
    span.end = now();
    into.push(span);
  }
}

/** The pinned helm, with each call timed. */
class TimedHelm extends Helm {
  public override package(charts: readonly string[], destination: string, options?: Parameters<InstanceType<typeof Helm>['package']>[2]) {
    return timed(trace.pkg, () => super.package(charts, destination, options));
  }
  public override push(archive: string, ociUrl: string, options?: { plainHttp?: boolean; timeoutMs?: number }) {
    return timed(trace.pushes, () => super.push(archive, ociUrl, options));
  }
  public override run(args: readonly string[], options?: Parameters<InstanceType<typeof Helm>['run']>[1]) {
    const spans: Span[] = [];
    const p = timed(spans, () => super.run(args, options));
    if (args[0] !== 'package') void p.finally(() => trace.otherHelm.push({ what: args.slice(0, 2).join(' '), span: spans[0] })).catch(() => undefined);
    return p;
  }
}

// The HEAD checks go through the global fetch.
const realFetch = globalThis.fetch;
globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
  init?.method === 'HEAD' ? timed(trace.heads, () => realFetch(input, init)) : realFetch(input, init)) as typeof fetch;

// Record writing: the write + rename of environments/published.json.
const published = join(root, PUBLISHED_FILE);
const realWrite = fs.writeFileSync;
const realRename = fs.renameSync;
let recordStart = 0;
(fs as { writeFileSync: typeof fs.writeFileSync }).writeFileSync = ((file: PathOrFileDescriptor, ...rest: unknown[]) => {
  if (typeof file === 'string' && file.startsWith(`${published}.tmp`)) recordStart = now();
  return (realWrite as (...a: unknown[]) => void)(file, ...rest);
}) as typeof fs.writeFileSync;
(fs as { renameSync: typeof fs.renameSync }).renameSync = ((from: PathLike, to: PathLike) => {
  realRename(from, to);
  if (to === published && recordStart) {
    trace.records.push({ start: recordStart, end: now() });
    recordStart = 0;
  }
}) as typeof fs.renameSync;

const wall = (spans: Span[]) => (spans.length ? Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start)) : 0);
const durs = (spans: Span[]) => spans.map((s) => s.end - s.start);

async function main(): Promise<void> {
  const names = findWorkloads(root)
    .filter((w) => w.source.startsWith('packages/workloads/'))
    .slice(0, COUNT)
    .map((w) => w.name);
  if (names.length < COUNT) throw new Error(`${root} has ${names.length} workload charts, fewer than --count ${COUNT}`);
  const helm = new TimedHelm();
  const ballast = Array.from({ length: BALLAST_MB }, () => Buffer.alloc(1 << 20, 1));
  console.log(`publish-profile: ${names.length} charts, ${RUNS} run(s), concurrency ${CONCURRENCY}, ${await helm.version()}, ${CORES} cores, load ${loadavg()[0].toFixed(2)}, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (ballast ${ballast.length} MiB)`);
  const registry = await startRegistry();
  const rows: Record<string, number>[] = [];
  try {
    for (let r = 1; r <= RUNS; r++) {
      trace = { pkg: [], heads: [], pushes: [], otherHelm: [], records: [] };
      fs.rmSync(published, { force: true });
      const cpu0 = process.cpuUsage();
      const child0 = childCpuMs();
      const reg0 = procCpuMs(registry.pid);
      const busy0 = machineBusyMs();
      const s = now();
      const outcomes = await publishCharts({ root, registry: `oci://${registry.host}/profile${r}-${Date.now()}`, charts: names, plainHttp: true, concurrency: CONCURRENCY, helm });
      const total = now() - s;
      const busy = machineBusyMs() - busy0;
      await childrenReaped(registry.pid);
      const cpu = process.cpuUsage(cpu0);
      const pushed = outcomes.filter((o) => o.status === 'pushed').length;
      const pushD = durs(trace.pushes);
      const headD = durs(trace.heads);
      const row = {
        total,
        package: wall(trace.pkg),
        heads: wall(trace.heads),
        pushes: wall(trace.pushes),
        record: wall(trace.records),
        pushP50: median(pushD),
        pushP90: pct(pushD, 90),
        pushMax: Math.max(...pushD),
        headP50: median(headD),
        nodeCpu: (cpu.user + cpu.system) / 1000,
        helmCpu: childCpuMs() - child0,
        registryCpu: procCpuMs(registry.pid) - reg0,
        otherCpu: 0,
      };
      // What the machine did besides this publish (other people's jobs distort wall times).
      row.otherCpu = Math.max(0, busy - row.nodeCpu - row.helmCpu - row.registryCpu);
      rows.push(row);
      const others = trace.otherHelm.reduce<Record<string, number>>((a, o) => ({ ...a, [o.what]: (a[o.what] ?? 0) + 1 }), {});
      console.log(
        `run ${r}: total ${f(total)} (${pushed}/${names.length} pushed)\n` +
          `  helm package      ${f(row.package)}  (${trace.pkg.length} call(s))\n` +
          `  HEAD checks       ${f(row.heads)}  wall, ${trace.heads.length} requests, each p50 ${row.headP50.toFixed(1)} ms max ${Math.max(0, ...headD).toFixed(1)} ms\n` +
          `  pushes            ${f(row.pushes)}  wall from ${f(trace.pushes.length ? Math.min(...trace.pushes.map((p) => p.start)) - s : 0)}, ${trace.pushes.length} helm push, each min ${Math.min(...pushD).toFixed(0)} p50 ${row.pushP50.toFixed(0)} p90 ${row.pushP90.toFixed(0)} max ${row.pushMax.toFixed(0)} ms; sum ${pushD.reduce((a, b) => a + b, 0).toFixed(0)} ms\n` +
          `  record writing    ${row.record.toFixed(2)} ms (${trace.records.length} write(s) of ${PUBLISHED_FILE})\n` +
          `  other helm calls  ${Object.entries(others).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}\n` +
          `  CPU: node ${f(row.nodeCpu)}, helm processes ${f(row.helmCpu)}, registry ${f(row.registryCpu)}, rest of the machine ${f(row.otherCpu)} (wall × ${CORES} cores = ${f(total * CORES)})`,
      );
    }
  } finally {
    await registry.stop();
    fs.rmSync(published, { force: true });
  }
  const m = (k: string) => median(rows.map((r) => r[k]));
  console.log(
    `median of ${RUNS}: total ${f(m('total'))} — package ${f(m('package'))}, HEAD ${f(m('heads'))}, pushes ${f(m('pushes'))} (each p50 ${m('pushP50').toFixed(0)} p90 ${m('pushP90').toFixed(0)} ms), record ${m("record").toFixed(2)} ms; CPU node ${f(m('nodeCpu'))}, helm ${f(m('helmCpu'))}, registry ${f(m('registryCpu'))}, rest of the machine ${f(m('otherCpu'))}` +
      ` — target ≤ 5000 ms: ${m('total') <= 5000 ? 'met' : 'NOT met'}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
