import Ajv from 'ajv';
import fc from 'fast-check';

type Schema = { [key: string]: any };

/**
 * Random value sets that a chart's values.schema.json accepts: an arbitrary built from the
 * schema (enums, ranges, multiples, patterns, lists), filtered by the schema itself so that
 * cross-field rules (if/then) hold too. For property tests of the chart writer.
 */
export function arbitraryValues(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const ajv = new Ajv({ strict: false, allErrors: false });
  const validate = ajv.compile(schema);
  return (arbitraryOf(schema, true) as fc.Arbitrary<Record<string, unknown>>).filter((v) => validate(v) as boolean);
}

/** Whether a value set is valid for the schema (ajv, draft-07). */
export function schemaValidator(schema: Schema): (v: unknown) => boolean {
  const validate = new Ajv({ strict: false }).compile(schema);
  return (v) => validate(v) as boolean;
}

function arbitraryOf(s: Schema, top = false): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  switch (s.type) {
    case 'object': {
      if (!s.properties) return fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 });
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, sub] of Object.entries(s.properties as Record<string, Schema>)) {
        if (top && k === 'global') continue;
        if (k === 'nameOverride' || k === 'fullnameOverride') props[k] = fc.constantFrom('', 'custom', 'a-very-long-name-that-needs-cutting-to-fit-within-the-limits');
        else props[k] = arbitraryOf(sub);
      }
      return fc.record(props);
    }
    case 'array':
      return fc.array(s.items ? arbitraryOf(s.items) : fc.string({ maxLength: 6 }), { minLength: s.minItems ?? 0, maxLength: 4 });
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numberArbitrary(s);
    case 'string':
    default:
      return stringArbitrary(s);
  }
}

function numberArbitrary(s: Schema): fc.Arbitrary<number> {
  const all: Schema[] = [s, ...((s.allOf as Schema[]) ?? [])];
  const enums = all.flatMap((c) => [c, ...((c.anyOf as Schema[]) ?? [])]).filter((c) => c.enum).flatMap((c) => c.enum as number[]);
  const min = Math.max(...all.map((c) => c.minimum ?? -1e6));
  const max = Math.min(...all.map((c) => c.maximum ?? 1e6));
  const multiples = all.flatMap((c) => [c, ...((c.anyOf as Schema[]) ?? [])]).filter((c) => c.multipleOf).map((c) => c.multipleOf as number);
  const candidates: fc.Arbitrary<number>[] = [];
  if (enums.length > 0) candidates.push(fc.constantFrom(...enums));
  for (const m of multiples) {
    const lo = Math.ceil(min / m);
    const hi = Math.floor(max / m);
    if (lo <= hi) candidates.push(fc.integer({ min: lo, max: Math.min(hi, lo + 1000) }).map((k) => k * m));
  }
  if (s.type === 'integer') candidates.push(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }));
  else candidates.push(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)));
  return fc.oneof(...candidates);
}

function stringArbitrary(s: Schema): fc.Arbitrary<string> {
  const maxLength = s.maxLength ?? 40;
  const minLength = s.minLength ?? 0;
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern, 'u')).filter((x) => [...x].length <= maxLength && [...x].length >= minLength);
  }
  // Unrestricted strings: include quotes, braces and non-ASCII, the cases templates get wrong.
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.constantFrom('{{ .Values.x }}', 'a "quoted" \\ value', 'naïve: yes', 'multi\nline', '', '%s %d', '0123', 'true', 'null').filter((x) => x.length >= minLength && x.length <= maxLength),
  );
}
