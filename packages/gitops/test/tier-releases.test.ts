/**
 * An environment binds several classes of one tier (issue 16): several releases of a tier chart,
 * each with its own values and class; claims choose theirs by name; the driver is installed once.
 * Tier detection keys on what a claim really names: a chart's own class installs no tier chart.
 */
import { join } from 'node:path';
import { Helm, PROVISIONING_SECONDS } from '@strata/helm';
import { defineEnvironment, EnvironmentDefinition, environmentFiles, planEnvironment, TIER_CHARTS, tierClassName, workload } from '../src';
import { tierCatalog, tierChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';
import { kustomize, parseDocs, writeTree } from './support/render';

const catalog = tierCatalog();
const M = 'environments/many/environment.ts: ';
const role = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

/** A scratch and a persistent FSx class, two EFS file systems (one unused), the NVMe nodes strata adds. */
const many = defineEnvironment({
  name: 'many',
  cluster: { name: 'strata-many', region: 'us-east-1', kubernetesVersion: '1.33' },
  registry: 'oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/strata/charts',
  network: { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0123456789abcdef0'] },
  identity: {
    mode: 'irsa',
    drivers: { 'fsx-lustre': role('fsx-csi'), efs: role('efs-csi'), s3: role('s3-csi') },
    workloads: { training: { training: role('training') } },
  },
  storage: {
    'fsx-lustre': [
      // Named after the release: flux-system-fsx-scratch-storage-fsx-lustre-class.
      { release: 'fsx-scratch', values: { deploymentType: 'SCRATCH_2' } },
      { release: 'fsx-persistent', values: { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 250, storageClassName: 'fsx-persistent' } },
    ],
    efs: [
      { release: 'efs-models', values: { fileSystemId: 'fs-0123456789abcdef0' } },
      { release: 'efs-home', values: { fileSystemId: 'fs-0fedcba9876543210', storageClassName: 'home' } },
    ],
    'instance-store': { nodeRole: 'KarpenterNodeRole-strata-many' },
  },
  karpenter: { install: false },
  external: {
    secrets: [{ namespace: 'lab', name: 'hf-token', keys: ['token'] }],
    configMaps: [{ namespace: 'lab', name: 'notebook-settings' }],
    persistentVolumeClaims: [{ namespace: 'lab', name: 'datasets' }],
  },
  workloads: {
    training: workload({ namespace: 'training', values: { dataset: { storageClassName: 'flux-system-fsx-scratch-storage-fsx-lustre-class' } } }),
    shared: workload({ namespace: 'lab', values: { cache: { storageClassName: 'flux-system-efs-models-storage-efs-class' }, scratch: { storageClassName: 'fsx-persistent', sizeGiB: 2400 } } }),
  },
});

const plan = planEnvironment(many, catalog);
const files = environmentFiles(many, catalog);

describe('an environment binds several classes of one tier', () => {
  test('each release makes its own class, named after the release unless a value names it; claims choose theirs by name', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.tiers.map((t) => [t.field, t.release, t.storageClassName, t.usedBy])).toEqual([
      ['storage.fsx-lustre[0]', 'fsx-scratch', 'flux-system-fsx-scratch-storage-fsx-lustre-class', ['training']],
      ['storage.fsx-lustre[1]', 'fsx-persistent', 'fsx-persistent', ['shared']],
      ['storage.efs[0]', 'efs-models', 'flux-system-efs-models-storage-efs-class', ['shared']],
      // Instance store: its NodePools bring the NVMe nodes of every workload using the tier.
      ['storage.instance-store', 'storage-instance-store', undefined, ['training']],
    ]);
  });

  test('the driver of each tier is installed once, whatever the number of classes', () => {
    expect(plan.drivers.map((d) => [d.driver.chart, d.usedBy])).toEqual([
      ['aws-fsx-csi-driver', ['shared', 'training']],
      ['aws-efs-csi-driver', ['shared']],
      ['aws-mountpoint-s3-csi-driver', ['training']],
    ]);
  });

  test("a release no claim names is not installed (a warning says so); each claim is compared with its own release's settings", () => {
    expect(plan.warnings).toEqual([
      `${M}'storage.efs[1]' (release efs-home) is set but no workload here provisions from its class home: storage-efs is not installed`,
      `${M}shared claim scratch assumes deploymentType "SCRATCH_2", but this environment's fsx-persistent class has "PERSISTENT_2": the file system gets the class's setting (capacity rounding and throughput follow it)`,
    ]);
  });

  test('one file per tier chart: its OCIRepository and a HelmRelease per release', () => {
    const docs = parseDocs(files.get('many/infrastructure/configs/storage-fsx-lustre.yaml')!);
    expect(docs.map((d) => [d.kind, d.metadata.name, d.spec.releaseName, d.spec.chartRef?.name])).toEqual([
      ['OCIRepository', 'storage-fsx-lustre', undefined, undefined],
      ['HelmRelease', 'fsx-scratch', 'fsx-scratch', 'storage-fsx-lustre'],
      ['HelmRelease', 'fsx-persistent', 'fsx-persistent', 'storage-fsx-lustre'],
    ]);
    expect(docs[2].spec.values).toEqual({ deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 250, securityGroupIds: 'sg-0123456789abcdef0', storageClassName: 'fsx-persistent', subnetId: 'subnet-0123456789abcdef0' });
    expect(files.get('many/infrastructure/configs/storage-fsx-lustre.yaml')!.split('\n')[1]).toBe(
      "# storage-fsx-lustre 0.1.0: StorageClass flux-system-fsx-scratch-storage-fsx-lustre-class (release fsx-scratch), StorageClass fsx-persistent (release fsx-persistent) for this environment's network",
    );
    expect(parseDocs(files.get('many/infrastructure/configs/kustomization.yaml')!)[0].resources).toEqual(['storage-efs.yaml', 'storage-fsx-lustre.yaml', 'storage-instance-store.yaml']);
  });

  test('the report says which release makes which class, and which workload uses which', () => {
    const readme = files.get('many/README.md')!;
    expect(readme).toContain(
      [
        '| release | chart | version | StorageClass | used by | values set here |',
        '| --- | --- | --- | --- | --- | --- |',
        '| fsx-scratch | storage-fsx-lustre | 0.1.0 | `flux-system-fsx-scratch-storage-fsx-lustre-class` | training | `deploymentType`, `securityGroupIds`, `subnetId` |',
        '| fsx-persistent | storage-fsx-lustre | 0.1.0 | `fsx-persistent` | shared | `deploymentType`, `perUnitStorageThroughput`, `securityGroupIds`, `storageClassName`, `subnetId` |',
        '| efs-models | storage-efs | 0.1.0 | `flux-system-efs-models-storage-efs-class` | shared | `fileSystemId` |',
        '| storage-instance-store | storage-instance-store | 0.1.0 | — (NodePools and their EC2NodeClass) | training | `clusterName`, `nodeRole` |',
      ].join('\n'),
    );
    expect(readme).toContain('| shared | scratch | PERSISTENT_2 (class fsx-persistent, release fsx-persistent) |');
    expect(readme).toContain('| training | dataset | SCRATCH_2 (class flux-system-fsx-scratch-storage-fsx-lustre-class, release fsx-scratch) |');
    expect(readme).toContain('| shared | cache | access point per claim (class flux-system-efs-models-storage-efs-class, release efs-models) |');
  });

  test('helm renders each release with its class under the planned name; no object of two releases collides', async () => {
    const root = writeTree(files, 'environments');
    const charts = writeTree(tierChartTree(), 'charts');
    const helm = new Helm();
    const releases = (await kustomize(join(root, 'many', 'infrastructure', 'configs'))).filter((o) => o.kind === 'HelmRelease');
    const rendered = await Promise.all(
      releases.map(async (r) => parseDocs(await helm.template(join(charts, r.spec.chartRef.name), { releaseName: r.spec.releaseName, namespace: r.metadata.namespace, values: r.spec.values }))),
    );
    const classes = rendered.flat().filter((o) => o.kind === 'StorageClass').map((o) => o.metadata.name);
    expect(classes.sort()).toEqual(plan.tiers.flatMap((t) => (t.storageClassName ? [t.storageClassName] : [])).sort());
    const names = rendered.flat().map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  test('the class name is what the chart renders: the value when set, else <namespace>-<release full name>-class', () => {
    const efs = TIER_CHARTS.efs;
    expect([tierClassName(efs, 'storage-efs', {}), tierClassName(efs, 'efs-models', {}), tierClassName(efs, 'x', { storageClassName: 'strata-efs' }), tierClassName(efs, 'x', { fullnameOverride: 'shared' })]).toEqual([
      'flux-system-storage-efs-class',
      'flux-system-efs-models-storage-efs-class',
      'strata-efs',
      'flux-system-shared-class',
    ]);
    // Instance store makes a class only with its local-volume layout on (localVolumes.enabled).
    const nvme = TIER_CHARTS['instance-store'];
    expect([
      tierClassName(nvme, 'storage-instance-store', {}),
      tierClassName(nvme, 'storage-instance-store', { localVolumes: { enabled: false, storageClassName: 'local' } }),
      tierClassName(nvme, 'storage-instance-store', { localVolumes: { enabled: true } }),
      tierClassName(nvme, 'nvme', { localVolumes: { enabled: true, storageClassName: '' } }),
      tierClassName(nvme, 'nvme', { localVolumes: { enabled: true, storageClassName: 'strata-local-nvme' } }),
    ]).toEqual([undefined, undefined, 'flux-system-storage-instance-store-local-nvme', 'flux-system-nvme-storage-instance-store-local-nvme', 'strata-local-nvme']);
  });
});

describe('instance store with local volumes: the release makes a class claims may name', () => {
  // A chart taking the local-volume values (as @strata/storage-charts' does).
  const withLocal = JSON.parse(JSON.stringify(catalog));
  withLocal['storage-instance-store'].schema.properties.localVolumes = { type: 'object', properties: { enabled: { type: 'boolean' }, storageClassName: { type: 'string' } } };
  const nvmeTier = (env: EnvironmentDefinition) => planEnvironment(env, withLocal).tiers.find((t) => t.tier.tier === 'instance-store')!;

  test('with localVolumes.enabled the release has its class (named after the release unless a value names it); without, none', () => {
    expect(nvmeTier(withChanges(many, (e) => (e.storage['instance-store'] = { nodeRole: 'r', localVolumes: { enabled: true } }))).storageClassName).toBe('flux-system-storage-instance-store-local-nvme');
    expect(nvmeTier(withChanges(many, (e) => (e.storage['instance-store'] = { localVolumes: { enabled: true, storageClassName: 'local-nvme' } }))).storageClassName).toBe('local-nvme');
    expect(nvmeTier(many).storageClassName).toBeUndefined();
  });

  test('a local-volume claim (InstanceStore.localVolume) names the class: the release that makes it serves it; none makes it without localVolumes.enabled', () => {
    const withClaim = JSON.parse(JSON.stringify(withLocal));
    withClaim.training.storage = [...withClaim.training.storage, { name: 'shard', tier: 'instance-store', facts: { kind: 'local', sizeGiB: 800, storageClassName: 'local-nvme' } }];
    const on = planEnvironment(withChanges(many, (e) => (e.storage['instance-store'] = { nodeRole: 'KarpenterNodeRole-strata-many', localVolumes: { enabled: true, storageClassName: 'local-nvme' } })), withClaim);
    expect(on.errors).toEqual([]);
    expect(on.tiers.find((t) => t.tier.tier === 'instance-store')).toMatchObject({ storageClassName: 'local-nvme', usedBy: ['training'] });
    const off = planEnvironment(withChanges(many, (e) => (e.storage['instance-store'] = { nodeRole: 'KarpenterNodeRole-strata-many', localVolumes: { enabled: false, storageClassName: 'local-nvme' } })), withClaim);
    expect(off.errors).toEqual([
      `${M}'workloads.training' ("local-nvme") must be a StorageClass this environment has for training's instance-store claim shard: the class of a storage.instance-store release here (none is declared), or one declared in external.storageClasses; no tier release here makes local-nvme and it is not declared: name a storage.instance-store release's class so (localVolumes.storageClassName: "local-nvme" in its values, with localVolumes.enabled: true), or declare the class in external.storageClasses if it exists outside strata`,
    ]);
  });

  test('a claim of another tier naming the local class is refused: it is an instance-store class', () => {
    const env = withChanges(many, (e) => {
      e.storage['instance-store'] = { nodeRole: 'KarpenterNodeRole-strata-many', localVolumes: { enabled: true, storageClassName: 'local-nvme' } };
      e.workloads.shared.values.cache.storageClassName = 'local-nvme';
    });
    expect(planEnvironment(env, withLocal).errors).toEqual([
      `${M}'workloads.shared.values.cache.storageClassName' ("local-nvme") must be an EFS class for shared's efs claim cache: the class of a storage.efs release here (flux-system-efs-models-storage-efs-class, home), or one declared in external.storageClasses; storage.instance-store (release storage-instance-store) makes local-nvme, an instance-store class, which EFS claim cannot use`,
    ]);
  });
});

describe("instance store: the NodeClass selects the cluster's subnets and security groups by its discovery tag unless the environment says otherwise", () => {
  // A chart taking selector terms (as @strata/storage-charts' does): nodeClass.subnetSelectorTerms, securityGroupSelectorTerms.
  const withTerms = JSON.parse(JSON.stringify(catalog));
  const terms = { type: 'array', items: { type: 'object' }, minItems: 1 };
  withTerms['storage-instance-store'].schema.properties.nodeClass = { type: 'object', properties: { subnetSelectorTerms: terms, securityGroupSelectorTerms: terms } };
  const values = (env: EnvironmentDefinition) => planEnvironment(env, withTerms).tiers.find((t) => t.tier.tier === 'instance-store')!.values.nodeClass;

  test('filled with the discovery tag of the cluster', () => {
    expect(values(many)).toEqual({ securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata-many' } }], subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata-many' } }] });
  });

  test("the environment's own terms win", () => {
    const own = withChanges(many, (e) => (e.storage['instance-store'].nodeClass = { subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }] }));
    expect(values(own)).toEqual({ securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'strata-many' } }], subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }] });
  });
});

describe('a new environment: the class is named after the release; a claim must name a class the environment has', () => {
  const fresh = withChanges(dev, (e) => {
    delete e.storage.efs.storageClassName;
    e.workloads = { inference: e.workloads.inference };
    e.identity.workloads = { inference: e.identity.workloads.inference };
  });

  test('the workload chart claims strata-efs by default, and no release makes it: the value, what is accepted and the ways out', () => {
    expect(planEnvironment(fresh, catalog).errors).toEqual([
      `environments/dev/environment.ts: 'workloads.inference' ("strata-efs") must be a StorageClass this environment has for inference's efs claim models/cache: the class of a storage.efs release here (flux-system-storage-efs-class), or one declared in external.storageClasses; no tier release here makes strata-efs and it is not declared: set it to one of those, or name a storage.efs release's class so (storageClassName: "strata-efs" in its values), or declare the class in external.storageClasses if it exists outside strata`,
    ]);
  });

  test('a tier with no release declared, whose claims name the class workload charts claim by default: strata adds the release, its class so named', () => {
    const undeclared = withChanges(dev, (e) => {
      delete e.storage['fsx-lustre'];
      e.workloads = { training: e.workloads.training };
      e.identity.workloads = { training: e.identity.workloads.training };
    });
    const p = planEnvironment(undeclared, catalog);
    expect([p.errors, p.warnings.filter((w) => w.includes('fsx')), p.tiers.filter((t) => t.tier.tier === 'fsx-lustre').map((t) => [t.field, t.release, t.storageClassName, t.values, t.usedBy])]).toEqual([
      [],
      [],
      [['storage.fsx-lustre', 'storage-fsx-lustre', 'strata-fsx-lustre', { securityGroupIds: 'sg-0123456789abcdef0', storageClassName: 'strata-fsx-lustre', subnetId: 'subnet-0123456789abcdef0' }, ['training']]],
    ]);
  });

  test("naming the release's class so (what the bundled environments do) binds the claim to it", () => {
    const named = withChanges(fresh, (e) => (e.storage.efs.storageClassName = 'strata-efs'));
    const p = planEnvironment(named, catalog);
    expect([p.errors, p.tiers.map((t) => [t.release, t.storageClassName, t.usedBy])]).toEqual([[], [['storage-efs', 'strata-efs', ['inference']]]]);
  });
});

describe('tier detection keys on what a claim really names', () => {
  const ownEnv = withChanges(dev, (e) => {
    e.workloads = { own: { namespace: 'notebooks' } };
    e.identity.workloads = {};
    delete e.karpenter;
    delete e.identity.karpenter;
  });
  const p = planEnvironment(ownEnv, catalog);

  test("a chart making its own classes installs no tier chart, and gets no warning about the tier's settings or links", () => {
    expect(p.errors).toEqual([]);
    expect(p.tiers).toEqual([]);
    expect(p.warnings).toEqual([
      `environments/dev/environment.ts: 'identity.drivers.s3' ("arn:aws:iam::111122223333:role/dev-s3-csi") is set but no workload here uses s3: the aws-mountpoint-s3-csi-driver chart is not installed; remove the role or deploy a workload that needs it`,
      `environments/dev/environment.ts: 'storage.fsx-lustre' is set but no workload here provisions from its class strata-fsx-lustre: storage-fsx-lustre is not installed`,
      `environments/dev/environment.ts: 'storage.efs' is set but no workload here provisions from its class strata-efs: storage-efs is not installed`,
      `environments/dev/environment.ts: 'storage.instance-store' is set but no workload here uses instance store: storage-instance-store is not installed`,
    ]);
    // Its drivers are installed: the chart's own classes provision through them.
    expect(p.drivers.map((d) => [d.driver.chart, d.usedBy])).toEqual([
      ['aws-fsx-csi-driver', ['own']],
      ['aws-efs-csi-driver', ['own']],
    ]);
  });

  test('the class a release-named claim provisions from is resolved for the release: <namespace>-<full name>-<suffix>', () => {
    expect(p.workloads[0].claims!.map((c) => [c.name, c.facts.storageClassName, c.ownClass ?? false])).toEqual([
      ['cache', 'notebooks-own-cache-storage-class', true],
      ['scratch', 'own-fsx', false],
    ]);
    expect(p.workloads[0].entry.storageClasses).toEqual(['own-fsx']);
    expect(environmentFiles(ownEnv, catalog).get('dev/README.md')).toContain("| own | cache | access point per claim (the chart's own class notebooks-own-cache-storage-class) |");
    // Its claims are waited for as provisioned ones: the FSx file system of its own class the longest.
    expect(p.workloads[0].policy.budget.objects.map((o) => [o.name, o.seconds])).toEqual([
      ['cache', PROVISIONING_SECONDS['efs.csi.aws.com']],
      ['scratch', PROVISIONING_SECONDS['fsx.csi.aws.com']],
    ]);
  });
});

describe('bad tier releases fail with exact messages', () => {
  const errorsOf = (env: EnvironmentDefinition) => planEnvironment(env, catalog).errors;
  const cases: [string, (e: any) => void, string[]][] = [
    [
      'two releases with one class name',
      (e) => (e.storage.efs[1].values.storageClassName = 'flux-system-efs-models-storage-efs-class'),
      [
        `${M}'storage.efs[1].values.storageClassName' ("flux-system-efs-models-storage-efs-class") must be a StorageClass name no other tier release here gives its class (storage.efs[0], release efs-models, makes flux-system-efs-models-storage-efs-class already); give each release its own class name (storageClassName), or leave it unset: the class is then named after the release`,
      ],
    ],
    [
      'an FSx and an EFS release with one class name',
      (e) => (e.storage.efs[1].values.storageClassName = 'fsx-persistent'),
      [
        `${M}'storage.efs[1].values.storageClassName' ("fsx-persistent") must be a StorageClass name no other tier release here gives its class (storage.fsx-lustre[1], release fsx-persistent, makes fsx-persistent already); give each release its own class name (storageClassName), or leave it unset: the class is then named after the release`,
      ],
    ],
    [
      'two releases with one release name',
      (e) => (e.storage.efs[1].release = 'fsx-scratch'),
      [`${M}'storage.efs[1].release' ("fsx-scratch") must be a release name no other tier release here has (storage.fsx-lustre[0] is released as fsx-scratch already); give each release its own name: it is the HelmRelease in flux-system and the Helm release`],
    ],
    [
      'a release name Helm refuses',
      (e) => (e.storage.efs[1].release = 'EFS_home'),
      [`${M}'storage.efs[1].release' ("EFS_home") must be a release name: a DNS label (lowercase letters, digits and "-") of at most 53 characters; it names the HelmRelease and the Helm release, e.g. "efs-scratch"`],
    ],
    [
      'a release without a name',
      (e) => delete e.storage.efs[1].release,
      [`${M}'storage.efs[1].release' (not set) must be a release name: a DNS label (lowercase letters, digits and "-") of at most 53 characters; it names the HelmRelease and the Helm release, e.g. "efs-scratch"`],
    ],
    [
      'chart values beside the release instead of under values',
      (e) => (e.storage.efs[1].fileSystemId = 'fs-0fedcba9876543210'),
      [`${M}'storage.efs[1].fileSystemId' ("fs-0fedcba9876543210") must be left out: a release has a name (release) and values only; put chart values under storage.efs[1].values`],
    ],
    [
      'an empty list of releases (and so no class for the EFS claim)',
      (e) => (e.storage.efs = []),
      [
        `${M}'storage.efs' ([]) must be at least one release ({ release, values? }), or an object of storage-efs values; leave storage.efs out when the environment installs no storage-efs`,
        `${M}'workloads.shared.values.cache.storageClassName' ("flux-system-efs-models-storage-efs-class") must be a StorageClass this environment has for shared's efs claim cache: the class of a storage.efs release here (none is declared), or one declared in external.storageClasses; no tier release here makes flux-system-efs-models-storage-efs-class and it is not declared: name a storage.efs release's class so (storageClassName: "flux-system-efs-models-storage-efs-class" in its values), or declare the class in external.storageClasses if it exists outside strata`,
      ],
    ],
    [
      'a workload naming a class no release makes',
      (e) => (e.workloads.shared.values.cache.storageClassName = 'efs-home'),
      [
        `${M}'workloads.shared.values.cache.storageClassName' ("efs-home") must be a StorageClass this environment has for shared's efs claim cache: the class of a storage.efs release here (flux-system-efs-models-storage-efs-class, home), or one declared in external.storageClasses; no tier release here makes efs-home and it is not declared: set it to one of those, or name a storage.efs release's class so (storageClassName: "efs-home" in its values), or declare the class in external.storageClasses if it exists outside strata`,
      ],
    ],
    [
      "an EFS claim naming an FSx release's class",
      (e) => (e.workloads.shared.values.cache.storageClassName = 'fsx-persistent'),
      [
        `${M}'workloads.shared.values.cache.storageClassName' ("fsx-persistent") must be an EFS class for shared's efs claim cache: the class of a storage.efs release here (flux-system-efs-models-storage-efs-class, home), or one declared in external.storageClasses; storage.fsx-lustre[1] (release fsx-persistent) makes fsx-persistent, an FSx for Lustre class, which EFS claim cannot use`,
      ],
    ],
    [
      'a bad class name, refused by the chart as at helm install (on a release no claim names yet too)',
      (e) => (e.storage.efs[1].values.storageClassName = 'Home_EFS'),
      [
        `${M}'storage.efs[1].values.storageClassName' ("Home_EFS") must be empty (the name derived from the release), or an object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit; see charts/storage-efs/values.yaml for what the chart accepts`,
      ],
    ],
  ];
  test.each(cases)('%s', (_name, change, expected) => {
    expect(errorsOf(withChanges(many, change))).toEqual(expected);
  });
});

describe('instance store on EKS Auto Mode', () => {
  const W = (at: string, parts: string) =>
    `${M}'${at}' installs ${parts} (karpenter.k8s.aws/v1) on an EKS Auto Mode cluster: they need a self-managed Karpenter beside Auto Mode's, whose nodes already put their NVMe disks in a RAID0 for emptyDir scratch and take no userData (no local volumes); set nodeClass.enabled, nodePools.cpu.enabled and localVolumes.enabled to false there, and give the NVMe nodes as an Auto Mode NodePool (requirement eks.amazonaws.com/instance-local-nvme Gt 0) declared in nodeGroups — or keep them if the cluster runs its own Karpenter too`;
  const auto = (change: (e: any) => void = () => undefined) =>
    withChanges(many, (e) => {
      e.cluster.autoMode = true;
      change(e);
    });
  const withLocal = JSON.parse(JSON.stringify(catalog));
  withLocal['storage-instance-store'].schema.properties.localVolumes = { type: 'object', properties: { enabled: { type: 'boolean' } } };
  withLocal['storage-instance-store'].defaults.nodeClass = { enabled: true };
  withLocal['storage-instance-store'].schema.properties.nodeClass = { type: 'object', properties: { enabled: { type: 'boolean' } } };

  test('a declared release with its node class: warned, with the Auto Mode way', () => {
    expect(planEnvironment(auto(), withLocal).warnings.filter((w) => w.includes('Auto Mode'))).toEqual([W('storage.instance-store', 'its EC2NodeClass and NodePools')]);
    expect(planEnvironment(auto((e) => (e.storage['instance-store'] = { nodeRole: 'r', localVolumes: { enabled: true } })), withLocal).warnings.filter((w) => w.includes('Auto Mode'))).toEqual([
      W('storage.instance-store', 'its EC2NodeClass and NodePools and its local-volume nodes and provisioner'),
    ]);
  });

  test('with the Karpenter parts off, nothing is said; no release is added for workloads using instance store', () => {
    const off = planEnvironment(auto((e) => (e.storage['instance-store'] = { nodeClass: { enabled: false } })), withLocal);
    expect(off.warnings.filter((w) => w.includes('Auto Mode'))).toEqual([]);
    const none = planEnvironment(auto((e) => delete e.storage['instance-store']), withLocal);
    expect(none.tiers.map((t) => t.tier.tier)).not.toContain('instance-store');
    expect(planEnvironment(withChanges(many, (e) => delete e.storage['instance-store']), withLocal).tiers.map((t) => t.tier.tier)).toContain('instance-store');
  });
});
