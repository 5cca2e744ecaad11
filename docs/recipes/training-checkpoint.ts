// Recipe: the Training Checkpoint pattern — each rank writes checkpoints to instance-store NVMe; a
// native sidecar uploads finished ones to S3 and flushes the last one on SIGTERM; a restore step
// copies the newest checkpoint every rank completed back before training resumes.
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { ParallelJob, PATH_SEGMENT, serviceAccountAnnotations, TrainingCheckpoint } from '@strata/patterns';

export default class PretrainChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'pretrain', description: 'Indexed training Job checkpointing to NVMe, synced to S3.' }, props);
    const v = this.values;

    // An indexed Job, one pod per node; worker 0 is MASTER_ADDR, each pod knows JOB_COMPLETION_INDEX.
    const job = new ParallelJob(this, 'train', {
      completions: 4,
      // The workers' service account (key `training`): the checkpoint policy goes to its role.
      serviceAccount: { annotations: serviceAccountAnnotations(v, 'training') },
      worker: {
        image: 'docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime',
        command: ['torchrun'],
        args: ['--nnodes=$(WORLD_SIZE)', '--node-rank=$(JOB_COMPLETION_INDEX)', '--master-addr=$(MASTER_ADDR)', '/app/train.py', '--checkpoints=$(CHECKPOINT_DIR)'],
        gpus: 8,
        cpu: plus.Cpu.units(32),
        memory: Size.gibibytes(256),
        sharedMemory: Size.gibibytes(64),
      },
    });

    new TrainingCheckpoint(this, 'checkpoints', {
      job,
      destination: { bucket: 'ml-checkpoints', prefix: 'pretrain/' },
      // A restarted run resumes from s3://ml-checkpoints/pretrain/<run>/; a new run name starts afresh.
      run: v.string('checkpoints.run', { default: 'run-1', description: 'The training run.', pattern: PATH_SEGMENT }),
      size: Size.gibibytes(500), // NVMe scratch per pod
      checkpointSize: Size.gibibytes(16), // one pod's newest checkpoint: the pods' grace period is derived from it
      syncInterval: Duration.minutes(5),
      region: 'us-east-1',
    });
  }
}
