import { Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  SparkApplicationSpec,
  SparkApplicationSpecDriver,
  SparkApplicationSpecExecutor,
  toJson_SparkApplicationSpec,
  toJson_SparkApplicationSpecDriver,
  toJson_SparkApplicationSpecExecutor,
} from '@strata/crd-types/spark-application';
import { InstanceStore } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateJson, PodTemplateProps } from './pod-template';
import { compact, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/**
 * The container Spark builds the driver on: the operator passes this name to Spark as
 * `spark.kubernetes.driver.podTemplateContainerName` (kubeflow/spark-operator@v2.5.2
 * internal/controller/sparkapplication/submission.go `driverPodTemplateOption`; pkg/common/spark.go
 * `SparkDriverContainerName`).
 */
export const SPARK_DRIVER_CONTAINER = 'spark-kubernetes-driver';

/** The container Spark builds each executor on (same source, `Spark3DefaultExecutorContainerName`). */
export const SPARK_EXECUTOR_CONTAINER = 'spark-kubernetes-executor';

/**
 * Spark uses the volumes its container mounts under names with this prefix as its local
 * directories (shuffle, spill, cached blocks), instead of making an emptyDir of its own:
 * apache/spark v3.1+ resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/features/LocalDirsFeatureStep.scala,
 * https://spark.apache.org/docs/latest/running-on-kubernetes.html#local-storage
 * (kubeflow/spark-operator@v2.5.2 pkg/common/spark.go `SparkLocalDirVolumePrefix`).
 */
export const SPARK_LOCAL_DIR_PREFIX = 'spark-local-dir-';

/**
 * The user of the Apache Spark images: `spark`, uid and gid 185 (apache/spark-docker
 * 4.0.0/scala2.13-java17-ubuntu/Dockerfile `ARG spark_uid=185` … `USER spark`; the operator's own
 * image, kubeflow/spark-operator@v2.5.2 Dockerfile, runs as `185:185` on top of it).
 */
export const SPARK_UID = 185;

/** What the application is written in (`spec.type`). */
export type SparkApplicationType = 'Java' | 'Scala' | 'Python' | 'R';

/** The resources of the driver or of each executor, and its pod. */
export interface SparkRoleOptions {
  /**
   * Cores (`cores`: spark.driver.cores, spark.executor.cores — an executor's concurrent tasks),
   * also the CPU request unless `coreRequest` is given.
   * @default 1
   */
  readonly cores?: number;
  /** The CPU request (`coreRequest`, spark.kubernetes.{driver,executor}.request.cores), e.g. "500m". @default - cores */
  readonly coreRequest?: string;
  /** The CPU limit (`coreLimit`, spark.kubernetes.{driver,executor}.limit.cores), e.g. "2". @default - none */
  readonly coreLimit?: string;
  /** The JVM heap (`memory`), e.g. "4g" (a JVM size: a number of MiB, or with k, m, g, t). @default "1g" */
  readonly memory?: string;
  /**
   * Memory besides the heap (`memoryOverhead`), e.g. "1g"; the pod requests and is limited to
   * memory + memoryOverhead.
   * @default - Spark's: max(384 MiB, 10 % of memory), 40 % for Python and R
   */
  readonly memoryOverhead?: string;
  /**
   * The pod. The Spark container must be named `spark-kubernetes-driver` / `spark-kubernetes-executor`.
   * @default - runs as the Spark images' user (uid and gid 185), non-root; add containers to `driver` / `executor`
   */
  readonly pod?: PodTemplateProps;
}

export interface SparkDriverOptions extends SparkRoleOptions {
  /**
   * Other fields of `spec.driver`, as the upstream CRD types them (javaOptions, serviceLabels,
   * serviceAnnotations, secrets…). Fields strata writes, and the pod fields only the operator's
   * webhook applies (set those on the template), are refused here.
   * @default - none
   */
  readonly spec?: SparkApplicationSpecDriver;
}

export interface SparkExecutorOptions extends SparkRoleOptions {
  /** Executors (`executor.instances`); not with `dynamicAllocation`. @default 1 */
  readonly instances?: number;
  /** Other fields of `spec.executor`, as the upstream CRD types them (javaOptions, deleteOnTermination, secrets…); refused as the driver's. @default - none */
  readonly spec?: SparkApplicationSpecExecutor;
}

/**
 * Executors added and removed with the load (`dynamicAllocation`), with shuffle tracking: an
 * executor holding shuffle data is kept while a job needs it (Kubernetes has no external shuffle service).
 * @see https://spark.apache.org/docs/latest/job-scheduling.html#dynamic-resource-allocation
 */
export interface SparkDynamicAllocation {
  /** The fewest executors. @default 0 */
  readonly minExecutors?: number;
  /** The most executors. */
  readonly maxExecutors: number;
  /** Executors at start. @default - minExecutors */
  readonly initialExecutors?: number;
  /** How long an idle executor holding shuffle data is kept (`shuffleTrackingTimeout`). @default - while its shuffle data is needed */
  readonly shuffleTrackingTimeout?: Duration;
}

/**
 * What the operator does with a failed application (`restartPolicy`): nothing, or submit it again
 * up to `retries` times. An application that succeeded is never run again.
 */
export type SparkRestartPolicy =
  | { readonly type: 'Never' }
  | {
      readonly type: 'OnFailure';
      /** Runs again after a failed run (`onFailureRetries`). */
      readonly retries: number;
      /** Wait before each (`onFailureRetryInterval`). @default - the operator's, 5 s */
      readonly retryInterval?: Duration;
      /** Submissions again after a failed spark-submit (`onSubmissionFailureRetries`). @default - retries */
      readonly submissionRetries?: number;
      /** Wait before each (`onSubmissionFailureRetryInterval`). @default - the operator's, 5 s */
      readonly submissionRetryInterval?: Duration;
    };

export interface SparkApplicationProps extends WorkloadKindProps {
  /** What the application is written in (`type`). */
  readonly type: SparkApplicationType;
  /** Where the driver runs (`mode`): only `cluster`, in a pod of its own. @default 'cluster' */
  readonly mode?: 'cluster';
  /** The Spark version of the image (`sparkVersion`), e.g. "4.0.4"; at least 3.0.0 (pod templates). */
  readonly sparkVersion: string;
  /** The image of the driver and the executors (`image`), e.g. "docker.io/apache/spark:4.0.4". */
  readonly image: string;
  /** The application (`mainApplicationFile`): a JAR, Python or R file, e.g. "local:///opt/app/etl.py" or "s3a://bucket/etl.jar". */
  readonly mainApplicationFile: string;
  /** The main class of a Java or Scala application (`mainClass`). @default - the JAR's manifest */
  readonly mainClass?: string;
  /** The application's arguments (`arguments`). @default [] */
  readonly arguments?: readonly string[];
  /** Spark properties (`sparkConf`), e.g. `{ 'spark.sql.shuffle.partitions': '400' }`. @default {} */
  readonly sparkConf?: { readonly [key: string]: string };
  /** Hadoop properties (`hadoopConf`, given to Spark as spark.hadoop.*), e.g. S3A settings. @default {} */
  readonly hadoopConf?: { readonly [key: string]: string };
  /** The driver. */
  readonly driver?: SparkDriverOptions;
  /** The executors. */
  readonly executor?: SparkExecutorOptions;
  /** Executors scaled with the load. @default - a fixed number (executor.instances) */
  readonly dynamicAllocation?: SparkDynamicAllocation;
  /** What the operator does with a failed run. @default { type: 'Never' } */
  readonly restartPolicy?: SparkRestartPolicy;
  /**
   * Other fields of the spec, as the upstream CRD types them (deps, sparkUIOptions, monitoring,
   * batchScheduler, proxyUser…). Fields strata writes or refuses are errors here — among them
   * `timeToLiveSeconds`: a SparkApplication deleted by its TTL is created again by the next
   * upgrade or drift correction, and runs again (in a chart it is named by its content).
   * @default - none
   */
  readonly spec?: Omit<SparkApplicationSpec, 'driver' | 'executor' | 'mainApplicationFile' | 'sparkVersion' | 'type'>;
}

type Role = 'driver' | 'executor';

/** Why a field that reaches the pods only through the operator's mutating webhook is set on the template instead. */
const WEBHOOK_ONLY = 'the operator applies it only through its mutating pod webhook (internal/webhook/sparkpod_defaulter.go)';
const ON_TEMPLATE = `set it on the template: ${WEBHOOK_ONLY}`;

/** The spec fields strata writes or refuses, and the prop to use. */
const SPEC_OWNED = {
  arguments: 'use arguments',
  image: 'use image',
  imagePullPolicy: "use the Spark containers' imagePullPolicy",
  mainClass: 'use mainClass',
  mode: 'use mode',
  restartPolicy: 'use restartPolicy',
  dynamicAllocation: 'use dynamicAllocation',
  sparkConf: 'use sparkConf',
  hadoopConf: 'use hadoopConf',
  timeToLiveSeconds: 'leave it unset: a SparkApplication deleted by its TTL is created again by the next upgrade or drift correction, and runs again',
  failureRetries: 'the operator does not read it; use restartPolicy',
  retryInterval: 'the operator does not read it; use restartPolicy',
  volumes: `mount volumes in the driver and executor templates; ${WEBHOOK_ONLY}`,
  nodeSelector: 'schedule the driver and executor templates (nodeSelector, PodScheduling)',
  sparkConfigMap: `mount the ConfigMap in the templates and set SPARK_CONF_DIR; ${WEBHOOK_ONLY}`,
  hadoopConfigMap: `mount the ConfigMap in the templates and set HADOOP_CONF_DIR; ${WEBHOOK_ONLY}`,
};

/** The fields of spec.driver and spec.executor strata writes or refuses, and the prop to use. */
function roleOwned(role: Role): { readonly [field: string]: string } {
  const webhook = [
    'affinity',
    'configMaps',
    'dnsConfig',
    'env',
    'envFrom',
    'gpu',
    'hostAliases',
    'hostNetwork',
    'initContainers',
    'lifecycle',
    'memoryLimit',
    'nodeSelector',
    'podSecurityContext',
    'ports',
    'priorityClassName',
    'schedulerName',
    'securityContext',
    'shareProcessNamespace',
    'sidecars',
    'terminationGracePeriodSeconds',
    'tolerations',
    'volumeMounts',
  ];
  return {
    ...Object.fromEntries(webhook.map((f) => [f, ON_TEMPLATE])),
    ...Object.fromEntries(['cores', 'coreRequest', 'coreLimit', 'memory', 'memoryOverhead'].map((f) => [f, `use ${role}.${f}`])),
    labels: "set it on the template's metadata",
    annotations: "set it on the template's metadata",
    image: "use the Spark container's image",
    serviceAccount: `give the ${role} template a serviceAccount`,
    template: `build the pod on the PodTemplate ${role}`,
    instances: 'use executor.instances',
    podName: 'the operator names the driver pod (podName is for client mode)',
  };
}
const SPARK_CONTAINER: { readonly [role in Role]: string } = { driver: SPARK_DRIVER_CONTAINER, executor: SPARK_EXECUTOR_CONTAINER };

/** Spark properties the application sets from its own fields, with where to set them instead. */
const OWNED_CONF: readonly { readonly key: RegExp; readonly where: string }[] = [
  { key: /^spark\.(driver|executor)\.(cores|memory|memoryOverhead)$/, where: 'use the cores, memory and memoryOverhead of driver or executor' },
  { key: /^spark\.kubernetes\.(driver|executor)\.(request|limit)\.cores$/, where: 'use the coreRequest and coreLimit of driver or executor' },
  { key: /^spark\.executor\.instances$/, where: 'use executor.instances' },
  { key: /^spark\.dynamicAllocation\.(enabled|minExecutors|maxExecutors|initialExecutors|shuffleTracking\.enabled|shuffleTracking\.timeout)$/, where: 'use dynamicAllocation' },
  { key: /^spark\.kubernetes\.(driver|executor)\.podTemplate(File|ContainerName)$/, where: 'the operator sets it for the driver and executor templates' },
  { key: /^spark\.kubernetes\.(driver|executor)\.volumes\./, where: 'mount the volume in the driver or executor template, where the checks see it' },
  { key: /^spark\.kubernetes\.node\.selector\./, where: 'schedule the driver or executor template (nodeSelector, PodScheduling)' },
  { key: /^spark\.kubernetes\.(driver|executor)\.(label|annotation)\./, where: "set it on the driver or executor template's metadata" },
  { key: /^spark\.kubernetes\.((driver|executor)\.)?container\.image(\.pullPolicy)?$/, where: "use image, and the Spark container's imagePullPolicy" },
  // Refused by the operator's webhook too (kubeflow/spark-operator@v2.5.2 internal/webhook/sparkconf_validator.go).
  { key: /^spark\.kubernetes\.authenticate\./, where: 'give the driver or executor template a serviceAccount; the operator manages credentials' },
  { key: /^spark\.(kubernetes\.driver\.)?master$/, where: 'the operator sets it' },
  { key: /^spark\.kubernetes\.namespace$/, where: "the application runs in the release's namespace" },
];

/**
 * A Spark application run by the Kubeflow Spark operator (SparkApplication,
 * sparkoperator.k8s.io/v1beta2; kubeflow/spark-operator v2.5.2): the operator runs spark-submit,
 * Spark starts the driver pod, the driver starts the executors. Driver and executor are each a
 * `PodTemplate`, so storage mounts, scheduling, devices and every check act on them as on any pod.
 *
 * **Rendering: the pod templates (`spec.driver.template`, `spec.executor.template`), not the typed
 * pod fields.** The SparkApplication has two ways to shape its pods, and only one of them is
 * honoured whoever builds the pod:
 * - The typed fields (`spec.volumes`, `driver.volumeMounts`, `podSecurityContext`,
 *   `securityContext`, `affinity`, `tolerations`, `env`, `initContainers`, `sidecars`…) are
 *   applied by the operator's mutating pod webhook alone (kubeflow/spark-operator@v2.5.2
 *   internal/webhook/sparkpod_defaulter.go); spark-submit never sees them, except volumes named
 *   `spark-local-dir-*`, which the operator turns into Spark properties
 *   (internal/controller/sparkapplication/submission.go). The webhook can be switched off
 *   (chart value `webhook.enable`), and the operator plans to retire it "by moving all
 *   functionality into the pod template" (ROADMAP.md, issue #2502). They also cannot say
 *   everything strata puts on a pod: a container's `ephemeral-storage` request (which
 *   `InstanceStore` adds) has no typed field.
 * - The templates are Spark's own pod templates (Spark ≥ 3.0): the operator writes them to the
 *   files Spark builds the pods from (`spark.kubernetes.{driver,executor}.podTemplateFile`,
 *   submission.go `driverPodTemplateOption`/`executorPodTemplateOption`), and Spark keeps what
 *   it does not set itself — volumes and mounts, security contexts, affinity, tolerations, node
 *   selectors, init and sidecar containers, env, and resources other than CPU and memory
 *   (https://spark.apache.org/docs/latest/running-on-kubernetes.html#pod-template-properties).
 *   The webhook still sees the pods (it selects every pod the operator launches) but adds
 *   nothing, since no typed pod field is set. The operator's own example does the same
 *   (examples/spark-pi-pod-template.yaml: security context for uid 185, a `spark-local-dir-1`
 *   emptyDir with a sizeLimit).
 *
 * So each template is rendered whole, as a Pod's spec is, and the typed fields carry only what
 * Spark sets on the Spark container over any template: the image (`image`, or the role's own),
 * the pull policy (`imagePullPolicy`: one for both roles), CPU and memory (`cores`,
 * `coreRequest`, `coreLimit`, `memory`, `memoryOverhead`), the service account
 * (`serviceAccount`), and the executor count. What a template sets that Spark would replace is an
 * error saying where to set it: the Spark container's command and args (Spark runs the image's
 * entrypoint with `driver`/`executor`), its CPU and memory, a restart policy other than Never.
 * The template field is schemaless in the CRD (`x-kubernetes-preserve-unknown-fields`), so the
 * API server does not check it; what strata writes there is a cdk8s-plus pod spec. The other spec
 * fields come typed from the upstream CRD (`spec`, `driver.spec`, `executor.spec`); there, the
 * fields strata writes and the pod fields only the webhook applies are errors saying where to set
 * them (on the template). The checks see each pod through a view of its template with the typed
 * fields applied (`POD_TEMPLATE_KINDS.SparkApplication` in @strata/tokens).
 *
 * **NVMe scratch.** An `InstanceStore` mounted in the Spark container becomes a Spark local
 * directory: its volume is named `spark-local-dir-<name>` in the template, so Spark puts shuffle
 * and spill files there instead of on an emptyDir of its own, with the store's sizeLimit, its
 * ephemeral-storage request and its node affinity:
 * `new InstanceStore(chart, 'scratch', { size: Size.gibibytes(200) }).mount(executorContainer, '/scratch', { pod: app.executor })`.
 *
 * **Pod Security restricted.** The Spark images run as the user `spark` (uid 185), a name:
 * under `runAsNonRoot` the kubelet cannot tell a name is not root and never starts the
 * container, so the templates default to `runAsUser`/`runAsGroup` 185 and non-root, and a pod
 * that drops the uid is an error. The containers must still drop all capabilities, forbid
 * privilege escalation and set a seccomp profile (cdk8s-plus has no pod-level seccomp).
 *
 * A SparkApplication runs to completion: in a chart it is named by its content, like a Job, and
 * never has a TTL (`spec.timeToLiveSeconds` is refused). The driver needs a service account allowed to
 * create its executors (the operator's chart makes `spark-operator-spark` in each job namespace).
 *
 * ```ts
 * const app = new SparkApplication(chart, 'etl', {
 *   type: 'Python', sparkVersion: '4.0.4', image: 'docker.io/apache/spark:4.0.4',
 *   mainApplicationFile: 'local:///opt/app/etl.py',
 *   driver: { memory: '2g', pod: { serviceAccount } },
 *   executor: { instances: 8, cores: 4, memory: '16g' },
 * });
 * app.driver.addContainer({ name: SPARK_DRIVER_CONTAINER, image, securityContext, resources: {} });
 * const exec = app.executor.addContainer({ name: SPARK_EXECUTOR_CONTAINER, image, securityContext, resources: {} });
 * ```
 */
export class SparkApplication extends WorkloadKind {
  public readonly driver: PodTemplate;
  public readonly executor: PodTemplate;
  private readonly props: SparkApplicationProps;

  public constructor(scope: Construct, id: string, props: SparkApplicationProps) {
    super(scope, id, { apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', operator: 'spark-operator' }, { given: props.metadata });
    this.props = props;
    this.validateProps();
    this.driver = this.sparkTemplate('driver', props.driver?.pod);
    this.executor = this.sparkTemplate('executor', props.executor?.pod);
    this.node.addValidation({ validate: () => this.validatePods() });
  }

  public get podSets(): readonly PodSet[] {
    const da = this.props.dynamicAllocation;
    return [
      { name: 'driver', pod: this.driver, count: 1, container: SPARK_DRIVER_CONTAINER },
      { name: 'executor', pod: this.executor, count: da ? da.maxExecutors : (this.props.executor?.instances ?? 1), container: SPARK_EXECUTOR_CONTAINER },
    ];
  }

  /** A role's template: non-root as the Spark images' user, never restarted in place (Spark's pods are not); the driver gets its token. */
  private sparkTemplate(role: Role, props: PodTemplateProps = {}): PodTemplate {
    return this.template(
      role,
      {
        securityContext: { ensureNonRoot: true, user: SPARK_UID, group: SPARK_UID },
        // The driver creates and watches its executors through the Kubernetes API.
        ...(role === 'driver' ? { automountServiceAccountToken: true } : {}),
        ...props,
      },
      plus.RestartPolicy.NEVER,
    );
  }

  private validateProps(): void {
    const p = this.props;
    const r = this.rules;
    r.oneOf('type', p.type, ['Java', 'Scala', 'Python', 'R'], 'what the application is written in');
    r.oneOf('mode', p.mode, ['cluster'], 'the driver runs in a pod of its own; client mode would run it in the operator');
    r.required('image', p.image, 'the image of the driver and executors', 'e.g. "docker.io/apache/spark:4.0.4"');
    r.required('mainApplicationFile', p.mainApplicationFile, 'the application to run', 'e.g. "local:///opt/app/etl.py" or "s3a://bucket/etl.jar"');
    if (r.required('sparkVersion', p.sparkVersion, 'the Spark version of the image', 'e.g. "4.0.4"') && !Tokens.isToken(p.sparkVersion)) {
      const m = /^(\d+)\.\d+\.\d+$/.exec(p.sparkVersion);
      if (!m || Number(m[1]) < 3) r.fail('sparkVersion', p.sparkVersion, 'a Spark release of 3.0.0 or later, such as "4.0.4"', 'pod templates need Spark 3.0.0 (the operator refuses them below)');
    }
    if (p.mainClass !== undefined && (p.type === 'Python' || p.type === 'R')) r.fail('mainClass', p.mainClass, `unset for a ${p.type} application`, 'only Java and Scala applications have a main class');
    this.checkExtra('spec', p.spec, SPEC_OWNED);
    this.checkExtra('driver.spec', p.driver?.spec as { readonly [field: string]: unknown } | undefined, roleOwned('driver'));
    this.checkExtra('executor.spec', p.executor?.spec as { readonly [field: string]: unknown } | undefined, roleOwned('executor'));
    for (const [key, value] of Object.entries(p.sparkConf ?? {})) {
      const owned = OWNED_CONF.find((o) => o.key.test(key));
      if (owned) r.fail(`sparkConf.${key}`, value, 'unset', owned.where);
    }
    for (const [role, o] of [['driver', p.driver], ['executor', p.executor]] as const) {
      r.check(`${role}.cores`, o?.cores, { minimum: 1, maximum: 1024, multipleOf: 1 }, 'a whole number of cores', 'a whole number between 1 and 1024');
      for (const k of ['coreRequest', 'coreLimit'] as const) {
        r.check(`${role}.${k}`, o?.[k], { pattern: '^([0-9]+(\\.[0-9]+)?|[0-9]+m)$' }, 'e.g. "500m" or "2"', 'a CPU quantity');
      }
      for (const k of ['memory', 'memoryOverhead'] as const) {
        r.check(`${role}.${k}`, o?.[k], { pattern: '^[0-9]+([kKmMgGtT][bB]?)?$' }, 'e.g. "4g" or "512m" (without a unit: MiB)', 'a JVM memory size');
      }
    }
    r.check('executor.instances', p.executor?.instances, { minimum: 1, maximum: 10000, multipleOf: 1 }, 'run whole executors', 'a whole number between 1 and 10000');
    const da = p.dynamicAllocation;
    if (da) {
      if (p.executor?.instances !== undefined) r.fail('executor.instances', p.executor.instances, 'unset with dynamicAllocation', 'give dynamicAllocation.initialExecutors instead');
      r.check('dynamicAllocation.maxExecutors', da.maxExecutors, { minimum: 1, maximum: 10000, multipleOf: 1 }, 'run whole executors', 'a whole number between 1 and 10000');
      for (const k of ['minExecutors', 'initialExecutors'] as const) r.check(`dynamicAllocation.${k}`, da[k], { minimum: 0, maximum: 10000, multipleOf: 1 }, 'run whole executors', 'a whole number between 0 and 10000');
      const [lo, init, hi] = [da.minExecutors ?? 0, da.initialExecutors ?? da.minExecutors ?? 0, da.maxExecutors];
      if ([lo, init, hi].every((v) => !Tokens.isToken(v)) && !(lo <= init && init <= hi)) {
        r.failWith(`dynamicAllocation: minExecutors (${lo}) ≤ initialExecutors (${init}) ≤ maxExecutors (${hi}) must hold; raise maxExecutors`);
      }
    }
    const rp = p.restartPolicy;
    if (rp) {
      r.oneOf('restartPolicy.type', rp.type, ['Never', 'OnFailure'], 'Always would run a finished application again');
      if (rp.type === 'OnFailure') {
        r.check('restartPolicy.retries', rp.retries, { minimum: 1, maximum: 100, multipleOf: 1 }, 'retry a few times at most; with none use type Never', 'a whole number between 1 and 100');
        r.check('restartPolicy.submissionRetries', rp.submissionRetries, { minimum: 0, maximum: 100, multipleOf: 1 }, 'retry a few times at most', 'a whole number between 0 and 100');
        for (const k of ['retryInterval', 'submissionRetryInterval'] as const) r.check(`restartPolicy.${k}`, rp[k]?.toSeconds(), { minimum: 1 }, 'wait at least a second', 'at least 1 (seconds)');
      }
    }
  }

  /** The Spark container of a role's template, if it has one. */
  private sparkContainer(role: Role): plus.Container | undefined {
    return this.templateOf(role).containers.find((c) => c.name === SPARK_CONTAINER[role]);
  }

  private templateOf(role: Role): PodTemplate {
    return role === 'driver' ? this.driver : this.executor;
  }

  private validatePods(): string[] {
    const errors: string[] = [];
    for (const role of ['driver', 'executor'] as const) {
      const t = this.templateOf(role);
      const name = SPARK_CONTAINER[role];
      const c = this.sparkContainer(role);
      if (!c) {
        errors.push(
          `${role} has no container named "${name}" (${t.containers.map((x) => x.name).join(', ') || 'none'}): the operator has Spark build the ${role} on the container of that name (spark.kubernetes.${role}.podTemplateContainerName); name the Spark container "${name}"`,
        );
        continue;
      }
      const cmd = [...(c.command ?? []), ...(c.args ?? [])];
      if (cmd.length > 0) {
        errors.push(`container ${name} of ${role} sets command or args (${JSON.stringify(cmd)}): Spark runs the image's entrypoint with its own arguments ("${role}" …) and replaces them; give the program as mainApplicationFile and arguments`);
      }
      const cpuMemory = sparkSetResources(c.resources);
      if (cpuMemory) {
        errors.push(`container ${name} of ${role} sets ${cpuMemory}: Spark sets the CPU and memory of its container; set ${role}.cores, coreRequest, coreLimit, memory and memoryOverhead instead (and give the container resources: {} or only other resources)`);
      }
      if ((c.securityContext.user ?? t.securityContext.user) === undefined) {
        errors.push(
          `container ${name} of ${role} runs as the image's user: the Spark images' user is the name "spark" (uid ${SPARK_UID}), which the kubelet cannot verify against runAsNonRoot, so the container never starts; set securityContext user ${SPARK_UID} and group ${SPARK_UID} on the pod or the container`,
        );
      }
      if (t.restartPolicy !== undefined && t.restartPolicy !== plus.RestartPolicy.NEVER) {
        errors.push(`${role}'s restartPolicy (${t.restartPolicy}) must be Never: Spark sets Never on its pods; retry the whole application with restartPolicy: { type: 'OnFailure', retries }`);
      }
      errors.push(...this.localDirProblems(role));
    }
    if (!this.driver.automountServiceAccountToken) {
      errors.push("driver's automountServiceAccountToken must not be false: the driver creates and watches its executors through the Kubernetes API with its service account's token");
    }
    if (!this.driver.serviceAccount) {
      errors.push(
        "driver has no serviceAccount: the driver creates its executors' pods, a service and config maps with it, and the namespace's default account may not; give the driver pod the account the Spark operator's chart makes in each job namespace (spark-operator-spark) or one with the same Role",
      );
    }
    const [dp, ep] = [this.sparkContainer('driver')?.imagePullPolicy, this.sparkContainer('executor')?.imagePullPolicy];
    if (dp && ep && dp !== ep) {
      errors.push(`the Spark containers pull their images differently (driver ${dp}, executor ${ep}): Spark has one pull policy for both (spark.kubernetes.container.image.pullPolicy); make them the same`);
    }
    return errors;
  }

  /** The local-dir names of a role's instance stores that cannot be volume names. */
  private localDirProblems(role: Role): string[] {
    const t = this.templateOf(role);
    const mounted = [...t.containers, ...t.initContainers].flatMap((c) => c.mounts.map((m) => m.volume));
    const taken = new Set([...t.volumes, ...mounted].map((v) => v.name));
    return [...this.localDirs(role)].flatMap(([from, to]) => {
      if (to.length > 63) return [`${role}: the Spark local dir of instance store volume "${from}" would be named "${to}", longer than a volume name may be (63); give the InstanceStore a shorter volumeName`];
      if (from !== to && taken.has(to)) return [`${role}: instance store volume "${from}" becomes Spark local dir "${to}", the name of another volume of the pod; rename one of them`];
      return [];
    });
  }

  /**
   * The volumes of a role that become Spark local dirs, old name → new name: every `InstanceStore`
   * (emptyDir scratch) the Spark container mounts writable.
   */
  private localDirs(role: Role): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of this.sparkContainer(role)?.mounts ?? []) {
      if (m.readOnly || !(m.volume.node.scope instanceof InstanceStore)) continue;
      const name = m.volume.name;
      out.set(name, name.startsWith(SPARK_LOCAL_DIR_PREFIX) ? name : `${SPARK_LOCAL_DIR_PREFIX}${name}`);
    }
    return out;
  }

  /** A role's template as the SparkApplication holds it: the pod, with what Spark sets taken out of its container. */
  private renderTemplate(role: Role): PodTemplateJson {
    const json = this.templateOf(role).toTemplate();
    const spec = { ...json.spec };
    const rename = this.localDirs(role);
    const renamed = (n: string) => rename.get(n) ?? n;
    spec.containers = (spec.containers ?? []).map((c: any) => {
      if (c.name !== SPARK_CONTAINER[role]) return c;
      // Spark sets these over the template: image and pull policy from the typed fields, CPU and memory from cores and memory.
      const { image: _image, imagePullPolicy: _pull, ...rest } = c;
      const resources = withoutCpuMemory(c.resources);
      return compact({ ...rest, resources });
    });
    if (rename.size > 0) {
      spec.volumes = (spec.volumes ?? []).map((v: any) => ({ ...v, name: renamed(v.name) }));
      for (const kind of ['containers', 'initContainers'] as const) {
        if (spec[kind]) spec[kind] = spec[kind].map((c: any) => (c.volumeMounts ? { ...c, volumeMounts: c.volumeMounts.map((m: any) => ({ ...m, name: renamed(m.name) })) } : c));
      }
    }
    return { metadata: json.metadata, spec };
  }

  /** The typed fields of a role: what Spark sets on the pod over its template. */
  private renderRole(role: Role): Record<string, unknown> {
    const o = role === 'driver' ? this.props.driver : this.props.executor;
    const c = this.sparkContainer(role);
    const t = this.templateOf(role);
    const extra = role === 'driver' ? toJson_SparkApplicationSpecDriver(this.props.driver?.spec) : toJson_SparkApplicationSpecExecutor(this.props.executor?.spec);
    return compact({
      ...extra,
      cores: o?.cores ?? 1,
      coreRequest: o?.coreRequest,
      coreLimit: o?.coreLimit,
      memory: o?.memory ?? '1g',
      memoryOverhead: o?.memoryOverhead,
      image: c && c.image !== this.props.image ? c.image : undefined,
      serviceAccount: t.serviceAccount?.name,
      instances: role === 'executor' && !this.props.dynamicAllocation ? (this.props.executor?.instances ?? 1) : undefined,
      template: this.renderTemplate(role),
    });
  }

  protected renderSpec(): Record<string, unknown> {
    const p = this.props;
    const da = p.dynamicAllocation;
    const rp = p.restartPolicy ?? { type: 'Never' };
    return compact({
      ...toJson_SparkApplicationSpec(p.spec as SparkApplicationSpec),
      type: p.type,
      mode: p.mode ?? 'cluster',
      sparkVersion: p.sparkVersion,
      image: p.image,
      imagePullPolicy: this.sparkContainer('driver')?.imagePullPolicy,
      mainApplicationFile: p.mainApplicationFile,
      mainClass: p.mainClass,
      arguments: p.arguments ? [...p.arguments] : undefined,
      sparkConf: p.sparkConf ? { ...p.sparkConf } : undefined,
      hadoopConf: p.hadoopConf ? { ...p.hadoopConf } : undefined,
      restartPolicy:
        rp.type === 'OnFailure'
          ? compact({
              type: 'OnFailure',
              onFailureRetries: rp.retries,
              onFailureRetryInterval: rp.retryInterval?.toSeconds(),
              onSubmissionFailureRetries: rp.submissionRetries ?? rp.retries,
              onSubmissionFailureRetryInterval: rp.submissionRetryInterval?.toSeconds(),
            })
          : { type: 'Never' },
      dynamicAllocation: da
        ? compact({
            enabled: true,
            initialExecutors: da.initialExecutors,
            minExecutors: da.minExecutors,
            maxExecutors: da.maxExecutors,
            shuffleTrackingEnabled: true,
            shuffleTrackingTimeout: da.shuffleTrackingTimeout?.toMilliseconds(),
          })
        : undefined,
      driver: this.renderRole('driver'),
      executor: this.renderRole('executor'),
    });
  }
}

/** What cdk8s-plus gives a container whose resources are not set: not the user's, so not refused. */
function isPlusDefault(r: plus.ContainerResources): boolean {
  return r.cpu?.request?.amount === '1000m' && r.cpu?.limit?.amount === '1500m' && r.memory?.request?.toMebibytes() === 512 && r.memory?.limit?.toMebibytes() === 2048;
}

/** The CPU and memory a Spark container sets (which Spark replaces), as words; undefined when none (or cdk8s-plus's defaults). */
function sparkSetResources(r: plus.ContainerResources | undefined): string | undefined {
  if (!r || isPlusDefault(r)) return undefined;
  const set = [r.cpu?.request && 'a CPU request', r.cpu?.limit && 'a CPU limit', r.memory?.request && 'a memory request', r.memory?.limit && 'a memory limit'].filter(Boolean);
  return set.length > 0 ? set.join(', ') : undefined;
}

/** Resources without CPU and memory (Spark's), or undefined when nothing else is left. */
function withoutCpuMemory(resources: any): any {
  if (!resources) return undefined;
  const strip = (m: any) => {
    if (!m) return undefined;
    const { cpu: _cpu, memory: _memory, ...rest } = m;
    return Object.keys(rest).length > 0 ? rest : undefined;
  };
  const out = compact({ requests: strip(resources.requests), limits: strip(resources.limits) });
  return Object.keys(out).length > 0 ? out : undefined;
}
