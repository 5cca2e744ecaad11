import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { isEmptyValue, Json, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import {
  AMI_SELECTOR_TERMS_SHAPE,
  GPU_TAINT,
  KarpenterAmiSelectorTerm,
  KarpenterMetadataOptions,
  METADATA_OPTIONS_SHAPE,
  KarpenterCapacityType,
  KarpenterConsolidationPolicy,
  KarpenterDiskLayout,
  KarpenterNvmeNodeClass,
  KarpenterNvmeNodeClassProps,
  KarpenterNvmeNodePool,
  LOCAL_PROVISIONER_TAINT_KEY,
  LOCAL_STATIC_PROVISIONER_IMAGE,
  LocalStaticProvisioner,
  ReclaimPolicy,
  KarpenterNvmeNodePoolProps,
  KarpenterRequirement,
  BLOCK_DEVICE_MAPPINGS_SHAPE,
  BUDGETS_SHAPE,
  KarpenterBlockDeviceMapping,
  KarpenterDisruptionBudget,
  KarpenterKubeletConfiguration,
  KarpenterSecurityGroupSelectorTerm,
  KarpenterSubnetSelectorTerm,
  KUBELET_SHAPE,
  TEMPLATE_METADATA_SHAPE,
  Rules,
  SECURITY_GROUP_SELECTOR_TERMS_SHAPE,
  shapeSchema,
  StorageTier,
  SUBNET_SELECTOR_TERMS_SHAPE,
  TAGS_SHAPE,
  TAINTS_SHAPE,
} from '@strata/storage';
import { describePattern, markUses, onlyWhen } from '@strata/tokens';

/** Name suffixes: `<release namespace>-<release full name>-<suffix>` unless the object's `name` value is set. */
export const NVME_NODE_CLASS_SUFFIX = 'nvme';
export const NVME_NODE_POOL_SUFFIX = 'nvme';
export const NVME_GPU_NODE_POOL_SUFFIX = 'nvme-gpu';
/** The local-volume layout's EC2NodeClass, NodePool and StorageClass. */
export const LOCAL_NODE_CLASS_SUFFIX = 'nvme-local';
export const LOCAL_NODE_POOL_SUFFIX = 'nvme-local';
export const LOCAL_CLASS_SUFFIX = 'local-nvme';

/** Karpenter's well-known label with the GPU count of an instance type; absent on types without GPUs. */
export const INSTANCE_GPU_COUNT_LABEL = 'karpenter.k8s.aws/instance-gpu-count';
export const INSTANCE_CATEGORY_LABEL = 'karpenter.k8s.aws/instance-category';

/** An omittable value as a construct prop: undefined while empty (in literal mode; a value's token is never empty). */
function some<T>(value: T): T | undefined {
  return isEmptyValue(value) ? undefined : value;
}

/** One NodePool of the chart: where its values are, what it launches. */
interface PoolSpec {
  /** Its values' prefix: `nodePools.cpu`, `localVolumes.nodePool`. */
  readonly prefix: string;
  readonly suffix: string;
  readonly title: string;
  /** The name the bundled environments keep, for the name value's description. */
  readonly keeps?: string;
  readonly categories: string[];
  /** The GPU requirement. @default - none */
  readonly gpu?: KarpenterRequirement;
  readonly key?: string;
  /** A startup-taint list value with this default (instead of an omittable one). */
  readonly startupTaints?: { readonly default: Json[]; readonly description: string };
}

/** An EC2 instance category (c, m, r, g, p, trn…): lowercase letters. */
const INSTANCE_CATEGORY = describePattern('^[a-z]+$', 'an instance category such as "c", "g" or "p" (lowercase letters)');
/** IAM role names (CreateRole: 1–64 of letters, digits and +=,.@_-). */
const ROLE_NAME = describePattern('^[A-Za-z0-9+=,.@_-]{1,64}$', 'an IAM role name: 1 to 64 letters, digits and +=,.@_-');

/**
 * The instance-store NVMe tier's cluster-level part: a Karpenter EC2NodeClass with
 * `instanceStorePolicy: RAID0` (every NVMe disk in one RAID0 holding kubelet and containerd, so
 * emptyDir scratch lives on NVMe) and NodePools that launch only instance types with local NVMe.
 * Each part is switched by a boolean value, and each is named after the release unless its
 * `name` value is set, so the chart installs any number of times in one cluster.
 *
 * Local PersistentVolumes are a second, opt-in layout (`localVolumes.enabled`): an EC2NodeClass
 * whose nodes mount each NVMe disk on its own (nodeadm strategy Mount), a NodePool of them, and the
 * local static provisioner on them, which makes one local volume per disk behind a no-provisioner
 * StorageClass (WaitForFirstConsumer) that claims name (`InstanceStore.localVolume`). RAID0 nodes
 * leave no disk to provision, hence separate nodes. A local volume's data dies with its node:
 * Karpenter consolidation, expiry or drift, and Spot reclaims take it.
 */
export default class InstanceStoreTierChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(
      scope,
      id,
      {
        name: 'storage-instance-store',
        description: 'The instance-store NVMe storage tier: a Karpenter EC2NodeClass (RAID0: emptyDir on NVMe) with NodePools for instance types with local NVMe and, when enabled, local PersistentVolumes (nodes mounting each disk, the local static provisioner, its StorageClass), each named after the release or by a value; installable any number of times in one cluster.',
        keywords: ['instance-store', 'nvme', 'karpenter', 'storageclass', 'infrastructure'],
      },
      props,
    );
    const v = this.values;
    const rules = new Rules(this);

    // --- the Karpenter EC2NodeClass (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L531-L541: RAID0 only) ---
    const nodeClassEnabled = v.boolean('nodeClass.enabled', {
      default: true,
      description: 'Install the Karpenter EC2NodeClass (instanceStorePolicy RAID0: all NVMe disks in one RAID0 holding kubelet and containerd, so emptyDir is on NVMe).',
    });
    const nodeRole = v.string('nodeClass.nodeRole', {
      default: 'KarpenterNodeRole-strata',
      pattern: ROLE_NAME,
      description: 'The IAM role of the nodes (EC2NodeClass spec.role), e.g. KarpenterNodeRole-<cluster>.',
    });
    const nodeClassScope = new Construct(this, 'NodeClass');
    onlyWhen(nodeClassScope, nodeClassEnabled);
    // Karpenter labels each node with its EC2NodeClass and NodePool names (karpenter.k8s.aws/ec2nodeclass,
    // karpenter.sh/nodepool: aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/labels.go#L167,
    // kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/labels.go#L41): a label value holds at most 63 characters.
    const nodeClassName = this.clusterObjectName('nodeClass.name', NVME_NODE_CLASS_SUFFIX, {
      maxLength: 63,
      description: 'The EC2NodeClass name: "" names it after the release (<release namespace>-<release full name>-nvme), so that releases never collide; set it to keep a name that exists (the bundled environments keep strata-nvme).',
    });
    // The settings platform teams set, each a value whose schema is the shape the construct checks
    // a literal against (KarpenterNvmeNodeClass; aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go).
    // Subnets and security groups: the discovery tag of the cluster by default (an environment
    // fills in its cluster's name), any terms Karpenter takes otherwise.
    const discovery = [{ tags: { 'karpenter.sh/discovery': 'strata' } }];
    const subnetSelectorTerms = v.list<KarpenterSubnetSelectorTerm & Json>('nodeClass.subnetSelectorTerms', {
      default: discovery,
      items: shapeSchema(SUBNET_SELECTOR_TERMS_SHAPE.items),
      minItems: 1,
      description: 'The subnets nodes are launched in (spec.subnetSelectorTerms): 1 to 30 terms, ORed; a term selects by tags (ANDed; "*" matches any value) or by one id. The default is the discovery tag of the cluster "strata" (an environment gives its cluster\'s).',
    }) as KarpenterSubnetSelectorTerm[];
    const securityGroupSelectorTerms = v.list<KarpenterSecurityGroupSelectorTerm & Json>('nodeClass.securityGroupSelectorTerms', {
      default: discovery,
      items: shapeSchema(SECURITY_GROUP_SELECTOR_TERMS_SHAPE.items),
      minItems: 1,
      description: 'The nodes\' security groups (spec.securityGroupSelectorTerms): 1 to 30 terms, ORed; a term selects by tags, by one id or by one name (GroupName). The default is the discovery tag of the cluster "strata" (an environment gives its cluster\'s).',
    }) as KarpenterSecurityGroupSelectorTerm[];
    const userData = v.omittableString('nodeClass.userData', {
      description: 'User data of the nodes (spec.userData): on AL2023 a nodeadm NodeConfig, a shell script or a MIME multi-part archive, merged with Karpenter\'s own (leave spec.instance.localStorage to it: it sets up the RAID0).',
    });
    const tags = v.omittableObject<Record<string, string>>('nodeClass.tags', {
      schema: shapeSchema(TAGS_SHAPE),
      description: 'EC2 tags of the instances, volumes and launch templates (spec.tags), beside Karpenter\'s own (which may not be set here: eks:eks-cluster-name, kubernetes.io/cluster/*, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass).',
    });
    const kubelet = v.omittableObject<KarpenterKubeletConfiguration & Record<string, Json>>('nodeClass.kubelet', {
      schema: shapeSchema(KUBELET_SHAPE),
      description: 'Kubelet settings (spec.kubelet): maxPods, podsPerCore, systemReserved, kubeReserved, evictionHard, evictionSoft with evictionSoftGracePeriod, evictionMaxPodGracePeriod, imageGCHighThresholdPercent above imageGCLowThresholdPercent, cpuCFSQuota, clusterDNS.',
    });
    const blockDeviceMappings = v.omittableList<KarpenterBlockDeviceMapping & Json>('nodeClass.blockDeviceMappings', {
      items: shapeSchema(BLOCK_DEVICE_MAPPINGS_SHAPE.items),
      description: 'EBS volumes of the nodes (spec.blockDeviceMappings), at most 50, at most one rootVolume: each { deviceName, ebs: { volumeSize or snapshotID, volumeType, iops (io1, io2, gp3), throughput (gp3), encrypted, kmsKeyID, deleteOnTermination } }. Kubelet and containerd are on the NVMe RAID0: the root volume holds the OS only. Default: the AMI family\'s (AL2023: /dev/xvda, 20Gi gp3, encrypted).',
    });
    const amiSelectorTerms = v.list<KarpenterAmiSelectorTerm & Json>('nodeClass.amiSelectorTerms', {
      default: [{ alias: 'al2023@latest' }],
      items: shapeSchema(AMI_SELECTOR_TERMS_SHAPE.items),
      minItems: 1,
      description: 'The AMIs of the nodes (spec.amiSelectorTerms): 1 to 30 terms, ORed; an alias family@version (al2, al2023 or bottlerocket ≥ v1.22.0 for the RAID0), alone and the only term, an id alone, or tags, name and owner. Pin a version in production ("al2023@v20240625"): "latest" drifts every node when a new AMI is released.',
    }) as KarpenterAmiSelectorTerm[];
    const metadataOptions = v.omittableObject<KarpenterMetadataOptions & Record<string, Json>>('nodeClass.metadataOptions', {
      schema: shapeSchema(METADATA_OPTIONS_SHAPE),
      description: 'The instance metadata service of the nodes (spec.metadataOptions): httpEndpoint, httpProtocolIPv6 (enabled or disabled), httpPutResponseHopLimit (1 to 64), httpTokens (required or optional). Karpenter\'s default: enabled, IPv6 disabled, hop limit 1, tokens required.',
    });
    const nodeClass = new KarpenterNvmeNodeClass(nodeClassScope, 'EC2NodeClass', {
      name: nodeClassName,
      role: nodeRole,
      subnetSelectorTerms,
      securityGroupSelectorTerms,
      amiSelectorTerms,
      metadataOptions: some(metadataOptions),
      userData: some(userData),
      tags: some(tags),
      kubelet: some(kubelet),
      blockDeviceMappings: some(blockDeviceMappings),
    });

    // --- the NodePools (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1197-L1229) ---
    // Node-local data (NVMe checkpoints not yet in S3) must survive voluntary disruption: each pool's
    // disruption, lifetime, drain time, limits and capacity type are values, with the defaults and the
    // rules of KarpenterNvmeNodePool (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go).
    const pools: { key: 'cpu' | 'gpu'; suffix: string; title: string; keeps: string; enabled: boolean; categories: string[]; gpu: KarpenterRequirement; what: string }[] = [
      {
        key: 'cpu',
        suffix: NVME_NODE_POOL_SUFFIX,
        title: 'the CPU NodePool',
        keeps: 'strata-nvme',
        enabled: true,
        categories: ['c', 'm', 'r'],
        gpu: { key: INSTANCE_GPU_COUNT_LABEL, operator: 'DoesNotExist' },
        what: 'instance types with local NVMe and no GPU',
      },
      {
        key: 'gpu',
        suffix: NVME_GPU_NODE_POOL_SUFFIX,
        title: 'the GPU NodePool',
        keeps: 'strata-nvme-gpu',
        enabled: false,
        categories: ['g', 'p'],
        gpu: { key: INSTANCE_GPU_COUNT_LABEL, operator: 'Exists' },
        what: 'GPU instance types with local NVMe',
      },
    ];
    for (const pool of pools) {
      const enabled = v.boolean(`nodePools.${pool.key}.enabled`, {
        default: pool.enabled,
        description: `Install ${pool.title}: ${pool.what} (requirement ${INSTANCE_GPU_COUNT_LABEL} ${pool.gpu.operator}), on the EC2NodeClass.`,
      });
      const scope = new Construct(this, `NodePool-${pool.key}`);
      onlyWhen(scope, enabled);
      this.nodePool(scope, nodeClass, { ...pool, prefix: `nodePools.${pool.key}` }, () =>
        // A NodePool names its EC2NodeClass: installing one without the other leaves Karpenter nothing to launch.
        rules.checkWhen(
          [{ value: enabled, equals: true }],
          'nodeClass.enabled',
          nodeClassEnabled,
          { enum: [true] },
          `when nodePools.${pool.key}.enabled is true`,
          `${pool.title} launches nodes of the chart's EC2NodeClass: enable it too, or disable the NodePool`,
        ),
      );
    }

    // --- local PersistentVolumes (opt-in): nodes whose disks are mounted one per directory, and the local static provisioner ---
    this.localVolumes(nodeRole, { subnetSelectorTerms, securityGroupSelectorTerms, tags: some(tags), kubelet: some(kubelet), metadataOptions: some(metadataOptions) });

    // Workloads on these nodes use instance store; the tier needs Karpenter, not a CSI driver.
    markUses(this, StorageTier.INSTANCE_STORE);
  }
  /**
   * One NodePool of the chart and its values under `pool.prefix` (name, instance categories,
   * capacity types, disruption, lifetime, drain time, limits, taints, metadata, weight), with the
   * defaults and the rules of KarpenterNvmeNodePool (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go):
   * node-local data must survive voluntary disruption.
   */
  private nodePool(scope: Construct, nodeClass: KarpenterNvmeNodeClass, pool: PoolSpec, beforePool?: () => void): string {
    const v = this.values;
    const poolName = this.clusterObjectName(`${pool.prefix}.name`, pool.suffix, {
      maxLength: 63,
      description: `The name of ${pool.title}: "" names it after the release (<release namespace>-<release full name>-${pool.suffix}), so that releases never collide; set it to keep a name that exists${pool.keeps ? ` (the bundled environments keep ${pool.keeps})` : ''}. Renaming a NodePool of a running cluster deletes the old one: Karpenter drains its nodes.`,
    });
    const categories = v.list<string>(`${pool.prefix}.instanceCategories`, {
      default: pool.categories,
      items: { type: 'string', pattern: INSTANCE_CATEGORY },
      minItems: 1,
      description: `Instance categories ${pool.title} may launch (${INSTANCE_CATEGORY_LABEL} In …), e.g. ${pool.categories.map((c) => `"${c}"`).join(', ')}.`,
    });
    const moreThanGiB = v.integer(`${pool.prefix}.localNvmeGreaterThanGiB`, {
      default: 0,
      minimum: 0,
      description: `Only instance types with more local NVMe than this many GiB (karpenter.k8s.aws/instance-local-nvme Gt <n>); 0 for any with local NVMe.`,
    });
    const p = pool.prefix;
    const capacityTypes = v.list<string>(`${p}.capacityTypes`, {
      default: [KarpenterCapacityType.ON_DEMAND],
      // The enum is the construct's rule too; declared here so that values.d.ts types the list.
      items: { type: 'string', enum: Object.values(KarpenterCapacityType) },
      description: `What the nodes of ${pool.title} are bought as (karpenter.sh/capacity-type In …): on-demand, spot. Spot nodes get two minutes' notice before EC2 reclaims them (too little to upload NVMe checkpoints) and need Karpenter's interruption queue.`,
    }) as KarpenterCapacityType[];
    const consolidationPolicy = v.enum<KarpenterConsolidationPolicy>(`${p}.disruption.consolidationPolicy`, {
      values: Object.values(KarpenterConsolidationPolicy),
      default: KarpenterConsolidationPolicy.WHEN_EMPTY,
      description: 'Which nodes consolidation may remove: WhenEmpty (only nodes without workload pods, so NVMe data is never evicted) or WhenEmptyOrUnderutilized (also busy nodes whose pods fit elsewhere).',
    });
    const consolidateAfter = v.string(`${p}.disruption.consolidateAfter`, {
      default: '10m',
      description: 'How long a node must be consolidatable before it is removed, a Go duration ("10m", "1h30m") or "Never" (no consolidation); restarts on every pod change.',
    });
    const expireAfter = v.string(`${p}.expireAfter`, {
      default: '720h',
      description: 'How long a node lives before it is drained and replaced, whatever budgets and karpenter.sh/do-not-disrupt say: a Go duration ("720h") or "Never".',
    });
    const terminationGracePeriod = v.string(`${p}.terminationGracePeriod`, {
      default: '2h',
      description: 'How long draining a node may take, a Go duration ("2h"): at this minus a pod\'s terminationGracePeriodSeconds Karpenter deletes the pod, past PDBs and do-not-disrupt. At least the longest final flush (checkpoint upload) of a pod on these nodes.',
    });
    const limits: Record<string, string> = {
      cpu: v.quantity(`${p}.limits.cpu`, { default: '1000', description: `The most CPU all nodes of ${pool.title} may have together (spec.limits.cpu); Karpenter launches no node past it.` }),
      memory: v.quantity(`${p}.limits.memory`, { default: '4000Gi', description: `The most memory all nodes of ${pool.title} may have together (spec.limits.memory).` }),
    };
    let taints: KarpenterNvmeNodePoolProps['taints'];
    const taintItems = shapeSchema(TAINTS_SHAPE.items);
    if (pool.key === 'gpu') {
      limits['nvidia.com/gpu'] = v.quantity(`${p}.limits.gpu`, { default: '64', description: `The most GPUs all nodes of ${pool.title} may have together (spec.limits["nvidia.com/gpu"]).` });
      taints = v.list(`${p}.taints`, {
        default: [{ key: GPU_TAINT.key, value: GPU_TAINT.value!, effect: GPU_TAINT.effect }],
        items: taintItems,
        description: `Taints of the nodes of ${pool.title}. The default nvidia.com/gpu=true:NoSchedule keeps pods without GPUs off GPU nodes (GPU pods tolerate it); [] turns it off.`,
      }) as unknown as NonNullable<KarpenterNvmeNodePoolProps['taints']>;
    } else {
      taints = some(
        v.omittableList(`${p}.taints`, {
          items: taintItems,
          description: `Taints of the nodes of ${pool.title} (spec.template.spec.taints): pods without a toleration stay off them.`,
        }),
      ) as unknown as KarpenterNvmeNodePoolProps['taints'];
    }
    const startupTaints = (
      pool.startupTaints
        ? v.list(`${p}.startupTaints`, {
            default: pool.startupTaints.default,
            items: taintItems,
            description: pool.startupTaints.description,
          })
        : some(
            v.omittableList(`${p}.startupTaints`, {
              items: taintItems,
              description: `Taints a DaemonSet removes once a node of ${pool.title} is ready (spec.template.spec.startupTaints), e.g. an agent's not-ready taint; pods need not tolerate them.`,
            }),
          )
    ) as unknown as KarpenterNvmeNodePoolProps['startupTaints'];
    const templateMetadata = some(
      v.omittableObject<{ labels?: Record<string, string> } & Record<string, Json>>(`${p}.metadata`, {
        schema: shapeSchema(TEMPLATE_METADATA_SHAPE),
        description: `Metadata of the nodes of ${pool.title} (spec.template.metadata): { labels } for pods to select; the karpenter.sh domain (but karpenter.sh/capacity-type) and kubernetes.io/hostname are Karpenter's.`,
      }),
    );
    const weight = some(
      v.omittableInteger(`${p}.weight`, {
        maximum: 100,
        description: `The priority of ${pool.title} among NodePools that fit a pod (spec.weight), 1 to 100, higher first; a NodePool without weight counts as 0.`,
      }),
    );
    const budgets = v.list<Json>(`${p}.disruption.budgets`, {
      default: [{ nodes: '0', reasons: ['Drifted', 'Underutilized'] }, { nodes: '10%' }],
      items: shapeSchema(BUDGETS_SHAPE.items),
      description: `How many nodes of ${pool.title} voluntary disruption may take at once (spec.disruption.budgets), the most restrictive active budget applying: each { nodes, reasons?, schedule? with duration? }. The default blocks drift and consolidation of busy nodes (nodes are replaced at expireAfter) and allows 10% at once otherwise.`,
    }) as unknown as KarpenterDisruptionBudget[];
    beforePool?.();
    new KarpenterNvmeNodePool(scope, 'NodePool', {
      name: poolName,
      nodeClass,
      requirements: [
        KarpenterNvmeNodePool.localNvmeRequirement(Size.gibibytes(moreThanGiB)),
        { key: INSTANCE_CATEGORY_LABEL, operator: 'In', values: categories },
        ...(pool.gpu ? [pool.gpu] : []),
      ],
      capacityTypes,
      disruption: { consolidationPolicy, consolidateAfter, budgets },
      expireAfter,
      terminationGracePeriod,
      limits,
      taints,
      startupTaints,
      templateMetadata,
      weight,
    });
    return poolName;
  }
  /**
   * The opt-in local-volume layout (`localVolumes.*`): an EC2NodeClass whose nodes mount each NVMe
   * disk on its own (diskLayout Mount), a NodePool of them, and the local static provisioner there,
   * making one local PersistentVolume per disk behind a no-provisioner StorageClass that claims
   * name (InstanceStore.localVolume). Off by default: the tier is emptyDir on RAID0. A local
   * volume's data dies with its node (consolidation, expiry, drift, Spot): the lifecycle check
   * says so of every pod that claims one.
   */
  private localVolumes(role: string, shared: Pick<KarpenterNvmeNodeClassProps, 'subnetSelectorTerms' | 'securityGroupSelectorTerms' | 'tags' | 'kubelet' | 'metadataOptions'>): void {
    const v = this.values;
    const enabled = v.boolean('localVolumes.enabled', {
      default: false,
      description: 'Install the local-volume layout: an EC2NodeClass whose nodes format and mount each NVMe disk on its own under /mnt/k8s-disks/ (no RAID0), a NodePool of them, and the local static provisioner there, which makes one local PersistentVolume per disk behind the localVolumes StorageClass. A local volume\'s data dies with its node (consolidation, expiry, Spot reclaim).',
    });
    const scope = new Construct(this, 'Local');
    onlyWhen(scope, enabled);
    const storageClassName = this.clusterObjectName('localVolumes.storageClassName', LOCAL_CLASS_SUFFIX, {
      description: `The StorageClass of the local volumes, which claims name: "" names it after the release (<release namespace>-<release full name>-${LOCAL_CLASS_SUFFIX}), so that releases never collide.`,
    });
    const reclaimPolicy = v.enum<ReclaimPolicy>('localVolumes.reclaimPolicy', {
      values: [ReclaimPolicy.DELETE, ReclaimPolicy.RETAIN],
      default: ReclaimPolicy.DELETE,
      description: 'What happens to a local volume whose claim is deleted: Delete (the provisioner wipes the disk and offers it again) or Retain (the volume stays Released, with its data, until a person deletes it).',
    });
    const image = v.string('localVolumes.provisioner.image', {
      default: LOCAL_STATIC_PROVISIONER_IMAGE,
      minLength: 1,
      description: 'The image of the local static provisioner (kubernetes-sigs/sig-storage-local-static-provisioner).',
    });
    const nodeClassName = this.clusterObjectName('localVolumes.nodeClass.name', LOCAL_NODE_CLASS_SUFFIX, {
      maxLength: 63,
      description: `The local-volume EC2NodeClass name: "" names it after the release (<release namespace>-<release full name>-${LOCAL_NODE_CLASS_SUFFIX}). It takes nodeClass.nodeRole, the subnet and security-group terms, tags, kubelet and metadataOptions of nodeClass, and the AMI al2023@latest (the Mount layout is a nodeadm NodeConfig: AL2023 only).`,
    });
    const blockDeviceMappings = v.omittableList<KarpenterBlockDeviceMapping & Json>('localVolumes.nodeClass.blockDeviceMappings', {
      items: shapeSchema(BLOCK_DEVICE_MAPPINGS_SHAPE.items),
      description: 'EBS volumes of the local-volume nodes (spec.blockDeviceMappings): kubelet, containerd and every emptyDir are on the root volume here (the NVMe disks are the local volumes\'), so size it for images and scratch. Default: the AMI family\'s (AL2023: /dev/xvda, 20Gi gp3, encrypted).',
    });
    const nodeClass = new KarpenterNvmeNodeClass(scope, 'EC2NodeClass', {
      name: nodeClassName,
      role,
      ...shared,
      blockDeviceMappings: some(blockDeviceMappings),
      diskLayout: KarpenterDiskLayout.MOUNT,
    });
    const pool = new Construct(scope, 'NodePool');
    const poolName = this.nodePool(pool, nodeClass, {
      prefix: 'localVolumes.nodePool',
      suffix: LOCAL_NODE_POOL_SUFFIX,
      title: 'the local-volume NodePool',
      categories: ['c', 'i', 'm', 'r'],
      startupTaints: {
        default: [{ key: LOCAL_PROVISIONER_TAINT_KEY, effect: 'NoSchedule' }],
        description: `Taints a DaemonSet removes once a node of the local-volume NodePool is ready (spec.template.spec.startupTaints). The default ${LOCAL_PROVISIONER_TAINT_KEY}:NoSchedule is the local static provisioner's: it removes it once it has made the node's volumes, so that pods claiming them are scheduled after; keep it in the list.`,
      },
    });
    new LocalStaticProvisioner(scope, 'Provisioner', { storageClassName, nodePoolName: poolName, reclaimPolicy, image });
  }
}
