import { Clause, Constraint } from '@strata/tokens';
import { FsxDeploymentType, FsxStorageType } from './fsx-lustre-settings';

// Capacity: the driver's rounding (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/util/util.go#L36-L66) and the sizes the API takes
// (StorageCapacity of https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html)

/** What capacity rounding needs to know about a class. */
export interface FsxCapacitySettings {
  readonly deploymentType?: FsxDeploymentType;
  readonly storageType?: FsxStorageType;
  readonly perUnitStorageThroughput?: number;
  readonly efaEnabled?: boolean;
}

export interface CapacityRule {
  readonly when: (s: FsxCapacitySettings) => Clause[];
  readonly constraint: Constraint;
  /** For messages: what FSx provisions. */
  readonly sizes: string;
  readonly label: string;
}

const HDD_12: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.HDD }, { value: s.perUnitStorageThroughput, equals: 12 }],
  constraint: { minimum: 6000, multipleOf: 6000 },
  sizes: 'multiples of 6000Gi',
  label: 'PERSISTENT_1 HDD at 12 MB/s/TiB',
};
/** The driver rounds every other HDD throughput like 40 (the only other valid one). */
const HDD_40: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.HDD }, { value: s.perUnitStorageThroughput, equals: 40 }],
  constraint: { minimum: 1800, multipleOf: 1800 },
  sizes: 'multiples of 1800Gi',
  label: 'PERSISTENT_1 HDD at 40 MB/s/TiB',
};
const SSD_SCRATCH_1: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.SSD }, { value: s.deploymentType, equals: FsxDeploymentType.SCRATCH_1 }],
  constraint: { minimum: 1200, anyOf: [{ enum: [1200, 2400] }, { multipleOf: 3600 }] },
  sizes: '1200Gi, 2400Gi, then multiples of 3600Gi',
  label: 'SCRATCH_1 SSD',
};
const SSD_OTHER: CapacityRule = {
  when: (s) => [{ value: s.storageType, equals: FsxStorageType.SSD }, { value: s.deploymentType, equals: [FsxDeploymentType.SCRATCH_2, FsxDeploymentType.PERSISTENT_1, FsxDeploymentType.PERSISTENT_2] }],
  constraint: { minimum: 1200, anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] },
  sizes: '1200Gi, 2400Gi, then multiples of 2400Gi',
  label: 'SCRATCH_2, PERSISTENT_1 and PERSISTENT_2 SSD',
};
export const BASE_CAPACITY_RULES = [HDD_12, HDD_40, SSD_SCRATCH_1, SSD_OTHER];
/** EFA capacity steps by throughput; the driver's rounding does not know them
 * (https://docs.aws.amazon.com/fsx/latest/LustreGuide/increase-storage-capacity.html; the EFA steps were
 * verified in the ja_jp copy of that page only). */
const EFA_STEPS: Record<number, number> = { 125: 38400, 250: 19200, 500: 9600, 1000: 4800 };
export const EFA_RULES: CapacityRule[] = Object.entries(EFA_STEPS).map(([throughput, step]) => ({
  when: (s) => [{ value: s.efaEnabled, equals: true }, { value: s.perUnitStorageThroughput, equals: Number(throughput) }],
  constraint: { minimum: step, multipleOf: step },
  sizes: `multiples of ${step}Gi`,
  label: `an EFA-enabled file system at ${throughput} MB/s/TiB`,
}));

/** The driver's rule for the given (literal) settings. */
export function capacityRuleFor(s: FsxCapacitySettings): CapacityRule {
  if (s.storageType === FsxStorageType.HDD) return s.perUnitStorageThroughput === 12 ? HDD_12 : HDD_40;
  return s.deploymentType === FsxDeploymentType.SCRATCH_1 ? SSD_SCRATCH_1 : SSD_OTHER;
}

export const EPSILON = 1e-9;
export function ceilDiv(value: number, unit: number): number {
  return Math.ceil(value / unit - EPSILON);
}

/**
 * The capacity FSx provisions for a request, as the driver rounds it (`util.RoundUpVolumeSize`,
 * kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/util/util.go#L36-L66): HDD in 6000 GiB (12 MB/s/TiB) or 1800 GiB steps; SSD SCRATCH_1 1200, 2400, then
 * 3600 GiB steps; other SSD 1200, 2400, then 2400 GiB steps. Literal settings only.
 */
export function roundUpFsxCapacity(gibibytes: number, settings: FsxCapacitySettings): number {
  if (settings.storageType === FsxStorageType.HDD) {
    const unit = settings.perUnitStorageThroughput === 12 ? 6000 : 1800;
    return Math.max(1, ceilDiv(gibibytes, unit)) * unit;
  }
  const big = settings.deploymentType === FsxDeploymentType.SCRATCH_1 || settings.deploymentType === undefined ? 3600 : 2400;
  if (gibibytes < big) return Math.max(1, ceilDiv(gibibytes, 1200)) * 1200;
  return ceilDiv(gibibytes, big) * big;
}
