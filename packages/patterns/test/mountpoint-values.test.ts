import { Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { chartFiles, Helm, HelmError, resolveChart, synthesizeChart, WorkloadChart } from '@strata/helm';
import { writeChartDir } from '@strata/helm/test/support/helm-render';
import { S3AuthenticationSource, S3Mountpoint } from '@strata/storage';
import { containerProps, grantMountpoint, WorkloadIdentity } from '../src';

const helm = new Helm();

/**
 * Mountpoint settings bound to chart values: the rules strata checks on literals become rules of
 * values.schema.json, so helm refuses at install what generate refuses at synthesis.
 */
class ExpressChart extends WorkloadChart {
  public constructor() {
    super(Testing.app(), 'express', { name: 'express', description: 'A directory bucket mounted with a proxy.' });
    const v = this.values;
    const bucket = v.string('bucket', { default: 'ckpt--use1-az4--x-s3', description: 'Directory bucket.' });
    const proxy = v.string('proxy.url', { default: 'http://proxy.example.com:3128', description: 'HTTPS proxy.' });
    const noProxy = v.list<string>('proxy.noProxy', { default: ['sts.us-east-1.amazonaws.com'], items: { type: 'string' }, description: 'Hosts reached directly.' });
    const extra = v.list<string>('extraMountOptions', { default: ['debug'], items: { type: 'string' }, description: 'Mountpoint flags.' });
    const account = WorkloadIdentity.serviceAccount(this, 'trainer', { annotations: {} });
    const volume = new S3Mountpoint(this, 'ckpt', {
      bucketName: bucket,
      bucketType: 'directory',
      zoneId: 'use1-az4',
      authenticationSource: S3AuthenticationSource.POD,
      uid: 1000,
      gid: 1000,
      allowOther: true,
      proxy: { httpsProxy: proxy, noProxy },
      extraMountOptions: extra,
    });
    const deploy = new plus.Deployment(this, 'train', { replicas: 1, serviceAccount: account, securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } });
    volume.mount(deploy.addContainer(containerProps('trainer', { image: 'busybox:1.36.1' })), '/ckpt');
    grantMountpoint(volume);
  }
}

describe('Mountpoint settings as chart values', () => {
  const dir = writeChartDir(chartFiles(synthesizeChart(new ExpressChart()), { version: '0.1.0', source: 'packages/patterns/test' }), 'express');
  const refusal = async (values: Record<string, unknown>): Promise<string> => {
    try {
      await helm.template(dir, { releaseName: 'rel', namespace: 'ml', values });
    } catch (e) {
      return (e as HelmError).message;
    }
    return 'accepted';
  };

  test('the defaults install: the proxy attributes, the zone on the pods, the flags', () => {
    const objs = resolveChart(synthesizeChart(new ExpressChart()), { name: 'rel', namespace: 'ml' }, '0.1.0');
    const pv = objs.find((o) => o.kind === 'PersistentVolume')!;
    expect(pv.spec.csi.volumeAttributes).toEqual({ authenticationSource: 'pod', bucketName: 'ckpt--use1-az4--x-s3', 'mountpointEnv.HTTPS_PROXY': 'http://proxy.example.com:3128', 'mountpointEnv.NO_PROXY': 'sts.us-east-1.amazonaws.com' });
    expect(pv.spec.mountOptions).toEqual(['allow-other', 'uid=1000', 'gid=1000', 'bucket-type directory', 'debug']);
    const pod = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'topology.k8s.aws/zone-id', operator: 'In', values: ['use1-az4'] }] }]);
  });

  test.each([
    [{ bucket: 'ml-checkpoints' }, 'bucket: Does not match pattern'],
    [{ bucket: 'ckpt--use1-az5--x-s3' }, 'bucket: Does not match pattern'],
    [{ proxy: { url: 'proxy.example.com:3128' } }, 'proxy.url: Does not match pattern'],
    [{ proxy: { noProxy: ['a.example.com,b.example.com'] } }, 'proxy.noProxy.0: Does not match pattern'],
    [{ extraMountOptions: ['memory-target 4096'] }, 'extraMountOptions.0: Does not match pattern'],
    [{ extraMountOptions: ['read-only'] }, 'extraMountOptions.0: Does not match pattern'],
  ])('helm refuses %j at install', async (values, message) => {
    expect(await refusal(values)).toContain(message);
  });

  test('and takes good ones', async () => {
    expect(await refusal({ bucket: 'other--use1-az4--x-s3', proxy: { url: 'https://proxy:8443', noProxy: ['.internal', '10.0.0.0/8'] }, extraMountOptions: ['debug-crt', 'endpoint-url=https://s3express-use1-az4.us-east-1.amazonaws.com'] })).toBe('accepted');
  });
});
