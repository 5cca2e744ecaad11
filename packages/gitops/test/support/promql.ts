/**
 * A small evaluator of the PromQL the generated rules use, so tests can show that each rule fires
 * on series shaped as the exporters emit them (and stays quiet on healthy ones):
 *   (max|sum) by (l, …) ( TERM [ * on (l, …) group_left(l, …) TERM ] ) > N
 *   TERM := name{matchers} | increase(name{matchers}[window])
 * Anything else throws, so a rule written in another form needs this evaluator extended first.
 */
export interface Series {
  readonly labels: { readonly [k: string]: string };
  /** Samples over the window, oldest first (an instant value is the last). */
  readonly samples: readonly number[];
}

interface Selector {
  readonly name: string;
  readonly matchers: readonly { label: string; op: string; value: string }[];
  readonly increase: boolean;
}

function parseTerm(text: string): Selector {
  const inc = /^increase\((.*)\[[0-9]+[smh]\]\)$/.exec(text.trim());
  const sel = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec((inc ? inc[1] : text).trim());
  if (!sel) throw new Error(`not a selector: ${text}`);
  const matchers = [...sel[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => ({ label: m[1], op: m[2], value: m[3].replace(/\\\\/g, '\\') }));
  return { name: sel[1], matchers, increase: inc !== null };
}

function matches(s: Series, name: string, sel: Selector): boolean {
  if (name !== sel.name) return false;
  return sel.matchers.every((m) => {
    const v = s.labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(v);
      default:
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}

type Sample = { labels: Record<string, string>; value: number };

function select(db: ReadonlyMap<string, readonly Series[]>, sel: Selector): Sample[] {
  return (db.get(sel.name) ?? [])
    .filter((s) => matches(s, sel.name, sel))
    .map((s) => ({ labels: { ...s.labels }, value: sel.increase ? s.samples[s.samples.length - 1] - s.samples[0] : s.samples[s.samples.length - 1] }));
}

const list = (x: string) => x.split(',').map((l) => l.trim()).filter(Boolean);

/** The result of an alert expression: the series above the threshold (by their grouping labels). */
export function evaluate(expr: string, series: readonly { readonly name: string; readonly series: Series }[]): Sample[] {
  const db = new Map<string, Series[]>();
  for (const s of series) db.set(s.name, [...(db.get(s.name) ?? []), s.series]);
  const top = /^(max|sum) by \(([^)]*)\) \((.*)\) > ([0-9.e+]+)$/.exec(expr);
  if (!top) throw new Error(`unsupported expression: ${expr}`);
  const [, agg, by, inner, threshold] = top;
  const join = /^(.*?) \* on \(([^)]*)\) group_left\(([^)]*)\) (.*)$/.exec(inner);
  let vector: Sample[];
  if (join) {
    const left = select(db, parseTerm(join[1]));
    const right = select(db, parseTerm(join[4]));
    const on = list(join[2]);
    const extra = list(join[3]);
    const key = (l: Record<string, string>) => on.map((k) => l[k] ?? '').join('\u0000');
    const rightBy = new Map<string, Sample>();
    for (const r of right) {
      if (rightBy.has(key(r.labels))) throw new Error('many-to-many match on the right-hand side');
      rightBy.set(key(r.labels), r);
    }
    vector = left.flatMap((l) => {
      const r = rightBy.get(key(l.labels));
      if (!r) return [];
      const labels = { ...l.labels };
      for (const e of extra) labels[e] = r.labels[e] ?? '';
      return [{ labels, value: l.value * r.value }];
    });
  } else vector = select(db, parseTerm(inner));
  const groups = new Map<string, Sample>();
  for (const v of vector) {
    const labels = Object.fromEntries(list(by).map((k) => [k, v.labels[k] ?? '']));
    const k = JSON.stringify(labels);
    const g = groups.get(k);
    groups.set(k, { labels, value: g === undefined ? v.value : agg === 'max' ? Math.max(g.value, v.value) : g.value + v.value });
  }
  return [...groups.values()].filter((g) => g.value > Number(threshold));
}
