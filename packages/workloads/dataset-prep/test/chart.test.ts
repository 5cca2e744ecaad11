import DatasetPrepChart from '../src/chart';
import { describeChart, render } from '@strata/chart-testing';

const { dir } = describeChart({
  name: 'dataset-prep',
  Chart: DatasetPrepChart,
  numRuns: 100,
  kinds: ['JobSet', 'PersistentVolume', 'PersistentVolume', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'Pod', 'ServiceAccount'],
  invalid: [
    [{ raw: { bucket: 'Raw_Data' } }, 'raw.bucket: Does not match pattern'],
    [{ output: { prefix: 'prepared' } }, 'output.prefix: Does not match pattern'],
    [{ output: { run: '../x' } }, 'output.run: Does not match pattern'],
    [{ shards: { count: 0 } }, 'shards.count: Must be greater than or equal to 1'],
    [{ shards: { scratch: 0 } }, 'shards.scratch: Must be greater than or equal to 1'],
    [{ maxRestarts: -1 }, 'maxRestarts: Must be greater than or equal to 0'],
    [{ serviceAccounts: { other: {} } }, 'serviceAccounts: Additional property other is not allowed'],
  ],
});

describe('dataset-prep release', () => {
  test('one pod per shard, the index after every shard is Complete; a changed set is a new JobSet', async () => {
    const before = (await render(dir, undefined, { skipTests: true })).find((o) => o.kind === 'JobSet');
    const objs = await render(dir, { shards: { count: 8 } }, { skipTests: true });
    const js = objs.find((o) => o.kind === 'JobSet');
    expect(js.metadata.name).not.toBe(before.metadata.name);
    expect(js.metadata.annotations['helm.toolkit.fluxcd.io/driftDetection']).toBe('disabled');
    const [shard, index] = js.spec.replicatedJobs;
    expect(shard.template.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 8 });
    expect(index.dependsOn).toEqual([{ name: 'shard', status: 'Complete' }]);
    const pod = shard.template.spec.template.spec;
    expect(pod.containers[0].args).toContain('--shards=8');
    expect(pod.containers[0].resources.requests['ephemeral-storage']).toBe('100Gi');
    expect(pod.containers[0].volumeMounts.map((m: any) => [m.mountPath, !!m.readOnly]).sort()).toEqual([['/output', false], ['/raw', true], ['/scratch', false], ['/tmp', false]]);
  });
});
