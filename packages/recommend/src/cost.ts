/**
 * A layout's monthly cost from the price table: what is billed by capacity (FSx), by GB stored
 * (EFS, S3), by GB moved (EFS Elastic) and by request (S3), for the hours the profile runs.
 */
import { Demand, fmt } from './demand';
import { Layout } from './layout';
import { PRICES } from './price-table';
import { ResolvedProfile } from './profile';

export interface Cost {
  /** USD per month; undefined when the table has no confirmed price. */
  readonly usd?: number;
  readonly basis: string;
}

const GB = (gib: number) => gib * PRICES.gibToGb;

function s3Storage(p: ResolvedProfile): { usd: number; basis: string } {
  const gb = GB(p.dataGiB);
  const first = Math.min(gb, 50 * 1024);
  return { usd: first * PRICES.s3.standardFirst50TBPerGBMonth.price + Math.max(0, gb - first) * PRICES.s3.standardNext450TBPerGBMonth.price, basis: `S3 ${fmt(gb, 0)} GB × $${PRICES.s3.standardFirst50TBPerGBMonth.price}` };
}

export function costOf(l: Layout, p: ResolvedProfile, d: Demand): Cost {
  const seconds = p.hoursPerMonth * 3600;
  switch (l.kind) {
    case 'fsx-lustre': {
      const row = PRICES.fsxLustre.find((r) => r.deploymentType === l.deploymentType && r.storageType === 'SSD' && (l.deploymentType.startsWith('SCRATCH') || r.perUnitStorageThroughput === l.perUnit));
      if (!row || typeof row.perGBMonth !== 'number') return { basis: `n/a: no confirmed price for ${l.deploymentType}${l.perUnit ? ` at ${l.perUnit} MB/s/TiB` : ''}` };
      const fsx = GB(l.capacityGiB) * row.perGBMonth;
      const s3 = l.linkedToS3 ? s3Storage(p) : undefined;
      return { usd: fsx + (s3?.usd ?? 0), basis: `${fmt(GB(l.capacityGiB), 0)} GB × $${row.perGBMonth}/GB-month${s3 ? ` + ${s3.basis}` : ''}` };
    }
    case 'efs': {
      const stored = GB(p.dataGiB) * PRICES.efs.standardPerGBMonth.price;
      const s3 = l.s3Origin ? s3Storage(p) : undefined;
      if (l.throughputMode === 'provisioned') {
        const t = (l.provisionedMiBps ?? 0) * PRICES.efs.provisionedPerMBpsMonth.price;
        return { usd: stored + t + (s3?.usd ?? 0), basis: `${fmt(GB(p.dataGiB), 0)} GB × $${PRICES.efs.standardPerGBMonth.price} + ${fmt(l.provisionedMiBps ?? 0)} MB/s × $${PRICES.efs.provisionedPerMBpsMonth.price}${s3 ? ` + ${s3.basis}` : ''}` };
      }
      const readGB = (d.readMBps * seconds) / 1000;
      const writeGB = (d.writeMBps * seconds) / 1000;
      const moved = l.throughputMode === 'elastic' ? readGB * PRICES.efs.elasticReadPerGB.price + writeGB * PRICES.efs.elasticWritePerGB.price : 0;
      return {
        usd: stored + moved + (s3?.usd ?? 0),
        basis: `${fmt(GB(p.dataGiB), 0)} GB × $${PRICES.efs.standardPerGBMonth.price}${l.throughputMode === 'elastic' ? ` + ${fmt(readGB, 0)} GB read × $${PRICES.efs.elasticReadPerGB.price} + ${fmt(writeGB, 0)} GB written × $${PRICES.efs.elasticWritePerGB.price} (${p.hoursPerMonth} h)` : ''}${s3 ? ` + ${s3.basis}` : ''}`,
      };
    }
    case 's3': {
      const s3 = s3Storage(p);
      // With the NVMe cache each node reads the data from S3 once a month; without it every read is a GET.
      const gets = l.cache === 'nvme' ? d.nodes * Math.ceil((p.dataGiB * 1024) / Math.min(d.meanFileMiB, 8)) : d.getPerSecond * seconds;
      const puts = d.putPerSecond * seconds;
      const req = (gets / 1000) * PRICES.s3.getPer1000.price + (puts / 1000) * PRICES.s3.putPer1000.price;
      return { usd: s3.usd + req, basis: `${s3.basis} + ${fmt(gets, 0)} GET × $${PRICES.s3.getPer1000.price}/1000${puts > 0 ? ` + ${fmt(puts, 0)} PUT × $${PRICES.s3.putPer1000.price}/1000` : ''}` };
    }
    case 's3-files': {
      // Billed on the GB resident on its high-performance storage (at most the data) and the GB read and written there; the bucket as S3.
      const r = PRICES.s3Files;
      const storage = r.highPerformanceStoragePerGBMonth.price as number | null;
      const read = r.readPerGB.price as number | null;
      const write = r.writePerGB.price as number | null;
      if (storage === null || read === null || write === null) {
        return { basis: `n/a: the S3 Files rates are not confirmed (prices.json s3Files); it bills the GB resident on its high-performance storage (files read in the last ${r.expirationDefaultDays} days by default) and the GB read and written there, plus the bucket at S3 rates` };
      }
      const s3 = s3Storage(p);
      const readGB = (d.readMBps * seconds) / 1000;
      const writeGB = (d.writeMBps * seconds) / 1000;
      return { usd: GB(p.dataGiB) * storage + readGB * read + writeGB * write + s3.usd, basis: `at most ${fmt(GB(p.dataGiB), 0)} GB resident × $${storage} + ${fmt(readGB, 0)} GB read × $${read} + ${fmt(writeGB, 0)} GB written × $${write} + ${s3.basis}` };
    }
    case 'instance-store': {
      const s3 = l.syncToS3 ? s3Storage(p) : undefined;
      return { usd: s3?.usd ?? 0, basis: `NVMe included in the instance price${s3 ? ` + ${s3.basis} (the synced copy)` : ''}` };
    }
  }
}
