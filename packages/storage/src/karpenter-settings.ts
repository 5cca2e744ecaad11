import { describePattern, DURATION, LABEL_VALUE, QUALIFIED_NAME, QUANTITY } from '@strata/tokens';
import { SECURITY_GROUP_ID, SUBNET_ID } from './forms';
import { ListShape, MapShape, ObjectShape, ScalarShape } from './karpenter-shapes';

/**
 * The settings platform teams give Karpenter's EC2NodeClass (karpenter.k8s.aws/v1) and NodePool
 * (karpenter.sh/v1): their types, and their rules as shapes (karpenter-shapes.ts). Source: the CRDs
 * of aws/karpenter-provider-aws@v1.14.1 (pkg/apis/v1/ec2nodeclass.go, the Go types the CRD is
 * generated from) and kubernetes-sigs/karpenter@v1.14.1 (pkg/apis/v1/nodepool.go, nodeclaim.go);
 * only fields v1.0.0 has already (its pkg/apis/v1/ec2nodeclass.go), so a cluster on any v1
 * Karpenter takes them.
 */

/** A selector term of subnets (EC2NodeClass `subnetSelectorTerms[]`): by tags, or by id alone. */
export interface KarpenterSubnetSelectorTerm {
  /** Tags the subnets carry; `'*'` as a value matches any value of the key. @default - none */
  readonly tags?: Record<string, string>;
  /** The subnet id. @default - none */
  readonly id?: string;
}

/** A selector term of security groups (EC2NodeClass `securityGroupSelectorTerms[]`): by tags, by id alone, or by name alone. */
export interface KarpenterSecurityGroupSelectorTerm {
  /** Tags the groups carry; `'*'` as a value matches any value of the key. @default - none */
  readonly tags?: Record<string, string>;
  /** The security group id. @default - none */
  readonly id?: string;
  /** The group's name (GroupName, not its Name tag). @default - none */
  readonly name?: string;
}

/**
 * Kubelet settings of the nodes (EC2NodeClass `kubelet`): a subset of the upstream
 * KubeletConfiguration (https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/).
 */
export interface KarpenterKubeletConfiguration {
  /** Cluster DNS server addresses. @default - the cluster's */
  readonly clusterDNS?: string[];
  /** Most pods per node. @default - from the instance type (ENI limits) */
  readonly maxPods?: number;
  /** Most pods per CPU core (capped by maxPods). @default - no cap */
  readonly podsPerCore?: number;
  /** Reserved for system daemons: cpu, memory, ephemeral-storage, pid, as quantities. @default - none */
  readonly systemReserved?: Record<string, string>;
  /** Reserved for Kubernetes components: cpu, memory, ephemeral-storage, pid. @default - Karpenter's computation from the instance type */
  readonly kubeReserved?: Record<string, string>;
  /** Hard eviction thresholds by signal (memory.available, nodefs.available…), a quantity or a percentage. @default - kubelet's */
  readonly evictionHard?: Record<string, string>;
  /** Soft eviction thresholds by signal; each needs its grace period. @default - none */
  readonly evictionSoft?: Record<string, string>;
  /** Grace periods of the soft thresholds, by signal, as durations ("1m30s"). @default - none */
  readonly evictionSoftGracePeriod?: Record<string, string>;
  /** Most seconds a pod evicted on a soft threshold may take to stop. @default - the pod's own */
  readonly evictionMaxPodGracePeriod?: number;
  /** Disk use (%) above which image garbage collection always runs; above imageGCLowThresholdPercent. @default 85 (kubelet) */
  readonly imageGCHighThresholdPercent?: number;
  /** Disk use (%) image garbage collection frees down to. @default 80 (kubelet) */
  readonly imageGCLowThresholdPercent?: number;
  /** Enforce CPU limits with CFS quota. @default true (kubelet) */
  readonly cpuCFSQuota?: boolean;
}

/** An EBS volume of the nodes (EC2NodeClass `blockDeviceMappings[].ebs`). */
export interface KarpenterBlockDevice {
  /** The size: `<n>Gi`, `<n>G`, `<n>Ti` or `<n>T`. Either this or snapshotID. @default - the snapshot's */
  readonly volumeSize?: string;
  /** gp3, gp2, io1, io2, st1, sc1 or standard. @default - EC2's (gp2) */
  readonly volumeType?: 'standard' | 'io1' | 'io2' | 'gp2' | 'sc1' | 'st1' | 'gp3';
  /** Provisioned IOPS (gp3, io1, io2 only). @default - the type's baseline */
  readonly iops?: number;
  /** Throughput in MiB/s (gp3 only). @default 125 (gp3's baseline) */
  readonly throughput?: number;
  /** Encrypt the volume. @default - the account's EBS default */
  readonly encrypted?: boolean;
  /** The KMS key (id, alias or ARN) of an encrypted volume. @default - the AWS managed key */
  readonly kmsKeyID?: string;
  /** Delete the volume when the instance terminates. @default true */
  readonly deleteOnTermination?: boolean;
  /** The snapshot the volume starts from. @default - an empty volume */
  readonly snapshotID?: string;
}

/** A block device of the nodes (EC2NodeClass `blockDeviceMappings[]`). */
export interface KarpenterBlockDeviceMapping {
  /** The device name, e.g. `/dev/xvda` (AL2023's root device). */
  readonly deviceName?: string;
  /** The EBS volume. */
  readonly ebs?: KarpenterBlockDevice;
  /** This device holds kubelet's root directory (at most one mapping). @default false */
  readonly rootVolume?: boolean;
}

/**
 * The instance metadata service of the nodes (EC2NodeClass `metadataOptions`,
 * aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L137-L153, MetadataOptions #L342-L385).
 */
export interface KarpenterMetadataOptions {
  /** `enabled` or `disabled`: with `disabled` no instance metadata on the node. @default 'enabled' (Karpenter's) */
  readonly httpEndpoint?: 'enabled' | 'disabled';
  /** `enabled` or `disabled`: the IPv6 endpoint. @default 'disabled' */
  readonly httpProtocolIPv6?: 'enabled' | 'disabled';
  /** Hops a metadata response may travel, 1 to 64: 1 keeps it from pods on the pod network. @default 1 */
  readonly httpPutResponseHopLimit?: number;
  /** `required` (IMDSv2 only) or `optional`. @default 'required' */
  readonly httpTokens?: 'required' | 'optional';
}

/** A taint of a NodePool's nodes. */
export interface KarpenterTaint {
  readonly key: string;
  /** @default - none */
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Patterns of these settings, with the words strata says instead of them. */
/**
 * volumeSize: the EC2NodeClass CRD's pattern (ec2nodeclass.go#L518) without its empty
 * alternatives (`||`), which let a bare "Ti" or "T" through to EC2; what it refuses (e.g. "18Ti")
 * the API server refuses too.
 */
export const EBS_VOLUME_SIZE = describePattern(
  '^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]|[1-5][0-7]|58)Ti|([1-9]|[1-5][0-9]|6[0-3]|64)T)$',
  'an EBS volume size as the EC2NodeClass takes it, such as "100Gi", "500G" or "2Ti" (at most 59000Gi, 64000G, 58Ti or 64T)',
);
export const EBS_SNAPSHOT_ID = describePattern('^snap-[0-9a-f]{8,17}$', 'an EBS snapshot id: "snap-" and 8 to 17 lowercase hex digits');
export const EVICTION_THRESHOLD = describePattern('^([0-9]+(\\.[0-9]+)?%|[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$', 'a quantity such as "500Mi", or a percentage such as "10%"');
/** budgets[].duration: kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/nodepool.go#L147-L154 (cron has no seconds). */
export const BUDGET_DURATION = describePattern('^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$', 'a duration of hours and minutes such as "30m", "8h" or "1h30m"');
/** budgets[].nodes: nodepool.go#L131-L135. */
export const BUDGET_NODES = describePattern('^((100|[0-9]{1,2})%|[0-9]+)$', 'a node count such as "0" or "5", or a percentage of the pool from "0%" to "100%"');
/**
 * budgets[].schedule: nodepool.go#L137-L143, with Go's `\s` ([\t\n\f\r ]: the API server's
 * regexp) spelt out, so that ECMAScript (whose `\s` also takes \v and Unicode spaces) agrees.
 */
export const BUDGET_SCHEDULE = describePattern('^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)[\\t\\n\\f\\r ](.+)[\\t\\n\\f\\r ](.+)[\\t\\n\\f\\r ](.+)[\\t\\n\\f\\r ](.+))$', 'a cron schedule in UTC such as "0 9 * * 1-5" or "@daily"');
/** The prefix EC2 reserves for AWS's own tag keys, in any case (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions). */
export const AWS_TAG_PREFIX = describePattern('^[aA][wW][sS]:', 'a key starting with "aws:"');

/** Tag keys the EC2NodeClass CRD refuses: Karpenter sets them itself (ec2nodeclass.go#L105-L109). */
export const RESTRICTED_TAG_KEYS = ['eks:eks-cluster-name', 'karpenter.sh/nodepool', 'karpenter.sh/nodeclaim', 'karpenter.k8s.aws/ec2nodeclass'];
/** Tag keys with this prefix are refused too (ec2nodeclass.go#L106). */
export const RESTRICTED_TAG_PREFIX = 'kubernetes.io/cluster';
const RESTRICTED_TAG_PREFIX_PATTERN = describePattern('^kubernetes\\.io/cluster', 'a key starting with "kubernetes.io/cluster"');

/** The signals of eviction thresholds (ec2nodeclass.go#L305-L320). */
export const EVICTION_SIGNALS = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'];
/** The resources kubelet reserves (ec2nodeclass.go#L294-L304). */
export const RESERVED_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'pid'];
/** EBS volume types (ec2nodeclass.go, BlockDevice.VolumeType). */
export const EBS_VOLUME_TYPES = ['standard', 'io1', 'io2', 'gp2', 'sc1', 'st1', 'gp3'];
/** The effects of a taint. */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** The voluntary disruptions a budget limits (nodepool.go#L180-L186). */
export const DISRUPTION_REASONS = ['Underutilized', 'Empty', 'Drifted'];

const tagMap = (fix: string): MapShape => ({
  type: 'map',
  // ec2nodeclass.go#L174-L178: "empty tag keys or values aren't supported", at most 20 tags.
  keys: { type: 'string', constraint: { minLength: 1 }, accepted: 'a tag key (not empty)', fix },
  values: { type: 'string', constraint: { minLength: 1 }, accepted: `a tag value (not empty; "*" for any value of the key)`, fix },
  maxEntries: 20,
});

/** subnetSelectorTerms (ec2nodeclass.go#L34-L40, SubnetSelectorTerm #L170-L183): 1 to 30 terms, ORed; in a term, tags or an id alone. */
export const SUBNET_SELECTOR_TERMS_SHAPE: ListShape = {
  type: 'list',
  minItems: 1,
  maxItems: 30,
  items: {
    type: 'object',
    fields: {
      tags: tagMap('e.g. { "karpenter.sh/discovery": "<cluster>" }'),
      id: { type: 'string', constraint: { pattern: SUBNET_ID }, fix: 'copy it from `aws ec2 describe-subnets`' },
    },
    oneOfFields: { fields: ['tags', 'id'], fix: 'select subnets by their tags or by their id' },
    alone: { fields: ['id'], fix: 'an id selects one subnet: give it in a term of its own' },
  },
};

/** securityGroupSelectorTerms (ec2nodeclass.go#L41-L48, SecurityGroupSelectorTerm #L185-L200): 1 to 30 terms, ORed; tags, an id alone, or a name alone. */
export const SECURITY_GROUP_SELECTOR_TERMS_SHAPE: ListShape = {
  type: 'list',
  minItems: 1,
  maxItems: 30,
  items: {
    type: 'object',
    fields: {
      tags: tagMap('e.g. { "karpenter.sh/discovery": "<cluster>" }'),
      id: { type: 'string', constraint: { pattern: SECURITY_GROUP_ID }, fix: 'copy it from `aws ec2 describe-security-groups`' },
      name: { type: 'string', constraint: { minLength: 1, maxLength: 255 }, accepted: "a security group's name (GroupName, 1 to 255 characters)", fix: 'the GroupName, not the Name tag' },
    },
    oneOfFields: { fields: ['tags', 'id', 'name'], fix: 'select security groups by their tags, their id or their name' },
    alone: { fields: ['id', 'name'], fix: 'an id or a name selects one group: give it in a term of its own' },
  },
};

/** tags (ec2nodeclass.go#L102-L111): EC2 tags of the instances, volumes and launch templates, beside Karpenter's own. */
export const TAGS_SHAPE: MapShape = {
  type: 'map',
  keys: {
    type: 'string',
    // EC2: 1 to 128 characters, "aws:" reserved; the CRD: Karpenter's own keys (Go's regexp has no look-ahead: a `not`).
    constraint: { minLength: 1, maxLength: 128, not: { anyOf: [{ pattern: AWS_TAG_PREFIX }, { enum: RESTRICTED_TAG_KEYS }, { pattern: RESTRICTED_TAG_PREFIX_PATTERN }] } },
    accepted: `a tag key of 1 to 128 characters, not starting with "aws:" or "${RESTRICTED_TAG_PREFIX}", and none of ${RESTRICTED_TAG_KEYS.join(', ')}`,
    fix: 'Karpenter sets those tags itself: use a key of your own',
  },
  values: { type: 'string', constraint: { maxLength: 256 }, accepted: 'a tag value of at most 256 characters', fix: 'shorten it' },
};

const signalMap = (values: ScalarShape): MapShape => ({
  type: 'map',
  keys: { type: 'string', constraint: { enum: EVICTION_SIGNALS }, fix: 'kubelet evicts on these signals only' },
  values,
});
const reservedMap: MapShape = {
  type: 'map',
  keys: { type: 'string', constraint: { enum: RESERVED_RESOURCES }, fix: 'kubelet reserves these resources only' },
  values: { type: 'string', constraint: { pattern: QUANTITY }, fix: 'e.g. "100m" (cpu), "1Gi" (memory), "1000" (pid); never negative' },
};

/** kubelet (ec2nodeclass.go#L112-L119, KubeletConfiguration #L273-L340). */
export const KUBELET_SHAPE: ObjectShape = {
  type: 'object',
  fields: {
    clusterDNS: { type: 'list', items: { type: 'string', constraint: { minLength: 1 }, accepted: 'an IP address', fix: "the cluster DNS service's address" } },
    maxPods: { type: 'integer', constraint: { minimum: 0 }, fix: 'most pods per node' },
    podsPerCore: { type: 'integer', constraint: { minimum: 0 }, fix: 'most pods per CPU core' },
    systemReserved: reservedMap,
    kubeReserved: reservedMap,
    evictionHard: signalMap({ type: 'string', constraint: { pattern: EVICTION_THRESHOLD }, fix: 'e.g. "500Mi" or "10%"' }),
    evictionSoft: signalMap({ type: 'string', constraint: { pattern: EVICTION_THRESHOLD }, fix: 'e.g. "500Mi" or "15%"' }),
    evictionSoftGracePeriod: signalMap({ type: 'string', constraint: { pattern: DURATION }, fix: 'e.g. "1m30s"' }),
    evictionMaxPodGracePeriod: { type: 'integer', constraint: { minimum: 0 }, fix: 'seconds' },
    imageGCHighThresholdPercent: { type: 'integer', constraint: { minimum: 0, maximum: 100 }, fix: 'a percentage of disk use' },
    imageGCLowThresholdPercent: { type: 'integer', constraint: { minimum: 0, maximum: 100 }, fix: 'a percentage of disk use' },
    cpuCFSQuota: { type: 'boolean', fix: 'true or false' },
  },
  literalOnly: [
    // ec2nodeclass.go#L115-L117; two values compared, which JSON Schema cannot: checked on literals only.
    (k, at) => {
      const hi = k.imageGCHighThresholdPercent;
      const lo = k.imageGCLowThresholdPercent;
      return typeof hi === 'number' && typeof lo === 'number' && hi <= lo
        ? [`'${at}.imageGCHighThresholdPercent' (${hi}) must be greater than imageGCLowThresholdPercent (${lo}); garbage collection runs above the high mark and frees down to the low one`]
        : [];
    },
    (k, at) => {
      const soft = Object.keys((k.evictionSoft as object | undefined) ?? {});
      const grace = Object.keys((k.evictionSoftGracePeriod as object | undefined) ?? {});
      const out: string[] = [];
      for (const s of soft.filter((x) => !grace.includes(x))) out.push(`'${at}.evictionSoftGracePeriod' (no ${s}) must hold a grace period for every soft threshold (evictionSoft has ${s}); give ${s} its grace period, e.g. "1m30s"`);
      for (const g of grace.filter((x) => !soft.includes(x))) out.push(`'${at}.evictionSoft' (no ${g}) must hold a threshold for every grace period (evictionSoftGracePeriod has ${g}); give ${g} a threshold, or remove its grace period`);
      return out;
    },
  ],
};

/** blockDeviceMappings (ec2nodeclass.go#L120-L124, BlockDeviceMapping and BlockDevice #L441-L531): at most 50, at most one rootVolume. */
export const BLOCK_DEVICE_MAPPINGS_SHAPE: ListShape = {
  type: 'list',
  maxItems: 50,
  items: {
    type: 'object',
    fields: {
      deviceName: { type: 'string', constraint: { minLength: 1 }, accepted: 'a device name such as "/dev/xvda"', fix: "AL2023's root device is /dev/xvda" },
      rootVolume: { type: 'boolean', fix: 'true for the device holding kubelet\'s root directory' },
      ebs: {
        type: 'object',
        fields: {
          volumeSize: { type: 'string', constraint: { pattern: EBS_VOLUME_SIZE }, fix: 'e.g. "100Gi"' },
          volumeType: { type: 'string', constraint: { enum: EBS_VOLUME_TYPES }, fix: 'gp3 is the general-purpose SSD' },
          iops: { type: 'integer', constraint: { minimum: 100 }, accepted: 'at least 100 (io1, io2: 100 to 64000; gp3: 3000 to its maximum)', fix: 'EC2 checks the upper bound of the volume type' },
          throughput: { type: 'integer', constraint: { minimum: 125 }, accepted: 'at least 125 (MiB/s)', fix: "gp3's baseline is 125 MiB/s; EC2 checks the upper bound" },
          encrypted: { type: 'boolean', fix: 'true or false' },
          kmsKeyID: { type: 'string', constraint: { minLength: 1 }, accepted: 'a KMS key id, alias or ARN', fix: 'leave it out for the AWS managed key' },
          deleteOnTermination: { type: 'boolean', fix: 'true or false' },
          snapshotID: { type: 'string', constraint: { pattern: EBS_SNAPSHOT_ID }, fix: 'copy it from `aws ec2 describe-snapshots`' },
        },
        // BlockDeviceMapping.EBS: "snapshotID or volumeSize must be defined" (ec2nodeclass.go#L446).
        oneOfFields: { fields: ['volumeSize', 'snapshotID'], fix: 'give the volume a size, or the snapshot it starts from' },
        // BlockDevice.IOPS "is supported for io1, io2, and gp3 volumes only"; Throughput is "for a gp3 volume" (#L466-L495).
        notWhen: [
          { field: 'volumeType', values: ['standard', 'gp2', 'sc1', 'st1'], leftOut: ['iops', 'throughput'], fix: 'provisioned IOPS are for io1, io2 and gp3, throughput for gp3' },
          { field: 'volumeType', values: ['io1', 'io2'], leftOut: ['throughput'], fix: 'throughput is set on gp3 volumes only' },
        ],
      },
    },
  },
  literalOnly: [
    // "must have only one blockDeviceMappings with rootVolume" (ec2nodeclass.go#L121): a count, which JSON Schema draft-07 cannot state.
    (list, at) => {
      const roots = list.flatMap((m, i) => ((m as { rootVolume?: unknown }).rootVolume === true ? [i] : []));
      return roots.length > 1 ? [`'${at}' (rootVolume on ${roots.map((i) => `[${i}]`).join(', ')}) must have rootVolume on one mapping at most; kubelet has one root directory`] : [];
    },
  ],
};

/** A label key of the karpenter.sh domain (the NodePool CRD takes the part before "/" and asks whether it ends so). */
const KARPENTER_LABEL_DOMAIN = describePattern('^[^/]*karpenter\\.sh(/|$)', 'a key in the karpenter.sh domain');

/**
 * Node labels (NodePool `template.metadata.labels`, at most 100): keys and values as Kubernetes takes
 * them, none in the karpenter.sh domain but karpenter.sh/capacity-type, nor kubernetes.io/hostname
 * (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/crds/karpenter.sh_nodepools.yaml#L222-L229).
 */
export const LABELS_SHAPE: MapShape = {
  type: 'map',
  keys: {
    type: 'string',
    constraint: { pattern: QUALIFIED_NAME, not: { anyOf: [{ pattern: KARPENTER_LABEL_DOMAIN, not: { enum: ['karpenter.sh/capacity-type'] } }, { enum: ['kubernetes.io/hostname'] }] } },
    accepted: 'a label key such as "example.com/pool", not in the karpenter.sh domain (but karpenter.sh/capacity-type) nor kubernetes.io/hostname',
    fix: 'Karpenter sets those labels itself: use a domain of your own',
  },
  values: { type: 'string', constraint: { pattern: LABEL_VALUE, maxLength: 63 }, fix: 'letters, digits, "-", "_" and ".", at most 63' },
  maxEntries: 100,
};

/** Taints (NodePool `template.spec.taints`, `startupTaints`). */
export const TAINTS_SHAPE: ListShape = {
  type: 'list',
  items: {
    type: 'object',
    fields: {
      key: { type: 'string', constraint: { pattern: QUALIFIED_NAME }, fix: 'e.g. "nvidia.com/gpu"' },
      value: { type: 'string', constraint: { pattern: LABEL_VALUE, maxLength: 63 }, fix: 'letters, digits, "-", "_" and "."' },
      effect: { type: 'string', constraint: { enum: TAINT_EFFECTS }, fix: 'NoSchedule keeps pods without a toleration off the nodes' },
    },
    required: { fields: ['key', 'effect'], fix: 'a taint has a key and an effect' },
  },
};

/** Disruption budgets (NodePool `disruption.budgets`, nodepool.go#L104-L157), each as the CRD takes it. */
export const BUDGETS_SHAPE: ListShape = {
  type: 'list',
  maxItems: 50,
  items: {
    type: 'object',
    fields: {
      nodes: { type: 'string', constraint: { pattern: BUDGET_NODES }, fix: '"0" blocks the disruption, "10%" allows a tenth of the pool at once' },
      // +listType=set: each reason once (nodepool.go#L119-L123).
      reasons: { type: 'list', maxItems: 50, unique: true, items: { type: 'string', constraint: { enum: DISRUPTION_REASONS }, fix: 'expiration, interruption and node repair are forceful: no budget limits them' } },
      schedule: { type: 'string', constraint: { pattern: BUDGET_SCHEDULE }, fix: 'e.g. "0 9 * * 1-5" (UTC) or "@daily"' },
      duration: { type: 'string', constraint: { pattern: BUDGET_DURATION }, fix: 'whole minutes: cron has no seconds' },
    },
    required: { fields: ['nodes'], fix: 'say how many nodes may be disrupted at once' },
    // "'schedule' must be set with 'duration'" (nodepool.go#L108).
    together: { fields: ['schedule', 'duration'], fix: 'a scheduled budget needs both when it starts and how long it lasts; leave both out for an always-active budget' },
  },
};

/** The AMI families an alias may name, as v1.0.0 takes them (ec2nodeclass.go#L176-L184; v1.14.1 adds windows2025, not offered). */
export const AMI_ALIAS_FAMILIES = ['al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022'];
/** An alias `family@version`, Windows families at `latest` only (ec2nodeclass.go#L181-L184, at most 30 characters). */
export const AMI_ALIAS = describePattern(
  '^((al2|al2023|bottlerocket)@.+|(windows2019|windows2022)@latest)$',
  'an AMI alias family@version such as "al2023@latest" or "al2023@v20240625" (families al2, al2023, bottlerocket, and windows2019, windows2022 at "latest" only)',
);
export const AMI_ID = describePattern('^ami-[0-9a-z]+$', 'an AMI id: "ami-" and lowercase letters and digits');

/**
 * amiSelectorTerms (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L68-L76, AMISelectorTerm #L237-L275):
 * 1 to 30 terms, ORed; a term selects by an alias (alone, and the only term), an id (alone), or tags,
 * name and owner (ANDed).
 */
export const AMI_SELECTOR_TERMS_SHAPE: ListShape = {
  type: 'list',
  minItems: 1,
  maxItems: 30,
  items: {
    type: 'object',
    fields: {
      alias: { type: 'string', constraint: { pattern: AMI_ALIAS, maxLength: 30 }, fix: 'pin a version in production (al2023@v20240625): "latest" drifts every node when a new AMI is released' },
      tags: tagMap('e.g. { "team": "ml" }'),
      id: { type: 'string', constraint: { pattern: AMI_ID }, fix: 'copy it from `aws ec2 describe-images`' },
      name: { type: 'string', constraint: { minLength: 1 }, accepted: "an AMI's name (its Name field, not the Name tag)", fix: 'e.g. "amazon-eks-node-al2023-x86_64-standard-1.33-*"' },
      owner: { type: 'string', constraint: { minLength: 1 }, accepted: 'an AWS account id, "self", "amazon" or "aws-marketplace"', fix: 'the owner of the AMIs selected by name or tags' },
    },
    oneOfFields: { fields: ['alias', 'tags', 'id', 'name'], fix: 'select AMIs by an alias, tags, an id or a name' },
    alone: { fields: ['alias', 'id'], fix: 'an alias or an id selects the AMI by itself: give it in a term of its own' },
  },
  literalOnly: [
    // "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms" (ec2nodeclass.go#L72).
    (list, at) => (list.length > 1 && list.some((t) => (t as { alias?: unknown }).alias !== undefined) ? [`'${at}' (${list.length} terms) must be one term when a term has an alias; an alias names the AMI family and version by itself: drop the other terms`] : []),
  ],
};

/** metadataOptions (ec2nodeclass.go#L137-L153, MetadataOptions #L342-L385). */
export const METADATA_OPTIONS_SHAPE: ObjectShape = {
  type: 'object',
  fields: {
    httpEndpoint: { type: 'string', constraint: { enum: ['enabled', 'disabled'] }, fix: '"disabled" turns the instance metadata service off on the nodes' },
    httpProtocolIPv6: { type: 'string', constraint: { enum: ['enabled', 'disabled'] }, fix: 'the IPv6 endpoint of the metadata service' },
    httpPutResponseHopLimit: { type: 'integer', constraint: { minimum: 1, maximum: 64 }, fix: '1 keeps metadata (and the node role) from pods on the pod network; 2 lets them reach it' },
    httpTokens: { type: 'string', constraint: { enum: ['required', 'optional'] }, fix: '"required" allows IMDSv2 only' },
  },
};

/** A NodePool's `template.metadata`: the nodes' labels (annotations are not offered). */
export const TEMPLATE_METADATA_SHAPE: ObjectShape = { type: 'object', fields: { labels: LABELS_SHAPE } };
