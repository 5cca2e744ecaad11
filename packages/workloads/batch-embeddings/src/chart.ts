import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { BUCKET_NAME, BUCKET_NAME_LENGTH, DEFAULT_USER, grantMountpoint, NONEMPTY_KEY_PREFIX, ParallelJob, PATH_SEGMENT, REGION, serviceAccountAnnotations } from '@strata/patterns';
import { AccessMode, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';
import { IMAGE_REPOSITORY, IMAGE_TAG } from '@strata/tokens';

/**
 * Batch embeddings: an indexed Job whose workers read the embedding model and their shard of the
 * corpus straight from S3 through Mountpoint (read-only volumes, each with a local cache in its
 * Mountpoint Pod), and write their part of the embeddings back to S3 as new files (sequential
 * writes of new objects: what Mountpoint does well). Credentials are the workers' own
 * (authenticationSource: pod) through the `reader` service account.
 */
export default class BatchEmbeddingsChart extends WorkloadChart {
  public readonly job: ParallelJob;
  public readonly model: S3Mountpoint;
  public readonly corpus: S3Mountpoint;
  public readonly output: S3Mountpoint;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'batch-embeddings',
      description: 'Batch embeddings: an indexed Job reading the model and the corpus straight from S3 through Mountpoint with its local cache, writing embeddings back to S3.',
      appVersion: '2.5.1',
      keywords: ['embeddings', 'batch', 's3', 'mountpoint'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'docker.io/pytorch/pytorch', description: 'Worker image repository.', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: '2.5.1-cuda12.4-cudnn9-runtime', description: 'Worker image tag.', pattern: IMAGE_TAG });
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the buckets.', pattern: REGION });
    const cacheSize = v.size('mountpoint.cacheSize', { default: Size.gibibytes(50), minimumGiB: 1, maximumGiB: 10_000, description: 'Local cache of each read-only Mountpoint volume (an emptyDir of its Mountpoint Pod, on node NVMe with RAID0)' });

    const shards = v.integer('workers.shards', { default: 16, minimum: 1, maximum: 10_000, description: 'Shards of the corpus: the indexed Job\'s completions (worker i embeds shard i).' });
    this.job = new ParallelJob(this, 'embed', {
      worker: {
        image: `${repository}:${tag}`,
        command: v.list<string>('workers.command', { default: ['python', '/app/embed.py'], items: { type: 'string' }, minItems: 1, description: 'The worker\'s command.' }),
        args: v.list<string>('workers.args', {
          default: ['--model=$(MODEL_DIR)', '--corpus=$(CORPUS_DIR)', '--output=$(OUTPUT_DIR)', '--shard=$(JOB_COMPLETION_INDEX)', '--shards=$(WORLD_SIZE)'],
          items: { type: 'string' },
          description: 'Arguments of the worker; $(MODEL_DIR), $(CORPUS_DIR), $(OUTPUT_DIR), $(JOB_COMPLETION_INDEX) and $(WORLD_SIZE) are set in the pod.',
        }),
        gpus: v.integer('workers.gpus', { default: 1, minimum: 0, maximum: 8, description: 'NVIDIA GPUs per worker.' }),
        cpu: plus.Cpu.units(v.integer('workers.cpu', { default: 8, minimum: 1, maximum: 192, description: 'CPU cores requested per worker.' })),
        memory: v.size('workers.memory', { default: Size.gibibytes(32), minimumGiB: 1, maximumGiB: 2048, description: 'Memory request and limit per worker' }),
      },
      completions: shards,
      parallelism: v.integer('workers.parallelism', { default: 4, minimum: 1, maximum: 10_000, description: 'Workers running at once.' }),
      backoffLimit: v.integer('workers.backoffLimit', { default: 6, minimum: 0, maximum: 100, description: 'Retries of each shard\'s worker that fails (per index: a failing shard does not use up the others\' retries; disruptions do not count). A retried shard is embedded again.' }),
      serviceAccountKey: 'reader',
      serviceAccount: { annotations: serviceAccountAnnotations(v, 'reader') },
    });

    // Mountpoint mounts a prefix ending in "/" (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/CONFIGURATION.md#L137, the Mountpoint driver v2.7.0 bundles): never the empty one here.
    const location = (key: string, what: string, bucket: string, prefix: string) => ({
      bucket: v.string(`${key}.bucket`, { default: bucket, description: `S3 bucket of the ${what}.`, pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH }),
      prefix: v.string(`${key}.prefix`, { default: prefix, description: `Key prefix of the ${what} (not empty, ending in "/").`, pattern: NONEMPTY_KEY_PREFIX }),
    });
    const model = location('model', 'embedding model', 'ml-models', 'bge-large-en-v1.5/v1/');
    const corpus = location('corpus', 'corpus to embed', 'ml-datasets', 'corpus/2025-01/');
    const output = location('output', 'embeddings', 'ml-embeddings', 'bge-large-en-v1.5/');
    const run = v.string('output.run', { default: 'run-1', description: 'The run: embeddings are written under <output.prefix><run>/.', pattern: PATH_SEGMENT });

    // The workers run as uid/gid 1000: Mountpoint must let them in (uid, gid, allow-other; awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/CONFIGURATION.md#L281-L283).
    const access = { uid: DEFAULT_USER, gid: DEFAULT_USER, allowOther: true, authenticationSource: S3AuthenticationSource.POD, region };
    const readOnly = { ...access, accessMode: AccessMode.READ_ONLY_MANY, cache: { type: 'emptyDir' as const, sizeLimit: cacheSize } };
    // The model never changes under its prefix: cache its metadata for good.
    this.model = new S3Mountpoint(this, 'model', { ...readOnly, bucketName: model.bucket, prefix: model.prefix, metadataTtl: 'indefinite' });
    this.corpus = new S3Mountpoint(this, 'corpus', { ...readOnly, bucketName: corpus.bucket, prefix: corpus.prefix });
    // New objects only: no overwrite, no delete (a retried shard writes under a new attempt name).
    this.output = new S3Mountpoint(this, 'output', { ...access, bucketName: output.bucket, prefix: `${output.prefix}${run}/` });

    const worker = this.job.worker;
    this.model.mount(worker, '/model', { readOnly: true });
    this.corpus.mount(worker, '/corpus', { readOnly: true });
    this.output.mount(worker, '/output');
    worker.env.addVariable('MODEL_DIR', plus.EnvValue.fromValue('/model'));
    worker.env.addVariable('CORPUS_DIR', plus.EnvValue.fromValue('/corpus'));
    worker.env.addVariable('OUTPUT_DIR', plus.EnvValue.fromValue('/output'));

    // The reader's policy, from each volume (the workers' own credentials): read the model and the
    // corpus, write new objects under the run's prefix (no delete, no overwrite).
    for (const volume of [this.model, this.corpus, this.output]) grantMountpoint(volume);
  }
}
