import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { IWorkload, mainContainerOf, PodSet, TRAINER_NODE, TrainJob } from '@strata/kinds';
import { checkS3TerminationGrace, InstanceStore, isLiteral, IStorageTier, PodScheduling, Rules, S3_MOUNTPOINT_GRACE_SECONDS, S3Mountpoint, SchedulablePod, StorageTier } from '@strata/storage';
import { DO_NOT_DISRUPT_ANNOTATION, FLUSH_ANNOTATION, FLUSH_MARGIN_SECONDS, FlushFacts, flushSeconds, problem, Tokens } from '@strata/tokens';
import { CHECKPOINT_STATE_DIR, checkDirectStorage, DIRECT_RESTORE_SCRIPT, RANK_FILE, RESTORED_MARKER } from './checkpoint-direct';
import { AWS_CLI_IMAGE, helperProps, tmpVolume } from './container-spec';
import { PolicyDocument, policyDocument, s3Statements, WorkloadIdentity } from './iam';
import { grantMountpoint } from './mountpoint-iam';
import { checkS3Location, checkSegment, REGION, S3Location } from './s3-location';
import { RESTORE_SCRIPT, RUN_FINISHED_MARKER, SYNC_SCRIPT } from './scripts';
import { FsxCheckpointLayoutProps, fsxCheckpointLayout } from './fsx-checkpoint';
import { checkSecurity, RunAs, runAsOf } from './security';

/**
 * Where checkpoints are written, and how they reach S3.
 * - `nvme`: node-local NVMe (or the `storage` given), uploaded by a sync sidecar (the default);
 * - `fsx`: one FSx for Lustre file system for every rank, exported by a data repository
 *   association (fsx-checkpoint.ts).
 */
export type CheckpointLayout = { readonly kind: 'nvme' } | { readonly kind: 'fsx'; readonly fsx: FsxCheckpointLayoutProps };

/** Factories of `CheckpointLayout`. */
export class CheckpointLayouts {
  /** Node-local NVMe → S3 through the sync sidecar (the default). */
  public static nvme(): CheckpointLayout {
    return { kind: 'nvme' };
  }

  /** FSx for Lustre, exported to S3 by a data repository association (see FsxCheckpointLayoutProps). */
  public static fsx(props: FsxCheckpointLayoutProps): CheckpointLayout {
    return { kind: 'fsx', fsx: props };
  }
}

/** Karpenter's label of a node's capacity type (on-demand, spot, reserved). */
export const CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';

/** Default upload throughput of one pod to S3 (MiB/s) and write throughput of its NVMe (MiB/s): see the props. */
const DEFAULT_UPLOAD_MIBPS = 250;
const DEFAULT_LOCAL_WRITE_MIBPS = 1000;

/** Kubernetes' default terminationGracePeriodSeconds: too short for a final upload (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#termination-with-sidecars). */
export const DEFAULT_GRACE_SECONDS = 30;

export interface TrainingCheckpointProps {
  /**
   * The training workload whose pods write checkpoints: a ParallelJob, or any kind with ranked pod
   * sets (IndexedJob, JobSet, PyTorchJob, TrainJob, LeaderWorkerSet… of @strata/kinds).
   */
  readonly job: IWorkload;
  /**
   * The pod sets that checkpoint, by name (each must have ranks).
   * @default - every pod set of the workload whose pods have a rank
   */
  readonly podSets?: readonly string[];
  /**
   * Where checkpoints are kept: `s3://<bucket>/<prefix><run>/<checkpoint>/`. With the FSx layout it
   * is the association's data repository path, and may be left out (if given, it must be that path).
   * @default - required with the NVMe layout; the association's path with the FSx layout
   */
  readonly destination?: S3Location;
  /**
   * Where checkpoints are written and how they reach S3: `CheckpointLayouts.nvme()` (node-local
   * NVMe and a sync sidecar) or `CheckpointLayouts.fsx(…)` (FSx for Lustre exported by a data
   * repository association). The NVMe-only props (storage, size, syncInterval, the throughputs of
   * upload and local writes, image, region, kmsKeyArn, syncCpu, syncMemory) are refused with the FSx layout.
   * @default CheckpointLayouts.nvme()
   */
  readonly layout?: CheckpointLayout;
  /** The training run: checkpoints of one run share `<prefix><run>/`, and a restarted run resumes from them. */
  readonly run: string;
  /**
   * The TrainJob of this run, when `job` is its training runtime (TrainingRuntime or
   * ClusterTrainingRuntime of @strata/kinds). The runtime gets the helpers and everything every run
   * shares; what belongs to this run goes on the TrainJob instead — the checkpoint location
   * (CHECKPOINT_URI) in the trainer's spec.trainer.env and, with the number of ranks of the run
   * (CHECKPOINT_RANKS, the TrainJob's numNodes), in its runtime patch of the restore step and the
   * sync sidecar (TrainJob.patchContainer). The runtime then holds no run: it stays the same from
   * run to run, and a new run or location is a new TrainJob. The TrainJob's trainer container
   * ("node") must be added before.
   * @default - everything on `job`
   */
  readonly trainJob?: TrainJob;
  /**
   * Where the trainer writes checkpoints: local storage whose finished checkpoints the sync
   * sidecar uploads (instance-store NVMe), or an `S3Mountpoint` of the destination — the bucket
   * mounted at `<prefix><run>/` — to write them straight to S3 (no sidecar, no upload at the end).
   * Straight to S3 only on an S3 Express One Zone directory bucket in an Availability Zone, where
   * Mountpoint renames files (a saver's "write a temporary file, then rename") and appends; a
   * general purpose bucket or a Local Zone is refused with the reason (see checkpoint-direct.ts).
   * The pattern grants the volume's IAM policy itself (grantMountpoint): do not grant it again.
   * @default - instance-store NVMe: new InstanceStore(this, 'scratch', { size })
   */
  readonly storage?: IStorageTier;
  /** The size of the NVMe scratch (emptyDir sizeLimit and ephemeral-storage request); required without `storage`. */
  readonly size?: Size;
  /** Where the checkpoints are mounted in the worker (CHECKPOINT_DIR). @default '/checkpoints' */
  readonly mountPath?: string;
  /** How often finished checkpoints are uploaded. Bind a value with Duration.seconds(value). @default Duration.minutes(5) */
  readonly syncInterval?: Duration;
  /**
   * The size of the newest checkpoint one pod writes (its shard of the model and optimizer state):
   * what the final flush writes to local storage and uploads when the pod is stopped. The pods'
   * grace period is derived from it (see `flushBudget`). Bind a value with Size.gibibytes(value).
   * @default - required unless flushBudget is given
   */
  readonly checkpointSize?: Size;
  /**
   * Upload throughput of one pod to S3, in MiB/s: the AWS CLI with its default transfer settings
   * (10 concurrent requests of 8 MiB parts) reaches a few hundred MiB/s on a large instance.
   * @see https://docs.aws.amazon.com/cli/latest/topic/s3-config.html
   * @default 250
   */
  readonly uploadThroughputMiBps?: number;
  /**
   * Write throughput of the checkpoint storage, in MiB/s (instance-store NVMe writes well above 1 GiB/s).
   * @default 1000
   */
  readonly localWriteMiBps?: number;
  /**
   * The time the pod needs from SIGTERM to the end of its last upload: the trainer writing its
   * last checkpoint, then the sidecar's final upload (the kubelet stops the sidecar only after the
   * trainer exited, within the same budget). It is the pod's terminationGracePeriodSeconds. Keep
   * it under the 2-minute Spot interruption notice where Spot is used, and at most 600 s with a
   * Mountpoint S3 volume in the pod. Bind a value with Duration.seconds(value); generate then
   * checks in every environment that it covers the flush of that environment's checkpointSize.
   * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#termination-with-sidecars
   * @default - derived: checkpointSize written locally, then uploaded, plus 15 s (see flushSeconds); computed by Helm when a fact is a value
   */
  readonly flushBudget?: Duration;
  /** The image with the AWS CLI v2 (restore and sync). @default AWS_CLI_IMAGE */
  readonly image?: string;
  /** The bucket's region (AWS_REGION of restore and sync). @default - from the pod identity webhook */
  readonly region?: string;
  /** The bucket's SSE-KMS key. @default - SSE-S3 */
  readonly kmsKeyArn?: string;
  /** CPU request of the sync sidecar. @default 250m */
  readonly syncCpu?: plus.Cpu;
  /** Memory request and limit of the sync sidecar (and the restore step). @default 1 GiB */
  readonly syncMemory?: Size;
  /**
   * Whom the restore step and the sync sidecar run as (uid and gid, never root): they share
   * CHECKPOINT_DIR with the trainer, so by default they run as the trainer does.
   * @default - the trainer container's uid and gid (its own, else its pod's, else 1000)
   */
  readonly helpersRunAs?: RunAs;
}

/**
 * The seed's Training Checkpoint pattern: instance storage for frequent checkpoints → S3 for
 * durability.
 *
 * The worker writes each checkpoint to its own directory of CHECKPOINT_DIR (local NVMe) and marks
 * it finished with an empty `.complete` file (write to a temporary name and rename: NVMe is a real
 * file system). Names sort by recency (`step-000100`).
 * - A native sidecar (an init container with `restartPolicy: Always`) uploads finished checkpoints
 *   to `s3://<bucket>/<prefix><run>/<name>/` every `syncInterval`, then writes
 *   `.strata-complete-<rank>`; on SIGTERM it uploads what is left. Being a sidecar, it does not
 *   keep the Job from completing.
 * - terminationGracePeriodSeconds is the declared flush budget.
 * - A restore init container runs first: it copies the newest checkpoint every rank completed
 *   into CHECKPOINT_DIR and names it in `CHECKPOINT_DIR/.strata-restored`. A trainer that has
 *   finished writes `.strata-final` into its last checkpoint (before `.complete`); when that is the
 *   checkpoint restored, the file CHECKPOINT_RUN_FINISHED (`CHECKPOINT_DIR/.strata-run-finished`)
 *   exists, and the trainer of a re-created, finished Job can exit at once.
 * - Every step fails loudly: a listing or upload that fails is an error, never "no checkpoint"
 *   (see `RESTORE_SCRIPT`, `SYNC_SCRIPT`).
 *
 * Straight to S3 Express One Zone through Mountpoint (`storage` an S3Mountpoint of the run's
 * prefix of a directory bucket in an Availability Zone; checkpoint-direct.ts says why only there):
 * CHECKPOINT_DIR is the run's prefix, shared by every rank. Each rank writes its files of a
 * checkpoint into `<name>/` (each file written once, front to back; renaming a file to a new name
 * is fine, renaming a directory is not) and, once they are all closed, creates the empty
 * `<name>/.strata-complete-<rank>`, its rank read from the file CHECKPOINT_RANK_FILE; rank 0
 * writes `<name>/.strata-final` before its marker when training is finished. There is no sidecar:
 * closing a file completes its upload. The restore step reads the prefix through the mount and
 * names the newest checkpoint every rank completed in the file CHECKPOINT_RESTORED (nothing is
 * copied: read it in place); CHECKPOINT_RUN_FINISHED as above. The grace period covers writing the
 * newest checkpoint to S3 (checkpointSize at uploadThroughputMiBps, + 15 s), at most 600 s (the
 * Mountpoint Pod's own). Nothing is node-local, so the pods are neither kept from disruption nor
 * kept off Spot; they run in the bucket's zone (the volume's zone affinity).
 */
export class TrainingCheckpoint extends Construct {
  /**
   * The grace period a final flush of `checkpointGiB` needs with these throughputs (the defaults of
   * the props): the default of a flushBudget value, when checkpointSize is a value too.
   */
  public static flushSecondsFor(checkpoint: Size, throughput: { readonly uploadMiBps?: number; readonly localWriteMiBps?: number } = {}): number {
    return flushSeconds({ checkpointMiB: mebibytes(checkpoint), uploadMiBps: throughput.uploadMiBps ?? DEFAULT_UPLOAD_MIBPS, localWriteMiBps: throughput.localWriteMiBps ?? DEFAULT_LOCAL_WRITE_MIBPS });
  }

  public readonly storage: IStorageTier;
  /** The restore init container (of the first checkpointing pod set; see `restores`). */
  public readonly restore: plus.Container;
  /** The sync sidecar, an init container with restartPolicy Always (of the first checkpointing pod set; see `sidecars`); none with the FSx layout or when checkpoints go straight to S3. */
  public readonly sidecar?: plus.Container;
  /** The restore init container of each checkpointing pod set. */
  public readonly restores: readonly plus.Container[];
  /** The sync sidecar of each checkpointing pod set (none when checkpoints go straight to S3). */
  public readonly sidecars: readonly plus.Container[];
  /** Whether checkpoints are written straight to S3 through Mountpoint (an S3 Express One Zone volume as `storage`). */
  public readonly direct: boolean;
  public readonly mountPath: string;
  /** `s3://<bucket>/<prefix><run>/`. */
  public readonly uri: string;
  public readonly flushBudget: Duration;
  /** How often the sidecar uploads (NVMe layout). */
  public readonly syncInterval?: Duration;
  /** The layout: 'nvme' or 'fsx'. */
  public readonly layout: CheckpointLayout['kind'];
  /** What the final flush consists of (values may be tokens); undefined without checkpointSize. */
  public readonly flush?: FlushFacts;
  private readonly givenBudget: boolean;
  private readonly rules: Rules;
  private readonly policies: Record<string, PolicyDocument> = {};

  public constructor(scope: Construct, id: string, props: TrainingCheckpointProps) {
    super(scope, id);
    this.rules = new Rules(this);
    const r = this.rules;
    this.layout = props.layout?.kind ?? 'nvme';
    checkSecurity(r, 'helpersRunAs', props.helpersRunAs);
    if (props.layout?.kind === 'fsx') {
      // The FSx layout (fsx-checkpoint.ts): no sidecar, no upload, no node-local data.
      checkSegment(r, 'run', props.run, 'run-2025-01');
      this.mountPath = props.mountPath ?? '/checkpoints';
      for (const [field, value] of Object.entries({ storage: props.storage, size: props.size, syncInterval: props.syncInterval, uploadThroughputMiBps: props.uploadThroughputMiBps, localWriteMiBps: props.localWriteMiBps, image: props.image, region: props.region, kmsKeyArn: props.kmsKeyArn, syncCpu: props.syncCpu, syncMemory: props.syncMemory })) {
        if (value !== undefined) r.fail(field, shownProp(value), 'unset with the FSx layout', 'the file system holds the checkpoints and its data repository association exports them: there is no local storage, sidecar or upload to set');
      }
      if (props.checkpointSize === undefined && props.flushBudget === undefined) {
        r.fail('checkpointSize', undefined, 'set (or flushBudget)', 'state the size of the newest checkpoint one pod writes, e.g. Size.gibibytes(16): the pods\' grace period is derived from it so that the last write is never cut off');
      }
      const checkpointMiB = props.checkpointSize === undefined ? undefined : mebibytes(props.checkpointSize);
      if (checkpointMiB !== undefined) r.check('checkpointSize', checkpointMiB, { minimum: 1, maximum: 100_000 * 1024 }, 'the newest checkpoint of one pod', 'at least 1 MiB and at most 100000 GiB');
      const given = props.flushBudget?.toSeconds();
      if (given !== undefined) r.check('flushBudget', given, { minimum: 1, maximum: 86400, multipleOf: 1 }, 'give whole seconds', 'between 1 and 86400 seconds');
      const sets = this.checkpointing(props);
      const run = props.trainJob ? this.runOn(props.trainJob, props.job, sets) : undefined;
      const out = fsxCheckpointLayout({ scope: this, rules: r, sets, run: props.run, mountPath: this.mountPath, checkpointMiB, flushBudget: given, trainJob: run, helpersRunAs: props.helpersRunAs }, props.layout.fsx);
      if (props.destination !== undefined) {
        const prefix = checkS3Location(r, 'destination', props.destination);
        const destination = `s3://${props.destination.bucket}/${prefix}`;
        if (!Tokens.isToken(destination) && !Tokens.isToken(out.repository) && out.repository !== '' && destination !== out.repository) {
          r.fail('destination', destination, `the association's data repository path (${out.repository})`, 'with the FSx layout the association decides where checkpoints land in S3: leave destination out, or give that path');
        }
      }
      this.uri = out.uri;
      this.storage = props.layout.fsx.fileSystem;
      this.givenBudget = given !== undefined;
      this.flushBudget = Duration.seconds(out.flushBudget);
      this.restores = out.restores;
      this.restore = out.restores[0] ?? new plus.Container({ name: 'restore-checkpoint', image: 'none' });
      this.sidecars = [];
      this.direct = false;
      for (const set of sets) this.node.addValidation({ validate: () => this.validatePod(set.pod, out.flushBudget) });
      return;
    }
    if (props.destination === undefined) r.fail('destination', undefined, 'an S3 bucket and prefix with the NVMe layout', 'e.g. { bucket: "ml-checkpoints", prefix: "llama/" }: the sidecar uploads the checkpoints there');
    const prefix = checkS3Location(r, 'destination', props.destination ?? { bucket: '' });
    checkSegment(r, 'run', props.run, 'run-2025-01');
    r.check('region', props.region, { pattern: REGION }, 'e.g. "us-west-2"', 'an AWS region such as us-west-2');
    this.mountPath = props.mountPath ?? '/checkpoints';
    this.uri = `s3://${props.destination?.bucket}/${prefix}${props.run}/`;
    this.syncInterval = props.syncInterval ?? Duration.minutes(5);
    const interval = this.syncInterval.toSeconds();
    r.check('syncInterval', interval, { minimum: 10, maximum: 86400, multipleOf: 1 }, 'upload at most every 10 seconds and at least daily', 'between 10 and 86400 seconds');
    this.direct = props.storage instanceof S3Mountpoint;
    if (props.storage !== undefined && props.storage.tier === StorageTier.S3 && !(props.storage instanceof S3Mountpoint)) {
      r.fail('storage', props.storage.tier, 'local storage such as InstanceStore, or an S3Mountpoint of an S3 Express One Zone bucket', 'checkpoints go to S3 through the sync sidecar, or through Mountpoint on a directory bucket');
    }
    // A volume checkpoints cannot go to straight is refused with the reason, and not mounted at all.
    const directOk = props.storage instanceof S3Mountpoint && checkDirectStorage(r, props.storage, { bucket: props.destination?.bucket ?? '', prefix }, props.run);
    this.givenBudget = props.flushBudget !== undefined;
    this.flush = this.flushFacts(props);
    this.flushBudget = props.flushBudget ?? Duration.seconds(this.flush ? this.flushSecondsOf(this.flush) : DEFAULT_GRACE_SECONDS);
    const budget = this.flushBudget.toSeconds();
    this.checkBudget(budget);

    if (props.storage === undefined && props.size === undefined) {
      r.fail('size', undefined, 'set when no storage is given', 'give the NVMe scratch size, e.g. Size.gibibytes(200), or pass storage');
    }
    this.storage = props.storage ?? new InstanceStore(this, 'scratch', { size: props.size });

    const sets = this.checkpointing(props);
    const ranks = sets.length === 1 ? sets[0].rank!.ranks : Tokens.sum(...sets.map((p) => p.rank!.ranks));
    const run = props.trainJob ? this.runOn(props.trainJob, props.job, sets) : undefined;
    const image = props.image ?? AWS_CLI_IMAGE;
    const memory = props.syncMemory ?? Size.gibibytes(1);
    const resources: plus.ContainerResources = { cpu: { request: props.syncCpu ?? plus.Cpu.millis(250) }, memory: { request: memory, limit: memory } };
    const restores: plus.Container[] = [];
    const sidecars: plus.Container[] = [];
    const keys = new Set<string>();
    for (const set of sets) {
      const pod = set.pod;
      (pod as { terminationGracePeriod?: Duration }).terminationGracePeriod = Duration.seconds(budget);
      if (this.storage.tier === StorageTier.INSTANCE_STORE) {
        // Checkpoints not yet in S3 live only on this node: Karpenter must not consolidate or drift it
        // away. This does not stop expiry (the grace period covers it) nor a Spot interruption, where
        // Karpenter leaves a do-not-disrupt pod until the instance is gone (no final flush): so these
        // pods run on on-demand nodes only.
        pod.podMetadata.addAnnotation(DO_NOT_DISRUPT_ANNOTATION, 'true');
        PodScheduling.of(pod).require({ key: CAPACITY_TYPE_LABEL, operator: 'In', values: ['on-demand'], origin: `[${this.node.path}] (checkpoints on node-local NVMe)` });
        if (this.flush) {
          // The lifecycle check recomputes the flush per environment and holds the grace period to it.
          const f = this.flush;
          pod.podMetadata.addAnnotation(FLUSH_ANNOTATION, `{"checkpointMiB":${f.checkpointMiB},"uploadMiBps":${f.uploadMiBps},"localWriteMiBps":${f.localWriteMiBps}}`);
        }
      }
      // The run's location goes on its TrainJob when there is one (below), not on the runtime every run shares.
      const env: Record<string, string> = { CHECKPOINT_DIR: this.mountPath, ...(run ? {} : { CHECKPOINT_URI: this.uri }), HOME: '/tmp' };
      if (this.direct) {
        if (!directOk) continue;
        const restore = this.directPod(set, pod, env, run ? undefined : `${ranks}`, image, resources);
        restores.push(restore);
        keys.add(this.identityOf(set));
        this.node.addValidation({ validate: () => this.validatePod(pod, budget) });
        continue;
      }
      if (props.region !== undefined) Object.assign(env, { AWS_REGION: props.region, AWS_DEFAULT_REGION: props.region });
      // The pod's rank, for the markers of the checkpoints it wrote (an Indexed Job's index needs no expression).
      const rank = set.rank!;
      if (rank.expression !== 'JOB_COMPLETION_INDEX') env.CHECKPOINT_RANK_EXPR = rank.expression;
      const trainer = mainContainerOf(set);

      // The trainer first: it carries the scratch's ephemeral-storage request.
      this.mountInto(trainer, pod);
      trainer.env.addVariable('CHECKPOINT_DIR', plus.EnvValue.fromValue(this.mountPath));
      if (!run) trainer.env.addVariable('CHECKPOINT_URI', plus.EnvValue.fromValue(this.uri));
      trainer.env.addVariable('CHECKPOINT_RUN_FINISHED', plus.EnvValue.fromValue(`${this.mountPath}/${RUN_FINISHED_MARKER}`));

      // The helpers share CHECKPOINT_DIR with the trainer: they run as it does, unless told otherwise.
      const runAs = props.helpersRunAs ?? runAsOf(trainer, pod);
      const restore = pod.addInitContainer(helperProps('restore-checkpoint', image, RESTORE_SCRIPT, run ? env : { ...env, CHECKPOINT_RANKS: `${ranks}` }, resources, runAs));
      this.mountInto(restore, pod);
      restore.mount('/tmp', tmpVolume(pod));
      const sidecar = pod.addInitContainer({
        ...helperProps('checkpoint-sync', image, SYNC_SCRIPT, { ...env, SYNC_INTERVAL_SECONDS: `${interval}` }, resources, runAs),
        restartPolicy: plus.ContainerRestartPolicy.ALWAYS,
      });
      this.mountInto(sidecar, pod);
      sidecar.mount('/tmp', tmpVolume(pod));
      for (const c of [restore, sidecar]) for (const [name, value] of Object.entries(rank.env)) c.env.addVariable(name, value);
      restores.push(restore);
      sidecars.push(sidecar);
      keys.add(this.identityOf(set));
      this.node.addValidation({ validate: () => this.validatePod(pod, budget) });
    }
    if (run) {
      // What belongs to this run, on its TrainJob: Trainer upserts spec.trainer.env and merges the patches' env by name.
      const uri = plus.EnvValue.fromValue(this.uri);
      run.trainer?.env.addVariable('CHECKPOINT_URI', uri);
      run.job.patchContainer('restore-checkpoint', { init: true, envVariables: { CHECKPOINT_URI: uri, CHECKPOINT_RANKS: plus.EnvValue.fromValue(`${run.job.numNodes}`) } });
      if (!this.direct) run.job.patchContainer('checkpoint-sync', { init: true, envVariables: { CHECKPOINT_URI: uri } });
    }
    // Without a pod set (refused above), placeholders keep the construct whole for the error report.
    this.restore = restores[0] ?? new plus.Container({ name: 'restore-checkpoint', image });
    this.sidecar = this.direct ? undefined : sidecars[0] ?? new plus.Container({ name: 'checkpoint-sync', image });
    this.restores = restores;
    this.sidecars = sidecars;

    if (this.storage instanceof S3Mountpoint) {
      // Straight to S3: only Mountpoint calls S3, as the identity the volume names.
      if (restores.length > 0 && !r.failed) {
        const statements = grantMountpoint(this.storage, { name: `${id}-checkpoints` });
        if (this.storage.authenticationSource === 'pod') for (const key of [...keys].sort()) this.policies[key] = policyDocument(statements);
      }
      return;
    }
    const statements = s3Statements(`${id}-checkpoints`, { bucket: props.destination?.bucket ?? '', prefix }, { read: true, write: true, kmsKeyArn: props.kmsKeyArn });
    for (const key of [...keys].sort()) {
      WorkloadIdentity.addStatements(this, key, statements);
      this.policies[key] = policyDocument(statements);
    }
  }

  /**
   * A pod set writing checkpoints straight to S3: the volume mounted in the trainer, and a restore
   * step (reading through the mount, read-only) that names the checkpoint to resume and the pod's
   * rank in a pod-local directory. Returns the restore step.
   */
  private directPod(set: PodSet, pod: SchedulablePod, env: Record<string, string>, ranks: string | undefined, image: string, resources: plus.ContainerResources): plus.Container {
    const mount = this.storage as S3Mountpoint;
    const rank = set.rank!;
    const trainer = mainContainerOf(set);
    const state = plus.Volume.fromEmptyDir(pod, 'checkpoint-state', 'checkpoint-state', { sizeLimit: Size.mebibytes(1) });
    mount.mount(trainer, this.mountPath, { pod });
    trainer.mount(CHECKPOINT_STATE_DIR, state);
    trainer.env.addVariable('CHECKPOINT_DIR', plus.EnvValue.fromValue(this.mountPath));
    if (env.CHECKPOINT_URI !== undefined) trainer.env.addVariable('CHECKPOINT_URI', plus.EnvValue.fromValue(this.uri));
    trainer.env.addVariable('CHECKPOINT_STATE_DIR', plus.EnvValue.fromValue(CHECKPOINT_STATE_DIR));
    trainer.env.addVariable('CHECKPOINT_RESTORED', plus.EnvValue.fromValue(`${CHECKPOINT_STATE_DIR}/${RESTORED_MARKER}`));
    trainer.env.addVariable('CHECKPOINT_RANK_FILE', plus.EnvValue.fromValue(`${CHECKPOINT_STATE_DIR}/${RANK_FILE}`));
    trainer.env.addVariable('CHECKPOINT_RUN_FINISHED', plus.EnvValue.fromValue(`${CHECKPOINT_STATE_DIR}/${RUN_FINISHED_MARKER}`));
    const restoreEnv: Record<string, string> = { ...env, CHECKPOINT_STATE_DIR, ...(ranks !== undefined ? { CHECKPOINT_RANKS: ranks } : {}) };
    if (rank.expression !== 'JOB_COMPLETION_INDEX') restoreEnv.CHECKPOINT_RANK_EXPR = rank.expression;
    const restore = pod.addInitContainer(helperProps('restore-checkpoint', image, DIRECT_RESTORE_SCRIPT, restoreEnv, resources));
    mount.mount(restore, this.mountPath, { pod, readOnly: true });
    restore.mount(CHECKPOINT_STATE_DIR, state);
    restore.mount('/tmp', tmpVolume(pod));
    for (const [name, value] of Object.entries(rank.env)) restore.env.addVariable(name, value);
    return restore;
  }

  /** The grace period a final flush of `f` needs: written locally, then uploaded; straight to S3, uploaded as it is written. */
  private flushSecondsOf(f: FlushFacts): number {
    return this.direct ? Tokens.sum(Tokens.ceilDiv(f.checkpointMiB, f.uploadMiBps), FLUSH_MARGIN_SECONDS) : flushSeconds(f);
  }

  /** The least-privilege policy the training service account needs for checkpoints: read and write under the prefix. */
  public iamPolicies(): Record<string, PolicyDocument> {
    return { ...this.policies };
  }

  /**
   * The TrainJob that carries the run's values, checked: it runs on `job`, whose checkpointing pod
   * set is its trainer's Job "node" (the Job a TrainJob patches), and has its trainer container.
   */
  private runOn(trainJob: TrainJob, job: IWorkload, sets: readonly PodSet[]): { job: TrainJob; trainer?: plus.Container } | undefined {
    if (trainJob.runtime !== job) {
      const runtime = 'node' in trainJob.runtime ? trainJob.runtime.node.path : `${trainJob.runtime.kind} "${trainJob.runtime.name}"`;
      this.rules.fail('trainJob', trainJob.node.path, `a TrainJob on 'job' (${(job as unknown as IConstruct).node?.path ?? 'the workload'})`, `it runs on ${runtime}: give the TrainJob whose runtime is the job checkpointed`);
      return undefined;
    }
    const others = sets.filter((p) => p.name !== TRAINER_NODE);
    if (others.length > 0) {
      this.rules.fail('podSets', others.map((p) => p.name).join(', '), `only "${TRAINER_NODE}" with a trainJob`, 'a TrainJob patches the trainer\'s Job "node" only: checkpoint that pod set (podSets: [\'node\'])');
      return undefined;
    }
    const trainer = trainJob.nodes.containers.find((c) => c.name === TRAINER_NODE);
    if (!trainer) {
      this.rules.fail('trainJob', trainJob.node.path, `a TrainJob with its trainer container "${TRAINER_NODE}"`, `add it (trainJob.nodes.addContainer({ name: '${TRAINER_NODE}', … })) before the checkpoints: its spec.trainer.env carries CHECKPOINT_URI`);
    }
    return { job: trainJob, trainer };
  }

  /** The pod sets that checkpoint: those named, else every ranked one; each must have ranks. */
  private checkpointing(props: TrainingCheckpointProps): PodSet[] {
    const all = props.job.podSets;
    const names = props.podSets;
    const chosen = names === undefined ? all.filter((p) => p.rank !== undefined) : all.filter((p) => names.includes(p.name));
    for (const n of names ?? []) {
      if (!all.some((p) => p.name === n)) this.rules.fail('podSets', n, `a pod set of the workload (${all.map((p) => p.name).join(', ')})`, 'name the pod sets whose pods write checkpoints');
    }
    for (const p of chosen) {
      if (!p.rank) this.rules.fail('podSets', p.name, 'a pod set whose pods have ranks', 'checkpoints are kept per rank: run the trainers as an Indexed Job, a JobSet, a PyTorchJob, a TrainJob or a LeaderWorkerSet');
    }
    if (chosen.length === 0 && names === undefined) this.rules.fail('job', 'no ranked pod set', 'a workload whose pods have ranks', 'checkpoints are kept per rank: run the trainers as an Indexed Job, a JobSet, a PyTorchJob, a TrainJob or a LeaderWorkerSet');
    return chosen.filter((p) => p.rank !== undefined);
  }

  /** The identity key of a pod set's service account (its IAM policy gets the checkpoint statements). */
  private identityOf(set: PodSet): string {
    const key = set.pod.serviceAccount ? WorkloadIdentity.keyOf(set.pod.serviceAccount) : undefined;
    if (key === undefined) {
      this.rules.fail('serviceAccount', set.pod.serviceAccount?.name, `a service account of WorkloadIdentity for the pods of ${set.name}`, "give them WorkloadIdentity.serviceAccount(this, 'training'): the checkpoint policy goes to its role");
      return 'training';
    }
    return key;
  }

  private mountInto(container: plus.Container, pod: SchedulablePod): void {
    if (this.storage instanceof InstanceStore) this.storage.mount(container, this.mountPath, { pod });
    else this.storage.mount(container, this.mountPath);
  }

  /** The flush facts from the props (checked), when a checkpoint size is given. */
  private flushFacts(props: TrainingCheckpointProps): FlushFacts | undefined {
    const r = this.rules;
    const uploadMiBps = props.uploadThroughputMiBps ?? DEFAULT_UPLOAD_MIBPS;
    const localWriteMiBps = props.localWriteMiBps ?? DEFAULT_LOCAL_WRITE_MIBPS;
    r.check('uploadThroughputMiBps', uploadMiBps, { minimum: 1, maximum: 100_000 }, 'the MiB/s one pod uploads to S3', 'between 1 and 100000 MiB/s');
    r.check('localWriteMiBps', localWriteMiBps, { minimum: 1, maximum: 100_000 }, 'the MiB/s the checkpoint storage writes', 'between 1 and 100000 MiB/s');
    if (props.checkpointSize === undefined) {
      if (props.flushBudget === undefined) {
        r.fail('checkpointSize', undefined, 'set (or flushBudget)', 'state the size of the newest checkpoint one pod writes, e.g. Size.gibibytes(16): the pods\' grace period is derived from it so that the final upload is never cut off');
      }
      return undefined;
    }
    const checkpointMiB = mebibytes(props.checkpointSize);
    r.check('checkpointSize', checkpointMiB, { minimum: 1, maximum: 100_000 * 1024 }, 'the newest checkpoint of one pod', 'at least 1 MiB and at most 100000 GiB');
    return { checkpointMiB, uploadMiBps, localWriteMiBps };
  }

  /**
   * The flush budget is the grace period: refused when shorter than the flush it must cover
   * (literal facts), warned when it is the default 30 s or less.
   */
  private checkBudget(budget: number): void {
    if (!this.rules.check('flushBudget', budget, { minimum: 1, maximum: 86400, multipleOf: 1 }, 'give whole seconds', 'between 1 and 86400 seconds')) return;
    const f = this.flush;
    if (f && this.givenBudget) {
      const needed = this.flushSecondsOf(f);
      const how = this.direct ? `written to S3 at ${f.uploadMiBps} MiB/s` : `written at ${f.localWriteMiBps} MiB/s, uploaded at ${f.uploadMiBps} MiB/s`;
      if (isLiteral(budget) && isLiteral(needed)) {
        if (budget < needed) {
          this.rules.fail('flushBudget', budget, `at least ${needed} seconds for a ${f.checkpointMiB / 1024} GiB checkpoint (${how}, + ${FLUSH_MARGIN_SECONDS} s)`,
            'a shorter grace period cuts off the final upload and loses the newest checkpoint: leave flushBudget unset to derive it, or lower checkpointSize');
          return;
        }
      } else {
        // Values on either side: Helm compares them at install (a template guard), as here.
        Tokens.check(Tokens.sum(budget, Tokens.product(-1, needed)), { minimum: 0 }, `[${this.node.path}] flushBudget minus the flush it must cover (checkpointSize ${how}, + ${FLUSH_MARGIN_SECONDS} s)`);
      }
    }
    if (isLiteral(budget) && budget <= DEFAULT_GRACE_SECONDS && !this.direct) {
      this.rules.warn(problem('flushBudget', budget, `more than ${DEFAULT_GRACE_SECONDS} seconds`,
        'the kubelet stops the sync sidecar only after the trainer has exited, within the same grace period: the last checkpoint\'s upload is cut off; declare the time the final write and upload take'));
    }
  }

  /**
   * Across the finished pod: a sync loop must be a native sidecar (case 53), and a pod with a
   * Mountpoint S3 volume must terminate within 600 s (case 46).
   */
  private validatePod(pod: plus.AbstractPod, budget: number): string[] {
    const errors: string[] = [];
    for (const c of pod.containers) {
      if (isSyncLoop(c)) {
        errors.push(problem('containers', c.name, 'an init container with restartPolicy: Always (a native sidecar) when it loops uploading checkpoints',
          'a regular container that never exits keeps the Job from ever completing (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#jobs-with-sidecar-containers): add it with addInitContainer and restartPolicy: ContainerRestartPolicy.ALWAYS'));
      }
    }
    if (mountsS3(this, pod)) {
      // Straight to S3 the volume's own mount already warned of a literal budget over 600 s.
      if (!isLiteral(budget)) Tokens.check(budget, { maximum: S3_MOUNTPOINT_GRACE_SECONDS }, `[${this.node.path}] flushBudget (a Mountpoint S3 volume is in the pod: its pods stop after 600 s)`);
      else if (!this.direct) checkS3TerminationGrace(this, budget);
    }
    return errors;
  }
}

/** A size in whole MiB: a value's GiB token becomes a derived MiB token; a literal is rounded up. */
function mebibytes(size: Size): number {
  const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Tokens.isToken(gib)) return Tokens.derive(gib, 1024);
  return Math.ceil(size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }));
}

/** Whether a regular container runs an upload loop (aws s3 sync, s5cmd, rclone with sleep or while). */
export function isSyncLoop(c: plus.Container): boolean {
  const text = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  return /(aws\s+s3\s+(sync|cp)|s5cmd|rclone)/.test(text) && /(while|sleep|watch)/.test(text);
}

/** Whether a pod mounts a Mountpoint S3 claim of the same app. */
function mountsS3(scope: IConstruct, pod: plus.AbstractPod): boolean {
  const claims = new Set(scope.node.root.node.findAll().filter((c): c is S3Mountpoint => c instanceof S3Mountpoint).map((m) => m.claim.name));
  if (claims.size === 0) return false;
  const volumes = [...pod.containers, ...pod.initContainers].flatMap((c) => c.mounts.map((m) => m.volume));
  return volumes.some((v) => {
    const kube = (v as unknown as { _toKube(): { persistentVolumeClaim?: { claimName?: string } } })._toKube();
    return kube.persistentVolumeClaim?.claimName !== undefined && claims.has(kube.persistentVolumeClaim.claimName);
  });
}

/** A prop as a message shows it: a size or a duration in its own words, a construct by its id. */
function shownProp(value: unknown): unknown {
  if (value instanceof Size) return value.asString();
  if (value instanceof Duration) return value.toHumanString();
  if (value instanceof Construct) return value.node.id;
  if (value instanceof plus.Cpu) return value.amount;
  return value;
}
