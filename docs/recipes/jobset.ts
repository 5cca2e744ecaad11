// Recipe: a JobSet (kubernetes-sigs/jobset) — shard workers, one pod per shard, read a corpus from
// S3 through Mountpoint with NVMe scratch, then one index step runs once every shard is Complete.
// The set starts, fails and finishes as one; a changed set is a new run (named by its content).
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { JobSet } from '@strata/kinds';
import { containerProps, DEFAULT_USER, grantMountpoint, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { AccessMode, InstanceStore, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';

export default class DatasetShardsChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'dataset-shards', description: 'A JobSet: shard workers on S3 and NVMe, then an index step.' }, props);
    const v = this.values;

    // One service account for both steps; its IAM policy goes to the chart's iam-policies/<key>.json.
    const account = WorkloadIdentity.serviceAccount(this, 'prep', { annotations: serviceAccountAnnotations(v, 'prep') });
    const pod = { serviceAccount: account, securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER } };
    const set = new JobSet(this, 'prep', { maxRestarts: 2 });
    const shards = set.addReplicatedJob('shard', { parallelism: 16, pod });
    const index = set.addReplicatedJob('index', { pod, after: { replicatedJob: 'shard', when: 'Complete' } });

    // containerProps: Pod Security restricted, a read-only root, CPU and memory requests.
    const image = 'public.ecr.aws/docker/library/python:3.12-slim';
    const worker = shards.template.addContainer(containerProps('shard', { image, command: ['python', '/app/prep.py', '--shard=$(JOB_COMPLETION_INDEX)'], cpu: plus.Cpu.units(4), memory: Size.gibibytes(16) }));
    index.template.addContainer(containerProps('index', { image, command: ['python', '/app/index.py'], cpu: plus.Cpu.units(1), memory: Size.gibibytes(2) }));

    const raw = new S3Mountpoint(this, 'raw', {
      bucketName: 'ml-datasets',
      prefix: 'raw/2025-01/',
      accessMode: AccessMode.READ_ONLY_MANY,
      authenticationSource: S3AuthenticationSource.POD,
      uid: DEFAULT_USER,
      gid: DEFAULT_USER,
      allowOther: true,
      region: 'us-east-1',
      cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(20) },
    });
    raw.mount(worker, '/raw', { readOnly: true });
    new InstanceStore(this, 'scratch', { size: Size.gibibytes(100) }).mount(worker, '/scratch', { pod: shards.template });
    // The volume's own policy (read the prefix) goes to the role of every pod mounting it: here `prep`.
    grantMountpoint(raw);
  }
}
