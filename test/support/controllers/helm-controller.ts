import { durationSeconds, Manifest } from '@strata/checks';
import { Cluster, differs, immutableChange, keyOf, NEVER, Outcome, Seconds } from './cluster';

/**
 * helm-controller v1.x (fluxcd/helm-controller@v1.6.3, Helm v4.2.4 inside) reconciling one
 * HelmRelease, as an executable model: which Helm action it runs in which state, what each action
 * creates, changes, deletes and keeps, how long it waits and for what, and what it does when an
 * action fails.
 *
 * - The next action follows the release's state (internal/reconcile/atomic_release.go
 *   actionForState, #L322-L546): no release → install; a failed one → with RetryOnFailure an
 *   upgrade after retryInterval (#L471-L481: "we behave just like flux reconcile hr --force"),
 *   otherwise its remediation — uninstall after a failed install (api/v2/helmrelease_types.go
 *   #L738-L741), rollback (default) or uninstall after a failed upgrade (#L1032-L1038) — until the
 *   failures pass `retries` (#L753-L756, #L1050-L1053), the last one remediated only with
 *   remediateLastFailure (install: default false, #L729-L736; upgrade: default `retries > 0`,
 *   #L1023-L1030); then the release is Stalled (atomic_release.go#L509-L512). Out of sync → upgrade; in sync → Ready.
 *   (docs/spec/v2/helmreleases.md#L602-L643 install strategy and remediation, #L689-L735 upgrade.)
 * - Helm applies a release as helm@v4.2.4 pkg/kube/client.go update (#L573-L700): every object of
 *   the new release is created when missing, else patched; a patch the API server refuses (an
 *   immutable field) fails the action before anything is deleted; then the objects of the current
 *   release that the new one lacks are deleted, except those annotated helm.sh/resource-policy:
 *   keep (#L678-L681). An upgrade's current release is the last deployed one, or the last failed
 *   one when none is deployed (pkg/action/upgrade.go#L251-L270); a rollback applies the previous
 *   release over the failed one (pkg/action/rollback.go#L197-L235), so an object the failed upgrade
 *   deleted — a Job under its old, content-derived name — is created again, and a Job created is a
 *   Job that runs. cleanupOnFail deletes what the failed upgrade created, kept or not
 *   (pkg/action/upgrade.go#L528-L550). Uninstall deletes the release's objects except the kept ones
 *   (pkg/action/uninstall.go#L256-L288). helm-controller installs with takeOwnership
 *   (docs#L590-L591 `.disableTakeOwnership` defaults to false): objects left by an uninstall are
 *   adopted, not refused.
 * - The wait (internal/action/wait.go#L108-L128): after the objects are applied, every one must be
 *   Current within the action's timeout — one timeout for the whole wait, so each object has the
 *   full timeout from the start of it, not a share (docs#L570-L572: "the time to wait for any
 *   individual Kubernetes operation"; default 5m, #L1256-L1262) — and the first Failed one fails
 *   it at once (failFast). A Job is Current only when complete with waitForJobs
 *   (fluxcd/pkg@e2cfd1a runtime/statusreaders/job.go#L60-L140), and as soon as it runs without
 *   (fluxcd/cli-utils@967855f pkg/kstatus/status/core.go#L533-L578); a claim when Bound
 *   (core.go#L391-L405). Hooks are waited one after another, each with the full timeout and never
 *   failing fast (wait.go#L86-L97; helm@v4.2.4 pkg/action/hooks.go#L120), Jobs and Pods only.
 *
 * Not modelled: drift detection, Helm tests, CRDs, the controller's requeue back-off (immediate
 * here), kstatus for kinds without status (the behaviour says when an object is ready: say "at
 * once" for a ConfigMap).
 */

export type ReleaseAction = 'install' | 'upgrade' | 'rollback';

/** What a test says an object does once an action applies it. `change` is what the action did to it; undefined keeps an unchanged object's state and makes anything else ready at once. */
export type Behaviour = (o: Manifest, context: { readonly action: ReleaseAction; readonly change: 'created' | 'changed' | 'unchanged'; readonly attempt: number }) => Outcome | undefined;

export interface Step {
  readonly at: Seconds;
  readonly action: ReleaseAction | 'uninstall';
  readonly result: 'succeeded' | 'failed';
  /** Why it failed: the object not ready by the timeout, the Failed one, the refused patch. */
  readonly why?: string;
  /** Seconds the action took (its wait). */
  readonly took: Seconds;
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly deleted: readonly string[];
  readonly kept: readonly string[];
}

export type ReleaseState = 'Ready' | 'Stalled' | 'Retrying';

interface Revision {
  readonly number: number;
  readonly objects: readonly Manifest[];
  status: 'deployed' | 'failed' | 'superseded' | 'uninstalled';
}

/** The HelmRelease spec fields the model reads (helm.toolkit.fluxcd.io/v2). */
export type HelmReleaseSpec = { readonly [field: string]: any };

export class HelmControllerModel {
  public readonly steps: Step[] = [];
  public readonly history: Revision[] = [];
  public now: Seconds = 0;
  private installFailures = 0;
  private upgradeFailures = 0;
  private lastAction: 'install' | 'upgrade' | undefined;
  private attempt = 0;

  public constructor(
    public readonly spec: HelmReleaseSpec,
    public readonly cluster: Cluster = new Cluster(),
  ) {}

  /**
   * Reconciles until the release is Ready, Stalled, or still retrying after `maxActions` Helm
   * actions (RetryOnFailure retries for ever). Returns the state; `steps` has what it did. `force`
   * upgrades a release in sync (the reconcile.fluxcd.io/forceAt annotation; atomic_release.go
   * #L350-L353).
   */
  public reconcile(objects: readonly Manifest[], behaviour: Behaviour = () => undefined, options: { readonly maxActions?: number; readonly force?: boolean } = {}): ReleaseState {
    const maxActions = options.maxActions ?? 8;
    let actions = 0;
    if (this.history.length > 0 && this.inSync(objects)) {
      if (!options.force) return 'Ready';
      actions++;
      this.upgrade(objects, behaviour);
    }
    // A new desired state resets the failure counts (helm-controller counts failures per generation).
    this.installFailures = 0;
    this.upgradeFailures = 0;
    for (;;) {
      if (actions >= maxActions) return 'Retrying';
      const last = this.history[this.history.length - 1];
      if (!last || last.status === 'uninstalled') {
        if (this.exhausted('install')) return 'Stalled';
        actions++;
        this.install(objects, behaviour);
      } else if (last.status === 'failed') {
        const action = this.lastAction ?? 'install';
        if (this.strategy(action) === 'RetryOnFailure') {
          this.now += durationSeconds(this.spec[action]?.strategy?.retryInterval ?? '5m') ?? 300;
          actions++;
          this.upgrade(objects, behaviour);
          continue;
        }
        if (this.exhausted(action) && !this.remediateLastFailure(action)) return 'Stalled';
        actions++;
        if (action === 'install' || this.spec.upgrade?.remediation?.strategy === 'uninstall') this.uninstall();
        else if (!this.rollback(behaviour)) return 'Stalled'; // no release to roll back to
        if (this.exhausted(action) && action === 'install') return 'Stalled';
        if (this.exhausted(action) && action === 'upgrade' && this.spec.upgrade?.remediation?.strategy !== 'uninstall') return 'Stalled';
      } else if (this.inSync(objects)) {
        return 'Ready';
      } else {
        if (this.exhausted('upgrade')) return 'Stalled';
        actions++;
        this.upgrade(objects, behaviour);
      }
    }
  }

  /** The objects a release holds now (the last revision's). */
  public get released(): readonly Manifest[] {
    return this.history[this.history.length - 1]?.objects ?? [];
  }

  private inSync(objects: readonly Manifest[]): boolean {
    const last = this.history[this.history.length - 1];
    return !!last && last.status === 'deployed' && !differs({ kind: 'List', metadata: { name: '' }, items: last.objects }, { kind: 'List', metadata: { name: '' }, items: objects });
  }

  private strategy(action: 'install' | 'upgrade'): 'RemediateOnFailure' | 'RetryOnFailure' {
    return this.spec[action]?.strategy?.name ?? 'RemediateOnFailure';
  }

  private exhausted(action: 'install' | 'upgrade'): boolean {
    const retries: number = this.spec[action]?.remediation?.retries ?? 0;
    return retries >= 0 && (action === 'install' ? this.installFailures : this.upgradeFailures) > retries;
  }

  private remediateLastFailure(action: 'install' | 'upgrade'): boolean {
    const r = this.spec[action]?.remediation ?? {};
    return r.remediateLastFailure ?? (action === 'upgrade' ? (r.retries ?? 0) > 0 : false);
  }

  private timeout(action: ReleaseAction): Seconds {
    return durationSeconds(this.spec[action]?.timeout ?? this.spec.timeout ?? '5m') ?? 300;
  }

  private install(objects: readonly Manifest[], behaviour: Behaviour): void {
    this.lastAction = 'install';
    this.attempt++;
    const revision: Revision = { number: (this.history[this.history.length - 1]?.number ?? 0) + 1, objects, status: 'failed' };
    this.history.push(revision);
    const ok = this.release('install', [], objects, behaviour);
    if (ok) revision.status = 'deployed';
    else this.installFailures++;
  }

  private upgrade(objects: readonly Manifest[], behaviour: Behaviour): void {
    this.lastAction = 'upgrade';
    this.attempt++;
    const deployed = [...this.history].reverse().find((r) => r.status === 'deployed');
    const last = this.history[this.history.length - 1];
    const current = deployed ?? (last && (last.status === 'failed' || last.status === 'superseded') ? last : undefined);
    const revision: Revision = { number: (last?.number ?? 0) + 1, objects, status: 'failed' };
    this.history.push(revision);
    const ok = this.release('upgrade', current?.objects ?? [], objects, behaviour);
    if (ok) {
      if (deployed) deployed.status = 'superseded';
      revision.status = 'deployed';
    } else this.upgradeFailures++;
  }

  /** Rolls back to the release before the failed one; false when there is none. */
  private rollback(behaviour: Behaviour): boolean {
    const failed = this.history[this.history.length - 1];
    const target = [...this.history].reverse().find((r) => r !== failed && (r.status === 'deployed' || r.status === 'superseded'));
    if (!target) return false;
    const revision: Revision = { number: failed.number + 1, objects: target.objects, status: 'failed' };
    this.history.push(revision);
    if (this.release('rollback', failed.objects, target.objects, behaviour)) {
      revision.status = 'deployed';
      if (target.status === 'deployed') target.status = 'superseded';
    }
    return true;
  }

  private uninstall(): void {
    const last = this.history[this.history.length - 1];
    const deleted: string[] = [];
    const kept: string[] = [];
    for (const o of releaseObjects(last.objects)) {
      if (!this.cluster.has(keyOf(o))) continue;
      if (keeps(o)) kept.push(keyOf(o));
      else {
        this.cluster.delete(keyOf(o), this.now, 'uninstall');
        deleted.push(keyOf(o));
      }
    }
    last.status = 'uninstalled';
    this.steps.push({ at: this.now, action: 'uninstall', result: 'succeeded', took: 0, created: [], updated: [], deleted, kept });
  }

  /** One Helm action: hooks before, the update from `current` to `target`, the wait, hooks after. */
  private release(action: ReleaseAction, current: readonly Manifest[], target: readonly Manifest[], behaviour: Behaviour): boolean {
    const start = this.now;
    const created: string[] = [];
    const updated: string[] = [];
    const deleted: string[] = [];
    const kept: string[] = [];
    const finish = (result: 'succeeded' | 'failed', why?: string) => {
      if (result === 'failed' && action !== 'install' && this.spec[action]?.cleanupOnFail === true) {
        for (const key of created) {
          this.cluster.delete(key, this.now, 'cleanup-on-fail');
          deleted.push(key);
        }
      }
      this.steps.push({ at: start, action, result, ...(why ? { why } : {}), took: this.now - start, created, updated, deleted, kept });
      return result === 'succeeded';
    };
    const timeout = this.timeout(action);
    const hookFailure = this.hooks(`pre-${action}`, target, timeout, behaviour, action);
    if (hookFailure) return finish('failed', hookFailure);

    const refused: string[] = [];
    const applied = releaseObjects(target);
    for (const o of applied) {
      const live = this.cluster.get(keyOf(o));
      if (!live) {
        this.cluster.create(o, this.now, behaviour(o, { action, change: 'created', attempt: this.attempt }) ?? { readyAfter: 0 }, action);
        created.push(keyOf(o));
        continue;
      }
      const field = immutableChange(live.manifest, o);
      if (field) {
        refused.push(`${keyOf(o)}: ${field}: field is immutable`);
        continue;
      }
      const change = differs(live.manifest, o) ? 'changed' : 'unchanged';
      const outcome = behaviour(o, { action, change, attempt: this.attempt }) ?? (change === 'changed' ? { readyAfter: 0 } : undefined);
      if (change === 'changed' || outcome) {
        this.cluster.update(o, this.now, outcome, action);
        if (change === 'changed') updated.push(keyOf(o));
      }
    }
    if (refused.length > 0) return finish('failed', refused.join('; '));
    const wanted = new Set(applied.map(keyOf));
    for (const o of releaseObjects(current)) {
      if (wanted.has(keyOf(o)) || !this.cluster.has(keyOf(o))) continue;
      if (keeps(o)) kept.push(keyOf(o));
      else {
        this.cluster.delete(keyOf(o), this.now, action);
        deleted.push(keyOf(o));
      }
    }

    if (this.spec[action]?.disableWait !== true) {
      const waited = this.wait(applied, timeout, this.spec[action]?.disableWaitForJobs !== true);
      this.now += waited.took;
      if (waited.failure) return finish('failed', waited.failure);
    }
    const after = this.hooks(`post-${action}`, target, timeout, behaviour, action);
    return finish(after ? 'failed' : 'succeeded', after);
  }

  /** The main wait: all Current within the timeout, or the first Failed (fail fast), or the timeout. */
  private wait(objects: readonly Manifest[], timeout: Seconds, waitForJobs: boolean): { took: Seconds; failure?: string } {
    let allReady = 0;
    let notReady = '';
    let firstFail: { at: Seconds; key: string } | undefined;
    for (const o of objects) {
      const live = this.cluster.get(keyOf(o));
      if (!live) continue;
      const failsIn = live.failsAt - this.now;
      // Without waitForJobs a Job is Current once it runs: only a Job already Failed fails the wait.
      const readyIn = o.kind === 'Job' && !waitForJobs ? 0 : Math.max(0, live.readyAt - this.now);
      const failIn = o.kind === 'Job' && !waitForJobs ? (failsIn <= 0 ? 0 : NEVER) : Math.max(0, failsIn);
      if (failIn < readyIn && (!firstFail || failIn < firstFail.at)) firstFail = { at: failIn, key: keyOf(o) };
      if (readyIn > allReady) {
        allReady = readyIn;
        notReady = keyOf(o);
      }
    }
    if (firstFail && firstFail.at <= Math.min(allReady, timeout)) return { took: firstFail.at, failure: `${firstFail.key} is Failed` };
    if (allReady <= timeout) return { took: allReady };
    return { took: timeout, failure: `${notReady} is not ready within the timeout (${timeout} s)` };
  }

  /** Hooks of a phase, by weight then name, one after another, each waited with the full timeout; the first failure fails the action. */
  private hooks(phase: string, target: readonly Manifest[], timeout: Seconds, behaviour: Behaviour, action: ReleaseAction): string | undefined {
    const hooks = target
      .filter((o) => (o.metadata.annotations?.['helm.sh/hook'] ?? '').split(',').map((s: string) => s.trim()).includes(phase))
      .sort((a, b) => Number(a.metadata.annotations?.['helm.sh/hook-weight'] ?? 0) - Number(b.metadata.annotations?.['helm.sh/hook-weight'] ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const h of hooks) {
      const policies = (h.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? 'before-hook-creation').split(',').map((s: string) => s.trim());
      if (policies.includes('before-hook-creation')) this.cluster.delete(keyOf(h), this.now, 'hook');
      this.cluster.create(h, this.now, behaviour(h, { action, change: 'created', attempt: this.attempt }) ?? { readyAfter: 0 }, 'hook');
      const live = this.cluster.get(keyOf(h))!;
      const awaited = h.kind === 'Job' || h.kind === 'Pod';
      const readyIn = awaited ? live.readyAt - this.now : 0;
      // Hooks never fail fast: a Failed hook Job is waited for until the timeout.
      if (readyIn > timeout || (awaited && live.failsAt <= live.readyAt)) {
        this.now += timeout;
        if (policies.includes('hook-failed')) this.cluster.delete(keyOf(h), this.now, 'hook');
        return `hook ${keyOf(h)} (${phase}) did not complete within the timeout (${timeout} s)`;
      }
      this.now += readyIn;
      if (policies.includes('hook-succeeded')) this.cluster.delete(keyOf(h), this.now, 'hook');
    }
    return undefined;
  }
}

/** The objects Helm manages as the release's (hooks are not: they run around the action). */
function releaseObjects(objects: readonly Manifest[]): Manifest[] {
  return objects.filter((o) => !o.metadata.annotations?.['helm.sh/hook']);
}

/** helm.sh/resource-policy: keep (helm@v4.2.4 pkg/kube/resource_policy.go). */
function keeps(o: Manifest): boolean {
  return o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep';
}
