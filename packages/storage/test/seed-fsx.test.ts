import { FsxDataCompressionType, FsxDeploymentType, FsxLustreStorageClass, FsxLustreStorageClassProps } from '../src/fsx-lustre';
import { byKind, newChart, synthErrors, synthValid, warnings } from './testing';

/**
 * The `fsx-lustre` StorageClass of the storage brief strata started from ("Amazon FSx for Lustre" →
 * "Example EKS Integration"), verbatim:
 *
 *   apiVersion: storage.k8s.io/v1
 *   kind: StorageClass
 *   metadata:
 *     name: fsx-lustre
 *   provisioner: fsx.csi.aws.com
 *   parameters:
 *     deploymentType: PERSISTENT_1
 *     automaticBackupRetentionDays: "1"
 *     dailyAutomaticBackupStartTime: "00:00"
 *     perUnitStorageThroughput: "200"
 *     dataCompressionType: "NONE"
 */
const SEED_PARAMETERS = {
  deploymentType: 'PERSISTENT_1',
  automaticBackupRetentionDays: '1',
  dailyAutomaticBackupStartTime: '00:00',
  perUnitStorageThroughput: '200',
  dataCompressionType: 'NONE',
};

/** The seed's class as construct props: typed values, not strings (the construct writes strings). */
const SEED: FsxLustreStorageClassProps = {
  name: 'fsx-lustre',
  deploymentType: FsxDeploymentType.PERSISTENT_1,
  automaticBackupRetentionDays: 1,
  dailyAutomaticBackupStartTime: '00:00',
  perUnitStorageThroughput: 200,
  dataCompressionType: FsxDataCompressionType.NONE,
};

const SUBNET = 'subnet-0eabfaa81fb22bcaf';
const SG = 'sg-068000ccf82dfba88';

test('the seed class as written is refused: it has no subnetId and no security group', () => {
  const chart = newChart();
  new FsxLustreStorageClass(chart, 'fsx-lustre', SEED);
  expect(synthErrors(chart)).toEqual([
    `[test/fsx-lustre] 'subnetId' (not set) must be one subnet id; set subnetId to the subnet the file system is created in; the driver fails with "SubnetId is required"`,
    `[test/fsx-lustre] 'securityGroupIds' (not set) must be at least one security group id for a new file system; give the groups that allow Lustre traffic (TCP 988) between the nodes and the file system: without one the driver sends SecurityGroupIds [""] to CreateFileSystem, which fails`,
  ]);
});

test('with the network, the seed parameters come out exactly, as strings', () => {
  const chart = newChart();
  const sc = new FsxLustreStorageClass(chart, 'fsx-lustre', { ...SEED, subnetId: SUBNET, securityGroupIds: [SG] });
  const [obj] = byKind(synthValid(chart), 'StorageClass');
  expect(obj.metadata).toEqual({ name: 'fsx-lustre' });
  expect(obj.provisioner).toBe('fsx.csi.aws.com');
  // Nothing added beyond the two network parameters the driver needs.
  expect(obj.parameters).toEqual({ ...SEED_PARAMETERS, subnetId: SUBNET, securityGroupIds: SG });
  for (const v of Object.values(obj.parameters)) expect(typeof v).toBe('string');
  // The class fields the seed leaves to Kubernetes are chosen on purpose: Retain (the seed's
  // implicit Delete would delete the file system with its claim), expansion on (the driver grows
  // PERSISTENT_1 in place, kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L459-L513), and flock as in every driver example.
  expect(obj).toMatchObject({ reclaimPolicy: 'Retain', allowVolumeExpansion: true, mountOptions: ['flock'], volumeBindingMode: 'Immediate' });
  expect(sc.deploymentType).toBe(FsxDeploymentType.PERSISTENT_1);
  // Retention 1 day, so the driver sends the start time: no warning.
  expect(warnings(chart)).toEqual([]);
});
