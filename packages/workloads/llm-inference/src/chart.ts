import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { BUCKET_NAME, BUCKET_NAME_LENGTH, KEY_PREFIX, ModelRepository, PATH_SEGMENT, REGION, serviceAccountAnnotations, VolumeUsageAlert } from '@strata/patterns';
import { Efs } from '@strata/storage';
import { IMAGE_REPOSITORY, IMAGE_TAG } from '@strata/tokens';

/** The EFS class every environment installs (the `storage-efs` tier chart). */
export const EFS_CLASS = 'strata-efs';

/**
 * LLM inference on GPUs with the Model Repository pattern: model versions live in S3, are
 * hydrated into an EFS cache (the environment's `strata-efs` class) by a Job that runs before each
 * rollout, and vLLM servers start only once their version is in the cache.
 */
export default class LlmInferenceChart extends WorkloadChart {
  public readonly repository: ModelRepository;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'llm-inference',
      description: 'LLM inference on GPUs: model versions from S3, hydrated into an EFS cache before each rollout, served by vLLM.',
      appVersion: '0.8.5',
      keywords: ['llm', 'inference', 'vllm', 'efs', 'model-repository'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'docker.io/vllm/vllm-openai', description: 'Inference server image repository.', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: 'v0.8.5', description: 'Inference server image tag.', pattern: IMAGE_TAG });

    const bucket = v.string('model.bucket', { default: 'ml-models', description: 'S3 bucket holding the model versions.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const prefix = v.string('model.prefix', { default: 'llama-3.1-8b-instruct/', description: 'Key prefix of the model; each version is <prefix><version>/.', pattern: KEY_PREFIX });
    const version = v.string('model.version', { default: 'v1', description: 'The model version to serve; changing it hydrates the new version, then rolls the servers.', pattern: PATH_SEGMENT });
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the model bucket.', pattern: REGION });

    const className = v.string('cache.storageClassName', { default: EFS_CLASS, description: 'EFS StorageClass of the model cache (installed by the environment).', minLength: 1, maxLength: 253 });

    const replicas = v.integer('server.replicas', { default: 1, minimum: 0, maximum: 64, description: 'Number of inference server pods.' });
    const gpus = v.integer('server.gpus', { default: 1, minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod.' });
    const cpu = v.integer('server.cpu', { default: 4, minimum: 1, maximum: 192, description: 'CPU cores requested per server pod.' });
    const memory = v.size('server.memory', { default: Size.gibibytes(32), minimumGiB: 1, maximumGiB: 2048, description: 'Memory request and limit per server pod' });
    const shm = v.size('server.sharedMemory', { default: Size.gibibytes(8), minimumGiB: 1, maximumGiB: 512, description: 'Shared memory (/dev/shm) per server pod, for tensor-parallel NCCL traffic' });
    // The server's uid and gid (the gate follows them): never root, which Pod Security restricted refuses.
    const user = v.integer('server.user', { default: 1000, minimum: 1, maximum: 2147483647, description: 'uid the inference server (and its gate) runs as; 0 (root) is refused: the namespace enforces Pod Security restricted.' });
    const group = v.integer('server.group', { default: 1000, minimum: 0, maximum: 2147483647, description: 'gid the inference server (and its gate) runs as.' });
    const args = v.list<string>('server.args', {
      default: ['--model', '$(MODEL_DIR)', '--served-model-name', 'llm', '--port', '8000'],
      items: { type: 'string' },
      description: 'Arguments of the server; $(MODEL_DIR) is the directory of the model version.',
    });
    const hydrationTimeout = Duration.seconds(v.integer('hydration.timeoutSeconds', {
      default: 7200, minimum: 60, maximum: 86400,
      description: 'How long hydrating a model version may take, retries included (the Job\'s activeDeadlineSeconds); server pods wait as long for it, and the release timeout follows.',
    }));

    const cache = Efs.fromStorageClass(this, 'model-cache', { storageClass: { name: className } });
    this.repository = new ModelRepository(this, 'models', {
      source: { bucket, prefix },
      version,
      cache,
      region,
      replicas,
      hydration: { timeout: hydrationTimeout },
      server: {
        image: `${repository}:${tag}`,
        args,
        gpus,
        cpu: plus.Cpu.units(cpu),
        memory,
        sharedMemory: shm,
        port: 8000,
        healthPath: '/health',
        user,
        group,
      },
      serviceAccounts: { hydration: { annotations: serviceAccountAnnotations(v, 'hydration') }, inference: { annotations: serviceAccountAnnotations(v, 'inference') } },
    });

    new VolumeUsageAlert(this, 'volume-alerts', {
      enabled: v.boolean('monitoring.enabled', { default: false, description: 'Create a PrometheusRule alerting when the model cache holds more than its budget (needs the Prometheus operator, and the EFS driver\'s volume metrics, which environments turn on).' }),
      // EFS has no capacity to be "almost full" of: the alert watches used bytes against a budget.
      efsUsedBudget: Size.gibibytes(v.integer('monitoring.cacheBudgetGiB', { default: 1000, minimum: 1, maximum: 1_000_000, description: 'GiB the model cache may hold before it alerts (every cached version is kept).' })),
    });
  }
}
