import { crdImmutableFields, valuesAtPath } from './crd-immutable';
import { Manifest, ownerOf } from '@strata/tokens';
import { quantity } from './quantity';

/**
 * Upgrade safety: what a cluster does when a release moves from one chart version (or one set of
 * values) to the next. The API server refuses changes to immutable fields — the upgrade fails, and
 * with remediation the release is rolled back or uninstalled — and some allowed changes lose or
 * orphan data: a claim taken out of the chart is left behind by Helm (resource-policy keep) with
 * nothing mounting it, a volume switched from Retain to Delete takes its data with it.
 *
 * `upgradeChanges` compares the objects of a release before and after and lists each such change,
 * with the object, the field, old → new, and the way forward. A Mountpoint volume and its claim
 * taken out are no such change: they point to a bucket and hold nothing (`s3PointerObjects`).
 */
export interface UpgradeChange {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The field that changes ("spec.storageClassName"), or "removed" for an object taken out. */
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
  /** What the cluster does with it. */
  readonly problem: string;
  /** The way forward. */
  readonly fix: string;
}

interface FieldRule {
  readonly field: string;
  readonly problem: string;
  readonly fix: string;
  /** Only some changes are refused (a smaller request, Retain → Delete); default: any change. */
  readonly refused?: (from: any, to: any) => boolean;
}

const IMMUTABLE = 'the API server refuses the change (the field is immutable), so the upgrade fails and helm-controller retries or remediates it';

/**
 * Fields of each kind a running object cannot change, or whose change loses data.
 * @see kubernetes pkg/apis/storage/validation ValidateStorageClassUpdate; pkg/apis/core/validation
 * ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaimUpdate, ValidateServiceUpdate;
 * pkg/apis/batch/validation ValidateJobSpecUpdate; pkg/apis/apps/validation ValidateStatefulSetUpdate,
 * ValidateDeploymentUpdate.
 */
const FIELDS: { readonly [kind: string]: readonly FieldRule[] } = {
  StorageClass: [
    ...['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'].map((field) => ({
      field,
      problem: IMMUTABLE,
      fix: 'give the class a new name (its chart value) so a new class is made; existing claims keep the old class and its settings, new claims get the new one',
    })),
  ],
  PersistentVolume: [
    { field: 'spec.csi', problem: IMMUTABLE, fix: 'make a new PersistentVolume (a new name) for the new source, and a claim bound to it; the old volume keeps its data' },
    { field: 'spec.nodeAffinity', problem: IMMUTABLE, fix: 'make a new PersistentVolume for the new placement' },
    {
      field: 'spec.persistentVolumeReclaimPolicy',
      refused: (from, to) => from === 'Retain' && to === 'Delete',
      problem: 'the API server allows it, but when the claim is released the volume and its data are deleted',
      fix: 'keep Retain; delete the data yourself, deliberately, when it is no longer needed',
    },
  ],
  PersistentVolumeClaim: [
    { field: 'spec.storageClassName', problem: IMMUTABLE, fix: 'make a new claim (a new name) of the new class, copy the data across, then take the old claim out' },
    { field: 'spec.volumeName', problem: IMMUTABLE, fix: 'make a new claim bound to the new volume' },
    { field: 'spec.accessModes', problem: IMMUTABLE, fix: 'make a new claim with the new access modes' },
    { field: 'spec.volumeMode', problem: IMMUTABLE, fix: 'make a new claim' },
    { field: 'spec.selector', problem: IMMUTABLE, fix: 'make a new claim' },
    {
      field: 'spec.resources.requests.storage',
      refused: (from, to) => (quantity(to) ?? 0) < (quantity(from) ?? 0),
      problem: 'the API server refuses a smaller request (claims only grow)',
      fix: 'keep the size; to shrink, make a new claim and copy the data',
    },
  ],
  Job: ['spec.template', 'spec.selector', 'spec.completionMode', 'spec.podFailurePolicy', 'spec.backoffLimitPerIndex', 'spec.managedBy', 'spec.successPolicy'].map((field) => ({
    field,
    problem: IMMUTABLE,
    fix: 'name the Job by its content (a WorkloadChart does), so a changed Job is a new one',
  })),
  StatefulSet: ['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates', 'spec.podManagementPolicy'].map((field) => ({
    field,
    problem: IMMUTABLE,
    fix: 'make a new StatefulSet (a new name) and move to it; its claims keep the data',
  })),
  Deployment: [{ field: 'spec.selector', problem: IMMUTABLE, fix: 'make a new Deployment (a new name)' }],
  DaemonSet: [{ field: 'spec.selector', problem: IMMUTABLE, fix: 'make a new DaemonSet (a new name)' }],
  ReplicaSet: [{ field: 'spec.selector', problem: IMMUTABLE, fix: 'make a new ReplicaSet (a new name)' }],
  Service: [
    { field: 'spec.clusterIP', refused: (from, to) => from !== undefined && from !== '' && from !== to, problem: IMMUTABLE, fix: 'make a new Service (a new name)' },
  ],
};

/** Whether an object holds data that must outlive its release (a claim, or anything Helm keeps). */
function holdsData(o: Manifest): boolean {
  return o.kind === 'PersistentVolumeClaim' || o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep' || (o.kind === 'PersistentVolume' && o.spec?.persistentVolumeReclaimPolicy === 'Retain');
}

/** The CSI driver of Mountpoint for Amazon S3, whose volumes point to a bucket (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L8-L92). */
const S3_POINTER_DRIVER = 's3.csi.aws.com';

/**
 * The Mountpoint volumes of a release, and the claims bound to them (by `spec.volumeName`): they
 * point to a bucket prefix and hold nothing themselves — the data is in the bucket, which no
 * Kubernetes object deletes (the driver provisions nothing: static volumes only, and a Retain
 * volume's deletion leaves its source alone). Taking such a pair out (a new source is a new pair,
 * named by it) loses no data.
 */
export function s3PointerObjects(objects: readonly Manifest[]): Set<Manifest> {
  const volumes = objects.filter((o) => o.kind === 'PersistentVolume' && o.spec?.csi?.driver === S3_POINTER_DRIVER);
  const names = new Set(volumes.map((v) => v.metadata.name));
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim' && typeof o.spec?.volumeName === 'string' && names.has(o.spec.volumeName));
  return new Set([...volumes, ...claims]);
}

/**
 * Mountpoint volumes and claims the new release drops that Helm leaves in place because the old
 * one marked them `helm.sh/resource-policy: keep` (charts before S3 pointers stopped carrying it):
 * they hold no data, and nothing mounts them any more; delete them when the release has moved.
 */
export function keptPointersLeftBehind(before: readonly Manifest[], after: readonly Manifest[]): Manifest[] {
  const key = (o: Manifest) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const next = new Set(after.map(key));
  return [...s3PointerObjects(before)].filter((o) => !next.has(key(o)) && o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep');
}

/** Every change of a release's objects, from `before` to `after`, that a cluster refuses or that loses or orphans data. */
export function upgradeChanges(before: readonly Manifest[], after: readonly Manifest[]): UpgradeChange[] {
  const key = (o: Manifest) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const next = new Map(after.map((o) => [key(o), o]));
  const previous = new Set(before.map(key));
  const pointers = s3PointerObjects(before);
  const out: UpgradeChange[] = [];
  for (const old of before) {
    const now = next.get(key(old));
    const id = { kind: old.kind, name: old.metadata.name, ...(old.metadata.namespace ? { namespace: old.metadata.namespace } : {}) };
    if (!now) {
      if (!holdsData(old) || pointers.has(old)) continue;
      // A claim that appears as this one goes: most likely the same data under a new name (Mountpoint claims point to a bucket: never).
      const newPointers = s3PointerObjects(after);
      const replacement = old.kind === 'PersistentVolumeClaim' ? after.find((o) => o.kind === old.kind && !previous.has(key(o)) && !newPointers.has(o)) : undefined;
      out.push({
        ...id,
        field: 'removed',
        from: old.metadata.name,
        to: replacement ? replacement.metadata.name : undefined,
        problem:
          old.kind === 'PersistentVolumeClaim'
            ? `Helm leaves it in place (resource-policy keep) but nothing mounts it any more: its data stays in ${old.spec?.volumeName ? `volume ${old.spec.volumeName}` : `its ${old.spec?.storageClassName ? `${old.spec.storageClassName} ` : ''}volume`}, orphaned${replacement ? `, and ${replacement.metadata.name} starts empty` : ''}`
            : `it is deleted with the release's upgrade, and the data it points to is left without an object that names it`,
        fix:
          old.kind === 'PersistentVolumeClaim'
            ? `keep the claim's name (its construct id) so the new version mounts the same data; to move the data on purpose, copy it to the new claim, then accept the removal`
            : 'keep the object, or accept its removal once its data is safe elsewhere',
      });
      continue;
    }
    if (old.metadata.annotations?.['helm.sh/resource-policy'] === 'keep' && now.metadata.annotations?.['helm.sh/resource-policy'] !== 'keep' && !pointers.has(old)) {
      out.push({ ...id, field: 'metadata.annotations.helm.sh/resource-policy', from: 'keep', to: undefined, problem: 'helm uninstall and Helm upgrades that drop it then delete it, and its data', fix: 'keep helm.sh/resource-policy: keep on objects holding data' });
    }
    // A custom resource's fields its CRD keeps immutable (a NIMCache's modelPuller, a RayService's
    // rayClusterConfig parts, a TrainingRuntime's JobSet policies).
    for (const f of crdImmutableFields(old.apiVersion, old.kind)) {
      const from = valuesAtPath(old, f.path);
      const to = valuesAtPath(now, f.path);
      if (JSON.stringify(canonical(from)) === JSON.stringify(canonical(to))) continue;
      out.push({ ...id, field: f.path, from, to, problem: `${IMMUTABLE}${f.message ? ` ("${f.message}", its CRD's rule)` : ' (its CRD\'s rule self == oldSelf)'}`, fix: `make a new ${old.kind} (a new name) with the new value` });
    }
    for (const rule of FIELDS[old.kind] ?? []) {
      const from = at(old, rule.field);
      const to = at(now, rule.field);
      if (JSON.stringify(canonical(from)) === JSON.stringify(canonical(to))) continue;
      if (rule.refused && !rule.refused(from, to)) continue;
      out.push({ ...id, field: rule.field, from, to, problem: rule.problem, fix: rule.fix });
    }
  }
  return out;
}

/** One change as a line: "PersistentVolumeClaim ml/x spec.storageClassName: "a" → "b": <problem>; <fix>". */
export function describeChange(c: UpgradeChange): string {
  const owner = ownerOf({ kind: c.kind, metadata: { name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) } });
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return c.field === 'removed' ? `${owner} is removed${c.to ? ` (a new claim ${c.to} appears: renamed?)` : ''}: ${c.problem}; ${c.fix}` : `${owner} ${c.field}: ${show(c.from)} → ${show(c.to)}: ${c.problem}; ${c.fix}`;
}

function at(o: any, path: string): unknown {
  if (!path.includes('.')) return o?.[path];
  return path.split('.').reduce((cur, k) => (cur === undefined || cur === null ? undefined : cur[k]), o);
}

/** Key order never counts as a change. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
