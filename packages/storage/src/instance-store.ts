import { Chart, ChartProps, Size, SizeRoundingBehavior } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { describeStorage, problem, requirePodSecurity, Tokens } from '@strata/tokens';
import { AccessMode, ReclaimPolicy, VolumeBindingMode } from './access-mode';
import { Claim } from './claim';
import { checkMount, ClaimedStorage } from './claimed-storage';
import { CsiPersistentVolume } from './persistent-volume';
import { isLiteral, Rules } from './rules';
import { podOf } from './s3-mountpoint';
import { StorageClass } from './storage-class';
import { NodeRequirement, PodScheduling, SchedulablePod } from './scheduling';
import { IStorageTier, StorageMountOptions, StorageTier, volumeNameFor } from './tier';

/** The provisioner of local PersistentVolume classes: volumes are made by hand or by the local static provisioner (https://kubernetes.io/docs/concepts/storage/storage-classes/#local). */
export const LOCAL_PROVISIONER = 'kubernetes.io/no-provisioner';

/** The Karpenter node label with the instance type's local NVMe size in GiB (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/labels.go#L152). */
export const INSTANCE_LOCAL_NVME_LABEL = 'karpenter.k8s.aws/instance-local-nvme';

/** Where EKS AMIs mount instance-store disks: `/mnt/k8s-disks/0` for RAID0, `/mnt/k8s-disks/1..N` for Mount
 * (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1218-L1222; awslabs/amazon-eks-ami@v20260724:nodeadm/api/v1alpha1/nodeconfig_types.go#L115-L142). */
export const INSTANCE_STORE_MOUNT_ROOT = '/mnt/k8s-disks/';

/**
 * How a node prepares its instance-store disks: nodeadm `spec.instance.localStorage.strategy`
 * (AL2023); Karpenter's `instanceStorePolicy: RAID0` generates the RAID0 strategy
 * (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1197-L1229; awslabs/amazon-eks-ami@v20260724:nodeadm/api/v1alpha1/nodeconfig_types.go#L115-L142).
 */
export enum LocalStorageStrategy {
  /** All disks in one RAID-0 holding kubelet and containerd: emptyDir lives on NVMe. */
  RAID0 = 'RAID0',
  /** RAID-10 over at least four disks. */
  RAID10 = 'RAID10',
  /** One XFS file system per disk at `/mnt/k8s-disks/1..N`, for the local static provisioner. */
  MOUNT = 'Mount',
}

/** Pod Security Admission levels (`pod-security.kubernetes.io/enforce`). */
export enum PodSecurityLevel {
  PRIVILEGED = 'privileged',
  BASELINE = 'baseline',
  RESTRICTED = 'restricted',
}


/** Mount options of the node-local tiers. */
export interface InstanceStoreMountOptions extends StorageMountOptions {
  /**
   * The pod or workload holding the container, to receive the tier's node affinity.
   * @default - found in the construct tree
   */
  readonly pod?: SchedulablePod;
}

export interface InstanceStoreProps {
  /**
   * Scratch size: the emptyDir `sizeLimit` and, on `mount`, the container's `ephemeral-storage`
   * request (rounded up to whole GiB), so that the scheduler and Karpenter place the pod by free NVMe.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
   * @default - no limit and no request (a warning says so)
   */
  readonly size?: Size;
  /**
   * The emptyDir medium. `Memory` is RAM (tmpfs), not instance store: it counts against memory.
   * @default plus.EmptyDirMedium.DEFAULT (node disk: the NVMe RAID0 on nodes with instanceStorePolicy RAID0)
   */
  readonly medium?: plus.EmptyDirMedium;
  /**
   * Node labels the pod must match, e.g. `plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0'])`;
   * added (ANDed) to the pod's required node affinity on `mount`.
   * @default - none (the ephemeral-storage request alone steers placement)
   */
  readonly nodeAffinity?: plus.NodeLabelQuery[];
  /** The pod-local volume name. @default - from the construct id */
  readonly volumeName?: string;
}

export interface InstanceStoreLocalVolumeOptions {
  /**
   * The class of the local volumes: a name (the local static provisioner's `classes[].name`), or a
   * StorageClass construct, which is then checked (no-provisioner, WaitForFirstConsumer).
   */
  readonly storageClass: string | StorageClass;
  /** The claim's request; a local volume must be at least this big. */
  readonly size: Size;
  /**
   * How the nodes prepare their disks. Local volumes need `Mount` (one file system per disk); RAID0
   * puts every disk under kubelet, leaving nothing for the provisioner (awslabs/amazon-eks-ami@v20260724:templates/al2023/runtime/bin/setup-local-disks;
   * kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0:docs/provisioner.md).
   * @default - not checked
   */
  readonly localStorageStrategy?: LocalStorageStrategy;
  /**
   * Make the PersistentVolume here, for a disk already mounted at this node path (instead of the
   * local static provisioner making it).
   * @default - the local static provisioner makes the volumes
   */
  readonly path?: string;
  /** The node(s) holding `path`; required with `path` (a local volume must name its node). @default - none */
  readonly nodeAffinity?: plus.NodeLabelQuery[];
  /** The pod-local volume name. @default - from the construct id */
  readonly volumeName?: string;
}

export interface InstanceStoreHostPathOptions {
  /** The directory on the node, normally under `/mnt/k8s-disks/`. */
  readonly path: string;
  /**
   * What must be at `path`. `Directory` fails the pod when the NVMe is not mounted, instead of
   * writing to the root volume as `DirectoryOrCreate` would.
   * @default plus.HostPathVolumeType.DIRECTORY
   */
  readonly type?: plus.HostPathVolumeType;
  /**
   * Must be `true`: hostPath has no size accounting or eviction, is not cleaned up, and is refused
   * by Pod Security baseline and restricted (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline). Prefer `new InstanceStore(scope, id, { size })`.
   */
  readonly allowHostPath: boolean;
  /** Node labels of the NVMe nodes the pod must run on; required (the disks exist only there: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath). */
  readonly nodeAffinity: plus.NodeLabelQuery[];
  /**
   * The Pod Security level the namespace enforces; hostPath needs `privileged`.
   * @default - not checked
   */
  readonly namespacePodSecurity?: PodSecurityLevel;
  /** The pod-local volume name. @default - from the construct id */
  readonly volumeName?: string;
}

/** Pods (or lone containers) that already carry a store's ephemeral-storage request (so a second mount adds nothing). */
const requested = new WeakMap<object, Set<IConstruct>>();

/**
 * Instance-store NVMe scratch, the recommended way (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1197-L1229): an emptyDir on nodes whose
 * instance store is a RAID0 holding kubelet (Karpenter `instanceStorePolicy: RAID0`, see
 * `KarpenterNvmeNodeClass`), with a `sizeLimit` and an `ephemeral-storage` request on the
 * container, so that the scheduler and Karpenter account for it, the kubelet evicts a runaway
 * writer, and nothing needs privileges. Data lives as long as the pod.
 *
 * Mount it with `store.mount(container, path)`: that adds the request. A plain
 * `container.mount(path, store)` mounts the volume without it.
 *
 * The other forms: `InstanceStore.localVolume` (local PersistentVolumes, one disk per claim) and
 * `InstanceStore.hostPath` (explicit opt-in only).
 */
export class InstanceStore extends Construct implements IStorageTier {
  /**
   * A claim of a local PersistentVolume of the local static provisioner (or one made here with `path`).
   * @see https://github.com/kubernetes-sigs/sig-storage-local-static-provisioner
   */
  public static localVolume(scope: Construct, id: string, options: InstanceStoreLocalVolumeOptions): LocalInstanceStore {
    return new LocalInstanceStore(scope, id, options);
  }

  /**
   * A hostPath directory on NVMe nodes. Only with `allowHostPath: true` and node affinity (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline).
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
   */
  public static hostPath(scope: Construct, id: string, options: InstanceStoreHostPathOptions): HostPathInstanceStore {
    return new HostPathInstanceStore(scope, id, options);
  }

  public readonly tier = StorageTier.INSTANCE_STORE;
  public readonly writable = true;
  public readonly volumeName: string;
  public readonly size?: Size;
  public readonly medium: plus.EmptyDirMedium;
  public readonly nodeAffinity: plus.NodeLabelQuery[];
  private readonly rules: Rules;
  private volume?: plus.Volume;

  public constructor(scope: Construct, id: string, props: InstanceStoreProps = {}) {
    super(scope, id);
    this.rules = new Rules(this);
    this.volumeName = props.volumeName ?? volumeNameFor(id);
    this.size = props.size;
    this.medium = props.medium ?? plus.EmptyDirMedium.DEFAULT;
    this.nodeAffinity = props.nodeAffinity ?? [];

    if (this.size === undefined) {
      this.rules.warn(problem('size', undefined, 'set for NVMe scratch',
        'without a sizeLimit and an ephemeral-storage request the scheduler cannot place the pod by free NVMe and a runaway writer fills the node disk (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage)'));
    } else {
      this.rules.check('size', gibibytes(this.size), { minimum: 1 }, 'scratch is requested in whole GiB', 'at least 1 (GiB)');
      // The emptyDir sizeLimit is written in MiB (cdk8s-plus): a fraction of a MiB cannot be said.
      const mib = this.size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Tokens.isToken(mib) && !Number.isInteger(mib)) {
        this.rules.fail('size', this.size.asString(), 'a whole number of MiB', `request ${Math.ceil(mib)} MiB (Size.mebibytes(${Math.ceil(mib)})) or whole GiB`);
      }
    }
    this.rules.check('medium', props.medium, { enum: Object.values(plus.EmptyDirMedium) }, undefined, '"" (node disk) or "Memory"');
    describeStorage(this, { tier: this.tier, facts: { sizeGiB: this.size ? gibibytes(this.size) : undefined, kind: 'emptyDir' } });
    if (this.medium === plus.EmptyDirMedium.MEMORY) {
      this.rules.warn(problem('medium', this.medium, `"" (node disk) for instance store`,
        'a Memory emptyDir is RAM and counts against the container\'s memory limit; no ephemeral-storage request is added'));
    }
  }

  public asVolume(): plus.Volume {
    if (!this.volume) {
      this.volume = plus.Volume.fromEmptyDir(this, 'Volume', this.volumeName, {
        medium: this.medium === plus.EmptyDirMedium.DEFAULT ? undefined : this.medium,
        sizeLimit: this.size ? sizeLimit(this.size) : undefined,
      });
    }
    return this.volume;
  }

  public mount(container: plus.Container, path: string, options: InstanceStoreMountOptions = {}): void {
    checkMount(this.rules, path, options);
    container.mount(path, this, { readOnly: options.readOnly, subPath: options.subPath });
    if (this.size !== undefined && this.medium !== plus.EmptyDirMedium.MEMORY) requestEphemeralStorage(this, this.rules, container, this.size, options.pod);
    if (this.nodeAffinity.length > 0) requireNodeAffinity(this, this.rules, container, path, this.nodeAffinity, options.pod);
  }
}

/** A claim of a local PersistentVolume on an instance-store disk (https://kubernetes.io/docs/concepts/storage/volumes/#local; kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0:docs/provisioner.md). */
export class LocalInstanceStore extends ClaimedStorage {
  public readonly tier = StorageTier.INSTANCE_STORE;
  public readonly claim: Claim;
  public readonly storageClassName: string;
  /** The volume made here when `path` is given. */
  public readonly persistentVolume?: CsiPersistentVolume;

  public constructor(scope: Construct, id: string, options: InstanceStoreLocalVolumeOptions) {
    super(scope, id, options.volumeName);
    const sc = options.storageClass;
    this.storageClassName = typeof sc === 'string' ? sc : sc.name;
    this.rules.required('storageClass', this.storageClassName, 'the class of the local volumes', 'use InstanceStoreStorageClassChart or the local static provisioner\'s class name');
    if (sc instanceof StorageClass) this.checkStorageClass(sc);
    this.rules.oneOf('localStorageStrategy', options.localStorageStrategy, [LocalStorageStrategy.MOUNT],
      'with RAID0 the disks hold kubelet and there is nothing for the provisioner: use new InstanceStore(scope, id, { size }) (emptyDir) on RAID0 nodes, or nodes with strategy Mount for local volumes');

    if (options.path !== undefined) {
      if (!options.path.startsWith('/')) this.rules.fail('path', options.path, 'an absolute node path', 'e.g. "/mnt/k8s-disks/1"');
      const affinity = options.nodeAffinity ?? [];
      if (affinity.length === 0) {
        this.rules.fail('nodeAffinity', options.nodeAffinity, 'the node(s) holding the disk for a local volume', 'Kubernetes requires node affinity on local volumes: e.g. plus.NodeLabelQuery.is("kubernetes.io/hostname", "<node>")');
      }
      this.persistentVolume = new CsiPersistentVolume(this, 'PersistentVolume', {
        driver: LOCAL_PROVISIONER, // unused: a `local` source has no driver
        volumeHandle: options.path,
        localPath: options.path,
        accessModes: [AccessMode.READ_WRITE_ONCE],
        capacity: options.size,
        storageClassName: this.storageClassName,
        nodeAffinity: affinity.length > 0 ? { required: { nodeSelectorTerms: [{ matchExpressions: affinity.map((q) => q._toKube()) }] } } : undefined,
      });
    } else if (options.nodeAffinity !== undefined) {
      this.rules.fail('nodeAffinity', 'set', 'unset without path', 'the local static provisioner sets node affinity on the volumes it makes; the scheduler follows it');
    }
    this.claim = new Claim(this, 'Claim', {
      accessModes: [AccessMode.READ_WRITE_ONCE],
      storage: options.size,
      storageClassName: this.storageClassName,
      volumeName: this.persistentVolume?.name,
    });
    // A local disk's file system root belongs to root.
    this.probeReadOnly();
    // The class the claim names: tier detection finds the release that makes it (the instance-store chart's localVolumes class).
    this.describe({ sizeGiB: options.size.toGibibytes(), kind: 'local', storageClassName: this.storageClassName });
  }

  /** Local volumes need a no-provisioner class that binds at first consumer (https://kubernetes.io/docs/concepts/storage/storage-classes/#local). */
  private checkStorageClass(sc: StorageClass): void {
    this.rules.oneOf('provisioner', sc.provisioner, [LOCAL_PROVISIONER], 'local volumes are made by the local static provisioner or by hand: use InstanceStoreStorageClassChart');
    this.rules.oneOf('volumeBindingMode', sc.volumeBindingMode, [VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER],
      'with Immediate the claim binds to a disk on any node before the pod is scheduled, and the pod may not fit there');
  }
}

/** A hostPath directory on NVMe nodes, by explicit opt-in only (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline). */
export class HostPathInstanceStore extends Construct implements IStorageTier {
  public readonly tier = StorageTier.INSTANCE_STORE;
  public readonly writable = true;
  public readonly volumeName: string;
  public readonly path: string;
  public readonly type: plus.HostPathVolumeType;
  public readonly nodeAffinity: plus.NodeLabelQuery[];
  private readonly rules: Rules;
  private volume?: plus.Volume;

  public constructor(scope: Construct, id: string, options: InstanceStoreHostPathOptions) {
    super(scope, id);
    this.rules = new Rules(this);
    describeStorage(this, { tier: this.tier, facts: { kind: 'hostPath', path: options.path } });
    this.volumeName = options.volumeName ?? volumeNameFor(id);
    this.path = options.path;
    this.type = options.type ?? plus.HostPathVolumeType.DIRECTORY;
    this.nodeAffinity = options.nodeAffinity ?? [];
    const r = this.rules;

    if (options.allowHostPath !== true) {
      r.fail('allowHostPath', options.allowHostPath, 'true to use a hostPath volume',
        'hostPath has no size accounting or eviction, is never cleaned up and needs privileges: prefer new InstanceStore(scope, id, { size }) (emptyDir on RAID0 nodes), or set allowHostPath: true');
    }
    if (r.required('path', options.path, 'a directory on the node', 'e.g. "/mnt/k8s-disks/0"') && !options.path.startsWith('/')) {
      r.fail('path', options.path, 'an absolute node path', 'e.g. "/mnt/k8s-disks/0"');
    }
    if (this.nodeAffinity.length === 0) {
      r.fail('nodeAffinity', options.nodeAffinity, 'node labels of the NVMe nodes for a hostPath volume',
        `otherwise the pod may land on a node without instance store: e.g. plus.NodeLabelQuery.gt("${INSTANCE_LOCAL_NVME_LABEL}", ["0"])`);
    }
    if (r.oneOf('namespacePodSecurity', options.namespacePodSecurity, [PodSecurityLevel.PRIVILEGED],
      'Pod Security baseline and restricted refuse hostPath volumes: use new InstanceStore(scope, id, { size }) (emptyDir), which needs no privileges') && options.namespacePodSecurity !== undefined) {
      requirePodSecurity(this, 'privileged', `the hostPath volume ${options.path} (Pod Security baseline and restricted refuse hostPath volumes)`);
    }
    if (options.path && isLiteral(options.path) && !options.path.startsWith(INSTANCE_STORE_MOUNT_ROOT)) {
      r.warn(problem('path', options.path, `under ${INSTANCE_STORE_MOUNT_ROOT}`,
        'EKS nodes mount instance store at /mnt/k8s-disks/0 (RAID0) or /mnt/k8s-disks/1..N (Mount); other paths are on the root volume unless your AMI mounts NVMe there'));
    }
    if (this.type === plus.HostPathVolumeType.DIRECTORY_OR_CREATE) {
      r.warn(problem('type', this.type, 'Directory', 'DirectoryOrCreate silently writes to the root volume when the NVMe is not mounted'));
    }
  }

  public asVolume(): plus.Volume {
    if (!this.volume) this.volume = plus.Volume.fromHostPath(this, 'Volume', this.volumeName, { path: this.path, type: this.type });
    return this.volume;
  }

  public mount(container: plus.Container, path: string, options: InstanceStoreMountOptions = {}): void {
    checkMount(this.rules, path, options);
    container.mount(path, this, { readOnly: options.readOnly, subPath: options.subPath });
    if (this.nodeAffinity.length > 0) requireNodeAffinity(this, this.rules, container, path, this.nodeAffinity, options.pod);
  }
}

/** The size in GiB, or the GiB token a size carries. */
function gibibytes(size: Size): number {
  return size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
}

/** The emptyDir sizeLimit: cdk8s-plus writes it in MiB, so a GiB token becomes a derived MiB token. */
function sizeLimit(size: Size): Size {
  const gi = gibibytes(size);
  if (Tokens.isToken(gi)) return Size.mebibytes(Tokens.derive(gi, 1024));
  // A fraction of a MiB is refused by the size rule; keep synthesis going so every error is reported together.
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  return Number.isInteger(mib) ? size : Size.mebibytes(Math.ceil(mib));
}

/**
 * Adds the scratch size to the container's ephemeral-storage request, once per pod: an emptyDir
 * is one volume however many containers mount it, and the scheduler adds up container requests.
 * cdk8s-plus fixes a Container's `resources` at construction and offers no setter, but reads the
 * field only when it renders the pod spec, so replacing the (TypeScript-readonly) field is
 * enough; a JSON patch would need the owning workload and the container's index instead.
 */
export function requestEphemeralStorage(store: IConstruct, rules: Rules, container: plus.Container, size: Size, pod?: SchedulablePod): void {
  const key = pod ?? podOf(store, container) ?? container;
  const done = requested.get(key) ?? new Set<IConstruct>();
  if (done.has(store)) return;
  done.add(store);
  requested.set(key, done);

  const current = container.resources?.ephemeralStorage;
  const gi = gibibytes(size);
  const existing = current?.request ? gibibytes(current.request) : 0;
  if (Tokens.isToken(gi) || Tokens.isToken(existing)) {
    if (current?.request) {
      rules.fail('size', gi, `a literal size when container "${container.name}" already requests ephemeral storage`, 'a request cannot add up install-time values: give literal sizes');
      return;
    }
  }
  const request = Tokens.isToken(gi) ? Size.gibibytes(gi) : Size.gibibytes(Math.ceil(existing + gi));
  const limit = current?.limit ? gibibytes(current.limit) : undefined;
  if (limit !== undefined && isLiteral(limit) && !Tokens.isToken(gi)) {
    rules.check('ephemeral-storage limit', limit, { minimum: request.toGibibytes() }, `raise container "${container.name}"'s ephemeral-storage limit or lower size`,
      `at least the request (${request.toGibibytes()} GiB)`);
  }
  (container as { resources?: plus.ContainerResources }).resources = {
    ...container.resources,
    ephemeralStorage: { ...current, request },
  };
}

/**
 * Requires the store's node labels on the pod that holds `container` (ANDed with whatever else
 * the pod requires, in any order: see PodScheduling).
 */
function requireNodeAffinity(store: IConstruct, rules: Rules, container: plus.Container, path: string, labels: plus.NodeLabelQuery[], given?: SchedulablePod): void {
  const found = given ?? podOf(store, container);
  if (!found || !('scheduling' in found)) {
    rules.fail('pod', undefined, `the Pod or workload whose container mounts ${path}`, 'add the container to its pod before mounting, or pass { pod }');
    return;
  }
  const scheduling = PodScheduling.of(found as SchedulablePod);
  for (const l of labels) {
    const k = l._toKube();
    scheduling.require({ key: k.key, operator: k.operator as NodeRequirement['operator'], ...(k.values ? { values: k.values } : {}), origin: `[${store.node.path}]` });
  }
}

export interface InstanceStoreStorageClassChartProps extends ChartProps {
  /**
   * The class name; must equal the local static provisioner's `classes[].name` (and set its
   * `storageClass: false`, so the class is not made twice).
   * @default 'nvme-ssd' (the provisioner's EKS example)
   */
  readonly storageClassName?: string;
  /**
   * `Delete` lets the provisioner wipe a released disk and offer it again; `Retain` keeps the data
   * until an operator deletes the volume.
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

/**
 * The cluster-level part of local instance-store volumes: the no-provisioner StorageClass that
 * binds at first consumer (https://kubernetes.io/docs/concepts/storage/storage-classes/#local). Installed once per cluster, beside the local static
 * provisioner on nodes whose disks use the `Mount` strategy.
 */
export class InstanceStoreStorageClassChart extends Chart {
  public readonly storageClass: StorageClass;

  public constructor(scope: Construct, id: string, props: InstanceStoreStorageClassChartProps = {}) {
    super(scope, id, props);
    this.storageClass = new StorageClass(this, 'StorageClass', {
      name: props.storageClassName ?? 'nvme-ssd',
      provisioner: LOCAL_PROVISIONER,
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      reclaimPolicy: props.reclaimPolicy ?? ReclaimPolicy.DELETE,
    });
  }
}
