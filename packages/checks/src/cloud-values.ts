/**
 * The cloud values Flux substitutes into an environment's infrastructure configs
 * (`postBuild.substituteFrom` of the infra-configs Kustomization), followed the way they flow:
 * the ConfigMap named there ← the ACK FieldExports that write its keys (infrastructure/cloud) ←
 * the ACK object each exports from. A file system adopted by id gives that id; one ACK creates
 * gives a well-formed stand-in (its id exists only once AWS made it), so the charts render and
 * upgrade safety compares what the cluster will run. A variable no FieldExport writes stays as
 * written (and the chart's schema refuses it by name).
 * fluxcd/kustomize-controller@v1.9.4:docs/spec/v1/kustomizations.md "Post build variable substitution".
 */
import { yamlDocuments } from '@strata/gitops';

/** The stand-in of an EFS file system id ACK has not created yet (FILE_SYSTEM_ID_STAND_IN of @strata/gitops). */
export const STAND_IN_FILE_SYSTEM_ID = 'fs-0123456789abcdef0';

/** Variable → value, for the configs of one environment (empty when it substitutes nothing). */
export function cloudSubstitutions(environments: ReadonlyMap<string, string>, environment: string): Map<string, string> {
  const out = new Map<string, string>();
  const entry = environments.get(`${environment}/infrastructure.yaml`);
  const resources = environments.get(`${environment}/infrastructure/cloud/resources.yaml`);
  if (entry === undefined || resources === undefined) return out;
  const configs = (yamlDocuments(entry) as any[]).find((d) => d?.kind === 'Kustomization' && d.metadata?.name === 'infra-configs');
  const from = new Set<string>((configs?.spec?.postBuild?.substituteFrom ?? []).filter((s: any) => s.kind === 'ConfigMap').map((s: any) => s.name));
  const objects = yamlDocuments(resources) as any[];
  for (const fe of objects.filter((o) => o?.kind === 'FieldExport' && o.spec?.to?.kind === 'configmap' && from.has(o.spec.to.name))) {
    const source = objects.find((o) => o?.kind === fe.spec.from.resource.kind && o.metadata?.name === fe.spec.from.resource.name);
    if (!source || typeof fe.spec.to.key !== 'string') continue;
    let value = STAND_IN_FILE_SYSTEM_ID;
    try {
      const adopted = JSON.parse(source.metadata?.annotations?.['services.k8s.aws/adoption-fields'] ?? '{}');
      if (fe.spec.from.path === '.status.fileSystemID' && typeof adopted.fileSystemID === 'string') value = adopted.fileSystemID;
    } catch {
      // not JSON: ACK refuses it (Terminal); the stand-in keeps the chart renderable
    }
    out.set(fe.spec.to.key, value);
  }
  return out;
}

/** Values with `${name}` replaced where `vars` has the name (strings only, as envsubst sees the YAML). */
export function substitute<T>(values: T, vars: ReadonlyMap<string, string>): T {
  if (vars.size === 0) return values;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}/g, (whole, name: string) => vars.get(name) ?? whole);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(values) as T;
}

/**
 * The ConfigMaps of an environment's cloud resources (infrastructure/cloud/resources.yaml) and the
 * keys ACK will write into each: a key counts when a FieldExport writes it from an ACK object of
 * the same directory (an S3 Files or EFS file system's `.status.fileSystemID`). The reference lint
 * follows a StorageClass's `fileSystemIdConfigRef` ("namespace/name/key") through these: the
 * ConfigMap must be made, and its key written by a FieldExport of an object that exists.
 */
export function cloudConfigMaps(environments: ReadonlyMap<string, string>, environment: string): { readonly objects: any[]; readonly keys: Map<string, string[]> } {
  const resources = environments.get(`${environment}/infrastructure/cloud/resources.yaml`);
  const keys = new Map<string, string[]>();
  if (resources === undefined) return { objects: [], keys };
  const objects = yamlDocuments(resources) as any[];
  const configMaps = objects.filter((o) => o?.kind === 'ConfigMap');
  for (const cm of configMaps) keys.set(`${cm.metadata.namespace}/${cm.metadata.name}`, Object.keys(cm.data ?? {}));
  for (const fe of objects.filter((o) => o?.kind === 'FieldExport' && o.spec?.to?.kind === 'configmap')) {
    const at = `${fe.spec.to.namespace ?? fe.metadata?.namespace}/${fe.spec.to.name}`;
    const source = objects.find((o) => o?.kind === fe.spec.from?.resource?.kind && o.metadata?.name === fe.spec.from?.resource?.name && o.apiVersion?.startsWith(`${fe.spec.from.resource.group}/`));
    if (source && keys.has(at) && typeof fe.spec.to.key === 'string') keys.get(at)!.push(fe.spec.to.key);
  }
  return { objects: configMaps, keys };
}
