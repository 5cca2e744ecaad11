// Recipe: a model repository that lives in S3, read through Amazon S3 Files — the bucket is the record,
// the servers read <prefix><version>/ as files (POSIX semantics, small files from the file system's
// high-performance storage, large reads straight from S3); nothing is copied before a rollout.
// As packages/workloads/<name>/src/chart.ts: the folder name is the chart name.
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Values, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { BUCKET_NAME, KEY_PREFIX, ModelRepository, PATH_SEGMENT } from '@strata/patterns';
import { S3_FILES_FILE_SYSTEM_ID, S3Files } from '@strata/storage';

export default class S3FilesModelServingChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 's3-files-model-serving', description: 'vLLM serving model versions read from S3 through an S3 Files file system.' }, props);
    const v = this.values;

    const bucket = v.string('model.bucket', { default: 'ml-models', description: 'S3 bucket of the model versions (S3 Versioning on: S3 Files requires it).', pattern: BUCKET_NAME });
    const prefix = v.string('model.prefix', { default: 'llama-3.1-8b/', description: 'Key prefix; each version is <prefix><version>/.', pattern: KEY_PREFIX });
    const version = v.string('model.version', { default: 'v1', description: 'The version to serve; changing it rolls the servers onto it.', pattern: PATH_SEGMENT });

    // The S3 Files file system over the bucket (made outside the chart, or by the environment's ACK
    // controller): a static volume of its root, bound to this release's claim. The EFS CSI driver
    // (3.0.0 or later) mounts it as its node service account: the environment's identity.efsNode.
    const cache = S3Files.fromFileSystem(this, 'model-files', {
      fileSystemId: v.string('model.fileSystemId', { default: 'fs-0123456789abcdef01', description: 'The S3 Files file system over model.bucket (aws s3files list-file-systems).', pattern: S3_FILES_FILE_SYSTEM_ID }),
    });

    new ModelRepository(this, 'models', {
      source: { bucket, prefix },
      version,
      cache,
      replicas: v.integer('server.replicas', { default: 2, minimum: 0, maximum: 16, description: 'Server pods.' }),
      // The first read of a directory imports its metadata: a few seconds, not a copy.
      readyTimeout: Duration.minutes(10),
      serviceAccounts: { inference: { annotations: annotations(v, 'inference') } },
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

/** `serviceAccounts.<key>.annotations`: where an environment puts an IAM role (none is needed to read through S3 Files). */
function annotations(v: Values, key: string): Record<string, string> {
  return v.object<Record<string, string>>(`serviceAccounts.${key}.annotations`, {
    default: {},
    description: `Annotations of the ${key} service account.`,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  });
}
