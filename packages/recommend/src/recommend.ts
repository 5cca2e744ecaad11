/**
 * The ranking: every candidate layout sized for the profile, with what it gives, what it costs,
 * why it ranks where it does, and what would change the answer.
 *
 * Order: layouts that keep up and fit the budget, cheapest first; then those that keep up over
 * budget, cheapest first; then those that do not keep up, the closest first; then those ruled out.
 * A layout without a confirmed price (S3 Files today) ranks after every priced layout of its group
 * and never counts as within a budget: it cannot win on a cost nobody knows.
 * More demand can therefore only move a layout that stops keeping up below every one that still
 * does: a cheaper but slower layout never rises with more readers.
 */
import { Candidate, CandidateId, candidates } from './candidates';
import { Cost, costOf } from './cost';
import { Demand, demandOf, fmt } from './demand';
import { Layout, describeLayout } from './layout';
import { headroom, Shortfall, shortfalls } from './compare';
import { resolveProfile, ResolvedProfile, WorkloadProfile } from './profile';
import { Supply, supplyOf } from './supply';

export interface Ranked {
  readonly rank: number;
  readonly candidate: Candidate;
  readonly supply: Supply;
  readonly cost: Cost;
  readonly shortfalls: readonly Shortfall[];
  /** Keeps up with the demand (throughput, per node, requests, latency) and is not ruled out. */
  readonly meets: boolean;
  readonly withinBudget: boolean;
  /** The smallest supply ÷ demand over its throughput limits. */
  readonly headroom: number;
  readonly reasons: readonly string[];
}

export interface Recommendation {
  readonly profile: ResolvedProfile;
  readonly demand: Demand;
  readonly ranked: readonly Ranked[];
  /** What would change the first place (empty when nothing tried does). */
  readonly changes: readonly string[];
}

/** Every candidate, evaluated and ranked (no `changes`). */
export function rank(p: ResolvedProfile): Omit<Recommendation, 'changes'> {
  const d = demandOf(p);
  const evaluated = candidates(p, d).map((c) => evaluate(c, c.layout, p, d));
  const group = (r: Omit<Ranked, 'rank'>) => (r.candidate.ruledOut.length > 0 ? 3 : !r.meets ? 2 : r.withinBudget ? 0 : 1);
  const unpriced = (r: Omit<Ranked, 'rank'>) => (r.cost.usd === undefined ? 1 : 0);
  const usd = (r: Omit<Ranked, 'rank'>) => r.cost.usd ?? 0;
  const sorted = [...evaluated].sort((a, b) => group(a) - group(b) || (group(a) === 2 ? b.headroom - a.headroom : 0) || unpriced(a) - unpriced(b) || usd(a) - usd(b) || ORDER.indexOf(a.candidate.id) - ORDER.indexOf(b.candidate.id));
  return { profile: p, demand: d, ranked: sorted.map((r, i) => ({ ...r, rank: i + 1 })) };
}

const ORDER: readonly CandidateId[] = ['fsx-scratch', 'fsx-persistent', 'efs', 's3-mountpoint', 's3-nvme-cache', 'nvme-s3-sync', 's3-files'];

/** One layout (a candidate's, or the one a workload is bound to) against the profile. */
export function evaluate(c: Candidate, layout: Layout, p: ResolvedProfile, d: Demand): Omit<Ranked, 'rank'> {
  const supply = supplyOf(layout, p, d);
  const cost = costOf(layout, p, d);
  const short = shortfalls(p, d, supply);
  const meets = c.ruledOut.length === 0 && short.length === 0;
  const withinBudget = p.budgetUsdPerMonth === undefined || (cost.usd !== undefined && cost.usd <= p.budgetUsdPerMonth);
  const reasons: string[] = [];
  reasons.push(`${describeLayout(layout)}${c.pattern ? ` (the ${c.pattern} pattern)` : ''}`);
  for (const r of c.ruledOut) reasons.push(`ruled out: ${r}`);
  if (short.length === 0 && c.ruledOut.length === 0) reasons.push(`keeps up: reads ${fmt(supply.readMBps)} MB/s for ${fmt(d.readMBps)} asked, writes ${fmt(supply.writeMBps)} MB/s for ${fmt(d.writeMBps)} asked`);
  for (const s of short) reasons.push(`too slow: ${s.text}`);
  if (p.budgetUsdPerMonth !== undefined && !withinBudget) reasons.push(cost.usd === undefined ? `not held to the budget of $${fmt(p.budgetUsdPerMonth, 2)} a month: not priced` : `over budget: $${fmt(cost.usd, 2)} for $${fmt(p.budgetUsdPerMonth, 2)} a month`);
  if (cost.usd === undefined) reasons.push('not priced: ranked after every priced layout that fares as well (its rates are not confirmed)');
  if (layout.kind === 'fsx-lustre' && layout.deploymentType.startsWith('SCRATCH') && supply.burstReadMBps) reasons.push(`reads may burst to ${fmt(supply.burstReadMBps)} MB/s while network credits last`);
  if (layout.kind === 's3' && layout.cache === 'nvme' && p.dataGiB > p.nvmeGiBPerNode) reasons.push(`the data (${p.dataGiB} GiB) is larger than one node's NVMe (${p.nvmeGiBPerNode} GiB): most reads miss the cache and come from S3`);
  if (layout.kind === 'instance-store' || (layout.kind === 's3' && layout.cache === 'nvme')) reasons.push('NVMe throughput per node is an assumption unless nvmeMBpsPerNode is stated (AWS publishes none per instance type)');
  return { candidate: c, supply, cost, shortfalls: short, meets, withinBudget, headroom: headroom(d, supply), reasons };
}

/**
 * The ranking with what would change its first place: fewer or more readers (the thresholds), the
 * data shared across zones or kept on one node, a job-lifetime or durable data, edits in place,
 * a budget below the first's cost.
 */
export function recommend(profile: WorkloadProfile): Recommendation {
  const base = rank(resolveProfile(profile));
  const first = base.ranked[0].candidate.id;
  const p = base.profile;
  const changes: string[] = [];
  const top = (q: ResolvedProfile) => rank(q).ranked[0];
  const note = (what: string, q: ResolvedProfile) => {
    const t = top(q);
    if (t.candidate.id !== first) changes.push(`${what}: ${t.candidate.title} ranks first${t.cost.usd !== undefined ? ` ($${fmt(t.cost.usd, 2)} a month)` : ''}`);
  };
  if (p.readers > 0 && p.readMBpsPerReader > 0) {
    // The reader counts where the first place changes, below and above the stated count.
    let up: number | undefined;
    for (let r = p.readers + 1; r <= p.readers * 64; r = Math.max(r + 1, Math.ceil(r * 1.25))) if (top({ ...p, readers: r }).candidate.id !== first) { up = r; break; }
    if (up !== undefined) note(`at ${up} readers or more`, { ...p, readers: up });
    let down: number | undefined;
    for (let r = p.readers - 1; r >= 1; r = Math.min(r - 1, Math.floor(r / 1.25))) if (top({ ...p, readers: r }).candidate.id !== first) { down = r; break; }
    if (down !== undefined) note(`at ${down} readers or fewer`, { ...p, readers: down });
  }
  if (p.sharing !== 'zones') note('with pods in several zones', { ...p, sharing: 'zones' });
  if (p.sharing !== 'one-node') note('with all pods on one node', { ...p, sharing: 'one-node', perNode: Math.max(p.readers, p.writers, 1) });
  note(p.lifetime === 'durable' ? 'with data that only lives for the job' : 'with data that must outlive the job', { ...p, lifetime: p.lifetime === 'durable' ? 'job' : 'durable' });
  if (p.access !== 'read-write') note('with files edited in place', { ...p, access: 'read-write' });
  if (!p.livesInS3) note('with the data living in S3, read and written there by other tools', { ...p, livesInS3: true });
  const cost = base.ranked[0].cost.usd;
  if (cost !== undefined && cost > 0) note(`with a budget under $${fmt(cost, 2)}`, { ...p, budgetUsdPerMonth: cost * 0.99 });
  return { ...base, changes };
}
