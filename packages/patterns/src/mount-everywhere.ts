import * as plus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { InstanceStore, IStorageTier, SchedulablePod, StorageMountOptions } from '@strata/storage';

/** Options of `mountEverywhere`: those of the tier's own `mount`. */
export interface MountEverywhereOptions extends StorageMountOptions {}

/**
 * Mounts `storage` at `path` into every regular container (not init containers or native
 * sidecars) of every pod template — cdk8s-plus workloads (Deployment, StatefulSet, DaemonSet, Job, Pod)
 * and the pod templates of operators' kinds (@strata/kinds) — found
 * under `scope` when it is called, through the tier's own checked `mount` (an InstanceStore is
 * given the pod, for its ephemeral-storage request and node affinity).
 *
 * Generated storage bindings call it as the chart constructor's last statement:
 * `mountEverywhere(this, data, '/data', { readOnly: true })`.
 */
export function mountEverywhere(scope: IConstruct, storage: IStorageTier, path: string, options: MountEverywhereOptions = {}): void {
  const pods = scope.node.findAll().filter((c): c is SchedulablePod => c instanceof plus.AbstractPod);
  if (pods.length === 0) {
    throw new Error(`[${scope.node.path}] mountEverywhere: no cdk8s-plus workload under this scope to mount ${path} into; create the workloads before binding storage to them`);
  }
  for (const pod of pods) {
    for (const container of pod.containers) {
      if (storage instanceof InstanceStore) storage.mount(container, path, { ...options, pod });
      else storage.mount(container, path, options);
    }
  }
}
