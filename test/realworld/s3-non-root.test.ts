/**
 * Rewrites awslabs/mountpoint-s3-csi-driver@57c6bedb46e2c1281883b80dad4d5d54b438b0de (helm-chart-aws-mountpoint-s3-csi-driver-2.5.0-77-g57c6bed)
 *   examples/kubernetes/static_provisioning/non_root.yaml
 * Bucket `s3-csi-driver` mounted with Mountpoint for a non-root pod (uid 1000, gid 2000): a static
 * PersistentVolume with `uid=1000`, `gid=2000`, `allow-other`, pre-bound (claimRef) to its claim.
 *
 * What differs from the original, and why:
 * - The volume handle is the PersistentVolume's name instead of `s3-csi-driver-volume`: the driver
 *   processes one volume per handle in the cluster, and a volume's name is unique there (it names the
 *   release, its namespace and, by a hash, the volume's source).
 * - claimRef names the release's namespace and claim (the original: default/s3-pvc); capacity is
 *   strata's placeholder 1Gi (the driver ignores it; the original writes 1200Gi).
 * - The claim and volume are not marked as holding data and the claim is marked as a read-only probe:
 *   without allow-delete a check could write but never clean up.
 * - The pod meets Pod Security restricted: besides the original's uid 1000/gid 2000 it sets
 *   runAsNonRoot, no privilege escalation, capabilities dropped, RuntimeDefault seccomp, a read-only root
 *   file system and requests. The original's `tail -f /dev/null` pod is kept as a bare Pod.
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { S3Mountpoint } from '@strata/storage';
import { chartFor, mountsOf, one, podCounts, referenceProblems, render, RELEASE, restrictedProblems } from './support';

function build() {
  const chart = chartFor('s3-non-root', 'Mountpoint S3 CSI driver non-root example');
  const bucket = new S3Mountpoint(chart, 'persistent-storage', { bucketName: 's3-csi-driver', uid: 1000, gid: 2000, allowOther: true });
  const pod = new plus.Pod(chart, 's3-app', { securityContext: { ensureNonRoot: true, user: 1000, group: 2000 } });
  const app = pod.addContainer({
    name: 'app',
    image: 'ubuntu',
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['/bin/sh'],
    args: ['-c', "echo 'Hello from the container!' >> /data/$(date -u).txt; tail -f /dev/null"],
    securityContext: { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } },
  });
  bucket.mount(app, '/data');
  return chart;
}

describe('mountpoint-s3-csi-driver static_provisioning/non_root', () => {
  test('mount options, pre-binding and the pod identity of the example', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    const pv = one(objects, 'PersistentVolume');
    const pvc = one(objects, 'PersistentVolumeClaim');
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '1Gi' },
      claimRef: { name: pvc.metadata.name, namespace: RELEASE.namespace },
      csi: { driver: 's3.csi.aws.com', volumeHandle: pv.metadata.name, volumeAttributes: { bucketName: 's3-csi-driver' } },
      mountOptions: ['allow-other', 'uid=1000', 'gid=2000'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      volumeMode: 'Filesystem',
    });
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', volumeMode: 'Filesystem', volumeName: pv.metadata.name });
    const pod = one(objects, 'Pod');
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 2000, runAsNonRoot: true });
    expect(pod.spec.containers[0]).toMatchObject({ image: 'ubuntu', command: ['/bin/sh'], args: ['-c', "echo 'Hello from the container!' >> /data/$(date -u).txt; tail -f /dev/null"] });
    expect(mountsOf(pod.spec.containers[0])).toEqual({ '/data': 'persistent-storage' });
    expect(pod.spec.volumes).toEqual([{ name: 'persistent-storage', persistentVolumeClaim: { claimName: pvc.metadata.name, readOnly: false } }]);
  });

  test("strata's checks: restricted, references, every pod reached", () => {
    const { objects } = render(build());
    expect(restrictedProblems(objects)).toEqual({ 'Pod spec': [] });
    expect(podCounts(objects)).toEqual({ 'Pod spec': 1 });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
  });
});
