import LlmInferenceChart from '../src/chart';
import { describeChart, render } from '@strata/chart-testing';

const { dir } = describeChart({
  name: 'llm-inference',
  Chart: LlmInferenceChart,
  kinds: ['Deployment', 'Job', 'PersistentVolumeClaim', 'Pod', 'Service', 'ServiceAccount', 'ServiceAccount'],
  allOn: { monitoring: { enabled: true } },
  allOnKinds: ['Deployment', 'Job', 'PersistentVolumeClaim', 'Pod', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceAccount'],
  invalid: [
    [{ model: { bucket: 'Models' } }, 'model.bucket: Does not match pattern'],
    [{ model: { prefix: '/llama/' } }, 'model.prefix: Does not match pattern'],
    [{ model: { prefix: 'llama' } }, 'model.prefix: Does not match pattern'],
    [{ model: { version: '../v1' } }, 'model.version: Does not match pattern'],
    [{ server: { replicas: -1 } }, 'server.replicas: Must be greater than or equal to 0'],
    [{ server: { gpus: 9 } }, 'server.gpus: Must be less than or equal to 8'],
    [{ server: { gpus: 1.5 } }, 'server.gpus: Invalid type. Expected: integer, given: number'],
    [{ server: { user: 0 } }, 'server.user: Must be greater than or equal to 1'],
    [{ server: { group: -1 } }, 'server.group: Must be greater than or equal to 0'],
    [{ server: { memory: 0 } }, 'server.memory: Must be greater than or equal to 1'],
    [{ server: { args: '--model x' } }, 'server.args: Invalid type. Expected: array, given: string'],
    [{ hydration: { timeoutSeconds: 5 } }, 'hydration.timeoutSeconds: Must be greater than or equal to 60'],
    [{ image: { tag: 'latest version' } }, 'image.tag: Does not match pattern'],
    [{ aws: { region: 'useast1' } }, 'aws.region: Does not match pattern'],
    [{ cache: { storageClassName: '' } }, 'cache.storageClassName: String length must be greater than or equal to 1'],
    [{ serviceAccounts: { inference: { annotations: { 'eks.amazonaws.com/role-arn': 1 } } } }, 'Invalid type. Expected: string, given: integer'],
    [{ monitoring: { cacheBudgetGiB: 0 } }, 'monitoring.cacheBudgetGiB: Must be greater than or equal to 1'],
    [{ modle: { version: 'v2' } }, 'Additional property modle is not allowed'],
  ],
});

describe('llm-inference release', () => {
  test('switching the model version is a value change: a new hydration Job (named by its content) and the servers follow it', async () => {
    const before = (await render(dir, undefined, { skipTests: true })).find((o) => o.kind === 'Job');
    const objs = await render(dir, { model: { version: 'v2' } }, { skipTests: true });
    const job = objs.find((o) => o.kind === 'Job');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined(); // a release Job: helm-controller waits for it
    expect(job.metadata.name).not.toBe(before.metadata.name); // an upgrade creates it anew instead of patching an immutable Job
    expect(job.spec.activeDeadlineSeconds).toBe(7200);
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'MODEL_VERSION', value: 'v2' });
    const server = objs.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(server.initContainers[0].env).toContainEqual({ name: 'READY_FILE', value: '/cache/v2/.strata-ready' });
    expect(server.containers[0].volumeMounts).toContainEqual({ name: 'model-cache', mountPath: '/models', readOnly: true, subPath: 'v2' });
  });

  test('the PrometheusRule exists only when monitoring is enabled, and watches the EFS cache\'s used bytes against its budget', async () => {
    const off = await render(dir, undefined, { skipTests: true });
    expect(off.some((o) => o.kind === 'PrometheusRule')).toBe(false);
    const on = await render(dir, { monitoring: { enabled: true, cacheBudgetGiB: 200 } }, { skipTests: true });
    const rule = on.find((o) => o.kind === 'PrometheusRule');
    const claim = on.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['StrataEfsVolumeOverBudget']);
    expect(rule.spec.groups[0].rules[0].expr).toBe(`max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="ns", persistentvolumeclaim=~"${claim.metadata.name}"}) > ${200 * 1024 ** 3}`);
  });

  test('rollouts wait for the gated start: progressDeadlineSeconds = node and image + hydration + startup, computed by Helm', async () => {
    const objs = await render(dir, { hydration: { timeoutSeconds: 3600 } }, { skipTests: true });
    const deployment = objs.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.progressDeadlineSeconds).toBe(600 + 3600 + 1800);
    expect(deployment.spec.template.metadata.annotations['strata.dev/init-seconds']).toBe('3600');
    expect(deployment.spec.template.spec.initContainers[0].env).toContainEqual({ name: 'READY_TIMEOUT_SECONDS', value: '3600' });
  });

  test('the server and its gate run as the uid and gid of the values', async () => {
    const objs = await render(dir, { server: { user: 2000, group: 3000 } }, { skipTests: true });
    const pod = objs.find((o) => o.kind === 'Deployment').spec.template.spec;
    for (const c of [...pod.initContainers, ...pod.containers]) expect(c.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true });
  });

  test('GPUs and IRSA annotations come from values', async () => {
    const objs = await render(dir, { server: { gpus: 4 }, serviceAccounts: { inference: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/inference' } } } }, { skipTests: true });
    const server = objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(server.resources.limits['nvidia.com/gpu']).toBe(4);
    expect(server.resources.requests['nvidia.com/gpu']).toBe(4);
    const sa = objs.find((o) => o.kind === 'ServiceAccount' && o.metadata.name.endsWith('sa-inference'));
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/inference' });
  });
});
