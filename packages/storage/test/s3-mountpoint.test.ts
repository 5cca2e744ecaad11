import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { holdsData, storageOf, Tokens } from '@strata/tokens';
import { AccessMode } from '../src/access-mode';
import {
  checkS3TerminationGrace,
  forbidS3StorageClasses,
  S3AuthenticationSource,
  S3Mountpoint,
  S3MountpointProps,
  S3ServerSideEncryption,
} from '../src/s3-mountpoint';
import { StorageClass } from '../src/storage-class';
import { StorageTier } from '../src/tier';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';
import { S3_ROWS } from './bad-inputs';

/** The PersistentVolume and the claim of a chart with one S3Mountpoint. */
function pvAndClaim(objs: any[]): [any, any] {
  return [byKind(objs, 'PersistentVolume')[0], byKind(objs, 'PersistentVolumeClaim')[0]];
}

describe('S3Mountpoint', () => {
  test('defaults: a static PV pre-bound to its claim, both with storageClassName ""', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'ckpt', { bucketName: 'ml-checkpoints' });
    const [pv, claim] = pvAndClaim(synthValid(chart));

    expect(pv.metadata.name).toBe('test-ckpt-persistentvolume-c8e9a685');
    expect(s3.tier).toBe(StorageTier.S3);
    expect(s3.accessMode).toBe(AccessMode.READ_WRITE_MANY);
    expect(s3.authenticationSource).toBe(S3AuthenticationSource.DRIVER);
    expect(s3.writable).toBe(true);
    // The handle is the volume's own name: unique in the cluster by definition.
    expect(s3.volumeHandle).toBe(pv.metadata.name);
    expect(s3.namespace).toBe('ml');
    expect(s3.mountOptions).toEqual([]);

    expect(pv.metadata).toEqual({ name: pv.metadata.name }); // cluster-scoped: no namespace
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '1Gi' }, // ignored by the driver, required by Kubernetes
      claimRef: { name: claim.metadata.name, namespace: 'ml' },
      csi: { driver: 's3.csi.aws.com', volumeHandle: pv.metadata.name, volumeAttributes: { bucketName: 'ml-checkpoints' } },
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      volumeMode: 'Filesystem',
    });
    expect(claim.metadata.namespace).toBe('ml');
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '1Gi' } },
      storageClassName: '',
      volumeMode: 'Filesystem',
      volumeName: pv.metadata.name,
    });
    // A pointer to the bucket: neither object is kept by Helm (no data in them).
    expect([holdsData(s3.persistentVolume.apiObject), holdsData(s3.claim.apiObject)]).toEqual([false, false]);
    expect(s3.access).toEqual({ bucket: 'ml-checkpoints', prefix: '', write: true, delete: false, overwrite: false, directoryBucket: false });
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: every typed mount option and attribute, in the driver\'s spelling', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'data', {
      bucketName: 'ml-data',
      prefix: 'datasets/v1/',
      region: 'us-west-2',
      accessMode: AccessMode.READ_WRITE_MANY,
      authenticationSource: S3AuthenticationSource.POD,
      stsRegion: 'us-west-2',
      cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(4), medium: 'Memory' },
      allowDelete: true,
      allowOverwrite: true,
      allowOther: true,
      uid: 1000,
      gid: 2000,
      dirMode: '0770',
      fileMode: '0660',
      metadataTtl: Duration.seconds(3),
      maxCacheSize: 2048,
      storageClass: 'INTELLIGENT_TIERING',
      sse: S3ServerSideEncryption.KMS,
      sseKmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      readPartSize: Size.mebibytes(16),
      writePartSize: Size.mebibytes(64),
      maxThreads: 32,
      maximumThroughputGbps: 100,
      negativeMetadataTtl: Duration.seconds(1),
      uploadChecksums: 'off',
      bucketType: 'general-purpose',
      expectedBucketOwner: '111122223333',
      requesterPays: true,
      awsMaxAttempts: 10,
      extraMountOptions: ['debug', 'endpoint-url=https://s3.us-west-2.amazonaws.com', 'log-metrics'],
      mountpointPodServiceAccountName: 's3-mountpoint',
      mountpointContainerResources: { limits: { cpu: plus.Cpu.millis(2000), memory: Size.gibibytes(8) } },
      proxy: { httpsProxy: 'http://proxy.example.com:3128', noProxy: ['sts.us-west-2.amazonaws.com', '.internal'] },
      volumeHandle: 'ml-data-datasets-v1',
    });
    const [pv] = pvAndClaim(synthValid(chart));
    expect(pv.spec.mountOptions).toEqual([
      'prefix datasets/v1/',
      'region us-west-2',
      'allow-delete',
      'allow-overwrite',
      'allow-other',
      'uid=1000',
      'gid=2000',
      'dir-mode=0770',
      'file-mode=0660',
      'metadata-ttl 3',
      'negative-metadata-ttl 1',
      'max-cache-size 2048',
      'storage-class INTELLIGENT_TIERING',
      'sse aws:kms',
      'sse-kms-key-id arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'upload-checksums off',
      'bucket-type general-purpose',
      'expected-bucket-owner 111122223333',
      'requester-pays',
      'read-part-size 16777216',
      'write-part-size 67108864',
      'max-threads 32',
      'maximum-throughput-gbps 100',
      'aws-max-attempts 10',
      'debug',
      'endpoint-url=https://s3.us-west-2.amazonaws.com',
      'log-metrics',
    ]);
    expect(pv.spec.csi).toEqual({
      driver: 's3.csi.aws.com',
      volumeHandle: 'ml-data-datasets-v1',
      volumeAttributes: {
        authenticationSource: 'pod',
        bucketName: 'ml-data',
        cache: 'emptyDir',
        cacheEmptyDirMedium: 'Memory',
        cacheEmptyDirSizeLimit: '4Gi',
        mountpointContainerResourcesLimitsCpu: '2000m',
        mountpointContainerResourcesLimitsMemory: '8Gi',
        'mountpointEnv.HTTPS_PROXY': 'http://proxy.example.com:3128',
        'mountpointEnv.NO_PROXY': 'sts.us-west-2.amazonaws.com,.internal',
        mountpointPodServiceAccountName: 's3-mountpoint',
        stsRegion: 'us-west-2',
      },
    });
    expect(s3.volumeAttributes).toEqual(pv.spec.csi.volumeAttributes);
    expect(s3.access).toEqual({
      bucket: 'ml-data', prefix: 'datasets/v1/', write: true, delete: true, overwrite: true, directoryBucket: false, region: 'us-west-2',
      kmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(warnings(chart)).toEqual([]);
  });

  test('an ephemeral cache on a local NVMe class, and a directory bucket with incremental upload', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'express', {
      bucketName: 'ckpt--usw2-az1--x-s3',
      incrementalUpload: true,
      metadataTtl: 'indefinite',
      cache: { type: 'ephemeral', storageClassName: 'nvme-ssd', storageRequest: Size.gibibytes(200) },
    });
    const [pv] = pvAndClaim(synthValid(chart));
    expect(pv.spec.mountOptions).toEqual(['metadata-ttl indefinite', 'incremental-upload']);
    expect(s3.directoryBucket).toBe(true);
    expect(s3.zoneId).toBe('usw2-az1');
    expect(pv.spec.csi.volumeAttributes).toEqual({
      bucketName: 'ckpt--usw2-az1--x-s3',
      cache: 'ephemeral',
      cacheEphemeralStorageClassName: 'nvme-ssd',
      cacheEphemeralStorageResourceRequest: '200Gi',
    });
  });

  test('snapshot', () => {
    const chart = newChart();
    new S3Mountpoint(chart, 'models', {
      bucketName: 'ml-models',
      prefix: 'llama/',
      region: 'us-east-1',
      accessMode: AccessMode.READ_ONLY_MANY,
      metadataTtl: 'indefinite',
      cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(50) },
    });
    expect(synthValid(chart)).toMatchSnapshot();
  });

  test('a ReadOnlyMany volume is not writable and mounts read-only only', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'models', { bucketName: 'ml-models', accessMode: AccessMode.READ_ONLY_MANY });
    const deploy = new plus.Deployment(chart, 'serve', { containers: [{ image: 'vllm' }] });
    s3.mount(deploy.containers[0], '/models');
    expect(s3.writable).toBe(false);
    expect(synthErrors(chart)).toEqual([
      `[test/models] 'readOnly' (false) must be true when mounting /models from a read-only volume; pass { readOnly: true } or use a ReadWriteMany volume`,
    ]);
  });

  test('mount: a Deployment gets the claim volume and a read-only mount', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'models', { bucketName: 'ml-models', accessMode: AccessMode.READ_ONLY_MANY });
    const deploy = new plus.Deployment(chart, 'serve', { containers: [{ image: 'vllm' }] });
    s3.mount(deploy.containers[0], '/models', { readOnly: true });
    const objs = synthValid(chart);
    const [, claim] = pvAndClaim(objs);
    const pod = byKind(objs, 'Deployment')[0].spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'models', persistentVolumeClaim: { claimName: claim.metadata.name, readOnly: false } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'models', mountPath: '/models', readOnly: true }]);
    expect(warnings(chart)).toEqual([]);
  });

  test('mount with subPath works but warns: the prefix vanishes with its last object', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 'data', { bucketName: 'ml-data' });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'trainer' }] });
    s3.mount(pod.containers[0], '/data', { subPath: 'shard-0' });
    const objs = synthValid(chart);
    expect(byKind(objs, 'Pod')[0].spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data', subPath: 'shard-0' }]);
    expect(warnings(chart)).toEqual([
      `[test/data] 'subPath' ("shard-0") must be a prefix rather than a subPath; an S3 "directory" vanishes when its last object is deleted and the mount breaks (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/TROUBLESHOOTING.md#L43-L92); mount prefix "shard-0/" with its own S3Mountpoint`,
    ]);
  });

  describe('a cache on instance-store NVMe (cache.instanceStore)', () => {
    test('each pod that mounts the volume requests the cache\'s room once, and the chart records the NVMe beside the bucket', () => {
      const chart = newChart();
      const s3 = new S3Mountpoint(chart, 'models', {
        bucketName: 'ml-models',
        prefix: 'llama/v1/',
        accessMode: AccessMode.READ_ONLY_MANY,
        cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(100), instanceStore: true },
      });
      const deploy = new plus.Deployment(chart, 'serve', {
        containers: [{ image: 'vllm', resources: { ephemeralStorage: { request: Size.gibibytes(10) } } }, { image: 'sidecar' }],
      });
      s3.mount(deploy.containers[0], '/models', { readOnly: true });
      s3.mount(deploy.containers[1], '/models', { readOnly: true }); // the same pod: reserved once
      const objs = synthValid(chart);
      const [pv] = pvAndClaim(objs);
      // What the driver reads is unchanged: a disk emptyDir with its limit.
      expect(pv.spec.csi.volumeAttributes).toEqual({ bucketName: 'ml-models', cache: 'emptyDir', cacheEmptyDirSizeLimit: '100Gi' });
      const containers = byKind(objs, 'Deployment')[0].spec.template.spec.containers;
      expect(containers.map((c: any) => c.resources?.requests?.['ephemeral-storage'])).toEqual(['110Gi', undefined]);
      expect(s3.instanceStoreCache?.toGibibytes()).toBe(100);
      expect(storageOf(chart).map((s) => [s.path, s.description.tier, s.description.facts])).toEqual([
        ['models', 's3', { bucketName: 'ml-models', prefix: 'llama/v1/', cache: 'emptyDir on instance store', accessMode: 'ReadOnlyMany', authenticationSource: 'driver' }],
        ['models/Cache', 'instance-store', { sizeGiB: 100, kind: 'mountpoint-cache' }],
      ]);
      expect(warnings(chart)).toEqual([]);
    });

    test('a size value becomes the request; a second pod requests it too', () => {
      const gi = Tokens.number('cache.sizeGiB', {});
      const chart = newChart();
      const s3 = new S3Mountpoint(chart, 'models', { bucketName: 'ml-models', accessMode: AccessMode.READ_ONLY_MANY, cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(gi), instanceStore: true } });
      const a = new plus.Pod(chart, 'a', { containers: [{ image: 'vllm' }] });
      const b = new plus.Pod(chart, 'b', { containers: [{ image: 'vllm' }] });
      s3.mount(a.containers[0], '/models', { readOnly: true });
      s3.mount(b.containers[0], '/models', { readOnly: true, pod: b });
      const pods = byKind(synth(chart), 'Pod');
      expect(pods.map((p) => p.spec.containers[0].resources.requests['ephemeral-storage'])).toEqual([`${gi}Gi`, `${gi}Gi`]);
    });

    test('throws: no size limit, a Memory medium, a value deciding it', () => {
      const chart = newChart();
      new S3Mountpoint(chart, 'a', { bucketName: 'ml-data', cache: { type: 'emptyDir', instanceStore: true } });
      new S3Mountpoint(chart, 'b', { bucketName: 'ml-data', cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(4), medium: 'Memory', instanceStore: true } });
      new S3Mountpoint(chart, 'c', { bucketName: 'ml-data', cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(4), instanceStore: Tokens.boolean('cache.nvme', {}) } });
      expect(synthErrors(chart)).toEqual([
        "[test/a] 'cache.sizeLimit' (not set) must be set for a cache on instance store; give the cache's size: each mounting pod requests it as ephemeral storage",
        `[test/b] 'cache.medium' ("Memory") must be "" (node disk) for a cache on instance store; a Memory emptyDir is RAM: leave medium unset`,
        expect.stringMatching(/^\[test\/c\] 'cache\.instanceStore' \(.*\) must be true or false when the chart is written; where the cache lives is decided in code$/),
      ]);
    });
  });

  describe('claimRef namespace', () => {
    test('a chart without namespace and no namespace prop: not pre-bound, with a warning', () => {
      const chart = new Chart(Testing.app(), 'test');
      const s3 = new S3Mountpoint(chart, 'data', { bucketName: 'ml-data' });
      const [pv, claim] = pvAndClaim(synthValid(chart));
      expect(s3.namespace).toBeUndefined();
      expect(pv.spec.claimRef).toBeUndefined();
      expect(claim.metadata.namespace).toBeUndefined();
      expect(warnings(chart)).toEqual([
        `[test/data] 'namespace' (not set) must be the claim's namespace to pre-bind the volume; without claimRef another claim with storageClassName "" may bind this volume first; set namespace (a token for the release namespace works)`,
      ]);
    });

    test('a namespace prop in a namespace-less chart names both the claimRef and the claim', () => {
      const chart = new Chart(Testing.app(), 'test');
      new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', namespace: 'team-a' });
      const [pv, claim] = pvAndClaim(synthValid(chart));
      expect(pv.spec.claimRef).toEqual({ name: claim.metadata.name, namespace: 'team-a' });
      expect(claim.metadata.namespace).toBe('team-a');
    });

    test('a namespace token passes through unchanged', () => {
      const chart = new Chart(Testing.app(), 'test');
      const ns = Tokens.string('$release.namespace', {});
      new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', namespace: ns });
      const [pv, claim] = pvAndClaim(synth(chart));
      expect(pv.spec.claimRef.namespace).toBe(ns);
      expect(claim.metadata.namespace).toBe(ns);
    });

    test('throws if the namespace prop differs from the chart\'s', () => {
      const chart = newChart('ml');
      new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', namespace: 'other' });
      expect(synthErrors(chart)).toEqual([
        `[test/data] 'namespace' ("other") must be the claim's namespace "ml" (the chart's); leave namespace unset: the claim lives in the chart's namespace`,
      ]);
    });
  });

  test('volume handles are checked across the whole App (two charts)', () => {
    const app = new App();
    const a = new Chart(app, 'a', { namespace: 'ml' });
    const b = new Chart(app, 'b', { namespace: 'ml' });
    new S3Mountpoint(a, 'data', { bucketName: 'ml-data', volumeHandle: 'shared' });
    new S3Mountpoint(b, 'data', { bucketName: 'ml-data', volumeHandle: 'shared' });
    expect(() => app.synthYaml()).toThrow(
      `[b/data] 'volumeHandle' ("shared") must be unique in the cluster (a/data uses it too); the driver processes only one volume per handle: give each volume its own volumeHandle`,
    );
  });

  test('default handles are the volumes\' names: two volumes of one prefix differ', () => {
    const chart = newChart();
    const a = new S3Mountpoint(chart, 'a', { bucketName: 'ml-data', prefix: 'x/' });
    const b = new S3Mountpoint(chart, 'b', { bucketName: 'ml-data', prefix: 'x/' });
    expect([a.volumeHandle, b.volumeHandle]).toEqual([a.persistentVolume.name, b.persistentVolume.name]);
    expect(a.volumeHandle).not.toBe(b.volumeHandle);
    expect(synthErrors(chart)).toEqual([]);
  });

  test('throws if sseKmsKeyId is not an ARN or comes without SSE-KMS', () => {
    const chart = newChart();
    new S3Mountpoint(chart, 'a', { bucketName: 'ml-data', sseKmsKeyId: 'alias/ml' });
    new S3Mountpoint(chart, 'b', { bucketName: 'ml-data', sse: S3ServerSideEncryption.AES256, sseKmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/k' });
    expect(synthErrors(chart)).toEqual([
      `[test/a] 'sseKmsKeyId' ("alias/ml") must be a KMS key ARN; Mountpoint takes a key ARN only (not a key id or alias)`,
      `[test/a] 'sse' (not set) must be aws:kms or aws:kms:dsse with sseKmsKeyId; set sse: S3ServerSideEncryption.KMS`,
      `[test/b] 'sse' ("AES256") must be one of aws:kms, aws:kms:dsse; sseKmsKeyId needs SSE-KMS`,
    ]);
  });

  test('throws if mount flags are install-time booleans (a flag is present or absent)', () => {
    const chart = newChart();
    const allow = Tokens.boolean('s3.allowDelete', {});
    new S3Mountpoint(chart, 'a', { bucketName: 'ml-data', allowDelete: allow });
    expect(synthErrors(chart)).toEqual([
      `[test/a] 'allowDelete' (${JSON.stringify(allow)}) must be true or false when the chart is written; a mount flag is present or absent: decide it in code`,
    ]);
  });

  test('access point ARNs and aliases are valid bucketName values', () => {
    const chart = newChart();
    new S3Mountpoint(chart, 'arn', { bucketName: 'arn:aws:s3:us-west-2:111122223333:accesspoint/ml-ap' });
    new S3Mountpoint(chart, 'alias', { bucketName: 'ml-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias' });
    expect(synthErrors(chart)).toEqual([]);
  });

  describe('tokens (Helm values)', () => {
    test('bucketName and prefix tokens get their rules attached and pass through', () => {
      const owner = {};
      const bucket = Tokens.string('s3.bucket', owner);
      const prefix = Tokens.string('s3.prefix', owner);
      const chart = newChart();
      new S3Mountpoint(chart, 'data', { bucketName: bucket, prefix, volumeHandle: 'data' });
      const [pv] = pvAndClaim(synth(chart));
      expect(pv.spec.csi.volumeAttributes.bucketName).toBe(bucket);
      expect(pv.spec.mountOptions).toEqual([`prefix ${prefix}`]);
      expect(Tokens.infoOf(bucket)!.constraints.map((c) => c.origin)).toEqual(['[test/data] bucketName']);
      expect(Tokens.infoOf(bucket)!.constraints[0].constraint.anyOf).toHaveLength(2);
      expect(Tokens.infoOf(prefix)!.constraints).toEqual([{ constraint: { pattern: '/$' }, origin: '[test/data] prefix', accepted: 'a prefix ending in "/"' }]);
    });

    test('a cache size token must hold maxCacheSize; a maxCacheSize token must fit the literal limit', () => {
      const owner = {};
      const limit = Tokens.number('s3.cacheGi', owner);
      const max = Tokens.number('s3.maxCacheMi', owner);
      const chart = newChart();
      new S3Mountpoint(chart, 'a', { bucketName: 'ml-data', cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(limit) }, maxCacheSize: 2048 });
      new S3Mountpoint(chart, 'b', { bucketName: 'ml-data', cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(1) }, maxCacheSize: max });
      const [pv] = pvAndClaim(synth(chart));
      expect(pv.spec.csi.volumeAttributes.cacheEmptyDirSizeLimit).toBe(`${limit}Gi`);
      expect(Tokens.infoOf(limit)!.constraints).toEqual([{ constraint: { minimum: 2 }, origin: '[test/a] cacheEmptyDirSizeLimit', accepted: 'at least maxCacheSize (2048 MiB)' }]);
      expect(Tokens.infoOf(max)!.constraints).toContainEqual({ constraint: { maximum: 1024 }, origin: '[test/b] maxCacheSize', accepted: 'at most 1024 (MiB, the cacheEmptyDirSizeLimit 1Gi)' });
    });
  });

  test('forbidS3StorageClasses applies to any scope, objects added later included', () => {
    const chart = newChart();
    forbidS3StorageClasses(chart);
    new StorageClass(chart, 'fsx', { provisioner: 'fsx.csi.aws.com' });
    new StorageClass(chart, 'sc', { provisioner: 's3.csi.aws.com' });
    expect(synthErrors(chart)).toEqual([
      `[test] 'provisioner' ("s3.csi.aws.com") must be a driver with dynamic provisioning; Mountpoint for Amazon S3 mounts existing buckets only: remove StorageClass test/sc/Resource and use S3Mountpoint (a PersistentVolume and claim with storageClassName "")`,
    ]);
  });

  test('checkS3TerminationGrace accepts seconds or a Duration; 600 s is the limit', () => {
    const chart = newChart();
    expect(checkS3TerminationGrace(chart, 600)).toBe(true);
    expect(checkS3TerminationGrace(chart, Duration.minutes(10))).toBe(true);
    expect(checkS3TerminationGrace(chart, undefined)).toBe(true);
    expect(checkS3TerminationGrace(chart, Tokens.number('grace', {}))).toBe(true);
    expect(warnings(chart)).toEqual([]);
    expect(checkS3TerminationGrace(chart, Duration.minutes(15))).toBe(false);
    expect(warnings(chart)).toHaveLength(1);
  });
});

/** Bad inputs for Mountpoint S3: each row is a case, its props and the exact outcome. */
describe('bad inputs (Mountpoint S3)', () => {
  const base: S3MountpointProps = { bucketName: 'ml-data' };
  // The table is shared with the hardening suite's bad-input matrix.
  test.each(S3_ROWS.map(([, name, build, errors, warns]) => [name, build, errors, warns] as const))('%s', (_name, build, errors, warns) => {
    const chart = newChart();
    build(chart);
    expect(synthErrors(chart)).toEqual(errors);
    expect(warnings(chart)).toEqual(warns);
  });

  test('42: dropped flags are left out of the PersistentVolume', () => {
    const chart = newChart();
    const s3 = new S3Mountpoint(chart, 's3', { ...base, extraMountOptions: ['foreground', '--help', 'debug', 'version'] });
    const [pv] = pvAndClaim(synthValid(chart));
    expect(s3.mountOptions).toEqual(['debug']);
    expect(pv.spec.mountOptions).toEqual(['debug']);
  });

  test('38: a PV or claim without storageClassName "" cannot be made (no prop sets it)', () => {
    const chart = newChart();
    new S3Mountpoint(chart, 's3', base);
    const objs = synthValid(chart);
    expect(objs.map((o: any) => [o.kind, o.spec.storageClassName])).toEqual([
      ['PersistentVolume', ''],
      ['PersistentVolumeClaim', ''],
    ]);
  });
});
