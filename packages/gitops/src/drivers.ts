import { DriverTierName, StorageTierName } from './environment';

/** A CSI driver chart installed as an infrastructure controller (facts §6). */
export interface DriverChart {
  readonly tier: DriverTierName;
  /** Display name for the report. */
  readonly title: string;
  /** The HelmRepository URL (HTTPS). */
  readonly repository: string;
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** The chart's kubeVersion floor, as a minor version ("1.31"). */
  readonly minKubernetes?: string;
  /** The one service account that needs AWS credentials, and where its annotations go in the chart's values. */
  readonly identity: {
    readonly namespace: string;
    readonly serviceAccount: string;
    /** Value path of that service account's annotations. */
    readonly annotationsPath: readonly string[];
    /** What the role needs, for the report. */
    readonly permissions: string;
  };
  /** Service accounts of the chart that must NOT carry the role (facts §7 case 55). */
  readonly notOn: readonly string[];
}

/** The namespace the drivers (and Karpenter) are installed in: where their charts expect to run. */
export const DRIVER_NAMESPACE = 'kube-system';

/** Facts §6: repository, chart, pinned version and the IAM-bearing service account of each driver. */
export const DRIVERS: { readonly [tier in DriverTierName]: DriverChart } = {
  'fsx-lustre': {
    tier: 'fsx-lustre',
    title: 'FSx for Lustre CSI driver',
    repository: 'https://kubernetes-sigs.github.io/aws-fsx-csi-driver',
    chart: 'aws-fsx-csi-driver',
    version: '1.17.0',
    identity: {
      namespace: DRIVER_NAMESPACE,
      serviceAccount: 'fsx-csi-controller-sa',
      annotationsPath: ['controller', 'serviceAccount', 'annotations'],
      permissions: 'AmazonFSxFullAccess, or the policy of the driver docs/install.md (fsx:CreateFileSystem/DeleteFileSystem/DescribeFileSystems/UpdateFileSystem/TagResource, s3:ListBucket, iam:CreateServiceLinkedRole)',
    },
    notOn: ['fsx-csi-node-sa'],
  },
  efs: {
    tier: 'efs',
    title: 'EFS CSI driver',
    repository: 'https://kubernetes-sigs.github.io/aws-efs-csi-driver/',
    chart: 'aws-efs-csi-driver',
    version: '4.4.1',
    identity: {
      namespace: DRIVER_NAMESPACE,
      serviceAccount: 'efs-csi-controller-sa',
      annotationsPath: ['controller', 'serviceAccount', 'annotations'],
      permissions: 'arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy',
    },
    notOn: ['efs-csi-node-sa'],
  },
  s3: {
    tier: 's3',
    title: 'Mountpoint for Amazon S3 CSI driver',
    repository: 'https://awslabs.github.io/mountpoint-s3-csi-driver',
    chart: 'aws-mountpoint-s3-csi-driver',
    version: '2.7.0',
    minKubernetes: '1.31',
    identity: {
      namespace: DRIVER_NAMESPACE,
      serviceAccount: 's3-csi-driver-sa',
      annotationsPath: ['node', 'serviceAccount', 'annotations'],
      permissions: 's3:ListBucket on the buckets; s3:GetObject, s3:PutObject, s3:AbortMultipartUpload, s3:DeleteObject on their objects (+ kms:Decrypt/GenerateDataKey for SSE-KMS)',
    },
    notOn: ['s3-csi-driver-controller-sa'],
  },
};

/**
 * Driver settings a chart may need beyond the driver itself, by the name the chart records in its
 * `strata.dev/uses` annotation; the environment sets them on the driver's release.
 */
export const DRIVER_FEATURES: { readonly [feature: string]: { readonly tier: DriverTierName; readonly values: Record<string, unknown>; readonly why: string } } = {
  // The EFS driver reports volume stats only when opted in (aws-efs-csi-driver@v3.4.1
  // charts/aws-efs-csi-driver/values.yaml node.volMetricsOptIn, default false): an alert on an EFS
  // claim's used bytes reads nothing without it.
  'efs-volume-metrics': { tier: 'efs', values: { node: { volMetricsOptIn: true } }, why: 'alerts on EFS claims read kubelet_volume_stats_used_bytes' },
};

/** Karpenter (facts §6): an OCI chart. */
export const KARPENTER = {
  url: 'oci://public.ecr.aws/karpenter/karpenter',
  chart: 'karpenter',
  version: '1.14.1',
  namespace: DRIVER_NAMESPACE,
  serviceAccount: 'karpenter',
} as const;

/** A storage tier chart (infrastructure config): its chart name and the StorageClass it installs. */
export interface TierChart {
  readonly tier: Exclude<StorageTierName, 's3'>;
  readonly chart: string;
  /** The fixed StorageClass name workloads refer to. */
  readonly storageClassName: string;
}

/** The tier charts of @strata/storage-charts (S3 has none: Mountpoint is static provisioning only, facts §3.1). */
export const TIER_CHARTS: { readonly [tier in Exclude<StorageTierName, 's3'>]: TierChart } = {
  'fsx-lustre': { tier: 'fsx-lustre', chart: 'storage-fsx-lustre', storageClassName: 'strata-fsx-lustre' },
  efs: { tier: 'efs', chart: 'storage-efs', storageClassName: 'strata-efs' },
  'instance-store': { tier: 'instance-store', chart: 'storage-instance-store', storageClassName: 'strata-local-nvme' },
};

/** Every tier name, in report order. */
export const TIERS: readonly StorageTierName[] = ['s3', 'fsx-lustre', 'efs', 'instance-store'];

/** Whether a string names a storage tier. */
export function isTier(s: string): s is StorageTierName {
  return (TIERS as readonly string[]).includes(s);
}

/** Whether a tier has a CSI driver. */
export function isDriverTier(s: string): s is DriverTierName {
  return s === 'fsx-lustre' || s === 'efs' || s === 's3';
}
