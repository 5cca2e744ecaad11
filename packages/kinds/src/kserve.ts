import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Claim, IStorageTier, Rules, StorageTier } from '@strata/storage';
import { problem, Tokens } from '@strata/tokens';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { PodSurface, restrictPodSpec } from './surface';
import { compact, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/**
 * The container KServe serves from, merges a ServingRuntime's container into, and mounts the
 * model into: kserve/kserve@v0.20.0 pkg/constants/constants.go `InferenceServiceContainerName`.
 */
export const KSERVE_CONTAINER = 'kserve-container';
/** A predictor's collocated transformer container (kserve/kserve@v0.20.0 pkg/constants/constants.go `TransformerContainerName`). */
export const KSERVE_TRANSFORMER_CONTAINER = 'transformer-container';
/** Where KServe mounts the model (kserve/kserve@v0.20.0 pkg/constants/constants.go `DefaultModelLocalMountPath`). */
export const KSERVE_MODEL_DIR = '/mnt/models';
/**
 * The deployment mode of an InferenceService (kserve/kserve@v0.20.0 pkg/constants/constants.go
 * `DeploymentMode`). Immutable once the controller has recorded it in the status
 * (pkg/apis/serving/v1beta1/inference_service_validation.go `validateDeploymentMode`).
 */
export const KSERVE_DEPLOYMENT_MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
/**
 * Whether KServe mounts the model read-only: anything but "false" is read-only
 * (kserve/kserve@v0.20.0 pkg/webhook/admission/pod/storage_initializer_injector.go `GetStorageInitializerReadOnlyFlag`).
 */
export const KSERVE_STORAGE_READONLY_ANNOTATION = 'storage.kserve.io/readonly';
/** The env variable a custom predictor's kserve-container gives its model URI in (pkg/constants/constants.go `CustomSpecStorageUriEnvVarKey`). */
export const KSERVE_STORAGE_URI_ENV = 'STORAGE_URI';

/**
 * How KServe deploys an InferenceService's components. v0.20.0 names them `Standard` (was
 * `RawDeployment`) and `Knative` (was `Serverless`); its webhook rewrites the old names to the new
 * ones (pkg/apis/serving/v1beta1/inference_service_defaults.go `DefaultInferenceService`), so only
 * the new names are written: an old one would differ from the stored object at every drift check.
 */
export enum KServeDeploymentMode {
  /**
   * A Deployment, a Service and an HPA per component: no Knative, no Istio, every pod field and
   * volume allowed; no scale to zero.
   * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/autoscaling/hpa-autoscaler
   */
  STANDARD = 'Standard',
  /** A Knative Service per component (Knative Serving must be installed; PVCs need its PVC feature flags). */
  KNATIVE = 'Knative',
}

/** A strata storage tier with a claim (Efs, FsxLustre, S3Mountpoint): a model cache an operator mounts by claim name. */
export interface ModelClaim extends IStorageTier {
  readonly claim: Claim;
}

/**
 * URI schemes KServe v0.20.0 accepts (pkg/controller/v1beta1/inferenceservice/utils/utils.go
 * `SupportedStorageURIPrefixList`). `oci://` models run as a "modelcar" sidecar, which strata does
 * not model: refused.
 */
const DOWNLOADED_SCHEMES = ['s3://', 'gs://', 'hf://', 'https://', 'http://', 'hdfs://', 'webhdfs://', 'file://'];

/** Where a predictor's model comes from. */
export class ModelSource {
  /**
   * The model in a directory of a strata claim (`pvc://<claim>/<path>`): KServe mounts the claim
   * into the kserve-container at /mnt/models with `subPath: <path>`, read-only unless
   * `storage.kserve.io/readonly: "false"`, and injects no storage-initializer
   * (kserve/kserve@v0.20.0 pkg/webhook/admission/pod/storage_initializer_injector.go
   * `CommonStorageInitialization`). The claim is the model cache that a Job, a NIMCache or a
   * person fills; every replica reads it without downloading.
   */
  public static fromClaim(storage: ModelClaim, path?: string): ModelSource {
    return new ModelSource(`pvc://${storage.claim.name}${path ? `/${path}` : ''}`, storage, path);
  }

  /**
   * A model KServe downloads at every pod start (`s3://`, `hf://`, `gs://`, `https://`…) with the
   * storage-initializer init container of a ClusterStorageContainer. Also `pvc://<claim>/<path>`
   * for a claim made outside the chart (declare it to the reference lint).
   */
  public static fromUri(uri: string): ModelSource {
    return new ModelSource(uri);
  }

  private constructor(
    /** The `storageUri`. */
    public readonly uri: string,
    /** The claim, for `fromClaim`. */
    public readonly storage?: ModelClaim,
    /** The directory in the claim, for `fromClaim`. */
    public readonly path?: string,
  ) {}

  /** Whether KServe mounts a claim (no download, no storage-initializer). */
  public get isClaim(): boolean {
    return this.uri.startsWith('pvc://');
  }
}

/** A ServingRuntime or ClusterServingRuntime an InferenceService names. */
export interface IServingRuntime {
  /** The runtime's name (`spec.predictor.model.runtime`). */
  readonly name: string;
  /** True for a ClusterServingRuntime. */
  readonly clusterScoped: boolean;
  /** The model formats it serves, when known (a runtime of the chart); undefined for one referred to by name. */
  readonly modelFormats?: readonly SupportedModelFormat[];
}

/** A ClusterServingRuntime installed outside the chart (cluster-scoped, by the platform team or KServe's chart). */
export class ClusterServingRuntime {
  /**
   * Refers to a ClusterServingRuntime by name. KServe looks for a ServingRuntime of that name in the
   * InferenceService's namespace first, then for a ClusterServingRuntime
   * (kserve/kserve@v0.20.0 pkg/controller/v1beta1/inferenceservice/utils/utils.go `GetServingRuntime`).
   */
  public static fromName(name: string): IServingRuntime {
    return { name, clusterScoped: true };
  }

  private constructor() {}
}

/** A model format a runtime serves (`supportedModelFormats[]`). */
export interface SupportedModelFormat {
  /** e.g. "huggingface", "sklearn", "vllm". */
  readonly name: string;
  /** @default - any version */
  readonly version?: string;
  /**
   * Whether KServe may pick this runtime for an InferenceService that names none. strata's
   * InferenceService always names its runtime.
   * @default - not written (false)
   */
  readonly autoSelect?: boolean;
  /** Among auto-selectable runtimes, the higher wins. @default - not written */
  readonly priority?: number;
}

/** Serving protocols (kserve/kserve@v0.20.0 pkg/constants/constants.go `InferenceServiceProtocol`). */
export type KServeProtocol = 'v1' | 'v2' | 'grpc-v1' | 'grpc-v2';

/** The 42 fields of a core/v1 PodSpec (Kubernetes 1.35 as the CRDs of these releases carry it). */
const POD_SPEC_FIELDS = [
  'activeDeadlineSeconds', 'affinity', 'automountServiceAccountToken', 'containers', 'dnsConfig', 'dnsPolicy', 'enableServiceLinks', 'ephemeralContainers',
  'hostAliases', 'hostIPC', 'hostNetwork', 'hostPID', 'hostUsers', 'hostname', 'hostnameOverride', 'imagePullSecrets', 'initContainers', 'nodeName',
  'nodeSelector', 'os', 'overhead', 'preemptionPolicy', 'priority', 'priorityClassName', 'readinessGates', 'resourceClaims', 'resources', 'restartPolicy',
  'runtimeClassName', 'schedulerName', 'schedulingGates', 'schedulingGroup', 'securityContext', 'serviceAccount', 'serviceAccountName', 'setHostnameAsFQDN',
  'shareProcessNamespace', 'subdomain', 'terminationGracePeriodSeconds', 'tolerations', 'topologySpreadConstraints', 'volumes',
] as const;

/** Every field of a core/v1 Container. */
export const CONTAINER_FIELDS = [
  'args', 'command', 'env', 'envFrom', 'image', 'imagePullPolicy', 'lifecycle', 'livenessProbe', 'name', 'ports', 'readinessProbe', 'resizePolicy', 'resources',
  'restartPolicy', 'restartPolicyRules', 'securityContext', 'startupProbe', 'stdin', 'stdinOnce', 'terminationMessagePath', 'terminationMessagePolicy', 'tty',
  'volumeDevices', 'volumeMounts', 'workingDir',
] as const;

/**
 * The pod fields an InferenceService component takes inlined (no `template`): 40 of the 42, all but
 * `ephemeralContainers` and `schedulingGroup` (kserve/kserve@v0.20.0
 * config/crd/full/serving.kserve.io_inferenceservices.yaml, `spec.predictor`, `spec.transformer`,
 * `spec.explainer`). Containers are full.
 */
export const INFERENCE_SERVICE_POD_FIELDS: readonly string[] = POD_SPEC_FIELDS.filter((f) => f !== 'ephemeralContainers' && f !== 'schedulingGroup');

/**
 * A ServingRuntime's restricted pod surface, its `spec` itself (kserve/kserve@v0.20.0
 * pkg/apis/serving/v1alpha1/servingruntime_types.go `ServingRuntimePodSpec`).
 */
export const SERVING_RUNTIME_POD_FIELDS: readonly string[] = ['containers', 'volumes', 'affinity', 'nodeSelector', 'tolerations', 'imagePullSecrets', 'schedulerName', 'hostIPC'];

const INFERENCE_SURFACE: PodSurface = {
  name: "an InferenceService component's inlined pod spec",
  podFields: INFERENCE_SERVICE_POD_FIELDS,
  containerFields: CONTAINER_FIELDS,
  elsewhere: 'in a pod of its own (ephemeral containers are added to running pods with kubectl debug, not declared)',
};

const RUNTIME_SURFACE: PodSurface = {
  name: "a ServingRuntime's spec",
  podFields: SERVING_RUNTIME_POD_FIELDS,
  containerFields: CONTAINER_FIELDS,
  elsewhere: "on the InferenceService's predictor pod (InferenceService `predictor`), which KServe merges with the runtime's",
};

/** What cdk8s-plus writes as a pod's security context when none is asked for (not the user's setting). */
const PLUS_POD_SECURITY_DEFAULT = JSON.stringify({ fsGroupChangePolicy: 'Always', runAsNonRoot: true });

/** A pod spec without cdk8s-plus's default pod security context (a surface without `securityContext` would refuse it). */
function withoutPlusSecurityDefault(spec: { readonly [field: string]: any }): { [field: string]: any } {
  const out = { ...spec };
  if (out.securityContext && JSON.stringify(sortKeys(out.securityContext)) === PLUS_POD_SECURITY_DEFAULT) delete out.securityContext;
  return out;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One component of an InferenceService: its pods and how many. */
export interface InferenceComponentOptions {
  /** The pods: containers, volumes, security context, service account. @default - add containers to the component's template */
  readonly pod?: PodTemplateProps;
  /**
   * The fewest replicas (`minReplicas`). In Standard mode at least 1: KServe's HPA never goes below
   * 1 (kserve/kserve@v0.20.0 pkg/controller/v1beta1/inferenceservice/reconcilers/hpa/hpa_reconciler.go `createHPA`).
   * @default 1
   */
  readonly minReplicas?: number;
  /** The most replicas the autoscaler may run (`maxReplicas`). @default - minReplicas (a fixed count) */
  readonly maxReplicas?: number;
  /** What the HPA scales on (`scaleMetric`, Standard mode: cpu or memory). @default - KServe's: cpu */
  readonly scaleMetric?: 'cpu' | 'memory';
  /** The target of the metric (`scaleTarget`: utilization percent for cpu, 1–100). @default - KServe's: 80 % cpu */
  readonly scaleTarget?: number;
}

/** Container settings of a predictor's model container (merged by KServe over the runtime's kserve-container). */
export type ModelContainerProps = Omit<plus.ContainerProps, 'name' | 'image'> & {
  /** @default - the runtime's image */
  readonly image?: string;
};

/** A predictor that serves a model with a ServingRuntime (`spec.predictor.model`). */
export interface ModelOptions {
  /** The model format (`modelFormat`), e.g. "huggingface", or `{ name, version }`. */
  readonly format: string | { readonly name: string; readonly version?: string };
  /**
   * The runtime that serves it (`runtime`): a ServingRuntime of the chart, or
   * `ClusterServingRuntime.fromName(…)`. Always named: without one KServe picks the first runtime
   * that auto-selects the format, which changes as runtimes are installed.
   */
  readonly runtime: IServingRuntime;
  /** The serving protocol (`protocolVersion`). @default - the runtime's first */
  readonly protocolVersion?: KServeProtocol;
  /**
   * The model container's own settings (resources, security context, env, args), merged by KServe
   * over the runtime's kserve-container; what is left out is the runtime's (cdk8s-plus's defaults
   * are not written). The checks see only what the InferenceService states, so state resources and
   * a Pod Security "restricted" securityContext here. Its `image` replaces the runtime's.
   * @default - the runtime's container as it is
   */
  readonly container?: ModelContainerProps;
}

/** The predictor: what serves (`spec.predictor`). */
export interface PredictorOptions extends InferenceComponentOptions {
  /**
   * Serve a model with a runtime (`model`). Without it, the predictor is custom: its pod's
   * container named "kserve-container" serves (add it to `predictor`).
   * @default - a custom predictor
   */
  readonly model?: ModelOptions;
  /**
   * Where the model comes from (`model.storageUri`; for a custom predictor the kserve-container's
   * STORAGE_URI variable). A claim (`ModelSource.fromClaim`) is mounted at /mnt/models; any other
   * URI is downloaded by KServe's storage-initializer, which must then be named
   * (`storageContainerName`).
   * @default - no model files (the server fetches its own)
   */
  readonly source?: ModelSource;
  /**
   * The ClusterStorageContainer whose container KServe injects as the storage-initializer
   * (`storageContainerName`), for a source that is not a claim. It must set a Pod Security
   * "restricted" securityContext (allowPrivilegeEscalation: false, capabilities.drop [ALL],
   * runAsNonRoot: true, seccompProfile RuntimeDefault): KServe's own `default` sets none
   * (kserve/kserve@v0.20.0 config/storagecontainers/default.yaml), and the injected container
   * carries nothing else (pkg/utils/storage.go `CreateInitContainerWithConfig`).
   * @default - none; required for a source that is not a claim
   */
  readonly storageContainerName?: string;
}

export interface InferenceServiceProps extends WorkloadKindProps {
  /**
   * How KServe deploys it. Standard on EKS: a Deployment and HPA need neither Knative nor Istio,
   * take every pod field, and mount claims without Knative's PVC feature flags. KServe's own
   * install default is Knative (`deploy.defaultDeploymentMode`, kserve/kserve@v0.20.0
   * config/configmap/inferenceservice.yaml, "Serverless"; charts/kserve-resources/values.yaml
   * `deploymentMode: Knative`), so strata always writes the mode. Immutable once created.
   * @default KServeDeploymentMode.STANDARD
   */
  readonly deploymentMode?: KServeDeploymentMode;
  readonly predictor: PredictorOptions;
  /** A transformer in front of the predictor (`spec.transformer`): its first container must be "kserve-container". @default - none */
  readonly transformer?: InferenceComponentOptions;
}

/**
 * A KServe InferenceService (serving.kserve.io/v1beta1): a predictor, and optionally a transformer,
 * each a pod template whose pod spec KServe takes inlined (`spec.predictor` holds the pod fields
 * next to its own: replicas, scaling, `model`). Template metadata goes to the component's
 * `labels` and `annotations`, which KServe puts on its pods.
 *
 * A model cache on EKS: an Efs, FsxLustre or S3Mountpoint claim holding the model, read by every
 * replica without a download and without KServe's storage-initializer:
 *
 * ```ts
 * const cache = Efs.fromStorageClass(this, 'models', { storageClass: { name: 'strata-efs' } });
 * const isvc = new InferenceService(this, 'llm', {
 *   predictor: {
 *     model: { format: 'huggingface', runtime: vllm, container: { resources, securityContext } },
 *     source: ModelSource.fromClaim(cache, 'llama-3.1-8b'),
 *     minReplicas: 2,
 *     pod: { securityContext: { ensureNonRoot: true } },
 *   },
 * });
 * ```
 *
 * Long-running: named per release and kept under drift detection (not content-named).
 */
export class InferenceService extends WorkloadKind {
  public readonly deploymentMode: KServeDeploymentMode;
  /** The predictor's pod template. */
  public readonly predictor: PodTemplate;
  /** The model container (kserve-container) of a model predictor; undefined for a custom predictor. */
  public readonly modelContainer?: plus.Container;
  /** The transformer's pod template, when there is one. */
  public readonly transformer?: PodTemplate;
  private readonly props: InferenceServiceProps;

  public constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    const mode = props.deploymentMode ?? KServeDeploymentMode.STANDARD;
    super(
      scope,
      id,
      { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', operator: 'kserve' },
      { given: props.metadata, written: { annotations: { [KSERVE_DEPLOYMENT_MODE_ANNOTATION]: { value: mode, use: 'use deploymentMode' } } } },
    );
    this.props = props;
    this.deploymentMode = mode;
    this.rules.oneOf('deploymentMode', mode, Object.values(KServeDeploymentMode), 'Standard (a Deployment and an HPA) or Knative');
    if (mode === KServeDeploymentMode.KNATIVE) {
      this.rules.warn(
        'deploymentMode Knative needs Knative Serving installed (strata installs none), and a claim source needs its kubernetes.podspec-persistent-volume-claim feature flag (https://knative.dev/docs/serving/services/storage/); Standard needs neither',
      );
    }
    this.predictor = this.template('predictor', props.predictor.pod ?? {}, props.predictor.pod?.restartPolicy ?? plus.RestartPolicy.ALWAYS);
    const model = props.predictor.model;
    if (model) {
      const { image, ...container } = model.container ?? {};
      this.modelContainer = this.predictor.addContainer({ ...container, name: KSERVE_CONTAINER, image: image as string });
    }
    if (props.transformer) this.transformer = this.template('transformer', props.transformer.pod ?? {}, props.transformer.pod?.restartPolicy ?? plus.RestartPolicy.ALWAYS);
    this.checkComponent('predictor', props.predictor);
    if (props.transformer) this.checkComponent('transformer', props.transformer);
    this.checkModel(props.predictor);
    this.node.addValidation({ validate: () => this.validateTemplates() });
  }

  public get podSets(): readonly PodSet[] {
    // The main container of each component is the one KServe serves from (and mounts the model into).
    const sets: PodSet[] = [{ name: 'predictor', pod: this.predictor, count: this.props.predictor.minReplicas ?? 1, container: KSERVE_CONTAINER }];
    if (this.transformer) sets.push({ name: 'transformer', pod: this.transformer, count: this.props.transformer?.minReplicas ?? 1, container: KSERVE_CONTAINER });
    return sets;
  }

  private checkComponent(name: string, o: InferenceComponentOptions): void {
    const r = this.rules;
    const standard = this.deploymentMode === KServeDeploymentMode.STANDARD;
    const min = o.minReplicas ?? 1;
    r.check(`${name}.minReplicas`, min, { minimum: standard ? 1 : 0, maximum: 10000, multipleOf: 1 }, standard ? "Standard mode never scales to zero (KServe's HPA keeps at least 1)" : 'a whole number of replicas', `a whole number between ${standard ? 1 : 0} and 10000`);
    if (o.maxReplicas !== undefined) {
      r.check(`${name}.maxReplicas`, o.maxReplicas, { minimum: 1, maximum: 10000, multipleOf: 1 }, 'a whole number of replicas', 'a whole number between 1 and 10000');
      if (!Tokens.isToken(o.maxReplicas) && !Tokens.isToken(min) && o.maxReplicas < min) r.fail(`${name}.maxReplicas`, o.maxReplicas, `at least minReplicas (${min})`, 'raise maxReplicas or lower minReplicas');
    }
    r.oneOf(`${name}.scaleMetric`, o.scaleMetric, standard ? ['cpu', 'memory'] : ['cpu', 'memory', 'concurrency', 'rps'], 'the HPA of Standard mode scales on cpu or memory');
    if (o.scaleTarget !== undefined) {
      const cpu = (o.scaleMetric ?? 'cpu') === 'cpu';
      r.check(`${name}.scaleTarget`, o.scaleTarget, cpu ? { minimum: 1, maximum: 100, multipleOf: 1 } : { minimum: 1, multipleOf: 1 }, cpu ? 'a CPU utilization percent' : 'a memory utilization percent', cpu ? 'a whole number between 1 and 100' : 'a whole number of at least 1');
    }
  }

  private checkModel(p: PredictorOptions): void {
    const r = this.rules;
    const model = p.model;
    if (model) {
      const format = typeof model.format === 'string' ? model.format : model.format?.name;
      r.required('predictor.model.format', format, 'the model format, e.g. "huggingface"', 'name the format the runtime serves');
      if (!model.runtime) r.fail('predictor.model.runtime', undefined, 'a ServingRuntime or ClusterServingRuntime.fromName(…)', 'name the runtime: without one KServe picks the first runtime that auto-selects the format');
      else if (model.runtime.modelFormats && format && !Tokens.isToken(format) && !model.runtime.modelFormats.some((f) => f.name === format)) {
        const which = model.runtime instanceof ServingRuntime ? `ServingRuntime ${model.runtime.node.path}` : `runtime ${model.runtime.name}`;
        r.fail('predictor.model.format', format, `a format ${which} serves (${model.runtime.modelFormats.map((f) => f.name).join(', ')})`, 'KServe refuses a runtime that does not support the format ("Specified runtime does not support specified framework/version"); add it to the runtime\'s supportedModelFormats');
      }
      r.oneOf('predictor.model.protocolVersion', model.protocolVersion, ['v1', 'v2', 'grpc-v1', 'grpc-v2']);
    }
    const source = p.source;
    if (!source) {
      if (p.storageContainerName !== undefined) r.fail('predictor.storageContainerName', p.storageContainerName, 'unset without a source', 'it names the downloader of a source: give source or drop it');
      return;
    }
    if (source.storage) {
      checkClaimPath(r, 'source.path', source.path);
      if (source.storage.tier === StorageTier.S3 && source.path !== undefined) {
        r.warn(problem('source.path', source.path, 'unset for an S3 claim (a claim of the prefix itself)',
          'KServe mounts the path as a subPath; an S3 "directory" vanishes when its last object is deleted and the mount breaks (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/TROUBLESHOOTING.md#L43-L92); mount the prefix with its own S3Mountpoint'));
      }
      if (p.storageContainerName !== undefined) r.fail('predictor.storageContainerName', p.storageContainerName, 'unset for a claim source', 'KServe mounts a claim and injects no storage-initializer; drop it');
      return;
    }
    const uri = source.uri;
    if (Tokens.isToken(uri)) return;
    if (source.isClaim) {
      if (!/^pvc:\/\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?(\/.*)?$/.test(uri)) r.fail('source', uri, 'pvc://<claim>[/<path>] with a claim name', 'e.g. "pvc://models/llama-3.1-8b"');
      return;
    }
    if (uri.startsWith('oci://') || uri.startsWith('oci+')) {
      r.fail('source', uri, 'a claim or a URI the storage-initializer downloads', 'KServe runs an oci:// model as a "modelcar" sidecar, which strata does not model; copy the model to a claim (ModelSource.fromClaim) instead');
      return;
    }
    if (!DOWNLOADED_SCHEMES.some((s) => uri.startsWith(s))) {
      r.fail('source', uri, `a URI KServe supports (${['pvc://', ...DOWNLOADED_SCHEMES].join(', ')})`, 'e.g. "s3://models/llama-3.1-8b" or ModelSource.fromClaim(cache, "llama-3.1-8b")');
      return;
    }
    if (p.storageContainerName === undefined) {
      r.fail(
        'predictor.storageContainerName',
        undefined,
        `the name of a ClusterStorageContainer with a Pod Security "restricted" securityContext for source ${JSON.stringify(uri)}`,
        "KServe v0.20.0 downloads it with a storage-initializer init container from the ClusterStorageContainer 'default', which sets no securityContext (config/storagecontainers/default.yaml), so a namespace enforcing restricted refuses the pods; " +
          'install a ClusterStorageContainer whose container sets allowPrivilegeEscalation: false, capabilities.drop [ALL], runAsNonRoot: true and seccompProfile RuntimeDefault and name it here, or serve from a claim (ModelSource.fromClaim), which needs no init container',
      );
    }
  }

  /** The errors of the templates: the model container, the custom predictor's container, fields KServe does not take. */
  private validateTemplates(): string[] {
    const errors: string[] = [];
    const model = this.props.predictor.model;
    const names = this.predictor.containers.map((c) => c.name);
    if (model) {
      if (names.filter((n) => n === KSERVE_CONTAINER).length > 1) errors.push(`predictor has a container named "${KSERVE_CONTAINER}" besides the model's; rename it (other containers run next to the model server)`);
    } else if (names[0] !== KSERVE_CONTAINER) {
      errors.push(
        `predictor has no model and its first container is ${names[0] ? `"${names[0]}"` : 'missing'}: a custom predictor serves from a first container named "${KSERVE_CONTAINER}" ` +
          '(KServe renames a lone container to it at every admission, and mounts the model only there); add it with predictor.addContainer({ name: "kserve-container", … }), or give model',
      );
    }
    if (this.transformer && this.transformer.containers[0]?.name !== KSERVE_CONTAINER) {
      errors.push(`transformer's first container must be named "${KSERVE_CONTAINER}" (${this.transformer.containers[0] ? `"${this.transformer.containers[0].name}"` : 'none'}): KServe renames it so at every admission (pkg/apis/serving/v1beta1/transformer_custom.go Default)`);
    }
    for (const [name, t] of this.components()) {
      if (t.restartPolicy !== undefined && t.restartPolicy !== plus.RestartPolicy.ALWAYS) errors.push(`${name}: 'restartPolicy' (${JSON.stringify(t.restartPolicy)}) must be Always: KServe runs the pods in a Deployment (or a Knative revision)`);
      if (t.containers.length > 0) errors.push(...restrictPodSpec(t.toTemplate().spec, INFERENCE_SURFACE, ['restartPolicy']).refused.map((m) => `${name}: ${m}`));
    }
    return errors;
  }

  private components(): [string, PodTemplate][] {
    return [['predictor', this.predictor] as [string, PodTemplate], ...(this.transformer ? [['transformer', this.transformer] as [string, PodTemplate]] : [])];
  }

  protected renderSpec(): Record<string, unknown> {
    const p = this.props.predictor;
    const predictor = this.renderComponent('predictor', this.predictor, p);
    const model = p.model;
    const containers = (predictor.containers ?? []) as Record<string, any>[];
    if (model) {
      const i = containers.findIndex((c) => c.name === KSERVE_CONTAINER);
      const [c] = containers.splice(i, 1);
      // KServe merges the model container over the runtime's: a field left out is the runtime's. cdk8s-plus's
      // defaults (pull policy, resources, security context) are not the user's and would override it.
      if (model.container?.imagePullPolicy === undefined) delete c.imagePullPolicy;
      if (model.container?.resources === undefined) delete c.resources;
      if (model.container?.securityContext === undefined) delete c.securityContext;
      const format = typeof model.format === 'string' ? { name: model.format } : compact({ name: model.format.name, version: model.format.version });
      predictor.model = compact({ ...c, modelFormat: format, runtime: model.runtime.name, protocolVersion: model.protocolVersion, storageUri: p.source?.uri });
      predictor.containers = containers.length > 0 ? containers : undefined;
    } else if (p.source) {
      const c = containers.find((x) => x.name === KSERVE_CONTAINER);
      if (c) c.env = [...(c.env ?? []).filter((e: { name: string }) => e.name !== KSERVE_STORAGE_URI_ENV), { name: KSERVE_STORAGE_URI_ENV, value: p.source.uri }];
    }
    predictor.storageContainerName = p.storageContainerName;
    return compact({
      predictor: compact(predictor),
      transformer: this.transformer ? compact(this.renderComponent('transformer', this.transformer, this.props.transformer!)) : undefined,
    });
  }

  /** A component: its pod spec inlined, template metadata as `labels`/`annotations`, replicas and scaling. */
  private renderComponent(name: string, t: PodTemplate, o: InferenceComponentOptions): Record<string, unknown> {
    const { metadata, spec } = t.toTemplate();
    const { spec: pod, refused } = restrictPodSpec(spec, INFERENCE_SURFACE, ['restartPolicy']);
    if (refused.length > 0) throw new Error(`[${this.node.path}] ${name}: ${refused.join('; ')}`);
    const min = o.minReplicas ?? 1;
    return {
      ...pod,
      labels: metadata.labels,
      annotations: metadata.annotations,
      minReplicas: min,
      maxReplicas: o.maxReplicas ?? min,
      scaleMetric: o.scaleMetric,
      scaleTarget: o.scaleTarget,
    };
  }
}

export interface ServingRuntimeProps extends WorkloadKindProps {
  /** The model formats it serves (`supportedModelFormats`). */
  readonly supportedModelFormats: readonly SupportedModelFormat[];
  /** The protocols it speaks (`protocolVersions`). @default - not written (KServe picks by its own priority) */
  readonly protocolVersions?: readonly KServeProtocol[];
  /** Its pods' settings: containers (the server is "kserve-container"), volumes, scheduling. @default - add containers to `pod` */
  readonly pod?: PodTemplateProps;
}

/**
 * A namespaced KServe ServingRuntime (serving.kserve.io/v1alpha1): the server an InferenceService's
 * model runs in. Its `spec` is a restricted pod surface (containers, volumes, affinity,
 * nodeSelector, tolerations, imagePullSecrets, schedulerName, hostIPC, labels, annotations): a pod
 * field outside it is an error that says to set it on the InferenceService's predictor instead,
 * whose pod KServe merges with the runtime's. Its server container must be "kserve-container".
 *
 * It runs no pods of its own (no pod sets); the checks still hold its containers to Pod Security,
 * as every InferenceService that names it runs them.
 */
export class ServingRuntime extends WorkloadKind implements IServingRuntime {
  public readonly clusterScoped = false;
  /** The runtime's pod settings: add the server container ("kserve-container") here. */
  public readonly pod: PodTemplate;
  public readonly modelFormats: readonly SupportedModelFormat[];
  private readonly props: ServingRuntimeProps;

  public constructor(scope: Construct, id: string, props: ServingRuntimeProps) {
    super(scope, id, { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', operator: 'kserve' }, { given: props.metadata });
    this.props = props;
    this.modelFormats = props.supportedModelFormats ?? [];
    if (this.modelFormats.length === 0) this.rules.fail('supportedModelFormats', props.supportedModelFormats, 'at least one model format', 'e.g. [{ name: "huggingface" }]');
    for (const f of this.modelFormats) if (f.priority !== undefined) this.rules.check(`supportedModelFormats.${f.name}.priority`, f.priority, { minimum: 1, multipleOf: 1 }, 'among auto-selected runtimes the higher wins', 'a whole number of at least 1');
    for (const v of props.protocolVersions ?? []) this.rules.oneOf('protocolVersions', v, ['v1', 'v2', 'grpc-v1', 'grpc-v2']);
    this.pod = this.template('runtime', props.pod ?? {}, plus.RestartPolicy.ALWAYS);
    this.node.addValidation({ validate: () => this.validateTemplate() });
  }

  /** A runtime runs no pods itself; its containers run in the pods of the InferenceServices that name it. */
  public get podSets(): readonly PodSet[] {
    return [];
  }

  private validateTemplate(): string[] {
    const c = this.pod.containers;
    if (c.length === 0) return [`has no container; add the server with pod.addContainer({ name: "${KSERVE_CONTAINER}", … })`];
    const errors: string[] = [];
    if (!c.some((x) => x.name === KSERVE_CONTAINER)) errors.push(`has no container named "${KSERVE_CONTAINER}" (${c.map((x) => x.name).join(', ')}): KServe merges the model into that container only; name the server container "${KSERVE_CONTAINER}"`);
    errors.push(...restrictPodSpec(withoutPlusSecurityDefault(this.pod.toTemplate().spec), RUNTIME_SURFACE, ['restartPolicy']).refused);
    return errors;
  }

  protected renderSpec(): Record<string, unknown> {
    const { metadata, spec } = this.pod.toTemplate();
    const { spec: pod, refused } = restrictPodSpec(withoutPlusSecurityDefault(spec), RUNTIME_SURFACE, ['restartPolicy']);
    if (refused.length > 0) throw new Error(`[${this.node.path}] ${refused.join('; ')}`);
    // The construct address label names a pod of the chart; a runtime's labels go onto other objects' pods.
    const labels = Object.fromEntries(Object.entries(metadata.labels ?? {}).filter(([k]) => k !== plus.Pod.ADDRESS_LABEL));
    return compact({
      supportedModelFormats: this.modelFormats.map((f) => compact({ name: f.name, version: f.version, autoSelect: f.autoSelect, priority: f.priority })),
      protocolVersions: this.props.protocolVersions ? [...this.props.protocolVersions] : undefined,
      ...pod,
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      annotations: metadata.annotations,
    });
  }
}

/** Checks shared with nim.ts: a claim's directory. */
export function checkClaimPath(rules: Rules, field: string, path: string | undefined): void {
  if (path === undefined || Tokens.isToken(path)) return;
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) rules.fail(field, path, 'a relative path without ".."', 'name a directory inside the claim, e.g. "llama-3.1-8b"');
}
