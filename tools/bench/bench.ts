/**
 * `npm run bench` (issue 8): scale, incremental generate, lint/validation, publish, peak RSS, and
 * the ratio to `cdk8s synth --format helm`, measured on a synthetic workspace in a temp dir.
 *
 *   node -r @swc-node/register tools/bench/bench.ts [--sizes 50,100,200,500] [--runs 3] [--big-runs 3]
 *        [--publish 100] [--concurrency 8] [--edit-runs 3] [--no-anchor] [--no-write] [--keep] [--dir <workspaces folder>]
 *        [--system-tmpdir]   (temporary files in the system's TMPDIR instead of beside the workspaces)
 *   node -r @swc-node/register tools/bench/bench.ts --workspace-only --sizes 500   (prints the workspace dir, for profiling)
 *
 * Not part of `npm test`. Writes BENCHMARKS.md at the repository root (unless --no-write).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, homedir, totalmem, tmpdir, release } from 'node:os';
import { join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const EXAMPLES = ['llm-inference', 'llm-finetune', 'batch-embeddings'] as const;
const ENVS = ['dev', 'staging', 'prod'] as const;
const CDK8S_CLI_VERSION = '2.207.60';

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const flag = (name: string) => argv.includes(`--${name}`);
const SIZES = opt('sizes', '50,100,200,500').split(',').map(Number);
const RUNS = Number(opt('runs', '3'));
const BIG_RUNS = Number(opt('big-runs', '3')); // runs for N >= 500
const PUBLISH_N = Number(opt('publish', '100'));
const CONCURRENCY = Number(opt('concurrency', '8'));
const EDIT_RUNS = Number(opt('edit-runs', '3'));
const ANCHOR = !flag('no-anchor');
const WRITE = !flag('no-write');
const KEEP = flag('keep');

const t0 = Date.now();
const progress = (line: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// ---------------------------------------------------------------- helpers
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtMiB = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** Sum of VmRSS (KiB) of a process and all its descendants, from /proc. */
function treeRssKiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const pid = Number(e);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(pid);
      const status = readFileSync(`/proc/${e}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      rss.set(pid, m ? Number(m[1]) : 0);
    } catch {
      /* process ended */
    }
  }
  let sum = 0;
  const stack = [rootPid];
  while (stack.length) {
    const p = stack.pop()!;
    sum += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return sum;
}

interface Measured {
  ms: number;
  /** Peak of the summed RSS of the process tree, KiB (polled every 100 ms). */
  peakKiB: number;
  /** Largest single-process max RSS (getrusage via /usr/bin/time), KiB; 0 when unavailable. */
  maxProcKiB: number;
  /** CPU time (user + sys) of the whole process tree, ms (via /usr/bin/time); less sensitive to a shared machine than wall time. */
  cpuMs: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** generate's own phase line ("charts 4.10 s, overlays …"), when it printed one. */
  phases?: string;
}

const HAVE_TIME = existsSync('/usr/bin/time');

/** Runs a command, timing it and polling the RSS of its process tree. */
function measure(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  return new Promise((done) => {
    const timeFile = join(tmpdir(), `strata-bench-time-${process.pid}-${Date.now()}`);
    const [c, a] = HAVE_TIME ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, cmd, ...args]] : [cmd, args];
    const started = process.hrtime.bigint();
    const child: ChildProcess = spawn(c, a, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    child.stderr!.on('data', (d) => (stderr += String(d)));
    let peak = 0;
    const poll = setInterval(() => {
      peak = Math.max(peak, treeRssKiB(child.pid!));
    }, 100);
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(poll);
      let maxProc = 0;
      let cpuMs = 0;
      if (HAVE_TIME && existsSync(timeFile)) {
        const [m, u, sy] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        maxProc = m || 0;
        cpuMs = ((u || 0) + (sy || 0)) * 1000;
        rmSync(timeFile, { force: true });
      }
      done({ ms, peakKiB: peak, maxProcKiB: maxProc, cpuMs, status, stdout, stderr });
    });
  });
}

const nxEnv = () => ({ ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' });

// ---------------------------------------------------------------- the synthetic workspace
interface Workspace {
  dir: string;
  workloads: { name: string; base: (typeof EXAMPLES)[number] }[];
}

const COPY_EXCLUDE = new Set(['node_modules', '.nx', 'dist', 'charts', '.git', 'tmp', '.toolchain', 'coverage', 'test']);

/**
 * Where the synthetic workspaces go (--dir): where a repository would live, not /tmp. On this
 * machine /tmp's own directory has grown to megabytes of entries (test leftovers of every session),
 * and creating files below it became 5–20× slower than elsewhere on the same disk.
 */
const WORKSPACES = resolve(opt('dir', join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'strata-bench', 'workspaces')));

/** Copies the repository (sources only) into a fresh folder, with N workloads and M=3 environments. */
function buildWorkspace(n: number): Workspace {
  mkdirSync(WORKSPACES, { recursive: true });
  const dir = mkdtempSync(join(WORKSPACES, `strata-bench-${n}-`));
  for (const entry of readdirSync(REPO)) {
    if (COPY_EXCLUDE.has(entry) || entry === 'environments') continue;
    cpSync(join(REPO, entry), join(dir, entry), {
      recursive: true,
      filter: (src) => {
        const rel = relative(REPO, src).split('\\').join('/');
        if (/(^|\/)(node_modules|dist|coverage|\.nx)(\/|$)/.test(rel)) return false;
        if (rel.startsWith('packages/workloads/') ) return false; // replaced by the synthetic ones
        return true;
      },
    });
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // Toolchain binaries (pinned helm) live in .toolchain; share them.
  if (existsSync(join(REPO, '.toolchain'))) symlinkSync(join(REPO, '.toolchain'), join(dir, '.toolchain'), 'dir');
  mkdirSync(join(dir, 'charts'), { recursive: true });

  // N workloads: round-robin copies of the three examples (all patterns, all storage tiers).
  const workloads: Workspace['workloads'] = [];
  for (let i = 1; i <= n; i++) {
    const base = EXAMPLES[(i - 1) % EXAMPLES.length];
    const name = `${base}-${String(i).padStart(4, '0')}`;
    const src = join(REPO, 'packages/workloads', base);
    const dst = join(dir, 'packages/workloads', name);
    mkdirSync(join(dst, 'src'), { recursive: true });
    const chart = readFileSync(join(src, 'src/chart.ts'), 'utf8');
    const renamed = chart.replace(`name: '${base}',`, `name: '${name}',`);
    if (renamed === chart) throw new Error(`bench: could not rename the chart in ${base}/src/chart.ts`);
    writeFileSync(join(dst, 'src/chart.ts'), renamed);
    const pkg = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
    pkg.name = `@strata/workload-${name}`;
    pkg.nx = { name }; // the Nx project is named after its folder
    writeFileSync(join(dst, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    cpSync(join(src, 'tsconfig.json'), join(dst, 'tsconfig.json'));
    workloads.push({ name, base });
  }

  // M = 3 environments, each deploying every workload with its example's values and roles.
  mkdirSync(join(dir, 'environments'), { recursive: true });
  for (const f of ['README.md', 'tsconfig.json']) if (existsSync(join(REPO, 'environments', f))) cpSync(join(REPO, 'environments', f), join(dir, 'environments', f));
  for (const env of ENVS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const def = structuredClone(require(join(REPO, 'environments', env, 'environment.ts')).default);
    const roles: Record<string, Record<string, string>> = {};
    const deployments: Record<string, unknown> = {};
    for (const w of workloads) {
      const r = def.identity?.workloads?.[w.base];
      if (r) roles[w.name] = Object.fromEntries(Object.entries(r as Record<string, string>).map(([k, v]) => [k, v.replace(w.base, w.name)]));
      deployments[w.name] = def.workloads[w.base];
    }
    if (def.identity) def.identity.workloads = roles;
    def.workloads = deployments;
    mkdirSync(join(dir, 'environments', env), { recursive: true });
    writeFileSync(
      join(dir, 'environments', env, 'environment.ts'),
      `// Generated by tools/bench: ${env} with ${n} workloads.\nimport { defineEnvironment } from '@strata/gitops';\n\nexport default defineEnvironment(${JSON.stringify(def, null, 2)});\n`,
    );
  }
  return { dir, workloads };
}

/** generate's cache of a synthetic workspace: its own (node_modules is the repository's, shared). */
const cacheOf = (ws: Workspace) => join(ws.dir, '.strata-cache');

/**
 * Folders the bench no longer needs are moved here and deleted only when every measurement is
 * done: on this machine's disk (ext4 mounted with `discard`) deleting thousands of files makes
 * creating files slow for a minute or more afterwards (11.5k small files: 0.35 s before a large
 * delete, 3–10 s after), which would charge the bench's own cleanup to the next measured run.
 */
const TRASH = join(WORKSPACES, '.trash');

/**
 * The bench's temporary files (helm's archives, the registry's storage, generate's workers) go
 * beside the workspaces too (TMPDIR, read by every tool the bench runs): this machine's /tmp is
 * degraded as described above; with TMPDIR=/tmp, publishing 100 charts measured 5.5–6.0 s
 * instead of 4.8 s, all of the difference in file creation by helm and the registry.
 */
const SCRATCH = join(WORKSPACES, '..', 'tmp');
if (!flag('system-tmpdir')) {
  mkdirSync(SCRATCH, { recursive: true });
  process.env.TMPDIR = SCRATCH;
}
let trashed = 0;
function discard(path: string): void {
  if (!existsSync(path)) return;
  mkdirSync(TRASH, { recursive: true });
  renameSync(path, join(TRASH, `${process.pid}-${trashed++}`));
}
/**
 * Waits until creating files is as fast as it is on a settled disk (1000 small files in well under
 * 0.15 s; right after a large delete the same takes 0.3–0.9 s here), at most 5 minutes, so that a
 * measurement is not charged with the bench's own cleanup or another job's. Probe files go to the trash.
 */
async function settleDisk(what: string): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const probe = join(WORKSPACES, `.probe-${process.pid}-${attempt}`);
    mkdirSync(probe, { recursive: true });
    const t = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) writeFileSync(join(probe, `f${i}`), 'x'.repeat(2000));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    discard(probe);
    if (ms < 150 || Date.now() - started > 300_000) {
      if (attempt > 0) progress(`${what}: the disk settled after ${((Date.now() - started) / 1000).toFixed(0)} s (1000 files in ${ms.toFixed(0)} ms)`);
      return;
    }
    if (attempt === 0) progress(`${what}: waiting for the disk to settle (1000 small files took ${ms.toFixed(0)} ms)…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

function emptyTrash(): void {
  progress('deleting the workspaces and outputs set aside during the runs…');
  rmSync(TRASH, { recursive: true, force: true });
}

/** Sets aside every generated output, generate's cache and the Nx cache: the next generate is cold. */
function makeCold(ws: Workspace): void {
  for (const d of ['.nx', 'dist', '.strata-cache', 'charts']) discard(join(ws.dir, d));
  mkdirSync(join(ws.dir, 'charts'));
  const envDir = join(ws.dir, 'environments');
  for (const e of readdirSync(envDir)) {
    const p = join(envDir, e);
    if (ENVS.includes(e as never)) {
      for (const f of readdirSync(p)) if (f !== 'environment.ts') discard(join(p, f));
    } else if (!['README.md', 'tsconfig.json'].includes(e)) discard(p);
  }
}

async function generate(ws: Workspace, what: string): Promise<Measured> {
  const r = await measure(process.execPath, [join(ws.dir, 'tools/scripts/generate.mjs')], ws.dir, { ...nxEnv(), STRATA_CACHE_DIR: cacheOf(ws) });
  if (r.status !== 0) {
    console.error(r.stdout.split('\n').slice(-40).join('\n'));
    console.error(r.stderr.split('\n').slice(-40).join('\n'));
    throw new Error(`bench: generate failed (${what})`);
  }
  const summary = r.stdout.trim().split('\n').pop();
  r.phases = /^phases: (.*)$/m.exec(r.stderr)?.[1] ?? '';
  progress(`${what}: ${fmtS(r.ms)} (CPU ${fmtS(r.cpuMs)}), peak RSS ${fmtMiB(r.peakKiB)} — ${summary} — ${r.phases}`);
  return r;
}

// ---------------------------------------------------------------- lint + schema validation
async function lintAndValidate(ws: Workspace): Promise<{ lintMs: number; validateMs: number; objects: number; problems: string[] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Helm } = require('@strata/helm') as typeof import('@strata/helm');
  const helm = new Helm();
  const charts = readdirSync(join(ws.dir, 'charts')).filter((c) => existsSync(join(ws.dir, 'charts', c, 'Chart.yaml'))).map((c) => join(ws.dir, 'charts', c));
  let s = Date.now();
  await helm.lint(charts, { strict: true });
  const lintMs = Date.now() - s;
  // Schema validation: helm template of every chart (2 at a time on 2 cores), each object against its Kubernetes schema.
  s = Date.now();
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const problems: string[] = [];
  let objects = 0;
  const models = new Map<string, (o: unknown) => void>();
  // kubernetes-models is ESM-only: load it with a real dynamic import (not compiled to require).
  const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, new (o: unknown) => { validate(): void }>>;
  const modelFor = async (apiVersion: string, kind: string) => {
    const key = `${apiVersion}/${kind}`;
    if (!models.has(key)) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      const pkg = group.endsWith('.toolkit.fluxcd.io') ? '@kubernetes-models/flux-cd' : group === 'monitoring.coreos.com' ? '@kubernetes-models/prometheus-operator' : 'kubernetes-models';
      const path = group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
      try {
        const M = (await importEsm(require.resolve(path, { paths: [REPO] }).replace(/\.js$/, '.mjs').replace(/\.cjs$/, '.js')))[kind];
        models.set(key, (o) => new M(o).validate());
      } catch {
        try {
          const M = (await importEsm(path))[kind];
          models.set(key, (o) => new M(o).validate());
        } catch {
          models.set(key, () => undefined); // unmodelled kind (Karpenter): skipped, as kube-schemas does
        }
      }
    }
    return models.get(key)!;
  };
  let next = 0;
  const worker = async () => {
    while (next < charts.length) {
      const c = charts[next++];
      const name = c.split('/').pop()!;
      const out = await helm.template(c, { releaseName: name, namespace: 'bench' });
      for (const d of parseAllDocuments(out)) {
        const o = d.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null;
        if (!o?.kind || !o.apiVersion) continue;
        objects++;
        try {
          (await modelFor(o.apiVersion, o.kind))(o);
        } catch (e) {
          problems.push(`${name}: ${o.kind}/${o.metadata?.name}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return { lintMs, validateMs: Date.now() - s, objects, problems };
}

// ---------------------------------------------------------------- publish
async function publish(ws: Workspace, count: number, runs: number, storage: 'memory' | 'filesystem'): Promise<{ ms: number[]; pushed: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startRegistry } = require('@strata/toolchain') as typeof import('@strata/toolchain');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { publishCharts } = require('@strata/cli') as typeof import('@strata/cli');
  const registry = await startRegistry({ storage });
  const names = ws.workloads.slice(0, count).map((w) => w.name);
  const ms: number[] = [];
  let pushed = 0;
  try {
    for (let r = 1; r <= runs; r++) {
      // A fresh repository path per run: every chart is new there (N changed charts).
      const s = Date.now();
      const outcomes = await publishCharts({ root: ws.dir, registry: `oci://${registry.host}/run${r}`, charts: names, plainHttp: true, concurrency: CONCURRENCY });
      ms.push(Date.now() - s);
      pushed = outcomes.filter((o) => o.status === 'pushed').length;
      progress(`publish ${count} charts (registry storage: ${storage}; run ${r}/${runs}, concurrency ${CONCURRENCY}): ${fmtS(ms[ms.length - 1])}, ${pushed} pushed`);
    }
  } finally {
    await registry.stop();
    rmSync(join(ws.dir, 'environments/published.json'), { force: true });
  }
  return { ms, pushed };
}

// ---------------------------------------------------------------- the anchor: cdk8s synth --format helm
function cdk8sCli(): string {
  const base = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'strata-bench', `cdk8s-cli-${CDK8S_CLI_VERSION}`);
  const bin = join(base, 'node_modules/.bin/cdk8s');
  if (!existsSync(bin)) {
    progress(`installing cdk8s-cli@${CDK8S_CLI_VERSION} into ${base} (outside the repository; once)`);
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'package.json'), '{ "name": "strata-bench-anchor", "private": true }\n');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `cdk8s-cli@${CDK8S_CLI_VERSION}`], { cwd: base, stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(bin)) throw new Error('bench: could not install cdk8s-cli for the anchor (use --no-anchor)');
  }
  return bin;
}

async function anchor(ws: Workspace, runs: number): Promise<{ perChart: Record<string, number>; version: string }> {
  const bin = cdk8sCli();
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const perChart: Record<string, number> = {};
  for (const base of EXAMPLES) {
    const w = ws.workloads.find((x) => x.base === base)!;
    const app = join(ws.dir, 'bench-anchor', base);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'cdk8s.yaml'), `language: typescript\napp: node -r @swc-node/register main.ts\n`);
    writeFileSync(
      join(app, 'main.ts'),
      `import { App } from 'cdk8s';\nimport Chart from '../../packages/workloads/${w.name}/src/chart';\nconst app = new App();\nnew Chart(app, '${w.name}');\napp.synth();\n`,
    );
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const m = await measure(bin, ['synth', '--format', 'helm', '--chart-version', '0.1.0'], app);
      if (m.status !== 0) {
        console.error(m.stdout + m.stderr);
        throw new Error(`bench: cdk8s synth --format helm failed for ${base}`);
      }
      ms.push(m.ms);
    }
    perChart[base] = median(ms);
    progress(`anchor cdk8s synth --format helm ${base}: median ${fmtS(perChart[base])} over ${runs} runs`);
  }
  return { perChart, version };
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  if (flag('workspace-only')) {
    // For profiling: build one synthetic workspace (N = the first size) and print its directory.
    console.log(buildWorkspace(SIZES[0]).dir);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Helm } = require('@strata/helm') as typeof import('@strata/helm');
  const versions = {
    node: process.version,
    nx: JSON.parse(readFileSync(join(REPO, 'node_modules/nx/package.json'), 'utf8')).version,
    cdk8s: JSON.parse(readFileSync(join(REPO, 'node_modules/cdk8s/package.json'), 'utf8')).version,
    helm: await new Helm().version(),
    cdk8sCli: '',
  };
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`;
  progress(`machine: ${machine}; node ${versions.node}, nx ${versions.nx}, cdk8s ${versions.cdk8s}, helm ${versions.helm}`);
  progress(`sizes ${SIZES.join(', ')} × 3 environments; ${RUNS} runs each (${BIG_RUNS} for N ≥ 500)`);

  const cold: Record<number, { ms: number[]; cpuMs: number[]; peakKiB: number[]; maxProcKiB: number[]; phases: string[] }> = {};
  let big: Workspace | undefined;
  const workspaces: Workspace[] = [];
  for (const n of SIZES) {
    progress(`N=${n}: building the synthetic workspace…`);
    const ws = buildWorkspace(n);
    workspaces.push(ws);
    progress(`N=${n}: ${ws.dir}`);
    const runs = n >= 500 ? BIG_RUNS : RUNS;
    cold[n] = { ms: [], cpuMs: [], peakKiB: [], maxProcKiB: [], phases: [] };
    for (let r = 1; r <= runs; r++) {
      makeCold(ws);
      await settleDisk(`N=${n} cold run ${r}`);
      const m = await generate(ws, `N=${n} cold generate run ${r}/${runs}`);
      cold[n].ms.push(m.ms);
      cold[n].cpuMs.push(m.cpuMs);
      cold[n].peakKiB.push(m.peakKiB);
      cold[n].maxProcKiB.push(m.maxProcKiB);
      cold[n].phases.push(m.phases ?? '');
    }
    if (n === Math.max(...SIZES)) big = ws;
    else if (!KEEP) discard(ws.dir);
  }
  const N = Math.max(...SIZES);
  const ws = big!;

  // One-workload edit, cache warm (the last cold run filled it); each run edits the chart again, so
  // each run synthesizes it (and bumps its version, and re-plans and re-lints every environment).
  progress(`N=${N}: one-workload edit with the cache warm…`);
  const edit: number[] = [];
  const editRss: number[] = [];
  const editCpu: number[] = [];
  const editPhases: string[] = [];
  const target = ws.workloads[Math.floor(ws.workloads.length / 2)];
  const chartFile = join(ws.dir, 'packages/workloads', target.name, 'src/chart.ts');
  const original = readFileSync(chartFile, 'utf8');
  for (let r = 1; r <= EDIT_RUNS; r++) {
    await settleDisk(`edit run ${r}`);
    writeFileSync(chartFile, original.replace(/appVersion: '([^']+)'/, `appVersion: '$1-edit${r}'`));
    const m = await generate(ws, `N=${N} edit ${target.name} run ${r}/${EDIT_RUNS}`);
    if (!/\(1 synthesized, \d+ unchanged\)/.test(m.stdout)) throw new Error(`bench: the edit run did not synthesize exactly one chart: ${m.stdout.trim().split('\n').pop()}`);
    edit.push(m.ms);
    editRss.push(m.peakKiB);
    editCpu.push(m.cpuMs);
    editPhases.push(m.phases ?? '');
  }

  progress(`N=${N}: helm lint --strict (one call) + schema validation…`);
  const lint = await lintAndValidate(ws);
  progress(`lint ${fmtS(lint.lintMs)}; template + schema validation ${fmtS(lint.validateMs)} (${lint.objects} objects, ${lint.problems.length} problems)`);
  for (const p of lint.problems.slice(0, 10)) progress(`  schema: ${p}`);

  progress(`publish ${PUBLISH_N} changed charts to a local registry…`);
  await settleDisk('publish');
  // The target is judged on what publishing costs the client (helm packaging and pushing): with the
  // registry's storage in memory. The same registry on this machine's disk is measured too.
  const pub = await publish(ws, Math.min(PUBLISH_N, ws.workloads.length), RUNS, 'memory');
  await settleDisk('publish (registry on disk)');
  const pubDisk = await publish(ws, Math.min(PUBLISH_N, ws.workloads.length), RUNS, 'filesystem');

  let anc: Awaited<ReturnType<typeof anchor>> | undefined;
  if (ANCHOR) {
    progress('anchor: cdk8s synth --format helm on the three example workloads…');
    anc = await anchor(ws, RUNS);
    versions.cdk8sCli = anc.version;
  }

  // ------------------------------------------------------------ report
  const t = (n: number) => median(cold[n].ms);
  const peak = Math.max(...Object.values(cold).flatMap((c) => c.peakKiB), ...editRss);
  const scaling = cold[500] && cold[100] ? t(500) / t(100) : NaN;
  const perChartOurs = t(N) / N;
  const anchorMedian = anc ? median(Object.values(anc.perChart)) : NaN;
  const ratio = anchorMedian / perChartOurs;
  const targets: [string, string, boolean][] = [
    [`cold generate, ${N} workloads × 3 environments ≤ 10 s`, fmtS(t(N)), t(N) <= 10_000],
    ['linear growth: t(500)/t(100) ≤ 5.5', scaling.toFixed(2), scaling <= 5.5],
    ['peak RSS ≤ 1.5 GiB', fmtMiB(peak), peak <= 1.5 * 1024 * 1024],
    ['one-workload edit regenerates in ≤ 2 s', fmtS(median(edit)), median(edit) <= 2000],
    ['per chart ≥ 50× faster than cdk8s synth --format helm', anc ? `${ratio.toFixed(0)}×` : 'not run', anc ? ratio >= 50 : false],
    [`${PUBLISH_N} changed charts published in ≤ 5 s (registry storage in memory; on this disk: ${fmtS(median(pubDisk.ms))})`, fmtS(median(pub.ms)), median(pub.ms) <= 5000],
  ];
  const rows: string[] = [
    '| measurement | median wall | median CPU (user+sys) | runs | peak RSS (process tree) | largest process |',
    '|---|---|---|---|---|---|',
    ...SIZES.map((n) => `| cold generate, N=${n} × 3 envs | ${fmtS(t(n))} (${(t(n) / n).toFixed(1)} ms/chart) | ${fmtS(median(cold[n].cpuMs))} | ${cold[n].ms.length} | ${fmtMiB(Math.max(...cold[n].peakKiB))} | ${cold[n].maxProcKiB.some(Boolean) ? fmtMiB(Math.max(...cold[n].maxProcKiB)) : '—'} |`),
    `| generate after editing one workload (N=${N}, cache warm) | ${fmtS(median(edit))} | ${fmtS(median(editCpu))} | ${edit.length} | ${fmtMiB(Math.max(...editRss))} | |`,
    `| helm lint --strict, all ${N + 3} charts, one call | ${fmtS(lint.lintMs)} | | 1 | | |`,
    `| helm template + Kubernetes schema validation, ${N + 3} charts (${lint.objects} objects, ${lint.problems.length} problems) | ${fmtS(lint.validateMs)} | | 1 | | |`,
    `| publish ${PUBLISH_N} changed charts (concurrency ${CONCURRENCY}; registry storage in memory) | ${fmtS(median(pub.ms))} | | ${pub.ms.length} | | |`,
    `| publish ${PUBLISH_N} changed charts (concurrency ${CONCURRENCY}; registry storage on this disk) | ${fmtS(median(pubDisk.ms))} | | ${pubDisk.ms.length} | | |`,
    ...(anc ? EXAMPLES.map((b) => `| anchor: cdk8s synth --format helm, ${b} (1 chart) | ${fmtS(anc!.perChart[b])} | | ${RUNS} | | |`) : []),
    `| ours per chart (cold N=${N} / ${N}) | ${perChartOurs.toFixed(1)} ms | | | | |`,
  ];
  rows.push('', 'generate\'s phases (its own timing, wall) per run:', '', ...SIZES.flatMap((n) => cold[n].phases.map((p, i) => `- cold N=${n} run ${i + 1}: ${p}`)), ...editPhases.map((p, i) => `- edit run ${i + 1}: ${p}`));
  const table = rows.join('\n');
  const tgt = ['| target | measured | met |', '|---|---|---|', ...targets.map(([a, b, ok]) => `| ${a} | ${b} | ${ok ? 'yes' : '**no**'} |`)].join('\n');
  const met = targets.filter((x) => x[2]).length;
  const summary = `bench: ${met}/${targets.length} targets met — cold ${N}×3 ${fmtS(t(N))}, t(500)/t(100) ${scaling.toFixed(2)}, peak RSS ${fmtMiB(peak)}, edit ${fmtS(median(edit))}, ${anc ? `${ratio.toFixed(0)}× vs cdk8s synth --format helm` : 'anchor not run'}, publish ${PUBLISH_N} ${fmtS(median(pub.ms))}`;

  console.log('\n' + table + '\n\n' + tgt + '\n');
  if (WRITE) {
    const md = `# Benchmarks

Produced by \`npm run bench\` (tools/bench/bench.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Not part of \`npm test\`.

## Machine and versions
- ${machine} (shared: expect noise; figures are medians)
- node ${versions.node}, nx ${versions.nx}, cdk8s ${versions.cdk8s}, helm ${versions.helm}${versions.cdk8sCli ? `, cdk8s-cli ${versions.cdk8sCli} (anchor)` : ''}

## Method
- Synthetic workspace in ${WORKSPACES.replace(homedir(), '~')}, temporary files (TMPDIR) in ${flag('system-tmpdir') ? 'the system\'s TMPDIR' : SCRATCH.replace(homedir(), '~')} (not /tmp, see the notes): the repository without node_modules/.nx/dist/charts/environment outputs (node_modules symlinked),
  N workloads that are round-robin copies of the three examples (llm-inference: Model Repository on EFS; llm-finetune:
  Distributed Dataset on FSx for Lustre + Training Checkpoint on instance store; batch-embeddings: S3 Mountpoint) under new
  chart names, plus the three storage tier charts, and M = 3 environments (dev, staging, prod) each deploying every workload
  with its example's values and roles.
- Cold generate = \`npm run generate\` (one process: charts on every core, overlays, reference lint, one journaled write) after
  setting aside (renaming) charts/, the environments' outputs, generate's cache (STRATA_CACHE_DIR, per workspace) and .nx. ${RUNS} runs per size,
  ${BIG_RUNS} for N ≥ 500.
- Edit = change one workload's appVersion, then \`npm run generate\` with the cache warm (${EDIT_RUNS} run${EDIT_RUNS === 1 ? "" : "s"}, a different edit each;
  each run synthesizes exactly that chart, re-plans and re-lints all 3 environments, writes what changed).
- Lint = one \`helm lint --strict\` call for all charts (values.schema.json checked by helm); schema validation = \`helm template\`
  of every chart (2 at a time) and every object against its kubernetes-models schema.
- Publish = publishCharts of ${PUBLISH_N} charts into a new repository path of a local docker-registry per run (all charts
  changed): one \`helm package\` call, one HTTP HEAD per chart (is the version there?), one \`helm push\` per chart as soon
  as its archive exists (concurrency ${CONCURRENCY}). ${RUNS} runs with the registry's storage in memory (distribution's
  \`inmemory\` driver: what publishing costs the client; the target is judged on this), ${RUNS} with it on this disk.
- Before each measured generate and before publishing, the bench waits until the disk creates 1000 small files in under
  150 ms (at most 5 minutes): this disk slows file creation for a minute or more after a large delete (see the notes).
- Peak RSS = the largest sum of VmRSS over the generate process tree (polled every 100 ms); "largest process" = max RSS of
  one process (GNU time).
- Anchor = \`cdk8s synth --format helm --chart-version 0.1.0\` of a one-chart cdk8s app per example workload (cdk8s-cli
  installed outside the repository, in ~/.cache/strata-bench); ratio = anchor median per chart ÷ (cold t(${N}) / ${N}).

## Results
${table}

Scaling ratio t(500)/t(100) = **${scaling.toFixed(2)}** (linear would be 5.0).

## Targets
${tgt}

${summary}
`;
    const file = join(REPO, 'BENCHMARKS.md');
    const notes = existsSync(file) ? /<!-- notes -->[\s\S]*$/.exec(readFileSync(file, 'utf8'))?.[0] : undefined;
    writeFileSync(file, md + (notes ? `\n${notes}` : ''));
    progress('wrote BENCHMARKS.md');
  }
  if (!KEEP) discard(ws.dir);
  else progress(`kept ${workspaces.map((w) => w.dir).join(', ')}`);
  emptyTrash();
  console.log(summary);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
