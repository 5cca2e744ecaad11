import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { problem, Tokens } from '@strata/tokens';
import { keepClusterScoped } from './cluster-scoped';
import {
  AMI_SELECTOR_TERMS_SHAPE,
  BLOCK_DEVICE_MAPPINGS_SHAPE,
  KarpenterMetadataOptions,
  METADATA_OPTIONS_SHAPE,
  KarpenterBlockDeviceMapping,
  KarpenterKubeletConfiguration,
  KarpenterSecurityGroupSelectorTerm,
  KarpenterSubnetSelectorTerm,
  KUBELET_SHAPE,
  SECURITY_GROUP_SELECTOR_TERMS_SHAPE,
  SUBNET_SELECTOR_TERMS_SHAPE,
  TAGS_SHAPE,
} from './karpenter-settings';
import { checkShape } from './karpenter-shapes';
import { isLiteral, Rules } from './rules';

/**
 * How the nodes of a node class lay out their instance-store disks.
 * - `RAID0` (the default): Karpenter's `instanceStorePolicy: RAID0`, every disk in one RAID0 holding
 *   kubelet and containerd, so emptyDir scratch is on NVMe.
 * - `Mount`: no instanceStorePolicy; a nodeadm NodeConfig in userData (AL2023) formats each disk
 *   as XFS and mounts it at `/mnt/k8s-disks/1..N` (the discovery directory of the local static
 *   provisioner), and kubelet stays on the root EBS volume
 *   (awslabs/amazon-eks-ami@v20260724:templates/al2023/runtime/bin/setup-local-disks#L185-L217;
 *   aws/karpenter-provider-aws@v1.14.1:pkg/providers/amifamily/bootstrap/nodeadm.go#L87-L88: Karpenter sets a
 *   strategy only for RAID0).
 */
export enum KarpenterDiskLayout {
  RAID0 = 'RAID0',
  MOUNT = 'Mount',
}

/** The nodeadm NodeConfig of the Mount layout (awslabs/amazon-eks-ami@v20260724:nodeadm/api/v1alpha1/nodeconfig_types.go#L115-L142), which Karpenter merges with its own (nodeadm.go#L125-L155). */
export const MOUNT_LAYOUT_USER_DATA = [
  'apiVersion: node.eks.aws/v1alpha1',
  'kind: NodeConfig',
  'spec:',
  '  instance:',
  '    localStorage:',
  '      strategy: Mount',
  '',
].join('\n');

/**
 * Karpenter's NVMe nodes for the instance-store tier: an `EC2NodeClass` that puts the instance
 * store in a RAID0 holding kubelet. Its fields are the karpenter.k8s.aws/v1 EC2NodeClass's
 * (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go), each checked as the CRD
 * checks it (karpenter-settings.ts).
 */

/** A Karpenter node selector term (subnets, security groups): by tags, by id, or (security groups) by name. */
export type KarpenterSelectorTerm = KarpenterSecurityGroupSelectorTerm;

/** A Karpenter AMI selector term. @see https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms */
export interface KarpenterAmiSelectorTerm {
  /** `family@version`, e.g. `al2023@latest`, `bottlerocket@v1.22.0`. */
  readonly alias?: string;
  readonly id?: string;
  readonly name?: string;
  readonly owner?: string;
  readonly tags?: Record<string, string>;
}

export interface KarpenterNvmeNodeClassProps {
  /** The IAM role of the nodes (`role`). */
  readonly role: string;
  /**
   * The cluster name, for the default subnet and security group selectors (tag `karpenter.sh/discovery`).
   * @default - subnetSelectorTerms and securityGroupSelectorTerms must be given
   */
  readonly clusterName?: string;
  /**
   * The subnets nodes are launched in (`subnetSelectorTerms`): 1 to 30 terms, ORed; a term selects
   * by tags (ANDed; `'*'` matches any value) or by one id.
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L34-L40
   * @default - tag karpenter.sh/discovery: clusterName
   */
  readonly subnetSelectorTerms?: KarpenterSubnetSelectorTerm[];
  /**
   * The nodes' security groups (`securityGroupSelectorTerms`): 1 to 30 terms, ORed; a term selects
   * by tags, by one id or by one name (GroupName).
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L41-L48
   * @default - tag karpenter.sh/discovery: clusterName
   */
  readonly securityGroupSelectorTerms?: KarpenterSecurityGroupSelectorTerm[];
  /**
   * The AMIs of the nodes (`amiSelectorTerms`): 1 to 30 terms, ORed; an alias (`family@version`)
   * alone and as the only term, an id alone, or tags, name and owner.
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L68-L76, #L237-L275
   * @default [{ alias: 'al2023@latest' }]
   */
  readonly amiSelectorTerms?: KarpenterAmiSelectorTerm[];
  /**
   * The instance metadata service of the nodes (`metadataOptions`): endpoint, IPv6, hop limit, tokens.
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L137-L153, #L342-L385
   * @default - Karpenter's (enabled, IPv6 disabled, hop limit 1, tokens required)
   */
  readonly metadataOptions?: KarpenterMetadataOptions;
  /**
   * What Karpenter does with instance store (`instanceStorePolicy`): only `RAID0` exists
   * (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L532-L540).
   * @default 'RAID0'
   */
  readonly instanceStorePolicy?: string;
  /**
   * User data of the nodes (`userData`): on AL2023 a nodeadm NodeConfig, a shell script, or a MIME
   * multi-part archive of them, which Karpenter merges with its own (with RAID0, its NodeConfig
   * sets up the disks: leave `spec.instance.localStorage` to it).
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/providers/amifamily/bootstrap/nodeadm.go#L125-L155
   * @default - none
   */
  readonly userData?: string;
  /**
   * EC2 tags of the instances, volumes and launch templates, beside Karpenter's own (which may
   * not be set here: eks:eks-cluster-name, kubernetes.io/cluster/*, karpenter.sh/nodepool,
   * karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass).
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L102-L111
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Kubelet settings (`kubelet`): max pods, reserved resources, eviction thresholds, image
   * garbage collection, CPU CFS quota, cluster DNS.
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L112-L119, #L273-L340
   * @default - Karpenter's (kubeReserved from the instance type)
   */
  readonly kubelet?: KarpenterKubeletConfiguration;
  /**
   * The nodes' EBS volumes (`blockDeviceMappings`): at most 50, at most one `rootVolume`. With RAID0
   * kubelet and containerd are on the NVMe, so the root volume holds the OS only.
   * @see aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L120-L124, #L441-L531
   * @default - the AMI family's (AL2023: /dev/xvda, 20Gi gp3, encrypted)
   */
  readonly blockDeviceMappings?: KarpenterBlockDeviceMapping[];
  /**
   * How the nodes lay out their instance-store disks: `RAID0` for emptyDir scratch on NVMe, `Mount`
   * (one XFS file system per disk under `/mnt/k8s-disks/`) for local PersistentVolumes of the
   * local static provisioner. With `Mount` the node class writes userData itself and needs an
   * AL2023 alias.
   * @default KarpenterDiskLayout.RAID0
   */
  readonly diskLayout?: KarpenterDiskLayout;
  /** The object name. @default - generated by the chart */
  readonly name?: string;
}

/**
 * A Karpenter `EC2NodeClass` (karpenter.k8s.aws/v1) whose nodes put all NVMe instance-store disks
 * in a RAID0 holding kubelet and containerd, so that allocatable ephemeral storage is the
 * instance store and emptyDir scratch lands on NVMe
 * (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1197-L1229).
 * @see https://karpenter.sh/docs/concepts/nodeclasses/#specinstancestorepolicy
 */
export class KarpenterNvmeNodeClass extends Construct {
  public readonly apiObject: ApiObject;
  /** `RAID0`, or undefined with the Mount layout. */
  public readonly instanceStorePolicy?: string;
  public readonly diskLayout: KarpenterDiskLayout;
  public readonly amiSelectorTerms: KarpenterAmiSelectorTerm[];
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: KarpenterNvmeNodeClassProps) {
    super(scope, id);
    this.rules = new Rules(this);
    const r = this.rules;
    this.diskLayout = props.diskLayout ?? KarpenterDiskLayout.RAID0;
    const mount = this.diskLayout === KarpenterDiskLayout.MOUNT;
    this.instanceStorePolicy = mount ? undefined : (props.instanceStorePolicy ?? 'RAID0');
    this.amiSelectorTerms = props.amiSelectorTerms ?? [{ alias: 'al2023@latest' }];
    const discovery = props.clusterName !== undefined ? [{ tags: { 'karpenter.sh/discovery': props.clusterName } }] : undefined;
    const subnets = props.subnetSelectorTerms ?? discovery;
    const securityGroups = props.securityGroupSelectorTerms ?? discovery;

    r.required('role', props.role, 'the nodes\' IAM role', 'e.g. "KarpenterNodeRole-<cluster>"');
    if (subnets === undefined) r.fail('subnetSelectorTerms', undefined, 'set, or clusterName for the discovery tag', 'Karpenter needs subnets to launch into');
    if (securityGroups === undefined) r.fail('securityGroupSelectorTerms', undefined, 'set, or clusterName for the discovery tag', 'Karpenter needs security groups for the nodes');
    checkShape(r, 'subnetSelectorTerms', props.subnetSelectorTerms, SUBNET_SELECTOR_TERMS_SHAPE);
    checkShape(r, 'securityGroupSelectorTerms', props.securityGroupSelectorTerms, SECURITY_GROUP_SELECTOR_TERMS_SHAPE);
    checkShape(r, 'tags', props.tags, TAGS_SHAPE);
    checkShape(r, 'kubelet', props.kubelet, KUBELET_SHAPE);
    checkShape(r, 'blockDeviceMappings', props.blockDeviceMappings, BLOCK_DEVICE_MAPPINGS_SHAPE);
    checkShape(r, 'amiSelectorTerms', props.amiSelectorTerms, AMI_SELECTOR_TERMS_SHAPE);
    checkShape(r, 'metadataOptions', props.metadataOptions, METADATA_OPTIONS_SHAPE);
    if (props.userData !== undefined && typeof props.userData !== 'string') r.fail('userData', props.userData, 'a string', 'a nodeadm NodeConfig, a shell script or a MIME multi-part archive, as text');
    r.oneOf('diskLayout', props.diskLayout, Object.values(KarpenterDiskLayout), 'RAID0 for emptyDir scratch on NVMe, Mount for local PersistentVolumes');
    if (mount) {
      if (props.instanceStorePolicy !== undefined) {
        r.fail('instanceStorePolicy', props.instanceStorePolicy, 'left out with diskLayout Mount', 'Karpenter\'s RAID0 puts every disk under kubelet and leaves none to mount: drop instanceStorePolicy, or use diskLayout RAID0');
      }
      if (props.userData !== undefined) {
        r.fail('userData', 'set', 'left out with diskLayout Mount', 'the node class writes the nodeadm NodeConfig that mounts each disk itself; give further node settings to a node class of the RAID0 layout, or to your AMI');
      }
    } else {
      r.oneOf('instanceStorePolicy', props.instanceStorePolicy, ['RAID0'],
        'Karpenter offers RAID0 only; for one file system per disk use diskLayout Mount (a nodeadm NodeConfig in userData, AL2023)');
    }
    this.checkAmi();
    this.checkRaid0(props);

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: props.name ? { name: props.name } : undefined,
      spec: {
        amiSelectorTerms: this.amiSelectorTerms,
        blockDeviceMappings: props.blockDeviceMappings,
        instanceStorePolicy: this.instanceStorePolicy,
        kubelet: props.kubelet,
        metadataOptions: props.metadataOptions,
        role: props.role,
        securityGroupSelectorTerms: securityGroups,
        subnetSelectorTerms: subnets,
        tags: props.tags,
        userData: mount ? MOUNT_LAYOUT_USER_DATA : props.userData,
      },
    });
    keepClusterScoped(this.apiObject);
  }

  /** The name NodePools refer to. */
  public get name(): string {
    return this.apiObject.name;
  }

  /** RAID0 is set up by Karpenter for AL2, AL2023 and Bottlerocket ≥ v1.22.0 only
   * (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/concepts/nodeclasses.md#L1215-L1229). */
  private checkAmi(): void {
    // A value: its schema checks the terms at install; the family rules below need literals.
    if (Tokens.infoOf(this.amiSelectorTerms)) return;
    if (this.diskLayout === KarpenterDiskLayout.MOUNT) {
      // The Mount layout is a nodeadm NodeConfig: AL2023 only.
      for (const term of this.amiSelectorTerms) {
        if (term.alias !== undefined && isLiteral(term.alias) && term.alias.split('@')[0] !== 'al2023') {
          this.rules.fail('amiSelectorTerms', term.alias, 'an al2023 alias with diskLayout Mount', 'the disks are mounted by a nodeadm NodeConfig, which only AL2023 reads: use al2023@latest');
        }
      }
      if (!this.amiSelectorTerms.some((t) => t.alias !== undefined)) {
        this.rules.warn(problem('amiSelectorTerms', this.amiSelectorTerms, 'an al2023 alias with diskLayout Mount', 'the disks are mounted by a nodeadm NodeConfig: a custom AMI must run nodeadm (AL2023) or mount them itself under /mnt/k8s-disks/'));
      }
      return;
    }
    for (const term of this.amiSelectorTerms) {
      if (term.alias === undefined || !isLiteral(term.alias)) continue;
      const [family, version] = term.alias.split('@');
      const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
      if (family !== undefined && family.startsWith('windows')) {
        this.rules.fail('amiSelectorTerms', term.alias, 'an al2, al2023 or bottlerocket alias with instanceStorePolicy RAID0', 'Karpenter builds the RAID0 for those families only: use al2023@latest');
      }
      if (family === 'bottlerocket' && m && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 22))) {
        this.rules.fail('amiSelectorTerms', term.alias, 'Bottlerocket v1.22.0 or later with instanceStorePolicy RAID0', 'older Bottlerocket nodes fail to join: use bottlerocket@latest');
      }
    }
    if (!this.amiSelectorTerms.some((t) => t.alias !== undefined)) {
      this.rules.warn(problem('amiSelectorTerms', this.amiSelectorTerms, 'an alias (al2, al2023 or bottlerocket) with instanceStorePolicy RAID0',
        'Karpenter builds the RAID0 only for those families: a custom AMI must set up its disks itself'));
    }
  }

  /**
   * What RAID0 makes of other settings: Karpenter's NodeConfig sets up the disks ("ensure any
   * additional disk setup does not interfere", nodeclasses.md#L1210-L1222), and the node's
   * ephemeral storage is the instance store's, whatever mapping says `rootVolume`
   * (aws/karpenter-provider-aws@v1.14.1:pkg/providers/instancetype/types.go#L368-L374).
   */
  private checkRaid0(props: KarpenterNvmeNodeClassProps): void {
    if (this.instanceStorePolicy !== 'RAID0') return;
    if (typeof props.userData === 'string' && !Tokens.isToken(props.userData) && /\blocalStorage\b/.test(props.userData)) {
      this.rules.warn(problem('userData', 'a NodeConfig setting localStorage', 'left to Karpenter with instanceStorePolicy RAID0',
        'Karpenter sets spec.instance.localStorage to RAID0 itself; another strategy in userData interferes with it: drop it, or use a node class without instanceStorePolicy'));
    }
    const mappings = Array.isArray(props.blockDeviceMappings) && !Tokens.infoOf(props.blockDeviceMappings) ? props.blockDeviceMappings : [];
    const root = mappings.findIndex((m) => m?.rootVolume === true);
    if (root >= 0) {
      this.rules.warn(problem(`blockDeviceMappings[${root}].rootVolume`, true, 'left out with instanceStorePolicy RAID0',
        "kubelet's root directory and the node's ephemeral storage are the NVMe RAID0, not this volume: it holds the OS only"));
    }
  }
}
