// The dev environment: small and cheap, data may be thrown away.
import { defineEnvironment, workload } from '@strata/gitops';
import type { Values as BatchEmbeddingsValues } from '../../charts/batch-embeddings/values';
import type { Values as CuratedDatasetsValues } from '../../charts/curated-datasets/values';
import type { Values as DatasetPrepValues } from '../../charts/dataset-prep/values';
import type { Values as LlmFinetuneValues } from '../../charts/llm-finetune/values';
import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values';
import type { Values as LwsVllmValues } from '../../charts/lws-vllm/values';
import type { Values as RayServeVllmValues } from '../../charts/ray-serve-vllm/values';

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
    // The EFS CSI node: S3 Files mounts (curated-datasets) authenticate as it.
    efsNode: role('efs-csi-node'),
    workloads: {
      'llm-inference': { hydration: role('llm-inference-hydration'), inference: role('llm-inference') },
      'llm-finetune': { training: role('llm-finetune') },
      'batch-embeddings': { reader: role('batch-embeddings') },
      'dataset-prep': { prep: role('dataset-prep') },
      // The head needs no AWS access (its service account only carries KubeRay's autoscaler Role);
      // the GPU workers read the model version through Mountpoint with their own identity.
      'ray-serve-vllm': { worker: role('ray-serve-vllm-worker') },
      // lws-vllm: none — its pods read FSx for Lustre, which loads from S3 with its own role.
    },
    karpenter: role('karpenter'),
  },
  storage: {
    // Scratch file systems: no replication, no backups, the lowest price; throughput 0 = not sent
    // (scratch throughput is fixed). Dev data may go with its claim: Delete, by explicit choice.
    // Linked to the dataset bucket, so llm-finetune's file system starts with the data (lazy load).
    // The classes keep the names the workload charts claim by default (and the running claims name).
    'fsx-lustre': { storageClassName: 'strata-fsx-lustre', deploymentType: 'SCRATCH_2', perUnitStorageThroughput: 0, reclaimPolicy: 'Delete', s3ImportPath: 's3://strata-dev-datasets', autoImportPolicy: 'NEW_CHANGED_DELETED' },
    // Dev data may go with its claim: Delete, by explicit choice.
    efs: { storageClassName: 'strata-efs', fileSystemId: 'fs-0a1b2c3d4e5f60718', reclaimPolicy: 'Delete' },
    // The S3 Files file system over strata-dev-datasets (S3 Versioning on); each claim an access point under /curated.
    's3-files': { storageClassName: 'strata-s3-files', fileSystemId: 'fs-0a1b2c3d4e5f6071829', basePath: '/curated', reclaimPolicy: 'Delete' },
    'instance-store': {
      // The names the cluster has (workloads and nodeSelectors refer to them; a renamed NodePool is
      // deleted, and Karpenter drains its nodes): kept through the name values.
      nodeClass: { name: 'strata-nvme', nodeRole: 'KarpenterNodeRole-strata-dev' },
      // The GPU workloads (llm-finetune's trainer, llm-inference's server) need GPU nodes, and the
      // CPU pool launches none: without this pool their pods stay Pending.
      nodePools: { cpu: { name: 'strata-nvme' }, gpu: { enabled: true, name: 'strata-nvme-gpu' } },
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
        // Dev's class links the bucket's root: the dataset's directory is its prefix there.
        dataset: { bucket: 'strata-dev-datasets', path: 'instructions/', size: 1200, zone: 'a' },
        checkpoints: { bucket: 'strata-dev-checkpoints', size: 200 },
      },
      allowPrune: true,
      // What each worker's GPU asks of storage: generate checks it against the scratch file system and
      // the node's NVMe (the report's "Storage bottlenecks"). The readers follow trainer.workers: a
      // second worker at the same rate would need the next size up (2400 GiB), and generate says so.
      storageProfile: {
        'dataset/fsx': { dataGiB: 1000, readers: { $value: 'trainer.workers' }, readMBpsPerReader: 150, sharing: 'one-node', lifetime: 'job' },
        'checkpoints/scratch': { dataGiB: 30, access: 'write-once', writers: 1, checkpoint: { sizeGiB: 30, intervalMinutes: 30, writeWithinSeconds: 60 }, sharing: 'one-node', lifetime: 'job' },
      },
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
    // A RayService: the environment installs the KubeRay operator before it. One small model on one
    // GPU per worker (g5/g6 of the GPU NodePool), up to two replicas; Mountpoint's cache on the
    // workers' NVMe (RAID0 under kubelet on the NodePool's nodes).
    'ray-serve-vllm': workload<RayServeVllmValues>({
      namespace: 'ml-dev',
      values: {
        aws: { region: 'us-east-1' },
        model: { bucket: 'strata-dev-models', prefix: 'qwen2.5-7b-instruct/', version: 'v1', servedName: 'qwen2.5-7b-instruct', cacheSize: 40 },
        server: { replicas: 1, burstReplicas: 1 },
        worker: { gpus: 1, cpu: 6, memory: 24, sharedMemory: 4 },
        engine: { maxModelLen: 8192 },
      },
      allowPrune: true,
    }),
    // A LeaderWorkerSet: the environment installs the LWS controller before it. One group of two
    // single-GPU pods (pipeline-parallel over two nodes). Dev's FSx class links s3://strata-dev-datasets
    // at the file system's root, so the model lives under models/ in that bucket. EFA stays off
    // (efa.interfaces 0): dev installs no EFA device plugin and its NodeClass raises no memlock
    // limit, so an EFA pod would stay Pending (the schedulable check cannot see it: the GPU
    // NodePool's EFA interfaces depend on the instance type Karpenter picks).
    'lws-vllm': workload<LwsVllmValues>({
      namespace: 'ml-dev',
      values: {
        aws: { region: 'us-east-1' },
        model: { bucket: 'strata-dev-datasets', prefix: 'models/qwen2.5-7b-instruct/', path: 'models/qwen2.5-7b-instruct/', version: 'v1', servedName: 'qwen2.5-7b-instruct', size: 1200, zone: 'a' },
        group: { size: 2, replicas: 1 },
        pod: { gpus: 1, cpu: 6, memory: 24, sharedMemory: 4, scratch: 20 },
        engine: { maxModelLen: 8192 },
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
    'curated-datasets': workload<CuratedDatasetsValues>({ namespace: 'curated-datasets' }),
  },
});
