import { ApiObject, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markHoldsData } from '@strata/tokens';
import { AccessMode } from './access-mode';

export interface ClaimProps {
  readonly accessModes: AccessMode[];
  readonly storage: Size;
  /** `''` for statically provisioned volumes (no default class injected). */
  readonly storageClassName: string;
  /** Binds to this PersistentVolume. @default - any matching volume */
  readonly volumeName?: string;
  /** Mark the claim as holding data (kept on uninstall, never pruned). @default true */
  readonly holdsData?: boolean;
}

/** A PersistentVolumeClaim with an explicit class (possibly `''`), marked as holding data. */
export class Claim extends Construct {
  public readonly apiObject: ApiObject;
  public readonly accessModes: AccessMode[];
  public readonly storage: Size;

  public constructor(scope: Construct, id: string, props: ClaimProps) {
    super(scope, id);
    this.accessModes = props.accessModes;
    this.storage = props.storage;
    this.apiObject = new plus.k8s.KubePersistentVolumeClaim(this, 'Resource', {
      spec: {
        accessModes: props.accessModes,
        storageClassName: props.storageClassName,
        volumeName: props.volumeName,
        volumeMode: 'Filesystem',
        resources: { requests: { storage: plus.k8s.Quantity.fromString(`${props.storage.toGibibytes()}Gi`) } },
      },
    });
    if (props.holdsData ?? true) markHoldsData(this.apiObject);
  }

  /** The claim name pods refer to. */
  public get name(): string {
    return this.apiObject.name;
  }
}
