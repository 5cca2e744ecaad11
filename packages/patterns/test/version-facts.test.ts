import { Size, Testing } from 'cdk8s';
import { chartFiles, synthesizeChart, VERSIONS_ANNOTATION, WorkloadChart } from '@strata/helm';
import { AccessMode, Efs, FsxAutoImportPolicy, FsxDeploymentType, S3Mountpoint } from '@strata/storage';
import { versionsOf } from '@strata/tokens';
import { parse } from 'yaml';
import { DatasetFileSystem, DatasetFileSystems, DistributedDataset, IModelSource, ModelRepository, ModelRepositoryProps, ModelSources, ParallelJob, UNPINNED, versionLocation } from '../src';
import { newChart } from './testing';

const REV = '0123456789abcdef0123456789abcdef01234567';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** The version facts a chart records, by construct path. */
function facts(chart: ReturnType<typeof newChart>) {
  return versionsOf(chart).map((v) => ({ path: v.path, pattern: v.description.pattern, facts: v.description.facts }));
}

function repository(source: ModelRepositoryProps['source'], props: Partial<ModelRepositoryProps> = {}) {
  const chart = newChart();
  const cache = props.cache ?? Efs.fromStorageClass(chart, 'cache', { storageClass: { name: 'strata-efs' } });
  new ModelRepository(chart, 'models', { source, version: 'v3', cache, server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 1 }, ...props });
  return chart;
}

describe('ModelRepository: what its version reads, for every source kind', () => {
  const efs = { cache: 'efs', hydrated: true, version: 'v3' };
  test.each<[string, ModelRepositoryProps['source'], Record<string, unknown>]>([
    ['S3 (a location)', { bucket: 'ml-models', prefix: 'llama/' }, { source: 's3', reads: 's3://ml-models/llama/v3/', unpinned: UNPINNED.s3 }],
    ['S3 (the whole bucket)', ModelSources.s3({ bucket: 'ml-models' }), { source: 's3', reads: 's3://ml-models/v3/', unpinned: UNPINNED.s3 }],
    [
      'Hugging Face: the commit pins it',
      ModelSources.huggingFace({ repository: 'meta-llama/Llama-3.1-8B-Instruct', revision: REV, image: 'vllm/vllm-openai:v0.8.5' }),
      { source: 'huggingFace', reads: `hf://meta-llama/Llama-3.1-8B-Instruct@${REV}`, pinned: `commit ${REV}` },
    ],
    ['NGC', ModelSources.ngc({ model: 'nvidia/nemo/llama-3_1-8b-instruct:1.0', image: 'nvcr.io/nvidia/ngc-cli:3.41' }), { source: 'ngc', reads: 'ngc://nvidia/nemo/llama-3_1-8b-instruct:1.0', unpinned: UNPINNED.ngc }],
    ['an image by tag', ModelSources.image({ image: 'registry.example.com/models/llama:3.1', path: '/models/' }), { source: 'image', reads: 'image://registry.example.com/models/llama:3.1/models', unpinned: UNPINNED.imageTag }],
    [
      'an image by digest: the digest pins it',
      ModelSources.image({ image: `registry.example.com/models/llama@${DIGEST}`, path: '/models' }),
      { source: 'image', reads: `image://registry.example.com/models/llama@${DIGEST}/models`, pinned: `digest ${DIGEST}` },
    ],
    ['a command', ModelSources.command({ image: 'python:3.12', command: ['python3', '/app/fetch.py'], id: 'https://example.com/w.tar#sha256=00' }), { source: 'command', reads: 'https://example.com/w.tar#sha256=00', unpinned: UNPINNED.command }],
  ])('%s', (_, source, expected) => {
    expect(facts(repository(source))).toEqual([{ path: 'models', pattern: 'ModelRepository', facts: { ...efs, ...expected } }]);
  });

  test('a source of your own states its pin, or the report says it states none', () => {
    const own = (pin?: string): IModelSource => ({
      kind: 'lakeFs',
      bind: () => ({ id: 'lakefs://repo/main', image: 'busybox:1.36.1', script: 'true', env: {}, ...(pin ? { pin } : {}) }),
    });
    expect(facts(repository(own('commit c0ffee')))[0].facts).toEqual({ ...efs, source: 'lakeFs', reads: 'lakefs://repo/main', pinned: 'commit c0ffee' });
    expect(facts(repository(own()))[0].facts).toEqual({ ...efs, source: 'lakeFs', reads: 'lakefs://repo/main', unpinned: 'the source states no pin' });
  });

  test('a Mountpoint cache reads the version straight from S3: not hydrated', () => {
    const chart = newChart();
    const cache = new S3Mountpoint(chart, 'bucket', { bucketName: 'ml-models', prefix: 'llama/', accessMode: AccessMode.READ_ONLY_MANY, uid: 1000, gid: 1000, allowOther: true });
    new ModelRepository(chart, 'models', { source: { bucket: 'ml-models', prefix: 'llama/' }, version: 'v3', cache, server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 1 } });
    expect(facts(chart)[0].facts).toEqual({ version: 'v3', source: 's3', reads: 's3://ml-models/llama/v3/', unpinned: UNPINNED.s3, cache: 's3', hydrated: false });
  });
});

describe('DistributedDataset: the S3 path of its version', () => {
  const SUBNET = 'subnet-0123456789abcdef0';
  const SG = 'sg-0123456789abcdef0';
  const existing = (fileSystemPath: string, dataRepositoryPath = 's3://ml-datasets/pile') => ({
    fileSystemId: 'fs-0123456789abcdef0',
    dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com',
    mountName: 'abcdef12',
    deploymentType: FsxDeploymentType.PERSISTENT_2,
    storage: Size.gibibytes(4800),
    association: { associationId: 'dra-0123456789abcdef0', dataRepositoryPath, fileSystemPath },
  });
  const dataset = (fileSystem: DatasetFileSystem, extra: { version?: string; path?: string } = {}) => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: 4 });
    new DistributedDataset(chart, 'dataset', { fileSystem, job, availabilityZone: 'us-east-1a', ...extra });
    return facts(chart);
  };
  const unpinned = UNPINNED.dataset;

  test('a new file system with an import path: the path, the directory and the version below it', () => {
    const fs = DatasetFileSystems.importing({ storage: Size.gibibytes(1200), subnetId: SUBNET, securityGroupIds: [SG], deploymentType: FsxDeploymentType.SCRATCH_2, s3ImportPath: 's3://ml-datasets/pile', autoImportPolicy: FsxAutoImportPolicy.NEW_CHANGED });
    expect(dataset(fs, { version: 'v3', path: 'en/' })).toEqual([{ path: 'dataset', pattern: 'DistributedDataset', facts: { version: 'v3', source: 'fsx-import', reads: 's3://ml-datasets/pile/en/v3/', unpinned } }]);
    expect(dataset(fs)[0].facts).toEqual({ version: '', source: 'fsx-import', reads: 's3://ml-datasets/pile/', unpinned });
  });

  test("a file system from a class: what the chart expects the class to link, and the directory (the report reads the environment's class)", () => {
    const fs = DatasetFileSystems.fromStorageClass({ storageClass: { name: 'strata-fsx-lustre', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(2400), importPath: 's3://ml-datasets/pile/' });
    expect(dataset(fs, { version: 'v3' })[0].facts).toEqual({ version: 'v3', source: 'fsx-import', reads: 's3://ml-datasets/pile/v3/', path: '', importPath: 's3://ml-datasets/pile/', unpinned });
  });

  test("an existing file system: the association's S3 path with the directory below its fileSystemPath", () => {
    expect(dataset(DatasetFileSystems.fromFileSystem(existing('/pile')), { version: 'v1' })[0].facts).toEqual({ version: 'v1', source: 'fsx-association', reads: 's3://ml-datasets/pile/v1/', unpinned });
    expect(dataset(DatasetFileSystems.fromFileSystem(existing('/pile')), { version: 'v1', path: 'pile/en/' })[0].facts).toEqual({ version: 'v1', source: 'fsx-association', reads: 's3://ml-datasets/pile/en/v1/', unpinned });
    expect(dataset(DatasetFileSystems.fromFileSystem(existing('/', 's3://ml-datasets/')), { version: 'v2', path: 'a/b/' })[0].facts).toEqual({ version: 'v2', source: 'fsx-association', reads: 's3://ml-datasets/a/b/v2/', unpinned });
  });

  test('decided at install: both, and the value that chooses', () => {
    const chart = new (class extends WorkloadChart {
      public constructor() {
        super(Testing.app(), 'ds', { name: 'ds', description: 'A dataset.' });
        const v = this.values;
        const bucket = v.string('dataset.bucket', { default: 'ml-datasets', description: 'Bucket.' });
        const prefix = v.string('dataset.prefix', { default: 'pile/', description: 'Prefix.' });
        const path = v.string('dataset.path', { default: '', description: 'Directory.' });
        const useFileSystem = v.boolean('dataset.existing', { default: false, description: 'Existing.' });
        const importPath = `s3://${bucket}/${prefix}`;
        const job = new ParallelJob(this, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: 4 });
        new DistributedDataset(this, 'dataset', {
          job,
          availabilityZone: 'us-east-1a',
          path,
          version: v.string('dataset.version', { default: 'v1', description: 'Version.' }),
          fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({
            useFileSystem,
            storageClass: { name: v.string('dataset.storageClassName', { default: 'strata-fsx-lustre', description: 'Class.' }), deploymentType: FsxDeploymentType.SCRATCH_2 },
            storage: Size.gibibytes(1200),
            importPath,
            fileSystem: { ...existing(`/${path}`, importPath), fileSystemId: v.string('dataset.fileSystemId', { default: 'fs-0123456789abcdef0', description: 'Id.' }) },
          }),
        });
      }
    })();
    const annotation = parse(chartFiles(synthesizeChart(chart), { version: '0.1.0', source: 'test' }).get('Chart.yaml')!).annotations[VERSIONS_ANNOTATION];
    const value = (path: string) => ({ $value: path });
    expect(JSON.parse(annotation)).toEqual([
      {
        name: 'dataset',
        pattern: 'DistributedDataset',
        facts: {
          existing: value('dataset.existing'),
          importPath: { $concat: ['s3://', value('dataset.bucket'), '/', value('dataset.prefix')] },
          path: value('dataset.path'),
          reads: { $concat: ['s3://', value('dataset.bucket'), '/', value('dataset.prefix'), value('dataset.path'), value('dataset.version'), '/'] },
          readsExisting: { $concat: ['s3://', value('dataset.bucket'), '/', value('dataset.prefix'), value('dataset.version'), '/'] },
          source: 'fsx-import',
          unpinned,
          version: value('dataset.version'),
        },
      },
    ]);
  });
});

describe('versionLocation', () => {
  test('adds the "/" a literal path lacks, and the version directory', () => {
    expect(versionLocation('s3://b/p', '', 'v1')).toBe('s3://b/p/v1/');
    expect(versionLocation('s3://b/p/', 'd/', 'v1')).toBe('s3://b/p/d/v1/');
    expect(versionLocation('s3://b/', '', undefined)).toBe('s3://b/');
  });
});
