import { describeChange, keptPointersLeftBehind, Manifest, s3PointerObjects, upgradeChanges } from '../src';

const sc = (parameters: Record<string, string>, reclaimPolicy = 'Retain'): Manifest => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fsx' }, provisioner: 'fsx.csi.aws.com', parameters, reclaimPolicy } as Manifest);
const pv = (reclaim: string): Manifest => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'data' }, spec: { persistentVolumeReclaimPolicy: reclaim, csi: { driver: 's3.csi.aws.com', volumeHandle: 'h' } } });
const pvc = (name: string, storage = '100Gi', storageClassName = 'fsx', keep = true): Manifest => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'ml', ...(keep ? { annotations: { 'helm.sh/resource-policy': 'keep' } } : {}) },
  spec: { storageClassName, resources: { requests: { storage } } },
});

describe('upgradeChanges: what the API server refuses, and what loses or orphans data', () => {
  test('StorageClass parameters are immutable (kubernetes pkg/apis/storage/validation ValidateStorageClassUpdate)', () => {
    const [c] = upgradeChanges([sc({ deploymentType: 'SCRATCH_2' })], [sc({ deploymentType: 'PERSISTENT_2' })]);
    expect(describeChange(c)).toBe(
      'StorageClass fsx parameters: {"deploymentType":"SCRATCH_2"} → {"deploymentType":"PERSISTENT_2"}: the API server refuses the change (the field is immutable), so the upgrade fails and helm-controller retries or remediates it; give the class a new name (its chart value) so a new class is made; existing claims keep the old class and its settings, new claims get the new one',
    );
  });

  test('a volume from Retain to Delete: allowed by the API, but its data goes with the claim', () => {
    expect(upgradeChanges([pv('Retain')], [pv('Delete')]).map(describeChange)).toEqual([
      'PersistentVolume data spec.persistentVolumeReclaimPolicy: "Retain" → "Delete": the API server allows it, but when the claim is released the volume and its data are deleted; keep Retain; delete the data yourself, deliberately, when it is no longer needed',
    ]);
    expect(upgradeChanges([pv('Delete')], [pv('Retain')])).toEqual([]);
  });

  test('claims: class and shrinking refused, growing allowed, a removed claim orphaned (and a new one noticed as a rename)', () => {
    expect(upgradeChanges([pvc('a')], [pvc('a', '200Gi')])).toEqual([]);
    expect(upgradeChanges([pvc('a')], [pvc('a', '50Gi', 'efs')]).map((c) => c.field)).toEqual(['spec.storageClassName', 'spec.resources.requests.storage']);
    const [removed] = upgradeChanges([pvc('a')], [pvc('b')]);
    expect(removed).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'a', field: 'removed', to: 'b' });
    expect(upgradeChanges([pvc('a')], [pvc('a', '100Gi', 'fsx', false)]).map((c) => c.field)).toEqual(['metadata.annotations.helm.sh/resource-policy']);
  });

  test('a Job changed under the same name, a StatefulSet\'s claim templates, a Service\'s cluster IP (immutable)', () => {
    const job = (image: string): Manifest => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ml' }, spec: { template: { spec: { containers: [{ name: 'm', image }] } } } });
    expect(upgradeChanges([job('a:1')], [job('a:2')]).map((c) => c.field)).toEqual(['spec.template']);
    const sts = (size: string): Manifest => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: 'ml' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { resources: { requests: { storage: size } } } }] } });
    expect(upgradeChanges([sts('1Gi')], [sts('2Gi')]).map((c) => c.field)).toEqual(['spec.volumeClaimTemplates']);
    const svc = (clusterIP?: string): Manifest => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ml' }, spec: { ...(clusterIP ? { clusterIP } : {}) } });
    expect(upgradeChanges([svc('None')], [svc()]).map((c) => c.field)).toEqual(['spec.clusterIP']);
    expect(upgradeChanges([svc()], [svc('None')])).toEqual([]);
  });

  test('key order and unchanged objects are no change; objects without data may go', () => {
    const a = sc({ x: '1', y: '2' });
    const b = { ...a, parameters: { y: '2', x: '1' } } as Manifest;
    expect(upgradeChanges([a], [b])).toEqual([]);
    expect(upgradeChanges([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ml' } }], [])).toEqual([]);
    // Issue 17: the iam-policies ConfigMap charts rendered before goes on upgrade (it held policy text, no data).
    const policies = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rel-iam-policies', namespace: 'ml' }, data: { 'reader.json': '{"Version":"2012-10-17","Statement":[]}' } } as Manifest;
    expect(upgradeChanges([policies, pvc('a')], [pvc('a')])).toEqual([]);
  });

  describe('Mountpoint volumes and their claims point to a bucket and hold nothing', () => {
    const s3pv = (name: string, prefix: string, keep = false): Manifest => ({
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name, ...(keep ? { annotations: { 'helm.sh/resource-policy': 'keep' } } : {}) },
      spec: { persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', mountOptions: [`prefix ${prefix}`], csi: { driver: 's3.csi.aws.com', volumeHandle: name, volumeAttributes: { bucketName: 'b' } } },
    });
    const s3pvc = (name: string, volumeName: string, keep = false): Manifest => ({ ...pvc(name, '1Gi', '', keep), spec: { storageClassName: '', volumeName, resources: { requests: { storage: '1Gi' } } } });

    test('a new source replaces the pair (both named by it): no change refused, the old pair may go', () => {
      const before = [s3pv('ml-out-pv-aaaaaaaa', 'out/run-1/'), s3pvc('out-claim-aaaaaaaa', 'ml-out-pv-aaaaaaaa')];
      const after = [s3pv('ml-out-pv-bbbbbbbb', 'out/run-2/'), s3pvc('out-claim-bbbbbbbb', 'ml-out-pv-bbbbbbbb')];
      expect(upgradeChanges(before, after)).toEqual([]);
      expect(keptPointersLeftBehind(before, after)).toEqual([]);
      expect([...s3PointerObjects(before)]).toEqual(before);
    });

    test('from a chart whose pair carried keep and fixed names: not refused, and the pair Helm leaves behind is named', () => {
      const before = [s3pv('ml-out-pv', 'out/run-1/', true), s3pvc('out-claim', 'ml-out-pv', true)];
      const after = [s3pv('ml-out-pv-bbbbbbbb', 'out/run-1/'), s3pvc('out-claim-bbbbbbbb', 'ml-out-pv-bbbbbbbb')];
      expect(upgradeChanges(before, after)).toEqual([]);
      expect(keptPointersLeftBehind(before, after).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['PersistentVolume ml-out-pv', 'PersistentVolumeClaim out-claim']);
    });

    test('still refused: a pointer\'s source changed under its name (spec.csi is immutable), and any other claim taken out', () => {
      const old = s3pv('ml-out-pv', 'out/');
      expect(upgradeChanges([old], [{ ...old, spec: { ...old.spec, csi: { ...old.spec.csi, volumeAttributes: { bucketName: 'c' } } } }]).map((c) => c.field)).toEqual(['spec.csi']);
      const [removed] = upgradeChanges([s3pv('ml-out-pv', 'out/'), s3pvc('out-claim', 'ml-out-pv'), pvc('data')], [s3pv('ml-out-pv', 'out/'), s3pvc('out-claim', 'ml-out-pv')]);
      expect(removed).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'data', field: 'removed' });
      // A new Mountpoint claim is no rename of a claim holding data.
      const [alone] = upgradeChanges([pvc('data')], [s3pv('ml-x-pv', 'x/'), s3pvc('x-claim', 'ml-x-pv')]);
      expect(alone.to).toBeUndefined();
    });
  });
});
