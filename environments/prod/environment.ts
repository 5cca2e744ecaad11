// The prod environment: Pod Identity, an existing PERSISTENT_2 file system (with its S3 data
// repository association and backups) for training data, everything kept, more replicas.
import { defineEnvironment, workload } from '@strata/gitops';
import type { Values as BatchEmbeddingsValues } from '../../charts/batch-embeddings/values';
import type { Values as KserveLlmValues } from '../../charts/kserve-llm/values';
import type { Values as LlmFinetuneValues } from '../../charts/llm-finetune/values';
import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values';
import type { Values as NimLlmValues } from '../../charts/nim-llm/values';

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
      'kserve-llm': { hydration: role('kserve-llm-hydration'), inference: role('kserve-llm') },
      // nim-llm has no AWS identity: its pods run as the NIM operator's service accounts and reach NGC with the Secrets below.
    },
  },
  storage: {
    // The class keeps the name the workload charts claim by default (and the running claims name).
    efs: { storageClassName: 'strata-efs', fileSystemId: 'fs-0c1d2e3f4a5b60718', reclaimPolicy: 'Retain' },
    'instance-store': {
      // The names the cluster has (workloads and nodeSelectors refer to them; a renamed NodePool is
      // deleted, and Karpenter drains its nodes): kept through the name values.
      nodeClass: { name: 'strata-nvme', nodeRole: 'KarpenterNodeRole-strata-prod' },
      // Training nodes with GPUs and large local NVMe only.
      nodePools: { cpu: { name: 'strata-nvme' }, gpu: { enabled: true, name: 'strata-nvme-gpu', localNvmeGreaterThanGiB: 1000 } },
    },
  },
  // Storage monitoring (docs/monitoring.md): the model caches on EFS hold one model version each;
  // more than 200 GiB in one means old versions pile up.
  monitoring: { thresholds: { efsClaimUsedGiB: 200 } },
  external: {
    // The NGC credentials of nim-llm, made outside strata (awslabs/ai-on-eks blueprints/inference/gpu/nvidia-nim-operator-llama3-8b/deploy-nim-auth.sh):
    // the API key the NIMCache Job and the NIM read, and the nvcr.io pull secret (user $oauthtoken, password the key).
    secrets: [
      { namespace: 'nim', name: 'ngc-api-secret', keys: ['NGC_API_KEY'] },
      { namespace: 'nim', name: 'ngc-secret', keys: ['.dockerconfigjson'] },
    ],
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
      // Each replica loads the model from the EFS cache at start: one client per node.
      storageProfile: { 'model-cache': { dataGiB: 30, readers: 4, readMBpsPerReader: 400, sharing: 'zones' } },
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
          // PERSISTENT_2 imports from S3 through a data repository association only
          // (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html):
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
      // 16 pods reading the corpus (about 1 MiB per object) through Mountpoint: S3's request rate per prefix is the limit to watch.
      storageProfile: { corpus: { dataGiB: 2000, fileCount: 2048000, readers: 16, readMBpsPerReader: 50, lifetime: 'durable', latency: 'tolerant' } },
    }),
    'kserve-llm': workload<KserveLlmValues>({
      namespace: 'llm-serving',
      values: {
        aws: { region: 'us-west-2' },
        model: { bucket: 'strata-prod-models', version: 'v2' },
        server: { replicas: 2 },
      },
    }),
    'nim-llm': workload<NimLlmValues>({
      // Pod Security baseline at most: the NIM operator's pods cannot meet restricted (packages/kinds/src/nim.ts).
      namespace: 'nim',
      values: {
        // The download needs no GPU: the NVMe CPU pool (GPU nodes are tainted).
        cache: { nodeSelector: { 'karpenter.sh/nodepool': 'strata-nvme' } },
        server: { replicas: 2 },
      },
    }),
  },
});
