/**
 * Access modes of a claim or volume. The CSI drivers each accept a subset (facts §1.1, §2.1, §3.1):
 * FSx and EFS take ReadWriteOnce and ReadWriteMany only; Mountpoint S3 takes ReadWriteMany and
 * ReadOnlyMany only.
 */
export enum AccessMode {
  READ_WRITE_ONCE = 'ReadWriteOnce',
  READ_ONLY_MANY = 'ReadOnlyMany',
  READ_WRITE_MANY = 'ReadWriteMany',
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
}

/**
 * What happens to a dynamically provisioned volume (and its data) when its claim is deleted.
 * `Recycle` is not offered: it is invalid for CSI volumes (flux-and-helm.md, facts §7 case 26).
 */
export enum ReclaimPolicy {
  /** Keep the volume and its data; an operator deletes it explicitly. The default for persistent tiers. */
  RETAIN = 'Retain',
  /** Delete the backing file system or access point with the claim. Only by explicit choice. */
  DELETE = 'Delete',
}

/** When a claim of a StorageClass gets its volume. */
export enum VolumeBindingMode {
  IMMEDIATE = 'Immediate',
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
}
