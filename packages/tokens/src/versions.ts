import { IConstruct } from 'constructs';

/**
 * What a versioned pattern (a model repository, a distributed dataset) reads for its version: the
 * pattern, and facts a report can resolve with a release's values (a fact may hold tokens; the
 * chart writer turns each into `{ "$value": path }` or `{ "$concat": [...] }`).
 */
export interface VersionDescription {
  /** The pattern: 'ModelRepository' or 'DistributedDataset'. */
  readonly pattern: string;
  /** version, source, reads, pinned or unpinned, and the pattern's own (see @strata/patterns version-facts.ts). */
  readonly facts: { readonly [key: string]: unknown };
}

export const VERSION = 'strata:version';

/** Records what a versioned pattern reads (Chart.yaml `strata.dev/versions`). */
export function describeVersion(scope: IConstruct, description: VersionDescription): void {
  scope.node.addMetadata(VERSION, description);
}

/** Every version description under `root`, with the construct path relative to it, in path order. */
export function versionsOf(root: IConstruct): { readonly path: string; readonly description: VersionDescription }[] {
  const out: { path: string; description: VersionDescription }[] = [];
  const base = root.node.path ? root.node.path.length + 1 : 0;
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) if (m.type === VERSION) out.push({ path: c.node.path.slice(base), description: m.data as VersionDescription });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
