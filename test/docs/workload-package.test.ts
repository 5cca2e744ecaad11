/**
 * docs/workload-packages.md followed as a reader would, in a copy of the workspace: the package's
 * files are the page's code blocks as they are, `npm install` records it, `npm run generate` writes
 * its chart, the page's environment entry deploys it, and the Nx targets carry the folder's name.
 * A key or a step the page leaves out, or a block that stops working, fails here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, nx, recordInLock, REPO, run, SLOW } from '../support/workspace';

const PAGE = readFileSync(join(REPO, 'docs/workload-packages.md'), 'utf8');

/** The code blocks of the page's section under `heading`, in order, with their language. */
function blocks(heading: string): { lang: string; code: string }[] {
  const start = PAGE.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/workload-packages.md has no section "## ${heading}"`);
  const end = PAGE.indexOf('\n## ', start + 1);
  const section = PAGE.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
}

const FOLDER = 'packages/workloads/llm-serving';
const lines = (out: string, prefix: string) => out.split('\n').filter((l) => l.startsWith(prefix));

describe('a workload package written by hand, as docs/workload-packages.md says', () => {
  let root: string;
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  test(
    'its files, npm install, generate, an environment: accepted without a warning; nx run <folder>:… finds it',
    () => {
      root = copyWorkspace('strata-by-hand-');
      const [pkg] = blocks('package.json');
      const [tsconfig, jestConfig] = blocks('tsconfig.json and jest.config.js');
      const [chart] = blocks('src/chart.ts');
      expect([pkg.lang, tsconfig.lang, jestConfig.lang, chart.lang]).toEqual(['json', 'json', 'js', 'ts']);
      mkdirSync(join(root, FOLDER, 'src'), { recursive: true });
      writeFileSync(join(root, FOLDER, 'package.json'), pkg.code);
      writeFileSync(join(root, FOLDER, 'tsconfig.json'), tsconfig.code);
      writeFileSync(join(root, FOLDER, 'jest.config.js'), jestConfig.code);
      writeFileSync(join(root, FOLDER, 'src/chart.ts'), chart.code);
      recordInLock(root, FOLDER); // npm install (which, in a copy, would write through node_modules into the repository's)

      const first = run(root, [join(root, 'tools/scripts/generate.mjs')]);
      expect(lines(first, 'warning:')).toEqual([]);
      expect(existsSync(join(root, 'charts/llm-serving/values.d.ts'))).toBe(true);

      // "Deploying it": the import and the entry, into dev.
      const [entry] = blocks('Deploying it');
      const importLine = entry.code.split('\n').find((l) => l.startsWith('import type'))!;
      const workloadLine = entry.code.split('\n').find((l) => l.trim().startsWith("'llm-serving':"))!;
      const envFile = join(root, 'environments/dev/environment.ts');
      const env = readFileSync(envFile, 'utf8');
      const lastImport = env.lastIndexOf('\nimport ');
      const afterImports = env.indexOf('\n', lastImport + 1) + 1;
      const withImport = `${env.slice(0, afterImports)}${importLine}\n${env.slice(afterImports)}`;
      expect(withImport).toContain('\n  workloads: {\n');
      writeFileSync(envFile, withImport.replace('\n  workloads: {\n', `\n  workloads: {\n  ${workloadLine}\n`));

      const second = run(root, [join(root, 'tools/scripts/generate.mjs')]);
      expect(lines(second, 'warning:')).toEqual([]);
      expect(readFileSync(join(root, 'environments/dev/apps/kustomization.yaml'), 'utf8')).toContain('llm-serving');
      const deployment = readFileSync(join(root, 'charts/llm-serving/templates/deployment-web.yaml'), 'utf8');
      expect(deployment).toMatch(/progressDeadlineSeconds: 630\b/);

      // The Nx project is named after the folder, with strata's targets and the package's scripts.
      const project = JSON.parse(nx(root, 'show', 'project', 'llm-serving', '--json'));
      expect(Object.keys(project.targets).sort()).toEqual(['package', 'publish', 'synth', 'test', 'typecheck', 'validate']);

      // Its typecheck target's command type-checks the page's chart.
      run(root, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, FOLDER, 'tsconfig.json')]);

      // Without nx.name, generate says what the page says it says.
      const parsed = JSON.parse(pkg.code);
      delete parsed.nx;
      writeFileSync(join(root, FOLDER, 'package.json'), JSON.stringify(parsed, null, 2));
      const warned = lines(run(root, [join(root, 'tools/scripts/generate.mjs')]), 'warning:');
      expect(warned).toHaveLength(1);
      expect(PAGE).toContain(`\n${warned[0]}\n`);
    },
    SLOW,
  );
});
