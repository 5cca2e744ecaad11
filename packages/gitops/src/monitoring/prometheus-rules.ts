import { PROVISIONING_SECONDS } from '@strata/helm';
import { KubeObject } from '../flux';
import { EnvironmentPlan } from '../plan';
import { MonitoringSettings } from './settings';
import { MOUNTPOINT_NAMESPACE } from './sources';
import { MonitoringTargets } from './targets';

/** One alerting rule of the prometheus-operator's PrometheusRule (monitoring.coreos.com/v1). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly [k: string]: string };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** The tiers whose claims are PersistentVolumeClaims (instance store's are emptyDirs). */
const CLAIM_TIERS = ['fsx-lustre', 'efs', 's3-files', 's3'] as const;

/** Whether this environment's EFS driver exports volume stats (node.volMetricsOptIn on its release). */
export function efsVolumeMetricsOn(plan: EnvironmentPlan): boolean {
  const d = plan.drivers.find((x) => x.driver.tier === 'efs');
  return (d?.values as { node?: { volMetricsOptIn?: unknown } } | undefined)?.node?.volMetricsOptIn === true;
}

const alt = (xs: readonly string[]) => xs.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');

/**
 * The alerting rules of an environment, each on a metric kube-state-metrics or the kubelet really
 * exports for the tier (see sources.ts): FSx, EFS and S3 Files claims stuck Pending (S3 Files
 * classes are the EFS driver's, told apart by class name), EFS claims' used bytes
 * against a budget (when the driver reports them and a budget is set), Mountpoint pods restarting
 * or unable to start (S3), and failed pods in the namespaces of NVMe scratch users (an eviction for
 * ephemeral storage fails the pod). FSx for Lustre and Mountpoint report no volume stats: their
 * capacity and throughput are CloudWatch's (cloudwatch-alarms.ts).
 */
export function alertRules(plan: EnvironmentPlan, t: MonitoringTargets, s: MonitoringSettings): AlertRule[] {
  const th = s.thresholds;
  const rules: AlertRule[] = [];
  const env = plan.env.name;
  for (const tier of CLAIM_TIERS) {
    const ns = t.namespaces[tier];
    if (!ns || ns.length === 0) continue;
    const classes = t.classes[tier];
    const provisioner = { 'fsx-lustre': 'fsx.csi.aws.com', efs: 'efs.csi.aws.com', 's3-files': 'efs.csi.aws.com', s3: 's3.csi.aws.com' }[tier];
    // A claim waits at least for its file system to be made (FSx for Lustre: up to 30 minutes).
    const minutes = Math.max(th.claimPendingMinutes, Math.ceil((PROVISIONING_SECONDS[provisioner] ?? 0) / 60));
    const scope = `namespace=~"${alt(ns)}"`;
    const byClass = classes && classes.length > 0
      ? ` * on (namespace, persistentvolumeclaim) group_left(storageclass) kube_persistentvolumeclaim_info{${scope}, storageclass=~"${alt(classes)}"}`
      : '';
    if (tier === 's3') continue; // Mountpoint volumes are bound statically: watched through the mount pods below
    rules.push({
      alert: `Strata${pascal(tier)}ClaimPending`,
      expr: `max by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{${scope}, phase="Pending"}${byClass}) > 0`,
      for: `${minutes}m`,
      labels: { severity: 'warning', environment: env, tier },
      annotations: {
        summary: `An ${title(tier)} claim is not bound.`,
        description: `Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has been Pending for ${minutes} minutes: its volume was not made (see the claim's events and the ${provisioner} controller's log).`,
      },
    });
  }
  if (t.efs.length > 0 && th.efsClaimUsedGiB !== undefined && efsVolumeMetricsOn(plan)) {
    const ns = t.namespaces.efs ?? [];
    const classes = (t.classes.efs ?? []).filter((c) => c !== '');
    const bytes = th.efsClaimUsedGiB * 1024 ** 3;
    rules.push({
      alert: 'StrataEfsClaimOverBudget',
      expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~"${alt(ns)}"} * on (namespace, persistentvolumeclaim) group_left(storageclass) kube_persistentvolumeclaim_info{namespace=~"${alt(ns)}", storageclass=~"${alt(classes)}"}) > ${bytes}`,
      for: '10m',
      labels: { severity: 'warning', environment: env, tier: 'efs' },
      annotations: {
        summary: 'An EFS claim holds more than its budget.',
        description: `Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} holds {{ $value | humanize1024 }}B, more than ${th.efsClaimUsedGiB} GiB (the EFS driver measures used bytes every few hours).`,
      },
    });
  }
  if (t.s3.length > 0) {
    rules.push(
      {
        alert: 'StrataMountpointPodRestarting',
        expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace="${MOUNTPOINT_NAMESPACE}"}[1h])) > ${th.mountpointRestartsPerHour}`,
        for: '5m',
        labels: { severity: 'warning', environment: env, tier: 's3' },
        annotations: {
          summary: 'A Mountpoint pod restarts.',
          description: `Mountpoint pod {{ $labels.pod }} restarted {{ $value | humanize }} times in an hour (more than ${th.mountpointRestartsPerHour}): the S3 volumes it serves fail while it is down.`,
        },
      },
      {
        alert: 'StrataMountpointPodWaiting',
        expr: `max by (namespace, pod, reason) (kube_pod_container_status_waiting_reason{namespace="${MOUNTPOINT_NAMESPACE}", reason=~"CrashLoopBackOff|ImagePullBackOff|ErrImagePull|CreateContainerConfigError"}) > 0`,
        for: '10m',
        labels: { severity: 'critical', environment: env, tier: 's3' },
        annotations: {
          summary: 'A Mountpoint pod cannot start.',
          description: 'Mountpoint pod {{ $labels.pod }} waits with {{ $labels.reason }}: pods mounting its bucket stay ContainerCreating.',
        },
      },
    );
  }
  const nvmeNs = [...new Set(t.nvme.map((n) => n.namespace))].sort();
  if (nvmeNs.length > 0) {
    rules.push({
      alert: 'StrataScratchPodFailed',
      expr: `max by (namespace, pod) (kube_pod_status_phase{namespace=~"${alt(nvmeNs)}", phase="Failed"}) > 0`,
      for: '5m',
      labels: { severity: 'warning', environment: env, tier: 'instance-store' },
      annotations: {
        summary: 'A pod with NVMe scratch failed.',
        description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} failed: an emptyDir past its sizeLimit, or a node short of ephemeral storage, evicts it (kubectl describe pod says which); its scratch data is gone.',
      },
    });
  }
  return rules;
}

/** The PrometheusRule holding an environment's rules (labels the cluster's Prometheus selects). */
export function prometheusRule(plan: EnvironmentPlan, rules: readonly AlertRule[], s: MonitoringSettings): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: `strata-storage-${plan.env.name}`, namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'strata', ...s.ruleLabels } },
    spec: { groups: [{ name: 'strata-storage', rules: rules.map((r) => ({ ...r })) }] },
  };
}

function pascal(tier: string): string {
  return { 'fsx-lustre': 'FsxLustre', efs: 'Efs', 's3-files': 'S3Files', s3: 'S3', 'instance-store': 'InstanceStore' }[tier] ?? tier;
}

function title(tier: string): string {
  return { 'fsx-lustre': 'FSx for Lustre', efs: 'EFS', 's3-files': 'S3 Files', s3: 'S3', 'instance-store': 'instance store' }[tier] ?? tier;
}
