/**
 * The pages of docs/ made from the code stay as `npm run docs` writes them (the commands reference
 * from the generators' and executors' schemas, the recipes' code in their page), and every recipe
 * is shown and type-checked. The API reference (TypeDoc, slow) is checked by `npm run docs -- --check`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO } from '../support/workspace';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pages = require(join(REPO, 'tools/scripts/docs-pages.cjs')) as {
  builtPages(root: string): Map<string, string>;
  recipeFiles(root: string): string[];
  recipesShown(page: string): string[];
};

describe('docs made from the code', () => {
  test.each([...pages.builtPages(REPO)])('%s is as `npm run docs` writes it', (file, content) => {
    expect(readFileSync(join(REPO, file), 'utf8')).toBe(content);
  });

  test('the recipes page shows every recipe file once, and the test package type-checks them', () => {
    const shown = pages.recipesShown(readFileSync(join(REPO, 'docs/recipes/README.md'), 'utf8'));
    expect([...shown].sort()).toEqual(pages.recipeFiles(REPO));
    expect(JSON.parse(readFileSync(join(REPO, 'test/tsconfig.json'), 'utf8')).include).toContain('../docs/recipes');
  });

  test('there is a recipe per pattern and per workload kind family', () => {
    expect(pages.recipeFiles(REPO)).toEqual(
      expect.arrayContaining([
        'model-repository.ts', 'training-checkpoint.ts', 'distributed-dataset.ts',
        'deployment-and-job.ts', 'jobset.ts', 'leader-worker-set.ts', 'pytorch-job.ts', 'trainer.ts',
        'kuberay.ts', 'kserve.ts', 'nim.ts', 'spark.ts', 'custom-workload.ts',
      ]),
    );
  });
});

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to "-". */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file: its headings' (duplicates numbered as GitHub does) and explicit `<a id>`s. */
function anchorsOf(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^```/.test(line)) fenced = !fenced;
    const h = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a id="([^"]+)"/g)) out.add(m[1]);
  }
  return out;
}

/** Files of the repository a reader opens first: the README, docs/, the environments' and packages' READMEs. */
function pagesToCheck(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
  const readmes = ['packages', 'tools']
    .flatMap((d) => readdirSync(join(REPO, d)).map((p) => join(d, p, 'README.md')))
    .filter((f) => existsSync(join(REPO, f)));
  return ['README.md', 'environments/README.md', ...walk('docs'), ...readmes];
}

describe('links of the docs', () => {
  test('every relative link points at a file of the repository, and every anchor at a heading of it', () => {
    const broken: string[] = [];
    const anchors = new Map<string, Set<string>>();
    const anchorsIn = (file: string) => {
      if (!anchors.has(file)) anchors.set(file, anchorsOf(readFileSync(file, 'utf8')));
      return anchors.get(file)!;
    };
    for (const page of pagesToCheck()) {
      const text = readFileSync(join(REPO, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/^\[[^\]]+\]:\s+(\S+)/gm)].map((m) => m[1]);
      for (const target of targets) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#');
        const file = path === '' ? join(REPO, page) : resolve(dirname(join(REPO, page)), decodeURIComponent(path));
        if (!file.startsWith(`${REPO}/`) && file !== REPO) broken.push(`${page}: ${target} leaves the repository`);
        else if (!existsSync(file)) broken.push(`${page}: ${target} does not exist`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchorsIn(file).has(anchor)) broken.push(`${page}: ${target} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
