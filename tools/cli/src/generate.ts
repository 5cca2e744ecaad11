import { join } from 'node:path';
import { ChartCatalog, EnvironmentError, EnvironmentsTree, environmentsForCatalog, ExternalUsers, isKeptInEnvironments, PublishedDigests, schemaProblems, validValues, withExternalUsers } from '@strata/gitops';
import { diffTree, recordedChart, recoverTrees, writeTreesAtomically } from '@strata/helm';
import { ChartCache, ChartOutput, folderStamp } from './chart-cache';
import { synthesizeInParallel } from './parallel';
import { ChartReleases, checkSummaries, environmentNames, environmentsLifecycle, environmentSummaries } from '@strata/checks';
import { CheckedEnvironment, EnvironmentMemo } from './environment-memo';
import { readPublished } from './publish';
import { cachedChart } from './synthesize';
import { upgradeSafety } from './upgrade-safety';
import { findWorkloads, packagesMisnamedForNx, packagesMissingFromLock, WorkloadPackage, WorkspaceError } from './workspace';

export interface GenerateOptions {
  /** The repository root. */
  readonly root: string;
  /** Compare with what is on disk instead of writing. @default false */
  readonly check?: boolean;
  /** Progress lines go here. @default - none */
  readonly log?: (line: string) => void;
  /** Reuse (and keep) unchanged charts' output between runs (see ChartCache); false synthesizes every chart. @default true */
  readonly cache?: boolean;
}

export interface GenerateResult {
  readonly charts: number;
  /** Charts synthesized by this run (the others were unchanged and came from the cache). */
  readonly synthesized: number;
  readonly environments: number;
  readonly files: number;
  /** Whether anything was written (false when the output was already current). */
  readonly written: boolean;
  readonly warnings: string[];
  /** With `check`: the files that differ from what would be generated. */
  readonly differences: string[];
  /** Wall milliseconds of each phase: charts, overlays, references, then write (or compare). */
  readonly phases: { readonly [phase: string]: number };
}

/** Every error of a generate run, across all workloads; nothing was written. */
export class GenerateError extends Error {
  public constructor(public readonly errors: string[]) {
    super(`generate failed with ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written:\n  ${errors.join('\n  ')}`);
    this.name = 'GenerateError';
  }
}

/**
 * Every chart's output, by chart name, in the order of `workloads`: unchanged charts from the
 * cache, the others synthesized on every core (see synthesizeInParallel). All errors of all
 * charts are reported together.
 */
export async function chartOutputs(
  workloads: readonly WorkloadPackage[],
  options: { cache?: ChartCache; log?: (line: string) => void; threads?: number; stage?: string } = {},
): Promise<Map<string, ChartOutput & { cached: boolean }>> {
  const log = options.log ?? (() => undefined);
  const found = new Map<string, ChartOutput & { cached: boolean }>();
  const missing: WorkloadPackage[] = [];
  for (const w of workloads) {
    const hit = cachedChart(w, options.cache);
    if (hit) found.set(w.name, hit);
    else missing.push(w);
  }
  const errors: string[] = [];
  let done = 0;
  const results = await synthesizeInParallel(missing, {
    cache: options.cache,
    threads: options.threads,
    stage: options.stage,
    onResult: (w, r) => {
      done++;
      if (r.output) log(`[${done}/${missing.length}] ${w.name}: ${r.output.objects} objects, ${r.output.fileCount} files`);
    },
  });
  results.forEach((r, i) => {
    if (r.output) found.set(missing[i].name, r.output);
    else errors.push(...(r.errors ?? []));
  });
  if (errors.length > 0) throw new GenerateError(errors);
  log(`charts: ${workloads.length} (${missing.length} synthesized, ${workloads.length - missing.length} unchanged from the cache)`);
  return new Map(workloads.map((w) => [w.name, found.get(w.name)!]));
}

/** charts/ as one tree (`<chart>/<file>`). */
function treeOf(outputs: ReadonlyMap<string, ChartOutput>): Map<string, string> {
  const tree = new Map<string, string>();
  for (const [name, o] of outputs) for (const [rel, content] of o.files) tree.set(`${name}/${rel}`, content);
  return tree;
}

function warningsOf(outputs: ReadonlyMap<string, ChartOutput>): string[] {
  return [...outputs].flatMap(([name, o]) => o.warnings.map((m) => `${name}: ${m}`));
}

/** What the reference lint needs of each chart: its release template and version. */
function releasesOf(outputs: ReadonlyMap<string, ChartOutput>): ChartReleases {
  // The template is read (from the cache) only when a release must be resolved again.
  return new Map(
    [...outputs].map(([name, o]) => [
      name,
      {
        get template() {
          return o.template;
        },
        version: recordedChart(o.chartYaml)?.version ?? '0.0.0',
        key: o.key,
      },
    ]),
  );
}

/**
 * Writes the charts of `written` into charts/ in one atomic swap; the other charts of existing
 * packages are carried over, charts whose package is gone disappear.
 */
export function writeCharts(root: string, written: Map<string, Map<string, string>>): boolean {
  const existing = new Set(findWorkloads(root).map((w) => w.name));
  const tree = new Map<string, string>();
  for (const [name, files] of written) for (const [rel, content] of files) tree.set(`${name}/${rel}`, content);
  const keep = (rel: string) => {
    if (isKeptInCharts(rel)) return true;
    const chart = rel.split('/')[0];
    return existing.has(chart) && !written.has(chart);
  };
  recoverTrees(root, [join(root, 'charts'), join(root, 'environments')]);
  return writeTreesAtomically(root, [{ dir: join(root, 'charts'), files: tree, keep }]);
}

/**
 * Synthesizes every chart and every environment's overlays in one pass, checks them all, and
 * only then writes charts/ and environments/ (each swapped atomically); with `check`, compares.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? (() => undefined);
  const chartsDir = join(options.root, 'charts');
  const envDir = join(options.root, 'environments');
  const phases: { [phase: string]: number } = {};
  let started = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - started);
    started = now;
    // For the bench (tools/bench): the heap after each phase, to see what a large run holds.
    if (process.env.STRATA_PHASE_MEMORY) (globalThis as { gc?: () => void }).gc?.();
    if (process.env.STRATA_PHASE_MEMORY) log(`memory after ${name}: heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  };
  if (!options.check) recoverTrees(options.root, [chartsDir, envDir]);
  const workloads = chartPackages(options.root);
  const cache = options.cache === false ? undefined : new ChartCache(options.root);
  try {
    return await generateInto(options, workloads, cache, phases, phase, log);
  } catch (e) {
    // Charts staged by the threads that made them are dropped: a failed run writes nothing.
    if (!options.check) recoverTrees(options.root, [chartsDir]);
    throw e;
  }
}

async function generateInto(
  options: GenerateOptions,
  workloads: WorkloadPackage[],
  cache: ChartCache | undefined,
  phases: { [phase: string]: number },
  phase: (name: string) => void,
  log: (line: string) => void,
): Promise<GenerateResult> {
  const chartsDir = join(options.root, 'charts');
  const envDir = join(options.root, 'environments');
  // Each chart's files are staged for the write by the thread that made it (not with --check, which compares).
  const outputs = await chartOutputs(workloads, { cache, log, ...(options.check ? {} : { stage: chartsDir }) });
  // The value sets earlier runs found valid, before the first check: the charts' own defaults too
  // (each check of a set not known compiles its chart's schema, milliseconds a chart).
  for (const k of cache?.validValues() ?? []) validValues.known.add(k);
  // A chart whose own defaults its schema refuses (a rule a construct attached, a condition across
  // values) is the chart's error, said once against its source, never per environment deploying it.
  const defaultsProblems = [...outputs].flatMap(([name, o]) => {
    const w = workloads.find((x) => x.name === name);
    const where = w ? w.source : `charts/${name}`;
    return schemaProblems(o.catalog.schema, o.catalog.defaults, 'values', `change the default in ${where}, or the rule that refuses it`, o.catalog.schemaRules).map((p) => `${where}: ${p}`);
  });
  if (defaultsProblems.length > 0) throw new GenerateError(defaultsProblems);
  // Charts whose folder is exactly what the last write left for the same entry need no reading,
  // comparing or writing (generate --check compares everything).
  const written = options.check || !cache ? {} : cache.writtenCharts(options.root);
  const settled = new Map<string, { key: string; stamp: string }>();
  for (const [name, o] of outputs) {
    const last = written[name];
    if (last && o.key === last.key && folderStamp(join(chartsDir, name)) === last.stamp) settled.set(name, last);
  }
  const tree = treeOf(new Map([...outputs].filter(([name, o]) => !settled.has(name) && !o.staged)));
  const staged = { written: [...outputs.values()].flatMap((o) => o.staged?.written ?? []), current: [...outputs.values()].flatMap((o) => o.staged?.current ?? []) };
  const warnings = [...packagesMissingFromLock(options.root, workloads), ...packagesMisnamedForNx(workloads), ...warningsOf(outputs)];
  phase('charts');
  const envs = checkedEnvironments(options.root, outputs, cache, log, phase);
  warnings.push(...envs.warnings);
  const files = [...outputs.values()].reduce((n, o) => n + o.fileCount, 0) + envs.tree.size;
  const result = { charts: workloads.length, synthesized: [...outputs.values()].filter((o) => !o.cached).length, environments: envs.environments.length, files, warnings, phases };
  if (options.check) {
    const differences = [...diffTree(chartsDir, tree, isKeptInCharts), ...diffTree(envDir, envs.tree, isKeptInEnvironments)].sort();
    phase('compare');
    // Environments are kept only by a run that wrote them (their folders are stamped as written).
    keep(cache);
    return { ...result, written: false, differences };
  }
  // Upgrade safety: nothing is written that the clusters running the previous version would refuse, or that would orphan data.
  const upgrade = upgradeSafety(options.root, outputs, envs.tree, envs.definitions, envs.reused);
  if (upgrade.errors.length > 0) throw new GenerateError(upgrade.errors);
  warnings.push(...upgrade.notes);
  if (upgrade.compared > 0) log(`upgrades: ${upgrade.compared} release(s) compared with the version before, none refused`);
  phase('upgrades');
  // Both trees in one commit: after a kill they are both old or both new (recoverTrees finishes a committed write).
  const changed = writeTreesAtomically(options.root, [
    { dir: chartsDir, files: tree, staged, keep: (rel) => isKeptInCharts(rel) || settled.has(rel.split('/')[0]), ...(settled.size > 0 ? { keepFolder: (rel: string) => settled.has(rel) } : {}) },
    { dir: envDir, files: envs.tree, keep: isKeptInEnvironments },
  ]);
  phase('write');
  if (cache) {
    const now: { [chart: string]: { key: string; stamp: string } } = {};
    for (const [name, o] of outputs) {
      const stamp = settled.get(name)?.stamp ?? folderStamp(join(chartsDir, name));
      if (o.key && stamp) now[name] = { key: o.key, stamp };
    }
    cache.keepWrittenCharts(options.root, now);
  }
  keep(cache, envs);
  return { ...result, written: changed, differences: [] };
}

/**
 * Every environment's overlays for these charts, checked: values against each chart's schema
 * (value sets found valid by earlier runs are not checked again), then every claim, volume,
 * class, service account and config map a pod refers to must exist in its environment (each
 * release's summary is kept with its environment, so only changed releases are resolved). With a cache,
 * an environment none of whose inputs changed since the last successful run is not planned or
 * checked again: its output and findings come from the cache (EnvironmentMemo).
 */
function checkedEnvironments(root: string, outputs: ReadonlyMap<string, ChartOutput>, cache: ChartCache | undefined, log: (line: string) => void, phase: (name: string) => void = () => undefined): EnvironmentsTree & { keepEnvironments: () => void } {
  for (const k of cache?.validValues() ?? []) validValues.known.add(k);
  const catalog = catalogFor(root, outputs);
  const memo = cache ? new EnvironmentMemo(root, cache, outputs, catalog) : undefined;
  const envs = overlaysForCatalog(root, catalog, memo);
  log(`overlays: ${envs.environments.length} environment(s)${envs.environments.length ? ` (${envs.environments.join(', ')})` : ''}${envs.reused.size > 0 ? `, ${envs.reused.size} unchanged since the last run` : ''}`);
  phase('overlays');
  const names = environmentNames(envs.tree);
  // Each environment resolved and checked on its own, one after the other (what one needs is let go
  // before the next; its findings are kept with it): references to objects no release makes must be
  // declared in its `external`; then what helm-controller, Helm, the Job controller and Karpenter
  // will do with each release over time.
  const charts = releasesOf(outputs);
  const checked = new Map<string, CheckedEnvironment>();
  const problems: string[] = [];
  const errors: string[] = [];
  const externalUsers: { [environment: string]: ExternalUsers } = {};
  for (const env of names) {
    const before = memo?.checked(env);
    if (before) {
      checked.set(env, before);
      continue;
    }
    const { byEnvironment, used, releases } = environmentSummaries(charts, envs.tree, memo?.summaries(env), { only: new Set([env]) });
    const references = checkSummaries(byEnvironment, undefined, envs.definitions);
    const lifecycle = environmentsLifecycle(envs.tree, byEnvironment, envs.definitions, releases);
    problems.push(...references.problems);
    errors.push(...lifecycle.errors);
    Object.assign(externalUsers, references.externalUsers);
    checked.set(env, { references: references.warnings, lifecycle: lifecycle.warnings });
    // Summaries are content-addressed (chart, release, values): kept now, whatever the run's outcome.
    memo?.keepSummaries(env, used);
  }
  if (problems.length > 0 || errors.length > 0) throw new GenerateError([...problems, ...errors]);
  envs.warnings.push(...names.flatMap((n) => checked.get(n)!.references), ...names.flatMap((n) => checked.get(n)!.lifecycle));
  // The reports list who uses each external object: what the lint just found.
  withExternalUsers(envs, externalUsers);
  phase('references');
  // Kept once the whole run has succeeded (see keep).
  return Object.assign(envs, { keepEnvironments: () => memo?.keep(envs, checked) });
}

/** What a successful run leaves for the next: its charts' entries (others age out) and the value sets found valid. */
function keep(cache: ChartCache | undefined, envs?: { keepEnvironments: () => void }): void {
  if (!cache) return;
  envs?.keepEnvironments();
  cache.prune();
  cache.keepValidValues(validValues.used);
}

/** The catalog of these charts, each entry with its published digests. */
function catalogFor(root: string, outputs: ReadonlyMap<string, ChartOutput>): ChartCatalog {
  const digests = publishedDigests(root, new Map([...outputs].map(([name, o]) => [name, o.chartYaml])));
  const catalog: { [chart: string]: ChartCatalog[string] } = {};
  for (const name of [...outputs.keys()].sort()) {
    const entry = outputs.get(name)!.catalog;
    catalog[name] = digests[name] ? { ...entry, digests: digests[name] } : entry;
  }
  return catalog;
}

/** Every environment's overlays for this catalog (reusing what `memo` gives back); environment errors become generate errors. */
function overlaysForCatalog(root: string, catalog: ChartCatalog, memo?: EnvironmentMemo): EnvironmentsTree {
  try {
    return environmentsForCatalog(root, catalog, memo?.reuse);
  } catch (e) {
    if (e instanceof EnvironmentError) throw new GenerateError(e.errors);
    throw e;
  }
}

/**
 * The manifest digest of each chart's current version in each registry it was published to
 * (chart name → its Chart.yaml; result: chart → registry URL → digest), from
 * environments/published.json, where publish records what each registry returned. A version
 * counts only with the content it has now (its content digest). Each environment pins the digest
 * of its own registry and no other (digestIn of @strata/gitops): publishing to a test registry
 * never changes what an environment pulling from ECR pins.
 */
export function publishedDigests(root: string, chartYamls: ReadonlyMap<string, string>): PublishedDigests {
  const published = readPublished(root);
  const out: { [chart: string]: { [registry: string]: string } } = {};
  for (const [chart, chartYaml] of chartYamls) {
    const rec = recordedChart(chartYaml);
    if (!rec) continue;
    for (const [registry, charts] of Object.entries(published)) {
      const p = charts[chart]?.[rec.version];
      if (p && p.contentDigest === rec.contentDigest) (out[chart] ??= {})[registry] = p.digest;
    }
  }
  return out;
}

/**
 * Writes every environment's overlays (the Nx `overlays` target, after `synth` wrote charts/):
 * the charts come from the cache `synth` filled (or are synthesized), so the overlays and the
 * reference lint see exactly the charts of this run.
 */
export async function writeEnvironments(root: string, log: (line: string) => void = () => undefined): Promise<{ environments: number; written: boolean; warnings: string[] }> {
  const envDir = join(root, 'environments');
  recoverTrees(root, [join(root, 'charts'), envDir]);
  const cache = new ChartCache(root);
  const outputs = await chartOutputs(chartPackages(root), { cache, log });
  const envs = checkedEnvironments(root, outputs, cache, log);
  for (const w of envs.warnings) log(`warning: ${w}`);
  const written = writeTreesAtomically(root, [{ dir: envDir, files: envs.tree, keep: isKeptInEnvironments }]);
  keep(cache, envs);
  return { environments: envs.environments.length, written, warnings: envs.warnings };
}

/** The chart packages; a package.json generate cannot read is a generate error (nothing written). */
function chartPackages(root: string): WorkloadPackage[] {
  try {
    return findWorkloads(root);
  } catch (e) {
    if (e instanceof WorkspaceError) throw new GenerateError(e.errors);
    throw e;
  }
}

/** charts/ is all generated, except a README a user may keep there. */
function isKeptInCharts(rel: string): boolean {
  return rel === 'README.md';
}

