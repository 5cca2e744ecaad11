import { CloudBucket, CloudBucketProps, DELETION_POLICY, LIFECYCLE_DEFAULTS, synthCloud } from '../src';
import { crdProblems } from './support';

const bucket = (props: Partial<CloudBucketProps> & Pick<CloudBucketProps, 'purpose'>) => synthCloud('flux-system', (s) => new CloudBucket(s, 'b', { name: 'strata-prod-checkpoints', ...props }));

describe('CloudBucket', () => {
  test('whole object: a checkpoints bucket with every default', () => {
    const { objects, errors } = bucket({ purpose: 'checkpoints' });
    expect(errors).toEqual([]);
    expect(objects).toEqual([
      {
        apiVersion: 's3.services.k8s.aws/v1alpha1',
        kind: 'Bucket',
        metadata: { name: 'strata-prod-checkpoints', namespace: 'flux-system', annotations: { [DELETION_POLICY]: 'retain' }, labels: { 'strata.dev/purpose': 'checkpoints' } },
        spec: {
          name: 'strata-prod-checkpoints',
          publicAccessBlock: { blockPublicACLs: true, ignorePublicACLs: true, blockPublicPolicy: true, restrictPublicBuckets: true },
          encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
          versioning: { status: 'Enabled' },
          lifecycle: {
            rules: [
              { id: 'strata-to-glacier-ir', status: 'Enabled', filter: { prefix: '' }, transitions: [{ days: 30, storageClass: 'GLACIER_IR' }] },
              { id: 'strata-noncurrent', status: 'Enabled', filter: { prefix: '' }, noncurrentVersionExpiration: { noncurrentDays: 7, newerNoncurrentVersions: 3 } },
              { id: 'strata-abort-multipart', status: 'Enabled', filter: { prefix: '' }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
            ],
          },
        },
      },
    ]);
    expect(crdProblems(objects)).toEqual([]);
  });

  test.each([
    ['models', 'Enabled', ['strata-noncurrent', 'strata-abort-multipart']],
    ['datasets', 'Enabled', ['strata-to-intelligent-tiering', 'strata-noncurrent', 'strata-abort-multipart']],
    ['checkpoints', 'Enabled', ['strata-to-glacier-ir', 'strata-noncurrent', 'strata-abort-multipart']],
    ['other', undefined, ['strata-abort-multipart']],
  ] as const)('%s: versioning %s, rules %j, valid for the CRD, retained', (purpose, versioning, ids) => {
    const { objects } = bucket({ purpose });
    const spec = objects[0].spec as any;
    expect(spec.versioning?.status).toBe(versioning);
    expect(spec.lifecycle.rules.map((r: any) => r.id)).toEqual(ids);
    expect(Object.values(spec.publicAccessBlock)).toEqual([true, true, true, true]);
    expect(objects[0].metadata.annotations![DELETION_POLICY]).toBe('retain');
    expect(crdProblems(objects)).toEqual([]);
  });

  test('overrides: SSE-KMS with a bucket key, a prefix, expiry after the archive, adoption by name (adopt-or-create warned)', () => {
    const { objects, errors, warnings } = bucket({
      purpose: 'checkpoints',
      kmsKeyArn: 'arn:aws:kms:us-west-2:777788889999:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      lifecycle: { prefix: 'runs/', expireAfterDays: 180, noncurrentVersions: { afterDays: 3, keepNewest: 5 } },
      adopt: 'adopt-or-create',
    });
    expect(errors).toEqual([]);
    expect(warnings).toEqual(['[b] adopt-or-create adopts an existing bucket with the spec strata writes: its CORS, logging, notifications, replication, tags and other configuration strata does not declare are removed; use adopt for a bucket that exists']);
    const o = objects[0] as any;
    expect(o.metadata.annotations).toEqual({ [DELETION_POLICY]: 'retain', 'services.k8s.aws/adoption-policy': 'adopt-or-create', 'services.k8s.aws/adoption-fields': '{"name":"strata-prod-checkpoints"}' });
    expect(o.spec.encryption.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyID: 'arn:aws:kms:us-west-2:777788889999:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, bucketKeyEnabled: true }]);
    expect(o.spec.lifecycle.rules.map((r: any) => [r.id, r.filter.prefix])).toEqual([['strata-to-glacier-ir', 'runs/'], ['strata-expire', 'runs/'], ['strata-noncurrent', 'runs/'], ['strata-abort-multipart', 'runs/']]);
    expect(o.spec.lifecycle.rules[1].expiration).toEqual({ days: 180 });
    expect(o.spec.lifecycle.rules[2].noncurrentVersionExpiration).toEqual({ noncurrentDays: 3, newerNoncurrentVersions: 5 });
    expect(crdProblems(objects)).toEqual([]);
  });

  test('lifecycle: false writes no rule; versioning off warns on a data bucket and leaves out the noncurrent rule', () => {
    expect((bucket({ purpose: 'models', lifecycle: false }).objects[0].spec as any).lifecycle).toBeUndefined();
    const off = bucket({ purpose: 'datasets', versioning: false });
    expect((off.objects[0].spec as any).lifecycle.rules.map((r: any) => r.id)).toEqual(['strata-to-intelligent-tiering', 'strata-abort-multipart']);
    expect(off.warnings).toEqual(["[b] versioning is off on a bucket of datasets: what an overwrite or a delete replaces is gone for good, and a chart's version names only what is there now"]);
  });

  test('bad input: every problem together, nothing written', () => {
    const { objects, errors } = synthCloud('flux-system', (s) => {
      new CloudBucket(s, 'models', { name: 'strata-prod-models', purpose: 'models', lifecycle: { expireAfterDays: 30, transition: { storageClass: 'GLACIER', afterDays: 10 } } });
      new CloudBucket(s, 'data', { name: 'Data_Bucket', purpose: 'datasets', versioning: false, lifecycle: { transition: { storageClass: 'STANDARD_IA', afterDays: 7 }, noncurrentVersions: { afterDays: 0, keepNewest: 101 } } });
      new CloudBucket(s, 'ckpt', { name: 'ckpt--usw2-az1--x-s3', purpose: 'checkpoints', lifecycle: { transition: { storageClass: 'GLACIER_IR', afterDays: 30 }, expireAfterDays: 30, abortIncompleteUploadsAfterDays: 0 }, adopt: 'take' as never, kmsKeyArn: 'alias/strata' });
    });
    expect(objects).toEqual([]);
    expect(errors).toEqual([
      `[models] 'lifecycle.transition.storageClass' ("GLACIER") must be a class objects are read from directly for a bucket of models (INTELLIGENT_TIERING, STANDARD_IA, ONEZONE_IA, GLACIER_IR); GLACIER objects must be restored before any read, so the workloads reading this bucket would fail on them; use GLACIER_IR (millisecond reads)`,
      `[models] 'lifecycle.expireAfterDays' (30) must be left out for a bucket of models; a model repository keeps every served version (a rollback reads the one before); delete a version by hand once no environment serves it, or give the bucket purpose "other"`,
      `[data] 'name' ("Data_Bucket") must be an S3 bucket name (3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit); use the bucket name as S3 shows it, e.g. "strata-prod-models"`,
      `[data] 'lifecycle.transition.afterDays' (7) must be a whole number of days, at least 30; S3 moves objects to STANDARD_IA only 30 days or more after they were written; or use INTELLIGENT_TIERING, which takes 0`,
      `[data] 'lifecycle.noncurrentVersions' ({"afterDays":0,"keepNewest":101}) must be false when versioning is off; an unversioned bucket has no noncurrent versions: turn versioning on, or set noncurrentVersions: false`,
      `[data] 'lifecycle.noncurrentVersions.afterDays' (0) must be a whole number of days, at least 1; give the days after a version is replaced`,
      `[data] 'lifecycle.noncurrentVersions.keepNewest' (101) must be a whole number from 1 to 100; keep between 1 and 100 versions of each key (S3's limit), or leave it out to keep none past afterDays`,
      `[ckpt] 'name' ("ckpt--usw2-az1--x-s3") must be a general-purpose bucket name; directory buckets (S3 Express One Zone) have no ACK kind: create them outside strata and name them in the chart values`,
      `[ckpt] 'adopt' ("take") must be one of adopt, adopt-or-create; "adopt-or-create" to use the bucket when it exists`,
      `[ckpt] 'kmsKeyArn' ("alias/strata") must be a KMS key ARN such as "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"; copy the key's ARN from the KMS console or "aws kms describe-key"`,
      `[ckpt] 'lifecycle.expireAfterDays' (30) must be more than lifecycle.transition.afterDays (30); an object is moved before it is deleted; raise it, or turn the transition off with transition: false`,
      `[ckpt] 'lifecycle.abortIncompleteUploadsAfterDays' (0) must be a whole number of days, at least 1; give the days after an upload started, e.g. 7`,
    ]);
  });

  test('the defaults never expire a current object', () => {
    for (const d of Object.values(LIFECYCLE_DEFAULTS)) expect(d.expireAfterDays).toBe(false);
  });
});
