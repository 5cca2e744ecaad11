import { Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RayClusterSpec, toJson_RayClusterSpec } from '@strata/crd-types/ray-cluster';
import { Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { compact, KindIdentity, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/** Ray's head node. */
export interface RayHeadOptions {
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
  readonly head?: RayHeadOptions;
  /**
   * Let Ray's autoscaler scale worker groups between their min and max (`enableInTreeAutoscaling`).
   * KubeRay then adds an `autoscaler` container to the head pod: strata gives it a restricted
   * `autoscalerOptions.securityContext` (fields given in `cluster.autoscalerOptions.securityContext`
   * go over it) and mounts the head pod's service account token, which the autoscaler calls the
   * API server with; overriding either into something restricted refuses is an error.
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
  headGroupSpec: 'use head',
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
    // The autoscaler KubeRay adds to the head pod calls the API server with the pod's token.
    this.head = this.template('head', { ...(cluster.autoscaling ? { automountServiceAccountToken: true } : {}), ...(cluster.head?.pod ?? {}) }, plus.RestartPolicy.ALWAYS);
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

  /** The RayCluster spec (RayJob's `rayClusterSpec`, RayService's `rayClusterConfig`). */
  protected clusterSpec(): Record<string, unknown> {
    const spec = toJson_RayClusterSpec(this.cluster.cluster as RayClusterSpec) as Record<string, any> | undefined;
    return compact({
      ...spec,
      ...(this.cluster.autoscaling ? { autoscalerOptions: { ...(spec?.autoscalerOptions ?? {}), securityContext: this.autoscalerSecurityContext() } } : {}),
      rayVersion: this.rayVersion,
      enableInTreeAutoscaling: this.cluster.autoscaling ? true : undefined,
      headGroupSpec: { rayStartParams: { ...(this.cluster.head?.rayStartParams ?? {}) }, template: this.head.toTemplate() },
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
    if (!this.cluster.autoscaling) return [];
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

export interface RayJobProps extends RayClusterOptions, WorkloadKindProps {
  /** The command the job runs on the cluster (`entrypoint`), e.g. "python /app/prep.py". */
  readonly entrypoint: string;
  /** Ray's runtime environment as YAML (`runtimeEnvYAML`). @default - none */
  readonly runtimeEnvYAML?: string;
  /**
   * The longest the job may run before KubeRay fails it (`activeDeadlineSeconds`).
   * @default - no deadline
   */
  readonly deadline?: Duration;
  /** Retries of a failed job, each on a new cluster (`backoffLimit`). @default 0 */
  readonly backoffLimit?: number;
}

/**
 * A Ray job on a cluster of its own (KubeRay RayJob, ray.io/v1): KubeRay creates the cluster,
 * submits `entrypoint`, and deletes the cluster when the job finishes
 * (`shutdownAfterJobFinishes`). It runs to completion: in a chart it is named by its content,
 * like a Job.
 */
export class RayJob extends RayWorkload {
  private readonly props: RayJobProps;

  public constructor(scope: Construct, id: string, props: RayJobProps) {
    super(scope, id, { apiVersion: 'ray.io/v1', kind: 'RayJob', operator: 'kuberay' }, props);
    this.props = props;
    if (!props.entrypoint) this.rules.fail('entrypoint', props.entrypoint, 'the command the job runs', 'e.g. "python /app/prep.py"');
    this.rules.check('backoffLimit', props.backoffLimit ?? 0, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry a few times at most', 'a whole number between 0 and 100');
  }

  protected renderSpec(): Record<string, unknown> {
    return compact({
      entrypoint: this.props.entrypoint,
      runtimeEnvYAML: this.props.runtimeEnvYAML,
      activeDeadlineSeconds: this.props.deadline?.toSeconds(),
      backoffLimit: this.props.backoffLimit ?? 0,
      shutdownAfterJobFinishes: true,
      submissionMode: 'K8sJobMode',
      rayClusterSpec: this.clusterSpec(),
    });
  }
}

export interface RayServiceProps extends RayClusterOptions, WorkloadKindProps {
  /** Ray Serve's config (`serveConfigV2`), as YAML: applications, deployments, autoscaling. */
  readonly serveConfig: string;
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
  }

  protected renderSpec(): Record<string, unknown> {
    return { serveConfigV2: this.props.serveConfig, upgradeStrategy: { type: 'NewCluster' }, rayClusterConfig: this.clusterSpec() };
  }
}
