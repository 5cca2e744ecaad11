import { fsxThroughputOf, PRICES } from '@strata/recommend';

/** The price table (@strata/recommend's src/prices.json): one data file, each price with its confidence mark (✓, ~, ?; see its $comment). */
export const PRICING = PRICES;

/** A monthly cost estimate, or the reason there is none. */
export interface Estimate {
  /** USD per month; undefined when not priced (n/a). */
  readonly monthly?: number;
  /** Confidence mark of the price used: ✓, ~ or ?. */
  readonly confidence?: string;
  /** How it was computed, or why it is n/a. */
  readonly basis: string;
}

/**
 * FSx for Lustre aggregate throughput (MB/s) = capacity (TiB) × per-unit throughput (MB/s/TiB)
 * (https://docs.aws.amazon.com/fsx/latest/APIReference/API_LustreFileSystemConfiguration.html,
 * PerUnitStorageThroughput): @strata/recommend's fsxThroughputOf, the one function the bottleneck
 * check, the report's tables and the CloudWatch throughput alarm read. `mbps` is the read
 * throughput (scratch: 200 MB/s/TiB), the baseline the alarm is stated against.
 */
export function fsxThroughput(capacityGiB: number, deploymentType: string, perUnit: number | undefined): { mbps: number; perUnit: number; burst?: number } | undefined {
  const t = fsxThroughputOf(deploymentType, capacityGiB, perUnit);
  if (!t) return undefined;
  return { mbps: t.readMBps, perUnit: t.readPerTiB, ...(t.burstReadMBps !== undefined ? { burst: t.burstReadMBps } : {}) };
}

/** FSx monthly = capacity (GB, converted from GiB) × price per GB-month. */
export function fsxEstimate(capacityGiB: number, deploymentType: string, storageType: string, perUnit: number | undefined): Estimate {
  const row = PRICES.fsxLustre.find(
    (r) => r.deploymentType === deploymentType && r.storageType === storageType && (r.deploymentType.startsWith('SCRATCH') || r.perUnitStorageThroughput === perUnit),
  );
  if (!row || row.perGBMonth === null || row.perGBMonth === undefined) {
    return { basis: `n/a: no confirmed price for ${deploymentType} ${storageType}${perUnit !== undefined ? ` at ${perUnit} MB/s/TiB` : ''}` };
  }
  const gb = capacityGiB * PRICES.gibToGb;
  return { monthly: gb * row.perGBMonth, confidence: row.confidence, basis: `${fmtNumber(gb)} GB × $${price(row.perGBMonth)}/GB-month${row.note ? ` (${row.note})` : ''}` };
}

/** EFS: storage is billed by the GB stored (unknown here); Provisioned throughput is a known floor. */
export function efsEstimate(throughputMode: string | undefined, provisionedMibps: number | undefined): Estimate {
  const std = PRICES.efs.standardPerGBMonth;
  if (throughputMode === 'provisioned' && typeof provisionedMibps === 'number') {
    const p = PRICES.efs.provisionedPerMBpsMonth;
    return {
      monthly: provisionedMibps * p.price,
      confidence: p.confidence,
      basis: `at most ${provisionedMibps} MB/s × $${price(p.price)}/MB/s-month (less the baseline of ${PRICES.efs.burstingBaselineKBpsPerGB} KB/s per GB stored), plus $${price(std.price)}/GB-month stored (${std.confidence})`,
    };
  }
  return { basis: `n/a: EFS bills the data stored ($${price(std.price)}/GB-month Standard ${std.confidence}${throughputMode === 'elastic' ? `; Elastic reads $${price(PRICES.efs.elasticReadPerGB.price)}/GB, writes $${price(PRICES.efs.elasticWritePerGB.price)}/GB` : ''}), not the claim size` };
}

/** S3 Standard: GB × the tiered price, when the expected data size is known. Requests are not estimated. */
export function s3Estimate(expectedDataGiB: number | undefined): Estimate {
  const first = PRICES.s3.standardFirst50TBPerGBMonth;
  const next = PRICES.s3.standardNext450TBPerGBMonth;
  if (typeof expectedDataGiB !== 'number') return { basis: `n/a: data size not stated ($${price(first.price)}/GB-month Standard ${first.confidence})` };
  const gb = expectedDataGiB * PRICES.gibToGb;
  const tier1 = Math.min(gb, 50 * 1024);
  const monthly = tier1 * first.price + Math.max(0, gb - tier1) * next.price;
  return { monthly, confidence: first.confidence, basis: `${fmtNumber(gb)} GB × $${price(first.price)}/GB-month (Standard${gb > tier1 ? `, $${price(next.price)} above 50 TB` : ''}); requests not included` };
}

export function instanceStoreEstimate(): Estimate {
  return { monthly: 0, confidence: PRICES.instanceStore.confidence, basis: PRICES.instanceStore.note };
}

/** "1,288.49": grouped, at most `digits` decimals, trailing zeros dropped (no locale data involved). */
export function fmtNumber(n: number, digits = 2): string {
  const raw = n.toFixed(digits);
  const fixed = raw.includes('.') ? raw.replace(/\.?0+$/, '') : raw;
  return group(fixed);
}

/** A unit price with at least two decimals: 0.3 → "0.30", 0.023 → "0.023". */
export function price(n: number): string {
  const s = String(n);
  const decimals = s.includes('.') ? s.split('.')[1].length : 0;
  return n.toFixed(Math.max(2, decimals));
}

/** "$168.00" */
export function fmtUsd(n: number): string {
  return `$${group(n.toFixed(2))}`;
}

function group(fixed: string): string {
  const [int, frac] = fixed.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac ? `.${frac}` : ''}`;
}
