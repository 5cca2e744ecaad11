/**
 * Objects an environment declares external: their validation (exact messages), the tier rules for
 * claims on external classes, and the report. The reference lint that reads the declarations is
 * tested in @strata/checks (test/references.test.ts) and on the real charts in test/hardening.
 */
import { parse } from 'yaml';
import {
  claimClass,
  classOfClaim,
  EnvironmentDefinition,
  EnvironmentError,
  environmentFiles,
  environmentReport,
  environmentsFromDefinitions,
  externalEntry,
  externalObjects,
  planEnvironment,
  TIER_CHARTS,
  withExternalUsers,
} from '../src';
import { externalCatalog } from './fixtures/charts';
import { dev, lab, withChanges } from './fixtures/environments';

const catalog = externalCatalog();
const L = 'environments/lab/environment.ts: ';
const FSX_WARNING = `${L}shared claim scratch assumes deploymentType "SCRATCH_2", but external StorageClass team-fsx (external.storageClasses[1].parameters) has "PERSISTENT_2": the file system gets the class's setting (capacity rounding and throughput follow it)`;

function errorsOf(env: EnvironmentDefinition): string[] {
  try {
    environmentFiles(env, catalog);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentError);
    return (e as EnvironmentError).errors;
  }
  throw new Error('expected an EnvironmentError');
}

describe('the external section', () => {
  test('lists every declared object with the field that declares it', () => {
    expect(externalObjects(lab).map((o) => [o.kind, o.namespace ?? null, o.name, o.field, o.keys ?? null])).toEqual([
      ['StorageClass', null, 'team-efs', 'external.storageClasses[0]', null],
      ['StorageClass', null, 'team-fsx', 'external.storageClasses[1]', null],
      ['PersistentVolumeClaim', 'lab', 'datasets', 'external.persistentVolumeClaims[0]', null],
      ['Secret', 'lab', 'hf-token', 'external.secrets[0]', ['token']],
      ['ConfigMap', 'lab', 'notebook-settings', 'external.configMaps[0]', null],
      ['ServiceAccount', 'lab', 'platform-reader', 'external.serviceAccounts[0]', null],
    ]);
  });

  test('the entry that declares an object, as written in environment.ts', () => {
    expect(externalEntry('Secret', 'ml-dev', 'hf-token')).toBe("external: { secrets: [{ namespace: 'ml-dev', name: 'hf-token' }] }");
    expect(externalEntry('StorageClass', undefined, 'team-efs')).toBe("external: { storageClasses: [{ name: 'team-efs' }] }");
    expect(externalEntry('PersistentVolumeClaim', 'lab', 'datasets')).toBe("external: { persistentVolumeClaims: [{ namespace: 'lab', name: 'datasets' }] }");
  });

  test('an environment with valid declarations plans without errors', () => {
    expect(planEnvironment(lab, catalog).errors).toEqual([]);
  });
});

describe('bad external declarations fail with exact messages', () => {
  const cases: [string, (e: any) => void, string[]][] = [
    ['not an object', (e) => (e.external = ['x']), [`${L}'external' (["x"]) must be an object of declarations by kind (storageClasses, persistentVolumeClaims, secrets, configMaps, serviceAccounts); e.g. external: { secrets: [{ namespace: 'ml', name: 'hf-token' }] }`]],
    [
      'nodes declared here instead of under nodeGroups',
      (e) => (e.external.nodePools = [{ name: 'gpu' }]),
      [`${L}'external' ("nodePools") must be one of "storageClasses", "persistentVolumeClaims", "secrets", "configMaps", "serviceAccounts"; node groups and NodePools made outside strata are declared under nodeGroups (the scheduling check reads them there)`],
    ],
    ['node group devices: an unknown resource and a count that is not whole', (e) => (e.nodeGroups = [{ name: 'trn1', devices: { 'nvidia.com/gpu': 8, 'aws.amazon.com/neuron': 1.5 } }]), [
      `${L}'nodeGroups[0].devices' ("nvidia.com/gpu") must be one of "vpc.amazonaws.com/efa", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore"; GPUs go in gpus; other devices are not counted`,
      `${L}'nodeGroups[0].devices.aws.amazon.com/neuron' (1.5) must be a whole number per node; what the device plugin advertises on one node (kubectl describe node)`,
    ]],
    ['a misspelt section', (e) => (e.external.secret = []), [`${L}'external' ("secret") must be one of "storageClasses", "persistentVolumeClaims", "secrets", "configMaps", "serviceAccounts"; check the spelling`]],
    ['a section that is not a list', (e) => (e.external.secrets = { name: 'hf-token' }), [`${L}'external.secrets' ({"name":"hf-token"}) must be a list of Secret declarations; e.g. secrets: [{ namespace: 'ml', name: 'shared' }]`]],
    ['an entry that is not an object', (e) => (e.external.configMaps = ['notebook-settings']), [`${L}'external.configMaps[0]' ("notebook-settings") must be a ConfigMap ({ namespace, name, keys? }); declare the ConfigMap as it exists in the cluster`]],
    ['a namespace on a StorageClass', (e) => (e.external.storageClasses[0].namespace = 'lab'), [`${L}'external.storageClasses[0].namespace' ("lab") must be left out; a StorageClass is cluster-scoped: it has no namespace`]],
    [
      'a misspelt field',
      (e) => (e.external.secrets[0].key = ['token']),
      [`${L}'external.secrets[0].key' (["token"]) must be left out: a Secret declaration has no such field (known here: namespace, name, keys); check the spelling`],
    ],
    [
      'a namespaced object without its namespace',
      (e) => delete e.external.secrets[0].namespace,
      [`${L}'external.secrets[0].namespace' (not set) must be a DNS label (lowercase letters, digits and "-", at most 63); the namespace the Secret is in: the namespace of the workloads that use it`],
    ],
    ['a name Kubernetes refuses', (e) => (e.external.configMaps[0].name = 'Notebook_Settings'), [`${L}'external.configMaps[0].name' ("Notebook_Settings") must be an object name (lowercase letters, digits, "-" and ".", at most 253); the ConfigMap's metadata.name`]],
    [
      "the class of one of the environment's tier releases",
      (e) => {
        e.storage = { efs: { fileSystemId: 'fs-0123456789abcdef0', storageClassName: 'strata-efs' } };
        e.external.storageClasses[0].name = 'strata-efs';
        e.workloads.shared.values.cache.storageClassName = 'strata-efs';
      },
      [`${L}'external.storageClasses[0].name' ("strata-efs") must be another name than the classes this environment's tier releases make (strata-efs); storage.efs (release storage-efs) makes strata-efs: remove the declaration, or rename one of the two classes`],
    ],
    [
      'the same object twice',
      (e) => e.external.secrets.push({ namespace: 'lab', name: 'hf-token' }),
      [`${L}'external.secrets[1].name' ("hf-token") must be declared once (external.secrets[0] declares Secret lab/hf-token already); keep one declaration`],
    ],
    ['an unknown tier', (e) => (e.external.storageClasses[1].tier = 'lustre'), [`${L}'external.storageClasses[1].tier' ("lustre") must be one of "fsx-lustre", "efs", "s3", "s3-files", "instance-store"; the storage behind the class; leave it out when unknown`]],
    [
      "a provisioner that is not the tier's",
      (e) => (e.external.storageClasses[1].provisioner = 'efs.csi.aws.com'),
      [`${L}'external.storageClasses[1].provisioner' ("efs.csi.aws.com") must be "fsx.csi.aws.com" for an FSx for Lustre class; copy it from \`kubectl get storageclass team-fsx\`, or correct the tier`],
    ],
    [
      'a parameter that is not a string',
      (e) => (e.external.storageClasses[1].parameters.perUnitStorageThroughput = 250),
      [`${L}'external.storageClasses[1].parameters.perUnitStorageThroughput' (250) must be a string; StorageClass parameters are strings: write "250", as \`kubectl get storageclass -o yaml\` shows it`],
    ],
    [
      'an external FSx class with two subnets, as for the tier chart',
      (e) => (e.external.storageClasses[1].parameters.subnetId = 'subnet-0123456789abcdef0,subnet-0fedcba9876543210'),
      [
        `${L}'external.storageClasses[1].parameters.subnetId' ("subnet-0123456789abcdef0,subnet-0fedcba9876543210") must be exactly one subnet ID; FSx for Lustre creates each file system in a single subnet (one Availability Zone; https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html#FSx-CreateFileSystem-request-SubnetIds): keep the subnet of network.availabilityZone and drop the others`,
      ],
    ],
    [
      'an external FSx class of Lustre 2.12 on EKS Auto Mode',
      (e) => {
        e.cluster.autoMode = true;
        e.external.storageClasses[1].parameters.fileSystemTypeVersion = '2.12';
      },
      [`${L}'external.storageClasses[1].parameters.fileSystemTypeVersion' ("2.12") must be "2.15" on an EKS Auto Mode cluster; Auto Mode nodes mount Lustre 2.15 file systems only (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L115-L140): its file systems cannot be mounted here`],
    ],
    [
      'a reclaim policy and a binding mode Kubernetes does not know',
      (e) => {
        e.external.storageClasses[0].reclaimPolicy = 'Recycle';
        e.external.storageClasses[0].volumeBindingMode = 'Lazy';
      },
      [
        `${L}'external.storageClasses[0].reclaimPolicy' ("Recycle") must be one of "Retain", "Delete"; copy it from the StorageClass`,
        `${L}'external.storageClasses[0].volumeBindingMode' ("Lazy") must be one of "Immediate", "WaitForFirstConsumer"; copy it from the StorageClass`,
      ],
    ],
    [
      'keys that are not data keys, and a key twice',
      (e) => {
        e.external.secrets[0].keys = ['token value'];
        e.external.configMaps[0].keys = ['a', 'a'];
      },
      [
        `${L}'external.secrets[0].keys' (["token value"]) must be a list of data keys (letters, digits, "-", "_" and "."); the keys of the Secret's data, as \`kubectl get secret -o yaml\` shows them`,
        `${L}'external.configMaps[0].keys' (["a","a"]) must be a list without duplicates; name each key once`,
      ],
    ],
    [
      "a claim's class, size and access modes",
      (e) => Object.assign(e.external.persistentVolumeClaims[0], { storageClassName: 'Team FSx', size: '4.8 TB', accessModes: ['ReadMany'] }),
      [
        `${L}'external.persistentVolumeClaims[0].storageClassName' ("Team FSx") must be a StorageClass name, or "" for a claim bound to a static volume; the claim's spec.storageClassName`,
        `${L}'external.persistentVolumeClaims[0].size' ("4.8 TB") must be a Kubernetes quantity such as "1200Gi"; the claim's spec.resources.requests.storage`,
        `${L}'external.persistentVolumeClaims[0].accessModes' (["ReadMany"]) must be a list of "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"; the claim's spec.accessModes`,
      ],
    ],
    ["a service account's role", (e) => (e.external.serviceAccounts[0].roleArn = 'lab-platform-reader'), [`${L}'external.serviceAccounts[0].roleArn' ("lab-platform-reader") must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"; copy the role ARN from IAM`]],
    [
      "a declared tier that contradicts the claim's",
      (e) => (e.external.storageClasses[1].tier = 'efs'),
      [
        `${L}'external.storageClasses[1].tier' ("efs") must be "fsx-lustre" for claim scratch of shared (workloads.shared), which provisions from it; the chart made scratch an FSx for Lustre claim, and efs is another tier: correct the declaration, or set the workload's class to an FSx for Lustre class`,
      ],
    ],
    [
      "a provisioner that makes the class another tier than the claim's",
      (e) => (e.external.storageClasses[0].provisioner = 'fsx.csi.aws.com'),
      [
        `${L}'external.storageClasses[0].provisioner' ("fsx.csi.aws.com") must be "efs.csi.aws.com" for claim cache of shared (workloads.shared), which provisions from it; the chart made cache an EFS claim, and fsx-lustre is another tier: correct the declaration, or set the workload's class to an EFS class`,
      ],
    ],
  ];
  test.each(cases)('%s', (_name, change, expected) => {
    expect(errorsOf(withChanges(lab, change))).toEqual(expected);
  });
});

describe('claims on external classes get the tier rules of strata\'s tier classes', () => {
  const plan = planEnvironment(lab, catalog);

  test('where each claim provisions from', () => {
    const claims = plan.workloads[0].claims!;
    expect(claims.map((c) => [c.name, classOfClaim(plan, plan.workloads[0], c)]).map(([n, k]: any) => [n, k.kind, k.name, k.tier, k.field])).toEqual([
      ['cache', 'external', 'team-efs', 'efs', 'external.storageClasses[0]'],
      ['scratch', 'external', 'team-fsx', 'fsx-lustre', 'external.storageClasses[1]'],
    ]);
    // A tier release's class, the chart's own class, a static claim, a claim that names no class, and a class nobody declared.
    const tierClasses = new Map([['strata-efs', { name: 'strata-efs', tier: TIER_CHARTS.efs, release: 'storage-efs', field: 'storage.efs' }]]);
    const c = (storageClassName: unknown, extra = {}, chartClasses: string[] = []) => claimClass({ tier: 'efs', name: 'x', facts: { storageClassName, ...extra } }, lab, { tierClasses, chartClasses }).kind;
    expect([c('strata-efs'), c('team-efs'), c('mine', {}, ['mine']), c(''), c('team-efs', { source: 'existing file system' }), c(undefined), c('nobody-made-it'), c('strata-fsx-lustre')]).toEqual([
      'tier',
      'external',
      'own',
      'bound',
      'bound',
      'unstated',
      'undeclared',
      'undeclared',
    ]);
    // A class the chart makes itself, named from its release: stated by the claim's facts.
    expect(claimClass({ tier: 'efs', name: 'x', facts: { storageClassName: 'lab-shared-cache' }, ownClass: true }, lab, { tierClasses }).kind).toBe('own');
  });

  test('the drivers of their tiers are installed, no tier chart: the classes exist already', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.drivers.map((d) => [d.driver.chart, d.usedBy])).toEqual([
      ['aws-fsx-csi-driver', ['shared']],
      ['aws-efs-csi-driver', ['shared']],
    ]);
    expect(plan.tiers).toEqual([]);
  });

  test('an external EFS class installs the EFS driver even for a chart that does not say it uses EFS', () => {
    const quiet = { ...catalog, shared: { ...catalog.shared, uses: ['fsx-lustre'] } };
    expect(planEnvironment(lab, quiet).drivers.map((d) => [d.driver.chart, d.usedBy])).toEqual([
      ['aws-fsx-csi-driver', ['shared']],
      ['aws-efs-csi-driver', ['shared']],
    ]);
  });

  test('the release waits as long as the tier takes to bind: an FSx claim on an external FSx class 30 minutes', () => {
    expect(plan.workloads[0].policy.timeout).toBe('35m');
    expect(environmentFiles(lab, catalog).get('lab/README.md')).toContain('| shared | 35m | PersistentVolumeClaim scratch: bound within 1800 s | yes | retry in place |');
    // Declared by its provisioner alone, the same.
    const byProvisioner = withChanges(lab, (e) => (e.external.storageClasses[1] = { name: 'team-fsx', provisioner: 'fsx.csi.aws.com' }));
    expect(planEnvironment(byProvisioner, catalog).workloads[0].policy.timeout).toBe('35m');
  });

  test("the claim's assumed FSx settings are compared with the external class's parameters (strings: \"250\" is 250)", () => {
    expect(plan.warnings).toEqual([FSX_WARNING]);
    const same = withChanges(lab, (e) => (e.external.storageClasses[1].parameters.deploymentType = 'SCRATCH_2'));
    expect(planEnvironment(same, catalog).warnings).toEqual([]);
  });

  test('a class of unknown tier: a warning says which checks were skipped; the release allows 5 minutes', () => {
    const unknown = withChanges(lab, (e) => delete e.external.storageClasses[1].tier);
    const p = planEnvironment(unknown, catalog);
    expect(p.errors).toEqual([]);
    expect(p.warnings).toEqual([
      `${L}shared claim scratch provisions from external StorageClass team-fsx, whose tier is unknown (external.storageClasses[1] has no tier, and no provisioner of a tier's CSI driver): skipped for it: whether it is an FSx for Lustre class; how long the claim takes to bind (the release allows 5 minutes); whether alerts on its volume stats can fire; the comparison of the claim's deploymentType, perUnitStorageThroughput and storageType with the class's; set external.storageClasses[1].tier if you know it`,
    ]);
    expect(p.workloads[0].policy.timeout).toBe('10m');
    expect(environmentFiles(unknown, catalog).get('lab/apps/kustomization.yaml')).toContain('- op: replace\n        path: /spec/timeout\n        value: "10m"');
    // The chart still uses FSx: its driver is installed.
    expect(p.drivers.map((d) => d.driver.chart)).toEqual(['aws-fsx-csi-driver', 'aws-efs-csi-driver']);
  });

  test('the tier from the provisioner: a class declared with efs.csi.aws.com is an EFS class', () => {
    expect(classOfClaim(plan, plan.workloads[0], plan.workloads[0].claims![0])).toMatchObject({ kind: 'external', tier: 'efs' });
  });

  test("a claim on a tier release's class gets that release installed; a class no one makes or declares is refused, naming the value and the ways out", () => {
    const own = withChanges(lab, (e) => {
      e.storage = { 'fsx-lustre': { storageClassName: 'strata-fsx-lustre', deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 250 } };
      e.workloads.shared.values.scratch.storageClassName = 'strata-fsx-lustre';
    });
    expect(planEnvironment(own, catalog).tiers.map((t) => [t.release, t.storageClassName, t.usedBy])).toEqual([['storage-fsx-lustre', 'strata-fsx-lustre', ['shared']]]);
    const undeclared = withChanges(lab, (e) => (e.workloads.shared.values.scratch.storageClassName = 'someone-elses'));
    const p = planEnvironment(undeclared, catalog);
    expect([p.errors, p.tiers]).toEqual([
      [
        `${L}'workloads.shared.values.scratch.storageClassName' ("someone-elses") must be a StorageClass this environment has for shared's fsx-lustre claim scratch: the class of a storage.fsx-lustre release here (none is declared), or one declared in external.storageClasses; no tier release here makes someone-elses and it is not declared: name a storage.fsx-lustre release's class so (storageClassName: "someone-elses" in its values), or declare the class in external.storageClasses if it exists outside strata`,
      ],
      [],
    ]);
  });

  test("a namespace holding external objects is never pruned, though the workload's release may be", () => {
    const ns = (env: EnvironmentDefinition) => parse(environmentFiles(env, catalog).get(`${env.name}/apps/namespaces.yaml`)!.split('\n---\n').pop()!);
    expect(ns(lab).metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    const classesOnly = withChanges(lab, (e) => (e.external = { storageClasses: e.external.storageClasses }));
    expect(ns(classesOnly).metadata.annotations).toBeUndefined();
  });

  test('an environment without external objects is unchanged', () => {
    expect(planEnvironment(dev, catalog).namespaces).toEqual([
      { name: 'ml-dev', protect: true, podSecurity: { level: 'restricted', because: [] } },
      { name: 'plain', protect: false, podSecurity: { level: 'restricted', because: [] } },
    ]);
  });
});

describe('the report lists the external objects and who uses them', () => {
  const plan = planEnvironment(lab, catalog);
  const users = new Map<string, readonly string[]>([
    ['StorageClass team-efs', ['PersistentVolumeClaim lab/shared-cache']],
    ['StorageClass team-fsx', ['PersistentVolumeClaim lab/datasets (external)', 'PersistentVolumeClaim lab/shared-scratch']],
    ['PersistentVolumeClaim lab/datasets', ['Deployment lab/shared-notebook']],
    ['Secret lab/hf-token', ['Deployment lab/shared-notebook']],
    ['ConfigMap lab/notebook-settings', []],
    ['ServiceAccount lab/platform-reader', ['Deployment lab/shared-notebook']],
  ]);
  const readme = environmentReport(plan, { externalUsers: users });

  test('whole report, with the users the reference lint found', () => {
    expect(readme).toMatchSnapshot();
  });

  test('a declaration nobody uses is marked stale', () => {
    expect(readme).toContain('| ConfigMap | lab/notebook-settings | `external.configMaps[0]` | keys not declared (any key is accepted) | **nobody**: a stale declaration; remove it, or deploy the workload that needs it |');
  });

  test("an FSx claim on an external class is priced with the class's settings", () => {
    expect(readme).toContain('| shared | scratch | PERSISTENT_2 (external class team-fsx) | SSD | 2,400 GiB | 2.344 TiB × 250 MB/s/TiB = 586 MB/s (burst 3,047) | $541.17 ~ |');
    expect(readme).toContain('| shared | cache | access point per claim (external class team-efs) |');
  });

  test('without the lint, the report says the users are not checked', () => {
    expect(environmentFiles(lab, catalog).get('lab/README.md')).toContain("| Secret | lab/hf-token | `external.secrets[0]` | keys token | not checked (generate's reference lint fills this in) |");
  });

  test('generate writes the report again with the users, only where something is declared external', () => {
    const envs = environmentsFromDefinitions(
      [lab, dev].map((d) => ({ name: d.name, file: `environments/${d.name}/environment.ts`, definition: d })),
      catalog,
    );
    const devReadme = envs.tree.get('dev/README.md');
    withExternalUsers(envs, { lab: users, dev: new Map() });
    expect(envs.tree.get('lab/README.md')).toBe(readme);
    expect(envs.tree.get('dev/README.md')).toBe(devReadme);
  });

  test('whole directory of an environment with external objects', () => {
    expect(Object.fromEntries(environmentFiles(lab, catalog))).toMatchSnapshot();
  });
});
