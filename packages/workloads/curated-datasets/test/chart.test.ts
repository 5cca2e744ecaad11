import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { validateObjects } from '@strata/kube-schemas';
import { chartFiles, Helm, resolveChart, synthesizeChart } from '@strata/helm';
import { checkResourceRequests, checkRestricted, podSpecsOf } from '@strata/checks';
import CuratedDatasetsChart from '../src/chart';

const NAME = 'curated-datasets';
const VERSION = '0.1.0';

/** The chart's files, as `npm run generate` writes them. */
function chart(): Map<string, string> {
  return chartFiles(synthesizeChart(new CuratedDatasetsChart(new App(), NAME)), { version: VERSION, source: `packages/workloads/${NAME}` });
}

/** The objects a release with these values holds (direct synthesis). */
function release(values: Record<string, unknown> = {}): any[] {
  return resolveChart(synthesizeChart(new CuratedDatasetsChart(Testing.app(), NAME, { values })), { name: NAME, namespace: 'team-a' }, VERSION, values);
}

describe(`${NAME} chart`, () => {
  test('synthesizes into a Helm chart with typed, documented values', () => {
    const files = chart();
    expect([...files.keys()]).toEqual(expect.arrayContaining(['Chart.yaml', 'values.yaml', 'values.schema.json', 'templates/_helpers.tpl']));
    expect(files.get('Chart.yaml')).toContain(`name: ${NAME}`);
    expect(JSON.parse(files.get('values.schema.json')!).additionalProperties).toBe(false);
  });

  test('is deterministic', () => {
    expect(chart()).toEqual(chart());
  });

  test('passes helm lint --strict', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), `${NAME}-`)), NAME);
    for (const [rel, content] of chart()) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    }
    await expect(new Helm().lint([dir], { strict: true })).resolves.toContain('0 chart(s) failed');
  });

  test('with default values: valid objects, Pod Security "restricted" pods requesting CPU and memory', () => {
    const objects = release();
    expect(validateObjects(objects)).toEqual([]);
    const pods = podSpecsOf(objects);
    expect(pods.length).toBeGreaterThan(0);
    for (const { id, spec } of pods) {
      expect({ id, problems: [...checkRestricted(spec), ...checkResourceRequests(spec)] }).toEqual({ id, problems: [] });
    }
  });

  test('claims from the environment\'s strata-s3-files class, ReadWriteMany, and says it uses the S3 Files tier', () => {
    const claims = release().filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => [c.spec.storageClassName, c.spec.accessModes])).toEqual([['strata-s3-files', ['ReadWriteMany']]]);
    expect(chart().get('Chart.yaml')).toContain('strata.dev/uses: s3-files');
  });
});
