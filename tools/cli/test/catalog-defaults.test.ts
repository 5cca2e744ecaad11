/**
 * generate makes each chart's catalog entry from the data it holds instead of parsing values.yaml
 * back (synthesize.ts): for every chart of this repository, the entry is the one read from the
 * chart's files, values.yaml parsed (what `catalogFromTree` gives for charts/ on disk).
 */
import { resolve } from 'node:path';
import { catalogEntry } from '@strata/gitops';
import { findWorkloads, synthesizeChartFiles } from '../src';

const REPO = resolve(__dirname, '..', '..', '..');

describe("a chart's catalog entry from the data generate holds", () => {
  test.each(findWorkloads(REPO).map((w) => [w.name, w] as const))('%s: equal to the entry read from its files', (_name, w) => {
    const out = synthesizeChartFiles(w);
    expect(out.catalog).toStrictEqual(catalogEntry(w.name, out.files));
  }, 60_000);
});
