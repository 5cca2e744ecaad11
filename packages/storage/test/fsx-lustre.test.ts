import { Chart, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Tokens } from '@strata/tokens';
import { AccessMode, ReclaimPolicy, VolumeBindingMode } from '../src/access-mode';
import {
  FsxAutoImportPolicy,
  FsxDataCompressionType,
  FsxDeploymentType,
  FsxDriveCacheType,
  FsxFileSystemTypeVersion,
  FsxLustre,
  FsxLustreStorageClass,
  FsxLustreStorageClassChart,
  FsxLustreStorageClassProps,
  FsxMetadataConfigurationMode,
  FsxStorageType,
  roundUpFsxCapacity,
} from '../src/fsx-lustre';
import { StorageTier } from '../src/tier';
import { byKind, newChart, synth, synthErrors, synthValid, warnings } from './testing';
import { FSX_ROWS } from './bad-inputs';

const SUBNET = 'subnet-0eabfaa81fb22bcaf';
const SG = 'sg-068000ccf82dfba88';
/** The network every new file system needs: one subnet, at least one security group. */
const NET = { subnetId: SUBNET, securityGroupIds: [SG] };
const FS_ID = 'fs-0199e5a63bd90f796';
const DNS = 'fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com';
const KMS = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Persistent SSD that passes every rule; rows of the bad-input table change one thing. */
const P1: FsxLustreStorageClassProps = { ...NET, deploymentType: FsxDeploymentType.PERSISTENT_1, perUnitStorageThroughput: 200 };
const P2: FsxLustreStorageClassProps = { ...NET, deploymentType: FsxDeploymentType.PERSISTENT_2, perUnitStorageThroughput: 125 };
const EFA: FsxLustreStorageClassProps = { ...P2, perUnitStorageThroughput: 1000, metadataConfigurationMode: FsxMetadataConfigurationMode.AUTOMATIC, efaEnabled: true };

/** Props as a careless JavaScript or YAML user would pass them (values outside the enums). */

function parametersOf(chart: Chart): Record<string, string> {
  return byKind(synthValid(chart), 'StorageClass')[0].parameters;
}

/**
 * The driver's example manifests (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:examples/kubernetes/*), the parts the tests compare
 * with.
 */
const EXAMPLE = {
  dynamicStorageClass: {
    parameters: {
      subnetId: SUBNET,
      securityGroupIds: SG,
      deploymentType: 'PERSISTENT_1',
      automaticBackupRetentionDays: '1',
      dailyAutomaticBackupStartTime: '00:00',
      copyTagsToBackups: 'true',
      perUnitStorageThroughput: '200',
      dataCompressionType: 'NONE',
      weeklyMaintenanceStartTime: '7:09:00',
      fileSystemTypeVersion: '2.12',
      extraTags: 'Tag1=Value1,Tag2=Value2',
    },
    mountOptions: ['flock'],
  },
  s3StorageClass: {
    parameters: {
      subnetId: 'subnet-0d7b5e117ad7b4961',
      securityGroupIds: 'sg-05a37bfe01467059a',
      s3ImportPath: 's3://ml-training-data-000',
      s3ExportPath: 's3://ml-training-data-000/export',
      deploymentType: 'SCRATCH_2',
    },
    mountOptions: ['flock'],
  },
  // The EFA example has placeholders for the network ids; ours are filled in.
  efaStorageClass: {
    parameters: {
      subnetId: SUBNET,
      securityGroupIds: SG,
      deploymentType: 'PERSISTENT_2',
      perUnitStorageThroughput: '1000',
      fileSystemTypeVersion: '2.15',
      metadataConfigurationMode: 'AUTOMATIC',
      efaEnabled: 'true',
    },
  },
  staticPv: {
    capacity: { storage: '1200Gi' },
    volumeMode: 'Filesystem',
    accessModes: ['ReadWriteMany'],
    mountOptions: ['flock'],
    persistentVolumeReclaimPolicy: 'Retain',
    csi: { driver: 'fsx.csi.aws.com', volumeHandle: FS_ID, volumeAttributes: { dnsname: DNS, mountname: 'fsx' } },
  },
  staticClaim: { accessModes: ['ReadWriteMany'], storageClassName: '', resources: { requests: { storage: '1200Gi' } } },
};

describe('FsxLustreStorageClass', () => {
  test('defaults: SCRATCH_2 written out, Retain, expandable, flock, Immediate, no namespace', () => {
    const chart = newChart();
    const c = new FsxLustreStorageClass(chart, 'sc', { ...NET });
    const [obj] = synthValid(chart) as any[];
    expect(obj).toMatchSnapshot();
    expect(obj.metadata).not.toHaveProperty('namespace');
    expect(obj).toMatchObject({
      kind: 'StorageClass',
      provisioner: 'fsx.csi.aws.com',
      parameters: { deploymentType: 'SCRATCH_2', securityGroupIds: SG, subnetId: SUBNET },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
      mountOptions: ['flock'],
    });
    expect(Object.keys(obj.parameters)).toEqual(['deploymentType', 'securityGroupIds', 'subnetId']);
    expect(c.deploymentType).toBe(FsxDeploymentType.SCRATCH_2);
    expect(c.storageType).toBe(FsxStorageType.SSD);
    expect(c.dataCompressionType).toBe(FsxDataCompressionType.NONE);
    expect(c.efaEnabled).toBe(false);
    expect(c.reclaimPolicy).toBe(ReclaimPolicy.RETAIN);
    expect(c.allowVolumeExpansion).toBe(true);
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: every parameter, written as strings (case 22)', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', {
      ...P1,
      name: 'fsx-hdd',
      securityGroupIds: [SG, 'sg-05a37bfe01467059a'],
      storageType: FsxStorageType.HDD,
      perUnitStorageThroughput: 40,
      driveCacheType: FsxDriveCacheType.READ,
      kmsKeyId: KMS,
      automaticBackupRetentionDays: 90,
      dailyAutomaticBackupStartTime: '23:59',
      copyTagsToBackups: true,
      dataCompressionType: FsxDataCompressionType.LZ4,
      weeklyMaintenanceStartTime: '1:00:00',
      fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_15,
      extraTags: { team: 'ml', env: 'prod' },
      reclaimPolicy: ReclaimPolicy.DELETE,
      allowVolumeExpansion: false,
      mountOptions: ['flock', 'noatime'],
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      autoModeCluster: true,
    });
    const [obj] = synthValid(chart) as any[];
    expect(obj).toMatchSnapshot();
    expect(obj.metadata.name).toBe('fsx-hdd');
    expect(obj.parameters).toEqual({
      automaticBackupRetentionDays: '90',
      copyTagsToBackups: 'true',
      dailyAutomaticBackupStartTime: '23:59',
      dataCompressionType: 'LZ4',
      deploymentType: 'PERSISTENT_1',
      driveCacheType: 'READ',
      extraTags: 'team=ml,env=prod',
      fileSystemTypeVersion: '2.15',
      kmsKeyId: KMS,
      perUnitStorageThroughput: '40',
      securityGroupIds: `${SG},sg-05a37bfe01467059a`,
      storageType: 'HDD',
      subnetId: SUBNET,
      weeklyMaintenanceStartTime: '1:00:00',
    });
    expect(obj).toMatchObject({ reclaimPolicy: 'Delete', allowVolumeExpansion: false, volumeBindingMode: 'WaitForFirstConsumer', mountOptions: ['flock', 'noatime'] });
  });

  test('custom: the S3 link (import, export, auto-import) on a class without backups', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', {
      ...P1,
      s3ImportPath: 's3://ml-training-data-000',
      s3ExportPath: 's3://ml-training-data-000/export',
      autoImportPolicy: FsxAutoImportPolicy.NEW_CHANGED_DELETED,
    });
    expect(parametersOf(chart)).toMatchObject({
      autoImportPolicy: 'NEW_CHANGED_DELETED',
      s3ExportPath: 's3://ml-training-data-000/export',
      s3ImportPath: 's3://ml-training-data-000',
    });
    expect(warnings(chart)).toEqual([]);
  });

  test('reproduces the driver examples (dynamic, S3, EFA) parameter for parameter', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'dynamic', {
      subnetId: SUBNET,
      securityGroupIds: [SG],
      deploymentType: FsxDeploymentType.PERSISTENT_1,
      automaticBackupRetentionDays: 1,
      dailyAutomaticBackupStartTime: '00:00',
      copyTagsToBackups: true,
      perUnitStorageThroughput: 200,
      dataCompressionType: FsxDataCompressionType.NONE,
      weeklyMaintenanceStartTime: '7:09:00',
      fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_12,
      extraTags: { Tag1: 'Value1', Tag2: 'Value2' },
    });
    new FsxLustreStorageClass(chart, 's3', {
      subnetId: 'subnet-0d7b5e117ad7b4961',
      securityGroupIds: ['sg-05a37bfe01467059a'],
      s3ImportPath: 's3://ml-training-data-000',
      s3ExportPath: 's3://ml-training-data-000/export',
      deploymentType: FsxDeploymentType.SCRATCH_2,
    });
    new FsxLustreStorageClass(chart, 'efa', {
      subnetId: SUBNET,
      securityGroupIds: [SG],
      deploymentType: FsxDeploymentType.PERSISTENT_2,
      perUnitStorageThroughput: 1000,
      fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_15,
      metadataConfigurationMode: FsxMetadataConfigurationMode.AUTOMATIC,
      efaEnabled: true,
      mountOptions: [],
    });
    const [dynamic, s3, efa] = byKind(synthValid(chart), 'StorageClass');
    expect(dynamic.parameters).toEqual(EXAMPLE.dynamicStorageClass.parameters);
    expect(dynamic.mountOptions).toEqual(EXAMPLE.dynamicStorageClass.mountOptions);
    expect(s3.parameters).toEqual(EXAMPLE.s3StorageClass.parameters);
    expect(s3.mountOptions).toEqual(EXAMPLE.s3StorageClass.mountOptions);
    expect(efa.parameters).toEqual(EXAMPLE.efaStorageClass.parameters);
    expect(efa).not.toHaveProperty('mountOptions');
  });

  test('SCRATCH_1 cannot grow: expansion is off by default there', () => {
    const chart = newChart();
    const c = new FsxLustreStorageClass(chart, 'sc', { ...NET, deploymentType: FsxDeploymentType.SCRATCH_1 });
    expect(c.allowVolumeExpansion).toBe(false);
    expect(synthValid(chart)[0]).toMatchObject({ allowVolumeExpansion: false });
  });

  test('every parameter value is a string, whatever the prop type (case 22)', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', { ...P2, metadataConfigurationMode: FsxMetadataConfigurationMode.USER_PROVISIONED, metadataIops: 24000, efaEnabled: true, copyTagsToBackups: true, automaticBackupRetentionDays: 0, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_15 });
    const params = parametersOf(chart);
    expect(params).toMatchObject({ perUnitStorageThroughput: '125', metadataIops: '24000', efaEnabled: 'true', copyTagsToBackups: 'true', automaticBackupRetentionDays: '0' });
    for (const v of Object.values(params)) expect(typeof v).toBe('string');
  });

  // The driver sends efaEnabled and copyTagsToBackups only when true, metadataIops only above 0,
  // s3ExportPath, metadataConfigurationMode and extraTags only when not empty
  // (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L173-L219, pkg/driver/controller.go#L302-L307):
  // their empty forms are left out, so that a class bound to chart values left empty is the class without them.
  test('settings the driver sends only when set are left out when empty', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', { ...P2, efaEnabled: false, copyTagsToBackups: false, metadataIops: 0, s3ExportPath: '', metadataConfigurationMode: '' as FsxMetadataConfigurationMode, extraTags: [] });
    expect(Object.keys(parametersOf(chart)).sort()).toEqual(['deploymentType', 'perUnitStorageThroughput', 'securityGroupIds', 'subnetId']);
  });

  test('extraTags: a map or "Key=Value" strings, written as the driver reads them', () => {
    const map = newChart();
    new FsxLustreStorageClass(map, 'sc', { ...NET, extraTags: { team: 'ml', 'cost center': '42/a' } });
    const list = newChart();
    new FsxLustreStorageClass(list, 'sc', { ...NET, extraTags: ['team=ml', 'cost center=42/a'] });
    expect(parametersOf(map).extraTags).toBe('team=ml,cost center=42/a');
    expect(parametersOf(list).extraTags).toBe('team=ml,cost center=42/a');
  });

  test('extraTags bound to a list value: each tag\'s shape, the reserved ones and the count become schema rules', () => {
    const owner = {};
    const chart = newChart();
    const tags = Tokens.list<string>('fsx.extraTags', owner);
    new FsxLustreStorageClass(chart, 'sc', { ...NET, extraTags: tags });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(tags)!.constraints.map((c) => [c.constraint, c.accepted])).toEqual([
      [{ items: { pattern: '^[A-Za-z0-9 _.:/+@-]{1,128}=[A-Za-z0-9 _.:/+@-]{0,256}$' } }, 'tags "Key=Value" as FSx takes them'],
      [{ items: { not: { pattern: '^([aA][wW][sS]:|CSIVolumeName=)|=[aA][wW][sS]:' } } }, 'tags without the reserved prefix aws: and without the key CSIVolumeName'],
      [{ maxItems: 49 }, 'at most 49 tags'],
    ]);
    // Written as the joined list, left out when the list is empty.
    const text = parametersOf(chart).extraTags;
    expect(Tokens.infoOf(text)).toMatchObject({ path: 'fsx.extraTags', kind: 'list', asText: true, omitWhenEmpty: true });
  });

  test('metadata IOPS and their mode both decided at install time: IOPS only with a mode, the levels for USER_PROVISIONED', () => {
    const owner = {};
    const chart = newChart();
    const mode = Tokens.string('fsx.mode', owner) as FsxMetadataConfigurationMode;
    const iops = Tokens.number('fsx.iops', owner);
    new FsxLustreStorageClass(chart, 'sc', { ...P2, metadataConfigurationMode: mode, metadataIops: iops });
    expect(synthErrors(chart)).toEqual([]);
    const onIops = Tokens.conditionalsOf(owner)
      .filter((c) => c.then?.token.path === 'fsx.iops')
      .map((c) => [c.when.map((w) => [w.token.path, w.equals]), c.then!.constraint]);
    expect(onIops).toEqual([
      [[['fsx.mode', ['']]], { enum: [0] }],
      [[['fsx.mode', ['AUTOMATIC']]], { enum: [0] }],
      [[['fsx.mode', ['USER_PROVISIONED']]], { anyOf: [{ enum: [0] }, { anyOf: [{ enum: [1500, 3000, 6000] }, { multipleOf: 12000, minimum: 12000, maximum: 192000 }] }] }],
      [[['fsx.mode', ['USER_PROVISIONED']]], { minimum: 1 }],
    ]);
  });

  test('empty maps and lists are left out rather than written as ""', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', { ...NET, extraTags: {}, mountOptions: [] });
    const [obj] = synthValid(chart) as any[];
    expect(obj.parameters).toEqual({ deploymentType: 'SCRATCH_2', securityGroupIds: SG, subnetId: SUBNET });
    expect(obj).not.toHaveProperty('mountOptions');
  });

  // kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L186-L192 sends
  // strings.Split(securityGroupIds, ",") — [""] for an unset parameter — to CreateFileSystem.
  test.each<[string, string[] | undefined, string]>([
    ['unset', undefined, 'not set'],
    ['an empty list', [], '[]'],
  ])('throws if securityGroupIds is %s: the driver would send [""]', (_what, securityGroupIds, shown) => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', { subnetId: SUBNET, securityGroupIds });
    expect(synthErrors(chart)).toEqual([
      `[test/sc] 'securityGroupIds' (${shown}) must be at least one security group id for a new file system; give the groups that allow Lustre traffic (TCP 988) between the nodes and the file system: without one the driver sends SecurityGroupIds [""] to CreateFileSystem, which fails`,
    ]);
  });

  test('a security group list bound to a value must hold at least one id', () => {
    const owner = {};
    const chart = newChart();
    const groups = Tokens.list<string>('fsx.securityGroupIds', owner);
    new FsxLustreStorageClass(chart, 'sc', { subnetId: SUBNET, securityGroupIds: groups });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(groups)!.constraints.map((c) => c.constraint)).toEqual([{ minItems: 1 }, { items: { pattern: '^sg-[0-9a-f]{8,17}$' } }]);
  });

  test('throws if a file system linked to S3 has backups: retention, start time, tag copies', () => {
    const chart = newChart();
    new FsxLustreStorageClass(chart, 'sc', { ...P1, s3ImportPath: 's3://ml-data/train', automaticBackupRetentionDays: 7, dailyAutomaticBackupStartTime: '02:00', copyTagsToBackups: true });
    const fix = 'FSx takes no backups of a file system linked to S3, whose bucket is its durable copy: export results to the bucket, or remove s3ImportPath for a backed-up PERSISTENT_1 file system';
    expect(synthErrors(chart)).toEqual([
      `[test/sc] 'automaticBackupRetentionDays' (7) must be 0 or unset on a file system linked to S3 (s3ImportPath); ${fix}`,
      `[test/sc] 'dailyAutomaticBackupStartTime' ("02:00") must be unset on a file system linked to S3 (s3ImportPath); ${fix}`,
      `[test/sc] 'copyTagsToBackups' (true) must be false or unset on a file system linked to S3 (s3ImportPath); ${fix}`,
    ]);
    // Linked and without backups: accepted, and no "start time is dropped" warning either.
    const ok = newChart();
    new FsxLustreStorageClass(ok, 'sc', { ...P1, s3ImportPath: 's3://ml-data/train', automaticBackupRetentionDays: 0, copyTagsToBackups: false });
    expect(synthErrors(ok)).toEqual([]);
    expect(warnings(ok)).toEqual([]);
  });

  test('tokens: "an S3 import path is set ⇒ no backups" becomes a conditional on the import path', () => {
    const owner = {};
    const chart = newChart();
    const s3ImportPath = Tokens.string('fsx.s3ImportPath', owner);
    const days = Tokens.number('fsx.backupDays', owner);
    const start = Tokens.string('fsx.backupStart', owner);
    new FsxLustreStorageClass(chart, 'sc', { ...P1, s3ImportPath, automaticBackupRetentionDays: days, dailyAutomaticBackupStartTime: start });
    expect(synthErrors(chart)).toEqual([]);
    const onImport = Tokens.conditionalsOf(owner)
      .filter((c) => c.when.some((w) => w.token.path === 'fsx.s3ImportPath' && w.negated))
      .map((c) => [c.when.map((w) => [w.token.path, w.equals, w.negated]), c.then?.token.path, c.then?.constraint]);
    expect(onImport).toEqual([
      [[['fsx.s3ImportPath', [''], true]], 'fsx.backupDays', { enum: [0] }],
      [[['fsx.s3ImportPath', [''], true]], 'fsx.backupStart', { enum: [''] }],
    ]);
  });

  test('tokens: rules become constraints of the Helm values instead of being decided now', () => {
    const owner = {};
    const chart = newChart();
    const subnet = Tokens.string('fsx.subnetId', owner);
    const throughput = Tokens.number('fsx.throughput', owner);
    const days = Tokens.number('fsx.backupDays', owner);
    const team = Tokens.string('fsx.team', owner);
    new FsxLustreStorageClass(chart, 'sc', { ...P1, subnetId: subnet, perUnitStorageThroughput: throughput, automaticBackupRetentionDays: days, extraTags: { team } });
    const params = parametersOf(chart);
    expect(params.extraTags).toBe(`team=${team}`);
    expect(Tokens.infoOf(team)!.constraints.map((c) => c.constraint)).toEqual([{ pattern: '^[A-Za-z0-9 _.:/+@-]{0,256}$' }]);
    // Tokens are passed through untouched, for the output writer to turn into template expressions.
    expect(params).toMatchObject({ subnetId: subnet, perUnitStorageThroughput: String(throughput), automaticBackupRetentionDays: String(days) });
    // The driver sends neither "" nor 0: a value may leave an optional parameter unset that way,
    // a required one may not.
    expect(Tokens.infoOf(subnet)!.constraints).toEqual([
      { constraint: { minLength: 1 }, origin: '[test/sc] subnetId' },
      { constraint: { pattern: '^subnet-[0-9a-f]{8,17}$' }, origin: '[test/sc] subnetId', accepted: 'exactly one subnet id (subnet- and 8 to 17 hex digits)' },
    ]);
    expect(Tokens.infoOf(throughput)!.constraints.map((c) => c.constraint)).toEqual([{ enum: [0, 50, 100, 200] }, { minimum: 1 }]);
    expect(Tokens.infoOf(days)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 0, maximum: 90, multipleOf: 1 }]);
  });

  test('tokens: a deployment type decided at install time turns cross-field rules into conditionals', () => {
    const owner = {};
    const chart = newChart();
    const deploymentType = Tokens.string('fsx.deploymentType', owner) as FsxDeploymentType;
    const throughput = Tokens.number('fsx.throughput', owner);
    new FsxLustreStorageClass(chart, 'sc', { ...NET, deploymentType, perUnitStorageThroughput: throughput });
    expect(synthErrors(chart)).toEqual([]);
    expect(Tokens.infoOf(deploymentType)!.constraints.map((c) => c.constraint)).toEqual([{ minLength: 1 }, { enum: ['SCRATCH_1', 'SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2'] }]);
    const conditionals = Tokens.conditionalsOf(owner).map((c) => ({ when: c.when.map((w) => [w.token.path, w.equals]), then: c.then?.constraint }));
    expect(conditionals).toEqual(
      expect.arrayContaining([
        { when: [['fsx.deploymentType', ['SCRATCH_1', 'SCRATCH_2']]], then: { enum: [0] } },
        { when: [['fsx.deploymentType', ['PERSISTENT_1']]], then: { enum: [0, 50, 100, 200] } },
        { when: [['fsx.deploymentType', ['PERSISTENT_1']]], then: { minimum: 1 } },
        { when: [['fsx.deploymentType', ['PERSISTENT_2']]], then: { enum: [0, 125, 250, 500, 1000] } },
      ]),
    );
  });
});

describe('FsxLustre', () => {
  test('defaults: its own StorageClass and a ReadWriteMany claim of it', () => {
    const chart = newChart();
    const f = new FsxLustre(chart, 'fsx', { ...NET, storage: Size.gibibytes(1200) });
    const objs = synthValid(chart) as any[];
    expect(objs).toMatchSnapshot();
    const [storageClass] = byKind(objs, 'StorageClass');
    const [claim] = byKind(objs, 'PersistentVolumeClaim');
    expect(f.tier).toBe(StorageTier.FSX_LUSTRE);
    expect(f.accessMode).toBe(AccessMode.READ_WRITE_MANY);
    expect(f.writable).toBe(true);
    expect(f.storageClass!.deploymentType).toBe(FsxDeploymentType.SCRATCH_2);
    expect(claim.metadata.namespace).toBe('ml');
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '1200Gi' } },
      storageClassName: storageClass.metadata.name,
      volumeMode: 'Filesystem',
    });
    expect(warnings(chart)).toEqual([]);
  });

  test('custom: PERSISTENT_2 with EFA, named class, ReadWriteOnce', () => {
    const chart = newChart();
    const f = new FsxLustre(chart, 'fsx', { ...EFA, name: 'fsx-efa', storage: Size.gibibytes(9600), accessMode: AccessMode.READ_WRITE_ONCE });
    const objs = synthValid(chart) as any[];
    expect(objs).toMatchSnapshot();
    expect(byKind(objs, 'PersistentVolumeClaim')[0].spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'fsx-efa', resources: { requests: { storage: '9600Gi' } } });
    expect(f.storageClassName).toBe('fsx-efa');
    expect(warnings(chart)).toEqual([]);
  });

  // Case 23: accepted, normalized to what FSx provisions, with a warning naming both sizes.
  test.each<[string, FsxLustreStorageClassProps, Size, number, string | undefined]>([
    ['SCRATCH_2 1000Gi', { ...NET }, Size.gibibytes(1000), 1200, "'storage' (1000Gi) is rounded up to 1200Gi, the next size FSx provisions for SCRATCH_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 1200Gi"],
    ['SCRATCH_2 3000Gi', { ...NET }, Size.gibibytes(3000), 4800, "'storage' (3000Gi) is rounded up to 4800Gi, the next size FSx provisions for SCRATCH_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 4800Gi"],
    ['SCRATCH_2 1.2Ti', { ...NET }, Size.tebibytes(1.2), 2400, "'storage' (1.2Ti) is rounded up to 2400Gi, the next size FSx provisions for SCRATCH_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 2400Gi"],
    ['SCRATCH_1 4000Gi', { ...NET, deploymentType: FsxDeploymentType.SCRATCH_1 }, Size.gibibytes(4000), 7200, "'storage' (4000Gi) is rounded up to 7200Gi, the next size FSx provisions for SCRATCH_1 SSD (1200Gi, 2400Gi, then multiples of 3600Gi); the claim requests 7200Gi"],
    ['HDD@12 7000Gi', { ...P1, storageType: FsxStorageType.HDD, perUnitStorageThroughput: 12, driveCacheType: FsxDriveCacheType.NONE }, Size.gibibytes(7000), 12000, "'storage' (7000Gi) is rounded up to 12000Gi, the next size FSx provisions for PERSISTENT_1 HDD at 12 MB/s/TiB (multiples of 6000Gi); the claim requests 12000Gi"],
    ['HDD@40 1200Gi', { ...P1, storageType: FsxStorageType.HDD, perUnitStorageThroughput: 40, driveCacheType: FsxDriveCacheType.READ }, Size.gibibytes(1200), 1800, "'storage' (1200Gi) is rounded up to 1800Gi, the next size FSx provisions for PERSISTENT_1 HDD at 40 MB/s/TiB (multiples of 1800Gi); the claim requests 1800Gi"],
    ['PERSISTENT_1 2400Gi is already valid', P1, Size.gibibytes(2400), 2400, undefined],
    ['1 TiB rounds to 1200Gi', P2, Size.tebibytes(1), 1200, "'storage' (1Ti) is rounded up to 1200Gi, the next size FSx provisions for PERSISTENT_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 1200Gi"],
  ])('rounds %s (case 23)', (_name, props, storage, expectedGi, warning) => {
    const chart = newChart();
    const f = new FsxLustre(chart, 'fsx', { ...props, storage });
    const [claim] = byKind(synthValid(chart), 'PersistentVolumeClaim');
    expect(claim.spec.resources.requests.storage).toBe(`${expectedGi}Gi`);
    expect(f.storage.toGibibytes()).toBe(expectedGi);
    expect(f.requestedStorage).toBe(storage);
    expect(warnings(chart)).toEqual(warning ? [`[test/fsx] ${warning}`] : []);
  });

  test('roundUpFsxCapacity follows the driver (util.RoundUpVolumeSize)', () => {
    const ssd2 = { deploymentType: FsxDeploymentType.SCRATCH_2, storageType: FsxStorageType.SSD };
    const ssd1 = { deploymentType: FsxDeploymentType.SCRATCH_1, storageType: FsxStorageType.SSD };
    expect([1, 1200, 1201, 2400, 2401, 4800, 4801].map((g) => roundUpFsxCapacity(g, ssd2))).toEqual([1200, 1200, 2400, 2400, 4800, 4800, 7200]);
    expect([1, 2401, 3000, 3600, 3601].map((g) => roundUpFsxCapacity(g, ssd1))).toEqual([1200, 3600, 3600, 3600, 7200]);
    expect(roundUpFsxCapacity(3000, {})).toBe(3600); // no deployment type = SCRATCH_1 for the driver
  });

  test('EFA capacity: a multiple of the EFA step is accepted (case 18)', () => {
    const chart = newChart();
    new FsxLustre(chart, 'fsx', { ...EFA, perUnitStorageThroughput: 500, storage: Size.gibibytes(9000) });
    expect(byKind(synthValid(chart), 'PersistentVolumeClaim')[0].spec.resources.requests.storage).toBe('9600Gi');
    expect(warnings(chart)).toEqual(["[test/fsx] 'storage' (9000Gi) is rounded up to 9600Gi, the next size FSx provisions for PERSISTENT_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 9600Gi"]);
  });

  test('a size token gets the valid capacities attached instead of being rounded', () => {
    const owner = {};
    const chart = newChart();
    const gi = Tokens.number('fsx.sizeGi', owner);
    new FsxLustre(chart, 'fsx', { ...EFA, storage: Size.gibibytes(gi) });
    const [claim] = byKind(synth(chart), 'PersistentVolumeClaim');
    expect(claim.spec.resources.requests.storage).toBe(`${gi}Gi`);
    expect(Tokens.infoOf(gi)!.constraints).toEqual([
      { constraint: { minimum: 1200, anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] }, origin: '[test/fsx] storage', accepted: 'at least 1200 and one of 1200 or a multiple of 2400' },
      { constraint: { minimum: 4800, multipleOf: 4800 }, origin: '[test/fsx] storage', accepted: 'at least 4800 and a multiple of 4800' },
    ]);
  });

  test('a size token with a SCRATCH_1 class gets the SCRATCH_1 capacities', () => {
    const owner = {};
    const chart = newChart();
    const gi = Tokens.number('fsx.sizeGi', owner);
    new FsxLustre(chart, 'fsx', { ...NET, deploymentType: FsxDeploymentType.SCRATCH_1, storage: Size.gibibytes(gi) });
    synth(chart);
    expect(Tokens.infoOf(gi)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 1200, anyOf: [{ enum: [1200, 2400] }, { multipleOf: 3600 }] }]);
  });

  test('a size and a deployment type both decided at install time: capacity rules by deployment type', () => {
    const owner = {};
    const chart = newChart();
    const gi = Tokens.number('fsx.sizeGi', owner);
    const deploymentType = Tokens.string('fsx.deploymentType', owner) as FsxDeploymentType;
    new FsxLustre(chart, 'fsx', { ...NET, deploymentType, storage: Size.gibibytes(gi) });
    synth(chart);
    const sized = Tokens.conditionalsOf(owner).filter((c) => c.then?.token === Tokens.infoOf(gi));
    expect(sized.map((c) => [c.when.map((w) => w.equals), c.then!.constraint])).toEqual([
      [[['SCRATCH_1']], { minimum: 1200, anyOf: [{ enum: [1200, 2400] }, { multipleOf: 3600 }] }],
      [[['SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2']], { minimum: 1200, anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] }],
    ]);
  });

  test('a literal size with the deployment type decided at install time: checked against every possible type', () => {
    const owner = {};
    const fits = newChart();
    const deploymentType = Tokens.string('fsx.deploymentType', owner) as FsxDeploymentType;
    // 2400Gi is valid for every SSD deployment type: the claim asks for it as is.
    new FsxLustre(fits, 'fsx', { ...NET, deploymentType, storage: Size.gibibytes(2400) });
    expect(byKind(synthValid(fits), 'PersistentVolumeClaim')[0].spec.resources.requests.storage).toBe('2400Gi');
    // 1000Gi is valid for none: every install would fail, so synthesis does.
    const none = newChart();
    new FsxLustre(none, 'fsx', { ...NET, deploymentType, storage: Size.gibibytes(1000) });
    expect(synthErrors(none)).toEqual([
      `[test/fsx] 'storage' (1000Gi) must be 1200Gi, 2400Gi, then multiples of 3600Gi for SCRATCH_1 SSD, or 1200Gi, 2400Gi, then multiples of 2400Gi for SCRATCH_2, PERSISTENT_1 and PERSISTENT_2 SSD; request a size that every setting left to install time accepts, or bind storage to a value too`,
    ]);
  });

  test('fromStorageClass: a class of the environment chart, by construct', () => {
    const app = Testing.app();
    const classes = new FsxLustreStorageClassChart(app, 'fsx-classes', {
      classes: { 'fsx-scratch': { ...NET }, 'fsx-persistent': { ...P2, perUnitStorageThroughput: 250 } },
    });
    const workload = new Chart(app, 'test', { namespace: 'ml' });
    const f = FsxLustre.fromStorageClass(workload, 'fsx', { storageClass: classes.classes['fsx-persistent'], storage: Size.gibibytes(3000) });
    const [claim] = byKind(synthValid(workload), 'PersistentVolumeClaim');
    expect(claim.spec).toMatchObject({ storageClassName: 'fsx-persistent', resources: { requests: { storage: '4800Gi' } }, accessModes: ['ReadWriteMany'] });
    expect(f.storageClass).toBe(classes.classes['fsx-persistent']);
    expect(byKind(synthValid(workload), 'StorageClass')).toEqual([]);
    expect(warnings(workload)).toEqual([
      "[test/fsx] 'storage' (3000Gi) is rounded up to 4800Gi, the next size FSx provisions for PERSISTENT_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 4800Gi",
    ]);
  });

  test('fromStorageClass: a class known by name and deployment type', () => {
    const chart = newChart();
    FsxLustre.fromStorageClass(chart, 'fsx', { storageClass: { name: 'fsx-scratch-1', deploymentType: FsxDeploymentType.SCRATCH_1 }, storage: Size.gibibytes(3000) });
    const objs = synthValid(chart) as any[];
    expect(objs.map((o) => o.kind)).toEqual(['PersistentVolumeClaim']);
    expect(objs[0].spec).toMatchObject({ storageClassName: 'fsx-scratch-1', resources: { requests: { storage: '3600Gi' } } });
  });

  test('fromStorageClass: a class known by name only is not rounded, with a warning', () => {
    const chart = newChart();
    FsxLustre.fromStorageClass(chart, 'fsx', { storageClass: { name: 'fsx' }, storage: Size.gibibytes(1000) });
    expect(byKind(synthValid(chart), 'PersistentVolumeClaim')[0].spec.resources.requests.storage).toBe('1000Gi');
    expect(warnings(chart)).toEqual([
      `[test/fsx] 'storage' (1000Gi) is not rounded: the deploymentType of StorageClass "fsx" is not known here; give it so that the claim requests what FSx provisions (the driver rounds up to 1200Gi, 2400Gi, then multiples of 2400Gi, or 3600Gi for SCRATCH_1)`,
    ]);
  });

  test('fromFileSystem: the upstream static example, bound by volumeName with the empty class', () => {
    const chart = newChart();
    const f = FsxLustre.fromFileSystem(chart, 'fsx', { fileSystemId: FS_ID, dnsName: DNS, deploymentType: FsxDeploymentType.SCRATCH_1, storage: Size.gibibytes(1200) });
    const objs = synthValid(chart) as any[];
    expect(objs).toMatchSnapshot();
    const [pv] = byKind(objs, 'PersistentVolume');
    const [claim] = byKind(objs, 'PersistentVolumeClaim');
    expect(pv.metadata).not.toHaveProperty('namespace');
    expect(pv.spec).toEqual({ ...EXAMPLE.staticPv, storageClassName: '' });
    expect(claim.spec).toEqual({ ...EXAMPLE.staticClaim, volumeName: pv.metadata.name, volumeMode: 'Filesystem' });
    expect(f.storageClassName).toBe('');
    expect(f.persistentVolume!.name).toBe(pv.metadata.name);
  });

  test('fromFileSystem: a persistent file system with its mount name', () => {
    const chart = newChart();
    FsxLustre.fromFileSystem(chart, 'fsx', { fileSystemId: FS_ID, dnsName: DNS, mountName: '2p3bxbmv', deploymentType: FsxDeploymentType.PERSISTENT_2, storage: Size.gibibytes(4800), mountOptions: [] });
    const [pv] = byKind(synthValid(chart), 'PersistentVolume');
    expect(pv.spec.csi).toEqual({ driver: 'fsx.csi.aws.com', volumeHandle: FS_ID, volumeAttributes: { dnsname: DNS, mountname: '2p3bxbmv' } });
    expect(pv.spec).not.toHaveProperty('mountOptions');
  });

  test('mounts read-only with a subPath into a Deployment', () => {
    const chart = newChart();
    const f = new FsxLustre(chart, 'Datasets', { ...NET, storage: Size.gibibytes(2400) });
    const deployment = new plus.Deployment(chart, 'trainer', { containers: [{ image: 'trainer:1' }] });
    f.mount(deployment.containers[0], '/data', { readOnly: true, subPath: 'imagenet/v2' });
    const [dep] = byKind(synthValid(chart), 'Deployment');
    const pod = dep.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'datasets', persistentVolumeClaim: { claimName: f.claim.name, readOnly: false } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'datasets', mountPath: '/data', readOnly: true, subPath: 'imagenet/v2' }]);
  });

  test('mount checks the path and the subPath', () => {
    const chart = newChart();
    const f = new FsxLustre(chart, 'fsx', { ...NET, storage: Size.gibibytes(1200) });
    const deployment = new plus.Deployment(chart, 'trainer', { containers: [{ image: 'trainer:1' }] });
    f.mount(deployment.containers[0], 'data', { subPath: '../etc' });
    expect(synthErrors(chart)).toEqual([
      `[test/fsx] 'mount path' ("data") must be an absolute path; write "/data"`,
      `[test/fsx] 'subPath' ("../etc") must be a relative path without ".."; name a directory inside the volume, e.g. "v1/data"`,
    ]);
  });
});

describe('FsxLustreStorageClassChart', () => {
  test('named, cluster-scoped classes for one environment', () => {
    const app = Testing.app();
    const chart = new FsxLustreStorageClassChart(app, 'fsx-classes', {
      namespace: 'kube-system',
      classes: {
        'fsx-scratch': { ...NET, securityGroupIds: [SG] },
        'fsx-persistent': { ...P2, securityGroupIds: [SG], automaticBackupRetentionDays: 7, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_15 },
      },
    });
    const objs = synthValid(chart) as any[];
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => o.metadata.name)).toEqual(['fsx-scratch', 'fsx-persistent']);
    for (const o of objs) expect(o.metadata).not.toHaveProperty('namespace');
    expect(chart.classes['fsx-scratch'].name).toBe('fsx-scratch');
  });

  test('throws if a class name is not a DNS subdomain, or a class is invalid', () => {
    const app = Testing.app();
    const chart = new FsxLustreStorageClassChart(app, 'fsx-classes', { classes: { FSx_Scratch: { ...NET }, 'fsx-p1': { ...P1, perUnitStorageThroughput: 125 } } });
    expect(synthErrors(chart)).toEqual([
      `[fsx-classes] 'classes' ("FSx_Scratch") must be a StorageClass name (DNS subdomain); use lowercase letters, digits, "-" and "."`,
      `[fsx-classes/fsx-p1] 'perUnitStorageThroughput' (125) must be one of 50, 100, 200 for PERSISTENT_1 SSD; pick a throughput the deployment type offers`,
    ]);
  });

  test('throws if there is no class', () => {
    const chart = new FsxLustreStorageClassChart(Testing.app(), 'fsx-classes', { classes: {} });
    expect(synthErrors(chart)).toEqual([`[fsx-classes] 'classes' ({}) must be at least one class; name the classes of this environment, e.g. { "fsx-scratch": { ... } }`]);
  });
});

// Every FSx bad-input case (FSX_ROWS), with the exact messages (errors) and warnings (the table is shared with
// the hardening suite's bad-input matrix).
test.each(FSX_ROWS.map(([, name, build, errors, warns]) => [name, build, errors, warns] as const))('bad input %s', (_name, build, errors, warns) => {
  const chart = newChart();
  build(chart);
  expect(synthErrors(chart)).toEqual(errors);
  expect(warnings(chart)).toEqual(warns);
  if (errors.length === 0) synthValid(chart);
});
