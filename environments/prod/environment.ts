// The prod environment: Pod Identity, an existing PERSISTENT_2 file system (with its S3 data
// repository association and backups) for training data, everything kept, more replicas.
import { defineEnvironment, workload } from '@strata/gitops';
import type { Values as BatchEmbeddingsValues } from '../../charts/batch-embeddings/values';
import type { Values as LlmFinetuneValues } from '../../charts/llm-finetune/values';
import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values';

const account = '777788889999';
const role = (name: string) => `arn:aws:iam::${account}:role/strata-prod-${name}`;

export default defineEnvironment({
  name: 'prod',
  cluster: { name: 'strata-prod', region: 'us-west-2', kubernetesVersion: '1.33' },
  registry: `oci://${account}.dkr.ecr.us-west-2.amazonaws.com/strata`,
  network: {
    subnetId: 'subnet-0c1d2e3f4a5b60718',
    availabilityZone: 'us-west-2a',
    securityGroupIds: ['sg-0c1d2e3f4a5b60718'],
  },
  identity: {
    mode: 'pod-identity',
    drivers: { 'fsx-lustre': role('fsx-csi'), efs: role('efs-csi'), s3: role('s3-csi') },
    workloads: {
      'llm-inference': { hydration: role('llm-inference-hydration'), inference: role('llm-inference') },
      'llm-finetune': { training: role('llm-finetune') },
      'batch-embeddings': { reader: role('batch-embeddings') },
    },
  },
  storage: {
    efs: { fileSystemId: 'fs-0c1d2e3f4a5b60718', reclaimPolicy: 'Retain' },
    'instance-store': {
      nodeClass: { nodeRole: 'KarpenterNodeRole-strata-prod' },
      // Training nodes with GPUs and large local NVMe only.
      nodePools: { gpu: { enabled: true, localNvmeGreaterThanGiB: 1000 } },
    },
  },
  workloads: {
    'llm-inference': workload<LlmInferenceValues>({
      namespace: 'inference',
      values: {
        aws: { region: 'us-west-2' },
        model: { bucket: 'strata-prod-models', version: 'v2' },
        server: { replicas: 4, gpus: 2 },
        monitoring: { enabled: true },
      },
    }),
    'llm-finetune': workload<LlmFinetuneValues>({
      namespace: 'training',
      values: {
        aws: { region: 'us-west-2' },
        trainer: { workers: 4 },
        dataset: {
          bucket: 'strata-prod-datasets',
          size: 4800,
          zone: 'a', // the zone of network.subnetId
          // PERSISTENT_2 imports from S3 through a data repository association only (facts §7 case 8):
          // the file system, its association and its backups are made outside the cluster.
          storageClassName: '',
          existingFileSystem: {
            enabled: true,
            fileSystemId: 'fs-0c1d2e3f4a5b60718',
            mountName: 'abcdefgh',
            associationId: 'dra-0c1d2e3f4a5b60718',
          },
        },
        checkpoints: { bucket: 'strata-prod-checkpoints', size: 1000 },
      },
    }),
    'batch-embeddings': workload<BatchEmbeddingsValues>({
      namespace: 'embeddings',
      values: {
        aws: { region: 'us-west-2' },
        model: { bucket: 'strata-prod-models' },
        corpus: { bucket: 'strata-prod-datasets' },
        output: { bucket: 'strata-prod-embeddings' },
        mountpoint: { cacheSize: 200 },
        workers: { shards: 64, parallelism: 16 },
      },
    }),
  },
});
