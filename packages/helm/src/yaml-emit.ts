import { Document, stringify } from 'yaml';
import { version as yamlVersion } from 'yaml/package.json';

/**
 * The options of `yaml`'s `stringify` that strata's generated files use. The direct path covers
 * `lineWidth: 0` with the default indent (2) and `indentSeq` (true); other options go to `yaml`.
 * @see https://eemeli.org/yaml/#tostring-options
 */
export interface YamlDocumentOptions {
  /** Folding width; 0 never folds. @default 80 (as `yaml`) */
  readonly lineWidth?: number;
  /** Spaces per level. @default 2 */
  readonly indent?: number;
  /** Whether block sequences in a map are indented under their key. @default true */
  readonly indentSeq?: boolean;
  /** Whether an object met twice becomes an anchor and aliases. @default true (as `yaml`) */
  readonly aliasDuplicateObjects?: boolean;
}

/**
 * `stringify(value, options)` of the `yaml` package, byte for byte, built directly for the common
 * case (block maps and sequences of plain data) and by `yaml` itself for the rest.
 */
export function yamlDocument(value: unknown, options: YamlDocumentOptions): string {
  return emitYamlDirectly(value, options) ?? stringify(value, options);
}

/**
 * The document `yamlDocument` returns, built without `yaml`; undefined where the output of `yaml`
 * is not certain to be reproduced here (then `yamlDocument` asks `yaml`). Covered: a top-level map
 * or sequence of maps, sequences, strings, finite and special numbers, booleans and null, with
 * `lineWidth: 0`, indent 2 and `indentSeq`; strings on one line in every style `yaml` picks (plain,
 * single or double quoted) and strings of several lines as literal block scalars.
 * Not covered: keys of several lines or over 1024 characters, strings of several lines that `yaml`
 * quotes (control characters, a last line of only blanks), top-level scalars, undefined in a list,
 * objects other than plain objects and arrays, and duplicate objects unless `aliasDuplicateObjects` is false.
 */
export function emitYamlDirectly(value: unknown, options: YamlDocumentOptions): string | undefined {
  if (!DIRECT || options.lineWidth !== 0 || (options.indent ?? 2) !== 2 || options.indentSeq === false) return undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const seen = options.aliasDuplicateObjects === false ? undefined : new Set<object>();
  try {
    return `${node(value, '', seen, 0)}\n`;
  } catch (e) {
    if (e === FALL_BACK) return undefined;
    throw e;
  }
}

/**
 * The `yaml` version whose stringify this file reproduces (read from its dist/stringify sources).
 * Another version turns the direct path off until the property test has been run against it.
 */
export const YAML_VERSION_REPRODUCED = '2.9.1';

/** Thrown inside the emitter where only `yaml` knows the output. */
const FALL_BACK = Symbol('fall back to yaml');
const MAX_DEPTH = 200;

/**
 * The tests by which `yaml` quotes a string that would read back as another type (core schema:
 * null, bool, int, float), taken from `yaml` itself; the direct path relies on them being exactly
 * these (the quick first-character filter below is derived from them).
 */
const KNOWN_TYPE_TESTS = [
  '^(?:~|[Nn]ull|NULL)?$',
  '^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$',
  '^0o[0-7]+$',
  '^[-+]?[0-9]+$',
  '^0x[0-9a-fA-F]+$',
  '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$',
  '^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+$',
  '^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)$',
];
const typeTests = new Document().schema.tags
  .filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test)
  .map((t) => t.test as RegExp);
const DIRECT =
  yamlVersion === YAML_VERSION_REPRODUCED &&
  typeTests.length === KNOWN_TYPE_TESTS.length &&
  typeTests.every((t, i) => t.source === KNOWN_TYPE_TESTS[i] && t.flags === '');
const OTHER_TYPE = new RegExp(KNOWN_TYPE_TESTS.map((s) => `(?:${s})`).join('|'));

// The rules below are copied from yaml 2.9.1 dist/stringify/stringifyString.js.
/** Characters that force double quotes (control characters, unpaired surrogates). */
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** What a plain scalar must not contain (plainString). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** A line that starts a directive or marks a document (containsDocumentMarker). */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** A block scalar cannot end in a line of only blanks: yaml quotes such strings (blockString). */
const BLANK_LAST_LINE = /\n[\t ]+$/;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/** A non-empty map or sequence, or a scalar, at this indent (yaml's ctx.indent), without a leading prefix. */
function node(value: unknown, indent: string, seen: Set<object> | undefined, depth: number): string {
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? blockLiteral(value, indent) : flowScalar(value);
    case 'number':
      return numberScalar(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth > MAX_DEPTH) throw FALL_BACK;
      if (seen) {
        if (seen.has(value)) throw FALL_BACK; // yaml writes an anchor and aliases
        seen.add(value);
      }
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) throw FALL_BACK;
        return value.length === 0 ? '[]' : sequence(value, indent, seen, depth + 1);
      }
      if (!isPlainObject(value)) throw FALL_BACK;
      return map(value as Record<string, unknown>, indent, seen, depth + 1);
    default:
      throw FALL_BACK; // undefined in a list, bigint, symbol, function
  }
}

/** Objects `yaml` turns into a map from Object.keys (no toJSON, not iterable, no class). */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function' && !(Symbol.iterator in value);
}

function sequence(items: readonly unknown[], indent: string, seen: Set<object> | undefined, depth: number): string {
  const itemIndent = indent + '  ';
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const line = `- ${node(items[i], itemIndent, seen, depth)}`;
    out += i === 0 ? line : `\n${indent}${line}`;
  }
  return out;
}

/** Block map; `{}` when no key has a defined value (yaml leaves out undefined values). */
function map(obj: Record<string, unknown>, indent: string, seen: Set<object> | undefined, depth: number): string {
  const valueIndent = indent + '  ';
  // Keys of the top-level map are one step in: there yaml quotes keys that look like document markers.
  const top = indent === '';
  let out = '';
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    if (key.includes('\n')) throw FALL_BACK;
    const k = top && DOCUMENT_MARKER.test(key) && !FORCE_DOUBLE.test(key) ? quoted(key) : flowScalar(key);
    if (k.length > 1024) throw FALL_BACK; // yaml writes an explicit key (`? …`)
    const body = node(v, valueIndent, seen, depth);
    const line = v !== null && typeof v === 'object' && body !== '[]' && body !== '{}' ? `${k}:\n${valueIndent}${body}` : `${k}: ${body}`;
    out += first ? line : `\n${indent}${line}`;
    first = false;
  }
  return first ? '{}' : out;
}

/** stringifyNumber for the core schema's int and float tags. */
function numberScalar(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0' : String(n);
  return Number.isNaN(n) ? '.nan' : n < 0 ? '-.inf' : '.inf';
}

/** A string on one line: plain where it reads back as the same string, else quoted. */
function flowScalar(value: string): string {
  if (FORCE_DOUBLE.test(value)) return doubleQuoted(value);
  if (NOT_PLAIN.test(value) || looksLikeOtherType(value)) return quoted(value);
  return value;
}

function looksLikeOtherType(value: string): boolean {
  if (value === '') return true;
  const c = value.charCodeAt(0);
  // The first characters the type tests accept: ~ n N t T f F 0-9 + - .
  const candidate = (c >= 48 && c <= 57) || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 43 || c === 45 || c === 46;
  return candidate && OTHER_TYPE.test(value);
}

/** quotedString with the default singleQuote (null): single quotes only for `"` without `'`. */
function quoted(value: string): string {
  if (value.includes('"') && !value.includes("'")) return `'${value}'`;
  return doubleQuoted(value);
}

/** doubleQuotedString for a string on one line: JSON, with YAML's short escapes for \u codes. */
function doubleQuoted(value: string): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\u')) return json;
  let str = '';
  let start = 0;
  for (let i = 0; i < json.length; i++) {
    if (json[i] !== '\\') continue;
    if (json[i + 1] !== 'u') {
      i += 1;
      continue;
    }
    str += json.slice(start, i);
    const code = json.substr(i + 2, 4);
    switch (code) {
      case '0000': str += '\\0'; break;
      case '0007': str += '\\a'; break;
      case '000b': str += '\\v'; break;
      case '001b': str += '\\e'; break;
      case '0085': str += '\\N'; break;
      case '00a0': str += '\\_'; break;
      case '2028': str += '\\L'; break;
      case '2029': str += '\\P'; break;
      default: str += code.substr(0, 2) === '00' ? `\\x${code.substr(2)}` : json.substr(i, 6);
    }
    i += 5;
    start = i + 1;
  }
  return str + json.slice(start);
}

/**
 * blockString of yaml for a string of several lines in a block collection (lineWidth 0: always
 * literal `|`), with the chomping and indentation indicators yaml picks.
 */
function blockLiteral(text: string, indent: string): string {
  if (FORCE_DOUBLE.test(text) || BLANK_LAST_LINE.test(text)) throw FALL_BACK; // yaml quotes these over several lines
  let value = text;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  // yaml writes indicator 2 whenever the scalar is indented (never at the top level here)
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
