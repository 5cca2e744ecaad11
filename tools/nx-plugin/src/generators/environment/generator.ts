import { join } from 'node:path';
import { generateFiles, Tree } from '@nx/devkit';
import { ENVIRONMENTS, EnvironmentDefinitionFile, environmentFiles, valuesTypeName } from '../environment-definition';
import { DNS_LABEL, GeneratorError, quoted, refuse, SYSTEM_NAMESPACES } from '../option-rules';
import { stringValue, TypeScriptFile } from '../typescript-file';
import { WORKLOADS } from '../workload/generator';
import { EnvironmentGeneratorSchema } from './schema';

export interface NormalizedEnvironmentOptions {
  readonly name: string;
  readonly from?: string;
  /** environments/<name>/environment.ts */
  readonly file: string;
}

export function normalizeOptions(tree: Tree, options: EnvironmentGeneratorSchema): NormalizedEnvironmentOptions {
  const name = options.name;
  if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
    refuse('name', name ?? '', 'a DNS label (lowercase letters, digits and "-", at most 63)', 'it names the folder environments/<name>/, e.g. "qa"');
  }
  if (name === 'base') refuse('name', name, 'another name than "base"', 'environments/base/ holds the shared workload bases');
  const existing = environmentFiles(tree).map((f) => f.split('/')[1]);
  if (options.from !== undefined && !existing.includes(options.from)) {
    refuse('--from', options.from, existing.length > 0 ? `an existing environment: one of ${quoted(existing)}` : 'an existing environment (there is none yet)', 'or leave --from out for a minimal definition');
  }
  return { name, from: options.from, file: `${ENVIRONMENTS}/${name}/environment.ts` };
}

/**
 * `nx g @strata/nx-plugin:environment <name> [--from=<env>]`: environments/<name>/environment.ts,
 * a copy of --from with its name fields changed through the AST, or a minimal definition listing
 * every workload with its namespace. An existing definition is never overwritten; a repeat run that
 * would write the same file changes nothing.
 */
export async function environmentGenerator(tree: Tree, options: EnvironmentGeneratorSchema): Promise<void> {
  const o = normalizeOptions(tree, options);
  const before = tree.read(o.file, 'utf-8');
  if (o.from) copyEnvironment(tree, o, o.from);
  else minimalEnvironment(tree, o);
  const after = tree.read(o.file, 'utf-8');
  if (before !== null && before !== after) {
    tree.write(o.file, before); // leave the tree as it was
    refuse('name', o.name, 'the name of no existing environment', `${o.file} exists (and differs from what this would write); pick another name, or edit it by hand`);
  }
}

export default environmentGenerator;

/** --from's definition with `name` (and the environment part of `cluster.name`) changed. */
function copyEnvironment(tree: Tree, o: NormalizedEnvironmentOptions, from: string): void {
  const source = EnvironmentDefinitionFile.read(tree, `${ENVIRONMENTS}/${from}/environment.ts`);
  const copy = new EnvironmentDefinitionFile(TypeScriptFile.fromText(o.file, source.file.text));
  const f = copy.file;
  const name = copy.property(['name']);
  if (!name) {
    throw new GeneratorError(`${source.file.where(copy.definition)}: the definition has no \`name: '${from}'\` property to change; write it inline`);
  }
  name.setInitializer(f.quote(o.name));
  const cluster = copy.property(['cluster', 'name']);
  const clusterName = stringValue(cluster?.getInitializer());
  if (cluster && clusterName !== undefined) {
    const renamed = clusterName.split('-').map((part) => (part === from ? o.name : part)).join('-');
    if (renamed !== clusterName) cluster.setInitializer(f.quote(renamed));
  }
  tree.write(o.file, f.text);
}

/** A minimal definition: placeholders, and every workload in a namespace of its own name. */
function minimalEnvironment(tree: Tree, o: NormalizedEnvironmentOptions): void {
  const workloads = workloadNames(tree).map((w) => ({
    name: w,
    typeName: valuesTypeName(w),
    namespace: SYSTEM_NAMESPACES.includes(w) ? `${w}-workload` : w,
  }));
  generateFiles(tree, join(__dirname, 'files'), `${ENVIRONMENTS}/${o.name}`, { name: o.name, workloads, tmpl: '' });
}

/** The workload packages in the tree (packages/workloads/<name> with a chart), sorted. */
export function workloadNames(tree: Tree): string[] {
  if (!tree.exists(WORKLOADS)) return [];
  return tree
    .children(WORKLOADS)
    .filter((w) => {
      const pkg = tree.read(`${WORKLOADS}/${w}/package.json`, 'utf-8');
      return pkg !== null && JSON.parse(pkg).strata?.chart !== undefined;
    })
    .sort();
}

