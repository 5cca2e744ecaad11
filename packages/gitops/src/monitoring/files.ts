import { fluxKustomization, kustomizeFile, yamlFile } from '../flux';
import { EnvironmentPlan } from '../plan';
import { ALARMS_DEPEND_ON, metricAlarms, PlannedAlarm, plannedAlarms } from './cloudwatch-alarms';
import { dashboardConfigMap, dashboardJson } from './dashboard';
import { AlertRule, alertRules, prometheusRule } from './prometheus-rules';
import { monitoringSettings, MonitoringSettings } from './settings';
import { monitoringTargets, MonitoringTargets } from './targets';

/** An environment's monitoring: settings, what it watches, the rules and alarms. */
export interface MonitoringPlan {
  readonly settings: MonitoringSettings;
  readonly targets: MonitoringTargets;
  readonly rules: readonly AlertRule[];
  readonly alarms: readonly PlannedAlarm[];
}

export function planMonitoring(plan: EnvironmentPlan): MonitoringPlan {
  // Several files and report sections of one environment ask for it; a plan does not change once made.
  let planned = monitoringPlans.get(plan);
  if (!planned) monitoringPlans.set(plan, (planned = monitoringOf(plan)));
  return planned;
}

const monitoringPlans = new WeakMap<EnvironmentPlan, MonitoringPlan>();

function monitoringOf(plan: EnvironmentPlan): MonitoringPlan {
  const settings = monitoringSettings(plan.env.monitoring);
  const targets = monitoringTargets(plan);
  return {
    settings,
    targets,
    rules: settings.enabled && settings.prometheus ? alertRules(plan, targets, settings) : [],
    alarms: settings.enabled && settings.cloudwatch ? plannedAlarms(plan, targets, settings) : [],
  };
}

/** The Flux Kustomizations of the monitoring: one per side, so a cluster without one stack still gets the other. */
export const MONITORING_KUSTOMIZATIONS = { prometheus: 'monitoring-prometheus', cloudwatch: 'monitoring-cloudwatch' } as const;

/**
 * The monitoring files of an environment, relative to its directory: `monitoring.yaml` (the
 * namespace and one Flux Kustomization per side) and `monitoring/prometheus/` (PrometheusRule,
 * dashboard ConfigMap), `monitoring/cloudwatch/` (ACK MetricAlarms). Nothing depends on them:
 * a cluster without the Prometheus operator's CRDs or the ACK cloudwatch controller fails only
 * its own Kustomization, never the workloads'. Empty when monitoring is off or nothing is watched.
 */
export function monitoringFiles(plan: EnvironmentPlan, mp: MonitoringPlan = planMonitoring(plan)): Map<string, string> {
  const files = new Map<string, string>();
  const s = mp.settings;
  if (!s.enabled) return files;
  const src = plan.file;
  const envDir = `./environments/${plan.env.name}/monitoring`;
  const kustomizations = [];
  if (mp.rules.length > 0) {
    const docs = [prometheusRule(plan, mp.rules, s)];
    files.set('monitoring/prometheus/rules.yaml', yamlFile(`Storage alerts of environment ${plan.env.name} (see docs/monitoring.md)`, src, docs));
    const resources = ['rules.yaml'];
    if (s.dashboards) {
      files.set('monitoring/prometheus/dashboard.yaml', yamlFile('Grafana dashboard of the storage (loaded by the Grafana sidecar: label grafana_dashboard "1")', src, [dashboardConfigMap(plan, dashboardJson(plan, mp.targets, mp.rules), s)]));
      resources.push('dashboard.yaml');
    }
    files.set('monitoring/prometheus/kustomization.yaml', kustomizeFile('Prometheus side of the storage monitoring (needs the Prometheus operator CRDs)', src, { resources }));
    kustomizations.push(fluxKustomization({ name: MONITORING_KUSTOMIZATIONS.prometheus, path: `${envDir}/prometheus`, interval: '1h', retryInterval: '5m', timeout: '5m' }));
  }
  if (mp.alarms.length > 0) {
    files.set('monitoring/cloudwatch/alarms.yaml', yamlFile(`CloudWatch alarms of environment ${plan.env.name}, as ACK MetricAlarms (needs the ACK cloudwatch controller)`, src, metricAlarms(mp.alarms, s)));
    files.set('monitoring/cloudwatch/kustomization.yaml', kustomizeFile('CloudWatch side of the storage monitoring (ACK MetricAlarms)', src, { resources: ['alarms.yaml'] }));
    kustomizations.push(fluxKustomization({ name: MONITORING_KUSTOMIZATIONS.cloudwatch, path: `${envDir}/cloudwatch`, dependsOn: [ALARMS_DEPEND_ON], interval: '1h', retryInterval: '5m', timeout: '5m' }));
  }
  if (kustomizations.length === 0) return files;
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'strata' } } };
  files.set('monitoring.yaml', yamlFile('Storage monitoring: its namespace, then the Prometheus and the CloudWatch side, each on its own', src, [namespace, ...kustomizations]));
  return files;
}
