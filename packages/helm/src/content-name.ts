import { createHash } from 'node:crypto';
import { ceilDiv, Formula, isFormula, TokenInfo, Tokens } from '@strata/tokens';

/**
 * Content names: a Job is named `<full name>-<suffix>-<hash>`, the hash taken over its spec as
 * the release renders it (values in place), so an upgrade that leaves the Job alone keeps its name
 * (Helm sees no change) and one that changes it creates a new Job instead of patching an
 * immutable one.
 *
 * The hash is computed twice, and both must agree byte for byte: by Helm, in the chart's
 * templates (`include "<chart>.spec.<suffix>" . | fromYaml | toJson | sha256sum | trunc 8`, see
 * chartFiles), and in TypeScript by `resolveTemplate` over the spec it resolves — which the
 * round-trip property proves equal to `helm template` for random values. Helm's `fromYaml` reads
 * numbers as float64 (sigs.k8s.io/yaml) and its `toJson` is Go's `encoding/json` (helm/helm
 * pkg/engine/funcs.go `toJSON`, `fromYAML`), reproduced by `goJson`. A spec therefore must not
 * name its own Job (the name would be part of its own hash).
 */
/** A value reference of a release template: the value path (or built-in name), its kind, and an optional factor. */
export interface ValueRef {
  readonly path: string;
  readonly kind: TokenInfo['kind'];
  /** Set when the token stands for `multiplier × <path>` (a unit conversion). */
  readonly multiplier?: number;
  /** Set when the token is computed from several values (path `$formula`). */
  readonly formula?: EncodedFormula;
  /** The map entry holding this reference is left out when the value is empty (Tokens.omittedWhenEmpty, Tokens.optionalText). */
  readonly omitWhenEmpty?: boolean;
  /** The value written as text: printed, a list joined with "," (Tokens.optionalText). */
  readonly asText?: boolean;
}

/** A formula of a release template: its operands are whole numbers, value references or formulas. */
export interface EncodedFormula {
  readonly op: Formula['op'];
  readonly args: readonly (number | ValueRef | EncodedFormula)[];
}

/** Whether an operand of an encoded formula is a formula. */
export function isEncodedFormula(o: unknown): o is EncodedFormula {
  return typeof o === 'object' && o !== null && 'op' in o && 'args' in o;
}

/** The value of an encoded formula, each reference read by `lookup` (see evaluateFormula of @strata/tokens). */
export function evaluateEncodedFormula(f: EncodedFormula, lookup: (ref: ValueRef) => unknown): number {
  const v = (o: number | ValueRef | EncodedFormula): number => (typeof o === 'number' ? Math.trunc(o) : isEncodedFormula(o) ? evaluateEncodedFormula(o, lookup) : Math.trunc(Number(lookup(o))));
  const args = f.args.map(v);
  if (f.op === 'add') return args.reduce((a, b) => a + b, 0);
  if (f.op === 'mul') return args.reduce((a, b) => a * b, 1);
  return ceilDiv(args[0], args[1]);
}

const REF = '\u0000ref';
const PRINT = '\u0000print';

/** A token as a reference: its value path, kind and factor (or formula). */
export function refOf(info: TokenInfo): ValueRef {
  if (info.omitWhenEmpty || info.asText) return { path: info.path, kind: info.kind, ...(info.omitWhenEmpty ? { omitWhenEmpty: true } : {}), ...(info.asText ? { asText: true } : {}) };
  if (info.formula) return { path: info.path, kind: info.kind, formula: encodeFormula(info.formula) };
  return info.derivation ? { path: info.derivation.base.path, kind: info.derivation.base.kind, multiplier: info.derivation.multiplier } : { path: info.path, kind: info.kind };
}

function encodeFormula(f: Formula): EncodedFormula {
  return { op: f.op, args: f.args.map((a) => (typeof a === 'number' ? a : isFormula(a) ? encodeFormula(a) : refOf(a))) };
}

/**
 * A manifest with tokens as plain JSON: a token that is a whole value becomes `{"\u0000ref": ValueRef}`
 * (`asString` when it stood in a string), a string with tokens in it `{"\u0000print": [text | ValueRef, …]}`.
 */
export function encodeManifest(value: unknown): unknown {
  const whole = Tokens.infoOf(value);
  if (whole) return { [REF]: refOf(whole), ...(typeof value === 'string' ? { asString: true } : {}) };
  if (typeof value === 'string' && Tokens.isToken(value)) return { [PRINT]: Tokens.split(value).map((p) => (typeof p === 'string' ? p : refOf(p))) };
  if (Array.isArray(value)) return value.map(encodeManifest);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeManifest(v);
    return out;
  }
  return value;
}

/** A value as text, the way the chart's template prints it (`int64 | toString`, `toJson`, `join ","`, `toString`). */
export function textOf(value: unknown, kind: TokenInfo['kind']): string {
  if (Array.isArray(value)) return value.join(',');
  if (kind === 'integer') return String(Math.trunc(Number(value)));
  if (kind === 'number') return JSON.stringify(value);
  return String(value);
}

/** Whether an encoded JSON value is a whole-value reference, and which. */
export function refIn(value: unknown): ValueRef | undefined {
  return value && typeof value === 'object' && REF in (value as object) ? ((value as Record<string, unknown>)[REF] as ValueRef) : undefined;
}

/** The parts of an encoded string with references in it, or undefined. */
export function printIn(value: unknown): readonly (string | ValueRef)[] | undefined {
  return value && typeof value === 'object' && PRINT in (value as object) ? ((value as Record<string, unknown>)[PRINT] as (string | ValueRef)[]) : undefined;
}

/** The 8-character hash of a content name: sha256 of the resolved spec as Go's encoding/json writes it. */
export function contentHash(spec: unknown): string {
  return createHash('sha256').update(goJson(spec ?? null)).digest('hex').slice(0, 8);
}

/**
 * JSON as Go's `encoding/json` writes it (what Helm's `toJson` prints): map keys sorted, `<`, `>`,
 * `&`, U+2028 and U+2029 escaped, floats in the shortest form that round-trips (the same digits
 * JavaScript prints: Go's encoder follows the ECMAScript number format, go/src/encoding/json/encode.go
 * `floatEncoder`), no spaces.
 */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`goJson: ${value} has no JSON form`);
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${goString(k)}:${goJson(o[k])}`)
      .join(',')}}`;
  }
  throw new Error(`goJson: a ${typeof value} has no JSON form`);
}

/** What Go escapes beyond JSON.stringify (most strings have none of it). */
const GO_ESCAPED = /[<>&\u2028\u2029]/;

/** A JSON string as Go writes it: JSON.stringify's escapes, plus Go's HTML-safe escapes. */
function goString(s: string): string {
  const json = JSON.stringify(s);
  if (!GO_ESCAPED.test(json)) return json;
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The source of a volume named by it (see SOURCE_NAME): its spec without `claimRef` (the claim's
 * name carries the hash) and without `csi.volumeHandle` when that is the volume's own name (which
 * carries it too). Everything else of the spec — the driver, its attributes, the mount options,
 * access modes, capacity and class — is the source: any change of it is a new volume.
 */
export function volumeSourceOf(spec: unknown, isOwnName: (value: unknown) => boolean): unknown {
  if (!spec || typeof spec !== 'object') return spec;
  const { claimRef: _claimRef, ...rest } = spec as Record<string, unknown>;
  const csi = rest.csi as Record<string, unknown> | undefined;
  if (csi && typeof csi === 'object' && isOwnName(csi.volumeHandle)) {
    const { volumeHandle: _handle, ...source } = csi;
    return { ...rest, csi: source };
  }
  return rest;
}
