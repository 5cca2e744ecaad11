import { ChartCatalog, ChartEntry, EnvironmentDefinition, environmentFiles, environmentsFromDefinitions, planEnvironment, servedVersions, VersionedRead, versionsAcrossEnvironments, versionsReport } from '../src';
import { fixtureCatalog } from './fixtures/charts';
import { dev, prod } from './fixtures/environments';

/** A fixture chart with a `model.version` / `dataset.version` value and the versions annotation a pattern writes. */
function withVersion(entry: ChartEntry, key: string, defaults: Record<string, unknown>, versions: VersionedRead[]): ChartEntry {
  const { schemaRules: _, ...rest } = entry;
  const props = (entry.schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const existing = props[key] ?? { type: 'object', additionalProperties: false, properties: {} };
  const schema = {
    ...entry.schema,
    properties: { ...props, [key]: { ...existing, properties: { ...(existing.properties as object), version: { type: 'string', description: 'Version.' } } } },
  };
  return { ...rest, schema, defaults: { ...entry.defaults, [key]: { ...(entry.defaults[key] as object), ...defaults } }, versions };
}

const value = (path: string) => ({ $value: path });
const base = fixtureCatalog();
const catalog: ChartCatalog = {
  ...base,
  inference: withVersion(base.inference, 'model', { version: 'v1' }, [
    {
      name: 'models',
      pattern: 'ModelRepository',
      facts: { cache: 'efs', hydrated: true, reads: { $concat: ['s3://', value('bucket.name'), '/llama/', value('model.version'), '/'] }, source: 's3', unpinned: 'objects under the prefix can be overwritten', version: value('model.version') },
    },
  ]),
  training: withVersion(base.training, 'dataset', { version: 'v3' }, [
    {
      name: 'dataset',
      pattern: 'DistributedDataset',
      facts: {
        existing: value('dataset.existing.enabled'),
        path: 'imagenet/',
        importPath: 's3://training-data/imagenet/',
        reads: { $concat: ['s3://training-data/imagenet/', value('dataset.version'), '/'] },
        readsExisting: { $concat: ['s3://training-data/imagenet/', value('dataset.version'), '/'] },
        source: 'fsx-import',
        unpinned: 'FSx for Lustre imports the objects under the prefix as S3 holds them now',
        version: value('dataset.version'),
      },
    },
  ]),
};

/** An environment with these values for a workload (merged over its own). */
function withValues(env: EnvironmentDefinition, workload: string, values: Record<string, unknown>): EnvironmentDefinition {
  const w = env.workloads[workload];
  return { ...env, workloads: { ...env.workloads, [workload]: { ...w, values: { ...(w.values as object), ...values } } } };
}

const plan = (env: EnvironmentDefinition) => {
  const p = planEnvironment(env, catalog);
  expect(p.errors).toEqual([]);
  return p;
};

describe('which model and dataset version each environment serves', () => {
  test('the section of the report: each version with the environment\'s values, what it reads and whether it is pinned', () => {
    expect(versionsReport(plan(dev)).join('\n')).toMatchSnapshot();
    expect(environmentFiles(dev, catalog).get('dev/README.md')).toContain(versionsReport(plan(dev)).join('\n'));
  });

  test('an environment\'s override changes the version it serves, and what that version reads', () => {
    const served = (env: EnvironmentDefinition) => servedVersions(plan(env)).map((s) => [s.workload, s.version, s.reads]);
    expect(served(dev)).toEqual([
      ['inference', 'v1', 's3://models-bucket/llama/v1/'],
      ['training', 'v3', 's3://training-data/imagenet/v3/'],
    ]);
    const overridden = withValues(withValues(dev, 'inference', { model: { version: 'v2' }, bucket: { name: 'dev-models' } }), 'training', { dataset: { version: 'v4' } });
    expect(served(overridden)).toEqual([
      ['inference', 'v2', 's3://dev-models/llama/v2/'],
      ['training', 'v4', 's3://training-data/imagenet/v4/'],
    ]);
  });

  test("a dataset on the environment's class is placed under the S3 path that class links, not the chart's guess", () => {
    const linked: EnvironmentDefinition = { ...dev, storage: { ...dev.storage, 'fsx-lustre': { ...(dev.storage?.['fsx-lustre'] as object), s3ImportPath: 's3://training-data' } } } as EnvironmentDefinition;
    const [, dataset] = servedVersions(plan(linked));
    expect([dataset.reads, dataset.through]).toEqual(['s3://training-data/imagenet/v3/', 'FSx for Lustre (its class links s3://training-data)']);
  });

  test('a class linking another path than the chart expects: the version is flagged as outside it, with the fix', () => {
    const linked: EnvironmentDefinition = { ...dev, storage: { ...dev.storage, 'fsx-lustre': { ...(dev.storage?.['fsx-lustre'] as object), s3ImportPath: 's3://other-data' } } } as EnvironmentDefinition;
    const [, dataset] = servedVersions(plan(linked));
    expect([dataset.reads, dataset.outside]).toEqual(['s3://other-data/imagenet/v3/', 's3://training-data/imagenet/']);
    const section = versionsReport(plan(linked));
    expect(section).toContain('| training | dataset `dataset` (fsx-import) | `v3` | `s3://other-data/imagenet/v3/` **outside s3://training-data/imagenet/** | FSx for Lustre (its class links s3://other-data) | no: FSx for Lustre imports the objects under the prefix as S3 holds them now |');
    expect(section).toContain(
      "**training: dataset `dataset` reads s3://other-data/imagenet/v3/, outside s3://training-data/imagenet/** where its chart expects the data: its class links the file system's root to another S3 path, so the directory mounted holds none of it. Set the dataset's directory (its `path` value) to where that data lies under the class's link, or link the class to the chart's path.",
    );
    // generate warns too, in the terminal: the report alone is easy to miss.
    expect(environmentsFromDefinitions([{ name: 'dev', definition: linked, file: 'environments/dev/environment.ts' }], catalog).warnings).toEqual([
      "environments/dev/environment.ts: 'workloads.training' (dataset dataset) reads s3://other-data/imagenet/v3/, outside s3://training-data/imagenet/ where its chart expects the data: the environment's class links the file system's root to another S3 path, so the directory mounted holds none of it; set the dataset's directory (its path) to where that data lies under the class's link, or link the class to the chart's path",
    ]);
    const aligned: EnvironmentDefinition = { ...dev, storage: { ...dev.storage, 'fsx-lustre': { ...(dev.storage?.['fsx-lustre'] as object), s3ImportPath: 's3://training-data' } } } as EnvironmentDefinition;
    expect(environmentsFromDefinitions([{ name: 'dev', definition: aligned, file: 'environments/dev/environment.ts' }], catalog).warnings).toEqual([]);
  });

  test('an existing file system reads through its association', () => {
    const env = withValues(dev, 'training', { dataset: { existing: { enabled: true, fileSystemId: 'fs-0123456789abcdef0' }, storageClassName: '' } });
    const [, dataset] = servedVersions(plan(env));
    expect(dataset).toMatchObject({ source: 'fsx-association', reads: 's3://training-data/imagenet/v3/', through: 'FSx for Lustre (an existing file system, data repository association)' });
  });

  test('side by side (environments/versions.md): the version and location per environment, and whether they read the same content', () => {
    const same = withValues(dev, 'inference', { model: { version: 'v2' }, bucket: { name: 'models-bucket' } });
    const prodV2 = withValues(prod, 'inference', { model: { version: 'v2' }, bucket: { name: 'models-bucket' } });
    expect(versionsAcrossEnvironments([plan(dev), plan(withValues(prod, 'inference', { model: { version: 'v2' } }))])).toMatchSnapshot();
    expect(versionsAcrossEnvironments([plan(same), plan(prodV2)])).toContain('| inference | model repository `models` | `v2`<br/>`s3://models-bucket/llama/v2/` | `v2`<br/>`s3://models-bucket/llama/v2/` | yes | yes |');
  });

  test('no section, and no side-by-side file, when no chart has a model repository or a dataset', () => {
    expect(versionsReport(planEnvironment(dev, fixtureCatalog()))).toEqual([]);
    expect(versionsAcrossEnvironments([planEnvironment(dev, fixtureCatalog())])).toBeUndefined();
  });
});
