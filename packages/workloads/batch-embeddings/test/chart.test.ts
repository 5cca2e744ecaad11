import BatchEmbeddingsChart from '../src/chart';
import { chartPolicies, describeChart, render } from '@strata/chart-testing';

const { dir } = describeChart({
  name: 'batch-embeddings',
  Chart: BatchEmbeddingsChart,
  kinds: ['Job', 'PersistentVolume', 'PersistentVolume', 'PersistentVolume', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'Pod', 'Service', 'ServiceAccount'],
  invalid: [
    [{ model: { bucket: 'ML_Models' } }, 'model.bucket: Does not match pattern'],
    [{ model: { prefix: 'bge' } }, 'model.prefix: Does not match pattern'],
    [{ corpus: { prefix: '/corpus/' } }, 'corpus.prefix: Does not match pattern'],
    [{ output: { bucket: 'ab' } }, 'output.bucket: Does not match pattern'],
    [{ output: { run: '' } }, 'output.run: Does not match pattern'],
    [{ mountpoint: { cacheSize: 0 } }, 'mountpoint.cacheSize: Must be greater than or equal to 1'],
    [{ workers: { shards: 0 } }, 'workers.shards: Must be greater than or equal to 1'],
    [{ workers: { parallelism: 'all' } }, 'workers.parallelism: Invalid type. Expected: integer, given: string'],
    [{ workers: { gpus: -1 } }, 'workers.gpus: Must be greater than or equal to 0'],
    [{ workers: { command: [] } }, 'workers.command: Array must have at least 1 items'],
    [{ aws: { region: 'US-EAST-1' } }, 'aws.region: Does not match pattern'],
    [{ serviceAccounts: { writer: {} } }, 'serviceAccounts: Additional property writer is not allowed'],
  ],
});

describe('batch-embeddings release', () => {
  test('model and corpus are read-only Mountpoint volumes with a local cache; output takes new objects only', async () => {
    const objs = await render(dir, { mountpoint: { cacheSize: 20 }, output: { run: 'r7' } }, { skipTests: true });
    const pvs = objs.filter((o) => o.kind === 'PersistentVolume');
    const byBucket = (b: string) => pvs.find((pv) => pv.spec.csi.volumeAttributes.bucketName === b).spec;
    const model = byBucket('ml-models');
    expect(model.accessModes).toEqual(['ReadOnlyMany']);
    expect(model.csi.volumeAttributes).toEqual({ authenticationSource: 'pod', bucketName: 'ml-models', cache: 'emptyDir', cacheEmptyDirSizeLimit: '20Gi' });
    expect(model.mountOptions).toEqual(['prefix bge-large-en-v1.5/v1/', 'region us-east-1', 'allow-other', 'uid=1000', 'gid=1000', 'metadata-ttl indefinite']);
    const out = byBucket('ml-embeddings');
    expect(out.accessModes).toEqual(['ReadWriteMany']);
    expect(out.mountOptions).toEqual(['prefix bge-large-en-v1.5/r7/', 'region us-east-1', 'allow-other', 'uid=1000', 'gid=1000']);
    const worker = objs.find((o) => o.kind === 'Job').spec.template.spec.containers[0];
    expect(worker.volumeMounts.filter((m: any) => m.readOnly).map((m: any) => m.mountPath).sort()).toEqual(['/corpus', '/model']);
  });

  test('the reader policy reads model and corpus and writes only under the run', async () => {
    const objs = await render(dir, { output: { run: 'r7' } }, { skipTests: true });
    expect(objs.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const doc = chartPolicies(dir, { output: { run: 'r7' } }).reader;
    const writes = doc.Statement.filter((s: any) => s.Action.includes('s3:PutObject'));
    expect(writes).toEqual([{ Sid: 'OutputObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: ['arn:aws:s3:::ml-embeddings/bge-large-en-v1.5/r7/*'] }]);
    expect(doc.Statement.flatMap((s: any) => s.Action)).not.toContain('s3:DeleteObject');
  });
});
