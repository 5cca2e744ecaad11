import { TokenInfo, Tokens } from '@strata/tokens';
import { Manifest, SynthesizedChart } from './synth';
import { getPath } from './values';
import {
  CHART_APP_VERSION,
  CHART_LABEL,
  CHART_NAME,
  CLUSTER_OBJECT_NAME,
  FULLNAME,
  fullnameOf,
  OBJECT_NAME,
  objectNameOf,
  RELEASE_NAME,
  RELEASE_NAMESPACE,
  RELEASE_SERVICE,
  ReleaseInfo,
} from './workload-chart';

/** A value reference of a release template: the value path (or built-in name), its kind, and an optional factor. */
export interface ValueRef {
  readonly path: string;
  readonly kind: TokenInfo['kind'];
  /** Set when the token stands for `multiplier × <path>` (a unit conversion). */
  readonly multiplier?: number;
}

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
}

const REF = '\u0000ref';
const PRINT = '\u0000print';

/** The release template of a synthesized chart; `tests` are its `helm test` hooks (chartFiles adds them). */
export function releaseTemplate(synth: SynthesizedChart, tests: readonly Manifest[] = []): ReleaseTemplate {
  const meta = synth.chart.chartMetadata;
  const ref = (info: TokenInfo): ValueRef =>
    info.derivation ? { path: info.derivation.base.path, kind: info.derivation.base.kind, multiplier: info.derivation.multiplier } : { path: info.path, kind: info.kind };
  const encode = (value: unknown): unknown => {
    const whole = Tokens.infoOf(value);
    if (whole) return { [REF]: ref(whole), ...(typeof value === 'string' ? { asString: true } : {}) };
    if (typeof value === 'string' && Tokens.isToken(value)) return { [PRINT]: Tokens.split(value).map((p) => (typeof p === 'string' ? p : ref(p))) };
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = encode(v);
      return out;
    }
    return value;
  };
  return {
    chart: meta.name,
    appVersion: meta.appVersion ?? '1.0.0',
    defaults: synth.chart.values.defaults(),
    objects: [
      ...synth.objects.map((o) => ({ conditions: o.conditions.map(ref), manifest: encode(o.manifest), test: false })),
      ...tests.map((t) => ({ conditions: [], manifest: encode(t), test: true })),
    ],
  };
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

  const lookup = (r: ValueRef): unknown => {
    if (r.multiplier !== undefined) return Number(lookup({ path: r.path, kind: r.kind })) * r.multiplier;
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
    if (r.path.startsWith(OBJECT_NAME)) return objectNameOf(fullname, r.path.slice(OBJECT_NAME.length));
    if (r.path.startsWith(CLUSTER_OBJECT_NAME)) return objectNameOf(fullname, r.path.slice(CLUSTER_OBJECT_NAME.length), release.namespace);
    const v = valueOf(r.path);
    if (v === undefined) throw new Error(`value '${r.path}' has no value and no default`);
    return r.kind === 'integer' ? Math.trunc(Number(v)) : v;
  };
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (REF in o) {
        const v = lookup(o[REF] as ValueRef);
        // A list used as a string (list.join(',')) is the comma-joined list, as the template's `join`.
        return o.asString && Array.isArray(v) ? v.join(',') : v;
      }
      if (PRINT in o) return (o[PRINT] as (string | ValueRef)[]).map((p) => (typeof p === 'string' ? p : String(lookup(p)))).join('');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) out[k] = decode(v);
      return out;
    }
    return value;
  };

  return template.objects
    .filter((o) => (options.tests || !o.test) && o.conditions.every((c) => lookup(c) === true))
    .map((o) => decode(o.manifest) as Manifest);
}

function trunc63(s: string): string {
  return s.slice(0, 63).replace(/-$/, '');
}
