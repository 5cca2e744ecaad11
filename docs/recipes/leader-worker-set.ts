// Recipe: a LeaderWorkerSet (kubernetes-sigs/lws) — groups of pods serving one model replica across
// nodes; the weights come from FSx for Lustre linked to S3 (Distributed Dataset on every pod of
// every group, read-only, pinned to the file system's zone), GPUs through Devices.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { LeaderWorkerSet } from '@strata/kinds';
import { addScratch, containerProps, DatasetFileSystems, DEFAULT_USER, DistributedDataset, KEY_PREFIX } from '@strata/patterns';
import { Devices, FsxDeploymentType } from '@strata/storage';

export default class MultiHostServingChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'multi-host-serving', description: 'vLLM over groups of 2 nodes on a LeaderWorkerSet, weights on FSx for Lustre.' }, props);

    const pod = { securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER } };
    const lws = new LeaderWorkerSet(this, 'vllm', { replicas: 1, size: 2, leader: pod, worker: pod, startupPolicy: 'LeaderCreated' });
    const spec = { image: 'docker.io/vllm/vllm-openai:v0.8.5', cpu: plus.Cpu.units(96), memory: Size.gibibytes(1024), scratch: Size.gibibytes(50), sharedMemory: Size.gibibytes(16) };
    const leader = lws.leader!.addContainer({ ...containerProps('leader', { ...spec, command: ['/bin/bash', '-c', '/app/leader.sh'] }), ports: [{ number: 8080, name: 'http' }] });
    const worker = lws.worker.addContainer(containerProps('worker', { ...spec, command: ['/bin/bash', '-c', '/app/worker.sh'] }));
    for (const [template, c] of [[lws.leader!, leader], [lws.worker, worker]] as const) {
      addScratch(template, c, spec); // /tmp on node disk (the root file system is read-only) and /dev/shm
      Devices.of(template, c).gpus(8); // nvidia.com/gpu requests and limits, and the GPU taint's toleration
    }

    new DistributedDataset(this, 'model', {
      job: lws, // both pod sets: leader and worker
      mountPath: '/models',
      fileSystem: DatasetFileSystems.fromStorageClass({
        storageClass: { name: 'strata-fsx-lustre', deploymentType: FsxDeploymentType.SCRATCH_2 },
        storage: Size.gibibytes(1200),
        importPath: 's3://ml-datasets/models/llama-3.1-405b/',
      }),
      availabilityZone: 'us-east-1a',
      path: this.values.string('model.path', { default: '', description: 'Where importPath lies in the file system: "" when the class links importPath itself, "models/llama-3.1-405b/" when it links the bucket.', pattern: KEY_PREFIX }),
      version: 'v1',
    });
  }
}
