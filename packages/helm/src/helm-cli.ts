import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmPath } from '@strata/toolchain';

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

  /** Runs helm; resolves with stdout, rejects with a HelmError. */
  public run(args: readonly string[], options: { timeoutMs?: number; cwd?: string; stdin?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.binary,
        [...args],
        { cwd: options.cwd, env: this.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err) {
            const code = typeof (err as NodeJS.ErrnoException).code === 'number' ? ((err as unknown as { code: number }).code) : null;
            const extra = (err as { killed?: boolean }).killed ? `timed out after ${options.timeoutMs ?? 120_000} ms\n` : '';
            reject(new HelmError(args, code, extra + (stderr || (err as Error).message), stdout));
          } else resolve(stdout);
        },
      );
      if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    });
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

  /** `helm package` of many charts in one process; returns the archive paths in chart order. */
  public async package(charts: readonly string[], destination: string): Promise<string[]> {
    const out = await this.run(['package', ...charts, '--destination', destination]);
    return [...out.matchAll(/Successfully packaged chart and saved it to: (.+)$/gm)].map((m) => m[1].trim());
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
    return this.run(args, { timeoutMs: options.timeoutMs });
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
    await this.run(args, { stdin: password });
  }

  /** Runs helm and returns stdout and stderr together (helm push reports on stderr). */
  private runCombined(args: readonly string[], timeoutMs?: number): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.binary, [...args], { env: this.env, timeout: timeoutMs ?? 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new HelmError(args, typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : null, stderr || (err as Error).message, stdout));
        else resolve(`${stdout}\n${stderr}`);
      });
    });
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
