import { Chart, Duration, Size } from 'cdk8s';
import { UNMODELLED_KINDS, validateObjects } from '@strata/kube-schemas';
import { Tokens } from '@strata/tokens';
import { INSTANCE_LOCAL_NVME_LABEL } from '../src/instance-store';
import {
  GPU_TAINT,
  goDuration,
  KarpenterCapacityType,
  KarpenterConsolidationPolicy,
  KarpenterDisruptionReason,
  KarpenterNvmeNodeClass,
  KarpenterNvmeNodePool,
  KarpenterNvmeNodePoolProps,
} from '../src/karpenter';
import { newChart, synth, synthErrors, warnings } from './testing';

/** The disruption settings every NVMe NodePool gets unless told otherwise. */
const NVME_DISRUPTION = {
  budgets: [{ nodes: '0', reasons: ['Drifted', 'Underutilized'] }, { nodes: '10%' }],
  consolidateAfter: '10m',
  consolidationPolicy: 'WhenEmpty',
};
const ON_DEMAND = { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] };

describe('Karpenter NVMe nodes', () => {
  test('defaults: an EC2NodeClass with RAID0 and a NodePool that requires local NVMe', () => {
    const chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'KarpenterNodeRole-ml', clusterName: 'ml' });
    const pool = new KarpenterNvmeNodePool(chart, 'pool', { nodeClass });
    const objs = synth(chart);
    // No schema model exists for Karpenter kinds: the fields are asserted one by one instead.
    expect(validateObjects(objs)).toEqual([
      `EC2NodeClass/${nodeClass.name}: karpenter.k8s.aws/v1 EC2NodeClass has no schema model here`,
      `NodePool/${pool.apiObject.name}: karpenter.sh/v1 NodePool has no schema model here`,
    ]);
    expect(UNMODELLED_KINDS.has('karpenter.k8s.aws/v1/EC2NodeClass')).toBe(true);
    const [ec2, np] = objs as any[];
    expect(ec2).toEqual({
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: nodeClass.name },
      spec: {
        amiSelectorTerms: [{ alias: 'al2023@latest' }],
        instanceStorePolicy: 'RAID0',
        role: 'KarpenterNodeRole-ml',
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'ml' } }],
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'ml' } }],
      },
    });
    expect(np).toEqual({
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: pool.apiObject.name },
      spec: {
        // Node-local data survives voluntary disruption: empty nodes only, after 10 minutes; no
        // drift or underutilization replacement on its own; a tenth of the pool at once otherwise.
        disruption: NVME_DISRUPTION,
        template: {
          spec: {
            // Replaced after 30 days (Karpenter's default, written out), with 2 hours to drain.
            expireAfter: '720h',
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass.name },
            requirements: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }, ON_DEMAND],
            terminationGracePeriod: '2h',
          },
        },
      },
    });
    expect(pool.consolidationPolicy).toBe(KarpenterConsolidationPolicy.WHEN_EMPTY);
    expect(pool.consolidateAfter).toEqual(Duration.minutes(10));
    expect(pool.expireAfter).toEqual(Duration.hours(720));
    expect(pool.terminationGracePeriod).toEqual(Duration.hours(2));
    expect(pool.capacityTypes).toEqual([KarpenterCapacityType.ON_DEMAND]);
    expect(pool.limits).toEqual({});
    expect(pool.weight).toBeUndefined();
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: names, selectors, a minimum NVMe size and taints', () => {
    const chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', {
      name: 'instance-store-ephemeral-storage',
      role: 'KarpenterNodeRole-ml',
      subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }],
      securityGroupSelectorTerms: [{ tags: { team: 'ml' } }],
      amiSelectorTerms: [{ alias: 'bottlerocket@v1.22.0' }],
    });
    new KarpenterNvmeNodePool(chart, 'pool', {
      nodeClass,
      name: 'nvme',
      requirements: [
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        KarpenterNvmeNodePool.localNvmeRequirement(Size.gibibytes(300)),
      ],
      taints: [{ key: 'nvme', value: 'true', effect: 'NoSchedule' }],
    });
    const [ec2, np] = synth(chart) as any[];
    expect(ec2.metadata).toEqual({ name: 'instance-store-ephemeral-storage' });
    expect(ec2.spec.subnetSelectorTerms).toEqual([{ id: 'subnet-0123456789abcdef0' }]);
    expect(ec2.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.22.0' }]);
    expect(np.metadata).toEqual({ name: 'nvme' });
    expect(np.spec.template.spec).toEqual({
      expireAfter: '720h',
      nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'instance-store-ephemeral-storage' },
      requirements: [
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['300'] },
        ON_DEMAND,
      ],
      taints: [{ key: 'nvme', value: 'true', effect: 'NoSchedule' }],
      terminationGracePeriod: '2h',
    });
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: disruption, lifetime, limits, capacity, taints, labels and weight of a GPU training pool', () => {
    const chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
    const pool = new KarpenterNvmeNodePool(chart, 'pool', {
      nodeClass,
      name: 'gpu',
      capacityTypes: [KarpenterCapacityType.ON_DEMAND, KarpenterCapacityType.SPOT],
      disruption: {
        consolidationPolicy: KarpenterConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
        consolidateAfter: 'Never',
        budgets: [
          { nodes: '0', reasons: [KarpenterDisruptionReason.DRIFTED] },
          { nodes: '2', schedule: '0 22 * * 1-5', duration: Duration.hours(8) },
          { nodes: '100%', reasons: [KarpenterDisruptionReason.EMPTY] },
        ],
      },
      expireAfter: Duration.days(14),
      terminationGracePeriod: Duration.minutes(90),
      limits: { cpu: 1000, memory: '4000Gi', 'nvidia.com/gpu': 64 },
      taints: [GPU_TAINT],
      startupTaints: [{ key: 'fsx.csi.aws.com/agent-not-ready', effect: 'NoExecute' }],
      labels: { 'strata.dev/pool': 'gpu-nvme' },
      weight: 50,
    });
    const [, np] = synth(chart) as any[];
    expect(np.spec).toEqual({
      disruption: {
        budgets: [
          { nodes: '0', reasons: ['Drifted'] },
          { nodes: '2', schedule: '0 22 * * 1-5', duration: '8h' },
          { nodes: '100%', reasons: ['Empty'] },
        ],
        consolidateAfter: 'Never',
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
      },
      limits: { cpu: '1000', memory: '4000Gi', 'nvidia.com/gpu': '64' },
      template: {
        metadata: { labels: { 'strata.dev/pool': 'gpu-nvme' } },
        spec: {
          expireAfter: '336h',
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass.name },
          requirements: [
            { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] },
          ],
          startupTaints: [{ key: 'fsx.csi.aws.com/agent-not-ready', effect: 'NoExecute' }],
          taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
          terminationGracePeriod: '1h30m',
        },
      },
      weight: 50,
    });
    expect(pool.capacityTypes).toEqual(['on-demand', 'spot']);
    expect(warnings(chart)).toEqual([]);
  });

  test('a capacity-type requirement of its own is kept as given, without the on-demand default', () => {
    const chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
    const spot = { key: 'karpenter.sh/capacity-type', operator: 'In' as const, values: ['spot'] };
    const pool = new KarpenterNvmeNodePool(chart, 'pool', { nodeClass, requirements: [KarpenterNvmeNodePool.localNvmeRequirement(), spot] });
    expect((synth(chart) as any[])[1].spec.template.spec.requirements).toEqual([{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }, spot]);
    expect(pool.capacityTypes).toBeUndefined();
  });

  test.each<[string, Duration, string | undefined]>([
    ['Duration.minutes(10)', Duration.minutes(10), '10m'],
    ['Duration.hours(720)', Duration.hours(720), '720h'],
    ['Duration.minutes(90)', Duration.minutes(90), '1h30m'],
    ['Duration.seconds(3661)', Duration.seconds(3661), '1h1m1s'],
    ['Duration.seconds(0)', Duration.seconds(0), '0s'],
    ['Duration.millis(1500)', Duration.millis(1500), undefined],
  ])('goDuration(%s) is %s', (_what, d, text) => {
    expect(goDuration(d)).toBe(text);
  });

  test('tokens: durations, capacity types and limits bound to values get Karpenter\'s rules attached', () => {
    const owner = {};
    const chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
    const consolidateAfter = Tokens.string('pool.consolidateAfter', owner);
    const expireAfter = Tokens.string('pool.expireAfter', owner);
    const grace = Tokens.string('pool.terminationGracePeriod', owner);
    const types = Tokens.list<KarpenterCapacityType>('pool.capacityTypes', owner);
    const cpu = Tokens.string('pool.limits.cpu', owner);
    const policy = Tokens.string('pool.consolidationPolicy', owner) as KarpenterConsolidationPolicy;
    new KarpenterNvmeNodePool(chart, 'pool', { nodeClass, capacityTypes: types, disruption: { consolidationPolicy: policy, consolidateAfter }, expireAfter, terminationGracePeriod: grace, limits: { cpu } });
    const [, np] = synth(chart) as any[];
    expect(np.spec.disruption).toMatchObject({ consolidateAfter, consolidationPolicy: policy });
    expect(np.spec.template.spec).toMatchObject({ expireAfter, terminationGracePeriod: grace });
    expect(np.spec.template.spec.requirements[1]).toEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: types });
    const rules = (t: unknown) => Tokens.infoOf(t)!.constraints.map((c) => c.constraint);
    expect(rules(consolidateAfter)).toEqual([{ pattern: '^(([0-9]+(s|m|h))+|Never)$' }]);
    expect(rules(expireAfter)).toEqual([{ pattern: '^(([0-9]+(s|m|h))+|Never)$' }]);
    expect(rules(grace)).toEqual([{ pattern: '^([0-9]+(s|m|h))+$' }]);
    expect(rules(types)).toEqual([{ minItems: 1 }, { items: { enum: ['on-demand', 'spot'] } }]);
    expect(rules(cpu)).toEqual([{ pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$' }]);
    expect(rules(policy)).toEqual([{ enum: ['WhenEmpty', 'WhenEmptyOrUnderutilized'] }]);
  });

  test('throws if role, subnets or security groups are missing, or Bottlerocket is older than v1.22.0', () => {
    const chart = newChart();
    new KarpenterNvmeNodeClass(chart, 'nvme', { role: '', amiSelectorTerms: [{ alias: 'bottlerocket@v1.21.1' }] });
    expect(synthErrors(chart)).toEqual([
      `[test/nvme] 'role' ("") must be the nodes' IAM role; e.g. "KarpenterNodeRole-<cluster>"`,
      `[test/nvme] 'subnetSelectorTerms' (not set) must be set, or clusterName for the discovery tag; Karpenter needs subnets to launch into`,
      `[test/nvme] 'securityGroupSelectorTerms' (not set) must be set, or clusterName for the discovery tag; Karpenter needs security groups for the nodes`,
      `[test/nvme] 'amiSelectorTerms' ("bottlerocket@v1.21.1") must be Bottlerocket v1.22.0 or later with instanceStorePolicy RAID0; older Bottlerocket nodes fail to join: use bottlerocket@latest`,
    ]);
  });

  test('a custom AMI without alias is warned (Karpenter builds the RAID0 only for its families)', () => {
    const chart = newChart();
    new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml', amiSelectorTerms: [{ id: 'ami-0123456789abcdef0' }] });
    expect(warnings(chart)).toEqual([
      `[test/nvme] 'amiSelectorTerms' ([{"id":"ami-0123456789abcdef0"}]) must be an alias (al2, al2023 or bottlerocket) with instanceStorePolicy RAID0; Karpenter builds the RAID0 only for those families: a custom AMI must set up its disks itself`,
    ]);
  });

  // Each refusal of KarpenterNvmeNodePool, with its exact message: what the NodePool API
  // (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go, nodeclaim.go) would refuse at apply.
  const loose = (p: Record<string, unknown>) => p as unknown as Partial<KarpenterNvmeNodePoolProps>;
  const DURATION = 'a Go duration of hours, minutes and seconds';
  test.each<[string, Partial<KarpenterNvmeNodePoolProps>, string[]]>([
    ['consolidationPolicy Balanced', loose({ disruption: { consolidationPolicy: 'Balanced' } }), [
      `'disruption.consolidationPolicy' ("Balanced") must be one of WhenEmpty, WhenEmptyOrUnderutilized; WhenEmpty keeps nodes that hold pods (and their NVMe data); Balanced needs Karpenter v1.14 and is not offered`,
    ]],
    ['consolidateAfter "10 minutes"', { disruption: { consolidateAfter: '10 minutes' } }, [
      `'disruption.consolidateAfter' ("10 minutes") must be ${DURATION} or Never, e.g. "10m", "1h30m"; give a Duration, or "Never"`,
    ]],
    ['expireAfter of 1.5 seconds', { expireAfter: Duration.millis(1500) }, [`'expireAfter' ("1.5s") must be whole seconds; Karpenter durations have no fractions of a second`]],
    ['expireAfter "30d"', { expireAfter: '30d' }, [`'expireAfter' ("30d") must be ${DURATION} or Never, e.g. "10m", "1h30m"; give a Duration, or "Never"`]],
    ['terminationGracePeriod Never', { terminationGracePeriod: 'Never' }, [
      `'terminationGracePeriod' ("Never") must be ${DURATION}, e.g. "10m", "1h30m"; give a Duration (Karpenter has no "Never" here)`,
    ]],
    ['a budget of 110%', { disruption: { budgets: [{ nodes: '110%' }] } }, [
      `'disruption.budgets[0].nodes' ("110%") must be a node count or a percentage from 0% to 100%; "0" blocks the disruption, "10%" allows a tenth of the pool at once`,
    ]],
    ['a budget for the reason Expired', loose({ disruption: { budgets: [{ nodes: '0', reasons: ['Expired'] }] } }), [
      `'disruption.budgets[0].reasons' ("Expired") must be one of Empty, Drifted, Underutilized; expiration, interruption and node repair are forceful: no budget limits them`,
    ]],
    ['a reason twice', { disruption: { budgets: [{ nodes: '0', reasons: [KarpenterDisruptionReason.DRIFTED, KarpenterDisruptionReason.DRIFTED] }] } }, [
      `'disruption.budgets[0].reasons' (["Drifted","Drifted"]) must be each reason once; remove the repeated reason`,
    ]],
    ['a schedule without duration', { disruption: { budgets: [{ nodes: '0', schedule: '@daily' }] } }, [
      `'disruption.budgets[0].schedule' ("@daily") must be set together with duration (not set); a scheduled budget needs both when it starts and how long it lasts; leave both out for an always-active budget`,
    ]],
    ['a duration without schedule', { disruption: { budgets: [{ nodes: '0', duration: Duration.hours(8) }] } }, [
      `'disruption.budgets[0].schedule' (not set) must be set together with duration (8h); a scheduled budget needs both when it starts and how long it lasts; leave both out for an always-active budget`,
    ]],
    ['a budget duration of 90 seconds', { disruption: { budgets: [{ nodes: '0', schedule: '@daily', duration: Duration.seconds(90) }] } }, [
      `'disruption.budgets[0].duration' ("1m30s") must be whole minutes, at least 1; budget schedules are cron, which has no seconds`,
    ]],
    ['a schedule that is not cron', { disruption: { budgets: [{ nodes: '0', schedule: 'nightly', duration: Duration.hours(8) }] } }, [
      `'disruption.budgets[0].schedule' ("nightly") must be a cron expression (UTC); e.g. "0 9 * * 1-5" (UTC) or "@daily"`,
    ]],
    ['51 budgets', { disruption: { budgets: Array.from({ length: 51 }, () => ({ nodes: '1' })) } }, [`'disruption.budgets' ("51 budgets") must be at most 50 budgets; merge budgets`]],
    ['no capacity type', { capacityTypes: [] }, [`'capacityTypes' ([]) must be at least one of on-demand, spot; on-demand keeps node-local data until the node expires; spot nodes get two minutes' notice`]],
    ['capacity type reserved', loose({ capacityTypes: ['reserved'] }), [`'capacityTypes' ("reserved") must be one of on-demand, spot; on-demand keeps node-local data until the node expires; spot nodes get two minutes' notice`]],
    ['capacity types twice', { capacityTypes: [KarpenterCapacityType.SPOT], requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }, KarpenterNvmeNodePool.localNvmeRequirement()] }, [
      `'capacityTypes' (["spot"]) must be unset when requirements hold a karpenter.sh/capacity-type requirement; say the capacity type once: remove it from requirements, or remove capacityTypes`,
    ]],
    ['a limit "4 TB"', { limits: { memory: '4 TB' } }, [`'limits.memory' ("4 TB") must be a quantity; e.g. 1000 (cpu), "4000Gi" (memory), 64 (nvidia.com/gpu)`]],
    ['a limit -1', { limits: { cpu: -1 } }, [`'limits.cpu' (-1) must be a quantity (at least 0); e.g. 1000 (cpu), "4000Gi" (memory), 64 (nvidia.com/gpu)`]],
    ['a limit on "GPU count"', { limits: { 'GPU count': 8 } }, [`'limits' ("GPU count") must be a resource name; name a resource, e.g. cpu, memory, nvidia.com/gpu`]],
    ['a taint with effect Never', loose({ taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'Never' }] }), [
      `'taints[0].effect' ("Never") must be one of NoSchedule, PreferNoSchedule, NoExecute; NoSchedule keeps pods without a toleration off the nodes`,
    ]],
    ['a startup taint without key', loose({ startupTaints: [{ key: '', effect: 'NoExecute' }] }), [`'startupTaints[0].key' ("") must be a taint key; e.g. "nvidia.com/gpu"`]],
    ['the label karpenter.sh/nodepool', { labels: { 'karpenter.sh/nodepool': 'gpu' } }, [
      `'labels' ("karpenter.sh/nodepool") must be a label of your own (not in the karpenter.sh domain); Karpenter sets these itself and the NodePool API refuses them: use a domain of your own`,
    ]],
    ['the label kubernetes.io/hostname', { labels: { 'kubernetes.io/hostname': 'n1' } }, [
      `'labels' ("kubernetes.io/hostname") must be a label of your own (not kubernetes.io/hostname); Karpenter sets these itself and the NodePool API refuses them: use a domain of your own`,
    ]],
    ['a label value with a space', { labels: { 'strata.dev/pool': 'gpu nvme' } }, [`'labels.strata.dev/pool' ("gpu nvme") must be a label value; letters, digits, "-", "_" and ".", at most 63`]],
    ...[0, 101, 1.5].map((weight): [string, Partial<KarpenterNvmeNodePoolProps>, string[]] => [
      `weight ${weight}`,
      { weight },
      [`'weight' (${weight}) must be a whole number between 1 and 100; a higher weight is tried first; leave it unset for 0`],
    ]),
  ])('NodePool: throws if %s', (_what, props, errors) => {
    const chart: Chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
    new KarpenterNvmeNodePool(chart, 'pool', { nodeClass, ...props });
    expect(synthErrors(chart)).toEqual(errors.map((e) => `[test/pool] ${e}`));
  });
});
