/**
 * What a user does after the workload generator lists the roles to fill in: gives each service
 * account the chart writes an IAM policy for a role in the environment (identity.workloads), as
 * generate requires. Edits the definition through its AST, as the generators do. Where the environment's
 * `cloud.identity` applies identity, ACK makes the roles and there is nothing to give.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node } from 'ts-morph';
import { addProperty, EnvironmentDefinitionFile } from '../../tools/nx-plugin/src/generators/environment-definition';
import { TypeScriptFile } from '../../tools/nx-plugin/src/generators/typescript-file';

/** An account no placeholder check refuses, for roles made up in tests. */
export const TEST_ACCOUNT = '210987654321';

export function giveRoles(root: string, env: string, workload: string, serviceAccounts: readonly string[]): void {
  if (serviceAccounts.length === 0) return;
  const path = `environments/${env}/environment.ts`;
  const def = new EnvironmentDefinitionFile(TypeScriptFile.fromText(path, readFileSync(join(root, path), 'utf8')));
  const workloads = def.property(['identity', 'workloads'])?.getInitializer();
  // An environment whose cloud section applies identity (prod) makes each role through ACK: nothing to give.
  if (!workloads && def.property(['cloud', 'identity'])) return;
  if (!workloads || !Node.isObjectLiteralExpression(workloads)) throw new Error(`${path}: no identity.workloads object to add roles to`);
  const roles = serviceAccounts.map((k) => `${k}: 'arn:aws:iam::${TEST_ACCOUNT}:role/${env}-${workload}-${k}'`).join(', ');
  addProperty(def.file, workloads, def.file.quote(workload), `{ ${roles} }`);
  writeFileSync(join(root, path), def.file.text);
}
