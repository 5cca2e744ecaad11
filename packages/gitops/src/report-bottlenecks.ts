/**
 * The environment report's "Storage bottlenecks" section: per workload × profiled claim, what the
 * pods ask of storage against what the bound storage gives here (bottlenecks.ts), as a table and a
 * Mermaid chart of demand against supply.
 */
import { describeLayout, fmt } from '@strata/recommend';
import { BottleneckRow, storageBottlenecks } from './bottlenecks';
import type { EnvironmentPlan } from './plan';

export function bottleneckReport(plan: Pick<EnvironmentPlan, 'env' | 'workloads' | 'tiers' | 'tierClasses'>): string[] {
  const out: string[] = ['## Storage bottlenecks', ''];
  const { rows } = storageBottlenecks(plan);
  if (rows.length === 0) {
    out.push('No workload here declares a storage profile, so nothing is checked: add `storageProfile` to a workload of `environment.ts` (by claim name: readers, throughput per reader, checkpoints; docs/recommender.md) to compare what its pods ask with what its storage gives.', '');
    return out;
  }
  out.push(
    'What the pods ask of storage (each workload\'s `storageProfile`) against what the storage bound here gives, from the documented limits in docs/recommender.md: ' +
      'FSx throughput per TiB × capacity, EFS per file system and per client, S3 requests per prefix and Mountpoint\'s network target, NVMe per node; ' +
      'metadata operations against FSx metadata IOPS (PERSISTENT_2 with a metadata configuration) and EFS read operations. ' +
      '`npm run strata -- explain <workload> --env ' + plan.env.name + '` ranks the alternatives.',
    '',
    '| workload | claim | bound to | asked | given | headroom | verdict | fix |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows) out.push(`| ${r.workload} | ${r.claim} | ${r.layout ? describeLayout(r.layout) : `n/a: ${r.unknown}`} | ${asked(r)} | ${given(r)} | ${r.headroom === undefined ? 'n/a' : r.headroom === Infinity ? '—' : `${fmt(r.headroom, 2)}×`} | ${verdict(r)} | ${r.fixes.join('; or ') || '—'} |`);
  out.push('');
  const assumed = [...new Set(rows.flatMap((r) => r.assumed))];
  if (assumed.length > 0) out.push(`Assumed: ${assumed.join('; ')}.`, '');
  const charted = rows.filter((r) => r.supply !== undefined && (r.demand.readMBps > 0 || r.demand.writeMBps > 0));
  if (charted.length > 0) {
    const dim = (r: BottleneckRow) => (r.demand.readMBps >= r.demand.writeMBps ? 'read' : 'write');
    const label = (r: BottleneckRow) => JSON.stringify(`${r.workload} ${r.claim} (${dim(r)})`);
    const round = (n: number) => Math.round(n * 10) / 10;
    out.push(
      '```mermaid',
      'xychart-beta',
      '  title "Throughput asked (line) and given (bars), MB/s"',
      `  x-axis [${charted.map(label).join(', ')}]`,
      '  y-axis "MB/s"',
      `  bar [${charted.map((r) => round(dim(r) === 'read' ? r.supply!.readMBps : r.supply!.writeMBps)).join(', ')}]`,
      `  line [${charted.map((r) => round(dim(r) === 'read' ? r.demand.readMBps : r.demand.writeMBps)).join(', ')}]`,
      '```',
      '',
    );
  }
  return out;
}

function asked(r: BottleneckRow): string {
  const d = r.demand;
  const parts: string[] = [];
  if (d.readMBps > 0) parts.push(`reads ${fmt(d.readMBps)} MB/s (${d.basis.read})`);
  if (d.writeMBps > 0) parts.push(`writes ${fmt(d.writeMBps)} MB/s (${d.basis.write})`);
  if (r.tier === 's3' && d.readMBps > 0) parts.push(`${fmt(d.getPerSecond)} GET/s`);
  if (r.tier === 's3' && d.writeMBps > 0) parts.push(`${fmt(d.putPerSecond)} PUT/s`);
  if (d.nodes > 1) parts.push(`${fmt(d.perNodeMBps)} MB/s per node`);
  if (r.supply?.metadataOpsPerSecond !== undefined) parts.push(`${fmt(d.metadataOpsPerSecond)} metadata operations/s`);
  return parts.join(', ') || 'nothing stated';
}

function given(r: BottleneckRow): string {
  const s = r.supply;
  if (!s) return 'n/a';
  const d = r.demand;
  const parts: string[] = [];
  if (d.readMBps > 0 || d.writeMBps === 0) parts.push(`reads ${fmt(s.readMBps)} MB/s (${s.basis.read})`);
  if (d.writeMBps > 0) parts.push(`writes ${fmt(s.writeMBps)} MB/s (${s.basis.write})`);
  if (s.burstReadMBps !== undefined && d.readMBps > 0) parts.push(`burst ${fmt(s.burstReadMBps)} MB/s`);
  if (s.getPerSecond !== undefined && d.readMBps > 0) parts.push(`${fmt(s.getPerSecond)} GET/s`);
  if (s.putPerSecond !== undefined && r.demand.writeMBps > 0) parts.push(`${fmt(s.putPerSecond)} PUT/s`);
  if (s.perNodeMBps !== undefined) parts.push(`${fmt(s.perNodeMBps)} MB/s per node`);
  if (s.metadataOpsPerSecond !== undefined) parts.push(`${fmt(s.metadataOpsPerSecond)} metadata operations/s (${s.basis.metadata})`);
  return parts.join(', ');
}

function verdict(r: BottleneckRow): string {
  if (!r.supply) return 'not checked';
  if (r.shortfalls.length > 0) return `**storage bounds the job**: ${r.shortfalls.map((s) => s.limit).join(', ')}`;
  return 'keeps up';
}
