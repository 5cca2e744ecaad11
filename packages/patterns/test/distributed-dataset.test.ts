import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { FsxAutoImportPolicy, FsxDeploymentType, FsxLustreStorageClass, INSTANCE_LOCAL_NVME_LABEL, InstanceStore } from '@strata/storage';
import { isExcluded, storageOf, Tokens } from '@strata/tokens';
import { DatasetFileSystem, DatasetFileSystems, DistributedDataset, ParallelJob } from '../src';
import { byKind, newChart, one, synthErrors, synthValid, warnings } from './testing';

const SUBNET = 'subnet-0123456789abcdef0';
const SG = 'sg-0123456789abcdef0';
const EXISTING = {
  fileSystemId: 'fs-0123456789abcdef0',
  dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com',
  mountName: 'abcdef12',
  deploymentType: FsxDeploymentType.PERSISTENT_2,
  storage: Size.gibibytes(4800),
  association: { associationId: 'dra-0123456789abcdef0', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/pile' },
};

function dataset(fileSystem: DatasetFileSystem, extra: { version?: string; availabilityZone?: string } = {}) {
  const chart = newChart();
  const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1', gpus: 8 }, completions: 4 });
  const ds = new DistributedDataset(chart, 'dataset', { fileSystem, job, availabilityZone: extra.availabilityZone ?? 'us-east-1a', version: extra.version });
  return { chart, job, ds };
}

const importing = (props: Partial<Parameters<typeof DatasetFileSystems.importing>[0]> = {}) =>
  DatasetFileSystems.importing({ storage: Size.gibibytes(1200), subnetId: SUBNET, securityGroupIds: [SG], deploymentType: FsxDeploymentType.SCRATCH_2, s3ImportPath: 's3://ml-datasets/pile/', autoImportPolicy: FsxAutoImportPolicy.NEW_CHANGED, ...props });

describe('DistributedDataset', () => {
  test('snapshot', () => {
    expect(synthValid(dataset(importing(), { version: 'v3' }).chart)).toMatchSnapshot();
  });

  test('a new file system linked to S3 with s3ImportPath and autoImportPolicy', () => {
    const { chart } = dataset(importing());
    const sc = one(synthValid(chart), 'StorageClass');
    expect(sc.parameters).toMatchObject({ deploymentType: 'SCRATCH_2', s3ImportPath: 's3://ml-datasets/pile/', autoImportPolicy: 'NEW_CHANGED', subnetId: SUBNET });
  });

  test('training pods mount the dataset read-only (a version as subPath) and must run in the file system\'s zone', () => {
    const { chart } = dataset(importing(), { version: 'v3' });
    const job = one(synthValid(chart), 'Job');
    const pod = job.spec.template.spec;
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(4);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'v3' });
    expect(pod.containers[0].env).toContainEqual({ name: 'DATASET_DIR', value: '/data' });
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] },
    ]);
  });

  test('the zone is ANDed into node affinity the pod already requires (instance-store nodes, say)', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(100), nodeAffinity: [plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['100'])] }).mount(job.worker, '/scratch');
    new DistributedDataset(chart, 'dataset', { fileSystem: importing(), job, availabilityZone: 'us-east-1b' });
    const terms = one(synthValid(chart), 'Job').spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([
      {
        matchExpressions: [
          { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['100'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'] },
        ],
      },
    ]);
  });

  test('an existing PERSISTENT_2 file system with its data repository association: the association\'s directory is mounted', () => {
    const { chart, ds } = dataset(DatasetFileSystems.fromFileSystem(EXISTING), { version: 'v1' });
    const objs = synthValid(chart);
    const pv = one(objs, 'PersistentVolume');
    expect(pv.spec.csi.volumeHandle).toBe('fs-0123456789abcdef0');
    expect(ds.subPath).toBe('pile/v1');
    expect(one(objs, 'Job').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'pile/v1' });
    expect(ds.iamPolicies()).toEqual({}); // FSx reads S3 itself
    // What the association links, and who makes it, are facts of the file system for the environment report.
    expect(storageOf(chart).find((c) => c.path === 'dataset/fsx')!.description.facts).toMatchObject({
      source: 'existing file system',
      associations: 'dra-0123456789abcdef0 links s3://ml-datasets/pile/ to /pile; imports automatically: not stated; exports automatically: not stated; made outside Kubernetes (by whom is not stated): the FSx CSI driver creates no association',
      s3ImportPath: 's3://ml-datasets/pile/',
    });
  });

  test('an environment class: a claim on it, the class\'s import path declared', () => {
    const { chart } = dataset(DatasetFileSystems.fromStorageClass({ storageClass: { name: 'strata-fsx-lustre', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(2400), importPath: 's3://ml-datasets/pile/' }));
    const claim = one(synthValid(chart), 'PersistentVolumeClaim');
    expect(claim.spec.storageClassName).toBe('strata-fsx-lustre');
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
  });

  test('a class or an existing file system, chosen at install: one claim, the existing volume pre-bound to it', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    const useFileSystem = Tokens.boolean('dataset.existing.enabled');
    const className = Tokens.string('dataset.storageClassName');
    const ds = new DistributedDataset(chart, 'dataset', {
      job,
      availabilityZone: 'us-east-1a',
      path: 'pile/',
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({ useFileSystem, storageClass: { name: className }, storage: Size.gibibytes(4800), importPath: 's3://ml-datasets/pile/', fileSystem: EXISTING }),
    });
    const objs = synthValid(chart);
    const claim = one(objs, 'PersistentVolumeClaim');
    const pv = one(objs, 'PersistentVolume');
    expect(claim.spec.storageClassName).toBe(className);
    expect(claim.spec.volumeName).toBeUndefined();
    expect(pv.spec.claimRef).toEqual({ name: claim.metadata.name, namespace: 'ml' });
    expect(pv.spec.storageClassName).toBe('');
    expect(byKind(objs, 'PersistentVolumeClaim')).toHaveLength(1); // the existing file system brings no claim of its own
    expect(ds.existingVolume!.persistentVolume!.apiObject.node.scopes.some((s) => s.node.id === 'existing')).toBe(true);
    const rules = Tokens.conditionalsOf(undefined as unknown as object).filter((c) => c.when.some((w) => w.token.path === 'dataset.existing.enabled'));
    expect(rules.map((r) => [r.when[0].equals, r.then?.constraint])).toEqual([
      [[true], { enum: [''] }],
      [[false], { minLength: 1 }],
    ]);
  });

  test('the existing volume is left out when the choice is a literal false', () => {
    const chart = newChart();
    const ds = new DistributedDataset(chart, 'dataset', {
      availabilityZone: 'us-east-1a',
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({ useFileSystem: false, storageClass: { name: 'strata-fsx-lustre' }, storage: Size.gibibytes(1200), importPath: 's3://ml-datasets/pile/', fileSystem: EXISTING }),
    });
    expect(isExcluded(ds.existingVolume!.persistentVolume!.apiObject)).toBe(true);
  });
});

describe('DistributedDataset refuses', () => {
  test('PERSISTENT_2 with an import path: it links S3 through associations only', () => {
    const { chart } = dataset(importing({ deploymentType: FsxDeploymentType.PERSISTENT_2, perUnitStorageThroughput: 250 }));
    expect(synthErrors(chart)).toContain(
      `[test/dataset] 'deploymentType' ("PERSISTENT_2") must be SCRATCH_1, SCRATCH_2 or PERSISTENT_1 for a file system linked with s3ImportPath; PERSISTENT_2 links S3 only through data repository associations, which the CSI driver cannot create: create the file system and its association outside Kubernetes and use DatasetFileSystems.fromFileSystem`,
    );
  });

  test('a new file system without an import path', () => {
    const { chart } = dataset(importing({ s3ImportPath: undefined, autoImportPolicy: undefined }));
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 's3ImportPath' (not set) must be the S3 path of the dataset; e.g. "s3://ml-datasets/pile/"; without it the file system starts empty`,
    ]);
  });

  test('a class construct that does not link the declared import path', () => {
    const chart = newChart();
    const sc = new FsxLustreStorageClass(chart, 'class', { subnetId: SUBNET, securityGroupIds: [SG], deploymentType: FsxDeploymentType.SCRATCH_2 });
    new DistributedDataset(chart, 'dataset', { availabilityZone: 'us-east-1a', fileSystem: DatasetFileSystems.fromStorageClass({ storageClass: sc, storage: Size.gibibytes(1200), importPath: 's3://ml-datasets/pile/' }) });
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'storageClass.s3ImportPath' (not set) must be "s3://ml-datasets/pile/" (the dataset's import path); link the class to the dataset with s3ImportPath, or the file system starts empty`,
    ]);
  });

  test('a bad association, and a zone outside the file system\'s region', () => {
    const { chart } = dataset(
      DatasetFileSystems.fromFileSystem({ ...EXISTING, association: { associationId: 'dra-xyz', dataRepositoryPath: 'ml-datasets/pile', fileSystemPath: 'pile' } }),
      { availabilityZone: 'us-west-2a' },
    );
    // The association's own fields are checked by the file system's construct (FsxLustre.fromFileSystem).
    const DESCRIBE = 'copy it from aws fsx describe-data-repository-associations';
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'availabilityZone' ("us-west-2a") must be a zone of us-east-1 (the file system's region); give the zone of the file system's subnet`,
      `[test/dataset/fsx] 'associations[0].associationId' ("dra-xyz") must be an association id (dra- and 8 to 19 hex digits); ${DESCRIBE} (AssociationId), e.g. "dra-0123456789abcdef0"`,
      `[test/dataset/fsx] 'associations[0].dataRepositoryPath' ("ml-datasets/pile") must be an S3 path s3://bucket[/prefix]; ${DESCRIBE} (DataRepositoryPath), e.g. "s3://ml-datasets/pile/"`,
      `[test/dataset/fsx] 'associations[0].fileSystemPath' ("pile") must be an absolute directory of the file system such as "/datasets/pile/" or "/" (no "//") and at most 4096 characters; ${DESCRIBE} (FileSystemPath), e.g. "/datasets/pile/" or "/"`,
    ]);
  });

  test('a path outside the directory the association links holds no S3 data', () => {
    const chart = newChart();
    new DistributedDataset(chart, 'dataset', { availabilityZone: 'us-east-1a', path: 'other/', fileSystem: DatasetFileSystems.fromFileSystem(EXISTING) });
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'path' ("other/") must be a directory inside pile/ (the directory the association links); leave path unset to mount pile/, or a directory below it`,
    ]);
  });

  test('an association known to import nothing by itself: a warning with the fix', () => {
    const { chart } = dataset(DatasetFileSystems.fromFileSystem({ ...EXISTING, association: { ...EXISTING.association, autoImport: [], batchImportMetaDataOnCreate: false } }));
    expect(synthErrors(chart)).toEqual([]);
    expect(warnings(chart)).toEqual([
      `[test/dataset] 'association' (dra-0123456789abcdef0) imports nothing from s3://ml-datasets/pile/ by itself (autoImport [], batchImportMetaDataOnCreate false): the dataset shows only the objects an import data repository task brought in; run one, or declare the association's auto-import events`,
    ]);
  });

  test('a zone id instead of a zone name', () => {
    const { chart } = dataset(importing(), { availabilityZone: 'use1-az1' });
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'availabilityZone' ("use1-az1") must be an availability zone name such as us-east-1a; give the zone name of the subnet, e.g. "us-east-1a" (not the zone id)`,
    ]);
  });

  test('a literal true choice with a class name (it would provision a second file system)', () => {
    const chart = newChart();
    new DistributedDataset(chart, 'dataset', {
      availabilityZone: 'us-east-1a',
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({ useFileSystem: true, storageClass: { name: 'strata-fsx-lustre' }, storage: Size.gibibytes(4800), importPath: 's3://ml-datasets/pile/', fileSystem: EXISTING }),
    });
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'storageClass.name' ("strata-fsx-lustre") must be "" when useFileSystem is true; an existing file system is bound by name: a class would provision a second file system`,
    ]);
  });
});
