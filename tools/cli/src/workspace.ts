import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App } from 'cdk8s';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';

/** A workload chart class, as a workload package exports it. */
export type WorkloadChartClass = new (scope: App, id: string, props?: WorkloadChartProps) => WorkloadChart;

/** One workload package: packages/workloads/<name>, with `"strata": { "chart": "src/chart.ts" }`. */
export interface WorkloadPackage {
  readonly name: string;
  /** Absolute directory. */
  readonly dir: string;
  /** Directory relative to the repository root, with forward slashes. */
  readonly source: string;
  /** The chart version (the package version). */
  readonly version: string;
  /** Absolute path of the module exporting the chart class. */
  readonly chartModule: string;
  /** Name of the export holding the class. @default "default" */
  readonly exportName: string;
  /** The npm package name (also the Nx project name). */
  readonly packageName: string;
  /** The repository root. */
  readonly root: string;
}

/** Folders holding one chart package each: workloads, and the storage tiers' charts (infrastructure configs). */
export const CHART_PACKAGE_FOLDERS = ['packages/workloads', 'packages/storage-charts'];

/** The chart packages of a repository (workloads and storage tier charts), sorted by name. */
export function findWorkloads(root: string): WorkloadPackage[] {
  const out: WorkloadPackage[] = [];
  for (const folder of CHART_PACKAGE_FOLDERS) out.push(...chartPackagesIn(root, join(root, folder)));
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function chartPackagesIn(root: string, base: string): WorkloadPackage[] {
  if (!existsSync(base)) return [];
  const out: WorkloadPackage[] = [];
  for (const entry of readdirSync(base).sort()) {
    const pkgPath = join(base, entry, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    if (!pkg.strata?.chart) continue;
    const dir = join(base, entry);
    out.push({
      name: entry,
      dir,
      source: relative(root, dir).split('\\').join('/'),
      version: pkg.version,
      chartModule: join(dir, pkg.strata.chart),
      exportName: pkg.strata.export ?? 'default',
      packageName: pkg.name,
      root,
    });
  }
  return out;
}

/** Loads a workload's chart class (TypeScript is compiled on the fly by the CLI's register hook). */
export function loadWorkloadClass(w: WorkloadPackage): WorkloadChartClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(w.chartModule);
  const cls = mod[w.exportName];
  if (typeof cls !== 'function') throw new Error(`${w.source}: ${relative(w.dir, w.chartModule)} has no export '${w.exportName}' holding a WorkloadChart class`);
  return cls as WorkloadChartClass;
}
