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

/**
 * Direct synthesis: the objects a release would hold, computed in TypeScript without Helm.
 * Tokens are replaced by what the chart's templates would produce for `values` (the chart
 * defaults where a value is not given); objects whose conditions are false are left out.
 * Used to prove the chart writer right (`helm template` with V must give the same objects).
 */
export function resolveChart(synth: SynthesizedChart, release: ReleaseInfo, chartVersion: string, values: Record<string, unknown> = {}): Manifest[] {
  const meta = synth.chart.chartMetadata;
  const defaults = synth.chart.values.defaults();
  const valueOf = (path: string) => {
    const given = getPath(values, path);
    return given !== undefined ? given : getPath(defaults, path);
  };
  const overrides = { nameOverride: valueOf('nameOverride') as string | undefined, fullnameOverride: valueOf('fullnameOverride') as string | undefined };
  const fullname = fullnameOf(meta.name, release.name, overrides);
  const name = trunc63(overrides.nameOverride || meta.name);

  const lookup = (info: TokenInfo): unknown => {
    if (info.derivation) return Number(lookup(info.derivation.base)) * info.derivation.multiplier;
    switch (info.path) {
      case RELEASE_NAME:
        return release.name;
      case RELEASE_NAMESPACE:
        return release.namespace;
      case RELEASE_SERVICE:
        return 'Helm';
      case CHART_NAME:
        return name;
      case CHART_LABEL:
        return trunc63(`${meta.name}-${chartVersion}`.replace(/\+/g, '_'));
      case CHART_APP_VERSION:
        return meta.appVersion ?? '1.0.0';
      case FULLNAME:
        return fullname;
    }
    if (info.path.startsWith(OBJECT_NAME)) return objectNameOf(fullname, info.path.slice(OBJECT_NAME.length));
    if (info.path.startsWith(CLUSTER_OBJECT_NAME)) return objectNameOf(fullname, info.path.slice(CLUSTER_OBJECT_NAME.length), release.namespace);
    const v = valueOf(info.path);
    if (v === undefined) throw new Error(`value '${info.path}' has no value and no default`);
    return info.kind === 'integer' ? Math.trunc(Number(v)) : v;
  };

  return synth.objects
    .filter((o) => o.conditions.every((c) => lookup(c) === true))
    .map((o) => substitute(o.manifest, lookup) as Manifest);
}

/** Replaces every token in a JSON value by `lookup(token)`; tokens inside strings are printed. */
export function substitute(value: unknown, lookup: (info: TokenInfo) => unknown): unknown {
  const whole = Tokens.infoOf(value);
  if (whole) {
    const v = lookup(whole);
    // A list used as a string (list.join(',')) is the comma-joined list, as the template's `join`.
    return typeof value === 'string' && Array.isArray(v) ? v.join(',') : v;
  }
  if (typeof value === 'string' && Tokens.isToken(value)) {
    return Tokens.split(value)
      .map((p) => (typeof p === 'string' ? p : String(lookup(p))))
      .join('');
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, lookup));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, lookup);
    return out;
  }
  return value;
}

function trunc63(s: string): string {
  return s.slice(0, 63).replace(/-$/, '');
}
