/**
 * Issue 6, "Done when": in a temporary copy of the workspace, scaffold a workload for each pattern
 * with `nx g @strata/nx-plugin:workload`, bind storage into a hand-edited chart with
 * `nx g @strata/nx-plugin:storage-binding`, run the generate command, and check that the new
 * charts pass `helm lint --strict` and appear in every environment's overlay.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Helm } from '@strata/helm';
import { loadEnvironments } from '@strata/gitops';
import { PATTERN_TIERS, PatternOption, StorageTierOption } from '../../tools/nx-plugin/src/generators/storage-tiers';
import { scaffoldFacts } from '../../tools/nx-plugin/src/generators/workload/environment-values';
import { giveRoles } from '../support/identity';
import { copyWorkspace, nx, REPO, run, SLOW } from '../support/workspace';

/** One workload per pattern (and a plain Deployment). */
const WORKLOADS: [name: string, flags: string[]][] = [
  ['e2e-serve', ['--pattern=model-repository', '--storage=efs', '--namespace=serving']],
  ['e2e-pretrain', ['--pattern=training-checkpoint']],
  ['e2e-dataset', ['--pattern=distributed-dataset', '--storage=fsx-lustre']],
  ['e2e-notebook', ['--pattern=none', '--storage=s3']],
];

describe('scaffolding, end to end', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('nx g … --dry-run writes nothing', () => {
    const out = nx(root, 'g', '@strata/nx-plugin:workload', 'e2e-serve', '--pattern=model-repository', '--environments=dev', '--dry-run', '--no-interactive');
    expect(out).toContain('CREATE packages/workloads/e2e-serve/src/chart.ts');
    expect(out).toContain('UPDATE environments/dev/environment.ts');
    expect(existsSync(join(root, 'packages/workloads/e2e-serve'))).toBe(false);
    expect(readFileSync(join(root, 'environments/dev/environment.ts'), 'utf8')).toBe(readFileSync(join(REPO, 'environments/dev/environment.ts'), 'utf8'));
  }, SLOW);

  test('nx g workload for each pattern: packages, and every environment named lists them', () => {
    const envs = readdirSync(join(root, 'environments')).filter((e) => existsSync(join(root, 'environments', e, 'environment.ts')));
    expect(envs.length).toBeGreaterThan(0);
    // A dataset workload only where the FSx class imports from S3 (elsewhere its file system would start empty: refused).
    const linking = loadEnvironments(root).filter((e) => typeof (e.definition.storage?.['fsx-lustre'] as { s3ImportPath?: string } | undefined)?.s3ImportPath === 'string').map((e) => e.name);
    for (const [name, flags] of WORKLOADS) nx(root, 'g', '@strata/nx-plugin:workload', name, ...flags, `--environments=${(flags.includes('--pattern=distributed-dataset') ? linking : envs).join(',')}`, '--skipInstall', '--no-interactive');
    for (const [name, flags] of WORKLOADS) {
      expect(existsSync(join(root, 'packages/workloads', name, 'src/chart.ts'))).toBe(true);
      for (const env of flags.includes('--pattern=distributed-dataset') ? linking : envs) expect(readFileSync(join(root, 'environments', env, 'environment.ts'), 'utf8')).toContain(`'${name}': workload<`);
    }
  }, SLOW);

  test('nx g storage-binding into a hand-edited chart keeps the edits', () => {
    const chart = join(root, 'packages/workloads/e2e-serve/src/chart.ts');
    const edited = readFileSync(chart, 'utf8')
      .replace("    const v = this.values;\n", "    const v = this.values;\n    // Hand-edited: tuned for our GPUs.\n")
      .replace("default: 1, minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod.'", "default: 2,   minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod (two by default here).'");
    writeFileSync(chart, edited);
    nx(root, 'g', '@strata/nx-plugin:storage-binding', '--workload=e2e-serve', '--storage=fsx-lustre', '--mount=/data', '--read-only', '--no-interactive');
    const bound = readFileSync(chart, 'utf8');
    expect(bound).toContain("    // Hand-edited: tuned for our GPUs.\n");
    expect(bound).toContain("default: 2,   minimum: 0, maximum: 8, description: 'NVIDIA GPUs per server pod (two by default here).'");
    expect(bound).toContain("mountEverywhere(this, data, '/data', { readOnly: true });");
    // The same binding again: nothing changes.
    nx(root, 'g', '@strata/nx-plugin:storage-binding', '--workload=e2e-serve', '--storage=fsx-lustre', '--mount=/data', '--read-only', '--no-interactive');
    expect(readFileSync(chart, 'utf8')).toBe(bound);
    // An S3 binding reads with the pods' own credentials, as the workload generator's charts do.
    nx(root, 'g', '@strata/nx-plugin:storage-binding', '--workload=e2e-pretrain', '--storage=s3', '--mount=/reference', '--read-only', '--no-interactive');
    expect(readFileSync(join(root, 'packages/workloads/e2e-pretrain/src/chart.ts'), 'utf8')).toContain('    grantMountpoint(reference);\n');
  }, SLOW);

  test('generate: the new charts pass helm lint --strict and are in the overlay of every environment they were added to', async () => {
    // The roles the generator listed to fill in (generate requires one for each service account a chart writes a policy for).
    for (const env of readdirSync(join(root, 'environments')).filter((e) => existsSync(join(root, 'environments', e, 'environment.ts')))) {
      const text = readFileSync(join(root, 'environments', env, 'environment.ts'), 'utf8');
      for (const [name, flags] of WORKLOADS) {
        if (!text.includes(`'${name}': workload<`)) continue;
        const option = (o: string) => flags.find((f) => f.startsWith(`--${o}=`))?.split('=')[1];
        const pattern = option('pattern') as PatternOption;
        giveRoles(root, env, name, scaffoldFacts(pattern, (option('storage') ?? PATTERN_TIERS[pattern][0]) as StorageTierOption).serviceAccounts);
      }
    }
    run(root, ['-r', '@swc-node/register', 'tools/cli/bin/generate.ts'], { STRATA_ROOT: root });
    const charts = WORKLOADS.map(([name]) => join(root, 'charts', name));
    await expect(new Helm().lint(charts, { strict: true })).resolves.toContain(`${WORKLOADS.length} chart(s) linted, 0 chart(s) failed`);
    // The binding is in the chart: its values and a claim on the FSx for Lustre class.
    const values = readFileSync(join(root, 'charts/e2e-serve/values.yaml'), 'utf8');
    expect(values).toMatch(/^data:\n/m);
    expect(values).toContain('storageClassName: strata-fsx-lustre');
    // The S3 binding's read policy went to the role of the training pods' service account (whose role every environment gives).
    const policies = readdirSync(join(root, 'charts/e2e-pretrain/iam-policies'));
    expect(policies).toEqual(['training.json']);
    expect(JSON.stringify(JSON.parse(readFileSync(join(root, 'charts/e2e-pretrain/iam-policies/training.json'), 'utf8')))).toContain('{"$value":"reference.bucket"}');
    expect(readdirSync(join(root, 'charts/e2e-pretrain/templates')).filter((f) => f.includes('iam'))).toEqual([]);
    for (const env of readdirSync(join(root, 'environments'))) {
      const kustomization = join(root, 'environments', env, 'apps', 'kustomization.yaml');
      if (!existsSync(join(root, 'environments', env, 'environment.ts'))) continue;
      const text = readFileSync(kustomization, 'utf8');
      const listed = readFileSync(join(root, 'environments', env, 'environment.ts'), 'utf8');
      for (const [name] of WORKLOADS) expect({ env, name, listed: text.includes(`- ../../base/apps/${name}\n`) }).toEqual({ env, name, listed: listed.includes(`'${name}': workload<`) });
    }
  }, SLOW);
});
