import { mountProblems } from '../src';

/** Mounts of one container against one another: duplicates and mounts inside a volume strata does not own or that is read-only. */
describe('mountProblems', () => {
  const spec = (mounts: [string, string, boolean?][], volumes: Record<string, unknown>) => ({
    volumes: Object.entries(volumes).map(([name, source]) => ({ name, ...(source as object) })),
    containers: [{ name: 'main', volumeMounts: mounts.map(([name, mountPath, readOnly]) => ({ name, mountPath, ...(readOnly ? { readOnly } : {}) })) }],
  });
  const pvc = { persistentVolumeClaim: { claimName: 'c' } };

  test('distinct, non-nested paths, and paths inside a writable emptyDir, are fine', () => {
    expect(mountProblems(spec([['data', '/data'], ['models', '/models'], ['tmp', '/tmp'], ['cache', '/tmp/cache']], { data: pvc, models: pvc, tmp: { emptyDir: {} }, cache: pvc }))).toEqual([]);
    // A prefix that is not a parent directory is not nesting.
    expect(mountProblems(spec([['data', '/data'], ['data2', '/data2']], { data: pvc, data2: pvc }))).toEqual([]);
  });

  test('the same path twice (a trailing slash is the same path)', () => {
    expect(mountProblems(spec([['a', '/data'], ['b', '/data/']], { a: pvc, b: pvc }))).toEqual([
      'container "main": volumeMounts \'/data\' (volumes "a" and "b") must be unique; the API server refuses a pod mounting two volumes at one path: mount one of them elsewhere',
    ]);
  });

  test('a mount inside a claim, and inside a read-only emptyDir', () => {
    expect(mountProblems(spec([['models', '/models'], ['cache', '/models/cache']], { models: pvc, cache: { emptyDir: {} } }))).toEqual([
      'container "main": volumeMount \'/models/cache\' (volume "cache") must not be inside \'/models\' (volume "models", which is not a writable emptyDir): the container runtime creates the mount point inside that volume at start, which fails or writes into its data; mount "cache" beside it, e.g. at \'/models-cache\'',
    ]);
    expect(mountProblems(spec([['tmp', '/work', true], ['x', '/work/x']], { tmp: { emptyDir: {} }, x: pvc }))).toEqual([
      'container "main": volumeMount \'/work/x\' (volume "x") must not be inside \'/work\' (volume "tmp", which is mounted read-only): the container runtime creates the mount point inside that volume at start, which fails or writes into its data; mount "x" beside it, e.g. at \'/work-x\'',
    ]);
  });
});
