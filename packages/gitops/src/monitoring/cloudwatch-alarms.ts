import { storageBottlenecks } from '../bottlenecks';
import { KubeObject } from '../flux';
import { fsxThroughput } from '../pricing';
import { EnvironmentPlan } from '../plan';
import { MonitoringSettings } from './settings';
import { MonitoringTargets } from './targets';

/** ACK's MetricAlarm (aws-controllers-k8s/cloudwatch-controller@v1.8.1, config/crd/bases/cloudwatch.services.k8s.aws_metricalarms.yaml). */
export const METRIC_ALARM_API = 'cloudwatch.services.k8s.aws/v1alpha1';

/**
 * The ACK service controllers the alarms need: the cloudwatch controller reconciles MetricAlarm.
 * With a `cloud` section, planCloud installs it like the other ACK service controllers
 * (ACK_CONTROLLERS.cloudwatch of @strata/cloud: chart `cloudwatch-chart` 1.8.1, CRDs CreateReplace,
 * its own role with CloudWatchFullAccessV2 as aws-controllers-k8s/cloudwatch-controller@v1.8.1:config/iam/recommended-inline-policy
 * says, deletionPolicy retain) in infra-controllers; without one the team installs it (the report says so).
 */
export const MONITORING_ACK_CONTROLLERS: readonly string[] = ['cloudwatch'];

/** The Flux Kustomization the alarms wait for: the one that installs the ACK service controllers (cloud-files.ts), the cloudwatch one among them. */
export const ALARMS_DEPEND_ON = 'infra-controllers';

/** A spec of a MetricAlarm, as the CRD names its fields. */
type AlarmSpec = Record<string, unknown>;

/** Why an alarm exists and what it reads: for the report. */
export interface PlannedAlarm {
  readonly name: string;
  readonly tier: 'fsx-lustre' | 'efs' | 's3';
  /** The file system ID or bucket. */
  readonly resource: string;
  /** "FreeDataStorageCapacity (Sum, 1 min) < 10 % of 1,200 GiB" */
  readonly watches: string;
  readonly spec: AlarmSpec;
}

const m = (id: string, namespace: string, metricName: string, dimensions: Record<string, string>, stat: string, period: number) => ({
  id,
  metricStat: { metric: { namespace, metricName, dimensions: Object.entries(dimensions).map(([name, value]) => ({ name, value })) }, period, stat },
  returnData: false,
});

/**
 * The CloudWatch alarms of an environment: what only CloudWatch sees.
 * - FSx for Lustre (file systems whose ID the environment states): free data storage below a
 *   percent of the capacity; client throughput (DataReadBytes + DataWriteBytes per second, the
 *   "total client throughput" of the FSx Lustre guide's how_to_use_metrics page) above a percent of
 *   the baseline (capacity × per-unit throughput); metadata operations per second above a set rate.
 *   Each metric has a data point per disk per minute: Sum over 60 s is the file system's value.
 * - EFS (the tier release's file system): PercentIOLimit (General Purpose mode), BurstCreditBalance
 *   (Bursting mode), metered throughput as a percent of PermittedThroughput. A mode that does not
 *   publish a metric leaves its alarm at OK (treatMissingData notBreaching).
 * - S3 (buckets of the claims; only with a request metrics configuration): 5xxErrors' Average, the
 *   share of requests answered 5xx (503 Slow Down included).
 */
export function plannedAlarms(plan: EnvironmentPlan, t: MonitoringTargets, s: MonitoringSettings): PlannedAlarm[] {
  const th = s.thresholds;
  const env = plan.env.name;
  const out: PlannedAlarm[] = [];
  const common = (description: string): AlarmSpec => ({
    alarmDescription: description,
    ...(s.alarmActions.length > 0 ? { actionsEnabled: true, alarmActions: [...s.alarmActions] } : {}),
    treatMissingData: 'notBreaching',
    tags: [{ key: 'strata.dev/environment', value: env }],
  });
  // What the workloads' storage profiles ask of each file system: the bottleneck check's demand, against the same baseline.
  const profiled = storageBottlenecks(plan).rows.filter((r) => r.supply !== undefined && r.layout?.kind === 'fsx-lustre');
  for (const f of t.fsx) {
    if (f.id === undefined || f.capacityGiB === undefined) continue;
    const dims = { FileSystemId: f.id };
    const bytes = f.capacityGiB * 1024 ** 3;
    const free = Math.round((bytes * th.fsxFreeCapacityPercent) / 100);
    out.push({
      name: `strata-${env}-fsx-${f.id}-free-capacity`,
      tier: 'fsx-lustre',
      resource: f.id,
      watches: `FreeDataStorageCapacity (Sum, 1 min) < ${th.fsxFreeCapacityPercent} % of ${f.capacityGiB} GiB`,
      spec: {
        namespace: 'AWS/FSx',
        metricName: 'FreeDataStorageCapacity',
        dimensions: [{ name: 'FileSystemId', value: f.id }],
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        threshold: free,
        comparisonOperator: 'LessThanThreshold',
        ...common(`FSx for Lustre ${f.id} (${f.users.join(', ')}): less than ${th.fsxFreeCapacityPercent}% of its ${f.capacityGiB} GiB free. Increase its storage capacity (online) or free space.`),
      },
    });
    const tp = f.deploymentType ? fsxThroughput(f.capacityGiB, f.deploymentType, f.perUnitStorageThroughput) : undefined;
    if (tp) {
      const baseline = Math.round(tp.mbps * 1e6);
      const asked = profiled.filter((r) => f.users.includes(`${r.workload}/${r.claim}`));
      const askedMBps = asked.reduce((a, r) => a + r.demand.readMBps + r.demand.writeMBps, 0);
      const declared = asked.length > 0 ? ` The storageProfile of ${asked.map((r) => `${r.workload}/${r.claim}`).join(', ')} asks ${Math.round(askedMBps)} MB/s (${Math.round((askedMBps / tp.mbps) * 100)}% of it): the report's headroom section says what 2x and 10x need.` : '';
      out.push({
        name: `strata-${env}-fsx-${f.id}-throughput`,
        tier: 'fsx-lustre',
        resource: f.id,
        watches: `(DataReadBytes + DataWriteBytes) (Sum, 1 min) per second > ${th.fsxThroughputPercent} % of ${Math.round(tp.mbps)} MB/s`,
        spec: {
          metrics: [
            m('r', 'AWS/FSx', 'DataReadBytes', dims, 'Sum', 60),
            m('w', 'AWS/FSx', 'DataWriteBytes', dims, 'Sum', 60),
            { id: 'utilization', expression: `100 * (r + w) / PERIOD(r) / ${baseline}`, label: 'client throughput, % of baseline', returnData: true },
          ],
          evaluationPeriods: 15,
          datapointsToAlarm: 12,
          threshold: th.fsxThroughputPercent,
          comparisonOperator: 'GreaterThanThreshold',
          ...common(`FSx for Lustre ${f.id}: client throughput above ${th.fsxThroughputPercent}% of its ${Math.round(tp.mbps)} MB/s baseline for 12 of 15 minutes. Storage, not compute, bounds its readers: raise its throughput (more capacity, or a higher per-unit throughput on PERSISTENT file systems).${declared}`),
        },
      });
    }
    if (th.fsxMetadataOpsPerSecond !== undefined) {
      out.push({
        name: `strata-${env}-fsx-${f.id}-metadata`,
        tier: 'fsx-lustre',
        resource: f.id,
        watches: `MetadataOperations (Sum, 1 min) per second > ${th.fsxMetadataOpsPerSecond}`,
        spec: {
          metrics: [m('md', 'AWS/FSx', 'MetadataOperations', dims, 'Sum', 60), { id: 'rate', expression: 'md / PERIOD(md)', label: 'metadata operations per second', returnData: true }],
          evaluationPeriods: 15,
          datapointsToAlarm: 12,
          threshold: th.fsxMetadataOpsPerSecond,
          comparisonOperator: 'GreaterThanThreshold',
          ...common(`FSx for Lustre ${f.id}: more than ${th.fsxMetadataOpsPerSecond} metadata operations per second for 12 of 15 minutes. Many small files: pack them, or raise the file system's metadata IOPS (PERSISTENT_2).`),
        },
      });
    }
  }
  for (const e of t.efs) {
    const dims = { FileSystemId: e.id };
    const base = (metricName: string, statistic: string): AlarmSpec => ({ namespace: 'AWS/EFS', metricName, dimensions: [{ name: 'FileSystemId', value: e.id }], statistic, period: 300, evaluationPeriods: 3, datapointsToAlarm: 3 });
    out.push(
      {
        name: `strata-${env}-efs-${e.id}-io-limit`,
        tier: 'efs',
        resource: e.id,
        watches: `PercentIOLimit (Maximum, 5 min) > ${th.efsPercentIOLimit} %`,
        spec: { ...base('PercentIOLimit', 'Maximum'), threshold: th.efsPercentIOLimit, comparisonOperator: 'GreaterThanThreshold', ...common(`EFS ${e.id} (${e.users.join(', ')}): near the General Purpose mode's I/O limit for 15 minutes. Spread the I/O, or move the data to a Max I/O or an Elastic file system.`) },
      },
      {
        name: `strata-${env}-efs-${e.id}-burst-credits`,
        tier: 'efs',
        resource: e.id,
        watches: `BurstCreditBalance (Minimum, 5 min) < ${th.efsBurstCreditGiB} GiB`,
        spec: { ...base('BurstCreditBalance', 'Minimum'), threshold: th.efsBurstCreditGiB * 1024 ** 3, comparisonOperator: 'LessThanThreshold', ...common(`EFS ${e.id}: burst credits below ${th.efsBurstCreditGiB} GiB; once spent, throughput falls to the baseline. Switch the file system to Elastic throughput (online, one mode change per 24 hours).`) },
      },
      {
        name: `strata-${env}-efs-${e.id}-throughput`,
        tier: 'efs',
        resource: e.id,
        watches: `MeteredIOBytes (Sum, 1 min) per second > ${th.efsThroughputPercent} % of PermittedThroughput (Average)`,
        spec: {
          metrics: [
            m('metered', 'AWS/EFS', 'MeteredIOBytes', dims, 'Sum', 60),
            m('permitted', 'AWS/EFS', 'PermittedThroughput', dims, 'Average', 60),
            { id: 'utilization', expression: '100 * (metered / PERIOD(metered)) / permitted', label: 'metered throughput, % of permitted', returnData: true },
          ],
          evaluationPeriods: 15,
          datapointsToAlarm: 12,
          threshold: th.efsThroughputPercent,
          comparisonOperator: 'GreaterThanThreshold',
          ...common(`EFS ${e.id}: metered throughput above ${th.efsThroughputPercent}% of the permitted throughput for 12 of 15 minutes. Raise provisioned throughput (online, any time) or use Elastic throughput.`),
        },
      },
    );
  }
  if (s.s3FilterId !== undefined) {
    for (const b of t.s3) {
      out.push({
        name: `strata-${env}-s3-${b.bucket}-5xx`,
        tier: 's3',
        resource: b.bucket,
        watches: `5xxErrors (Average, 5 min) > ${th.s3ErrorRatePercent} % of requests (filter ${s.s3FilterId})`,
        spec: {
          namespace: 'AWS/S3',
          metricName: '5xxErrors',
          dimensions: [{ name: 'BucketName', value: b.bucket }, { name: 'FilterId', value: s.s3FilterId }],
          statistic: 'Average',
          period: 300,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          threshold: th.s3ErrorRatePercent / 100,
          comparisonOperator: 'GreaterThanThreshold',
          ...common(`S3 bucket ${b.bucket} (${b.users.join(', ')}): more than ${th.s3ErrorRatePercent}% of requests answered 5xx, 503 Slow Down included. Spread keys over more prefixes, or lower the readers' request rate.`),
        },
      });
    }
  }
  return out;
}

/** The MetricAlarm objects (the Kubernetes name is the alarm's name). */
export function metricAlarms(alarms: readonly PlannedAlarm[], s: MonitoringSettings): KubeObject[] {
  return alarms.map((a) => ({
    apiVersion: METRIC_ALARM_API,
    kind: 'MetricAlarm',
    metadata: { name: a.name.toLowerCase(), namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'strata' } },
    spec: { name: a.name, ...a.spec },
  }));
}
