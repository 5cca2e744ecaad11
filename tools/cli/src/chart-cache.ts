/**
 * generate's memory between runs: each chart's synthesized output, keyed by everything that
 * decides it. A chart whose key is known is not loaded, constructed or written again; that is
 * what makes a one-workload edit cost one chart's synthesis instead of every chart's.
 *
 * The key of a chart is a SHA-256 over its own inputs: its package's files (src/, package.json,
 * tsconfig.json…, not tests) and the package-lock.json entries of the packages it can load (its
 * dependencies, theirs, …, as Node resolves them), and the toolkit (the library packages' sources
 * and package.json files, the CLI's sources, tsconfig.base.json, and the lock entries the
 * libraries and the CLI can load). Not the whole package-lock.json: adding a workload package
 * (which `npm install` records there) would change every chart's key and make the next run
 * synthesize every chart again; it changes only the entries of the new package. The
 * version is decided after the lookup (it depends on the version recorded in charts/): an entry
 * serves only when it carries the version that would be chosen now. Entries are content-addressed,
 * so an entry is always safe to reuse, whoever wrote it; entries unused for a week are removed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChartEntry } from '@strata/gitops';
import { listTree, ReleaseTemplate } from '@strata/helm';
import { cacheDir, usableCacheDir } from './cache-dir.cjs';
import { WorkloadPackage } from './workspace';

/** What generate keeps of one chart. */
export interface ChartOutput {
  /** The cache key it was made or found under (none without a cache). */
  readonly key?: string;
  /** Its Chart.yaml (version and content digest). */
  readonly chartYaml: string;
  /** How many files it has. */
  readonly fileCount: number;
  /** The chart's files, relative to charts/<name>/ (read from the cache only when asked for). */
  readonly files: Map<string, string>;
  readonly warnings: string[];
  /** The number of Kubernetes objects (for the progress line). */
  readonly objects: number;
  /** The chart as data, resolvable for any release without cdk8s or helm (the reference lint). */
  readonly template: ReleaseTemplate;
  /** What environments need to know of the chart (its published digest is added per run). */
  readonly catalog: ChartEntry;
  /**
   * Set when the thread that made the chart staged its files for the write of charts/ (see
   * stageFile of @strata/helm): `written` (`<chart>/<file>`) differ from charts/ and are staged,
   * `current` are what charts/ holds already.
   */
  readonly staged?: { readonly written: readonly string[]; readonly current: readonly string[] };
}

/** Folders of a package that never change its chart. */
const NOT_INPUTS = new Set(['node_modules', 'dist', 'coverage', 'test', '__snapshots__', '.nx']);

/** Where generate's cache lives: STRATA_CACHE_DIR (an empty one counts as unset), else node_modules/.cache/strata of the repository. */
export { cacheDir } from './cache-dir.cjs';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export class ChartCache {
  private readonly toolkit: string;
  private readonly used = new Set<string>();

  private readonly dir: string;

  /** The cache's folder (charts/ and valid-values.json inside). */
  public readonly folder: string;

  /** Throws a clear Error when the folder cannot be made or written (see usableCacheDir). */
  private readonly lock: PackageLock;

  public constructor(root: string, folder: string = cacheDir(root)) {
    this.folder = usableCacheDir(root, folder);
    this.lock = new PackageLock(root);
    this.toolkit = toolkitDigest(root, this.lock);
    this.dir = join(folder, 'charts');
  }

  /** The value sets the last run found valid (see `validValues` of @strata/gitops). */
  public validValues(): string[] {
    const keys = readJson(join(this.folder, 'valid-values.json'));
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  }

  /** Keeps the value sets this run found valid, for the next run. */
  public keepValidValues(keys: Iterable<string>): void {
    writeJson(join(this.folder, 'valid-values.json'), [...keys].sort());
  }

  /** The digest of the toolkit (libraries, CLI, their locked dependencies): what every output depends on besides its own inputs. */
  public get toolkitKey(): string {
    return this.toolkit;
  }

  /** A part (`made`, `summaries`) of what an environment's last successful run left (see EnvironmentMemo), or undefined. */
  public environment(name: string, part: string): unknown {
    return readJson(join(this.folder, 'environments', `${name}.${part}.json`));
  }

  /** Keeps a part of what an environment made, for the next run. */
  public keepEnvironment(name: string, part: string, entry: unknown): void {
    writeJson(join(this.folder, 'environments', `${name}.${part}.json`), entry);
  }

  /** The key of a chart package as it is now. */
  public keyOf(w: WorkloadPackage): string {
    const hash = createHash('sha256').update('strata-chart-cache/5\0').update(this.toolkit).update('\0').update(w.name).update('\0');
    hashFiles(hash, w.dir, '');
    // The lock entries only this package loads (the toolkit's are in the toolkit digest).
    hash.update('lock\0').update(this.lock.closureDigest([w.source], this.lock.toolkitClosure));
    return hash.digest('hex');
  }

  /**
   * The entry of `key`, or undefined. Its files and its release template are files of their own,
   * read when first asked for: a run needs the files only of charts it must write, and the
   * template only of charts whose releases it must resolve again.
   */
  public get(key: string): ChartOutput | undefined {
    const part = (name: string) => join(this.dir, `${key}${name}.json`);
    // A missing or damaged entry is a miss; the next put replaces it.
    const meta = readJson(part('')) as Omit<ChartOutput, 'files' | 'key' | 'template'> | undefined;
    if (typeof meta?.chartYaml !== 'string' || !meta.catalog || !existsSync(part('.files')) || !existsSync(part('.template'))) return undefined;
    this.used.add(key);
    let files: Map<string, string> | undefined;
    let template: ReleaseTemplate | undefined;
    return {
      ...meta,
      key,
      get files(): Map<string, string> {
        files ??= new Map(Object.entries(JSON.parse(readFileSync(part('.files'), 'utf8')) as Record<string, string>));
        return files;
      },
      get template(): ReleaseTemplate {
        template ??= JSON.parse(readFileSync(part('.template'), 'utf8')) as ReleaseTemplate;
        return template;
      },
    };
  }

  public put(key: string, out: ChartOutput): void {
    const write = (name: string, value: unknown) => writeJson(join(this.dir, `${key}${name}.json`), value);
    // The parts first: an entry is served only once its metadata exists.
    write('.files', Object.fromEntries(out.files));
    write('.template', out.template);
    const { warnings, objects, catalog, chartYaml, fileCount } = out;
    write('', { warnings, objects, catalog, chartYaml, fileCount });
    this.used.add(key);
  }

  /** What the last successful write left in charts/: per chart, the entry written and the state of its files. */
  public writtenCharts(root: string): { [chart: string]: { key: string; stamp: string } } {
    const r = readJson(join(this.folder, 'written.json')) as { root: string; charts: { [chart: string]: { key: string; stamp: string } } } | undefined;
    return r?.root === root ? r.charts : {};
  }

  public keepWrittenCharts(root: string, charts: { [chart: string]: { key: string; stamp: string } }): void {
    writeJson(join(this.folder, 'written.json'), { root, charts });
  }

  /** Marks the entries used by this run as fresh and removes entries nobody used for a week. */
  public prune(now = Date.now()): void {
    if (!existsSync(this.dir)) return;
    const t = new Date(now);
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      const key = name.replace(/(\.files|\.template)?\.json$/, '');
      try {
        if (this.used.has(key)) utimesSync(path, t, t);
        else if (now - statSync(path).mtimeMs > WEEK_MS || name.includes('.tmp-')) rmSync(path, { force: true });
      } catch {
        /* removed meanwhile by another run */
      }
    }
  }
}

/** A file's text, or undefined when it cannot be read (missing). */
export function readTextIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A cache file's JSON, or undefined when it is missing or damaged (a cache miss). */
function readJson(file: string): unknown {
  const text = readTextIfPresent(file);
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes a cache file whole or not at all (another run may be reading it). */
function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(value));
  renameSync(`${file}.tmp-${process.pid}`, file);
}

/** The folders of the toolkit: the library packages (packages/* with a package.json) and the CLI. */
function toolkitPackages(root: string): string[] {
  const libraries = existsSync(join(root, 'packages')) ? readdirSync(join(root, 'packages')).sort().map((d) => `packages/${d}`) : [];
  // Folders of chart packages (workloads, storage-charts) have no package.json of their own.
  return [...libraries, 'tools/cli'].filter((lib) => existsSync(join(root, lib, 'package.json')));
}

/** The digest of everything but the chart packages that a chart's output can depend on. */
export function toolkitDigest(root: string, lock: PackageLock = new PackageLock(root)): string {
  const hash = createHash('sha256').update('toolkit\0');
  const p = join(root, 'tsconfig.base.json');
  hash.update('tsconfig.base.json').update('\0').update(existsSync(p) ? readFileSync(p) : '').update('\0');
  const libs = toolkitPackages(root);
  for (const lib of libs) {
    hash.update(lib).update('\0').update(readFileSync(join(root, lib, 'package.json'))).update('\0');
    if (existsSync(join(root, lib, 'src'))) hashFiles(hash, join(root, lib, 'src'), `${lib}/src`);
  }
  // What the libraries and the CLI load from node_modules, at the versions package-lock.json records.
  hash.update('lock\0').update(lock.closureDigest(libs, new Set(), lock.toolkitClosure));
  return hash.digest('hex');
}

type LockEntry = { readonly resolved?: string; readonly link?: boolean; readonly dependencies?: Record<string, string>; readonly optionalDependencies?: Record<string, string>; readonly peerDependencies?: Record<string, string> };

/**
 * package-lock.json (lockfileVersion 2 or 3: `packages`, by location), and the entries a package
 * can load: its dependencies, resolved as Node does from its location (its own node_modules, then
 * each folder above), workspace links followed to their folders, then theirs, and so on.
 */
export class PackageLock {
  private readonly packages: { readonly [location: string]: LockEntry };
  /** The locations the toolkit loads (filled by toolkitDigest). */
  public readonly toolkitClosure = new Set<string>();

  public constructor(root: string) {
    const lock = readJson(join(root, 'package-lock.json')) as { packages?: { [location: string]: LockEntry } } | undefined;
    this.packages = lock?.packages ?? {};
  }

  /**
   * A digest of the lock entries reachable from `starts` (locations such as packages/helm),
   * leaving out (and not going past) those in `known`; the locations reached are added to `into`.
   */
  public closureDigest(starts: readonly string[], known: ReadonlySet<string>, into: Set<string> = new Set()): string {
    const seen = new Set<string>();
    const queue = [...starts];
    while (queue.length > 0) {
      const at = queue.pop()!;
      if (seen.has(at) || known.has(at)) continue;
      seen.add(at);
      const entry = this.packages[at];
      if (!entry) continue;
      for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
        const found = this.resolve(dep, at);
        if (found) queue.push(found);
      }
    }
    const hash = createHash('sha256');
    for (const at of [...seen].sort()) {
      into.add(at);
      hash.update(at).update('\0').update(JSON.stringify(this.packages[at] ?? null)).update('\0');
    }
    return hash.digest('hex');
  }

  /** Where `name` is found from the package at `from`, a workspace link followed to its folder. */
  private resolve(name: string, from: string): string | undefined {
    for (let dir = from; ; ) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      const entry = this.packages[candidate];
      if (entry) return entry.link && entry.resolved ? entry.resolved : candidate;
      if (!dir) return undefined;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i >= 0 ? dir.slice(0, i) : dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    }
  }
}

/**
 * The state of a chart folder on disk: every file's path, size and modification time. Equal to
 * the stamp taken right after generate wrote the folder means nobody changed a file since.
 */
export function folderStamp(dir: string): string | undefined {
  try {
    const parts = listTree(dir).map((rel) => {
      const st = statSync(join(dir, rel), { bigint: true });
      return `${rel}\0${st.size}\0${st.mtimeNs}\0${st.ino}`;
    });
    return createHash('sha256').update(parts.join('\n')).digest('hex');
  } catch {
    return undefined;
  }
}

/** Adds every file below `dir` (sorted, paths and contents) to `hash`, skipping NOT_INPUTS folders. */
function hashFiles(hash: ReturnType<typeof createHash>, dir: string, prefix: string): void {
  for (const rel of listTree(dir, (folder) => NOT_INPUTS.has(folder.slice(folder.lastIndexOf('/') + 1)))) {
    hash.update(prefix ? `${prefix}/${rel}` : rel).update('\0').update(readFileSync(join(dir, rel))).update('\0');
  }
}
