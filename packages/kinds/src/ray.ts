import { Chart, Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RayClusterSpec, RayClusterSpecHeadGroupSpec, toJson_RayClusterSpec, toJson_RayClusterSpecHeadGroupSpec } from '@strata/crd-types/ray-cluster';
import { RayServiceSpec, toJson_RayServiceSpec } from '@strata/crd-types/ray-service';
import { Rules } from '@strata/storage';
import { describePattern, Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateJson, PodTemplateProps } from './pod-template';
import { compact, KindIdentity, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/**
 * Ray's head node: the fields of the cluster's `headGroupSpec`, typed from the upstream CRD
 * (ray-project/kuberay@v1.7.0 ray-operator/apis/ray/v1/raycluster_types.go `HeadGroupSpec`) —
 * `rayStartParams`, the head Service (`headService`, `serviceType`), `enableIngress` and
 * `ingressOptions`, Ray's `resources` and `labels` — and its pod, whose template strata renders.
 */
export interface RayHeadOptions extends Omit<RayClusterSpecHeadGroupSpec, 'template'> {
  /** `ray start` parameters of the head (`rayStartParams`), e.g. `{ 'dashboard-host': '0.0.0.0' }`. @default {} */
  readonly rayStartParams?: { readonly [key: string]: string };
  /** The head pod. @default - add containers to `head` */
  readonly pod?: PodTemplateProps;
}

/** One worker group of a Ray cluster. */
export interface RayWorkerGroupOptions {
  /** Workers at start (`replicas`; KubeRay's default is 0). @default 1 */
  readonly replicas?: number;
  /** The autoscaler's floor (`minReplicas`). @default - replicas */
  readonly minReplicas?: number;
  /** The autoscaler's ceiling (`maxReplicas`). @default - replicas */
  readonly maxReplicas?: number;
  /** Hosts per replica (`numOfHosts`), for multi-host workers. @default 1 */
  readonly numOfHosts?: number;
  /** `ray start` parameters of the workers. @default {} */
  readonly rayStartParams?: { readonly [key: string]: string };
  /** The workers' pod. @default - add containers to the group's template */
  readonly pod?: PodTemplateProps;
}

export interface RayClusterOptions {
  /** The Ray version of the images (`rayVersion`), e.g. "2.49.0". */
  readonly rayVersion: string;
  /** The head: its headGroupSpec fields and its pod. @default - rayStartParams {}; add containers to `head` */
  readonly head?: RayHeadOptions;
  /**
   * Let Ray's autoscaler scale worker groups between their min and max (`enableInTreeAutoscaling`).
   * KubeRay then adds an `autoscaler` container to the head pod: strata gives it a restricted
   * `autoscalerOptions.securityContext` (fields given in `cluster.autoscalerOptions.securityContext`
   * go over it) and mounts the head pod's service account token, which the autoscaler calls the
   * API server with; overriding either into something restricted refuses is an error. A chart
   * value (a boolean value) is written as it is; both are then prepared whatever it holds.
   * @default false
   */
  readonly autoscaling?: boolean;
  /**
   * Other fields of the cluster's spec, as the upstream CRD types them (autoscalerOptions,
   * gcsFaultToleranceOptions, headServiceAnnotations…). Fields strata writes are refused here.
   * @default - none
   */
  readonly cluster?: Omit<RayClusterSpec, 'headGroupSpec'>;
}

/** The Ray cluster spec fields strata writes, and the prop that sets each. */
const CLUSTER_OWNED = {
  rayVersion: 'use rayVersion',
  enableInTreeAutoscaling: 'use autoscaling',
  headGroupSpec: "use head: it takes headGroupSpec's fields (rayStartParams, headService, serviceType, enableIngress, ingressOptions, resources, labels), and its pod as head.pod",
  workerGroupSpecs: 'use addWorkerGroup(name, …)',
};

/** A worker group as created. */
export interface RayWorkerGroup {
  readonly name: string;
  readonly template: PodTemplate;
  readonly options: RayWorkerGroupOptions;
}

/**
 * The autoscaler container's securityContext strata writes unless told otherwise: what Pod
 * Security restricted requires of a container (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted).
 */
const AUTOSCALER_SECURITY_CONTEXT = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/** Head Service types that reach pods (corev1 ServiceType; ExternalName has no pods behind it). */
const HEAD_SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/**
 * What RayCluster, RayJob and RayService share: a head and worker groups, each a pod template
 * (ray-project/kuberay@v1.7.0 ray-operator/apis/ray/v1/raycluster_types.go).
 */
export abstract class RayWorkload extends WorkloadKind {
  public readonly head: PodTemplate;
  public readonly rayVersion: string;
  private readonly groups: RayWorkerGroup[] = [];
  private readonly cluster: RayClusterOptions;

  protected constructor(scope: Construct, id: string, identity: KindIdentity, cluster: RayClusterOptions & WorkloadKindProps) {
    super(scope, id, identity, { given: cluster.metadata });
    this.cluster = cluster;
    this.rayVersion = cluster.rayVersion;
    if (!Tokens.isToken(cluster.rayVersion) && !/^\d+\.\d+\.\d+$/.test(cluster.rayVersion)) {
      this.rules.fail('rayVersion', cluster.rayVersion, 'a Ray release such as "2.49.0"', 'give the Ray version of the images');
    }
    this.checkExtra('cluster', cluster.cluster, CLUSTER_OWNED);
    this.rules.oneOf('head.serviceType', cluster.head?.serviceType, HEAD_SERVICE_TYPES, 'workers reach the head through it');
    // The autoscaler KubeRay adds to the head pod calls the API server with the pod's token.
    this.head = this.template('head', { ...(this.mayAutoscale ? { automountServiceAccountToken: true } : {}), ...(cluster.head?.pod ?? {}) }, plus.RestartPolicy.ALWAYS);
    this.node.addValidation({ validate: () => this.validateGroups() });
  }

  /** Adds a worker group; its pods are the returned group's `template`. */
  public addWorkerGroup(name: string, options: RayWorkerGroupOptions = {}): RayWorkerGroup {
    if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) this.rules.fail('workerGroupSpecs[].groupName', name, 'a lowercase DNS label', 'use letters, digits and "-"');
    if (this.groups.some((g) => g.name === name)) this.rules.fail('workerGroupSpecs[].groupName', name, 'a name not used by another group', `rename one of the two '${name}'`);
    for (const k of ['replicas', 'minReplicas', 'maxReplicas', 'numOfHosts'] as const) {
      const v = options[k];
      if (v !== undefined) this.rules.check(`${name}.${k}`, v, { minimum: k === 'numOfHosts' ? 1 : 0, maximum: 10000, multipleOf: 1 }, 'a whole number of workers', 'a whole number between 0 and 10000');
    }
    const group: RayWorkerGroup = { name, template: this.template(`worker-${name}`, options.pod ?? {}, plus.RestartPolicy.ALWAYS), options };
    this.groups.push(group);
    return group;
  }

  public get workerGroups(): readonly RayWorkerGroup[] {
    return [...this.groups];
  }

  public get podSets(): readonly PodSet[] {
    return [
      { name: 'head', pod: this.head, count: 1 },
      ...this.groups.map((g) => ({ name: g.name, pod: g.template, count: Tokens.product(g.options.replicas ?? 1, g.options.numOfHosts ?? 1) })),
    ];
  }

  /** Whether the autoscaler may run: autoscaling true, or a value that may hold true at install. */
  private get mayAutoscale(): boolean {
    const a = this.cluster.autoscaling;
    return a === true || Tokens.isToken(a);
  }

  /** The RayCluster spec (RayJob's `rayClusterSpec`, RayService's `rayClusterConfig`). */
  protected clusterSpec(): Record<string, unknown> {
    const spec = toJson_RayClusterSpec(this.cluster.cluster as RayClusterSpec) as Record<string, any> | undefined;
    const autoscaling = this.cluster.autoscaling;
    const { pod: _pod, ...headFields } = this.cluster.head ?? {};
    // headGroupSpec's own fields as the CRD writes them (int-or-string ports, quantities), the template strata's.
    const { template: _template, ...headGroup } = toJson_RayClusterSpecHeadGroupSpec({ ...headFields, template: {} } as RayClusterSpecHeadGroupSpec) ?? {};
    return compact({
      ...spec,
      ...(this.mayAutoscale ? { autoscalerOptions: { ...(spec?.autoscalerOptions ?? {}), securityContext: this.autoscalerSecurityContext() } } : {}),
      rayVersion: this.rayVersion,
      enableInTreeAutoscaling: Tokens.isToken(autoscaling) ? autoscaling : autoscaling ? true : undefined,
      headGroupSpec: { ...headGroup, rayStartParams: { ...(this.cluster.head?.rayStartParams ?? {}) }, template: this.head.toTemplate() },
      workerGroupSpecs: this.groups.map((g) => {
        const replicas = g.options.replicas ?? 1;
        return compact({
          groupName: g.name,
          replicas,
          minReplicas: g.options.minReplicas ?? replicas,
          maxReplicas: g.options.maxReplicas ?? replicas,
          numOfHosts: g.options.numOfHosts,
          rayStartParams: { ...(g.options.rayStartParams ?? {}) },
          template: g.template.toTemplate(),
        });
      }),
    });
  }

  /**
   * With autoscaling, KubeRay adds an `autoscaler` container to the head pod, built with no
   * securityContext and given the one of `autoscalerOptions` if any
   * (ray-project/kuberay@v1.7.0 ray-operator/controllers/ray/common/pod.go#L935-L1031,
   * BuildAutoscalerContainer and mergeAutoscalerOverrides). That container is not in the chart, so
   * no check of the rendered pods sees it, and Pod Security restricted refuses the head pod
   * without allowPrivilegeEscalation false, capabilities drop ALL and a seccomp profile on it
   * (runAsNonRoot may come from the head pod's own securityContext).
   */
  /** The autoscaler container's securityContext: restricted by default, the given fields over it. */
  private autoscalerSecurityContext(): Record<string, any> {
    const given = toJson_RayClusterSpec({ autoscalerOptions: { securityContext: this.cluster.cluster?.autoscalerOptions?.securityContext ?? {} } } as RayClusterSpec) as any;
    return { ...AUTOSCALER_SECURITY_CONTEXT, ...(given?.autoscalerOptions?.securityContext ?? {}) };
  }

  private validateAutoscaler(): string[] {
    if (!this.mayAutoscale) return [];
    const sc = this.autoscalerSecurityContext();
    const pod = this.head.securityContext;
    const missing: string[] = [];
    if (sc?.allowPrivilegeEscalation !== false) missing.push('allowPrivilegeEscalation: false');
    if (!(sc?.capabilities?.drop ?? []).includes('ALL')) missing.push("capabilities: { drop: ['ALL'] }");
    if (sc?.runAsNonRoot !== true && pod.ensureNonRoot !== true) missing.push('runAsNonRoot: true (or the head pod\'s ensureNonRoot)');
    // cdk8s-plus-28 writes no pod-level seccomp profile: the container states its own.
    const seccomp = sc?.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') missing.push("seccompProfile: { type: 'RuntimeDefault' }");
    const errors: string[] = [];
    if (missing.length > 0) {
      errors.push(`autoscaling: the 'autoscaler' container KubeRay adds to the head pod gets cluster.autoscalerOptions.securityContext, which Pod Security restricted refuses as given; leave those fields to strata or set ${missing.join(', ')}`);
    }
    // The autoscaler reads the RayCluster and scales pods through the API server with the head
    // pod's service account token, bound by KubeRay to its Role (common/rbac.go BuildRole); a
    // cdk8s-plus pod mounts no token unless told.
    if (!this.head.automountServiceAccountToken) {
      errors.push('autoscaling: the autoscaler calls the Kubernetes API with the head pod\'s service account token, which the head pod does not mount; set automountServiceAccountToken: true on the head pod (head.pod)');
    }
    return errors;
  }

  private validateGroups(): string[] {
    const errors: string[] = [];
    for (const t of [this.head, ...this.groups.map((g) => g.template)]) {
      const ray = t.containers[0];
      if (!ray) {
        errors.push(`${t.node.id} has no container; add the Ray container with ${t.node.id === 'head' ? 'head' : 'group.template'}.addContainer(…) (KubeRay runs ray start in the first container)`);
        continue;
      }
      // Ray writes its session directory (sockets, logs, spilled objects) under /tmp/ray.
      const readOnlyRoot = ray.securityContext.readOnlyRootFilesystem !== false;
      if (readOnlyRoot && !ray.mounts.some((m) => m.path === '/tmp' || m.path === '/tmp/ray')) {
        errors.push(
          `container ${ray.name} of ${t.node.id} has a read-only root file system and nothing mounted at /tmp: Ray writes its session under /tmp/ray; mount an emptyDir at /tmp (plus.Volume.fromEmptyDir) or set securityContext.readOnlyRootFilesystem false`,
        );
      }
    }
    errors.push(...this.validateAutoscaler());
    for (const g of this.groups) {
      const { minReplicas, maxReplicas, replicas } = g.options;
      const lo = minReplicas ?? replicas ?? 1;
      const hi = maxReplicas ?? replicas ?? 1;
      if ([lo, hi].every((v) => !Tokens.isToken(v)) && lo > hi) errors.push(`worker group ${g.name}: 'minReplicas' (${lo}) must be at most 'maxReplicas' (${hi}); raise maxReplicas`);
    }
    return errors;
  }
}

export interface RayClusterProps extends RayClusterOptions, WorkloadKindProps {}

/** A long-running Ray cluster (KubeRay RayCluster, ray.io/v1). */
export class RayCluster extends RayWorkload {
  public constructor(scope: Construct, id: string, props: RayClusterProps) {
    super(scope, id, { apiVersion: 'ray.io/v1', kind: 'RayCluster', operator: 'kuberay' }, props);
  }

  protected renderSpec(): Record<string, unknown> {
    return this.clusterSpec();
  }
}

/**
 * The name KubeRay gives the submitter container it builds, and the one strata's default has
 * (ray-project/kuberay@v1.7.0 ray-operator/controllers/ray/utils/constant.go `SubmitterContainerName`).
 */
export const RAY_JOB_SUBMITTER_CONTAINER = 'ray-job-submitter';

/**
 * The variables KubeRay appends to the submitter container, after the template's own
 * (ray-project/kuberay@v1.7.0 ray-operator/controllers/ray/rayjob_controller.go
 * `configureSubmitterContainer`): one of the same name given in the template would be shadowed.
 */
export const RAY_JOB_SUBMITTER_ENV: readonly string[] = ['PYTHONUNBUFFERED', 'RAY_DASHBOARD_ADDRESS', 'RAY_JOB_SUBMISSION_ID'];

/** The label a RayJob names its existing RayCluster by (`clusterSelector`; utils/constant.go `RayJobClusterSelectorKey`). */
export const RAY_JOB_CLUSTER_SELECTOR = 'ray.io/cluster';

/** What a RayJob submits, wherever its cluster comes from. */
export interface RayJobSubmissionProps extends WorkloadKindProps {
  /** The command the job runs on the cluster (`entrypoint`), e.g. "python /app/prep.py". */
  readonly entrypoint: string;
  /** Ray's runtime environment as YAML (`runtimeEnvYAML`). @default - none */
  readonly runtimeEnvYAML?: string;
  /**
   * The longest the job may run before KubeRay fails it (`activeDeadlineSeconds`).
   * @default - no deadline
   */
  readonly deadline?: Duration;
  /**
   * The submitter's pod (`submitterPodTemplate`): KubeRay runs it as a Job that calls
   * `ray job submit` against the cluster's dashboard (K8sJobMode). strata always writes it, so
   * every check sees that pod. Without a container of yours it gets strata's: KubeRay's default
   * submitter (`ray-job-submitter`, the head's image, 500m/200Mi requested, 1 CPU/1 GiB limits:
   * ray-operator/controllers/ray/common/job.go `GetDefaultSubmitterContainer`) made restricted —
   * no privilege escalation, capabilities dropped, RuntimeDefault seccomp, non-root as the head's
   * Ray container's user, a read-only root with a 1 GiB /tmp (where `ray job submit` packs a
   * local working_dir; Ray's packages are at most 500 MiB). A container you add to `submitter`
   * replaces it: KubeRay runs `ray job submit` in the first container unless it sets a command,
   * and appends PYTHONUNBUFFERED, RAY_DASHBOARD_ADDRESS and RAY_JOB_SUBMISSION_ID to its env.
   * @default - restricted, non-root, never restarted in place (the Job retries)
   */
  readonly submitter?: PodTemplateProps;
}

/** Where the default submitter container takes its image and user from: the cluster's head. */
interface SubmitterSource {
  readonly image?: string;
  readonly imagePullPolicy?: plus.ImagePullPolicy;
  readonly user?: number;
  readonly group?: number;
  /** What to say when there is no image (unset: said by another check). */
  readonly missing?: string;
}

/** The source of a head pod: its first (Ray) container's image and user. */
function headSource(head: PodTemplate, which: string): SubmitterSource {
  const ray = head.containers[0];
  return {
    image: ray?.image,
    imagePullPolicy: ray?.imagePullPolicy,
    user: ray?.securityContext.user ?? head.securityContext.user,
    group: ray?.securityContext.group ?? head.securityContext.group,
    missing: `submitter has no container, and ${which} has none to take the image from; add the head's Ray container first, or add a container to submitter`,
  };
}

/** A RayJob's submitter pod: the template, strata's default container, and what KubeRay needs of it. */
class Submitter {
  public readonly template: PodTemplate;
  private readonly tmp: plus.Volume;

  public constructor(template: PodTemplate, private readonly source: () => SubmitterSource) {
    this.template = template;
    // Mounted only by the default container.
    this.tmp = plus.Volume.fromEmptyDir(template, 'default-tmp', `${RAY_JOB_SUBMITTER_CONTAINER}-tmp`, { sizeLimit: Size.gibibytes(1) });
  }

  /** Adds the default container when the template has none; false when it has none and cannot get one (no image). */
  public ensureContainer(): boolean {
    if (this.template.containers.length > 0) return true;
    const src = this.source();
    if (!src.image) return false;
    this.template.addContainer({
      name: RAY_JOB_SUBMITTER_CONTAINER,
      image: src.image,
      imagePullPolicy: src.imagePullPolicy,
      resources: {
        cpu: { request: plus.Cpu.millis(500), limit: plus.Cpu.units(1) },
        memory: { request: Size.mebibytes(200), limit: Size.gibibytes(1) },
        ephemeralStorage: { request: Size.gibibytes(1) },
      },
      securityContext: {
        ensureNonRoot: true,
        user: src.user,
        group: src.group,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: [plus.Capability.ALL] },
        seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      volumeMounts: [{ path: '/tmp', volume: this.tmp }],
    });
    return true;
  }

  public validate(): string[] {
    const errors: string[] = [];
    const missing = this.source().missing;
    if (!this.ensureContainer() && missing) errors.push(missing);
    const t = this.template;
    if (t.restartPolicy !== plus.RestartPolicy.NEVER && t.restartPolicy !== plus.RestartPolicy.ON_FAILURE) {
      errors.push(`submitter's restartPolicy (${t.restartPolicy}) must be Never or OnFailure: KubeRay runs the submitter as a Job`);
    }
    const first = t.containers[0];
    const shadowed = Object.keys(first?.env.variables ?? {}).filter((n) => RAY_JOB_SUBMITTER_ENV.includes(n));
    if (first && shadowed.length > 0) {
      errors.push(
        `container ${first.name} of submitter sets ${shadowed.join(', ')}: KubeRay appends its own after the template's (ray-operator/controllers/ray/rayjob_controller.go configureSubmitterContainer), which shadow them; remove them`,
      );
    }
    return errors;
  }

  /** The template as `submitterPodTemplate`. */
  public render(): PodTemplateJson {
    // Reported at validation; never written without it.
    if (!this.ensureContainer()) throw new Error(`[${this.template.node.scope!.node.path}] submitter has no container and no image to give it one`);
    return this.template.toTemplate();
  }
}

export interface RayJobProps extends RayClusterOptions, RayJobSubmissionProps {
  /** Retries of a failed job, each on a new cluster (`backoffLimit`). @default 0 */
  readonly backoffLimit?: number;
}

/**
 * A Ray job on a cluster of its own (KubeRay RayJob, ray.io/v1): KubeRay creates the cluster,
 * submits `entrypoint` from the submitter pod (K8sJobMode), and deletes the cluster when the job
 * finishes (`shutdownAfterJobFinishes`). It runs to completion: in a chart it is named by its
 * content, like a Job. For a job on an existing RayCluster, see `RayJob.onCluster`.
 *
 * Its pod sets are the cluster's (head and worker groups); the submitter runs `ray job submit`
 * only, so patterns leave it alone, while the checks see it like any pod.
 */
export class RayJob extends RayWorkload {
  /**
   * A Ray job submitted to an existing RayCluster (`clusterSelector`), which outlives it: a
   * RayCluster of this chart, or one named (with its head's image).
   */
  public static onCluster(scope: Construct, id: string, props: RayJobOnClusterProps): RayJobOnCluster {
    return new RayJobOnCluster(scope, id, props);
  }

  /** The submitter's pod: strata's restricted default container unless you add one (see `RayJobSubmissionProps.submitter`). */
  public readonly submitter: PodTemplate;
  private readonly props: RayJobProps;
  private readonly submitterPod: Submitter;

  public constructor(scope: Construct, id: string, props: RayJobProps) {
    super(scope, id, { apiVersion: 'ray.io/v1', kind: 'RayJob', operator: 'kuberay' }, props);
    this.props = props;
    checkSubmission(this.rules, props);
    this.rules.check('backoffLimit', props.backoffLimit ?? 0, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry a few times at most', 'a whole number between 0 and 100');
    this.submitter = this.template('submitter', props.submitter ?? {}, props.submitter?.restartPolicy ?? plus.RestartPolicy.NEVER);
    this.submitterPod = new Submitter(this.submitter, () => headSource(this.head, 'the head'));
    this.node.addValidation({ validate: () => this.submitterPod.validate() });
  }

  protected renderSpec(): Record<string, unknown> {
    return compact({
      ...submissionSpec(this.props),
      backoffLimit: this.props.backoffLimit ?? 0,
      shutdownAfterJobFinishes: true,
      submitterPodTemplate: this.submitterPod.render(),
      rayClusterSpec: this.clusterSpec(),
    });
  }
}

/** A RayCluster strata does not create (another chart's, the platform's): its name, and its head's image. */
export interface RayClusterRef {
  /** The RayCluster's name, in the release's namespace. */
  readonly name: string;
  /** The image of its head's Ray container: the default submitter runs `ray job submit` from it, as KubeRay's own would. */
  readonly image: string;
}

export interface RayJobOnClusterProps extends RayJobSubmissionProps {
  /**
   * The RayCluster to submit to (`clusterSelector: { ray.io/cluster: <name> }`): a `RayCluster` of
   * this chart, or a `RayClusterRef` to one made elsewhere in the release's namespace. KubeRay
   * neither creates nor deletes it, and refuses a RayJob on it that retries (`backoffLimit`) or
   * suspends (ray-operator/controllers/ray/utils/validation.go `ValidateRayJobSpec`).
   */
  readonly cluster: RayCluster | RayClusterRef;
}

/**
 * A Ray job on an existing RayCluster (KubeRay RayJob with `clusterSelector`, no
 * `rayClusterSpec`): KubeRay finds the cluster by name, runs the submitter pod against its
 * dashboard, and leaves the cluster running when the job finishes
 * (ray-project/kuberay@v1.7.0 ray-operator/controllers/ray/rayjob_controller.go
 * `getOrCreateRayClusterInstance`). It has no head or worker pods of its own — no pod sets —
 * only the submitter, which the checks see. A run: named by its content, like a Job.
 *
 * ```ts
 * const cluster = new RayCluster(this, 'trn1', { rayVersion: '2.22.0', … });
 * RayJob.onCluster(this, 'pretrain', { cluster, entrypoint: 'python3 train.py' });
 * ```
 */
export class RayJobOnCluster extends WorkloadKind {
  /** The submitter's pod: strata's restricted default container unless you add one (see `RayJobSubmissionProps.submitter`). */
  public readonly submitter: PodTemplate;
  public readonly cluster: RayCluster | RayClusterRef;
  private readonly props: RayJobOnClusterProps;
  private readonly submitterPod: Submitter;

  public constructor(scope: Construct, id: string, props: RayJobOnClusterProps) {
    super(scope, id, { apiVersion: 'ray.io/v1', kind: 'RayJob', operator: 'kuberay' }, { given: props.metadata });
    this.props = props;
    this.cluster = props.cluster;
    checkSubmission(this.rules, props);
    const cluster = props.cluster;
    if (cluster instanceof RayCluster) {
      if (Chart.of(cluster) !== Chart.of(this)) {
        this.rules.failWith(`'cluster' is RayCluster ${cluster.node.path}, of another chart: its name is its own release's; refer to it by name ({ name, image })`);
      }
    } else if (!cluster || !cluster.name) {
      this.rules.fail('cluster', cluster, 'a RayCluster of this chart, or { name, image } of one in the namespace', 'name the cluster the job runs on');
    } else {
      if (!Tokens.isToken(cluster.name) && !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(cluster.name)) {
        this.rules.fail('cluster.name', cluster.name, 'the name of a RayCluster: a lowercase DNS label', 'e.g. "kuberay-trn1"');
      }
      this.rules.required('cluster.image', cluster.image, "the image of the cluster's head", 'the default submitter runs ray job submit from it');
    }
    this.submitter = this.template('submitter', props.submitter ?? {}, props.submitter?.restartPolicy ?? plus.RestartPolicy.NEVER);
    const source = (): SubmitterSource =>
      cluster instanceof RayCluster ? headSource(cluster.head, `the head of RayCluster ${cluster.node.id}`) : { image: cluster?.image };
    this.submitterPod = new Submitter(this.submitter, source);
    this.node.addValidation({ validate: () => this.submitterPod.validate() });
  }

  /** No pods of its own but the submitter, which runs `ray job submit` only. */
  public get podSets(): readonly PodSet[] {
    return [];
  }

  protected renderSpec(): Record<string, unknown> {
    return compact({
      ...submissionSpec(this.props),
      clusterSelector: { [RAY_JOB_CLUSTER_SELECTOR]: this.props.cluster.name },
      submitterPodTemplate: this.submitterPod.render(),
    });
  }
}

function checkSubmission(rules: Rules, props: RayJobSubmissionProps): void {
  if (!props.entrypoint) rules.fail('entrypoint', props.entrypoint, 'the command the job runs', 'e.g. "python /app/prep.py"');
}

/** The fields every RayJob writes: what runs, how long it may, and how it is submitted. */
function submissionSpec(p: RayJobSubmissionProps): Record<string, unknown> {
  return {
    entrypoint: p.entrypoint,
    runtimeEnvYAML: p.runtimeEnvYAML,
    activeDeadlineSeconds: p.deadline?.toSeconds(),
    // The submitter is a Job of its own (the pod above); SidecarMode would add it to the head pod,
    // and HTTPMode would submit from the operator, where no check sees it.
    submissionMode: 'K8sJobMode',
  };
}

/** A positive Go duration ("30m", "1h30m") or whole seconds, as KubeRay reads ray.io/initializing-timeout. */
const INITIALIZING_TIMEOUT = describePattern('^([1-9][0-9]*|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$', 'a duration such as "30m" or "1h30m", or a whole number of seconds');

/**
 * The annotation that fails a RayService whose cluster is not ready in time, for good: it must
 * then be deleted and created again (ray-project/kuberay@v1.7.0
 * ray-operator/controllers/ray/utils/constant.go `RayServiceInitializingTimeoutAnnotation`;
 * validated by utils/validation.go `validateInitializingTimeout`).
 */
export const RAY_SERVICE_INITIALIZING_TIMEOUT_ANNOTATION = 'ray.io/initializing-timeout';

const DEPRECATED_THRESHOLD =
  'deprecated upstream: KubeRay v1.7.0 does not read it (ray-operator/apis/ray/v1/rayservice_types.go, ray-project/kuberay#1685) and no longer replaces a cluster whose Serve applications are unhealthy; ' +
  `a model that loads for long needs nothing, and to fail a RayService whose cluster is not ready in time give the annotation ${RAY_SERVICE_INITIALIZING_TIMEOUT_ANNOTATION} in metadata`;

/** The RayService spec fields strata writes or refuses, and the prop that sets each. */
const SERVICE_OWNED = {
  serveConfigV2: 'use serveConfig',
  rayClusterConfig: 'use rayVersion, head, addWorkerGroup, autoscaling and cluster',
  upgradeStrategy: 'strata writes { type: NewCluster }: a changed cluster starts a new one and takes the traffic once its Serve applications are healthy',
  serviceUnhealthySecondThreshold: DEPRECATED_THRESHOLD,
  deploymentUnhealthySecondThreshold: DEPRECATED_THRESHOLD,
};

export interface RayServiceProps extends RayClusterOptions, WorkloadKindProps {
  /** Ray Serve's config (`serveConfigV2`), as YAML: applications, deployments, autoscaling. */
  readonly serveConfig: string;
  /**
   * Other fields of the RayService spec, as the upstream CRD types them (excludeHeadPodFromServeSvc,
   * serveService, rayClusterDeletionDelaySeconds…). Fields strata writes are refused here, and so
   * are `serviceUnhealthySecondThreshold` and `deploymentUnhealthySecondThreshold`, which the CRD
   * still has but KubeRay v1.7.0 no longer reads.
   * @default - none
   */
  readonly spec?: Omit<RayServiceSpec, 'rayClusterConfig' | 'serveConfigV2'>;
}

/**
 * Ray Serve on its own cluster (KubeRay RayService, ray.io/v1). A change to the cluster's config
 * starts a new cluster and moves traffic to it once its Serve applications are healthy
 * (`upgradeStrategy.type: NewCluster`, KubeRay's zero-downtime upgrade).
 */
export class RayService extends RayWorkload {
  private readonly props: RayServiceProps;

  public constructor(scope: Construct, id: string, props: RayServiceProps) {
    super(scope, id, { apiVersion: 'ray.io/v1', kind: 'RayService', operator: 'kuberay' }, props);
    this.props = props;
    if (!props.serveConfig) this.rules.fail('serveConfig', props.serveConfig, 'the Serve config as YAML (applications: …)', 'see https://docs.ray.io/en/latest/serve/production-guide/config.html');
    this.checkExtra('spec', props.spec, SERVICE_OWNED);
    // KubeRay names the head Service of each of the RayService's clusters itself, and refuses a
    // RayService naming it (ray-operator/controllers/ray/utils/validation.go ValidateRayServiceSpec).
    const headServiceName = props.head?.headService?.metadata?.name;
    if (headServiceName !== undefined) {
      this.rules.fail('head.headService.metadata.name', headServiceName, 'unset for a RayService', 'KubeRay v1.7.0 refuses it (utils/validation.go ValidateRayServiceSpec): it names the head Services after the RayService; point clients at the serve Service <name>-serve-svc');
    }
    const timeout = props.metadata?.annotations?.[RAY_SERVICE_INITIALIZING_TIMEOUT_ANNOTATION];
    this.rules.check(`metadata.annotations.${RAY_SERVICE_INITIALIZING_TIMEOUT_ANNOTATION}`, timeout, { pattern: INITIALIZING_TIMEOUT }, 'KubeRay refuses the RayService otherwise (utils/validation.go validateInitializingTimeout)');
  }

  protected renderSpec(): Record<string, unknown> {
    const extra = toJson_RayServiceSpec({ ...(this.props.spec ?? {}) } as RayServiceSpec) ?? {};
    return compact({ ...extra, serveConfigV2: this.props.serveConfig, upgradeStrategy: { type: 'NewCluster' }, rayClusterConfig: this.clusterSpec() });
  }
}
