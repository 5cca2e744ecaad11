import { join, resolve } from 'node:path';
import { readTree } from '@strata/helm';
import { EnvironmentRelease, environmentNames, environmentReleases, Manifest, renderRelease } from '@strata/checks';

export const REPO = resolve(__dirname, '..', '..');

export interface RenderedRelease {
  readonly release: EnvironmentRelease;
  readonly objects: Manifest[];
}

/** Every release of every committed environment, rendered with `helm template` from the committed charts/. */
export function renderCommitted(root = REPO): RenderedRelease[] {
  const environments = readTree(join(root, 'environments'));
  return environmentNames(environments).flatMap((env) =>
    environmentReleases(environments, env).map((release) => ({ release, objects: renderRelease(join(root, 'charts', release.chart), release) })),
  );
}

/** environment → every object of it. */
export function byEnvironment(rendered: readonly RenderedRelease[]): Record<string, Manifest[]> {
  const out: Record<string, Manifest[]> = {};
  for (const { release, objects } of rendered) (out[release.environment] ??= []).push(...objects);
  return out;
}
