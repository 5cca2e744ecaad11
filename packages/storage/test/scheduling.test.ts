import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import fc from 'fast-check';
import { InstanceStore, PodScheduling } from '../src';
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
