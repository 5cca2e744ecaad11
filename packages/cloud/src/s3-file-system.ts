import { Construct } from 'constructs';
import { FileSystem } from '@strata/crd-types/ack-s3files-file-system';
import { MountTarget } from '@strata/crd-types/ack-s3files-mount-target';
import { BUCKET_NAME, NONEMPTY_KEY_PREFIX, Rules, S3_FILES_FILE_SYSTEM_ID, SECURITY_GROUP_ID, SUBNET_ID } from '@strata/storage';
import { OBJECT_NAME } from '@strata/tokens';
import { ackAnnotations } from './annotations';
import { CloudValue, CloudValueTarget } from './field-export';
import type { EfsMountTargetProps } from './file-system';
import { KMS_KEY_ARN } from './forms';
import type { IamPolicyDocument } from './role';

/** The service that assumes an S3 Files file system's role: S3 Files runs on EFS (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3files.CfnFileSystemProps.html). */
export const S3_FILES_SERVICE_PRINCIPAL = 'elasticfilesystem.amazonaws.com';

/** An IAM role ARN (the file system's role: the preview CRD takes it literally, it has no roleRef). */
const ROLE_ARN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$';

/**
 * The permissions S3 Files needs of the role it assumes to keep the file system and the bucket in
 * step, as the AWS documentation's example grants them (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3files.CfnFileSystemProps.html;
 * prerequisites: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-prereq-policies.html):
 * list the bucket (`s3:ListBucket*`), read, write and delete its objects and versions
 * (`s3:AbortMultipartUpload`, `s3:DeleteObject`, `s3:GetObject*`, `s3:List*`, `s3:PutObject*` on
 * `<bucket>/*`), and manage the EventBridge rules S3 Files makes to notice changes in the bucket
 * (`DO-NOT-DELETE-S3-Files*`, only those it manages) and read rules. Bucket-wide, as documented,
 * even with a prefix: a narrower grant is not documented to work.
 */
export function s3FilesRolePolicy(bucket: string, partition = 'aws'): IamPolicyDocument {
  const arn = `arn:${partition}:s3:::${bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'S3FilesListBucket', Effect: 'Allow', Action: ['s3:ListBucket*'], Resource: [arn] },
      { Sid: 'S3FilesObjects', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject*', 's3:List*', 's3:PutObject*'], Resource: [`${arn}/*`] },
      {
        Sid: 'S3FilesSyncRules',
        Effect: 'Allow',
        Action: ['events:DeleteRule', 'events:DisableRule', 'events:EnableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets'],
        Resource: [`arn:${partition}:events:*:*:rule/DO-NOT-DELETE-S3-Files*`],
        Condition: { StringEquals: { 'events:ManagedBy': S3_FILES_SERVICE_PRINCIPAL } },
      },
      { Sid: 'S3FilesReadRules', Effect: 'Allow', Action: ['events:DescribeRule', 'events:ListRuleNamesByTarget', 'events:ListRules', 'events:ListTargetsByRule'], Resource: [`arn:${partition}:events:*:*:rule/*`] },
    ],
  };
}

export interface CloudS3FileSystemProps {
  /** The object name (a DNS label), also the file system's Name tag. */
  readonly name: string;
  /** The bucket it is a file system view of (a general-purpose bucket with S3 Versioning on, in the cluster's region). */
  readonly bucket: string;
  /** Only the objects under this prefix ("datasets/curated/"). @default - the whole bucket */
  readonly prefix?: string;
  /** The role S3 Files assumes to sync with the bucket (see s3FilesRolePolicy), by ARN. */
  readonly roleArn: string;
  /** Encrypt with this key. @default - a key S3 Files owns */
  readonly kmsKeyArn?: string;
  /** Mount targets, one per subnet (Availability Zone) the nodes run in; their security groups must let the nodes reach TCP 2049. @default - none */
  readonly mountTargets?: readonly EfsMountTargetProps[];
  /**
   * The file system exists: adopt it by id (adopt only, never create: a mistyped id must not make
   * a second file system over the bucket). Its bucket, prefix, role and key stay as they are.
   * @default - created by ACK
   */
  readonly adoptFileSystemId?: string;
  /** Where its id is exported (ACK FieldExport of `.status.fileSystemID`). @default - not exported */
  readonly exportId?: CloudValueTarget;
}

/**
 * An Amazon S3 Files file system over a bucket through the ACK s3files controller, typed from the
 * preview FileSystem CRD (packages/crd-types README: it has `bucket` and `roleARN` as literal ARNs,
 * no bucketRef or roleRef — so the bucket and the role are named by ARN, not by reference, and the
 * file system does not wait for them by itself: infra-identity makes the role before and the
 * bucket is in the same Kustomization), its mount targets (`fileSystemRef`: they wait for it),
 * retained in AWS when deleted or pruned. Deleting a file system fails while data is still
 * pending export to the bucket; retained, it is never attempted.
 */
export class CloudS3FileSystem extends Construct {
  public readonly fileSystemName: string;
  public readonly object: FileSystem;
  public readonly mountTargets: readonly MountTarget[];
  public readonly idExport?: CloudValue;

  public constructor(scope: Construct, id: string, props: CloudS3FileSystemProps) {
    super(scope, id);
    const r = new Rules(this);
    this.fileSystemName = props.name;
    r.required('name', props.name, 'an object name', 'name the file system, e.g. "datasets"');
    r.check('name', props.name, { pattern: OBJECT_NAME, maxLength: 63 }, 'e.g. "datasets"');
    r.required('bucket', props.bucket, 'a bucket name', 'name the bucket the file system shows');
    r.check('bucket', props.bucket, { pattern: BUCKET_NAME }, 'the bucket\'s name, not its ARN or an s3:// path');
    r.check('prefix', props.prefix, { pattern: NONEMPTY_KEY_PREFIX }, 'e.g. "datasets/curated/", or leave it out for the whole bucket');
    r.required('roleArn', props.roleArn, 'an IAM role ARN', 'the role S3 Files assumes (environments make it: cloud.s3FileSystems)');
    r.check('roleArn', props.roleArn, { pattern: ROLE_ARN }, 'copy it from the IAM console', 'an IAM role ARN such as "arn:aws:iam::111122223333:role/name"');
    r.check('kmsKeyArn', props.kmsKeyArn, { pattern: KMS_KEY_ARN }, 'copy the key\'s ARN from the KMS console or "aws kms describe-key"');
    r.check('adoptFileSystemId', props.adoptFileSystemId, { pattern: S3_FILES_FILE_SYSTEM_ID }, 'copy the id from "aws s3files list-file-systems"');
    const adopted = props.adoptFileSystemId !== undefined;
    this.object = new FileSystem(this, 'Resource', {
      metadata: {
        name: props.name,
        annotations: ackAnnotations({ holdsData: true, adoption: adopted ? { policy: 'adopt', fields: { fileSystemID: props.adoptFileSystemId! } } : undefined }),
      },
      spec: {
        bucket: `arn:aws:s3:::${props.bucket}`,
        ...(props.prefix ? { prefix: props.prefix } : {}),
        roleArn: props.roleArn,
        ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
        ...(adopted ? {} : { tags: [{ key: 'Name', value: props.name }, { key: 'strata.dev/managed-by', value: 'ack' }] }),
      },
    });
    const ref = { from: { name: props.name } };
    this.mountTargets = (props.mountTargets ?? []).map((m, i) => {
      r.check(`mountTargets[${i}].subnetId`, m.subnetId, { pattern: SUBNET_ID }, 'copy it from "aws ec2 describe-subnets"');
      if ((m.securityGroupIds ?? []).length === 0) r.fail(`mountTargets[${i}].securityGroupIds`, m.securityGroupIds, 'at least one security group', 'name a group that lets the nodes reach TCP 2049 (NFS): without one the mount target gets the VPC\'s default group');
      (m.securityGroupIds ?? []).forEach((g, j) => r.check(`mountTargets[${i}].securityGroupIds[${j}]`, g, { pattern: SECURITY_GROUP_ID }, 'copy it from "aws ec2 describe-security-groups"'));
      // A mount target holds no data: deleting it cuts NFS access in its zone, nothing more.
      return new MountTarget(this, `mount-target-${m.subnetId}`, {
        metadata: { name: `${props.name}-${m.subnetId}`, annotations: ackAnnotations({ holdsData: false }) },
        spec: { fileSystemRef: ref, subnetId: m.subnetId, securityGroups: [...(m.securityGroupIds ?? [])] },
      });
    });
    if (props.exportId) {
      this.idExport = new CloudValue(this, 'export-id', { name: `${props.name}-s3files-file-system-id`, from: { group: 's3files.services.k8s.aws', kind: 'FileSystem', name: props.name, path: '.status.fileSystemID' }, to: props.exportId });
    }
  }
}
