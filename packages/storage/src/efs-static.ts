import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { markUses, patternWords, Tokens } from '@strata/tokens';
import { S3_FILES_FILE_SYSTEM_ID } from './s3-files-rules';
import { AccessMode, ReclaimPolicy } from './access-mode';
import { CsiPersistentVolume } from './persistent-volume';
import { Rules } from './rules';
import { ACCESS_POINT_ID, EFS_DRIVER, EFS_NODE_IAM, EfsHandleFormat, FILE_SYSTEM_ID, GO_BOOLS, GO_FALSE, IPV4, IPV6, VOLUME_HANDLE } from './efs-rules';
import { checkMountOptions, checkReclaimPolicy, isZoneIpMap, usesIam } from './efs-mount';
import type { EfsClaimOptions } from './efs';

/**
 * Static provisioning of EFS: what names an existing file system (the volumeHandle, from its parts
 * or whole), the volume attributes the node plugin takes, and the PersistentVolume built from them.
 */

/** An existing EFS file system (or a directory or access point of it) as a static volume. */
export interface EfsFromFileSystemOptions extends EfsClaimOptions {
  /**
   * The file system, `fs-` and 8–40 hex digits. Set this or `volumeHandle`.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/static_provisioning
   * @default - taken from volumeHandle
   */
  readonly fileSystemId?: string;
  /**
   * A directory of the file system to mount instead of its root; it must already exist.
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/volume_path
   * @default - the root (or the access point's root)
   */
  readonly subPath?: string;
  /**
   * An access point to mount through, `fsap-` and 8–40 hex digits (the driver adds tls).
   * @see https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/access_points
   * @default - no access point (no POSIX identity enforcement)
   */
  readonly accessPointId?: string;
  /**
   * How the volumeHandle is spelled: `efs` (`efs:fs-…[:subpath[:fsap-…]]`, driver v3) or `legacy`
   * (`fs-…[:subpath[:fsap-…]]`, still accepted).
   * @default 'efs'
   */
  readonly handleFormat?: EfsHandleFormat;
  /**
   * A complete volumeHandle instead of fileSystemId/subPath/accessPointId/handleFormat, parsed the
   * way the driver parses it (at most 4 fields with an `efs:`/`s3files:` prefix, 3 without).
   * @default - built from fileSystemId, subPath, accessPointId
   */
  readonly volumeHandle?: string;
  /**
   * TLS between node and file system (volume attribute `encryptInTransit`).
   * @default true (driver default; not written)
   */
  readonly encryptInTransit?: boolean;
  /**
   * A mount target IP address to use instead of DNS (volume attribute `mounttargetip`).
   * @default - resolved by efs-utils
   */
  readonly mountTargetIp?: string;
  /**
   * Resolve the mount target of another account through DNS (volume attribute `crossaccount`).
   * Not for S3 Files.
   * @default false (not written)
   */
  readonly crossAccount?: boolean;
  /**
   * Further raw volume attributes. The driver accepts only `encryptInTransit`, `mounttargetip`
   * and `crossaccount` and fails the mount on any other key.
   * @default - none
   */
  readonly volumeAttributes?: Record<string, string>;
  /**
   * Mount options for the volume (e.g. `iam`). `tls` is on by default; `accesspoint=` and
   * `crossaccount` are set by the driver and refused here.
   * @default - none (the driver adds noresvport and tls)
   */
  readonly mountOptions?: string[];
  /**
   * What happens to the PersistentVolume when its claim is released.
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

/** The PersistentVolume of `fromFileSystem` (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L100-L245, #L489-L582). */
export function staticEfsVolume(scope: Construct, r: Rules, o: EfsFromFileSystemOptions, accessMode: AccessMode, capacity: Size): { handle: string; pv: CsiPersistentVolume } {
  const parts = handleParts(r, o);
  const attributes = volumeAttributes(r, o, parts.s3files);
  checkReclaimPolicy(r, o.reclaimPolicy);
  checkMountOptions(r, o.mountOptions, { dynamic: false, s3files: parts.s3files, encryptInTransit: attributes.encryptInTransit, encryptField: attributes.encryptField });
  if (usesIam(o.mountOptions)) markUses(scope, EFS_NODE_IAM);
  const pv = new CsiPersistentVolume(scope, 'PersistentVolume', {
    driver: EFS_DRIVER,
    volumeHandle: parts.handle,
    volumeAttributes: attributes.values,
    accessModes: [accessMode],
    capacity,
    reclaimPolicy: o.reclaimPolicy,
    mountOptions: o.mountOptions,
  });
  return { handle: parts.handle, pv };
}

/** The volumeHandle, built from its parts or parsed from the raw string. */
function handleParts(r: Rules, o: EfsFromFileSystemOptions): { handle: string; s3files: boolean } {
  if (o.volumeHandle !== undefined) {
    for (const k of ['fileSystemId', 'subPath', 'accessPointId', 'handleFormat'] as const) {
      if (o[k] !== undefined) r.fail(k, o[k], 'left out when volumeHandle is set', `put everything in volumeHandle, or drop volumeHandle and keep ${k}`);
    }
    if (Tokens.isToken(o.volumeHandle)) {
      r.check('volumeHandle', o.volumeHandle, { pattern: VOLUME_HANDLE }, 'e.g. "efs:fs-0123456789abcdef0::fsap-0123456789abcdef0"', 'an EFS volume handle');
      return { handle: o.volumeHandle, s3files: false };
    }
    return { handle: o.volumeHandle, s3files: parseVolumeHandle(r, o.volumeHandle) };
  }
  const format = o.handleFormat ?? 'efs';
  r.oneOf('handleFormat', o.handleFormat, ['efs', 'legacy'], 'use "efs" (efs:fs-…) unless an older driver needs the legacy form');
  if (r.required('fileSystemId', o.fileSystemId, 'set (or volumeHandle)', 'name the file system, e.g. "fs-0123456789abcdef0"')) {
    r.check('fileSystemId', o.fileSystemId, { pattern: FILE_SYSTEM_ID }, 'copy the id from "aws efs describe-file-systems", e.g. "fs-0123456789abcdef0"');
  }
  r.check('accessPointId', o.accessPointId, { pattern: ACCESS_POINT_ID }, 'copy the id from "aws efs describe-access-points", e.g. "fsap-0123456789abcdef0"');
  r.check('subPath', o.subPath, { pattern: '^[^:]+$' }, 'name an existing directory, e.g. "/models"', "a directory path without ':'");
  const fields = [o.fileSystemId ?? ''];
  if (o.subPath !== undefined || o.accessPointId !== undefined) fields.push(o.subPath ?? '');
  if (o.accessPointId !== undefined) fields.push(o.accessPointId);
  return { handle: (format === 'legacy' ? '' : 'efs:') + fields.join(':'), s3files: false };
}

/** Typed attributes plus raw ones; only the three keys the node plugin knows (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L100-L146). */
function volumeAttributes(r: Rules, o: EfsFromFileSystemOptions, s3files: boolean): { values: Record<string, string | boolean | undefined>; encryptInTransit?: unknown; encryptField?: string } {
  const typed: Record<string, string | boolean | undefined> = { encryptInTransit: o.encryptInTransit, mounttargetip: o.mountTargetIp, crossaccount: o.crossAccount, mounttargetipmap: undefined };
  const values: Record<string, string | boolean | undefined> = { ...typed };
  let encryptInTransit: unknown = o.encryptInTransit;
  let encryptField = 'encryptInTransit';
  let crossAccount: unknown = o.crossAccount;
  let mountTargetIp: unknown = o.mountTargetIp;
  let ipField = 'mountTargetIp';
  const raw = o.volumeAttributes;
  if (raw !== undefined && !Tokens.infoOf(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      const field = `volumeAttributes.${key}`;
      const known = Object.keys(typed).find((k) => k.toLowerCase() === key.toLowerCase());
      if (!known) {
        r.fail(field, value, 'left out: the driver takes only encryptInTransit, mounttargetip, mounttargetipmap, crossaccount (it fails with "Volume context property ' + key + ' not supported")', key.toLowerCase() === 'path' ? 'mount a directory with subPath (it goes into the volumeHandle)' : 'drop it');
        continue;
      }
      if (typed[known] !== undefined) {
        r.fail(field, value, `left out when ${known === 'mounttargetip' ? 'mountTargetIp' : known === 'crossaccount' ? 'crossAccount' : known} is set`, 'set it one way only');
        continue;
      }
      values[known] = value;
      if (known === 'mounttargetipmap') {
        // A JSON object of zone → mount target IP, from which each node takes its own zone's (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L120-L138).
        if (!Tokens.isToken(value) && !isZoneIpMap(value)) r.fail(field, value, 'a JSON object of Availability Zone names to mount target IP addresses', 'e.g. {"us-east-1a":"10.0.1.25","us-east-1b":"10.0.2.25"}, or use mounttargetip');
        continue;
      }
      if (known === 'mounttargetip') {
        mountTargetIp = value;
        ipField = field;
      } else {
        // Read as the node plugin reads it (Go strconv.ParseBool); a token stays a token.
        const ok = r.check(field, value, { enum: GO_BOOLS }, 'write "true" or "false"', 'a boolean ("true" or "false")');
        const parsed = !ok ? undefined : Tokens.isToken(value) ? value : !GO_FALSE.includes(value);
        if (known === 'encryptInTransit') {
          encryptInTransit = parsed;
          encryptField = field;
        } else {
          crossAccount = parsed;
        }
      }
    }
  }
  r.check(ipField, mountTargetIp, { anyOf: [{ pattern: IPV4 }, { pattern: IPV6 }] }, 'give the IPv4 or IPv6 address of a mount target of the file system', 'an IP address');
  // efs-utils: "mounttargetip option is incompatible with crossaccount option" (aws/efs-utils@v3.2.0:src/mount_efs/dns_resolver.py#L104-L108).
  if (crossAccount === true && mountTargetIp !== undefined && !Tokens.isToken(mountTargetIp)) {
    r.fail(ipField, mountTargetIp, 'unset when crossAccount is true', 'efs-utils refuses a mount target IP with crossaccount ("mounttargetip option is incompatible with crossaccount option"): keep one, crossAccount to resolve the zone\'s mount target by DNS, or the IP');
  }
  if (s3files) {
    // S3 Files: always encrypted in transit, no cross-account DNS (kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L176-L192).
    if (encryptInTransit !== undefined) r.check(encryptField, encryptInTransit, { enum: [true] }, 'drop it: S3 Files is always encrypted in transit', 'true or unset for S3 Files');
    if (crossAccount !== undefined) r.check(o.crossAccount !== undefined ? 'crossAccount' : 'volumeAttributes.crossaccount', crossAccount, { enum: [false] }, 'drop it: S3 Files does not support crossaccount', 'false or unset for S3 Files');
  }
  return { values, encryptInTransit, encryptField };
}

/**
 * A volumeHandle read the way the node plugin reads it (parseVolumeId, kubernetes-sigs/aws-efs-csi-driver@v3.4.1:pkg/driver/node.go#L489-L582):
 * optional `efs:`/`s3files:` prefix, a file system id, an optional subpath, an optional access
 * point. Returns whether it names an S3 Files file system.
 */
function parseVolumeHandle(r: Rules, handle: string): boolean {
  const prefixed = /^(efs|s3files):/.exec(handle);
  const rest = prefixed ? handle.slice(prefixed[0].length) : handle;
  const fields = rest.split(':');
  const maxFields = prefixed ? 4 : 3;
  const s3files = prefixed?.[1] === 's3files';
  const shape = prefixed ? `${prefixed[1]}:fs-…[:subpath[:fsap-…]]` : 'fs-…[:subpath[:fsap-…]]';
  const example = 'e.g. "efs:fs-0123456789abcdef0:/models:fsap-0123456789abcdef0"';
  if (s3files && !new RegExp(S3_FILES_FILE_SYSTEM_ID).test(fields[0])) {
    // S3 Files ids are longer than EFS ids (https://docs.aws.amazon.com/cli/latest/reference/s3files/get-file-system.html).
    r.fail('volumeHandle', handle, `an S3 Files handle whose file system id (after "s3files:") is ${patternWords(S3_FILES_FILE_SYSTEM_ID)} (${shape})`, 'e.g. "s3files:fs-0123456789abcdef01::fsap-0123456789abcdef0"');
    return s3files;
  }
  if (!new RegExp(FILE_SYSTEM_ID).test(fields[0])) {
    r.fail('volumeHandle', handle, `an EFS handle whose file system id${prefixed ? ` (after "${prefixed[0]}")` : ''} matches ${FILE_SYSTEM_ID} (${shape})`, example);
    return s3files;
  }
  if (fields.length + (prefixed ? 1 : 0) > maxFields) {
    r.fail('volumeHandle', handle, `an EFS handle of at most ${maxFields} fields separated by ':' (${shape})`, example);
    return s3files;
  }
  const accessPointId = fields[2] || undefined;
  if (accessPointId !== undefined && !new RegExp(ACCESS_POINT_ID).test(accessPointId)) {
    r.fail('volumeHandle', handle, `an EFS handle whose access point id matches ${ACCESS_POINT_ID} (${shape})`, example);
  }
  return s3files;
}
