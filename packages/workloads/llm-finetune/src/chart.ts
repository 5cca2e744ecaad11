import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { ASSOCIATION_ID, BUCKET_NAME, BUCKET_NAME_LENGTH, DatasetFileSystems, DistributedDataset, KEY_PREFIX, ParallelJob, PATH_SEGMENT, REGION, serviceAccountAnnotations, TrainingCheckpoint } from '@strata/patterns';
import { FsxDeploymentType } from '@strata/storage';
import { IMAGE_REPOSITORY, IMAGE_TAG, Tokens } from '@strata/tokens';

/** The FSx for Lustre class every environment installs (the `storage-fsx-lustre` tier chart). */
export const FSX_CLASS = 'strata-fsx-lustre';

/** FSx identifiers (the storage package checks the same; stated on the values so values.yaml shows them). */
const FILE_SYSTEM_ID = '^fs-[0-9a-f]{8,17}$';
const MOUNT_NAME = '^[A-Za-z0-9_-]{1,8}$';

/** Placeholders of the existing file system, refused while it is in use. */
const NO_FILE_SYSTEM = 'fs-00000000000000000';
const NO_ASSOCIATION = 'dra-00000000000000000';

/**
 * LLM fine-tuning with two of the seed's patterns: the dataset on FSx for Lustre linked to S3
 * (Distributed Dataset) — a file system from the environment's `strata-fsx-lustre` class, or, with
 * `dataset.existingFileSystem.enabled`, an existing PERSISTENT_2 file system and its data
 * repository association — and checkpoints on local NVMe synced to S3 by a native sidecar
 * (Training Checkpoint). The trainer is an indexed Job, one pod per node.
 */
export default class LlmFinetuneChart extends WorkloadChart {
  public readonly job: ParallelJob;
  public readonly dataset: DistributedDataset;
  public readonly checkpoints: TrainingCheckpoint;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'llm-finetune',
      description: 'LLM fine-tuning: dataset on FSx for Lustre linked to S3, checkpoints on local NVMe synced to S3 by a native sidecar.',
      appVersion: '2.5.1',
      keywords: ['llm', 'training', 'fsx-lustre', 'instance-store', 'checkpoints', 'distributed-dataset'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'docker.io/pytorch/pytorch', description: 'Trainer image repository.', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: '2.5.1-cuda12.4-cudnn9-runtime', description: 'Trainer image tag.', pattern: IMAGE_TAG });
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the cluster, the file system and the buckets.', pattern: REGION });

    const workers = v.integer('trainer.workers', { default: 2, minimum: 1, maximum: 512, description: 'Training pods (one per node): the indexed Job\'s completions and parallelism.' });
    const gpus = v.integer('trainer.gpus', { default: 8, minimum: 0, maximum: 8, description: 'NVIDIA GPUs per training pod.' });
    const cpu = v.integer('trainer.cpu', { default: 32, minimum: 1, maximum: 192, description: 'CPU cores requested per training pod.' });
    const memory = v.size('trainer.memory', { default: Size.gibibytes(256), minimumGiB: 1, maximumGiB: 2048, description: 'Memory request and limit per training pod' });
    const shm = v.size('trainer.sharedMemory', { default: Size.gibibytes(64), minimumGiB: 1, maximumGiB: 1024, description: 'Shared memory (/dev/shm) per training pod, for NCCL and data loader workers' });
    const command = v.list<string>('trainer.command', { default: ['torchrun'], items: { type: 'string' }, minItems: 1, description: 'The trainer\'s command.' });
    const args = v.list<string>('trainer.args', {
      default: [
        '--nnodes=$(WORLD_SIZE)', '--node-rank=$(JOB_COMPLETION_INDEX)', '--nproc-per-node=gpu',
        '--master-addr=$(MASTER_ADDR)', '--master-port=$(MASTER_PORT)',
        '/app/train.py', '--data=$(DATASET_DIR)', '--checkpoints=$(CHECKPOINT_DIR)',
      ],
      items: { type: 'string' },
      description: 'Arguments of the trainer; $(DATASET_DIR), $(CHECKPOINT_DIR), $(MASTER_ADDR), $(WORLD_SIZE) and $(JOB_COMPLETION_INDEX) are set in the pod.',
    });

    this.job = new ParallelJob(this, 'train', {
      worker: { image: `${repository}:${tag}`, command, args, gpus, cpu: plus.Cpu.units(cpu), memory, sharedMemory: shm },
      completions: workers,
      parallelism: workers,
      backoffLimit: v.integer('trainer.backoffLimit', { default: 3, minimum: 0, maximum: 100, description: 'Retries of each training pod that fails (per index; disruptions such as a drained node or a Spot interruption do not count); each resumes from the latest complete checkpoint.' }),
      serviceAccountKey: 'training',
      serviceAccount: { annotations: serviceAccountAnnotations(v, 'training') },
    });

    // The dataset: S3 → FSx for Lustre → the training pods (read-only, in the file system's zone).
    const dataBucket = v.string('dataset.bucket', { default: 'ml-datasets', description: 'S3 bucket of the training data.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const dataPrefix = v.string('dataset.prefix', { default: 'instructions/', description: 'Key prefix of the training data in the bucket.', pattern: KEY_PREFIX });
    const path = v.string('dataset.path', { default: '', description: 'Directory of the data inside the file system (relative, ending in "/"; "" when the class imports the prefix at the root).', pattern: KEY_PREFIX });
    const useFileSystem = v.boolean('dataset.existingFileSystem.enabled', { default: false, description: 'Bind an existing file system (PERSISTENT_2 with a data repository association) instead of creating one from the class; set storageClassName to "".' });
    const fileSystemId = v.string('dataset.existingFileSystem.fileSystemId', { default: NO_FILE_SYSTEM, description: 'FileSystemId of the existing file system.', pattern: FILE_SYSTEM_ID });
    const importPath = `s3://${dataBucket}/${dataPrefix}`;
    const size = v.size('dataset.size', { default: Size.gibibytes(1200), minimumGiB: 1200, maximumGiB: 1_000_000, description: 'Capacity of the file system' });
    this.dataset = new DistributedDataset(this, 'dataset', {
      job: this.job,
      // Zone names are the region and a letter: built from both, the zone always lies in the file system's region.
      availabilityZone: `${region}${v.enum('dataset.zone', { values: ['a', 'b', 'c', 'd', 'e', 'f'], default: 'a', description: 'Zone letter of the file system\'s subnet in aws.region (a for us-east-1a); training pods run there.' })}`,
      path,
      version: v.string('dataset.version', { default: 'v1', description: 'Version directory of the dataset to mount (read-only).', pattern: PATH_SEGMENT }),
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({
        useFileSystem,
        // The environment's class is SCRATCH_2 or a PERSISTENT SSD type: sizes are 1200, 2400, then multiples of 2400 GiB either way.
        storageClass: { deploymentType: FsxDeploymentType.SCRATCH_2, name: v.string('dataset.storageClassName', { default: FSX_CLASS, description: 'FSx for Lustre StorageClass of a new file system; "" with an existing one.', maxLength: 253 }) },
        storage: size,
        importPath,
        fileSystem: {
          fileSystemId,
          // FSx DNS names are <file system id>.fsx.<region>.amazonaws.com.
          dnsName: `${fileSystemId}.fsx.${region}.amazonaws.com`,
          mountName: v.string('dataset.existingFileSystem.mountName', { default: 'unset', description: 'LustreConfiguration.MountName of the existing file system.', pattern: MOUNT_NAME }),
          deploymentType: FsxDeploymentType.PERSISTENT_2,
          storage: size,
          association: {
            associationId: v.string('dataset.existingFileSystem.associationId', { default: NO_ASSOCIATION, description: 'AssociationId of the data repository association that links the dataset prefix.', pattern: ASSOCIATION_ID }),
            dataRepositoryPath: importPath,
            fileSystemPath: `/${path}`,
          },
        },
      }),
    });
    // An existing file system must be named for real when it is used.
    Tokens.checkWhen([{ value: useFileSystem, equals: true }], fileSystemId, { not: { enum: [NO_FILE_SYSTEM] } }, `[${this.node.path}] dataset.existingFileSystem.fileSystemId`);

    // Checkpoints: local NVMe → S3, restored before training.
    this.checkpoints = new TrainingCheckpoint(this, 'checkpoints', {
      job: this.job,
      destination: {
        bucket: v.string('checkpoints.bucket', { default: 'ml-checkpoints', description: 'S3 bucket of the checkpoints.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH }),
        prefix: v.string('checkpoints.prefix', { default: 'llm-finetune/', description: 'Key prefix of the checkpoints; a run\'s are under <prefix><run>/.', pattern: KEY_PREFIX }),
      },
      run: v.string('checkpoints.run', { default: 'run-1', description: 'The training run: a restarted run resumes from its latest complete checkpoint.', pattern: PATH_SEGMENT }),
      size: v.size('checkpoints.size', { default: Size.gibibytes(500), minimumGiB: 10, maximumGiB: 60_000, description: 'Local NVMe scratch for checkpoints per training pod' }),
      // The pods' grace period (terminationGracePeriodSeconds) is derived from it: the checkpoint
      // written at 1000 MiB/s, then uploaded at 250 MiB/s, + 15 s — 97 s for the default 16 GiB.
      checkpointSize: v.size('checkpoints.checkpointSize', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 10_000, description: 'Size of the newest checkpoint one training pod writes (its shard of weights and optimizer state): the final flush writes and uploads it, and the pods\' grace period is derived from it (keep it under 120 s on Spot)' }),
      syncInterval: Duration.seconds(v.integer('checkpoints.syncIntervalSeconds', { default: 300, minimum: 10, maximum: 86400, description: 'How often finished checkpoints are uploaded to S3.' })),
      region,
    });
  }
}
