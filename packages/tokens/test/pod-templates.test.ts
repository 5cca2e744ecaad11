import { kindFromPaths, Manifest, NIM_CACHE_CLAIM_ANNOTATION, NIM_CACHE_SUB_PATH_ANNOTATION, pathProblem, podTemplateParts, podTemplatesOf, trainJobRuntime, withDeclaredKinds } from '../src';

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

  test('TrainJob alone: containers other than "node" a patch names are left out (their image and the rest are the runtime\'s)', () => {
    const o: Manifest = {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      metadata: { name: 'tj' },
      spec: {
        runtimeRef: { name: 'r' },
        trainer: { image: 'i', numNodes: 2 },
        runtimePatches: [
          {
            manager: 'strata.dev/trainjob',
            trainingRuntimeSpec: {
              template: {
                spec: {
                  replicatedJobs: [
                    { name: 'node', template: { spec: { template: { spec: { initContainers: [{ name: 'sync', env: [{ name: 'URI', value: 's3://b/run-1/' }] }], containers: [{ name: 'node' }, { name: 'helper', env: [{ name: 'A', value: '1' }] }] } } } } },
                  ],
                },
              },
            },
          },
        ],
      },
    };
    expect(podTemplatesOf(o).map((p) => [p.path, p.replicas, p.spec])).toEqual([
      ['spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec', 2, { containers: [{ name: 'node', image: 'i' }] }],
    ]);
  });

  describe('TrainJob on its runtime, when both are checked together: the pods Trainer runs, the runtime\'s templates running none', () => {
    const ANCESTOR = 'trainer.kubeflow.org/trainjob-ancestor-step';
    const runtime = (kind: 'ClusterTrainingRuntime' | 'TrainingRuntime', namespace?: string): Manifest => ({
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind,
      metadata: { name: 'torch', ...(namespace ? { namespace } : {}) },
      spec: {
        mlPolicy: { numNodes: 2, torch: {} },
        template: {
          spec: {
            replicatedJobs: [
              {
                name: 'dataset-initializer',
                replicas: 1,
                template: {
                  metadata: { labels: { [ANCESTOR]: 'dataset-initializer' } },
                  spec: { parallelism: 1, template: { spec: { containers: [{ name: 'dataset-initializer', image: 'init:1', env: [{ name: 'STORAGE_URI', value: 'hf://default' }] }] } } },
                },
              },
              {
                name: 'node',
                replicas: 1,
                template: {
                  metadata: { labels: { [ANCESTOR]: 'trainer' } },
                  spec: {
                    parallelism: 2,
                    template: {
                      metadata: { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } },
                      spec: {
                        terminationGracePeriodSeconds: 97,
                        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] }] } } },
                        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
                        initContainers: [
                          { name: 'restore', image: 'aws:2', env: [{ name: 'DIR', value: '/ckpt' }], resources: { requests: { cpu: '250m' } } },
                          { name: 'sync', image: 'aws:2', restartPolicy: 'Always', env: [{ name: 'DIR', value: '/ckpt' }] },
                        ],
                        containers: [
                          {
                            name: 'node',
                            image: 'runtime:1',
                            env: [{ name: 'DIR', value: '/ckpt' }, { name: 'NCCL_DEBUG', value: 'INFO' }],
                            resources: { requests: { cpu: '1', 'ephemeral-storage': '500Gi' }, limits: { memory: '4Gi' } },
                            volumeMounts: [{ name: 'scratch', mountPath: '/ckpt' }],
                          },
                        ],
                        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '500Gi' } }, { name: 'data', emptyDir: {} }],
                      },
                    },
                  },
                },
              },
              { name: 'monitor', replicas: 2, template: { spec: { parallelism: 3, template: { spec: { containers: [{ name: 'monitor', image: 'm:1' }] } } } } },
            ],
          },
        },
      },
    });
    const job = (runtimeRef: Record<string, string>, namespace?: string): Manifest => ({
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      metadata: { name: 'tj', ...(namespace ? { namespace } : {}) },
      spec: {
        runtimeRef,
        initializer: { dataset: { storageUri: 'hf://tatsu-lab/alpaca', env: [{ name: 'HF_HOME', value: '/tmp' }], secretRef: { name: 'hf-token' } } },
        trainer: {
          image: 'trainer:2',
          command: ['torchrun'],
          numNodes: 4,
          env: [{ name: 'NCCL_DEBUG', value: 'WARN' }],
          resourcesPerNode: { requests: { cpu: '32', 'nvidia.com/gpu': 8 }, limits: { 'nvidia.com/gpu': 8 } },
        },
        runtimePatches: [
          {
            manager: 'strata.dev/trainjob',
            trainingRuntimeSpec: {
              template: {
                spec: {
                  replicatedJobs: [
                    {
                      name: 'node',
                      template: {
                        spec: {
                          template: {
                            metadata: { labels: { app: 'tj' } },
                            spec: {
                              affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] } } },
                              tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
                              initContainers: [{ name: 'restore', env: [{ name: 'URI', value: 's3://b/run-2/' }] }, { name: 'sync', env: [{ name: 'URI', value: 's3://b/run-2/' }] }],
                              containers: [{ name: 'node', volumeMounts: [{ name: 'fsx', mountPath: '/data', readOnly: true }] }],
                              volumes: [{ name: 'fsx', persistentVolumeClaim: { claimName: 'dataset' } }, { name: 'data', persistentVolumeClaim: { claimName: 'other' } }],
                            },
                          },
                        },
                      },
                    },
                    { name: 'not-in-runtime', template: { spec: { template: { spec: { nodeSelector: { a: 'b' } } } } } },
                  ],
                },
              },
            },
          },
          {
            manager: 'kueue.x-k8s.io/manager',
            trainingRuntimeSpec: { template: { spec: { replicatedJobs: [{ name: 'node', template: { spec: { template: { spec: { nodeSelector: { pool: 'gpu' } } } } } }] } } },
          },
        ],
      },
    });

    test('one merged pod per replicated Job of the runtime, with its pods; the runtime\'s own templates run 0', () => {
      const rt = runtime('ClusterTrainingRuntime');
      const tj = job({ kind: 'ClusterTrainingRuntime', name: 'torch' }, 'ml');
      const objects = [rt, tj];
      expect(podTemplatesOf(rt, undefined, { objects }).map((p) => [p.path, p.replicas])).toEqual([
        ['spec.template.spec.replicatedJobs[0].template.spec.template.spec', 0],
        ['spec.template.spec.replicatedJobs[1].template.spec.template.spec', 0],
        ['spec.template.spec.replicatedJobs[2].template.spec.template.spec', 0],
      ]);
      const pods = podTemplatesOf(tj, undefined, { objects });
      expect(pods.map((p) => [p.owner, p.path, p.replicas])).toEqual([
        ['TrainJob ml/tj', 'jobSet.spec.replicatedJobs[dataset-initializer].template.spec.template.spec', 1],
        ['TrainJob ml/tj', 'jobSet.spec.replicatedJobs[node].template.spec.template.spec', 4],
        ['TrainJob ml/tj', 'jobSet.spec.replicatedJobs[monitor].template.spec.template.spec', 6],
      ]);
      // The initializer: STORAGE_URI from the TrainJob over the runtime's, its env, its Secret as envFrom.
      expect(pods[0].spec).toEqual({
        containers: [
          {
            name: 'dataset-initializer',
            image: 'init:1',
            env: [{ name: 'STORAGE_URI', value: 'hf://tatsu-lab/alpaca' }, { name: 'HF_HOME', value: '/tmp' }],
            envFrom: [{ secretRef: { name: 'hf-token' } }],
          },
        ],
      });
      // The trainer's pod whole: the runtime's helpers with the run's env, the trainer's fields in "node"
      // (resources merged per key, env upserted), the patch's volumes and mounts, its scheduling replacing
      // the runtime's terms and tolerations (the later patch's node selector too).
      expect(pods[1].metadata).toEqual({ labels: { app: 'tj' }, annotations: { 'karpenter.sh/do-not-disrupt': 'true' } });
      expect(pods[1].spec).toEqual({
        terminationGracePeriodSeconds: 97,
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] } } },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        nodeSelector: { pool: 'gpu' },
        initContainers: [
          { name: 'restore', image: 'aws:2', env: [{ name: 'DIR', value: '/ckpt' }, { name: 'URI', value: 's3://b/run-2/' }], resources: { requests: { cpu: '250m' } } },
          { name: 'sync', image: 'aws:2', restartPolicy: 'Always', env: [{ name: 'DIR', value: '/ckpt' }, { name: 'URI', value: 's3://b/run-2/' }] },
        ],
        containers: [
          {
            name: 'node',
            image: 'trainer:2',
            command: ['torchrun'],
            env: [{ name: 'DIR', value: '/ckpt' }, { name: 'NCCL_DEBUG', value: 'WARN' }],
            resources: { requests: { cpu: '32', 'ephemeral-storage': '500Gi', 'nvidia.com/gpu': 8 }, limits: { memory: '4Gi', 'nvidia.com/gpu': 8 } },
            volumeMounts: [{ name: 'scratch', mountPath: '/ckpt' }, { name: 'fsx', mountPath: '/data', readOnly: true }],
          },
        ],
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '500Gi' } }, { name: 'data', persistentVolumeClaim: { claimName: 'other' } }, { name: 'fsx', persistentVolumeClaim: { claimName: 'dataset' } }],
      });
      // Neither object is changed by the view.
      expect([rt, tj]).toEqual([runtime('ClusterTrainingRuntime'), job({ kind: 'ClusterTrainingRuntime', name: 'torch' }, 'ml')]);
      // Without the runtime among the objects, the TrainJob alone, as before.
      expect(podTemplatesOf(tj, undefined, { objects: [tj] }).map((p) => p.path)).toEqual(podTemplatesOf(tj).map((p) => p.path));
      expect(podTemplatesOf(tj).map((p) => p.path)).toEqual(['spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec', 'spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[1].template.spec.template.spec']);
    });

    test('the runtime it refers to: a ClusterTrainingRuntime by name (the default kind), a TrainingRuntime of its own namespace', () => {
      const cluster = runtime('ClusterTrainingRuntime');
      const here = runtime('TrainingRuntime', 'ml');
      const there = runtime('TrainingRuntime', 'other');
      expect(trainJobRuntime(job({ name: 'torch' }, 'ml'), [here, cluster])).toBe(cluster);
      expect(trainJobRuntime(job({ apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: 'torch' }, 'ml'), [there, cluster, here])).toBe(here);
      expect(trainJobRuntime(job({ kind: 'TrainingRuntime', name: 'torch' }, 'ml'), [there, cluster])).toBeUndefined();
      expect(trainJobRuntime(job({ apiGroup: 'example.com', kind: 'ClusterTrainingRuntime', name: 'torch' }, 'ml'), [cluster])).toBeUndefined();
      expect(trainJobRuntime(job({ kind: 'ClusterTrainingRuntime', name: 'tensorflow' }, 'ml'), [cluster])).toBeUndefined();
    });

    test('without numNodes in the TrainJob the trainer runs the runtime\'s', () => {
      const rt = runtime('ClusterTrainingRuntime');
      const tj = job({ name: 'torch' }, 'ml');
      delete tj.spec.trainer.numNodes;
      expect(podTemplatesOf(tj, undefined, { objects: [rt, tj] }).map((p) => p.replicas)).toEqual([1, 2, 6]);
    });
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

describe('views of the pods KServe runs (kserve/kserve@v0.20.0)', () => {
  const isvc = (predictor: Record<string, unknown>, annotations?: Record<string, string>, more: Record<string, unknown> = {}): Manifest => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'llm', namespace: 'ml', ...(annotations ? { annotations } : {}) },
    spec: { predictor, ...more },
  });

  test('a model from a claim: the model container first as kserve-container, the claim mounted read-only at /mnt/models with its path as subPath', () => {
    const o = isvc({
      minReplicas: 2,
      maxReplicas: 4,
      serviceAccountName: 'llm',
      labels: { team: 'a' },
      model: { modelFormat: { name: 'huggingface' }, runtime: 'vllm', storageUri: 'pvc://models/llama/3.1', resources: { requests: { cpu: '2' } } },
      containers: [{ name: 'proxy', image: 'envoy' }],
    });
    const [p] = podTemplatesOf(o);
    expect(p).toEqual({
      owner: 'InferenceService ml/llm',
      kind: 'InferenceService',
      path: 'spec.predictor',
      metadata: expect.objectContaining({ labels: { team: 'a' } }),
      replicas: 2,
      spec: {
        serviceAccountName: 'llm',
        containers: [
          { name: 'kserve-container', resources: { requests: { cpu: '2' } }, volumeMounts: [{ name: 'kserve-pvc-source', mountPath: '/mnt/models', subPath: 'llama/3.1', readOnly: true }] },
          { name: 'proxy', image: 'envoy' },
        ],
        volumes: [{ name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: 'models' } }],
      },
    });
    // A view: the object itself is unchanged.
    expect((o.spec as any).predictor.containers).toEqual([{ name: 'proxy', image: 'envoy' }]);
    expect((o.spec as any).predictor.volumes).toBeUndefined();
  });

  test('storage.kserve.io/readonly "false" (on the object or the component) mounts it writable; a collocated transformer-container gets the mount too', () => {
    const pred = { model: { modelFormat: { name: 'x' }, storageUri: 'pvc://models' }, containers: [{ name: 'transformer-container', image: 't' }] };
    for (const o of [isvc(pred, { 'storage.kserve.io/readonly': 'false' }), isvc({ ...pred, annotations: { 'storage.kserve.io/readonly': 'false' } })]) {
      const [p] = podTemplatesOf(o);
      expect(p.spec.containers.map((c: any) => [c.name, c.volumeMounts])).toEqual([
        ['kserve-container', [{ name: 'kserve-pvc-source', mountPath: '/mnt/models', readOnly: false }]],
        ['transformer-container', [{ name: 'kserve-pvc-source', mountPath: '/mnt/models', readOnly: false }]],
      ]);
    }
  });

  test('a framework shortcut downloading from S3: an emptyDir at /mnt/models (the storage-initializer itself is not in the view)', () => {
    const [p] = podTemplatesOf(isvc({ sklearn: { storageUri: 's3://models/iris', protocolVersion: 'v2', image: 'sk:1' } }));
    expect(p.spec).toEqual({
      containers: [{ name: 'kserve-container', image: 'sk:1', volumeMounts: [{ name: 'kserve-provision-location', mountPath: '/mnt/models', readOnly: true }] }],
      volumes: [{ name: 'kserve-provision-location', emptyDir: {} }],
    });
  });

  test('a custom predictor: the model URI in STORAGE_URI of kserve-container; storageUris: a claim at its own mountPath, downloads at their common parent', () => {
    const [p] = podTemplatesOf(
      isvc({
        containers: [{ name: 'kserve-container', image: 'srv', env: [{ name: 'STORAGE_URI', value: 'pvc://cache/m' }] }],
        storageUris: [{ uri: 'pvc://adapters', mountPath: '/mnt/adapters' }, { uri: 's3://b/a', mountPath: '/mnt/extra/a' }, { uri: 'hf://x/y', mountPath: '/mnt/extra/b' }],
      }),
    );
    expect(p.spec.volumes).toEqual([
      { name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: 'cache' } },
      { name: 'mnt-adapters', persistentVolumeClaim: { claimName: 'adapters' } },
      { name: 'mnt-extra', emptyDir: {} },
    ]);
    expect(p.spec.containers[0].volumeMounts).toEqual([
      { name: 'kserve-pvc-source', mountPath: '/mnt/models', subPath: 'm', readOnly: true },
      { name: 'mnt-adapters', mountPath: '/mnt/adapters', readOnly: true },
      { name: 'mnt-extra', mountPath: '/mnt/extra', readOnly: true },
    ]);
  });

  test('transformer, explainer and canary predictors are pod templates too; KServe fields are not pod fields', () => {
    const o = isvc(
      { minReplicas: 1, scaleTarget: 80, storageContainerName: 'x', containers: [{ name: 'kserve-container', image: 'a' }] },
      undefined,
      { transformer: { minReplicas: 3, containers: [{ name: 'kserve-container', image: 't' }] }, explainer: { containers: [{ name: 'kserve-container', image: 'e' }] }, canary: [{ predictor: { minReplicas: 1, containers: [{ name: 'kserve-container', image: 'c' }] } }] },
    );
    expect(found(o)).toEqual([
      ['spec.predictor', 'kserve-container', 1],
      ['spec.transformer', 'kserve-container', 3],
      ['spec.explainer', 'kserve-container', 1],
      ['spec.canary[0].predictor', 'kserve-container', 1],
    ]);
    expect(Object.keys(podTemplatesOf(o)[0].spec)).toEqual(['containers']);
  });

  test('writers that decorate templates reach the component\'s labels (KServe puts them on its pods)', () => {
    const o = isvc({ labels: { team: 'a' }, containers: [{ name: 'kserve-container', image: 'a' }] });
    for (const part of podTemplateParts(o)) {
      part.metadata = part.metadata ?? {};
      part.metadata.labels = { ...(part.metadata.labels ?? {}), 'app.kubernetes.io/instance': 'rel' };
    }
    expect((o.spec as any).predictor.labels).toEqual({ team: 'a', 'app.kubernetes.io/instance': 'rel' });
  });

  test('ServingRuntime and ClusterServingRuntime: the spec and its workerSpec as pod fields, running no pods of their own', () => {
    for (const kind of ['ServingRuntime', 'ClusterServingRuntime']) {
      const o: Manifest = {
        apiVersion: 'serving.kserve.io/v1alpha1',
        kind,
        metadata: { name: 'vllm' },
        spec: { supportedModelFormats: [{ name: 'vllm' }], labels: { a: 'b' }, ...spec('kserve-container'), nodeSelector: { x: 'y' }, workerSpec: { tensorParallelSize: 2, ...spec('worker-container') } },
      };
      const pods = podTemplatesOf(o);
      expect(pods.map((p) => [p.path, p.replicas, p.metadata, p.spec])).toEqual([
        ['spec', 0, { labels: { a: 'b' } }, { ...spec('kserve-container'), nodeSelector: { x: 'y' } }],
        ['spec.workerSpec', 0, {}, spec('worker-container')],
      ]);
    }
  });
});

describe('views of the pods the NVIDIA NIM operator runs (NVIDIA/k8s-nim-operator@v3.1.2)', () => {
  const nim = (s: Record<string, unknown>, annotations?: Record<string, string>): Manifest => ({
    apiVersion: 'apps.nvidia.com/v1alpha1',
    kind: 'NIMService',
    metadata: { name: 'llama', namespace: 'ml', ...(annotations ? { annotations } : {}) },
    spec: { image: { repository: 'nvcr.io/nim/meta/llama', tag: '1.8.4', pullSecrets: ['ngc-pull'] }, authSecret: 'ngc-api', ...s },
  });

  test('NIMService with a claim: the operator\'s container, env, model-store and /dev/shm, pod security context and standard labels', () => {
    const [p] = podTemplatesOf(
      nim({
        storage: { pvc: { name: 'models', subPath: 'llama' }, readOnly: true, sharedMemorySizeLimit: '16Gi' },
        env: [{ name: 'NIM_LOG_LEVEL', value: 'DEBUG' }],
        resources: { requests: { cpu: '8', 'nvidia.com/gpu': 1 } },
        replicas: 2,
        labels: { team: 'a', 'app.kubernetes.io/name': 'mine' },
        nodeSelector: { gpu: 'h100' },
        expose: { service: { port: 9000 } },
      }),
    );
    expect(p).toEqual({
      owner: 'NIMService ml/llama',
      kind: 'NIMService',
      path: 'spec',
      replicas: 2,
      metadata: {
        labels: { app: 'llama', team: 'a', 'app.kubernetes.io/name': 'llama', 'app.kubernetes.io/instance': 'llama', 'app.kubernetes.io/part-of': 'nim-service', 'app.kubernetes.io/managed-by': 'k8s-nim-operator' },
        annotations: { 'openshift.io/required-scc': 'nonroot' },
      },
      spec: {
        containers: [
          {
            name: 'llama-ctr',
            image: 'nvcr.io/nim/meta/llama:1.8.4',
            env: [
              { name: 'NIM_LOG_LEVEL', value: 'DEBUG' },
              { name: 'NIM_CACHE_PATH', value: '/model-store' },
              { name: 'NGC_API_KEY', valueFrom: { secretKeyRef: { name: 'ngc-api', key: 'NGC_API_KEY' } } },
              { name: 'OUTLINES_CACHE_DIR', value: '/tmp/outlines' },
              { name: 'NIM_SERVER_PORT', value: '9000' },
              { name: 'NIM_HTTP_API_PORT', value: '9000' },
              { name: 'NIM_JSONL_LOGGING', value: '1' },
            ],
            ports: [{ name: 'api', containerPort: 9000, protocol: 'TCP' }],
            resources: { requests: { cpu: '8', 'nvidia.com/gpu': 1 } },
            volumeMounts: [
              { name: 'model-store', mountPath: '/model-store', subPath: 'llama' },
              { name: 'dshm', mountPath: '/dev/shm' },
            ],
          },
        ],
        volumes: [
          { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
          { name: 'model-store', persistentVolumeClaim: { claimName: 'models', readOnly: true } },
        ],
        securityContext: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
        nodeSelector: { gpu: 'h100' },
        imagePullSecrets: [{ name: 'ngc-pull' }],
      },
    });
  });

  test('NIMService model store: a NIMCache\'s claim only through strata\'s annotations, a claim the operator creates, an emptyDir', () => {
    const store = (o: Manifest) => podTemplatesOf(o)[0].spec.volumes.find((v: any) => v.name === 'model-store');
    const mounts = (o: Manifest) => podTemplatesOf(o)[0].spec.containers[0].volumeMounts.map((m: any) => m.name);
    const cached = { storage: { nimCache: { name: 'llama-cache' } } };
    expect(store(nim(cached, { [NIM_CACHE_CLAIM_ANNOTATION]: 'models', [NIM_CACHE_SUB_PATH_ANNOTATION]: 'nim' }))).toEqual({ name: 'model-store', persistentVolumeClaim: { claimName: 'models' } });
    expect(podTemplatesOf(nim(cached, { [NIM_CACHE_CLAIM_ANNOTATION]: 'models', [NIM_CACHE_SUB_PATH_ANNOTATION]: 'nim' }))[0].spec.containers[0].volumeMounts[0]).toEqual({ name: 'model-store', mountPath: '/model-store', subPath: 'nim' });
    // Without the annotation the view cannot know the cache's claim: no model store at all, rather than a wrong one.
    expect([store(nim(cached)), mounts(nim(cached))]).toEqual([undefined, ['dshm']]);
    expect(store(nim({ storage: { pvc: { create: true, size: '50Gi' } } }))).toEqual({ name: 'model-store', persistentVolumeClaim: { claimName: 'llama-pvc' } });
    expect(store(nim({ storage: { emptyDir: { sizeLimit: '100Gi' } } }))).toEqual({ name: 'model-store', emptyDir: { sizeLimit: '100Gi' } });
  });

  test('NIMService: a Hugging Face model reads HF_TOKEN; sidecars and init containers get the env, the mounts and /scratch; multi-node counts every host; tolerations as the template writes them', () => {
    const o = nim({
      storage: { pvc: { name: 'models' } },
      env: [{ name: 'NIM_MODEL_NAME', value: 'hf://meta-llama/Llama-3.1-8B' }],
      sidecarContainers: [{ name: 'log', image: { repository: 'busybox', tag: '1' }, command: ['tail'] }],
      initContainers: [{ name: 'warm', image: { repository: 'busybox', tag: '1' } }],
      replicas: 2,
      multiNode: { parallelism: { pipeline: 2, tensor: 8 } },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
    });
    const [p] = podTemplatesOf(o);
    expect(p.replicas).toBe(4);
    // manifests/deployment.yaml writes key, operator, value and effect of each toleration, quoted.
    expect(p.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', value: '', effect: 'NoSchedule' }]);
    expect(p.spec.containers[0].env.filter((e: any) => e.valueFrom)).toEqual([
      { name: 'NGC_API_KEY', valueFrom: { secretKeyRef: { name: 'ngc-api', key: 'NGC_API_KEY', optional: true } } },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'ngc-api', key: 'HF_TOKEN' } } },
    ]);
    expect(p.spec.containers.map((c: any) => [c.name, c.image, c.volumeMounts.map((m: any) => m.mountPath)])).toEqual([
      ['llama-ctr', 'nvcr.io/nim/meta/llama:1.8.4', ['/model-store', '/dev/shm', '/scratch']],
      ['log', 'busybox:1', ['/model-store', '/dev/shm', '/scratch']],
    ]);
    expect(p.spec.initContainers.map((c: any) => [c.name, c.volumeMounts.map((m: any) => m.mountPath), c.env.length])).toEqual([['warm', ['/model-store', '/scratch'], p.spec.containers[0].env.length]]);
    expect(p.spec.volumes.map((v: any) => v.name)).toEqual(['dshm', 'scratch', 'model-store']);
  });

  test('NIMCache: the caching Job\'s pod — the puller image, the source\'s secret, the claim at /model-store, the operator\'s default node label', () => {
    const cache = (s: Record<string, unknown>): Manifest => ({ apiVersion: 'apps.nvidia.com/v1alpha1', kind: 'NIMCache', metadata: { name: 'llama-cache', namespace: 'ml' }, spec: s });
    const [p] = podTemplatesOf(cache({ source: { ngc: { authSecret: 'ngc-api', modelPuller: 'nim:1', pullSecret: 'ngc-pull' } }, storage: { pvc: { name: 'models', subPath: 'nim' } }, resources: { cpu: '4', memory: '16Gi' }, env: [{ name: 'X', value: '1' }] }));
    expect([p.path, p.replicas, p.metadata]).toEqual(['spec', 1, { labels: { app: 'k8s-nim-operator', 'app.kubernetes.io/name': 'llama-cache', 'app.kubernetes.io/managed-by': 'k8s-nim-operator' }, annotations: { 'sidecar.istio.io/inject': 'false' } }]);
    expect(p.spec).toEqual({
      restartPolicy: 'Never',
      securityContext: { runAsUser: 1000, fsGroup: 2000, runAsNonRoot: true },
      containers: [
        {
          name: 'nim-cache-ctr',
          image: 'nim:1',
          envFrom: [{ secretRef: { name: 'ngc-api' } }],
          env: [
            { name: 'X', value: '1' },
            { name: 'NIM_CACHE_PATH', value: '/model-store' },
          ],
          volumeMounts: [
            { name: 'nim-cache-volume', mountPath: '/model-store', subPath: 'nim' },
            { name: 'scratch', mountPath: '/scratch' },
          ],
          resources: { limits: { cpu: '4', memory: '16Gi' }, requests: { cpu: '4', memory: '16Gi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsGroup: 2000, runAsUser: 1000 },
        },
      ],
      volumes: [
        { name: 'nim-cache-volume', persistentVolumeClaim: { claimName: 'models' } },
        { name: 'scratch', emptyDir: {} },
      ],
      imagePullSecrets: [{ name: 'ngc-pull' }],
      nodeSelector: { 'feature.node.kubernetes.io/pci-10de.present': 'true' },
    });
    const [hf] = podTemplatesOf(cache({ source: { hf: { endpoint: 'https://huggingface.co', namespace: 'meta-llama', modelName: 'Llama', authSecret: 'hf', modelPuller: 'hfcli:1', pullSecret: 'p' } }, storage: { pvc: { create: true } }, nodeSelector: { a: 'b' }, userID: 5 }));
    expect([hf.spec.volumes[0], hf.spec.nodeSelector, hf.spec.containers[0].env.map((e: any) => e.name), hf.spec.containers[0].resources, hf.spec.securityContext.runAsUser]).toEqual([
      { name: 'nim-cache-volume', persistentVolumeClaim: { claimName: 'llama-cache-pvc' } },
      { a: 'b' },
      ['HF_ENDPOINT', 'HF_HUB_OFFLINE', 'NIM_CACHE_PATH', 'HF_HOME'],
      undefined,
      5,
    ]);
  });
});
