import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { JobSet } from '@strata/kinds';
import { AccessMode, FsxDeploymentType } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { containerProps, DataRepositoryEvent, DatasetAccess, DatasetFileSystem, DatasetFileSystems, DistributedDataset, DistributedDatasetProps, ParallelJob, WorkloadIdentity } from '../src';
import { newChart, one, synth, synthErrors, synthValid, warnings } from './testing';

const ASSOCIATION = { associationId: 'dra-0123456789abcdef0', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/pile' };
/** An existing file system and its association; `autoExport` null: not stated. */
const EXISTING = (deploymentType = FsxDeploymentType.PERSISTENT_2, autoExport: readonly DataRepositoryEvent[] | null = [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED]) => ({
  fileSystemId: 'fs-0123456789abcdef0',
  dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com',
  mountName: 'abcdef12',
  deploymentType,
  storage: Size.gibibytes(4800),
  association: { ...ASSOCIATION, autoExport: autoExport ?? undefined },
});

function dataset(fileSystem: DatasetFileSystem, props: Partial<DistributedDatasetProps> = {}, completions = 4) {
  const chart = newChart();
  const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' }, completions });
  const ds = new DistributedDataset(chart, 'dataset', { fileSystem, job, availabilityZone: 'us-east-1a', ...props });
  return { chart, job, ds };
}

/** A JobSet whose "prep" pods write the features the "train" pods read. */
function prepAndTrain(props: Partial<DistributedDatasetProps>) {
  const chart = newChart();
  const js = new JobSet(chart, 'pipeline');
  const pod = { serviceAccount: WorkloadIdentity.serviceAccount(chart, 'training'), securityContext: { ensureNonRoot: true } };
  const prep = js.addReplicatedJob('prep', { replicas: 1, parallelism: 2, pod });
  prep.template.addContainer(containerProps('prep', { image: 'prep:1', user: 2000, group: 2000 }));
  const train = js.addReplicatedJob('train', { replicas: 1, parallelism: 4, pod, after: { replicatedJob: 'prep', when: 'Complete' } });
  train.template.addContainer(containerProps('trainer', { image: 'trainer:1' }));
  const ds = new DistributedDataset(chart, 'dataset', { fileSystem: DatasetFileSystems.fromFileSystem(EXISTING()), job: js, availabilityZone: 'us-east-1a', ...props });
  return { chart, js, ds };
}

const ROOT_OWNED = (writers: string, uid: number, dir: string) =>
  `[test/dataset] 'fileSystem' ("FsxLustre") must be writable by the writers (${writers}) (uid ${uid}, gid ${uid}); an FSx for Lustre file system's root directory belongs to root until its admin hands it over, and the driver applies no fsGroup to it: hand directory "${dir}" to uid ${uid} once (chown ${uid}:${uid} from an admin pod) before the first write, and record that with rootPrepared: true`;

describe('DistributedDataset, read-write', () => {
  test('snapshot: an existing file system whose association exports what the workers write', () => {
    expect(synthValid(dataset(DatasetFileSystems.fromFileSystem(EXISTING()), { access: DatasetAccess.READ_WRITE, exportToS3: true, rootPrepared: true }).chart)).toMatchSnapshot();
  });

  test('the writers mount it read-write, in the file system\'s zone; FSx exports with its own role, so no IAM', () => {
    const { chart, ds } = dataset(DatasetFileSystems.fromFileSystem(EXISTING()), { access: DatasetAccess.READ_WRITE, exportToS3: true, version: 'v2' });
    const pod = one(synthValid(chart), 'Job').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'fsx', mountPath: '/data', subPath: 'pile/v2' });
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toContainEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] });
    expect(ds.writers).toEqual(['worker']);
    expect(ds.iamPolicies()).toEqual({});
    // The directory written belongs to root until it is handed over: the same warning as every writable FSx mount.
    expect(warnings(chart)).toEqual([ROOT_OWNED('worker', 1000, 'pile/v2')]);
  });

  test('only the pod sets named in writers write; the others still read only, and the warning names the writers\' uid', () => {
    const { chart, ds } = prepAndTrain({ access: DatasetAccess.READ_WRITE, writers: ['prep'] });
    const js = one(synth(chart), 'JobSet');
    const [prep, train] = js.spec.replicatedJobs.map((j: any) => j.template.spec.template.spec.containers[0].volumeMounts);
    expect(prep).toContainEqual({ name: 'fsx', mountPath: '/data', subPath: 'pile' });
    expect(train).toContainEqual({ name: 'fsx', mountPath: '/data', readOnly: true, subPath: 'pile' });
    expect(ds.writers).toEqual(['prep']);
    expect(warnings(chart)).toEqual([ROOT_OWNED('prep', 2000, 'pile')]);
  });

  test('a read-write dataset on a scratch file system warns that what is written is lost with it', () => {
    const { chart } = dataset(DatasetFileSystems.fromFileSystem(EXISTING(FsxDeploymentType.SCRATCH_2, null)), { access: DatasetAccess.READ_WRITE, rootPrepared: true });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/dataset] 'access' ("read-write") must be read-only on a SCRATCH_2 file system, or exported to S3; what the writers write lives only on the file system and is lost with it: scratch file systems keep no second copy of data, which does not survive a file server's failure, and have no backups (https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-backups-fsx.html); export it (exportToS3, through a data repository association that exports), or use a PERSISTENT file system`,
    ]);
  });

  test('the same on a new scratch file system of a class; exported, a scratch file system does not warn', () => {
    const fromClass = dataset(DatasetFileSystems.fromStorageClass({ storageClass: { name: 'strata-fsx-lustre', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(1200), importPath: 's3://ml-datasets/pile/' }), { access: DatasetAccess.READ_WRITE, rootPrepared: true });
    synthValid(fromClass.chart);
    expect(warnings(fromClass.chart)).toHaveLength(1);
    const exported = dataset(DatasetFileSystems.fromFileSystem(EXISTING(FsxDeploymentType.SCRATCH_2)), { access: DatasetAccess.READ_WRITE, exportToS3: true, rootPrepared: true });
    synthValid(exported.chart);
    expect(warnings(exported.chart)).toEqual([]);
  });

  test('exporting, chosen at install: the existing file system must be the one bound (a schema rule on the boolean)', () => {
    const chart = newChart();
    const job = new ParallelJob(chart, 'train', { worker: { image: 'trainer:1' } });
    const useFileSystem = Tokens.boolean('dataset.existing.enabled');
    new DistributedDataset(chart, 'dataset', {
      job,
      availabilityZone: 'us-east-1a',
      access: DatasetAccess.READ_WRITE,
      exportToS3: true,
      rootPrepared: true,
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({ useFileSystem, storageClass: { name: Tokens.string('dataset.storageClassName') }, storage: Size.gibibytes(4800), importPath: 's3://ml-datasets/pile/', fileSystem: EXISTING() }),
    });
    synthValid(chart);
    expect(Tokens.infoOf(useFileSystem)!.constraints.map((c) => [c.origin, c.constraint])).toEqual([['[test/dataset] exportToS3', { enum: [true] }]]);
  });
});

describe('DistributedDataset, read-write, refuses', () => {
  test('exporting from a file system linked with s3ImportPath, or a dataset nothing writes', () => {
    const linked = dataset(DatasetFileSystems.fromStorageClass({ storageClass: { name: 'strata-fsx-lustre' }, storage: Size.gibibytes(1200), importPath: 's3://ml-datasets/pile/' }), { access: DatasetAccess.READ_WRITE, exportToS3: true, rootPrepared: true });
    expect(synthErrors(linked.chart)).toEqual([
      `[test/dataset] 'exportToS3' (true) must be false for a new file system linked with s3ImportPath; such a file system exports only through data repository tasks or HSM commands, which nothing in a chart runs; create the file system with a data repository association whose auto-export policy exports (outside Kubernetes), and use DatasetFileSystems.fromFileSystem`,
    ]);
    const readOnly = dataset(DatasetFileSystems.fromFileSystem(EXISTING()), { exportToS3: true });
    expect(synthErrors(readOnly.chart)).toEqual([
      `[test/dataset] 'exportToS3' (true) must be false for a read-only dataset; nothing writes a read-only dataset: set access to DatasetAccess.READ_WRITE, or leave exportToS3 out`,
    ]);
  });

  test('an association that does not export, or whose policy is not stated, or a dataset outside it', () => {
    const notStated = dataset(DatasetFileSystems.fromFileSystem(EXISTING(FsxDeploymentType.PERSISTENT_2, null)), { access: DatasetAccess.READ_WRITE, exportToS3: true, rootPrepared: true });
    expect(synthErrors(notStated.chart)).toEqual([
      `[test/dataset] 'association.autoExport' (not set) must be stated when the dataset exports to S3 (NEW and CHANGED at least); copy S3.AutoExportPolicy.Events from aws fsx describe-data-repository-associations; the association must export: without NEW and CHANGED, what the writers write stays on the file system`,
    ]);
    const importOnly = dataset(DatasetFileSystems.fromFileSystem(EXISTING(FsxDeploymentType.PERSISTENT_2, [DataRepositoryEvent.NEW])), { access: DatasetAccess.READ_WRITE, exportToS3: true, rootPrepared: true, path: 'other/' });
    expect(synthErrors(importOnly.chart)).toEqual([
      `[test/dataset] 'path' ("other/") must be a directory inside pile/ (the directory the association links); leave path unset to mount pile/, or a directory below it`,
      `[test/dataset] 'association.autoExport' (["NEW"]) must be a policy that exports NEW and CHANGED files when the dataset exports to S3; the association must export what the writers write: add CHANGED to its AutoExportPolicy (aws fsx update-data-repository-association --association-id dra-0123456789abcdef0 --s3 'AutoExportPolicy={Events=[NEW,CHANGED,DELETED]}')`,
    ]);
  });

  test('exporting with a literal choice of the class: refused now', () => {
    const chart = newChart();
    new DistributedDataset(chart, 'dataset', {
      availabilityZone: 'us-east-1a',
      access: DatasetAccess.READ_WRITE,
      exportToS3: true,
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({ useFileSystem: false, storageClass: { name: 'strata-fsx-lustre' }, storage: Size.gibibytes(4800), importPath: 's3://ml-datasets/pile/', fileSystem: EXISTING() }),
    });
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'useFileSystem' (false) must be true when exportToS3 is true; only an existing file system exports, through its data repository association: bind it (useFileSystem), or leave exportToS3 out`,
    ]);
  });

  test('writers on a read-only dataset, a writer that does not mount it, a pod written into a read-only dataset', () => {
    const { chart } = prepAndTrain({ writers: ['prep', 'eval'] });
    expect(synthErrors(chart)).toEqual([
      `[test/dataset] 'writers' (["prep","eval"]) must be unset when access is read-only; set access to DatasetAccess.READ_WRITE for the pod sets that write, or leave writers out`,
      `[test/dataset] 'writers' ("eval") must be a pod set that mounts the dataset (prep, train); name the pod sets that write, among those that mount it (podSets)`,
    ]);
    const plain = newChart();
    const ds = new DistributedDataset(plain, 'dataset', { availabilityZone: 'us-east-1a', fileSystem: DatasetFileSystems.fromFileSystem(EXISTING()) });
    const pod = new plus.Pod(plain, 'pod', { securityContext: { ensureNonRoot: true } });
    ds.mount(pod.addContainer({ name: 'c', image: 'x:1' }), pod, { write: true });
    expect(synthErrors(plain)).toEqual([
      `[test/dataset] 'mount.write' (true) must be false for a read-only dataset; set access to DatasetAccess.READ_WRITE to let pods write`,
    ]);
  });

  test('a ReadWriteOnce claim mounted by the pods of several nodes', () => {
    const importing = (accessMode: AccessMode) =>
      DatasetFileSystems.importing({ storage: Size.gibibytes(1200), subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'], s3ImportPath: 's3://ml-datasets/pile/', accessMode });
    expect(synthErrors(dataset(importing(AccessMode.READ_WRITE_ONCE), {}, 4).chart)).toEqual([
      `[test/dataset] 'accessMode' ("ReadWriteOnce") must be ReadWriteMany when 4 pods of worker mount the dataset; a ReadWriteOnce volume is mounted on one node only, and the pods of a training job run on several: leave accessMode at ReadWriteMany`,
    ]);
    expect(synthErrors(dataset(importing(AccessMode.READ_WRITE_ONCE), {}, 1).chart)).toEqual([]);
  });
});
