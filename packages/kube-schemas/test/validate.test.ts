import { validateObject, validateObjects } from '../src';

describe('validateObject', () => {
  test('accepts a valid core object', () => {
    expect(validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } })).toEqual([]);
  });

  test('reports a schema violation with the object and the path', () => {
    const problems = validateObject({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'sc' }, provisioner: 'x', parameters: { a: 1 } });
    expect(problems).toEqual(['StorageClass/sc: data/parameters/a must be string']);
  });

  test('validates Flux and prometheus-operator kinds', () => {
    expect(
      validateObjects([
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'c' }, spec: { url: 'oci://r/c', interval: '10m', ref: { tag: '1.0.0' } } },
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0' }] }] } },
      ]),
    ).toEqual([]);
    expect(validateObject({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'h' }, spec: {} })).toHaveLength(1);
  });

  test('names kinds it has no model for', () => {
    expect(validateObject({ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'p' } })).toEqual(['NodePool/p: karpenter.sh/v1 NodePool has no schema model here']);
    expect(() => validateObject({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(/no schema model for example.com\/v1 Widget/);
  });
});
