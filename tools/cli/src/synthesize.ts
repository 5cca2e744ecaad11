import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App } from 'cdk8s';
import { catalogEntry } from '@strata/gitops';
import { Tokens } from '@strata/tokens';
import { acceptedChangesOf, chartFiles, chartFilesData, chartPodProblems, chartTestHooks, chooseVersion, recordedChart, releaseTemplate, stageFile, SynthesisError, synthesizeChart } from '@strata/helm';
import { ChartCache, ChartOutput } from './chart-cache';
import { loadWorkloadClass, WorkloadPackage } from './workspace';

/**
 * One chart's output: its files (relative to its chart directory), warnings and release
 * template. With a cache, a chart whose package and toolkit are unchanged is taken from it
 * (when it carries the version that would be chosen now); otherwise it is synthesized and kept.
 * Throws SynthesisError or Error.
 */
export function synthesizeChartFiles(w: WorkloadPackage, cache?: ChartCache, options: { lookup?: boolean; stage?: string } = {}): ChartOutput & { cached: boolean } {
  const key = cache?.keyOf(w);
  if (options.lookup !== false && key) {
    const hit = cachedChart(w, cache, key);
    if (hit) return hit;
  }
  // The chart's tokens are forgotten once its output (plain data) is made: the token registry is
  // global, and would otherwise keep every chart's tokens and constructs for the whole run
  // (2,000 charts: gigabytes, and lookups that grow with every chart; BENCHMARKS.md).
  const mark = Tokens.mark();
  try {
    return synthesizeNow(w, cache, key, options.stage);
  } finally {
    Tokens.forgetSince(mark);
  }
}

function synthesizeNow(w: WorkloadPackage, cache: ChartCache | undefined, key: string | undefined, stage: string | undefined): ChartOutput & { cached: boolean } {
  const recorded = recordedVersion(w);
  const Chart = loadWorkloadClass(w);
  // One App per chart: synthesis cost stays linear in the number of workloads.
  const chart = new Chart(new App(), w.name);
  if (chart.chartMetadata.name !== w.name) {
    throw new Error(`${w.source}: chart name '${chart.chartMetadata.name}' must equal the package folder name '${w.name}'`);
  }
  const synth = synthesizeChart(chart);
  const podProblems = chartPodProblems(synth);
  if (podProblems.length > 0) throw new SynthesisError(podProblems);
  const accepted = acceptedChangesOf(chart.chartMetadata);
  const files = chartFiles(synth, { version: (digest) => chooseVersion(w.version, digest, recorded, accepted), source: w.source });
  const template = releaseTemplate(synth, chartTestHooks(synth));
  const out: ChartOutput = {
    ...(key ? { key } : {}),
    chartYaml: files.get('Chart.yaml') ?? '',
    fileCount: files.size,
    files,
    warnings: synth.warnings,
    objects: synth.objects.length,
    template,
    // Chart.yaml, the schema and values.yaml are not parsed back: the writer's data and the template's defaults are what they say (tools/cli/test/catalog-defaults.test.ts).
    catalog: catalogEntry(w.name, files, undefined, { ...chartFilesData(files), defaults: template.defaults }),
  };
  if (key) cache!.put(key, out);
  if (!stage || !key) return { ...out, cached: false };
  // Staged by this thread (writeTreesAtomically finishes the write), and not kept in memory: the cache has them.
  const { files: _written, ...rest } = out;
  return filesFromCache({ ...rest, cached: false, staged: stageChart(stage, w.name, files) }, cache!);
}

/** Stages a chart's files for the write of charts/ (`stage`), each compared with charts/<chart>/ first (see stageFile). */
function stageChart(stage: string, chart: string, files: ReadonlyMap<string, string>): NonNullable<ChartOutput['staged']> {
  const written: string[] = [];
  const current: string[] = [];
  const made = new Set<string>();
  for (const [rel, content] of files) (stageFile(stage, `${chart}/${rel}`, content, made) ? written : current).push(`${chart}/${rel}`);
  return { written, current };
}

/**
 * An output whose files are read from the cache when asked for (a property that is not
 * enumerable: it is neither copied to another thread nor spread); a staged chart's files are
 * needed again only by a caller that asks for them.
 */
export function filesFromCache<T extends Omit<ChartOutput, 'files'>>(output: T, cache: ChartCache): T & { files: Map<string, string> } {
  let files: Map<string, string> | undefined;
  return Object.defineProperty(output, 'files', {
    enumerable: false,
    get: () => (files ??= cache.get(output.key!)?.files ?? new Map<string, string>()),
  }) as T & { files: Map<string, string> };
}

/** The chart's output from the cache, when its package and toolkit are unchanged and it carries the version that would be chosen now. */
export function cachedChart(w: WorkloadPackage, cache: ChartCache | undefined, key = cache?.keyOf(w)): (ChartOutput & { cached: true }) | undefined {
  const hit = key ? cache?.get(key) : undefined;
  if (!hit) return undefined;
  const rec = recordedChart(hit.chartYaml);
  if (!rec?.contentDigest || chooseVersion(w.version, rec.contentDigest, recordedVersion(w), rec.acceptedChanges ?? '[]') !== rec.version) return undefined;
  return Object.assign(hit, { cached: true as const });
}

/** The committed Chart.yaml records the last version and its content digest. */
function recordedVersion(w: WorkloadPackage) {
  const previous = join(w.root, 'charts', w.name, 'Chart.yaml');
  return existsSync(previous) ? recordedChart(readFileSync(previous, 'utf8')) : undefined;
}

/** The error lines of one failed chart, each prefixed with its name. */
export function errorLines(w: WorkloadPackage, e: unknown): string[] {
  if (e instanceof SynthesisError) return e.errors.map((m) => `${w.name}: ${m}`);
  // A JavaScript error of the chart's own code (a name not imported, a misspelt property): generate strips
  // the types without checking them, so the compiler is what names the file and line.
  const code = e instanceof ReferenceError || e instanceof TypeError || e instanceof SyntaxError;
  return [`${w.name}: ${(e as Error).message}${code ? ` (a ${(e as Error).name} in ${w.source}/${relative(w.dir, w.chartModule).split('\\').join('/')} or what it imports; generate does not type-check: npx tsc --noEmit -p ${w.source} names the line)` : ''}`];
}

