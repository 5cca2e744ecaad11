import { ApiObject, Testing } from 'cdk8s';
import { parseManifests, writeChartDir } from './support/helm-render';
import { ACCEPTS_KEYWORD, describePattern } from '@strata/tokens';
import { chartFiles, Helm, resolveChart, synthesizeChart, valuesSchema, Values, WorkloadChart } from '../src';

/**
 * Values say what they accept in words (ACCEPTS_KEYWORD beside each described pattern, in the
 * values schema), and a default that fails its own schema is an error at declaration: the chart
 * is never written with a values.yaml its own schema refuses.
 */
describe('what values accept, in words', () => {
  const LOWER = describePattern('^[a-z]+$', 'lowercase letters only');

  test('a described pattern carries its words into the schema, also inside list items', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'words' });
    chart.values.string('team', { default: 'ml', pattern: LOWER, description: 'The team.' });
    chart.values.list<string>('queues', { default: ['a'], items: { type: 'string', pattern: LOWER }, description: 'Queues.' });
    chart.values.string('host', { default: 'x', pattern: '^[a-z.]+$', accepts: 'a host name', description: 'The host.' });
    const props = valuesSchema(synthesizeChart(chart)).properties as Record<string, any>;
    expect(props.team[ACCEPTS_KEYWORD]).toBe('lowercase letters only');
    expect(props.queues.items[ACCEPTS_KEYWORD]).toBe('lowercase letters only');
    expect(props.host[ACCEPTS_KEYWORD]).toBe('a host name');
  });

  test('a default its own schema refuses is an error, in words', () => {
    const v = new Values();
    expect(() => v.string('team', { default: 'ML', pattern: LOWER, description: 'The team.' })).toThrow(
      "value 'team': its default \"ML\" must be lowercase letters only, as its own schema says; change the default (helm would refuse the chart's own values.yaml)",
    );
    expect(() => v.integer('replicas', { default: 0, minimum: 1, maximum: 8, description: 'Replicas.' })).toThrow(
      "value 'replicas': its default 0 must be between 1 and 8, as its own schema says; change the default (helm would refuse the chart's own values.yaml)",
    );
    expect(() => v.integer('workers', { default: 1.5, description: 'Workers.' })).toThrow("value 'workers': its default 1.5 must be an integer, as its own schema says");
    expect(() => v.list<string>('args', { default: [], minItems: 1, description: 'Args.' })).toThrow("value 'args': its default [] must be at least 1 item, as its own schema says");
  });
});

describe('an object value given over a non-empty default, as helm merges it', () => {
  class MapChart extends WorkloadChart {
    public constructor(values?: Record<string, unknown>) {
      super(Testing.app(), 'maps', { name: 'maps', description: 'object values' }, values ? { values } : {});
      const selector = this.values.object<Record<string, string>>('nodeSelector', { default: { pool: 'cpu', arch: 'amd64' }, description: 'Node selector.', schema: { type: 'object', additionalProperties: { type: 'string' } } });
      new ApiObject(this, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'selector' }, data: selector as any });
    }
  }

  test('direct synthesis sees what helm template renders: keys merged, null deletes', async () => {
    const values = { nodeSelector: { zone: 'a', pool: null } };
    const dir = writeChartDir(chartFiles(synthesizeChart(new MapChart()), { version: '0.1.0', source: 'packages/helm/test' }), 'maps');
    const rendered = parseManifests(await new Helm().template(dir, { releaseName: 'rel', namespace: 'ns', values })).find((o: any) => o.kind === 'ConfigMap');
    const direct = (resolveChart(synthesizeChart(new MapChart(values)), { name: 'rel', namespace: 'ns' }, '0.1.0', values) as any[]).find((o) => o.kind === 'ConfigMap');
    expect(rendered.data).toEqual({ arch: 'amd64', zone: 'a' });
    expect(direct.data).toEqual(rendered.data);
  });
});
