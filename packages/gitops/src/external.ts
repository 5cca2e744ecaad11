/**
 * Objects an environment declares external (`external` of EnvironmentDefinition): made outside
 * strata, referred to by its charts. One flat list of them, the same for the plan (tier rules,
 * report) and for generate's reference lint (@strata/checks), and the exact entry that declares one.
 */
import { EnvironmentDefinition, ExternalDefinition, ExternalStorageClass, StorageTierName } from './environment';
import { isDriverTier } from './drivers';
import { TIER_PROVISIONERS } from './release-policy';
import { isPlainObject } from './values';

/** The kinds an environment may declare external. */
export type ExternalKind = 'StorageClass' | 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** Each section of `external` and the kind it declares, in the order the report lists them. */
export const EXTERNAL_SECTIONS: { readonly [section in keyof Required<ExternalDefinition>]: ExternalKind } = {
  storageClasses: 'StorageClass',
  persistentVolumeClaims: 'PersistentVolumeClaim',
  secrets: 'Secret',
  configMaps: 'ConfigMap',
  serviceAccounts: 'ServiceAccount',
};

/** One declared external object. */
export interface ExternalObject {
  readonly kind: ExternalKind;
  /** Its namespace (none for a StorageClass, which is cluster-scoped). */
  readonly namespace?: string;
  readonly name: string;
  /** The data keys it is declared with (Secrets and ConfigMaps), when given. */
  readonly keys?: readonly string[];
  /** Where it is declared in the definition: "external.secrets[0]". */
  readonly field: string;
  /** The declaration as written. */
  readonly declaration: { readonly [key: string]: unknown };
}

/**
 * Every object of `external`, in declaration order (sections as EXTERNAL_SECTIONS orders them).
 * Entries that are not objects with a string name are left out: planEnvironment reports them.
 */
export function externalObjects(def: Pick<EnvironmentDefinition, 'external'> | undefined): ExternalObject[] {
  const external: unknown = def?.external;
  if (!isPlainObject(external)) return [];
  const out: ExternalObject[] = [];
  for (const [section, kind] of Object.entries(EXTERNAL_SECTIONS)) {
    const list = external[section];
    if (!Array.isArray(list)) continue;
    list.forEach((d: unknown, i) => {
      if (!isPlainObject(d) || typeof d.name !== 'string') return;
      const keys = Array.isArray(d.keys) && d.keys.every((k) => typeof k === 'string') ? (d.keys as string[]) : undefined;
      out.push({
        kind,
        ...(kind !== 'StorageClass' && typeof d.namespace === 'string' ? { namespace: d.namespace } : {}),
        name: d.name,
        ...(keys ? { keys } : {}),
        field: `external.${section}[${i}]`,
        declaration: d,
      });
    });
  }
  return out;
}

/** "Secret ml-dev/hf-token", "StorageClass team-efs". */
export function externalName(o: { readonly kind: string; readonly namespace?: string; readonly name: string }): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/**
 * The entry that declares an object external, as it is written in environment.ts:
 * `external: { secrets: [{ namespace: 'ml-dev', name: 'hf-token' }] }`.
 */
export function externalEntry(kind: ExternalKind, namespace: string | undefined, name: string): string {
  const section = Object.entries(EXTERNAL_SECTIONS).find(([, k]) => k === kind)![0];
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const fields = kind === 'StorageClass' || namespace === undefined ? `name: ${q(name)}` : `namespace: ${q(namespace)}, name: ${q(name)}`;
  return `external: { ${section}: [{ ${fields} }] }`;
}

/** Whether a kind can be declared external. */
export function isExternalKind(kind: string): kind is ExternalKind {
  return (Object.values(EXTERNAL_SECTIONS) as string[]).includes(kind);
}

/**
 * The tier of an external class: as declared, else the tier whose CSI provisioner it names
 * (efs.csi.aws.com is EFS, or S3 Files when its provisioningMode is s3files-ap), else unknown.
 */
export function externalClassTier(c: Pick<ExternalStorageClass, 'tier' | 'provisioner' | 'parameters'>): StorageTierName | undefined {
  if (c.tier !== undefined) return c.tier;
  // The EFS driver provisions both; the mode tells them apart (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L187-L198).
  if (c.provisioner === TIER_PROVISIONERS.efs && c.parameters?.provisioningMode === 's3files-ap') return 's3-files';
  // Only a tier's CSI driver names its tier: kubernetes.io/no-provisioner serves any local volume, not only instance store.
  const found = Object.entries(TIER_PROVISIONERS).find(([t, p]) => isDriverTier(t) && p === c.provisioner);
  return found ? (found[0] as StorageTierName) : undefined;
}

/** The declared external StorageClasses by name, each with its field and tier (declared or from its provisioner). */
export function externalClasses(def: Pick<EnvironmentDefinition, 'external'> | undefined): Map<string, { readonly storageClass: ExternalStorageClass; readonly field: string; readonly tier?: StorageTierName }> {
  const out = new Map<string, { storageClass: ExternalStorageClass; field: string; tier?: StorageTierName }>();
  for (const o of externalObjects(def)) {
    if (o.kind !== 'StorageClass' || out.has(o.name)) continue;
    const storageClass = o.declaration as unknown as ExternalStorageClass;
    const tier = externalClassTier(storageClass);
    out.set(o.name, { storageClass, field: o.field, ...(tier ? { tier } : {}) });
  }
  return out;
}

/** The provisioner of an external class: as declared, else its tier's. */
export function externalClassProvisioner(c: Pick<ExternalStorageClass, 'tier' | 'provisioner' | 'parameters'>): string | undefined {
  if (typeof c.provisioner === 'string') return c.provisioner;
  const tier = externalClassTier(c);
  return tier ? TIER_PROVISIONERS[tier] : undefined;
}
