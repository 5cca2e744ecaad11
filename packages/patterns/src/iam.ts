import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { describePolicies, Tokens } from '@strata/tokens';
import { S3Location } from './s3-location';

/**
 * IAM policy documents as data: what each service account of a workload needs in AWS, least
 * privilege, scoped to the buckets and prefixes the workload was given. strata creates no IAM
 * roles; operators (or an environment's tooling) create one role per service account from these
 * documents and put its ARN on the account (`serviceAccounts.<key>.annotations` with IRSA).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/security_iam_service-with-iam.html
 */

/** One statement of an IAM policy. Only `Allow`, never a wildcard action. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: { readonly [operator: string]: { readonly [key: string]: string[] } };
}

/** An IAM policy document (version 2012-10-17). */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/** What a service account may do under one S3 location. */
export interface S3AccessOptions {
  /** Read objects (s3:GetObject) and list the prefix (s3:ListBucket with an s3:prefix condition). @default true */
  readonly read?: boolean;
  /** Write new objects (s3:PutObject, s3:AbortMultipartUpload). @default false */
  readonly write?: boolean;
  /**
   * Read objects by version ID (s3:GetObjectVersion: GetObject with a versionId needs it, not
   * s3:GetObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). @default false
   */
  readonly readVersions?: boolean;
  /** Delete objects (s3:DeleteObject). @default false */
  readonly delete?: boolean;
  /**
   * The KMS key of the bucket's SSE-KMS encryption: adds kms:Decrypt to read, and kms:GenerateDataKey
   * with kms:Decrypt to write — a multipart upload (every large object the AWS CLI or Mountpoint
   * writes) decrypts the data key to encrypt each part.
   * @see https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key
   * @default - no KMS statement (SSE-S3)
   */
  readonly kmsKeyArn?: string;
  /** The AWS partition of the ARNs. @default 'aws' */
  readonly partition?: string;
}

/** A statement id from a name: letters and digits only, as IAM requires. */
export function sid(...parts: string[]): string {
  return parts
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * Least-privilege statements for one bucket prefix: listing only under the prefix (s3:prefix
 * condition), object actions only on `arn:aws:s3:::bucket/prefix*`, nothing wider.
 */
export function s3Statements(name: string, location: S3Location, options: S3AccessOptions = {}): PolicyStatement[] {
  const partition = options.partition ?? 'aws';
  const prefix = location.prefix ?? '';
  const bucketArn = `arn:${partition}:s3:::${location.bucket}`;
  const objectsArn = `${bucketArn}/${prefix}*`;
  const read = options.read ?? true;
  const out: PolicyStatement[] = [];
  if (read || options.write || options.delete) {
    // aws s3 sync and Mountpoint list before they read or write.
    out.push({ Sid: sid(name, 'list'), Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn], Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } });
  }
  const actions: string[] = [];
  if (read) actions.push('s3:GetObject');
  if (read && options.readVersions) actions.push('s3:GetObjectVersion');
  if (options.write) actions.push('s3:PutObject', 's3:AbortMultipartUpload');
  if (options.delete) actions.push('s3:DeleteObject');
  if (actions.length > 0) out.push({ Sid: sid(name, read && !options.write && !options.delete ? 'read' : 'objects'), Effect: 'Allow', Action: actions, Resource: [objectsArn] });
  if (options.kmsKeyArn !== undefined) {
    const kms: string[] = [];
    if (read || options.write) kms.push('kms:Decrypt');
    if (options.write) kms.push('kms:GenerateDataKey');
    if (kms.length > 0) out.push({ Sid: sid(name, 'kms'), Effect: 'Allow', Action: kms, Resource: [options.kmsKeyArn] });
  }
  return out;
}

/** Paths of one bucket that Hadoop's S3A connector reads or writes. */
export interface S3APaths {
  readonly bucket: string;
  /**
   * Directories, as key paths without a leading or trailing "/" ("taxi/2025"): each is its own key
   * and every key below it (`dir`, `dir/*`), nothing beside it ("taxi/2025b").
   * @default - none
   */
  readonly directories?: readonly string[];
  /** Files, as exact keys ("scripts/etl.py"). @default - none */
  readonly files?: readonly string[];
}

/** What a service account may do under S3A paths. */
export interface S3AAccessOptions {
  /** Read (s3:GetObject). @default true */
  readonly read?: boolean;
  /** Write (s3:PutObject, s3:AbortMultipartUpload). @default false */
  readonly write?: boolean;
  /** Delete (s3:DeleteObject): overwriting a directory, a rename (S3A copies, then deletes), a committer's cleanup. @default false */
  readonly delete?: boolean;
  /**
   * The paths are written by one of S3A's own committers (fs.s3a.committer.name "directory",
   * "partitioned" or "magic"), which list the bucket's multipart uploads
   * (s3:ListBucketMultipartUploads, on the bucket). Not needed with Spark's default
   * FileOutputCommitter. @default false
   */
  readonly committer?: boolean;
  /** The bucket's SSE-KMS key: kms:Decrypt to read, and kms:GenerateDataKey with it to write (see S3AccessOptions). @default - SSE-S3 */
  readonly kmsKeyArn?: string;
  /** The AWS partition of the ARNs. @default 'aws' */
  readonly partition?: string;
}

/**
 * Statements for Hadoop's S3A connector (hadoop-aws, as Spark reads and writes s3a:// paths) on
 * directories and files of one bucket. They differ from s3Statements in two ways:
 * - **s3:ListBucket on the bucket without a prefix condition**, when there are directories. S3A
 *   tells a missing path from an unreadable one by the 404 of a HEAD request, and S3 answers a
 *   HEAD of a missing key with 404 only to a caller allowed s3:ListBucket on the bucket, else 403
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html, "Permissions"); S3A
 *   probes missing paths all the time (an output directory before its first write, the
 *   committer's _temporary directories) and fails on a 403. NOT VERIFIED against S3: that a grant
 *   conditioned on s3:prefix does not count for that check — a HEAD request carries no s3:prefix,
 *   so such a condition cannot match (our reading of IAM's condition evaluation, not stated by the
 *   S3 documentation). The grant lets the role list key names across the bucket, not read them.
 * - **Object actions on `dir` and `dir/*`**: S3A's status probe of a path first asks for the key
 *   `dir` itself (HEAD), then lists `dir/` (hadoop-aws S3AFileSystem `getFileStatus`; the probe
 *   sequence is read from the hadoop-aws documentation and older sources, NOT VERIFIED in the
 *   hadoop-aws 3.4.1 source the images ship), and a HEAD needs s3:GetObject on the key it asks
 *   for (403 without it, existing or not). A prefix grant (`dir*`) would reach `dir2/` beside it.
 * The actions themselves are those hadoop-aws lists for read-only and read/write access (its
 * assumed_roles.md, "Restricting S3A operations through AWS Policies": s3:Get*, s3:ListBucket;
 * plus s3:Put*, s3:Delete*, s3:ListBucketMultipartUploads, s3:AbortMultipartUpload to write),
 * narrowed to the ones S3A's reads, writes and deletes call.
 */
export function s3aStatements(name: string, paths: S3APaths, options: S3AAccessOptions = {}): PolicyStatement[] {
  const partition = options.partition ?? 'aws';
  const bucketArn = `arn:${partition}:s3:::${paths.bucket}`;
  const directories = paths.directories ?? [];
  const files = paths.files ?? [];
  for (const k of [...directories, ...files]) {
    if (!Tokens.isToken(k) && (k === '' || k.startsWith('/') || k.endsWith('/'))) {
      throw new Error(`s3aStatements '${name}': "${k}" must be a key path without a leading or trailing "/" (a directory is its own key and everything below it)`);
    }
  }
  const read = options.read ?? true;
  const out: PolicyStatement[] = [];
  if (directories.length > 0 || options.committer) {
    const list = ['s3:ListBucket', ...(options.committer ? ['s3:ListBucketMultipartUploads'] : [])];
    out.push({ Sid: sid(name, 'list'), Effect: 'Allow', Action: list, Resource: [bucketArn] });
  }
  const actions: string[] = [];
  if (read) actions.push('s3:GetObject');
  if (options.write) actions.push('s3:PutObject');
  if (options.delete) actions.push('s3:DeleteObject');
  if (options.write) actions.push('s3:AbortMultipartUpload');
  const resources = [...files.map((k) => `${bucketArn}/${k}`), ...directories.flatMap((d) => [`${bucketArn}/${d}`, `${bucketArn}/${d}/*`])];
  if (actions.length > 0 && resources.length > 0) out.push({ Sid: sid(name, read && !options.write && !options.delete ? 'read' : 'objects'), Effect: 'Allow', Action: actions, Resource: resources });
  if (options.kmsKeyArn !== undefined) {
    const kms: string[] = [];
    if (read || options.write) kms.push('kms:Decrypt');
    if (options.write) kms.push('kms:GenerateDataKey');
    if (kms.length > 0) out.push({ Sid: sid(name, 'kms'), Effect: 'Allow', Action: kms, Resource: [options.kmsKeyArn] });
  }
  return out;
}

/** A policy document of statements. */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The options of a service account a pattern creates. */
export interface ServiceAccountOptions {
  /**
   * Annotations of the service account; with IRSA, `eks.amazonaws.com/role-arn`. Workload charts
   * bind this to the object value `serviceAccounts.<key>.annotations` (default `{}`).
   * @default {}
   */
  readonly annotations?: Record<string, string>;
}

/**
 * A service account outside the chart whose IAM role needs a policy the chart writes: a CSI
 * driver's (Mountpoint's with `authenticationSource: driver`). Its document is the chart's file
 * `iam-policies/<key>.json`, the key hyphenated so that it never is a service account key of the chart's own
 * (those are camelCase, and environments give a role to each).
 */
export interface DriverIdentity {
  /** The policy's key (its file `iam-policies/<key>.json`): "s3-csi-driver". */
  readonly key: string;
  /** `<namespace>/<name>` of the service account. */
  readonly serviceAccount: string;
}

/** The Mountpoint CSI driver's node service account (awslabs/mountpoint-s3-csi-driver@v2.7.0:charts/aws-mountpoint-s3-csi-driver/values.yaml#L28, docs/CONFIGURATION.md#L160-L230). */
export const S3_CSI_DRIVER_IDENTITY: DriverIdentity = { key: 's3-csi-driver', serviceAccount: 'kube-system/s3-csi-driver-sa' };

interface Registry {
  readonly accounts: Map<string, { readonly account: plus.ServiceAccount; readonly annotations: string }>;
  readonly statements: Map<string, PolicyStatement[]>;
  /** `<key>` → its policy document (tokens inside), recorded on the chart for the chart writer. */
  readonly documents: Record<string, PolicyDocument>;
}

const registries = new WeakMap<Chart, Registry>();

/**
 * The identities of one workload chart: one service account per key (`hydration`, `inference`,
 * `training`, `reader`, …), shared by every pattern that asks for the same key, and the
 * policy document of each account (`iam-policies/<key>.json` in the chart: metadata the
 * environments read to make one role per account, never an object rendered into the cluster).
 */
export class WorkloadIdentity {
  /** The service account of `key` in the chart of `scope`, created on first use (id `sa-<key>` at the chart root). */
  public static serviceAccount(scope: IConstruct, key: string, options: ServiceAccountOptions = {}): plus.ServiceAccount {
    const chart = Chart.of(scope);
    const r = registryOf(chart);
    const annotations = options.annotations ?? {};
    const shown = JSON.stringify(annotations);
    const existing = r.accounts.get(key);
    if (existing) {
      if (existing.annotations !== shown) {
        throw new Error(`[${scope.node.path}] service account '${key}' is already created with other annotations (${existing.annotations}); give every pattern that uses '${key}' the same annotations value`);
      }
      return existing.account;
    }
    if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) throw new Error(`[${scope.node.path}] service account key '${key}' must be a camelCase identifier (it names the value serviceAccounts.${key})`);
    const account = new plus.ServiceAccount(chart, `sa-${kebab(key)}`, { automountToken: false });
    // Patched in rather than given as metadata: cdk8s drops an empty annotations map, while a value
    // rendered by Helm keeps `{}`; the patch keeps both forms alike.
    ApiObject.of(account).addJsonPatch(JsonPatch.add('/metadata/annotations', annotations));
    r.accounts.set(key, { account, annotations: shown });
    return account;
  }

  /** The key of a service account this registry made (undefined for any other account). */
  public static keyOf(account: plus.IServiceAccount): string | undefined {
    const chart = Chart.of(account as unknown as IConstruct);
    for (const [key, a] of registryOf(chart).accounts) if (a.account === account) return key;
    return undefined;
  }

  /** Adds statements to the policy of `key` (the chart's `iam-policies/<key>.json`). */
  public static addStatements(scope: IConstruct, key: string, statements: PolicyStatement[]): void {
    if (statements.length === 0) return;
    const chart = Chart.of(scope);
    const r = registryOf(chart);
    const all = [...(r.statements.get(key) ?? []), ...statements];
    const sids = new Set<string>();
    for (const s of all) {
      if (sids.has(s.Sid)) throw new Error(`[${scope.node.path}] the policy of '${key}' has two statements with Sid ${s.Sid}; give the patterns different ids`);
      sids.add(s.Sid);
    }
    r.statements.set(key, all);
    r.documents[key] = policyDocument(all);
  }

  /**
   * Adds statements to the policy a driver's role needs for this chart (the chart's
   * `iam-policies/<driver key>.json`): the environment's identity for that
   * driver must hold them. Unlike a service account of the chart, the role is shared by every
   * chart using the driver.
   */
  public static addDriverStatements(scope: IConstruct, driver: DriverIdentity, statements: PolicyStatement[]): void {
    if (statements.length === 0) return;
    const chart = Chart.of(scope);
    const r = registryOf(chart);
    const key = `driver:${driver.key}`;
    const all = [...(r.statements.get(key) ?? []), ...statements];
    const sids = new Set<string>();
    for (const s of all) {
      if (sids.has(s.Sid)) throw new Error(`[${scope.node.path}] the policy of ${driver.serviceAccount} has two statements with Sid ${s.Sid}; give the volumes different ids`);
      sids.add(s.Sid);
    }
    r.statements.set(key, all);
    r.documents[driver.key] = policyDocument(all);
  }

  /** Every policy document of the chart of `scope`, by service account key (a driver's as `driver:<key>`). */
  public static policiesOf(scope: IConstruct): Record<string, PolicyDocument> {
    const r = registryOf(Chart.of(scope));
    const out: Record<string, PolicyDocument> = {};
    for (const key of [...r.statements.keys()].sort()) out[key] = policyDocument(r.statements.get(key)!);
    return out;
  }
}

function registryOf(chart: Chart): Registry {
  let r = registries.get(chart);
  if (!r) {
    registries.set(chart, (r = { accounts: new Map(), statements: new Map(), documents: {} }));
    // Chart metadata, never an object of the cluster: the chart writer states each document in
    // iam-policies/<key>.json, environments make the roles from them.
    describePolicies(chart, r.documents);
  }
  return r;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
