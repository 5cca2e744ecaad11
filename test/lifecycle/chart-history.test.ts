/**
 * Chart v(n) → v(n+1), from git history: each chart in charts/ against the previous version
 * committed on the main line (first-parent history, merges included: a merge can be where a
 * version changes), both rendered with the pinned helm for each environment's release values, and
 * compared with upgradeChanges (packages/checks/src/upgrade.ts). What the cluster refuses (an
 * immutable field) or what loses or orphans data is allowed only when the chart records it in
 * strata.dev/accepted-changes and its major version moved.
 *
 * Runs in any full clone (git log, git show, git archive; nothing fetched). Without history — a
 * shallow clone, a copy without .git — a chart is skipped with the reason in the test's name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeChange, environmentNames, environmentReleases, EnvironmentRelease, Manifest, renderRelease, upgradeChanges } from '@strata/checks';
import { ACCEPTED_CHANGES_ANNOTATION, AcceptedChange, readTree, recordedChart } from '@strata/helm';
import { parse } from 'yaml';
import { REPO } from '../hardening/rendered';
import { HelmControllerModel } from '../support/controllers';

const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });

/** Why history cannot be read here, if it cannot. */
function historyMissing(): string | undefined {
  try {
    return git('rev-parse', '--is-shallow-repository').trim() === 'true' ? 'a shallow clone' : undefined;
  } catch {
    return 'no git repository';
  }
}

interface Version {
  readonly commit: string;
  readonly version: string;
  readonly digest?: string;
}

/** The versions of a chart along first-parent history, newest first: each commit where its Chart.yaml's version line changed. */
function versions(chart: string): Version[] {
  const path = `charts/${chart}/Chart.yaml`;
  return git('log', '--first-parent', '-m', '--format=%H', '-G^version: ', '--', path)
    .split('\n')
    .filter(Boolean)
    .flatMap((commit) => {
      const rec = recordedChart(git('show', `${commit}:${path}`));
      return rec ? [{ commit, version: rec.version, ...(rec.contentDigest ? { digest: rec.contentDigest } : {}) }] : [];
    });
}

const MISSING = historyMissing();
const CHARTS = readdirSync(join(REPO, 'charts')).filter((c) => existsSync(join(REPO, 'charts', c, 'Chart.yaml'))).sort();
const TRANSITIONS = CHARTS.map((chart) => {
  const yaml = readFileSync(join(REPO, 'charts', chart, 'Chart.yaml'), 'utf8');
  const current = recordedChart(yaml)!;
  const history = MISSING ? [] : versions(chart);
  const previous = history.find((v) => v.version !== current.version);
  return { chart, yaml, current, history, previous };
});
const ENVIRONMENTS = readTree(join(REPO, 'environments'));
const RELEASES = environmentNames(ENVIRONMENTS).flatMap((env) => environmentReleases(ENVIRONMENTS, env));

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'strata-chart-history-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** charts/<chart> as committed in `commit`, extracted once. */
function chartAt(chart: string, commit: string): string {
  const dir = join(scratch, `${chart}-${commit.slice(0, 12)}`);
  if (!existsSync(dir)) {
    mkdirSync(dir);
    const archive = execFileSync('git', ['archive', commit, `charts/${chart}`], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir, '--strip-components=2'], { input: archive });
  }
  return dir;
}

/**
 * The release as the cluster ran it on the earlier version: that chart with this environment's
 * values; when the earlier chart refuses them (a value added since), with the values the
 * environment had in that commit.
 */
function renderEarlier(dir: string, r: EnvironmentRelease, commit: string): { objects: Manifest[]; values: 'committed' | 'of that commit' } {
  try {
    return { objects: renderRelease(dir, r), values: 'committed' };
  } catch (first) {
    const envDir = join(scratch, `environments-${commit.slice(0, 12)}`);
    if (!existsSync(envDir)) {
      mkdirSync(envDir);
      execFileSync('tar', ['-x', '-C', envDir, '--strip-components=1'], { input: execFileSync('git', ['archive', commit, 'environments'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }) });
    }
    const then = environmentReleases(readTree(envDir), r.environment).find((x) => x.chart === r.chart && x.layer === r.layer);
    if (!then) throw first;
    return { objects: renderRelease(dir, { ...r, values: then.values }), values: 'of that commit' };
  }
}

const own = (objects: readonly Manifest[]) => objects.filter((o) => !o.metadata.annotations?.['helm.sh/hook']);
const major = (version: string) => Number(version.split('.')[0]);

function accepted(chartYaml: string): AcceptedChange[] {
  const text = (parse(chartYaml) as { annotations?: Record<string, string> } | null)?.annotations?.[ACCEPTED_CHANGES_ANNOTATION];
  return text ? (JSON.parse(text) as AcceptedChange[]) : [];
}

describe.each(TRANSITIONS)('chart $chart', ({ chart, yaml, current, history, previous }) => {
  if (!previous) {
    const why = MISSING ? `${MISSING}: no history to read` : history.length === 0 ? 'never committed before' : `no earlier version than ${current.version} in git history`;
    test.skip(`${chart} ${current.version}: skipped — ${why}`, () => undefined);
    return;
  }
  const releases = RELEASES.filter((r) => r.chart === chart);

  test(`${previous.version} (${previous.commit.slice(0, 7)}) → ${current.version}, for ${releases.map((r) => `${r.environment} ${r.namespace}/${r.releaseName}`).join(', ') || 'no environment'}: no change the cluster refuses or that loses data, unless recorded in ${ACCEPTED_CHANGES_ANNOTATION} with a major version`, () => {
    // Refused: kubernetes pkg/apis/*/validation Validate*Update (immutable fields); orphaned: helm.sh/resource-policy keep (helm pkg/kube/client.go#L678-L681).
    const dir = chartAt(chart, previous.commit);
    expect(recordedChart(readFileSync(join(dir, 'Chart.yaml'), 'utf8'))?.version).toBe(previous.version);
    const records = major(current.version) > major(previous.version) ? accepted(yaml) : [];
    const refused: string[] = [];
    const upgrades: string[] = [];
    for (const r of releases) {
      const before = own(renderEarlier(dir, r, previous.commit).objects);
      const after = own(renderRelease(join(REPO, 'charts', chart), r));
      for (const change of upgradeChanges(before, after)) {
        const ok = records.some((a) => a.kind === change.kind && (change.name === a.name || change.name.endsWith(`-${a.name}`)) && a.change === change.field);
        if (!ok) refused.push(`${r.environment}: ${describeChange(change)}`);
      }
      // And as helm-controller would run it: installed at the earlier version, upgraded to this one.
      const m = new HelmControllerModel(r.helmRelease!.spec);
      m.reconcile(before);
      const state = m.reconcile(after);
      upgrades.push(`${r.environment}: ${state}${m.steps.filter((s) => s.why).map((s) => ` (${s.action}: ${s.why})`).join('')}`);
    }
    expect(refused).toEqual([]);
    expect(upgrades).toEqual(releases.map((r) => `${r.environment}: Ready`));
  });
});

/**
 * Along the main line a chart's version goes up, and one version names one content: a cluster
 * that pulled 0.1.3 must never be offered other content as 0.1.3 (source-controller keeps the
 * digest it has; an immutable ECR tag refuses the push). The exceptions are history: the merge of
 * lifecycle-storage (8d4d125) took the branch's 0.1.2 of two tier charts over main's 0.1.3, and the
 * next generate bumped them to 0.1.3 again, with new content (neither version was published:
 * environments/published.json never existed then).
 */
const KNOWN_REUSE = ['storage-fsx-lustre 0.1.3', 'storage-instance-store 0.1.3'];
const KNOWN_DECREASE = ['storage-fsx-lustre 0.1.3 → 0.1.2 (8d4d125)', 'storage-instance-store 0.1.3 → 0.1.2 (8d4d125)'];

(MISSING ? test.skip : test)(`along first-parent history, each chart's version only goes up and names one content (known exceptions: ${KNOWN_REUSE.join(', ')})`, () => {
  const reused: string[] = [];
  const decreased: string[] = [];
  for (const { chart, current, history } of TRANSITIONS) {
    const oldestFirst = [...history].reverse();
    const digests = new Map<string, Set<string>>();
    for (const v of [...oldestFirst, { commit: 'working tree', version: current.version, digest: current.contentDigest }]) if (v.digest) (digests.get(v.version) ?? digests.set(v.version, new Set()).get(v.version)!).add(v.digest);
    for (const [version, set] of digests) if (set.size > 1) reused.push(`${chart} ${version}`);
    for (let i = 1; i < oldestFirst.length; i++) {
      const [a, b] = [oldestFirst[i - 1], oldestFirst[i]];
      const [pa, pb] = [a.version.split('.').map(Number), b.version.split('.').map(Number)];
      const cmp = pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
      if (cmp > 0) decreased.push(`${chart} ${a.version} → ${b.version} (${b.commit.slice(0, 7)})`);
    }
  }
  expect(reused.sort()).toEqual(KNOWN_REUSE);
  expect(decreased.sort()).toEqual(KNOWN_DECREASE);
});
