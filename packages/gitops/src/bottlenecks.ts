/**
 * The bottleneck check: for each workload × claim with a declared storage profile
 * (`workloads.<name>.storageProfile[<claim>]`), what the pods ask of storage (@strata/recommend's
 * demand: readers × throughput, checkpoint size ÷ the time it may take, S3 requests) against what
 * the bound storage gives (FSx throughput per TiB × the claim's capacity under the class's
 * settings, EFS limits per file system and per client, S3 request rates per prefix and Mountpoint's
 * network target, NVMe per node, S3 Files per client and per file system). generate warns, with both numbers and the fix, when storage and
 * not compute will bound the job; the environment report shows every row (report-bottlenecks.ts).
 */
import {
  Demand, demandOf, fmt, fsxCapacity, fsxCapacityToCarry, fsxMetadataIopsFor, fsxThroughputOf, FSX_PERSISTENT_2_CLASSES, Layout, describeLayout, headroom, LIMITS, profileProblems, ResolvedProfile, resolveProfile,
  Shortfall, shortfalls, Supply, supplyOf, WorkloadProfile,
} from '@strata/recommend';
import type { EnvironmentPlan, PlannedWorkload } from './plan';
import { claimClass, ResolvedClaim } from './tiers';
import { isPlainObject, valueAt } from './values';

/** One workload × claim with a profile: demand, supply, what falls short and the fix. */
export interface BottleneckRow {
  readonly workload: string;
  readonly claim: string;
  readonly tier: string;
  /** Where the profile is declared: `workloads.<name>.storageProfile["<claim>"]`. */
  readonly field: string;
  readonly profile: ResolvedProfile;
  readonly demand: Demand;
  /** The layout the claim is bound to; undefined when its settings are not known here (`unknown` says which). */
  readonly layout?: Layout;
  readonly supply?: Supply;
  /** Why the supply is not known (an existing file system's throughput, say). */
  readonly unknown?: string;
  /** Assumptions made about the bound storage (an EFS throughput mode not stated). */
  readonly assumed: readonly string[];
  readonly shortfalls: readonly Shortfall[];
  /** Smallest supply ÷ demand (Infinity when nothing is asked). */
  readonly headroom?: number;
  readonly fixes: readonly string[];
}

export interface BottleneckResult {
  readonly rows: readonly BottleneckRow[];
  /** Problems of the declared profiles (errors): a claim the chart does not have, a bad field. */
  readonly problems: readonly string[];
}

type PlanPart = Pick<EnvironmentPlan, 'env' | 'workloads' | 'tiers' | 'tierClasses'>;

/** Every declared profile of the plan's workloads, checked against the claim it names. */
export function storageBottlenecks(plan: PlanPart): BottleneckResult {
  // The check, the report and the alarms of one environment ask for it; a plan does not change once made.
  let found = bottlenecksOf.get(plan);
  if (!found) bottlenecksOf.set(plan, (found = bottlenecks(plan)));
  return found;
}

const bottlenecksOf = new WeakMap<PlanPart, BottleneckResult>();

function bottlenecks(plan: PlanPart): BottleneckResult {
  const rows: BottleneckRow[] = [];
  const problems: string[] = [];
  const deployments = isPlainObject(plan.env.workloads) ? plan.env.workloads : {};
  for (const w of plan.workloads) {
    const declared: unknown = (deployments[w.name] as { storageProfile?: unknown } | undefined)?.storageProfile;
    if (declared === undefined) continue;
    const base = `workloads.${w.name}.storageProfile`;
    if (!isPlainObject(declared)) {
      problems.push(`'${base}' (${JSON.stringify(declared)}) must be an object of storage profiles by claim name; e.g. storageProfile: { 'dataset/fsx': { dataGiB: 1200, readers: 8, readMBpsPerReader: 200 } }`);
      continue;
    }
    const claims = w.claims ?? [];
    for (let [name, profile] of Object.entries(declared)) {
      const field = `${base}[${JSON.stringify(name)}]`;
      const claim = claims.find((c) => c.name === name);
      if (!claim) {
        problems.push(`'${base}' (${JSON.stringify(name)}) must name a claim of ${w.name} in this environment: ${claims.length > 0 ? claims.map((c) => JSON.stringify(c.name)).join(', ') : 'it has none here'}; claims are named as the environment report's storage tables list them`);
        continue;
      }
      const read = readValues(profile, w.merged, field, w.name);
      if (read.problems.length > 0) {
        problems.push(...read.problems);
        continue;
      }
      profile = read.profile;
      const bad = profileProblems(profile, field);
      if (bad.length > 0) {
        problems.push(...bad);
        continue;
      }
      rows.push(row(plan, w, claim, field, resolveProfile(profile as WorkloadProfile)));
    }
  }
  return { rows, problems };
}

/**
 * The profile with each `{ $value, multiply? }` replaced by that number of the release's values
 * (times the factor); a path that holds no number is a problem naming the field.
 */
export function readValues(profile: unknown, values: Record<string, unknown>, field: string, workload: string): { profile: unknown; problems: string[] } {
  if (!isPlainObject(profile)) return { profile, problems: [] };
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(profile)) {
    if (!isPlainObject(v) || !('$value' in v)) {
      out[k] = v;
      continue;
    }
    const at = typeof v.$value === 'string' ? valueAt(values, v.$value) : undefined;
    const factor = v.multiply ?? 1;
    const extra = Object.keys(v).filter((x) => x !== '$value' && x !== 'multiply');
    if (typeof v.$value !== 'string' || typeof at !== 'number' || typeof factor !== 'number' || extra.length > 0) {
      problems.push(`'${field}.${k}' (${JSON.stringify(v)}) must be a number, or { $value, multiply? } naming a number of ${workload}'s values; ${typeof v.$value === 'string' && typeof at !== 'number' ? `${workload}'s values here have ${at === undefined ? 'nothing' : JSON.stringify(at)} at ${v.$value}` : 'e.g. { $value: "trainer.workers", multiply: 8 }'}`);
      continue;
    }
    out[k] = at * factor;
  }
  return { profile: out, problems };
}

/** The warning of a row whose storage falls short: the numbers and the fix. */
export function bottleneckWarning(r: BottleneckRow): string | undefined {
  if (r.shortfalls.length === 0) return undefined;
  return `'${r.field}': storage, not compute, bounds ${r.workload} on ${r.claim} (${describeLayout(r.layout!)}): ${r.shortfalls.map((s) => s.text).join('; ')}${r.assumed.length > 0 ? ` [${r.assumed.join('; ')}]` : ''}; fix: ${r.fixes.join('; or ')}`;
}

function row(plan: PlanPart, w: PlannedWorkload, claim: ResolvedClaim, field: string, p: ResolvedProfile): BottleneckRow {
  const demand = demandOf(p);
  const assumed: string[] = [];
  const bound = layoutOf(plan, w, claim, p, assumed);
  const base = { workload: w.name, claim: claim.name, tier: claim.tier, field, profile: p, demand, assumed };
  if ('unknown' in bound) return { ...base, unknown: bound.unknown, shortfalls: [], fixes: [] };
  const supply = supplyOf(bound.layout, p, demand);
  const short = shortfalls(p, demand, supply);
  return { ...base, layout: bound.layout, supply, shortfalls: short, headroom: headroom(demand, supply), fixes: short.length > 0 ? fixesFor(w, claim, bound.layout, p, demand, short) : [] };
}

/** What the claim is bound to, as a layout: the class's settings for FSx, the claim's facts for the others. */
function layoutOf(plan: PlanPart, w: PlannedWorkload, claim: ResolvedClaim, p: ResolvedProfile, assumed: string[]): { layout: Layout } | { unknown: string } {
  const f = claim.facts;
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
  switch (claim.tier) {
    case 'fsx-lustre': {
      const cls = claimClass(claim, plan.env, { tierClasses: plan.tierClasses, chartClasses: w.entry.storageClasses });
      const tier = cls.kind === 'tier' ? plan.tiers.find((t) => t.release === cls.tierClass.release && t.tier.tier === 'fsx-lustre') : undefined;
      const params = cls.kind === 'external' && isPlainObject(cls.storageClass.parameters) ? (cls.storageClass.parameters as Record<string, unknown>) : undefined;
      const pick = (key: string) => (tier ? (valueAt(tier.merged, key) ?? f[key]) : params ? (params[key] ?? f[key]) : f[key]);
      const capacityGiB = num(f.capacityGiB);
      const deploymentType = pick('deploymentType');
      const perUnit = num(pick('perUnitStorageThroughput'));
      if (capacityGiB === undefined) return { unknown: 'the claim does not state its capacity' };
      if (typeof deploymentType !== 'string') return { unknown: 'the deployment type is not stated' };
      if (!deploymentType.startsWith('SCRATCH') && !(perUnit !== undefined && perUnit > 0)) {
        return { unknown: f.source === 'existing file system' ? `the existing file system's throughput per TiB is not known here (${deploymentType})` : `the throughput per TiB of the ${deploymentType} class is not stated` };
      }
      const mode = pick('metadataConfigurationMode');
      const iops = num(pick('metadataIops'));
      const metadata = deploymentType === 'PERSISTENT_2' && (mode === 'AUTOMATIC' || mode === 'USER_PROVISIONED') ? { metadata: { mode, ...(iops !== undefined && iops > 0 ? { iops } : {}) } as const } : {};
      if (!('metadata' in metadata) && p.metadataOpsPerSecond !== undefined) assumed.push(`metadata operations not checked on ${deploymentType}${deploymentType === 'PERSISTENT_2' ? ' without a metadata configuration' : ''}: AWS documents a metadata rate only for PERSISTENT_2 with one`);
      return { layout: { kind: 'fsx-lustre', deploymentType, ...(perUnit && perUnit > 0 && !deploymentType.startsWith('SCRATCH') ? { perUnit } : {}), capacityGiB, linkedToS3: typeof pick('s3ImportPath') === 'string' || typeof f.importPath === 'string', ...metadata } };
    }
    case 'efs': {
      const mode = f.throughputMode;
      const prov = num(f.provisionedThroughputMibps);
      if (mode === 'provisioned' && prov !== undefined) return { layout: { kind: 'efs', throughputMode: 'provisioned', provisionedMiBps: prov } };
      if (mode === 'bursting') return { layout: { kind: 'efs', throughputMode: 'bursting' } };
      if (mode !== 'elastic') assumed.push('the file system\'s throughput mode is not stated here: Elastic assumed');
      return { layout: { kind: 'efs', throughputMode: 'elastic' } };
    }
    case 's3': {
      const cache = typeof f.cache === 'string' && /instance store|nvme/i.test(f.cache) ? 'nvme' : 'none';
      return { layout: { kind: 's3', cache, prefixes: p.s3Prefixes } };
    }
    case 's3-files':
      return { layout: { kind: 's3-files' } };
    case 'instance-store':
      if (p.nvmeMBpsPerNode === LIMITS.nvmeMBpsPerNode.value) assumed.push(`NVMe throughput per node assumed ${fmt(p.nvmeMBpsPerNode)} MB/s (AWS publishes none; measure with fio and set nvmeMBpsPerNode)`);
      return { layout: { kind: 'instance-store', syncToS3: false } };
    default:
      return { unknown: `no supply model for tier ${claim.tier}` };
  }
}

/** The values path a claim fact is read from (`dataset.size`), from the chart's own claim description. */
function factValue(w: PlannedWorkload, claim: ResolvedClaim, key: string): string | undefined {
  const raw = w.entry.storage?.find((c) => c.name === claim.name)?.facts[key];
  return isPlainObject(raw) && typeof raw.$value === 'string' ? raw.$value : undefined;
}

function fixesFor(w: PlannedWorkload, claim: ResolvedClaim, l: Layout, p: ResolvedProfile, d: Demand, short: readonly Shortfall[]): string[] {
  const out: string[] = [];
  const limits = new Set(short.map((s) => s.limit));
  const explain = `\`npm run strata -- explain ${w.name}\` ranks the alternatives`;
  switch (l.kind) {
    case 'fsx-lustre': {
      const scratch = l.deploymentType.startsWith('SCRATCH');
      const readPer = fsxThroughputOf(l.deploymentType, 1024, l.perUnit)!.readPerTiB;
      if (limits.has('read') || limits.has('write')) {
        const need = fsxCapacityToCarry(l.deploymentType, l.capacityGiB, l.perUnit, d)!;
        const path = factValue(w, claim, 'capacityGiB');
        out.push(`raise the file system to ${fmt(need, 0)} GiB (${fmt(need / 1024, 2)} TiB × ${readPer} MB/s/TiB = ${fmt((need / 1024) * readPer)} MB/s)${path ? ` with workloads.${w.name}.values.${path}: ${need}` : ''}`);
        const faster = FSX_PERSISTENT_2_CLASSES.map((c) => ({ c, gib: fsxCapacity(Math.max(p.dataGiB, l.capacityGiB, (Math.max(d.readMBps, d.writeMBps) / c.perUnit) * 1024)) })).find((x) => x.gib <= need && x.c.perUnit > (scratch ? 0 : l.perUnit!));
        if (faster && faster.gib < need) out.push(`a PERSISTENT_2 class at ${faster.c.perUnit} MB/s/TiB needs only ${fmt(faster.gib, 0)} GiB for it (throughput and storage scale online on persistent file systems)`);
      }
      if (limits.has('metadata')) {
        const level = fsxMetadataIopsFor(d.metadataOpsPerSecond);
        out.push(level !== undefined
          ? `raise the metadata IOPS to ${fmt(level)} (metadataConfigurationMode USER_PROVISIONED, metadataIops ${level}: an online increase, at least 6 hours apart)`
          : `pack the small files into larger ones: ${fmt(d.metadataOpsPerSecond)} operations/s is above the 192,000 metadata IOPS FSx provisions at most`);
      }
      break;
    }
    case 'efs':
      if (limits.has('per-node')) out.push(`spread the pods over more nodes (at most ${Math.max(1, Math.floor(((l.throughputMode === 'provisioned' ? LIMITS.efsProvisionedPerClientMBps.value : LIMITS.efsElasticPerClientMBps.value)) / Math.max(p.readMBpsPerReader + p.writeMBpsPerWriter, 1)))} per node: one EFS client per node)`);
      if (limits.has('read') || limits.has('write')) out.push(l.throughputMode === 'elastic' ? 'EFS Elastic gives no more per file system: move the data to FSx for Lustre' : 'switch the file system to Elastic throughput (an online change), or provision more');
      if (limits.has('metadata')) out.push(`pack the small files into larger ones (fewer opens), ${l.throughputMode === 'elastic' ? '' : 'switch to Elastic throughput (90,000 read operations per second), '}or move the data to FSx for Lustre PERSISTENT_2 with metadata IOPS provisioned`);
      break;
    case 's3':
      if (limits.has('get-rate') || limits.has('put-rate')) {
        const prefixes = Math.ceil(Math.max(d.getPerSecond / LIMITS.s3GetPerSecondPerPrefix.value, d.putPerSecond / LIMITS.s3PutPerSecondPerPrefix.value));
        out.push(`spread the objects over ${prefixes} prefixes (set s3Prefixes when they are) or pack small files into larger objects (8 MiB or more: one GET per 8 MiB part)`);
      }
      if (limits.has('per-node') || (limits.has('read') && !limits.has('get-rate')) || (limits.has('write') && !limits.has('put-rate'))) out.push(`use nodes with more network bandwidth (nodeNetworkGbps ${fmt(p.nodeNetworkGbps)} now) or fewer pods per node, or cache on NVMe (S3 + NVMe cache) when the same data is read again`);
      break;
    case 's3-files':
      if (limits.has('per-node')) out.push(`spread the pods over more nodes (at most ${Math.max(1, Math.floor(LIMITS.s3FilesPerClientReadMBps.value / Math.max(p.readMBpsPerReader, 1)))} readers per node: 3 GiB/s read per client)`);
      if (limits.has('write')) out.push('S3 Files writes 1–5 GiB/s per file system (1 assumed, by Region): split the writers over more file systems on the bucket (one per class), or write checkpoints to FSx for Lustre or instance store');
      if (limits.has('read') && !limits.has('per-node')) out.push('add nodes: reads scale with clients, 3 GiB/s each');
      if (limits.has('metadata')) out.push('pack the small files into larger ones (fewer opens), or split the data over more file systems on the bucket (250,000 read IOPS each)');
      break;
    case 'instance-store':
      out.push('spread the writers over more nodes, or measure the NVMe and state nvmeMBpsPerNode when it is faster than assumed');
      break;
  }
  if (limits.has('latency')) out.push(`${p.latency} latency needs FSx for Lustre or instance store`);
  out.push(explain);
  return out;
}
