import { Size } from 'cdk8s';
import { ACCEPTS_KEYWORD, Constraint, describeConstraint, patternWords, QUANTITY, satisfies, Tokens } from '@strata/tokens';

/** Whether a literal is the empty form an omittable value leaves its field out at. */
export { isEmptyValue } from '@strata/tokens';

/** JSON-compatible data. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The JSON Schema of one value (draft-07 vocabulary). */
export type JsonSchema = { [key: string]: unknown };

/** The type of a declared value, as written to values.schema.json and the values table. */
export type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'size' | 'quantity' | 'list' | 'object';

interface CommonOptions {
  /** One sentence for values.yaml, the schema and the chart README. */
  readonly description: string;
}

export interface StringValueOptions extends CommonOptions {
  readonly default: string;
  /** A regular expression the value must match (RE2 and ECMAScript compatible). */
  readonly pattern?: string;
  /**
   * What the pattern accepts, in words completing "must be …", for messages and the schema.
   * @default - the words the pattern was declared with (describePattern), else the pattern itself
   */
  readonly accepts?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
}

export interface NumberValueOptions extends CommonOptions {
  readonly default: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly multipleOf?: number;
}

export interface BooleanValueOptions extends CommonOptions {
  readonly default: boolean;
}

export interface EnumValueOptions<T extends string | number> extends CommonOptions {
  readonly values: readonly T[];
  readonly default: T;
}

export interface SizeValueOptions extends CommonOptions {
  /** The default size; written to values.yaml as whole GiB. */
  readonly default: Size;
  /** Smallest size in GiB. @default 1 */
  readonly minimumGiB?: number;
  readonly maximumGiB?: number;
  readonly multipleOfGiB?: number;
}

export interface QuantityValueOptions extends CommonOptions {
  /** A Kubernetes quantity such as "16Gi" or "500m". */
  readonly default: string;
}

export interface ListValueOptions<T> extends CommonOptions {
  readonly default: T[];
  /** JSON Schema of one item. @default - any */
  readonly items?: JsonSchema;
  readonly minItems?: number;
}

export interface ObjectValueOptions<T> extends CommonOptions {
  readonly default: T;
  /** JSON Schema of the object. @default - any object */
  readonly schema?: JsonSchema;
}

/** One declared value. */
export interface ValueDeclaration {
  /** Dotted path in values.yaml, e.g. "cache.sizeGiB". */
  readonly path: string;
  readonly type: ValueType;
  readonly description: string;
  /** The default as it is written to values.yaml. */
  readonly default: Json;
  /** The schema of this value, without constraints attached later by constructs. */
  readonly schema: JsonSchema;
}

/** Value path segments are identifiers, so templates can say `.Values.a.b` without `index`. */
const SEGMENT = /^[a-z][a-zA-Z0-9]*$/;

/**
 * The Helm values of one chart, declared in TypeScript. Each declaration returns something of
 * the type a construct prop expects, so a value goes wherever a literal would:
 *
 *   const replicas = values.integer('inference.replicas', { default: 2, minimum: 1, description: '…' });
 *   new Deployment(this, 'server', { replicas });
 *
 * In *template* mode (chart generation) the returned thing is a token, which the chart writer
 * turns into `{{ .Values.inference.replicas | int64 }}`. In *literal* mode (direct synthesis
 * with given values, used to prove the chart right) it is the value itself, so constructs see
 * exactly what `helm install` would give them.
 */
export class Values {
  private readonly declared = new Map<string, ValueDeclaration>();
  private readonly literal?: Record<string, unknown>;

  /**
   * @param literal values for direct synthesis (missing keys take defaults); omit to get tokens
   */
  public constructor(literal?: Record<string, unknown>) {
    this.literal = literal;
  }

  /** Whether this set hands out literals (direct synthesis) rather than tokens. */
  public get isLiteral(): boolean {
    return this.literal !== undefined;
  }

  /** Every declaration, in declaration order. */
  public get declarations(): ValueDeclaration[] {
    return [...this.declared.values()];
  }

  /** A string value. */
  public string(path: string, options: StringValueOptions): string {
    const schema: JsonSchema = { type: 'string' };
    if (options.pattern !== undefined) schema.pattern = options.pattern;
    if (options.minLength !== undefined) schema.minLength = options.minLength;
    if (options.maxLength !== undefined) schema.maxLength = options.maxLength;
    if (options.accepts !== undefined) schema[ACCEPTS_KEYWORD] = options.accepts;
    this.declare(path, 'string', options.description, options.default, schema);
    return this.pick(path, () => Tokens.string(path, this)) as string;
  }

  /** A whole number (replicas, seconds, GPU count). */
  public integer(path: string, options: NumberValueOptions): number {
    this.declare(path, 'integer', options.description, options.default, numberSchema('integer', options));
    return this.pick(path, () => Tokens.number(path, this, true)) as number;
  }

  /**
   * A whole number whose field the chart leaves out while it is 0 (the default): for a field an
   * API refuses 0 in but accepts absent (a Karpenter NodePool's weight). The value is the view
   * `Tokens.omittedWhenEmpty` makes of it — the one way a field goes while its value is empty, in
   * the chart's templates (`{{- if <value> }}`) as in direct synthesis. Bind it whole to a field;
   * in literal mode a construct sees the number, so it passes 0 on as "not set" itself.
   */
  public omittableInteger(path: string, options: Omit<NumberValueOptions, 'default'>): number {
    this.declare(path, 'integer', `${options.description} 0 leaves the field out.`, 0, numberSchema('integer', { ...options, minimum: Math.min(0, options.minimum ?? 0) }));
    return this.pick(path, () => Tokens.omittedWhenEmpty(Tokens.number(path, this, true))) as number;
  }

  /** A string whose field the chart leaves out while it is "" (the default); see omittableInteger. */
  public omittableString(path: string, options: Omit<StringValueOptions, 'default'>): string {
    const schema: JsonSchema = { type: 'string' };
    if (options.maxLength !== undefined) schema.maxLength = options.maxLength;
    this.declare(path, 'string', `${options.description} "" leaves the field out.`, '', schema);
    return this.pick(path, () => Tokens.omittedWhenEmpty(Tokens.string(path, this))) as string;
  }

  /** A list whose field the chart leaves out while it is [] (the default); see omittableInteger. */
  public omittableList<T extends Json>(path: string, options: Omit<ListValueOptions<T>, 'default' | 'minItems'>): T[] {
    const schema: JsonSchema = { type: 'array' };
    if (options.items) schema.items = options.items;
    this.declare(path, 'list', `${options.description} [] leaves the field out.`, [], schema);
    return this.pick(path, () => Tokens.omittedWhenEmpty(Tokens.list<T>(path, this))) as T[];
  }

  /** An object whose field the chart leaves out while it is {} (the default); see omittableInteger. */
  public omittableObject<T extends { [key: string]: Json }>(path: string, options: Omit<ObjectValueOptions<T>, 'default'>): T {
    this.declare(path, 'object', `${options.description} {} leaves the field out.`, {}, options.schema ?? { type: 'object' });
    return this.pick(path, () => Tokens.omittedWhenEmpty(Tokens.object<T>(path, this))) as T;
  }

  /** Any number. */
  public number(path: string, options: NumberValueOptions): number {
    this.declare(path, 'number', options.description, options.default, numberSchema('number', options));
    return this.pick(path, () => Tokens.number(path, this, false)) as number;
  }

  /** A boolean: a field value, or a condition for `onlyWhen` (resources that exist only when true). */
  public boolean(path: string, options: BooleanValueOptions): boolean {
    this.declare(path, 'boolean', options.description, options.default, { type: 'boolean' });
    return this.pick(path, () => Tokens.boolean(path, this)) as boolean;
  }

  /** One of a closed set of strings or numbers. */
  public enum<T extends string | number>(path: string, options: EnumValueOptions<T>): T {
    if (!options.values.includes(options.default)) throw new Error(`value '${path}': default ${JSON.stringify(options.default)} is not one of ${options.values.join(', ')}`);
    const allNumbers = options.values.every((v) => typeof v === 'number');
    this.declare(path, 'enum', options.description, options.default, { type: allNumbers ? 'number' : 'string', enum: [...options.values] });
    return this.pick(path, () => (allNumbers ? Tokens.number(path, this, false) : Tokens.string(path, this))) as T;
  }

  /**
   * A storage size, held in values.yaml as whole GiB (so rules such as "a multiple of 2400 GiB"
   * can be stated in the schema). Returns a cdk8s `Size`; converting it to MiB or KiB keeps
   * the link to the value (the template multiplies).
   */
  public size(path: string, options: SizeValueOptions): Size {
    const gib = options.default.toGibibytes();
    if (!Number.isInteger(gib)) throw new Error(`value '${path}': default size must be whole GiB, got ${gib}`);
    const schema = numberSchema('integer', {
      minimum: options.minimumGiB ?? 1,
      maximum: options.maximumGiB,
      multipleOf: options.multipleOfGiB,
    });
    this.declare(path, 'size', `${options.description} (GiB)`, gib, schema);
    if (this.literal) return Size.gibibytes(this.pick(path, () => 0) as number);
    return sizeToken(Tokens.number(path, this, true));
  }

  /** A Kubernetes quantity string ("16Gi", "500m"), used whole (resource requests and limits). */
  public quantity(path: string, options: QuantityValueOptions): string {
    this.declare(path, 'quantity', options.description, options.default, {
      type: 'string',
      pattern: QUANTITY,
    });
    return this.pick(path, () => Tokens.string(path, this)) as string;
  }

  /** A list, used whole (args, extra tolerations, security group ids). */
  public list<T extends Json>(path: string, options: ListValueOptions<T>): T[] {
    const schema: JsonSchema = { type: 'array' };
    if (options.items) schema.items = options.items;
    if (options.minItems !== undefined) schema.minItems = options.minItems;
    this.declare(path, 'list', options.description, options.default, schema);
    return this.pick(path, () => Tokens.list<T>(path, this)) as T[];
  }

  /** An object, used whole (node selector, annotations, resources). */
  public object<T extends { [key: string]: Json }>(path: string, options: ObjectValueOptions<T>): T {
    this.declare(path, 'object', options.description, options.default, options.schema ?? { type: 'object' });
    return this.pick(path, () => Tokens.object<T>(path, this)) as T;
  }

  /** The values.yaml defaults as one nested object (declaration order). */
  public defaults(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const d of this.declared.values()) setPath(out, d.path, d.default);
    return out;
  }

  private declare(path: string, type: ValueType, description: string, def: Json, schema: JsonSchema): void {
    const segments = path.split('.');
    if (!segments.every((s) => SEGMENT.test(s))) {
      throw new Error(`value path '${path}' must be dot-separated camelCase identifiers (e.g. "cache.sizeGiB")`);
    }
    if (this.declared.has(path)) throw new Error(`value '${path}' is declared twice`);
    for (const other of this.declared.keys()) {
      if (other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) throw new Error(`value '${path}' overlaps value '${other}'`);
    }
    if (!description.trim()) throw new Error(`value '${path}' needs a description`);
    const described = withPatternWords(schema);
    checkDefault(path, def, described);
    this.declared.set(path, { path, type, description, default: def, schema: { ...described, description } });
  }

  private pick(path: string, token: () => unknown): unknown {
    if (!this.literal) return token();
    const given = getPath(this.literal, path);
    const def = this.declared.get(path)!.default;
    if (given === undefined) return def;
    // Helm merges a map given for a value into the chart's default map (user keys win, null
    // deletes a key; lists and scalars replace): direct synthesis must see what helm renders.
    return isMap(given) && isMap(def) ? coalesce(given, def) : given;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Helm's merge of given values over chart defaults (helm/helm@v3.18.0 pkg/chartutil/coalesce.go
 * `coalesceTablesFullKey`): maps merge key by key, a given null deletes the key, anything else given wins.
 */
export function coalesce(given: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(defaults)) if (!(k in given)) out[k] = d;
  for (const [k, g] of Object.entries(given)) {
    if (g === null) continue;
    const d = defaults[k];
    out[k] = isMap(g) && isMap(d) ? coalesce(g, d) : g;
  }
  return out;
}

/**
 * The schema with the words of every pattern strata described (describePattern) written beside it
 * (ACCEPTS_KEYWORD), wherever the pattern sits (a list's items, an object's properties, a rule's
 * alternatives), unless the node already says what it accepts.
 */
export function withPatternWords(schema: JsonSchema): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'default' || k === 'const' ? v : walk(v);
    const words = typeof out.pattern === 'string' ? patternWords(out.pattern) : undefined;
    if (words !== undefined && out[ACCEPTS_KEYWORD] === undefined) out[ACCEPTS_KEYWORD] = words;
    return out;
  };
  return walk(schema) as JsonSchema;
}

const JSON_TYPES: { readonly [type: string]: (v: unknown) => boolean } = {
  string: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  array: Array.isArray,
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

/**
 * A declared default must meet the value's own schema: otherwise the chart is written with a
 * values.yaml its values.schema.json refuses, and `helm install` fails without overrides.
 */
function checkDefault(path: string, def: Json, schema: JsonSchema): void {
  const type = typeof schema.type === 'string' ? schema.type : undefined;
  const typed = type === undefined || JSON_TYPES[type]?.(def) !== false;
  const c: Constraint = {
    ...(Array.isArray(schema.enum) ? { enum: schema.enum as (string | number | boolean)[] } : {}),
    ...(typeof schema.minimum === 'number' ? { minimum: schema.minimum } : {}),
    ...(typeof schema.maximum === 'number' ? { maximum: schema.maximum } : {}),
    ...(typeof schema.multipleOf === 'number' ? { multipleOf: schema.multipleOf } : {}),
    ...(typeof schema.pattern === 'string' ? { pattern: schema.pattern } : {}),
    ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
    ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
    ...(typeof schema.minItems === 'number' ? { minItems: schema.minItems } : {}),
  };
  if (typed && satisfies(def, c)) return;
  const names: { readonly [type: string]: string } = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object' };
  const words = [typed ? undefined : names[type!], (schema[ACCEPTS_KEYWORD] as string | undefined) ?? describeConstraint(c)].filter((w) => w).join(', ');
  throw new Error(`value '${path}': its default ${JSON.stringify(def)} must be ${words}, as its own schema says; change the default (helm would refuse the chart's own values.yaml)`);
}

function numberSchema(type: 'integer' | 'number', o: { minimum?: number; maximum?: number; multipleOf?: number }): JsonSchema {
  const schema: JsonSchema = { type };
  if (o.minimum !== undefined) schema.minimum = o.minimum;
  if (o.maximum !== undefined) schema.maximum = o.maximum;
  if (o.multipleOf !== undefined) schema.multipleOf = o.multipleOf;
  return schema;
}

/** A Size whose GiB amount is a token; MiB/KiB conversions give derived tokens (the template multiplies). */
function sizeToken(gib: number): Size {
  const size = Size.gibibytes(gib);
  const derived = new Map<number, number>();
  const scaled = (factor: number) => {
    if (!derived.has(factor)) derived.set(factor, Tokens.derive(gib, factor));
    return derived.get(factor)!;
  };
  Object.assign(size, {
    toGibibytes: () => gib,
    toMebibytes: () => scaled(1024),
    toKibibytes: () => scaled(1024 * 1024),
  });
  return size;
}

export function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export function setPath(obj: Record<string, Json>, path: string, value: Json): void {
  const segs = path.split('.');
  let cur = obj;
  for (const seg of segs.slice(0, -1)) {
    if (!cur[seg] || typeof cur[seg] !== 'object' || Array.isArray(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Record<string, Json>;
  }
  cur[segs[segs.length - 1]] = value;
}

/** Re-exported for chart code that states extra rules on values. */
export type { Constraint };
