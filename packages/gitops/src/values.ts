import { createHash } from 'node:crypto';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { JsonSchema } from './catalog';
import { ANNOTATIONS, interpreted, SchemaCheck } from './schema-check';
import { ACCEPTS_KEYWORD, patternWords } from '@strata/tokens';

/** A plain object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Helm's coalescing of values: maps merge key by key, anything else (lists included) replaces,
 * and `null` removes a default. The result is what the chart is rendered with.
 */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = mergeValues(base[k], v);
  }
  return out;
}

/** The value at a dotted path, or undefined. */
export function valueAt(values: unknown, path: string | readonly string[]): unknown {
  const segs = typeof path === 'string' ? path.split('.') : path;
  let cur: unknown = values;
  for (const s of segs) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** A copy with keys sorted at every level (deterministic YAML). */
export function sortKeysDeep<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeysDeep) as unknown as T;
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeysDeep(v[k])]),
  ) as T;
}

/** An object with `value` set at `path` (for building nested values). */
export function nestedAt(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, seg) => ({ [seg]: inner }), value) as Record<string, unknown>;
}

// optimize: false — ajv's code optimization pass is about half of compile time, and each schema is used a few times only.
// The verbose validator (every error, with the schema that raised it) only runs for values found invalid.
const explain = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false, code: { optimize: false } });
const explainers = new WeakMap<object, ValidateFunction>();
// The check: first error only, on the schema without its annotations (shared by charts that differ in those only).
const check = new Ajv({ allErrors: false, strict: false, validateFormats: false, code: { optimize: false } });
const checkers = new Map<string, SchemaCheck>();
/** Whether a schema is well formed (draft-07 meta-schema), as ajv's compile would have checked it. */
const isSchema = (s: object) => check.validateSchema(s) === true;

/**
 * Checks values against a chart's values.schema.json (draft-07, all errors) and says what is
 * wrong in the house style: `'<field>' (<value>) must be <accepted>; <fix>`, with `field` the
 * value's path prefixed by `prefix` (where it sits in the environment definition).
 */
export function schemaProblems(schema: JsonSchema, values: unknown, prefix: string, fix: string, rulesDigest?: string): string[] {
  const rules = validationRules(schema, rulesDigest);
  const key = `${rules.digest}:${createHash('sha256').update(JSON.stringify(values) ?? 'undefined').digest('hex')}`;
  if (validValues.known.has(key)) {
    validValues.used.add(key);
    return [];
  }
  let valid = checkers.get(rules.digest);
  if (!valid) {
    // Interpreted when the schema allows it (schema-check.ts): no code generated and compiled per chart.
    valid = interpreted(rules.schema, isSchema) ?? check.compile(rules.schema);
    checkers.set(rules.digest, valid);
  }
  if (valid(values)) {
    validValues.known.add(key);
    validValues.used.add(key);
    return [];
  }
  let validate = explainers.get(schema);
  if (!validate) {
    validate = explain.compile(schema as object);
    explainers.set(schema, validate);
  }
  // ajv has the last word: the interpreting check answers "invalid" also where it cannot tell.
  if (validate(values)) return [];
  return translate(validate.errors ?? [], values, prefix, fix);
}

/**
 * Value sets found valid against a schema (validation rules digest : values digest). Compiling a
 * chart's schema costs milliseconds, and an environment checks hundreds of releases whose values
 * rarely change between runs: generate loads the keys it kept from its last run into `known` and
 * keeps `used` (the keys this run relied on or found) for the next. Invalid sets are never remembered.
 */
export const validValues = { known: new Set<string>(), used: new Set<string>() };

/** Keywords holding a map of name → subschema (the names are data, never dropped). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
/** Keywords holding one subschema, or a list of them. */
const SUBSCHEMAS = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf']);

const rulesOf = new WeakMap<object, { schema: JsonSchema; digest: string }>();

/**
 * A schema's validation rules: the schema without annotations (titles, descriptions, comments,
 * defaults), and their digest. Charts scaffolded from one pattern differ mostly in those, and
 * then share one compiled check.
 */
export function validationRules(schema: JsonSchema, known?: string): { schema: JsonSchema; digest: string } {
  let r = rulesOf.get(schema);
  if (!r && known) {
    // The digest was taken when the chart was made (catalogEntry: schemaRules); the rules are derived only to compile them.
    let stripped: JsonSchema | undefined;
    r = {
      digest: known,
      get schema() {
        return (stripped ??= withoutAnnotations(schema) as JsonSchema);
      },
    };
    rulesOf.set(schema, r);
  }
  if (!r) {
    const stripped = withoutAnnotations(schema) as JsonSchema;
    r = { schema: stripped, digest: createHash('sha256').update(JSON.stringify(stripped)).digest('hex').slice(0, 32) };
    rulesOf.set(schema, r);
  }
  return r;
}

function withoutAnnotations(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(withoutAnnotations);
  if (!isPlainObject(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) continue;
    if (SCHEMA_MAPS.has(k) && isPlainObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    else if (SUBSCHEMAS.has(k)) out[k] = withoutAnnotations(v);
    else out[k] = v;
  }
  return out;
}

function translate(errors: ErrorObject[], root: unknown, prefix: string, fix: string): string[] {
  // anyOf: one message naming every alternative, instead of one per failed branch.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const ifErrors = errors.filter((e) => e.keyword === 'if');
  const out: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (anyOfPaths.some((p) => e.schemaPath.startsWith(p))) continue;
    const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    // The `if` whose `then` this error belongs to: "when deploymentType is "PERSISTENT_2"".
    const owner = ifErrors.find((i) => e.schemaPath.startsWith(i.schemaPath.replace(/\/if$/, '/then')));
    const when = owner ? ` when ${describeCondition((owner.parentSchema as JsonSchema | undefined)?.if as JsonSchema | undefined)}` : '';
    const origin = comment(e.parentSchema as JsonSchema | undefined) ?? comment(owner?.parentSchema as JsonSchema | undefined);
    const theFix = origin ? `${fix} (rule: ${origin})` : fix;
    const field = (extra?: string) => [prefix, ...segs, ...(extra ? [extra] : [])].filter((s) => s.length > 0).join('.');
    const value = e.data;
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        out.push(line(field(missing), undefined, `set${when}`, theFix));
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const known = Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties as object | undefined) ?? {}).filter((k) => k !== 'global');
        out.push(line(field(extra), valueAt(value, [extra]), `left out: the chart has no such value${known.length > 0 ? ` (known here: ${known.join(', ')})` : ''}`, 'check the spelling against the chart\'s values.yaml'));
        break;
      }
      case 'false schema': {
        // `then: false`: the condition itself is refused; name its first value.
        const conds = conditionParts((owner?.parentSchema as JsonSchema | undefined)?.if as JsonSchema | undefined);
        if (conds.length === 0) out.push(line(field(), value, 'different: the chart refuses this value', theFix));
        else out.push(line(field(conds[0].path.join('.')), valueAt(value, conds[0].path), `different: the chart refuses ${conds.map((c) => c.text).join(' together with ')}`, theFix));
        break;
      }
      case 'anyOf': {
        const alts = ((e.parentSchema as JsonSchema | undefined)?.anyOf as JsonSchema[] | undefined) ?? [];
        out.push(line(field(), value, `${alts.map(describeSchema).join(' or ')}${when}`, theFix));
        break;
      }
      default:
        out.push(line(field(), value, `${describeError(e)}${when}`, theFix));
    }
  }
  return [...new Set(out)];
}

function line(field: string, value: unknown, accepted: string, fix: string): string {
  return `'${field}' (${showValue(value)}) must be ${accepted}; ${fix}`;
}

/** A value as it appears in a message: strings quoted, missing values named. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'not set';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value) || (value && typeof value === 'object')) return JSON.stringify(value);
  return String(value);
}

function comment(s: JsonSchema | undefined): string | undefined {
  const c = s?.$comment;
  return typeof c === 'string' && !c.startsWith('generated by strata') ? c : undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** The words a schema node says it accepts (x-strata-accepts): a rule's whole constraint, or a typed value's pattern. */
function acceptedWords(s: JsonSchema | undefined, keyword: string): string | undefined {
  const words = s?.[ACCEPTS_KEYWORD];
  if (typeof words !== 'string') return undefined;
  return keyword === 'pattern' || s?.type === undefined ? words : undefined;
}

function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const words = acceptedWords(e.parentSchema as JsonSchema | undefined, e.keyword);
  if (words !== undefined) return words;
  switch (e.keyword) {
    case 'type':
      return String(p.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ');
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map(showValue).join(', ')}`;
    case 'const':
      return `${showValue(p.allowedValue)}`;
    case 'minimum':
      return `at least ${p.limit}`;
    case 'maximum':
      return `at most ${p.limit}`;
    case 'exclusiveMinimum':
      return `greater than ${p.limit}`;
    case 'exclusiveMaximum':
      return `less than ${p.limit}`;
    case 'multipleOf':
      return `a multiple of ${p.multipleOf}`;
    case 'pattern':
      return patternWords(String(p.pattern)) ?? `a string matching /${p.pattern}/`;
    case 'minLength':
      return `at least ${p.limit} characters long`;
    case 'maxLength':
      return `at most ${p.limit} characters long`;
    case 'minItems':
      return `a list of at least ${p.limit} items`;
    case 'maxItems':
      return `a list of at most ${p.limit} items`;
    case 'uniqueItems':
      return 'a list without duplicates';
    case 'not':
      return `not ${describeSchema(((e.parentSchema as JsonSchema | undefined)?.not as JsonSchema | undefined) ?? {})}`;
    default:
      return e.message ?? e.keyword;
  }
}

/** A short description of a (sub)schema: "one of 50, 100, 200", "a multiple of 2400". */
export function describeSchema(s: JsonSchema): string {
  const whole = acceptedWords(s, '');
  if (whole !== undefined) return whole;
  const parts: string[] = [];
  if (Array.isArray(s.enum)) parts.push(s.enum.length === 1 ? showValue(s.enum[0]) : `one of ${s.enum.map(showValue).join(', ')}`);
  if (s.const !== undefined) parts.push(showValue(s.const));
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number') parts.push(`between ${s.minimum} and ${s.maximum}`);
  else if (typeof s.minimum === 'number') parts.push(`at least ${s.minimum}`);
  else if (typeof s.maximum === 'number') parts.push(`at most ${s.maximum}`);
  if (typeof s.multipleOf === 'number') parts.push(`a multiple of ${s.multipleOf}`);
  if (typeof s.pattern === 'string') parts.push(acceptedWords(s, 'pattern') ?? patternWords(s.pattern) ?? `a string matching /${s.pattern}/`);
  if (Array.isArray(s.anyOf)) parts.push((s.anyOf as JsonSchema[]).map(describeSchema).join(' or '));
  if (s.not && typeof s.not === 'object') parts.push(`not ${describeSchema(s.not as JsonSchema)}`);
  if (parts.length === 0 && typeof s.type === 'string') parts.push(TYPE_NAMES[s.type] ?? s.type);
  return parts.join(' and ') || 'valid';
}

/** "deploymentType is "PERSISTENT_2" and storageType is "SSD"", from an `if` schema of nested properties. */
function describeCondition(s: JsonSchema | undefined): string {
  const parts = conditionParts(s);
  return parts.length > 0 ? parts.map((p) => p.text).join(' and ') : "the chart's condition holds";
}

/** The value tests of an `if` schema made of nested properties: path and "a.b is "X"". */
function conditionParts(s: JsonSchema | undefined): { path: string[]; text: string }[] {
  const parts: { path: string[]; text: string }[] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    if (Array.isArray(node.allOf)) for (const sub of node.allOf as JsonSchema[]) walk(sub, path);
    const props = node.properties as Record<string, JsonSchema> | undefined;
    if (props) for (const [k, v] of Object.entries(props)) walk(v, [...path, k]);
    if (Array.isArray(node.enum) || node.const !== undefined) parts.push({ path, text: `${path.join('.')} ${describeSchema(node).startsWith('one of') ? 'is' : '='} ${describeSchema(node)}` });
  };
  if (s) walk(s, []);
  return parts;
}
