import { ReclaimPolicy } from '../src/access-mode';
import { EfsProvisioningMode, EfsStorageClass } from '../src/efs';
import { newChart, synthErrors, synthValid, warnings } from './testing';

/**
 * The EFS StorageClass of the storage brief strata started from, verbatim:
 *
 *   apiVersion: storage.k8s.io/v1
 *   kind: StorageClass
 *   metadata:
 *     name: efs-sc
 *   provisioner: efs.csi.aws.com
 *   parameters:
 *     provisioningMode: efs-ap
 *     fileSystemId: fs-0123456789abcdef0
 *     directoryPerms: "700"
 *
 * It is valid per kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md: efs-ap, exactly one file system id source matching
 * fs-[0-9a-f]{8,40}, directoryPerms of 3 octal digits.
 */
const SEED_PARAMETERS = { provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '700' };

function seedClass() {
  const chart = newChart();
  const sc = new EfsStorageClass(chart, 'efs-sc', {
    name: 'efs-sc',
    provisioningMode: EfsProvisioningMode.EFS_AP,
    fileSystemId: 'fs-0123456789abcdef0',
    directoryPerms: '700',
  });
  return { chart, sc };
}

test('the seed class is valid and its parameters come out exactly, as strings', () => {
  const { chart } = seedClass();
  expect(synthErrors(chart)).toEqual([]);
  expect(warnings(chart)).toEqual([]);
  const [obj] = synthValid(chart) as any[];
  expect(obj).toMatchObject({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'efs-sc' }, provisioner: 'efs.csi.aws.com' });
  expect(obj.parameters).toEqual(SEED_PARAMETERS);
  expect(obj.metadata).not.toHaveProperty('namespace');
});

test('what our defaults add to the seed: reclaimPolicy Retain (Kubernetes would default the seed class to Delete) and the explicit Immediate binding', () => {
  const { chart, sc } = seedClass();
  const [obj] = synthValid(chart) as any[];
  const { apiVersion, kind, metadata, provisioner, parameters, ...added } = obj;
  expect(added).toEqual({ reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate' });
  // The seed sets no reclaimPolicy, so the API server would store Delete: deleting a claim would
  // delete its access point. Ours keeps it. Immediate is also the Kubernetes default (no change).
  expect(sc.reclaimPolicy).toBe(ReclaimPolicy.RETAIN);
  const seedDefaultInKubernetes = ReclaimPolicy.DELETE;
  expect(added.reclaimPolicy).not.toBe(seedDefaultInKubernetes);
  // Everything else the seed leaves to the driver stays unwritten (driver defaults apply).
  expect(Object.keys(parameters).sort()).toEqual(Object.keys(SEED_PARAMETERS).sort());
  expect(sc).toMatchObject({ ensureUniqueDirectory: true, enableTagging: true, reuseAccessPoint: false });
  expect([apiVersion, kind, metadata.name, provisioner]).toEqual(['storage.k8s.io/v1', 'StorageClass', 'efs-sc', 'efs.csi.aws.com']);
});
