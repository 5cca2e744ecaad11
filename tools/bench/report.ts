/**
 * The bench's results (tools/bench/results.json) and what is made of them: the table and the
 * one-line summary `npm run bench` prints, and BENCHMARKS.md (`npm run bench -- --render` makes it
 * again from the results file alone). The targets are issue 20's.
 */
import { fmtMiB, fmtS, median } from './measure';

export interface Results {
  date: string;
  seed: number;
  runs: number;
  elapsedMs?: number;
  machine: { cpus: string; memory: string; kernel: string; versions: { [tool: string]: string } };
  loadBefore: { load1: number; running: number };
  loadAfter?: { load1: number; running: number };
  /** Set by hand (`--under-load`) or when the 1-minute load average was over the cores at the start. */
  sizes: { workloads: number; environments: number; charts: number; releases: number; kinds: number; distinct: number; wallMs: number[]; cpuMs: number[]; peakKiB: number[]; phases: string[]; load: number }[];
  anchor: { workloads: number; environments: number; charts: number; wallMs: number[]; cpuMs: number[]; loopCpuMs: number[] }[];
  edits: { chart: string; wallMs: number; cpuMs: number; peakKiB: number; phases: string; chartFiles: number; environmentFiles: number; environments: number; load: number }[];
  checks: { wallMs: number; cpuMs: number; peakKiB: number; phases: string; load: number }[];
  helmAnchor?: { perChartMs: number; charts: string[]; version: string };
  nxCache?: NxCacheResult;
}

export interface NxCacheResult {
  server: string;
  workloads: number;
  tasks: number;
  coldMs: number;
  firstCloneFromRemote?: number;
  secondCloneMs: number;
  fromRemote: number;
  fromCache: number;
  ran: number;
  notes: string[];
}

type Target = { what: string; measured: string; met: boolean };

const size = (r: Results, n: number, m: number) => r.sizes.find((s) => s.workloads === n && s.environments === m);
const anchorOf = (r: Results, n: number, m: number) => r.anchor.find((s) => s.workloads === n && s.environments === m);

export function targets(r: Results): Target[] {
  const out: Target[] = [];
  for (const s of r.sizes) {
    const a = anchorOf(r, s.workloads, s.environments);
    if (!a) continue;
    const ours = median(s.cpuMs) / s.charts;
    const floor = median(a.cpuMs) / a.charts;
    out.push({ what: `CPU per chart of cold generate ≤ 2× the anchor's (${s.workloads} × ${s.environments})`, measured: `${ours.toFixed(1)} ms vs ${floor.toFixed(1)} ms: ${(ours / floor).toFixed(2)}×`, met: ours <= 2 * floor });
  }
  const small = size(r, 500, 3);
  const large = size(r, 2000, 10);
  if (small) out.push({ what: '500 workloads × 3 environments, cold, ≤ 6 s wall', measured: fmtS(median(small.wallMs)), met: median(small.wallMs) <= 6000 });
  if (large) {
    out.push({ what: '2,000 workloads × 10 environments, cold, ≤ 30 s wall', measured: fmtS(median(large.wallMs)), met: median(large.wallMs) <= 30_000 });
    const peak = Math.max(...large.peakKiB);
    out.push({ what: 'peak RSS at 2,000 × 10 ≤ 2 GiB', measured: fmtMiB(peak), met: peak <= 2 * 1024 * 1024 });
  }
  if (small && large) {
    const ratio = median(large.wallMs) / median(small.wallMs);
    out.push({ what: 't(2000 × 10) / t(500 × 3) ≤ 4.4', measured: ratio.toFixed(2), met: ratio <= 4.4 });
  }
  if (r.edits.length > 0) {
    const e = median(r.edits.map((x) => x.wallMs));
    const last = r.edits[r.edits.length - 1];
    out.push({ what: `one workload edited (${sizeName(r)}) ≤ 1 s, writing only its chart and the overlays referring to it`, measured: `${fmtS(e)}; wrote ${last.chartFiles} chart file(s) + ${last.environmentFiles} file(s) in ${last.environments} environment(s), nothing else (asserted)`, met: e <= 1000 });
  }
  if (r.checks.length > 0) {
    const c = median(r.checks.map((x) => x.wallMs));
    out.push({ what: `generate --check (${sizeName(r)}) ≤ 1.5 s`, measured: fmtS(c), met: c <= 1500 });
  }
  if (r.nxCache) {
    const n = r.nxCache;
    const all = n.fromRemote === n.tasks && n.ran === 0;
    out.push({ what: 'second clone, shared Nx remote cache: every task of `nx run-many -t synth validate` from the cache', measured: `${n.fromRemote}/${n.tasks} from the remote cache, ${fmtS(n.secondCloneMs)} vs ${fmtS(n.coldMs)} cold`, met: all });
  }
  return out;
}

const sizeName = (r: Results) => {
  const s = r.sizes[r.sizes.length - 1];
  return s ? `${s.workloads} × ${s.environments}` : '';
};

export function resultTable(r: Results): string {
  const rows = [
    '| measurement | median wall | median CPU (user+sys) | runs | peak RSS (process tree) | load (1 min) |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of r.sizes) {
    const a = anchorOf(r, s.workloads, s.environments);
    rows.push(`| cold generate, ${s.workloads} workloads × ${s.environments} environments (${s.charts} charts, ${s.releases} releases) | ${fmtS(median(s.wallMs))} | ${fmtS(median(s.cpuMs))} (${(median(s.cpuMs) / s.charts).toFixed(1)} ms/chart) | ${s.wallMs.length} | ${fmtMiB(Math.max(...s.peakKiB))} | ${s.load} |`);
    if (a) rows.push(`| anchor: in-process \`new App()\` + \`synthYaml()\`, the same ${a.charts} charts | ${fmtS(median(a.wallMs))} | ${fmtS(median(a.cpuMs))} (${(median(a.cpuMs) / a.charts).toFixed(1)} ms/chart; loop alone ${(median(a.loopCpuMs) / a.charts).toFixed(1)} ms/chart) | ${a.wallMs.length} | | |`);
  }
  if (r.edits.length > 0) {
    const e = r.edits;
    rows.push(`| one workload edited (${e[0].chart}), ${sizeName(r)}, cache warm | ${fmtS(median(e.map((x) => x.wallMs)))} | ${fmtS(median(e.map((x) => x.cpuMs)))} | ${e.length} | ${fmtMiB(Math.max(...e.map((x) => x.peakKiB)))} | ${e[e.length - 1].load} |`);
  }
  if (r.checks.length > 0) {
    const c = r.checks;
    rows.push(`| generate --check, ${sizeName(r)} | ${fmtS(median(c.map((x) => x.wallMs)))} | ${fmtS(median(c.map((x) => x.cpuMs)))} | ${c.length} | ${fmtMiB(Math.max(...c.map((x) => x.peakKiB)))} | ${c[c.length - 1].load} |`);
  }
  if (r.helmAnchor) rows.push(`| secondary: \`cdk8s synth --format helm\`, one chart per call (${r.helmAnchor.charts.join(', ')}) | ${fmtS(r.helmAnchor.perChartMs)} per chart | | ${r.runs} each | | |`);
  if (r.nxCache) {
    const n = r.nxCache;
    rows.push(`| \`nx run-many -t synth validate\`, first clone, cold (${n.tasks} tasks, ${n.workloads} chart projects) | ${fmtS(n.coldMs)} | | 1 | | |`);
    rows.push(`| the same, second clone, shared remote cache (${n.server}) | ${fmtS(n.secondCloneMs)} | | 1 | | |`);
  }
  const t = targets(r);
  return [
    rows.join('\n'),
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...t.map((x) => `| ${x.what} | ${x.measured} | ${x.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}

export function summaryLine(r: Results): string {
  const t = targets(r);
  const small = size(r, 500, 3);
  const large = size(r, 2000, 10);
  const parts = [
    small ? `500×3 ${fmtS(median(small.wallMs))}` : '',
    large ? `2000×10 ${fmtS(median(large.wallMs))}, peak ${fmtMiB(Math.max(...large.peakKiB))}` : '',
    ...t.filter((x) => x.what.startsWith('CPU per chart')).map((x) => `CPU/chart ${x.measured.split(': ')[1]} the anchor`),
    r.edits.length ? `edit ${fmtS(median(r.edits.map((x) => x.wallMs)))}` : '',
    r.checks.length ? `--check ${fmtS(median(r.checks.map((x) => x.wallMs)))}` : '',
    r.nxCache ? `nx cache ${r.nxCache.fromRemote}/${r.nxCache.tasks} remote hits, ${fmtS(r.nxCache.secondCloneMs)} vs ${fmtS(r.nxCache.coldMs)}` : '',
  ].filter(Boolean);
  return `bench: ${t.filter((x) => x.met).length}/${t.length} targets met (load ${r.loadBefore.load1} on ${r.machine.cpus.split(' ')[0]} cores at the start) — ${parts.join(', ')}`;
}

export function renderBenchmarks(r: Results, notes?: string): string {
  const v = r.machine.versions;
  const quiet = r.loadBefore.load1 < 1.5;
  return `# Benchmarks

Produced by \`npm run bench\` (tools/bench/bench.ts) on ${r.date.slice(0, 16).replace('T', ' ')} UTC from tools/bench/results.json
(\`npm run bench -- --render\` writes this file again from it). Not part of \`npm test\`.${r.elapsedMs ? ` The run took ${(r.elapsedMs / 60000).toFixed(1)} minutes.` : ''}

${quiet ? '' : `> **Taken under load**: the 1-minute load average was ${r.loadBefore.load1} at the start (${r.loadAfter?.load1 ?? '?'} at the end) on ${r.machine.cpus.split(' ')[0]} cores shared with other jobs. Wall times are inflated; CPU times and the ratio to the anchor (measured in the same conditions) less so. Rerun on a quiet machine: \`npm run bench\`.\n`}
## Machine and versions
- ${r.machine.cpus}, ${r.machine.memory} RAM, ${r.machine.kernel}
- ${Object.entries(v).map(([k, x]) => `${k} ${x}`).join(', ')}${r.helmAnchor ? `, cdk8s-cli ${r.helmAnchor.version} (secondary figure)` : ''}

## Results
${resultTable(r)}

generate's phases (its own timing, wall), per run:

${r.sizes.flatMap((s) => s.phases.map((p, i) => `- cold ${s.workloads} × ${s.environments}, run ${i + 1}: ${p}`)).join('\n')}
${r.edits.map((e, i) => `- edit ${i + 1}: ${e.phases}`).join('\n')}
${r.checks.map((c, i) => `- --check ${i + 1}: ${c.phases}`).join('\n')}
${r.nxCache?.notes.length ? `\nNx remote cache: ${r.nxCache.notes.join(' ')}\n` : ''}
${summaryLine(r)}
${notes ? `\n${notes}` : ''}`;
}
