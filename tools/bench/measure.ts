/**
 * How the bench measures a command: wall time, CPU time (user + sys of the whole process tree,
 * from GNU time), peak RSS of the process tree (VmRSS summed over it, polled every 100 ms) and of
 * its largest process; and the disk's state before a measured run (see settleDisk).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  ms: number;
  /** Peak of the summed RSS of the process tree, KiB (polled every 100 ms). */
  peakKiB: number;
  /** Largest single-process max RSS (getrusage via /usr/bin/time), KiB; 0 when unavailable. */
  maxProcKiB: number;
  /** CPU time (user + sys) of the whole process tree, ms (via /usr/bin/time). */
  cpuMs: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const fmtMiB = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** Sum of VmRSS (KiB) of a process and all its descendants, from /proc. */
export function treeRssKiB(rootPid: number): number {
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
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${e}/status`, 'utf8'));
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

const HAVE_TIME = existsSync('/usr/bin/time');

/** Runs a command, timing it and polling the RSS of its process tree. */
export function measure(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
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
      done({ ms, peakKiB: Math.max(peak, maxProc), maxProcKiB: maxProc, cpuMs, status, stdout, stderr });
    });
  });
}

/** The machine's load (1-minute average) and how many processes other than ours were running: said beside every figure. */
export function load(): { load1: number; running: number } {
  const [l1, , , procs] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return { load1: Number(l1), running: Number(procs.split('/')[0]) - 1 };
}

/**
 * Folders the bench no longer needs are renamed into a trash folder and deleted at the end: on
 * this disk (ext4 mounted with `discard`) deleting thousands of files makes creating files slow
 * for a minute or more, which would be charged to the next measured run.
 */
export class Trash {
  private n = 0;
  public constructor(private readonly dir: string) {}
  public discard(path: string): void {
    if (!existsSync(path)) return;
    mkdirSync(this.dir, { recursive: true });
    renameSync(path, join(this.dir, `${process.pid}-${this.n++}`));
  }
  public empty(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Waits until creating files is as fast as on a settled disk (1000 small files in under 150 ms),
 * at most 5 minutes, so that a measurement is not charged with the bench's own cleanup.
 */
export async function settleDisk(where: string, trash: Trash, log: (l: string) => void): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const probe = join(where, `.probe-${process.pid}-${attempt}`);
    mkdirSync(probe, { recursive: true });
    const t = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) writeFileSync(join(probe, `f${i}`), 'x'.repeat(2000));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    trash.discard(probe);
    if (ms < 150 || Date.now() - started > 300_000) {
      if (attempt > 0) log(`the disk settled after ${((Date.now() - started) / 1000).toFixed(0)} s (1000 files in ${ms.toFixed(0)} ms)`);
      return;
    }
    if (attempt === 0) log(`waiting for the disk to settle (1000 small files took ${ms.toFixed(0)} ms)…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}
