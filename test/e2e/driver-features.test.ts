/** The feature a headroom Mountpoint volume marks its chart with is one gitops installs the S3 driver for. */
import { S3_HEADROOM_FEATURE } from '@strata/storage';
import { DRIVER_FEATURES } from '@strata/gitops';

test('S3_HEADROOM_FEATURE of @strata/storage is a driver feature of @strata/gitops, on the S3 driver', () => {
  expect(DRIVER_FEATURES[S3_HEADROOM_FEATURE]?.tier).toBe('s3');
});
