import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvironmentDefinition } from './environment';
import { definitionFile, EnvironmentError } from './overlay';

/** One environment definition, as found in the repository. */
export interface LoadedEnvironment {
  /** The folder name under environments/. */
  readonly name: string;
  /** The definition file, relative to the repository root: "environments/dev/environment.ts". */
  readonly file: string;
  readonly definition: EnvironmentDefinition;
}

/**
 * Every `environments/<env>/environment.ts` of a repository, sorted by name, loaded with `require`
 * (TypeScript is compiled by the running register hook: the CLI's @swc-node/register, or jest).
 * The module's default export (or an export named `environment`) is the definition. Throws an
 * EnvironmentError listing every file that cannot be loaded.
 */
export function loadEnvironments(root: string): LoadedEnvironment[] {
  const base = resolve(root, 'environments');
  if (!existsSync(base)) return [];
  const out: LoadedEnvironment[] = [];
  const errors: string[] = [];
  for (const name of readdirSync(base).sort()) {
    const path = join(base, name, 'environment.ts');
    if (!statSync(join(base, name)).isDirectory() || !existsSync(path)) continue;
    const file = definitionFile(name);
    let mod: Record<string, unknown>;
    try {
      // A long-running process (watch mode) must see edits: load the file afresh.
      delete require.cache[require.resolve(path)];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path);
    } catch (e) {
      errors.push(`${file}: cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const definition = (mod.default ?? mod.environment) as EnvironmentDefinition | undefined;
    if (!definition || typeof definition !== 'object') {
      errors.push(`${file}: must export the environment as default: \`export default defineEnvironment({ name: '${name}', … })\``);
      continue;
    }
    if (definition.name !== name) {
      errors.push(`${file}: 'name' (${JSON.stringify(definition.name)}) must be "${name}", the name of its folder; rename one of them`);
      continue;
    }
    out.push({ name, file, definition });
  }
  if (errors.length > 0) throw new EnvironmentError(errors);
  return out;
}
