import { IConstruct } from 'constructs';

/**
 * "Named by its source": a statically provisioned PersistentVolume whose source is immutable
 * (`spec.csi`: kubernetes pkg/apis/core/validation ValidatePersistentVolumeUpdate, "spec.persistentvolumesource
 * is immutable after creation"), and the one claim bound to it (`spec.volumeName` is immutable too,
 * ValidatePersistentVolumeClaimUpdate), are named by a hash of the volume's source. A new source —
 * another bucket or prefix from the chart's values — is then a new volume and a new claim, and the
 * pods that mount the claim follow it, where a fixed name would make the upgrade fail with "field
 * is immutable".
 *
 * Only for volumes that are pointers to data held elsewhere (a Mountpoint volume names a bucket
 * prefix; the claim and the volume hold nothing): the old pair is deleted by Helm when the new one
 * replaces it, which must never lose data. The mark is left on the construct that holds both, before
 * they are created, with the id of the volume's construct; the chart writer names them.
 */
export const SOURCE_NAMED = 'strata:source-named';

/** Marks the PersistentVolume (under child `volumeId`) and the claim below `scope` as named by the volume's source. */
export function markSourceNamed(scope: IConstruct, volumeId: string): void {
  if (!scope.node.metadata.some((m) => m.type === SOURCE_NAMED)) scope.node.addMetadata(SOURCE_NAMED, volumeId);
}

/**
 * The API object of the source-named volume whose source names `object` (the volume itself, or its
 * claim), or undefined when `object` is not source-named. The volume must be created first.
 */
export function sourceVolumeOf(object: IConstruct): IConstruct | undefined {
  for (const s of [...object.node.scopes].reverse()) {
    const m = s.node.metadata.find((x) => x.type === SOURCE_NAMED);
    if (!m) continue;
    const holder = s.node.tryFindChild(m.data as string);
    const volume = holder?.node.tryFindChild('Resource') ?? holder;
    if (!volume) throw new Error(`[${s.node.path}] is marked source-named, but its volume "${m.data as string}" is not created yet: create the PersistentVolume before the claim`);
    return volume;
  }
  return undefined;
}
