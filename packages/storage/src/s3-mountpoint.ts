import { ApiObject, Chart, Duration, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { describeStorage, DOUBLE_DOT, ENDS_WITH_SLASH, IPV4_ADDRESS, problem, releaseOf, Tokens, warn } from '@strata/tokens';
import { ACCESS_POINT_ARN, BUCKET_NAME, REGION } from './forms';
import { AccessMode } from './access-mode';
import { Claim } from './claim';
import { ClaimedStorage } from './claimed-storage';
import { requestEphemeralStorage } from './instance-store';
import { CsiPersistentVolume } from './persistent-volume';
import { isLiteral, Rules } from './rules';
import { SchedulablePod } from './scheduling';
import { StorageMountOptions, StorageTier } from './tier';

/** The CSI driver name of Mountpoint for Amazon S3 (facts §3). */
export const S3_CSI_DRIVER = 's3.csi.aws.com';

/** Mountpoint Pods have a 10-minute termination grace period (facts §3.2). */
export const S3_MOUNTPOINT_GRACE_SECONDS = 600;

/** Where the Mountpoint S3 driver takes credentials from (volume attribute `authenticationSource`). */
export enum S3AuthenticationSource {
  /** The driver's node service account (IRSA / Pod Identity on `s3-csi-driver-sa`) or the instance profile. */
  DRIVER = 'driver',
  /** The workload pod's service account (IRSA or EKS Pod Identity), per pod. */
  POD = 'pod',
}

/** Server-side encryption of objects Mountpoint writes (`--sse`). */
export enum S3ServerSideEncryption {
  AES256 = 'AES256',
  KMS = 'aws:kms',
  KMS_DSSE = 'aws:kms:dsse',
}

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

/**
 * The local cache of a Mountpoint volume, which lives inside the Mountpoint Pod (facts §3.1, §3.2).
 * @see https://github.com/awslabs/mountpoint-s3-csi-driver/blob/main/docs/CACHING.md
 */
export type S3Cache = S3EmptyDirCache | S3EphemeralCache;

/** Cache in an emptyDir of the Mountpoint Pod (`cache: emptyDir`). */
export interface S3EmptyDirCache {
  readonly type: 'emptyDir';
  /**
   * The emptyDir size limit (`cacheEmptyDirSizeLimit`). On disk the driver sets `max-cache-size`
   * to 95% of it when `maxCacheSize` is not given.
   * @default - no limit (the cache may fill the node's ephemeral storage)
   */
  readonly sizeLimit?: Size;
  /** The emptyDir medium (`cacheEmptyDirMedium`): node disk or RAM. @default '' (node disk) */
  readonly medium?: '' | 'Memory';
  /**
   * The cache lives on the node's instance-store NVMe, and each pod that mounts the volume
   * reserves its room there. The driver puts the cache's emptyDir in the Mountpoint Pod it places
   * on the workload's node, on the node's disk, and requests no ephemeral storage for it
   * (awslabs/mountpoint-s3-csi-driver@v2.7.0 pkg/podmounter/mppod/creator.go#L103-L175, #L265-L298);
   * on nodes whose instance store is a RAID0 holding kubelet (`KarpenterNvmeNodeClass`,
   * instanceStorePolicy RAID0) that disk is the NVMe. With this set, `mount` adds `sizeLimit` to
   * the mounting container's `ephemeral-storage` request (once per pod, as `InstanceStore` does),
   * so that the scheduler and Karpenter place the pod on a node with that much free NVMe, and the
   * chart records an instance-store tier beside the S3 one (the lifecycle check then reports a pod
   * whose nodes have only a root volume). Needs `sizeLimit` and the node-disk medium. Pods of one
   * node that share a Mountpoint Pod (same volume, mount options and identity: docs/MOUNTPOINT_POD_SHARING.md)
   * each reserve the room: a reservation, never less than the cache uses (the driver caps the
   * cache at 95% of `sizeLimit`, docs/CACHING.md).
   * @default false — the cache is on whatever the node's disk is, and nothing reserves its room
   */
  readonly instanceStore?: boolean;
}

/** Cache on a generic ephemeral volume of a StorageClass (`cache: ephemeral`), e.g. local NVMe PVs. */
export interface S3EphemeralCache {
  readonly type: 'ephemeral';
  /** The class of the ephemeral volume (`cacheEphemeralStorageClassName`). Required. */
  readonly storageClassName: string;
  /** The size of the ephemeral volume (`cacheEphemeralStorageResourceRequest`). Required. */
  readonly storageRequest: Size;
}

/** CPU and memory of one side (requests or limits) of the Mountpoint container. */
export interface S3MountpointResourceList {
  /** @default - driver default */
  readonly cpu?: plus.Cpu;
  /** @default - driver default */
  readonly memory?: Size;
}

/** Resources of the Mountpoint container (`mountpointContainerResources{Requests,Limits}{Cpu,Memory}`). */
export interface S3MountpointContainerResources {
  /**
   * Requests are discouraged: Mountpoint Pods are placed after the workload and may not fit (issue #543).
   * @default - none
   */
  readonly requests?: S3MountpointResourceList;
  /** @default - none */
  readonly limits?: S3MountpointResourceList;
}

export interface S3MountpointProps {
  /**
   * The existing bucket (`bucketName`): a general purpose or directory bucket name, an access point
   * alias or an access point ARN.
   * @see https://github.com/awslabs/mountpoint-s3-csi-driver/blob/main/docs/CONFIGURATION.md
   */
  readonly bucketName: string;
  /**
   * Mount only this prefix of the bucket (`prefix <p>`); must end with `/`.
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /** The bucket's region (`region <r>`). @default - detected by Mountpoint (needs IMDS hop limit ≥ 2) */
  readonly region?: string;
  /**
   * ReadWriteMany, or ReadOnlyMany for a read-only volume (`--read-only`). The driver refuses ReadWriteOnce.
   * @default AccessMode.READ_WRITE_MANY
   */
  readonly accessMode?: AccessMode;
  /** Whose credentials Mountpoint uses (`authenticationSource`). @default S3AuthenticationSource.DRIVER */
  readonly authenticationSource?: S3AuthenticationSource;
  /** The STS region for pod-level credentials (`stsRegion`). @default - detected */
  readonly stsRegion?: string;
  /** The local cache (`cache` and its attributes). @default - no cache */
  readonly cache?: S3Cache;
  /** Allow deleting objects (`allow-delete`). @default false */
  readonly allowDelete?: boolean;
  /** Allow replacing whole objects with O_TRUNC writes (`allow-overwrite`). @default false */
  readonly allowOverwrite?: boolean;
  /** Allow users other than the mounting one (`allow-other`). @default false */
  readonly allowOther?: boolean;
  /** Allow root in addition to the mounting user (`allow-root`). @default false */
  readonly allowRoot?: boolean;
  /** Owner uid of files (`uid=<n>`). @default - the Mountpoint user (or the driver's fsGroup handling) */
  readonly uid?: number;
  /** Owner gid of files (`gid=<n>`). @default - the Mountpoint group (or the pod's fsGroup) */
  readonly gid?: number;
  /** Directory permissions, octal (`dir-mode=<mode>`), e.g. '0755'. @default - Mountpoint default */
  readonly dirMode?: string;
  /** File permissions, octal (`file-mode=<mode>`), e.g. '0644'. @default - Mountpoint default */
  readonly fileMode?: string;
  /** Metadata cache time to live (`metadata-ttl`): a Duration, or 'indefinite' / 'minimal'. @default - Mountpoint default */
  readonly metadataTtl?: Duration | 'indefinite' | 'minimal';
  /** Maximum cache size in MiB (`max-cache-size`). @default - 95% of an emptyDir cache limit, else unlimited */
  readonly maxCacheSize?: number;
  /** Appending to objects, S3 Express One Zone only (`incremental-upload`). @default false */
  readonly incrementalUpload?: boolean;
  /** Storage class of new objects (`storage-class`). @default - the bucket's default */
  readonly storageClass?: (typeof S3_STORAGE_CLASSES)[number];
  /** Server-side encryption of new objects (`sse`). @default - the bucket's default */
  readonly sse?: S3ServerSideEncryption;
  /** The KMS key ARN for SSE-KMS (`sse-kms-key-id`); needs `sse` aws:kms or aws:kms:dsse. @default - the AWS managed key */
  readonly sseKmsKeyId?: string;
  /** Size of ranged GETs (`read-part-size`, in bytes). @default - Mountpoint default (8 MiB) */
  readonly readPartSize?: Size;
  /**
   * Size of multipart upload parts (`write-part-size`, in bytes); the largest object is 10,000 parts
   * (≈77 GiB at the default 8 MiB), so raise it for big checkpoint shards (facts §3.3).
   * @default - Mountpoint default (8 MiB)
   */
  readonly writePartSize?: Size;
  /** Maximum FUSE threads (`max-threads`). @default - Mountpoint default */
  readonly maxThreads?: number;
  /** Target network throughput (`maximum-throughput-gbps`). @default - detected from the instance type */
  readonly maximumThroughputGbps?: number;
  /**
   * Further Mountpoint flags without `--` (`key value` or `key=value`), e.g. `debug`, `memory-target 4096`.
   * Flags with a typed prop above must use that prop; `-o …` and `ca-bundle` are refused (the driver
   * refuses them); `foreground`, `help`, `version` are dropped with a warning (the driver drops them).
   * @default - none
   */
  readonly extraMountOptions?: string[];
  /** The service account of the Mountpoint Pod (`mountpointPodServiceAccountName`). @default - driver default */
  readonly mountpointPodServiceAccountName?: string;
  /** Resources of the Mountpoint container (`mountpointContainerResources…`). @default - driver default */
  readonly mountpointContainerResources?: S3MountpointContainerResources;
  /**
   * The CSI volume handle; must be unique in the cluster (the driver processes only one volume per handle).
   * @default - `<bucketName>:<prefix>:<construct path>`
   */
  readonly volumeHandle?: string;
  /**
   * Namespace of the claim, written into the volume's `claimRef` so that no other claim can bind it
   * (a cluster-scoped PersistentVolume must name it). May be a token (the release namespace).
   * @default - the chart's namespace; without one the volume is not pre-bound (a warning says so)
   */
  readonly namespace?: string;
  /** The pod-local volume name. @default - from the construct id */
  readonly volumeName?: string;
}

/** Options of `S3Mountpoint.mount`. */
export interface S3MountOptions extends StorageMountOptions {
  /**
   * The pod or workload holding the container, whose container requests the room of an
   * instance-store cache (`cache.instanceStore`).
   * @default - found in the construct tree
   */
  readonly pod?: SchedulablePod;
}

/** Mount options that have a typed prop: flag → prop. */
const TYPED_FLAGS: Record<string, keyof S3MountpointProps> = {
  'prefix': 'prefix',
  'region': 'region',
  'allow-delete': 'allowDelete',
  'allow-overwrite': 'allowOverwrite',
  'allow-other': 'allowOther',
  'allow-root': 'allowRoot',
  'uid': 'uid',
  'gid': 'gid',
  'dir-mode': 'dirMode',
  'file-mode': 'fileMode',
  'metadata-ttl': 'metadataTtl',
  'max-cache-size': 'maxCacheSize',
  'incremental-upload': 'incrementalUpload',
  'storage-class': 'storageClass',
  'sse': 'sse',
  'sse-kms-key-id': 'sseKmsKeyId',
  'read-part-size': 'readPartSize',
  'write-part-size': 'writePartSize',
  'max-threads': 'maxThreads',
  'maximum-throughput-gbps': 'maximumThroughputGbps',
};

/** Flags the driver drops silently (facts §3.1). */
const DROPPED_FLAGS = new Set(['foreground', 'f', 'help', 'h', 'version', 'v']);


/** Volume handles per App: the driver processes only one volume per handle (facts §3.1, §7 case 40). */
const handlesByApp = new WeakMap<IConstruct, Map<string, string>>();
/** Charts whose StorageClasses are already checked for the S3 provisioner. */
const checkedScopes = new WeakSet<IConstruct>();

/**
 * A bucket (or prefix) mounted with Mountpoint for Amazon S3: a statically provisioned
 * PersistentVolume of `s3.csi.aws.com` pre-bound to one claim, both with `storageClassName: ""`
 * (the driver has no dynamic provisioning, facts §3.1).
 *
 * Mountpoint is not a POSIX file system (facts §3.3): new files are written sequentially once, no
 * rename on general purpose buckets, no appends outside S3 Express. Write checkpoints locally and
 * upload them, rather than saving them through this mount.
 *
 * @see https://github.com/awslabs/mountpoint-s3-csi-driver/blob/main/docs/CONFIGURATION.md
 */
export class S3Mountpoint extends ClaimedStorage {
  /** Capacity is required by Kubernetes and ignored by the driver. */
  public static readonly PLACEHOLDER_CAPACITY = Size.gibibytes(1);

  public readonly tier = StorageTier.S3;
  public readonly claim: Claim;
  public readonly persistentVolume: CsiPersistentVolume;
  public readonly bucketName: string;
  public readonly prefix?: string;
  public readonly accessMode: AccessMode;
  public readonly authenticationSource: S3AuthenticationSource;
  public readonly volumeHandle: string;
  /** The namespace in the volume's claimRef, if pre-bound. */
  public readonly namespace?: string;
  /** The Mountpoint flags as written to the PersistentVolume. */
  public readonly mountOptions: string[];
  /** The driver's volume attributes as written (strings). */
  public readonly volumeAttributes: Record<string, string>;
  /** The size of an instance-store cache (`cache.instanceStore`), which each mounting pod requests. */
  public readonly instanceStoreCache?: Size;

  public constructor(scope: Construct, id: string, props: S3MountpointProps) {
    super(scope, id, props.volumeName);
    this.bucketName = props.bucketName;
    this.prefix = props.prefix;
    this.accessMode = props.accessMode ?? AccessMode.READ_WRITE_MANY;
    this.authenticationSource = props.authenticationSource ?? S3AuthenticationSource.DRIVER;
    // Unique per cluster: a released chart's handle also names the release and its namespace.
    const release = releaseOf(this);
    const releasePart = release ? `${release.namespace}/${release.name}:` : '';
    this.volumeHandle = props.volumeHandle ?? `${releasePart}${props.bucketName}:${props.prefix ?? ''}:${this.node.path}`;

    this.checkBucket(props);
    this.rules.oneOf('accessMode', props.accessMode, [AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY],
      'the driver refuses ReadWriteOnce; use ReadWriteMany, or ReadOnlyMany for a read-only volume');
    this.rules.oneOf('authenticationSource', props.authenticationSource, Object.values(S3AuthenticationSource),
      'use "pod" for the workload\'s IRSA or Pod Identity role, "driver" for the driver\'s');
    this.checkUniqueHandle();

    this.mountOptions = this.renderMountOptions(props);
    this.volumeAttributes = this.renderAttributes(props);

    this.persistentVolume = new CsiPersistentVolume(this, 'PersistentVolume', {
      driver: S3_CSI_DRIVER,
      volumeHandle: this.volumeHandle,
      volumeAttributes: this.volumeAttributes,
      accessModes: [this.accessMode],
      capacity: S3Mountpoint.PLACEHOLDER_CAPACITY,
      mountOptions: this.mountOptions,
      storageClassName: '',
      // The claim needs the volume's name and the claimRef the claim's: preBind patches claimRef in.
    });
    this.claim = new Claim(this, 'Claim', {
      accessModes: [this.accessMode],
      storage: S3Mountpoint.PLACEHOLDER_CAPACITY,
      storageClassName: '',
      volumeName: this.persistentVolume.name,
    });
    this.namespace = this.preBind(props.namespace);
    // Without allow-delete a check could write but never clean up (facts §3.3).
    if (props.allowDelete !== true) this.probeReadOnly();
    this.instanceStoreCache = this.checkInstanceStoreCache(props.cache);
    this.describe({ bucketName: props.bucketName, prefix: props.prefix, cache: this.instanceStoreCache ? 'emptyDir on instance store' : props.cache?.type ?? 'none', accessMode: this.accessMode });

    forbidS3StorageClasses(Chart.of(this));
  }

  public get writable(): boolean {
    return this.accessMode !== AccessMode.READ_ONLY_MANY;
  }

  public mount(container: plus.Container, path: string, options: S3MountOptions = {}): void {
    super.mount(container, path, options);
    // The Mountpoint Pod's cache requests nothing: the pod that mounts the volume reserves its room.
    if (this.instanceStoreCache) requestEphemeralStorage(this, this.rules, container, this.instanceStoreCache, options.pod);
    if (options.subPath !== undefined) {
      this.rules.warn(problem('subPath', options.subPath, 'a prefix rather than a subPath',
        `an S3 "directory" vanishes when its last object is deleted and the mount breaks (facts §3.3); mount prefix "${options.subPath.replace(/\/?$/, '/')}" with its own S3Mountpoint`));
    }
    const pod = podOf(this, container);
    if (pod) checkS3TerminationGrace(this, pod.terminationGracePeriod);
  }

  /**
   * An instance-store cache: a disk emptyDir with a size limit, recorded as instance-store storage
   * of its own (the tier the chart then needs: NVMe nodes). Returns its size, or undefined.
   */
  private checkInstanceStoreCache(cache: S3Cache | undefined): Size | undefined {
    if (cache?.type !== 'emptyDir' || cache.instanceStore === undefined) return undefined;
    const on = cache.instanceStore;
    if (Tokens.isToken(on)) {
      this.rules.fail('cache.instanceStore', on, 'true or false when the chart is written', 'where the cache lives is decided in code');
      return undefined;
    }
    if (on !== true) return undefined;
    if (cache.medium === 'Memory') {
      this.rules.fail('cache.medium', cache.medium, '"" (node disk) for a cache on instance store', 'a Memory emptyDir is RAM: leave medium unset');
      return undefined;
    }
    if (!this.rules.required('cache.sizeLimit', cache.sizeLimit, 'set for a cache on instance store', 'give the cache\'s size: each mounting pod requests it as ephemeral storage')) return undefined;
    const gi = cache.sizeLimit!.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    this.rules.check('cache.sizeLimit', gi, { minimum: 1 }, 'reserve the cache in whole GiB', 'at least 1 (GiB)');
    describeStorage(new Construct(this, 'Cache'), { tier: StorageTier.INSTANCE_STORE, facts: { sizeGiB: gi, kind: 'mountpoint-cache' } });
    return cache.sizeLimit;
  }

  private checkBucket(props: S3MountpointProps): void {
    if (!this.rules.required('bucketName', props.bucketName, 'the name of an existing bucket', 'Mountpoint mounts existing buckets only (static provisioning)')) return;
    this.rules.check('bucketName', props.bucketName,
      { anyOf: [{ pattern: BUCKET_NAME, not: { anyOf: [{ pattern: DOUBLE_DOT }, { pattern: IPV4_ADDRESS }] } }, { pattern: ACCESS_POINT_ARN }] },
      'give the bucket name (no s3:// and no path; put a path in prefix)',
      'an S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no "..", not an IP address) or an access point ARN');
    this.rules.check('prefix', props.prefix, { pattern: ENDS_WITH_SLASH },
      props.prefix !== undefined && isLiteral(props.prefix) ? `write "${props.prefix}/"` : 'end the prefix with "/"', 'a prefix ending in "/"');
    this.rules.check('region', props.region, { pattern: REGION }, 'e.g. "us-west-2"', 'an AWS region such as us-west-2');
    this.rules.check('stsRegion', props.stsRegion, { pattern: REGION }, 'e.g. "us-west-2"', 'an AWS region such as us-west-2');
    if (props.incrementalUpload === true) {
      this.rules.check('bucketName', props.bucketName, { pattern: '--x-s3$' },
        'appends work only on S3 Express One Zone; use a directory bucket or drop incrementalUpload',
        'an S3 Express One Zone directory bucket (ending in --x-s3) with incrementalUpload');
    }
  }

  private checkUniqueHandle(): void {
    const root = this.node.root;
    let handles = handlesByApp.get(root);
    if (!handles) handlesByApp.set(root, (handles = new Map()));
    const other = handles.get(this.volumeHandle);
    if (other !== undefined) {
      this.rules.fail('volumeHandle', this.volumeHandle, `unique in the cluster (${other} uses it too)`,
        'the driver processes only one volume per handle: give each volume its own volumeHandle');
    } else {
      handles.set(this.volumeHandle, this.node.path);
    }
  }

  /** Pre-binds the volume to the claim (facts §3.1: claimRef recommended); returns the namespace used. */
  private preBind(namespaceProp: string | undefined): string | undefined {
    const chartNamespace = Chart.of(this).namespace ?? releaseOf(this)?.namespace;
    if (namespaceProp !== undefined && chartNamespace !== undefined && isLiteral(namespaceProp) && isLiteral(chartNamespace) && namespaceProp !== chartNamespace) {
      this.rules.fail('namespace', namespaceProp, `the claim's namespace "${chartNamespace}" (the chart's)`, 'leave namespace unset: the claim lives in the chart\'s namespace');
      return undefined;
    }
    const namespace = namespaceProp ?? chartNamespace;
    if (namespace === undefined) {
      this.rules.warn(problem('namespace', undefined, 'the claim\'s namespace to pre-bind the volume',
        'without claimRef another claim with storageClassName "" may bind this volume first; set namespace (a token for the release namespace works)'));
      return undefined;
    }
    // A claim in a namespace-less chart must state the namespace its claimRef names.
    if (chartNamespace === undefined) this.claim.apiObject.addJsonPatch(JsonPatch.add('/metadata/namespace', namespace));
    this.persistentVolume.apiObject.addJsonPatch(JsonPatch.add('/spec/claimRef', { name: this.claim.name, namespace }));
    return namespace;
  }

  private renderMountOptions(props: S3MountpointProps): string[] {
    const r = this.rules;
    const out: string[] = [];
    const flag = (name: string, on: boolean | undefined) => {
      if (on === undefined) return;
      if (Tokens.isToken(on)) r.fail(flagProp(name), on, 'true or false when the chart is written', 'a mount flag is present or absent: decide it in code');
      else if (on) out.push(name);
    };
    const value = (name: string, v: string | number | undefined, sep = ' ') => {
      if (v !== undefined) out.push(`${name}${sep}${v}`);
    };

    value('prefix', props.prefix);
    value('region', props.region);
    flag('allow-delete', props.allowDelete);
    flag('allow-overwrite', props.allowOverwrite);
    flag('allow-other', props.allowOther);
    flag('allow-root', props.allowRoot);

    r.check('uid', props.uid, { minimum: 0, maximum: 4294967295, multipleOf: 1 }, 'a numeric user id');
    r.check('gid', props.gid, { minimum: 0, maximum: 4294967295, multipleOf: 1 }, 'a numeric group id');
    value('uid', props.uid, '=');
    value('gid', props.gid, '=');
    r.check('dirMode', props.dirMode, { pattern: '^[0-7]{3,4}$' }, 'octal, e.g. "0755"', 'an octal mode such as 0755');
    r.check('fileMode', props.fileMode, { pattern: '^[0-7]{3,4}$' }, 'octal, e.g. "0644"', 'an octal mode such as 0644');
    value('dir-mode', props.dirMode, '=');
    value('file-mode', props.fileMode, '=');

    if (props.metadataTtl instanceof Duration) value('metadata-ttl', props.metadataTtl.toSeconds());
    else if (props.metadataTtl !== undefined) {
      r.oneOf('metadataTtl', props.metadataTtl, ['indefinite', 'minimal'], 'or give a Duration');
      value('metadata-ttl', props.metadataTtl);
    }

    r.check('maxCacheSize', props.maxCacheSize, { minimum: 1, multipleOf: 1 }, 'a size in MiB');
    value('max-cache-size', props.maxCacheSize);
    flag('incremental-upload', props.incrementalUpload);
    r.oneOf('storageClass', props.storageClass, S3_STORAGE_CLASSES, 'use an S3 storage class name');
    value('storage-class', props.storageClass);
    r.oneOf('sse', props.sse, Object.values(S3ServerSideEncryption));
    value('sse', props.sse);
    if (props.sseKmsKeyId !== undefined) {
      r.check('sseKmsKeyId', props.sseKmsKeyId, { pattern: '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$' },
        'Mountpoint takes a key ARN only (not a key id or alias)', 'a KMS key ARN');
      if (props.sse === undefined) r.fail('sse', undefined, 'aws:kms or aws:kms:dsse with sseKmsKeyId', 'set sse: S3ServerSideEncryption.KMS');
      else r.oneOf('sse', props.sse, [S3ServerSideEncryption.KMS, S3ServerSideEncryption.KMS_DSSE], 'sseKmsKeyId needs SSE-KMS');
      value('sse-kms-key-id', props.sseKmsKeyId);
    }
    value('read-part-size', partBytes(r, 'readPartSize', props.readPartSize));
    value('write-part-size', partBytes(r, 'writePartSize', props.writePartSize));
    r.check('maxThreads', props.maxThreads, { minimum: 1, multipleOf: 1 });
    value('max-threads', props.maxThreads);
    r.check('maximumThroughputGbps', props.maximumThroughputGbps, { minimum: 1 });
    value('maximum-throughput-gbps', props.maximumThroughputGbps);

    this.checkCacheLimits(props);
    return [...out, ...this.extraOptions(props)];
  }

  /** `extraMountOptions`, checked per facts §3.1 (§7 case 42, 44). */
  private extraOptions(props: S3MountpointProps): string[] {
    const extras = props.extraMountOptions ?? [];
    if (Tokens.infoOf(extras)?.kind === 'list') return extras; // decided at install time
    const kept: string[] = [];
    for (const option of extras) {
      const trimmed = option.trim();
      const key = trimmed.split(/[\s=]/, 1)[0].replace(/^-+/, '');
      if (/^-o/.test(trimmed)) {
        const fuse = trimmed.replace(/^-o\s*/, '').replace(/_/g, '-');
        const prop = TYPED_FLAGS[fuse.split(/[\s=]/, 1)[0]];
        this.rules.fail('mountOptions', option, 'a Mountpoint flag without "-o"', `the driver refuses -o options: ${prop ? `set ${prop} instead` : `write "${fuse}"`}`);
      } else if (key === 'ca-bundle') {
        this.rules.fail('mountOptions', option, 'without ca-bundle', 'the driver refuses a custom CA bundle: remove it');
      } else if (DROPPED_FLAGS.has(key)) {
        this.rules.warn(problem('mountOptions', option, 'left out', 'the driver drops foreground, help and version (and -f, -h, -v) silently, so it was removed'));
      } else if (key === 'cache') {
        if (props.cache !== undefined) {
          this.rules.fail('mountOptions', option, 'without cache when the cache attribute is set', 'the driver refuses both: remove the cache mount option and keep cache');
        } else {
          this.rules.warn(problem('mountOptions', option, 'replaced by the cache attribute', 'cache as a mount option is deprecated and becomes an unlimited emptyDir: use cache: { type: \'emptyDir\', sizeLimit }'));
          kept.push(option);
        }
      } else if (TYPED_FLAGS[key]) {
        this.rules.fail('mountOptions', option, `without ${key}`, `set ${TYPED_FLAGS[key]} instead (it is checked there)`);
      } else {
        kept.push(option);
      }
    }
    return kept;
  }

  /** The cache's own rules and how max-cache-size relates to its size (facts §3.1, §7 case 44). */
  private checkCacheLimits(props: S3MountpointProps): void {
    const cache = props.cache;
    if (cache?.type !== 'emptyDir' || cache.sizeLimit === undefined || props.maxCacheSize === undefined) return;
    const limitGi = cache.sizeLimit.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    const limitToken = Tokens.isToken(limitGi);
    const maxToken = Tokens.isToken(props.maxCacheSize);
    if (limitToken && maxToken) return; // two install-time values: the schema cannot relate them
    if (limitToken) {
      this.rules.check('cacheEmptyDirSizeLimit', limitGi, { minimum: props.maxCacheSize / 1024 }, 'raise the cache sizeLimit or lower maxCacheSize',
        `at least maxCacheSize (${props.maxCacheSize} MiB)`);
    } else {
      const limitMi = cache.sizeLimit.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      this.rules.check('maxCacheSize', props.maxCacheSize, { maximum: limitMi }, 'the driver refuses a max-cache-size above the emptyDir limit: lower maxCacheSize or raise the cache sizeLimit',
        `at most ${limitMi} (MiB, the cacheEmptyDirSizeLimit ${quantity(cache.sizeLimit)})`);
    }
  }

  private renderAttributes(props: S3MountpointProps): Record<string, string> {
    const a: Record<string, string | undefined> = {
      bucketName: props.bucketName,
      authenticationSource: props.authenticationSource,
      stsRegion: props.stsRegion,
      mountpointPodServiceAccountName: props.mountpointPodServiceAccountName,
    };
    const cache = props.cache;
    if (cache !== undefined) {
      this.rules.oneOf('cache', cache.type, ['emptyDir', 'ephemeral'], 'the driver knows only these local-cache types');
      a.cache = cache.type;
      if (cache.type === 'emptyDir') {
        this.rules.check('cacheEmptyDirMedium', cache.medium, { enum: ['', 'Memory'] }, 'leave it unset for node disk (NVMe on RAID0 nodes) or use "Memory"', '"" (node disk) or "Memory"');
        a.cacheEmptyDirSizeLimit = cache.sizeLimit ? quantity(cache.sizeLimit) : undefined;
        a.cacheEmptyDirMedium = cache.medium || undefined;
      } else if (cache.type === 'ephemeral') {
        this.rules.required('cacheEphemeralStorageClassName', cache.storageClassName, 'set for an ephemeral cache', 'name a StorageClass, e.g. a local NVMe class (facts §4.3)');
        this.rules.required('cacheEphemeralStorageResourceRequest', cache.storageRequest, 'set for an ephemeral cache', 'give the cache volume\'s size (storageRequest)');
        a.cacheEphemeralStorageClassName = cache.storageClassName;
        a.cacheEphemeralStorageResourceRequest = cache.storageRequest ? quantity(cache.storageRequest) : undefined;
      }
    }
    const res = props.mountpointContainerResources;
    if (res?.requests && (res.requests.cpu || res.requests.memory)) {
      this.rules.warn(problem('mountpointContainerResources.requests', 'set', 'left unset', 'Mountpoint Pods are placed after the workload and may not fit the node (driver issue #543); set limits only'));
    }
    a.mountpointContainerResourcesRequestsCpu = res?.requests?.cpu?.amount;
    a.mountpointContainerResourcesRequestsMemory = res?.requests?.memory ? quantity(res.requests.memory) : undefined;
    a.mountpointContainerResourcesLimitsCpu = res?.limits?.cpu?.amount;
    a.mountpointContainerResourcesLimitsMemory = res?.limits?.memory ? quantity(res.limits.memory) : undefined;

    const out: Record<string, string> = {};
    for (const key of Object.keys(a).sort()) if (a[key] !== undefined) out[key] = a[key]!;
    return out;
  }
}

/** The prop that sets a flag (for messages). */
function flagProp(flag: string): string {
  return TYPED_FLAGS[flag] ?? flag;
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
function quantity(size: Size): string {
  const gi = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Tokens.isToken(gi) || Number.isInteger(gi)) return `${gi}Gi`;
  return `${Math.ceil(size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }))}Mi`;
}

/**
 * Refuses, under `scope`, every StorageClass whose provisioner is `s3.csi.aws.com`: the driver has
 * no dynamic provisioning (facts §3.1, §7 case 38). `S3Mountpoint` applies it to its own chart;
 * call it on any other chart (or on a StorageClass) that may hold one. Checked at synthesis, so
 * objects added later are seen too.
 */
export function forbidS3StorageClasses(scope: IConstruct): void {
  if (checkedScopes.has(scope)) return;
  checkedScopes.add(scope);
  scope.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const c of scope.node.findAll()) {
        if (!ApiObject.isApiObject(c) || c.kind !== 'StorageClass' || c.apiVersion !== 'storage.k8s.io/v1') continue;
        const provisioner = (c.toJson() as { provisioner?: string }).provisioner;
        if (provisioner === S3_CSI_DRIVER) {
          errors.push(problem('provisioner', provisioner, 'a driver with dynamic provisioning',
            `Mountpoint for Amazon S3 mounts existing buckets only: remove StorageClass ${c.node.path} and use S3Mountpoint (a PersistentVolume and claim with storageClassName "")`));
        }
      }
      return errors;
    },
  });
}

/**
 * Warns when a pod that mounts a Mountpoint S3 volume may take longer than 600 s to terminate:
 * Mountpoint Pods stop after their own 10-minute grace period, and later writes fail with
 * "Transport endpoint is not connected" (facts §3.2, §7 case 46). `S3Mountpoint.mount` calls it
 * for the pod it finds; patterns that set the grace period later call it themselves. A token
 * grace period is not checked (a warning cannot be a schema rule).
 */
export function checkS3TerminationGrace(scope: IConstruct, grace: Duration | number | undefined): boolean {
  if (grace === undefined) return true;
  const seconds = grace instanceof Duration ? grace.toSeconds() : grace;
  if (Tokens.isToken(seconds) || seconds <= S3_MOUNTPOINT_GRACE_SECONDS) return true;
  warn(scope, problem('terminationGracePeriodSeconds', seconds, `at most ${S3_MOUNTPOINT_GRACE_SECONDS} with a Mountpoint S3 volume`,
    'Mountpoint Pods stop after 10 minutes, then writes fail with "Transport endpoint is not connected": finish the final flush within 600 s'));
  return false;
}

/** The Pod or workload (under the same root) whose containers include `container`. */
export function podOf(scope: IConstruct, container: plus.Container): plus.AbstractPod | undefined {
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof plus.AbstractPod && (c.containers.includes(container) || c.initContainers.includes(container))) return c;
  }
  return undefined;
}
