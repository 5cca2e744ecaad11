import { Tokens } from './token';

/**
 * Annotations strata writes on pod templates so that checks of a rendered release know what a
 * pattern declared about its pods (constructs write them; the lifecycle check and the Helm
 * writer's timeout derivation read them from rendered or template objects).
 */

/**
 * Seconds the pod's init containers may take before its first container starts (a gate that
 * waits for data another Job prepares). Part of how long a rollout may take.
 */
export const INIT_SECONDS_ANNOTATION = 'strata.dev/init-seconds';

/**
 * Seconds a new node and a large image pull take before a pod's first container starts: Karpenter
 * launching a GPU instance (1–3 minutes to Ready) and pulling a multi-GB CUDA image (several
 * minutes). A margin, stated once, that rollout bounds include.
 */
export const NODE_AND_IMAGE_SECONDS = 600;

/**
 * The final flush a pod needs when it is stopped, as JSON: `{"checkpointMiB": n, "uploadMiBps": n,
 * "localWriteMiBps": n}` — the newest checkpoint is written to node-local storage, then uploaded.
 * Its terminationGracePeriodSeconds must cover it (see flushSeconds).
 */
export const FLUSH_ANNOTATION = 'strata.dev/flush';

/**
 * Karpenter does not consolidate a node running a pod with this annotation "true", nor drift it —
 * unless the node has a terminationGracePeriod: drift then drains it like an expiry, and only a
 * disruption budget holds it back (kubernetes-sigs/karpenter@v1.14.1
 * pkg/controllers/disruption/types.go#L189-L196). It does not protect from expiration, Spot
 * interruption or node repair, where such a pod is not evicted but deleted at the end of the
 * terminationGracePeriod (pkg/controllers/node/termination/terminator/terminator.go#L140-L183).
 * @see https://karpenter.sh/docs/concepts/disruption/#pod-level-controls
 */
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

/** What a pod's final flush consists of (see FLUSH_ANNOTATION). */
export interface FlushFacts {
  /** Size of the newest checkpoint one pod writes, in MiB (whole). */
  readonly checkpointMiB: number;
  /** Upload throughput of one pod to S3, in MiB/s. */
  readonly uploadMiBps: number;
  /** Write throughput of the node-local storage, in MiB/s. */
  readonly localWriteMiBps: number;
}

/** Seconds added to a flush for process exit and the sidecar's last round. */
export const FLUSH_MARGIN_SECONDS = 15;

/**
 * Seconds a final flush takes: write the checkpoint locally, then upload it, plus a margin,
 * rounded up — `ceil(mib × (upload + local) / (local × upload)) + 15`, in whole numbers. Any fact
 * may be a value: the result is then a formula token that Helm computes the same way.
 */
export function flushSeconds(f: FlushFacts): number {
  // One expression: the product mib × (upload + local) of literals may land among the token markers
  // (5547 GiB at 250 + 1000 MiB/s is 7100160000) and must not stand alone as a number.
  const written = { op: 'mul', args: [f.checkpointMiB, { op: 'add', args: [f.uploadMiBps, f.localWriteMiBps] }] } as const;
  const rates = { op: 'mul', args: [f.localWriteMiBps, f.uploadMiBps] } as const;
  return Tokens.compute({ op: 'add', args: [{ op: 'ceilDiv', args: [written, rates] }, FLUSH_MARGIN_SECONDS] });
}
