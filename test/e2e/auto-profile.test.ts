/**
 * `nx g workload … --storage=auto --environments=…` writes the profile into each entry, under the
 * claim the scaffold makes: here the generator runs in this process on a copy of the workspace,
 * generate runs on it, and the environment's report checks the new workload's claim against its
 * storage (a row in Storage bottlenecks, the demand grown in Headroom) with no error: the claim
 * name written before the chart existed is one the synthesized chart has.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { workloadGenerator } from '../../tools/nx-plugin/src/generators/workload/generator';
import { scaffoldFacts } from '../../tools/nx-plugin/src/generators/workload/environment-values';
import { giveRoles } from '../support/identity';
import { copyWorkspace, recordInLock, run, SLOW } from '../support/workspace';

describe('--storage=auto --environments: the written profile is checked by generate', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'a model repository read by six servers: EFS chosen, its profile checked on model-cache in dev',
    async () => {
      const tree = new FsTree(root, false);
      const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
      try {
        await workloadGenerator(tree, { name: 'w-auto', pattern: 'model-repository', storage: 'auto', dataGiB: 30, access: 'write-once', readers: 6, readMBpsPerReader: 100, sharing: 'zones', hoursPerMonth: 10, environments: 'dev', skipInstall: true });
      } finally {
        info.mockRestore();
      }
      flushChanges(root, tree.listChanges());
      recordInLock(root, 'packages/workloads/w-auto');
      giveRoles(root, 'dev', 'w-auto', scaffoldFacts('model-repository', 'efs').serviceAccounts);
      const out = run(root, [join(root, 'tools/scripts/generate.mjs')]);
      expect(out.split('\n').filter((l) => l.includes('w-auto') && /^(warning|error)/.test(l))).toEqual([]);
      const readme = readFileSync(join(root, 'environments/dev/README.md'), 'utf8');
      const bottlenecks = readme.slice(readme.indexOf('## Storage bottlenecks'), readme.indexOf('## Headroom'));
      expect(bottlenecks).toContain('| w-auto | model-cache | EFS elastic | reads 600 MB/s (6 readers × 100 MB/s), 100 MB/s per node');
      expect(readme).toContain('w-auto/model-cache at 2× (1,200 MB/s read): fits');
    },
    SLOW * 2,
  );
});
