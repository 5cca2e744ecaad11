import { Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Tokens, usesOf } from '@strata/tokens';
import { AccessMode, ReclaimPolicy, VolumeBindingMode } from '../src/access-mode';
import { StorageTier } from '../src/tier';
import { Efs, EFS_NODE_IAM, EfsFromFileSystemOptions, EfsProvisioningMode, EfsStorageClass, EfsStorageClassChart, EfsStorageClassProps } from '../src/efs';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';
import { EFS_ROWS } from './bad-inputs';

const FS = 'fs-0123456789abcdef0';
const AP = 'fsap-0123456789abcdef0';
/** The smallest valid class: the seed's parameters (valid per kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md). */
const BASE: EfsStorageClassProps = { provisioningMode: EfsProvisioningMode.EFS_AP, fileSystemId: FS, directoryPerms: '700' };

describe('EfsStorageClass', () => {
  test('defaults: Retain, Immediate, only the parameters given, no name, no namespace', () => {
    const chart = newChart();
    const sc = new EfsStorageClass(chart, 'sc', BASE);
    const [obj] = synthValid(chart) as any[];
    expect(obj).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: expect.stringMatching(/^test-sc-/) },
      provisioner: 'efs.csi.aws.com',
      parameters: { directoryPerms: '700', fileSystemId: FS, provisioningMode: 'efs-ap' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
    });
    // Effective values of what is left to the driver's defaults (not written).
    expect(sc).toMatchObject({
      reclaimPolicy: ReclaimPolicy.RETAIN,
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
      ensureUniqueDirectory: true,
      reuseAccessPoint: false,
      enforceZoneAffinity: false,
      enableTagging: true,
      controllerHasTags: false,
      allowVolumeExpansion: false,
      mountOptions: [],
    });
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: the upstream example class comes out parameter for parameter, all strings', () => {
    const chart = newChart();
    new EfsStorageClass(chart, 'sc', {
      name: 'efs-sc',
      provisioningMode: EfsProvisioningMode.EFS_AP,
      fileSystemId: 'fs-92107410',
      directoryPerms: '700',
      gidRangeStart: 1000,
      gidRangeEnd: 2000,
      basePath: '/dynamic_provisioning',
      subPathPattern: '${.PVC.namespace}/${.PVC.name}',
      ensureUniqueDirectory: true,
      reuseAccessPoint: false,
      enableTagging: true,
      reclaimPolicy: ReclaimPolicy.DELETE,
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      mountOptions: ['iam', 'lookupcache=pos'],
    });
    const [obj] = synthValid(chart) as any[];
    // examples/kubernetes/efs/dynamic_provisioning/specs/storageclass.yaml
    expect(obj.parameters).toEqual({
      provisioningMode: 'efs-ap',
      fileSystemId: 'fs-92107410',
      directoryPerms: '700',
      gidRangeStart: '1000',
      gidRangeEnd: '2000',
      basePath: '/dynamic_provisioning',
      subPathPattern: '${.PVC.namespace}/${.PVC.name}',
      ensureUniqueDirectory: 'true',
      reuseAccessPoint: 'false',
      enableTagging: 'true',
    });
    expect(obj).toMatchObject({ metadata: { name: 'efs-sc' }, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', mountOptions: ['iam', 'lookupcache=pos'] });
    expect(warnings(chart)).toEqual([]);
  });

  test('every other parameter: uid/gid, cross-account with az, zone affinity, tagging off, ConfigMap reference', () => {
    const chart = newChart();
    new EfsStorageClass(chart, 'sc', {
      provisioningMode: EfsProvisioningMode.EFS_AP,
      fileSystemIdConfigRef: 'kube-system/efs-ids/models',
      directoryPerms: '0755',
      uid: 0,
      gid: 4294967295,
      az: 'us-east-1a',
      crossAccount: { secretName: 'x-account' },
      enforceZoneAffinity: true,
      enableTagging: false,
    });
    const [obj] = synthValid(chart) as any[];
    expect(obj.parameters).toEqual({
      provisioningMode: 'efs-ap',
      fileSystemIdConfigRef: 'kube-system/efs-ids/models',
      directoryPerms: '0755',
      uid: '0',
      gid: '4294967295',
      az: 'us-east-1a',
      'csi.storage.k8s.io/provisioner-secret-name': 'x-account',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'kube-system',
      enforceZoneAffinity: 'true',
      enableTagging: 'false',
    });
  });

  test('S3 Files access points with a Secret reference', () => {
    const chart = newChart();
    new EfsStorageClass(chart, 'sc', { provisioningMode: EfsProvisioningMode.S3FILES_AP, fileSystemIdSecretRef: 'kube-system/s3files/id', directoryPerms: '700', uid: 1000, gid: 1000 });
    const [obj] = synthValid(chart) as any[];
    expect(obj.parameters).toEqual({ provisioningMode: 's3files-ap', fileSystemIdSecretRef: 'kube-system/s3files/id', directoryPerms: '700', uid: '1000', gid: '1000' });
  });

  test('snapshot', () => {
    const chart = newChart();
    new EfsStorageClass(chart, 'sc', { ...BASE, basePath: '/models', subPathPattern: '${.PVC.namespace}/${.PVC.name}', gidRangeStart: 1000, gidRangeEnd: 2000, mountOptions: ['iam'] });
    expect(synthValid(chart)).toMatchSnapshot();
  });

  test('root directory limits are counted as the driver builds the path', () => {
    // "/" + 62 + "/" + "c" + 37 (the -<uuid> suffix) = 101 > 100; one character less fits.
    const at = (basePath: string, extra: Partial<EfsStorageClassProps> = {}) => {
      const chart = newChart();
      new EfsStorageClass(chart, 'sc', { ...BASE, basePath, subPathPattern: '${.PVC.name}', ...extra });
      return synthErrors(chart);
    };
    expect(at('/' + 'a'.repeat(60))).toEqual([]);
    expect(at('/' + 'a'.repeat(61))).toHaveLength(1);
    // Without the unique suffix there is room for 37 more characters.
    expect(at('/' + 'a'.repeat(97), { ensureUniqueDirectory: false })).toEqual([]);
    // Without a pattern the directory is the PV name, pvc-<uid> (40 characters).
    expect(at('/' + 'a'.repeat(58), { subPathPattern: undefined })).toEqual([]);
    expect(at('/' + 'a'.repeat(59), { subPathPattern: undefined })).toHaveLength(1);
    // path.Join cleans: a relative, trailing-slash basePath counts like the absolute one.
    expect(at('a'.repeat(60) + '/')).toEqual([]);
    // 5 '/' are allowed, a sixth is not.
    expect(at('/a/b/c', { subPathPattern: '${.PVC.namespace}/${.PVC.name}' })).toEqual([]);
    expect(at('/a/b/c/d', { subPathPattern: '${.PVC.namespace}/${.PVC.name}' })).toHaveLength(1);
  });

  test('warns about parameters that do nothing or share data', () => {
    const chart = newChart();
    new EfsStorageClass(chart, 'a', { ...BASE, ensureUniqueDirectory: true });
    new EfsStorageClass(chart, 'b', { ...BASE, subPathPattern: '${.PVC.namespace}/${.PVC.name}', ensureUniqueDirectory: false });
    new EfsStorageClass(chart, 'c', { ...BASE, uid: 1000, gid: 1000, gidRangeStart: 2000, gidRangeEnd: 3000 });
    new EfsStorageClass(chart, 'd', { ...BASE, reuseAccessPoint: true });
    expect(synthErrors(chart)).toEqual([]);
    expect(warnings(chart)).toEqual([
      "[test/a] 'ensureUniqueDirectory' (true) has no effect without subPathPattern: every volume already gets its own directory named after the PV; drop it",
      `[test/b] 'ensureUniqueDirectory' (false) makes claims that resolve to the same subPathPattern ("\${.PVC.namespace}/\${.PVC.name}") share one directory and its data`,
      "[test/c] 'gidRangeStart'/'gidRangeEnd' are not used when both uid and gid are set; drop the range or one of uid, gid",
      "[test/d] 'reuseAccessPoint' (true): the access point is found by claim name only, so claims of the same name in different namespaces share one directory and its data; use a dedicated class per trust boundary",
    ]);
  });
});

describe('Efs', () => {
  test('defaults: its own class and a ReadWriteMany 5Gi claim on it', () => {
    const chart = newChart();
    const efs = new Efs(chart, 'ModelCache', BASE);
    const objs = synthValid(chart);
    const [sc] = byKind(objs, 'StorageClass');
    const [pvc] = byKind(objs, 'PersistentVolumeClaim');
    expect(objs).toHaveLength(2);
    expect(sc.metadata).not.toHaveProperty('namespace');
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(pvc.metadata.namespace).toBe('ml');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '5Gi' } },
      storageClassName: sc.metadata.name,
      volumeMode: 'Filesystem',
    });
    expect(efs).toMatchObject({ tier: StorageTier.EFS, accessMode: AccessMode.READ_WRITE_MANY, volumeName: 'model-cache', writable: true });
    expect(efs.storage.toGibibytes()).toBe(5);
    expect(efs.storageClass).toBeInstanceOf(EfsStorageClass);
    expect(efs.persistentVolume).toBeUndefined();
  });

  test('custom: ReadWriteOnce, a size, a named class', () => {
    const chart = newChart();
    new Efs(chart, 'efs', { ...BASE, storageClassName: 'efs-models', accessMode: AccessMode.READ_WRITE_ONCE, storage: Size.gibibytes(100), volumeMode: 'Filesystem' });
    const objs = synthValid(chart);
    expect(byKind(objs, 'StorageClass')[0].metadata.name).toBe('efs-models');
    expect(byKind(objs, 'PersistentVolumeClaim')[0].spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'efs-models', resources: { requests: { storage: '100Gi' } } });
  });

  test('snapshot of a dynamic volume', () => {
    const chart = newChart();
    new Efs(chart, 'efs', { ...BASE, subPathPattern: '${.PVC.namespace}/${.PVC.name}' });
    expect(synthValid(chart)).toMatchSnapshot();
  });

  test('fromStorageClass: a claim on a class construct or on a class name, no class of its own', () => {
    const chart = newChart();
    const sc = new EfsStorageClass(chart, 'sc', { ...BASE, name: 'efs-sc' });
    const a = Efs.fromStorageClass(chart, 'a', { storageClass: sc });
    const b = Efs.fromStorageClass(chart, 'b', { storageClass: { name: 'shared-efs' }, accessMode: AccessMode.READ_WRITE_ONCE });
    const objs = synthValid(chart);
    expect(byKind(objs, 'StorageClass')).toHaveLength(1);
    const claims = byKind(objs, 'PersistentVolumeClaim');
    expect(claims.map((c) => [c.spec.storageClassName, c.spec.accessModes[0]])).toEqual([
      ['efs-sc', 'ReadWriteMany'],
      ['shared-efs', 'ReadWriteOnce'],
    ]);
    expect(a.storageClass).toBeUndefined();
    expect(b.persistentVolume).toBeUndefined();
  });

  test.each<[string, EfsFromFileSystemOptions, string]>([
    ['file system', { fileSystemId: FS }, `efs:${FS}`],
    ['directory', { fileSystemId: FS, subPath: '/dir1' }, `efs:${FS}:/dir1`],
    ['access point', { fileSystemId: FS, accessPointId: AP }, `efs:${FS}::${AP}`],
    ['directory of an access point', { fileSystemId: FS, subPath: '/sub', accessPointId: AP }, `efs:${FS}:/sub:${AP}`],
    ['legacy file system', { fileSystemId: FS, handleFormat: 'legacy' }, FS],
    ['legacy directory', { fileSystemId: FS, subPath: '/path', handleFormat: 'legacy' }, `${FS}:/path`],
    ['legacy access point', { fileSystemId: FS, accessPointId: AP, handleFormat: 'legacy' }, `${FS}::${AP}`],
  ])('fromFileSystem builds the %s handle', (_name, options, handle) => {
    const chart = newChart();
    const efs = Efs.fromFileSystem(chart, 'efs', options);
    const [pv] = byKind(synthValid(chart), 'PersistentVolume');
    expect(efs.volumeHandle).toBe(handle);
    expect(pv.spec.csi).toEqual({ driver: 'efs.csi.aws.com', volumeHandle: handle });
  });

  test.each([`efs:${FS}`, `efs:${FS}:/dir1`, `efs:${FS}::${AP}`, `efs:${FS}:/sub:${AP}`, `s3files:${FS}`, FS, `${FS}:/path`, `${FS}::${AP}`, `${FS}:`, `fs-e8a95a42`])(
    'fromFileSystem takes the raw handle %s as the driver parses it',
    (handle) => {
      const chart = newChart();
      Efs.fromFileSystem(chart, 'efs', { volumeHandle: handle });
      expect(byKind(synthValid(chart), 'PersistentVolume')[0].spec.csi.volumeHandle).toBe(handle);
    },
  );

  test('fromFileSystem: a Retain volume of the empty class and a claim bound to it by name', () => {
    const chart = newChart();
    const efs = Efs.fromFileSystem(chart, 'efs', {
      fileSystemId: FS,
      accessPointId: AP,
      encryptInTransit: true,
      mountTargetIp: '10.0.1.25',
      mountOptions: ['iam', 'lookupcache=pos'],
    });
    const objs = synthValid(chart);
    const [pv] = byKind(objs, 'PersistentVolume');
    const [pvc] = byKind(objs, 'PersistentVolumeClaim');
    expect(byKind(objs, 'StorageClass')).toEqual([]);
    expect(pv.metadata).not.toHaveProperty('namespace');
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '5Gi' },
      csi: { driver: 'efs.csi.aws.com', volumeHandle: `efs:${FS}::${AP}`, volumeAttributes: { encryptInTransit: 'true', mounttargetip: '10.0.1.25' } },
      mountOptions: ['iam', 'lookupcache=pos'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      volumeMode: 'Filesystem',
    });
    expect(pvc.spec).toMatchObject({ storageClassName: '', volumeName: pv.metadata.name, accessModes: ['ReadWriteMany'] });
    expect(efs.persistentVolume!.reclaimPolicy).toBe(ReclaimPolicy.RETAIN);
    expect(synth(chart)).toMatchSnapshot();
  });

  test('fromFileSystem: raw volume attributes with the keys the driver knows, in any case', () => {
    const chart = newChart();
    Efs.fromFileSystem(chart, 'efs', { fileSystemId: FS, volumeAttributes: { EncryptInTransit: 'false', mounttargetip: 'fd00:ec2::23', MountTargetIpMap: '{"us-east-1a":"10.0.1.25"}' } });
    const [pv] = byKind(synthValid(chart), 'PersistentVolume');
    expect(pv.spec.csi.volumeAttributes).toEqual({ encryptInTransit: 'false', mounttargetip: 'fd00:ec2::23', mounttargetipmap: '{"us-east-1a":"10.0.1.25"}' });
  });

  // kubernetes-sigs/aws-efs-csi-driver@v3.4.1:examples/kubernetes/efs/cross_account_mount/specs/pv.yaml: crossaccount "true"
  // resolves the mount target of the node's own zone ID by DNS (efs-utils crossaccount).
  test('fromFileSystem: a file system of another account, by DNS', () => {
    const chart = newChart();
    Efs.fromFileSystem(chart, 'efs', { fileSystemId: FS, crossAccount: true, mountOptions: ['iam'] });
    const [pv] = byKind(synthValid(chart), 'PersistentVolume');
    expect(pv.spec.csi.volumeAttributes).toEqual({ crossaccount: 'true' });
    expect(pv.spec.mountOptions).toEqual(['iam']);
  });

  // The iam mount option: efs-utils authenticates with the node pod's credentials (aws/efs-utils@v3.2.0:src/efs_utils_common/aws_credentials.py#L56-L146:
  // Pod Identity, then IRSA's web identity, then the instance profile); the chart says so, for the environment to give the node an identity.
  test('the iam mount option marks the chart: the EFS CSI node pod needs an identity', () => {
    const dynamic = newChart();
    new Efs(dynamic, 'efs', { ...BASE, mountOptions: ['IAM'] });
    const stat = newChart();
    Efs.fromFileSystem(stat, 'efs', { fileSystemId: FS, mountOptions: ['iam', 'noac'] });
    const none = newChart();
    new Efs(none, 'efs', { ...BASE, mountOptions: ['noac'] });
    expect([usesOf(dynamic), usesOf(stat), usesOf(none)]).toEqual([['efs', EFS_NODE_IAM], ['efs', EFS_NODE_IAM], ['efs']]);
  });

  test('a class bound to chart values: cross-account parts and mount options left out when empty', () => {
    const owner = {};
    const chart = newChart();
    const secretName = Tokens.string('efs.secretName', owner);
    const secretNamespace = Tokens.string('efs.secretNamespace', owner);
    const az = Tokens.string('efs.az', owner);
    const dnsResolution = Tokens.boolean('efs.dns', owner);
    const mountOptions = Tokens.list<string>('efs.mountOptions', owner);
    new EfsStorageClass(chart, 'sc', { ...BASE, az, crossAccount: { secretName, secretNamespace, dnsResolution }, mountOptions });
    expect(synthErrors(chart)).toEqual([]);
    const [sc] = synth(chart) as any[];
    for (const key of ['az', 'csi.storage.k8s.io/provisioner-secret-name', 'csi.storage.k8s.io/provisioner-secret-namespace']) {
      expect(Tokens.infoOf(sc.parameters[key])).toMatchObject({ omitWhenEmpty: true, asText: true });
    }
    expect(Tokens.infoOf(sc.mountOptions)).toMatchObject({ path: 'efs.mountOptions', omitWhenEmpty: true });
    expect(Tokens.infoOf(mountOptions)!.constraints.map((c) => c.constraint)).toEqual([{ items: { not: { pattern: '^([aA][cC][cC][eE][sS][sS][pP][oO][iI][nN][tT]=.*|[cC][rR][oO][sS][sS][aA][cC][cC][oO][uU][nN][tT])$' } } }]);
    const rules = Tokens.conditionalsOf(owner).map((c) => [c.when.map((w) => [w.token.path, w.equals, w.negated ?? false]), c.then?.token.path, c.then?.constraint]);
    expect(rules).toEqual([
      [[['efs.secretName', [''], false]], 'efs.az', { maxLength: 0 }],
      [[['efs.secretName', [''], true]], 'efs.secretNamespace', { minLength: 1 }],
      [[['efs.secretName', [''], false]], 'efs.secretNamespace', { maxLength: 0 }],
      [[['efs.secretName', [''], false]], 'efs.dns', { enum: [false] }],
      [[['efs.dns', [true], false]], 'efs.az', { maxLength: 0 }],
    ]);
  });

  test('a fractional size is rounded up to whole GiB with a warning (EFS ignores it)', () => {
    const chart = newChart();
    const efs = new Efs(chart, 'efs', { ...BASE, storage: Size.mebibytes(1536) });
    expect(byKind(synthValid(chart), 'PersistentVolumeClaim')[0].spec.resources.requests.storage).toBe('2Gi');
    expect(efs.storage.toGibibytes()).toBe(2);
    expect(warnings(chart)).toEqual([`[test/efs] 'storage' ("1536Mi") is not a whole number of GiB: the claim asks for 2Gi (EFS ignores the capacity)`]);
  });
});

describe('mounting', () => {
  function podSpec(chart: ReturnType<typeof newChart>): any {
    return byKind(synthValid(chart), 'Deployment')[0].spec.template.spec;
  }

  test('read-only with a subPath into a Deployment container', () => {
    const chart = newChart();
    const efs = new Efs(chart, 'ModelCache', BASE);
    const deploy = new plus.Deployment(chart, 'deploy', { containers: [{ image: 'busybox', securityContext: { ensureNonRoot: false } }] });
    efs.mount(deploy.containers[0], '/models', { readOnly: true, subPath: 'llama/v1' });
    const spec = podSpec(chart);
    const claimName = byKind(synth(chart), 'PersistentVolumeClaim')[0].metadata.name;
    expect(spec.volumes).toEqual([{ name: 'model-cache', persistentVolumeClaim: { claimName, readOnly: false } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ mountPath: '/models', name: 'model-cache', readOnly: true, subPath: 'llama/v1' }]);
  });

  test('a static volume mounts read-write; cdk8s-plus container.mount works as well', () => {
    const chart = newChart();
    const efs = Efs.fromFileSystem(chart, 'shared', { fileSystemId: FS, accessPointId: AP });
    const deploy = new plus.Deployment(chart, 'deploy', { containers: [{ image: 'busybox', securityContext: { ensureNonRoot: false } }] });
    efs.mount(deploy.containers[0], '/shared');
    deploy.containers[0].mount('/again', efs);
    const spec = podSpec(chart);
    expect(spec.volumes).toHaveLength(1);
    expect(spec.containers[0].volumeMounts).toEqual([
      { mountPath: '/shared', name: 'shared' },
      { mountPath: '/again', name: 'shared' },
    ]);
  });

  test('throws if the mount path is relative or the subPath leaves the volume', () => {
    const chart = newChart();
    const efs = new Efs(chart, 'efs', BASE);
    const deploy = new plus.Deployment(chart, 'deploy', { containers: [{ image: 'busybox' }] });
    efs.mount(deploy.containers[0], 'data', { subPath: '../etc' });
    expect(synthErrors(chart)).toEqual([
      `[test/efs] 'mount path' ("data") must be an absolute path; write "/data"`,
      `[test/efs] 'subPath' ("../etc") must be a relative path without ".."; name a directory inside the volume, e.g. "v1/data"`,
    ]);
  });
});

describe('tokens (Helm values decided at install time)', () => {
  test('class parameters get their rules attached and pass through unchanged', () => {
    const owner = {};
    const chart = newChart();
    const fsId = Tokens.string('efs.fileSystemId', owner);
    const perms = Tokens.string('efs.directoryPerms', owner);
    const gidEnd = Tokens.number('efs.gidRangeEnd', owner);
    const uid = Tokens.number('efs.uid', owner);
    new EfsStorageClass(chart, 'sc', { provisioningMode: EfsProvisioningMode.EFS_AP, fileSystemId: fsId, directoryPerms: perms, gidRangeStart: 1000, gidRangeEnd: gidEnd, uid });
    const [obj] = synthValid(chart) as any[];
    expect(obj.parameters).toMatchObject({ fileSystemId: fsId, directoryPerms: perms, gidRangeEnd: String(gidEnd), uid: String(uid) });
    const constraints = (tok: unknown) => Tokens.infoOf(tok)!.constraints.map((c) => c.constraint);
    expect(constraints(fsId)).toEqual([{ pattern: '^fs-[0-9a-f]{8,40}$' }]);
    expect(constraints(perms)).toEqual([{ pattern: '^[0-7]{3,4}$' }]);
    expect(constraints(gidEnd)).toEqual([{ minimum: 1, maximum: 4294967295, multipleOf: 1 }, { minimum: 1001 }]);
    expect(constraints(uid)).toEqual([{ minimum: 0, maximum: 4294967295, multipleOf: 1 }]);
    expect(Tokens.infoOf(fsId)!.constraints[0].origin).toBe('[test/sc] fileSystemId');
  });

  test('enableTagging must stay true when the controller tags; basePath gets the room left by the pattern', () => {
    const owner = {};
    const chart = newChart();
    const tagging = Tokens.boolean('efs.enableTagging', owner);
    const basePath = Tokens.string('efs.basePath', owner);
    new EfsStorageClass(chart, 'sc', { ...BASE, controllerHasTags: true, enableTagging: tagging, basePath, subPathPattern: '${.PVC.namespace}/${.PVC.name}' });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(tagging)!.constraints.map((c) => c.constraint)).toEqual([{ enum: [true] }]);
    // The rest, "/c/c-<uuid>", is at least 41 characters with 2 '/': 59 characters and 3 levels are left.
    expect(Tokens.infoOf(basePath)!.constraints.map((c) => c.constraint)).toEqual([
      { anyOf: [{ maxLength: 0 }, { pattern: '^/', maxLength: 59 }, { pattern: '^[^/]', maxLength: 58 }] },
      { pattern: '^/?(?:[^/]+(?:/[^/]+){0,2})?/?$' },
    ]);
  });

  test('ensureUniqueDirectory must be false when only the unique suffix breaks the length limit', () => {
    const owner = {};
    const chart = newChart();
    const unique = Tokens.boolean('efs.unique', owner);
    new EfsStorageClass(chart, 'sc', { ...BASE, basePath: '/' + 'a'.repeat(80), subPathPattern: '${.PVC.name}', ensureUniqueDirectory: unique });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(unique)!.constraints.map((c) => c.constraint)).toEqual([{ enum: [false] }]);
  });

  test('a provisioningMode token must not be s3files-ap when reuseAccessPoint is true', () => {
    const owner = {};
    const chart = newChart();
    const mode = Tokens.string('efs.mode', owner) as EfsProvisioningMode;
    new EfsStorageClass(chart, 'sc', { ...BASE, provisioningMode: mode, reuseAccessPoint: true });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(mode)!.constraints.map((c) => c.constraint)).toEqual([{ enum: ['efs-ap', 's3files-ap'] }]);
    expect(Tokens.conditionalsOf(owner)).toEqual([{ when: [{ token: Tokens.infoOf(mode), equals: ['s3files-ap'] }], origin: '[test/sc] reuseAccessPoint' }]);
  });

  test('static volume: the file system id, the handle and the claim size', () => {
    const owner = {};
    const chart = newChart();
    const fsId = Tokens.string('efs.fileSystemId', owner);
    const handle = Tokens.string('efs.handle', owner);
    const gib = Tokens.number('efs.sizeGi', owner);
    const a = Efs.fromFileSystem(chart, 'a', { fileSystemId: fsId, accessPointId: AP, storage: Size.gibibytes(gib) });
    Efs.fromFileSystem(chart, 'b', { volumeHandle: handle });
    expect(synthErrors(chart)).toEqual([]);
    expect(a.volumeHandle).toBe(`efs:${fsId}::${AP}`);
    expect(Tokens.infoOf(fsId)!.constraints.map((c) => c.constraint)).toEqual([{ pattern: '^fs-[0-9a-f]{8,40}$' }]);
    expect(Tokens.infoOf(handle)!.constraints.map((c) => c.constraint)).toEqual([{ pattern: '^(?:(?:efs|s3files):)?fs-[0-9a-f]{8,40}(?::[^:]*(?::(?:fsap-[0-9a-f]{8,40})?)?)?$' }]);
    expect(Tokens.infoOf(gib)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 1 }]);
  });
});

test('EfsStorageClassChart: one class per entry, named by its key, never namespaced', () => {
  const app = Testing.app();
  const chart = new EfsStorageClassChart(app, 'classes', {
    namespace: 'kube-system',
    classes: {
      'efs-sc': BASE,
      'efs-shared': { ...BASE, basePath: '/shared', subPathPattern: '${.PVC.namespace}/${.PVC.name}', reclaimPolicy: ReclaimPolicy.DELETE },
    },
  });
  const objs = Testing.synth(chart) as any[];
  expect(objs.map((o) => [o.kind, o.metadata.name, o.metadata.namespace, o.reclaimPolicy])).toEqual([
    ['StorageClass', 'efs-sc', undefined, 'Retain'],
    ['StorageClass', 'efs-shared', undefined, 'Delete'],
  ]);
  expect(Object.keys(chart.classes)).toEqual(['efs-sc', 'efs-shared']);
  expect(chart.classes['efs-shared'].basePath).toBe('/shared');
});

/** Every EFS bad-input case (EFS_ROWS), with the exact messages and warnings. */
describe('bad input', () => {
  // The table is shared with the hardening suite's bad-input matrix.
  test.each(EFS_ROWS.map(([, name, build, errors, warns]) => [name, build, errors, warns] as const))('%s', (_case, build, errors, warned) => {
    const chart = newChart();
    build(chart);
    expect(synthErrors(chart)).toEqual(errors);
    expect(warnings(chart)).toEqual(warned);
  });
});
