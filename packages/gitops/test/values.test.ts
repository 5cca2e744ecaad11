import { JsonSchema, catalogFromTree, describeSchema, mergeValues, readCatalog, schemaProblems, showValue, validationRules, valueAt } from '../src';
import { fixtureCatalog, fixtureChartTree } from './fixtures/charts';
import { writeTree } from './support/render';

describe('mergeValues (Helm coalescing)', () => {
  test('maps merge, lists and scalars replace, null removes a default', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x', e: 1 }, { a: { c: [3] }, d: null, f: true })).toEqual({ a: { b: 1, c: [3] }, e: 1, f: true });
  });
  test('does not change its inputs', () => {
    const base = { a: { b: 1 } };
    mergeValues(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
  test('valueAt reads dotted paths', () => {
    expect(valueAt({ a: { b: { c: 3 } } }, 'a.b.c')).toBe(3);
    expect(valueAt({ a: 1 }, 'a.b')).toBeUndefined();
  });
});

describe('schemaProblems: ajv (draft-07, all errors) in the house style', () => {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      size: { type: 'integer', allOf: [{ anyOf: [{ enum: [1200] }, { multipleOf: 2400 }], $comment: 'fsx/claim' }] },
      kind: { type: 'string', enum: ['a', 'b'] },
      name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
      list: { type: 'array', minItems: 1, items: { type: 'string' } },
    },
    required: ['size', 'kind'],
    allOf: [{ if: { properties: { kind: { enum: ['b'] } }, required: ['kind'] }, then: false, $comment: 'kind b is retired' }],
  };
  const check = (v: unknown) => schemaProblems(schema, v, 'x.values', 'fix it');

  test('valid values have no problems', () => {
    expect(check({ size: 4800, kind: 'a' })).toEqual([]);
  });
  test('every problem at once, each with its path and value', () => {
    expect(check({ size: 1000, kind: 'c', name: 'ABCDEFG', list: [], extra: 1 })).toEqual([
      "'x.values.extra' (1) must be left out: the chart has no such value (known here: size, kind, name, list); check the spelling against the chart's values.yaml",
      "'x.values.size' (1000) must be 1200 or a multiple of 2400; fix it (rule: fsx/claim)",
      '\'x.values.kind\' ("c") must be one of "a", "b"; fix it',
      '\'x.values.name\' ("ABCDEFG") must be at most 5 characters long; fix it',
      '\'x.values.name\' ("ABCDEFG") must be a string matching /^[a-z]+$/; fix it',
      "'x.values.list' ([]) must be a list of at least 1 items; fix it",
    ]);
  });
  test('a missing required value, and a refused combination (then: false)', () => {
    expect(check({ kind: 'b' })).toEqual(['\'x.values.kind\' ("b") must be different: the chart refuses kind = "b"; fix it (rule: kind b is retired)', "'x.values.size' (not set) must be set; fix it"]);
  });
  test('describeSchema and showValue', () => {
    expect(describeSchema({ minimum: 1, maximum: 3 })).toBe('between 1 and 3');
    expect(describeSchema({ not: { enum: ['x'] } })).toBe('not "x"');
    expect([showValue(undefined), showValue('a'), showValue(1), showValue([1])]).toEqual(['not set', '"a"', '1', '[1]']);
  });
});

describe('the chart catalog', () => {
  const catalog = fixtureCatalog();

  test('reads version, uses, storage, defaults, schema, kubeVersion, data and service accounts of each chart', () => {
    expect(Object.keys(catalog)).toEqual(['inference', 'plain', 'storage-efs', 'storage-fsx-lustre', 'storage-instance-store', 'training']);
    const t = catalog.training;
    expect(t.version).toBe('1.2.0');
    expect(t.uses).toEqual(['fsx-lustre', 'instance-store', 's3']);
    expect(t.storage!.map((c) => `${c.tier}:${c.name}`)).toEqual(['instance-store:checkpoints', 'fsx-lustre:dataset', 'fsx-lustre:dataset/existing', 's3:results']);
    // The existing-file-system claim's condition is read from its template's guard.
    expect(t.storage!.map((c) => c.when)).toEqual([undefined, undefined, [{ $value: 'dataset.existing.enabled' }], undefined]);
    expect(t.defaults.workers).toBe(2);
    expect(t.kubeVersion).toBe('>=1.29.0-0');
    expect(t.holdsData).toBe(true);
    expect(t.serviceAccounts).toEqual({ training: 'training' });
    expect(catalog.plain).toMatchObject({ uses: [], holdsData: false });
    expect(catalog.plain.storage).toBeUndefined();
  });

  test('digests are attached by registry when given (registry URLs compared as environments write them)', () => {
    expect(catalogFromTree(fixtureChartTree(), { plain: { 'oci://Registry.Example.com/charts/': 'sha256:abc' } }).plain.digests).toEqual({ 'oci://registry.example.com/charts': 'sha256:abc' });
  });

  test('reads the same from a charts/ directory on disk', () => {
    expect(readCatalog(writeTree(fixtureChartTree(), 'charts'))).toEqual(catalog);
  });

  test('a broken storage annotation is an error naming the chart', () => {
    const tree = fixtureChartTree();
    tree.set('plain/Chart.yaml', 'apiVersion: v2\nname: plain\nversion: 0.1.0\nannotations:\n  strata.dev/storage: "[oops"\n');
    expect(() => catalogFromTree(tree)).toThrow(/^charts\/plain\/Chart.yaml: annotation strata.dev\/storage is not JSON/);
  });
});

import { helmRelease } from '../src/flux';

test('charts holding data or running Jobs retry in place; others remediate; Jobs without a deadline are not awaited', () => {
  // helm-controller: install remediation uninstalls between retries, upgrade remediation rolls back
  // (fluxcd/helm-controller@v1.6.3 docs/spec/v2/helmreleases.md); RetryOnFailure (>= v1.4.0) does neither.
  const data = helmRelease({ name: 'llm', namespace: 'llm', source: { ociRepository: 'llm' }, timeout: '2h', holdsData: true, retryOnFailure: true, disableWaitForJobs: true, driftDetection: true }) as any;
  expect(data.spec.install).toEqual({ disableWaitForJobs: true, strategy: { name: 'RetryOnFailure', retryInterval: '5m' } });
  expect(data.spec.upgrade).toEqual({ disableWaitForJobs: true, strategy: { name: 'RetryOnFailure', retryInterval: '5m' } });
  expect(data.spec.rollback).toEqual({ disableWaitForJobs: true });
  expect(data.spec.driftDetection).toEqual({ mode: 'enabled', ignore: [{ paths: ['/spec/resources/requests/storage'], target: { kind: 'PersistentVolumeClaim' } }] });
  expect(data.spec.install).not.toHaveProperty('disableWait'); // dependsOn on it means "installed and ready"
  const plain = helmRelease({ name: 'x', namespace: 'x', source: { ociRepository: 'x' }, timeout: '10m' }) as any;
  expect(plain.spec.install).toEqual({ remediation: { retries: 3 } });
  expect(plain.spec.upgrade).toEqual({ cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true } });
  expect(plain.spec).not.toHaveProperty('driftDetection');
});

describe('validationRules: the part of a schema that decides validity', () => {
  const base = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'a values',
    type: 'object',
    properties: {
      description: { type: 'string', description: 'a value named like an annotation', default: 'x' },
      replicas: { type: 'integer', minimum: 1, $comment: '[a/server] replicas', default: 1 },
    },
    required: ['description'],
    if: { properties: { replicas: { const: 1, description: 'one' } } },
    then: { properties: { description: { minLength: 1, $comment: 'rule' } } },
  };
  const renamed = JSON.parse(JSON.stringify(base).replace(/"a values"/, '"b values"').replace('[a/server]', '[b/server]').replace('"default":1', '"default":3'));

  test('charts that differ only in titles, comments and defaults share the rules (one compiled check)', () => {
    expect(validationRules(renamed).digest).toBe(validationRules(base).digest);
  });

  test('annotation keywords go, a property that is named like one stays', () => {
    expect(validationRules(base).schema).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { description: { type: 'string' }, replicas: { type: 'integer', minimum: 1 } },
      required: ['description'],
      if: { properties: { replicas: { const: 1 } } },
      then: { properties: { description: { minLength: 1 } } },
    });
  });

  test('a different constraint is different rules', () => {
    const stricter = JSON.parse(JSON.stringify(base).replace('"minimum":1', '"minimum":2'));
    expect(validationRules(stricter).digest).not.toBe(validationRules(base).digest);
  });

  test('an invalid value set is explained from the chart\'s own schema (its own rule comments)', () => {
    expect(schemaProblems(renamed, { description: 'd', replicas: 0 }, 'w.values', 'fix it')).toEqual(["'w.values.replicas' (0) must be at least 1; fix it (rule: [b/server] replicas)"]);
    expect(schemaProblems(base, { description: 'd', replicas: 0 }, 'w.values', 'fix it')).toEqual(["'w.values.replicas' (0) must be at least 1; fix it (rule: [a/server] replicas)"]);
  });
});

describe('problems say what is accepted in words, never a regular expression', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', 'x-strata-accepts': 'an S3 bucket name (3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit)' },
      cacheGiB: { type: 'integer', allOf: [{ minimum: 2, $comment: '[a/cache] size', 'x-strata-accepts': 'at least maxCacheSize (2048 MiB)' }] },
      prefix: { type: 'string', allOf: [{ pattern: '/$', $comment: '[a/data] prefix', 'x-strata-accepts': 'a prefix ending in "/"' }] },
    },
  };
  const check = (v: unknown) => schemaProblems(schema, v, 'w.values', 'fix it');

  test("a value's own pattern and a construct's rule, each in its words and units", () => {
    expect(check({ bucket: 'Raw_Data', cacheGiB: 1, prefix: 'models' })).toEqual([
      '\'w.values.bucket\' ("Raw_Data") must be an S3 bucket name (3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit); fix it',
      "'w.values.cacheGiB' (1) must be at least maxCacheSize (2048 MiB); fix it (rule: [a/cache] size)",
      '\'w.values.prefix\' ("models") must be a prefix ending in "/"; fix it (rule: [a/data] prefix)',
    ]);
  });
});
