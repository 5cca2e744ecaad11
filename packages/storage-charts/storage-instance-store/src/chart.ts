import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import {
  GPU_TAINT,
  KarpenterCapacityType,
  KarpenterConsolidationPolicy,
  KarpenterNvmeNodeClass,
  KarpenterNvmeNodePool,
  KarpenterNvmeNodePoolProps,
  KarpenterRequirement,
  LABEL_VALUE_PATTERN,
  LOCAL_PROVISIONER,
  QUALIFIED_NAME_PATTERN,
  TAINT_EFFECTS,
  ReclaimPolicy,
  Rules,
  StorageClass,
  StorageTier,
  VolumeBindingMode,
} from '@strata/storage';
import { describePattern, markUses, onlyWhen } from '@strata/tokens';

/** The local-volume StorageClass (the local static provisioner's class; its `storageClass: false`). */
export const LOCAL_NVME_STORAGE_CLASS = 'strata-local-nvme';
/** The Karpenter EC2NodeClass whose nodes put their NVMe disks in a RAID0 holding kubelet. */
export const NVME_NODE_CLASS = 'strata-nvme';
/** The NodePools: instance types with local NVMe, without and with GPUs. */
export const NVME_NODE_POOL = 'strata-nvme';
export const NVME_GPU_NODE_POOL = 'strata-nvme-gpu';

/** Karpenter's well-known label with the GPU count of an instance type; absent on types without GPUs. */
export const INSTANCE_GPU_COUNT_LABEL = 'karpenter.k8s.aws/instance-gpu-count';
export const INSTANCE_CATEGORY_LABEL = 'karpenter.k8s.aws/instance-category';

/** An EC2 instance category (c, m, r, g, p, trn…): lowercase letters. */
const INSTANCE_CATEGORY = describePattern('^[a-z]+$', 'an instance category such as "c", "g" or "p" (lowercase letters)');
/** EKS cluster names (CreateCluster: 1–100 characters, a letter or digit first). */
const CLUSTER_NAME = describePattern('^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$', 'an EKS cluster name: 1 to 100 letters, digits, "_" and "-", starting with a letter or digit');
/** IAM role names (CreateRole: 1–64 of letters, digits and +=,.@_-). */
const ROLE_NAME = describePattern('^[A-Za-z0-9+=,.@_-]{1,64}$', 'an IAM role name: 1 to 64 letters, digits and +=,.@_-');

/**
 * The instance-store NVMe tier's cluster-level part (facts §4): the local-volume StorageClass
 * `strata-local-nvme` (no provisioner, WaitForFirstConsumer; for nodes whose disks use the `Mount`
 * strategy and run the local static provisioner), and a Karpenter EC2NodeClass with
 * `instanceStorePolicy: RAID0` plus NodePools that launch only instance types with local NVMe
 * (emptyDir scratch then lives on NVMe). Each part is switched by a boolean value.
 */
export default class InstanceStoreTierChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(
      scope,
      id,
      {
        name: 'storage-instance-store',
        description: `The instance-store NVMe storage tier of one cluster: the local-volume StorageClass ${LOCAL_NVME_STORAGE_CLASS} and a Karpenter EC2NodeClass (RAID0) with NodePools for instance types with local NVMe.`,
        keywords: ['instance-store', 'nvme', 'karpenter', 'storageclass', 'infrastructure'],
      },
      props,
    );
    const v = this.values;
    const rules = new Rules(this);

    // --- the local-volume StorageClass (facts §4.3, §7 case 52) ---------------------------------
    const local = new Construct(this, 'LocalVolumes');
    onlyWhen(
      local,
      v.boolean('localStorageClass.enabled', {
        default: true,
        description: `Install the StorageClass ${LOCAL_NVME_STORAGE_CLASS} (kubernetes.io/no-provisioner, WaitForFirstConsumer) for local volumes of the local static provisioner, on nodes whose disks use the Mount strategy (not the RAID0 nodes below).`,
      }),
    );
    new StorageClass(local, 'StorageClass', {
      name: LOCAL_NVME_STORAGE_CLASS,
      provisioner: LOCAL_PROVISIONER,
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      // A released disk is wiped by the provisioner and offered again: instance store is scratch.
      reclaimPolicy: ReclaimPolicy.DELETE,
    });

    // --- the Karpenter EC2NodeClass (facts §4.1, §7 case 48) ------------------------------------
    const clusterName = v.string('clusterName', {
      default: 'strata',
      pattern: CLUSTER_NAME,
      description: 'The EKS cluster name: the NodeClass finds its subnets and security groups by the tag karpenter.sh/discovery with this value.',
    });
    const nodeClassEnabled = v.boolean('nodeClass.enabled', {
      default: true,
      description: `Install the Karpenter EC2NodeClass ${NVME_NODE_CLASS} (instanceStorePolicy RAID0: all NVMe disks in one RAID0 holding kubelet and containerd, so emptyDir is on NVMe).`,
    });
    const nodeRole = v.string('nodeClass.nodeRole', {
      default: 'KarpenterNodeRole-strata',
      pattern: ROLE_NAME,
      description: 'The IAM role of the nodes (EC2NodeClass spec.role), e.g. KarpenterNodeRole-<cluster>.',
    });
    const nodeClassScope = new Construct(this, 'NodeClass');
    onlyWhen(nodeClassScope, nodeClassEnabled);
    const nodeClass = new KarpenterNvmeNodeClass(nodeClassScope, 'EC2NodeClass', { name: NVME_NODE_CLASS, role: nodeRole, clusterName });

    // --- the NodePools (facts §4.1, §7 case 49) -------------------------------------------------
    // Node-local data (NVMe checkpoints not yet in S3) must survive voluntary disruption: each pool's
    // disruption, lifetime, drain time, limits and capacity type are values, with the defaults and the
    // rules of KarpenterNvmeNodePool (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go).
    const pools: { key: 'cpu' | 'gpu'; name: string; enabled: boolean; categories: string[]; gpu: KarpenterRequirement; what: string }[] = [
      {
        key: 'cpu',
        name: NVME_NODE_POOL,
        enabled: true,
        categories: ['c', 'm', 'r'],
        gpu: { key: INSTANCE_GPU_COUNT_LABEL, operator: 'DoesNotExist' },
        what: 'instance types with local NVMe and no GPU',
      },
      {
        key: 'gpu',
        name: NVME_GPU_NODE_POOL,
        enabled: false,
        categories: ['g', 'p'],
        gpu: { key: INSTANCE_GPU_COUNT_LABEL, operator: 'Exists' },
        what: 'GPU instance types with local NVMe',
      },
    ];
    for (const pool of pools) {
      const enabled = v.boolean(`nodePools.${pool.key}.enabled`, {
        default: pool.enabled,
        description: `Install the NodePool ${pool.name}: ${pool.what} (requirement ${INSTANCE_GPU_COUNT_LABEL} ${pool.gpu.operator}), on the EC2NodeClass ${NVME_NODE_CLASS}.`,
      });
      const categories = v.list<string>(`nodePools.${pool.key}.instanceCategories`, {
        default: pool.categories,
        items: { type: 'string', pattern: INSTANCE_CATEGORY },
        minItems: 1,
        description: `Instance categories the NodePool ${pool.name} may launch (${INSTANCE_CATEGORY_LABEL} In …), e.g. ${pool.categories.map((c) => `"${c}"`).join(', ')}.`,
      });
      const moreThanGiB = v.integer(`nodePools.${pool.key}.localNvmeGreaterThanGiB`, {
        default: 0,
        minimum: 0,
        description: `Only instance types with more local NVMe than this many GiB (karpenter.k8s.aws/instance-local-nvme Gt <n>); 0 for any with local NVMe.`,
      });
      const p = `nodePools.${pool.key}`;
      const capacityTypes = v.list<string>(`${p}.capacityTypes`, {
        default: [KarpenterCapacityType.ON_DEMAND],
        // The enum is the construct's rule too; declared here so that values.d.ts types the list.
        items: { type: 'string', enum: Object.values(KarpenterCapacityType) },
        description: `What the nodes of ${pool.name} are bought as (karpenter.sh/capacity-type In …): on-demand, spot. Spot nodes get two minutes' notice before EC2 reclaims them (too little to upload NVMe checkpoints) and need Karpenter's interruption queue.`,
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
        cpu: v.quantity(`${p}.limits.cpu`, { default: '1000', description: `The most CPU all nodes of ${pool.name} may have together (spec.limits.cpu); Karpenter launches no node past it.` }),
        memory: v.quantity(`${p}.limits.memory`, { default: '4000Gi', description: `The most memory all nodes of ${pool.name} may have together (spec.limits.memory).` }),
      };
      let taints: KarpenterNvmeNodePoolProps['taints'];
      if (pool.key === 'gpu') {
        limits['nvidia.com/gpu'] = v.quantity(`${p}.limits.gpu`, { default: '64', description: `The most GPUs all nodes of ${pool.name} may have together (spec.limits["nvidia.com/gpu"]).` });
        taints = v.list(`${p}.taints`, {
          default: [{ key: GPU_TAINT.key, value: GPU_TAINT.value!, effect: GPU_TAINT.effect }],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'effect'],
            properties: {
              key: { type: 'string', pattern: QUALIFIED_NAME_PATTERN },
              value: { type: 'string', pattern: LABEL_VALUE_PATTERN, maxLength: 63 },
              effect: { type: 'string', enum: TAINT_EFFECTS },
            },
          },
          description: `Taints of the nodes of ${pool.name}. The default nvidia.com/gpu=true:NoSchedule keeps pods without GPUs off GPU nodes (GPU pods tolerate it); [] turns it off.`,
        }) as unknown as NonNullable<KarpenterNvmeNodePoolProps['taints']>;
      }
      const scope = new Construct(this, `NodePool-${pool.key}`);
      onlyWhen(scope, enabled);
      // A NodePool names its EC2NodeClass: installing one without the other leaves Karpenter nothing to launch.
      rules.checkWhen(
        [{ value: enabled, equals: true }],
        'nodeClass.enabled',
        nodeClassEnabled,
        { enum: [true] },
        `when nodePools.${pool.key}.enabled is true`,
        `the NodePool ${pool.name} launches nodes of the EC2NodeClass ${NVME_NODE_CLASS}: enable it too, or disable the NodePool`,
      );
      new KarpenterNvmeNodePool(scope, 'NodePool', {
        name: pool.name,
        nodeClass,
        requirements: [
          KarpenterNvmeNodePool.localNvmeRequirement(Size.gibibytes(moreThanGiB)),
          { key: INSTANCE_CATEGORY_LABEL, operator: 'In', values: categories },
          pool.gpu,
        ],
        capacityTypes,
        disruption: { consolidationPolicy, consolidateAfter },
        expireAfter,
        terminationGracePeriod,
        limits,
        taints,
      });
    }
    // Workloads on these nodes use instance store; the tier needs Karpenter, not a CSI driver.
    markUses(this, StorageTier.INSTANCE_STORE);
  }
}
