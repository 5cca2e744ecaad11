/**
 * A yes/no JSON Schema (draft-07) check that interprets the schema instead of generating code for
 * it. ajv compiles one validator per schema: generating and compiling its code costs milliseconds
 * per chart, and every chart of a workspace has a schema of its own, while each is used a few
 * times in a run (its defaults, then once per environment deploying it). Walking the schema costs
 * microseconds.
 *
 * It answers for the keywords it implements, with ajv's semantics (ajv@8 lib/vocabularies, the
 * options generate uses: no type coercion, no defaults, formats not validated, unknown keywords
 * ignored); a schema with any other keyword ajv knows (`$ref`, `format`, `oneOf` …) gets no
 * interpreter (`interpreted` returns undefined) and is compiled as before. Its answers are only
 * trusted one way: "valid" is final, "invalid" goes to ajv, which explains it (and overrules it).
 * test/schema-check.test.ts checks it against ajv on every chart schema of the repository with
 * generated values.
 */

/** `true`: the values are valid. `false`: they are not, or the check cannot tell (ask ajv). */
export type SchemaCheck = (values: unknown) => boolean;

/** Keywords that say something about a value without constraining it (JSON Schema annotations). */
export const ANNOTATIONS: ReadonlySet<string> = new Set(['title', 'description', '$comment', 'default', 'examples', 'readOnly', 'writeOnly', 'deprecated']);

/** Keywords implemented here; a schema using a keyword outside these, the annotations and `x-…` is left to ajv. */
const IMPLEMENTED = new Set([
  'type', 'enum', 'const',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern',
  'required', 'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependencies',
  'items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains',
  'allOf', 'anyOf', 'not', 'if', 'then', 'else',
]);

const interpreters = new WeakMap<object, SchemaCheck | null>();

/**
 * The interpreting check of a schema, or undefined when the schema uses a keyword it does not
 * implement (or is not a well-formed schema: `isSchema` says so, ajv's meta-schema check).
 */
export function interpreted(schema: object, isSchema: (s: object) => boolean): SchemaCheck | undefined {
  let found = interpreters.get(schema);
  if (found === undefined) {
    found = supported(schema) && isSchema(schema) ? (values: unknown) => valid(schema, values) : null;
    interpreters.set(schema, found);
  }
  return found ?? undefined;
}

function supported(s: unknown): boolean {
  if (typeof s === 'boolean') return true;
  if (!isPlainObject(s)) return false;
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k) || k === '$schema' || k.startsWith('x-')) continue;
    if (!IMPLEMENTED.has(k)) return false;
    switch (k) {
      case 'properties':
      case 'patternProperties':
        if (!isPlainObject(v) || !Object.values(v).every(supported)) return false;
        break;
      case 'dependencies':
        if (!isPlainObject(v) || !Object.values(v).every((d) => Array.isArray(d) || supported(d))) return false;
        break;
      case 'items':
        if (Array.isArray(v) ? !v.every(supported) : !supported(v)) return false;
        break;
      case 'allOf':
      case 'anyOf':
        if (!Array.isArray(v) || !v.every(supported)) return false;
        break;
      case 'additionalProperties':
      case 'additionalItems':
      case 'propertyNames':
      case 'contains':
      case 'not':
      case 'if':
      case 'then':
      case 'else':
        if (!supported(v)) return false;
        break;
      case 'pattern':
        if (typeof v !== 'string' || regex(v) === undefined) return false;
        break;
    }
    if (k === 'patternProperties' && !Object.keys(v as object).every((p) => regex(p) !== undefined)) return false;
  }
  return true;
}

const regexes = new Map<string, RegExp | null>();

/** A pattern as ajv compiles it (`new RegExp(pattern, 'u')`), or undefined when it does not compile. */
function regex(pattern: string): RegExp | undefined {
  let r = regexes.get(pattern);
  if (r === undefined) {
    try {
      r = new RegExp(pattern, 'u');
    } catch {
      r = null;
    }
    regexes.set(pattern, r);
  }
  return r ?? undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeIs(type: string, v: unknown): boolean {
  switch (type) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    // Not finite: no JSON form, the check cannot tell (ajv decides).
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    default:
      return false;
  }
}

/** Deep equality as ajv's `equal` (fast-deep-equal) sees JSON values. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => equal(x, bb[i]));
  }
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  if (ka.length !== Object.keys(ob).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && equal((a as Record<string, unknown>)[k], ob[k]));
}

/** A string's length in code points (ajv's ucs2length: a surrogate pair counts once). */
function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function valid(s: unknown, v: unknown): boolean {
  if (s === true) return true;
  if (s === false) return false;
  const schema = s as Record<string, any>;
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeIs(t, v))) return false;
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => equal(e, v))) return false;
  if ('const' in schema && !equal(schema.const, v)) return false;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return false;
    if (schema.minimum !== undefined && !(v >= schema.minimum)) return false;
    if (schema.maximum !== undefined && !(v <= schema.maximum)) return false;
    if (schema.exclusiveMinimum !== undefined && !(v > schema.exclusiveMinimum)) return false;
    if (schema.exclusiveMaximum !== undefined && !(v < schema.exclusiveMaximum)) return false;
    if (schema.multipleOf !== undefined) {
      // ajv: `multipleOf === 0 || (res = data / multipleOf, res !== parseInt(res))` fails.
      const res = v / schema.multipleOf;
      if (schema.multipleOf === 0 || res !== parseInt(String(res), 10)) return false;
    }
  }
  if (typeof v === 'string') {
    if (schema.minLength !== undefined && length(v) < schema.minLength) return false;
    if (schema.maxLength !== undefined && length(v) > schema.maxLength) return false;
    if (schema.pattern !== undefined && !regex(schema.pattern)!.test(v)) return false;
  }
  if (isPlainObject(v) && !validObject(schema, v)) return false;
  if (Array.isArray(v) && !validArray(schema, v)) return false;
  if (schema.allOf !== undefined && !(schema.allOf as unknown[]).every((sub) => valid(sub, v))) return false;
  if (schema.anyOf !== undefined && !(schema.anyOf as unknown[]).some((sub) => valid(sub, v))) return false;
  if (schema.not !== undefined && valid(schema.not, v)) return false;
  if (schema.if !== undefined) {
    if (valid(schema.if, v)) {
      if (schema.then !== undefined && !valid(schema.then, v)) return false;
    } else if (schema.else !== undefined && !valid(schema.else, v)) return false;
  }
  return true;
}

function validObject(schema: Record<string, any>, v: Record<string, unknown>): boolean {
  // ajv (ownProperties: false): a property is present when `data[name] !== undefined`, and
  // additional properties are the keys `for … in` finds.
  for (const name of (schema.required as string[] | undefined) ?? []) if (v[name] === undefined) return false;
  const props = (schema.properties as Record<string, unknown> | undefined) ?? {};
  for (const [name, sub] of Object.entries(props)) if (v[name] !== undefined && !valid(sub, v[name])) return false;
  const patterns = Object.entries((schema.patternProperties as Record<string, unknown> | undefined) ?? {}).map(([p, sub]) => [regex(p)!, sub] as const);
  const keys = Object.keys(v);
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) return false;
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) return false;
  for (const key in v) {
    let matched = Object.prototype.hasOwnProperty.call(props, key);
    for (const [re, sub] of patterns) {
      if (!re.test(key)) continue;
      matched = true;
      if (!valid(sub, v[key])) return false;
    }
    if (!matched && schema.additionalProperties !== undefined && !valid(schema.additionalProperties, v[key])) return false;
    if (schema.propertyNames !== undefined && !valid(schema.propertyNames, key)) return false;
  }
  for (const [name, dep] of Object.entries((schema.dependencies as Record<string, unknown> | undefined) ?? {})) {
    if (v[name] === undefined) continue;
    if (Array.isArray(dep) ? dep.some((d) => v[d] === undefined) : !valid(dep, v)) return false;
  }
  return true;
}

function validArray(schema: Record<string, any>, v: unknown[]): boolean {
  if (schema.minItems !== undefined && v.length < schema.minItems) return false;
  if (schema.maxItems !== undefined && v.length > schema.maxItems) return false;
  if (Array.isArray(schema.items)) {
    const tuple = schema.items as unknown[];
    for (let i = 0; i < v.length; i++) {
      if (i < tuple.length) {
        if (!valid(tuple[i], v[i])) return false;
      } else if (schema.additionalItems !== undefined && !valid(schema.additionalItems, v[i])) return false;
    }
  } else if (schema.items !== undefined) {
    if (!v.every((item) => valid(schema.items, item))) return false;
  }
  if (schema.uniqueItems === true) {
    for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) if (equal(v[i], v[j])) return false;
  }
  if (schema.contains !== undefined && !v.some((item) => valid(schema.contains, item))) return false;
  return true;
}
