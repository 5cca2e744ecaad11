/**
 * `npm run strata -- explain <workload> [--env <env>]`: a workload's current storage against the
 * recommendation for its declared profile, per environment that deploys it and per claim: what the
 * claim is bound to, what it gives for what the pods ask, where that layout ranks, the first
 * choice and what would change it.
 */
import { join } from 'node:path';
import { ChartCatalog, loadEnvironments, planEnvironment, readCatalog, storageBottlenecks, BottleneckRow } from '@strata/gitops';
import { CandidateId, costText, demandLine, evaluate, explainRecommendation, fmt, Layout, recommend, verdict } from '@strata/recommend';
import { UsageError } from './args';

/** The candidate a bound layout is an instance of. */
export function candidateOf(l: Layout): CandidateId {
  switch (l.kind) {
    case 'fsx-lustre':
      return l.deploymentType.startsWith('SCRATCH') ? 'fsx-scratch' : 'fsx-persistent';
    case 'efs':
      return 'efs';
    case 's3':
      return l.cache === 'nvme' ? 's3-nvme-cache' : 's3-mountpoint';
    case 'instance-store':
      return 'nvme-s3-sync';
    case 's3-files':
      return 's3-files';
  }
}

/** The explanation's lines. Throws a UsageError naming what exists when the workload or environment does not. */
export function explainWorkload(root: string, workload: string, env?: string, catalog: ChartCatalog = readCatalog(join(root, 'charts'))): string[] {
  const loaded = loadEnvironments(root);
  if (env !== undefined && !loaded.some((e) => e.name === env)) {
    throw new UsageError(`'--env' (${JSON.stringify(env)}) must be one of the environments: ${loaded.map((e) => JSON.stringify(e.name)).join(', ')}; leave it out to explain every environment that deploys ${workload}`);
  }
  const chosen = loaded.filter((e) => (env === undefined || e.name === env) && Object.prototype.hasOwnProperty.call(e.definition.workloads ?? {}, workload));
  if (chosen.length === 0) {
    const deployed = [...new Set(loaded.filter((e) => env === undefined || e.name === env).flatMap((e) => Object.keys(e.definition.workloads ?? {})))].sort();
    throw new UsageError(`'workload' (${JSON.stringify(workload)}) must be a workload ${env ? `environment ${env}` : 'an environment'} deploys: ${deployed.map((w) => JSON.stringify(w)).join(', ') || 'none'}; add it with \`nx g @strata/nx-plugin:workload ${workload} … --environments=<env>\``);
  }
  const out: string[] = [];
  for (const e of chosen) {
    const plan = planEnvironment(e.definition, catalog, e.file);
    const w = plan.workloads.find((x) => x.name === workload);
    out.push(`${workload} in ${e.name} (${e.file}):`);
    if (!w) {
      out.push(`  not planned: ${plan.errors[0] ?? 'the environment does not check'}`, '');
      continue;
    }
    const rows = new Map<string, BottleneckRow>(storageBottlenecks(plan).rows.filter((r) => r.workload === workload).map((r) => [r.claim, r]));
    for (const claim of w.claims ?? []) {
      const r = rows.get(claim.name);
      if (!r) {
        out.push(`  ${claim.name} (${claim.tier}): no storage profile; declare workloads.${workload}.storageProfile[${JSON.stringify(claim.name)}] in ${e.file} (dataGiB, readers, readMBpsPerReader, …) to compare it with the alternatives`);
        continue;
      }
      // The profile as the check read it: numbers that follow the chart's values are read from this environment's.
      const rec = recommend(r.profile);
      out.push(`  ${claim.name} (${claim.tier}): ${demandLine(rec)}`);
      if (!r.layout || !r.supply) {
        out.push(`    bound to: n/a (${r.unknown})`);
      } else {
        const id = candidateOf(r.layout);
        const candidate = rec.ranked.find((x) => x.candidate.id === id)!.candidate;
        const current = evaluate(candidate, r.layout, rec.profile, rec.demand);
        out.push(
          `    bound to: ${current.reasons[0]} — ${r.shortfalls.length > 0 ? 'storage bounds the job' : 'keeps up'}; reads ${fmt(r.supply.readMBps)} MB/s, writes ${fmt(r.supply.writeMBps)} MB/s (headroom ${r.headroom === Infinity ? '—' : `${fmt(r.headroom!, 2)}×`}); ${costText(current)}`,
        );
        for (const s of r.shortfalls) out.push(`      - ${s.text}`);
        for (const f of r.fixes) out.push(`      - fix: ${f}`);
        const sized = rec.ranked.find((x) => x.candidate.id === id)!;
        out.push(`    the same kind of layout sized for this profile ranks ${sized.rank} of ${rec.ranked.length} (${verdict(sized)}, ${costText(sized)}); first: ${rec.ranked[0].candidate.title}${rec.ranked[0].candidate.id === id ? ' (this kind: keep it)' : ''}`);
      }
      out.push(...explainRecommendation(rec, { limit: 3 }).slice(2).map((l) => `    ${l}`));
    }
    out.push('');
  }
  return out;
}
