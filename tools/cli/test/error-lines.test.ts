import { SynthesisError } from '@strata/helm';
import { errorLines } from '../src/synthesize';
import { WorkloadPackage } from '../src/workspace';

const w = {
  name: 'llm-train',
  dir: '/repo/packages/workloads/llm-train',
  source: 'packages/workloads/llm-train',
  chartModule: '/repo/packages/workloads/llm-train/src/chart.ts',
} as WorkloadPackage;

describe("a failed chart's error lines", () => {
  test("strata's own errors are given as they are, one line each", () => {
    expect(errorLines(w, new SynthesisError(['[llm-train/a] one', '[llm-train/b] two']))).toEqual(['llm-train: [llm-train/a] one', 'llm-train: [llm-train/b] two']);
  });

  test('a JavaScript error of the chart\'s code names its file and the command that names the line (generate does not type-check)', () => {
    expect(errorLines(w, new ReferenceError('DistributedDataset is not defined'))).toEqual([
      'llm-train: DistributedDataset is not defined (a ReferenceError in packages/workloads/llm-train/src/chart.ts or what it imports; generate does not type-check: npx tsc --noEmit -p packages/workloads/llm-train names the line)',
    ]);
  });

  test('any other error is its message', () => {
    expect(errorLines(w, new Error('ENOENT: no such file'))).toEqual(['llm-train: ENOENT: no such file']);
  });
});
