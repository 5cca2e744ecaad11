import { FileTree } from '@strata/helm';
import { catalogFromTree, ChartCatalog, PublishedDigests } from './catalog';
import { LoadedEnvironment, loadEnvironments } from './load';
import { EnvironmentError, planFiles } from './overlay';
import { cloudOwnerProblems } from './cloud-owners';
import { externalObjects } from './external';
import { EnvironmentPlan, planEnvironment } from './plan';
import { environmentReport, ExternalUsers } from './report';
import { versionsAcrossEnvironments } from './report-versions';

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
  /** The checked plans, by environment (the report is written again once the reference lint knows who uses the external objects). */
  readonly plans: readonly EnvironmentPlan[];
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
export function environmentsFromDefinitions(envs: readonly LoadedEnvironment[], catalog: ChartCatalog): EnvironmentsTree {
  const errors: string[] = [];
  const warnings: string[] = [];
  const tree = new Map<string, string>();
  const plans: EnvironmentPlan[] = [];
  for (const e of envs) {
    const plan = planEnvironment(e.definition, catalog, e.file);
    errors.push(...plan.errors);
    warnings.push(...plan.warnings);
    if (plan.errors.length > 0) continue;
    plans.push(plan);
    for (const [rel, content] of planFiles(plan)) {
      // Bases depend only on the chart, so every environment produces the same bytes for them.
      if (tree.has(rel) && tree.get(rel) !== content) throw new Error(`internal: two environments disagree on ${rel}`);
      tree.set(rel, content);
    }
  }
  // One owner per AWS resource across environments (cloud-owners.ts).
  errors.push(...cloudOwnerProblems(envs));
  if (errors.length > 0) throw new EnvironmentError(errors, warnings);
  const versions = versionsAcrossEnvironments(plans);
  if (versions !== undefined) tree.set(VERSIONS_FILE, versions);
  return { tree: new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), warnings, environments: envs.map((e) => e.name), definitions: envs, plans };
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
export function environmentsForCatalog(root: string, catalog: ChartCatalog): EnvironmentsTree {
  return environmentsFromDefinitions(loadEnvironments(root), catalog);
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
