import { Size } from 'cdk8s';
import { AccessMode, Efs, FsxDeploymentType, FsxLustre, S3Mountpoint } from '@strata/storage';
import { conditionsOf, Tokens } from '@strata/tokens';
import { VolumeUsageAlert } from '../src';
import { newChart, one, synthErrors, synthValid, warnings } from './testing';

describe('VolumeUsageAlert', () => {
  test('a PrometheusRule over every claim of the chart, from the kubelet volume stats', () => {
    const chart = newChart();
    const a = Efs.fromStorageClass(chart, 'models', { storageClass: { name: 'strata-efs' } });
    const b = Efs.fromStorageClass(chart, 'scratch', { storageClass: { name: 'strata-efs' } });
    new VolumeUsageAlert(chart, 'alerts', { thresholdPercent: 90 });
    const rule = one(synthValid(chart), 'PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.spec.groups[0].rules[0]).toEqual({
      alert: 'StrataVolumeAlmostFull',
      expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="ml", persistentvolumeclaim=~"${a.claim.name}|${b.claim.name}"} / kubelet_volume_stats_capacity_bytes{namespace="ml", persistentvolumeclaim=~"${a.claim.name}|${b.claim.name}"}) * 100 > 90`,
      for: '600s',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A claim of the workload is almost full.',
        description: 'Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanize }}% full (threshold 90%).',
      },
    });
    expect(warnings(chart)).toEqual([]);
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
      `[test/alerts] 'claims' ("test/bucket") must be a claim with kubelet volume stats to be watched by this alert; an S3 bucket has no capacity: watch the bucket's CloudWatch storage metrics if needed`,
      `[test/alerts] 'claims' ("test/data") must be a claim with kubelet volume stats to be watched by this alert; the FSx for Lustre driver reports no volume stats (facts §1.1): watch the CloudWatch metric FreeDataStorageCapacity of the file system`,
    ]);
  });

  test('refuses a threshold outside 1-99 percent', () => {
    const chart = newChart();
    new VolumeUsageAlert(chart, 'alerts', { thresholdPercent: 100 });
    expect(synthErrors(chart)).toEqual([`[test/alerts] 'thresholdPercent' (100) must be a whole percentage between 1 and 99; alert before the claim is full`]);
  });
});
