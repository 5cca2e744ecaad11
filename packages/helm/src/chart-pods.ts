import { checkResourceRequests, Manifest as TokenManifest, podSecurityProblems, podTemplatesOf, refusedAt, withDeclaredKinds } from '@strata/tokens';
import { SynthesizedChart } from './synth';

/**
 * Every pod of a chart meets Pod Security at the level the chart declares (restricted unless a
 * construct asked for less with requirePodSecurity), and asks for CPU and memory. generate holds
 * every chart to it, scaffolded or hand-written, deployed or not: a privileged or hostPath pod, or
 * one without requests, is refused with the way out before any environment puts it in a namespace
 * that would refuse its pods (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 * Each problem is "[construct path] pod spec path: …".
 */
export function chartPodProblems(synth: SynthesizedChart): string[] {
  const kinds = withDeclaredKinds(synth.podTemplateKinds);
  const level = synth.podSecurity.level;
  const errors: string[] = [];
  for (const o of synth.objects) {
    const at = `templates/${o.fileStem}.yaml`;
    for (const t of podTemplatesOf(o.manifest as TokenManifest, kinds)) {
      const refused = refusedAt(podSecurityProblems(t.spec), level);
      if (refused.length > 0) {
        const needs = refused.some((x) => x.level === 'baseline') ? 'privileged' : 'baseline';
        errors.push(
          `[${at}] ${t.path}: Pod Security "${level}" refuses its pods (${level === 'restricted' ? 'the level every chart meets unless a construct says why not' : 'the level the chart declares'}): ${refused.map((x) => x.problem).join('; ')}; ` +
            `fix the pod spec, or, if the pod truly needs it, require "${needs}" on the construct that makes it (requirePodSecurity, or its namespacePodSecurity prop)`,
        );
      }
      const requests = checkResourceRequests(t.spec);
      if (requests.length > 0) errors.push(`[${at}] ${t.path}: ${requests.join('; ')}: the scheduler places a pod by what it requests, and evicts those without requests first; give every container CPU and memory requests`);
    }
  }
  return errors;
}
