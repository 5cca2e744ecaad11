import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { FSX_FILE_SYSTEM_ID as FILE_SYSTEM_ID, MOUNT_NAME } from './forms';
import { AccessMode, ReclaimPolicy } from './access-mode';
import { CsiPersistentVolume } from './persistent-volume';
import { isLiteral, Rules } from './rules';
import { FSX_LUSTRE_DRIVER, FsxDeploymentType, FsxFileSystemTypeVersion } from './fsx-lustre-settings';
import { FsxDataRepositoryAssociation } from './fsx-lustre-association';

/**
 * Static provisioning of FSx for Lustre: what names an existing file system (its id, DNS name,
 * mount name) and the PersistentVolume built from it.
 */

/** Options of `FsxLustre.fromFileSystem`: an existing file system. */
export interface FsxLustreFromFileSystemOptions {
  /**
   * The file system id (the PV's volumeHandle), e.g. `fs-0199e5a63bd90f796`.
   */
  readonly fileSystemId: string;
  /**
   * The file system's DNS name (`dnsname`), e.g. `fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com`.
   * Required: the driver fails with "dnsname is not provided".
   */
  readonly dnsName?: string;
  /**
   * The Lustre mount name (`mountname`, LustreConfiguration.MountName). Required unless the file
   * system is SCRATCH_1, whose mount name is always "fsx".
   * @default 'fsx' for SCRATCH_1
   */
  readonly mountName?: string;
  /**
   * The file system's deployment type, when known: SCRATCH_1 allows leaving out the mount name.
   * @default - unknown
   */
  readonly deploymentType?: FsxDeploymentType;
  /**
   * The file system's Lustre version, when known: data repository associations need 2.12 or 2.15.
   * @default - unknown
   */
  readonly fileSystemTypeVersion?: FsxFileSystemTypeVersion;
  /**
   * The file system's data repository associations, as `aws fsx describe-data-repository-associations`
   * shows them: what each links (S3 path, directory), what it imports and exports automatically,
   * and who makes it. Checked against CreateDataRepositoryAssociation, and stated in the
   * environment report; strata creates none (the CSI driver cannot).
   * @default - none stated
   */
  readonly associations?: readonly FsxDataRepositoryAssociation[];
  /** The file system's capacity (the PV's capacity and the claim's request). */
  readonly storage: Size;
  /** @default AccessMode.READ_WRITE_MANY */
  readonly accessMode?: AccessMode;
  /**
   * What happens to the PersistentVolume object when its claim is deleted (the file system
   * itself is never deleted for a static volume).
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** @default ['flock'] (see FsxLustreStorageClassProps.mountOptions) */
  readonly mountOptions?: string[];
}

/** An FSx DNS name: `<fs-id>.fsx.<region>.amazonaws.com` (`.cn` in China). */
const DNS_NAME = '^fs-[0-9a-f]{8,18}\\.fsx\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$';

/** The PersistentVolume of an existing file system (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:examples/kubernetes/static_provisioning/specs/pv.yaml,
 * pkg/driver/node.go#L109-L119; MountName: https://docs.aws.amazon.com/fsx/latest/APIReference/API_LustreFileSystemConfiguration.html). */
export function staticLustreVolume(scope: Construct, r: Rules, o: FsxLustreFromFileSystemOptions, accessMode: AccessMode, capacity: Size): CsiPersistentVolume {
  const idOk =
    r.required('volumeHandle', o.fileSystemId, 'the file system id', 'copy FileSystemId from aws fsx describe-file-systems') &&
    r.check('volumeHandle', o.fileSystemId, { pattern: FILE_SYSTEM_ID }, 'copy FileSystemId from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796"', 'a file system id (fs- and 8 to 18 hex digits)');
  if (r.required('dnsname', o.dnsName, 'the file system\'s DNS name', 'copy DNSName from aws fsx describe-file-systems; the driver fails with "dnsname is not provided"')) {
    const shapeOk = r.check('dnsname', o.dnsName, { pattern: DNS_NAME }, 'copy DNSName from aws fsx describe-file-systems, e.g. "fs-0199e5a63bd90f796.fsx.us-east-1.amazonaws.com"', 'an FSx DNS name <fs-id>.fsx.<region>.amazonaws.com');
    if (idOk && shapeOk && isLiteral(o.dnsName) && isLiteral(o.fileSystemId) && !o.dnsName!.startsWith(`${o.fileSystemId}.`)) {
      r.fail('dnsname', o.dnsName, `the DNS name of ${o.fileSystemId}`, 'copy DNSName of the same file system');
    }
  }
  r.oneOf('deploymentType', o.deploymentType, Object.values(FsxDeploymentType), 'give the file system\'s deployment type');
  const scratch1 = o.deploymentType === FsxDeploymentType.SCRATCH_1;
  let mountName = o.mountName;
  if (mountName === undefined && scratch1) {
    mountName = 'fsx'; // always "fsx" on SCRATCH_1; written out rather than left to the driver's default
  } else if (mountName === undefined) {
    const which = o.deploymentType === undefined ? 'unless the file system is SCRATCH_1' : `for ${o.deploymentType}`;
    r.fail('mountname', undefined, `set ${which}`, 'only SCRATCH_1 file systems have the mount name "fsx": copy LustreConfiguration.MountName from aws fsx describe-file-systems');
  } else if (r.check('mountname', mountName, { pattern: MOUNT_NAME }, 'copy LustreConfiguration.MountName from aws fsx describe-file-systems', 'a mount name of 1 to 8 letters, digits, "_" or "-"') && scratch1) {
    r.check('mountname', mountName, { enum: ['fsx'] }, 'SCRATCH_1 file systems always have the mount name "fsx"', 'fsx for SCRATCH_1');
  }
  const reclaimPolicy = o.reclaimPolicy ?? ReclaimPolicy.RETAIN;
  r.oneOf('persistentVolumeReclaimPolicy', reclaimPolicy, Object.values(ReclaimPolicy), 'Recycle is not supported for CSI volumes: use Retain');
  return new CsiPersistentVolume(scope, 'PersistentVolume', {
    driver: FSX_LUSTRE_DRIVER,
    volumeHandle: o.fileSystemId,
    volumeAttributes: { dnsname: o.dnsName, mountname: mountName },
    accessModes: [accessMode],
    capacity,
    reclaimPolicy,
    mountOptions: o.mountOptions ?? ['flock'],
  });
}
