import { Chart, JsonPatch, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  FsxDataRepositoryAssociation,
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
import { onlyWhen, releaseOf, Tokens } from '@strata/tokens';
import { PolicyDocument } from './iam';
import { IWorkload, mainContainerOf } from '@strata/kinds';
import { KEY_PREFIX, PATH_SEGMENT } from './s3-location';

/** The node label of a node's availability zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** An availability zone name (us-east-1a, or a Local Zone such as us-west-2-lax-1a). */
export { ZONE, S3_PATH, ASSOCIATION_ID } from '@strata/storage';

/**
 * A data repository association of the file system (made outside Kubernetes: the CSI driver
 * cannot create one): it links an S3 prefix to a directory of the file system, with what it
 * imports and exports automatically and who makes it. Checked, and stated in the environment
 * report, by `FsxLustre.fromFileSystem` (@strata/storage fsx-lustre-association.ts).
 * @see https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html
 */
export type DataRepositoryAssociation = FsxDataRepositoryAssociation;

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
  /** Where the dataset is mounted (read-only). @default '/data' */
  readonly mountPath?: string;
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
 * - The pods need no S3 permissions (FSx reads S3 with its own service-linked role): `iamPolicies()` is empty.
 */
export class DistributedDataset extends Construct {
  public readonly fsx: FsxLustre;
  /** The directory mounted: `<path><version>`, or undefined for the root. */
  public readonly subPath?: string;
  public readonly mountPath: string;
  public readonly availabilityZone: string;
  /** The static volume of an existing file system, pre-bound to the claim (storageClassOrFileSystem only). */
  public readonly existingVolume?: FsxLustre;
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
    for (const set of props.job?.podSets ?? []) {
      if (props.podSets === undefined || props.podSets.includes(set.name)) this.mount(mainContainerOf(set), set.pod);
    }
    for (const n of props.podSets ?? []) {
      if (!props.job?.podSets.some((p) => p.name === n)) r.fail('podSets', n, `a pod set of the job (${(props.job?.podSets ?? []).map((p) => p.name).join(', ') || 'none'})`, 'name the pod sets that read the dataset');
    }
  }

  /** Mounts the dataset read-only into a container and requires its pod to run in the file system's zone. */
  public mount(container: plus.Container, pod: SchedulablePod): void {
    this.fsx.mount(container, this.mountPath, { readOnly: true, subPath: this.subPath });
    container.env.addVariable('DATASET_DIR', plus.EnvValue.fromValue(this.mountPath));
    requireZone(pod, this.availabilityZone, `[${this.node.path}] (the file system's zone)`);
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

/** Requires a pod to run in one zone, whatever else it requires and in whatever order (see PodScheduling). */
export function requireZone(pod: SchedulablePod, zone: string, origin = 'the dataset'): void {
  PodScheduling.of(pod).require({ key: ZONE_LABEL, operator: 'In', values: [zone], origin });
}
