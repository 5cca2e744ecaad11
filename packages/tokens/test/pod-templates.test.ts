import { kindFromPaths, Manifest, pathProblem, podTemplateParts, podTemplatesOf, withDeclaredKinds } from '../src';

const spec = (name: string) => ({ containers: [{ name, image: 'i' }] });
const found = (o: Manifest, kinds?: Parameters<typeof podTemplatesOf>[1]) => podTemplatesOf(o, kinds).map((t) => [t.path, t.spec.containers[0].name, t.replicas]);

describe('pod templates of operators\' kinds', () => {
  test('JobSet: each replicated Job, replicas × parallelism', () => {
    const o: Manifest = {
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'js' },
      spec: {
        replicatedJobs: [
          { name: 'driver', template: { spec: { template: { spec: spec('driver') } } } },
          { name: 'workers', replicas: 4, template: { spec: { parallelism: 2, template: { spec: spec('worker') } } } },
        ],
      },
    };
    expect(found(o)).toEqual([
      ['spec.replicatedJobs[0].template.spec.template.spec', 'driver', 1],
      ['spec.replicatedJobs[1].template.spec.template.spec', 'worker', 8],
    ]);
  });

  test('PyTorchJob: each replica type of the map, with its own replicas', () => {
    const o: Manifest = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'p' },
      spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: { spec: spec('m') } }, Worker: { replicas: 3, template: { spec: spec('w') } } } },
    };
    expect(found(o)).toEqual([
      ['spec.pytorchReplicaSpecs.Master.template.spec', 'm', 1],
      ['spec.pytorchReplicaSpecs.Worker.template.spec', 'w', 3],
    ]);
  });

  test('RayService: the head, and each worker group × its hosts', () => {
    const o: Manifest = {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'r' },
      spec: { rayClusterConfig: { headGroupSpec: { template: { spec: spec('head') } }, workerGroupSpecs: [{ replicas: 2, numOfHosts: 4, template: { spec: spec('gpu') } }] } },
    };
    expect(found(o)).toEqual([
      ['spec.rayClusterConfig.headGroupSpec.template.spec', 'head', 1],
      ['spec.rayClusterConfig.workerGroupSpecs[0].template.spec', 'gpu', 8],
    ]);
  });

  test('LeaderWorkerSet: one leader per group, size − 1 workers; without a leader template, size workers', () => {
    const base = { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', metadata: { name: 'l' } };
    expect(found({ ...base, spec: { replicas: 2, leaderWorkerTemplate: { size: 4, leaderTemplate: { spec: spec('leader') }, workerTemplate: { spec: spec('worker') } } } })).toEqual([
      ['spec.leaderWorkerTemplate.leaderTemplate.spec', 'leader', 2],
      ['spec.leaderWorkerTemplate.workerTemplate.spec', 'worker', 6],
    ]);
    expect(found({ ...base, spec: { replicas: 2, leaderWorkerTemplate: { size: 4, workerTemplate: { spec: spec('worker') } } } })).toEqual([['spec.leaderWorkerTemplate.workerTemplate.spec', 'worker', 8]]);
  });

  test('TrainJob: each patched replicated Job as one pod spec, the trainer\'s fields in "node", numNodes pods; only metadata is live', () => {
    const patchOf = (manager: string, jobs: any[]) => ({ manager, trainingRuntimeSpec: { template: { spec: { replicatedJobs: jobs } } } });
    const o: Manifest = {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      metadata: { name: 'tj' },
      spec: {
        runtimeRef: { name: 'torch-distributed' },
        trainer: { image: 'trainer:1', command: ['torchrun'], env: [{ name: 'A', value: '1' }], numNodes: 4, resourcesPerNode: { requests: { cpu: '8' } } },
        runtimePatches: [
          patchOf('strata.dev/trainjob', [
            {
              name: 'node',
              template: { spec: { template: { metadata: { labels: { a: 'b' } }, spec: { volumes: [{ name: 'data', emptyDir: {} }], containers: [{ name: 'node', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } } } },
            },
            { name: 'dataset-initializer', template: { spec: { template: { spec: { tolerations: [{ key: 'x', operator: 'Exists' }] } } } } },
          ]),
          patchOf('kueue.x-k8s.io/manager', [{ name: 'node', template: { spec: { template: { spec: { nodeSelector: { pool: 'gpu' }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }] } } } } }]),
        ],
      },
    };
    const pods = podTemplatesOf(o);
    expect(pods.map((p) => [p.path, p.replicas])).toEqual([
      ['spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec', 4],
      ['spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[1].template.spec.template.spec', 1],
    ]);
    // Later patches merge over earlier ones, lists by their keys (a volume by name: the later one replaces it).
    expect(pods[0].spec).toEqual({
      nodeSelector: { pool: 'gpu' },
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }],
      containers: [{ name: 'node', image: 'trainer:1', command: ['torchrun'], env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '8' } }, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    });
    expect(pods[0].metadata).toEqual({ labels: { a: 'b' } });
    expect(pods[1].spec).toEqual({ tolerations: [{ key: 'x', operator: 'Exists' }] });
    // Writers decorate the patch's own metadata; the spec view is a copy.
    const copy = structuredClone(o);
    for (const part of podTemplateParts(copy)) part.metadata = { labels: { ...(part.metadata?.labels ?? {}), sel: 'x' } };
    expect(copy.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.metadata).toEqual({ labels: { a: 'b', sel: 'x' } });
    expect(copy.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[1].template.spec.template.metadata).toEqual({ labels: { sel: 'x' } });
    expect(copy.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0].image).toBeUndefined();
  });

  test('TrainJob: without a patch of "node" the trainer is not seen (the runtime\'s pod spec is not in the object)', () => {
    expect(found({ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'tj' }, spec: { runtimeRef: { name: 'r' }, trainer: { image: 'i', numNodes: 2 } } })).toEqual([]);
  });

  test('an object of another group with a known kind name has no pods here', () => {
    expect(found({ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: spec('x') } } })).toEqual([]);
  });
});

describe('declared kinds', () => {
  const declared = { group: 'example.com', kind: 'Trainer', templates: [{ path: 'spec.roles{}.pod', replicas: ['spec.roles{}.count', 'spec.hostsPerRole'] }] };
  const o: Manifest = { apiVersion: 'example.com/v1', kind: 'Trainer', metadata: { name: 't' }, spec: { hostsPerRole: 2, roles: { a: { count: 3, pod: { spec: spec('a') } }, b: { pod: { spec: spec('b') } } } } };

  test('a chart\'s declared kind is found with the built-in ones, its counts taken from the same map entry', () => {
    expect(found(o)).toEqual([]);
    expect(found(o, withDeclaredKinds([declared]))).toEqual([
      ['spec.roles.a.pod.spec', 'a', 6],
      ['spec.roles.b.pod.spec', 'b', 2],
    ]);
    expect(podTemplateParts(o, withDeclaredKinds([declared]))).toHaveLength(2);
  });

  test('templates are live parts of the object: a writer decorating them changes the manifest', () => {
    const copy = structuredClone(o);
    for (const part of podTemplateParts(copy, { Trainer: kindFromPaths(declared) })) part.metadata = { labels: { x: 'y' } };
    expect((copy.spec as any).roles.a.pod.metadata).toEqual({ labels: { x: 'y' } });
  });

  test.each([
    ['spec.template', undefined],
    ['spec.groups[].template', undefined],
    ['spec.groups[0].template', "has a malformed part 'groups[0]' (keys separated by dots, each optionally followed by [] or {})"],
    ['', 'is empty'],
    ['spec..template', "has a malformed part '' (keys separated by dots, each optionally followed by [] or {})"],
  ])('path %j: %s', (path, problem) => {
    expect(pathProblem(path)).toEqual(problem);
  });
});
