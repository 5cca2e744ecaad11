// The dev environment: small and cheap, data may be thrown away.
import { defineEnvironment, workload } from '@strata/gitops';
import type { Values as BatchEmbeddingsValues } from '../../charts/batch-embeddings/values';
import type { Values as DatasetPrepValues } from '../../charts/dataset-prep/values';
import type { Values as LlmFinetuneValues } from '../../charts/llm-finetune/values';
import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values';

const account = '111122223333';
const role = (name: string) => `arn:aws:iam::${account}:role/strata-dev-${name}`;

export default defineEnvironment({
  name: 'dev',
  cluster: { name: 'strata-dev', region: 'us-east-1', kubernetesVersion: '1.33' },
  registry: `oci://${account}.dkr.ecr.us-east-1.amazonaws.com/strata`,
  network: {
    subnetId: 'subnet-0a1b2c3d4e5f60718',
    availabilityZone: 'us-east-1a',
    securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
  },
  identity: {
    mode: 'irsa',
    drivers: { 'fsx-lustre': role('fsx-csi'), efs: role('efs-csi'), s3: role('s3-csi') },
    workloads: {
      'llm-inference': { hydration: role('llm-inference-hydration'), inference: role('llm-inference') },
      'llm-finetune': { training: role('llm-finetune') },
      'batch-embeddings': { reader: role('batch-embeddings') },
      'dataset-prep': { prep: role('dataset-prep') },
    },
    karpenter: role('karpenter'),
  },
  storage: {
    // Scratch file systems: no replication, no backups, the lowest price; throughput 0 = not sent
    // (scratch throughput is fixed). Dev data may go with its claim: Delete, by explicit choice.
    // Linked to the dataset bucket, so llm-finetune's file system starts with the data (lazy load).
    'fsx-lustre': { deploymentType: 'SCRATCH_2', perUnitStorageThroughput: 0, reclaimPolicy: 'Delete', s3ImportPath: 's3://strata-dev-datasets', autoImportPolicy: 'NEW_CHANGED_DELETED' },
    // Dev data may go with its claim: Delete, by explicit choice.
    efs: { fileSystemId: 'fs-0a1b2c3d4e5f60718', reclaimPolicy: 'Delete' },
    'instance-store': {
      nodeClass: { nodeRole: 'KarpenterNodeRole-strata-dev' },
      // The GPU workloads (llm-finetune's trainer, llm-inference's server) need GPU nodes, and the
      // CPU pool launches none: without this pool their pods stay Pending.
      nodePools: { gpu: { enabled: true } },
    },
  },
  // The dev cluster is ours alone: Flux installs Karpenter there.
  karpenter: { install: true },
  workloads: {
    'llm-inference': workload<LlmInferenceValues>({
      namespace: 'ml-dev',
      values: {
        aws: { region: 'us-east-1' },
        model: { bucket: 'strata-dev-models', version: 'v1' },
        server: { replicas: 1, gpus: 1 },
      },
      allowPrune: true,
    }),
    'llm-finetune': workload<LlmFinetuneValues>({
      namespace: 'ml-dev',
      values: {
        aws: { region: 'us-east-1' },
        trainer: { workers: 1, gpus: 1, cpu: 8, memory: 64, sharedMemory: 16 },
        dataset: { bucket: 'strata-dev-datasets', size: 1200, zone: 'a' },
        checkpoints: { bucket: 'strata-dev-checkpoints', size: 200 },
      },
      allowPrune: true,
    }),
    'batch-embeddings': workload<BatchEmbeddingsValues>({
      namespace: 'ml-dev',
      values: {
        aws: { region: 'us-east-1' },
        model: { bucket: 'strata-dev-models' },
        corpus: { bucket: 'strata-dev-datasets', prefix: 'corpus/sample/' },
        output: { bucket: 'strata-dev-embeddings' },
        workers: { shards: 4, parallelism: 2 },
      },
      allowPrune: true,
    }),
    // A JobSet: the environment installs the JobSet controller (infrastructure) before it.
    'dataset-prep': workload<DatasetPrepValues>({
      namespace: 'ml-dev',
      values: {
        aws: { region: 'us-east-1' },
        raw: { bucket: 'strata-dev-datasets', prefix: 'raw/sample/' },
        output: { bucket: 'strata-dev-datasets', prefix: 'prepared/sample/', run: 'run-1' },
        shards: { count: 4, scratch: 50, cpu: 2, memory: 8 },
      },
      allowPrune: true,
    }),
  },
});
