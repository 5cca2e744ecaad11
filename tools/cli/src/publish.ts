import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Helm, HelmError, recordedChart } from '@strata/helm';
import { registryKey } from '@strata/gitops';
import { findWorkloads } from './workspace';

/**
 * Where publish records what it pushed, by registry: an environment's overlays pin the digest
 * recorded for the registry that environment pulls from (its `registry`), and no other.
 */
export const PUBLISHED_FILE = 'environments/published.json';

/** One published chart version in one registry. */
export interface PublishedChart {
  readonly version: string;
  /** The manifest digest the registry returned. */
  readonly digest: string;
  readonly contentDigest: string;
}

/** registry URL (oci://host/path) → chart name → version → what was pushed. */
export type PublishedRecord = { [registry: string]: { [chart: string]: { [version: string]: PublishedChart } } };

export interface PublishOptions {
  readonly root: string;
  /** oci://host[:port]/path */
  readonly registry: string;
  /** Chart names; @default every chart package */
  readonly charts?: readonly string[];
  /** For a registry without TLS (127.0.0.1 in tests). @default false */
  readonly plainHttp?: boolean;
  /** Pushes (and version checks) at once. @default 4 */
  readonly concurrency?: number;
  /** Also write a classic chart repository (index.yaml + archives) into this folder. */
  readonly repoDir?: string;
  /** The URL the classic repository is served from (for index.yaml). */
  readonly repoUrl?: string;
  readonly helm?: Helm;
  readonly log?: (line: string) => void;
}

export type PublishOutcome =
  | { readonly chart: string; readonly version: string; readonly status: 'pushed' | 'unchanged'; readonly digest: string }
  | { readonly chart: string; readonly version: string; readonly status: 'failed'; readonly error: string };

/** A publish in which some charts failed; the record holds only what really is in the registry. */
export class PublishError extends Error {
  public constructor(public readonly outcomes: PublishOutcome[]) {
    const failed = outcomes.filter((o): o is Extract<PublishOutcome, { status: 'failed' }> => o.status === 'failed');
    super(`publish failed for ${failed.length} chart(s):\n  ${failed.map((f) => f.error).join('\n  ')}`);
    this.name = 'PublishError';
  }
}

const OCI_URL = /^oci:\/\/([a-zA-Z0-9.-]+(:\d+)?)(\/[a-z0-9._/-]+)?$/;

/**
 * Packages charts and pushes them to an OCI registry. Versions are immutable: a version already
 * in the registry with the same content digest is left alone (no push); with another content it
 * is refused. What was pushed (version and manifest digest) is recorded in
 * environments/published.json — only on success, so overlays never pin a version that is not
 * in the registry.
 */
export async function publishCharts(options: PublishOptions): Promise<PublishOutcome[]> {
  const log = options.log ?? (() => undefined);
  const m = OCI_URL.exec(options.registry);
  if (!m) throw new Error(`'registry' (${JSON.stringify(options.registry)}) must be an oci:// URL such as oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts; set it in the environment, with --registry, or in STRATA_REGISTRY`);
  // Recorded as environments compare it (registryKey: lowercase host, no trailing slash).
  const registry = registryKey(options.registry);
  const helm = options.helm ?? new Helm();
  const all = findWorkloads(options.root);
  const names = options.charts ?? all.map((w) => w.name);
  for (const n of names) if (!all.some((w) => w.name === n)) throw new Error(`'chart' (${JSON.stringify(n)}) must be one of ${all.map((w) => w.name).join(', ')}`);

  const charts = names.map((name) => {
    const dir = join(options.root, 'charts', name);
    const chartYaml = join(dir, 'Chart.yaml');
    if (!existsSync(chartYaml)) throw new Error(`charts/${name} does not exist; run \`npm run generate\` first`);
    const rec = recordedChart(readFileSync(chartYaml, 'utf8'));
    if (!rec?.contentDigest) throw new Error(`charts/${name}/Chart.yaml has no content digest; run \`npm run generate\``);
    return { name, dir, version: rec.version, contentDigest: rec.contentDigest };
  });

  const plainHttp = !!options.plainHttp;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, charts.length));
  const work = mkdtempSync(join(tmpdir(), 'strata-publish-'));
  try {
    // One helm package for every chart; each chart's push starts as soon as its archive is
    // written, and whether its version is already in the registry (one HTTP HEAD, no helm process)
    // is asked meanwhile: packaging is one process on one core, the rest uses the others.
    const limit = limiter(concurrency);
    const states = charts.map((c) => limit(() => tagState(registry, c.name, c.version, plainHttp)));
    const archives = charts.map(() => deferred<string>());
    log(`package ${charts.length} chart(s)…`);
    const packaged = charts.length === 0 ? Promise.resolve([]) : helm.package(charts.map((c) => c.dir), work, { onArchive: (i, a) => archives[i]?.resolve(a) });
    let packageFailed = false;
    packaged.then(
      (written) => archives.forEach((a, i) => (i < written.length ? a.resolve(written[i]) : a.reject(new Error(`helm package reported no archive for charts/${charts[i].name}`)))),
      (e) => {
        packageFailed = true;
        archives.forEach((a) => a.reject(e));
      },
    );
    const outcomes: (PublishOutcome | undefined)[] = new Array(charts.length);
    let done = 0;
    const pushAll = () =>
      mapLimit(charts, concurrency, async (chart, i) => {
        let o: PublishOutcome;
        try {
          o = await publishOne(helm, registry, chart, await archives[i].promise, await states[i], plainHttp, work);
        } catch (e) {
          if (packageFailed) return; // thrown below, once what was pushed before is recorded
          o = { chart: chart.name, version: chart.version, status: 'failed', error: (e as Error).message };
        }
        outcomes[i] = o;
        done++;
        log(`[${done}/${charts.length}] ${o.chart} ${o.version}: ${o.status === 'failed' ? `FAILED — ${o.error}` : `${o.status} ${o.digest}`}`);
      });
    // A helm process per chart: from a small helper process when there are many (see Helm.withLauncher).
    await (charts.length >= LAUNCHER_FROM ? helm.withLauncher(pushAll) : pushAll());

    const ok = outcomes.filter((o): o is Extract<PublishOutcome, { digest: string }> => !!o && o.status !== 'failed');
    recordPublished(options.root, registry, ok.map((o) => ({ chart: o.chart, version: o.version, digest: o.digest, contentDigest: charts.find((c) => c.name === o.chart)!.contentDigest })));
    const written = await packaged; // a package failure is thrown here, once what was pushed before it is recorded
    if (options.repoDir) await writeClassicRepository(helm, options.repoDir, written, options.repoUrl);
    const final = outcomes as PublishOutcome[];
    if (final.some((o) => o.status === 'failed')) throw new PublishError(final);
    return final;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Pushes at once unless told: helm processes are CPU-bound (mostly their start-up), so about two per core keep every core busy. */
const DEFAULT_CONCURRENCY = 4;
/** From this many charts, helm processes start from a helper process (its start costs about as much as this many forks of a large process). */
const LAUNCHER_FROM = 8;

/** `fn` over `items`, at most `limit` at once; results in item order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Runs the functions given to it at most `n` at once, in the order given. */
function limiter(n: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let active = 0;
  const queue: (() => void)[] = [];
  return (fn) =>
    new Promise((resolve, reject) => {
      const start = () => {
        active++;
        fn()
          .then(resolve, reject)
          .finally(() => {
            active--;
            queue.shift()?.();
          });
      };
      if (active < n) start();
      else queue.push(start);
    });
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a rejection nobody waits for (helm package failed) is no crash
  return { promise, resolve, reject };
}

async function publishOne(
  helm: Helm,
  registry: string,
  chart: { name: string; version: string; contentDigest: string },
  archive: string,
  state: TagState,
  plainHttp: boolean,
  work: string,
): Promise<PublishOutcome> {
  const ref = `${registry}/${chart.name}`;
  const base = { chart: chart.name, version: chart.version };
  const where = `${registry.replace(/^oci:\/\//, '')} (chart ${chart.name} ${chart.version})`;
  try {
    let existing: string | undefined;
    // One HTTP request answers "not there yet" (the common case) without a helm process; anything
    // else (there, or a registry that wants credentials) goes through helm and its login.
    if (state !== 'absent') {
      try {
        existing = await helm.showChart(ref, chart.version, { plainHttp, timeoutMs: 60_000 });
      } catch (e) {
        if (!(e instanceof HelmError) || !/not found|manifest unknown|name unknown/i.test(e.stderr)) throw e;
      }
    }
    if (existing !== undefined) {
      const published = recordedChart(existing);
      if (published?.contentDigest !== chart.contentDigest) {
        return { ...base, status: 'failed', error: `${where}: version ${chart.version} is already in the registry with other content (${published?.contentDigest ?? 'no digest'}); versions are immutable: regenerate (changed content bumps the version) or raise the version in the package` };
      }
      const dest = join(work, `pull-${chart.name}`);
      mkdirSync(dest, { recursive: true });
      const digest = await helm.pullDigest(ref, chart.version, dest, { plainHttp });
      return { ...base, status: 'unchanged', digest };
    }
    const pushed = await helm.push(archive, registry, { plainHttp, timeoutMs: 120_000 });
    return { ...base, status: 'pushed', digest: pushed.digest };
  } catch (e) {
    return { ...base, status: 'failed', error: `${where}: ${explain(e)}` };
  }
}

type TagState = 'present' | 'absent' | 'unknown';

/** Whether a tag is in the registry, by the OCI distribution API (`HEAD /v2/<repo>/manifests/<tag>`), when it can tell without credentials. */
async function tagState(registry: string, chart: string, version: string, plainHttp: boolean): Promise<TagState> {
  const [host, ...path] = registry.replace(/^oci:\/\//, '').split('/');
  const url = `${plainHttp ? 'http' : 'https'}://${host}/v2/${[...path, chart].join('/')}/manifests/${version}`;
  try {
    const res = await fetch(url, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' }, signal: AbortSignal.timeout(10_000) });
    if (res.status === 200) return 'present';
    if (res.status === 404) return 'absent';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Turns helm's registry errors into what a person needs to know. */
function explain(e: unknown): string {
  const text = e instanceof HelmError ? e.stderr.trim() : (e as Error).message;
  if (/connection refused|no such host|dial tcp|i\/o timeout/i.test(text)) return `registry unreachable: ${lastLine(text)}`;
  if (/unauthorized|401|authentication required|denied|credential not found|no basic auth credentials/i.test(text)) return `authentication refused: log in with \`helm registry login\` or set STRATA_REGISTRY_USERNAME/STRATA_REGISTRY_PASSWORD (${lastLine(text)})`;
  if (/timed out|deadline exceeded/i.test(text)) return `timed out: ${lastLine(text)}`;
  return lastLine(text);
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? s;
}

/** Reads environments/published.json (empty when missing). */
export function readPublished(root: string): PublishedRecord {
  const file = join(root, PUBLISHED_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PublishedRecord) : {};
}

function recordPublished(root: string, registry: string, entries: { chart: string; version: string; digest: string; contentDigest: string }[]): void {
  if (entries.length === 0) return;
  const record = readPublished(root);
  const reg = (record[registry] = record[registry] ?? {});
  for (const e of entries) {
    reg[e.chart] = { ...(reg[e.chart] ?? {}), [e.version]: { version: e.version, digest: e.digest, contentDigest: e.contentDigest } };
  }
  const file = join(root, PUBLISHED_FILE);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(sortDeep(record), null, 2) + '\n');
  renameSync(tmp, file);
}

function sortDeep<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortDeep) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])])) as T;
  return v;
}

/** A classic (HTTPS) chart repository: the archives plus index.yaml, for users who serve charts as files. */
async function writeClassicRepository(helm: Helm, dir: string, archives: string[], url?: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const a of archives) writeFileSync(join(dir, a.split('/').pop()!), readFileSync(a));
  const args = ['repo', 'index', dir];
  if (url) args.push('--url', url);
  if (existsSync(join(dir, 'index.yaml'))) args.push('--merge', join(dir, 'index.yaml'));
  await helm.run(args);
}

/**
 * Logs helm in to the registry from STRATA_REGISTRY_USERNAME / STRATA_REGISTRY_PASSWORD when both
 * are set (helm keeps the login in its own config, never in the repository); otherwise relies on
 * an earlier `helm registry login`.
 */
export async function registryLoginFromEnv(registry: string, plainHttp: boolean, helm: Helm = new Helm()): Promise<void> {
  const user = process.env.STRATA_REGISTRY_USERNAME;
  const password = process.env.STRATA_REGISTRY_PASSWORD;
  if (!user || !password) return;
  const host = registry.replace(/^oci:\/\//, '').split('/')[0];
  try {
    await helm.registryLogin(host, user, password, { plainHttp });
  } catch (e) {
    throw new Error(`registry ${host}: authentication refused for user ${user}: ${explain(e)}`);
  }
}
