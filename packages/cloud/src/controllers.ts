/**
 * The ACK controllers strata installs, each verified at its release tag: the chart
 * (`oci://public.ecr.aws/aws-controllers-k8s/<svc>-chart`, version = the tag without "v": helm/Chart.yaml),
 * its service account (helm/values.yaml `serviceAccount.name`), and the permissions upstream
 * recommends (config/iam/recommended-policy-arn, recommended-inline-policy). Install:
 * aws-controllers-k8s/community@e1146b5:docs/content/docs/user-docs/install.md#L45-L51 (`oci://public.ecr.aws/aws-controllers-k8s/$SERVICE-chart
 * --version=<tag without v>`, namespace `ack-system`).
 */

/** A service whose ACK controller strata uses. */
export type AckService = 's3' | 'efs' | 'iam' | 'eks' | 's3files' | 'cloudwatch';

/** Every service, in install order. */
export const ACK_SERVICES: readonly AckService[] = ['iam', 'eks', 's3', 'efs', 's3files', 'cloudwatch'];

export interface AckController {
  readonly service: AckService;
  readonly title: string;
  /** The OCI repository of its chart. */
  readonly chartUrl: string;
  readonly version: string;
  /** Its service account (in the namespace it is installed in). */
  readonly serviceAccount: string;
  /** The API group of its kinds. */
  readonly group: string;
  /** The kinds strata makes of it. */
  readonly kinds: readonly string[];
  /** AWS managed policies upstream recommends. */
  readonly managedPolicies: readonly string[];
  /** Upstream's recommended inline policy, when it recommends one. */
  readonly inlinePolicy?: object;
  /**
   * Its role cannot be made by ACK: the iam controller makes roles and the eks controller makes
   * the associations every other role needs, so theirs exist before either runs (made outside the
   * cluster, given to the environment).
   */
  readonly bootstrap: boolean;
  readonly source: string;
}

/** The namespace the ACK controllers run in (community install.md: `ack-system`). */
export const ACK_NAMESPACE = 'ack-system';

export const ACK_CONTROLLERS: { readonly [s in AckService]: AckController } = {
  iam: {
    service: 'iam',
    title: 'ACK IAM controller',
    chartUrl: 'oci://public.ecr.aws/aws-controllers-k8s/iam-chart',
    version: '1.8.1',
    serviceAccount: 'ack-iam-controller',
    group: 'iam.services.k8s.aws',
    kinds: ['Role', 'Policy'],
    managedPolicies: [],
    // config/iam/recommended-inline-policy: iam:Get/Create/Delete/Update/Tag… on roles, policies, users, groups, OIDC providers.
    bootstrap: true,
    source: 'aws-controllers-k8s/iam-controller@v1.8.1:helm/Chart.yaml, helm/values.yaml, config/iam/recommended-inline-policy',
  },
  eks: {
    service: 'eks',
    title: 'ACK EKS controller',
    chartUrl: 'oci://public.ecr.aws/aws-controllers-k8s/eks-chart',
    version: '1.20.0',
    serviceAccount: 'ack-eks-controller',
    group: 'eks.services.k8s.aws',
    kinds: ['PodIdentityAssociation'],
    managedPolicies: [],
    // config/iam/recommended-inline-policy: eks:*, iam:GetRole, iam:PassRole, iam:ListAttachedRolePolicies, ec2:DescribeSubnets.
    bootstrap: true,
    source: 'aws-controllers-k8s/eks-controller@v1.20.0:helm/Chart.yaml, helm/values.yaml, config/iam/recommended-inline-policy',
  },
  s3: {
    service: 's3',
    title: 'ACK S3 controller',
    chartUrl: 'oci://public.ecr.aws/aws-controllers-k8s/s3-chart',
    version: '1.10.0',
    serviceAccount: 'ack-s3-controller',
    group: 's3.services.k8s.aws',
    kinds: ['Bucket'],
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
    bootstrap: false,
    source: 'aws-controllers-k8s/s3-controller@v1.10.0:helm/Chart.yaml, helm/values.yaml, config/iam/recommended-policy-arn',
  },
  efs: {
    service: 'efs',
    title: 'ACK EFS controller',
    chartUrl: 'oci://public.ecr.aws/aws-controllers-k8s/efs-chart',
    version: '1.4.1',
    serviceAccount: 'ack-efs-controller',
    group: 'efs.services.k8s.aws',
    kinds: ['FileSystem', 'AccessPoint', 'MountTarget'],
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonElasticFileSystemFullAccess'],
    bootstrap: false,
    source: 'aws-controllers-k8s/efs-controller@v1.4.1:helm/Chart.yaml, helm/values.yaml, config/iam/recommended-policy-arn',
  },
  s3files: {
    service: 's3files',
    title: 'ACK S3 Files controller',
    chartUrl: 'oci://public.ecr.aws/aws-controllers-k8s/s3files-chart',
    version: '1.2.1',
    serviceAccount: 'ack-s3files-controller',
    group: 's3files.services.k8s.aws',
    kinds: ['FileSystem', 'MountTarget'],
    // No config/iam/ file could be read at this chart's commit: the AWS managed policy for creating and
    // managing S3 Files file systems, mount targets and access points
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-security-iam-awsmanpol.html, AmazonS3FilesFullAccess).
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3FilesFullAccess'],
    bootstrap: false,
    source: 'aws-controllers-k8s/s3files-controller@0b8488308b6bad4412a5a5fa23ca71794ad0a489:helm/Chart.yaml, aws-controllers-k8s/s3files-controller@662f70d868d487ce7696280e8048c4fb73c89a6b:helm/values.yaml (untagged; the role\'s policy from the S3 Files guide)',
  },
  cloudwatch: {
    service: 'cloudwatch',
    title: 'ACK CloudWatch controller',
    chartUrl: 'oci://public.ecr.aws/aws-controllers-k8s/cloudwatch-chart',
    version: '1.8.1',
    serviceAccount: 'ack-cloudwatch-controller',
    group: 'cloudwatch.services.k8s.aws',
    kinds: ['MetricAlarm'],
    // config/iam/recommended-inline-policy at v1.8.1 holds one line, the ARN of this managed policy.
    managedPolicies: ['arn:aws:iam::aws:policy/CloudWatchFullAccessV2'],
    bootstrap: false,
    source: 'aws-controllers-k8s/cloudwatch-controller@v1.8.1:helm/Chart.yaml, helm/values.yaml, config/iam/recommended-inline-policy',
  },
};
