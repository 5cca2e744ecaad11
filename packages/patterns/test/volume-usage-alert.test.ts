import { Size } from 'cdk8s';
import { AccessMode, Efs, FsxDeploymentType, FsxLustre, InstanceStore, S3Mountpoint } from '@strata/storage';
import { conditionsOf, Tokens, usesOf } from '@strata/tokens';
import { VolumeUsageAlert } from '../src';
import { newChart, one, synthErrors, synthValid, warnings } from './testing';

describe('VolumeUsageAlert', () => {
  test('percent full for claims with a real capacity (local volumes), from the kubelet volume stats', () => {
    const chart = newChart();
    const a = InstanceStore.localVolume(chart, 'a', { storageClass: 'nvme', size: Size.gibibytes(100) });
    const b = InstanceStore.localVolume(chart, 'b', { storageClass: 'nvme', size: Size.gibibytes(100) });
    new VolumeUsageAlert(chart, 'alerts', { thresholdPercent: 90 });
    const rule = one(synthValid(chart), 'PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.spec.groups[0].rules).toEqual([
      {
        alert: 'StrataVolumeAlmostFull',
        expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="ml", persistentvolumeclaim=~"${a.claim.name}|${b.claim.name}"} / kubelet_volume_stats_capacity_bytes{namespace="ml", persistentvolumeclaim=~"${a.claim.name}|${b.claim.name}"}) * 100 > 90`,
        for: '600s',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A claim of the workload is almost full.',
          description: 'Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanize }}% full (threshold 90%).',
        },
      },
    ]);
    expect(warnings(chart)).toEqual([]);
  });

  test('EFS claims: used bytes over a budget, never percent full (EFS reports ~8 EiB of capacity), and the chart says it needs the driver\'s volume metrics', () => {
    // aws-efs-csi-driver: capacity comes from statfs of the NFS mount (issue #1242, closed without a
    // fix), used bytes from a background du, only with node.volMetricsOptIn (default false).
    const chart = newChart();
    const a = Efs.fromStorageClass(chart, 'models', { storageClass: { name: 'strata-efs' } });
    const b = Efs.fromStorageClass(chart, 'scratch', { storageClass: { name: 'strata-efs' } });
    new VolumeUsageAlert(chart, 'alerts', { efsUsedBudget: Size.gibibytes(500) });
    const rule = one(synthValid(chart), 'PrometheusRule');
    expect(rule.spec.groups[0].rules.map((r: any) => [r.alert, r.expr])).toEqual([
      ['StrataEfsVolumeOverBudget', `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="ml", persistentvolumeclaim=~"${a.claim.name}|${b.claim.name}"}) > ${500 * 1024 ** 3}`],
    ]);
    expect(usesOf(chart)).toContain('efs-volume-metrics');
    expect(warnings(chart)).toEqual([]);
  });

  test('EFS claims without a budget are not watched, and the alert says it holds nothing', () => {
    const chart = newChart();
    Efs.fromStorageClass(chart, 'models', { storageClass: { name: 'strata-efs' } });
    new VolumeUsageAlert(chart, 'alerts');
    expect(one(synthValid(chart), 'PrometheusRule').spec.groups[0].rules).toEqual([]);
    expect(usesOf(chart)).not.toContain('efs-volume-metrics');
    expect(warnings(chart)).toEqual([
      `[test/alerts] 'claims' ("none") must be at least one claim the kubelet reports on; the PrometheusRule holds no alert: remove it, or watch the claims' tiers in CloudWatch`,
      `[test/alerts] 'efsUsedBudget' (not set) must be set to watch EFS claims; EFS reports no capacity (about 8 EiB), so a percent-full alert never fires: give the used bytes a claim may reach, e.g. Size.gibibytes(500)`,
    ]);
  });

  test('behind a boolean: a value token gates it, a literal false leaves it out', () => {
    const chart = newChart();
    const enabled = Tokens.boolean('monitoring.enabled');
    const alert = new VolumeUsageAlert(chart, 'alerts', { enabled });
    expect(conditionsOf(alert.apiObject).map((c) => c.path)).toEqual(['monitoring.enabled']);
    const off = newChart();
    new VolumeUsageAlert(off, 'alerts', { enabled: false });
    expect(synthValid(off).filter((o) => o.kind === 'PrometheusRule')).toHaveLength(1); // plain cdk8s ignores the mark; the Helm writer drops it
  });

  test('warns for claims whose driver reports no volume stats', () => {
    const chart = newChart();
    FsxLustre.fromStorageClass(chart, 'data', { storageClass: { name: 'fsx', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(1200) });
    new S3Mountpoint(chart, 'bucket', { bucketName: 'ml-data', accessMode: AccessMode.READ_ONLY_MANY });
    new VolumeUsageAlert(chart, 'alerts');
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/alerts] 'claims' ("none") must be at least one claim the kubelet reports on; the PrometheusRule holds no alert: remove it, or watch the claims' tiers in CloudWatch`,
      `[test/alerts] 'claims' ("test/bucket") must be a claim with kubelet volume stats to be watched by this alert; an S3 bucket has no capacity: watch the bucket's CloudWatch storage metrics if needed`,
      `[test/alerts] 'claims' ("test/data") must be a claim with kubelet volume stats to be watched by this alert; the FSx for Lustre driver reports no volume stats: watch the CloudWatch metric FreeDataStorageCapacity of the file system`,
    ]);
  });

  test('refuses a threshold outside 1-99 percent', () => {
    const chart = newChart();
    new VolumeUsageAlert(chart, 'alerts', { thresholdPercent: 100 });
    expect(synthErrors(chart)).toEqual([`[test/alerts] 'thresholdPercent' (100) must be a whole percentage between 1 and 99; alert before the claim is full`]);
  });
});
