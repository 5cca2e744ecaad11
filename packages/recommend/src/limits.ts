/**
 * The documented performance limits the recommender and the bottleneck check reason with: one
 * table, each number with its source (docs/recommender.md lists them). Numbers AWS gives as a
 * range by Region are taken at the low end; what AWS does not document is marked `verified: false`
 * and is a setting of the workload profile instead of a fact.
 */

/** One documented limit. */
export interface Limit {
  readonly value: number;
  readonly unit: string;
  /** Where it is documented. */
  readonly source: string;
  /** False for an assumption strata makes where no documentation gives a number. */
  readonly verified: boolean;
}

const FSX_PERFORMANCE = 'https://docs.aws.amazon.com/fsx/latest/LustreGuide/ssd-storage.html';
const EFS_PERFORMANCE = 'https://docs.aws.amazon.com/efs/latest/ug/performance.html';
const S3_PERFORMANCE = 'https://repost.aws/knowledge-center/s3-object-key-naming-pattern';
const FSX_METADATA = 'https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-metadata-performance.html';
const FSX_METADATA_API = 'https://docs.aws.amazon.com/fsx/latest/APIReference/API_FileSystemLustreMetadataConfiguration.html';
const S3_FILES_PERFORMANCE = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-performance.html';
const MOUNTPOINT_CONFIG = 'awslabs/mountpoint-s3@mountpoint-s3-1.23.0:doc/CONFIGURATION.md';

/** FSx for Lustre SSD: disk throughput per TiB provisioned (what the file servers sustain), by deployment type and per-unit class. */
export const FSX_DISK_MBPS_PER_TIB = {
  /** SCRATCH_2 disk throughput: 200 MBps/TiB read, 100 MBps/TiB write. */
  SCRATCH_2: { read: 200, write: 100, networkBaseline: 200, networkBurst: 1300 },
} as const;

/** PERSISTENT_2 SSD per-unit classes (MBps/TiB): disk throughput equals the class; network baseline and burst per TiB. */
export const FSX_PERSISTENT_2_CLASSES: readonly { readonly perUnit: number; readonly networkBaseline: number; readonly networkBurst?: number }[] = [
  { perUnit: 125, networkBaseline: 320, networkBurst: 1300 },
  { perUnit: 250, networkBaseline: 640, networkBurst: 1300 },
  { perUnit: 500, networkBaseline: 1300 },
  { perUnit: 1000, networkBaseline: 2600 },
];

/** PERSISTENT_1 SSD per-unit classes (MBps/TiB), the API's valid values. */
export const FSX_PERSISTENT_1_CLASSES: readonly number[] = [50, 100, 200];

export const LIMITS = {
  fsxScratch2ReadMBpsPerTiB: { value: 200, unit: 'MB/s per TiB', source: FSX_PERFORMANCE, verified: true },
  fsxScratch2WriteMBpsPerTiB: { value: 100, unit: 'MB/s per TiB', source: FSX_PERFORMANCE, verified: true },
  fsxScratch2BurstMBpsPerTiB: { value: 1300, unit: 'MB/s per TiB (network burst, credits)', source: FSX_PERFORMANCE, verified: true },
  fsxPersistentPerUnit: { value: 1000, unit: 'MB/s per TiB at most (PERSISTENT_2: 125, 250, 500, 1000)', source: 'https://docs.aws.amazon.com/fsx/latest/LustreGuide/managing-throughput-capacity.html', verified: true },
  fsxMinCapacityGiB: { value: 1200, unit: 'GiB (then 2400 GiB steps for SCRATCH_2 and PERSISTENT SSD)', source: 'kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/util/util.go', verified: true },
  fsxCapacityStepGiB: { value: 2400, unit: 'GiB', source: 'kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/util/util.go', verified: true },
  efsElasticReadMBps: { value: 3 * 1024 * 1.048576, unit: 'MB/s per file system (3 GiBps: the low end by Region; the page has said 3–20 GiBps and, in a later version, 20–60 GiBps)', source: EFS_PERFORMANCE, verified: true },
  efsElasticWriteMBps: { value: 1 * 1024 * 1.048576, unit: 'MB/s per file system (1 GiBps, the low end of 1–5 GiBps by Region)', source: EFS_PERFORMANCE, verified: true },
  efsElasticPerClientMBps: { value: 1500 * 1.048576, unit: 'MB/s per client (1,500 MiBps)', source: EFS_PERFORMANCE, verified: true },
  efsProvisionedPerClientMBps: { value: 500 * 1.048576, unit: 'MB/s per client (500 MiBps)', source: EFS_PERFORMANCE, verified: true },
  efsProvisionedMaxMiBps: { value: 3414, unit: 'MiB/s provisioned at most (upper limit by Region)', source: 'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/efs/aws.sdk.kotlin.services.efs.model/-update-file-system-request/provisioned-throughput-in-mib-ps.html', verified: true },
  efsBurstingBaselineKiBpsPerGiB: { value: 50, unit: 'KiB/s per GiB stored (Bursting baseline)', source: 'https://repost.aws/knowledge-center/efs-choosing-correct-throughput-mode', verified: true },
  efsBurstingBurstMiBps: { value: 100, unit: 'MiB/s every file system may burst to while it has credits', source: 'https://repost.aws/knowledge-center/efs-choosing-correct-throughput-mode', verified: true },
  efsWriteLatencyMs: { value: 2.7, unit: 'ms per write (as low as)', source: EFS_PERFORMANCE, verified: true },
  s3GetPerSecondPerPrefix: { value: 5500, unit: 'GET/HEAD per second per partitioned prefix', source: S3_PERFORMANCE, verified: true },
  s3PutPerSecondPerPrefix: { value: 3500, unit: 'PUT/COPY/POST/DELETE per second per partitioned prefix', source: S3_PERFORMANCE, verified: true },
  mountpointPartMiB: { value: 8, unit: 'MiB per GET or PUT part (default --read-part-size, --write-part-size)', source: MOUNTPOINT_CONFIG, verified: true },
  mountpointDefaultGbps: { value: 10, unit: 'Gbps per Mountpoint process when the instance bandwidth is unknown (else the instance network bandwidth)', source: MOUNTPOINT_CONFIG, verified: true },
  fsxMetadataIopsMax: { value: 192000, unit: 'Metadata IOPS at most (PERSISTENT_2 SSD with a metadata configuration; USER_PROVISIONED levels 1500, 3000, 6000, 12000, then multiples of 12000); they set the maximum rate of metadata operations', source: FSX_METADATA_API, verified: true },
  fsxMetadataIopsAutomatic: { value: 1500, unit: 'Metadata IOPS at 1,200 GiB in AUTOMATIC mode (sized from the storage capacity; the table by capacity in fsx.ts)', source: `${FSX_METADATA} states that AUTOMATIC sizes them from the capacity; the table by capacity (said to be in https://docs.aws.amazon.com/fsx/latest/LustreGuide/performance.html#dne-metadata-performance) could not be read from AWS here`, verified: false },
  efsElasticReadIops: { value: 90000, unit: 'read operations per second per file system (Regional, Elastic: the low end of 90,000–250,000); metadata operations counted as reads', source: EFS_PERFORMANCE, verified: true },
  efsReadIops: { value: 35000, unit: 'read operations per second per file system (Provisioned or Bursting: the lowest the page gives, 35,000; 55,000 in some configurations); metadata operations counted as reads', source: EFS_PERFORMANCE, verified: true },
  s3FilesPerClientReadMBps: { value: 3 * 1024 * 1.048576, unit: 'MB/s per client (3 GiB/s read; the file system reads "up to terabytes per second" in aggregate, so the clients bound it)', source: S3_FILES_PERFORMANCE, verified: true },
  s3FilesWriteMBps: { value: 1 * 1024 * 1.048576, unit: 'MB/s per file system (1 GiB/s, the low end of 1–5 GiB/s)', source: S3_FILES_PERFORMANCE, verified: true },
  s3FilesReadIops: { value: 250000, unit: 'read IOPS per file system (metadata operations counted as reads; more file systems on one bucket for more)', source: S3_FILES_PERFORMANCE, verified: true },
  s3FilesWriteIops: { value: 50000, unit: 'write IOPS per file system', source: S3_FILES_PERFORMANCE, verified: true },
  nvmeMBpsPerNode: { value: 2000, unit: 'MB/s per node (sequential, all instance-store devices)', source: 'not documented by AWS per instance type: an assumption; measure with fio and set nvmeMBpsPerNode', verified: false },
} as const satisfies Record<string, Limit>;

/** MB (10^6 bytes) in a GiB. */
export const MB_PER_GIB = 1073.741824;
/** MB/s in a Gbps. */
export const MBPS_PER_GBPS = 125;
