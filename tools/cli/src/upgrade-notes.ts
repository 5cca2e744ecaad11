import { keptPointersLeftBehind, Manifest } from '@strata/checks';

/**
 * The upgrade notes of one release: Mountpoint volumes and claims the old chart marked
 * `helm.sh/resource-policy: keep` and the new one no longer has. Helm leaves them in place on the
 * upgrade; they point to a bucket prefix and hold no data (the data is in S3), so they are no
 * error, but nothing deletes them: the note gives the command that does, claims first (a claim
 * holds its volume until it goes; a Retain volume is left Released, not deleted, by its claim's
 * deletion: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#retain).
 */
export function leftBehindNotes(where: string, before: readonly Manifest[], after: readonly Manifest[]): string[] {
  const left = keptPointersLeftBehind(before, after);
  if (left.length === 0) return [];
  const claims = left.filter((o) => o.kind === 'PersistentVolumeClaim');
  const volumes = left.filter((o) => o.kind === 'PersistentVolume');
  const named = [...volumes.map((v) => `PersistentVolume ${v.metadata.name}`), ...claims.map((c) => `PersistentVolumeClaim ${c.metadata.namespace}/${c.metadata.name}`)].join(', ');
  const commands = [...claims.map((c) => `kubectl delete pvc -n ${c.metadata.namespace} ${c.metadata.name}`), ...volumes.map((v) => `kubectl delete pv ${v.metadata.name}`)].join(' && ');
  return [
    `${where}: upgrade note: Helm leaves ${named} in place (the chart before marked them helm.sh/resource-policy: keep) though the new release no longer has them; they are Mountpoint pointers to S3 and hold no data. Once no pod mounts them (after the upgrade), delete them: ${commands}`,
  ];
}
