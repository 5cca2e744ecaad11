import { KubeObject } from '../flux';
import { EnvironmentPlan } from '../plan';
import { AlertRule } from './prometheus-rules';
import { MonitoringSettings } from './settings';
import { MOUNTPOINT_NAMESPACE } from './sources';
import { MonitoringTargets } from './targets';

/**
 * The label kube-prometheus-stack's Grafana dashboard sidecar loads ConfigMaps by, from every
 * namespace (prometheus-community/helm-charts@kube-prometheus-stack-88.5.3:charts/kube-prometheus-stack/values.yaml#L1536-L1542,
 * grafana.sidecar.dashboards: label grafana_dashboard, labelValue "1", searchNamespace ALL).
 */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;

interface Panel {
  readonly title: string;
  readonly type: 'timeseries';
  readonly datasource: { readonly type: string; readonly uid: string };
  readonly targets: readonly Record<string, unknown>[];
  readonly unit: string;
}

const PROM = { type: 'prometheus', uid: '${prometheus}' };
const CW = { type: 'cloudwatch', uid: '${cloudwatch}' };

/** A CloudWatch query target of Grafana's CloudWatch data source (metric search mode). */
function cw(refId: string, namespace: string, metricName: string, dimensions: Record<string, string>, statistic: string, region: string): Record<string, unknown> {
  return { refId, queryMode: 'Metrics', namespace, metricName, dimensions, statistic, period: '60', region, matchExact: true };
}

/**
 * Grafana dashboard JSON of an environment's storage: the Prometheus side (claims by phase, the
 * rules' expressions, Mountpoint pod restarts) and the CloudWatch side (FSx throughput and free
 * capacity, EFS I/O limit, throughput and burst credits, S3 5xx). The CloudWatch panels need a
 * Grafana CloudWatch data source; the `cloudwatch` variable picks it.
 */
export function dashboardJson(plan: EnvironmentPlan, t: MonitoringTargets, rules: readonly AlertRule[]): Record<string, unknown> {
  const region = plan.env.cluster.region;
  const panels: Panel[] = [];
  const nsAll = [...new Set(Object.values(t.namespaces).flat())].sort();
  if (nsAll.length > 0) {
    panels.push({
      title: 'Claims by phase',
      type: 'timeseries',
      datasource: PROM,
      unit: 'short',
      targets: [{ refId: 'A', expr: `sum by (phase) (kube_persistentvolumeclaim_status_phase{namespace=~"${nsAll.join('|')}"})`, legendFormat: '{{phase}}' }],
    });
  }
  for (const r of rules) {
    panels.push({ title: `Alert ${r.alert}`, type: 'timeseries', datasource: PROM, unit: 'short', targets: [{ refId: 'A', expr: r.expr.replace(/ > [0-9.e+]+$/, ''), legendFormat: '{{namespace}}/{{persistentvolumeclaim}}{{pod}}' }] });
  }
  if (t.s3.length > 0) {
    panels.push({ title: 'Mountpoint pods: restarts per hour', type: 'timeseries', datasource: PROM, unit: 'short', targets: [{ refId: 'A', expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="${MOUNTPOINT_NAMESPACE}"}[1h]))`, legendFormat: '{{pod}}' }] });
  }
  for (const f of t.fsx) {
    if (!f.id) continue;
    const d = { FileSystemId: f.id };
    panels.push(
      { title: `FSx ${f.id}: client throughput (bytes per minute)`, type: 'timeseries', datasource: CW, unit: 'bytes', targets: [cw('A', 'AWS/FSx', 'DataReadBytes', d, 'Sum', region), cw('B', 'AWS/FSx', 'DataWriteBytes', d, 'Sum', region)] },
      { title: `FSx ${f.id}: free data storage`, type: 'timeseries', datasource: CW, unit: 'bytes', targets: [cw('A', 'AWS/FSx', 'FreeDataStorageCapacity', d, 'Sum', region)] },
      { title: `FSx ${f.id}: metadata operations per minute`, type: 'timeseries', datasource: CW, unit: 'short', targets: [cw('A', 'AWS/FSx', 'MetadataOperations', d, 'Sum', region)] },
    );
  }
  for (const e of t.efs) {
    const d = { FileSystemId: e.id };
    panels.push(
      { title: `EFS ${e.id}: PercentIOLimit`, type: 'timeseries', datasource: CW, unit: 'percent', targets: [cw('A', 'AWS/EFS', 'PercentIOLimit', d, 'Maximum', region)] },
      { title: `EFS ${e.id}: metered and permitted throughput`, type: 'timeseries', datasource: CW, unit: 'bytes', targets: [cw('A', 'AWS/EFS', 'MeteredIOBytes', d, 'Sum', region), cw('B', 'AWS/EFS', 'PermittedThroughput', d, 'Average', region)] },
      { title: `EFS ${e.id}: burst credit balance`, type: 'timeseries', datasource: CW, unit: 'bytes', targets: [cw('A', 'AWS/EFS', 'BurstCreditBalance', d, 'Minimum', region)] },
    );
  }
  return {
    title: `strata storage: ${plan.env.name}`,
    uid: `strata-storage-${plan.env.name}`,
    tags: ['strata', 'storage'],
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'prometheus', type: 'datasource', query: 'prometheus', label: 'Prometheus' },
        { name: 'cloudwatch', type: 'datasource', query: 'cloudwatch', label: 'CloudWatch' },
      ],
    },
    panels: panels.map((p, i) => ({
      id: i + 1,
      title: p.title,
      type: p.type,
      datasource: p.datasource,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.targets,
    })),
  };
}

/** The dashboard as a ConfigMap the Grafana sidecar loads. */
export function dashboardConfigMap(plan: EnvironmentPlan, json: Record<string, unknown>, s: MonitoringSettings): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `strata-storage-${plan.env.name}-dashboard`, namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'strata', ...DASHBOARD_LABEL } },
    data: { [`strata-storage-${plan.env.name}.json`]: JSON.stringify(json, null, 2) + '\n' },
  };
}
