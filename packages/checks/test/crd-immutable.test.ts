import { crdImmutableFields, Manifest, upgradeChanges } from '../src';

/**
 * A custom resource's immutable fields come from its upstream CRD (transition rules
 * `self == oldSelf`); changing one on a resource a release keeps by name is refused like a core
 * kind's immutable field. Content-named runs (a JobSet, a TrainJob) get a new name instead.
 */
describe("custom resources' immutable fields, from their CRDs", () => {
  test('NIMCache: the model puller (k8s-nim-operator v3.1.2 CRD)', () => {
    expect(crdImmutableFields('apps.nvidia.com/v1alpha1', 'NIMCache').map((f) => f.path)).toContain('spec.source.ngc.modelPuller');
  });

  test('a changed model puller on the same NIMCache is refused, with what to do', () => {
    const cache = (tag: string): Manifest => ({ apiVersion: 'apps.nvidia.com/v1alpha1', kind: 'NIMCache', metadata: { name: 'llama-cache', namespace: 'nim' }, spec: { source: { ngc: { modelPuller: `nvcr.io/nim/meta/llama-3.1-8b-instruct:${tag}`, authSecret: 'ngc-api' } } } });
    const [change, ...rest] = upgradeChanges([cache('1.8.4')], [cache('1.8.5')]);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: 'NIMCache', namespace: 'nim', name: 'llama-cache', field: 'spec.source.ngc.modelPuller', from: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.4', to: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.5', fix: 'make a new NIMCache (a new name) with the new value' });
    expect(change.problem).toMatch(/^the API server refuses the change \(the field is immutable\), so the upgrade fails and helm-controller retries or remediates it \(/);
    expect(upgradeChanges([cache('1.8.4')], [cache('1.8.4')])).toEqual([]);
  });

  test('list items are compared item by item (a TrainingRuntime\'s replicated Jobs)', () => {
    const fields = crdImmutableFields('trainer.kubeflow.org/v1alpha1', 'ClusterTrainingRuntime').map((f) => f.path);
    expect(fields.length).toBeGreaterThan(0);
    expect(crdImmutableFields('apps/v1', 'Deployment')).toEqual([]);
  });
});
