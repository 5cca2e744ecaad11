import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { problem, Tokens } from '@strata/tokens';
import { ACCOUNT_ID, DIRECTORY_BUCKET } from './forms';
import { isLiteral, Rules } from './rules';
import { DROPPED_FLAGS, FREE_FLAGS, MOUNTPOINT_FLAGS, MOUNTPOINT_VERSION, splitOption } from './s3-mountpoint-flags';
import type { S3MountpointProps } from './s3-mountpoint';

/**
 * The `mountOptions` of a Mountpoint PersistentVolume: each typed prop as the flag Mountpoint
 * takes (checked as mount-s3 1.22.3 parses it, awslabs/mountpoint-s3@mountpoint-s3-1.22.3:mountpoint-s3/src/cli.rs),
 * then `extraMountOptions`, each one a flag Mountpoint knows without a typed prop.
 */

/** S3 storage classes for new objects (`--storage-class`), as the S3 API spells them. */
export const S3_STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
] as const;

/** Mountpoint's maximum metadata TTL: 100 years of seconds (mountpoint-s3-fs/src/fs/time_to_live.rs#L31-L32). */
const MAX_TTL_SECONDS = 100 * 365 * 24 * 60 * 60;

/** Renders the typed props as Mountpoint flags, in a fixed order, then the extra options. */
export function renderMountOptions(rules: Rules, path: string, props: S3MountpointProps): string[] {
  const r = rules;
  const out: string[] = [];
  const flag = (name: string, prop: string, on: boolean | undefined) => {
    if (on === undefined) return;
    if (Tokens.isToken(on)) r.fail(prop, on, 'true or false when the chart is written', 'a mount flag is present or absent: decide it in code');
    else if (on) out.push(name);
  };
  const value = (name: string, v: string | number | undefined, sep = ' ') => {
    if (v !== undefined) out.push(`${name}${sep}${v}`);
  };

  value('prefix', props.prefix);
  value('region', props.region);
  flag('allow-delete', 'allowDelete', props.allowDelete);
  flag('allow-overwrite', 'allowOverwrite', props.allowOverwrite);
  flag('allow-other', 'allowOther', props.allowOther);
  flag('allow-root', 'allowRoot', props.allowRoot);
  if (props.allowOther === true && props.allowRoot === true) {
    r.fail('allowRoot', true, 'unset with allowOther', 'Mountpoint refuses both (cli.rs#L159-L165, conflicts_with): allow-other already lets root in');
  }

  // Mountpoint takes owner ids from 1 (cli.rs#L227-L241, value_parser range(1..)).
  r.check('uid', props.uid, { minimum: 1, maximum: 4294967295, multipleOf: 1 }, 'Mountpoint refuses 0: leave uid unset for the Mountpoint Pod\'s user', 'a numeric user id from 1 to 4294967295');
  r.check('gid', props.gid, { minimum: 1, maximum: 4294967295, multipleOf: 1 }, 'Mountpoint refuses 0: leave gid unset for the pod\'s fsGroup', 'a numeric group id from 1 to 4294967295');
  value('uid', props.uid, '=');
  value('gid', props.gid, '=');
  // Octal user/group/other bits only (cli.rs#L816-L823, parse_perm_bits).
  r.check('dirMode', props.dirMode, { pattern: '^0?[0-7]{3}$' }, 'write three octal digits, e.g. "0755" (Mountpoint takes no setuid, setgid or sticky bit)', 'an octal mode of user, group and other bits such as "0755"');
  r.check('fileMode', props.fileMode, { pattern: '^0?[0-7]{3}$' }, 'write three octal digits, e.g. "0644" (Mountpoint takes no setuid, setgid or sticky bit)', 'an octal mode of user, group and other bits such as "0644"');
  value('dir-mode', props.dirMode, '=');
  value('file-mode', props.fileMode, '=');

  value('metadata-ttl', ttl(r, 'metadataTtl', props.metadataTtl));
  value('negative-metadata-ttl', ttl(r, 'negativeMetadataTtl', props.negativeMetadataTtl));

  r.check('maxCacheSize', props.maxCacheSize, { minimum: 0, multipleOf: 1 }, 'a size in MiB (0 turns the local data cache off)', 'a whole number of MiB');
  if (props.maxCacheSize !== undefined && props.cache === undefined) {
    r.fail('maxCacheSize', props.maxCacheSize, 'set only with a local cache', 'Mountpoint takes --max-cache-size only with a cache directory (cli.rs#L340-L348, requires "cache"): set cache, or drop maxCacheSize');
  }
  value('max-cache-size', props.maxCacheSize);
  if (props.sharedCacheBucket !== undefined) {
    r.check('sharedCacheBucket', props.sharedCacheBucket, { pattern: DIRECTORY_BUCKET }, 'the shared cache is an S3 Express One Zone directory bucket of the same region (cli.rs#L360-L368); give its full name');
    value('cache-xz', props.sharedCacheBucket);
  }
  flag('incremental-upload', 'incrementalUpload', props.incrementalUpload);
  r.oneOf('storageClass', props.storageClass, S3_STORAGE_CLASSES, 'use an S3 storage class name');
  value('storage-class', props.storageClass);
  r.oneOf('sse', props.sse, ['AES256', 'aws:kms', 'aws:kms:dsse']);
  value('sse', props.sse);
  if (props.sseKmsKeyId !== undefined) {
    r.check('sseKmsKeyId', props.sseKmsKeyId, { pattern: '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$' }, 'Mountpoint takes a key ARN only (not a key id or alias)', 'a KMS key ARN');
    if (props.sse === undefined) r.fail('sse', undefined, 'aws:kms or aws:kms:dsse with sseKmsKeyId', 'set sse: S3ServerSideEncryption.KMS');
    else r.oneOf('sse', props.sse, ['aws:kms', 'aws:kms:dsse'], 'sseKmsKeyId needs SSE-KMS');
    value('sse-kms-key-id', props.sseKmsKeyId);
  }
  r.oneOf('uploadChecksums', props.uploadChecksums, ['crc32c', 'off'], 'Mountpoint knows these two (cli.rs#L395-L401)');
  value('upload-checksums', props.uploadChecksums);
  r.oneOf('bucketType', props.bucketType, ['general-purpose', 'directory'], 'Mountpoint knows these two (cli.rs#L109-L110, BucketType)');
  value('bucket-type', props.bucketType);
  r.check('expectedBucketOwner', props.expectedBucketOwner, { pattern: ACCOUNT_ID }, 'the account that owns the bucket, e.g. "111122223333"');
  value('expected-bucket-owner', props.expectedBucketOwner);
  flag('requester-pays', 'requesterPays', props.requesterPays);
  value('read-part-size', partBytes(r, 'readPartSize', props.readPartSize));
  value('write-part-size', partBytes(r, 'writePartSize', props.writePartSize));
  r.check('maxThreads', props.maxThreads, { minimum: 1, multipleOf: 1 }, 'a whole number of threads', 'a whole number from 1');
  value('max-threads', props.maxThreads);
  r.check('maximumThroughputGbps', props.maximumThroughputGbps, { minimum: 1, multipleOf: 1 }, 'Mountpoint takes whole Gbps (cli.rs#L167-L174)', 'a whole number of Gbps from 1');
  value('maximum-throughput-gbps', props.maximumThroughputGbps);
  r.check('awsMaxAttempts', props.awsMaxAttempts, { minimum: 1, multipleOf: 1 }, 'a whole number of attempts', 'a whole number from 1');
  value('aws-max-attempts', props.awsMaxAttempts);

  checkCacheLimits(r, props);
  return [...out, ...extraOptions(r, path, props)];
}

/** A metadata TTL as Mountpoint takes it: whole seconds up to 100 years, or "indefinite" / "minimal". */
function ttl(r: Rules, field: string, v: Duration | 'indefinite' | 'minimal' | undefined): string | number | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Duration) {
    let s: number;
    try {
      s = v.toSeconds();
    } catch {
      s = v.toMilliseconds() / 1000; // not whole seconds: refused below
    }
    r.check(field, s, { minimum: 1, maximum: MAX_TTL_SECONDS, multipleOf: 1 }, 'whole seconds up to 100 years; "minimal" for the shortest (Mountpoint reads 0 as minimal)', 'whole seconds from 1 to 3153600000');
    return s;
  }
  r.oneOf(field, v, ['indefinite', 'minimal'], 'or give a Duration');
  return v;
}

/**
 * `extraMountOptions`, checked as the driver and Mountpoint take them: a Mountpoint flag without a
 * typed prop, of the right form (a switch alone, a value after a space or "="). The driver
 * refuses `-o` (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/node.go#L131-L133) and
 * drops foreground, help and version (pkg/mountpoint/args.go#L88-L91).
 */
function extraOptions(rules: Rules, path: string, props: S3MountpointProps): string[] {
  const extras = props.extraMountOptions ?? [];
  if (Tokens.infoOf(extras)?.kind === 'list') {
    // Decided at install time: each item must be one of the free flags (switches, or a flag and a value).
    const free = FREE_FLAGS.map((f) => (MOUNTPOINT_FLAGS[f].shape === 'switch' ? f : `${f}[ =].+`)).join('|');
    Tokens.check(extras, { items: { pattern: `^(--)?(${free})$` } }, `[${path}] extraMountOptions`, `Mountpoint ${MOUNTPOINT_VERSION} flags without a typed prop: ${FREE_FLAGS.join(', ')}`);
    return extras;
  }
  const kept: string[] = [];
  for (const option of extras) {
    if (Tokens.isToken(option)) {
      kept.push(option);
      continue;
    }
    const { key, dashes, value, separated } = splitOption(option);
    const rule = MOUNTPOINT_FLAGS[key];
    if (dashes === '-' && key.startsWith('o')) {
      const fuse = option.trim().replace(/^-o\s*/, '').replace(/_/g, '-');
      const prop = MOUNTPOINT_FLAGS[splitOption(fuse).key]?.prop;
      rules.fail('extraMountOptions', option, 'a Mountpoint flag without "-o"', `the driver refuses -o options: ${prop ? `set ${prop} instead` : `write "${fuse}"`}`);
    } else if (DROPPED_FLAGS.has(key)) {
      rules.warn(problem('extraMountOptions', option, 'left out', 'the driver drops foreground, help and version (and -f, -h, -v) silently, so it was removed'));
    } else if (dashes === '-') {
      rules.fail('extraMountOptions', option, 'a long flag', 'write the flag\'s long name, e.g. "debug" for -d');
    } else if (key === 'cache') {
      if (props.cache !== undefined) {
        rules.fail('extraMountOptions', option, 'without cache when the cache attribute is set', 'the driver refuses both: remove the cache mount option and keep cache');
      } else {
        rules.warn(problem('extraMountOptions', option, 'replaced by the cache attribute', 'cache as a mount option is deprecated and becomes an unlimited emptyDir: use cache: { type: \'emptyDir\', sizeLimit }'));
        kept.push(option);
      }
    } else if (!rule) {
      rules.fail('extraMountOptions', option, `a flag of Mountpoint ${MOUNTPOINT_VERSION} (the driver's): one of ${FREE_FLAGS.join(', ')}`, 'Mountpoint exits on a flag it does not know, and the volume never mounts; flags with a typed prop are set there');
    } else if (rule.prop) {
      rules.fail('extraMountOptions', option, `without ${key}`, `set ${rule.prop} instead (it is checked there)`);
    } else if (rule.refused) {
      rules.fail('extraMountOptions', option, `without ${key}`, rule.refused);
    } else if (rule.shape === 'switch' && separated) {
      rules.fail('extraMountOptions', option, `"${key}" alone`, `${key} is a switch: it takes no value`);
    } else if (rule.shape === 'value' && value === '') {
      rules.fail('extraMountOptions', option, `"${key} <value>"`, `${key} takes a value, after a space or "="`);
    } else {
      kept.push(option);
    }
  }
  return kept;
}

/** The cache's size rules: max-cache-size against an emptyDir limit (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/node.go#L153-L190, docs/CACHING.md). */
function checkCacheLimits(rules: Rules, props: S3MountpointProps): void {
  const cache = props.cache;
  if (cache?.type !== 'emptyDir' || cache.sizeLimit === undefined || props.maxCacheSize === undefined) return;
  const limitGi = cache.sizeLimit.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  const limitToken = Tokens.isToken(limitGi);
  const maxToken = Tokens.isToken(props.maxCacheSize);
  if (limitToken && maxToken) return; // two install-time values: the schema cannot relate them
  if (limitToken) {
    rules.check('cacheEmptyDirSizeLimit', limitGi, { minimum: props.maxCacheSize / 1024 }, 'raise the cache sizeLimit or lower maxCacheSize', `at least maxCacheSize (${props.maxCacheSize} MiB)`);
  } else {
    const limitMi = cache.sizeLimit.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    rules.check('maxCacheSize', props.maxCacheSize, { maximum: limitMi }, 'the driver refuses a max-cache-size above the emptyDir limit: lower maxCacheSize or raise the cache sizeLimit',
      `at most ${limitMi} (MiB, the cacheEmptyDirSizeLimit ${quantity(cache.sizeLimit)})`);
  }
}

/** A part size in whole bytes, as Mountpoint takes it; a size token becomes a derived token (GiB × 2^30). */
function partBytes(rules: Rules, field: string, size: Size | undefined): number | undefined {
  if (size === undefined) return undefined;
  const gi = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Tokens.isToken(gi)) return Tokens.derive(gi, 1024 ** 3);
  const bytes = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  rules.check(field, bytes, { minimum: 1, multipleOf: 1 }, 'give a whole number of bytes', 'a whole number of bytes');
  return bytes;
}

/** A Kubernetes quantity for a size: whole GiB as `Gi`, else MiB (rounded up). A size token stays `<token>Gi`. */
export function quantity(size: Size): string {
  const gi = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Tokens.isToken(gi) || Number.isInteger(gi)) return `${gi}Gi`;
  return `${Math.ceil(size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }))}Mi`;
}

/** Whether a prop is a literal true. */
export function isOn(v: boolean | undefined): boolean {
  return isLiteral(v) && v === true;
}
