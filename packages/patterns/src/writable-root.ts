import { Efs, FsxLustre, IStorageTier, isLiteral, Rules } from '@strata/storage';
import { problem, Tokens } from '@strata/tokens';
import { DEFAULT_USER, RunAs } from './security';

/**
 * A read-write mount of a file system whose directories belong to root until someone hands them
 * over, and that no pod setting can hand over:
 * - **FSx for Lustre**: a file system's root directory belongs to root, and the driver applies no
 *   fsGroup to its volumes (fsGroupPolicy ReadWriteOnceWithFSType,
 *   kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:charts/aws-fsx-csi-driver/values.yaml#L10-L11). That the root
 *   is not writable by other users is inferred: AWS ParallelCluster changes the mount point to mode
 *   1777 after mounting (aws/aws-parallelcluster-cookbook recipes/fsx_mount.rb); the mode a new file
 *   system's root has (755) is **unverified** in AWS's documentation.
 * - **EFS without an access point** (`Efs.fromFileSystem` without `accessPointId`): NFS checks the
 *   uid and gid the pod asserts against the directories (https://docs.aws.amazon.com/efs/latest/ug/user-and-group-permissions.html),
 *   the driver applies no fsGroup (its CSIDriver sets no fsGroupPolicy, so ReadWriteOnceWithFSType:
 *   kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/templates/csidriver.yaml,
 *   https://kubernetes-csi.github.io/docs/support-fsgroup.html). Through an access point (dynamic
 *   provisioning makes one per claim) every request runs as the access point's POSIX user, so
 *   there is nothing to hand over.
 * Pod Security "restricted" pods never run as root, so the step is the file system admin's, once.
 */
export interface WritableMount {
  /** The prop holding the storage, for the message (e.g. 'cache'). */
  readonly field: string;
  readonly storage: IStorageTier;
  /** Who writes, in words (e.g. 'the hydration Job'). */
  readonly writer: string;
  /** Whom the writer runs as. @default uid and gid 1000 */
  readonly runAs?: RunAs;
  /** The directory written, relative to the file system's root (the mount's subPath). @default - the root */
  readonly directory?: string;
  /** The prop that records the directory as handed over (e.g. 'hydration.cacheRootPrepared'). */
  readonly preparedField: string;
  /** Whether the directory was handed over outside the chart: no warning then. @default false */
  readonly prepared?: boolean;
}

/** Why a tier's directories belong to root for a writer, or undefined when they do not. */
export function rootOwnedReason(storage: IStorageTier): { readonly kind: 'fsx' | 'efs'; readonly reason: string } | undefined {
  if (storage instanceof FsxLustre) {
    return { kind: 'fsx', reason: `${storage.persistentVolume ? "an FSx for Lustre file system's root directory belongs to root until its admin hands it over" : "a new FSx for Lustre file system's root directory belongs to root"}, and the driver applies no fsGroup to it` };
  }
  if (storage instanceof Efs && storage.persistentVolume && !hasAccessPoint(storage.volumeHandle)) {
    return { kind: 'efs', reason: "an EFS file system mounted without an access point checks the pod's own uid against its directories, its root directory belongs to root, and the driver applies no fsGroup to it" };
  }
  return undefined;
}

/**
 * One mechanism for every writable FSx for Lustre or EFS mount of the patterns: a warning, with the
 * fix, when the directory written belongs to root (see WritableMount), unless the chart records
 * that it was handed over (`prepared`).
 */
export function checkWritableRoot(rules: Pick<Rules, 'warn'>, m: WritableMount): void {
  if (m.prepared === true) return;
  if (m.prepared !== undefined && !isLiteral(m.prepared)) return; // decided at install: the value says it
  const owned = rootOwnedReason(m.storage);
  if (!owned) return;
  const user = shown(m.runAs?.user ?? DEFAULT_USER);
  const group = shown(m.runAs?.group ?? DEFAULT_USER);
  const dir = m.directory === undefined || m.directory === '' ? "the file system's root" : `directory "${shown(m.directory)}"`;
  const handOver = `hand ${dir} to uid ${user} once (chown ${user}:${group} from an admin pod) before the first write`;
  const fix =
    owned.kind === 'efs'
      ? `mount it through an access point whose POSIX user is ${user}:${group} (Efs.fromFileSystem with accessPointId, or an EFS StorageClass, which makes one per claim), or ${handOver}; then record that with ${m.preparedField}: true`
      : `${handOver}, and record that with ${m.preparedField}: true`;
  rules.warn(problem(m.field, m.storage instanceof FsxLustre ? 'FsxLustre' : 'Efs', `writable by ${m.writer} (uid ${user}, gid ${group})`, `${owned.reason}: ${fix}`));
}

function hasAccessPoint(volumeHandle: string | undefined): boolean {
  if (volumeHandle === undefined) return false;
  if (Tokens.isToken(volumeHandle)) return true; // decided at install: not judged here
  return volumeHandle.split(':').some((f) => f.startsWith('fsap-'));
}

/** A value for a message: the literal, or the values key a token is bound to (its marker never reaches a message). */
function shown(value: unknown): string {
  const info = Tokens.infoOf(value);
  if (info) return `<${info.path}>`;
  if (Tokens.isToken(value)) return '<a value>';
  return String(value);
}
