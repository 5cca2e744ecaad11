/**
 * What a layout gives: throughput in and out, per node, request and latency limits, each number
 * with the documented limit it comes from (limits.ts).
 */
import { Demand, fmt } from './demand';
import { Layout } from './layout';
import { fsxMetadataIops, fsxThroughputOf } from './fsx';
import { LIMITS, MBPS_PER_GBPS } from './limits';
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
  /** File-system metadata operations per second it takes (FSx metadata IOPS, EFS read operations); undefined when no rate is documented. */
  readonly metadataOpsPerSecond?: number;
  /** The best latency class it meets. */
  readonly latency: LatencyNeed;
  /** How each number was derived. */
  readonly basis: { readonly read: string; readonly write: string; readonly perNode?: string; readonly metadata?: string };
}

const tib = (gib: number) => gib / 1024;
const EFS_OTHER_IOPS = '35,000 read operations per second per file system (Provisioned or Bursting, the lowest the page gives), metadata operations counted as reads';

export function supplyOf(l: Layout, p: ResolvedProfile, d: Demand): Supply {
  switch (l.kind) {
    case 'fsx-lustre': {
      const t = tib(l.capacityGiB);
      const scratch = l.deploymentType.startsWith('SCRATCH');
      const tp = fsxThroughputOf(l.deploymentType, l.capacityGiB, l.perUnit ?? 0) ?? { readMBps: 0, writeMBps: 0, readPerTiB: 0, writePerTiB: 0 };
      const iops = fsxMetadataIops(l.capacityGiB, l.metadata);
      const metadata = iops !== undefined ? { metadataOpsPerSecond: iops } : {};
      const metadataBasis = iops !== undefined ? { metadata: l.metadata!.mode === 'USER_PROVISIONED' ? `${fmt(iops)} metadata IOPS (USER_PROVISIONED)` : `${fmt(iops)} metadata IOPS (AUTOMATIC at ${fmt(l.capacityGiB)} GiB)` } : {};
      const label = scratch ? `${l.deploymentType} disk ` : '';
      return {
        readMBps: tp.readMBps,
        writeMBps: tp.writeMBps,
        ...(tp.burstReadMBps !== undefined ? { burstReadMBps: tp.burstReadMBps } : {}),
        ...metadata,
        latency: 'sub-millisecond',
        basis: {
          read: `${fmt(t, 2)} TiB × ${tp.readPerTiB} MB/s/TiB (${scratch ? `${label}read` : l.deploymentType})`,
          write: `${fmt(t, 2)} TiB × ${tp.writePerTiB} MB/s/TiB (${scratch ? `${label}write` : l.deploymentType})`,
          ...metadataBasis,
        },
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
          metadataOpsPerSecond: LIMITS.efsReadIops.value,
          latency: 'milliseconds',
          basis: { read: `provisioned ${fmt(l.provisionedMiBps ?? 0)} MiB/s`, write: `provisioned ${fmt(l.provisionedMiBps ?? 0)} MiB/s`, perNode: `${fmt(client)} MB/s per client (Provisioned)`, metadata: EFS_OTHER_IOPS },
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
          metadataOpsPerSecond: LIMITS.efsReadIops.value,
          latency: 'milliseconds',
          basis: { read: `${fmt(p.dataGiB)} GiB × 50 KiB/s per GiB (Bursting baseline)`, write: `${fmt(p.dataGiB)} GiB × 50 KiB/s per GiB (Bursting baseline)`, perNode: `${fmt(client)} MB/s per client`, metadata: EFS_OTHER_IOPS },
        };
      }
      const client = LIMITS.efsElasticPerClientMBps.value;
      return {
        readMBps: LIMITS.efsElasticReadMBps.value,
        writeMBps: LIMITS.efsElasticWriteMBps.value,
        perNodeMBps: client,
        metadataOpsPerSecond: LIMITS.efsElasticReadIops.value,
        latency: 'milliseconds',
        basis: { read: 'Elastic: 3 GiBps per file system (the low end by Region)', write: 'Elastic: 1 GiBps per file system (the low end by Region)', perNode: `${fmt(client)} MB/s (1,500 MiBps) per client`, metadata: 'Elastic: 90,000 read operations per second per file system (the low end), metadata operations counted as reads' },
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
    case 's3-files': {
      // The file system reads "up to terabytes per second" in aggregate: its clients (3 GiB/s each) bound it first.
      const client = LIMITS.s3FilesPerClientReadMBps.value;
      return {
        readMBps: client * d.nodes,
        writeMBps: LIMITS.s3FilesWriteMBps.value,
        perNodeMBps: client,
        metadataOpsPerSecond: LIMITS.s3FilesReadIops.value,
        latency: 'milliseconds',
        basis: {
          read: `${d.nodes} client${d.nodes > 1 ? 's' : ''} × ${fmt(client)} MB/s (3 GiB/s per client; up to terabytes per second per file system)`,
          write: '1 GiB/s per file system (the low end of 1–5 GiB/s)',
          perNode: `${fmt(client)} MB/s (3 GiB/s) read per client`,
          metadata: '250,000 read IOPS per file system, metadata operations counted as reads',
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
