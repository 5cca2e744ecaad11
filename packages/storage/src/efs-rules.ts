import { Constraint, OBJECT_NAME, describePattern } from '@strata/tokens';
import { EFS_FILE_SYSTEM_ID } from './forms';

/**
 * The vocabulary and rules tables of the EFS CSI driver (`efs.csi.aws.com`): its name, modes and
 * the forms its parameters, volume handles and attributes take. Used by the StorageClass
 * (efs-class.ts), the mount checks (efs-mount.ts), static volumes (efs-static.ts) and the claim (efs.ts).
 */

/** The EFS CSI driver name (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/README.md). */
export const EFS_DRIVER = 'efs.csi.aws.com';

export const FILE_SYSTEM_ID = EFS_FILE_SYSTEM_ID;
/** `fsap-` and 8–40 lowercase hex digits (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L594-L600). */
export const ACCESS_POINT_ID = describePattern('^fsap-[0-9a-f]{8,40}$', 'an EFS access point id: "fsap-" and 8 to 40 lowercase hex digits');
/** CreationInfo.Permissions of the EFS API: 3 or 4 octal digits (https://docs.aws.amazon.com/efs/latest/ug/API_CreationInfo.html). */
export const DIRECTORY_PERMS = '^[0-7]{3,4}$';
/** `namespace/name/key` of a ConfigMap or Secret (docs/filesystem-id-resolution.md). */
export const OBJECT_KEY_REF = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?/[-._a-zA-Z0-9]{1,253}$';
/**
 * A subPathPattern the driver accepts: after the three placeholders are replaced, no `${` and no
 * `}` may be left (controller.go interpolateRootDirectoryName). Written without look-ahead so the
 * same pattern serves the values schema.
 */
export const PLACEHOLDER = '\\$\\{\\.(?:PVC\\.name|PVC\\.namespace|PV\\.name)\\}';
export const SUB_PATH_PATTERN = `^(?:${PLACEHOLDER}|[^$}]|\\$+(?:${PLACEHOLDER}|[^\${}])|\\$+$)*$`;
/** Every volumeHandle form of parseVolumeId (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L582) in one expression (for handles bound to a token). */
export const VOLUME_HANDLE = '^(?:(?:efs|s3files):)?fs-[0-9a-f]{8,40}(?::[^:]*(?::(?:fsap-[0-9a-f]{8,40})?)?)?$';
export const IPV4 = '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$';
export const IPV6 = '^[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}$';
export const POSIX_ID: Constraint = { minimum: 0, maximum: 4294967295, multipleOf: 1 };
export const POSIX_ID_TEXT = 'an integer between 0 and 4294967295';
/** Go strconv.ParseBool, which the node plugin uses on volume attributes. */
export const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
export const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** A Secret's name (a DNS subdomain) and namespace (a DNS label), as the provisioner secret parameters name them. */
/** A Secret's name (a Kubernetes object name). */
export const SECRET_NAME = OBJECT_NAME;
export const NAMESPACE = describePattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'a namespace name: lowercase letters, digits and "-", starting and ending with a letter or digit');
/** Mount options the driver sets itself (it lower-cases options before comparing them: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L205). */
export const DRIVER_SET_OPTION = describePattern(
  '^([aA][cC][cC][eE][sS][sS][pP][oO][iI][nN][tT]=.*|[cC][rR][oO][sS][sS][aA][cC][cC][oO][uU][nN][tT])$',
  'accesspoint= or crossaccount, which the driver sets itself',
);
/**
 * The mark a chart carries (`strata.dev/uses`) when its EFS volumes mount with `iam`: efs-utils then
 * authenticates with the credentials of the EFS CSI node pod (its service account's role, else the
 * node's instance profile), which need elasticfilesystem:ClientMount (+ ClientWrite) on the file
 * system. The environment gives the node service account an identity for it.
 */
export const EFS_NODE_IAM = 'efs-node-iam';
/**
 * The mark a chart carries when a StorageClass of it reads its file system id from a ConfigMap or
 * Secret (fileSystemIdConfigRef, fileSystemIdSecretRef): the EFS CSI controller then needs the chart
 * value controller.fileSystemIdRefs.enabled (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:docs/filesystem-id-resolution.md),
 * which the environment sets on the driver's release.
 */
export const EFS_FILE_SYSTEM_ID_REFS = 'efs-file-system-id-refs';
/** The keys of the provisioner secret StorageClass parameters (kubernetes-csi external-provisioner; the EFS driver reads awsRoleArn, externalId, crossaccount from it). */
export const EFS_PROVISIONER_SECRET_NAME = 'csi.storage.k8s.io/provisioner-secret-name';
export const EFS_PROVISIONER_SECRET_NAMESPACE = 'csi.storage.k8s.io/provisioner-secret-namespace';

/** An empty string: a parameter bound to a value left "" is not written (Tokens.optionalText). */
export const EMPTY_TEXT: Constraint = { maxLength: 0 };

/** Root directory limits of an access point (controller.go validateEfsPathRequirements). */
export const ROOT_DIR_MAX_LENGTH = 100;
export const ROOT_DIR_MAX_SLASHES = 5;
/** external-provisioner names volumes `pvc-<claim uid>`: 4 + 36 characters. */
export const PV_NAME_LENGTH = 40;
/** ensureUniqueDirectory appends `-<uuid>`: 1 + 36 characters. */
export const UNIQUE_SUFFIX_LENGTH = 37;

/**
 * How the driver provisions a volume for a claim.
 * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md
 */
export enum EfsProvisioningMode {
  /** One EFS access point per volume, rooted in its own directory (the only EFS mode). */
  EFS_AP = 'efs-ap',
  /**
   * One Amazon S3 Files access point per volume (driver v3+). S3 Files takes no `reuseAccessPoint`,
   * no `az`, and no `stunnel` / `crossaccount` mount options (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/controller.go#L204-L208,
   * #L276-L279; pkg/driver/node.go#L176-L192, #L238-L241).
   */
  S3FILES_AP = 's3files-ap',
}

/** The two volumeHandle spellings the driver parses (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L582). */
export type EfsHandleFormat = 'efs' | 'legacy';

/** The volume modes Kubernetes knows; EFS mounts `Filesystem` only (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L448-L455). */
export type EfsVolumeMode = 'Filesystem' | 'Block';
