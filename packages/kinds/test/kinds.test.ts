import { Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Efs, InstanceStore, PodScheduling, S3Mountpoint } from '@strata/storage';
import { RayClusterSpecAutoscalerOptionsResourcesLimits } from '@strata/crd-types/ray-cluster';
import { Tokens, withDeclaredKinds } from '@strata/tokens';
import { WorkloadChart } from '@strata/helm';
import { CustomWorkload, IndexedJob, JobSet, LeaderWorkerSet, podSetsOf, PodTemplate, PyTorchJob, RayCluster, RayJob, RayService } from '../src';
import { demoChart, errorsOf, podsOf, render } from './testing';

/** A Pod Security "restricted" container with requests (what every pod of a chart must be). */
function container(name: string, image = 'registry.example.com/app:1.0'): plus.ContainerProps {
  return {
    name,
    image,
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: { cpu: { request: plus.Cpu.units(2) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } },
  };
}
const restrictedPod = { securityContext: { ensureNonRoot: true, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } } } as const;

function tmp(pod: plus.AbstractPod, c: plus.Container): void {
  c.mount('/tmp', plus.Volume.fromEmptyDir(pod, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
}

describe('PodTemplate: one pod model wherever a kind places it', () => {
  test('storage, scheduling and patches act on it as on a Deployment; it is never an object of its own', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep');
    const workers = js.addReplicatedJob('workers', { replicas: 2, parallelism: 4, pod: restrictedPod });
    const c = workers.template.addContainer(container('worker'));
    const data = Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } });
    data.mount(c, '/data', { readOnly: true });
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(200) }).mount(c, '/scratch', { pod: workers.template });
    PodScheduling.of(workers.template).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2a'], origin: '[test] the zone' });
    const objects = render(chart);
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      expect.stringMatching(/^JobSet rel-demo-prep-[0-9a-f]{8}$/),
      'PersistentVolumeClaim rel-demo-data-claim',
    ]);
    const pod = objects[0].spec.replicatedJobs[0].template.spec.template;
    // The chart's selector labels reach the template (Services and spreads select by them).
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': expect.stringMatching(/^demo-prep-workers-/) });
    expect(pod.spec.volumes.map((v: any) => v.name).sort()).toEqual(['data', 'scratch']);
    expect(pod.spec.containers[0].resources.requests['ephemeral-storage']).toBe('200Gi');
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2a'] }] },
    ]);
    // The checks find the pods at their path, with their count.
    expect(podsOf(objects).map((p) => [p.path, p.replicas])).toEqual([['spec.replicatedJobs[0].template.spec.template.spec', 8]]);
  });

  test('a number patched into a template\'s resources that would vanish is refused, at the template', () => {
    const chart = demoChart();
    const lws = new LeaderWorkerSet(chart, 'serve', { worker: restrictedPod });
    lws.worker.addContainer(container('server'));
    lws.worker.apiObject.addJsonPatch({ _toJson: () => ({ op: 'add', path: '/spec/containers/0/resources/limits/nvidia.com~1gpu', value: 8 }) } as never);
    expect(errorsOf(chart)).toEqual([
      '[demo/serve/worker] the JSON patch add /spec/containers/0/resources/limits/nvidia.com~1gpu 8 did not reach the output (the field is missing): cdk8s-plus rebuilds resource maps from Quantity objects, so a plain number there is dropped; give plus.k8s.Quantity.fromNumber(n) (or fromString) instead',
    ]);
  });

  test('a JSON patch of the template applies where the kind places it', () => {
    const chart = demoChart();
    const lws = new LeaderWorkerSet(chart, 'serve', { worker: restrictedPod });
    lws.worker.addContainer(container('server'));
    lws.worker.apiObject.addJsonPatch({ _toJson: () => ({ op: 'add', path: '/spec/priorityClassName', value: 'inference' }) } as never);
    const [o] = render(chart);
    expect(o.spec.leaderWorkerTemplate.workerTemplate.spec.priorityClassName).toBe('inference');
  });
});

describe('JobSet', () => {
  test('indexed Jobs that retry per index, ignore disruptions, never carry a TTL; ranks across the replicated Job', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep', { maxRestarts: 2, successTargets: ['workers'] });
    js.addReplicatedJob('driver', { pod: restrictedPod }).template.addContainer(container('driver'));
    const w = js.addReplicatedJob('workers', { replicas: 3, parallelism: 2, backoffLimitPerIndex: 1, pod: restrictedPod, after: { replicatedJob: 'driver', when: 'Ready' } });
    w.template.addContainer(container('worker'));
    const [o] = render(chart);
    expect(o.metadata.annotations).toEqual({ 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' });
    expect({ ...o.spec, replicatedJobs: undefined }).toEqual({
      failurePolicy: { maxRestarts: 2 },
      network: { enableDNSHostnames: true },
      successPolicy: { operator: 'All', targetReplicatedJobs: ['workers'] },
      replicatedJobs: undefined,
    });
    const job = o.spec.replicatedJobs[1];
    expect(job.dependsOn).toEqual([{ name: 'driver', status: 'Ready' }]);
    expect({ ...job.template.spec, template: undefined }).toEqual({
      backoffLimitPerIndex: 1,
      completionMode: 'Indexed',
      completions: 2,
      parallelism: 2,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] }] },
      podReplacementPolicy: 'Failed',
      template: undefined,
    });
    expect(job.template.spec.template.spec.restartPolicy).toBe('Never');
    expect(js.podSets.map((s) => [s.name, s.count, s.rank?.expression])).toEqual([
      ['driver', 1, 'JOBSET_JOB_INDEX * 1 + JOB_COMPLETION_INDEX'],
      ['workers', 6, 'JOBSET_JOB_INDEX * 2 + JOB_COMPLETION_INDEX'],
    ]);
    podsOf([o]);
  });

  test('throws: no replicated Job, a bad name, an unknown success target, a Job without a container', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep', { successTargets: ['trainer'] });
    expect(errorsOf(chart)).toEqual([
      "[demo/prep] has no replicated Job; add one with addReplicatedJob('workers', { … })",
      "[demo/prep] 'successTargets' (trainer) must name a replicated Job (none); fix the name",
    ]);
    const chart2 = demoChart();
    const js2 = new JobSet(chart2, 'prep');
    js2.addReplicatedJob('Workers', { replicas: 0, after: { replicatedJob: 'driver', when: 'Complete' } });
    expect(errorsOf(chart2)).toEqual([
      `[demo/prep] 'replicatedJobs[].name' ("Workers") must be a lowercase DNS label; use letters, digits and "-", starting with a letter`,
      "[demo/prep] 'replicatedJobs.Workers.replicas' (0) must be a whole number between 1 and 100000; run at least one Job",
      `[demo/prep] 'replicatedJobs.Workers.after' ("driver") must be a replicated Job added before it (none: the first cannot wait); add the one it waits for first`,
      "[demo/prep] replicated Job 'Workers' has no container; add one with template.addContainer(…)",
    ]);
    void js;
  });
});

describe('LeaderWorkerSet', () => {
  test('groups of a leader and workers; a rollout keeps every group serving', () => {
    const chart = demoChart();
    const lws = new LeaderWorkerSet(chart, 'serve', { replicas: 2, size: 4, leader: restrictedPod, worker: restrictedPod, startupPolicy: 'LeaderReady' });
    lws.leader!.addContainer(container('leader'));
    lws.worker.addContainer(container('worker'));
    const [o] = render(chart);
    expect(o.spec).toMatchObject({
      replicas: 2,
      startupPolicy: 'LeaderReady',
      leaderWorkerTemplate: { size: 4, restartPolicy: 'RecreateGroupOnPodRestart' },
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxUnavailable: 0, maxSurge: 1 } },
    });
    expect(o.metadata.annotations).toBeUndefined(); // serves: not a run, drift detection applies
    expect(podsOf([o]).map((p) => [p.path, p.replicas])).toEqual([
      ['spec.leaderWorkerTemplate.leaderTemplate.spec', 2],
      ['spec.leaderWorkerTemplate.workerTemplate.spec', 6],
    ]);
    expect(lws.podSets.map((s) => [s.name, s.count])).toEqual([['leader', 2], ['worker', 6]]);
  });
});

describe('LeaderWorkerSet rollout, restart and startup policies', () => {
  const spec = (o: any) => ({ ...o.spec, leaderWorkerTemplate: { ...o.spec.leaderWorkerTemplate, leaderTemplate: undefined, workerTemplate: undefined } });

  test('maxUnavailable and maxSurge are given independently; restartPolicy and startupPolicy as the CRD has them', () => {
    const chart = demoChart();
    const lws = new LeaderWorkerSet(chart, 'serve', {
      replicas: 4,
      size: 2,
      worker: restrictedPod,
      rolloutStrategy: { maxUnavailable: 2, maxSurge: 1 },
      restartPolicy: 'None',
      startupPolicy: 'LeaderReady',
    });
    lws.worker.addContainer(container('worker'));
    expect(spec(render(chart)[0])).toEqual({
      replicas: 4,
      startupPolicy: 'LeaderReady',
      leaderWorkerTemplate: { size: 2, restartPolicy: 'None', leaderTemplate: undefined, workerTemplate: undefined },
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxUnavailable: 2, maxSurge: 1 } },
    });
  });

  test('defaults: no group down and one more while a new one starts; groups allowed down add none', () => {
    const rollout = (r?: { maxUnavailable?: number; maxSurge?: number }) => {
      const chart = demoChart();
      new LeaderWorkerSet(chart, 'serve', { replicas: 3, worker: restrictedPod, rolloutStrategy: r }).worker.addContainer(container('worker'));
      return render(chart)[0].spec.rolloutStrategy.rollingUpdateConfiguration;
    };
    expect(rollout()).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(rollout({ maxUnavailable: 1 })).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    expect(rollout({ maxSurge: 2 })).toEqual({ maxUnavailable: 0, maxSurge: 2 });
  });

  test('chart values: written as given (a value no longer forces maxSurge 0), the webhook\'s rule goes into the values schema', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' });
    const maxUnavailable = chart.values.integer('rollout.maxUnavailable', { default: 0, minimum: 0, maximum: 10, description: 'Groups down during a rollout.' });
    const maxSurge = chart.values.integer('rollout.maxSurge', { default: 1, minimum: 0, maximum: 10, description: 'Groups added during a rollout.' });
    new LeaderWorkerSet(chart, 'serve', { replicas: 3, worker: restrictedPod, rolloutStrategy: { maxUnavailable, maxSurge } }).worker.addContainer(container('worker'));
    expect(render(chart, { rollout: { maxUnavailable: 2, maxSurge: 1 } })[0].spec.rolloutStrategy.rollingUpdateConfiguration).toEqual({ maxUnavailable: 2, maxSurge: 1 });
    expect(Tokens.conditionalsOf(chart.values)).toEqual([
      {
        when: [{ token: Tokens.infoOf(maxSurge), equals: [0] }],
        then: { token: Tokens.infoOf(maxUnavailable), constraint: { minimum: 1 } },
        origin: '[demo/serve] rolloutStrategy.maxUnavailable',
      },
    ]);
    // maxUnavailable alone as a value: maxSurge 1, valid whatever it holds.
    const chart2 = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' });
    const down = chart2.values.integer('rollout.maxUnavailable', { default: 0, minimum: 0, maximum: 10, description: 'Groups down during a rollout.' });
    new LeaderWorkerSet(chart2, 'serve', { worker: restrictedPod, rolloutStrategy: { maxUnavailable: down } }).worker.addContainer(container('worker'));
    expect(render(chart2, { rollout: { maxUnavailable: 1 } })[0].spec.rolloutStrategy.rollingUpdateConfiguration).toEqual({ maxUnavailable: 1, maxSurge: 1 });
  });

  test('throws: a rollout LWS refuses, the deprecated restart policy, the fields set by props given in spec', () => {
    const chart = demoChart();
    new LeaderWorkerSet(chart, 'serve', {
      worker: restrictedPod,
      rolloutStrategy: { maxUnavailable: 0, maxSurge: 0 },
      restartPolicy: 'Default' as never,
      startupPolicy: 'WorkersFirst' as never,
      spec: { rolloutStrategy: { type: 'RollingUpdate' }, startupPolicy: 'LeaderReady' } as never,
    }).worker.addContainer(container('worker'));
    expect(errorsOf(chart)).toEqual([
      `[demo/serve] 'startupPolicy' ("WorkersFirst") must be one of LeaderCreated, LeaderReady`,
      `[demo/serve] 'restartPolicy' ("Default") must be 'None' (its new name); LWS's webhook rewrites Default to None (pkg/webhooks/leaderworkerset_webhook.go Default), which would differ from the chart at every drift check`,
      "[demo/serve] 'rolloutStrategy.maxUnavailable' (0) must be at least 1 when maxSurge is 0; LWS's webhook refuses a rollout that can neither take a group down nor add one; allow a group down (maxUnavailable) or one more (maxSurge)",
      `[demo/serve] 'spec.rolloutStrategy' ("given") must be unset here; use rolloutStrategy (maxUnavailable and maxSurge, each a number of groups or a chart value)`,
      `[demo/serve] 'spec.startupPolicy' ("LeaderReady") must be unset here; use startupPolicy`,
    ]);
  });
});

describe('PyTorchJob', () => {
  test('a master and workers, OnFailure, no TTL; the trainer container must be "pytorch"', () => {
    const chart = demoChart();
    const job = new PyTorchJob(chart, 'train', { workers: 3, procsPerNode: 8, master: restrictedPod, worker: restrictedPod });
    job.master.addContainer(container('pytorch'));
    job.worker.addContainer(container('trainer'));
    expect(errorsOf(chart)).toEqual([
      '[demo/train] worker has no container named "pytorch" (trainer): the training operator sets MASTER_ADDR, WORLD_SIZE and RANK only there; name the trainer container "pytorch"',
    ]);
    const chart2 = demoChart();
    const ok = new PyTorchJob(chart2, 'train', { workers: 3, procsPerNode: 8, master: restrictedPod, worker: restrictedPod });
    ok.master.addContainer(container('pytorch'));
    ok.worker.addContainer(container('pytorch'));
    const [o] = render(chart2);
    expect(o.metadata.name).toMatch(/^rel-demo-train-[0-9a-f]{8}$/);
    expect({ ...o.spec, pytorchReplicaSpecs: Object.keys(o.spec.pytorchReplicaSpecs) }).toEqual({ nprocPerNode: '8', runPolicy: { backoffLimit: 3, cleanPodPolicy: 'None' }, pytorchReplicaSpecs: ['Master', 'Worker'] });
    expect(podsOf([o]).map((p) => [p.path, p.replicas])).toEqual([
      ['spec.pytorchReplicaSpecs.Master.template.spec', 1],
      ['spec.pytorchReplicaSpecs.Worker.template.spec', 3],
    ]);
  });
});

describe('KubeRay', () => {
  function rayPods<T extends RayCluster | RayJob | RayService>(ray: T): T {
    const head = ray.head.addContainer({ ...container('ray-head', 'rayproject/ray:2.49.0'), ports: [{ number: 8265, name: 'dashboard' }] });
    tmp(ray.head, head);
    const g = ray.addWorkerGroup('gpu', { replicas: 2, maxReplicas: 4, numOfHosts: 2, pod: restrictedPod });
    tmp(g.template, g.template.addContainer(container('ray-worker', 'rayproject/ray:2.49.0')));
    return ray;
  }

  test('RayService: head and worker groups; a cluster change starts a new cluster', () => {
    const chart = demoChart();
    const svc = rayPods(new RayService(chart, 'serve', { rayVersion: '2.49.0', serveConfig: 'applications: []\n', head: { pod: restrictedPod, rayStartParams: { 'dashboard-host': '0.0.0.0' } } }));
    const cache = new S3Mountpoint(chart, 'weights', { bucketName: 'models', region: 'us-west-2' });
    cache.mount(svc.workerGroups[0].template.containers[0], '/models', { readOnly: true });
    const [o] = render(chart).filter((x) => x.kind === 'RayService');
    expect(o.spec.upgradeStrategy).toEqual({ type: 'NewCluster' });
    expect(o.spec.rayClusterConfig.workerGroupSpecs[0]).toMatchObject({ groupName: 'gpu', replicas: 2, minReplicas: 2, maxReplicas: 4, numOfHosts: 2, rayStartParams: {} });
    expect(podsOf([o]).map((p) => [p.path, p.replicas])).toEqual([
      ['spec.rayClusterConfig.headGroupSpec.template.spec', 1],
      ['spec.rayClusterConfig.workerGroupSpecs[0].template.spec', 4],
    ]);
    expect(o.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.volumes.map((v: any) => v.name).sort()).toEqual(['tmp', 'weights']);
  });

  test('RayJob: its own cluster, shut down when the job finishes; named by its content', () => {
    const chart = demoChart();
    rayPods(new RayJob(chart, 'prep', { rayVersion: '2.49.0', entrypoint: 'python /app/prep.py', head: { pod: restrictedPod } }));
    const [o] = render(chart);
    expect(o.metadata.name).toMatch(/^rel-demo-prep-[0-9a-f]{8}$/);
    // The submitter's template: see ray.test.ts.
    expect({ ...o.spec, rayClusterSpec: undefined, submitterPodTemplate: undefined }).toEqual({
      entrypoint: 'python /app/prep.py',
      backoffLimit: 0,
      shutdownAfterJobFinishes: true,
      submissionMode: 'K8sJobMode',
      rayClusterSpec: undefined,
      submitterPodTemplate: undefined,
    });
  });

  test('autoscaling: the autoscaler KubeRay adds to the head pod gets a restricted securityContext and the head its token, by default', () => {
    const chart = demoChart();
    rayPods(new RayService(chart, 'serve', { rayVersion: '2.49.0', serveConfig: 'applications: []\n', autoscaling: true, head: { pod: restrictedPod } }));
    const [o] = render(chart);
    expect(o.spec.rayClusterConfig).toMatchObject({
      enableInTreeAutoscaling: true,
      autoscalerOptions: { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
    });
    expect(o.spec.rayClusterConfig.headGroupSpec.template.spec.automountServiceAccountToken).toBe(true);
    // Given fields go over the defaults.
    const tuned = demoChart();
    rayPods(new RayService(tuned, 'serve', { rayVersion: '2.49.0', serveConfig: 'applications: []\n', autoscaling: true, head: { pod: restrictedPod }, cluster: { autoscalerOptions: { securityContext: { runAsUser: 1000 } } } }));
    expect(render(tuned)[0].spec.rayClusterConfig.autoscalerOptions.securityContext).toMatchObject({ runAsUser: 1000, allowPrivilegeEscalation: false });
  });

  test('autoscaling: overriding the autoscaler into what restricted refuses, or taking the head\'s token away, is an error', () => {
    const chart = demoChart();
    rayPods(new RayService(chart, 'loose', {
      rayVersion: '2.49.0', serveConfig: 'applications: []\n', autoscaling: true, head: { pod: { ...restrictedPod, automountServiceAccountToken: false } },
      cluster: { autoscalerOptions: { securityContext: { allowPrivilegeEscalation: true } } },
    }));
    expect(errorsOf(chart)).toEqual([
      "[demo/loose] autoscaling: the 'autoscaler' container KubeRay adds to the head pod gets cluster.autoscalerOptions.securityContext, which Pod Security restricted refuses as given; leave those fields to strata or set allowPrivilegeEscalation: false",
      "[demo/loose] autoscaling: the autoscaler calls the Kubernetes API with the head pod's service account token, which the head pod does not mount; set automountServiceAccountToken: true on the head pod (head.pod)",
    ]);
  });

  test('throws: Ray without a writable /tmp, min above max, a bad version', () => {
    const chart = demoChart();
    const c = new RayCluster(chart, 'ray', { rayVersion: 'latest' });
    c.head.addContainer(container('ray-head'));
    c.addWorkerGroup('cpu', { minReplicas: 3, maxReplicas: 1 }).template.addContainer(container('ray-worker'));
    expect(errorsOf(chart)).toEqual([
      `[demo/ray] 'rayVersion' ("latest") must be a Ray release such as "2.49.0"; give the Ray version of the images`,
      '[demo/ray] container ray-head of head has a read-only root file system and nothing mounted at /tmp: Ray writes its session under /tmp/ray; mount an emptyDir at /tmp (plus.Volume.fromEmptyDir) or set securityContext.readOnlyRootFilesystem false',
      '[demo/ray] container ray-worker of worker-cpu has a read-only root file system and nothing mounted at /tmp: Ray writes its session under /tmp/ray; mount an emptyDir at /tmp (plus.Volume.fromEmptyDir) or set securityContext.readOnlyRootFilesystem false',
      "[demo/ray] worker group cpu: 'minReplicas' (3) must be at most 'maxReplicas' (1); raise maxReplicas",
    ]);
  });
});

describe('CustomWorkload: any CRD, once its pod-template paths are declared', () => {
  test('its pods get the same mounts and checks, and the chart records the declaration', () => {
    const chart = demoChart();
    const w = new CustomWorkload(chart, 'train', {
      apiVersion: 'example.com/v1',
      kind: 'TrainingWorkload',
      podTemplates: [{ path: 'spec.roles[].template', replicas: ['spec.roles[].replicas'] }],
      spec: { roles: [{ name: 'trainer', replicas: 4 }], queue: 'gpu' },
      operator: 'example-trainer',
    });
    const t = w.addPodTemplate('spec.roles[0].template', { name: 'trainer', ...restrictedPod });
    const c = t.addContainer(container('trainer'));
    Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } }).mount(c, '/data');
    expect(w.podSets.map((s) => [s.name, s.count])).toEqual([['trainer', 4]]);
    const objects = render(chart);
    const o = objects.find((x) => x.kind === 'TrainingWorkload')!;
    expect(o.spec.queue).toBe('gpu');
    expect(o.spec.roles[0]).toMatchObject({ name: 'trainer', replicas: 4, template: { metadata: { labels: { 'app.kubernetes.io/instance': 'rel' } } } });
    // Without the declaration the checks see no pod; with it (as Chart.yaml records it) they do.
    expect(podsOf([o])).toEqual([]);
    expect(podsOf([o], withDeclaredKinds([w.declaration])).map((p) => [p.path, p.replicas])).toEqual([['spec.roles[0].template.spec', 4]]);
  });

  test('throws: a path outside the declaration, a malformed declaration', () => {
    const chart = demoChart();
    const w = new CustomWorkload(chart, 'x', { apiVersion: 'example.com/v1', kind: 'Thing', podTemplates: [{ path: 'spec.pods{}.template' }] });
    w.addPodTemplate('spec.pods.a.template').addContainer(container('a'));
    w.addPodTemplate('spec.pod.template');
    expect(errorsOf(chart)[0]).toBe(
      "[demo/x] 'path' (\"spec.pod.template\") must be one of the declared pod template paths of Thing (spec.pods{}.template), with [] as an index and {} as a key; e.g. \"spec.roles[0].template\", or declare the path",
    );
    expect(() => new CustomWorkload(demoChart(), 'y', { apiVersion: 'example.com/v1', kind: 'Thing', podTemplates: [{ path: 'spec.pods[0].template' }] })).toThrow(
      "[demo/y] kind Thing: 'path' (\"spec.pods[0].template\") has a malformed part 'pods[0]' (keys separated by dots, each optionally followed by [] or {}); e.g. \"spec.workers[].template\"",
    );
  });
});

describe('Kubernetes\' own kinds', () => {
  test('IndexedJob: per-index retries, disruptions ignored, no TTL allowed; its pods know their rank', () => {
    const chart = demoChart();
    const job = new IndexedJob(chart, 'embed', { completions: 8, parallelism: 4, ...restrictedPod });
    job.addContainer(container('worker'));
    const [o] = render(chart);
    expect(o.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 4, backoffLimitPerIndex: 3, podReplacementPolicy: 'Failed' });
    expect(o.spec.backoffLimit).toBeUndefined();
    expect(podSetsOf(job).map((s) => [s.name, s.count, s.rank?.expression])).toEqual([['embed', 4, 'JOB_COMPLETION_INDEX']]);
    const chart2 = demoChart();
    new IndexedJob(chart2, 'embed', { ttlAfterFinished: { toSeconds: () => 60 } as never }).addContainer(container('w'));
    expect(errorsOf(chart2)).toEqual([
      "[demo/embed] 'ttlAfterFinished' (60) must be unset; a Job deleted by its TTL is created again by the next upgrade or drift correction, and runs again: leave it unset",
    ]);
  });

  test('podSetsOf: a Deployment\'s replicas, one pod for the rest', () => {
    const chart = demoChart();
    const d = new plus.Deployment(chart, 'server', { replicas: 3 });
    const ds = new plus.DaemonSet(chart, 'agent');
    expect(podSetsOf(d).map((s) => [s.name, s.count])).toEqual([['server', 3]]);
    expect(podSetsOf(ds).map((s) => [s.name, s.count])).toEqual([['agent', 1]]);
  });

  test('a PodTemplate outside any kind is never written', () => {
    const chart = demoChart();
    new PodTemplate(chart, 'loose').addContainer(container('c'));
    expect(render(chart)).toEqual([]);
  });
});

describe('fields strata has no prop for: typed from the upstream CRD, never an escape hatch', () => {
  test('a JobSet coordinator and a Ray autoscaler\'s resources come out as the CRD wants them (quantities included)', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep', { spec: { coordinator: { replicatedJob: 'driver', jobIndex: 0, podIndex: 0 } } });
    js.addReplicatedJob('driver', { pod: restrictedPod }).template.addContainer(container('driver'));
    const ray = new RayCluster(chart, 'ray', {
      rayVersion: '2.49.0',
      head: { pod: restrictedPod },
      cluster: { autoscalerOptions: { idleTimeoutSeconds: 120, resources: { limits: { cpu: RayClusterSpecAutoscalerOptionsResourcesLimits.fromString('500m'), memory: RayClusterSpecAutoscalerOptionsResourcesLimits.fromNumber(536870912) } } } },
    });
    tmp(ray.head, ray.head.addContainer(container('ray-head', 'rayproject/ray:2.49.0')));
    const objects = render(chart);
    expect(objects.find((o) => o.kind === 'JobSet')!.spec.coordinator).toEqual({ replicatedJob: 'driver', jobIndex: 0, podIndex: 0 });
    expect(objects.find((o) => o.kind === 'RayCluster')!.spec.autoscalerOptions).toEqual({ idleTimeoutSeconds: 120, resources: { limits: { cpu: '500m', memory: 536870912 } } });
  });

  test('a field strata writes or refuses is an error there, with the prop to use or the reason', () => {
    const chart = demoChart();
    new JobSet(chart, 'prep', { spec: { ttlSecondsAfterFinished: 600, failurePolicy: { maxRestarts: 3 } } }).addReplicatedJob('w', { pod: restrictedPod }).template.addContainer(container('w'));
    expect(errorsOf(chart)).toEqual([
      "[demo/prep] 'spec.ttlSecondsAfterFinished' (600) must be unset here; leave it unset: a finished JobSet deleted by its TTL is created again by the next upgrade, and runs again",
      `[demo/prep] 'spec.failurePolicy' ("given") must be unset here; use maxRestarts`,
    ]);
  });
});
