import { Testing } from 'cdk8s';
import { describePolicies } from '@strata/tokens';
import { chartFiles, synthesizeChart, WorkloadChart } from '../src';

/**
 * Issue 17: the IAM policy documents a chart derives are chart metadata, `iam-policies/<key>.json`,
 * never an object rendered into the cluster: strings bound to values become facts that
 * environments resolve with each release's values.
 */
class PolicyChart extends WorkloadChart {
  public constructor(statement: (chart: PolicyChart) => Record<string, unknown>) {
    super(Testing.app(), 'pol', { name: 'pol', description: 'A chart with a policy.' });
    describePolicies(this, { reader: { Version: '2012-10-17', Statement: [statement(this)] } });
  }
}

describe('iam-policies/<key>.json', () => {
  test('a document is written outside templates/, each value-bound string as a fact; no template mentions it', () => {
    const files = chartFiles(
      synthesizeChart(
        new PolicyChart((c) => {
          const bucket = c.values.string('data.bucket', { default: 'ml-data', description: 'Bucket.' });
          const prefix = c.values.string('data.prefix', { default: 'train/', description: 'Prefix.' });
          return { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/${prefix}*`, bucket] };
        }),
      ),
      { version: '0.1.0', source: 'test' },
    );
    expect(JSON.parse(files.get('iam-policies/reader.json')!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ $concat: ['arn:aws:s3:::', { $value: 'data.bucket' }, '/', { $value: 'data.prefix' }, '*'] }, { $value: 'data.bucket' }] }],
    });
    expect([...files.keys()].filter((p) => p.startsWith('templates/') && files.get(p)!.includes('2012-10-17'))).toEqual([]);
    expect(files.get('README.md')).toContain('| `reader` | [iam-policies/reader.json](iam-policies/reader.json) |');
  });

  test('a document that depends on the release (not a value) is refused at generate, by file and field', () => {
    const chart = new PolicyChart((c) => ({ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${c.release.name}/*`] }));
    expect(() => chartFiles(synthesizeChart(chart), { version: '0.1.0', source: 'test' })).toThrow(/^iam-policies\/reader\.json\.Statement\[0\]\.Resource\[0\]: a policy may depend only on the chart's values \(not on the release's name or a derived value\); found /);
  });

  test('a chart without policies has no iam-policies folder and no README section', () => {
    const files = chartFiles(synthesizeChart(new (class extends WorkloadChart {
      public constructor() {
        super(Testing.app(), 'none', { name: 'none', description: 'No policy.' });
      }
    })()), { version: '0.1.0', source: 'test' });
    expect([...files.keys()].filter((p) => p.startsWith('iam-policies/'))).toEqual([]);
    expect(files.get('README.md')).not.toContain('## IAM policies');
  });
});
