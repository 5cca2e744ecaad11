import { resolve } from 'node:path';
import { pinnedBinary } from '@strata/helm';

/** The repository root (this file is tools/toolchain/src/index.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The pinned binaries: helm 3.18.0 and kubectl 1.33.0 (kustomize 5.6.0), unpacked by `npm ci`. */
export const PINNED = { helm: 'v3.18.0', kubectl: 'v1.33.0', helm4: 'v4.1.4' } as const;

// One finder for the pinned binaries, in @strata/helm (libraries never reach into tools/).
function binary(envVar: string, name: string): string {
  return pinnedBinary(name, envVar, REPO_ROOT);
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
