import { Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { mainContainerOf, PodSet, TrainJob } from '@strata/kinds';
import { FsxDeploymentType, FsxLustre, isLiteral, Rules, S3_PATH, SchedulablePod } from '@strata/storage';
import { FLUSH_MARGIN_SECONDS, Tokens } from '@strata/tokens';
import { helperProps, helperResources, SHELL_IMAGE } from './container-spec';
import { DataRepositoryAssociation, requireZone, ZONE } from './distributed-dataset';
import { RESTORE_SHARED_SCRIPT, RUN_FINISHED_MARKER } from './scripts';
import { RunAs, runAsOf } from './security';
import { checkWritableRoot } from './writable-root';

/**
 * The other checkpoint layout AWS recommends for large runs: every rank writes to one FSx for
 * Lustre file system (scratch, usually), and a data repository association exports what is
 * written to S3 by itself (https://docs.aws.amazon.com/fsx/latest/APIReference/API_AutoExportPolicy.html:
 * NEW and CHANGED files are exported "asynchronously once your application finishes modifying the
 * file"). Compared with NVMe → S3 (the default layout):
 * - **No upload in the pod.** There is no sync sidecar and no S3 permission (FSx exports with its
 *   own service-linked role); the grace period covers writing the last checkpoint to the file
 *   system only — the export runs on after the pod is gone.
 * - **Node loss loses nothing written.** A checkpoint is off the node once written, so the pods need
 *   neither `karpenter.sh/do-not-disrupt` nor on-demand nodes: Spot is fine (keep the grace period
 *   under the 2-minute notice). What a SCRATCH file system keeps only until it is exported is lost
 *   with a file server, not with a node.
 * - **One directory for every rank** (CHECKPOINT_SHARED=true): rank 0 writes `.complete` once every
 *   rank has written its part (as torch.distributed.checkpoint's coordinator writes its metadata
 *   last); the restore step only names the newest complete checkpoint.
 * Checkpoints of run R are `<association directory>/R/` on the file system, `<dataRepositoryPath>R/` in S3.
 */
export interface FsxCheckpointLayoutProps {
  /**
   * The file system (its claim): usually `FsxLustre.fromFileSystem`, since the association is made
   * outside Kubernetes (the CSI driver creates none).
   */
  readonly fileSystem: FsxLustre;
  /**
   * The data repository association that links the checkpoints' S3 prefix to a directory of the
   * file system. Its auto-export policy must list NEW and CHANGED, or nothing reaches S3.
   */
  readonly association: DataRepositoryAssociation;
  /**
   * The file system's deployment type, when known: SCRATCH_1 has no data repository associations
   * (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryAssociation.html).
   * @default - the class's, for a file system of a class this app makes; else unknown
   */
  readonly deploymentType?: FsxDeploymentType;
  /**
   * What one pod writes to the file system, in MiB/s: its share of the file system's throughput
   * (per-unit throughput × capacity, or scratch's baseline) while every rank writes at once.
   * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/performance.html
   * @default 200
   */
  readonly writeThroughputMiBps?: number;
  /**
   * The file system's availability zone: the trainers are required to run there (no cross-zone
   * traffic for checkpoints).
   * @default - no zone requirement
   */
  readonly availabilityZone?: string;
  /**
   * The association's directory was handed to the trainers' uid outside the chart (`chown` from an
   * admin pod; see writable-root.ts). Stating it turns the warning into the chart's record of the step.
   * @default false
   */
  readonly rootPrepared?: boolean;
}

/** Default write throughput of one pod to FSx for Lustre, MiB/s (see FsxCheckpointLayoutProps). */
export const DEFAULT_FSX_WRITE_MIBPS = 200;

/** What the FSx layout needs from the checkpoint pattern (its props, checked there). */
export interface FsxLayoutContext {
  readonly scope: IConstruct;
  readonly rules: Rules;
  readonly sets: readonly PodSet[];
  readonly run: string;
  readonly mountPath: string;
  /** The size of the newest checkpoint one pod writes, in MiB (whole; may be a token). */
  readonly checkpointMiB?: number;
  /** The flush budget given, in seconds. */
  readonly flushBudget?: number;
  /** Whom the restore step runs as. @default - the trainer's uid and gid */
  readonly helpersRunAs?: RunAs;
  /** The run's TrainJob, when the workload is its training runtime. */
  readonly trainJob?: { readonly job: TrainJob; readonly trainer?: plus.Container };
}

/** What the FSx layout made. */
export interface FsxLayoutResult {
  /** The association's data repository path, ending in "/". */
  readonly repository: string;
  /** `<dataRepositoryPath><run>/`, where the checkpoints are exported to. */
  readonly uri: string;
  /** `<mountPath>/<run>`. */
  readonly checkpointDir: string;
  readonly restores: plus.Container[];
  /** The grace period: the flush budget given, else the write of the newest checkpoint + 15 s. */
  readonly flushBudget: number;
}

/** The FSx for Lustre layout: the file system mounted read-write into the trainers, a restore step, the grace period. */
export function fsxCheckpointLayout(ctx: FsxLayoutContext, props: FsxCheckpointLayoutProps): FsxLayoutResult {
  const r = ctx.rules;
  const a = props.association;
  const fsx = props.fileSystem;
  if (!r.required('layout.fileSystem', fsx, 'the FsxLustre claim of the file system', 'FsxLustre.fromFileSystem(…) of the file system the association belongs to')) {
    return { repository: '', uri: '', checkpointDir: ctx.mountPath, restores: [], flushBudget: 1 };
  }
  const dir = checkAssociation(r, a);
  const type = props.deploymentType ?? fsx.storageClass?.deploymentType;
  if (type === FsxDeploymentType.SCRATCH_1) {
    r.fail('layout.deploymentType', type, 'a deployment type with data repository associations (SCRATCH_2, PERSISTENT_1, PERSISTENT_2)', 'SCRATCH_1 file systems have no data repository associations, so nothing exports the checkpoints: use SCRATCH_2 or a PERSISTENT file system');
  }
  const writeMiBps = props.writeThroughputMiBps ?? DEFAULT_FSX_WRITE_MIBPS;
  r.check('layout.writeThroughputMiBps', writeMiBps, { minimum: 1, maximum: 100_000 }, 'the MiB/s one pod writes to the file system while every rank writes', 'between 1 and 100000 MiB/s');
  if (props.availabilityZone !== undefined) r.check('layout.availabilityZone', props.availabilityZone, { pattern: ZONE }, 'give the zone name of the file system\'s subnet, e.g. "us-east-1a"');

  const repository = typeof a?.dataRepositoryPath === 'string' && !Tokens.isToken(a.dataRepositoryPath) ? a.dataRepositoryPath.replace(/\/*$/, '/') : `${a?.dataRepositoryPath}/`;
  const uri = `${repository}${ctx.run}/`;
  const checkpointDir = `${ctx.mountPath}/${ctx.run}`;
  const budget = flushBudget(ctx, writeMiBps);

  const restores: plus.Container[] = [];
  for (const set of ctx.sets) {
    const pod = set.pod;
    (pod as { terminationGracePeriod?: Duration }).terminationGracePeriod = Duration.seconds(budget);
    if (props.availabilityZone !== undefined) requireZone(pod as SchedulablePod, props.availabilityZone, `[${ctx.scope.node.path}] (the checkpoints' file system's zone)`);
    const trainer = mainContainerOf(set);
    const runAs = ctx.helpersRunAs ?? runAsOf(trainer, pod);
    fsx.mount(trainer, ctx.mountPath, { subPath: dir });
    trainer.env.addVariable('CHECKPOINT_SHARED', plus.EnvValue.fromValue('true'));
    if (!ctx.trainJob) {
      trainer.env.addVariable('CHECKPOINT_DIR', plus.EnvValue.fromValue(checkpointDir));
      trainer.env.addVariable('CHECKPOINT_URI', plus.EnvValue.fromValue(uri));
      trainer.env.addVariable('CHECKPOINT_RUN_FINISHED', plus.EnvValue.fromValue(`${checkpointDir}/${RUN_FINISHED_MARKER}`));
    }
    const restore = pod.addInitContainer(helperProps('restore-checkpoint', SHELL_IMAGE, RESTORE_SHARED_SCRIPT, ctx.trainJob ? {} : { CHECKPOINT_DIR: checkpointDir }, helperResources(10, 16), runAs));
    fsx.mount(restore, ctx.mountPath, { subPath: dir });
    restores.push(restore);
  }
  if (ctx.trainJob) {
    // The run's directory belongs to the run: on its TrainJob, as the NVMe layout's location is.
    const t = ctx.trainJob;
    t.trainer?.env.addVariable('CHECKPOINT_DIR', plus.EnvValue.fromValue(checkpointDir));
    t.trainer?.env.addVariable('CHECKPOINT_URI', plus.EnvValue.fromValue(uri));
    t.trainer?.env.addVariable('CHECKPOINT_RUN_FINISHED', plus.EnvValue.fromValue(`${checkpointDir}/${RUN_FINISHED_MARKER}`));
    t.job.patchContainer('restore-checkpoint', { init: true, envVariables: { CHECKPOINT_DIR: plus.EnvValue.fromValue(checkpointDir) } });
  }
  const first = ctx.sets[0];
  checkWritableRoot(r, {
    field: 'layout.fileSystem',
    storage: fsx,
    writer: `the trainers (${ctx.sets.map((p) => p.name).join(', ')})`,
    runAs: first ? runAsOf(mainContainerOf(first), first.pod) : undefined,
    directory: dir,
    preparedField: 'layout.rootPrepared',
    prepared: props.rootPrepared,
  });
  return { repository, uri, checkpointDir, restores, flushBudget: budget };
}

/** The association: its id, paths, and an export policy that exports. Returns its directory, relative (undefined for the root). */
function checkAssociation(r: Rules, a: DataRepositoryAssociation | undefined): string | undefined {
  if (!r.required('layout.association', a, 'the data repository association that exports the checkpoints', 'give { associationId, dataRepositoryPath, fileSystemPath, autoExport } from aws fsx describe-data-repository-associations')) return undefined;
  const assoc = a!;
  r.check('layout.association.dataRepositoryPath', assoc.dataRepositoryPath, { pattern: S3_PATH }, 'e.g. "s3://ml-checkpoints/llama/"', 'an S3 path s3://bucket[/prefix]');
  r.check('layout.association.fileSystemPath', assoc.fileSystemPath, { pattern: '^/([^/]+/)*[^/]*$' }, 'an absolute directory of the file system, e.g. "/checkpoints" or "/"', 'an absolute directory such as /checkpoints');
  const events = assoc.autoExport;
  if (events === undefined) {
    r.fail('layout.association.autoExport', undefined, 'stated (NEW and CHANGED at least)', 'copy S3.AutoExportPolicy.Events from aws fsx describe-data-repository-associations; the association must export, or the checkpoints never reach S3');
  } else {
    const missing = ['NEW', 'CHANGED'].filter((e) => !events.map(String).includes(e));
    if (missing.length > 0) {
      r.fail('layout.association.autoExport', events, 'a policy that exports NEW and CHANGED files', `the association must export the checkpoints: add ${missing.join(' and ')} to its AutoExportPolicy (aws fsx update-data-repository-association --association-id ${assoc.associationId} --s3 'AutoExportPolicy={Events=[NEW,CHANGED]}')`);
    }
  }
  if (!isLiteral(assoc.fileSystemPath)) return undefined;
  const dir = assoc.fileSystemPath.replace(/^\/+/, '').replace(/\/+$/, '');
  return dir === '' ? undefined : dir;
}

/** The grace period: given (at least the write of the newest checkpoint), or that write + 15 s (a formula when a fact is a value). */
function flushBudget(ctx: FsxLayoutContext, writeMiBps: number): number {
  const r = ctx.rules;
  const needed = ctx.checkpointMiB === undefined ? undefined : Tokens.sum(Tokens.ceilDiv(ctx.checkpointMiB, writeMiBps), FLUSH_MARGIN_SECONDS);
  if (ctx.flushBudget === undefined) return needed ?? 30;
  if (needed !== undefined) {
    if (isLiteral(ctx.flushBudget) && isLiteral(needed)) {
      if (ctx.flushBudget < needed) {
        r.fail('flushBudget', ctx.flushBudget, `at least ${needed} seconds for a ${ctx.checkpointMiB! / 1024} GiB checkpoint (written to the file system at ${writeMiBps} MiB/s, + ${FLUSH_MARGIN_SECONDS} s)`,
          'a shorter grace period cuts off the last checkpoint\'s write: leave flushBudget unset to derive it, or lower checkpointSize');
      }
    } else {
      Tokens.check(Tokens.sum(ctx.flushBudget, Tokens.product(-1, needed)), { minimum: 0 }, `[${ctx.scope.node.path}] flushBudget minus the write it must cover (checkpointSize written to the file system at ${writeMiBps} MiB/s, + ${FLUSH_MARGIN_SECONDS} s)`);
    }
  }
  return ctx.flushBudget;
}
