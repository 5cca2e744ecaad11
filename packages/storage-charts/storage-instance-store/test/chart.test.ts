import { UNMODELLED_KINDS, validateObjects } from '@strata/kube-schemas';
import { USES_ANNOTATION } from '@strata/helm';
import { parse } from 'yaml';
import InstanceStoreTierChart from '../src/chart';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { chartFixture, describeChartBasics, describeRoundTrip, literalErrors, schemaRefusal } from '@strata/chart-testing';
import {
  AMI_SELECTOR_TERMS_SHAPE,
  BLOCK_DEVICE_MAPPINGS_SHAPE,
  METADATA_OPTIONS_SHAPE,
  BUDGETS_SHAPE,
  KUBELET_SHAPE,
  SECURITY_GROUP_SELECTOR_TERMS_SHAPE,
  shapeProblems,
  SUBNET_SELECTOR_TERMS_SHAPE,
  TAGS_SHAPE,
  TEMPLATE_METADATA_SHAPE,
} from '@strata/storage';

const fixture = chartFixture(InstanceStoreTierChart, 'storage-instance-store', 'packages/storage-charts/storage-instance-store');
const { chart, files, dir, schema, helm } = fixture;
/** The names a release `nvme` in namespace `storage` gives its objects (`<namespace>-<release full name>-<suffix>`). */
const NVME_NODE_CLASS = 'storage-nvme-storage-instance-store-nvme';
const NVME_NODE_POOL = NVME_NODE_CLASS;
const NVME_GPU_NODE_POOL = 'storage-nvme-storage-instance-store-nvme-gpu';
const template = async (values?: Record<string, unknown>, release = 'nvme', namespace = 'storage') => parseManifests(await helm.template(dir, { releaseName: release, namespace, values }));
const of = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

/**
 * Karpenter's kinds have no schema model here (UNMODELLED_KINDS): their fields are checked
 * against the karpenter.k8s.aws/v1 and karpenter.sh/v1 CRDs by hand — required fields, enums,
 * and the shape of selector terms and requirements.
 */
function karpenterProblems(o: any): string[] {
  const out: string[] = [];
  const must = (ok: boolean, what: string) => {
    if (!ok) out.push(`${o.kind}/${o.metadata?.name}: ${what}`);
  };
  // An object name (DNS subdomain) that is also a label value: Karpenter labels each node with it (karpenter.sh/nodepool, karpenter.k8s.aws/ec2nodeclass).
  must(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(o.metadata?.name ?? '') && o.metadata.name.length <= 63, 'metadata.name is an object name of at most 63 characters');
  must(!('namespace' in (o.metadata ?? {})), 'cluster-scoped: no namespace');
  if (o.kind === 'EC2NodeClass') {
    must(o.apiVersion === 'karpenter.k8s.aws/v1', 'apiVersion karpenter.k8s.aws/v1');
    const s = o.spec ?? {};
    must(typeof s.role === 'string' && s.role.length > 0, 'spec.role set');
    // RAID0 (the only value of the enum), or left out by the Mount layout, whose userData is nodeadm's NodeConfig with strategy Mount.
    must(s.instanceStorePolicy === 'RAID0' || (s.instanceStorePolicy === undefined && /strategy: Mount/.test(s.userData ?? '')), 'spec.instanceStorePolicy is RAID0, or the Mount layout');
    must(Array.isArray(s.amiSelectorTerms) && s.amiSelectorTerms.length > 0, 'spec.amiSelectorTerms: at least one term');
    for (const f of ['subnetSelectorTerms', 'securityGroupSelectorTerms']) must(Array.isArray(s[f]) && s[f].length > 0, `spec.${f}: at least one term`);
    must(Object.keys(s).every((k) => ['amiSelectorTerms', 'blockDeviceMappings', 'instanceStorePolicy', 'kubelet', 'metadataOptions', 'role', 'securityGroupSelectorTerms', 'subnetSelectorTerms', 'tags', 'userData'].includes(k)), 'spec has known fields only');
    // Each settings field as the CRD checks it (the shapes of @strata/storage, written as the values' schemas).
    for (const [f, shape] of [['subnetSelectorTerms', SUBNET_SELECTOR_TERMS_SHAPE], ['securityGroupSelectorTerms', SECURITY_GROUP_SELECTOR_TERMS_SHAPE], ['tags', TAGS_SHAPE], ['kubelet', KUBELET_SHAPE], ['blockDeviceMappings', BLOCK_DEVICE_MAPPINGS_SHAPE], ['amiSelectorTerms', AMI_SELECTOR_TERMS_SHAPE], ['metadataOptions', METADATA_OPTIONS_SHAPE]] as const) {
      for (const p of shapeProblems(`spec.${f}`, s[f], shape)) out.push(`${o.kind}/${o.metadata?.name}: ${p}`);
    }
  } else if (o.kind === 'NodePool') {
    must(o.apiVersion === 'karpenter.sh/v1', 'apiVersion karpenter.sh/v1');
    // kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go (Disruption, Budget, NodeClaimTemplateSpec).
    const d = o.spec?.disruption ?? {};
    must(['WhenEmpty', 'WhenEmptyOrUnderutilized', 'Balanced'].includes(d.consolidationPolicy), 'spec.disruption.consolidationPolicy: known policy');
    must(/^(([0-9]+(s|m|h))+|Never)$/.test(d.consolidateAfter ?? ''), 'spec.disruption.consolidateAfter: required, a duration or Never');
    for (const b of d.budgets ?? []) {
      must(/^((100|[0-9]{1,2})%|[0-9]+)$/.test(b.nodes), `budget nodes ${b.nodes}: a count or a percentage`);
      must((b.reasons ?? []).every((r: string) => ['Underutilized', 'Empty', 'Drifted'].includes(r)), 'budget reasons: known reasons');
      must(('schedule' in b) === ('duration' in b), "budget: 'schedule' must be set with 'duration'");
    }
    for (const p of shapeProblems('spec.disruption.budgets', d.budgets, BUDGETS_SHAPE)) out.push(`${o.kind}/${o.metadata?.name}: ${p}`);
    must(o.spec?.weight === undefined || (Number.isInteger(o.spec.weight) && o.spec.weight >= 1 && o.spec.weight <= 100), 'spec.weight: 1 to 100 when set');
    for (const p of shapeProblems('spec.template.metadata', o.spec?.template?.metadata ?? undefined, TEMPLATE_METADATA_SHAPE)) out.push(`${o.kind}/${o.metadata?.name}: ${p}`);
    for (const [k, q] of Object.entries(o.spec?.limits ?? {})) must(typeof q === 'string' && /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.test(q), `limits.${k}: a quantity`);
    const s = o.spec?.template?.spec ?? {};
    must(/^(([0-9]+(s|m|h))+|Never)$/.test(s.expireAfter ?? ''), 'spec.template.spec.expireAfter: a duration or Never');
    must(s.terminationGracePeriod === undefined || /^([0-9]+(s|m|h))+$/.test(s.terminationGracePeriod), 'spec.template.spec.terminationGracePeriod: a duration');
    for (const t of [...(s.taints ?? []), ...(s.startupTaints ?? [])]) must(typeof t.key === 'string' && t.key.length > 0 && ['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect), `taint ${t.key}: key and known effect`);
    must(s.nodeClassRef?.group === 'karpenter.k8s.aws' && s.nodeClassRef?.kind === 'EC2NodeClass' && typeof s.nodeClassRef?.name === 'string', 'spec.template.spec.nodeClassRef names an EC2NodeClass');
    must(Array.isArray(s.requirements) && s.requirements.length > 0, 'requirements');
    for (const r of s.requirements ?? []) {
      must(typeof r.key === 'string' && OPERATORS.includes(r.operator), `requirement ${r.key}: known operator`);
      if (r.operator === 'Gt' || r.operator === 'Lt') must(Array.isArray(r.values) && r.values.length === 1 && /^-?[0-9]+$/.test(r.values[0]), `requirement ${r.key}: one integer string`);
      if (r.operator === 'In' || r.operator === 'NotIn') must(Array.isArray(r.values) && r.values.length > 0 && r.values.every((v: unknown) => typeof v === 'string'), `requirement ${r.key}: string values`);
      if (r.operator === 'Exists' || r.operator === 'DoesNotExist') must(r.values === undefined, `requirement ${r.key}: no values`);
    }
  } else out.push(`${o.kind}: not a Karpenter kind`);
  return out;
}

/** Every object valid: Kubernetes kinds against their schemas, Karpenter kinds field by field. */
function problems(objs: any[]): string[] {
  const karpenter = objs.filter((o) => UNMODELLED_KINDS.has(`${o.apiVersion}/${o.kind}`));
  return [...validateObjects(objs, { allowUnmodelled: true }), ...karpenter.flatMap(karpenterProblems)];
}

describe('storage-instance-store', () => {
  test('writes a chart named after its folder: an EC2NodeClass and two NodePools, and the local-volume layout (its node class, pool, StorageClass and provisioner)', () => {
    expect([...files.keys()]).toEqual([
      '.helmignore',
      'Chart.yaml',
      'README.md',
      'templates/NOTES.txt',
      'templates/_helpers.tpl',
      'templates/clusterrole-local-provisioner-role.yaml',
      'templates/clusterrolebinding-local-provisioner-role-binding.yaml',
      'templates/configmap-local-provisioner-config.yaml',
      'templates/daemonset-local-provisioner-daemon.yaml',
      'templates/ec2nodeclass-nvme-local.yaml',
      'templates/ec2nodeclass-nvme.yaml',
      'templates/nodepool-nvme-gpu.yaml',
      'templates/nodepool-nvme-local.yaml',
      'templates/nodepool-nvme.yaml',
      'templates/serviceaccount-local-provisioner-account.yaml',
      'templates/storageclass-local-nvme.yaml',
      'values.d.ts',
      'values.schema.json',
      'values.yaml',
    ]);
    const meta = parse(files.get('Chart.yaml')!);
    expect(meta.name).toBe('storage-instance-store');
    expect(meta.annotations[USES_ANNOTATION]).toBe('instance-store');
  });

  describeChartBasics(fixture);

  test('helm template with the defaults: the RAID0 EC2NodeClass and the NVMe NodePool, named after the release', async () => {
    const objs = await template();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([`EC2NodeClass/${NVME_NODE_CLASS}`, `NodePool/${NVME_NODE_POOL}`]);
    expect(problems(objs)).toEqual([]);
    // The schema models know the StorageClass; they do not know Karpenter (hence the field checks).
    expect(validateObjects(objs)).toEqual([`EC2NodeClass/${NVME_NODE_CLASS}: karpenter.k8s.aws/v1 EC2NodeClass has no schema model here`, `NodePool/${NVME_NODE_POOL}: karpenter.sh/v1 NodePool has no schema model here`]);

    const [nodeClass] = of(objs, 'EC2NodeClass');
    expect(nodeClass.spec).toEqual({
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      instanceStorePolicy: 'RAID0',
      role: 'KarpenterNodeRole-strata',
      securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata' } }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata' } }],
    });
    const [pool] = of(objs, 'NodePool');
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NVME_NODE_CLASS });
    expect(pool.spec.template.spec.requirements).toEqual([
      { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] },
      { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
      { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'DoesNotExist' },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
    ]);
    // Node-local data survives voluntary disruption (KarpenterNvmeNodePool's defaults).
    expect(pool.spec.disruption).toEqual({
      budgets: [{ nodes: '0', reasons: ['Drifted', 'Underutilized'] }, { nodes: '10%' }],
      consolidateAfter: '10m',
      consolidationPolicy: 'WhenEmpty',
    });
    expect(pool.spec.limits).toEqual({ cpu: '1000', memory: '4000Gi' });
    expect(pool.spec.template.spec).toMatchObject({ expireAfter: '720h', terminationGracePeriod: '2h' });
    expect(pool.spec.template.spec).not.toHaveProperty('taints');
    for (const o of objs) {
      expect(o.metadata).not.toHaveProperty('namespace');
      expect(o.metadata.annotations ?? {}).not.toHaveProperty('helm.sh/resource-policy');
    }
  });

  test('environment values reach the objects: discovery tag, node role, GPU pool, categories, NVMe size', async () => {
    const objs = await template({
      nodeClass: { nodeRole: 'KarpenterNodeRole-ml-prod', subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'ml-prod' } }] },
      nodePools: { cpu: { instanceCategories: ['i', 'm'], localNvmeGreaterThanGiB: 300 }, gpu: { enabled: true, localNvmeGreaterThanGiB: 1000 } },
    });
    expect(problems(objs)).toEqual([]);
    const [nodeClass] = of(objs, 'EC2NodeClass');
    expect(nodeClass.spec).toMatchObject({ role: 'KarpenterNodeRole-ml-prod', subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'ml-prod' } }] });
    const pools = Object.fromEntries(of(objs, 'NodePool').map((p) => [p.metadata.name, p.spec.template.spec.requirements]));
    expect(pools[NVME_NODE_POOL]).toEqual([
      { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['300'] },
      { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['i', 'm'] },
      { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'DoesNotExist' },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
    ]);
    expect(pools[NVME_GPU_NODE_POOL]).toEqual([
      { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['1000'] },
      { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['g', 'p'] },
      { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Exists' },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
    ]);
  });

  test('the settings platform teams set reach the EC2NodeClass and the NodePools; left at their defaults they write no field', async () => {
    const settings = {
      nodeClass: {
        subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }, { tags: { Tier: 'private' } }],
        securityGroupSelectorTerms: [{ name: 'eks-cluster-sg-ml' }],
        userData: '#!/bin/bash\necho hello\n',
        tags: { team: 'ml-platform' },
        kubelet: { maxPods: 110, kubeReserved: { cpu: '200m', memory: '1Gi' }, imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 80 },
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '50Gi', volumeType: 'gp3', encrypted: true } }],
      },
      nodePools: {
        cpu: {
          metadata: { labels: { 'example.com/pool': 'nvme' } },
          taints: [{ key: 'dedicated', value: 'nvme', effect: 'NoSchedule' }],
          startupTaints: [{ key: 'example.com/agent-not-ready', effect: 'NoExecute' }],
          weight: 10,
          disruption: { budgets: [{ nodes: '0', schedule: '0 9 * * 1-5', duration: '8h' }, { nodes: '20%' }] },
        },
      },
    };
    const [rendered, direct] = [await template(settings), chart.direct(settings, { name: 'nvme', namespace: 'storage' })];
    for (const objs of [rendered, direct]) {
      expect(problems(objs)).toEqual([]);
      const [nodeClass] = of(objs, 'EC2NodeClass');
      expect(nodeClass.spec).toMatchObject({ ...settings.nodeClass, instanceStorePolicy: 'RAID0' });
      const [pool] = of(objs, 'NodePool');
      expect(pool.spec.weight).toBe(10);
      expect(pool.spec.template.metadata).toEqual({ labels: { 'example.com/pool': 'nvme' } });
      expect(pool.spec.template.spec).toMatchObject({ taints: settings.nodePools.cpu.taints, startupTaints: settings.nodePools.cpu.startupTaints });
      expect(pool.spec.disruption.budgets).toEqual(settings.nodePools.cpu.disruption.budgets);
    }
    // Defaults: no empty field (an empty list or map would count as a change to Karpenter's drift hash).
    const [nodeClass] = of(await template(), 'EC2NodeClass');
    expect(Object.keys(nodeClass.spec).sort()).toEqual(['amiSelectorTerms', 'instanceStorePolicy', 'role', 'securityGroupSelectorTerms', 'subnetSelectorTerms']);
    const [pool] = of(await template(), 'NodePool');
    expect(pool.spec).not.toHaveProperty('weight');
    expect(Object.keys(pool.spec.template).sort()).toEqual(['spec']);
    expect(Object.keys(pool.spec.template.spec).sort()).toEqual(['expireAfter', 'nodeClassRef', 'requirements', 'terminationGracePeriod']);
  });

  test('known gaps: rules comparing two values or counting list items are checked at generate only (JSON Schema cannot state them); helm accepts them', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { nodeClass: { kubelet: { imageGCHighThresholdPercent: 70, imageGCLowThresholdPercent: 80 } } },
        "[storage-instance-store/NodeClass/EC2NodeClass] 'kubelet.imageGCHighThresholdPercent' (70) must be greater than imageGCLowThresholdPercent (80); garbage collection runs above the high mark and frees down to the low one",
      ],
      [
        { nodeClass: { enabled: false }, nodePools: { cpu: { enabled: false } }, localVolumes: { enabled: true, nodeClass: { blockDeviceMappings: [{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '20Gi' } }, { deviceName: '/dev/xvdb', rootVolume: true, ebs: { volumeSize: '20Gi' } }] } } },
        "[storage-instance-store/Local/EC2NodeClass] 'blockDeviceMappings' (rootVolume on [0], [1]) must have rootVolume on one mapping at most; kubelet has one root directory",
      ],
      [
        { nodeClass: { kubelet: { evictionSoft: { 'memory.available': '500Mi' } } } },
        "[storage-instance-store/NodeClass/EC2NodeClass] 'kubelet.evictionSoftGracePeriod' (no memory.available) must hold a grace period for every soft threshold (evictionSoft has memory.available); give memory.available its grace period, e.g. \"1m30s\"",
      ],
      [
        { nodeClass: { blockDeviceMappings: [{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '20Gi' } }, { deviceName: '/dev/xvdb', rootVolume: true, ebs: { volumeSize: '20Gi' } }] } },
        "[storage-instance-store/NodeClass/EC2NodeClass] 'blockDeviceMappings' (rootVolume on [0], [1]) must have rootVolume on one mapping at most; kubelet has one root directory",
      ],
    ];
    for (const [values, message] of cases) {
      expect((await template(values)).length).toBeGreaterThan(0);
      // The local-volume node class takes nodeClass.kubelet too: it says so of its own.
      expect(literalErrors(() => chart.direct(values)).filter((e) => !e.startsWith('[storage-instance-store/Local/') || !message.startsWith('[storage-instance-store/NodeClass/'))).toEqual([message]);
    }
  });

  test('the GPU pool: tainted nvidia.com/gpu=true:NoSchedule, GPU limit, on-demand, the same disruption settings', async () => {
    const objs = await template({ nodePools: { gpu: { enabled: true } } });
    expect(problems(objs)).toEqual([]);
    const gpu = of(objs, 'NodePool').find((p) => p.metadata.name === NVME_GPU_NODE_POOL);
    // GPU pods tolerate nvidia.com/gpu Exists NoSchedule (patterns' requestGpus); CPU pods stay off.
    expect(gpu.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(gpu.spec.limits).toEqual({ cpu: '1000', memory: '4000Gi', 'nvidia.com/gpu': '64' });
    expect(gpu.spec.template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] });
    expect(gpu.spec.disruption.consolidationPolicy).toBe('WhenEmpty');
  });

  test('disruption, lifetime, limits, capacity and the GPU taint are values', async () => {
    const objs = await template({
      nodePools: {
        cpu: {
          capacityTypes: ['on-demand', 'spot'],
          disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1h30m' },
          expireAfter: 'Never',
          terminationGracePeriod: '45m',
          limits: { cpu: '256', memory: '1Ti' },
        },
        gpu: { enabled: true, taints: [], limits: { gpu: '8' } },
      },
    });
    expect(problems(objs)).toEqual([]);
    const pools = Object.fromEntries(of(objs, 'NodePool').map((p) => [p.metadata.name, p.spec]));
    expect(pools[NVME_NODE_POOL].disruption).toMatchObject({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1h30m' });
    expect(pools[NVME_NODE_POOL].template.spec).toMatchObject({ expireAfter: 'Never', terminationGracePeriod: '45m' });
    expect(pools[NVME_NODE_POOL].template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] });
    expect(pools[NVME_NODE_POOL].limits).toEqual({ cpu: '256', memory: '1Ti' });
    expect(pools[NVME_GPU_NODE_POOL].template.spec.taints).toEqual([]);
    expect(pools[NVME_GPU_NODE_POOL].limits['nvidia.com/gpu']).toBe('8');
  });

  test('each part is switched by its own boolean value', async () => {
    const names = async (values: Record<string, unknown>) => (await template(values)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(await names({ nodePools: { cpu: { enabled: false }, gpu: { enabled: true } } })).toEqual([`EC2NodeClass/${NVME_NODE_CLASS}`, `NodePool/${NVME_GPU_NODE_POOL}`]);
    expect(await names({ nodeClass: { enabled: false }, nodePools: { cpu: { enabled: false } } })).toEqual([]);
  });

  test('installs any number of times in one cluster: two releases with default values never collide, in one namespace or two', async () => {
    const names = async (release: string, namespace: string) => (await template({ nodePools: { gpu: { enabled: true } } }, release, namespace)).map((o) => `${o.kind} /${o.metadata.name}`).sort();
    const all = await Promise.all([names('storage-instance-store', 'flux-system'), names('nvme-trn', 'flux-system'), names('storage-instance-store', 'kube-system')]);
    expect(all[0]).toEqual([
      'EC2NodeClass /flux-system-storage-instance-store-nvme',
      'NodePool /flux-system-storage-instance-store-nvme',
      'NodePool /flux-system-storage-instance-store-nvme-gpu',
    ]);
    expect(new Set(all.flat()).size).toBe(all.flat().length);
  });

  test('name values keep the names a cluster has (a renamed NodePool is deleted, and Karpenter drains its nodes); the pools follow their EC2NodeClass', async () => {
    const objs = await template({ nodeClass: { name: 'strata-nvme' }, nodePools: { cpu: { name: 'strata-nvme' }, gpu: { enabled: true, name: 'strata-nvme-gpu' } } });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['EC2NodeClass/strata-nvme', 'NodePool/strata-nvme', 'NodePool/strata-nvme-gpu']);
    for (const p of of(objs, 'NodePool')) expect(p.spec.template.spec.nodeClassRef.name).toBe('strata-nvme');
  });

  test('"a NodePool needs its EC2NodeClass" is an if/then conditional of values.schema.json', () => {
    expect(schema.allOf.map(({ $comment: _c, ...rule }: any) => rule)).toEqual(
      ['cpu', 'gpu'].map((pool) => ({
        if: { properties: { nodePools: { properties: { [pool]: { properties: { enabled: { enum: [true] } }, required: ['enabled'] } }, required: [pool] } }, required: ['nodePools'] },
        then: { properties: { nodeClass: { properties: { enabled: { enum: [true] } }, required: ['enabled'] } }, required: ['nodeClass'] },
      })),
    );
  });

  test('AMI terms and instance metadata are values: at their defaults the spec is as before (al2023@latest, no metadataOptions), set they reach both node classes as the layout allows', async () => {
    const [byDefault] = of(await template(), 'EC2NodeClass');
    expect(byDefault.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@latest' }]);
    expect(byDefault.spec).not.toHaveProperty('metadataOptions');
    const objs = await template({ nodeClass: { amiSelectorTerms: [{ alias: 'al2023@v20240625' }], metadataOptions: { httpPutResponseHopLimit: 2, httpTokens: 'required' } }, localVolumes: { enabled: true } });
    expect(problems(objs)).toEqual([]);
    const [raid0, local] = [NVME_NODE_CLASS, 'storage-nvme-storage-instance-store-nvme-local'].map((n) => of(objs, 'EC2NodeClass').find((o) => o.metadata.name === n));
    expect(raid0.spec).toMatchObject({ amiSelectorTerms: [{ alias: 'al2023@v20240625' }], metadataOptions: { httpPutResponseHopLimit: 2, httpTokens: 'required' } });
    // The Mount layout is AL2023's nodeadm: its node class keeps al2023@latest, and takes the metadata options.
    expect(local.spec).toMatchObject({ amiSelectorTerms: [{ alias: 'al2023@latest' }], metadataOptions: { httpPutResponseHopLimit: 2, httpTokens: 'required' } });
    // Rules JSON Schema cannot state, at generate only: an alias beside another term.
    const values = { nodeClass: { amiSelectorTerms: [{ alias: 'al2023@latest' }, { tags: { team: 'ml' } }] } };
    expect((await template(values)).length).toBeGreaterThan(0);
    expect(literalErrors(() => chart.direct(values))).toEqual(["[storage-instance-store/NodeClass/EC2NodeClass] 'amiSelectorTerms' (2 terms) must be one term when a term has an alias; an alias names the AMI family and version by itself: drop the other terms"]);
  });

  describe('local volumes (localVolumes.enabled)', () => {
    const LOCAL = 'storage-nvme-storage-instance-store-local-nvme';
    const LOCAL_POOL = 'storage-nvme-storage-instance-store-nvme-local';
    const local = (objs: any[]) => objs.filter((o) => !['EC2NodeClass', 'NodePool'].includes(o.kind) || o.metadata.name.endsWith('-nvme-local'));

    test('off by default: the default release makes no local node class, pool, class or provisioner', async () => {
      const objs = await template();
      expect(objs.filter((o) => /local/.test(o.metadata.name))).toEqual([]);
    });

    test('helm template of the layout: Mount node class, its NodePool with the provisioner\'s startup taint, the no-provisioner class bound at first consumer on that pool, and the provisioner on it', async () => {
      const objs = await template({ localVolumes: { enabled: true } });
      expect(problems(objs)).toEqual([]);
      expect(local(objs).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ClusterRole/storage-nvme-storage-instance-store-local-provisioner-role',
        'ClusterRoleBinding/storage-nvme-storage-instance-st-local-provisioner-role-binding',
        'ConfigMap/nvme-storage-instance-store-local-provisioner-config',
        'DaemonSet/nvme-storage-instance-store-local-provisioner-daemon',
        `EC2NodeClass/${LOCAL_POOL}`,
        `NodePool/${LOCAL_POOL}`,
        'ServiceAccount/nvme-storage-instance-store-local-provisioner-account',
        `StorageClass/${LOCAL}`,
      ]);
      const nodeClass = of(objs, 'EC2NodeClass').find((o) => o.metadata.name === LOCAL_POOL);
      // No instanceStorePolicy: nodeadm mounts each disk at /mnt/k8s-disks/1..N; the shared settings are nodeClass's.
      expect(nodeClass.spec).toEqual({
        amiSelectorTerms: [{ alias: 'al2023@latest' }],
        role: 'KarpenterNodeRole-strata',
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata' } }],
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata' } }],
        userData: 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  instance:\n    localStorage:\n      strategy: Mount\n',
      });
      const pool = of(objs, 'NodePool').find((o) => o.metadata.name === LOCAL_POOL);
      expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: LOCAL_POOL });
      expect(pool.spec.template.spec.requirements).toEqual([
        { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] },
        { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'i', 'm', 'r'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      ]);
      expect(pool.spec.template.spec.startupTaints).toEqual([{ key: 'sig-storage-local-static-provisioner/agent-not-ready', effect: 'NoSchedule' }]);
      expect(pool.spec.disruption).toEqual({ budgets: [{ nodes: '0', reasons: ['Drifted', 'Underutilized'] }, { nodes: '10%' }], consolidateAfter: '10m', consolidationPolicy: 'WhenEmpty' });
      const [sc] = of(objs, 'StorageClass');
      expect(sc).toMatchObject({
        metadata: { name: LOCAL },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
        allowedTopologies: [{ matchLabelExpressions: [{ key: 'karpenter.sh/nodepool', values: [LOCAL_POOL] }] }],
      });
      const [cm] = of(objs, 'ConfigMap');
      expect(cm.data).toEqual({
        provisionerNotReadyNodeTaintKey: 'sig-storage-local-static-provisioner/agent-not-ready',
        removeNodeNotReadyTaint: 'true',
        setPVOwnerRef: 'true',
        storageClassMap: `${LOCAL}:\n  hostDir: /mnt/k8s-disks\n  mountDir: /mnt/k8s-disks\n  volumeMode: Filesystem\n  accessMode: ReadWriteOnce\n`,
      });
      const [ds] = of(objs, 'DaemonSet');
      const spec = ds.spec.template.spec;
      expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'karpenter.sh/nodepool': LOCAL_POOL });
      expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
      expect(spec.serviceAccountName).toBe('nvme-storage-instance-store-local-provisioner-account');
      expect(spec.containers[0]).toMatchObject({ image: 'registry.k8s.io/sig-storage/local-volume-provisioner:v2.9.0', securityContext: { privileged: true } });
      expect(spec.containers[0].volumeMounts).toEqual([
        { name: 'provisioner-config', mountPath: '/etc/provisioner/config', readOnly: true },
        { name: 'provisioner-dev', mountPath: '/dev' },
        { name: 'discovery', mountPath: '/mnt/k8s-disks', mountPropagation: 'HostToContainer' },
      ]);
      expect(spec.volumes).toEqual([
        { name: 'provisioner-config', configMap: { name: cm.metadata.name } },
        { name: 'provisioner-dev', hostPath: { path: '/dev' } },
        { name: 'discovery', hostPath: { path: '/mnt/k8s-disks' } },
      ]);
      expect(ds.spec.selector.matchLabels).toMatchObject({ 'app.kubernetes.io/component': 'local-static-provisioner', 'app.kubernetes.io/instance': 'nvme' });
      const [binding] = of(objs, 'ClusterRoleBinding');
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: spec.serviceAccountName, namespace: 'storage' }]);
      expect(binding.roleRef.name).toBe(of(objs, 'ClusterRole')[0].metadata.name);
      expect(of(objs, 'ClusterRole')[0].rules.find((r: any) => r.resources.includes('persistentvolumes')).verbs).toEqual(['get', 'list', 'watch', 'create', 'delete']);
    });

    test('custom values: class name, Retain, image, pool settings and root volume reach the objects', async () => {
      const objs = await template({
        localVolumes: {
          enabled: true,
          storageClassName: 'strata-local-nvme',
          reclaimPolicy: 'Retain',
          provisioner: { image: 'registry.example.com/local-volume-provisioner:v2.9.0' },
          nodeClass: { name: 'strata-nvme-local', blockDeviceMappings: [{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '200Gi', volumeType: 'gp3' } }] },
          nodePool: { name: 'strata-nvme-local', instanceCategories: ['i'], capacityTypes: ['spot'], limits: { cpu: '64' } },
        },
      });
      expect(problems(objs)).toEqual([]);
      const [sc] = of(objs, 'StorageClass');
      expect(sc).toMatchObject({ metadata: { name: 'strata-local-nvme' }, reclaimPolicy: 'Retain', allowedTopologies: [{ matchLabelExpressions: [{ key: 'karpenter.sh/nodepool', values: ['strata-nvme-local'] }] }] });
      expect(of(objs, 'ConfigMap')[0].data.storageClassMap).toMatch(/^strata-local-nvme:\n/);
      expect(of(objs, 'DaemonSet')[0].spec.template.spec.containers[0].image).toBe('registry.example.com/local-volume-provisioner:v2.9.0');
      expect(of(objs, 'DaemonSet')[0].spec.template.spec.nodeSelector['karpenter.sh/nodepool']).toBe('strata-nvme-local');
      const nodeClass = of(objs, 'EC2NodeClass').find((o) => o.metadata.name === 'strata-nvme-local');
      expect(nodeClass.spec.blockDeviceMappings).toEqual([{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '200Gi', volumeType: 'gp3' } }]);
      const pool = of(objs, 'NodePool').find((o) => o.metadata.name === 'strata-nvme-local');
      expect(pool.spec.template.spec.nodeClassRef.name).toBe('strata-nvme-local');
      expect(pool.spec.limits).toEqual({ cpu: '64', memory: '4000Gi' });
      expect(pool.spec.template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] });
    });

    test('two releases with local volumes never collide: every cluster-scoped name is the release\'s', async () => {
      const a = await template({ localVolumes: { enabled: true } }, 'a');
      const b = await template({ localVolumes: { enabled: true } }, 'b');
      const cluster = (objs: any[]) => objs.filter((o) => !o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(cluster(a).filter((n) => cluster(b).includes(n))).toEqual([]);
    });

    test('the local node class and provisioner alone, without the RAID0 parts', async () => {
      const objs = await template({ nodeClass: { enabled: false }, nodePools: { cpu: { enabled: false } }, localVolumes: { enabled: true } });
      expect(objs.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'EC2NodeClass', 'NodePool', 'ServiceAccount', 'StorageClass']);
    });
  });

  describeRoundTrip(fixture, { releases: ['nvme', 'storage-instance-store', 'x'.repeat(50)], problems });

  test.each([
    ['the CPU NodePool without the EC2NodeClass', { nodeClass: { enabled: false } }, 'nodeClass.enabled: nodeClass.enabled must be one of the following: true', true],
    ['the GPU NodePool without the EC2NodeClass', { nodeClass: { enabled: false }, nodePools: { cpu: { enabled: false }, gpu: { enabled: true } } }, 'nodeClass.enabled: nodeClass.enabled must be one of the following: true', true],
    ['no subnet term', { nodeClass: { subnetSelectorTerms: [] } }, 'nodeClass.subnetSelectorTerms: Array must have at least 1 items', true],
    ['a subnet id beside tags', { nodeClass: { subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0', tags: { a: 'b' } }] } }, 'nodeClass.subnetSelectorTerms.0: Must not validate the schema (not)', true],
    ['a subnet term with neither tags nor id', { nodeClass: { subnetSelectorTerms: [{}] } }, 'nodeClass.subnetSelectorTerms.0: Must validate at least one schema (anyOf)', true],
    ['a security group term by name and id', { nodeClass: { securityGroupSelectorTerms: [{ name: 'ml', id: 'sg-0123456789abcdef0' }] } }, 'nodeClass.securityGroupSelectorTerms.0: Must not validate the schema (not)', true],
    ['a security group id of another kind', { nodeClass: { securityGroupSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }] } }, 'nodeClass.securityGroupSelectorTerms.0.id: Does not match pattern', true],
    ['a tag Karpenter sets itself', { nodeClass: { tags: { 'karpenter.sh/nodepool': 'x' } } }, 'nodeClass.tags: Must not validate the schema (not)', true],
    ['a cluster tag', { nodeClass: { tags: { 'kubernetes.io/cluster/ml': 'owned' } } }, 'nodeClass.tags: Must not validate the schema (not)', true],
    ['a kubelet reservation of GPUs', { nodeClass: { kubelet: { kubeReserved: { 'nvidia.com/gpu': '1' } } } }, 'nodeClass.kubelet.kubeReserved: nodeClass.kubelet.kubeReserved must be one of the following: "cpu", "memory", "ephemeral-storage", "pid"', true],
    ['an unknown eviction signal', { nodeClass: { kubelet: { evictionHard: { 'cpu.available': '10%' } } } }, 'must be one of the following: "memory.available"', true],
    ['a kubelet field Karpenter does not offer', { nodeClass: { kubelet: { shutdownGracePeriod: '30s' } } }, 'Additional property shutdownGracePeriod is not allowed', true],
    ['an image GC threshold above 100', { nodeClass: { kubelet: { imageGCHighThresholdPercent: 120 } } }, 'nodeClass.kubelet.imageGCHighThresholdPercent: Must be less than or equal to 100', true],
    ['an EBS volume without size or snapshot', { nodeClass: { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3' } }] } }, 'nodeClass.blockDeviceMappings.0.ebs: Must validate at least one schema (anyOf)', true],
    ['a volume size "100GB"', { nodeClass: { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100GB' } }] } }, 'nodeClass.blockDeviceMappings.0.ebs.volumeSize: Does not match pattern', true],
    ['IOPS on gp2', { nodeClass: { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp2', iops: 3000 } }] } }, 'nodeClass.blockDeviceMappings.0.ebs: Must not validate the schema (not)', true],
    ['userData as a map', { nodeClass: { userData: { spec: {} } } }, 'nodeClass.userData: Invalid type. Expected: string, given: object', false],
    ['a node label key with a space', { nodePools: { cpu: { metadata: { labels: { 'Team Name': 'ml' } } } } }, 'nodePools.cpu.metadata.labels: Does not match pattern', true],
    ['a node label in the karpenter.sh domain', { nodePools: { cpu: { metadata: { labels: { 'karpenter.sh/nodepool': 'x' } } } } }, 'nodePools.cpu.metadata.labels: Must not validate the schema (not)', true],
    ['the hostname label', { nodePools: { gpu: { metadata: { labels: { 'kubernetes.io/hostname': 'x' } } } } }, 'nodePools.gpu.metadata.labels: Must not validate the schema (not)', true],
    ['a weight above 100', { nodePools: { gpu: { weight: 101 } } }, 'nodePools.gpu.weight: Must be less than or equal to 100', false],
    ['a budget without nodes', { nodePools: { cpu: { disruption: { budgets: [{ reasons: ['Drifted'] }] } } } }, 'nodePools.cpu.disruption.budgets.0: nodes is required', true],
    ['a scheduled budget without duration', { nodePools: { cpu: { disruption: { budgets: [{ nodes: '0', schedule: '@daily' }] } } } }, 'nodePools.cpu.disruption.budgets.0: duration is required', true],
    ['a budget duration in seconds', { nodePools: { cpu: { disruption: { budgets: [{ nodes: '0', schedule: '@daily', duration: '90s' }] } } } }, 'nodePools.cpu.disruption.budgets.0.duration: Does not match pattern', true],
    ['a CPU pool taint without effect', { nodePools: { cpu: { taints: [{ key: 'dedicated' }] } } }, 'nodePools.cpu.taints.0: effect is required', true],
    ['a startup taint with effect Never', { nodePools: { cpu: { startupTaints: [{ key: 'agent-not-ready', effect: 'Never' }] } } }, 'nodePools.cpu.startupTaints.0.effect: nodePools.cpu.startupTaints.0.effect must be one of the following: "NoSchedule", "PreferNoSchedule", "NoExecute"', true],
    ['a role ARN for the role name', { nodeClass: { nodeRole: 'arn:aws:iam::123456789012:role/KarpenterNodeRole' } }, 'nodeClass.nodeRole: Does not match pattern', false],
    ['no instance categories', { nodePools: { cpu: { instanceCategories: [] } } }, 'nodePools.cpu.instanceCategories: Array must have at least 1 items', false],
    ['an upper-case instance category', { nodePools: { gpu: { instanceCategories: ['G'] } } }, 'nodePools.gpu.instanceCategories.0: Does not match pattern', false],
    ['instance categories as a string', { nodePools: { cpu: { instanceCategories: 'c,m' } } }, 'nodePools.cpu.instanceCategories: Invalid type. Expected: array, given: string', false],
    ['a negative NVMe size', { nodePools: { cpu: { localNvmeGreaterThanGiB: -1 } } }, 'nodePools.cpu.localNvmeGreaterThanGiB: Must be greater than or equal to 0', false],
    ['a fractional NVMe size', { nodePools: { cpu: { localNvmeGreaterThanGiB: 1.5 } } }, 'nodePools.cpu.localNvmeGreaterThanGiB: Invalid type. Expected: integer, given: number', false],
    ['a switch given as a string', { nodeClass: { enabled: 'yes' } }, 'nodeClass.enabled: Invalid type. Expected: boolean, given: string', false],
    ['the local StorageClass this chart no longer makes', { localStorageClass: { enabled: true } }, 'Additional property localStorageClass is not allowed', false],
    ['a NodePool name Kubernetes refuses', { nodePools: { gpu: { name: 'Strata_GPU' } } }, 'nodePools.gpu.name: Does not match pattern', false],
    ['an instance store policy other than RAID0', { nodeClass: { instanceStorePolicy: 'RAID10' } }, 'nodeClass: Additional property instanceStorePolicy is not allowed', false],
    ['consolidation policy Balanced', { nodePools: { cpu: { disruption: { consolidationPolicy: 'Balanced' } } } }, 'nodePools.cpu.disruption.consolidationPolicy: nodePools.cpu.disruption.consolidationPolicy must be one of the following: "WhenEmpty", "WhenEmptyOrUnderutilized"', true],
    ['consolidateAfter "10 minutes"', { nodePools: { cpu: { disruption: { consolidateAfter: '10 minutes' } } } }, "nodePools.cpu.disruption.consolidateAfter: Does not match pattern '^(([0-9]+(s|m|h))+|Never)$'", true],
    ['expireAfter "30d"', { nodePools: { gpu: { expireAfter: '30d' } } }, "nodePools.gpu.expireAfter: Does not match pattern '^(([0-9]+(s|m|h))+|Never)$'", true],
    ['terminationGracePeriod Never', { nodePools: { cpu: { terminationGracePeriod: 'Never' } } }, "nodePools.cpu.terminationGracePeriod: Does not match pattern '^([0-9]+(s|m|h))+$'", true],
    ['no capacity type', { nodePools: { cpu: { capacityTypes: [] } } }, 'nodePools.cpu.capacityTypes: Array must have at least 1 items', true],
    ['capacity type reserved', { nodePools: { gpu: { capacityTypes: ['reserved'] } } }, 'nodePools.gpu.capacityTypes.0: nodePools.gpu.capacityTypes.0 must be one of the following: "on-demand", "spot"', true],
    ['a memory limit "4 TB"', { nodePools: { cpu: { limits: { memory: '4 TB' } } } }, 'nodePools.cpu.limits.memory: Does not match pattern', true],
    ['a GPU limit as a number', { nodePools: { gpu: { limits: { gpu: 64 } } } }, 'nodePools.gpu.limits.gpu: Invalid type. Expected: string, given: integer', false],
    ['a GPU taint with effect Never', { nodePools: { gpu: { enabled: true, taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'Never' }] } } }, 'nodePools.gpu.taints.0.effect: nodePools.gpu.taints.0.effect must be one of the following: "NoSchedule", "PreferNoSchedule", "NoExecute"', true],
    ['a GPU taint without key', { nodePools: { gpu: { enabled: true, taints: [{ effect: 'NoSchedule' }] } } }, 'nodePools.gpu.taints.0: key is required', true],
    ['a GPU taint switched off with false', { nodePools: { gpu: { taints: false } } }, 'nodePools.gpu.taints: Invalid type. Expected: array, given: boolean', false],
    ['an AMI family Karpenter has no alias for', { nodeClass: { amiSelectorTerms: [{ alias: 'ubuntu@latest' }] } }, 'nodeClass.amiSelectorTerms.0.alias: Does not match pattern', true],
    ['a Windows AMI pinned to a version', { nodeClass: { amiSelectorTerms: [{ alias: 'windows2022@v1' }] } }, 'nodeClass.amiSelectorTerms.0.alias: Does not match pattern', true],
    ['an AMI id beside tags', { nodeClass: { amiSelectorTerms: [{ id: 'ami-0123456789abcdef0', tags: { team: 'ml' } }] } }, 'nodeClass.amiSelectorTerms.0: Must not validate the schema (not)', true],
    ['no AMI term', { nodeClass: { amiSelectorTerms: [] } }, 'nodeClass.amiSelectorTerms: Array must have at least 1 items', true],
    ['a metadata hop limit of 65', { nodeClass: { metadataOptions: { httpPutResponseHopLimit: 65 } } }, 'nodeClass.metadataOptions.httpPutResponseHopLimit: Must be less than or equal to 64', true],
    ['metadata tokens "v1"', { nodeClass: { metadataOptions: { httpTokens: 'v1' } } }, 'nodeClass.metadataOptions.httpTokens: nodeClass.metadataOptions.httpTokens must be one of the following: "required", "optional"', true],
    ['a metadata field Karpenter does not have', { nodeClass: { metadataOptions: { instanceMetadataTags: 'enabled' } } }, 'Additional property instanceMetadataTags is not allowed', true],
    ['local volumes reclaimed by Recycle', { localVolumes: { enabled: true, reclaimPolicy: 'Recycle' } }, 'localVolumes.reclaimPolicy: localVolumes.reclaimPolicy must be one of the following: "Delete", "Retain"', false],
    ['a local StorageClass name Kubernetes refuses', { localVolumes: { enabled: true, storageClassName: 'Local_NVMe' } }, 'localVolumes.storageClassName: Does not match pattern', false],
    ['a local-volume node class name over 63 characters', { localVolumes: { enabled: true, nodeClass: { name: 'x'.repeat(64) } } }, 'localVolumes.nodeClass.name: String length must be less than or equal to 63', false],
    ['an empty provisioner image', { localVolumes: { enabled: true, provisioner: { image: '' } } }, 'localVolumes.provisioner.image: String length must be greater than or equal to 1', false],
    ['a local pool on Spot given as a string', { localVolumes: { enabled: true, nodePool: { capacityTypes: 'spot' } } }, 'localVolumes.nodePool.capacityTypes: Invalid type. Expected: array, given: string', false],
    ['a local pool startup taint without effect', { localVolumes: { enabled: true, nodePool: { startupTaints: [{ key: 'x' }] } } }, 'localVolumes.nodePool.startupTaints.0: effect is required', true],
  ])('helm refuses %s through the schema', async (_what, values, message, literalAlso) => {
    const stderr = schemaRefusal(await helm.template(dir, { releaseName: 'nvme', namespace: 'storage', values }).catch((e: unknown) => e));
    expect(stderr).toContain(message);
    if (literalAlso) expect(literalErrors(() => chart.direct(values))).not.toEqual([]);
  });
});
