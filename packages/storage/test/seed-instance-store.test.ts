import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { INSTANCE_LOCAL_NVME_LABEL, InstanceStore, InstanceStoreHostPathOptions, PodSecurityLevel } from '../src/instance-store';
import { byKind, newChart, synthErrors, synthValid, warnings } from './testing';

/**
 * The seed document's instance-storage example ("Example EKS Integration"):
 *
 *   containers: [{ name: training, image: training-image, volumeMounts: [{ mountPath: /scratch, name: scratch-volume }] }]
 *   volumes: [{ name: scratch-volume, hostPath: { path: /local-ssd, type: DirectoryOrCreate } }]
 *
 * A hostPath with no node affinity, no size accounting and DirectoryOrCreate: on an EKS node
 * /local-ssd is not the instance store (that is /mnt/k8s-disks/…), so the scratch silently lands
 * on the root EBS volume (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1218-L1222).
 */
const SEED_VOLUME = { name: 'scratch-volume', hostPath: { path: '/local-ssd', type: 'DirectoryOrCreate' } };
const SEED_MOUNT = { name: 'scratch-volume', mountPath: '/scratch' };

const NVME_NODES = plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0']);

/** The seed's pod, with the scratch volume mounted by `build`. */
function seedPod(build: (chart: ReturnType<typeof newChart>) => { mount(c: plus.Container, path: string): void }) {
  const chart = newChart();
  const pod = new plus.Pod(chart, 'ml-training', {
    metadata: { name: 'ml-training' },
    containers: [{ name: 'training', image: 'training-image' }],
  });
  build(chart).mount(pod.containers[0], '/scratch');
  return chart;
}

const PATH_WARNING = `[test/scratch] 'path' ("/local-ssd") must be under /mnt/k8s-disks/; EKS nodes mount instance store at /mnt/k8s-disks/0 (RAID0) or /mnt/k8s-disks/1..N (Mount); other paths are on the root volume unless your AMI mounts NVMe there`;
const TYPE_WARNING = `[test/scratch] 'type' ("DirectoryOrCreate") must be Directory; DirectoryOrCreate silently writes to the root volume when the NVMe is not mounted`;

describe('the seed\'s /scratch hostPath, built with InstanceStore', () => {
  test('as written in the seed (no opt-in, no node affinity): refused with our exact errors', () => {
    const chart = seedPod((c) =>
      InstanceStore.hostPath(c, 'scratch', {
        path: '/local-ssd',
        type: plus.HostPathVolumeType.DIRECTORY_OR_CREATE,
        volumeName: 'scratch-volume',
      } as unknown as InstanceStoreHostPathOptions),
    );
    expect(synthErrors(chart)).toEqual([
      `[test/scratch] 'allowHostPath' (not set) must be true to use a hostPath volume; hostPath has no size accounting or eviction, is never cleaned up and needs privileges: prefer new InstanceStore(scope, id, { size }) (emptyDir on RAID0 nodes), or set allowHostPath: true`,
      `[test/scratch] 'nodeAffinity' (not set) must be node labels of the NVMe nodes for a hostPath volume; otherwise the pod may land on a node without instance store: e.g. plus.NodeLabelQuery.gt("karpenter.k8s.aws/instance-local-nvme", ["0"])`,
    ]);
    expect(warnings(chart)).toEqual([PATH_WARNING, TYPE_WARNING]);
  });

  test('the recommended form: emptyDir on RAID0 nodes with sizeLimit and an ephemeral-storage request', () => {
    const chart = seedPod((c) => new InstanceStore(c, 'scratch', { size: Size.gibibytes(100), nodeAffinity: [NVME_NODES], volumeName: 'scratch-volume' }));
    const [pod] = byKind(synthValid(chart), 'Pod');
    expect(pod.metadata.name).toBe('ml-training');
    expect(pod.spec.volumes).toEqual([{ name: 'scratch-volume', emptyDir: { sizeLimit: '102400Mi' } }]);
    expect(pod.spec.containers[0]).toMatchObject({
      name: 'training',
      image: 'training-image',
      volumeMounts: [SEED_MOUNT],
      resources: { requests: { 'ephemeral-storage': '100Gi' } },
    });
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }] },
    ]);
    expect(synthErrors(chart)).toEqual([]);
    expect(warnings(chart)).toEqual([]);
  });

  test('with explicit opt-in and node affinity, the seed\'s hostPath comes out exactly (with warnings)', () => {
    const chart = seedPod((c) =>
      InstanceStore.hostPath(c, 'scratch', {
        path: '/local-ssd',
        type: plus.HostPathVolumeType.DIRECTORY_OR_CREATE,
        allowHostPath: true,
        nodeAffinity: [NVME_NODES],
        namespacePodSecurity: PodSecurityLevel.PRIVILEGED,
        volumeName: 'scratch-volume',
      }),
    );
    const [pod] = byKind(synthValid(chart), 'Pod');
    expect(pod.spec.volumes).toEqual([SEED_VOLUME]);
    expect(pod.spec.containers[0]).toMatchObject({ name: 'training', image: 'training-image', volumeMounts: [SEED_MOUNT] });
    expect(pod.spec.containers[0].resources.requests['ephemeral-storage']).toBeUndefined();
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }] },
    ]);
    expect(warnings(chart)).toEqual([PATH_WARNING, TYPE_WARNING]);
  });
});
