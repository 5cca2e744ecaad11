/**
 * Access modes of a claim or volume. The CSI drivers each accept a subset (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L37-L45,
 * kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L43-L46, awslabs/mountpoint-s3-csi-driver@v2.7.0:pkg/driver/node/node.go#L49-L56):
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
 * `Recycle` is not offered: it is invalid for CSI volumes (only NFS and hostPath volumes support it: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#recycle).
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
