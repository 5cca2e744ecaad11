import { describePattern, patternWords, problem } from '@strata/tokens';

/**
 * Alarm and alert thresholds, overridable per environment (`monitoring.thresholds`). Every one is
 * compared with a metric a service or an exporter really publishes (see sources.ts).
 */
export interface MonitoringThresholds {
  /** FSx for Lustre: free data storage below this percent of the capacity alarms. @default 10 */
  readonly fsxFreeCapacityPercent?: number;
  /** FSx for Lustre: client throughput (DataReadBytes + DataWriteBytes per second) above this percent of the baseline throughput (capacity × per-unit throughput) alarms. @default 80 */
  readonly fsxThroughputPercent?: number;
  /**
   * FSx for Lustre: metadata operations per second (MetadataOperations) above which a file system
   * alarms. No default: the metadata capacity a file system has is not published as a metric.
   * @default - no metadata alarm (the dashboard shows the rate)
   */
  readonly fsxMetadataOpsPerSecond?: number;
  /** EFS: PercentIOLimit (General Purpose performance mode) above this alarms. @default 90 */
  readonly efsPercentIOLimit?: number;
  /** EFS: metered throughput above this percent of PermittedThroughput alarms. @default 80 */
  readonly efsThroughputPercent?: number;
  /** EFS: BurstCreditBalance (Bursting throughput mode) below this many GiB alarms. @default 100 */
  readonly efsBurstCreditGiB?: number;
  /**
   * EFS: used bytes of one claim (kubelet_volume_stats_used_bytes) above which it alerts; needs
   * the EFS driver's volume metrics (node.volMetricsOptIn). EFS reports no real capacity, so a
   * budget is the only threshold that can fire.
   * @default - EFS claims' used bytes are not alerted on
   */
  readonly efsClaimUsedGiB?: number;
  /** S3: the percent of requests answered with a 5xx (503 Slow Down included) above which a bucket alarms. @default 1 */
  readonly s3ErrorRatePercent?: number;
  /** Claims Pending longer than this many minutes alert (FSx for Lustre claims get at least its 30 minutes of provisioning). @default 15 */
  readonly claimPendingMinutes?: number;
  /** Mountpoint pods (namespace mount-s3) restarting more than this many times in an hour alert. @default 3 */
  readonly mountpointRestartsPerHour?: number;
}

/** Where the monitoring objects go, and what the cluster's monitoring stack selects. */
export interface MonitoringDefinition {
  /** Whether the environment gets storage monitoring at all. @default true */
  readonly enabled?: boolean;
  /** The namespace of the PrometheusRules, the dashboard ConfigMap and the MetricAlarms (made by the overlay). @default 'strata-monitoring' */
  readonly namespace?: string;
  /**
   * PrometheusRules and the Grafana dashboard (needs the Prometheus operator's CRDs, e.g.
   * kube-prometheus-stack). @default { enabled: true }
   */
  readonly prometheus?: {
    /** @default true */
    readonly enabled?: boolean;
    /**
     * Labels on every PrometheusRule: kube-prometheus-stack's Prometheus selects rules labelled
     * `release: <its Helm release>` unless its ruleSelector says otherwise.
     * @default { release: 'kube-prometheus-stack' }
     */
    readonly ruleLabels?: { readonly [key: string]: string };
    /** The Grafana dashboard ConfigMap (label grafana_dashboard: "1"). @default true */
    readonly dashboards?: boolean;
  };
  /** CloudWatch alarms as ACK MetricAlarms (needs the ACK cloudwatch controller). @default { enabled: true } */
  readonly cloudwatch?: {
    /** @default true */
    readonly enabled?: boolean;
    /** SNS topic ARNs notified when an alarm fires. @default - none (the alarm changes state only) */
    readonly alarmActions?: readonly string[];
    /**
     * The request metrics configuration (its FilterId) of the buckets: S3 publishes 4xx/5xx
     * request metrics only for a bucket with one (a paid option).
     * @default - no S3 alarms (the report says how to turn them on)
     */
    readonly s3RequestMetricsFilterId?: string;
  };
  /** Thresholds (see MonitoringThresholds). @default - the defaults of MonitoringThresholds */
  readonly thresholds?: MonitoringThresholds;
}

/** Every threshold with its default applied. */
export type Thresholds = Required<Omit<MonitoringThresholds, 'fsxMetadataOpsPerSecond' | 'efsClaimUsedGiB'>> & Pick<MonitoringThresholds, 'fsxMetadataOpsPerSecond' | 'efsClaimUsedGiB'>;

export const DEFAULT_THRESHOLDS: Thresholds = {
  fsxFreeCapacityPercent: 10,
  fsxThroughputPercent: 80,
  efsPercentIOLimit: 90,
  efsThroughputPercent: 80,
  efsBurstCreditGiB: 100,
  s3ErrorRatePercent: 1,
  claimPendingMinutes: 15,
  mountpointRestartsPerHour: 3,
};

/** The settings of one environment, defaults applied. */
export interface MonitoringSettings {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly prometheus: boolean;
  readonly dashboards: boolean;
  readonly ruleLabels: { readonly [key: string]: string };
  readonly cloudwatch: boolean;
  readonly alarmActions: readonly string[];
  readonly s3FilterId?: string;
  readonly thresholds: Thresholds;
}

export function monitoringSettings(def: MonitoringDefinition | undefined): MonitoringSettings {
  const d = def ?? {};
  const t = { ...DEFAULT_THRESHOLDS, ...(d.thresholds ?? {}) } as Thresholds;
  return {
    enabled: d.enabled ?? true,
    namespace: d.namespace ?? 'strata-monitoring',
    prometheus: d.prometheus?.enabled ?? true,
    dashboards: d.prometheus?.dashboards ?? true,
    ruleLabels: d.prometheus?.ruleLabels ?? { release: 'kube-prometheus-stack' },
    cloudwatch: d.cloudwatch?.enabled ?? true,
    alarmActions: d.cloudwatch?.alarmActions ?? [],
    ...(d.cloudwatch?.s3RequestMetricsFilterId !== undefined ? { s3FilterId: d.cloudwatch.s3RequestMetricsFilterId } : {}),
    thresholds: t,
  };
}

const PERCENTS: readonly (keyof MonitoringThresholds)[] = ['fsxFreeCapacityPercent', 'fsxThroughputPercent', 'efsPercentIOLimit', 'efsThroughputPercent'];
const POSITIVE: readonly (keyof MonitoringThresholds)[] = ['fsxMetadataOpsPerSecond', 'efsBurstCreditGiB', 'efsClaimUsedGiB', 'claimPendingMinutes', 'mountpointRestartsPerHour'];
/** A namespace name: a DNS label (RFC 1123). */
const NAMESPACE_NAME = describePattern('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', 'a DNS label (lowercase letters, digits and "-", at most 63)');
/** An SNS topic ARN (alarm actions notify SNS topics). */
const SNS_TOPIC_ARN = describePattern('^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$', 'an SNS topic ARN such as "arn:aws:sns:us-east-1:111122223333:storage-alarms"');
/** The ID of a bucket's request metrics configuration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_MetricsConfiguration.html: 64 characters at most, letters, numbers, periods, dashes and underscores). */
const METRICS_FILTER_ID = describePattern('^[A-Za-z0-9._-]{1,64}$', 'a request metrics configuration ID (1 to 64 letters, digits, ".", "-" and "_")');
const matches = (pattern: string, v: unknown) => typeof v === 'string' && new RegExp(pattern).test(v);

/** The problems of a monitoring definition ("'field' (value) must be …; fix"), empty when valid. */
export function monitoringProblems(def: MonitoringDefinition | undefined): string[] {
  if (def === undefined) return [];
  const out: string[] = [];
  const t = def.thresholds ?? {};
  for (const k of PERCENTS) {
    const v = t[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= 99)) out.push(problem(`monitoring.thresholds.${k}`, v, 'a whole percentage between 1 and 99', 'alarm before the limit is reached, not at it'));
  }
  for (const k of POSITIVE) {
    const v = t[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) out.push(problem(`monitoring.thresholds.${k}`, v, 'a number above 0', 'leave it out for the default'));
  }
  const s3 = t.s3ErrorRatePercent;
  if (s3 !== undefined && !(typeof s3 === 'number' && s3 > 0 && s3 <= 100)) out.push(problem('monitoring.thresholds.s3ErrorRatePercent', s3, 'a percentage above 0 and at most 100', 'e.g. 1 for one request in a hundred'));
  if (def.namespace !== undefined && !matches(NAMESPACE_NAME, def.namespace)) out.push(problem('monitoring.namespace', def.namespace, patternWords(NAMESPACE_NAME)!, 'Kubernetes namespace names are DNS labels, e.g. "strata-monitoring"'));
  (def.cloudwatch?.alarmActions ?? []).forEach((a, i) => {
    if (!matches(SNS_TOPIC_ARN, a)) out.push(problem(`monitoring.cloudwatch.alarmActions[${i}]`, a, patternWords(SNS_TOPIC_ARN)!, 'alarms notify SNS topics'));
  });
  const f = def.cloudwatch?.s3RequestMetricsFilterId;
  if (f !== undefined && !matches(METRICS_FILTER_ID, f)) out.push(problem('monitoring.cloudwatch.s3RequestMetricsFilterId', f, patternWords(METRICS_FILTER_ID)!, 'the ID of the buckets\' request metrics configuration (S3 publishes request metrics only for a bucket with one)'));
  return out;
}

/** The driver feature (DRIVER_FEATURES) that turns on the EFS driver's volume metrics. */
export const EFS_VOLUME_STATS_FEATURE = 'efs-volume-metrics';

/** Whether the environment's rules read kubelet volume stats of EFS claims (a budget is set): its EFS driver must report them. */
export function monitoringReadsEfsVolumeStats(def: MonitoringDefinition | undefined): boolean {
  const s = monitoringSettings(def);
  return s.enabled && s.prometheus && s.thresholds.efsClaimUsedGiB !== undefined;
}
