import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Claim, FsxLustre, Rules, S3Mountpoint } from '@strata/storage';
import { onlyWhen, problem, releaseOf } from '@strata/tokens';

export interface VolumeUsageAlertProps {
  /** Whether the PrometheusRule exists (a boolean value: clusters without the Prometheus operator leave it off). @default true */
  readonly enabled?: boolean;
  /** Percent full (1–99) above which a claim alerts. @default 85 */
  readonly thresholdPercent?: number;
  /** How long a claim must stay above the threshold. @default Duration.minutes(10) */
  readonly for?: Duration;
  /** The alert's `severity` label. @default 'warning' */
  readonly severity?: string;
  /** The claims to watch. @default - every claim of the chart */
  readonly claims?: Claim[];
}

/**
 * A PrometheusRule (monitoring.coreos.com/v1) that alerts when any claim of the workload is more
 * than a threshold full, from the kubelet's volume stats
 * (`kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes`), behind a boolean.
 *
 * Only drivers that answer NodeGetVolumeStats feed those metrics: FSx for Lustre does not (facts
 * §1.1) and an S3 bucket has no capacity, so claims of those tiers get a warning pointing at
 * CloudWatch instead.
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
    const chart = Chart.of(this);
    const namespace = releaseOf(this)?.namespace ?? chart.namespace;
    const severity = props.severity ?? 'warning';
    const selector = () => {
      const claims = props.claims ?? chart.node.findAll().filter((c): c is Claim => c instanceof Claim);
      const names = claims.map((c) => c.name).join('|');
      return [namespace !== undefined ? `namespace="${namespace}"` : undefined, `persistentvolumeclaim=~"${names}"`].filter(Boolean).join(', ');
    };
    const expr = () =>
      `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${selector()}} / kubelet_volume_stats_capacity_bytes{${selector()}}) * 100 > ${this.thresholdPercent}`;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      spec: {
        groups: [
          {
            name: 'strata-volume-usage',
            rules: [
              {
                alert: 'StrataVolumeAlmostFull',
                expr: Lazy.any({ produce: expr }),
                for: `${forSeconds}s`,
                labels: { severity },
                annotations: {
                  summary: 'A claim of the workload is almost full.',
                  description: `Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanize }}% full (threshold ${this.thresholdPercent}%).`,
                },
              },
            ],
          },
        ],
      },
    });
    this.node.addValidation({ validate: () => this.warnUnmeasured(chart, props.claims) });
  }

  /** Claims of tiers without kubelet volume stats can never fire the alert: say so. */
  private warnUnmeasured(chart: Chart, claims: Claim[] | undefined): string[] {
    for (const c of chart.node.findAll()) {
      if (!(c instanceof FsxLustre) && !(c instanceof S3Mountpoint)) continue;
      if (claims && !claims.includes(c.claim)) continue;
      const why = c instanceof FsxLustre
        ? 'the FSx for Lustre driver reports no volume stats (facts §1.1): watch the CloudWatch metric FreeDataStorageCapacity of the file system'
        : 'an S3 bucket has no capacity: watch the bucket\'s CloudWatch storage metrics if needed';
      this.rules.warn(problem('claims', c.node.path, 'a claim with kubelet volume stats to be watched by this alert', why));
    }
    return [];
  }
}
