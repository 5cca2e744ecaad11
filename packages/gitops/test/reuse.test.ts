/**
 * What lets generate reuse an environment's output between runs (tools/cli environment-memo.ts):
 * planning reads only the catalog entries the environment names, and an environment given back
 * by `reuse` is not planned again — its files, warnings and served versions are taken as given.
 */
import { environmentsFromDefinitions, LoadedEnvironment, recordingCatalog } from '../src';
import { fixtureCatalog } from './fixtures/charts';
import { dev, efsOnly, prod } from './fixtures/environments';

const loaded = (d: typeof dev): LoadedEnvironment => ({ name: d.name, file: `environments/${d.name}/environment.ts`, definition: d });

describe('an environment reads the catalog entries it names', () => {
  test.each([dev, prod, efsOnly])('$name: its workloads and tier charts, and it never lists the catalog', (d) => {
    const catalog = fixtureCatalog();
    const { reads } = environmentsFromDefinitions([loaded(d)], catalog);
    const tierCharts = Object.keys(d.storage ?? {}).map((t) => `storage-${t}`);
    expect(reads.get(d.name)).toEqual({ charts: [...new Set([...Object.keys(d.workloads), ...tierCharts])].filter((c) => c in catalog).sort(), all: false });
  });

  test('recordingCatalog records look-ups of charts that are not there, and listing', () => {
    const r = recordingCatalog(fixtureCatalog());
    expect(r.catalog['no-such-chart']).toBeUndefined();
    expect('inference' in r.catalog).toBe(true);
    expect(r.read()).toEqual({ charts: ['inference', 'no-such-chart'], all: false });
    Object.keys(r.catalog);
    expect(r.read().all).toBe(true);
  });
});

describe('reuse', () => {
  test('a reused environment is taken as given; the others are planned; the result is the same tree', () => {
    const catalog = fixtureCatalog();
    const envs = [dev, prod].map(loaded);
    const first = environmentsFromDefinitions(envs, catalog);
    const made = first.made.get('prod')!;
    const again = environmentsFromDefinitions(envs, catalog, (e) => (e.name === 'prod' ? { files: made.files.map((rel) => [rel, first.tree.get(rel)!] as const), warnings: made.warnings, served: made.served } : undefined));
    expect([...again.reused]).toEqual(['prod']);
    expect(again.plans.map((p) => p.env.name)).toEqual(['dev']);
    expect(again.tree).toEqual(first.tree);
    expect(again.warnings).toEqual(first.warnings);
  });
});
