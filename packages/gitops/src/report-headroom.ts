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
 * 2400 GiB, then multiples of 2400 GiB: the capacity rule of @strata/storage, fsx-lustre-capacity.ts).
 */
export function fsxCapacityFor(gib: number): number {
  if (gib <= 1200) return 1200;
  return Math.ceil(gib / 2400 - 1e-9) * 2400;
}

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

function fsxRow(f: FsxTarget): Row {
  const name = f.id ?? `made from class ${f.className ?? '?'} for ${f.users.join(', ')}`;
  if (f.capacityGiB === undefined || f.deploymentType === undefined) {
    return { tier: 'FSx for Lustre', storage: name, capacity: 'n/a', throughput: 'n/a', declared: f.users.join(', '), growth: GROWTH.map(() => ({ needs: 'n/a', costText: 'n/a' })), how: 'capacity or deployment type not stated' };
  }
  const tp = fsxThroughput(f.capacityGiB, f.deploymentType, f.perUnitStorageThroughput);
  const scratch = f.deploymentType.startsWith('SCRATCH');
  const today = fsxEstimate(f.capacityGiB, f.deploymentType, f.storageType, f.perUnitStorageThroughput);
  const growth = GROWTH.map((k) => {
    const cap = fsxCapacityFor(f.capacityGiB! * k);
    const t = fsxThroughput(cap, f.deploymentType!, f.perUnitStorageThroughput);
    const e = fsxEstimate(cap, f.deploymentType!, f.storageType, f.perUnitStorageThroughput);
    return { needs: `${fmtNumber(cap)} GiB${t ? `, ${fmtNumber(t.mbps, 0)} MB/s` : ''}`, ...(e.monthly !== undefined ? { cost: e.monthly } : {}), costText: e.monthly !== undefined ? fmtUsd(e.monthly) : 'n/a' };
  });
  const how = scratch
    ? `**new file system** planned: a scratch file system's throughput is fixed per TiB, and storage scaling of scratch deployment types is not verified here (increase only, online for the types that support it: [FSx storage](${SCALING_SOURCES.fsxStorage}))`
    : `**online**: storage increase (increase only, a few minutes UPDATING, then background rebalancing, at least 6 h apart: [FSx storage](${SCALING_SOURCES.fsxStorage})); per-unit throughput of PERSISTENT SSD up or down (a few minutes unavailable: [FSx throughput](${SCALING_SOURCES.fsxThroughput}))`;
  return {
    tier: 'FSx for Lustre',
    storage: `${name} (${f.deploymentType})`,
    capacity: `${fmtNumber(f.capacityGiB)} GiB`,
    throughput: tp ? `${fmtNumber(tp.mbps, 0)} MB/s${tp.burst ? ` (burst ${fmtNumber(tp.burst, 0)})` : ''}` : 'n/a (per-unit throughput not stated)',
    declared: `${f.users.join(', ')}: ${fmtNumber(f.capacityGiB)} GiB requested`,
    growth,
    how,
    ...(today.monthly !== undefined ? { today: today.monthly } : {}),
  };
}

/**
 * The "Headroom" section of the environment report: per tier, what is provisioned against what
 * the claims request, what 2× and 10× would need and cost, and whether growing is an online
 * change or a new file system; a chart of the priced cost by growth.
 */
export function headroomReport(plan: EnvironmentPlan): string[] {
  const t = planMonitoring(plan).targets;
  const rows: Row[] = [...t.fsx.map(fsxRow)];
  for (const e of t.efs) {
    rows.push({
      tier: 'EFS',
      storage: e.id,
      capacity: 'elastic (billed by the data stored)',
      throughput: 'set on the file system (not stated here)',
      declared: e.users.join(', '),
      growth: GROWTH.map(() => ({ needs: 'more stored data; Elastic throughput follows the load', costText: 'n/a (data stored not stated)' })),
      how: `**online**: Provisioned throughput may be raised at any time; a throughput mode change, or a decrease, once per 24 hours ([EFS throughput](${SCALING_SOURCES.efsThroughput}))`,
    });
  }
  for (const b of t.s3) {
    const at = (k: number) => (b.expectedGiB !== undefined ? s3Estimate(b.expectedGiB * k).monthly : undefined);
    rows.push({
      tier: 'S3 (Mountpoint)',
      storage: b.bucket,
      capacity: 'unbounded',
      throughput: 'per partitioned prefix: at least 3,500 writes and 5,500 reads per second',
      declared: `${b.users.join(', ')}${b.expectedGiB !== undefined ? `: ${fmtNumber(b.expectedGiB)} GiB expected` : ''}`,
      growth: GROWTH.map((k) => {
        const cost = at(k);
        return { needs: `${b.expectedGiB !== undefined ? `${fmtNumber(b.expectedGiB * k)} GiB; ` : ''}${k}× the requests: spread over more prefixes if one is busy`, ...(cost !== undefined ? { cost } : {}), costText: cost !== undefined ? `${fmtUsd(cost)} (storage; requests not included)` : 'n/a (data size not stated)' };
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
