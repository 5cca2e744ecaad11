import { Construct } from 'constructs';
import { FieldExport, FieldExportSpecToKind } from '@strata/crd-types/ack-field-export';

/**
 * Where a value of a cloud object goes: one key of a ConfigMap. The ConfigMap must exist before
 * the export writes to it (aws-controllers-k8s/runtime@v0.61.0:pkg/runtime/field_export_reconciler.go), and the
 * key should be a shell-style identifier so Flux's `postBuild.substituteFrom` can read it.
 */
export interface CloudValueTarget {
  readonly namespace: string;
  readonly configMap: string;
  readonly key: string;
}

/** A Flux substitution variable name (https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution). */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export interface CloudValueProps {
  /** The FieldExport's name. */
  readonly name: string;
  /** The ACK object (in the same namespace) and the path of its field, e.g. `.status.fileSystemID`. */
  readonly from: { readonly group: string; readonly kind: string; readonly name: string; readonly path: string };
  readonly to: CloudValueTarget;
}

/**
 * An ACK FieldExport (services.k8s.aws/v1alpha1, shipped in every ACK controller chart:
 * aws-controllers-k8s/s3-controller@v1.10.0:config/crd/common/bases/services.k8s.aws_fieldexports.yaml): copies one field of an
 * ACK object, once it is synced, into a ConfigMap key, where a StorageClass (`fileSystemIdConfigRef`)
 * or Flux (`postBuild.substituteFrom`) reads it.
 */
export class CloudValue extends Construct {
  public readonly target: CloudValueTarget;
  public readonly object: FieldExport;

  public constructor(scope: Construct, id: string, props: CloudValueProps) {
    super(scope, id);
    this.target = props.to;
    if (!VARIABLE_NAME.test(props.to.key)) {
      this.node.addValidation({ validate: () => [`'to.key' (${JSON.stringify(props.to.key)}) must be letters, digits and "_", not starting with a digit; Flux substitutes only such names`] });
    }
    this.object = new FieldExport(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        from: { resource: { group: props.from.group, kind: props.from.kind, name: props.from.name }, path: props.from.path },
        to: { kind: FieldExportSpecToKind.CONFIGMAP, name: props.to.configMap, namespace: props.to.namespace, key: props.to.key },
      },
    });
  }

  /** The `namespace/name/key` reference the EFS CSI driver reads (`fileSystemIdConfigRef`). */
  public get configRef(): string {
    return `${this.target.namespace}/${this.target.configMap}/${this.target.key}`;
  }
}
