import { REPO_ROOT } from '@strata/toolchain';
import { UsageError } from '../src/args';
import { candidateOf, explainWorkload } from '../src/explain';
import { parseStrataArgs, STRATA_USAGE } from '../src/strata-args';

/** `npm run strata -- explain <workload> [--env <env>]` on the repository's own environments and charts. */
describe('strata explain', () => {
  test("dev's llm-finetune: each profiled claim against the ranking for its profile", () => {
    const lines = explainWorkload(REPO_ROOT, 'llm-finetune', 'dev');
    expect(lines[0]).toBe('llm-finetune in dev (environments/dev/environment.ts):');
    const dataset = lines.findIndex((l) => l.startsWith('  dataset/fsx (fsx-lustre):'));
    expect(lines.slice(dataset, dataset + 3)).toEqual([
      '  dataset/fsx (fsx-lustre): demand: reads 150 MB/s (1 reader × 150 MB/s), writes 0 MB/s (no writes stated), 1 node at 150 MB/s each',
      '    bound to: FSx for Lustre SCRATCH_2, 1,200 GiB, linked to S3 (the distributed-dataset pattern) — keeps up; reads 234.4 MB/s, writes 117.2 MB/s (headroom 1.56×); $205.08/month',
      '    the same kind of layout sized for this profile ranks 3 of 7 (keeps up, $205.08/month); first: Instance-store NVMe, synced to S3',
    ]);
  });

  test('a claim without a profile says how to declare one', () => {
    expect(explainWorkload(REPO_ROOT, 'llm-finetune', 'staging')).toContain(
      '  checkpoints/scratch (instance-store): no storage profile; declare workloads.llm-finetune.storageProfile["checkpoints/scratch"] in environments/staging/environment.ts (dataGiB, readers, readMBpsPerReader, …) to compare it with the alternatives',
    );
  });

  test('a workload or environment that does not exist is a usage error naming what does', () => {
    expect(() => explainWorkload(REPO_ROOT, 'llm-finetune', 'qa')).toThrow(new UsageError(`'--env' ("qa") must be one of the environments: "dev", "prod", "staging"; leave it out to explain every environment that deploys llm-finetune`));
    expect(() => explainWorkload(REPO_ROOT, 'nope', 'prod')).toThrow(
      `'workload' ("nope") must be a workload environment prod deploys: "batch-embeddings", "kserve-llm", "llm-finetune", "llm-inference", "nim-llm"; add it with \`nx g @strata/nx-plugin:workload nope … --environments=<env>\``,
    );
  });

  test('the command line', () => {
    expect(parseStrataArgs(['explain', 'llm-inference', '--env', 'prod'])).toEqual({ command: 'explain', workload: 'llm-inference', env: 'prod' });
    expect(parseStrataArgs(['--', 'explain', 'llm-inference', '--env=dev'])).toEqual({ command: 'explain', workload: 'llm-inference', env: 'dev' });
    expect(parseStrataArgs([])).toEqual({ command: 'help' });
    expect(() => parseStrataArgs(['recommend'])).toThrow(`unknown command "recommend"; strata accepts explain\n${STRATA_USAGE}`);
    expect(() => parseStrataArgs(['explain'])).toThrow(`explain takes one workload (none given)\n${STRATA_USAGE}`);
    expect(() => parseStrataArgs(['explain', 'a', '--env'])).toThrow(`'--env' (not set) must be an environment name; e.g. --env dev\n${STRATA_USAGE}`);
    expect(() => parseStrataArgs(['explain', 'a', '--fast'])).toThrow(`unknown option "--fast"; explain accepts --env\n${STRATA_USAGE}`);
  });

  test('each bound layout is an instance of one candidate', () => {
    expect([
      candidateOf({ kind: 'fsx-lustre', deploymentType: 'SCRATCH_2', capacityGiB: 1200 }),
      candidateOf({ kind: 'fsx-lustre', deploymentType: 'PERSISTENT_2', perUnit: 250, capacityGiB: 1200 }),
      candidateOf({ kind: 'efs', throughputMode: 'elastic' }),
      candidateOf({ kind: 's3', cache: 'none', prefixes: 1 }),
      candidateOf({ kind: 's3', cache: 'nvme', prefixes: 1 }),
      candidateOf({ kind: 'instance-store', syncToS3: false }),
      candidateOf({ kind: 's3-files' }),
    ]).toEqual(['fsx-scratch', 'fsx-persistent', 'efs', 's3-mountpoint', 's3-nvme-cache', 'nvme-s3-sync', 's3-files']);
  });
});
