/**
 * The command-line flags of Mountpoint for Amazon S3, as the CSI driver passes a PersistentVolume's
 * `mountOptions` to it: which flags exist, which of them a typed prop of `S3Mountpoint` sets, and
 * which the driver drops, replaces or refuses.
 *
 * The Mountpoint is the one the driver bundles: awslabs/mountpoint-s3-csi-driver@v2.7.0:Dockerfile#L15
 * (`MOUNTPOINT_VERSION=1.22.3`). Its flags are the fields of `CliArgs` in
 * awslabs/mountpoint-s3@mountpoint-s3-1.22.3:mountpoint-s3/src/cli.rs#L55-L413, less the two behind
 * unreleased cargo features (`max-memory-target`: `mem_limiter`, `cache-block-size`: `block_size`,
 * mountpoint-s3/Cargo.toml "Unreleased feature flags"), which the release binary does not have
 * (package/package.py#L145 builds `cargo build --bin mount-s3 --release`, no features).
 *
 * The driver reads each option as `key value` or `key=value`, with or without `--`
 * (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/mountpoint/args.go#L58-L96).
 */

/** The Mountpoint version whose flags these are (bundled by the driver). */
export const MOUNTPOINT_VERSION = '1.22.3';

/** Whether a flag takes a value (`key value`) or stands alone (`key`). */
type Shape = 'switch' | 'value';

interface FlagRule {
  readonly shape: Shape;
  /** The typed prop that sets it: the flag is refused in extraMountOptions, with this prop named. */
  readonly prop?: string;
  /** Refused in extraMountOptions with this reason (the driver or Mountpoint would fail or ignore it). */
  readonly refused?: string;
}

/** Every long flag of mount-s3 1.22.3 (cli.rs `CliArgs`), and what strata does with it in extraMountOptions. */
export const MOUNTPOINT_FLAGS: { readonly [flag: string]: FlagRule } = {
  // Bucket options
  'prefix': { shape: 'value', prop: 'prefix' },
  'region': { shape: 'value', prop: 'region' },
  'endpoint-url': { shape: 'value' },
  'force-path-style': { shape: 'switch' },
  'transfer-acceleration': { shape: 'switch' },
  'dual-stack': { shape: 'switch' },
  'requester-pays': { shape: 'switch', prop: 'requesterPays' },
  'bucket-type': { shape: 'value', prop: 'bucketType' },
  'storage-class': { shape: 'value', prop: 'storageClass' },
  'expected-bucket-owner': { shape: 'value', prop: 'expectedBucketOwner' },
  'sse': { shape: 'value', prop: 'sse' },
  'sse-kms-key-id': { shape: 'value', prop: 'sseKmsKeyId' },
  'upload-checksums': { shape: 'value', prop: 'uploadChecksums' },
  // AWS credentials options
  'no-sign-request': { shape: 'switch' },
  'profile': {
    shape: 'value',
    refused: 'the driver gives Mountpoint its own AWS config file, or none (pkg/driver/node/credentialprovider/provider_driver.go#L160-L166, provider_pod.go#L80), so a profile is not found: choose whose credentials with authenticationSource',
  },
  // Mount options
  'read-only': { shape: 'switch', refused: 'a read-only volume is accessMode ReadOnlyMany (the driver then adds --read-only itself, pkg/driver/node/node.go#L120-L122)' },
  'allow-delete': { shape: 'switch', prop: 'allowDelete' },
  'allow-overwrite': { shape: 'switch', prop: 'allowOverwrite' },
  'incremental-upload': { shape: 'switch', prop: 'incrementalUpload' },
  'auto-unmount': { shape: 'switch', refused: 'Mountpoint refuses --auto-unmount on the FUSE file descriptor the driver mounts it with (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:mountpoint-s3-fs/src/fuse/config.rs#L56-L73)' },
  'allow-root': { shape: 'switch', prop: 'allowRoot' },
  'allow-other': { shape: 'switch', prop: 'allowOther' },
  'uid': { shape: 'value', prop: 'uid' },
  'gid': { shape: 'value', prop: 'gid' },
  'dir-mode': { shape: 'value', prop: 'dirMode' },
  'file-mode': { shape: 'value', prop: 'fileMode' },
  // Client options
  'maximum-throughput-gbps': { shape: 'value', prop: 'maximumThroughputGbps' },
  'max-threads': { shape: 'value', prop: 'maxThreads' },
  'part-size': { shape: 'value' },
  'read-part-size': { shape: 'value', prop: 'readPartSize' },
  'write-part-size': { shape: 'value', prop: 'writePartSize' },
  'bind': { shape: 'value' },
  // Logging options
  'log-directory': { shape: 'value' },
  'log-metrics': { shape: 'switch' },
  'otlp-endpoint': { shape: 'value' },
  'otlp-export-interval': { shape: 'value' },
  'debug': { shape: 'switch' },
  'debug-crt': { shape: 'switch' },
  'no-log': { shape: 'switch' },
  // Caching options
  'cache': { shape: 'value' }, // deprecated in the driver: see S3Mountpoint (the cache attribute)
  'metadata-ttl': { shape: 'value', prop: 'metadataTtl' },
  'negative-metadata-ttl': { shape: 'value', prop: 'negativeMetadataTtl' },
  'max-cache-size': { shape: 'value', prop: 'maxCacheSize' },
  'cache-xz': { shape: 'value', prop: 'sharedCache' },
  // Advanced options
  'user-agent-prefix': { shape: 'value', refused: 'the driver replaces it with its own (pkg/driver/node/mounter/pod_mounter.go#L226)' },
  // Not Mountpoint's: the driver moves it to Mountpoint's AWS_MAX_ATTEMPTS (pod_mounter.go#L221-L224).
  'aws-max-attempts': { shape: 'value', prop: 'awsMaxAttempts' },
};

/** Flags the driver drops before Mountpoint sees them (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/mountpoint/args.go#L88-L91). */
export const DROPPED_FLAGS: ReadonlySet<string> = new Set(['foreground', 'f', 'help', 'h', 'version', 'v']);

/** The flags extraMountOptions accepts (known, without a typed prop, not refused), sorted: the words of the refusal. */
export const FREE_FLAGS: readonly string[] = Object.keys(MOUNTPOINT_FLAGS)
  .filter((f) => MOUNTPOINT_FLAGS[f].prop === undefined && MOUNTPOINT_FLAGS[f].refused === undefined && f !== 'cache')
  .sort();

/** One mount option split as the driver splits it: the key without dashes, the value ('' for a switch). */
export function splitOption(option: string): { readonly key: string; readonly dashes: string; readonly value: string; readonly separated: boolean } {
  const trimmed = option.trim();
  const space = trimmed.indexOf(' ');
  const equals = trimmed.indexOf('=');
  let key = trimmed;
  let value = '';
  let separated = false;
  if (space !== -1 && (equals === -1 || space < equals)) {
    key = trimmed.slice(0, space);
    value = trimmed.slice(space + 1).trim();
    separated = true;
  } else if (equals !== -1) {
    key = trimmed.slice(0, equals);
    value = trimmed.slice(equals + 1).trim();
    separated = true;
  }
  const dashes = /^-*/.exec(key)![0];
  return { key: key.slice(dashes.length), dashes, value, separated };
}
