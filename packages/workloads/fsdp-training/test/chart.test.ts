import FsdpTrainingChart from '../src/chart';
import { chartPolicies, describeChart, render } from '@strata/chart-testing';
import { podTemplatesOf } from '@strata/tokens';

const EXISTING = {
  storageClassName: '',
  existingFileSystem: {
    enabled: true,
    fileSystemId: 'fs-0123456789abcdef0',
    mountName: 'abcdef12',
    associationId: 'dra-0123456789abcdef0',
  },
  zone: 'b',
  path: 'corpus/',
  size: 2400,
};

const { dir } = describeChart({
  name: 'fsdp-training',
  Chart: FsdpTrainingChart,
  numRuns: 30,
  kinds: ['ClusterTrainingRuntime', 'PersistentVolumeClaim', 'Pod', 'ServiceAccount', 'TrainJob'],
  allOn: { dataset: EXISTING, trainer: { efaPerNode: 4 } },
  allOnKinds: ['ClusterTrainingRuntime', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'ServiceAccount', 'TrainJob'],
  invalid: [
    [{ trainer: { numNodes: 0 } }, 'trainer.numNodes: Must be greater than or equal to 1'],
    [{ trainer: { gpusPerNode: 0 } }, 'trainer.gpusPerNode: Must be greater than or equal to 1'],
    [{ trainer: { gpusPerNode: 16 } }, 'trainer.gpusPerNode: Must be less than or equal to 8'],
    [{ trainer: { efaPerNode: 33 } }, 'trainer.efaPerNode: Must be less than or equal to 32'],
    [{ trainer: { command: [] } }, 'trainer.command: Array must have at least 1 items'],
    [{ image: { tag: ':latest' } }, 'image.tag: Does not match pattern'],
    [{ dataset: { size: 1300 } }, 'dataset.size: Must validate all the schemas (allOf)'],
    [{ dataset: { zone: 'use1-az1' } }, 'dataset.zone: dataset.zone must be one of the following: "a", "b", "c", "d", "e", "f"'],
    [{ dataset: { existingFileSystem: { enabled: true } } }, 'dataset.existingFileSystem.fileSystemId: Must not validate the schema (not)'],
    [{ dataset: { ...EXISTING, storageClassName: 'strata-fsx-lustre' } }, 'dataset.storageClassName: dataset.storageClassName must be one of the following: ""'],
    [{ dataset: { existingFileSystem: { associationId: 'dra-xyz' } } }, 'dataset.existingFileSystem.associationId: Does not match pattern'],
    [{ checkpoints: { run: 'a/b' } }, 'checkpoints.run: Does not match pattern'],
    [{ checkpoints: { bucket: 's3://ml-checkpoints' } }, 'checkpoints.bucket: Does not match pattern'],
    [{ checkpoints: { checkpointSize: 0 } }, 'checkpoints.checkpointSize: Must be greater than or equal to 1'],
    [{ serviceAccounts: { other: {} } }, 'serviceAccounts: Additional property other is not allowed'],
  ],
});

const trainJobOf = (objs: any[]) => objs.find((o) => o.kind === 'TrainJob');
const runtimeOf = (objs: any[]) => objs.find((o) => o.kind === 'ClusterTrainingRuntime');
const patchOf = (tj: any) => tj.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template;
const nodesOf = (rt: any) => rt.spec.template.spec.replicatedJobs[0].template.spec;

describe('fsdp-training release', () => {
  test('the TrainJob: GPUs and EFA per node, torchrun processes per GPU, the dataset read-only in its zone on on-demand nodes; the runtime holds the checkpoint helpers, the TrainJob the run\'s location', async () => {
    const objs = await render(dir, { trainer: { numNodes: 4, gpusPerNode: 8, efaPerNode: 32 }, aws: { region: 'us-west-2' }, dataset: { zone: 'c' } }, { skipTests: true });
    const tj = trainJobOf(objs);
    const rt = runtimeOf(objs);
    expect(tj.spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: rt.metadata.name });
    expect(rt.metadata.name).toBe('ns-rel-fsdp-training-runtime');
    expect(tj.spec.trainer).toMatchObject({
      image: 'docker.io/pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime',
      numNodes: 4,
      numProcPerNode: 8,
      resourcesPerNode: {
        requests: { cpu: '32', memory: '262144Mi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
        limits: { memory: '262144Mi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
      },
    });
    expect(tj.spec.trainer.command.slice(0, 4)).toEqual(['torchrun', '--no-python', 'python3', '-c']);
    expect(tj.spec.trainer.env).toEqual(expect.arrayContaining([{ name: 'DATASET_DIR', value: '/data' }, { name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/fsdp-training/run-1/' }, { name: 'FI_EFA_USE_HUGE_PAGE', value: '0' }]));
    const pod = patchOf(tj).spec;
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'shm', mountPath: '/dev/shm' },
      { name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'v1' },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '65536Mi' } });
    // The zone of the file system (and of EFA traffic), and the runtime's on-demand requirement (node-local checkpoints), which the merge would otherwise drop.
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2c'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        ],
      },
    ]);
    expect(pod.tolerations.map((t: any) => t.key)).toEqual(['aws.amazon.com/efa', 'nvidia.com/gpu']);
    // The runtime: 4 indexed pods, the restore step and the native sync sidecar on 500 GiB of NVMe, grace = the flush of a 16 GiB checkpoint.
    const nodes = nodesOf(rt);
    expect([rt.spec.mlPolicy, nodes.completions, nodes.parallelism, rt.spec.template.spec.failurePolicy]).toEqual([{ numNodes: 4, torch: {} }, 4, 4, { maxRestarts: 3 }]);
    const rpod = nodes.template.spec;
    expect(rpod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['restore-checkpoint', undefined], ['checkpoint-sync', 'Always']]);
    // The run's location and ranks are the TrainJob's: its patch of the helpers (the runtime holds no run).
    expect(rpod.initContainers.flatMap((c: any) => c.env.map((e: any) => e.name))).not.toEqual(expect.arrayContaining(['CHECKPOINT_URI']));
    expect(pod.initContainers).toEqual([
      { name: 'restore-checkpoint', env: [{ name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/fsdp-training/run-1/' }, { name: 'CHECKPOINT_RANKS', value: '4' }] },
      { name: 'checkpoint-sync', env: [{ name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/fsdp-training/run-1/' }] },
    ]);
    expect(rpod.containers[0].resources.requests['ephemeral-storage']).toBe('500Gi');
    expect(rpod.terminationGracePeriodSeconds).toBe(97);
    expect(nodes.template.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
    expect([rpod.serviceAccountName, pod.serviceAccountName]).toEqual(['rel-fsdp-training-sa-training', 'rel-fsdp-training-sa-training']);
    // What the checks see: the runtime's template runs no pod; the pod that runs is both merged, 4 of them.
    const pods = objs.flatMap((o) => podTemplatesOf(o, undefined, { objects: objs }));
    expect(pods.map((p) => [p.kind, p.path, p.replicas])).toEqual([
      ['ClusterTrainingRuntime', 'spec.template.spec.replicatedJobs[0].template.spec.template.spec', 0],
      ['TrainJob', 'jobSet.spec.replicatedJobs[node].template.spec.template.spec', 4],
    ]);
    const whole = pods[1].spec;
    expect(whole.containers[0].resources).toEqual({
      requests: { cpu: '32', memory: '262144Mi', 'ephemeral-storage': '500Gi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
      limits: { memory: '262144Mi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
    });
    expect(whole.initContainers.map((c: any) => [c.name, c.env.find((e: any) => e.name === 'CHECKPOINT_URI')?.value])).toEqual([
      ['restore-checkpoint', 's3://ml-checkpoints/fsdp-training/run-1/'],
      ['checkpoint-sync', 's3://ml-checkpoints/fsdp-training/run-1/'],
    ]);
    expect(whole.volumes.map((v: any) => v.name)).toEqual(expect.arrayContaining(['scratch', 'fsx', 'shm', 'tmp']));
  });

  test('a new run is a new TrainJob on the same runtime, unchanged; the checkpoint policy reads and writes only under the prefix', async () => {
    const before = await render(dir, undefined, { skipTests: true });
    const after = await render(dir, { checkpoints: { run: 'run-2' } }, { skipTests: true });
    expect(trainJobOf(after).metadata.name).not.toBe(trainJobOf(before).metadata.name);
    expect(trainJobOf(after).metadata.annotations['helm.toolkit.fluxcd.io/driftDetection']).toBe('disabled');
    expect(runtimeOf(after)).toEqual(runtimeOf(before));
    const uri = { name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/fsdp-training/run-2/' };
    expect([trainJobOf(after).spec.trainer.env, ...patchOf(trainJobOf(after)).spec.initContainers.map((c: any) => c.env)]).toEqual([expect.arrayContaining([uri]), expect.arrayContaining([uri]), [uri]]);
    expect(after.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const policy = chartPolicies(dir, { checkpoints: { run: 'run-2' } }).training;
    expect(policy.Statement.map((s: any) => [s.Action, s.Resource, s.Condition])).toEqual([
      [['s3:ListBucket'], ['arn:aws:s3:::ml-checkpoints'], { StringLike: { 's3:prefix': ['fsdp-training/*'] } }],
      [['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], ['arn:aws:s3:::ml-checkpoints/fsdp-training/*'], undefined],
    ]);
  });

  test('an existing PERSISTENT_2 file system is pre-bound to the dataset claim, its association\'s directory mounted', async () => {
    const objs = await render(dir, { dataset: EXISTING }, { skipTests: true });
    const pv = objs.find((o) => o.kind === 'PersistentVolume');
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    expect([claim.spec.storageClassName, pv.spec.claimRef]).toEqual(['', { name: claim.metadata.name, namespace: 'ns' }]);
    expect(pv.spec.csi).toEqual({ driver: 'fsx.csi.aws.com', volumeHandle: 'fs-0123456789abcdef0', volumeAttributes: { dnsname: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountname: 'abcdef12' } });
    expect(patchOf(trainJobOf(objs)).spec.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'corpus/v1' });
  });
});
