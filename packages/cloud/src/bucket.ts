import { Construct } from 'constructs';
import { Bucket } from '@strata/crd-types/ack-s3-bucket';
import { BUCKET_NAME, DIRECTORY_BUCKET, Rules } from '@strata/storage';
import { KMS_KEY_ARN } from './forms';
import { ackAnnotations, ADOPTION_POLICIES, AdoptionPolicy } from './annotations';
import { BucketLifecycle, BucketPurpose, BUCKET_PURPOSES, isDataPurpose, lifecycleRules, LifecycleRuleSummary, NEEDS_RESTORE, ResolvedLifecycle, resolveLifecycle, TRANSITION_STORAGE_CLASSES } from './lifecycle';


/** An S3 bucket strata declares (general-purpose buckets only: the ACK Bucket kind). */
export interface CloudBucketProps {
  /** The bucket name (3 to 63 lowercase letters, digits, "." and "-"). */
  readonly name: string;
  /** What the bucket holds: decides the versioning and lifecycle defaults. */
  readonly purpose: BucketPurpose;
  /**
   * S3 Versioning. A bucket of models, datasets or checkpoints keeps what a chart's version names,
   * and what an overwrite replaced, only with versioning on.
   * @default - on for models, datasets and checkpoints; off for other
   */
  readonly versioning?: boolean;
  /**
   * Default encryption: SSE-KMS with this key (and an S3 Bucket Key, which cuts the KMS requests
   * by a per-bucket data key: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
   * @default - SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /** Lifecycle overrides (see BucketLifecycle); `false` writes no rule at all. @default - the purpose's defaults */
  readonly lifecycle?: BucketLifecycle | false;
  /**
   * The bucket exists: adopt it. `adopt` copies the bucket's configuration into the object first, so
   * what strata does not declare (CORS, logging, notifications, replication, tags) stays, and the
   * declared spec (versioning, encryption, lifecycle, public access block) then replaces the rest.
   * `adopt-or-create` creates the bucket when it does not exist, but adopts an existing one with the
   * spec as written: the controller removes every configuration the spec leaves out (a warning says so).
   * @default - created by ACK (an existing bucket of that name fails the object: "already exists")
   */
  readonly adopt?: AdoptionPolicy;
  /** The AWS region, when not the controller's (annotation services.k8s.aws/region). @default - the ACK controller's region */
  readonly region?: string;
}

/**
 * An S3 bucket through the ACK s3-controller, always:
 * - with all four public access block flags on: the controller reads a Bucket without
 *   `publicAccessBlock` as all four flags off and turns an existing block off to match
 *   (aws-controllers-k8s/s3-controller@v1.10.0:pkg/resource/bucket/hook.go#L76-L81, #L800-L801);
 * - with default encryption written (SSE-S3, or SSE-KMS with a Bucket Key);
 * - retained in AWS when the object is deleted or pruned (deletion policy `retain`).
 */
export class CloudBucket extends Construct {
  public readonly bucketName: string;
  public readonly purpose: BucketPurpose;
  public readonly versioned: boolean;
  /** The lifecycle written (undefined when `lifecycle: false`). */
  public readonly lifecycle?: ResolvedLifecycle;
  /** The S3 rules written, one line each (for the report). */
  public readonly rules: readonly LifecycleRuleSummary[];
  public readonly object: Bucket;

  public constructor(scope: Construct, id: string, props: CloudBucketProps) {
    super(scope, id);
    const r = new Rules(this);
    this.bucketName = props.name;
    this.purpose = props.purpose;
    const fixName = 'use the bucket name as S3 shows it, e.g. "strata-prod-models"';
    if (r.required('name', props.name, 'an S3 bucket name', fixName)) {
      if (new RegExp(DIRECTORY_BUCKET).test(props.name)) {
        r.fail('name', props.name, 'a general-purpose bucket name', 'directory buckets (S3 Express One Zone) have no ACK kind: create them outside strata and name them in the chart values');
      } else {
        r.check('name', props.name, { pattern: BUCKET_NAME }, fixName);
      }
    }
    r.oneOf('purpose', props.purpose, BUCKET_PURPOSES, 'say what the bucket holds: models, datasets, checkpoints, or other');
    r.oneOf('adopt', props.adopt, ADOPTION_POLICIES, '"adopt-or-create" to use the bucket when it exists');
    r.check('kmsKeyArn', props.kmsKeyArn, { pattern: KMS_KEY_ARN }, 'copy the key\'s ARN from the KMS console or "aws kms describe-key"');
    const purpose = BUCKET_PURPOSES.includes(props.purpose) ? props.purpose : 'other';
    this.versioned = props.versioning ?? isDataPurpose(purpose);
    if (props.versioning === false && isDataPurpose(purpose)) {
      r.warn(`versioning is off on a bucket of ${purpose}: what an overwrite or a delete replaces is gone for good, and a chart's version names only what is there now`);
    }
    this.lifecycle = props.lifecycle === false ? undefined : resolveLifecycle(purpose, this.versioned, props.lifecycle ?? {});
    if (this.lifecycle) checkLifecycle(r, purpose, this.versioned, this.lifecycle, props.lifecycle || {});
    const made = this.lifecycle ? lifecycleRules(this.lifecycle) : { rules: [], summary: [] };
    this.rules = made.summary;

    const annotations = {
      ...ackAnnotations({ holdsData: true, adoption: props.adopt ? { policy: props.adopt, fields: { name: props.name } } : undefined }),
      ...(props.region ? { 'services.k8s.aws/region': props.region } : {}),
    };
    if (props.adopt === 'adopt-or-create') {
      // The controller reads every configuration the spec leaves out as empty and removes it from the bucket
      // (aws-controllers-k8s/s3-controller@v1.10.0:pkg/resource/bucket/hook.go customPreCompare); `adopt` first copies the
      // bucket's configuration into the object, so what strata does not declare stays.
      r.warn('adopt-or-create adopts an existing bucket with the spec strata writes: its CORS, logging, notifications, replication, tags and other configuration strata does not declare are removed; use adopt for a bucket that exists');
    }
    this.object = new Bucket(this, 'Resource', {
      metadata: { name: props.name, annotations, labels: { 'strata.dev/purpose': purpose } },
      spec: {
        name: props.name,
        publicAccessBlock: { blockPublicAcLs: true, ignorePublicAcLs: true, blockPublicPolicy: true, restrictPublicBuckets: true },
        encryption: {
          rules: [
            props.kmsKeyArn
              ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
              : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
          ],
        },
        // Written when decided (on for data, or set): left out, an adopted bucket keeps its own state.
        ...(props.versioning !== undefined || isDataPurpose(purpose) ? { versioning: { status: this.versioned ? 'Enabled' : 'Suspended' } } : {}),
        ...(made.rules.length > 0 ? { lifecycle: { rules: made.rules } } : {}),
        // No `tagging`: PutBucketTagging replaces every tag, so an adopted bucket would lose its own (cost allocation ones too).
      },
    });
  }
}

/** The S3 limit on kept noncurrent versions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html). */
export const MAX_NEWER_NONCURRENT_VERSIONS = 100;

function checkLifecycle(r: Rules, purpose: BucketPurpose, versioned: boolean, l: ResolvedLifecycle, declared: BucketLifecycle): void {
  const days = (field: string, value: unknown, min: number, fix: string) => r.check(field, value, { minimum: min, multipleOf: 1 }, fix, `a whole number of days, at least ${min}`);
  if (l.transition) {
    const t = l.transition;
    if (r.oneOf('lifecycle.transition.storageClass', t.storageClass, TRANSITION_STORAGE_CLASSES, 'pick an S3 storage class a lifecycle rule can move objects to')) {
      // STANDARD_IA and ONEZONE_IA: "valid values are positive integers greater than 30"; the others take 0 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html).
      const min = t.storageClass === 'STANDARD_IA' || t.storageClass === 'ONEZONE_IA' ? 30 : 0;
      days('lifecycle.transition.afterDays', t.afterDays, min, min === 30 ? `S3 moves objects to ${t.storageClass} only 30 days or more after they were written; or use INTELLIGENT_TIERING, which takes 0` : 'give the days after an object is written');
      if (purpose !== 'checkpoints' && NEEDS_RESTORE.includes(t.storageClass)) {
        r.fail('lifecycle.transition.storageClass', t.storageClass, `a class objects are read from directly for a bucket of ${purpose} (${TRANSITION_STORAGE_CLASSES.filter((c) => !NEEDS_RESTORE.includes(c)).join(', ')})`, `${t.storageClass} objects must be restored before any read, so the workloads reading this bucket would fail on them; use GLACIER_IR (millisecond reads)`);
      }
    }
  }
  if (l.expireAfterDays !== false) {
    if (purpose === 'models') {
      r.fail('lifecycle.expireAfterDays', l.expireAfterDays, 'left out for a bucket of models', 'a model repository keeps every served version (a rollback reads the one before); delete a version by hand once no environment serves it, or give the bucket purpose "other"');
    } else if (days('lifecycle.expireAfterDays', l.expireAfterDays, 1, 'give the days after an object is written') && l.transition && l.expireAfterDays <= l.transition.afterDays) {
      r.fail('lifecycle.expireAfterDays', l.expireAfterDays, `more than lifecycle.transition.afterDays (${l.transition.afterDays})`, 'an object is moved before it is deleted; raise it, or turn the transition off with transition: false');
    }
  }
  if (l.noncurrentVersions) {
    if (!versioned && declared.noncurrentVersions !== undefined) {
      r.fail('lifecycle.noncurrentVersions', l.noncurrentVersions, 'false when versioning is off', 'an unversioned bucket has no noncurrent versions: turn versioning on, or set noncurrentVersions: false');
    }
    days('lifecycle.noncurrentVersions.afterDays', l.noncurrentVersions.afterDays, 1, 'give the days after a version is replaced');
    r.check('lifecycle.noncurrentVersions.keepNewest', l.noncurrentVersions.keepNewest, { minimum: 1, maximum: MAX_NEWER_NONCURRENT_VERSIONS, multipleOf: 1 }, 'keep between 1 and 100 versions of each key (S3\'s limit), or leave it out to keep none past afterDays', `a whole number from 1 to ${MAX_NEWER_NONCURRENT_VERSIONS}`);
  }
  if (l.abortIncompleteUploadsAfterDays !== false) days('lifecycle.abortIncompleteUploadsAfterDays', l.abortIncompleteUploadsAfterDays, 1, 'give the days after an upload started, e.g. 7');
  r.check('lifecycle.prefix', l.prefix, { not: { pattern: '^/' } }, 'write the key prefix without a leading "/", e.g. "checkpoints/"', 'a key prefix not starting with "/"');
}
