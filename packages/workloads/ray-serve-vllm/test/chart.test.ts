import { parse } from 'yaml';
import RayServeVllmChart from '../src/chart';
import { chartPolicies, describeChart, render } from '@strata/chart-testing';

const { dir } = describeChart({
  name: 'ray-serve-vllm',
  Chart: RayServeVllmChart,
  numRuns: 30,
  kinds: ['PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'RayService', 'ServiceAccount', 'ServiceAccount'],
  invalid: [
    [{ model: { bucket: 'Models' } }, 'model.bucket: Does not match pattern'],
    [{ model: { prefix: '' } }, 'model.prefix: Does not match pattern'],
    [{ model: { prefix: 'qwen' } }, 'model.prefix: Does not match pattern'],
    [{ model: { version: '../v1' } }, 'model.version: Does not match pattern'],
    [{ model: { servedName: 'my "model"' } }, 'model.servedName: Does not match pattern'],
    [{ model: { cacheSize: 0 } }, 'model.cacheSize: Must be greater than or equal to 1'],
    [{ ray: { version: 'latest' } }, 'ray.version: Does not match pattern'],
    [{ worker: { gpus: 0 } }, 'worker.gpus: Must be greater than or equal to 1'],
    [{ worker: { gpus: 1.5 } }, 'worker.gpus: Invalid type. Expected: integer, given: number'],
    [{ server: { replicas: 0 } }, 'server.replicas: Must be greater than or equal to 1'],
    [{ server: { burstReplicas: -1 } }, 'server.burstReplicas: Must be greater than or equal to 0'],
    [{ engine: { gpuMemoryUtilization: 1 } }, 'engine.gpuMemoryUtilization: Must be less than or equal to 0.99'],
    [{ engine: { maxModelLen: 100 } }, 'engine.maxModelLen: Must be greater than or equal to 256'],
    [{ aws: { region: 'useast1' } }, 'aws.region: Does not match pattern'],
    [{ serviceAccounts: { worker: { annotations: { 'eks.amazonaws.com/role-arn': 1 } } } }, 'Invalid type. Expected: string, given: integer'],
    [{ modle: { version: 'v2' } }, 'Additional property modle is not allowed'],
  ],
});

describe('ray-serve-vllm release', () => {
  test('the GPU workers read one model version from S3 through Mountpoint, read-only, with the cache on NVMe they request; the head reads nothing', async () => {
    const objs = await render(dir, { model: { bucket: 'strata-dev-models', prefix: 'qwen2.5-7b-instruct/', version: 'v3', cacheSize: 40 } }, { skipTests: true });
    const pv = objs.find((o) => o.kind === 'PersistentVolume');
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(pv.spec.accessModes).toEqual(['ReadOnlyMany']);
    expect(pv.spec.mountOptions).toEqual(['prefix qwen2.5-7b-instruct/v3/', 'region us-east-1', 'allow-other', 'uid=1000', 'gid=1000', 'metadata-ttl indefinite']);
    expect(pv.spec.csi.volumeAttributes).toEqual({ authenticationSource: 'pod', bucketName: 'strata-dev-models', cache: 'emptyDir', cacheEmptyDirSizeLimit: '40Gi' });
    const cluster = objs.find((o) => o.kind === 'RayService').spec.rayClusterConfig;
    const worker = cluster.workerGroupSpecs[0].template.spec;
    expect(worker.volumes).toContainEqual({ name: 'model', persistentVolumeClaim: { claimName: claim.metadata.name, readOnly: false } });
    expect(worker.containers[0].volumeMounts).toContainEqual({ name: 'model', mountPath: '/models', readOnly: true });
    expect(worker.containers[0].resources.requests['ephemeral-storage']).toBe('40Gi');
    expect(worker.serviceAccountName).toBe('rel-ray-serve-vllm-sa-worker');
    const head = cluster.headGroupSpec.template.spec;
    expect(head.volumes.map((v: any) => v.name).sort()).toEqual(['ray-head-scratch', 'ray-head-shm']);
    expect(head.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    // Only the worker's role may read, and only the version served.
    const policies = chartPolicies(dir, { model: { bucket: 'strata-dev-models', prefix: 'qwen2.5-7b-instruct/', version: 'v3', cacheSize: 40 } });
    const policy = policies.worker;
    expect(policy.Statement.map((s: any) => [s.Action, s.Resource, s.Condition?.StringLike?.['s3:prefix']])).toEqual([
      [['s3:ListBucket'], ['arn:aws:s3:::strata-dev-models'], ['qwen2.5-7b-instruct/v3/*']],
      [['s3:GetObject'], ['arn:aws:s3:::strata-dev-models/qwen2.5-7b-instruct/v3/*'], undefined],
    ]);
    expect(Object.keys(policies)).toEqual(['worker']);
    expect(objs.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
  });

  test('GPUs per worker are vLLM\'s tensor parallelism; replicas and burst set both Serve\'s and the worker group\'s bounds', async () => {
    const objs = await render(dir, { worker: { gpus: 4 }, server: { replicas: 2, burstReplicas: 3 }, engine: { maxModelLen: 32768, gpuMemoryUtilization: 0.85 }, model: { servedName: 'llama-3.1-70b' } }, { skipTests: true });
    const svc = objs.find((o) => o.kind === 'RayService');
    const group = svc.spec.rayClusterConfig.workerGroupSpecs[0];
    expect({ replicas: group.replicas, minReplicas: group.minReplicas, maxReplicas: group.maxReplicas }).toEqual({ replicas: 2, minReplicas: 2, maxReplicas: 5 });
    const gpu = group.template.spec.containers[0].resources;
    expect([gpu.requests['nvidia.com/gpu'], gpu.limits['nvidia.com/gpu']]).toEqual([4, 4]);
    expect(group.template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const [llm] = parse(svc.spec.serveConfigV2).applications[0].args.llm_configs;
    expect(llm).toEqual({
      model_loading_config: { model_id: 'llama-3.1-70b', model_source: '/models' },
      engine_kwargs: { tensor_parallel_size: 4, max_model_len: 32768, gpu_memory_utilization: 0.85 },
      deployment_config: { autoscaling_config: { min_replicas: 2, max_replicas: 5, target_ongoing_requests: 64 }, max_ongoing_requests: 128 },
    });
  });

  test('the head runs the autoscaler KubeRay adds: restricted, with the head\'s token for the Role KubeRay binds to it', async () => {
    const svc = (await render(dir, undefined, { skipTests: true })).find((o) => o.kind === 'RayService');
    const cluster = svc.spec.rayClusterConfig;
    expect(cluster.enableInTreeAutoscaling).toBe(true);
    expect(cluster.autoscalerOptions.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(cluster.headGroupSpec.template.spec).toMatchObject({ automountServiceAccountToken: true, serviceAccountName: 'rel-ray-serve-vllm-sa-head' });
    expect(cluster.headGroupSpec.rayStartParams).toEqual({ 'dashboard-host': '0.0.0.0', 'num-cpus': '0' });
    expect(cluster.workerGroupSpecs[0].template.spec.automountServiceAccountToken).toBe(false);
    // The release waits this long for a Serve endpoint (not KubeRay's terminal initializing-timeout).
    expect(svc.metadata.annotations).toEqual({ 'strata.dev/ready-seconds': '3600' });
  });
});
