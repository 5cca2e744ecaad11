import { ACK_CONTROLLERS } from '@strata/cloud';
import { catalogFromTree, environmentFiles, planEnvironment, yamlDocuments } from '../src';
import { monitoringReport } from '../src/report-monitoring';
import { fixtureChartTree } from './fixtures/charts';
import { dev, withChanges } from './fixtures/environments';

const account = '111122223333';
const catalog = () => catalogFromTree(fixtureChartTree());
/** dev with a cloud section (identity only): its MetricAlarms (the EFS file system's) need the ACK cloudwatch controller. */
const withCloud = withChanges(dev, (e) => {
  e.cloud = { accountId: account, identity: { oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', controllerRoles: { iam: `arn:aws:iam::${account}:role/ack-iam`, eks: `arn:aws:iam::${account}:role/ack-eks` } } };
});
const docs = (files: Map<string, string>, path: string) => yamlDocuments(files.get(path)!) as any[];

describe('CloudWatch alarms and the ACK cloudwatch controller', () => {
  test('with a cloud section: installed like the other ACK service controllers, and the alarms wait for the Kustomization that installs it', () => {
    const files = environmentFiles(withCloud, catalog());
    expect(docs(files, 'dev/monitoring/cloudwatch/alarms.yaml').length).toBeGreaterThan(0);
    const [repo, release] = docs(files, 'dev/infrastructure/controllers/ack-cloudwatch-controller.yaml');
    expect(repo.spec).toMatchObject({ url: ACK_CONTROLLERS.cloudwatch.chartUrl, ref: { tag: '1.8.1' } });
    expect(release.metadata).toMatchObject({ name: 'ack-cloudwatch-controller', namespace: 'ack-system' });
    // Its CRDs (MetricAlarm among them) created and replaced with the chart; retain for any object that states no policy.
    expect(release.spec.install.crds).toBe('CreateReplace');
    expect(release.spec.upgrade.crds).toBe('CreateReplace');
    expect(release.spec.values.deletionPolicy).toBe('retain');
    expect(release.spec.values.serviceAccount).toEqual({ annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${account}:role/strata-dev-ack-cloudwatch-controller` } });
    // Its own role, made in infra-identity with upstream's recommended policy.
    const role = docs(files, 'dev/infrastructure/identity/roles.yaml').find((o) => o.kind === 'Role' && o.spec.name === 'strata-dev-ack-cloudwatch-controller');
    expect(role.spec.policies).toEqual(['arn:aws:iam::aws:policy/CloudWatchFullAccessV2']);
    // The alarms' Kustomization depends on the Kustomization whose directory holds the controller.
    const installer = docs(files, 'dev/infrastructure.yaml').find((k) => docs(files, `dev/infrastructure/${k.spec.path.split('/infrastructure/')[1]}/kustomization.yaml`)[0].resources.includes('ack-cloudwatch-controller.yaml'));
    expect(installer.metadata.name).toBe('infra-controllers');
    const alarms = docs(files, 'dev/monitoring.yaml').find((o) => o.metadata.name === 'monitoring-cloudwatch');
    expect(alarms.spec.dependsOn).toEqual([{ name: installer.metadata.name }]);
    expect(monitoringReport(planEnvironment(withCloud, catalog())).join('\n')).toContain(
      `The ACK cloudwatch controller (oci://public.ecr.aws/aws-controllers-k8s/cloudwatch-chart 1.8.1, CRDs CreateReplace, deletionPolicy retain) is installed by \`infra-controllers\` with its own role \`arn:aws:iam::${account}:role/strata-dev-ack-cloudwatch-controller\` (CloudWatchFullAccessV2, upstream's recommended policy); monitoring-cloudwatch depends on infra-controllers.`,
    );
  });

  test('no alarms (CloudWatch side off): no cloudwatch controller, no role for it', () => {
    const off = withChanges(withCloud, (e) => (e.monitoring = { cloudwatch: { enabled: false } }));
    const plan = planEnvironment(off, catalog());
    expect(plan.errors).toEqual([]);
    expect(plan.cloud!.controllers.map((c) => c.controller.service)).toEqual(['iam']);
    expect([...environmentFiles(off, catalog()).keys()].filter((k) => k.includes('cloudwatch'))).toEqual([]);
  });

  test('without a cloud section: today\'s files, and the report says the team installs the controller', () => {
    const files = environmentFiles(dev, catalog());
    expect([...files.keys()].filter((k) => k.includes('ack-'))).toEqual([]);
    expect(docs(files, 'dev/monitoring.yaml').find((o) => o.metadata.name === 'monitoring-cloudwatch').spec.dependsOn).toEqual([{ name: 'infra-controllers' }]);
    expect(monitoringReport(planEnvironment(dev, catalog())).join('\n')).toContain(
      '**The ACK cloudwatch controller must be installed by the team**: this environment has no `cloud` section, so strata installs no ACK controller. Install oci://public.ecr.aws/aws-controllers-k8s/cloudwatch-chart 1.8.1 in namespace ack-system with a role holding `arn:aws:iam::aws:policy/CloudWatchFullAccessV2` (aws-controllers-k8s/cloudwatch-controller@v1.8.1 config/iam/recommended-inline-policy), or declare `cloud` (docs/cloud.md) and strata installs it. Until then monitoring-cloudwatch fails on the unknown kind MetricAlarm; the workloads do not wait for it.',
    );
  });
});
