import { evaluate } from '@marcbachmann/cel-js';
import { ackHealthChecks } from '../src';

/**
 * kustomize-controller's evaluation of one object against healthCheckExprs, as a model: the entry of
 * the object's group (a kind-specific entry first), then inProgress, failed, current, else
 * InProgress; an expression that cannot be evaluated (no status yet) keeps the wait going
 * (fluxcd/kustomize-controller@v1.9.4:docs/spec/v1/kustomizations.md "Health check expressions").
 */
function status(o: { apiVersion: string; kind: string; status?: unknown }): 'Current' | 'InProgress' | 'Failed' | 'Unknown' {
  const group = o.apiVersion.split('/')[0];
  const checks = ackHealthChecks().filter((c) => c.apiVersion.split('/')[0] === group);
  const check = checks.find((c) => c.kind === o.kind) ?? checks.find((c) => c.kind === undefined);
  if (!check) throw new Error(`no check for ${o.apiVersion}`);
  try {
    for (const [expr, result] of [[check.inProgress, 'InProgress'], [check.failed, 'Failed'], [check.current, 'Current']] as const) {
      if (expr !== undefined && evaluate(expr, o as unknown as Record<string, unknown>) === true) return result;
    }
  } catch {
    return 'Unknown';
  }
  return 'InProgress';
}

const cond = (type: string, s: 'True' | 'False' | 'Unknown', message = '') => ({ type, status: s, message });

describe("what Flux concludes from the conditions ACK writes (runtime@v0.61.0 apis/core/v1alpha1/conditions.go)", () => {
  test.each([
    ['s3.services.k8s.aws/v1alpha1', 'Bucket', undefined, 'Unknown'],
    ['s3.services.k8s.aws/v1alpha1', 'Bucket', { conditions: [cond('ACK.ResourceSynced', 'False'), cond('Ready', 'False')] }, 'InProgress'],
    ['s3.services.k8s.aws/v1alpha1', 'Bucket', { conditions: [cond('ACK.Terminal', 'True', 'MalformedPolicy'), cond('ACK.ResourceSynced', 'False'), cond('Ready', 'False')] }, 'Failed'],
    ['s3.services.k8s.aws/v1alpha1', 'Bucket', { conditions: [cond('ACK.ResourceSynced', 'True'), cond('Ready', 'True')] }, 'Current'],
    ['efs.services.k8s.aws/v1alpha1', 'FileSystem', { conditions: [cond('ACK.ResourceSynced', 'False', 'lifeCycleState creating')] }, 'InProgress'],
    ['efs.services.k8s.aws/v1alpha1', 'MountTarget', { conditions: [cond('ACK.Terminal', 'True')] }, 'Failed'],
    ['efs.services.k8s.aws/v1alpha1', 'AccessPoint', { conditions: [cond('ACK.ReferencesResolved', 'False'), cond('ACK.ResourceSynced', 'False')] }, 'InProgress'],
    ['iam.services.k8s.aws/v1alpha1', 'Role', { conditions: [cond('ACK.ResourceSynced', 'True')] }, 'Current'],
    ['eks.services.k8s.aws/v1alpha1', 'PodIdentityAssociation', { conditions: [cond('ACK.Terminal', 'True', 'role not found')] }, 'Failed'],
    ['services.k8s.aws/v1alpha1', 'FieldExport', undefined, 'Unknown'],
    ['services.k8s.aws/v1alpha1', 'FieldExport', { conditions: [] }, 'Current'],
    ['services.k8s.aws/v1alpha1', 'FieldExport', { conditions: [cond('ACK.Recoverable', 'True', 'resource not synced')] }, 'InProgress'],
    ['services.k8s.aws/v1alpha1', 'FieldExport', { conditions: [cond('ACK.Terminal', 'True', 'ConfigMap missing')] }, 'Failed'],
  ])('%s %s %j: %s', (apiVersion, kind, st, expected) => {
    expect(status({ apiVersion, kind, ...(st === undefined ? {} : { status: st }) })).toBe(expected);
  });
});
