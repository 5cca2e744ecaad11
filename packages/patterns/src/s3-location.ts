import { BUCKET_NAME, KEY_PREFIX, PATH_SEGMENT, Rules } from '@strata/storage';
import { DOUBLE_DOT } from '@strata/tokens';

/** A place in S3: a bucket and a key prefix. */
export interface S3Location {
  /** The bucket name (no `s3://`, no path). */
  readonly bucket: string;
  /**
   * The key prefix, ending in `/` (e.g. `models/llama-3-8b/`), or `''` for the whole bucket.
   * @default ''
   */
  readonly prefix?: string;
}

// S3 names and AWS regions, declared once (with their words) in @strata/storage's forms.
export { BUCKET_NAME, KEY_PREFIX, NONEMPTY_KEY_PREFIX, PATH_SEGMENT, REGION } from '@strata/storage';
/** The length limits of bucket names (also in BUCKET_NAME; stated for values). */
export const BUCKET_NAME_LENGTH = { minLength: 3, maxLength: 63 } as const;
/** Two adjacent periods, which bucket names must not contain. */
export const NO_DOUBLE_DOT = { not: { pattern: DOUBLE_DOT } } as const;

/** Checks a bucket and prefix; the prefix defaults to ''. Returns the prefix as used. */
export function checkS3Location(rules: Rules, field: string, location: S3Location): string {
  const prefix = location.prefix ?? '';
  if (rules.required(`${field}.bucket`, location.bucket, 'the name of an existing bucket', 'e.g. "ml-models"')) {
    rules.check(`${field}.bucket`, location.bucket, { pattern: BUCKET_NAME, ...NO_DOUBLE_DOT }, 'give the bucket name only (no s3:// and no path; put a path in prefix)',
      'an S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no "..")');
  }
  rules.check(`${field}.prefix`, prefix, { pattern: KEY_PREFIX }, 'write a key prefix such as "models/llama/" (no leading "/", ending in "/", no "." or ".." segments), or "" for the whole bucket',
    'a key prefix ending in "/" without a leading "/", or ""');
  return prefix;
}

/** Checks a single path segment (a version, a run id). */
export function checkSegment(rules: Rules, field: string, value: string | undefined, example: string): void {
  if (!rules.required(field, value, 'set', `e.g. "${example}"`)) return;
  rules.check(field, value, { pattern: PATH_SEGMENT }, `use letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. "${example}"`,
    'one path segment (letters, digits, ".", "_", "-"; starting with a letter or digit; at most 128 characters)');
}

/** `s3://bucket/prefix` for messages and scripts. */
export function s3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.prefix ?? ''}`;
}
