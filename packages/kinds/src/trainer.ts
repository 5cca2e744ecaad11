import { Chart, Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Tokens } from '@strata/tokens';
import { TrainingRuntimeSpec, TrainingRuntimeSpecTemplateSpec, toJson_TrainingRuntimeSpec, toJson_TrainingRuntimeSpecTemplateSpec } from '@strata/crd-types/training-runtime';
import { TrainJobSpec, toJson_TrainJobSpec } from '@strata/crd-types/train-job';
import { jobIndexRank } from './kubernetes';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { PodSurface, restrictPodSpec } from './surface';
import { compact, KindIdentity, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/*
 * Kubeflow Trainer v2 (kubeflow/trainer@v2.3.0, API trainer.kubeflow.org/v1alpha1): a TrainJob runs
 * a training on a runtime — a TrainingRuntime (namespaced) or ClusterTrainingRuntime holding a
 * JobSet template — which Trainer copies into a JobSet named as the TrainJob, with the TrainJob's
 * trainer settings and runtime patches applied (pkg/runtime/core/trainingruntime.go,
 * pkg/runtime/framework/plugins/jobset/). Sources: pkg/apis/trainer/v1alpha1/{trainjob,trainingruntime}_types.go,
 * pkg/constants/constants.go, manifests/base/crds/, manifests/base/runtimes/.
 */

/** The API version of Trainer v2's kinds. */
export const TRAINER_API_VERSION = 'trainer.kubeflow.org/v1alpha1';
const TRAINER_GROUP = 'trainer.kubeflow.org';
/** The operator to install for these kinds. */
export const TRAINER_OPERATOR = 'kubeflow-trainer';

/** The trainer's replicated Job and container (pkg/constants `Node`): spec.trainer reaches only the container of this name. */
export const TRAINER_NODE = 'node';
/** The MPI launcher's replicated Job (pkg/constants `Launcher`); its container is also named "node". */
export const TRAINER_LAUNCHER = 'launcher';
/** The dataset initializer's replicated Job and container (pkg/constants `DatasetInitializer`). */
export const DATASET_INITIALIZER = 'dataset-initializer';
/** The model initializer's replicated Job and container (pkg/constants `ModelInitializer`). */
export const MODEL_INITIALIZER = 'model-initializer';
/**
 * The label of a replicated Job template saying which part of a TrainJob it runs: "trainer",
 * "dataset-initializer" or "model-initializer" (pkg/constants `LabelTrainJobAncestor`). Trainer
 * applies spec.trainer and spec.initializer by it, and counts the trainer Job's pods from numNodes.
 */
export const TRAINJOB_ANCESTOR_LABEL = 'trainer.kubeflow.org/trainjob-ancestor-step';
/**
 * The volume an initializer container must mount when a TrainJob configures it (the webhook checks
 * it: pkg/runtime/framework/plugins/jobset/jobset.go `Validate`; name from
 * pkg/runtime/framework/plugins/jobset/constants `VolumeNameInitializer`).
 */
export const INITIALIZER_VOLUME = 'initializer';
/** Where the initializers write, below the initializer volume's mount (pkg/constants `DatasetMountPath`, `ModelMountPath`). */
export const DATASET_MOUNT_PATH = '/workspace/dataset';
export const MODEL_MOUNT_PATH = '/workspace/model';

/**
 * The `manager` of strata's entry in a TrainJob's `spec.runtimePatches` (a list keyed by manager,
 * at most 16: Kueue adds its own, "kueue.x-k8s.io/manager"). The CRD asks for 1–253 characters,
 * immutable; Trainer's webhook asks for a domain-prefixed path, a DNS subdomain, "/", then
 * characters of a URL path (pkg/runtime/framework/plugins/jobset/jobset.go `Validate` →
 * k8s.io/apimachinery pkg/util/validation `IsDomainPrefixedPath`).
 */
export const STRATA_PATCH_MANAGER = 'strata.dev/trainjob';

/**
 * Environment variables Trainer sets in the trainer container itself and refuses in spec.trainer.env:
 * torchrun's PET_* (pkg/runtime/framework/plugins/torch/torch.go), OpenMPI's (mpi/mpi.go), XGBoost's
 * DMLC_* (xgboost/xgboost.go); names from pkg/constants `TorchRunReservedEnvNames`,
 * `MPIReservedEnvNames`, `XGBoostReservedEnvNames`.
 */
export const TRAINER_RESERVED_ENV: readonly string[] = [
  'PET_NNODES',
  'PET_NPROC_PER_NODE',
  'PET_NODE_RANK',
  'PET_MASTER_ADDR',
  'PET_MASTER_PORT',
  'OMPI_MCA_orte_default_hostfile',
  'OMPI_MCA_plm_rsh_args',
  'OMPI_MCA_orte_keep_fqdn_hostnames',
  'OMPI_MCA_orte_set_default_slots',
  'DMLC_TRACKER_URI',
  'DMLC_TRACKER_PORT',
  'DMLC_TASK_ID',
  'DMLC_NUM_WORKER',
];

/**
 * A node's rank among `numNodes`: Trainer runs the trainer Job as one Indexed Job (it sets the
 * replicated Job's `replicas` to 1, pkg/runtime/framework/plugins/jobset/builder.go `Trainer`, and
 * its `parallelism` and `completions` to numNodes, jobset.go `SyncParallelCount`) and gives torchrun
 * `PET_NODE_RANK` from the pod's `batch.kubernetes.io/job-completion-index` annotation
 * (torch/torch.go `EnforceMLPolicy`, pkg/constants `JobCompletionIndexFieldPath`): the same number
 * as JOB_COMPLETION_INDEX, which the Job controller gives every container (helpers too).
 */
export function trainerNodeRank(numNodes: number) {
  return jobIndexRank(numNodes);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** torchrun runtimes (`mlPolicy.torch`): Trainer sets PET_* and MASTER_* in the container "node". */
export interface TorchPolicy {
  /**
   * Other containers that get the same PET_* variables, by replicated Job
   * (`envInjection.targets`): e.g. `{ node: ['preflight'] }`. Never "node" (always injected).
   * @default - none
   */
  readonly envInjection?: { readonly [jobName: string]: readonly string[] };
}

/** MPI runtimes (`mlPolicy.mpi`): the trainer is the "launcher" Job; the "node" Job's pods run sshd. */
export interface MpiPolicy {
  /** Slots per node in the hostfile (`numProcPerNode`). @default 1 */
  readonly numProcPerNode?: number;
  /** Where Trainer mounts the SSH keys in the containers "node" (`sshAuthMountPath`). @default "/root/.ssh" (Trainer's) */
  readonly sshAuthMountPath?: string;
  /** The launcher also trains, as one of the nodes (`runLauncherAsNode`). @default false */
  readonly runLauncherAsNode?: boolean;
}

/**
 * The ML policy of a runtime (`spec.mlPolicy`): how many nodes, and at most one framework
 * (pkg/apis/trainer/v1alpha1/trainingruntime_types.go `MLPolicy`). Trainer v2.2.0 removed
 * `torch.numProcPerNode`: processes per node are a TrainJob's (`spec.trainer.numProcPerNode`).
 */
export interface MLPolicy {
  /** Training nodes (`numNodes`); a TrainJob may override it. @default 1 */
  readonly numNodes?: number;
  /** torchrun (`torch`). Without any framework, Trainer's plain policy applies: no distributed environment is set. */
  readonly torch?: TorchPolicy;
  readonly mpi?: MpiPolicy;
  /** JAX (`jax: {}`). */
  readonly jax?: boolean;
  /** XGBoost (`xgboost: {}`): one worker per GPU, or per node. */
  readonly xgboost?: boolean;
}

export interface TrainingRuntimeProps extends WorkloadKindProps {
  /** @default { numNodes: 1, torch: {} } */
  readonly mlPolicy?: MLPolicy;
  /** The training nodes' pods (container "node"). @default - add containers to `nodes` */
  readonly nodes?: PodTemplateProps;
  /** The MPI launcher's pod (container "node"), for `mlPolicy.mpi` only. @default - add containers to `launcher` */
  readonly launcher?: PodTemplateProps;
  /**
   * Restarts of the whole JobSet when one of its Jobs fails (`failurePolicy.maxRestarts`).
   * @default 0
   */
  readonly maxRestarts?: number;
  /**
   * Retries of each failed node pod (`backoffLimitPerIndex`); a pod failed by a disruption
   * (`DisruptionTarget`) is not counted. @default 0
   */
  readonly backoffLimitPerIndex?: number;
  /**
   * Other fields of the runtime's spec, as the upstream CRD types them (podGroupPolicy for gang
   * scheduling). Fields strata writes are refused here.
   * @default - none
   */
  readonly spec?: Omit<TrainingRuntimeSpec, 'mlPolicy' | 'template'>;
  /**
   * Other fields of the runtime's JobSet template spec (`spec.template.spec`: coordinator,
   * volumeClaimPolicies, startupPolicy, ttlSecondsAfterFinished…), as the upstream CRD types them.
   * Fields strata writes are refused here.
   * @default - none
   */
  readonly jobSet?: Omit<TrainingRuntimeSpecTemplateSpec, 'replicatedJobs'>;
}

/** The runtime spec fields strata writes, and the prop that sets each. */
const RUNTIME_OWNED = {
  mlPolicy: 'use mlPolicy',
  template: 'use nodes, launcher, addDatasetInitializer/addModelInitializer, and jobSet for the JobSet template\'s other fields',
};
/** The JobSet template fields strata writes, and the prop that sets each. */
const RUNTIME_JOBSET_OWNED = {
  replicatedJobs: 'use nodes, launcher, addDatasetInitializer/addModelInitializer',
  failurePolicy: 'use maxRestarts',
  successPolicy: 'strata sets it: every Job, or the launcher of an MPI runtime',
  network: 'the nodes find each other by name (PET_MASTER_ADDR): enableDNSHostnames always',
};

/** A replicated Job of a runtime as created. */
interface RuntimeJob {
  readonly name: string;
  readonly template: PodTemplate;
  readonly ancestor?: string;
  readonly dependsOn: { name: string; status: 'Ready' | 'Complete' }[];
}

/**
 * What TrainingRuntime and ClusterTrainingRuntime share: `spec.mlPolicy` and a JobSet template
 * whose replicated Jobs' pod templates (`spec.template.spec.replicatedJobs[].template.spec.template`)
 * are full `PodTemplate`s — storage, scheduling, devices and patterns act on them as on any pod.
 * The trainer's Job and container are "node"; initializers are "dataset-initializer" and
 * "model-initializer", run before the nodes.
 *
 * A runtime is not a run: it is the template TrainJobs start from. Trainer copies it into a
 * ConfigMap `<trainjob>-runtime-snapshot` when a TrainJob starts and builds that TrainJob from the
 * copy from then on (pkg/runtime/core/trainingruntime.go `NewObjects`, snapshot.go), so an upgrade
 * that changes the runtime changes no running or finished TrainJob, only those created after. In
 * a chart it keeps its name and is updated in place (drift detection applies) — except that its
 * CRD keeps JobSet's immutable fields (`self == oldSelf` on `spec.template.spec.failurePolicy`,
 * `network`, `successPolicy`, `startupPolicy`, `volumeClaimPolicies` and each replicated Job's
 * `dependsOn`: manifests/base/crds/trainer.kubeflow.org_trainingruntimes.yaml). An upgrade that
 * changes `maxRestarts`, MPI or not, or — once the nodes wait for an initializer — which ones they
 * wait for is refused by the API server: give the runtime a new id (a new name) for such a change.
 */
export abstract class TrainingRuntimeBase extends WorkloadKind {
  /** The pods of the replicated Job "node", the training nodes: add the container "node" here (and helpers, volumes, scheduling). */
  public readonly nodes: PodTemplate;
  /** The MPI launcher's pod (container "node"); undefined unless `mlPolicy.mpi`. */
  public readonly launcher?: PodTemplate;
  public readonly numNodes: number;
  public readonly mlPolicy: MLPolicy;
  private readonly jobs: RuntimeJob[] = [];
  private readonly props: TrainingRuntimeProps;

  protected constructor(scope: Construct, id: string, kind: string, props: TrainingRuntimeProps) {
    super(scope, id, { apiVersion: TRAINER_API_VERSION, kind, operator: TRAINER_OPERATOR } satisfies KindIdentity, { given: props.metadata });
    this.props = props;
    this.mlPolicy = props.mlPolicy ?? { torch: {} };
    this.numNodes = this.mlPolicy.numNodes ?? 1;
    this.rules.check('mlPolicy.numNodes', this.numNodes, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one node', 'a whole number between 1 and 100000');
    this.rules.check('maxRestarts', props.maxRestarts ?? 0, { minimum: 0, maximum: 1000, multipleOf: 1 }, 'restart the set a few times at most', 'a whole number between 0 and 1000');
    this.rules.check('backoffLimitPerIndex', props.backoffLimitPerIndex ?? 0, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry each node a few times at most', 'a whole number between 0 and 100');
    this.checkExtra('spec', props.spec, RUNTIME_OWNED);
    this.checkExtra('jobSet', props.jobSet, RUNTIME_JOBSET_OWNED);
    const frameworks = (['torch', 'mpi', 'jax', 'xgboost'] as const).filter((f) => this.mlPolicy[f] !== undefined && this.mlPolicy[f] !== false);
    if (frameworks.length > 1) {
      this.rules.failWith(`'mlPolicy' sets ${frameworks.join(' and ')}: a runtime has at most one framework (the CRD refuses more: "Only one of the policy can be configured"); keep one`);
    }
    const mpi = this.mlPolicy.mpi;
    if (mpi) {
      this.rules.check('mlPolicy.mpi.numProcPerNode', mpi.numProcPerNode, { minimum: 1, maximum: 1024, multipleOf: 1 }, 'run at least one slot per node', 'a whole number between 1 and 1024');
      if (mpi.sshAuthMountPath !== undefined) this.rules.check('mlPolicy.mpi.sshAuthMountPath', mpi.sshAuthMountPath, { pattern: '^/', maxLength: 4096 }, 'give the home .ssh directory of the image\'s user', 'an absolute path');
      if (mpi.runLauncherAsNode && Tokens.isToken(this.numNodes)) {
        this.rules.failWith("'mlPolicy.numNodes' is a value while the launcher trains as a node: the nodes' Job runs numNodes − 1 pods, which a chart cannot compute from a value; give a number");
      }
    }
    // The trainer's pods: one Indexed Job, restarted by JobSet when it fails (podFailurePolicy needs Never).
    this.nodes = this.template(TRAINER_NODE, props.nodes ?? {}, props.nodes?.restartPolicy ?? plus.RestartPolicy.NEVER);
    this.jobs.push({ name: TRAINER_NODE, template: this.nodes, ancestor: mpi ? undefined : 'trainer', dependsOn: [] });
    if (mpi) {
      // The launcher runs mpirun once the nodes' sshd are Ready (manifests/base/runtimes/deepspeed_distributed.yaml).
      this.launcher = this.template(TRAINER_LAUNCHER, props.launcher ?? {}, props.launcher?.restartPolicy ?? plus.RestartPolicy.NEVER);
      this.jobs.push({ name: TRAINER_LAUNCHER, template: this.launcher, ancestor: 'trainer', dependsOn: [{ name: TRAINER_NODE, status: 'Ready' }] });
    } else if (props.launcher) {
      this.rules.failWith("'launcher' is set without 'mlPolicy.mpi': only MPI runtimes have a launcher; remove it or set mlPolicy.mpi");
    }
    this.node.addValidation({ validate: () => this.validateRuntime() });
  }

  /**
   * The dataset initializer's pod: a Job "dataset-initializer" that runs before the nodes, its
   * container "dataset-initializer" (Trainer sets STORAGE_URI in it from a TrainJob's
   * `spec.initializer.dataset`). Mount the shared storage as volume "initializer" in it (the
   * initializer writes below `/workspace/dataset` when mounted at /workspace).
   */
  public addDatasetInitializer(pod: PodTemplateProps = {}): PodTemplate {
    return this.addInitializer(DATASET_INITIALIZER, pod);
  }

  /** The model initializer's pod: as addDatasetInitializer, with "model-initializer" and `/workspace/model`. */
  public addModelInitializer(pod: PodTemplateProps = {}): PodTemplate {
    return this.addInitializer(MODEL_INITIALIZER, pod);
  }

  /** The initializer Jobs added, by name. */
  public get initializers(): readonly string[] {
    return this.jobs.filter((j) => j.name === DATASET_INITIALIZER || j.name === MODEL_INITIALIZER).map((j) => j.name);
  }

  /** The containers (init containers included) of a replicated Job's template, or undefined when the runtime has no such Job. */
  public containersOf(jobName: string): readonly string[] | undefined {
    const job = this.jobs.find((j) => j.name === jobName);
    return job ? [...job.template.initContainers, ...job.template.containers].map((c) => c.name ?? '') : undefined;
  }

  /** The pods of the trainer Job in the runtime as it stands (the nodes minus the launcher when it trains too). */
  public get nodePods(): number {
    return this.mlPolicy.mpi?.runLauncherAsNode ? Math.max(this.numNodes - 1, 1) : this.numNodes;
  }

  public get podSets(): readonly PodSet[] {
    return this.jobs.map((j) =>
      j.name === TRAINER_NODE
        ? { name: j.name, pod: j.template, count: this.nodePods, container: TRAINER_NODE, rank: trainerNodeRank(this.nodePods) }
        : { name: j.name, pod: j.template, count: 1, container: j.name === TRAINER_LAUNCHER ? TRAINER_NODE : j.name },
    );
  }

  private addInitializer(name: string, pod: PodTemplateProps): PodTemplate {
    if (this.jobs.some((j) => j.name === name)) this.rules.fail('replicatedJobs[].name', name, 'an initializer added once', `call add${name === DATASET_INITIALIZER ? 'Dataset' : 'Model'}Initializer once`);
    const template = this.template(name, pod, pod.restartPolicy ?? plus.RestartPolicy.NEVER);
    // Initializers first, in the order added; the nodes wait for each to complete.
    this.jobs.splice(this.initializers.length, 0, { name, template, ancestor: name, dependsOn: [] });
    this.jobs.find((j) => j.name === TRAINER_NODE)!.dependsOn.push({ name, status: 'Complete' });
    return template;
  }

  private validateRuntime(): string[] {
    const errors: string[] = [];
    for (const j of this.jobs) {
      const main = j.name === DATASET_INITIALIZER || j.name === MODEL_INITIALIZER ? j.name : TRAINER_NODE;
      const names = j.template.containers.map((c) => c.name);
      if (!names.includes(main)) {
        errors.push(
          `replicated Job "${j.name}" has no container named "${main}" (${names.join(', ') || 'none'}): Trainer applies a TrainJob's ${main === TRAINER_NODE ? 'spec.trainer' : 'spec.initializer'} only to the container of that name (kubeflow/trainer pkg/constants); name it "${main}"`,
        );
      } else if (main !== TRAINER_NODE && !j.template.containers.find((c) => c.name === main)!.mounts.some((m) => m.volume.name === INITIALIZER_VOLUME)) {
        errors.push(
          `container "${main}" mounts no volume named "${INITIALIZER_VOLUME}": Trainer refuses a TrainJob with spec.initializer unless it does (pkg/runtime/framework/plugins/jobset/jobset.go); mount the storage the nodes read as volume "${INITIALIZER_VOLUME}"`,
        );
      }
    }
    if (this.props.jobSet?.startupPolicy?.startupPolicyOrder === 'InOrder' && this.jobs.some((j) => j.dependsOn.length > 0)) {
      errors.push("'jobSet.startupPolicy' is InOrder while Jobs wait for others (dependsOn: the initializers, or the launcher for its nodes): the CRD refuses both (\"StartupPolicy and DependsOn APIs are mutually exclusive\"); remove startupPolicy");
    }
    for (const [jobName, containers] of Object.entries(this.mlPolicy.torch?.envInjection ?? {})) {
      if (containers.includes(TRAINER_NODE)) errors.push(`'mlPolicy.torch.envInjection.${jobName}' names "${TRAINER_NODE}": Trainer always sets PET_* there and the CRD refuses it; remove it`);
      const has = this.containersOf(jobName);
      for (const c of containers.filter((x) => x !== TRAINER_NODE)) {
        if (!has?.includes(c)) errors.push(`'mlPolicy.torch.envInjection.${jobName}' names container "${c}", which replicated Job "${jobName}" does not have (${has?.join(', ') ?? 'no such Job'}); add the container or fix the name`);
      }
      if (containers.length > 8) errors.push(`'mlPolicy.torch.envInjection.${jobName}' names ${containers.length} containers: the CRD takes at most 8; name fewer`);
    }
    return errors;
  }

  protected renderSpec(): Record<string, unknown> {
    const mpi = this.mlPolicy.mpi;
    const injection = Object.entries(this.mlPolicy.torch?.envInjection ?? {});
    const framework = this.mlPolicy.torch
      ? { torch: injection.length > 0 ? { envInjection: { targets: injection.map(([jobName, containerNames]) => ({ jobName, containerNames: [...containerNames] })) } } : {} }
      : mpi
        ? { mpi: compact({ numProcPerNode: mpi.numProcPerNode, mpiImplementation: 'OpenMPI', sshAuthMountPath: mpi.sshAuthMountPath, runLauncherAsNode: mpi.runLauncherAsNode }) }
        : this.mlPolicy.jax
          ? { jax: {} }
          : this.mlPolicy.xgboost
            ? { xgboost: {} }
            : {};
    const backoff = this.props.backoffLimitPerIndex ?? 0;
    return {
      ...toJson_TrainingRuntimeSpec(this.props.spec as TrainingRuntimeSpec),
      mlPolicy: { numNodes: this.numNodes, ...framework },
      template: {
        spec: compact({
          ...toJson_TrainingRuntimeSpecTemplateSpec(this.props.jobSet as TrainingRuntimeSpecTemplateSpec),
          replicatedJobs: this.jobs.map((j) => {
            const pods = j.name === TRAINER_NODE ? this.nodePods : 1;
            return compact({
              name: j.name,
              replicas: 1,
              dependsOn: j.dependsOn.length > 0 ? j.dependsOn.map((d) => ({ ...d })) : undefined,
              template: compact({
                metadata: j.ancestor ? { labels: { [TRAINJOB_ANCESTOR_LABEL]: j.ancestor } } : undefined,
                spec: {
                  completionMode: 'Indexed',
                  completions: pods,
                  parallelism: pods,
                  backoffLimitPerIndex: backoff,
                  // A pod lost to a disruption (drain, Spot interruption, preemption) is not the trainer's fault.
                  podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
                  podReplacementPolicy: 'Failed',
                  template: j.template.toTemplate(),
                },
              }),
            });
          }),
          failurePolicy: { maxRestarts: this.props.maxRestarts ?? 0 },
          // An MPI run is done when its launcher is: the nodes' sshd never exit.
          successPolicy: mpi ? { operator: 'All', targetReplicatedJobs: [TRAINER_LAUNCHER] } : { operator: 'All' },
          // The nodes find each other by name (<trainjob>-node-0-<index>.<trainjob>: PET_MASTER_ADDR).
          network: mpi ? { enableDNSHostnames: true, publishNotReadyAddresses: true } : { enableDNSHostnames: true },
        }),
      },
    };
  }
}

/**
 * A TrainingRuntime (namespaced): the runtime of the TrainJobs of its namespace (see
 * TrainingRuntimeBase). TrainJobs of other charts refer to it by name (`trainingRuntime(name)`);
 * a TrainJob of the same chart cannot use it — Helm would create the TrainJob first (see TrainJob,
 * install order) — and takes a ClusterTrainingRuntime instead.
 */
export class TrainingRuntime extends TrainingRuntimeBase {
  public constructor(scope: Construct, id: string, props: TrainingRuntimeProps = {}) {
    super(scope, id, 'TrainingRuntime', props);
  }
}

/**
 * A ClusterTrainingRuntime (cluster-scoped: named with the release namespace too) for TrainJobs of
 * every namespace. Usually the platform installs these (Trainer's own: "torch-distributed", …); a
 * TrainJob refers to one of those with `clusterTrainingRuntime(name)`.
 */
export class ClusterTrainingRuntime extends TrainingRuntimeBase {
  public constructor(scope: Construct, id: string, props: TrainingRuntimeProps = {}) {
    super(scope, id, 'ClusterTrainingRuntime', props);
  }
}

/** A runtime installed outside the chart, by name. */
export interface TrainingRuntimeRef {
  readonly kind: 'ClusterTrainingRuntime' | 'TrainingRuntime';
  readonly name: string;
}

/** Refers to a ClusterTrainingRuntime the platform installs (e.g. Trainer's "torch-distributed"). */
export function clusterTrainingRuntime(name: string): TrainingRuntimeRef {
  return { kind: 'ClusterTrainingRuntime', name };
}

/** Refers to a TrainingRuntime of the release namespace that another chart installs. */
export function trainingRuntime(name: string): TrainingRuntimeRef {
  return { kind: 'TrainingRuntime', name };
}

/** Where a TrainJob's dataset or model comes from (`spec.initializer.dataset` / `.model`). */
export interface InitializerSource {
  /**
   * What the initializer downloads (`storageUri`; Trainer passes it as STORAGE_URI), e.g.
   * "hf://tatsu-lab/alpaca", "s3://bucket/prefix". @default - the runtime's
   */
  readonly storageUri?: string;
  /** More environment of the initializer container (`env`, merged over the runtime's). @default - none */
  readonly env?: { readonly [name: string]: plus.EnvValue };
  /** A Secret of the TrainJob's namespace whose keys become the initializer's environment (`secretRef`): credentials. @default - none */
  readonly secret?: plus.ISecret;
}

export interface TrainJobProps extends WorkloadKindProps {
  /**
   * The runtime: a ClusterTrainingRuntime of this chart, or one installed elsewhere by name
   * (`clusterTrainingRuntime('torch-distributed')`, `trainingRuntime(name)`). A TrainingRuntime
   * of this chart is refused: Helm would create the TrainJob before it (see TrainJob).
   */
  readonly runtime: TrainingRuntimeBase | TrainingRuntimeRef;
  /** Training nodes (`spec.trainer.numNodes`). @default - the runtime's numNodes when it is in this chart, else 1 */
  readonly numNodes?: number;
  /** Processes per node (`spec.trainer.numProcPerNode`): torchrun's `--nproc-per-node`, usually the GPUs per node. @default - Trainer's ("auto" for torch) */
  readonly numProcPerNode?: number;
  /** The dataset and model the runtime's initializers fetch before the nodes start. @default - the runtime's */
  readonly initializer?: { readonly dataset?: InitializerSource; readonly model?: InitializerSource };
  /** The nodes' pods: security context, service account, volumes. @default - add the container "node" to `nodes` */
  readonly nodes?: PodTemplateProps;
  /**
   * How long the run may be active before Trainer fails it (`activeDeadlineSeconds`; the clock
   * restarts on resume from a suspension). @default - no deadline
   */
  readonly activeDeadline?: Duration;
  /**
   * Other fields of the TrainJob spec, as the upstream CRD types them (suspend, managedBy). Fields
   * strata writes are refused here.
   * @default - none
   */
  readonly spec?: Omit<TrainJobSpec, 'runtimeRef' | 'trainer' | 'initializer' | 'runtimePatches' | 'activeDeadlineSeconds'>;
}

/** The TrainJob spec fields strata writes, and the prop that sets each. */
const TRAINJOB_OWNED = {
  runtimeRef: 'use runtime',
  trainer: 'use numNodes, numProcPerNode and the container "node" of nodes',
  initializer: 'use initializer',
  runtimePatches: `use nodes: strata writes its one patch (manager ${STRATA_PATCH_MANAGER}) from it`,
  activeDeadlineSeconds: 'use activeDeadline',
};

/** What a TrainJob sets on another container of its runtime's nodes: a ContainerPatch (pkg/apis/trainer/v1alpha1/trainjob_types.go). */
export interface ContainerPatchProps {
  /** The runtime's container is an init container (a restore step, a native sidecar). @default false */
  readonly init?: boolean;
  /** Environment, merged by name over the runtime container's (`env`). @default - none */
  readonly envVariables?: { readonly [name: string]: plus.EnvValue };
  /** Fields of the container's security context, merged over the runtime's field by field (`securityContext`). @default - the runtime's */
  readonly securityContext?: plus.ContainerSecurityContextProps;
}

/** The fields of a ContainerPatch (pkg/apis/trainer/v1alpha1/trainjob_types.go). */
const CONTAINER_PATCH_FIELDS = ['name', 'env', 'volumeMounts', 'securityContext'];
/** The containers whose env a runtime patch may not set: Trainer sets it from spec.trainer and spec.initializer (jobset.go `Validate`). */
const NO_PATCH_ENV = [TRAINER_NODE, DATASET_INITIALIZER, MODEL_INITIALIZER];
/** The image of a patch container as cdk8s-plus asks for one; never written (a ContainerPatch has none). */
const PATCH_IMAGE = 'strata.dev/runtime-container-patch';

/** The pod fields a TrainJob's runtime patch takes (PodSpecPatch, pkg/apis/trainer/v1alpha1/trainjob_types.go). */
const PATCH_POD_FIELDS = ['affinity', 'containers', 'imagePullSecrets', 'initContainers', 'nodeSelector', 'schedulingGates', 'securityContext', 'serviceAccountName', 'terminationGracePeriodSeconds', 'tolerations', 'volumes'];
/** What the container "node" takes: `spec.trainer`'s image, command, args, env, resources, and ContainerPatch's volumeMounts and securityContext (its env is refused there for "node"). */
const TRAINER_CONTAINER_FIELDS = ['name', 'image', 'command', 'args', 'env', 'resources', 'volumeMounts', 'securityContext'];

/**
 * The scheduling a runtime patch must carry for the pod to keep its runtime's. Trainer merges a
 * patch into the runtime's template by strategic merge patch (kubeflow/trainer@v2.3.0
 * pkg/runtime/core/trainingruntime.go `mergeRuntimePatches`), which replaces a list that has no
 * merge key: a node affinity's required terms (k8s.io/api core/v1 types.go `NodeSelector` is
 * `+structType=atomic`, its `NodeSelectorTerms` `+listType=atomic`), its preferred terms, pod
 * (anti-)affinity terms and `tolerations` (no patchStrategy). A patch that sets one of them would
 * drop the runtime's — a TrainJob pinned to its dataset's zone would lose the runtime's on-demand
 * requirement of node-local checkpoints — so where both set one, the patch states both: every
 * required node term of the patch ANDed with every one of the runtime (terms are ORed, their
 * expressions ANDed), the other terms and the tolerations of both, once each. What only one side
 * sets is left as it is: the merge keeps it.
 */
function keepRuntimeScheduling(patch: Record<string, any>, runtime: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const key = (x: unknown) => JSON.stringify(x);
  const union = (a: any[], b: any[]) => [...a, ...b].filter((x, i, all) => all.findIndex((y) => key(y) === key(x)) === i);
  if (Array.isArray(patch.tolerations) && Array.isArray(runtime.tolerations)) out.tolerations = union(runtime.tolerations, patch.tolerations);
  const [pa, ra] = [patch.affinity, runtime.affinity];
  if (pa && ra) {
    const affinity: Record<string, any> = { ...pa };
    const [pn, rn] = [pa.nodeAffinity, ra.nodeAffinity];
    if (pn && rn) {
      const nodeAffinity: Record<string, any> = { ...pn };
      const [pt, rt] = [pn.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, rn.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms];
      if (Array.isArray(pt) && Array.isArray(rt)) {
        const and = (p: any, r: any) => {
          const term: Record<string, unknown[]> = {};
          for (const f of ['matchExpressions', 'matchFields']) {
            const all = union(p[f] ?? [], r[f] ?? []);
            if (all.length > 0) term[f] = all;
          }
          return term;
        };
        nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: union(pt.flatMap((p: any) => rt.map((r: any) => and(p, r))), []) };
      }
      const pp = pn.preferredDuringSchedulingIgnoredDuringExecution;
      const rp = rn.preferredDuringSchedulingIgnoredDuringExecution;
      if (Array.isArray(pp) && Array.isArray(rp)) nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution = union(rp, pp);
      affinity.nodeAffinity = nodeAffinity;
    }
    for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
      const [p, r] = [pa[kind], ra[kind]];
      if (!p || !r) continue;
      const merged: Record<string, any> = { ...p };
      for (const f of ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution']) {
        if (Array.isArray(p[f]) && Array.isArray(r[f])) merged[f] = union(r[f], p[f]);
      }
      affinity[kind] = merged;
    }
    out.affinity = affinity;
  }
  return out;
}

/**
 * A TrainJob (Kubeflow Trainer v2): one training run on a runtime — a ClusterTrainingRuntime of
 * this chart (`runtime: rt`), or one installed elsewhere by name
 * (`clusterTrainingRuntime('torch-distributed')`, `trainingRuntime(name)`); not a TrainingRuntime
 * of this chart (install order, below).
 *
 * A TrainJob has no pod template: it changes its runtime's pods through `spec.trainer` and a
 * restricted `spec.runtimePatches` entry. strata gives it one `PodTemplate`, `nodes` — the pods of
 * the replicated Job "node" — so storage mounts, scheduling, devices and patterns act on it as on
 * any pod, and cuts what that template renders to what a TrainJob can carry:
 * - its container "node" (required): image, command, args, env and resources become `spec.trainer`
 *   (`resourcesPerNode` is merged into the runtime's; Trainer refuses env for "node" in a patch);
 *   its volumeMounts and securityContext go to the runtime patch;
 * - the pod's affinity, nodeSelector, tolerations, schedulingGates, securityContext,
 *   serviceAccountName, terminationGracePeriodSeconds, imagePullSecrets and volumes go to the
 *   runtime patch (`manager: strata.dev/trainjob`), which Trainer merges into the runtime's
 *   template (pkg/runtime/core/trainingruntime.go `mergeRuntimePatches`); a strategic merge
 *   replaces node-affinity terms and tolerations, so where a runtime of this chart sets them too
 *   the patch states both (each of its terms ANDed with each of the runtime's, the tolerations of
 *   both: `keepRuntimeScheduling`), and the pods keep, say, the runtime's on-demand requirement;
 * - anything else (ports, probes, workingDir, hostIPC, priorityClassName, …) is an error that
 *   says to set it on the runtime — never dropped.
 *
 * A helper container (a checkpoint sync sidecar, a data gate) or an init container added to
 * `nodes` is refused, with where to put it: on the runtime's `nodes`. A runtime patch only changes
 * containers the runtime already has (ContainerPatch has no image, and Trainer's webhook refuses a
 * container name the runtime lacks: pkg/runtime/framework/plugins/jobset/jobset.go `Validate`).
 * strata does not move the helper into a runtime of the same chart on the TrainJob's behalf:
 * the runtime is shared by every TrainJob that refers to it, a change to it reaches only TrainJobs
 * created after (Trainer snapshots the runtime when a TrainJob starts), and this TrainJob — named
 * by its own spec, which would not change — would neither run again nor get the helper. Adding it
 * to the runtime says exactly what happens. Patterns follow: one that mounts storage into the
 * trainer (DistributedDataset) works on a TrainJob; one that adds helpers (TrainingCheckpoint's
 * restore step and sync sidecar) goes on the runtime, and may put what belongs to one run (the
 * checkpoint location) on the TrainJob through `patchContainer`.
 *
 * Other containers of the runtime's nodes: a runtime patch sets exactly a ContainerPatch's fields
 * — `env`, `volumeMounts` and `securityContext` — of any container or init container of the Job
 * that the runtime has (pkg/apis/trainer/v1alpha1/trainjob_types.go `PodSpecPatch`,
 * `ContainerPatch`), except env of the containers "node", "dataset-initializer" and
 * "model-initializer", which only spec.trainer and spec.initializer set (jobset.go `Validate`:
 * "must not have envs for the …"). `patchContainer(name)` gives such a patch as a container of
 * `nodes` (so storage tiers mount into it as into any container); anything else set on it is
 * refused with where to set it. Trainer merges it by strategic merge patch: env by name over the
 * runtime's, mounts by path, the security context field by field. This is how a run states its own
 * values for the runtime's helpers — the checkpoint location of a restore step and a sync sidecar —
 * so that they are part of the TrainJob (a new value is a new run) instead of an in-place change of
 * the shared runtime.
 *
 * Ranks: the nodes are one Indexed Job, and a node's rank is its completion index
 * (trainerNodeRank, the PET_NODE_RANK torchrun gets); the pod set "node" counts numNodes pods.
 *
 * Lifecycle: a TrainJob runs to completion, and upstream its spec does not change: runtimeRef,
 * initializer, trainer, activeDeadlineSeconds and managedBy are immutable (`self == oldSelf`,
 * pkg/apis/trainer/v1alpha1/trainjob_types.go), so are a runtime patch's manager, volumes,
 * containers, security context and service account, and the webhook lets runtimePatches change
 * only while the TrainJob is suspended (jobset.go `checkRuntimePatchesImmutability`); `suspend`
 * alone changes freely. In a chart it is named by its content, like a Job: a changed TrainJob is a
 * new run, an unchanged one is left alone, and it has no TTL (a finished run is the record that
 * its work is done). Trainer's webhook stamps `runtimePatches[].time`; helm-controller's drift
 * detection leaves content-named kinds alone.
 *
 * Install order: Trainer's webhook refuses a TrainJob whose runtime does not exist yet
 * (pkg/runtime/core/trainingruntime.go `ValidateObjects`: "specified trainingRuntime must be
 * created before the TrainJob is created"), and copies the runtime when it first reconciles a
 * TrainJob (`NewObjects`, the runtime snapshot). Helm installs and upgrades the objects of a
 * release one kind after another, kinds it does not know after the ones it does and in
 * alphabetical order of kind (helm/helm@v3.18.0 pkg/releaseutil/kind_sorter.go and @v4.2.4
 * pkg/release/v1/util/kind_sorter.go `lessByKind`; pkg/kube/client.go creates kind by kind on
 * install, in that order on upgrade): a ClusterTrainingRuntime before a TrainJob, but a TrainJob
 * before a TrainingRuntime. A TrainJob on a TrainingRuntime of the same chart is therefore refused
 * at the first install (the runtime comes after it), and on an upgrade the new run is created
 * before the runtime is updated, so it may copy the runtime as it was. Synthesis refuses it: use a
 * ClusterTrainingRuntime of the chart (created first, and updated before the new run), or install
 * the TrainingRuntime from another chart (installed first by the environment) and refer to it
 * with `trainingRuntime(name)`.
 *
 * ```ts
 * const job = new TrainJob(chart, 'finetune', { runtime: clusterTrainingRuntime('torch-distributed'), numNodes: 4, numProcPerNode: 8 });
 * const node = job.nodes.addContainer({ name: 'node', image: 'registry/trainer:1.0', command: ['torchrun', 'train.py'], resources: { … } });
 * checkpoints.mount(node, '/checkpoints');
 * ```
 */
export class TrainJob extends WorkloadKind {
  /** The pods of the replicated Job "node": add the container "node" (the trainer) here, mount storage, schedule them. */
  public readonly nodes: PodTemplate;
  public readonly numNodes: number;
  public readonly runtime: TrainingRuntimeBase | TrainingRuntimeRef;
  private readonly props: TrainJobProps;
  /** The grace period object cdk8s-plus set by default (left to the runtime unless replaced). */
  private readonly plusGrace?: Duration;
  /** The containers of `nodes` that patch the runtime's (patchContainer), by name: an init container or not, and whether a security context was given. */
  private readonly patched = new Map<string, { readonly init: boolean; readonly securityContext: boolean }>();

  public constructor(scope: Construct, id: string, props: TrainJobProps) {
    super(scope, id, { apiVersion: TRAINER_API_VERSION, kind: 'TrainJob', operator: TRAINER_OPERATOR }, { given: props.metadata });
    this.props = props;
    this.runtime = props.runtime;
    const rt = props.runtime instanceof TrainingRuntimeBase ? props.runtime : undefined;
    this.numNodes = props.numNodes ?? rt?.numNodes ?? 1;
    this.rules.check('numNodes', this.numNodes, { minimum: 1, maximum: 100000, multipleOf: 1 }, 'run at least one node', 'a whole number between 1 and 100000');
    this.rules.check('numProcPerNode', props.numProcPerNode, { minimum: 1, maximum: 1024, multipleOf: 1 }, 'run at least one process per node', 'a whole number, usually the GPUs per node');
    if (props.activeDeadline !== undefined) {
      this.rules.check('activeDeadline', props.activeDeadline.toSeconds(), { minimum: 1, multipleOf: 1 }, 'give the run at least a second', 'a whole number of seconds, at least 1');
    }
    this.checkExtra('spec', props.spec, TRAINJOB_OWNED);
    for (const part of ['dataset', 'model'] as const) {
      const uri = props.initializer?.[part]?.storageUri;
      this.rules.check(`initializer.${part}.storageUri`, uri, { pattern: '^$|^[A-Za-z][A-Za-z0-9+.-]*://.+$', maxLength: 2048 }, 'e.g. "hf://tatsu-lab/alpaca" or "s3://bucket/prefix"', 'empty or a URI (scheme://…) of at most 2048 characters');
    }
    if (!rt) {
      const ref = props.runtime as TrainingRuntimeRef;
      if (!Tokens.isToken(ref.name) && (ref.name.length > 253 || !DNS_SUBDOMAIN.test(ref.name))) {
        this.rules.fail('runtime.name', ref.name, `the name of a ${ref.kind}: a DNS subdomain of at most 253 characters`, 'e.g. "torch-distributed"');
      }
    } else if (Chart.of(rt) !== Chart.of(this)) {
      this.rules.failWith(`'runtime' is ${rt.apiObject.kind} ${rt.node.path}, of another chart: its name is its own release's; refer to it by name (clusterTrainingRuntime(…) or trainingRuntime(…)) or create it in this chart`);
    } else if (rt.mlPolicy.mpi) {
      this.rules.failWith(
        `'runtime' ${rt.node.id} is an MPI runtime: its trainer is the "${TRAINER_LAUNCHER}" Job and its "${TRAINER_NODE}" pods run sshd, while a TrainJob's nodes template is the "${TRAINER_NODE}" Job; strata does not model MPI TrainJobs yet — create this TrainJob outside the chart (Kubeflow SDK, kubectl)`,
      );
    } else {
      if (props.numNodes !== undefined && !Tokens.isToken(props.numNodes) && !Tokens.isToken(rt.numNodes) && props.numNodes !== rt.numNodes) {
        this.rules.warn(
          `'numNodes' (${props.numNodes}) is not ${rt.apiObject.kind} ${rt.node.id}'s (${rt.numNodes}): Trainer runs ${props.numNodes} nodes, but what is computed from the runtime's pod sets (a checkpoint's ranks, …) counts ${rt.numNodes}; give the runtime the same numNodes`,
        );
      }
      if (rt.apiObject.kind === 'TrainingRuntime') {
        this.rules.failWith(
          `'runtime' is TrainingRuntime ${rt.node.id} of the same chart: Helm installs and upgrades kinds it does not know in alphabetical order (helm/helm pkg/releaseutil/kind_sorter.go), a TrainJob before a TrainingRuntime, so Trainer's webhook refuses the TrainJob at the first install (its runtime does not exist yet) and on an upgrade the new run may copy the runtime as it was before the upgrade; make it a ClusterTrainingRuntime (created and updated before the TrainJob), or install the TrainingRuntime from another chart and refer to it with trainingRuntime(name)`,
        );
      }
    }
    // The runtime sets the restart policy; Never is what strata's runtimes give the nodes.
    this.nodes = this.template(TRAINER_NODE, props.nodes ?? {}, plus.RestartPolicy.NEVER);
    // cdk8s-plus gives every pod a 30 s grace period; in a patch it would override the runtime's.
    this.plusGrace = props.nodes?.terminationGracePeriod === undefined ? this.nodes.terminationGracePeriod : undefined;
    // Checked once everything under the template has settled (scheduling merges at its own validation).
    new Construct(this, 'RuntimePatch').node.addValidation({ validate: () => [...this.validateRuntime(), ...this.cut().refused] });
  }

  public get podSets(): readonly PodSet[] {
    return [{ name: TRAINER_NODE, pod: this.nodes, count: this.numNodes, container: TRAINER_NODE, rank: trainerNodeRank(this.numNodes) }];
  }

  /**
   * A runtime patch of another container of the runtime's nodes (an init container with `init`):
   * its env, volume mounts and security context, which Trainer merges over the runtime's container
   * of this name (a ContainerPatch). Returned as a container of `nodes`: add env and mount storage
   * into it as into any container; anything else set on it is refused, with where to set it. The
   * runtime must have the container, of the same sort (Trainer's webhook refuses a name it lacks;
   * a patch of a container as an init container would add one without an image). The trainer
   * "node" is `nodes`' own container, and Trainer refuses env for "dataset-initializer" and
   * "model-initializer" in a patch.
   */
  public patchContainer(name: string, props: ContainerPatchProps = {}): plus.Container {
    // No resources: cdk8s-plus would write its defaults; the image is never written.
    const spec: plus.ContainerProps = { name, image: PATCH_IMAGE, resources: {}, envVariables: props.envVariables, securityContext: props.securityContext };
    const c = props.init ? this.nodes.addInitContainer(spec) : this.nodes.addContainer(spec);
    this.patched.set(name, { init: props.init === true, securityContext: props.securityContext !== undefined });
    return c;
  }

  private get runtimeKind(): string {
    return this.runtime instanceof TrainingRuntimeBase ? this.runtime.apiObject.kind : this.runtime.kind;
  }

  /** Where whatever a TrainJob cannot carry goes, for messages. */
  private get elsewhere(): string {
    const rt = this.runtime;
    if (rt instanceof TrainingRuntimeBase) return `on the ${rt.apiObject.kind} ${rt.node.id} (its nodes template: ${rt.node.id}.nodes), which every TrainJob on it gets`;
    return rt.kind === 'ClusterTrainingRuntime'
      ? `on the ClusterTrainingRuntime "${rt.name}" the platform installs, or give the TrainJob a runtime of this chart`
      : `on the TrainingRuntime "${rt.name}" of the chart that installs it, or give the TrainJob a runtime of this chart`;
  }

  private validateRuntime(): string[] {
    const errors: string[] = [];
    const names = this.nodes.containers.map((c) => c.name);
    if (!names.includes(TRAINER_NODE)) {
      errors.push(
        `nodes has no container named "${TRAINER_NODE}" (${names.join(', ') || 'none'}): Trainer puts spec.trainer (image, command, args, env, resources) only into the container of that name (kubeflow/trainer pkg/constants Node); add the trainer as nodes.addContainer({ name: '${TRAINER_NODE}', … })`,
      );
    }
    const rt = this.runtime;
    for (const [name, { init }] of this.patched) {
      const call = `patchContainer('${name}'${init ? ', { init: true }' : ''})`;
      if (name === TRAINER_NODE) {
        errors.push(`${call}: "${TRAINER_NODE}" is the trainer, nodes' own container (spec.trainer and the patch): add it with nodes.addContainer({ name: '${TRAINER_NODE}', … })`);
        continue;
      }
      if (!(rt instanceof TrainingRuntimeBase)) continue;
      const has = (list: readonly { name?: string }[]) => list.some((c) => c.name === name);
      const [same, other] = init ? [rt.nodes.initContainers, rt.nodes.containers] : [rt.nodes.containers, rt.nodes.initContainers];
      if (has(same)) continue;
      const names = [...rt.nodes.initContainers, ...rt.nodes.containers].map((c) => c.name).join(', ');
      errors.push(
        has(other)
          ? `${call}: "${name}" is ${init ? 'a container' : 'an init container'} of ${rt.apiObject.kind} ${rt.node.id}'s nodes, not ${init ? 'an init container' : 'a container'}: Trainer's strategic merge would add ${init ? 'an init container' : 'a container'} of that name without an image instead of changing it; ${init ? 'leave out init' : 'pass init: true'}`
          : `${call}: ${rt.apiObject.kind} ${rt.node.id}'s nodes have no container "${name}" (${names || 'none'}), and Trainer's webhook refuses a patch of a container its runtime lacks (pkg/runtime/framework/plugins/jobset/jobset.go Validate); add it to ${rt.node.id}.nodes, or fix the name`,
      );
    }
    if (rt instanceof TrainingRuntimeBase) {
      for (const [part, job, add] of [
        ['dataset', DATASET_INITIALIZER, 'addDatasetInitializer'],
        ['model', MODEL_INITIALIZER, 'addModelInitializer'],
      ] as const) {
        if (this.props.initializer?.[part] && !rt.initializers.includes(job)) {
          errors.push(`'initializer.${part}' is set, but ${rt.apiObject.kind} ${rt.node.id} has no "${job}" Job, and Trainer's webhook refuses the TrainJob; add one with ${rt.node.id}.${add}(…), or remove initializer.${part}`);
        }
      }
    }
    return errors;
  }

  /** The nodes template cut to what a TrainJob carries: spec.trainer, strata's runtime patch, and what neither can take. */
  private cut(): { trainer: Record<string, unknown>; patch: Record<string, unknown> | undefined; refused: string[] } {
    const t = this.nodes.toTemplate();
    const refused: string[] = [];
    const { containers = [], initContainers = [], ...pod } = t.spec as { containers?: any[]; initContainers?: any[]; [k: string]: any };
    const rt = this.runtime;
    const helper = (what: 'container' | 'init container', name: string) => {
      const call = `patchContainer('${name}'${what === 'init container' ? ', { init: true }' : ''})`;
      const runtimeHas = rt instanceof TrainingRuntimeBase ? (what === 'container' ? rt.nodes.containers : rt.nodes.initContainers).some((c) => c.name === name) : undefined;
      const hint = runtimeHas === undefined ? ` (to set only env, mounts or the security context of ${what === 'container' ? 'a container' : 'an init container'} the runtime has, use ${call})` : runtimeHas ? ` (the runtime has one: to set its env, mounts or security context for this run, use ${call})` : '';
      return `${what} "${name}" of nodes: a TrainJob cannot add one to its runtime's pods (a runtime patch only changes containers the runtime has, and has no image); add it ${this.elsewhere.replace(/^on the/, 'to the')}${hint}`;
    };
    const main = containers.find((c) => c.name === TRAINER_NODE);
    const isPatch = (c: { name: string }, init: boolean) => c.name !== TRAINER_NODE && this.patched.get(c.name)?.init === init;
    // Without a container "node", validateRuntime says to add one: the others are not told apart from a misnamed trainer.
    for (const c of initContainers) if (!isPatch(c, true)) refused.push(helper('init container', c.name));
    if (main) for (const c of containers) if (c.name !== TRAINER_NODE && !isPatch(c, false)) refused.push(helper('container', c.name));
    const surface: PodSurface = { name: 'a TrainJob (spec.trainer and its runtime patch)', podFields: PATCH_POD_FIELDS, containerFields: TRAINER_CONTAINER_FIELDS, elsewhere: this.elsewhere };
    const restricted = restrictPodSpec({ ...pod, containers: main ? [main] : undefined }, surface, ['restartPolicy']);
    refused.push(...restricted.refused);
    // The patches of other containers: a ContainerPatch each, without the image and the security context cdk8s-plus writes unasked.
    const asPatch = (c: Record<string, any>) => {
      const { image, ...rest } = c;
      if (image === PATCH_IMAGE) return this.patched.get(c.name)?.securityContext ? rest : { ...rest, securityContext: undefined };
      return c;
    };
    const patchSurface: PodSurface = { name: `a TrainJob's patch of its runtime's containers`, podFields: ['containers', 'initContainers'], containerFields: CONTAINER_PATCH_FIELDS, elsewhere: this.elsewhere };
    const others = restrictPodSpec(
      { initContainers: initContainers.filter((c) => isPatch(c, true)).map(asPatch), containers: containers.filter((c) => isPatch(c, false)).map(asPatch) },
      patchSurface,
    );
    refused.push(...others.refused);
    for (const c of others.spec.containers ?? []) {
      if (NO_PATCH_ENV.includes(c.name) && (c.env ?? []).length > 0) {
        refused.push(`patchContainer('${c.name}') sets env: Trainer's webhook refuses env in a patch of the containers ${NO_PATCH_ENV.join(', ')} (pkg/runtime/framework/plugins/jobset/jobset.go Validate; their env comes from spec.trainer and spec.initializer); set it through ${c.name === TRAINER_NODE ? 'the container "node"' : 'initializer'}`);
      }
    }
    const keep = (list: Record<string, any>[] | undefined) => (list ?? []).map((c) => compact(c)).filter((c) => Object.keys(c).length > 1);
    const { containers: kept, ...podPatch } = restricted.spec;
    if (this.plusGrace !== undefined && this.nodes.terminationGracePeriod === this.plusGrace) delete podPatch.terminationGracePeriodSeconds;
    // A runtime of this chart: what the patch would drop of its scheduling is carried in the patch.
    if (this.runtime instanceof TrainingRuntimeBase) Object.assign(podPatch, keepRuntimeScheduling(podPatch, this.runtime.nodes.toTemplate().spec));
    const { name: _name, image, command, args, env, resources, ...patchable } = (kept?.[0] ?? {}) as Record<string, any>;
    const reserved = ((env ?? []) as { name: string }[]).map((e) => e.name).filter((n) => TRAINER_RESERVED_ENV.includes(n));
    if (reserved.length > 0) {
      refused.push(`container "${TRAINER_NODE}" sets ${reserved.join(', ')}: Trainer sets these itself and refuses them in spec.trainer.env (kubeflow/trainer pkg/constants TorchRunReservedEnvNames, MPIReservedEnvNames, XGBoostReservedEnvNames); remove them`);
    }
    const patchedContainers = [...(Object.keys(patchable).length > 0 ? [{ name: TRAINER_NODE, ...patchable }] : []), ...keep(others.spec.containers)];
    const patchedInits = keep(others.spec.initContainers);
    const spec = compact({
      ...podPatch,
      initContainers: patchedInits.length > 0 ? patchedInits : undefined,
      containers: patchedContainers.length > 0 ? patchedContainers : undefined,
    });
    const metadata = compact({ labels: t.metadata.labels, annotations: t.metadata.annotations });
    const template = compact({ metadata: Object.keys(metadata).length > 0 ? metadata : undefined, spec: Object.keys(spec).length > 0 ? spec : undefined });
    return {
      trainer: compact({ image, command, args, env, numNodes: this.numNodes, numProcPerNode: this.props.numProcPerNode, resourcesPerNode: resources }),
      patch: Object.keys(template).length > 0 ? template : undefined,
      refused,
    };
  }

  protected renderSpec(): Record<string, unknown> {
    const { trainer, patch, refused } = this.cut();
    // Reported at validation; never written without it.
    if (refused.length > 0) throw new Error(`[${this.node.path}] ${refused.join('\n')}`);
    const rt = this.runtime;
    const source = (s: InitializerSource | undefined) =>
      s === undefined
        ? undefined
        : compact({
            storageUri: s.storageUri,
            env: s.env ? Object.entries(s.env).map(([name, v]) => compact({ name, value: v.value, valueFrom: v.valueFrom })) : undefined,
            secretRef: s.secret ? { name: s.secret.name } : undefined,
          });
    const initializer = this.props.initializer ? compact({ dataset: source(this.props.initializer.dataset), model: source(this.props.initializer.model) }) : undefined;
    return compact({
      ...toJson_TrainJobSpec(this.props.spec as TrainJobSpec),
      runtimeRef: { apiGroup: TRAINER_GROUP, kind: this.runtimeKind, name: rt.name },
      initializer,
      trainer,
      runtimePatches: patch
        ? [{ manager: STRATA_PATCH_MANAGER, trainingRuntimeSpec: { template: { spec: { replicatedJobs: [{ name: TRAINER_NODE, template: { spec: { template: patch } } }] } } } }]
        : undefined,
      activeDeadlineSeconds: this.props.activeDeadline?.toSeconds(),
    });
  }
}
