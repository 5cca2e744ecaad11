/**
 * Every bad-input case of the four tiers, built with the construct APIs, with the exact
 * errors and warnings: the per-tier tests run them, and so does the bad-input matrix of the hardening
 * suite (test/hardening). One table per tier, each in its own scope so its helpers keep short names.
 * Each row's name starts with its case number (rows that try the same rule share one); comments in
 * the constructs and patterns refer to a rule by that number ("case 11").
 */
import { Chart, Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AccessMode, VolumeBindingMode, StorageClass,
  FsxAutoImportPolicy, FsxDeploymentType, FsxDriveCacheType, FsxFileSystemTypeVersion, FsxLustre, FsxLustreProps, FsxLustreStorageClass, FsxLustreStorageClassProps, FsxMetadataConfigurationMode, FsxStorageType,
  Efs, EfsFromFileSystemOptions, EfsProps, EfsProvisioningMode, EfsStorageClass, EfsStorageClassProps,
  INSTANCE_LOCAL_NVME_LABEL, InstanceStore, KarpenterNvmeNodeClass, KarpenterNvmeNodePool, LocalStorageStrategy, PodSecurityLevel,
  S3AuthenticationSource, S3Mountpoint, S3MountpointProps,
} from '@strata/storage';

/** One row of the storage part: which tier, the case (its number, then what it does wrong), how to build it, the exact errors and warnings. */
export type StorageRow = [tier: string, name: string, build: (chart: Chart) => unknown, errors: string[], warnings: string[]];

// ---- FSx for Lustre (packages/storage/test/fsx-lustre.test.ts) ----
export const FSX_ROWS: StorageRow[] = (() => {
const SUBNET = 'subnet-0eabfaa81fb22bcaf';
const SG = 'sg-068000ccf82dfba88';
/** The network every new file system needs: one subnet, at least one security group. */
const NET = { subnetId: SUBNET, securityGroupIds: [SG] };
const FS_ID = 'fs-0199e5a63bd90f796';
const DNS = 'fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com';
const KMS = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Persistent SSD that passes every rule; rows of the bad-input table change one thing. */
const P1: FsxLustreStorageClassProps = { ...NET, deploymentType: FsxDeploymentType.PERSISTENT_1, perUnitStorageThroughput: 200 };
const P2: FsxLustreStorageClassProps = { ...NET, deploymentType: FsxDeploymentType.PERSISTENT_2, perUnitStorageThroughput: 125 };
const EFA: FsxLustreStorageClassProps = { ...P2, perUnitStorageThroughput: 1000, metadataConfigurationMode: FsxMetadataConfigurationMode.AUTOMATIC, efaEnabled: true };

/** Props as a careless JavaScript or YAML user would pass them (values outside the enums). */
const loose = (p: Record<string, unknown>) => p as unknown as FsxLustreStorageClassProps;
const sc = (p: FsxLustreStorageClassProps) => (c: Chart) => new FsxLustreStorageClass(c, 'sc', p);
const fsx = (p: Partial<FsxLustreProps>) => (c: Chart) => new FsxLustre(c, 'fsx', { storage: Size.gibibytes(1200), ...p } as FsxLustreProps);



const previous = (p: FsxLustreStorageClassProps, storage: number, before: number) => fsx({ ...p, storage: Size.gibibytes(storage), previousStorage: Size.gibibytes(before) });
const fromFs = (p: Record<string, unknown>) => (c: Chart) => FsxLustre.fromFileSystem(c, 'fsx', { fileSystemId: FS_ID, dnsName: DNS, mountName: 'abcdef12', storage: Size.gibibytes(1200), ...p } as any);
const SCRATCH_ONLY = 'remove it or use a PERSISTENT deployment type';
const THROUGHPUT_FIX = 'pick a throughput the deployment type offers';
const NO_S3_BACKUPS = 'FSx takes no backups of a file system linked to S3, whose bucket is its durable copy: export results to the bucket, or remove s3ImportPath for a backed-up PERSISTENT_1 file system';
const DRA = 'PERSISTENT_2 links S3 through data repository associations, which the driver does not create: create the association outside Kubernetes, or use SCRATCH_2 or PERSISTENT_1';
const TAG = 'a tag "Key=Value" with a key of 1 to 128 and a value of up to 256 ASCII letters, digits, spaces and _ . : / + - @ (no "=" or "," inside either)';
const TAG_FIX = 'the driver splits "k1=v1,k2=v2" on "," and then "=" (it fails with "invalid extraTag") and FSx takes tags of this shape only: change or remove the tag';
const TAG_RESERVED = 'aws: is reserved by AWS, and the driver sets CSIVolumeName itself (to the volume name): use another key';


  const rows: [string, (c: Chart) => unknown, string[], string[]?][] = [
  ['1 PERSISTENT_1 SSD throughput 125', sc({ ...P1, perUnitStorageThroughput: 125 }), [`[test/sc] 'perUnitStorageThroughput' (125) must be one of 50, 100, 200 for PERSISTENT_1 SSD; ${THROUGHPUT_FIX}`]],
  ['2 PERSISTENT_2 throughput 200', sc({ ...P2, perUnitStorageThroughput: 200 }), [`[test/sc] 'perUnitStorageThroughput' (200) must be one of 125, 250, 500, 1000 for PERSISTENT_2 SSD; ${THROUGHPUT_FIX}`]],
  ['3 PERSISTENT_1 HDD throughput 50', sc({ ...P1, storageType: FsxStorageType.HDD, driveCacheType: FsxDriveCacheType.READ, perUnitStorageThroughput: 50 }), [`[test/sc] 'perUnitStorageThroughput' (50) must be one of 12, 40 for PERSISTENT_1 HDD; ${THROUGHPUT_FIX}`]],
  ['4 SCRATCH_2 with throughput', sc({ ...NET, perUnitStorageThroughput: 200 }), [`[test/sc] 'perUnitStorageThroughput' (200) must be unset for SCRATCH_2; scratch file systems have a fixed throughput: ${SCRATCH_ONLY}`]],
  ['4 SCRATCH_1 with kmsKeyId', sc({ ...NET, deploymentType: FsxDeploymentType.SCRATCH_1, kmsKeyId: KMS }), [`[test/sc] 'kmsKeyId' ("${KMS}") must be unset for SCRATCH_1; scratch file systems are always encrypted with a key FSx manages: ${SCRATCH_ONLY}`]],
  ['4 SCRATCH_2 with backups', sc({ ...NET, automaticBackupRetentionDays: 7 }), [`[test/sc] 'automaticBackupRetentionDays' (7) must be 0 or unset for SCRATCH_2; scratch file systems have no backups: ${SCRATCH_ONLY}`]],
  ['4 SCRATCH_2 with backups off is fine', sc({ ...NET, automaticBackupRetentionDays: 0 }), []],
  ['5 PERSISTENT_1 without throughput', sc({ ...P1, perUnitStorageThroughput: undefined }), [`[test/sc] 'perUnitStorageThroughput' (not set) must be one of 50, 100, 200 for PERSISTENT_1 SSD; the FSx API requires it for persistent file systems and the driver has no default (its README's "Default 200" is not implemented)`]],
  ['5 PERSISTENT_2 without throughput', sc({ ...P2, perUnitStorageThroughput: undefined }), [`[test/sc] 'perUnitStorageThroughput' (not set) must be one of 125, 250, 500, 1000 for PERSISTENT_2 SSD; the FSx API requires it for persistent file systems and the driver has no default (its README's "Default 200" is not implemented)`]],
  ['6 HDD on PERSISTENT_2', sc({ ...P2, storageType: FsxStorageType.HDD, driveCacheType: FsxDriveCacheType.READ }), [`[test/sc] 'deploymentType' ("PERSISTENT_2") must be PERSISTENT_1 for HDD storage; HDD storage is offered on PERSISTENT_1 only: use storageType SSD or deploymentType PERSISTENT_1`]],
  ['6 HDD on SCRATCH_2', sc({ ...NET, storageType: FsxStorageType.HDD, driveCacheType: FsxDriveCacheType.NONE }), [`[test/sc] 'deploymentType' ("SCRATCH_2") must be PERSISTENT_1 for HDD storage; HDD storage is offered on PERSISTENT_1 only: use storageType SSD or deploymentType PERSISTENT_1`]],
  ['6 HDD without driveCacheType', sc({ ...P1, storageType: FsxStorageType.HDD, perUnitStorageThroughput: 12 }), [`[test/sc] 'driveCacheType' (not set) must be NONE or READ for HDD storage; the FSx API requires it for HDD: set READ to cache reads on SSD, or NONE`]],
  ['6 driveCacheType on SSD', sc({ ...P1, driveCacheType: FsxDriveCacheType.READ }), [`[test/sc] 'driveCacheType' ("READ") must be unset for SSD storage; the read cache belongs to HDD file systems: remove driveCacheType`]],
  ['7 INTELLIGENT_TIERING', sc({ ...P2, storageType: FsxStorageType.INTELLIGENT_TIERING }), [`[test/sc] 'storageType' ("INTELLIGENT_TIERING") must be one of SSD, HDD; the driver cannot pass the throughput capacity and read cache Intelligent-Tiering needs: create the file system outside Kubernetes and use FsxLustre.fromFileSystem`]],
  ['8 S3 link on PERSISTENT_2', sc({ ...P2, s3ImportPath: 's3://ml-data', s3ExportPath: 's3://ml-data/export', autoImportPolicy: FsxAutoImportPolicy.NEW }), [
    `[test/sc] 's3ImportPath' ("s3://ml-data") must be unset for PERSISTENT_2; ${DRA}`,
    `[test/sc] 's3ExportPath' ("s3://ml-data/export") must be unset for PERSISTENT_2; ${DRA}`,
    `[test/sc] 'autoImportPolicy' ("NEW") must be unset for PERSISTENT_2; ${DRA}`,
  ]],
  ['9 s3ExportPath without s3ImportPath', sc({ ...NET, s3ExportPath: 's3://ml-data/export' }), [`[test/sc] 's3ExportPath' ("s3://ml-data/export") must be unset without s3ImportPath; the S3 link is made by s3ImportPath: set it (export goes to the same bucket), or remove this`]],
  ['9 autoImportPolicy without s3ImportPath', sc({ ...NET, autoImportPolicy: FsxAutoImportPolicy.NEW_CHANGED }), [`[test/sc] 'autoImportPolicy' ("NEW_CHANGED") must be unset without s3ImportPath; the S3 link is made by s3ImportPath: set it (export goes to the same bucket), or remove this`]],
  ['9 export to another bucket', sc({ ...NET, s3ImportPath: 's3://ml-data/in', s3ExportPath: 's3://ml-results/out' }), [`[test/sc] 's3ExportPath' ("s3://ml-results/out") must be in the bucket of s3ImportPath (ml-data); export to a prefix of that bucket, e.g. "s3://ml-data/export"`]],
  ['9 not an S3 URL', sc({ ...NET, s3ImportPath: 'ml-data' }), [`[test/sc] 's3ImportPath' ("ml-data") must be an S3 URL s3://bucket[/prefix]; e.g. "s3://ml-training-data-000/prefix"`]],
  ['10 autoImportPolicy ALL', sc(loose({ ...NET, s3ImportPath: 's3://ml-data', autoImportPolicy: 'ALL' })), [`[test/sc] 'autoImportPolicy' ("ALL") must be one of NONE, NEW, NEW_CHANGED, NEW_CHANGED_DELETED; NEW_CHANGED_DELETED keeps the file system in step with the bucket`]],
  ['11 no subnetId', sc({ securityGroupIds: [SG], deploymentType: FsxDeploymentType.SCRATCH_2 }), [`[test/sc] 'subnetId' (not set) must be one subnet id; set subnetId to the subnet the file system is created in; the driver fails with "SubnetId is required"`]],
  ['11 two subnets', sc({ subnetId: `${SUBNET},subnet-0d7b5e117ad7b4961`, securityGroupIds: [SG] }), [`[test/sc] 'subnetId' ("${SUBNET},subnet-0d7b5e117ad7b4961") must be exactly one subnet id (subnet- and 8 to 17 hex digits); FSx for Lustre takes one subnet per file system: make one StorageClass per subnet`]],
  ...([['no security groups', undefined, 'not set'], ['an empty list of security groups', [], '[]']] as const).map(([what, securityGroupIds, shown]): [string, (c: Chart) => unknown, string[]] => [
    `11 ${what}`,
    sc({ subnetId: SUBNET, securityGroupIds: securityGroupIds as string[] | undefined }),
    [`[test/sc] 'securityGroupIds' (${shown}) must be at least one security group id for a new file system; give the groups that allow Lustre traffic (TCP 988) between the nodes and the file system: without one the driver sends SecurityGroupIds [""] to CreateFileSystem, which fails`],
  ]),
  ['11 security groups in one string', sc({ ...NET, securityGroupIds: [`${SG},sg-05a37bfe01467059a`] }), [`[test/sc] 'securityGroupIds' ("${SG},sg-05a37bfe01467059a") must be a security group id (sg- and 8 to 17 hex digits); list each security group id separately, e.g. ["sg-068000ccf82dfba88"]`]],
  ['12 backup start "2:00"', sc({ ...P1, automaticBackupRetentionDays: 1, dailyAutomaticBackupStartTime: '2:00' }), [`[test/sc] 'dailyAutomaticBackupStartTime' ("2:00") must be HH:MM in UTC, from 00:00 to 23:59; write the hour and minute with two digits each, e.g. "02:00"`]],
  ['12 backup start "24:00"', sc({ ...P1, automaticBackupRetentionDays: 1, dailyAutomaticBackupStartTime: '24:00' }), [`[test/sc] 'dailyAutomaticBackupStartTime' ("24:00") must be HH:MM in UTC, from 00:00 to 23:59; write the hour and minute with two digits each, e.g. "02:00"`]],
  ['backups on a PERSISTENT_1 file system linked to S3', sc({ ...P1, s3ImportPath: 's3://ml-data', automaticBackupRetentionDays: 7, dailyAutomaticBackupStartTime: '02:00', copyTagsToBackups: true }), [
    `[test/sc] 'automaticBackupRetentionDays' (7) must be 0 or unset on a file system linked to S3 (s3ImportPath); ${NO_S3_BACKUPS}`,
    `[test/sc] 'dailyAutomaticBackupStartTime' ("02:00") must be unset on a file system linked to S3 (s3ImportPath); ${NO_S3_BACKUPS}`,
    `[test/sc] 'copyTagsToBackups' (true) must be false or unset on a file system linked to S3 (s3ImportPath); ${NO_S3_BACKUPS}`,
  ]],
  ['backups on a SCRATCH_2 file system linked to S3: the scratch rule speaks', sc({ ...NET, s3ImportPath: 's3://ml-data', automaticBackupRetentionDays: 7 }), [`[test/sc] 'automaticBackupRetentionDays' (7) must be 0 or unset for SCRATCH_2; scratch file systems have no backups: ${SCRATCH_ONLY}`]],
  ['a PERSISTENT_1 file system linked to S3 without backups is fine', sc({ ...P1, s3ImportPath: 's3://ml-data', automaticBackupRetentionDays: 0, copyTagsToBackups: false }), []],
  ['13 backup start without retention (warn)', sc({ ...P1, dailyAutomaticBackupStartTime: '00:00' }), [], [`[test/sc] 'dailyAutomaticBackupStartTime' ("00:00") is dropped by the driver unless automaticBackupRetentionDays is above 0; set automaticBackupRetentionDays, or remove the start time`]],
  ['13 backup start with retention 0 (warn)', sc({ ...P1, automaticBackupRetentionDays: 0, dailyAutomaticBackupStartTime: '03:00' }), [], [`[test/sc] 'dailyAutomaticBackupStartTime' ("03:00") is dropped by the driver unless automaticBackupRetentionDays is above 0; set automaticBackupRetentionDays, or remove the start time`]],
  ...['0:09:00', 'Sun:09:00', '7:9:00'].map((t): [string, (c: Chart) => unknown, string[]] => [
    `14 maintenance "${t}"`,
    sc({ ...NET, weeklyMaintenanceStartTime: t }),
    [`[test/sc] 'weeklyMaintenanceStartTime' ("${t}") must be d:HH:MM in UTC with d from 1 (Monday) to 7 (Sunday); e.g. "7:09:00" for Sunday 09:00`],
  ]),
  ...[91, -1].map((d): [string, (c: Chart) => unknown, string[]] => [
    `15 retention ${d}`,
    sc({ ...P1, automaticBackupRetentionDays: d }),
    [`[test/sc] 'automaticBackupRetentionDays' (${d}) must be a whole number of days between 0 and 90; 0 disables automatic backups (the driver README's maximum of 35 is stale)`],
  ]),
  ['16 2.10 with PERSISTENT_2', sc({ ...P2, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_10 }), [`[test/sc] 'fileSystemTypeVersion' ("2.10") must be 2.12 or 2.15 for PERSISTENT_2; Lustre 2.10 cannot run PERSISTENT_2: use 2.15`]],
  ['16 version 2.14', sc(loose({ ...NET, fileSystemTypeVersion: '2.14' })), [`[test/sc] 'fileSystemTypeVersion' ("2.14") must be one of 2.10, 2.12, 2.15; use 2.15 (recommended)`]],
  ['16 2.12 with a metadata configuration', sc({ ...P2, metadataConfigurationMode: FsxMetadataConfigurationMode.AUTOMATIC, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_12 }), [`[test/sc] 'fileSystemTypeVersion' ("2.12") must be 2.15 for PERSISTENT_2 with a metadata configuration; set fileSystemTypeVersion to 2.15 or leave it unset`]],
  ['16 Auto Mode without a version', sc({ ...NET, autoModeCluster: true }), [`[test/sc] 'fileSystemTypeVersion' (not set) must be 2.15 on an EKS Auto Mode cluster; EKS Auto Mode needs Lustre 2.15 file systems (driver docs/install.md): set fileSystemTypeVersion to 2.15`]],
  ['16 Auto Mode with 2.12', sc({ ...NET, autoModeCluster: true, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_12 }), [`[test/sc] 'fileSystemTypeVersion' ("2.12") must be 2.15 on an EKS Auto Mode cluster; EKS Auto Mode needs Lustre 2.15 file systems (driver docs/install.md): set fileSystemTypeVersion to 2.15`]],
  ['17 EFA on SCRATCH_2', sc({ ...NET, efaEnabled: true }), [
    `[test/sc] 'deploymentType' ("SCRATCH_2") must be PERSISTENT_2 when efaEnabled is true; EFA is offered on PERSISTENT_2 only: use PERSISTENT_2, or remove efaEnabled`,
    `[test/sc] 'metadataConfigurationMode' (not set) must be AUTOMATIC or USER_PROVISIONED when efaEnabled is true; EFA file systems need a metadata configuration: set metadataConfigurationMode to AUTOMATIC`,
  ]],
  ['17 EFA without metadata configuration', sc({ ...EFA, metadataConfigurationMode: undefined }), [`[test/sc] 'metadataConfigurationMode' (not set) must be AUTOMATIC or USER_PROVISIONED when efaEnabled is true; EFA file systems need a metadata configuration: set metadataConfigurationMode to AUTOMATIC`]],
  ['17 EFA with 2.12', sc({ ...EFA, fileSystemTypeVersion: FsxFileSystemTypeVersion.V2_12 }), [`[test/sc] 'fileSystemTypeVersion' ("2.12") must be 2.15 when efaEnabled is true; EFA needs Lustre 2.15: set fileSystemTypeVersion to 2.15 or leave it unset`]],
  ['18 EFA 1000 MB/s/TiB, 1200Gi', fsx({ ...EFA }), [`[test/fsx] 'storage' (1200Gi) must be a multiple of 4800Gi for an EFA-enabled file system at 1000 MB/s/TiB; request 4800Gi`]],
  ['18 EFA 500 MB/s/TiB, 4800Gi', fsx({ ...EFA, perUnitStorageThroughput: 500, storage: Size.gibibytes(4800) }), [`[test/fsx] 'storage' (4800Gi) must be a multiple of 9600Gi for an EFA-enabled file system at 500 MB/s/TiB; request 9600Gi`]],
  ['18 EFA 250 MB/s/TiB, 20000Gi', fsx({ ...EFA, perUnitStorageThroughput: 250, storage: Size.gibibytes(20000) }), [`[test/fsx] 'storage' (20000Gi) must be a multiple of 19200Gi for an EFA-enabled file system at 250 MB/s/TiB; request 38400Gi`]],
  ['18 EFA 125 MB/s/TiB, 19200Gi', fsx({ ...EFA, perUnitStorageThroughput: 125, storage: Size.gibibytes(19200) }), [`[test/fsx] 'storage' (19200Gi) must be a multiple of 38400Gi for an EFA-enabled file system at 125 MB/s/TiB; request 38400Gi`]],
  ['19 USER_PROVISIONED 2000 IOPS', sc({ ...P2, metadataConfigurationMode: FsxMetadataConfigurationMode.USER_PROVISIONED, metadataIops: 2000 }), [`[test/sc] 'metadataIops' (2000) must be one of 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000 for USER_PROVISIONED; pick a metadata IOPS level FSx offers`]],
  ['19 USER_PROVISIONED 204000 IOPS', sc({ ...P2, metadataConfigurationMode: FsxMetadataConfigurationMode.USER_PROVISIONED, metadataIops: 204000 }), [`[test/sc] 'metadataIops' (204000) must be one of 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000 for USER_PROVISIONED; pick a metadata IOPS level FSx offers`]],
  ['19 USER_PROVISIONED without IOPS', sc({ ...P2, metadataConfigurationMode: FsxMetadataConfigurationMode.USER_PROVISIONED }), [`[test/sc] 'metadataIops' (not set) must be one of 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000 for USER_PROVISIONED; USER_PROVISIONED has no default: set metadataIops, or use AUTOMATIC`]],
  ['19 AUTOMATIC with IOPS', sc({ ...P2, metadataConfigurationMode: FsxMetadataConfigurationMode.AUTOMATIC, metadataIops: 3000 }), [`[test/sc] 'metadataIops' (3000) must be unset with metadataConfigurationMode AUTOMATIC; FSx sizes metadata IOPS itself in AUTOMATIC mode: remove metadataIops, or use USER_PROVISIONED`]],
  ['19 IOPS without a mode', sc({ ...P2, metadataIops: 3000 }), [`[test/sc] 'metadataIops' (3000) must be unset without metadataConfigurationMode; the driver ignores it unless metadataConfigurationMode is set: set USER_PROVISIONED, or remove metadataIops`]],
  ['19 metadata configuration on PERSISTENT_1', sc({ ...P1, metadataConfigurationMode: FsxMetadataConfigurationMode.AUTOMATIC }), [`[test/sc] 'metadataConfigurationMode' ("AUTOMATIC") must be unset for PERSISTENT_1; a metadata configuration exists on PERSISTENT_2 only: remove it or use PERSISTENT_2`]],
  ['20 compression GZIP', sc(loose({ ...NET, dataCompressionType: 'GZIP' })), [`[test/sc] 'dataCompressionType' ("GZIP") must be one of NONE, LZ4; use LZ4 to compress, or NONE`]],
  ['21 extraTags "team=ml,env"', sc({ ...NET, extraTags: { team: 'ml,env' } }), [`[test/sc] 'extraTags' ("team=ml,env") must be ${TAG}; ${TAG_FIX}`]],
  ['21 extraTags "a=b=c"', sc({ ...NET, extraTags: { a: 'b=c' } }), [`[test/sc] 'extraTags' ("a=b=c") must be ${TAG}; ${TAG_FIX}`]],
  ['21 extraTags as a list, one without "="', sc({ ...NET, extraTags: ['team=ml', 'costcenter'] }), [`[test/sc] 'extraTags' ("costcenter") must be ${TAG}; ${TAG_FIX}`]],
  ['21 extraTags with a key of 129 characters', sc({ ...NET, extraTags: { ['k'.repeat(129)]: 'v' } }), [`[test/sc] 'extraTags' ("${'k'.repeat(129)}=v") must be ${TAG}; ${TAG_FIX}`]],
  ['21 extraTags with a "#"', sc({ ...NET, extraTags: ['owner=ml#1'] }), [`[test/sc] 'extraTags' ("owner=ml#1") must be ${TAG}; ${TAG_FIX}`]],
  ['21 extraTags with the reserved prefix aws:', sc({ ...NET, extraTags: { 'AWS:team': 'ml' } }), [`[test/sc] 'extraTags' ("AWS:team=ml") must be a tag without the reserved prefix aws: (in its key or value) and not CSIVolumeName; ${TAG_RESERVED}`]],
  ['21 extraTags with the driver\'s own key', sc({ ...NET, extraTags: ['CSIVolumeName=mine'] }), [`[test/sc] 'extraTags' ("CSIVolumeName=mine") must be a tag without the reserved prefix aws: (in its key or value) and not CSIVolumeName; ${TAG_RESERVED}`]],
  ['21 extraTags: 50 tags', sc({ ...NET, extraTags: Array.from({ length: 50 }, (_, i) => `t${i}=v`) }), [`[test/sc] 'extraTags' ("50 tags") must be at most 49 tags; a file system has at most 50 tags and the driver adds CSIVolumeName: drop some`]],
  ['21 extraTags: 49 tags are fine', sc({ ...NET, extraTags: Array.from({ length: 49 }, (_, i) => `t${i}=v`) }), []],
  ['28 copyTagsToBackups on SCRATCH_2 (warn)', sc({ ...NET, copyTagsToBackups: true }), [], [`[test/sc] 'copyTagsToBackups' (true) has no effect on SCRATCH_2: scratch file systems have no backups; remove it`]],
  ['17 EFA at 1000 MB/s/TiB with USER_PROVISIONED metadata is fine', sc({ ...EFA, metadataConfigurationMode: FsxMetadataConfigurationMode.USER_PROVISIONED, metadataIops: 12000 }), []],
  ['24 ReadOnlyMany claim', fsx({ ...NET, accessMode: AccessMode.READ_ONLY_MANY }), [`[test/fsx] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; use ReadWriteMany and mount with readOnly: true`]],
  ['24 ReadOnlyMany static volume', fromFs({ accessMode: AccessMode.READ_ONLY_MANY }), [`[test/fsx] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; use ReadWriteMany and mount with readOnly: true`]],
  ['24 ReadWriteOncePod', fsx({ ...NET, accessMode: AccessMode.READ_WRITE_ONCE_POD }), [`[test/fsx] 'accessMode' ("ReadWriteOncePod") must be one of ReadWriteOnce, ReadWriteMany; use ReadWriteMany and mount with readOnly: true`]],
  ['25 static without dnsname', fromFs({ dnsName: undefined }), [`[test/fsx] 'dnsname' (not set) must be the file system's DNS name; copy DNSName from aws fsx describe-file-systems; the driver fails with "dnsname is not provided"`]],
  ['25 static without mountname (PERSISTENT_2)', fromFs({ mountName: undefined, deploymentType: FsxDeploymentType.PERSISTENT_2 }), [`[test/fsx] 'mountname' (not set) must be set for PERSISTENT_2; only SCRATCH_1 file systems have the mount name "fsx": copy LustreConfiguration.MountName from aws fsx describe-file-systems`]],
  ['25 static without mountname (type unknown)', fromFs({ mountName: undefined }), [`[test/fsx] 'mountname' (not set) must be set unless the file system is SCRATCH_1; only SCRATCH_1 file systems have the mount name "fsx": copy LustreConfiguration.MountName from aws fsx describe-file-systems`]],
  ['25 static SCRATCH_1 with another mountname', fromFs({ deploymentType: FsxDeploymentType.SCRATCH_1 }), [`[test/fsx] 'mountname' ("abcdef12") must be fsx for SCRATCH_1; SCRATCH_1 file systems always have the mount name "fsx"`]],
  ['25 static bad file system id', fromFs({ fileSystemId: 'fs-12' }), [`[test/fsx] 'volumeHandle' ("fs-12") must be a file system id (fs- and 8 to 18 hex digits); copy FileSystemId from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796"`]],
  // FileSystemId: ^(fs-[0-9a-f]{8,})$, at most 21 characters (botocore fsx service-2.json): 18 hex digits at most.
  ['25 static file system id of 19 hex digits', fromFs({ fileSystemId: 'fs-0123456789abcdef012' }), [`[test/fsx] 'volumeHandle' ("fs-0123456789abcdef012") must be a file system id (fs- and 8 to 18 hex digits); copy FileSystemId from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796"`]],
  ['25 static dnsname of another file system', fromFs({ fileSystemId: 'fs-0123456789abcdef0' }), [`[test/fsx] 'dnsname' ("${DNS}") must be the DNS name of fs-0123456789abcdef0; copy DNSName of the same file system`]],
  ['25 static dnsname not an FSx name', fromFs({ dnsName: 'fsx.example.com' }), [`[test/fsx] 'dnsname' ("fsx.example.com") must be an FSx DNS name <fs-id>.fsx.<region>.amazonaws.com; copy DNSName from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com"`]],
  ...((): [string, (c: Chart) => unknown, string[], string[]?][] => {
    const A = { associationId: 'dra-0123456789abcdef0', dataRepositoryPath: 's3://ml-datasets/pile/', fileSystemPath: '/datasets/pile/' };
    const B = { associationId: 'dra-0123456789abcdef1', dataRepositoryPath: 's3://ml-results/', fileSystemPath: '/results/' };
    const dra = (associations: Record<string, unknown>[], more: Record<string, unknown> = {}) => fromFs({ deploymentType: FsxDeploymentType.PERSISTENT_2, associations, ...more });
    const DESCRIBE = 'copy it from aws fsx describe-data-repository-associations';
    const NO_DRA = 'data repository associations are not available on SCRATCH_1 or Lustre 2.10 file systems: link S3 with s3ImportPath there, or use another file system';
    return [
      ['29 association id of another resource', dra([{ ...A, associationId: 'fs-0123456789abcdef0' }]), [`[test/fsx] 'associations[0].associationId' ("fs-0123456789abcdef0") must be an association id (dra- and 8 to 19 hex digits); ${DESCRIBE} (AssociationId), e.g. "dra-0123456789abcdef0"`]],
      // DataRepositoryAssociationId: ^(dra-[0-9a-f]{8,})$, at most 23 characters (botocore fsx service-2.json): 19 hex digits at most.
      ['29 association id of 20 hex digits', dra([{ ...A, associationId: `dra-${'0123456789abcdef0123'}` }]), [`[test/fsx] 'associations[0].associationId' ("dra-0123456789abcdef0123") must be an association id (dra- and 8 to 19 hex digits); ${DESCRIBE} (AssociationId), e.g. "dra-0123456789abcdef0"`]],
      ['29 association without its S3 path', dra([{ ...A, dataRepositoryPath: undefined }]), [`[test/fsx] 'associations[0].dataRepositoryPath' (not set) must be the S3 path it links; ${DESCRIBE} (DataRepositoryPath)`]],
      ['29 association S3 path without s3://', dra([{ ...A, dataRepositoryPath: 'ml-datasets/pile/' }]), [`[test/fsx] 'associations[0].dataRepositoryPath' ("ml-datasets/pile/") must be an S3 path s3://bucket[/prefix]; ${DESCRIBE} (DataRepositoryPath), e.g. "s3://ml-datasets/pile/"`]],
      ['29 association directory not absolute', dra([{ ...A, fileSystemPath: 'datasets/pile/' }]), [`[test/fsx] 'associations[0].fileSystemPath' ("datasets/pile/") must be an absolute directory of the file system such as "/datasets/pile/" or "/" (no "//") and at most 4096 characters; ${DESCRIBE} (FileSystemPath), e.g. "/datasets/pile/" or "/"`]],
      ['29 association directory with "//"', dra([{ ...A, fileSystemPath: '/datasets//pile' }]), [`[test/fsx] 'associations[0].fileSystemPath' ("/datasets//pile") must be an absolute directory of the file system such as "/datasets/pile/" or "/" (no "//") and at most 4096 characters; ${DESCRIBE} (FileSystemPath), e.g. "/datasets/pile/" or "/"`]],
      ['29 association importing an unknown event', dra([{ ...A, autoImport: ['NEW', 'MODIFIED'] }]), [`[test/fsx] 'associations[0].autoImport' ("MODIFIED") must be one of NEW, CHANGED, DELETED; ${DESCRIBE} (S3.AutoImportPolicy.Events)`]],
      ['29 association exporting an event twice', dra([{ ...A, autoExport: ['NEW', 'NEW'] }]), [`[test/fsx] 'associations[0].autoExport' (["NEW","NEW"]) must be a list of distinct events among NEW, CHANGED, DELETED; name NEW once`]],
      ['29 association chunk size 0', dra([{ ...A, importedFileChunkSize: 0 }]), [`[test/fsx] 'associations[0].importedFileChunkSize' (0) must be a whole number of MiB between 1 and 512000; ${DESCRIBE} (ImportedFileChunkSize)`]],
      ['29 association chunk size 600000', dra([{ ...A, importedFileChunkSize: 600000 }]), [`[test/fsx] 'associations[0].importedFileChunkSize' (600000) must be a whole number of MiB between 1 and 512000; ${DESCRIBE} (ImportedFileChunkSize)`]],
      ['30 association on SCRATCH_1', dra([A], { deploymentType: FsxDeploymentType.SCRATCH_1, mountName: 'fsx' }), [`[test/fsx] 'deploymentType' ("SCRATCH_1") must be SCRATCH_2, PERSISTENT_1 or PERSISTENT_2 for a file system with data repository associations; ${NO_DRA}`]],
      ['30 association on Lustre 2.10', dra([A], { deploymentType: FsxDeploymentType.PERSISTENT_1, fileSystemTypeVersion: '2.10' }), [`[test/fsx] 'fileSystemTypeVersion' ("2.10") must be 2.12 or 2.15 for a file system with data repository associations; ${NO_DRA}`]],
      ['30 association on SCRATCH_2 or PERSISTENT_1 is fine', dra([A], { deploymentType: FsxDeploymentType.SCRATCH_2 }), []],
      ['30 nine associations', dra(Array.from({ length: 9 }, (_, i) => ({ associationId: `dra-0123456789abcdef${i}`, dataRepositoryPath: `s3://ml-datasets/p${i}/`, fileSystemPath: `/p${i}/` }))), [`[test/fsx] 'associations' ("9 associations") must be at most 8 associations; a file system has at most 8 data repository associations: use another file system for the rest`]],
      ['30 overlapping directories', dra([A, { ...B, fileSystemPath: '/datasets/pile/2024' }]), [`[test/fsx] 'associations[1].fileSystemPath' ("/datasets/pile/2024") must be a directory that does not overlap /datasets/pile/ (associations[0].fileSystemPath); two associations of a file system may not overlap: give each its own directory`]],
      ['30 "/" beside another association', dra([{ ...A, fileSystemPath: '/' }, B]), [`[test/fsx] 'associations[0].fileSystemPath' ("/") must be a directory below "/" when the file system has other associations; FSx links "/" only for the first and only association of a file system: give each association its own directory`]],
      ['30 two associations of one S3 path', dra([A, { ...B, dataRepositoryPath: 's3://ml-datasets/pile' }]), [`[test/fsx] 'associations[1].dataRepositoryPath' ("s3://ml-datasets/pile") must be another S3 path than associations[0].dataRepositoryPath; each association links its own S3 bucket or prefix`]],
      ['30 neighbouring directories are fine', dra([{ ...A, fileSystemPath: '/datasets/pile' }, { ...B, fileSystemPath: '/datasets/pile2' }]), []],
    ];
  })(),
  ['26 class with Recycle', sc(loose({ ...NET, reclaimPolicy: 'Recycle' })), [`[test/sc] 'reclaimPolicy' ("Recycle") must be one of Retain, Delete; Recycle is not supported for CSI volumes: use Retain`]],
  ['26 static volume with Recycle', fromFs({ reclaimPolicy: 'Recycle' }), [`[test/fsx] 'persistentVolumeReclaimPolicy' ("Recycle") must be one of Retain, Delete; Recycle is not supported for CSI volumes: use Retain`]],
  ['27 SCRATCH_1 class with expansion', sc({ ...NET, deploymentType: FsxDeploymentType.SCRATCH_1, allowVolumeExpansion: true }), [`[test/sc] 'allowVolumeExpansion' (true) must be false for SCRATCH_1; SCRATCH_1 file systems cannot grow: use SCRATCH_2, or leave allowVolumeExpansion unset`]],
  ['27 growing a SCRATCH_1 claim', previous({ ...NET, deploymentType: FsxDeploymentType.SCRATCH_1 }, 4800, 2400), [`[test/fsx] 'storage' (4800Gi) must stay 2400Gi for SCRATCH_1; SCRATCH_1 file systems cannot grow: copy the data to a new SCRATCH_2 or PERSISTENT volume`], [
    `[test/fsx] 'storage' (4800Gi) is rounded up to 7200Gi, the next size FSx provisions for SCRATCH_1 SSD (1200Gi, 2400Gi, then multiples of 3600Gi); the claim requests 7200Gi`,
  ]],
  ['27 shrinking a claim', previous(P1, 1200, 2400), [`[test/fsx] 'storage' (1200Gi) must be at least 2400Gi, the size of the file system now; FSx for Lustre cannot shrink: keep 2400Gi, or copy the data to a new volume`]],
  ['27 growing without allowVolumeExpansion', previous({ ...P1, allowVolumeExpansion: false }, 4800, 2400), [`[test/fsx] 'storage' (4800Gi) must stay 2400Gi while StorageClass "test-fsx-storageclass-c8eeff7e" has allowVolumeExpansion false; allow expansion on the class (FSx grows in place), or keep 2400Gi`]],
  ['27 growing with allowVolumeExpansion is fine', previous(P1, 4800, 2400), []],
  ['27 same size after rounding is fine', previous(P1, 2000, 2400), [], [`[test/fsx] 'storage' (2000Gi) is rounded up to 2400Gi, the next size FSx provisions for PERSISTENT_1 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 2400Gi`]],
];
  return rows.map(([n, b, e, w]): StorageRow => ['fsx-lustre', n, b, e, w ?? []]);
})();

// ---- EFS (packages/storage/test/efs.test.ts) ----
export const EFS_ROWS: StorageRow[] = (() => {

const FS = 'fs-0123456789abcdef0';
const AP = 'fsap-0123456789abcdef0';
/** The smallest valid class: the seed's parameters (valid per kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/parameters.md). */
const BASE: EfsStorageClassProps = { provisioningMode: EfsProvisioningMode.EFS_AP, fileSystemId: FS, directoryPerms: '700' };


  type Build = (scope: Construct) => void;
  const sc = (p: Partial<Record<keyof EfsStorageClassProps, unknown>>): Build => (s) => new EfsStorageClass(s, 'sc', { ...BASE, ...p } as EfsStorageClassProps);
  const efs = (p: Partial<Record<keyof EfsProps, unknown>>): Build => (s) => new Efs(s, 'efs', { ...BASE, ...p } as EfsProps);
  const pv = (p: Partial<Record<keyof EfsFromFileSystemOptions, unknown>>): Build => (s) => Efs.fromFileSystem(s, 'efs', p as EfsFromFileSystemOptions);
  const EXAMPLE_HANDLE = 'e.g. "efs:fs-0123456789abcdef0:/models:fsap-0123456789abcdef0"';


  const rows: [string, Build, string[], string[]][] = [
    // 24: RWO/RWX only.
    ['24 claim ReadOnlyMany', efs({ accessMode: AccessMode.READ_ONLY_MANY }), [`[test/efs] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`], []],
    ['24 static PV ReadOnlyMany', pv({ fileSystemId: FS, accessMode: AccessMode.READ_ONLY_MANY }), [`[test/efs] 'accessMode' ("ReadOnlyMany") must be one of ReadWriteOnce, ReadWriteMany; EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`], []],
    ['24 ReadWriteOncePod', efs({ accessMode: AccessMode.READ_WRITE_ONCE_POD }), [`[test/efs] 'accessMode' ("ReadWriteOncePod") must be one of ReadWriteOnce, ReadWriteMany; EFS takes RWO/RWX only: use ReadWriteMany and mount with { readOnly: true }`], []],
    // 26: no Recycle.
    ['26 static PV Recycle', pv({ fileSystemId: FS, reclaimPolicy: 'Recycle' }), [`[test/efs] 'reclaimPolicy' ("Recycle") must be one of Retain, Delete; Recycle is not valid for CSI volumes: use ReclaimPolicy.RETAIN`], []],
    ['26 class Recycle', sc({ reclaimPolicy: 'Recycle' }), [`[test/sc] 'reclaimPolicy' ("Recycle") must be one of Retain, Delete; Recycle is not valid for CSI volumes: use ReclaimPolicy.RETAIN`], []],
    // 28: provisioningMode required, efs-ap.
    ['28 provisioningMode missing', sc({ provisioningMode: undefined }), [`[test/sc] 'provisioningMode' (not set) must be one of efs-ap, s3files-ap; set provisioningMode: EfsProvisioningMode.EFS_AP (one access point per claim)`], []],
    ['28 provisioningMode "efs"', sc({ provisioningMode: 'efs' }), [`[test/sc] 'provisioningMode' ("efs") must be one of efs-ap, s3files-ap; set provisioningMode: EfsProvisioningMode.EFS_AP (one access point per claim)`], []],
    // 29: exactly one file system id source.
    ['29 fileSystemId and fileSystemIdConfigRef', sc({ fileSystemIdConfigRef: 'kube-system/efs-ids/models' }), [`[test/sc] 'fileSystemIdConfigRef' ("kube-system/efs-ids/models") must be left out when fileSystemId is set (exactly one of fileSystemId, fileSystemIdConfigRef, fileSystemIdSecretRef); keep only one of fileSystemId, fileSystemIdConfigRef`], []],
    ['29 no file system id', sc({ fileSystemId: undefined }), [`[test/sc] 'fileSystemId' (not set) must be set, or else one of fileSystemIdConfigRef, fileSystemIdSecretRef; name the file system the access points are created in, e.g. "fs-0123456789abcdef0"`], []],
    ['29 file system id pattern', sc({ fileSystemId: 'fs-12' }), [`[test/sc] 'fileSystemId' ("fs-12") must be an EFS file system id: "fs-" and 8 to 40 lowercase hex digits; copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"`], []],
    ['29 reference shape', sc({ fileSystemId: undefined, fileSystemIdSecretRef: 'efs-id' }), [`[test/sc] 'fileSystemIdSecretRef' ("efs-id") must be a reference "namespace/name/key"; write "namespace/name/key", e.g. "kube-system/efs-ids/models"`], []],
    // 30: directoryPerms ^[0-7]{3,4}$.
    ['30 directoryPerms missing', sc({ directoryPerms: undefined }), [`[test/sc] 'directoryPerms' (not set) must be set to 3 or 4 octal digits; write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`], []],
    ['30 directoryPerms "rwx"', sc({ directoryPerms: 'rwx' }), [`[test/sc] 'directoryPerms' ("rwx") must be 3 or 4 octal digits; write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`], []],
    ['30 directoryPerms "0800" (8 is not octal)', sc({ directoryPerms: '0800' }), [`[test/sc] 'directoryPerms' ("0800") must be 3 or 4 octal digits; write the mode as for chmod, e.g. "700" or "0755" (8 and 9 are not octal digits)`], []],
    // 31: gid range and POSIX ids.
    ['31 gidRangeStart without gidRangeEnd', sc({ gidRangeStart: 1000 }), [`[test/sc] 'gidRangeEnd' (not set) must be set when gidRangeStart is set; give both ends of the gid range, or neither`], []],
    ['31 gidRangeEnd without gidRangeStart', sc({ gidRangeEnd: 2000 }), [`[test/sc] 'gidRangeStart' (not set) must be set when gidRangeEnd is set; give both ends of the gid range, or neither`], []],
    ['31 gidRangeEnd <= gidRangeStart', sc({ gidRangeStart: 2000, gidRangeEnd: 2000 }), [`[test/sc] 'gidRangeEnd' (2000) must be greater than gidRangeStart (2000); make gidRangeEnd larger than gidRangeStart`], []],
    ['31 gidRangeStart <= 0', sc({ gidRangeStart: 0, gidRangeEnd: 100 }), [`[test/sc] 'gidRangeStart' (0) must be an integer between 1 and 4294967295; start the range above 0, e.g. 50000`], []],
    ['31 uid -1', sc({ uid: -1 }), [`[test/sc] 'uid' (-1) must be an integer between 0 and 4294967295; use a non-negative user id, e.g. 1000`], []],
    ['31 gid beyond the API range', sc({ gid: 4294967296 }), [`[test/sc] 'gid' (4294967296) must be an integer between 0 and 4294967295; use a non-negative group id, e.g. 1000`], []],
    // 32: subPathPattern placeholders and the root directory limits.
    ['32 subPathPattern ${.PVC.labels.team}', sc({ subPathPattern: '${.PVC.labels.team}' }), [`[test/sc] 'subPathPattern' ("\${.PVC.labels.team}") must be made of fixed text and only the placeholders \${.PVC.name}, \${.PVC.namespace}, \${.PV.name}; build the directory from fixed text and those placeholders, e.g. "\${.PVC.namespace}/\${.PVC.name}"`], []],
    [
      '32 root directory > 100 characters',
      sc({ basePath: '/' + 'a'.repeat(59), subPathPattern: '${.PVC.namespace}/${.PVC.name}' }),
      [`[test/sc] 'subPathPattern' ("\${.PVC.namespace}/\${.PVC.name}") must be short enough for an access point root directory of at most 100 characters (the driver builds "/${'a'.repeat(59)}/\${.PVC.namespace}/\${.PVC.name}-<uuid>", at least 101 characters); shorten basePath or subPathPattern, or set ensureUniqueDirectory to false`],
      [],
    ],
    ['32 basePath leaves no room for pvc-<uid>', sc({ basePath: '/' + 'a'.repeat(60) }), [`[test/sc] 'basePath' ("/${'a'.repeat(60)}") must be short enough for an access point root directory of at most 100 characters (the driver builds "/${'a'.repeat(60)}/pvc-<uid>", at least 102 characters); shorten basePath or subPathPattern`], []],
    ['32 root directory > 5 "/"', sc({ basePath: '/a/b/c/d', subPathPattern: '${.PVC.namespace}/${.PVC.name}' }), [`[test/sc] 'subPathPattern' ("\${.PVC.namespace}/\${.PVC.name}") must be shallow enough for an access point root directory with at most 5 '/' (the driver builds "/a/b/c/d/\${.PVC.namespace}/\${.PVC.name}-<uuid>", 6 '/'); use fewer directory levels in basePath or subPathPattern`], []],
    // 33: volumeHandle forms.
    ['33 volumeHandle "fs-12"', pv({ volumeHandle: 'fs-12' }), [`[test/efs] 'volumeHandle' ("fs-12") must be an EFS handle whose file system id matches ^fs-[0-9a-f]{8,40}$ (fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 volumeHandle with access point "ap-1"', pv({ volumeHandle: `efs:${FS}:/a:ap-1` }), [`[test/efs] 'volumeHandle' ("efs:${FS}:/a:ap-1") must be an EFS handle whose access point id matches ^fsap-[0-9a-f]{8,40}$ (efs:fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 volumeHandle with 5 fields', pv({ volumeHandle: `efs:${FS}:/a:${AP}:x` }), [`[test/efs] 'volumeHandle' ("efs:${FS}:/a:${AP}:x") must be an EFS handle of at most 4 fields separated by ':' (efs:fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 legacy volumeHandle with 4 fields', pv({ volumeHandle: `${FS}:/a:${AP}:x` }), [`[test/efs] 'volumeHandle' ("${FS}:/a:${AP}:x") must be an EFS handle of at most 3 fields separated by ':' (fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    ['33 prefixed volumeHandle with a bad id', pv({ volumeHandle: 'efs:fs-E8A95A42' }), [`[test/efs] 'volumeHandle' ("efs:fs-E8A95A42") must be an EFS handle whose file system id (after "efs:") matches ^fs-[0-9a-f]{8,40}$ (efs:fs-…[:subpath[:fsap-…]]); ${EXAMPLE_HANDLE}`], []],
    [
      '33 ids from parts',
      pv({ fileSystemId: 'fs-12', accessPointId: 'ap-1' }),
      [
        `[test/efs] 'fileSystemId' ("fs-12") must be an EFS file system id: "fs-" and 8 to 40 lowercase hex digits; copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"`,
        `[test/efs] 'accessPointId' ("ap-1") must be an EFS access point id: "fsap-" and 8 to 40 lowercase hex digits; copy the id from "aws efs describe-access-points", e.g. "fsap-0123456789abcdef0"`,
      ],
      [],
    ],
    ['33 no file system', pv({}), [`[test/efs] 'fileSystemId' (not set) must be set (or volumeHandle); name the file system, e.g. "fs-0123456789abcdef0"`], []],
    ['33 volumeHandle and fileSystemId', pv({ volumeHandle: `efs:${FS}`, fileSystemId: FS }), [`[test/efs] 'fileSystemId' ("${FS}") must be left out when volumeHandle is set; put everything in volumeHandle, or drop volumeHandle and keep fileSystemId`], []],
    ['33 subPath with ":"', pv({ fileSystemId: FS, subPath: '/a:b' }), [`[test/efs] 'subPath' ("/a:b") must be a directory path without ':'; name an existing directory, e.g. "/models"`], []],
    // 34: only encryptInTransit, mounttargetip, mounttargetipmap, crossaccount.
    ['34 volumeAttributes { path: /x }', pv({ fileSystemId: FS, volumeAttributes: { path: '/x' } }), [`[test/efs] 'volumeAttributes.path' ("/x") must be left out: the driver takes only encryptInTransit, mounttargetip, mounttargetipmap, crossaccount (it fails with "Volume context property path not supported"); mount a directory with subPath (it goes into the volumeHandle)`], []],
    ['34 volumeAttributes not a boolean', pv({ fileSystemId: FS, volumeAttributes: { crossaccount: 'yes' } }), [`[test/efs] 'volumeAttributes.crossaccount' ("yes") must be a boolean ("true" or "false"); write "true" or "false"`], []],
    ['34 mounttargetip not an IP', pv({ fileSystemId: FS, mountTargetIp: 'mt.example' }), [`[test/efs] 'mountTargetIp' ("mt.example") must be an IP address; give the IPv4 or IPv6 address of a mount target of the file system`], []],
    ['34 attribute given twice', pv({ fileSystemId: FS, encryptInTransit: true, volumeAttributes: { encryptInTransit: 'true' } }), [`[test/efs] 'volumeAttributes.encryptInTransit' ("true") must be left out when encryptInTransit is set; set it one way only`], []],
    // 35: mount options.
    ['35 tls with encryptInTransit false', pv({ fileSystemId: FS, encryptInTransit: false, mountOptions: ['tls'] }), [`[test/efs] 'encryptInTransit' (false) must be true or unset when mountOptions has tls (the driver fails "Found tls in mountOptions but encryptInTransit is false"); drop tls from mountOptions (TLS is on by default) or drop encryptInTransit: false`], []],
    ['35 tls with a raw "false" attribute', pv({ fileSystemId: FS, volumeAttributes: { encryptInTransit: 'False' }, mountOptions: ['TLS'] }), [`[test/efs] 'volumeAttributes.encryptInTransit' (false) must be true or unset when mountOptions has tls (the driver fails "Found tls in mountOptions but encryptInTransit is false"); drop tls from mountOptions (TLS is on by default) or drop encryptInTransit: false`], []],
    ['35 accesspoint= on a static volume', pv({ fileSystemId: FS, accessPointId: AP, mountOptions: [`accesspoint=${AP}`] }), [`[test/efs] 'mountOptions' ("accesspoint=${AP}") must be left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle; drop it and pass accessPointId instead (the driver adds accesspoint= and tls itself)`], []],
    ['35 accesspoint= on a class', sc({ mountOptions: [`accesspoint=${AP}`] }), [`[test/sc] 'mountOptions' ("accesspoint=${AP}") must be left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle; drop it: dynamic provisioning creates one access point per claim`], []],
    ['35 crossaccount on a static volume', pv({ fileSystemId: FS, mountOptions: ['crossaccount'] }), [`[test/efs] 'mountOptions' ("crossaccount") must be left out: the driver sets crossaccount itself; drop it and pass crossAccount: true instead`], []],
    ['35 crossaccount on a class', sc({ mountOptions: ['crossaccount'] }), [`[test/sc] 'mountOptions' ("crossaccount") must be left out: the driver sets crossaccount itself; put crossaccount: "true" in the provisioner secret instead`], []],
    ['35 awscredsuri (warn)', sc({ mountOptions: ['awscredsuri=/v2/credentials'] }), [], [`[test/sc] 'mountOptions' ("awscredsuri=/v2/credentials"): awscredsuri is not supported by the EFS CSI driver; drop it and use iam (the node's IAM identity) instead`]],
    ['35 tls alone (warn: deprecated)', sc({ mountOptions: ['tls'] }), [], [`[test/sc] 'mountOptions' ("tls") is deprecated: the driver enables TLS by default (encryptInTransit); drop it`]],
    // 37: cross-account provisioning (docs/parameters.md "Cross-account provisioning", controller.go#L380-L406, #L687-L720).
    ['37 az without crossAccount', sc({ az: 'us-east-1a' }), [`[test/sc] 'az' ("us-east-1a") must be unset without crossAccount; the driver reads az only when the provisioner Secret has awsRoleArn (cross-account provisioning): drop it, or set crossAccount`], []],
    ['37 az as a zone id', sc({ az: 'use1-az1', crossAccount: { secretName: 'x-account' } }), [`[test/sc] 'az' ("use1-az1") must be an availability zone name such as "us-east-1a"; give the zone name, e.g. "us-east-1a" (not a zone id such as use1-az1)`], []],
    ['37 az with DNS resolution', sc({ az: 'us-east-1a', crossAccount: { secretName: 'x-account', dnsResolution: true } }), [`[test/sc] 'az' ("us-east-1a") must be unset with crossAccount.dnsResolution; with crossaccount "true" in the Secret each node resolves its own zone's mount target and the driver ignores az: drop az, or drop crossaccount from the Secret`], []],
    ['37 crossAccount without a Secret name', sc({ crossAccount: { secretName: undefined } }), [`[test/sc] 'crossAccount.secretName' (not set) must be the provisioner Secret's name; name the provisioner Secret that holds awsRoleArn (made outside strata, e.g. kubectl create secret generic x-account -n kube-system --from-literal=awsRoleArn=…)`], []],
    ['37 a Secret name left "" is no cross-account provisioning: nothing else of it', sc({ az: 'us-east-1a', crossAccount: { secretName: '', secretNamespace: 'kube-system', dnsResolution: true } }), [
      `[test/sc] 'crossAccount.secretNamespace' ("kube-system") must be unset without crossAccount.secretName; a Secret name of "" means no cross-account provisioning: name the Secret, or drop this`,
      `[test/sc] 'crossAccount.dnsResolution' (true) must be false or unset without crossAccount.secretName; a Secret name of "" means no cross-account provisioning: name the Secret, or drop this`,
      `[test/sc] 'az' ("us-east-1a") must be unset without crossAccount; the driver reads az only when the provisioner Secret has awsRoleArn (cross-account provisioning): drop it, or set crossAccount`,
    ], []],
    ['37 crossAccount Secret name with "_"', sc({ crossAccount: { secretName: 'x_account', secretNamespace: 'Kube-System' } }), [
      `[test/sc] 'crossAccount.secretName' ("x_account") must be a Kubernetes object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit and at most 253 characters; name the provisioner Secret that holds awsRoleArn (made outside strata, e.g. kubectl create secret generic x-account -n kube-system --from-literal=awsRoleArn=…)`,
      `[test/sc] 'crossAccount.secretNamespace' ("Kube-System") must be a namespace name: lowercase letters, digits and "-", starting and ending with a letter or digit and at most 63 characters; give the Secret's namespace, e.g. "kube-system"`,
    ], []],
    ['37 S3 Files with cross-account DNS resolution', sc({ provisioningMode: EfsProvisioningMode.S3FILES_AP, crossAccount: { secretName: 'x-account', dnsResolution: true } }), [`[test/sc] 'crossAccount.dnsResolution' (true) must be false or unset for s3files-ap; S3 Files does not support cross-account DNS resolution (the driver fails the mount): drop it`], []],
    ['37 cross-account with az and a Secret is fine', sc({ az: 'us-east-1b', crossAccount: { secretName: 'x-account', secretNamespace: 'kube-system' } }), [], []],
    ['37 static: crossAccount and a mount target IP', pv({ fileSystemId: FS, crossAccount: true, mountTargetIp: '10.0.1.25' }), [`[test/efs] 'mountTargetIp' ("10.0.1.25") must be unset when crossAccount is true; efs-utils refuses a mount target IP with crossaccount ("mounttargetip option is incompatible with crossaccount option"): keep one, crossAccount to resolve the zone's mount target by DNS, or the IP`], []],
    ['37 static: a mounttargetipmap that is no zone map', pv({ fileSystemId: FS, volumeAttributes: { mounttargetipmap: '{"use1-az1":"10.0.1.25"}' } }), [`[test/efs] 'volumeAttributes.mounttargetipmap' ("{\\"use1-az1\\":\\"10.0.1.25\\"}") must be a JSON object of Availability Zone names to mount target IP addresses; e.g. {"us-east-1a":"10.0.1.25","us-east-1b":"10.0.2.25"}, or use mounttargetip`], []],
    // 38: iam needs tls (efs-utils mount_options.py: 'The "tls" option is required when mounting via "iam"').
    ['38 static: iam without encryption in transit', pv({ fileSystemId: FS, encryptInTransit: false, mountOptions: ['iam'] }), [`[test/efs] 'encryptInTransit' (false) must be true or unset when mountOptions has iam (efs-utils refuses iam without tls); drop encryptInTransit: false (TLS is on by default), or drop iam`], []],
    ['38 static: iam with a raw "0" attribute', pv({ fileSystemId: FS, volumeAttributes: { encryptInTransit: '0' }, mountOptions: ['IAM'] }), [`[test/efs] 'volumeAttributes.encryptInTransit' (false) must be true or unset when mountOptions has iam (efs-utils refuses iam without tls); drop encryptInTransit: false (TLS is on by default), or drop iam`], []],
    // 36: Filesystem only; no expansion.
    ['36 volumeMode Block', efs({ volumeMode: 'Block' }), [`[test/efs] 'volumeMode' ("Block") must be Filesystem; EFS mounts file systems only ("only filesystem volumes are supported"): drop volumeMode`], []],
    ['36 allowVolumeExpansion (warn)', sc({ allowVolumeExpansion: true }), [], [`[test/sc] 'allowVolumeExpansion' (true) has no effect: the EFS driver cannot expand volumes and ignores the requested capacity; drop it`]],
    ['36 allowVolumeExpansion through Efs (warn)', efs({ allowVolumeExpansion: true }), [], [`[test/efs/StorageClass] 'allowVolumeExpansion' (true) has no effect: the EFS driver cannot expand volumes and ignores the requested capacity; drop it`]],
    // 37: enableTagging false while the controller has --tags.
    ['37 enableTagging false with controller tags', sc({ enableTagging: false, controllerHasTags: true }), [`[test/sc] 'enableTagging' (false) must be true or unset while the controller runs with --tags (the driver rejects the claim with InvalidArgument); drop enableTagging, or remove the controller's --tags (chart controller.tags)`], []],
    // S3 Files (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L204-L208, #L276-L279; pkg/driver/node.go#L176-L192, #L238-L241).
    [
      'S3 Files without reuseAccessPoint, az, stunnel',
      sc({ provisioningMode: EfsProvisioningMode.S3FILES_AP, reuseAccessPoint: true, az: 'us-east-1a', mountOptions: ['stunnel'] }),
      [
        `[test/sc] 'reuseAccessPoint' (true) must be unset for s3files-ap; the driver refuses the parameter for S3 Files, even false: drop reuseAccessPoint`,
        `[test/sc] 'az' ("us-east-1a") must be unset for s3files-ap; az applies to cross-account EFS only: drop it`,
        `[test/sc] 'mountOptions' ("stunnel") must be left out for S3 Files (stunnel is not supported); drop it`,
      ],
      [`[test/sc] 'reuseAccessPoint' (true): the access point is found by claim name only, so claims of the same name in different namespaces share one directory and its data; use a dedicated class per trust boundary`],
    ],
    [
      'S3 Files static volume: always encrypted, no crossaccount',
      pv({ volumeHandle: `s3files:${FS}`, encryptInTransit: false, crossAccount: true }),
      [
        `[test/efs] 'encryptInTransit' (false) must be true or unset for S3 Files; drop it: S3 Files is always encrypted in transit`,
        `[test/efs] 'crossAccount' (true) must be false or unset for S3 Files; drop it: S3 Files does not support crossaccount`,
      ],
      [],
    ],
  ];
  return rows.map(([n, b, e, w]): StorageRow => ['efs', n, b, e, w]);
})();

// ---- Instance store (packages/storage/test/instance-store.test.ts) ----
export const INSTANCE_STORE_ROWS: StorageRow[] = (() => {

const NVME_NODES = plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0']);


  const hostPathOk = { path: '/mnt/k8s-disks/0', allowHostPath: true, nodeAffinity: [NVME_NODES] };
  const immediate = (chart: Chart) => new StorageClass(chart, 'sc', { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: VolumeBindingMode.IMMEDIATE });
  type Row = [string, (chart: Chart) => void, string[], string[]];
  const rows: Row[] = [
    [
      '48: instanceStorePolicy "RAID10"',
      (chart) => new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml', instanceStorePolicy: 'RAID10' }),
      [`[test/nvme] 'instanceStorePolicy' ("RAID10") must be one of RAID0; Karpenter offers RAID0 only; for one file system per disk use diskLayout Mount (a nodeadm NodeConfig in userData, AL2023)`],
      [],
    ],
    [
      '48: instanceStorePolicy "Mount"',
      (chart) => new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml', instanceStorePolicy: 'Mount' }),
      [`[test/nvme] 'instanceStorePolicy' ("Mount") must be one of RAID0; Karpenter offers RAID0 only; for one file system per disk use diskLayout Mount (a nodeadm NodeConfig in userData, AL2023)`],
      [],
    ],
    [
      '49: RAID0 but the NodePool allows instances without local NVMe',
      (chart) => {
        const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
        new KarpenterNvmeNodePool(chart, 'pool', { nodeClass, requirements: [{ key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] }] });
      },
      [],
      [`[test/pool] 'requirements' (["karpenter.k8s.aws/instance-category"]) must be a karpenter.k8s.aws/instance-local-nvme requirement with instanceStorePolicy RAID0; instance types without local NVMe would get the policy but no NVMe: add KarpenterNvmeNodePool.localNvmeRequirement()`],
    ],
    [
      '49: an instance-local-nvme requirement that excludes NVMe does not count',
      (chart) => {
        const nodeClass = new KarpenterNvmeNodeClass(chart, 'nvme', { role: 'r', clusterName: 'ml' });
        new KarpenterNvmeNodePool(chart, 'pool', { nodeClass, requirements: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'DoesNotExist' }] });
      },
      [],
      [`[test/pool] 'requirements' (["karpenter.k8s.aws/instance-local-nvme"]) must be a karpenter.k8s.aws/instance-local-nvme requirement with instanceStorePolicy RAID0; instance types without local NVMe would get the policy but no NVMe: add KarpenterNvmeNodePool.localNvmeRequirement()`],
    ],
    [
      '50: emptyDir scratch without a size (no sizeLimit, no ephemeral-storage request)',
      (chart) => {
        const scratch = new InstanceStore(chart, 'scratch');
        const pod = new plus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });
        scratch.mount(pod.containers[0], '/scratch');
      },
      [],
      [`[test/scratch] 'size' (not set) must be set for NVMe scratch; without a sizeLimit and an ephemeral-storage request the scheduler cannot place the pod by free NVMe and a runaway writer fills the node disk (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage)`],
    ],
    [
      '51: hostPath /mnt/k8s-disks/0 without node affinity',
      (chart) => InstanceStore.hostPath(chart, 'disk', { ...hostPathOk, nodeAffinity: [] }),
      [`[test/disk] 'nodeAffinity' ([]) must be node labels of the NVMe nodes for a hostPath volume; otherwise the pod may land on a node without instance store: e.g. plus.NodeLabelQuery.gt("karpenter.k8s.aws/instance-local-nvme", ["0"])`],
      [],
    ],
    [
      '51: hostPath in a PSA baseline namespace',
      (chart) => InstanceStore.hostPath(chart, 'disk', { ...hostPathOk, namespacePodSecurity: PodSecurityLevel.BASELINE }),
      [`[test/disk] 'namespacePodSecurity' ("baseline") must be one of privileged; Pod Security baseline and restricted refuse hostPath volumes: use new InstanceStore(scope, id, { size }) (emptyDir), which needs no privileges`],
      [],
    ],
    [
      '51: hostPath in a PSA restricted namespace',
      (chart) => InstanceStore.hostPath(chart, 'disk', { ...hostPathOk, namespacePodSecurity: PodSecurityLevel.RESTRICTED }),
      [`[test/disk] 'namespacePodSecurity' ("restricted") must be one of privileged; Pod Security baseline and restricted refuse hostPath volumes: use new InstanceStore(scope, id, { size }) (emptyDir), which needs no privileges`],
      [],
    ],
    [
      '51: hostPath without the explicit opt-in',
      (chart) => InstanceStore.hostPath(chart, 'disk', { ...hostPathOk, allowHostPath: false }),
      [`[test/disk] 'allowHostPath' (false) must be true to use a hostPath volume; hostPath has no size accounting or eviction, is never cleaned up and needs privileges: prefer new InstanceStore(scope, id, { size }) (emptyDir on RAID0 nodes), or set allowHostPath: true`],
      [],
    ],
    [
      '52: a local PV without nodeAffinity',
      (chart) => InstanceStore.localVolume(chart, 'local', { storageClass: 'nvme-ssd', size: Size.gibibytes(100), path: '/mnt/k8s-disks/1' }),
      [`[test/local] 'nodeAffinity' (not set) must be the node(s) holding the disk for a local volume; Kubernetes requires node affinity on local volumes: e.g. plus.NodeLabelQuery.is("kubernetes.io/hostname", "<node>")`],
      [],
    ],
    [
      '52: a local class with Immediate binding',
      (chart) => InstanceStore.localVolume(chart, 'local', { storageClass: immediate(chart), size: Size.gibibytes(100) }),
      [`[test/local] 'volumeBindingMode' ("Immediate") must be one of WaitForFirstConsumer; with Immediate the claim binds to a disk on any node before the pod is scheduled, and the pod may not fit there`],
      [],
    ],
    [
      '52: a local class with another provisioner',
      (chart) => {
        const sc = new StorageClass(chart, 'sc', { provisioner: 'ebs.csi.aws.com', volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER });
        InstanceStore.localVolume(chart, 'local', { storageClass: sc, size: Size.gibibytes(100) });
      },
      [`[test/local] 'provisioner' ("ebs.csi.aws.com") must be one of kubernetes.io/no-provisioner; local volumes are made by the local static provisioner or by hand: use InstanceStoreStorageClassChart`],
      [],
    ],
    [
      '52: the local static provisioner on RAID0 nodes',
      (chart) => InstanceStore.localVolume(chart, 'local', { storageClass: 'nvme-ssd', size: Size.gibibytes(100), localStorageStrategy: LocalStorageStrategy.RAID0 }),
      [`[test/local] 'localStorageStrategy' ("RAID0") must be one of Mount; with RAID0 the disks hold kubelet and there is nothing for the provisioner: use new InstanceStore(scope, id, { size }) (emptyDir) on RAID0 nodes, or nodes with strategy Mount for local volumes`],
      [],
    ],
  ];


  return rows.map(([n, b, e, w]): StorageRow => ['instance-store', n, b, e, w]);
})();

// ---- Mountpoint for Amazon S3 (packages/storage/test/s3-mountpoint.test.ts) ----
export const S3_ROWS: StorageRow[] = (() => {
const BUCKET_RULE =
  'must be an S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no "..", not an IP address) or an access point ARN; give the bucket name (no s3:// and no path; put a path in prefix)';


  const base: S3MountpointProps = { bucketName: 'ml-data' };
  // The flags extraMountOptions accepts, as the refusal lists them (Mountpoint 1.22.3's without a typed prop).
  const FREE = 'bind, debug, debug-crt, dual-stack, endpoint-url, force-path-style, log-directory, log-metrics, no-log, no-sign-request, otlp-endpoint, otlp-export-interval, part-size, transfer-acceleration;';
  type Row = [string, Partial<S3MountpointProps> | ((chart: Chart) => void), string[], string[]];
  const rows: Row[] = [
    [
      '38: a StorageClass with provisioner s3.csi.aws.com',
      (chart) => {
        new S3Mountpoint(chart, 's3', base);
        new StorageClass(chart, 'sc', { provisioner: 's3.csi.aws.com' });
      },
      [
        `[test] 'provisioner' ("s3.csi.aws.com") must be a driver with dynamic provisioning; Mountpoint for Amazon S3 mounts existing buckets only: remove StorageClass test/sc/Resource and use S3Mountpoint (a PersistentVolume and claim with storageClassName "")`,
      ],
      [],
    ],
    [
      '39: ReadWriteOnce',
      { accessMode: AccessMode.READ_WRITE_ONCE },
      [`[test/s3] 'accessMode' ("ReadWriteOnce") must be one of ReadWriteMany, ReadOnlyMany; the driver refuses ReadWriteOnce; use ReadWriteMany, or ReadOnlyMany for a read-only volume`],
      [],
    ],
    [
      '40: two volumes with one volumeHandle',
      (chart) => {
        new S3Mountpoint(chart, 's3', { ...base, volumeHandle: 'data' });
        new S3Mountpoint(chart, 'other', { bucketName: 'other-bucket', volumeHandle: 'data' });
      },
      [`[test/other] 'volumeHandle' ("data") must be unique in the cluster (test/s3 uses it too); the driver processes only one volume per handle: give each volume its own volumeHandle`],
      [],
    ],
    [
      '41: no bucketName',
      { bucketName: undefined as unknown as string },
      [`[test/s3] 'bucketName' (not set) must be the name of an existing bucket; Mountpoint mounts existing buckets only (static provisioning)`],
      [],
    ],
    ['41: bucketName with s3:// and a path', { bucketName: 's3://ml-data/ckpt' }, [`[test/s3] 'bucketName' ("s3://ml-data/ckpt") ${BUCKET_RULE}`], []],
    ['41: bucketName with ".."', { bucketName: 'ml..data' }, [`[test/s3] 'bucketName' ("ml..data") ${BUCKET_RULE}`], []],
    ['41: bucketName formatted as an IP address', { bucketName: '192.168.5.4' }, [`[test/s3] 'bucketName' ("192.168.5.4") ${BUCKET_RULE}`], []],
    [
      '41: authenticationSource "irsa"',
      { authenticationSource: 'irsa' as S3AuthenticationSource },
      [`[test/s3] 'authenticationSource' ("irsa") must be one of driver, pod; use "pod" for the workload's IRSA or Pod Identity role, "driver" for the driver's`],
      [],
    ],
    [
      '42: "-o allow-other"',
      { extraMountOptions: ['-o allow-other'] },
      [`[test/s3] 'extraMountOptions' ("-o allow-other") must be a Mountpoint flag without "-o"; the driver refuses -o options: set allowOther instead`],
      [],
    ],
    [
      '42: "-o" with a flag that has no typed prop',
      { extraMountOptions: ['-o debug'] },
      [`[test/s3] 'extraMountOptions' ("-o debug") must be a Mountpoint flag without "-o"; the driver refuses -o options: write "debug"`],
      [],
    ],
    [
      '42: a flag Mountpoint does not know ("ca-bundle …", "memory-target …")',
      { extraMountOptions: ['ca-bundle /etc/pki/ca.pem', 'memory-target 4096'] },
      ['ca-bundle /etc/pki/ca.pem', 'memory-target 4096'].map((o) => `[test/s3] 'extraMountOptions' (${JSON.stringify(o)}) must be a flag of Mountpoint 1.22.3 (the driver's): one of ${FREE} Mountpoint exits on a flag it does not know, and the volume never mounts; flags with a typed prop are set there`),
      [],
    ],
    [
      '42: flags the driver replaces or Mountpoint refuses under it',
      { extraMountOptions: ['read-only', 'auto-unmount', 'profile ml', 'user-agent-prefix me'] },
      [
        `[test/s3] 'extraMountOptions' ("read-only") must be without read-only; a read-only volume is accessMode ReadOnlyMany (the driver then adds --read-only itself, pkg/driver/node/node.go#L120-L122)`,
        `[test/s3] 'extraMountOptions' ("auto-unmount") must be without auto-unmount; Mountpoint refuses --auto-unmount on the FUSE file descriptor the driver mounts it with (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:mountpoint-s3-fs/src/fuse/config.rs#L56-L73)`,
        `[test/s3] 'extraMountOptions' ("profile ml") must be without profile; the driver gives Mountpoint its own AWS config file, or none (pkg/driver/node/credentialprovider/provider_driver.go#L160-L166, provider_pod.go#L80), so a profile is not found: choose whose credentials with authenticationSource`,
        `[test/s3] 'extraMountOptions' ("user-agent-prefix me") must be without user-agent-prefix; the driver replaces it with its own (pkg/driver/node/mounter/pod_mounter.go#L226)`,
      ],
      [],
    ],
    [
      '42: a switch with a value, a valued flag without one, a short flag, a typed one',
      { extraMountOptions: ['debug=true', 'endpoint-url', '-d', 'max-threads 4', '--sse AES256'] },
      [
        `[test/s3] 'extraMountOptions' ("debug=true") must be "debug" alone; debug is a switch: it takes no value`,
        `[test/s3] 'extraMountOptions' ("endpoint-url") must be "endpoint-url <value>"; endpoint-url takes a value, after a space or "="`,
        `[test/s3] 'extraMountOptions' ("-d") must be a long flag; write the flag's long name, e.g. "debug" for -d`,
        `[test/s3] 'extraMountOptions' ("max-threads 4") must be without max-threads; set maxThreads instead (it is checked there)`,
        `[test/s3] 'extraMountOptions' ("--sse AES256") must be without sse; set sse instead (it is checked there)`,
      ],
      [],
    ],
    [
      '42: "allow-other" as an extra option must use its typed prop',
      { extraMountOptions: ['allow-other'] },
      [`[test/s3] 'extraMountOptions' ("allow-other") must be without allow-other; set allowOther instead (it is checked there)`],
      [],
    ],
    [
      '42: "foreground" is dropped with a warning',
      { extraMountOptions: ['foreground', 'debug'] },
      [],
      [`[test/s3] 'extraMountOptions' ("foreground") must be left out; the driver drops foreground, help and version (and -f, -h, -v) silently, so it was removed`],
    ],
    [
      '42: "-f" is dropped with a warning',
      { extraMountOptions: ['-f'] },
      [],
      [`[test/s3] 'extraMountOptions' ("-f") must be left out; the driver drops foreground, help and version (and -f, -h, -v) silently, so it was removed`],
    ],
    ['43: prefix "ckpt" without a trailing "/"', { prefix: 'ckpt' }, [`[test/s3] 'prefix' ("ckpt") must be a prefix ending in "/"; write "ckpt/"`], []],
    [
      '44: emptyDir cache limit 1Gi with max-cache-size 2048',
      { cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(1) }, maxCacheSize: 2048 },
      [`[test/s3] 'maxCacheSize' (2048) must be at most 1024 (MiB, the cacheEmptyDirSizeLimit 1Gi); the driver refuses a max-cache-size above the emptyDir limit: lower maxCacheSize or raise the cache sizeLimit`],
      [],
    ],
    [
      '44: ephemeral cache without class and request',
      { cache: { type: 'ephemeral' } as S3MountpointProps['cache'] },
      [
        `[test/s3] 'cacheEphemeralStorageClassName' (not set) must be set for an ephemeral cache; name a StorageClass, e.g. a local NVMe class (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CACHING.md#L88-L90)`,
        `[test/s3] 'cacheEphemeralStorageResourceRequest' (not set) must be set for an ephemeral cache; give the cache volume's size (storageRequest)`,
      ],
      [],
    ],
    [
      '44: cacheEmptyDirMedium "SSD"',
      { cache: { type: 'emptyDir', medium: 'SSD' as 'Memory' } },
      [`[test/s3] 'cacheEmptyDirMedium' ("SSD") must be "" (node disk) or "Memory"; leave it unset for node disk (NVMe on RAID0 nodes) or use "Memory"`],
      [],
    ],
    [
      '44: unknown cache type',
      { cache: { type: 'hostPath' } as unknown as S3MountpointProps['cache'] },
      [`[test/s3] 'cache' ("hostPath") must be one of emptyDir, ephemeral; the driver knows only these local-cache types`],
      [],
    ],
    [
      '44: cache in mountOptions and as the cache attribute',
      { cache: { type: 'emptyDir' }, extraMountOptions: ['cache /tmp/s3'] },
      [`[test/s3] 'extraMountOptions' ("cache /tmp/s3") must be without cache when the cache attribute is set; the driver refuses both: remove the cache mount option and keep cache`],
      [],
    ],
    [
      '44: cache in mountOptions alone is deprecated',
      { extraMountOptions: ['cache /tmp/s3'] },
      [],
      [`[test/s3] 'extraMountOptions' ("cache /tmp/s3") must be replaced by the cache attribute; cache as a mount option is deprecated and becomes an unlimited emptyDir: use cache: { type: 'emptyDir', sizeLimit }`],
    ],
    [
      '46: a pod with terminationGracePeriodSeconds 900 mounts the volume',
      (chart) => {
        const s3 = new S3Mountpoint(chart, 's3', base);
        const job = new plus.Job(chart, 'save', { containers: [{ image: 'saver' }], terminationGracePeriod: Duration.seconds(900) });
        s3.mount(job.containers[0], '/ckpt');
      },
      [],
      [`[test/s3] 'terminationGracePeriodSeconds' (900) must be at most 600 with a Mountpoint S3 volume; Mountpoint Pods stop after 10 minutes, then writes fail with "Transport endpoint is not connected": finish the final flush within 600 s`],
    ],
    [
      'incremental upload on a general purpose bucket',
      { incrementalUpload: true },
      [`[test/s3] 'bucketName' ("ml-data") must be an S3 Express One Zone directory bucket (ending in --x-s3) with incrementalUpload; appends work only on S3 Express One Zone; use a directory bucket or drop incrementalUpload`],
      [],
    ],
    [
      'mountpointContainerResources requests are discouraged',
      { mountpointContainerResources: { requests: { memory: Size.gibibytes(1) } } },
      [],
      [`[test/s3] 'mountpointContainerResources.requests' ("set") must be left unset, or reserved with reserveHeadroom; Mountpoint Pods are placed after the workload and may not fit the node (driver issue #543); set limits only, or reserve the room with reserveHeadroom: true`],
    ],
    [
      'headroom without requests: a headroom pod would reserve nothing',
      { reserveHeadroom: true },
      [`[test/s3] 'mountpointContainerResources.requests' (not set) must be set with reserveHeadroom; a headroom pod requests what the Mountpoint container requests and nothing else (pkg/podmounter/mppod/headroom.go#L39-L109): give its cpu and memory requests`],
      [],
    ],
    [
      'Mountpoint refuses uid or gid 0, modes with special bits, allow-other with allow-root',
      { uid: 0, gid: 0, dirMode: '1777', fileMode: '644x', allowOther: true, allowRoot: true },
      [
        `[test/s3] 'allowRoot' (true) must be unset with allowOther; Mountpoint refuses both (cli.rs#L159-L165, conflicts_with): allow-other already lets root in`,
        `[test/s3] 'uid' (0) must be a numeric user id from 1 to 4294967295; Mountpoint refuses 0: leave uid unset for the Mountpoint Pod's user`,
        `[test/s3] 'gid' (0) must be a numeric group id from 1 to 4294967295; Mountpoint refuses 0: leave gid unset for the pod's fsGroup`,
        `[test/s3] 'dirMode' ("1777") must be an octal mode of user, group and other bits such as "0755"; write three octal digits, e.g. "0755" (Mountpoint takes no setuid, setgid or sticky bit)`,
        `[test/s3] 'fileMode' ("644x") must be an octal mode of user, group and other bits such as "0644"; write three octal digits, e.g. "0644" (Mountpoint takes no setuid, setgid or sticky bit)`,
      ],
      [],
    ],
    [
      'max-cache-size without a cache, a fractional throughput, a TTL of 0.5 s, a bad owner and checksum',
      { maxCacheSize: 1024, maximumThroughputGbps: 2.5, metadataTtl: Duration.millis(500), expectedBucketOwner: '1111', uploadChecksums: 'md5' as 'off' },
      [
        `[test/s3] 'metadataTtl' (0.5) must be whole seconds from 1 to 3153600000; whole seconds up to 100 years; "minimal" for the shortest (Mountpoint reads 0 as minimal)`,
        `[test/s3] 'maxCacheSize' (1024) must be set only with a local cache; Mountpoint takes --max-cache-size only with a cache directory (cli.rs#L340-L348, requires "cache"): set cache, or drop maxCacheSize`,
        `[test/s3] 'uploadChecksums' ("md5") must be one of crc32c, off; Mountpoint knows these two (cli.rs#L395-L401)`,
        `[test/s3] 'expectedBucketOwner' ("1111") must be an AWS account id of 12 digits; the account that owns the bucket, e.g. "111122223333"`,
        `[test/s3] 'maximumThroughputGbps' (2.5) must be a whole number of Gbps from 1; Mountpoint takes whole Gbps (cli.rs#L167-L174)`,
      ],
      [],
    ],
    [
      'a proxy that is no URL, NO_PROXY without a proxy, an entry with a comma',
      { proxy: { httpsProxy: 'proxy.example.com:3128' } },
      [`[test/s3] 'proxy.httpsProxy' ("proxy.example.com:3128") must be a proxy URL such as "http://proxy.example.com:3128" (http:// or https://, a host and an optional port); give the proxy as a URL; Mountpoint tunnels its HTTPS requests through it`],
      [],
    ],
    [
      'NO_PROXY without a proxy, an entry with a comma',
      { proxy: { noProxy: ['a.example.com,b.example.com'] } },
      [
        `[test/s3] 'proxy.noProxy[0]' ("a.example.com,b.example.com") must be a host, a domain such as ".amazonaws.com", or an IP address or CIDR (no spaces or commas); one host or domain per item (strata joins them with ",")`,
        `[test/s3] 'proxy.httpsProxy' (not set) must be set with proxy.noProxy; NO_PROXY only lists what bypasses a proxy: give httpsProxy, or drop noProxy`,
      ],
      [],
    ],
    [
      'a shared cache that is no directory bucket',
      { sharedCacheBucket: 'ml-cache' },
      [`[test/s3] 'sharedCacheBucket' ("ml-cache") must be a directory bucket name: "<base name>--<zone id>--x-s3", such as "ckpt--use1-az4--x-s3"; the shared cache is an S3 Express One Zone directory bucket of the same region (cli.rs#L360-L368); give its full name`],
      [],
    ],
    [
      'S3 Express: a bucket type or zone the name contradicts',
      { bucketName: 'ckpt--use1-az4--x-s3', bucketType: 'general-purpose', zoneId: 'use1-az5' },
      [
        `[test/s3] 'bucketType' ("general-purpose") must be "directory" for a bucket named …--x-s3; a directory bucket's name ends in --<zone id>--x-s3: leave bucketType unset`,
        `[test/s3] 'zoneId' ("use1-az5") must be the zone in the bucket's name ("use1-az4"); leave zoneId unset: it is read from the name`,
      ],
      [],
    ],
    [
      'S3 Express: a zone id on a general purpose bucket, a zone name for a zone id',
      { zoneId: 'us-east-1a' },
      [
        `[test/s3] 'zoneId' ("us-east-1a") must be an Availability Zone id such as "use1-az4" (not a zone name such as us-east-1a); give the Availability Zone id in the bucket's name, e.g. "use1-az4"`,
        `[test/s3] 'zoneId' ("us-east-1a") must be unset for a general purpose bucket; only a directory bucket lives in one zone`,
      ],
      [],
    ],
    [
      'a directory bucket in a Local Zone: no zone affinity by Karpenter\'s label, no appends',
      { bucketName: 'ckpt--usw2-lax1-az1--x-s3', incrementalUpload: true },
      [
        `[test/s3] 'zoneAffinity' (not set) must be false for a bucket outside an Availability Zone (zone "usw2-lax1-az1"); Karpenter's topology.k8s.aws/zone-id labels hold Availability Zone ids: set zoneAffinity: false and place the pods yourself`,
        `[test/s3] 'incrementalUpload' (true) must be unset for a bucket outside an Availability Zone (zone "usw2-lax1-az1"); Mountpoint appends only in Availability Zones; in a Local Zone writes with --incremental-upload fail (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L28-L29)`,
      ],
      [],
    ],
  ];


  return rows.map(([n, input, e, w]): StorageRow => ['s3', n, typeof input === 'function' ? input : (chart: Chart) => new S3Mountpoint(chart, 's3', { ...base, ...input }), e, w]);
})();
