/**
 * S3 Files file systems in the cloud section: the ACK FileSystem over a versioned bucket, its role
 * and mount targets, and its id reaching the storage.s3-files release through a FieldExport.
 */
import { cloudS3FileSystemIdRef, defineEnvironment, environmentFiles, planEnvironment, workload, yamlDocuments } from '../src';
import { s3FilesCatalog } from './fixtures/s3-files-charts';

const account = '111122223333';
const F = 'environments/files/environment.ts: ';
const files = defineEnvironment({
  name: 'files',
  cluster: { name: 'strata-files', region: 'us-east-1', kubernetesVersion: '1.33' },
  registry: `oci://${account}.dkr.ecr.us-east-1.amazonaws.com/strata/charts`,
  network: { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0123456789abcdef0'] },
  identity: { mode: 'irsa', efsNode: `arn:aws:iam::${account}:role/efs-csi-node` },
  cloud: {
    accountId: account,
    identity: { oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', controllerRoles: { iam: `arn:aws:iam::${account}:role/ack-iam`, eks: `arn:aws:iam::${account}:role/ack-eks` } },
    buckets: [{ name: 'strata-files-datasets', purpose: 'datasets', adopt: 'adopt' }],
    s3FileSystems: [{ name: 'datasets', bucket: 'strata-files-datasets', prefix: 'curated/' }],
  },
  storage: { 's3-files': [{ release: 'datasets-fs', values: { fileSystemId: '', fileSystemIdConfigRef: cloudS3FileSystemIdRef('datasets'), storageClassName: 'datasets' } }] },
  workloads: { datasets: workload({ namespace: 'data', values: { data: { storageClassName: 'datasets' } } }) },
});
const docs = (m: Map<string, string>, p: string) => yamlDocuments(m.get(p)!) as any[];
const change = (f: (e: any) => void) => {
  const e = JSON.parse(JSON.stringify(files));
  f(e);
  return e;
};

describe('S3 Files file systems in the cloud section', () => {
  test('the file system, its mount target, its FieldExport into the ConfigMap the release names; its role; the s3files controller; the driver reads ConfigMap ids', () => {
    const plan = planEnvironment(files, s3FilesCatalog());
    expect(plan.errors).toEqual([]);
    expect(cloudS3FileSystemIdRef('datasets')).toBe('flux-system/strata-cloud-values/s3files_datasets_file_system_id');
    const out = environmentFiles(files, s3FilesCatalog());
    const resources = docs(out, 'files/infrastructure/cloud/resources.yaml');
    expect(resources.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['ConfigMap strata-cloud-values', 'Bucket strata-files-datasets', 'FileSystem datasets', 'MountTarget datasets-subnet-0123456789abcdef0', 'FieldExport datasets-s3files-file-system-id']);
    const fs = resources.find((o) => o.kind === 'FileSystem');
    expect(fs.apiVersion).toBe('s3files.services.k8s.aws/v1alpha1');
    expect(fs.metadata.annotations).toEqual({ 'services.k8s.aws/deletion-policy': 'retain' });
    expect(fs.spec).toMatchObject({ bucket: 'arn:aws:s3:::strata-files-datasets', prefix: 'curated/', roleARN: `arn:aws:iam::${account}:role/strata-files-s3files-datasets` });
    expect(resources.find((o) => o.kind === 'MountTarget').spec).toEqual({ fileSystemRef: { from: { name: 'datasets' } }, subnetID: 'subnet-0123456789abcdef0', securityGroups: ['sg-0123456789abcdef0'] });
    const fe = resources.find((o) => o.kind === 'FieldExport');
    // The key the release's fileSystemIdConfigRef names: namespace/ConfigMap/key.
    expect(`${fe.spec.to.namespace}/${fe.spec.to.name}/${fe.spec.to.key}`).toBe(plan.tiers[0].values.fileSystemIdConfigRef);
    expect(fe.spec.from).toEqual({ resource: { group: 's3files.services.k8s.aws', kind: 'FileSystem', name: 'datasets' }, path: '.status.fileSystemID' });
    // Its role: S3 Files assumes it; the s3files controller may pass it to S3 Files only.
    const roles = docs(out, 'files/infrastructure/identity/roles.yaml');
    const role = roles.find((o) => o.kind === 'Role' && o.spec.name === 'strata-files-s3files-datasets');
    expect(JSON.parse(role.spec.assumeRolePolicyDocument).Statement[0].Principal).toEqual({ Service: 'elasticfilesystem.amazonaws.com' });
    const pass = roles.find((o) => o.kind === 'Policy' && o.spec.name === 'strata-files-ack-s3files-controller');
    expect(JSON.parse(pass.spec.policyDocument).Statement).toEqual([
      { Sid: 'PassFileSystemRoles', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [`arn:aws:iam::${account}:role/strata-files-s3files-datasets`], Condition: { StringEquals: { 'iam:PassedToService': 'elasticfilesystem.amazonaws.com' } } },
    ]);
    expect(docs(out, 'files/infrastructure/controllers/kustomization.yaml')[0].resources).toContain('ack-s3files-controller.yaml');
    // The EFS CSI driver reads the id from the ConfigMap (already turned on by a release with fileSystemIdConfigRef).
    expect((plan.drivers.find((d) => d.driver.tier === 'efs')!.values as any).controller.fileSystemIdRefs).toEqual({ enabled: true });
    // infra-configs (the release) waits for infra-cloud (the file system, synced, and its export).
    expect(docs(out, 'files/infrastructure.yaml').find((k) => k.metadata.name === 'infra-configs').spec.dependsOn).toEqual([{ name: 'infra-cloud' }]);
    expect(plan.cloud!.s3FileSystems).toEqual([{ name: 'datasets', bucket: 'strata-files-datasets', prefix: 'curated/', roleArn: `arn:aws:iam::${account}:role/strata-files-s3files-datasets`, mountTargets: 1, configRef: cloudS3FileSystemIdRef('datasets'), usedBy: ['storage.s3-files[0]'] }]);
  });

  test('the bucket must have versioning on: refused otherwise, with the fix; nothing is written', () => {
    expect(planEnvironment(change((e) => (e.cloud.buckets[0].versioning = false)), s3FilesCatalog()).errors).toContain(
      `${F}'cloud.s3FileSystems[0].bucket' ("strata-files-datasets") must be a bucket with versioning on; S3 Files requires S3 Versioning to sync the file system with the bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-prereq-policies.html): remove versioning: false from cloud.buckets entry strata-files-datasets`,
    );
    expect(planEnvironment(change((e) => (e.cloud.buckets[0].purpose = 'other')), s3FilesCatalog()).errors).toContain(
      `${F}'cloud.s3FileSystems[0].bucket' ("strata-files-datasets") must be a bucket with versioning on; S3 Files requires S3 Versioning to sync the file system with the bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-prereq-policies.html); a bucket of purpose "other" keeps its own versioning state: set versioning: true on cloud.buckets entry strata-files-datasets`,
    );
    const undeclared = change((e) => (e.cloud.s3FileSystems[0].bucket = 'strata-files-other'));
    expect(planEnvironment(undeclared, s3FilesCatalog()).errors).toContain(
      `${F}'cloud.s3FileSystems[0].bucket' ("strata-files-other") must be a bucket under cloud.buckets; S3 Files requires S3 Versioning on its bucket, which strata writes only for a bucket it declares: add { name: 'strata-files-other', purpose: 'datasets' } (or models, checkpoints: versioning on by default) to cloud.buckets, with adopt: 'adopt' if it exists`,
    );
    expect(() => environmentFiles(undeclared, s3FilesCatalog())).toThrow('must be a bucket under cloud.buckets');
    // versioning: true on a bucket of purpose other is accepted.
    expect(planEnvironment(change((e) => Object.assign(e.cloud.buckets[0], { purpose: 'other', versioning: true })), s3FilesCatalog()).errors).toEqual([]);
  });

  test('a release naming a file system the environment does not declare is refused by name', () => {
    const bad = change((e) => (e.storage['s3-files'][0].values.fileSystemIdConfigRef = cloudS3FileSystemIdRef('models')));
    expect(planEnvironment(bad, s3FilesCatalog()).errors).toContain(
      `${F}'storage.s3-files[0].fileSystemIdConfigRef' ("flux-system/strata-cloud-values/s3files_models_file_system_id") must be the id of an S3 Files file system this environment declares ("flux-system/strata-cloud-values/s3files_datasets_file_system_id"); write cloudS3FileSystemIdRef('<name>') with the name of a file system under cloud.s3FileSystems`,
    );
  });

  test('adopted: adopt only, no mount target of its own, retained; removing it from the declaration leaves the data (retain)', () => {
    const adopted = change((e) => (e.cloud.s3FileSystems[0].adoptFileSystemId = 'fs-0123456789abcdef01'));
    const resources = docs(environmentFiles(adopted, s3FilesCatalog()), 'files/infrastructure/cloud/resources.yaml');
    const fs = resources.find((o) => o.kind === 'FileSystem');
    expect(fs.metadata.annotations).toEqual({ 'services.k8s.aws/deletion-policy': 'retain', 'services.k8s.aws/adoption-policy': 'adopt', 'services.k8s.aws/adoption-fields': '{"fileSystemID":"fs-0123456789abcdef01"}' });
    expect(resources.filter((o) => o.kind === 'MountTarget')).toEqual([]);
  });
});

describe('the report', () => {
  test('the S3 Files file systems table: bucket and prefix, created or adopted, role, mount targets, where the id goes', () => {
    const { cloudS3FilesReport } = jest.requireActual('../src/report-cloud-s3-files');
    const lines: string[] = cloudS3FilesReport(planEnvironment(files, s3FilesCatalog()));
    expect(lines.filter((l) => l.startsWith('|'))).toEqual([
      '| file system | bucket | existing file system | role | mount targets | id → |',
      '| --- | --- | --- | --- | --- | --- |',
      `| datasets | \`strata-files-datasets\` (\`curated/\`) | created by ACK | \`arn:aws:iam::${account}:role/strata-files-s3files-datasets\` | 1 | \`flux-system/strata-cloud-values/s3files_datasets_file_system_id\` → storage.s3-files[0] |`,
    ]);
    const readme = environmentFiles(files, s3FilesCatalog()).get('files/README.md')!;
    expect(readme).toContain('### S3 Files file systems (ACK)');
    expect(readme).toContain('1 buckets, 0 EFS file systems, 1 S3 Files file systems |');
  });
});
