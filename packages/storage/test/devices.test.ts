import { Chart, Lazy, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Tokens } from '@strata/tokens';
import {
  Devices,
  EFA_HUGE_PAGE_ENV,
  EFA_RESOURCE,
  EFA_TAINT_KEY,
  GPU_TAINT,
  INSTANCE_ACCELERATOR_NAME_LABEL,
  INSTANCE_GPU_NAME_LABEL,
  NEURON_CORE_RESOURCE,
  NEURON_DEVICE_RESOURCE,
  NEURON_TAINT,
  NVIDIA_GPU_RESOURCE,
  PodScheduling,
} from '../src';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';

/** The pod spec of the first object of a kind. */
function podSpec(objs: any[], kind: string): any {
  const obj = byKind(objs, kind)[0];
  if (kind === 'Pod') return obj.spec;
  if (kind === 'CronJob') return obj.spec.jobTemplate.spec.template.spec;
  return obj.spec.template.spec;
}

const RESTRICTED = { user: 1000 };
const job = (chart: Chart, props: Partial<plus.JobProps> = {}) => new plus.Job(chart, 'train', { containers: [{ name: 'trainer', image: 'trainer:1', securityContext: RESTRICTED }], ...props });
const exists = (key: string) => ({ key, operator: 'Exists', effect: 'NoSchedule' });
const SHM_WARNING = `[test/train] 'efa.sharedMemory' (not set) must be set, or a /dev/shm mounted otherwise, for EFA container "trainer"; NCCL and the processes of a node exchange data through /dev/shm, and the runtime's default is 64 MiB: give efa(count, { sharedMemory })`;

describe('Devices: GPUs, EFA and Neuron for a container', () => {
  test('defaults: GPUs reach limits and requests (equal) as numbers, with the GPU taint tolerated; no node requirement', () => {
    const chart = newChart();
    const j = job(chart);
    const d = Devices.of(j, j.containers[0]).gpus(4);
    const spec = podSpec(synthValid(chart), 'Job');
    expect(spec.containers[0].resources.limits[NVIDIA_GPU_RESOURCE]).toBe(4);
    expect(spec.containers[0].resources.requests[NVIDIA_GPU_RESOURCE]).toBe(4);
    // cdk8s-plus's own resources are still there.
    expect(spec.containers[0].resources.requests.cpu).toBe('1000m');
    expect(spec.tolerations).toEqual([exists(GPU_TAINT.key)]);
    expect(spec.affinity).toBeUndefined();
    expect(d.requests).toEqual({ [NVIDIA_GPU_RESOURCE]: 4 });
    expect(Devices.of(j, j.containers[0])).toBe(d);
    expect(warnings(chart)).toEqual([]);
  });

  test('defaults: EFA with its toleration, FI_EFA_USE_HUGE_PAGE=0 (no huge pages given) and a warning about /dev/shm', () => {
    const chart = newChart();
    const j = job(chart);
    Devices.of(j, j.containers[0]).efa(4);
    const spec = podSpec(synthValid(chart), 'Job');
    const c = spec.containers[0];
    expect(c.resources.limits[EFA_RESOURCE]).toBe(4);
    expect(c.resources.requests[EFA_RESOURCE]).toBe(4);
    expect(c.resources.limits['hugepages-2Mi']).toBeUndefined();
    expect(c.env).toEqual([{ name: EFA_HUGE_PAGE_ENV, value: '0' }]);
    expect(spec.tolerations).toEqual([exists(EFA_TAINT_KEY)]);
    expect(spec.affinity).toBeUndefined();
    expect(warnings(chart)).toEqual([SHM_WARNING]);
  });

  test('defaults: Neuron devices or cores, with the Neuron taint tolerated', () => {
    const chart = newChart();
    const a = new plus.Deployment(chart, 'infer', { containers: [{ image: 'neuron:1', securityContext: RESTRICTED }] });
    Devices.of(a, a.containers[0]).neuron({ cores: 2 });
    const b = new plus.Job(chart, 'train', { containers: [{ image: 'neuron:1', securityContext: RESTRICTED }] });
    Devices.of(b, b.containers[0]).neuron({ devices: 16 });
    const objs = synthValid(chart);
    const infer = podSpec(objs, 'Deployment');
    expect(infer.containers[0].resources.limits).toMatchObject({ [NEURON_CORE_RESOURCE]: 2 });
    expect(infer.containers[0].resources.limits[NEURON_DEVICE_RESOURCE]).toBeUndefined();
    expect(infer.tolerations).toEqual([exists(NEURON_TAINT.key)]);
    const train = podSpec(objs, 'Job');
    expect(train.containers[0].resources.requests).toMatchObject({ [NEURON_DEVICE_RESOURCE]: 16 });
    expect(train.tolerations).toEqual([exists(NEURON_TAINT.key)]);
  });

  test('custom: GPU models, EFA zone, huge pages and shared memory; Neuron accelerators', () => {
    const chart = newChart();
    const j = job(chart);
    Devices.of(j, j.containers[0])
      .gpus(8, { gpuNames: ['h100', 'h200'] })
      .efa(32, { zone: 'us-east-1a', hugePages: Size.mebibytes(5120), sharedMemory: Size.gibibytes(64) });
    const n = new plus.Deployment(chart, 'infer', { containers: [{ image: 'neuron:1', securityContext: RESTRICTED }] });
    Devices.of(n, n.containers[0]).neuron({ devices: 1, acceleratorNames: ['inferentia2'] });
    const objs = synthValid(chart);
    const spec = podSpec(objs, 'Job');
    const c = spec.containers[0];
    expect(c.resources.limits).toMatchObject({ [NVIDIA_GPU_RESOURCE]: 8, [EFA_RESOURCE]: 32, 'hugepages-2Mi': '5120Mi' });
    expect(c.resources.requests).toMatchObject({ [NVIDIA_GPU_RESOURCE]: 8, [EFA_RESOURCE]: 32, 'hugepages-2Mi': '5120Mi' });
    expect(c.env).toBeUndefined();
    expect(c.volumeMounts).toEqual([{ name: 'trainer-efa-shm', mountPath: '/dev/shm' }]);
    expect(spec.volumes).toEqual([{ name: 'trainer-efa-shm', emptyDir: { medium: 'Memory', sizeLimit: '65536Mi' } }]);
    expect(spec.tolerations).toEqual([exists(EFA_TAINT_KEY), exists(GPU_TAINT.key)]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: INSTANCE_GPU_NAME_LABEL, operator: 'In', values: ['h100', 'h200'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] },
        ],
      },
    ]);
    expect(podSpec(objs, 'Deployment').affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: INSTANCE_ACCELERATOR_NAME_LABEL, operator: 'In', values: ['inferentia2'] }] },
    ]);
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: a FI_EFA_USE_HUGE_PAGE of the container\'s own is kept', () => {
    const chart = newChart();
    const j = job(chart, { containers: [{ name: 'trainer', image: 'trainer:1', securityContext: RESTRICTED, envVariables: { [EFA_HUGE_PAGE_ENV]: plus.EnvValue.fromValue('1') } }] });
    Devices.of(j, j.containers[0]).efa(1, { sharedMemory: Size.gibibytes(1) });
    expect(podSpec(synth(chart), 'Job').containers[0].env).toEqual([{ name: EFA_HUGE_PAGE_ENV, value: '1' }]);
  });

  test('one mechanism for every kind of pod: Pod, Deployment, StatefulSet, DaemonSet, CronJob, init containers', () => {
    const chart = newChart();
    const c = { image: 'x:1', securityContext: RESTRICTED };
    const pods: [string, plus.AbstractPod][] = [
      ['Pod', new plus.Pod(chart, 'pod', { containers: [c] })],
      ['Deployment', new plus.Deployment(chart, 'deploy', { containers: [c] })],
      ['StatefulSet', new plus.StatefulSet(chart, 'sts', { containers: [c], service: new plus.Service(chart, 'svc', { ports: [{ port: 80 }] }) })],
      ['DaemonSet', new plus.DaemonSet(chart, 'ds', { containers: [c] })],
      ['CronJob', new plus.CronJob(chart, 'cron', { containers: [c], schedule: { expressionString: '0 * * * *' } as any })],
    ];
    for (const [, p] of pods) Devices.of(p, p.containers[0]).gpus(1);
    const init = new plus.Job(chart, 'init', { containers: [c] });
    const sidecar = init.addInitContainer({ name: 'warm', image: 'x:1', securityContext: RESTRICTED });
    Devices.of(init, sidecar).neuron({ cores: 1 });
    const objs = synth(chart);
    for (const [kind] of pods) {
      const spec = podSpec(objs, kind);
      expect([kind, spec.containers[0].resources.limits[NVIDIA_GPU_RESOURCE]]).toEqual([kind, 1]);
      expect([kind, spec.tolerations]).toEqual([kind, [exists(GPU_TAINT.key)]]);
    }
    const initSpec = podSpec(objs, 'Job');
    expect(initSpec.initContainers[0].resources.limits[NEURON_CORE_RESOURCE]).toBe(1);
    expect(initSpec.containers[0].resources.limits[NEURON_CORE_RESOURCE]).toBeUndefined();
  });

  test('a Pod subclass embedded as another object\'s pod template gets its devices too (a JSON patch on the Pod would be lost)', () => {
    /** A pod whose own object is not synthesized: its spec is the template of another object (here a PodTemplate; a JobSet, a RayCluster alike). */
    class EmbeddedPod extends plus.Pod {
      public constructor(scope: Construct, id: string, props: plus.PodProps) {
        super(scope, id, props);
        this.node.tryRemoveChild('Resource');
      }
      public spec(): plus.k8s.PodSpec {
        return (this as unknown as { _toKube(): plus.k8s.PodSpec })._toKube();
      }
    }
    const chart = newChart();
    const holder = new Construct(chart, 'set');
    const pod = new EmbeddedPod(holder, 'template', { containers: [{ image: 'trainer:1', securityContext: RESTRICTED }] });
    Devices.of(pod, pod.containers[0]).gpus(8).efa(32, { sharedMemory: Size.gibibytes(8) });
    new plus.k8s.KubePodTemplate(holder, 'Resource', { metadata: { name: 'set' }, template: { spec: Lazy.any({ produce: () => pod.spec() }) as unknown as plus.k8s.PodSpec } });
    const objs = synth(chart);
    expect(objs.map((o) => o.kind)).toEqual(['PodTemplate']);
    const spec = (objs[0] as any).template.spec;
    expect(spec.containers[0].resources.limits).toMatchObject({ [NVIDIA_GPU_RESOURCE]: 8, [EFA_RESOURCE]: 32 });
    expect(spec.tolerations).toEqual([exists(EFA_TAINT_KEY), exists(GPU_TAINT.key)]);
    expect(spec.volumes).toEqual([{ name: 'main-efa-shm', emptyDir: { medium: 'Memory', sizeLimit: '8192Mi' } }]);
  });

  test('Helm values: a count token is written as the value, under the rule a literal meets (the chart writer\'s round trip)', () => {
    const chart = newChart();
    const gpus = Tokens.number('trainer.gpus');
    const efa = Tokens.number('trainer.efa');
    const j = job(chart);
    Devices.of(j, j.containers[0]).gpus(gpus).efa(efa, { sharedMemory: Size.gibibytes(Tokens.number('trainer.shmGi')), allowZero: true });
    const spec = podSpec(synth(chart), 'Job');
    expect(spec.containers[0].resources.limits[NVIDIA_GPU_RESOURCE]).toBe(gpus);
    expect(spec.containers[0].resources.requests[EFA_RESOURCE]).toBe(efa);
    expect(Tokens.infoOf(gpus)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 1, multipleOf: 1 }]);
    expect(Tokens.infoOf(efa)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 0, multipleOf: 1 }]);
    expect(Tokens.isToken(spec.volumes[0].emptyDir.sizeLimit)).toBe(true);
  });

  test('allowZero: a literal 0 renders as a value of 0 would — the request 0, the toleration kept', () => {
    const chart = newChart();
    const j = job(chart);
    Devices.of(j, j.containers[0]).gpus(0, { allowZero: true }).neuron({ cores: 0, allowZero: true });
    const spec = podSpec(synthValid(chart), 'Job');
    expect(spec.containers[0].resources.limits).toMatchObject({ [NVIDIA_GPU_RESOURCE]: 0, [NEURON_CORE_RESOURCE]: 0 });
    expect(spec.tolerations).toEqual([exists(NEURON_TAINT.key), exists(GPU_TAINT.key)]);
  });

  test('Helm values: a rule already on the value that implies the count rule (a pattern\'s own) is not attached twice', () => {
    const chart = newChart();
    const gpus = Tokens.number('server.gpus');
    const efa = Tokens.number('server.efa');
    Tokens.check(gpus, { minimum: 0, maximum: 8, multipleOf: 1 }, '[test/pattern] gpus');
    Tokens.check(efa, { minimum: 0, maximum: 8, multipleOf: 1 }, '[test/pattern] efa');
    const j = job(chart);
    Devices.of(j, j.containers[0]).gpus(gpus, { allowZero: true }).efa(efa, { sharedMemory: Size.gibibytes(1) });
    synth(chart);
    expect(Tokens.infoOf(gpus)!.constraints).toEqual([{ constraint: { minimum: 0, maximum: 8, multipleOf: 1 }, origin: '[test/pattern] gpus' }]);
    // Not implied: a value of 0 would pass the pattern's rule but not the count's (at least 1).
    expect(Tokens.infoOf(efa)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 0, maximum: 8, multipleOf: 1 }, { minimum: 1, multipleOf: 1 }]);
  });

  test('throws (at synthesis, every problem together) with the exact messages', () => {
    const chart = newChart();
    const j = job(chart, {
      containers: [
        { name: 'trainer', image: 'trainer:1', securityContext: { user: 1000, capabilities: { add: [plus.Capability.IPC_LOCK] } } },
        { name: 'side', image: 'x:1', securityContext: RESTRICTED, resources: {} },
      ],
    });
    const [trainer, side] = j.containers;
    Devices.of(j, trainer).gpus(0.5).efa(0, { sharedMemory: Size.gibibytes(1) }).efa(2, { hugePages: Size.mebibytes(5121), zone: '' });
    Devices.of(j, trainer).efa(3);
    Devices.of(j, side).neuron({ devices: 1, cores: 2 }).neuron({}).neuron({ cores: 2 }).neuron({ devices: 1 }).gpus(1, { gpuNames: [] });
    Devices.of(j, side).efa(1, { hugePages: Size.mebibytes(2), sharedMemory: Size.kibibytes(512) });
    side.mount('/dev/shm', plus.Volume.fromEmptyDir(j, 'shm', 'shm', { medium: plus.EmptyDirMedium.MEMORY }));
    Devices.of(j, new plus.Pod(chart, 'other', { containers: [{ image: 'x:1' }] }).containers[0]);
    expect(synthErrors(chart)).toEqual([
      `[test/train] 'gpus' (0.5) must be a whole number, at least 1; nvidia.com/gpu is allocated in whole devices: request at least 1 for container "trainer", or leave it out`,
      `[test/train] 'efa' (0) must be a whole number, at least 1; vpc.amazonaws.com/efa is allocated in whole devices: request at least 1 for container "trainer", or leave it out`,
      `[test/train] 'efa.zone' ("") must be a zone; name an Availability Zone, e.g. "us-east-1a"`,
      `[test/train] 'efa.hugePages' ("5121Mi") must be a whole number of 2 MiB pages; huge pages come in 2 MiB pages: e.g. Size.mebibytes(5120), as AWS's EFA examples request`,
      `[test/train] 'efa' (3) must be requested once for container "trainer" (it already requests 2 vpc.amazonaws.com/efa); give the total in one call`,
      `[test/train] 'neuron' ({"devices":1,"cores":2}) must be devices or cores for container "side", one of them; aws.amazon.com/neuron allocates whole devices (all their cores), aws.amazon.com/neuroncore single cores: request one kind`,
      `[test/train] 'neuron' ({}) must be devices or cores for container "side", one of them; aws.amazon.com/neuron allocates whole devices (all their cores), aws.amazon.com/neuroncore single cores: request one kind`,
      `[test/train] 'neuron.devices' (1) must be left out when container "side" already requests aws.amazon.com/neuroncore; request Neuron devices or Neuron cores, not both`,
      `[test/train] 'gpuNames' ([]) must be at least one NVIDIA GPU model, or left out; an empty list matches no node`,
      `[test/train] 'efa.sharedMemory' ("512Ki") must be a whole number of MiB, at least 1; e.g. Size.gibibytes(64)`,
      `[test/train] 'container' ("main") must be a container of test/train; request devices for a container of this pod (pod.containers[i] or the value addContainer returned)`,
      `[test/train] 'securityContext.capabilities.add' (["IPC_LOCK"]) must be without IPC_LOCK for EFA container "trainer" under Pod Security restricted; restricted allows adding NET_BIND_SERVICE only (and a non-root container gets no effective capabilities anyway): EFA memory registration needs the nodes to give containers an unlimited memlock limit instead (containerd LimitMEMLOCK=infinity, or RLIMIT_MEMLOCK in nodeadm's containerd.baseRuntimeSpec)`,
      `[test/train] 'efa.hugePages' ("2Mi") must be given with a CPU or memory request of container "side"; Kubernetes refuses huge pages without one: request memory`,
    ]);
  });

  test('the same EFA request twice adds nothing; another size is an error', () => {
    const chart = newChart();
    const j = job(chart);
    const d = Devices.of(j, j.containers[0]);
    d.efa(4, { sharedMemory: Size.gibibytes(8), hugePages: Size.mebibytes(512) });
    d.efa(4, { sharedMemory: Size.gibibytes(8), hugePages: Size.mebibytes(512) });
    const spec = podSpec(synth(chart), 'Job');
    expect(spec.volumes).toHaveLength(1);
    expect(spec.containers[0].env).toBeUndefined();
    d.efa(4, { sharedMemory: Size.gibibytes(16), hugePages: Size.mebibytes(1024) });
    expect(synthErrors(chart)).toEqual([
      `[test/train] 'efa.hugePages' ("1024Mi") must be given once for container "trainer" (it is 512Mi); give one size`,
      `[test/train] 'efa.sharedMemory' ("16Gi") must be given once for container "trainer" (it is 8Gi); give one size`,
    ]);
  });

  test('a sharedMemory next to another /dev/shm mount is an error, whatever the order', () => {
    const chart = newChart();
    const j = job(chart);
    j.containers[0].mount('/dev/shm', plus.Volume.fromEmptyDir(j, 'shm', 'trainer-shm', { medium: plus.EmptyDirMedium.MEMORY }));
    Devices.of(j, j.containers[0]).efa(1, { sharedMemory: Size.gibibytes(1) });
    expect(synthErrors(chart)).toEqual([
      `[test/train] 'efa.sharedMemory' ("1Gi") must be left out when container "trainer" mounts /dev/shm otherwise; a path is mounted once: give the size in one place`,
    ]);
  });

  test('a /dev/shm mounted otherwise silences the warning', () => {
    const chart = newChart();
    const j = job(chart);
    Devices.of(j, j.containers[0]).efa(1);
    j.containers[0].mount('/dev/shm', plus.Volume.fromEmptyDir(j, 'shm', 'trainer-shm', { medium: plus.EmptyDirMedium.MEMORY }));
    synthValid(chart);
    expect(warnings(chart)).toEqual([]);
  });

  test('an EFA zone and a dataset\'s zone that differ are an error naming both', () => {
    const chart = newChart();
    const j = job(chart);
    PodScheduling.of(j).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'], origin: '[test/dataset]' });
    Devices.of(j, j.containers[0]).efa(4, { zone: 'us-east-1a', sharedMemory: Size.gibibytes(1) });
    expect(synthErrors(chart)).toEqual([
      '[test/train] [test/dataset] requires topology.kubernetes.io/zone In us-east-1b and [test/train] (EFA zone of container "trainer") requires topology.kubernetes.io/zone In us-east-1a: no node has topology.kubernetes.io/zone meeting both; make them agree (one zone, one capacity type), or split the pods',
    ]);
  });

  test('snapshot: a GPU + EFA training Job', () => {
    const chart = newChart();
    const j = job(chart);
    Devices.of(j, j.containers[0]).gpus(8, { gpuNames: ['h100'] }).efa(32, { zone: 'us-east-1a', sharedMemory: Size.gibibytes(64) });
    expect(synthValid(chart)).toMatchSnapshot();
  });
});
