/**
 * Issue 9, item 4: Pod Security Standards. Every chart in charts/ rendered with every
 * environment's values (environments/<env>/apps/<w>-values.yaml and the tier charts' values in
 * infrastructure/configs, over the charts' defaults, by `helm template`), every pod template
 * (helm test pods included) checked with checkRestricted. hostPath is allowed only where it was
 * explicitly chosen (InstanceStore.hostPath with allowHostPath); such a pod fails "restricted"
 * and "baseline" too, and this test says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { checkPodSecurity, checkRestricted, POD_SECURITY_ENFORCE_LABEL, PodSecurityLevelName, podSpecsOf } from '@strata/checks';
import { parseAllDocuments } from 'yaml';
import { INSTANCE_LOCAL_NVME_LABEL, InstanceStore, PodSecurityLevel } from '@strata/storage';
import { renderCommitted, RenderedRelease, REPO } from './rendered';
import { newChart, synthErrors } from './support';

/** The problems "baseline" also refuses, among checkRestricted's (host namespaces, host paths and ports, privileged, sysctls, SELinux, AppArmor, procMount). */
function baselineProblems(restricted: string[]): string[] {
  return restricted.filter((p) => /hostNetwork|hostPID|hostIPC|\(hostPath\)|privileged must|hostPort|sysctls|seLinuxOptions|appArmorProfile|procMount/.test(p));
}
const hostPathVolumes = (spec: any): string[] => (spec.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => v.name);

describe('Pod Security Standards over every rendered chart and environment', () => {
  let rendered: RenderedRelease[];
  beforeAll(() => {
    rendered = renderCommitted();
  });

  test('every chart of charts/ is deployed by some environment (so every chart is checked)', () => {
    const charts = readdirSync(join(REPO, 'charts'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect([...new Set(rendered.map((r) => r.release.chart))].sort()).toEqual(charts);
  });

  /** The level each environment's namespace enforces, from its committed namespaces.yaml. */
  const enforced = (environment: string, namespace: string): PodSecurityLevelName | undefined => {
    const docs = parseAllDocuments(readFileSync(join(REPO, 'environments', environment, 'apps/namespaces.yaml'), 'utf8')).map((d) => d.toJS());
    return docs.find((d) => d?.metadata?.name === namespace)?.metadata?.labels?.[POD_SECURITY_ENFORCE_LABEL];
  };

  test('every workloads\' namespace enforces a level, and every pod template meets it; restricted unless its chart says why not; none uses hostPath (none chose it)', () => {
    const failures: string[] = [];
    const belowRestricted: string[] = [];
    let pods = 0;
    let hostPathPods = 0;
    const failing = new Set<string>();
    for (const { release, objects } of rendered) {
      const level = release.layer === 'app' ? enforced(release.environment, release.namespace) : 'restricted';
      if (level === undefined) failures.push(`${release.environment}: namespace ${release.namespace} enforces no Pod Security level`);
      const chartYaml = readFileSync(join(REPO, 'charts', release.chart, 'Chart.yaml'), 'utf8');
      for (const { id, spec } of podSpecsOf(objects)) {
        pods++;
        const where = `${release.environment}/${release.chart} ${id}`;
        if (hostPathVolumes(spec).length > 0) hostPathPods++;
        for (const p of checkPodSecurity(spec, level ?? 'restricted')) {
          failures.push(`${where}: ${p}`);
          failing.add(where);
        }
        if (checkRestricted(spec).length > 0) {
          belowRestricted.push(where);
          // Only a chart that says why may hold pods below restricted.
          if (!chartYaml.includes('strata.dev/pod-security')) failures.push(`${where}: below restricted, and chart ${release.chart} does not say why`);
        }
      }
    }
    console.log(`PSS: ${pods} pod templates checked in ${rendered.length} releases (${new Set(rendered.map((r) => r.release.chart)).size} charts × their environments): ${pods - failing.size} meet their namespace's level, ${belowRestricted.length} below restricted by their chart's declaration (${[...new Set(belowRestricted)].join(', ') || 'none'}), ${hostPathPods} with an explicitly chosen hostPath`);
    expect(failures).toEqual([]);
    expect(hostPathPods).toBe(0);
    expect(pods).toBeGreaterThan(10);
  });

  test('an explicitly chosen hostPath (InstanceStore.hostPath, allowHostPath: true) fails "restricted" AND "baseline"', () => {
    const chart = Testing.chart();
    const disk = InstanceStore.hostPath(chart, 'disk', { path: '/mnt/k8s-disks/0', allowHostPath: true, nodeAffinity: [plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0'])], namespacePodSecurity: PodSecurityLevel.PRIVILEGED });
    const pod = new plus.Deployment(chart, 'reader', { containers: [{ image: 'reader:1', securityContext: { user: 1000 } }] });
    disk.mount(pod.containers[0], '/scratch');
    const objs = Testing.synth(chart);
    const [{ spec }] = podSpecsOf(objs);
    expect(hostPathVolumes(spec)).toHaveLength(1);
    const restricted = checkRestricted(spec);
    const baseline = baselineProblems(restricted);
    // The test says so: hostPath was chosen, and both profiles refuse the pod because of it.
    expect(baseline).toEqual([expect.stringMatching(/^pod: volume "\S+" \(hostPath\) must be one of configMap, csi, /)]);
    expect(restricted).toEqual(expect.arrayContaining(baseline));
    console.log(`PSS: hostPath chosen explicitly → refused by restricted (${restricted.length} problem(s)) and by baseline: ${baseline[0]}`);
  });

  test('and strata itself refuses hostPath for a namespace enforcing baseline or restricted (facts §7 case 51)', () => {
    for (const level of [PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED]) {
      const chart = newChart();
      InstanceStore.hostPath(chart, 'disk', { path: '/mnt/k8s-disks/0', allowHostPath: true, nodeAffinity: [plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0'])], namespacePodSecurity: level });
      expect(synthErrors(chart)).toEqual([
        `[test/disk] 'namespacePodSecurity' ("${level}") must be one of privileged; Pod Security baseline and restricted refuse hostPath volumes: use new InstanceStore(scope, id, { size }) (emptyDir), which needs no privileges`,
      ]);
    }
  });
});
