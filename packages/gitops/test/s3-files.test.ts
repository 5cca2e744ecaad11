/**
 * S3 Files as a tier of environments: its releases and classes, the EFS CSI driver it needs (3.0.0 or
 * later, installed once with EFS), the node identity S3 Files mounts authenticate as, tier detection
 * of external classes, and the report's section.
 */
import { defineEnvironment, DRIVERS, environmentFiles, externalClassTier, planEnvironment, workload } from '../src';
import { s3FilesDriverProblem, versionAtLeast } from '../src/s3-files';
import { s3FilesCatalog } from './fixtures/s3-files-charts';

const role = (name: string) => `arn:aws:iam::111122223333:role/${name}`;
const F = 'environments/files/environment.ts: ';

const files = defineEnvironment({
  name: 'files',
  cluster: { name: 'strata-files', region: 'us-east-1', kubernetesVersion: '1.33' },
  registry: 'oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/strata/charts',
  network: { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0123456789abcdef0'] },
  identity: { mode: 'irsa', drivers: { efs: role('efs-csi') }, efsNode: role('efs-csi-node') },
  storage: { 's3-files': [{ release: 'datasets-fs', values: { fileSystemId: 'fs-0a1b2c3d4e5f6071829', storageClassName: 'datasets' } }] },
  workloads: { datasets: workload({ namespace: 'data', values: { data: { storageClassName: 'datasets' } } }) },
});

describe('the S3 Files tier in an environment', () => {
  test('a release makes its class; the claim naming it installs it; the EFS driver is installed for it, with the node role on its node account', () => {
    const plan = planEnvironment(files, s3FilesCatalog());
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.tiers.map((t) => [t.field, t.release, t.tier.chart, t.storageClassName, t.usedBy])).toEqual([['storage.s3-files[0]', 'datasets-fs', 'storage-s3-files', 'datasets', ['datasets']]]);
    expect(plan.drivers.map((d) => [d.driver.chart, d.driver.appVersion, d.usedBy, d.values])).toEqual([
      [
        'aws-efs-csi-driver',
        '3.4.1',
        ['datasets'],
        {
          controller: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': role('efs-csi') } } },
          node: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': role('efs-csi-node') } } },
        },
      ],
    ]);
  });

  test('a claim on strata-s3-files with no release declared gets one named after the chart, its class so named', () => {
    const env = { ...files, storage: undefined, workloads: { datasets: workload({ namespace: 'data' }) } };
    const plan = planEnvironment(env, s3FilesCatalog());
    expect(plan.errors).toEqual([]);
    expect(plan.tiers.map((t) => [t.field, t.release, t.storageClassName, t.values])).toEqual([['storage.s3-files', 'storage-s3-files', 'strata-s3-files', { storageClassName: 'strata-s3-files' }]]);
  });

  test('without identity.efsNode: a warning names the node account and the policies it needs; nothing is annotated on it', () => {
    const plan = planEnvironment({ ...files, identity: { mode: 'irsa', drivers: { efs: role('efs-csi') } } }, s3FilesCatalog());
    expect(plan.warnings).toEqual([
      `${F}'identity.efsNode' (not set) should be a role for kube-system/efs-csi-node-sa (AmazonS3FilesClientFullAccess (s3files:ClientMount, ClientWrite, ClientRootAccess), AmazonS3ReadOnlyAccess (reads served from the bucket), AmazonElasticFileSystemsUtils (efs-utils logs)): without one S3 Files mounts authenticate as the node's instance profile (S3 Files is used by datasets)`,
    ]);
    expect(plan.drivers[0].values).toEqual({ controller: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': role('efs-csi') } } } });
  });

  test('a bad identity.efsNode is refused', () => {
    const plan = planEnvironment({ ...files, identity: { mode: 'irsa', drivers: { efs: role('efs-csi') }, efsNode: 'efs-node' } }, s3FilesCatalog());
    expect(plan.errors).toEqual([`${F}'identity.efsNode' ("efs-node") must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"; copy the role ARN from IAM`]);
  });

  test('a class reading its file system id from a ConfigMap turns on the driver\'s fileSystemIdRefs', () => {
    const plan = planEnvironment(files, s3FilesCatalog({ refs: true }));
    expect(plan.errors).toEqual([]);
    expect(plan.drivers[0].values).toMatchObject({ controller: { fileSystemIdRefs: { enabled: true } } });
  });

  test('a release reading its file system id from a ConfigMap (an ACK FieldExport) turns on fileSystemIdRefs; one naming the id does not', () => {
    const byRef = { ...files, storage: { 's3-files': [{ release: 'datasets-fs', values: { fileSystemId: '', fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets', storageClassName: 'datasets' } }] } };
    const plan = planEnvironment(byRef, s3FilesCatalog());
    expect(plan.errors).toEqual([]);
    expect(plan.drivers[0].values).toMatchObject({ controller: { fileSystemIdRefs: { enabled: true } } });
    expect(planEnvironment(files, s3FilesCatalog()).drivers[0].values).not.toHaveProperty('controller.fileSystemIdRefs');
  });

  test('an EFS CSI driver older than 3.0.0 is refused for S3 Files; 3.0.0 and later are accepted', () => {
    expect(s3FilesDriverProblem({ ...DRIVERS.efs, version: '2.5.7', appVersion: '2.1.15' }, ['datasets'])).toEqual([
      'drivers.efs',
      'aws-efs-csi-driver 2.5.7 (driver 2.1.15)',
      'an EFS CSI driver of at least 3.0.0 when a workload uses S3 Files (datasets)',
      'S3 Files came with the driver 3.0.0 (kubernetes-sigs/aws-efs-csi-driver CHANGELOG-3.x.md): pin a chart whose appVersion is 3.0.0 or later (4.4.1 installs 3.4.1), or leave those workloads out',
    ]);
    expect(s3FilesDriverProblem(DRIVERS.efs, ['datasets'])).toBeUndefined();
    expect([versionAtLeast('3.0.0', '3.0.0'), versionAtLeast('v3.4.1', '3.0.0'), versionAtLeast('2.99.9', '3.0.0'), versionAtLeast('x', '3.0.0')]).toEqual([true, true, false, undefined]);
  });

  test('tier detection: an external efs.csi.aws.com class with provisioningMode s3files-ap is S3 Files, without it EFS', () => {
    expect(externalClassTier({ provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 's3files-ap' } })).toBe('s3-files');
    expect(externalClassTier({ provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 'efs-ap' } })).toBe('efs');
    expect(externalClassTier({ provisioner: 'efs.csi.aws.com' })).toBe('efs');
  });

  test('a claim on an external S3 Files class installs the EFS driver for it', () => {
    const env = { ...files, storage: undefined, external: { storageClasses: [{ name: 'team-s3files', provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 's3files-ap' } }] }, workloads: { datasets: workload({ namespace: 'data', values: { data: { storageClassName: 'team-s3files' } } }) } };
    const plan = planEnvironment(env, s3FilesCatalog());
    expect(plan.errors).toEqual([]);
    expect(plan.tiers).toEqual([]);
    expect(plan.drivers.map((d) => [d.driver.chart, d.usedBy])).toEqual([['aws-efs-csi-driver', ['datasets']]]);
  });

  test('the report: an S3 Files section (provisioning, n/a cost with how S3 Files bills, throughput, what the driver needs) and the node account among the identities', () => {
    const report = environmentFiles(files, s3FilesCatalog()).get('files/README.md')!;
    const section = report.slice(report.indexOf('### S3 Files'), report.indexOf('**Estimated total'));
    expect(section).toMatchSnapshot();
    expect(report).toContain('| kube-system | efs-csi-node-sa | `arn:aws:iam::111122223333:role/efs-csi-node` | EFS CSI driver node, for S3 Files mounts: AmazonS3FilesClientFullAccess');
  });
});
