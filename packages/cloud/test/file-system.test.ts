import { CloudFileSystem, DELETION_POLICY, synthCloud } from '../src';
import { crdProblems } from './support';

describe('CloudFileSystem', () => {
  test('whole output: defaults, a mount target, an access point, the id exported', () => {
    const { objects, errors } = synthCloud('flux-system', (s) =>
      new CloudFileSystem(s, 'shared', {
        name: 'shared',
        mountTargets: [{ subnetId: 'subnet-0c1d2e3f4a5b60718', securityGroupIds: ['sg-0c1d2e3f4a5b60718'] }],
        accessPoints: [{ name: 'models', path: '/models', uid: 1000, gid: 1000 }],
        exportId: { namespace: 'flux-system', configMap: 'strata-cloud-values', key: 'efs_shared_file_system_id' },
      }),
    );
    expect(errors).toEqual([]);
    expect(objects).toEqual([
      {
        apiVersion: 'efs.services.k8s.aws/v1alpha1',
        kind: 'FileSystem',
        metadata: { name: 'shared', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'retain' } },
        spec: {
          encrypted: true,
          performanceMode: 'generalPurpose',
          throughputMode: 'elastic',
          lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }, { transitionToArchive: 'AFTER_90_DAYS' }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
          backupPolicy: { status: 'ENABLED' },
          tags: [{ key: 'Name', value: 'shared' }, { key: 'strata.dev/managed-by', value: 'ack' }],
        },
      },
      {
        apiVersion: 'efs.services.k8s.aws/v1alpha1',
        kind: 'MountTarget',
        metadata: { name: 'shared-subnet-0c1d2e3f4a5b60718', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'delete' } },
        spec: { fileSystemRef: { from: { name: 'shared' } }, subnetID: 'subnet-0c1d2e3f4a5b60718', securityGroups: ['sg-0c1d2e3f4a5b60718'] },
      },
      {
        apiVersion: 'efs.services.k8s.aws/v1alpha1',
        kind: 'AccessPoint',
        metadata: { name: 'shared-models', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'retain' } },
        spec: {
          fileSystemRef: { from: { name: 'shared' } },
          posixUser: { uid: 1000, gid: 1000 },
          rootDirectory: { path: '/models', creationInfo: { ownerUID: 1000, ownerGID: 1000, permissions: '750' } },
          tags: [{ key: 'Name', value: 'shared-models' }],
        },
      },
      {
        apiVersion: 'services.k8s.aws/v1alpha1',
        kind: 'FieldExport',
        metadata: { name: 'shared-file-system-id', namespace: 'flux-system' },
        spec: {
          from: { resource: { group: 'efs.services.k8s.aws', kind: 'FileSystem', name: 'shared' }, path: '.status.fileSystemID' },
          to: { kind: 'configmap', name: 'strata-cloud-values', namespace: 'flux-system', key: 'efs_shared_file_system_id' },
        },
      },
    ]);
    expect(crdProblems(objects)).toEqual([]);
  });

  test('adoption by id, provisioned throughput without Archive, no lifecycle, no backups (warned)', () => {
    const { objects, errors, warnings } = synthCloud('flux-system', (s) => {
      new CloudFileSystem(s, 'old', { name: 'old', adoptFileSystemId: 'fs-0c1d2e3f4a5b60718', throughputMode: 'provisioned', provisionedThroughputMiBps: 256, lifecycle: { toArchive: false } });
      new CloudFileSystem(s, 'scratch', { name: 'scratch', lifecycle: false, backups: false });
    });
    expect(errors).toEqual([]);
    expect(objects[0].metadata.annotations).toEqual({ [DELETION_POLICY]: 'retain', 'services.k8s.aws/adoption-policy': 'adopt', 'services.k8s.aws/adoption-fields': '{"fileSystemID":"fs-0c1d2e3f4a5b60718"}' });
    expect((objects[0] as any).spec.lifecyclePolicies).toEqual([{ transitionToIA: 'AFTER_30_DAYS' }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }]);
    expect((objects[0] as any).spec.provisionedThroughputInMiBps).toBe(256);
    // Adopted: what is fixed at creation, and its tags, stay as they are.
    expect(['encrypted', 'performanceMode', 'tags'].filter((k) => k in (objects[0] as any).spec)).toEqual([]);
    expect((objects[1] as any).spec.lifecyclePolicies).toBeUndefined();
    expect((objects[1] as any).spec.backupPolicy).toEqual({ status: 'DISABLED' });
    expect(warnings).toEqual(['[scratch] backups are off: AWS Backup keeps no daily recovery point of this file system (backupPolicy DISABLED)']);
    expect(crdProblems(objects)).toEqual([]);
  });

  test('bad input: every problem together', () => {
    const { objects, errors } = synthCloud('flux-system', (s) => {
      new CloudFileSystem(s, 'a', { name: 'a', throughputMode: 'bursting', lifecycle: { toInfrequentAccess: 'AFTER_90_DAYS', toArchive: 'AFTER_30_DAYS' }, provisionedThroughputMiBps: 10 });
      new CloudFileSystem(s, 'b', { name: 'B', throughputMode: 'provisioned', adoptFileSystemId: 'fs-xyz', lifecycle: { toInfrequentAccess: false }, mountTargets: [{ subnetId: 'subnet-1', securityGroupIds: [] }], accessPoints: [{ name: 'm', path: 'models', uid: -1, gid: 0, permissions: '0999' }] });
    });
    expect(objects).toEqual([]);
    expect(errors).toEqual([
      `[a] 'provisionedThroughputMiBps' (10) must be left out unless throughputMode is provisioned; remove it, or set throughputMode: "provisioned"`,
      `[a] 'lifecycle.toArchive' ("AFTER_30_DAYS") must be later than lifecycle.toInfrequentAccess (AFTER_90_DAYS); EFS moves files to Archive only after Infrequent Access`,
      `[a] 'lifecycle.toArchive' ("AFTER_30_DAYS") must be false unless throughputMode is elastic and performanceMode generalPurpose; the Archive storage class is available only to Elastic throughput, General Purpose file systems (this one: bursting, generalPurpose)`,
      `[b] 'name' ("B") must be a Kubernetes object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit and at most 63 characters; e.g. "shared"`,
      `[b] 'provisionedThroughputMiBps' (not set) must be set with throughputMode provisioned; give the MiB/s to provision, e.g. 256, or use elastic`,
      `[b] 'adoptFileSystemId' ("fs-xyz") must be an EFS file system id: "fs-" and 8 to 40 lowercase hex digits; copy the id from "aws efs describe-file-systems"`,
      `[b] 'lifecycle.toArchive' ("AFTER_90_DAYS") must be false when toInfrequentAccess is false; EFS moves files to Archive only after Infrequent Access: set toInfrequentAccess, or toArchive: false`,
      `[b] 'lifecycle.toArchive' ("AFTER_90_DAYS") must be false unless throughputMode is elastic and performanceMode generalPurpose; the Archive storage class is available only to Elastic throughput, General Purpose file systems (this one: provisioned, generalPurpose)`,
      `[b] 'mountTargets[0].subnetId' ("subnet-1") must be a subnet id: "subnet-" and 8 to 17 lowercase hex digits; copy it from "aws ec2 describe-subnets"`,
      `[b] 'mountTargets[0].securityGroupIds' ([]) must be at least one security group; name a group that lets the nodes reach TCP 2049 (NFS)`,
      `[b] 'accessPoints[0].path' ("models") must be an absolute path (starting with "/"); e.g. "/models"`,
      `[b] 'accessPoints[0].uid' (-1) must be a whole number, at least 0; e.g. 1000`,
      `[b] 'accessPoints[0].permissions' ("0999") must be 3 or 4 octal digits; write it as for chmod, e.g. "750"`,
    ]);
  });
});
