/**
 * The Trainium Ray cluster of awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 * blueprints/training/raytrain-llama2-pretrain-trn1/llama2-pretrain-trn1-raycluster.yaml, built on a
 * strata Ray workload (a RayCluster, or a RayJob's own cluster): the RayCluster rewrite builds it,
 * the RayJob rewrite names it and runs its image. See raytrain-llama2-trn1.test.ts for what differs.
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RayClusterOptions, RayWorkload } from '@strata/kinds';
import { Devices, FsxDeploymentType, FsxLustre } from '@strata/storage';

export const TRN1_IMAGE = 'public.ecr.aws/data-on-eks/ray-pytorch-training-neuronx:latest';
const POD = { securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } } as const;
const SECURITY = { ensureNonRoot: true, user: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } };
const PORTS = [
  { number: 8265, name: 'dashboard' },
  { number: 6379, name: 'redis' },
  { number: 10001, name: 'object-manager' },
];

/** The cluster options of the original: Ray 2.22.0, the head's dashboard on every address. */
export const TRN1_CLUSTER: RayClusterOptions = { rayVersion: '2.22.0', head: { rayStartParams: { 'dashboard-host': '0.0.0.0' }, pod: POD } };

/** The blueprint's FSx for Lustre file system (PERSISTENT_2, 2400 GiB) as a static volume; its ids are placeholders for the Terraform outputs. */
export function sharedFileSystem(scope: Construct): FsxLustre {
  return FsxLustre.fromFileSystem(scope, 'persistent-storage', {
    fileSystemId: 'fs-0123456789abcdef0',
    dnsName: 'fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com',
    mountName: 'abcdefgh',
    deploymentType: FsxDeploymentType.PERSISTENT_2,
    storage: Size.gibibytes(2400),
  });
}

/** The head and the `workergroup` of 2 trn1.32xlarge workers of the original, on `ray` (made with TRN1_CLUSTER). */
export function trn1Cluster(ray: RayWorkload, shared: FsxLustre): void {
  const rayStop = { preStop: plus.Handler.fromCommand(['/bin/sh', '-c', 'ray stop']) };
  const head = ray.head.addContainer({
    name: 'ray-head',
    image: TRN1_IMAGE,
    imagePullPolicy: plus.ImagePullPolicy.ALWAYS,
    lifecycle: rayStop,
    ports: PORTS,
    resources: { cpu: { request: plus.Cpu.units(6) }, memory: { request: Size.gibibytes(30) } },
    securityContext: SECURITY,
  });
  head.mount('/tmp/ray', plus.Volume.fromEmptyDir(ray.head, 'log-volume', 'log-volume'));
  shared.mount(head, '/shared');
  ray.head.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('instanceType', 'mixed-x86'), plus.NodeLabelQuery.is('provisionerType', 'Karpenter')));

  const workers = ray.addWorkerGroup('workergroup', { replicas: 2, minReplicas: 2, maxReplicas: 2, pod: POD });
  const w = workers.template.addContainer({
    name: 'ray-worker',
    image: TRN1_IMAGE,
    imagePullPolicy: plus.ImagePullPolicy.ALWAYS,
    lifecycle: rayStop,
    ports: PORTS,
    resources: { cpu: { request: plus.Cpu.units(120) }, memory: { request: Size.gibibytes(440), limit: Size.gibibytes(440) } },
    securityContext: SECURITY,
  });
  Devices.of(workers.template, w).neuron({ devices: 16 }).efa(8);
  shared.mount(w, '/shared');
  w.mount('/dev/shm', plus.Volume.fromEmptyDir(workers.template, 'dshm', 'dshm', { medium: plus.EmptyDirMedium.MEMORY }));
  w.mount('/tmp/ray', plus.Volume.fromEmptyDir(workers.template, 'log-volume', 'log-volume'));
  workers.template.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('instance-type', 'trn1-32xl'), plus.NodeLabelQuery.is('provisioner', 'cluster-autoscaler')));
  workers.template.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.is('hub.jupyter.org/dedicated', 'user', { effect: plus.TaintEffect.NO_SCHEDULE })));
}
