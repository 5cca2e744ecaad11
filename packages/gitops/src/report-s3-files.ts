import { classOfClaim, EnvironmentPlan, PlannedWorkload, ResolvedClaim } from './plan';
import { Estimate, fmtNumber, PRICING } from './pricing';
import { S3_FILES_IDENTITIES, S3_FILES_MIN_EFS_DRIVER, S3_FILES_PERFORMANCE } from './s3-files';

/**
 * The environment report's S3 Files section: each claim, how it is provisioned, the throughput the
 * service offers, what it costs (the rates are not confirmed: n/a with the metering model), and
 * what the EFS CSI driver needs for it. Sources: see s3-files.ts and prices.json `s3Files`.
 */

/** The S3 Files estimate: n/a until the rates are confirmed, with how S3 Files bills. */
export function s3FilesEstimate(): Estimate {
  const p = PRICING.s3Files;
  const rate = p.highPerformanceStoragePerGBMonth.price as number | null;
  if (typeof rate === 'number') return { monthly: undefined, confidence: p.highPerformanceStoragePerGBMonth.confidence, basis: `the GB resident on high-performance storage × $${rate}/GB-month (not known from the charts)` };
  return {
    basis: `n/a: S3 Files bills the GB-month resident on its high-performance storage (files read in the last ${p.expirationDefaultDays} days by default, and metadata) plus reads and writes on it, not the claim size; large reads go to S3 at S3 request rates; rates not confirmed`,
  };
}

/** The rows of the section, given the report's cost cell (which adds priced items to the total). */
export function s3FilesSection(
  plan: EnvironmentPlan,
  claims: readonly { readonly w: PlannedWorkload; readonly cl: ResolvedClaim }[],
  cell: (e: Estimate) => { cost: string; basis: string },
): string[] {
  const out: string[] = ['### S3 Files', '', '| workload | claim | provisioning | est. monthly | estimate basis |', '| --- | --- | --- | --- | --- |'];
  for (const { w, cl } of claims) {
    const c2 = cell(s3FilesEstimate());
    const cls = classOfClaim(plan, w, cl);
    const which = cls.kind === 'external' ? `external class ${cls.name}` : cls.kind === 'tier' ? `class ${cls.name}, release ${cls.tierClass.release}` : cls.kind === 'own' ? `the chart's own class ${cls.name}` : undefined;
    const how = typeof cl.facts.source === 'string' ? `${cl.facts.source}${which ? ` (${which})` : ''}` : which ?? 'n/a';
    out.push(`| ${w.name} | ${cl.name} | ${how} | ${c2.cost} | ${c2.basis} |`);
  }
  const perf = S3_FILES_PERFORMANCE;
  const node = S3_FILES_IDENTITIES.node;
  out.push(
    '',
    `Throughput of one S3 Files file system (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-performance.html): reads ${perf.readThroughput}, at most ${perf.perClientReadGiBps} GiB/s per client; writes ${perf.writeThroughput}; ${fmtNumber(perf.readIops, 0)} read and ${fmtNumber(perf.writeIops, 0)} write IOPS. ` +
      'Attach more file systems to one bucket for more. Edits reach the bucket as new object versions, and on a conflict the bucket wins (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-synchronization.html).',
    '',
    `The claims mount through the EFS CSI driver (at least ${S3_FILES_MIN_EFS_DRIVER}; ${plan.drivers.find((d) => d.driver.tier === 'efs')?.driver.appVersion ?? 'not installed'} here). ` +
      `Its node service account \`${node.serviceAccount}\` ${plan.env.identity?.efsNode ? `has role \`${plan.env.identity.efsNode}\`` : 'has **no role set** (`identity.efsNode`)'}: ${node.policies}. ` +
      `The controller's \`${S3_FILES_IDENTITIES.controller.serviceAccount}\` needs ${S3_FILES_IDENTITIES.controller.policies}. ` +
      `The bucket must have S3 Versioning on (same page); each S3 Files mount target's security group must allow TCP 2049 from the nodes. Prices: ${PRICING.region}, ${PRICING.priceDate}.`,
    '',
  );
  return out;
}

/** The identity rows S3 Files adds: the EFS CSI node service account, when a workload here uses S3 Files. */
export function s3FilesSubjects(plan: EnvironmentPlan): { ns: string; sa: string; role?: string; what: string }[] {
  const efs = plan.drivers.find((d) => d.driver.tier === 'efs');
  if (!efs || !plan.workloads.some((w) => w.uses.includes('s3-files'))) return [];
  const node = S3_FILES_IDENTITIES.node;
  return [{ ns: efs.driver.identity.namespace, sa: node.serviceAccount, role: plan.env.identity?.efsNode, what: `EFS CSI driver node, for S3 Files mounts: ${node.policies}` }];
}

/** In the drivers table: the EFS driver's node account carries a role too when S3 Files is used here. */
export function s3FilesNodeIdentity(plan: EnvironmentPlan, tier: string): string {
  if (tier !== 'efs' || s3FilesSubjects(plan).length === 0) return '';
  return ` and \`${S3_FILES_IDENTITIES.node.serviceAccount}\` (S3 Files mounts${plan.env.identity?.efsNode ? '' : ', no role set'})`;
}
