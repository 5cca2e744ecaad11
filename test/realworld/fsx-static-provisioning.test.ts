/**
 * Rewrites kubernetes-sigs/aws-fsx-csi-driver@5b227125add708cd0b87c76abe1a4c074e71dfc5 (helm-chart-aws-fsx-csi-driver-1.17.0)
 *   examples/kubernetes/static_provisioning/specs/{pv,claim,pod}.yaml
 * An existing FSx for Lustre file system (fs-0199e5a63bd90f796, SCRATCH_1, 1200 GiB, mount name
 * "fsx") as a static PersistentVolume, a claim bound to it, and a pod appending the date to a file.
 *
 * What differs from the original, and why:
 * - Names are release-scoped (`rw-fsx-static-…`) instead of fsx-pv / fsx-claim / fsx-app: a workload
 *   chart names every object after its release, so two releases never share a claim.
 * - The PersistentVolume carries `storageClassName: ""` (the original leaves it out: an empty class
 *   keeps a default class from being assumed) and the claim and volume are marked as holding data
 *   (`helm.sh/resource-policy: keep`).
 * - The pod meets Pod Security restricted: uid/gid 1000, no privilege escalation, capabilities
 *   dropped, RuntimeDefault seccomp, read-only root file system, CPU and memory requests. The
 *   original runs amazonlinux:2 as root.
 * - Because it is not root, the pod writes into `app/` (subPath) rather than the file system's root:
 *   a Lustre root belongs to root (mode 755) and the driver applies no fsGroup to ReadWriteMany
 *   volumes (CSIDriver fsGroupPolicy ReadWriteOnceWithFSType). The directory must be handed to uid
 *   1000 once by the file system's admin (see GAPS: strata says nothing about this for a plain mount).
 * - `imagePullPolicy: IfNotPresent` is written (cdk8s-plus's default would be Always).
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { FsxDeploymentType, FsxLustre } from '@strata/storage';
import { chartFor, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

function build() {
  const chart = chartFor('fsx-static', 'FSx CSI driver static provisioning example');
  const fsx = FsxLustre.fromFileSystem(chart, 'persistent-storage', {
    fileSystemId: 'fs-0199e5a63bd90f796',
    dnsName: 'fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com',
    mountName: 'fsx',
    deploymentType: FsxDeploymentType.SCRATCH_1,
    storage: Size.gibibytes(1200),
  });
  const pod = new plus.Pod(chart, 'fsx-app', {
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000 },
  });
  const app = pod.addContainer({
    name: 'app',
    image: 'amazonlinux:2',
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['/bin/sh'],
    args: ['-c', 'while true; do echo $(date -u) >> /data/out.txt; sleep 5; done'],
    securityContext: { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } },
  });
  fsx.mount(app, '/data', { subPath: 'app' });
  return { chart, fsx, pod };
}

describe('aws-fsx-csi-driver static_provisioning', () => {
  test('the volume, the claim and the pod carry what the example does', () => {
    const { chart } = build();
    const { synth, objects } = render(chart);
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'PersistentVolume ml-rw-fsx-static-persistent-storage-persistent-volume',
      'PersistentVolumeClaim rw-fsx-static-persistent-storage-claim',
      'Pod rw-fsx-static-fsx-app',
    ]);
    const pv = one(objects, 'PersistentVolume');
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '1200Gi' },
      csi: {
        driver: 'fsx.csi.aws.com',
        volumeHandle: 'fs-0199e5a63bd90f796',
        volumeAttributes: { dnsname: 'fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com', mountname: 'fsx' },
      },
      mountOptions: ['flock'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      volumeMode: 'Filesystem',
    });
    const pvc = one(objects, 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '1200Gi' } },
      storageClassName: '',
      volumeMode: 'Filesystem',
      volumeName: pv.metadata.name,
    });
    expect(pvc.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    const pod = one(objects, 'Pod');
    const [c] = pod.spec.containers;
    expect(c).toMatchObject({
      name: 'app',
      image: 'amazonlinux:2',
      command: ['/bin/sh'],
      args: ['-c', 'while true; do echo $(date -u) >> /data/out.txt; sleep 5; done'],
      volumeMounts: [{ mountPath: '/data', name: 'persistent-storage', subPath: 'app' }],
    });
    expect(pod.spec.volumes).toEqual([{ name: 'persistent-storage', persistentVolumeClaim: { claimName: pvc.metadata.name, readOnly: false } }]);
  });

  test("strata's checks: restricted, references, every pod reached", () => {
    const { objects } = render(build().chart);
    expect(restrictedProblems(objects)).toEqual({ 'Pod spec': [] });
    expect(podCounts(objects)).toEqual({ 'Pod spec': 1 });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
  });
});
