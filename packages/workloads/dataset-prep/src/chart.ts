import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { JobSet, ReplicatedJob } from '@strata/kinds';
import { BUCKET_NAME, BUCKET_NAME_LENGTH, containerProps, DEFAULT_USER, grantMountpoint, NONEMPTY_KEY_PREFIX, PATH_SEGMENT, REGION, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { AccessMode, InstanceStore, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';
import { IMAGE_REPOSITORY, IMAGE_TAG } from '@strata/tokens';

/**
 * Dataset preparation as a JobSet (kubernetes-sigs/jobset): `shard` workers — one pod per shard,
 * each told its shard in JOB_COMPLETION_INDEX — read the raw corpus straight from S3 through
 * Mountpoint (read-only, with a local cache), tokenize on instance-store NVMe scratch, and write
 * their shard to S3 as new objects; once every shard is Complete, one `index` pod lists them and
 * writes the manifest. The set starts, fails (up to `maxRestarts` restarts of the whole set) and
 * finishes as one; a changed set is a new run (JobSet refuses changes to its Jobs).
 */
export default class DatasetPrepChart extends WorkloadChart {
  public readonly jobSet: JobSet;
  public readonly shards: ReplicatedJob;
  public readonly index: ReplicatedJob;
  public readonly raw: S3Mountpoint;
  public readonly output: S3Mountpoint;
  public readonly scratch: InstanceStore;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'dataset-prep',
      description: 'Dataset preparation as a JobSet: shard workers read raw data from S3 through Mountpoint, tokenize on NVMe scratch and write shards to S3; an index step follows.',
      appVersion: '1.0.0',
      keywords: ['dataset', 'jobset', 's3', 'mountpoint', 'nvme'],
    }, props);
    const v = this.values;
    const repository = v.string('image.repository', { default: 'public.ecr.aws/docker/library/python', description: 'Image repository of the workers.', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: '3.12-slim', description: 'Image tag of the workers.', pattern: IMAGE_TAG });
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the buckets.', pattern: REGION });
    const shards = v.integer('shards.count', { default: 32, minimum: 1, maximum: 10_000, description: 'Shards of the corpus: one pod each (pod i prepares shard i).' });
    const scratchSize = v.size('shards.scratch', { default: Size.gibibytes(100), minimumGiB: 1, maximumGiB: 10_000, description: 'Instance-store NVMe scratch per shard pod' });
    const cacheSize = v.size('mountpoint.cacheSize', { default: Size.gibibytes(20), minimumGiB: 1, maximumGiB: 10_000, description: 'Local cache of the raw corpus\' Mountpoint volume' });

    const account = WorkloadIdentity.serviceAccount(this, 'prep', { annotations: serviceAccountAnnotations(v, 'prep') });
    this.jobSet = new JobSet(this, 'prep', { maxRestarts: v.integer('maxRestarts', { default: 2, minimum: 0, maximum: 100, description: 'Restarts of the whole set when a Job of it fails.' }) });
    const pod = { serviceAccount: account, securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER } };
    this.shards = this.jobSet.addReplicatedJob('shard', { parallelism: shards, backoffLimitPerIndex: 2, pod });
    this.index = this.jobSet.addReplicatedJob('index', { pod, after: { replicatedJob: 'shard', when: 'Complete' } });

    const image = `${repository}:${tag}`;
    const worker = this.shards.template.addContainer(containerProps('shard', {
      image,
      command: v.list<string>('shards.command', { default: ['python', '/app/prep.py'], items: { type: 'string' }, minItems: 1, description: 'The shard worker\'s command.' }),
      args: ['--raw=$(RAW_DIR)', '--scratch=$(SCRATCH_DIR)', '--output=$(OUTPUT_DIR)', '--shard=$(JOB_COMPLETION_INDEX)', `--shards=${shards}`],
      cpu: plus.Cpu.units(v.integer('shards.cpu', { default: 4, minimum: 1, maximum: 192, description: 'CPU cores per shard pod.' })),
      memory: v.size('shards.memory', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 2048, description: 'Memory request and limit per shard pod' }),
    }));
    const indexer = this.index.template.addContainer(containerProps('index', {
      image,
      command: v.list<string>('index.command', { default: ['python', '/app/index.py'], items: { type: 'string' }, minItems: 1, description: 'The index step\'s command.' }),
      args: ['--output=$(OUTPUT_DIR)', `--shards=${shards}`],
      cpu: plus.Cpu.units(1),
      memory: Size.gibibytes(2),
    }));
    for (const [t, c] of [[this.shards.template, worker], [this.index.template, indexer]] as const) {
      c.mount('/tmp', plus.Volume.fromEmptyDir(t, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
    }

    const location = (key: string, what: string, bucket: string, prefix: string) => ({
      bucket: v.string(`${key}.bucket`, { default: bucket, description: `S3 bucket of the ${what}.`, pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH }),
      prefix: v.string(`${key}.prefix`, { default: prefix, description: `Key prefix of the ${what} (not empty, ending in "/").`, pattern: NONEMPTY_KEY_PREFIX }),
    });
    const raw = location('raw', 'raw corpus', 'ml-datasets', 'raw/web-2025-01/');
    const output = location('output', 'prepared shards', 'ml-datasets', 'prepared/web-2025-01/');
    const run = v.string('output.run', { default: 'run-1', description: 'The run: shards are written under <output.prefix><run>/.', pattern: PATH_SEGMENT });

    // The pods run as uid/gid 1000: Mountpoint must let them in; credentials are the pods' own.
    const access = { uid: DEFAULT_USER, gid: DEFAULT_USER, allowOther: true, authenticationSource: S3AuthenticationSource.POD, region };
    this.raw = new S3Mountpoint(this, 'raw', { ...access, accessMode: AccessMode.READ_ONLY_MANY, cache: { type: 'emptyDir', sizeLimit: cacheSize }, bucketName: raw.bucket, prefix: raw.prefix });
    // New objects only: a retried shard writes under a new attempt name (Mountpoint refuses overwrites).
    this.output = new S3Mountpoint(this, 'output', { ...access, bucketName: output.bucket, prefix: `${output.prefix}${run}/` });
    this.scratch = new InstanceStore(this, 'scratch', { size: scratchSize });

    this.raw.mount(worker, '/raw', { readOnly: true });
    this.scratch.mount(worker, '/scratch', { pod: this.shards.template });
    this.output.mount(worker, '/output');
    this.output.mount(indexer, '/output');
    worker.env.addVariable('RAW_DIR', plus.EnvValue.fromValue('/raw'));
    worker.env.addVariable('SCRATCH_DIR', plus.EnvValue.fromValue('/scratch'));
    for (const c of [worker, indexer]) c.env.addVariable('OUTPUT_DIR', plus.EnvValue.fromValue('/output'));

    // The prep pods' policy, from each volume: read the raw corpus, write new objects under the run.
    for (const volume of [this.raw, this.output]) grantMountpoint(volume);
  }
}
