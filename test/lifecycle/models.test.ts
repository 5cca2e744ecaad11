/**
 * The controller models of test/support/controllers on small, made-up releases: each test pins one
 * upstream behaviour the models encode (named, with its source, in a comment), so that the tests
 * over the committed environments (releases.test.ts) rest on models that are right.
 */
import { Manifest } from '@strata/checks';
import { Cluster, disrupt, HelmControllerModel, keyOf, NEVER, runJob } from '../support/controllers';

const NS = 'ml';
const meta = (name: string, annotations: Record<string, string> = {}) => ({ name, namespace: NS, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) });
const job = (name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): Manifest => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta(name, annotations), spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } }, ...spec } });
const claim = (name: string, keep = true): Manifest => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(name, keep ? { 'helm.sh/resource-policy': 'keep' } : {}), spec: { storageClassName: 'strata-efs', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } } });
const configMap = (name: string, data: Record<string, string> = {}): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name), data });
const deployment = (name: string): Manifest => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(name), spec: { replicas: 1 } });
const never = (name: string) => (o: Manifest) => (o.metadata.name === name ? { readyAfter: NEVER } : undefined);
const actions = (m: HelmControllerModel) => m.steps.map((s) => `${s.action} ${s.result}`);

describe('helm-controller model', () => {
  test('each awaited object has the whole timeout, from the start of the wait (not a share of it)', () => {
    // fluxcd/helm-controller@v1.6.3 docs/spec/v2/helmreleases.md#L570-L572 ("any individual Kubernetes operation"), #L1256-L1262; internal/action/wait.go#L108-L128: one kstatus wait over all objects.
    const m = new HelmControllerModel({ timeout: '10m' });
    const state = m.reconcile([deployment('a'), deployment('b'), claim('c')], (o) => ({ readyAfter: 540 }));
    expect(state).toBe('Ready');
    expect(m.steps).toEqual([expect.objectContaining({ action: 'install', result: 'succeeded', took: 540 })]);
  });

  test('hooks are waited one after another, each with the whole timeout: the worst case is a multiple of it', () => {
    // helm@v4.2.4 pkg/action/hooks.go (WatchUntilReady per hook, the release timeout each); helm-controller wait.go#L86-L97 (hooks never fail fast).
    const hook = (name: string, weight: string) => job(name, {}, { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': weight });
    const m = new HelmControllerModel({ timeout: '5m' });
    expect(m.reconcile([hook('migrate', '0'), hook('seed', '1'), configMap('c')], (o) => (o.kind === 'Job' ? { readyAfter: 290 } : undefined))).toBe('Ready');
    expect(m.steps[0].took).toBe(580);
  });

  test('Jobs are awaited to completion unless disableWaitForJobs; then a running Job is Current and keeps running', () => {
    // helmreleases.md#L592-L595 (disableWaitForJobs, default false); fluxcd/cli-utils pkg/kstatus/status/core.go#L533-L578 (a started Job is Current without the Job reader).
    const training = job('train-0a1b2c3d');
    const waits = new HelmControllerModel({ timeout: '35m', install: { remediation: { retries: 0 } } });
    expect(waits.reconcile([training], () => ({ readyAfter: 86400 }))).toBe('Stalled');
    expect(waits.steps[0]).toMatchObject({ action: 'install', result: 'failed', took: 2100, why: `${keyOf(training)} is not ready within the timeout (2100 s)` });
    const free = new HelmControllerModel({ timeout: '35m', install: { disableWaitForJobs: true } });
    expect(free.reconcile([training], () => ({ readyAfter: 86400 }))).toBe('Ready');
    expect(free.steps[0].took).toBe(0);
    expect(free.cluster.get(keyOf(training))!.readyAt).toBe(86400);
  });

  test('a claim is ready when Bound: one never bound fails the wait at the timeout', () => {
    // fluxcd/cli-utils pkg/kstatus/status/core.go#L391-L405: "PVC is not Bound" → InProgress.
    const m = new HelmControllerModel({ timeout: '10m' });
    expect(m.reconcile([claim('data')], never('data'))).toBe('Stalled');
    expect(m.steps[0]).toMatchObject({ result: 'failed', took: 600 });
  });

  test('kstatus fails fast: the first Failed object ends the wait at once', () => {
    // helm-controller internal/action/wait.go#L108-L128: failFast = true for the release's own objects.
    const m = new HelmControllerModel({ timeout: '1h' });
    expect(m.reconcile([deployment('slow'), job('hydrate-00000000')], (o) => (o.kind === 'Job' ? { readyAfter: NEVER, failsAfter: 10 } : { readyAfter: 200 }))).toBe('Stalled');
    expect(m.steps[0]).toMatchObject({ took: 10, why: `Job ${NS}/hydrate-00000000 is Failed` });
  });

  test('RemediateOnFailure, install retries 3: uninstall between attempts deletes all but the kept objects (a Job is created, and runs, each time)', () => {
    // helmreleases.md#L628-L643 ("Remediation, using an uninstall, is performed between each attempt", remediateLastFailure default false);
    // api/v2/helmrelease_types.go#L738-L756; helm@v4.2.4 pkg/action/uninstall.go#L256-L288 (resource-policy keep).
    const objects = [claim('data'), claim('scratch', false), job('train-0a1b2c3d'), deployment('never')];
    const m = new HelmControllerModel({ timeout: '5m', install: { remediation: { retries: 3 } } });
    expect(m.reconcile(objects, never('never'))).toBe('Stalled');
    expect(actions(m)).toEqual(['install failed', 'uninstall succeeded', 'install failed', 'uninstall succeeded', 'install failed', 'uninstall succeeded', 'install failed']);
    expect(m.steps[1].kept).toEqual([keyOf(claim('data'))]);
    expect(m.steps[1].deleted).toEqual([keyOf(claim('scratch')), keyOf(job('train-0a1b2c3d')), keyOf(deployment('never'))]);
    expect(m.cluster.creations(keyOf(job('train-0a1b2c3d')))).toBe(4);
    expect(m.cluster.creations(keyOf(claim('data')))).toBe(1); // adopted by each new install, never re-created
  });

  test('RemediateOnFailure upgrade: no retries → no rollback; retries → rollback, which re-creates the previous content-named Job (it runs again)', () => {
    // helmreleases.md#L715-L735 (strategy rollback by default; remediateLastFailure "false unless .retries is greater than 0");
    // helm@v4.2.4 pkg/action/rollback.go#L197-L235 and pkg/kube/client.go#L573-L700 (missing objects are created).
    const v1 = [job('train-11111111'), deployment('server')];
    const v2 = [job('train-22222222'), deployment('server'), claim('never')];
    const none = new HelmControllerModel({ timeout: '5m', install: { disableWaitForJobs: true }, upgrade: { disableWaitForJobs: true } });
    none.reconcile(v1);
    expect(none.reconcile(v2, never('never'))).toBe('Stalled');
    expect(actions(none)).toEqual(['install succeeded', 'upgrade failed']);
    expect(none.steps[1].deleted).toEqual([keyOf(v1[0])]); // the upgrade deleted the old Job: its name is gone from the release

    const rolls = new HelmControllerModel({ timeout: '5m', install: { disableWaitForJobs: true }, upgrade: { disableWaitForJobs: true, remediation: { retries: 1 } }, rollback: { disableWaitForJobs: true } });
    rolls.reconcile(v1);
    expect(rolls.reconcile(v2, never('never'))).toBe('Stalled');
    expect(actions(rolls)).toEqual(['install succeeded', 'upgrade failed', 'rollback succeeded', 'upgrade failed', 'rollback succeeded']);
    expect(rolls.steps[2].created).toEqual([keyOf(v1[0])]);
    expect(rolls.cluster.creations(keyOf(v1[0]))).toBe(3); // install, then each rollback: the finished Job runs again
  });

  test('RetryOnFailure: a failed install is retried as an upgrade after retryInterval, without uninstall or rollback', () => {
    // helmreleases.md#L602-L626, #L689-L713; internal/reconcile/atomic_release.go#L471-L481.
    const objects = [claim('data', false), job('train-0a1b2c3d'), deployment('never')];
    const retry = { name: 'RetryOnFailure', retryInterval: '5m' };
    const m = new HelmControllerModel({ timeout: '10m', install: { strategy: retry, disableWaitForJobs: true }, upgrade: { strategy: retry, disableWaitForJobs: true } });
    expect(m.reconcile(objects, never('never'), { maxActions: 4 })).toBe('Retrying');
    expect(actions(m)).toEqual(['install failed', 'upgrade failed', 'upgrade failed', 'upgrade failed']);
    expect(m.steps.map((s) => s.at)).toEqual([0, 900, 1800, 2700]);
    expect(m.cluster.deleted).toEqual([]);
    expect(m.cluster.creations(keyOf(objects[1]))).toBe(1);
  });

  test('a failed awaited Job stays Failed under RetryOnFailure: each retry finds it and fails at once (it is not run again)', () => {
    // helm@v4.2.4 pkg/kube/client.go#L573-L700: an unchanged object is patched, not re-created; wait.go failFast.
    const retry = { name: 'RetryOnFailure' };
    const m = new HelmControllerModel({ timeout: '1h', install: { strategy: retry }, upgrade: { strategy: retry } });
    expect(m.reconcile([job('hydrate-0a1b2c3d')], (o, c) => (c.change === 'created' ? { readyAfter: NEVER, failsAfter: 60 } : undefined), { maxActions: 3 })).toBe('Retrying');
    expect(m.steps.map((s) => s.took)).toEqual([60, 0, 0]);
    expect(m.cluster.creations(keyOf(job('hydrate-0a1b2c3d')))).toBe(1);
  });

  test('a Job that keeps its name while its template changes: the API server refuses the patch and nothing is deleted', () => {
    // kubernetes pkg/apis/batch/validation ValidateJobSpecUpdate (spec.template immutable); helm@v4.2.4 pkg/kube/client.go#L648-L653 (a refused patch returns before the deletes).
    const m = new HelmControllerModel({ timeout: '5m', install: { disableWaitForJobs: true }, upgrade: { disableWaitForJobs: true } });
    m.reconcile([job('train'), configMap('old')]);
    const changed = job('train', { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:2' }] } } });
    expect(m.reconcile([changed])).toBe('Stalled');
    expect(m.steps[1]).toMatchObject({ action: 'upgrade', result: 'failed', why: `${keyOf(changed)}: spec.template: field is immutable`, deleted: [] });
  });

  test('cleanupOnFail deletes what the failed upgrade created, kept or not', () => {
    // helm@v4.2.4 pkg/action/upgrade.go#L528-L550 (KubeClient.Delete(created), no resource-policy filter).
    const m = new HelmControllerModel({ timeout: '5m', upgrade: { cleanupOnFail: true } }, new Cluster());
    m.reconcile([configMap('a')]);
    expect(m.reconcile([configMap('a'), claim('new'), deployment('never')], never('never'))).toBe('Stalled');
    expect(m.steps[1].deleted).toEqual([keyOf(claim('new')), keyOf(deployment('never'))]);
  });
});

describe('Job controller model', () => {
  const indexed = (extra: Record<string, unknown>) => job('train', { completionMode: 'Indexed', completions: 4, parallelism: 4, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }, ...extra });

  test('backoffLimitPerIndex: an index fails after more counted failures than the limit; the others finish; then the Job is Failed', () => {
    // job.md "Backoff limit per index".
    const run = runJob(indexed({ backoffLimitPerIndex: 3 }), (i) => (i === 1 ? { outcome: 'Failed', after: 100 } : { outcome: 'Succeeded', after: 1000 }));
    expect(run).toMatchObject({ status: 'Failed', reason: 'FailedIndexes', failedIndexes: [1], finishedAt: 1000 });
    expect(run.pods.filter((p) => p.index === 1)).toHaveLength(4);
  });

  test('podFailurePolicy Ignore on DisruptionTarget: disrupted pods do not count; a pod merely deleted does', () => {
    // job.md "Pod failure policy"; https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions.
    const evicted = runJob(indexed({ backoffLimitPerIndex: 1 }), (i, a) => (i === 0 && a < 5 ? { outcome: 'Failed', after: 100, disruptionTarget: 'EvictionByEvictionAPI' } : { outcome: 'Succeeded', after: 100 }));
    expect(evicted).toMatchObject({ status: 'Complete', finishedAt: 600 });
    expect(evicted.pods.filter((p) => p.counted)).toEqual([]);
    const deleted = runJob(indexed({ backoffLimitPerIndex: 1 }), (i, a) => (i === 0 && a < 5 ? { outcome: 'Failed', after: 100 } : { outcome: 'Succeeded', after: 100 }));
    expect(deleted).toMatchObject({ status: 'Failed', failedIndexes: [0] });
  });

  test('activeDeadlineSeconds bounds the whole Job, however many pods it creates', () => {
    // job.md "Job termination and cleanup": "applies to the duration of the job, no matter how many Pods are created".
    const run = runJob(job('hydrate', { activeDeadlineSeconds: 1800, backoffLimit: 100 }), () => ({ outcome: 'Failed', after: 500 }));
    expect(run).toMatchObject({ status: 'Failed', reason: 'DeadlineExceeded', finishedAt: 1800 });
    expect(run.pods.map((p) => p.outcome)).toEqual(['Failed', 'Failed', 'Failed', 'Terminated']);
  });

  test('ttlSecondsAfterFinished deletes the finished Job; a Job without one stays; a Job without a deadline runs as long as its pods', () => {
    // job.md "TTL mechanism for finished Jobs".
    expect(runJob(job('x', { ttlSecondsAfterFinished: 3600 }), () => ({ outcome: 'Succeeded', after: 60 }))).toMatchObject({ status: 'Complete', finishedAt: 60, deletedAt: 3660 });
    expect(runJob(job('x'), () => ({ outcome: 'Succeeded', after: 60 })).deletedAt).toBeUndefined();
    expect(runJob(job('x'), () => ({ outcome: 'Succeeded', after: 86400 }), 3600)).toMatchObject({ status: 'Running' });
  });
});

describe('Karpenter model', () => {
  const pool = (spec: Record<string, unknown> = {}, disruption: Record<string, unknown> = { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '0s' }): Manifest => ({
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'gpu' },
    spec: { disruption, template: { spec: { expireAfter: '720h', ...spec } } },
  });
  const trainer = { name: 'train-0', annotations: { 'karpenter.sh/do-not-disrupt': 'true' }, terminationGracePeriodSeconds: 97 };
  const server = { name: 'server', annotations: {}, terminationGracePeriodSeconds: 30 };

  test('do-not-disrupt blocks consolidation; drift only while the node has no terminationGracePeriod; a "0" budget blocks either', () => {
    // kubernetes-sigs/karpenter@v1.14.1 pkg/controllers/disruption/types.go#L48-L51, #L189-L196; website disruption.md#L277-L278, #L386-L387.
    expect(disrupt({ nodePool: pool(), capacityType: 'on-demand' }, [trainer], 'Underutilized')).toEqual({ blocked: true, why: ['pod train-0 has karpenter.sh/do-not-disrupt: "true"'] });
    expect(disrupt({ nodePool: pool(), capacityType: 'on-demand' }, [trainer], 'Drifted').blocked).toBe(true);
    expect(disrupt({ nodePool: pool({ terminationGracePeriod: '2h' }), capacityType: 'on-demand' }, [trainer], 'Drifted')).toEqual({ blocked: false, stops: [{ pod: 'train-0', how: 'deleted', at: 7103, graceSeconds: 97 }] });
    const budget = pool({ terminationGracePeriod: '2h' }, { consolidationPolicy: 'WhenEmpty', budgets: [{ nodes: '0', reasons: ['Drifted', 'Underutilized'] }, { nodes: '10%' }] });
    expect(disrupt({ nodePool: budget, capacityType: 'on-demand' }, [trainer], 'Drifted')).toEqual({ blocked: true, why: ['a budget allows 0 Drifted disruptions'] });
    expect(disrupt({ nodePool: budget, capacityType: 'on-demand' }, [server], 'Empty')).toEqual({ blocked: true, why: ['the node is not empty (it runs non-daemon pods)'] });
  });

  test('expiration is not blocked: a do-not-disrupt pod is deleted at terminationGracePeriod − its grace, and gets min(its grace, the terminationGracePeriod)', () => {
    // terminator.go#L140-L183 (DeleteExpiringPods, podDeleteTimeWithGracePeriod); disruption.md#L282-L290, #L422-L425.
    expect(disrupt({ nodePool: pool({ terminationGracePeriod: '2h' }), capacityType: 'on-demand' }, [trainer, server], 'Expired')).toEqual({
      blocked: false,
      stops: [
        { pod: 'train-0', how: 'deleted', at: 7103, graceSeconds: 97 },
        { pod: 'server', how: 'evicted', at: 0, graceSeconds: 30, disruptionTarget: 'EvictionByEvictionAPI' },
      ],
    });
    expect(disrupt({ nodePool: pool({ terminationGracePeriod: '1m' }), capacityType: 'on-demand' }, [trainer], 'Expired')).toEqual({ blocked: false, stops: [{ pod: 'train-0', how: 'deleted', at: 0, graceSeconds: 60 }] });
    expect(disrupt({ nodePool: pool(), capacityType: 'on-demand' }, [trainer], 'Expired')).toEqual({ blocked: false, stops: [{ pod: 'train-0', how: 'never', at: NEVER, graceSeconds: NEVER }] });
  });

  test('a Spot interruption leaves 120 s: an evicted pod gets what is left of it; a do-not-disrupt pod is not evicted and goes with the instance', () => {
    // aws/karpenter-provider-aws@v1.14.1 website disruption.md#L207 (2-minute notice); pkg/utils/pod/scheduling.go#L58-L63 (IsEvictable).
    const spot = { nodePool: pool({ terminationGracePeriod: '2h' }), capacityType: 'spot' as const };
    expect(disrupt(spot, [server, { ...server, name: 'slow', terminationGracePeriodSeconds: 300 }, trainer], 'Interrupted')).toEqual({
      blocked: false,
      stops: [
        { pod: 'server', how: 'evicted', at: 0, graceSeconds: 30, disruptionTarget: 'EvictionByEvictionAPI' },
        { pod: 'slow', how: 'evicted', at: 0, graceSeconds: 120, disruptionTarget: 'EvictionByEvictionAPI' },
        { pod: 'train-0', how: 'stopped with the instance', at: 120, graceSeconds: 0, disruptionTarget: 'DeletionByPodGC' },
      ],
    });
    expect(disrupt({ ...spot, nodePool: pool({ terminationGracePeriod: '3m' }) }, [trainer], 'Interrupted')).toEqual({ blocked: false, stops: [{ pod: 'train-0', how: 'deleted', at: 83, graceSeconds: 37 }] });
    expect(disrupt({ nodePool: pool(), capacityType: 'on-demand' }, [trainer], 'Interrupted').blocked).toBe(true);
  });
});
