// Recipe: Kubernetes' own kinds — a Deployment and an IndexedJob of @strata/kinds — with storage tiers
// mounted directly: a claim on the environment's EFS class, an S3 prefix through Mountpoint, and
// instance-store NVMe scratch. Every pod must meet Pod Security "restricted" and request CPU and memory.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { Deployment, IndexedJob } from '@strata/kinds';
import { grantMountpoint, restrictedSecurityContext, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { AccessMode, Efs, InstanceStore, S3AuthenticationSource, S3Mountpoint } from '@strata/storage';

/** A container under Pod Security "restricted", with requests (and a memory limit equal to its request). */
function container(name: string, image: string, cpu: number, memoryGiB: number): plus.ContainerProps {
  return {
    name,
    image,
    securityContext: restrictedSecurityContext(),
    resources: { cpu: { request: plus.Cpu.units(cpu) }, memory: { request: Size.gibibytes(memoryGiB), limit: Size.gibibytes(memoryGiB) } },
  };
}

export default class NotebookChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'notebook', description: 'A Deployment on EFS and an indexed Job reading S3 with NVMe scratch.' }, props);

    // A Deployment sharing a ReadWriteMany EFS claim (one access point per claim).
    const home = Efs.fromStorageClass(this, 'home', { storageClass: { name: 'strata-efs' } });
    // A cdk8s-plus Deployment whose progressDeadlineSeconds covers a new pod's start: a new node, the image and
    // the startup probe cdk8s-plus adds for a port (630 s here; cdk8s-plus's fixed 600 fails rule release-waits).
    const web = new Deployment(this, 'web', {
      replicas: 1,
      securityContext: { ensureNonRoot: true, user: 1000, group: 1000, fsGroup: 1000 },
    });
    home.mount(web.addContainer({ ...container('notebook', 'quay.io/jupyter/base-notebook:2025-01-13', 2, 8), portNumber: 8888 }), '/home/jovyan/work');

    // An indexed Job: one pod per shard, retries per index, named by its content in the chart. It reads S3
    // with its own identity: a service account whose role the environment gives (its policy: grantMountpoint below).
    const reader = WorkloadIdentity.serviceAccount(this, 'reader', { annotations: serviceAccountAnnotations(this.values, 'reader') });
    const job = new IndexedJob(this, 'score', { completions: 8, parallelism: 4, serviceAccount: reader, securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } });
    const worker = job.addContainer({ ...container('score', 'docker.io/library/python:3.12-slim', 4, 16), command: ['python', '/app/score.py'] });
    const corpus = new S3Mountpoint(this, 'corpus', {
      bucketName: 'ml-datasets',
      prefix: 'corpus/2025-01/',
      accessMode: AccessMode.READ_ONLY_MANY,
      authenticationSource: S3AuthenticationSource.POD, // the pods' own IAM role, not the driver's
      uid: 1000,
      gid: 1000,
      allowOther: true,
      region: 'us-east-1',
    });
    corpus.mount(worker, '/corpus', { readOnly: true });
    new InstanceStore(this, 'scratch', { size: Size.gibibytes(100) }).mount(worker, '/scratch', { pod: job });
    grantMountpoint(corpus); // the volume's read policy, for the role of `reader`
  }
}
