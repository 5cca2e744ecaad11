import { Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Tokens } from '@strata/tokens';
import { AccessMode, ReclaimPolicy, VolumeBindingMode } from '../src/access-mode';
import { StorageTier } from '../src/tier';
import { Efs, EfsFromFileSystemOptions, EfsProps, EfsProvisioningMode, EfsStorageClass, EfsStorageClassChart, EfsStorageClassProps } from '../src/efs';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';

const FS = 'fs-0123456789abcdef0';
const AP = 'fsap-0123456789abcdef0';
/** The smallest valid class: the seed's parameters (facts §2.2). */
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

  test('custom: the upstream example class comes out parameter for parameter, all strings (facts §7 case 22)', () => {
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

  test('every other parameter: uid/gid, az, zone affinity, tagging off, ConfigMap reference', () => {
    const chart = newChart();
    new EfsStorageClass(chart, 'sc', {
      provisioningMode: EfsProvisioningMode.EFS_AP,
      fileSystemIdConfigRef: 'kube-system/efs-ids/models',
      directoryPerms: '0755',
      uid: 0,
      gid: 4294967295,
      az: 'us-east-1a',
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

  test('root directory limits are counted as the driver builds the path (facts §2.2)', () => {
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
  ])('fromFileSystem builds the %s handle (facts §2.3)', (_name, options, handle) => {
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
    Efs.fromFileSystem(chart, 'efs', { fileSystemId: FS, crossAccount: true, volumeAttributes: { EncryptInTransit: 'false', mounttargetip: 'fd00:ec2::23' } });
    const [pv] = byKind(synthValid(chart), 'PersistentVolume');
    expect(pv.spec.csi.volumeAttributes).toEqual({ crossaccount: 'true', encryptInTransit: 'false', mounttargetip: 'fd00:ec2::23' });
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

/** Every EFS case of facts §7 (24, 26, 28–37), with the exact messages and warnings. */
describe('bad input (facts §7)', () => {
  type Build = (scope: Construct) => void;
  const sc = (p: Partial<Record<keyof EfsStorageClassProps, unknown>>): Build => (s) => new EfsStorageClass(s, 'sc', { ...BASE, ...p } as EfsStorageClassProps);
  const efs = (p: Partial<Record<keyof EfsProps, unknown>>): Build => (s) => new Efs(s, 'efs', { ...BASE, ...p } as EfsProps);
  const pv = (p: Partial<Record<keyof EfsFromFileSystemOptions, unknown>>): Build => (s) => Efs.fromFileSystem(s, 'efs', p as EfsFromFileSystemOptions);
  const EXAMPLE_HANDLE = 'e.g. "efs:fs-0123456789abcdef0:/models:fsap-0123456789abcdef0"';

  test.each<[string, Build, string[], string[]]>([
    // 24: RWO/RWX only.
    ['24 claim ReadOnlyMany', efs({ accessMode: AccessMode.READ_ONLY_MANY }), [`[test/efs] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`], []],
    ['24 static PV ReadOnlyMany', pv({ fileSystemId: FS, accessMode: AccessMode.READ_ONLY_MANY }), [`[test/efs] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`], []],
    ['24 ReadWriteOncePod', efs({ accessMode: AccessMode.READ_WRITE_ONCE_POD }), [`[test/efs] 'accessMode' ("ReadWriteOncePod") must be one of ReadWriteOnce, ReadWriteMany; EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`], []],
    // 26: no Recycle.
    ['26 static PV Recycle', pv({ fileSystemId: FS, reclaimPolicy: 'Recycle' }), [`[test/efs] 'reclaimPolicy' ("Recycle") must be one of Retain, Delete; Recycle is not valid for CSI volumes: use ReclaimPolicy.RETAIN`], []],
    ['26 class Recycle', sc({ reclaimPolicy: 'Recycle' }), [`[test/sc] 'reclaimPolicy' ("Recycle") must be one of Retain, Delete; Recycle is not valid for CSI volumes: use ReclaimPolicy.RETAIN`], []],
    // 28: provisioningMode required, efs-ap.
    ['28 provisioningMode missing', sc({ provisioningMode: undefined }), [`[test/sc] 'provisioningMode' (not set) must be one of efs-ap, s3files-ap; set provisioningMode: EfsProvisioningMode.EFS_AP (one access point per claim)`], []],
    ['28 provisioningMode "efs"', sc({ provisioningMode: 'efs' }), [`[test/sc] 'provisioningMode' ("efs") must be one of efs-ap, s3files-ap; set provisioningMode: EfsProvisioningMode.EFS_AP (one access point per claim)`], []],
    // 29: exactly one file system id source.
    ['29 fileSystemId and fileSystemIdConfigRef', sc({ fileSystemIdConfigRef: 'kube-system/efs-ids/models' }), [`[test/sc] 'fileSystemIdConfigRef' ("kube-system/efs-ids/models") must be left out when fileSystemId is set (exactly one of fileSystemId, fileSystemIdConfigRef, fileSystemIdSecretRef); keep only one of fileSystemId, fileSystemIdConfigRef`], []],
    ['29 no file system id', sc({ fileSystemId: undefined }), [`[test/sc] 'fileSystemId' (not set) must be set, or else one of fileSystemIdConfigRef, fileSystemIdSecretRef; name the file system the access points are created in, e.g. "fs-0123456789abcdef0"`], []],
    ['29 file system id pattern', sc({ fileSystemId: 'fs-12' }), [`[test/sc] 'fileSystemId' ("fs-12") must be a file system id matching ^fs-[0-9a-f]{8,40}$; copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"`], []],
    ['29 reference shape', sc({ fileSystemId: undefined, fileSystemIdSecretRef: 'efs-id' }), [`[test/sc] 'fileSystemIdSecretRef' ("efs-id") must be a reference "namespace/name/key"; write "namespace/name/key", e.g. "kube-system/efs-ids/models"`], []],
    // 30: directoryPerms ^[0-7]{3,4}$.
    ['30 directoryPerms missing', sc({ directoryPerms: undefined }), [`[test/sc] 'directoryPerms' (not set) must be set to 3 or 4 octal digits (^[0-7]{3,4}$); write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`], []],
    ['30 directoryPerms "rwx"', sc({ directoryPerms: 'rwx' }), [`[test/sc] 'directoryPerms' ("rwx") must be 3 or 4 octal digits (^[0-7]{3,4}$); write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`], []],
    ['30 directoryPerms "0800" (8 is not octal)', sc({ directoryPerms: '0800' }), [`[test/sc] 'directoryPerms' ("0800") must be 3 or 4 octal digits (^[0-7]{3,4}$); write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`], []],
    // 31: gid range and POSIX ids.
    ['31 gidRangeStart without gidRangeEnd', sc({ gidRangeStart: 1000 }), [`[test/sc] 'gidRangeEnd' (not set) must be set when gidRangeStart is set; give both ends of the gid range, or neither`], []],
    ['31 gidRangeEnd without gidRangeStart', sc({ gidRangeEnd: 2000 }), [`[test/sc] 'gidRangeStart' (not set) must be set when gidRangeEnd is set; give both ends of the gid range, or neither`], []],
    ['31 gidRangeEnd <= gidRangeStart', sc({ gidRangeStart: 2000, gidRangeEnd: 2000 }), [`[test/sc] 'gidRangeEnd' (2000) must be greater than gidRangeStart (2000); make gidRangeEnd larger than gidRangeStart`], []],
    ['31 gidRangeStart <= 0', sc({ gidRangeStart: 0, gidRangeEnd: 100 }), [`[test/sc] 'gidRangeStart' (0) must be an integer between 1 and 4294967295; start the range above 0, e.g. 50000`], []],
    ['31 uid -1', sc({ uid: -1 }), [`[test/sc] 'uid' (-1) must be an integer between 0 and 4294967295; use a non-negative user id, e.g. 1000`], []],
    ['31 gid beyond the API range', sc({ gid: 4294967296 }), [`[test/sc] 'gid' (4294967296) must be an integer between 0 and 4294967295; use a non-negative group id, e.g. 1000`], []],
    // 32: subPathPattern placeholders and the root directory limits.
    ['32 subPathPattern ${.PVC.labels.team}', sc({ subPathPattern: '${.PVC.labels.team}' }), [`[test/sc] 'subPathPattern' ("\${.PVC.labels.team}") must be made of fixed text and only the placeholders \${.PVC.name}, \${.PVC.namespace}, \${.PV.name}; build the directory from fixed text and those placeholders, e.g. "\${.PVC.namespace}/\${.PVC.name}"`], []],
    [
      '32 root directory > 100 characters',
      sc({ basePath: '/' + 'a'.repeat(59), subPathPattern: '${.PVC.namespace}/${.PVC.name}' }),
      [`[test/sc] 'subPathPattern' ("\${.PVC.namespace}/\${.PVC.name}") must be short enough for an access point root directory of at most 100 characters (the driver builds "/${'a'.repeat(59)}/\${.PVC.namespace}/\${.PVC.name}-<uuid>", at least 101 characters); shorten basePath or subPathPattern, or set ensureUniqueDirectory to false`],
      [],
    ],
    ['32 basePath leaves no room for pvc-<uid>', sc({ basePath: '/' + 'a'.repeat(60) }), [`[test/sc] 'basePath' ("/${'a'.repeat(60)}") must be short enough for an access point root directory of at most 100 characters (the driver builds "/${'a'.repeat(60)}/pvc-<uid>", at least 102 characters); shorten basePath or subPathPattern`], []],
    ['32 root directory > 5 "/"', sc({ basePath: '/a/b/c/d', subPathPattern: '${.PVC.namespace}/${.PVC.name}' }), [`[test/sc] 'subPathPattern' ("\${.PVC.namespace}/\${.PVC.name}") must be shallow enough for an access point root directory with at most 5 '/' (the driver builds "/a/b/c/d/\${.PVC.namespace}/\${.PVC.name}-<uuid>", 6 '/'); use fewer directory levels in basePath or subPathPattern`], []],
    // 33: volumeHandle forms.
    ['33 volumeHandle "fs-12"', pv({ volumeHandle: 'fs-12' }), [`[test/efs] 'volumeHandle' ("fs-12") must be an EFS handle whose file system id matches ^fs-[0-9a-f]{8,40}$ (fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 volumeHandle with access point "ap-1"', pv({ volumeHandle: `efs:${FS}:/a:ap-1` }), [`[test/efs] 'volumeHandle' ("efs:${FS}:/a:ap-1") must be an EFS handle whose access point id matches ^fsap-[0-9a-f]{8,40}$ (efs:fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 volumeHandle with 5 fields', pv({ volumeHandle: `efs:${FS}:/a:${AP}:x` }), [`[test/efs] 'volumeHandle' ("efs:${FS}:/a:${AP}:x") must be an EFS handle of at most 4 fields separated by ':' (efs:fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 legacy volumeHandle with 4 fields', pv({ volumeHandle: `${FS}:/a:${AP}:x` }), [`[test/efs] 'volumeHandle' ("${FS}:/a:${AP}:x") must be an EFS handle of at most 3 fields separated by ':' (fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 prefixed volumeHandle with a bad id', pv({ volumeHandle: 'efs:fs-E8A95A42' }), [`[test/efs] 'volumeHandle' ("efs:fs-E8A95A42") must be an EFS handle whose file system id (after "efs:") matches ^fs-[0-9a-f]{8,40}$ (efs:fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    [
      '33 ids from parts',
      pv({ fileSystemId: 'fs-12', accessPointId: 'ap-1' }),
      [
        `[test/efs] 'fileSystemId' ("fs-12") must be a file system id matching ^fs-[0-9a-f]{8,40}$; copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"`,
        `[test/efs] 'accessPointId' ("ap-1") must be an access point id matching ^fsap-[0-9a-f]{8,40}$; copy the id from "aws efs describe-access-points", e.g. "fsap-0123456789abcdef0"`,
      ],
      [],
    ],
    ['33 no file system', pv({}), [`[test/efs] 'fileSystemId' (not set) must be set (or volumeHandle); name the file system, e.g. "fs-0123456789abcdef0"`], []],
    ['33 volumeHandle and fileSystemId', pv({ volumeHandle: `efs:${FS}`, fileSystemId: FS }), [`[test/efs] 'fileSystemId' ("${FS}") must be left out when volumeHandle is set; put everything in volumeHandle, or drop volumeHandle and keep fileSystemId`], []],
    ['33 subPath with ":"', pv({ fileSystemId: FS, subPath: '/a:b' }), [`[test/efs] 'subPath' ("/a:b") must be a directory path without ':'; name an existing directory, e.g. "/models"`], []],
    // 34: only encryptInTransit, mounttargetip, crossaccount.
    ['34 volumeAttributes { path: /x }', pv({ fileSystemId: FS, volumeAttributes: { path: '/x' } }), [`[test/efs] 'volumeAttributes.path' ("/x") must be left out: the driver takes only encryptInTransit, mounttargetip, crossaccount (it fails with "Volume context property path not supported"); mount a directory with subPath (it goes into the volumeHandle)`], []],
    ['34 volumeAttributes not a boolean', pv({ fileSystemId: FS, volumeAttributes: { crossaccount: 'yes' } }), [`[test/efs] 'volumeAttributes.crossaccount' ("yes") must be a boolean ("true" or "false"); write "true" or "false"`], []],
    ['34 mounttargetip not an IP', pv({ fileSystemId: FS, mountTargetIp: 'mt.example' }), [`[test/efs] 'mountTargetIp' ("mt.example") must be an IP address; give the IPv4 or IPv6 address of a mount target of the file system`], []],
    ['34 attribute given twice', pv({ fileSystemId: FS, encryptInTransit: true, volumeAttributes: { encryptInTransit: 'true' } }), [`[test/efs] 'volumeAttributes.encryptInTransit' ("true") must be left out when encryptInTransit is set; set it one way only`], []],
    // 35: mount options.
    ['35 tls with encryptInTransit false', pv({ fileSystemId: FS, encryptInTransit: false, mountOptions: ['tls'] }), [`[test/efs] 'encryptInTransit' (false) must be true or unset when mountOptions has tls (the driver fails "Found tls in mountOptions but encryptInTransit is false"); drop tls from mountOptions (TLS is on by default) or drop encryptInTransit: false`], []],
    ['35 tls with a raw "false" attribute', pv({ fileSystemId: FS, volumeAttributes: { encryptInTransit: 'False' }, mountOptions: ['TLS'] }), [`[test/efs] 'volumeAttributes.encryptInTransit' (false) must be true or unset when mountOptions has tls (the driver fails "Found tls in mountOptions but encryptInTransit is false"); drop tls from mountOptions (TLS is on by default) or drop encryptInTransit: false`], []],
    ['35 accesspoint= on a static volume', pv({ fileSystemId: FS, accessPointId: AP, mountOptions: [`accesspoint=${AP}`] }), [`[test/efs] 'mountOptions' ("accesspoint=${AP}") must be left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle; drop it and pass accessPointId instead (the driver adds accesspoint= and tls itself)`], []],
    ['35 accesspoint= on a class', sc({ mountOptions: [`accesspoint=${AP}`] }), [`[test/sc] 'mountOptions' ("accesspoint=${AP}") must be left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle; drop it: dynamic provisioning creates one access point per claim`], []],
    ['35 crossaccount on a static volume', pv({ fileSystemId: FS, mountOptions: ['crossaccount'] }), [`[test/efs] 'mountOptions' ("crossaccount") must be left out: the driver sets crossaccount itself; drop it and pass crossAccount: true instead`], []],
    ['35 crossaccount on a class', sc({ mountOptions: ['crossaccount'] }), [`[test/sc] 'mountOptions' ("crossaccount") must be left out: the driver sets crossaccount itself; put crossaccount: "true" in the provisioner secret instead`], []],
    ['35 awscredsuri (warn)', sc({ mountOptions: ['awscredsuri=/v2/credentials'] }), [], [`[test/sc] 'mountOptions' ("awscredsuri=/v2/credentials"): awscredsuri is not supported by the EFS CSI driver; drop it and use iam (the node's IAM identity) instead`]],
    ['35 tls alone (warn: deprecated)', sc({ mountOptions: ['tls'] }), [], [`[test/sc] 'mountOptions' ("tls") is deprecated: the driver enables TLS by default (encryptInTransit); drop it`]],
    // 36: Filesystem only; no expansion.
    ['36 volumeMode Block', efs({ volumeMode: 'Block' }), [`[test/efs] 'volumeMode' ("Block") must be Filesystem; EFS mounts file systems only ("only filesystem volumes are supported"): drop volumeMode`], []],
    ['36 allowVolumeExpansion (warn)', sc({ allowVolumeExpansion: true }), [], [`[test/sc] 'allowVolumeExpansion' (true) has no effect: the EFS driver cannot expand volumes and ignores the requested capacity; drop it`]],
    ['36 allowVolumeExpansion through Efs (warn)', efs({ allowVolumeExpansion: true }), [], [`[test/efs/StorageClass] 'allowVolumeExpansion' (true) has no effect: the EFS driver cannot expand volumes and ignores the requested capacity; drop it`]],
    // 37: enableTagging false while the controller has --tags.
    ['37 enableTagging false with controller tags', sc({ enableTagging: false, controllerHasTags: true }), [`[test/sc] 'enableTagging' (false) must be true or unset while the controller runs with --tags (the driver rejects the claim with InvalidArgument); drop enableTagging, or remove the controller's --tags (chart controller.tags)`], []],
    // S3 Files (facts §2.2, §2.4).
    [
      'S3 Files without reuseAccessPoint, az, stunnel',
      sc({ provisioningMode: EfsProvisioningMode.S3FILES_AP, reuseAccessPoint: true, az: 'us-east-1a', mountOptions: ['stunnel'] }),
      [
        `[test/sc] 'reuseAccessPoint' (true) must be false or unset for s3files-ap; S3 Files access points cannot be reused by claim name: drop reuseAccessPoint`,
        `[test/sc] 'az' ("us-east-1a") must be unset for s3files-ap; az applies to cross-account EFS only: drop it`,
        `[test/sc] 'mountOptions' ("stunnel") must be left out for S3 Files (stunnel is not supported); drop it`,
      ],
      [`[test/sc] 'reuseAccessPoint' (true): the access point is found by claim name only, so claims of the same name in different namespaces share one directory and its data; use a dedicated class per trust boundary`],
    ],
    [
      'S3 Files static volume: always encrypted, no crossaccount',
      pv({ volumeHandle: `s3files:${FS}`, encryptInTransit: false, crossAccount: true }),
      [
        `[test/efs] 'encryptInTransit' (false) must be true or unset for S3 Files; drop it: S3 Files is always encrypted in transit`,
        `[test/efs] 'crossAccount' (true) must be false or unset for S3 Files; drop it: S3 Files does not support crossaccount`,
      ],
      [],
    ],
  ])('%s', (_case, build, errors, warned) => {
    const chart = newChart();
    build(chart);
    expect(synthErrors(chart)).toEqual(errors);
    expect(warnings(chart)).toEqual(warned);
  });
});
