import { Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Efs } from '@strata/storage';
import { mountEverywhere } from '../src';

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
