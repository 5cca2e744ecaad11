import { JsonPatch, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markSourceNamed } from '@strata/tokens';
import { chartFiles, Helm, resolveChart, SynthesisError, synthesizeChart, WorkloadChart } from '../src';
import { byKindAndName, parseManifests, writeChartDir } from './support/helm-render';

const helm = new Helm();

/**
 * A bucket pointer as S3Mountpoint makes it (without @strata/storage): a construct marked
 * source-named holding a CSI PersistentVolume (its handle its own name) and the claim bound to it,
 * mounted by a Deployment. The prefix comes from values.
 */
class PointerChart extends WorkloadChart {
  public constructor(options: { readonly attribute?: (claimName: string) => string } = {}) {
    super(Testing.app(), 'pointer', { name: 'pointer', description: 'A bucket prefix mounted by a Deployment.' });
    const bucket = this.values.string('data.bucket', { default: 'ml-data', description: 'Bucket.' });
    const run = this.values.string('data.run', { default: 'run-1', description: 'Run.' });
    this.values.string('unrelated', { default: 'x', description: 'Read by nothing.' });
    const holder = new Construct(this, 'data');
    markSourceNamed(holder, 'PersistentVolume');
    const pv = new plus.k8s.KubePersistentVolume(new Construct(holder, 'PersistentVolume'), 'Resource', {
      spec: {
        accessModes: ['ReadWriteMany'],
        capacity: { storage: plus.k8s.Quantity.fromString('1Gi') },
        storageClassName: '',
        mountOptions: [`prefix runs/${run}/`],
        csi: { driver: 's3.csi.aws.com', volumeHandle: 'later', volumeAttributes: { bucketName: bucket } },
      },
    });
    const claim = new plus.k8s.KubePersistentVolumeClaim(new Construct(holder, 'Claim'), 'Resource', {
      spec: { accessModes: ['ReadWriteMany'], storageClassName: '', volumeName: pv.name, resources: { requests: { storage: plus.k8s.Quantity.fromString('1Gi') } } },
    });
    pv.addJsonPatch(JsonPatch.replace('/spec/csi/volumeHandle', pv.name));
    pv.addJsonPatch(JsonPatch.add('/spec/claimRef', { name: claim.name, namespace: this.release.namespace }));
    if (options.attribute) pv.addJsonPatch(JsonPatch.add('/spec/csi/volumeAttributes/note', options.attribute(claim.name)));
    const deploy = new plus.Deployment(this, 'reader', { replicas: 1, securityContext: { ensureNonRoot: true } });
    const c = deploy.addContainer({ name: 'main', image: 'busybox', resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(16) } } });
    c.mount('/data', plus.Volume.fromPersistentVolumeClaim(this, 'vol', plus.PersistentVolumeClaim.fromClaimName(this, 'ref', claim.name)));
  }
}

function release(values: Record<string, unknown> = {}, namespace = 'ml'): { pv: any; claim: any; deploy: any } {
  const objs = resolveChart(synthesizeChart(new PointerChart()), { name: 'rel', namespace }, '0.1.0', values);
  return {
    pv: objs.find((o) => o.kind === 'PersistentVolume'),
    claim: objs.find((o) => o.kind === 'PersistentVolumeClaim'),
    deploy: objs.find((o) => o.kind === 'Deployment'),
  };
}

describe('volumes named by their source (a static PersistentVolume and its claim)', () => {
  // kubernetes pkg/apis/core/validation ValidatePersistentVolumeUpdate: spec.persistentvolumesource is
  // immutable; ValidatePersistentVolumeClaimUpdate: spec.volumeName too. A new source must be a new pair.
  test('both carry one hash of the volume\'s source; the handle is the volume\'s name; the claimRef, the claim\'s volumeName and the pod follow', () => {
    const { pv, claim, deploy } = release();
    const hash = /-([0-9a-f]{8})$/.exec(claim.metadata.name)![1];
    expect(pv.metadata.name).toBe(`ml-rel-pointer-data-persistent-volume-${hash}`);
    expect(claim.metadata.name).toBe(`rel-pointer-data-claim-${hash}`);
    expect(pv.spec.csi.volumeHandle).toBe(pv.metadata.name);
    expect(pv.spec.claimRef).toEqual({ name: claim.metadata.name, namespace: 'ml' });
    expect(claim.spec.volumeName).toBe(pv.metadata.name);
    expect(deploy.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    // Neither is kept by Helm unless marked as holding data: these were not.
    expect([pv.metadata.annotations, claim.metadata.annotations]).toEqual([undefined, undefined]);
  });

  test('the same source keeps the names (another release namespace too: only the volume\'s name carries it); a new source is a new pair', () => {
    const base = release();
    expect(release()).toEqual(base);
    expect(release({ unrelated: 'y' }).claim.metadata.name).toBe(base.claim.metadata.name);
    expect(release({}, 'other').claim.metadata.name).toBe(base.claim.metadata.name);
    expect(release({}, 'other').pv.metadata.name).toBe(base.pv.metadata.name.replace(/^ml-/, 'other-'));
    const next = release({ data: { run: 'run-2' } });
    expect(next.claim.metadata.name).not.toBe(base.claim.metadata.name);
    expect(next.pv.metadata.name).not.toBe(base.pv.metadata.name);
    expect(next.deploy.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(next.claim.metadata.name);
    expect(release({ data: { bucket: 'ml-other' } }).claim.metadata.name).not.toBe(base.claim.metadata.name);
  });

  test('helm computes the same names as direct synthesis, for two sources', async () => {
    const synth = synthesizeChart(new PointerChart());
    const files = chartFiles(synth, { version: '0.1.0', source: 'packages/helm/test' });
    expect(files.get('templates/_helpers.tpl')).toContain('{{- define "pointer.sourceHash.data-persistent-volume" -}}\n{{- include "pointer.source.data-persistent-volume" . | fromYaml | toJson | sha256sum | trunc 8 }}');
    expect(files.get('templates/persistentvolume-data-persistent-volume.yaml')).toContain('{{- define "pointer.source.data-persistent-volume" -}}');
    const dir = writeChartDir(files, 'pointer');
    for (const values of [{}, { data: { run: 'run-7', bucket: 'other-bucket' } }]) {
      const rendered = parseManifests(await helm.template(dir, { releaseName: 'rel', namespace: 'ml', values })).filter((o) => !o.metadata?.annotations?.['helm.sh/hook']);
      expect(byKindAndName(rendered)).toEqual(byKindAndName(resolveChart(synth, { name: 'rel', namespace: 'ml' }, '0.1.0', values)));
    }
  });

  test('a source naming its own claim is refused: both names are a hash of it', () => {
    let error: unknown;
    try {
      synthesizeChart(new PointerChart({ attribute: (name) => `for ${name}` }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).errors).toEqual([
      "[pointer/data/PersistentVolume] the source of PersistentVolume data-persistent-volume contains its own name or its claim's, but both are named by a hash of that source; leave volumeHandle unset (it is the volume's name) and name nothing else after them",
    ]);
  });
});
