import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { chartFiles, Helm, HelmError, synthesizeChart, WorkloadChart } from '@strata/helm';
import { writeChartDir } from '@strata/helm/test/support/helm-render';
import { S3Mountpoint, AccessMode, Efs } from '@strata/storage';
import { versionsOf } from '@strata/tokens';
import { HYDRATE_S3_PINNED_SCRIPT, ModelRepository, ModelRepositoryProps, ModelSources } from '../src';
import { AWS_FAILURES, putVersion, runScript, sandbox, SHELLS, writeFiles } from './support/fake-aws';
import { newChart, one, synthErrors, synthValid } from './testing';

/**
 * An S3 model version pinned to object versions: a manifest, read at its own version ID, lists the
 * version of each object; the hydration gets exactly those (aws s3api get-object --version-id),
 * whatever the prefix holds now. Run for real in every shell against the fake aws.
 */
const BY_SHELL = SHELLS.map((shell) => [shell.name, shell] as const);
const TAB = '\t';

describe.each(BY_SHELL)('pinned S3 hydration (%s)', (_name, shell) => {
  const setup = (manifest = [`llama/v1/config.json${TAB}c1`, `llama/v1/tokenizer/vocab.txt${TAB}t1`, `llama/v1/model.safetensors${TAB}m1`].join('\n') + '\n') => {
    const box = sandbox();
    // What the prefix holds now: overwritten since the pin (other content, another file).
    writeFiles(join(box.s3, 'models/llama/v1'), { 'config.json': 'new', 'model.safetensors': 'new', 'extra.bin': 'x' });
    putVersion(box, 'models', 'llama/v1/config.json', 'c1', '{"pinned":true}');
    putVersion(box, 'models', 'llama/v1/tokenizer/vocab.txt', 't1', 'vocab');
    putVersion(box, 'models', 'llama/v1/model.safetensors', 'm1', 'weights');
    putVersion(box, 'models', 'llama/v1.manifest', 'mv1', manifest);
    const cache = join(box.root, 'cache');
    mkdirSync(cache);
    const env = { ...box.env, SOURCE_BUCKET: 'models', SOURCE_PREFIX: 'llama/', PIN_MANIFEST_KEY: 'llama/v1.manifest', PIN_MANIFEST_VERSION: 'mv1', MODEL_SOURCE: 's3://models/llama/v1/ pinned', MODEL_VERSION: 'v1', CACHE_DIR: cache };
    const run = (overrides: NodeJS.ProcessEnv = {}) => runScript(HYDRATE_S3_PINNED_SCRIPT, { ...env, ...overrides }, shell);
    return { box, cache, run, copies: () => readFileSync(box.log, 'utf8').split('\n').filter(Boolean).map((p) => p.slice(box.root.length + 1)) };
  };

  test('gets each object at the version the manifest names, not what the prefix holds now; then the marker', () => {
    const { cache, run } = setup();
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('got 3 object version(s) under s3://models/llama/v1/ as the manifest pins them');
    expect(readFileSync(join(cache, 'v1/config.json'), 'utf8')).toBe('{"pinned":true}');
    expect(readFileSync(join(cache, 'v1/tokenizer/vocab.txt'), 'utf8')).toBe('vocab');
    expect(readFileSync(join(cache, 'v1/model.safetensors'), 'utf8')).toBe('weights');
    expect(existsSync(join(cache, 'v1/extra.bin'))).toBe(false);
    expect(readFileSync(join(cache, 'v1/.strata-source'), 'utf8')).toBe('s3://models/llama/v1/ pinned\n');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('a get that fails leaves no marker; the retry gets only what is missing', () => {
    const { box, cache, run, copies } = setup();
    box.fail({ ...AWS_FAILURES.network, match: '*model.safetensors*' });
    const first = run();
    expect(first.status).toBe(1);
    expect(first.stderr).toContain('Could not connect to the endpoint URL');
    expect(first.stderr).toContain('getting s3://models/llama/v1/model.safetensors at version m1 failed (aws s3api get-object exited 255');
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
    expect(existsSync(join(cache, 'v1/model.safetensors'))).toBe(false);
    box.heal();
    expect(run().status).toBe(0);
    // Each object once over both runs (the manifest, read by each run, goes to a temporary file).
    expect(copies().filter((p) => p.startsWith('cache/'))).toEqual(['cache/v1/config.json.strata-part', 'cache/v1/tokenizer/vocab.txt.strata-part', 'cache/v1/model.safetensors.strata-part']);
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(true);
  });

  test('a manifest version that does not exist fails with the aws error, before anything is made', () => {
    const { cache, run } = setup();
    const r = run({ PIN_MANIFEST_VERSION: 'nope' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('An error occurred (NoSuchVersion) when calling the GetObject operation: The specified version does not exist.');
    expect(r.stderr).toContain('cannot read the manifest s3://models/llama/v1.manifest at version nope (aws s3api get-object exited 254');
    expect(existsSync(join(cache, 'v1'))).toBe(false);
  });

  test.each([
    ['a key outside the version', `llama/v2/config.json${TAB}c1\n`, 'the manifest lists llama/v2/config.json, outside llama/v1/: a pinned version reads only its own prefix'],
    ['a key that climbs out', `llama/v1/../../etc/passwd${TAB}c1\n`, 'the manifest lists llama/v1/../../etc/passwd, which leaves'],
    ['a line without a version', 'llama/v1/config.json\n', "the manifest's line for llama/v1/config.json is not <key><tab><version id>"],
    ['no object at all', '\n', 'the manifest s3://models/llama/v1.manifest lists no object under llama/v1/'],
  ])('%s is refused, without a marker', (_what, manifest, message) => {
    const { cache, run } = setup(manifest);
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(existsSync(join(cache, 'v1/.strata-ready'))).toBe(false);
  });
});

describe('ModelSources.s3 with objectVersions', () => {
  const pinned = ModelSources.s3({ bucket: 'ml-models', prefix: 'llama/' }, { objectVersions: { manifestKey: 'llama/v3.manifest', manifestVersionId: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' } });
  const repository = (source: ModelRepositoryProps['source'], cache?: (chart: ReturnType<typeof newChart>) => ModelRepositoryProps['cache']) => {
    const chart = newChart();
    const repo = new ModelRepository(chart, 'models', { source, version: 'v3', cache: cache ? cache(chart) : Efs.fromStorageClass(chart, 'cache', { storageClass: { name: 'strata-efs' } }), server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 1 } });
    return { chart, repo };
  };

  test('the hydration runs the pinned script with the manifest, and its role may read object versions', () => {
    const { chart, repo } = repository(pinned);
    const copier = one(synthValid(chart), 'Job').spec.template.spec.containers[0];
    expect(copier.command).toEqual(['/bin/sh', '-c', HYDRATE_S3_PINNED_SCRIPT]);
    expect(copier.env.slice(0, 5)).toEqual([
      { name: 'SOURCE_BUCKET', value: 'ml-models' },
      { name: 'SOURCE_PREFIX', value: 'llama/' },
      { name: 'PIN_MANIFEST_KEY', value: 'llama/v3.manifest' },
      { name: 'PIN_MANIFEST_VERSION', value: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' },
      { name: 'MODEL_SOURCE', value: 's3://ml-models/llama/v3/ as s3://ml-models/llama/v3.manifest?versionId=3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' },
    ]);
    expect(repo.iamPolicies().hydration.Statement[1]).toEqual({ Sid: 'ModelsHydrationModelsRead', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: ['arn:aws:s3:::ml-models/llama/*'] });
    expect(versionsOf(chart)[0].description.facts).toEqual({
      version: 'v3',
      source: 's3',
      reads: 's3://ml-models/llama/v3/ as s3://ml-models/llama/v3.manifest?versionId=3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
      pinned: 'object versions listed in s3://ml-models/llama/v3.manifest?versionId=3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
      cache: 'efs',
      hydrated: true,
    });
  });

  test('refused: a Mountpoint cache (current versions only), a manifest outside the prefix, a bad version ID', () => {
    const mountpoint = (chart: ReturnType<typeof newChart>) => new S3Mountpoint(chart, 'bucket', { bucketName: 'ml-models', prefix: 'llama/', accessMode: AccessMode.READ_ONLY_MANY, uid: 1000, gid: 1000, allowOther: true });
    expect(synthErrors(repository(pinned, mountpoint).chart)).toEqual([
      `[test/models] 'cache' ("S3Mountpoint") must be an Efs or FsxLustre claim for a source pinned to object versions; Mountpoint reads the current version of each object only: hydrate the pinned versions into EFS or FSx for Lustre, or leave objectVersions out`,
    ]);
    const bad = ModelSources.s3({ bucket: 'ml-models', prefix: 'llama/' }, { objectVersions: { manifestKey: 'manifests/v3', manifestVersionId: 'has space' } });
    expect(synthErrors(repository(bad).chart)).toEqual([
      `[test/models] 'source.objectVersions.manifestKey' ("manifests/v3") must be a key under "llama/" (the source's prefix); keep the manifest beside the versions: the hydration's policy covers only the prefix`,
      `[test/models] 'source.objectVersions.manifestVersionId' ("has space") must be an S3 object version ID as list-object-versions prints it (no spaces) and at most 1024 characters; copy the VersionId aws s3api put-object (or list-object-versions) printed for the manifest`,
    ]);
  });
});

/** The manifest as chart values: an environment pins a version by setting them; the literal rules become schema rules. */
class PinnedChart extends WorkloadChart {
  public constructor() {
    super(Testing.app(), 'pinned', { name: 'pinned', description: 'A model version pinned to object versions.' });
    const v = this.values;
    const source = ModelSources.s3(
      { bucket: 'ml-models', prefix: 'llama/' },
      {
        objectVersions: {
          manifestKey: v.string('model.manifestKey', { default: 'llama/v3.manifest', description: 'Manifest key.' }),
          manifestVersionId: v.string('model.manifestVersionId', { default: 'mv1', description: 'Manifest version ID.' }),
        },
      },
    );
    const cache = Efs.fromStorageClass(this, 'cache', { storageClass: { name: 'strata-efs' } });
    new ModelRepository(this, 'models', { source, version: 'v3', cache, server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 1 } });
  }
}

describe('the pin as chart values', () => {
  const helm = new Helm();
  const dir = writeChartDir(chartFiles(synthesizeChart(new PinnedChart()), { version: '0.1.0', source: 'packages/patterns/test' }), 'pinned');
  const refusal = async (values: Record<string, unknown>): Promise<string> => {
    try {
      await helm.template(dir, { releaseName: 'rel', namespace: 'ml', values });
    } catch (e) {
      return (e as HelmError).message;
    }
    return 'accepted';
  };

  test.each([
    [{ model: { manifestKey: 'manifests/v3' } }, 'model.manifestKey: Does not match pattern'],
    [{ model: { manifestKey: 'llama/v3/' } }, 'model.manifestKey: Does not match pattern'],
    [{ model: { manifestVersionId: 'has space' } }, 'model.manifestVersionId: Does not match pattern'],
  ])('helm refuses %j at install', async (values, message) => {
    expect(await refusal(values)).toContain(message);
  });

  test('and takes a manifest under the prefix at any version ID', async () => {
    expect(await refusal({ model: { manifestKey: 'llama/manifests/v3.tsv', manifestVersionId: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' } })).toBe('accepted');
  });
});
