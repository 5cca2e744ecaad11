import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Testing } from 'cdk8s';
import { chartFiles, chooseVersion, CONTENT_DIGEST_ANNOTATION, recordedChart, synthesizeChart } from '../src';
import { DemoChart } from './fixtures/demo-chart';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

test.each([
  ['0.1.0', A, undefined, '0.1.0', 'first generation takes the declared version'],
  ['0.1.0', A, { version: '0.1.3', contentDigest: A }, '0.1.3', 'same content keeps the recorded version'],
  ['0.1.0', B, { version: '0.1.3', contentDigest: A }, '0.1.4', 'changed content bumps the patch'],
  ['0.2.0', A, { version: '0.1.3', contentDigest: A }, '0.2.0', 'a higher declared version wins'],
  ['0.1.0', B, { version: '0.1.3' }, '0.1.4', 'a record without digest counts as changed'],
])('chooseVersion(%s, %s, %j) = %s: %s', (declared, digest, recorded, expected, _why) => {
  expect(chooseVersion(declared, digest, recorded)).toBe(expected);
});

test('chooseVersion refuses a version that is not MAJOR.MINOR.PATCH', () => {
  expect(() => chooseVersion('1.0', A)).toThrow("version '1.0' must be MAJOR.MINOR.PATCH");
});

test('the content digest ignores the version and changes with the content', () => {
  const files = (values?: Record<string, unknown>, version = '1.2.3') =>
    chartFiles(synthesizeChart(new DemoChart(Testing.app(), 'demo', { values })), { version, source: 'x' });
  const a = recordedChart(files().get('Chart.yaml')!)!;
  const b = recordedChart(files(undefined, '9.9.9').get('Chart.yaml')!)!;
  expect(a.version).toBe('1.2.3');
  expect(a.contentDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(b.contentDigest).toBe(a.contentDigest);
  expect(files().get('Chart.yaml')).toContain(`${CONTENT_DIGEST_ANNOTATION}: ${a.contentDigest}`);
  const changed = recordedChart(files({ server: { replicas: 3 } }).get('Chart.yaml')!)!;
  expect(changed.contentDigest).not.toBe(a.contentDigest);
});

describe('recordedChart', () => {
  const charts = join(__dirname, '..', '..', '..', 'charts');
  const parsed = (text: string) => {
    const doc = parse(text) as { version: string; annotations?: Record<string, string> };
    return { version: String(doc.version), contentDigest: doc.annotations?.[CONTENT_DIGEST_ANNOTATION] };
  };

  test.each(readdirSync(charts).filter((c) => existsSync(join(charts, c, 'Chart.yaml'))))('reads charts/%s/Chart.yaml as a YAML parser does', (chart) => {
    const text = readFileSync(join(charts, chart, 'Chart.yaml'), 'utf8');
    expect(recordedChart(text)).toEqual(parsed(text));
  });

  test('a hand-written Chart.yaml (quoted, flow-style annotations) is parsed as YAML', () => {
    const text = `apiVersion: v2\nname: x\nversion: "1.2.3"\nannotations: { ${CONTENT_DIGEST_ANNOTATION}: "${A}" }\n`;
    expect(recordedChart(text)).toEqual({ version: '1.2.3', contentDigest: A });
  });

  test('a Chart.yaml without a version records nothing', () => {
    expect(recordedChart('apiVersion: v2\nname: x\n')).toBeUndefined();
  });
});
