/**
 * Issue 9, item 2: fuzzing. Random combinations of tier and pattern props (fast-check, seeded,
 * 1200 cases; valid and invalid values mixed, including values of the wrong type as JavaScript or
 * YAML users pass them) built into a workload chart: the result is either valid output (every
 * object passes @strata/kube-schemas; a sample of 24 charts written by the chart writer passes
 * `helm lint --strict`) or strata's own validation error (SynthesisError / cdk8s "Validation
 * failed") — never a TypeError or any other exception.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Duration, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { chartFiles, Helm, SynthesisError, synthesizeChart, WorkloadChart } from '@strata/helm';
import { validateObjects } from '@strata/kube-schemas';
import { ModelRepository, ParallelJob, TrainingCheckpoint } from '@strata/patterns';
import {
  AccessMode,
  Efs,
  EfsProvisioningMode,
  FsxAutoImportPolicy,
  FsxDataCompressionType,
  FsxDeploymentType,
  FsxDriveCacheType,
  FsxFileSystemTypeVersion,
  FsxLustre,
  FsxMetadataConfigurationMode,
  FsxStorageType,
  InstanceStore,
  ReclaimPolicy,
  S3Mountpoint,
} from '@strata/storage';

const SEED = 9_2026;
const RUNS = 1200;
const LINT_SAMPLE = 24;

/** Sometimes absent, sometimes one of these. */
const maybe = <T>(...values: T[]) => fc.option(fc.constantFrom(...values), { nil: undefined, freq: 2 });
const size = fc.oneof(
  fc.integer({ min: 0, max: 80_000 }).map((g) => Size.gibibytes(g)),
  fc.constantFrom(1200, 2400, 4800, 9600, 19200, 38400, 1800, 6000).map((g) => Size.gibibytes(g)),
  // Fractions of a TiB in whole GiB (a fraction that is no whole number of MiB: see the known-bug test below).
  fc.integer({ min: 512, max: 4096 }).map((g) => Size.tebibytes(g / 1024)),
);
const accessMode = maybe(AccessMode.READ_WRITE_MANY, AccessMode.READ_WRITE_ONCE, AccessMode.READ_ONLY_MANY, AccessMode.READ_WRITE_ONCE_POD, 'RWX' as AccessMode);
const bucket = fc.constantFrom('ml-data', 'ml..data', 's3://ml-data/x', 'a', 'ML-Data', 'ml-data--x-s3', '192.168.5.4', 'my-bucket-000', '');
/** Mostly a good bucket, sometimes any of the above (patterns then get past their own checks often enough). */
const bucketMostly = fc.oneof({ arbitrary: fc.constantFrom('ml-data', 'my-bucket-000'), weight: 3 }, { arbitrary: bucket, weight: 1 });
const prefix = maybe('', 'ckpt', 'ckpt/', 'a/b/', '/lead/', 'x//y/', 'run-1/');

type Build = (scope: Construct, mountInto: plus.Deployment) => void;

const fsxWide = fc
  .record({
    subnetId: maybe('subnet-0eabfaa81fb22bcaf', 'subnet-0eabfaa81fb22bcaf,subnet-0d7b5e117ad7b4961', 'subnet-1', ''),
    deploymentType: maybe(FsxDeploymentType.SCRATCH_1, FsxDeploymentType.SCRATCH_2, FsxDeploymentType.PERSISTENT_1, FsxDeploymentType.PERSISTENT_2, 'PERSISTENT_3' as FsxDeploymentType),
    storageType: maybe(FsxStorageType.SSD, FsxStorageType.HDD, FsxStorageType.INTELLIGENT_TIERING),
    perUnitStorageThroughput: maybe(12, 40, 50, 100, 125, 200, 250, 500, 1000, 7, -1, '200' as unknown as number),
    driveCacheType: maybe(FsxDriveCacheType.NONE, FsxDriveCacheType.READ),
    s3ImportPath: maybe('s3://ml-data', 's3://ml-data/in', 'ml-data', 's3://'),
    s3ExportPath: maybe('s3://ml-data/export', 's3://other/out'),
    autoImportPolicy: maybe(FsxAutoImportPolicy.NEW, FsxAutoImportPolicy.NEW_CHANGED_DELETED, 'ALL' as FsxAutoImportPolicy),
    automaticBackupRetentionDays: maybe(0, 1, 35, 90, 91, -1, 1.5),
    dailyAutomaticBackupStartTime: maybe('00:00', '23:59', '2:00', '24:00', ''),
    weeklyMaintenanceStartTime: maybe('7:09:00', '0:09:00', 'Sun:09:00', '1:00:00'),
    fileSystemTypeVersion: maybe(FsxFileSystemTypeVersion.V2_10, FsxFileSystemTypeVersion.V2_12, FsxFileSystemTypeVersion.V2_15, '2.14' as FsxFileSystemTypeVersion),
    metadataConfigurationMode: maybe(FsxMetadataConfigurationMode.AUTOMATIC, FsxMetadataConfigurationMode.USER_PROVISIONED),
    metadataIops: maybe(1500, 2000, 3000, 12000, 24000, 204000),
    efaEnabled: maybe(true, false),
    dataCompressionType: maybe(FsxDataCompressionType.NONE, FsxDataCompressionType.LZ4, 'GZIP' as FsxDataCompressionType),
    extraTags: maybe({ team: 'ml' }, { team: 'ml,env' }, { a: 'b=c' }, {}),
    kmsKeyId: maybe('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'not-a-key'),
    reclaimPolicy: maybe(ReclaimPolicy.RETAIN, ReclaimPolicy.DELETE, 'Recycle' as ReclaimPolicy),
    allowVolumeExpansion: maybe(true, false),
    autoModeCluster: maybe(true, false),
    securityGroupIds: maybe(['sg-068000ccf82dfba88'], ['sg-1'], []),
    accessMode,
    storage: size,
    previousStorage: fc.option(size, { nil: undefined, freq: 4 }),
    readOnly: fc.boolean(),
  });
const SUBNET = 'subnet-0eabfaa81fb22bcaf';
/** Props that should pass: one of each deployment/storage combination with an offered throughput, a valid claim. */
const fsxValid = fc
  .record({
    cls: fc.oneof(
      fc.constant({ subnetId: SUBNET }),
      fc.constant({ subnetId: SUBNET, deploymentType: FsxDeploymentType.SCRATCH_1, allowVolumeExpansion: false }),
      fc.constantFrom(50, 100, 200).map((t) => ({ subnetId: SUBNET, deploymentType: FsxDeploymentType.PERSISTENT_1, perUnitStorageThroughput: t })),
      fc.constantFrom(125, 250, 500, 1000).map((t) => ({ subnetId: SUBNET, deploymentType: FsxDeploymentType.PERSISTENT_2, perUnitStorageThroughput: t, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_15 })),
      fc.constantFrom(12, 40).map((t) => ({ subnetId: SUBNET, deploymentType: FsxDeploymentType.PERSISTENT_1, storageType: FsxStorageType.HDD, perUnitStorageThroughput: t, driveCacheType: FsxDriveCacheType.READ })),
    ),
    extra: fc.record({ dataCompressionType: maybe(FsxDataCompressionType.NONE, FsxDataCompressionType.LZ4), extraTags: maybe({ team: 'ml' }, { team: 'ml', env: 'dev' }), reclaimPolicy: maybe(ReclaimPolicy.RETAIN, ReclaimPolicy.DELETE), securityGroupIds: fc.constantFrom(['sg-068000ccf82dfba88'], ['sg-068000ccf82dfba88', 'sg-05a37bfe01467059a']) }),
    accessMode: maybe(AccessMode.READ_WRITE_MANY, AccessMode.READ_WRITE_ONCE),
    storage: fc.integer({ min: 1, max: 40_000 }).map((g) => Size.gibibytes(g)),
    readOnly: fc.boolean(),
  })
  .map(({ cls, extra, ...rest }) => ({ ...cls, ...extra, ...rest }) as typeof rest & Record<string, unknown>);
const fsx: fc.Arbitrary<[string, Build]> = fc
  .oneof(fsxValid, fsxWide as fc.Arbitrary<any>)
  .map(({ readOnly, ...p }): [string, Build] => [`fsx ${JSON.stringify(p)}`, (s, d) => new FsxLustre(s, 'fsx', p as any).mount(d.containers[0], '/data', { readOnly })]);

const efsWide = fc
  .record({
    provisioningMode: maybe(EfsProvisioningMode.EFS_AP, EfsProvisioningMode.S3FILES_AP, 'efs' as EfsProvisioningMode),
    fileSystemId: maybe('fs-0123456789abcdef0', 'fs-12', 'FS-0123456789ABCDEF0'),
    fileSystemIdConfigRef: maybe('kube-system/efs-ids/models', 'efs-ids'),
    directoryPerms: maybe('700', '0755', 'rwx', '0800', '7777'),
    gidRangeStart: maybe(1000, 0, -5, 50000),
    gidRangeEnd: maybe(2000, 1000, 70000),
    uid: maybe(1000, -1, 0, 4294967296),
    gid: maybe(1000, 4294967296),
    basePath: maybe('/models', '/' + 'a'.repeat(60), '/a/b/c/d', 'relative'),
    subPathPattern: maybe('${.PVC.namespace}/${.PVC.name}', '${.PVC.labels.team}', 'fixed'),
    ensureUniqueDirectory: maybe(true, false),
    reuseAccessPoint: maybe(true, false),
    mountOptions: maybe(['tls'], ['iam'], ['accesspoint=fsap-0123456789abcdef0'], ['crossaccount'], ['noresvport']),
    allowVolumeExpansion: maybe(true, false),
    enableTagging: maybe(true, false),
    controllerHasTags: maybe(true, false),
    reclaimPolicy: maybe(ReclaimPolicy.RETAIN, 'Recycle' as ReclaimPolicy),
    volumeMode: maybe('Filesystem', 'Block'),
    accessMode,
    storage: fc.option(size, { nil: undefined }),
    readOnly: fc.boolean(),
  });
const efsValid = fc.record({
  provisioningMode: fc.constant(EfsProvisioningMode.EFS_AP),
  fileSystemId: fc.constant('fs-0123456789abcdef0'),
  directoryPerms: fc.constantFrom('700', '0755', '750'),
  uid: maybe(1000, 0),
  gid: maybe(1000, 2000),
  basePath: maybe('/models', '/shared'),
  subPathPattern: maybe('${.PVC.namespace}/${.PVC.name}', 'fixed'),
  reclaimPolicy: maybe(ReclaimPolicy.RETAIN, ReclaimPolicy.DELETE),
  accessMode: maybe(AccessMode.READ_WRITE_MANY, AccessMode.READ_WRITE_ONCE),
  storage: fc.option(fc.integer({ min: 1, max: 1000 }).map((g) => Size.gibibytes(g)), { nil: undefined }),
  readOnly: fc.boolean(),
});
const efs: fc.Arbitrary<[string, Build]> = fc
  .oneof(efsValid as fc.Arbitrary<any>, efsWide as fc.Arbitrary<any>)
  .map(({ readOnly, ...p }): [string, Build] => [`efs ${JSON.stringify(p)}`, (s, d) => new Efs(s, 'efs', p as any).mount(d.containers[0], '/models', { readOnly })]);

const s3Wide = fc
  .record({
    bucketName: bucket,
    prefix,
    region: maybe('us-east-1', 'moon-1', ''),
    accessMode: maybe(AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY, AccessMode.READ_WRITE_ONCE),
    authenticationSource: maybe('driver', 'pod', 'irsa') as fc.Arbitrary<any>,
    cache: maybe({ type: 'emptyDir' }, { type: 'emptyDir', sizeLimit: Size.gibibytes(1) }, { type: 'emptyDir', medium: 'SSD' }, { type: 'ephemeral' }, { type: 'hostPath' }) as fc.Arbitrary<any>,
    maxCacheSize: maybe(512, 2048),
    allowDelete: maybe(true, false),
    allowOverwrite: maybe(true, false),
    allowOther: maybe(true, false),
    allowRoot: maybe(true, false),
    uid: maybe(1000, -1),
    gid: maybe(1000, 70000),
    dirMode: maybe('0755', '755', 'rwx'),
    fileMode: maybe('0644', '999'),
    incrementalUpload: maybe(true, false),
    extraMountOptions: maybe(['-o allow-other'], ['foreground', 'debug'], ['ca-bundle /x'], ['cache /tmp/s3'], ['read-only']),
    readOnly: fc.boolean(),
  });
const s3Valid = fc.record({
  bucketName: fc.constantFrom('ml-data', 'my-bucket-000', 'ml.models'),
  prefix: maybe('ckpt/', 'a/b/', 'run-1/'),
  region: maybe('us-east-1', 'eu-west-1'),
  accessMode: maybe(AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY),
  cache: maybe({ type: 'emptyDir', sizeLimit: Size.gibibytes(4) }) as fc.Arbitrary<any>,
  allowDelete: maybe(true, false),
  uid: maybe(1000),
  gid: maybe(1000),
  readOnly: fc.boolean(),
});
const s3: fc.Arbitrary<[string, Build]> = fc
  .oneof(s3Valid as fc.Arbitrary<any>, s3Wide as fc.Arbitrary<any>)
  .map(({ readOnly, ...p }): [string, Build] => [`s3 ${JSON.stringify(p)}`, (s, d) => new S3Mountpoint(s, 's3', p as any).mount(d.containers[0], '/bucket', { readOnly })]);

const instanceStore: fc.Arbitrary<[string, Build]> = fc
  .record({ size: fc.option(size, { nil: undefined }), medium: maybe(plus.EmptyDirMedium.DEFAULT, plus.EmptyDirMedium.MEMORY), volumeName: maybe('scratch', 'Bad_Name') })
  .map((p): [string, Build] => [`instance-store ${JSON.stringify(p)}`, (s, d) => new InstanceStore(s, 'scratch', p).mount(d.containers[0], '/scratch')]);

const checkpoint: fc.Arbitrary<[string, Build]> = fc
  .record({
    bucket: bucketMostly,
    prefix,
    run: fc.constantFrom('run-7', 'run-8', 'run/7', '', 'r'.repeat(200), 'RUN_1'),
    size: fc.option(size, { nil: undefined }),
    checkpointSize: fc.option(size, { nil: undefined }),
    flushBudget: maybe(5, 30, 90, 600, 900), // cdk8s's Duration refuses negative amounts itself
    syncInterval: maybe(5, 60, 600),
    workers: fc.integer({ min: -1, max: 16 }),
    mountPath: maybe('/checkpoints', 'relative', '/tmp'),
  })
  .map((p): [string, Build] => [
    `training-checkpoint ${JSON.stringify(p)}`,
    (s) => {
      const job = new ParallelJob(s, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: p.workers });
      new TrainingCheckpoint(s, 'checkpoints', {
        job,
        destination: { bucket: p.bucket, prefix: p.prefix },
        run: p.run,
        size: p.size,
        checkpointSize: p.checkpointSize,
        mountPath: p.mountPath,
        flushBudget: p.flushBudget === undefined ? undefined : Duration.seconds(p.flushBudget),
        syncInterval: p.syncInterval === undefined ? undefined : Duration.seconds(p.syncInterval),
      });
    },
  ]);

const modelRepository: fc.Arbitrary<[string, Build]> = fc
  .record({
    tier: fc.constantFrom('efs', 'fsx', 's3'),
    bucket: bucketMostly,
    prefix,
    version: fc.constantFrom('v1', 'v2', '', 'v1/../x', 'a b'),
    replicas: maybe(0, 1, 3, -1),
    gpus: maybe(0, 1, 8, -2),
    mountPath: maybe('/models', 'models', '/cache'),
  })
  .map((p): [string, Build] => [
    `model-repository ${JSON.stringify(p)}`,
    (s) => {
      const cache =
        p.tier === 'efs'
          ? Efs.fromStorageClass(s, 'cache', { storageClass: { name: 'strata-efs' } })
          : p.tier === 'fsx'
            ? FsxLustre.fromStorageClass(s, 'cache', { storageClass: { name: 'strata-fsx-lustre' }, storage: Size.gibibytes(1200) } as any)
            : new S3Mountpoint(s, 'cache', { bucketName: p.bucket, prefix: p.prefix, accessMode: AccessMode.READ_ONLY_MANY });
      new ModelRepository(s, 'models', {
        source: { bucket: p.bucket, prefix: p.prefix },
        version: p.version,
        cache,
        replicas: p.replicas,
        mountPath: p.mountPath,
        server: { image: 'vllm/vllm-openai:v0.8.5', gpus: p.gpus, healthPath: '/health' },
      });
    },
  ]);

const anyCase = fc.oneof(fsx, efs, s3, instanceStore, checkpoint, modelRepository);

/** A workload chart holding one fuzz case: a Deployment to mount into, and the case. */
function build(c: Build): WorkloadChart {
  const chart = new WorkloadChart(Testing.app(), 'fuzz', { name: 'fuzz', description: 'A fuzz case.' });
  const d = new plus.Deployment(chart, 'server', {
    containers: [{ image: 'public.ecr.aws/example/server:1', securityContext: { user: 1000, group: 1000 }, resources: { cpu: { request: plus.Cpu.millis(100) }, memory: { request: Size.mebibytes(128) } } }],
  });
  c(chart, d);
  return chart;
}

/** strata's own refusal: a SynthesisError, or cdk8s's gathered "Validation failed". */
function isStrataError(e: unknown): boolean {
  return e instanceof SynthesisError || (e instanceof Error && e.constructor === Error && e.message.startsWith('Validation failed'));
}

describe('fuzzing tier and pattern props', () => {
  test(`${RUNS} seeded cases: valid output (schemas; helm lint on a sample) or strata's validation error`, async () => {
    const tally = { valid: 0, rejected: 0, byKind: {} as Record<string, { valid: number; rejected: number }> };
    const lintable: [string, Build][] = [];
    const unexpected: string[] = [];
    fc.assert(
      fc.property(anyCase, ([label, c]) => {
        const kind = label.split(' ')[0];
        const k = (tally.byKind[kind] ??= { valid: 0, rejected: 0 });
        let objects;
        try {
          objects = synthesizeChart(build(c)).objects.map((o) => o.manifest);
        } catch (e) {
          if (isStrataError(e)) {
            tally.rejected++;
            k.rejected++;
            return true;
          }
          unexpected.push(`${label}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
          return true;
        }
        const problems = validateObjects(objects as any, { allowUnmodelled: true });
        if (problems.length > 0) {
          unexpected.push(`${label}: schema: ${problems.join('; ')}`);
          return true;
        }
        tally.valid++;
        k.valid++;
        if (lintable.length < LINT_SAMPLE && !lintable.some(([l]) => l.split(' ')[0] === kind && lintable.filter(([x]) => x.split(' ')[0] === kind).length >= Math.ceil(LINT_SAMPLE / 6))) lintable.push([label, c]);
        return true;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(unexpected).toEqual([]);
    expect(tally.valid).toBeGreaterThan(50);
    expect(tally.rejected).toBeGreaterThan(50);

    // The chart writer's output of a sample of valid cases passes helm lint --strict.
    // (Top up the sample with further valid cases when some kind had few.)
    const extra = fc.sample(anyCase, { seed: SEED + 1, numRuns: 400 });
    for (const [label, c] of extra) {
      if (lintable.length >= LINT_SAMPLE) break;
      try {
        synthesizeChart(build(c));
        lintable.push([label, c]);
      } catch {
        /* refused: not lintable */
      }
    }
    expect(lintable.length).toBeGreaterThanOrEqual(20);
    const dir = mkdtempSync(join(tmpdir(), 'strata-fuzz-'));
    try {
      const charts = lintable.map(([, c], i) => {
        const chartDir = join(dir, `case-${i}`);
        for (const [rel, content] of chartFiles(synthesizeChart(build(c)), { version: '0.1.0', source: `fuzz case ${i}` })) {
          mkdirSync(dirname(join(chartDir, rel)), { recursive: true });
          writeFileSync(join(chartDir, rel), content);
        }
        return chartDir;
      });
      const out = await new Helm().lint(charts, { strict: true });
      expect(out).toContain(`${charts.length} chart(s) linted, 0 chart(s) failed`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const kinds = Object.entries(tally.byKind).map(([kind, n]) => `${kind} ${n.valid}/${n.rejected}`).join(', ');
    console.log(`fuzzing: ${RUNS} fuzz cases (seed ${SEED}): ${tally.valid} valid (schemas pass), ${tally.rejected} refused by strata validation, 0 other errors; ${lintable.length} charts helm-linted --strict, 0 failed [valid/refused: ${kinds}]`);
  }, 170_000);
});

/**
 * Found by this fuzzer (reported, not fixed here: packages/storage is not this suite's to edit):
 * InstanceStore with a size that is no whole number of MiB (e.g. Size.tebibytes(0.3)) ends in
 * cdk8s-plus's plain Error "… cannot be converted into a whole number of mebibytes" while the pod
 * volume is made, not in a strata validation error. `test.failing`: turns red once fixed, so the
 * size rule can then move into the fuzzed range above.
 */
test('InstanceStore with a size that is no whole number of MiB is refused by strata validation', () => {
  let error: unknown;
  try {
    synthesizeChart(build((s, d) => new InstanceStore(s, 'scratch', { size: Size.tebibytes(0.3) }).mount(d.containers[0], '/scratch')));
  } catch (e) {
    error = e;
  }
  expect(isStrataError(error)).toBe(true);
});
