import { Duration } from 'cdk8s';
import { S3Files, StorageTier } from '@strata/storage';
import { usesOf } from '@strata/tokens';
import { ModelRepository, ModelRepositoryProps } from '../src';
import { byKind, newChart, one, synthErrors, synthValid, warnings } from './testing';

const FS = 'fs-0123456789abcdef01';
const SOURCE = { bucket: 'ml-models', prefix: 'llama-3-8b/' };

function repository(props: Partial<ModelRepositoryProps> & { cacheFrom?: (chart: ReturnType<typeof newChart>) => S3Files } = {}) {
  const chart = newChart();
  const { cacheFrom, ...rest } = props;
  const cache = cacheFrom ? cacheFrom(chart) : S3Files.fromFileSystem(chart, 'models-fs', { fileSystemId: FS });
  const repo = new ModelRepository(chart, 'models', { source: SOURCE, version: 'v1', cache, server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 2, healthPath: '/health' }, readyTimeout: Duration.minutes(5), ...rest });
  return { chart, repo };
}

describe('ModelRepository on S3 Files (a model repository living in S3, read with POSIX semantics)', () => {
  test('no hydration: the servers read <mountPath>/<source prefix><version> through the file system, gated on the version\'s files; no S3 policy for the servers', () => {
    const { chart, repo } = repository();
    const objs = synthValid(chart);
    expect(byKind(objs, 'Job')).toEqual([]);
    expect(repo.hydrationJob).toBeUndefined();
    expect(repo.direct).toBe(true);
    const pod = one(objs, 'Deployment').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: 'MODEL_DIR', value: '/models/llama-3-8b/v1' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'models-fs', mountPath: '/models', readOnly: true });
    expect(pod.initContainers[0].env).toContainEqual({ name: 'READY_DIR', value: '/models/llama-3-8b/v1' });
    expect(one(objs, 'PersistentVolume').spec.csi).toEqual({ driver: 'efs.csi.aws.com', volumeHandle: `s3files:${FS}` });
    // S3 Files mounts as the EFS CSI node (its role): the servers' own role needs nothing.
    expect(repo.iamPolicies()).toEqual({});
    expect(byKind(objs, 'ConfigMap')).toEqual([]);
    expect(usesOf(chart)).toEqual([StorageTier.S3_FILES]);
    expect(warnings(chart)).toEqual([]);
  });

  test('a file system created over a prefix: cacheKeyPrefix takes it off the model directory', () => {
    const { chart } = repository({ source: { bucket: 'ml-models', prefix: 'models/llama-3-8b/' }, cacheKeyPrefix: 'models/' });
    expect(one(synthValid(chart), 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'MODEL_DIR', value: '/models/llama-3-8b/v1' });
  });

  test.each<[string, Partial<ModelRepositoryProps> & { cacheFrom?: (chart: ReturnType<typeof newChart>) => S3Files }, string[]]>([
    [
      'an S3 Files class (every claim gets a new, empty directory)',
      { cacheFrom: (c) => S3Files.fromStorageClass(c, 'models-fs', { storageClass: { name: 'strata-s3-files' } }) },
      [`[test/models] 'cache' ("S3Files from a StorageClass") must be an S3Files volume of an existing file system (S3Files.fromFileSystem); the models live in the bucket: mount its file system (or a directory or access point of it); a class gives every claim a new, empty directory`],
    ],
    [
      'a cacheKeyPrefix the source is not under',
      { cacheKeyPrefix: 'datasets/' },
      [`[test/models] 'cacheKeyPrefix' ("datasets/") must be a prefix the source prefix ("llama-3-8b/") starts with; give the prefix the S3 Files volume shows at its root: the source must be under it`],
    ],
    [
      'a source that is not S3',
      { source: { kind: 'huggingFace', bind: () => ({}) } as never },
      [`[test/models] 'cache' ("S3Files") must be an Efs or FsxLustre claim for a huggingFace source; S3 Files reads an S3 source straight from its bucket; other sources are hydrated into EFS or FSx for Lustre`],
    ],
  ])('refuses %s', (_what, props, errors) => {
    const { chart } = repository(props);
    expect(synthErrors(chart)).toEqual(errors);
  });
});
