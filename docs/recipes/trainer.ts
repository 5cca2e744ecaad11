// Recipe: Kubeflow Trainer v2 — a TrainJob on a ClusterTrainingRuntime of the same chart (Helm
// installs it first), with checkpoints on NVMe (Training Checkpoint on the runtime, the run's
// location on the TrainJob) and a dataset on FSx for Lustre (Distributed Dataset on the TrainJob).
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { ClusterTrainingRuntime, TRAINER_NODE, TrainJob } from '@strata/kinds';
import { DatasetFileSystems, DEFAULT_USER, DistributedDataset, KEY_PREFIX, restrictedSecurityContext, serviceAccountAnnotations, TrainingCheckpoint, WorkloadIdentity } from '@strata/patterns';
import { Devices, FsxDeploymentType } from '@strata/storage';

export default class FsdpChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'fsdp', description: 'A Kubeflow TrainJob: dataset on FSx for Lustre, checkpoints on NVMe synced to S3.' }, props);
    const v = this.values;
    const image = 'docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime';
    const pod = {
      serviceAccount: WorkloadIdentity.serviceAccount(this, 'training', { annotations: serviceAccountAnnotations(v, 'training') }),
      securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER },
    };

    // The runtime: torch, 2 nodes, the container "node" that Trainer fills from each TrainJob.
    const runtime = new ClusterTrainingRuntime(this, 'runtime', { mlPolicy: { numNodes: 2, torch: {} }, nodes: pod });
    runtime.nodes.addContainer({
      name: TRAINER_NODE,
      image,
      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: restrictedSecurityContext(),
      resources: { cpu: { request: plus.Cpu.units(1) }, memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) } },
    });

    // The run: its command and resources become spec.trainer; mounts and scheduling its runtime patch.
    const job = new TrainJob(this, 'train', { runtime, numNodes: 2, numProcPerNode: 8, nodes: pod });
    const node = job.nodes.addContainer({
      name: TRAINER_NODE,
      image,
      command: ['torchrun', '/app/train.py', '--data=$(DATASET_DIR)', '--checkpoints=$(CHECKPOINT_DIR)'],
      envVariables: { HOME: plus.EnvValue.fromValue('/tmp') },
      securityContext: restrictedSecurityContext(),
      resources: { cpu: { request: plus.Cpu.units(32) }, memory: { request: Size.gibibytes(256), limit: Size.gibibytes(256) } },
    });
    node.mount('/tmp', plus.Volume.fromEmptyDir(job.nodes, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(10) }));
    Devices.of(job.nodes, node).gpus(8);

    new DistributedDataset(this, 'dataset', {
      job,
      fileSystem: DatasetFileSystems.fromStorageClass({
        storageClass: { name: 'strata-fsx-lustre', deploymentType: FsxDeploymentType.SCRATCH_2 },
        storage: Size.gibibytes(1200),
        importPath: 's3://ml-datasets/corpus/',
      }),
      availabilityZone: 'us-east-1a',
      path: v.string('dataset.path', { default: '', description: 'Where importPath lies in the file system: "" when the class links importPath itself, "corpus/" when it links the bucket.', pattern: KEY_PREFIX }),
    });
    new TrainingCheckpoint(this, 'checkpoints', {
      job: runtime, // the restore step and the sync sidecar live on the runtime's nodes…
      trainJob: job, // …the checkpoint location and the run's ranks on the TrainJob: a new run is a new TrainJob
      destination: { bucket: 'ml-checkpoints', prefix: 'fsdp/' },
      run: 'run-1',
      size: Size.gibibytes(500),
      checkpointSize: Size.gibibytes(16),
      region: 'us-east-1',
    });
  }
}
