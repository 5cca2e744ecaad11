import { describePattern } from '@strata/tokens';

/** A KMS key ARN (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN). */
export const KMS_KEY_ARN = describePattern('^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$', 'a KMS key ARN such as "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"');

/** An IAM role name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html: 1 to 64 of letters, digits and +=,.@_-). */
export const ROLE_NAME = describePattern('^[A-Za-z0-9+=,.@_-]{1,64}$', 'an IAM role name: 1 to 64 letters, digits and +=,.@_-');

/** An IAM managed policy ARN. */
export const POLICY_ARN = describePattern('^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]+$', 'an IAM policy ARN such as "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"');

/** An IAM OIDC provider of an EKS cluster, as its issuer URL without https:// (https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html). */
export const OIDC_ISSUER = describePattern('^oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[A-Z0-9]+$', 'an EKS OIDC issuer without https://, such as "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"');
