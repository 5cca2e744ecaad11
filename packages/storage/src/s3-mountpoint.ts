import { Chart, Duration, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { describeStorage, DOUBLE_DOT, IPV4_ADDRESS, markSourceNamed, markUses, problem, releaseOf, ENDS_WITH_SLASH, Tokens } from '@strata/tokens';
import { ACCESS_POINT_ARN, AZ_ID, BUCKET_NAME, DIRECTORY_BUCKET, REGION } from './forms';
import { AccessMode } from './access-mode';
import { Claim } from './claim';
import { ClaimedStorage } from './claimed-storage';
import { requestEphemeralStorage } from './instance-store';
import { CsiPersistentVolume } from './persistent-volume';
import { isLiteral } from './rules';
import { isAvailabilityZoneId, isDirectoryBucketName, ZONE_ID_LABEL, zoneIdOf } from './s3-express';
import { renderAttributes } from './s3-mountpoint-attributes';
import { renderMountOptions, S3_STORAGE_CLASSES } from './s3-mountpoint-options';
import { addSchedulingGate, checkS3TerminationGrace, forbidS3StorageClasses, podOf, S3_CSI_DRIVER } from './s3-mountpoint-pods';
import { PodScheduling, SchedulablePod } from './scheduling';
import { StorageMountOptions, StorageTier } from './tier';

export { S3_STORAGE_CLASSES } from './s3-mountpoint-options';
export { checkS3TerminationGrace, forbidS3StorageClasses, podOf, S3_CSI_DRIVER, S3_MOUNTPOINT_GRACE_SECONDS } from './s3-mountpoint-pods';

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

/**
 * The scheduling gate that asks the driver to reserve room for a pod's Mountpoint Pods
 * (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/podmounter/mppod/headroom.go#L35, docs/HEADROOM_FOR_MPPOD.md).
 */
export const HEADROOM_SCHEDULING_GATE = 's3.csi.aws.com/reserve-headroom-for-mppod';

/**
 * What a chart records (`strata.dev/uses`) when its pods carry the headroom gate: the driver must
 * run with `experimental.reserveHeadroomForMountpointPods: true` (charts/aws-mountpoint-s3-csi-driver/values.yaml#L132-L135),
 * or nothing removes the gate and the pods are never scheduled.
 */
export const S3_HEADROOM_FEATURE = 's3-mountpoint-headroom';

/**
 * The local cache of a Mountpoint volume, which lives inside the Mountpoint Pod (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CACHING.md#L28-L33,
 * docs/UPGRADING_TO_V2.md#L47-L55).
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
   * Requests are discouraged unless reserved with `reserveHeadroom`: Mountpoint Pods are placed after
   * the workload and may not fit (driver issue #543).
   * @default - none
   */
  readonly requests?: S3MountpointResourceList;
  /** @default - none */
  readonly limits?: S3MountpointResourceList;
}

/**
 * The proxy Mountpoint reaches S3 (and STS) through: the volume attributes `mountpointEnv.HTTPS_PROXY`
 * and `mountpointEnv.NO_PROXY`, the only environment the driver lets a volume set
 * (awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/envprovider/provider.go#L52-L56, docs/CONFIGURATION.md#L66-L71).
 */
export interface S3MountpointProxy {
  /** The proxy URL (`HTTPS_PROXY`), e.g. "http://proxy.example.com:3128". @default - no proxy */
  readonly httpsProxy?: string;
  /**
   * Hosts and domains reached directly (`NO_PROXY`, joined with ","), e.g. the STS endpoint with
   * pod-level credentials ("sts.us-east-1.amazonaws.com", as the driver's example). Needs httpsProxy.
   * @default - none
   */
  readonly noProxy?: string[];
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
  /**
   * Whose credentials Mountpoint uses (`authenticationSource`): the IAM policy the volume needs
   * goes to that identity's role (`WorkloadIdentity.grantMountpoint` of @strata/patterns).
   * @default S3AuthenticationSource.DRIVER
   */
  readonly authenticationSource?: S3AuthenticationSource;
  /** The STS region for pod-level credentials (`stsRegion`). @default - detected */
  readonly stsRegion?: string;
  /** The local cache (`cache` and its attributes). @default - no cache */
  readonly cache?: S3Cache;
  /** Allow deleting objects (`allow-delete`); the IAM policy then grants s3:DeleteObject. @default false */
  readonly allowDelete?: boolean;
  /** Allow replacing whole objects with O_TRUNC writes, and replacing renames on directory buckets (`allow-overwrite`). @default false */
  readonly allowOverwrite?: boolean;
  /**
   * Allow users other than the mounting one (`allow-other`). Mountpoint refuses it with allowRoot;
   * the driver adds it itself for a pod with an fsGroup (pkg/driver/node/node.go#L136-L146).
   * @default false
   */
  readonly allowOther?: boolean;
  /** Allow root in addition to the mounting user (`allow-root`). @default false */
  readonly allowRoot?: boolean;
  /** Owner uid of files (`uid=<n>`, from 1). @default - the Mountpoint user (or the driver's fsGroup handling) */
  readonly uid?: number;
  /** Owner gid of files (`gid=<n>`, from 1). @default - the Mountpoint group (or the pod's fsGroup) */
  readonly gid?: number;
  /** Directory permissions, three octal digits (`dir-mode=<mode>`), e.g. '0755'. @default - Mountpoint default */
  readonly dirMode?: string;
  /** File permissions, three octal digits (`file-mode=<mode>`), e.g. '0644'. @default - Mountpoint default */
  readonly fileMode?: string;
  /** Metadata cache time to live (`metadata-ttl`): a Duration, or 'indefinite' / 'minimal'. @default - Mountpoint default */
  readonly metadataTtl?: Duration | 'indefinite' | 'minimal';
  /** Time to live of cached "no such file" answers (`negative-metadata-ttl`). @default - metadataTtl */
  readonly negativeMetadataTtl?: Duration | 'indefinite' | 'minimal';
  /** Maximum cache size in MiB (`max-cache-size`; needs `cache`, 0 turns the data cache off). @default - 95% of an emptyDir cache limit, else unlimited */
  readonly maxCacheSize?: number;
  /**
   * A shared cache of object content in an S3 Express One Zone directory bucket of the same region
   * (`cache-xz <bucket>`, docs/CACHING.md "Shared Cache"); the IAM policy then grants
   * s3express:CreateSession on it, read-only volumes included (the cache is written as it is read).
   * @default - no shared cache
   */
  readonly sharedCacheBucket?: string;
  /** Appending to objects, S3 Express One Zone only (`incremental-upload`). @default false */
  readonly incrementalUpload?: boolean;
  /** Storage class of new objects (`storage-class`). @default - the bucket's default */
  readonly storageClass?: (typeof S3_STORAGE_CLASSES)[number];
  /** Server-side encryption of new objects (`sse`). @default - the bucket's default */
  readonly sse?: S3ServerSideEncryption;
  /** The KMS key ARN for SSE-KMS (`sse-kms-key-id`); needs `sse` aws:kms or aws:kms:dsse. @default - the AWS managed key */
  readonly sseKmsKeyId?: string;
  /** Checksums of uploads (`upload-checksums`): crc32c, or off. @default - crc32c where the bucket supports it */
  readonly uploadChecksums?: 'crc32c' | 'off';
  /**
   * The bucket's type (`bucket-type`). Mountpoint infers it from the name; give 'directory' when
   * the bucket name is a value, so that strata knows it is an S3 Express One Zone bucket (IAM, zone).
   * @default - from the name (a directory bucket ends in --x-s3)
   */
  readonly bucketType?: 'general-purpose' | 'directory';
  /**
   * The zone id of a directory bucket (`use1-az4`): pods mounting the volume are required on nodes
   * of that zone (`topology.k8s.aws/zone-id`). Give it when the bucket name is a value; with a
   * literal name it must match the name's zone.
   * @default - the zone in a literal directory bucket name
   */
  readonly zoneId?: string;
  /**
   * Require every pod mounting a directory bucket on nodes of the bucket's zone (PodScheduling,
   * `topology.k8s.aws/zone-id In [<zone id>]`): S3 Express One Zone keeps its data in one
   * Availability Zone, and requests from other zones cross zones (latency, inter-AZ transfer).
   * @default true for a directory bucket whose zone is known
   */
  readonly zoneAffinity?: boolean;
  /** The account that must own the bucket (`expected-bucket-owner`); requests fail otherwise. @default - not checked */
  readonly expectedBucketOwner?: string;
  /** The requester pays for requests and transfer (`requester-pays`). @default false */
  readonly requesterPays?: boolean;
  /** Size of ranged GETs (`read-part-size`, in bytes). @default - Mountpoint default (8 MiB) */
  readonly readPartSize?: Size;
  /**
   * Size of multipart upload parts (`write-part-size`, in bytes); the largest object is 10,000 parts
   * (≈77 GiB at the default 8 MiB), so raise it for big checkpoint shards (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/CONFIGURATION.md).
   * @default - Mountpoint default (8 MiB)
   */
  readonly writePartSize?: Size;
  /** Maximum FUSE threads (`max-threads`). @default - Mountpoint default (16) */
  readonly maxThreads?: number;
  /** Target network throughput in whole Gbps (`maximum-throughput-gbps`). @default - detected from the instance type */
  readonly maximumThroughputGbps?: number;
  /** Attempts of each S3 request (`aws-max-attempts`, which the driver passes as AWS_MAX_ATTEMPTS). @default - the SDK default */
  readonly awsMaxAttempts?: number;
  /**
   * Further flags of Mountpoint 1.22.3 (the driver's) without `--` (`key value` or `key=value`):
   * bind, debug, debug-crt, dual-stack, endpoint-url, force-path-style, log-directory, log-metrics,
   * no-log, no-sign-request, otlp-endpoint, otlp-export-interval, part-size, transfer-acceleration.
   * Any other flag is refused: those with a typed prop must use it, `-o …` and flags the driver
   * replaces or Mountpoint refuses under the driver (read-only, auto-unmount, profile,
   * user-agent-prefix) are refused with the reason, and an unknown flag is refused with this list
   * (Mountpoint exits on it); `foreground`, `help`, `version` are dropped with a warning (the driver drops them).
   * @default - none
   */
  readonly extraMountOptions?: string[];
  /** The service account of the Mountpoint Pod (`mountpointPodServiceAccountName`). @default - driver default */
  readonly mountpointPodServiceAccountName?: string;
  /** Resources of the Mountpoint container (`mountpointContainerResources…`). @default - driver default */
  readonly mountpointContainerResources?: S3MountpointContainerResources;
  /** The proxy Mountpoint uses (`mountpointEnv.HTTPS_PROXY`, `mountpointEnv.NO_PROXY`). @default - none */
  readonly proxy?: S3MountpointProxy;
  /**
   * Reserve room for the Mountpoint Pods of every pod mounting the volume before it is scheduled
   * (the driver's experimental headroom, docs/HEADROOM_FOR_MPPOD.md): each such pod gets the
   * scheduling gate `s3.csi.aws.com/reserve-headroom-for-mppod`; the driver's controller then makes
   * headroom pods requesting `mountpointContainerResources.requests` (required) beside it, and
   * removes the gate. The chart records that it needs the driver's
   * `experimental.reserveHeadroomForMountpointPods` (`strata.dev/uses`), which environments turn on.
   * @default false
   */
  readonly reserveHeadroom?: boolean;
  /**
   * The CSI volume handle; must be unique in the cluster (the driver processes only one volume per handle).
   * @default - the PersistentVolume's name (unique in the cluster by definition)
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
   * The pod or workload holding the container: its container requests the room of an
   * instance-store cache, it gets the zone of a directory bucket and the headroom gate, and its
   * service account gets the volume's IAM policy with pod credentials.
   * @default - found in the construct tree
   */
  readonly pod?: SchedulablePod;
}

/**
 * What the identity Mountpoint runs as may do in S3 through this volume (for its IAM policy:
 * `mountpointStatements` of @strata/patterns). Values may be tokens.
 */
export interface S3MountpointAccess {
  /** The bucket name, or an access point ARN. */
  readonly bucket: string;
  /** The key prefix mounted ('' for the whole bucket). */
  readonly prefix: string;
  /** New objects may be written (ReadWriteMany). */
  readonly write: boolean;
  /** Objects may be deleted (allow-delete). */
  readonly delete: boolean;
  /** Objects may be replaced (allow-overwrite). */
  readonly overwrite: boolean;
  /** An S3 Express One Zone directory bucket (s3express:CreateSession); undefined when not known at synthesis. */
  readonly directoryBucket?: boolean;
  /** The bucket's region, when given. */
  readonly region?: string;
  /** The KMS key of SSE-KMS, when given. */
  readonly kmsKeyArn?: string;
  /** The shared cache's directory bucket, when given. */
  readonly sharedCacheBucket?: string;
}

/** Volume handles per App: the driver processes only one volume per handle (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L91-L92). */
const handlesByApp = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A bucket (or prefix) mounted with Mountpoint for Amazon S3: a statically provisioned
 * PersistentVolume of `s3.csi.aws.com` pre-bound to one claim, both with `storageClassName: ""`
 * (the driver has no dynamic provisioning, awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L8-L92).
 *
 * The volume and its claim only point to the bucket: they hold no data, so Helm does not keep them
 * (no `helm.sh/resource-policy: keep`), and a WorkloadChart names both by a hash of the volume's
 * source (`markSourceNamed`): a new bucket, prefix or mount option is a new volume and claim,
 * which the pods follow, where the immutable `spec.csi` would fail the upgrade.
 *
 * Mountpoint is not a POSIX file system (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md): new files are written sequentially once, no
 * rename on general purpose buckets, no appends outside S3 Express.
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
  /** Whether the bucket is a directory bucket (S3 Express One Zone or a Local Zone); undefined when not known at synthesis. */
  public readonly directoryBucket?: boolean;
  /** The directory bucket's zone id, when known. */
  public readonly zoneId?: string;
  /** What Mountpoint's identity may do in S3 through this volume. */
  public readonly access: S3MountpointAccess;
  private readonly mounted: plus.AbstractPod[] = [];
  private readonly props: S3MountpointProps;

  public constructor(scope: Construct, id: string, props: S3MountpointProps) {
    super(scope, id, props.volumeName);
    this.props = props;
    this.bucketName = props.bucketName;
    this.prefix = props.prefix;
    this.accessMode = props.accessMode ?? AccessMode.READ_WRITE_MANY;
    this.authenticationSource = props.authenticationSource ?? S3AuthenticationSource.DRIVER;
    // The volume and claim are named by the volume's source (in a WorkloadChart): created volume first.
    markSourceNamed(this, 'PersistentVolume');

    this.checkBucket(props);
    this.rules.oneOf('accessMode', props.accessMode, [AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY],
      'the driver refuses ReadWriteOnce; use ReadWriteMany, or ReadOnlyMany for a read-only volume');
    this.rules.oneOf('authenticationSource', props.authenticationSource, Object.values(S3AuthenticationSource),
      'use "pod" for the workload\'s IRSA or Pod Identity role, "driver" for the driver\'s');
    const express = this.checkDirectoryBucket(props);
    this.directoryBucket = express.directory;
    this.zoneId = express.zoneId;

    this.mountOptions = renderMountOptions(this.rules, this.node.path, props);
    this.volumeAttributes = renderAttributes(this.rules, this.node.path, props);

    this.persistentVolume = new CsiPersistentVolume(this, 'PersistentVolume', {
      driver: S3_CSI_DRIVER,
      volumeHandle: props.volumeHandle ?? '',
      volumeAttributes: this.volumeAttributes,
      accessModes: [this.accessMode],
      capacity: S3Mountpoint.PLACEHOLDER_CAPACITY,
      mountOptions: this.mountOptions,
      storageClassName: '',
      // A pointer to the bucket: nothing to keep (see the class comment).
      holdsData: false,
      // The claim needs the volume's name and the claimRef the claim's: preBind patches claimRef in.
    });
    // The handle defaults to the volume's own name: unique in the cluster, and new with a new source.
    this.volumeHandle = props.volumeHandle ?? this.persistentVolume.name;
    if (props.volumeHandle === undefined) this.persistentVolume.apiObject.addJsonPatch(JsonPatch.replace('/spec/csi/volumeHandle', this.volumeHandle));
    this.checkUniqueHandle();
    this.claim = new Claim(this, 'Claim', {
      accessModes: [this.accessMode],
      storage: S3Mountpoint.PLACEHOLDER_CAPACITY,
      storageClassName: '',
      volumeName: this.persistentVolume.name,
      holdsData: false,
    });
    this.namespace = this.preBind(props.namespace);
    // Without allow-delete a check could write but never clean up (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L31).
    if (props.allowDelete !== true) this.probeReadOnly();
    this.instanceStoreCache = this.checkInstanceStoreCache(props.cache);
    if (props.reserveHeadroom !== undefined && Tokens.isToken(props.reserveHeadroom)) {
      this.rules.fail('reserveHeadroom', props.reserveHeadroom, 'true or false when the chart is written', 'the pods\' scheduling gate is decided in code');
    }
    this.access = {
      bucket: props.bucketName,
      prefix: props.prefix ?? '',
      write: this.accessMode !== AccessMode.READ_ONLY_MANY,
      delete: props.allowDelete === true,
      overwrite: props.allowOverwrite === true,
      ...(this.directoryBucket !== undefined ? { directoryBucket: this.directoryBucket } : {}),
      ...(props.region !== undefined ? { region: props.region } : {}),
      ...(props.sseKmsKeyId !== undefined ? { kmsKeyArn: props.sseKmsKeyId } : {}),
      ...(props.sharedCacheBucket !== undefined ? { sharedCacheBucket: props.sharedCacheBucket } : {}),
    };
    this.describe({
      bucketName: props.bucketName,
      prefix: props.prefix,
      cache: this.instanceStoreCache ? 'emptyDir on instance store' : props.cache?.type ?? 'none',
      accessMode: this.accessMode,
      authenticationSource: this.authenticationSource,
      ...(this.zoneId !== undefined ? { zoneId: this.zoneId } : {}),
    });

    forbidS3StorageClasses(Chart.of(this));
  }

  public get writable(): boolean {
    return this.accessMode !== AccessMode.READ_ONLY_MANY;
  }

  /** The pods (and workloads) that mount the volume so far, each once. */
  public get pods(): readonly plus.AbstractPod[] {
    return [...this.mounted];
  }

  public mount(container: plus.Container, path: string, options: S3MountOptions = {}): void {
    super.mount(container, path, options);
    // The Mountpoint Pod's cache requests nothing: the pod that mounts the volume reserves its room.
    if (this.instanceStoreCache) requestEphemeralStorage(this, this.rules, container, this.instanceStoreCache, options.pod);
    if (options.subPath !== undefined) {
      this.rules.warn(problem('subPath', options.subPath, 'a prefix rather than a subPath',
        `an S3 "directory" vanishes when its last object is deleted and the mount breaks (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/TROUBLESHOOTING.md#L43-L92); mount prefix "${options.subPath.replace(/\/?$/, '/')}" with its own S3Mountpoint`));
    }
    const pod = options.pod ?? podOf(this, container);
    if (!pod) return;
    if (!this.mounted.includes(pod)) this.mounted.push(pod);
    checkS3TerminationGrace(this, pod.terminationGracePeriod);
    if (this.zoneId !== undefined && this.props.zoneAffinity !== false && 'scheduling' in pod) {
      PodScheduling.of(pod as SchedulablePod).require({ key: ZONE_ID_LABEL, operator: 'In', values: [this.zoneId], origin: `[${this.node.path}] (the S3 Express One Zone bucket's zone)` });
    }
    if (this.props.reserveHeadroom === true) {
      if (addSchedulingGate(pod, HEADROOM_SCHEDULING_GATE)) markUses(this, S3_HEADROOM_FEATURE);
      else this.rules.fail('reserveHeadroom', true, 'set for pods strata can gate (a Pod, a workload, or a pod template of @strata/kinds)', `add the scheduling gate ${HEADROOM_SCHEDULING_GATE} to ${pod.node.path} yourself, or leave reserveHeadroom unset`);
    }
  }

  /**
   * Whether the bucket is a directory bucket, and its zone id: from a literal name, else from
   * `bucketType` and `zoneId`; a literal name must agree with both.
   */
  private checkDirectoryBucket(props: S3MountpointProps): { directory?: boolean; zoneId?: string } {
    const r = this.rules;
    const byName = isDirectoryBucketName(props.bucketName ?? '');
    r.oneOf('bucketType', props.bucketType, ['general-purpose', 'directory']);
    if (byName !== undefined && props.bucketType !== undefined && isLiteral(props.bucketType) && byName !== (props.bucketType === 'directory')) {
      r.fail('bucketType', props.bucketType, byName ? '"directory" for a bucket named …--x-s3' : '"general-purpose" for a bucket not named …--x-s3', 'a directory bucket\'s name ends in --<zone id>--x-s3: leave bucketType unset');
    }
    const directory = byName ?? (props.bucketType === 'directory' ? true : props.bucketType === 'general-purpose' ? false : undefined);
    if (directory === true && Tokens.isToken(props.bucketName)) {
      r.check('bucketName', props.bucketName, { pattern: DIRECTORY_BUCKET }, 'bucketType is "directory": give a directory bucket\'s full name');
    }
    const fromName = zoneIdOf(props.bucketName ?? '');
    if (props.zoneId !== undefined) {
      r.check('zoneId', props.zoneId, { pattern: AZ_ID }, 'give the Availability Zone id in the bucket\'s name, e.g. "use1-az4"');
      if (directory === false) r.fail('zoneId', props.zoneId, 'unset for a general purpose bucket', 'only a directory bucket lives in one zone');
      if (fromName !== undefined && isLiteral(props.zoneId) && fromName !== props.zoneId) {
        r.fail('zoneId', props.zoneId, `the zone in the bucket's name ("${fromName}")`, 'leave zoneId unset: it is read from the name');
      } else if (Tokens.isToken(props.bucketName) && isLiteral(props.zoneId)) {
        r.check('bucketName', props.bucketName, { pattern: `--${props.zoneId}--x-s3$` }, `the pods are placed in zone ${props.zoneId}: give a directory bucket of that zone`, `a directory bucket of zone ${props.zoneId} (ending in --${props.zoneId}--x-s3)`);
      }
    }
    const zoneId = directory === false ? undefined : props.zoneId ?? fromName;
    // A name's zone that is no Availability Zone id: a Local Zone (see s3-express.ts).
    const localZone = fromName !== undefined && !isAvailabilityZoneId(fromName) ? fromName : undefined;
    if (localZone !== undefined && props.zoneAffinity !== false) {
      r.fail('zoneAffinity', props.zoneAffinity, `false for a bucket outside an Availability Zone (zone "${localZone}")`,
        'Karpenter\'s topology.k8s.aws/zone-id labels hold Availability Zone ids: set zoneAffinity: false and place the pods yourself');
    }
    if (localZone !== undefined && props.incrementalUpload === true) {
      r.fail('incrementalUpload', true, `unset for a bucket outside an Availability Zone (zone "${localZone}")`,
        'Mountpoint appends only in Availability Zones; in a Local Zone writes with --incremental-upload fail (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L28-L29)');
    }
    if (props.zoneAffinity !== undefined && Tokens.isToken(props.zoneAffinity)) r.fail('zoneAffinity', props.zoneAffinity, 'true or false when the chart is written', 'where the pods run is decided in code');
    return { ...(directory !== undefined ? { directory } : {}), ...(zoneId !== undefined ? { zoneId } : {}) };
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

  /** Pre-binds the volume to the claim (claimRef, awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L16-L29); returns the namespace used. */
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
      const directory = isDirectoryBucketName(props.bucketName) ?? (props.bucketType === 'directory' ? true : undefined);
      if (directory === false) {
        this.rules.fail('bucketName', props.bucketName, 'an S3 Express One Zone directory bucket (ending in --x-s3) with incrementalUpload',
          'appends work only on S3 Express One Zone; use a directory bucket or drop incrementalUpload');
      } else {
        this.rules.check('bucketName', props.bucketName, { pattern: DIRECTORY_BUCKET }, 'appends work only on S3 Express One Zone; use a directory bucket or drop incrementalUpload',
          'an S3 Express One Zone directory bucket (ending in --x-s3) with incrementalUpload');
      }
    }
  }
}
