import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { checkS3TerminationGrace, InstanceStore, isLiteral, IStorageTier, Rules, S3_MOUNTPOINT_GRACE_SECONDS, S3Mountpoint, StorageTier } from '@strata/storage';
import { problem, Tokens } from '@strata/tokens';
import { AWS_CLI_IMAGE, helperProps, tmpVolume } from './container-spec';
import { PolicyDocument, policyDocument, s3Statements, WorkloadIdentity } from './iam';
import { ParallelJob } from './parallel-job';
import { checkS3Location, checkSegment, REGION, S3Location } from './s3-location';
import { RESTORE_SCRIPT, RUN_FINISHED_MARKER, SYNC_SCRIPT } from './scripts';

/** Kubernetes' default terminationGracePeriodSeconds: too short for a final upload (facts §5, §7 case 54). */
export const DEFAULT_GRACE_SECONDS = 30;

export interface TrainingCheckpointProps {
  /** The training Job whose worker writes checkpoints. */
  readonly job: ParallelJob;
  /** Where checkpoints are kept: `s3://<bucket>/<prefix><run>/<checkpoint>/`. */
  readonly destination: S3Location;
  /** The training run: checkpoints of one run share `<prefix><run>/`, and a restarted run resumes from them. */
  readonly run: string;
  /**
   * Local storage the trainer writes checkpoints to. A Mountpoint S3 volume is refused: it cannot
   * rename or rewrite files (facts §3.3).
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
   * The time the pod needs from SIGTERM to the end of its last upload: the trainer writing its
   * last checkpoint, then the sidecar's final upload (the kubelet stops the sidecar only after the
   * trainer exited, within the same budget). It is the pod's terminationGracePeriodSeconds. Keep
   * it under the 2-minute Spot interruption notice where Spot is used, and at most 600 s with a
   * Mountpoint S3 volume in the pod (facts §5). Bind a value with Duration.seconds(value).
   * @default Duration.seconds(110)
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
 */
export class TrainingCheckpoint extends Construct {
  public readonly storage: IStorageTier;
  public readonly restore: plus.Container;
  /** The sync sidecar (an init container with restartPolicy Always). */
  public readonly sidecar: plus.Container;
  public readonly mountPath: string;
  /** `s3://<bucket>/<prefix><run>/`. */
  public readonly uri: string;
  public readonly flushBudget: Duration;
  public readonly syncInterval: Duration;
  private readonly rules: Rules;
  private readonly policies: Record<string, PolicyDocument> = {};

  public constructor(scope: Construct, id: string, props: TrainingCheckpointProps) {
    super(scope, id);
    this.rules = new Rules(this);
    const r = this.rules;
    const prefix = checkS3Location(r, 'destination', props.destination);
    checkSegment(r, 'run', props.run, 'run-2025-01');
    r.check('region', props.region, { pattern: REGION }, 'e.g. "us-west-2"', 'an AWS region such as us-west-2');
    this.mountPath = props.mountPath ?? '/checkpoints';
    this.uri = `s3://${props.destination.bucket}/${prefix}${props.run}/`;
    this.syncInterval = props.syncInterval ?? Duration.minutes(5);
    this.flushBudget = props.flushBudget ?? Duration.seconds(110);
    const interval = this.syncInterval.toSeconds();
    const budget = this.flushBudget.toSeconds();
    r.check('syncInterval', interval, { minimum: 10, maximum: 86400, multipleOf: 1 }, 'upload at most every 10 seconds and at least daily', 'between 10 and 86400 seconds');
    this.checkBudget(budget);

    if (props.storage === undefined && props.size === undefined) {
      r.fail('size', undefined, 'set when no storage is given', 'give the NVMe scratch size, e.g. Size.gibibytes(200), or pass storage');
    }
    this.storage = props.storage ?? new InstanceStore(this, 'scratch', { size: props.size });
    if (this.storage.tier === StorageTier.S3) {
      // facts §3.3, §7 case 45
      r.fail('storage', 'S3Mountpoint', 'local storage such as InstanceStore for checkpoints',
        'Mountpoint writes new files sequentially once: no rename on general purpose buckets, no random writes, no appends, so savers that write a temporary file and rename it fail; write checkpoints to InstanceStore and let the sync sidecar upload them');
    }

    const job = props.job;
    const pod = job.job;
    job.setTerminationGracePeriod(Duration.seconds(budget));
    const env: Record<string, string> = { CHECKPOINT_DIR: this.mountPath, CHECKPOINT_URI: this.uri, HOME: '/tmp' };
    if (props.region !== undefined) Object.assign(env, { AWS_REGION: props.region, AWS_DEFAULT_REGION: props.region });
    const memory = props.syncMemory ?? Size.gibibytes(1);
    const resources: plus.ContainerResources = { cpu: { request: props.syncCpu ?? plus.Cpu.millis(250) }, memory: { request: memory, limit: memory } };
    const image = props.image ?? AWS_CLI_IMAGE;

    // The worker first: it carries the scratch's ephemeral-storage request.
    this.mountInto(job.worker, pod);
    job.worker.env.addVariable('CHECKPOINT_DIR', plus.EnvValue.fromValue(this.mountPath));
    job.worker.env.addVariable('CHECKPOINT_URI', plus.EnvValue.fromValue(this.uri));
    job.worker.env.addVariable('CHECKPOINT_RUN_FINISHED', plus.EnvValue.fromValue(`${this.mountPath}/${RUN_FINISHED_MARKER}`));

    this.restore = pod.addInitContainer(helperProps('restore-checkpoint', image, RESTORE_SCRIPT, { ...env, CHECKPOINT_RANKS: `${job.completions}` }, resources));
    this.mountInto(this.restore, pod);
    this.restore.mount('/tmp', tmpVolume(pod));

    this.sidecar = pod.addInitContainer({
      ...helperProps('checkpoint-sync', image, SYNC_SCRIPT, { ...env, SYNC_INTERVAL_SECONDS: `${interval}` }, resources),
      restartPolicy: plus.ContainerRestartPolicy.ALWAYS,
    });
    this.mountInto(this.sidecar, pod);
    this.sidecar.mount('/tmp', tmpVolume(pod));

    const statements = s3Statements(`${id}-checkpoints`, { bucket: props.destination.bucket, prefix }, { read: true, write: true, kmsKeyArn: props.kmsKeyArn });
    WorkloadIdentity.addStatements(this, job.serviceAccountKey, statements);
    this.policies[job.serviceAccountKey] = policyDocument(statements);

    this.node.addValidation({ validate: () => this.validatePod(pod, budget) });
  }

  /** The least-privilege policy the training service account needs for checkpoints: read and write under the prefix. */
  public iamPolicies(): Record<string, PolicyDocument> {
    return { ...this.policies };
  }

  private mountInto(container: plus.Container, pod: plus.Job): void {
    if (this.storage instanceof InstanceStore) this.storage.mount(container, this.mountPath, { pod });
    else this.storage.mount(container, this.mountPath);
  }

  /** The flush budget is the grace period: warn when it is the default 30 s or less (facts §5, case 54). */
  private checkBudget(budget: number): void {
    if (!this.rules.check('flushBudget', budget, { minimum: 1, maximum: 86400, multipleOf: 1 }, 'give whole seconds', 'between 1 and 86400 seconds')) return;
    if (isLiteral(budget) && budget <= DEFAULT_GRACE_SECONDS) {
      this.rules.warn(problem('flushBudget', budget, `more than ${DEFAULT_GRACE_SECONDS} seconds`,
        'the kubelet stops the sync sidecar only after the trainer has exited, within the same grace period: the last checkpoint\'s upload is cut off; declare the time the final write and upload take'));
    }
  }

  /**
   * Across the finished pod: a sync loop must be a native sidecar (case 53), and a pod with a
   * Mountpoint S3 volume must terminate within 600 s (case 46).
   */
  private validatePod(pod: plus.Job, budget: number): string[] {
    const errors: string[] = [];
    for (const c of pod.containers) {
      if (isSyncLoop(c)) {
        errors.push(problem('containers', c.name, 'an init container with restartPolicy: Always (a native sidecar) when it loops uploading checkpoints',
          'a regular container that never exits keeps the Job from ever completing (facts §5, case 53): add it with addInitContainer and restartPolicy: ContainerRestartPolicy.ALWAYS'));
      }
    }
    if (mountsS3(this, pod)) {
      if (isLiteral(budget)) checkS3TerminationGrace(this, budget);
      else Tokens.check(budget, { maximum: S3_MOUNTPOINT_GRACE_SECONDS }, `[${this.node.path}] flushBudget (a Mountpoint S3 volume is in the pod: its pods stop after 600 s)`);
    }
    return errors;
  }
}

/** Whether a regular container runs an upload loop (aws s3 sync, s5cmd, rclone with sleep or while). */
export function isSyncLoop(c: plus.Container): boolean {
  const text = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  return /(aws\s+s3\s+(sync|cp)|s5cmd|rclone)/.test(text) && /(while|sleep|watch)/.test(text);
}

/** Whether a pod mounts a Mountpoint S3 claim of the same app. */
function mountsS3(scope: IConstruct, pod: plus.Job): boolean {
  const claims = new Set(scope.node.root.node.findAll().filter((c): c is S3Mountpoint => c instanceof S3Mountpoint).map((m) => m.claim.name));
  if (claims.size === 0) return false;
  const volumes = [...pod.containers, ...pod.initContainers].flatMap((c) => c.mounts.map((m) => m.volume));
  return volumes.some((v) => {
    const kube = (v as unknown as { _toKube(): { persistentVolumeClaim?: { claimName?: string } } })._toKube();
    return kube.persistentVolumeClaim?.claimName !== undefined && claims.has(kube.persistentVolumeClaim.claimName);
  });
}
