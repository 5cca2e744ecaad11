/**
 * Driver features (DRIVER_FEATURES): a chart that `strata.dev/uses` one gets its driver installed with
 * the values that switch it on. `s3-mountpoint-headroom`: Mountpoint volumes with reserveHeadroom
 * gate their pods with s3.csi.aws.com/reserve-headroom-for-mppod, which only a driver controller run
 * with experimental.reserveHeadroomForMountpointPods removes (awslabs/mountpoint-s3-csi-driver@v2.7.0
 * charts/aws-mountpoint-s3-csi-driver/values.yaml#L132-L135, docs/HEADROOM_FOR_MPPOD.md).
 */
import { parse } from 'yaml';
import { ChartCatalog, DRIVER_FEATURES, environmentFiles, planEnvironment } from '../src';
import { fixtureCatalog } from './fixtures/charts';
import { dev } from './fixtures/environments';

/** The feature @strata/storage marks headroom volumes with (S3_HEADROOM_FEATURE; the same name: test/e2e/driver-features.test.ts). */
const S3_HEADROOM_FEATURE = 's3-mountpoint-headroom';

/** The fixture catalog with the training chart using these features besides its tiers. */
function using(...features: string[]): ChartCatalog {
  const catalog = JSON.parse(JSON.stringify(fixtureCatalog()));
  catalog.training.uses = [...catalog.training.uses, ...features];
  return catalog;
}
const s3Driver = (catalog: ChartCatalog) => planEnvironment(dev, catalog).drivers.find((d) => d.driver.chart === 'aws-mountpoint-s3-csi-driver')!;

describe('driver features', () => {
  test('the feature switches the S3 driver\'s headroom flag on', () => {
    expect(DRIVER_FEATURES[S3_HEADROOM_FEATURE]).toMatchObject({ tier: 's3', values: { experimental: { reserveHeadroomForMountpointPods: true } } });
  });

  test('s3-mountpoint-headroom: the S3 driver is installed with the flag that removes the scheduling gate, beside its identity', () => {
    const plan = planEnvironment(dev, using(S3_HEADROOM_FEATURE));
    expect(plan.errors).toEqual([]);
    // A feature is no tier and nothing strata cannot install: no warning about it.
    expect(plan.warnings.filter((w) => w.includes(S3_HEADROOM_FEATURE))).toEqual([]);
    expect(s3Driver(using(S3_HEADROOM_FEATURE)).values).toEqual({
      experimental: { reserveHeadroomForMountpointPods: true },
      node: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/dev-s3-csi' } } },
    });
    const hr = parse(environmentFiles(dev, using(S3_HEADROOM_FEATURE)).get('dev/infrastructure/controllers/aws-mountpoint-s3-csi-driver.yaml')!.split('---').pop()!);
    expect(hr.kind).toBe('HelmRelease');
    expect(hr.spec.values.experimental).toEqual({ reserveHeadroomForMountpointPods: true });
  });

  test('without the feature the driver gets no experimental values; other drivers never get it', () => {
    expect(s3Driver(fixtureCatalog()).values).not.toHaveProperty('experimental');
    const plan = planEnvironment(dev, using(S3_HEADROOM_FEATURE));
    for (const d of plan.drivers.filter((x) => x.driver.chart !== 'aws-mountpoint-s3-csi-driver')) expect(d.values ?? {}).not.toHaveProperty('experimental');
  });
});
