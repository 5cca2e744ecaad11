import { IConstruct } from 'constructs';
import { Clause, clauseHolds, Constraint, describeConstraint, problem, satisfies, Tokens, warn } from '@strata/tokens';

/**
 * The rule book of one construct. Every check records its failure instead of throwing, and the
 * failures are handed to cdk8s through `node.addValidation`, so one synthesis reports every
 * problem of every construct together (each prefixed with the construct path by cdk8s) and
 * writes nothing.
 *
 * A checked value may be a token (a Helm value decided at install time): then the rule is not
 * decided now but attached to the token, and ends up in `values.schema.json`.
 *
 * Message shape: `'<field>' (<value>) must be <accepted>; <fix>` — see `problem()`.
 */
export interface RulesOptions {
  /**
   * For StorageClass parameters: the CSI drivers send neither an empty string nor a zero number
   * to the AWS API, so `""` and `0` mean "not set". A field bound to a value may then be left
   * unset at install time by giving it `""` (or `0`), and rules about unset fields hold for it.
   * @default false
   */
  readonly emptyMeansUnset?: boolean;
}

/** The values that mean "not set" under `emptyMeansUnset`, by the kind of value (for clear schema messages). */
const EMPTY: Constraint = { enum: ['', 0] };
function emptyFor(value: unknown): Constraint {
  const kind = Tokens.infoOf(value)?.kind;
  if (kind === 'string') return { enum: [''] };
  if (kind === 'integer' || kind === 'number') return { enum: [0] };
  return EMPTY;
}
/** "Set": a non-empty string, a positive whole number (StorageClass numbers are counts and rates). */
function setFor(value: unknown): Constraint {
  const kind = Tokens.infoOf(value)?.kind;
  if (kind === 'string') return { minLength: 1 };
  if (kind === 'integer') return { minimum: 1 };
  return { not: emptyFor(value) };
}

export class Rules {
  private readonly errors: string[] = [];
  private readonly emptyMeansUnset: boolean;
  /** Fields checked with `required`: their value may not be left unset, so no unset form is added. */
  private readonly requiredFields = new Set<string>();

  public constructor(private readonly scope: IConstruct, options: RulesOptions = {}) {
    this.emptyMeansUnset = options.emptyMeansUnset ?? false;
    scope.node.addValidation({ validate: () => [...this.errors] });
  }

  /** Whether a literal value counts as not set (undefined; also "" and 0 under `emptyMeansUnset`). */
  public isUnset(value: unknown): boolean {
    return value === undefined || (this.emptyMeansUnset && (value === '' || value === 0));
  }

  /**
   * A constraint for a value token of an optional field, which may also be left unset: merged
   * into one enum or one pattern where it can be, so helm's message lists what is accepted.
   */
  private orEmpty(field: string, value: unknown, c: Constraint): Constraint {
    const kind = Tokens.infoOf(value)?.kind;
    // Only strings and numbers have a "not sent" form; booleans and lists are what they say.
    if (!this.emptyMeansUnset || (kind !== 'string' && kind !== 'integer' && kind !== 'number') || this.requiredFields.has(field)) return c;
    const empty = emptyFor(value);
    const forms = empty.enum!;
    if (forms.every((f) => satisfies(f, c))) return c;
    const keys = Object.keys(c).filter((k) => (c as Record<string, unknown>)[k] !== undefined);
    if (keys.length === 1 && c.enum) return { enum: [...forms, ...c.enum] };
    if (keys.length === 1 && c.pattern !== undefined && forms.length === 1 && forms[0] === '') return { pattern: `^$|${c.pattern}` };
    return { anyOf: [empty, c] };
  }

  /** Records a failure. */
  public fail(field: string, value: unknown, accepted: string, fix?: string): void {
    this.errors.push(problem(field, value, accepted, fix));
  }

  /** Records a failure with a message of its own (for rules that are not about one field). */
  public failWith(message: string): void {
    this.errors.push(message);
  }

  /** Records a warning: synthesis goes on, the CLI prints it. */
  public warn(message: string): void {
    warn(this.scope, message);
  }

  /** Whether any check of this construct failed so far. */
  public get failed(): boolean {
    return this.errors.length > 0;
  }

  /**
   * `value` must meet `constraint` (skipped when undefined). `accepted` overrides the generated
   * description of the constraint in the message.
   */
  public check(field: string, value: unknown, constraint: Constraint, fix?: string, accepted?: string): boolean {
    if (this.isUnset(value)) return true;
    const words = accepted ?? describeConstraint(constraint);
    const widened = this.orEmpty(field, value, constraint);
    const ok = Tokens.check(value, widened, `[${this.scope.node.path}] ${field}`, widened === constraint ? words : `${words}, or ${(emptyFor(value).enum ?? []).map((f) => JSON.stringify(f)).join(' or ')} (not sent)`);
    if (!ok) this.fail(field, value, words, fix);
    return ok;
  }

  /** `value` must be one of `accepted` (skipped when undefined). */
  public oneOf(field: string, value: unknown, accepted: readonly (string | number | boolean)[], fix?: string): boolean {
    return this.check(field, value, { enum: accepted }, fix);
  }

  /**
   * When every clause holds, `value` must meet `constraint`. `because` names the condition in
   * the message: "must be one of 50, 100, 200 for PERSISTENT_1 SSD".
   */
  public checkWhen(when: readonly Clause[], field: string, value: unknown, constraint: Constraint, because: string, fix?: string): boolean {
    if (this.isUnset(value)) return true;
    const ok = Tokens.checkWhen(when, value, this.orEmpty(field, value, constraint), `[${this.scope.node.path}] ${field}`);
    if (!ok) this.fail(field, value, `${describeConstraint(constraint)} ${because}`, fix);
    return ok;
  }

  /**
   * When every clause holds, a set `value` must meet `constraint`; `accepted` is the whole
   * "must be …" text. With `UNSET` as the constraint a token value is refused now when the
   * clauses hold: binding the field to a value is the mistake, whatever it will hold.
   */
  public mustWhen(when: readonly Clause[], field: string, value: unknown, constraint: Constraint, accepted: string, fix?: string): boolean {
    if (this.isUnset(value)) return true;
    // Under emptyMeansUnset a value can be left unset at install time ("" or 0): require that form.
    const effective = constraint === UNSET ? (this.emptyMeansUnset ? emptyFor(value) : UNSET) : this.orEmpty(field, value, constraint);
    const refusedToken = effective === UNSET && Tokens.isToken(value) && clausesHold(when);
    const ok = !refusedToken && Tokens.checkWhen(when, value, effective, this.origin(field));
    if (!ok) this.fail(field, value, accepted, fix);
    return ok;
  }

  /** When every clause holds, `value` must be set (with token clauses: they must never all hold while it is unset). */
  public requiredWhen(when: readonly Clause[], field: string, value: unknown, accepted: string, fix?: string): boolean {
    if (Tokens.isToken(value)) return this.emptyMeansUnset ? Tokens.checkWhen(when, value, setFor(value), this.origin(field)) : true;
    if (!this.isUnset(value)) return true;
    const ok = Tokens.checkWhen(when, undefined, UNSET, this.origin(field));
    if (!ok) this.fail(field, undefined, accepted, fix);
    return ok;
  }

  private origin(field: string): string {
    return `[${this.scope.node.path}] ${field}`;
  }

  /** A required field. */
  public required(field: string, value: unknown, accepted: string, fix?: string): boolean {
    this.requiredFields.add(field);
    if (Tokens.isToken(value)) {
      if (this.emptyMeansUnset) Tokens.check(value, setFor(value), this.origin(field));
      return true;
    }
    if (value !== undefined && value !== '' && !this.isUnset(value)) return true;
    this.fail(field, value, accepted, fix);
    return false;
  }
}

/** The constraint "must not be set" (nothing satisfies it). */
export const UNSET: Constraint = { not: {} };

/** Whether every clause holds on literals (a token clause never holds yet). */
export function clausesHold(when: readonly Clause[]): boolean {
  return when.every((c) => !Tokens.isToken(c.value) && clauseHolds(c, c.value));
}

/** Whether a prop is known now (a literal), as opposed to a token decided at install time. */
export function isLiteral(value: unknown): boolean {
  return value !== undefined && !Tokens.isToken(value);
}
