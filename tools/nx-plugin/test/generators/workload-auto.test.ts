import { logger } from '@nx/devkit';
import { workloadGenerator } from '../../src/generators/workload/generator';
import { WorkloadGeneratorSchema } from '../../src/generators/workload/schema';
import { scaffoldClaim } from '../../src/generators/workload/scaffold-claims';
import { addedLines, ENV_FIXTURE, filesOf, seededTree } from './workspace-tree';

/** `--storage=auto`: the tier from the workload's profile, among those the pattern takes, with the reasons printed. */
describe('workload generator --storage=auto', () => {
  const run = async (options: Partial<WorkloadGeneratorSchema>) => {
    const tree = seededTree();
    const lines: string[] = [];
    const info = jest.spyOn(logger, 'info').mockImplementation((m) => void lines.push(String(m)));
    try {
      await workloadGenerator(tree, { name: 'w', pattern: 'none', storage: 'auto', skipInstall: true, ...options } as WorkloadGeneratorSchema);
    } finally {
      info.mockRestore();
    }
    return { tree, printed: lines.join('\n') };
  };

  test("the issue's training job: FSx for Lustre, the package built on it, the ranking printed", async () => {
    const { tree, printed } = await run({ pattern: 'distributed-dataset', dataGiB: 40000, readers: 64, readMBpsPerReader: 200, perNode: 8, lifetime: 'job' });
    expect(tree.read('packages/workloads/w/src/chart.ts', 'utf-8')).toContain('DistributedDataset');
    expect(printed.split('\n').slice(0, 4)).toEqual([
      'storage: auto chose --storage=fsx-lustre (FSx for Lustre scratch, linked to S3, rank 1 of 7) for --pattern=distributed-dataset',
      '  demand: reads 12,800 MB/s (64 readers × 200 MB/s), writes 0 MB/s (no writes stated), 8 nodes at 1,600 MB/s each',
      '  ',
      '  1. FSx for Lustre scratch, linked to S3 [fsx-lustre] — keeps up; reads 13,125 MB/s, writes 6,562.5 MB/s; $11,089.61/month',
    ]);
    expect(printed).toContain('what would change the answer:');
    expect(printed).toContain(`the profile goes on the workload's entry in each environment --environments names (generate's bottleneck check uses it): storageProfile: { 'dataset/fsx': {"dataGiB":40000,"readers":64,"readMBpsPerReader":200,"perNode":8,"lifetime":"job"} }`);
  });

  test('edited data that lives in S3, shared across zones: --pattern=none gets S3 Files, ranked without a price', async () => {
    const { tree, printed } = await run({ dataGiB: 500, access: 'read-write', readers: 4, readMBpsPerReader: 50, sharing: 'zones', livesInS3: true });
    expect(tree.read('packages/workloads/w/src/chart.ts', 'utf-8')).toContain("S3Files.fromStorageClass(this, 'data', {");
    expect(printed.split('\n')[0]).toBe('storage: auto chose --storage=s3-files (S3 Files (the bucket as a file system), rank 1 of 7) for --pattern=none');
    expect(printed).toContain('1. S3 Files (the bucket as a file system) [s3-files] — keeps up; reads 12,884.9 MB/s, writes 1,073.7 MB/s; n/a');
    expect(printed).toContain('   - not priced: ranked after every priced layout that fares as well (its rates are not confirmed)');
    // Without livesInS3, EFS (priced) ranks first for the same edits.
    expect((await run({ dataGiB: 500, access: 'read-write', readers: 4, readMBpsPerReader: 50, sharing: 'zones' })).printed.split('\n')[0]).toBe('storage: auto chose --storage=efs (EFS (Elastic throughput), rank 1 of 7) for --pattern=none');
  });

  test('--environments: the profile is written into each entry, under the claim the scaffold makes; the explanation is still printed', async () => {
    const { tree, printed } = await run({ pattern: 'model-repository', dataGiB: 30, access: 'write-once', readers: 6, readMBpsPerReader: 100, sharing: 'zones', hoursPerMonth: 10, environments: 'dev' });
    const after = tree.read('environments/dev/environment.ts', 'utf-8')!;
    expect(addedLines(ENV_FIXTURE, after).filter((l) => l.includes("'w'"))).toEqual([
      "    'w': workload<WValues>({ namespace: 'w', values: { aws: { region: 'us-east-1' } }, storageProfile: { 'model-cache': { dataGiB: 30, access: 'write-once', readers: 6, readMBpsPerReader: 100, sharing: 'zones', hoursPerMonth: 10 } } }),",
    ]);
    expect(printed).toContain("  storageProfile written for claim 'model-cache': generate's bottleneck check compares it with this environment's storage");
    expect(printed.split('\n')[0]).toBe('storage: auto chose --storage=efs (EFS (Elastic throughput), rank 1 of 7) for --pattern=model-repository');
    // A second run with the same options changes nothing: the entry is there.
    const again = await (async () => {
      const lines: string[] = [];
      const info = jest.spyOn(logger, 'info').mockImplementation((m) => void lines.push(String(m)));
      try {
        await workloadGenerator(tree, { name: 'w', pattern: 'model-repository', storage: 'auto', skipInstall: true, dataGiB: 30, access: 'write-once', readers: 6, readMBpsPerReader: 100, sharing: 'zones', hoursPerMonth: 10, environments: 'dev' } as WorkloadGeneratorSchema);
      } finally {
        info.mockRestore();
      }
      return tree.read('environments/dev/environment.ts', 'utf-8');
    })();
    expect(again).toBe(after);
  });

  test('the claim a scaffold makes, by pattern and tier (scaffold-claims.test.ts holds them to the synthesized charts)', () => {
    expect([
      scaffoldClaim('model-repository', 'efs'), scaffoldClaim('model-repository', 's3'), scaffoldClaim('training-checkpoint', 'instance-store'),
      scaffoldClaim('distributed-dataset', 'fsx-lustre'), scaffoldClaim('none', 'fsx-lustre'), scaffoldClaim('none', 'instance-store'),
    ]).toEqual(['model-cache', 'model-cache', 'checkpoints/scratch', 'dataset/fsx', 'data', 'scratch']);
  });

  test('a model read across zones, written once by hydration: EFS for the model repository', async () => {
    const { printed } = await run({ pattern: 'model-repository', dataGiB: 30, access: 'write-once', readers: 6, readMBpsPerReader: 100, sharing: 'zones', hoursPerMonth: 10 });
    expect(printed.split('\n')[0]).toBe('storage: auto chose --storage=efs (EFS (Elastic throughput), rank 1 of 7) for --pattern=model-repository');
  });

  test('the pattern limits the choice: what ranks first is named when the pattern cannot take it', async () => {
    const { printed } = await run({ pattern: 'model-repository', dataGiB: 500, access: 'read-write', readers: 1, readMBpsPerReader: 500, sharing: 'one-node', lifetime: 'job' });
    expect(printed.split('\n').slice(0, 2)).toEqual([
      'storage: auto chose --storage=fsx-lustre (FSx for Lustre persistent, linked to S3, rank 2 of 7) for --pattern=model-repository',
      '  Instance-store NVMe, synced to S3 ranks first, but --pattern=model-repository is not built on instance-store (it is the training-checkpoint pattern: --pattern=training-checkpoint)',
    ]);
  });

  test('a bad profile is refused naming each flag, nothing written', async () => {
    const tree = seededTree();
    const before = filesOf(tree);
    await expect(workloadGenerator(tree, { name: 'w', pattern: 'none', storage: 'auto', readers: -2, sharing: 'everywhere', checkpointGiB: 10 } as never)).rejects.toThrow(
      [
        '--storage=auto needs a valid profile:',
        "  '--dataGiB' (not set) must be a size in GiB greater than 0; give the size of the dataset or model the pods read",
        "  '--readers' (-2) must be a whole number of at least 0; pods (or GPUs) reading at the same time",
        `  '--sharing' ("everywhere") must be one of "one-node", "nodes-one-zone", "zones"; who must see the same data`,
        "  '--checkpointMinutes' (not set) must be a number of minutes greater than 0; minutes between checkpoints",
      ].join('\n'),
    );
    expect(filesOf(tree)).toEqual(before);
  });

  test('profile options without --storage=auto are refused: they would be ignored', async () => {
    await expect(workloadGenerator(seededTree(), { name: 'w', pattern: 'model-repository', storage: 'efs', readers: 4 } as never)).rejects.toThrow(
      "'--storage' (efs) must be auto when profile options are given (--readers); add --storage=auto to choose the tier from them, or leave them out",
    );
  });
});
