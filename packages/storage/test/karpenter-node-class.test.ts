/**
 * The EC2NodeClass settings platform teams set (issue 16): selector terms beyond the discovery tag,
 * userData, tags, kubelet, block device mappings — written as given, and each refused as the
 * karpenter.k8s.aws/v1 CRD refuses it (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go).
 */
import { Chart } from 'cdk8s';
import { AMI_SELECTOR_TERMS_SHAPE, BLOCK_DEVICE_MAPPINGS_SHAPE, KarpenterNvmeNodeClass, KarpenterNvmeNodeClassProps, KUBELET_SHAPE, METADATA_OPTIONS_SHAPE, shapeSchema, TAGS_SHAPE } from '../src/karpenter';
import { newChart, synth, synthErrors, warnings } from './testing';

const base: KarpenterNvmeNodeClassProps = { role: 'KarpenterNodeRole-ml', clusterName: 'ml' };
const nodeClass = (props: Partial<KarpenterNvmeNodeClassProps>, chart: Chart = newChart()) => new KarpenterNvmeNodeClass(chart, 'nvme', { ...base, ...props } as KarpenterNvmeNodeClassProps);

describe('EC2NodeClass: the settings platform teams set', () => {
  test('selector terms beyond the discovery tag, userData, tags, kubelet and block devices are written as given', () => {
    const chart = newChart();
    nodeClass(
      {
        subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }, { tags: { 'kubernetes.io/role/internal-elb': '1', Tier: 'private' } }],
        securityGroupSelectorTerms: [{ name: 'eks-cluster-sg-ml' }, { id: 'sg-0123456789abcdef0' }],
        userData: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      shutdownGracePeriod: 30s\n',
        tags: { team: 'ml-platform', 'cost-center': '1234' },
        kubelet: {
          maxPods: 110,
          systemReserved: { cpu: '100m', memory: '100Mi' },
          kubeReserved: { cpu: '200m', memory: '1Gi', 'ephemeral-storage': '3Gi' },
          evictionHard: { 'memory.available': '5%', 'nodefs.available': '10%' },
          evictionSoft: { 'memory.available': '500Mi' },
          evictionSoftGracePeriod: { 'memory.available': '1m30s' },
          imageGCHighThresholdPercent: 85,
          imageGCLowThresholdPercent: 80,
        },
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '50Gi', volumeType: 'gp3', iops: 3000, throughput: 125, encrypted: true, deleteOnTermination: true } }],
      },
      chart,
    );
    const [ec2] = synth(chart) as any[];
    expect(ec2.spec).toEqual({
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { deleteOnTermination: true, encrypted: true, iops: 3000, throughput: 125, volumeSize: '50Gi', volumeType: 'gp3' } }],
      instanceStorePolicy: 'RAID0',
      kubelet: {
        evictionHard: { 'memory.available': '5%', 'nodefs.available': '10%' },
        evictionSoft: { 'memory.available': '500Mi' },
        evictionSoftGracePeriod: { 'memory.available': '1m30s' },
        imageGCHighThresholdPercent: 85,
        imageGCLowThresholdPercent: 80,
        kubeReserved: { cpu: '200m', 'ephemeral-storage': '3Gi', memory: '1Gi' },
        maxPods: 110,
        systemReserved: { cpu: '100m', memory: '100Mi' },
      },
      role: 'KarpenterNodeRole-ml',
      securityGroupSelectorTerms: [{ name: 'eks-cluster-sg-ml' }, { id: 'sg-0123456789abcdef0' }],
      subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }, { tags: { 'kubernetes.io/role/internal-elb': '1', Tier: 'private' } }],
      tags: { 'cost-center': '1234', team: 'ml-platform' },
      userData: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      shutdownGracePeriod: 30s\n',
    });
    expect(warnings(chart)).toEqual([]);
  });

  const N = "[test/nvme] '";
  test.each<[string, Partial<KarpenterNvmeNodeClassProps>, string[]]>([
    ['no subnet term', { subnetSelectorTerms: [] }, [`${N}subnetSelectorTerms' ([]) must be at least 1 item; add one`]],
    ['a subnet term with neither tags nor id', { subnetSelectorTerms: [{}] }, [`${N}subnetSelectorTerms[0]' ({}) must be set with at least one of tags, id; select subnets by their tags or by their id`]],
    [
      'a subnet id beside tags',
      { subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0', tags: { a: 'b' } }] },
      [`${N}subnetSelectorTerms[0].id' ("subnet-0123456789abcdef0") must be set alone (this object also sets tags); an id selects one subnet: give it in a term of its own`],
    ],
    ['a subnet id of another kind', { subnetSelectorTerms: [{ id: 'sg-0123456789abcdef0' }] }, [`${N}subnetSelectorTerms[0].id' ("sg-0123456789abcdef0") must be a subnet id: "subnet-" and 8 to 17 lowercase hex digits; copy it from \`aws ec2 describe-subnets\``]],
    ['an empty tag value', { subnetSelectorTerms: [{ tags: { Tier: '' } }] }, [`${N}subnetSelectorTerms[0].tags.Tier' ("") must be a tag value (not empty; "*" for any value of the key); e.g. { "karpenter.sh/discovery": "<cluster>" }`]],
    [
      'a security group name beside an id',
      { securityGroupSelectorTerms: [{ name: 'eks-cluster-sg-ml', id: 'sg-0123456789abcdef0' }] },
      [
        `${N}securityGroupSelectorTerms[0].id' ("sg-0123456789abcdef0") must be set alone (this object also sets name); an id or a name selects one group: give it in a term of its own`,
        `${N}securityGroupSelectorTerms[0].name' ("eks-cluster-sg-ml") must be set alone (this object also sets id); an id or a name selects one group: give it in a term of its own`,
      ],
    ],
    ['an unknown field of a term', { securityGroupSelectorTerms: [{ tags: { a: 'b' }, owner: 'me' } as never] }, [`${N}securityGroupSelectorTerms[0].owner' ("me") must be left out: known here are tags, id, name; check the spelling`]],
    [
      "a tag Karpenter sets itself",
      { tags: { 'karpenter.sh/nodepool': 'x' } },
      [`${N}tags' ("karpenter.sh/nodepool") must be a tag key of 1 to 128 characters, not starting with "aws:" or "kubernetes.io/cluster", and none of eks:eks-cluster-name, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass; Karpenter sets those tags itself: use a key of your own`],
    ],
    [
      'a cluster tag',
      { tags: { 'kubernetes.io/cluster/ml': 'owned' } },
      [`${N}tags' ("kubernetes.io/cluster/ml") must be a tag key of 1 to 128 characters, not starting with "aws:" or "kubernetes.io/cluster", and none of eks:eks-cluster-name, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass; Karpenter sets those tags itself: use a key of your own`],
    ],
    [
      'an aws: tag',
      { tags: { 'AWS:owner': 'x' } },
      [`${N}tags' ("AWS:owner") must be a tag key of 1 to 128 characters, not starting with "aws:" or "kubernetes.io/cluster", and none of eks:eks-cluster-name, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass; Karpenter sets those tags itself: use a key of your own`],
    ],
    ['a kubelet reservation of gpus', { kubelet: { kubeReserved: { 'nvidia.com/gpu': '1' } } }, [`${N}kubelet.kubeReserved' ("nvidia.com/gpu") must be one of cpu, memory, ephemeral-storage, pid; kubelet reserves these resources only`]],
    ['a negative reservation', { kubelet: { systemReserved: { memory: '-1Gi' } } }, [`${N}kubelet.systemReserved.memory' ("-1Gi") must be a Kubernetes quantity such as "500m", "2" or "16Gi"; e.g. "100m" (cpu), "1Gi" (memory), "1000" (pid); never negative`]],
    ['an eviction signal kubelet does not know', { kubelet: { evictionHard: { 'cpu.available': '10%' } } }, [`${N}kubelet.evictionHard' ("cpu.available") must be one of memory.available, nodefs.available, nodefs.inodesFree, imagefs.available, imagefs.inodesFree, pid.available; kubelet evicts on these signals only`]],
    ['an eviction threshold "ten percent"', { kubelet: { evictionHard: { 'memory.available': 'ten percent' } } }, [`${N}kubelet.evictionHard.memory.available' ("ten percent") must be a quantity such as "500Mi", or a percentage such as "10%"; e.g. "500Mi" or "10%"`]],
    [
      'a soft threshold without its grace period',
      { kubelet: { evictionSoft: { 'memory.available': '500Mi', 'nodefs.available': '15%' }, evictionSoftGracePeriod: { 'memory.available': '1m' } } },
      [`${N}kubelet.evictionSoftGracePeriod' (no nodefs.available) must hold a grace period for every soft threshold (evictionSoft has nodefs.available); give nodefs.available its grace period, e.g. "1m30s"`],
    ],
    [
      'image GC thresholds the wrong way round',
      { kubelet: { imageGCHighThresholdPercent: 70, imageGCLowThresholdPercent: 80 } },
      [`${N}kubelet.imageGCHighThresholdPercent' (70) must be greater than imageGCLowThresholdPercent (80); garbage collection runs above the high mark and frees down to the low one`],
    ],
    ['an image GC threshold above 100', { kubelet: { imageGCHighThresholdPercent: 120 } }, [`${N}kubelet.imageGCHighThresholdPercent' (120) must be between 0 and 100; a percentage of disk use`]],
    ['a kubelet field Karpenter does not offer', { kubelet: { shutdownGracePeriod: '30s' } as never }, [`${N}kubelet.shutdownGracePeriod' ("30s") must be left out: known here are clusterDNS, maxPods, podsPerCore, systemReserved, kubeReserved, evictionHard, evictionSoft, evictionSoftGracePeriod, evictionMaxPodGracePeriod, imageGCHighThresholdPercent, imageGCLowThresholdPercent, cpuCFSQuota; check the spelling`]],
    ['an EBS volume without size or snapshot', { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3' } }] }, [`${N}blockDeviceMappings[0].ebs' ({"volumeType":"gp3"}) must be set with at least one of volumeSize, snapshotID; give the volume a size, or the snapshot it starts from`]],
    ['a volume size "100GB"', { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100GB' } }] }, [`${N}blockDeviceMappings[0].ebs.volumeSize' ("100GB") must be an EBS volume size as the EC2NodeClass takes it, such as "100Gi", "500G" or "2Ti" (at most 59000Gi, 64000G, 58Ti or 64T); e.g. "100Gi"`]],
    ['provisioned IOPS on gp2', { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp2', iops: 3000 } }] }, [`${N}blockDeviceMappings[0].ebs.iops' (3000) must be left out with volumeType "gp2"; provisioned IOPS are for io1, io2 and gp3, throughput for gp3`]],
    ['throughput on io2', { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'io2', iops: 10000, throughput: 500 } }] }, [`${N}blockDeviceMappings[0].ebs.throughput' (500) must be left out with volumeType "io2"; throughput is set on gp3 volumes only`]],
    ['volume type gp4', { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp4' as never } }] }, [`${N}blockDeviceMappings[0].ebs.volumeType' ("gp4") must be one of standard, io1, io2, gp2, sc1, st1, gp3; gp3 is the general-purpose SSD`]],
    [
      'two root volumes',
      { blockDeviceMappings: [{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '20Gi' } }, { deviceName: '/dev/xvdb', rootVolume: true, ebs: { volumeSize: '100Gi' } }] },
      [`${N}blockDeviceMappings' (rootVolume on [0], [1]) must have rootVolume on one mapping at most; kubelet has one root directory`],
    ],
    ['userData that is not text', { userData: { spec: {} } as never }, [`${N}userData' ({"spec":{}}) must be a string; a nodeadm NodeConfig, a shell script or a MIME multi-part archive, as text`]],
  ])('refuses %s, as the CRD does', (_what, props, expected) => {
    const chart = newChart();
    nodeClass(props, chart);
    expect(synthErrors(chart)).toEqual(expected);
  });

  test("RAID0 leaves the disks to Karpenter: a NodeConfig's localStorage and a rootVolume mapping are warned", () => {
    const chart = newChart();
    nodeClass(
      {
        userData: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  instance:\n    localStorage:\n      strategy: Mount\n',
        blockDeviceMappings: [{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '20Gi' } }],
      },
      chart,
    );
    expect(warnings(chart)).toEqual([
      `[test/nvme] 'blockDeviceMappings[0].rootVolume' (true) must be left out with instanceStorePolicy RAID0; kubelet's root directory and the node's ephemeral storage are the NVMe RAID0, not this volume: it holds the OS only`,
      `[test/nvme] 'userData' ("a NodeConfig setting localStorage") must be left to Karpenter with instanceStorePolicy RAID0; Karpenter sets spec.instance.localStorage to RAID0 itself; another strategy in userData interferes with it: drop it, or use a node class without instanceStorePolicy`,
    ]);
  });

  test('the shapes are JSON Schemas too (what a chart binding the setting to a value writes): fields closed, rules as keywords', () => {
    expect(shapeSchema(TAGS_SHAPE)).toEqual({
      type: 'object',
      propertyNames: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
        not: { anyOf: [{ pattern: '^[aA][wW][sS]:' }, { enum: ['eks:eks-cluster-name', 'karpenter.sh/nodepool', 'karpenter.sh/nodeclaim', 'karpenter.k8s.aws/ec2nodeclass'] }, { pattern: '^kubernetes\\.io/cluster' }] },
      },
      additionalProperties: { type: 'string', maxLength: 256 },
    });
    const kubelet = shapeSchema(KUBELET_SHAPE) as any;
    expect(kubelet.additionalProperties).toBe(false);
    expect(kubelet.properties.imageGCHighThresholdPercent).toEqual({ type: 'integer', minimum: 0, maximum: 100 });
    const ebs = (shapeSchema(BLOCK_DEVICE_MAPPINGS_SHAPE) as any).items.properties.ebs;
    expect(ebs.allOf).toEqual([
      { anyOf: [{ required: ['volumeSize'] }, { required: ['snapshotID'] }] },
      { if: { properties: { volumeType: { enum: ['standard', 'gp2', 'sc1', 'st1'] } }, required: ['volumeType'] }, then: { not: { anyOf: [{ required: ['iops'] }, { required: ['throughput'] }] } } },
      { if: { properties: { volumeType: { enum: ['io1', 'io2'] } }, required: ['volumeType'] }, then: { not: { anyOf: [{ required: ['throughput'] }] } } },
    ]);
  });
});

describe('EC2NodeClass: AMI selector terms and instance metadata (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go)', () => {
  test('a pinned alias, or tags with name and owner, and metadata options are written as given', () => {
    const chart = newChart();
    nodeClass({ amiSelectorTerms: [{ alias: 'al2023@v20240625' }], metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 2, httpTokens: 'required' } }, chart);
    const [ec2] = synth(chart) as any[];
    expect(ec2.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20240625' }]);
    expect(ec2.spec.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 2, httpTokens: 'required' });
    const byName = newChart();
    nodeClass({ amiSelectorTerms: [{ name: 'amazon-eks-node-al2023-x86_64-standard-1.33-*', owner: 'amazon' }, { tags: { team: 'ml' } }] }, byName);
    expect((synth(byName)[0] as any).spec.amiSelectorTerms).toEqual([{ name: 'amazon-eks-node-al2023-x86_64-standard-1.33-*', owner: 'amazon' }, { tags: { team: 'ml' } }]);
    // Without an alias Karpenter builds no RAID0: the existing warning says so.
    expect(warnings(byName)).toHaveLength(1);
  });

  const N = "[test/nvme] '";
  test.each<[string, Partial<KarpenterNvmeNodeClassProps>, string[]]>([
    ['no term', { amiSelectorTerms: [] }, [`${N}amiSelectorTerms' ([]) must be at least 1 item; add one`]],
    [
      'a family Karpenter has no alias for',
      { amiSelectorTerms: [{ alias: 'ubuntu@latest' }] },
      [`${N}amiSelectorTerms[0].alias' ("ubuntu@latest") must be an AMI alias family@version such as "al2023@latest" or "al2023@v20240625" (families al2, al2023, bottlerocket, and windows2019, windows2022 at "latest" only) and at most 30 characters; pin a version in production (al2023@v20240625): "latest" drifts every node when a new AMI is released`],
    ],
    [
      'an alias beside another term',
      { amiSelectorTerms: [{ alias: 'al2023@latest' }, { tags: { team: 'ml' } }] },
      [`${N}amiSelectorTerms' (2 terms) must be one term when a term has an alias; an alias names the AMI family and version by itself: drop the other terms`],
    ],
    [
      'an id beside tags',
      { amiSelectorTerms: [{ id: 'ami-0123456789abcdef0', tags: { team: 'ml' } }] },
      [`${N}amiSelectorTerms[0].id' ("ami-0123456789abcdef0") must be set alone (this object also sets tags); an alias or an id selects the AMI by itself: give it in a term of its own`],
    ],
    ['a Windows alias with RAID0', { amiSelectorTerms: [{ alias: 'windows2022@latest' }] }, [`${N}amiSelectorTerms' ("windows2022@latest") must be an al2, al2023 or bottlerocket alias with instanceStorePolicy RAID0; Karpenter builds the RAID0 for those families only: use al2023@latest`]],
    [
      'a hop limit above 64',
      { metadataOptions: { httpPutResponseHopLimit: 65 } },
      [`${N}metadataOptions.httpPutResponseHopLimit' (65) must be between 1 and 64; 1 keeps metadata (and the node role) from pods on the pod network; 2 lets them reach it`],
    ],
    ['IMDSv1 spelt "v1"', { metadataOptions: { httpTokens: 'v1' as never } }, [`${N}metadataOptions.httpTokens' ("v1") must be one of required, optional; "required" allows IMDSv2 only`]],
  ])('refuses %s', (_what, props, errors) => {
    const chart = newChart();
    nodeClass(props, chart);
    expect(synthErrors(chart)).toEqual(errors);
  });

  test('the shapes are the values\' schemas', () => {
    expect(shapeSchema(AMI_SELECTOR_TERMS_SHAPE)).toMatchObject({ type: 'array', minItems: 1, maxItems: 30 });
    expect(shapeSchema(METADATA_OPTIONS_SHAPE)).toMatchObject({ type: 'object', additionalProperties: false, properties: { httpPutResponseHopLimit: { type: 'integer', minimum: 1, maximum: 64 } } });
  });
});
