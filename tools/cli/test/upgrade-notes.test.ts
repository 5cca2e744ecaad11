import { Manifest } from '@strata/checks';
import { leftBehindNotes } from '../src/upgrade-notes';

/**
 * Upgrade notes: the Mountpoint pairs an older chart kept (helm.sh/resource-policy: keep) and the
 * new release drops are left in place by Helm; generate prints the command that deletes them.
 */
const pv = (name: string, keep: boolean): Manifest => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, ...(keep ? { annotations: { 'helm.sh/resource-policy': 'keep' } } : {}) },
  spec: { persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', csi: { driver: 's3.csi.aws.com', volumeHandle: name, volumeAttributes: { bucketName: 'b' } } },
});
const pvc = (name: string, volumeName: string, keep: boolean): Manifest => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'ml', ...(keep ? { annotations: { 'helm.sh/resource-policy': 'keep' } } : {}) },
  spec: { storageClassName: '', volumeName },
});
const WHERE = 'environments/dev: release ml/batch (chart batch-embeddings), from committed 0.1.4 to 0.1.5';

describe('upgrade notes', () => {
  test('a kept pair the new release drops: the note names both and the exact kubectl commands, claim first', () => {
    const before = [pv('ml-batch-out-pv', true), pvc('batch-out', 'ml-batch-out-pv', true)];
    const after = [pv('ml-batch-out-pv-1a2b3c4d', false), pvc('batch-out-1a2b3c4d', 'ml-batch-out-pv-1a2b3c4d', false)];
    expect(leftBehindNotes(WHERE, before, after)).toEqual([
      `${WHERE}: upgrade note: Helm leaves PersistentVolume ml-batch-out-pv, PersistentVolumeClaim ml/batch-out in place (the chart before marked them helm.sh/resource-policy: keep) though the new release no longer has them; they are Mountpoint pointers to S3 and hold no data. Once no pod mounts them (after the upgrade), delete them: kubectl delete pvc -n ml batch-out && kubectl delete pv ml-batch-out-pv`,
    ]);
  });

  test('nothing kept, or nothing dropped: no note', () => {
    expect(leftBehindNotes(WHERE, [pv('a', false), pvc('c', 'a', false)], [pv('b', false), pvc('d', 'b', false)])).toEqual([]);
    expect(leftBehindNotes(WHERE, [pv('a', true), pvc('c', 'a', true)], [pv('a', true), pvc('c', 'a', true)])).toEqual([]);
  });
});
