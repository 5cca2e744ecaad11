/**
 * Issue 15: a hand-written workload package needed an undocumented "strata" key; without it (or
 * with a typo) the package was skipped without a word. Every folder of packages/workloads and
 * packages/storage-charts is a chart package now, and a package.json generate cannot use is an
 * error naming the file, the field and the fix (docs/workload-packages.md). A package npm install
 * has not recorded yet is a warning naming the command.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findWorkloads, generate, GenerateError, packagesMisnamedForNx, packagesMissingFromLock, WorkspaceError } from '../src';

describe('chart packages', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const pkg = (folder: string, json: object) => write(`packages/workloads/${folder}/package.json`, JSON.stringify(json));
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-workspace-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a package with its "strata" key is found', () => {
    pkg('serve', { name: '@strata/workload-serve', version: '0.1.0', strata: { chart: 'src/chart.ts', export: 'ServeChart' } });
    write('packages/workloads/serve/src/chart.ts', '');
    expect(findWorkloads(root).map((w) => [w.name, w.packageName, w.exportName, w.source])).toEqual([['serve', '@strata/workload-serve', 'ServeChart', 'packages/workloads/serve']]);
  });

  test('every package generate cannot use is an error naming its file, the field and the fix; none is skipped', () => {
    pkg('a-missing', { name: '@strata/workload-a', version: '0.1.0' });
    pkg('b-typo', { name: '@strata/workload-b', version: '0.1.0', strata: { charts: 'src/chart.ts' } });
    pkg('c-no-file', { name: '@strata/workload-c', version: '0.1.0', strata: { chart: 'src/chart.ts' } });
    pkg('d-string', { name: '@strata/workload-d', version: '1', strata: 'src/chart.ts' });
    write('packages/workloads/e-bad-json/package.json', '{ "name": ');
    write('packages/workloads/f-no-package/src/chart.ts', '');
    mkdirSync(join(root, 'packages/workloads/g-leftover/node_modules'), { recursive: true }); // what a removed package leaves: no package
    let error: unknown;
    try {
      findWorkloads(root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkspaceError);
    const S = '"strata": { "chart": "src/chart.ts" } (the module whose default export is the WorkloadChart class; "export": "<name>" for a named export)';
    expect((error as WorkspaceError).errors).toEqual([
      `packages/workloads/a-missing/package.json: 'strata' (not set) must be ${S}; generate finds the chart of every package under packages/workloads and packages/storage-charts through it`,
      `packages/workloads/b-typo/package.json: 'strata.charts' ("src/chart.ts") must be one of the keys "chart", "export"; remove it, or fix its name`,
      `packages/workloads/b-typo/package.json: 'strata.chart' (not set) must be the path of the chart module, relative to the package; e.g. "src/chart.ts"`,
      `packages/workloads/c-no-file/package.json: 'strata.chart' ("src/chart.ts") must be a file of the package; there is no src/chart.ts in the package folder`,
      `packages/workloads/d-string/package.json: 'version' ("1") must be a version such as "0.1.0"; the chart version starts from it`,
      `packages/workloads/d-string/package.json: 'strata' ("src/chart.ts") must be an object: ${S}; see docs/workload-packages.md`,
      expect.stringMatching(/^packages\/workloads\/e-bad-json\/package\.json: is not JSON \(/),
      `packages/workloads/f-no-package: has no package.json; a chart package needs one with ${S}, then \`npm install\` (docs/workload-packages.md)`,
    ]);
  });

  test('generate fails with them, writing nothing', async () => {
    pkg('a-missing', { name: '@strata/workload-a', version: '0.1.0' });
    await expect(generate({ root, cache: false })).rejects.toBeInstanceOf(GenerateError);
    await expect(generate({ root, cache: false })).rejects.toThrow(/^generate failed with 1 error; nothing was written:\n {2}packages\/workloads\/a-missing\/package\.json: 'strata' \(not set\) must be/);
  });

  test('a package npm install has not recorded in package-lock.json is named, with the command', () => {
    pkg('serve', { name: '@strata/workload-serve', version: '0.1.0', strata: { chart: 'src/chart.ts' } });
    write('packages/workloads/serve/src/chart.ts', '');
    write('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {} } }));
    expect(packagesMissingFromLock(root, findWorkloads(root))).toEqual([
      'packages/workloads/serve: not in package-lock.json; run `npm install` once: it links the package and records it, and `npm ci` (as CI runs it) refuses a lock file that misses a workspace package',
    ]);
    write('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'packages/workloads/serve': { name: '@strata/workload-serve' } } }));
    expect(packagesMissingFromLock(root, findWorkloads(root))).toEqual([]);
  });

  test('a package whose Nx project is not named after its folder is named, with the key to add (nx run <folder>:synth would find nothing)', () => {
    pkg('serve', { name: '@strata/workload-serve', version: '0.1.0', strata: { chart: 'src/chart.ts' } });
    pkg('train', { name: '@strata/workload-train', nx: { name: 'training' }, version: '0.1.0', strata: { chart: 'src/chart.ts' } });
    pkg('tune', { name: '@strata/workload-tune', nx: { name: 'tune' }, version: '0.1.0', strata: { chart: 'src/chart.ts' } });
    for (const w of ['serve', 'train', 'tune']) write(`packages/workloads/${w}/src/chart.ts`, '');
    expect(packagesMisnamedForNx(findWorkloads(root))).toEqual([
      `packages/workloads/serve/package.json: 'nx.name' (not set) must be "serve", the folder's name; add "nx": { "name": "serve" }, or \`nx run serve:synth\` finds no project (Nx names it "@strata/workload-serve")`,
      `packages/workloads/train/package.json: 'nx.name' ("training") must be "train", the folder's name; add "nx": { "name": "train" }, or \`nx run train:synth\` finds no project (Nx names it "training")`,
    ]);
  });
});
