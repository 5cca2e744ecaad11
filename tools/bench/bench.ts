/**
 * `npm run bench` (issue 20): cold generate at 500 × 3 and 2,000 × 10 on structurally distinct,
 * seeded workloads (shapes.ts), against the anchor — plain in-process cdk8s synthesis of the same
 * charts (anchor.ts) — measured in the same run; a one-workload edit and `generate --check` at the
 * large size; `cdk8s synth --format helm` as a secondary figure; the Nx remote cache (nx-cache.ts).
 *
 *   npm run bench [-- --sizes 500x3,2000x10] [--runs 3] [--edit-runs 3] [--seed 1] [--no-nx-cache]
 *                 [--no-helm-anchor] [--no-write] [--keep] [--dir <workspaces folder>] [--profile]
 *   npm run bench -- --render          (BENCHMARKS.md again from tools/bench/results.json, measuring nothing)
 *   npm run bench -- --workspace-only --sizes 40x3   (builds one workspace and prints its folder, for profiling)
 *
 * Writes tools/bench/results.json (every figure, the machine, its load), then BENCHMARKS.md from
 * it (report.ts), prints the table and a one-line summary. Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { fmtMiB, fmtS, load, measure, Measured, median, settleDisk, Trash } from './measure';
import { renderBenchmarks, Results, summaryLine, resultTable } from './report';
import { nxRemoteCache } from './nx-cache';
import { buildWorkspace, Workspace } from './workspace';

const REPO = resolve(__dirname, '..', '..');
const RESULTS = join(__dirname, 'results.json');
const CDK8S_CLI_VERSION = '2.207.60';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const flag = (name: string) => argv.includes(`--${name}`);
const SIZES = opt('sizes', '500x3,2000x10').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const RUNS = Number(opt('runs', '3'));
const EDIT_RUNS = Number(opt('edit-runs', '3'));
const SEED = Number(opt('seed', '1'));
const KEEP = flag('keep');
const CACHE_HOME = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'strata-bench');
/** Where workspaces go: where a repository would live, not /tmp (its directory is degraded on these machines; see BENCHMARKS.md). */
const WORKSPACES = resolve(opt('dir', join(CACHE_HOME, 'workspaces')));
const SCRATCH = join(WORKSPACES, '..', 'tmp');
mkdirSync(SCRATCH, { recursive: true });
process.env.TMPDIR = SCRATCH;
const trash = new Trash(join(WORKSPACES, '.trash'));

const t0 = Date.now();
const progress = (line: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const nxEnv = () => ({ ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' });
const cacheOf = (ws: Workspace) => join(ws.dir, '.strata-cache');

/** Sets aside every generated output, generate's cache and the Nx cache: the next generate is cold. */
function makeCold(ws: Workspace): void {
  for (const d of ['.nx', 'dist', '.strata-cache', 'charts', '.anchor-cache']) trash.discard(join(ws.dir, d));
  mkdirSync(join(ws.dir, 'charts'));
  for (const e of ws.environments) {
    const p = join(ws.dir, 'environments', e);
    for (const f of readdirSync(p)) if (f !== 'environment.ts') trash.discard(join(p, f));
  }
}

interface Run extends Measured {
  phases: string;
  summary: string;
}

async function generate(ws: Workspace, what: string, args: string[] = [], okStatus = [0]): Promise<Run> {
  const cpuProf = flag('profile') ? ['--cpu-prof', '--cpu-prof-dir', join(CACHE_HOME, 'profiles')] : [];
  const r = await measure(process.execPath, [...cpuProf, join(ws.dir, 'tools/scripts/generate.mjs'), ...args], ws.dir, { ...nxEnv(), STRATA_CACHE_DIR: cacheOf(ws) });
  if (!okStatus.includes(r.status ?? -1)) {
    console.error(r.stdout.split('\n').slice(-40).join('\n'));
    console.error(r.stderr.split('\n').slice(-60).join('\n'));
    throw new Error(`bench: generate failed (${what})`);
  }
  const summary = r.stdout.trim().split('\n').pop() ?? '';
  const phases = /^phases: (.*)$/m.exec(r.stderr)?.[1] ?? '';
  const l = load();
  progress(`${what}: ${fmtS(r.ms)} (CPU ${fmtS(r.cpuMs)}), peak RSS ${fmtMiB(r.peakKiB)}, load ${l.load1} — ${summary} — ${phases}`);
  return { ...r, phases, summary };
}

/** The anchor (anchor.ts) on a workspace, its TypeScript cache as cold as generate's. */
async function anchor(ws: Workspace, what: string): Promise<Measured & { loopCpuMs: number; charts: number }> {
  trash.discard(join(ws.dir, '.anchor-cache'));
  const env = { ...process.env, STRATA_ROOT: ws.dir, STRATA_CACHE_DIR: join(ws.dir, '.anchor-cache') };
  const r = await measure(process.execPath, ['-r', join(ws.dir, 'tools/scripts/register-ts.cjs'), join(ws.dir, 'tools/bench/anchor.ts')], ws.dir, env);
  if (r.status !== 0) {
    console.error(r.stderr.split('\n').slice(-40).join('\n'));
    throw new Error(`bench: the anchor failed (${what})`);
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { charts: number; loopCpuMs: number };
  progress(`${what}: ${fmtS(r.ms)} (CPU ${fmtS(r.cpuMs)}; synthesis loop ${fmtS(out.loopCpuMs)}) for ${out.charts} charts, load ${load().load1}`);
  return { ...r, ...out };
}

/**
 * A chart's structure, name left out: its templates, values.yaml and values.schema.json with the
 * chart's name replaced. Two workloads with the same hash would be one shape under two names.
 */
function structureHash(ws: Workspace, chart: string): string {
  const dir = join(ws.dir, 'charts', chart);
  const h = createHash('sha256');
  const walk = (rel: string) => {
    for (const f of readdirSync(join(dir, rel)).sort()) {
      const p = join(rel, f);
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else if (f !== 'Chart.yaml' && f !== 'README.md') h.update(p).update('\0').update(readFileSync(join(dir, p), 'utf8').split(chart).join('<chart>')).update('\0');
    }
  };
  walk('');
  return h.digest('hex');
}

function assertDistinct(ws: Workspace): { charts: number; distinct: number } {
  const hashes = new Map<string, string>();
  for (const s of ws.shapes) {
    const h = structureHash(ws, s.name);
    const twin = hashes.get(h);
    if (twin) throw new Error(`bench: charts ${twin} and ${s.name} are alike (same templates, values and schema but for their names)`);
    hashes.set(h, s.name);
  }
  return { charts: ws.shapes.length, distinct: hashes.size };
}

/** path → inode, size and mtime of every file under charts/ and environments/: what a run wrote. */
function snapshot(ws: Workspace): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = join(ws.dir, rel);
    for (const f of readdirSync(abs)) {
      const p = `${rel}/${f}`;
      const st = lstatSync(join(ws.dir, p));
      if (st.isDirectory()) walk(p);
      else out.set(p, `${st.ino}:${st.size}:${st.mtimeMs}`);
    }
  };
  walk('charts');
  walk('environments');
  return out;
}

/**
 * What an edit of `chart` wrote: every file added, removed or rewritten. Each must be the chart's
 * own (charts/<chart>/…) or a file of an environment that names the chart (its overlays and report).
 */
function assertOnlyReferencing(ws: Workspace, chart: string, before: Map<string, string>, after: Map<string, string>): { chartFiles: number; environmentFiles: number; environments: number } {
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p));
  let chartFiles = 0;
  let environmentFiles = 0;
  const envs = new Set<string>();
  const bad: string[] = [];
  const quoted = new RegExp(`(^|[^a-z0-9-])${chart}([^a-z0-9-]|$)`);
  for (const p of changed) {
    if (p.startsWith(`charts/${chart}/`)) chartFiles++;
    else if (p.startsWith('environments/') && existsSync(join(ws.dir, p)) && quoted.test(readFileSync(join(ws.dir, p), 'utf8'))) {
      environmentFiles++;
      if (p.split('/').length > 2 && p.split('/')[1] !== 'base') envs.add(p.split('/')[1]);
    } else bad.push(p);
  }
  if (bad.length > 0) throw new Error(`bench: editing ${chart} wrote files that neither are its chart's nor refer to it: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ` (${bad.length} in all)` : ''}`);
  if (chartFiles === 0) throw new Error(`bench: editing ${chart} wrote none of its chart's files`);
  return { chartFiles, environmentFiles, environments: envs.size };
}

function cdk8sCli(): string {
  const base = join(CACHE_HOME, `cdk8s-cli-${CDK8S_CLI_VERSION}`);
  const bin = join(base, 'node_modules/.bin/cdk8s');
  if (!existsSync(bin)) {
    progress(`installing cdk8s-cli@${CDK8S_CLI_VERSION} into ${base} (outside the repository; once)`);
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'package.json'), '{ "name": "strata-bench-anchor", "private": true }\n');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `cdk8s-cli@${CDK8S_CLI_VERSION}`], { cwd: base, stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(bin)) throw new Error('bench: could not install cdk8s-cli (use --no-helm-anchor)');
  }
  return bin;
}

/** Secondary figure: `cdk8s synth --format helm` of a one-chart app, for three workloads of different kinds. */
async function helmAnchor(ws: Workspace, runs: number): Promise<{ perChartMs: number; charts: string[]; version: string }> {
  const bin = cdk8sCli();
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const picks = [...new Map(ws.shapes.map((s) => [s.base, s])).values()].slice(0, 3);
  const all: number[] = [];
  for (const s of picks) {
    const app = join(ws.dir, 'bench-helm-anchor', s.name);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'cdk8s.yaml'), `language: typescript\napp: node -r @swc-node/register main.ts\n`);
    writeFileSync(join(app, 'main.ts'), `import { App } from 'cdk8s';\nimport Chart from '../../packages/workloads/${s.name}/src/chart';\nconst app = new App();\nnew Chart(app, '${s.name}');\napp.synth();\n`);
    for (let r = 0; r < runs; r++) {
      const m = await measure(bin, ['synth', '--format', 'helm', '--chart-version', '0.1.0'], app);
      if (m.status !== 0) throw new Error(`bench: cdk8s synth --format helm failed for ${s.name}: ${m.stderr.slice(-2000)}`);
      all.push(m.ms);
    }
    progress(`cdk8s synth --format helm, ${s.name}: ${fmtS(median(all.slice(-runs)))}`);
  }
  return { perChartMs: median(all), charts: picks.map((s) => `${s.name} (${s.base})`), version };
}

function machine(): Results['machine'] {
  const cpu = cpus();
  const pkgVersion = (p: string) => JSON.parse(readFileSync(join(REPO, 'node_modules', p, 'package.json'), 'utf8')).version as string;
  const helm = spawnSync(join(REPO, '.toolchain/bin/helm'), ['version', '--short'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  return {
    cpus: `${cpu.length} × ${cpu[0]?.model ?? '?'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `Linux ${release()}`,
    versions: { node: process.version, nx: pkgVersion('nx'), cdk8s: pkgVersion('cdk8s'), 'cdk8s-plus-28': pkgVersion('cdk8s-plus-28'), '@swc/core': pkgVersion('@swc/core'), helm },
  };
}

async function main(): Promise<void> {
  if (flag('render')) {
    const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
    writeFileSync(join(REPO, 'BENCHMARKS.md'), renderBenchmarks(results, existingNotes()));
    console.log(resultTable(results) + '\n\n' + summaryLine(results));
    return;
  }
  if (flag('workspace-only')) {
    const [n, m] = SIZES[0];
    console.log(buildWorkspace(REPO, WORKSPACES, n, m, SEED).dir);
    return;
  }
  const save = () => {
    if (flag('no-write')) return;
    writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(REPO, 'BENCHMARKS.md'), renderBenchmarks(results, existingNotes()));
  };
  const results: Results = { date: new Date().toISOString(), seed: SEED, runs: RUNS, machine: machine(), loadBefore: load(), sizes: [], anchor: [], edits: [], checks: [] };
  progress(`machine: ${results.machine.cpus}, ${results.machine.memory}; load ${results.loadBefore.load1} with ${results.loadBefore.running} running processes`);
  let big: Workspace | undefined;
  for (const [n, m] of SIZES) {
    progress(`${n} × ${m}: building the workspace (seed ${SEED})…`);
    const ws = buildWorkspace(REPO, WORKSPACES, n, m, SEED);
    progress(`${n} × ${m}: ${ws.dir}`);
    const runs: Run[] = [];
    const anchors: Awaited<ReturnType<typeof anchor>>[] = [];
    let distinct = { charts: 0, distinct: 0 };
    for (let r = 1; r <= RUNS; r++) {
      makeCold(ws);
      await settleDisk(WORKSPACES, trash, progress);
      runs.push(await generate(ws, `${n} × ${m} cold generate ${r}/${RUNS}`));
      if (r === 1) {
        distinct = assertDistinct(ws);
        progress(`${n} × ${m}: ${distinct.distinct} charts, no two alike (structure hashed, names left out)`);
      }
      // The anchor right after, on the same charts, in the same conditions (its TypeScript cache cold too).
      anchors.push(await anchor(ws, `${n} × ${m} anchor ${r}/${RUNS}`));
    }
    const charts = ws.shapes.length + 3;
    results.sizes.push({
      workloads: n,
      environments: m,
      charts,
      releases: Object.values(ws.deployments).reduce((a, d) => a + d.length, 0),
      kinds: [...new Set(ws.shapes.map((s) => s.base))].length,
      distinct: distinct.distinct,
      wallMs: runs.map((r) => r.ms),
      cpuMs: runs.map((r) => r.cpuMs),
      peakKiB: runs.map((r) => r.peakKiB),
      phases: runs.map((r) => r.phases),
      load: load().load1,
    });
    results.anchor.push({ workloads: n, environments: m, charts, wallMs: anchors.map((a) => a.ms), cpuMs: anchors.map((a) => a.cpuMs), loopCpuMs: anchors.map((a) => a.loopCpuMs) });
    save(); // each stage as it is measured: an interrupted run still leaves its figures
    if (big) trash.discard(big.dir);
    big = ws;
  }
  const ws = big!;
  const [N, M] = SIZES[SIZES.length - 1];

  // One-workload edit with the cache warm: each run changes the description of one of the
  // workload's own values (its schema and values.yaml change, so its version and every overlay
  // deploying it change); upgrade safety compares each of its releases with the one before.
  const deployed = ws.shapes.filter((s) => Object.values(ws.deployments).filter((d) => d.includes(s.name)).length >= 2);
  const target = deployed[Math.floor(deployed.length / 2)];
  const chartFile = join(ws.dir, 'packages/workloads', target.name, 'src/chart.ts');
  const original = readFileSync(chartFile, 'utf8');
  for (let r = 1; r <= EDIT_RUNS; r++) {
    await settleDisk(WORKSPACES, trash, progress);
    const edited = original.replace(/description: "Bench value ([^"]*)\."/, `description: "Bench value $1, edit ${r}."`);
    if (edited === original) throw new Error(`bench: nothing to edit in ${chartFile}`);
    writeFileSync(chartFile, edited);
    const before = snapshot(ws);
    const run = await generate(ws, `${N} × ${M} edit ${target.name} ${r}/${EDIT_RUNS}`);
    if (!/\(1 synthesized, \d+ unchanged\)/.test(run.summary)) throw new Error(`bench: the edit did not synthesize exactly one chart: ${run.summary}`);
    const written = assertOnlyReferencing(ws, target.name, before, snapshot(ws));
    progress(`  wrote ${written.chartFiles} file(s) of charts/${target.name} and ${written.environmentFiles} file(s) in ${written.environments} environment(s) referring to it, nothing else`);
    results.edits.push({ chart: target.name, wallMs: run.ms, cpuMs: run.cpuMs, peakKiB: run.peakKiB, phases: run.phases, ...written, load: load().load1 });
  }
  save();
  for (let r = 1; r <= RUNS; r++) {
    const run = await generate(ws, `${N} × ${M} generate --check ${r}/${RUNS}`, ['--check']);
    results.checks.push({ wallMs: run.ms, cpuMs: run.cpuMs, peakKiB: run.peakKiB, phases: run.phases, load: load().load1 });
  }
  save();
  if (!flag('no-helm-anchor')) {
    const h = await helmAnchor(ws, RUNS);
    results.helmAnchor = h;
  }
  if (!flag('no-nx-cache')) {
    results.nxCache = await nxRemoteCache({ repo: REPO, parent: WORKSPACES, scratch: SCRATCH, log: progress, discard: (p) => trash.discard(p), workloads: Number(opt('nx-workloads', '20')), seed: SEED });
  }
  results.loadAfter = load();
  results.elapsedMs = Date.now() - t0;

  console.log('\n' + resultTable(results) + '\n');
  save();
  if (!flag('no-write')) progress('wrote tools/bench/results.json and BENCHMARKS.md');
  if (KEEP) progress(`kept ${ws.dir}`);
  else trash.discard(ws.dir);
  progress('deleting the workspaces and outputs set aside during the runs…');
  trash.empty();
  console.log(summaryLine(results));
}

/** The hand-written part of BENCHMARKS.md (after `<!-- notes -->`), kept across runs. */
function existingNotes(): string | undefined {
  const file = join(REPO, 'BENCHMARKS.md');
  return existsSync(file) ? /<!-- notes -->[\s\S]*$/.exec(readFileSync(file, 'utf8'))?.[0] : undefined;
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});

