// Recipe: the Distributed Dataset pattern — a dataset in S3, read through FSx for Lustre linked to
// it (files load from S3 on first read); the training pods mount it read-only and run in its zone.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { DatasetFileSystems, DistributedDataset, KEY_PREFIX, ParallelJob, PATH_SEGMENT } from '@strata/patterns';
import { FsxDeploymentType } from '@strata/storage';

export default class FinetuneChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'finetune', description: 'Training on a dataset read from FSx for Lustre linked to S3.' }, props);

    const job = new ParallelJob(this, 'train', {
      completions: 2,
      worker: {
        image: 'docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime',
        command: ['torchrun', '/app/train.py', '--data=$(DATASET_DIR)'],
        gpus: 8,
        cpu: plus.Cpu.units(32),
        memory: Size.gibibytes(256),
      },
    });

    new DistributedDataset(this, 'dataset', {
      job, // mounted read-only into every pod set of the job (DATASET_DIR), pods pinned to the zone
      // A new file system from the environment's class (the storage-fsx-lustre tier chart), linking this prefix.
      fileSystem: DatasetFileSystems.fromStorageClass({
        storageClass: { name: 'strata-fsx-lustre', deploymentType: FsxDeploymentType.SCRATCH_2 },
        storage: Size.gibibytes(1200),
        importPath: 's3://ml-datasets/instructions/', // the class must link a path containing it (generate checks)
      }),
      availabilityZone: 'us-east-1a', // the zone of the class's subnet: generate checks they agree
      // The directory mounted is <path><version>/ of the file system; generate warns when that is outside importPath.
      path: this.values.string('dataset.path', { default: '', description: 'Where importPath lies in the file system: "" when the class links importPath itself, "instructions/" when it links the bucket.', pattern: KEY_PREFIX }),
      version: this.values.string('dataset.version', { default: 'v1', description: 'Version directory to mount.', pattern: PATH_SEGMENT }),
    });
  }
}
