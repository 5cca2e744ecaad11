import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file is tools/toolchain/src/index.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The pinned binaries: helm 3.18.0 and kubectl 1.33.0 (kustomize 5.6.0), unpacked by `npm ci`. */
export const PINNED = { helm: 'v3.18.0', kubectl: 'v1.33.0', helm4: 'v4.1.4' } as const;

function binary(envVar: string, name: string): string {
  const override = process.env[envVar];
  if (override) return override;
  const path = join(REPO_ROOT, '.toolchain', 'bin', name);
  if (!existsSync(path)) {
    throw new Error(`${name} not found at ${path}; run \`npm ci\` (its postinstall unpacks the pinned toolchain) or set ${envVar}`);
  }
  return path;
}

/** Path of the helm binary: $STRATA_HELM, else the pinned one. Never the PATH. */
export function helmPath(): string {
  return binary('STRATA_HELM', 'helm');
}

/** Path of the kubectl binary (kustomize inside): $STRATA_KUBECTL, else the pinned one. Never the PATH. */
export function kubectlPath(): string {
  return binary('STRATA_KUBECTL', 'kubectl');
}

/** Path of helm 4 (for compatibility checks), when the v35 layer package is installed. */
export function helm4Path(): string {
  return binary('STRATA_HELM4', 'helm4');
}

export * from './registry';
