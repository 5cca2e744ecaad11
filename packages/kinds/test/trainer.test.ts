import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Efs, PodScheduling } from '@strata/storage';
import { synthesizeChart, WorkloadChart } from '@strata/helm';
import { Manifest } from '@strata/tokens';
import {
  clusterTrainingRuntime,
  ClusterTrainingRuntime,
  INITIALIZER_VOLUME,
  STRATA_PATCH_MANAGER,
  trainerNodeRank,
  TrainingRuntime,
  trainingRuntime,
  TrainJob,
} from '../src';
import { demoChart, errorsOf, podsOf, render } from './testing';

/** A Pod Security "restricted" container with requests. No imagePullPolicy: a TrainJob cannot carry one (the runtime's applies). */
function container(name: string, image = 'registry.example.com/train:1.0', more: Partial<plus.ContainerProps> = {}): plus.ContainerProps {
  return {
    name,
    image,
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: { cpu: { request: plus.Cpu.units(8) }, memory: { request: Size.gibibytes(64), limit: Size.gibibytes(64) } },
    ...more,
  };
}

const of = (objects: Manifest[], kind: string) => objects.find((o) => o.kind === kind)!;
const patchOf = (tj: Manifest) => tj.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template;
const jobsOf = (rt: Manifest) => rt.spec.template.spec.replicatedJobs;

/** A torch runtime of the chart with its trainer container. */
function torchRuntime(chart: WorkloadChart, numNodes = 2): TrainingRuntime {
  const rt = new TrainingRuntime(chart, 'torch', { mlPolicy: { numNodes, torch: {} } });
  rt.nodes.addContainer(container('node', 'registry.example.com/pytorch:2.8'));
  return rt;
}

describe('TrainingRuntime', () => {
  test('defaults: one torch Job "node" labelled as the trainer, an Indexed Job JobSet restarts; not a run, so named plainly', () => {
    const chart = demoChart();
    const rt = new TrainingRuntime(chart, 'torch');
    rt.nodes.addContainer(container('node'));
    const objects = render(chart);
    const [o] = objects;
    expect(o.metadata.name).toBe('rel-demo-torch');
    expect(o.metadata.annotations).toBeUndefined(); // drift detection applies: not a run
    expect({ ...o.spec, template: { spec: { ...o.spec.template.spec, replicatedJobs: undefined } } }).toEqual({
      mlPolicy: { numNodes: 1, torch: {} },
      template: { spec: { failurePolicy: { maxRestarts: 0 }, network: { enableDNSHostnames: true }, successPolicy: { operator: 'All' }, replicatedJobs: undefined } },
    });
    const [job] = jobsOf(o);
    expect({ ...job, template: { ...job.template, spec: { ...job.template.spec, template: undefined } } }).toEqual({
      name: 'node',
      replicas: 1,
      template: {
        metadata: { labels: { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' } },
        spec: {
          completionMode: 'Indexed',
          completions: 1,
          parallelism: 1,
          backoffLimitPerIndex: 0,
          podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] }] },
          podReplacementPolicy: 'Failed',
          template: undefined,
        },
      },
    });
    expect(job.template.spec.template.spec.restartPolicy).toBe('Never');
    expect(podsOf(objects).map((p) => [p.path, p.replicas])).toEqual([['spec.template.spec.replicatedJobs[0].template.spec.template.spec', 1]]);
    expect(rt.podSets.map((s) => [s.name, s.count, s.container, s.rank])).toEqual([['node', 1, 'node', trainerNodeRank(1)]]);
    expect(trainerNodeRank(4)).toMatchObject({ ranks: 4, expression: 'JOB_COMPLETION_INDEX' });
    expect(synthesizeChart(chart).uses).toEqual(['operator:kubeflow-trainer']);
  });

  test('custom: nodes, PET_* for a helper, initializers that run first on shared storage, the nodes waiting for them', () => {
    const chart = demoChart();
    const rt = new TrainingRuntime(chart, 'llm', {
      mlPolicy: { numNodes: 4, torch: { envInjection: { node: ['preflight'] } } },
      maxRestarts: 2,
      backoffLimitPerIndex: 1,
      // Fields strata has no prop for, typed from the upstream CRD.
      spec: { podGroupPolicy: { coscheduling: { scheduleTimeoutSeconds: 120 } } },
      jobSet: { ttlSecondsAfterFinished: 86400 },
    });
    rt.nodes.addInitContainer(container('preflight'));
    const node = rt.nodes.addContainer(container('node'));
    const shared = Efs.fromStorageClass(chart, INITIALIZER_VOLUME, { storageClass: { name: 'strata-efs' } });
    shared.mount(node, '/workspace');
    for (const init of [rt.addDatasetInitializer(), rt.addModelInitializer()]) {
      const c = init.addContainer(container(init.node.id, `ghcr.io/kubeflow/trainer/${init.node.id}:v2.3.0`));
      shared.mount(c, '/workspace');
    }
    expect(rt.initializers).toEqual(['dataset-initializer', 'model-initializer']);
    const objects = render(chart);
    const o = of(objects, 'TrainingRuntime');
    expect(o.spec.mlPolicy).toEqual({ numNodes: 4, torch: { envInjection: { targets: [{ jobName: 'node', containerNames: ['preflight'] }] } } });
    expect([o.spec.template.spec.failurePolicy, o.spec.podGroupPolicy, o.spec.template.spec.ttlSecondsAfterFinished]).toEqual([{ maxRestarts: 2 }, { coscheduling: { scheduleTimeoutSeconds: 120 } }, 86400]);
    expect(jobsOf(o).map((j: any) => [j.name, j.template.metadata.labels['trainer.kubeflow.org/trainjob-ancestor-step'], j.template.spec.parallelism, j.template.spec.backoffLimitPerIndex, j.dependsOn])).toEqual([
      ['dataset-initializer', 'dataset-initializer', 1, 1, undefined],
      ['model-initializer', 'model-initializer', 1, 1, undefined],
      ['node', 'trainer', 4, 1, [{ name: 'dataset-initializer', status: 'Complete' }, { name: 'model-initializer', status: 'Complete' }]],
    ]);
    expect(jobsOf(o)[0].template.spec.template.spec.volumes).toEqual([{ name: 'initializer', persistentVolumeClaim: { claimName: 'rel-demo-initializer-claim', readOnly: false } }]);
    expect(podsOf(objects).map((p) => [p.path, p.replicas])).toEqual([
      ['spec.template.spec.replicatedJobs[0].template.spec.template.spec', 1],
      ['spec.template.spec.replicatedJobs[1].template.spec.template.spec', 1],
      ['spec.template.spec.replicatedJobs[2].template.spec.template.spec', 4],
    ]);
    expect(rt.podSets.map((s) => [s.name, s.count, s.rank?.expression])).toEqual([
      ['dataset-initializer', 1, undefined],
      ['model-initializer', 1, undefined],
      ['node', 4, 'JOB_COMPLETION_INDEX'],
    ]);
  });

  test('MPI: the launcher is the trainer and trains as a node too; the nodes run sshd; done when the launcher is', () => {
    const chart = demoChart();
    const rt = new TrainingRuntime(chart, 'deepspeed', { mlPolicy: { numNodes: 3, mpi: { numProcPerNode: 8, sshAuthMountPath: '/home/mpiuser/.ssh', runLauncherAsNode: true } } });
    rt.nodes.addContainer(container('node', 'ghcr.io/kubeflow/trainer/deepspeed-runtime', { command: ['/usr/sbin/sshd'], args: ['-De'] }));
    rt.launcher!.addContainer(container('node', 'ghcr.io/kubeflow/trainer/deepspeed-runtime'));
    const [o] = render(chart);
    expect(o.spec.mlPolicy).toEqual({ numNodes: 3, mpi: { numProcPerNode: 8, mpiImplementation: 'OpenMPI', sshAuthMountPath: '/home/mpiuser/.ssh', runLauncherAsNode: true } });
    expect(o.spec.template.spec.successPolicy).toEqual({ operator: 'All', targetReplicatedJobs: ['launcher'] });
    expect(o.spec.template.spec.network).toEqual({ enableDNSHostnames: true, publishNotReadyAddresses: true });
    expect(jobsOf(o).map((j: any) => [j.name, j.template.metadata?.labels, j.template.spec.parallelism, j.dependsOn])).toEqual([
      ['node', undefined, 2, undefined],
      ['launcher', { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' }, 1, [{ name: 'node', status: 'Ready' }]],
    ]);
    expect(rt.podSets.map((s) => [s.name, s.count])).toEqual([['node', 2], ['launcher', 1]]);
  });

  test('ClusterTrainingRuntime: cluster-scoped, named with the release namespace', () => {
    const chart = demoChart();
    new ClusterTrainingRuntime(chart, 'torch').nodes.addContainer(container('node'));
    const [o] = render(chart);
    expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual(['ClusterTrainingRuntime', 'ml-rel-demo-torch', undefined]);
  });

  test('throws: a Job without its named container, an initializer without the "initializer" volume, PET_* for "node" or a missing container, two frameworks', () => {
    const chart = demoChart();
    const rt = new TrainingRuntime(chart, 'rt', { mlPolicy: { numNodes: 0, torch: { envInjection: { node: ['node', 'sidecar'] } }, xgboost: true }, launcher: {} });
    rt.nodes.addContainer(container('trainer'));
    rt.addDatasetInitializer().addContainer(container('dataset-initializer'));
    rt.addModelInitializer().addContainer(container('fetch'));
    expect(errorsOf(chart)).toEqual(
      [
        "'mlPolicy.numNodes' (0) must be a whole number between 1 and 100000; run at least one node",
        `'mlPolicy' sets torch and xgboost: a runtime has at most one framework (the CRD refuses more: "Only one of the policy can be configured"); keep one`,
        "'launcher' is set without 'mlPolicy.mpi': only MPI runtimes have a launcher; remove it or set mlPolicy.mpi",
        'container "dataset-initializer" mounts no volume named "initializer": Trainer refuses a TrainJob with spec.initializer unless it does (pkg/runtime/framework/plugins/jobset/jobset.go); mount the storage the nodes read as volume "initializer"',
        'replicated Job "model-initializer" has no container named "model-initializer" (fetch): Trainer applies a TrainJob\'s spec.initializer only to the container of that name (kubeflow/trainer pkg/constants); name it "model-initializer"',
        'replicated Job "node" has no container named "node" (trainer): Trainer applies a TrainJob\'s spec.trainer only to the container of that name (kubeflow/trainer pkg/constants); name it "node"',
        "'mlPolicy.torch.envInjection.node' names \"node\": Trainer always sets PET_* there and the CRD refuses it; remove it",
        "'mlPolicy.torch.envInjection.node' names container \"sidecar\", which replicated Job \"node\" does not have (trainer); add the container or fix the name",
      ].map((e) => `[demo/rt] ${e}`),
    );
    const chart2 = demoChart();
    const rt2 = new TrainingRuntime(chart2, 'rt', { spec: { mlPolicy: { numNodes: 2 } } as never, jobSet: { network: { enableDnsHostnames: false }, startupPolicy: { startupPolicyOrder: 'InOrder' } } as never });
    rt2.nodes.addContainer(container('node'));
    const init = rt2.addDatasetInitializer();
    const c = init.addContainer(container('dataset-initializer'));
    Efs.fromStorageClass(chart2, INITIALIZER_VOLUME, { storageClass: { name: 'strata-efs' } }).mount(c, '/workspace');
    expect(errorsOf(chart2)).toEqual(
      [
        "'spec.mlPolicy' (\"given\") must be unset here; use mlPolicy",
        "'jobSet.network' (\"given\") must be unset here; the nodes find each other by name (PET_MASTER_ADDR): enableDNSHostnames always",
        '\'jobSet.startupPolicy\' is InOrder while Jobs wait for others (dependsOn: the initializers, or the launcher for its nodes): the CRD refuses both ("StartupPolicy and DependsOn APIs are mutually exclusive"); remove startupPolicy',
      ].map((e) => `[demo/rt] ${e}`),
    );
  });
});

describe('TrainJob', () => {
  test('defaults, on a ClusterTrainingRuntime by name: the container "node" is spec.trainer, the pod strata\'s runtime patch; a content-named run', () => {
    const chart = demoChart();
    const job = new TrainJob(chart, 'finetune', { runtime: clusterTrainingRuntime('torch-distributed') });
    job.nodes.addContainer(container('node', 'registry.example.com/train:1.0', { command: ['torchrun'], args: ['train.py'] }));
    const objects = render(chart);
    const [o] = objects;
    expect(o.metadata.name).toMatch(/^rel-demo-finetune-[0-9a-f]{8}$/);
    expect(o.metadata.annotations).toEqual({ 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' });
    expect({ ...o.spec, runtimePatches: undefined }).toEqual({
      runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: 'torch-distributed' },
      trainer: {
        image: 'registry.example.com/train:1.0',
        command: ['torchrun'],
        args: ['train.py'],
        numNodes: 1,
        resourcesPerNode: { limits: { memory: '65536Mi' }, requests: { cpu: '8', memory: '65536Mi' } },
      },
      runtimePatches: undefined,
    });
    expect(o.spec.runtimePatches).toHaveLength(1);
    expect(o.spec.runtimePatches[0].manager).toBe(STRATA_PATCH_MANAGER);
    expect(o.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs.map((j: any) => j.name)).toEqual(['node']);
    // cdk8s-plus's defaults (30 s grace, DNS policy, no service account token) are left to the runtime; the security context is the pod's.
    expect(patchOf(o).spec).toEqual({
      securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
      containers: [
        {
          name: 'node',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        },
      ],
    });
    expect(patchOf(o).metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/component': expect.stringMatching(/^demo-finetune-node-/) });
    // The checks see the trainer's pods: the patch with the trainer's image and resources, numNodes of them.
    const pods = podsOf(objects);
    expect(pods.map((p) => [p.path, p.replicas, p.spec.containers[0].image])).toEqual([
      ['spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec', 1, 'registry.example.com/train:1.0'],
    ]);
    expect(job.podSets.map((s) => [s.name, s.count, s.container, s.rank])).toEqual([['node', 1, 'node', trainerNodeRank(1)]]);
    expect(synthesizeChart(chart)).toMatchObject({ uses: ['operator:kubeflow-trainer'], warnings: [] });
  });

  test('custom: storage, scheduling, credentials, initializers and a deadline reach the nodes through the TrainJob', () => {
    const chart = demoChart();
    const secret = plus.Secret.fromSecretName(chart, 'hf', 'hf-token');
    const job = new TrainJob(chart, 'finetune', {
      runtime: clusterTrainingRuntime('torchtune-llama3.2-1b'),
      numNodes: 4,
      numProcPerNode: 8,
      activeDeadline: Duration.hours(12),
      spec: { suspend: true },
      initializer: { dataset: { storageUri: 'hf://tatsu-lab/alpaca', secret }, model: { storageUri: 's3://models/llama-3.2-1b', env: { AWS_REGION: plus.EnvValue.fromValue('us-west-2') } } },
      nodes: { serviceAccount: plus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'trainer'), dockerRegistryAuth: plus.Secret.fromSecretName(chart, 'pull', 'ecr-pull') },
    });
    const node = job.nodes.addContainer(container('node', 'registry.example.com/train:1.0', { envVariables: { NCCL_DEBUG: plus.EnvValue.fromValue('WARN') } }));
    Efs.fromStorageClass(chart, 'checkpoints', { storageClass: { name: 'strata-efs' } }).mount(node, '/checkpoints');
    PodScheduling.of(job.nodes).require({ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['p5'], origin: '[test] GPUs' });
    job.nodes.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.is('nvidia.com/gpu', 'true', { effect: plus.TaintEffect.NO_SCHEDULE })));
    const objects = render(chart);
    const o = of(objects, 'TrainJob');
    expect([o.spec.activeDeadlineSeconds, o.spec.suspend]).toEqual([43200, true]);
    expect(o.spec.initializer).toEqual({
      dataset: { storageUri: 'hf://tatsu-lab/alpaca', secretRef: { name: 'hf-token' } },
      model: { storageUri: 's3://models/llama-3.2-1b', env: [{ name: 'AWS_REGION', value: 'us-west-2' }] },
    });
    expect(o.spec.trainer).toMatchObject({ numNodes: 4, numProcPerNode: 8, env: [{ name: 'NCCL_DEBUG', value: 'WARN' }], resourcesPerNode: { requests: { cpu: '8', memory: '65536Mi' } } });
    const pod = patchOf(o).spec;
    expect(pod.volumes).toEqual([{ name: 'checkpoints', persistentVolumeClaim: { claimName: 'rel-demo-checkpoints-claim', readOnly: false } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ mountPath: '/checkpoints', name: 'checkpoints' }]);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['p5'] }] },
    ]);
    expect(pod.tolerations).toEqual([{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Equal', value: 'true' }]);
    expect([pod.imagePullSecrets, pod.serviceAccountName]).toEqual([[{ name: 'ecr-pull' }], 'trainer']);
    const [view] = podsOf(objects);
    expect([view.replicas, view.spec.containers[0].env, view.spec.volumes[0].name, view.spec.tolerations.length]).toEqual([4, [{ name: 'NCCL_DEBUG', value: 'WARN' }], 'checkpoints', 1]);
  });

  test('on a TrainingRuntime of the same chart: numNodes from it, both held to the checks, and the install order warned about', () => {
    const chart = demoChart();
    const rt = torchRuntime(chart, 2);
    const job = new TrainJob(chart, 'finetune', { runtime: rt, numProcPerNode: 8 });
    const node = job.nodes.addContainer(container('node', 'registry.example.com/train:1.0', { command: ['torchrun', '/app/train.py'] }));
    Efs.fromStorageClass(chart, 'checkpoints', { storageClass: { name: 'strata-efs' } }).mount(node, '/checkpoints');
    const objects = render(chart);
    expect(objects.map((x) => x.kind)).toEqual(['PersistentVolumeClaim', 'TrainingRuntime', 'TrainJob']);
    const o = of(objects, 'TrainJob');
    expect(o.spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: 'rel-demo-torch' });
    expect(o.spec.trainer.numNodes).toBe(2);
    expect(podsOf(objects).map((p) => [p.owner.replace(/-[0-9a-f]{8}$/, ''), p.replicas])).toEqual([
      ['TrainingRuntime ml/rel-demo-torch', 2],
      ['TrainJob ml/rel-demo-finetune', 2],
    ]);
    expect(job.podSets.map((s) => [s.name, s.count])).toEqual([['node', 2]]);
    expect(synthesizeChart(chart).warnings).toEqual([
      "[demo/finetune] refers to TrainingRuntime torch of the same chart: Helm creates a TrainJob before a TrainingRuntime (kinds it does not know, in alphabetical order) and Trainer's webhook refuses a TrainJob whose runtime does not exist yet, so the chart's first install attempt fails and the next one succeeds; use a ClusterTrainingRuntime (created first), or install the runtime from another chart",
    ]);
    // A ClusterTrainingRuntime of the chart is created before the TrainJob: no warning.
    const chart2 = demoChart();
    const crt = new ClusterTrainingRuntime(chart2, 'torch');
    crt.nodes.addContainer(container('node'));
    new TrainJob(chart2, 'finetune', { runtime: crt }).nodes.addContainer(container('node'));
    expect(synthesizeChart(chart2).warnings).toEqual([]);
    expect(of(render(chart2), 'TrainJob').spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: 'ml-rel-demo-torch' });
  });

  test('whole output: a TrainJob with its TrainingRuntime', () => {
    const chart = demoChart();
    const rt = torchRuntime(chart, 2);
    const init = rt.addDatasetInitializer();
    const shared = Efs.fromStorageClass(chart, INITIALIZER_VOLUME, { storageClass: { name: 'strata-efs' } });
    shared.mount(init.addContainer(container('dataset-initializer', 'ghcr.io/kubeflow/trainer/dataset-initializer:v2.3.0')), '/workspace');
    shared.mount(rt.nodes.containers[0], '/workspace', { readOnly: true });
    const job = new TrainJob(chart, 'finetune', { runtime: rt, numNodes: 2, numProcPerNode: 8, initializer: { dataset: { storageUri: 'hf://tatsu-lab/alpaca' } } });
    const node = job.nodes.addContainer(container('node', 'registry.example.com/train:1.0', { command: ['torchrun', '/app/train.py'] }));
    Efs.fromStorageClass(chart, 'checkpoints', { storageClass: { name: 'strata-efs' } }).mount(node, '/checkpoints');
    const objects = render(chart);
    podsOf(objects);
    // The CRD's own rules on the name (x-kubernetes-validations of TrainJob).
    const name = of(objects, 'TrainJob').metadata.name;
    expect([/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name), name.length <= 63]).toEqual([true, true]);
    expect(objects).toMatchSnapshot();
  });

  test('scheduling on both the runtime and the TrainJob: the patch states both, since Trainer\'s strategic merge replaces terms and tolerations', () => {
    const chart = demoChart();
    const rt = torchRuntime(chart);
    // The runtime: on-demand nodes (node-local checkpoints) with local NVMe, a toleration of its own.
    PodScheduling.of(rt.nodes).require({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'], origin: '[test] checkpoints' });
    rt.nodes.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.exists('dedicated', { effect: plus.TaintEffect.NO_SCHEDULE })));
    // The TrainJob: the dataset's zone, GPU nodes of two families (two ORed terms), the GPU taint.
    const job = new TrainJob(chart, 'finetune', { runtime: rt });
    job.nodes.addContainer(container('node'));
    PodScheduling.of(job.nodes).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'], origin: '[test] the dataset' });
    job.nodes.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('karpenter.k8s.aws/instance-family', 'p5')));
    job.nodes.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('karpenter.k8s.aws/instance-family', 'p4d')));
    job.nodes.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: plus.TaintEffect.NO_SCHEDULE })));
    const objects = render(chart);
    const runtimePod = jobsOf(of(objects, 'TrainingRuntime'))[0].template.spec.template.spec;
    const patch = patchOf(of(objects, 'TrainJob')).spec;
    const terms = (spec: any) => spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const onDemand = { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] };
    const zone = { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'] };
    const family = (f: string) => ({ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [f] });
    expect(terms(runtimePod)).toEqual([{ matchExpressions: [onDemand] }]);
    // Each of the TrainJob's terms ANDed with the runtime's: what the merged pod needs.
    expect(terms(patch)).toEqual([{ matchExpressions: [family('p5'), zone, onDemand] }, { matchExpressions: [family('p4d'), zone, onDemand] }]);
    expect(patch.tolerations).toEqual([
      { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    // The checks see the TrainJob's pods with both.
    expect(terms(podsOf(objects).find((p) => p.owner.startsWith('TrainJob'))!.spec)).toEqual(terms(patch));
    // What only the runtime sets stays with it (the merge keeps it): the patch does not repeat it.
    const quiet = demoChart();
    const rt2 = torchRuntime(quiet);
    PodScheduling.of(rt2.nodes).require({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'], origin: '[test] checkpoints' });
    new TrainJob(quiet, 'finetune', { runtime: rt2 }).nodes.addContainer(container('node'));
    const patch2 = patchOf(of(render(quiet), 'TrainJob')).spec;
    expect([patch2.affinity, patch2.tolerations]).toEqual([undefined, undefined]);
  });

  test('a helper container is refused on the TrainJob and belongs on the runtime, where every TrainJob on it gets it', () => {
    const chart = demoChart();
    const rt = torchRuntime(chart);
    const job = new TrainJob(chart, 'finetune', { runtime: rt });
    job.nodes.addContainer(container('node'));
    job.nodes.addContainer(container('checkpoint-sync', 'public.ecr.aws/aws-cli/aws-cli:2.27.0'));
    expect(errorsOf(chart)).toEqual([
      '[demo/finetune/RuntimePatch] container "checkpoint-sync" of nodes: a TrainJob cannot add one to its runtime\'s pods (a runtime patch only changes containers the runtime has, and has no image); add it to the TrainingRuntime torch (its nodes template: torch.nodes), which every TrainJob on it gets',
    ]);
    // On the runtime it works; the TrainJob is the same run as without it (its spec, hence its name, is unchanged).
    const name = (withHelper: boolean) => {
      const c = demoChart();
      const r = torchRuntime(c);
      if (withHelper) r.nodes.addContainer(container('checkpoint-sync', 'public.ecr.aws/aws-cli/aws-cli:2.27.0'));
      new TrainJob(c, 'finetune', { runtime: r }).nodes.addContainer(container('node'));
      const objects = render(c);
      return { runtime: jobsOf(of(objects, 'TrainingRuntime'))[0].template.spec.template.spec.containers.map((x: any) => x.name), job: of(objects, 'TrainJob').metadata.name };
    };
    const [without, withHelper] = [name(false), name(true)];
    expect([without.runtime, withHelper.runtime]).toEqual([['node'], ['node', 'checkpoint-sync']]);
    expect(withHelper.job).toBe(without.job);
  });

  test('throws: what a TrainJob cannot carry, with where to set it', () => {
    const chart = demoChart();
    const rt = torchRuntime(chart);
    const job = new TrainJob(chart, 'finetune', {
      runtime: rt,
      numNodes: 0,
      initializer: { model: { storageUri: 'llama-3' } },
      nodes: { hostNetwork: true },
    });
    job.nodes.addInitContainer(container('wait-for-data'));
    job.nodes.addContainer(
      container('node', 'registry.example.com/train:1.0', {
        imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
        workingDir: '/app',
        ports: [{ number: 29500 }],
        envVariables: { PET_NODE_RANK: plus.EnvValue.fromValue('0') },
      }),
    );
    const where = 'set it on the TrainingRuntime torch (its nodes template: torch.nodes), which every TrainJob on it gets';
    const takes = 'a TrainJob (spec.trainer and its runtime patch) takes only';
    const pod = `${takes} affinity, containers, imagePullSecrets, initContainers, nodeSelector, schedulingGates, securityContext, serviceAccountName, terminationGracePeriodSeconds, tolerations, volumes`;
    const c = `${takes} name, image, command, args, env, resources, volumeMounts, securityContext of a container`;
    expect(errorsOf(chart)).toEqual([
      "[demo/finetune] 'numNodes' (0) must be a whole number between 1 and 100000; run at least one node",
      `[demo/finetune] 'initializer.model.storageUri' ("llama-3") must be empty or a URI (scheme://…) of at most 2048 characters; e.g. "hf://tatsu-lab/alpaca" or "s3://bucket/prefix"`,
      "[demo/finetune/RuntimePatch] 'initializer.model' is set, but TrainingRuntime torch has no \"model-initializer\" Job, and Trainer's webhook refuses the TrainJob; add one with torch.addModelInitializer(…), or remove initializer.model",
      '[demo/finetune/RuntimePatch] init container "wait-for-data" of nodes: a TrainJob cannot add one to its runtime\'s pods (a runtime patch only changes containers the runtime has, and has no image); add it to the TrainingRuntime torch (its nodes template: torch.nodes), which every TrainJob on it gets',
      `[demo/finetune/RuntimePatch] ${pod}: 'hostNetwork' (true) cannot be set there; ${where}`,
      `[demo/finetune/RuntimePatch] ${c}: 'containers[node].imagePullPolicy' ("IfNotPresent") cannot be set there; ${where}`,
      `[demo/finetune/RuntimePatch] ${c}: 'containers[node].ports' ([{"containerPort":29500}]) cannot be set there; ${where}`,
      `[demo/finetune/RuntimePatch] ${c}: 'containers[node].workingDir' ("/app") cannot be set there; ${where}`,
      '[demo/finetune/RuntimePatch] container "node" sets PET_NODE_RANK: Trainer sets these itself and refuses them in spec.trainer.env (kubeflow/trainer pkg/constants TorchRunReservedEnvNames, MPIReservedEnvNames, XGBoostReservedEnvNames); remove them',
    ]);
  });

  test('throws: no trainer container, a runtime name no cluster has, an MPI runtime, a runtime of another chart', () => {
    const chart = demoChart();
    new TrainJob(chart, 'a', { runtime: clusterTrainingRuntime('Torch_Distributed') }).nodes.addContainer(container('trainer'));
    const mpi = new TrainingRuntime(chart, 'mpi', { mlPolicy: { mpi: {} } });
    mpi.nodes.addContainer(container('node'));
    mpi.launcher!.addContainer(container('node'));
    new TrainJob(chart, 'b', { runtime: mpi }).nodes.addContainer(container('node'));
    const other = demoChart();
    new TrainJob(other, 'c', { runtime: torchRuntime(chart) }).nodes.addContainer(container('node'));
    expect(errorsOf(chart)).toEqual([
      `[demo/a] 'runtime.name' ("Torch_Distributed") must be the name of a ClusterTrainingRuntime: a DNS subdomain of at most 253 characters; e.g. "torch-distributed"`,
      '[demo/a/RuntimePatch] nodes has no container named "node" (trainer): Trainer puts spec.trainer (image, command, args, env, resources) only into the container of that name (kubeflow/trainer pkg/constants Node); add the trainer as nodes.addContainer({ name: \'node\', … })',
      '[demo/b] \'runtime\' mpi is an MPI runtime: its trainer is the "launcher" Job and its "node" pods run sshd, while a TrainJob\'s nodes template is the "node" Job; strata does not model MPI TrainJobs yet — create this TrainJob outside the chart (Kubeflow SDK, kubectl)',
    ]);
    expect(errorsOf(other)).toEqual([expect.stringMatching(/^\[demo\/c\] 'runtime' is TrainingRuntime demo\/torch, of another chart: its name is its own release's; refer to it by name \(clusterTrainingRuntime\(…\) or trainingRuntime\(…\)\) or create it in this chart$/)]);
    // Fields strata writes cannot come in through spec; a numNodes other than the runtime's is warned about.
    const extra = demoChart();
    new TrainJob(extra, 'e', { runtime: clusterTrainingRuntime('torch-distributed'), spec: { trainer: { numNodes: 2 }, runtimePatches: [] } as never }).nodes.addContainer(container('node'));
    expect(errorsOf(extra)).toEqual([
      `[demo/e] 'spec.trainer' ("given") must be unset here; use numNodes, numProcPerNode and the container "node" of nodes`,
      `[demo/e] 'spec.runtimePatches' ("given") must be unset here; use nodes: strata writes its one patch (manager strata.dev/trainjob) from it`,
    ]);
    const sized = demoChart();
    new TrainJob(sized, 'f', { runtime: torchRuntime(sized, 2), numNodes: 8 }).nodes.addContainer(container('node'));
    expect(synthesizeChart(sized).warnings[0]).toBe(
      "[demo/f] 'numNodes' (8) is not TrainingRuntime torch's (2): Trainer runs 8 nodes, but what is computed from the runtime's pod sets (a checkpoint's ranks, …) counts 2; give the runtime the same numNodes",
    );
    // A TrainingRuntime another chart installs, by name.
    const named = demoChart();
    new TrainJob(named, 'd', { runtime: trainingRuntime('team-torch') }).nodes.addContainer(container('node'));
    expect(of(render(named), 'TrainJob').spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: 'team-torch' });
  });

  test('the runtime patch manager is a domain-prefixed path (Trainer\'s webhook) of at most 253 characters (the CRD)', () => {
    // k8s.io/apimachinery pkg/util/validation IsDomainPrefixedPath: a DNS subdomain, "/", then URL path characters.
    const [host, path] = [STRATA_PATCH_MANAGER.slice(0, STRATA_PATCH_MANAGER.indexOf('/')), STRATA_PATCH_MANAGER.slice(STRATA_PATCH_MANAGER.indexOf('/') + 1)];
    expect(host).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    expect(path).toMatch(/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/);
    expect(STRATA_PATCH_MANAGER.length).toBeLessThanOrEqual(253);
  });
});
