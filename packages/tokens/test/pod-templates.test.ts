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

  describe('SparkApplication: a view of each role\'s pod, from its template and typed fields', () => {
    const app = (spec: Record<string, unknown>): Manifest => ({ apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name: 'etl' }, spec });

    test('typed fields only: what the webhook adds and Spark sets, one driver and the executors', () => {
      const o = app({
        type: 'Scala',
        image: 'spark:4.0.4',
        imagePullPolicy: 'IfNotPresent',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'unused', emptyDir: {} }],
        driver: { cores: 2, coreLimit: '2', memory: '2g', serviceAccount: 'spark', labels: { team: 'a' }, volumeMounts: [{ name: 'data', mountPath: '/data' }], configMaps: [{ name: 'conf', path: '/etc/conf' }] },
        executor: {
          instances: 4,
          memory: '8g',
          memoryOverhead: '2g',
          env: [{ name: 'A', value: '1' }],
          volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
          secrets: [{ name: 'creds', path: '/secrets', secretType: 'Generic' }],
          podSecurityContext: { runAsUser: 185, runAsNonRoot: true },
          tolerations: [{ key: 'spot', operator: 'Exists' }],
          sidecars: [{ name: 'log', image: 'fluent-bit:3' }],
        },
      });
      const [driver, executor] = podTemplatesOf(o);
      expect([driver.path, driver.replicas, executor.path, executor.replicas]).toEqual(['spec.driver.template.spec', 1, 'spec.executor.template.spec', 4]);
      expect(driver.metadata).toEqual({ labels: { team: 'a' }, annotations: undefined });
      expect(driver.spec).toEqual({
        containers: [
          {
            name: 'spark-kubernetes-driver',
            image: 'spark:4.0.4',
            imagePullPolicy: 'IfNotPresent',
            // 2 GiB heap + max(384 MiB, 10%) overhead.
            resources: { requests: { cpu: '2', memory: '2432Mi' }, limits: { cpu: '2', memory: '2432Mi' } },
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'conf-vol', mountPath: '/etc/conf', readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          { name: 'conf-vol', configMap: { name: 'conf' } },
        ],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        serviceAccountName: 'spark',
        restartPolicy: 'Never',
      });
      expect(executor.spec).toEqual({
        containers: [
          {
            name: 'spark-kubernetes-executor',
            image: 'spark:4.0.4',
            imagePullPolicy: 'IfNotPresent',
            resources: { requests: { cpu: '1', memory: '10240Mi' }, limits: { memory: '10240Mi' } },
            volumeMounts: [
              { name: 'data', mountPath: '/data', readOnly: true },
              { name: 'creds-volume', mountPath: '/secrets' },
            ],
            env: [{ name: 'A', value: '1' }],
          },
          { name: 'log', image: 'fluent-bit:3' },
        ],
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          { name: 'creds-volume', secret: { secretName: 'creds' } },
        ],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'spot', operator: 'Exists' }],
        securityContext: { runAsUser: 185, runAsNonRoot: true },
        // Executors without a service account of their own run as the driver's.
        serviceAccountName: 'spark',
        restartPolicy: 'Never',
      });
    });

    test('a template: its pod with Spark\'s container image and resources; Python\'s overhead is 40 %; dynamic allocation counts its maximum', () => {
      const template = {
        metadata: { labels: { team: 'a' } },
        spec: {
          containers: [
            { name: 'helper', image: 'h:1' },
            { name: 'spark-kubernetes-executor', resources: { requests: { 'ephemeral-storage': '200Gi' } }, volumeMounts: [{ name: 'spark-local-dir-scratch', mountPath: '/scratch' }] },
          ],
          volumes: [{ name: 'spark-local-dir-scratch', emptyDir: { sizeLimit: '200Gi' } }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }] }] } } },
        },
      };
      const o = app({ type: 'Python', image: 'spark:4.0.4', executor: { memory: '4g', template }, dynamicAllocation: { enabled: true, minExecutors: 1, maxExecutors: 10 } });
      const executor = podTemplatesOf(o)[1];
      expect(executor.replicas).toBe(10);
      expect(executor.spec.containers[0]).toEqual({ name: 'helper', image: 'h:1' });
      expect(executor.spec.containers[1]).toEqual({
        name: 'spark-kubernetes-executor',
        image: 'spark:4.0.4',
        resources: { requests: { 'ephemeral-storage': '200Gi', cpu: '1', memory: '5734Mi' }, limits: { memory: '5734Mi' } },
        volumeMounts: [{ name: 'spark-local-dir-scratch', mountPath: '/scratch' }],
      });
      expect([executor.spec.volumes, executor.spec.affinity]).toEqual([template.spec.volumes, template.spec.affinity]);
      // The view never changes the object's spec.
      expect((o.spec as any).executor.template.spec.containers[1].image).toBeUndefined();
    });

    test('its metadata is the object\'s: selector labels written by the chart reach the template, or the typed labels', () => {
      const o = app({ driver: { template: { spec: { containers: [] } } }, executor: {} });
      for (const part of podTemplateParts(o)) {
        part.metadata = part.metadata ?? {};
        part.metadata.labels = { ...(part.metadata.labels ?? {}), 'app.kubernetes.io/instance': 'rel' };
      }
      expect((o.spec as any).driver.template.metadata).toEqual({ labels: { 'app.kubernetes.io/instance': 'rel' } });
      expect((o.spec as any).executor.labels).toEqual({ 'app.kubernetes.io/instance': 'rel' });
    });
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
