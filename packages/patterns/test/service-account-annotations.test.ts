import { Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { chartFiles, resolveChart, synthesizeChart, WorkloadChart } from '@strata/helm';
import { containerProps, serviceAccountAnnotations, WorkloadIdentity } from '../src';

/** A chart whose reader account takes its annotations from the value the helper declares. */
class ReaderChart extends WorkloadChart {
  public constructor(description?: string) {
    super(Testing.app(), 'reader', { name: 'reader', description: 'Reads a bucket.' });
    const account = WorkloadIdentity.serviceAccount(this, 'reader', { annotations: serviceAccountAnnotations(this.values, 'reader', description ? { description } : {}) });
    const deploy = new plus.Deployment(this, 'app', { replicas: 1, serviceAccount: account, securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } });
    deploy.addContainer(containerProps('app', { image: 'busybox:1.36.1' }));
  }
}

const accountOf = (values: Record<string, unknown>) =>
  resolveChart(synthesizeChart(new ReaderChart()), { name: 'rel', namespace: 'ml' }, '0.1.0', values).find((o) => o.kind === 'ServiceAccount')!;

describe('serviceAccountAnnotations', () => {
  test('declares serviceAccounts.<key>.annotations: an object of strings, default {}, in values.yaml and the schema', () => {
    const files = chartFiles(synthesizeChart(new ReaderChart()), { version: '0.1.0', source: 'packages/patterns/test' });
    expect(files.get('values.yaml')).toContain(
      [
        '## serviceAccounts',
        'serviceAccounts:',
        '  reader:',
        '    # -- Annotations of the reader service account, e.g. eks.amazonaws.com/role-arn for IRSA (its policy, when it needs AWS access: the chart\'s iam-policies/reader.json).',
        '    annotations: {}',
      ].join('\n'),
    );
    const schema = JSON.parse(files.get('values.schema.json')!);
    expect(schema.properties.serviceAccounts.properties.reader.properties.annotations).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Annotations of the reader service account, e.g. eks.amazonaws.com/role-arn for IRSA (its policy, when it needs AWS access: the chart\'s iam-policies/reader.json).',
    });
  });

  test('pod-identity (nothing set): the account keeps {}; irsa: the role an environment sets lands on the account', () => {
    expect(accountOf({}).metadata.annotations).toEqual({});
    const arn = 'arn:aws:iam::111122223333:role/reader';
    expect(accountOf({ serviceAccounts: { reader: { annotations: { 'eks.amazonaws.com/role-arn': arn } } } }).metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': arn });
  });

  test('a description of its own replaces the default', () => {
    const schema = JSON.parse(chartFiles(synthesizeChart(new ReaderChart('The role of the reader.')), { version: '0.1.0', source: 'x' }).get('values.schema.json')!);
    expect(schema.properties.serviceAccounts.properties.reader.properties.annotations.description).toBe('The role of the reader.');
  });

  test('works with any object-value declarer: the path and the declaration', () => {
    const calls: unknown[] = [];
    const values = { object: (path: string, options: unknown) => (calls.push([path, options]), { a: 'b' }) };
    expect(serviceAccountAnnotations(values, 'inference')).toEqual({ a: 'b' });
    expect(calls).toEqual([
      [
        'serviceAccounts.inference.annotations',
        {
          default: {},
          description: 'Annotations of the inference service account, e.g. eks.amazonaws.com/role-arn for IRSA (its policy, when it needs AWS access: the chart\'s iam-policies/inference.json).',
          schema: { type: 'object', additionalProperties: { type: 'string' } },
        },
      ],
    ]);
  });
});
