import { evaluate } from '@marcbachmann/cel-js';
import { ApiObject, Testing } from 'cdk8s';
import { Tokens } from '@strata/tokens';
import {
  AwaitedObject,
  awaitBudget,
  awaitedObjects,
  customHealthChecks,
  CustomHealthCheck,
  CUSTOM_KINDS,
  customKind,
  goDurationSeconds,
  hasCustomResources,
  isRun,
  READY_SECONDS_ANNOTATION,
  releaseTemplate,
  resolveFactWith,
  synthesizeChart,
  timeoutFor,
  WorkloadChart,
} from '../src';

/**
 * The custom resources of the workload operators in the awaited-object model: which kinds a
 * HelmRelease waits for, within what budget, and what helm-controller's poller concludes from the
 * status each operator writes (fixtures shaped like the operators' status, each from its source).
 */

type Obj = { apiVersion: string; kind: string; metadata: { name: string; generation?: number; annotations?: Record<string, unknown> }; spec?: unknown; status?: unknown };
const cr = (apiVersion: string, kind: string, name: string, spec: unknown = {}, annotations?: Record<string, unknown>): Obj => ({ apiVersion, kind, metadata: { name, ...(annotations ? { annotations } : {}) }, spec });
const resolveWith = (values: Record<string, unknown>) => (f: unknown) => (typeof f === 'object' && f !== null && '$value' in f ? values[(f as { $value: string }).$value] : f);
const budgetOf = (objects: readonly AwaitedObject[], values: Record<string, unknown> = {}) =>
  awaitBudget(objects, { resolve: resolveWith(values) as never, provisioningSeconds: () => 0, waitForJobs: true });

describe('awaitedObjects: custom resources', () => {
  test('a serving kind carries its budget: node and image plus the slowest startup probe of its pods', () => {
    const isvc = cr('serving.kserve.io/v1beta1', 'InferenceService', 'llm', {
      predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 's3://m/llama', startupProbe: { periodSeconds: 10, failureThreshold: 90 } } },
    });
    expect(awaitedObjects([isvc])).toEqual([{ kind: 'CustomResource', apiVersion: 'serving.kserve.io/v1beta1', resourceKind: 'InferenceService', name: 'llm', ready: [600, 0, 900], basis: 'pod start' }]);
  });

  test('a declared budget (a number or a value of the release) replaces the pod start', () => {
    const declared = cr('serving.kserve.io/v1beta1', 'InferenceService', 'llm', {}, { [READY_SECONDS_ANNOTATION]: '3600' });
    const asValue = cr('apps.nvidia.com/v1alpha1', 'NIMCache', 'cache', {}, { [READY_SECONDS_ANNOTATION]: { '\u0000ref': { path: 'cache.fillSeconds', kind: 'integer' } } });
    const awaited = awaitedObjects([declared, asValue]);
    expect(awaited).toEqual([
      { kind: 'CustomResource', apiVersion: 'serving.kserve.io/v1beta1', resourceKind: 'InferenceService', name: 'llm', ready: [3600], basis: 'declared' },
      // The caching Job's view mounts the operator's default claim (<name>-pvc): its binding comes first.
      { kind: 'CustomResource', apiVersion: 'apps.nvidia.com/v1alpha1', resourceKind: 'NIMCache', name: 'cache', ready: [{ $value: 'cache.fillSeconds' }], claims: ['cache-pvc'], basis: 'declared' },
    ]);
    expect(budgetOf(awaited, { 'cache.fillSeconds': 5400 }).objects).toEqual([
      { kind: 'InferenceService', name: 'llm', seconds: 3600, why: 'until Ready, within 3600 s (declared by the chart)' },
      { kind: 'NIMCache', name: 'cache', seconds: 5400, why: 'until its state is Ready, within 5400 s (declared by the chart)' },
    ]);
  });

  test('a declared budget printed into the annotation as a formula of values (node and image + a gate + loading) is that formula, as the release renders it', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'awaits under test' });
    const gate = chart.values.integer('gateSeconds', { default: 7200, minimum: 60, maximum: 86400, description: 'Gate.' });
    new ApiObject(chart, 'llm', { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { annotations: { [READY_SECONDS_ANNOTATION]: `${Tokens.sum(600, gate, 1800)}` } }, spec: {} });
    const [awaited] = awaitedObjects(releaseTemplate(synthesizeChart(chart)).objects.map((o) => o.manifest as Record<string, unknown>));
    expect(awaited).toMatchObject({ resourceKind: 'InferenceService', basis: 'declared' });
    const seconds = (values: Record<string, unknown>) =>
      awaitBudget([awaited], { resolve: (f) => resolveFactWith(f, (path) => values[path] ?? 7200) as number, provisioningSeconds: () => 0, waitForJobs: true }).objects[0].seconds;
    expect([seconds({}), seconds({ gateSeconds: 3600 })]).toEqual([9600, 6000]);
  });

  test("a RayService is bounded by its ray.io/initializing-timeout, which KubeRay enforces (a Go duration or seconds)", () => {
    const svc = cr('ray.io/v1', 'RayService', 'serve', { rayClusterConfig: { headGroupSpec: { template: { spec: { containers: [{ name: 'head' }] } } } } }, { 'ray.io/initializing-timeout': '45m', [READY_SECONDS_ANNOTATION]: '600' });
    const plain = cr('ray.io/v1', 'RayService', 'serve2', { rayClusterConfig: { headGroupSpec: { template: { spec: { containers: [{ name: 'head', startupProbe: { initialDelaySeconds: 30, periodSeconds: 5, failureThreshold: 12 } }] } } }, workerGroupSpecs: [{ template: { spec: { containers: [{ name: 'w', startupProbe: { periodSeconds: 10, failureThreshold: 30 } }] } } }] } });
    expect(awaitedObjects([svc, plain])).toEqual([
      { kind: 'CustomResource', apiVersion: 'ray.io/v1', resourceKind: 'RayService', name: 'serve', ready: [2700], basis: 'ray.io/initializing-timeout' },
      // the slowest container of head and workers: the worker's 300 s beats the head's 30 + 60
      { kind: 'CustomResource', apiVersion: 'ray.io/v1', resourceKind: 'RayService', name: 'serve2', ready: [600, 0, 300], basis: 'pod start' },
    ]);
    expect(budgetOf(awaitedObjects([svc])).objects[0]).toEqual({ kind: 'RayService', name: 'serve', seconds: 2700, why: 'until Ready, within 2700 s (its ray.io/initializing-timeout)' });
  });

  test('a LeaderWorkerSet rolls its groups maxUnavailable + maxSurge at a time; LeaderReady starts the workers after the leader', () => {
    const lws = cr('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', 'vllm', {
      replicas: 5,
      startupPolicy: 'LeaderReady',
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxUnavailable: 1, maxSurge: 1 } },
      leaderWorkerTemplate: { size: 2, leaderTemplate: { spec: { containers: [{ name: 'l', startupProbe: { periodSeconds: 10, failureThreshold: 6 } }] } }, workerTemplate: { spec: { containers: [{ name: 'w' }] } } },
    });
    const awaited = awaitedObjects([lws]);
    expect(awaited).toEqual([{ kind: 'CustomResource', apiVersion: 'leaderworkerset.x-k8s.io/v1', resourceKind: 'LeaderWorkerSet', name: 'vllm', ready: [600, 0, 60, 600, 0, 60], replicas: 5, surge: 2, basis: 'pod start' }]);
    // 5 groups, 2 per round: 3 rounds of (leader 660 s, then workers 660 s)
    expect(budgetOf(awaited)).toEqual({ objects: [{ kind: 'LeaderWorkerSet', name: 'vllm', seconds: 3960, why: 'until Available, 3 rounds of 1320 s (pod start only)' }], unboundedJobs: [], longest: 3960 });
    // upstream defaults: 1 replica, maxUnavailable 1, maxSurge 0, LeaderCreated
    expect(budgetOf(awaitedObjects([cr('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', 'd', {})])).longest).toBe(600);
  });

  test('a custom resource whose pods mount a claim waits for the claim to bind first (a new FSx file system: up to 30 min)', () => {
    const lws = cr('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', 'vllm', {
      leaderWorkerTemplate: { size: 2, workerTemplate: { spec: { containers: [{ name: 'w' }], volumes: [{ name: 'weights', persistentVolumeClaim: { claimName: 'weights-claim' } }] } } },
    });
    const claim = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: 'weights-claim' }, spec: { storageClassName: 'strata-fsx-lustre' } };
    const awaited = awaitedObjects([lws, claim as never]);
    expect(awaited[0]).toMatchObject({ resourceKind: 'LeaderWorkerSet', claims: ['weights-claim'] });
    const budget = awaitBudget(awaited, { resolve: resolveWith({}) as never, provisioningSeconds: () => 1800, waitForJobs: true });
    expect(budget.objects.find((x) => x.kind === 'LeaderWorkerSet')).toEqual({ kind: 'LeaderWorkerSet', name: 'vllm', seconds: 2400, why: 'until Available, within 600 s (pod start only), after claims bound within 1800 s' });
  });

  test('a custom resource whose pods wait at a gate (a model hydrated first) counts the gate once, before its rounds', () => {
    const lws = cr('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', 'vllm', {
      leaderWorkerTemplate: { size: 2, workerTemplate: { metadata: { annotations: { 'strata.dev/init-seconds': '7200' } }, spec: { containers: [{ name: 'w' }] } } },
    });
    const awaited = awaitedObjects([lws]);
    expect(awaited[0]).toMatchObject({ init: 7200 });
    expect(budgetOf(awaited).objects).toEqual([{ kind: 'LeaderWorkerSet', name: 'vllm', seconds: 7800, why: 'until Available, within 600 s (pod start only), the first after a gate of up to 7200 s' }]);
  });

  test('runs and configuration are listed but never awaited: they add nothing to the timeout, and no Job-like unbounded wait', () => {
    const objects = [
      cr('trainer.kubeflow.org/v1alpha1', 'TrainJob', 'ft', { trainer: { numNodes: 4 } }),
      cr('trainer.kubeflow.org/v1alpha1', 'TrainingRuntime', 'torch'),
      cr('kubeflow.org/v1', 'PyTorchJob', 'pt'),
      cr('jobset.x-k8s.io/v1alpha2', 'JobSet', 'js'),
      cr('ray.io/v1', 'RayJob', 'rj', { activeDeadlineSeconds: 86400 }),
      cr('sparkoperator.k8s.io/v1beta2', 'SparkApplication', 'etl'),
      cr('serving.kserve.io/v1alpha1', 'ServingRuntime', 'vllm'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ];
    const awaited = awaitedObjects(objects);
    expect(awaited.map((a) => (a.kind === 'CustomResource' ? `${a.resourceKind}:${a.ready === undefined}` : a.kind))).toEqual(['TrainJob:true', 'TrainingRuntime:true', 'PyTorchJob:true', 'JobSet:true', 'RayJob:true', 'SparkApplication:true', 'ServingRuntime:true']);
    const budget = budgetOf(awaited);
    expect(budget.longest).toBe(0);
    expect(budget.unboundedJobs).toEqual([]);
    expect(budget.objects.map((o) => `${o.kind}: ${o.why}`)).toEqual([
      'TrainJob: a run: not awaited',
      'TrainingRuntime: configuration: not awaited',
      'PyTorchJob: a run: not awaited',
      'JobSet: a run: not awaited',
      'RayJob: a run: not awaited',
      'SparkApplication: a run: not awaited',
      'ServingRuntime: configuration: not awaited',
    ]);
    expect(awaited.filter(isRun).map((a) => a.name)).toEqual(['ft', 'pt', 'js', 'rj', 'etl']);
    expect(timeoutFor(budget.longest)).toBe('10m');
  });

  test('the health checks a release needs: one per kind present, in table order', () => {
    const awaited = awaitedObjects([
      cr('trainer.kubeflow.org/v1alpha1', 'TrainJob', 'a'),
      cr('trainer.kubeflow.org/v1alpha1', 'TrainJob', 'b'),
      cr('ray.io/v1', 'RayService', 's'),
      cr('serving.kserve.io/v1beta1', 'InferenceService', 'i'),
      cr('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', 'l'),
    ]);
    expect(hasCustomResources(awaited)).toBe(true);
    expect(customHealthChecks(awaited)).toEqual([
      { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')" },
      {
        apiVersion: 'ray.io/v1',
        kind: 'RayService',
        current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
        failed: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'False' && c.reason == 'InitializingTimeout')",
      },
      { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', current: "status.conditions.exists(c, c.type == 'Available' && c.status == 'True')" },
      { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', current: 'true' },
    ]);
    expect(customHealthChecks(awaitedObjects([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } }]))).toEqual([]);
    expect(hasCustomResources([])).toBe(false);
  });

  test('the table covers exactly the operator kinds strata makes, each once', () => {
    expect(CUSTOM_KINDS.map((r) => `${r.group}/${r.kind} ${r.role}`)).toEqual([
      'serving.kserve.io/InferenceService awaited',
      'serving.kserve.io/ServingRuntime configuration',
      'serving.kserve.io/ClusterServingRuntime configuration',
      'ray.io/RayService awaited',
      'ray.io/RayCluster awaited',
      'ray.io/RayJob run',
      'leaderworkerset.x-k8s.io/LeaderWorkerSet awaited',
      'apps.nvidia.com/NIMService awaited',
      'apps.nvidia.com/NIMCache awaited',
      'jobset.x-k8s.io/JobSet run',
      'trainer.kubeflow.org/TrainJob run',
      'trainer.kubeflow.org/TrainingRuntime configuration',
      'trainer.kubeflow.org/ClusterTrainingRuntime configuration',
      'kubeflow.org/PyTorchJob run',
      'sparkoperator.k8s.io/SparkApplication run',
    ]);
    // every run is pinned Current by a health check; apiVersion matches the group
    for (const r of CUSTOM_KINDS) {
      if (r.role === 'run') expect([r.kind, r.health]).toEqual([r.kind, { current: 'true' }]);
      expect(r.apiVersion.startsWith(`${r.group}/`)).toBe(true);
      expect(customKind(r.apiVersion, r.kind)).toBe(r);
    }
    expect(customKind('ray.io/v1alpha1', 'RayService')?.kind).toBe('RayService'); // by group: any version
    expect(customKind('v1', 'ConfigMap')).toBeUndefined();
  });

  test('goDurationSeconds reads Go durations and integer seconds', () => {
    expect(['90s', '45m', '1h30m', '2m30s', '1.5h', '600', '', 'soon', '10ms'].map(goDurationSeconds)).toEqual([90, 2700, 5400, 150, 5400, 600, undefined, undefined, undefined]);
  });
});

/**
 * helm-controller's poller over one object, as a model: a kind with a health check goes through
 * fluxcd/pkg runtime/cel/status_evaluator.go Evaluate (observedGeneration, then inProgress, failed,
 * current, else InProgress; an expression that cannot be evaluated — no status yet — is an error,
 * which the wait reports and keeps polling); any other kind through kstatus's rules for unknown
 * kinds (fluxcd/cli-utils@v1.2.1 pkg/kstatus/status/status.go Compute, generic.go).
 */
function pollerStatus(o: Obj, checks: readonly CustomHealthCheck[]): 'Current' | 'InProgress' | 'Failed' | 'Unknown' {
  const generation = o.metadata.generation;
  const observed = (o.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  const check = checks.find((c) => c.kind === o.kind && c.apiVersion.split('/')[0] === o.apiVersion.split('/')[0]);
  if (check) {
    if (observed !== undefined && generation !== undefined && observed !== generation) return 'InProgress';
    try {
      for (const [expr, result] of [[check.inProgress, 'InProgress'], [check.failed, 'Failed'], [check.current, 'Current']] as const) {
        if (expr !== undefined && evaluate(expr, o as unknown as Record<string, unknown>) === true) return result;
      }
    } catch {
      return 'Unknown';
    }
    return 'InProgress';
  }
  if (observed !== undefined && generation !== undefined && observed !== generation) return 'InProgress';
  const conditions = ((o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  if (conditions.some((c) => c.type === 'Reconciling' && c.status === 'True')) return 'InProgress';
  if (conditions.some((c) => c.type === 'Stalled' && c.status === 'True')) return 'Failed';
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True' ? 'Current' : 'InProgress';
  return 'Current';
}

describe("what helm-controller's poller concludes from the status each operator writes", () => {
  const all = CUSTOM_KINDS.flatMap((r) => (r.health ? [{ apiVersion: r.apiVersion, kind: r.kind, ...r.health }] : []));
  const at = (kind: string, status: unknown, generation = 1, annotations?: Record<string, unknown>): Obj => {
    const rule = CUSTOM_KINDS.find((r) => r.kind === kind)!;
    return { apiVersion: rule.apiVersion, kind, metadata: { name: 'x', generation, ...(annotations ? { annotations } : {}) }, ...(status === undefined ? {} : { status }) };
  };
  const cond = (type: string, status: 'True' | 'False' | 'Unknown', reason = 'R') => ({ type, status, reason });

  test.each([
    // InferenceService (kserve@v0.20.0 inference_service_status.go: Ready = PredictorReady ∧ IngressReady; no observedGeneration kept)
    ['InferenceService', 'InProgress', { conditions: [cond('IngressReady', 'True'), cond('PredictorReady', 'False', 'MinimumReplicasUnavailable'), cond('Ready', 'False')] }],
    ['InferenceService', 'Current', { conditions: [cond('IngressReady', 'True'), cond('PredictorReady', 'True'), cond('Ready', 'True')] }],
    ['InferenceService', 'InProgress', { conditions: [cond('PredictorReady', 'False', 'ProgressDeadlineExceeded'), cond('Ready', 'False', 'ProgressDeadlineExceeded')] }], // never Failed: waits out the timeout
    ['InferenceService', 'Unknown', undefined], // before the controller writes any status: not Current (kstatus alone would say Current)
    // RayService (kuberay@v1.7.0 rayservice_controller.go calculateConditions)
    ['RayService', 'InProgress', { observedGeneration: 1, conditions: [cond('Ready', 'False', 'Initializing'), cond('UpgradeInProgress', 'False', 'Initializing')] }],
    ['RayService', 'Current', { observedGeneration: 1, conditions: [cond('Ready', 'True', 'NonZeroServeEndpoints')] }],
    ['RayService', 'Failed', { observedGeneration: 1, conditions: [cond('Ready', 'False', 'InitializingTimeout')] }],
    ['RayService', 'InProgress', { observedGeneration: 0, conditions: [cond('Ready', 'True', 'NonZeroServeEndpoints')] }], // a new spec not yet observed
    ['RayService', 'Unknown', undefined], // no status yet: the expression cannot be evaluated, the wait goes on
    // RayCluster (raycluster_types.go conditions; the controller writes observedGeneration)
    ['RayCluster', 'InProgress', { observedGeneration: 1, state: 'ready', conditions: [cond('HeadPodReady', 'True'), cond('RayClusterProvisioned', 'False', 'RayClusterPodsProvisioning')] }],
    ['RayCluster', 'Current', { observedGeneration: 1, conditions: [cond('HeadPodReady', 'True'), cond('RayClusterProvisioned', 'True')] }],
    // LeaderWorkerSet (lws@v0.10.0: Available excludes Progressing and UpdateInProgress)
    ['LeaderWorkerSet', 'InProgress', { observedGeneration: 1, conditions: [cond('Progressing', 'True')] }],
    ['LeaderWorkerSet', 'Current', { observedGeneration: 1, conditions: [cond('Available', 'True')] }],
    // NIMService (nim-operator@v3.1.2 conditions.go: Ready and Failed; Failed does not fail the wait)
    ['NIMService', 'InProgress', { state: 'NotReady', conditions: [cond('Ready', 'False', 'NIMCacheNotReady'), cond('Failed', 'False')] }],
    ['NIMService', 'InProgress', { state: 'Failed', conditions: [cond('Ready', 'False', 'Failed'), cond('Failed', 'True', 'NIMCacheNotFound')] }],
    ['NIMService', 'Current', { state: 'Ready', conditions: [cond('Ready', 'True'), cond('Failed', 'False', 'Ready')] }],
    ['NIMService', 'Unknown', undefined],
    // NIMCache (nimcache_controller.go: status.state)
    ['NIMCache', 'InProgress', { state: 'InProgress', conditions: [cond('NIM_CACHE_JOB_PENDING', 'False', 'JobRunning')] }],
    ['NIMCache', 'Current', { state: 'Ready', conditions: [cond('NIM_CACHE_JOB_COMPLETED', 'True')] }],
    // runs: Current whatever they report — a failed run does not fail the release either
    ['TrainJob', 'Current', { conditions: [cond('Failed', 'True', 'DeadlineExceeded')] }],
    ['TrainJob', 'Current', undefined],
    ['JobSet', 'Current', { conditions: [cond('Completed', 'True')], terminalState: 'Completed' }],
    ['PyTorchJob', 'Current', { conditions: [cond('Created', 'True'), cond('Running', 'True')] }],
    ['RayJob', 'Current', { jobDeploymentStatus: 'Running', jobStatus: 'RUNNING' }],
    ['SparkApplication', 'Current', { applicationState: { state: 'RUNNING' } }],
    // configuration: no status
    ['ServingRuntime', 'Current', undefined],
    ['ClusterTrainingRuntime', 'Current', undefined],
  ])('%s is %s (case %#)', (kind, expected, status) => {
    expect(pollerStatus(at(kind as string, status), all)).toBe(expected);
  });

  test('without the health checks kstatus would not wait for a RayCluster, a LeaderWorkerSet or a NIMCache, nor for a serving kind whose status is not written yet', () => {
    expect(pollerStatus(at('InferenceService', undefined), [])).toBe('Current');
    expect(pollerStatus(at('NIMService', undefined), [])).toBe('Current');
    expect(pollerStatus(at('InferenceService', { conditions: [cond('Ready', 'False')] }), [])).toBe('InProgress');
    expect(pollerStatus(at('RayCluster', { observedGeneration: 1, conditions: [cond('RayClusterProvisioned', 'False')] }), [])).toBe('Current');
    expect(pollerStatus(at('LeaderWorkerSet', { observedGeneration: 1, conditions: [cond('Progressing', 'True')] }), [])).toBe('Current');
    expect(pollerStatus(at('NIMCache', { state: 'InProgress' }), [])).toBe('Current');
    // …and would time out on a RayService past its initializing timeout instead of failing at once
    expect(pollerStatus(at('RayService', { observedGeneration: 1, conditions: [cond('Ready', 'False', 'InitializingTimeout')] }), [])).toBe('InProgress');
  });
});
