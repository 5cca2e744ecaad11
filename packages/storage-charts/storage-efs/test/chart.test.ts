import { validateObjects } from '@strata/kube-schemas';
import EfsTierChart from '../src/chart';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { describeOneClassTierChart } from './support/one-class-chart';
import { chartFixture, describeChartBasics, describeRoundTrip, literalErrors, schemaRefusal } from '@strata/chart-testing';

const fixture = chartFixture(EfsTierChart, 'storage-efs', 'packages/storage-charts/storage-efs');
const { chart, dir, schema, helm } = fixture;
const template = (values?: Record<string, unknown>, release = 'storage-efs', namespace = 'storage-efs') => helm.template(dir, { releaseName: release, namespace, values });

describe('storage-efs', () => {
  describeChartBasics(fixture);

  test('helm template with the defaults: one valid access-point StorageClass named after the release', async () => {
    const objs = parseManifests(await template());
    expect(validateObjects(objs)).toEqual([]);
    expect(objs).toHaveLength(1);
    const [sc] = objs;
    expect(sc).toMatchObject({ kind: 'StorageClass', provisioner: 'efs.csi.aws.com', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate' });
    expect(sc.metadata.name).toBe('storage-efs-storage-efs-class');
    expect(sc.metadata).not.toHaveProperty('namespace');
    expect(sc).not.toHaveProperty('allowVolumeExpansion'); // EFS volumes cannot grow (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L79-L82)
    expect(sc.parameters).toEqual({
      basePath: '',
      directoryPerms: '700',
      fileSystemId: 'fs-0123456789abcdef0',
      gidRangeEnd: '60000',
      gidRangeStart: '50000',
      provisioningMode: 'efs-ap',
    });
  });

  describeOneClassTierChart(fixture, {
    uses: 'efs',
    releases: [['storage-efs', 'flux-system', 'flux-system-storage-efs-class'], ['efs-shared', 'flux-system', 'flux-system-efs-shared-storage-efs-class'], ['storage-efs', 'kube-system', 'kube-system-storage-efs-class']],
  });

  test('storageClassName names the class: an environment keeps the name its claims use', async () => {
    const [sc] = parseManifests(await template({ storageClassName: 'strata-efs' }, 'efs', 'infra'));
    expect(sc.metadata.name).toBe('strata-efs');
    expect(schemaRefusal(await template({ storageClassName: 'Strata_EFS' }).catch((e: unknown) => e))).toContain('storageClassName: Does not match pattern');
  });

  test('an environment value reaches the class', async () => {
    const [sc] = parseManifests(await template({ fileSystemId: 'fs-0a1b2c3d4e5f60718', directoryPerms: '0750', gidRangeStart: 1000, gidRangeEnd: 2000, basePath: '/models', reclaimPolicy: 'Delete' }));
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.parameters).toEqual({ basePath: '/models', directoryPerms: '0750', fileSystemId: 'fs-0a1b2c3d4e5f60718', gidRangeEnd: '2000', gidRangeStart: '1000', provisioningMode: 'efs-ap' });
  });

  test('the rules EfsStorageClass checks on literals are attached to the values', () => {
    const rules = (key: string) => (schema.properties[key].allOf as any[]).map(({ $comment: _c, ...rule }) => rule);
    // Each with what it accepts in words, which strata's messages say instead of the expression.
    expect(rules('fileSystemId')).toEqual([{ pattern: '^fs-[0-9a-f]{8,40}$', 'x-strata-accepts': 'an EFS file system id: "fs-" and 8 to 40 lowercase hex digits' }]);
    expect(rules('directoryPerms')).toEqual([{ pattern: '^[0-7]{3,4}$', 'x-strata-accepts': '3 or 4 octal digits' }]);
    expect(rules('gidRangeStart')).toEqual([{ minimum: 1, maximum: 4294967295, multipleOf: 1, 'x-strata-accepts': 'an integer between 1 and 4294967295' }]);
    expect(rules('gidRangeEnd')).toEqual([{ minimum: 1, maximum: 4294967295, multipleOf: 1, 'x-strata-accepts': 'an integer between 1 and 4294967295' }]);
    // The root directory "/<basePath>/pvc-<uid>" must stay within 100 characters and 5 '/' (aws-efs-csi-driver docs: basePath).
    expect(rules('basePath')).toEqual([
      {
        anyOf: [
          { maxLength: 0 },
          { pattern: '^/', maxLength: 59, 'x-strata-accepts': 'an absolute path (starting with "/")' },
          { pattern: '^[^/]', maxLength: 58, 'x-strata-accepts': 'a relative path (not starting with "/")' },
        ],
        'x-strata-accepts': "at most 59 characters with its leading '/'",
      },
      { pattern: '^/?(?:[^/]+(?:/[^/]+){0,3})?/?$', 'x-strata-accepts': 'at most 4 directory levels' },
    ]);
  });

  test('known gap: "gidRangeEnd above gidRangeStart" compares two values, which JSON Schema cannot: helm accepts it, direct synthesis refuses it', async () => {
    expect((schema.allOf as any[]).filter((c) => /gidRange/.test(c.$comment))).toEqual([]);
    const values = { gidRangeStart: 60000, gidRangeEnd: 50000 };
    expect(parseManifests(await template(values))[0].parameters).toMatchObject({ gidRangeStart: '60000', gidRangeEnd: '50000' });
    expect(literalErrors(() => chart.direct(values))).toEqual([
      "[storage-efs/StorageClass] 'gidRangeEnd' (50000) must be greater than gidRangeStart (60000); make gidRangeEnd larger than gidRangeStart",
    ]);
  });

  test('basePath is printable ASCII: the driver counts the root directory in bytes, the schema in characters', async () => {
    const values = { basePath: '/' + 'é'.repeat(40) };
    // 41 characters fit the attached bound, but 81 bytes do not fit the driver's: refused by both.
    expect(schemaRefusal(await template(values).catch((e: unknown) => e))).toContain('basePath: Does not match pattern');
    expect(literalErrors(() => chart.direct(values))).toEqual([expect.stringContaining("'basePath' (\"/éééé")]);
  });

  test('mount options and cross-account provisioning reach the class when set', async () => {
    const [sc] = parseManifests(await template({ mountOptions: ['iam', 'lookupcache=pos'], crossAccount: { secretName: 'x-account', secretNamespace: 'kube-system' }, az: 'us-east-1b' }));
    expect(sc.mountOptions).toEqual(['iam', 'lookupcache=pos']);
    expect(sc.parameters).toMatchObject({
      az: 'us-east-1b',
      'csi.storage.k8s.io/provisioner-secret-name': 'x-account',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'kube-system',
    });
    // DNS resolution (the Secret's crossaccount "true") is not written: the driver reads it from the Secret.
    const [dns] = parseManifests(await template({ crossAccount: { secretName: 'x-account', secretNamespace: 'kube-system', dnsResolution: true } }));
    expect(Object.keys(dns.parameters).sort()).toEqual(['basePath', 'csi.storage.k8s.io/provisioner-secret-name', 'csi.storage.k8s.io/provisioner-secret-namespace', 'directoryPerms', 'fileSystemId', 'gidRangeEnd', 'gidRangeStart', 'provisioningMode']);
  });

  describeRoundTrip(fixture, { releases: ['efs', 'storage-efs', 'x'.repeat(50)], accept: (v) => (v.gidRangeStart as number) < (v.gidRangeEnd as number) });

  test.each([
    ['a short file system id', { fileSystemId: 'fs-12' }, "fileSystemId: Does not match pattern '^fs-[0-9a-f]{8,40}$'", true],
    ['a volume handle for a file system id', { fileSystemId: 'efs:fs-0123456789abcdef0' }, "fileSystemId: Does not match pattern '^fs-[0-9a-f]{8,40}$'", true],
    ['directory perms "rwx"', { directoryPerms: 'rwx' }, "directoryPerms: Does not match pattern '^[0-7]{3,4}$'", true],
    ['directory perms "0800"', { directoryPerms: '0800' }, "directoryPerms: Does not match pattern '^[0-7]{3,4}$'", true],
    ['directory perms as a number', { directoryPerms: 700 }, 'directoryPerms: Invalid type. Expected: string, given: integer', false],
    ['a gid range starting at 0', { gidRangeStart: 0 }, 'gidRangeStart: Must be greater than or equal to 1', true],
    ['a gid range starting at -1', { gidRangeStart: -1 }, 'gidRangeStart: Must be greater than or equal to 1', true],
    ['a gid beyond 2^32-1', { gidRangeEnd: 4294967296 }, 'gidRangeEnd: Must be less than or equal to 4.294967295e+09', true],
    ['a fractional gid', { gidRangeEnd: 60000.5 }, 'gidRangeEnd: Invalid type. Expected: integer, given: number', true],
    ['a base path too long for the root directory', { basePath: '/' + 'a'.repeat(59) }, 'basePath: Must validate at least one schema (anyOf)', true],
    ['a base path too deep for the root directory', { basePath: '/a/b/c/d/e' }, 'basePath: Does not match pattern', true],
    ['a base path with a newline', { basePath: '/models\nx' }, "basePath: Does not match pattern '^[ -~]*$'", false],
    ['reclaim policy Recycle', { reclaimPolicy: 'Recycle' }, 'reclaimPolicy: reclaimPolicy must be one of the following: "Retain", "Delete"', true],
    ['another provisioning mode', { provisioningMode: 'efs' }, 'Additional property provisioningMode is not allowed', false],
    ['az without a provisioner Secret', { az: 'us-east-1a' }, 'az: String length must be less than or equal to 0', true],
    ['az as a zone id', { az: 'use1-az1', crossAccount: { secretName: 'x-account', secretNamespace: 'kube-system' } }, 'az: Must validate at least one schema (anyOf)', true],
    ['az with DNS resolution', { az: 'us-east-1a', crossAccount: { secretName: 'x-account', secretNamespace: 'kube-system', dnsResolution: true } }, 'az: String length must be less than or equal to 0', true],
    ['a Secret without its namespace', { crossAccount: { secretName: 'x-account' } }, 'crossAccount.secretNamespace: String length must be greater than or equal to 1', true],
    ['a namespace without a Secret', { crossAccount: { secretNamespace: 'kube-system' } }, 'crossAccount.secretNamespace: String length must be less than or equal to 0', true],
    ['DNS resolution without a Secret', { crossAccount: { dnsResolution: true } }, 'crossAccount.dnsResolution: crossAccount.dnsResolution must be one of the following: false', true],
    ['a Secret name with "_"', { crossAccount: { secretName: 'x_account', secretNamespace: 'kube-system' } }, 'crossAccount.secretName: Must validate at least one schema (anyOf)', true],
    ['accesspoint= in the mount options', { mountOptions: ['accesspoint=fsap-0123456789abcdef0'] }, 'mountOptions.0: Must not validate the schema (not)', true],
    ['crossaccount in the mount options', { mountOptions: ['CrossAccount'] }, 'mountOptions.0: Must not validate the schema (not)', true],
  ])('helm refuses %s through the schema', async (_what, values, message, literalAlso) => {
    const stderr = schemaRefusal(await template(values).catch((e: unknown) => e));
    expect(stderr).toContain(message);
    // A bad value is refused at install exactly as the bad literal is refused at generate.
    if (literalAlso) expect(literalErrors(() => chart.direct(values))).not.toEqual([]);
  });
});
