import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { Tokens } from '@strata/tokens';
import { StorageClass } from '@strata/storage';
import { chartFiles, Helm, releaseTemplate, resolveChart, resolveTemplate, synthesizeChart, Values, WorkloadChart, WorkloadChartProps } from '../src';
import { arbitraryValues } from './support/arbitrary-values';
import { parseManifests, writeChartDir } from './support/helm-render';

/**
 * Values whose map entry is left out when they are empty (Tokens.optionalText, Tokens.omittedWhenEmpty):
 * a chart can offer a new optional setting without changing what its existing releases render
 * (a StorageClass's parameters are immutable, so one key more would make every upgrade fail).
 */
class OptionalChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'optional', description: 'Optional map entries.', keywords: ['test'] }, props);
    const v = this.values;
    const text = v.string('text', { default: '', description: 'A string, left out when "".' });
    const count = v.integer('count', { default: 0, minimum: 0, maximum: 200000, description: 'A whole number, left out when 0.' });
    const flag = v.boolean('flag', { default: false, description: 'A boolean, left out when false.' });
    const tags = v.list<string>('tags', { default: [], items: { type: 'string', pattern: '^[a-z]+=[a-z]*$' }, description: 'Joined with ",", left out when empty.' });
    const options = v.list<string>('options', { default: [], items: { type: 'string', pattern: '^[a-z]+$' }, description: 'Mount options, left out when empty.' });
    const always = v.string('always', { default: 'x', minLength: 1, description: 'Always written.' });
    new StorageClass(this, 'class', {
      provisioner: 'example.csi.aws.com',
      parameters: {
        always,
        text: Tokens.optionalText(text),
        count: Tokens.optionalText(count),
        flag: Tokens.optionalText(flag),
        tags: Tokens.optionalText(tags),
        literalEmpty: Tokens.optionalText(''),
        literalFalse: Tokens.optionalText(false),
        literalList: Tokens.optionalText(['a=1', 'b=2']),
      },
      mountOptions: Tokens.omittedWhenEmpty(options),
    });
  }
}

const VERSION = '0.1.0';
const helm = new Helm();
const release = { name: 'rel', namespace: 'ns' };
const synth = synthesizeChart(new OptionalChart(Testing.app(), 'optional'));
const files = chartFiles(synth, { version: VERSION, source: 'packages/helm/test' });
const dir = writeChartDir(files, 'optional');
const direct = (values: Record<string, unknown>) => resolveChart(synthesizeChart(new OptionalChart(Testing.app(), 'optional', { values })), release, VERSION, values);
const template = async (values: Record<string, unknown>) => parseManifests(await helm.template(dir, { releaseName: release.name, namespace: release.namespace, values, skipTests: true }));

describe('values left out when empty', () => {
  test('the template guards each optional entry with `if` and prints it as a quoted string', () => {
    const [path] = [...files.keys()].filter((f) => f.startsWith('templates/storageclass'));
    expect(files.get(path)).toContain(
      [
        '  always: {{ .Values.always | quote }}',
        '  {{- if ne (.Values.count | int64) 0 }}',
        '  count: {{ (.Values.count | int64 | toString) | quote }}',
        '  {{- end }}',
        '  {{- if .Values.flag }}',
        '  flag: {{ (.Values.flag | toString) | quote }}',
        '  {{- end }}',
        '  literalList: a=1,b=2',
        '  {{- if .Values.tags }}',
        '  tags: {{ (join "," .Values.tags) | quote }}',
        '  {{- end }}',
        '  {{- if .Values.text }}',
        '  text: {{ (.Values.text | toString) | quote }}',
        '  {{- end }}',
      ].join('\n'),
    );
  });

  test('with the defaults nothing optional is written, in helm template as in direct synthesis', async () => {
    const [sc] = await template({});
    expect(sc.parameters).toEqual({ always: 'x', literalList: 'a=1,b=2' });
    expect(sc).not.toHaveProperty('mountOptions');
    expect(direct({})).toEqual([sc]);
    // Empty values given explicitly are the defaults.
    const emptied = { text: '', count: 0, flag: false, tags: [], options: [] };
    expect(await template(emptied)).toEqual([sc]);
    expect(direct(emptied)).toEqual([sc]);
  });

  test('set values are written as strings; the mount options as a list', async () => {
    const values = { text: 'hello', count: 192000, flag: true, tags: ['team=ml', 'env=dev'], options: ['iam', 'noac'] };
    const [sc] = await template(values);
    expect(sc.parameters).toEqual({ always: 'x', count: '192000', flag: 'true', literalList: 'a=1,b=2', tags: 'team=ml,env=dev', text: 'hello' });
    expect(sc.mountOptions).toEqual(['iam', 'noac']);
    expect(direct(values)).toEqual([sc]);
  });

  test('round trip: helm template, direct synthesis and the release template agree for random values', async () => {
    const schema = JSON.parse(files.get('values.schema.json')!);
    const cached = releaseTemplate(synth);
    await fc.assert(
      fc.asyncProperty(arbitraryValues(schema), async (values) => {
        const rendered = await template(values);
        expect(direct(values)).toEqual(rendered);
        expect(resolveTemplate(cached, release, VERSION, values)).toEqual(rendered);
      }),
      { numRuns: 40, seed: 20260801 },
    );
  });

  test('one mechanism: an omittable value (Values.omittable*) is the view Tokens.omittedWhenEmpty makes of the value, under its own path', () => {
    const values = new Values();
    for (const [token, kind] of [
      [values.omittableInteger('weight', { description: 'A weight.' }), 'integer'],
      [values.omittableString('userData', { description: 'User data.' }), 'string'],
      [values.omittableList('taints', { description: 'Taints.' }), 'list'],
      [values.omittableObject('tags', { description: 'Tags.' }), 'object'],
    ] as const) {
      expect(Tokens.infoOf(token)).toMatchObject({ kind, omitWhenEmpty: true });
      expect(Tokens.infoOf(token)!.path).not.toMatch(/^\$/);
    }
  });

  test('a map whose every entry is left out renders as null: the release template resolves it so, as helm does (optional text and omittable values alike)', async () => {
    class AllOptional extends WorkloadChart {
      public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
        super(scope, id, { name: 'alloptional', description: 'A map of optional entries only.', keywords: ['test'] }, props);
        const text = this.values.string('text', { default: '', description: 'Left out when "".' });
        new StorageClass(this, 'class', { provisioner: 'example.csi.aws.com', parameters: { text: Tokens.optionalText(text) } });
      }
    }
    const all = chartFiles(synthesizeChart(new AllOptional(Testing.app(), 'alloptional')), { version: VERSION, source: 'packages/helm/test' });
    const allDir = writeChartDir(all, 'alloptional');
    const [rendered] = parseManifests(await helm.template(allDir, { releaseName: release.name, namespace: release.namespace, skipTests: true }));
    const [resolved] = resolveTemplate(releaseTemplate(synthesizeChart(new AllOptional(Testing.app(), 'alloptional'))), release, VERSION, {}) as any[];
    expect(rendered.parameters).toBeNull();
    expect(resolved).toEqual(rendered);
  });

  test('only a whole value has a view: arithmetic on it is refused', () => {
    const n = Tokens.number('n', {});
    expect(() => Tokens.optionalText(Tokens.derive(n, 1024))).toThrow("value 'n': only a whole value can be left out when empty, not one computed from it");
  });
});
