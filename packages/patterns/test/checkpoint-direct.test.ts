import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, Size } from 'cdk8s';
import { AccessMode, S3AuthenticationSource, S3Mountpoint, S3MountpointProps } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { JobSet } from '@strata/kinds';
import { containerProps, DIRECT_RESTORE_SCRIPT, ParallelJob, TrainingCheckpoint, TrainingCheckpointProps, WorkloadIdentity } from '../src';
import { runScript, SHELLS } from './support/fake-aws';
import { newChart, one, synth, synthErrors, synthValid, warnings } from './testing';

const EXPRESS = 'ckpt--use1-az4--x-s3';

function direct(volume: Partial<S3MountpointProps> = {}, props: Partial<TrainingCheckpointProps> = {}, workers = 4) {
  const chart = newChart();
  const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: workers });
  const storage = new S3Mountpoint(chart, 'ckpt', { bucketName: EXPRESS, prefix: 'llama/run-7/', region: 'us-east-1', authenticationSource: S3AuthenticationSource.POD, uid: 1000, gid: 1000, allowOther: true, ...volume });
  const ckpt = new TrainingCheckpoint(chart, 'checkpoints', { job, destination: { bucket: EXPRESS, prefix: 'llama/' }, run: 'run-7', storage, checkpointSize: Size.gibibytes(16), ...props });
  return { chart, job, storage, ckpt };
}

describe('TrainingCheckpoint straight to S3 Express One Zone through Mountpoint', () => {
  test('the trainer writes into the run\'s prefix through the volume; a restore step reads it; no sidecar, no NVMe, nothing kept from disruption', () => {
    const { chart, ckpt } = direct();
    expect(ckpt.direct).toBe(true);
    expect(ckpt.sidecar).toBeUndefined();
    expect(ckpt.sidecars).toEqual([]);
    const job = one(synthValid(chart), 'Job');
    const pod = job.spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['restore-checkpoint']);
    const [trainer] = pod.containers;
    expect(trainer.env.filter((e: any) => e.name.startsWith('CHECKPOINT_'))).toEqual([
      { name: 'CHECKPOINT_DIR', value: '/checkpoints' },
      { name: 'CHECKPOINT_URI', value: `s3://${EXPRESS}/llama/run-7/` },
      { name: 'CHECKPOINT_STATE_DIR', value: '/var/run/strata-checkpoint' },
      { name: 'CHECKPOINT_RESTORED', value: '/var/run/strata-checkpoint/.strata-restored' },
      { name: 'CHECKPOINT_RANK_FILE', value: '/var/run/strata-checkpoint/rank' },
      { name: 'CHECKPOINT_RUN_FINISHED', value: '/var/run/strata-checkpoint/.strata-run-finished' },
    ]);
    expect(trainer.volumeMounts).toEqual(expect.arrayContaining([{ name: 'ckpt', mountPath: '/checkpoints' }, { name: 'checkpoint-state', mountPath: '/var/run/strata-checkpoint' }]));
    expect(trainer.resources.requests['ephemeral-storage']).toBeUndefined();
    const [restore] = pod.initContainers;
    expect(restore.command[2]).toBe(DIRECT_RESTORE_SCRIPT);
    expect(restore.env).toEqual(expect.arrayContaining([{ name: 'CHECKPOINT_RANKS', value: '4' }, { name: 'CHECKPOINT_STATE_DIR', value: '/var/run/strata-checkpoint' }]));
    expect(restore.volumeMounts).toEqual(expect.arrayContaining([{ name: 'ckpt', mountPath: '/checkpoints', readOnly: true }]));
    // Nothing node-local: no do-not-disrupt, no on-demand; in the bucket's zone (the volume's affinity).
    expect(job.spec.template.metadata.annotations?.['karpenter.sh/do-not-disrupt']).toBeUndefined();
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'topology.k8s.aws/zone-id', operator: 'In', values: ['use1-az4'] }] }]);
    // The grace period covers writing the newest checkpoint to S3: 16 GiB at 250 MiB/s (65.5 s), + 15 s.
    expect(pod.terminationGracePeriodSeconds).toBe(81);
    expect(warnings(chart)).toEqual([]);
  });

  test('the policy is the volume\'s (s3express:CreateSession on the bucket), on the training account', () => {
    const { ckpt } = direct();
    expect(ckpt.iamPolicies()).toEqual({
      training: { Version: '2012-10-17', Statement: [{ Sid: 'CheckpointsCheckpointsSession', Effect: 'Allow', Action: ['s3express:CreateSession'], Resource: [`arn:aws:s3express:us-east-1:*:bucket/${EXPRESS}`] }] },
    });
  });

  test('refused, with the reason: a general purpose bucket, a Local Zone, a read-only volume, another place than the run\'s', () => {
    const gp = newChart();
    const job = new ParallelJob(gp, 'train', { worker: { image: 'trainer:1' } });
    const storage = new S3Mountpoint(gp, 'bucket', { bucketName: 'ml-checkpoints' });
    new TrainingCheckpoint(gp, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints' }, run: 'r1', storage, checkpointSize: Size.gibibytes(1) });
    expect(synthErrors(gp)).toEqual([
      `[test/checkpoints] 'storage' ("ml-checkpoints") must be an S3 Express One Zone directory bucket (named …--<zone id>--x-s3) when checkpoints are written through Mountpoint; on a general purpose bucket Mountpoint renames nothing (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L8, #L316), so savers that write a temporary file and rename it fail: write checkpoints to InstanceStore and let the sync sidecar upload them, or use a directory bucket`,
      `[test/checkpoints] 'storage' ("s3://ml-checkpoints/") must be the run's place in the destination, s3://ml-checkpoints/r1/; mount the destination's bucket at prefix <destination.prefix><run>/: the checkpoints of a run live there, where the restore step looks for them`,
    ]);
    const lz = 'ckpt--usw2-lax1-az1--x-s3';
    const local = newChart();
    const job2 = new ParallelJob(local, 'train', { worker: { image: 'trainer:1' } });
    const storage2 = new S3Mountpoint(local, 'ckpt', { bucketName: lz, prefix: 'r1/', zoneAffinity: false, accessMode: AccessMode.READ_ONLY_MANY });
    new TrainingCheckpoint(local, 'checkpoints', { job: job2, destination: { bucket: lz }, run: 'r1', storage: storage2, checkpointSize: Size.gibibytes(1) });
    expect(synthErrors(local)).toEqual([
      `[test/checkpoints] 'storage' ("${lz}") must be a directory bucket in an Availability Zone when checkpoints are written through Mountpoint; Mountpoint renames and appends in Availability Zones only, not in a Local Zone (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L28-L29): write checkpoints to InstanceStore and let the sync sidecar upload them`,
      `[test/checkpoints] 'storage' ("ReadOnlyMany") must be a ReadWriteMany volume for checkpoints; the trainers write checkpoints there: mount it read-write`,
    ]);
  });

  test('a bucket name from a value needs bucketType directory and its zone id', () => {
    const chart = newChart();
    const bucket = Tokens.string('checkpoints.bucket');
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    const storage = new S3Mountpoint(chart, 'ckpt', { bucketName: bucket, prefix: 'r1/' });
    new TrainingCheckpoint(chart, 'checkpoints', { job, destination: { bucket }, run: 'r1', storage, checkpointSize: Size.gibibytes(1) });
    expect(synthErrors(chart)).toEqual([
      `[test/checkpoints] 'storage' (${JSON.stringify(bucket)}) must be an S3 Express One Zone directory bucket (named …--<zone id>--x-s3) when checkpoints are written through Mountpoint; the bucket name is a value: give the volume bucketType: 'directory' and its zoneId, or write checkpoints to InstanceStore`,
    ]);
  });

  test('a JobSet\'s replicated Job: the pod template gets the mount, the restore step with its rank expression, the bucket\'s zone, and its account the policy', () => {
    const chart = newChart();
    const js = new JobSet(chart, 'train');
    const pod = { serviceAccount: WorkloadIdentity.serviceAccount(chart, 'training'), securityContext: { ensureNonRoot: true } };
    js.addReplicatedJob('workers', { replicas: 2, parallelism: 4, pod }).template.addContainer({ ...containerProps('trainer', { image: 'trainer:1' }) });
    const storage = new S3Mountpoint(chart, 'ckpt', { bucketName: EXPRESS, prefix: 'r/', authenticationSource: S3AuthenticationSource.POD, region: 'us-east-1' });
    const ckpt = new TrainingCheckpoint(chart, 'checkpoints', { job: js, destination: { bucket: EXPRESS }, run: 'r', storage, checkpointSize: Size.gibibytes(1) });
    const spec = synth(chart).find((x: any) => x.kind === 'JobSet').spec.replicatedJobs[0].template.spec.template.spec;
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['restore-checkpoint']);
    expect(spec.initContainers[0].env).toEqual(expect.arrayContaining([{ name: 'CHECKPOINT_RANKS', value: '8' }, { name: 'CHECKPOINT_RANK_EXPR', value: 'JOBSET_JOB_INDEX * 4 + JOB_COMPLETION_INDEX' }]));
    expect(spec.volumes.map((v: any) => v.name)).toEqual(expect.arrayContaining(['ckpt', 'checkpoint-state']));
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([{ key: 'topology.k8s.aws/zone-id', operator: 'In', values: ['use1-az4'] }]);
    expect(Object.keys(ckpt.iamPolicies())).toEqual(['training']);
  });

  test('headroom on a pod template of an operator\'s kind: the gate reaches the template where its kind places it', () => {
    const chart = newChart();
    const js = new JobSet(chart, 'train');
    const template = js.addReplicatedJob('workers', { pod: { securityContext: { ensureNonRoot: true } } }).template;
    const c = template.addContainer({ ...containerProps('trainer', { image: 'trainer:1' }) });
    const s3 = new S3Mountpoint(chart, 'data', { bucketName: 'ml-data', accessMode: AccessMode.READ_ONLY_MANY, reserveHeadroom: true, mountpointContainerResources: { requests: { memory: Size.gibibytes(1) } } });
    s3.mount(c, '/data', { readOnly: true, pod: template });
    const spec = synth(chart).find((x: any) => x.kind === 'JobSet').spec.replicatedJobs[0].template.spec.template.spec;
    expect(spec.schedulingGates).toEqual([{ name: 's3.csi.aws.com/reserve-headroom-for-mppod' }]);
  });

  test('a flush budget shorter than writing the checkpoint to S3 is refused; over 600 s warned (the Mountpoint Pod stops)', () => {
    expect(synthErrors(direct({}, { flushBudget: Duration.seconds(60) }).chart)).toEqual([
      `[test/checkpoints] 'flushBudget' (60) must be at least 81 seconds for a 16 GiB checkpoint (written to S3 at 250 MiB/s, + 15 s); a shorter grace period cuts off the final upload and loses the newest checkpoint: leave flushBudget unset to derive it, or lower checkpointSize`,
    ]);
    const { chart } = direct({}, { checkpointSize: Size.gibibytes(200) });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/ckpt] 'terminationGracePeriodSeconds' (835) must be at most 600 with a Mountpoint S3 volume; Mountpoint Pods stop after 10 minutes, then writes fail with "Transport endpoint is not connected": finish the final flush within 600 s`,
    ]);
  });
});

describe.each(SHELLS.map((s) => [s.name, s] as const))('direct restore script (%s)', (_name, shell) => {
  const setup = () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-direct-'));
    const dir = join(root, 'ckpt');
    const state = join(root, 'state');
    mkdirSync(dir);
    mkdirSync(state);
    const checkpoint = (name: string, markers: string[]) => {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'shard.pt'), 'x');
      for (const m of markers) writeFileSync(join(dir, name, m), '');
    };
    const run = (env: NodeJS.ProcessEnv = {}) => runScript(DIRECT_RESTORE_SCRIPT, { PATH: process.env.PATH, HOME: root, CHECKPOINT_DIR: dir, CHECKPOINT_STATE_DIR: state, CHECKPOINT_RANKS: '2', JOB_COMPLETION_INDEX: '1', ...env }, shell);
    const read = (f: string) => (existsSync(join(state, f)) ? readFileSync(join(state, f), 'utf8') : undefined);
    return { dir, checkpoint, run, read };
  };

  test('names the newest checkpoint every rank completed, and the pod\'s rank; an incomplete newer one is skipped', () => {
    const { checkpoint, run, read } = setup();
    checkpoint('step-000100', ['.strata-complete-0', '.strata-complete-1']);
    checkpoint('step-000200', ['.strata-complete-0']);
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipping checkpoint step-000200: completed by 1 of 2 rank(s)');
    expect([read('.strata-restored'), read('rank'), read('.strata-run-finished')]).toEqual(['step-000100\n', '1\n', undefined]);
  });

  test('a finished run: the final checkpoint is named as finished', () => {
    const { checkpoint, run, read } = setup();
    checkpoint('step-000300', ['.strata-final', '.strata-complete-0', '.strata-complete-1']);
    expect(run().status).toBe(0);
    expect([read('.strata-restored'), read('.strata-run-finished')]).toEqual(['step-000300\n', 'step-000300\n']);
  });

  test('nothing complete: from scratch, the answers of an earlier run removed', () => {
    const { run, read } = setup();
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('no complete checkpoint: training starts from scratch');
    expect(read('.strata-restored')).toBeUndefined();
  });

  test('a directory that cannot be listed stops the step, never "no checkpoint"', () => {
    const { dir, checkpoint, run } = setup();
    checkpoint('step-000100', ['.strata-complete-0', '.strata-complete-1']);
    chmodSync(join(dir, 'step-000100'), 0o000);
    const r = run();
    chmodSync(join(dir, 'step-000100'), 0o755);
    if (process.getuid?.() === 0) return; // root lists anything
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot list ${dir}/step-000100`);
  });

  test('a rank expression naming a variable that is not set stops the step', () => {
    const { run } = setup();
    const r = run({ CHECKPOINT_RANK_EXPR: 'JOBSET_JOB_INDEX * 4 + JOB_COMPLETION_INDEX' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('reads JOBSET_JOB_INDEX, which is not set');
  });
});
