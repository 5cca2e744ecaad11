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
  /** The npm package name (the Nx project is named after the folder: `nx run <folder>:synth`). */
  readonly packageName: string;
  /** The repository root. */
  readonly root: string;
}

/** Folders holding one chart package each: workloads, and the storage tiers' charts (infrastructure configs). */
export const CHART_PACKAGE_FOLDERS = ['packages/workloads', 'packages/storage-charts'];

/** Chart packages that cannot be read: every problem, each naming its file and the fix. */
export class WorkspaceError extends Error {
  public constructor(public readonly errors: string[]) {
    super(`${errors.length} chart package${errors.length === 1 ? '' : 's'} cannot be read:\n  ${errors.join('\n  ')}`);
    this.name = 'WorkspaceError';
  }
}

/** The keys of package.json's "strata" object. */
const STRATA_KEYS = ['chart', 'export'];
/** What a chart package's "strata" key looks like, for messages. */
const STRATA_EXAMPLE = '"strata": { "chart": "src/chart.ts" } (the module whose default export is the WorkloadChart class; "export": "<name>" for a named export)';
/** Folders in a package folder that hold nothing of a package (a removed package leaves them behind). */
const LEFTOVERS = new Set(['node_modules', 'dist', 'coverage', '.nx']);

/**
 * The chart packages of a repository (workloads and storage tier charts), sorted by name. Every
 * folder of packages/workloads and packages/storage-charts is one: a folder whose package.json has
 * no valid "strata" key is an error (WorkspaceError, listing all of them), never skipped.
 */
export function findWorkloads(root: string): WorkloadPackage[] {
  const out: WorkloadPackage[] = [];
  const errors: string[] = [];
  for (const folder of CHART_PACKAGE_FOLDERS) out.push(...chartPackagesIn(root, join(root, folder), errors));
  if (errors.length > 0) throw new WorkspaceError(errors);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function chartPackagesIn(root: string, base: string, errors: string[]): WorkloadPackage[] {
  if (!existsSync(base)) return [];
  const out: WorkloadPackage[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(base, entry.name);
    const source = relative(root, dir).split('\\').join('/');
    const pkgPath = join(dir, 'package.json');
    if (!existsSync(pkgPath)) {
      // A folder holding only what a removed package leaves behind is no package.
      if (readdirSync(dir).some((f) => !LEFTOVERS.has(f))) errors.push(`${source}: has no package.json; a chart package needs one with ${STRATA_EXAMPLE}, then \`npm install\` (docs/workload-packages.md)`);
      continue;
    }
    let pkg: { name?: unknown; version?: unknown; strata?: unknown };
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    } catch (e) {
      errors.push(`${source}/package.json: is not JSON (${(e as Error).message})`);
      continue;
    }
    const problems = packageProblems(dir, pkg);
    if (problems.length > 0) {
      errors.push(...problems.map((p) => `${source}/package.json: ${p}`));
      continue;
    }
    const strata = pkg.strata as { chart: string; export?: string };
    out.push({
      name: entry.name,
      dir,
      source,
      version: pkg.version as string,
      chartModule: join(dir, strata.chart),
      exportName: strata.export ?? 'default',
      packageName: pkg.name as string,
      root,
    });
  }
  return out;
}

/** What is wrong with a chart package's package.json, in the house form. */
function packageProblems(dir: string, pkg: { name?: unknown; version?: unknown; strata?: unknown }): string[] {
  const problems: string[] = [];
  const must = (field: string, value: unknown, accepted: string, fix: string) => problems.push(`'${field}' (${value === undefined ? 'not set' : JSON.stringify(value)}) must be ${accepted}; ${fix}`);
  if (typeof pkg.name !== 'string' || pkg.name === '') must('name', pkg.name, 'the npm package name', 'e.g. "@strata/workload-<folder>" (the Nx project takes the folder\'s name, from "nx": { "name": "<folder>" })');
  if (typeof pkg.version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(pkg.version)) must('version', pkg.version, 'a version such as "0.1.0"', 'the chart version starts from it');
  const strata = pkg.strata;
  if (strata === undefined) {
    must('strata', strata, STRATA_EXAMPLE, 'generate finds the chart of every package under packages/workloads and packages/storage-charts through it');
    return problems;
  }
  if (typeof strata !== 'object' || strata === null || Array.isArray(strata)) {
    must('strata', strata, `an object: ${STRATA_EXAMPLE}`, 'see docs/workload-packages.md');
    return problems;
  }
  const s = strata as Record<string, unknown>;
  for (const k of Object.keys(s).filter((k) => !STRATA_KEYS.includes(k))) must(`strata.${k}`, s[k], `one of the keys ${STRATA_KEYS.map((x) => `"${x}"`).join(', ')}`, 'remove it, or fix its name');
  if (typeof s.chart !== 'string' || s.chart === '') must('strata.chart', s.chart, 'the path of the chart module, relative to the package', 'e.g. "src/chart.ts"');
  else if (!existsSync(join(dir, s.chart))) must('strata.chart', s.chart, 'a file of the package', `there is no ${s.chart} in the package folder`);
  if (s.export !== undefined && (typeof s.export !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(s.export))) must('strata.export', s.export, 'the name of the export holding the chart class', 'leave it out for the default export');
  return problems;
}

/**
 * Chart packages package-lock.json does not record: `npm install` was not run since they were
 * added. `npm ci` (what CI runs) refuses such a lock file ("Missing: … from lock file"), so each
 * is a warning of generate's, naming the command.
 */
export function packagesMissingFromLock(root: string, workloads: readonly WorkloadPackage[]): string[] {
  let packages: Record<string, unknown>;
  try {
    packages = (JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages?: Record<string, unknown> }).packages ?? {};
  } catch {
    return []; // no lock file: nothing npm ci would compare
  }
  return workloads
    .filter((w) => !(w.source in packages))
    .map((w) => `${w.source}: not in package-lock.json; run \`npm install\` once: it links the package and records it, and \`npm ci\` (as CI runs it) refuses a lock file that misses a workspace package`);
}

/**
 * Chart packages whose Nx project is not named after their folder: Nx names a package's project
 * `nx.name` of its package.json, else its npm name, so without `"nx": { "name": "<folder>" }`
 * `nx run <folder>:synth` (and validate, package, publish) finds no project. A warning of
 * generate's, which needs no Nx, naming the key to add.
 */
export function packagesMisnamedForNx(workloads: readonly WorkloadPackage[]): string[] {
  return workloads.flatMap((w) => {
    let nx: unknown;
    try {
      nx = (JSON.parse(readFileSync(join(w.dir, 'package.json'), 'utf8')) as { nx?: { name?: unknown } }).nx?.name;
    } catch {
      return [];
    }
    if (nx === w.name) return [];
    return [`${w.source}/package.json: 'nx.name' (${nx === undefined ? 'not set' : JSON.stringify(nx)}) must be "${w.name}", the folder's name; add "nx": { "name": "${w.name}" }, or \`nx run ${w.name}:synth\` finds no project (Nx names it ${JSON.stringify(typeof nx === 'string' ? nx : w.packageName)})`];
  });
}

/** Loads a workload's chart class (TypeScript is compiled on the fly by the CLI's register hook). */
export function loadWorkloadClass(w: WorkloadPackage): WorkloadChartClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(w.chartModule);
  const cls = mod[w.exportName];
  if (typeof cls !== 'function') throw new Error(`${w.source}: ${relative(w.dir, w.chartModule)} has no export '${w.exportName}' holding a WorkloadChart class`);
  return cls as WorkloadChartClass;
}
