import { validateObjects } from '@strata/kube-schemas';
import { parseAllDocuments } from 'yaml';
import {
  CLOUDWATCH_METRICS,
  cloudWatchMetric,
  DASHBOARD_LABEL,
  EnvironmentDefinition,
  EnvironmentError,
  environmentFiles,
  monitoringFiles,
  monitoringProblems,
  planEnvironment,
  planMonitoring,
  PROMETHEUS_METRICS,
  prometheusMetric,
  storageBottlenecks,
  workload,
} from '../src';
import { fsxCapacityToCarry, fsxThroughputOf } from '@strata/recommend';
import { fsxCapacityFor, headroomReport } from '../src/report-headroom';
import { s3FilesCatalog } from './fixtures/s3-files-charts';
import { evaluate, Series } from './support/promql';
import { dev, efsOnly, prod } from './fixtures/environments';

// The fixture charts and the S3 Files tier's (a superset: dev, prod and efs-only plan the same).
const catalog = s3FilesCatalog();
const planOf = (e: EnvironmentDefinition) => {
  const p = planEnvironment(e, catalog, `environments/${e.name}/environment.ts`);
  expect(p.errors).toEqual([]);
  return p;
};
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean) as any[];

/** dev with the training chart bound to an existing FSx file system, S3 request metrics, a budget for EFS claims and alarm actions. */
const watched: EnvironmentDefinition = {
  ...dev,
  monitoring: {
    cloudwatch: { s3RequestMetricsFilterId: 'EntireBucket', alarmActions: ['arn:aws:sns:us-east-1:111122223333:storage-alarms'] },
    thresholds: { efsClaimUsedGiB: 200, fsxMetadataOpsPerSecond: 5000 },
  },
  workloads: {
    ...dev.workloads,
    training: workload({ namespace: 'ml-dev', values: { workers: 2, dataset: { existing: { enabled: true, fileSystemId: 'fs-0123456789abcdef1' } } } }),
  },
};
/** An environment whose only claims are on an S3 Files class (the EFS driver's, told apart by class name). */
const files: EnvironmentDefinition = {
  name: 'files',
  cluster: { name: 'strata-files', region: 'us-east-1', kubernetesVersion: '1.33' },
  registry: 'oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/strata/charts',
  network: { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0123456789abcdef0'] },
  identity: { mode: 'irsa', drivers: { efs: 'arn:aws:iam::111122223333:role/efs-csi' }, efsNode: 'arn:aws:iam::111122223333:role/efs-csi-node' },
  storage: { 's3-files': [{ release: 'datasets-fs', values: { fileSystemId: 'fs-0a1b2c3d4e5f6071829', storageClassName: 'datasets' } }] },
  workloads: { datasets: workload({ namespace: 'data', values: { data: { storageClassName: 'datasets' } } }) },
} as EnvironmentDefinition;
const envs = [dev, prod, efsOnly, watched, files];

// --- PromQL: the metric names and labels of each expression -------------------------------------------
/** Every `metric{matchers}` selector and bare metric name of an expression. */
function selectors(expr: string): { metric: string; matchers: { label: string; op: string; value: string }[] }[] {
  const out: { metric: string; matchers: { label: string; op: string; value: string }[] }[] = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
    out.push({ metric: m[1], matchers: [...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((x) => ({ label: x[1], op: x[2], value: x[3] })) });
  }
  return out;
}
/** The labels an expression groups or joins on: by (…), on (…), group_left(…). */
function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|on|group_left|group_right)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l) => l.trim()).filter(Boolean));
}

describe('every Prometheus rule can fire: it reads only metrics and labels the exporters really emit', () => {
  const rules = envs.flatMap((e) => planMonitoring(planOf(e)).rules.map((r) => ({ env: e.name, r })));

  test('the rules exist for each tier the environments use', () => {
    expect(rules.map(({ env, r }) => `${env} ${r.alert}`)).toEqual([
      'dev StrataFsxLustreClaimPending',
      'dev StrataEfsClaimPending',
      'dev StrataMountpointPodRestarting',
      'dev StrataMountpointPodWaiting',
      'dev StrataScratchPodFailed',
      'prod StrataFsxLustreClaimPending',
      'prod StrataEfsClaimPending',
      'prod StrataMountpointPodRestarting',
      'prod StrataMountpointPodWaiting',
      'prod StrataScratchPodFailed',
      'efs-only StrataEfsClaimPending',
      'efs-only StrataMountpointPodRestarting',
      'efs-only StrataMountpointPodWaiting',
      'watched StrataFsxLustreClaimPending',
      'watched StrataEfsClaimPending',
      'watched StrataEfsClaimOverBudget',
      'watched StrataMountpointPodRestarting',
      'watched StrataMountpointPodWaiting',
      'watched StrataScratchPodFailed',
      'files StrataS3FilesClaimPending',
    ].map((s) => s.replace(/^watched/, 'dev')));
  });

  test('S3 Files: claims of its classes Pending, told apart from EFS claims by class name; no CloudWatch alarm, and the report says why', () => {
    const plan = planOf(files);
    const mp = planMonitoring(plan);
    expect(mp.rules.find((r) => r.alert === 'StrataS3FilesClaimPending')).toEqual({
      alert: 'StrataS3FilesClaimPending',
      expr: 'max by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{namespace=~"data", phase="Pending"} * on (namespace, persistentvolumeclaim) group_left(storageclass) kube_persistentvolumeclaim_info{namespace=~"data", storageclass=~"datasets"}) > 0',
      for: expect.stringMatching(/^[0-9]+m$/),
      labels: { severity: 'warning', environment: 'files', tier: 's3-files' },
      annotations: expect.objectContaining({ summary: 'An S3 Files claim is not bound.' }),
    });
    expect(mp.alarms.map((a) => a.name)).toEqual([]);
    expect(environmentFiles(files, catalog).get('files/README.md')).toContain('- S3 Files file systems have no CloudWatch alarm: S3 Files sends metrics to CloudWatch (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-monitoring-cloudwatch.html), but their names, namespace and dimensions could not be verified here');
  });

  test.each(rules.map(({ env, r }) => [`${env} ${r.alert}`, r] as const))('%s', (_, r) => {
    const sels = selectors(r.expr);
    expect(sels.length).toBeGreaterThan(0);
    const labels = new Set<string>();
    for (const s of sels) {
      const m = prometheusMetric(s.metric);
      expect({ metric: s.metric, published: m !== undefined }).toEqual({ metric: s.metric, published: true });
      for (const l of m!.labels) labels.add(l);
      for (const x of s.matchers) {
        expect(m!.labels).toContain(x.label);
        const values = m!.values?.[x.label];
        if (values && x.op === '=') expect(values).toContain(x.value);
      }
    }
    for (const l of groupingLabels(r.expr)) expect([...labels]).toContain(l);
    // A threshold the metric can cross, and a duration Prometheus accepts.
    expect(r.expr).toMatch(/ > [0-9]+$/);
    expect(r.for).toMatch(/^[0-9]+m$/);
  });

  test('no rule reads kubelet volume stats of a driver that never reports them (FSx for Lustre, Mountpoint): FSx and S3 claims are watched through kube-state-metrics and CloudWatch', () => {
    for (const { r } of rules) {
      if (/kubelet_volume_stats_/.test(r.expr)) expect(r.labels.tier).toBe('efs');
    }
  });

  test('EFS used bytes: only with a budget, which turns on the EFS driver\'s volume metrics (the kubelet exports nothing otherwise)', () => {
    const noBudget = planOf(dev);
    expect(planMonitoring(noBudget).rules.map((r) => r.alert)).not.toContain('StrataEfsClaimOverBudget');
    expect(noBudget.drivers.find((d) => d.driver.tier === 'efs')!.values).not.toHaveProperty('node.volMetricsOptIn');
    const p = planOf(watched);
    expect(p.drivers.find((d) => d.driver.tier === 'efs')!.values).toHaveProperty('node.volMetricsOptIn', true);
    const off = { ...p, drivers: p.drivers.map((d) => (d.driver.tier === 'efs' ? { ...d, values: { node: { volMetricsOptIn: false } } } : d)) };
    expect(planMonitoring(off).rules.map((r) => r.alert)).not.toContain('StrataEfsClaimOverBudget');
    const budget = planMonitoring(p).rules.find((r) => r.alert === 'StrataEfsClaimOverBudget')!;
    expect(budget.expr).toBe(
      'max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~"ml-dev"} * on (namespace, persistentvolumeclaim) group_left(storageclass) kube_persistentvolumeclaim_info{namespace=~"ml-dev", storageclass=~"strata-efs"}) > 214748364800',
    );
  });

  test('an FSx claim is given the 30 minutes its file system may take before it counts as stuck', () => {
    const r = planMonitoring(planOf(dev)).rules;
    expect(r.find((x) => x.alert === 'StrataFsxLustreClaimPending')!.for).toBe('30m');
    expect(r.find((x) => x.alert === 'StrataEfsClaimPending')!.for).toBe('15m');
  });

  test('the catalogue of exporter metrics names its source for each', () => {
    for (const m of PROMETHEUS_METRICS) expect(m.source).toMatch(/kube-state-metrics@v2\.20\.0|kubernetes\/kubernetes/);
    for (const m of CLOUDWATCH_METRICS) expect(m.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

/**
 * Series as the exporter emits the metric (every label the catalogue lists), set to satisfy the
 * selector's matchers; the join labels agree across series.
 */
function exporterSeries(term: string, value: number[]): { name: string; series: Series } {
  const inner = /^increase\((.*)\[[0-9]+[smh]\]\)$/.exec(term)?.[1] ?? term;
  const [sel] = selectors(inner);
  const metric = prometheusMetric(sel.metric)!;
  const labels: Record<string, string> = {};
  for (const l of metric.labels) labels[l] = { namespace: 'ns', persistentvolumeclaim: 'claim-1', pod: 'pod-1', container: 'c' }[l] ?? 'x';
  for (const m of sel.matchers) labels[m.label] = m.op === '=' ? m.value : m.value.split('|')[0].replace(/\\\\/g, '');
  return { name: sel.metric, series: { labels: { job: 'exporter', instance: '10.0.0.1:8080', ...labels }, samples: value } };
}

describe('every Prometheus rule fires on series shaped as the exporters emit them, and only then', () => {
  const rules = envs.flatMap((e) => planMonitoring(planOf(e)).rules.map((r) => ({ env: e.name, r })));
  test.each(rules.map(({ env, r }) => [`${env} ${r.alert}`, r] as const))('%s', (_, r) => {
    const threshold = Number(/ > ([0-9.e+]+)$/.exec(r.expr)![1]);
    const inner = /^(?:max|sum) by \([^)]*\) \((.*)\) > [0-9.e+]+$/.exec(r.expr)![1];
    const join = /^(.*?) \* on \([^)]*\) group_left\([^)]*\) (.*)$/.exec(inner);
    const left = join ? join[1] : inner;
    const over = left.startsWith('increase(') ? [0, threshold + 1] : [threshold + 1];
    const quiet = left.startsWith('increase(') ? [5, 5] : [0];
    const info = join ? [exporterSeries(join[2], [1])] : [];
    const fired = evaluate(r.expr, [exporterSeries(left, over), ...info]);
    expect(fired).toHaveLength(1);
    // Its labels name what is wrong (the claim or the pod), for the annotations' templates.
    expect(Object.keys(fired[0].labels).some((k) => k === 'persistentvolumeclaim' || k === 'pod')).toBe(true);
    expect(evaluate(r.expr, [exporterSeries(left, quiet), ...info])).toEqual([]);
    if (join) {
      // A claim of another class (another tier's) is not this rule's.
      const other = exporterSeries(join[2], [1]);
      const foreign = { ...other, series: { ...other.series, labels: { ...other.series.labels, storageclass: 'another-class' } } };
      expect(evaluate(r.expr, [exporterSeries(left, over), foreign])).toEqual([]);
    }
  });
});

describe('every CloudWatch alarm reads a metric the service publishes, with its dimensions and a valid statistic', () => {
  const alarms = envs.flatMap((e) => planMonitoring(planOf(e)).alarms.map((a) => ({ env: e.name, a })));

  test('alarms per file system whose ID is known, and per bucket when request metrics are configured', () => {
    expect(alarms.map(({ env, a }) => `${env} ${a.name}`)).toEqual([
      'dev strata-dev-efs-fs-0123456789abcdef0-io-limit',
      'dev strata-dev-efs-fs-0123456789abcdef0-burst-credits',
      'dev strata-dev-efs-fs-0123456789abcdef0-throughput',
      'prod strata-prod-efs-fs-0fedcba9876543210-io-limit',
      'prod strata-prod-efs-fs-0fedcba9876543210-burst-credits',
      'prod strata-prod-efs-fs-0fedcba9876543210-throughput',
      'efs-only strata-efs-only-efs-fs-0123456789abcdef0-io-limit',
      'efs-only strata-efs-only-efs-fs-0123456789abcdef0-burst-credits',
      'efs-only strata-efs-only-efs-fs-0123456789abcdef0-throughput',
      'dev strata-dev-fsx-fs-0123456789abcdef1-free-capacity',
      'dev strata-dev-fsx-fs-0123456789abcdef1-metadata',
      'dev strata-dev-efs-fs-0123456789abcdef0-io-limit',
      'dev strata-dev-efs-fs-0123456789abcdef0-burst-credits',
      'dev strata-dev-efs-fs-0123456789abcdef0-throughput',
      'dev strata-dev-s3-ckpt-bucket-5xx',
      'dev strata-dev-s3-models-bucket-5xx',
    ]);
  });

  test.each(alarms.map(({ env, a }) => [`${env} ${a.name}`, a] as const))('%s', (_, a) => {
    const s = a.spec as any;
    const stats = s.metrics ? s.metrics.filter((q: any) => q.metricStat).map((q: any) => ({ ...q.metricStat.metric, stat: q.metricStat.stat, period: q.metricStat.period })) : [{ namespace: s.namespace, metricName: s.metricName, dimensions: s.dimensions, stat: s.statistic, period: s.period }];
    for (const q of stats) {
      const m = cloudWatchMetric(q.namespace, q.metricName);
      expect({ metric: `${q.namespace} ${q.metricName}`, published: m !== undefined }).toEqual({ metric: `${q.namespace} ${q.metricName}`, published: true });
      expect(q.dimensions.map((d: any) => d.name).sort()).toEqual([...m!.dimensions].sort());
      expect(m!.statistics).toContain(q.stat);
      // CloudWatch: periods of 60 s multiples; for periods under an hour, at most a day evaluated.
      expect(q.period % 60).toBe(0);
      expect(q.period * s.evaluationPeriods).toBeLessThanOrEqual(86400);
    }
    if (s.metrics) {
      const ids = new Set(s.metrics.map((q: any) => q.id));
      const expressions = s.metrics.filter((q: any) => q.expression);
      expect(expressions.filter((q: any) => q.returnData)).toHaveLength(1);
      for (const q of expressions) for (const id of q.expression.match(/\b[a-z][a-zA-Z0-9_]*\b/g).filter((w: string) => w !== 'PERIOD')) expect(ids).toContain(id);
    }
    expect(s.datapointsToAlarm).toBeLessThanOrEqual(s.evaluationPeriods);
    expect(['GreaterThanThreshold', 'LessThanThreshold']).toContain(s.comparisonOperator);
  });

  test('the FSx throughput alarm compares client throughput with the baseline: capacity × per-unit throughput', () => {
    const p = planOf({ ...watched, storage: { ...watched.storage } });
    const mp = planMonitoring(p);
    // The fixture's existing file system does not state its per-unit throughput: no baseline, no throughput alarm, and the report says why.
    expect(mp.alarms.some((a) => a.name.endsWith('-throughput') && a.tier === 'fsx-lustre')).toBe(false);
    const scratch = { ...mp.targets, fsx: [{ id: 'fs-0123456789abcdef2', capacityGiB: 2400, deploymentType: 'SCRATCH_2', storageType: 'SSD', users: ['x/y'] }], efs: [], s3: [] };
    const { plannedAlarms } = jest.requireActual('../src/monitoring/cloudwatch-alarms');
    const tp = plannedAlarms(p, scratch, mp.settings).find((a: any) => a.name.endsWith('-throughput'));
    expect(tp.spec.metrics[2].expression).toBe('100 * (r + w) / PERIOD(r) / 468750000');
    expect(tp.watches).toBe('(DataReadBytes + DataWriteBytes) (Sum, 1 min) per second > 80 % of 469 MB/s');
  });

  test('S3: 5xxErrors by bucket and request metrics filter, the share of requests (Average) against the percent threshold', () => {
    const s3 = planMonitoring(planOf(watched)).alarms.find((a) => a.resource === 'models-bucket')!;
    expect(s3.spec).toMatchObject({ namespace: 'AWS/S3', metricName: '5xxErrors', statistic: 'Average', threshold: 0.01, dimensions: [{ name: 'BucketName', value: 'models-bucket' }, { name: 'FilterId', value: 'EntireBucket' }] });
    expect(s3.spec.alarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:storage-alarms']);
  });
});

describe('the monitoring files', () => {
  const files = monitoringFiles(planOf(watched));

  test('validate: PrometheusRule against the prometheus-operator model, MetricAlarms against the ACK CRD schema, the dashboard ConfigMap', () => {
    const objs = [...files.entries()].filter(([k]) => !k.endsWith('kustomization.yaml')).flatMap(([, v]) => docs(v));
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Kustomization', 'Kustomization', ...Array(7).fill('MetricAlarm'), 'Namespace', 'PrometheusRule']);
    expect(validateObjects(objs)).toEqual([]);
    // The CRD schema is strict: a field the controller does not know is refused.
    const alarm = objs.find((o) => o.kind === 'MetricAlarm');
    expect(validateObjects([{ ...alarm, spec: { ...alarm.spec, statistics: 'Sum' } }])).not.toEqual([]);
  });

  test('the dashboard is a ConfigMap the Grafana sidecar loads, and its panels read catalogued metrics only', () => {
    const cm = docs(files.get('monitoring/prometheus/dashboard.yaml')!)[0];
    expect(cm.metadata.labels).toMatchObject(DASHBOARD_LABEL);
    const json = JSON.parse(cm.data['strata-storage-dev.json']);
    expect(json.uid).toBe('strata-storage-dev');
    expect(json.templating.list.map((v: any) => `${v.name}:${v.type}:${v.query}`)).toEqual(['prometheus:datasource:prometheus', 'cloudwatch:datasource:cloudwatch']);
    const cells = new Set<string>();
    for (const p of json.panels) {
      expect(['${prometheus}', '${cloudwatch}']).toContain(p.datasource.uid);
      const cell = `${p.gridPos.x},${p.gridPos.y}`;
      expect(cells.has(cell)).toBe(false);
      cells.add(cell);
      for (const t of p.targets) {
        if (t.expr) for (const s of selectors(t.expr)) expect(prometheusMetric(s.metric)).toBeDefined();
        else {
          const m = cloudWatchMetric(t.namespace, t.metricName);
          expect(m).toBeDefined();
          expect(Object.keys(t.dimensions).sort()).toEqual([...m!.dimensions].sort());
          expect(m!.statistics).toContain(t.statistic);
        }
      }
    }
    expect(json.panels.map((p: any) => p.title)).toContain('FSx fs-0123456789abcdef1: free data storage');
  });

  test('whole PrometheusRule and alarms of an environment', () => {
    expect(files.get('monitoring.yaml')).toMatchSnapshot();
    expect(files.get('monitoring/prometheus/rules.yaml')).toMatchSnapshot();
    expect(files.get('monitoring/cloudwatch/alarms.yaml')).toMatchSnapshot();
  });

  test('off: no monitoring files, and the entry point does not list them; one side off leaves the other', () => {
    const off = environmentFiles({ ...dev, monitoring: { enabled: false } }, catalog);
    expect([...off.keys()].filter((k) => k.includes('monitoring'))).toEqual([]);
    expect(off.get('dev/kustomization.yaml')).not.toContain('monitoring.yaml');
    const noCw = environmentFiles({ ...dev, monitoring: { cloudwatch: { enabled: false } } }, catalog);
    expect([...noCw.keys()].filter((k) => k.includes('monitoring')).sort()).toEqual(['dev/monitoring.yaml', 'dev/monitoring/prometheus/dashboard.yaml', 'dev/monitoring/prometheus/kustomization.yaml', 'dev/monitoring/prometheus/rules.yaml']);
    expect(noCw.get('dev/kustomization.yaml')).toContain('- monitoring.yaml');
  });
});

describe('monitoring settings: bad input is refused, nothing is written', () => {
  test('each field, with what is accepted', () => {
    expect(
      monitoringProblems({
        namespace: 'Strata_Monitoring',
        cloudwatch: { alarmActions: ['arn:aws:sqs:us-east-1:111122223333:q'], s3RequestMetricsFilterId: 'entire bucket' },
        thresholds: { fsxFreeCapacityPercent: 0, efsThroughputPercent: 100.5, efsBurstCreditGiB: -1, s3ErrorRatePercent: 0 },
      }),
    ).toEqual([
      `'monitoring.thresholds.fsxFreeCapacityPercent' (0) must be a whole percentage between 1 and 99; alarm before the limit is reached, not at it`,
      `'monitoring.thresholds.efsThroughputPercent' (100.5) must be a whole percentage between 1 and 99; alarm before the limit is reached, not at it`,
      `'monitoring.thresholds.efsBurstCreditGiB' (-1) must be a number above 0; leave it out for the default`,
      `'monitoring.thresholds.s3ErrorRatePercent' (0) must be a percentage above 0 and at most 100; e.g. 1 for one request in a hundred`,
      `'monitoring.namespace' ("Strata_Monitoring") must be a DNS label (lowercase letters, digits and "-", at most 63); Kubernetes namespace names are DNS labels, e.g. "strata-monitoring"`,
      `'monitoring.cloudwatch.alarmActions[0]' ("arn:aws:sqs:us-east-1:111122223333:q") must be an SNS topic ARN such as "arn:aws:sns:us-east-1:111122223333:storage-alarms"; alarms notify SNS topics`,
      `'monitoring.cloudwatch.s3RequestMetricsFilterId' ("entire bucket") must be a request metrics configuration ID (1 to 64 letters, digits, ".", "-" and "_"); the ID of the buckets' request metrics configuration (S3 publishes request metrics only for a bucket with one)`,
    ]);
    expect(monitoringProblems(undefined)).toEqual([]);
  });

  test('generate refuses the environment with the field named', () => {
    expect(() => environmentFiles({ ...dev, monitoring: { thresholds: { fsxThroughputPercent: 150 } } }, catalog)).toThrow(EnvironmentError);
    try {
      environmentFiles({ ...dev, monitoring: { thresholds: { fsxThroughputPercent: 150 } } }, catalog);
    } catch (e) {
      expect((e as EnvironmentError).errors).toEqual([`environments/dev/environment.ts: 'monitoring.thresholds.fsxThroughputPercent' (150) must be a whole percentage between 1 and 99; alarm before the limit is reached, not at it`]);
    }
  });
});

describe('headroom', () => {
  const withProfile = (e: EnvironmentDefinition, workload: string, profile: unknown): EnvironmentDefinition => ({ ...e, workloads: { ...e.workloads, [workload]: { ...(e.workloads as any)[workload], storageProfile: profile } } });

  test('FSx with a storageProfile: used against provisioned throughput, and what 2× and 10× of the declared demand need and cost (the bottleneck check\'s sizing)', () => {
    const plan = planOf(withProfile(dev, 'training', { dataset: { dataGiB: 1000, readers: 1, readMBpsPerReader: 150 } }));
    const row = headroomReport(plan).find((l) => l.includes('for training/dataset'));
    // 150 MB/s of 234.375 (1,200 GiB × 200 MB/s/TiB): 64 %. 2×: 300 MB/s needs 1.5 TiB → 2,400 GiB; 10×: 1,500 MB/s needs 7.5 TiB → 9,600 GiB.
    expect(row).toBe(
      '| FSx for Lustre | made from class strata-fsx-lustre for training/dataset (SCRATCH_2) | 1,200 GiB | 234 MB/s (burst 1,523); asked 150 MB/s read: 64 % of it | training/dataset: 1,200 GiB requested; storageProfile of training/dataset | ' +
        '2× the asked (300 MB/s read): 2,400 GiB, 469 MB/s | $360.78 | 10× the asked (1,500 MB/s read): 9,600 GiB, 1,875 MB/s | $1,443.11 | ' +
        "**new file system** planned: a scratch file system's throughput is fixed per TiB, and storage scaling of scratch deployment types is not verified here (increase only, online for the types that support it: [FSx storage](https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-storage-capacity.html)) |",
    );
    // What the bottleneck check proposes for the same demand is the same sizing (fsxCapacityToCarry, factor 1): today's capacity carries 150 MB/s.
    expect(fsxCapacityToCarry('SCRATCH_2', 1200, undefined, { readMBps: 150, writeMBps: 0 }, 2)).toBe(2400);
    expect(fsxCapacityToCarry('SCRATCH_2', 1200, undefined, { readMBps: 150, writeMBps: 0 }, 10)).toBe(9600);
  });

  test('EFS with a storageProfile: asked against given, and whether 2× and 10× still fit (metadata included)', () => {
    const plan = planOf(withProfile(dev, 'inference', { 'models/cache': { dataGiB: 100, readers: 2, readMBpsPerReader: 500, metadataOpsPerSecond: 10000 } }));
    const row = headroomReport(plan).find((l) => l.startsWith('| EFS'))!;
    expect(row.split(' | ').slice(3, 7)).toEqual([
      'inference/models/cache asked 1,000 MB/s read of 3,221.2 MB/s read, metadata 10,000 of 90,000 operations/s',
      'inference/models/cache; storageProfile of inference/models/cache',
      'inference/models/cache at 2× (2,000 MB/s read): fits',
      'n/a (data stored not stated)',
    ]);
    expect(row).toContain('inference/models/cache at 10× (10,000 MB/s read): falls short on read (10,000 of 3,221.2), metadata (100,000 of 90,000)');
  });

  test('one throughput number: the bottleneck check\'s supply, the report\'s throughput and the FSx throughput alarm\'s baseline come from fsxThroughputOf', () => {
    const plan = planOf(withProfile(dev, 'training', { dataset: { dataGiB: 1000, readers: 1, readMBpsPerReader: 150 } }));
    const [row] = storageBottlenecks(plan).rows;
    const mp = planMonitoring(plan);
    const target = { ...mp.targets, fsx: [{ id: 'fs-0123456789abcdef2', capacityGiB: 1200, deploymentType: 'SCRATCH_2', storageType: 'SSD', users: ['training/dataset'] }], efs: [], s3: [] };
    const { plannedAlarms } = jest.requireActual('../src/monitoring/cloudwatch-alarms');
    const alarm = plannedAlarms(plan, target, mp.settings).find((a: any) => a.name.endsWith('-throughput'));
    expect(row.supply!.readMBps).toBe(fsxThroughputOf('SCRATCH_2', 1200)!.readMBps);
    expect(alarm.spec.metrics[2].expression).toBe(`100 * (r + w) / PERIOD(r) / ${Math.round(row.supply!.readMBps * 1e6)}`);
    expect(alarm.watches).toBe('(DataReadBytes + DataWriteBytes) (Sum, 1 min) per second > 80 % of 234 MB/s');
    expect(alarm.spec.alarmDescription).toBe(
      'FSx for Lustre fs-0123456789abcdef2: client throughput above 80% of its 234 MB/s baseline for 12 of 15 minutes. Storage, not compute, bounds its readers: raise its throughput (more capacity, or a higher per-unit throughput on PERSISTENT file systems). ' +
        "The storageProfile of training/dataset asks 150 MB/s (64% of it): the report's headroom section says what 2x and 10x need.",
    );
    expect(headroomReport(plan).find((l) => l.includes('for training/dataset'))).toContain('| 234 MB/s (burst 1,523);');
  });

  test('FSx SSD capacity steps: 1200 GiB, then multiples of 2400 GiB', () => {
    expect([1, 1200, 1201, 2400, 2401, 4800, 12000, 12001].map(fsxCapacityFor)).toEqual([1200, 1200, 2400, 2400, 4800, 4800, 12000, 14400]);
  });

  test('per tier: provisioned, requested, 2× and 10× with cost, online or new; a chart of the priced cost', () => {
    const text = headroomReport(planOf(dev)).join('\n');
    expect(text).toContain('| tier | storage | capacity | throughput | requested by | 2× needs | 2× est. monthly | 10× needs | 10× est. monthly | how to grow |');
    expect(text).toMatch(/\| FSx for Lustre \| made from class strata-fsx-lustre for training\/dataset \(SCRATCH_2\) \| 1,200 GiB \| 234 MB\/s \(burst 1,523\) \| training\/dataset: 1,200 GiB requested \| 2,400 GiB, 469 MB\/s \| \$360\.78 \| 12,000 GiB, 2,344 MB\/s \| \$1,803\.89 \| \*\*new file system\*\*/);
    expect(text).toContain('| EFS | fs-0123456789abcdef0 |');
    expect(text).toContain('**online**: Provisioned throughput may be raised at any time; a throughput mode change, or a decrease, once per 24 hours');
    expect(text).toContain('```mermaid\nxychart-beta\n  title "Priced storage, USD per month"\n  x-axis ["today", "2x", "10x"]\n  y-axis "USD per month"\n  bar [230.97, 461.93, 2309.66]\n```');
    // S3: the storage the claims expect, priced at each growth (requests are not).
    expect(text).toContain('| S3 (Mountpoint) | ckpt-bucket | unbounded | per partitioned prefix: at least 3,500 writes and 5,500 reads per second | training/results: 2,048 GiB expected | 4,096 GiB; 2× the requests: spread over more prefixes if one is busy | $101.16 (storage; requests not included) |');
  });
});
