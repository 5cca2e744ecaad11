import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { READY_SECONDS_ANNOTATION, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { NIMCache, NimModelStore, NIMService } from '@strata/kinds';
import { Efs, INSTANCE_GPU_NAME_LABEL, PodScheduling, PodSecurityLevel } from '@strata/storage';
import { describePattern, IMAGE_REPOSITORY, IMAGE_TAG, LABEL_VALUE, NODE_AND_IMAGE_SECONDS, Tokens } from '@strata/tokens';

/** The EFS class every environment installs (the `storage-efs` tier chart). */
export const EFS_CLASS = 'strata-efs';

/**
 * The NIM's startup probe when a NIMService states none: 30 s + 120 × 10 s on /v1/health/ready
 * (NVIDIA/k8s-nim-operator@v3.1.2 api/apps/v1alpha1/nimservice_types.go GetDefaultStartupProbe).
 */
export const NIM_STARTUP_SECONDS = 30 + 120 * 10;

/** A Kubernetes object name (DNS subdomain), for the Secrets the chart names. */
const OBJECT_NAME = describePattern('^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$', 'a Kubernetes object name: 1 to 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');

/** A GPU as Karpenter names it in karpenter.k8s.aws/instance-gpu-name. */
const GPU_NAME = describePattern('^[a-z0-9][a-z0-9-]{0,30}$', 'a GPU name as Karpenter writes it, such as "a10g", "l40s" or "h100" (lowercase letters, digits and "-")');

/**
 * The NIM operator's pods do not meet Pod Security "restricted" (no seccompProfile, no container
 * securityContext on the NIM's pods) and no field of NIMCache or NIMService can make them: both
 * kinds refuse to be built without the level their namespace enforces, and this chart is released
 * only into a namespace enforcing baseline (see nim.ts in @strata/kinds).
 */
export const NAMESPACE_POD_SECURITY = PodSecurityLevel.BASELINE;

/**
 * An LLM as an NVIDIA NIM, run by the NIM Operator: a NIMCache whose Job downloads the NIM's model
 * profiles from NGC once into an EFS claim (ReadWriteMany), and a NIMService whose replicas all
 * serve from that cache (mounted at /model-store) on GPU nodes; OpenAI-compatible API on port 8000.
 *
 * Based on:
 * - awslabs/ai-on-eks@41a979ee blueprints/inference/gpu/nvidia-nim-operator-llama3-8b/
 *   (nim-cache-llama3-8b-instruct.yaml, nim-service-llama3-8b-instruct.yaml, deploy-nim-auth.sh):
 *   Llama 3.1 8B Instruct, a NIMCache on an EFS class (ReadWriteMany, "you have to use EFS or NFS"),
 *   profile selection by engine tensorrt_llm and GPU product A10G, the NGC Secrets `ngc-secret`
 *   (nvcr.io pull) and `ngc-api-secret` (NGC_API_KEY) made outside the chart.
 * - NVIDIA/k8s-nim-operator@v3.1.2 config/samples/nim/caching/ngc/nimcache.yaml and
 *   config/samples/nim/serving/standalone/basic/llm.yaml: the NIMCache/NIMService pair (engine,
 *   tensorParallelism, `storage.nimCache`, port 8000).
 *
 * Choices here:
 * - The cache is a strata EFS claim (the kind takes no operator-made claim), so the reference lint,
 *   the EFS driver and Retain apply as to every strata claim.
 * - Profile selection names the GPU product: the operator otherwise reads `nvidia.com/gpu.product`
 *   node labels (internal/controller/nimcache_controller.go GetNodeGPUProducts), which only the GPU
 *   Operator's feature discovery sets. TensorRT-LLM engines are built per GPU, so the NIM's pods are
 *   held to nodes with that GPU (Karpenter's `karpenter.k8s.aws/instance-gpu-name`).
 * - The caching Job needs no GPU (it downloads): it runs on any node it tolerates unless told
 *   otherwise, instead of the operator's default, a Node Feature Discovery label (an empty
 *   `nodeSelector` is not nil: api/apps/v1alpha1/nimcache_types.go GetNodeSelectors).
 */
export default class NimLlmChart extends WorkloadChart {
  public readonly cache: NIMCache;
  public readonly service: NIMService;
  public readonly claim: Efs;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'nim-llm',
      description: 'An LLM as an NVIDIA NIM: a NIMCache downloads the model profiles from NGC once into an EFS claim, a NIMService serves them on GPUs.',
      appVersion: '1.8.4',
      keywords: ['llm', 'inference', 'nim', 'nvidia', 'efs'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', description: 'The NIM image repository (also the model puller of the cache).', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: '1.8.4', description: 'The NIM image tag, also the cache\'s model puller. The NIMCache refuses a new model puller (modelPuller is immutable in its CRD): an upgrade changing the tag fails until the NIMCache is deleted; the retried upgrade then makes it anew and its Job fills the cache again.', pattern: IMAGE_TAG });
    const authSecret = v.string('ngc.authSecret', { default: 'ngc-api-secret', description: 'The Secret holding NGC_API_KEY (made outside the chart, in the release namespace).', pattern: OBJECT_NAME });
    const pullSecret = v.string('ngc.pullSecret', { default: 'ngc-secret', description: 'The kubernetes.io/dockerconfigjson Secret for nvcr.io (user $oauthtoken, password the NGC API key; made outside the chart).', pattern: OBJECT_NAME });

    const className = v.string('cache.storageClassName', { default: EFS_CLASS, description: 'EFS StorageClass of the model cache (installed by the environment).', minLength: 1, maxLength: 253 });
    const engine = v.enum('cache.engine', { default: 'tensorrt_llm', values: ['tensorrt_llm', 'vllm'], description: 'The engine of the profiles to cache: tensorrt_llm (engines built per GPU product) or vllm (any GPU).' });
    const tensorParallelism = v.enum('cache.tensorParallelism', { default: '1', values: ['1', '2', '4', '8'], description: 'Tensor parallelism of the profiles to cache: the GPUs each NIM pod uses (server.gpus must be at least this).' });
    const gpuProduct = v.string('cache.gpu', {
      default: 'a10g',
      description: 'GPU of the profiles to cache and of the nodes the NIM runs on, as Karpenter names it in karpenter.k8s.aws/instance-gpu-name (a10g, l4, l40s, a100, h100); matched case-insensitively against the profiles\' gpu tag.',
      pattern: GPU_NAME,
    });
    const cacheCpu = v.integer('cache.cpu', { default: 4, minimum: 1, maximum: 64, description: 'CPU cores of the caching Job (request and limit).' });
    const cacheMemory = v.size('cache.memory', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 256, description: 'Memory of the caching Job (request and limit)' });
    // Empty by default, not a label: Helm merges a map value into its default (it cannot drop a default key).
    const cacheSeconds = v.integer('cache.timeoutSeconds', {
      default: 3600, minimum: 600, maximum: 86400,
      description: 'How long filling the cache may take (the caching Job downloading the profiles from NGC): the release waits as long for the NIMCache, and the NIMService after it.',
    });
    const cacheNodes = v.object<Record<string, string>>('cache.nodeSelector', {
      default: {},
      description: 'Node labels of the caching Job, which downloads and needs no GPU; {} lets it run on any node it tolerates (written as an empty nodeSelector: the operator\'s own default, feature.node.kubernetes.io/pci-10de.present, exists only with Node Feature Discovery).',
      schema: { type: 'object', additionalProperties: { type: 'string', pattern: LABEL_VALUE } },
    });

    const replicas = v.integer('server.replicas', { default: 2, minimum: 1, maximum: 64, description: 'NIM pods. The operator rolls them with maxSurge 0: run 2 or more to keep serving through a rollout.' });
    const gpus = v.integer('server.gpus', { default: 1, minimum: 1, maximum: 8, description: 'NVIDIA GPUs per NIM pod (at least cache.tensorParallelism).' });
    const cpu = v.integer('server.cpu', { default: 8, minimum: 1, maximum: 192, description: 'CPU cores requested per NIM pod.' });
    const memory = v.size('server.memory', { default: Size.gibibytes(48), minimumGiB: 8, maximumGiB: 2048, description: 'Memory request and limit per NIM pod' });
    const shm = v.size('server.sharedMemory', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 512, description: 'Shared memory (/dev/shm) per NIM pod; counts against the memory limit' });
    const maxModelLen = v.integer('server.maxModelLen', { default: 8192, minimum: 512, maximum: 131072, description: 'Longest context the NIM accepts (NIM_MAX_MODEL_LEN): its KV cache must fit next to the weights.' });

    this.claim = Efs.fromStorageClass(this, 'model-cache', { storageClass: { name: className } });
    this.cache = new NIMCache(this, 'cache', {
      source: {
        ngc: {
          authSecret,
          modelPuller: `${repository}:${tag}`,
          pullSecret,
          model: { engine, tensorParallelism, gpus: [{ product: gpuProduct }] },
        },
      },
      storage: this.claim,
      resources: { cpu: plus.Cpu.units(cacheCpu), memory: cacheMemory },
      nodeSelector: cacheNodes,
      namespacePodSecurity: NAMESPACE_POD_SECURITY,
    });

    this.service = new NIMService(this, 'nim', {
      image: { repository, tag, pullSecrets: [pullSecret] },
      authSecret,
      storage: NimModelStore.fromCache(this.cache),
      sharedMemory: shm,
      resources: { cpu: { request: plus.Cpu.units(cpu) }, memory: { request: memory, limit: memory } },
      gpus,
      replicas,
      env: { NIM_MAX_MODEL_LEN: `${maxModelLen}` },
      namespacePodSecurity: NAMESPACE_POD_SECURITY,
    });
    // The release waits for both (@strata/helm CUSTOM_KINDS), each by default only as long as a pod
    // start: the NIMCache for its download, the NIMService for the cache, then a pod start and the
    // NIM's default startup probe.
    this.cache.apiObject.metadata.addAnnotation(READY_SECONDS_ANNOTATION, `${cacheSeconds}`);
    this.service.apiObject.metadata.addAnnotation(READY_SECONDS_ANNOTATION, `${Tokens.sum(cacheSeconds, NODE_AND_IMAGE_SECONDS, NIM_STARTUP_SECONDS)}`);
    PodScheduling.of(this.service.pod).require({ key: INSTANCE_GPU_NAME_LABEL, operator: 'In', values: [gpuProduct], origin: `[${this.service.node.path}] the GPU the cached TensorRT-LLM profiles were built for (cache.gpu)` });
  }
}
