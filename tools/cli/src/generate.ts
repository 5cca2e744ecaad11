import { join } from 'node:path';
import { App } from 'cdk8s';
import { chartFiles, diffTree, readTree, recoverTree, SynthesisError, synthesizeChart, writeTreeAtomically } from '@strata/helm';
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

/** The files of charts/ for these workloads (relative to charts/), synthesized in this one process. */
export function chartTree(workloads: readonly WorkloadPackage[], log: (line: string) => void = () => undefined): { tree: Map<string, string>; warnings: string[] } {
  const tree = new Map<string, string>();
  const errors: string[] = [];
  const warnings: string[] = [];
  workloads.forEach((w, i) => {
    try {
      const Chart = loadWorkloadClass(w);
      // One App per chart: synthesis cost stays linear in the number of workloads.
      const chart = new Chart(new App(), w.name);
      if (chart.chartMetadata.name !== w.name) {
        throw new Error(`${w.source}: chart name '${chart.chartMetadata.name}' must equal the package folder name '${w.name}'`);
      }
      const synth = synthesizeChart(chart);
      warnings.push(...synth.warnings.map((m) => `${w.name}: ${m}`));
      const files = chartFiles(synth, { version: w.version, source: w.source });
      for (const [rel, content] of files) tree.set(`${w.name}/${rel}`, content);
      log(`[${i + 1}/${workloads.length}] ${w.name}: ${synth.objects.length} objects, ${files.size} files`);
    } catch (e) {
      if (e instanceof SynthesisError) errors.push(...e.errors.map((m) => `${w.name}: ${m}`));
      else errors.push(`${w.name}: ${(e as Error).message}`);
    }
  });
  if (errors.length > 0) throw new GenerateError(errors);
  return { tree, warnings };
}

/** Synthesizes every workload and writes charts/ atomically (or, with `check`, compares). */
export function generate(options: GenerateOptions): GenerateResult {
  const log = options.log ?? (() => undefined);
  const chartsDir = join(options.root, 'charts');
  if (!options.check) recoverTree(chartsDir);
  const workloads = findWorkloads(options.root);
  const { tree, warnings } = chartTree(workloads, log);
  const charts = workloads.length;
  if (options.check) {
    return { charts, files: tree.size, written: false, warnings, differences: diffTree(chartsDir, tree, isKeptInCharts) };
  }
  const written = writeTreeAtomically(chartsDir, tree, isKeptInCharts);
  return { charts, files: tree.size, written, warnings, differences: [] };
}

/** charts/ is all generated, except a README a user may keep there. */
function isKeptInCharts(rel: string): boolean {
  return rel === 'README.md';
}

export { readTree };
