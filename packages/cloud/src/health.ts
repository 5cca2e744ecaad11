import { ACK_CONTROLLERS, ACK_SERVICES } from './controllers';

/** A Flux health check expression (kustomize.toolkit.fluxcd.io/v1 Kustomization `.spec.healthCheckExprs[]`). */
export interface AckHealthCheck {
  readonly apiVersion: string;
  readonly kind?: string;
  readonly current: string;
  readonly inProgress?: string;
  readonly failed?: string;
}

const condition = (type: string) => `status.conditions.exists(c, c.type == '${type}' && c.status == 'True')`;

/**
 * How Flux waits for ACK objects. kstatus alone never calls an ACK object Failed (ACK writes no
 * `status.observedGeneration`, and `Ready` False is InProgress: fluxcd/cli-utils@v1.2.1 pkg/kstatus/status/status.go),
 * so a bucket ACK cannot create would hold the Kustomization until its timeout. With these
 * expressions (fluxcd/kustomize-controller@v1.9.4:docs/spec/v1/kustomizations.md "Health check expressions";
 * matched by API group, the kind left out so one entry covers every kind of a controller):
 * - failed: `ACK.Terminal` True — the spec must change before ACK tries again
 *   (aws-controllers-k8s/runtime@v0.61.0:apis/core/v1alpha1/conditions.go);
 * - current: `ACK.ResourceSynced` True — the AWS resource matches the spec.
 * An object whose controller wrote no status yet cannot be evaluated: Flux keeps polling.
 * FieldExport writes no Synced condition: `status.conditions` is emptied on success and holds
 * `ACK.Terminal` or `ACK.Recoverable` on failure (runtime@v0.61.0:pkg/runtime/field_export_reconciler.go Sync,
 * apis/core/v1alpha1/field_export.go: `conditions` is always written).
 */
export function ackHealthChecks(): AckHealthCheck[] {
  // MetricAlarms (cloudwatch) live in the monitoring Kustomization, never in infra-identity or infra-cloud.
  const out: AckHealthCheck[] = ACK_SERVICES.filter((s) => s !== 'cloudwatch').map((s) => ({ apiVersion: `${ACK_CONTROLLERS[s].group}/v1alpha1`, failed: condition('ACK.Terminal'), current: condition('ACK.ResourceSynced') }));
  out.push({
    apiVersion: 'services.k8s.aws/v1alpha1',
    kind: 'FieldExport',
    failed: condition('ACK.Terminal'),
    inProgress: condition('ACK.Recoverable'),
    current: "status.conditions.all(c, c.status != 'True' || c.type == 'ACK.Advisory')",
  });
  return out;
}
