/**
 * Issue 15, "Generators don't guess for prod": `environment --from=staging` silently kept
 * staging's account, roles, buckets and EFS file system. It copies the structure now; what
 * identified staging is a placeholder, and generate refuses the environment, naming each field,
 * until every one is filled in. Placeholders (the exact list is PLACEHOLDER_ACCOUNTS and the rest
 * of @strata/gitops placeholders.ts) are refused in any environment.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { environmentGenerator } from '../../tools/nx-plugin/src/generators/environment/generator';
import { copyWorkspace, run, SLOW } from '../support/workspace';

const generate = (root: string): { ok: boolean; output: string } => {
  try {
    return { ok: true, output: run(root, [join(root, 'tools/scripts/generate.mjs')]) };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
};

describe('environment --from copies structure, not identity', () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'perf --from=staging: none of staging\'s account, IDs or buckets; generate names every placeholder; filled in, it generates',
    async () => {
      const staging = readFileSync(join(root, 'environments/staging/environment.ts'), 'utf8');
      const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
      try {
        const tree = new FsTree(root, false);
        await environmentGenerator(tree, { name: 'perf', from: 'staging' });
        flushChanges(root, tree.listChanges());
        // The output lists what to fill in.
        expect(info.mock.calls.map((c) => c[0]).join('\n')).toMatch(/^environments\/perf\/environment\.ts: staging's structure; what identified staging is a placeholder to fill in/);
      } finally {
        info.mockRestore();
      }
      const perf = readFileSync(join(root, 'environments/perf/environment.ts'), 'utf8');
      // Nothing that identifies staging is left: its account, subnet, groups, file systems, buckets.
      const identifying = [...staging.matchAll(/\b(\d{12}|(subnet|sg|fs)-[0-9a-f]{8,17}|strata-staging-[a-z-]+)\b/g)].map((m) => m[1]).filter((v) => !/^(subnet|sg|fs)-0+$/.test(v));
      expect(identifying.length).toBeGreaterThan(3);
      for (const v of new Set(identifying)) expect({ v, kept: perf.includes(v) }).toEqual({ v, kept: false });

      const refused = generate(root);
      expect(refused.ok).toBe(false);
      const F = 'environments/perf/environment.ts: ';
      expect(refused.output).toContain(`${F}'network.subnetId' ("subnet-00000000000000000") must be a real value, not the placeholder ID subnet-00000000000000000`);
      expect(refused.output).toContain(`${F}'storage.efs.fileSystemId' ("fs-00000000000000000") must be a real value, not the placeholder ID fs-00000000000000000`);
      expect(refused.output).toMatch(new RegExp(`${F}'registry' \\("oci://000000000000\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/[a-z0-9/-]+"\\) must be a real value, not the placeholder AWS account 000000000000`));
      expect(refused.output).toMatch(new RegExp(`${F}'workloads\\.[a-z-]+\\.values\\.[a-z]+\\.bucket' \\("fill-in-bucket"\\) must be a real value, not a "fill-in" placeholder .*; write the name of this environment's bucket`));
      // Nothing else went wrong with the copy: every error is a placeholder's.
      const errors = refused.output.split('\n').filter((l) => l.trim().startsWith(F));
      expect(errors.filter((l) => !l.includes('must be a real value, not '))).toEqual([]);
      // The bundled environments are not refused.
      expect(refused.output).not.toMatch(/environments\/(dev|staging|prod)\/environment\.ts: '[^']+' \([^)]*\) must be a real value/);

      // Filled in: it generates.
      let n = 0;
      const filled = perf
        .replace(/000000000000/g, '210987654321')
        .replace(/\b(subnet|sg|fs)-0{17}\b/g, (_m, k: string) => `${k}-0f0e0d0c0b0a0${(n++).toString(16)}999`)
        .replace(/fill-in-bucket/g, 'strata-perf-data')
        .replace(/fill-in-perf-role/g, 'KarpenterNodeRole-strata-perf');
      writeFileSync(join(root, 'environments/perf/environment.ts'), filled);
      const ok = generate(root);
      expect(ok.output).toMatch(/generate: \d+ chart\(s\) .* and 4 environment\(s\)/);
    },
    SLOW,
  );
});
