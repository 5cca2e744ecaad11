import { describePattern } from '@strata/tokens';

/**
 * Patterns of AWS identifiers and S3 names, each declared once with the words strata says
 * instead of the regular expression. Sources: S3 bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), the FSx and EFS
 * API references (CreateFileSystem, CreateDataRepositoryAssociation), the EC2 id formats.
 */

/** S3 bucket names: 3–63 lowercase letters, digits, "." and "-", alphanumeric at both ends ("..": DOUBLE_DOT, refused apart: RE2 has no look-ahead). */
export const BUCKET_NAME = describePattern('^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', 'an S3 bucket name (3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit)');
/** An AWS region. */
export const REGION = describePattern('^[a-z]{2}(-[a-z]+)+-[0-9]+$', 'an AWS region such as "us-west-2"');
/** An availability zone name (us-east-1a, or a Local Zone such as us-west-2-lax-1a). */
export const ZONE = describePattern('^[a-z]{2}(-[a-z]+)+-[0-9]+(-[a-z]+-[0-9]+)?[a-z]$', 'an availability zone name such as "us-east-1a" (not a zone id such as use1-az1)');
/** An S3 path `s3://bucket[/prefix]`, as FSx takes it. */
export const S3_PATH = describePattern('^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$', 'an S3 path such as "s3://bucket/prefix/"');
/** A key prefix: empty, or not starting with "/" and ending with "/"; no "//" and no "." or ".." segments. */
export const KEY_PREFIX = describePattern("^(?:[A-Za-z0-9!_*'()-][A-Za-z0-9!_.*'()-]*/)*$", 'an S3 key prefix: empty, or names each followed by "/" (no leading "/", no "//", no "." or ".." segments)');
/** A key prefix that is not empty (a Mountpoint `prefix`). */
export const NONEMPTY_KEY_PREFIX = describePattern("^(?:[A-Za-z0-9!_*'()-][A-Za-z0-9!_.*'()-]*/)+$", 'a non-empty S3 key prefix such as "models/llama/" (names each followed by "/"; no leading "/", no "//", no "." or ".." segments)');
/** A name used as one path segment (a model version, a run id, a checkpoint name). */
export const PATH_SEGMENT = describePattern('^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', 'a name of 1 to 128 letters, digits, ".", "_" and "-", starting with a letter or digit (one path segment)');
/** An S3 access point ARN. */
export const ACCESS_POINT_ARN = describePattern('^arn:aws[a-z-]*:s3(-outposts)?:[a-z0-9-]+:[0-9]{12}:.+$', 'an S3 access point ARN such as "arn:aws:s3:us-west-2:123456789012:accesspoint/name"');
/** An FSx file system id. */
/** FileSystemId: `^(fs-[0-9a-f]{8,})$`, 11 to 21 characters (boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json, shape FileSystemId). */
export const FSX_FILE_SYSTEM_ID = describePattern('^fs-[0-9a-f]{8,18}$', 'an FSx file system id: "fs-" and 8 to 18 lowercase hex digits');
/** An EFS file system id. */
export const EFS_FILE_SYSTEM_ID = describePattern('^fs-[0-9a-f]{8,40}$', 'an EFS file system id: "fs-" and 8 to 40 lowercase hex digits');
/** An FSx for Lustre mount name. */
export const MOUNT_NAME = describePattern('^[A-Za-z0-9_-]{1,8}$', 'an FSx for Lustre mount name: 1 to 8 letters, digits, "_" and "-"');
/** A data repository association id: `^(dra-[0-9a-f]{8,})$`, 13 to 23 characters (boto/botocore@1.43.67:botocore/data/fsx/2018-03-01/service-2.json, shape DataRepositoryAssociationId). */
export const ASSOCIATION_ID = describePattern('^dra-[0-9a-f]{8,19}$', 'a data repository association id: "dra-" and 8 to 19 lowercase hex digits');
/** A subnet id. */
export const SUBNET_ID = describePattern('^subnet-[0-9a-f]{8,17}$', 'a subnet id: "subnet-" and 8 to 17 lowercase hex digits');
/** A security group id. */
export const SECURITY_GROUP_ID = describePattern('^sg-[0-9a-f]{8,17}$', 'a security group id: "sg-" and 8 to 17 lowercase hex digits');
/**
 * An S3 directory bucket (S3 Express One Zone, or a Local Zone): `<base name>--<zone id>--x-s3`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-naming-rules.html).
 */
export const DIRECTORY_BUCKET = describePattern('^[a-z0-9][a-z0-9-]*--[a-z0-9-]+--x-s3$', 'a directory bucket name: "<base name>--<zone id>--x-s3", such as "ckpt--use1-az4--x-s3"');
/** An Availability Zone id (the same physical zone in every account), such as use1-az4 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-Endpoints.html). */
export const AZ_ID = describePattern('^[a-z]{2,5}[0-9]+-az[0-9]+$', 'an Availability Zone id such as "use1-az4" (not a zone name such as us-east-1a)');
/** An AWS account id. */
export const ACCOUNT_ID = describePattern('^[0-9]{12}$', 'an AWS account id of 12 digits');
/** An HTTP(S) proxy URL, as Mountpoint's HTTPS_PROXY takes it. */
export const PROXY_URL = describePattern('^https?://[^\\s/]+(:[0-9]+)?/?$', 'a proxy URL such as "http://proxy.example.com:3128" (http:// or https://, a host and an optional port)');
/** A NO_PROXY entry: a host name, a domain (".example.com"), an IP address or CIDR, optionally with a port. */
export const NO_PROXY_ENTRY = describePattern('^[A-Za-z0-9.*:/_\\[\\]-]+$', 'a host, a domain such as ".amazonaws.com", or an IP address or CIDR (no spaces or commas)');
