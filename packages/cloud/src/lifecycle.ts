import type { BucketSpecLifecycleRules } from '@strata/crd-types/ack-s3-bucket';

/**
 * S3 lifecycle rules with defaults per pattern. The rule shapes are S3's
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html), written as the ACK
 * Bucket's `spec.lifecycle.rules` (aws-controllers-k8s/s3-controller@v1.10.0:config/crd/bases/s3.services.k8s.aws_buckets.yaml).
 */

/** What a bucket holds: decides its versioning and lifecycle defaults. */
export type BucketPurpose = 'models' | 'datasets' | 'checkpoints' | 'other';

/** Every purpose, for messages. */
export const BUCKET_PURPOSES: readonly BucketPurpose[] = ['models', 'datasets', 'checkpoints', 'other'];

/** Purposes whose buckets hold data strata's patterns read and write: versioned by default. */
export function isDataPurpose(p: BucketPurpose): boolean {
  return p !== 'other';
}

/** S3 storage classes a lifecycle rule moves objects to (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html). */
export type TransitionStorageClass = 'INTELLIGENT_TIERING' | 'STANDARD_IA' | 'ONEZONE_IA' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';

/** Every transition storage class. */
export const TRANSITION_STORAGE_CLASSES: readonly TransitionStorageClass[] = ['INTELLIGENT_TIERING', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];

/**
 * Storage classes whose objects cannot be read until restored (GetObject answers InvalidObjectState):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html. Mountpoint and the
 * hydration Jobs would fail on them, so buckets that serve reads never transition there.
 */
export const NEEDS_RESTORE: readonly TransitionStorageClass[] = ['GLACIER', 'DEEP_ARCHIVE'];

/**
 * The lifecycle of a bucket: every field overrides the default of the bucket's purpose; `false`
 * turns a default rule off.
 */
export interface BucketLifecycle {
  /** The key prefix every rule applies to. @default '' (the whole bucket) */
  readonly prefix?: string;
  /**
   * Move current objects to a cheaper class after some days.
   * @default - datasets: INTELLIGENT_TIERING after 0 days; checkpoints: GLACIER_IR after 30 days; models and other: none
   */
  readonly transition?: { readonly storageClass: TransitionStorageClass; readonly afterDays: number } | false;
  /**
   * Delete current objects this many days after they were written (with versioning, they become
   * noncurrent and the noncurrent rule removes them). Refused on model repositories, which keep
   * every served version.
   * @default - none: nothing current is ever deleted by a rule unless asked
   */
  readonly expireAfterDays?: number | false;
  /**
   * Noncurrent versions (what an overwrite or a delete leaves in a versioned bucket): the newest
   * `keepNewest` of each key are kept, older ones are deleted `afterDays` after they became
   * noncurrent. Needs versioning.
   * @default - checkpoints: keep 3, delete after 7 days; datasets: keep 1, after 30 days; models: keep 3, after 90 days; other: none
   */
  readonly noncurrentVersions?: { readonly afterDays: number; readonly keepNewest?: number } | false;
  /**
   * Abort multipart uploads left incomplete this many days after they started (their parts are
   * billed until then: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html).
   * @default 7
   */
  readonly abortIncompleteUploadsAfterDays?: number | false;
}

/** The lifecycle after defaults: every rule decided (false = off). */
export interface ResolvedLifecycle {
  readonly prefix: string;
  readonly transition: { readonly storageClass: TransitionStorageClass; readonly afterDays: number } | false;
  readonly expireAfterDays: number | false;
  readonly noncurrentVersions: { readonly afterDays: number; readonly keepNewest?: number } | false;
  readonly abortIncompleteUploadsAfterDays: number | false;
}

/**
 * The defaults per purpose, and why:
 * - **checkpoints**: a run resumes from its newest checkpoints; older ones are kept for a while at
 *   Glacier Instant Retrieval prices (millisecond reads, so a resume from an old step still works)
 *   and nothing current is deleted unless asked; overwritten or deleted objects keep their 3 newest
 *   versions for 7 days.
 * - **datasets**: read in bursts, then rarely: S3 Intelligent-Tiering moves each object by its own
 *   access pattern, with no retrieval fee (https://aws.amazon.com/s3/storage-classes/intelligent-tiering/).
 * - **models**: every served version stays current and in S3 Standard (a rollout or a rollback
 *   reads it at once); overwritten objects keep 3 versions for 90 days.
 * - **other**: only incomplete multipart uploads are cleaned.
 */
export const LIFECYCLE_DEFAULTS: { readonly [p in BucketPurpose]: ResolvedLifecycle } = {
  checkpoints: { prefix: '', transition: { storageClass: 'GLACIER_IR', afterDays: 30 }, expireAfterDays: false, noncurrentVersions: { afterDays: 7, keepNewest: 3 }, abortIncompleteUploadsAfterDays: 7 },
  datasets: { prefix: '', transition: { storageClass: 'INTELLIGENT_TIERING', afterDays: 0 }, expireAfterDays: false, noncurrentVersions: { afterDays: 30, keepNewest: 1 }, abortIncompleteUploadsAfterDays: 7 },
  models: { prefix: '', transition: false, expireAfterDays: false, noncurrentVersions: { afterDays: 90, keepNewest: 3 }, abortIncompleteUploadsAfterDays: 7 },
  other: { prefix: '', transition: false, expireAfterDays: false, noncurrentVersions: false, abortIncompleteUploadsAfterDays: 7 },
};

/** A purpose's defaults with the declared overrides applied (unversioned buckets get no noncurrent rule by default). */
export function resolveLifecycle(purpose: BucketPurpose, versioned: boolean, declared: BucketLifecycle = {}): ResolvedLifecycle {
  const d = LIFECYCLE_DEFAULTS[purpose];
  return {
    prefix: declared.prefix ?? d.prefix,
    transition: declared.transition ?? d.transition,
    expireAfterDays: declared.expireAfterDays ?? d.expireAfterDays,
    noncurrentVersions: declared.noncurrentVersions ?? (versioned ? d.noncurrentVersions : false),
    abortIncompleteUploadsAfterDays: declared.abortIncompleteUploadsAfterDays ?? d.abortIncompleteUploadsAfterDays,
  };
}

/** One S3 rule of a resolved lifecycle: its id and what it does, for the report. */
export interface LifecycleRuleSummary {
  readonly id: string;
  readonly kind: 'transition' | 'expiration' | 'noncurrent' | 'abort-multipart';
  readonly text: string;
}

/** The rules of a lifecycle, one S3 rule per action (each can then be read, and turned off, alone). */
export function lifecycleRules(l: ResolvedLifecycle): { readonly rules: BucketSpecLifecycleRules[]; readonly summary: LifecycleRuleSummary[] } {
  const rules: BucketSpecLifecycleRules[] = [];
  const summary: LifecycleRuleSummary[] = [];
  const filter = { prefix: l.prefix };
  const where = l.prefix === '' ? 'every object' : `objects under "${l.prefix}"`;
  if (l.transition) {
    const id = `strata-to-${l.transition.storageClass.toLowerCase().replace(/_/g, '-')}`;
    rules.push({ id, status: 'Enabled', filter, transitions: [{ days: l.transition.afterDays, storageClass: l.transition.storageClass }] });
    summary.push({ id, kind: 'transition', text: `${where}: to ${l.transition.storageClass} ${l.transition.afterDays} days after written` });
  }
  if (l.expireAfterDays !== false) {
    const id = 'strata-expire';
    rules.push({ id, status: 'Enabled', filter, expiration: { days: l.expireAfterDays } });
    summary.push({ id, kind: 'expiration', text: `${where}: deleted ${l.expireAfterDays} days after written (a noncurrent version when versioned)` });
  }
  if (l.noncurrentVersions) {
    const id = 'strata-noncurrent';
    const keep = l.noncurrentVersions.keepNewest;
    rules.push({ id, status: 'Enabled', filter, noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersions.afterDays, ...(keep !== undefined ? { newerNoncurrentVersions: keep } : {}) } });
    summary.push({ id, kind: 'noncurrent', text: `${where}: noncurrent versions deleted ${l.noncurrentVersions.afterDays} days after replaced${keep !== undefined ? `, the newest ${keep} of each key kept` : ''}` });
  }
  if (l.abortIncompleteUploadsAfterDays !== false) {
    const id = 'strata-abort-multipart';
    rules.push({ id, status: 'Enabled', filter, abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteUploadsAfterDays } });
    summary.push({ id, kind: 'abort-multipart', text: `${where}: incomplete multipart uploads aborted ${l.abortIncompleteUploadsAfterDays} days after started` });
  }
  return { rules, summary };
}
