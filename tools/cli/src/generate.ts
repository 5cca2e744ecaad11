import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { EnvironmentError, EnvironmentsTree, environmentsTree, isKeptInEnvironments } from '@strata/gitops';
import { chartFiles, chooseVersion, diffTree, FileTree, recordedChart, readTree, recoverTrees, SynthesisError, synthesizeChart, writeTreesAtomically } from '@strata/helm';
import { checkReferences, environmentManifests } from './references';
import { readPublished } from './publish';
import { findWorkloads, loadWorkloadClass, WorkloadPackage } from './workspace';

export interface GenerateOptions {
  /** The repository root. */
  readonly root: string;
  /** Compare with what is on disk instead of writing. @default false */
  readonly check?: boolean;
  /** Progress lines go here. @default - none */
  readonly log?: (line: string) => void;
}

export interface GenerateResult {
  readonly charts: number;
  readonly environments: number;
  readonly files: number;
  /** Whether anything was written (false when the output was already current). */
  readonly written: boolean;
  readonly warnings: string[];
  /** With `check`: the files that differ from what would be generated. */
  readonly differences: string[];
}

/** Every error of a generate run, across all workloads; nothing was written. */
export class GenerateError extends Error {
  public constructor(public readonly errors: string[]) {
    super(`generate failed with ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written:\n  ${errors.join('\n  ')}`);
    this.name = 'GenerateError';
  }
}

/** One chart's files (relative to its chart directory) and warnings; throws SynthesisError or Error. */
export function synthesizeChartFiles(w: WorkloadPackage): { files: Map<string, string>; warnings: string[]; objects: number } {
  const Chart = loadWorkloadClass(w);
  // One App per chart: synthesis cost stays linear in the number of workloads.
  const chart = new Chart(new App(), w.name);
  if (chart.chartMetadata.name !== w.name) {
    throw new Error(`${w.source}: chart name '${chart.chartMetadata.name}' must equal the package folder name '${w.name}'`);
  }
  const synth = synthesizeChart(chart);
  // The committed Chart.yaml records the last version and its content digest.
  const previous = join(w.root, 'charts', w.name, 'Chart.yaml');
  const recorded = existsSync(previous) ? recordedChart(readFileSync(previous, 'utf8')) : undefined;
  const files = chartFiles(synth, { version: (digest) => chooseVersion(w.version, digest, recorded), source: w.source });
  return { files, warnings: synth.warnings, objects: synth.objects.length };
}

/** The files of charts/ for these workloads (relative to charts/), synthesized in this one process. */
export function chartTree(workloads: readonly WorkloadPackage[], log: (line: string) => void = () => undefined): { tree: Map<string, string>; warnings: string[] } {
  const tree = new Map<string, string>();
  const errors: string[] = [];
  const warnings: string[] = [];
  workloads.forEach((w, i) => {
    try {
      const { files, warnings: ws, objects } = synthesizeChartFiles(w);
      warnings.push(...ws.map((m) => `${w.name}: ${m}`));
      for (const [rel, content] of files) tree.set(`${w.name}/${rel}`, content);
      log(`[${i + 1}/${workloads.length}] ${w.name}: ${objects} objects, ${files.size} files`);
    } catch (e) {
      errors.push(...errorLines(w, e));
    }
  });
  if (errors.length > 0) throw new GenerateError(errors);
  return { tree, warnings };
}

/** The error lines of one failed chart, each prefixed with its name. */
export function errorLines(w: WorkloadPackage, e: unknown): string[] {
  if (e instanceof SynthesisError) return e.errors.map((m) => `${w.name}: ${m}`);
  return [`${w.name}: ${(e as Error).message}`];
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
export function generate(options: GenerateOptions): GenerateResult {
  const log = options.log ?? (() => undefined);
  const chartsDir = join(options.root, 'charts');
  const envDir = join(options.root, 'environments');
  if (!options.check) recoverTrees(options.root, [chartsDir, envDir]);
  const workloads = findWorkloads(options.root);
  const { tree, warnings } = chartTree(workloads, log);
  const envs = overlaysFor(options.root, tree);
  // Every claim, volume, class, service account and config map a pod refers to must exist.
  const dangling = checkReferences(environmentManifests(tree, envs.tree));
  if (dangling.length > 0) throw new GenerateError(dangling);
  log(`overlays: ${envs.environments.length} environment(s)${envs.environments.length ? ` (${envs.environments.join(', ')})` : ''}`);
  warnings.push(...envs.warnings);
  const charts = workloads.length;
  const files = tree.size + envs.tree.size;
  if (options.check) {
    const differences = [...diffTree(chartsDir, tree, isKeptInCharts), ...diffTree(envDir, envs.tree, isKeptInEnvironments)].sort();
    return { charts, environments: envs.environments.length, files, written: false, warnings, differences };
  }
  // Both trees in one commit: after a kill they are both old or both new (recoverTrees finishes a committed write).
  const written = writeTreesAtomically(options.root, [
    { dir: chartsDir, files: tree, keep: isKeptInCharts },
    { dir: envDir, files: envs.tree, keep: isKeptInEnvironments },
  ]);
  return { charts, environments: envs.environments.length, files, written, warnings, differences: [] };
}

/** Every environment's overlays against a charts/ tree; environment errors become generate errors. */
export function overlaysFor(root: string, charts: FileTree): EnvironmentsTree {
  try {
    return environmentsTree(root, charts, { digests: publishedDigests(root, charts) });
  } catch (e) {
    if (e instanceof EnvironmentError) throw new GenerateError(e.errors);
    throw e;
  }
}

/**
 * The manifest digest of each chart's current version, from environments/published.json: pinned
 * only when every registry that holds that version agrees on it (the same archive was pushed).
 */
export function publishedDigests(root: string, charts: FileTree): { [chart: string]: string } {
  const published = readPublished(root);
  const out: { [chart: string]: string } = {};
  for (const [path, content] of charts) {
    if (!path.endsWith('/Chart.yaml') || path.split('/').length !== 2) continue;
    const chart = path.split('/')[0];
    const rec = recordedChart(content);
    if (!rec) continue;
    const digests = new Set<string>();
    for (const registry of Object.values(published)) {
      const p = registry[chart]?.[rec.version];
      if (p && p.contentDigest === rec.contentDigest) digests.add(p.digest);
    }
    if (digests.size === 1) out[chart] = [...digests][0];
  }
  return out;
}

/** Writes every environment's overlays from the charts on disk (the Nx `overlays` target). */
export function writeEnvironments(root: string, log: (line: string) => void = () => undefined): { environments: number; written: boolean; warnings: string[] } {
  const envDir = join(root, 'environments');
  recoverTrees(root, [join(root, 'charts'), envDir]);
  const charts = prefixedTree(join(root, 'charts'));
  const envs = overlaysFor(root, charts);
  const dangling = checkReferences(environmentManifests(charts, envs.tree));
  if (dangling.length > 0) throw new GenerateError(dangling);
  for (const w of envs.warnings) log(`warning: ${w}`);
  const written = writeTreesAtomically(root, [{ dir: envDir, files: envs.tree, keep: isKeptInEnvironments }]);
  return { environments: envs.environments.length, written, warnings: envs.warnings };
}

/** charts/ as a tree of `<chart>/<file>` paths. */
function prefixedTree(chartsDir: string): Map<string, string> {
  return new Map([...readTree(chartsDir)].filter(([rel]) => !isKeptInCharts(rel)));
}

/** charts/ is all generated, except a README a user may keep there. */
function isKeptInCharts(rel: string): boolean {
  return rel === 'README.md';
}

