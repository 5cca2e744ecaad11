import fc from 'fast-check';
import { validateObjects } from '@strata/kube-schemas';
import { chartTestHooks, Helm, HelmError, POD_SECURITY_ANNOTATION, releaseTemplate, resolveTemplate } from '@strata/helm';
import { ChartClass, chartUnderTest } from './chart-under-test';
import { checkPodSecurity, checkResourceRequests, checkRestricted, PodSecurityLevelName, podSpecsOf } from '@strata/checks';
import { parse } from 'yaml';
import { arbitraryValues, schemaValidator } from '@strata/helm/test/support/arbitrary-values';
import { byKindAndName, parseManifests, writeChartDir } from '@strata/helm/test/support/helm-render';

/** The chart class a workload package exports. */
export type WorkloadChartClass = ChartClass;

export const VERSION = '0.1.0';
// Short-lived helm processes: no garbage collection and one scheduler thread cut their CPU by a
// third, which matters with hundreds of renders on a 2-core machine.
const helm = new Helm(undefined, { ...process.env, GOGC: 'off', GOMAXPROCS: '1' });

/** The chart's files, as `npm run generate` writes them. */
export function templateFiles(Chart: WorkloadChartClass, name: string): Map<string, string> {
  return chartUnderTest(Chart, name, `packages/workloads/${name}`, VERSION).files();
}

/** Direct synthesis with literal values: the objects a release with these values holds. */
export function direct(Chart: WorkloadChartClass, name: string, values: Record<string, unknown>, release = { name: 'rel', namespace: 'ns' }) {
  return chartUnderTest(Chart, name, `packages/workloads/${name}`, VERSION).direct(values, release);
}

/** Renders a chart directory with helm (tests included unless skipped). */
export async function render(dir: string, values?: Record<string, unknown>, options: { release?: string; namespace?: string; skipTests?: boolean } = {}) {
  return parseManifests(await helm.template(dir, { releaseName: options.release ?? 'rel', namespace: options.namespace ?? 'ns', values, skipTests: options.skipTests }));
}

/**
 * Valid value sets of a chart: helm's schema-driven arbitrary, drawing each string that has a
 * pattern of its own from that pattern only (not also from the looser alternatives constructs
 * attached, such as "a bucket name or an access point ARN", which the value's own pattern then
 * refuses), and filtered by the whole schema. Drawing from the alternatives makes most whole
 * value sets invalid, and generation many times slower, once a chart has a few such values.
 */
export function validValues(schema: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const valid = schemaValidator(schema);
  return arbitraryValues(ownPatternsOnly(schema) as Record<string, unknown>).filter((v) => valid(v));
}

function ownPatternsOnly(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(ownPatternsOnly);
  if (!s || typeof s !== 'object') return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (o.type === 'string' && typeof o.pattern === 'string' && (k === 'allOf' || k === 'anyOf')) continue;
    out[k] = ownPatternsOnly(v);
  }
  return out;
}

export interface ChartSuiteOptions {
  readonly name: string;
  readonly Chart: WorkloadChartClass;
  /** The kinds `helm template` with defaults renders (sorted, with repeats). */
  readonly kinds: string[];
  /** Values that turn on every optional object (validated too). @default - none */
  readonly allOn?: Record<string, unknown>;
  /** The kinds `helm template` with `allOn` renders. */
  readonly allOnKinds?: string[];
  /** Value sets the schema must refuse, with a part of helm's message. At least 10. */
  readonly invalid: [Record<string, unknown>, string][];
  /** Round-trip runs. @default 200 */
  readonly numRuns?: number;
}

/**
 * The Pod Security level a chart's pods need of their namespace: what its Chart.yaml declares
 * (`strata.dev/pod-security`, written when a construct calls `requirePodSecurity`, as the NIM
 * kinds do), else restricted.
 */
export function declaredPodSecurity(files: ReadonlyMap<string, string>): PodSecurityLevelName {
  const annotation = parse(files.get('Chart.yaml') ?? '')?.annotations?.[POD_SECURITY_ANNOTATION];
  return annotation ? (JSON.parse(annotation).level as PodSecurityLevelName) : 'restricted';
}

/**
 * The tests every example workload chart passes: snapshot, helm lint --strict, schema validation
 * of `helm template` with defaults, Pod Security "restricted" and requests on every pod, the round
 * trip (helm template with V = direct synthesis with V, for random valid V), and invalid values
 * refused by helm through values.schema.json.
 */
export function describeChart(o: ChartSuiteOptions): { files: Map<string, string>; dir: string } {
  const files = templateFiles(o.Chart, o.name);
  const dir = writeChartDir(files, o.name);

  describe(`${o.name} chart`, () => {
    test('whole-chart snapshot', () => {
      expect(Object.fromEntries(files)).toMatchSnapshot();
    });

    test('is deterministic', () => {
      expect(templateFiles(o.Chart, o.name)).toEqual(files);
    });

    test('passes helm lint --strict', async () => {
      await expect(helm.lint([dir], { strict: true })).resolves.toContain('1 chart(s) linted, 0 chart(s) failed');
    });

    test('helm template with defaults validates against the Kubernetes and prometheus-operator schemas', async () => {
      const objs = await render(dir);
      expect(objs.map((x) => x.kind).sort()).toEqual([...o.kinds].sort());
      expect(validateObjects(objs)).toEqual([]);
    });

    if (o.allOn) {
      test('helm template with every optional object on validates too', async () => {
        const objs = await render(dir, o.allOn);
        expect(objs.map((x) => x.kind).sort()).toEqual([...(o.allOnKinds ?? [])].sort());
        expect(validateObjects(objs)).toEqual([]);
      });
    }

    // Restricted, unless the chart declares (and the environment's namespace then enforces) less.
    const level = declaredPodSecurity(files);
    test(`every pod spec meets Pod Security "${level}" and requests CPU and memory`, async () => {
      let belowRestricted = 0;
      for (const values of [undefined, o.allOn]) {
        const pods = podSpecsOf(await render(dir, values));
        expect(pods.length).toBeGreaterThan(0);
        for (const { id, spec } of pods) {
          if (checkRestricted(spec).length > 0) belowRestricted++;
          expect({ id, problems: [...checkPodSecurity(spec, level), ...checkResourceRequests(spec)] }).toEqual({ id, problems: [] });
        }
      }
      // A declaration below restricted only where some pod needs it.
      if (level !== 'restricted') expect(belowRestricted).toBeGreaterThan(0);
    });

    test(`round trip: helm template with V equals direct synthesis with V, and the release template resolved with V (${o.numRuns ?? 200} random valid value sets)`, async () => {
      const schema = JSON.parse(files.get('values.schema.json')!);
      // What generate's reference lint resolves: the chart as data, `helm test` hooks included.
      const synth = chartUnderTest(o.Chart, o.name, `packages/workloads/${o.name}`, VERSION).synth();
      const template = releaseTemplate(synth, chartTestHooks(synth));
      const isTest = (x: { metadata?: { annotations?: Record<string, string> } }) => x.metadata?.annotations?.['helm.sh/hook'] === 'test';
      const cases = fc.tuple(validValues(schema), fc.constantFrom('rel', o.name, `${o.name}-prod`, 'x'.repeat(40)));
      const property = fc.asyncProperty(cases, async ([values, release]) => {
        const rendered = await render(dir, values, { release, namespace: 'team-a' });
        const at = { name: release, namespace: 'team-a' };
        expect(byKindAndName(rendered.filter((x) => !isTest(x)))).toEqual(byKindAndName(direct(o.Chart, o.name, values, at)));
        expect(byKindAndName(rendered)).toEqual(byKindAndName(resolveTemplate(template, at, VERSION, values, { tests: true })));
      });
      // helm is a process per render: two property runs of half the cases each, side by side, so
      // one generates and compares while the other waits for helm (2 cores).
      const runs = o.numRuns ?? 200;
      await Promise.all([
        fc.assert(property, { numRuns: Math.ceil(runs / 2), seed: 20261124 }),
        fc.assert(property, { numRuns: Math.floor(runs / 2), seed: 20261125 }),
      ]);
    }, 180_000);

    test.each(o.invalid)('helm refuses %j through the schema', async (values, message) => {
      const err = await helm.template(dir, { releaseName: 'rel', namespace: 'ns', values }).catch((e: HelmError) => e);
      expect(err).toBeInstanceOf(HelmError);
      expect((err as HelmError).stderr).toContain("values don't meet the specifications of the schema(s)");
      expect((err as HelmError).stderr).toContain(message);
    });
  });
  return { files, dir };
}
