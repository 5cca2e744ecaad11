import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodSecurityLevel, Rules } from '@strata/storage';
import { NIM_CACHE_CLAIM_ANNOTATION, NIM_CACHE_SUB_PATH_ANNOTATION, requirePodSecurity, RequiredPodSecurity } from '@strata/tokens';
import { checkClaimPath, ModelClaim } from './kserve';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { PodSurface, restrictPodSpec } from './surface';
import { WrittenEntry } from './metadata';
import { compact, PodSet, WorkloadKind, WorkloadKindProps } from './workload-kind';

/** Where the operator mounts the model store in a NIM's containers (NVIDIA/k8s-nim-operator@v3.1.2 internal/utils/utils.go `DefaultModelStorePath`). */
export const NIM_MODEL_STORE = '/model-store';
/** The NIM's API port unless told otherwise (api/apps/v1alpha1/common_types.go `DefaultAPIPort`; the CRD defaults `expose.service.port` to it). */
export const NIM_DEFAULT_PORT = 8000;
/**
 * The node label the operator schedules a NIMCache's caching Job on when the NIMCache has no
 * nodeSelector (api/apps/v1alpha1/nimcache_types.go `GetNodeSelectors`): Node Feature
 * Discovery's NVIDIA PCI label, which the GPU Operator installs.
 */
export const NIM_CACHE_DEFAULT_NODE_LABEL = 'feature.node.kubernetes.io/pci-10de.present';

/** The Pod Security levels that admit the operator's pods (restricted does not). */
const ADMITTING_LEVELS = [PodSecurityLevel.BASELINE, PodSecurityLevel.PRIVILEGED];

/** A NIM image (`spec.image`). */
export interface NimImage {
  /** e.g. "nvcr.io/nim/meta/llama-3.1-8b-instruct". */
  readonly repository: string;
  /** e.g. "1.8.4". */
  readonly tag: string;
  /** @default plus.ImagePullPolicy.IF_NOT_PRESENT */
  readonly pullPolicy?: plus.ImagePullPolicy;
  /** Secrets to pull it with (nvcr.io needs one). @default - none */
  readonly pullSecrets?: readonly string[];
}

/** A source the NIMCache's Job downloads from NVIDIA NGC (`spec.source.ngc`). */
export interface NgcModelSource {
  /** The Secret holding NGC_API_KEY (`authSecret`). */
  readonly authSecret: string;
  /** The NIM image whose `download-to-cache` fills the cache (`modelPuller`; immutable). */
  readonly modelPuller: string;
  /** The Secret to pull it with (`pullSecret`). @default - none */
  readonly pullSecret?: string;
  /**
   * Which model profiles to cache (`model`): explicit `profiles`, or what to select them by. Without
   * profiles the operator selects by the GPUs it finds on the cluster's nodes.
   * @default - the operator's selection
   */
  readonly model?: {
    readonly profiles?: readonly string[];
    readonly precision?: string;
    readonly engine?: string;
    readonly tensorParallelism?: string;
    readonly qosProfile?: string;
    readonly gpus?: readonly { readonly product?: string; readonly ids?: readonly string[] }[];
    readonly lora?: boolean;
    readonly buildable?: boolean;
  };
  /** A model endpoint for a universal NIM (`modelEndpoint`; not with `model`). @default - none */
  readonly modelEndpoint?: string;
}

/** A source the NIMCache's Job downloads from a Hugging Face hub (`spec.source.hf`). */
export interface HuggingFaceModelSource {
  /** @default "https://huggingface.co" */
  readonly endpoint?: string;
  /** The organisation or user, e.g. "meta-llama". */
  readonly namespace: string;
  /** The model, e.g. "Llama-3.1-8B-Instruct". */
  readonly modelName: string;
  /** The Secret holding HF_TOKEN. */
  readonly authSecret: string;
  /** The image that pulls it (a huggingface-cli image). */
  readonly modelPuller: string;
  /** The Secret to pull that image with (required by the CRD). */
  readonly pullSecret: string;
  /** A commit, branch or tag. @default - the default branch */
  readonly revision?: string;
}

/** What a NIMCache downloads. */
export type NimCacheSource = { readonly ngc: NgcModelSource; readonly huggingFace?: undefined } | { readonly huggingFace: HuggingFaceModelSource; readonly ngc?: undefined };

/** A toleration as the operator's kinds take it. */
export interface NimToleration {
  readonly key?: string;
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

export interface NIMCacheProps extends WorkloadKindProps {
  /** Where the model comes from: `{ ngc: … }` or `{ huggingFace: … }`. */
  readonly source: NimCacheSource;
  /**
   * The claim the model is cached in (`storage.pvc.name`): a strata tier claim (Efs, FsxLustre)
   * the Job writes and NIMServices then read. The operator creates no claim of its own here.
   */
  readonly storage: ModelClaim;
  /** A directory in the claim (`storage.pvc.subPath`), which NIMServices reading the cache mount too. @default - the claim's root */
  readonly subPath?: string;
  /** The caching Job's CPU and memory (`resources`: written as both request and limit by the operator). */
  readonly resources: { readonly cpu: plus.Cpu; readonly memory: Size };
  /**
   * Nodes for the caching Job (`nodeSelector`). Without one the operator uses
   * `feature.node.kubernetes.io/pci-10de.present: "true"`, a label only Node Feature Discovery sets
   * (a warning says so).
   * @default - the operator's
   */
  readonly nodeSelector?: { readonly [label: string]: string };
  /** Tolerations of the caching Job (`tolerations`). @default - none */
  readonly tolerations?: readonly NimToleration[];
  /** Extra environment of the caching Job (`env`). @default - none */
  readonly env?: { readonly [name: string]: string };
  /** The uid the Job runs as (`userID`). @default 1000 (the operator's) */
  readonly user?: number;
  /** Its gid and fsGroup (`groupID`). @default 2000 (the operator's) */
  readonly group?: number;
  /**
   * The Pod Security level the namespace enforces. Required as baseline or privileged: the
   * operator's caching Job sets no seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2
   * internal/controller/nimcache_controller.go `constructJob`, only on TKGS), so restricted refuses it.
   * @default - not given: refused
   */
  readonly namespacePodSecurity?: PodSecurityLevel;
}

/**
 * An NVIDIA NIM Operator NIMCache (apps.nvidia.com/v1alpha1): a model downloaded once into a claim
 * by a Job the operator runs (`download-to-cache`), which NIMServices then mount as their model
 * store. There is no pod template: the Job is the operator's. The chart's checks see that Job's
 * pod through a view inferred from the operator's source (@strata/tokens POD_TEMPLATE_KINDS).
 */
export class NIMCache extends WorkloadKind {
  /** The claim holding the cache. */
  public readonly storage: ModelClaim;
  /** The directory in the claim. */
  public readonly subPath?: string;
  private readonly props: NIMCacheProps;

  public constructor(scope: Construct, id: string, props: NIMCacheProps) {
    super(scope, id, { apiVersion: 'apps.nvidia.com/v1alpha1', kind: 'NIMCache', operator: 'nim-operator' }, { given: props.metadata });
    this.props = props;
    this.storage = props.storage;
    this.subPath = props.subPath;
    const r = this.rules;
    if (!props.storage) r.fail('storage', undefined, 'a strata claim (Efs, FsxLustre) to cache the model in', 'e.g. Efs.fromStorageClass(this, "models", { storageClass: { name: "strata-efs" } })');
    else if (!props.storage.writable) r.fail('storage', props.storage.tier, 'a writable claim', 'the caching Job writes the model into it: use an Efs or FsxLustre claim');
    checkClaimPath(r, 'subPath', props.subPath);
    const source = props.source ?? ({} as NimCacheSource);
    if ((source.ngc ? 1 : 0) + (source.huggingFace ? 1 : 0) !== 1) r.fail('source', props.source, 'exactly one of ngc, huggingFace', 'e.g. { ngc: { authSecret, modelPuller, model: { profiles: [...] } } }');
    if (source.ngc) {
      r.required('source.ngc.authSecret', source.ngc.authSecret, 'the Secret holding NGC_API_KEY');
      r.required('source.ngc.modelPuller', source.ngc.modelPuller, 'the NIM image that downloads the model');
      if (source.ngc.model && source.ngc.modelEndpoint !== undefined) r.fail('source.ngc.modelEndpoint', source.ngc.modelEndpoint, 'unset with model', "the CRD takes only one of 'model' or 'modelEndpoint'");
    }
    if (source.huggingFace) {
      for (const k of ['namespace', 'modelName', 'authSecret', 'modelPuller', 'pullSecret'] as const) r.required(`source.huggingFace.${k}`, source.huggingFace[k], 'a non-empty string');
    }
    if (!props.resources?.cpu || !props.resources?.memory) r.fail('resources', props.resources, 'the caching Job\'s cpu and memory', 'e.g. { cpu: Cpu.units(4), memory: Size.gibibytes(16) }');
    const podSecurityFix =
      'the NIM operator runs the caching Job without a seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2 internal/controller/nimcache_controller.go constructJob), so Pod Security restricted refuses its pod: run it in a namespace enforcing baseline and say so with namespacePodSecurity: PodSecurityLevel.BASELINE';
    if (props.namespacePodSecurity === undefined) r.fail('namespacePodSecurity', undefined, 'baseline or privileged', podSecurityFix);
    else if (r.oneOf('namespacePodSecurity', props.namespacePodSecurity, ADMITTING_LEVELS, podSecurityFix)) {
      requirePodSecurity(this, props.namespacePodSecurity as RequiredPodSecurity, 'the NIM operator runs the caching Job without a seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2 internal/controller/nimcache_controller.go constructJob)');
    }
    if (props.nodeSelector === undefined) {
      r.warn(`no nodeSelector: the NIM operator then runs the caching Job only on nodes labelled ${NIM_CACHE_DEFAULT_NODE_LABEL}=true (Node Feature Discovery, installed with the GPU Operator); on nodes without it the Job stays Pending: give nodeSelector`);
    }
    checkIds(r, props.user, props.group);
  }

  /** The claim's name (what NIMServices reading the cache mount). */
  public get claimName(): string {
    return this.storage.claim.name;
  }

  /** The caching Job is the operator's: no pod template here (its pod is checked through the view). */
  public get podSets(): readonly PodSet[] {
    return [];
  }

  protected renderSpec(): Record<string, unknown> {
    const p = this.props;
    const ngc = p.source.ngc;
    const hf = p.source.huggingFace;
    return compact({
      source: ngc
        ? {
            ngc: compact({
              authSecret: ngc.authSecret,
              modelPuller: ngc.modelPuller,
              pullSecret: ngc.pullSecret,
              model: ngc.model
                ? compact({
                    profiles: ngc.model.profiles ? [...ngc.model.profiles] : undefined,
                    precision: ngc.model.precision,
                    engine: ngc.model.engine,
                    tensorParallelism: ngc.model.tensorParallelism,
                    qosProfile: ngc.model.qosProfile,
                    gpus: ngc.model.gpus?.map((g) => compact({ product: g.product, ids: g.ids ? [...g.ids] : undefined })),
                    lora: ngc.model.lora,
                    buildable: ngc.model.buildable,
                  })
                : undefined,
              modelEndpoint: ngc.modelEndpoint,
            }),
          }
        : {
            hf: compact({
              endpoint: hf!.endpoint ?? 'https://huggingface.co',
              namespace: hf!.namespace,
              modelName: hf!.modelName,
              authSecret: hf!.authSecret,
              modelPuller: hf!.modelPuller,
              pullSecret: hf!.pullSecret,
              revision: hf!.revision,
            }),
          },
      storage: { pvc: compact({ name: this.claimName, subPath: p.subPath }) },
      resources: { cpu: p.resources.cpu.amount, memory: memoryQuantity(p.resources.memory) },
      nodeSelector: p.nodeSelector ? { ...p.nodeSelector } : undefined,
      tolerations: p.tolerations?.map((t) => compact({ ...t })),
      env: p.env ? Object.entries(p.env).map(([name, value]) => ({ name, value })) : undefined,
      userID: p.user,
      groupID: p.group,
    });
  }
}

/** Where a NIMService's model store comes from. */
export class NimModelStore {
  /**
   * The claim of a NIMCache (`storage.nimCache`): the operator waits for the cache to be Ready and
   * mounts its claim, with the NIMCache's subPath, at /model-store. `profile` picks one of the
   * cached profiles (NIM_MODEL_PROFILE).
   */
  public static fromCache(cache: NIMCache, options: { readonly profile?: string } = {}): NimModelStore {
    return new NimModelStore(cache, undefined, undefined, options.profile);
  }

  /**
   * A strata claim (`storage.pvc.name`), mounted at /model-store: the NIM downloads its model into
   * it on first start and finds it there afterwards.
   */
  public static fromClaim(storage: ModelClaim, options: { readonly subPath?: string } = {}): NimModelStore {
    return new NimModelStore(undefined, storage, options.subPath);
  }

  private constructor(
    public readonly cache?: NIMCache,
    public readonly storage?: ModelClaim,
    public readonly subPath?: string,
    public readonly profile?: string,
  ) {}
}

export interface NIMServiceProps extends WorkloadKindProps {
  /** The NIM image (`image`). */
  readonly image: NimImage;
  /** The Secret holding NGC_API_KEY (`authSecret`; the operator reads it into the container's env). */
  readonly authSecret: string;
  /** The model store: `NimModelStore.fromCache(nimCache)` or `NimModelStore.fromClaim(claim)`. */
  readonly storage: NimModelStore;
  /** Mount the model store read-only (`storage.readOnly`). @default - the operator's: read-write */
  readonly readOnly?: boolean;
  /** Shared memory at /dev/shm (`storage.sharedMemorySizeLimit`; counts against memory). @default - no limit */
  readonly sharedMemory?: Size;
  /** The NIM container's CPU and memory requests and limits (`resources`); both requests are required. */
  readonly resources: plus.ContainerResources;
  /**
   * NVIDIA GPUs per pod (`nvidia.com/gpu` request and limit), and a toleration of the
   * `nvidia.com/gpu` taint of GPU node groups. Always stated: the operator otherwise derives them
   * from the cached profile at run time, where the chart's scheduling checks cannot see them.
   */
  readonly gpus: number;
  /** Pods (`replicas`). @default 1 */
  readonly replicas?: number;
  /** The API port (`expose.service.port`). @default 8000 */
  readonly port?: number;
  /** Extra environment (`env`), after which the operator adds its own (NIM_CACHE_PATH, NGC_API_KEY, ports…). @default - none */
  readonly env?: { readonly [name: string]: string | plus.EnvValue };
  /** @default - the image's */
  readonly command?: string[];
  /** @default - the image's */
  readonly args?: string[];
  /** Nodes to run on (`nodeSelector`); node affinity and tolerations also come from `pod.scheduling`. @default - none */
  readonly nodeSelector?: { readonly [label: string]: string };
  /** Tolerations (`tolerations`), besides the GPU one and those of `pod.scheduling`. @default - none */
  readonly tolerations?: readonly NimToleration[];
  /** The uid the pods run as (`userID`). @default 1000 (the operator's) */
  readonly user?: number;
  /** Their gid and fsGroup (`groupID`). @default 2000 (the operator's) */
  readonly group?: number;
  /**
   * Pod settings the NIMService takes: metadata (→ `labels`, `annotations`), scheduling,
   * `runtimeClassName`… Anything the operator cannot render (volumes, sidecars, init containers, a
   * security context) is refused with where to put it instead.
   * @default - none
   */
  readonly pod?: PodTemplateProps;
  /**
   * The Pod Security level the namespace enforces. Required as baseline or privileged: the operator
   * renders the NIM's pods with no container securityContext and no seccompProfile, and a
   * NIMService has no field for them (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml),
   * so restricted refuses them.
   * @default - not given: refused
   */
  readonly namespacePodSecurity?: PodSecurityLevel;
}

/**
 * What a NIMService's pod takes from its template: the operator renders the Deployment from a
 * handful of fields (NVIDIA/k8s-nim-operator@v3.1.2 api/apps/v1alpha1/nimservice_types.go
 * `GetDeploymentParams`, manifests/deployment.yaml).
 */
const NIM_SURFACE: PodSurface = {
  name: "a NIMService's pod",
  podFields: ['containers', 'nodeSelector', 'tolerations', 'affinity', 'imagePullSecrets', 'schedulerName', 'priorityClassName', 'runtimeClassName'],
  containerFields: ['name', 'image', 'imagePullPolicy', 'command', 'args', 'env', 'resources'],
  elsewhere:
    'through the NIMService props (storage for the model store, port, user, group), or serve the NIM image with a strata InferenceService or Deployment, whose pods take every field: the NIM operator renders its pods itself (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml)',
};

/** What cdk8s-plus writes as a container's and a pod's security context when none is asked for. */
const PLUS_CONTAINER_SECURITY_DEFAULT = JSON.stringify({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
const PLUS_POD_SECURITY_DEFAULT = JSON.stringify({ fsGroupChangePolicy: 'Always', runAsNonRoot: true });
const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));

/**
 * An NVIDIA NIM Operator NIMService (apps.nvidia.com/v1alpha1): a NIM inference server. There is
 * no pod template in a NIMService: the operator builds the Deployment from its fields, mounts the
 * model store (a NIMCache's claim or a strata claim) at /model-store and shared memory at /dev/shm.
 * `pod` is a PodTemplate so that scheduling and metadata work as on every other kind; what the
 * operator cannot render is an error with where to do it instead. The chart's checks see the
 * operator's pod through a view inferred from the operator's source (@strata/tokens POD_TEMPLATE_KINDS).
 *
 * ```ts
 * const cache = new NIMCache(this, 'llama-cache', { source: { ngc: { authSecret: 'ngc-api', modelPuller: image, model: { profiles: [p] } } }, storage: efs, resources, nodeSelector, namespacePodSecurity: PodSecurityLevel.BASELINE });
 * new NIMService(this, 'llama', { image: { repository, tag, pullSecrets: ['ngc-pull'] }, authSecret: 'ngc-api', storage: NimModelStore.fromCache(cache), resources, gpus: 1, namespacePodSecurity: PodSecurityLevel.BASELINE });
 * ```
 *
 * Long-running: named per release and kept under drift detection (not content-named).
 */
export class NIMService extends WorkloadKind {
  /** The pod settings the NIMService takes (scheduling, labels): the operator renders the pod. */
  public readonly pod: PodTemplate;
  /** The NIM container (image, command, env, resources): what the NIMService's fields say of it. */
  public readonly container: plus.Container;
  public readonly replicas: number;
  private readonly props: NIMServiceProps;

  public constructor(scope: Construct, id: string, props: NIMServiceProps) {
    const cache = props.storage?.cache;
    super(scope, id, { apiVersion: 'apps.nvidia.com/v1alpha1', kind: 'NIMService', operator: 'nim-operator' }, { given: props.metadata, written: cache ? { annotations: cacheAnnotations(cache) } : undefined });
    this.props = props;
    this.replicas = props.replicas ?? 1;
    const r = this.rules;
    this.pod = this.template('nim', props.pod ?? {}, plus.RestartPolicy.ALWAYS);
    const env: Record<string, plus.EnvValue> = {};
    for (const [k, v] of Object.entries(props.env ?? {})) env[k] = typeof v === 'string' ? plus.EnvValue.fromValue(v) : v;
    this.container = this.pod.addContainer({
      name: 'nim',
      image: `${props.image?.repository}:${props.image?.tag}`,
      imagePullPolicy: props.image?.pullPolicy ?? plus.ImagePullPolicy.IF_NOT_PRESENT,
      command: props.command,
      args: props.args,
      envVariables: env,
      resources: props.resources,
    });
    r.required('image.repository', props.image?.repository, 'the NIM image repository', 'e.g. "nvcr.io/nim/meta/llama-3.1-8b-instruct"');
    r.required('image.tag', props.image?.tag, 'the NIM image tag', 'e.g. "1.8.4"');
    r.required('authSecret', props.authSecret, 'the Secret holding NGC_API_KEY', 'the CRD requires it');
    r.check('replicas', this.replicas, { minimum: 0, maximum: 10000, multipleOf: 1 }, 'a whole number of pods', 'a whole number between 0 and 10000');
    r.check('port', props.port, { minimum: 1, maximum: 65535, multipleOf: 1 }, 'a TCP port', 'a port between 1 and 65535');
    r.check('gpus', props.gpus, { minimum: 1, maximum: 64, multipleOf: 1 }, 'state the GPUs per pod: the operator otherwise derives them from the cached profile at run time, unseen by the scheduling checks', 'a whole number of GPUs between 1 and 64');
    if (props.gpus === undefined) r.fail('gpus', undefined, 'the GPUs per pod', 'the operator otherwise derives them from the cached profile at run time, unseen by the scheduling checks');
    if (!props.resources?.cpu?.request || !props.resources?.memory?.request) {
      r.fail('resources', describeResources(props.resources), 'CPU and memory requests', 'e.g. { cpu: { request: Cpu.units(8) }, memory: { request: Size.gibibytes(64), limit: Size.gibibytes(64) } }');
    }
    this.checkStorage(props);
    const podSecurityFix =
      'the NIM operator renders the pods with no container securityContext and no seccompProfile, and a NIMService has no field for them (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml), so Pod Security restricted refuses them: run it in a namespace enforcing baseline and say so with namespacePodSecurity: PodSecurityLevel.BASELINE, or serve the NIM image with a strata InferenceService, whose pods meet restricted';
    if (props.namespacePodSecurity === undefined) r.fail('namespacePodSecurity', undefined, 'baseline or privileged', podSecurityFix);
    else if (r.oneOf('namespacePodSecurity', props.namespacePodSecurity, ADMITTING_LEVELS, podSecurityFix)) {
      requirePodSecurity(this, props.namespacePodSecurity as RequiredPodSecurity, 'the NIM operator renders the pods with no container securityContext and no seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml)');
    }
    checkIds(r, props.user, props.group);
    if (this.replicas === 1) {
      r.warn(
        'replicas 1: the operator rolls its Deployment out with maxSurge 0 (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml), so a new image, env or resources stops the only pod before its replacement has loaded the model: run 2 or more to keep serving',
      );
    }
    if (props.gpus !== undefined) this.pod.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: plus.TaintEffect.NO_SCHEDULE })));
    this.node.addValidation({ validate: () => this.refused() });
  }

  public get podSets(): readonly PodSet[] {
    return [{ name: 'nim', pod: this.pod, count: this.replicas, container: 'nim' }];
  }

  private checkStorage(props: NIMServiceProps): void {
    const r = this.rules;
    const s = props.storage;
    if (!s || (!s.cache && !s.storage)) {
      r.fail('storage', undefined, 'NimModelStore.fromCache(nimCache) or NimModelStore.fromClaim(claim)', 'the model store is where the NIM finds its model');
      return;
    }
    if (s.storage) {
      checkClaimPath(r, 'storage.subPath', s.subPath);
      if (!s.storage.writable && props.readOnly !== true) r.fail('readOnly', props.readOnly, 'true for a read-only claim', 'the NIM writes its model into an empty store on first start; fill the claim first and pass readOnly: true');
    }
  }

  /** Fields of the pod template the operator cannot render; a volume besides the model store; a second container (a sidecar). */
  private refused(): string[] {
    const spec = this.podSpec();
    const errors: string[] = [];
    // A volume is refused by its name and source with where it is mounted, not by its (release-scoped) claim name.
    for (const v of (spec.volumes ?? []) as Record<string, unknown>[]) {
      const source = Object.keys(v).find((k) => k !== 'name');
      const at = (spec.containers ?? []).flatMap((c: any) => (c.volumeMounts ?? []).filter((m: any) => m.name === v.name).map((m: any) => m.mountPath));
      errors.push(
        `a NIMService mounts only its model store: volume "${v.name}" (${source}${at.length > 0 ? `, at ${at.join(', ')}` : ''}) cannot be added. The operator mounts storage.pvc or storage.nimCache at /model-store and nothing else ` +
          '(NVIDIA/k8s-nim-operator@v3.1.2 api/apps/v1alpha1/nimservice_types.go GetVolumes); give the model\'s claim as storage (NimModelStore.fromClaim), or serve the NIM image with a strata InferenceService or Deployment, whose pods mount any volume',
      );
    }
    delete spec.volumes;
    for (const c of spec.containers ?? []) delete c.volumeMounts;
    errors.push(...restrictPodSpec(spec, NIM_SURFACE, ['restartPolicy']).refused);
    for (const c of (spec.containers ?? []).slice(1)) {
      errors.push(
        `a NIMService runs one container, the NIM: container "${c.name}"${c.image ? ` (${c.image})` : ''} cannot be added. The operator's sidecarContainers take no resources, securityContext or volumeMounts ` +
          '(NVIDIA/k8s-nim-operator@v3.1.2 api/apps/v1alpha1/common_types.go NIMContainerSpec), so such a pod fails the requests and Pod Security checks; run it in its own Deployment, or serve the NIM image with a strata InferenceService, whose pods take sidecars',
      );
    }
    return errors;
  }

  /** The template's pod spec without cdk8s-plus's default security contexts (not the user's settings; the operator writes its own). */
  private podSpec(): { [field: string]: any } {
    const spec = { ...this.pod.toTemplate().spec };
    if (spec.securityContext && sorted(spec.securityContext) === PLUS_POD_SECURITY_DEFAULT) delete spec.securityContext;
    spec.containers = (spec.containers ?? []).map((c: Record<string, any>) => {
      const out = { ...c };
      if (out.securityContext && sorted(out.securityContext) === PLUS_CONTAINER_SECURITY_DEFAULT) delete out.securityContext;
      return out;
    });
    return spec;
  }

  protected renderSpec(): Record<string, unknown> {
    const p = this.props;
    const { metadata } = this.pod.toTemplate();
    const errors = this.refused();
    if (errors.length > 0) throw new Error(`[${this.node.path}] ${errors.join('; ')}`);
    const { spec } = restrictPodSpec(this.podSpec(), NIM_SURFACE, ['restartPolicy']);
    const nim = spec.containers[0];
    const resources = nim.resources ?? {};
    const gpus = p.gpus === undefined ? {} : { 'nvidia.com/gpu': p.gpus };
    const s = p.storage;
    const pullSecrets = [...(p.image.pullSecrets ?? []), ...((spec.imagePullSecrets ?? []) as { name: string }[]).map((x) => x.name)];
    return compact({
      image: compact({ repository: p.image.repository, tag: p.image.tag, pullPolicy: nim.imagePullPolicy, pullSecrets: pullSecrets.length > 0 ? pullSecrets : undefined }),
      authSecret: p.authSecret,
      command: nim.command,
      args: nim.args,
      env: nim.env,
      storage: compact({
        nimCache: s.cache ? compact({ name: s.cache.name, profile: s.profile }) : undefined,
        pvc: s.storage ? compact({ name: s.storage.claim.name, subPath: s.subPath }) : undefined,
        readOnly: p.readOnly,
        sharedMemorySizeLimit: p.sharedMemory ? memoryQuantity(p.sharedMemory) : undefined,
      }),
      labels: metadata.labels,
      annotations: metadata.annotations,
      nodeSelector: p.nodeSelector ? { ...p.nodeSelector } : undefined,
      tolerations: [...(p.tolerations ?? []).map((t) => compact({ ...t })), ...(spec.tolerations ?? [])],
      affinity: spec.affinity,
      resources: { requests: { ...(resources.requests ?? {}), ...gpus }, limits: { ...(resources.limits ?? {}), ...gpus } },
      expose: { service: { port: p.port ?? NIM_DEFAULT_PORT } },
      replicas: this.replicas,
      userID: p.user,
      groupID: p.group,
      schedulerName: spec.schedulerName,
      priorityClassName: spec.priorityClassName,
      runtimeClassName: spec.runtimeClassName,
    });
  }
}

/** The annotations a NIMService reading a NIMCache carries, so the pod view knows the claim (see @strata/tokens). */
function cacheAnnotations(cache: NIMCache): { [key: string]: WrittenEntry } {
  const use = "strata writes it from the NIMCache the NIMService reads (storage), for the checks' view of its pods";
  return { [NIM_CACHE_CLAIM_ANNOTATION]: { value: cache.claimName, use }, ...(cache.subPath ? { [NIM_CACHE_SUB_PATH_ANNOTATION]: { value: cache.subPath, use } } : {}) };
}

function checkIds(r: Rules, user: number | undefined, group: number | undefined): void {
  r.check('user', user, { minimum: 1, maximum: 2147483647, multipleOf: 1 }, 'never 0 (root)', 'a uid between 1 and 2147483647');
  r.check('group', group, { minimum: 1, maximum: 2147483647, multipleOf: 1 }, 'never 0 (root)', 'a gid between 1 and 2147483647');
}

/**
 * A memory size in MiB, as cdk8s-plus writes container memory. Always MiB: a Helm value renders as
 * "<n × 1024>Mi", so a literal must too, or `helm template` and direct synthesis of the same values
 * would differ (the charts' round trip).
 */
function memoryQuantity(size: Size): string {
  return `${size.toMebibytes()}Mi`;
}

function describeResources(r: plus.ContainerResources | undefined): unknown {
  if (!r) return undefined;
  return { cpu: r.cpu?.request?.amount, memory: r.memory?.request?.asString() };
}

