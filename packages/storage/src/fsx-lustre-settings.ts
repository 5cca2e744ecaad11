/**
 * The vocabulary of the FSx CSI driver (`fsx.csi.aws.com`): its name and the values its StorageClass
 * parameters take, as the driver (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L55-L76) and the
 * FSx API (boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json, CreateFileSystemLustreConfiguration) name them.
 */
/** The FSx CSI driver name. */
export const FSX_LUSTRE_DRIVER = 'fsx.csi.aws.com';

/**
 * The FSx for Lustre deployment type.
 * @see https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html
 */
export enum FsxDeploymentType {
  /** Legacy scratch: no backups, no growth, 1200/2400 then 3600 GiB steps. The API's default. */
  SCRATCH_1 = 'SCRATCH_1',
  /** Scratch for short-lived processing: no replication, no backups, grows in 2400 GiB steps. */
  SCRATCH_2 = 'SCRATCH_2',
  /** Replicated within one AZ; SSD (50/100/200 MB/s/TiB) or HDD (12/40 MB/s/TiB). */
  PERSISTENT_1 = 'PERSISTENT_1',
  /** Newest persistent type: SSD at 125/250/500/1000 MB/s/TiB, metadata configuration, EFA. */
  PERSISTENT_2 = 'PERSISTENT_2',
}

/** The storage media of the file system. */
export enum FsxStorageType {
  SSD = 'SSD',
  /** PERSISTENT_1 only, with a `driveCacheType`. */
  HDD = 'HDD',
  /**
   * Not usable through the CSI driver: it needs a throughput capacity and a read cache
   * configuration the driver cannot pass (its CreateFileSystem sends neither: kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L255). Present so that it is refused with a reason.
   */
  INTELLIGENT_TIERING = 'INTELLIGENT_TIERING',
}

/** The SSD read cache of an HDD file system. */
export enum FsxDriveCacheType {
  NONE = 'NONE',
  READ = 'READ',
}

/** What the legacy S3 data repository link imports automatically. */
export enum FsxAutoImportPolicy {
  NONE = 'NONE',
  NEW = 'NEW',
  NEW_CHANGED = 'NEW_CHANGED',
  NEW_CHANGED_DELETED = 'NEW_CHANGED_DELETED',
}

/** Data compression of the file system. */
export enum FsxDataCompressionType {
  NONE = 'NONE',
  LZ4 = 'LZ4',
}

/** How metadata IOPS are provisioned (PERSISTENT_2 only). */
export enum FsxMetadataConfigurationMode {
  /** FSx sizes metadata IOPS from the storage capacity (SSD only). */
  AUTOMATIC = 'AUTOMATIC',
  /** You give `metadataIops`. */
  USER_PROVISIONED = 'USER_PROVISIONED',
}

/** The Lustre version of the file system. */
export enum FsxFileSystemTypeVersion {
  /** SCRATCH_* and PERSISTENT_1 only. The API's default except for PERSISTENT_2. */
  V2_10 = '2.10',
  /** Every type except PERSISTENT_2 with a metadata configuration. */
  V2_12 = '2.12',
  /** Every type; recommended; required for EFA and on EKS Auto Mode. */
  V2_15 = '2.15',
}
