import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Tokens, usesOf } from '@strata/tokens';
import { AccessMode } from '../src/access-mode';
import { HEADROOM_SCHEDULING_GATE, S3_HEADROOM_FEATURE, S3AuthenticationSource, S3Mountpoint } from '../src/s3-mountpoint';
import { FREE_FLAGS, MOUNTPOINT_FLAGS, MOUNTPOINT_VERSION } from '../src/s3-mountpoint-flags';
import { isAvailabilityZoneId, zoneIdOf } from '../src/s3-express';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';

/** Mountpoint CSI driver v2: mount-pod settings, the flags of its Mountpoint, S3 Express One Zone. */
describe('S3Mountpoint (driver v2.7.0, Mountpoint 1.22.3)', () => {
  test('the flag table is mount-s3 1.22.3\'s: every long flag of its CliArgs, the two unreleased ones left out', () => {
    expect(MOUNTPOINT_VERSION).toBe('1.22.3');
    // awslabs/mountpoint-s3@mountpoint-s3-1.22.3:mountpoint-s3/src/cli.rs CliArgs, less max-memory-target and cache-block-size (cargo features off in releases).
    expect(Object.keys(MOUNTPOINT_FLAGS).filter((f) => f !== 'aws-max-attempts').sort()).toEqual([
      'allow-delete', 'allow-other', 'allow-overwrite', 'allow-root', 'auto-unmount', 'bind', 'bucket-type', 'cache', 'cache-xz', 'debug', 'debug-crt', 'dir-mode',
      'dual-stack', 'endpoint-url', 'expected-bucket-owner', 'file-mode', 'force-path-style', 'gid', 'incremental-upload', 'log-directory', 'log-metrics',
      'max-cache-size', 'max-threads', 'maximum-throughput-gbps', 'metadata-ttl', 'negative-metadata-ttl', 'no-log', 'no-sign-request', 'otlp-endpoint',
      'otlp-export-interval', 'part-size', 'prefix', 'profile', 'read-only', 'read-part-size', 'region', 'requester-pays', 'sse', 'sse-kms-key-id',
      'storage-class', 'transfer-acceleration', 'uid', 'upload-checksums', 'user-agent-prefix', 'write-part-size',
    ]);
    expect(FREE_FLAGS).toEqual(['bind', 'debug', 'debug-crt', 'dual-stack', 'endpoint-url', 'force-path-style', 'log-directory', 'log-metrics', 'no-log', 'no-sign-request', 'otlp-endpoint', 'otlp-export-interval', 'part-size', 'transfer-acceleration']);
  });

  test('extraMountOptions as a list value: each item must be a free flag, in the schema', () => {
    const chart = newChart();
    const extras = Tokens.list('s3.extra', {}) as unknown as string[];
    new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', extraMountOptions: extras });
    const pv = byKind(synth(chart), 'PersistentVolume')[0];
    expect(pv.spec.mountOptions).toEqual(extras);
    const [rule] = Tokens.infoOf(extras)!.constraints;
    expect(rule.origin).toBe('[test/data] extraMountOptions');
    expect(rule.accepted).toBe(`Mountpoint 1.22.3 flags without a typed prop: ${FREE_FLAGS.join(', ')}`);
    const re = new RegExp(rule.constraint.items!.pattern!);
    expect(['debug', '--debug', 'endpoint-url https://x', 'part-size=1024'].map((o) => re.test(o))).toEqual([true, true, true, true]);
    expect(['memory-target 4096', 'debug=true', 'endpoint-url', 'read-only', 'max-threads 4'].map((o) => re.test(o))).toEqual([false, false, false, false, false]);
  });

  describe('headroom for Mountpoint Pods', () => {
    test('every pod mounting the volume gets the scheduling gate once, and the chart records that the driver must reserve headroom', () => {
      const chart = newChart();
      const s3 = new S3Mountpoint(chart, 'models', {
        bucketName: 'ml-models',
        accessMode: AccessMode.READ_ONLY_MANY,
        reserveHeadroom: true,
        mountpointContainerResources: { requests: { cpu: plus.Cpu.millis(500), memory: Size.gibibytes(2) } },
      });
      const other = new S3Mountpoint(chart, 'other', {
        bucketName: 'ml-other',
        accessMode: AccessMode.READ_ONLY_MANY,
        reserveHeadroom: true,
        mountpointContainerResources: { requests: { memory: Size.gibibytes(1) } },
      });
      const deploy = new plus.Deployment(chart, 'serve', { containers: [{ image: 'vllm' }] });
      const job = new plus.Job(chart, 'batch', { containers: [{ image: 'embed' }] });
      const pod = new plus.Pod(chart, 'debug', { containers: [{ image: 'shell' }] });
      for (const c of [deploy.containers[0], job.containers[0], pod.containers[0]]) s3.mount(c, '/models', { readOnly: true });
      other.mount(deploy.containers[0], '/other', { readOnly: true }); // a second volume: one gate per pod
      const objs = synthValid(chart);
      expect(byKind(objs, 'Deployment')[0].spec.template.spec.schedulingGates).toEqual([{ name: HEADROOM_SCHEDULING_GATE }]);
      expect(byKind(objs, 'Job')[0].spec.template.spec.schedulingGates).toEqual([{ name: HEADROOM_SCHEDULING_GATE }]);
      expect(byKind(objs, 'Pod')[0].spec.schedulingGates).toEqual([{ name: HEADROOM_SCHEDULING_GATE }]);
      expect(s3.pods).toEqual([deploy, job, pod]);
      expect(byKind(objs, 'PersistentVolume')[0].spec.csi.volumeAttributes).toMatchObject({ mountpointContainerResourcesRequestsCpu: '500m', mountpointContainerResourcesRequestsMemory: '2Gi' });
      expect(usesOf(chart)).toEqual(['s3', S3_HEADROOM_FEATURE]);
      expect(warnings(chart)).toEqual([]); // reserved requests are no longer discouraged
    });

    test('without it: no gate, nothing recorded', () => {
      const chart = newChart();
      const s3 = new S3Mountpoint(chart, 'models', { bucketName: 'ml-models', accessMode: AccessMode.READ_ONLY_MANY });
      const deploy = new plus.Deployment(chart, 'serve', { containers: [{ image: 'vllm' }] });
      s3.mount(deploy.containers[0], '/models', { readOnly: true });
      expect(byKind(synthValid(chart), 'Deployment')[0].spec.template.spec.schedulingGates).toBeUndefined();
      expect(usesOf(chart)).toEqual(['s3']);
    });
  });

  describe('S3 Express One Zone', () => {
    test('zone ids: from a directory bucket\'s name; Availability Zone ids apart from Local Zone ids', () => {
      expect(['ckpt--use1-az4--x-s3', 'a--b--apne1-az1--x-s3', 'ml-data', 'x--usw2-lax1-az1--x-s3'].map(zoneIdOf)).toEqual(['use1-az4', 'apne1-az1', undefined, 'usw2-lax1-az1']);
      expect(['use1-az4', 'apne1-az1', 'usw2-lax1-az1', 'us-east-1a'].map(isAvailabilityZoneId)).toEqual([true, true, false, false]);
    });

    test('every pod mounting a directory bucket is required in the bucket\'s zone (Karpenter\'s topology.k8s.aws/zone-id)', () => {
      const chart = newChart();
      const s3 = new S3Mountpoint(chart, 'ckpt', { bucketName: 'ckpt--use1-az4--x-s3', authenticationSource: S3AuthenticationSource.POD });
      const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer' }] });
      const deploy = new plus.Deployment(chart, 'eval', { containers: [{ image: 'eval' }] });
      s3.mount(job.containers[0], '/ckpt');
      s3.mount(deploy.containers[0], '/ckpt');
      const objs = synthValid(chart);
      const term = { matchExpressions: [{ key: 'topology.k8s.aws/zone-id', operator: 'In', values: ['use1-az4'] }] };
      expect(byKind(objs, 'Job')[0].spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([term]);
      expect(byKind(objs, 'Deployment')[0].spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([term]);
      expect(s3.access).toEqual({ bucket: 'ckpt--use1-az4--x-s3', prefix: '', write: true, delete: false, overwrite: false, directoryBucket: true });
    });

    test('zoneAffinity false: no requirement; a pod also pinned to another zone id is an error naming both', () => {
      const chart = newChart();
      const free = new S3Mountpoint(chart, 'free', { bucketName: 'a--use1-az4--x-s3', zoneAffinity: false });
      const pinned = new S3Mountpoint(chart, 'pinned', { bucketName: 'b--use1-az5--x-s3' });
      const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer' }] });
      free.mount(job.containers[0], '/a');
      const two = new plus.Job(chart, 'two', { containers: [{ image: 'trainer' }] });
      new S3Mountpoint(chart, 'third', { bucketName: 'c--use1-az4--x-s3' }).mount(two.containers[0], '/c');
      pinned.mount(two.containers[0], '/b');
      expect(synthErrors(chart)).toEqual([
        `[test/two] [test/third] (the S3 Express One Zone bucket's zone) requires topology.k8s.aws/zone-id In use1-az4 and [test/pinned] (the S3 Express One Zone bucket's zone) requires topology.k8s.aws/zone-id In use1-az5: no node has topology.k8s.aws/zone-id meeting both; make them agree (one zone, one capacity type), or split the pods`,
      ]);
    });

    test('a bucket name from a value: bucketType directory and zoneId say what the name cannot, and become schema rules of the value', () => {
      const chart = newChart();
      const bucket = Tokens.string('ckpt.bucket', {});
      const s3 = new S3Mountpoint(chart, 'ckpt', { bucketName: bucket, bucketType: 'directory', zoneId: 'use1-az4' });
      const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer' }] });
      s3.mount(job.containers[0], '/ckpt');
      const objs = synth(chart);
      expect(s3.directoryBucket).toBe(true);
      expect(byKind(objs, 'Job')[0].spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['use1-az4']);
      expect(Tokens.infoOf(bucket)!.constraints.map((c) => [c.origin, c.accepted ?? c.constraint.pattern])).toEqual([
        ['[test/ckpt] bucketName', 'an S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no "..", not an IP address) or an access point ARN'],
        ['[test/ckpt] bucketName', 'a directory bucket name: "<base name>--<zone id>--x-s3", such as "ckpt--use1-az4--x-s3"'],
        ['[test/ckpt] bucketName', 'a directory bucket of zone use1-az4 (ending in --use1-az4--x-s3)'],
      ]);
      expect(byKind(objs, 'PersistentVolume')[0].spec.mountOptions).toEqual(['bucket-type directory']);
    });

    test('a shared cache and a general purpose bucket: the cache bucket is in the access', () => {
      const chart = newChart();
      const s3 = new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', prefix: 'd/', accessMode: AccessMode.READ_ONLY_MANY, region: 'us-east-1', sharedCacheBucket: 'cache--use1-az4--x-s3' });
      expect(byKind(synthValid(chart), 'PersistentVolume')[0].spec.mountOptions).toEqual(['prefix d/', 'region us-east-1', 'cache-xz cache--use1-az4--x-s3']);
      expect(s3.access).toEqual({ bucket: 'ml-data', prefix: 'd/', write: false, delete: false, overwrite: false, directoryBucket: false, region: 'us-east-1', sharedCacheBucket: 'cache--use1-az4--x-s3' });
      expect(s3.zoneId).toBeUndefined(); // the cache's zone places nothing
    });
  });

  test('proxy values: the NO_PROXY list is joined, each item checked in the schema', () => {
    const chart = newChart();
    const proxy = Tokens.string('proxy.url', {});
    const hosts = Tokens.list('proxy.noProxy', {}) as unknown as string[];
    new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', proxy: { httpsProxy: proxy, noProxy: hosts } });
    const attrs = byKind(synth(chart), 'PersistentVolume')[0].spec.csi.volumeAttributes;
    expect(attrs['mountpointEnv.HTTPS_PROXY']).toBe(proxy);
    expect(Tokens.infoOf(proxy)!.constraints.map((c) => c.origin)).toEqual(['[test/data] proxy.httpsProxy']);
    expect(Tokens.infoOf(hosts)!.constraints.map((c) => c.origin)).toEqual(['[test/data] proxy.noProxy']);
  });
});
