/**
 * Issue 15: a chart whose own defaults its schema refuses (a rule a construct attached to a value,
 * here FSx for Lustre's capacity steps on dataset.size) is refused once, against the chart's
 * source, in words — never repeated per environment deploying it — and nothing is written.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, run, SLOW } from '../support/workspace';

describe("a chart's defaults against its own schema", () => {
  let root: string;
  beforeAll(() => {
    root = copyWorkspace();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('a default a construct rule refuses: one error naming the package, nothing written', () => {
    const chart = join(root, 'packages/workloads/llm-finetune/src/chart.ts');
    const before = readFileSync(join(root, 'charts/llm-finetune/values.yaml'), 'utf8');
    writeFileSync(chart, readFileSync(chart, 'utf8').replace("v.size('dataset.size', { default: Size.gibibytes(1200),", "v.size('dataset.size', { default: Size.gibibytes(1300),"));
    let out = '';
    try {
      run(root, [join(root, 'tools/scripts/generate.mjs')]);
    } catch (e) {
      out = (e as Error).message;
    }
    const errors = out.split('\n').filter((l) => l.startsWith('  '));
    expect(errors).toEqual([expect.stringMatching(/^ {2}packages\/workloads\/llm-finetune: 'values\.dataset\.size' \(1300\) must be .*; change the default in packages\/workloads\/llm-finetune, or the rule that refuses it \(rule: \[llm-finetune\/dataset\/fsx\] storage\)$/)]);
    expect(errors[0]).not.toMatch(/matching \//);
    expect(readFileSync(join(root, 'charts/llm-finetune/values.yaml'), 'utf8')).toBe(before);
    // The chart's files were staged by the thread that made it, before the check refused them: dropped.
    expect(existsSync(join(root, 'charts.strata-new'))).toBe(false);
  }, SLOW);
});
