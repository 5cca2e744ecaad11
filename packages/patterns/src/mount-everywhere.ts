import * as plus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { InstanceStore, IStorageTier, SchedulablePod, StorageMountOptions } from '@strata/storage';
import { warn } from '@strata/tokens';
import { runAsOf } from './security';
import { checkWritableRoot } from './writable-root';

/** Options of `mountEverywhere`: those of the tier's own `mount`. */
export interface MountEverywhereOptions extends StorageMountOptions {
  /**
   * For a read-write mount of a file system whose root belongs to root (FSx for Lustre, EFS without
   * an access point): the directory mounted was handed to the containers' uid outside the chart
   * (see writable-root.ts). Without it, such a mount warns, with the fix.
   * @default false
   */
  readonly rootPrepared?: boolean;
}

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
  const { rootPrepared, ...mountOptions } = options;
  for (const pod of pods) {
    for (const container of pod.containers) {
      if (storage instanceof InstanceStore) storage.mount(container, path, { ...mountOptions, pod });
      else storage.mount(container, path, mountOptions);
    }
  }
  if (options.readOnly !== true) {
    // The one warning of every writable FSx for Lustre or EFS mount whose root belongs to root.
    const first = pods.find((p) => p.containers.length > 0);
    checkWritableRoot({ warn: (message) => warn(scope, message) }, {
      field: 'storage',
      storage,
      writer: `the containers mounting ${path}`,
      runAs: first ? runAsOf(first.containers[0], first) : undefined,
      directory: options.subPath,
      preparedField: 'rootPrepared',
      prepared: rootPrepared,
    });
  }
}
