// Recipe: a PyTorchJob (Kubeflow training-operator v1) — a master and workers, each container named
// "pytorch" (where the operator sets MASTER_ADDR, WORLD_SIZE and RANK), checkpointing to NVMe.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { PyTorchJob } from '@strata/kinds';
import { containerProps, DEFAULT_USER, serviceAccountAnnotations, TrainingCheckpoint, WorkloadIdentity } from '@strata/patterns';
import { Devices } from '@strata/storage';

export default class DdpChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'ddp', description: 'A PyTorchJob with checkpoints on NVMe synced to S3.' }, props);
    const v = this.values;
    const pod = {
      serviceAccount: WorkloadIdentity.serviceAccount(this, 'training', { annotations: serviceAccountAnnotations(v, 'training') }),
      securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER },
    };
    const job = new PyTorchJob(this, 'train', { workers: 3, procsPerNode: 8, master: pod, worker: pod });
    const spec = { image: 'docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', command: ['python', '/app/train.py'], cpu: plus.Cpu.units(32), memory: Size.gibibytes(256) };
    for (const template of [job.master, job.worker]) {
      Devices.of(template, template.addContainer(containerProps('pytorch', spec))).gpus(8);
    }
    // Every ranked pod set (master: rank 0, workers: 1…3) restores, syncs and flushes its own checkpoints.
    new TrainingCheckpoint(this, 'checkpoints', {
      job,
      destination: { bucket: 'ml-checkpoints', prefix: 'ddp/' },
      run: 'run-1',
      size: Size.gibibytes(200),
      checkpointSize: Size.gibibytes(8),
    });
  }
}
