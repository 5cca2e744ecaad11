import { ApiObject, JsonPatch, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { requirePodSecurity } from '@strata/tokens';
import { KubePodDisruptionBudget, IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { chartPodProblems, chartTestHooks, releaseTemplate, resolveChart, resolveTemplate, synthesizeChart, WorkloadChart } from '../src';

/**
 * Two releases of one chart in one namespace give their pods the same component labels. Every
 * selector of the chart's own pods — the workload's, a PodDisruptionBudget's, pod (anti-)affinity
 * terms and topology spread constraints — is scoped to its release, so neither release spreads
 * against, repels, attracts or budgets the other's pods. Selectors of other pods stay as written.
 */
describe('selectors of the chart\'s own pods are scoped to the release', () => {
  const render = (release: string) => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'selectors' });
    const server = new plus.Deployment(chart, 'server', { replicas: 2, containers: [{ image: 'busybox', securityContext: { user: 1000 } }] });
    server.scheduling.separate(server, { weight: 50 });
    server.scheduling.spread({ topology: plus.Topology.ZONE });
    const cache = new plus.Deployment(chart, 'cache', { containers: [{ image: 'busybox', securityContext: { user: 1000 } }] });
    server.scheduling.colocate(cache);
    // Another team's pods, selected by their own labels: left alone.
    server.scheduling.separate(plus.Pods.select(chart, 'others', { labels: { team: 'search' } }));
    new KubePodDisruptionBudget(chart, 'budget', { spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: { 'cdk8s.io/metadata.addr': server.matchLabels['cdk8s.io/metadata.addr'] } } } });
    return resolveChart(synthesizeChart(chart), { name: release, namespace: 'ml' }, '0.1.0', {}) as any[];
  };

  test('affinity terms, spread constraints and the budget select only this release\'s pods', () => {
    const objects = render('blue');
    const spec = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.includes('server')).spec.template.spec;
    const own = { 'app.kubernetes.io/instance': 'blue', 'app.kubernetes.io/name': 'demo' };
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels).toMatchObject(own);
    expect(spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toMatchObject(own);
    // spread() is a required anti-affinity per zone (cdk8s-plus-28 2.5.6); the other team's term is untouched.
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.map((t: any) => [t.topologyKey, t.labelSelector.matchLabels])).toEqual([
      ['topology.kubernetes.io/zone', { 'app.kubernetes.io/component': expect.stringMatching(/^demo-server-/), ...own }],
      ['kubernetes.io/hostname', { team: 'search' }],
    ]);
    expect(objects.find((o) => o.kind === 'PodDisruptionBudget').spec.selector.matchLabels).toMatchObject(own);
  });

  test('topology spread constraints written by a construct are scoped too', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'selectors' });
    const server = new plus.Deployment(chart, 'server', { replicas: 2, containers: [{ image: 'busybox', securityContext: { user: 1000 } }] });
    ApiObject.of(server).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'cdk8s.io/metadata.addr': server.matchLabels['cdk8s.io/metadata.addr'] } } }]));
    const d = (resolveChart(synthesizeChart(chart), { name: 'blue', namespace: 'ml' }, '0.1.0', {}) as any[]).find((o) => o.kind === 'Deployment');
    expect(d.spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ 'app.kubernetes.io/component': expect.stringMatching(/^demo-server-/), 'app.kubernetes.io/instance': 'blue', 'app.kubernetes.io/name': 'demo' });
  });

  test('a second release selects its own pods, never the first\'s', () => {
    const green = render('green').find((o) => o.kind === 'PodDisruptionBudget').spec.selector.matchLabels;
    expect(green['app.kubernetes.io/instance']).toBe('green');
  });
});

describe('mounts of a container are checked against one another at synthesis', () => {
  test('two volumes at one path is an error naming the construct, like every other', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'mounts' });
    const server = new plus.Deployment(chart, 'server', { containers: [{ image: 'busybox', securityContext: { user: 1000 } }] });
    server.containers[0].mount('/data', plus.Volume.fromEmptyDir(chart, 'a', 'a'));
    server.containers[0].mount('/data', plus.Volume.fromEmptyDir(chart, 'b', 'b'));
    expect(() => synthesizeChart(chart)).toThrow(
      '[demo/server] container "main": volumeMounts \'/data\' (volumes "a" and "b") must be unique; the API server refuses a pod mounting two volumes at one path: mount one of them elsewhere',
    );
  });
});

describe('helm test pods check each claim with the identity its workload uses', () => {
  test('claims mounted by pods of two service accounts: one test pod per account, each mounting its claims', () => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'identities' });
    const claim = (id: string) => new plus.PersistentVolumeClaim(chart, id, { storage: Size.gibibytes(1), accessModes: [plus.PersistentVolumeAccessMode.READ_WRITE_MANY], storageClassName: 'strata-efs' });
    for (const [id, c] of [['reader', 'models'], ['writer', 'results']] as const) {
      const sa = new plus.ServiceAccount(chart, `${id}-sa`);
      const d = new plus.Deployment(chart, id, { serviceAccount: sa, containers: [{ image: 'busybox', securityContext: { user: 1000 } }] });
      d.containers[0].mount(`/${c}`, plus.Volume.fromPersistentVolumeClaim(chart, `${c}-volume`, claim(c)));
    }
    const synth = synthesizeChart(chart);
    const resolved = resolveTemplate(releaseTemplate(synth, chartTestHooks(synth)), { name: 'rel', namespace: 'ml' }, '0.1.0', {}, { tests: true }).filter((o: any) => o.kind === 'Pod') as any[];
    expect(resolved.map((p) => [p.metadata.name, p.spec.serviceAccountName, p.spec.volumes.map((v: any) => v.persistentVolumeClaim.claimName)])).toEqual([
      ['rel-demo-storage-test', 'rel-demo-reader-sa', ['rel-demo-models']],
      ['rel-demo-storage-test-2', 'rel-demo-writer-sa', ['rel-demo-results']],
    ]);
    // Writable claims are written and read back.
    expect(resolved[1].spec.containers[0].command[2]).toContain('echo ok > "$f"; test "$(cat "$f")" = ok');
  });
});

describe("every chart's pods meet the Pod Security level it declares, and request CPU and memory", () => {
  const restricted = { user: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } as const;
  const chartWith = (securityContext: plus.ContainerSecurityContextProps, resources = true) => {
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'pods' });
    const d = new plus.Deployment(chart, 'server', { containers: [{ image: 'busybox', securityContext, resources: { cpu: { request: plus.Cpu.units(1) }, memory: { request: Size.gibibytes(1) } } }] });
    // cdk8s-plus writes default requests; a hand-written object may have none.
    if (!resources) ApiObject.of(d).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/resources'));
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
    return chart;
  };

  test('a restricted pod with requests: no problem', () => {
    expect(chartPodProblems(synthesizeChart(chartWith(restricted)))).toEqual([]);
  });

  test('a privileged container, and a container without requests: named, with the way out', () => {
    expect(chartPodProblems(synthesizeChart(chartWith({ ...restricted, privileged: true }, false)))).toEqual([
      '[templates/deployment-server.yaml] spec.template.spec: Pod Security "restricted" refuses its pods (the level every chart meets unless a construct says why not): container "main": securityContext.privileged must be unset or false; fix the pod spec, or, if the pod truly needs it, require "privileged" on the construct that makes it (requirePodSecurity, or its namespacePodSecurity prop)',
      '[templates/deployment-server.yaml] spec.template.spec: container "main": resources.requests.cpu must be set; container "main": resources.requests.memory must be set: the scheduler places a pod by what it requests, and evicts those without requests first; give every container CPU and memory requests',
    ]);
  });

  test('a chart that declares privileged (requirePodSecurity) may hold it', () => {
    const chart = chartWith({ ...restricted, privileged: true });
    requirePodSecurity(chart, 'privileged', 'a device plugin');
    expect(chartPodProblems(synthesizeChart(chart))).toEqual([]);
  });
});
