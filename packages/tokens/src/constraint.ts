/**
 * A constraint on a single value, in the vocabulary of JSON Schema, so that a rule
 * a construct checks on a literal can move unchanged into `values.schema.json` when
 * the prop is bound to a value that is only known at install time.
 */
export interface Constraint {
  readonly enum?: readonly (string | number | boolean)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly multipleOf?: number;
  /** An ECMAScript/RE2-compatible regular expression (keep to the common subset). */
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A list holds at least this many items. */
  readonly minItems?: number;
  /** A list holds at most this many items. */
  readonly maxItems?: number;
  /** At least one of these holds. */
  readonly anyOf?: readonly Constraint[];
  /** This does not hold. */
  readonly not?: Constraint;
  /** Every item of a list holds this. */
  readonly items?: Constraint;
}

/**
 * The JSON Schema keyword under which strata writes, beside a rule, what it accepts in words
 * ("an S3 bucket name …", "at least 900 MiB"): read by strata's own messages instead of the raw
 * pattern or number. Validators ignore it (an unknown keyword is an annotation).
 */
export const ACCEPTS_KEYWORD = 'x-strata-accepts';

const PATTERN_WORDS = new Map<string, string>();

/**
 * Names what a pattern accepts, in words that complete "must be …" ("an S3 bucket name: 3 to 63
 * lowercase letters, digits, dots and hyphens"); returns the pattern, so a constant is declared
 * with its words: `export const BUCKET_NAME = describePattern('^[a-z0-9]…$', 'an S3 bucket name …')`.
 * Messages and values schemas then say the words, never the regular expression.
 */
export function describePattern(pattern: string, words: string): string {
  const known = PATTERN_WORDS.get(pattern);
  if (known !== undefined && known !== words) throw new Error(`pattern ${pattern} is described twice: "${known}" and "${words}"`);
  PATTERN_WORDS.set(pattern, words);
  return pattern;
}

/** The words a pattern was described with (describePattern), or undefined. */
export function patternWords(pattern: string): string | undefined {
  return PATTERN_WORDS.get(pattern);
}

/** Whether a literal value meets a constraint. */
export function satisfies(value: unknown, c: Constraint): boolean {
  if (c.enum && !c.enum.some((e) => e === value)) return false;
  if (typeof value === 'number') {
    if (c.minimum !== undefined && value < c.minimum) return false;
    if (c.maximum !== undefined && value > c.maximum) return false;
    if (c.multipleOf !== undefined && !isMultiple(value, c.multipleOf)) return false;
  }
  if (typeof value === 'string') {
    if (c.pattern !== undefined && !new RegExp(c.pattern, 'u').test(value)) return false;
    if (c.minLength !== undefined && [...value].length < c.minLength) return false;
    if (c.maxLength !== undefined && [...value].length > c.maxLength) return false;
  }
  if (c.minItems !== undefined && Array.isArray(value) && value.length < c.minItems) return false;
  if (c.maxItems !== undefined && Array.isArray(value) && value.length > c.maxItems) return false;
  if (c.items && Array.isArray(value) && !value.every((item) => satisfies(item, c.items!))) return false;
  if (c.anyOf && !c.anyOf.some((alt) => satisfies(value, alt))) return false;
  if (c.not && satisfies(value, c.not)) return false;
  return true;
}

function isMultiple(value: number, of: number): boolean {
  const q = value / of;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

/** A short human description of a constraint, for error messages: "one of 50, 100, 200". */
export function describeConstraint(c: Constraint): string {
  const parts: string[] = [];
  if (c.enum) parts.push(`one of ${c.enum.map((e) => (typeof e === 'string' ? e : String(e))).join(', ')}`);
  if (c.minimum !== undefined && c.maximum !== undefined) parts.push(`between ${c.minimum} and ${c.maximum}`);
  else if (c.minimum !== undefined) parts.push(`at least ${c.minimum}`);
  else if (c.maximum !== undefined) parts.push(`at most ${c.maximum}`);
  if (c.multipleOf !== undefined) parts.push(`a multiple of ${c.multipleOf}`);
  if (c.pattern !== undefined) parts.push(PATTERN_WORDS.get(c.pattern) ?? `matching ${c.pattern}`);
  if (c.minLength !== undefined) parts.push(`at least ${c.minLength} characters`);
  if (c.maxLength !== undefined) parts.push(`at most ${c.maxLength} characters`);
  if (c.minItems !== undefined) parts.push(`at least ${c.minItems} item${c.minItems === 1 ? '' : 's'}`);
  if (c.maxItems !== undefined) parts.push(`at most ${c.maxItems} item${c.maxItems === 1 ? '' : 's'}`);
  if (c.anyOf) parts.push(c.anyOf.map(describeConstraint).join(' or '));
  if (c.not) parts.push(`not ${describeConstraint(c.not)}`);
  if (c.items) parts.push(`each ${describeConstraint(c.items)}`);
  return parts.join(' and ');
}
