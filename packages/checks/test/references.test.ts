import { checkReferences, Manifest, placeRelease } from '../src';

/**
 * A volume mount names a volume of its own pod spec. An object may hold several pod specs (a
 * JobSet's replicated Jobs, Ray's head and worker groups), each with volumes of its own: a mount
 * is checked against its own spec's volumes, never another's of the same object.
 */
describe('volume mounts in objects with several pod specs', () => {
  const job = (name: string, volumes: string[], mounts: string[]) => ({
    name,
    replicas: 1,
    template: {
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name, image: 'busybox', volumeMounts: mounts.map((m) => ({ name: m, mountPath: `/${m}` })) }],
            volumes: volumes.map((v) => ({ name: v, emptyDir: {} })),
          },
        },
      },
    },
  });
  const jobSet = (...replicatedJobs: unknown[]): Manifest[] => [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ml' } },
    { apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', metadata: { name: 'prep', namespace: 'ml' }, spec: { replicatedJobs } },
  ];

  test('each replicated Job mounts its own volumes: no problem, whichever comes last', () => {
    expect(checkReferences({ dev: jobSet(job('shard', ['raw', 'out'], ['raw', 'out']), job('index', ['out'], ['out'])) })).toEqual([]);
    expect(checkReferences({ dev: jobSet(job('index', ['out'], ['out']), job('shard', ['raw', 'out'], ['raw', 'out'])) })).toEqual([]);
  });

  test("a mount of a volume only another replicated Job has is named, with its own spec's path", () => {
    expect(checkReferences({ dev: jobSet(job('shard', ['raw'], ['raw']), job('index', ['out'], ['raw', 'out'])) })).toEqual([
      'dev: JobSet ml/prep spec.replicatedJobs[1].template.spec.template.spec.containers[index].volumeMounts[/raw]: volume "raw" is not a volume of the pod',
    ]);
  });
});

/**
 * A cluster-scoped object holding pod templates (a ClusterTrainingRuntime a release makes for its
 * own TrainJobs): Helm writes no namespace on it, but its pods run in the release's namespace, where
 * their service account and Secrets are looked up.
 */
describe('pods of a cluster-scoped runtime a release makes', () => {
  const runtime = (serviceAccountName: string, secret: string): Manifest => ({
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'ClusterTrainingRuntime',
    metadata: { name: 'training-rel-fsdp-runtime' },
    spec: {
      mlPolicy: { numNodes: 2, torch: {} },
      template: {
        spec: {
          replicatedJobs: [
            {
              name: 'node',
              replicas: 1,
              template: { spec: { parallelism: 2, template: { spec: { serviceAccountName, containers: [{ name: 'node', image: 'pytorch', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: secret, key: 'token' } } }] }] } } } },
            },
          ],
        },
      },
    },
  });
  const account: Manifest = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'rel-fsdp-sa-training' } };
  const secret: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf' } };

  test("its pods' references resolve in the release's namespace", () => {
    expect(checkReferences({ staging: placeRelease([account, secret, runtime('rel-fsdp-sa-training', 'hf')], 'training') })).toEqual([]);
  });

  test("a reference to another namespace's object, or to none, is still found", () => {
    const other = placeRelease([account, secret], 'inference');
    expect(checkReferences({ staging: [...other, ...placeRelease([runtime('rel-fsdp-sa-training', 'nope')], 'training')] })).toEqual([
      'staging: ClusterTrainingRuntime training-rel-fsdp-runtime spec.template.spec.replicatedJobs[0].template.spec.template.spec.serviceAccountName: ServiceAccount training/rel-fsdp-sa-training does not exist in staging (there is one in namespace inference: the wrong namespace)',
      'staging: ClusterTrainingRuntime training-rel-fsdp-runtime spec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[node].env[TOKEN].valueFrom.secretKeyRef: Secret training/nope does not exist in staging: no release of staging makes it, and environments/staging/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: \'training\', name: \'nope\' }] }',
    ]);
  });
});

describe('image pull secrets are references too', () => {
  test('a pod pulling with a Secret no release makes and the environment does not declare is named', () => {
    const objects: Manifest[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ml' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nim', namespace: 'ml' }, spec: { template: { spec: { imagePullSecrets: [{ name: 'ngc-secret' }], containers: [{ name: 'nim', image: 'nvcr.io/nim/x:1' }] } } } },
    ];
    expect(checkReferences({ dev: objects })).toEqual([
      "dev: Deployment ml/nim spec.template.spec.imagePullSecrets[ngc-secret]: Secret ml/ngc-secret does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'ml', name: 'ngc-secret' }] }",
    ]);
    expect(checkReferences({ dev: [...objects, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ngc-secret', namespace: 'ml' } }] })).toEqual([]);
  });
});
