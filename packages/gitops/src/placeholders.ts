/**
 * Placeholders: values that have the form of a real one but stand for "fill this in". The
 * environment generator writes them (`nx g @strata/nx-plugin:environment`, minimal or `--from`)
 * where only the user knows the value; generate refuses an environment that still holds one, so a
 * placeholder never reaches a cluster. Exactly these count, nothing else (a real account or ID is
 * never mistaken for one):
 *
 * - the AWS accounts PLACEHOLDER_ACCOUNTS (000000000000, and 123456789012, the account of AWS's
 *   documentation examples and of strata's own messages), as a whole string or inside an ARN or a
 *   registry host (`arn:aws:iam::123456789012:…`, `123456789012.dkr.ecr.…`);
 * - subnet, security group and file system IDs whose hexadecimal part is all zeros
 *   (`subnet-00000000000000000`, `sg-00000000`, `fs-00000000000000000`);
 * - any text holding the word FILL_IN (`fill-in`), as in the bucket `fill-in-bucket` or
 *   `s3://fill-in-bucket/prefix/`.
 *
 * Other example values (the accounts 111122223333, 444455556666, 777788889999 of AWS's
 * documentation, which the bundled environments use today) are not in the list: adding one is a
 * change to PLACEHOLDER_ACCOUNTS, once no bundled environment uses it.
 */
import { isPlainObject } from './values';

/** AWS accounts that are placeholders. */
export const PLACEHOLDER_ACCOUNTS: readonly string[] = ['000000000000', '123456789012'];
/** The word that marks a placeholder in any text (a bucket name, a role name). */
export const FILL_IN = 'fill-in';

/** The placeholder the environment generator writes for each kind of value. */
export const PLACEHOLDER = {
  account: '000000000000',
  subnet: 'subnet-00000000000000000',
  securityGroup: 'sg-00000000000000000',
  fileSystem: 'fs-00000000000000000',
  bucket: 'fill-in-bucket',
} as const;

const ACCOUNT = new RegExp(`(^|[^0-9])(${PLACEHOLDER_ACCOUNTS.join('|')})([^0-9]|$)`);
const ZERO_ID = /(^|[^a-z0-9-])((subnet|sg|fs)-(0{17}|0{8}))([^0-9a-f]|$)/;
const FILL_IN_WORD = new RegExp(`(^|[^a-z0-9])${FILL_IN}([^a-z0-9]|$)`, 'i');

/** What kind of placeholder a string holds, in words; undefined when it holds none. */
export function placeholderIn(value: string): string | undefined {
  const account = ACCOUNT.exec(value);
  if (account) return `the placeholder AWS account ${account[2]}`;
  const id = ZERO_ID.exec(value);
  if (id) return `the placeholder ID ${id[2]}`;
  if (FILL_IN_WORD.test(value)) return `a "${FILL_IN}" placeholder`;
  return undefined;
}

/** How to fill in a field, by its path in the definition. */
function fixFor(path: string): string {
  if (path === 'registry') return 'write the registry the charts are pushed to (`helm push`), e.g. the ECR registry of the account the cluster pulls from';
  if (/^network\.subnetId$|\.subnetId$/.test(path)) return 'copy the ID of the subnet from the VPC console or `aws ec2 describe-subnets` (its zone is network.availabilityZone)';
  if (/securityGroupIds/.test(path)) return 'copy the security group ID from the EC2 console or `aws ec2 describe-security-groups`';
  if (/fileSystemId/.test(path)) return 'copy the file system ID from the EFS or FSx console (`aws efs describe-file-systems`, `aws fsx describe-file-systems`)';
  if (/^identity\.|roleArn|Role/i.test(path)) return "write the IAM role ARN of this environment's account (copy it from IAM)";
  if (/bucket|s3ImportPath|s3ExportPath|s3:/i.test(path)) return "write the name of this environment's bucket";
  return 'write the real value';
}

/**
 * Every placeholder in an environment definition, as generate's errors (one per field, naming the
 * field and how to fill it in). `fail` takes the house form: field, value, accepted, fix. Returns
 * the fields reported: other checks of the same field stay silent (each error is reported once).
 */
export function checkPlaceholders(env: unknown, fail: (field: string, value: unknown, accepted: string, fix: string) => void): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const what = placeholderIn(value);
      if (!what) return;
      found.add(path);
      fail(path, value, `a real value, not ${what} (nx g @strata/nx-plugin:environment writes placeholders where only you know the value)`, fixFor(path));
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(env, '');
  return found;
}

/** Whether a problem message (`'<field>' (<value>) must be …`, a file before it or not) is about one of these fields. */
export function aboutField(problem: string, fields: ReadonlySet<string>): boolean {
  const m = /^(?:[^']*: )?'([^']+)' \(/.exec(problem);
  return !!m && fields.has(m[1]);
}
