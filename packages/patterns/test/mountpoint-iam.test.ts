import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { AccessMode, S3AuthenticationSource, S3Mountpoint, S3ServerSideEncryption } from '@strata/storage';
import { grantMountpoint, mountpointStatements, WorkloadIdentity } from '../src';
import { policiesOf } from '@strata/tokens';
import { newChart, synth, warnings } from './testing';

const security = { ensureNonRoot: true, user: 1000, group: 1000 };
const container = { image: 'busybox', resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(16) } } };

describe('mountpointStatements: the policy follows the volume\'s write flags and bucket type', () => {
  const base = { bucket: 'ml-data', prefix: 'runs/r1/', write: false, delete: false, overwrite: false, directoryBucket: false };

  test('read-only: list under the prefix, get objects', () => {
    expect(mountpointStatements('data', base)).toEqual([
      { Sid: 'DataList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::ml-data'], Condition: { StringLike: { 's3:prefix': ['runs/r1/*'] } } },
      { Sid: 'DataRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ml-data/runs/r1/*'] },
    ]);
  });

  test('writable: + PutObject and AbortMultipartUpload; DeleteObject only with allow-delete; allow-overwrite adds nothing (a replacing PUT is a PUT)', () => {
    const objects = (a: typeof base) => mountpointStatements('data', a).find((s) => s.Sid === 'DataObjects')!.Action;
    expect(objects({ ...base, write: true })).toEqual(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']);
    expect(objects({ ...base, write: true, overwrite: true })).toEqual(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']);
    expect(objects({ ...base, write: true, delete: true })).toEqual(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject']);
  });

  test('SSE-KMS: decrypt to read, and generate data keys to write', () => {
    const kms = 'arn:aws:kms:us-east-1:111122223333:key/k';
    expect(mountpointStatements('data', { ...base, kmsKeyArn: kms }).at(-1)).toEqual({ Sid: 'DataKms', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [kms] });
    expect(mountpointStatements('data', { ...base, write: true, kmsKeyArn: kms }).at(-1)).toEqual({ Sid: 'DataKms', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [kms] });
  });

  test('S3 Express One Zone: s3express:CreateSession on the directory bucket (its region, any account unless given); a shared cache the same', () => {
    expect(mountpointStatements('ckpt', { ...base, bucket: 'ckpt--use1-az4--x-s3', directoryBucket: true, write: true, region: 'us-east-1' }, { account: '111122223333' })).toEqual([
      { Sid: 'CkptSession', Effect: 'Allow', Action: ['s3express:CreateSession'], Resource: ['arn:aws:s3express:us-east-1:111122223333:bucket/ckpt--use1-az4--x-s3'] },
    ]);
    expect(mountpointStatements('data', { ...base, sharedCacheBucket: 'cache--use1-az4--x-s3' }).map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ['DataList', ['s3:ListBucket'], ['arn:aws:s3:::ml-data']],
      ['DataRead', ['s3:GetObject'], ['arn:aws:s3:::ml-data/runs/r1/*']],
      ['DataSharedCache', ['s3express:CreateSession'], ['arn:aws:s3express:*:*:bucket/cache--use1-az4--x-s3']],
    ]);
  });

  test('an access point ARN: the access point listed under the prefix, its objects below /object/', () => {
    const ap = 'arn:aws:s3:us-west-2:111122223333:accesspoint/ml';
    expect(mountpointStatements('data', { ...base, bucket: ap, write: true })).toEqual([
      { Sid: 'DataList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [ap], Condition: { StringLike: { 's3:prefix': ['runs/r1/*'] } } },
      { Sid: 'DataObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: [`${ap}/object/runs/r1/*`] },
    ]);
  });
});

describe('grantMountpoint: the policy goes to the identity Mountpoint runs as', () => {
  test('authenticationSource pod: to the service account of every pod mounting the volume, once per account', () => {
    const chart = newChart();
    const account = WorkloadIdentity.serviceAccount(chart, 'reader');
    const other = WorkloadIdentity.serviceAccount(chart, 'writer');
    const s3 = new S3Mountpoint(chart, 'out', { bucketName: 'ml-out', prefix: 'r1/', authenticationSource: S3AuthenticationSource.POD, allowDelete: true, sse: S3ServerSideEncryption.KMS, sseKmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' });
    for (const [id, sa] of [['a', account], ['b', account], ['c', other]] as const) {
      const job = new plus.Job(chart, id, { serviceAccount: sa, securityContext: security, containers: [container] });
      s3.mount(job.containers[0], '/out');
    }
    const statements = grantMountpoint(s3);
    expect(WorkloadIdentity.policiesOf(chart)).toEqual({
      reader: { Version: '2012-10-17', Statement: statements },
      writer: { Version: '2012-10-17', Statement: statements },
    });
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['OutList', ['s3:ListBucket']],
      ['OutObjects', ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject']],
      ['OutKms', ['kms:Decrypt', 'kms:GenerateDataKey']],
    ]);
    expect(warnings(chart)).toEqual([]);
  });

  test('authenticationSource driver: to the driver\'s role, recorded as iam-policies/s3-csi-driver.json (no ConfigMap), with a warning that the environment\'s driver identity needs it', () => {
    const chart = newChart();
    const a = new S3Mountpoint(chart, 'models', { bucketName: 'ml-models', prefix: 'm/', accessMode: AccessMode.READ_ONLY_MANY });
    const b = new S3Mountpoint(chart, 'out', { bucketName: 'ml-out', prefix: 'o/' });
    grantMountpoint(a);
    grantMountpoint(b);
    expect(synth(chart).filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const recorded = policiesOf(chart) as Record<string, { Statement: { Sid: string }[] }>;
    expect(Object.keys(recorded)).toEqual(['s3-csi-driver']);
    expect(recorded['s3-csi-driver'].Statement.map((s) => s.Sid)).toEqual(['ModelsList', 'ModelsRead', 'OutList', 'OutObjects']);
    const warning = (p: string) => `[test/${p}] 'authenticationSource' ("driver") must be satisfied by the driver's role; Mountpoint uses the driver's identity (kube-system/s3-csi-driver-sa: the environment's identity.drivers.s3, else the node's instance profile) for this volume: give that role the policy iam-policies/s3-csi-driver.json of the chart (every chart's, for one role), or use authenticationSource "pod" for a role per workload`;
    expect(warnings(chart)).toEqual([warning('models'), warning('out')]);
  });

  test('throws: pod credentials before any pod mounts the volume, or for a pod without a WorkloadIdentity account', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'out', { bucketName: 'ml-out', authenticationSource: S3AuthenticationSource.POD });
    expect(() => grantMountpoint(s3)).toThrow('[test/out] grantMountpoint: no pod mounts the volume yet; mount it first (with authenticationSource pod, the policy goes to each mounting pod\'s service account)');
    const job = new plus.Job(chart, 'j', { securityContext: security, containers: [container] });
    s3.mount(job.containers[0], '/out');
    expect(() => grantMountpoint(s3)).toThrow('[test/out] grantMountpoint: test/j has no service account of WorkloadIdentity (the namespace\'s default); with authenticationSource pod Mountpoint uses the pod\'s role: give the pod WorkloadIdentity.serviceAccount(this, \'<key>\')');
  });
});
