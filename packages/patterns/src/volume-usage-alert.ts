import { ApiObject, Chart, Duration, Lazy, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { Claim, Efs, FsxLustre, LocalInstanceStore, Rules, S3Mountpoint } from '@strata/storage';
import { markUses, onlyWhen, problem, releaseOf, Tokens } from '@strata/tokens';

/**
 * What a chart uses when it alerts on EFS claims' used bytes: the EFS CSI driver's volume
 * metrics, off by default (`node.volMetricsOptIn` of the aws-efs-csi-driver chart; without it the
 * driver does not advertise GET_VOLUME_STATS and the kubelet exports nothing for EFS volumes).
 * Environments turn it on in the driver release of every environment deploying such a chart.
 * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/v3.4.1/charts/aws-efs-csi-driver/values.yaml
 */
export const EFS_VOLUME_METRICS = 'efs-volume-metrics';

export interface VolumeUsageAlertProps {
  /** Whether the PrometheusRule exists (a boolean value: clusters without the Prometheus operator leave it off). @default true */
  readonly enabled?: boolean;
  /** Percent full (1–99) above which a claim with a real capacity alerts. @default 85 */
  readonly thresholdPercent?: number;
  /**
   * Used bytes above which an EFS claim alerts. EFS has no capacity (the driver reports the NFS
   * statfs, about 8 EiB: aws-efs-csi-driver issue #1242), so a percent-full alert can never fire;
   * this budget is what can. The driver measures used bytes with a background `du` every 240
   * minutes (`node.volMetricsRefreshPeriod`): the alert lags by up to that much.
   * @default - EFS claims are not watched (a warning says so)
   */
  readonly efsUsedBudget?: Size;
  /** How long a claim must stay above the threshold. @default Duration.minutes(10) */
  readonly for?: Duration;
  /** The alert's `severity` label. @default 'warning' */
  readonly severity?: string;
  /** The claims to watch. @default - every claim of the chart */
  readonly claims?: Claim[];
}

/**
 * A PrometheusRule (monitoring.coreos.com/v1) over the workload's claims, from the kubelet's
 * volume stats, behind a boolean — each claim by what its driver can really report:
 * - claims with a real capacity (local volumes, block volumes): percent full
 *   (`kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes`);
 * - EFS claims: used bytes above `efsUsedBudget` (the driver's volume metrics must be on: the
 *   chart records that it uses them, and environments turn them on);
 * - FSx for Lustre and Mountpoint S3 claims: nothing the kubelet reports (warned: watch CloudWatch).
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class VolumeUsageAlert extends Construct {
  public readonly apiObject: ApiObject;
  public readonly thresholdPercent: number;
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: VolumeUsageAlertProps = {}) {
    super(scope, id);
    this.rules = new Rules(this);
    this.thresholdPercent = props.thresholdPercent ?? 85;
    this.rules.check('thresholdPercent', this.thresholdPercent, { minimum: 1, maximum: 99, multipleOf: 1 }, 'alert before the claim is full', 'a whole percentage between 1 and 99');
    if (props.enabled !== undefined) onlyWhen(this, props.enabled);
    const forSeconds = (props.for ?? Duration.minutes(10)).toSeconds();
    this.rules.check('for', forSeconds, { minimum: 0, multipleOf: 1 }, 'whole seconds', 'at least 0 seconds');
    const budgetGiB = props.efsUsedBudget?.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (budgetGiB !== undefined) this.rules.check('efsUsedBudget', budgetGiB, { minimum: 1, multipleOf: 1 }, 'whole GiB', 'at least 1 GiB');
    const chart = Chart.of(this);
    const namespace = releaseOf(this)?.namespace ?? chart.namespace;
    const severity = props.severity ?? 'warning';
    const watched = () => (props.claims ?? chart.node.findAll().filter((c): c is Claim => c instanceof Claim)).filter((c) => !isUnmeasured(c));
    const efsClaims = () => watched().filter(isEfs);
    const capacityClaims = () => watched().filter((c) => !isEfs(c));
    const selector = (claims: Claim[]) => [namespace !== undefined ? `namespace="${namespace}"` : undefined, `persistentvolumeclaim=~"${claims.map((c) => c.name).join('|')}"`].filter(Boolean).join(', ');
    const rules = () => {
      const out: unknown[] = [];
      const capacity = capacityClaims();
      if (capacity.length > 0) {
        const s = selector(capacity);
        out.push({
          alert: 'StrataVolumeAlmostFull',
          expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${s}} / kubelet_volume_stats_capacity_bytes{${s}}) * 100 > ${this.thresholdPercent}`,
          for: `${forSeconds}s`,
          labels: { severity },
          annotations: {
            summary: 'A claim of the workload is almost full.',
            description: `Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanize }}% full (threshold ${this.thresholdPercent}%).`,
          },
        });
      }
      const efs = efsClaims();
      if (efs.length > 0 && budgetGiB !== undefined) {
        const bytes = Tokens.isToken(budgetGiB) ? Tokens.derive(budgetGiB, 1024 ** 3) : budgetGiB * 1024 ** 3;
        out.push({
          alert: 'StrataEfsVolumeOverBudget',
          expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${selector(efs)}}) > ${bytes}`,
          for: `${forSeconds}s`,
          labels: { severity },
          annotations: {
            summary: 'An EFS claim of the workload holds more than its budget.',
            description: `Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} holds {{ $value | humanize1024 }}B, more than its budget of ${budgetGiB} GiB (measured by the EFS CSI driver every few hours).`,
          },
        });
      }
      return out;
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      spec: { groups: [{ name: 'strata-volume-usage', rules: Lazy.any({ produce: rules }) }] },
    });
    this.node.addValidation({ validate: () => this.validate(chart, props, budgetGiB !== undefined, efsClaims().length > 0, capacityClaims().length > 0) });
  }

  /** Claims nothing reports on are warned about; EFS claims without a budget, and an alert with nothing to watch, too. */
  private validate(chart: Chart, props: VolumeUsageAlertProps, hasBudget: boolean, hasEfs: boolean, hasCapacity: boolean): string[] {
    for (const c of chart.node.findAll()) {
      if (!(c instanceof FsxLustre) && !(c instanceof S3Mountpoint)) continue;
      if (props.claims && !props.claims.includes(c.claim)) continue;
      const why = c instanceof FsxLustre
        ? 'the FSx for Lustre driver reports no volume stats: watch the CloudWatch metric FreeDataStorageCapacity of the file system'
        : 'an S3 bucket has no capacity: watch the bucket\'s CloudWatch storage metrics if needed';
      this.rules.warn(problem('claims', c.node.path, 'a claim with kubelet volume stats to be watched by this alert', why));
    }
    if (hasEfs && !hasBudget) {
      this.rules.warn(problem('efsUsedBudget', undefined, 'set to watch EFS claims',
        'EFS reports no capacity (about 8 EiB), so a percent-full alert never fires: give the used bytes a claim may reach, e.g. Size.gibibytes(500)'));
    }
    if (hasEfs && hasBudget) markUses(this, EFS_VOLUME_METRICS);
    if (!hasCapacity && !(hasEfs && hasBudget)) {
      this.rules.warn(problem('claims', 'none', 'at least one claim the kubelet reports on', 'the PrometheusRule holds no alert: remove it, or watch the claims\' tiers in CloudWatch'));
    }
    return [];
  }
}

function isEfs(c: Claim): boolean {
  return c.node.scope instanceof Efs;
}

/** Claims of FSx for Lustre and Mountpoint S3: their drivers report no volume stats. */
function isUnmeasured(c: Claim): boolean {
  return c.node.scope instanceof FsxLustre || c.node.scope instanceof S3Mountpoint;
}

// Local volumes report real capacity (the kubelet's stats of a local file system).
void LocalInstanceStore;
