/**
 * Issue 7, "Done when", against a real registry (Debian's docker-registry on 127.0.0.1, started
 * here and stopped by its PID), in a temporary copy of the workspace:
 * - every example chart pushed, pulled back, and `helm template` from oci:// equals the local render;
 * - after publish, the overlays' OCIRepository pins the digest the registry serves;
 * - the classic chart repository (index.yaml + archives) lists every chart;
 * - every example chart lints and renders the same under Helm 4 as under the pinned Helm 3.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Helm } from '@strata/helm';
import { helm4Path, LocalRegistry, startRegistry } from '@strata/toolchain';
import { publishCharts } from '../../tools/cli/src/publish';
import { parseManifests } from '@strata/helm/test/support/helm-render';
import { copyWorkspace, REPO, run, SLOW } from '../support/workspace';

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

      // generate again: the overlays now pin the digest the registry returned
      run(root, ['-r', '@swc-node/register', join(root, 'tools/cli/bin/generate.ts')]);
      for (const o of outcomes) {
        if (o.status === 'failed') throw new Error(o.error);
        const res = await fetch(`http://${registry.host}/v2/charts/${o.chart}/manifests/${o.version}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
        expect(res.headers.get('docker-content-digest')).toBe(o.digest);
        if (o.chart.startsWith('storage-')) continue; // tier charts are pinned in each environment's infrastructure/configs
        const repo = parse(readFileSync(join(root, 'environments/base/apps', o.chart, 'repository.yaml'), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n'));
        expect(repo.spec.ref).toEqual({ tag: o.version, digest: o.digest });
      }

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
