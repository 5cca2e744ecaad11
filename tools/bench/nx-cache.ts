/**
 * The shared build cache (issue 20): two clones of one workspace, each with its own local Nx cache
 * and its own generate cache, share an Nx remote cache served on 127.0.0.1 (cache-server.cjs:
 * s3rver from npm, speaking Nx's self-hosted remote cache protocol through
 * NX_SELF_HOSTED_REMOTE_CACHE_SERVER). The first clone runs `nx run-many -t synth validate` cold
 * and fills the remote cache; the second runs the same and must take every task from it, with the
 * same charts as the first. docs/remote-cache.md says how a team sets this up.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, fmtS } from './measure';
import type { NxCacheResult } from './report';
import { buildWorkspace } from './workspace';

export const S3RVER_VERSION = '3.7.1';

/** s3rver, installed outside the repository (like the cdk8s-cli of the secondary figure), once. */
function s3rver(home: string, log: (l: string) => void): string {
  const dir = join(home, `s3rver-${S3RVER_VERSION}`);
  if (!existsSync(join(dir, 'node_modules/s3rver/package.json'))) {
    log(`installing s3rver@${S3RVER_VERSION} into ${dir} (outside the repository; once)`);
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `s3rver@${S3RVER_VERSION}`], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('bench: could not install s3rver (use --no-nx-cache)');
  }
  return dir;
}

function startServer(moduleDir: string, storage: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [join(__dirname, 'cache-server.cjs'), moduleDir, storage, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening (\S+)/.exec(out);
      if (m) ok({ url: m[1], child });
    });
    child.on('exit', (code) => fail(new Error(`bench: the cache server exited (${code})`)));
  });
}

export async function nxRemoteCache(o: { repo: string; parent: string; scratch: string; log: (l: string) => void; discard: (path: string) => void; workloads?: number; seed?: number }): Promise<NxCacheResult> {
  const n = o.workloads ?? 20;
  const moduleDir = s3rver(join(o.parent, '..'), o.log);
  const storage = join(o.scratch, `nx-remote-cache-${process.pid}`);
  mkdirSync(storage, { recursive: true });
  const server = await startServer(moduleDir, storage);
  o.log(`Nx remote cache: s3rver ${S3RVER_VERSION} at ${server.url}`);
  let a: ReturnType<typeof buildWorkspace> | undefined;
  let b: ReturnType<typeof buildWorkspace> | undefined;
  try {
    const run = async (dir: string, what: string) => {
      const env = {
        ...process.env,
        NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_TUI: 'false',
        FORCE_COLOR: '0',
        // Each clone its own generate cache (by default it would be the shared node_modules').
        STRATA_CACHE_DIR: join(dir, '.strata-cache'),
      };
      const m = await measure(process.execPath, [join(dir, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'synth', 'validate', '--output-style=static'], dir, env);
      if (m.status !== 0) {
        console.error(m.stdout.slice(-4000) + m.stderr.slice(-4000));
        throw new Error(`bench: nx run-many failed in the ${what}`);
      }
      const tasks = [...m.stdout.matchAll(/^> nx run (\S+)(.*)$/gm)];
      const fromRemote = tasks.filter((t) => /\[remote cache\]/.test(t[2])).length;
      const fromCache = tasks.filter((t) => /\[(local|existing outputs match the cache|remote) cache/.test(t[2]) || /\[remote cache\]/.test(t[2])).length;
      o.log(`${what}: ${fmtS(m.ms)}, ${tasks.length} tasks, ${fromRemote} from the remote cache`);
      return { ms: m.ms, tasks: tasks.length, fromRemote, fromCache, ran: tasks.length - fromCache };
    };
    // The same seed gives the same sources: a second clone of one commit.
    a = buildWorkspace(o.repo, o.parent, n, 3, o.seed ?? 1);
    b = buildWorkspace(o.repo, o.parent, n, 3, o.seed ?? 1);
    const cold = await run(a.dir, `first clone (${n} workloads), cold`);
    const second = await run(b.dir, 'second clone, remote cache shared');
    const same = sameCharts(join(a.dir, 'charts'), join(b.dir, 'charts'));
    if (!same) throw new Error('bench: the second clone restored charts that differ from the first clone\'s');
    return {
      server: `s3rver ${S3RVER_VERSION} on 127.0.0.1`,
      workloads: n + 3,
      tasks: second.tasks,
      coldMs: cold.ms,
      secondCloneMs: second.ms,
      fromRemote: second.fromRemote,
      fromCache: second.fromCache,
      ran: second.ran,
      notes: [`The second clone's charts/ is byte for byte the first's (compared).`, `First clone: ${cold.tasks} tasks, ${cold.fromRemote} from the remote cache.`],
    };
  } finally {
    server.child.kill('SIGTERM');
    for (const d of [a?.dir, b?.dir, storage]) if (d) o.discard(d);
  }
}

function sameCharts(x: string, y: string): boolean {
  const list = (d: string, rel = ''): string[] => readdirSync(join(d, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(d, join(rel, e.name)) : [join(rel, e.name)])).sort();
  const a = list(x);
  const b = list(y);
  return a.length === b.length && a.every((p, i) => p === b[i] && readFileSync(join(x, p)).equals(readFileSync(join(y, p))));
}
