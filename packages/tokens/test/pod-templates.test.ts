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
