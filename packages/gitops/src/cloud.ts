/**
 * The cloud half of an environment (its `cloud` section, and what its charts imply) as ACK
 * objects: identity (IAM roles with exactly the policies the charts derive, Pod Identity
 * associations or IRSA trust, the drivers' and the ACK controllers' roles) and resources (buckets,
 * EFS file systems, the FieldExports that carry their ids). Objects come from @strata/cloud; this
 * file decides which, names them and checks the declaration against the environment.
 */
import {
  ACK_CONTROLLERS,
  AckController,
  AckService,
  CloudBucket,
  CloudFileSystem,
  CloudRole,
  CloudS3FileSystem,
  IamPolicyDocument,
  IdentityMode,
  LifecycleRuleSummary,
  ResolvedLifecycle,
  roleArn,
  s3FilesRolePolicy,
  S3_FILES_SERVICE_PRINCIPAL,
  ServiceAccountRef,
  synthCloud,
} from '@strata/cloud';
import { CloudDefinition, DriverTierName, EnvironmentDefinition } from './environment';
import { DRIVER_NAMESPACE, DRIVERS } from './drivers';
import { FLUX_NAMESPACE, KubeObject } from './flux';
import { resolvePolicy } from './policies';
import type { PlannedWorkload } from './plan';
import { isPlainObject, showValue } from './values';

/** The namespace of every ACK object strata makes: FieldExports write to ConfigMaps of their own namespace, and Flux substitutes from its own. */
export const CLOUD_NAMESPACE = FLUX_NAMESPACE;
/** The ConfigMap the FieldExports write cloud values into, read by the infra-configs Kustomization (postBuild.substituteFrom). */
export const CLOUD_VALUES = 'strata-cloud-values';
/** The EFS CSI node service account (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/values.yaml#L245). */
export const EFS_NODE_SERVICE_ACCOUNT = 'efs-csi-node-sa';
/** Where the EFS chart takes the node service account's annotations (same values.yaml, node.serviceAccount.annotations). */
export const EFS_NODE_ANNOTATIONS_PATH = ['node', 'serviceAccount', 'annotations'] as const;
/** The uses mark of a chart whose EFS volumes mount with `iam` (EFS_NODE_IAM of @strata/storage). */
export const EFS_NODE_IAM_USE = 'efs-node-iam';

/** The substitution variable of an EFS file system's id. */
export function fileSystemIdVariable(name: string): string {
  return `efs_${name.replace(/[^A-Za-z0-9]/g, '_')}_file_system_id`;
}

/**
 * An EFS file system id for a storage.efs release's `fileSystemId`, filled in by Flux from the
 * id ACK reports (FieldExport → ConfigMap strata-cloud-values → postBuild.substituteFrom).
 */
export function cloudFileSystemId(name: string): string {
  return `\${${fileSystemIdVariable(name)}}`;
}

/** The ConfigMap key of an S3 Files file system's id (written by its FieldExport). */
export function s3FilesIdKey(name: string): string {
  return `s3files_${name.replace(/[^A-Za-z0-9]/g, '_')}_file_system_id`;
}

/**
 * An S3 Files file system's id for a storage.s3-files release's `fileSystemIdConfigRef`
 * ("namespace/name/key"): the EFS CSI driver reads the key ACK's FieldExport writes (with the
 * driver's controller.fileSystemIdRefs.enabled, which the environment turns on for it), so the id
 * reaches the class without a person copying it. Set `fileSystemId: ''` beside it.
 */
export function cloudS3FileSystemIdRef(name: string): string {
  return `${CLOUD_NAMESPACE}/${CLOUD_VALUES}/${s3FilesIdKey(name)}`;
}

/** `${name}` references in a string. */
export const VARIABLE_REFERENCE = /\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}/g;

/** A role strata makes through ACK. */
export interface PlannedRole {
  readonly objectName: string;
  readonly roleName: string;
  readonly arn: string;
  /** What it is for, for the report. */
  readonly purpose: string;
  readonly serviceAccounts: readonly ServiceAccountRef[];
  readonly policy?: IamPolicyDocument;
  readonly managedPolicies: readonly string[];
  /** An AWS service assumes it (an S3 Files file system's role), not service accounts. */
  readonly trustedService?: string;
}

export interface PlannedBucket {
  readonly name: string;
  readonly purpose: string;
  readonly versioned: boolean;
  /** Whether strata writes the versioning state (a data bucket, or one that sets it); else the bucket keeps its own. */
  readonly versioningWritten: boolean;
  readonly encryption: 'SSE-S3' | 'SSE-KMS';
  readonly adopt?: string;
  readonly lifecycle?: ResolvedLifecycle;
  readonly rules: readonly LifecycleRuleSummary[];
  /** Workloads whose policies name it. */
  readonly usedBy: readonly string[];
}

export interface PlannedFileSystem {
  readonly name: string;
  readonly adopt?: string;
  readonly lifecycle?: { readonly toInfrequentAccess: string | false; readonly toArchive: string | false; readonly backOnFirstAccess: boolean };
  readonly backups: boolean;
  readonly mountTargets: number;
  readonly accessPoints: number;
  readonly variable: string;
  /** Tier releases whose values read its id. */
  readonly usedBy: readonly string[];
}

export interface PlannedS3FileSystem {
  readonly name: string;
  readonly bucket: string;
  readonly prefix?: string;
  readonly adopt?: string;
  /** The role S3 Files assumes (made in infra-identity). */
  readonly roleArn: string;
  readonly mountTargets: number;
  /** The ConfigMap reference a storage.s3-files release names. */
  readonly configRef: string;
  /** Tier releases whose fileSystemIdConfigRef reads its id. */
  readonly usedBy: readonly string[];
}

export interface PlannedAckController {
  readonly controller: AckController;
  readonly roleArn: string;
  readonly values: Record<string, unknown>;
}

export interface CloudPlan {
  readonly mode: 'irsa' | 'pod-identity';
  readonly controllers: readonly PlannedAckController[];
  /** IAM roles, policies, associations: applied before any controller that uses them starts. */
  readonly identityObjects: readonly KubeObject[];
  /** Buckets, file systems, access points, mount targets, FieldExports and their ConfigMap. */
  readonly resourceObjects: readonly KubeObject[];
  readonly roles: readonly PlannedRole[];
  readonly buckets: readonly PlannedBucket[];
  readonly fileSystems: readonly PlannedFileSystem[];
  /** S3 Files file systems (cloud.s3FileSystems). */
  readonly s3FileSystems: readonly PlannedS3FileSystem[];
  /** Substitution variables the FieldExports provide, by name → what. */
  readonly variables: { readonly [name: string]: string };
  /** Driver values to merge (the EFS node service account's role with IRSA). */
  readonly driverValues: { readonly [tier in DriverTierName]?: Record<string, unknown> };
}

type Fail = (field: string, value: unknown, accepted: string, fix: string) => void;

const ACCOUNT = /^\d{12}$/;
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Whether the environment applies identity through ACK. */
export function appliesIdentity(env: EnvironmentDefinition): boolean {
  return isPlainObject(env.cloud) && isPlainObject(env.cloud.identity) && typeof env.cloud.accountId === 'string';
}

function prefixOf(env: EnvironmentDefinition): string {
  return env.cloud?.identity?.rolePrefix ?? `strata-${env.name}-`;
}

/** The role ACK makes for a workload's service account key (when identity is applied). */
export function workloadRoleName(env: EnvironmentDefinition, workload: string, key: string): string {
  return `${prefixOf(env)}${workload}-${kebab(key)}`;
}

/** The role ACK makes for a driver's service account (when identity is applied). */
export function driverRoleName(env: EnvironmentDefinition, serviceAccount: string): string {
  return `${prefixOf(env)}${serviceAccount.replace(/-sa$/, '')}`;
}

/** The ARN of a role strata makes in this environment. */
export function appliedRoleArn(env: EnvironmentDefinition, roleName: string): string {
  return roleArn(env.cloud!.accountId, roleName);
}

/** Managed policies of each driver's role (drivers.ts `permissions`, the upstream docs cited there). */
const DRIVER_MANAGED: { readonly [t in DriverTierName]: readonly string[] } = {
  'fsx-lustre': ['arn:aws:iam::aws:policy/AmazonFSxFullAccess'],
  efs: ['arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy'],
  s3: [],
};
/** The EFS node role for `iam` mounts: ClientMount, ClientWrite, DescribeMountTargets (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonElasticFileSystemClientReadWriteAccess.html). */
export const EFS_NODE_MANAGED_POLICY = 'arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess';

export interface CloudInputs {
  readonly workloads: readonly PlannedWorkload[];
  /** Driver tiers installed here, and the ARN each already has from identity.drivers (given by hand). */
  readonly drivers: readonly { readonly tier: DriverTierName; readonly statedArn?: string }[];
  /** Tier releases and their values (for the cloud values they read). */
  readonly tiers: readonly { readonly field: string; readonly values: Record<string, unknown> }[];
  /** Whether the environment generates CloudWatch MetricAlarms (monitoring): the ACK cloudwatch controller is installed for them. */
  readonly alarms?: boolean;
}

/** The cloud plan of an environment; undefined when it declares no `cloud`. Problems go to `fail`/`failRaw`/`warn`. */
export function planCloud(env: EnvironmentDefinition, inputs: CloudInputs, fail: Fail, failRaw: (m: string) => void, warn: (m: string) => void): CloudPlan | undefined {
  const cloud = env.cloud as CloudDefinition | undefined;
  if (cloud === undefined) return undefined;
  if (!isPlainObject(cloud)) {
    fail('cloud', cloud, 'an object ({ accountId, identity?, buckets?, fileSystems? })', 'see docs/cloud.md');
    return undefined;
  }
  if (typeof cloud.accountId !== 'string' || !ACCOUNT.test(cloud.accountId)) fail('cloud.accountId', cloud.accountId, 'an AWS account id of 12 digits', 'give the account the cluster runs in (aws sts get-caller-identity)');
  const mode = env.identity?.mode === 'irsa' ? 'irsa' : 'pod-identity';
  const idDef = cloud.identity;
  const buckets = cloud.buckets ?? [];
  const fileSystems = cloud.fileSystems ?? [];
  const s3FileSystems = cloud.s3FileSystems ?? [];
  if (!idDef) {
    if (buckets.length > 0 || fileSystems.length > 0 || s3FileSystems.length > 0) {
      fail('cloud.identity', undefined, 'set when cloud declares buckets or file systems', 'the ACK controllers that make them need roles, which the ACK iam controller makes: give cloud.identity.controllerRoles (iam, eks)');
    }
    return undefined;
  }
  if (mode === 'irsa' && typeof idDef.oidcIssuer !== 'string') fail('cloud.identity.oidcIssuer', idDef.oidcIssuer, 'set with identity.mode "irsa"', 'give the cluster\'s OIDC issuer without https:// (aws eks describe-cluster --query cluster.identity.oidc.issuer)');
  const arnPattern = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
  for (const s of ['iam', 'eks'] as const) {
    const arn = idDef.controllerRoles?.[s];
    if (typeof arn !== 'string' || !arnPattern.test(arn)) fail(`cloud.identity.controllerRoles.${s}`, arn, 'an IAM role ARN such as "arn:aws:iam::123456789012:role/name"', `the ACK ${s} controller's role is made outside the cluster (it makes the others): create it with the policy of ${ACK_CONTROLLERS[s].source.split(',').pop()!.trim()} and give its ARN`);
  }
  const identity: IdentityMode = mode === 'irsa' ? { mode, accountId: cloud.accountId, oidcIssuer: idDef.oidcIssuer ?? '' } : { mode, clusterName: env.cluster?.name ?? '' };

  // --- roles ----------------------------------------------------------------------------------
  const roles: PlannedRole[] = [];
  const role = (roleName: string, purpose: string, serviceAccounts: ServiceAccountRef[], policy: IamPolicyDocument | undefined, managedPolicies: readonly string[], trustedService?: string) =>
    roles.push({ objectName: roleName.toLowerCase().replace(/[^a-z0-9-]/g, '-'), roleName, arn: roleArn(cloud.accountId, roleName), purpose, serviceAccounts, ...(policy ? { policy } : {}), managedPolicies, ...(trustedService ? { trustedService } : {}) });
  const bucketUsers = new Map<string, Set<string>>();
  const driverStatements: IamPolicyDocument['Statement'][number][] = [];
  for (const w of inputs.workloads) {
    const templates = w.entry.policies ?? {};
    const stated = (env.identity?.workloads ?? {})[w.name] ?? {};
    for (const [key, template] of Object.entries(templates)) {
      let policy: IamPolicyDocument;
      try {
        policy = resolvePolicy(template, w.merged);
      } catch (e) {
        failRaw(`charts/${w.name}: its policy iam-policies/${key}.json cannot be read (${(e as Error).message}); regenerate the chart with this version of strata`);
        continue;
      }
      for (const st of policy.Statement) {
        for (const r of [st.Resource].flat()) {
          const b = /^arn:aws[a-z-]*:s3:::([^/]+)/.exec(r)?.[1];
          if (b) bucketUsers.set(b, new Set([...(bucketUsers.get(b) ?? []), w.name]));
        }
      }
      if (key.includes('-')) {
        // A driver's key (s3-csi-driver): the statements join the driver's one role.
        driverStatements.push(...policy.Statement.map((s) => ({ ...s, Sid: `${s.Sid ?? ''}${w.name.replace(/[^A-Za-z0-9]/g, '')}` })));
        continue;
      }
      if (stated[key] !== undefined) continue; // the environment gives the ARN: made outside strata
      const sa = w.serviceAccounts.find((s) => s.key === key);
      if (!sa) continue;
      role(workloadRoleName(env, w.name, key), `${w.name} serviceAccounts.${key}`, [{ namespace: w.namespace, name: sa.name }], policy, []);
    }
  }
  const driverValues: { [tier in DriverTierName]?: Record<string, unknown> } = {};
  for (const d of inputs.drivers) {
    if (d.statedArn !== undefined) continue;
    const driver = DRIVERS[d.tier];
    const sa = [{ namespace: driver.identity.namespace, name: driver.identity.serviceAccount }];
    if (d.tier === 's3') {
      // Mountpoint's driver identity is used only by volumes with authenticationSource "driver": its role holds their statements.
      if (driverStatements.length > 0) role(driverRoleName(env, driver.identity.serviceAccount), `${driver.title} (${driver.identity.serviceAccount})`, sa, { Version: '2012-10-17', Statement: driverStatements }, []);
    } else {
      role(driverRoleName(env, driver.identity.serviceAccount), `${driver.title} (${driver.identity.serviceAccount})`, sa, undefined, DRIVER_MANAGED[d.tier]);
    }
  }
  // EFS volumes mounted with `iam` authenticate as the EFS CSI node pod (EFS_NODE_IAM of @strata/storage).
  const iamMounts = inputs.workloads.filter((w) => w.uses.includes(EFS_NODE_IAM_USE)).map((w) => w.name);
  const tierIam = inputs.tiers.filter((t) => Array.isArray(t.values.mountOptions) && (t.values.mountOptions as unknown[]).some((o) => String(o).trim().toLowerCase() === 'iam')).map((t) => t.field);
  if ((iamMounts.length > 0 || tierIam.length > 0) && inputs.drivers.some((d) => d.tier === 'efs')) {
    const name = driverRoleName(env, EFS_NODE_SERVICE_ACCOUNT);
    role(name, `EFS CSI node (${EFS_NODE_SERVICE_ACCOUNT}): mounts with the iam option (${[...iamMounts, ...tierIam].join(', ')})`, [{ namespace: DRIVER_NAMESPACE, name: EFS_NODE_SERVICE_ACCOUNT }], undefined, [EFS_NODE_MANAGED_POLICY]);
    if (mode === 'irsa') driverValues.efs = { node: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': roleArn(cloud.accountId, name) } } } };
  }

  // --- S3 Files file systems: each over a declared, versioned bucket, with its own role ----------------
  const s3FsRoles = new Map<string, string>();
  s3FileSystems.forEach((f, i) => {
    const b = buckets.find((x) => x?.name === f?.bucket);
    if (typeof f?.bucket === 'string' && !b) {
      fail(`cloud.s3FileSystems[${i}].bucket`, f.bucket, 'a bucket under cloud.buckets', `S3 Files requires S3 Versioning on its bucket, which strata writes only for a bucket it declares: add { name: '${f.bucket}', purpose: 'datasets' } (or models, checkpoints: versioning on by default) to cloud.buckets, with adopt: 'adopt' if it exists`);
    } else if (b && b.versioning === false) {
      fail(`cloud.s3FileSystems[${i}].bucket`, f.bucket, 'a bucket with versioning on', `S3 Files requires S3 Versioning to sync the file system with the bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-prereq-policies.html): remove versioning: false from cloud.buckets entry ${f.bucket}`);
    } else if (b && b.versioning === undefined && (b.purpose === 'other' || b.purpose === undefined)) {
      fail(`cloud.s3FileSystems[${i}].bucket`, f.bucket, 'a bucket with versioning on', `S3 Files requires S3 Versioning to sync the file system with the bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-prereq-policies.html); a bucket of purpose "other" keeps its own versioning state: set versioning: true on cloud.buckets entry ${f.bucket}`);
    }
    if (typeof f?.name !== 'string' || typeof f?.bucket !== 'string') return;
    const name = `${prefixOf(env)}s3files-${f.name}`;
    s3FsRoles.set(f.name, roleArn(cloud.accountId, name));
    role(name, `S3 Files file system ${f.name} (syncs with bucket ${f.bucket})`, [], s3FilesRolePolicy(f.bucket), [], S3_FILES_SERVICE_PRINCIPAL);
  });

  // --- ACK controllers ---------------------------------------------------------------------------
  const services: AckService[] = ['iam', ...(mode === 'pod-identity' ? (['eks'] as const) : []), ...(buckets.length > 0 ? (['s3'] as const) : []), ...(fileSystems.length > 0 ? (['efs'] as const) : []), ...(s3FileSystems.length > 0 ? (['s3files'] as const) : []), ...(inputs.alarms ? (['cloudwatch'] as const) : [])];
  const controllers: PlannedAckController[] = [];
  for (const s of services) {
    const controller = ACK_CONTROLLERS[s];
    let arn: string;
    if (controller.bootstrap) arn = idDef.controllerRoles?.[s as 'iam' | 'eks'] ?? '';
    else {
      const name = `${prefixOf(env)}${controller.serviceAccount}`;
      // CreateFileSystem passes the file system's role to S3 Files: the controller may pass exactly those roles, to that service.
      const passRole: IamPolicyDocument | undefined =
        s === 's3files' && s3FsRoles.size > 0
          ? { Version: '2012-10-17', Statement: [{ Sid: 'PassFileSystemRoles', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [...s3FsRoles.values()], Condition: { StringEquals: { 'iam:PassedToService': S3_FILES_SERVICE_PRINCIPAL } } }] }
          : undefined;
      role(name, controller.title, [{ namespace: 'ack-system', name: controller.serviceAccount }], passRole, controller.managedPolicies);
      arn = roleArn(cloud.accountId, name);
    }
    controllers.push({
      controller,
      roleArn: arn,
      values: {
        aws: { region: env.cluster?.region },
        // Every object strata writes states its own deletion policy; this is the default for any other.
        deletionPolicy: 'retain',
        serviceAccount: { annotations: mode === 'irsa' ? { 'eks.amazonaws.com/role-arn': arn } : {} },
      },
    });
  }

  // --- synthesis ------------------------------------------------------------------------------------
  // A construct's message names its own field; the environment's names where it is declared: 'cloud.buckets[0].lifecycle.expireAfterDays'.
  const placed = (m: string) => {
    const at = /^\[([a-zA-Z]+\[\d+\])\] '([^']+)'(.*)$/s.exec(m);
    if (at) return `'cloud.${at[1]}.${at[2]}'${at[3]}`;
    const role = /^\[roles--([^\]]+)\] (.*)$/s.exec(m);
    return role ? `cloud.identity: the role ${role[1]}: ${role[2]}` : `cloud: ${m}`;
  };
  const prefix = placed;
  const ids = synthCloud(CLOUD_NAMESPACE, (scope) => {
    for (const r of roles) new CloudRole(scope, `roles/${r.objectName}`, { name: r.objectName, roleName: r.roleName, description: `strata ${env.name}: ${r.purpose}`.slice(0, 1000), serviceAccounts: [...r.serviceAccounts], identity, ...(r.policy ? { policy: r.policy } : {}), managedPolicies: [...r.managedPolicies], ...(r.trustedService ? { trustedService: r.trustedService } : {}) });
  });
  for (const e of ids.errors) failRaw(prefix(e));
  for (const w of ids.warnings) warn(prefix(w));

  const seen = new Set<string>();
  buckets.forEach((b, i) => {
    if (seen.has(b?.name)) fail(`cloud.buckets[${i}].name`, b.name, 'a bucket declared once', 'remove the second declaration');
    seen.add(b?.name);
  });
  const variables: Record<string, string> = {};
  const used = new Map<string, string[]>();
  for (const t of inputs.tiers) {
    for (const m of JSON.stringify(t.values).matchAll(VARIABLE_REFERENCE)) used.set(m[1], [...(used.get(m[1]) ?? []), t.field]);
  }
  // storage.s3-files releases naming an S3 Files file system's id by ConfigMap key (cloudS3FileSystemIdRef).
  const refUsers = new Map<string, string[]>();
  for (const t of inputs.tiers) {
    const ref = t.values.fileSystemIdConfigRef;
    if (typeof ref === 'string' && ref.startsWith(`${CLOUD_NAMESPACE}/${CLOUD_VALUES}/`)) refUsers.set(ref, [...(refUsers.get(ref) ?? []), t.field]);
  }
  const made = new Map<string, CloudBucket>();
  const res = synthCloud(CLOUD_NAMESPACE, (scope) => {
    buckets.forEach((b, i) => made.set(b.name, new CloudBucket(scope, `buckets[${i}]`, b)));
    for (const [i, f] of fileSystems.entries()) {
      const variable = fileSystemIdVariable(f.name);
      variables[variable] = `the id of EFS file system ${f.name}`;
      new CloudFileSystem(scope, `fileSystems[${i}]`, {
        ...f,
        // An adopted file system already has its mount targets (a second one in a subnet is refused: MountTargetConflict).
        mountTargets: f.mountTargets ?? (f.adoptFileSystemId === undefined && env.network?.subnetId ? [{ subnetId: env.network.subnetId, securityGroupIds: [...(env.network.securityGroupIds ?? [])] }] : []),
        ...(used.has(variable) ? { exportId: { namespace: CLOUD_NAMESPACE, configMap: CLOUD_VALUES, key: variable } } : {}),
      });
    }
    for (const [i, f] of s3FileSystems.entries()) {
      if (typeof f?.name !== 'string') continue;
      new CloudS3FileSystem(scope, `s3FileSystems[${i}]`, {
        ...f,
        roleArn: s3FsRoles.get(f.name) ?? '',
        // An adopted file system already has its mount targets.
        mountTargets: f.mountTargets ?? (f.adoptFileSystemId === undefined && env.network?.subnetId ? [{ subnetId: env.network.subnetId, securityGroupIds: [...(env.network.securityGroupIds ?? [])] }] : []),
        ...(refUsers.has(cloudS3FileSystemIdRef(f.name)) ? { exportId: { namespace: CLOUD_NAMESPACE, configMap: CLOUD_VALUES, key: s3FilesIdKey(f.name) } } : {}),
      });
    }
  });
  for (const e of res.errors) failRaw(prefix(e));
  for (const w of res.warnings) warn(prefix(w));
  for (const [v, fields] of used) {
    if (!(v in variables)) fail(`${fields[0]}`, `\${${v}}`, `a cloud value this environment exports (${Object.keys(variables).map((x) => `\${${x}}`).join(', ') || 'none: it declares no cloud.fileSystems'})`, 'write cloudFileSystemId(\'<name>\') with the name of a file system under cloud.fileSystems');
  }
  const s3Refs = new Set(s3FileSystems.filter((f) => typeof f?.name === 'string').map((f) => cloudS3FileSystemIdRef(f.name)));
  for (const [ref, fields] of refUsers) {
    if (!s3Refs.has(ref)) fail(`${fields[0]}.fileSystemIdConfigRef`, ref, `the id of an S3 Files file system this environment declares (${[...s3Refs].map((r) => `"${r}"`).join(', ') || 'none: it declares no cloud.s3FileSystems'})`, 'write cloudS3FileSystemIdRef(\'<name>\') with the name of a file system under cloud.s3FileSystems');
  }
  const exportsAny = Object.keys(variables).some((v) => used.has(v)) || [...refUsers.keys()].some((r) => s3Refs.has(r));
  const resourceObjects: KubeObject[] = [
    ...(exportsAny ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CLOUD_VALUES, namespace: CLOUD_NAMESPACE, annotations: { 'strata.dev/written-by': 'ACK FieldExports (data keys); Flux applies the object only' } } }] : []),
    ...(res.objects as KubeObject[]),
  ];
  for (const [b, users] of bucketUsers) {
    if (!buckets.some((x) => x.name === b)) warn(`bucket ${b} (read or written by ${[...users].sort().join(', ')}) is not under cloud.buckets: ACK does not manage its versioning, encryption or lifecycle; declare it (adopt: "adopt" keeps the bucket, its data and the configuration strata does not declare)`);
  }
  return {
    mode,
    controllers,
    identityObjects: ids.objects as KubeObject[],
    resourceObjects,
    roles,
    buckets: buckets.map((b) => {
      const c = made.get(b.name)!;
      return { name: b.name, purpose: b.purpose, versioned: c.versioned, versioningWritten: b.versioning !== undefined || b.purpose !== 'other', encryption: b.kmsKeyArn ? 'SSE-KMS' : 'SSE-S3', ...(b.adopt ? { adopt: b.adopt } : {}), ...(c.lifecycle ? { lifecycle: c.lifecycle } : {}), rules: c.rules, usedBy: [...(bucketUsers.get(b.name) ?? [])].sort() };
    }),
    fileSystems: fileSystems.map((f) => {
      const l = f.lifecycle === false ? undefined : { toInfrequentAccess: 'AFTER_30_DAYS' as string | false, toArchive: 'AFTER_90_DAYS' as string | false, backOnFirstAccess: true, ...f.lifecycle };
      const variable = fileSystemIdVariable(f.name);
      return { name: f.name, ...(f.adoptFileSystemId ? { adopt: f.adoptFileSystemId } : {}), ...(l ? { lifecycle: l } : {}), backups: f.backups ?? true, mountTargets: (f.mountTargets ?? (f.adoptFileSystemId === undefined ? [env.network?.subnetId] : [])).length, accessPoints: (f.accessPoints ?? []).length, variable, usedBy: used.get(variable) ?? [] };
    }),
    s3FileSystems: s3FileSystems.map((f) => ({
      name: f.name,
      bucket: f.bucket,
      ...(f.prefix ? { prefix: f.prefix } : {}),
      ...(f.adoptFileSystemId ? { adopt: f.adoptFileSystemId } : {}),
      roleArn: s3FsRoles.get(f.name) ?? '',
      mountTargets: (f.mountTargets ?? (f.adoptFileSystemId === undefined ? [env.network?.subnetId] : [])).length,
      configRef: cloudS3FileSystemIdRef(f.name),
      usedBy: refUsers.get(cloudS3FileSystemIdRef(f.name)) ?? [],
    })),
    variables,
    driverValues,
  };
}

/** What a data-holding value shows in messages. */
export function describeVariable(v: string): string {
  return showValue(`\${${v}}`);
}

/** What generate checks a cloud value against until Flux substitutes the real one (a well-formed EFS id). */
export const FILE_SYSTEM_ID_STAND_IN = 'fs-0123456789abcdef0';

/**
 * Values with each `${efs_<name>_file_system_id}` replaced by what Flux will substitute — the id of
 * an adopted file system, else a stand-in of the same form — for the checks generate runs (the
 * HelmRelease keeps the variable).
 */
export function withCloudStandIns<T>(values: T, env?: EnvironmentDefinition): T {
  const adopted = new Map((env?.cloud?.fileSystems ?? []).filter((f) => typeof f?.adoptFileSystemId === 'string').map((f) => [fileSystemIdVariable(f.name), f.adoptFileSystemId!]));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^\$\{(efs_[_a-zA-Z0-9]*_file_system_id)\}$/.exec(v);
      return m ? (adopted.get(m[1]) ?? FILE_SYSTEM_ID_STAND_IN) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(values) as T;
}
