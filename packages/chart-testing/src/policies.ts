import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { resolvePolicy } from '@strata/gitops';

/**
 * The IAM policy documents of a chart directory (`iam-policies/<key>.json`, chart metadata never
 * rendered) resolved as an environment resolves them: with the chart's defaults, `values` over
 * them. By key; empty when the chart writes none.
 */
export function chartPolicies(dir: string, values: Record<string, unknown> = {}): Record<string, any> {
  const folder = join(dir, 'iam-policies');
  if (!existsSync(folder)) return {};
  const merged = merge(parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {}, values);
  const out: Record<string, any> = {};
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) out[file.replace(/\.json$/, '')] = resolvePolicy(JSON.parse(readFileSync(join(folder, file), 'utf8')), merged);
  return out;
}

function merge(a: any, b: any): any {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  }
  return b === undefined ? a : b;
}
