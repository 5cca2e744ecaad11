import { Chart, Testing } from 'cdk8s';
import { s3aStatements, s3Statements, sid, WorkloadIdentity } from '../src';
import { policiesOf } from '@strata/tokens';
import { byKind, newChart, one, synthValid } from './testing';

describe('s3Statements', () => {
  test('read: list under the prefix only, get objects under it', () => {
    expect(s3Statements('models', { bucket: 'b', prefix: 'p/' })).toEqual([
      { Sid: 'ModelsList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['p/*'] } } },
      { Sid: 'ModelsRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/p/*'] },
    ]);
  });

  test('write and delete only when asked; never a wildcard action; another partition', () => {
    const statements = s3Statements('out', { bucket: 'b', prefix: 'runs/r1/' }, { read: false, write: true, delete: true, partition: 'aws-cn', kmsKeyArn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/k' });
    expect(statements).toEqual([
      { Sid: 'OutList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws-cn:s3:::b'], Condition: { StringLike: { 's3:prefix': ['runs/r1/*'] } } },
      { Sid: 'OutObjects', Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'], Resource: ['arn:aws-cn:s3:::b/runs/r1/*'] },
      // A multipart upload to an SSE-KMS bucket decrypts the data key for each part: writing needs
      // kms:Decrypt too (https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key).
      { Sid: 'OutKms', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: ['arn:aws-cn:kms:cn-north-1:111122223333:key/k'] },
    ]);
    for (const s of statements) for (const a of s.Action) expect(a).not.toContain('*');
  });

  test('sid: letters and digits only', () => {
    expect(sid('my-repo', 'hydration', 'models')).toBe('MyRepoHydrationModels');
  });
});

describe('s3aStatements (Hadoop S3A)', () => {
  test('read a directory and a file: the bucket listed without a prefix condition (a missing path must be a 404), objects on the directory\'s own key and below it', () => {
    expect(s3aStatements('input', { bucket: 'raw', directories: ['taxi/2025'], files: ['scripts/etl.py'] })).toEqual([
      { Sid: 'InputList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::raw'] },
      { Sid: 'InputRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::raw/scripts/etl.py', 'arn:aws:s3:::raw/taxi/2025', 'arn:aws:s3:::raw/taxi/2025/*'] },
    ]);
    // Nothing beside the directory (taxi/2025b), no prefix condition, no wildcard action.
    const [list, read] = s3aStatements('input', { bucket: 'raw', directories: ['taxi/2025'] });
    expect([list.Condition, read.Resource.some((r) => r.endsWith('2025*'))]).toEqual([undefined, false]);
  });

  test('a file alone needs no listing; writing, deleting, S3A\'s committers, SSE-KMS, another partition', () => {
    expect(s3aStatements('app', { bucket: 'code', files: ['etl.py'] })).toEqual([{ Sid: 'AppRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::code/etl.py'] }]);
    expect(s3aStatements('output', { bucket: 'curated', directories: ['taxi/run-7'] }, { write: true, delete: true, committer: true, partition: 'aws-cn', kmsKeyArn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/k' })).toEqual([
      { Sid: 'OutputList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: ['arn:aws-cn:s3:::curated'] },
      { Sid: 'OutputObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: ['arn:aws-cn:s3:::curated/taxi/run-7', 'arn:aws-cn:s3:::curated/taxi/run-7/*'] },
      { Sid: 'OutputKms', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: ['arn:aws-cn:kms:cn-north-1:111122223333:key/k'] },
    ]);
  });

  test('throws: a directory with a trailing "/" or an empty key', () => {
    expect(() => s3aStatements('output', { bucket: 'b', directories: ['taxi/'] })).toThrow('s3aStatements \'output\': "taxi/" must be a key path without a leading or trailing "/" (a directory is its own key and everything below it)');
    expect(() => s3aStatements('output', { bucket: 'b', files: [''] })).toThrow('s3aStatements \'output\': "" must be a key path without a leading or trailing "/" (a directory is its own key and everything below it)');
  });
});

describe('WorkloadIdentity', () => {
  test('one service account per key and chart, shared by the patterns that ask for it', () => {
    const chart = newChart();
    const a = WorkloadIdentity.serviceAccount(chart, 'training', { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/t' } });
    const b = WorkloadIdentity.serviceAccount(chart, 'training', { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/t' } });
    expect(a).toBe(b);
    const other = new Chart(Testing.app(), 'other');
    expect(WorkloadIdentity.serviceAccount(other, 'training')).not.toBe(a);
    expect(() => WorkloadIdentity.serviceAccount(chart, 'training', { annotations: {} })).toThrow(
      `[test] service account 'training' is already created with other annotations ({"eks.amazonaws.com/role-arn":"arn:aws:iam::1:role/t"}); give every pattern that uses 'training' the same annotations value`,
    );
    expect(() => WorkloadIdentity.serviceAccount(chart, 'checkpoint-sync')).toThrow(`[test] service account key 'checkpoint-sync' must be a camelCase identifier (it names the value serviceAccounts.checkpoint-sync)`);
  });

  test('statements of one key are merged into one document, recorded on the chart (iam-policies/<key>.json), never a ConfigMap', () => {
    const chart = newChart();
    const sa = WorkloadIdentity.serviceAccount(chart, 'checkpointSync');
    WorkloadIdentity.addStatements(chart, 'checkpointSync', s3Statements('a', { bucket: 'b1' }));
    WorkloadIdentity.addStatements(chart, 'checkpointSync', s3Statements('b', { bucket: 'b2' }));
    const objs = synthValid(chart);
    expect(one(objs, 'ServiceAccount').metadata.name).toBe(sa.name);
    expect(one(objs, 'ServiceAccount').metadata.annotations).toEqual({});
    expect(byKind(objs, 'ConfigMap')).toEqual([]);
    const recorded = policiesOf(chart) as Record<string, any>;
    expect(Object.keys(recorded)).toEqual(['checkpointSync']);
    expect(recorded.checkpointSync.Statement.map((s: any) => s.Sid)).toEqual(['AList', 'ARead', 'BList', 'BRead']);
    expect(recorded).toEqual(WorkloadIdentity.policiesOf(chart));
    expect(() => WorkloadIdentity.addStatements(chart, 'checkpointSync', s3Statements('a', { bucket: 'b3' }))).toThrow(
      `[test] the policy of 'checkpointSync' has two statements with Sid AList; give the patterns different ids`,
    );
  });
});
