import { INIT_SECONDS_ANNOTATION, NODE_AND_IMAGE_SECONDS } from '@strata/tokens';
import { EncodedFormula, evaluateEncodedFormula, printIn, refIn } from './content-name';

/**
 * What helm-controller waits for after an install, upgrade or rollback of a chart, and how long
 * each object may take to become ready — the chart's own account of its release timeout.
 *
 * helm-controller (fluxcd/helm-controller@v1.6.3 internal/action/wait.go, with kstatus from
 * fluxcd/cli-utils pkg/kstatus/status/core.go) waits until every object of the release is
 * Current or one Failed: a Job only when it completed (unless `disableWaitForJobs`), a
 * PersistentVolumeClaim once Bound, a Deployment or StatefulSet once every replica is updated and
 * available. The release `timeout` bounds each wait (docs/spec/v2/helmreleases.md "timeout"):
 * shorter than an object's honest bound, the action fails and is remediated.
 *
 * The same functions read a chart's release template (numbers may be value references: they
 * become facts, resolved per environment) and a release's resolved objects (plain numbers): the
 * overlay writer derives each HelmRelease's timeout from the first, the lifecycle check verifies
 * it on the second.
 */

/** A number a chart states: a literal, the release's value at `$value` (times `multiply`), or a formula over values. */
export type Fact = number | { readonly $value: string; readonly multiply?: number } | { readonly $formula: EncodedFormula };

/** One object helm-controller waits for, with what its readiness depends on. */
export type AwaitedObject =
  | {
      readonly kind: 'Job';
      /** The object name (a suffix in a chart's template; the full name in a resolved release). */
      readonly name: string;
      /** `activeDeadlineSeconds`: the whole Job succeeds or fails within it. @default - no bound */
      readonly deadline?: Fact;
    }
  | {
      readonly kind: 'Deployment' | 'StatefulSet';
      readonly name: string;
      readonly replicas: Fact;
      /** Pods replaced per round: `maxSurge` of a Deployment (absolute or "N%"); 1 for a StatefulSet (one pod at a time). */
      readonly surge: Fact | string;
      /** Seconds one pod needs to become ready, as terms to add: node and image, startup probe. */
      readonly podReady: readonly Fact[];
      /** Seconds the first new pod's init containers may wait (a gate for data another Job prepares; later pods find it ready). */
      readonly init?: Fact;
      /** `progressDeadlineSeconds` of a Deployment: kstatus calls the rollout Failed after this long without progress. */
      readonly progressDeadline?: Fact;
      /** Claims (names) the pods mount: they must be bound before the first pod starts. */
      readonly claims: readonly string[];
    }
  | {
      readonly kind: 'PersistentVolumeClaim';
      readonly name: string;
      /** The claim's class ('' for a static volume). */
      readonly storageClassName: Fact | string;
    };

/** Kubernetes' default progressDeadlineSeconds of a Deployment (apps/v1 DeploymentSpec). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Reads a number from a manifest: a literal, a numeric string, or (in a template) a value reference. */
export function factOf(v: unknown): Fact | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const ref = refIn(v);
  if (ref?.formula) return { $formula: ref.formula };
  if (ref && !ref.path.startsWith('$')) return ref.multiplier !== undefined ? { $value: ref.path, multiply: ref.multiplier } : { $value: ref.path };
  const parts = printIn(v);
  if (parts && parts.length === 1 && typeof parts[0] !== 'string' && !parts[0].path.startsWith('$')) return { $value: parts[0].path };
  return undefined;
}

type Json = { readonly [key: string]: any };

/** The objects of a chart (template objects) or of a release (resolved objects) that helm-controller waits for. */
export function awaitedObjects(objects: readonly Json[]): AwaitedObject[] {
  const out: AwaitedObject[] = [];
  for (const o of objects) {
    const name = nameOf(o);
    if (o.kind === 'Job') {
      const deadline = factOf(o.spec?.activeDeadlineSeconds);
      out.push({ kind: 'Job', name, ...(deadline !== undefined ? { deadline } : {}) });
    } else if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
      const pod = o.spec?.template ?? {};
      const podReady: Fact[] = [NODE_AND_IMAGE_SECONDS, ...startupBound(pod.spec ?? {})];
      const init = factOf(pod.metadata?.annotations?.[INIT_SECONDS_ANNOTATION]);
      const claims = (pod.spec?.volumes ?? []).map((v: Json) => v.persistentVolumeClaim?.claimName).filter((c: unknown) => c !== undefined).map((c: unknown) => nameOf({ metadata: { name: c } }));
      const replicas = factOf(o.spec?.replicas) ?? 1;
      const surge = o.kind === 'StatefulSet' ? 1 : (factOf(o.spec?.strategy?.rollingUpdate?.maxSurge) ?? stringOf(o.spec?.strategy?.rollingUpdate?.maxSurge) ?? '25%');
      const progressDeadline = o.kind === 'Deployment' ? (factOf(o.spec?.progressDeadlineSeconds) ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) : undefined;
      out.push({ kind: o.kind, name, replicas, surge, podReady, ...(init !== undefined ? { init } : {}), ...(progressDeadline !== undefined ? { progressDeadline } : {}), claims });
    } else if (o.kind === 'PersistentVolumeClaim') {
      const sc = o.spec?.storageClassName;
      out.push({ kind: 'PersistentVolumeClaim', name, storageClassName: factOf(sc) ?? stringOf(sc) ?? '' });
    }
  }
  return out;
}

/** A startup probe's bound: initialDelaySeconds + periodSeconds × failureThreshold (Kubernetes defaults 0, 10, 3), of the slowest container. */
function startupBound(spec: Json): Fact[] {
  let best: Fact[] = [];
  let bestLiteral = -1;
  for (const c of spec.containers ?? []) {
    const p = c.startupProbe;
    if (!p) continue;
    const delay = factOf(p.initialDelaySeconds) ?? 0;
    const period = factOf(p.periodSeconds) ?? 10;
    const threshold = factOf(p.failureThreshold) ?? 3;
    if (typeof period !== 'number' || typeof threshold !== 'number') continue; // a product of values cannot be a fact
    const terms: Fact[] = [delay, period * threshold];
    const literal = terms.reduce<number>((n, t) => n + (typeof t === 'number' ? t : 0), 0);
    if (literal > bestLiteral) {
      best = terms;
      bestLiteral = literal;
    }
  }
  return best;
}

function nameOf(o: Json): string {
  const n = o.metadata?.name;
  if (typeof n === 'string') return n;
  const ref = refIn(n);
  return ref ? ref.path.replace(/^\$[a-z]+:/, '') : '?';
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Resolves a fact with a release's values (chart defaults merged with the environment's): what the value is (a number after arithmetic). */
export function resolveFactWith(f: Fact | string, valueAt: (path: string) => unknown): unknown {
  if (typeof f === 'number' || typeof f === 'string') return f;
  if ('$formula' in f) return evaluateEncodedFormula(f.$formula, (r) => (r.multiplier !== undefined ? Math.trunc(Number(valueAt(r.path))) * r.multiplier : valueAt(r.path)));
  const v = valueAt(f.$value);
  return f.multiply !== undefined ? Math.trunc(Number(v)) * f.multiply : v;
}

/** A resolved fact as a number, or undefined when it is none. */
function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** How long the wait for each object may honestly take, in seconds (Infinity: no bound), and the total the release timeout must cover. */
export interface AwaitBudget {
  /** Seconds per awaited object (name → seconds), in the order given. */
  readonly objects: readonly { readonly kind: string; readonly name: string; readonly seconds: number; readonly why: string }[];
  /** Jobs without a deadline: waiting for them has no bound (`disableWaitForJobs` is then needed). */
  readonly unboundedJobs: readonly string[];
  /** The longest wait among the objects helm-controller will wait for (Jobs only when `waitForJobs`). */
  readonly longest: number;
}

export interface AwaitBudgetOptions {
  /** Reads a fact (resolved per release; see resolveFactWith). */
  readonly resolve: (f: Fact) => unknown;
  /** Seconds until a claim of this class is bound (dynamic provisioning), by class name. */
  readonly provisioningSeconds: (storageClassName: string) => number;
  /** Whether Jobs are awaited (helm-controller's default; `disableWaitForJobs: true` turns it off). */
  readonly waitForJobs: boolean;
}

/** The seconds each awaited object may take (see AwaitBudget). */
export function awaitBudget(objects: readonly AwaitedObject[], options: AwaitBudgetOptions): AwaitBudget {
  const o = { ...options, resolve: (f: Fact) => numberOf(options.resolve(f)) };
  const claimSeconds = new Map<string, number>();
  for (const a of objects) {
    if (a.kind !== 'PersistentVolumeClaim') continue;
    const sc = typeof a.storageClassName === 'string' ? a.storageClassName : options.resolve(a.storageClassName);
    claimSeconds.set(a.name, o.provisioningSeconds(String(sc ?? '')));
  }
  const out: { kind: string; name: string; seconds: number; why: string }[] = [];
  const unboundedJobs: string[] = [];
  for (const a of objects) {
    if (a.kind === 'Job') {
      const deadline = a.deadline === undefined ? undefined : o.resolve(a.deadline);
      if (deadline === undefined) unboundedJobs.push(a.name);
      out.push({ kind: a.kind, name: a.name, seconds: deadline ?? Infinity, why: deadline === undefined ? 'no activeDeadlineSeconds' : `activeDeadlineSeconds ${deadline}` });
    } else if (a.kind === 'PersistentVolumeClaim') {
      const s = claimSeconds.get(a.name) ?? 0;
      out.push({ kind: a.kind, name: a.name, seconds: s, why: `bound within ${s} s` });
    } else {
      const replicas = Math.max(0, Math.trunc(o.resolve(a.replicas) ?? 1));
      const surge = surgePods(typeof a.surge === 'string' && a.surge.endsWith('%') ? a.surge : typeof a.surge === 'string' ? Number(a.surge) : o.resolve(a.surge), replicas);
      const pod = a.podReady.reduce<number>((n, f) => n + (o.resolve(f) ?? 0), 0);
      const init = a.init === undefined ? 0 : (o.resolve(a.init) ?? 0);
      const rounds = replicas === 0 ? 0 : Math.ceil(replicas / surge);
      const bind = Math.max(0, ...a.claims.map((c) => claimSeconds.get(c) ?? 0));
      const seconds = replicas === 0 ? 0 : bind + init + rounds * pod;
      out.push({
        kind: a.kind,
        name: a.name,
        seconds,
        why: `${replicas} replica(s) in ${rounds} round(s) of ${pod} s${init > 0 ? `, the first after a gate of up to ${init} s` : ''}${bind > 0 ? `, after claims bound within ${bind} s` : ''}`,
      });
    }
  }
  const longest = Math.max(0, ...out.filter((x) => o.waitForJobs || x.kind !== 'Job').map((x) => x.seconds));
  return { objects: out, unboundedJobs, longest };
}

/** Pods one rollout round may add: maxSurge absolute, or a percentage of replicas rounded up (Kubernetes' rule), at least 1. */
function surgePods(surge: number | string | undefined, replicas: number): number {
  if (typeof surge === 'string') return Math.max(1, Math.ceil((replicas * Number(surge.slice(0, -1))) / 100));
  return Math.max(1, Math.trunc(surge ?? 1));
}

/**
 * Seconds until a claim of a class is bound, by the class's provisioner: FSx for Lustre creates a
 * file system (minutes: "it can take 5–10 minutes" for scratch, longer for persistent ones —
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/getting-started.html; 30 minutes of margin),
 * EFS an access point (seconds), static and local volumes bind as soon as they exist or are chosen.
 */
export const PROVISIONING_SECONDS: { readonly [provisioner: string]: number } = {
  'fsx.csi.aws.com': 1800,
  'efs.csi.aws.com': 120,
  's3.csi.aws.com': 0,
  'kubernetes.io/no-provisioner': 0,
};

/** A HelmRelease timeout (a Go duration) covering `seconds` plus a margin for Helm's own work, in whole minutes, at least 10 minutes. */
export function timeoutFor(seconds: number): string {
  const minutes = Math.max(10, Math.ceil((seconds + 300) / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${m > 0 ? `${m}m` : ''}` : `${m}m`;
}
