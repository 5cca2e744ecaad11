import { appliesIdentity } from './cloud';
import { EnvironmentPlan } from './plan';
import { resolvePolicy } from './policies';

/**
 * The environment report's IAM policies section: the least-privilege policy document each role
 * must hold, as its chart derives it (`iam-policies/<key>.json`, chart metadata never rendered
 * into the cluster) resolved with this environment's values. Documentation for an environment
 * whose identity is made outside strata; with `cloud.identity` the same documents are the ACK
 * Policies of infrastructure/identity, and the section says so instead of repeating them.
 */
export function policiesSection(plan: EnvironmentPlan): string[] {
  const rows: { who: string; role: string; key: string; doc: string }[] = [];
  for (const w of plan.workloads) {
    for (const [key, document] of Object.entries(w.entry.policies ?? {})) {
      const sa = w.serviceAccounts.find((s) => s.key === key);
      // A driver's key (s3-csi-driver) names its service account (s3-csi-driver-sa): the statements join the driver's role.
      const driver = key.includes('-') ? plan.drivers.find((d) => d.driver.identity.serviceAccount === `${key}-sa`) : undefined;
      const who = sa ? `${w.namespace}/${sa.name}` : driver ? `${driver.driver.identity.namespace}/${driver.driver.identity.serviceAccount} (for ${w.name})` : `${key} (for ${w.name})`;
      const arn = sa?.roleArn ?? driver?.roleArn;
      const role = arn ? `\`${arn}\`` : '**not set**';
      let doc: string;
      try {
        doc = JSON.stringify(resolvePolicy(document, w.merged), null, 2);
      } catch (e) {
        doc = `unreadable: ${(e as Error).message}; regenerate charts/${w.name}`;
      }
      rows.push({ who, role, key: `${w.name} \`${key}\``, doc });
    }
  }
  if (rows.length === 0) return [];
  const out = ['## IAM policies', ''];
  if (appliesIdentity(plan.env)) {
    out.push('Each policy below is applied: it is the ACK Policy of its role in `infrastructure/identity/roles.yaml`, resolved with this environment\'s values.', '');
    out.push('| service account | role | policy |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.who} | ${r.role} | ${r.key} |`), '');
    return out;
  }
  out.push(
    'What each role above must hold, exactly: the policy its chart derives (`charts/<chart>/iam-policies/<key>.json`) with this environment\'s values. Nothing here is applied: create each role with its document (e.g. `aws iam put-role-policy --role-name <role> --policy-name strata --policy-document file://<document>.json`).',
    '',
    '| service account | role | policy |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.who} | ${r.role} | ${r.key} |`),
    '',
  );
  for (const r of rows) out.push(`<details><summary>${r.key}: ${r.who}</summary>`, '', '```json', r.doc, '```', '', '</details>', '');
  return out;
}
