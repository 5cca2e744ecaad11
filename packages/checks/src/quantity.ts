/**
 * Kubernetes quantities and Go durations as numbers, for comparisons.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const BINARY: { [suffix: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: { [suffix: string]: number } = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A quantity ("500m", "4Gi", "1e3", 8) in base units (cores, bytes, devices); undefined when unreadable. */
export function quantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n * (BINARY[m[2]] ?? DECIMAL[m[2]]);
}

/** A quantity in GiB. */
export function gib(q: unknown): number | undefined {
  const bytes = quantity(q);
  return bytes === undefined ? undefined : bytes / 2 ** 30;
}

/** Seconds of a Go duration ("720h", "1h30m", "45s", "500ms"); Infinity for "Never"; undefined when unreadable. */
export function durationSeconds(d: unknown): number | undefined {
  if (d === 'Never') return Infinity;
  if (typeof d !== 'string' || d.trim() === '') return undefined;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  const units: { [u: string]: number } = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  let total = 0;
  let consumed = '';
  for (const m of d.trim().matchAll(re)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0];
  }
  return consumed === d.trim() ? total : undefined;
}

/** Seconds as a short duration for messages: "2h47m", "97s". */
export function showSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'no limit';
  if (s < 120) return `${Math.round(s)}s`;
  const m = Math.ceil(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${m % 60 ? `${m % 60}m` : ''}` : `${m}m`;
}
