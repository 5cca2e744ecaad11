import { crdKindOf, crdSchema, schemaErrors } from '@strata/kube-schemas';
import type { CloudSynthesis } from '../src';

/** Every problem of every object against its CRD schema (strict field validation); an object of no known CRD is a problem. */
export function crdProblems(objects: CloudSynthesis['objects']): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.apiVersion === 'v1') continue; // core objects (ConfigMap)
    const kind = crdKindOf(o.apiVersion, o.kind);
    if (!kind) {
      out.push(`${o.kind} ${o.metadata.name}: no CRD for ${o.apiVersion}`);
      continue;
    }
    for (const e of schemaErrors(crdSchema(kind), o)) out.push(`${o.kind} ${o.metadata.name}: ${e}`);
  }
  return out;
}
