import { validateObjects } from '@strata/kube-schemas';
import { USES_ANNOTATION } from '@strata/helm';
import { parse } from 'yaml';
import FsxLustreTierChart from '../src/chart';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { chartFixture, describeChartBasics, describeRoundTrip, literalErrors, schemaRefusal } from '@strata/chart-testing';
import { releaseTemplate, resolveTemplate, synthesizeChart } from '@strata/helm';
import { Testing } from 'cdk8s';

const fixture = chartFixture(FsxLustreTierChart, 'storage-fsx-lustre', 'packages/storage-charts/storage-fsx-lustre');
const { chart, files, dir, schema, helm } = fixture;
const template = (values?: Record<string, unknown>, release = 'storage-fsx', namespace = 'storage') => helm.template(dir, { releaseName: release, namespace, values });

describe('storage-fsx-lustre', () => {
  test('writes a chart named after its folder, holding one StorageClass', () => {
    expect([...files.keys()]).toEqual([
      '.helmignore',
      'Chart.yaml',
      'README.md',
      'templates/NOTES.txt',
      'templates/_helpers.tpl',
      // The rule JSON Schema cannot state: the export path in the bucket of the import path.
      'templates/guards.yaml',
      'templates/storageclass-class.yaml',
      'values.d.ts',
      'values.schema.json',
      'values.yaml',
    ]);
    const meta = parse(files.get('Chart.yaml')!);
    expect(meta.name).toBe('storage-fsx-lustre');
    expect(meta.annotations[USES_ANNOTATION]).toBe('fsx-lustre');
  });

  describeChartBasics(fixture);

  test('helm template with the defaults: one valid StorageClass named after the release, every parameter a string', async () => {
    const objs = parseManifests(await template());
    expect(validateObjects(objs)).toEqual([]);
    expect(objs).toHaveLength(1);
    const [sc] = objs;
    expect(sc.kind).toBe('StorageClass');
    expect(sc.metadata.name).toBe('storage-storage-fsx-storage-fsx-lustre-class');
    expect(sc.metadata).not.toHaveProperty('namespace');
    expect(sc.provisioner).toBe('fsx.csi.aws.com');
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.mountOptions).toEqual(['flock']);
    // "" and 0 are the driver's "not sent" (pkg/cloud/cloud.go sends only non-empty strings and non-zero numbers).
    expect(sc.parameters).toEqual({
      autoImportPolicy: '',
      automaticBackupRetentionDays: '0',
      dailyAutomaticBackupStartTime: '',
      dataCompressionType: 'NONE',
      deploymentType: 'SCRATCH_2',
      driveCacheType: '',
      fileSystemTypeVersion: '2.15',
      kmsKeyId: '',
      perUnitStorageThroughput: '0',
      s3ImportPath: '',
      securityGroupIds: 'sg-0123456789abcdef0',
      storageType: 'SSD',
      subnetId: 'subnet-0123456789abcdef0',
      weeklyMaintenanceStartTime: '7:09:00',
    });
    for (const v of Object.values(sc.parameters)) expect(typeof v).toBe('string');
  });

  test('installs any number of times in one cluster: two releases with default values never collide (a scratch and a persistent class side by side)', async () => {
    const names = async (release: string, namespace: string, values: Record<string, unknown>) =>
      parseManifests(await template(values, release, namespace)).map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    const scratch = await names('fsx-scratch', 'flux-system', {});
    const persistent = await names('fsx-persistent', 'flux-system', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 250 });
    const elsewhere = await names('fsx-scratch', 'kube-system', {});
    expect([scratch, persistent, elsewhere]).toEqual([
      ['StorageClass /flux-system-fsx-scratch-storage-fsx-lustre-class'],
      ['StorageClass /flux-system-fsx-persistent-storage-fsx-lustre-class'],
      ['StorageClass /kube-system-fsx-scratch-storage-fsx-lustre-class'],
    ]);
  });

  test('storageClassName names the class: an environment keeps the name its claims use', async () => {
    const [sc] = parseManifests(await template({ storageClassName: 'strata-fsx-lustre' }, 'fsx', 'infra'));
    expect(sc.metadata.name).toBe('strata-fsx-lustre');
    expect(schemaRefusal(await template({ storageClassName: '-fsx' }).catch((e: unknown) => e))).toContain('storageClassName: Does not match pattern');
  });

  test('an environment value reaches the class: prod-like PERSISTENT_2 with backups, dev-like Delete', async () => {
    const [prod] = parseManifests(
      await template({
        subnetId: 'subnet-0a1b2c3d4e5f60718',
        securityGroupIds: ['sg-0a1b2c3d4e5f60718', 'sg-0a1b2c3d4e5f60719'],
        deploymentType: 'PERSISTENT_2',
        perUnitStorageThroughput: 500,
        automaticBackupRetentionDays: 14,
        dataCompressionType: 'LZ4',
      }),
    );
    expect(prod.parameters).toMatchObject({
      subnetId: 'subnet-0a1b2c3d4e5f60718',
      securityGroupIds: 'sg-0a1b2c3d4e5f60718,sg-0a1b2c3d4e5f60719',
      perUnitStorageThroughput: '500',
      automaticBackupRetentionDays: '14',
      dataCompressionType: 'LZ4',
    });
    const [dev] = parseManifests(await template({ deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 50, reclaimPolicy: 'Delete', allowVolumeExpansion: false }));
    expect(dev).toMatchObject({ reclaimPolicy: 'Delete', allowVolumeExpansion: false, parameters: { deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: '50' } });
  });

  test('the cross-field rules of FsxLustreStorageClass are if/then conditionals of values.schema.json', () => {
    const rules = (schema.allOf as any[]).map((c) => ({ if: JSON.stringify(c.if), then: JSON.stringify(c.then) }));
    const cond = (props: Record<string, unknown[]>) =>
      JSON.stringify(
        Object.keys(props).length === 1
          ? { properties: { [Object.keys(props)[0]]: { enum: Object.values(props)[0] } }, required: Object.keys(props) }
          : { allOf: Object.entries(props).map(([k, e]) => ({ properties: { [k]: { enum: e } }, required: [k] })) },
      );
    const then = (key: string, s: unknown) => JSON.stringify({ properties: { [key]: s }, required: [key] });
    expect(rules).toEqual(
      expect.arrayContaining([
        // one of the offered throughputs (0 = not sent is refused by the rule after it)…
        { if: cond({ deploymentType: ['PERSISTENT_1'], storageType: ['SSD'] }), then: then('perUnitStorageThroughput', { enum: [0, 50, 100, 200] }) },
        { if: cond({ deploymentType: ['PERSISTENT_1'], storageType: ['HDD'] }), then: then('perUnitStorageThroughput', { enum: [0, 12, 40] }) },
        { if: cond({ deploymentType: ['PERSISTENT_2'], storageType: ['SSD'] }), then: then('perUnitStorageThroughput', { enum: [0, 125, 250, 500, 1000] }) },
        // …because persistent file systems need one
        { if: cond({ deploymentType: ['PERSISTENT_2'], storageType: ['SSD'] }), then: then('perUnitStorageThroughput', { minimum: 1 }) },
        { if: cond({ deploymentType: ['SCRATCH_1', 'SCRATCH_2'] }), then: then('perUnitStorageThroughput', { enum: [0] }) },
        { if: cond({ storageType: ['HDD'] }), then: then('driveCacheType', { minLength: 1 }) },
        { if: cond({ storageType: ['HDD'] }), then: then('deploymentType', { enum: ['PERSISTENT_1'] }) },
        { if: cond({ deploymentType: ['SCRATCH_1', 'SCRATCH_2'] }), then: then('automaticBackupRetentionDays', { enum: [0] }) },
        { if: cond({ deploymentType: ['PERSISTENT_2'] }), then: then('fileSystemTypeVersion', { enum: ['', '2.12', '2.15'] }) },
        { if: cond({ deploymentType: ['SCRATCH_1'] }), then: then('allowVolumeExpansion', { enum: [false] }) },
      ]),
    );
  });

  test('a file system linked to S3 has no backups: if s3ImportPath is not "", retention 0 and no start time', () => {
    const linked = { properties: { s3ImportPath: { not: { enum: [''] } } }, required: ['s3ImportPath'] };
    const rules = (schema.allOf as any[]).filter((c) => JSON.stringify(c.if) === JSON.stringify(linked));
    expect(rules.map((c) => c.then)).toEqual([
      { properties: { automaticBackupRetentionDays: { enum: [0] } }, required: ['automaticBackupRetentionDays'] },
      { properties: { dailyAutomaticBackupStartTime: { enum: [''] } }, required: ['dailyAutomaticBackupStartTime'] },
      { properties: { copyTagsToBackups: { enum: [false] } }, required: ['copyTagsToBackups'] },
    ]);
    // https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-backups-fsx.html — cited where the rule is made.
    expect(rules[0].$comment).toBe('[storage-fsx-lustre/StorageClass] automaticBackupRetentionDays');
  });

  test('securityGroupIds is required: at least one id, each an sg- id', () => {
    // Each rule with what it accepts in words, which strata's messages say instead of the expression.
    expect(schema.properties.securityGroupIds.allOf.map(({ $comment: _c, ...rule }: any) => rule)).toEqual([
      { minItems: 1, 'x-strata-accepts': 'at least one security group id' },
      { items: { pattern: '^sg-[0-9a-f]{8,17}$', 'x-strata-accepts': 'a security group id: "sg-" and 8 to 17 lowercase hex digits' }, 'x-strata-accepts': 'security group ids (sg- and 8 to 17 hex digits)' },
    ]);
    expect(schema.properties.securityGroupIds.description).toMatch(/^Required, at least one/);
  });

  test('every deployment type is offered; optional parameters are unset with the driver\'s own "" and 0', () => {
    expect(schema.properties.deploymentType.enum).toEqual(['SCRATCH_1', 'SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2']);
    expect(schema.allOf).toContainEqual(
      expect.objectContaining({
        if: { properties: { deploymentType: { enum: ['SCRATCH_1', 'SCRATCH_2'] } }, required: ['deploymentType'] },
        then: { properties: { perUnitStorageThroughput: { enum: [0] } }, required: ['perUnitStorageThroughput'] },
      }),
    );
    expect(schema.allOf).toContainEqual(
      expect.objectContaining({
        if: { properties: { storageType: { enum: ['HDD'] } }, required: ['storageType'] },
        then: { properties: { driveCacheType: { minLength: 1 } }, required: ['driveCacheType'] },
      }),
    );
  });

  test('the new settings reach the class when set: an EFA-enabled PERSISTENT_2 class with metadata IOPS and tags', async () => {
    const [sc] = parseManifests(
      await template({
        deploymentType: 'PERSISTENT_2',
        perUnitStorageThroughput: 1000,
        metadataConfigurationMode: 'USER_PROVISIONED',
        metadataIops: 12000,
        efaEnabled: true,
        copyTagsToBackups: true,
        automaticBackupRetentionDays: 7,
        extraTags: ['team=ml', 'cost-center=42'],
      }),
    );
    expect(sc.parameters).toMatchObject({ metadataConfigurationMode: 'USER_PROVISIONED', metadataIops: '12000', efaEnabled: 'true', copyTagsToBackups: 'true', extraTags: 'team=ml,cost-center=42' });
    const [linked] = parseManifests(await template({ s3ImportPath: 's3://ml-data/train', s3ExportPath: 's3://ml-data/results', autoImportPolicy: 'NEW_CHANGED' }));
    expect(linked.parameters).toMatchObject({ s3ImportPath: 's3://ml-data/train', s3ExportPath: 's3://ml-data/results', autoImportPolicy: 'NEW_CHANGED' });
    expect(linked.parameters).not.toHaveProperty('efaEnabled');
  });

  // FSx: "The Amazon S3 export bucket must be the same as the import bucket" (CreateFileSystemLustreConfiguration.ExportPath).
  // JSON Schema cannot compare two values: the chart's guard refuses it, with the construct's rule.
  const sameBucket = (v: Record<string, unknown>) => {
    const bucket = (p: unknown) => /^s3:\/\/[^/]+/.exec(String(p ?? ''))?.[0];
    return !v.s3ImportPath || !v.s3ExportPath || bucket(v.s3ImportPath) === bucket(v.s3ExportPath);
  };
  test('an export path in another bucket than the import path is refused by the chart\'s guard, as by the construct', async () => {
    const values = { s3ImportPath: 's3://ml-data/train', s3ExportPath: 's3://ml-results/out' };
    const err = await template(values).catch((e: unknown) => e);
    expect(/execution error at \(storage-fsx-lustre\/templates\/guards\.yaml:\d+:\d+\): (.*)/.exec(String((err as { stderr?: string }).stderr))?.[1]).toBe(
      '[storage-fsx-lustre/StorageClass] s3ExportPath ("s3://ml-results/out") must be in the bucket of s3ImportPath ("s3://ml-data/train")',
    );
    expect(literalErrors(() => chart.direct(values))).toEqual([
      `[storage-fsx-lustre/StorageClass] 's3ExportPath' ("s3://ml-results/out") must be in the bucket of s3ImportPath (ml-data); export to a prefix of that bucket, e.g. "s3://ml-data/export"`,
    ]);
    expect(() => resolveTemplate(releaseTemplate(synthesizeChart(new FsxLustreTierChart(Testing.app(), 'storage-fsx-lustre'))), { name: 'fsx', namespace: 'storage' }, '0.1.0', values)).toThrow(
      '[storage-fsx-lustre/StorageClass] s3ExportPath ("s3://ml-results/out") must be in the bucket of s3ImportPath ("s3://ml-data/train")',
    );
  });

  describeRoundTrip(fixture, { releases: ['fsx', 'storage-fsx-lustre', 'x'.repeat(50)], accept: sameBucket });

  // Each: values, what helm says, and whether the same literal values also fail direct synthesis.
  test.each([
    ['PERSISTENT_2 at 200 MB/s/TiB', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 200 }, 'perUnitStorageThroughput must be one of the following: 0, 125, 250, 500, 1000', true],
    ['PERSISTENT_1 SSD at 125 MB/s/TiB', { deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 125 }, 'perUnitStorageThroughput must be one of the following: 0, 50, 100, 200', true],
    ['PERSISTENT_2 without throughput (0 = not sent)', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 0 }, 'perUnitStorageThroughput: Must be greater than or equal to 1', true],
    ['SCRATCH_2 with a throughput', { deploymentType: 'SCRATCH_2', perUnitStorageThroughput: 200 }, 'perUnitStorageThroughput: perUnitStorageThroughput must be one of the following: 0', true],
    ['HDD without a drive cache', { storageType: 'HDD', deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 12 }, 'driveCacheType: String length must be greater than or equal to 1', true],
    ['an S3 import on PERSISTENT_2', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, s3ImportPath: 's3://ml-data/train' }, 's3ImportPath: s3ImportPath must be one of the following: ""', true],
    ['a KMS key on SCRATCH_2', { kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, 'kmsKeyId: kmsKeyId must be one of the following: ""', true],
    ['SCRATCH_2 with 7 days of backups', { deploymentType: 'SCRATCH_2', perUnitStorageThroughput: 0, automaticBackupRetentionDays: 7 }, 'automaticBackupRetentionDays must be one of the following: 0', true],
    ['HDD on PERSISTENT_2', { storageType: 'HDD', deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, driveCacheType: 'READ' }, 'deploymentType must be one of the following: "PERSISTENT_1"', true],
    ['PERSISTENT_1 HDD at 50 MB/s/TiB', { storageType: 'HDD', deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 50 }, 'perUnitStorageThroughput must be one of the following: 0, 12, 40', true],
    ['Lustre 2.10 on PERSISTENT_2', { deploymentType: 'PERSISTENT_2', fileSystemTypeVersion: '2.10' }, 'fileSystemTypeVersion must be one of the following: "", "2.12", "2.15"', true],
    ['two subnets', { subnetId: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1' }, "subnetId: Does not match pattern '^subnet-[0-9a-f]{8,17}$'", true],
    ['backups for 91 days', { automaticBackupRetentionDays: 91 }, 'automaticBackupRetentionDays: Must be less than or equal to 90', true],
    ['backups for -1 days', { automaticBackupRetentionDays: -1 }, 'automaticBackupRetentionDays: Must be greater than or equal to 0', true],
    ['backup start 24:00', { dailyAutomaticBackupStartTime: '24:00' }, 'dailyAutomaticBackupStartTime: Does not match pattern', true],
    ['backup start 2:00', { dailyAutomaticBackupStartTime: '2:00' }, 'dailyAutomaticBackupStartTime: Does not match pattern', true],
    ['maintenance Sun:09:00', { weeklyMaintenanceStartTime: 'Sun:09:00' }, 'weeklyMaintenanceStartTime: Does not match pattern', true],
    ['maintenance 0:09:00', { weeklyMaintenanceStartTime: '0:09:00' }, 'weeklyMaintenanceStartTime: Does not match pattern', true],
    ['compression GZIP', { dataCompressionType: 'GZIP' }, 'dataCompressionType: dataCompressionType must be one of the following: "NONE", "LZ4"', true],
    ['Lustre 2.14', { fileSystemTypeVersion: '2.14' }, 'fileSystemTypeVersion: fileSystemTypeVersion must be one of the following: "2.10", "2.12", "2.15"', true],
    ['INTELLIGENT_TIERING', { storageType: 'INTELLIGENT_TIERING' }, 'storageType: storageType must be one of the following: "SSD", "HDD"', true],
    ['reclaim policy Recycle', { reclaimPolicy: 'Recycle' }, 'reclaimPolicy: reclaimPolicy must be one of the following: "Retain", "Delete"', true],
    ['a malformed security group', { securityGroupIds: ['default'] }, "securityGroupIds.0: Does not match pattern '^sg-[0-9a-f]{8,17}$'", true],
    ['no security group', { securityGroupIds: [] }, 'securityGroupIds: Array must have at least 1 items', true],
    ['backups on a PERSISTENT_1 file system linked to S3', { deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 200, s3ImportPath: 's3://ml-data/train', automaticBackupRetentionDays: 7 }, 'automaticBackupRetentionDays: automaticBackupRetentionDays must be one of the following: 0', true],
    ['a backup start time on a file system linked to S3', { s3ImportPath: 's3://ml-data/train', dailyAutomaticBackupStartTime: '02:00' }, 'dailyAutomaticBackupStartTime: dailyAutomaticBackupStartTime must be one of the following: ""', true],
    ['a throughput given as a string', { perUnitStorageThroughput: '250' }, 'perUnitStorageThroughput: Invalid type. Expected: integer, given: string', false],
    ['a metadata configuration on SCRATCH_2', { metadataConfigurationMode: 'AUTOMATIC' }, 'metadataConfigurationMode: metadataConfigurationMode must be one of the following: ""', true],
    ['metadata IOPS with AUTOMATIC', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, metadataConfigurationMode: 'AUTOMATIC', metadataIops: 3000 }, 'metadataIops: metadataIops must be one of the following: 0', true],
    ['metadata IOPS without a mode', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, metadataIops: 3000 }, 'metadataIops: metadataIops must be one of the following: 0', true],
    ['USER_PROVISIONED without IOPS', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, metadataConfigurationMode: 'USER_PROVISIONED' }, 'metadataIops: Must be greater than or equal to 1', true],
    ['USER_PROVISIONED at 2000 IOPS', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, metadataConfigurationMode: 'USER_PROVISIONED', metadataIops: 2000 }, 'metadataIops: Must validate at least one schema (anyOf)', true],
    ['EFA on SCRATCH_2', { efaEnabled: true }, 'deploymentType: deploymentType must be one of the following: "PERSISTENT_2"', true],
    ['EFA without a metadata configuration', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 1000, efaEnabled: true }, 'metadataConfigurationMode: String length must be greater than or equal to 1', true],
    ['EFA with Lustre 2.12', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 1000, efaEnabled: true, metadataConfigurationMode: 'AUTOMATIC', fileSystemTypeVersion: '2.12' }, 'fileSystemTypeVersion: fileSystemTypeVersion must be one of the following: "", "2.15"', true],
    ['tag copies on a file system linked to S3', { deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 200, s3ImportPath: 's3://ml-data/train', copyTagsToBackups: true }, 'copyTagsToBackups: copyTagsToBackups must be one of the following: false', true],
    ['an export path without an import path', { s3ExportPath: 's3://ml-data/results' }, 's3ExportPath: s3ExportPath must be one of the following: ""', true],
    ['an export path on PERSISTENT_2', { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125, s3ExportPath: 's3://ml-data/results' }, 's3ExportPath: s3ExportPath must be one of the following: ""', true],
    ['an export path that is no S3 path', { s3ImportPath: 's3://ml-data/train', s3ExportPath: 'ml-data/results' }, 's3ExportPath: Does not match pattern', true],
    ['a tag without "="', { extraTags: ['team'] }, 'extraTags.0: Does not match pattern', true],
    ['a tag with ","', { extraTags: ['team=ml,dev'] }, 'extraTags.0: Does not match pattern', true],
    ['a tag with the reserved prefix aws:', { extraTags: ['aws:team=ml'] }, 'extraTags.0: Must not validate the schema (not)', true],
    ['a tag named CSIVolumeName', { extraTags: ['CSIVolumeName=x'] }, 'extraTags.0: Must not validate the schema (not)', true],
    ['50 tags', { extraTags: Array.from({ length: 50 }, (_, i) => `t${i}=v`) }, 'extraTags: Array must have at most 49 items', true],
    ['efaEnabled given as a string', { efaEnabled: 'true' }, 'efaEnabled: Invalid type. Expected: boolean, given: string', false],
    ['an unknown value', { kmsKey: 'alias/fsx' }, 'Additional property kmsKey is not allowed', false],
  ])('helm refuses %s through the schema', async (_what, values, message, literalAlso) => {
    const stderr = schemaRefusal(await template(values).catch((e: unknown) => e));
    expect(stderr).toContain(message);
    // A bad value is refused at install exactly as the bad literal is refused at generate.
    if (literalAlso) expect(literalErrors(() => chart.direct(values))).not.toEqual([]);
  });
});
