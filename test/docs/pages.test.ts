/**
 * The pages of docs/ made from the code stay as `npm run docs` writes them (the commands reference
 * from the generators' and executors' schemas, the recipes' code in their page), and every recipe
 * is shown and type-checked. The API reference (TypeDoc, slow) is checked by `npm run docs -- --check`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
