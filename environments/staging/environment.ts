// The staging environment: production's shape at a smaller size, to rehearse upgrades.
import { defineEnvironment, workload } from '@strata/gitops';
import type { Values as BatchEmbeddingsValues } from '../../charts/batch-embeddings/values';
import type { Values as FsdpTrainingValues } from '../../charts/fsdp-training/values';
import type { Values as LlmFinetuneValues } from '../../charts/llm-finetune/values';
import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values';
import type { Values as SparkEtlValues } from '../../charts/spark-etl/values';

const account = '444455556666';
const role = (name: string) => `arn:aws:iam::${account}:role/strata-staging-${name}`;

export default defineEnvironment({
  name: 'staging',
  cluster: { name: 'strata-staging', region: 'us-east-1', kubernetesVersion: '1.33' },
  registry: `oci://${account}.dkr.ecr.us-east-1.amazonaws.com/strata`,
  network: {
    subnetId: 'subnet-0b1c2d3e4f5a60718',
    availabilityZone: 'us-east-1b',
    securityGroupIds: ['sg-0b1c2d3e4f5a60718'],
  },
  identity: {
    mode: 'irsa',
    drivers: { 'fsx-lustre': role('fsx-csi'), efs: role('efs-csi'), s3: role('s3-csi') },
    workloads: {
      'llm-inference': { hydration: role('llm-inference-hydration'), inference: role('llm-inference') },
      'llm-finetune': { training: role('llm-finetune') },
      'batch-embeddings': { reader: role('batch-embeddings') },
      'fsdp-training': { training: role('fsdp-training') },
      'spark-etl': { spark: role('spark-etl') },
    },
  },
  storage: {
    // No FSx class: the datasets are on the data team's PERSISTENT_2 file system, linked to S3 by
    // data repository associations (a class-made PERSISTENT_2 file system cannot import from S3).
    // The class keeps the name the workload charts claim by default (and the running claims name).
    efs: { storageClassName: 'strata-efs', fileSystemId: 'fs-0b1c2d3e4f5a60718', reclaimPolicy: 'Retain' },
    'instance-store': {
      // The names the cluster has (workloads and nodeSelectors refer to them; a renamed NodePool is
      // deleted, and Karpenter drains its nodes): kept through the name values.
      nodeClass: { name: 'strata-nvme', nodeRole: 'KarpenterNodeRole-strata-staging' },
      // The GPU workloads (llm-finetune's trainer, llm-inference's server) need GPU nodes, and the
      // CPU pool launches none: without this pool their pods stay Pending.
      nodePools: { cpu: { name: 'strata-nvme' }, gpu: { enabled: true, name: 'strata-nvme-gpu' } },
    },
  },
  workloads: {
    'llm-inference': workload<LlmInferenceValues>({
      namespace: 'inference',
      values: {
        aws: { region: 'us-east-1' },
        model: { bucket: 'strata-staging-models', version: 'v2' },
        server: { replicas: 2 },
      },
    }),
    'llm-finetune': workload<LlmFinetuneValues>({
      namespace: 'training',
      values: {
        aws: { region: 'us-east-1' },
        trainer: { workers: 2 },
        // This environment's FSx class makes PERSISTENT_2 file systems, which an import path cannot
        // link to S3: the instructions are on the data team's staging file system, linked to their
        // prefix by a data repository association of their own.
        dataset: {
          bucket: 'strata-staging-datasets',
          size: 2400,
          zone: 'b',
          storageClassName: '',
          existingFileSystem: { enabled: true, fileSystemId: 'fs-0c2d3e4f5a6b70819', mountName: 'x7qk2bmv', associationId: 'dra-0c2d3e4f5a6b7081a' },
        },
        checkpoints: { bucket: 'strata-staging-checkpoints' },
      },
      // The claim of the class-made file system (PERSISTENT_2, never linked to S3: it held no
      // dataset) is replaced by one bound to the data team's file system.
      acceptedChanges: [{ kind: 'PersistentVolumeClaim', name: 'dataset-fsx-claim', change: 'spec.storageClassName', reason: 'the class-made file system could not link the dataset (PERSISTENT_2 has no import path); the data team\'s file system holds it' }],
    }),
    'batch-embeddings': workload<BatchEmbeddingsValues>({
      namespace: 'embeddings',
      values: {
        aws: { region: 'us-east-1' },
        model: { bucket: 'strata-staging-models' },
        corpus: { bucket: 'strata-staging-datasets' },
        output: { bucket: 'strata-staging-embeddings' },
        workers: { shards: 8, parallelism: 4 },
      },
    }),
    // A Kubeflow Trainer TrainJob: the environment installs Trainer and JobSet (infrastructure) before it.
    // This environment's FSx class makes PERSISTENT_2 file systems, which an import path cannot
    // link to S3: the dataset is on the staging file system the data team keeps, linked to the
    // corpus prefix by a data repository association.
    'fsdp-training': workload<FsdpTrainingValues>({
      namespace: 'training',
      values: {
        aws: { region: 'us-east-1' },
        trainer: { numNodes: 2, gpusPerNode: 8, efaPerNode: 0 },
        dataset: {
          bucket: 'strata-staging-datasets',
          prefix: 'corpus/web-2025-01/',
          path: 'corpus/',
          zone: 'b',
          size: 2400,
          storageClassName: '',
          existingFileSystem: { enabled: true, fileSystemId: 'fs-0c2d3e4f5a6b70819', mountName: 'x7qk2bmv', associationId: 'dra-0c2d3e4f5a6b70819' },
        },
        checkpoints: { bucket: 'strata-staging-checkpoints' },
      },
    }),
    // A SparkApplication: the environment installs the Spark operator (infrastructure) before it,
    // watching this namespace.
    'spark-etl': workload<SparkEtlValues>({
      namespace: 'etl',
      values: {
        aws: { region: 'us-east-1' },
        app: { bucket: 'strata-staging-datasets' },
        input: { bucket: 'strata-staging-datasets' },
        output: { bucket: 'strata-staging-datasets', run: 'run-1' },
        executor: { instances: 4, cores: 4, memory: 15, localDirSize: 200 },
      },
    }),
  },
});
