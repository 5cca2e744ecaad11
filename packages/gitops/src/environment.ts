/**
 * The environment model: what a hand-written `environments/<env>/environment.ts` states. Everything
 * here is plain data; `environmentFiles` checks it against the charts (all errors together) and
 * writes the Flux overlays and the report.
 */

import type { AcceptedChange } from '@strata/helm';
import type { MonitoringDefinition } from './monitoring/settings';
import type { WorkloadProfile } from '@strata/recommend';
import type { CloudBucketProps, CloudFileSystemProps, EfsMountTargetProps } from '@strata/cloud';

/** The storage tiers whose CSI drivers (and tier charts) an environment may need. */
export type StorageTierName = 'fsx-lustre' | 'efs' | 's3' | 'instance-store' | 's3-files';

/** The tiers whose CSI driver needs AWS credentials (instance store has no driver). */
export type DriverTierName = 'fsx-lustre' | 'efs' | 's3';

/** An IAM role ARN: `arn:aws:iam::<12-digit account>:role/<name>`. */
export type RoleArn = string;

export interface ClusterDefinition {
  /** The EKS cluster name (Karpenter and the tier charts need it). */
  readonly name: string;
  /** The AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The cluster's Kubernetes minor version, `"1.33"`. Charts with a `kubeVersion` above it are
   * refused (the Mountpoint S3 chart 2.7.0 declares >=1.30; see DRIVERS.s3.minKubernetes).
   */
  readonly kubernetesVersion: string;
  /**
   * Whether the cluster runs EKS Auto Mode (which brings its own Karpenter; FSx needs Lustre 2.15 there).
   * @default false
   */
  readonly autoMode?: boolean;
}

export interface NetworkDefinition {
  /**
   * The one subnet the FSx for Lustre file systems are created in (FSx takes exactly one subnet,
   * kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/README.md#L95-L96): pick the subnet of the Availability Zone the GPU nodes run in.
   */
  readonly subnetId: string;
  /** The subnet's Availability Zone, e.g. `us-east-1a`. */
  readonly availabilityZone: string;
  /** Security groups for the file systems (FSx needs the Lustre ports 988, 1018–1023 open to the nodes). */
  readonly securityGroupIds: readonly string[];
}

export interface IdentityDefinition {
  /**
   * How pods get AWS credentials: `irsa` (the role ARN goes on the service account as
   * `eks.amazonaws.com/role-arn`) or `pod-identity` (EKS Pod Identity associations, created
   * outside the cluster; the report lists them; nothing is annotated).
   */
  readonly mode: 'irsa' | 'pod-identity';
  /** The role of each CSI driver's controller or node service account (the `identity` of DRIVERS, drivers.ts). */
  readonly drivers?: { readonly [tier in DriverTierName]?: RoleArn };
  /**
   * The role of the EFS CSI driver's node service account (kube-system/efs-csi-node-sa), which S3 Files
   * mounts authenticate as (IAM authentication cannot be turned off for S3 Files): AmazonS3FilesClientFullAccess,
   * AmazonS3ReadOnlyAccess and AmazonElasticFileSystemsUtils (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md#L6-L9).
   * With IRSA it is set on the driver chart's `node.serviceAccount.annotations`.
   * @default - none: S3 Files mounts then use the node's instance profile (a warning says so when a workload uses S3 Files)
   */
  readonly efsNode?: RoleArn;
  /** Per workload, per service account key of its chart (`serviceAccounts.<key>`), the role. */
  readonly workloads?: { readonly [workload: string]: { readonly [serviceAccountKey: string]: RoleArn } };
  /** The Karpenter controller's role, when Flux installs Karpenter. */
  readonly karpenter?: RoleArn;
}

/** One workload deployed in an environment. */
export interface WorkloadDeployment<V = { readonly [key: string]: unknown }> {
  /** The namespace it is released into (a DNS label). */
  readonly namespace: string;
  /** Value overrides: only what differs from the chart's defaults. @default - the chart defaults */
  readonly values?: V;
  /**
   * Let Flux prune this workload's HelmRelease, source and namespace when it is removed from the
   * environment. Off by default for charts holding data: removing a workload must never delete a
   * claim by itself. A dev environment may allow it.
   * @default false
   */
  readonly allowPrune?: boolean;
  /**
   * Pin another chart version than the one in charts/ (a rollback, or a canary).
   * @default - the version in charts/
   */
  readonly version?: string;
  /**
   * Changes this environment's values make to the running release that generate refuses unless
   * they are recorded here (an immutable field, a claim taken out, Retain → Delete): the record of
   * a deliberate step, e.g. after the data was copied to a new claim.
   * @default - none
   */
  readonly acceptedChanges?: readonly AcceptedChange[];
  /**
   * What the pods ask of each storage claim, by the claim's name as the environment report's
   * storage tables list it (`dataset/fsx`, `model-cache`): data size, readers and throughput per
   * reader, writers, checkpoints, sharing, latency (@strata/recommend WorkloadProfile). generate
   * compares it with what the bound storage gives here and warns, with the numbers and the fix,
   * when storage and not compute will bound the job; the report shows every profiled claim.
   * @default - none: the claim is not checked
   */
  readonly storageProfile?: { readonly [claim: string]: StorageProfileDeclaration };
}

/**
 * A number of a storage profile, or the chart value it follows in this environment, times a
 * factor: `readers: { $value: 'trainer.workers', multiply: 8 }` (eight GPUs per worker) keeps the
 * check right when the environment changes the workers.
 */
export type ProfileNumber = number | { readonly $value: string; readonly multiply?: number };

/** A storage profile as an environment declares it: @strata/recommend's WorkloadProfile, its top-level numbers possibly read from the chart's values. */
export type StorageProfileDeclaration = {
  readonly [K in keyof WorkloadProfile]: Exclude<WorkloadProfile[K], undefined> extends number ? ProfileNumber | Extract<WorkloadProfile[K], undefined> : WorkloadProfile[K];
};

/** Karpenter, when Flux should install it (otherwise it must already run in the cluster). */
export interface KarpenterDefinition {
  /** Install the Karpenter chart (oci://public.ecr.aws/karpenter/karpenter) as an infrastructure controller. */
  readonly install: boolean;
  /** The SQS interruption queue (spot interruption handling). @default - none */
  readonly interruptionQueue?: string;
}

/** The values of one release of a tier chart (see charts/<chart>/values.yaml). */
export type TierValues = { readonly [key: string]: unknown };

/**
 * One release of a tier chart, when an environment installs the chart more than once (two EFS file
 * systems; a scratch and a persistent FSx class side by side).
 */
export interface TierRelease {
  /**
   * The Helm release (and HelmRelease) name, unique among the environment's tier releases: a DNS
   * label of at most 53 characters (Helm's limit). Renaming the release of a running environment
   * uninstalls the old one: its class (and, for instance store, its NodePools) goes with it.
   */
  readonly release: string;
  /**
   * The chart's values for this release. Its class is named after the release
   * (`flux-system-<release full name>-class`) unless `storageClassName` names it; workloads claim
   * from it by that name (their `storageClassName` values).
   * @default - the chart defaults plus the network
   */
  readonly values?: TierValues;
}

/**
 * The tier charts an environment installs (storage-fsx-lustre, storage-efs, storage-s3-files, storage-instance-store),
 * by tier: the values of one release (named after the chart: `storage-efs`), or a list of releases
 * each with its own name and values. Each FSx, EFS or S3 Files release makes one StorageClass, installed when
 * a workload's claim names it; its CSI driver is installed once, whatever the number of classes.
 */
export interface StorageDefinition {
  readonly 'fsx-lustre'?: TierValues | readonly TierRelease[];
  readonly efs?: TierValues | readonly TierRelease[];
  /** Amazon S3 Files (storage-s3-files): one S3 Files access-point class per release, through the EFS CSI driver (3.0.0 or later). */
  readonly 's3-files'?: TierValues | readonly TierRelease[];
  readonly 'instance-store'?: TierValues | readonly TierRelease[];
}

/**
 * Nodes the cluster has besides the NodePools strata installs (the instance-store tier's): EKS
 * managed node groups, Karpenter NodePools another team keeps. generate checks that every pod of
 * every release can run on some NodePool or node group (a pod nothing can take stays Pending).
 */
export interface NodeGroupDefinition {
  /** A name, for messages (the node group's or NodePool's). */
  readonly name: string;
  /** Labels every node carries (well-known ones included when pods select on them). @default - none */
  readonly labels?: { readonly [key: string]: string };
  /** Taints of the nodes (a GPU group's `nvidia.com/gpu:NoSchedule`, say). @default - none */
  readonly taints?: readonly { readonly key: string; readonly value?: string; readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** NVIDIA GPUs per node. @default 0 */
  readonly gpus?: number;
  /**
   * Devices other than GPUs each node's device plugins advertise: EFA interfaces
   * (`vpc.amazonaws.com/efa`, e.g. 32 on p5.48xlarge, 8 on trn1.32xlarge), Neuron devices and cores
   * (`aws.amazon.com/neuron`, `aws.amazon.com/neuroncore`, e.g. 16 and 32 on trn1.32xlarge).
   * @default - none
   */
  readonly devices?: { readonly 'vpc.amazonaws.com/efa'?: number; readonly 'aws.amazon.com/neuron'?: number; readonly 'aws.amazon.com/neuroncore'?: number };
  /** Zones the nodes are in. @default - any zone of the cluster */
  readonly zones?: readonly string[];
  /** Allocatable ephemeral storage per node, in GiB (the root volume, or local NVMe under kubelet). @default 20 (an EKS node's root volume) */
  readonly ephemeralStorageGiB?: number;
  /** on-demand or spot. @default 'on-demand' */
  readonly capacityType?: 'on-demand' | 'spot';
}

/**
 * A StorageClass made outside strata (by another team, by EKS Auto Mode, by hand). Claims may name
 * it where a chart lets its class be set (`cache.storageClassName`, say). What is known of it gives
 * its claims the checks a claim on strata's own tier class gets: its tier (which CSI driver the
 * environment installs for it, and how long a claim takes to bind), and for FSx for Lustre its
 * parameters (the file system gets the class's deployment settings, whatever the chart assumed).
 */
export interface ExternalStorageClass {
  /** The class name (cluster-scoped; not the name of a class one of this environment's tier releases makes). */
  readonly name: string;
  /** The storage tier behind it. @default - from the provisioner when it is a tier's; else unknown, and the tier checks are skipped (a warning says which) */
  readonly tier?: StorageTierName;
  /** Its `provisioner`, e.g. `efs.csi.aws.com`. @default - unknown */
  readonly provisioner?: string;
  /** Its `parameters` (strings, as in the StorageClass). @default - unknown */
  readonly parameters?: { readonly [key: string]: string };
  /** Its `reclaimPolicy`. @default - unknown (Kubernetes defaults to Delete) */
  readonly reclaimPolicy?: 'Retain' | 'Delete';
  /** Its `volumeBindingMode`. @default - unknown (Kubernetes defaults to Immediate) */
  readonly volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
}

/** A Secret made outside strata, in the namespace of the workloads that read it. */
export interface ExternalSecret {
  readonly namespace: string;
  readonly name: string;
  /** Its data keys: when given, a reference to another key is an error. @default - unknown (any key is accepted) */
  readonly keys?: readonly string[];
}

/** A ConfigMap made outside strata, in the namespace of the workloads that read it. */
export interface ExternalConfigMap {
  readonly namespace: string;
  readonly name: string;
  /** Its data keys: when given, a reference to another key is an error. @default - unknown (any key is accepted) */
  readonly keys?: readonly string[];
}

/** A PersistentVolumeClaim made outside strata (existing data), in the namespace of the workloads that mount it. */
export interface ExternalPersistentVolumeClaim {
  readonly namespace: string;
  readonly name: string;
  /** Its class (`""` for a claim bound to a static volume), for the report. @default - unknown */
  readonly storageClassName?: string;
  /** Its requested size, a Kubernetes quantity such as `"1200Gi"`, for the report. @default - unknown */
  readonly size?: string;
  /** Its access modes, for the report. @default - unknown */
  readonly accessModes?: readonly ('ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod')[];
}

/** A ServiceAccount made outside strata, in the namespace of the workloads that run as it. */
export interface ExternalServiceAccount {
  readonly namespace: string;
  readonly name: string;
  /** The IAM role it carries (its `eks.amazonaws.com/role-arn` annotation, or its Pod Identity association), for the report. @default - unknown */
  readonly roleArn?: RoleArn;
}

/**
 * Objects the charts of this environment refer to that exist in the cluster but are not made by
 * strata. generate's reference lint accepts a reference to a declared object (in the namespace the
 * referring release is installed in) and refuses one to an object neither made nor declared; a
 * declaration nothing refers to is a warning. Nodes (EKS node groups, Karpenter NodePools of
 * another team) are declared under `nodeGroups`, not here.
 */
export interface ExternalDefinition {
  readonly storageClasses?: readonly ExternalStorageClass[];
  readonly secrets?: readonly ExternalSecret[];
  readonly configMaps?: readonly ExternalConfigMap[];
  readonly persistentVolumeClaims?: readonly ExternalPersistentVolumeClaim[];
  readonly serviceAccounts?: readonly ExternalServiceAccount[];
}

/**
 * Identity applied through ACK: one IAM role per workload service account with exactly the policy
 * its chart derives, the CSI drivers' and the ACK controllers' roles, and (Pod Identity) one
 * association per service account. `identity.workloads` and `identity.drivers` then need no ARN
 * (an ARN given there is used instead, and no role is made for it).
 */
export interface CloudIdentityDefinition {
  /** Roles are named `<rolePrefix><what>` (`strata-prod-llm-inference-hydration`). @default `strata-<env name>-` */
  readonly rolePrefix?: string;
  /** IRSA only: the cluster's OIDC issuer without https:// (`aws eks describe-cluster --query cluster.identity.oidc.issuer`). @default - required with identity.mode irsa */
  readonly oidcIssuer?: string;
  /**
   * The roles of the ACK iam and eks controllers, made outside the cluster: they make every other
   * role and association, so theirs must exist first (their upstream recommended policies:
   * aws-controllers-k8s/iam-controller@v1.8.1 and eks-controller@v1.20.0 config/iam/recommended-inline-policy).
   */
  readonly controllerRoles: { readonly iam: RoleArn; readonly eks: RoleArn };
}

/** An EFS file system of the environment (see CloudFileSystemProps of @strata/cloud). */
export interface CloudFileSystemDefinition extends Omit<CloudFileSystemProps, 'exportId' | 'mountTargets'> {
  /** Mount targets, one per subnet. @default - one in network.subnetId with network.securityGroupIds; none for an adopted file system (it has its own) */
  readonly mountTargets?: readonly EfsMountTargetProps[];
}

/**
 * An Amazon S3 Files file system over a bucket of `cloud.buckets` (see CloudS3FileSystemProps of
 * @strata/cloud): strata makes its role (trusted by elasticfilesystem.amazonaws.com) and its mount
 * targets, and exports its id for a storage.s3-files release (`fileSystemIdConfigRef:
 * cloudS3FileSystemIdRef('<name>')`).
 */
export interface CloudS3FileSystemDefinition {
  /** The object name (a DNS label), also the file system's Name tag. */
  readonly name: string;
  /** A bucket under cloud.buckets with versioning on (S3 Files requires S3 Versioning). */
  readonly bucket: string;
  /** Only the objects under this prefix ("curated/"). @default - the whole bucket */
  readonly prefix?: string;
  /** Encrypt with this key. @default - a key S3 Files owns */
  readonly kmsKeyArn?: string;
  /** Mount targets, one per subnet (Availability Zone) with nodes. @default - one in network.subnetId with network.securityGroupIds; none for an adopted file system (it has its own) */
  readonly mountTargets?: readonly EfsMountTargetProps[];
  /** Adopt the existing file system with this id (adopt only). @default - created by ACK */
  readonly adoptFileSystemId?: string;
}

/**
 * The AWS half, reconciled by ACK in the same Flux flow: buckets, EFS file systems, and identity.
 * See docs/cloud.md.
 */
export interface CloudDefinition {
  /** The AWS account of the cluster (12 digits): role ARNs, IRSA's OIDC provider. */
  readonly accountId: string;
  /** Apply identity through ACK (see CloudIdentityDefinition). @default - identity stays as identity states it (ARNs made outside strata) */
  readonly identity?: CloudIdentityDefinition;
  /** S3 buckets (see CloudBucketProps of @strata/cloud): versioning, encryption, public access block, lifecycle. @default - none */
  readonly buckets?: readonly CloudBucketProps[];
  /** EFS file systems. A storage.efs release takes one's id with `fileSystemId: cloudFileSystemId('<name>')`. @default - none */
  readonly fileSystems?: readonly CloudFileSystemDefinition[];
  /** Amazon S3 Files file systems over buckets declared here (see CloudS3FileSystemDefinition). @default - none */
  readonly s3FileSystems?: readonly CloudS3FileSystemDefinition[];
}

export interface EnvironmentDefinition {
  /** The environment name: the folder under environments/ (a DNS label). */
  readonly name: string;
  readonly cluster: ClusterDefinition;
  /** Where the charts are published: `oci://<host>[/<path>]`, no trailing slash. */
  readonly registry: string;
  readonly network: NetworkDefinition;
  readonly identity: IdentityDefinition;
  /**
   * The tier charts' releases, installed as infrastructure configs (see StorageDefinition). An FSx
   * or EFS claim provisions from the release whose class it names.
   * @default - for FSx and EFS, when a claim names the class workload charts claim by default (strata-fsx-lustre, strata-efs), one release named after the chart with its class so named (a claim on another class no release makes is refused); for instance store, one release with the chart defaults plus the cluster's discovery tag when a workload uses the tier
   */
  readonly storage?: StorageDefinition;
  /** Karpenter handling. @default - Karpenter must already be installed when a workload uses instance store */
  readonly karpenter?: KarpenterDefinition;
  /** Nodes besides the instance-store tier's NodePools (see NodeGroupDefinition). @default - none */
  readonly nodeGroups?: readonly NodeGroupDefinition[];
  /** Objects the charts refer to that exist outside strata (see ExternalDefinition). @default - none */
  readonly external?: ExternalDefinition;
  /** Storage monitoring: PrometheusRules, a Grafana dashboard and CloudWatch alarms for the tiers used here (docs/monitoring.md). @default - on, with the defaults of MonitoringDefinition */
  readonly monitoring?: MonitoringDefinition;
  /** The AWS resources ACK reconciles for this environment (see CloudDefinition). @default - none: every AWS resource is made outside strata */
  readonly cloud?: CloudDefinition;
  /** The workloads deployed here, by chart name. */
  readonly workloads: { readonly [workload: string]: WorkloadDeployment<unknown> };
}

/** An environment definition (typed; checked against the charts at generate time). */
export function defineEnvironment(def: EnvironmentDefinition): EnvironmentDefinition {
  return def;
}

/**
 * One workload deployment, typed against its chart's values:
 * `'llm-inference': workload<LlmInferenceValues>({ namespace: 'inference', values: { replicas: 2 } })`
 * with `import type { Values as LlmInferenceValues } from '../../charts/llm-inference/values'`.
 */
export function workload<V>(deployment: WorkloadDeployment<V>): WorkloadDeployment<V> {
  return deployment;
}
