/**
 * Rewrites kubernetes-sigs/aws-fsx-csi-driver@5b227125add708cd0b87c76abe1a4c074e71dfc5 (helm-chart-aws-fsx-csi-driver-1.17.0)
 *   examples/kubernetes/dynamic_provisioning_s3/specs/{storageclass,claim,pod}.yaml
 * A new SCRATCH_2 FSx for Lustre file system (1200 GiB) linked to bucket `ml-training-data-000`
 * (import from its root, export to `export/`), made by the driver from a StorageClass with its
 * subnet and security group, and a pod writing to it.
 *
 * What differs from the original, and why:
 * - The StorageClass is the claim's own (release-scoped name instead of `fsx-sc`), with
 *   `reclaimPolicy: Retain` (the original: Kubernetes' default Delete, which deletes the file system
 *   with its claim), `allowVolumeExpansion: true` (SCRATCH_2 grows in place) and
 *   `volumeBindingMode: Immediate` written out.
 * - The pod is not privileged and has no postStart hook: the original runs as root, privileged, and
 *   installs the Lustre client at start (`amazon-linux-extras install lustre`) so that `lfs hsm_*`
 *   works in it. Pod Security restricted (and baseline) refuses a privileged container, and installing
 *   packages needs root; an image with the Lustre client already in it is the way under restricted.
 *   The pod runs as uid/gid 1000 with the restricted settings and requests, writing into `app/` — a
 *   directory the file system's admin hands to uid 1000 (a Lustre root belongs to root and the driver
 *   applies no fsGroup to ReadWriteMany volumes; see fsx-static-provisioning.test.ts).
 * - cdk8s-plus would refuse nothing here: the test shows that the original's privileged pod is what
 *   `checkRestricted` reports (the "documented reason" it cannot be restricted).
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { checkRestricted } from '@strata/checks';
import { FsxDeploymentType, FsxLustre } from '@strata/storage';
import { chartFor, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

const ARGS = ['-c', 'while true; do echo $(date -u) >> /data/out.txt; sleep 5; done'];

function build(original = false) {
  const chart = chartFor('fsx-dynamic-s3', 'FSx CSI driver dynamic provisioning with S3 example');
  const fsx = new FsxLustre(chart, 'persistent-storage', {
    subnetId: 'subnet-0d7b5e117ad7b4961',
    securityGroupIds: ['sg-05a37bfe01467059a'],
    s3ImportPath: 's3://ml-training-data-000',
    s3ExportPath: 's3://ml-training-data-000/export',
    deploymentType: FsxDeploymentType.SCRATCH_2,
    storage: Size.gibibytes(1200),
  });
  const pod = new plus.Pod(chart, 'fsx-app', { securityContext: original ? { ensureNonRoot: false } : { ensureNonRoot: true, user: 1000, group: 1000 } });
  const app = pod.addContainer({
    name: 'app',
    image: 'amazonlinux:2',
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['/bin/sh'],
    args: ARGS,
    ...(original
      ? { securityContext: { privileged: true, ensureNonRoot: false, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false }, lifecycle: { postStart: plus.Handler.fromCommand(['amazon-linux-extras', 'install', 'lustre', '-y']) } }
      : { securityContext: { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } } }),
    resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } },
  });
  fsx.mount(app, '/data', original ? {} : { subPath: 'app' });
  return chart;
}

describe('aws-fsx-csi-driver dynamic_provisioning_s3', () => {
  test('the class, the claim and the pod carry what the example does', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => o.kind).sort()).toEqual(['PersistentVolumeClaim', 'Pod', 'StorageClass']);
    const sc = one(objects, 'StorageClass');
    expect({ ...sc, metadata: undefined }).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: undefined,
      provisioner: 'fsx.csi.aws.com',
      parameters: {
        subnetId: 'subnet-0d7b5e117ad7b4961',
        securityGroupIds: 'sg-05a37bfe01467059a',
        s3ImportPath: 's3://ml-training-data-000',
        s3ExportPath: 's3://ml-training-data-000/export',
        deploymentType: 'SCRATCH_2',
      },
      mountOptions: ['flock'],
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
    });
    const pvc = one(objects, 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1200Gi' } }, storageClassName: sc.metadata.name, volumeMode: 'Filesystem' });
    const [c] = one(objects, 'Pod').spec.containers;
    expect(c).toMatchObject({ name: 'app', image: 'amazonlinux:2', command: ['/bin/sh'], args: ARGS, volumeMounts: [{ name: 'persistent-storage', mountPath: '/data', subPath: 'app' }] });
    expect(c.lifecycle).toBeUndefined();
  });

  test("strata's checks: restricted, references, the pod reached; the original's privileged pod is what restricted refuses", () => {
    const { objects } = render(build());
    expect(podCounts(objects)).toEqual({ 'Pod spec': 1 });
    expect(restrictedProblems(objects)).toEqual({ 'Pod spec': [] });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
    const original = one(render(build(true)).objects, 'Pod').spec;
    expect(original.containers[0].lifecycle).toEqual({ postStart: { exec: { command: ['amazon-linux-extras', 'install', 'lustre', '-y'] } } });
    expect(checkRestricted(original)).toEqual([
      'pod: securityContext.runAsNonRoot must not be false',
      'container "app": securityContext.privileged must be unset or false',
      'container "app": securityContext.allowPrivilegeEscalation must be false',
      'container "app": securityContext.capabilities.drop must include ALL',
      'container "app": securityContext.runAsNonRoot must be true (on the container or the pod)',
      'container "app": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)',
    ]);
  });
});
