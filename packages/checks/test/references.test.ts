import { checkReferences, Manifest } from '../src';

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
