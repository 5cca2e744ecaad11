import { ACK_CONTROLLERS } from '@strata/cloud';
import { ALARMS_DEPEND_ON, MONITORING_ACK_CONTROLLERS } from './monitoring/cloudwatch-alarms';
import { MONITORING_KUSTOMIZATIONS, planMonitoring } from './monitoring/files';
import { efsVolumeMetricsOn } from './monitoring/prometheus-rules';
import { EnvironmentPlan } from './plan';

/** Why S3 Files has no CloudWatch alarm (its claims are still watched while Pending). */
export const S3_FILES_NOT_WATCHED =
  'S3 Files file systems have no CloudWatch alarm: S3 Files sends metrics to CloudWatch (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-monitoring-cloudwatch.html), ' +
  'but their names, namespace and dimensions could not be verified here, and an alarm on a guessed metric never fires. Its claims are watched while Pending (StrataS3FilesClaimPending); its throughput is checked at generate time (storage bottlenecks).';

/** The "Monitoring" section of the environment report: what is watched, where, and what is not (and why). */
export function monitoringReport(plan: EnvironmentPlan): string[] {
  const mp = planMonitoring(plan);
  const s = mp.settings;
  const out: string[] = ['## Monitoring', ''];
  if (!s.enabled) return [...out, 'Off (`monitoring.enabled: false`).', ''];
  out.push(
    `Generated for the tiers used here (docs/monitoring.md says what each watches and how to tune it). Objects in namespace \`${s.namespace}\`; ` +
      `\`monitoring.yaml\` applies the Prometheus side (Flux Kustomization ${MONITORING_KUSTOMIZATIONS.prometheus}: needs the Prometheus operator CRDs, rules labelled ${Object.entries(s.ruleLabels).map(([k, v]) => `\`${k}: ${v}\``).join(', ')}) ` +
      `and the CloudWatch side (${MONITORING_KUSTOMIZATIONS.cloudwatch}: ACK MetricAlarms, needs the ACK ${MONITORING_ACK_CONTROLLERS.join(', ')} controller). Neither blocks the workloads.`,
    '',
  );
  if (mp.alarms.length > 0) out.push(cloudwatchControllerNote(plan), '');
  if (mp.rules.length > 0) {
    out.push('| Prometheus alert | tier | fires when | for |', '| --- | --- | --- | --- |');
    for (const r of mp.rules) out.push(`| ${r.alert} | ${r.labels.tier} | \`${r.expr.replace(/\|/g, '\\|')}\` | ${r.for} |`);
    out.push('', s.dashboards ? `Grafana dashboard: ConfigMap \`strata-storage-${plan.env.name}-dashboard\` (label \`grafana_dashboard: "1"\`).` : 'No dashboard (`monitoring.prometheus.dashboards: false`).', '');
  }
  if (mp.alarms.length > 0) {
    out.push('| CloudWatch alarm | tier | resource | alarms when |', '| --- | --- | --- | --- |');
    for (const a of mp.alarms) out.push(`| ${a.name} | ${a.tier} | ${a.resource} | ${a.watches} |`);
    out.push('', s.alarmActions.length > 0 ? `Alarm actions: ${s.alarmActions.map((a) => `\`${a}\``).join(', ')}.` : 'No alarm actions: alarms change state only (set `monitoring.cloudwatch.alarmActions` to SNS topics).', '');
  }
  const notes: string[] = [];
  const unknown = mp.targets.fsx.filter((f) => f.id === undefined);
  if (s.cloudwatch && unknown.length > 0) notes.push(`FSx for Lustre file systems made from a class (${unknown.flatMap((f) => f.users).join(', ')}) get their ID when the driver creates them: no CloudWatch alarm names them; watch them in the FSx console, or bind the claim to the file system as an existing one.`);
  const noTp = mp.targets.fsx.filter((f) => f.id !== undefined && !f.deploymentType?.startsWith('SCRATCH') && f.perUnitStorageThroughput === undefined);
  if (s.cloudwatch && noTp.length > 0) notes.push(`No throughput alarm for ${noTp.map((f) => f.id).join(', ')}: its per-unit throughput is not stated, so its baseline is unknown.`);
  if (s.cloudwatch && mp.targets.s3.length > 0 && s.s3FilterId === undefined) notes.push('No S3 alarms: S3 publishes 5xxErrors (503 Slow Down included) only for buckets with a request metrics configuration (paid); add one to the buckets and set `monitoring.cloudwatch.s3RequestMetricsFilterId` to its ID.');
  if (s.prometheus && mp.targets.efs.length > 0 && s.thresholds.efsClaimUsedGiB === undefined) notes.push('EFS claims\' used bytes are not alerted on: set `monitoring.thresholds.efsClaimUsedGiB` (EFS reports no real capacity; a budget is the threshold that can fire).');
  if (s.prometheus && mp.targets.efs.length > 0 && s.thresholds.efsClaimUsedGiB !== undefined && !efsVolumeMetricsOn(plan)) notes.push('EFS claims\' used bytes are not alerted on: the EFS driver here does not report volume stats (node.volMetricsOptIn).');
  if (mp.targets.fsx.length + mp.targets.s3.length > 0) notes.push('FSx for Lustre and Mountpoint volumes report no kubelet volume stats (their drivers do not implement NodeGetVolumeStats): their capacity and throughput are watched in CloudWatch.');
  if ((mp.targets.namespaces['s3-files'] ?? []).length > 0) notes.push(S3_FILES_NOT_WATCHED);
  if (notes.length > 0) out.push(...notes.map((n) => `- ${n}`), '');
  return out;
}

/**
 * Who installs the ACK cloudwatch controller the MetricAlarms need: strata, with the cloud half
 * (infra-controllers, its role made in infra-identity), or the team (no `cloud` section).
 */
export function cloudwatchControllerNote(plan: EnvironmentPlan): string {
  const c = ACK_CONTROLLERS.cloudwatch;
  const installed = plan.cloud?.controllers.find((x) => x.controller.service === 'cloudwatch');
  if (installed) {
    return `The ACK cloudwatch controller (${c.chartUrl} ${c.version}, CRDs CreateReplace, deletionPolicy retain) is installed by \`${ALARMS_DEPEND_ON}\` with its own role \`${installed.roleArn}\` (${c.managedPolicies.map((p) => p.split('/').pop()).join(', ')}, upstream's recommended policy); ${MONITORING_KUSTOMIZATIONS.cloudwatch} depends on ${ALARMS_DEPEND_ON}.`;
  }
  return `**The ACK cloudwatch controller must be installed by the team**: this environment has no \`cloud\` section, so strata installs no ACK controller. Install ${c.chartUrl} ${c.version} in namespace ack-system with a role holding ${c.managedPolicies.map((p) => `\`${p}\``).join(', ')} (${c.source.split(':')[0]} config/iam/recommended-inline-policy), or declare \`cloud\` (docs/cloud.md) and strata installs it. Until then ${MONITORING_KUSTOMIZATIONS.cloudwatch} fails on the unknown kind MetricAlarm; the workloads do not wait for it.`;
}
