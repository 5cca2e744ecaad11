/**
 * Who may assume a role (its trust policy), for the two ways EKS gives pods AWS credentials:
 * - EKS Pod Identity: the service principal `pods.eks.amazonaws.com` with `sts:AssumeRole` and
 *   `sts:TagSession`; the association (cluster, namespace, service account) says which pods
 *   (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html; the same document in
 *   kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md).
 * - IRSA: the cluster's IAM OIDC provider with `sts:AssumeRoleWithWebIdentity`, conditioned on the
 *   token's `sub` (`system:serviceaccount:<namespace>:<name>`) and `aud` (`sts.amazonaws.com`)
 *   (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html;
 *   kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/iam-policy-create.md).
 */

/** A service account, `namespace` and `name`. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** How pods get credentials: the environment chooses. */
export type IdentityMode = { readonly mode: 'pod-identity'; readonly clusterName: string } | { readonly mode: 'irsa'; readonly accountId: string; readonly oidcIssuer: string; readonly partition?: string };

/** A trust policy document (JSON text, as the ACK Role's `assumeRolePolicyDocument` takes it). */
export function trustPolicy(identity: IdentityMode, accounts: readonly ServiceAccountRef[]): string {
  if (identity.mode === 'pod-identity') {
    return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
  }
  const partition = identity.partition ?? 'aws';
  const subjects = accounts.map((a) => `system:serviceaccount:${a.namespace}:${a.name}`).sort();
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition}:iam::${identity.accountId}:oidc-provider/${identity.oidcIssuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${identity.oidcIssuer}:sub`]: subjects.length === 1 ? subjects[0] : subjects, [`${identity.oidcIssuer}:aud`]: 'sts.amazonaws.com' } },
      },
    ],
  });
}

/** The ARN of a role by name (what IRSA's `eks.amazonaws.com/role-arn` annotation carries). */
export function roleArn(accountId: string, roleName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}
