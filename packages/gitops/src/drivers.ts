import { DriverTierName, StorageTierName } from './environment';

/** A CSI driver chart installed as an infrastructure controller (upstream sources on DRIVERS). */
export interface DriverChart {
  readonly tier: DriverTierName;
  /** Display name for the report. */
  readonly title: string;
  /** The HelmRepository URL (HTTPS). */
  readonly repository: string;
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /**
   * The driver version the pinned chart installs (its Chart.yaml appVersion), where a tier needs a
   * driver of at least some version (S3 Files: the EFS CSI driver 3.0.0).
   * @default - not recorded (no tier needs a minimum)
   */
  readonly appVersion?: string;
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
  /**
   * Value path of the controller's AWS region, set to the cluster's region: a controller that has
   * none asks instance metadata, which EKS Auto Mode blocks for pods off the host network, and which
   * Karpenter's nodes answer only within one hop by default (EC2NodeClass metadataOptions
   * httpPutResponseHopLimit 1: aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go#L147-L153).
   * @default - the chart has no such value (the controller finds its region otherwise)
   */
  readonly regionPath?: readonly string[];
  /** Service accounts of the chart that must NOT carry the driver's role (the charts' other accounts; with identity applied,
   * the EFS node account gets a role of its own when a chart mounts with `iam`: cloud.ts EFS_NODE_SERVICE_ACCOUNT: kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:charts/aws-fsx-csi-driver/values.yaml#L177,
   * kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/values.yaml#L245, awslabs/mountpoint-s3-csi-driver@v2.7.0:charts/aws-mountpoint-s3-csi-driver/values.yaml#L93). */
  readonly notOn: readonly string[];
}

/** The namespace the drivers (and Karpenter) are installed in: where their charts expect to run. */
export const DRIVER_NAMESPACE = 'kube-system';

/**
 * Repository, chart, pinned version and the IAM-bearing service account of each driver:
 * - FSx: kubernetes-sigs/aws-fsx-csi-driver@helm-chart-aws-fsx-csi-driver-1.17.0:charts/aws-fsx-csi-driver/Chart.yaml;
 *   kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:docs/install.md#L13-L23 (AmazonFSxFullAccess), #L97 (repository), charts/aws-fsx-csi-driver/values.yaml#L91;
 * - EFS: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/Chart.yaml (chart 4.4.1), docs/install.md#L45 (repository),
 *   docs/iam-policy-create.md#L3-L8 (AmazonEFSCSIDriverPolicy), charts/aws-efs-csi-driver/values.yaml#L115;
 * - S3: awslabs/mountpoint-s3-csi-driver@v2.7.0:charts/aws-mountpoint-s3-csi-driver/Chart.yaml, docs/INSTALL.md#L70 (repository),
 *   charts/aws-mountpoint-s3-csi-driver/values.yaml#L28, docs/CONFIGURATION.md#L168-L230 (IRSA).
 */
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
    // controller.region becomes the controller's AWS_REGION (charts/aws-fsx-csi-driver/templates/controller-deployment.yaml#L74-L77 at
    // helm-chart-aws-fsx-csi-driver-1.17.0); without it the controller asks instance metadata (pkg/driver/controller.go#L89-L99 at v1.9.0),
    // which EKS Auto Mode blocks: "Specify the AWS region in the controller configuration" (docs/install.md#L115-L128 at v1.9.0).
    regionPath: ['controller', 'region'],
  },
  efs: {
    tier: 'efs',
    title: 'EFS CSI driver',
    repository: 'https://kubernetes-sigs.github.io/aws-efs-csi-driver/',
    chart: 'aws-efs-csi-driver',
    version: '4.4.1',
    // kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/Chart.yaml (appVersion 3.4.1).
    appVersion: '3.4.1',
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
    // awslabs/mountpoint-s3-csi-driver@v2.7.0 charts/aws-mountpoint-s3-csi-driver/Chart.yaml: kubeVersion >=1.30.0-0.
    minKubernetes: '1.30',
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
  // Mountpoint volumes with reserveHeadroom gate their pods with s3.csi.aws.com/reserve-headroom-for-mppod
  // (S3_HEADROOM_FEATURE of @strata/storage); only the driver's controller with this flag removes the
  // gate (awslabs/mountpoint-s3-csi-driver@v2.7.0 charts/aws-mountpoint-s3-csi-driver/values.yaml#L132-L135,
  // docs/HEADROOM_FOR_MPPOD.md): without it the pods are never scheduled.
  // A StorageClass naming its file system by fileSystemIdConfigRef or fileSystemIdSecretRef (an ACK
  // FieldExport's ConfigMap, say) needs the controller to read it: chart value controller.fileSystemIdRefs.enabled,
  // default false, which adds the RBAC (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/values.yaml#L183-L184,
  // docs/filesystem-id-resolution.md). EFS_FILE_SYSTEM_ID_REFS of @strata/storage.
  'efs-file-system-id-refs': { tier: 'efs', values: { controller: { fileSystemIdRefs: { enabled: true } } }, why: 'a class reads its file system id from a ConfigMap or Secret (fileSystemIdConfigRef, fileSystemIdSecretRef)' },
  's3-mountpoint-headroom': { tier: 's3', values: { experimental: { reserveHeadroomForMountpointPods: true } }, why: 'pods reserve headroom for their Mountpoint Pods (the driver removes their scheduling gate)' },
};

/** Karpenter: an OCI chart (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/getting-started/getting-started-with-karpenter/_index.md#L247). */
export const KARPENTER = {
  url: 'oci://public.ecr.aws/karpenter/karpenter',
  chart: 'karpenter',
  version: '1.14.1',
  namespace: DRIVER_NAMESPACE,
  serviceAccount: 'karpenter',
} as const;

/** A storage tier chart (infrastructure config): its chart name and how it names the StorageClass it installs. */
export interface TierChart {
  readonly tier: Exclude<StorageTierName, 's3'>;
  readonly chart: string;
  /**
   * The class workload charts claim by default for this tier (their `storageClassName` values):
   * what the bundled environments name their tier release's class (its `storageClassName` value),
   * not what the chart names it by default. Undefined when no workload chart claims one by default (instance store).
   */
  readonly storageClassName?: string;
  /**
   * How a release names its StorageClass: the value that sets the name, else
   * `<release namespace>-<release full name>-<suffix>` (@strata/helm WorkloadChart.clusterObjectName).
   * `value` is a dotted path (`localVolumes.storageClassName`); with `enabledBy`, the chart makes
   * the class only when that boolean value is true. Undefined when the chart makes no class.
   */
  readonly classNaming?: { readonly value: string; readonly suffix: string; readonly enabledBy?: string };
}

/**
 * The tier charts of @strata/storage-charts (S3 has none: Mountpoint is static provisioning only,
 * awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L8-L10). The class naming is the
 * charts' (packages/storage-charts/*: `storageClassName`, suffix `class`), tested there and here.
 */
export const TIER_CHARTS: { readonly [tier in Exclude<StorageTierName, 's3'>]: TierChart } = {
  'fsx-lustre': { tier: 'fsx-lustre', chart: 'storage-fsx-lustre', storageClassName: 'strata-fsx-lustre', classNaming: { value: 'storageClassName', suffix: 'class' } },
  efs: { tier: 'efs', chart: 'storage-efs', storageClassName: 'strata-efs', classNaming: { value: 'storageClassName', suffix: 'class' } },
  's3-files': { tier: 's3-files', chart: 'storage-s3-files', storageClassName: 'strata-s3-files', classNaming: { value: 'storageClassName', suffix: 'class' } },
  // The class of local PersistentVolumes, made only by releases with localVolumes.enabled (packages/storage-charts/storage-instance-store).
  'instance-store': { tier: 'instance-store', chart: 'storage-instance-store', classNaming: { value: 'localVolumes.storageClassName', suffix: 'local-nvme', enabledBy: 'localVolumes.enabled' } },
};

/** Every tier name, in report order. */
export const TIERS: readonly StorageTierName[] = ['s3', 'fsx-lustre', 'efs', 's3-files', 'instance-store'];

/** Whether a string names a storage tier. */
export function isTier(s: string): s is StorageTierName {
  return (TIERS as readonly string[]).includes(s);
}

/** Whether a tier has a CSI driver chart of its own. */
export function isDriverTier(s: string): s is DriverTierName {
  return s === 'fsx-lustre' || s === 'efs' || s === 's3';
}

/**
 * The CSI driver a tier's volumes go through: its own, or for S3 Files the EFS CSI driver
 * (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md); undefined for instance store.
 */
export function driverOf(tier: string): DriverTierName | undefined {
  if (tier === 's3-files') return 'efs';
  return isDriverTier(tier) ? tier : undefined;
}

/**
 * The workload operators a chart may need installed (`strata.dev/uses` `operator:<name>`), and the
 * prerequisites they bring (cert-manager). Installed as infrastructure controllers like the CSI
 * drivers, before the storage tiers and the apps.
 */
export type OperatorName = 'cert-manager' | 'jobset' | 'lws' | 'kubeflow-trainer' | 'training-operator' | 'kuberay' | 'kserve' | 'spark-operator' | 'nim-operator';

/** Every operator name, in install order (a prerequisite before what needs it). */
export const OPERATOR_NAMES: readonly OperatorName[] = ['cert-manager', 'jobset', 'lws', 'kubeflow-trainer', 'training-operator', 'kuberay', 'kserve', 'spark-operator', 'nim-operator'];

/** The prefix of an operator in a chart's uses: `operator:kuberay`. */
export const OPERATOR_USE_PREFIX = 'operator:';

/** One Helm chart of an operator, released by its own HelmRelease. */
export interface OperatorRelease {
  /** The HelmRelease (and its source's) name. */
  readonly name: string;
  /** A HelmRepository (HTTPS), or an OCI chart by exact tag or by an exact semver range (when the tag's form is not known). */
  readonly source: { readonly helmRepository: string } | { readonly oci: string; readonly tag: string } | { readonly oci: string; readonly semver: string };
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /**
   * Where the chart keeps its CRDs: `crds/` (Helm installs them, never upgrades or deletes them: the
   * HelmRelease's `crds: CreateReplace` upgrades them) or `templates` (ordinary release objects,
   * upgraded with the release — and deleted with it).
   */
  readonly crds: 'crds-dir' | 'templates';
  /** The chart's values for a minimal production install. */
  readonly values?: Record<string, unknown>;
  /** What must be Ready first: other releases of this operator, or prerequisite operators (HelmRelease `dependsOn`). */
  readonly after?: readonly string[];
}

/** A workload operator (or a prerequisite of one), installed as an infrastructure controller. */
export interface OperatorChart {
  readonly name: OperatorName;
  /** Display name for the report. */
  readonly title: string;
  /** The upstream release the charts below belong to. */
  readonly upstream: string;
  /** The namespace it runs in (created by the overlay). */
  readonly namespace: string;
  /** Helm charts, in order; or `kustomize`: an upstream kustomize overlay applied from Git by a Flux Kustomization. */
  readonly releases: readonly OperatorRelease[];
  readonly kustomize?: { readonly repository: string; readonly tag: string; readonly path: string };
  /** Operators that must be installed and Ready first. */
  readonly prerequisites: readonly OperatorName[];
  /** What the cluster must already have that strata does not install, for the report. */
  readonly needsInCluster?: string;
  /** The Kubernetes minor version floor, when upstream states one ("1.31"). */
  readonly minKubernetes?: string;
  /** The value path that lists the namespaces it may run jobs in, filled with the namespaces of the workloads that use it. */
  readonly jobNamespacesPath?: readonly string[];
  /** The kinds strata's charts make of it. */
  readonly kinds: readonly string[];
  /** The upstream source of the install facts. */
  readonly source: string;
}

/**
 * The operators, each verified at its release tag: repository, chart, version, CRDs, namespace.
 * None of them needs AWS credentials for its own controller (the workloads' pods get theirs from
 * their own service accounts).
 */
export const OPERATORS: { readonly [name in OperatorName]: OperatorChart } = {
  'cert-manager': {
    name: 'cert-manager',
    title: 'cert-manager',
    upstream: 'cert-manager/cert-manager v1.21.1',
    namespace: 'cert-manager',
    // CRDs are templates, installed with crds.enabled and kept on uninstall (crds.keep, default true).
    releases: [{ name: 'cert-manager', source: { oci: 'oci://quay.io/jetstack/charts/cert-manager', tag: 'v1.21.1' }, chart: 'cert-manager', version: 'v1.21.1', crds: 'templates', values: { crds: { enabled: true } } }],
    prerequisites: [],
    kinds: ['Certificate', 'Issuer'],
    source: 'cert-manager/cert-manager@v1.21.1 deploy/charts/cert-manager/README.template.md, values.yaml#L106-L116',
  },
  jobset: {
    name: 'jobset',
    title: 'JobSet',
    upstream: 'kubernetes-sigs/jobset v0.12.0',
    namespace: 'jobset-system',
    // The published chart's version has no "v" (hack/helm-chart-package.sh chart_version="${GIT_TAG/#v/}").
    releases: [{ name: 'jobset', source: { oci: 'oci://registry.k8s.io/jobset/charts/jobset', tag: '0.12.0' }, chart: 'jobset', version: '0.12.0', crds: 'crds-dir' }],
    prerequisites: [],
    kinds: ['JobSet'],
    source: 'kubernetes-sigs/jobset@v0.12.0 charts/jobset/README.md, charts/jobset/crds/',
  },
  lws: {
    name: 'lws',
    title: 'LeaderWorkerSet',
    upstream: 'kubernetes-sigs/lws v0.10.0',
    namespace: 'lws-system',
    // hack/push-chart.sh versions the chart by the release tag ("v0.10.0"); the docs install
    // --version=0.10.0, which Helm resolves as a semver range: an exact range matches either form.
    releases: [{ name: 'lws', source: { oci: 'oci://registry.k8s.io/lws/charts/lws', semver: '0.10.0' }, chart: 'lws', version: '0.10.0', crds: 'crds-dir' }],
    prerequisites: [],
    kinds: ['LeaderWorkerSet'],
    source: 'kubernetes-sigs/lws@v0.10.0 site/content/en/docs/installation/_index.md#L55-L101, charts/lws/crds/',
  },
  'kubeflow-trainer': {
    name: 'kubeflow-trainer',
    title: 'Kubeflow Trainer',
    upstream: 'kubeflow/trainer v2.3.0',
    namespace: 'kubeflow-system',
    // CRDs are templates (crds.enabled); JobSet is a subchart (jobset.install), installed on its own
    // here so that one JobSet serves Trainer and JobSet workloads alike.
    releases: [{ name: 'kubeflow-trainer', source: { oci: 'oci://ghcr.io/kubeflow/charts/kubeflow-trainer', tag: '2.3.0' }, chart: 'kubeflow-trainer', version: '2.3.0', crds: 'templates', values: { jobset: { install: false } }, after: ['jobset'] }],
    prerequisites: ['jobset'],
    minKubernetes: '1.31',
    kinds: ['TrainJob', 'TrainingRuntime', 'ClusterTrainingRuntime'],
    source: 'kubeflow/trainer@v2.3.0 charts/kubeflow-trainer/README.md, Chart.yaml (jobset 0.12.0 dependency), values.yaml',
  },
  'training-operator': {
    name: 'training-operator',
    title: 'Kubeflow training-operator (v1)',
    upstream: 'kubeflow/trainer v1.9.4 (formerly kubeflow/training-operator)',
    namespace: 'kubeflow',
    // No Helm chart: the standalone kustomize overlay (namespace kubeflow, CRDs, webhook with its own certificates).
    releases: [],
    kustomize: { repository: 'https://github.com/kubeflow/trainer', tag: 'v1.9.4', path: './manifests/overlays/standalone' },
    prerequisites: [],
    kinds: ['PyTorchJob'],
    source: 'kubeflow/trainer@v1.9.4 README.md#L38, manifests/overlays/standalone/kustomization.yaml',
  },
  kuberay: {
    name: 'kuberay',
    title: 'KubeRay operator',
    upstream: 'ray-project/kuberay v1.7.0',
    namespace: 'kuberay-system',
    releases: [{ name: 'kuberay-operator', source: { helmRepository: 'https://ray-project.github.io/kuberay-helm/' }, chart: 'kuberay-operator', version: '1.7.0', crds: 'crds-dir' }],
    prerequisites: [],
    kinds: ['RayCluster', 'RayJob', 'RayService'],
    source: 'ray-project/kuberay@v1.7.0 helm-chart/kuberay-operator/README.md, helm-chart/kuberay-operator/crds/',
  },
  kserve: {
    name: 'kserve',
    title: 'KServe',
    upstream: 'kserve/kserve v0.20.0',
    namespace: 'kserve',
    // Standard (raw Deployment) mode: no Knative, no Istio; no Ingress created (reach the predictor
    // through its Service or a gateway of your own). The webhooks' certificate is a cert-manager
    // Certificate (charts/kserve-resources/files/kserve/resources.yaml, cert-manager.io/inject-ca-from).
    releases: [
      { name: 'kserve-crd', source: { oci: 'oci://ghcr.io/kserve/charts/kserve-crd', tag: 'v0.20.0' }, chart: 'kserve-crd', version: 'v0.20.0', crds: 'templates' },
      {
        name: 'kserve-resources',
        source: { oci: 'oci://ghcr.io/kserve/charts/kserve-resources', tag: 'v0.20.0' },
        chart: 'kserve-resources',
        version: 'v0.20.0',
        crds: 'templates',
        values: { kserve: { controller: { deploymentMode: 'Standard', gateway: { disableIngressCreation: true } } } },
        after: ['cert-manager', 'kserve-crd'],
      },
    ],
    prerequisites: ['cert-manager'],
    kinds: ['InferenceService', 'ServingRuntime', 'ClusterServingRuntime'],
    source: 'kserve/kserve@v0.20.0 charts/kserve-crd/README.md, charts/kserve-resources/README.md, hack/setup/infra/manage.kserve-helm.sh, pkg/constants/constants.go#L562-L567',
  },
  'spark-operator': {
    name: 'spark-operator',
    title: 'Spark operator',
    upstream: 'kubeflow/spark-operator v2.5.2',
    namespace: 'spark-operator',
    releases: [{ name: 'spark-operator', source: { helmRepository: 'https://kubeflow.github.io/spark-operator' }, chart: 'spark-operator', version: '2.5.2', crds: 'crds-dir' }],
    prerequisites: [],
    // spark.jobNamespaces (default ["default"]): the namespaces SparkApplications run in.
    jobNamespacesPath: ['spark', 'jobNamespaces'],
    kinds: ['SparkApplication'],
    source: 'kubeflow/spark-operator@v2.5.2 charts/spark-operator-chart/README.md, charts/spark-operator-chart/crds/',
  },
  'nim-operator': {
    name: 'nim-operator',
    title: 'NVIDIA NIM Operator',
    upstream: 'NVIDIA/k8s-nim-operator v3.1.2',
    namespace: 'nim-operator',
    // NGC chart versions carry the "v" (docs.nvidia.com/nim-operator/latest/upgrade.html: --version=v3.0.2).
    // The admission controller (cert-manager) is off by default (values.yaml operator.admissionController.enabled).
    releases: [{ name: 'k8s-nim-operator', source: { helmRepository: 'https://helm.ngc.nvidia.com/nvidia' }, chart: 'k8s-nim-operator', version: 'v3.1.2', crds: 'crds-dir' }],
    prerequisites: [],
    needsInCluster: 'NVIDIA GPU Operator (or the NVIDIA driver and device plugin of EKS accelerated AMIs); NGC credentials for the NIM images and models',
    kinds: ['NIMService', 'NIMCache'],
    source: 'NVIDIA/k8s-nim-operator@v3.1.2 deployments/helm/k8s-nim-operator/, https://docs.nvidia.com/nim-operator/latest/install.html',
  },
};

/** Whether a chart's use names an operator (`operator:<name>`), known or not. */
export function isOperatorUse(use: string): boolean {
  return use.startsWith(OPERATOR_USE_PREFIX);
}
