import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { CRD_KINDS } from '@strata/crd-types';

/**
 * Fields of a custom resource its CRD keeps immutable: schema nodes carrying the CEL transition
 * rule `self == oldSelf` in `x-kubernetes-validations`, which the API server enforces on every
 * update (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#transition-rules).
 * Read from the upstream CRDs @strata/crd-types holds, once per kind, only for kinds a release has.
 * Paths use `[]` for every item of a list: `spec.replicatedJobs[].template`.
 */
export function crdImmutableFields(apiVersion: string | undefined, kind: string | undefined): readonly { readonly path: string; readonly message?: string }[] {
  const k = CRD_KINDS.find((c) => c.apiVersion === apiVersion && c.kind === kind);
  if (!k) return [];
  const key = `${k.crd} ${k.apiVersion}`;
  let fields = cache.get(key);
  if (!fields) {
    const text = readFileSync(join(dirname(require.resolve('@strata/crd-types/package.json')), k.crd), 'utf8');
    fields = [];
    // Most CRDs have no transition rule: those are not parsed (KServe's are megabytes of YAML).
    if (text.includes('oldSelf')) {
      const crd = parse(text, { uniqueKeys: false });
      const version = k.apiVersion.split('/')[1];
      walk(crd?.spec?.versions?.find((v: { name: string }) => v.name === version)?.schema?.openAPIV3Schema, '', fields);
    }
    cache.set(key, fields);
  }
  return fields;
}

const cache = new Map<string, { path: string; message?: string }[]>();

function walk(node: any, path: string, out: { path: string; message?: string }[]): void {
  if (!node || typeof node !== 'object') return;
  for (const v of node['x-kubernetes-validations'] ?? []) {
    if (typeof v?.rule === 'string' && v.rule.replace(/\s+/g, '') === 'self==oldSelf' && path !== '') out.push({ path, ...(typeof v.message === 'string' ? { message: v.message } : {}) });
  }
  for (const [name, child] of Object.entries<any>(node.properties ?? {})) walk(child, path ? `${path}.${name}` : name, out);
  if (node.items) walk(node.items, `${path}[]`, out);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`, out);
}

/** The values at a path with `[]` (each item) and `{}` (each map value), as one JSON-comparable list. */
export function valuesAtPath(o: unknown, path: string): unknown {
  let current: unknown[] = [o];
  for (const part of path.match(/[^.[\]{}]+|\[\]|\{\}/g) ?? []) {
    if (part === '[]') current = current.flatMap((c) => (Array.isArray(c) ? c : []));
    else if (part === '{}') current = current.flatMap((c) => (c && typeof c === 'object' && !Array.isArray(c) ? Object.values(c) : []));
    else current = current.map((c) => (c && typeof c === 'object' ? (c as Record<string, unknown>)[part] : undefined));
  }
  return path.includes('[]') || path.includes('{}') ? current : current[0];
}
