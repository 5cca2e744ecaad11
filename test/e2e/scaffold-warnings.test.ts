/**
 * Issue 15, "No warnings on a clean clone": a fresh scaffold of every pattern and tier, added to
 * every environment that can take it (a dataset workload only where the FSx class imports from
 * S3), generates with zero warnings about it, whatever each environment's region and FSx class. Scaffolds hard-coded SCRATCH_2, so each
 * new FSx workload added a warning in every PERSISTENT environment: warning fatigue hides the real
 * ones. The generator runs in this process (an `nx g` per combination would cost a project graph
 * each), one generate for all of them.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { loadEnvironments } from '@strata/gitops';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { workloadGenerator } from '../../tools/nx-plugin/src/generators/workload/generator';
import { WorkloadGeneratorSchema } from '../../tools/nx-plugin/src/generators/workload/schema';
import { scaffoldFacts } from '../../tools/nx-plugin/src/generators/workload/environment-values';
import { giveRoles } from '../support/identity';
import { copyWorkspace, recordInLock, run, SLOW } from '../support/workspace';

const COMBINATIONS: [name: string, pattern: WorkloadGeneratorSchema['pattern'], storage: Exclude<WorkloadGeneratorSchema['storage'], 'auto'>][] = [
  ['w-models-efs', 'model-repository', 'efs'],
  ['w-models-fsx', 'model-repository', 'fsx-lustre'],
  ['w-models-s3', 'model-repository', 's3'],
  ['w-pretrain', 'training-checkpoint', 'instance-store'],
  ['w-dataset', 'distributed-dataset', 'fsx-lustre'],
  ['w-app-efs', 'none', 'efs'],
  ['w-app-fsx', 'none', 'fsx-lustre'],
  ['w-app-s3', 'none', 's3'],
  ['w-app-nvme', 'none', 'instance-store'],
];
const ENVIRONMENTS = ['dev', 'staging', 'prod'];

describe('every scaffold generates without warnings in every environment it is added to', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'each pattern and tier, added to dev, staging and prod',
    async () => {
      // A dataset workload goes only where the FSx class imports from S3 (elsewhere the generator refuses it: its file system would start empty).
      // (Read from the text: loading the definitions here would keep them in jest's module registry, unedited, for the check below.)
      const linking = ENVIRONMENTS.filter((e) => /'fsx-lustre':\s*\{[^}]*\bs3ImportPath:\s*'s3:\/\//.test(readFileSync(join(root, 'environments', e, 'environment.ts'), 'utf8')));
      expect(linking.length).toBeGreaterThan(0);
      const environmentsOf = (pattern: string) => (pattern === 'distributed-dataset' ? linking : ENVIRONMENTS);
      const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
      try {
        for (const [name, pattern, storage] of COMBINATIONS) {
          const tree = new FsTree(root, false);
          await workloadGenerator(tree, { name, pattern, storage, environments: environmentsOf(pattern).join(','), skipInstall: true });
          flushChanges(root, tree.listChanges());
          recordInLock(root, `packages/workloads/${name}`); // what the generator's npm install records
          // What the output lists to fill in, and generate requires: a role for each service account the chart writes a policy for.
          for (const env of environmentsOf(pattern)) giveRoles(root, env, name, scaffoldFacts(pattern, storage!).serviceAccounts);
        }
      } finally {
        info.mockRestore();
      }
      // Each environment decided what it decides: the region of its cluster, the type of its FSx class.
      for (const e of loadEnvironments(root).filter((x) => ENVIRONMENTS.includes(x.name))) {
        const values = e.definition.workloads['w-models-fsx'].values as { aws: { region: string }; cache?: { deploymentType?: string } };
        expect(values.aws.region).toBe(e.definition.cluster.region);
        expect(values.cache?.deploymentType ?? 'SCRATCH_2').toBe((e.definition.storage?.['fsx-lustre'] as { deploymentType?: string } | undefined)?.deploymentType ?? 'SCRATCH_2');
      }
      const out = run(root, [join(root, 'tools/scripts/generate.mjs')]);
      const ours = out.split('\n').filter((l) => l.startsWith('warning:') && COMBINATIONS.some(([name]) => l.includes(name)));
      expect(ours).toEqual([]);
      for (const env of ENVIRONMENTS) {
        const apps = readFileSync(join(root, 'environments', env, 'apps/kustomization.yaml'), 'utf8');
        for (const [name, pattern] of COMBINATIONS) {
          const added = environmentsOf(pattern).includes(env);
          expect({ env, name, listed: apps.includes(`- ../../base/apps/${name}\n`) }).toEqual({ env, name, listed: added });
        }
      }
    },
    SLOW,
  );
});
