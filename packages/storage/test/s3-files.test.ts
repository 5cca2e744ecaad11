import { Size } from 'cdk8s';
import { Tokens, usesOf } from '@strata/tokens';
import { AccessMode, ReclaimPolicy } from '../src/access-mode';
import { StorageTier } from '../src/tier';
import {
  S3Files,
  S3_FILES_DRIVER_IAM,
  S3FilesClientAction,
  s3FilesClientActions,
  s3FilesFileSystemArn,
  S3FilesStorageClass,
  S3FilesStorageClassChart,
  S3FilesStorageClassProps,
} from '../src/s3-files';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';

const FS = 'fs-0123456789abcdef01';
const AP = 'fsap-0123456789abcdef0';
/** The upstream example class (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:examples/kubernetes/s3files/dynamic_provisioning/specs/storageclass.yaml), with an S3 Files id. */
const BASE: S3FilesStorageClassProps = { fileSystemId: FS, directoryPerms: '700' };

describe('S3FilesStorageClass', () => {
  test('defaults: s3files-ap on efs.csi.aws.com, Retain, Immediate, only the parameters given', () => {
    const chart = newChart();
    new S3FilesStorageClass(chart, 'sc', BASE);
    expect(synthValid(chart)).toEqual([
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: expect.stringMatching(/^test-sc-/) },
        provisioner: 'efs.csi.aws.com',
        parameters: { directoryPerms: '700', fileSystemId: FS, provisioningMode: 's3files-ap' },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'Immediate',
      },
    ]);
  });

  test('the upstream example comes out parameter for parameter, all strings', () => {
    const chart = newChart();
    new S3FilesStorageClass(chart, 'sc', { ...BASE, name: 's3files-sc', gidRangeStart: 1000, gidRangeEnd: 2000, basePath: '/dynamic_provisioning', subPathPattern: '${.PVC.namespace}/${.PVC.name}', ensureUniqueDirectory: true });
    const [sc] = synthValid(chart) as any[];
    expect(sc.metadata.name).toBe('s3files-sc');
    expect(sc.parameters).toEqual({
      provisioningMode: 's3files-ap',
      fileSystemId: FS,
      directoryPerms: '700',
      gidRangeStart: '1000',
      gidRangeEnd: '2000',
      basePath: '/dynamic_provisioning',
      subPathPattern: '${.PVC.namespace}/${.PVC.name}',
      ensureUniqueDirectory: 'true',
    });
  });

  test('uid/gid and a file system id from a ConfigMap (an ACK FieldExport, say)', () => {
    const chart = newChart();
    new S3FilesStorageClass(chart, 'sc', { fileSystemIdConfigRef: 'kube-system/s3files-ids/datasets', directoryPerms: '0750', uid: 1000, gid: 1000 });
    const [sc] = synthValid(chart) as any[];
    expect(sc.parameters).toEqual({ provisioningMode: 's3files-ap', fileSystemIdConfigRef: 'kube-system/s3files-ids/datasets', directoryPerms: '0750', uid: '1000', gid: '1000' });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['an EFS-length id', { fileSystemId: 'fs-01234567' }, [`[test/sc] 'fileSystemId' ("fs-01234567") must be an S3 Files file system id: "fs-" and 17 to 40 lowercase hex digits; copy the id from "aws s3files list-file-systems", e.g. "fs-0123456789abcdef01"`]],
    ['no file system id', { fileSystemId: undefined }, [`[test/sc] 'fileSystemId' (not set) must be set, or else one of fileSystemIdConfigRef, fileSystemIdSecretRef; name the file system the access points are created in, e.g. "fs-0123456789abcdef0"`]],
    ['two file system id sources', { fileSystemIdSecretRef: 'kube-system/ids/fs' }, [`[test/sc] 'fileSystemIdSecretRef' ("kube-system/ids/fs") must be left out when fileSystemId is set (exactly one of fileSystemId, fileSystemIdConfigRef, fileSystemIdSecretRef); keep only one of fileSystemId, fileSystemIdSecretRef`]],
    ['directory perms 0800', { directoryPerms: '0800' }, [`[test/sc] 'directoryPerms' ("0800") must be 3 or 4 octal digits; write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`]],
    ['reuseAccessPoint, even false', { reuseAccessPoint: false }, [`[test/sc] 'reuseAccessPoint' (false) must be unset for S3 Files; the driver refuses the parameter for S3 Files, even false (pkg/driver/controller.go#L205-L208 ("Parameter reuseAccessPoint is only supported for EFS file systems")): drop it; every claim gets an access point of its own`]],
    ['az', { az: 'us-east-1a' }, [`[test/sc] 'az' ("us-east-1a") must be unset for S3 Files; az is an EFS cross-account parameter (pkg/driver/controller.go#L276-L279 ("Parameter az is only supported for EFS file systems")): drop it; each node mounts through the mount target of its own zone`]],
    ['cross-account provisioning', { crossAccount: { secretName: 'x-account' } }, [`[test/sc] 'crossAccount' ({"secretName":"x-account"}) must be unset for S3 Files; the EFS CSI driver mounts S3 Files of the cluster's own account only (pkg/driver/node.go#L186-L190 ("Cross-account mounting is not supported for S3 Files file system")): create the file system in this account`]],
    ['zone affinity', { enforceZoneAffinity: true }, [`[test/sc] 'enforceZoneAffinity' (true) must be unset for S3 Files; zone affinity is for EFS One Zone file systems; an S3 Files file system has a mount target per zone: drop it`]],
    ['the EFS provisioning mode', { provisioningMode: 'efs-ap' }, [`[test/sc] 'provisioningMode' ("efs-ap") must be s3files-ap or unset; an S3FilesStorageClass provisions S3 Files access points; use EfsStorageClass for EFS`]],
    ['stunnel', { mountOptions: ['stunnel'] }, [`[test/sc] 'mountOptions' ("stunnel") must be left out for S3 Files (stunnel is not supported); drop it`]],
    ['azid with a zone name', { mountOptions: ['azid=us-east-1a'] }, [`[test/sc] 'mountOptions' ("azid=us-east-1a") must be azid= followed by an Availability Zone id such as "use1-az4" (not a zone name such as us-east-1a); give the zone id of the mount target the nodes use, e.g. "azid=use1-az4" (aws s3files list-mount-targets shows it)`]],
    ['accesspoint= of its own', { mountOptions: [`accesspoint=${AP}`] }, [`[test/sc] 'mountOptions' ("accesspoint=${AP}") must be left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle; drop it: dynamic provisioning creates one access point per claim`]],
  ])('refuses %s at generate time, writing nothing', (_what, change, errors) => {
    const chart = newChart();
    new S3FilesStorageClass(chart, 'sc', { ...BASE, ...change } as S3FilesStorageClassProps);
    expect(synthErrors(chart)).toEqual(errors);
  });

  test('a class bound to chart values: the rules reach the values schema', () => {
    const owner = {};
    const chart = newChart();
    const fileSystemId = Tokens.string('fs', owner);
    const mountOptions = Tokens.list<string>('mountOptions', owner);
    new S3FilesStorageClass(chart, 'sc', { ...BASE, fileSystemId, mountOptions });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(fileSystemId)!.constraints.map((c) => c.constraint)).toEqual([{ pattern: '^fs-[0-9a-f]{17,40}$' }]);
    expect(Tokens.infoOf(mountOptions)!.constraints.map((c) => c.constraint)).toEqual([
      { items: { not: { pattern: '^([aA][cC][cC][eE][sS][sS][pP][oO][iI][nN][tT]=.*|[cC][rR][oO][sS][sS][aA][cC][cC][oO][uU][nN][tT])$' } } },
      { items: { not: { pattern: '^[sS][tT][uU][nN][nN][eE][lL]$' } } },
    ]);
  });

  test('"" is not set: a file system id source left empty is not written (a chart value rendered directly)', () => {
    const chart = newChart();
    new S3FilesStorageClass(chart, 'sc', { fileSystemId: '', fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets', directoryPerms: '700' });
    expect((synthValid(chart) as any[])[0].parameters).toEqual({ provisioningMode: 's3files-ap', fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets', directoryPerms: '700' });
  });

  test('both sources bound to values: exactly one is set at install, the other "" and left out', () => {
    const owner = {};
    const chart = newChart();
    const fileSystemId = Tokens.string('fs', owner);
    const ref = Tokens.string('ref', owner);
    new S3FilesStorageClass(chart, 'sc', { fileSystemId, fileSystemIdConfigRef: ref, directoryPerms: '700' });
    expect(synthErrors(chart)).toEqual([]);
    const [sc] = synth(chart) as any[];
    expect(Tokens.infoOf(sc.parameters.fileSystemId)).toMatchObject({ path: 'fs', omitWhenEmpty: true });
    expect(Tokens.infoOf(sc.parameters.fileSystemIdConfigRef)).toMatchObject({ path: 'ref', omitWhenEmpty: true });
    expect(Tokens.conditionalsOf(owner).map((c) => [c.when.map((w) => [w.token.path, w.equals, w.negated ?? false]), c.then?.token.path, c.then?.constraint])).toEqual([
      [[['fs', [''], false]], 'ref', { minLength: 1 }],
      [[['fs', [''], true]], 'ref', { maxLength: 0 }],
    ]);
  });

  test('a chart of classes, each named by its key', () => {
    const chart = new S3FilesStorageClassChart(newChart().node.root as never, 'classes', { classes: { 'datasets': BASE, 'models': { ...BASE, basePath: '/models' } } });
    expect(synth(chart).map((o: any) => [o.metadata.name, o.parameters.basePath])).toEqual([['datasets', undefined], ['models', '/models']]);
  });
});

describe('S3Files', () => {
  test('defaults: its own class and a ReadWriteMany 5Gi claim on it; the chart uses the s3-files tier', () => {
    const chart = newChart();
    const s3 = new S3Files(chart, 'data', BASE);
    const objs = synthValid(chart);
    const [sc] = byKind(objs, 'StorageClass');
    const [pvc] = byKind(objs, 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } }, storageClassName: sc.metadata.name, volumeMode: 'Filesystem' });
    expect(s3.tier).toBe(StorageTier.S3_FILES);
    expect(usesOf(chart)).toEqual(['s3-files']);
  });

  test('fromStorageClass: a claim on a class name, no class of its own', () => {
    const chart = newChart();
    S3Files.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-s3-files' }, accessMode: AccessMode.READ_WRITE_ONCE });
    const objs = synthValid(chart);
    expect(byKind(objs, 'StorageClass')).toEqual([]);
    expect(byKind(objs, 'PersistentVolumeClaim')[0].spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'strata-s3-files' });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['the file system', {}, `s3files:${FS}`],
    ['a directory', { subPath: '/datasets' }, `s3files:${FS}:/datasets`],
    ['an access point', { accessPointId: AP }, `s3files:${FS}::${AP}`],
    ['a directory under an access point', { subPath: '/v1', accessPointId: AP }, `s3files:${FS}:/v1:${AP}`],
  ])('fromFileSystem, %s: a Retain volume bound by name, handle %s', (_what, parts, handle) => {
    const chart = newChart();
    const s3 = S3Files.fromFileSystem(chart, 'data', { fileSystemId: FS, ...parts });
    const objs = synthValid(chart);
    const [pv] = byKind(objs, 'PersistentVolume');
    expect(pv.spec).toMatchObject({ csi: { driver: 'efs.csi.aws.com', volumeHandle: handle }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: '' });
    expect(byKind(objs, 'PersistentVolumeClaim')[0].spec).toMatchObject({ storageClassName: '', volumeName: pv.metadata.name });
    expect(s3.volumeHandle).toBe(handle);
  });

  test('fromFileSystem with azid where instance metadata is not reachable (examples/kubernetes/s3files/azid)', () => {
    const chart = newChart();
    S3Files.fromFileSystem(chart, 'data', { fileSystemId: FS, mountOptions: ['azid=use1-az4'], reclaimPolicy: ReclaimPolicy.RETAIN });
    expect(byKind(synthValid(chart), 'PersistentVolume')[0].spec.mountOptions).toEqual(['azid=use1-az4']);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['an EFS-length id', { fileSystemId: 'fs-0123abcd' }, [`[test/data] 'fileSystemId' ("fs-0123abcd") must be an S3 Files file system id: "fs-" and 17 to 40 lowercase hex digits; copy the id from "aws s3files list-file-systems", e.g. "fs-0123456789abcdef01"`]],
    ['a bad access point', { accessPointId: 'ap-1' }, [`[test/data] 'accessPointId' ("ap-1") must be an EFS access point id: "fsap-" and 8 to 40 lowercase hex digits; copy the id from "aws s3files list-access-points", e.g. "fsap-0123456789abcdef0"`]],
    ['encryptInTransit false', { encryptInTransit: false }, [`[test/data] 'encryptInTransit' (false) must be true or unset for S3 Files; drop it: S3 Files is always encrypted in transit`]],
    ['crossaccount', { crossAccount: true }, [`[test/data] 'crossAccount' (true) must be false or unset for S3 Files; drop it: S3 Files does not support crossaccount`]],
    ['stunnel', { mountOptions: ['stunnel'] }, [`[test/data] 'mountOptions' ("stunnel") must be left out for S3 Files (stunnel is not supported); drop it`]],
    ['ReadOnlyMany', { accessMode: AccessMode.READ_ONLY_MANY }, [`[test/data] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; S3 Files takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`]],
  ])('fromFileSystem refuses %s', (_what, change, errors) => {
    const chart = newChart();
    S3Files.fromFileSystem(chart, 'data', { fileSystemId: FS, ...change } as never);
    expect(synthErrors(chart)).toEqual(errors);
    expect(warnings(chart)).toEqual([]);
  });
});

test('a fractional size is rounded up to whole GiB with a warning (the capacity is ignored)', () => {
  const chart = newChart();
  const s3 = S3Files.fromFileSystem(chart, 'data', { fileSystemId: FS, storage: Size.mebibytes(1536) });
  expect(byKind(synthValid(chart), 'PersistentVolumeClaim')[0].spec.resources.requests.storage).toBe('2Gi');
  expect(s3.storage.toGibibytes()).toBe(2);
  expect(warnings(chart)).toEqual([`[test/data] 'storage' ("1536Mi") is not a whole number of GiB: the claim asks for 2Gi (S3 Files ignores the capacity)`]);
});

describe('IAM as data', () => {
  test('the driver accounts and their managed policies (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md)', () => {
    expect(S3_FILES_DRIVER_IAM.controller.serviceAccount).toBe('kube-system/efs-csi-controller-sa');
    expect(S3_FILES_DRIVER_IAM.controller.managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy',
      'arn:aws:iam::aws:policy/service-role/AmazonS3FilesCSIDriverPolicy',
      'arn:aws:iam::aws:policy/AmazonS3FilesClientFullAccess',
    ]);
    expect(S3_FILES_DRIVER_IAM.node.serviceAccount).toBe('kube-system/efs-csi-node-sa');
    expect(S3_FILES_DRIVER_IAM.node.managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/AmazonS3FilesClientFullAccess',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonElasticFileSystemsUtils',
    ]);
  });

  test('client actions by use, and the file system ARN', () => {
    expect(s3FilesClientActions()).toEqual([S3FilesClientAction.MOUNT]);
    expect(s3FilesClientActions({ write: true })).toEqual(['s3files:ClientMount', 's3files:ClientWrite']);
    expect(s3FilesClientActions({ write: true, rootAccess: true })).toEqual(['s3files:ClientMount', 's3files:ClientWrite', 's3files:ClientRootAccess']);
    expect(s3FilesFileSystemArn(FS, { region: 'us-east-1', account: '123456789012' })).toBe(`arn:aws:s3files:us-east-1:123456789012:file-system/${FS}`);
    expect(s3FilesFileSystemArn(FS)).toBe(`arn:aws:s3files:*:*:file-system/${FS}`);
  });
});

test('a class reading its file system id from a ConfigMap marks the chart: the EFS driver must enable fileSystemIdRefs', () => {
  const chart = newChart();
  new S3Files(chart, 'data', { fileSystemIdConfigRef: 'kube-system/s3files-ids/datasets', directoryPerms: '700' });
  const plain = newChart();
  new S3Files(plain, 'data', BASE);
  expect([usesOf(chart), usesOf(plain)]).toEqual([['efs-file-system-id-refs', 's3-files'], ['s3-files']]);
});
