import { patternWords, Tokens } from '@strata/tokens';
import { AZ_ID } from './forms';
import { Rules } from './rules';
import { S3_FILES_REFUSED_OPTION } from './s3-files-rules';

/**
 * The mount options of S3 Files volumes beyond what every EFS CSI volume is checked for (efs-mount.ts):
 * no `stunnel` (the driver fails the mount: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L238-L241), and `azid=`
 * naming an Availability Zone id, which efs-utils needs where instance metadata cannot tell it
 * (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:examples/kubernetes/s3files/azid/README.md). TLS and IAM are always on
 * (aws/efs-utils man/mount.s3files.8: "cannot be disabled"; NOT VERIFIED at a tag here).
 */
export function checkS3FilesMountOptions(r: Rules, options: string[] | undefined): void {
  if (options === undefined) return;
  if (Tokens.infoOf(options)) {
    r.check('mountOptions', options, { items: { not: { pattern: S3_FILES_REFUSED_OPTION } } }, 'drop it: S3 Files mounts through efs-proxy with TLS, never stunnel', 'mount options without stunnel');
    return;
  }
  for (const option of options) {
    if (Tokens.isToken(option)) continue;
    const [key, value] = option.split('=', 2).map((s) => s.trim());
    if (key.toLowerCase() === 'azid') {
      if (!new RegExp(AZ_ID).test(value ?? '')) {
        r.fail('mountOptions', option, `azid= followed by ${patternWords(AZ_ID)}`, 'give the zone id of the mount target the nodes use, e.g. "azid=use1-az4" (aws s3files list-mount-targets shows it)');
      }
    }
  }
}
