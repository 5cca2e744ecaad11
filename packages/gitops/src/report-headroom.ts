import { fmt, fsxCapacity, fsxCapacityToCarry, fsxMetadataIopsFor, scaleDemand, shortfalls } from '@strata/recommend';
import { BottleneckRow, storageBottlenecks } from './bottlenecks';
import { planMonitoring } from './monitoring/files';
import { FsxTarget } from './monitoring/targets';
import { EnvironmentPlan } from './plan';
import { fmtNumber, fmtUsd, fsxEstimate, fsxThroughput, s3Estimate } from './pricing';

/** The growth factors the report plans for. */
export const GROWTH = [2, 10] as const;

/** Where each "online or not" statement comes from. */
export const SCALING_SOURCES = {
  fsxStorage: 'https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-storage-capacity.html',
  fsxThroughput: 'https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-throughput-capacity.html',
  efsThroughput: 'https://docs.aws.amazon.com/efs/latest/ug/managing-throughput.html',
  s3Prefixes: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html',
} as const;

/**
 * The FSx for Lustre SSD capacity that holds `gib` (SCRATCH_2, PERSISTENT_1, PERSISTENT_2: 1200 GiB,
 * 2400 GiB, then multiples of 2400 GiB): @strata/recommend's fsxCapacity, the rule the bottleneck
 * check sizes with.
 */
export function fsxCapacityFor(gib: number): number {
  return fsxCapacity(gib);
}

/** What the profiled claims on one storage ask together (the bottleneck check's demand, summed). */
interface Asked {
  readonly rows: readonly BottleneckRow[];
  readonly readMBps: number;
  readonly writeMBps: number;
  readonly metadataOpsPerSecond: number;
}

function askedOf(rows: readonly BottleneckRow[]): Asked | undefined {
  if (rows.length === 0) return undefined;
  const sum = (f: (r: BottleneckRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  return { rows, readMBps: sum((r) => r.demand.readMBps), writeMBps: sum((r) => r.demand.writeMBps), metadataOpsPerSecond: sum((r) => r.demand.metadataOpsPerSecond) };
}

/** "150 MB/s read, 536.9 MB/s write" */
function rates(a: { readonly readMBps: number; readonly writeMBps: number }, k = 1): string {
  const parts = [...(a.readMBps > 0 || a.writeMBps === 0 ? [`${fmt(a.readMBps * k)} MB/s read`] : []), ...(a.writeMBps > 0 ? [`${fmt(a.writeMBps * k)} MB/s write`] : [])];
  return parts.join(', ');
}

const profiledBy = (a: Asked) => a.rows.map((r) => `${r.workload}/${r.claim}`).join(', ');

interface Row {
  readonly tier: string;
  readonly storage: string;
  readonly capacity: string;
  readonly throughput: string;
  readonly declared: string;
  readonly growth: readonly { readonly needs: string; readonly cost?: number; readonly costText: string }[];
  readonly how: string;
  readonly today?: number;
}

function fsxRow(f: FsxTarget, profiled: readonly BottleneckRow[]): Row {
  const name = f.id ?? `made from class ${f.className ?? '?'} for ${f.users.join(', ')}`;
  if (f.capacityGiB === undefined || f.deploymentType === undefined) {
    return { tier: 'FSx for Lustre', storage: name, capacity: 'n/a', throughput: 'n/a', declared: f.users.join(', '), growth: GROWTH.map(() => ({ needs: 'n/a', costText: 'n/a' })), how: 'capacity or deployment type not stated' };
  }
  const tp = fsxThroughput(f.capacityGiB, f.deploymentType, f.perUnitStorageThroughput);
  const scratch = f.deploymentType.startsWith('SCRATCH');
  const today = fsxEstimate(f.capacityGiB, f.deploymentType, f.storageType, f.perUnitStorageThroughput);
  // With profiles, 2x and 10x are the pods' declared demand grown (the capacity that carries it: the
  // bottleneck check's own sizing); without, the data grown.
  const asked = tp ? askedOf(profiled.filter((r) => r.supply !== undefined && r.layout?.kind === 'fsx-lustre')) : undefined;
  const metadataGiven = asked?.rows[0].supply?.metadataOpsPerSecond;
  const growth = GROWTH.map((k) => {
    const cap = asked ? fsxCapacityToCarry(f.deploymentType!, f.capacityGiB!, f.perUnitStorageThroughput, asked, k)! : fsxCapacityFor(f.capacityGiB! * k);
    const t = fsxThroughput(cap, f.deploymentType!, f.perUnitStorageThroughput);
    const e = fsxEstimate(cap, f.deploymentType!, f.storageType, f.perUnitStorageThroughput);
    const metadata = asked && metadataGiven !== undefined && asked.metadataOpsPerSecond * k > metadataGiven ? fsxMetadataIopsFor(asked.metadataOpsPerSecond * k) : undefined;
    const needs = asked
      ? `${k}× the asked (${rates(asked, k)}): ${fmtNumber(cap)} GiB, ${fmtNumber(t!.mbps, 0)} MB/s${cap === f.capacityGiB ? ' (today\'s capacity carries it)' : ''}${metadata !== undefined ? `; ${fmtNumber(metadata)} metadata IOPS` : ''}`
      : `${fmtNumber(cap)} GiB${t ? `, ${fmtNumber(t.mbps, 0)} MB/s` : ''}`;
    return { needs, ...(e.monthly !== undefined ? { cost: e.monthly } : {}), costText: e.monthly !== undefined ? fmtUsd(e.monthly) : 'n/a' };
  });
  const how = scratch
    ? `**new file system** planned: a scratch file system's throughput is fixed per TiB, and storage scaling of scratch deployment types is not verified here (increase only, online for the types that support it: [FSx storage](${SCALING_SOURCES.fsxStorage}))`
    : `**online**: storage increase (increase only, a few minutes UPDATING, then background rebalancing, at least 6 h apart: [FSx storage](${SCALING_SOURCES.fsxStorage})); per-unit throughput of PERSISTENT SSD up or down (a few minutes unavailable: [FSx throughput](${SCALING_SOURCES.fsxThroughput}))`;
  const provisioned = tp ? `${fmtNumber(tp.mbps, 0)} MB/s${tp.burst ? ` (burst ${fmtNumber(tp.burst, 0)})` : ''}` : 'n/a (per-unit throughput not stated)';
  // The supply the bottleneck check compared with: the same function as tp (fsxThroughputOf).
  const given = asked?.rows[0].supply;
  const used = asked && given
    ? `; asked ${rates(asked)}: ${fmtNumber(Math.max(asked.readMBps / given.readMBps, asked.writeMBps / given.writeMBps) * 100, 0)} % of it${metadataGiven !== undefined ? `; metadata ${fmt(asked.metadataOpsPerSecond)} of ${fmtNumber(metadataGiven)} operations/s` : ''}`
    : '';
  return {
    tier: 'FSx for Lustre',
    storage: `${name} (${f.deploymentType})`,
    capacity: `${fmtNumber(f.capacityGiB)} GiB`,
    throughput: `${provisioned}${used}`,
    declared: `${f.users.join(', ')}: ${fmtNumber(f.capacityGiB)} GiB requested${asked ? `; storageProfile of ${profiledBy(asked)}${asked.rows.length < f.users.length ? ` (${asked.rows.length} of ${f.users.length} claims)` : ''}` : ''}`,
    growth,
    how,
    ...(today.monthly !== undefined ? { today: today.monthly } : {}),
  };
}

/** Per profiled claim (EFS, S3): what it asks against what the bottleneck check found it given. */
function profiledThroughput(rows: readonly BottleneckRow[]): string | undefined {
  const checked = rows.filter((r) => r.supply !== undefined);
  if (checked.length === 0) return undefined;
  return checked
    .map((r) => {
      const s = r.supply!;
      const parts = [`asked ${rates(r.demand)} of ${rates({ readMBps: r.demand.readMBps > 0 || r.demand.writeMBps === 0 ? s.readMBps : 0, writeMBps: r.demand.writeMBps > 0 ? s.writeMBps : 0 })}`];
      if (r.tier === 's3' && r.demand.readMBps > 0 && s.getPerSecond !== undefined) parts.push(`${fmt(r.demand.getPerSecond)} of ${fmt(s.getPerSecond)} GET/s`);
      if (s.metadataOpsPerSecond !== undefined) parts.push(`metadata ${fmt(r.demand.metadataOpsPerSecond)} of ${fmt(s.metadataOpsPerSecond)} operations/s`);
      return `${r.workload}/${r.claim} ${parts.join(', ')}`;
    })
    .join('; ');
}

/** Per profiled claim: whether `k` × its pods still fit what the storage gives (the bottleneck check's comparison, on the grown demand). */
function profiledGrowth(rows: readonly BottleneckRow[], k: number): string | undefined {
  const checked = rows.filter((r) => r.supply !== undefined);
  if (checked.length === 0) return undefined;
  return checked
    .map((r) => {
      const short = shortfalls(r.profile, scaleDemand(r.demand, k), r.supply!);
      return `${r.workload}/${r.claim} at ${k}× (${rates(r.demand, k)}): ${short.length === 0 ? 'fits' : `falls short on ${short.map((x) => `${x.limit} (${fmt(x.demand)} of ${fmt(x.supply)})`).join(', ')}`}`;
    })
    .join('; ');
}

function profiledNote(rows: readonly BottleneckRow[], users: readonly string[]): string {
  const checked = rows.filter((r) => r.supply !== undefined);
  return checked.length > 0 ? `; storageProfile of ${checked.map((r) => `${r.workload}/${r.claim}`).join(', ')}${checked.length < users.length ? ` (${checked.length} of ${users.length} claims)` : ''}` : '';
}

/**
 * The "Headroom" section of the environment report: per tier, what is provisioned against what
 * the claims request, what 2× and 10× would need and cost, and whether growing is an online
 * change or a new file system; a chart of the priced cost by growth.
 */
export function headroomReport(plan: EnvironmentPlan): string[] {
  const t = planMonitoring(plan).targets;
  const profiled = storageBottlenecks(plan).rows;
  const on = (users: readonly string[]) => {
    const named = new Set(users);
    return profiled.filter((r) => named.has(`${r.workload}/${r.claim}`));
  };
  const rows: Row[] = [...t.fsx.map((f) => fsxRow(f, on(f.users)))];
  for (const e of t.efs) {
    rows.push({
      tier: 'EFS',
      storage: e.id,
      capacity: 'elastic (billed by the data stored)',
      throughput: profiledThroughput(on(e.users)) ?? 'set on the file system (not stated here)',
      declared: `${e.users.join(', ')}${profiledNote(on(e.users), e.users)}`,
      growth: GROWTH.map((k) => ({ needs: profiledGrowth(on(e.users), k) ?? 'more stored data; Elastic throughput follows the load', costText: 'n/a (data stored not stated)' })),
      how: `**online**: Provisioned throughput may be raised at any time; a throughput mode change, or a decrease, once per 24 hours ([EFS throughput](${SCALING_SOURCES.efsThroughput}))`,
    });
  }
  for (const b of t.s3) {
    const at = (k: number) => (b.expectedGiB !== undefined ? s3Estimate(b.expectedGiB * k).monthly : undefined);
    rows.push({
      tier: 'S3 (Mountpoint)',
      storage: b.bucket,
      capacity: 'unbounded',
      throughput: `per partitioned prefix: at least 3,500 writes and 5,500 reads per second${profiledThroughput(on(b.users)) ? `; ${profiledThroughput(on(b.users))}` : ''}`,
      declared: `${b.users.join(', ')}${b.expectedGiB !== undefined ? `: ${fmtNumber(b.expectedGiB)} GiB expected` : ''}${profiledNote(on(b.users), b.users)}`,
      growth: GROWTH.map((k) => {
        const cost = at(k);
        return { needs: `${b.expectedGiB !== undefined ? `${fmtNumber(b.expectedGiB * k)} GiB; ` : ''}${profiledGrowth(on(b.users), k) ?? `${k}× the requests: spread over more prefixes if one is busy`}`, ...(cost !== undefined ? { cost } : {}), costText: cost !== undefined ? `${fmtUsd(cost)} (storage; requests not included)` : 'n/a (data size not stated)' };
      }),
      ...(at(1) !== undefined ? { today: at(1) } : {}),
      how: `**online**: S3 partitions busy prefixes by itself, answering 503 Slow Down while it does ([S3 performance](${SCALING_SOURCES.s3Prefixes}); alarmed with request metrics)`,
    });
  }
  for (const n of t.nvme) {
    rows.push({
      tier: 'Instance store (NVMe)',
      storage: n.user,
      capacity: n.sizeGiB !== undefined ? `${fmtNumber(n.sizeGiB)} GiB per pod (${n.kind})` : n.kind,
      throughput: 'the instance type\'s NVMe',
      declared: n.user,
      growth: GROWTH.map((k) => ({ needs: n.sizeGiB !== undefined ? `${fmtNumber(n.sizeGiB * k)} GiB per pod` : `${k}×`, cost: 0, costText: '$0.00 (in the instance price)' })),
      how: '**new nodes**: the NodePool must offer instance types with that much NVMe (Karpenter replaces nodes; the scratch data goes with them)',
      today: 0,
    });
  }
  const out: string[] = ['## Headroom', ''];
  if (rows.length === 0) return [...out, 'No storage here to plan for.', ''];
  out.push(
    'What each storage provides against what the claims request, and what 2× and 10× the data or load would need and cost (same price basis as the table above; n/a where no price is confirmed or the size is not stated). ' +
      'Where a workload declares a `storageProfile`, the load is what its pods ask (the demand and the supply of the Storage bottlenecks section, one computation), and 2× and 10× are that demand grown: the capacity that carries it, and whether it still fits. ' +
      'What the workloads really use is on the monitoring dashboard (CloudWatch for FSx, EFS and S3).',
    '',
    '| tier | storage | capacity | throughput | requested by | 2× needs | 2× est. monthly | 10× needs | 10× est. monthly | how to grow |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.tier} | ${esc(r.storage)} | ${r.capacity} | ${r.throughput} | ${esc(r.declared)} | ${r.growth[0].needs} | ${r.growth[0].costText} | ${r.growth[1].needs} | ${r.growth[1].costText} | ${r.how} |`),
    '',
  );
  const priced = rows.filter((r) => r.today !== undefined && r.growth.every((g) => g.cost !== undefined));
  const totals = [priced.reduce((a, r) => a + r.today!, 0), ...GROWTH.map((_, i) => priced.reduce((a, r) => a + r.growth[i].cost!, 0))];
  if (totals.some((x) => x > 0)) {
    out.push(
      '```mermaid',
      'xychart-beta',
      '  title "Priced storage, USD per month"',
      `  x-axis ["today", ${GROWTH.map((k) => `"${k}x"`).join(', ')}]`,
      '  y-axis "USD per month"',
      `  bar [${totals.map((x) => x.toFixed(2)).join(', ')}]`,
      '```',
      '',
      `Priced: ${priced.filter((r) => r.today! > 0).map((r) => esc(r.storage)).join(', ')} (${totals.map(fmtUsd).join(' → ')}); the rest is n/a or included in the instance price.`,
      '',
    );
  } else out.push('No storage here has a confirmed price to chart.', '');
  return out;
}

function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}
