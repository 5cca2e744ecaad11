import { checkSummaries, joinRuntimes, LifecycleEnvironment, lifecycleFacts, lifecycleFindings, Manifest, placeRelease, podSpecsOf, summarize } from '../src';

/**
 * A TrainJob's pods are its runtime's templates with the TrainJob's trainer fields and runtime
 * patches merged in (kubeflow/trainer@v2.3.0 pkg/runtime/core/trainingruntime.go, the jobset
 * plugin). The checks see that pod whole when the runtime is among the objects checked with the
 * TrainJob — its release, or for the reference lint and the lifecycle check its environment — and
 * count the runtime's own templates as running no pods.
 */
const ANCESTOR = 'trainer.kubeflow.org/trainjob-ancestor-step';
const FLUSH = '{"checkpointMiB":16384,"uploadMiBps":250,"localWriteMiBps":1000}';

/** A runtime like strata's fsdp-training one: checkpoints on local NVMe, a restore step and a sync sidecar, on-demand nodes. */
function runtime(name: string, serviceAccountName = 'training'): Manifest {
  const helper = (n: string, extra: Record<string, unknown> = {}) => ({ name: n, image: 'aws-cli:2', env: [{ name: 'CHECKPOINT_DIR', value: '/checkpoints' }], resources: { requests: { cpu: '250m', memory: '1Gi' } }, ...extra });
  return {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'ClusterTrainingRuntime',
    metadata: { name },
    spec: {
      mlPolicy: { numNodes: 2, torch: {} },
      template: {
        spec: {
          replicatedJobs: [
            {
              name: 'node',
              replicas: 1,
              template: {
                metadata: { labels: { [ANCESTOR]: 'trainer' } },
                spec: {
                  parallelism: 2,
                  completions: 2,
                  template: {
                    metadata: { annotations: { 'karpenter.sh/do-not-disrupt': 'true', 'strata.dev/flush': FLUSH } },
                    spec: {
                      serviceAccountName,
                      restartPolicy: 'Never',
                      terminationGracePeriodSeconds: 97,
                      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] }] } } },
                      initContainers: [helper('restore-checkpoint'), helper('checkpoint-sync', { restartPolicy: 'Always' })],
                      containers: [
                        {
                          name: 'node',
                          image: 'pytorch:2',
                          resources: { requests: { cpu: '1', memory: '4Gi', 'ephemeral-storage': '500Gi' }, limits: { memory: '4Gi' } },
                          volumeMounts: [{ name: 'scratch', mountPath: '/checkpoints' }],
                        },
                      ],
                      volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '500Gi' } }],
                    },
                  },
                },
              },
            },
          ],
        },
      },
    },
  };
}

/** A TrainJob on it: 4 nodes of 8 GPUs, the GPU toleration, the dataset claim, the run's checkpoint location for the helpers. */
function trainJob(runtimeName: string, namespace = 'ml'): Manifest {
  return {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: { name: 'train-0123abcd', namespace },
    spec: {
      runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: runtimeName },
      trainer: {
        image: 'trainer:1',
        numNodes: 4,
        resourcesPerNode: { requests: { cpu: '32', memory: '256Gi', 'nvidia.com/gpu': 8 }, limits: { memory: '256Gi', 'nvidia.com/gpu': 8 } },
      },
      runtimePatches: [
        {
          manager: 'strata.dev/trainjob',
          trainingRuntimeSpec: {
            template: {
              spec: {
                replicatedJobs: [
                  {
                    name: 'node',
                    template: {
                      spec: {
                        template: {
                          spec: {
                            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
                            initContainers: [
                              { name: 'restore-checkpoint', env: [{ name: 'CHECKPOINT_URI', value: 's3://ckpt/run-2/' }] },
                              { name: 'checkpoint-sync', env: [{ name: 'CHECKPOINT_URI', value: 's3://ckpt/run-2/' }] },
                            ],
                            containers: [{ name: 'node', volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'scratch', mountPath: '/scratch' }] }],
                            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'dataset', readOnly: true } }],
                          },
                        },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      ],
    },
  };
}

const account = (namespace: string): Manifest => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'training', namespace } });
const claim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'dataset', namespace: 'ml' }, spec: { storageClassName: 'strata-fsx-lustre' } };
const storageClass: Manifest = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'strata-fsx-lustre' }, provisioner: 'fsx.csi.aws.com' };

/** GPU nodes without local NVMe (root volume only), and CPU nodes with it. */
const GPU_ROOT: Manifest = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'gpu' },
  spec: {
    template: {
      spec: {
        nodeClassRef: { name: 'root' },
        requirements: [
          { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Exists' },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        ],
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        terminationGracePeriod: '2h',
      },
    },
  },
};
const CPU_NVME: Manifest = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'cpu' },
  spec: { template: { spec: { nodeClassRef: { name: 'nvme' }, requirements: [{ key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'DoesNotExist' }, { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] }] } } },
};
const NODE_CLASSES: Manifest[] = [
  { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'nvme' }, spec: { instanceStorePolicy: 'RAID0' } },
  { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'root' }, spec: {} },
];
const FILE = 'environments/dev/environment.ts';

/** An environment of one app release (its facts given) beside the node pools. */
function environment(...apps: { releaseName: string; namespace: string; facts: ReturnType<typeof lifecycleFacts> }[]): LifecycleEnvironment {
  return {
    name: 'dev',
    file: FILE,
    releases: [
      { chart: 'storage-instance-store', releaseName: 'storage-instance-store', namespace: 'flux-system', layer: 'infrastructure', facts: lifecycleFacts([GPU_ROOT, CPU_NVME, ...NODE_CLASSES]) },
      ...apps.map((a) => ({ chart: a.releaseName, layer: 'app' as const, ...a })),
    ],
    controllers: new Map(),
    nodeGroups: [],
  };
}
const schedulable = (e: LifecycleEnvironment) => lifecycleFindings(e).filter((f) => f.rule === 'schedulable').map((f) => f.message);
// 32 CPU and 256 GiB of the trainer (the TrainJob's resourcesPerNode over the runtime's 1 CPU, 4 GiB), 0.25 CPU and 1 GiB of the sync sidecar.
const NEEDS = 'it needs 8 nvidia.com/gpu, 32.25 CPU, 257 GiB memory, 500 GiB ephemeral storage, karpenter.sh/capacity-type In on-demand, tolerating nvidia.com/gpu';
const WHY = 'NodePool gpu: it requests 500 GiB of ephemeral storage; its nodes have only their root volume (no local NVMe: no karpenter.k8s.aws/instance-local-nvme requirement on a RAID0 node class); NodePool cpu: it requests 8 GPU(s); its nodes have none (karpenter.k8s.aws/instance-gpu-count DoesNotExist)';

describe('a TrainJob and its runtime in one release', () => {
  const objects = placeRelease([account('ml'), claim, storageClass, runtime('ml-train-torch'), trainJob('ml-train-torch')], 'ml');

  test('the pod that runs is checked whole: 8 GPUs from the TrainJob and 500 GiB of NVMe from the runtime fit no pool', () => {
    // Each alone fits: the TrainJob's GPUs the GPU pool, the runtime's NVMe the CPU pool.
    expect(schedulable(environment({ releaseName: 'train', namespace: 'ml', facts: lifecycleFacts(objects.filter((o) => o.kind !== 'ClusterTrainingRuntime')) }))).toEqual([]);
    expect(schedulable(environment({ releaseName: 'train', namespace: 'ml', facts: lifecycleFacts(objects.filter((o) => o.kind !== 'TrainJob')) }))).toEqual([]);
    expect(schedulable(environment({ releaseName: 'train', namespace: 'ml', facts: lifecycleFacts(objects) }))).toEqual([
      `${FILE}: [schedulable] release ml/train (chart train): TrainJob ml/train-0123abcd can run on no NodePool or node group, so it stays Pending; ${NEEDS} — ${WHY}`,
    ]);
    // The pods as counted: the TrainJob's numNodes, none for the runtime's template.
    expect(lifecycleFacts(objects).pods.map((p) => [p.owner, p.path, p.needs.replicas])).toEqual([
      ['ClusterTrainingRuntime ml-train-torch', 'spec.template.spec.replicatedJobs[0].template.spec.template.spec', 0],
      ['TrainJob ml/train-0123abcd', 'jobSet.spec.replicatedJobs[node].template.spec.template.spec', 4],
    ]);
  });

  test('the whole pod holds the runtime\'s helpers with the run\'s checkpoint location, and passes the reference lint in the TrainJob\'s namespace', () => {
    const pods = podSpecsOf(objects).filter((p) => p.id.startsWith('TrainJob/'));
    expect(pods).toHaveLength(1);
    const [pod] = pods;
    expect(pod.spec.initContainers.map((c: any) => [c.name, c.image, c.env])).toEqual([
      ['restore-checkpoint', 'aws-cli:2', [{ name: 'CHECKPOINT_DIR', value: '/checkpoints' }, { name: 'CHECKPOINT_URI', value: 's3://ckpt/run-2/' }]],
      ['checkpoint-sync', 'aws-cli:2', [{ name: 'CHECKPOINT_DIR', value: '/checkpoints' }, { name: 'CHECKPOINT_URI', value: 's3://ckpt/run-2/' }]],
    ]);
    // The patch mounts the runtime's volume "scratch": a volume of the pod that runs.
    expect(checkSummaries({ dev: [summarize(objects)] }).problems).toEqual([]);
  });
});

describe('a TrainJob on a runtime another release of the environment makes', () => {
  const platform = placeRelease([account('platform'), runtime('platform-torch')], 'platform');
  const team = placeRelease([claim, storageClass, trainJob('platform-torch')], 'ml');

  test('each release alone: the TrainJob is seen through its patch only, and its mount of the runtime\'s volume looks dangling', () => {
    const summaries = [summarize(platform), summarize(team)];
    expect(summaries.map((s) => [s.trainer?.runtimes.map((r) => r.metadata.name), s.trainer?.trainJobs.map((t) => t.metadata.name)])).toEqual([
      [['platform-torch'], []],
      [[], ['train-0123abcd']],
    ]);
    expect(checkSummaries({ dev: summaries }).problems).toEqual([
      'dev: TrainJob ml/train-0123abcd spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[node].volumeMounts[/scratch]: volume "scratch" is not a volume of the pod',
    ]);
  });

  test('joined per environment: the whole pod, its references looked up in the TrainJob\'s namespace, and its needs checked', () => {
    const joined = joinRuntimes([summarize(platform), summarize(team)]);
    // The runtime's service account is in its release's namespace, not in the TrainJob's, where its pods run.
    expect(checkSummaries({ dev: joined }).problems).toEqual([
      'dev: TrainJob ml/train-0123abcd jobSet.spec.replicatedJobs[node].template.spec.template.spec.serviceAccountName: ServiceAccount ml/training does not exist in dev (there is one in namespace platform: the wrong namespace)',
    ]);
    expect(joined[1].trainer).toEqual({ runtimes: [], trainJobs: [] });
    expect(schedulable(environment({ releaseName: 'platform', namespace: 'platform', facts: joined[0].lifecycle }, { releaseName: 'team', namespace: 'ml', facts: joined[1].lifecycle }))).toEqual([
      `${FILE}: [schedulable] release ml/team (chart team): TrainJob ml/train-0123abcd can run on no NodePool or node group, so it stays Pending; ${NEEDS} — ${WHY}`,
    ]);
    // With the account in the TrainJob's namespace too, nothing dangles.
    expect(checkSummaries({ dev: joinRuntimes([summarize(platform), summarize([...team, ...placeRelease([account('ml')], 'ml')])]) }).problems).toEqual([]);
  });

  test('a runtime no release makes: the TrainJob alone, as before', () => {
    expect(joinRuntimes([summarize(team)])).toEqual([summarize(team)]);
  });
});
