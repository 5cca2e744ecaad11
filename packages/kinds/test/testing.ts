import { Testing } from 'cdk8s';
import { resolveChart, synthesizeChart, SynthesisError, WorkloadChart } from '@strata/helm';
import { checkResourceRequests, checkRestricted } from '@strata/checks';
import { KubeObject, validateObjects } from '@strata/kube-schemas';
import { Manifest, podTemplatesOf, POD_TEMPLATE_KINDS, PodTemplateKind } from '@strata/tokens';

/** A workload chart "demo" to build kinds in. */
export function demoChart(values: Record<string, unknown> = {}): WorkloadChart {
  return new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' }, { values });
}

/**
 * The objects a release "rel" in namespace "ml" holds (direct synthesis, as the round trip proves
 * equal to helm template), each valid against its schema — the upstream CRD's for operators'
 * kinds, under strict field validation (a kind only declared, of example.com, has none).
 */
export function render(chart: WorkloadChart, values: Record<string, unknown> = {}): Manifest[] {
  const objects = resolveChart(synthesizeChart(chart), { name: 'rel', namespace: 'ml' }, '0.1.0', values) as Manifest[];
  expect(validateObjects(objects.filter((o) => !String(o.apiVersion).startsWith('example.com/')) as KubeObject[])).toEqual([]);
  return objects;
}

/** The errors of a synthesis (every construct's), or []. */
export function errorsOf(chart: WorkloadChart): string[] {
  try {
    synthesizeChart(chart);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.errors;
    throw e;
  }
}

/** Every pod template of the objects, as the checks find them (seen together), each held to Pod Security restricted and to requests. */
export function podsOf(objects: readonly Manifest[], kinds: { readonly [kind: string]: PodTemplateKind } = POD_TEMPLATE_KINDS) {
  const pods = objects.flatMap((o) => podTemplatesOf(o, kinds, { objects }));
  for (const p of pods) expect({ pod: `${p.owner} ${p.path}`, problems: [...checkRestricted(p.spec), ...checkResourceRequests(p.spec)] }).toEqual({ pod: `${p.owner} ${p.path}`, problems: [] });
  return pods;
}
