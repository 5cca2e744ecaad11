import { yamlDocuments } from '../src';
import { catalogFromTree, cloudFileSystemId, cloudReport, versionsServed, environmentFiles, EnvironmentError, planEnvironment, resolvePolicy } from '../src';
import { fixtureChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';

const POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ $concat: ['arn:aws:s3:::strata-dev-checkpoints/', { $value: 'mode' }, '/*'] }] }] };

/** The fixture charts, training's service account with a policy on its bucket, inference mounting EFS with iam. */
function catalog() {
  const tree = fixtureChartTree();
  tree.set('training/iam-policies/training.json', JSON.stringify(POLICY, null, 2) + '\n');
  const chart = tree.get('inference/Chart.yaml')!;
  tree.set('inference/Chart.yaml', chart.replace(/strata\.dev\/uses: ([^\n]*)/, (_, u) => `strata.dev/uses: ${u.replace(/["']/g, '')},efs-node-iam`));
  return catalogFromTree(tree);
}

const account = '111122223333';
/** dev with its roles left to ACK, a bucket and a file system whose id the EFS class reads. */
const withCloud = withChanges(dev, (e) => {
  delete e.identity.workloads;
  delete e.identity.drivers;
  e.identity.mode = 'irsa';
  e.storage.efs.fileSystemId = cloudFileSystemId('shared');
  e.cloud = {
    accountId: account,
    identity: { oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', controllerRoles: { iam: `arn:aws:iam::${account}:role/ack-iam`, eks: `arn:aws:iam::${account}:role/ack-eks` } },
    buckets: [{ name: 'strata-dev-checkpoints', purpose: 'checkpoints' }],
    fileSystems: [{ name: 'shared' }],
  };
});

describe('the cloud section', () => {
  test('resolvePolicy reads the chart\'s iam-policies/<key>.json facts with a release\'s values', () => {
    expect(resolvePolicy(POLICY, { mode: 'fast' })).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::strata-dev-checkpoints/fast/*'] }] });
    expect(resolvePolicy({ Version: '2012-10-17', Statement: [{ Sid: 'B', Resource: { $value: 'bucket' }, Condition: { StringLike: { 's3:prefix': [{ $concat: [{ $value: 'missing' }, '*'] }] } } }] }, { bucket: 7 })).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'B', Resource: '7', Condition: { StringLike: { 's3:prefix': ['*'] } } }] });
    expect(() => resolvePolicy({ Version: '2012-10-17', Statement: [{ Resource: [{ $include: 'x' }] }] }, {})).toThrow('unreadable policy fact at Statement[0].Resource[0] ($include)');
    expect(() => resolvePolicy({ Version: '2012-10-17', Statement: [{ Resource: [{ $concat: ['a', { $release: 'name' }] }] }] }, {})).toThrow('unreadable policy fact at Statement[0].Resource[0].$concat[1] ({"$release":"name"})');
    expect(() => resolvePolicy({ Version: '2012-10-17' }, {})).toThrow('not a policy document (no Statement list)');
  });

  test('IRSA: roles named and annotated without ARNs in the environment; the EFS node role for iam mounts; the id substituted', () => {
    const plan = planEnvironment(withCloud, catalog());
    expect(plan.errors).toEqual([]);
    expect(plan.cloud!.roles.map((r) => [r.roleName, r.serviceAccounts.map((s) => `${s.namespace}/${s.name}`).join(','), r.managedPolicies.join(',')])).toEqual([
      ['strata-dev-training-training', 'ml-dev/training-training', ''],
      ['strata-dev-fsx-csi-controller', 'kube-system/fsx-csi-controller-sa', 'arn:aws:iam::aws:policy/AmazonFSxFullAccess'],
      ['strata-dev-efs-csi-controller', 'kube-system/efs-csi-controller-sa', 'arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy'],
      ['strata-dev-efs-csi-node', 'kube-system/efs-csi-node-sa', 'arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess'],
      ['strata-dev-ack-s3-controller', 'ack-system/ack-s3-controller', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'],
      ['strata-dev-ack-efs-controller', 'ack-system/ack-efs-controller', 'arn:aws:iam::aws:policy/AmazonElasticFileSystemFullAccess'],
      ['strata-dev-ack-cloudwatch-controller', 'ack-system/ack-cloudwatch-controller', 'arn:aws:iam::aws:policy/CloudWatchFullAccessV2'],
    ]);
    expect(plan.cloud!.roles[0].policy).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::strata-dev-checkpoints/steady/*'] }] });
    const training = plan.workloads.find((w) => w.name === 'training')!;
    expect((training.values as any).serviceAccounts.training.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-training-training` });
    const efs = plan.drivers.find((d) => d.driver.tier === 'efs')!;
    expect(efs.values).toEqual({
      controller: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-efs-csi-controller` } } },
      node: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-efs-csi-node` } } },
    });
    expect(plan.cloud!.controllers.map((c) => [c.controller.service, c.values.serviceAccount])).toEqual([
      ['iam', { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/ack-iam` } }],
      ['s3', { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-ack-s3-controller` } }],
      ['efs', { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-ack-efs-controller` } }],
      ['cloudwatch', { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-ack-cloudwatch-controller` } }],
    ]);
    // The class's release keeps the variable; Flux substitutes it from the FieldExport's ConfigMap.
    expect(plan.tiers.find((t) => t.tier.tier === 'efs')!.values.fileSystemId).toBe('${efs_shared_file_system_id}');
    const files = environmentFiles(withCloud, catalog());
    const ks = yamlDocuments(files.get('dev/infrastructure.yaml')!) as any[];
    expect(ks.find((k) => k.metadata.name === 'infra-configs').spec.postBuild).toEqual({ substituteFrom: [{ kind: 'ConfigMap', name: 'strata-cloud-values' }] });
    const resources = yamlDocuments(files.get('dev/infrastructure/cloud/resources.yaml')!) as any[];
    expect(resources.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['ConfigMap strata-cloud-values', 'Bucket strata-dev-checkpoints', 'FileSystem shared', 'MountTarget shared-subnet-0123456789abcdef0', 'FieldExport shared-file-system-id']);
  });

  test('removing a workload or a bucket never deletes data: buckets and file systems stay as they were, or go with deletion-policy retain', () => {
    const before = environmentFiles(withCloud, catalog());
    const withoutTraining = environmentFiles(withChanges(withCloud, (e) => delete e.workloads.training), catalog());
    // The cloud resources do not depend on the workloads: removing one leaves every bucket and file system.
    expect(withoutTraining.get('dev/infrastructure/cloud/resources.yaml')).toBe(before.get('dev/infrastructure/cloud/resources.yaml'));
    // Its role goes (no data), with deletion-policy delete; so does the FSx driver's, which only training used.
    const roles = (f: Map<string, string>) => (yamlDocuments(f.get('dev/infrastructure/identity/roles.yaml')!) as any[]).filter((o) => o.kind === 'Role').map((o) => o.metadata.name);
    expect(roles(before).filter((r) => !roles(withoutTraining).includes(r))).toEqual(['strata-dev-training-training', 'strata-dev-fsx-csi-controller']);
    // A bucket taken out of the declaration is pruned from the cluster: ACK then reads the live object's annotation, retain.
    const bucket = (yamlDocuments(before.get('dev/infrastructure/cloud/resources.yaml')!) as any[]).find((o) => o.kind === 'Bucket');
    expect(bucket.metadata.annotations['services.k8s.aws/deletion-policy']).toBe('retain');
  });

  test('bad declarations: every problem, with the environment file and the object', () => {
    const bad = withChanges(withCloud, (e) => {
      e.cloud.accountId = '1234';
      delete e.cloud.identity.oidcIssuer;
      e.cloud.buckets = [{ name: 'strata-dev-models', purpose: 'models', lifecycle: { expireAfterDays: 30 } }];
      e.storage.efs.fileSystemId = cloudFileSystemId('other');
    });
    expect(() => environmentFiles(bad, catalog())).toThrow(EnvironmentError);
    expect(planEnvironment(bad, catalog()).errors).toEqual([
      "environments/dev/environment.ts: 'cloud.accountId' (\"1234\") must be an AWS account id of 12 digits; give the account the cluster runs in (aws sts get-caller-identity)",
      "environments/dev/environment.ts: 'cloud.identity.oidcIssuer' (not set) must be set with identity.mode \"irsa\"; give the cluster's OIDC issuer without https:// (aws eks describe-cluster --query cluster.identity.oidc.issuer)",
      "environments/dev/environment.ts: 'cloud.buckets[0].lifecycle.expireAfterDays' (30) must be left out for a bucket of models; a model repository keeps every served version (a rollback reads the one before); delete a version by hand once no environment serves it, or give the bucket purpose \"other\"",
      "environments/dev/environment.ts: 'storage.efs' (\"${efs_other_file_system_id}\") must be a cloud value this environment exports (${efs_shared_file_system_id}); write cloudFileSystemId('<name>') with the name of a file system under cloud.fileSystems",
    ]);
  });

  test('buckets or file systems need cloud.identity (their controllers\' roles); an environment without cloud is unchanged', () => {
    const noIdentity = withChanges(withCloud, (e) => delete e.cloud.identity);
    expect(planEnvironment(noIdentity, catalog()).errors).toContain(
      "environments/dev/environment.ts: 'cloud.identity' (not set) must be set when cloud declares buckets or file systems; the ACK controllers that make them need roles, which the ACK iam controller makes: give cloud.identity.controllerRoles (iam, eks)",
    );
    const files = environmentFiles(dev, catalog());
    expect([...files.keys()].filter((k) => /infrastructure\/(ack|identity|cloud)\//.test(k))).toEqual([]);
    expect((yamlDocuments(files.get('dev/infrastructure.yaml')!) as any[]).map((k) => k.metadata.name)).toEqual(['infra-controllers', 'infra-configs']);
  });

  test('an adopted file system gets no mount target by default (it has its own: a second in a subnet is refused), and keeps its id in the checks', () => {
    const adopted = withChanges(withCloud, (e) => (e.cloud.fileSystems = [{ name: 'shared', adoptFileSystemId: 'fs-0fedcba9876543210' }]));
    const plan = planEnvironment(adopted, catalog());
    expect(plan.errors).toEqual([]);
    expect(plan.cloud!.resourceObjects.map((o) => o.kind)).toEqual(['ConfigMap', 'Bucket', 'FileSystem', 'FieldExport']);
    // generate checks the class with the id Flux will substitute: the adopted file system's own.
    expect(plan.tiers.find((t) => t.tier.tier === 'efs')!.merged.fileSystemId).toBe('fs-0fedcba9876543210');
  });

  test('versions served: every { bucket, prefix, version } of a workload\'s values', () => {
    const plan = { workloads: [{ name: 'serve', merged: { model: { bucket: 'm', prefix: 'llama/', version: 'v2' }, cache: { size: 5 } } }, { name: 'train', merged: { dataset: { bucket: 'd', version: 'v1' }, out: { bucket: 'o' } } }] };
    expect(versionsServed(plan as never)).toEqual([
      { workload: 'serve', path: 'model.version', bucket: 'm', prefix: 'llama/', version: 'v2' },
      { workload: 'train', path: 'dataset.version', bucket: 'd', prefix: '', version: 'v1' },
    ]);
  });

  test('the report: Flux order, each lifecycle rule with its saving and its retrieval cost, the file system, the roles', () => {
    const lines = cloudReport(planEnvironment(withCloud, catalog()));
    expect(lines.filter((l) => l.startsWith('| `strata-dev-checkpoints`'))).toEqual([
      '| `strata-dev-checkpoints` | checkpoints | on | SSE-S3 | all four blocks on | created by ACK | training |',
      '| `strata-dev-checkpoints` | strata-to-glacier-ir | every object: to GLACIER_IR 30 days after written | $20.89 ? | $32.99 ? | $0.02 per 1,000 objects moved; billed at least 90 days |',
      '| `strata-dev-checkpoints` | strata-noncurrent | every object: noncurrent versions deleted 7 days after replaced, the newest 3 of each key kept | the whole storage of what it deletes | gone: not readable afterwards | — |',
      '| `strata-dev-checkpoints` | strata-abort-multipart | every object: incomplete multipart uploads aborted 7 days after started | the parts of uploads that never finished | — | — |',
    ]);
    expect(lines.filter((l) => l.startsWith('| shared '))).toEqual([
      '| shared | created by ACK | AFTER_30_DAYS | AFTER_90_DAYS | yes | $312.26 / $321.06 | AWS Backup daily | 1 | 0 | `${efs_shared_file_system_id}` → storage.efs |',
    ]);
    expect(lines.filter((l) => l.startsWith('  ') && l.includes('-->'))).toEqual([
      '  ack["infra-ack<br/>ACK iam"] --> identity["infra-identity<br/>7 roles"]',
      '  identity --> controllers["infra-controllers<br/>drivers, operators, ACK s3, efs, cloudwatch"]',
      '  controllers --> cloud["infra-cloud<br/>1 buckets, 1 file systems"]',
      '  cloud --> configs["infra-configs<br/>storage classes"]',
      '  configs --> apps["apps"]',
    ]);
    expect(lines).toContain('| `strata-dev-efs-csi-node` | EFS CSI node (efs-csi-node-sa): mounts with the iam option (inference) | kube-system/efs-csi-node-sa | `AmazonElasticFileSystemClientReadWriteAccess` |');
    expect(cloudReport(planEnvironment(dev, catalog()))).toEqual([]);
  });
});
