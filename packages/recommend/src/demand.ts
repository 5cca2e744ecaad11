/**
 * What a profile asks of storage: throughput in and out, per node, requests and metadata operations.
 */
import { LIMITS, MB_PER_GIB } from './limits';
import { ResolvedProfile } from './profile';

export interface Demand {
  /** MB/s read, all readers together. */
  readonly readMBps: number;
  /** MB/s written, all writers and checkpoints together. */
  readonly writeMBps: number;
  /** Of writeMBps, what checkpoints ask: size ÷ the time they may take. */
  readonly checkpointMBps: number;
  /** Nodes the readers and writers run on. */
  readonly nodes: number;
  /** MB/s one node moves (its share of reads, writes and checkpoints). */
  readonly perNodeMBps: number;
  /** Mean file size, in MiB. */
  readonly meanFileMiB: number;
  /** S3 GET requests per second, were the data read from S3 (one per file or per 8 MiB part, whichever is smaller). */
  readonly getPerSecond: number;
  /** S3 PUT requests per second, were the writes sent to S3 (one per 8 MiB part). */
  readonly putPerSecond: number;
  /** File-system metadata operations per second (given, or one per file opened). */
  readonly metadataOpsPerSecond: number;
  /** How each number was derived, for messages. */
  readonly basis: { readonly read: string; readonly write: string; readonly metadata: string };
}

export function demandOf(p: ResolvedProfile): Demand {
  const readMBps = p.readers * p.readMBpsPerReader;
  const seconds = p.checkpoint ? (p.checkpoint.writeWithinSeconds ?? p.checkpoint.intervalMinutes * 60) : undefined;
  const checkpointMBps = p.checkpoint && seconds ? (p.checkpoint.sizeGiB * MB_PER_GIB) / seconds : 0;
  const writeMBps = p.writers * p.writeMBpsPerWriter + checkpointMBps;
  const nodes = Math.max(1, Math.ceil(Math.max(p.readers, p.writers, 1) / p.perNode));
  const perNodeMBps = Math.min(p.readers, p.perNode) * p.readMBpsPerReader + Math.min(p.writers, p.perNode) * p.writeMBpsPerWriter + checkpointMBps / nodes;
  const meanFileMiB = (p.dataGiB * 1024) / p.fileCount;
  const part = LIMITS.mountpointPartMiB.value;
  const getPerSecond = readMBps / (Math.min(meanFileMiB, part) * 1.048576);
  const putPerSecond = writeMBps / (part * 1.048576);
  const metadataOpsPerSecond = p.metadataOpsPerSecond ?? readMBps / (meanFileMiB * 1.048576);
  const read = p.readers > 0 && p.readMBpsPerReader > 0 ? `${p.readers} reader${p.readers > 1 ? "s" : ""} × ${fmt(p.readMBpsPerReader)} MB/s` : 'no reads stated';
  const parts: string[] = [];
  if (p.writers > 0 && p.writeMBpsPerWriter > 0) parts.push(`${p.writers} writer${p.writers > 1 ? "s" : ""} × ${fmt(p.writeMBpsPerWriter)} MB/s`);
  if (p.checkpoint) parts.push(`checkpoint ${fmt(p.checkpoint.sizeGiB)} GiB ÷ ${fmt(seconds!)} s`);
  const metadata = p.metadataOpsPerSecond !== undefined ? 'stated' : `one open per file read: ${fmt(readMBps)} MB/s in files of ${fmt(meanFileMiB)} MiB`;
  return { readMBps, writeMBps, checkpointMBps, nodes, perNodeMBps, meanFileMiB, getPerSecond, putPerSecond, metadataOpsPerSecond, basis: { read, write: parts.join(' + ') || 'no writes stated', metadata } };
}

/**
 * The demand of `factor` × the pods, each asking what it asks now: totals, requests and metadata
 * operations scale, the nodes too (as many pods per node), what one node moves does not. What the
 * headroom section grows 2× and 10×.
 */
export function scaleDemand(d: Demand, factor: number): Demand {
  return {
    ...d,
    readMBps: d.readMBps * factor,
    writeMBps: d.writeMBps * factor,
    checkpointMBps: d.checkpointMBps * factor,
    nodes: Math.max(1, Math.ceil(d.nodes * factor)),
    getPerSecond: d.getPerSecond * factor,
    putPerSecond: d.putPerSecond * factor,
    metadataOpsPerSecond: d.metadataOpsPerSecond * factor,
    basis: { read: `${factor} × (${d.basis.read})`, write: `${factor} × (${d.basis.write})`, metadata: `${factor} × (${d.basis.metadata})` },
  };
}

/** "12,800", "1.5": grouped, at most `digits` decimals. */
export function fmt(n: number, digits = 1): string {
  const raw = n.toFixed(digits);
  const fixed = raw.includes('.') ? raw.replace(/\.?0+$/, '') : raw;
  const [int, frac] = fixed.split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}
