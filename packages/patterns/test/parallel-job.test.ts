import { Size } from 'cdk8s';
import { Devices } from '@strata/storage';
import { ParallelJob, RENDEZVOUS_PORT } from '../src';
import { newChart, one, synthErrors, synthValid, warnings } from './testing';

describe('ParallelJob', () => {
  test('an indexed Job of restricted workers, named through a headless Service', () => {
    const chart = newChart();
    const pj = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 4, sharedMemory: Size.gibibytes(16) }, completions: 8, parallelism: 4 });
    const objs = synthValid(chart);
    const job = one(objs, 'Job');
    const svc = one(objs, 'Service');
    const pod = job.spec.template.spec;
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 4 });
    // Retries per index, disruptions not counted (kubernetes.io/docs/tasks/job/pod-failure-policy: a pod
    // evicted by a drain or a Spot interruption carries the DisruptionTarget condition), no total cap,
    // and no TTL: a finished Job is the record that its work is done.
    expect(job.spec.backoffLimit).toBeUndefined();
    expect(job.spec.backoffLimitPerIndex).toBe(3);
    expect(job.spec.podFailurePolicy).toEqual({ rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] });
    expect(job.spec.podReplacementPolicy).toBe('Failed');
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(pod.restartPolicy).toBe('Never'); // podFailurePolicy needs it
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'rendezvous', port: RENDEZVOUS_PORT, targetPort: RENDEZVOUS_PORT }]);
    expect(svc.spec.selector).toEqual(job.spec.template.metadata.labels);
    expect(pod.subdomain).toBe(svc.metadata.name);
    expect(pod.serviceAccountName).toBe(pj.serviceAccount.name);
    expect(pod.containers[0].env).toEqual(
      expect.arrayContaining([
        // The Job's name comes from its pods' label: a Job named by its content cannot hold its name.
        { name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } },
        { name: 'MASTER_ADDR', value: `$(JOB_NAME)-0.${svc.metadata.name}` },
        { name: 'MASTER_PORT', value: '29500' },
        { name: 'WORLD_SIZE', value: '8' },
        { name: 'HOME', value: '/tmp' },
      ]),
    );
    expect(pod.containers[0].resources).toEqual({
      limits: { memory: '4096Mi', 'nvidia.com/gpu': 4 },
      requests: { cpu: '1', memory: '4096Mi', 'nvidia.com/gpu': 4 },
    });
    expect(pod.volumes).toEqual([
      { name: 'worker-scratch', emptyDir: { sizeLimit: '10240Mi' } },
      { name: 'worker-shm', emptyDir: { medium: 'Memory', sizeLimit: '16384Mi' } },
    ]);
    expect(warnings(chart)).toEqual([]);
  });

  test('GPUs go through @strata/storage\'s Devices; a literal 0 renders as a value of 0 would (0 GPUs, the toleration kept)', () => {
    const chart = newChart();
    const pj = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: 2 });
    const none = new ParallelJob(chart, 'cpu', { worker: { image: 'trainer:1', gpus: 0 }, completions: 2 });
    expect(Devices.of(pj.job, pj.job.containers[0]).requests).toEqual({ 'nvidia.com/gpu': 8 });
    expect(Devices.of(none.job, none.job.containers[0]).requests).toEqual({ 'nvidia.com/gpu': 0 });
    const objs = synthValid(chart);
    const [gpu, cpu] = objs.filter((o: any) => o.kind === 'Job').map((o: any) => o.spec.template.spec);
    expect(gpu.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(cpu.tolerations).toEqual(gpu.tolerations);
    expect(cpu.containers[0].resources.limits['nvidia.com/gpu']).toBe(0);
  });

  test('warns when more workers run at once than there are indexes', () => {
    const chart = newChart();
    new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' }, completions: 2, parallelism: 4 });
    synthValid(chart);
    expect(warnings(chart)).toEqual([`[test/train] 'parallelism' (4) is more than 'completions' (2): only 2 worker(s) ever run`]);
  });

  test('refuses no completions, fractional GPUs and a negative retry count', () => {
    const chart = newChart();
    new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 0.5 }, completions: 0, parallelism: 1, backoffLimit: -1 });
    expect(synthErrors(chart)).toEqual([
      `[test/train] 'completions' (0) must be a whole number between 1 and 100000; run at least one index`,
      `[test/train] 'backoffLimit' (-1) must be a whole number between 0 and 100; retry each worker a few times`,
      `[test/train] 'gpus' (0.5) must be a whole number of GPUs between 0 and 64; request whole GPUs (nvidia.com/gpu)`,
    ]);
  });

  test('the worker runs as its spec says: uid, gid, and the pod\'s fsGroup and supplemental groups', () => {
    const chart = newChart();
    new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', user: 1234, group: 5678, fsGroup: 5678, supplementalGroups: [9000] } });
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 1234, runAsGroup: 5678, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 5678, supplementalGroups: [9000] });
  });

  test('refuses a worker running as root, and group ids out of range', () => {
    const chart = newChart();
    new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', user: 0, fsGroup: 2147483648, supplementalGroups: [-1] } });
    expect(synthErrors(chart)).toEqual([
      `[test/train] 'worker.user' (0) must be a uid from 1 to 2147483647 (not 0: root); Pod Security "restricted" refuses a container running as root (runAsUser 0), and strata's namespaces enforce it: run as a non-root uid, e.g. 1000, and give the files the container needs to that uid or to one of its groups`,
      `[test/train] 'worker.fsGroup' (2147483648) must be a gid from 0 to 2147483647; give a gid from 0 to 2147483647`,
      `[test/train] 'worker.supplementalGroups' (-1) must be gids from 0 to 2147483647; give gids from 0 to 2147483647`,
    ]);
  });
});
