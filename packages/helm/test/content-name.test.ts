import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, JsonPatch, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import fc from 'fast-check';
import { goJson, Helm, resolveChart, SynthesisError, synthesizeChart, WorkloadChart } from '../src';
import { DemoChart } from './fixtures/demo-chart';

const helm = new Helm();

function jobName(values: Record<string, unknown>, release = { name: 'rel', namespace: 'ns' }, version = '0.1.0'): string {
  const synth = synthesizeChart(new DemoChart(Testing.app(), 'demo'));
  return resolveChart(synth, release, version, values).find((o) => o.kind === 'Job')!.metadata.name;
}

describe('content names of Jobs', () => {
  // kubernetes/kubernetes pkg/apis/batch/validation ValidateJobSpecUpdate: a Job's template is
  // immutable, so a changed Job must be a new Job (a new name), and an unchanged one must keep its name.
  test('the same values keep the name: an upgrade that does not touch the Job leaves it alone', () => {
    expect(jobName({})).toBe(jobName({}));
    expect(jobName({}, undefined, '0.1.0')).toBe(jobName({}, undefined, '0.2.7')); // the chart version is only in labels
  });

  test('a value the Job reads changes the name; a value it does not read does not', () => {
    const base = jobName({});
    expect(jobName({ image: { tag: 'v2' } })).not.toBe(base);
    expect(jobName({ extras: { note: 'other' } })).not.toBe(base);
    expect(jobName({ cache: { className: 'io2' } })).toBe(base); // only the class changes
  });

  test('names are <full name>-<suffix>-<8 hex> and leave room for an index of an Indexed Job (pod names <job>-<index> ≤ 63)', () => {
    expect(jobName({})).toMatch(/^rel-demo-warmup-[0-9a-f]{8}$/);
    const long = jobName({}, { name: 'r'.repeat(53), namespace: 'ns' });
    expect(long.length).toBeLessThanOrEqual(57);
    expect(long).toMatch(/^r+-warmup-[0-9a-f]{8}$/);
  });

  test('a Job whose spec holds its own name is refused: its name is a hash of that spec', () => {
    class SelfNaming extends WorkloadChart {
      public constructor() {
        super(Testing.app(), 'self', { name: 'self', description: 'x' });
        const job = new plus.Job(this, 'train', { restartPolicy: plus.RestartPolicy.NEVER, securityContext: { ensureNonRoot: true } });
        job.addContainer({
          name: 'main',
          image: 'busybox',
          envVariables: { ME: plus.EnvValue.fromValue(`${job.name}-0`) },
          resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(16) } },
        });
      }
    }
    let error: unknown;
    try {
      synthesizeChart(new SelfNaming());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).errors).toEqual([
      "[self/train] the spec of Job train contains its own name, but a Job is named by its spec's content (an upgrade then never patches its immutable template); read the name in the pod from the label batch.kubernetes.io/job-name (env valueFrom fieldRef metadata.labels['batch.kubernetes.io/job-name'])",
    ]);
  });
});

describe('goJson: JSON as Go encoding/json (Helm toJson) writes it', () => {
  test('keys sorted, HTML characters and line separators escaped, no spaces', () => {
    expect(goJson({ b: 1, a: ['<x>', 'a&b', '\u2028'] })).toBe('{"a":["\\u003cx\\u003e","a\\u0026b","\\u2028"],"b":1}');
    expect(goJson([1e21, 1e-7, 0.1, 123456789012345680000, -0, null, true])).toBe('[1e+21,1e-7,0.1,123456789012345680000,-0,null,true]');
  });

  test('property: equal to what the pinned helm prints with toJson for random JSON values', async () => {
    // -0 cannot travel to helm in a JSON values file written by JSON.stringify (it prints 0); goJson writes Go's "-0" for it (tested above).
    const noNegativeZero = (v: unknown): unknown => (Object.is(v, -0) ? 0 : Array.isArray(v) ? v.map(noNegativeZero) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, noNegativeZero(x)])) : v);
    const samples = fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 300, seed: 20261206 }).map(noNegativeZero);
    const dir = mkdtempSync(join(tmpdir(), 'strata-gojson-'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: gojson\nversion: 0.1.0\n');
    writeFileSync(join(dir, 'templates', 'out.yaml'), '{{- range .Values.xs }}\n# {{ toJson . }}\n{{- end }}\n');
    const out = await helm.template(dir, { releaseName: 'x', namespace: 'x', values: { xs: samples } });
    const printed = out.split('\n').filter((l) => l.startsWith('# ') && !l.startsWith('# Source')).map((l) => l.slice(2));
    expect(printed).toEqual(samples.map(goJson));
  });
});

describe('JSON patches reach the output, or synthesis says so', () => {
  class Patched extends WorkloadChart {
    public constructor(value: unknown) {
      super(Testing.app(), 'p', { name: 'p', description: 'x' });
      const job = new plus.Job(this, 'run', { restartPolicy: plus.RestartPolicy.NEVER, securityContext: { ensureNonRoot: true } });
      job.addContainer({ name: 'main', image: 'busybox', resources: { cpu: { request: plus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(16) } } });
      ApiObject.of(job).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/resources/limits/vpc.amazonaws.com~1efa', value));
    }
  }

  test('a plain number in a resource map (dropped by cdk8s-plus\'s typed objects) is an error naming the patch', () => {
    let error: unknown;
    try {
      synthesizeChart(new Patched(4));
    } catch (e) {
      error = e;
    }
    expect((error as SynthesisError).errors).toEqual([
      '[p/run] the JSON patch add /spec/template/spec/containers/0/resources/limits/vpc.amazonaws.com~1efa 4 did not reach the output (the field is missing): cdk8s-plus rebuilds resource maps from Quantity objects, so a plain number there is dropped; give plus.k8s.Quantity.fromNumber(n) (or fromString) instead',
    ]);
  });

  test('a Quantity reaches the output', () => {
    const job = synthesizeChart(new Patched(plus.k8s.Quantity.fromNumber(4))).objects.find((o) => o.manifest.kind === 'Job')!.manifest;
    expect(job.spec.template.spec.containers[0].resources.limits['vpc.amazonaws.com/efa']).toBe(4);
  });
});
