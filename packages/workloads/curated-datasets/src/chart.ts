import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Values, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { addScratch, containerProps, ContainerSpec, WorkloadIdentity } from '@strata/patterns';
import { S3Files } from '@strata/storage';

/** Container image references: a repository (registry host optional) and a tag. */
const IMAGE_REPOSITORY = '^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
const IMAGE_TAG = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** Where the storage is mounted (also DATA_DIR in the container). */
const DATA_DIR = '/data';

/**
 * curated-datasets: a workspace where curated datasets are written as files and land in S3. A Deployment of
 * Pod Security "restricted" pods shares an Amazon S3 Files volume (a claim on the environment's
 * `strata-s3-files` class: one S3 Files access point per claim, ReadWriteMany) at DATA_DIR: files written there,
 * renamed and edited with POSIX semantics, reach the bucket behind the file system as objects (new versions on
 * each edit), where jobs without a mount read them.
 */
export default class CuratedDatasetsChart extends WorkloadChart {
  public readonly deployment: plus.Deployment;
  public readonly container: plus.Container;
  public readonly storage: S3Files;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'curated-datasets',
      description: 'curated-datasets: a workspace whose curated files land in S3, through an Amazon S3 Files volume shared by its pods.',
      appVersion: '1.36.1',
      keywords: ['s3-files', 's3', 'datasets'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'public.ecr.aws/docker/library/busybox', description: 'Container image repository.', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: '1.36.1', description: 'Container image tag.', pattern: IMAGE_TAG });
    const spec: ContainerSpec = {
      image: `${repository}:${tag}`,
      command: v.list<string>('app.command', {
        default: ['/bin/sh', '-c', 'ls -la "$DATA_DIR" && exec sleep 2147483647'],
        items: { type: 'string' },
        minItems: 1,
        description: 'The container\'s command; DATA_DIR is where the storage is mounted.',
      }),
      cpu: plus.Cpu.millis(v.integer('app.cpuMillis', { default: 250, minimum: 10, maximum: 192_000, description: 'CPU requested per pod, in millicores.' })),
      memory: v.size('app.memory', { default: Size.gibibytes(1), minimumGiB: 1, maximumGiB: 2048, description: 'Memory request and limit per pod' }),
      env: { DATA_DIR },
    };

    const account = WorkloadIdentity.serviceAccount(this, 'app', { annotations: annotations(v, 'app') });
    this.deployment = new plus.Deployment(this, 'app', {
      replicas: v.integer('app.replicas', { default: 1, minimum: 0, maximum: 100, description: 'Number of pods.' }),
      serviceAccount: account,
      securityContext: { ensureNonRoot: true },
    });
    this.container = this.deployment.addContainer(containerProps('app', spec));
    addScratch(this.deployment, this.container, spec);

    this.storage = S3Files.fromStorageClass(this, 'data', {
      storageClass: { name: v.string('data.storageClassName', { default: 'strata-s3-files', description: 'S3 Files StorageClass of the volume (installed by the environment: the storage-s3-files tier chart).', minLength: 1, maxLength: 253 }) },
    });
    this.storage.mount(this.container, DATA_DIR);
  }
}

/** `serviceAccounts.<key>.annotations`: where environments put eks.amazonaws.com/role-arn (IRSA). */
function annotations(v: Values, key: string): Record<string, string> {
  return v.object<Record<string, string>>(`serviceAccounts.${key}.annotations`, {
    default: {},
    description: `Annotations of the ${key} service account, e.g. eks.amazonaws.com/role-arn for IRSA.`,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  });
}
