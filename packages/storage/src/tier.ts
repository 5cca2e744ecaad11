import * as plus from 'cdk8s-plus-28';

/** The four storage tiers of the seed document, and Amazon S3 Files. */
export enum StorageTier {
  FSX_LUSTRE = 'fsx-lustre',
  EFS = 'efs',
  S3 = 's3',
  INSTANCE_STORE = 'instance-store',
  /** Amazon S3 Files: a file system over an S3 bucket, mounted through the EFS CSI driver v3+. */
  S3_FILES = 's3-files',
}

/** How a container mounts a piece of storage. */
export interface StorageMountOptions {
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
  /** A relative path inside the volume to mount instead of its root. @default - the root */
  readonly subPath?: string;
}

/**
 * What every tier construct offers a workload: a cdk8s-plus volume (`asVolume`, so
 * `container.mount(path, storage)` works as usual) and a checked `mount`.
 */
export interface IStorageTier extends plus.IStorage {
  readonly tier: StorageTier;
  /** False when the volume can only be mounted read-only (a ReadOnlyMany S3 volume). */
  readonly writable: boolean;
  /** Mounts into a container, checking the options against what the tier supports. */
  mount(container: plus.Container, path: string, options?: StorageMountOptions): void;
}

/** A pod-local volume name from a construct id: lowercase DNS label, at most 63 characters. */
export function volumeNameFor(id: string): string {
  const name = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'storage';
}
