// Recipe: the Model Repository pattern — model versions in S3, hydrated into an EFS cache by a Job
// before each rollout; vLLM servers start only once their version is complete in the cache.
// As packages/workloads/<name>/src/chart.ts: the folder name is the chart name.
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { BUCKET_NAME, KEY_PREFIX, ModelRepository, PATH_SEGMENT, REGION, serviceAccountAnnotations } from '@strata/patterns';
import { Efs } from '@strata/storage';

export default class ModelServingChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'model-serving', description: 'vLLM serving model versions hydrated from S3 into EFS.' }, props);
    const v = this.values;

    // Typed values: what an environment may override, each checked by values.schema.json at install.
    const bucket = v.string('model.bucket', { default: 'ml-models', description: 'S3 bucket of the model versions.', pattern: BUCKET_NAME });
    const prefix = v.string('model.prefix', { default: 'llama-3.1-8b/', description: 'Key prefix; each version is <prefix><version>/.', pattern: KEY_PREFIX });
    const version = v.string('model.version', { default: 'v1', description: 'The version to serve; changing it hydrates it, then rolls the servers.', pattern: PATH_SEGMENT });
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the bucket.', pattern: REGION });

    // The cache: a claim on the class the environment installs (the storage-efs tier chart).
    const cache = Efs.fromStorageClass(this, 'model-cache', { storageClass: { name: 'strata-efs' } });

    new ModelRepository(this, 'models', {
      source: { bucket, prefix },
      version,
      cache,
      region,
      replicas: v.integer('server.replicas', { default: 2, minimum: 0, maximum: 16, description: 'Server pods.' }),
      hydration: { timeout: Duration.hours(2) },
      // One service account each, with a read-only policy; the environment gives each a role.
      serviceAccounts: { hydration: { annotations: serviceAccountAnnotations(v, 'hydration') }, inference: { annotations: serviceAccountAnnotations(v, 'inference') } },
      server: {
        image: 'docker.io/vllm/vllm-openai:v0.8.5',
        args: ['--model', '$(MODEL_DIR)', '--port', '8000'],
        gpus: 1,
        cpu: plus.Cpu.units(4),
        memory: Size.gibibytes(32),
        sharedMemory: Size.gibibytes(8),
        port: 8000,
        healthPath: '/health',
      },
    });
  }
}
