import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RayClusterSpecAutoscalerOptionsResourcesLimits, RayClusterSpecAutoscalerOptionsResourcesRequests } from '@strata/crd-types/ray-cluster';
import { READY_SECONDS_ANNOTATION, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { RayService, RayWorkerGroup } from '@strata/kinds';
import { addScratch, BUCKET_NAME, BUCKET_NAME_LENGTH, containerProps, DEFAULT_USER, grantMountpoint, NONEMPTY_KEY_PREFIX, PATH_SEGMENT, REGION, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { AccessMode, Devices, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';
import { IMAGE_REPOSITORY, SERVED_MODEL_NAME, Tokens } from '@strata/tokens';

/** Where the model version is mounted in the GPU workers: vLLM loads it from here (`model_source`). */
export const MODEL_DIR = '/models';

/** Ray Serve's HTTP port (the RayService's `<name>-serve-svc` Service targets it). */
export const SERVE_PORT = 8000;

/** Image references: a registry path, and a tag suffix. */
/** The model name clients send (`"model"` in OpenAI requests); written double-quoted into the Serve config, so no `"` or `\`. */

/**
 * LLM serving with Ray Serve LLM on vLLM, as a KubeRay RayService: a CPU-only head (GCS,
 * dashboard, Serve controller; `num-cpus: 0` keeps replicas off it) and a GPU worker group that
 * Ray's autoscaler grows between `server.replicas` and `server.replicas + server.burstReplicas`
 * as Serve's autoscaling asks for replicas (one vLLM replica per worker pod, tensor-parallel over
 * its GPUs). The workers read the model version straight from S3 through Mountpoint — the prefix
 * `<model.prefix><model.version>/`, read-only, with the pods' own identity — and Mountpoint's
 * cache lives on the node's instance-store NVMe, its room requested by each worker.
 *
 * Based on awslabs/ai-on-eks@41a979e `blueprints/inference/vllm-rayserve-gpu/ray-service-vllm.yaml`
 * (CPU head with `num-cpus: "0"`, an autoscaled `gpu-group`, in-tree autoscaling, the
 * `nvidia.com/gpu` toleration) and ray-project/kuberay@v1.7.0
 * `ray-operator/config/samples/ray-service.llm-serve.yaml` (the `rayproject/ray-llm` image and
 * the `ray.serve.llm:build_openai_app` application, whose `model_source` may be a local path:
 * https://docs.ray.io/en/latest/serve/api/doc/ray.serve.llm.ModelLoadingConfig.html). Unlike
 * both, the weights come from S3 (no Hugging Face token in the cluster: `HF_HUB_OFFLINE=1`), and
 * every container runs under Pod Security restricted.
 */
export default class RayServeVllmChart extends WorkloadChart {
  public readonly service: RayService;
  public readonly gpu: RayWorkerGroup;
  public readonly model: S3Mountpoint;
  /** The Serve config (`serveConfigV2`) as written, values in it. */
  public readonly serveConfig: string;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'ray-serve-vllm',
      description: 'Ray Serve LLM (vLLM) on a KubeRay RayService: CPU head, autoscaled GPU workers reading the model from S3 through Mountpoint with its cache on NVMe.',
      appVersion: '2.52.0',
      keywords: ['llm', 'inference', 'vllm', 'ray', 'rayservice', 'kuberay', 's3', 'mountpoint', 'nvme'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'docker.io/rayproject/ray-llm', description: 'Image repository of the head and the workers (Ray with Ray Serve LLM and vLLM).', pattern: IMAGE_REPOSITORY });
    const rayVersion = v.string('ray.version', { default: '2.52.0', description: 'The Ray release of the image (the cluster\'s rayVersion); the image tag is <ray.version>-<image.variant>.', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$', accepts: 'a Ray release such as "2.52.0"' });
    const variant = v.string('image.variant', { default: 'py311-cu128', description: 'The image tag after the Ray version: Python and CUDA build (ray-llm publishes <version>-py311-cu128).', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$', accepts: 'an image tag suffix such as "py311-cu128"' });
    const image = `${repository}:${rayVersion}-${variant}`;
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the model bucket.', pattern: REGION });

    // --- the model: one version, read straight from S3 ------------------------------------------
    const bucket = v.string('model.bucket', { default: 'ml-models', description: 'S3 bucket holding the model versions.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const prefix = v.string('model.prefix', { default: 'qwen2.5-7b-instruct/', description: 'Key prefix of the model (not empty, ending in "/"); each version is <prefix><version>/ with the Hugging Face files (config.json, tokenizer, *.safetensors).', pattern: NONEMPTY_KEY_PREFIX });
    const version = v.string('model.version', { default: 'v1', description: 'The model version to serve: only <model.prefix><version>/ is mounted, and only it is readable by the workers.', pattern: PATH_SEGMENT });
    const servedName = v.string('model.servedName', { default: 'qwen2.5-7b-instruct', description: 'The model name clients ask for (OpenAI "model"), Ray Serve LLM\'s model_id.', pattern: SERVED_MODEL_NAME });
    const cacheSize = v.size('model.cacheSize', { default: Size.gibibytes(100), minimumGiB: 1, maximumGiB: 10_000, description: 'Mountpoint\'s local cache of the model on each GPU worker\'s instance-store NVMe, requested by the worker as ephemeral storage; at least the model\'s size, so a restarted replica reads it locally' });
    const versionPrefix = `${prefix}${version}/`;

    // --- identities: the head needs no AWS access; the workers read the model version -----------
    const headAccount = WorkloadIdentity.serviceAccount(this, 'head', { annotations: serviceAccountAnnotations(v, 'head') });
    const workerAccount = WorkloadIdentity.serviceAccount(this, 'worker', { annotations: serviceAccountAnnotations(v, 'worker') });

    // --- Serve: replicas, autoscaling and vLLM's engine ----------------------------------------
    const replicas = v.integer('server.replicas', { default: 1, minimum: 1, maximum: 64, description: 'vLLM replicas (and GPU worker pods) always running: Serve\'s min_replicas and the worker group\'s minReplicas.' });
    const burst = v.integer('server.burstReplicas', { default: 1, minimum: 0, maximum: 64, description: 'Replicas Serve may add under load above server.replicas (Ray\'s autoscaler adds a GPU worker pod for each); 0 for a fixed size.' });
    const maxReplicas = Tokens.sum(replicas, burst);
    const gpus = v.integer('worker.gpus', { default: 1, minimum: 1, maximum: 8, description: 'NVIDIA GPUs per worker pod: one vLLM replica per pod, tensor-parallel over them (tensor_parallel_size).' });
    const maxModelLen = v.integer('engine.maxModelLen', { default: 8192, minimum: 256, maximum: 1_048_576, description: 'vLLM max_model_len: the longest context (prompt and output) in tokens; its KV cache must fit beside the weights.' });
    const gpuMemory = v.number('engine.gpuMemoryUtilization', { default: 0.9, minimum: 0.1, maximum: 0.99, description: 'vLLM gpu_memory_utilization: the share of each GPU\'s memory vLLM takes for weights and KV cache.' });
    const targetRequests = v.integer('server.targetOngoingRequests', { default: 64, minimum: 1, maximum: 10_000, description: 'Serve autoscaling target_ongoing_requests: requests in flight per replica Serve scales towards.' });
    const maxRequests = v.integer('server.maxOngoingRequests', { default: 128, minimum: 1, maximum: 10_000, description: 'Serve max_ongoing_requests: requests one replica takes at once; more wait in the proxy.' });
    // Ray Serve's config file: https://docs.ray.io/en/latest/serve/production-guide/config.html and
    // Ray Serve LLM's LLMConfig (https://docs.ray.io/en/latest/serve/llm/user-guides/configuration.html).
    this.serveConfig = [
      'applications:',
      '- name: llm',
      '  import_path: ray.serve.llm:build_openai_app',
      '  route_prefix: /',
      '  args:',
      '    llm_configs:',
      '    - model_loading_config:',
      `        model_id: "${servedName}"`,
      `        model_source: ${MODEL_DIR}`,
      '      engine_kwargs:',
      `        tensor_parallel_size: ${gpus}`,
      `        max_model_len: ${maxModelLen}`,
      `        gpu_memory_utilization: ${gpuMemory}`,
      '      deployment_config:',
      '        autoscaling_config:',
      `          min_replicas: ${replicas}`,
      `          max_replicas: ${maxReplicas}`,
      `          target_ongoing_requests: ${targetRequests}`,
      `        max_ongoing_requests: ${maxRequests}`,
      '',
    ].join('\n');

    // The autoscaler KubeRay adds to the head pod (image: the head's) gets the same restrictions.
    const autoscalerSecurity = {
      runAsNonRoot: true,
      runAsUser: DEFAULT_USER,
      runAsGroup: DEFAULT_USER,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const pod = (account: plus.IServiceAccount) => ({ serviceAccount: account, securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER } });
    this.service = new RayService(this, 'serve', {
      rayVersion,
      serveConfig: this.serveConfig,
      autoscaling: true,
      cluster: {
        autoscalerOptions: {
          securityContext: autoscalerSecurity,
          // KubeRay's defaults (pod.go BuildAutoscalerContainer), stated: requests on every container.
          resources: {
            requests: { cpu: RayClusterSpecAutoscalerOptionsResourcesRequests.fromString('500m'), memory: RayClusterSpecAutoscalerOptionsResourcesRequests.fromString('512Mi') },
            limits: { memory: RayClusterSpecAutoscalerOptionsResourcesLimits.fromString('512Mi') },
          },
        },
      },
      // No Serve replica on the head: its CPUs are 0 for Ray (ai-on-eks and KubeRay's sample alike).
      // The autoscaler in the head pod reads the RayCluster and patches pods with the head's
      // service account, which KubeRay binds to its Role (kuberay@v1.7.0 common/rbac.go BuildRole,
      // raycluster_controller.go reconcileAutoscalerServiceAccount): the head mounts its token.
      head: { rayStartParams: { 'dashboard-host': '0.0.0.0', 'num-cpus': '0' }, pod: { ...pod(headAccount), automountServiceAccountToken: true } },
    });

    // How long the release waits for Ready (a Serve endpoint): the release timeout follows it. Not
    // KubeRay's ray.io/initializing-timeout, past which the RayService fails for good and must be
    // re-created (kuberay@v1.7.0 ray-operator/controllers/ray/utils/constant.go#L71-L82).
    this.service.apiObject.metadata.addAnnotation(READY_SECONDS_ANNOTATION, `${v.integer('server.readySeconds', {
      default: 3600, minimum: 600, maximum: 86400,
      description: 'How long a new cluster may take to serve — GPU nodes, the image, the model read from S3 through Mountpoint, vLLM\'s start — which the release waits for (its timeout follows).',
    })}`);

    // --- the head: CPU only --------------------------------------------------------------------
    const headSpec = {
      image,
      cpu: plus.Cpu.units(v.integer('head.cpu', { default: 2, minimum: 1, maximum: 64, description: 'CPU cores requested by the head (GCS, dashboard, Serve controller).' })),
      memory: v.size('head.memory', { default: Size.gibibytes(8), minimumGiB: 2, maximumGiB: 512, description: 'Memory request and limit of the head' }),
      sharedMemory: v.size('head.sharedMemory', { default: Size.gibibytes(2), minimumGiB: 1, maximumGiB: 256, description: 'Shared memory (/dev/shm) of the head: Ray\'s object store' }),
      scratch: Size.gibibytes(10),
    };
    const head = this.service.head.addContainer({
      ...containerProps('ray-head', headSpec),
      ports: [
        { number: 6379, name: 'gcs' },
        { number: 8265, name: 'dashboard' },
        { number: 10001, name: 'client' },
        { number: SERVE_PORT, name: 'serve' },
      ],
    });
    addScratch(this.service.head, head, headSpec);

    // --- the GPU workers -----------------------------------------------------------------------
    this.gpu = this.service.addWorkerGroup('gpu', { replicas, minReplicas: replicas, maxReplicas, pod: pod(workerAccount) });
    const workerSpec = {
      image,
      cpu: plus.Cpu.units(v.integer('worker.cpu', { default: 8, minimum: 1, maximum: 192, description: 'CPU cores requested per GPU worker pod (Ray\'s num-cpus there: the replica, its tokenizer and Serve\'s proxy).' })),
      memory: v.size('worker.memory', { default: Size.gibibytes(32), minimumGiB: 4, maximumGiB: 2048, description: 'Memory request and limit per GPU worker pod (loading the weights passes through it)' }),
      sharedMemory: v.size('worker.sharedMemory', { default: Size.gibibytes(8), minimumGiB: 1, maximumGiB: 1024, description: 'Shared memory (/dev/shm) per GPU worker pod: Ray\'s object store and NCCL between the tensor-parallel GPUs' }),
      scratch: v.size('worker.scratch', { default: Size.gibibytes(20), minimumGiB: 1, maximumGiB: 1000, description: 'Scratch at /tmp per GPU worker pod (HOME: Ray\'s session and logs, vLLM\'s and torch\'s compile caches)' }),
      // The weights are local: nothing is fetched from the Hugging Face Hub.
      env: { HF_HUB_OFFLINE: '1' },
    };
    const worker = this.gpu.template.addContainer({ ...containerProps('ray-worker', workerSpec), ports: [{ number: SERVE_PORT, name: 'serve' }] });
    addScratch(this.gpu.template, worker, workerSpec);
    Devices.of(this.gpu.template, worker).gpus(gpus);

    // Read-only and immutable: a version's objects never change, so metadata is cached for good
    // (docs/CACHING.md, metadata-ttl). The workers run as uid 1000 with their own credentials.
    this.model = new S3Mountpoint(this, 'model', {
      bucketName: bucket,
      prefix: versionPrefix,
      region,
      accessMode: AccessMode.READ_ONLY_MANY,
      authenticationSource: S3AuthenticationSource.POD,
      uid: DEFAULT_USER,
      gid: DEFAULT_USER,
      allowOther: true,
      metadataTtl: 'indefinite',
      cache: { type: 'emptyDir', sizeLimit: cacheSize, instanceStore: true },
    });
    this.model.mount(worker, MODEL_DIR, { readOnly: true, pod: this.gpu.template });
    // The workers' policy, from the volume: read the model version, nothing else.
    grantMountpoint(this.model);
  }
}
