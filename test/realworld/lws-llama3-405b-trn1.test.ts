/**
 * Rewrites awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 *   blueprints/inference/vllm-llama3.1-405b-trn1/llama3-405b-vllm-lws-deployment.yaml
 * Multi-node Neuron inference: Llama 3.1 405B served by vLLM across 4 trn1.32xlarge nodes as one
 * LeaderWorkerSet group (a leader and 3 workers, each 16 Neuron devices and 8 EFA interfaces, 15 GiB
 * /dev/shm), the weights pre-staged on each node's NVMe at /mnt/k8s-disks/0 (hostPath), and a
 * ClusterIP Service `vllm-leader` on port 8080 in front of the leader.
 *
 * What differs from the original, and why:
 * - The LeaderWorkerSet's annotation `leaderworkerset.sigs.k8s.io/exclusive-topology:
 *   eks.amazonaws.com/nodegroup` (one group per node group) is its `metadata`.
 * - `rolloutStrategy` is the original's, maxSurge 1 with maxUnavailable 2 (`rolloutStrategy` prop;
 *   strata's default would be maxUnavailable 0, maxSurge 1: with one group, the original's values
 *   let the only group go down during a rollout).
 * - `leaderWorkerTemplate.restartPolicy` is `None`, the original's `Default` under its current name
 *   (restart only the failed pod): LWS v0.10.0 deprecates `Default` and its webhook rewrites it to
 *   `None`, so strata refuses the old name.
 * - The weights stay on node NVMe through `InstanceStore.hostPath` (explicit opt-in, node affinity
 *   to the trn1 nodes, `Directory` on both templates: the original's leader uses
 *   `DirectoryOrCreate`, which would silently write to the root volume where the NVMe is missing).
 *   Pod Security restricted cannot be met: hostPath is refused by baseline and restricted; the
 *   namespace must enforce `privileged` (stated with `namespacePodSecurity`). The test asserts that
 *   this is the only restricted problem.
 * - Devices through `Devices.neuron({ devices: 16 })` and `efa(8, { sharedMemory: 15Gi })`: the
 *   /dev/shm volume becomes `<container>-efa-shm`, tolerations become `aws.amazon.com/neuron` Exists
 *   (the original: Equal "true", same taint) plus `aws.amazon.com/efa` Exists, and the containers get
 *   `FI_EFA_USE_HUGE_PAGE=0` (no huge pages are requested).
 * - `nodeSelector instance-type: trn1-32xl` becomes a required node affinity (from the hostPath's
 *   node labels; cdk8s-plus pods have no nodeSelector).
 * - Containers are restricted apart from the hostPath: runAsNonRoot (uid/gid 1000 as in the
 *   original), no privilege escalation, capabilities dropped, RuntimeDefault seccomp, read-only root
 *   with a 50 GiB scratch at /tmp (HF_HOME=/tmp/cache).
 * - The Service selects the leader pods by the label strata gives the leader template instead of
 *   `leaderworkerset.sigs.k8s.io/name` + `role: leader`; `role: leader` is still on the leader.
 * - `role: leader` is the leader template's `metadata` (`leader: { metadata: { labels } }`).
 * - `imagePullPolicy: Always` is kept (the original's, with a mutable tag).
 */
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { LeaderWorkerSet, PodTemplate } from '@strata/kinds';
import { Devices, InstanceStore, PodSecurityLevel } from '@strata/storage';
import { chartFor, envOf, mountsOf, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

const IMAGE = 'public.ecr.aws/data-on-eks/neuron-sdk2.20-vllm0.5.0-neuron:v8';
const MODEL = '/mnt/k8s-disks/0/checkpoints/llama-3.1-405b-instruct/';
const LWS_SIZE = plus.EnvValue.fromFieldRef(plus.EnvFieldPaths.POD_ANNOTATION, { key: 'leaderworkerset.sigs.k8s.io/size' });

/** The environment both templates share (the original's, in its order, without the rank). */
function sharedEnv(): Record<string, plus.EnvValue> {
  const v = plus.EnvValue.fromValue;
  return {
    SWAP_SPACE: v('1'),
    HF_HOME: v('/tmp/cache'),
    MODEL: v(MODEL),
    NEURON_CC_FLAGS: v('-O1'),
    NEURON_LOCAL_TP: v('32'),
    FI_EFA_USE_DEVICE_RDMA: v('1'),
    FI_PROVIDER: v('efa'),
    FI_EFA_FORK_SAFE: v('1'),
    AWS_MAX_ATTEMPTS: v('3'),
    CCOM_SOCKET_IFNAME: v('eth0'),
    WORKER_COUNT: LWS_SIZE,
    VLLM_ENGINE_ITERATION_TIMEOUT_S: v('600'),
    AWS_DEFAULT_REGION: v('us-west-2'),
    NEURON_MODEL_PATH: v(MODEL),
    NEURON_CONTEXT_LENGTH_ESTIMATE: v("['1024','2048','4096','8192','16384','32768','65536','131072']"),
    MAX_MODEL_LEN: v('8192'),
    BLOCK_SIZE: v('8192'),
    MAX_NUM_SEQS: v('2'),
    NEURON_CC_PIPELINE_FACTOR: v('4'),
    NEURON_COMPILE_CACHE_URL: v(`${MODEL}compiled_artifact`),
    NEURON_QUANT: v('False'),
    NEURON_SEQUENCE_PARALLEL: v('True'),
    NEURON_ON_DEVICE_EMBEDDING: v('False'),
    NEURON_SHARD_OVER_SEQUENCE: v('True'),
    NEURON_MLP_FUSE: v('True'),
    NEURON_MLP_TRANSPOSE: v('True'),
    WORLD_SIZE: LWS_SIZE,
  };
}

/** One group per node group (kubernetes-sigs/lws docs: exclusive placement). */
const EXCLUSIVE_TOPOLOGY = { 'leaderworkerset.sigs.k8s.io/exclusive-topology': 'eks.amazonaws.com/nodegroup' };
const POD = { terminationGracePeriod: Duration.seconds(90), securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } } as const;

function build() {
  const chart = chartFor('llama3-405b', 'ai-on-eks Llama 3.1 405B on 4 trn1.32xlarge with vLLM and LeaderWorkerSet');
  const trn1 = [plus.NodeLabelQuery.is('instance-type', 'trn1-32xl')];
  const weights = InstanceStore.hostPath(chart, 'model-volume', {
    path: '/mnt/k8s-disks/0',
    type: plus.HostPathVolumeType.DIRECTORY,
    allowHostPath: true,
    nodeAffinity: trn1,
    namespacePodSecurity: PodSecurityLevel.PRIVILEGED,
  });
  const tmp = new InstanceStore(chart, 'tmp', { size: Size.gibibytes(50) });
  const lws = new LeaderWorkerSet(chart, 'llama3-405b-lws', {
    replicas: 1,
    size: 4,
    leader: { ...POD, metadata: { labels: { role: 'leader' } } },
    worker: POD,
    rolloutStrategy: { maxUnavailable: 2, maxSurge: 1 },
    restartPolicy: 'None',
    metadata: { annotations: EXCLUSIVE_TOPOLOGY },
  });
  const server = (t: PodTemplate, name: string, rank: plus.EnvValue) => {
    const c = t.addContainer({
      name,
      image: IMAGE,
      imagePullPolicy: plus.ImagePullPolicy.ALWAYS,
      command: ['/usr/local/bin/run.sh'],
      envVariables: { NEURON_RANK_ID: rank, ...sharedEnv() },
      ports: [8989, 8080, 8990].map((n) => ({ number: n, protocol: plus.Protocol.TCP })),
      resources: { cpu: { request: plus.Cpu.units(110) }, memory: { request: Size.gibibytes(350) } },
      securityContext: { ensureNonRoot: true, user: 1000, group: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    });
    Devices.of(t, c).neuron({ devices: 16 }).efa(8, { sharedMemory: Size.gibibytes(15) });
    weights.mount(c, '/mnt/k8s-disks/0', { pod: t });
    tmp.mount(c, '/tmp', { pod: t });
    return c;
  };
  server(lws.leader!, 'vllm-leader', plus.EnvValue.fromValue('0'));
  server(lws.worker, 'vllm-worker', plus.EnvValue.fromFieldRef(plus.EnvFieldPaths.POD_LABEL, { key: 'leaderworkerset.sigs.k8s.io/worker-index' }));

  const svc = new plus.Service(chart, 'vllm-leader', { type: plus.ServiceType.CLUSTER_IP, ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: plus.Protocol.TCP }] });
  svc.select(lws.leader!);
  return { chart, lws };
}

describe('ai-on-eks vllm-llama3.1-405b-trn1 LeaderWorkerSet', () => {
  test('one group of a leader and 3 workers: image, command, env, devices, NVMe weights, shared memory', () => {
    const { synth, objects } = render(build().chart);
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => o.kind).sort()).toEqual(['LeaderWorkerSet', 'Service']);
    const lws = one(objects, 'LeaderWorkerSet');
    expect({ ...lws.spec, leaderWorkerTemplate: undefined }).toEqual({
      replicas: 1,
      startupPolicy: 'LeaderCreated',
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxUnavailable: 2, maxSurge: 1 } },
      leaderWorkerTemplate: undefined,
    });
    expect(lws.metadata.annotations).toEqual(EXCLUSIVE_TOPOLOGY);
    const t = lws.spec.leaderWorkerTemplate;
    expect(t.size).toBe(4);
    expect(t.restartPolicy).toBe('None');
    expect(t.leaderTemplate.metadata.labels).toEqual({
      'app.kubernetes.io/component': 'llama3-405b-llama3-405b-lws-leader-c879fdde',
      'app.kubernetes.io/instance': 'rw',
      'app.kubernetes.io/name': 'llama3-405b',
      role: 'leader',
    });

    for (const [template, name] of [[t.leaderTemplate, 'vllm-leader'], [t.workerTemplate, 'vllm-worker']] as const) {
      const pod = template.spec;
      expect(pod.terminationGracePeriodSeconds).toBe(90);
      expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true });
      const [c] = pod.containers;
      expect(c).toMatchObject({ name, image: IMAGE, imagePullPolicy: 'Always', command: ['/usr/local/bin/run.sh'] });
      expect(c.ports).toEqual([8989, 8080, 8990].map((n) => ({ containerPort: n, protocol: 'TCP' })));
      expect(c.resources).toEqual({
        limits: { 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 8 },
        requests: { 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 8, cpu: '110', memory: '358400Mi', 'ephemeral-storage': '50Gi' },
      });
      const env = envOf(c);
      expect(env.NEURON_RANK_ID).toEqual(name === 'vllm-leader' ? '0' : { fieldRef: { fieldPath: "metadata.labels['leaderworkerset.sigs.k8s.io/worker-index']" } });
      expect(env.WORKER_COUNT).toEqual({ fieldRef: { fieldPath: "metadata.annotations['leaderworkerset.sigs.k8s.io/size']" } });
      expect(env.WORLD_SIZE).toEqual(env.WORKER_COUNT);
      expect(env).toMatchObject({ MODEL, NEURON_MODEL_PATH: MODEL, NEURON_LOCAL_TP: '32', FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '1', FI_EFA_FORK_SAFE: '1', NEURON_COMPILE_CACHE_URL: `${MODEL}compiled_artifact`, FI_EFA_USE_HUGE_PAGE: '0' });
      expect(Object.keys(env)).toHaveLength(29);
      expect(mountsOf(c)).toEqual({ '/mnt/k8s-disks/0': 'model-volume', '/dev/shm': `${name}-efa-shm`, '/tmp': 'tmp' });
      expect(pod.volumes).toEqual(
        expect.arrayContaining([
          { name: 'model-volume', hostPath: { path: '/mnt/k8s-disks/0', type: 'Directory' } },
          { name: `${name}-efa-shm`, emptyDir: { medium: 'Memory', sizeLimit: '15360Mi' } },
          { name: 'tmp', emptyDir: { sizeLimit: '51200Mi' } },
        ]),
      );
      expect(pod.volumes).toHaveLength(3);
      expect(pod.tolerations).toEqual([
        { key: 'aws.amazon.com/efa', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
      ]);
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'instance-type', operator: 'In', values: ['trn1-32xl'] }] }]);
    }

    const svc = one(objects, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
    // The Service selects exactly the leader's pods (its selector is a subset of the leader template's labels, not the worker's).
    const leaderLabels = t.leaderTemplate.metadata.labels;
    expect(Object.entries(svc.spec.selector).every(([k, v]) => leaderLabels[k] === v)).toBe(true);
    expect(Object.entries(svc.spec.selector).every(([k, v]) => t.workerTemplate.metadata.labels[k] === v)).toBe(false);
  });

  test("strata's checks: hostPath is the only restricted problem, references hold, 1 leader and 3 workers reached", () => {
    const { objects } = render(build().chart);
    expect(podCounts(objects)).toEqual({ 'LeaderWorkerSet spec.leaderWorkerTemplate.leaderTemplate.spec': 1, 'LeaderWorkerSet spec.leaderWorkerTemplate.workerTemplate.spec': 3 });
    const hostPath = ['pod: volume "model-volume" (hostPath) must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret'];
    expect(restrictedProblems(objects)).toEqual({ 'LeaderWorkerSet spec.leaderWorkerTemplate.leaderTemplate.spec': hostPath, 'LeaderWorkerSet spec.leaderWorkerTemplate.workerTemplate.spec': hostPath });
    expect(referenceProblems(objects)).toMatchObject({ problems: [], warnings: [] });
  });
});
