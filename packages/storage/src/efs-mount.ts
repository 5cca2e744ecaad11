import { Tokens } from '@strata/tokens';
import { ZONE } from './forms';
import { ReclaimPolicy } from './access-mode';
import { Rules } from './rules';
import { DRIVER_SET_OPTION, IPV4, IPV6 } from './efs-rules';

/**
 * What EFS volumes are mounted with: mount options as NodePublishVolume and efs-utils take them
 * (tls by default, iam only with tls, no accesspoint= or crossaccount of one's own), and the
 * reclaim policy of classes and static volumes.
 */

export function checkReclaimPolicy(r: Rules, policy: ReclaimPolicy | undefined): void {
  r.oneOf('reclaimPolicy', policy, [ReclaimPolicy.RETAIN, ReclaimPolicy.DELETE], 'Recycle is not valid for CSI volumes: use ReclaimPolicy.RETAIN');
}

export interface MountContext {
  /** StorageClass (dynamic): the driver puts an access point in every handle. */
  readonly dynamic: boolean;
  readonly s3files: boolean;
  /** The effective encryptInTransit of a static volume (literal or token). */
  readonly encryptInTransit?: unknown;
  /** Where encryptInTransit came from, for the message. */
  readonly encryptField?: string;
}

/** Mount options against NodePublishVolume (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L160-L245, #L457-L467). */
export function checkMountOptions(r: Rules, options: string[] | undefined, ctx: MountContext): void {
  if (options === undefined) return;
  if (Tokens.infoOf(options)) {
    // A list decided at install time: the options the driver sets itself are refused by the schema.
    r.check('mountOptions', options, { items: { not: { pattern: DRIVER_SET_OPTION } } }, 'drop them: the driver sets accesspoint= (from the volume) and crossaccount (from the provisioner Secret) itself', 'mount options without accesspoint= and crossaccount');
    return;
  }
  for (const option of options) {
    if (Tokens.isToken(option)) continue;
    const key = option.toLowerCase().split('=')[0].trim();
    if (key === 'accesspoint') {
      r.fail('mountOptions', option, 'left out: accesspoint= in mountOptions is deprecated and conflicts with the access point of the volumeHandle', ctx.dynamic ? 'drop it: dynamic provisioning creates one access point per claim' : 'drop it and pass accessPointId instead (the driver adds accesspoint= and tls itself)');
    } else if (key === 'crossaccount') {
      r.fail('mountOptions', option, 'left out: the driver sets crossaccount itself', ctx.dynamic ? 'put crossaccount: "true" in the provisioner secret instead' : 'drop it and pass crossAccount: true instead');
    } else if (key === 'awscredsuri') {
      r.warn(`'mountOptions' (${JSON.stringify(option)}): awscredsuri is not supported by the EFS CSI driver; drop it and use iam (the node's IAM identity) instead`);
    } else if (key === 'stunnel' && ctx.s3files) {
      r.fail('mountOptions', option, 'left out for S3 Files (stunnel is not supported)', 'drop it');
    } else if (key === 'iam' && ctx.encryptInTransit !== undefined && !ctx.s3files) {
      // efs-utils: 'The "tls" option is required when mounting via "iam"' (aws/efs-utils@v3.2.0:src/efs_utils_common/mount_options.py#L168-L169).
      r.check(ctx.encryptField ?? 'encryptInTransit', ctx.encryptInTransit, { enum: [true] }, 'drop encryptInTransit: false (TLS is on by default), or drop iam', 'true or unset when mountOptions has iam (efs-utils refuses iam without tls)');
    } else if (key === 'tls') {
      const encryptOk = ctx.encryptInTransit === undefined || r.check(ctx.encryptField ?? 'encryptInTransit', ctx.encryptInTransit, { enum: [true] }, 'drop tls from mountOptions (TLS is on by default) or drop encryptInTransit: false', 'true or unset when mountOptions has tls (the driver fails "Found tls in mountOptions but encryptInTransit is false")');
      if (encryptOk) r.warn(`'mountOptions' ("tls") is deprecated: the driver enables TLS by default (encryptInTransit); drop it`);
    }
  }
}

/** Whether literal mount options include `iam` (the driver lower-cases options: kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L205). */
export function usesIam(options: string[] | undefined): boolean {
  return options !== undefined && !Tokens.infoOf(options) && options.some((o) => !Tokens.isToken(o) && o.toLowerCase().trim() === 'iam');
}

/** A JSON object of zone names to IP addresses (the controller's mounttargetipmap). */
export function isZoneIpMap(value: string): boolean {
  try {
    const m = JSON.parse(value) as unknown;
    if (!m || typeof m !== 'object' || Array.isArray(m) || Object.keys(m).length === 0) return false;
    return Object.entries(m as Record<string, unknown>).every(([zone, ip]) => new RegExp(ZONE).test(zone) && typeof ip === 'string' && (new RegExp(IPV4).test(ip) || new RegExp(IPV6).test(ip)));
  } catch {
    return false;
  }
}
