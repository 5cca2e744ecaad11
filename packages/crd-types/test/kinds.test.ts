import { Testing } from 'cdk8s';
import { CRD_KINDS } from '@strata/crd-types';
import { crdSchema, schemaErrors } from '@strata/kube-schemas';
import { EXAMPLES, WirePath } from './examples';

function at(object: unknown, path: WirePath): unknown {
  return path.reduce<any>((o, key) => (o === undefined || o === null ? undefined : o[key]), object);
}

test('every kind of the package has an example', () => {
  expect(Object.keys(EXAMPLES).sort()).toEqual(CRD_KINDS.map((k) => k.module).sort());
});

describe.each(CRD_KINDS.map((k) => [k.kind, k] as const))('%s', (_, kind) => {
  const example = EXAMPLES[kind.module];

  test(`the entry point @strata/crd-types/${kind.module} exports ${kind.className} for ${kind.apiVersion}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(kind.entryPoint);
    expect(mod[kind.className].GVK).toEqual({ apiVersion: kind.apiVersion, kind: kind.kind });
  });

  test('a minimal object synthesizes with its apiVersion, kind and wire names, and is valid for the CRD schema', () => {
    const chart = Testing.chart();
    example.build(chart, `example-${kind.module}`);
    const [object] = Testing.synth(chart) as any[];
    expect(object.apiVersion).toBe(kind.apiVersion);
    expect(object.kind).toBe(kind.kind);
    expect(object.metadata.name).toBe(`example-${kind.module}`);
    for (const [path, value] of example.wire) expect([path.join('.'), at(object, path)]).toEqual([path.join('.'), value]);
    expect(schemaErrors(crdSchema(kind), object)).toEqual([]);
  });
});
