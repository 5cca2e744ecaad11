import { parse } from 'yaml';
import type { IamPolicyDocument } from '@strata/cloud';
import { valueAt } from './values';

/**
 * The IAM policy documents a chart derives (its iam-policies ConfigMap, written by
 * WorkloadIdentity of @strata/patterns), resolved with one release's values: what the role of
 * each service account must hold in this environment, bucket names and prefixes filled in.
 *
 * The chart writer emits a document that depends on values as one template action,
 * `{{ print "<text>" (.Values.<path> | toString) "<text>" … | quote }}`, and a document that does
 * not as a plain YAML string; both are read here. Anything else is refused by name (the chart
 * writer changed: teach this reader the new form), never guessed.
 */
export function resolvePolicy(template: string, values: Record<string, unknown>): IamPolicyDocument {
  const action = /^\{\{ print (.*) \| quote \}\}$/.exec(template.trim());
  let text: string;
  if (action) {
    text = '';
    const part = /\s*(?:("(?:[^"\\]|\\.)*")|\(\.Values\.([A-Za-z0-9_.]+) \| toString\))/y;
    const body = action[1];
    let at = 0;
    while (at < body.length) {
      part.lastIndex = at;
      const m = part.exec(body);
      if (!m) throw new Error(`unreadable policy template at "${body.slice(at).trimStart().slice(0, 40)}"`);
      text += m[1] !== undefined ? (JSON.parse(m[1]) as string) : String(valueAt(values, m[2].split('.')) ?? '');
      at = part.lastIndex;
    }
  } else {
    text = String(parse(template));
  }
  return JSON.parse(text) as IamPolicyDocument;
}
