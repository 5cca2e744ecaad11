/**
 * generate's memory of environments between runs: what each environment made (its files, warnings,
 * served versions) and what its checks said, reused while nothing the environment read has
 * changed. Planning an environment is a function of its definition and the catalog entries it
 * reads (@strata/gitops reads no file while planning; recordingCatalog records the entries), and its
 * checks of its own files and the release templates of its charts. So an entry serves when:
 * - the toolkit is the same (its digest: the libraries, the CLI and their locked dependencies),
 * - the definition is the same (its file, name, and the definition as loaded, as JSON), and
 * - every catalog entry it read is the same: the chart's cache key (which decides its templates,
 *   schema and defaults), its version and its published digests; a chart it looked up and did not
 *   find must still be missing; an environment that listed the catalog depends on all of it.
 * An edit of one workload then plans and checks again only the environments deploying it, and
 * within them resolves again only the releases whose chart or values changed (each environment's
 * entry keeps its releases' reference summaries).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { baseFiles, ChartCatalog, EnvironmentsTree, LoadedEnvironment, MadeEnvironment } from '@strata/gitops';
import type { ReleaseSummary } from '@strata/checks';
import { ChartCache, ChartOutput, folderStamp, readTextIfPresent } from './chart-cache';


/** One environment's entry. */
interface StoredEnvironment {
  readonly version: 3;
  /** Toolkit and definition. */
  readonly key: string;
  /** Chart → identity (see identity) of every catalog entry read. */
  readonly reads: { readonly [chart: string]: string | undefined };
  /** The identity of the whole catalog, when the environment listed it. */
  readonly all?: string;
  /** Its files (`<env>/…` and the bases `base/apps/<workload>/…`), warnings and served versions. */
  readonly made: { readonly files: readonly string[]; readonly warnings: readonly string[]; readonly served: MadeEnvironment['served'] };
  /** environments/<env> right after generate wrote it (folderStamp): its files are then what it made, and are read from there. */
  readonly stamp: string;
  /** The reference lint's and the lifecycle rules' warnings for the environment. */
  readonly references: readonly string[];
  readonly lifecycle: readonly string[];
}

/** Its releases' reference summaries, by release key (see environmentSummaries of @strata/checks), kept beside the entry: read only for an environment checked again. */
type StoredSummaries = { readonly [release: string]: ReleaseSummary };

/** What the checks said of one environment this run. */
export interface CheckedEnvironment {
  readonly references: readonly string[];
  readonly lifecycle: readonly string[];
}

export class EnvironmentMemo {
  private readonly entries = new Map<string, StoredEnvironment | undefined>();
  private readonly reused = new Map<string, StoredEnvironment>();

  public constructor(
    private readonly root: string,
    private readonly cache: ChartCache,
    private readonly outputs: ReadonlyMap<string, ChartOutput>,
    private readonly catalog: ChartCatalog,
  ) {}

  /** An earlier run's output of `e`, when nothing it read has changed (for environmentsFromDefinitions). */
  public readonly reuse = (e: LoadedEnvironment): MadeEnvironment | undefined => {
    const stored = this.stored(e.name);
    const key = this.keyOf(e);
    if (!stored || key === undefined || stored.key !== key) return undefined;
    if (stored.all !== undefined && (this.wholeCatalog() === undefined || stored.all !== this.wholeCatalog())) return undefined;
    if (!Object.entries(stored.reads).every(([chart, id]) => id !== undefined && this.identity(chart) === id)) return undefined;
    // Its folder as the last write left it (nobody changed a file since): its files are read from there;
    // the bases are made again from the catalog entries (each is the same for every environment).
    const dir = join(this.root, 'environments');
    if (folderStamp(join(dir, e.name)) !== stored.stamp) return undefined;
    const files: [string, string][] = [];
    for (const rel of stored.made.files) {
      const base = /^base\/apps\/([^/]+)\//.exec(rel);
      const content = base ? baseFiles(base[1], this.catalog[base[1]]).get(rel) : readTextIfPresent(join(dir, rel));
      if (content === undefined) return undefined;
      files.push([rel, content]);
    }
    this.reused.set(e.name, stored);
    return { files, warnings: stored.made.warnings, served: stored.made.served };
  };

  /** The checks' findings of an environment reused this run, as they were. */
  public checked(name: string): CheckedEnvironment | undefined {
    return this.reused.get(name);
  }

  /** Keeps, for each environment planned this run, what it made and what its checks said (after a successful run that wrote environments/: the stamp of each folder is taken as the write left it). */
  public keep(envs: EnvironmentsTree, checked: ReadonlyMap<string, CheckedEnvironment>): void {
    const dir = join(this.root, 'environments');
    for (const e of envs.definitions) {
      const made = envs.made.get(e.name);
      const read = envs.reads.get(e.name);
      const found = checked.get(e.name);
      const key = this.keyOf(e);
      if (envs.reused.has(e.name) || !made || !read || key === undefined) continue;
      const reads = read.charts.map((c) => [c, this.identity(c)] as const);
      const stamp = folderStamp(join(dir, e.name));
      if (reads.some(([, id]) => id === undefined) || (read.all && this.wholeCatalog() === undefined) || stamp === undefined) continue;
      const entry: StoredEnvironment = {
        version: 3,
        key,
        reads: Object.fromEntries(reads),
        ...(read.all ? { all: this.wholeCatalog() } : {}),
        made,
        stamp,
        references: found?.references ?? [],
        lifecycle: found?.lifecycle ?? [],
      };
      this.cache.keepEnvironment(e.name, 'made', entry);
    }
  }

  /**
   * The release summaries the last run of this environment made (release key → summary): a
   * release whose chart, name, namespace and values are unchanged is not resolved again.
   */
  public summaries(environment: string): Map<string, ReleaseSummary> {
    const stored = this.cache.environment(environment, 'summaries') as { summaries?: StoredSummaries } | undefined;
    // Summaries are content-addressed (chart key, version, release, namespace, values): any earlier run's serve.
    return new Map(Object.entries(stored?.summaries ?? {}));
  }

  /** Keeps the summaries of an environment's releases (those this run used) for the next run. */
  public keepSummaries(environment: string, summaries: ReadonlyMap<string, ReleaseSummary>): void {
    this.cache.keepEnvironment(environment, 'summaries', { summaries: Object.fromEntries(summaries) });
  }

  private stored(name: string): StoredEnvironment | undefined {
    if (!this.entries.has(name)) {
      const raw = this.cache.environment(name, 'made') as Partial<StoredEnvironment> | undefined;
      this.entries.set(name, raw?.version === 3 && typeof raw.key === 'string' && typeof raw.stamp === 'string' && raw.made && raw.reads ? (raw as StoredEnvironment) : undefined);
    }
    return this.entries.get(name);
  }

  /** Toolkit and definition; undefined when the definition has no JSON form (then nothing is reused). */
  private keyOf(e: LoadedEnvironment): string | undefined {
    let definition: string | undefined;
    try {
      definition = JSON.stringify(e.definition);
    } catch {
      return undefined;
    }
    if (definition === undefined) return undefined;
    return createHash('sha256').update('strata-environment/1\0').update(this.cache.toolkitKey).update('\0').update(e.file).update('\0').update(e.name).update('\0').update(definition).digest('hex');
  }

  /** A catalog entry's identity: the chart's cache key, its version and published digests; "absent" when there is no such chart. */
  private identity(chart: string): string | undefined {
    const entry = Object.prototype.hasOwnProperty.call(this.catalog, chart) ? this.catalog[chart] : undefined;
    if (!entry) return 'absent';
    // A chart made without a cache key cannot be told apart from another: nothing depending on it is kept or reused.
    const key = this.outputs.get(chart)?.key;
    return key === undefined ? undefined : `${key}\0${entry.version}\0${JSON.stringify(entry.digests ?? {})}`;
  }

  private wholeCatalogId: string | null | undefined;

  private wholeCatalog(): string | undefined {
    if (this.wholeCatalogId === undefined) {
      const ids = Object.keys(this.catalog).sort().map((c) => [c, this.identity(c)] as const);
      this.wholeCatalogId = ids.some(([, id]) => id === undefined) ? null : createHash('sha256').update(ids.map(([c, id]) => `${c}\0${id}`).join('\n')).digest('hex');
    }
    return this.wholeCatalogId ?? undefined;
  }
}
