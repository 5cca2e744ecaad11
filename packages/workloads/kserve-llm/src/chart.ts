import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { READY_SECONDS_ANNOTATION, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { InferenceService, KSERVE_CONTAINER, KSERVE_MODEL_DIR, ServingRuntime } from '@strata/kinds';
import { BUCKET_NAME, BUCKET_NAME_LENGTH, KEY_PREFIX, ModelRepository, PATH_SEGMENT, REGION, restrictedSecurityContext, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { Devices, Efs } from '@strata/storage';
import { describePattern, IMAGE_REPOSITORY, IMAGE_TAG, NODE_AND_IMAGE_SECONDS, Tokens } from '@strata/tokens';

/** The EFS class every environment installs (the `storage-efs` tier chart). */
export const EFS_CLASS = 'strata-efs';

/** The model format KServe's Hugging Face runtime serves (kserve/kserve@v0.20.0 config/runtimes/kserve-huggingfaceserver.yaml). */
export const HUGGINGFACE_FORMAT = 'huggingface';

/** The port KServe's model servers listen on (kserve/kserve@v0.20.0 config/runtimes/kserve-huggingfaceserver.yaml, `prometheus.kserve.io/port`). */
export const SERVER_PORT = 8080;

/** A served model name: it goes into URL paths (/v2/models/<name>/ready) and the OpenAI "model" field. */
const SERVED_NAME = describePattern('^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$', 'a model name of 1 to 63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');

/** How long loading the model may take (the startup probe: 180 × 10 s): an 8B model from EFS, and vLLM's CUDA graphs. */
export const STARTUP_SECONDS = 1800;
const PROBE_PERIOD_SECONDS = 10;

/**
 * An LLM served by a KServe InferenceService (Standard deployment mode: a Deployment, a Service and
 * an HPA; no Knative, no Istio) with KServe's Hugging Face runtime on its vLLM backend, from a
 * model cache on EFS filled once per model version.
 *
 * Based on:
 * - kserve/kserve@v0.20.0 config/runtimes/kserve-huggingfaceserver.yaml: the runtime (container
 *   "kserve-container", `supportedModelFormats` huggingface v1, protocols v2 and v1, /dev/shm as a
 *   Memory emptyDir), written here as a namespaced ServingRuntime of the chart: strata installs
 *   kserve-crd and kserve-resources, not kserve-runtime-configs, so no ClusterServingRuntime exists
 *   (packages/gitops/src/drivers.ts OPERATORS.kserve).
 * - kserve/kserve@v0.20.0 docs/samples/storage/pvc-init/README.md: "pre-download model weights into
 *   a PVC using a Kubernetes Job … the pods then mount the PVC" instead of downloading at every pod
 *   start. Here the Job is strata's ModelRepository hydration (S3 → EFS, resumable, ready marker), as
 *   in packages/workloads/llm-inference.
 * - kserve/kserve@v0.20.0 docs/samples/fluid/kserve-isvc.yaml: Llama 3.1 8B Instruct on the
 *   Hugging Face runtime, one A10G (g5), vLLM engine arguments (--max-model-len,
 *   --gpu-memory-utilization) in the predictor's args, the weights read from a mounted cache.
 * - kserve/kserve@v0.20.0 python/huggingfaceserver/huggingfaceserver/__main__.py: `--model_dir`
 *   (default /mnt/models) is read as a local directory; `--backend vllm` serves it with vLLM.
 *
 * Why the cache is mounted by ModelRepository, not given as `storageUri: pvc://…`: with a pvc://
 * source KServe mounts the claim itself, but nothing would hold the server back until the
 * hydration Job has written the version (it would crash-loop on an empty directory). ModelRepository
 * mounts the same claim read-only at /mnt/models (subPath = version), where the runtime looks for the
 * model, and adds the gate init container that waits for the version's ready marker.
 */
export default class KserveLlmChart extends WorkloadChart {
  public readonly runtime: ServingRuntime;
  public readonly inferenceService: InferenceService;
  public readonly repository: ModelRepository;
  public readonly cache: Efs;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'kserve-llm',
      description: 'An LLM on a KServe InferenceService (Standard mode, Hugging Face runtime with vLLM) reading model versions hydrated from S3 into an EFS cache.',
      appVersion: '0.20.0',
      keywords: ['llm', 'inference', 'kserve', 'vllm', 'efs', 'model-repository'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'docker.io/kserve/huggingfaceserver', description: 'Image repository of the KServe Hugging Face runtime.', pattern: IMAGE_REPOSITORY });
    // The GPU build is published with a "-gpu" suffix (kserve/kserve@v0.20.0 .github/workflows/huggingface-docker-publish.yml).
    const tag = v.string('image.tag', { default: 'v0.20.0-gpu', description: 'Image tag of the runtime (the GPU build ends in -gpu).', pattern: IMAGE_TAG });

    const bucket = v.string('model.bucket', { default: 'ml-models', description: 'S3 bucket holding the model versions.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const prefix = v.string('model.prefix', { default: 'llama-3.1-8b-instruct/', description: 'Key prefix of the model; each version is <prefix><version>/ (a Hugging Face snapshot: config.json, tokenizer, safetensors).', pattern: KEY_PREFIX });
    const version = v.string('model.version', { default: 'v1', description: 'The model version to serve; changing it hydrates the new version, then rolls the predictor.', pattern: PATH_SEGMENT });
    const servedName = v.string('model.servedName', { default: 'llama-3.1-8b-instruct', description: 'The model name clients ask for (--model_name: the OpenAI "model" field, and /v1/models/<name> of the v1 protocol).', pattern: SERVED_NAME });
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the model bucket.', pattern: REGION });

    const className = v.string('cache.storageClassName', { default: EFS_CLASS, description: 'EFS StorageClass of the model cache (installed by the environment).', minLength: 1, maxLength: 253 });

    const replicas = v.integer('server.replicas', { default: 1, minimum: 1, maximum: 64, description: 'Predictor pods (minReplicas = maxReplicas: a fixed count; KServe Standard mode never scales to zero).' });
    const gpus = v.integer('server.gpus', { default: 1, minimum: 1, maximum: 8, description: 'NVIDIA GPUs per predictor pod (pass --tensor-parallel-size in server.args to use more than one).' });
    const cpu = v.integer('server.cpu', { default: 4, minimum: 1, maximum: 192, description: 'CPU cores requested per predictor pod.' });
    const memory = v.size('server.memory', { default: Size.gibibytes(32), minimumGiB: 4, maximumGiB: 2048, description: 'Memory request and limit per predictor pod' });
    const shm = v.size('server.sharedMemory', { default: Size.gibibytes(8), minimumGiB: 1, maximumGiB: 512, description: 'Shared memory (/dev/shm) per predictor pod, for vLLM\'s worker processes and NCCL; counts against the memory limit' });
    const scratch = v.size('server.scratch', { default: Size.gibibytes(20), minimumGiB: 1, maximumGiB: 1000, description: 'Scratch space at /tmp per predictor pod (HF_HOME, vLLM\'s compile caches; the root file system is read-only)' });
    const args = v.list<string>('server.args', {
      // As kserve/kserve@v0.20.0 docs/samples/fluid/kserve-isvc.yaml serves Llama 3.1 8B Instruct on one A10G (g5).
      default: ['--backend=vllm', '--max-model-len=8192', '--gpu-memory-utilization=0.90'],
      items: { type: 'string' },
      description: 'Arguments of the Hugging Face runtime after --model_name and --model_dir (vLLM engine arguments pass through, e.g. --tensor-parallel-size=2).',
    });
    const hydrationSeconds = v.integer('hydration.timeoutSeconds', {
      default: 7200, minimum: 60, maximum: 86400,
      description: 'How long hydrating a model version may take, retries included (the Job\'s activeDeadlineSeconds); predictor pods wait as long for it, and the release timeout follows.',
    });

    this.cache = Efs.fromStorageClass(this, 'model-cache', { storageClass: { name: className } });

    // The runtime: KServe's Hugging Face ServingRuntime, its container Pod Security "restricted"
    // (upstream sets runAsNonRoot, no privilege escalation, drop ALL; seccomp and a read-only root added here).
    this.runtime = new ServingRuntime(this, 'huggingface', { supportedModelFormats: [{ name: HUGGINGFACE_FORMAT, version: '1' }], protocolVersions: ['v2', 'v1'] });
    const runtimeContainer = this.runtime.pod.addContainer({
      name: KSERVE_CONTAINER,
      image: `${repository}:${tag}`,
      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
      // Upstream passes --model_name={{.Name}} (the InferenceService's name, release-scoped here): the served name is a value instead.
      args: [`--model_name=${servedName}`, `--model_dir=${KSERVE_MODEL_DIR}`],
      ports: [{ number: SERVER_PORT, name: 'http' }],
      securityContext: restrictedSecurityContext(),
      // KServe's runtime defaults (the predictor's model container below states the real ones, which KServe merges over these).
      resources: { cpu: { request: plus.Cpu.units(1) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) } },
    });
    runtimeContainer.mount('/dev/shm', plus.Volume.fromEmptyDir(this.runtime.pod, 'devshm', 'devshm', { medium: plus.EmptyDirMedium.MEMORY, sizeLimit: shm }));

    // The predictor's own account: ModelRepository gives its role the model's read policy.
    const account = WorkloadIdentity.serviceAccount(this, 'inference', { annotations: serviceAccountAnnotations(v, 'inference') });
    this.inferenceService = new InferenceService(this, 'llm', {
      predictor: {
        minReplicas: replicas,
        maxReplicas: replicas,
        model: {
          format: { name: HUGGINGFACE_FORMAT, version: '1' },
          runtime: this.runtime,
          protocolVersion: 'v2',
          container: {
            // KServe appends these to the runtime's args (kserve/kserve@v0.20.0 pkg/controller/v1beta1/inferenceservice/utils/utils.go MergeRuntimeContainers).
            args,
            // The image sets HF_HOME=/tmp/huggingface (python/huggingface_server.Dockerfile); HOME too, for vLLM's caches.
            envVariables: { HF_HOME: plus.EnvValue.fromValue('/tmp/huggingface'), HOME: plus.EnvValue.fromValue('/tmp'), HF_HUB_OFFLINE: plus.EnvValue.fromValue('1') },
            securityContext: restrictedSecurityContext(),
            resources: { cpu: { request: plus.Cpu.units(cpu) }, memory: { request: memory, limit: memory } },
            // Loading an 8B model from EFS and building vLLM's CUDA graphs takes minutes: probe readiness, and give startup STARTUP_SECONDS.
            readiness: plus.Probe.fromHttpGet(`/v2/models/${servedName}/ready`, { port: SERVER_PORT, periodSeconds: Duration.seconds(PROBE_PERIOD_SECONDS), failureThreshold: 3 }),
            startup: plus.Probe.fromHttpGet(`/v2/models/${servedName}/ready`, { port: SERVER_PORT, periodSeconds: Duration.seconds(PROBE_PERIOD_SECONDS), failureThreshold: STARTUP_SECONDS / PROBE_PERIOD_SECONDS }),
          },
        },
        pod: {
          serviceAccount: account,
          // No fsGroup: the cache is an EFS access point (its own uid/gid), and a recursive ownership change would walk every cached version.
          securityContext: { ensureNonRoot: true },
          terminationGracePeriod: Duration.seconds(60),
        },
      },
    });
    const server = this.inferenceService.modelContainer!;
    server.mount('/tmp', plus.Volume.fromEmptyDir(this.inferenceService.predictor, 'tmp', 'tmp', { sizeLimit: scratch }));
    Devices.of(this.inferenceService.predictor, server).gpus(gpus);

    // S3 → EFS once per version; the predictor mounts <cache>/<version> read-only at /mnt/models and waits for its marker.
    this.repository = new ModelRepository(this, 'models', {
      source: { bucket, prefix },
      version,
      cache: this.cache,
      region,
      servers: this.inferenceService,
      mountPath: KSERVE_MODEL_DIR,
      hydration: { timeout: Duration.seconds(hydrationSeconds) },
      serviceAccounts: { hydration: { annotations: serviceAccountAnnotations(v, 'hydration') } },
    });

    // The release waits for the InferenceService to be Ready (@strata/helm CUSTOM_KINDS). Its own budget
    // would be a pod start (node, image, startup probe); a new version's predictor first waits for the
    // hydration at its gate. KServe itself gives the Deployment a fixed progressDeadlineSeconds of 600
    // (kserve/kserve@v0.20.0 pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go
    // setDefaultDeploymentSpec): past it the predictor reports ProgressDeadlineExceeded until its pods are Available.
    this.inferenceService.apiObject.metadata.addAnnotation(READY_SECONDS_ANNOTATION, `${Tokens.sum(NODE_AND_IMAGE_SECONDS, hydrationSeconds, STARTUP_SECONDS)}`);
  }
}
