import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { AccessMode, S3Mountpoint } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { ClusterTrainingRuntime, clusterTrainingRuntime, JobSet, LeaderWorkerSet, PyTorchJob, RayCluster, TrainJob } from '@strata/kinds';
import { containerProps, ParallelJob, TrainingCheckpoint, TrainingCheckpointProps, WorkloadIdentity } from '../src';
import { newChart, one, synth, synthErrors, synthValid, warnings } from './testing';
import { podSpecsOf } from '@strata/checks';

function checkpoint(props: Partial<TrainingCheckpointProps> = {}, workers = 1) {
  const chart = newChart();
  const job = (props.job as ParallelJob | undefined) ?? new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: workers });
  const ckpt = new TrainingCheckpoint(chart, 'checkpoints', {
    job,
    destination: { bucket: 'ml-checkpoints', prefix: 'llama/' },
    run: 'run-7',
    size: Size.gibibytes(200),
    checkpointSize: Size.gibibytes(16),
    ...props,
  });
  return { chart, job, ckpt };
}

describe('TrainingCheckpoint', () => {
  test('snapshot', () => {
    expect(synthValid(checkpoint().chart)).toMatchSnapshot();
  });

  test('the sync sidecar is an init container with restartPolicy Always, after the restore step; the Job still completes', () => {
    const { chart } = checkpoint();
    const job = one(synthValid(chart), 'Job');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.initContainers.map((c: any) => ({ name: c.name, restartPolicy: c.restartPolicy }))).toEqual([
      { name: 'restore-checkpoint', restartPolicy: undefined },
      { name: 'checkpoint-sync', restartPolicy: 'Always' },
    ]);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['worker']); // nothing that never exits among the Job's containers
    const sidecar = pod.initContainers[1];
    expect(sidecar.env).toEqual([
      { name: 'CHECKPOINT_DIR', value: '/checkpoints' },
      { name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/llama/run-7/' },
      { name: 'HOME', value: '/tmp' },
      { name: 'SYNC_INTERVAL_SECONDS', value: '300' },
    ]);
    expect(sidecar.command[2]).toContain('trap final TERM INT');
  });

  test('the restore step pulls the newest checkpoint all ranks completed into the scratch', () => {
    const { chart } = checkpoint({}, 4);
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    const restore = pod.initContainers[0];
    expect(restore.env).toContainEqual({ name: 'CHECKPOINT_RANKS', value: '4' });
    expect(restore.volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/checkpoints' });
  });

  test('checkpoints live on instance-store NVMe: an emptyDir with a sizeLimit, requested as ephemeral storage by the worker', () => {
    const { chart } = checkpoint();
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'scratch', emptyDir: { sizeLimit: '204800Mi' } });
    expect(pod.containers[0].resources.requests['ephemeral-storage']).toBe('200Gi');
    expect(pod.containers[0].env).toContainEqual({ name: 'CHECKPOINT_DIR', value: '/checkpoints' });
    for (const c of [...pod.initContainers, ...pod.containers]) expect(c.volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/checkpoints' });
  });

  test('the trainer is told where a finished run is marked (CHECKPOINT_RUN_FINISHED, written by the restore step)', () => {
    const { chart } = checkpoint({ mountPath: '/ckpt' });
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: 'CHECKPOINT_RUN_FINISHED', value: '/ckpt/.strata-run-finished' });
  });

  test('terminationGracePeriodSeconds is the flush budget, derived from the checkpoint size and the throughputs', () => {
    const { chart } = checkpoint({ flushBudget: Duration.seconds(240) });
    expect(one(synthValid(chart), 'Job').spec.template.spec.terminationGracePeriodSeconds).toBe(240);
    expect(warnings(chart)).toEqual([]);
    // 16 GiB written at 1000 MiB/s (16.4 s) and uploaded at 250 MiB/s (65.5 s), + 15 s.
    const def = checkpoint();
    const pod = one(synthValid(def.chart), 'Job').spec.template;
    expect(pod.spec.terminationGracePeriodSeconds).toBe(97);
    const big = checkpoint({ checkpointSize: Size.gibibytes(64), uploadThroughputMiBps: 500 });
    expect(one(synthValid(big.chart), 'Job').spec.template.spec.terminationGracePeriodSeconds).toBe(212);
    // The lifecycle check at generate recomputes it per environment from this annotation.
    expect(pod.metadata.annotations['strata.dev/flush']).toBe('{"checkpointMiB":16384,"uploadMiBps":250,"localWriteMiBps":1000}');
    expect(TrainingCheckpoint.flushSecondsFor(Size.gibibytes(16))).toBe(97);
  });

  test('a checkpoint whose size × throughputs lands among the token markers: 5547 GiB at 250 + 1000 MiB/s (5680128 × 1250 = 7100160000) gets its grace period', () => {
    // ceil(5680128 × 1250 / (1000 × 250)) + 15; once refused as "arithmetic on a value" (the fsdp-training round trip).
    const { chart } = checkpoint({ checkpointSize: Size.gibibytes(5547), size: Size.gibibytes(6000) });
    expect(one(synthValid(chart), 'Job').spec.template.spec.terminationGracePeriodSeconds).toBe(28_416);
    expect(TrainingCheckpoint.flushSecondsFor(Size.gibibytes(5547))).toBe(28_416);
  });

  test('pods holding checkpoints not yet in S3 on node-local NVMe are not disrupted voluntarily by Karpenter', () => {
    // karpenter.sh/do-not-disrupt: Karpenter neither consolidates nor drifts the node (karpenter.sh docs, disruption "Pod-Level Controls").
    const pod = one(synthValid(checkpoint().chart), 'Job').spec.template;
    expect(pod.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
  });

  test('refuses a flush budget shorter than the flush, and a checkpoint of unknown size', () => {
    const { chart } = checkpoint({ flushBudget: Duration.seconds(60) });
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'flushBudget' (60) must be at least 97 seconds for a 16 GiB checkpoint (written at 1000 MiB/s, uploaded at 250 MiB/s, + 15 s); a shorter grace period cuts off the final upload and loses the newest checkpoint: leave flushBudget unset to derive it, or lower checkpointSize`,
    ]);
    const unknown = checkpoint({ checkpointSize: undefined });
    expect(synthErrors(unknown.chart)).toEqual([
      `[test/checkpoints] 'checkpointSize' (not set) must be set (or flushBudget); state the size of the newest checkpoint one pod writes, e.g. Size.gibibytes(16): the pods' grace period is derived from it so that the final upload is never cut off`,
    ]);
  });

  test('with the checkpoint size a value, the grace period is computed from it by Helm, and a given budget is held to it at install', () => {
    const own = {};
    const derived = checkpoint({ checkpointSize: Size.gibibytes(Tokens.number('checkpoints.checkpointSize', own)) });
    const grace = one(synthValid(derived.chart), 'Job').spec.template.spec.terminationGracePeriodSeconds;
    expect(Tokens.infoOf(grace)!.formula!.op).toBe('add');
    const budget = Tokens.number('checkpoints.flushBudgetSeconds', own);
    const given = checkpoint({ checkpointSize: Size.gibibytes(Tokens.number('checkpoints.other', own)), flushBudget: Duration.seconds(budget) });
    synthValid(given.chart);
    // budget − flush ≥ 0 between two values, which JSON Schema cannot state: a rule on a formula token (a template guard).
    const rules = Tokens.ownedBy(own).filter((t) => t.formula && t.constraints.length > 0).flatMap((t) => t.constraints);
    expect(rules).toContainEqual({ constraint: { minimum: 0 }, origin: '[test/checkpoints] flushBudget minus the flush it must cover (checkpointSize written at 1000 MiB/s, uploaded at 250 MiB/s, + 15 s)' });
    // The derived grace period keeps the budget's own range (a guard too: 1 to 86400 s).
    expect(rules).toContainEqual({ constraint: { minimum: 1, maximum: 86400, multipleOf: 1 }, origin: '[test/checkpoints] flushBudget', accepted: 'between 1 and 86400 seconds' });
  });

  test('warns when the flush budget is the default 30 s or less', () => {
    const { chart } = checkpoint({ flushBudget: Duration.seconds(30), checkpointSize: undefined });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/checkpoints] 'flushBudget' (30) must be more than 30 seconds; the kubelet stops the sync sidecar only after the trainer has exited, within the same grace period: the last checkpoint's upload is cut off; declare the time the final write and upload take`,
    ]);
  });

  test('warns when a pod with a Mountpoint S3 volume may take more than 600 s to stop (case 46), and bounds a bound budget', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    const data = new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', accessMode: AccessMode.READ_ONLY_MANY });
    data.mount(job.worker, '/data', { readOnly: true });
    new TrainingCheckpoint(chart, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints' }, run: 'r1', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(10), flushBudget: Duration.seconds(900) });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/checkpoints] 'terminationGracePeriodSeconds' (900) must be at most 600 with a Mountpoint S3 volume; Mountpoint Pods stop after 10 minutes, then writes fail with "Transport endpoint is not connected": finish the final flush within 600 s`,
    ]);

    const bound = newChart();
    const job2 = new ParallelJob(bound, 'train', { worker: { image: 'trainer:1' } });
    new S3Mountpoint(bound, 'data', { bucketName: 'ml-data', accessMode: AccessMode.READ_ONLY_MANY }).mount(job2.worker, '/data', { readOnly: true });
    const budget = Tokens.number('checkpoints.flushBudgetSeconds');
    new TrainingCheckpoint(bound, 'checkpoints', { job: job2, destination: { bucket: 'ml-checkpoints' }, run: 'r1', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(4), flushBudget: Duration.seconds(budget) });
    synthValid(bound);
    expect(Tokens.infoOf(budget)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 1, maximum: 86400, multipleOf: 1 }, { maximum: 600 }]);
  });

  test('the training service account may read and write checkpoints under the prefix, nothing wider', () => {
    const { ckpt, job } = checkpoint();
    expect(job.serviceAccountKey).toBe('training');
    expect(ckpt.iamPolicies()).toEqual({
      training: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'CheckpointsCheckpointsList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::ml-checkpoints'], Condition: { StringLike: { 's3:prefix': ['llama/*'] } } },
          { Sid: 'CheckpointsCheckpointsObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: ['arn:aws:s3:::ml-checkpoints/llama/*'] },
        ],
      },
    });
  });

  // Straight onto a Mountpoint volume: refused on general purpose buckets, allowed on S3 Express One Zone (checkpoint-direct.test.ts).

  test('refuses a sync loop as a regular container of the Job (case 53)', () => {
    const { chart, job } = checkpoint();
    job.job.addContainer({ name: 'uploader', image: 'amazon/aws-cli', command: ['sh', '-c', 'while true; do aws s3 sync /checkpoints s3://b/p/; sleep 60; done'], securityContext: { user: 1000 } });
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'containers' ("uploader") must be an init container with restartPolicy: Always (a native sidecar) when it loops uploading checkpoints; a regular container that never exits keeps the Job from ever completing (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#jobs-with-sidecar-containers): add it with addInitContainer and restartPolicy: ContainerRestartPolicy.ALWAYS`,
    ]);
  });

  test('refuses a missing size, a bad run and a too-frequent sync', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    new TrainingCheckpoint(chart, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints', prefix: 'llama/' }, run: 'run/7', syncInterval: Duration.seconds(5), checkpointSize: Size.gibibytes(1) });
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'run' ("run/7") must be one path segment (letters, digits, ".", "_", "-"; starting with a letter or digit; at most 128 characters); use letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. "run-2025-01"`,
      `[test/checkpoints] 'syncInterval' (5) must be between 10 and 86400 seconds; upload at most every 10 seconds and at least daily`,
      `[test/checkpoints] 'size' (not set) must be set when no storage is given; give the NVMe scratch size, e.g. Size.gibibytes(200), or pass storage`,
    ]);
  });

  test('the sidecar is a native sidecar in cdk8s-plus terms too', () => {
    const { ckpt } = checkpoint();
    expect(ckpt.sidecar!.restartPolicy).toBe(plus.ContainerRestartPolicy.ALWAYS);
    expect(ckpt.restore.restartPolicy).toBeUndefined();
  });
});

describe('TrainingCheckpoint on operators\' kinds: the same pattern on every ranked pod set', () => {
  const pod = (chart: ReturnType<typeof newChart>) => ({ serviceAccount: WorkloadIdentity.serviceAccount(chart, 'training'), securityContext: { ensureNonRoot: true } });
  const trainer = (t: plus.AbstractPod) => t.addContainer({ ...containerProps('pytorch', { image: 'trainer:1' }) });

  test('a PyTorchJob: master and workers each restore and sync; ranks are 1 + workers; the policy goes to their account', () => {
    const chart = newChart();
    const job = new PyTorchJob(chart, 'train', { workers: 3, master: pod(chart), worker: pod(chart) });
    trainer(job.master);
    trainer(job.worker);
    const ckpt = new TrainingCheckpoint(chart, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints', prefix: 'llama/' }, run: 'run-7', size: Size.gibibytes(200), checkpointSize: Size.gibibytes(16) });
    const [o] = synth(chart).filter((x: any) => x.kind === 'PyTorchJob');
    for (const [type, expr] of [['Master', '0'], ['Worker', 'PYTORCH_REPLICA_INDEX + 1']] as const) {
      const spec = o.spec.pytorchReplicaSpecs[type].template.spec;
      const meta = o.spec.pytorchReplicaSpecs[type].template.metadata;
      expect(spec.initContainers.map((c: any) => c.name)).toEqual(['restore-checkpoint', 'checkpoint-sync']);
      const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
      expect(env(spec.initContainers[0])).toMatchObject({ CHECKPOINT_RANKS: '4', CHECKPOINT_RANK_EXPR: expr });
      expect(env(spec.initContainers[1]).CHECKPOINT_RANK_EXPR).toBe(expr);
      if (type === 'Worker') expect(env(spec.initContainers[1]).PYTORCH_REPLICA_INDEX).toEqual({ fieldRef: { fieldPath: "metadata.labels['training.kubeflow.org/replica-index']" } });
      expect(spec.containers[0].env.map((e: any) => e.name)).toEqual(expect.arrayContaining(['CHECKPOINT_DIR', 'CHECKPOINT_URI', 'CHECKPOINT_RUN_FINISHED']));
      expect(spec.terminationGracePeriodSeconds).toBe(ckpt.flushBudget.toSeconds());
      expect(meta.annotations).toMatchObject({ 'karpenter.sh/do-not-disrupt': 'true' });
      expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] });
    }
    expect(ckpt.restores).toHaveLength(2);
    expect(Object.keys(ckpt.iamPolicies())).toEqual(['training']);
  });

  test('a JobSet: only the replicated Jobs named, ranked across Jobs', () => {
    const chart = newChart();
    const js = new JobSet(chart, 'train');
    trainer(js.addReplicatedJob('driver', { pod: pod(chart) }).template);
    trainer(js.addReplicatedJob('workers', { replicas: 2, parallelism: 4, pod: pod(chart) }).template);
    new TrainingCheckpoint(chart, 'checkpoints', { job: js, podSets: ['workers'], destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
    const [o] = synth(chart).filter((x: any) => x.kind === 'JobSet');
    expect(o.spec.replicatedJobs[0].template.spec.template.spec.initContainers).toBeUndefined();
    const restore = o.spec.replicatedJobs[1].template.spec.template.spec.initContainers[0];
    expect(restore.env).toEqual(expect.arrayContaining([{ name: 'CHECKPOINT_RANKS', value: '8' }, { name: 'CHECKPOINT_RANK_EXPR', value: 'JOBSET_JOB_INDEX * 4 + JOB_COMPLETION_INDEX' }]));
  });

  test('a training runtime and the TrainJob of the run: the helpers and what every run shares on the runtime, the run\'s location and ranks on the TrainJob', () => {
    const chart = newChart();
    const rt = new ClusterTrainingRuntime(chart, 'runtime', { mlPolicy: { numNodes: 4, torch: {} }, nodes: pod(chart) });
    rt.nodes.addContainer({ ...containerProps('node', { image: 'trainer:1' }) });
    const job = new TrainJob(chart, 'train', { runtime: rt, numNodes: 4, nodes: pod(chart) });
    // A TrainJob cannot set the pull policy (the runtime's applies).
    job.nodes.addContainer({ ...containerProps('node', { image: 'trainer:1' }), imagePullPolicy: undefined });
    new TrainingCheckpoint(chart, 'checkpoints', { job: rt, trainJob: job, destination: { bucket: 'ml-checkpoints', prefix: 'llama/' }, run: 'run-7', size: Size.gibibytes(200), checkpointSize: Size.gibibytes(16) });
    const objs = synthValid(chart);
    const node = one(objs, 'ClusterTrainingRuntime').spec.template.spec.replicatedJobs[0].template.spec.template.spec;
    const env = (c: any) => c.env.map((e: any) => `${e.name}=${e.value ?? JSON.stringify(e.valueFrom)}`);
    // The runtime: no run in it.
    expect(node.initContainers.map((c: any) => [c.name, env(c)])).toEqual([
      ['restore-checkpoint', ['CHECKPOINT_DIR=/checkpoints', 'HOME=/tmp']],
      ['checkpoint-sync', ['CHECKPOINT_DIR=/checkpoints', 'HOME=/tmp', 'SYNC_INTERVAL_SECONDS=300']],
    ]);
    expect(env(node.containers[0]).filter((e: string) => e.startsWith('CHECKPOINT'))).toEqual(['CHECKPOINT_DIR=/checkpoints', 'CHECKPOINT_RUN_FINISHED=/checkpoints/.strata-run-finished']);
    // The run: its location for the trainer (spec.trainer.env) and for the helpers (its runtime patch), its ranks for the restore step.
    const tj = one(objs, 'TrainJob');
    expect(tj.spec.trainer.env).toContainEqual({ name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/llama/run-7/' });
    expect(tj.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.initContainers).toEqual([
      { name: 'restore-checkpoint', env: [{ name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/llama/run-7/' }, { name: 'CHECKPOINT_RANKS', value: '4' }] },
      { name: 'checkpoint-sync', env: [{ name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/llama/run-7/' }] },
    ]);
    // The pod that runs has both (the checks see it whole).
    const [, whole] = podSpecsOf(objs);
    expect(whole.spec.initContainers.map((c: any) => env(c))).toEqual([
      ['CHECKPOINT_DIR=/checkpoints', 'HOME=/tmp', 'CHECKPOINT_URI=s3://ml-checkpoints/llama/run-7/', 'CHECKPOINT_RANKS=4'],
      ['CHECKPOINT_DIR=/checkpoints', 'HOME=/tmp', 'SYNC_INTERVAL_SECONDS=300', 'CHECKPOINT_URI=s3://ml-checkpoints/llama/run-7/'],
    ]);
  });

  test('throws: a trainJob on another runtime, or without its trainer container yet', () => {
    const errors = (trainJob: (chart: ReturnType<typeof newChart>, rt: ClusterTrainingRuntime) => TrainJob) => {
      const chart = newChart();
      const rt = new ClusterTrainingRuntime(chart, 'runtime', { nodes: pod(chart) });
      rt.nodes.addContainer({ ...containerProps('node', { image: 'trainer:1' }) });
      new TrainingCheckpoint(chart, 'a', { job: rt, trainJob: trainJob(chart, rt), destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
      return synthErrors(chart).filter((e) => e.startsWith('[test/a]'));
    };
    expect(
      errors((chart) => {
        const elsewhere = new TrainJob(chart, 'elsewhere', { runtime: clusterTrainingRuntime('torch-distributed') });
        elsewhere.nodes.addContainer({ ...containerProps('node', { image: 'trainer:1' }), imagePullPolicy: undefined });
        return elsewhere;
      }),
    ).toEqual([`[test/a] 'trainJob' ("test/elsewhere") must be a TrainJob on 'job' (test/runtime); it runs on ClusterTrainingRuntime "torch-distributed": give the TrainJob whose runtime is the job checkpointed`]);
    expect(
      errors((chart, rt) => {
        const early = new TrainJob(chart, 'early', { runtime: rt, nodes: pod(chart) });
        early.nodes.addContainer({ ...containerProps('trainer', { image: 'trainer:1' }), imagePullPolicy: undefined });
        return early;
      }),
    ).toEqual([`[test/a] 'trainJob' ("test/early") must be a TrainJob with its trainer container "node"; add it (trainJob.nodes.addContainer({ name: 'node', … })) before the checkpoints: its spec.trainer.env carries CHECKPOINT_URI`]);
  });

  test('throws: a pod set without ranks, an unknown pod set, pods without a WorkloadIdentity account', () => {
    const chart = newChart();
    const lws = new LeaderWorkerSet(chart, 'serve', { worker: { securityContext: { ensureNonRoot: true } } });
    trainer(lws.worker);
    const ray = new RayCluster(chart, 'ray', { rayVersion: '2.49.0' });
    new TrainingCheckpoint(chart, 'a', { job: lws, podSets: ['leader'], destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
    new TrainingCheckpoint(chart, 'b', { job: ray, destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
    new TrainingCheckpoint(chart, 'c', { job: lws, destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
    expect(synthErrors(chart).filter((e) => e.startsWith('[test/a]') || e.startsWith('[test/b]') || e.startsWith('[test/c]'))).toEqual([
      `[test/a] 'podSets' ("leader") must be a pod set of the workload (worker); name the pod sets whose pods write checkpoints`,
      `[test/b] 'job' ("no ranked pod set") must be a workload whose pods have ranks; checkpoints are kept per rank: run the trainers as an Indexed Job, a JobSet, a PyTorchJob, a TrainJob or a LeaderWorkerSet`,
      `[test/c] 'serviceAccount' (not set) must be a service account of WorkloadIdentity for the pods of worker; give them WorkloadIdentity.serviceAccount(this, 'training'): the checkpoint policy goes to its role`,
    ]);
  });
});
