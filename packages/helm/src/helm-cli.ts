import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmPath } from './binaries';

/** A helm command failed: which command, its exit code, and what helm said on stderr. */
export class HelmError extends Error {
  public constructor(
    public readonly args: readonly string[],
    public readonly exitCode: number | null,
    public readonly stderr: string,
    public readonly stdout: string,
  ) {
    super(`helm ${args.join(' ')} failed${exitCode !== null ? ` (exit ${exitCode})` : ''}: ${stderr.trim() || stdout.trim() || 'no output'}`);
    this.name = 'HelmError';
  }
}

export interface TemplateOptions {
  readonly releaseName: string;
  readonly namespace: string;
  /** Values, written to a temporary file and passed with -f. */
  readonly values?: Record<string, unknown>;
  /** Leave out `helm test` hooks. @default false */
  readonly skipTests?: boolean;
  /** Chart version, for oci:// references. */
  readonly version?: string;
  /** For registries on 127.0.0.1 without TLS. @default false */
  readonly plainHttp?: boolean;
}

/**
 * A typed runner for the pinned helm binary: argument arrays (never a shell string), the
 * toolchain's binary (never the PATH), errors that carry helm's stderr.
 */
export class Helm {
  public constructor(public readonly binary: string = helmPath(), private readonly env: NodeJS.ProcessEnv = process.env) {}

  /**
   * Runs helm; resolves with stdout, rejects with a HelmError. `lean`: a short-lived process with
   * little memory (see {@link leanEnv}).
   */
  public async run(args: readonly string[], options: { timeoutMs?: number; cwd?: string; stdin?: string; lean?: boolean; onStdout?: (chunk: string) => void } = {}): Promise<string> {
    const timeout = options.timeoutMs ?? 120_000;
    const r = await this.exec(args, { cwd: options.cwd, env: options.lean ? this.leanEnv() : this.env, timeout, maxBuffer: 256 * 1024 * 1024, stdin: options.stdin, onStdout: options.onStdout });
    if (r.error) throw new HelmError(args, r.error.code, (r.error.killed ? `timed out after ${timeout} ms\n` : '') + (r.stderr || r.error.message), r.stdout);
    return r.stdout;
  }

  /**
   * Runs `fn` with this runner's helm processes started by one small helper process instead of
   * this one. Starting a process forks its parent, and a fork costs in proportion to the parent's
   * memory, on the one JavaScript thread: ~16 ms of CPU (~30 ms of blocked event loop) at 650 MB
   * against ~1 ms from a fresh node. For many helm calls from a large process (publishing a
   * hundred charts from a process that has built them) the helper pays for itself after a few.
   * Nested or concurrent uses share one helper; if it dies, calls fall back to starting helm here.
   */
  public async withLauncher<T>(fn: () => Promise<T>): Promise<T> {
    if (this.launcherUsers++ === 0) this.launcher = new Launcher();
    try {
      return await fn();
    } finally {
      if (--this.launcherUsers === 0) {
        this.launcher?.close();
        this.launcher = undefined;
      }
    }
  }

  private launcher: Launcher | undefined;
  private launcherUsers = 0;

  private exec(args: readonly string[], o: ExecRequest): Promise<ExecResult> {
    // The helper answers once a process has ended: output as it comes needs the process here.
    if (this.launcher?.alive && !o.onStdout) return this.launcher.exec(this.binary, args, o);
    return execDirect(this.binary, args, o);
  }

  /** `helm version --short`, e.g. "v3.18.0+gcc58e3f". */
  public async version(): Promise<string> {
    return (await this.run(['version', '--short'])).trim();
  }

  /** `helm template`: the rendered manifests as one multi-document YAML string. */
  public async template(chart: string, o: TemplateOptions): Promise<string> {
    const args = ['template', o.releaseName, chart, '--namespace', o.namespace];
    if (o.skipTests) args.push('--skip-tests');
    if (o.version) args.push('--version', o.version);
    if (o.plainHttp) args.push('--plain-http');
    return this.withValuesFile(o.values, (file) => this.run(file ? [...args, '-f', file] : args));
  }

  /** `helm lint` of many charts in one process. */
  public async lint(charts: readonly string[], options: { strict?: boolean; values?: Record<string, unknown> } = {}): Promise<string> {
    const args = ['lint', ...charts];
    if (options.strict ?? true) args.push('--strict');
    return this.withValuesFile(options.values, (file) => this.run(file ? [...args, '-f', file] : args));
  }

  /**
   * `helm package` of many charts in one process; returns the archive paths in chart order.
   * `onArchive` hears of each archive as soon as helm reports it (chart index, path), while the
   * following charts are still being packaged.
   */
  public async package(charts: readonly string[], destination: string, options: { onArchive?: (index: number, archive: string) => void } = {}): Promise<string[]> {
    const onArchive = options.onArchive;
    let onStdout: ((chunk: string) => void) | undefined;
    if (onArchive) {
      let partial = '';
      let k = 0;
      onStdout = (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          const m = PACKAGED.exec(line);
          if (m) onArchive(k++, m[1].trim());
        }
      };
    }
    const out = await this.run(['package', ...charts, '--destination', destination], { lean: true, onStdout });
    return [...out.matchAll(new RegExp(PACKAGED.source, 'gm'))].map((m) => m[1].trim());
  }

  /**
   * `helm push <archive> <oci url>`; resolves with the pushed reference and the manifest digest the
   * registry returned.
   */
  public async push(archive: string, ociUrl: string, options: { plainHttp?: boolean; timeoutMs?: number } = {}): Promise<{ ref: string; digest: string }> {
    const args = ['push', archive, ociUrl];
    if (options.plainHttp) args.push('--plain-http');
    const out = await this.runCombined(args, options.timeoutMs);
    const digest = /Digest:\s*(sha256:[0-9a-f]{64})/.exec(out)?.[1];
    const ref = /Pushed:\s*(\S+)/.exec(out)?.[1];
    if (!digest || !ref) throw new HelmError(args, 0, `helm push printed no digest:\n${out}`, out);
    return { ref, digest };
  }

  /** `helm show chart <ref> --version <v>`: the Chart.yaml of a published chart. */
  public async showChart(ref: string, version: string, options: { plainHttp?: boolean; timeoutMs?: number } = {}): Promise<string> {
    const args = ['show', 'chart', ref, '--version', version];
    if (options.plainHttp) args.push('--plain-http');
    return this.run(args, { timeoutMs: options.timeoutMs, lean: true });
  }

  /** `helm pull` into `destination`; resolves with the manifest digest helm reports. */
  public async pullDigest(ref: string, version: string, destination: string, options: { plainHttp?: boolean } = {}): Promise<string> {
    const args = ['pull', ref, '--version', version, '-d', destination];
    if (options.plainHttp) args.push('--plain-http');
    const out = await this.runCombined(args);
    const digest = /Digest:\s*(sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (!digest) throw new HelmError(args, 0, `helm pull printed no digest:\n${out}`, out);
    return digest;
  }

  /** `helm registry login <host> --username <u> --password-stdin`. */
  public async registryLogin(host: string, username: string, password: string, options: { plainHttp?: boolean } = {}): Promise<void> {
    const args = ['registry', 'login', host, '--username', username, '--password-stdin'];
    if (options.plainHttp) args.push('--plain-http');
    await this.run(args, { stdin: password, lean: true });
  }

  /**
   * The environment of short-lived helm processes (push, pull, show chart, registry login,
   * package): Go's garbage collector off up to a soft memory limit, and one scheduler thread.
   * Such a process spends most of its CPU starting up (package initialisation allocates ~10 MB,
   * which costs a few collections); without them a push takes about a quarter less CPU (~47 ms
   * against ~65 ms here), which is what limits publishing many charts on a 2-core machine. The
   * limit keeps memory bounded (the collector runs again near it; a push peaks at ~46 MB either
   * way). GOGC, GOMEMLIMIT or GOMAXPROCS set by the caller win.
   */
  private leanEnv(): NodeJS.ProcessEnv {
    const env = { ...this.env };
    if (env.GOGC === undefined && env.GOMEMLIMIT === undefined) {
      env.GOGC = 'off';
      env.GOMEMLIMIT = '512MiB';
    }
    if (env.GOMAXPROCS === undefined) env.GOMAXPROCS = '1';
    return env;
  }

  /** Runs a short-lived helm (see {@link leanEnv}) and returns stdout and stderr together (helm push reports on stderr). */
  private async runCombined(args: readonly string[], timeoutMs?: number): Promise<string> {
    const r = await this.exec(args, { env: this.leanEnv(), timeout: timeoutMs ?? 120_000 });
    if (r.error) throw new HelmError(args, r.error.code, r.stderr || r.error.message, r.stdout);
    return `${r.stdout}\n${r.stderr}`;
  }

  private async withValuesFile<T>(values: Record<string, unknown> | undefined, fn: (file?: string) => Promise<T>): Promise<T> {
    if (!values) return fn();
    const dir = mkdtempSync(join(tmpdir(), 'strata-values-'));
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    try {
      return await fn(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const PACKAGED = /Successfully packaged chart and saved it to: (.+)$/m;

interface ExecRequest {
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeout: number;
  /** @default node's execFile default */
  readonly maxBuffer?: number;
  readonly stdin?: string;
  /** Hears stdout as it comes (not through the helper process). */
  readonly onStdout?: (chunk: string) => void;
}

interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the process failed: its exit code (null when it did not exit by itself or did not start), whether the timeout killed it. */
  readonly error: { readonly code: number | null; readonly killed: boolean; readonly message: string } | null;
}

function execDirect(file: string, args: readonly string[], o: ExecRequest): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], { cwd: o.cwd, env: o.env, timeout: o.timeout, maxBuffer: o.maxBuffer, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      resolve({ stdout, stderr, error: err ? { code: typeof code === 'number' ? code : null, killed: !!(err as { killed?: boolean }).killed, message: err.message } : null });
    });
    if (o.stdin !== undefined) child.stdin?.end(o.stdin);
    if (o.onStdout) child.stdout?.on('data', o.onStdout);
  });
}

/** The helper's program: runs each requested command with execFile and sends back what it printed. */
const LAUNCHER_PROGRAM = `
const { execFile } = require('node:child_process');
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  const child = execFile(m.file, m.args, { cwd: m.cwd, env: m.env, timeout: m.timeout, maxBuffer: m.maxBuffer, encoding: 'utf8' }, (err, stdout, stderr) => {
    const error = err ? { code: typeof err.code === 'number' ? err.code : null, killed: !!err.killed, message: err.message } : null;
    process.send({ id: m.id, stdout, stderr, error });
  });
  if (typeof m.stdin === 'string') child.stdin.end(m.stdin);
});
`;

/** A small node process that starts processes on request over its IPC channel (see Helm.withLauncher). */
class Launcher {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (r: ExecResult) => void; file: string; args: readonly string[]; request: ExecRequest }>();
  private nextId = 0;
  private gone = false;
  private closed = false;

  public constructor() {
    // A plain node: NODE_OPTIONS may preload a TypeScript loader, which the helper does not need.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    this.child = spawn(process.execPath, ['-e', LAUNCHER_PROGRAM], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
    this.child.on('message', (m: ExecResult & { id: number }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve({ stdout: m.stdout, stderr: m.stderr, error: m.error });
    });
    const gone = () => {
      this.gone = true;
      // What the helper had not answered runs here instead.
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        void execDirect(p.file, p.args, p.request).then(p.resolve);
      }
    };
    this.child.on('exit', gone);
    this.child.on('error', gone);
    this.child.on('disconnect', gone);
  }

  public get alive(): boolean {
    return !this.gone && !this.closed;
  }

  public exec(file: string, args: readonly string[], request: ExecRequest): Promise<ExecResult> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, file, args, request });
      const sent = this.child.send({ id, file, args, ...request }, (err) => {
        if (err && this.pending.delete(id)) void execDirect(file, args, request).then(resolve);
      });
      if (!sent && !this.child.connected && this.pending.delete(id)) void execDirect(file, args, request).then(resolve);
    });
  }

  public close(): void {
    this.closed = true;
    if (this.child.connected) this.child.disconnect();
    this.child.unref();
  }
}
