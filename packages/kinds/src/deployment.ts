import { Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { INIT_SECONDS_ANNOTATION, NODE_AND_IMAGE_SECONDS, Tokens } from '@strata/tokens';

/** Kubernetes' defaults of a probe's timing fields (core/v1 Probe). */
const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 };

export interface DeploymentProps extends plus.DeploymentProps {
  /**
   * `progressDeadlineSeconds`: a rollout that makes no progress this long is ProgressDeadlineExceeded,
   * which helm-controller's wait (kstatus) reads as Failed. It must cover one new pod's whole start,
   * or every rollout that needs a new node fails: strata's lifecycle check refuses a shorter one
   * (rule `release-waits`).
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
   * @default - derived at synthesis from the pod: 600 s for a node and image + the init containers'
   *   bound (the `strata.dev/init-seconds` annotation a pattern's gate sets) + the longest startup
   *   probe (initialDelaySeconds + periodSeconds × failureThreshold, Kubernetes' defaults 0, 10 and 3
   *   where unset; cdk8s-plus gives every container with a port one, 30 s): 630 s for a plain
   *   container with a port. A formula Helm computes where these are chart values.
   */
  readonly progressDeadline?: Duration;
}

/**
 * A cdk8s-plus Deployment whose `progressDeadlineSeconds` follows its pods' start unless given.
 * cdk8s-plus's own default is a fixed 600 s, shorter than the start of any pod with a port (the
 * startup probe cdk8s-plus adds for it takes up to 30 s after the 600 s strata allows for a node and
 * an image), so such a Deployment written by hand was refused by the lifecycle check.
 */
export class Deployment extends plus.Deployment {
  /** Whether `progressDeadline` is derived from the pods (not given). */
  public readonly progressDeadlineDerived: boolean;

  public constructor(scope: Construct, id: string, props: DeploymentProps = {}) {
    super(scope, id, props);
    this.progressDeadlineDerived = props.progressDeadline === undefined;
    if (this.progressDeadlineDerived) {
      // cdk8s-plus reads `progressDeadline` when it renders the spec, after containers, probes and
      // init annotations are added: a getter gives it the deadline of the pods as they are then.
      Object.defineProperty(this, 'progressDeadline', { get: () => Duration.seconds(progressDeadlineOf(this)), configurable: true, enumerable: true });
    }
  }
}

/** Seconds a new pod of the Deployment may take to start: a node and image + init bound + the longest startup probe. */
function progressDeadlineOf(deployment: plus.Deployment): number {
  const init = (deployment.podMetadata.toJson().annotations as Record<string, string> | undefined)?.[INIT_SECONDS_ANNOTATION];
  const initSeconds = init === undefined ? 0 : Number(init);
  const startups = deployment.containers.length === 0 ? [] : deployment._toPodSpec().containers.map((c) => c.startupProbe).filter((p) => p !== undefined);
  let startup = 0;
  let literalBest = -1;
  for (const p of startups) {
    const delay = p.initialDelaySeconds ?? PROBE_DEFAULTS.initialDelaySeconds;
    const period = p.periodSeconds ?? PROBE_DEFAULTS.periodSeconds;
    const threshold = p.failureThreshold ?? PROBE_DEFAULTS.failureThreshold;
    const bound = Tokens.sum(delay, Tokens.product(period, threshold));
    // The longest literal bound wins; a bound holding a value is taken when no literal one is longer.
    const literal = Tokens.isToken(bound) ? 0 : bound;
    if (literal > literalBest) {
      startup = bound;
      literalBest = literal;
    }
  }
  return Tokens.sum(NODE_AND_IMAGE_SECONDS, initSeconds, startup);
}
