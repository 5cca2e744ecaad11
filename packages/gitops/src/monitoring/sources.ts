/**
 * What each exporter and each AWS service really publishes: the only metric names, labels,
 * dimensions and statistics the generated rules, alarms and dashboards may use. Tests hold every
 * generated expression and alarm to this table, and every entry names where it was verified.
 */

/** A Prometheus metric: its name, the labels it carries, and the values of enumerated labels. */
export interface PrometheusMetric {
  readonly name: string;
  readonly exporter: 'kubelet' | 'kube-state-metrics';
  readonly labels: readonly string[];
  /** The values a label takes, where the exporter enumerates them. */
  readonly values?: { readonly [label: string]: readonly string[] };
  readonly source: string;
}

const KSM = 'kubernetes/kube-state-metrics@v2.20.0';
const KUBELET = 'kubernetes/kubernetes pkg/kubelet/metrics/collectors/volume_stats.go (labels namespace, persistentvolumeclaim) and pkg/kubelet/metrics/metrics.go (VolumeStats*Key), read in the code index without a tag';

export const PROMETHEUS_METRICS: readonly PrometheusMetric[] = [
  { name: 'kubelet_volume_stats_used_bytes', exporter: 'kubelet', labels: ['namespace', 'persistentvolumeclaim'], source: KUBELET },
  { name: 'kubelet_volume_stats_capacity_bytes', exporter: 'kubelet', labels: ['namespace', 'persistentvolumeclaim'], source: KUBELET },
  { name: 'kubelet_volume_stats_available_bytes', exporter: 'kubelet', labels: ['namespace', 'persistentvolumeclaim'], source: KUBELET },
  {
    name: 'kube_persistentvolumeclaim_status_phase',
    exporter: 'kube-state-metrics',
    labels: ['namespace', 'persistentvolumeclaim', 'phase'],
    values: { phase: ['Pending', 'Bound', 'Lost'] },
    source: `${KSM}:docs/metrics/storage/persistentvolumeclaim-metrics.md#L11`,
  },
  {
    name: 'kube_persistentvolumeclaim_info',
    exporter: 'kube-state-metrics',
    labels: ['namespace', 'persistentvolumeclaim', 'storageclass', 'volumename', 'volumemode'],
    source: `${KSM}:docs/metrics/storage/persistentvolumeclaim-metrics.md#L7`,
  },
  {
    name: 'kube_persistentvolumeclaim_resource_requests_storage_bytes',
    exporter: 'kube-state-metrics',
    labels: ['namespace', 'persistentvolumeclaim'],
    source: `${KSM}:docs/metrics/storage/persistentvolumeclaim-metrics.md#L9`,
  },
  { name: 'kube_pod_container_status_restarts_total', exporter: 'kube-state-metrics', labels: ['container', 'namespace', 'pod', 'uid'], source: `${KSM}:docs/metrics/workload/pod-metrics.md#L33` },
  {
    name: 'kube_pod_container_status_waiting_reason',
    exporter: 'kube-state-metrics',
    labels: ['container', 'pod', 'namespace', 'reason', 'uid'],
    source: `${KSM}:docs/metrics/workload/pod-metrics.md#L21`,
  },
  {
    name: 'kube_pod_status_phase',
    exporter: 'kube-state-metrics',
    labels: ['pod', 'namespace', 'phase', 'uid'],
    values: { phase: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] },
    source: `${KSM}:docs/metrics/workload/pod-metrics.md#L15`,
  },
];

/** A CloudWatch metric: namespace, name, the dimensions it takes, the statistics it supports. */
export interface CloudWatchMetric {
  readonly namespace: 'AWS/FSx' | 'AWS/EFS' | 'AWS/S3';
  readonly name: string;
  readonly dimensions: readonly string[];
  readonly statistics: readonly string[];
  readonly unit: string;
  readonly source: string;
}

const FSX_METRICS = 'https://docs.aws.amazon.com/fsx/latest/LustreGuide/fs-metrics.html';
const EFS_METRICS = 'https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html';
const S3_METRICS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html';
const FSX_STATS = ['Sum', 'Minimum', 'Maximum', 'Average', 'SampleCount'];

export const CLOUDWATCH_METRICS: readonly CloudWatchMetric[] = [
  // FSx for Lustre network I/O metrics: one dimension, FileSystemId; a data point per disk (OST) per minute, Sum adds the disks.
  { namespace: 'AWS/FSx', name: 'DataReadBytes', dimensions: ['FileSystemId'], statistics: FSX_STATS, unit: 'Bytes', source: FSX_METRICS },
  { namespace: 'AWS/FSx', name: 'DataWriteBytes', dimensions: ['FileSystemId'], statistics: FSX_STATS, unit: 'Bytes', source: FSX_METRICS },
  { namespace: 'AWS/FSx', name: 'MetadataOperations', dimensions: ['FileSystemId'], statistics: FSX_STATS, unit: 'Count', source: FSX_METRICS },
  // Storage capacity: Sum is the file system's free data storage (docs/performance-monitoring of the FSx Lustre guide).
  { namespace: 'AWS/FSx', name: 'FreeDataStorageCapacity', dimensions: ['FileSystemId'], statistics: FSX_STATS, unit: 'Bytes', source: FSX_METRICS },
  // EFS: every metric but TimeSinceLastSync has the one dimension FileSystemId.
  { namespace: 'AWS/EFS', name: 'PercentIOLimit', dimensions: ['FileSystemId'], statistics: ['Minimum', 'Maximum', 'Average'], unit: 'Percent', source: EFS_METRICS },
  { namespace: 'AWS/EFS', name: 'BurstCreditBalance', dimensions: ['FileSystemId'], statistics: ['Minimum', 'Maximum', 'Average'], unit: 'Bytes', source: EFS_METRICS },
  { namespace: 'AWS/EFS', name: 'PermittedThroughput', dimensions: ['FileSystemId'], statistics: ['Minimum', 'Maximum', 'Average'], unit: 'Bytes/Second', source: EFS_METRICS },
  { namespace: 'AWS/EFS', name: 'MeteredIOBytes', dimensions: ['FileSystemId'], statistics: ['Minimum', 'Maximum', 'Average', 'Sum', 'SampleCount'], unit: 'Bytes', source: EFS_METRICS },
  // S3 request metrics: only for buckets with a request metrics configuration; dimensions BucketName and FilterId.
  // 5xxErrors is 0 or 1 per request: Average is the error rate, Sum the count (503 Slow Down is a 5xx).
  { namespace: 'AWS/S3', name: '5xxErrors', dimensions: ['BucketName', 'FilterId'], statistics: ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'], unit: 'Count', source: S3_METRICS },
  { namespace: 'AWS/S3', name: 'AllRequests', dimensions: ['BucketName', 'FilterId'], statistics: ['Sum'], unit: 'Count', source: S3_METRICS },
];

/** The metric of this namespace and name, if published. */
export function cloudWatchMetric(namespace: string, name: string): CloudWatchMetric | undefined {
  return CLOUDWATCH_METRICS.find((m) => m.namespace === namespace && m.name === name);
}

/** The Prometheus metric of this name, if an exporter here publishes it. */
export function prometheusMetric(name: string): PrometheusMetric | undefined {
  return PROMETHEUS_METRICS.find((m) => m.name === name);
}

/**
 * The namespace the Mountpoint CSI driver v2 runs its mount pods in
 * (awslabs/mountpoint-s3-csi-driver@v2.7.0:charts/aws-mountpoint-s3-csi-driver/values.yaml#L95-L96, mountpointPod.namespace).
 * Mountpoint itself exports metrics only over OTLP, to an OpenTelemetry receiver
 * (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/METRICS.md#L3-L11), not to Prometheus: the rules
 * watch the mount pods through kube-state-metrics.
 */
export const MOUNTPOINT_NAMESPACE = 'mount-s3';

/**
 * Which CSI drivers answer NodeGetVolumeStats (without it the kubelet exports no
 * kubelet_volume_stats_* for their volumes):
 * - FSx for Lustre: no (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/node.go#L41 no node capabilities, #L224-L226 Unimplemented);
 * - Mountpoint for S3: no (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/node.go#L43-L44 VOLUME_MOUNT_GROUP only, #L257-L259 Unimplemented);
 * - EFS: only with `node.volMetricsOptIn` (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/values.yaml),
 *   and then with a capacity of about 8 EiB (issue #1242): only used bytes against a budget can fire.
 */
export const REPORTS_VOLUME_STATS: { readonly [provisioner: string]: 'no' | 'opt-in' } = {
  'fsx.csi.aws.com': 'no',
  's3.csi.aws.com': 'no',
  'efs.csi.aws.com': 'opt-in',
};
