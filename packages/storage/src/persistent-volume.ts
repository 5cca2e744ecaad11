import { ApiObject, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markHoldsData } from '@strata/tokens';
import { AccessMode, ReclaimPolicy } from './access-mode';
import { keepClusterScoped } from './cluster-scoped';

export interface CsiPersistentVolumeProps {
  /** The CSI driver, e.g. `efs.csi.aws.com`. */
  readonly driver: string;
  /** The driver's id of the existing volume (file system id, bucket handle, ...). */
  readonly volumeHandle: string;
  /** Driver-specific attributes; values are written as strings. @default - none */
  readonly volumeAttributes?: Record<string, string | number | boolean | undefined>;
  readonly accessModes: AccessMode[];
  /** Required by Kubernetes; some drivers ignore it (EFS, Mountpoint S3). */
  readonly capacity: Size;
  /** @default ReclaimPolicy.RETAIN */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** @default - none */
  readonly mountOptions?: string[];
  /**
   * Statically provisioned volumes use the empty class so that no default class is injected.
   * @default ''
   */
  readonly storageClassName?: string;
  /** Pre-binds the volume to one claim (recommended for Mountpoint S3). @default - not pre-bound */
  readonly claimRef?: { readonly name: string; readonly namespace: string };
  /** Required node affinity (local volumes). @default - none */
  readonly nodeAffinity?: plus.k8s.VolumeNodeAffinity;
  /** A `local` volume path instead of a CSI source (local static provisioner). @default - CSI */
  readonly localPath?: string;
  /**
   * Mark the volume as holding data (Helm keeps it on uninstall and upgrade). A volume that only
   * points to data held elsewhere (a Mountpoint bucket prefix) holds none.
   * @default - true with reclaimPolicy Retain
   */
  readonly holdsData?: boolean;
}

/**
 * A cluster-scoped PersistentVolume for an existing piece of storage: CSI by default, or a
 * `local` volume. Retain by default, never a namespace, marked as holding data.
 */
export class CsiPersistentVolume extends Construct {
  public readonly apiObject: ApiObject;
  public readonly reclaimPolicy: ReclaimPolicy;

  public constructor(scope: Construct, id: string, props: CsiPersistentVolumeProps) {
    super(scope, id);
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    const attributes: Record<string, string> = {};
    for (const key of Object.keys(props.volumeAttributes ?? {}).sort()) {
      const v = props.volumeAttributes![key];
      if (v !== undefined) attributes[key] = String(v);
    }
    this.apiObject = new plus.k8s.KubePersistentVolume(this, 'Resource', {
      spec: {
        accessModes: props.accessModes,
        capacity: { storage: plus.k8s.Quantity.fromString(`${props.capacity.toGibibytes()}Gi`) },
        persistentVolumeReclaimPolicy: this.reclaimPolicy,
        storageClassName: props.storageClassName ?? '',
        volumeMode: 'Filesystem',
        mountOptions: props.mountOptions && props.mountOptions.length > 0 ? props.mountOptions : undefined,
        claimRef: props.claimRef ? { name: props.claimRef.name, namespace: props.claimRef.namespace } : undefined,
        nodeAffinity: props.nodeAffinity,
        csi: props.localPath
          ? undefined
          : {
              driver: props.driver,
              volumeHandle: props.volumeHandle,
              volumeAttributes: Object.keys(attributes).length > 0 ? attributes : undefined,
            },
        local: props.localPath ? { path: props.localPath } : undefined,
      },
    });
    keepClusterScoped(this.apiObject);
    if (props.holdsData ?? this.reclaimPolicy === ReclaimPolicy.RETAIN) markHoldsData(this.apiObject);
  }

  /** The name claims bind to. */
  public get name(): string {
    return this.apiObject.name;
  }
}
