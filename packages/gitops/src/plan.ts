import { fullnameOf, objectNameOf } from '@strata/helm';
import { bottleneckWarning, storageBottlenecks } from './bottlenecks';
import { ChartCatalog, ChartEntry, digestIn, JsonSchema } from './catalog';
import { DRIVER_FEATURES, DRIVER_NAMESPACE, DRIVERS, DriverChart, driverOf, isDriverTier, isOperatorUse, isTier, TIER_CHARTS, TierChart } from './drivers';
import { S3_FILES_IDENTITIES, s3FilesDriverProblem } from './s3-files';
import { DriverTierName, EnvironmentDefinition, StorageTierName } from './environment';
import { EXTERNAL_SECTIONS, externalClasses, externalName, externalObjects } from './external';
import { article, ClaimClass, claimClass, ClassContext, ResolvedClaim, storageReleases, TierClass, tierClassesOf, tierClassName, TierReleaseDefinition } from './tiers';
import { planOperators, PlannedOperator } from './operators';
import { aboutField, checkPlaceholders } from './placeholders';
import { EFS_VOLUME_STATS_FEATURE, monitoringProblems, monitoringReadsEfsVolumeStats } from './monitoring/settings';
import { planMonitoring } from './monitoring/files';
import { isDataChart, provisioningSeconds, releasePolicy, ReleasePolicy, TIER_PROVISIONERS } from './release-policy';
import { appliedRoleArn, appliesIdentity, CloudPlan, driverRoleName, planCloud, withCloudStandIns, workloadRoleName } from './cloud';
import { isPlainObject, mergeValues, nestedAt, schemaProblems, showValue, sortKeysDeep, valueAt } from './values';

/** The IRSA annotation (https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html; awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/INSTALL.md#L147). */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** Namespaces that exist in every cluster: never created (nor pruned) by an overlay. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['default', 'flux-system', 'kube-node-lease', 'kube-public', 'kube-system']);

/** One service account of a workload chart that may get an AWS role. */
export interface PlannedServiceAccount {
  /** The key under `serviceAccounts.<key>` in the chart values. */
  readonly key: string;
  /** The object name the chart gives it in this release. */
  readonly name: string;
  readonly roleArn?: string;
}

/** A workloads' namespace the environment makes. */
export interface PlannedNamespace {
  readonly name: string;
  /** Flux must never prune it (a workload in it holds data, or it holds objects declared external). */
  readonly protect: boolean;
  /**
   * The Pod Security level it enforces: the least restrictive level its charts need (restricted
   * when none needs less), and which chart needs it and why.
   */
  readonly podSecurity: { readonly level: 'restricted' | 'baseline' | 'privileged'; readonly because: readonly string[] };
}

export interface PlannedWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly entry: ChartEntry;
  /** The chart version released here. */
  readonly version: string;
  /** Whether the environment pins another version than charts/ holds. */
  readonly versionPinned: boolean;
  /** The digest pinned: only for the charts/ version, when it was published to this environment's registry. */
  readonly digest?: string;
  /** What goes into the HelmRelease: the environment's overrides and identity annotations, nothing else. */
  readonly values?: Record<string, unknown>;
  /** Chart defaults with the overrides: what the chart is rendered with. */
  readonly merged: Record<string, unknown>;
  readonly holdsData: boolean;
  /** Flux must never prune its release, source or namespace (holds data, and pruning was not allowed). */
  readonly protect: boolean;
  readonly uses: readonly string[];
  readonly serviceAccounts: readonly PlannedServiceAccount[];
  /** How the release is installed, upgraded and waited for, with this environment's values (timeout, Jobs, retries). */
  readonly policy: ReleasePolicy;
  /** The chart's storage claims with every `{ $value }` fact read from the merged values; undefined when the chart does not say. */
  readonly claims?: readonly ResolvedClaim[];
}

export type { ResolvedClaim } from './tiers';

/** One release of a tier chart (an infrastructure config). */
export interface PlannedTier {
  readonly tier: TierChart;
  /** The Helm release and HelmRelease name (the chart's name for the one-release form). */
  readonly release: string;
  /** Where the environment declares it (`storage.efs`, `storage.efs[1]`); for the instance-store release strata adds, `storage.instance-store`. */
  readonly field: string;
  /** The StorageClass it makes (FSx, EFS); undefined for a chart that makes none. */
  readonly storageClassName?: string;
  readonly entry: ChartEntry;
  /** The digest pinned: when the chart's version was published to this environment's registry. */
  readonly digest?: string;
  /** The HelmRelease values: the environment's settings and the network defaults. */
  readonly values: Record<string, unknown>;
  readonly merged: Record<string, unknown>;
  readonly policy: ReleasePolicy;
  /** The workloads whose claims name its class (instance store: every workload using the tier). */
  readonly usedBy: readonly string[];
}

export interface PlannedDriver {
  readonly driver: DriverChart;
  readonly roleArn?: string;
  /** The HelmRelease values (identity annotations with IRSA). */
  readonly values?: Record<string, unknown>;
  /** Workloads that need it. */
  readonly usedBy: readonly string[];
}

export interface PlannedKarpenter {
  readonly install: boolean;
  readonly roleArn?: string;
  readonly values: Record<string, unknown>;
}

/** An environment checked against the catalog, with everything the files and the report need. */
export interface EnvironmentPlan {
  readonly env: EnvironmentDefinition;
  /** Where the definition lives, for messages: "environments/dev/environment.ts". */
  readonly file: string;
  readonly errors: string[];
  readonly warnings: string[];
  readonly workloads: PlannedWorkload[];
  /** The tier releases installed here (several per tier when the environment declares several). */
  readonly tiers: PlannedTier[];
  /** The class each declared FSx or EFS release makes, by class name (installed or not). */
  readonly tierClasses: ReadonlyMap<string, TierClass>;
  readonly drivers: PlannedDriver[];
  /** Set when a workload uses instance store (Karpenter provisions the NVMe nodes) or the environment installs it. */
  readonly karpenter?: PlannedKarpenter;
  /** The workload operators the charts use (`operator:<name>`) and their prerequisites, in install order. */
  readonly operators: PlannedOperator[];
  readonly namespaces: readonly PlannedNamespace[];
  /** The AWS half through ACK (cloud.ts), when the environment declares `cloud`. */
  readonly cloud?: CloudPlan;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An object name (RFC 1123 subdomain, at most 253): Secrets, ConfigMaps, claims, classes, service accounts. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A data key of a Secret or ConfigMap (kubernetes pkg/apis/core/validation: IsConfigMapKey). */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
/** A Kubernetes quantity as claims are sized: "1200Gi", "1.2Ti", "500G". */
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
/** A provisioner: a CSI driver name ("efs.csi.aws.com") or an in-tree one ("kubernetes.io/no-provisioner"). */
const PROVISIONER = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const AZ = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d[a-z]$/;
const SUBNET = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const KUBE_VERSION = /^1\.(\d+)(\.\d+)?$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** `oci://host[:port][/path]`, path components as the OCI distribution spec names them; no trailing slash. */
const OCI_URL = /^oci:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;

/**
 * Checks an environment against the charts and decides what it installs. Pure: errors and
 * warnings are returned (all of them), never thrown.
 */
export function planEnvironment(env: EnvironmentDefinition, catalog: ChartCatalog, file = `environments/${env?.name}/environment.ts`): EnvironmentPlan {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fail = (field: string, value: unknown, accepted: string, fix: string) => errors.push(`${file}: '${field}' (${showValue(value)}) must be ${accepted}; ${fix}`);
  const failRaw = (message: string) => errors.push(`${file}: ${message}`);
  const warn = (message: string) => warnings.push(`${file}: ${message}`);

  // --- name, cluster, registry ------------------------------------------------------------
  if (typeof env.name !== 'string' || !DNS_LABEL.test(env.name) || env.name.length > 63) {
    fail('name', env.name, 'a DNS label (lowercase letters, digits and "-", at most 63)', 'it names the folder environments/<name>/');
  } else if (env.name === 'base') {
    fail('name', env.name, 'another name than "base"', 'environments/base/ holds the shared workload bases');
  }
  const cluster = env.cluster ?? ({} as EnvironmentDefinition['cluster']);
  if (typeof cluster.name !== 'string' || !CLUSTER_NAME.test(cluster.name)) fail('cluster.name', cluster.name, 'an EKS cluster name (letters, digits, "-" and "_", at most 100)', 'give the cluster name as `aws eks list-clusters` shows it');
  if (typeof cluster.region !== 'string' || !REGION.test(cluster.region)) fail('cluster.region', cluster.region, 'an AWS region such as "us-east-1"', 'give the region the cluster runs in');
  const kube = typeof cluster.kubernetesVersion === 'string' ? KUBE_VERSION.exec(cluster.kubernetesVersion) : null;
  if (!kube) fail('cluster.kubernetesVersion', cluster.kubernetesVersion, 'a Kubernetes minor version such as "1.33"', 'give the version `kubectl version` reports for the server');
  const kubeMinor = kube ? Number(kube[1]) : undefined;
  if (typeof env.registry !== 'string' || !OCI_URL.test(env.registry)) {
    fail('registry', env.registry, 'an oci:// URL without a trailing slash, e.g. "oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts"', 'write the registry and path the charts are pushed to with `helm push`');
  }

  // --- network -----------------------------------------------------------------------------
  const network = env.network ?? ({} as EnvironmentDefinition['network']);
  checkSubnet('network.subnetId', network.subnetId, fail);
  if (typeof network.availabilityZone !== 'string' || !AZ.test(network.availabilityZone)) {
    fail('network.availabilityZone', network.availabilityZone, 'an Availability Zone such as "us-east-1a"', 'give the zone of network.subnetId');
  } else if (typeof cluster.region === 'string' && REGION.test(cluster.region) && !network.availabilityZone.startsWith(cluster.region)) {
    fail('network.availabilityZone', network.availabilityZone, `a zone of ${cluster.region}`, 'give the zone of network.subnetId, in the cluster\'s region');
  }
  const sgs: unknown = network.securityGroupIds;
  if (!Array.isArray(sgs)) fail('network.securityGroupIds', sgs, 'a list of security group IDs', 'list the groups that let the nodes reach the file systems');
  else sgs.forEach((g, i) => {
    if (typeof g !== 'string' || !SECURITY_GROUP.test(g)) fail(`network.securityGroupIds[${i}]`, g, 'a security group ID such as "sg-0123456789abcdef0"', 'copy the ID from the EC2 console or `aws ec2 describe-security-groups`');
  });

  // --- identity ------------------------------------------------------------------------------
  const identity = env.identity ?? ({} as EnvironmentDefinition['identity']);
  if (identity.mode !== 'irsa' && identity.mode !== 'pod-identity') fail('identity.mode', identity.mode, 'one of "irsa", "pod-identity"', 'choose how pods get AWS credentials');
  const checkArn = (field: string, arn: unknown) => {
    if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) fail(field, arn, 'an IAM role ARN such as "arn:aws:iam::123456789012:role/name"', 'copy the role ARN from IAM');
  };
  for (const [k, arn] of Object.entries(identity.drivers ?? {})) {
    if (!isDriverTier(k)) fail(`identity.drivers.${k}`, arn, 'under one of "fsx-lustre", "efs", "s3"', 'instance store has no driver and needs no role');
    else checkArn(`identity.drivers.${k}`, arn);
  }
  if (identity.karpenter !== undefined) checkArn('identity.karpenter', identity.karpenter);
  if (identity.efsNode !== undefined) checkArn('identity.efsNode', identity.efsNode);

  // --- placeholders ------------------------------------------------------------------------------
  // What the environment generator leaves for the user to fill in never reaches a cluster.
  const placeholders = checkPlaceholders(env, fail);
  for (const p of monitoringProblems(env.monitoring)) failRaw(p);

  // --- external objects --------------------------------------------------------------------------
  checkExternal(env, fail, checkArn);
  const outside = externalClasses(env);

  // --- tier releases (storage) -----------------------------------------------------------------------
  // Each declared release's values (the network filled in) and the class it makes, before the
  // workloads: a claim provisions from the release whose class it names.
  const draftTier = (d: TierReleaseDefinition): TierDraft => {
    const entry = catalog[d.tier.chart] as ChartEntry | undefined;
    const values = tierValues(d, entry?.schema ?? {}, env, fail, warn);
    const merged = mergeValues(entry?.defaults ?? {}, withCloudStandIns(values, env)) as Record<string, unknown>;
    const storageClassName = tierClassName(d.tier, d.release, merged);
    return { definition: d, entry, values, merged, ...(storageClassName !== undefined ? { storageClassName } : {}), classField: `${d.valuesField}.${d.tier.classNaming?.value ?? 'storageClassName'}` };
  };
  const drafts: TierDraft[] = storageReleases(env, fail).map(draftTier);
  const tierClasses = tierClassesOf(drafts, fail);
  for (const [name, c] of outside) {
    const made = tierClasses.get(name);
    if (made) {
      fail(`${c.field}.name`, name, `another name than the classes this environment's tier releases make (${[...tierClasses.keys()].join(', ')})`, `${made.field} (release ${made.release}) makes ${name}: remove the declaration, or rename one of the two classes`);
    }
  }
  // Claims on a tier release's class, or on a declared class of a known tier, bind as that tier's do (the release timeout follows).
  const classTier = (name: string) => tierClasses.get(name)?.tier.tier ?? outside.get(name)?.tier;

  // --- workloads -----------------------------------------------------------------------------
  const tierChartNames = new Set(Object.values(TIER_CHARTS).map((t) => t.chart));
  // Listed only for an error message: an environment reads the catalog entries it names, no others (generate reuses an environment's output while those are unchanged).
  const workloadCharts = () => Object.keys(catalog).filter((c) => !tierChartNames.has(c)).sort();
  const workloads: PlannedWorkload[] = [];
  const deployments = isPlainObject(env.workloads) ? env.workloads : {};
  if (!isPlainObject(env.workloads)) fail('workloads', env.workloads, 'an object of workload deployments', 'list the workloads of this environment by chart name');
  for (const name of Object.keys(deployments).sort()) {
    const d = deployments[name] as EnvironmentDefinition['workloads'][string];
    const field = `workloads.${name}`;
    if (tierChartNames.has(name)) {
      fail('workloads', name, 'a workload chart', `${name} is a storage tier chart: set its values under storage.${Object.values(TIER_CHARTS).find((t) => t.chart === name)!.tier}`);
      continue;
    }
    const entry = catalog[name];
    if (!entry) {
      const known = workloadCharts();
      fail('workloads', name, known.length > 0 ? `one of the charts in charts/: ${known.map((c) => JSON.stringify(c)).join(', ')}` : 'a chart in charts/ (there is none yet)', 'fix the name, or create the workload and run generate');
      continue;
    }
    if (!isPlainObject(d)) {
      fail(field, d, 'a workload deployment ({ namespace, values?, allowPrune?, version? })', 'use workload<Values>({ namespace: … })');
      continue;
    }
    if (typeof d.namespace !== 'string' || !DNS_LABEL.test(d.namespace) || d.namespace.length > 63) {
      fail(`${field}.namespace`, d.namespace, 'a DNS label (lowercase letters, digits and "-", at most 63)', 'Kubernetes namespace names are DNS labels, e.g. "ml-inference"');
    } else if (SYSTEM_NAMESPACES.has(d.namespace)) {
      fail(`${field}.namespace`, d.namespace, 'a namespace of its own', 'workloads do not go into system namespaces; pick e.g. "' + name + '"');
    }
    if (d.version !== undefined && (typeof d.version !== 'string' || !SEMVER.test(d.version))) {
      fail(`${field}.version`, d.version, 'a SemVer chart version such as "0.1.0"', 'pin a version that was published to the registry');
    }
    if (d.values !== undefined && !isPlainObject(d.values)) fail(`${field}.values`, d.values, 'an object of value overrides', 'see the chart\'s values.yaml');
    if (d.allowPrune !== undefined && typeof d.allowPrune !== 'boolean') fail(`${field}.allowPrune`, d.allowPrune, 'true or false', 'allow pruning only where losing the data is acceptable');
    const accepted: unknown = d.acceptedChanges;
    if (accepted !== undefined && (!Array.isArray(accepted) || accepted.some((a) => !isPlainObject(a) || ['kind', 'name', 'change', 'reason'].some((k) => typeof a[k] !== 'string' || a[k] === '')))) {
      fail(`${field}.acceptedChanges`, accepted, 'a list of { kind, name, change, reason } (strings)', 'copy the record generate proposes, and say why');
    }
    const minKube = minMinor(entry.kubeVersion);
    if (kubeMinor !== undefined && minKube !== undefined && kubeMinor < minKube) {
      fail('cluster.kubernetesVersion', cluster.kubernetesVersion, `at least 1.${minKube} for ${name} (its chart's kubeVersion is "${entry.kubeVersion}")`, 'upgrade the cluster or leave the workload out');
    }

    // Identity: IRSA annotations go into the release's values, on the chart's service accounts.
    // With identity applied (cloud.identity), ACK makes the role of every key the chart writes a policy for.
    const applied = appliesIdentity(env) ? Object.fromEntries((entry.policyKeys ?? []).map((k) => [k, appliedRoleArn(env, workloadRoleName(env, name, k))])) : {};
    const roles: Record<string, string> = { ...applied, ...((identity.workloads ?? {})[name] ?? {}) };
    const knownKeys = serviceAccountKeys(entry);
    const serviceAccounts: PlannedServiceAccount[] = [];
    for (const [key, arn] of Object.entries((identity.workloads ?? {})[name] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      checkArn(`identity.workloads.${name}.${key}`, arn);
      if (!knownKeys.includes(key)) {
        fail(`identity.workloads.${name}`, key, knownKeys.length > 0 ? `one of the service accounts of the ${name} chart: ${knownKeys.map((k) => JSON.stringify(k)).join(', ')}` : `a service account of the ${name} chart (it has none under serviceAccounts)`, 'use the key of serviceAccounts.<key> in the chart\'s values.yaml');
      }
    }
    for (const key of knownKeys) {
      serviceAccounts.push({ key, name: objectNameOf(fullnameOf(name, name), entry.serviceAccounts?.[key] ?? key), ...(roles[key] ? { roleArn: roles[key] } : {}) });
    }
    // A service account the chart writes an IAM policy for runs pods that need AWS access (S3
    // through Mountpoint as the pod, a hydration or sync step): without a role they fail at run time.
    for (const key of entry.policyKeys ?? []) {
      if (roles[key] === undefined) {
        fail(`identity.workloads.${name}.${key}`, undefined, `an IAM role ARN holding the policy charts/${name} writes for it (iam-policies/${key}.json)`, `its pods need that access (S3 and the like) and run without any: create the role from the policy (npx nx run ${name}:synth writes charts/${name} while generate refuses) and give it here`);
      }
    }
    let values: Record<string, unknown> | undefined = isPlainObject(d.values) && Object.keys(d.values).length > 0 ? (d.values as Record<string, unknown>) : undefined;
    if (identity.mode === 'irsa') {
      for (const sa of serviceAccounts) {
        if (!sa.roleArn) continue;
        values = mergeValues(values ?? {}, nestedAt(['serviceAccounts', sa.key, 'annotations', IRSA_ANNOTATION], sa.roleArn)) as Record<string, unknown>;
      }
    }
    const merged = mergeValues(entry.defaults, values ?? {}) as Record<string, unknown>;
    for (const p of schemaProblems(entry.schema, merged, `${field}.values`, `see charts/${name}/values.yaml for what the chart accepts`, entry.schemaRules)) if (!aboutField(p, placeholders)) failRaw(p);

    // Claims under a condition that is off in this release do not exist here.
    const release = { chart: name, release: name, namespace: typeof d.namespace === 'string' ? d.namespace : '' };
    const claims = entry.storage?.filter((c) => (c.when ?? []).every((w) => resolveFact(w, merged) === true)).map((c) => resolveClaim(c, merged, release));
    const holdsData = isDataChart(entry);
    const pinned = d.version !== undefined && d.version !== entry.version;
    if (pinned) {
      warn(`workloads.${name}.version pins ${d.version} while charts/ holds ${entry.version}: generate checks the values, the lifecycle and upgrade safety against the chart in charts/, not against ${d.version}; Helm checks the values again at install`);
    }
    workloads.push({
      name,
      namespace: d.namespace,
      entry,
      version: pinned ? d.version! : entry.version,
      versionPinned: pinned,
      ...(!pinned && digestIn(entry, env.registry) ? { digest: digestIn(entry, env.registry) } : {}),
      ...(values ? { values: sortKeysDeep(values) } : {}),
      merged,
      holdsData,
      protect: holdsData && d.allowPrune !== true,
      uses: entry.uses,
      serviceAccounts,
      policy: releasePolicy(entry, merged, classTier),
      ...(claims ? { claims } : {}),
    });
  }
  for (const w of Object.keys(identity.workloads ?? {})) {
    if (!(w in deployments)) fail('identity.workloads', w, 'a workload of this environment', `deploy ${w} under workloads, or remove its roles`);
  }

  // --- tier releases strata adds ------------------------------------------------------------------
  // A tier the environment declares no release of, whose claims name the class workload charts claim
  // by default (strata-efs, strata-fsx-lustre): one release named after the chart, its class so named,
  // with the chart defaults and the network (what an environment got before it could declare releases).
  for (const tier of [TIER_CHARTS['fsx-lustre'], TIER_CHARTS.efs, TIER_CHARTS['s3-files']]) {
    if (drafts.some((t) => t.definition.tier.tier === tier.tier) || tier.storageClassName === undefined || tierClasses.has(tier.storageClassName)) continue;
    const claimed = workloads.some((w) => (w.claims ?? []).some((c) => c.tier === tier.tier && !c.ownClass && c.facts.storageClassName === tier.storageClassName));
    if (!claimed) continue;
    const draft = draftTier({ tier, release: tier.chart, field: `storage.${tier.tier}`, valuesField: `storage.${tier.tier}`, values: { [tier.classNaming!.value]: tier.storageClassName }, implicit: true });
    drafts.push(draft);
    tierClasses.set(tier.storageClassName, { name: tier.storageClassName, tier, release: tier.chart, field: `storage.${tier.tier}` });
  }

  // --- claims and the classes they name -----------------------------------------------------------
  // Each claim provisions from the class it names: a tier release's (that release is installed for
  // it), the chart's own, a declared external one (checked as a tier class when its tier is known,
  // and its tier's driver installed), or none it may name (refused).
  // With external.storageClasses unreadable (refused above), which classes exist is not known: no claim is refused for its class.
  const declaredExternal: unknown = env.external;
  const classesUnreadable = declaredExternal !== undefined && (!isPlainObject(declaredExternal) || (declaredExternal.storageClasses !== undefined && !Array.isArray(declaredExternal.storageClasses)));
  const externalTiers = new Map<StorageTierName, string[]>();
  const tierUsers = new Map<string, string[]>();
  const unstated = new Map<StorageTierName, string[]>();
  const addUser = (map: Map<string, string[]>, key: string, user: string) => {
    const users = map.get(key) ?? [];
    if (!users.includes(user)) map.set(key, [...users, user]);
  };
  for (const w of workloads) {
    const context: ClassContext = { tierClasses, chartClasses: w.entry.storageClasses };
    for (const c of w.claims ?? []) {
      const cls = claimClass(c, env, context);
      // Where the class is named: the release's value, or the chart itself.
      const named = c.classValue !== undefined ? `workloads.${w.name}.values.${c.classValue}` : `workloads.${w.name}`;
      const ofTier = [...tierClasses.values()].filter((t) => t.tier.tier === c.tier);
      const choices = ofTier.length > 0 ? `the class of a storage.${c.tier} release here (${ofTier.map((t) => t.name).join(', ')})` : `the class of a storage.${c.tier} release here (none is declared)`;
      const naming = (TIER_CHARTS as Record<string, TierChart | undefined>)[c.tier]?.classNaming;
      const conventional = naming ? `storage.${c.tier}` : undefined;
      if (cls.kind === 'tier') {
        if (cls.tierClass.tier.tier !== c.tier) {
          fail(named, cls.name, `${article(c.tier)} class for ${w.name}'s ${c.tier} claim ${c.name}: ${choices}, or one declared in external.storageClasses`,
            `${cls.tierClass.field} (release ${cls.tierClass.release}) makes ${cls.name}, ${article(cls.tierClass.tier.tier)} class, which ${article(c.tier).replace(/^an? /, '')} claim cannot use`);
        } else addUser(tierUsers, cls.tierClass.release, w.name);
      } else if (cls.kind === 'undeclared' && !classesUnreadable) {
        const fixes = [
          ofTier.length > 0 ? `set it to one of those` : undefined,
          conventional ? `name a ${conventional} release's class so (${naming!.value}: ${JSON.stringify(cls.name)} in its values${naming!.enabledBy ? `, with ${naming!.enabledBy}: true` : ''})` : undefined,
          `declare the class in external.storageClasses if it exists outside strata`,
        ].filter((f): f is string => f !== undefined);
        fail(named, cls.name, `a StorageClass this environment has for ${w.name}'s ${c.tier} claim ${c.name}: ${choices}, or one declared in external.storageClasses`, `no tier release here makes ${cls.name} and it is not declared: ${fixes.join(', or ')}`);
      } else if (cls.kind === 'unstated' && isTier(c.tier)) {
        addUser(unstated, c.tier, w.name);
      } else if (cls.kind === 'external') {
        if (cls.storageClass.tier !== undefined && !isTier(String(cls.storageClass.tier))) continue; // refused above
        if (cls.tier === undefined) {
          const minutes = Math.round(provisioningSeconds(w.entry, cls.name, classTier) / 60);
          const skipped = [`whether it is ${article(c.tier)} class`, `how long the claim takes to bind (the release allows ${minutes} minutes)`, 'whether alerts on its volume stats can fire'];
          if (c.tier === 'fsx-lustre') skipped.push("the comparison of the claim's deploymentType, perUnitStorageThroughput and storageType with the class's");
          warn(`${w.name} claim ${c.name} provisions from external StorageClass ${cls.name}, whose tier is unknown (${cls.field} has no tier, and no provisioner of a tier's CSI driver): skipped for it: ${skipped.join('; ')}; set ${cls.field}.tier if you know it`);
        } else if (cls.tier !== c.tier) {
          const by = cls.storageClass.tier !== undefined ? 'tier' : 'provisioner';
          fail(
            `${cls.field}.${by}`,
            by === 'tier' ? cls.tier : cls.storageClass.provisioner,
            `${by === 'tier' ? `"${c.tier}"` : `"${TIER_PROVISIONERS[c.tier] ?? c.tier}"`} for claim ${c.name} of ${w.name} (workloads.${w.name}), which provisions from it`,
            `the chart made ${c.name} ${article(c.tier)} claim, and ${cls.tier === 'instance-store' ? 'instance store' : cls.tier} is another tier: correct the declaration, or set the workload's class to ${article(c.tier)} class`,
          );
        } else if (driverOf(cls.tier) !== undefined) {
          // The driver mounts (and, for FSx, EFS and S3 Files, provisions) the class's volumes: it must run here.
          addUser(externalTiers as Map<string, string[]>, cls.tier, w.name);
        }
      }
    }
  }
  for (const [tier, names] of unstated) {
    warn(`${names.join(', ')} ${names.length > 1 ? 'have' : 'has'} ${article(tier)} claim that does not state its class (a chart written before claims stated it): every storage.${tier} release here is installed for it; regenerate the chart with a current @strata/helm`);
  }

  // --- drivers ---------------------------------------------------------------------------------
  const usedBy = new Map<StorageTierName, string[]>();
  const features = new Map<string, string[]>();
  // The environment's own alert on EFS claims' used bytes reads the EFS driver's volume metrics too.
  if (monitoringReadsEfsVolumeStats(env.monitoring)) features.set(EFS_VOLUME_STATS_FEATURE, ['monitoring.thresholds.efsClaimUsedGiB']);
  for (const w of workloads) {
    for (const u of w.uses) {
      if (u in DRIVER_FEATURES) {
        features.set(u, [...(features.get(u) ?? []), w.name]);
        continue;
      }
      if (isOperatorUse(u)) continue; // planOperators
      if (!isTier(u)) {
        warn(`chart ${w.name} uses "${u}", which strata installs nothing for; make sure the cluster provides it`);
        continue;
      }
      usedBy.set(u, [...(usedBy.get(u) ?? []), w.name]);
    }
  }
  // A tier release naming its file system by a ConfigMap key (fileSystemIdConfigRef: an ACK FieldExport's, say)
  // needs the EFS driver to read it (DRIVER_FEATURES 'efs-file-system-id-refs').
  for (const d of drafts) {
    const ref = d.definition.values.fileSystemIdConfigRef;
    if (typeof ref === 'string' && ref !== '') features.set('efs-file-system-id-refs', [...(features.get('efs-file-system-id-refs') ?? []), d.definition.release]);
  }
  for (const [tier, names] of externalTiers) {
    const users = usedBy.get(tier) ?? [];
    const more = names.filter((n) => !users.includes(n));
    if (more.length > 0) usedBy.set(tier, [...users, ...more].sort());
  }
  // S3 Files: the EFS driver must be 3.0.0 or later, and its node service account mounts with IAM
  // (never off for S3 Files): its role is identity.efsNode, set on the chart's node account with IRSA.
  const s3FilesDriver = (driver: DriverChart, values: Record<string, unknown> | undefined, users: readonly string[]): Record<string, unknown> | undefined => {
    const problem = s3FilesDriverProblem(driver, users);
    if (problem) fail(...problem);
    const node = S3_FILES_IDENTITIES.node;
    const arn = identity.efsNode;
    if (arn === undefined) {
      warn(`'identity.efsNode' (not set) should be a role for ${DRIVER_NAMESPACE}/${node.serviceAccount} (${node.policies}): without one S3 Files mounts authenticate as the node's instance profile (S3 Files is used by ${users.join(', ')})`);
      return values;
    }
    return identity.mode === 'irsa' && typeof arn === 'string' ? (mergeValues(values ?? {}, nestedAt(node.annotationsPath, { [IRSA_ANNOTATION]: arn })) as Record<string, unknown>) : values;
  };
  const drivers: PlannedDriver[] = [];
  // S3 Files volumes go through the EFS CSI driver: its users are the EFS driver's too.
  const s3FilesUsers = usedBy.get('s3-files');
  for (const tier of ['fsx-lustre', 'efs', 's3'] as DriverTierName[]) {
    const own = usedBy.get(tier);
    const users = tier === 'efs' && s3FilesUsers ? [...new Set([...(own ?? []), ...s3FilesUsers])].sort() : own;
    const arn = identity.drivers?.[tier] ?? (users && appliesIdentity(env) && (tier !== 's3' || workloads.some((w) => Object.keys(w.entry.policies ?? {}).some((k) => k.includes('-')))) ? appliedRoleArn(env, driverRoleName(env, DRIVERS[tier].identity.serviceAccount)) : undefined);
    if (!users) {
      if (arn !== undefined) warn(`'identity.drivers.${tier}' (${showValue(arn)}) is set but no workload here uses ${tier}: the ${DRIVERS[tier].chart} chart is not installed; remove the role or deploy a workload that needs it`);
      continue;
    }
    const driver = DRIVERS[tier];
    if (driver.minKubernetes && kubeMinor !== undefined && kubeMinor < Number(driver.minKubernetes.split('.')[1])) {
      fail(
        'cluster.kubernetesVersion',
        cluster.kubernetesVersion,
        `at least ${driver.minKubernetes} when a workload uses ${tier} (${users.join(', ')})`,
        `the ${driver.chart} chart ${driver.version} requires Kubernetes >=${driver.minKubernetes} (its Chart.yaml kubeVersion, awslabs/mountpoint-s3-csi-driver@v${driver.version}): upgrade the cluster or leave those workloads out`,
      );
    }
    if (arn === undefined && !(appliesIdentity(env) && tier === 's3')) {
      warn(`'identity.drivers.${tier}' (not set) should be a role for ${driver.identity.namespace}/${driver.identity.serviceAccount}: without one the ${driver.title} uses the node's instance profile (${tier} is used by ${users.join(', ')})`);
    }
    let values: Record<string, unknown> | undefined = identity.mode === 'irsa' && typeof arn === 'string' ? nestedAt(driver.identity.annotationsPath, { [IRSA_ANNOTATION]: arn }) : undefined;
    // The controller's region from the environment, not from instance metadata (DriverChart.regionPath).
    if (driver.regionPath && typeof cluster.region === 'string' && REGION.test(cluster.region)) values = mergeValues(values ?? {}, nestedAt(driver.regionPath, cluster.region)) as Record<string, unknown>;
    for (const feature of [...features.keys()].sort()) {
      if (DRIVER_FEATURES[feature].tier === tier) values = mergeValues(values ?? {}, DRIVER_FEATURES[feature].values) as Record<string, unknown>;
    }
    if (tier === 'efs' && s3FilesUsers) values = s3FilesDriver(driver, values, s3FilesUsers);
    drivers.push({ driver, ...(arn ? { roleArn: arn } : {}), ...(values ? { values: sortKeysDeep(values) } : {}), usedBy: users });
  }

  // --- tier releases (infrastructure configs) -------------------------------------------------
  // An FSx or EFS release is installed when a claim names its class (or when a claim of its tier
  // does not say which class: a chart written before claims stated it). Instance store's releases
  // bring the NVMe nodes: installed when any workload uses the tier (one with the chart defaults
  // when the environment declares none).
  const usesTier = (w: PlannedWorkload, tier: TierChart) => w.uses.includes(tier.tier);
  const nvmeUsers = workloads.filter((w) => usesTier(w, TIER_CHARTS['instance-store'])).map((w) => w.name);
  // Not on EKS Auto Mode: its own nodes put NVMe in a RAID0 already, and the chart's Karpenter kinds need a Karpenter of one's own (autoModeInstanceStore).
  if (nvmeUsers.length > 0 && !drafts.some((t) => t.definition.tier.tier === 'instance-store') && cluster.autoMode !== true) {
    const tier = TIER_CHARTS['instance-store'];
    drafts.push(draftTier({ tier, release: tier.chart, field: `storage.${tier.tier}`, valuesField: `storage.${tier.tier}`, values: {}, implicit: true }));
  }
  const tiers: PlannedTier[] = [];
  for (const draft of drafts) {
    const d = draft.definition;
    const tier = d.tier;
    const users =
      tier.tier === 'instance-store'
        ? nvmeUsers
        : [...new Set([...(tierUsers.get(d.release) ?? []), ...(unstated.get(tier.tier) ?? []), ...workloads.filter((w) => !w.claims && usesTier(w, tier)).map((w) => w.name)])].sort();
    const release = d.release === tier.chart ? '' : ` (release ${d.release})`;
    const entry = draft.entry;
    // A declared release's values are checked whether or not it is installed here: its class name
    // is one of them, and what an environment says must hold the day a workload needs it.
    if (entry) {
      const subnetReported = tier.tier === 'fsx-lustre' && draft.values.subnetId === undefined && errors.some((e) => e.includes("'network.subnetId'") || e.includes(`'${d.valuesField}.subnetId'`));
      for (const p of schemaProblems(entry.schema, draft.merged, d.valuesField, `see charts/${tier.chart}/values.yaml for what the chart accepts`, entry.schemaRules)) {
        if (aboutField(p, placeholders)) continue;
        if (subnetReported && p.startsWith(`'${d.valuesField}.subnetId'`)) continue;
        failRaw(p);
      }
    }
    if (users.length === 0) {
      warn(tier.tier === 'instance-store' ? `'${d.field}'${release} is set but no workload here uses instance store: ${tier.chart} is not installed` : `'${d.field}'${release} is set but no workload here provisions from its class ${draft.storageClassName}: ${tier.chart} is not installed`);
      continue;
    }
    if (!entry) {
      failRaw(`'${d.field}' (chart ${tier.chart}) must be in charts/ when a workload needs it (${users.join(', ')}); generate the tier charts of @strata/storage-charts`);
      continue;
    }
    // A tier chart holds the cluster's classes and NodePools: install remediation (an uninstall)
    // would make Karpenter drain every node of its pools, so it always retries in place.
    const digest = digestIn(entry, env.registry);
    tiers.push({
      tier,
      release: d.release,
      field: d.field,
      ...(draft.storageClassName !== undefined ? { storageClassName: draft.storageClassName } : {}),
      entry,
      ...(digest ? { digest } : {}),
      values: sortKeysDeep(draft.values),
      merged: draft.merged,
      policy: { ...releasePolicy(entry, draft.merged), retryOnFailure: true },
      usedBy: users,
    });
  }

  // A claim on a tier release's class gets that release's deployment settings, whatever the chart
  // assumed; a claim on an external FSx class with known parameters gets that class's.
  for (const w of workloads) {
    const context: ClassContext = { tierClasses, chartClasses: w.entry.storageClasses };
    for (const c of w.claims ?? []) {
      if (c.tier !== 'fsx-lustre') continue;
      const cls = claimClass(c, env, context);
      const release = cls.kind === 'tier' ? tiers.find((t) => t.release === cls.tierClass.release && t.tier.tier === 'fsx-lustre') : undefined;
      const settings = release
        ? { of: `this environment's ${release.storageClassName} class`, values: release.merged, field: drafts.find((t) => t.definition.release === release.release)!.definition.valuesField }
        : cls.kind === 'external' && cls.tier === 'fsx-lustre' && isPlainObject(cls.storageClass.parameters)
          ? { of: `external StorageClass ${cls.name} (${cls.field}.parameters)`, values: cls.storageClass.parameters as Record<string, unknown>, field: `${cls.field}.parameters` }
          : undefined;
      if (!settings) continue;
      for (const key of ['deploymentType', 'perUnitStorageThroughput', 'storageType']) {
        const assumed = c.facts[key];
        const actual = settings.values[key];
        // StorageClass parameters are strings: "250" is 250.
        if (assumed === undefined || actual === undefined || String(assumed) === String(actual) || (key === 'perUnitStorageThroughput' && Number(actual) === 0)) continue;
        warn(`${w.name} claim ${c.name} assumes ${key} ${showValue(assumed)}, but ${settings.of} has ${showValue(actual)}: the file system gets the class's setting (capacity rounding and throughput follow it)`);
      }
      // The data the claim expects must be in what the class links: else the file system starts without it.
      const expected = c.facts.importPath;
      if (typeof expected === 'string' && expected !== '') {
        const linked = settings.values.s3ImportPath;
        const field = `${settings.field}.s3ImportPath`;
        const within = (path: string, root: string) => `${path.replace(/\/*$/, '')}/`.startsWith(`${root.replace(/\/*$/, '')}/`);
        if (typeof linked !== 'string' || linked === '') {
          fail(field, linked, `an S3 path containing ${showValue(expected)} (${w.name}'s claim ${c.name} expects its data there)`, 'link the class to the dataset\'s bucket, or the file system starts empty');
        } else if (!within(expected, linked)) {
          fail(field, linked, `an S3 path containing ${showValue(expected)} (${w.name}'s claim ${c.name} expects its data there)`, `the class links ${linked}, so the file system holds none of it: link the class to a path containing the dataset, or give ${w.name} a dataset under ${linked}`);
        }
      }
    }
  }

  // --- Karpenter -----------------------------------------------------------------------------------
  if (cluster.autoMode === true) for (const t of tiers) autoModeInstanceStore(t, drafts.find((x) => x.definition.release === t.release)!.definition.valuesField, warn);
  let karpenter: PlannedKarpenter | undefined;
  const install = env.karpenter?.install === true;
  if (install && cluster.autoMode === true) {
    fail('karpenter.install', true, 'false on an EKS Auto Mode cluster', 'Auto Mode runs Karpenter itself; leave karpenter out');
  }
  // Spot nodes get a 2-minute notice; Karpenter drains them on it only with its interruption queue
  // (aws/karpenter-provider-aws@v1.14.1 charts/karpenter/values.yaml settings.interruptionQueue).
  const spotPools = tiers
    .filter((t) => t.tier.tier === 'instance-store')
    .flatMap((t) => spotNodePools(t.merged).map((p) => `${drafts.find((x) => x.definition.release === t.release)!.definition.valuesField} nodePools.${p}`));
  if (spotPools.length > 0 && !env.karpenter?.interruptionQueue) {
    const pools = spotPools.join(', ');
    if (install) {
      fail('karpenter.interruptionQueue', undefined, `set when a NodePool may launch Spot nodes (${pools})`,
        'give the SQS queue of Karpenter\'s interruption handling: without it Karpenter never hears of a Spot interruption, and the node is reclaimed 2 minutes after the notice with no drain (its pods get no graceful stop)');
    } else {
      warn(`${pools} may launch Spot nodes: make sure the cluster's Karpenter runs with an interruption queue (settings.interruptionQueue), or a Spot reclaim gives its pods no drain`);
    }
  }
  if (install || usedBy.has('instance-store')) {
    const arn = identity.karpenter;
    if (install && arn === undefined) warn(`'identity.karpenter' (not set) should be the Karpenter controller role: Karpenter cannot launch nodes without EC2 permissions`);
    const settings: Record<string, unknown> = { clusterName: cluster.name };
    if (env.karpenter?.interruptionQueue) settings.interruptionQueue = env.karpenter.interruptionQueue;
    const values: Record<string, unknown> = { settings };
    if (identity.mode === 'irsa' && arn) values.serviceAccount = { annotations: { [IRSA_ANNOTATION]: arn } };
    karpenter = { install, ...(arn ? { roleArn: arn } : {}), values: sortKeysDeep(values) };
  } else if (identity.karpenter !== undefined) {
    warn(`'identity.karpenter' is set but Flux does not install Karpenter here (karpenter.install is not true)`);
  }

  // --- operators (operators.ts) -------------------------------------------------------------------
  const ops = planOperators(workloads, cluster, file);
  errors.push(...ops.errors);
  warnings.push(...ops.warnings);

  // --- node groups ---------------------------------------------------------------------------------
  const groups: unknown = env.nodeGroups;
  if (groups !== undefined && !Array.isArray(groups)) fail('nodeGroups', groups, 'a list of node groups', 'e.g. nodeGroups: [{ name: "system" }]');
  const groupNames = new Set<string>();
  (Array.isArray(groups) ? groups : []).forEach((g, i) => {
    const at = `nodeGroups[${i}]`;
    if (!isPlainObject(g)) {
      fail(at, g, 'a node group ({ name, labels?, taints?, gpus?, devices?, zones?, ephemeralStorageGiB?, capacityType? })', 'describe the nodes pods may run on');
      return;
    }
    if (typeof g.name !== 'string' || g.name === '') fail(`${at}.name`, g.name, 'a name', 'name the node group, for messages');
    else if (groupNames.has(g.name)) fail(`${at}.name`, g.name, 'unique among nodeGroups', 'give each node group its own name');
    else groupNames.add(g.name);
    if (g.gpus !== undefined && (typeof g.gpus !== 'number' || !Number.isInteger(g.gpus) || g.gpus < 0)) fail(`${at}.gpus`, g.gpus, 'a whole number of GPUs per node', 'e.g. 8 for p4d.24xlarge');
    const devices: unknown = g.devices;
    const DEVICE_RESOURCES = ['vpc.amazonaws.com/efa', 'aws.amazon.com/neuron', 'aws.amazon.com/neuroncore'];
    if (devices !== undefined && !isPlainObject(devices)) fail(`${at}.devices`, devices, 'an object of device counts per node', `e.g. { 'vpc.amazonaws.com/efa': 8, 'aws.amazon.com/neuron': 16 } for trn1.32xlarge`);
    for (const [k, n] of Object.entries(isPlainObject(devices) ? devices : {})) {
      if (!DEVICE_RESOURCES.includes(k)) fail(`${at}.devices`, k, `one of ${DEVICE_RESOURCES.map((r) => JSON.stringify(r)).join(', ')}`, 'GPUs go in gpus; other devices are not counted');
      else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`${at}.devices.${k}`, n, 'a whole number per node', 'what the device plugin advertises on one node (kubectl describe node)');
    }
    if (g.ephemeralStorageGiB !== undefined && (typeof g.ephemeralStorageGiB !== 'number' || g.ephemeralStorageGiB < 0)) fail(`${at}.ephemeralStorageGiB`, g.ephemeralStorageGiB, 'a number of GiB', 'the allocatable ephemeral storage of one node');
    if (g.capacityType !== undefined && g.capacityType !== 'on-demand' && g.capacityType !== 'spot') fail(`${at}.capacityType`, g.capacityType, 'one of "on-demand", "spot"', 'how the nodes are bought');
    const taints: unknown = g.taints;
    if (taints !== undefined && !Array.isArray(taints)) fail(`${at}.taints`, taints, 'a list of taints', 'e.g. [{ key: "nvidia.com/gpu", effect: "NoSchedule" }]');
    (Array.isArray(taints) ? taints : []).forEach((t, j) => {
      if (!isPlainObject(t) || typeof t.key !== 'string' || !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(String(t.effect))) {
        fail(`${at}.taints[${j}]`, t, 'a taint { key, value?, effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }', 'copy it from the node group\'s configuration');
      }
    });
    const zones: unknown = g.zones;
    if (zones !== undefined && (!Array.isArray(zones) || zones.some((z) => typeof z !== 'string' || !AZ.test(z)))) fail(`${at}.zones`, zones, 'a list of Availability Zones such as "us-east-1a"', 'the zones of the node group\'s subnets');
    else if (Array.isArray(zones) && typeof cluster.region === 'string') {
      for (const z of zones as string[]) if (!z.startsWith(cluster.region)) fail(`${at}.zones`, z, `a zone of ${cluster.region}`, 'node groups are in the cluster\'s region');
    }
  });

  // --- namespaces ------------------------------------------------------------------------------------
  // A namespace holding objects declared external is never pruned either: deleting it would delete
  // them, though strata did not make them.
  const externalNamespaces = new Set(externalObjects(env).map((o) => o.namespace));
  const levels = ['restricted', 'baseline', 'privileged'] as const;
  const nsMap = new Map<string, { protect: boolean; level: (typeof levels)[number]; because: string[] }>();
  for (const w of workloads) {
    if (typeof w.namespace !== 'string' || SYSTEM_NAMESPACES.has(w.namespace)) continue;
    const ns = nsMap.get(w.namespace) ?? { protect: false, level: 'restricted', because: [] };
    ns.protect = ns.protect || w.protect || externalNamespaces.has(w.namespace);
    const needs = w.entry.podSecurity;
    if (needs) {
      if (levels.indexOf(needs.level) > levels.indexOf(ns.level)) ns.level = needs.level;
      ns.because.push(...(needs.reasons.length > 0 ? needs.reasons : [needs.level]).map((r) => `${w.name}: ${r}`));
    }
    nsMap.set(w.namespace, ns);
  }
  const namespaces: PlannedNamespace[] = [...nsMap.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, ns]) => ({ name, protect: ns.protect, podSecurity: { level: ns.level, because: ns.because } }));

  // --- the cloud half (cloud.ts) ---------------------------------------------------------------------
  // The ACK cloudwatch controller comes with the cloud half when the monitoring makes MetricAlarms (it reads no cloud value).
  const alarms = env.cloud !== undefined && planMonitoring({ env, file, errors, warnings, workloads, tiers, tierClasses, drivers, ...(karpenter ? { karpenter } : {}), operators: ops.operators, namespaces }).alarms.length > 0;
  const cloud = planCloud(env, { workloads, drivers: drivers.map((d) => ({ tier: d.driver.tier, ...(identity.drivers?.[d.driver.tier] ? { statedArn: identity.drivers[d.driver.tier] } : {}) })), tiers: tiers.map((t) => ({ field: t.field, values: t.values })), alarms }, fail, failRaw, warn);
  for (const [i, d] of drivers.entries()) {
    const more = cloud?.driverValues[d.driver.tier];
    if (more) drivers[i] = { ...d, values: sortKeysDeep(mergeValues(d.values ?? {}, more) as Record<string, unknown>) };
  }
  const plan: EnvironmentPlan = { env, file, errors, warnings, workloads, tiers, tierClasses, drivers, ...(karpenter ? { karpenter } : {}), operators: ops.operators, namespaces, ...(cloud ? { cloud } : {}) };
  // --- storage bottlenecks (bottlenecks.ts) ----------------------------------------------------------
  const bottlenecks = storageBottlenecks(plan);
  for (const p of bottlenecks.problems) failRaw(p);
  for (const r of bottlenecks.rows) {
    const message = bottleneckWarning(r);
    if (message) warn(message);
  }
  return plan;
}

/**
 * An instance-store tier release on an EKS Auto Mode cluster. Auto Mode runs its own Karpenter with
 * its own node class (eks.amazonaws.com/v1 NodeClass: no instanceStorePolicy, no userData) and puts
 * the NVMe disks of its nodes in a RAID0 for ephemeral storage itself (awsdocs/amazon-eks-user-guide@4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7:
 * latest/ug/automode/automode-learn-instances.adoc#L109, create-node-class.adoc#L51-L99): the chart's
 * EC2NodeClass and NodePools (karpenter.k8s.aws/v1) need a self-managed Karpenter beside it, which AWS
 * advises against but allows (automode-learn-instances.adoc#L31). Warned, with the Auto Mode way.
 */
function autoModeInstanceStore(t: PlannedTier, at: string, warn: (message: string) => void): void {
  if (t.tier.tier !== 'instance-store') return;
  const on = (path: string[]) => valueAt(t.merged, path) === true;
  const parts = [on(['nodeClass', 'enabled']) ? 'its EC2NodeClass and NodePools' : undefined, on(['localVolumes', 'enabled']) ? 'its local-volume nodes and provisioner' : undefined].filter((x) => x !== undefined);
  if (parts.length === 0) return;
  warn(
    `'${at}' installs ${parts.join(' and ')} (karpenter.k8s.aws/v1) on an EKS Auto Mode cluster: they need a self-managed Karpenter beside Auto Mode's, whose nodes already put their NVMe disks in a RAID0 for emptyDir scratch and take no userData (no local volumes); ` +
      `set nodeClass.enabled, nodePools.cpu.enabled and localVolumes.enabled to false there, and give the NVMe nodes as an Auto Mode NodePool (requirement eks.amazonaws.com/instance-local-nvme Gt 0) declared in nodeGroups — or keep them if the cluster runs its own Karpenter too`,
  );
}

/** The NodePools of the instance-store tier chart's values that are enabled and may launch Spot nodes. */
function spotNodePools(values: unknown): string[] {
  const pools = valueAt(values, ['nodePools']);
  if (!isPlainObject(pools)) return [];
  return Object.keys(pools)
    .sort()
    .filter((k) => {
      const p = pools[k];
      return isPlainObject(p) && p.enabled === true && Array.isArray(p.capacityTypes) && p.capacityTypes.includes('spot');
    });
}

/** The subnet check: exactly one subnet (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/README.md#L95-L96). Returns whether the value is one valid subnet ID. */
function checkSubnet(field: string, value: unknown, fail: (field: string, value: unknown, accepted: string, fix: string) => void): boolean {
  const several = Array.isArray(value) ? value.length !== 1 : typeof value === 'string' && /[,\s]/.test(value.trim());
  if (several) {
    fail(field, value, 'exactly one subnet ID', 'FSx for Lustre creates each file system in a single subnet (one Availability Zone; https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html#FSx-CreateFileSystem-request-SubnetIds): keep the subnet of network.availabilityZone and drop the others');
    return false;
  }
  if (typeof value !== 'string' || !SUBNET.test(value)) {
    fail(field, value, 'a subnet ID such as "subnet-0123456789abcdef0"', 'copy the ID from the VPC console or `aws ec2 describe-subnets`');
    return false;
  }
  return true;
}

/** The environment's values for a tier chart: its own settings, with the network filled in where the chart takes it. */
function tierValues(
  release: TierReleaseDefinition,
  schema: JsonSchema,
  env: EnvironmentDefinition,
  fail: (field: string, value: unknown, accepted: string, fix: string) => void,
  warn: (message: string) => void,
): Record<string, unknown> {
  const { tier, values: own, valuesField: at } = release;
  const props = (schema.properties as Record<string, unknown> | undefined) ?? {};
  const out: Record<string, unknown> = { ...own };
  const fill = (key: string, value: unknown) => {
    if (key in props && out[key] === undefined && value !== undefined) out[key] = value;
  };
  if (tier.tier === 'fsx-lustre') {
    // A bad subnet is reported once, by checkSubnet: the chart's schema is not asked again about it.
    if (own.subnetId !== undefined && !checkSubnet(`${at}.subnetId`, own.subnetId, fail)) delete out.subnetId;
    if (typeof env.network?.subnetId === 'string' && SUBNET.test(env.network.subnetId)) fill('subnetId', env.network.subnetId);
    // The chart takes a list, or (as @strata/storage-charts does today) one id in a string.
    const sgs = Array.isArray(env.network?.securityGroupIds) ? [...env.network.securityGroupIds] : undefined;
    const sgSchema = props.securityGroupIds as JsonSchema | undefined;
    if (sgs && sgSchema?.type === 'string') {
      if (sgs.length > 1 && out.securityGroupIds === undefined) {
        warn(`'network.securityGroupIds' (${showValue(sgs)}) has ${sgs.length} groups but ${tier.chart} takes one: the file systems get ${sgs[0]}; set ${at}.securityGroupIds to choose`);
      }
      fill('securityGroupIds', sgs[0]);
    } else fill('securityGroupIds', sgs);
    if (env.cluster?.autoMode === true && 'fileSystemTypeVersion' in props) {
      // EKS Auto Mode nodes mount Lustre 2.15 only (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L115-L140).
      if (own.fileSystemTypeVersion !== undefined && own.fileSystemTypeVersion !== '2.15') {
        fail(`${at}.fileSystemTypeVersion`, own.fileSystemTypeVersion, '"2.15" on an EKS Auto Mode cluster', 'Auto Mode nodes mount Lustre 2.15 file systems only (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L115-L140)');
      }
      fill('fileSystemTypeVersion', '2.15');
    }
  }
  if (tier.tier === 'instance-store') {
    fill('clusterName', env.cluster?.name);
    // Subnets and security groups by the cluster's discovery tag, unless the environment selects them otherwise.
    const nodeClass = (props.nodeClass as JsonSchema | undefined)?.properties as Record<string, unknown> | undefined;
    const cluster = env.cluster?.name;
    if (nodeClass && typeof cluster === 'string') {
      const own = isPlainObject(out.nodeClass) ? (out.nodeClass as Record<string, unknown>) : {};
      const terms = [{ tags: { 'karpenter.sh/discovery': cluster } }];
      const filled = { ...own };
      for (const key of ['subnetSelectorTerms', 'securityGroupSelectorTerms']) if (key in nodeClass && own[key] === undefined) filled[key] = terms;
      if (out.nodeClass === undefined || isPlainObject(out.nodeClass)) out.nodeClass = filled;
    }
  }
  return out;
}

export type { ClaimClass } from './tiers';
export { claimClass } from './tiers';

/** The class a claim of one of the plan's workloads names (see ClaimClass). */
export function classOfClaim(plan: Pick<EnvironmentPlan, 'env' | 'tierClasses'>, w: Pick<PlannedWorkload, 'entry'>, c: ResolvedClaim): ClaimClass {
  return claimClass(c, plan.env, { tierClasses: plan.tierClasses, chartClasses: w.entry.storageClasses });
}

/** A tier release before it is checked against the catalog: its values and the class it makes. */
interface TierDraft {
  readonly definition: TierReleaseDefinition;
  readonly entry?: ChartEntry;
  /** The HelmRelease values: the environment's and the network. */
  readonly values: Record<string, unknown>;
  /** Chart defaults with those values. */
  readonly merged: Record<string, unknown>;
  readonly storageClassName?: string;
  /** The value that names its class (`storage.efs.storageClassName`), for messages. */
  readonly classField: string;
}

/** The fields of each kind of external declaration, for messages. */
const EXTERNAL_FIELDS: { readonly [kind: string]: readonly string[] } = {
  StorageClass: ['name', 'tier', 'provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'],
  PersistentVolumeClaim: ['namespace', 'name', 'storageClassName', 'size', 'accessModes'],
  Secret: ['namespace', 'name', 'keys'],
  ConfigMap: ['namespace', 'name', 'keys'],
  ServiceAccount: ['namespace', 'name', 'roleArn'],
};

/** Checks the `external` section: each declaration's fields, and no object declared twice or named as strata's own. */
function checkExternal(env: EnvironmentDefinition, fail: (field: string, value: unknown, accepted: string, fix: string) => void, checkArn: (field: string, arn: unknown) => void): void {
  const external: unknown = env.external;
  if (external === undefined) return;
  const sections = Object.keys(EXTERNAL_SECTIONS);
  if (!isPlainObject(external)) {
    fail('external', external, `an object of declarations by kind (${sections.join(', ')})`, "e.g. external: { secrets: [{ namespace: 'ml', name: 'hf-token' }] }");
    return;
  }
  for (const key of Object.keys(external)) {
    if (key in EXTERNAL_SECTIONS) continue;
    const nodes = /node/i.test(key);
    fail('external', key, `one of ${sections.map((k) => JSON.stringify(k)).join(', ')}`, nodes ? 'node groups and NodePools made outside strata are declared under nodeGroups (the scheduling check reads them there)' : 'check the spelling');
  }
  const seen = new Map<string, string>();
  for (const [section, kind] of Object.entries(EXTERNAL_SECTIONS)) {
    const list: unknown = external[section];
    if (list === undefined) continue;
    const fields = EXTERNAL_FIELDS[kind];
    const shape = `a ${kind} ({ ${fields.map((f, i) => (i < (kind === 'StorageClass' ? 1 : 2) ? f : `${f}?`)).join(', ')} })`;
    if (!Array.isArray(list)) {
      fail(`external.${section}`, list, `a list of ${kind} declarations`, `e.g. ${section}: [{ ${kind === 'StorageClass' ? "name: 'shared-efs'" : "namespace: 'ml', name: 'shared'"} }]`);
      continue;
    }
    list.forEach((d: unknown, i) => {
      const at = `external.${section}[${i}]`;
      if (!isPlainObject(d)) {
        fail(at, d, shape, `declare the ${kind} as it exists in the cluster`);
        return;
      }
      for (const k of Object.keys(d)) {
        if (fields.includes(k)) continue;
        if (k === 'namespace' && kind === 'StorageClass') fail(`${at}.namespace`, d[k], 'left out', 'a StorageClass is cluster-scoped: it has no namespace');
        else fail(`${at}.${k}`, d[k], `left out: a ${kind} declaration has no such field (known here: ${fields.join(', ')})`, 'check the spelling');
      }
      let ns: string | undefined;
      if (kind !== 'StorageClass') {
        if (typeof d.namespace !== 'string' || !DNS_LABEL.test(d.namespace) || d.namespace.length > 63) {
          fail(`${at}.namespace`, d.namespace, 'a DNS label (lowercase letters, digits and "-", at most 63)', `the namespace the ${kind} is in: the namespace of the workloads that use it`);
        } else ns = d.namespace;
      }
      const nameOk = typeof d.name === 'string' && DNS_SUBDOMAIN.test(d.name) && d.name.length <= 253;
      if (!nameOk) fail(`${at}.name`, d.name, 'an object name (lowercase letters, digits, "-" and ".", at most 253)', `the ${kind}'s metadata.name`);
      else if (kind === 'StorageClass' || ns !== undefined) {
        const k = externalName({ kind, namespace: ns, name: d.name as string });
        if (seen.has(k)) fail(`${at}.name`, d.name, `declared once (${seen.get(k)} declares ${k} already)`, 'keep one declaration');
        else seen.set(k, at);
      }

      if (kind === 'StorageClass') {
        const tier: unknown = d.tier;
        if (tier !== undefined && !isTier(String(tier))) fail(`${at}.tier`, tier, 'one of "fsx-lustre", "efs", "s3", "s3-files", "instance-store"', 'the storage behind the class; leave it out when unknown');
        const prov: unknown = d.provisioner;
        if (prov !== undefined && (typeof prov !== 'string' || !PROVISIONER.test(prov) || prov.length > 253)) {
          fail(`${at}.provisioner`, prov, 'a provisioner name such as "efs.csi.aws.com"', `copy it from \`kubectl get storageclass ${String(d.name)}\``);
        } else if (typeof prov === 'string' && typeof tier === 'string' && driverOf(tier) !== undefined && prov !== TIER_PROVISIONERS[tier]) {
          fail(`${at}.provisioner`, prov, `"${TIER_PROVISIONERS[tier]}" for ${article(tier)} class`, `copy it from \`kubectl get storageclass ${String(d.name)}\`, or correct the tier`);
        }
        const params: unknown = d.parameters;
        if (params !== undefined && !isPlainObject(params)) fail(`${at}.parameters`, params, 'an object of parameters (strings)', 'copy them from the StorageClass');
        else if (isPlainObject(params)) {
          for (const [k, v] of Object.entries(params)) {
            if (typeof v !== 'string') fail(`${at}.parameters.${k}`, v, 'a string', `StorageClass parameters are strings: write ${JSON.stringify(String(v))}, as \`kubectl get storageclass -o yaml\` shows it`);
          }
          // What the FSx CSI driver and FSx refuse in a class of strata's own, refused in a declared one (it would never provision).
          const fsx = tier === 'fsx-lustre' || (tier === undefined && prov === TIER_PROVISIONERS['fsx-lustre']);
          if (fsx && params.subnetId !== undefined) checkSubnet(`${at}.parameters.subnetId`, params.subnetId, fail);
          if (fsx && env.cluster?.autoMode === true && params.fileSystemTypeVersion !== undefined && params.fileSystemTypeVersion !== '2.15') {
            fail(`${at}.parameters.fileSystemTypeVersion`, params.fileSystemTypeVersion, '"2.15" on an EKS Auto Mode cluster', 'Auto Mode nodes mount Lustre 2.15 file systems only (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L115-L140): its file systems cannot be mounted here');
          }
        }
        if (d.reclaimPolicy !== undefined && d.reclaimPolicy !== 'Retain' && d.reclaimPolicy !== 'Delete') fail(`${at}.reclaimPolicy`, d.reclaimPolicy, 'one of "Retain", "Delete"', 'copy it from the StorageClass');
        if (d.volumeBindingMode !== undefined && d.volumeBindingMode !== 'Immediate' && d.volumeBindingMode !== 'WaitForFirstConsumer') {
          fail(`${at}.volumeBindingMode`, d.volumeBindingMode, 'one of "Immediate", "WaitForFirstConsumer"', 'copy it from the StorageClass');
        }
      }
      if (kind === 'Secret' || kind === 'ConfigMap') {
        const keys: unknown = d.keys;
        if (keys !== undefined) {
          if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || !DATA_KEY.test(k) || k.length > 253)) {
            fail(`${at}.keys`, keys, 'a list of data keys (letters, digits, "-", "_" and ".")', `the keys of the ${kind}'s data, as \`kubectl get ${kind.toLowerCase()} -o yaml\` shows them`);
          } else if (new Set(keys).size !== keys.length) fail(`${at}.keys`, keys, 'a list without duplicates', 'name each key once');
        }
      }
      if (kind === 'PersistentVolumeClaim') {
        const sc: unknown = d.storageClassName;
        if (sc !== undefined && (typeof sc !== 'string' || (sc !== '' && !DNS_SUBDOMAIN.test(sc)))) fail(`${at}.storageClassName`, sc, 'a StorageClass name, or "" for a claim bound to a static volume', "the claim's spec.storageClassName");
        if (d.size !== undefined && (typeof d.size !== 'string' || !QUANTITY.test(d.size))) fail(`${at}.size`, d.size, 'a Kubernetes quantity such as "1200Gi"', "the claim's spec.resources.requests.storage");
        const modes: unknown = d.accessModes;
        const known = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
        if (modes !== undefined && (!Array.isArray(modes) || modes.length === 0 || modes.some((m) => !known.includes(String(m))))) {
          fail(`${at}.accessModes`, modes, `a list of ${known.map((m) => JSON.stringify(m)).join(', ')}`, "the claim's spec.accessModes");
        }
      }
      if (kind === 'ServiceAccount' && d.roleArn !== undefined) checkArn(`${at}.roleArn`, d.roleArn);
    });
  }
}

/** The release a chart's facts are resolved for: names of objects the chart makes follow it. */
export interface FactRelease {
  readonly chart: string;
  readonly release: string;
  readonly namespace: string;
}

/**
 * Facts with each `{ $value: path, multiply? }` read from the release's values (chart default, else
 * the override), and each `{ $clusterObjectName: suffix, override? }` (an object the chart makes, its
 * own StorageClass) as the release names it; without `release`, such a name is undefined.
 */
export function resolveFacts(facts: { readonly [key: string]: unknown }, values: unknown, release?: FactRelease): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(facts ?? {})) out[k] = resolveFact(v, values, release);
  return out;
}

/** A storage claim of a chart resolved for one release: its facts, whether it names a class of the chart's own, and the value that names its class. */
export function resolveClaim(c: { readonly tier: string; readonly name: string; readonly facts: { readonly [key: string]: unknown } }, values: unknown, release: FactRelease): ResolvedClaim {
  const named = c.facts.storageClassName;
  const own = isPlainObject(named) && typeof named.$clusterObjectName === 'string';
  const classValue = isPlainObject(named) ? (typeof named.$value === 'string' ? named.$value : typeof named.override === 'string' ? named.override : undefined) : undefined;
  return { tier: c.tier, name: c.name, facts: resolveFacts(c.facts, values, release), ...(own ? { ownClass: true } : {}), ...(classValue !== undefined ? { classValue } : {}) };
}

/**
 * A fact: `{ $value: path, multiply? }` is read from the values, `{ $concat: [text | { $value }] }`
 * joins text and values (undefined when a value is not a string or number), `{ $clusterObjectName }`
 * is the release's name of that object; objects and lists are resolved inside.
 */
function resolveFact(v: unknown, values: unknown, release?: FactRelease): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveFact(x, values, release));
  if (!isPlainObject(v)) return v;
  if (Array.isArray(v.$concat)) {
    const parts = v.$concat.map((p) => resolveFact(p, values, release));
    return parts.every((p) => typeof p === 'string' || typeof p === 'number') ? parts.join('') : undefined;
  }
  if (typeof v.$clusterObjectName === 'string') {
    // As @strata/helm's clusterObjectName renders it: the value when set, else <namespace>-<full name>-<suffix>.
    const set = typeof v.override === 'string' ? valueAt(values, v.override) : undefined;
    if (typeof set === 'string' && set !== '') return set;
    if (!release) return undefined;
    const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
    const fullname = fullnameOf(release.chart, release.release, { nameOverride: str(valueAt(values, 'nameOverride')), fullnameOverride: str(valueAt(values, 'fullnameOverride')) });
    return objectNameOf(fullname, v.$clusterObjectName, release.namespace);
  }
  if (typeof v.$value !== 'string') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveFact(x, values, release)]));
  const x = valueAt(values, v.$value);
  return typeof v.multiply === 'number' && typeof x === 'number' ? x * v.multiply : x;
}

/** The service account keys of a chart: `serviceAccounts.<key>` in its defaults or its schema. */
export function serviceAccountKeys(entry: ChartEntry): string[] {
  const defaults = valueAt(entry.defaults, ['serviceAccounts']);
  const fromDefaults = isPlainObject(defaults) ? Object.keys(defaults).filter((k) => isPlainObject(defaults[k])) : [];
  const sa = (entry.schema.properties as Record<string, JsonSchema> | undefined)?.serviceAccounts;
  const fromSchema = Object.keys((sa?.properties as object | undefined) ?? {});
  return [...new Set([...fromDefaults, ...fromSchema])].sort();
}

/** ">=1.29.0-0" → 29 (only the simple lower-bound forms charts use). */
function minMinor(kubeVersion: string | undefined): number | undefined {
  const m = kubeVersion ? /^\s*>=?\s*v?1\.(\d+)/.exec(kubeVersion) : null;
  return m ? Number(m[1]) : undefined;
}

