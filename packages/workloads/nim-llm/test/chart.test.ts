import NimLlmChart from '../src/chart';
import { declaredPodSecurity, describeChart, render } from '@strata/chart-testing';
import { checkRestricted } from '@strata/checks';
import { podTemplatesOf } from '@strata/tokens';

const { dir, files } = describeChart({
  name: 'nim-llm',
  Chart: NimLlmChart,
  numRuns: 30,
  kinds: ['NIMCache', 'NIMService', 'PersistentVolumeClaim', 'Pod'],
  invalid: [
    [{ image: { repository: 'NVCR.io/nim' } }, 'image.repository: Does not match pattern'],
    [{ image: { tag: '1.8 latest' } }, 'image.tag: Does not match pattern'],
    [{ ngc: { authSecret: 'NGC_API' } }, 'ngc.authSecret: Does not match pattern'],
    [{ ngc: { pullSecret: '' } }, 'ngc.pullSecret: Does not match pattern'],
    [{ cache: { engine: 'onnx' } }, 'cache.engine: cache.engine must be one of the following: "tensorrt_llm", "vllm"'],
    [{ cache: { tensorParallelism: 3 } }, 'cache.tensorParallelism: Invalid type. Expected: string, given: integer'],
    [{ cache: { gpu: 'A10G' } }, 'cache.gpu: Does not match pattern'],
    [{ cache: { nodeSelector: { 'karpenter.sh/nodepool': 1 } } }, 'Invalid type. Expected: string, given: integer'],
    [{ cache: { memory: 0 } }, 'cache.memory: Must be greater than or equal to 1'],
    [{ server: { replicas: 0 } }, 'server.replicas: Must be greater than or equal to 1'],
    [{ server: { gpus: 9 } }, 'server.gpus: Must be less than or equal to 8'],
    [{ server: { maxModelLen: 100 } }, 'server.maxModelLen: Must be greater than or equal to 512'],
    [{ serviceAccounts: {} }, 'Additional property serviceAccounts is not allowed'],
  ],
});

describe('nim-llm release', () => {
  test('the NIMCache fills the chart\'s EFS claim with the profiles of one GPU; the NIMService serves from it, on that GPU only', async () => {
    const objs = await render(dir, { cache: { gpu: 'l40s', tensorParallelism: '2', timeoutSeconds: 1800 }, server: { gpus: 2, replicas: 3 } }, { skipTests: true });
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    const cache = objs.find((o) => o.kind === 'NIMCache');
    const nim = objs.find((o) => o.kind === 'NIMService');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'strata-efs' });
    expect(cache.spec.storage).toEqual({ pvc: { name: claim.metadata.name } });
    expect(cache.spec.source.ngc).toEqual({
      authSecret: 'ngc-api-secret',
      modelPuller: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.4',
      pullSecret: 'ngc-secret',
      model: { engine: 'tensorrt_llm', tensorParallelism: '2', gpus: [{ product: 'l40s' }] },
    });
    // An empty selector, not none: the operator's default would wait for a Node Feature Discovery label.
    expect(cache.spec.nodeSelector).toEqual({});
    // The release waits for the cache fill, and for the NIM after it: node and image (600 s) and the operator's startup probe (1230 s).
    expect([cache.metadata.annotations, nim.metadata.annotations['strata.dev/ready-seconds']]).toEqual([{ 'strata.dev/ready-seconds': '1800' }, String(1800 + 600 + 1230)]);
    expect(nim.spec.storage).toEqual({ nimCache: { name: cache.metadata.name }, sharedMemorySizeLimit: '16384Mi' });
    expect(nim.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.k8s.aws/instance-gpu-name', operator: 'In', values: ['l40s'] }] },
    ]);
    expect([nim.spec.replicas, nim.spec.resources.limits['nvidia.com/gpu'], nim.spec.tolerations]).toEqual([3, 2, [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }]]);
    // The operator's NIM pod, as the checks see it: the cache's claim at /model-store, NGC_API_KEY from the Secret.
    const [pod] = podTemplatesOf(nim);
    expect(pod.spec.volumes).toContainEqual({ name: 'model-store', persistentVolumeClaim: { claimName: claim.metadata.name } });
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'NGC_API_KEY', valueFrom: { secretKeyRef: { name: 'ngc-api-secret', key: 'NGC_API_KEY' } } });
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'NIM_MAX_MODEL_LEN', value: '8192' });
  });

  test('why the namespace is baseline: the chart declares it, and what the operator renders misses exactly these "restricted" settings, and nothing else', async () => {
    // The environment's namespace enforces what the chart declares; describeChart holds every pod to it.
    expect(declaredPodSecurity(files)).toBe('baseline');
    const objs = await render(dir, undefined, { skipTests: true });
    const problems = objs.flatMap((o) => podTemplatesOf(o).map((p) => [o.kind, checkRestricted(p.spec)]));
    expect(problems).toEqual([
      ['NIMCache', ['container "nim-cache-ctr": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)']],
      [
        'NIMService',
        [
          'container "rel-nim-llm-nim-ctr": securityContext.allowPrivilegeEscalation must be false',
          'container "rel-nim-llm-nim-ctr": securityContext.capabilities.drop must include ALL',
          'container "rel-nim-llm-nim-ctr": securityContext.runAsNonRoot must be true (on the container or the pod)',
          'container "rel-nim-llm-nim-ctr": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)',
        ],
      ],
    ]);
  });
});
