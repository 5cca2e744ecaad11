import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing } from 'cdk8s';
import { chartFiles, Helm, synthesizeChart } from '@strata/helm';
import { LocalRegistry, startRegistry } from '@strata/toolchain';
import { PublishError, publishCharts, readPublished } from '../src';
import { DemoChart } from '../../../packages/helm/test/fixtures/demo-chart';
import { parseManifests } from '../../../packages/helm/test/support/helm-render';

/** A repository holding one chart package `demo` with its generated chart. */
function repoWithDemo(values?: Record<string, unknown>, version = '0.1.0'): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-publish-repo-'));
  writeFile(root, 'packages/workloads/demo/package.json', JSON.stringify({ name: '@strata/workload-demo', version, strata: { chart: 'src/chart.ts' } }));
  writeChart(root, values, version);
  return root;
}

function writeChart(root: string, values: Record<string, unknown> | undefined, version: string): void {
  const files = chartFiles(synthesizeChart(new DemoChart(Testing.app(), 'demo', { values })), { version, source: 'packages/workloads/demo' });
  for (const [rel, content] of files) writeFile(root, `charts/demo/${rel}`, content);
}

function writeFile(root: string, rel: string, content: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

/** A helm whose registry logins go to a private file, not the user's. */
function isolatedHelm(): Helm {
  const dir = mkdtempSync(join(tmpdir(), 'strata-helm-home-'));
  return new Helm(undefined, { ...process.env, HELM_REGISTRY_CONFIG: join(dir, 'registry.json'), HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config') });
}

describe('publish to a real OCI registry', () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('pushes, records the registry digest, and the pulled chart renders like the local one', async () => {
    const root = repoWithDemo();
    const helm = isolatedHelm();
    const lines: string[] = [];
    const outcomes = await publishCharts({ root, registry: registry.chartsUrl, plainHttp: true, helm, log: (l) => lines.push(l) });
    expect(outcomes).toEqual([{ chart: 'demo', version: '0.1.0', status: 'pushed', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }]);
    expect(lines[lines.length - 1]).toMatch(/^\[1\/1\] demo 0\.1\.0: pushed sha256:/);
    const recorded = readPublished(root)[registry.chartsUrl].demo['0.1.0'];
    expect(recorded.digest).toBe((outcomes[0] as { digest: string }).digest);

    // the digest the registry serves for the tag is the one recorded
    const res = await fetch(`http://${registry.host}/v2/charts/demo/manifests/0.1.0`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(res.headers.get('docker-content-digest')).toBe(recorded.digest);

    const fromRegistry = parseManifests(await helm.template(`${registry.chartsUrl}/demo`, { releaseName: 'r', namespace: 'ns', version: '0.1.0', plainHttp: true }));
    const local = parseManifests(await helm.template(join(root, 'charts/demo'), { releaseName: 'r', namespace: 'ns' }));
    expect(fromRegistry).toEqual(local);
  });

  test('a second publish with no change pushes nothing; other content under an existing version is refused', async () => {
    const root = repoWithDemo(undefined, '0.2.0');
    const helm = isolatedHelm();
    const [first] = await publishCharts({ root, registry: registry.chartsUrl, plainHttp: true, helm });
    const [second] = await publishCharts({ root, registry: registry.chartsUrl, plainHttp: true, helm });
    expect(first.status).toBe('pushed');
    expect(second).toEqual({ ...first, status: 'unchanged' });

    writeChart(root, { server: { replicas: 7 } }, '0.2.0');
    const before = readFileSync(join(root, 'environments/published.json'), 'utf8');
    const err = await publishCharts({ root, registry: registry.chartsUrl, plainHttp: true, helm }).catch((e) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err.message).toContain(`${registry.host}/charts (chart demo 0.2.0): version 0.2.0 is already in the registry with other content (sha256:`);
    expect(err.message).toContain('versions are immutable');
    expect(readFileSync(join(root, 'environments/published.json'), 'utf8')).toBe(before);
  });

  test('a bad registry URL is refused before anything runs', async () => {
    await expect(publishCharts({ root: repoWithDemo(), registry: 'https://example.com/charts' })).rejects.toThrow(
      `'registry' ("https://example.com/charts") must be an oci:// URL such as oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts`,
    );
  });
});

test('registry unreachable: a clear error naming registry and chart, nothing recorded', async () => {
  const reg = await startRegistry();
  const url = reg.chartsUrl;
  await reg.stop();
  const root = repoWithDemo();
  const err = await publishCharts({ root, registry: url, plainHttp: true, helm: isolatedHelm() }).catch((e) => e);
  expect(err).toBeInstanceOf(PublishError);
  expect(err.message).toMatch(new RegExp(`^publish failed for 1 chart\\(s\\):\\n  ${url.slice(6).replace(/\./g, '\\.')} \\(chart demo 0\\.1\\.0\\): registry unreachable: `));
  expect(readPublished(root)).toEqual({});
});

test('a registry with htpasswd auth refuses a wrong password and an anonymous push', async () => {
  const reg = await startRegistry({ auth: { user: 'ci', password: 'right' } });
  try {
    const helm = isolatedHelm();
    await expect(helm.registryLogin(reg.host, 'ci', 'wrong', { plainHttp: true })).rejects.toThrow(/401|unauthorized/i);
    const root = repoWithDemo();
    const err = await publishCharts({ root, registry: reg.chartsUrl, plainHttp: true, helm }).catch((e) => e);
    expect(err.message).toContain(`${reg.host}/charts (chart demo 0.1.0): authentication refused: log in with \`helm registry login\``);
    await helm.registryLogin(reg.host, 'ci', 'right', { plainHttp: true });
    const [ok] = await publishCharts({ root, registry: reg.chartsUrl, plainHttp: true, helm });
    expect(ok.status).toBe('pushed');
  } finally {
    await reg.stop();
  }
});
