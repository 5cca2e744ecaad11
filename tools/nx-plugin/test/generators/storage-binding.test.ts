import { logger, readJson } from '@nx/devkit';
import { storageBindingGenerator } from '../../src/generators/storage-binding/generator';
import { StorageBindingGeneratorSchema } from '../../src/generators/storage-binding/schema';
import { workloadGenerator } from '../../src/generators/workload/generator';
import { addedLines, CHART_FIXTURE, ENV_FIXTURE, filesOf, seededTree } from './workspace-tree';

const CHART = 'packages/workloads/llm-inference/src/chart.ts';
const bind = (tree: ReturnType<typeof seededTree>, o: Partial<StorageBindingGeneratorSchema>) =>
  storageBindingGenerator(tree, { workload: 'llm-inference', storage: 'fsx-lustre', mount: '/data', ...o } as StorageBindingGeneratorSchema);

/** The import lines of the fixture a binding may extend. */
const PATTERNS_IMPORT = "import { BUCKET_NAME, BUCKET_NAME_LENGTH, KEY_PREFIX, ModelRepository, PATH_SEGMENT, REGION, VolumeUsageAlert } from '@strata/patterns';";
const STORAGE_IMPORT = "import { Efs } from '@strata/storage';";

describe('storage-binding generator', () => {
  test('adds an FSx for Lustre binding to a hand-edited chart: imports, construct, mount; every other byte kept', async () => {
    const tree = seededTree();
    await bind(tree, {});
    const after = tree.read(CHART, 'utf-8')!;
    expect(addedLines(CHART_FIXTURE, after, [PATTERNS_IMPORT, STORAGE_IMPORT])).toEqual([
      "import { BUCKET_NAME, BUCKET_NAME_LENGTH, KEY_PREFIX, ModelRepository, mountEverywhere, PATH_SEGMENT, REGION, VolumeUsageAlert } from '@strata/patterns';",
      "import { Efs, FsxDeploymentType, FsxLustre } from '@strata/storage';",
      '',
      "    // data: FSx for Lustre from the environment's strata-fsx-lustre class, mounted at /data in every container of the chart's workloads.",
      "    const data = FsxLustre.fromStorageClass(this, 'data', {",
      '      storageClass: {',
      "        name: this.values.string('data.storageClassName', { default: 'strata-fsx-lustre', description: 'FSx for Lustre StorageClass of the data file system (installed by the environment).', minLength: 1, maxLength: 253 }),",
      "        // The deployment type is a value (the environment's class decides it); SSD sizes are 1200, 2400, then multiples of 2400 GiB (3600 for SCRATCH_1).",
      "        deploymentType: this.values.enum<FsxDeploymentType>('data.deploymentType', { values: Object.values(FsxDeploymentType), default: FsxDeploymentType.SCRATCH_2, description: 'Deployment type of the environment\\'s FSx for Lustre class (storage.fsx-lustre.deploymentType there; the storage-fsx-lustre chart\\'s default is SCRATCH_2): the data capacity is rounded and checked for it. An environment whose class has another type sets it here.' }),",
      '      },',
      "      storage: this.values.size('data.size', { default: Size.gibibytes(1200), minimumGiB: 1200, maximumGiB: 1_000_000, description: 'Capacity of the data file system' }),",
      '    });',
      // As the patterns do: a writable FSx mount says whether each new file system's root was handed over (mountEverywhere warns until then).
      "    // A new file system's root belongs to root: hand it to uid 1000 once (chown 1000:1000 from an admin pod), then set rootPrepared: true.",
      "    mountEverywhere(this, data, '/data', { rootPrepared: false });",
    ]);
    // After the user's last comment in the constructor.
    expect(after).toContain("    // hand-edited: more storage below, one day\n\n    // data: FSx for Lustre");
    expect(after).toMatchSnapshot();
  });

  test.each<[string, Partial<StorageBindingGeneratorSchema>, string[]]>([
    ['efs', { storage: 'efs', mount: '/shared' }, [
      "    const shared = Efs.fromStorageClass(this, 'shared', {",
      "      storageClass: { name: this.values.string('shared.storageClassName', { default: 'strata-efs', description: 'EFS StorageClass of the shared volume (installed by the environment).', minLength: 1, maxLength: 253 }) },",
      '    });',
      "    mountEverywhere(this, shared, '/shared');",
    ]],
    ['s3, read-only', { storage: 's3', mount: '/reference', readOnly: true, name: 'reference-set' }, [
      "    const referenceSet = new S3Mountpoint(this, 'reference-set', {",
      "      bucketName: this.values.string('referenceSet.bucket', { default: 'ml-data', description: 'S3 bucket mounted at /reference.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH }),",
      "      prefix: this.values.string('referenceSet.prefix', { default: 'reference-set/', description: 'Key prefix mounted at /reference (not empty, ending in \"/\").', pattern: NONEMPTY_KEY_PREFIX }),",
      '      accessMode: AccessMode.READ_ONLY_MANY,',
      '      authenticationSource: S3AuthenticationSource.POD,',
      '      uid: DEFAULT_USER,',
      '      gid: DEFAULT_USER,',
      '      allowOther: true,',
      '    });',
      "    mountEverywhere(this, referenceSet, '/reference', { readOnly: true });",
      "    // The volume's policy, in the chart's iam-policies/<key>.json, for the role of each mounting pod's service account.",
      '    grantMountpoint(referenceSet);',
    ]],
    ['instance-store', { storage: 'instance-store', mount: '/mnt/Scratch_Space' }, [
      "    const scratchSpace = new InstanceStore(this, 'scratch-space', {",
      "      size: this.values.size('scratchSpace.size', { default: Size.gibibytes(100), minimumGiB: 1, maximumGiB: 60_000, description: 'NVMe scratch at /mnt/Scratch_Space per pod (emptyDir size limit and ephemeral-storage request)' }),",
      '    });',
      "    mountEverywhere(this, scratchSpace, '/mnt/Scratch_Space');",
    ]],
  ])('%s: the construct from the tier and its mount', async (_tier, options, code) => {
    const tree = seededTree();
    await bind(tree, options);
    const added = addedLines(CHART_FIXTURE, tree.read(CHART, 'utf-8')!, [PATTERNS_IMPORT, STORAGE_IMPORT]);
    expect(added.slice(-code.length)).toEqual(code);
  });

  test('a second run with the same options changes nothing, byte for byte', async () => {
    const tree = seededTree();
    await bind(tree, { storage: 's3', mount: '/reference', readOnly: true, name: 'reference-set' });
    const once = filesOf(tree);
    expect(await bind(tree, { storage: 's3', mount: '/reference', readOnly: true, name: 'reference-set' })).toBeUndefined();
    expect(filesOf(tree)).toEqual(once);
  });

  test('several bindings in a row, each found again on a repeat', async () => {
    const tree = seededTree();
    await bind(tree, { storage: 'efs', mount: '/shared' });
    await bind(tree, { storage: 'instance-store', mount: '/scratch' });
    const twice = filesOf(tree);
    await bind(tree, { storage: 'efs', mount: '/shared' });
    await bind(tree, { storage: 'instance-store', mount: '/scratch' });
    expect(filesOf(tree)).toEqual(twice);
    expect(tree.read(CHART, 'utf-8')).toContain("import { Efs, InstanceStore } from '@strata/storage';");
    expect(tree.read(CHART, 'utf-8')).toContain("import { Duration, Size } from 'cdk8s';"); // Size was there already
  });

  test('a name taken in the constructor gets another local; the id stays', async () => {
    const tree = seededTree();
    tree.write(CHART, CHART_FIXTURE.replace('    const v = this.values;\n', '    const v = this.values;\n    const data = 1;\n    void data;\n'));
    await bind(tree, {});
    expect(tree.read(CHART, 'utf-8')).toContain("    const dataStorage = FsxLustre.fromStorageClass(this, 'data', {");
    expect(tree.read(CHART, 'utf-8')).toContain("    mountEverywhere(this, dataStorage, '/data', { rootPrepared: false });");
  });

  test('uses the chart\'s own import names (an alias, a namespace import)', async () => {
    const tree = seededTree();
    tree.write(CHART, CHART_FIXTURE.replace("import { Efs } from '@strata/storage';", "import * as storage from '@strata/storage';").replace("Efs.fromStorageClass", 'storage.Efs.fromStorageClass').replace("import { Duration, Size } from 'cdk8s';", "import { Duration, Size as Sz } from 'cdk8s';").replace(/Size\.gibibytes/g, 'Sz.gibibytes'));
    await bind(tree, {});
    const after = tree.read(CHART, 'utf-8')!;
    expect(after).toContain("const data = storage.FsxLustre.fromStorageClass(this, 'data', {");
    expect(after).toContain("deploymentType: this.values.enum<storage.FsxDeploymentType>('data.deploymentType', { values: Object.values(storage.FsxDeploymentType), default: storage.FsxDeploymentType.SCRATCH_2,");
    expect(after).toContain('default: Sz.gibibytes(1200)');
    expect(after).toContain("import { Duration, Size as Sz } from 'cdk8s';");
  });

  describe('conflicts are refused with file:line, nothing written', () => {
    test.each<[string, Partial<StorageBindingGeneratorSchema>, string]>([
      ['the id of another construct', { mount: '/cache-data', name: 'model-cache' },
        `storage-binding refused; nothing was written:\n  ${CHART}:52: '--name' (model-cache) is already the id of Efs.fromStorageClass(this, 'model-cache', …) in the chart; choose another --name`],
      ['a path a pattern mounts by default', { mount: '/models' },
        `storage-binding refused; nothing was written:\n  ${CHART}:53: '--name' (models) is already the id of ModelRepository(this, 'models', …) in the chart; choose another --name\n  ${CHART}:53: '--mount' (/models) is already mounted by ModelRepository; choose another --mount`],
      ['a path a pattern always mounts', { mount: '/cache', name: 'extra-cache' },
        `storage-binding refused; nothing was written:\n  ${CHART}:53: '--mount' (/cache) is already mounted by ModelRepository; choose another --mount`],
      ['a values key in use', { mount: '/more-models', name: 'model' },
        `storage-binding refused; nothing was written:\n  ${CHART}:33: '--name' (model) would declare its values under 'model', which already holds 'model.bucket'; choose another --name`],
    ])('%s', async (_what, options, message) => {
      const tree = seededTree();
      const before = filesOf(tree);
      await expect(bind(tree, options)).rejects.toThrow(message);
      expect(filesOf(tree)).toEqual(before);
    });

    test('a path mounted by a hand-written mount call (string constant or literal)', async () => {
      const tree = seededTree();
      const edited = CHART_FIXTURE.replace(
        '    // hand-edited: more storage below, one day\n',
        "    // hand-edited: more storage below, one day\n    const scratch = new InstanceStore(this, 'scratch', {});\n    scratch.mount(this.repository.server, SCRATCH_DIR);\n    this.repository.server.mount('/var/log/app', scratch);\n",
      ).replace("export const EFS_CLASS = 'strata-efs';\n", "export const EFS_CLASS = 'strata-efs';\nconst SCRATCH_DIR = '/scratch';\n");
      tree.write(CHART, edited);
      await expect(bind(tree, { mount: '/scratch', name: 'fast' })).rejects.toThrow(`${CHART}:80: '--mount' (/scratch) is already mounted by scratch.mount(…); choose another --mount`);
      await expect(bind(tree, { mount: '/var/log/app', name: 'logs' })).rejects.toThrow(`${CHART}:81: '--mount' (/var/log/app) is already mounted by this.repository.server.mount(…); choose another --mount`);
      expect(tree.read(CHART, 'utf-8')).toBe(edited);
    });

    test('the same id and path bound with another tier or setting', async () => {
      const tree = seededTree();
      await bind(tree, {});
      const once = filesOf(tree);
      await expect(bind(tree, { storage: 'efs' })).rejects.toThrow(
        `${CHART}:89: 'data' is already bound at /data here (FsxLustre.fromStorageClass), not as --storage=efs; change it there, or choose another --name and --mount`,
      );
      await expect(bind(tree, { readOnly: true })).rejects.toThrow(`${CHART}:89: 'data' is already bound at /data here (FsxLustre.fromStorageClass), not as --storage=fsx-lustre --read-only;`);
      expect(filesOf(tree)).toEqual(once);
    });

    test('an import name held by another declaration', async () => {
      const tree = seededTree();
      tree.write(CHART, CHART_FIXTURE.replace("export const EFS_CLASS = 'strata-efs';", "export const EFS_CLASS = 'strata-efs';\nconst FsxLustre = 'mine';"));
      await expect(bind(tree, {})).rejects.toThrow(`${CHART}:10: 'FsxLustre' is already declared here; the generator needs FsxLustre from '@strata/storage' under that name: rename the declaration, or import FsxLustre from '@strata/storage' yourself`);
    });
  });

  test.each<[string, Partial<StorageBindingGeneratorSchema>, string]>([
    ['an unknown workload', { workload: 'llm-serve' }, `'--workload' (llm-serve) must be an existing workload: one of "llm-inference"; create it first with \`nx g @strata/nx-plugin:workload\``],
    ['a bad workload name', { workload: 'LLM' }, `'--workload' (LLM) must be a lowercase DNS label of at most 53 characters`],
    ['an unknown tier', { storage: 'ebs' as never }, `'--storage' (ebs) must be one of "fsx-lustre", "efs", "s3", "instance-store", "s3-files"; e.g. --storage=fsx-lustre`],
    ['a relative mount path', { mount: 'data' }, `'--mount' (data) must be an absolute path such as /data (letters, digits, ".", "_", "-" and "/"; no "." or ".." segments, no trailing "/"); e.g. --mount=/data`],
    ['a mount path with ..', { mount: '/data/../etc' }, `'--mount' (/data/../etc) must be an absolute path such as /data`],
    ['a trailing slash', { mount: '/data/' }, `'--mount' (/data/) must be an absolute path such as /data`],
    ['/tmp', { mount: '/tmp' }, `'--mount' (/tmp) must be another path than /tmp and /dev/shm; strata containers mount their scratch and shared memory there; e.g. --mount=/data`],
    ['a bad name', { name: 'Data_1' }, `'--name' (Data_1) must be a lowercase DNS label starting with a letter (letters, digits and "-", at most 63); it is the construct id, the pod volume name and, camelCased, the values key; e.g. --name=training-data`],
    ['a mount path that makes no id', { mount: '/1' }, `'--name' () must be given: the last segment of --mount=/1 makes no construct id; e.g. --name=data`],
    ['a WorkloadIdentity id', { name: 'sa-inference' }, `'--name' (sa-inference) must be another id than "iam-policies" or "sa-…"; WorkloadIdentity creates those at the chart root; e.g. --name=data`],
    ['read-only NVMe scratch', { storage: 'instance-store', readOnly: true }, '--read-only cannot be used with --storage=instance-store: NVMe scratch starts empty in every pod, so a read-only mount could never hold data; drop --read-only'],
  ])('refuses %s before writing anything', async (_what, options, message) => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(bind(tree, options)).rejects.toThrow(message);
    expect(filesOf(tree)).toEqual(before);
  });

  test('a chart without a default-exported chart class is refused with its file', async () => {
    const tree = seededTree();
    tree.write(CHART, 'export const x = 1;\n');
    await expect(bind(tree, {})).rejects.toThrow(`${CHART}:1: has no default-exported chart class; the workload's chart module must \`export default class … extends WorkloadChart\``);
  });

  test('adds missing dependencies to the workload\'s package.json and asks for npm install', async () => {
    const tree = seededTree();
    tree.write('packages/workloads/llm-inference/package.json', JSON.stringify({ name: '@strata/workload-llm-inference', version: '0.1.0', strata: { chart: 'src/chart.ts' }, dependencies: { '@strata/helm': '*' } }));
    const task = await bind(tree, {});
    expect(readJson(tree, 'packages/workloads/llm-inference/package.json').dependencies).toEqual({ '@strata/helm': '*', '@strata/patterns': '*', '@strata/storage': '*', cdk8s: '2.70.106' });
    expect(task).toEqual(expect.any(Function));
    expect(await bind(tree, {})).toBeUndefined();
  });

  test('binds an S3 Files volume: a claim on the environment\'s strata-s3-files class, its name a value', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'notebook', pattern: 'none', storage: 'efs' });
    await storageBindingGenerator(tree, { workload: 'notebook', storage: 's3-files', mount: '/shared', name: 'shared' });
    const chart = tree.read('packages/workloads/notebook/src/chart.ts', 'utf-8')!;
    expect(chart).toContain("import { Efs, S3Files } from '@strata/storage';");
    expect(chart).toContain(
      "    const shared = S3Files.fromStorageClass(this, 'shared', {\n" +
        "      storageClass: { name: this.values.string('shared.storageClassName', { default: 'strata-s3-files', description: 'S3 Files StorageClass of the shared volume (installed by a storage-s3-files release of the environment).', minLength: 1, maxLength: 253 }) },\n" +
        '    });\n',
    );
    expect(chart).toContain("mountEverywhere(this, shared, '/shared');");
    // A repeat changes nothing; the same id as another tier is refused.
    const before = filesOf(tree);
    await storageBindingGenerator(tree, { workload: 'notebook', storage: 's3-files', mount: '/shared', name: 'shared' });
    expect(filesOf(tree)).toEqual(before);
    await expect(storageBindingGenerator(tree, { workload: 'notebook', storage: 'efs', mount: '/shared', name: 'shared' })).rejects.toThrow(/'shared' is already bound at \/shared here \(S3Files\.fromStorageClass\), not as --storage=efs/);
  });

  test('binds into a chart the workload generator wrote', async () => {
    const tree = seededTree();
    await workloadGenerator(tree, { name: 'notebook', pattern: 'none', storage: 'efs' });
    await expect(storageBindingGenerator(tree, { workload: 'notebook', storage: 's3', mount: '/data' })).rejects.toThrow(
      "storage-binding refused; nothing was written:\n  packages/workloads/notebook/src/chart.ts:59: '--name' (data) is already the id of Efs.fromStorageClass(this, 'data', …) in the chart; choose another --name\n  packages/workloads/notebook/src/chart.ts:62: '--mount' (/data) is already mounted by this.storage.mount(…); choose another --mount\n  packages/workloads/notebook/src/chart.ts:60: '--name' (data) would declare its values under 'data', which already holds 'data.storageClassName'; choose another --name",
    );
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await storageBindingGenerator(tree, { workload: 'notebook', storage: 's3', mount: '/datasets', readOnly: true });
      // The pods' own credentials, as the workload generator's s3 charts have them (not the driver's, silently).
      expect(info.mock.calls.map((c) => c[0])).toEqual([
        "packages/workloads/notebook/src/chart.ts: datasets is read with the pods' own credentials: grantMountpoint writes its policy into the chart's iam-policies/<key>.json, the key of each mounting pod's service account; every environment deploying notebook gives each such key a role (identity.workloads['notebook'].<key>), and generate names any it lacks",
      ]);
    } finally {
      info.mockRestore();
    }
    const chart = tree.read('packages/workloads/notebook/src/chart.ts', 'utf-8')!;
    expect(chart).toContain("mountEverywhere(this, datasets, '/datasets', { readOnly: true });");
    expect(chart).toContain('      authenticationSource: S3AuthenticationSource.POD,\n');
    expect(chart).toContain('    grantMountpoint(datasets);\n');
    expect(chart).toContain("import { AccessMode, Efs, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';");
  });

  test('an FSx binding tells each environment deploying the workload whose class is not SCRATCH_2 which value to set', async () => {
    const tree = seededTree();
    tree.write('environments/prod/environment.ts', ENV_FIXTURE.replace("name: 'dev'", "name: 'prod'").replace("deploymentType: 'SCRATCH_2'", "deploymentType: 'PERSISTENT_2'"));
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await storageBindingGenerator(tree, { workload: 'llm-inference', storage: 'fsx-lustre', mount: '/data' });
      expect(info.mock.calls.map((c) => c[0])).toEqual([
        "environments/prod/environment.ts: its strata-fsx-lustre class is PERSISTENT_2: set workloads['llm-inference'].values.data.deploymentType: 'PERSISTENT_2' there (the binding assumes SCRATCH_2 until then, and generate warns)",
      ]);
    } finally {
      info.mockRestore();
    }
  });
});
