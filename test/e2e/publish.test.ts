/**
 * Issue 7, "Done when", against a real registry (Debian's docker-registry on 127.0.0.1, started
 * here and stopped by its PID), in a temporary copy of the workspace:
 * - every example chart pushed, pulled back, and `helm template` from oci:// equals the local render;
 * - after publish, the overlays of an environment pulling from that registry pin the digest it
 *   serves, and only those (issue 15: the others pull from another registry);
 * - the classic chart repository (index.yaml + archives) lists every chart;
 * - every example chart lints and renders the same under Helm 4 as under the pinned Helm 3.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Helm } from '@strata/helm';
import { helm4Path, LocalRegistry, startRegistry } from '@strata/toolchain';
import { publishCharts } from '../../tools/cli/src/publish';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { copyWorkspace, REPO, run, SLOW } from '../support/workspace';

/**
 * The digests an environment's overlays pin, by chart: its workloads' (a JSON patch adding
 * /spec/ref/digest to the shared base, which has none) and its tier charts' (infrastructure/configs).
 */
function pinnedDigests(root: string, env: string): { [chart: string]: string } {
  const dir = join(root, 'environments', env);
  const out: { [chart: string]: string } = {};
  const apps = parse(readFileSync(join(dir, 'apps/kustomization.yaml'), 'utf8'));
  for (const p of apps.patches ?? []) {
    if (p.target?.kind !== 'OCIRepository' || typeof p.patch !== 'string') continue;
    for (const op of parse(p.patch) as { op: string; path: string; value?: string }[]) if (op.path === '/spec/ref/digest') out[p.target.name] = op.value!;
  }
  for (const base of readdirSync(join(root, 'environments/base/apps'))) {
    expect(parse(readFileSync(join(root, 'environments/base/apps', base, 'repository.yaml'), 'utf8')).spec.ref.digest).toBeUndefined();
  }
  for (const f of readdirSync(join(dir, 'infrastructure/configs')).filter((f) => f.startsWith('storage-'))) {
    for (const d of parseAllDocuments(readFileSync(join(dir, 'infrastructure/configs', f), 'utf8')).map((x) => x.toJS())) {
      if (d?.kind === 'OCIRepository' && d.spec.ref.digest) out[d.metadata.name] = d.spec.ref.digest;
    }
  }
  return out;
}

const charts = readdirSync(join(REPO, 'charts'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const helm = new Helm();

describe('publish every example chart to a real registry', () => {
  let registry: LocalRegistry;
  let root: string;
  beforeAll(async () => {
    registry = await startRegistry();
    root = copyWorkspace();
  });
  afterAll(async () => {
    await registry?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test(
    'push, pull back, render from oci:// like the local chart; overlays pin the registry digest; the classic repository lists them',
    async () => {
      const repoDir = join(root, 'dist', 'helm-repo');
      const outcomes = await publishCharts({ root, registry: registry.chartsUrl, plainHttp: true, repoDir, repoUrl: 'https://charts.example.com/strata' });
      expect(outcomes.map((o) => [o.chart, o.status])).toEqual(charts.map((c) => [c, 'pushed']));

      for (const o of outcomes) {
        const version = o.version;
        const fromRegistry = parseManifests(await helm.template(`${registry.chartsUrl}/${o.chart}`, { releaseName: 'r', namespace: 'ns', version, plainHttp: true }));
        const local = parseManifests(await helm.template(join(root, 'charts', o.chart), { releaseName: 'r', namespace: 'ns' }));
        expect(fromRegistry).toEqual(local);
      }

      for (const o of outcomes) {
        if (o.status === 'failed') throw new Error(o.error);
        const res = await fetch(`http://${registry.host}/v2/charts/${o.chart}/manifests/${o.version}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
        expect(res.headers.get('docker-content-digest')).toBe(o.digest);
      }
      const generate = () => run(root, ['-r', '@swc-node/register', join(root, 'tools/cli/bin/generate.ts')]);
      const environments = ['dev', 'staging', 'prod'];
      // Issue 15: every environment pulls from ECR, which holds none of these digests: none pins them
      // (they were pinned into every overlay, and Flux would have pulled a digest ECR does not hold).
      generate();
      for (const env of environments) expect({ env, pinned: pinnedDigests(root, env) }).toEqual({ env, pinned: {} });
      // dev pulling from the registry the charts were pushed to: dev pins the digests it returned, the others still nothing.
      const devFile = join(root, 'environments/dev/environment.ts');
      writeFileSync(devFile, readFileSync(devFile, 'utf8').replace(/^  registry: .*$/m, `  registry: '${registry.chartsUrl}',`));
      generate();
      const pushed = Object.fromEntries(outcomes.map((o) => [o.chart, o.status === 'failed' ? o.error : o.digest]));
      const devPinned = pinnedDigests(root, 'dev');
      expect(Object.keys(devPinned).length).toBeGreaterThan(3); // its workloads and its tier charts
      for (const [chart, digest] of Object.entries(devPinned)) expect({ chart, digest }).toEqual({ chart, digest: pushed[chart] });
      for (const env of ['staging', 'prod']) expect({ env, pinned: pinnedDigests(root, env) }).toEqual({ env, pinned: {} });

      const index = parse(readFileSync(join(repoDir, 'index.yaml'), 'utf8'));
      expect(Object.keys(index.entries).sort()).toEqual(charts);
      for (const c of charts) expect(index.entries[c][0].urls[0]).toMatch(new RegExp(`^https://charts\\.example\\.com/strata/${c}-\\d+\\.\\d+\\.\\d+\\.tgz$`));
    },
    SLOW,
  );
});

describe('Helm 4', () => {
  const helm4 = new Helm(helm4Path());

  test.each(charts)('%s lints and renders under Helm 4 as under Helm 3', async (chart) => {
    const dir = join(REPO, 'charts', chart);
    await expect(helm4.lint([dir], { strict: true })).resolves.toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const four = parseManifests(await helm4.template(dir, { releaseName: 'r', namespace: 'ns' }));
    const three = parseManifests(await helm.template(dir, { releaseName: 'r', namespace: 'ns' }));
    expect(four).toEqual(three);
  });
});
