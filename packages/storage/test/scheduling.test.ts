import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import fc from 'fast-check';
import { Devices, InstanceStore, PodScheduling } from '../src';
import { newChart, synth, synthErrors } from './testing';

/** The steps that constrain one pod's nodes, from different constructs. */
type Step = (job: plus.Job) => void;
const STEPS: { readonly [name: string]: Step } = {
  zone: (job) => PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[dataset]' }),
  nvme: (job) => new InstanceStore(job, 'scratch', { size: Size.gibibytes(100), nodeAffinity: [plus.NodeLabelQuery.gt('karpenter.k8s.aws/instance-local-nvme', ['0'])] }).mount(job.containers[0], '/scratch', { pod: job }),
  onDemand: (job) => PodScheduling.of(job).require({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'], origin: '[checkpoints]' }),
  userAttract: (job) => job.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('team', 'ml'))),
  gpuToleration: (job) => job.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: plus.TaintEffect.NO_SCHEDULE }))),
};

/**
 * Every operation that constrains one pod's nodes, from every construct that does: a dataset's
 * zone (DistributedDataset and FsxLustre pin pods with exactly this require), the user's own
 * attract and tolerate calls, devices (tolerations, requirements, an EFA zone equal to the
 * dataset's), the instance store's node affinity, node-local checkpoints' capacity type.
 */
const OPERATIONS: { readonly [name: string]: Step } = {
  ...STEPS,
  teamToleration: (job) => job.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.is('team', 'ml', { effect: plus.TaintEffect.NO_EXECUTE }))),
  gpus: (job) => Devices.of(job, job.containers[0]).gpus(8, { gpuNames: ['h100'] }),
  efa: (job) => Devices.of(job, job.containers[0]).efa(32, { zone: 'us-east-1a' }),
  sidecarNeuron: (job) => Devices.of(job, job.initContainers[0]).neuron({ cores: 1 }),
};

/** The whole pod spec of a Job built with these operations in this order. */
function podSpecWith(order: readonly string[]) {
  const chart = newChart();
  const job = new plus.Job(chart, 'train', { containers: [{ name: 'trainer', image: 'trainer:1', securityContext: { user: 1000 } }] });
  job.addInitContainer({ name: 'warm', image: 'warm:1', securityContext: { user: 1000 }, restartPolicy: plus.ContainerRestartPolicy.ALWAYS });
  for (const name of order) OPERATIONS[name](job);
  return (synth(chart).find((o: any) => o.kind === 'Job') as any).spec.template.spec;
}

function synthesizeWith(order: readonly string[]) {
  const chart = newChart();
  const job = new plus.Job(chart, 'train', { containers: [{ name: 'main', image: 'trainer:1', securityContext: { user: 1000 } }] });
  for (const name of order) STEPS[name](job);
  const manifest = chart.toJson().find((o: any) => o.kind === 'Job');
  return manifest.spec.template.spec.affinity;
}

describe('PodScheduling: requirements of several constructs on one pod compose in any order', () => {
  test('property: every order of the same steps gives the same node affinity, and every requirement is in every term', () => {
    const names = Object.keys(STEPS);
    const reference = synthesizeWith(names);
    expect(reference.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'team', operator: 'In', values: ['ml'] },
          { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] },
        ],
      },
    ]);
    fc.assert(
      fc.property(fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }), (order) => {
        expect(synthesizeWith(order)).toEqual(reference);
      }),
      { numRuns: 100, seed: 14 },
    );
  });

  test('property: every order of zone pinning, attraction, tolerations, devices and instance-store affinity gives the same pod spec', () => {
    const names = Object.keys(OPERATIONS);
    const reference = podSpecWith(names);
    expect(reference.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'team', operator: 'In', values: ['ml'] },
          { key: 'karpenter.k8s.aws/instance-gpu-name', operator: 'In', values: ['h100'] },
          { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] },
        ],
      },
    ]);
    // The GPU toleration of the user and of the devices is written once; every toleration in one order.
    expect(reference.tolerations).toEqual([
      { key: 'aws.amazon.com/efa', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'team', operator: 'Equal', value: 'ml', effect: 'NoExecute' },
    ]);
    expect(reference.containers[0].resources.limits).toMatchObject({ 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    expect(reference.containers[0].resources.requests['ephemeral-storage']).toBe('100Gi');
    expect(reference.initContainers[0].resources.limits['aws.amazon.com/neuroncore']).toBe(1);
    fc.assert(
      fc.property(fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }), (order) => {
        expect(podSpecWith(order)).toEqual(reference);
      }),
      { numRuns: 100, seed: 14 },
    );
  });

  test('property: in any order, two different zones, or a zone and a NotIn of it, are an error naming both origins', () => {
    const conflicts: { readonly [name: string]: { readonly steps: Step[]; readonly origins: [string, string] } } = {
      twoZones: {
        steps: [
          (job) => PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'], origin: '[test/dataset]' }),
          (job) => Devices.of(job, job.containers[0]).efa(4, { zone: 'us-east-1a' }),
        ],
        origins: ['[test/dataset] requires topology.kubernetes.io/zone In us-east-1b', '[test/train] (EFA zone of container "trainer") requires topology.kubernetes.io/zone In us-east-1a'],
      },
      zoneAndNotIn: {
        steps: [
          (job) => PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[test/dataset]' }),
          (job) => PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['us-east-1a'], origin: '[test/avoid]' }),
        ],
        origins: ['[test/dataset] requires topology.kubernetes.io/zone In us-east-1a', '[test/avoid] requires topology.kubernetes.io/zone NotIn us-east-1a'],
      },
      userZone: {
        steps: [
          (job) => job.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('topology.kubernetes.io/zone', 'us-east-1b'))),
          (job) => PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[test/dataset]' }),
        ],
        origins: ["the pod's own scheduling.attract(…) requires topology.kubernetes.io/zone In us-east-1b", '[test/dataset] requires topology.kubernetes.io/zone In us-east-1a'],
      },
    };
    const others = ['nvme', 'onDemand', 'gpus', 'gpuToleration', 'teamToleration'];
    // Both conflicting steps, some of the others, all in a random order.
    const orders = fc.shuffledSubarray(others).chain((some) => {
      const all: (number | string)[] = [0, 1, ...some];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    });
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(conflicts)), orders, (which, all) => {
        const { steps, origins } = conflicts[which];
        const chart = newChart();
        const job = new plus.Job(chart, 'train', { containers: [{ name: 'trainer', image: 'trainer:1', securityContext: { user: 1000 } }] });
        for (const step of all) (typeof step === 'number' ? steps[step] : OPERATIONS[step])(job);
        const errors = synthErrors(chart);
        expect(errors).toHaveLength(1);
        // Both origins, in either order: the message names each requirement with who asked for it.
        for (const o of origins) expect(errors[0]).toContain(o);
        expect(errors[0]).toMatch(/^\[test\/train\] .*: no node has topology\.kubernetes\.io\/zone meeting both; make them agree \(one zone, one capacity type\), or split the pods$/);
      }),
      { numRuns: 100, seed: 14 },
    );
  });

  test('a user term that contradicts a requirement is no error while another term of the user fits', () => {
    const chart = newChart();
    const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer:1', securityContext: { user: 1000 } }] });
    job.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('topology.kubernetes.io/zone', 'us-east-1b')));
    job.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('topology.kubernetes.io/zone', 'us-east-1a')));
    PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[test/dataset]' });
    const spec = (synth(chart).find((o: any) => o.kind === 'Job') as any).spec.template.spec;
    // The first term can never match (cdk8s-plus ORs the terms); the second states the zone once.
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'] }, { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] },
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] },
    ]);
  });

  test('a zone and a NotIn of it are an error naming both; so is a user term that contradicts a requirement', () => {
    const chart = newChart();
    const a = new plus.Job(chart, 'a', { containers: [{ image: 'trainer:1', securityContext: { user: 1000 } }] });
    PodScheduling.of(a).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[test/dataset]' });
    PodScheduling.of(a).require({ key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['us-east-1a'], origin: '[test/avoid]' });
    const b = new plus.Job(chart, 'b', { containers: [{ image: 'trainer:1', securityContext: { user: 1000 } }] });
    b.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('topology.kubernetes.io/zone', 'us-east-1b')));
    PodScheduling.of(b).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[test/dataset]' });
    expect(synthErrors(chart)).toEqual([
      '[test/a] [test/dataset] requires topology.kubernetes.io/zone In us-east-1a and [test/avoid] requires topology.kubernetes.io/zone NotIn us-east-1a: no node has topology.kubernetes.io/zone meeting both; make them agree (one zone, one capacity type), or split the pods',
      "[test/b] the pod's own scheduling.attract(…) requires topology.kubernetes.io/zone In us-east-1b and [test/dataset] requires topology.kubernetes.io/zone In us-east-1a: no node has topology.kubernetes.io/zone meeting both; make them agree (one zone, one capacity type), or split the pods",
    ]);
  });

  test('tolerations: the same one from two places is written once; order does not matter', () => {
    const build = (first: boolean) => {
      const chart = newChart();
      const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer:1', securityContext: { user: 1000 } }] });
      const user = () => job.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: plus.TaintEffect.NO_SCHEDULE })));
      if (first) user();
      PodScheduling.of(job).tolerate({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
      PodScheduling.of(job).tolerate({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
      PodScheduling.of(job).tolerate({ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' });
      if (!first) user();
      return (synth(chart).find((o: any) => o.kind === 'Job') as any).spec.template.spec.tolerations;
    };
    expect(build(true)).toEqual([
      { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(build(false)).toEqual(build(true));
  });

  test('a zone asked for after the user\'s own attract calls still holds (before issue 14 it was an OR-ed, separate term)', () => {
    const affinity = synthesizeWith(['userAttract', 'zone']);
    for (const term of affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms) {
      expect(term.matchExpressions).toContainEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] });
    }
  });

  test('two requirements no node can meet together are an error naming both', () => {
    const chart = newChart();
    const job = new plus.Job(chart, 'train', { containers: [{ name: 'main', image: 'trainer:1', securityContext: { user: 1000 } }] });
    PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'], origin: '[test/dataset]' });
    PodScheduling.of(job).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'], origin: '[test/models]' });
    expect(synthErrors(chart)).toEqual([
      '[test/train] [test/dataset] requires topology.kubernetes.io/zone In us-east-1a and [test/models] requires topology.kubernetes.io/zone In us-east-1b: no node has topology.kubernetes.io/zone meeting both; make them agree (one zone, one capacity type), or split the pods',
    ]);
  });
});
