import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { ClusterTrainingRuntime, TRAINER_NODE, TrainJob } from '@strata/kinds';
import {
  ASSOCIATION_ID,
  BUCKET_NAME,
  BUCKET_NAME_LENGTH,
  DatasetFileSystems,
  DEFAULT_USER,
  DistributedDataset,
  KEY_PREFIX,
  PATH_SEGMENT,
  REGION,
  restrictedSecurityContext,
  serviceAccountAnnotations,
  TrainingCheckpoint,
  WorkloadIdentity,
} from '@strata/patterns';
import { Devices, FSX_FILE_SYSTEM_ID as FILE_SYSTEM_ID, FsxDeploymentType, MOUNT_NAME } from '@strata/storage';
import { IMAGE_REPOSITORY as REPOSITORY, IMAGE_TAG as TAG, Tokens } from '@strata/tokens';
import { FSDP_TRAIN_SCRIPT } from './train-script';

/** The FSx for Lustre class every environment installs (the `storage-fsx-lustre` tier chart). */
export const FSX_CLASS = 'strata-fsx-lustre';


/** Placeholders of the existing file system, refused while it is in use. */
const NO_FILE_SYSTEM = 'fs-00000000000000000';
const NO_ASSOCIATION = 'dra-00000000000000000';


/**
 * Restarts of the whole JobSet when a node fails (the runtime's `failurePolicy.maxRestarts`). A
 * constant, not a value: the TrainingRuntime CRD keeps it immutable (`self == oldSelf` on
 * spec.template.spec.failurePolicy, kubeflow/trainer@v2.3.0
 * manifests/base/crds/trainer.kubeflow.org_clustertrainingruntimes.yaml), so an upgrade that
 * changed it would be refused. FSDP ranks fail together (a collective needs every rank), so the
 * whole set restarts, and every node resumes from the newest checkpoint all nodes completed.
 */
const MAX_RESTARTS = 3;

/**
 * PyTorch FSDP distributed training as a Kubeflow Trainer v2 TrainJob on a training runtime of
 * its own, with two of strata's patterns:
 * - **Distributed Dataset** on the TrainJob: the dataset on FSx for Lustre linked to S3 — a file
 *   system from the environment's `strata-fsx-lustre` class (linked with an import path), or, with
 *   `dataset.existingFileSystem.enabled`, an existing PERSISTENT_2 file system and its data
 *   repository association — mounted read-only into the trainer, the nodes pinned to its zone.
 *   It only mounts storage and schedules, which a TrainJob carries (its runtime patch).
 * - **Training Checkpoint** on the runtime, for the TrainJob's run: checkpoints on instance-store
 *   NVMe, a restore step before training and a native sync sidecar to S3. Its helper containers
 *   cannot ride on a TrainJob (a runtime patch only changes containers the runtime already has, and
 *   has no image: kubeflow/trainer@v2.3.0 pkg/apis/trainer/v1alpha1/trainjob_types.go
 *   `ContainerPatch`; the webhook refuses unknown container names,
 *   pkg/runtime/framework/plugins/jobset/jobset.go), so they live on the runtime's nodes; what
 *   belongs to the run — the checkpoint location and the number of ranks — is set by the TrainJob
 *   (spec.trainer.env for the trainer, a ContainerPatch's env for the helpers), so the runtime is
 *   the same for every run and a new run or bucket is a new TrainJob.
 * GPUs, EFA interfaces and /dev/shm per node come through Devices on the TrainJob's trainer.
 *
 * The runtime is a ClusterTrainingRuntime named after the release and its namespace, so that Helm
 * creates and updates it before the TrainJob (kinds it does not know go in alphabetical order,
 * helm/helm@v4.2.4 pkg/release/v1/util/kind_sorter.go): Trainer refuses a TrainJob whose runtime
 * does not exist yet, and copies the runtime when a TrainJob starts (pkg/runtime/core/trainingruntime.go),
 * so a new run must find the runtime already updated. A namespaced TrainingRuntime would come after
 * the TrainJob, and strata refuses it in the TrainJob's chart.
 *
 * Based on Trainer's `torch-distributed` ClusterTrainingRuntime (kubeflow/trainer@v2.3.0
 * manifests/base/runtimes/torch_distributed.yaml: mlPolicy torch, one replicated Job "node", its
 * container "node", image pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime) and its TrainJob
 * examples (kubeflow/trainer@8c0f505 examples/yaml/01-multi-node.yaml — torchrun reading PET_* —
 * and 02-runtime-patches.yaml — service account, scheduling and resources through
 * spec.trainer and runtimePatches); on ai-on-eks's GPU training blueprint (awslabs/ai-on-eks@41a979e
 * infra/bionemo/examples/esm2nv/esm2nv-training-job.yaml: torch.distributed.run over a
 * static FSx for Lustre claim, nvidia.com/gpu toleration); and on the multi-node FSDP test case
 * of aws-samples/awsome-distributed-training@7217859 (3.test_cases/pytorch/FSDP/kubernetes/llama3_1_8b-fsdp.yaml:
 * GPUs and EFA per node, /dev/shm, node-local NVMe, NCCL settings).
 */
export default class FsdpTrainingChart extends WorkloadChart {
  public readonly runtime: ClusterTrainingRuntime;
  public readonly job: TrainJob;
  public readonly dataset: DistributedDataset;
  public readonly checkpoints: TrainingCheckpoint;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'fsdp-training',
      description: 'PyTorch FSDP training as a Kubeflow Trainer TrainJob: dataset on FSx for Lustre linked to S3, checkpoints on instance-store NVMe synced to S3, GPUs and EFA per node.',
      appVersion: '2.3.0',
      keywords: ['pytorch', 'fsdp', 'kubeflow-trainer', 'trainjob', 'fsx-lustre', 'instance-store', 'checkpoints', 'efa'],
    }, props);
    const v = this.values;

    const image = `${v.string('image.repository', { default: 'docker.io/pytorch/pytorch', description: 'Trainer image repository (PyTorch >= 2.6 for the default program\'s fully_shard). EFA needs an image with libfabric and the aws-ofi-nccl plugin, such as the AWS Deep Learning Containers; without them NCCL talks TCP.', pattern: REPOSITORY })}:${v.string('image.tag', { default: '2.13.0-cuda13.0-cudnn9-runtime', description: 'Trainer image tag (Trainer v2.3.0\'s torch-distributed runtime image).', pattern: TAG })}`;
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the cluster, the file system and the buckets.', pattern: REGION });

    const numNodes = v.integer('trainer.numNodes', { default: 2, minimum: 1, maximum: 64, description: 'Training nodes: one pod per node (the TrainJob\'s numNodes and the runtime\'s; checkpoints are kept per node).' });
    const gpus = v.integer('trainer.gpusPerNode', { default: 8, minimum: 1, maximum: 8, description: 'NVIDIA GPUs per node; torchrun starts one process per GPU (numProcPerNode).' });
    const efa = v.integer('trainer.efaPerNode', { default: 0, minimum: 0, maximum: 32, description: 'EFA interfaces per node (vpc.amazonaws.com/efa; 0 for none): 1 on g5/g6/g6e.48xlarge, 4 on p4d.24xlarge, 32 on p5.48xlarge. Needs an image with libfabric and aws-ofi-nccl.' });
    const cpu = v.integer('trainer.cpu', { default: 32, minimum: 1, maximum: 192, description: 'CPU cores requested per node.' });
    const memory = v.size('trainer.memory', { default: Size.gibibytes(256), minimumGiB: 1, maximumGiB: 2048, description: 'Memory request and limit per node (with /dev/shm, which counts against it)' });
    const shm = v.size('trainer.sharedMemory', { default: Size.gibibytes(64), minimumGiB: 1, maximumGiB: 1024, description: 'Shared memory (/dev/shm) per node, for NCCL and data loader workers' });
    const command = v.list<string>('trainer.command', {
      default: ['torchrun', '--no-python', 'python3', '-c', FSDP_TRAIN_SCRIPT],
      items: { type: 'string' },
      minItems: 1,
      description: 'The trainer\'s command. torchrun reads the nodes, processes per node, node rank and master from the PET_* variables Trainer sets. The default runs a self-contained FSDP example (a byte-level language model over the dataset\'s files) that keeps the checkpoint contract; replace it with your image\'s program, e.g. ["torchrun", "/app/train.py"].',
    });
    const args = v.list<string>('trainer.args', {
      default: ['--steps=2000', '--checkpoint-every=200'],
      items: { type: 'string' },
      description: 'Arguments of the command; DATASET_DIR, CHECKPOINT_DIR, CHECKPOINT_RUN_FINISHED and $(…) references to them are set in the pod.',
    });

    // One service account for the nodes: the checkpoint policy goes to its role.
    const account = WorkloadIdentity.serviceAccount(this, 'training', { annotations: serviceAccountAnnotations(v, 'training') });
    const pod = { serviceAccount: account, securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER } };

    // The runtime: torch, the nodes' pods with the trainer container Trainer fills from the TrainJob.
    this.runtime = new ClusterTrainingRuntime(this, 'runtime', { mlPolicy: { numNodes, torch: {} }, maxRestarts: MAX_RESTARTS, nodes: pod });
    this.runtime.nodes.addContainer({
      name: TRAINER_NODE,
      image,
      // A TrainJob cannot set the pull policy: the runtime's applies (cdk8s-plus would write Always).
      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: restrictedSecurityContext(),
      // The TrainJob's resourcesPerNode is merged over these (kubeflow/trainer@v2.3.0 pkg/runtime/core/trainingruntime.go, MergeResourceRequirements).
      resources: { cpu: { request: plus.Cpu.units(1) }, memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) } },
    });

    // The run: image, command, resources and devices per node, storage and scheduling in its runtime patch.
    this.job = new TrainJob(this, 'train', { runtime: this.runtime, numNodes, numProcPerNode: gpus, nodes: pod });
    const node = this.job.nodes.addContainer({
      name: TRAINER_NODE,
      image,
      command,
      args,
      envVariables: {
        HOME: plus.EnvValue.fromValue('/tmp'),
        NCCL_DEBUG: plus.EnvValue.fromValue('WARN'),
        PYTORCH_CUDA_ALLOC_CONF: plus.EnvValue.fromValue('expandable_segments:True'),
      },
      securityContext: restrictedSecurityContext(),
      resources: { cpu: { request: plus.Cpu.units(cpu) }, memory: { request: memory, limit: memory } },
    });
    node.mount('/tmp', plus.Volume.fromEmptyDir(this.job.nodes, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(10) }));
    node.mount('/dev/shm', plus.Volume.fromEmptyDir(this.job.nodes, 'shm', 'shm', { medium: plus.EmptyDirMedium.MEMORY, sizeLimit: shm }));

    // The dataset: S3 → FSx for Lustre → the nodes (read-only, in the file system's zone).
    const zone = `${region}${v.enum('dataset.zone', { values: ['a', 'b', 'c', 'd', 'e', 'f'], default: 'a', description: 'Zone letter of the file system\'s subnet in aws.region (a for us-east-1a); the nodes run there (EFA traffic stays in one zone too).' })}`;
    const dataBucket = v.string('dataset.bucket', { default: 'ml-datasets', description: 'S3 bucket of the training data.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const dataPrefix = v.string('dataset.prefix', { default: 'corpus/', description: 'Key prefix of the training data in the bucket.', pattern: KEY_PREFIX });
    const path = v.string('dataset.path', { default: '', description: 'Directory of the data inside the file system (relative, ending in "/"; "" when the class imports the prefix at the root).', pattern: KEY_PREFIX });
    const useFileSystem = v.boolean('dataset.existingFileSystem.enabled', { default: false, description: 'Bind an existing file system (PERSISTENT_2 with a data repository association) instead of creating one from the class; set storageClassName to "".' });
    const fileSystemId = v.string('dataset.existingFileSystem.fileSystemId', { default: NO_FILE_SYSTEM, description: 'FileSystemId of the existing file system.', pattern: FILE_SYSTEM_ID });
    const importPath = `s3://${dataBucket}/${dataPrefix}`;
    const size = v.size('dataset.size', { default: Size.gibibytes(1200), minimumGiB: 1200, maximumGiB: 1_000_000, description: 'Capacity of the file system' });
    this.dataset = new DistributedDataset(this, 'dataset', {
      job: this.job,
      availabilityZone: zone,
      path,
      version: v.string('dataset.version', { default: 'v1', description: 'Version directory of the dataset to mount (read-only).', pattern: PATH_SEGMENT }),
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({
        useFileSystem,
        // SCRATCH_2 or a PERSISTENT SSD type: sizes are 1200, 2400, then multiples of 2400 GiB either way.
        storageClass: { deploymentType: FsxDeploymentType.SCRATCH_2, name: v.string('dataset.storageClassName', { default: FSX_CLASS, description: 'FSx for Lustre StorageClass of a new file system (linked to the dataset prefix by its import path); "" with an existing one.', maxLength: 253 }) },
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

    // GPUs and EFA interfaces per node (resourcesPerNode), their tolerations in the runtime patch.
    // /dev/shm is mounted above for NCCL whether or not EFA is used.
    Devices.of(this.job.nodes, node).gpus(gpus).efa(efa, { allowZero: true, zone });

    // Checkpoints: local NVMe → S3 on the runtime's nodes (restore step, sync sidecar), restored before
    // training; the run's location and ranks on the TrainJob (its trainer's env, its patch of the helpers).
    // The TrainJob's spec carries them: another run or bucket is another TrainJob on the same runtime.
    const checkpointBucket = v.string('checkpoints.bucket', { default: 'ml-checkpoints', description: 'S3 bucket of the checkpoints.', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const checkpointPrefix = v.string('checkpoints.prefix', { default: 'fsdp-training/', description: 'Key prefix of the checkpoints; a run\'s are under <prefix><run>/.', pattern: KEY_PREFIX });
    const run = v.string('checkpoints.run', { default: 'run-1', description: 'The training run: a restarted run resumes from its latest complete checkpoint; a new run name starts a new TrainJob.', pattern: PATH_SEGMENT });
    this.checkpoints = new TrainingCheckpoint(this, 'checkpoints', {
      job: this.runtime,
      trainJob: this.job,
      destination: { bucket: checkpointBucket, prefix: checkpointPrefix },
      run,
      size: v.size('checkpoints.size', { default: Size.gibibytes(500), minimumGiB: 10, maximumGiB: 60_000, description: 'Local NVMe scratch for checkpoints per node' }),
      // The nodes' grace period is derived from it: the checkpoint written at 1000 MiB/s, then
      // uploaded at 250 MiB/s, + 15 s — 97 s for the default 16 GiB.
      checkpointSize: v.size('checkpoints.checkpointSize', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 10_000, description: 'Size of the newest checkpoint one node writes (its shards of weights and optimizer state): the final flush writes and uploads it, and the nodes\' grace period is derived from it (keep it under 120 s on Spot)' }),
      syncInterval: Duration.seconds(v.integer('checkpoints.syncIntervalSeconds', { default: 300, minimum: 10, maximum: 86400, description: 'How often finished checkpoints are uploaded to S3.' })),
      region,
    });
  }
}
