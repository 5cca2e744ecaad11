import * as plus from 'cdk8s-plus-28';
import { isLiteral, Rules } from '@strata/storage';
import { Tokens } from '@strata/tokens';

/**
 * Who a container runs as, per container: the uid and gid of its processes. Pod Security
 * "restricted" is kept whatever is given: `runAsNonRoot: true` on every container, and uid 0 (root)
 * refused, because restricted refuses it ("Running as Non-root user": runAsUser must not be 0,
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted) and strata's
 * namespaces enforce restricted. Group 0 is accepted: restricted does not limit groups, and images
 * built for arbitrary uids (OpenShift's convention) make their directories writable by group 0.
 */
export interface RunAs {
  /** The uid (`runAsUser`), 1 to 2147483647 (Kubernetes' range for ids). Never 0. @default 1000 */
  readonly user?: number;
  /** The primary gid (`runAsGroup`), 0 to 2147483647. @default 1000 */
  readonly group?: number;
}

/**
 * Groups of a whole pod (Kubernetes has them on the pod only, not per container): what volumes the
 * kubelet hands over to a group, and further groups every container of the pod belongs to.
 */
export interface PodGroups {
  /**
   * The pod's `fsGroup`: volumes whose driver supports it are given to this group (group-writable)
   * when mounted. FSx for Lustre and EFS ReadWriteMany volumes are not: their CSIDriver objects
   * leave fsGroupPolicy at ReadWriteOnceWithFSType (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:charts/aws-fsx-csi-driver/values.yaml#L10-L11;
   * kubernetes-sigs/aws-efs-csi-driver@v3.4.1:charts/aws-efs-csi-driver/templates/csidriver.yaml sets none, and
   * ReadWriteOnceWithFSType is the default: https://kubernetes-csi.github.io/docs/support-fsgroup.html).
   * @default - none
   */
  readonly fsGroup?: number;
  /**
   * Further groups of every container of the pod (`supplementalGroups`), e.g. the group a shared
   * directory was handed to (`chgrp 3000 dir && chmod g+rwxs dir`). Added to what the pod already has.
   * @default - none
   */
  readonly supplementalGroups?: readonly number[];
}

/** The uid and groups of a pattern's helper containers and of the pod they run in. */
export interface SecurityOptions extends RunAs, PodGroups {}

/** The uid and gid containers run as unless told otherwise. */
export const DEFAULT_USER = 1000;

/** The highest uid and gid Kubernetes accepts (apimachinery's IsValidUserID/IsValidGroupID: 0 to MaxInt32). */
export const MAX_ID = 2147483647;

const USER = { minimum: 1, maximum: MAX_ID, multipleOf: 1 } as const;
const GROUP = { minimum: 0, maximum: MAX_ID, multipleOf: 1 } as const;
const NOT_ROOT = 'Pod Security "restricted" refuses a container running as root (runAsUser 0), and strata\'s namespaces enforce it: run as a non-root uid, e.g. 1000, and give the files the container needs to that uid or to one of its groups';

/**
 * Checks a RunAs (and pod groups) under `field`: uid 1 to 2147483647 (0 refused with the reason),
 * gids 0 to 2147483647. Values become schema rules. Returns whether every literal passed.
 */
export function checkSecurity(rules: Rules, field: string, o: SecurityOptions | undefined): boolean {
  if (!o) return true;
  const prefix = field === '' ? '' : `${field}.`;
  let ok = true;
  if (o.user === 0) {
    rules.fail(`${prefix}user`, 0, 'a uid from 1 to 2147483647 (not 0: root)', NOT_ROOT);
    ok = false;
  } else {
    ok = rules.check(`${prefix}user`, o.user, USER, NOT_ROOT, 'a uid from 1 to 2147483647 (not 0: root)') && ok;
  }
  ok = rules.check(`${prefix}group`, o.group, GROUP, 'give a gid from 0 to 2147483647', 'a gid from 0 to 2147483647') && ok;
  ok = rules.check(`${prefix}fsGroup`, o.fsGroup, GROUP, 'give a gid from 0 to 2147483647', 'a gid from 0 to 2147483647') && ok;
  const groups = o.supplementalGroups;
  if (groups !== undefined && Tokens.infoOf(groups)) {
    ok = rules.check(`${prefix}supplementalGroups`, groups, { items: GROUP }, 'give gids from 0 to 2147483647', 'gids from 0 to 2147483647') && ok;
  } else {
    for (const g of groups ?? []) ok = rules.check(`${prefix}supplementalGroups`, g, GROUP, 'give gids from 0 to 2147483647', 'gids from 0 to 2147483647') && ok;
  }
  return ok;
}

/**
 * The container security context every pattern uses: Pod Security "restricted" (non-root, no
 * privilege escalation, all capabilities dropped, seccomp RuntimeDefault) and a read-only root.
 * A uid of 0 is never written: it falls back to DEFAULT_USER (checkSecurity refuses it first).
 */
export function restrictedSecurityContext(user: number = DEFAULT_USER, group: number = DEFAULT_USER, readOnlyRootFilesystem = true): plus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: user === 0 ? DEFAULT_USER : user,
    group,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    capabilities: { drop: [plus.Capability.ALL] },
    seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * Whom a container runs as: its own securityContext's uid and gid, else its pod's, else
 * DEFAULT_USER (a helper that shares files with it should run as the same user).
 */
export function runAsOf(container: plus.Container, pod?: plus.AbstractPod): Required<RunAs> {
  const sc = container.securityContext;
  return {
    user: sc.user ?? pod?.securityContext.user ?? DEFAULT_USER,
    group: sc.group ?? pod?.securityContext.group ?? DEFAULT_USER,
  };
}

/**
 * Applies pod groups to a pod: `fsGroup` is set when the pod has none (another value is refused,
 * naming both: a pod has one fsGroup), `supplementalGroups` are added to the pod's (each once).
 */
export function applyPodGroups(rules: Rules, field: string, pod: plus.AbstractPod, groups: PodGroups | undefined): void {
  if (!groups) return;
  const prefix = field === '' ? '' : `${field}.`;
  if (groups.fsGroup !== undefined) {
    const current = pod.securityContext.fsGroup;
    if (current === undefined) (pod.securityContext as { fsGroup?: number }).fsGroup = groups.fsGroup;
    else if (current !== groups.fsGroup) {
      rules.fail(`${prefix}fsGroup`, groups.fsGroup, `the pod's own fsGroup (${current})`, 'a pod has one fsGroup: leave it unset here, or give the pod the same one');
    }
  }
  if (groups.supplementalGroups === undefined) return;
  try {
    addSupplementalGroups(pod, groups.supplementalGroups);
  } catch (e) {
    rules.fail(`${prefix}supplementalGroups`, Tokens.infoOf(groups.supplementalGroups) ? 'a list value' : groups.supplementalGroups, 'mergeable with the pod\'s other supplemental groups', (e as Error).message.replace(/^supplementalGroups: /, ''));
  }
}

const supplemental = new WeakMap<plus.AbstractPod, { groups: number[]; value?: readonly number[] }>();

/**
 * Adds supplemental groups to a pod's security context. cdk8s-plus-28 has no such prop, so the
 * pod's security context rendering is wrapped once (as Devices does for extended resources): the
 * groups reach every kind of pod, a Deployment's or a pod template's alike. A list bound to a value
 * is the whole list: nothing can be merged into it, so another list beside it is refused.
 */
export function addSupplementalGroups(pod: plus.AbstractPod, groups: readonly number[]): void {
  let entry = supplemental.get(pod);
  if (!entry) {
    const own: { groups: number[]; value?: readonly number[] } = { groups: [] };
    entry = own;
    supplemental.set(pod, own);
    const sc = pod.securityContext as unknown as { _toKube(): Record<string, unknown> };
    const render = sc._toKube.bind(sc);
    sc._toKube = () => {
      const list = own.value ?? (own.groups.length > 0 ? [...own.groups] : undefined);
      return { ...render(), ...(list !== undefined ? { supplementalGroups: list } : {}) };
    };
  }
  if (Tokens.infoOf(groups)) {
    if (entry.groups.length > 0 || (entry.value !== undefined && entry.value !== groups)) {
      throw new Error(`supplementalGroups: a list bound to a value cannot be merged with other groups of the same pod (${JSON.stringify(entry.groups)}); give the pod one list`);
    }
    entry.value = groups;
    return;
  }
  if (entry.value !== undefined) {
    throw new Error(`supplementalGroups: the pod's groups are a list bound to a value; ${JSON.stringify(groups)} cannot be merged into it: give the pod one list`);
  }
  for (const g of groups) if (!entry.groups.includes(g)) entry.groups.push(g);
}

/** Whether a uid or gid is known now and equal to `id` (false for a value decided at install). */
export function isId(value: number | undefined, id: number): boolean {
  return isLiteral(value) && value === id;
}
