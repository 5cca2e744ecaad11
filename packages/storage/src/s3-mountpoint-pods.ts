import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { problem, Tokens, warn } from '@strata/tokens';

/** The CSI driver name of Mountpoint for Amazon S3 (awslabs/mountpoint-s3-csi-driver@v2.7.0:charts/aws-mountpoint-s3-csi-driver/templates/csidriver.yaml). */
export const S3_CSI_DRIVER = 's3.csi.aws.com';

/** Mountpoint Pods have a 10-minute termination grace period (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/TROUBLESHOOTING.md#L139-L146). */
export const S3_MOUNTPOINT_GRACE_SECONDS = 600;

/** Charts whose StorageClasses are already checked for the S3 provisioner. */
const checkedScopes = new WeakSet<IConstruct>();

/**
 * Refuses, under `scope`, every StorageClass whose provisioner is `s3.csi.aws.com`: the driver has
 * no dynamic provisioning (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/CONFIGURATION.md#L8-L10). `S3Mountpoint` applies it to its own chart;
 * call it on any other chart (or on a StorageClass) that may hold one. Checked at synthesis, so
 * objects added later are seen too.
 */
export function forbidS3StorageClasses(scope: IConstruct): void {
  if (checkedScopes.has(scope)) return;
  checkedScopes.add(scope);
  scope.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const c of scope.node.findAll()) {
        if (!ApiObject.isApiObject(c) || c.kind !== 'StorageClass' || c.apiVersion !== 'storage.k8s.io/v1') continue;
        const provisioner = (c.toJson() as { provisioner?: string }).provisioner;
        if (provisioner === S3_CSI_DRIVER) {
          errors.push(problem('provisioner', provisioner, 'a driver with dynamic provisioning',
            `Mountpoint for Amazon S3 mounts existing buckets only: remove StorageClass ${c.node.path} and use S3Mountpoint (a PersistentVolume and claim with storageClassName "")`));
        }
      }
      return errors;
    },
  });
}

/**
 * Warns when a pod that mounts a Mountpoint S3 volume may take longer than 600 s to terminate:
 * Mountpoint Pods stop after their own 10-minute grace period, and later writes fail with
 * "Transport endpoint is not connected" (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/TROUBLESHOOTING.md#L139-L146). `S3Mountpoint.mount` calls it
 * for the pod it finds; patterns that set the grace period later call it themselves. A token
 * grace period is not checked (a warning cannot be a schema rule).
 */
export function checkS3TerminationGrace(scope: IConstruct, grace: Duration | number | undefined): boolean {
  if (grace === undefined) return true;
  const seconds = grace instanceof Duration ? grace.toSeconds() : grace;
  if (Tokens.isToken(seconds) || seconds <= S3_MOUNTPOINT_GRACE_SECONDS) return true;
  warn(scope, problem('terminationGracePeriodSeconds', seconds, `at most ${S3_MOUNTPOINT_GRACE_SECONDS} with a Mountpoint S3 volume`,
    'Mountpoint Pods stop after 10 minutes, then writes fail with "Transport endpoint is not connected": finish the final flush within 600 s'));
  return false;
}

/** The Pod or workload (under the same root) whose containers include `container`. */
export function podOf(scope: IConstruct, container: plus.Container): plus.AbstractPod | undefined {
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof plus.AbstractPod && (c.containers.includes(container) || c.initContainers.includes(container))) return c;
  }
  return undefined;
}

/** Gates already added, by pod. */
const gated = new WeakMap<object, Set<string>>();

/**
 * Adds a scheduling gate to a pod's spec (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-scheduling-readiness/),
 * once per pod: a Pod's `spec.schedulingGates`, a workload's `spec.template.spec.schedulingGates`,
 * or, for a pod template a workload kind places (an `apiObject` of its own, @strata/kinds), that
 * object's `spec.schedulingGates`. cdk8s-plus-28 has no prop for it. Returns false for a pod it
 * cannot reach.
 */
export function addSchedulingGate(pod: plus.AbstractPod, name: string): boolean {
  const done = gated.get(pod) ?? new Set<string>();
  if (done.has(name)) return true;
  const embedded = (pod as unknown as { apiObject?: ApiObject }).apiObject;
  let target: ApiObject;
  let path: string;
  if (pod instanceof plus.Workload) {
    target = ApiObject.of(pod);
    path = '/spec/template/spec/schedulingGates';
  } else if (pod instanceof plus.Pod || embedded?.kind === 'Pod') {
    // A Pod, or a pod template whose object is a Pod outside the tree (its kind places the spec).
    target = pod instanceof plus.Pod ? ApiObject.of(pod) : embedded!;
    path = '/spec/schedulingGates';
  } else {
    return false;
  }
  target.addJsonPatch(done.size === 0 ? JsonPatch.add(path, [{ name }]) : JsonPatch.add(`${path}/-`, { name }));
  done.add(name);
  gated.set(pod, done);
  return true;
}
