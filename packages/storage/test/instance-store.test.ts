import { App, Chart, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Tokens } from '@strata/tokens';
import { ReclaimPolicy, VolumeBindingMode } from '../src/access-mode';
import {
  HostPathInstanceStore,
  INSTANCE_LOCAL_NVME_LABEL,
  InstanceStore,
  InstanceStoreStorageClassChart,
  LocalInstanceStore,
  LocalStorageStrategy,
  PodSecurityLevel,
} from '../src/instance-store';
import { StorageTier } from '../src/tier';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';
import { INSTANCE_STORE_ROWS } from './bad-inputs';

const NVME_NODES = plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0']);

/** The pod spec of the first workload of a kind. */
function podSpec(objs: any[], kind: string): any {
  const obj = byKind(objs, kind)[0];
  return kind === 'Pod' ? obj.spec : obj.spec.template.spec;
}

describe('InstanceStore (emptyDir on RAID0 nodes)', () => {
  test('defaults: sizeLimit on the volume and an ephemeral-storage request on the container (facts §4.4)', () => {
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'Scratch', { size: Size.gibibytes(200) });
    const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer' }] });
    scratch.mount(job.containers[0], '/scratch');
    const spec = podSpec(synthValid(chart), 'Job');

    expect(scratch.tier).toBe(StorageTier.INSTANCE_STORE);
    expect(scratch.writable).toBe(true);
    expect(scratch.medium).toBe(plus.EmptyDirMedium.DEFAULT);
    expect(scratch.volumeName).toBe('scratch');
    expect(spec.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '204800Mi' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/scratch' }]);
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBe('200Gi');
    expect(spec.affinity).toBeUndefined();
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: node affinity is ANDed into the pod\'s own required terms; volume name', () => {
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.gibibytes(100), nodeAffinity: [NVME_NODES], volumeName: 'scratch-volume' });
    const deploy = new plus.Deployment(chart, 'infer', { containers: [{ image: 'vllm' }] });
    deploy.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('nvidia.com/gpu.present', 'true')));
    scratch.mount(deploy.containers[0], '/cache', { subPath: 'hf' });
    const spec = podSpec(synthValid(chart), 'Deployment');
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] },
          { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] },
        ],
      },
    ]);
    expect(spec.volumes).toEqual([{ name: 'scratch-volume', emptyDir: { sizeLimit: '102400Mi' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'scratch-volume', mountPath: '/cache', subPath: 'hf' }]);
  });

  test('requests add up per container: same store twice counts once, a user request is kept, sizes round up to GiB', () => {
    const chart = newChart();
    const a = new InstanceStore(chart, 'a', { size: Size.gibibytes(10) });
    const b = new InstanceStore(chart, 'b', { size: Size.mebibytes(1536) });
    const pod = new plus.Pod(chart, 'pod', {
      containers: [{ image: 'x', resources: { ephemeralStorage: { request: Size.gibibytes(5), limit: Size.gibibytes(50) } } }],
    });
    a.mount(pod.containers[0], '/a');
    a.mount(pod.containers[0], '/a2', { subPath: 'x' });
    b.mount(pod.containers[0], '/b');
    const spec = podSpec(synthValid(chart), 'Pod');
    expect(spec.containers[0].resources).toMatchObject({ requests: { 'ephemeral-storage': '17Gi' }, limits: { 'ephemeral-storage': '50Gi' } });
    expect(spec.volumes).toEqual([
      { name: 'a', emptyDir: { sizeLimit: '10240Mi' } },
      { name: 'b', emptyDir: { sizeLimit: '1536Mi' } },
    ]);
  });

  test('a sidecar mounting the same scratch adds no second request (one emptyDir per pod)', () => {
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.gibibytes(50) });
    const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer' }] });
    const sync = job.addInitContainer({ name: 'sync', image: 'aws-cli', restartPolicy: plus.ContainerRestartPolicy.ALWAYS });
    scratch.mount(job.containers[0], '/ckpt');
    scratch.mount(sync, '/ckpt', { readOnly: true });
    const spec = podSpec(synthValid(chart), 'Job');
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBe('50Gi');
    expect(spec.initContainers[0].resources.requests['ephemeral-storage']).toBeUndefined();
    expect(spec.initContainers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/ckpt', readOnly: true }]);
  });

  test('throws if the container\'s ephemeral-storage limit is below the request', () => {
    const chart = newChart();
    const a = new InstanceStore(chart, 'a', { size: Size.gibibytes(100) });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x', resources: { ephemeralStorage: { limit: Size.gibibytes(20) } } }] });
    a.mount(pod.containers[0], '/a');
    expect(synthErrors(chart)).toEqual([
      `[test/a] 'ephemeral-storage limit' (20) must be at least the request (100 GiB); raise container "main"'s ephemeral-storage limit or lower size`,
    ]);
  });

  test('a Memory medium is RAM: warned, and no ephemeral-storage request', () => {
    const chart = newChart();
    const shm = new InstanceStore(chart, 'shm', { size: Size.gibibytes(8), medium: plus.EmptyDirMedium.MEMORY });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });
    shm.mount(pod.containers[0], '/dev/shm');
    const spec = podSpec(synthValid(chart), 'Pod');
    expect(spec.volumes).toEqual([{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '8192Mi' } }]);
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBeUndefined();
    expect(warnings(chart)).toEqual([
      `[test/shm] 'medium' ("Memory") must be "" (node disk) for instance store; a Memory emptyDir is RAM and counts against the container's memory limit; no ephemeral-storage request is added`,
    ]);
  });

  test('snapshot', () => {
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.gibibytes(500), nodeAffinity: [NVME_NODES] });
    const job = new plus.Job(chart, 'preprocess', { containers: [{ image: 'preprocess' }] });
    scratch.mount(job.containers[0], '/scratch');
    expect(synthValid(chart)).toMatchSnapshot();
  });

  test('a size token: sizeLimit and request carry it, and the rule is attached', () => {
    const owner = {};
    const gi = Tokens.number('scratch.sizeGi', owner);
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.gibibytes(gi) });
    const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer' }] });
    scratch.mount(job.containers[0], '/scratch');
    const spec = podSpec(synth(chart), 'Job');
    expect(Tokens.infoOf(gi)!.constraints).toEqual([{ constraint: { minimum: 1 }, origin: '[test/scratch] size', accepted: 'at least 1 (GiB)' }]);
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBe(`${gi}Gi`);
    // cdk8s-plus writes sizeLimit in MiB: a token derived from the GiB value (× 1024).
    const mi = Number(/^(\d+)Mi$/.exec(spec.volumes[0].emptyDir.sizeLimit)![1]);
    expect(Tokens.infoOf(mi)!.derivation).toEqual({ base: Tokens.infoOf(gi), multiplier: 1024 });
  });

  test('throws if a size token meets an existing request (install-time values do not add up)', () => {
    const gi = Tokens.number('scratch.sizeGi', {});
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.gibibytes(gi) });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x', resources: { ephemeralStorage: { request: Size.gibibytes(1) } } }] });
    scratch.mount(pod.containers[0], '/scratch');
    expect(synthErrors(chart)).toEqual([
      `[test/scratch] 'size' (${gi}) must be a literal size when container "main" already requests ephemeral storage; a request cannot add up install-time values: give literal sizes`,
    ]);
  });

  test('throws if node affinity cannot reach a pod', () => {
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.gibibytes(10), nodeAffinity: [NVME_NODES] });
    scratch.mount(new plus.Container({ image: 'loose' }), '/scratch');
    expect(synthErrors(chart)).toEqual([
      `[test/scratch] 'pod' (not set) must be the Pod or workload whose container mounts /scratch; add the container to its pod before mounting, or pass { pod }`,
    ]);
  });

  test('throws if the size is below 1 GiB or the mount path is relative', () => {
    const chart = newChart();
    const scratch = new InstanceStore(chart, 'scratch', { size: Size.mebibytes(512) });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });
    scratch.mount(pod.containers[0], 'scratch');
    expect(synthErrors(chart)).toEqual([
      `[test/scratch] 'size' (0.5) must be at least 1 (GiB); scratch is requested in whole GiB`,
      `[test/scratch] 'mount path' ("scratch") must be an absolute path; write "/scratch"`,
    ]);
  });
});

describe('InstanceStore.localVolume (local static provisioner)', () => {
  test('defaults: a ReadWriteOnce claim of the local class; the provisioner makes the volumes', () => {
    const chart = newChart();
    const local = InstanceStore.localVolume(chart, 'shard', { storageClass: 'nvme-ssd', size: Size.gibibytes(800) });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });
    local.mount(pod.containers[0], '/data');
    const objs = synthValid(chart);
    const claim = byKind(objs, 'PersistentVolumeClaim')[0];
    expect(local).toBeInstanceOf(LocalInstanceStore);
    expect(local.tier).toBe(StorageTier.INSTANCE_STORE);
    expect(local.persistentVolume).toBeUndefined();
    expect(byKind(objs, 'PersistentVolume')).toEqual([]);
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '800Gi' } },
      storageClassName: 'nvme-ssd',
      volumeMode: 'Filesystem',
    });
    expect(podSpec(objs, 'Pod').volumes).toEqual([{ name: 'shard', persistentVolumeClaim: { claimName: claim.metadata.name, readOnly: false } }]);
  });

  test('custom: the class from InstanceStoreStorageClassChart, a volume made here on Mount-strategy nodes', () => {
    const app = Testing.app();
    const cluster = new InstanceStoreStorageClassChart(app, 'cluster');
    const chart = new Chart(app, 'test', { namespace: 'ml' });
    const local = InstanceStore.localVolume(chart, 'shard', {
      storageClass: cluster.storageClass,
      size: Size.gibibytes(800),
      localStorageStrategy: LocalStorageStrategy.MOUNT,
      path: '/mnt/k8s-disks/1',
      nodeAffinity: [plus.NodeLabelQuery.is('kubernetes.io/hostname', 'ip-10-0-1-23.ec2.internal')],
    });
    const objs = synthValid(chart);
    const pv = byKind(objs, 'PersistentVolume')[0];
    const claim = byKind(objs, 'PersistentVolumeClaim')[0];
    expect(local.storageClassName).toBe('nvme-ssd');
    expect(pv.metadata).toEqual({ name: pv.metadata.name });
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '800Gi' },
      local: { path: '/mnt/k8s-disks/1' },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['ip-10-0-1-23.ec2.internal'] }] }] },
      },
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'nvme-ssd',
      volumeMode: 'Filesystem',
    });
    expect(claim.spec.volumeName).toBe(pv.metadata.name);
    expect(synthErrors(chart)).toEqual([]);
  });

  test('throws if nodeAffinity is given without path (the provisioner sets it)', () => {
    const chart = newChart();
    InstanceStore.localVolume(chart, 'shard', { storageClass: 'nvme-ssd', size: Size.gibibytes(8), nodeAffinity: [NVME_NODES] });
    expect(synthErrors(chart)).toEqual([
      `[test/shard] 'nodeAffinity' ("set") must be unset without path; the local static provisioner sets node affinity on the volumes it makes; the scheduler follows it`,
    ]);
  });
});

describe('InstanceStore.hostPath (explicit opt-in)', () => {
  test('defaults: Directory type, node affinity on the pod, privileged namespace accepted', () => {
    const chart = newChart();
    const disk = InstanceStore.hostPath(chart, 'disk', {
      path: '/mnt/k8s-disks/0',
      allowHostPath: true,
      nodeAffinity: [NVME_NODES],
      namespacePodSecurity: PodSecurityLevel.PRIVILEGED,
    });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });
    disk.mount(pod.containers[0], '/scratch', { readOnly: true });
    const spec = podSpec(synthValid(chart), 'Pod');
    expect(disk).toBeInstanceOf(HostPathInstanceStore);
    expect(disk.type).toBe(plus.HostPathVolumeType.DIRECTORY);
    expect(spec.volumes).toEqual([{ name: 'disk', hostPath: { path: '/mnt/k8s-disks/0', type: 'Directory' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'disk', mountPath: '/scratch', readOnly: true }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }] },
    ]);
    expect(warnings(chart)).toEqual([]);
  });

  test('the pod can be passed explicitly', () => {
    const chart = newChart();
    const disk = InstanceStore.hostPath(chart, 'disk', { path: '/mnt/k8s-disks/0', allowHostPath: true, nodeAffinity: [NVME_NODES] });
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });
    disk.mount(pod.containers[0], '/scratch', { pod });
    expect(podSpec(synthValid(chart), 'Pod').affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toHaveLength(1);
  });
});

describe('InstanceStoreStorageClassChart', () => {
  test('defaults: the no-provisioner class binding at first consumer, no namespace (facts §4.3)', () => {
    const chart = new InstanceStoreStorageClassChart(Testing.app(), 'local-storage', { namespace: 'kube-system' });
    const [sc] = synthValid(chart) as any[];
    expect(chart.storageClass.volumeBindingMode).toBe(VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER);
    expect(chart.storageClass.reclaimPolicy).toBe(ReclaimPolicy.DELETE);
    expect(sc).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'nvme-ssd' },
      provisioner: 'kubernetes.io/no-provisioner',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  });

  test('custom: name and Retain', () => {
    const chart = new InstanceStoreStorageClassChart(new App(), 'local-storage', { storageClassName: 'fast-disks', reclaimPolicy: ReclaimPolicy.RETAIN });
    expect(synthValid(chart)).toMatchSnapshot();
  });
});

/** Bad inputs of facts §7 for instance store: each row is a case, its construction and the exact outcome. */
describe('facts §7 bad inputs (instance store)', () => {
  // The table is shared with the hardening suite's bad-input matrix.
  test.each(INSTANCE_STORE_ROWS.map(([, name, build, errors, warns]) => [name, build, errors, warns] as const))('%s', (_name, build, errors, warns) => {
    const chart = newChart();
    build(chart);
    expect(synthErrors(chart)).toEqual(errors);
    expect(warnings(chart)).toEqual(warns);
  });
});
