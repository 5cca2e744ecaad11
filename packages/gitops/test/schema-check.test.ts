import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import { interpreted } from '../src/schema-check';
import { validationRules } from '../src';

// The options generate's check uses (values.ts): ajv is the reference the interpreter must agree with.
const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false, code: { optimize: false } });
const isSchema = (s: object) => ajv.validateSchema(s) === true;
const both = (schema: object) => {
  const check = interpreted(schema, isSchema);
  if (!check) throw new Error('not interpreted');
  const reference = ajv.compile(schema);
  return (v: unknown) => ({ interpreted: check(v), ajv: reference(v) as boolean });
};

describe('interpreted: yes/no as ajv answers it', () => {
  test.each<[string, object, unknown, boolean]>([
    ['multipleOf with a float quotient ajv refuses', { multipleOf: 0.01 }, 0.07, false],
    ['multipleOf exact', { multipleOf: 0.5 }, 2.5, true],
    ['multipleOf of a large number (parseInt of 1e+21)', { multipleOf: 1 }, 1e21, false],
    ['integer', { type: 'integer' }, 2.5, false],
    ['integer written as 2.0', { type: 'integer' }, 2.0, true],
    ['minLength counts code points', { minLength: 2 }, '😀', false],
    ['maxLength counts code points', { maxLength: 1 }, '😀', true],
    ['pattern with the unicode flag', { pattern: '^\\p{Ll}+$' }, 'abc', true],
    ['pattern refused', { pattern: '^[a-z]+$' }, 'aB', false],
    ['required: a key set to undefined is missing', { required: ['a'] }, { a: undefined }, false],
    ['additionalProperties false: a key set to undefined is still a key', { properties: {}, additionalProperties: false }, { a: undefined }, false],
    ['additionalProperties schema', { properties: { a: {} }, additionalProperties: { type: 'string' } }, { a: 1, b: 'x' }, true],
    ['patternProperties decides what is additional', { patternProperties: { '^x-': { type: 'integer' } }, additionalProperties: false }, { 'x-a': 1 }, true],
    ['patternProperties checks its values', { patternProperties: { '^x-': { type: 'integer' } } }, { 'x-a': 'no' }, false],
    ['if/then', { if: { properties: { a: { const: 1 } } }, then: { required: ['b'] } }, { a: 1 }, false],
    ['if/else', { if: { properties: { a: { const: 1 } } }, then: { required: ['b'] }, else: { required: ['c'] } }, { a: 2 }, false],
    ['if without then', { if: { type: 'string' } }, 3, true],
    ['then: false', { if: { required: ['a'] }, then: false }, { a: 1 }, false],
    ['not', { not: { enum: [1, 2] } }, 2, false],
    ['anyOf', { anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] }, 4800, true],
    ['anyOf refused', { anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] }, 3600, false],
    ['enum of objects (deep)', { enum: [{ a: [1, { b: 2 }] }] }, { a: [1, { b: 2 }] }, true],
    ['uniqueItems of objects', { uniqueItems: true }, [{ a: 1 }, { a: 1 }], false],
    ['tuple items and additionalItems', { items: [{ type: 'string' }], additionalItems: false }, ['a', 'b'], false],
    ['contains', { contains: { const: 3 } }, [1, 2], false],
    ['dependencies (names)', { dependencies: { a: ['b'] } }, { a: 1 }, false],
    ['dependencies (schema)', { dependencies: { a: { required: ['c'] } } }, { a: 1, c: 2 }, true],
    ['propertyNames', { propertyNames: { maxLength: 2 } }, { abc: 1 }, false],
    ['min/maxProperties', { minProperties: 1, maxProperties: 1 }, { a: 1, b: 2 }, false],
    ['exclusive bounds (draft-07 numbers)', { exclusiveMinimum: 0, exclusiveMaximum: 10 }, 10, false],
    ['type list', { type: ['string', 'null'] }, null, true],
    ['type object is not an array', { type: 'object' }, [], false],
    ['keywords of other types do not apply', { minimum: 5, minLength: 3, required: ['a'] }, true, true],
    ['unknown x- keywords are ignored', { 'x-strata-accepts': 'anything', type: 'string' }, 'a', true],
  ])('%s', (_what, schema, value, expected) => {
    expect(both(schema)(value)).toEqual({ interpreted: expected, ajv: expected });
  });

  test.each<[string, object]>([
    ['$ref', { definitions: { a: { type: 'string' } }, properties: { x: { $ref: '#/definitions/a' } } }],
    ['format', { type: 'string', format: 'email' }],
    ['oneOf', { oneOf: [{ type: 'string' }, { type: 'integer' }] }],
    ['nullable (ajv knows it)', { type: 'string', nullable: true }],
    ['a keyword nested in properties', { properties: { a: { items: { $ref: '#' } } } }],
    ['a pattern JavaScript cannot compile', { pattern: '(?<' }],
  ])('a schema with %s is left to ajv', (_what, schema) => {
    expect(interpreted(schema, isSchema)).toBeUndefined();
  });

  test('a schema the meta-schema refuses is left to ajv (whose compile says why)', () => {
    expect(interpreted({ minimum: '5' }, isSchema)).toBeUndefined();
    expect(() => ajv.compile({ minimum: '5' })).toThrow('schema is invalid: data/minimum must be number');
  });
});

// Every chart of this repository: its schema is interpreted (generate never compiles one), and
// on values made from its defaults by random edits the two agree exactly.
const charts = join(__dirname, '..', '..', '..', 'charts');
const chartSchemas = readdirSync(charts)
  .filter((c) => existsSync(join(charts, c, 'values.schema.json')))
  .map((c) => ({
    chart: c,
    schema: validationRules(JSON.parse(readFileSync(join(charts, c, 'values.schema.json'), 'utf8'))).schema as object,
    defaults: parse(readFileSync(join(charts, c, 'values.yaml'), 'utf8')) as Record<string, unknown>,
  }));

/** Every path to a value in `v` (objects' keys, lists' indexes). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (typeof v === 'object' && v !== null) return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return [at];
}

function valueAtPath(v: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((cur, k) => (cur as Record<string | number, unknown>)?.[k], v);
}

function withValue(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  if (value === undefined && rest.length === 0) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = withValue(copy[head], rest, value);
  return copy;
}

/** The value an edit sets: `{ tweak }` changes the value there a little; anything else replaces it. */
function tweaked(was: unknown, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('tweak' in value)) return value;
  const t = (value as { tweak: number }).tweak;
  if (typeof was === 'number') return t === 2 || t === 0.5 ? was * t : was + t;
  if (typeof was === 'string') return t > 0 ? `${was}${'x'.repeat(t)}` : was.slice(0, -1);
  if (typeof was === 'boolean') return !was;
  if (Array.isArray(was)) return t > 0 ? [...was, ...was.slice(0, 1)] : was.slice(1);
  return was;
}

describe.each(chartSchemas)('the schema of charts/$chart', ({ schema, defaults }) => {
  const all = paths(defaults);
  // Values from elsewhere in the defaults (often valid where they land), boundaries, and any JSON.
  const scalars = all.map((p) => valueAtPath(defaults, p));
  const edit = fc.record({
    path: fc.nat({ max: all.length - 1 }),
    extra: fc.option(fc.constantFrom('name', 'enabled', 'size', 'unknownKey'), { nil: undefined }),
    value: fc.oneof(
      // A small change of what is there: a number moved or doubled, a string grown, a flag flipped (often still valid).
      { arbitrary: fc.record({ tweak: fc.constantFrom(-1, 1, 2, 0.5, 10) }), weight: 4 },
      fc.constantFrom(...scalars),
      fc.constantFrom(undefined, null, 0, -1, 1, 1.5, 1200, 2400, 4800, 65536, '', 'a', 'Always', '10Gi', '1Gi', true, false, [], {}),
      fc.integer({ min: -5, max: 100000 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  });

  test('is interpreted', () => {
    expect(interpreted(schema, isSchema)).toBeDefined();
  });

  test('agrees with ajv on the defaults and on values edited at random', () => {
    const check = both(schema);
    expect(check(defaults)).toEqual({ interpreted: true, ajv: true });
    let valid = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 2 }), (edits) => {
        let v: unknown = defaults;
        for (const e of edits) {
          const path = e.extra ? [...all[e.path], e.extra] : all[e.path];
          v = withValue(v, path, tweaked(valueAtPath(v, path), e.value));
        }
        const r = check(v);
        if (r.ajv) valid++;
        expect(r.interpreted).toBe(r.ajv);
      }),
      { numRuns: 300, seed: 20 },
    );
    // The edits reach both answers (a test where every value is refused would show little).
    expect(valid).toBeGreaterThan(10);
  });
});
