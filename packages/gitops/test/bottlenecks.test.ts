import { bottleneckReport, planEnvironment, storageBottlenecks } from '../src';
import { fixtureCatalog } from './fixtures/charts';
import { dev, prod, withChanges } from './fixtures/environments';
import { s3FilesCatalog } from './fixtures/s3-files-charts';
import { defineEnvironment, workload } from '../src';

/**
 * The bottleneck check (src/bottlenecks.ts): a workload's declared storage profile against the
 * storage its claim is bound to in this environment, a warning with the numbers and the fix when
 * storage bounds the job, and the report section (src/report-bottlenecks.ts).
 */
describe('storage bottlenecks at generate time', () => {
  const D = 'environments/dev/environment.ts';
  const profiled = (env: typeof dev, workload: string, profile: unknown) => withChanges(env, (e) => (e.workloads[workload].storageProfile = profile));

  test("the issue's case: 64 GPUs reading a 40 TB dataset from a 1.2 TiB scratch file system", () => {
    const plan = planEnvironment(profiled(dev, 'training', { dataset: { dataGiB: 40000, readers: 64, readMBpsPerReader: 200, perNode: 8, lifetime: 'job' } }), fixtureCatalog());
    expect(plan.errors).toEqual([]);
    expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
      `${D}: 'workloads.training.storageProfile["dataset"]': storage, not compute, bounds training on dataset (FSx for Lustre SCRATCH_2, 1,200 GiB, linked to S3): ` +
        'read throughput: 12,800 MB/s asked (64 readers × 200 MB/s), 234.4 MB/s given (1.17 TiB × 200 MB/s/TiB (SCRATCH_2 disk read)); ' +
        'fix: raise the file system to 67,200 GiB (65.63 TiB × 200 MB/s/TiB = 13,125 MB/s) with workloads.training.values.dataset.sizeGiB: 67200; ' +
        'or a PERSISTENT_2 class at 250 MB/s/TiB needs only 52,800 GiB for it (throughput and storage scale online on persistent file systems); ' +
        'or `npm run strata -- explain training` ranks the alternatives',
    ]);
  });

  test('a clean pass: the same class at a rate it gives, no warning, the numbers in the report', () => {
    const plan = planEnvironment(profiled(dev, 'training', { dataset: { dataGiB: 1000, readers: 1, readMBpsPerReader: 150 } }), fixtureCatalog());
    expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([]);
    const [row] = storageBottlenecks(plan).rows;
    expect({ supply: Math.round(row.supply!.readMBps * 10) / 10, headroom: Math.round(row.headroom! * 100) / 100, shortfalls: row.shortfalls }).toEqual({ supply: 234.4, headroom: 1.56, shortfalls: [] });
  });

  test('a persistent class: throughput per TiB from the environment\'s class (PERSISTENT_2 at 250), not the chart\'s SCRATCH_2 assumption', () => {
    const P = 'environments/prod/environment.ts';
    const plan = planEnvironment(profiled(prod, 'training', { dataset: { dataGiB: 4000, readers: 16, readMBpsPerReader: 100 } }), fixtureCatalog());
    const [row] = storageBottlenecks(plan).rows;
    expect(row.layout).toEqual({ kind: 'fsx-lustre', deploymentType: 'PERSISTENT_2', perUnit: 250, capacityGiB: 4800, linkedToS3: true });
    expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
      `${P}: 'workloads.training.storageProfile["dataset"]': storage, not compute, bounds training on dataset (FSx for Lustre PERSISTENT_2 at 250 MB/s/TiB, 4,800 GiB, linked to S3): ` +
        'read throughput: 1,600 MB/s asked (16 readers × 100 MB/s), 1,171.9 MB/s given (4.69 TiB × 250 MB/s/TiB (PERSISTENT_2)); ' +
        'fix: raise the file system to 7,200 GiB (7.03 TiB × 250 MB/s/TiB = 1,757.8 MB/s) with workloads.training.values.dataset.sizeGiB: 7200; ' +
        'or a PERSISTENT_2 class at 500 MB/s/TiB needs only 4,800 GiB for it (throughput and storage scale online on persistent file systems); ' +
        'or `npm run strata -- explain training` ranks the alternatives',
    ]);
  });

  test('EFS: the per-client limit bounds eight loaders on one node, though the file system keeps up', () => {
    const plan = planEnvironment(profiled(dev, 'inference', { 'models/cache': { dataGiB: 100, readers: 8, readMBpsPerReader: 400, perNode: 8 } }), fixtureCatalog());
    expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
      `${D}: 'workloads.inference.storageProfile["models/cache"]': storage, not compute, bounds inference on models/cache (EFS elastic): ` +
        'throughput per node: 3,200 MB/s asked (8 per node), 1,572.9 MB/s given (1,572.9 MB/s (1,500 MiBps) per client) ' +
        '[the file system\'s throughput mode is not stated here: Elastic assumed]; ' +
        'fix: spread the pods over more nodes (at most 3 per node: one EFS client per node); or `npm run strata -- explain inference` ranks the alternatives',
    ]);
  });

  describe('metadata operations against what the file system documents', () => {
    const P = 'environments/prod/environment.ts';
    const metadataPlan = (ops: number, classValues: Record<string, unknown>) =>
      planEnvironment(withChanges(profiled(prod, 'training', { dataset: { dataGiB: 4000, readers: 16, readMBpsPerReader: 50, metadataOpsPerSecond: ops } }), (e) => Object.assign(e.storage!['fsx-lustre'] as object, classValues)), fixtureCatalog());

    test('FSx PERSISTENT_2, USER_PROVISIONED: 5,000 operations/s against 1,500 metadata IOPS, the next level that carries them as the fix', () => {
      const plan = metadataPlan(5000, { metadataConfigurationMode: 'USER_PROVISIONED', metadataIops: 1500 });
      expect(plan.errors).toEqual([]);
      expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
        `${P}: 'workloads.training.storageProfile["dataset"]': storage, not compute, bounds training on dataset (FSx for Lustre PERSISTENT_2 at 250 MB/s/TiB, 4,800 GiB, linked to S3): ` +
          'metadata operations: 5,000 operations/s asked (stated), 1,500 operations/s given (1,500 metadata IOPS (USER_PROVISIONED)); ' +
          'fix: raise the metadata IOPS to 6,000 (metadataConfigurationMode USER_PROVISIONED, metadataIops 6000: an online increase, at least 6 hours apart); ' +
          'or `npm run strata -- explain training` ranks the alternatives',
      ]);
      expect(storageBottlenecks(plan).rows[0].layout).toEqual({ kind: 'fsx-lustre', deploymentType: 'PERSISTENT_2', perUnit: 250, capacityGiB: 4800, linkedToS3: true, metadata: { mode: 'USER_PROVISIONED', iops: 1500 } });
    });

    test('FSx AUTOMATIC: sized from the capacity (6,000 at 4,800 GiB): 6,000 operations/s pass, 7,000 warn with 12,000 as the fix', () => {
      expect(metadataPlan(6000, { metadataConfigurationMode: 'AUTOMATIC' }).warnings.filter((w) => w.includes('storageProfile'))).toEqual([]);
      expect(metadataPlan(7000, { metadataConfigurationMode: 'AUTOMATIC' }).warnings.filter((w) => w.includes('storageProfile'))).toEqual([
        `${P}: 'workloads.training.storageProfile["dataset"]': storage, not compute, bounds training on dataset (FSx for Lustre PERSISTENT_2 at 250 MB/s/TiB, 4,800 GiB, linked to S3): ` +
          'metadata operations: 7,000 operations/s asked (stated), 6,000 operations/s given (6,000 metadata IOPS (AUTOMATIC at 4,800 GiB)); ' +
          'fix: raise the metadata IOPS to 12,000 (metadataConfigurationMode USER_PROVISIONED, metadataIops 12000: an online increase, at least 6 hours apart); ' +
          'or `npm run strata -- explain training` ranks the alternatives',
      ]);
    });

    test('FSx without a metadata configuration (SCRATCH_2, or PERSISTENT_2 without one): no documented rate, so not checked, and said so', () => {
      const plan = planEnvironment(profiled(dev, 'training', { dataset: { dataGiB: 1000, readers: 1, readMBpsPerReader: 150, metadataOpsPerSecond: 50000 } }), fixtureCatalog());
      expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([]);
      expect(storageBottlenecks(plan).rows[0].assumed).toEqual(['metadata operations not checked on SCRATCH_2: AWS documents a metadata rate only for PERSISTENT_2 with one']);
      expect(storageBottlenecks(metadataPlan(50000, {})).rows[0].assumed).toEqual(['metadata operations not checked on PERSISTENT_2 without a metadata configuration: AWS documents a metadata rate only for PERSISTENT_2 with one']);
    });

    test('EFS Elastic: 100,000 operations/s against 90,000 read operations per second', () => {
      const plan = planEnvironment(profiled(dev, 'inference', { 'models/cache': { dataGiB: 100, readers: 2, readMBpsPerReader: 100, metadataOpsPerSecond: 100000 } }), fixtureCatalog());
      expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
        `${D}: 'workloads.inference.storageProfile["models/cache"]': storage, not compute, bounds inference on models/cache (EFS elastic): ` +
          'metadata operations: 100,000 operations/s asked (stated), 90,000 operations/s given (Elastic: 90,000 read operations per second per file system (the low end), metadata operations counted as reads) ' +
          "[the file system's throughput mode is not stated here: Elastic assumed]; " +
          'fix: pack the small files into larger ones (fewer opens), or move the data to FSx for Lustre PERSISTENT_2 with metadata IOPS provisioned; or `npm run strata -- explain inference` ranks the alternatives',
      ]);
    });

    test('derived from the profile when not stated: one open per file read (many small files)', () => {
      // 2,000 GiB in 20,480,000 files (0.1 MiB each) read at 16 × 600 MB/s: 91,552.7 opens per second, above EFS Elastic's 90,000.
      const plan = planEnvironment(profiled(dev, 'inference', { 'models/cache': { dataGiB: 2000, fileCount: 20480000, readers: 16, readMBpsPerReader: 600 } }), fixtureCatalog());
      const [row] = storageBottlenecks(plan).rows;
      expect(row.shortfalls.map((s) => s.text)).toContainEqual('metadata operations: 91,552.7 operations/s asked (one open per file read: 9,600 MB/s in files of 0.1 MiB), 90,000 operations/s given (Elastic: 90,000 read operations per second per file system (the low end), metadata operations counted as reads)');
    });
  });

  describe('S3 Files: 3 GiB/s read per client, 1 GiB/s written per file system (the low end of 1–5 GiB/s)', () => {
    const F = 'environments/files/environment.ts';
    const files = (profile: object) =>
      planEnvironment(
        defineEnvironment({
          name: 'files',
          cluster: { name: 'strata-files', region: 'us-east-1', kubernetesVersion: '1.33' },
          registry: 'oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/strata/charts',
          network: { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0123456789abcdef0'] },
          identity: { mode: 'irsa', drivers: { efs: 'arn:aws:iam::111122223333:role/efs-csi' }, efsNode: 'arn:aws:iam::111122223333:role/efs-csi-node' },
          storage: { 's3-files': [{ release: 'datasets-fs', values: { fileSystemId: 'fs-0a1b2c3d4e5f6071829', storageClassName: 'datasets' } }] },
          workloads: { datasets: workload({ namespace: 'data', values: { data: { storageClassName: 'datasets' } }, storageProfile: { data: profile as never } }) },
        }),
        s3FilesCatalog(),
      );

    test('eight readers on one node ask more than one client reads', () => {
      const plan = files({ dataGiB: 500, readers: 8, readMBpsPerReader: 500, perNode: 8 });
      expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
        `${F}: 'workloads.datasets.storageProfile["data"]': storage, not compute, bounds datasets on data (S3 Files (the bucket as a file system)): ` +
          'read throughput: 4,000 MB/s asked (8 readers × 500 MB/s), 3,221.2 MB/s given (1 client × 3,221.2 MB/s (3 GiB/s per client; up to terabytes per second per file system)); ' +
          'throughput per node: 4,000 MB/s asked (8 per node), 3,221.2 MB/s given (3,221.2 MB/s (3 GiB/s) read per client); ' +
          'fix: spread the pods over more nodes (at most 6 readers per node: 3 GiB/s read per client); or `npm run strata -- explain datasets` ranks the alternatives',
      ]);
      // Spread over two nodes, the same readers keep up.
      expect(files({ dataGiB: 500, readers: 8, readMBpsPerReader: 500, perNode: 4 }).warnings.filter((w) => w.includes('storageProfile'))).toEqual([]);
    });

    test('checkpoints from many writers exceed what one file system writes', () => {
      const plan = files({ dataGiB: 500, access: 'write-once', writers: 16, writeMBpsPerWriter: 100, perNode: 1 });
      expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
        `${F}: 'workloads.datasets.storageProfile["data"]': storage, not compute, bounds datasets on data (S3 Files (the bucket as a file system)): ` +
          'write throughput: 1,600 MB/s asked (16 writers × 100 MB/s), 1,073.7 MB/s given (1 GiB/s per file system (the low end of 1–5 GiB/s)); ' +
          'fix: S3 Files writes 1–5 GiB/s per file system (1 assumed, by Region): split the writers over more file systems on the bucket (one per class), or write checkpoints to FSx for Lustre or instance store; or `npm run strata -- explain datasets` ranks the alternatives',
      ]);
      const [row] = storageBottlenecks(plan).rows;
      expect([row.tier, row.layout, Math.round(row.headroom! * 100) / 100]).toEqual(['s3-files', { kind: 's3-files' }, 0.67]);
    });
  });

  test('S3: small objects exceed the GET rate of one prefix', () => {
    const plan = planEnvironment(profiled(dev, 'training', { results: { dataGiB: 500, fileCount: 5120000, readers: 32, readMBpsPerReader: 100, latency: 'tolerant' } }), fixtureCatalog());
    expect(plan.warnings.filter((w) => w.includes('storageProfile'))).toEqual([
      `${D}: 'workloads.training.storageProfile["results"]': storage, not compute, bounds training on results (S3 through Mountpoint): ` +
        'read throughput: 3,200 MB/s asked (32 readers × 100 MB/s), 576.7 MB/s given (1 prefix × 5,500 GET/s × 0.1 MB per GET); ' +
        'S3 GET rate: 30,517.6 requests/s asked (3,200 MB/s in 0.1 MiB requests), 5,500 requests/s given (5,500 per prefix × 1); ' +
        'fix: spread the objects over 6 prefixes (set s3Prefixes when they are) or pack small files into larger objects (8 MiB or more: one GET per 8 MiB part); ' +
        'or `npm run strata -- explain training` ranks the alternatives',
    ]);
    // Spread over the prefixes it names, the same reads keep up.
    const spread = planEnvironment(profiled(dev, 'training', { results: { dataGiB: 500, fileCount: 5120000, readers: 32, readMBpsPerReader: 100, latency: 'tolerant', s3Prefixes: 6 } }), fixtureCatalog());
    expect(spread.warnings.filter((w) => w.includes('storageProfile'))).toEqual([]);
  });

  test('numbers that follow the chart\'s values: readers from the workers, so more workers in an environment bring the warning', () => {
    const follow = (workers: number) => planEnvironment(withChanges(profiled(dev, 'training', { dataset: { dataGiB: 1000, readers: { $value: 'workers', multiply: 2 }, readMBpsPerReader: 50 } }), (e) => (e.workloads.training.values.workers = workers)), fixtureCatalog());
    expect(storageBottlenecks(follow(2)).rows[0].profile.readers).toBe(4);
    expect(follow(2).warnings.filter((w) => w.includes('storageProfile'))).toEqual([]);
    expect(follow(3).warnings.filter((w) => w.includes('storageProfile'))[0]).toContain('read throughput: 300 MB/s asked (6 readers × 50 MB/s), 234.4 MB/s given');
    expect(planEnvironment(profiled(dev, 'training', { dataset: { dataGiB: 1000, readers: { $value: 'wrkers' } } }), fixtureCatalog()).errors).toEqual([
      `${D}: 'workloads.training.storageProfile["dataset"].readers' ({"$value":"wrkers"}) must be a number, or { $value, multiply? } naming a number of training's values; training's values here have nothing at wrkers`,
    ]);
  });

  test('bad profiles are errors, each with the field, what is accepted and the fix', () => {
    const plan = planEnvironment(profiled(dev, 'training', { datasets: { dataGiB: 1 }, dataset: { readers: -1, sharing: 'everywhere', speed: 3 } }), fixtureCatalog());
    expect(plan.errors).toEqual([
      `${D}: 'workloads.training.storageProfile' ("datasets") must name a claim of training in this environment: "checkpoints", "dataset", "results"; claims are named as the environment report's storage tables list them`,
      `${D}: 'workloads.training.storageProfile["dataset"].speed' (3) must be left out: a profile has dataGiB, access, fileCount, readers, readMBpsPerReader, writers, writeMBpsPerWriter, checkpoint, perNode, sharing, latency, lifetime, metadataOpsPerSecond, budgetUsdPerMonth, hoursPerMonth, s3Prefixes, nodeNetworkGbps, nvmeMBpsPerNode, nvmeGiBPerNode, livesInS3; see docs/recommender.md for each`,
      `${D}: 'workloads.training.storageProfile["dataset"].dataGiB' (not set) must be a size in GiB greater than 0; give the size of the dataset or model the pods read`,
      `${D}: 'workloads.training.storageProfile["dataset"].readers' (-1) must be a whole number of at least 0; pods (or GPUs) reading at the same time`,
      `${D}: 'workloads.training.storageProfile["dataset"].sharing' ("everywhere") must be one of "one-node", "nodes-one-zone", "zones"; who must see the same data`,
    ]);
  });

  test('the report: one row per profiled claim, a chart of asked against given', () => {
    const plan = planEnvironment(profiled(dev, 'training', { dataset: { dataGiB: 40000, readers: 64, readMBpsPerReader: 200, perNode: 8 }, checkpoints: { dataGiB: 50, access: 'write-once', writers: 1, checkpoint: { sizeGiB: 50, intervalMinutes: 20, writeWithinSeconds: 100 }, sharing: 'one-node', nvmeMBpsPerNode: 4000 } }), fixtureCatalog());
    expect(bottleneckReport(plan).join('\n')).toMatchSnapshot();
  });

  test('no profile: the report says how to declare one', () => {
    expect(bottleneckReport(planEnvironment(dev, fixtureCatalog()))).toEqual([
      '## Storage bottlenecks',
      '',
      'No workload here declares a storage profile, so nothing is checked: add `storageProfile` to a workload of `environment.ts` (by claim name: readers, throughput per reader, checkpoints; docs/recommender.md) to compare what its pods ask with what its storage gives.',
      '',
    ]);
  });
});
