import { Size } from 'cdk8s';
import { AccessMode, Claim, CsiPersistentVolume, ReclaimPolicy, StorageClass, volumeNameFor } from '../src';
import { newChart, synthValid } from './testing';

describe('StorageClass', () => {
  test('defaults: Retain, Immediate, string parameters, no namespace', () => {
    const chart = newChart();
    const sc = new StorageClass(chart, 'sc', { provisioner: 'fsx.csi.aws.com', parameters: { b: 1, a: true, c: undefined } });
    const [obj] = synthValid(chart);
    expect(sc.reclaimPolicy).toBe(ReclaimPolicy.RETAIN);
    expect(obj.metadata).not.toHaveProperty('namespace');
    expect(obj).toMatchObject({ kind: 'StorageClass', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', parameters: { a: 'true', b: '1' } });
    expect(Object.keys((obj as any).parameters)).toEqual(['a', 'b']);
  });
});

describe('CsiPersistentVolume and Claim', () => {
  test('a static volume has the empty class, Retain, no namespace; the claim keeps its namespace', () => {
    const chart = newChart();
    const pv = new CsiPersistentVolume(chart, 'pv', { driver: 'efs.csi.aws.com', volumeHandle: 'fs-12345678', accessModes: [AccessMode.READ_WRITE_MANY], capacity: Size.gibibytes(5) });
    new Claim(chart, 'claim', { accessModes: [AccessMode.READ_WRITE_MANY], storage: Size.gibibytes(5), storageClassName: '', volumeName: pv.name });
    const [pvObj, claimObj] = synthValid(chart) as any[];
    expect(pvObj.metadata).not.toHaveProperty('namespace');
    expect(pvObj.spec).toMatchObject({ storageClassName: '', persistentVolumeReclaimPolicy: 'Retain', capacity: { storage: '5Gi' }, csi: { driver: 'efs.csi.aws.com', volumeHandle: 'fs-12345678' } });
    expect(claimObj.metadata.namespace).toBe('ml');
    expect(claimObj.spec).toMatchObject({ storageClassName: '', volumeName: pvObj.metadata.name, resources: { requests: { storage: '5Gi' } } });
  });
});

test('volumeNameFor makes DNS labels', () => {
  expect(volumeNameFor('ModelCache')).toBe('model-cache');
  expect(volumeNameFor('__x__')).toBe('x');
  expect(volumeNameFor('a'.repeat(80))).toHaveLength(63);
});
