import { App, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { chartFiles, Helm, HelmError, resolveChart, synthesizeChart, SynthesizedChart, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import fc from 'fast-check';
import { validateObjects } from '@strata/kube-schemas';
import { arbitraryValues, schemaValidator } from '@strata/helm/test/support/arbitrary-values';
import { byKindAndName, parseManifests, writeChartDir } from '@strata/helm/test/support/helm-render';

/** A chart class, as a chart package's src/chart.ts exports it. */
export type ChartClass = new (scope: Construct, id: string, props?: WorkloadChartProps) => WorkloadChart;

/**
 * A chart package under test: its files synthesized the way `npm run generate` does (one App,
 * id = the folder name), and direct synthesis with literal values for the round trip.
 */
export function chartUnderTest(Chart: ChartClass, name: string, source: string, version = '0.1.0') {
  const synth = (): SynthesizedChart => synthesizeChart(new Chart(new App(), name));
  const files = () => chartFiles(synth(), { version, source });
  const direct = (values: Record<string, unknown>, release = { name: 'rel', namespace: 'ns' }) =>
    resolveChart(synthesizeChart(new Chart(Testing.app(), name, { values })), release, version, values);
  return { name, version, source, synth, files, direct };
}

/** helm's complaint about values, or a failure when helm accepted them. */
export function schemaRefusal(err: unknown): string {
  if (!(err instanceof HelmError)) throw new Error(`helm accepted the values (or failed otherwise): ${String(err)}`);
  expect(err.stderr).toContain("values don't meet the specifications of the schema(s)");
  return err.stderr;
}

/** The errors of a direct synthesis with literal values (the constructs' own checks), or []. */
export function literalErrors(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (e) {
    const errors = (e as { errors?: string[] }).errors;
    if (Array.isArray(errors)) return errors;
    throw e;
  }
}

/** A chart package under test, with its generated files written to a temporary directory for helm. */
export function chartFixture(Chart: ChartClass, name: string, source: string, version = '0.1.0') {
  const chart = chartUnderTest(Chart, name, source, version);
  const files = chart.files();
  const dir = writeChartDir(files, name);
  const schema = JSON.parse(files.get('values.schema.json')!) as Record<string, any>;
  return { chart, files, dir, schema, helm: new Helm() };
}

/** The tests every chart package owes (inside the caller's describe): whole-chart snapshot, determinism, helm lint --strict. */
export function describeChartBasics(f: ReturnType<typeof chartFixture>): void {
  test('whole-chart snapshot', () => {
    expect(Object.fromEntries(f.files)).toMatchSnapshot();
  });

  test('is deterministic', () => {
    expect(f.chart.files()).toEqual(f.files);
  });

  test('passes helm lint --strict', async () => {
    await expect(f.helm.lint([f.dir], { strict: true })).resolves.toContain('1 chart(s) linted, 0 chart(s) failed');
  });
}

/**
 * The round-trip property of a chart package (inside the caller's describe): for 200 random valid
 * value sets V (those `accept` keeps, when given) and release names, `helm template` with V equals
 * direct synthesis with V, and every object rendered is valid (`problems`: kubernetes schemas by default).
 */
export function describeRoundTrip(
  f: ReturnType<typeof chartFixture>,
  o: { readonly releases: readonly string[]; readonly accept?: (values: Record<string, unknown>) => boolean; readonly problems?: (objects: any[]) => string[] },
): void {
  test('round trip: helm template with V equals direct synthesis with V (200 random valid value sets)', async () => {
    const valid = schemaValidator(f.schema);
    const sets = o.accept ? arbitraryValues(f.schema).filter(o.accept) : arbitraryValues(f.schema);
    await fc.assert(
      fc.asyncProperty(sets, fc.constantFrom(...o.releases), fc.constantFrom('storage', 'kube-system'), async (values, release, namespace) => {
        expect(valid(values)).toBe(true);
        const rendered = parseManifests(await f.helm.template(f.dir, { releaseName: release, namespace, values, skipTests: true }));
        expect(byKindAndName(rendered)).toEqual(byKindAndName(f.chart.direct(values, { name: release, namespace })));
        expect((o.problems ?? ((objs: any[]) => validateObjects(objs)))(rendered)).toEqual([]);
      }),
      { numRuns: 200, seed: 20261124 },
    );
  }, 300_000); // 200 real `helm template` processes and schema validations: allow for a loaded CI machine
}
