import { catalogFromTree, cloudFileSystemId, planEnvironment, policiesSection } from '../src';
import { fixtureChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';

/**
 * Issue 17: with the iam-policies ConfigMaps gone, an environment whose roles are made outside
 * strata is told, in its README, exactly which policy each role must hold (the chart's
 * iam-policies/<key>.json resolved with its values); one whose identity ACK applies says so.
 */
const POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ $concat: ['arn:aws:s3:::strata-dev-checkpoints/', { $value: 'mode' }, '/*'] }] }] };

function catalog() {
  const tree = fixtureChartTree();
  tree.set('training/iam-policies/training.json', JSON.stringify(POLICY, null, 2) + '\n');
  return catalogFromTree(tree);
}

describe('the report\'s IAM policies section', () => {
  test('without cloud.identity: each role and its resolved document, nothing applied', () => {
    const withMode = withChanges(dev, (e) => {
      e.workloads.training.values.mode = 'slow';
    });
    expect(policiesSection(planEnvironment(withMode, catalog()))).toEqual([
      '## IAM policies',
      '',
      "What each role above must hold, exactly: the policy its chart derives (`charts/<chart>/iam-policies/<key>.json`) with this environment's values. Nothing here is applied: create each role with its document (e.g. `aws iam put-role-policy --role-name <role> --policy-name strata --policy-document file://<document>.json`).",
      '',
      '| service account | role | policy |',
      '| --- | --- | --- |',
      '| ml-dev/training-training | `arn:aws:iam::111122223333:role/dev-training` | training `training` |',
      '',
      '<details><summary>training `training`: ml-dev/training-training</summary>',
      '',
      '```json',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::strata-dev-checkpoints/slow/*'] }] }, null, 2),
      '```',
      '',
      '</details>',
      '',
    ]);
  });

  test('with cloud.identity: the roles are applied, the section points to them instead of repeating the documents', () => {
    const account = '111122223333';
    const withCloud = withChanges(dev, (e) => {
      delete e.identity.workloads;
      delete e.identity.drivers;
      e.identity.mode = 'irsa';
      e.storage.efs.fileSystemId = cloudFileSystemId('shared');
      e.cloud = {
        accountId: account,
        identity: { oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', controllerRoles: { iam: `arn:aws:iam::${account}:role/ack-iam`, eks: `arn:aws:iam::${account}:role/ack-eks` } },
        buckets: [{ name: 'strata-dev-checkpoints', purpose: 'checkpoints' }],
        fileSystems: [{ name: 'shared' }],
      };
    });
    const lines = policiesSection(planEnvironment(withCloud, catalog()));
    expect(lines.slice(0, 3)).toEqual(['## IAM policies', '', "Each policy below is applied: it is the ACK Policy of its role in `infrastructure/identity/roles.yaml`, resolved with this environment's values."]);
    expect(lines.some((l) => l.includes('```json'))).toBe(false);
  });

  test('a chart without policies: no section', () => {
    expect(policiesSection(planEnvironment(dev, catalogFromTree(fixtureChartTree())))).toEqual([]);
  });
});
