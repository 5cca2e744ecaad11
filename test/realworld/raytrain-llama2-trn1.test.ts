/**
 * Rewrites awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 *   blueprints/training/raytrain-llama2-pretrain-trn1/llama2-pretrain-trn1-raycluster.yaml
 * Trainium training: a KubeRay RayCluster `kuberay-trn1` (Ray 2.22.0) for Llama 2 pre-training with
 * Ray Train — a CPU head and 2 trn1.32xlarge workers (16 Neuron devices, 8 EFA interfaces, 440 GiB
 * each), all mounting the shared FSx for Lustre file system at /shared, gang-scheduled by Volcano
 * through the queue `llama2-training-queue`.
 *
 * What differs from the original, and why:
 * - GAP: the Volcano `Queue` (scheduling.volcano.sh/v1beta1) is not made: strata has no construct for
 *   a custom resource without pods (`CustomWorkload` is for kinds with pod templates) and a raw
 *   ApiObject is ruled out. The platform team must make the queue elsewhere.
 * - The RayCluster's labels `ray.io/scheduler-name: volcano` and `volcano.sh/queue-name:
 *   llama2-training-queue` are its `metadata` (KubeRay then creates the Volcano PodGroup, so the 2
 *   workers are gang-scheduled — once the queue exists, see above).
 * - The claim `fsx-claim` (made by the blueprint's Terraform, in namespace default) becomes the
 *   release's own static volume and claim of the same file system (`FsxLustre.fromFileSystem`: the
 *   blueprint's PERSISTENT_2 2400 GiB file system; its id, DNS name and mount name as the Terraform
 *   outputs give them — placeholders here). See GAPS: strata has no tier construct for a claim that
 *   exists already (mounting it by name with cdk8s-plus works but skips every FSx rule).
 * - The pods meet Pod Security restricted: runAsNonRoot with uid 1000 (the original sets none; the
 *   image's user is assumed to be 1000), no privilege escalation, capabilities dropped, RuntimeDefault
 *   seccomp, read-only root file system (Ray's /tmp/ray is an emptyDir in both, as in the original).
 *   The head's container gets a memory request only as in the original (no limits).
 * - Devices through `Devices.neuron({ devices: 16 })` and `efa(8)`: tolerations `aws.amazon.com/neuron`
 *   (as in the original) and `aws.amazon.com/efa` Exists, `FI_EFA_USE_HUGE_PAGE=0`. /dev/shm stays the
 *   original's Memory emptyDir without a size (mounted directly, so `efa({ sharedMemory })` is not used).
 * - `nodeSelector`s become required node affinities (cdk8s-plus pods have no nodeSelector field).
 * - `imagePullPolicy: Always` and the `:latest` tag are kept as in the original.
 * - GAP (checks): the schedulable check cannot place the workers on the original's managed trn1 node
 *   group: an environment's `NodeGroupDefinition` has no field for Neuron devices or EFA interfaces,
 *   so the check counts none and reports the workers as staying Pending (the check reads a `devices`
 *   field the type does not declare; @strata/checks lifecycle.ts NodeGroupDevices).
 */
import { offerFromNodeGroup, podNeeds, whyNot } from '@strata/checks';
import { NodeGroupDefinition } from '@strata/gitops';
import { RayCluster } from '@strata/kinds';
import { chartFor, mountsOf, one, podCounts, pods, referenceProblems, render, restrictedProblems } from './support';
import { sharedFileSystem, TRN1_CLUSTER, TRN1_IMAGE as IMAGE, trn1Cluster } from './trn1-ray-cluster';

/** Volcano gang-schedules the cluster's pods in the blueprint's queue (https://docs.ray.io/en/master/cluster/kubernetes/k8s-ecosystem/volcano.html). */
const VOLCANO = { 'ray.io/scheduler-name': 'volcano', 'volcano.sh/queue-name': 'llama2-training-queue' };

function build() {
  const chart = chartFor('raytrain-llama2', 'ai-on-eks Llama 2 pre-training on trn1 with Ray Train');
  trn1Cluster(new RayCluster(chart, 'kuberay-trn1', { ...TRN1_CLUSTER, metadata: { labels: VOLCANO } }), sharedFileSystem(chart));
  return chart;
}

describe('ai-on-eks raytrain-llama2-pretrain-trn1 RayCluster', () => {
  test('head and Trainium workers: devices, FSx, shared memory, tolerations', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => o.kind).sort()).toEqual(['PersistentVolume', 'PersistentVolumeClaim', 'RayCluster']);
    const rc = one(objects, 'RayCluster');
    expect(Object.fromEntries(Object.entries(rc.metadata.labels).filter(([k]) => k.startsWith('ray.io/') || k.startsWith('volcano.sh/')))).toEqual(VOLCANO);
    expect(rc.spec.rayVersion).toBe('2.22.0');
    expect(rc.spec.enableInTreeAutoscaling).toBeUndefined();
    expect(rc.spec.headGroupSpec.rayStartParams).toEqual({ 'dashboard-host': '0.0.0.0' });
    const claim = one(objects, 'PersistentVolumeClaim').metadata.name;

    const hp = rc.spec.headGroupSpec.template.spec;
    expect(hp.containers[0]).toMatchObject({
      name: 'ray-head',
      image: IMAGE,
      imagePullPolicy: 'Always',
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'ray stop'] } } },
      ports: [{ containerPort: 8265, name: 'dashboard' }, { containerPort: 6379, name: 'redis' }, { containerPort: 10001, name: 'object-manager' }],
      resources: { requests: { cpu: '6', memory: '30720Mi' } },
    });
    expect(hp.containers[0].resources.limits).toBeUndefined();
    expect(mountsOf(hp.containers[0])).toEqual({ '/tmp/ray': 'log-volume', '/shared': 'persistent-storage' });
    expect(hp.volumes).toEqual([{ name: 'log-volume', emptyDir: {} }, { name: 'persistent-storage', persistentVolumeClaim: { claimName: claim, readOnly: false } }]);
    expect(hp.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'instanceType', operator: 'In', values: ['mixed-x86'] }, { key: 'provisionerType', operator: 'In', values: ['Karpenter'] }] },
    ]);

    const [group] = rc.spec.workerGroupSpecs;
    expect({ ...group, template: undefined }).toEqual({ groupName: 'workergroup', replicas: 2, minReplicas: 2, maxReplicas: 2, rayStartParams: {}, template: undefined });
    const wp = group.template.spec;
    const [w] = wp.containers;
    expect(w.resources).toEqual({
      limits: { 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 8, memory: '450560Mi' },
      requests: { 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 8, cpu: '120', memory: '450560Mi' },
    });
    expect(w.env).toEqual([{ name: 'FI_EFA_USE_HUGE_PAGE', value: '0' }]);
    expect(mountsOf(w)).toEqual({ '/shared': 'persistent-storage', '/dev/shm': 'dshm', '/tmp/ray': 'log-volume' });
    expect(wp.volumes).toEqual([
      { name: 'persistent-storage', persistentVolumeClaim: { claimName: claim, readOnly: false } },
      { name: 'dshm', emptyDir: { medium: 'Memory' } },
      { name: 'log-volume', emptyDir: {} },
    ]);
    expect(wp.tolerations).toEqual([
      { key: 'aws.amazon.com/efa', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'hub.jupyter.org/dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' },
    ]);
    expect(wp.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'instance-type', operator: 'In', values: ['trn1-32xl'] }, { key: 'provisioner', operator: 'In', values: ['cluster-autoscaler'] }] },
    ]);

    const pv = one(objects, 'PersistentVolume');
    expect(pv.spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '2400Gi' },
      mountOptions: ['flock'],
      csi: { driver: 'fsx.csi.aws.com', volumeHandle: 'fs-0123456789abcdef0', volumeAttributes: { dnsname: 'fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com', mountname: 'abcdefgh' } },
    });
  });

  test("strata's checks: restricted, references, the head and both workers reached", () => {
    const { objects } = render(build());
    const reached = { 'RayCluster spec.headGroupSpec.template.spec': 1, 'RayCluster spec.workerGroupSpecs[0].template.spec': 2 };
    expect(podCounts(objects)).toEqual(reached);
    expect(restrictedProblems(objects)).toEqual({ 'RayCluster spec.headGroupSpec.template.spec': [], 'RayCluster spec.workerGroupSpecs[0].template.spec': [] });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
  });

  test('the schedulable check is told the managed trn1 node group has Neuron devices and EFA interfaces (nodeGroups[].devices)', () => {
    const { objects } = render(build());
    const worker = podNeeds(pods(objects).find((p) => p.path.startsWith('spec.workerGroupSpecs'))!);
    // The node group of the original's workers (managed, cluster-autoscaler) as an environment declares it.
    const trn1: NodeGroupDefinition = {
      name: 'trn1-32xl',
      labels: { 'instance-type': 'trn1-32xl', provisioner: 'cluster-autoscaler' },
      taints: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }],
    };
    // Without its devices the group has none, and the workers are reported as never scheduled…
    expect(whyNot(worker, offerFromNodeGroup(trn1))).toBe('it requests 8 vpc.amazonaws.com/efa; its nodes have none');
    // …with them (trn1.32xlarge: 16 Neuron devices, 8 EFA interfaces), the workers fit.
    expect(whyNot(worker, offerFromNodeGroup({ ...trn1, devices: { 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 8 } }))).toBeUndefined();
  });
});
