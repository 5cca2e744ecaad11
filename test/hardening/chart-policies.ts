import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readTree } from '@strata/helm';
import { resolvePolicy } from '@strata/gitops';
import { RenderedRelease, REPO } from './rendered';

/** Chart defaults with a release's values over them (objects merged, anything else replaced). */
export function merge(a: any, b: any): any {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  }
  return b === undefined ? a : b;
}

/** A release's values as helm sees them: the committed chart's defaults, the environment's values over them. */
export function mergedValues(r: RenderedRelease): Record<string, unknown> {
  const defaults = parse(readFileSync(join(REPO, 'charts', r.release.chart, 'values.yaml'), 'utf8')) ?? {};
  return merge(defaults, r.release.values);
}

/** The committed chart's IAM policy documents (iam-policies/<key>.json) resolved with a release's values, by key. */
export function releasePolicies(r: RenderedRelease): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [rel, text] of readTree(join(REPO, 'charts', r.release.chart))) {
    const key = /^iam-policies\/([A-Za-z0-9_-]+)\.json$/.exec(rel)?.[1];
    if (key) out[key] = resolvePolicy(JSON.parse(text), mergedValues(r));
  }
  return out;
}
