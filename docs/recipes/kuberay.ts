// Recipe: KubeRay — a RayJob whose cluster (a CPU head and a GPU worker group) reads a dataset
// straight from S3 through Mountpoint, with Mountpoint's cache on the node's instance-store NVMe.
// KubeRay runs `ray job submit` in a submitter pod strata writes (restricted) from the head's image.
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { RayJob } from '@strata/kinds';
import { addScratch, containerProps, DEFAULT_USER, grantMountpoint, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { AccessMode, Devices, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';

export default class RayBatchChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'ray-batch', description: 'A RayJob on GPU workers reading S3 through Mountpoint.' }, props);
    const account = WorkloadIdentity.serviceAccount(this, 'ray', { annotations: serviceAccountAnnotations(this.values, 'ray') });
    const pod = { serviceAccount: account, securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER } };
    const image = 'docker.io/rayproject/ray:2.52.0-py311-gpu';

    const job = new RayJob(this, 'infer', {
      rayVersion: '2.52.0',
      entrypoint: 'python /app/batch_infer.py --input /data',
      deadline: Duration.hours(6),
      head: { rayStartParams: { 'num-cpus': '0' }, pod }, // no tasks on the head
    });
    const headSpec = { image, cpu: plus.Cpu.units(2), memory: Size.gibibytes(8), sharedMemory: Size.gibibytes(2) };
    addScratch(job.head, job.head.addContainer({ ...containerProps('ray-head', headSpec), ports: [{ number: 6379, name: 'gcs' }, { number: 8265, name: 'dashboard' }] }), headSpec);

    const gpu = job.addWorkerGroup('gpu', { replicas: 4, pod });
    const workerSpec = { image, cpu: plus.Cpu.units(8), memory: Size.gibibytes(32), sharedMemory: Size.gibibytes(8) };
    const worker = gpu.template.addContainer(containerProps('ray-worker', workerSpec));
    addScratch(gpu.template, worker, workerSpec);
    Devices.of(gpu.template, worker).gpus(1);

    const data = new S3Mountpoint(this, 'data', {
      bucketName: 'ml-datasets',
      prefix: 'prompts/2025-01/',
      accessMode: AccessMode.READ_ONLY_MANY,
      authenticationSource: S3AuthenticationSource.POD,
      uid: DEFAULT_USER,
      gid: DEFAULT_USER,
      allowOther: true,
      region: 'us-east-1',
      // The cache on NVMe: each worker requests its room as ephemeral storage.
      cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(100), instanceStore: true },
    });
    data.mount(worker, '/data', { readOnly: true, pod: gpu.template });
    grantMountpoint(data); // read access to the prefix, for the role of the `ray` service account
  }
}
