/**
 * A recommendation in words, for the CLI and the generator: the demand, the ranking with each
 * layout's throughput, cost and reasons, and what would change the answer.
 */
import { fmt } from './demand';
import { Ranked, Recommendation } from './recommend';

export function demandLine(r: Pick<Recommendation, 'demand'>): string {
  const d = r.demand;
  return `demand: reads ${fmt(d.readMBps)} MB/s (${d.basis.read}), writes ${fmt(d.writeMBps)} MB/s (${d.basis.write}), ${d.nodes} node${d.nodes > 1 ? 's' : ''} at ${fmt(d.perNodeMBps)} MB/s each`;
}

export function verdict(r: Pick<Ranked, 'candidate' | 'meets' | 'withinBudget'>): string {
  return r.candidate.ruledOut.length > 0 ? 'ruled out' : !r.meets ? 'too slow' : r.withinBudget ? 'keeps up' : 'keeps up, over budget';
}

export function costText(r: Pick<Ranked, 'cost'>): string {
  return r.cost.usd === undefined ? 'n/a' : `$${fmt(r.cost.usd, 2)}/month`;
}

/** The ranking, one block per layout, then what would change the answer. */
export function explainRecommendation(r: Recommendation, options: { readonly limit?: number } = {}): string[] {
  const out = [demandLine(r), ''];
  for (const x of r.ranked.slice(0, options.limit ?? r.ranked.length)) {
    out.push(`${x.rank}. ${x.candidate.title} [${x.candidate.tier}] — ${verdict(x)}; reads ${fmt(x.supply.readMBps)} MB/s, writes ${fmt(x.supply.writeMBps)} MB/s; ${costText(x)}`);
    for (const reason of x.reasons) out.push(`   - ${reason}`);
    out.push(`   - cost: ${x.cost.basis}`);
  }
  if (r.changes.length > 0) {
    out.push('', 'what would change the answer:');
    for (const c of r.changes) out.push(`   - ${c}`);
  }
  return out;
}
