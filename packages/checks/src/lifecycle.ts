import { AwaitedObject, awaitBudget, awaitedObjects, CONTENT_NAMED_KINDS, contentHash, DRIFT_DETECTION_ANNOTATION, PROVISIONING_SECONDS, timeoutFor } from '@strata/helm';
import { DO_NOT_DISRUPT_ANNOTATION, FLUSH_ANNOTATION, FlushFacts, flushSeconds, INIT_SECONDS_ANNOTATION, NODE_AND_IMAGE_SECONDS } from '@strata/tokens';
import { EnvironmentDefinition, ExternalDefinition, externalClasses, externalClassProvisioner, NodeGroupDefinition, registryProvider, REPORTS_VOLUME_STATS, storageReleases, tierClassName, yamlDocuments } from '@strata/gitops';
import { Manifest, ownerOf, POD_TEMPLATE_KINDS, PodTemplateKind, podTemplatesOf } from '@strata/tokens';
import { PodSecurityLevelName, PodSecurityProblem, podSecurityProblems, POD_SECURITY_ENFORCE_LABEL, refusedAt } from './pod-security';
import { EnvironmentRelease, environmentReleases } from './references';
import { durationSeconds, showSeconds } from './quantity';
import { CAPACITY_TYPE_LABEL, NON_GPU_DEVICE_RESOURCES, ZONE_LABEL, describeNeeds, NodeOffer, offerFromNodePool, PodNeeds, podNeeds, whyNot } from './scheduling';

/**
 * The lifecycle check: what helm-controller, Helm, the Job controller, the kubelet and Karpenter
 * will do with each release of each environment over time, read from the resolved objects and
 * the environment's Flux objects. Each rule names the upstream behaviour it encodes.
 *
 * A release's facts (LifecycleFacts) depend on the release alone and are kept between runs with
 * its reference summary; the rules combine them with the environment (its HelmReleases, node
 * pools, drivers' settings).
 */

/** What the lifecycle rules need of one release's objects (plain data: kept in generate's cache). */
export interface LifecycleFacts {
  /** What helm-controller waits for, with numbers resolved. */
  readonly awaited: readonly AwaitedObject[];
  readonly jobs: readonly JobFacts[];
  readonly pods: readonly PodFacts[];
  /** StorageClasses the release makes: name → provisioner. */
  readonly classes: readonly (readonly [string, string])[];
  /** Claims: "namespace/name" → storage class ('' for static). */
  readonly claims: readonly (readonly [string, string])[];
  /** NodePools and EC2NodeClasses the release makes. */
  readonly nodePools: readonly Manifest[];
  readonly nodeClasses: readonly Manifest[];
  /** Alert rules: the object, the alert, its expression. */
  readonly alerts: readonly { readonly owner: string; readonly alert: string; readonly expr: string }[];
  /** Shell scripts of containers that swallow an error of the AWS CLI. */
  readonly scripts: readonly { readonly owner: string; readonly container: string; readonly problem: string }[];
}

/** A run: a Job, or an operator's object that runs to completion (JobSet, PyTorchJob, TrainJob, RayJob, SparkApplication). */
export interface JobFacts {
  readonly owner: string;
  readonly kind: string;
  readonly name: string;
  /** A Helm hook (its `helm.sh/hook`), or undefined for a release Job. */
  readonly hook?: string;
  readonly deadline?: number;
  readonly ttl?: number;
  /** Excluded from helm-controller's drift detection by annotation or label. */
  readonly driftExcluded: boolean;
  /** Whether its name ends with the hash of its spec (so a changed spec is a new Job). */
  readonly contentNamed: boolean;
}

export interface PodFacts {
  readonly owner: string;
  readonly kind: string;
  readonly needs: PodNeeds;
  readonly annotations: { readonly [key: string]: string };
  readonly terminationGracePeriodSeconds: number;
  /** The node-local flush the pod declared (FLUSH_ANNOTATION). */
  readonly flush?: FlushFacts;
  /** A Deployment's progressDeadlineSeconds, init bound and startup bound. */
  readonly rollout?: { readonly progressDeadline: number; readonly init: number; readonly startup: number };
  /** A required pod anti-affinity on the hostname against its own pods. */
  readonly selfAntiAffinity: boolean;
  /** Where the pod spec is in its object ("spec.template.spec"). */
  readonly path: string;
  /** What keeps it from Pod Security restricted, each with the lowest level that refuses it. */
  readonly podSecurity: readonly PodSecurityProblem[];
  /** The claims its volumes name, "namespace/name". */
  readonly claims: readonly string[];
}


/**
 * Where each run kind keeps the time after which its controller deletes the finished object:
 * batch/v1 Job and JobSet `spec.ttlSecondsAfterFinished`, the training operator's
 * `spec.runPolicy.ttlSecondsAfterFinished` (kubeflow/trainer@v1.9.4
 * pkg/apis/kubeflow.org/v1/common_types.go RunPolicy), the Spark operator's `spec.timeToLiveSeconds`
 * (kubeflow/spark-operator@v2.5.2 api/v1beta2/sparkapplication_types.go). A RayJob's
 * ttlSecondsAfterFinished deletes its cluster, not the RayJob: not one of these.
 */
const RUN_TTL: { readonly [kind: string]: (o: Manifest) => unknown } = {
  Job: (o) => o.spec?.ttlSecondsAfterFinished,
  JobSet: (o) => o.spec?.ttlSecondsAfterFinished,
  PyTorchJob: (o) => o.spec?.runPolicy?.ttlSecondsAfterFinished,
  SparkApplication: (o) => o.spec?.timeToLiveSeconds,
};

/**
 * The lifecycle facts of one release's resolved objects. `context`: the objects checked with them,
 * by default themselves (a TrainJob's pods are seen whole when its runtime is among them).
 */
export function lifecycleFacts(objects: readonly Manifest[], kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS, context: readonly Manifest[] = objects): LifecycleFacts {
  const jobs: JobFacts[] = [];
  const pods: PodFacts[] = [];
  const alerts: { owner: string; alert: string; expr: string }[] = [];
  const scripts: { owner: string; container: string; problem: string }[] = [];
  for (const o of objects) {
    const annotations = o.metadata.annotations ?? {};
    if (CONTENT_NAMED_KINDS.has(o.kind)) {
      const hook = annotations['helm.sh/hook'];
      const suffix = /-([0-9a-f]{8})$/.exec(o.metadata.name)?.[1];
      const ttl = RUN_TTL[o.kind]?.(o);
      jobs.push({
        owner: ownerOf(o),
        kind: o.kind,
        name: o.metadata.name,
        ...(hook ? { hook } : {}),
        ...(o.kind === 'Job' && typeof o.spec?.activeDeadlineSeconds === 'number' ? { deadline: o.spec.activeDeadlineSeconds } : {}),
        ...(typeof ttl === 'number' ? { ttl } : {}),
        driftExcluded: annotations[DRIFT_DETECTION_ANNOTATION] === 'disabled' || o.metadata.labels?.[DRIFT_DETECTION_ANNOTATION] === 'disabled',
        contentNamed: suffix !== undefined && suffix === contentHash(o.spec ?? null),
      });
    }
    if (o.kind === 'PrometheusRule') {
      for (const g of o.spec?.groups ?? []) for (const r of g.rules ?? []) if (r.alert && typeof r.expr === 'string') alerts.push({ owner: ownerOf(o), alert: r.alert, expr: r.expr });
    }
    for (const t of podTemplatesOf(o, kinds, { objects: context })) {
      const a = (t.metadata.annotations ?? {}) as Record<string, string>;
      let flush: FlushFacts | undefined;
      try {
        flush = a[FLUSH_ANNOTATION] ? (JSON.parse(a[FLUSH_ANNOTATION]) as FlushFacts) : undefined;
      } catch {
        flush = undefined;
      }
      const startup = Math.max(0, ...(t.spec.containers ?? []).map((c: any) => (c.startupProbe ? (c.startupProbe.initialDelaySeconds ?? 0) + (c.startupProbe.periodSeconds ?? 10) * (c.startupProbe.failureThreshold ?? 3) : 0)));
      const self = t.metadata.labels ?? {};
      const anti = (t.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as any[];
      pods.push({
        owner: t.owner,
        kind: t.kind,
        needs: podNeeds(t),
        annotations: a,
        terminationGracePeriodSeconds: typeof t.spec.terminationGracePeriodSeconds === 'number' ? t.spec.terminationGracePeriodSeconds : 30,
        ...(flush ? { flush } : {}),
        ...(o.kind === 'Deployment'
          ? { rollout: { progressDeadline: typeof o.spec?.progressDeadlineSeconds === 'number' ? o.spec.progressDeadlineSeconds : 600, init: Number(a[INIT_SECONDS_ANNOTATION] ?? 0), startup } }
          : {}),
        path: t.path,
        podSecurity: podSecurityProblems(t.spec),
        claims: (t.spec.volumes ?? []).filter((v: any) => v?.persistentVolumeClaim?.claimName).map((v: any) => `${o.metadata.namespace}/${v.persistentVolumeClaim.claimName}`),
        selfAntiAffinity: anti.some((x) => x.topologyKey === 'kubernetes.io/hostname' && Object.entries(x.labelSelector?.matchLabels ?? {}).every(([k, v]) => self[k] === v)),
      });
      for (const c of [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])]) {
        const text = [...(c.command ?? []), ...(c.args ?? [])].join('\n');
        const problem = swallowedAwsError(text);
        if (problem) scripts.push({ owner: t.owner, container: c.name, problem });
      }
    }
  }
  return {
    awaited: awaitedObjects(objects),
    jobs,
    pods,
    classes: objects.filter((o) => o.kind === 'StorageClass').map((o) => [o.metadata.name, String(o.provisioner ?? '')] as const),
    claims: objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, String(o.spec?.storageClassName ?? '')] as const),
    nodePools: objects.filter((o) => o.kind === 'NodePool'),
    nodeClasses: objects.filter((o) => o.kind === 'EC2NodeClass'),
    alerts,
    scripts,
  };
}

/**
 * A line of a shell script that hides an error of the AWS CLI: its stderr thrown away or its
 * failure turned into success (`|| true`, `|| x=""`). An AccessDenied or a network error then
 * reads as "nothing there" (an empty listing, no checkpoint) and the script goes on as if.
 */
export function swallowedAwsError(script: string): string | undefined {
  for (const line of script.split('\n')) {
    if (!/\baws\s+(s3|s3api)\b/.test(line)) continue;
    // `|| code=$?` keeps the status to check it; `|| true`, `|| :` and `|| x=<anything else>` drop it.
    if (/2>\s*\/dev\/null/.test(line) || /\|\|\s*(true|:)(\s|;|$|\))/.test(line) || /\|\|\s*[A-Za-z_][A-Za-z0-9_]*=(?!\$\?)/.test(line)) return `\`${line.trim().slice(0, 120)}\` hides the AWS CLI's error`;
  }
  return undefined;
}

/** One release of an environment as the lifecycle rules see it. */
export interface LifecycleRelease {
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly layer: 'app' | 'infrastructure';
  readonly helmRelease?: Manifest;
  readonly ociRepository?: Manifest;
  readonly facts: LifecycleFacts;
}

/** An environment as the lifecycle rules see it. */
export interface LifecycleEnvironment {
  readonly name: string;
  /** The definition file, blamed for what the environment decides. */
  readonly file: string;
  readonly releases: readonly LifecycleRelease[];
  /** The environment's controllers (drivers, Karpenter) HelmReleases, by release name. */
  readonly controllers: ReadonlyMap<string, Manifest>;
  readonly nodeGroups: readonly (NodeGroupDefinition & NodeGroupDevices)[];
  /** The cluster's region ("us-east-1"): every zone a pod is pinned to must be one of its. @default - not checked */
  readonly region?: string;
  /** The zone in which each of the environment's FSx for Lustre classes (by name) creates file systems (its subnet's). @default - none known */
  readonly fileSystemZones?: readonly { readonly storageClass: string; readonly zone: string }[];
  /** The Pod Security level each workloads' namespace enforces (its `pod-security.kubernetes.io/enforce` label): namespace → level. @default - none known */
  readonly namespaceLevels?: ReadonlyMap<string, PodSecurityLevelName>;
  /** StorageClasses the environment declares external, whose provisioner is known: name → provisioner. @default - none */
  readonly externalClasses?: readonly (readonly [string, string])[];
}

export interface Finding {
  /** The rule: "release-waits", "job-upgrade", "node-local-data", "schedulable", "registry-auth", "alerts-fire", "scripts". */
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * The Spot interruption notice: the instance is reclaimed 2 minutes after it. Karpenter then deletes
 * the node and drains it, but does not evict pods annotated karpenter.sh/do-not-disrupt (they are
 * deleted at the node's terminationGracePeriod, long after the instance is gone): read from
 * kubernetes-sigs/karpenter@v1.14.1 pkg/utils/pod/scheduling.go and the termination controller,
 * not observed in a cluster.
 */
export const SPOT_NOTICE_SECONDS = 120;

/** Every lifecycle finding of one environment, errors and warnings, each "<file>: [<rule>] <message>". */
export function lifecycleFindings(env: LifecycleEnvironment): Finding[] {
  const out: Finding[] = [];
  const add = (rule: string, severity: Finding['severity'], message: string) => out.push({ rule, severity, message: `${env.file}: [${rule}] ${message}` });
  const classes = new Map<string, string>();
  for (const r of env.releases) for (const [name, provisioner] of r.facts.classes) classes.set(name, provisioner);
  for (const [name, provisioner] of env.externalClasses ?? []) if (!classes.has(name)) classes.set(name, provisioner);
  const provisioning = (sc: string) => (sc === '' ? 0 : (PROVISIONING_SECONDS[classes.get(sc) ?? ''] ?? 300));
  const offers = nodeOffers(env);
  const claimClasses = new Map<string, string>();
  for (const r of env.releases) for (const [claim, sc] of r.facts.claims) claimClasses.set(claim, sc);

  for (const r of env.releases) {
    const rel = `${r.layer === 'app' ? 'release' : 'tier release'} ${r.namespace}/${r.releaseName} (chart ${r.chart})`;
    const hr = r.helmRelease?.spec ?? {};
    waits(r, rel, hr, provisioning, add);
    jobs(r, rel, hr, add);
    for (const p of r.facts.pods) pod(p, rel, offers, add);
    for (const p of r.facts.pods) localVolumes(p, offers, classes, claimClasses, add);
    for (const p of r.facts.pods) zones(p, rel, env, claimClasses, add);
    const level = env.namespaceLevels?.get(r.namespace);
    if (level) for (const p of r.facts.pods) podSecurity(p, rel, r.namespace, level, add);
    for (const s of r.facts.scripts) add('scripts', 'error', `${rel}: ${s.owner} container "${s.container}": ${s.problem}: an auth or network error is taken for "nothing there"; check the exit status and fail with the error`);
    const repo = r.ociRepository;
    if (repo && registryProvider(String(repo.spec?.url ?? '')) === 'aws' && repo.spec?.provider !== 'aws') {
      add('registry-auth', 'error', `${rel}: OCIRepository ${repo.metadata.namespace}/${repo.metadata.name} pulls from a private ECR registry (${repo.spec.url}) without provider: aws: source-controller is refused every pull; set spec.provider: aws (fluxcd/source-controller docs/spec/v1/ocirepositories.md "Provider")`);
    }
    alertsFire(r, rel, env, classes, add);
  }
  return out;
}

type Add = (rule: string, severity: Finding['severity'], message: string) => void;

/**
 * The zones a pod may run in, from its node selector and required node affinity: undefined when
 * any zone will do (a term without a zone requirement).
 */
export function podZones(needs: PodNeeds): string[] | undefined {
  const selected = needs.nodeSelector[ZONE_LABEL];
  let zones: Set<string> | undefined;
  if (needs.terms.length > 0) {
    zones = new Set();
    for (const term of needs.terms) {
      const inZones = term.filter((r) => r.key === ZONE_LABEL && r.operator === 'In').map((r) => new Set(r.values ?? []));
      if (inZones.length === 0) {
        zones = undefined;
        break;
      }
      for (const z of [...inZones[0]].filter((z) => inZones.every((set) => set.has(z)))) zones.add(z);
    }
  }
  if (selected !== undefined) return zones === undefined || zones.has(selected) ? [selected] : [];
  return zones === undefined ? undefined : [...zones].sort();
}

/**
 * A pod pinned to zones outside the cluster's region never runs (Karpenter launches nodes only in
 * the subnets of its region: the pod stays Pending), and a pod reading a file system of the
 * environment's FSx for Lustre class, pinned away from the zone that class creates file systems in
 * (its subnet's), runs in a zone other than its data's — the pinning says it must not.
 */
function zones(p: PodFacts, rel: string, env: LifecycleEnvironment, claimClasses: ReadonlyMap<string, string>, add: Add): void {
  const pinned = podZones(p.needs);
  if (pinned === undefined) return;
  const region = env.region;
  // A zone of the region is the region and a letter (us-east-1a), or a Local Zone of it (us-west-2-lax-1a).
  const outside = region ? pinned.filter((z) => !(z.startsWith(region) && /^([a-z]|-[a-z0-9-]+[a-z])$/.test(z.slice(region.length)))) : [];
  if (region && outside.length > 0) {
    add('zones', 'error', `${rel}: ${p.owner} is pinned to ${outside.join(', ')}, outside the cluster's region ${region}: no node can be launched there, so it stays Pending; pin it to a zone of ${region} (for a chart's zone letter: the letter of such a zone)`);
    return;
  }
  for (const fs of env.fileSystemZones ?? []) {
    const claim = p.claims.find((c) => claimClasses.get(c) === fs.storageClass);
    if (claim && !pinned.includes(fs.zone)) {
      add('zones', 'error', `${rel}: ${p.owner} reads claim ${claim} of class ${fs.storageClass}, whose file systems are created in ${fs.zone} (network.subnetId), but is pinned to ${pinned.join(', ') || 'no zone at all'}: set the chart's zone value to ${fs.zone}'s letter ("${fs.zone.slice(-1)}"), or give the class a subnet in the pods' zone`);
    }
  }
}

/**
 * Pod Security Admission refuses every pod its namespace's enforced level refuses: the API server
 * admits the Deployment, Job or custom resource, and its controller then fails to create any pod
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/). One error per pod spec,
 * listing what the level refuses.
 */
function podSecurity(p: PodFacts, rel: string, namespace: string, level: PodSecurityLevelName, add: Add): void {
  const refused = refusedAt(p.podSecurity, level);
  if (refused.length === 0) return;
  const needs = refused.some((x) => x.level === 'baseline') ? 'privileged' : 'baseline';
  add(
    'pod-security',
    'error',
    `${rel}: ${p.owner} ${p.path}: namespace ${namespace} enforces Pod Security "${level}", which refuses its pods: ${refused.map((x) => x.problem).join('; ')}; ` +
      `fix the pod spec, or, if the pod truly needs it, have the construct that makes it require "${needs}" (requirePodSecurity, or its namespacePodSecurity prop) so the environment labels the namespace so`,
  );
}

/**
 * helm-controller waits for every object of a release after install, upgrade and rollback (Jobs to
 * complete unless disableWaitForJobs), each wait bounded by spec.timeout; Helm waits for each hook
 * Job with the same timeout (helm/helm pkg/action/hooks.go). A wait longer than the timeout fails
 * the release.
 */
function waits(r: LifecycleRelease, rel: string, hr: any, provisioning: (sc: string) => number, add: Add): void {
  if (!r.helmRelease) return;
  const timeout = durationSeconds(hr.timeout ?? '5m') ?? 300;
  const waitForJobs = hr.install?.disableWaitForJobs !== true;
  const releaseJobs = { awaited: r.facts.awaited.filter((a) => !(a.kind === 'Job' && r.facts.jobs.find((j) => j.name === a.name)?.hook)) };
  const budget = awaitBudget(releaseJobs.awaited, { resolve: (f) => f, provisioningSeconds: provisioning, waitForJobs });
  for (const j of budget.unboundedJobs) {
    if (waitForJobs || hr.upgrade?.disableWaitForJobs !== true) {
      add('release-waits', 'error', `${rel}: Job ${j} has no activeDeadlineSeconds and helm-controller waits for Jobs to complete: an install or upgrade that outlasts the timeout (${hr.timeout ?? '5m'}) fails, and remediation would uninstall the release; set install.disableWaitForJobs and upgrade.disableWaitForJobs (fluxcd/helm-controller docs/spec/v2/helmreleases.md), and watch the Job itself`);
    }
  }
  for (const o of budget.objects) {
    if (!Number.isFinite(o.seconds) || (o.kind === 'Job' && !waitForJobs)) continue;
    if (o.seconds > timeout) {
      add('release-waits', 'error', `${rel}: the timeout (${hr.timeout ?? '5m'}) is shorter than the wait for ${o.kind} ${o.name} (${showSeconds(o.seconds)}: ${o.why}): helm-controller fails the release before it can be ready; set spec.timeout to at least ${timeoutFor(o.seconds)}`);
    }
  }
  for (const j of r.facts.jobs.filter((x) => x.hook)) {
    if (j.deadline === undefined || j.deadline > timeout) {
      add('release-waits', 'error', `${rel}: hook Job ${j.name} (${j.hook}) ${j.deadline === undefined ? 'has no activeDeadlineSeconds' : `may run ${showSeconds(j.deadline)}`}, but Helm waits for a hook only as long as the release timeout (${hr.timeout ?? '5m'}): the release fails while the hook still runs; make it a release Job (not a hook), or bound it below the timeout`);
    }
  }
  for (const p of r.facts.pods) {
    if (!p.rollout) continue;
    const first = NODE_AND_IMAGE_SECONDS + p.rollout.init + p.rollout.startup;
    if (p.rollout.progressDeadline < first) {
      add('release-waits', 'error', `${p.owner}: progressDeadlineSeconds (${p.rollout.progressDeadline}) is shorter than a new pod's start (${first} s: ${NODE_AND_IMAGE_SECONDS} for a node and image, ${p.rollout.init} in init containers, ${p.rollout.startup} for the startup probe): Kubernetes marks the rollout ProgressDeadlineExceeded, which helm-controller (kstatus) reads as Failed; raise progressDeadlineSeconds to at least ${first}`);
    }
  }
}

/**
 * A Job's template is immutable (kubernetes pkg/apis/batch/validation ValidateJobSpecUpdate): a Job
 * whose name does not change with its spec fails every upgrade that changes it. A finished Job
 * deleted by its TTL is created again by the next upgrade, or by drift correction every interval,
 * and runs again (helm/helm pkg/kube/client.go update: NotFound → create).
 */
function jobs(r: LifecycleRelease, rel: string, hr: any, add: Add): void {
  const drift = hr.driftDetection?.mode === 'enabled';
  for (const j of r.facts.jobs) {
    if (j.hook) continue;
    if (!j.contentNamed) {
      add('job-upgrade', 'error', `${rel}: ${j.kind} ${j.name} keeps its name when its spec changes: ${j.kind === 'Job' ? 'its template is immutable, so the upgrade that changes it fails with "field is immutable"' : 'its controller refuses the change or never runs it again'}; name it by its content (a WorkloadChart does: <name>-<hash of the spec>)`);
    }
    if (j.ttl !== undefined) {
      add('job-upgrade', 'error', `${rel}: ${j.kind} ${j.name} has a time to live of ${j.ttl} s after it finishes: once its controller deletes it, the next upgrade${drift ? ' or drift correction' : ''} creates it again and it runs again; remove the TTL (a finished run is the record that its work is done)`);
    }
    if (drift && !j.driftExcluded) {
      add('job-upgrade', 'error', `${rel}: ${j.kind} ${j.name} is under drift detection: deleted by hand after it finished, helm-controller re-creates it and it runs again; annotate it ${DRIFT_DETECTION_ANNOTATION}: disabled`);
    }
  }
}

/**
 * A pod must run somewhere; a pod holding node-local data not yet copied elsewhere must survive
 * voluntary disruption (karpenter.sh/do-not-disrupt) and be given the time its final flush takes
 * (terminationGracePeriodSeconds, and Karpenter's terminationGracePeriod of its nodes, after which
 * even such pods are deleted); a Spot interruption leaves 2 minutes, and does not evict such pods.
 */
function pod(p: PodFacts, rel: string, offers: readonly NodeOffer[], add: Add): void {
  const fits = offers.filter((o) => whyNot(p.needs, o) === undefined);
  if (offers.length === 0) {
    add('schedulable', 'error', `${rel}: ${p.owner} needs ${describeNeeds(p.needs)}, but the environment declares no NodePool or node group: it would stay Pending; declare the nodes in nodeGroups, or use the instance-store tier's NodePools`);
  } else if (fits.length === 0) {
    const reasons = offers.map((o) => `${o.name}: ${whyNot(p.needs, o)}`).join('; ');
    add('schedulable', 'error', `${rel}: ${p.owner} can run on no NodePool or node group, so it stays Pending; it needs ${describeNeeds(p.needs)} — ${reasons}`);
  }
  if (p.selfAntiAffinity && p.needs.replicas > 1) {
    add('schedulable', 'warning', `${p.owner}: a required pod anti-affinity on kubernetes.io/hostname keeps ${p.needs.replicas} replicas on ${p.needs.replicas} distinct nodes; where there are fewer, the rest stay Pending; spread with topologySpreadConstraints (whenUnsatisfiable: ScheduleAnyway) instead`);
  }
  if (!p.flush) return;
  const need = flushSeconds(p.flush);
  if (p.annotations[DO_NOT_DISRUPT_ANNOTATION] !== 'true') {
    add('node-local-data', 'error', `${p.owner} keeps data on node-local storage until its flush, but has no ${DO_NOT_DISRUPT_ANNOTATION}: "true": Karpenter may consolidate or drift its node away, and the data not yet in S3 is lost`);
  }
  if (p.terminationGracePeriodSeconds < need) {
    add('node-local-data', 'error', `${p.owner}: terminationGracePeriodSeconds (${p.terminationGracePeriodSeconds}) is shorter than its final flush (${need} s for ${p.flush.checkpointMiB} MiB written at ${p.flush.localWriteMiBps} MiB/s and uploaded at ${p.flush.uploadMiBps} MiB/s): the kubelet kills it before the upload ends; give it at least ${need} s`);
  }
  for (const o of fits) {
    if (o.terminationGracePeriodSeconds !== undefined && o.terminationGracePeriodSeconds < p.terminationGracePeriodSeconds) {
      add('node-local-data', 'error', `${p.owner} may run on ${o.name}, whose terminationGracePeriod (${showSeconds(o.terminationGracePeriodSeconds)}) is shorter than the pod's ${p.terminationGracePeriodSeconds} s: when the node expires, Karpenter deletes the pod before its final flush ends; raise the NodePool's terminationGracePeriod`);
    }
    if (o.capacityTypes.includes('spot') && allowsSpot(p.needs)) spot(p, o, need, add);
  }
}

/** The provisioner of local PersistentVolume classes (https://kubernetes.io/docs/concepts/storage/storage-classes/#local). */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/**
 * A local PersistentVolume (a class of no provisioner: the instance-store tier's local-volume
 * layout, or any local static provisioner) is one disk of one node: its data dies with the node.
 * Karpenter disrupts nodes holding pods with local volumes like any other — it replaces them,
 * ignoring the volume's hostname affinity (kubernetes-sigs/karpenter@v1.14.1
 * pkg/controllers/disruption/suite_test.go "can replace node with a local PV",
 * pkg/controllers/provisioning/scheduling/volumetopology.go#L204-L215) — unless the pod carries
 * karpenter.sh/do-not-disrupt; Spot reclaims and expiry take the node whatever the pod says.
 */
function localVolumes(p: PodFacts, offers: readonly NodeOffer[], classes: ReadonlyMap<string, string>, claimClasses: ReadonlyMap<string, string>, add: Add): void {
  const local = p.claims.filter((c) => {
    const sc = claimClasses.get(c);
    return sc !== undefined && sc !== '' && classes.get(sc) === NO_PROVISIONER;
  });
  if (local.length === 0) return;
  const named = `local volume${local.length > 1 ? 's' : ''} ${local.map((c) => `${c} (class ${claimClasses.get(c)})`).join(', ')}`;
  if (p.annotations[DO_NOT_DISRUPT_ANNOTATION] !== 'true') {
    add('node-local-data', 'error', `${p.owner} claims ${named}, whose data lives on one node's disk and dies with it, but has no ${DO_NOT_DISRUPT_ANNOTATION}: "true": Karpenter may consolidate or drift its node away (it moves pods of local volumes to new nodes, with empty disks); annotate the pod, and keep what must outlive the node in S3`);
  }
  const spot = offers.filter((o) => whyNot(p.needs, o) === undefined && o.capacityTypes.includes('spot') && allowsSpot(p.needs)).map((o) => o.name);
  if (spot.length > 0) {
    add('node-local-data', 'warning', `${p.owner} claims ${named} and may run on Spot nodes of ${spot.join(', ')}: a Spot reclaim takes the node, its disk and the volume's data with two minutes' notice, whatever ${DO_NOT_DISRUPT_ANNOTATION} says; run it on on-demand nodes (the pool's capacityTypes), or treat the volume as a cache`);
  }
}

/**
 * A Spot interruption: Karpenter drains the node at once and EC2 reclaims it SPOT_NOTICE_SECONDS
 * later. A pod without do-not-disrupt is evicted at once; one with it is not evicted at all
 * (kubernetes-sigs/karpenter@v1.14.1 pkg/utils/pod/scheduling.go#L58-L63, IsEvictable) — only
 * deleted at the NodePool's terminationGracePeriod less its own grace
 * (pkg/controllers/node/termination/terminator/terminator.go#L140-L183), never without one — so
 * its flush starts late, or after the instance is gone.
 */
function spot(p: PodFacts, o: NodeOffer, need: number, add: Add): void {
  const kept = p.annotations[DO_NOT_DISRUPT_ANNOTATION] === 'true';
  const tgp = o.terminationGracePeriodSeconds;
  const deletedAfter = !kept ? 0 : tgp === undefined ? undefined : Math.max(0, tgp - p.terminationGracePeriodSeconds);
  const lost = 'the checkpoints not yet in S3 are lost; run these pods on on-demand nodes';
  if (deletedAfter === undefined || deletedAfter >= SPOT_NOTICE_SECONDS) {
    const when = deletedAfter === undefined ? 'never deletes it (the NodePool has no terminationGracePeriod)' : `deletes it ${deletedAfter} s into the drain (the NodePool's terminationGracePeriod, ${showSeconds(tgp!)}, less its ${p.terminationGracePeriodSeconds} s)`;
    add('node-local-data', 'error', `${p.owner} may run on Spot nodes of ${o.name}, but a Spot interruption does not evict a pod with ${DO_NOT_DISRUPT_ANNOTATION}: "true": Karpenter ${when}, and EC2 reclaims the instance after ${SPOT_NOTICE_SECONDS} s: its final flush never starts and ${lost}`);
  } else if (deletedAfter > 0) {
    const left = Math.min(p.terminationGracePeriodSeconds, SPOT_NOTICE_SECONDS - deletedAfter);
    if (left < need) add('node-local-data', 'warning', `${p.owner} may run on Spot nodes of ${o.name}, but its final flush takes ${need} s and a Spot interruption leaves it ${left} s (Karpenter deletes it ${deletedAfter} s into the ${SPOT_NOTICE_SECONDS} s notice): the newest checkpoint is lost on a reclaim; keep checkpoints smaller, or run these pods on on-demand nodes`);
  } else if (p.terminationGracePeriodSeconds > SPOT_NOTICE_SECONDS - 10) {
    add('node-local-data', 'warning', `${p.owner} may run on Spot nodes of ${o.name}, but its final flush takes ${p.terminationGracePeriodSeconds} s and a Spot interruption leaves ${SPOT_NOTICE_SECONDS} s: the newest checkpoint is lost on a reclaim; keep checkpoints smaller, or run these pods on on-demand nodes`);
  }
}

/**
 * An alert must read a metric someone exports: the kubelet exports volume stats only for volumes
 * whose driver answers NodeGetVolumeStats (REPORTS_VOLUME_STATS of @strata/gitops, which the
 * environments' own monitoring follows too) — FSx for Lustre and Mountpoint for S3 do not, EFS only
 * with the driver's volMetricsOptIn, and then with a capacity of about 8 EiB (aws-efs-csi-driver
 * issue #1242), so a ratio to capacity never fires.
 */
function alertsFire(r: LifecycleRelease, rel: string, env: LifecycleEnvironment, classes: ReadonlyMap<string, string>, add: Add): void {
  const claimClass = new Map(r.facts.claims);
  const efs = [...env.controllers.values()].find((hr) => hr.spec?.chart?.spec?.chart === 'aws-efs-csi-driver' || hr.metadata.name === 'aws-efs-csi-driver');
  const efsMetrics = efs?.spec?.values?.node?.volMetricsOptIn === true;
  for (const a of r.facts.alerts) {
    if (!/kubelet_volume_stats_/.test(a.expr)) continue;
    const names = [...a.expr.matchAll(/persistentvolumeclaim=~?"([^"]*)"/g)].flatMap((m) => m[1].split('|')).filter(Boolean);
    for (const name of new Set(names)) {
      const sc = claimClass.get(`${r.namespace}/${name}`);
      if (sc === undefined) continue;
      const provisioner = classes.get(sc) ?? '';
      if (REPORTS_VOLUME_STATS[provisioner] === 'no') {
        add('alerts-fire', 'error', `${rel}: ${a.owner} alert ${a.alert} reads kubelet volume stats of claim ${name}, which its driver (${provisioner}) never reports: it can never fire; watch the service's CloudWatch metrics instead`);
      } else if (REPORTS_VOLUME_STATS[provisioner] === 'opt-in') {
        if (/capacity_bytes|available_bytes/.test(a.expr)) {
          add('alerts-fire', 'error', `${rel}: ${a.owner} alert ${a.alert} compares claim ${name} with its capacity, but EFS reports about 8 EiB: it can never fire; alert on kubelet_volume_stats_used_bytes against a budget`);
        } else if (!efsMetrics) {
          add('alerts-fire', 'error', `${rel}: ${a.owner} alert ${a.alert} reads kubelet volume stats of EFS claim ${name}, but the EFS driver of this environment has node.volMetricsOptIn off: the kubelet exports nothing for it; turn it on in the driver's values`);
        }
      }
    }
  }
}

/** Whether a pod's node requirements leave Spot capacity open (no karpenter.sh/capacity-type requirement excluding it). */
function allowsSpot(pod: PodNeeds): boolean {
  const excludes = (e: { key: string; operator: string; values?: readonly string[] }) =>
    e.key === CAPACITY_TYPE_LABEL && ((e.operator === 'In' && !(e.values ?? []).includes('spot')) || (e.operator === 'NotIn' && (e.values ?? []).includes('spot')));
  if (pod.nodeSelector[CAPACITY_TYPE_LABEL] !== undefined) return pod.nodeSelector[CAPACITY_TYPE_LABEL] === 'spot';
  return pod.terms.length === 0 || pod.terms.some((t) => !t.some(excludes));
}

/** The environment's node offers: the NodePools its tier releases make, and the node groups it declares. */
export function nodeOffers(env: LifecycleEnvironment): NodeOffer[] {
  const nodeClasses = new Map<string, Manifest>();
  for (const r of env.releases) for (const c of r.facts.nodeClasses) nodeClasses.set(c.metadata.name, c);
  const pools = env.releases.flatMap((r) => r.facts.nodePools).map((np) => offerFromNodePool(np, nodeClasses));
  return [...pools, ...env.nodeGroups.map(offerFromNodeGroup)];
}

/**
 * Devices a node group's nodes have besides GPUs, by resource (`vpc.amazonaws.com/efa`,
 * `aws.amazon.com/neuron`, `aws.amazon.com/neuroncore`): its definition's `devices`.
 */
export type NodeGroupDevices = { readonly devices?: { readonly [resource: string]: number } };

/** A declared node group as an offer. Devices it does not declare it does not have, as with `gpus`. */
export function offerFromNodeGroup(g: NodeGroupDefinition & NodeGroupDevices): NodeOffer {
  const labels: Record<string, string> = { ...(g.labels ?? {}), 'karpenter.sh/capacity-type': g.capacityType ?? 'on-demand' };
  const zones = g.zones ?? [];
  return {
    name: `node group ${g.name}`,
    labels,
    requirements: zones.length > 0 ? [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [...zones] }] : [],
    openLabel: (key) => /^(topology\.kubernetes\.io\/(zone|region)|node\.kubernetes\.io\/instance-type|kubernetes\.io\/(arch|os|hostname))$/.test(key),
    taints: g.taints ?? [],
    limits: {},
    gpusPerNode: g.gpus ?? 0,
    devicesPerNode: Object.fromEntries(NON_GPU_DEVICE_RESOURCES.map((r) => [r, g.devices?.[r] ?? 0])),
    ...(g.ephemeralStorageGiB !== undefined ? { ephemeralGiB: g.ephemeralStorageGiB } : {}),
    localNvme: false,
    capacityTypes: [g.capacityType ?? 'on-demand'],
  };
}

/** A file tree of environments/ (relative path → content), as generate holds it. */
type Files = ReadonlyMap<string, string>;

/**
 * The lifecycle findings of every environment: its releases (read from its overlays, as Flux
 * builds them) with the facts of their summaries (in the order environmentSummaries gives them),
 * its controllers, and its definition's node groups.
 */
export function environmentsLifecycle(
  environments: Files,
  summaries: { readonly [environment: string]: readonly { readonly lifecycle: LifecycleFacts }[] },
  definitions: readonly {
    readonly name: string;
    readonly file: string;
    readonly definition: {
      readonly nodeGroups?: readonly NodeGroupDefinition[];
      readonly external?: ExternalDefinition;
      readonly cluster?: { readonly region?: unknown };
      readonly network?: { readonly availabilityZone?: unknown; readonly subnetId?: unknown };
      readonly storage?: EnvironmentDefinition['storage'];
    };
  }[],
  /** Each environment's releases, when the caller read them already (environmentSummaries). */
  releasesOf: { readonly [environment: string]: readonly EnvironmentRelease[] } = {},
): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const env of Object.keys(summaries).sort()) {
    const releases = releasesOf[env] ?? environmentReleases(environments, env);
    const facts = summaries[env];
    const def = definitions.find((d) => d.name === env);
    const controllers = new Map<string, Manifest>();
    const k = environments.get(`${env}/infrastructure/controllers/kustomization.yaml`);
    for (const resource of k ? ((yamlDocuments(k)[0] as { resources?: string[] })?.resources ?? []) : []) {
      const text = environments.get(`${env}/infrastructure/controllers/${resource}`);
      for (const d of text ? (yamlDocuments(text) as Manifest[]) : []) if (d.kind === 'HelmRelease') controllers.set(d.metadata.name, d);
    }
    const namespaceLevels = new Map<string, PodSecurityLevelName>();
    const nsText = environments.get(`${env}/apps/namespaces.yaml`);
    for (const d of nsText ? (yamlDocuments(nsText) as Manifest[]) : []) {
      const level = d?.kind === 'Namespace' ? d.metadata?.labels?.[POD_SECURITY_ENFORCE_LABEL] : undefined;
      if (level === 'restricted' || level === 'baseline' || level === 'privileged') namespaceLevels.set(d.metadata.name, level);
    }
    const d = def?.definition;
    // Each FSx class of the environment's tier releases on the network's subnet creates its file systems in the network's zone.
    const zone = d?.network?.availabilityZone;
    const fileSystemZones = typeof zone === 'string'
      ? storageReleases(d).flatMap((r) => {
          const storageClass = r.tier.tier === 'fsx-lustre' && (r.values.subnetId === undefined || r.values.subnetId === d?.network?.subnetId) ? tierClassName(r.tier, r.release, r.values) : undefined;
          return storageClass ? [{ storageClass, zone }] : [];
        })
      : [];
    const findings = lifecycleFindings({
      name: env,
      namespaceLevels,
      ...(typeof d?.cluster?.region === 'string' ? { region: d.cluster.region } : {}),
      ...(fileSystemZones.length > 0 ? { fileSystemZones } : {}),
      file: def?.file ?? `environments/${env}`,
      releases: releases.map((r, i) => ({ chart: r.chart, releaseName: r.releaseName, namespace: r.namespace, layer: r.layer, helmRelease: r.helmRelease, ociRepository: r.ociRepository, facts: facts[i].lifecycle })),
      controllers,
      nodeGroups: def?.definition.nodeGroups ?? [],
      externalClasses: [...externalClasses(def?.definition)].flatMap(([name, c]) => {
        const provisioner = externalClassProvisioner(c.storageClass);
        return provisioner ? [[name, provisioner] as const] : [];
      }),
    });
    for (const f of findings) (f.severity === 'error' ? errors : warnings).push(f.message);
  }
  return { errors, warnings };
}
