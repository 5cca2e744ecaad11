import { ADOPTION_FIELDS, ADOPTION_POLICY, CloudRole, CloudS3FileSystem, DELETION_POLICY, s3FilesRolePolicy, S3_FILES_SERVICE_PRINCIPAL, synthCloud } from '../src';
import { crdProblems } from './support';

const role = 'arn:aws:iam::111122223333:role/strata-dev-s3files-datasets';

describe('CloudS3FileSystem', () => {
  test('whole output: the file system over the bucket (literal ARNs: the preview CRD has no bucketRef/roleRef), a mount target per subnet, the id exported; valid against the CRDs', () => {
    const { objects, errors } = synthCloud('flux-system', (s) =>
      new CloudS3FileSystem(s, 'datasets', {
        name: 'datasets',
        bucket: 'strata-dev-datasets',
        prefix: 'curated/',
        roleArn: role,
        mountTargets: [
          { subnetId: 'subnet-0c1d2e3f4a5b60718', securityGroupIds: ['sg-0c1d2e3f4a5b60718'] },
          { subnetId: 'subnet-0c1d2e3f4a5b60719', securityGroupIds: ['sg-0c1d2e3f4a5b60718'] },
        ],
        exportId: { namespace: 'flux-system', configMap: 'strata-cloud-values', key: 's3files_datasets_file_system_id' },
      }),
    );
    expect(errors).toEqual([]);
    expect(objects).toEqual([
      {
        apiVersion: 's3files.services.k8s.aws/v1alpha1',
        kind: 'FileSystem',
        metadata: { name: 'datasets', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'retain' } },
        spec: { bucket: 'arn:aws:s3:::strata-dev-datasets', prefix: 'curated/', roleARN: role, tags: [{ key: 'Name', value: 'datasets' }, { key: 'strata.dev/managed-by', value: 'ack' }] },
      },
      {
        apiVersion: 's3files.services.k8s.aws/v1alpha1',
        kind: 'MountTarget',
        metadata: { name: 'datasets-subnet-0c1d2e3f4a5b60718', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'delete' } },
        spec: { fileSystemRef: { from: { name: 'datasets' } }, subnetID: 'subnet-0c1d2e3f4a5b60718', securityGroups: ['sg-0c1d2e3f4a5b60718'] },
      },
      {
        apiVersion: 's3files.services.k8s.aws/v1alpha1',
        kind: 'MountTarget',
        metadata: { name: 'datasets-subnet-0c1d2e3f4a5b60719', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'delete' } },
        spec: { fileSystemRef: { from: { name: 'datasets' } }, subnetID: 'subnet-0c1d2e3f4a5b60719', securityGroups: ['sg-0c1d2e3f4a5b60718'] },
      },
      {
        apiVersion: 'services.k8s.aws/v1alpha1',
        kind: 'FieldExport',
        metadata: { name: 'datasets-s3files-file-system-id', namespace: 'flux-system' },
        spec: {
          from: { resource: { group: 's3files.services.k8s.aws', kind: 'FileSystem', name: 'datasets' }, path: '.status.fileSystemID' },
          to: { kind: 'configmap', name: 'strata-cloud-values', namespace: 'flux-system', key: 's3files_datasets_file_system_id' },
        },
      },
    ]);
    expect(crdProblems(objects)).toEqual([]);
  });

  test('adopted by id: adopt only, its own tags kept, retained', () => {
    const { objects, errors } = synthCloud('flux-system', (s) => new CloudS3FileSystem(s, 'd', { name: 'datasets', bucket: 'strata-dev-datasets', roleArn: role, adoptFileSystemId: 'fs-0123456789abcdef01' }));
    expect(errors).toEqual([]);
    expect(objects[0].metadata.annotations).toEqual({ [DELETION_POLICY]: 'retain', [ADOPTION_POLICY]: 'adopt', [ADOPTION_FIELDS]: '{"fileSystemID":"fs-0123456789abcdef01"}' });
    expect((objects[0] as any).spec.tags).toBeUndefined();
    expect(crdProblems(objects)).toEqual([]);
  });

  test('bad input: every field, with what is accepted and the fix; nothing made', () => {
    const { objects, errors } = synthCloud('flux-system', (s) =>
      new CloudS3FileSystem(s, 'd', { name: 'datasets', bucket: 's3://strata-dev-datasets', prefix: '/curated', roleArn: 'strata-role', adoptFileSystemId: 'fs-01234567', mountTargets: [{ subnetId: 'subnet-0c1d2e3f4a5b60718', securityGroupIds: [] }] }),
    );
    expect(objects).toEqual([]);
    expect(errors).toEqual([
      "[d] 'bucket' (\"s3://strata-dev-datasets\") must be an S3 bucket name (3 to 63 lowercase letters, digits, \".\" and \"-\", starting and ending with a letter or digit); the bucket's name, not its ARN or an s3:// path",
      "[d] 'prefix' (\"/curated\") must be a non-empty S3 key prefix such as \"models/llama/\" (names each followed by \"/\"; no leading \"/\", no \"//\", no \".\" or \"..\" segments); e.g. \"datasets/curated/\", or leave it out for the whole bucket",
      "[d] 'roleArn' (\"strata-role\") must be an IAM role ARN such as \"arn:aws:iam::111122223333:role/name\"; copy it from the IAM console",
      "[d] 'adoptFileSystemId' (\"fs-01234567\") must be an S3 Files file system id: \"fs-\" and 17 to 40 lowercase hex digits; copy the id from \"aws s3files list-file-systems\"",
      "[d] 'mountTargets[0].securityGroupIds' ([]) must be at least one security group; name a group that lets the nodes reach TCP 2049 (NFS): without one the mount target gets the VPC's default group",
    ]);
  });

  test('its role: trusted by the S3 Files service principal only, the documented S3 and EventBridge permissions on its bucket, no association', () => {
    const { objects, errors } = synthCloud('flux-system', (s) =>
      new CloudRole(s, 'r', { name: 'strata-dev-s3files-datasets', roleName: 'strata-dev-s3files-datasets', description: 'S3 Files datasets', serviceAccounts: [], identity: { mode: 'pod-identity', clusterName: 'c' }, policy: s3FilesRolePolicy('strata-dev-datasets'), trustedService: S3_FILES_SERVICE_PRINCIPAL }),
    );
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(['Policy', 'Role']);
    const r = objects[1] as any;
    expect(JSON.parse(r.spec.assumeRolePolicyDocument)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'elasticfilesystem.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    expect(JSON.parse((objects[0] as any).spec.policyDocument).Statement.map((s: any) => [s.Sid, s.Resource])).toEqual([
      ['S3FilesListBucket', ['arn:aws:s3:::strata-dev-datasets']],
      ['S3FilesObjects', ['arn:aws:s3:::strata-dev-datasets/*']],
      ['S3FilesSyncRules', ['arn:aws:events:*:*:rule/DO-NOT-DELETE-S3-Files*']],
      ['S3FilesReadRules', ['arn:aws:events:*:*:rule/*']],
    ]);
    expect(crdProblems(objects)).toEqual([]);
  });
});
