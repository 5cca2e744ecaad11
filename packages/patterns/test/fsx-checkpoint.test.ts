import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { ClusterTrainingRuntime, TrainJob } from '@strata/kinds';
import { FsxDeploymentType, FsxLustre } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { CheckpointLayouts, containerProps, DataRepositoryEvent, FsxCheckpointLayoutProps, ParallelJob, RESTORE_SHARED_SCRIPT, TrainingCheckpoint, TrainingCheckpointProps, WorkloadIdentity } from '../src';
import { podSpecsOf } from '@strata/checks';
import { byKind, newChart, one, synth, synthErrors, synthValid, warnings } from './testing';

const ASSOCIATION = (autoExport?: readonly DataRepositoryEvent[]) => ({ associationId: 'dra-0123456789abcdef0', dataRepositoryPath: 's3://ml-checkpoints/llama', fileSystemPath: '/ckpt/', autoExport });

function fileSystem(chart: ReturnType<typeof newChart>, deploymentType = FsxDeploymentType.SCRATCH_2) {
  return FsxLustre.fromFileSystem(chart, 'scratch', { fileSystemId: 'fs-0123456789abcdef0', dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountName: 'abcdef12', deploymentType, storage: Size.gibibytes(9600) });
}

function checkpoint(layout: Partial<FsxCheckpointLayoutProps> = {}, props: Partial<TrainingCheckpointProps> = {}, chart = newChart()) {
  const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: 4 });
  const ckpt = new TrainingCheckpoint(chart, 'checkpoints', {
    job,
    run: 'run-7',
    checkpointSize: Size.gibibytes(16),
    layout: CheckpointLayouts.fsx({ fileSystem: fileSystem(chart), association: ASSOCIATION([DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED]), rootPrepared: true, ...layout }),
    ...props,
  });
  return { chart, job, ckpt };
}

describe('TrainingCheckpoint, FSx for Lustre layout: written to one file system, exported to S3 by its association', () => {
  test('snapshot', () => {
    expect(synthValid(checkpoint().chart)).toMatchSnapshot();
  });

  test('every rank writes <association directory>/<run>/ read-write; the restore step only names the newest complete checkpoint; no sidecar', () => {
    const { chart, ckpt } = checkpoint();
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    expect(pod.initContainers.map((c: any) => [c.name, c.image, c.command[2]])).toEqual([['restore-checkpoint', 'public.ecr.aws/docker/library/busybox:1.36.1', RESTORE_SHARED_SCRIPT]]);
    expect(pod.initContainers[0].env).toEqual([{ name: 'CHECKPOINT_DIR', value: '/checkpoints/run-7' }]);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/checkpoints', subPath: 'ckpt' }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/checkpoints', subPath: 'ckpt' });
    expect(pod.containers[0].env.filter((e: any) => e.name.startsWith('CHECKPOINT'))).toEqual([
      { name: 'CHECKPOINT_SHARED', value: 'true' },
      { name: 'CHECKPOINT_DIR', value: '/checkpoints/run-7' },
      { name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/llama/run-7/' },
      { name: 'CHECKPOINT_RUN_FINISHED', value: '/checkpoints/run-7/.strata-run-finished' },
    ]);
    expect(ckpt.uri).toBe('s3://ml-checkpoints/llama/run-7/');
    expect(ckpt.sidecar).toBeUndefined();
    expect(ckpt.sidecars).toEqual([]);
    expect(ckpt.layout).toBe('fsx');
  });

  test('the grace period covers writing the newest checkpoint to the file system, not an upload: 16 GiB at 400 MiB/s + 15 s', () => {
    const { chart } = checkpoint({ writeThroughputMiBps: 400 });
    expect(one(synthValid(chart), 'Job').spec.template.spec.terminationGracePeriodSeconds).toBe(56);
    // The default share of 200 MiB/s: ceil(16384 / 200) + 15.
    expect(one(synthValid(checkpoint().chart), 'Job').spec.template.spec.terminationGracePeriodSeconds).toBe(97);
  });

  test('a checkpoint size bound to a value: the grace period is a formula Helm computes', () => {
    const gib = Tokens.number('checkpoints.checkpointSizeGiB');
    const { chart } = checkpoint({}, { checkpointSize: Size.gibibytes(gib) });
    const grace = one(synth(chart), 'Job').spec.template.spec.terminationGracePeriodSeconds;
    expect(Tokens.infoOf(grace)!.formula).toMatchObject({ op: 'add' });
  });

  test('nothing is node-local: no do-not-disrupt, no on-demand requirement (Spot is fine); no S3 policy, no WorkloadIdentity needed', () => {
    const chart = newChart();
    const job = new plus.Job(chart, 'plain', { securityContext: { ensureNonRoot: true } });
    job.addContainer(containerProps('trainer', { image: 'trainer:1' }));
    const { ckpt } = checkpoint({}, {}, chart);
    const objs = synthValid(chart);
    const pod = byKind(objs, 'Job').find((j: any) => j.spec.completionMode === 'Indexed').spec.template;
    expect(pod.metadata.annotations ?? {}).toEqual({});
    expect(pod.spec.affinity).toBeUndefined();
    expect(ckpt.iamPolicies()).toEqual({});
    expect(byKind(objs, 'ConfigMap')).toEqual([]);
    expect(WorkloadIdentity.policiesOf(chart)).toEqual({});
  });

  test('the file system\'s zone, when given, is required', () => {
    const { chart } = checkpoint({ availabilityZone: 'us-east-1b' });
    const terms = one(synthValid(chart), 'Job').spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'] }] }]);
  });

  test('the association\'s directory belongs to root until it is handed over: the one writable-root warning', () => {
    const { chart } = checkpoint({ rootPrepared: undefined });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/checkpoints] 'layout.fileSystem' ("FsxLustre") must be writable by the trainers (worker) (uid 1000, gid 1000); an FSx for Lustre file system's root directory belongs to root until its admin hands it over, and the driver applies no fsGroup to it: hand directory "ckpt" to uid 1000 once (chown 1000:1000 from an admin pod) before the first write, and record that with layout.rootPrepared: true`,
    ]);
  });

  test('a training runtime and the TrainJob of the run: the run\'s directory on the TrainJob', () => {
    const chart = newChart();
    const pod = { serviceAccount: WorkloadIdentity.serviceAccount(chart, 'training'), securityContext: { ensureNonRoot: true } };
    const rt = new ClusterTrainingRuntime(chart, 'runtime', { mlPolicy: { numNodes: 4, torch: {} }, nodes: pod });
    rt.nodes.addContainer({ ...containerProps('node', { image: 'trainer:1' }) });
    const job = new TrainJob(chart, 'train', { runtime: rt, numNodes: 4, nodes: pod });
    job.nodes.addContainer({ ...containerProps('node', { image: 'trainer:1' }), imagePullPolicy: undefined });
    new TrainingCheckpoint(chart, 'checkpoints', { job: rt, trainJob: job, run: 'run-7', checkpointSize: Size.gibibytes(16), layout: CheckpointLayouts.fsx({ fileSystem: fileSystem(chart), association: ASSOCIATION([DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED]), rootPrepared: true }) });
    const objs = synthValid(chart);
    const node = one(objs, 'ClusterTrainingRuntime').spec.template.spec.replicatedJobs[0].template.spec.template.spec;
    expect(node.initContainers[0].env).toBeUndefined();
    expect(node.containers[0].env).toEqual([{ name: 'CHECKPOINT_SHARED', value: 'true' }]);
    const tj = one(objs, 'TrainJob');
    expect(tj.spec.trainer.env).toEqual(expect.arrayContaining([{ name: 'CHECKPOINT_DIR', value: '/checkpoints/run-7' }, { name: 'CHECKPOINT_URI', value: 's3://ml-checkpoints/llama/run-7/' }]));
    expect(tj.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.initContainers).toEqual([
      { name: 'restore-checkpoint', env: [{ name: 'CHECKPOINT_DIR', value: '/checkpoints/run-7' }] },
    ]);
    const [, whole] = podSpecsOf(objs);
    expect(whole.spec.initContainers[0].env).toEqual([{ name: 'CHECKPOINT_DIR', value: '/checkpoints/run-7' }]);
  });
});

describe('TrainingCheckpoint, FSx for Lustre layout, refuses', () => {
  test('an association that does not export, or whose policy is not stated; SCRATCH_1, which has no associations', () => {
    expect(synthErrors(checkpoint({ association: ASSOCIATION() }).chart)).toEqual([
      `[test/checkpoints] 'layout.association.autoExport' (not set) must be stated (NEW and CHANGED at least); copy S3.AutoExportPolicy.Events from aws fsx describe-data-repository-associations; the association must export, or the checkpoints never reach S3`,
    ]);
    expect(synthErrors(checkpoint({ association: ASSOCIATION([DataRepositoryEvent.DELETED]), deploymentType: FsxDeploymentType.SCRATCH_1 }).chart)).toEqual([
      `[test/checkpoints] 'layout.association.autoExport' (["DELETED"]) must be a policy that exports NEW and CHANGED files; the association must export the checkpoints: add NEW and CHANGED to its AutoExportPolicy (aws fsx update-data-repository-association --association-id dra-0123456789abcdef0 --s3 'AutoExportPolicy={Events=[NEW,CHANGED]}')`,
      `[test/checkpoints] 'layout.deploymentType' ("SCRATCH_1") must be a deployment type with data repository associations (SCRATCH_2, PERSISTENT_1, PERSISTENT_2); SCRATCH_1 file systems have no data repository associations, so nothing exports the checkpoints: use SCRATCH_2 or a PERSISTENT file system`,
    ]);
  });

  test('the NVMe layout\'s props, a destination the association does not export to, no checkpoint size', () => {
    const { chart } = checkpoint({}, { size: Size.gibibytes(100), syncInterval: Duration.minutes(1), region: 'us-east-1', destination: { bucket: 'other', prefix: 'llama/' }, checkpointSize: undefined });
    const why = 'the file system holds the checkpoints and its data repository association exports them: there is no local storage, sidecar or upload to set';
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'size' ("100Gi") must be unset with the FSx layout; ${why}`,
      `[test/checkpoints] 'syncInterval' ("1 minute") must be unset with the FSx layout; ${why}`,
      `[test/checkpoints] 'region' ("us-east-1") must be unset with the FSx layout; ${why}`,
      `[test/checkpoints] 'checkpointSize' (not set) must be set (or flushBudget); state the size of the newest checkpoint one pod writes, e.g. Size.gibibytes(16): the pods' grace period is derived from it so that the last write is never cut off`,
      `[test/checkpoints] 'destination' ("s3://other/llama/") must be the association's data repository path (s3://ml-checkpoints/llama/); with the FSx layout the association decides where checkpoints land in S3: leave destination out, or give that path`,
    ]);
  });

  test('a grace period shorter than the last write', () => {
    const { chart } = checkpoint({}, { flushBudget: Duration.seconds(60) });
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'flushBudget' (60) must be at least 97 seconds for a 16 GiB checkpoint (written to the file system at 200 MiB/s, + 15 s); a shorter grace period cuts off the last checkpoint's write: leave flushBudget unset to derive it, or lower checkpointSize`,
    ]);
  });

  test('the NVMe layout without a destination', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    new TrainingCheckpoint(chart, 'checkpoints', { job, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'destination' (not set) must be an S3 bucket and prefix with the NVMe layout; e.g. { bucket: "ml-checkpoints", prefix: "llama/" }: the sidecar uploads the checkpoints there`,
      `[test/checkpoints] 'destination.bucket' ("") must be the name of an existing bucket; e.g. "ml-models"`,
    ]);
  });
});

describe('TrainingCheckpoint helpers run as the trainer', () => {
  test('NVMe layout: the restore step and the sync sidecar take the trainer\'s uid and gid, or helpersRunAs', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', user: 4000, group: 4001 } });
    new TrainingCheckpoint(chart, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1) });
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    expect(pod.initContainers.map((c: any) => [c.name, c.securityContext.runAsUser, c.securityContext.runAsGroup])).toEqual([['restore-checkpoint', 4000, 4001], ['checkpoint-sync', 4000, 4001]]);
    const other = newChart();
    const job2 = new ParallelJob(other, 'train', { worker: { image: 'trainer:1' } });
    new TrainingCheckpoint(other, 'checkpoints', { job: job2, destination: { bucket: 'ml-checkpoints' }, run: 'r', size: Size.gibibytes(10), checkpointSize: Size.gibibytes(1), helpersRunAs: { user: 0 } });
    expect(synthErrors(other)).toEqual([
      `[test/checkpoints] 'helpersRunAs.user' (0) must be a uid from 1 to 2147483647 (not 0: root); Pod Security "restricted" refuses a container running as root (runAsUser 0), and strata's namespaces enforce it: run as a non-root uid, e.g. 1000, and give the files the container needs to that uid or to one of its groups`,
    ]);
  });

  test('FSx layout: the restore step as the trainer', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', user: 4000, group: 4001 } });
    new TrainingCheckpoint(chart, 'checkpoints', { job, run: 'r', checkpointSize: Size.gibibytes(1), layout: CheckpointLayouts.fsx({ fileSystem: fileSystem(chart), association: ASSOCIATION([DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED]), rootPrepared: true }) });
    expect(one(synthValid(chart), 'Job').spec.template.spec.initContainers[0].securityContext).toMatchObject({ runAsUser: 4000, runAsGroup: 4001 });
  });
});
