/**
 * Rewrites awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 *   blueprints/inference/gpu/nvidia-nim-operator-llama3-8b/nim-cache-llama3-8b-instruct.yaml
 *   blueprints/inference/gpu/nvidia-nim-operator-llama3-8b/nim-service-llama3-8b-instruct.yaml
 * NVIDIA NIM operator: a NIMCache that downloads the TensorRT-LLM fp16 profile of Llama 3.1 8B
 * Instruct for A10G from NGC into a 50 GiB EFS claim, and a NIMService serving it from that cache on
 * 2 GPUs of a g5 node, port 8000.
 *
 * What differs from the original, and why:
 * - The cache's claim is strata's (`Efs.fromStorageClass` on the same class `efs-sc-dynamic`, 50 GiB,
 *   ReadWriteMany), named in `storage.pvc.name`, instead of `storage.pvc.create: true` (the operator
 *   making and owning it): the claim is marked as holding data and the reference lint sees it. The
 *   class is declared external (tier efs), as the blueprint's Terraform makes it.
 * - The caching Job states CPU and memory (4 CPUs, 16 GiB; the original: `resources: {}`, which the
 *   operator writes as 0, a pod without requests). strata requires them.
 * - The NIMService states a memory request (64 GiB) and a CPU request equal to the original's limit
 *   (40): strata requires both requests; `nvidia.com/gpu: 2` is written as request and limit (the
 *   original: limit only, which Kubernetes copies into the request).
 * - `storage.nimCache.profile: ''` is left out (unset: the operator picks the profile, as with '').
 * - `expose.service.type: ClusterIP` is left out (the CRD's default).
 * - Both pods have the GPU toleration; the NIMService's comes from strata (`gpus`), the original's
 *   NIMService has none (its g5 nodes must then be untainted).
 * - Pod Security restricted cannot be met: the operator renders both pods without a seccomp profile
 *   (and the NIMService's containers without any securityContext), and neither kind has a field for
 *   it. strata requires saying so (`namespacePodSecurity: BASELINE`); the test asserts exactly the
 *   problems restricted would report on the operator's pods, as the checks see them through their
 *   views of the operator's output.
 * - replicas 1 is kept; strata warns that the operator's Deployment rolls out with maxSurge 0.
 * - The image pull Secret `ngc-secret` of both pods is a reference like any other (the environment
 *   declares it); left undeclared, the lint names it instead of the pods sitting in ImagePullBackOff.
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { NIMCache, NIMService, NimModelStore } from '@strata/kinds';
import { AccessMode, Efs, PodSecurityLevel } from '@strata/storage';
import { chartFor, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

function build() {
  const chart = chartFor('nim-llama3-8b', 'ai-on-eks NIM operator Llama 3.1 8B Instruct');
  const store = Efs.fromStorageClass(chart, 'nim-cache', { storageClass: { name: 'efs-sc-dynamic' }, storage: Size.gibibytes(50), accessMode: AccessMode.READ_WRITE_MANY });
  const cache = new NIMCache(chart, 'meta-llama3-8b-instruct', {
    source: {
      ngc: {
        modelPuller: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3',
        pullSecret: 'ngc-secret',
        authSecret: 'ngc-api-secret',
        model: { engine: 'tensorrt_llm', precision: 'fp16', gpus: [{ product: 'A10G' }] },
      },
    },
    storage: store,
    nodeSelector: { accelerator: 'nvidia', instanceType: 'g5-gpu-karpenter' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    resources: { cpu: plus.Cpu.units(4), memory: Size.gibibytes(16) },
    namespacePodSecurity: PodSecurityLevel.BASELINE,
  });
  new NIMService(chart, 'meta-llama3-8b-instruct-svc', {
    image: { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: '1.3.3', pullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, pullSecrets: ['ngc-secret'] },
    authSecret: 'ngc-api-secret',
    storage: NimModelStore.fromCache(cache),
    replicas: 1,
    nodeSelector: { instanceType: 'g5-gpu-karpenter' },
    resources: { cpu: { request: plus.Cpu.units(40), limit: plus.Cpu.units(40) }, memory: { request: Size.gibibytes(64) } },
    gpus: 2,
    port: 8000,
    namespacePodSecurity: PodSecurityLevel.BASELINE,
  });
  return chart;
}

const EXTERNAL = {
  storageClasses: [{ name: 'efs-sc-dynamic', tier: 'efs' as const }],
  secrets: [{ namespace: 'ml', name: 'ngc-api-secret' }, { namespace: 'ml', name: 'ngc-secret' }],
};

describe('ai-on-eks nvidia-nim-operator-llama3-8b NIMCache and NIMService', () => {
  test('the cache and the service carry what the originals do', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([
      expect.stringMatching(/^\[nim-llama3-8b\/meta-llama3-8b-instruct-svc\] replicas 1: the operator rolls its Deployment out with maxSurge 0/),
    ]);
    expect(objects.map((o) => o.kind).sort()).toEqual(['NIMCache', 'NIMService', 'PersistentVolumeClaim']);
    const claim = one(objects, 'PersistentVolumeClaim');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'efs-sc-dynamic', volumeMode: 'Filesystem' });
    const cache = one(objects, 'NIMCache');
    expect(cache.spec).toEqual({
      source: {
        ngc: {
          modelPuller: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3',
          pullSecret: 'ngc-secret',
          authSecret: 'ngc-api-secret',
          model: { engine: 'tensorrt_llm', precision: 'fp16', gpus: [{ product: 'A10G' }] },
        },
      },
      storage: { pvc: { name: claim.metadata.name } },
      nodeSelector: { accelerator: 'nvidia', instanceType: 'g5-gpu-karpenter' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      resources: { cpu: '4', memory: '16384Mi' }, // MiB, as a Helm value renders it (packages/kinds nim.ts memoryQuantity)
    });
    const svc = one(objects, 'NIMService');
    expect({ ...svc.spec, labels: undefined }).toEqual({
      image: { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: '1.3.3', pullPolicy: 'IfNotPresent', pullSecrets: ['ngc-secret'] },
      authSecret: 'ngc-api-secret',
      storage: { nimCache: { name: cache.metadata.name } },
      replicas: 1,
      nodeSelector: { instanceType: 'g5-gpu-karpenter' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      resources: { limits: { cpu: '40', 'nvidia.com/gpu': 2 }, requests: { cpu: '40', memory: '65536Mi', 'nvidia.com/gpu': 2 } },
      expose: { service: { port: 8000 } },
      labels: undefined,
    });
  });

  test("strata's checks: the operator's pods reached through their views; restricted's problems are the operator's", () => {
    const { objects } = render(build());
    expect(podCounts(objects)).toEqual({ 'NIMCache spec': 1, 'NIMService spec': 1 });
    const problems = restrictedProblems(objects);
    expect(problems['NIMCache spec']).toEqual(['container "nim-cache-ctr": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)']);
    const nim = 'container "rw-nim-llama3-8b-meta-llama3-8b-instruct-svc-ctr"';
    expect(problems['NIMService spec']).toEqual([
      `${nim}: securityContext.allowPrivilegeEscalation must be false`,
      `${nim}: securityContext.capabilities.drop must include ALL`,
      `${nim}: securityContext.runAsNonRoot must be true (on the container or the pod)`,
      `${nim}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)`,
    ]);
    // The views carry the claim (the cache's, through the NIMService's annotation) and the Secrets: the lint checks them.
    expect(referenceProblems(objects, EXTERNAL)).toMatchObject({ problems: [], warnings: [] });
    // Undeclared, the class, the NGC API key Secret and the image pull Secret are reported (each where it is used).
    expect(referenceProblems(objects).problems.map((p) => / (StorageClass|Secret) (\S+) does not exist/.exec(p)?.slice(1).join(' '))).toEqual([
      'Secret ml/ngc-secret',
      'Secret ml/ngc-api-secret',
      'Secret ml/ngc-secret',
      'Secret ml/ngc-api-secret',
      'StorageClass efs-sc-dynamic',
    ]);
  });
});
