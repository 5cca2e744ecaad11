import { GENERATED } from '@strata/helm';
import { VersionedRead } from './catalog';
import { classOfClaim, EnvironmentPlan, PlannedWorkload, resolveFacts } from './plan';
import { isPlainObject, valueAt } from './values';

/** One model repository or dataset of a workload, resolved with an environment's values. */
export interface ServedVersion {
  readonly workload: string;
  readonly namespace: string;
  /** The construct path below the chart ("models", "dataset"). */
  readonly name: string;
  /** 'ModelRepository' or 'DistributedDataset'. */
  readonly pattern: string;
  /** The version served or read; '' for a dataset read at its directory's root. */
  readonly version: string;
  /** The source's kind (s3, huggingFace, ngc, image, command; fsx-import, fsx-association for a dataset). */
  readonly source: string;
  /** What names the version's content (`s3://…/<version>/`, `hf://…@<commit>`…); undefined when the chart cannot say. */
  readonly reads?: string;
  /** What pins the content; undefined when nothing does (then `unpinned` says why). */
  readonly pinned?: string;
  readonly unpinned?: string;
  /** Where the pods read it: a model repository's cache, a dataset's file system. */
  readonly through: string;
  /**
   * The S3 path the chart expects the data under, when what the version reads lies outside it (a
   * dataset whose class links another path than the chart's importPath, with a `path` that does not
   * make up for it): the pods would read a directory without the data.
   */
  readonly outside?: string;
}

/** The versions each workload of an environment serves or reads, with the environment's values (workload order, then construct path). */
export function servedVersions(plan: EnvironmentPlan): ServedVersion[] {
  return plan.workloads.flatMap((w) => (w.entry.versions ?? []).map((v) => served(plan, w, v)));
}

/**
 * The S3 path the class of a dataset's claim links at the file system's root, when the environment
 * knows it (its tier release's or external class's `s3ImportPath`).
 */
function linkedImportPath(plan: EnvironmentPlan, w: PlannedWorkload, name: string): string | undefined {
  const claim = (w.claims ?? []).find((c) => c.tier === 'fsx-lustre' && (c.name === `${name}/fsx` || c.name === name));
  if (!claim) return undefined;
  const cls = classOfClaim(plan, w, claim);
  const linked =
    cls.kind === 'tier'
      ? valueAt(plan.tiers.find((t) => t.release === cls.tierClass.release && t.tier.tier === 'fsx-lustre')?.merged ?? {}, 's3ImportPath')
      : cls.kind === 'external' && isPlainObject(cls.storageClass.parameters)
        ? (cls.storageClass.parameters as Record<string, unknown>).s3ImportPath
        : undefined;
  return typeof linked === 'string' && linked !== '' ? linked : undefined;
}

function served(plan: EnvironmentPlan, w: PlannedWorkload, v: VersionedRead): ServedVersion {
  const f = resolveFacts(v.facts, w.merged, { chart: w.name, release: w.name, namespace: w.namespace });
  const str = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : undefined);
  const existing = f.existing === true;
  const source = existing ? 'fsx-association' : str(f.source) ?? 'unknown';
  const linked = v.pattern === 'DistributedDataset' && !existing && typeof f.path === 'string' ? linkedImportPath(plan, w, v.name) : undefined;
  const version = str(f.version) ?? '';
  const reads = existing ? str(f.readsExisting) : linked !== undefined ? `${linked.replace(/\/*$/, '/')}${f.path as string}${version !== '' ? `${version}/` : ''}` : str(f.reads);
  const through =
    v.pattern === 'ModelRepository'
      ? f.hydrated === false
        ? 'S3 through Mountpoint (no copy)'
        : `${TIER_WORDS[str(f.cache) ?? ''] ?? str(f.cache) ?? 'a'} cache, hydrated by a Job`
      : `FSx for Lustre (${existing ? 'an existing file system, data repository association' : source === 'fsx-association' ? 'data repository association' : linked !== undefined ? `its class links ${linked}` : 'import path'})`;
  const expected = str(f.importPath);
  const within = (p: string, root: string) => `${p.replace(/\/*$/, '')}/`.startsWith(`${root.replace(/\/*$/, '')}/`);
  const outside = linked !== undefined && reads !== undefined && expected !== undefined && expected !== '' && !within(reads, expected) ? expected : undefined;
  return {
    workload: w.name,
    namespace: w.namespace,
    name: v.name,
    pattern: v.pattern,
    version,
    source,
    ...(reads !== undefined ? { reads } : {}),
    ...(str(f.pinned) !== undefined ? { pinned: str(f.pinned) } : { unpinned: str(f.unpinned) ?? 'the chart states no pin' }),
    through,
    ...(outside !== undefined ? { outside } : {}),
  };
}

const TIER_WORDS: { readonly [tier: string]: string } = { efs: 'EFS', 'fsx-lustre': 'FSx for Lustre', s3: 'S3' };
const PATTERN_WORDS: { readonly [pattern: string]: string } = { ModelRepository: 'model repository', DistributedDataset: 'dataset' };

/**
 * generate's warning for each dataset whose pods would read outside the S3 path its chart expects
 * (the report flags the same in bold): the directory mounted holds none of the data, and nothing fails
 * until the trainer finds it empty.
 */
export function outsideWarnings(plan: EnvironmentPlan): string[] {
  return servedVersions(plan)
    .filter((r) => r.outside !== undefined)
    .map((r) => `'workloads.${r.workload}' (${PATTERN_WORDS[r.pattern] ?? r.pattern} ${r.name}) reads ${r.reads}, outside ${r.outside} where its chart expects the data: the environment's class links the file system's root to another S3 path, so the directory mounted holds none of it; set the dataset's directory (its path) to where that data lies under the class's link, or link the class to the chart's path`);
}

/** The "Model and dataset versions" section of an environment's report. */
export function versionsReport(plan: EnvironmentPlan): string[] {
  const rows = servedVersions(plan);
  if (rows.length === 0) return [];
  const out = [
    '## Model and dataset versions',
    '',
    'Which version each model repository and dataset serves or reads here, with this environment\'s values, and what that version reads (each chart states it in `strata.dev/versions`). ' +
      '`environments/versions.md` puts the environments side by side.',
    '',
    '| workload | what | version | reads | through | content pinned |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    out.push(`| ${r.workload} | ${PATTERN_WORDS[r.pattern] ?? r.pattern} \`${r.name}\` (${r.source}) | ${version(r)} | ${reads(r)}${r.outside ? ` **outside ${cell(r.outside)}**` : ''} | ${r.through} | ${r.pinned ? `yes: ${cell(r.pinned)}` : `no: ${cell(r.unpinned ?? '')}`} |`);
  }
  const outside = rows.filter((r) => r.outside !== undefined);
  if (outside.length > 0) {
    out.push(
      '',
      ...outside.map((r) => `**${r.workload}: ${PATTERN_WORDS[r.pattern] ?? r.pattern} \`${r.name}\` reads ${r.reads}, outside ${r.outside}** where its chart expects the data: its class links the file system's root to another S3 path, so the directory mounted holds none of it. Set the dataset's directory (its \`path\` value) to where that data lies under the class's link, or link the class to the chart's path.`),
    );
  }
  out.push(
    '',
    'A version that is not pinned is what its source holds under that name when it is hydrated or first read. With versioning on the bucket, overwriting a version\'s objects keeps the earlier data as noncurrent versions: restore them into a new version prefix and serve that (docs/concepts.md, "Model and dataset versions").',
    '',
  );
  return out;
}

/**
 * environments/versions.md: for each workload's model repository or dataset, the version each
 * environment serves and what it reads, and whether the environments read the same content;
 * undefined when no environment has one (no file is written).
 */
export function versionsAcrossEnvironments(plans: readonly EnvironmentPlan[]): string | undefined {
  return versionsTable(plans.map((p) => ({ name: p.env.name, served: servedVersions(p) })));
}

/** versionsAcrossEnvironments from what each environment serves (servedVersions), in the order given. */
export function versionsTable(environments: readonly { readonly name: string; readonly served: readonly ServedVersion[] }[]): string | undefined {
  const envs = environments.map((e) => e.name);
  const byKey = new Map<string, { workload: string; name: string; pattern: string; at: Map<string, ServedVersion> }>();
  for (const e of environments) {
    for (const r of e.served) {
      const key = `${r.workload}\0${r.name}`;
      if (!byKey.has(key)) byKey.set(key, { workload: r.workload, name: r.name, pattern: r.pattern, at: new Map() });
      byKey.get(key)!.at.set(e.name, r);
    }
  }
  const out = [
    `<!-- ${GENERATED} (source: environments/*/environment.ts) -->`,
    '# Model and dataset versions across environments',
    '',
    'The version each environment serves or reads of every model repository and dataset, with that environment\'s values, and what it reads. ' +
      '"same version" compares the version names; "same content" what the environments read (the same S3 location, Hub commit or image: environments with buckets of their own read the same version from different places).',
    '',
  ];
  if (byKey.size === 0) return undefined;
  out.push(`| workload | what | ${envs.join(' | ')} | same version | same content |`, `| --- | --- | ${envs.map(() => '---').join(' | ')} | --- | --- |`);
  const keys = [...byKey.keys()].sort();
  for (const k of keys) {
    const e = byKey.get(k)!;
    const cells = envs.map((env) => {
      const r = e.at.get(env);
      return r ? `${version(r)}<br/>${reads(r)}` : '—';
    });
    const deployed = [...e.at.values()];
    const distinct = new Set(deployed.map((r) => r.reads ?? `?${r.version}`));
    const only = `only in ${[...e.at.keys()].join(', ')}`;
    const compare = (values: Set<string>, bold: boolean) => (deployed.length < 2 ? only : values.size === 1 ? 'yes' : `${bold ? '**no**' : 'no'} (${values.size} different)`);
    const versions = new Set(deployed.map((r) => r.version));
    out.push(`| ${e.workload} | ${PATTERN_WORDS[e.pattern] ?? e.pattern} \`${e.name}\` | ${cells.join(' | ')} | ${compare(versions, true)} | ${compare(distinct, false)} |`);
  }
  out.push('');
  return out.join('\n');
}

function version(r: ServedVersion): string {
  return r.version === '' ? '(its directory)' : `\`${cell(r.version)}\``;
}

function reads(r: ServedVersion): string {
  return r.reads !== undefined ? `\`${cell(r.reads)}\`` : 'not stated (a directory the chart cannot place in S3)';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}
