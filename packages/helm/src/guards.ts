import { Constraint, describeConstraint, Relation, Tokens } from '@strata/tokens';
import { refOf, ValueRef } from './content-name';
import { TemplateRenderer } from './template';

/**
 * Rules on values computed from other values (formula tokens): JSON Schema states a bound on one
 * value, not on a sum or a quotient of several, so the chart states them as template guards —
 * `helm install` fails with the rule's message, exactly as generate refuses the same literals —
 * and resolveTemplate applies them the same way.
 */
export interface ValueGuard {
  /** The computed value (a formula reference). */
  readonly value: ValueRef;
  readonly constraint: Constraint;
  /** Where the rule comes from: construct path and field. */
  readonly origin: string;
}

/** The guards of a chart: every rule attached to one of its formula tokens (a whole-number rule on a whole number says nothing). */
export function valueGuards(owner: object): ValueGuard[] {
  const out: ValueGuard[] = [];
  for (const t of Tokens.ownedBy(owner)) {
    if (!t.formula) continue;
    for (const { constraint, origin } of t.constraints) {
      const c = { ...constraint };
      if (c.multipleOf === 1) delete (c as { multipleOf?: number }).multipleOf;
      if (Object.values(c).every((v) => v === undefined)) continue;
      const unsupported = Object.keys(c).filter((k) => !['minimum', 'maximum', 'multipleOf'].includes(k) && (c as Record<string, unknown>)[k] !== undefined);
      if (unsupported.length > 0) throw new Error(`${origin}: a rule on a computed value may only bound it (minimum, maximum, multipleOf), not ${unsupported.join(', ')}`);
      out.push({ value: refOf(t), constraint: c, origin });
    }
  }
  return out;
}

/**
 * A rule between two string values (Tokens.checkRelation): each side a value reference or a
 * literal. The chart fails the install when it is broken, and resolveTemplate refuses the same values.
 */
export interface RelationGuard {
  readonly relation: Relation;
  readonly a: ValueRef | string;
  readonly b: ValueRef | string;
  readonly origin: string;
  readonly accepted: string;
}

/** The relation guards of a chart. */
export function relationGuards(owner: object): RelationGuard[] {
  return Tokens.relationsOf(owner).map((r) => ({
    relation: r.relation,
    a: typeof r.a === 'string' ? r.a : refOf(r.a),
    b: typeof r.b === 'string' ? r.b : refOf(r.b),
    origin: r.origin,
    accepted: r.accepted,
  }));
}

/** The message of a broken relation, as the template prints it (`%q`) and resolveTemplate throws it. */
export function relationMessage(g: RelationGuard, a: string, b: string): string {
  return `${g.origin} (${a}) must be ${g.accepted} (${b})`;
}

/** The message of a broken guard, as the template prints it and resolveTemplate throws it. */
export function guardMessage(g: ValueGuard, value: number | string): string {
  return `${g.origin} (${value}) must be ${describeConstraint(g.constraint)}`;
}

/** templates/guards.yaml: renders to nothing, or fails the install with the rule's message. Undefined without guards. */
export function guardsTemplate(guards: readonly ValueGuard[], renderer: TemplateRenderer, header: string, relations: readonly RelationGuard[] = []): string | undefined {
  if (guards.length === 0 && relations.length === 0) return undefined;
  const lines = [header.trimEnd(), '{{- /* Rules on values computed from other values (JSON Schema cannot state them): each fails the install with its reason. */}}'];
  relations.forEach((g, i) => {
    const side = (x: ValueRef | string) => (typeof x === 'string' ? JSON.stringify(x) : `(${renderer.refValueExpression(x)} | toString)`);
    const [a, b] = [`$relationA${i}`, `$relationB${i}`];
    lines.push(`{{- ${a} := ${side(g.a)} }}`, `{{- ${b} := ${side(g.b)} }}`);
    // sameS3Bucket: both set, and their s3://bucket parts differ (regexFind gives "" when a side is no S3 path).
    const literal = { ...g, origin: g.origin.replace(/%/g, '%%'), accepted: g.accepted.replace(/%/g, '%%') };
    const message = relationMessage(literal, '%q', '%q').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    lines.push(`{{- if and ${a} ${b} (ne (regexFind "^s3://[^/]+" ${a}) (regexFind "^s3://[^/]+" ${b})) }}{{ fail (printf "${message}" ${a} ${b}) }}{{- end }}`);
  });
  guards.forEach((g, i) => {
    const v = `$guard${i}`;
    const c = g.constraint;
    const conds: string[] = [];
    if (c.minimum !== undefined) conds.push(`(ge ${v} ${c.minimum})`);
    if (c.maximum !== undefined) conds.push(`(le ${v} ${c.maximum})`);
    if (c.multipleOf !== undefined) conds.push(`(eq (mod ${v} ${c.multipleOf}) 0)`);
    const cond = conds.length === 1 ? conds[0] : `(and ${conds.join(' ')})`;
    const message = guardMessage(g, '%d').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    lines.push(`{{- ${v} := ${renderer.refValueExpression(g.value)} }}`);
    lines.push(`{{- if not ${cond} }}{{ fail (printf "${message}" ${v}) }}{{- end }}`);
  });
  return lines.join('\n') + '\n';
}
