/**
 * FSx for Lustre's capacity numbers, computed once: the throughput a file system gives (capacity ×
 * per-unit throughput, the scratch disk rates), the capacity that carries a demand, and the
 * metadata IOPS it has. The recommender's supply, the bottleneck check, the environment report's
 * storage and headroom sections and the CloudWatch throughput alarm all read these functions, so
 * the number an alarm is stated against is the number the report shows.
 */
import { FSX_PERSISTENT_2_CLASSES, LIMITS } from './limits';

/** What an FSx for Lustre file system's capacity and class give, in MB/s. */
export interface FsxThroughput {
  /** Read throughput (the baseline the throughput alarm is stated against). */
  readonly readMBps: number;
  readonly writeMBps: number;
  /** Per TiB: read and write (equal on PERSISTENT classes). */
  readonly readPerTiB: number;
  readonly writePerTiB: number;
  /** Network burst read while credits last (SCRATCH_2, PERSISTENT_2 at 125 and 250 MB/s/TiB). */
  readonly burstReadMBps?: number;
}

/**
 * The throughput of `capacityGiB` of FSx for Lustre SSD: SCRATCH at 200 MB/s/TiB read and 100
 * write (disk), PERSISTENT at its per-unit throughput; undefined for a PERSISTENT file system whose
 * per-unit throughput is not known.
 */
export function fsxThroughputOf(deploymentType: string, capacityGiB: number, perUnit?: number): FsxThroughput | undefined {
  const tib = capacityGiB / 1024;
  if (deploymentType.startsWith('SCRATCH')) {
    const r = LIMITS.fsxScratch2ReadMBpsPerTiB.value;
    const w = LIMITS.fsxScratch2WriteMBpsPerTiB.value;
    return { readMBps: tib * r, writeMBps: tib * w, readPerTiB: r, writePerTiB: w, ...(deploymentType === 'SCRATCH_2' ? { burstReadMBps: tib * LIMITS.fsxScratch2BurstMBpsPerTiB.value } : {}) };
  }
  if (perUnit === undefined || !(perUnit > 0)) return undefined;
  const burst = deploymentType === 'PERSISTENT_2' ? FSX_PERSISTENT_2_CLASSES.find((c) => c.perUnit === perUnit)?.networkBurst : undefined;
  return { readMBps: tib * perUnit, writeMBps: tib * perUnit, readPerTiB: perUnit, writePerTiB: perUnit, ...(burst ? { burstReadMBps: tib * burst } : {}) };
}

/** FSx SSD capacity: 1200 GiB, then steps of 2400 GiB, at least `gib`. */
export function fsxCapacity(gib: number): number {
  const min = LIMITS.fsxMinCapacityGiB.value;
  const step = LIMITS.fsxCapacityStepGiB.value;
  if (gib <= min) return min;
  return Math.ceil(gib / step - 1e-9) * step;
}

/**
 * The smallest capacity, at least `capacityGiB`, whose throughput carries `factor` × the demand's
 * reads and writes (same class): what the bottleneck check's fix proposes (factor 1) and what the
 * headroom section says 2× and 10× need. Undefined when the class's throughput is not known.
 */
export function fsxCapacityToCarry(deploymentType: string, capacityGiB: number, perUnit: number | undefined, demand: { readonly readMBps: number; readonly writeMBps: number }, factor = 1): number | undefined {
  const t = fsxThroughputOf(deploymentType, 1024, perUnit);
  if (!t) return undefined;
  return fsxCapacity(Math.max(capacityGiB, ((factor * demand.readMBps) / t.readPerTiB) * 1024, ((factor * demand.writeMBps) / t.writePerTiB) * 1024));
}

/** A PERSISTENT_2 file system's metadata configuration (storage-fsx-lustre's metadataConfigurationMode, metadataIops). */
export interface FsxMetadataConfiguration {
  readonly mode: 'AUTOMATIC' | 'USER_PROVISIONED';
  /** USER_PROVISIONED: the metadata IOPS. */
  readonly iops?: number;
}

/**
 * The metadata IOPS FSx provisions in AUTOMATIC mode for an SSD capacity: 1,500 at 1,200 GiB,
 * 3,000 at 2,400 GiB, 6,000 up to 9,600 GiB, 12,000 up to 45,600 GiB, then 12,000 per 24,000 GiB
 * (at most 192,000). Not verified here: the managing-metadata-performance page states the mode,
 * but the table by capacity (performance.html#dne-metadata-performance) could not be read from AWS
 * (LIMITS.fsxMetadataIopsAutomatic is marked unverified). One metadata operation is counted as one
 * metadata IOPS, the safe side (AWS weighs operations differently: not verified here either).
 */
export function fsxAutomaticMetadataIops(capacityGiB: number): number {
  if (capacityGiB <= 1200) return 1500;
  if (capacityGiB <= 2400) return 3000;
  if (capacityGiB <= 9600) return 6000;
  if (capacityGiB <= 45600) return 12000;
  return Math.min(LIMITS.fsxMetadataIopsMax.value, Math.floor(capacityGiB / 24000) * 12000);
}

/** The metadata IOPS of a file system: USER_PROVISIONED's number, AUTOMATIC's by capacity; undefined without a configuration (AWS documents no rate then). */
export function fsxMetadataIops(capacityGiB: number, config: FsxMetadataConfiguration | undefined): number | undefined {
  if (!config) return undefined;
  if (config.mode === 'USER_PROVISIONED') return config.iops !== undefined && config.iops > 0 ? config.iops : undefined;
  return fsxAutomaticMetadataIops(capacityGiB);
}

/** The smallest USER_PROVISIONED level (1500, 3000, 6000, 12000, then multiples of 12000) at or above `opsPerSecond`; undefined above 192,000. */
export function fsxMetadataIopsFor(opsPerSecond: number): number | undefined {
  const level = [1500, 3000, 6000].find((l) => l >= opsPerSecond) ?? Math.ceil(opsPerSecond / 12000) * 12000;
  return level <= LIMITS.fsxMetadataIopsMax.value ? level : undefined;
}
