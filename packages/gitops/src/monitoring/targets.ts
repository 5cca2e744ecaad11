import { classOfClaim, EnvironmentPlan, PlannedWorkload, ResolvedClaim } from '../plan';
import { fsxSettings } from '../report';
import { isPlainObject, valueAt } from '../values';

/** One FSx for Lustre file system of the environment: a claim on a class makes one each; an existing one is shared. */
export interface FsxTarget {
  /** The file system ID when the environment states it (an existing file system); a class-made one gets its ID only when the driver creates it. */
  readonly id?: string;
  readonly capacityGiB?: number;
  readonly deploymentType?: string;
  readonly storageType: string;
  readonly perUnitStorageThroughput?: number;
  /** `workload/claim` of each claim on it. */
  readonly users: readonly string[];
  /** The class it is made from (class-made file systems). */
  readonly className?: string;
}

export interface EfsTarget {
  readonly id: string;
  readonly className?: string;
  readonly release: string;
  readonly users: readonly string[];
}

export interface S3Target {
  readonly bucket: string;
  readonly users: readonly string[];
  /** The data the claims on it expect to hold (their expectedDataGiB facts, summed), when they say. */
  readonly expectedGiB?: number;
}

export interface NvmeTarget {
  readonly user: string;
  readonly namespace: string;
  readonly sizeGiB?: number;
  readonly kind: string;
}

/** What the environment's storage is, as monitoring sees it. */
export interface MonitoringTargets {
  readonly fsx: readonly FsxTarget[];
  readonly efs: readonly EfsTarget[];
  readonly s3: readonly S3Target[];
  readonly nvme: readonly NvmeTarget[];
  /** The StorageClasses claims here name, per tier ("" for claims bound to a volume the chart makes). */
  readonly classes: { readonly [tier: string]: readonly string[] };
  /** The namespaces of the workloads with claims, per tier. */
  readonly namespaces: { readonly [tier: string]: readonly string[] };
}

/** The claims that stand for storage of their own (a claim with class "" binds a volume another construct describes). */
function provisioning(w: PlannedWorkload): readonly ResolvedClaim[] {
  return (w.claims ?? []).filter((c) => c.facts.storageClassName !== '');
}

/**
 * The existing FSx file system IDs a workload's values state, by the top-level value key
 * (`dataset.existingFileSystem.fileSystemId` → dataset): charts bind an existing file system
 * through a value object with `enabled: true` and a `fileSystemId` (an `fs-` ID).
 */
function existingFileSystems(w: PlannedWorkload): Map<string, string> {
  const out = new Map<string, string>();
  const find = (v: unknown): string | undefined => {
    if (!isPlainObject(v)) return undefined;
    if (v.enabled === true && typeof v.fileSystemId === 'string' && /^fs-[0-9a-f]{8,}$/.test(v.fileSystemId)) return v.fileSystemId;
    for (const k of Object.keys(v).sort()) {
      const id = find(v[k]);
      if (id !== undefined) return id;
    }
    return undefined;
  };
  for (const key of Object.keys(w.merged).sort()) {
    const id = find(w.merged[key]);
    if (id !== undefined) out.set(key, id);
  }
  return out;
}

export function monitoringTargets(plan: EnvironmentPlan): MonitoringTargets {
  const fsx: FsxTarget[] = [];
  const fsxById = new Map<string, { target: FsxTarget; users: string[] }>();
  const efs = new Map<string, { target: EfsTarget; users: string[] }>();
  const s3 = new Map<string, string[]>();
  const s3Gib = new Map<string, number>();
  const nvme: NvmeTarget[] = [];
  const classes = new Map<string, Set<string>>();
  const namespaces = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) => m.set(k, new Set([...(m.get(k) ?? []), v]));
  for (const w of plan.workloads) {
    const existing = existingFileSystems(w);
    for (const cl of provisioning(w)) {
      const user = `${w.name}/${cl.name}`;
      add(namespaces, cl.tier, w.namespace);
      if (cl.tier === 'fsx-lustre' || cl.tier === 'efs' || cl.tier === 's3-files') {
        const cls = classOfClaim(plan, w, cl);
        add(classes, cl.tier, cls.kind === 'bound' || cls.kind === 'unstated' ? '' : cls.name);
      }
      if (cl.tier === 'fsx-lustre') {
        const s = fsxSettings(plan, w, cl);
        const id = cl.facts.source === 'existing file system' ? existing.get(cl.name.split('/')[0]) : undefined;
        const base = { capacityGiB: s.capacityGiB, deploymentType: s.deploymentType, storageType: s.storageType, perUnitStorageThroughput: s.perUnitStorageThroughput };
        if (id !== undefined) {
          const known = fsxById.get(id);
          if (known) known.users.push(user);
          else fsxById.set(id, { target: { id, ...base, users: [] }, users: [user] });
        } else fsx.push({ ...base, users: [user], ...(s.className ? { className: s.className } : {}) });
      } else if (cl.tier === 'efs') {
        const cls = classOfClaim(plan, w, cl);
        const tier = cls.kind === 'tier' ? plan.tiers.find((t) => t.release === cls.tierClass.release) : undefined;
        const id = tier ? valueAt(tier.merged, 'fileSystemId') : undefined;
        if (typeof id === 'string' && id !== '') {
          const known = efs.get(id);
          if (known) known.users.push(user);
          else efs.set(id, { target: { id, className: tier!.storageClassName, release: tier!.release, users: [] }, users: [user] });
        }
      } else if (cl.tier === 's3' && typeof cl.facts.bucketName === 'string') {
        s3.set(cl.facts.bucketName, [...(s3.get(cl.facts.bucketName) ?? []), user]);
        if (typeof cl.facts.expectedDataGiB === 'number') s3Gib.set(cl.facts.bucketName, (s3Gib.get(cl.facts.bucketName) ?? 0) + cl.facts.expectedDataGiB);
      } else if (cl.tier === 'instance-store') {
        nvme.push({ user, namespace: w.namespace, ...(typeof cl.facts.sizeGiB === 'number' ? { sizeGiB: cl.facts.sizeGiB } : {}), kind: String(cl.facts.kind ?? 'emptyDir') });
      }
    }
  }
  const sorted = (m: Map<string, Set<string>>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
  return {
    fsx: [...fsx, ...[...fsxById.values()].map((e) => ({ ...e.target, users: e.users }))],
    efs: [...efs.values()].map((e) => ({ ...e.target, users: e.users })),
    s3: [...s3.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([bucket, users]) => ({ bucket, users, ...(s3Gib.has(bucket) ? { expectedGiB: s3Gib.get(bucket) } : {}) })),
    nvme,
    classes: sorted(classes),
    namespaces: sorted(namespaces),
  };
}
