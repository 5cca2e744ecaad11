import { Constraint, describeConstraint, problem, satisfies, Tokens } from '@strata/tokens';
import { Rules } from './rules';

/**
 * Structured settings of Karpenter's EC2NodeClass and NodePool (kubelet, block devices, selector
 * terms, tags, budgets…), each described once as a shape: the construct checks a literal against
 * it (strata's messages: field, value, what is accepted, the fix) and a chart binding the setting
 * to a value writes the same shape as that value's JSON Schema, so helm refuses at install what
 * the construct refuses at generate. A rule JSON Schema cannot state (two fields compared, a
 * count of list items holding a flag) is checked on literals only, and says so (`literalOnly`).
 */
export type Shape = ScalarShape | MapShape | ObjectShape | ListShape;

/** A string, whole number or boolean, with its rule. */
export interface ScalarShape {
  readonly type: 'string' | 'integer' | 'boolean';
  /** The rule (JSON Schema vocabulary). @default - any value of the type */
  readonly constraint?: Constraint;
  /** What the rule accepts, in words ("must be …"). @default - from the constraint */
  readonly accepted?: string;
  /** How to fix a refused value. */
  readonly fix: string;
}

/** A map of string keys (each checked by `keys`) to values of one shape. */
export interface MapShape {
  readonly type: 'map';
  readonly keys?: ScalarShape;
  readonly values: Shape;
  /** At most this many entries. @default - no bound */
  readonly maxEntries?: number;
}

/** An object of known fields; any other field is refused. */
export interface ObjectShape {
  readonly type: 'object';
  readonly fields: { readonly [field: string]: Shape };
  /** Fields that must be set. @default - none */
  readonly required?: { readonly fields: readonly string[]; readonly fix: string };
  /** Fields set together or not at all. @default - none */
  readonly together?: { readonly fields: readonly [string, string]; readonly fix: string };
  /** At least one of these fields is set. @default - none required */
  readonly oneOfFields?: { readonly fields: readonly string[]; readonly fix: string };
  /** Each of these fields excludes every other field of the object. @default - none */
  readonly alone?: { readonly fields: readonly string[]; readonly fix: string };
  /** When `field` holds one of `values`, the fields listed are left out. @default - none */
  readonly notWhen?: readonly { readonly field: string; readonly values: readonly string[]; readonly leftOut: readonly string[]; readonly fix: string }[];
  /** Rules JSON Schema cannot state, checked on literals only: each returns problems ([] when fine). */
  readonly literalOnly?: readonly ((value: Record<string, unknown>, at: string) => string[])[];
}

/** A list of items of one shape. */
export interface ListShape {
  readonly type: 'list';
  readonly items: Shape;
  /** @default 0 */
  readonly minItems?: number;
  /** @default - no bound */
  readonly maxItems?: number;
  /** Each item once (a list Kubernetes keeps as a set). @default false */
  readonly unique?: boolean;
  /** Rules JSON Schema cannot state, checked on literals only. */
  readonly literalOnly?: readonly ((value: readonly unknown[], at: string) => string[])[];
}

type JsonSchema = { [key: string]: unknown };

/** The JSON Schema of a shape (draft-07, as helm checks values.schema.json). */
export function shapeSchema(shape: Shape): JsonSchema {
  switch (shape.type) {
    case 'string':
    case 'integer':
    case 'boolean':
      return { type: shape.type, ...(shape.constraint ?? {}) };
    case 'map':
      return {
        type: 'object',
        ...(shape.keys ? { propertyNames: shapeSchema(shape.keys) } : {}),
        additionalProperties: shapeSchema(shape.values),
        ...(shape.maxEntries !== undefined ? { maxProperties: shape.maxEntries } : {}),
      };
    case 'list':
      return {
        type: 'array',
        items: shapeSchema(shape.items),
        ...(shape.minItems ? { minItems: shape.minItems } : {}),
        ...(shape.maxItems !== undefined ? { maxItems: shape.maxItems } : {}),
        ...(shape.unique ? { uniqueItems: true } : {}),
      };
    case 'object': {
      const all: JsonSchema[] = [];
      if (shape.together) {
        const [a, b] = shape.together.fields;
        all.push({ if: { required: [a] }, then: { required: [b] } }, { if: { required: [b] }, then: { required: [a] } });
      }
      if (shape.oneOfFields) all.push({ anyOf: shape.oneOfFields.fields.map((f) => ({ required: [f] })) });
      for (const f of shape.alone?.fields ?? []) {
        const others = Object.keys(shape.fields).filter((o) => o !== f);
        all.push({ if: { required: [f] }, then: { not: { anyOf: others.map((o) => ({ required: [o] })) } } });
      }
      for (const n of shape.notWhen ?? []) {
        all.push({ if: { properties: { [n.field]: { enum: [...n.values] } }, required: [n.field] }, then: { not: { anyOf: n.leftOut.map((o) => ({ required: [o] })) } } });
      }
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(shape.fields).map(([k, s]) => [k, shapeSchema(s)])),
        ...(shape.required ? { required: [...shape.required.fields] } : {}),
        ...(all.length > 0 ? { allOf: all } : {}),
      };
    }
  }
}

const TYPE_WORDS = { string: 'a string', integer: 'a whole number', boolean: 'true or false' } as const;

/**
 * Checks a literal against a shape, each problem as strata's messages say it; a value bound to a
 * chart value (a token) is left to the chart's schema (shapeSchema). Returns whether it is fine.
 */
export function checkShape(rules: Rules, field: string, value: unknown, shape: Shape): boolean {
  if (value === undefined || Tokens.infoOf(value)) return true;
  const problems = shapeProblems(field, value, shape);
  for (const p of problems) rules.failWith(p);
  return problems.length === 0;
}

/** The problems of a literal against a shape (see checkShape). */
export function shapeProblems(at: string, value: unknown, shape: Shape): string[] {
  if (value === undefined || Tokens.infoOf(value)) return [];
  switch (shape.type) {
    case 'string':
    case 'integer':
    case 'boolean': {
      const typed = shape.type === 'string' ? typeof value === 'string' : shape.type === 'boolean' ? typeof value === 'boolean' : typeof value === 'number' && Number.isInteger(value);
      if (!typed) return [problem(at, value, shape.accepted ?? TYPE_WORDS[shape.type], shape.fix)];
      if (Tokens.isToken(value)) return []; // a string built from values: its parts are checked where they are declared
      if (shape.constraint && !satisfies(value, shape.constraint)) return [problem(at, value, shape.accepted ?? describeConstraint(shape.constraint), shape.fix)];
      return [];
    }
    case 'map': {
      if (!isObject(value)) return [problem(at, value, 'a map of keys to values', 'e.g. { key: "value" }')];
      const out: string[] = [];
      const keys = Object.keys(value);
      if (shape.maxEntries !== undefined && keys.length > shape.maxEntries) out.push(problem(at, `${keys.length} entries`, `at most ${shape.maxEntries} entries`, 'remove some'));
      for (const k of keys) {
        if (shape.keys) {
          const bad = shapeProblems(`${at}`, k, shape.keys);
          out.push(...bad);
        }
        out.push(...shapeProblems(`${at}.${k}`, value[k], shape.values));
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return [problem(at, value, 'a list', 'e.g. [ … ]')];
      const out: string[] = [];
      if (shape.minItems && value.length < shape.minItems) out.push(problem(at, value, `at least ${shape.minItems} item${shape.minItems === 1 ? '' : 's'}`, 'add one'));
      if (shape.maxItems !== undefined && value.length > shape.maxItems) out.push(problem(at, `${value.length} items`, `at most ${shape.maxItems} items`, 'remove some'));
      if (shape.unique && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) out.push(problem(at, value, 'a list without repeats', 'name each item once'));
      value.forEach((item, i) => out.push(...shapeProblems(`${at}[${i}]`, item, shape.items)));
      if (out.length === 0) for (const rule of shape.literalOnly ?? []) out.push(...rule(value, at));
      return out;
    }
    case 'object': {
      if (!isObject(value)) return [problem(at, value, `an object of ${Object.keys(shape.fields).join(', ')}`, 'see the field\'s documentation')];
      const out: string[] = [];
      for (const k of Object.keys(value)) {
        if (!(k in shape.fields)) out.push(problem(`${at}.${k}`, value[k], `left out: known here are ${Object.keys(shape.fields).join(', ')}`, 'check the spelling'));
        else out.push(...shapeProblems(`${at}.${k}`, value[k], shape.fields[k]));
      }
      const set = (f: string) => value[f] !== undefined;
      for (const f of shape.required?.fields ?? []) if (!set(f)) out.push(problem(`${at}.${f}`, undefined, 'set', shape.required!.fix));
      if (shape.together && set(shape.together.fields[0]) !== set(shape.together.fields[1])) {
        const [a, b] = shape.together.fields;
        out.push(problem(`${at}.${set(a) ? b : a}`, undefined, `set together with ${set(a) ? a : b}`, shape.together.fix));
      }
      if (shape.oneOfFields && !shape.oneOfFields.fields.some(set)) out.push(problem(at, value, `set with at least one of ${shape.oneOfFields.fields.join(', ')}`, shape.oneOfFields.fix));
      for (const f of shape.alone?.fields ?? []) {
        const others = Object.keys(value).filter((o) => o !== f && set(o));
        if (set(f) && others.length > 0) out.push(problem(`${at}.${f}`, value[f], `set alone (this object also sets ${others.join(', ')})`, shape.alone!.fix));
      }
      for (const n of shape.notWhen ?? []) {
        if (!n.values.includes(value[n.field] as string)) continue;
        for (const f of n.leftOut.filter(set)) out.push(problem(`${at}.${f}`, value[f], `left out with ${n.field} ${JSON.stringify(value[n.field])}`, n.fix));
      }
      if (out.length === 0) for (const rule of shape.literalOnly ?? []) out.push(...rule(value, at));
      return out;
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
