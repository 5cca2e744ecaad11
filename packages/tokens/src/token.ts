import { Constraint, satisfies } from './constraint';

/**
 * Placeholders for values that are decided after synthesis: Helm values, the release name,
 * the release namespace. A token travels through construct props as an ordinary-looking
 * literal of the expected type (a string, a number, a one-element list, a one-key object),
 * so cdk8s and cdk8s-plus carry it into the manifest untouched; an output writer then finds
 * it and turns it into a template expression, or into the value itself for direct synthesis.
 *
 * The registry is process-wide on purpose (like the AWS CDK's token map): constructs in one
 * package and writers in another agree on the tokens without depending on each other.
 */
export type TokenKind = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'object';

/** Scalar values a literal check can compare against. */
export type Primitive = string | number | boolean;

/** What a construct attached to a token: a constraint, and where it came from. */
export interface AttachedConstraint {
  readonly constraint: Constraint;
  /** Construct path and field, e.g. "[app/models/cache] perUnitStorageThroughput". */
  readonly origin: string;
  /** What the rule accepts, in the words of its message ("at least 900 MiB"), when the rule gave them. */
  readonly accepted?: string;
}

/** A token that stands for `multiplier × base` (for example a size converted from GiB to MiB). */
export interface Derivation {
  readonly base: TokenInfo;
  readonly multiplier: number;
}

/**
 * Whole-number arithmetic over values: a token computed from others (a grace period from a
 * checkpoint size, a deadline from two timeouts). Helm computes it in the template (`add`, `mul`,
 * `div` of sprig, on int64) and direct synthesis the same way (see evaluateFormula), so both give
 * the same number for any values. `ceilDiv` divides rounding up.
 */
export interface Formula {
  readonly op: 'add' | 'mul' | 'ceilDiv';
  readonly args: readonly Operand[];
}

/** An operand of a formula: a whole number, a numeric token, or another formula. */
export type Operand = number | TokenInfo | Formula;

/**
 * Whole-number arithmetic to compute in one go (`Tokens.compute`): operands are numbers (literals
 * or numeric tokens) or nested expressions. Results inside it never stand alone as numbers, so a
 * product of literals that lands among the token markers (7100000000…7199999999) cannot be taken
 * for a marker on its way to the result.
 */
export interface Expression {
  readonly op: Formula['op'];
  readonly args: readonly (number | Expression)[];
}

/** Whether an operand is a formula. */
export function isFormula(o: unknown): o is Formula {
  return typeof o === 'object' && o !== null && 'op' in o && 'args' in o;
}

/** The value of a formula, each token read by `valueOf` (whole numbers: int64 semantics, as Helm's sprig). */
export function evaluateFormula(f: Formula, valueOf: (token: TokenInfo) => number): number {
  const v = (o: Operand): number => (typeof o === 'number' ? Math.trunc(o) : isFormula(o) ? evaluateFormula(o, valueOf) : Math.trunc(valueOf(o)));
  const args = f.args.map(v);
  if (f.op === 'add') return args.reduce((a, b) => a + b, 0);
  if (f.op === 'mul') return args.reduce((a, b) => a * b, 1);
  return ceilDiv(args[0], args[1]);
}

/** `ceil(n / d)` for whole numbers, exactly (as `div (add n (sub d 1)) d` on int64 for positive numbers). */
export function ceilDiv(n: number, d: number): number {
  const m = n + d - 1;
  let q = Math.trunc(m / d);
  if ((q + 1) * d <= m) q++;
  if (q * d > m) q--;
  return q;
}

export interface TokenInfo {
  readonly id: number;
  readonly kind: TokenKind;
  /**
   * What the token stands for: a dotted value path ("cache.sizeGi"), or a built-in
   * name starting with "$" ("$release.name", "$release.namespace").
   */
  readonly path: string;
  /** Who declared it (an opaque handle, e.g. a Values set); writers keep to their own tokens. */
  readonly owner: object | undefined;
  /** How the token appears in synthesized output. */
  readonly marker: string | number;
  /** Set for tokens that stand for arithmetic on another token. */
  readonly derivation?: Derivation;
  /** Set for tokens computed from several values (path `$formula`); rules on it become template guards. */
  readonly formula?: Formula;
  /**
   * Set on a view of a value made by `Tokens.omittedWhenEmpty` or `Tokens.optionalText`: the map
   * entry holding it is left out when the value is empty ("", 0, false, an empty list or map), as
   * `{{- if <value> }}` leaves it out of a template.
   */
  readonly omitWhenEmpty?: boolean;
  /** Set on a view made by `Tokens.optionalText`: the value written as text (a list joined with ","). */
  readonly asText?: boolean;
  readonly constraints: AttachedConstraint[];
}

/**
 * A condition of a cross-field rule, where value may be a literal or a token: `value` is one of
 * `equals`, or (with `differsFrom`) none of them — "an S3 import path is set" is
 * `{ value: s3ImportPath, differsFrom: '' }`.
 */
export type Clause =
  | { readonly value: unknown; readonly equals: Primitive | readonly Primitive[]; readonly differsFrom?: undefined }
  | { readonly value: unknown; readonly differsFrom: Primitive | readonly Primitive[]; readonly equals?: undefined };

/** A clause's values as a list, and whether the clause asks for a value outside them. */
export function clauseValues(clause: Clause): { readonly values: readonly Primitive[]; readonly negated: boolean } {
  const negated = clause.differsFrom !== undefined;
  const raw = negated ? clause.differsFrom : clause.equals;
  return { values: (Array.isArray(raw) ? raw : [raw]) as readonly Primitive[], negated };
}

/** Whether a literal value meets a clause. */
export function clauseHolds(clause: Clause, value: unknown): boolean {
  const { values, negated } = clauseValues(clause);
  return values.some((v) => v === value) !== negated;
}

/** A cross-field rule that could only be decided at install time. */
export interface ConditionalConstraint {
  /** All of these hold (the token is one of `equals`, or with `negated` none of them)... */
  readonly when: readonly { readonly token: TokenInfo; readonly equals: readonly Primitive[]; readonly negated?: boolean }[];
  /** ...then this token meets this constraint; `undefined` target means the condition itself is forbidden. */
  readonly then?: { readonly token: TokenInfo; readonly constraint: Constraint };
  readonly origin: string;
}

/** A string marker, or a numeric marker printed into a string (a size "7100000003Gi"). */
const MARKER_IN_STRING = /strata-tok-(\d+)-end|(?<![0-9])(71\d{8})(?![0-9])/g;
const NUMBER_BASE = 7_100_000_000;
const NUMBER_LIMIT = 7_200_000_000;
const OBJECT_KEY = '$strataToken';

interface Registry {
  next: number;
  byId: Map<number, TokenInfo>;
  byNumber: Map<number, TokenInfo>;
  conditionals: ConditionalConstraint[];
  relations?: RelationRule[];
}

/**
 * A rule between two string values that JSON Schema cannot state (it compares a value with
 * constants, never with another value): the chart states it as a template guard, as it does rules
 * on computed values. `sameS3Bucket`: when both are set, `a` is in the S3 bucket of `b`.
 */
export type Relation = 'sameS3Bucket';

/** A relation recorded for values decided at install time. */
export interface RelationRule {
  readonly relation: Relation;
  /** The value the rule is about: a token, or a literal. */
  readonly a: TokenInfo | string;
  /** The value it is compared with. */
  readonly b: TokenInfo | string;
  /** Construct path and field of `a`. */
  readonly origin: string;
  /** What `a` must be, in words completing "must be …" ("in the bucket of s3ImportPath"). */
  readonly accepted: string;
}

/** Whether a relation holds for two literals; a side left empty ("") holds. */
export function relationHolds(relation: Relation, a: string, b: string): boolean {
  if (a === '' || b === '') return true;
  const bucket = (s: string) => /^s3:\/\/[^/]+/.exec(s)?.[0];
  return bucket(a) === bucket(b);
}

const REGISTRY_KEY = Symbol.for('@strata/tokens.registry');
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  if (!g[REGISTRY_KEY]) g[REGISTRY_KEY] = { next: 1, byId: new Map(), byNumber: new Map(), conditionals: [] };
  return g[REGISTRY_KEY]!;
}

function register(kind: TokenKind, path: string, owner: object | undefined, derivation?: Derivation, formula?: Formula, view?: { readonly omitWhenEmpty?: boolean; readonly asText?: boolean }): TokenInfo {
  const r = registry();
  const id = r.next++;
  // Text stands in strings: its marker is a string whatever the value's kind.
  const numeric = (kind === 'integer' || kind === 'number') && !view?.asText;
  if (numeric && NUMBER_BASE + id >= NUMBER_LIMIT) throw new Error('too many numeric tokens in one process');
  const marker = numeric ? NUMBER_BASE + id : `strata-tok-${id}-end`;
  const info: TokenInfo = { id, kind, path, owner, marker, derivation, ...(formula ? { formula } : {}), ...(view?.omitWhenEmpty ? { omitWhenEmpty: true } : {}), ...(view?.asText ? { asText: true } : {}), constraints: [] };
  r.byId.set(id, info);
  if (typeof marker === 'number') r.byNumber.set(marker, info);
  return info;
}

/** Creates tokens and answers questions about them. */
export class Tokens {
  /** A string token. Survives concatenation: `repo + ':' + tag` carries both tokens. */
  public static string(path: string, owner?: object): string {
    return register('string', path, owner).marker as string;
  }

  /** A number token (integer or any number); survives only as a whole value or printed into a string. */
  public static number(path: string, owner?: object, integer = true): number {
    return register(integer ? 'integer' : 'number', path, owner).marker as number;
  }

  /**
   * A boolean token. Its runtime form is a marker string (no sentinel boolean exists), so
   * constructs must test `Tokens.isToken` before branching on a boolean prop.
   */
  public static boolean(path: string, owner?: object): boolean {
    return register('boolean', path, owner).marker as unknown as boolean;
  }

  /** A list token: a one-element list holding the marker, so spreading and copying keep it. */
  public static list<T>(path: string, owner?: object): T[] {
    return [register('list', path, owner).marker as unknown as T];
  }

  /** An object token: a one-key object holding the marker, so spreading keeps it. */
  public static object<T extends object>(path: string, owner?: object): T {
    return { [OBJECT_KEY]: register('object', path, owner).marker } as unknown as T;
  }

  /** A number token standing for `multiplier × base` (unit conversions of a numeric token). */
  public static derive(base: number, multiplier: number): number {
    const info = Tokens.infoOf(base);
    if (!info || (info.kind !== 'integer' && info.kind !== 'number')) throw new Error(`derive: ${base} is not a numeric token`);
    const root = info.derivation ? info.derivation.base : info;
    const factor = (info.derivation ? info.derivation.multiplier : 1) * multiplier;
    return register(info.kind, root.path, root.owner, { base: root, multiplier: factor }).marker as number;
  }

  /** The sum of whole numbers, any of which may be a numeric token: a literal when none is, else a formula token. */
  public static sum(...xs: number[]): number {
    return Tokens.compute({ op: 'add', args: xs });
  }

  /** The product of whole numbers, any of which may be a numeric token. */
  public static product(...xs: number[]): number {
    return Tokens.compute({ op: 'mul', args: xs });
  }

  /** `ceil(n / d)` of whole numbers, either of which may be a numeric token. */
  public static ceilDiv(n: number, d: number): number {
    return Tokens.compute({ op: 'ceilDiv', args: [n, d] });
  }

  /**
   * An expression of whole numbers, any of which may be a numeric token: the literal result when
   * none is, else one formula token (parts without a token folded to their value). Use it rather
   * than nesting `sum`/`product`/`ceilDiv` when a part's value may be large: a nested call hands
   * its result on as a bare number, and one that lands among the token markers is refused as
   * arithmetic on a value (or, equal to a marker, would be taken for that value). A literal result
   * among the markers is refused: it could not be told from a value.
   */
  public static compute(e: Expression): number {
    const compiled = compile(e);
    if (typeof compiled === 'number') {
      if (compiled >= NUMBER_BASE && compiled < NUMBER_LIMIT) throw new Error(`${e.op}: the result ${compiled} lies among the numbers that stand for values (${NUMBER_BASE} to ${NUMBER_LIMIT - 1}) and could be taken for one; keep the literals out of that range`);
      return compiled;
    }
    return register('integer', '$formula', compiled.owner, undefined, compiled.formula).marker as number;
  }

  /**
   * A map entry's value that is left out of the map when it is empty: "", 0, false, an empty list
   * or an empty map. A literal is decided now (undefined when empty, which writers drop); a value
   * becomes a view of itself that the chart writes under `{{- if <value> }}` and direct synthesis
   * leaves out the same way. For optional fields whose absence and emptiness mean the same, so
   * that adding one to a chart changes nothing its existing releases render (StorageClass
   * parameters are immutable). Only whole values (not arithmetic on them) have a view.
   */
  public static omittedWhenEmpty<T>(value: T): T | undefined {
    const info = Tokens.infoOf(value);
    if (!info) return isEmptyValue(value) ? undefined : value;
    const view = viewOf(info, { omitWhenEmpty: true, asText: info.asText });
    if (Array.isArray(value)) return [view.marker] as unknown as T;
    if (info.kind === 'object') return { [OBJECT_KEY]: view.marker } as unknown as T;
    return view.marker as unknown as T;
  }

  /**
   * A value as text for a map of strings (StorageClass parameters, volume attributes), left out
   * when empty: a literal is printed now (a list joined with ","), or undefined when empty; a
   * value becomes a view the chart prints with `toString` (`int64` for whole numbers, `join ","` for
   * a list) under `{{- if <value> }}`. A string built from values and text is never empty and is
   * returned as it is.
   */
  public static optionalText(value: string | number | boolean | readonly string[] | undefined): string | undefined {
    const info = Tokens.infoOf(value);
    if (!info) {
      if (typeof value === 'string' && Tokens.isToken(value)) return value;
      if (isEmptyValue(value)) return undefined;
      return Array.isArray(value) ? value.join(',') : String(value);
    }
    if (info.kind === 'object') throw new Error(`value '${info.path}' is an object; it has no text form`);
    return viewOf(info, { omitWhenEmpty: true, asText: true }).marker as string;
  }

  /** The token with this id. */
  public static byId(id: number): TokenInfo | undefined {
    return registry().byId.get(id);
  }

  /** The token a value is, when the whole value is one token; otherwise undefined. */
  public static infoOf(value: unknown): TokenInfo | undefined {
    const r = registry();
    if (typeof value === 'number') return r.byNumber.get(value);
    if (typeof value === 'string') {
      const m = /^strata-tok-(\d+)-end$/.exec(value);
      return m ? r.byId.get(Number(m[1])) : undefined;
    }
    if (Array.isArray(value) && value.length === 1) {
      const inner = Tokens.infoOf(value[0]);
      return inner?.kind === 'list' ? inner : undefined;
    }
    if (value && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === OBJECT_KEY) return Tokens.infoOf((value as Record<string, unknown>)[OBJECT_KEY]);
    }
    return undefined;
  }

  /**
   * A string cut into literal text and the tokens inside it, in order
   * ("img:" + tag → ["img:", <tag token>]). Marker-like text that is no token stays text.
   */
  public static split(value: string): (string | TokenInfo)[] {
    const r = registry();
    const parts: (string | TokenInfo)[] = [];
    let last = 0;
    for (const m of value.matchAll(MARKER_IN_STRING)) {
      const info = m[1] !== undefined ? r.byId.get(Number(m[1])) : r.byNumber.get(Number(m[2]));
      if (!info) continue;
      if (m.index! > last) parts.push(value.slice(last, m.index));
      parts.push(info);
      last = m.index! + m[0].length;
    }
    if (last < value.length) parts.push(value.slice(last));
    return parts;
  }

  /** Every token mentioned in a string (in order), or the token a value is. */
  public static tokensIn(value: unknown): TokenInfo[] {
    if (typeof value === 'string') return Tokens.split(value).filter((p): p is TokenInfo => typeof p !== 'string');
    const whole = Tokens.infoOf(value);
    return whole ? [whole] : [];
  }

  /** Whether a value is, or contains, a token: it is not known until install time. */
  public static isToken(value: unknown): boolean {
    return Tokens.tokensIn(value).length > 0;
  }

  /** Whether a number lies in the token range without being a registered token (arithmetic on a token). */
  public static isCorruptedNumber(value: number): boolean {
    return value >= NUMBER_BASE && value < NUMBER_LIMIT && !registry().byNumber.has(value);
  }

  /**
   * Where the registry is now: every token made from here on has an id at least this. With
   * `forgetSince`, a process that makes many charts one after the other (generate) keeps only the
   * tokens of the chart at hand: the registry is global, and would otherwise hold every chart's
   * tokens, and through their owners every chart's constructs, to the end of the process.
   */
  public static mark(): number {
    return registry().next;
  }

  /**
   * Forgets every token made since `mark` (and the rules recorded between them). Only for tokens
   * no longer used: their markers would then be written as they are. Ids are never reused.
   */
  public static forgetSince(mark: number): void {
    const r = registry();
    for (const [id, info] of r.byId) {
      if (id < mark) continue;
      r.byId.delete(id);
      if (typeof info.marker === 'number') r.byNumber.delete(info.marker);
    }
    const old = (t: TokenInfo | string) => typeof t === 'string' || t.id < mark;
    r.conditionals = r.conditionals.filter((c) => c.when.every((w) => old(w.token)) && (!c.then || old(c.then.token)));
    if (r.relations) r.relations = r.relations.filter((x) => old(x.a) && old(x.b));
  }

  /** Every token of one owner, in creation order. */
  public static ownedBy(owner: object): TokenInfo[] {
    return [...registry().byId.values()].filter((t) => t.owner === owner);
  }

  /** Cross-field rules recorded for tokens of one owner. */
  public static conditionalsOf(owner: object): ConditionalConstraint[] {
    return registry().conditionals.filter((c) => c.when.every((w) => w.token.owner === owner) && (!c.then || c.then.token.owner === owner));
  }

  /**
   * Checks `value` against `constraint`. A literal is checked now: the result says whether it
   * passed. A token gets the constraint attached (it becomes part of the values schema) and passes.
   */
  public static check(value: unknown, constraint: Constraint, origin: string, accepted?: string): boolean {
    const info = Tokens.infoOf(value);
    if (info) {
      const target = info.derivation ? info.derivation.base : info;
      target.constraints.push({ constraint: info.derivation ? scaleConstraint(constraint, info.derivation.multiplier) : constraint, origin, ...(accepted !== undefined ? { accepted } : {}) });
      return true;
    }
    if (Tokens.isToken(value)) return true; // a string built from tokens: nothing a schema can say about the whole
    return satisfies(value, constraint);
  }

  /**
   * A rule between two string values (see Relation): literals are decided now (the result says
   * whether it holds); when either is a whole value the rule is recorded for the chart's guards and
   * passes. A string built from values and text cannot be compared and passes.
   */
  public static checkRelation(relation: Relation, a: string | undefined, b: string | undefined, origin: string, accepted: string): boolean {
    if (a === undefined || b === undefined) return true;
    const ai = Tokens.infoOf(a);
    const bi = Tokens.infoOf(b);
    if (!ai && !bi) return Tokens.isToken(a) || Tokens.isToken(b) || relationHolds(relation, a, b);
    if ((!ai && Tokens.isToken(a)) || (!bi && Tokens.isToken(b))) return true;
    const r = registry();
    (r.relations ??= []).push({ relation, a: ai ?? a, b: bi ?? b, origin, accepted });
    return true;
  }

  /** Relations recorded for tokens of one owner. */
  public static relationsOf(owner: object): RelationRule[] {
    const mine = (side: TokenInfo | string) => typeof side === 'string' || side.owner === owner;
    return (registry().relations ?? []).filter((x) => mine(x.a) && mine(x.b) && (typeof x.a !== 'string' || typeof x.b !== 'string'));
  }

  /**
   * A cross-field rule: when every clause holds, `target` must meet `constraint`.
   * Clauses on literals are decided now; clauses on tokens, and a token target, are
   * recorded for the values schema (JSON Schema if/then). Returns false only when the rule
   * is broken by literals alone.
   */
  public static checkWhen(when: readonly Clause[], target: unknown, constraint: Constraint, origin: string): boolean {
    const tokenClauses: { token: TokenInfo; equals: readonly Primitive[]; negated?: boolean }[] = [];
    for (const clause of when) {
      const { values, negated } = clauseValues(clause);
      const info = Tokens.infoOf(clause.value);
      if (info) tokenClauses.push(negated ? { token: info, equals: values, negated } : { token: info, equals: values });
      else if (!clauseHolds(clause, clause.value)) return true; // condition false: rule does not apply
    }
    if (tokenClauses.length === 0) return Tokens.check(target, constraint, origin);
    const targetInfo = Tokens.infoOf(target);
    if (targetInfo) {
      registry().conditionals.push({ when: tokenClauses, then: { token: targetInfo, constraint }, origin });
      return true;
    }
    if (target !== undefined && Tokens.isToken(target)) return true;
    if (satisfies(target, constraint)) return true;
    // The literal target fails: the token clauses must never all hold.
    registry().conditionals.push({ when: tokenClauses, origin });
    return true;
  }
}

/** Whether a value is empty the way a Go template's `if` sees it: "", 0, false, nil, an empty list or map. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** A view of a whole value (same path, kind and owner): see omittedWhenEmpty, optionalText. */
function viewOf(info: TokenInfo, view: { readonly omitWhenEmpty?: boolean; readonly asText?: boolean }): TokenInfo {
  if (info.derivation || info.formula || info.path.startsWith('$')) throw new Error(`value '${info.path}': only a whole value can be left out when empty, not one computed from it`);
  return register(info.kind, info.path, info.owner, undefined, undefined, view);
}

/**
 * An expression as a formula over its tokens, with the owner of its first token; or its value when
 * no operand is a token (evaluated whole: no part of it is checked as a bare number).
 */
function compile(e: Expression): number | { readonly formula: Formula; readonly owner: object | undefined } {
  let owner: { value: object | undefined } | undefined;
  const operand = (x: number | Expression): Operand => {
    if (isFormula(x)) {
      const inner = compile(x as Expression);
      if (typeof inner === 'number') return inner;
      owner ??= { value: inner.owner };
      return inner.formula;
    }
    const info = Tokens.infoOf(x);
    if (!info) {
      if (Tokens.isCorruptedNumber(x)) throw new Error(`${e.op}: ${x} is arithmetic on a value; use Tokens.${e.op === 'add' ? 'sum' : e.op === 'mul' ? 'product' : 'ceilDiv'} on the value itself`);
      return x;
    }
    if (info.kind !== 'integer' && info.kind !== 'number') throw new Error(`${e.op}: value '${info.path}' is a ${info.kind}, not a number`);
    owner ??= { value: (info.derivation?.base ?? info).owner };
    return info.formula ?? info;
  };
  const args = e.args.map(operand);
  const formula: Formula = { op: e.op, args };
  if (!owner) return evaluateFormula(formula, () => 0);
  return { formula, owner: owner.value };
}

function scaleConstraint(c: Constraint, multiplier: number): Constraint {
  const div = (n: number | undefined) => (n === undefined ? undefined : n / multiplier);
  return {
    ...c,
    enum: c.enum?.map((e) => (typeof e === 'number' ? e / multiplier : e)),
    minimum: div(c.minimum),
    maximum: div(c.maximum),
    multipleOf: div(c.multipleOf),
    anyOf: c.anyOf?.map((a) => scaleConstraint(a, multiplier)),
    not: c.not ? scaleConstraint(c.not, multiplier) : undefined,
  };
}
