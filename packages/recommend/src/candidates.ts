/**
 * The layouts the recommender weighs, each sized for the profile (FSx capacity for the data and
 * the throughput, the S3 prefixes the profile states), and the hard rules that rule one out.
 * The layouts are the tiers and the seed's patterns: Distributed Dataset (S3 → FSx for Lustre),
 * Model Repository (S3 → EFS cache, or S3 → Mountpoint with an NVMe cache), Training Checkpoint
 * (NVMe → S3); and S3 Files (the bucket as a file system, a Model Repository's cache when the
 * data is read-mostly).
 */
import { Demand } from './demand';
import { fsxCapacity } from './fsx';
import { Layout } from './layout';
import { FSX_PERSISTENT_2_CLASSES, LIMITS } from './limits';
import { PRICES } from './price-table';
import { ResolvedProfile } from './profile';

export type CandidateId = 'fsx-scratch' | 'fsx-persistent' | 'efs' | 's3-mountpoint' | 's3-nvme-cache' | 'nvme-s3-sync' | 's3-files';

export interface Candidate {
  readonly id: CandidateId;
  readonly title: string;
  /** The strata tier it is built on (the workload generator's --storage). */
  readonly tier: 'fsx-lustre' | 'efs' | 's3' | 'instance-store' | 's3-files';
  /** The seed's pattern it is, when it is one. */
  readonly pattern?: 'distributed-dataset' | 'model-repository' | 'training-checkpoint';
  readonly layout: Layout;
  /** Why it cannot serve this workload at all, whatever its speed. */
  readonly ruledOut: readonly string[];
}


const tibFor = (mbps: number, perTiB: number) => (mbps / perTiB) * 1024;

export function candidates(p: ResolvedProfile, d: Demand): Candidate[] {
  const zones = p.sharing === 'zones';
  const shared = p.sharing !== 'one-node';
  const writes = p.access !== 'read-mostly';
  const fsxZone = 'an FSx for Lustre file system lives in one subnet, in one Availability Zone: pods of other zones would cross zones for every read';

  const scratchGiB = fsxCapacity(Math.max(p.dataGiB, tibFor(d.readMBps, LIMITS.fsxScratch2ReadMBpsPerTiB.value), tibFor(d.writeMBps, LIMITS.fsxScratch2WriteMBpsPerTiB.value)));
  const scratchOut: string[] = [];
  if (zones) scratchOut.push(fsxZone);
  if (writes && p.lifetime === 'durable') scratchOut.push('a scratch file system keeps no second copy: what pods write is lost when a file server fails before it reaches S3, and the data must outlive the job');

  // PERSISTENT_2: the class whose capacity (for data and throughput) costs least; ties go to the faster class.
  const persistent = FSX_PERSISTENT_2_CLASSES.map((c) => ({ perUnit: c.perUnit, gib: fsxCapacity(Math.max(p.dataGiB, tibFor(Math.max(d.readMBps, d.writeMBps), c.perUnit))) }));
  const price = (perUnit: number) => PRICES.fsxLustre.find((r) => r.deploymentType === 'PERSISTENT_2' && r.perUnitStorageThroughput === perUnit)?.perGBMonth ?? Infinity;
  const priced = persistent.map((c) => ({ ...c, score: c.gib * price(c.perUnit) - c.perUnit * 1e-9 }));
  const best = priced.reduce((a, b) => (b.score < a.score ? b : a));
  const persistentOut: string[] = zones ? [fsxZone] : [];

  const efsOut: string[] = [];
  if (p.livesInS3) efsOut.push('the data lives in S3 (livesInS3): EFS holds its own copy, so what pods write never reaches the bucket and what is written to the bucket reaches the pods only when the copy is synced again');
  const mountpointOut: string[] = [];
  if (p.access === 'read-write') mountpointOut.push('on a general purpose bucket Mountpoint writes whole files sequentially and cannot edit them in place, append to or rename them (awslabs/mountpoint-s3@mountpoint-s3-1.23.0:doc/SEMANTICS.md)');
  const cacheOut: string[] = [];
  if (writes) cacheOut.push("Mountpoint's cache serves reads: it speeds nothing that is written");
  const nvmeOut: string[] = [];
  if (shared) nvmeOut.push(writes ? "instance store is one node's: other nodes cannot see what a pod writes there" : "instance store is one node's: each node would need its own copy of the data (S3 with Mountpoint's NVMe cache does exactly that)");
  if (p.dataGiB > p.nvmeGiBPerNode) nvmeOut.push(`the data (${p.dataGiB} GiB) is larger than one node's instance store (${p.nvmeGiBPerNode} GiB, nvmeGiBPerNode)`);

  return [
    { id: 'fsx-scratch', title: 'FSx for Lustre scratch, linked to S3', tier: 'fsx-lustre', pattern: 'distributed-dataset', layout: { kind: 'fsx-lustre', deploymentType: 'SCRATCH_2', capacityGiB: scratchGiB, linkedToS3: true }, ruledOut: scratchOut },
    { id: 'fsx-persistent', title: 'FSx for Lustre persistent, linked to S3', tier: 'fsx-lustre', pattern: 'distributed-dataset', layout: { kind: 'fsx-lustre', deploymentType: 'PERSISTENT_2', perUnit: best.perUnit, capacityGiB: best.gib, linkedToS3: true }, ruledOut: persistentOut },
    { id: 'efs', title: 'EFS (Elastic throughput)', tier: 'efs', ...(p.access === 'read-mostly' ? { pattern: 'model-repository' as const } : {}), layout: { kind: 'efs', throughputMode: 'elastic', s3Origin: p.access === 'read-mostly' }, ruledOut: efsOut },
    { id: 's3-mountpoint', title: 'S3 through Mountpoint', tier: 's3', layout: { kind: 's3', cache: 'none', prefixes: p.s3Prefixes }, ruledOut: mountpointOut },
    { id: 's3-nvme-cache', title: "S3 through Mountpoint, cache on instance-store NVMe", tier: 's3', pattern: 'model-repository', layout: { kind: 's3', cache: 'nvme', prefixes: p.s3Prefixes }, ruledOut: [...mountpointOut, ...cacheOut] },
    { id: 'nvme-s3-sync', title: 'Instance-store NVMe, synced to S3', tier: 'instance-store', pattern: 'training-checkpoint', layout: { kind: 'instance-store', syncToS3: true }, ruledOut: nvmeOut },
    { id: 's3-files', title: 'S3 Files (the bucket as a file system)', tier: 's3-files', ...(p.access === 'read-mostly' ? { pattern: 'model-repository' as const } : {}), layout: { kind: 's3-files' }, ruledOut: [] },
  ];
}
