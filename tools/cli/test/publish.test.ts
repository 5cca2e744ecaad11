import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing } from 'cdk8s';
import { chartFiles, Helm, HelmError, synthesizeChart } from '@strata/helm';
import { LocalRegistry, startRegistry } from '@strata/toolchain';
import { PublishError, publishCharts, readPublished } from '../src';
import { DemoChart } from '../../../packages/helm/test/fixtures/demo-chart';
import { parseManifests } from '../../../packages/helm/test/support/helm-render';

/** A repository holding one chart package `demo` with its generated chart. */
function repoWithDemo(values?: Record<string, unknown>, version = '0.1.0'): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-publish-repo-'));
  writeFile(root, 'packages/workloads/demo/package.json', JSON.stringify({ name: '@strata/workload-demo', version, strata: { chart: 'src/chart.ts' } }));
  writeFile(root, 'packages/workloads/demo/src/chart.ts', '// publish reads charts/demo; the chart module is never loaded here\n');
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

/** A repository holding `n` chart packages demo-1 … demo-n, each a copy of the demo chart under its own name. */
function repoWithDemos(n: number): { root: string; names: string[] } {
  const root = repoWithDemo();
  const names = Array.from({ length: n }, (_, i) => `demo-${i + 1}`);
  const files = readdirSync(join(root, 'charts/demo'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  for (const name of names) {
    writeFile(root, `packages/workloads/${name}/package.json`, JSON.stringify({ name: `@strata/workload-${name}`, version: '0.1.0', strata: { chart: 'src/chart.ts' } }));
    writeFile(root, `packages/workloads/${name}/src/chart.ts`, '// never loaded by publish\n');
    for (const f of files) {
      const rel = join(f.parentPath, f.name).slice(join(root, 'charts/demo').length + 1);
      const content = readFileSync(join(root, 'charts/demo', rel), 'utf8');
      writeFile(root, `charts/${name}/${rel}`, rel === 'Chart.yaml' ? content.replace(/^name: demo$/m, `name: ${name}`) : content);
    }
  }
  return { root, names };
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

  test('many charts at once (helm started from the helper process): each pushed with the digest the registry serves; again, each unchanged', async () => {
    const { root, names } = repoWithDemos(10);
    const helm = isolatedHelm();
    const helper = jest.spyOn(helm, 'withLauncher');
    const url = `${registry.chartsUrl}-many`;
    const outcomes = await publishCharts({ root, registry: url, charts: names, plainHttp: true, helm, concurrency: 3 });
    expect(helper).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => [o.chart, o.status])).toEqual(names.map((n) => [n, 'pushed']));
    const recorded = readPublished(root)[url];
    for (const o of outcomes) {
      const res = await fetch(`http://${registry.host}/v2/charts-many/${o.chart}/manifests/0.1.0`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
      expect(res.headers.get('docker-content-digest')).toBe((o as { digest: string }).digest);
      expect(recorded[o.chart]['0.1.0'].digest).toBe((o as { digest: string }).digest);
    }
    const again = await publishCharts({ root, registry: url, charts: names, plainHttp: true, helm, concurrency: 3 });
    expect(again).toEqual(outcomes.map((o) => ({ ...o, status: 'unchanged' })));
  });

  test('helm package failing on one chart: the charts packaged before it are pushed and recorded, then the package error is thrown', async () => {
    const { root, names } = repoWithDemos(10);
    appendFileSync(join(root, 'charts/demo-7/values.yaml'), '\nbroken: [\n');
    const url = `${registry.chartsUrl}-broken`;
    const err = await publishCharts({ root, registry: url, charts: names, plainHttp: true, helm: isolatedHelm() }).catch((e) => e);
    expect(err).toBeInstanceOf(HelmError);
    expect(err.message).toMatch(/^helm package .*demo-7.*values\.yaml/s);
    // helm packages in the order given and stops at the first failure
    const before = names.slice(0, names.indexOf('demo-7'));
    expect(Object.keys(readPublished(root)[url]).sort()).toEqual([...before].sort());
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

describe('helm started from the helper process (Helm.withLauncher)', () => {
  test('the same output and the same errors as helm started here', async () => {
    const helm = new Helm();
    const direct = await helm.run(['version', '--short']);
    const directErr = await helm.run(['show', 'chart', '/nonexistent/chart']).catch((e) => e);
    const [viaHelper, viaHelperErr] = await helm.withLauncher(() => Promise.all([helm.run(['version', '--short']), helm.run(['show', 'chart', '/nonexistent/chart']).catch((e) => e)]));
    expect(viaHelper).toBe(direct);
    expect(viaHelperErr).toBeInstanceOf(HelmError);
    expect([viaHelperErr.exitCode, viaHelperErr.stderr, viaHelperErr.message]).toEqual([directErr.exitCode, directErr.stderr, directErr.message]);
  });

  test('if the helper dies, helm runs from here', async () => {
    const helm = new Helm();
    const expected = await helm.run(['version', '--short']);
    await helm.withLauncher(async () => {
      const first = helm.run(['version', '--short']);
      expect(await first).toBe(expected);
      const helper = childPids().find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('process.send'));
      expect(helper).toBeDefined();
      process.kill(helper!, 'SIGKILL');
      expect(await Promise.all([helm.run(['version', '--short']), helm.run(['version', '--short'])])).toEqual([expected, expected]);
    });
    expect(await helm.run(['version', '--short'])).toBe(expected);
  });
});

/** This process's children. */
function childPids(): number[] {
  return readdirSync('/proc/self/task').flatMap((t) => readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}
