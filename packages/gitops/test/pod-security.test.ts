import { parse } from 'yaml';
import { catalogEntry, ChartCatalog, environmentFiles, planEnvironment } from '../src';
import { externalCatalog, externalChartTree } from './fixtures/charts';
import { dev } from './fixtures/environments';

/**
 * Each workloads' namespace enforces Pod Security: restricted, unless a chart deployed in it says
 * (Chart.yaml `strata.dev/pod-security`) that its pods need less — then the least restrictive
 * level its charts need, with who needs it and why. Enforcement is pinned to the cluster's minor;
 * warn and audit stay restricted (https://kubernetes.io/docs/concepts/security/pod-security-admission/).
 */
describe('namespaces enforce the Pod Security level their charts need', () => {
  const catalog = externalCatalog();
  /** The catalog with chart `name`'s Chart.yaml carrying the annotation. */
  const needing = (name: string, annotation: string): ChartCatalog => {
    const files = new Map<string, string>();
    for (const [path, content] of externalChartTree()) if (path.startsWith(`${name}/`)) files.set(path.slice(name.length + 1), content);
    const chartYaml = parse(files.get('Chart.yaml')!);
    chartYaml.annotations = { ...(chartYaml.annotations ?? {}), 'strata.dev/pod-security': annotation };
    files.set('Chart.yaml', JSON.stringify(chartYaml));
    return { ...catalog, [name]: catalogEntry(name, files) };
  };
  const labels = (c: ChartCatalog) =>
    Object.fromEntries(
      environmentFiles(dev, c)
        .get('dev/apps/namespaces.yaml')!
        .split('\n---\n')
        .map((d) => parse(d))
        .map((n) => [n.metadata.name, n.metadata.labels]),
    );

  test('restricted everywhere when no chart asks for less, pinned to the cluster minor', () => {
    expect(labels(catalog)['ml-dev']).toEqual({
      'app.kubernetes.io/managed-by': 'strata',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.33',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.33',
    });
  });

  test('a chart needing baseline makes its namespace baseline, and only its namespace; warn and audit stay restricted', () => {
    const c = needing('inference', JSON.stringify({ level: 'baseline', reasons: ['baseline: the operator renders pods without a securityContext'] }));
    const l = labels(c);
    expect([l['ml-dev']['pod-security.kubernetes.io/enforce'], l['ml-dev']['pod-security.kubernetes.io/warn'], l.plain['pod-security.kubernetes.io/enforce']]).toEqual(['baseline', 'restricted', 'restricted']);
    expect(planEnvironment(dev, c).namespaces.find((n) => n.name === 'ml-dev')!.podSecurity).toEqual({ level: 'baseline', because: ['inference: baseline: the operator renders pods without a securityContext'] });
  });

  test('the least restrictive level wins in a shared namespace', () => {
    const c = { ...needing('inference', JSON.stringify({ level: 'baseline', reasons: ['a'] })) };
    const both = { ...c, training: needing('training', JSON.stringify({ level: 'privileged', reasons: ['b'] })).training };
    expect(planEnvironment(dev, both).namespaces.find((n) => n.name === 'ml-dev')!.podSecurity).toEqual({ level: 'privileged', because: ['inference: a', 'training: b'] });
  });

  test('a damaged annotation is an error naming the chart and the way out', () => {
    expect(() => needing('inference', '{"level":"none"}')).toThrow('charts/inference/Chart.yaml: annotation strata.dev/pod-security level ("none") must be baseline or privileged; regenerate the chart');
    expect(() => needing('inference', 'baseline')).toThrow(/^charts\/inference\/Chart.yaml: annotation strata.dev\/pod-security is not JSON \(.*\); regenerate the chart$/);
  });
});
