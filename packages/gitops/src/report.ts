import { cloudFluxRows, cloudReport } from './report-cloud';
import { cloudS3FilesReport } from './report-cloud-s3-files';
import { GENERATED } from '@strata/helm';
import { DRIVERS, KARPENTER } from './drivers';
import { ExternalStorageClass } from './environment';
import { ExternalObject, externalClasses, externalClassTier, externalName, externalObjects } from './external';
import { kustomizationTimeout, TIMINGS } from './overlay';
import { controllersTimeout, operatorReport } from './operators';
import { FLUX_NAMESPACE } from './flux';
import { classOfClaim, EnvironmentPlan, PlannedWorkload, ResolvedClaim } from './plan';
import { associationsReport } from './report-associations';
import { efsEstimate, Estimate, fmtNumber, fmtUsd, fsxEstimate, fsxThroughput, instanceStoreEstimate, PRICING, s3Estimate } from './pricing';
import { isPlainObject, valueAt } from './values';
import { policiesSection } from './report-policies';
import { s3FilesNodeIdentity, s3FilesSection, s3FilesSubjects } from './report-s3-files';
import { headroomReport } from './report-headroom';
import { monitoringReport } from './report-monitoring';
import { bottleneckReport } from './report-bottlenecks';
import { versionsReport } from './report-versions';

/** FSx settings of one claim: from the class it provisions from when the environment knows that class's settings. */
export interface FsxSettings {
  readonly capacityGiB?: number;
  readonly deploymentType?: string;
  readonly storageType: string;
  readonly perUnitStorageThroughput?: number;
  readonly dataCompressionType?: string;
  /** Where the deployment settings come from: a tier release of this environment, an external class's declared parameters, or what the chart assumed. */
  readonly from: 'environment' | 'external' | 'chart';
  /** The tier release, when `from` is 'environment'. */
  readonly release?: string;
  /** The class, when `from` is 'environment' or 'external'. */
  readonly className?: string;
}

/**
 * The class-level FSx settings that apply to a claim: its tier release's values for claims on that
 * release's class, the declared parameters of an external class for claims on it (StorageClass
 * parameters are strings), else what the chart assumed.
 */
export function fsxSettings(plan: EnvironmentPlan, w: Pick<PlannedWorkload, 'entry'>, claim: ResolvedClaim): FsxSettings {
  const f = claim.facts;
  const cls = classOfClaim(plan, w, claim);
  const tier = cls.kind === 'tier' ? plan.tiers.find((t) => t.release === cls.tierClass.release && t.tier.tier === 'fsx-lustre') : undefined;
  const onTier = tier !== undefined;
  const params = cls.kind === 'external' && cls.tier === 'fsx-lustre' && isPlainObject(cls.storageClass.parameters) ? (cls.storageClass.parameters as Record<string, unknown>) : undefined;
  const pick = (key: string) => (onTier ? (valueAt(tier!.merged, key) ?? f[key]) : params ? (params[key] ?? f[key]) : f[key]);
  const perUnit = num(pick('perUnitStorageThroughput'));
  return {
    ...(gib(f.capacityGiB) !== undefined ? { capacityGiB: gib(f.capacityGiB) } : {}),
    ...(typeof pick('deploymentType') === 'string' ? { deploymentType: pick('deploymentType') as string } : {}),
    storageType: typeof pick('storageType') === 'string' && pick('storageType') !== '' ? (pick('storageType') as string) : 'SSD',
    ...(perUnit !== undefined && perUnit > 0 ? { perUnitStorageThroughput: perUnit } : {}),
    ...(typeof pick('dataCompressionType') === 'string' ? { dataCompressionType: pick('dataCompressionType') as string } : {}),
    from: onTier ? 'environment' : params ? 'external' : 'chart',
    ...(onTier ? { release: tier!.release, className: tier!.storageClassName } : {}),
    ...(params && cls.kind === 'external' ? { className: cls.name } : {}),
  };
}

/**
 * Who refers to each object declared external ("Secret ml/hf-token" → "Deployment ml/x", …): what
 * generate's reference lint found in the rendered releases (@strata/checks checkSummaries).
 */
export type ExternalUsers = ReadonlyMap<string, readonly string[]>;

/**
 * The environment report: README.md of environments/<env>/. Deterministic (no clock, no locale).
 * `externalUsers` fills the "used by" column of the external objects (generate passes what its
 * reference lint found; without it the column says the lint did not run).
 */
export function environmentReport(plan: EnvironmentPlan, options: { readonly externalUsers?: ExternalUsers } = {}): string {
  const env = plan.env;
  const out: string[] = [];
  // Lines, or whole sections as arrays: appended one by one, never spread into arguments (a section of
  // tens of thousands of lines at 2,000 workloads would overflow the call stack).
  const push = (...parts: (string | readonly string[])[]) => {
    for (const part of parts) if (typeof part === 'string') out.push(part);
    else for (const line of part) out.push(line);
  };
  const c = env.cluster;
  push(`<!-- ${GENERATED} (source: ${plan.file}) -->`, `# Environment \`${env.name}\``, '');
  push(
    `Cluster **${c.name}** in ${c.region}, Kubernetes ${c.kubernetesVersion}${c.autoMode ? ', EKS Auto Mode' : ''}. Charts from \`${env.registry}\`. ` +
      `Identity: ${env.identity.mode === 'irsa' ? 'IRSA (role ARNs on service accounts)' : 'EKS Pod Identity (associations, no annotations)'}.`,
    `Network: subnet \`${env.network.subnetId}\` in ${env.network.availabilityZone}; security groups ${env.network.securityGroupIds.map((g) => `\`${g}\``).join(', ') || 'none'}.`,
    '',
    `Everything in this directory except \`environment.ts\` is written by \`npm run generate\` from \`${plan.file}\` and the charts in \`charts/\`; edit those, not this.`,
    '',
  );

  // --- Flux -------------------------------------------------------------------------------------
  push('## Pointing Flux here', '');
  push(
    `Bootstrap Flux outside this directory (generate owns it, and would remove a \`flux-system/\` folder written here), then let it apply this directory:`,
    '',
    '```sh',
    `flux bootstrap github --owner=<org> --repository=<repo> --path=clusters/${env.name}`,
    `flux create kustomization strata --source=GitRepository/flux-system --path=./environments/${env.name} --prune=true --interval=10m --export > clusters/${env.name}/strata.yaml`,
    '```',
    '',
    `\`kustomization.yaml\` here lists ${plan.cloud ? (plan.cloud.resourceObjects.length > 0 ? 'six' : 'five') : 'three'} Flux Kustomizations (namespace ${FLUX_NAMESPACE}), applied in this order:`,
    '',
    '| Flux Kustomization | applies | depends on | interval | retryInterval | timeout | prune | wait |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const configsTimeout = kustomizationTimeout(plan.tiers.map((t) => t.policy.longestWaitSeconds));
  const appsTimeout = kustomizationTimeout(plan.workloads.map((w) => w.policy.longestWaitSeconds));
  push(
    ...cloudFluxRows(plan, 'before'),
    `| infra-controllers | \`infrastructure/controllers\`: ${plan.drivers.map((d) => d.driver.chart).concat(plan.karpenter?.install ? ['karpenter'] : [], plan.operators.map((o) => o.operator.name), (plan.cloud?.controllers ?? []).filter((x) => !x.controller.bootstrap).map((x) => `ack-${x.controller.service}-controller`)).join(', ') || 'nothing (no driver needed)'} | ${plan.cloud ? 'infra-identity' : '—'} | 1h | 2m | ${controllersTimeout(plan.operators)} | true | true |`,
    ...cloudFluxRows(plan, 'after'),
    `| infra-configs | \`infrastructure/configs\`: ${plan.tiers.map((t) => t.release).join(', ') || 'nothing (no tier chart needed)'} | ${plan.cloud && plan.cloud.resourceObjects.length > 0 ? 'infra-cloud' : 'infra-controllers'} | 1h | 2m | ${configsTimeout} | true | true |`,
    `| apps | \`apps\`: ${plan.workloads.map((w) => w.name).join(', ') || 'nothing'} | infra-configs | 10m | 2m | ${appsTimeout} | true | true |`,
    '',
    'Why these settings:',
    '- **dependsOn** chains drivers → storage classes → workloads, so a claim is never created before its class and its driver exist.',
    '- **wait: true** makes a Kustomization ready only once everything it applied is healthy (each HelmRelease released), so `dependsOn` means "installed", not merely "applied".',
    '- **prune: true** removes what is taken out of the environment (a driver nobody uses any more); objects holding data carry `kustomize.toolkit.fluxcd.io/prune: disabled` and are never pruned.',
    `- **timeout**: drivers roll a DaemonSet over every node (${controllersTimeout(plan.operators)}${plan.operators.length > 0 ? `: ${TIMINGS.controllers.timeout} for each release of the longest chain of operators that depend on one another` : ''}); the configs and the apps wait for their slowest HelmRelease plus five minutes (${configsTimeout}, ${appsTimeout}: see "Releases over time" below).`,
    '- **retryInterval** (2m) retries a failed apply well before the next interval; **interval** is 1h for infrastructure (rarely changes; drift corrected hourly) and 10m for apps.',
    '',
  );

  push(cloudReport(plan));
  push(cloudS3FilesReport(plan));

  // --- releases over time ---------------------------------------------------------------------------
  const releases = [...plan.tiers.map((t) => ({ name: t.release, policy: t.policy })), ...plan.workloads.map((w) => ({ name: w.name, policy: w.policy }))];
  if (releases.length > 0) {
    push(
      '## Releases over time',
      '',
      'Each HelmRelease\'s timeout covers the longest wait helm-controller makes after an install or upgrade of its chart with this environment\'s values (each wait gets the whole timeout), plus five minutes. ' +
        'Jobs without a deadline (training) are not waited for. Charts holding data or running Jobs retry in place (`RetryOnFailure`, helm-controller ≥ v1.4.0 / Flux ≥ 2.7): never an uninstall (which would kill a run) or a rollback (which would re-create an earlier Job). ' +
        'Drift detection (per release since helm-controller v0.37.0 / Flux 2.2) puts back what is changed by hand, except Jobs and claims\' sizes.',
      '',
      '| release | timeout | longest wait | waits for Jobs | on failure |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const r of releases) {
      const longest = [...r.policy.budget.objects].filter((o) => Number.isFinite(o.seconds) && (!r.policy.disableWaitForJobs || o.kind !== 'Job')).sort((a, b) => b.seconds - a.seconds)[0];
      const wait = longest && longest.seconds > 0 ? `${longest.kind} ${longest.name}: ${longest.why}` : 'nothing slower than the minimum';
      const unbounded = r.policy.budget.unboundedJobs;
      const jobs = r.policy.disableWaitForJobs ? `no (${unbounded.join(', ')} ${unbounded.length > 1 ? 'have' : 'has'} no deadline)` : 'yes';
      push(`| ${r.name} | ${r.policy.timeout} | ${wait} | ${jobs} | ${r.policy.retryOnFailure ? 'retry in place' : 'remediate (uninstall or roll back, 3 retries)'} |`);
    }
    push('');
  }

  // --- workloads ------------------------------------------------------------------------------------
  push('## Workloads', '');
  if (plan.workloads.length === 0) push('None.', '');
  else {
    push('| workload | namespace | chart version | storage | data safety | values set here |', '| --- | --- | --- | --- | --- | --- |');
    for (const w of plan.workloads) {
      const safety = !w.holdsData ? 'holds no data' : w.protect ? 'never pruned by Flux; Helm keeps claims and history' : '**prunable** (allowPrune); Helm still keeps claims';
      const keys = w.values ? leafPaths(w.values).map((p) => `\`${p}\``).join(', ') : '—';
      push(`| ${w.name} | ${w.namespace} | ${w.version}${w.versionPinned ? ' (pinned here)' : ''}${w.digest ? ` @ \`${w.digest}\`` : ''} | ${w.uses.join(', ') || '—'} | ${safety} | ${keys} |`);
    }
    push('');
    const pinned = plan.workloads.filter((w) => w.versionPinned);
    if (pinned.length > 0) {
      push(`Pinned versions: the values above were checked against the charts in \`charts/\` (${pinned.map((w) => `${w.name} ${w.entry.version}`).join(', ')}), not against the pinned ones; Helm checks them again at install.`, '');
    }
  }

  // --- data flow ------------------------------------------------------------------------------------
  if (plan.workloads.length > 0) {
    push('## Data flow', '');
    for (const w of plan.workloads) push(`### ${w.name}`, '', ...mermaid(plan, w), '');
  }

  // --- storage tables -------------------------------------------------------------------------------
  push('## Storage and estimated monthly cost', '');
  const basis = `${PRICING.region} list prices${env.cluster.region !== PRICING.region ? ` (the table has no ${env.cluster.region} prices; expect a difference)` : ''}, ${PRICING.priceDate}, ${PRICING.source}`;
  push(
    `> **Estimates only**, in ${PRICING.currency} per month: ${basis}. Confidence of each price: ✓ confirmed, ~ partly confirmed, ? one secondary source; n/a where no price is confirmed. ` +
      'Requests, data transfer, backups, metadata IOPS and taxes are not included. Prices live in `packages/recommend/src/prices.json`.',
    '',
  );
  let total = 0;
  let unpriced = 0;
  const cell = (e: Estimate) => {
    if (e.monthly === undefined) {
      unpriced++;
      return { cost: 'n/a', basis: `${e.basis} · ${PRICING.region}, ${PRICING.priceDate}, ${PRICING.sourceShort}` };
    }
    total += e.monthly;
    return { cost: `${fmtUsd(e.monthly)} ${e.confidence ?? ''}`.trim(), basis: `${e.basis} · ${PRICING.region}, ${PRICING.priceDate}, ${PRICING.sourceShort}` };
  };
  const claimsOf = (tier: string) => plan.workloads.flatMap((w) => provisioning(w).filter((cl) => cl.tier === tier).map((cl) => ({ w, cl })));
  const undescribed = plan.workloads.filter((w) => !w.claims && w.uses.length > 0).map((w) => w.name);

  const fsx = claimsOf('fsx-lustre');
  if (fsx.length > 0) {
    push('### FSx for Lustre', '', '| workload | claim | deployment | storage | capacity | throughput | est. monthly | estimate basis |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const { w, cl } of fsx) {
      const s = fsxSettings(plan, w, cl);
      const tp = s.capacityGiB !== undefined && s.deploymentType ? fsxThroughput(s.capacityGiB, s.deploymentType, s.perUnitStorageThroughput) : undefined;
      const throughput = tp
        ? `${fmtNumber(s.capacityGiB! / 1024, 3)} TiB × ${tp.perUnit} MB/s/TiB = ${fmtNumber(tp.mbps, 0)} MB/s${tp.burst ? ` (burst ${fmtNumber(tp.burst, 0)})` : ''}`
        : `n/a (${s.capacityGiB === undefined ? 'capacity' : !s.deploymentType ? 'deployment type' : 'per-unit throughput'} not stated)`;
      const e = s.capacityGiB !== undefined && s.deploymentType ? fsxEstimate(s.capacityGiB, s.deploymentType, s.storageType, s.perUnitStorageThroughput) : { basis: `n/a: ${s.capacityGiB === undefined ? 'capacity' : 'deployment type'} not stated` };
      const c2 = cell(e);
      const dep = `${s.deploymentType ?? 'n/a'}${s.from === 'environment' ? ` (class ${s.className}, release ${s.release})` : s.from === 'external' ? ` (external class ${s.className})` : ''}${cl.facts.source === 'existing file system' ? ', existing file system' : ''}`;
      push(`| ${w.name} | ${cl.name} | ${dep} | ${s.storageType}${s.dataCompressionType && s.dataCompressionType !== 'NONE' ? `, ${s.dataCompressionType}` : ''} | ${s.capacityGiB !== undefined ? `${fmtNumber(s.capacityGiB)} GiB` : 'n/a'} | ${throughput} | ${c2.cost} | ${c2.basis} |`);
    }
    push('', `Capacity is converted from GiB to GB (× ${PRICING.gibToGb}) before pricing. ${PRICING.fsxLustreNotPriced}`, '');
  }
  const efs = claimsOf('efs');
  if (efs.length > 0) {
    push('### EFS', '', '| workload | claim | provisioning | throughput mode | est. monthly | estimate basis |', '| --- | --- | --- | --- | --- | --- |');
    for (const { w, cl } of efs) {
      const mode = typeof cl.facts.throughputMode === 'string' ? cl.facts.throughputMode : undefined;
      const prov = num(cl.facts.provisionedThroughputMibps);
      const c2 = cell(efsEstimate(mode, prov));
      const cls = classOfClaim(plan, w, cl);
      const which = cls.kind === 'external' ? `external class ${cls.name}` : cls.kind === 'tier' ? `class ${cls.name}, release ${cls.tierClass.release}` : cls.kind === 'own' ? `the chart's own class ${cls.name}` : undefined;
      const how = typeof cl.facts.source === 'string' ? `${cl.facts.source}${which ? ` (${which})` : ''}` : which ?? 'n/a';
      push(`| ${w.name} | ${cl.name} | ${how} | ${mode ? `${mode}${mode === 'provisioned' && prov !== undefined ? ` ${prov} MiB/s` : ''}` : 'set on the file system (not stated)'} | ${c2.cost} | ${c2.basis} |`);
    }
    push('', 'EFS ignores the claim size (it is a placeholder); it bills the GB actually stored.', '');
  }
  const s3Files = claimsOf('s3-files');
  if (s3Files.length > 0) push(s3FilesSection(plan, s3Files, cell));
  const s3 = claimsOf('s3');
  if (s3.length > 0) {
    push('### S3 (Mountpoint)', '', '| workload | claim | bucket | prefix | access | local cache | est. monthly | estimate basis |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const { w, cl } of s3) {
      const c2 = cell(s3Estimate(gib(cl.facts.expectedDataGiB)));
      push(`| ${w.name} | ${cl.name} | ${text(cl.facts.bucketName)} | ${text(cl.facts.prefix)} | ${text(cl.facts.accessMode)} | ${text(cl.facts.cache)} | ${c2.cost} | ${c2.basis} |`);
    }
    push('');
  }
  const nvme = claimsOf('instance-store');
  if (nvme.length > 0) {
    push('### Instance store (NVMe)', '', '| workload | volume | kind | size | est. monthly | estimate basis |', '| --- | --- | --- | --- | --- | --- |');
    for (const { w, cl } of nvme) {
      const c2 = cell(instanceStoreEstimate());
      const size = gib(cl.facts.sizeGiB);
      push(`| ${w.name} | ${cl.name} | ${text(cl.facts.kind)} | ${size !== undefined ? `${fmtNumber(size)} GiB` : 'n/a'} | ${c2.cost} | ${c2.basis} |`);
    }
    push('', 'Instance-store data is lost when the node goes away: anything worth keeping is synced to S3.', '');
  }
  if (fsx.length + efs.length + s3Files.length + s3.length + nvme.length === 0) push('No storage claims are described by the charts deployed here.', '');
  if (undescribed.length > 0) push(`Not in the tables: ${undescribed.join(', ')} (the chart does not describe its storage; regenerate it with a current @strata/helm).`, '');
  push(`**Estimated total: ${fmtUsd(total)} per month** — an estimate from ${PRICING.region} list prices of ${PRICING.priceDate}; ${unpriced > 0 ? `${unpriced} item(s) marked n/a are not included` : 'every item is priced'}.`, '');
  push(bottleneckReport(plan));

  push(headroomReport(plan), monitoringReport(plan), versionsReport(plan));

  // --- infrastructure ---------------------------------------------------------------------------------
  push('## Infrastructure', '', '### CSI drivers (infra-controllers)', '');
  if (plan.drivers.length === 0) push('None: no workload here needs a CSI driver.', '');
  else {
    push('| driver | chart | version | namespace | AWS identity on | used by |', '| --- | --- | --- | --- | --- | --- |');
    for (const d of plan.drivers) {
      push(`| ${d.driver.title} | ${d.driver.repository} ${d.driver.chart} | ${d.driver.version} | ${d.driver.identity.namespace} | \`${d.driver.identity.serviceAccount}\`${s3FilesNodeIdentity(plan, d.driver.tier)} only${d.roleArn ? '' : ' (no role set)'} | ${d.usedBy.join(', ')} |`);
    }
    push('');
  }
  const notInstalled = (['fsx-lustre', 'efs', 's3'] as const).filter((t) => !plan.drivers.some((d) => d.driver.tier === t));
  if (notInstalled.length > 0) push(`Not installed (no workload here uses them): ${notInstalled.map((t) => DRIVERS[t].chart).join(', ')}.`, '');
  if (plan.operators.length > 0) push(operatorReport(plan.operators));
  push('### Storage tier charts (infra-configs)', '');
  if (plan.tiers.length === 0) push('None.', '');
  else {
    push(
      'Each release is a HelmRelease in flux-system. An FSx or EFS release makes one StorageClass, and claims choose theirs by name (a workload\'s `storageClassName` values): a release is installed for the workloads whose claims name its class. Its CSI driver is installed once, whatever the number of classes.',
      '',
      '| release | chart | version | StorageClass | used by | values set here |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const t of plan.tiers) {
      const made = t.storageClassName !== undefined ? `\`${t.storageClassName}\`` : '— (NodePools and their EC2NodeClass)';
      push(`| ${t.release} | ${t.tier.chart} | ${t.entry.version} | ${made} | ${t.usedBy.join(', ')} | ${leafPaths(t.values).map((p) => `\`${p}\``).join(', ') || '—'} |`);
    }
    push('');
  }
  push(associationsReport(plan));
  if (plan.karpenter) {
    push('### Karpenter', '');
    if (plan.karpenter.install) push(`Flux installs Karpenter ${KARPENTER.version} (${KARPENTER.url}) in ${KARPENTER.namespace}, before the tier charts: storage-instance-store's EC2NodeClass (instanceStorePolicy RAID0) and NodePool need its CRDs.`, '');
    else push(`**Karpenter must already run in this cluster** (karpenter.k8s.aws/v1 and karpenter.sh/v1 APIs): the instance-store tier's EC2NodeClass and NodePool are applied by infra-configs. Set \`karpenter: { install: true }\` to let Flux install it.`, '');
  }

  // --- external objects --------------------------------------------------------------------------------
  const outside = externalObjects(env);
  if (outside.length > 0) {
    push(
      '## External objects',
      '',
      `Made outside strata and declared in \`external\` of \`${plan.file}\`. generate's reference lint accepts a reference to one of them from a release in its namespace, and refuses a reference to an object neither made here nor declared. ` +
        'A namespace of the workloads here that holds one is never pruned by Flux (deleting it would delete them).',
      '',
      '| kind | name | declared as | what is known | used by |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const o of outside) {
      const users = options.externalUsers?.get(externalName(o));
      const used = !options.externalUsers ? 'not checked (generate\'s reference lint fills this in)' : users && users.length > 0 ? users.join('<br/>') : '**nobody**: a stale declaration; remove it, or deploy the workload that needs it';
      push(`| ${o.kind} | ${o.namespace ? `${o.namespace}/` : ''}${o.name} | \`${o.field}\` | ${text(knownOf(plan, o))} | ${used} |`);
    }
    push('');
  }

  // --- identity -----------------------------------------------------------------------------------------
  push('## Identity: what to create in AWS', '');
  const subjects: { ns: string; sa: string; role?: string; what: string }[] = [];
  for (const d of plan.drivers) subjects.push({ ns: d.driver.identity.namespace, sa: d.driver.identity.serviceAccount, role: d.roleArn, what: `${d.driver.title}: ${d.driver.identity.permissions}` });
  subjects.push(...s3FilesSubjects(plan));
  if (plan.karpenter?.install) subjects.push({ ns: KARPENTER.namespace, sa: KARPENTER.serviceAccount, role: plan.karpenter.roleArn, what: 'Karpenter controller (EC2, IAM instance profiles, SQS interruption queue)' });
  for (const w of plan.workloads) {
    for (const sa of w.serviceAccounts) subjects.push({ ns: w.namespace, sa: sa.name, role: sa.roleArn, what: `${w.name} \`serviceAccounts.${sa.key}\` (its least-privilege policy, when it has one: IAM policies below)` });
  }
  if (subjects.length === 0) push('Nothing: no service account here needs AWS credentials.', '');
  else if (env.identity.mode === 'irsa') {
    push(
      'IRSA: each role trusts the cluster\'s OIDC provider for exactly its service account (`sts:AssumeRoleWithWebIdentity`, condition `<oidc>:sub` = `system:serviceaccount:<namespace>:<name>`, `<oidc>:aud` = `sts.amazonaws.com`). ' +
        'The role ARN is set on the service account (`eks.amazonaws.com/role-arn`) by the releases above.',
      '',
      '| namespace | service account | role | for |',
      '| --- | --- | --- | --- |',
      ...subjects.map((s) => `| ${s.ns} | ${s.sa} | ${s.role ? `\`${s.role}\`` : '**not set**'} | ${s.what} |`),
      '',
    );
  } else {
    push(
      'EKS Pod Identity: install the `eks-pod-identity-agent` add-on, give each role the trust principal `pods.eks.amazonaws.com` (`sts:AssumeRole`, `sts:TagSession`), and create these associations. Nothing is annotated in the cluster.',
      '',
      '| namespace | service account | role | for |',
      '| --- | --- | --- | --- |',
      ...subjects.map((s) => `| ${s.ns} | ${s.sa} | ${s.role ? `\`${s.role}\`` : '**not set**'} | ${s.what} |`),
      '',
      '```sh',
      ...subjects.filter((s) => s.role).map((s) => `aws eks create-pod-identity-association --cluster-name ${c.name} --namespace ${s.ns} --service-account ${s.sa} --role-arn ${s.role}`),
      '```',
      '',
    );
  }

  push(policiesSection(plan));

  // --- warnings -------------------------------------------------------------------------------------------
  if (plan.warnings.length > 0) push('## Warnings', '', ...plan.warnings.map((w) => `- ${w.replace(`${plan.file}: `, '')}`), '');
  return out.join('\n').replace(/\n+$/, '\n');
}

/** What the definition says of an external object, in a few words. */
function knownOf(plan: EnvironmentPlan, o: ExternalObject): string {
  const d = o.declaration;
  const parts: string[] = [];
  switch (o.kind) {
    case 'StorageClass': {
      const tier = externalClassTier(d as Pick<ExternalStorageClass, 'tier' | 'provisioner'>);
      const provisioner = typeof d.provisioner === 'string' ? d.provisioner : undefined;
      parts.push(tier ? `tier ${tier}${d.tier === undefined ? ' (from its provisioner)' : ''}` : 'tier unknown (the tier checks are skipped for its claims)');
      if (provisioner) parts.push(`provisioner ${provisioner}`);
      if (isPlainObject(d.parameters) && Object.keys(d.parameters).length > 0) {
        parts.push(`parameters ${Object.keys(d.parameters).sort().map((k) => `${k}=${String((d.parameters as Record<string, unknown>)[k])}`).join(', ')}`);
      }
      if (typeof d.reclaimPolicy === 'string') parts.push(`reclaimPolicy ${d.reclaimPolicy}`);
      if (typeof d.volumeBindingMode === 'string') parts.push(`volumeBindingMode ${d.volumeBindingMode}`);
      break;
    }
    case 'PersistentVolumeClaim': {
      if (typeof d.storageClassName === 'string') {
        const own = plan.tierClasses.get(d.storageClassName);
        const declared = externalClasses(plan.env).get(d.storageClassName);
        const tier = own?.tier.tier ?? declared?.tier;
        parts.push(d.storageClassName === '' ? 'bound to a static volume (class "")' : `class ${d.storageClassName}${tier ? ` (${tier})` : ''}`);
      }
      if (typeof d.size === 'string') parts.push(`size ${d.size}`);
      if (Array.isArray(d.accessModes)) parts.push(d.accessModes.join(', '));
      break;
    }
    case 'Secret':
    case 'ConfigMap':
      parts.push(o.keys ? `keys ${o.keys.join(', ')}` : 'keys not declared (any key is accepted)');
      break;
    case 'ServiceAccount':
      parts.push(typeof d.roleArn === 'string' ? `role ${d.roleArn}` : 'no role declared');
      break;
  }
  return parts.join('; ') || '—';
}

/** A Mermaid flowchart of one workload's data: where it comes from, what caches it, which pods read or write it. */
function mermaid(plan: EnvironmentPlan, w: PlannedWorkload): string[] {
  const lines = ['```mermaid', 'flowchart LR'];
  const pods = 'pods';
  lines.push(`  ${pods}(["${label(`${w.name} pods`)}<br/>namespace ${w.namespace}"])`);
  const claims = provisioning(w);
  if (claims.length === 0) {
    lines.push(`  none["${w.uses.length > 0 ? `uses ${w.uses.join(', ')} (not described by the chart)` : 'no storage'}"] -.- ${pods}`);
    return [...lines, '```'];
  }
  const ids = new Map<string, string>();
  claims.forEach((cl, i) => ids.set(cl.name, `c${i}`));
  const edges: string[] = [];
  const external = new Map<string, string>();
  const externalNode = (url: string) => {
    if (!external.has(url)) {
      const id = `x${external.size}`;
      external.set(url, id);
      lines.push(`  ${id}[("${label(url)}")]`);
    }
    return external.get(url)!;
  };
  claims.forEach((cl, i) => lines.push(`  c${i}[("${label(nodeLabel(plan, w, cl))}")]`));
  claims.forEach((cl, i) => {
    const id = `c${i}`;
    const ro = cl.facts.readOnly === true || cl.facts.accessMode === 'ReadOnlyMany';
    const how = cl.tier === 'instance-store' ? 'scratch' : ro ? 'read' : 'read/write';
    edges.push(ro ? `  ${id} -->|${how}| ${pods}` : `  ${id} <-->|${how}| ${pods}`);
    // Where the data comes from, or goes to, outside the claim (facts the patterns state).
    for (const [key, verb, into] of [
      ['s3ImportPath', 'import', true],
      ['hydratedFrom', 'hydrate', true],
      ['s3ExportPath', 'export', false],
      ['syncedTo', 'sync', false],
    ] as const) {
      const v = location(cl.facts[key]);
      if (v === undefined) continue;
      const other = ids.get(v) ?? s3Claim(claims, v) ?? externalNode(v);
      edges.push(into ? `  ${other} -->|${verb}| ${id}` : `  ${id} -->|${verb}| ${other}`);
    }
  });
  return [...lines, ...edges, '```'];
}

/**
 * The claims that stand for storage of their own: a claim with storageClassName "" binds a volume
 * another construct of the chart describes (an existing file system), so it is not counted twice.
 */
function provisioning(w: PlannedWorkload): readonly ResolvedClaim[] {
  return (w.claims ?? []).filter((c) => c.facts.storageClassName !== '');
}

function nodeLabel(plan: EnvironmentPlan, w: PlannedWorkload, cl: ResolvedClaim): string {
  const f = cl.facts;
  switch (cl.tier) {
    case 's3':
      return `S3 ${cl.name}: s3://${text(f.bucketName)}/${typeof f.prefix === 'string' ? f.prefix : ''}`;
    case 'fsx-lustre': {
      const s = fsxSettings(plan, w, cl);
      return `FSx for Lustre ${cl.name}: ${s.capacityGiB !== undefined ? `${fmtNumber(s.capacityGiB)} GiB ` : ''}${s.deploymentType ?? ''}`.trim();
    }
    case 'efs':
      return `EFS ${cl.name}`;
    case 'instance-store':
      return `NVMe ${cl.name}${gib(f.sizeGiB) !== undefined ? `: ${fmtNumber(gib(f.sizeGiB)!)} GiB` : ''}`;
    default:
      return `${cl.tier} ${cl.name}`;
  }
}

/** The id of the S3 claim of this workload at a `s3://bucket/prefix` URL, if one mounts exactly there. */
function s3Claim(claims: readonly ResolvedClaim[], url: string): string | undefined {
  const i = claims.findIndex((c) => c.tier === 's3' && `s3://${text(c.facts.bucketName)}/${typeof c.facts.prefix === 'string' ? c.facts.prefix : ''}` === url);
  return i < 0 ? undefined : `c${i}`;
}

/** A data location fact: another claim's name or a URL, or `{ bucket, prefix }` of S3. */
function location(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (isPlainObject(v) && typeof v.bucket === 'string' && v.bucket !== '') return `s3://${v.bucket}/${typeof v.prefix === 'string' ? v.prefix : ''}`;
  return undefined;
}

/** Mermaid label text: no quotes, no markdown table pipes. */
function label(s: string): string {
  return s.replace(/"/g, "'").replace(/\|/g, '/');
}

function text(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  return String(v).replace(/\|/g, '\\|');
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** GiB from a number, or a quantity string ("1200Gi", "1.2Ti", "500G"). */
export function gib(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti|Pi|M|G|T)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'Gi';
  const factor: Record<string, number> = { Mi: 1 / 1024, Gi: 1, Ti: 1024, Pi: 1024 * 1024, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30 };
  return n * factor[unit];
}

/** Dotted paths of the leaves of a values object. */
function leafPaths(v: unknown, prefix = ''): string[] {
  if (!isPlainObject(v) || Object.keys(v).length === 0) return prefix ? [prefix] : [];
  return Object.keys(v)
    .sort()
    .flatMap((k) => leafPaths(v[k], prefix ? `${prefix}.${k}` : k));
}
