import { AwaitedObject, awaitBudget, AwaitBudget, customHealthChecks, CustomHealthCheck, hasCustomResources, isRun, OWN_CLASS, PROVISIONING_SECONDS, resolveFactWith, timeoutFor } from '@strata/helm';
import { ChartEntry } from './catalog';
import { TIER_CHARTS } from './drivers';
import { valueAt } from './values';

/**
 * How a HelmRelease of a chart is installed, upgraded and remediated, derived from what the chart
 * holds (helm-controller v1.x semantics; fluxcd/helm-controller@v1.6.3 docs/spec/v2/helmreleases.md):
 *
 * - **Timeout** from the chart's awaited objects (its `strata.dev/awaits` annotation, resolved with
 *   the release's values): the longest honest wait — a Job's deadline, a rollout's rounds of pod
 *   starts after a gate, a claim's provisioning — plus a margin (see awaitBudget, timeoutFor). Each
 *   hook and each wait gets the whole timeout (no overall cap), so the longest one decides.
 * - **Jobs without a deadline** (training) are not awaited (`disableWaitForJobs`): otherwise every
 *   install or upgrade fails once the Job runs longer than the timeout. Their success is tracked on
 *   the Job, not on the release.
 * - **Charts that hold data or run Jobs** (or runs of an operator: a TrainJob…) retry failed installs and upgrades in place
 *   (`strategy.name: RetryOnFailure`, helm-controller ≥ v1.4.0, Flux ≥ 2.7): install remediation
 *   would uninstall between retries (killing a running training, deleting claims not kept) and
 *   upgrade remediation would roll back (re-creating an earlier Job, which runs again). Other charts
 *   keep remediation: retries with uninstall or rollback between them.
 * - **Drift detection** on (`driftDetection.mode: enabled`, per HelmRelease since helm-controller
 *   v0.37.0, Flux 2.2): what someone changes by hand is put back. Jobs are excluded by their
 *   `helm.toolkit.fluxcd.io/driftDetection: disabled` annotation (a finished Job deleted by hand must
 *   not run again), and a claim's storage request is ignored: expanded in place, it can never shrink
 *   back (the API refuses), and correcting it would fail on every reconcile.
 * - **Custom resources** of the workload operators are awaited per kind (CUSTOM_KINDS of
 *   @strata/helm): a serving kind until its operator reports it serving, within its budget; a run
 *   (TrainJob, PyTorchJob, JobSet, RayJob, SparkApplication) never — `disableWaitForJobs` covers
 *   batch/v1 Jobs only, so such a kind gets a health check that calls it Current as soon as it exists.
 *   Health checks (`healthCheckExprs`) and the kstatus wait strategy (`waitStrategy: poller`) need
 *   helm-controller ≥ v1.5.0 (Flux ≥ 2.8.0); they are written only for charts with custom resources.
 */
export interface ReleasePolicy {
  /** The HelmRelease `spec.timeout`, a Go duration. */
  readonly timeout: string;
  /** The seconds the timeout covers (before the margin). */
  readonly longestWaitSeconds: number;
  /** `disableWaitForJobs` on install, upgrade and rollback: the chart has Jobs without a deadline. */
  readonly disableWaitForJobs: boolean;
  /** Retry in place instead of uninstalling or rolling back. */
  readonly retryOnFailure: boolean;
  /** Each awaited object's bound, for the report and for messages. */
  readonly budget: AwaitBudget;
  /** Health checks of the chart's custom resource kinds (`.spec.healthCheckExprs`); empty without them. */
  readonly healthChecks: readonly CustomHealthCheck[];
  /** The chart has custom resources: wait with kstatus (`.spec.waitStrategy.name: poller`). */
  readonly pollerWait: boolean;
}

/** The paths drift detection leaves alone: fields a controller or an operator changes for good reasons (see ReleasePolicy). */
export const DRIFT_IGNORE = [{ paths: ['/spec/resources/requests/storage'], target: { kind: 'PersistentVolumeClaim' } }] as const;

/**
 * Seconds until a claim of a class is bound: the static form ('') at once; a class of the
 * environment (`classTier`: its tier releases' classes, the classes it declares external) by its
 * tier's provisioner; a class workload charts claim by default (strata-efs, strata-fsx-lustre) by
 * its tier; any other class by the tier the chart says it is (its storage annotation); else five minutes.
 */
export function provisioningSeconds(entry: ChartEntry, className: string, classTier: (name: string) => string | undefined = () => undefined): number {
  if (className === '') return 0;
  if (className.startsWith(OWN_CLASS)) {
    // A class the chart makes itself, named from the release: its tier is its claims' (their storage facts name it).
    const suffix = className.slice(OWN_CLASS.length);
    const own = entry.storage?.find((c) => { const f = c.facts.storageClassName as { $clusterObjectName?: unknown } | undefined; return typeof f === 'object' && f !== null && f.$clusterObjectName === suffix; });
    const provisioner = own ? TIER_PROVISIONERS[own.tier] : undefined;
    return provisioner !== undefined ? (PROVISIONING_SECONDS[provisioner] ?? 300) : 300;
  }
  const conventional = Object.values(TIER_CHARTS).find((t) => t.storageClassName !== undefined && t.storageClassName === className);
  const tier = classTier(className) ?? conventional?.tier ?? entry.storage?.find((c) => c.facts.storageClassName === className)?.tier;
  const provisioner = tier ? TIER_PROVISIONERS[tier] : undefined;
  return provisioner !== undefined ? (PROVISIONING_SECONDS[provisioner] ?? 300) : 300;
}

/** The CSI provisioner of each tier's dynamic classes. */
export const TIER_PROVISIONERS: { readonly [tier: string]: string } = {
  'fsx-lustre': 'fsx.csi.aws.com',
  efs: 'efs.csi.aws.com',
  // S3 Files classes are the EFS driver's (provisioningMode s3files-ap: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L187-L198).
  's3-files': 'efs.csi.aws.com',
  s3: 's3.csi.aws.com',
  'instance-store': 'kubernetes.io/no-provisioner',
};

/**
 * The release policy of a chart for values (chart defaults merged with an environment's
 * overrides); `classTier` names the tier of the environment's classes (its tier releases', those it declares external).
 */
export function releasePolicy(entry: ChartEntry, merged: unknown, classTier?: (name: string) => string | undefined): ReleasePolicy {
  // A chart without the annotation (written by an earlier strata): its claims of the tiers it uses, at their provisioning time.
  const awaits: readonly AwaitedObject[] = entry.awaits ?? (entry.uses.includes('fsx-lustre') ? [{ kind: 'PersistentVolumeClaim', name: '(fsx-lustre)', storageClassName: TIER_CHARTS['fsx-lustre'].storageClassName! }] : []);
  const resolve = (f: Parameters<typeof resolveFactWith>[0]) => resolveFactWith(f, (path) => valueAt(merged, path));
  const options = { resolve, provisioningSeconds: (sc: string) => provisioningSeconds(entry, sc, classTier) };
  const all = awaitBudget(awaits, { ...options, waitForJobs: true });
  const disableWaitForJobs = all.unboundedJobs.length > 0;
  const budget = disableWaitForJobs ? awaitBudget(awaits, { ...options, waitForJobs: false }) : all;
  // A run (a Job, a TrainJob…) must never be uninstalled (it stops) nor rolled back (an earlier one runs again).
  const hasJobs = awaits.some(isRun);
  return {
    timeout: timeoutFor(budget.longest),
    longestWaitSeconds: budget.longest,
    disableWaitForJobs,
    retryOnFailure: isDataChart(entry) || hasJobs,
    budget,
    healthChecks: customHealthChecks(awaits),
    pollerWait: hasCustomResources(awaits),
  };
}

/** Whether a chart holds data (a claim, an object Helm keeps, or a persistent storage claim). */
export function isDataChart(entry: ChartEntry): boolean {
  return entry.holdsData === true || (entry.storage ?? []).some((c) => c.tier !== 'instance-store');
}
