/**
 * Local PersistentVolumes on instance store (issue 16): nodes whose disks are mounted one per
 * directory (KarpenterDiskLayout.MOUNT) and the local static provisioner on them
 * (kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0), its class claimed with
 * InstanceStore.localVolume.
 */
import { Size } from 'cdk8s';
import {
  InstanceStore,
  KarpenterDiskLayout,
  KarpenterNvmeNodeClass,
  KarpenterNvmeNodeClassProps,
  KarpenterNvmeNodePool,
  LocalStaticProvisioner,
  LocalStorageStrategy,
  MOUNT_LAYOUT_USER_DATA,
  ReclaimPolicy,
} from '../src';
import { newChart, synth, synthErrors, synthValid, warnings } from './testing';

const base: KarpenterNvmeNodeClassProps = { role: 'KarpenterNodeRole-ml', clusterName: 'ml', diskLayout: KarpenterDiskLayout.MOUNT };

describe('EC2NodeClass with diskLayout Mount', () => {
  test('no instanceStorePolicy; userData is the nodeadm NodeConfig that mounts each disk (strategy Mount)', () => {
    const chart = newChart();
    const nc = new KarpenterNvmeNodeClass(chart, 'local', base);
    const [ec2] = synth(chart) as any[];
    expect(nc.instanceStorePolicy).toBeUndefined();
    expect(ec2.spec).toEqual({
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      role: 'KarpenterNodeRole-ml',
      securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'ml' } }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'ml' } }],
      userData: MOUNT_LAYOUT_USER_DATA,
    });
    expect(MOUNT_LAYOUT_USER_DATA).toBe('apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  instance:\n    localStorage:\n      strategy: Mount\n');
    expect(warnings(chart)).toEqual([]);
  });

  test('the default layout is RAID0, unchanged', () => {
    const chart = newChart();
    const nc = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
    expect(nc.diskLayout).toBe(KarpenterDiskLayout.RAID0);
    expect((synth(chart)[0] as any).spec.instanceStorePolicy).toBe('RAID0');
  });

  test.each<[string, Partial<KarpenterNvmeNodeClassProps>, string[]]>([
    ['instanceStorePolicy RAID0 with Mount', { instanceStorePolicy: 'RAID0' }, ["[test/local] 'instanceStorePolicy' (\"RAID0\") must be left out with diskLayout Mount; Karpenter's RAID0 puts every disk under kubelet and leaves none to mount: drop instanceStorePolicy, or use diskLayout RAID0"]],
    ['userData with Mount', { userData: '#!/bin/bash\necho hi\n' }, ["[test/local] 'userData' (\"set\") must be left out with diskLayout Mount; the node class writes the nodeadm NodeConfig that mounts each disk itself; give further node settings to a node class of the RAID0 layout, or to your AMI"]],
    ['Bottlerocket with Mount', { amiSelectorTerms: [{ alias: 'bottlerocket@latest' }] }, ["[test/local] 'amiSelectorTerms' (\"bottlerocket@latest\") must be an al2023 alias with diskLayout Mount; the disks are mounted by a nodeadm NodeConfig, which only AL2023 reads: use al2023@latest"]],
    ['an unknown layout', { diskLayout: 'RAID10' as KarpenterDiskLayout }, ["[test/local] 'diskLayout' (\"RAID10\") must be one of RAID0, Mount; RAID0 for emptyDir scratch on NVMe, Mount for local PersistentVolumes"]],
  ])('refuses %s', (_what, props, errors) => {
    const chart = newChart();
    new KarpenterNvmeNodeClass(chart, 'local', { ...base, ...props } as KarpenterNvmeNodeClassProps);
    expect(synthErrors(chart)).toEqual(errors);
  });

  test('a custom AMI (no alias) is warned: it must mount the disks itself', () => {
    const chart = newChart();
    new KarpenterNvmeNodeClass(chart, 'local', { ...base, amiSelectorTerms: [{ id: 'ami-0123456789abcdef0' }] });
    synth(chart);
    expect(warnings(chart)).toEqual([
      "[test/local] 'amiSelectorTerms' ([{\"id\":\"ami-0123456789abcdef0\"}]) must be an al2023 alias with diskLayout Mount; the disks are mounted by a nodeadm NodeConfig: a custom AMI must run nodeadm (AL2023) or mount them itself under /mnt/k8s-disks/",
    ]);
  });

  test('a NodePool of Mount nodes without a local NVMe requirement is warned: no disk, no volume', () => {
    const chart = newChart();
    const nodeClass = new KarpenterNvmeNodeClass(chart, 'local', base);
    new KarpenterNvmeNodePool(chart, 'pool', { nodeClass, requirements: [{ key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['i'] }] });
    synth(chart);
    expect(warnings(chart)).toEqual([
      "[test/pool] 'requirements' ([\"karpenter.k8s.aws/instance-category\"]) must be a karpenter.k8s.aws/instance-local-nvme requirement with diskLayout Mount; instance types without local NVMe have no disk to mount, and the local static provisioner makes no volume there: add KarpenterNvmeNodePool.localNvmeRequirement()",
    ]);
  });
});

describe('LocalStaticProvisioner', () => {
  test('the class, the provisioner and its permissions; valid objects; claims of the class pass InstanceStore.localVolume', () => {
    const chart = newChart('storage');
    const p = new LocalStaticProvisioner(chart, 'lsp', { storageClassName: 'local-nvme', nodePoolName: 'nvme-local', namespace: 'storage' });
    InstanceStore.localVolume(chart, 'shard', { storageClass: p.storageClass, size: Size.gibibytes(800), localStorageStrategy: LocalStorageStrategy.MOUNT });
    const objs = synthValid(chart) as any[];
    expect(objs.map((o) => o.kind)).toEqual(['StorageClass', 'ServiceAccount', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'PersistentVolumeClaim']);
    const [sc] = objs;
    expect(sc).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'local-nvme' },
      provisioner: 'kubernetes.io/no-provisioner',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'karpenter.sh/nodepool', values: ['nvme-local'] }] }],
    });
    expect(objs[4].subjects).toEqual([{ kind: 'ServiceAccount', name: objs[1].metadata.name, namespace: 'storage' }]);
    for (const o of objs.filter((x) => ['ClusterRole', 'ClusterRoleBinding', 'StorageClass'].includes(x.kind))) expect(o.metadata).not.toHaveProperty('namespace');
    expect(objs[6].spec.storageClassName).toBe('local-nvme');
  });

  test('Retain, another discovery directory and image are written', () => {
    const chart = newChart('storage');
    new LocalStaticProvisioner(chart, 'lsp', { storageClassName: 'local-nvme', nodePoolName: 'p', namespace: 'storage', reclaimPolicy: ReclaimPolicy.RETAIN, discoveryDir: '/mnt/disks', image: 'example.com/lvp:v2.9.0' });
    const objs = synth(chart) as any[];
    expect(objs[0].reclaimPolicy).toBe('Retain');
    expect(objs[2].data.storageClassMap).toBe('local-nvme:\n  hostDir: /mnt/disks\n  mountDir: /mnt/disks\n  volumeMode: Filesystem\n  accessMode: ReadWriteOnce\n');
    expect(objs[5].spec.template.spec.containers[0].image).toBe('example.com/lvp:v2.9.0');
    expect(objs[5].spec.template.spec.volumes[2]).toEqual({ name: 'discovery', hostPath: { path: '/mnt/disks' } });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['no class name', { storageClassName: '' }, ["[test/lsp] 'storageClassName' (\"\") must be the class of the local volumes; e.g. \"local-nvme\""]],
    ['no node pool', { nodePoolName: '' }, ["[test/lsp] 'nodePoolName' (\"\") must be the NodePool of the nodes whose disks are mounted one per directory; a KarpenterNvmeNodePool on a node class with diskLayout Mount"]],
    ['a relative discovery directory', { discoveryDir: 'mnt/k8s-disks' }, ["[test/lsp] 'discoveryDir' (\"mnt/k8s-disks\") must be an absolute node path; e.g. \"/mnt/k8s-disks\""]],
    ['reclaim policy Recycle', { reclaimPolicy: 'Recycle' }, ["[test/lsp] 'reclaimPolicy' (\"Recycle\") must be one of Retain, Delete; Delete lets the provisioner wipe and offer a released disk again; Retain keeps it for a person to delete"]],
    ['no namespace outside a release', { namespace: undefined }, ["[test/lsp] 'namespace' (not set) must be the namespace of the provisioner; set namespace, or make the provisioner inside a released chart"]],
  ])('refuses %s', (_what, props, errors) => {
    const chart = newChart('storage');
    new LocalStaticProvisioner(chart, 'lsp', { storageClassName: 'local-nvme', nodePoolName: 'nvme-local', namespace: 'storage', ...props } as never);
    expect(synthErrors(chart)).toEqual(errors);
  });
});
