/**
 * What every rewrite of a public setup in test/realworld shares: a workload chart built with
 * strata's constructs, synthesized directly with literal values (what the round trip proves equal to
 * `helm template`), each object held to its schema (the upstream CRD's for operators' kinds), and
 * strata's checks on the rendered release.
 */
import { Testing } from 'cdk8s';
import { checkReferencesCounted, checkResourceRequests, checkRestricted, DEFAULT_EXTERNAL } from '@strata/checks';
import { ExternalDefinition } from '@strata/gitops';
import { resolveChart, synthesizeChart, SynthesisError, SynthesizedChart, WorkloadChart } from '@strata/helm';
import { KubeObject, validateObjects } from '@strata/kube-schemas';
import { Manifest, PodTemplate, podTemplatesOf } from '@strata/tokens';

/** The release every rewrite is rendered as. */
export const RELEASE = { name: 'rw', namespace: 'ml' } as const;

/** A workload chart (direct synthesis: literal values) named after the setup. */
export function chartFor(name: string, description: string): WorkloadChart {
  return new WorkloadChart(Testing.app(), name, { name, description }, { values: {} });
}

/** The synthesized chart and the release's objects, each valid against its schema under strict field validation. */
export function render(chart: WorkloadChart): { synth: SynthesizedChart; objects: Manifest[] } {
  const synth = synthesizeChart(chart);
  const objects = resolveChart(synth, RELEASE, '0.1.0', {}) as Manifest[];
  expect(validateObjects(objects as unknown as KubeObject[])).toEqual([]);
  return { synth, objects };
}

/** The errors of a synthesis (every construct's), or [] when it synthesizes. */
export function errorsOf(chart: WorkloadChart): string[] {
  try {
    synthesizeChart(chart);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.errors;
    throw e;
  }
}

/** One object of the release by kind (and name suffix when several share the kind). */
export function one(objects: readonly Manifest[], kind: string, nameEndsWith = ''): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameEndsWith));
  if (found.length !== 1) throw new Error(`expected one ${kind} *${nameEndsWith}, found ${found.map((o) => o.metadata.name).join(', ') || 'none'}`);
  return found[0];
}

/** Every pod template of the release as the checks find them: `owner path` → replicas. */
export function podCounts(objects: readonly Manifest[]): Record<string, number> {
  return Object.fromEntries(pods(objects).map((p) => [`${p.kind} ${p.path}`, p.replicas]));
}

export function pods(objects: readonly Manifest[]): PodTemplate[] {
  return objects.flatMap((o) => podTemplatesOf(o));
}

/** Pod Security restricted problems and missing requests of every pod the checks reach, by pod. */
export function restrictedProblems(objects: readonly Manifest[]): Record<string, string[]> {
  return Object.fromEntries(pods(objects).map((p) => [`${p.kind} ${p.path}`, [...checkRestricted(p.spec), ...checkResourceRequests(p.spec)]]));
}

/** The reference lint over the release as environment "prod", with what the environment declares external. */
export function referenceProblems(objects: readonly Manifest[], external: ExternalDefinition = {}): { problems: string[]; warnings: string[]; checked: number } {
  const r = checkReferencesCounted({ prod: objects }, DEFAULT_EXTERNAL, [{ name: 'prod', file: 'environments/prod/environment.ts', definition: { external } }]);
  return { problems: r.problems, warnings: r.warnings, checked: r.checked };
}

/** A container's env as name → value (or the valueFrom). */
export function envOf(c: { env?: { name: string; value?: string; valueFrom?: unknown }[] }): Record<string, unknown> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

/** Volume mounts as mountPath → volume name (and readOnly). */
export function mountsOf(c: { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[] }): Record<string, string> {
  return Object.fromEntries((c.volumeMounts ?? []).map((m) => [m.mountPath, `${m.name}${m.readOnly ? ' (ro)' : ''}${m.subPath ? ` subPath=${m.subPath}` : ''}`]));
}
