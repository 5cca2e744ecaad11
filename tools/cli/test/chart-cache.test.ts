/**
 * generate's chart cache (what makes a one-workload edit cost one chart) and the parallel
 * synthesis (what makes a cold run use every core): keys follow exactly the inputs, entries are
 * used only with the version that would be chosen now, and threads change nothing in the output.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cachedChart, ChartCache, findWorkloads, folderStamp, synthesizeChartFiles, WorkloadPackage } from '../src';
import { synthesizeInParallel } from '../src/parallel';

const REPO = resolve(__dirname, '..', '..', '..');

/** A workspace with the repository's toolkit sources and one copied workload, and a cache folder. */
function workspace(): { root: string; cacheDir: string; workload: WorkloadPackage } {
  const root = mkdtempSync(join(tmpdir(), 'strata-cache-'));
  for (const f of ['package-lock.json', 'tsconfig.base.json']) cpSync(join(REPO, f), join(root, f));
  for (const lib of ['packages/tokens', 'packages/helm', 'tools/cli']) {
    mkdirSync(join(root, lib), { recursive: true });
    cpSync(join(REPO, lib, 'package.json'), join(root, lib, 'package.json'));
    cpSync(join(REPO, lib, 'src'), join(root, lib, 'src'), { recursive: true });
  }
  cpSync(join(REPO, 'packages/workloads/batch-embeddings'), join(root, 'packages/workloads/batch-embeddings'), {
    recursive: true,
    filter: (src) => !src.includes('node_modules'),
  });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const [workload] = findWorkloads(root);
  return { root, cacheDir: join(root, '.cache'), workload };
}

describe('ChartCache keys', () => {
  let ws: ReturnType<typeof workspace>;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => rmSync(ws.root, { recursive: true, force: true }));

  test('are stable, and change with the package\'s sources and with the toolkit\'s', () => {
    const key = () => new ChartCache(ws.root, ws.cacheDir).keyOf(ws.workload);
    const first = key();
    expect(key()).toBe(first);
    appendFileSync(join(ws.workload.dir, 'src/chart.ts'), '\n// edited\n');
    const afterEdit = key();
    expect(afterEdit).not.toBe(first);
    appendFileSync(join(ws.root, 'packages/helm/src/index.ts'), '\n// toolkit edited\n');
    expect(key()).not.toBe(afterEdit);
  });

  test('do not change with the package\'s tests, snapshots or node_modules', () => {
    const key = () => new ChartCache(ws.root, ws.cacheDir).keyOf(ws.workload);
    const first = key();
    mkdirSync(join(ws.workload.dir, 'test/__snapshots__'), { recursive: true });
    writeFileSync(join(ws.workload.dir, 'test/extra.test.ts'), 'test.todo("x");\n');
    writeFileSync(join(ws.workload.dir, 'test/__snapshots__/x.snap'), 'snap');
    mkdirSync(join(ws.workload.dir, 'node_modules'), { recursive: true });
    writeFileSync(join(ws.workload.dir, 'node_modules/x.js'), '');
    expect(key()).toBe(first);
  });
});

describe('ChartCache keys and package-lock.json', () => {
  let ws: ReturnType<typeof workspace>;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => rmSync(ws.root, { recursive: true, force: true }));
  const editLock = (edit: (packages: Record<string, any>) => void) => {
    const file = join(ws.root, 'package-lock.json');
    const lock = JSON.parse(readFileSync(file, 'utf8'));
    edit(lock.packages);
    writeFileSync(file, JSON.stringify(lock, null, 2));
  };

  test('adding a package (which npm install records in package-lock.json) keeps every other chart\'s key', () => {
    // Issue 15: the whole lock file was an input of every chart: adding any package made the next generate synthesize them all.
    const key = () => new ChartCache(ws.root, ws.cacheDir).keyOf(ws.workload);
    const first = key();
    mkdirSync(join(ws.root, 'packages/workloads/added/src'), { recursive: true });
    writeFileSync(join(ws.root, 'packages/workloads/added/package.json'), JSON.stringify({ name: '@strata/workload-added', version: '0.1.0', strata: { chart: 'src/chart.ts' }, dependencies: { '@strata/helm': '*', 'left-pad': '1.3.0' } }));
    editLock((p) => {
      p['packages/workloads/added'] = { name: '@strata/workload-added', version: '0.1.0', dependencies: { '@strata/helm': '*', 'left-pad': '1.3.0' } };
      p['node_modules/@strata/workload-added'] = { resolved: 'packages/workloads/added', link: true };
      p['node_modules/left-pad'] = { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz', license: 'WTFPL' };
    });
    expect(key()).toBe(first);
    // A package nothing of the chart loads (a test runner) changes nothing either.
    editLock((p) => (p['node_modules/jest'] = { ...p['node_modules/jest'], version: '0.0.0-other' }));
    expect(key()).toBe(first);
  });

  test('a package the chart loads at another version (cdk8s, or yaml below @strata/helm) changes the key', () => {
    const key = () => new ChartCache(ws.root, ws.cacheDir).keyOf(ws.workload);
    const first = key();
    editLock((p) => (p['node_modules/yaml'] = { ...p['node_modules/yaml'], version: '0.0.0-other' }));
    const second = key();
    expect(second).not.toBe(first);
    editLock((p) => (p['node_modules/cdk8s'] = { ...p['node_modules/cdk8s'], integrity: 'sha512-other' }));
    expect(key()).not.toBe(second);
  });
});

describe('ChartCache entries', () => {
  let ws: ReturnType<typeof workspace>;
  beforeAll(() => {
    ws = workspace();
  });
  afterAll(() => rmSync(ws.root, { recursive: true, force: true }));

  test('a synthesized chart is kept and then served, equal to what synthesis gives', () => {
    const cache = new ChartCache(ws.root, ws.cacheDir);
    expect(cachedChart(ws.workload, cache)).toBeUndefined();
    const fresh = synthesizeChartFiles(ws.workload, cache);
    expect(fresh.cached).toBe(false);
    const hit = cachedChart(ws.workload, new ChartCache(ws.root, ws.cacheDir))!;
    expect(hit.cached).toBe(true);
    expect({ ...hit, cached: false }).toEqual(fresh);
  });

  test('is not served when charts/ records a version it would not choose (the entry\'s version is stale)', () => {
    const cache = new ChartCache(ws.root, ws.cacheDir);
    const out = synthesizeChartFiles(ws.workload, cache);
    // charts/ says the same content was released as 0.1.7: the entry (0.1.0) must not serve.
    mkdirSync(join(ws.root, 'charts', ws.workload.name), { recursive: true });
    writeFileSync(join(ws.root, 'charts', ws.workload.name, 'Chart.yaml'), out.files.get('Chart.yaml')!.replace(/^version: .*$/m, 'version: 0.1.7'));
    expect(cachedChart(ws.workload, cache)).toBeUndefined();
    const again = synthesizeChartFiles(ws.workload, cache);
    expect(again.cached).toBe(false);
    expect(again.files.get('Chart.yaml')).toMatch(/^version: 0\.1\.7$/m);
    expect(cachedChart(ws.workload, cache)?.files.get('Chart.yaml')).toMatch(/^version: 0\.1\.7$/m);
    rmSync(join(ws.root, 'charts'), { recursive: true });
  });

  test('a damaged entry is a miss, and is replaced', () => {
    const cache = new ChartCache(ws.root, ws.cacheDir);
    const key = cache.keyOf(ws.workload);
    mkdirSync(join(ws.cacheDir, 'charts'), { recursive: true });
    writeFileSync(join(ws.cacheDir, 'charts', `${key}.json`), '{"files": {');
    expect(cachedChart(ws.workload, cache)).toBeUndefined();
    synthesizeChartFiles(ws.workload, cache);
    expect(cachedChart(ws.workload, cache)?.cached).toBe(true);
  });

  test('prune keeps what this run used and removes entries unused for a week', () => {
    const cache = new ChartCache(ws.root, ws.cacheDir);
    const key = cache.keyOf(ws.workload);
    synthesizeChartFiles(ws.workload, cache);
    const old = join(ws.cacheDir, 'charts', `${'0'.repeat(64)}.json`);
    writeFileSync(old, '{}');
    const longAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    utimesSync(join(ws.cacheDir, 'charts', `${key}.json`), longAgo, longAgo);
    cache.prune();
    expect(readdirSync(join(ws.cacheDir, 'charts')).sort()).toEqual([`${key}.files.json`, `${key}.json`, `${key}.template.json`]);
  });

  test('an entry\'s files and release template are read only when asked for', () => {
    const cache = new ChartCache(ws.root, ws.cacheDir);
    const fresh = synthesizeChartFiles(ws.workload, cache);
    const hit = cache.get(fresh.key!)!;
    expect(hit.chartYaml).toBe(fresh.files.get('Chart.yaml'));
    expect(hit.fileCount).toBe(fresh.files.size);
    // The parts are gone after the lookup: asking for them now fails, so the lookup did not read them.
    rmSync(join(ws.cacheDir, 'charts', `${fresh.key}.files.json`));
    expect(() => hit.files).toThrow(/ENOENT/);
    expect(hit.template).toEqual(fresh.template);
    // An entry missing a part is a miss.
    expect(cache.get(fresh.key!)).toBeUndefined();
  });

  test('folderStamp changes when a file of the folder changes, appears or disappears', () => {
    const dir = join(ws.root, 'stamped');
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), 'a');
    writeFileSync(join(dir, 'templates/x.yaml'), 'x');
    const first = folderStamp(dir);
    expect(folderStamp(dir)).toBe(first);
    writeFileSync(join(dir, 'templates/x.yaml'), 'y');
    const edited = folderStamp(dir);
    expect(edited).not.toBe(first);
    writeFileSync(join(dir, 'templates/extra.yaml'), '');
    expect(folderStamp(dir)).not.toBe(edited);
    expect(folderStamp(join(ws.root, 'no-such-folder'))).toBeUndefined();
  });

  test('valid value sets are kept between runs', () => {
    const cache = new ChartCache(ws.root, ws.cacheDir);
    expect(cache.validValues()).toEqual([]);
    cache.keepValidValues(['b:2', 'a:1']);
    expect(new ChartCache(ws.root, ws.cacheDir).validValues()).toEqual(['a:1', 'b:2']);
    expect(JSON.parse(readFileSync(join(ws.cacheDir, 'valid-values.json'), 'utf8'))).toEqual(['a:1', 'b:2']);
  });
});

describe('synthesizeInParallel', () => {
  test('worker threads give exactly what one thread gives, in the order asked, errors included', async () => {
    const workloads = findWorkloads(REPO);
    const broken: WorkloadPackage = { ...workloads[0], name: 'broken', chartModule: join(REPO, 'no/such/chart.ts') };
    const asked = [...workloads, broken];
    const one = await synthesizeInParallel(asked, { threads: 1 });
    const two = await synthesizeInParallel(asked, { threads: 2, parallelFrom: 1 });
    expect(two.map((r) => r.index)).toEqual(asked.map((_, i) => i));
    expect(two).toEqual(one);
    expect(two[asked.length - 1].errors![0]).toMatch(/^broken: Cannot find module/);
    expect(existsSync(join(REPO, 'no'))).toBe(false);
  }, 60_000);
});
