import { Chart, JsonPatch, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AccessMode,
  FsxDataRepositoryAssociation,
  FsxDataRepositoryEvent,
  FsxDeploymentType,
  FsxLustre,
  FsxLustreFromFileSystemOptions,
  FsxLustreProps,
  FsxLustreStorageClass,
  FsxLustreStorageClassReference,
  isLiteral,
  PodScheduling,
  Rules,
  SchedulablePod,
  S3_PATH,
  ZONE,
} from '@strata/storage';
import { onlyWhen, problem, releaseOf, Tokens } from '@strata/tokens';
import { PolicyDocument } from './iam';
import { IWorkload, mainContainerOf, PodSet } from '@strata/kinds';
import { KEY_PREFIX, PATH_SEGMENT } from './s3-location';
import { runAsOf } from './security';
import { checkWritableRoot } from './writable-root';
import { UNPINNED } from './model-sources';
import { recordVersion, versionLocation } from './version-facts';

/** The node label of a node's availability zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** An availability zone name (us-east-1a, or a Local Zone such as us-west-2-lax-1a). */
export { ZONE, S3_PATH, ASSOCIATION_ID } from '@strata/storage';

/**
/**
 * A data repository association of the file system (made outside Kubernetes: the CSI driver
 * cannot create one, kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L255): it links
 * an S3 prefix to a directory of the file system, with what it imports and exports automatically and
 * who makes it. Checked, and stated in the environment report, by `FsxLustre.fromFileSystem`
 * (@strata/storage fsx-lustre-association.ts). A dataset that exports (DistributedDatasetProps.exportToS3)
 * needs `autoExport` NEW and CHANGED.
 * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html
 */
export type DataRepositoryAssociation = FsxDataRepositoryAssociation;

/** An event a data repository association imports or exports automatically. */
export type DataRepositoryEvent = FsxDataRepositoryEvent;
export const DataRepositoryEvent = FsxDataRepositoryEvent;

/** How a dataset is mounted. */
export enum DatasetAccess {
  /** Every pod reads; nothing writes (the default). */
  READ_ONLY = 'read-only',
  /** The pod sets of `writers` mount it read-write; the others still read only. */
  READ_WRITE = 'read-write',
}

/** An existing file system and its data repository association. */
export interface ExistingDatasetFileSystem extends FsxLustreFromFileSystemOptions {
  readonly association: DataRepositoryAssociation;
}

/** How the dataset's FSx for Lustre file system is made, and how S3 data gets into it. */
export type DatasetFileSystem =
  | { readonly kind: 'importing'; readonly props: FsxLustreProps }
  | { readonly kind: 'storageClass'; readonly storageClass: FsxLustreStorageClass | FsxLustreStorageClassReference; readonly storage: Size; readonly importPath: string }
  | { readonly kind: 'fileSystem'; readonly fileSystem: ExistingDatasetFileSystem }
  | {
      readonly kind: 'storageClassOrFileSystem';
      readonly useFileSystem: boolean;
      readonly storageClass: FsxLustreStorageClassReference;
      readonly storage: Size;
      readonly importPath: string;
      readonly fileSystem: ExistingDatasetFileSystem;
    };

/** Factories of `DatasetFileSystem`. */
export class DatasetFileSystems {
  /**
   * A new file system with a StorageClass of its own, linked to S3 with `s3ImportPath` (and
   * `autoImportPolicy`): SCRATCH_1, SCRATCH_2 or PERSISTENT_1 (PERSISTENT_2 takes no import path:
   * use `fromFileSystem` with its data repository association). Files load lazily from S3 on first read.
   */
  public static importing(props: FsxLustreProps): DatasetFileSystem {
    return { kind: 'importing', props };
  }

  /** A new file system from an environment's class (e.g. `strata-fsx-lustre`) that links `importPath`. */
  public static fromStorageClass(options: { storageClass: FsxLustreStorageClass | FsxLustreStorageClassReference; storage: Size; importPath: string }): DatasetFileSystem {
    return { kind: 'storageClass', ...options };
  }

  /** An existing file system (PERSISTENT_2, say) whose data repository association links the dataset. */
  public static fromFileSystem(fileSystem: ExistingDatasetFileSystem): DatasetFileSystem {
    return { kind: 'fileSystem', fileSystem };
  }

  /**
   * Decided at install time by a boolean value: a new file system from a class (false), or an
   * existing one pre-bound to the same claim (true; the class name must then be `""`, so that
   * nothing is provisioned). One claim either way, so the pods never change.
   */
  public static fromStorageClassOrFileSystem(options: {
    useFileSystem: boolean;
    storageClass: FsxLustreStorageClassReference;
    storage: Size;
    importPath: string;
    fileSystem: ExistingDatasetFileSystem;
  }): DatasetFileSystem {
    return { kind: 'storageClassOrFileSystem', ...options };
  }
}

export interface DistributedDatasetProps {
  /** The file system and its link to S3. */
  readonly fileSystem: DatasetFileSystem;
  /**
   * The availability zone of the file system (its subnet's zone): training pods are required to
   * run there (`topology.kubernetes.io/zone`), next to the data, without cross-zone traffic.
   */
  readonly availabilityZone: string;
  /**
   * The dataset's directory inside the file system, relative and ending in `/` (`''` for the root).
   * @default - the association's fileSystemPath for an existing file system, else the root
   */
  readonly path?: string;
  /** A version directory below `path` to mount instead (a versioned subPath). @default - none */
  readonly version?: string;
  /** Where the dataset is mounted. @default '/data' */
  readonly mountPath?: string;
  /**
   * Read-only (every pod reads), or read-write (the `writers` write: results, features, a cleaned
   * copy). A read-write dataset on a scratch file system warns: what is written lives only there.
   * @default DatasetAccess.READ_ONLY
   */
  readonly access?: DatasetAccess;
  /**
   * The pod sets of `job` that write, by name (only with `access` READ_WRITE); the others mount the
   * dataset read-only.
   * @default - every pod set that mounts the dataset
   */
  readonly writers?: readonly string[];
  /**
   * Whether what the writers write must reach S3. Only an existing file system exports by itself,
   * through its data repository association's auto-export policy (which must then list NEW and
   * CHANGED, and the dataset's directory must lie inside the association's); a file system linked
   * with s3ImportPath exports only through data repository tasks or HSM commands, which nothing in
   * a chart runs (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryTask.html),
   * so it is refused there. FSx exports with its own service-linked role: the pods still need no
   * S3 permission. Export is asynchronous: a file is in S3 some time after its writer closed it.
   * @default false
   */
  readonly exportToS3?: boolean;
  /**
   * The directory the writers write (`path`, or the file system's root) was handed to their uid
   * outside the chart (`chown` from an admin pod): an FSx for Lustre directory belongs to root until
   * then (see writable-root.ts). Stating it turns the warning into the chart's record of the step.
   * @default false
   */
  readonly rootPrepared?: boolean;
  /**
   * A workload whose pods read the dataset — a ParallelJob, or any kind of @strata/kinds (JobSet,
   * PyTorchJob, TrainJob, RayJob…): the dataset is mounted into the main container of each of its
   * pod sets (or those named in `podSets`), and their pods are pinned to the file system's zone.
   * @default - none; use `mount()`
   */
  readonly job?: IWorkload;
  /** The pod sets of `job` that read the dataset, by name. @default - all of them */
  readonly podSets?: readonly string[];
}

/**
 * The seed's Distributed Dataset pattern: S3 (raw data) → FSx for Lustre (training access) →
 * training pods.
 *
 * - The file system is linked to S3 (import path for SCRATCH/PERSISTENT_1, a data repository
 *   association for PERSISTENT_2); pods read through Lustre, which loads from S3 on first access.
 * - Training pods (the pod sets of a workload of any kind, or any pod through `mount()`) mount the dataset
 *   read-only, optionally a version directory, and are required to run in the file system's zone.
 * - Read-write when asked: the `writers` pod sets mount it read-write, the others read-only; what
 *   they write reaches S3 through the association's auto-export when `exportToS3` (see the props
 *   for the rules that follow).
 * - The pods need no S3 permissions (FSx reads and exports S3 with its own service-linked role): `iamPolicies()` is empty.
 */
export class DistributedDataset extends Construct {
  public readonly fsx: FsxLustre;
  /** The directory mounted: `<path><version>`, or undefined for the root. */
  public readonly subPath?: string;
  public readonly mountPath: string;
  public readonly availabilityZone: string;
  /** The static volume of an existing file system, pre-bound to the claim (storageClassOrFileSystem only). */
  public readonly existingVolume?: FsxLustre;
  public readonly access: DatasetAccess;
  /** The pod sets that write (read-write only). */
  public readonly writers: readonly string[];
  public readonly exportToS3: boolean;
  private readonly rules: Rules;

  public constructor(scope: Construct, id: string, props: DistributedDatasetProps) {
    super(scope, id);
    this.rules = new Rules(this);
    const r = this.rules;
    this.mountPath = props.mountPath ?? '/data';
    this.availabilityZone = props.availabilityZone;
    if (r.required('availabilityZone', props.availabilityZone, 'the availability zone of the file system\'s subnet', 'e.g. "us-east-1a"')) {
      r.check('availabilityZone', props.availabilityZone, { pattern: ZONE }, 'give the zone name of the subnet, e.g. "us-east-1a" (not the zone id)', 'an availability zone name such as us-east-1a');
    }

    const fs = props.fileSystem;
    let defaultPath = '';
    switch (fs.kind) {
      case 'importing':
        this.fsx = this.importing(fs.props);
        break;
      case 'storageClass':
        this.checkImportPath('importPath', fs.importPath);
        if (fs.storageClass instanceof FsxLustreStorageClass) this.checkClassImport(fs.storageClass, fs.importPath);
        this.fsx = FsxLustre.fromStorageClass(this, 'fsx', { storageClass: fs.storageClass, storage: fs.storage, importPath: fs.importPath });
        break;
      case 'fileSystem': {
        defaultPath = this.checkAssociation(fs.fileSystem);
        const { association, ...options } = fs.fileSystem;
        this.fsx = FsxLustre.fromFileSystem(this, 'fsx', { ...options, associations: association ? [association] : [] });
        break;
      }
      case 'storageClassOrFileSystem': {
        this.checkImportPath('importPath', fs.importPath);
        defaultPath = this.checkAssociation(fs.fileSystem);
        this.fsx = FsxLustre.fromStorageClass(this, 'fsx', { storageClass: fs.storageClass, storage: fs.storage, importPath: fs.importPath });
        this.existingVolume = this.preBindExisting(fs.useFileSystem, fs.storageClass.name, fs.fileSystem);
        break;
      }
    }

    const path = props.path ?? defaultPath;
    const pathOk = r.check('path', path, { pattern: KEY_PREFIX }, 'a relative directory ending in "/", e.g. "datasets/pile/", or "" for the root', 'a relative directory ending in "/", or ""');
    if (pathOk && defaultPath !== '' && isLiteral(path) && !path.startsWith(defaultPath)) {
      // The association links only its own directory: a path outside it holds no S3 data.
      r.fail('path', path, `a directory inside ${defaultPath} (the directory the association links)`, `leave path unset to mount ${defaultPath}, or a directory below it`);
    }
    if (props.version !== undefined) {
      r.check('version', props.version, { pattern: PATH_SEGMENT }, 'one directory name, e.g. "v3"', 'one path segment (letters, digits, ".", "_", "-")');
    }
    const sub = `${path}${props.version ?? ''}`.replace(/\/$/, '');
    this.subPath = sub === '' ? undefined : sub;

    this.recordVersion(fs, path, props.version);

    this.access = props.access ?? DatasetAccess.READ_ONLY;
    this.exportToS3 = props.exportToS3 ?? false;
    r.oneOf('access', this.access, Object.values(DatasetAccess), 'read-only, or read-write with the pod sets that write in writers');
    const readWrite = this.access === DatasetAccess.READ_WRITE;
    const sets = (props.job?.podSets ?? []).filter((set) => props.podSets === undefined || props.podSets.includes(set.name));
    for (const n of props.podSets ?? []) {
      if (!props.job?.podSets.some((p) => p.name === n)) r.fail('podSets', n, `a pod set of the job (${(props.job?.podSets ?? []).map((p) => p.name).join(', ') || 'none'})`, 'name the pod sets that read the dataset');
    }
    if (props.writers !== undefined && !readWrite) {
      r.fail('writers', props.writers, `unset when access is ${this.access}`, 'set access to DatasetAccess.READ_WRITE for the pod sets that write, or leave writers out');
    }
    for (const n of props.writers ?? []) {
      if (!sets.some((p) => p.name === n)) r.fail('writers', n, `a pod set that mounts the dataset (${sets.map((p) => p.name).join(', ') || 'none'})`, 'name the pod sets that write, among those that mount it (podSets)');
    }
    this.writers = readWrite ? (props.writers ?? sets.map((p) => p.name)) : [];
    const writing = sets.filter((p) => this.writers.includes(p.name));
    for (const set of sets) this.mount(mainContainerOf(set), set.pod, { write: this.writers.includes(set.name) });
    this.checkAccessModes(sets);
    if (this.exportToS3) this.checkExport(fs, readWrite, path);
    if (readWrite) {
      this.warnScratch(fs);
      const first = writing[0];
      checkWritableRoot(r, {
        field: 'fileSystem',
        storage: this.fsx,
        writer: writing.length > 0 ? `the writers (${writing.map((p) => p.name).join(', ')})` : 'the writers',
        runAs: first ? runAsOf(mainContainerOf(first), first.pod) : undefined,
        directory: this.subPath,
        preparedField: 'rootPrepared',
        prepared: props.rootPrepared,
      });
    }
  }

  /**
   * Mounts the dataset into a container (read-only, or read-write with `write` on a read-write
   * dataset) and requires its pod to run in the file system's zone.
   */
  public mount(container: plus.Container, pod: SchedulablePod, options: { readonly write?: boolean } = {}): void {
    if (options.write === true && this.access !== DatasetAccess.READ_WRITE) {
      this.rules.fail('mount.write', true, `false for a ${this.access} dataset`, 'set access to DatasetAccess.READ_WRITE to let pods write');
    }
    this.fsx.mount(container, this.mountPath, { readOnly: options.write === true ? undefined : true, subPath: this.subPath });
    container.env.addVariable('DATASET_DIR', plus.EnvValue.fromValue(this.mountPath));
    requireZone(pod, this.availabilityZone, `[${this.node.path}] (the file system's zone)`);
  }

  /**
   * What the dataset's version reads in S3 (strata.dev/versions): the linked S3 path with the
   * dataset's directory and version below it. FSx imports objects as S3 holds them now (an import
   * path or an association names a path, not object versions), so nothing pins the content.
   */
  private recordVersion(fs: DatasetFileSystem, path: string, version: string | undefined): void {
    const common = { version: version ?? '', unpinned: UNPINNED.dataset };
    switch (fs.kind) {
      case 'importing':
        recordVersion(this, 'DistributedDataset', { ...common, source: 'fsx-import', reads: fs.props.s3ImportPath !== undefined ? versionLocation(fs.props.s3ImportPath, path, version) : undefined });
        break;
      case 'storageClass':
        // The class links the file system's root; importPath is what the chart expects it to link
        // (the report reads the environment's class when it knows it, with `path`).
        recordVersion(this, 'DistributedDataset', { ...common, source: 'fsx-import', reads: versionLocation(fs.importPath, path, version), path, importPath: fs.importPath });
        break;
      case 'fileSystem':
        recordVersion(this, 'DistributedDataset', { ...common, source: 'fsx-association', reads: associationLocation(fs.fileSystem.association, path, version) });
        break;
      case 'storageClassOrFileSystem':
        recordVersion(this, 'DistributedDataset', {
          ...common,
          source: 'fsx-import',
          reads: versionLocation(fs.importPath, path, version),
          path,
          importPath: fs.importPath,
          readsExisting: associationLocation(fs.fileSystem.association, path, version),
          existing: fs.useFileSystem,
        });
        break;
    }
  }

  /** None: FSx for Lustre reads S3 with its own service-linked role, and the pods only read Lustre. */
  public iamPolicies(): Record<string, PolicyDocument> {
    return {};
  }

  /** A new file system with its own class, linked with s3ImportPath (not on PERSISTENT_2: https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html). */
  private importing(props: FsxLustreProps): FsxLustre {
    const r = this.rules;
    if (props.deploymentType === FsxDeploymentType.PERSISTENT_2) {
      r.fail('deploymentType', props.deploymentType, 'SCRATCH_1, SCRATCH_2 or PERSISTENT_1 for a file system linked with s3ImportPath',
        'PERSISTENT_2 links S3 only through data repository associations, which the CSI driver cannot create: create the file system and its association outside Kubernetes and use DatasetFileSystems.fromFileSystem');
    } else if (r.required('s3ImportPath', props.s3ImportPath, 'the S3 path of the dataset', 'e.g. "s3://ml-datasets/pile/"; without it the file system starts empty')) {
      this.checkImportPath('s3ImportPath', props.s3ImportPath!);
    }
    return new FsxLustre(this, 'fsx', props);
  }

  private checkImportPath(field: string, value: string): void {
    this.rules.check(field, value, { pattern: S3_PATH }, 'e.g. "s3://ml-datasets/pile/"', 'an S3 path s3://bucket[/prefix]');
  }

  /** A class construct of this app must link the declared import path. */
  private checkClassImport(sc: FsxLustreStorageClass, importPath: string): void {
    if (sc.s3ImportPath === undefined) {
      this.rules.fail('storageClass.s3ImportPath', undefined, `"${importPath}" (the dataset's import path)`, 'link the class to the dataset with s3ImportPath, or the file system starts empty');
    } else if (isLiteral(sc.s3ImportPath) && isLiteral(importPath) && sc.s3ImportPath !== importPath) {
      this.rules.fail('storageClass.s3ImportPath', sc.s3ImportPath, `"${importPath}" (the dataset's import path)`, 'declare the path the class links');
    }
  }

  /**
   * The association (case 8: PERSISTENT_2 uses DRAs), whose fields the file system's construct
   * checks: here what the dataset needs of it. Returns the dataset's default path from it.
   */
  private checkAssociation(fs: ExistingDatasetFileSystem): string {
    const r = this.rules;
    const a = fs.association;
    if (!r.required('association', a, 'the data repository association linking the dataset', 'give { associationId, dataRepositoryPath, fileSystemPath } from aws fsx describe-data-repository-associations')) return '';
    if (isLiteral(fs.dnsName) && isLiteral(this.availabilityZone)) {
      const region = /\.fsx\.([a-z0-9-]+)\.amazonaws\.com/.exec(fs.dnsName ?? '')?.[1];
      if (region && !this.availabilityZone.startsWith(region)) {
        r.fail('availabilityZone', this.availabilityZone, `a zone of ${region} (the file system's region)`, 'give the zone of the file system\'s subnet');
      }
    }
    // A dataset is read from S3: an association known to import nothing shows only what an import
    // task brought in (metadata is imported at creation, automatically, or by tasks; content loads on first read).
    const importsNothing = Array.isArray(a.autoImport) && !Tokens.isToken(a.autoImport) && a.autoImport.length === 0 && a.batchImportMetaDataOnCreate === false;
    if (importsNothing) {
      r.warn(`'association' (${a.associationId}) imports nothing from ${a.dataRepositoryPath} by itself (autoImport [], batchImportMetaDataOnCreate false): the dataset shows only the objects an import data repository task brought in; run one, or declare the association's auto-import events`);
    }
    if (!isLiteral(a.fileSystemPath)) return '';
    const dir = a.fileSystemPath.replace(/^\/+/, '').replace(/\/+$/, '');
    return dir === '' ? '' : `${dir}/`;
  }

  /**
   * A ReadWriteOnce claim is mounted by the pods of one node only: refused when more than one pod
   * mounts the dataset (training pods run one per node). FSx takes ReadWriteOnce and ReadWriteMany
   * (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/driver/controller.go#L37-L45).
   */
  private checkAccessModes(sets: readonly PodSet[]): void {
    if (this.fsx.accessMode !== AccessMode.READ_WRITE_ONCE || sets.length === 0) return;
    const counts = sets.map((p) => p.count);
    const one = sets.length === 1 && isLiteral(counts[0]) && (counts[0] as number) <= 1;
    if (one) return;
    const pods = counts.every((c) => isLiteral(c)) ? `${counts.reduce((a, b) => (a as number) + (b as number), 0)} pods` : 'pods';
    this.rules.fail('accessMode', AccessMode.READ_WRITE_ONCE, `ReadWriteMany when ${pods} of ${sets.map((p) => p.name).join(', ')} mount the dataset`, 'a ReadWriteOnce volume is mounted on one node only, and the pods of a training job run on several: leave accessMode at ReadWriteMany');
  }

  /** Export to S3: only through an existing file system's association that exports, over the dataset's directory. */
  private checkExport(fs: DatasetFileSystem, readWrite: boolean, path: string): void {
    const r = this.rules;
    if (!readWrite) {
      r.fail('exportToS3', true, `false for a ${this.access} dataset`, 'nothing writes a read-only dataset: set access to DatasetAccess.READ_WRITE, or leave exportToS3 out');
      return;
    }
    if (fs.kind === 'importing' || fs.kind === 'storageClass') {
      r.fail('exportToS3', true, 'false for a new file system linked with s3ImportPath', 'such a file system exports only through data repository tasks or HSM commands, which nothing in a chart runs; create the file system with a data repository association whose auto-export policy exports (outside Kubernetes), and use DatasetFileSystems.fromFileSystem');
      return;
    }
    if (fs.kind === 'storageClassOrFileSystem') {
      // Decided at install: exporting holds only with the existing file system.
      const origin = `[${this.node.path}] exportToS3`;
      if (!Tokens.check(fs.useFileSystem, { enum: [true] }, origin, 'true (exportToS3: only an existing file system\'s data repository association exports)')) {
        r.fail('useFileSystem', fs.useFileSystem, 'true when exportToS3 is true', 'only an existing file system exports, through its data repository association: bind it (useFileSystem), or leave exportToS3 out');
      }
    }
    const a = fs.fileSystem.association;
    if (!a) return;
    const events = a.autoExport;
    if (events === undefined) {
      r.fail('association.autoExport', undefined, 'stated when the dataset exports to S3 (NEW and CHANGED at least)', 'copy S3.AutoExportPolicy.Events from aws fsx describe-data-repository-associations; the association must export: without NEW and CHANGED, what the writers write stays on the file system');
    } else {
      const missing = ['NEW', 'CHANGED'].filter((e) => !events.map(String).includes(e));
      if (missing.length > 0) {
        r.fail('association.autoExport', events, 'a policy that exports NEW and CHANGED files when the dataset exports to S3', `the association must export what the writers write: add ${missing.join(' and ')} to its AutoExportPolicy (aws fsx update-data-repository-association --association-id ${a.associationId} --s3 'AutoExportPolicy={Events=[NEW,CHANGED,DELETED]}')`);
      }
    }
    // A path outside the association's directory is refused for every dataset on the file system
    // (checkAssociation): only files under its fileSystemPath are exported, as only they are imported.
  }

  /** A read-write dataset on a scratch file system: what is written lives only there (warned unless it is exported). */
  private warnScratch(fs: DatasetFileSystem): void {
    const type = fs.kind === 'importing' ? fs.props.deploymentType ?? FsxDeploymentType.SCRATCH_2
      : fs.kind === 'fileSystem' ? fs.fileSystem.deploymentType
      : fs.kind === 'storageClass' || fs.kind === 'storageClassOrFileSystem' ? fs.storageClass.deploymentType
      : undefined;
    if (this.exportToS3 || !isLiteral(type) || (type !== FsxDeploymentType.SCRATCH_1 && type !== FsxDeploymentType.SCRATCH_2)) return;
    this.rules.warn(problem('access', this.access, `read-only on a ${type} file system, or exported to S3`,
      'what the writers write lives only on the file system and is lost with it: scratch file systems keep no second copy of data, which does not survive a file server\'s failure, and have no backups (https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-backups-fsx.html); export it (exportToS3, through a data repository association that exports), or use a PERSISTENT file system'));
  }

  /**
   * The existing file system under a boolean value: its PersistentVolume is pre-bound (claimRef)
   * to the class claim, whose class must then be "" so that nothing is provisioned.
   */
  private preBindExisting(useFileSystem: boolean, className: string, fileSystem: ExistingDatasetFileSystem): FsxLustre {
    const r = this.rules;
    const origin = `[${this.node.path}] storageClass.name`;
    if (!Tokens.isToken(useFileSystem) && typeof useFileSystem !== 'boolean') r.fail('useFileSystem', useFileSystem, 'a boolean or a boolean value');
    if (!Tokens.checkWhen([{ value: useFileSystem, equals: true }], className, { enum: [''] }, origin)) {
      r.fail('storageClass.name', className, '"" when useFileSystem is true', 'an existing file system is bound by name: a class would provision a second file system');
    }
    if (!Tokens.checkWhen([{ value: useFileSystem, equals: false }], className, { minLength: 1 }, origin)) {
      r.fail('storageClass.name', className, 'a StorageClass name when useFileSystem is false', 'name the environment\'s FSx for Lustre class, e.g. "strata-fsx-lustre"');
    }
    const gate = new Construct(this, 'existing');
    onlyWhen(gate, useFileSystem);
    const { association, ...options } = fileSystem;
    const existing = FsxLustre.fromFileSystem(gate, 'fsx', { ...options, associations: association ? [association] : [] });
    // Only the volume is used: it binds to the dataset's claim through claimRef, not a claim of its own.
    existing.node.tryRemoveChild('Claim');
    const namespace = releaseOf(this)?.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      r.fail('namespace', undefined, 'known to pre-bind the existing file system\'s volume', 'synthesize in a released chart (WorkloadChart) or a chart with a namespace');
    } else {
      existing.persistentVolume!.apiObject.addJsonPatch(JsonPatch.add('/spec/claimRef', { name: this.fsx.claim.name, namespace }));
    }
    return existing;
  }
}

/**
 * The S3 location of `<path><version>/` through an association (its fileSystemPath ↔ its
 * dataRepositoryPath): undefined when the chart cannot tell where `path` lies in it (values it cannot compare).
 */
function associationLocation(a: DataRepositoryAssociation | undefined, path: string, version: string | undefined): string | undefined {
  if (!a || typeof a.dataRepositoryPath !== 'string' || typeof a.fileSystemPath !== 'string') return undefined;
  const dir = a.fileSystemPath.replace(/^\/+/, '');
  const dirSlash = dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
  let rel: string | undefined;
  if (path === dir || path === dirSlash || `/${path}` === a.fileSystemPath) rel = '';
  else if (isLiteral(path) && isLiteral(a.fileSystemPath) && path.startsWith(dirSlash)) rel = path.slice(dirSlash.length);
  return rel === undefined ? undefined : versionLocation(a.dataRepositoryPath, rel, version);
}

/** Requires a pod to run in one zone, whatever else it requires and in whatever order (see PodScheduling). */
export function requireZone(pod: SchedulablePod, zone: string, origin = 'the dataset'): void {
  PodScheduling.of(pod).require({ key: ZONE_LABEL, operator: 'In', values: [zone], origin });
}
