import { Size } from 'cdk8s';
import { UNMODELLED_KINDS, validateObjects } from '@strata/kube-schemas';
import { INSTANCE_LOCAL_NVME_LABEL } from '../src/instance-store';
import { KarpenterNvmeNodeClass, KarpenterNvmeNodePool } from '../src/karpenter';
import { newChart, synth, synthErrors, warnings } from './testing';

describe('Karpenter NVMe nodes (facts §4.1)', () => {
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
        template: {
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass.name },
            requirements: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }],
          },
        },
      },
    });
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
      nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'instance-store-ephemeral-storage' },
      requirements: [
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['300'] },
      ],
      taints: [{ key: 'nvme', value: 'true', effect: 'NoSchedule' }],
    });
    expect(warnings(chart)).toEqual([]);
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
});
