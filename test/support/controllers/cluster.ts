import { Manifest } from '@strata/checks';

/**
 * The API server, as much of it as the controller models need: the objects that exist, when each
 * becomes ready or fails (as the test says it would), every creation and deletion, and the update
 * validation that refuses a change to an immutable field.
 *
 * Times are seconds from the start of a simulation; `NEVER` is a time that does not come.
 */
export type Seconds = number;
export const NEVER: Seconds = Infinity;

/** How an object behaves once applied: ready after some seconds (NEVER: it never is), failed after some (a Job's Failed condition, a rollout past its progress deadline). */
export interface Outcome {
  readonly readyAfter: Seconds;
  /** @default - it never fails */
  readonly failsAfter?: Seconds;
}

/** One object in the cluster, with the times (absolute) it becomes ready and fails. */
export interface LiveObject {
  readonly manifest: Manifest;
  readonly createdAt: Seconds;
  readonly readyAt: Seconds;
  readonly failsAt: Seconds;
}

/** What happened to an object, for the record. */
export interface ObjectEvent {
  readonly at: Seconds;
  readonly key: string;
  /** Which action did it: 'install', 'upgrade', 'rollback', 'uninstall', 'cleanup-on-fail'. */
  readonly by: string;
}

/** "Kind namespace/name" (no namespace for cluster-scoped objects): the identity the API server keys an object by. */
export function keyOf(o: Manifest): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/**
 * Fields the API server refuses to change on update, per kind. A Job's pod template, selector,
 * completions, completion mode, pod failure policy and per-index backoff limit are immutable
 * (kubernetes/kubernetes pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate); a claim's
 * class, access modes, volume mode, volume name and selector (pkg/apis/core/validation
 * ValidatePersistentVolumeClaimUpdate: only a larger storage request and a few others may change);
 * a PersistentVolume's source ("spec.persistentvolumesource is immutable after creation"), volume
 * mode and node affinity (ValidatePersistentVolumeUpdate); a StorageClass's provisioner,
 * parameters, reclaim policy and binding mode (pkg/apis/storage/validation ValidateStorageClassUpdate).
 */
const IMMUTABLE: { readonly [kind: string]: readonly string[] } = {
  Job: ['spec.template', 'spec.selector', 'spec.completions', 'spec.completionMode', 'spec.podFailurePolicy', 'spec.backoffLimitPerIndex', 'spec.managedBy', 'spec.successPolicy'],
  PersistentVolumeClaim: ['spec.storageClassName', 'spec.accessModes', 'spec.volumeMode', 'spec.volumeName', 'spec.selector'],
  PersistentVolume: ['spec.csi', 'spec.nfs', 'spec.hostPath', 'spec.local', 'spec.volumeMode', 'spec.nodeAffinity'],
  StorageClass: ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'],
};

/** The first immutable field that differs between the live object and its update, if any. */
export function immutableChange(live: Manifest, update: Manifest): string | undefined {
  return (IMMUTABLE[live.kind] ?? []).find((field) => stable(at(live, field)) !== stable(at(update, field)));
}

/** Whether two manifests differ (key order aside). */
export function differs(a: Manifest, b: Manifest): boolean {
  return stable(a) !== stable(b);
}

export class Cluster {
  private readonly objects = new Map<string, LiveObject>();
  public readonly created: ObjectEvent[] = [];
  public readonly updated: ObjectEvent[] = [];
  public readonly deleted: ObjectEvent[] = [];

  public get(key: string): LiveObject | undefined {
    return this.objects.get(key);
  }

  public has(key: string): boolean {
    return this.objects.has(key);
  }

  public keys(): string[] {
    return [...this.objects.keys()];
  }

  public create(o: Manifest, at: Seconds, outcome: Outcome, by: string): void {
    this.objects.set(keyOf(o), { manifest: o, createdAt: at, readyAt: at + outcome.readyAfter, failsAt: at + (outcome.failsAfter ?? NEVER) });
    this.created.push({ at, key: keyOf(o), by });
  }

  /** Replaces a live object's manifest; a new outcome (the object changed) restarts its clock, none keeps it. */
  public update(o: Manifest, at: Seconds, outcome: Outcome | undefined, by: string): void {
    const live = this.objects.get(keyOf(o));
    if (!live) throw new Error(`${keyOf(o)}: not found`);
    this.objects.set(keyOf(o), outcome ? { manifest: o, createdAt: live.createdAt, readyAt: at + outcome.readyAfter, failsAt: at + (outcome.failsAfter ?? NEVER) } : { ...live, manifest: o });
    this.updated.push({ at, key: keyOf(o), by });
  }

  public delete(key: string, at: Seconds, by: string): void {
    if (this.objects.delete(key)) this.deleted.push({ at, key, by });
  }

  /** How many times an object of this key was created: a Job created twice ran twice. */
  public creations(key: string): number {
    return this.created.filter((e) => e.key === key).length;
  }
}

function at(o: any, path: string): unknown {
  return path.split('.').reduce((cur, k) => (cur === undefined || cur === null ? undefined : cur[k]), o);
}

function stable(v: unknown): string {
  return JSON.stringify(sorted(v)) ?? 'undefined';
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
}
