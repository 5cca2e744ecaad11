import { AWAITS_ANNOTATION, AwaitedObject, FileTree, POD_SECURITY_ANNOTATION, readTree, STORAGE_ANNOTATION, USES_ANNOTATION, VERSIONS_ANNOTATION } from '@strata/helm';
import { parse } from 'yaml';
import { validationRules } from './values';

/** A JSON Schema document (values.schema.json). */
export type JsonSchema = { readonly [key: string]: unknown };

/** A fact of a storage claim: a literal, or `{ $value: "<values path>", multiply? }` (the release's value). */
export type StorageFact = unknown;

/** One storage construct of a chart, from its `strata.dev/storage` annotation. */
export interface StorageClaim {
  /** The tier: fsx-lustre, efs, s3 or instance-store. */
  readonly tier: string;
  /** The construct path below the chart, e.g. "models/cache". */
  readonly name: string;
  /** capacityGiB, deploymentType, bucketName… (see the tier), literal or `{ $value }`. */
  readonly facts: { readonly [key: string]: StorageFact };
  /**
   * The claim exists only when all of these hold (booleans, or `{ $value }` of boolean values):
   * the claim's `onlyWhen` conditions. Read from the annotation, else from the `{{- if … }}`
   * guard its templates share. @default - always
   */
  readonly when?: readonly StorageFact[];
}

/** One versioned pattern of a chart (a model repository, a dataset), from its `strata.dev/versions` annotation. */
export interface VersionedRead {
  /** The construct path below the chart, e.g. "models". */
  readonly name: string;
  /** 'ModelRepository' or 'DistributedDataset'. */
  readonly pattern: string;
  /** version, source, reads, pinned or unpinned… (@strata/patterns VersionFacts), literal or `{ $value }` / `{ $concat }`. */
  readonly facts: { readonly [key: string]: StorageFact };
}

/** What an environment needs to know about one chart in charts/. */
export interface ChartEntry {
  /** The chart version (Chart.yaml `version`). */
  readonly version: string;
  /**
   * The manifest digest (`sha256:…`) of this version in each registry it was published to, by
   * registry URL (`oci://host/path`, as environments write `registry`). An environment pins only
   * the digest of the registry it pulls from (see digestIn): a digest pushed to one registry says
   * nothing about another, and Flux would fail to pull a digest its registry does not hold.
   */
  readonly digests?: { readonly [registry: string]: string };
  /** Tiers whose drivers the chart needs (`strata.dev/uses`). */
  readonly uses: readonly string[];
  /** values.schema.json. */
  readonly schema: JsonSchema;
  /** The digest of the schema's validation rules (see validationRules), taken once when the entry is made. */
  readonly schemaRules?: string;
  /** values.yaml, parsed: the chart defaults. */
  readonly defaults: { readonly [key: string]: unknown };
  /** The storage claims (`strata.dev/storage`), when the chart states them. */
  readonly storage?: readonly StorageClaim[];
  /** Whether the chart holds data (a claim, or an object Helm keeps): Flux must never prune its release. */
  readonly holdsData?: boolean;
  /** What the chart's model repositories and datasets read for their version (`strata.dev/versions`), when it has any. */
  readonly versions?: readonly VersionedRead[];
  /** What helm-controller waits for in a release of the chart (`strata.dev/awaits`): the HelmRelease timeout and Job waiting follow it. */
  readonly awaits?: readonly AwaitedObject[];
  /** Chart.yaml `kubeVersion`, e.g. ">=1.29.0-0". */
  readonly kubeVersion?: string;
  /** Service account key (`serviceAccounts.<key>`) → the object name suffix the chart gives it. */
  readonly serviceAccounts?: { readonly [key: string]: string };
  /** The Pod Security level its pods need of their namespace when not restricted (`strata.dev/pod-security`), and why. */
  readonly podSecurity?: ChartPodSecurity;
  /** Service account keys the chart writes an IAM policy for (its `iam-policies/<key>.json`): their pods need AWS access. */
  readonly policyKeys?: readonly string[];
  /** The chart's `iam-policies/<key>.json` documents (drivers' keys too), strings bound to values as facts: policies.ts resolves them with a release's values. */
  readonly policies?: { readonly [key: string]: unknown };
  /** The literal names of the StorageClasses the chart makes (a class named from the release or a value is stated by its claims' facts instead). */
  readonly storageClasses?: readonly string[];
}

/** What a chart's pods need of their namespace's Pod Security Admission (Chart.yaml `strata.dev/pod-security`). */
export interface ChartPodSecurity {
  readonly level: 'baseline' | 'privileged';
  readonly reasons: readonly string[];
}

/** Every chart an environment may release, by chart name. */
export type ChartCatalog = { readonly [chart: string]: ChartEntry };

/**
 * The catalog of a chart tree: paths `<chart>/<file>` (as the CLI's in-memory chart tree, or
 * charts/ read from disk). Directories without a Chart.yaml are skipped.
 */
/** Published digests: chart → registry URL → the manifest digest of the chart's current version there. */
export type PublishedDigests = { readonly [chart: string]: { readonly [registry: string]: string } };

export function catalogFromTree(tree: FileTree, digests: PublishedDigests = {}): ChartCatalog {
  const byChart = new Map<string, Map<string, string>>();
  for (const [path, content] of tree) {
    const norm = path.split('\\').join('/');
    const slash = norm.indexOf('/');
    if (slash <= 0) continue;
    const chart = norm.slice(0, slash);
    if (!byChart.has(chart)) byChart.set(chart, new Map());
    byChart.get(chart)!.set(norm.slice(slash + 1), content);
  }
  const out: { [chart: string]: ChartEntry } = {};
  for (const chart of [...byChart.keys()].sort()) {
    const files = byChart.get(chart)!;
    const chartYaml = files.get('Chart.yaml');
    if (chartYaml === undefined) continue;
    out[chart] = catalogEntry(chart, files, digests[chart]);
  }
  return out;
}

/** The catalog of a charts/ directory on disk. */
export function readCatalog(chartsDir: string, digests: PublishedDigests = {}): ChartCatalog {
  return catalogFromTree(readTree(chartsDir), digests);
}

/** The catalog entry of one chart from its files (relative to its chart directory); generate keeps it with the chart. */
export function catalogEntry(
  chart: string,
  files: ReadonlyMap<string, string>,
  digests?: { readonly [registry: string]: string },
  /** What the chart's maker holds already, instead of parsing it again: Chart.yaml, values.schema.json and values.yaml (its release template's defaults) as data. */
  known: { readonly chart?: object; readonly schema?: object; readonly defaults?: { readonly [key: string]: unknown } } = {},
): ChartEntry {
  const meta = (known.chart ?? parse(files.get('Chart.yaml')!) ?? {}) as { version?: unknown; kubeVersion?: unknown; annotations?: Record<string, string> };
  if (typeof meta.version !== 'string' && typeof meta.version !== 'number') throw new Error(`charts/${chart}/Chart.yaml: 'version' (not set) must be a SemVer version; regenerate the chart`);
  const annotations = meta.annotations ?? {};
  const uses = (annotations[USES_ANNOTATION] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .sort();
  let storage: StorageClaim[] | undefined;
  if (annotations[STORAGE_ANNOTATION] !== undefined) {
    try {
      storage = JSON.parse(annotations[STORAGE_ANNOTATION]) as StorageClaim[];
    } catch (e) {
      throw new Error(`charts/${chart}/Chart.yaml: annotation ${STORAGE_ANNOTATION} is not JSON (${(e as Error).message}); regenerate the chart`);
    }
  }
  let versions: VersionedRead[] | undefined;
  if (annotations[VERSIONS_ANNOTATION] !== undefined) {
    try {
      versions = JSON.parse(annotations[VERSIONS_ANNOTATION]) as VersionedRead[];
    } catch (e) {
      throw new Error(`charts/${chart}/Chart.yaml: annotation ${VERSIONS_ANNOTATION} is not JSON (${(e as Error).message}); regenerate the chart`);
    }
  }
  let awaits: AwaitedObject[] | undefined;
  if (annotations[AWAITS_ANNOTATION] !== undefined) {
    try {
      awaits = JSON.parse(annotations[AWAITS_ANNOTATION]) as AwaitedObject[];
    } catch (e) {
      throw new Error(`charts/${chart}/Chart.yaml: annotation ${AWAITS_ANNOTATION} is not JSON (${(e as Error).message}); regenerate the chart`);
    }
  }
  let podSecurity: ChartPodSecurity | undefined;
  if (annotations[POD_SECURITY_ANNOTATION] !== undefined) {
    let parsed: Partial<ChartPodSecurity> | undefined;
    try {
      parsed = JSON.parse(annotations[POD_SECURITY_ANNOTATION]) as Partial<ChartPodSecurity>;
    } catch (e) {
      throw new Error(`charts/${chart}/Chart.yaml: annotation ${POD_SECURITY_ANNOTATION} is not JSON (${(e as Error).message}); regenerate the chart`);
    }
    if (parsed?.level !== 'baseline' && parsed?.level !== 'privileged') throw new Error(`charts/${chart}/Chart.yaml: annotation ${POD_SECURITY_ANNOTATION} level (${JSON.stringify(parsed?.level)}) must be baseline or privileged; regenerate the chart`);
    podSecurity = { level: parsed.level, reasons: Array.isArray(parsed.reasons) ? parsed.reasons.map(String) : [] };
  }
  const schemaText = files.get('values.schema.json');
  const schema = (known.schema as JsonSchema | undefined) ?? (schemaText === undefined ? {} : (JSON.parse(schemaText) as JsonSchema));
  const defaults = known.defaults ?? ((parse(files.get('values.yaml') ?? '') ?? {}) as Record<string, unknown>);

  const templates = [...files.entries()].filter(([rel]) => rel.startsWith('templates/') && !rel.startsWith('templates/tests/') && /\.ya?ml$/.test(rel));
  // The IAM policies the chart asks roles to hold: iam-policies/<key>.json, metadata never rendered.
  const policies: Record<string, unknown> = {};
  for (const [rel, text] of files) {
    const m = /^iam-policies\/([A-Za-z0-9_-]+)\.json$/.exec(rel);
    if (!m) continue;
    try {
      policies[m[1]] = JSON.parse(text);
    } catch (e) {
      throw new Error(`charts/${chart}/${rel} is not JSON (${(e as Error).message}); regenerate the chart`);
    }
  }
  const policyKeys = Object.keys(policies).filter((k) => !k.includes('-')).sort();
  if (storage) storage = storage.map((c) => (c.when !== undefined ? c : withGuard(c, templates)));
  const holdsData = templates.some(([, text]) => /^kind:\s*["']?PersistentVolumeClaim["']?\s*$/m.test(text) || /helm\.sh\/resource-policy["']?:\s*["']?keep/.test(text));
  const serviceAccounts: Record<string, string> = {};
  for (const [, text] of templates) {
    if (!/^kind:\s*["']?ServiceAccount["']?\s*$/m.test(text)) continue;
    const key = /\.Values\.serviceAccounts\.([A-Za-z0-9_]+)\.annotations/.exec(text)?.[1];
    const suffix = /objectName" \(list \. "([^"]+)"\)/.exec(text)?.[1];
    if (key && suffix) serviceAccounts[key] = suffix;
  }

  // StorageClasses the chart makes under a literal name: claims naming them provision from the chart's own class.
  const storageClasses = [
    ...new Set(
      templates
        .filter(([, text]) => /^kind:\s*["']?StorageClass["']?\s*$/m.test(text))
        .map(([, text]) => /^metadata:\n(?: {2}.*\n)*? {2}name: ["']?([a-z0-9][-a-z0-9.]*)["']?\s*$/m.exec(text)?.[1])
        .filter((n): n is string => n !== undefined),
    ),
  ].sort();

  return {
    version: String(meta.version),
    ...(digests && Object.keys(digests).length > 0 ? { digests: normalizedDigests(digests) } : {}),
    uses,
    schema,
    schemaRules: validationRules(schema).digest,
    defaults,
    ...(storage ? { storage } : {}),
    ...(versions ? { versions } : {}),
    holdsData,
    ...(awaits ? { awaits } : {}),
    ...(typeof meta.kubeVersion === 'string' ? { kubeVersion: meta.kubeVersion } : {}),
    ...(Object.keys(serviceAccounts).length > 0 ? { serviceAccounts: sortObject(serviceAccounts) } : {}),
    ...(podSecurity ? { podSecurity } : {}),
    ...(policyKeys.length > 0 ? { policyKeys } : {}),
    ...(Object.keys(policies).length > 0 ? { policies: sortObject(policies) } : {}),
    ...(storageClasses.length > 0 ? { storageClasses } : {}),
  };
}

/**
 * A claim's condition from its templates, when the chart's annotation does not state it: the
 * templates of the claim's objects (file stem `<kind>-<construct path, kebab>-…`, as @strata/helm
 * names them) all start with the same `{{- if .Values.a }}` (or `and (.Values.a) (.Values.b)`) guard.
 */
function withGuard(claim: StorageClaim, templates: [string, string][]): StorageClaim {
  const stem = claim.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const own = templates.filter(([rel]) => {
    const base = rel.slice('templates/'.length).replace(/\.ya?ml$/, '');
    const suffix = base.slice(base.indexOf('-') + 1);
    return suffix === stem || suffix.startsWith(`${stem}-`);
  });
  if (own.length === 0) return claim;
  const guards = own.map(([, text]) => {
    const first = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
    const m = first ? /^\{\{-? if (.+?) -?\}\}$/.exec(first.trim()) : null;
    if (!m) return undefined;
    const parts = /^and /.test(m[1]) ? [...m[1].matchAll(/\((\.Values\.[A-Za-z0-9_.]+)\)/g)].map((x) => x[1]) : [m[1]];
    return parts.every((p) => /^\.Values\.[A-Za-z0-9_.]+$/.test(p)) ? parts.map((p) => p.slice('.Values.'.length)).join('&') : undefined;
  });
  if (guards.some((g) => g === undefined) || new Set(guards).size !== 1) return claim;
  return { ...claim, when: guards[0]!.split('&').map((p) => ({ $value: p })) };
}

function sortObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The form in which registry URLs are compared: `oci://` + host in lowercase (host names are
 * case-insensitive; OCI repository paths are lowercase by the distribution spec) + path, without
 * a trailing slash.
 */
export function registryKey(url: string): string {
  const m = /^oci:\/\/([^/]+)(\/.*)?$/.exec(url.trim());
  if (!m) return url.trim();
  return `oci://${m[1].toLowerCase()}${(m[2] ?? '').replace(/\/+$/, '')}`;
}

function normalizedDigests(digests: { readonly [registry: string]: string }): { [registry: string]: string } {
  const out: { [registry: string]: string } = {};
  for (const r of Object.keys(digests).sort()) out[registryKey(r)] = digests[r];
  return out;
}

/** The digest of the chart's version in the registry an environment pulls from, when it was published there. */
export function digestIn(entry: ChartEntry, registry: unknown): string | undefined {
  return typeof registry === 'string' ? entry.digests?.[registryKey(registry)] : undefined;
}
