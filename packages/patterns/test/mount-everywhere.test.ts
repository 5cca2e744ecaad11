import { Chart, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Efs, FsxDeploymentType, FsxLustre } from '@strata/storage';
import { mountEverywhere } from '../src';
import { newChart, warnings } from './testing';

test('mounts into every regular container of every workload, through the tier\'s own mount', () => {
  const chart = new Chart(Testing.app(), 'c');
  const server = new plus.Deployment(chart, 'server', { containers: [{ image: 'srv', securityContext: { user: 1000 } }] });
  const job = new plus.Job(chart, 'job', { containers: [{ image: 'a', securityContext: { user: 1000 } }, { image: 'b', securityContext: { user: 1000 } }] });
  job.addInitContainer({ image: 'init', securityContext: { user: 1000 } });
  const data = Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } });
  mountEverywhere(chart, data, '/data', { readOnly: true });
  const mounts = (c: plus.Container) => c.mounts.map((m) => [m.path, m.readOnly]);
  expect(server.containers.map(mounts)).toEqual([[['/data', true]]]);
  expect(job.containers.map(mounts)).toEqual([[['/data', true]], [['/data', true]]]);
  expect(job.initContainers.map(mounts)).toEqual([[]]);
  expect(() => Testing.synth(chart)).not.toThrow();
});

test('throws when there is nothing to mount into', () => {
  const chart = new Chart(Testing.app(), 'c');
  const data = Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } });
  expect(() => mountEverywhere(chart, data, '/data')).toThrow('[c] mountEverywhere: no cdk8s-plus workload under this scope to mount /data into; create the workloads before binding storage to them');
});

test('a writable mount of a file system whose root belongs to root warns, with the fix; a recorded hand-over or a read-only mount does not', () => {
  const build = (options: Parameters<typeof mountEverywhere>[3]) => {
    const chart = newChart();
    new plus.Deployment(chart, 'server', { containers: [{ image: 'srv', securityContext: { user: 1500, group: 1500 } }] });
    const data = FsxLustre.fromStorageClass(chart, 'data', { storageClass: { name: 'fsx', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(1200) });
    mountEverywhere(chart, data, '/data', options);
    return warnings(chart);
  };
  expect(build({})).toEqual([
    `[test] 'storage' ("FsxLustre") must be writable by the containers mounting /data (uid 1500, gid 1500); a new FSx for Lustre file system's root directory belongs to root, and the driver applies no fsGroup to it: hand the file system's root to uid 1500 once (chown 1500:1500 from an admin pod) before the first write, and record that with rootPrepared: true`,
  ]);
  expect(build({ rootPrepared: true })).toEqual([]);
  expect(build({ readOnly: true })).toEqual([]);
});
