import { CloudRole, DELETION_POLICY, roleArn, synthCloud, trustPolicy } from '../src';
import { crdProblems } from './support';

const policy = {
  Version: '2012-10-17' as const,
  Statement: [
    { Sid: 'ModelList', Effect: 'Allow' as const, Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::strata-prod-models'], Condition: { StringLike: { 's3:prefix': ['llama/*'] } } },
    { Sid: 'ModelRead', Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::strata-prod-models/llama/*'] },
  ],
};

describe('CloudRole', () => {
  test('Pod Identity: a role trusted by pods.eks.amazonaws.com, the policy exactly as given, one association per service account', () => {
    const { objects, errors } = synthCloud('flux-system', (s) =>
      new CloudRole(s, 'r', { name: 'llm-inference-hydration', roleName: 'strata-prod-llm-inference-hydration', description: 'llm-inference hydration', serviceAccounts: [{ namespace: 'inference', name: 'hydration' }], identity: { mode: 'pod-identity', clusterName: 'strata-prod' }, policy }),
    );
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.annotations![DELETION_POLICY]])).toEqual([
      ['Policy', 'llm-inference-hydration-policy', 'delete'],
      ['Role', 'llm-inference-hydration', 'delete'],
      ['PodIdentityAssociation', 'llm-inference-hydration--inference--hydration', 'delete'],
    ]);
    const [p, r, a] = objects as any[];
    expect(JSON.parse(p.spec.policyDocument)).toEqual(policy);
    expect(p.spec.name).toBe('strata-prod-llm-inference-hydration');
    expect(JSON.parse(r.spec.assumeRolePolicyDocument)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
    expect(r.spec.policyRefs).toEqual([{ from: { name: 'llm-inference-hydration-policy' } }]);
    expect(a.spec).toEqual({ clusterName: 'strata-prod', namespace: 'inference', serviceAccount: 'hydration', roleRef: { from: { name: 'llm-inference-hydration' } } });
    expect(crdProblems(objects)).toEqual([]);
  });

  test('IRSA: the OIDC provider, sub and aud conditions, no association; managed policies attached by ARN', () => {
    const identity = { mode: 'irsa' as const, accountId: '111122223333', oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' };
    const { objects, errors } = synthCloud('flux-system', (s) =>
      new CloudRole(s, 'r', { name: 'efs-csi-node', roleName: 'strata-dev-efs-csi-node', description: 'EFS CSI node', serviceAccounts: [{ namespace: 'kube-system', name: 'efs-csi-node-sa' }], identity, managedPolicies: ['arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess'] }),
    );
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(['Role']);
    expect(JSON.parse((objects[0] as any).spec.assumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:kube-system:efs-csi-node-sa', 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com' } },
        },
      ],
    });
    expect((objects[0] as any).spec.policies).toEqual(['arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess']);
    expect(crdProblems(objects)).toEqual([]);
    expect(roleArn('111122223333', 'strata-dev-efs-csi-node')).toBe('arn:aws:iam::111122223333:role/strata-dev-efs-csi-node');
    expect(JSON.parse(trustPolicy(identity, [{ namespace: 'b', name: 'x' }, { namespace: 'a', name: 'y' }])).Statement[0].Condition.StringEquals[`${identity.oidcIssuer}:sub`]).toEqual(['system:serviceaccount:a:y', 'system:serviceaccount:b:x']);
  });

  test('bad input', () => {
    const { errors } = synthCloud('flux-system', (s) =>
      new CloudRole(s, 'r', { name: 'x', roleName: 'a'.repeat(65), description: 'x', serviceAccounts: [], identity: { mode: 'pod-identity', clusterName: 'c' }, managedPolicies: ['AmazonS3ReadOnlyAccess'] }),
    );
    expect(errors).toEqual([
      `[r] 'roleName' ("${'a'.repeat(65)}") must be an IAM role name: 1 to 64 letters, digits and +=,.@_-; shorten the environment's role prefix or the workload name`,
      `[r] 'managedPolicies[0]' ("AmazonS3ReadOnlyAccess") must be an IAM policy ARN such as "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"; copy the ARN from the IAM console`,
      `[r] 'serviceAccounts' ([]) must be at least one service account; a role nobody assumes is not made`,
    ]);
  });
});
