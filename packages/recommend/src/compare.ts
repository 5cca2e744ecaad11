/**
 * Demand against supply: each limit the demand exceeds, with both numbers.
 */
import { Demand, fmt } from './demand';
import { Supply } from './supply';
import { LATENCIES, ResolvedProfile } from './profile';

export type LimitName = 'read' | 'write' | 'per-node' | 'get-rate' | 'put-rate' | 'metadata' | 'latency';

export interface Shortfall {
  readonly limit: LimitName;
  readonly demand: number;
  readonly supply: number;
  /** "read throughput: 12,800 MB/s asked (64 readers × 200 MB/s), 234.4 MB/s given (1.17 TiB × 200 MB/s/TiB)" */
  readonly text: string;
}

/** Every limit the demand exceeds (empty: the storage keeps up). */
export function shortfalls(p: ResolvedProfile, d: Demand, s: Supply): Shortfall[] {
  const out: Shortfall[] = [];
  const add = (limit: LimitName, demand: number, supply: number, what: string, unit: string, dBasis: string, sBasis: string) => {
    if (demand > supply * (1 + 1e-9)) out.push({ limit, demand, supply, text: `${what}: ${fmt(demand)} ${unit} asked (${dBasis}), ${fmt(supply)} ${unit} given (${sBasis})` });
  };
  add('read', d.readMBps, s.readMBps, 'read throughput', 'MB/s', d.basis.read, s.basis.read);
  add('write', d.writeMBps, s.writeMBps, 'write throughput', 'MB/s', d.basis.write, s.basis.write);
  if (s.perNodeMBps !== undefined) add('per-node', d.perNodeMBps, s.perNodeMBps, 'throughput per node', 'MB/s', `${p.perNode} per node`, s.basis.perNode ?? '');
  if (s.getPerSecond !== undefined && d.readMBps > 0) add('get-rate', d.getPerSecond, s.getPerSecond, 'S3 GET rate', 'requests/s', `${fmt(d.readMBps)} MB/s in ${fmt(Math.min(d.meanFileMiB, 8))} MiB requests`, `5,500 per prefix × ${fmt(s.getPerSecond / 5500)}`);
  if (s.putPerSecond !== undefined && d.writeMBps > 0) add('put-rate', d.putPerSecond, s.putPerSecond, 'S3 PUT rate', 'requests/s', `${fmt(d.writeMBps)} MB/s in 8 MiB parts`, `3,500 per prefix × ${fmt(s.putPerSecond / 3500)}`);
  if (s.metadataOpsPerSecond !== undefined) add('metadata', d.metadataOpsPerSecond, s.metadataOpsPerSecond, 'metadata operations', 'operations/s', d.basis.metadata, s.basis.metadata ?? '');
  if (LATENCIES.indexOf(s.latency) > LATENCIES.indexOf(p.latency)) {
    out.push({ limit: 'latency', demand: 0, supply: 0, text: `latency: ${p.latency} asked, ${s.latency} given` });
  }
  return out;
}

/** The smallest supply ÷ demand over the throughput limits (1 or more: it keeps up). */
export function headroom(d: Demand, s: Supply): number {
  const ratios = [d.readMBps > 0 ? s.readMBps / d.readMBps : Infinity, d.writeMBps > 0 ? s.writeMBps / d.writeMBps : Infinity];
  if (s.perNodeMBps !== undefined && d.perNodeMBps > 0) ratios.push(s.perNodeMBps / d.perNodeMBps);
  if (s.getPerSecond !== undefined && d.readMBps > 0) ratios.push(s.getPerSecond / d.getPerSecond);
  if (s.putPerSecond !== undefined && d.writeMBps > 0) ratios.push(s.putPerSecond / d.putPerSecond);
  if (s.metadataOpsPerSecond !== undefined && d.metadataOpsPerSecond > 0) ratios.push(s.metadataOpsPerSecond / d.metadataOpsPerSecond);
  return Math.min(...ratios);
}
