import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IWorkload, mainContainerOf } from '@strata/kinds';
import { Efs, FsxLustre, isLiteral, Rules, S3Files, S3Mountpoint, SchedulablePod, StorageTier } from '@strata/storage';
import { INIT_SECONDS_ANNOTATION, NODE_AND_IMAGE_SECONDS, problem, releaseOf, Tokens } from '@strata/tokens';
import { addScratch, containerProps, ContainerSpec, helperProps, helperResources, requestGpus, SHELL_IMAGE, SHELL_TOOLS_IMAGE, tmpVolume } from './container-spec';
import { TOOLS_DIR, TOOLS_SCRIPT } from './hydration-scripts';
import { PolicyDocument, policyDocument, s3Statements, ServiceAccountOptions, WorkloadIdentity } from './iam';
import { IModelSource, ModelSourceBinding, ModelSources } from './model-sources';
import { checkSegment, KEY_PREFIX, REGION, S3Location } from './s3-location';
import { READY_MARKER, WAIT_FOR_CONTENT_SCRIPT, WAIT_FOR_FILE_SCRIPT } from './scripts';
import { applyPodGroups, checkSecurity, RunAs, runAsOf, SecurityOptions } from './security';
import { recordVersion } from './version-facts';
import { checkWritableRoot } from './writable-root';

/** The inference server the repository feeds. */
export interface InferenceServerSpec extends ContainerSpec {
  /** The port it serves on; a ClusterIP Service exposes it. @default 8000 */
  readonly port?: number;
  /**
   * An HTTP path answering 200 once the model is loaded (`/health` for vLLM): readiness, and a
   * startup probe that allows `startupTimeout` for loading.
   * @default - no probes
   */
  readonly healthPath?: string;
  /** How long loading the model may take before the startup probe gives up. @default Duration.minutes(30) */
  readonly startupTimeout?: Duration;
}

/** The hydration Job's settings. */
export interface HydrationOptions {
  /**
   * The image with the AWS CLI v2, for an S3 source (other sources name their image themselves).
   * @default AWS_CLI_IMAGE
   */
  readonly image?: string;
  /**
   * Whom the hydration Job runs as (uid and gid, never root) and its pod's groups: the cache's
   * directories must be writable by it (see cacheRootPrepared).
   * @default - uid and gid 1000, no fsGroup or supplemental groups
   */
  readonly runAs?: SecurityOptions;
  /** CPU request. @default 1 core */
  readonly cpu?: plus.Cpu;
  /** Memory request and limit. @default 2 GiB */
  readonly memory?: Size;
  /**
   * How long the whole hydration may take, every retry included (`activeDeadlineSeconds` counts
   * from the Job's start: https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup).
   * The servers' gate waits as long by default, and the release timeout follows it.
   * Bind a value with Duration.seconds(value).
   * @default Duration.hours(2)
   */
  readonly timeout?: Duration;
  /** Retries (each resumes the copy). @default 4 */
  readonly backoffLimit?: number;
  /**
   * For a cache whose root belongs to root (FSx for Lustre; EFS without an access point): its root
   * is handed to the hydration's uid outside the chart, once, after the file system exists
   * (`chown 1000:1000` from an admin pod). Nothing in a chart can do it (the drivers apply no
   * fsGroup to these volumes, and Pod Security "restricted" pods never run as root: see
   * writable-root.ts). Stating it here turns the warning every synthesis gives into the chart's own
   * record of the step. @default false
   */
  readonly cacheRootPrepared?: boolean;
}

export interface ModelRepositoryProps {
  /**
   * Where the model versions come from: `ModelSources.s3`, `.huggingFace`, `.ngc`, `.image`,
   * `.command`, or a source of your own (IModelSource). An S3 location is the S3 source: each version
   * is the prefix `<prefix><version>/` of the bucket.
   */
  readonly source: IModelSource | S3Location;
  /**
   * The version to serve, e.g. "v3": a value, so that switching versions is a value change. It names
   * the version's directory in the cache (`<cache>/<version>/`) for every source; with a Hugging Face
   * or NGC source, a new revision or model version is a new version here too.
   */
  readonly version: string;
  /**
   * The cache the servers read from: an `Efs` or `FsxLustre` claim (hydrated from S3 by a Job),
   * an `S3Mountpoint` of the same bucket and prefix (read straight from S3 through Mountpoint
   * and its local cache; no hydration), or an `S3Files` volume of an S3 Files file system over the
   * bucket (`S3Files.fromFileSystem`: the models are read through it with POSIX semantics, small
   * files from its high-performance storage and large reads from S3; no hydration; see `cacheKeyPrefix`).
   */
  readonly cache: Efs | FsxLustre | S3Mountpoint | S3Files;
  /**
   * With an `S3Files` cache: the S3 key prefix the volume's root shows (the file system's prefix plus
   * the volume's directory), "" or ending in "/". The version is read at
   * `<mountPath>/<source prefix without it><version>`; the source prefix must start with it.
   * @default '' (the volume shows the bucket's root)
   */
  readonly cacheKeyPrefix?: string;
  /**
   * The inference server, run as a Deployment this pattern makes (with its Service, spread and
   * rollout settings). Give this or `servers`.
   * @default - none: `servers` serve
   */
  readonly server?: InferenceServerSpec;
  /**
   * Servers of another kind — a RayService, a LeaderWorkerSet, an InferenceService, a Deployment of
   * your own (through `podSetsOf`) — whose pod sets read the cache: each gets the gate, the cache
   * mounted read-only into its main container, MODEL_DIR and MODEL_VERSION, and its service account
   * the read policy. Give this or `server`.
   * @default - none: the `server` Deployment serves
   */
  readonly servers?: IWorkload;
  /** The pod sets of `servers` that read the model, by name. @default - all of them */
  readonly podSets?: readonly string[];
  /** Server pods of the `server` Deployment. @default 1 */
  readonly replicas?: number;
  /** Where the model is mounted in the server (also MODEL_DIR). @default '/models' */
  readonly mountPath?: string;
  /**
   * How long a server pod waits for its model version before its gate fails (and retries).
   * @default - the hydration timeout (30 minutes with a Mountpoint cache)
   */
  readonly readyTimeout?: Duration;
  /**
   * The servers' `progressDeadlineSeconds`: a rollout that makes no progress this long is Failed
   * for Kubernetes and for helm-controller's wait (kstatus reads ProgressDeadlineExceeded as
   * Failed), so it must cover one new pod's whole start: node and image, the gate, the startup probe.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
   * @default - 600 s for a node and image + readyTimeout + server.startupTimeout (computed by Helm when they are values)
   */
  readonly progressDeadline?: Duration;
  /** The hydration Job. @default - defaults of HydrationOptions */
  readonly hydration?: HydrationOptions;
  /** The image of the gate init container. @default SHELL_IMAGE */
  readonly gateImage?: string;
  /**
   * Whom the gate init container runs as: it must read the cache as the server does.
   * @default - the uid and gid of the server container (its own, else its pod's, else 1000)
   */
  readonly gateRunAs?: RunAs;
  /** The bucket's region (AWS_REGION of the hydration Job), for an S3 source. @default - from the pod identity webhook */
  readonly region?: string;
  /** The SSE-KMS key of the bucket, for an S3 source: kms:Decrypt is added to the policies. @default - SSE-S3 */
  readonly kmsKeyArn?: string;
  /** The service accounts: `hydration` (the Job) and `inference` (the servers). @default - no annotations */
  readonly serviceAccounts?: { readonly hydration?: ServiceAccountOptions; readonly inference?: ServiceAccountOptions };
}

/**
 * The seed's Model Repository pattern: a model source (S3, the Hugging Face Hub, NGC, an image, any
 * command) → EFS or FSx for Lustre (cache) → inference pods.
 *
 * - A hydration Job fills `<cache>/<version>/` from the source (S3: `aws s3 sync` of
 *   `s3://<bucket>/<prefix><version>/`, idempotent, resumable) and writes
 *   `<cache>/<version>/.strata-ready` only when it is complete, with the source it came from in
 *   `.strata-source`. It is named by its content, so each version gets its own Job: switching
 *   versions is a value change. Every source has the same gate, layout and marker.
 * - The servers (a Deployment) cannot start before the marker of their version exists: an init
 *   container waits for it, so new pods of a rollout wait for the new version while the old pods
 *   keep serving (maxUnavailable 0). They mount the cache read-only, at `mountPath` with subPath = version.
 * - Helm and helm-controller wait for both (nothing is a hook): a failed hydration fails the release
 *   with the Job's name, and the progress deadline covers the gate.
 * - Hydration and inference have separate service accounts, each with a read-only policy scoped
 *   to the bucket and prefix (`iamPolicies()`, and the chart's `iam-policies/<key>.json`).
 * - With an `S3Mountpoint` cache, the servers read straight from S3 (`MODEL_DIR` =
 *   `<mountPath>/<version>`, Mountpoint's local cache); the gate waits for the version's files.
 */
export class ModelRepository extends Construct {
  /** The servers' Deployment (with `server`); undefined when `servers` of another kind serve. */
  public readonly deployment?: plus.Deployment;
  /** The server container of the Deployment, or of the first pod set of `servers`. */
  public readonly server: plus.Container;
  /** The gate init container of the servers (of the first pod set with `servers`; see `gates`). */
  public readonly gate: plus.Container;
  /** The gate of each server pod set. */
  public readonly gates: readonly plus.Container[];
  /** The hydration Job; undefined with an S3Mountpoint cache. */
  public readonly hydrationJob?: plus.Job;
  /** The Deployment's Service (with `server`). */
  public readonly service?: plus.Service;
  /** The account of the `server` Deployment; with `servers`, the account of their first pod set. */
  public readonly inferenceServiceAccount: plus.IServiceAccount;
  public readonly hydrationServiceAccount?: plus.ServiceAccount;
  /** The directory of the model inside the server container (MODEL_DIR). */
  public readonly modelDir: string;
  public readonly mountPath: string;
  /** The S3 prefix of the versions, for an S3 source ('' otherwise). */
  public readonly prefix: string;
  /** The source of the versions. */
  public readonly source: IModelSource;
  /** Whether the servers read straight from S3 (Mountpoint) rather than a hydrated cache. */
  public readonly direct: boolean;
  private readonly rules: Rules;
  private readonly policies: Record<string, PolicyDocument> = {};
  private readonly gateRunAs?: RunAs;
  private readonly serverEnv: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: ModelRepositoryProps) {
    super(scope, id);
    this.rules = new Rules(this);
    const r = this.rules;
    this.source = ModelSources.of(props.source);
    const binding = this.source.bind({ rules: r, field: 'source', version: props.version });
    this.prefix = binding.s3?.prefix ?? '';
    checkSegment(r, 'version', props.version, 'v1');
    r.check('region', props.region, { pattern: REGION }, 'e.g. "us-west-2"', 'an AWS region such as us-west-2');
    if (!binding.s3) {
      for (const [field, value] of [['region', props.region], ['kmsKeyArn', props.kmsKeyArn], ['hydration.image', props.hydration?.image]] as const) {
        if (value !== undefined) r.fail(field, value, `unset for a ${this.source.kind} source`, field === 'hydration.image' ? 'give the image in the source' : 'it concerns an S3 bucket, and this source is not S3');
      }
    }
    this.mountPath = props.mountPath ?? '/models';
    const cache = props.cache;
    const s3Files = cache.tier === StorageTier.S3_FILES;
    // Mountpoint and S3 Files read the bucket itself: nothing to hydrate.
    this.direct = cache.tier === StorageTier.S3 || s3Files;
    const hydrationTimeout = props.hydration?.timeout ?? Duration.hours(2);
    const readyTimeout = (props.readyTimeout ?? (this.direct ? Duration.minutes(30) : hydrationTimeout)).toSeconds();
    r.check('readyTimeout', readyTimeout, { minimum: 10 }, 'give the hydration time to finish', 'at least 10 seconds');
    const progressDeadline = this.progressDeadline(props, readyTimeout);
    if (!this.direct && cache.tier !== StorageTier.EFS && cache.tier !== StorageTier.FSX_LUSTRE) {
      r.fail('cache', cache.tier, 'an Efs, FsxLustre, S3Mountpoint or S3Files claim', 'the servers share one cache: use EFS or FSx for Lustre (hydrated), or Mountpoint or S3 Files (straight from S3)');
    }
    if (this.direct && binding.readsObjectVersions) {
      r.fail('cache', 'S3Mountpoint', 'an Efs or FsxLustre claim for a source pinned to object versions', 'Mountpoint reads the current version of each object only: hydrate the pinned versions into EFS or FSx for Lustre, or leave objectVersions out');
    }
    if (this.direct && !binding.s3) {
      r.fail('cache', s3Files ? 'S3Files' : 'S3Mountpoint', `an Efs or FsxLustre claim for a ${this.source.kind} source`, `${s3Files ? 'S3 Files' : 'Mountpoint'} reads an S3 source straight from its bucket; other sources are hydrated into EFS or FSx for Lustre`);
    }
    const source: S3Location = binding.s3 ?? { bucket: '', prefix: '' };
    const relative = s3Files ? this.s3FilesPath(cache as S3Files, source, props.cacheKeyPrefix) : undefined;
    if (!s3Files && props.cacheKeyPrefix !== undefined) r.fail('cacheKeyPrefix', props.cacheKeyPrefix, 'unset without an S3Files cache', 'it says which bucket prefix an S3 Files volume shows: drop it');
    // What this version reads, for the chart and the environment report (strata.dev/versions).
    recordVersion(this, 'ModelRepository', {
      version: props.version,
      source: this.source.kind,
      reads: binding.id,
      ...(binding.pin !== undefined ? { pinned: binding.pin } : { unpinned: binding.unpinned ?? 'the source states no pin' }),
      cache: cache.tier,
      hydrated: !this.direct,
    });
    this.gateRunAs = props.gateRunAs;
    checkSecurity(r, 'gateRunAs', props.gateRunAs);
    this.serverEnv = binding.serverEnv ?? {};

    this.modelDir = relative !== undefined ? `${this.mountPath}/${relative}${props.version}` : this.direct ? `${this.mountPath}/${props.version}` : this.mountPath;
    const targets = props.server ? this.serverDeployment(props, progressDeadline) : this.serverSets(props);
    if (props.server && props.servers) r.fail('servers', 'given with server', 'one of server or servers', 'let this pattern run the Deployment (server), or give the workload that serves (servers)');
    this.inferenceServiceAccount = targets[0]?.account ?? WorkloadIdentity.serviceAccount(this, 'inference', props.serviceAccounts?.inference);
    this.server = targets[0]?.container ?? new plus.Container({ name: 'server', image: 'none' });

    // The gate: the servers start only once their version is there.
    const gateEnv: Record<string, string> = { READY_TIMEOUT_SECONDS: `${readyTimeout}`, WAITING_FOR: `model version ${props.version}` };
    const cacheDir = '/cache';
    const gates: plus.Container[] = [];
    for (const t of targets) {
      // How long the gate may hold a new pod: the release timeout and the lifecycle check read it.
      t.pod.podMetadata.addAnnotation(INIT_SECONDS_ANNOTATION, `${readyTimeout}`);
      // The gate reads the cache as the server does.
      const gateRunAs = this.gateRunAs ?? runAsOf(t.container, t.pod);
      if (this.direct) {
        const gate = t.pod.addInitContainer(helperProps('wait-for-model', props.gateImage ?? SHELL_IMAGE, WAIT_FOR_CONTENT_SCRIPT, { ...gateEnv, READY_DIR: this.modelDir }, helperResources(10, 16), gateRunAs));
        cache.mount(gate, this.mountPath, { readOnly: true });
        cache.mount(t.container, this.mountPath, { readOnly: true });
        gates.push(gate);
      } else {
        const gate = t.pod.addInitContainer(
          helperProps('wait-for-model', props.gateImage ?? SHELL_IMAGE, WAIT_FOR_FILE_SCRIPT, { ...gateEnv, READY_FILE: `${cacheDir}/${props.version}/${READY_MARKER}` }, helperResources(10, 16), gateRunAs),
        );
        cache.mount(gate, cacheDir, { readOnly: true });
        cache.mount(t.container, this.mountPath, { readOnly: true, subPath: props.version });
        gates.push(gate);
      }
    }
    this.gates = gates;
    this.gate = gates[0] ?? new plus.Container({ name: 'wait-for-model', image: 'none' });
    if (this.direct) {
      if (binding.s3 && !s3Files) this.checkMountpointSource(cache as S3Mountpoint, source, targets[0] ? runAsOf(targets[0].container, targets[0].pod) : { user: 1000, group: 1000 });
    } else {
      const hydration = this.hydrate(props, binding, cache as Efs | FsxLustre, cacheDir);
      this.hydrationJob = hydration.job;
      this.hydrationServiceAccount = hydration.account;
      if (binding.s3) this.addPolicy('hydration', source, props.kmsKeyArn, binding.readsObjectVersions === true);
    }
    // Only servers reading the model straight from S3 (a Mountpoint volume, as the pod) need S3
    // access; servers of a hydrated cache or of S3 Files read files only (S3 Files mounts as the EFS
    // CSI node: its role, not theirs), and their role gets no policy.
    if (this.direct && binding.s3 && !s3Files) for (const key of [...new Set(targets.map((t) => t.key))].sort()) this.addPolicy(key, source, props.kmsKeyArn);
  }

  /**
   * Where the versions are below an S3 Files volume's root: the source prefix without the prefix the
   * volume shows. The volume must be an existing file system's (a class would give the claim a new,
   * empty access point directory), and show a prefix the source's lies under.
   */
  private s3FilesPath(cache: S3Files, source: S3Location, root: string | undefined): string {
    const r = this.rules;
    if (cache.persistentVolume === undefined) {
      r.fail('cache', 'S3Files from a StorageClass', 'an S3Files volume of an existing file system (S3Files.fromFileSystem)', 'the models live in the bucket: mount its file system (or a directory or access point of it); a class gives every claim a new, empty directory');
    }
    const prefix = source.prefix ?? '';
    if (root === undefined || root === '') return prefix;
    r.check('cacheKeyPrefix', root, { pattern: KEY_PREFIX }, 'e.g. "models/" when the file system was created with that prefix');
    if (!isLiteral(root) || !isLiteral(prefix)) {
      r.fail('cacheKeyPrefix', root, 'a literal prefix when the source prefix is literal too', 'the model directory is computed from both: leave cacheKeyPrefix unset, or make both literal');
      return prefix;
    }
    if (!prefix.startsWith(root)) {
      r.fail('cacheKeyPrefix', root, `a prefix the source prefix (${JSON.stringify(prefix)}) starts with`, 'give the prefix the S3 Files volume shows at its root: the source must be under it');
      return prefix;
    }
    return prefix.slice(root.length);
  }

  /** The pattern's own servers: a Deployment with a Service, spread over nodes and zones. */
  private serverDeployment(props: ModelRepositoryProps, progressDeadline: number): ServerTarget[] {
    const r = this.rules;
    const spec = props.server!;
    const account = WorkloadIdentity.serviceAccount(this, 'inference', props.serviceAccounts?.inference);
    const port = spec.port ?? 8000;
    const deployment = new plus.Deployment(this, 'server', {
      replicas: props.replicas ?? 1,
      serviceAccount: account,
      securityContext: { ensureNonRoot: true },
      terminationGracePeriod: Duration.seconds(60),
      // New servers wait (gated) for their version while the old ones keep serving: none is taken
      // down before its replacement is ready.
      strategy: plus.DeploymentStrategy.rollingUpdate({ maxSurge: plus.PercentOrAbsolute.percent(25), maxUnavailable: plus.PercentOrAbsolute.absolute(0) }),
      progressDeadline: Duration.seconds(progressDeadline),
    });
    (this as { deployment?: plus.Deployment }).deployment = deployment;
    spreadReplicas(deployment);
    r.check('replicas', props.replicas, { minimum: 0, maximum: 1000, multipleOf: 1 }, undefined, 'a whole number between 0 and 1000');
    const server = deployment.addContainer({
      ...containerProps('server', spec, { MODEL_DIR: this.modelDir, MODEL_VERSION: props.version, ...this.serverEnv }, { rules: r, field: 'server' }),
      ports: [{ number: port, name: 'http' }],
      ...probes(r, spec),
    });
    checkSecurity(r, 'server', { fsGroup: spec.fsGroup, supplementalGroups: spec.supplementalGroups });
    applyPodGroups(r, 'server', deployment, spec);
    addScratch(deployment, server, spec);
    requestGpus(r, deployment, 0, spec.gpus);
    const service = new plus.Service(this, 'service', { ports: [{ port, targetPort: port, name: 'http' }] });
    service.select(deployment);
    (this as { service?: plus.Service }).service = service;
    return [{ pod: deployment, container: server, account, key: 'inference' }];
  }

  /** Servers of another kind: the main container of each pod set (those named in podSets) reads the model. */
  private serverSets(props: ModelRepositoryProps): ServerTarget[] {
    const r = this.rules;
    if (!props.servers) {
      r.fail('server', undefined, 'given (or servers)', 'give the inference server (a Deployment this pattern makes), or the workload that serves (servers)');
      return [];
    }
    const all = props.servers.podSets;
    for (const n of props.podSets ?? []) {
      if (!all.some((p) => p.name === n)) r.fail('podSets', n, `a pod set of the servers (${all.map((p) => p.name).join(', ')})`, 'name the pod sets that read the model');
    }
    const out: ServerTarget[] = [];
    for (const set of all.filter((p) => props.podSets === undefined || props.podSets.includes(p.name))) {
      const container = mainContainerOf(set);
      container.env.addVariable('MODEL_DIR', plus.EnvValue.fromValue(this.modelDir));
      container.env.addVariable('MODEL_VERSION', plus.EnvValue.fromValue(props.version));
      for (const [name, value] of Object.entries(this.serverEnv)) container.env.addVariable(name, plus.EnvValue.fromValue(value));
      const account = set.pod.serviceAccount;
      const key = account ? WorkloadIdentity.keyOf(account) : undefined;
      if (!account || key === undefined) {
        r.fail('servers', set.name, `pods with a service account of WorkloadIdentity (pod set ${set.name} has ${account ? `"${account.name}"` : 'none'})`, "give them WorkloadIdentity.serviceAccount(this, 'inference'): the model's read policy goes to its role");
        continue;
      }
      out.push({ pod: set.pod, container, account, key });
    }
    return out;
  }


  /**
   * The least-privilege IAM policy of each service account this pattern created (read-only,
   * scoped to the bucket and prefix): `hydration` (absent with a Mountpoint cache) and `inference`.
   */
  public iamPolicies(): Record<string, PolicyDocument> {
    return { ...this.policies };
  }

  private hydrate(props: ModelRepositoryProps, b: ModelSourceBinding, cache: Efs | FsxLustre | S3Mountpoint, cacheDir: string): { job: plus.Job; account: plus.ServiceAccount } {
    const r = this.rules;
    const o = props.hydration ?? {};
    const account = WorkloadIdentity.serviceAccount(this, 'hydration', props.serviceAccounts?.hydration);
    const timeout = o.timeout ?? Duration.hours(2);
    r.check('hydration.timeout', timeout.toSeconds(), { minimum: 60, maximum: 7 * 86400, multipleOf: 1 }, 'whole seconds, from a minute to a week', 'between 60 and 604800 seconds');
    r.check('hydration.backoffLimit', o.backoffLimit, { minimum: 0, maximum: 100, multipleOf: 1 });
    const runAs = o.runAs ?? {};
    checkSecurity(r, 'hydration.runAs', runAs);
    const job = new plus.Job(this, 'hydrate', {
      serviceAccount: account,
      backoffLimit: o.backoffLimit ?? 4,
      activeDeadline: timeout,
      restartPolicy: plus.RestartPolicy.NEVER,
      securityContext: { ensureNonRoot: true },
    });
    applyPodGroups(r, 'hydration.runAs', job, runAs);
    const env: Record<string, string> = { ...b.env, MODEL_SOURCE: b.id, MODEL_VERSION: props.version, CACHE_DIR: cacheDir, HOME: '/tmp' };
    if (b.tools) env.STRATA_TOOLS = TOOLS_DIR;
    if (props.region !== undefined && b.s3) Object.assign(env, { AWS_REGION: props.region, AWS_DEFAULT_REGION: props.region });
    const memory = o.memory ?? Size.gibibytes(2);
    const resources = { cpu: { request: o.cpu ?? plus.Cpu.units(1) }, memory: { request: memory, limit: memory } };
    const image = b.s3 ? o.image ?? b.image : b.image;
    let tools: plus.Volume | undefined;
    if (b.tools) {
      // A static busybox for images without a shell: the script runs under it (hydration-scripts.ts).
      tools = plus.Volume.fromEmptyDir(job, 'strata-tools', 'strata-tools', { sizeLimit: Size.mebibytes(16) });
      const copy = job.addInitContainer({ ...helperProps('strata-tools', SHELL_TOOLS_IMAGE, TOOLS_SCRIPT, { STRATA_TOOLS: TOOLS_DIR }, helperResources(10, 16), runAs), command: ['/bin/busybox', 'sh', '-c', TOOLS_SCRIPT] });
      copy.mount(TOOLS_DIR, tools);
    }
    const copier = job.addContainer({
      ...helperProps('hydrate', image, b.script, env, resources, runAs),
      ...(b.tools ? { command: [`${TOOLS_DIR}/sh`, '-c', b.script, 'hydrate', ...(b.args ?? [])] } : {}),
    });
    for (const [name, ref] of Object.entries(b.secretEnv ?? {})) {
      const secret = plus.Secret.fromSecretName(this, `secret-${name}`, ref.name);
      copier.env.addVariable(name, plus.EnvValue.fromSecretValue({ secret, key: ref.key }));
    }
    cache.mount(copier, cacheDir);
    copier.mount('/tmp', tmpVolume(job));
    if (tools) copier.mount(TOOLS_DIR, tools, { readOnly: true });
    checkWritableRoot(r, { field: 'cache', storage: cache, writer: 'the hydration Job', runAs, preparedField: 'hydration.cacheRootPrepared', prepared: o.cacheRootPrepared });
    // A release Job, not a Helm hook: named by its content (the version is in its spec), it runs
    // once per version, beside the rollout whose new pods wait for its marker; Helm deletes the
    // previous version's Job. Re-created (after a manual delete or a rollback), it finds the
    // marker and exits at once.
    return { job, account };
  }

  private addPolicy(key: string, source: S3Location, kmsKeyArn: string | undefined, readVersions = false): void {
    const statements = s3Statements(`${this.node.id}-${key}-models`, source, { read: true, kmsKeyArn, ...(readVersions ? { readVersions } : {}) });
    WorkloadIdentity.addStatements(this, key, statements);
    this.policies[key] = policyDocument(statements);
  }

  /** The progress deadline: given, or a new node and image + the gate + the startup probe (a formula when they are values). */
  private progressDeadline(props: ModelRepositoryProps, readyTimeout: number): number {
    if (props.progressDeadline !== undefined) {
      const given = props.progressDeadline.toSeconds();
      this.rules.check('progressDeadline', given, { minimum: 60, multipleOf: 1 }, 'cover a new pod\'s whole start', 'whole seconds, at least 60');
      return given;
    }
    let startup = (props.server?.startupTimeout ?? Duration.minutes(30)).toSeconds();
    if (!isLiteral(startup)) startup = 1800; // refused by the probes already
    return Tokens.sum(NODE_AND_IMAGE_SECONDS, readyTimeout, startup);
  }

  /** A Mountpoint cache must mount the repository's bucket and prefix, and let the servers in. */
  private checkMountpointSource(mount: S3Mountpoint, source: S3Location, server: Required<RunAs>): void {
    const r = this.rules;
    if (!mount.mountOptions.includes('allow-other')) {
      // Without fsGroup (the servers set none), only the Mountpoint user and root may enter
      // (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/CONFIGURATION.md#L283, the Mountpoint the driver bundles: awslabs/mountpoint-s3-csi-driver@v2.7.0:Dockerfile#L15; awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/node.go#L135-L150).
      const uid = isLiteral(server.user) ? `${server.user}` : 'of the servers';
      r.warn(problem('cache.allowOther', false, `true, with uid and gid ${isLiteral(server.user) && isLiteral(server.group) ? (server.user === server.group ? uid : `${server.user} and ${server.group}`) : 'of the servers'}`, `the servers run as uid ${uid} and cannot read a Mountpoint volume mounted for its own user only`));
    }
    if (isLiteral(mount.bucketName) && isLiteral(source.bucket) && mount.bucketName !== source.bucket) {
      r.fail('cache.bucketName', mount.bucketName, `the source bucket "${source.bucket}"`, 'mount the bucket the model versions are in');
    }
    const mountPrefix = mount.prefix ?? '';
    if (isLiteral(mountPrefix) && isLiteral(source.prefix) && mountPrefix !== source.prefix) {
      r.fail('cache.prefix', mountPrefix, `the source prefix "${source.prefix}"`, 'mount the prefix that holds the versions, so MODEL_DIR is <mountPath>/<version>');
    }
  }
}

/** A pod set that reads the model: its pod, main container and identity. */
interface ServerTarget {
  readonly pod: SchedulablePod;
  readonly container: plus.Container;
  readonly account: plus.IServiceAccount;
  readonly key: string;
}

/**
 * Spreads replicas over nodes and zones, softly (ScheduleAnyway): more replicas than nodes still
 * schedule, unlike a required anti-affinity. Selected by the release's instance label as well, so
 * two releases of one chart in a namespace do not count each other's pods.
 */
export function spreadReplicas(workload: plus.Deployment | plus.StatefulSet): void {
  const component = workload.podMetadata.getLabel('cdk8s.io/metadata.addr');
  const release = releaseOf(workload);
  const matchLabels: Record<string, string> = { ...(component ? { 'cdk8s.io/metadata.addr': component } : {}), ...(release ? { 'app.kubernetes.io/instance': release.name } : {}) };
  const constraint = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels }, matchLabelKeys: ['pod-template-hash'] });
  ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [constraint('kubernetes.io/hostname'), constraint('topology.kubernetes.io/zone')]));
}

function probes(rules: Rules, server: InferenceServerSpec): Pick<plus.ContainerProps, 'readiness' | 'startup'> {
  if (server.healthPath === undefined) return {};
  const period = 10;
  let startupSeconds = (server.startupTimeout ?? Duration.minutes(30)).toSeconds();
  if (!isLiteral(startupSeconds)) {
    // failureThreshold = timeout / period is arithmetic: it cannot follow a value.
    rules.fail('server.startupTimeout', startupSeconds, 'a literal duration', 'the startup probe\'s failure threshold is computed from it: state it in code');
    startupSeconds = 1800;
  }
  return {
    readiness: plus.Probe.fromHttpGet(server.healthPath, { port: server.port ?? 8000, periodSeconds: Duration.seconds(period), failureThreshold: 3 }),
    startup: plus.Probe.fromHttpGet(server.healthPath, {
      port: server.port ?? 8000,
      periodSeconds: Duration.seconds(period),
      failureThreshold: Math.max(1, Math.ceil(startupSeconds / period)),
    }),
  };
}
