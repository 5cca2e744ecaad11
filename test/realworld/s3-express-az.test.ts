/**
 * Rewrites awslabs/mountpoint-s3-csi-driver@57c6bedb46e2c1281883b80dad4d5d54b438b0de (helm-chart-aws-mountpoint-s3-csi-driver-2.5.0-77-g57c6bed)
 *   examples/kubernetes/static_provisioning/s3_express_specify_az.yaml
 * An S3 Express One Zone directory bucket (`s3-csi-driver--usw2-az1--x-s3`) mounted with
 * `allow-delete` and `region us-west-2`; the PersistentVolume has a required node affinity to zone
 * us-west-2a, so that pods using it run next to the bucket.
 *
 * What differs from the original, and why:
 * - The zone is the bucket's zone *id* (usw2-az1, read from the name), required on every pod that
 *   mounts the volume (`topology.k8s.aws/zone-id`, Karpenter's label of it) rather than the zone
 *   name us-west-2a on the PersistentVolume: zone names map to other physical zones in each account,
 *   and a second pod mounting the bucket gets the zone too (G8, fixed).
 * - Volume handle, claimRef and placeholder capacity as in s3-non-root.test.ts (the volume's name).
 * - allow-delete: the claim is a writable probe; neither it nor the volume holds data (a pointer to the bucket).
 * - The pod meets Pod Security restricted (uid 1000 — the original runs ubuntu as root — no privilege
 *   escalation, capabilities dropped, RuntimeDefault seccomp, read-only root file system, requests),
 *   with `fsGroup: 1000`: driver v2 honours fsGroup (VOLUME_MOUNT_GROUP) and sets the mount's group
 *   and permissions from it (docs/UPGRADING_TO_V2.md), so the non-root pod may write.
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { S3Mountpoint } from '@strata/storage';
import { chartFor, mountsOf, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

function build() {
  const chart = chartFor('s3-express-az', 'Mountpoint S3 CSI driver S3 Express One Zone example');
  const bucket = new S3Mountpoint(chart, 'persistent-storage', { bucketName: 's3-csi-driver--usw2-az1--x-s3', allowDelete: true, region: 'us-west-2' });
  const pod = new plus.Pod(chart, 's3-app', { securityContext: { ensureNonRoot: true, user: 1000, group: 1000, fsGroup: 1000 } });
  const app = pod.addContainer({
    name: 'app',
    image: 'ubuntu',
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['/bin/sh'],
    args: ['-c', "echo 'Hello from the container!' >> /data/$(date -u).txt; tail -f /dev/null"],
    securityContext: { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } },
  });
  bucket.mount(app, '/data'); // the bucket's zone comes with it
  return { chart, bucket };
}

describe('mountpoint-s3-csi-driver static_provisioning/s3_express_specify_az', () => {
  test('mount options of the example; the bucket\'s zone id reaches every pod that mounts it', () => {
    const { chart, bucket } = build();
    const { synth, objects } = render(chart);
    expect(synth.warnings).toEqual([]);
    const pv = one(objects, 'PersistentVolume');
    expect(pv.spec.mountOptions).toEqual(['region us-west-2', 'allow-delete']);
    expect(pv.spec.csi).toEqual({ driver: 's3.csi.aws.com', volumeHandle: pv.metadata.name, volumeAttributes: { bucketName: 's3-csi-driver--usw2-az1--x-s3' } });
    expect(pv.metadata.name).toMatch(/^ml-rw-s3-express-persistent-storage-persistent-volume-[0-9a-f]{8}$/);
    expect(pv.metadata.annotations).toBeUndefined();
    expect(bucket.zoneId).toBe('usw2-az1');
    const pod = one(objects, 'Pod');
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.k8s.aws/zone-id', operator: 'In', values: ['usw2-az1'] }] },
    ]);
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(mountsOf(pod.spec.containers[0])).toEqual({ '/data': 'persistent-storage' });
  });

  test("strata's checks: restricted, references, every pod reached", () => {
    const { objects } = render(build().chart);
    expect(restrictedProblems(objects)).toEqual({ 'Pod spec': [] });
    expect(podCounts(objects)).toEqual({ 'Pod spec': 1 });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
  });
});
