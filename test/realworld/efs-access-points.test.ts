/**
 * Rewrites kubernetes-sigs/aws-efs-csi-driver@a4fc67600be60d0f8350dc9459e55ff04e9aa944
 *   examples/kubernetes/efs/access_points/specs/example.yaml
 * Two access points of one existing EFS file system (fs-e8a95a42), each a static
 * PersistentVolume (`efs:fs-e8a95a42::fsap-…`) with a claim, mounted by one pod at /data-dir1 and
 * /data-dir2.
 *
 * What differs from the original, and why:
 * - No StorageClass `efs-sc`. The original makes a class without parameters only so that its claims
 *   match its volumes by class; strata binds each claim to its own volume by name (`volumeName`,
 *   `storageClassName: ""`), so a claim can never bind the other access point's volume.
 * - Names are release-scoped; the claims are marked as holding data (`helm.sh/resource-policy: keep`).
 * - The pod meets Pod Security restricted (uid/gid 1000, no privilege escalation, capabilities
 *   dropped, RuntimeDefault seccomp, read-only root file system, requests). An access point
 *   enforces its own POSIX identity, so the pod's uid does not decide who owns the files.
 * - `imagePullPolicy: IfNotPresent` is written.
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Efs } from '@strata/storage';
import { chartFor, mountsOf, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

function build() {
  const chart = chartFor('efs-access-points', 'EFS CSI driver access points example');
  const ap1 = Efs.fromFileSystem(chart, 'efs-volume-1', { fileSystemId: 'fs-e8a95a42', accessPointId: 'fsap-068c22f0246419f75' });
  const ap2 = Efs.fromFileSystem(chart, 'efs-volume-2', { fileSystemId: 'fs-e8a95a42', accessPointId: 'fsap-19f752f0068c22464' });
  const pod = new plus.Pod(chart, 'efs-app', { securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } });
  const app = pod.addContainer({
    name: 'app',
    image: 'rockylinux:8',
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['/bin/sh'],
    args: ['-c', 'while true; do echo $(date -u) >> /data-dir1/out.txt; sleep 5; done'],
    securityContext: { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } },
  });
  ap1.mount(app, '/data-dir1');
  ap2.mount(app, '/data-dir2');
  return chart;
}

describe('aws-efs-csi-driver access_points', () => {
  test('two access-point volumes, their claims and the pod', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    const pvs = objects.filter((o) => o.kind === 'PersistentVolume').sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    expect(pvs.map((pv) => pv.spec)).toEqual(
      ['fsap-068c22f0246419f75', 'fsap-19f752f0068c22464'].map((ap) => ({
        accessModes: ['ReadWriteMany'],
        capacity: { storage: '5Gi' },
        csi: { driver: 'efs.csi.aws.com', volumeHandle: `efs:fs-e8a95a42::${ap}` },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        volumeMode: 'Filesystem',
      })),
    );
    for (const [i, pv] of pvs.entries()) {
      const claim = one(objects, 'PersistentVolumeClaim', `efs-volume-${i + 1}-claim`);
      expect(claim.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } }, storageClassName: '', volumeMode: 'Filesystem', volumeName: pv.metadata.name });
    }
    const pod = one(objects, 'Pod');
    expect(pod.spec.containers[0]).toMatchObject({ image: 'rockylinux:8', command: ['/bin/sh'], args: ['-c', 'while true; do echo $(date -u) >> /data-dir1/out.txt; sleep 5; done'] });
    expect(mountsOf(pod.spec.containers[0])).toEqual({ '/data-dir1': 'efs-volume-1', '/data-dir2': 'efs-volume-2' });
    expect(pod.spec.volumes.map((v: any) => [v.name, v.persistentVolumeClaim.claimName])).toEqual([
      ['efs-volume-1', 'rw-efs-access-points-efs-volume-1-claim'],
      ['efs-volume-2', 'rw-efs-access-points-efs-volume-2-claim'],
    ]);
  });

  test("strata's checks: restricted, references, every pod reached", () => {
    const { objects } = render(build());
    expect(restrictedProblems(objects)).toEqual({ 'Pod spec': [] });
    expect(podCounts(objects)).toEqual({ 'Pod spec': 1 });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
  });
});
