/**
 * The environment report's cloud section (plan.cloud): the order Flux applies it in, the ACK
 * controllers, each bucket (versioning, encryption, adoption) and each lifecycle rule with what it
 * saves per month against what reading the data back costs (prices.json), the EFS file systems,
 * and the roles ACK makes.
 */
import { EFS_TRANSITIONS } from '@strata/cloud';
import { CLOUD_TIMINGS } from './cloud-files';
import type { EnvironmentPlan } from './plan';
import { fmtUsd, price, PRICING } from './pricing';

type ClassPrice = { perGBMonth: number; retrievalPerGB: number; transitionPer1000?: number; monitoringPer1000ObjectsMonth?: number; minimumDays?: number; confidence: string; note?: string };
const CLASSES = PRICING.s3.storageClasses as unknown as Record<string, ClassPrice>;
/** The report prices one TiB (1,024 GiB) moved or read: the buckets' sizes are not known here. */
const TIB_GB = 1024 * PRICING.gibToGb;

/** Rows of the report's Flux Kustomization table for the cloud steps, before or after infra-controllers. */
export function cloudFluxRows(plan: EnvironmentPlan, where: 'before' | 'after'): string[] {
  const cloud = plan.cloud;
  if (!cloud) return [];
  const t = CLOUD_TIMINGS;
  if (where === 'before') {
    return [
      `| infra-ack | \`infrastructure/ack\`: ${cloud.controllers.filter((c) => c.controller.bootstrap).map((c) => `ack-${c.controller.service}-controller`).join(', ')} | — | ${t.ack.interval} | ${t.ack.retryInterval} | ${t.ack.timeout} | true | true |`,
      `| infra-identity | \`infrastructure/identity\`: ${cloud.roles.length} IAM roles, their policies${cloud.mode === 'pod-identity' ? ' and Pod Identity associations' : ''} | infra-ack | ${t.identity.interval} | ${t.identity.retryInterval} | ${t.identity.timeout} | true | true (ACK health checks) |`,
    ];
  }
  return cloud.resourceObjects.length > 0
    ? [`| infra-cloud | \`infrastructure/cloud\`: ${cloud.buckets.length} buckets, ${cloud.fileSystems.length} EFS file systems${cloud.s3FileSystems.length > 0 ? `, ${cloud.s3FileSystems.length} S3 Files file systems` : ''} | infra-controllers | ${t.cloud.interval} | ${t.cloud.retryInterval} | ${t.cloud.timeout} | true | true (ACK health checks) |`]
    : [];
}

/** Lines of the cloud section; none when the environment declares no cloud. */
export function cloudReport(plan: EnvironmentPlan): string[] {
  const cloud = plan.cloud;
  if (!cloud) return [];
  const out: string[] = [];
  const push = (...l: string[]) => out.push(...l);
  push('## Cloud resources (ACK)', '');
  push(
    'The AWS half of this environment is reconciled by AWS Controllers for Kubernetes in the same Flux flow (docs/cloud.md). Each step waits for the one before to be Ready; ' +
      '`infra-identity` and `infra-cloud` fail at once when an object reports `ACK.Terminal` and are ready when every object reports `ACK.ResourceSynced` (health check expressions).',
    '',
    '```mermaid',
    'flowchart LR',
    `  ack["infra-ack<br/>${cloud.controllers.filter((c) => c.controller.bootstrap).map((c) => `ACK ${c.controller.service}`).join(', ')}"] --> identity["infra-identity<br/>${cloud.roles.length} roles"]`,
    `  identity --> controllers["infra-controllers<br/>drivers, operators${cloud.controllers.some((c) => !c.controller.bootstrap) ? `, ACK ${cloud.controllers.filter((c) => !c.controller.bootstrap).map((c) => c.controller.service).join(', ')}` : ''}"]`,
    ...(cloud.resourceObjects.length > 0
      ? [`  controllers --> cloud["infra-cloud<br/>${cloud.buckets.length} buckets, ${cloud.fileSystems.length} file systems"]`, '  cloud --> configs["infra-configs<br/>storage classes"]']
      : ['  controllers --> configs["infra-configs<br/>storage classes"]']),
    '  configs --> apps["apps"]',
    '```',
    '',
    `Timeouts: infra-ack ${CLOUD_TIMINGS.ack.timeout}, infra-identity ${CLOUD_TIMINGS.identity.timeout}, infra-cloud ${CLOUD_TIMINGS.cloud.timeout} (an EFS file system and its mount targets take minutes).`,
    '',
    '| ACK controller | chart | version | role | namespace |',
    '| --- | --- | --- | --- | --- |',
    ...cloud.controllers.map((c) => `| ${c.controller.title} | \`${c.controller.chartUrl}\` | ${c.controller.version} | \`${c.roleArn}\`${c.controller.bootstrap ? ' (made outside the cluster)' : ''} | ack-system |`),
    '',
    'Every controller runs with `deletionPolicy: retain`, and every object strata writes states its own: `retain` on buckets, file systems and access points (deleting or pruning the object leaves the AWS resource and its data), `delete` on roles, policies, associations and mount targets (which hold no data).',
    '',
  );
  if (cloud.buckets.length > 0) {
    push('### Buckets', '', '| bucket | holds | versioning | encryption | public access | existing bucket | used by |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const b of cloud.buckets) {
      push(`| \`${b.name}\` | ${b.purpose} | ${!b.versioningWritten ? (b.adopt ? 'as the bucket has it' : 'off (S3\'s default)') : b.versioned ? 'on' : '**off**'} | ${b.encryption} | all four blocks on | ${b.adopt ? `adopted (${b.adopt})` : 'created by ACK'} | ${b.usedBy.join(', ') || '—'} |`);
    }
    push('');
    push(
      '### Lifecycle rules and what they save',
      '',
      `Per TiB of data each rule applies to, at ${PRICING.region} list prices (${PRICING.priceDate}; confidence ✓ confirmed, ~ partly, ? one secondary source): the storage it saves each month against S3 Standard (${fmtUsd(CLASSES.STANDARD.perGBMonth * TIB_GB)}/TiB-month), and what reading that TiB back costs. Transition requests cost per object moved (shown per 1,000).`,
      '',
      '| bucket | rule | does | saves per TiB-month | reading a TiB back | other charges |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    const standard = CLASSES.STANDARD.perGBMonth;
    for (const b of cloud.buckets) {
      for (const r of b.rules) {
        let saves = '—';
        let retrieval = '—';
        let other = '';
        if (r.kind === 'transition' && b.lifecycle && b.lifecycle.transition) {
          const cls = CLASSES[b.lifecycle.transition.storageClass];
          if (cls) {
            saves = `${fmtUsd((standard - cls.perGBMonth) * TIB_GB)} ${cls.confidence}`;
            retrieval = cls.retrievalPerGB === 0 ? 'no retrieval fee' : `${fmtUsd(cls.retrievalPerGB * TIB_GB)} ${cls.confidence}`;
            const parts = [
              cls.transitionPer1000 !== undefined ? `$${price(cls.transitionPer1000)} per 1,000 objects moved` : '',
              cls.monitoringPer1000ObjectsMonth !== undefined ? `monitoring $${price(cls.monitoringPer1000ObjectsMonth)} per 1,000 objects a month` : '',
              cls.minimumDays !== undefined ? `billed at least ${cls.minimumDays} days` : '',
              cls.note ?? '',
            ].filter(Boolean);
            other = parts.join('; ');
          } else saves = 'n/a';
        } else if (r.kind === 'expiration' || r.kind === 'noncurrent') {
          saves = 'the whole storage of what it deletes';
          retrieval = 'gone: not readable afterwards';
        } else if (r.kind === 'abort-multipart') {
          saves = 'the parts of uploads that never finished';
        }
        push(`| \`${b.name}\` | ${r.id} | ${r.text} | ${saves} | ${retrieval} | ${other || '—'} |`);
      }
      if (b.rules.length === 0) push(`| \`${b.name}\` | — | no lifecycle rule | — | — | — |`);
    }
    push('');
  }
  const served = versionsServed(plan);
  if (served.length > 0) {
    push(
      '### Versions served',
      '',
      'What each workload reads, by the version its values name (a ModelRepository or DistributedDataset reads `<prefix><version>/`); with versioning on, an overwrite of it keeps the earlier objects as noncurrent versions.',
      '',
      '| workload | value | reads | bucket versioning |',
      '| --- | --- | --- | --- |',
      ...served.map((v) => {
        const b = cloud.buckets.find((x) => x.name === v.bucket);
        return `| ${v.workload} | \`${v.path}\` | \`s3://${v.bucket}/${v.prefix}${v.version}/\` | ${b ? (b.versioningWritten ? (b.versioned ? 'on' : '**off**') : 'as the bucket has it') : 'not under cloud.buckets'} |`;
      }),
      '',
    );
  }
  if (cloud.fileSystems.length > 0) {
    const efs = PRICING.efs;
    push(
      '### EFS file systems',
      '',
      `Lifecycle management moves files nobody read for a while out of Standard (${fmtUsd(efs.standardPerGBMonth.price * TIB_GB)}/TiB-month): to Infrequent Access (${fmtUsd(efs.infrequentAccessElasticPerGBMonth.price * TIB_GB)}/TiB-month ${efs.infrequentAccessElasticPerGBMonth.confidence}) and Archive (${fmtUsd(efs.archivePerGBMonth.price * TIB_GB)}/TiB-month ${efs.archivePerGBMonth.confidence}); a file read there is billed per GB read (IA and Archive read prices: n/a, not in the price sheet) and moves back to Standard on first access when set.`,
      '',
      '| file system | existing | to IA | to Archive | back on access | saves per TiB-month moved (IA / Archive) | backups | mount targets | access points | id flows to |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const f of cloud.fileSystems) {
      const l = f.lifecycle;
      const ia = l && l.toInfrequentAccess !== false && EFS_TRANSITIONS.includes(l.toInfrequentAccess as never) ? fmtUsd((efs.standardPerGBMonth.price - efs.infrequentAccessElasticPerGBMonth.price) * TIB_GB) : '—';
      const ar = l && l.toArchive !== false ? fmtUsd((efs.standardPerGBMonth.price - efs.archivePerGBMonth.price) * TIB_GB) : '—';
      push(
        `| ${f.name} | ${f.adopt ? `adopted \`${f.adopt}\`` : 'created by ACK'} | ${l ? l.toInfrequentAccess || 'never' : 'off'} | ${l ? l.toArchive || 'never' : 'off'} | ${l?.backOnFirstAccess ? 'yes' : 'no'} | ${ia} / ${ar} | ${f.backups ? 'AWS Backup daily' : '**off**'} | ${f.mountTargets} | ${f.accessPoints} | ${f.usedBy.length > 0 ? `\`\${${f.variable}}\` → ${f.usedBy.join(', ')}` : '—'} |`,
      );
    }
    push('');
  }
  if (cloud.roles.length > 0) {
    push(
      '### Roles ACK makes',
      '',
      `Trusted by ${cloud.mode === 'pod-identity' ? 'EKS Pod Identity (`pods.eks.amazonaws.com`), one association per service account' : 'the cluster\'s OIDC provider (IRSA), the ARN annotated on each service account'}. A workload's policy is exactly the one its chart derives (its iam-policies/<key>.json) with this environment's values.`,
      '',
      '| role | for | service accounts | permissions |',
      '| --- | --- | --- | --- |',
      ...cloud.roles.map((r) => `| \`${r.roleName}\` | ${r.purpose} | ${r.serviceAccounts.map((s) => `${s.namespace}/${s.name}`).join(', ')} | ${[r.policy ? `${r.policy.Statement.length} statement(s) derived` : '', ...r.managedPolicies.map((m) => `\`${m.split('/').pop()}\``)].filter(Boolean).join(', ')} |`),
      '',
    );
  }
  return out;
}

/** Every `{ bucket, prefix?, version }` in a workload's values: the version of a model or dataset it reads. */
export function versionsServed(plan: EnvironmentPlan): { workload: string; path: string; bucket: string; prefix: string; version: string }[] {
  const out: { workload: string; path: string; bucket: string; prefix: string; version: string }[] = [];
  const walk = (workload: string, v: unknown, path: string[]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    if (typeof o.bucket === 'string' && o.bucket !== '' && typeof o.version === 'string' && o.version !== '') {
      out.push({ workload, path: [...path, 'version'].join('.'), bucket: o.bucket, prefix: typeof o.prefix === 'string' ? o.prefix : '', version: o.version });
    }
    for (const [k, x] of Object.entries(o)) walk(workload, x, [...path, k]);
  };
  for (const w of plan.workloads) walk(w.name, w.merged, []);
  return out;
}
