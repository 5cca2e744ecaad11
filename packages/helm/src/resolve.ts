import { contentHash, encodeManifest, evaluateEncodedFormula, printIn, refIn, refOf, textOf, ValueRef, volumeSourceOf } from './content-name';
import { isEmptyValue, PodTemplatePaths, relationHolds, satisfies, Tokens } from '@strata/tokens';
import { guardMessage, RelationGuard, relationGuards, relationMessage, valueGuards, ValueGuard } from './guards';
import { Manifest, SynthesizedChart } from './synth';
import { getPath } from './values';
import {
  CHART_APP_VERSION,
  CHART_LABEL,
  CHART_NAME,
  CLUSTER_OBJECT_NAME,
  CLUSTER_SOURCE_NAME,
  CONTENT_NAME,
  CONTENT_NAMED_KINDS,
  contentNameOf,
  FULLNAME,
  fullnameOf,
  OBJECT_NAME,
  objectNameOf,
  overridableName,
  RELEASE_NAME,
  RELEASE_NAMESPACE,
  RELEASE_SERVICE,
  ReleaseInfo,
  SOURCE_NAME,
  splitSourceName,
} from './workload-chart';

/** An object of a release template: JSON with value references in place of tokens. */
export interface TemplateObject {
  /** Rendered only when every one of these boolean values is true. */
  readonly conditions: readonly ValueRef[];
  readonly manifest: unknown;
  /** A `helm test` hook (rendered by `helm template`, skipped with --skip-tests). */
  readonly test: boolean;
}

/**
 * A chart as plain JSON, ready to be resolved for any release and values without cdk8s or
 * Helm: what the chart's templates do, in data. Tokens become `{"\u0000ref": ValueRef}`
 * (a whole value) or `{"\u0000print": [text | ValueRef, …]}` (a string with values in it).
 * It can be kept on disk (generate's cache) and resolved later by `resolveTemplate`.
 */
export interface ReleaseTemplate {
  readonly chart: string;
  readonly appVersion: string;
  readonly defaults: Record<string, unknown>;
  readonly objects: readonly TemplateObject[];
  /** Rules on computed values, applied as the chart's templates/guards.yaml does (see guards.ts). */
  readonly guards?: readonly ValueGuard[];
  /** Rules between two values, applied as templates/guards.yaml does (see guards.ts). */
  readonly relations?: readonly RelationGuard[];
  /** Custom kinds the chart declares, with where their pod templates are. */
  readonly podTemplateKinds?: readonly PodTemplatePaths[];
}

/** The release template of a synthesized chart; `tests` are its `helm test` hooks (chartFiles adds them). */
export function releaseTemplate(synth: SynthesizedChart, tests: readonly Manifest[] = []): ReleaseTemplate {
  const meta = synth.chart.chartMetadata;
  const guards = valueGuards(synth.chart.values);
  const relations = relationGuards(synth.chart.values);
  return {
    chart: meta.name,
    appVersion: meta.appVersion ?? '1.0.0',
    defaults: synth.chart.values.defaults(),
    objects: [
      ...synth.objects.map((o) => ({ conditions: o.conditions.map(refOf), manifest: encodeManifest(o.manifest), test: false })),
      ...tests.map((t) => ({ conditions: [], manifest: encodeManifest(t), test: true })),
    ],
    ...(guards.length > 0 ? { guards } : {}),
    ...(relations.length > 0 ? { relations } : {}),
    ...(synth.podTemplateKinds.length > 0 ? { podTemplateKinds: synth.podTemplateKinds } : {}),
  };
}

/** The name suffix of a content-named object (a manifest, or an encoded one), or undefined. */
export function contentNameSuffix(manifest: { readonly kind?: unknown; readonly metadata?: { readonly name?: unknown } }): string | undefined {
  if (!CONTENT_NAMED_KINDS.has(String(manifest.kind))) return undefined;
  const name = manifest.metadata?.name;
  const path = refIn(name)?.path ?? (typeof name === 'string' ? Tokens.infoOf(name)?.path : undefined);
  return path?.startsWith(CONTENT_NAME) ? path.slice(CONTENT_NAME.length) : undefined;
}

/**
 * The name suffix of a volume named by its source (the PersistentVolume whose source hash names it
 * and its claim: a manifest, or an encoded one), or undefined.
 */
export function sourceNameSuffix(manifest: { readonly kind?: unknown; readonly metadata?: { readonly name?: unknown } }): string | undefined {
  if (String(manifest.kind) !== 'PersistentVolume') return undefined;
  const path = nameRefPath(manifest.metadata?.name);
  return path?.startsWith(CLUSTER_SOURCE_NAME) ? splitSourceName(path.slice(CLUSTER_SOURCE_NAME.length)).suffix : undefined;
}

/** The value path of a name that is one reference (a token, or an encoded reference), else undefined. */
export function nameRefPath(name: unknown): string | undefined {
  return refIn(name)?.path ?? (typeof name === 'string' ? Tokens.infoOf(name)?.path : undefined);
}

/** The source of a volume named by it: a manifest's spec (tokens, or encoded references) less what names it. */
export function sourceOfVolume(manifest: { readonly spec?: unknown; readonly metadata?: { readonly name?: unknown } }): unknown {
  const own = nameRefPath(manifest.metadata?.name);
  return volumeSourceOf(manifest.spec ?? null, (v) => own !== undefined && nameRefPath(v) === own);
}

/**
 * Direct synthesis: the objects a release would hold, computed in TypeScript without Helm.
 * Tokens are replaced by what the chart's templates would produce for `values` (the chart
 * defaults where a value is not given); objects whose conditions are false are left out, and
 * so are `helm test` hooks unless `tests` (as `helm template --skip-tests`). The round-trip
 * tests prove this equal to `helm template` with the same values; generate's reference lint
 * relies on that.
 */
export function resolveChart(synth: SynthesizedChart, release: ReleaseInfo, chartVersion: string, values: Record<string, unknown> = {}): Manifest[] {
  return resolveTemplate(releaseTemplate(synth), release, chartVersion, values);
}

/** `resolveChart` for a release template (see there); with `tests`, `helm test` hooks are included. */
export function resolveTemplate(template: ReleaseTemplate, release: ReleaseInfo, chartVersion: string, values: Record<string, unknown> = {}, options: { tests?: boolean } = {}): Manifest[] {
  const valueOf = (path: string) => {
    const given = getPath(values, path);
    return given !== undefined ? given : getPath(template.defaults, path);
  };
  const overrides = { nameOverride: valueOf('nameOverride') as string | undefined, fullnameOverride: valueOf('fullnameOverride') as string | undefined };
  const fullname = fullnameOf(template.chart, release.name, overrides);
  const name = trunc63(overrides.nameOverride || template.chart);

  // Content-named objects by suffix, and their hashes once computed (a spec naming itself is refused at synthesis).
  const contentNamed = new Map<string, TemplateObject>();
  for (const o of template.objects) {
    const suffix = contentNameSuffix(o.manifest as Manifest);
    if (suffix !== undefined) contentNamed.set(suffix, o);
  }
  const hashes = new Map<string, string>();
  const resolving = new Set<string>();
  // Volumes named by their source, by suffix, and their sources' hashes once computed.
  const sourceNamed = new Map<string, TemplateObject>();
  for (const o of template.objects) {
    const suffix = sourceNameSuffix(o.manifest as Manifest);
    if (suffix !== undefined) sourceNamed.set(suffix, o);
  }
  const sourceHashes = new Map<string, string>();
  const lookup = (r: ValueRef): unknown => {
    if (r.formula) return evaluateEncodedFormula(r.formula, lookup);
    if (r.multiplier !== undefined) return Math.trunc(Number(lookup({ path: r.path, kind: r.kind }))) * r.multiplier;
    switch (r.path) {
      case RELEASE_NAME:
        return release.name;
      case RELEASE_NAMESPACE:
        return release.namespace;
      case RELEASE_SERVICE:
        return 'Helm';
      case CHART_NAME:
        return name;
      case CHART_LABEL:
        return trunc63(`${template.chart}-${chartVersion}`.replace(/\+/g, '_'));
      case CHART_APP_VERSION:
        return template.appVersion;
      case FULLNAME:
        return fullname;
    }
    const overridable = overridableName(r.path);
    if (overridable) {
      // As the template's `default`: the value when it is not empty, else the release-derived name.
      const set = valueOf(overridable.valuePath);
      return set !== undefined && set !== null && set !== '' ? set : objectNameOf(fullname, overridable.suffix, release.namespace);
    }
    if (r.path.startsWith(OBJECT_NAME)) return objectNameOf(fullname, r.path.slice(OBJECT_NAME.length));
    if (r.path.startsWith(CLUSTER_OBJECT_NAME)) return objectNameOf(fullname, r.path.slice(CLUSTER_OBJECT_NAME.length), release.namespace);
    if (r.path.startsWith(CONTENT_NAME)) {
      const suffix = r.path.slice(CONTENT_NAME.length);
      let hash = hashes.get(suffix);
      if (hash === undefined) {
        const object = contentNamed.get(suffix);
        if (!object || resolving.has(suffix)) throw new Error(`chart ${template.chart}: the name ${suffix} ${object ? 'is part of its own spec' : 'names no object of the chart'}`);
        resolving.add(suffix);
        hash = contentHash(decode((object.manifest as { spec?: unknown }).spec ?? null));
        resolving.delete(suffix);
        hashes.set(suffix, hash);
      }
      return contentNameOf(fullname, suffix, hash);
    }
    for (const prefix of [SOURCE_NAME, CLUSTER_SOURCE_NAME]) {
      if (!r.path.startsWith(prefix)) continue;
      const { suffix, volume } = splitSourceName(r.path.slice(prefix.length));
      let hash = sourceHashes.get(volume);
      if (hash === undefined) {
        const object = sourceNamed.get(volume);
        if (!object || resolving.has(`source:${volume}`)) throw new Error(`chart ${template.chart}: the name ${suffix} ${object ? 'is part of its volume\'s source' : `names no volume ${volume} of the chart`}`);
        resolving.add(`source:${volume}`);
        hash = contentHash(decode(sourceOfVolume(object.manifest as Manifest)));
        resolving.delete(`source:${volume}`);
        sourceHashes.set(volume, hash);
      }
      return objectNameOf(fullname, `${suffix}-${hash}`, prefix === CLUSTER_SOURCE_NAME ? release.namespace : undefined);
    }
    const v = valueOf(r.path);
    if (v === undefined) throw new Error(`value '${r.path}' has no value and no default`);
    return r.kind === 'integer' ? Math.trunc(Number(v)) : v;
  };
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      const ref = refIn(o);
      if (ref) {
        const v = lookup(ref);
        if (ref.asText) return textOf(v, ref.kind);
        // A list used as a string (list.join(',')) is the comma-joined list, as the template's `join`.
        return o.asString && Array.isArray(v) ? v.join(',') : v;
      }
      const parts = printIn(o);
      if (parts) return parts.map((p) => (typeof p === 'string' ? p : String(lookup(p)))).join('');
      const out: Record<string, unknown> = {};
      let omitted = 0;
      for (const [k, v] of Object.entries(o)) {
        // An entry whose value is empty is left out, as the template's `{{- if <value> }}` does
        // (Tokens.omittedWhenEmpty: optional text and omittable values alike).
        const entry = refIn(v);
        if (entry?.omitWhenEmpty && isEmptyValue(lookup(entry))) {
          omitted++;
          continue;
        }
        out[k] = decode(v);
      }
      // A map whose every field went renders as `key:` with nothing under it: YAML's null.
      return omitted > 0 && Object.keys(out).length === 0 ? null : out;
    }
    return value;
  };

  for (const g of template.guards ?? []) {
    const v = lookup(g.value);
    if (!satisfies(v, g.constraint)) throw new ValuesRefusedError(guardMessage(g, v as number));
  }
  for (const g of template.relations ?? []) {
    const [a, b] = [g.a, g.b].map((x) => (typeof x === 'string' ? x : String(lookup(x))));
    if (!relationHolds(g.relation, a, b)) throw new ValuesRefusedError(relationMessage(g, JSON.stringify(a), JSON.stringify(b)));
  }
  return template.objects
    .filter((o) => (options.tests || !o.test) && o.conditions.every((c) => lookup(c) === true))
    .map((o) => decode(o.manifest) as Manifest);
}

/** Values a chart's guards refuse (what `helm install` fails with): the message names the rule. */
export class ValuesRefusedError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ValuesRefusedError';
  }
}

function trunc63(s: string): string {
  return s.slice(0, 63).replace(/-$/, '');
}
