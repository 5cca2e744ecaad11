import KserveLlmChart from '../src/chart';
import { chartPolicies, describeChart, render } from '@strata/chart-testing';

const { dir } = describeChart({
  name: 'kserve-llm',
  Chart: KserveLlmChart,
  numRuns: 30,
  kinds: ['InferenceService', 'Job', 'PersistentVolumeClaim', 'Pod', 'ServiceAccount', 'ServiceAccount', 'ServingRuntime'],
  invalid: [
    [{ model: { bucket: 'Models' } }, 'model.bucket: Does not match pattern'],
    [{ model: { prefix: 'llama' } }, 'model.prefix: Does not match pattern'],
    [{ model: { version: '../v1' } }, 'model.version: Does not match pattern'],
    [{ model: { servedName: 'Llama 3' } }, 'model.servedName: Does not match pattern'],
    [{ server: { replicas: 0 } }, 'server.replicas: Must be greater than or equal to 1'],
    [{ server: { gpus: 0 } }, 'server.gpus: Must be greater than or equal to 1'],
    [{ server: { gpus: 1.5 } }, 'server.gpus: Invalid type. Expected: integer, given: number'],
    [{ server: { memory: 2 } }, 'server.memory: Must be greater than or equal to 4'],
    [{ server: { args: '--backend=vllm' } }, 'server.args: Invalid type. Expected: array, given: string'],
    [{ hydration: { timeoutSeconds: 5 } }, 'hydration.timeoutSeconds: Must be greater than or equal to 60'],
    [{ image: { tag: 'latest gpu' } }, 'image.tag: Does not match pattern'],
    [{ aws: { region: 'useast1' } }, 'aws.region: Does not match pattern'],
    [{ cache: { storageClassName: '' } }, 'cache.storageClassName: String length must be greater than or equal to 1'],
    [{ serviceAccounts: { inference: { annotations: { 'eks.amazonaws.com/role-arn': 1 } } } }, 'Invalid type. Expected: string, given: integer'],
    [{ serviceAccounts: { other: {} } }, 'serviceAccounts: Additional property other is not allowed'],
  ],
});

describe('kserve-llm release', () => {
  test('the predictor reads its model version from the EFS cache, read-only at /mnt/models, after the gate; a new version is a new hydration Job', async () => {
    const before = await render(dir, undefined, { skipTests: true });
    const objs = await render(dir, { model: { version: 'v2' }, server: { gpus: 2, replicas: 3 }, hydration: { timeoutSeconds: 3600 } }, { skipTests: true });
    const isvc = objs.find((o) => o.kind === 'InferenceService');
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    const runtime = objs.find((o) => o.kind === 'ServingRuntime');
    // Standard mode; the release waits for Ready through a node and image (600 s), the gate (the hydration timeout) and the load (1800 s).
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard', 'strata.dev/ready-seconds': String(600 + 3600 + 1800) });
    const p = isvc.spec.predictor;
    expect([p.minReplicas, p.maxReplicas]).toEqual([3, 3]);
    // No storageUri: KServe injects nothing; the pattern mounts the claim where the runtime reads (--model_dir=/mnt/models).
    expect(p.model.storageUri).toBeUndefined();
    expect([p.model.modelFormat, p.model.runtime]).toEqual([{ name: 'huggingface', version: '1' }, runtime.metadata.name]);
    expect(p.volumes).toContainEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: claim.metadata.name, readOnly: false } });
    expect(p.model.volumeMounts).toContainEqual({ name: 'model-cache', mountPath: '/mnt/models', readOnly: true, subPath: 'v2' });
    expect(p.initContainers.map((c: any) => [c.name, c.env.find((e: any) => e.name === 'READY_FILE').value, c.env.find((e: any) => e.name === 'READY_TIMEOUT_SECONDS').value])).toEqual([['wait-for-model', '/cache/v2/.strata-ready', '3600']]);
    expect([p.model.resources.requests['nvidia.com/gpu'], p.model.resources.limits['nvidia.com/gpu']]).toEqual([2, 2]);
    expect(p.tolerations).toEqual([{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }]);
    const job = objs.find((o) => o.kind === 'Job');
    expect(job.metadata.name).not.toBe(before.find((o) => o.kind === 'Job').metadata.name);
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'MODEL_VERSION', value: 'v2' });
    expect(job.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'model-cache', mountPath: '/cache' });
  });

  test('the runtime serves the model under model.servedName; its args come first, server.args after; /dev/shm is sized by server.sharedMemory', async () => {
    const objs = await render(dir, { model: { servedName: 'llama-prod' }, server: { sharedMemory: 16, args: ['--backend=vllm', '--tensor-parallel-size=2'] } }, { skipTests: true });
    const runtime = objs.find((o) => o.kind === 'ServingRuntime').spec;
    expect(runtime.containers[0].args).toEqual(['--model_name=llama-prod', '--model_dir=/mnt/models']);
    expect(runtime.volumes).toEqual([{ name: 'devshm', emptyDir: { medium: 'Memory', sizeLimit: '16384Mi' } }]);
    const model = objs.find((o) => o.kind === 'InferenceService').spec.predictor.model;
    expect(model.args).toEqual(['--backend=vllm', '--tensor-parallel-size=2']);
    expect(model.readinessProbe.httpGet).toEqual({ path: '/v2/models/llama-prod/ready', port: 8080, scheme: 'HTTP' });
  });

  test('identities: the predictor and the hydration Job each have an account; only hydration reads S3 (read-only, on the model prefix): the predictor reads the cache', async () => {
    const objs = await render(dir, { model: { bucket: 'prod-models', prefix: 'llama/' } }, { skipTests: true });
    const policies = chartPolicies(dir, { model: { bucket: 'prod-models', prefix: 'llama/' } });
    expect(objs.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const isvc = objs.find((o) => o.kind === 'InferenceService');
    const job = objs.find((o) => o.kind === 'Job');
    expect(isvc.spec.predictor.serviceAccountName).toBe('rel-kserve-llm-sa-inference');
    expect(job.spec.template.spec.serviceAccountName).toBe('rel-kserve-llm-sa-hydration');
    expect(Object.keys(policies)).toEqual(['hydration']);
    expect(policies.hydration.Statement.map((s: any) => [s.Action, s.Resource])).toEqual([
      [['s3:ListBucket'], ['arn:aws:s3:::prod-models']],
      [['s3:GetObject'], ['arn:aws:s3:::prod-models/llama/*']],
    ]);
  });
});
