import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeChange, environmentNames, environmentReleases, EnvironmentRelease, Manifest, renderRelease, upgradeChanges, UpgradeChange } from '@strata/checks';
import { isKeptInEnvironments, LoadedEnvironment, registryKey } from '@strata/gitops';
import { ACCEPTED_CHANGES_ANNOTATION, AcceptedChange, compareVersions, listTree, recordedChart, resolveTemplate } from '@strata/helm';
import { parse } from 'yaml';
import { ChartOutput, readTextIfPresent } from './chart-cache';
import { readPublished } from './publish';
import { leftBehindNotes } from './upgrade-notes';

/**
 * Upgrade safety, before generate writes: each release of each environment is compared with what
 * the cluster runs before it — the chart and values committed now, and, when the last version
 * published to the environment's registry is older than the committed one, that version (found in
 * git history) — and
 * every change the cluster refuses or that would lose or orphan data is an error, unless the chart
 * records it in `acceptedChanges` (which makes its new version a major one). A release moved to
 * another name or namespace is such a change too: helm-controller uninstalls it where it was and
 * installs it anew, with empty claims.
 *
 * The previous version is rendered with the pinned helm from its chart directory (it may predate
 * this toolkit), the new one from its release template.
 */
export interface UpgradeReport {
  readonly errors: string[];
  /** Things the comparison could not see (a published version missing from git history, say). */
  readonly notes: string[];
  /** Releases compared (chart or values changed). */
  readonly compared: number;
}

export function upgradeSafety(
  root: string,
  outputs: ReadonlyMap<string, ChartOutput>,
  environments: ReadonlyMap<string, string>,
  definitions: readonly LoadedEnvironment[] = [],
  /** Environments whose folder is known to hold exactly their files in `environments` (generate read them from it: EnvironmentMemo). */
  asCommitted: ReadonlySet<string> = new Set(),
): UpgradeReport {
  const errors: string[] = [];
  const notes: string[] = [];
  let compared = 0;
  const envDir = join(root, 'environments');
  if (!existsSync(envDir)) return { errors, notes, compared };
  // The committed environments/, read only where an environment may have changed (an edit touches a few of thousands of files).
  const before = new CommittedTree(envDir);
  const published = publishedVersions(root);
  const scratch = mkdtempSync(join(tmpdir(), 'strata-upgrade-'));
  const nothingPublished = Object.keys(published.any).length === 0;
  let nowByFolder: FilesByFolder | undefined;
  // The content digest of each chart as committed in charts/ (read once, whatever number of environments deploy it).
  const committed = new Map<string, string | undefined>();
  const committedDigest = (chart: string) => {
    if (!committed.has(chart)) {
      const chartYaml = join(root, 'charts', chart, 'Chart.yaml');
      committed.set(chart, existsSync(chartYaml) ? recordedChart(readFileSync(chartYaml, 'utf8'))?.contentDigest : undefined);
    }
    return committed.get(chart);
  };
  try {
    for (const env of environmentNames(environments)) {
      // Nothing to compare where nothing changed: reading an environment's committed releases means
      // parsing all its overlays, which at thousands of releases costs more than the rest of an edit.
      if (nothingPublished && unchanged(env, before, (nowByFolder ??= byFolder(environments)), outputs, committedDigest, asCommitted.has(env))) continue;
      let old: EnvironmentRelease[];
      try {
        old = before.hasEnvironment(env) ? environmentReleases(before, env) : [];
      } catch {
        notes.push(`environments/${env}: the committed overlays cannot be read; upgrade safety compared nothing there`);
        continue;
      }
      // A new environment (or one with no releases yet) has nothing to compare with.
      if (old.length === 0) continue;
      const now = environmentReleases(environments, env);
      for (const was of old) {
        const is = now.find((r) => r.chart === was.chart && r.layer === was.layer);
        const output = outputs.get(was.chart);
        if (!is || !output) continue; // taken out of the environment: pruning decides (data charts are never pruned by Flux)
        const where = `environments/${env}: release ${is.namespace}/${is.releaseName} (chart ${was.chart})`;
        if (is.releaseName !== was.releaseName || is.namespace !== was.namespace) {
          errors.push(
            `${where} moves from ${was.namespace}/${was.releaseName}: Flux creates a new HelmRelease, which installs the chart anew there with empty claims, while the old release${was.namespace !== is.namespace ? ` in ${was.namespace}` : ''} keeps running (a release holding data is never pruned) with the data; keep the namespace and name, or move the data first, then the release, then remove the old one by hand`,
          );
          continue;
        }
        const chartDir = join(root, 'charts', was.chart);
        if (!existsSync(join(chartDir, 'Chart.yaml'))) continue;
        const oldYaml = readFileSync(join(chartDir, 'Chart.yaml'), 'utf8');
        const oldRec = recordedChart(oldYaml);
        const newRec = recordedChart(output.chartYaml);
        const sameChart = oldRec?.contentDigest !== undefined && oldRec.contentDigest === newRec?.contentDigest;
        const previous: { label: string; dir: string; yaml: string }[] = [];
        if (!sameChart || JSON.stringify(was.values) !== JSON.stringify(is.values)) previous.push({ label: `committed ${oldRec?.version ?? '?'}`, dir: chartDir, yaml: oldYaml });
        // The cluster may still run an older version, published to the registry it pulls from, than the committed one.
        const registry = definitions.find((d) => d.name === env)?.definition.registry;
        const pub = (typeof registry === 'string' ? published.byRegistry[registryKey(registry)] : published.any)?.[was.chart];
        if (pub && oldRec && compareVersions(pub, oldRec.version) < 0) {
          const dir = chartAtVersion(root, was.chart, pub, scratch);
          if (dir) previous.push({ label: `published ${pub}`, dir, yaml: readFileSync(join(dir, 'Chart.yaml'), 'utf8') });
          else notes.push(`${where}: its last published version ${pub} is not in git history; compared with the committed chart only`);
        }
        for (const p of previous) {
          compared++;
          // Helm hooks (the helm test pod) are not part of a release's objects: upgrades re-create them.
          const oldObjects = renderRelease(p.dir, { ...was, values: was.values }).filter((o) => !o.metadata.annotations?.['helm.sh/hook']);
          const newObjects = resolveTemplate(output.template, { name: is.releaseName, namespace: is.namespace }, newRec?.version ?? '0.0.0', is.values) as Manifest[];
          const accepted = acceptedChanges(output.chartYaml);
          const majorMoved = !!newRec && !!recordedChart(p.yaml) && majorOf(newRec.version) > majorOf(recordedChart(p.yaml)!.version);
          const definition = definitions.find((d) => d.name === env);
          const inEnvironment = definition?.definition.workloads?.[was.chart]?.acceptedChanges ?? [];
          const chartChanged = recordedChart(p.yaml)?.contentDigest !== newRec?.contentDigest;
          notes.push(...leftBehindNotes(`${where}, from ${p.label} to ${newRec?.version ?? '?'}`, oldObjects, newObjects));
          for (const change of upgradeChanges(oldObjects, newObjects)) {
            if (majorMoved && accepted.some((a) => matches(a, change))) continue;
            if (inEnvironment.some((a) => matches(a, change))) continue;
            const record = `{ kind: '${change.kind}', name: '${suffixOf(change.name, is)}', change: '${change.field}', reason: '…' }`;
            const where2 = chartChanged
              ? `the chart's metadata: acceptedChanges: [${record}] (its next version is then a major one)`
              : `${definition?.file ?? `environments/${env}/environment.ts`} under workloads.${was.chart}.acceptedChanges: [${record}]`;
            // An immutable field stays refused by the API server whatever is recorded: the object must go first.
            const how = change.problem.includes('immutable') ? `delete ${change.kind} ${change.namespace ? `${change.namespace}/` : ''}${change.name} first (kubectl delete; what it holds goes with it unless kept elsewhere), then record it in ${where2}` : `record it in ${where2}`;
            errors.push(`${where}, from ${p.label} to ${newRec?.version ?? '?'}: ${describeChange(change)}. To go ahead on purpose, ${how}`);
          }
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { errors, notes, compared };
}

/**
 * Whether no release of `env` can have changed: its own files are the committed ones, and so are
 * the base files and the chart (its content digest) of every workload its kustomization lists.
 * Then each release has the committed chart and values, and the loop above would compare none
 * (with no published version older than the committed one, which the caller checks).
 */
function unchanged(env: string, before: CommittedTree, now: FilesByFolder, outputs: ReadonlyMap<string, ChartOutput>, committedDigest: (chart: string) => string | undefined, folderAsCommitted: boolean): boolean {
  const same = (folder: string) => {
    const is = now.get(folder) ?? new Map<string, string>();
    const was = before.filesIn(folder).filter((rel) => !isKeptInEnvironments(rel));
    return is.size === was.length && was.every((rel) => is.get(rel) === before.get(rel));
  };
  if (!folderAsCommitted && !same(`${env}/`)) return false;
  const kustomization = now.get(`${env}/`)?.get(`${env}/apps/kustomization.yaml`) ?? '';
  for (const m of kustomization.matchAll(/\.\.\/\.\.\/base\/apps\/([^/\s'"]+)/g)) {
    const workload = m[1];
    if (!same(`base/apps/${workload}/`)) return false;
    const output = outputs.get(workload);
    if (!output) continue;
    const committed = committedDigest(workload);
    if (committed === undefined || committed !== recordedChart(output.chartYaml)?.contentDigest) return false;
  }
  return true;
}

/**
 * The committed environments/ (relative paths), read file by file when asked for: what
 * environmentReleases and the comparison above need of it (get, has, the files of a folder).
 */
class CommittedTree extends Map<string, string> {
  private readonly read = new Map<string, string | undefined>();

  public constructor(private readonly dir: string) {
    super();
  }

  public override get(rel: string): string | undefined {
    if (!this.read.has(rel)) this.read.set(rel, readTextIfPresent(join(this.dir, rel)));
    return this.read.get(rel);
  }

  public override has(rel: string): boolean {
    return this.get(rel) !== undefined;
  }

  /** Whether the environment has overlays committed (apps/ or infrastructure/, as environmentNames counts them). */
  public hasEnvironment(env: string): boolean {
    return existsSync(join(this.dir, env, 'apps')) || existsSync(join(this.dir, env, 'infrastructure'));
  }

  /** The files below a folder (`<env>/`, `base/apps/<workload>/`), relative to environments/. */
  public filesIn(folder: string): string[] {
    const path = join(this.dir, folder);
    return existsSync(path) ? listTree(path).map((rel) => `${folder}${rel}`) : [];
  }
}

/** An environments/ tree by folder: `<env>/` or `base/apps/<workload>/` (or `base/<rest>/`) → its files. */
type FilesByFolder = ReadonlyMap<string, ReadonlyMap<string, string>>;

function byFolder(tree: ReadonlyMap<string, string>): FilesByFolder {
  const out = new Map<string, Map<string, string>>();
  for (const [rel, text] of tree) {
    const parts = rel.split('/');
    const folder = parts[0] === 'base' && parts[1] === 'apps' && parts.length > 3 ? `base/apps/${parts[2]}/` : `${parts[0]}/`;
    let files = out.get(folder);
    if (!files) out.set(folder, (files = new Map()));
    files.set(rel, text);
  }
  return out;
}

/**
 * The highest version of each chart published (environments/published.json): per registry (an
 * environment runs what was published to the registry it pulls from, not what went to a test
 * registry), and to any registry (for an environment whose definition is not at hand).
 */
function publishedVersions(root: string): { byRegistry: { [registry: string]: { [chart: string]: string } }; any: { [chart: string]: string } } {
  const byRegistry: { [registry: string]: { [chart: string]: string } } = {};
  const any: { [chart: string]: string } = {};
  for (const [registry, charts] of Object.entries(readPublished(root))) {
    const highest = (byRegistry[registryKey(registry)] ??= {});
    for (const [chart, versions] of Object.entries(charts)) {
      for (const v of Object.keys(versions)) {
        if (!highest[chart] || compareVersions(v, highest[chart]) > 0) highest[chart] = v;
        if (!any[chart] || compareVersions(v, any[chart]) > 0) any[chart] = v;
      }
    }
  }
  return { byRegistry, any };
}

/**
 * charts/<chart> as it last was at `version`, extracted from git history into `scratch`; undefined
 * when git has no such commit. The commits whose diff adds or removes that version line are looked
 * at newest first, merges included (`-m`: a version may arrive with a merge); the newest is usually
 * the one that replaced the version, so its first parent holds the version's last content.
 */
export function chartAtVersion(root: string, chart: string, version: string, scratch: string): string | undefined {
  try {
    const path = `charts/${chart}/Chart.yaml`;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const versionAt = (rev: string) => {
      try {
        return recordedChart(git('show', `${rev}:${path}`))?.version;
      } catch {
        return undefined; // no such file (or commit) there
      }
    };
    const candidates = git('log', '-m', '--format=%H', `-G^version: ${version.replace(/\./g, '\\.')}$`, '--', path).split('\n').filter(Boolean);
    const commit = candidates.flatMap((c) => [c, `${c}^1`]).find((rev) => versionAt(rev) === version);
    if (!commit) return undefined;
    const dir = join(scratch, `${chart}-${version}`);
    execFileSync('sh', ['-c', `mkdir -p "$1" && git archive "$2" "charts/$3" | tar -x -C "$1" --strip-components=2`, 'sh', dir, commit, chart], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    const yaml = readFileSync(join(dir, 'Chart.yaml'), 'utf8');
    return recordedChart(yaml)?.version === version ? dir : undefined;
  } catch {
    return undefined;
  }
}

function acceptedChanges(chartYaml: string): AcceptedChange[] {
  const doc = parse(chartYaml) as { annotations?: Record<string, string> } | null;
  const text = doc?.annotations?.[ACCEPTED_CHANGES_ANNOTATION];
  return text ? (JSON.parse(text) as AcceptedChange[]) : [];
}

function matches(a: AcceptedChange, c: UpgradeChange): boolean {
  return a.kind === c.kind && (c.name === a.name || c.name.endsWith(`-${a.name}`)) && a.change === c.field;
}

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

/** An object's name below its release (what acceptedChanges names): the part after the release's full name. */
function suffixOf(name: string, r: EnvironmentRelease): string {
  for (const prefix of [`${r.namespace}-${r.releaseName}-${r.chart}-`, `${r.namespace}-${r.releaseName}-`, `${r.releaseName}-${r.chart}-`, `${r.releaseName}-`]) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
}
