import Ajv from 'ajv';
import fc from 'fast-check';

type Schema = { [key: string]: any };

/** What a leaf's rules say a value can be: drawn from, then checked against the whole schema. */
interface Hints {
  enums: unknown[];
  patterns: string[];
  multiples: number[];
  /** [minimum, maximum] pairs stated anywhere (an anyOf branch may carry its own range). */
  ranges: [number, number][];
  /** Hints for the items of a list. */
  items?: Hints;
  /** The largest minLength stated anywhere (a "set" rule). */
  minLength: number;
}

/**
 * Random value sets that a chart's values.schema.json accepts. The arbitrary is built from the
 * schema — enums, ranges, multiples, patterns, lists, including those that constructs attached
 * (`allOf`/`anyOf`) and those of cross-field rules (`if`/`then`) — and filtered by the schema
 * itself, so only valid sets come out. For property tests of the chart writer and the charts.
 */
export function arbitraryValues(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const validate = schemaValidator(schema);
  const conditional = new Map<string, Hints>();
  for (const c of (schema.allOf as Schema[]) ?? []) collectThen(c.then, [], conditional);
  return (arbitraryOf(schema, [], conditional, true) as fc.Arbitrary<Record<string, unknown>>).filter((v) => validate(v));
}

/** Whether a value set is valid for the schema (ajv, draft-07). */
export function schemaValidator(schema: Schema): (v: unknown) => boolean {
  const validate = new Ajv({ strict: false }).compile(schema);
  return (v) => validate(v) as boolean;
}

function emptyHints(): Hints {
  return { enums: [], patterns: [], multiples: [], ranges: [], minLength: 0 };
}

/** Enums, patterns and multiples anywhere in a leaf's schema (itself, allOf, anyOf; not `not`). */
function hintsOf(s: Schema | boolean | undefined, into: Hints = emptyHints()): Hints {
  if (!s || typeof s !== 'object') return into;
  if (Array.isArray(s.enum)) into.enums.push(...s.enum);
  if (typeof s.pattern === 'string') into.patterns.push(s.pattern);
  if (typeof s.multipleOf === 'number') into.multiples.push(s.multipleOf);
  if (typeof s.minimum === 'number' || typeof s.maximum === 'number') into.ranges.push([s.minimum ?? -1e6, s.maximum ?? 1e6]);
  if (typeof s.minLength === 'number') into.minLength = Math.max(into.minLength, s.minLength);
  if (s.items && typeof s.items === 'object') into.items = hintsOf(s.items, into.items ?? emptyHints());
  for (const sub of [...((s.allOf as Schema[]) ?? []), ...((s.anyOf as Schema[]) ?? [])]) hintsOf(sub, into);
  return into;
}

/** The leaves a `then` talks about, by value path. */
function collectThen(then: Schema | boolean | undefined, path: string[], into: Map<string, Hints>): void {
  if (!then || typeof then !== 'object') return;
  for (const [k, sub] of Object.entries((then.properties as Record<string, Schema>) ?? {})) {
    if (sub.properties) collectThen(sub, [...path, k], into);
    else {
      const key = [...path, k].join('.');
      into.set(key, hintsOf(sub, into.get(key) ?? emptyHints()));
    }
  }
}

function arbitraryOf(s: Schema, path: string[], conditional: Map<string, Hints>, top = false): fc.Arbitrary<unknown> {
  let free = freeArbitraryOf(s, path, conditional, top);
  // A leaf is first held to its own rules (cheap, and keeps whole sets from failing on one value);
  // the whole set is then held to the cross-field rules.
  if (s.type !== 'object' && s.allOf) free = free.filter(schemaValidator(s));
  // A leaf keeps its chart default two times in three: the defaults hold together, so sets that
  // change a few values at a time pass cross-field rules often enough to be found.
  return 'default' in s && !top ? fc.oneof({ arbitrary: fc.constant(s.default), weight: 2 }, { arbitrary: free, weight: 1 }) : free;
}

function freeArbitraryOf(s: Schema, path: string[], conditional: Map<string, Hints>, top: boolean): fc.Arbitrary<unknown> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const extra = conditional.get(path.join('.')) ?? emptyHints();
  switch (s.type) {
    case 'object': {
      if (!s.properties) return fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ maxLength: 8 }), { maxKeys: 3, noNullPrototype: true });
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, sub] of Object.entries(s.properties as Record<string, Schema>)) {
        if (top && k === 'global') continue;
        // Name overrides: empty, short, and as long as allowed (the names must be cut to fit 63).
        if (k === 'nameOverride' || k === 'fullnameOverride') props[k] = fc.constantFrom('', 'custom', 'n'.repeat(sub.maxLength ?? 53));
        else props[k] = arbitraryOf(sub, [...path, k], conditional);
      }
      // Values come from YAML or JSON, which never make objects without a prototype (fast-check
      // does by default, and cdk8s drops fields of such objects inside a manifest).
      return fc.record(props, { noNullPrototype: true });
    }
    case 'array': {
      const itemHints = hintsOf(s).items;
      const items = s.items ? arbitraryOf(s.items, [...path, '*'], itemHints ? new Map([...conditional, [[...path, '*'].join('.'), itemHints]]) : conditional) : fc.string({ maxLength: 6 });
      return fc.array(items, { minLength: s.minItems ?? 0, maxLength: 4 });
    }
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numberArbitrary(s, extra);
    case 'string':
    default:
      return stringArbitrary(s, extra);
  }
}

function numberArbitrary(s: Schema, extra: Hints): fc.Arbitrary<number> {
  const all: Schema[] = [s, ...((s.allOf as Schema[]) ?? [])];
  const hints = hintsOf(s);
  const enums = [...hints.enums, ...extra.enums].filter((e): e is number => typeof e === 'number');
  const min = Math.max(...all.map((c) => c.minimum ?? -1e6));
  const max = Math.min(...all.map((c) => c.maximum ?? 1e6));
  const candidates: fc.Arbitrary<number>[] = [];
  if (enums.length > 0) candidates.push(fc.constantFrom(...[...new Set(enums)]));
  for (const m of [...new Set([...hints.multiples, ...extra.multiples])]) {
    const lo = Math.ceil(min / m);
    const hi = Math.floor(max / m);
    if (lo <= hi) candidates.push(fc.integer({ min: lo, max: Math.min(hi, lo + 1000) }).map((k) => k * m));
  }
  const ranges: [number, number][] = [[min, max], ...hints.ranges.map(([lo, hi]): [number, number] => [Math.max(lo, min), Math.min(hi, max)]).filter(([lo, hi]) => lo <= hi)];
  for (const [lo, hi] of ranges) {
    if (s.type === 'integer') candidates.push(fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }));
    else candidates.push(fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)));
  }
  return fc.oneof(...candidates);
}

function stringArbitrary(s: Schema, extra: Hints): fc.Arbitrary<string> {
  const hints = hintsOf(s);
  const maxLength = s.maxLength ?? 40;
  const minLength = Math.max(s.minLength ?? 0, hints.minLength);
  const fits = (x: string) => [...x].length <= maxLength && [...x].length >= minLength;
  const enums = [...new Set([...hints.enums, ...extra.enums])].filter((e): e is string => typeof e === 'string' && fits(e));
  const patterns = [...new Set([...hints.patterns, ...extra.patterns, ...(extra.items ? [] : [])])];
  const candidates: fc.Arbitrary<string>[] = patterns.map((p) => fc.stringMatching(new RegExp(p, 'u')).filter(fits));
  if (enums.length > 0) candidates.push(fc.constantFrom(...enums));
  if (patterns.length === 0) {
    // Unrestricted strings: include quotes, braces and non-ASCII, the cases templates get wrong.
    candidates.push(
      fc.string({ minLength, maxLength }),
      fc.constantFrom('{{ .Values.x }}', 'a "quoted" \\ value', 'naïve: yes', 'multi\nline', '', '%s %d', '0123', 'true', 'null').filter(fits),
    );
  }
  return fc.oneof(...candidates);
}
