/**
 * What a layout gives: throughput in and out, per node, request and latency limits, each number
 * with the documented limit it comes from (limits.ts).
 */
import { Demand, fmt } from './demand';
import { Layout } from './layout';
import { FSX_PERSISTENT_2_CLASSES, LIMITS, MBPS_PER_GBPS } from './limits';
import { LatencyNeed, ResolvedProfile } from './profile';

export interface Supply {
  /** MB/s the layout reads, all nodes together. */
  readonly readMBps: number;
  /** MB/s it writes. */
  readonly writeMBps: number;
  /** MB/s one node (one client) gets at most; undefined when no per-client limit applies. */
  readonly perNodeMBps?: number;
  /** Read throughput while burst credits last (FSx network burst). */
  readonly burstReadMBps?: number;
  /** GET and PUT requests per second (S3). */
  readonly getPerSecond?: number;
  readonly putPerSecond?: number;
  /** The best latency class it meets. */
  readonly latency: LatencyNeed;
  /** How each number was derived. */
  readonly basis: { readonly read: string; readonly write: string; readonly perNode?: string };
}

const tib = (gib: number) => gib / 1024;

export function supplyOf(l: Layout, p: ResolvedProfile, d: Demand): Supply {
  switch (l.kind) {
    case 'fsx-lustre': {
      const t = tib(l.capacityGiB);
      if (l.deploymentType.startsWith('SCRATCH')) {
        const r = LIMITS.fsxScratch2ReadMBpsPerTiB.value;
        const w = LIMITS.fsxScratch2WriteMBpsPerTiB.value;
        const b = LIMITS.fsxScratch2BurstMBpsPerTiB.value;
        return {
          readMBps: t * r,
          writeMBps: t * w,
          burstReadMBps: t * b,
          latency: 'sub-millisecond',
          basis: { read: `${fmt(t, 2)} TiB × ${r} MB/s/TiB (${l.deploymentType} disk read)`, write: `${fmt(t, 2)} TiB × ${w} MB/s/TiB (${l.deploymentType} disk write)` },
        };
      }
      const perUnit = l.perUnit ?? 0;
      const cls = FSX_PERSISTENT_2_CLASSES.find((c) => c.perUnit === perUnit);
      return {
        readMBps: t * perUnit,
        writeMBps: t * perUnit,
        ...(cls?.networkBurst ? { burstReadMBps: t * cls.networkBurst } : {}),
        latency: 'sub-millisecond',
        basis: { read: `${fmt(t, 2)} TiB × ${perUnit} MB/s/TiB (${l.deploymentType})`, write: `${fmt(t, 2)} TiB × ${perUnit} MB/s/TiB (${l.deploymentType})` },
      };
    }
    case 'efs': {
      if (l.throughputMode === 'provisioned') {
        const mbps = (l.provisionedMiBps ?? 0) * 1.048576;
        const client = LIMITS.efsProvisionedPerClientMBps.value;
        return {
          readMBps: mbps,
          writeMBps: mbps,
          perNodeMBps: client,
          latency: 'milliseconds',
          basis: { read: `provisioned ${fmt(l.provisionedMiBps ?? 0)} MiB/s`, write: `provisioned ${fmt(l.provisionedMiBps ?? 0)} MiB/s`, perNode: `${fmt(client)} MB/s per client (Provisioned)` },
        };
      }
      if (l.throughputMode === 'bursting') {
        // Baseline 50 KiB/s per GiB stored; every file system may burst to 100 MiB/s while credits last.
        const base = (p.dataGiB * LIMITS.efsBurstingBaselineKiBpsPerGiB.value * 1.024) / 1000;
        const client = LIMITS.efsProvisionedPerClientMBps.value;
        return {
          readMBps: base,
          writeMBps: base,
          burstReadMBps: Math.max(base, LIMITS.efsBurstingBurstMiBps.value * 1.048576),
          perNodeMBps: client,
          latency: 'milliseconds',
          basis: { read: `${fmt(p.dataGiB)} GiB × 50 KiB/s per GiB (Bursting baseline)`, write: `${fmt(p.dataGiB)} GiB × 50 KiB/s per GiB (Bursting baseline)`, perNode: `${fmt(client)} MB/s per client` },
        };
      }
      const client = LIMITS.efsElasticPerClientMBps.value;
      return {
        readMBps: LIMITS.efsElasticReadMBps.value,
        writeMBps: LIMITS.efsElasticWriteMBps.value,
        perNodeMBps: client,
        latency: 'milliseconds',
        basis: { read: 'Elastic: 3 GiBps per file system (the low end by Region)', write: 'Elastic: 1 GiBps per file system (the low end by Region)', perNode: `${fmt(client)} MB/s (1,500 MiBps) per client` },
      };
    }
    case 's3': {
      const part = Math.min(d.meanFileMiB, LIMITS.mountpointPartMiB.value) * 1.048576;
      const gets = LIMITS.s3GetPerSecondPerPrefix.value * l.prefixes;
      const puts = LIMITS.s3PutPerSecondPerPrefix.value * l.prefixes;
      const node = p.nodeNetworkGbps * MBPS_PER_GBPS;
      const byNetwork = node * d.nodes;
      if (l.cache === 'nvme' && p.dataGiB <= p.nvmeGiBPerNode) {
        // Repeat reads come from the node's NVMe; the first read of each file comes from S3.
        const local = p.nvmeMBpsPerNode;
        return {
          readMBps: local * d.nodes,
          writeMBps: Math.min(puts * LIMITS.mountpointPartMiB.value * 1.048576, byNetwork),
          perNodeMBps: local,
          getPerSecond: gets,
          putPerSecond: puts,
          latency: 'milliseconds',
          basis: {
            read: `${d.nodes} node${d.nodes > 1 ? 's' : ''} × ${fmt(local)} MB/s from the NVMe cache once warm (cold: S3, ${fmt(gets)} GET/s × ${fmt(part)} MB)`,
            write: `${fmt(puts)} PUT/s × 8 MiB parts`,
            perNode: `${fmt(p.nvmeMBpsPerNode)} MB/s of NVMe per node`,
          },
        };
      }
      const byRequests = gets * part;
      return {
        readMBps: Math.min(byRequests, byNetwork),
        writeMBps: Math.min(puts * LIMITS.mountpointPartMiB.value * 1.048576, byNetwork),
        perNodeMBps: node,
        getPerSecond: gets,
        putPerSecond: puts,
        latency: 'tolerant',
        basis: {
          read: byRequests <= byNetwork ? `${l.prefixes} prefix${l.prefixes > 1 ? 'es' : ''} × 5,500 GET/s × ${fmt(part)} MB per GET` : `${d.nodes} node${d.nodes > 1 ? 's' : ''} × ${fmt(node)} MB/s (${fmt(p.nodeNetworkGbps)} Gbps, Mountpoint's target)`,
          write: `${l.prefixes} prefix${l.prefixes > 1 ? 'es' : ''} × 3,500 PUT/s × 8 MiB parts`,
          perNode: `${fmt(node)} MB/s per node (${fmt(p.nodeNetworkGbps)} Gbps)`,
        },
      };
    }
    case 'instance-store':
      return {
        readMBps: p.nvmeMBpsPerNode * d.nodes,
        writeMBps: p.nvmeMBpsPerNode * d.nodes,
        perNodeMBps: p.nvmeMBpsPerNode,
        latency: 'sub-millisecond',
        basis: { read: `${d.nodes} node${d.nodes > 1 ? 's' : ''} × ${fmt(p.nvmeMBpsPerNode)} MB/s of NVMe`, write: `${d.nodes} node${d.nodes > 1 ? 's' : ''} × ${fmt(p.nvmeMBpsPerNode)} MB/s of NVMe`, perNode: `${fmt(p.nvmeMBpsPerNode)} MB/s of NVMe per node` },
      };
  }
}
