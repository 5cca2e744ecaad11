import { describePattern, Tokens } from '@strata/tokens';
import { ASSOCIATION_ID, S3_PATH } from './forms';
import { isLiteral, Rules } from './rules';
import { FsxDeploymentType, FsxFileSystemTypeVersion } from './fsx-lustre-settings';

/**
 * Data repository associations (DRAs): the S3 link of FSx for Lustre file systems made today, and
 * the only one PERSISTENT_2 has. A DRA links one directory of the file system to one S3 prefix,
 * with the events it imports from S3 and exports to it automatically
 * (boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json, CreateDataRepositoryAssociation;
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html).
 *
 * The FSx CSI driver creates none: its FSx client creates, resizes, describes and deletes file
 * systems, and nothing in its code calls a DataRepositoryAssociation operation
 * (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L343).
 * So an association is a described part of an existing file system (`FsxLustre.fromFileSystem`):
 * strata checks what it links and says in the environment report who makes it; it creates nothing.
 */

/** What a DRA imports from S3, or exports to it, automatically (EventType). */
export enum FsxDataRepositoryEvent {
  /** Import: objects added to S3; export: files added to the file system. */
  NEW = 'NEW',
  /** Import: changed objects (file metadata updated, content invalidated); export: changed files. */
  CHANGED = 'CHANGED',
  /** Import: files deleted as their objects are; export: objects deleted as their files are. */
  DELETED = 'DELETED',
}

/**
 * One data repository association of an existing file system, as `aws fsx
 * describe-data-repository-associations` shows it. Fields left out are unknown and not checked.
 */
export interface FsxDataRepositoryAssociation {
  /** AssociationId: `dra-` and hex digits, e.g. `dra-0123456789abcdef0`. */
  readonly associationId: string;
  /** DataRepositoryPath: the S3 side, `s3://bucket[/prefix/]`. */
  readonly dataRepositoryPath: string;
  /**
   * FileSystemPath: the directory of the file system linked to it, absolute (`/ns1/`, `/`). Two
   * associations of a file system may not overlap, and `/` is possible only for its one association.
   */
  readonly fileSystemPath: string;
  /**
   * S3.AutoImportPolicy.Events: what reaches the file system from S3 without an import task.
   * `[]` imports nothing automatically (only at creation with batchImportMetaDataOnCreate, or by tasks).
   * @default - unknown
   */
  readonly autoImport?: readonly FsxDataRepositoryEvent[];
  /**
   * S3.AutoExportPolicy.Events: what reaches S3 from the file system without an export task.
   * `[]` exports nothing automatically.
   * @default - unknown
   */
  readonly autoExport?: readonly FsxDataRepositoryEvent[];
  /**
   * BatchImportMetaDataOnCreate: whether the association imported the metadata of the objects
   * already in S3 when it was created.
   * @default - unknown
   */
  readonly batchImportMetaDataOnCreate?: boolean;
  /**
   * ImportedFileChunkSize in MiB, 1 to 512000: the stripe of imported files.
   * @default - unknown (FSx's default is 1024)
   */
  readonly importedFileChunkSize?: number;
  /**
   * Who makes and owns the association (Terraform, CloudFormation, a team…): said in the
   * environment report. strata and the CSI driver never make one.
   * @default - not stated ("made outside Kubernetes (by whom is not stated)")
   */
  readonly createdBy?: string;
}

/** FileSystemPath: absolute, no empty segment ("//"), printable (Namespace, up to 4096 characters). */
export const ASSOCIATION_FILE_SYSTEM_PATH = describePattern('^/([^/\\x00-\\x1f]+/)*[^/\\x00-\\x1f]*$', 'an absolute directory of the file system such as "/datasets/pile/" or "/" (no "//")');
/** "You can have a maximum of 8 data repository associations on a file system." */
export const MAX_ASSOCIATIONS = 8;
const EVENTS = Object.values(FsxDataRepositoryEvent);

/** What is known of the file system the associations belong to. */
export interface AssociationContext {
  readonly deploymentType?: FsxDeploymentType;
  readonly fileSystemTypeVersion?: FsxFileSystemTypeVersion;
}

/**
 * Checks the associations of one file system: each one's fields as CreateDataRepositoryAssociation
 * takes them, and the set as FSx allows it (at most 8, directories that do not overlap, `/` alone,
 * one association per S3 path; none on SCRATCH_1 or Lustre 2.10).
 */
export function checkAssociations(r: Rules, associations: readonly FsxDataRepositoryAssociation[], context: AssociationContext, field = 'associations'): void {
  const at = (i: number, key: string) => (associations.length === 1 && field === 'association' ? `${field}.${key}` : `${field}[${i}].${key}`);
  const describe = 'copy it from aws fsx describe-data-repository-associations';
  if (associations.length > 0) {
    const noDra = 'data repository associations are not available on SCRATCH_1 or Lustre 2.10 file systems: link S3 with s3ImportPath there, or use another file system';
    r.check('deploymentType', context.deploymentType, { not: { enum: [FsxDeploymentType.SCRATCH_1] } }, noDra, 'SCRATCH_2, PERSISTENT_1 or PERSISTENT_2 for a file system with data repository associations');
    r.check('fileSystemTypeVersion', context.fileSystemTypeVersion, { not: { enum: [FsxFileSystemTypeVersion.V2_10] } }, noDra, '2.12 or 2.15 for a file system with data repository associations');
  }
  if (associations.length > MAX_ASSOCIATIONS) {
    r.fail(field, `${associations.length} associations`, `at most ${MAX_ASSOCIATIONS} associations`, 'a file system has at most 8 data repository associations: use another file system for the rest');
  }
  associations.forEach((a, i) => {
    if (r.required(at(i, 'associationId'), a.associationId, 'the association id', `${describe} (AssociationId)`)) {
      r.check(at(i, 'associationId'), a.associationId, { pattern: ASSOCIATION_ID }, `${describe} (AssociationId), e.g. "dra-0123456789abcdef0"`, 'an association id (dra- and 8 to 19 hex digits)');
    }
    if (r.required(at(i, 'dataRepositoryPath'), a.dataRepositoryPath, 'the S3 path it links', `${describe} (DataRepositoryPath)`)) {
      r.check(at(i, 'dataRepositoryPath'), a.dataRepositoryPath, { pattern: S3_PATH, maxLength: 4357 }, `${describe} (DataRepositoryPath), e.g. "s3://ml-datasets/pile/"`, 'an S3 path s3://bucket[/prefix]');
    }
    if (r.required(at(i, 'fileSystemPath'), a.fileSystemPath, 'the directory it links', `${describe} (FileSystemPath)`)) {
      r.check(at(i, 'fileSystemPath'), a.fileSystemPath, { pattern: ASSOCIATION_FILE_SYSTEM_PATH, maxLength: 4096 }, `${describe} (FileSystemPath), e.g. "/datasets/pile/" or "/"`);
    }
    for (const key of ['autoImport', 'autoExport'] as const) {
      const events = a[key];
      if (events === undefined || Tokens.isToken(events)) continue;
      const policy = key === 'autoImport' ? 'S3.AutoImportPolicy.Events' : 'S3.AutoExportPolicy.Events';
      for (const e of events) r.check(at(i, key), e, { enum: EVENTS }, `${describe} (${policy})`);
      const repeated = events.filter((e, j) => events.indexOf(e) !== j);
      if (repeated.length > 0) r.fail(at(i, key), [...events], 'a list of distinct events among NEW, CHANGED, DELETED', `name ${repeated[0]} once`);
    }
    r.check(at(i, 'batchImportMetaDataOnCreate'), a.batchImportMetaDataOnCreate, { enum: [true, false] }, 'pass a boolean');
    r.check(at(i, 'importedFileChunkSize'), a.importedFileChunkSize, { minimum: 1, maximum: 512000, multipleOf: 1 }, `${describe} (ImportedFileChunkSize)`, 'a whole number of MiB between 1 and 512000');
  });
  // The set (literal paths only).
  const dirs = associations.map((a) => (isLiteral(a.fileSystemPath) ? directoryOf(a.fileSystemPath) : undefined));
  dirs.forEach((d, i) => {
    if (d === undefined) return;
    if (d === '/' && associations.length > 1) {
      r.fail(at(i, 'fileSystemPath'), associations[i].fileSystemPath, 'a directory below "/" when the file system has other associations', 'FSx links "/" only for the first and only association of a file system: give each association its own directory');
    }
    dirs.forEach((e, j) => {
      if (j <= i || e === undefined || d === '/' || e === '/') return;
      if (d.startsWith(e) || e.startsWith(d)) {
        r.fail(at(j, 'fileSystemPath'), associations[j].fileSystemPath, `a directory that does not overlap ${associations[i].fileSystemPath} (${at(i, 'fileSystemPath')})`, 'two associations of a file system may not overlap: give each its own directory');
      }
    });
  });
  const paths = associations.map((a) => (isLiteral(a.dataRepositoryPath) ? a.dataRepositoryPath.replace(/\/*$/, '/') : undefined));
  paths.forEach((p, i) => {
    const j = paths.indexOf(p);
    if (p !== undefined && j < i) r.fail(at(i, 'dataRepositoryPath'), associations[i].dataRepositoryPath, `another S3 path than ${at(j, 'dataRepositoryPath')}`, 'each association links its own S3 bucket or prefix');
  });
}

/** A directory with one trailing "/": "/a/b" and "/a/b/" are the same directory. */
function directoryOf(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * Facts of the associations for the environment report: `associations`, one sentence each (what
 * it links, what it imports and exports, who makes it), and `s3ImportPath` (the S3 side of the
 * first association: its objects are read through the file system, loaded on first read) and
 * `s3ExportPath` (the S3 side of the first association that exports by itself), which the report
 * draws as the import and export edges of the data flow.
 */
export function associationFacts(associations: readonly FsxDataRepositoryAssociation[]): { readonly [key: string]: unknown } {
  if (associations.length === 0) return {};
  const events = (e: readonly FsxDataRepositoryEvent[] | undefined, none: string) => (e === undefined ? 'not stated' : e.length === 0 ? none : [...e].join(', '));
  const sentences = associations.map(
    (a) =>
      `${a.associationId} links ${a.dataRepositoryPath} to ${a.fileSystemPath}; imports automatically: ${events(a.autoImport, 'nothing')}` +
      `${a.batchImportMetaDataOnCreate === true ? ' (and imported the existing objects when made)' : ''}; exports automatically: ${events(a.autoExport, 'nothing')}; ` +
      `made outside Kubernetes ${a.createdBy !== undefined ? `by ${a.createdBy}` : '(by whom is not stated)'}: the FSx CSI driver creates no association`,
  );
  const exporting = associations.find((a) => a.autoExport !== undefined && !Tokens.isToken(a.autoExport) && a.autoExport.length > 0);
  return {
    associations: sentences.join(' | '),
    s3ImportPath: associations[0].dataRepositoryPath,
    ...(exporting ? { s3ExportPath: exporting.dataRepositoryPath } : {}),
  };
}
