import LwsVllmChart from '../src/chart';
import { describeChart, render } from '@strata/chart-testing';

const EXISTING = {
  storageClassName: '',
  existingFileSystem: {
    enabled: true,
    fileSystemId: 'fs-0123456789abcdef0',
    mountName: 'abcdef12',
    associationId: 'dra-0123456789abcdef0',
  },
  zone: 'b',
  path: 'models/llama-3.1-405b-instruct/',
  size: 2400,
};

const { dir } = describeChart({
  name: 'lws-vllm',
  Chart: LwsVllmChart,
  numRuns: 30,
  kinds: ['LeaderWorkerSet', 'PersistentVolumeClaim', 'Pod', 'Service', 'ServiceAccount', 'ServiceAccount'],
  allOn: { model: EXISTING, efa: { interfaces: 32 } },
  allOnKinds: ['LeaderWorkerSet', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'Service', 'ServiceAccount', 'ServiceAccount'],
  invalid: [
    [{ group: { size: 0 } }, 'group.size: Must be greater than or equal to 1'],
    [{ group: { replicas: -1 } }, 'group.replicas: Must be greater than or equal to 0'],
    [{ pod: { gpus: 9 } }, 'pod.gpus: Must be less than or equal to 8'],
    [{ pod: { gpus: 0 } }, 'pod.gpus: Must be greater than or equal to 1'],
    [{ efa: { interfaces: 33 } }, 'efa.interfaces: Must be less than or equal to 32'],
    [{ efa: { interfaces: 1.5 } }, 'efa.interfaces: Invalid type. Expected: integer, given: number'],
    [{ model: { size: 1300 } }, 'model.size: Must validate all the schemas (allOf)'],
    [{ model: { zone: 'use1-az1' } }, 'model.zone: model.zone must be one of the following: "a", "b", "c", "d", "e", "f"'],
    [{ model: { version: '../v1' } }, 'model.version: Does not match pattern'],
    [{ model: { path: '/models/' } }, 'model.path: Does not match pattern'],
    [{ model: { servedName: 'my model' } }, 'model.servedName: Does not match pattern'],
    [{ model: { existingFileSystem: { enabled: true } } }, 'model.existingFileSystem.fileSystemId: Must not validate the schema (not)'],
    [{ model: { existingFileSystem: { associationId: 'dra-xyz' } } }, 'model.existingFileSystem.associationId: Does not match pattern'],
    [{ engine: { gpuMemoryUtilization: 0.05 } }, 'engine.gpuMemoryUtilization: Must be greater than or equal to 0.1'],
    [{ server: { extraArgs: '--enable-prefix-caching' } }, 'server.extraArgs: Invalid type. Expected: array, given: string'],
    [{ groups: 2 }, 'Additional property groups is not allowed'],
  ],
});

describe('lws-vllm release', () => {
  test('every pod of a group mounts the model version read-only from FSx and runs in the file system\'s zone; the Service reaches the leaders only', async () => {
    const objs = await render(dir, { model: { path: 'models/llama-3.1-405b-instruct/', version: 'v2', zone: 'c' } }, { skipTests: true });
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(claim.spec).toMatchObject({ storageClassName: 'strata-fsx-lustre', resources: { requests: { storage: '1200Gi' } } });
    const lws = objs.find((o) => o.kind === 'LeaderWorkerSet').spec.leaderWorkerTemplate;
    for (const t of [lws.leaderTemplate, lws.workerTemplate]) {
      const c = t.spec.containers[0];
      expect(c.volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/models', readOnly: true, subPath: 'models/llama-3.1-405b-instruct/v2' });
      expect(t.spec.volumes).toContainEqual({ name: 'fsx', persistentVolumeClaim: { claimName: claim.metadata.name, readOnly: false } });
      expect(t.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1c'] }] },
      ]);
      expect(c.env).toContainEqual({ name: 'MODEL_DIR', value: '/models' });
    }
    const service = objs.find((o) => o.kind === 'Service');
    expect(service.spec.selector).toEqual(lws.leaderTemplate.metadata.labels);
    expect(service.spec.selector['app.kubernetes.io/component']).not.toBe(lws.workerTemplate.metadata.labels['app.kubernetes.io/component']);
    // The pods need no AWS access: no policy (and no chart renders policies into a ConfigMap).
    expect(objs.some((o) => o.kind === 'ConfigMap')).toBe(false);
  });

  test('group size is pipeline parallelism and GPUs per pod tensor parallelism; EFA is off until asked for, then requested on every pod', async () => {
    const off = (await render(dir, undefined, { skipTests: true })).find((o) => o.kind === 'LeaderWorkerSet').spec;
    const offLeader = off.leaderWorkerTemplate.leaderTemplate.spec.containers[0];
    expect(offLeader.resources.requests).toMatchObject({ 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 0 });
    expect(off.leaderWorkerTemplate.workerTemplate.spec.containers[0].resources.limits).toMatchObject({ 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 0 });

    const on = (await render(dir, { group: { size: 4, replicas: 3 }, pod: { gpus: 4 }, efa: { interfaces: 32 } }, { skipTests: true })).find((o) => o.kind === 'LeaderWorkerSet').spec;
    expect({ replicas: on.replicas, size: on.leaderWorkerTemplate.size, startupPolicy: on.startupPolicy }).toEqual({ replicas: 3, size: 4, startupPolicy: 'LeaderCreated' });
    const leader = on.leaderWorkerTemplate.leaderTemplate.spec.containers[0];
    const worker = on.leaderWorkerTemplate.workerTemplate.spec.containers[0];
    // LWS sets LWS_GROUP_SIZE in every container: the leader's pipeline parallelism follows group.size.
    expect(leader.command[2]).toContain('--tensor-parallel-size "$TENSOR_PARALLEL_SIZE" --pipeline-parallel-size "$LWS_GROUP_SIZE"');
    expect(leader.env).toContainEqual({ name: 'TENSOR_PARALLEL_SIZE', value: '4' });
    expect(worker.command[2]).toBe('exec bash /vllm-workspace/examples/online_serving/multi-node-serving.sh worker --ray_address="$LWS_LEADER_ADDRESS"');
    for (const c of [leader, worker]) {
      expect([c.resources.requests['vpc.amazonaws.com/efa'], c.resources.limits['vpc.amazonaws.com/efa'], c.resources.limits['nvidia.com/gpu']]).toEqual([32, 32, 4]);
      expect(c.volumeMounts).toContainEqual({ name: `${c.name}-efa-shm`, mountPath: '/dev/shm' });
    }
    expect(on.leaderWorkerTemplate.workerTemplate.spec.tolerations).toEqual([
      { key: 'aws.amazon.com/efa', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  test('an existing PERSISTENT_2 file system is bound by a static volume pre-bound to the same claim', async () => {
    const objs = await render(dir, { model: EXISTING }, { skipTests: true });
    const pv = objs.find((o) => o.kind === 'PersistentVolume');
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(claim.spec.storageClassName).toBe('');
    expect(pv.spec.claimRef).toEqual({ name: claim.metadata.name, namespace: 'ns' });
    expect(pv.spec.csi).toMatchObject({ driver: 'fsx.csi.aws.com', volumeHandle: 'fs-0123456789abcdef0', volumeAttributes: { dnsname: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountname: 'abcdef12' } });
    const leader = objs.find((o) => o.kind === 'LeaderWorkerSet').spec.leaderWorkerTemplate.leaderTemplate.spec;
    expect(leader.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/models', readOnly: true, subPath: 'models/llama-3.1-405b-instruct/v1' });
    expect(leader.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['us-east-1b']);
  });
});
