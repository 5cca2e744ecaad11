import { validateObjects } from '@strata/kube-schemas';
import S3FilesTierChart from '../src/chart';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { describeOneClassTierChart } from '@strata/storage-chart-efs/test/support/one-class-chart';
import { chartFixture, describeChartBasics, describeRoundTrip, literalErrors, schemaRefusal } from '@strata/chart-testing';

const fixture = chartFixture(S3FilesTierChart, 'storage-s3-files', 'packages/storage-charts/storage-s3-files');
const { chart, dir, schema, helm } = fixture;
const template = (values?: Record<string, unknown>, release = 'storage-s3-files', namespace = 'storage-s3-files') => helm.template(dir, { releaseName: release, namespace, values });

describe('storage-s3-files', () => {
  describeChartBasics(fixture);

  test('helm template with the defaults: one valid s3files-ap StorageClass named after the release', async () => {
    const objs = parseManifests(await template());
    expect(validateObjects(objs)).toEqual([]);
    expect(objs).toHaveLength(1);
    const [sc] = objs;
    expect(sc).toMatchObject({ kind: 'StorageClass', provisioner: 'efs.csi.aws.com', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate' });
    expect(sc.metadata.name).toBe('storage-s3-files-storage-s3-files-class');
    expect(sc.metadata).not.toHaveProperty('namespace');
    expect(sc).not.toHaveProperty('mountOptions');
    expect(sc.parameters).toEqual({
      basePath: '',
      directoryPerms: '700',
      fileSystemId: 'fs-0123456789abcdef01',
      gidRangeEnd: '60000',
      gidRangeStart: '50000',
      provisioningMode: 's3files-ap',
    });
  });

  describeOneClassTierChart(fixture, {
    uses: 's3-files',
    releases: [['storage-s3-files', 'flux-system', 'flux-system-storage-s3-files-class'], ['datasets', 'flux-system', 'flux-system-datasets-storage-s3-files-class'], ['storage-s3-files', 'kube-system', 'kube-system-storage-s3-files-class']],
  });

  test('custom values reach the class: a named class, another file system, perms, gid range, base path, mount options, Delete', async () => {
    const [sc] = parseManifests(
      await template({ storageClassName: 'strata-s3-files', fileSystemId: 'fs-0a1b2c3d4e5f6071829', directoryPerms: '0750', gidRangeStart: 1000, gidRangeEnd: 2000, basePath: '/datasets', mountOptions: ['azid=use1-az4'], reclaimPolicy: 'Delete' }),
    );
    expect(sc.metadata.name).toBe('strata-s3-files');
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.mountOptions).toEqual(['azid=use1-az4']);
    expect(sc.parameters).toEqual({ basePath: '/datasets', directoryPerms: '0750', fileSystemId: 'fs-0a1b2c3d4e5f6071829', gidRangeEnd: '2000', gidRangeStart: '1000', provisioningMode: 's3files-ap' });
  });

  test('the file system id from a ConfigMap (an ACK FieldExport, say): exactly one of fileSystemId and fileSystemIdConfigRef, the other "" and left out', async () => {
    const [byRef] = parseManifests(await template({ fileSystemId: '', fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets' }));
    expect(byRef.parameters).toEqual({ basePath: '', directoryPerms: '700', fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets', gidRangeEnd: '60000', gidRangeStart: '50000', provisioningMode: 's3files-ap' });
    const [byId] = parseManifests(await template());
    expect(byId.parameters).not.toHaveProperty('fileSystemIdConfigRef');
    expect(schemaRefusal(await template({ fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets' }).catch((e: unknown) => e))).toContain('fileSystemIdConfigRef: String length must be less than or equal to 0');
    // Neither: one of the two must be set.
    expect(schemaRefusal(await template({ fileSystemId: '' }).catch((e: unknown) => e))).toContain('fileSystemIdConfigRef: String length must be greater than or equal to 1');
    expect(schemaRefusal(await template({ fileSystemId: '', fileSystemIdConfigRef: 's3files-ids' }).catch((e: unknown) => e))).toContain('fileSystemIdConfigRef: Must validate at least one schema (anyOf)');
    // The same at generate: the literal rules.
    expect(literalErrors(() => chart.direct({ fileSystemIdConfigRef: 'flux-system/s3files-ids/datasets' }))).not.toEqual([]);
  });

  test('the rules S3FilesStorageClass checks on literals are attached to the values, in words', () => {
    const rules = (key: string) => (schema.properties[key].allOf as any[]).map(({ $comment: _c, ...rule }) => rule);
    expect(rules('fileSystemId')).toEqual([
      { anyOf: [{ maxLength: 0 }, { pattern: '^fs-[0-9a-f]{17,40}$', 'x-strata-accepts': 'an S3 Files file system id: "fs-" and 17 to 40 lowercase hex digits' }], 'x-strata-accepts': 'an S3 Files file system id: "fs-" and 17 to 40 lowercase hex digits, or "" (not written)' },
    ]);
    expect(rules('directoryPerms')).toEqual([{ pattern: '^[0-7]{3,4}$', 'x-strata-accepts': '3 or 4 octal digits' }]);
    expect(rules('mountOptions').map((r) => r['x-strata-accepts'])).toEqual(['mount options without accesspoint= and crossaccount', 'mount options without stunnel']);
  });

  test('a bad value is refused by the literal rules with the exact generate-time message', () => {
    expect(literalErrors(() => chart.direct({ fileSystemId: 'fs-01234567' }))).toEqual([
      `[storage-s3-files/StorageClass] 'fileSystemId' ("fs-01234567") must be an S3 Files file system id: "fs-" and 17 to 40 lowercase hex digits; copy the id from "aws s3files list-file-systems", e.g. "fs-0123456789abcdef01"`,
    ]);
    expect(literalErrors(() => chart.direct({ mountOptions: ['stunnel'] }))).toEqual([
      `[storage-s3-files/StorageClass] 'mountOptions' ("stunnel") must be left out for S3 Files (stunnel is not supported); drop it`,
    ]);
    expect(literalErrors(() => chart.direct({ gidRangeStart: 60000, gidRangeEnd: 50000 }))).toEqual([
      "[storage-s3-files/StorageClass] 'gidRangeEnd' (50000) must be greater than gidRangeStart (60000); make gidRangeEnd larger than gidRangeStart",
    ]);
  });

  describeRoundTrip(fixture, { releases: ['s3-files', 'storage-s3-files', 'x'.repeat(50)], accept: (v) => (v.gidRangeStart as number) < (v.gidRangeEnd as number) });

  test.each([
    ['an EFS file system id', { fileSystemId: 'fs-01234567' }, 'fileSystemId: Must validate at least one schema (anyOf)', true],
    ['a volume handle for a file system id', { fileSystemId: 's3files:fs-0123456789abcdef01' }, 'fileSystemId: Must validate at least one schema (anyOf)', true],
    ['directory perms "0800"', { directoryPerms: '0800' }, "directoryPerms: Does not match pattern '^[0-7]{3,4}$'", true],
    ['a gid range starting at 0', { gidRangeStart: 0 }, 'gidRangeStart: Must be greater than or equal to 1', true],
    ['a base path too deep for the root directory', { basePath: '/a/b/c/d/e' }, 'basePath: Does not match pattern', true],
    ['reclaim policy Recycle', { reclaimPolicy: 'Recycle' }, 'reclaimPolicy: reclaimPolicy must be one of the following: "Retain", "Delete"', true],
    ['stunnel in the mount options', { mountOptions: ['stunnel'] }, 'mountOptions.0: Must not validate the schema (not)', true],
    ['accesspoint= in the mount options', { mountOptions: ['accesspoint=fsap-0123456789abcdef0'] }, 'mountOptions.0: Must not validate the schema (not)', true],
    ['crossaccount in the mount options', { mountOptions: ['crossaccount'] }, 'mountOptions.0: Must not validate the schema (not)', true],
    ['another provisioning mode', { provisioningMode: 'efs-ap' }, 'Additional property provisioningMode is not allowed', false],
    ['reuseAccessPoint', { reuseAccessPoint: false }, 'Additional property reuseAccessPoint is not allowed', false],
    ['az', { az: 'us-east-1a' }, 'Additional property az is not allowed', false],
    ['cross-account provisioning', { crossAccount: { secretName: 'x-account' } }, 'Additional property crossAccount is not allowed', false],
    ['encryptInTransit', { encryptInTransit: false }, 'Additional property encryptInTransit is not allowed', false],
  ])('helm refuses %s through the schema', async (_what, values, message, literalAlso) => {
    const stderr = schemaRefusal(await template(values).catch((e: unknown) => e));
    expect(stderr).toContain(message);
    if (literalAlso) expect(literalErrors(() => chart.direct(values))).not.toEqual([]);
  });
});
