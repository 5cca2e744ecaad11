import type { IamPolicyDocument } from '@strata/cloud';
import { valueAt } from './values';

/**
 * An IAM policy document a chart derives (its `iam-policies/<key>.json`, written by the chart
 * writer of @strata/helm from WorkloadIdentity of @strata/patterns: chart metadata, never rendered
 * into the cluster), resolved with one release's values: what the role of each service account
 * must hold in this environment, bucket names and prefixes filled in.
 *
 * A string bound to values is a fact: `{ "$value": path }` (the value as text, as Helm's
 * `toString` of it would print a string or number) or `{ "$concat": [text | { "$value": path }] }`.
 * Any other object with a `$` key is refused by name (the chart writer changed: teach this reader
 * the new form), never guessed.
 */
export function resolvePolicy(document: unknown, values: Record<string, unknown>): IamPolicyDocument {
  const doc = resolve(document, values, '');
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as IamPolicyDocument).Statement)) throw new Error('not a policy document (no Statement list)');
  return doc as IamPolicyDocument;
}

function resolve(v: unknown, values: Record<string, unknown>, at: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => resolve(x, values, `${at}[${i}]`));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$value === 'string') return text(valueAt(values, o.$value.split('.')));
  if (Array.isArray(o.$concat)) {
    return o.$concat
      .map((p, i) => {
        if (typeof p === 'string') return p;
        const path = p && typeof p === 'object' ? (p as Record<string, unknown>).$value : undefined;
        if (typeof path !== 'string') throw new Error(`unreadable policy fact at ${at}.$concat[${i}] (${JSON.stringify(p)})`);
        return text(valueAt(values, path.split('.')));
      })
      .join('');
  }
  const unknownFact = Object.keys(o).find((k) => k.startsWith('$'));
  if (unknownFact) throw new Error(`unreadable policy fact at ${at || '/'} (${unknownFact})`);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x, values, at ? `${at}.${k}` : k)]));
}

/** A value as a policy string: an unset value is empty text. */
function text(x: unknown): string {
  return x === undefined || x === null ? '' : String(x);
}
