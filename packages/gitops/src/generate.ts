import { FileTree } from '@strata/helm';
import { catalogFromTree, ChartCatalog, PublishedDigests } from './catalog';
import { LoadedEnvironment, loadEnvironments } from './load';
import { EnvironmentError, planFiles } from './overlay';
import { cloudOwnerProblems } from './cloud-owners';
import { externalObjects } from './external';
import { EnvironmentPlan, planEnvironment } from './plan';
import { environmentReport, ExternalUsers } from './report';
import { outsideWarnings, ServedVersion, servedVersions, versionsTable } from './report-versions';

/** The versions each environment serves, side by side (report-versions.ts), relative to environments/. */
export const VERSIONS_FILE = 'versions.md';

/** The generated output of every environment, relative to environments/. */
export interface EnvironmentsTree {
  readonly tree: Map<string, string>;
  /** Every warning, prefixed with its definition file. */
  readonly warnings: string[];
  /** The environments, by name. */
  readonly environments: string[];
  /** The definitions, as loaded (for the checks that read them: node groups, external objects). */
  readonly definitions: readonly LoadedEnvironment[];
  /** The checked plans, by environment (the report is written again once the reference lint knows who uses the external objects); none for reused environments. */
  readonly plans: readonly EnvironmentPlan[];
  /** Environments whose output an earlier run made (see MadeEnvironment), not planned again. */
  readonly reused: ReadonlySet<string>;
  /** Each environment's files (`<env>/…` and the `base/apps/…` of its workloads), warnings and served versions. */
  readonly made: ReadonlyMap<string, { readonly files: readonly string[]; readonly warnings: readonly string[]; readonly served: readonly ServedVersion[] }>;
  /** The catalog entries each environment planned in this run read (`all`: it listed the catalog). */
  readonly reads: ReadonlyMap<string, { readonly charts: readonly string[]; readonly all: boolean }>;
}

/** What an environment made in an earlier run: generate keeps it, and gives it back while nothing the environment read has changed. */
export interface MadeEnvironment {
  /** Its files: `<env>/…` and the `base/apps/<workload>/…` of the workloads it deploys. */
  readonly files: readonly (readonly [string, string])[];
  /** Its warnings, as planning gave them. */
  readonly warnings: readonly string[];
  /** What it serves of each model repository and dataset (environments/versions.md). */
  readonly served: readonly ServedVersion[];
}

/**
 * The catalog as one environment's planning sees it, recording what it reads: the charts it looks
 * up (present or not), and whether it listed them all. Planning is a function of the definition
 * and these entries alone (it reads no file), which is what lets generate reuse its output.
 */
export function recordingCatalog(catalog: ChartCatalog): { readonly catalog: ChartCatalog; read(): { charts: string[]; all: boolean } } {
  const charts = new Set<string>();
  let all = false;
  const seen = (p: string | symbol) => {
    if (typeof p === 'string') charts.add(p);
  };
  const proxy = new Proxy(catalog, {
    get: (t, p, r) => (seen(p), Reflect.get(t, p, r)),
    has: (t, p) => (seen(p), Reflect.has(t, p)),
    getOwnPropertyDescriptor: (t, p) => (seen(p), Reflect.getOwnPropertyDescriptor(t, p)),
    ownKeys: (t) => ((all = true), Reflect.ownKeys(t)),
  });
  return { catalog: proxy, read: () => ({ charts: [...charts].sort(), all }) };
}

/**
 * Writes each environment's report (README.md) again with the users of its external objects, as
 * the reference lint found them (environment → external object → referrers). Environments that
 * declare nothing external are left as they are.
 */
export function withExternalUsers(envs: EnvironmentsTree, users: { readonly [environment: string]: ExternalUsers }): void {
  for (const plan of envs.plans) {
    if (externalObjects(plan.env).length === 0) continue;
    envs.tree.set(`${plan.env.name}/README.md`, environmentReport(plan, { externalUsers: users[plan.env.name] ?? new Map() }));
  }
}

/**
 * The files of environments/ for these definitions: each `<env>/…` plus the shared
 * `base/apps/<workload>/…`. All environments are checked before anything is returned; an
 * EnvironmentError carries every error of every environment.
 */
export function environmentsFromDefinitions(envs: readonly LoadedEnvironment[], catalog: ChartCatalog, reuse?: (e: LoadedEnvironment) => MadeEnvironment | undefined): EnvironmentsTree {
  const errors: string[] = [];
  const warnings: string[] = [];
  const tree = new Map<string, string>();
  const plans: EnvironmentPlan[] = [];
  const reused = new Set<string>();
  const made = new Map<string, { files: string[]; warnings: string[]; served: ServedVersion[] }>();
  const reads = new Map<string, { charts: string[]; all: boolean }>();
  const put = (rel: string, content: string) => {
    // Bases depend only on the chart, so every environment produces the same bytes for them.
    if (tree.has(rel) && tree.get(rel) !== content) throw new Error(`internal: two environments disagree on ${rel}`);
    tree.set(rel, content);
  };
  for (const e of envs) {
    const before = reuse?.(e);
    if (before) {
      reused.add(e.name);
      warnings.push(...before.warnings);
      for (const [rel, content] of before.files) put(rel, content);
      made.set(e.name, { files: before.files.map(([rel]) => rel), warnings: [...before.warnings], served: [...before.served] });
      continue;
    }
    const recorder = recordingCatalog(catalog);
    const plan = planEnvironment(e.definition, recorder.catalog, e.file);
    errors.push(...plan.errors);
    warnings.push(...plan.warnings);
    if (plan.errors.length > 0) continue;
    plans.push(plan);
    const outside = outsideWarnings(plan).map((m) => `${e.file}: ${m}`);
    warnings.push(...outside);
    const files = planFiles(plan);
    for (const [rel, content] of files) put(rel, content);
    made.set(e.name, { files: [...files.keys()], warnings: [...plan.warnings, ...outside], served: servedVersions(plan) });
    reads.set(e.name, recorder.read());
  }
  // One owner per AWS resource across environments (cloud-owners.ts).
  errors.push(...cloudOwnerProblems(envs));
  if (errors.length > 0) throw new EnvironmentError(errors, warnings);
  const versions = versionsTable(envs.map((e) => ({ name: e.name, served: made.get(e.name)!.served })));
  if (versions !== undefined) tree.set(VERSIONS_FILE, versions);
  return { tree: new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), warnings, environments: envs.map((e) => e.name), definitions: envs, plans, reused, made, reads };
}

/**
 * For the CLI: loads environments/<env>/environment.ts of `root` and generates their overlays
 * against `chartTree` (the charts/ tree generate is about to write, paths `<chart>/<file>`), so
 * charts and overlays come from one consistent pass. Writes nothing.
 */
export function environmentsTree(root: string, chartTree: FileTree, options: { digests?: PublishedDigests } = {}): EnvironmentsTree {
  return environmentsForCatalog(root, catalogFromTree(chartTree, options.digests));
}

/** `environmentsTree` for a catalog made already (generate keeps each chart's catalog entry with the chart). */
export function environmentsForCatalog(root: string, catalog: ChartCatalog, reuse?: (e: LoadedEnvironment) => MadeEnvironment | undefined): EnvironmentsTree {
  return environmentsFromDefinitions(loadEnvironments(root), catalog, reuse);
}

/**
 * environments/ mixes hand-written inputs and generated output: the CLI writes the generated
 * tree with `writeTreeAtomically(join(root, 'environments'), tree, isKeptInEnvironments)` and
 * diffs it with `diffTree(…, isKeptInEnvironments)`, so the definitions and the folder README stay.
 */
export function isKeptInEnvironments(rel: string): boolean {
  const p = rel.split('\\').join('/');
  return p === 'README.md' || p === 'tsconfig.json' || p === 'published.json' || /^[^/]+\/environment\.ts$/.test(p);
}
