import { catalogFromTree, planEnvironment } from '../src';
import { fixtureChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';

/**
 * A service account the chart writes an IAM policy for (its `iam-policies/<key>.json`)
 * runs pods that need AWS access: the environment must give it a role, or generate refuses.
 */
describe('identities against the access their pods need', () => {
  const catalog = () => {
    const tree = fixtureChartTree();
    tree.set('training/iam-policies/training.json', '{ "Version": "2012-10-17", "Statement": [] }\n');
    return catalogFromTree(tree);
  };

  test('the chart records which service accounts have a policy', () => {
    expect(catalog().training.policyKeys).toEqual(['training']);
  });

  test('with a role: fine; without one: the field, what it must hold and why', () => {
    expect(planEnvironment(dev, catalog()).errors).toEqual([]);
    const noRole = withChanges(dev, (e) => delete e.identity.workloads.training);
    expect(planEnvironment(noRole, catalog()).errors).toEqual([
      "environments/dev/environment.ts: 'identity.workloads.training.training' (not set) must be an IAM role ARN holding the policy charts/training writes for it (iam-policies/training.json); its pods need that access (S3 and the like) and run without any: create the role from the policy (npx nx run training:synth writes charts/training while generate refuses) and give it here",
    ]);
  });
});
