import { Manifest, podTemplatesOf } from './pod-templates';

/**
 * A checker for the Pod Security Standards "restricted" profile (the latest version of it), over a
 * plain pod spec as it appears in a manifest: what the API server's Pod Security Admission would
 * refuse, said in strata's problem form. Also a check that every container states resource
 * requests (not part of PSS, but every pod strata makes must have them).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

/** A pod spec as JSON (`spec` of a Pod, `spec.template.spec` of a workload). */
export type PodSpecJson = { readonly [key: string]: any };

/** Volume types "restricted" allows; everything else (hostPath, nfs, …) is refused. */
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Sysctls "baseline" allows (restricted includes baseline). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/** SELinux types "baseline" allows. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

/** A Pod Security Standards level, from the most permissive to the most restrictive. */
export type PodSecurityLevelName = 'privileged' | 'baseline' | 'restricted';

/** The levels in order: a level admits what every level after it admits. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevelName[] = ['privileged', 'baseline', 'restricted'];

/** The namespace label Pod Security Admission enforces (https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces). */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * A problem of a pod spec under the Pod Security Standards, with the lowest level that refuses it:
 * `baseline` (baseline and restricted refuse it) or `restricted` (only restricted does).
 */
export interface PodSecurityProblem {
  readonly level: 'baseline' | 'restricted';
  readonly problem: string;
}

/** Capabilities "baseline" lets a container add (the container runtime's defaults). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/**
 * Every problem that keeps a pod spec from meeting Pod Security "restricted", each with the lowest
 * level that refuses it; empty when the pod meets restricted. Each names the container (or the
 * pod) and the field: `container "sync": securityContext.allowPrivilegeEscalation must be false`.
 */
export function podSecurityProblems(podSpec: PodSpecJson): PodSecurityProblem[] {
  const problems: PodSecurityProblem[] = [];
  const baseline = (problem: string) => problems.push({ level: 'baseline', problem });
  const restricted = (problem: string) => problems.push({ level: 'restricted', problem });
  const pod = podSpec ?? {};
  const podSc = pod.securityContext ?? {};

  // Host namespaces, host ports, host paths (baseline).
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field] === true) baseline(`pod: ${field} must be unset or false`);
  }
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !ALLOWED_VOLUME_TYPES.includes(type)) (type === 'hostPath' ? baseline : restricted)(`pod: volume "${v.name}" (${type}) must be one of ${ALLOWED_VOLUME_TYPES.join(', ')}`);
  }
  for (const s of podSc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(s.name)) baseline(`pod: securityContext.sysctls "${s.name}" is not a safe sysctl`);
  }
  checkSeLinux(podSc.seLinuxOptions, 'pod: securityContext', baseline);
  checkAppArmor(podSc.appArmorProfile, 'pod: securityContext', baseline);
  if (podSc.runAsNonRoot === false) restricted('pod: securityContext.runAsNonRoot must not be false');
  if (podSc.runAsUser === 0) restricted('pod: securityContext.runAsUser must not be 0');
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) {
    (podSeccomp === 'Unconfined' ? baseline : restricted)(`pod: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${podSeccomp}`);
  }

  const kinds: ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];
  const all = kinds.flatMap((kind) => (pod[kind] ?? []).map((c: PodSpecJson) => ({ kind, c })));
  if (all.length === 0) baseline('pod: has no containers');
  for (const { kind, c } of all) {
    const where = `${kind === 'containers' ? 'container' : kind === 'initContainers' ? 'init container' : 'ephemeral container'} "${c.name}"`;
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) baseline(`${where}: securityContext.privileged must be unset or false`);
    if (sc.allowPrivilegeEscalation !== false) restricted(`${where}: securityContext.allowPrivilegeEscalation must be false`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) restricted(`${where}: securityContext.capabilities.drop must include ALL`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') (BASELINE_CAPABILITIES.has(cap) ? restricted : baseline)(`${where}: securityContext.capabilities.add may hold only NET_BIND_SERVICE, not ${cap}`);
    }
    // runAsNonRoot: true on the container, or on the pod and not overridden with false.
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (nonRoot !== true) restricted(`${where}: securityContext.runAsNonRoot must be true (on the container or the pod)`);
    if (sc.runAsUser === 0) restricted(`${where}: securityContext.runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp === undefined) restricted(`${where}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)`);
    else if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) (seccomp === 'Unconfined' ? baseline : restricted)(`${where}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${seccomp}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') baseline(`${where}: securityContext.procMount must be Default`);
    checkSeLinux(sc.seLinuxOptions, `${where}: securityContext`, baseline);
    checkAppArmor(sc.appArmorProfile, `${where}: securityContext`, baseline);
    for (const p of c.ports ?? []) {
      if (p.hostPort !== undefined && p.hostPort !== 0) baseline(`${where}: ports must not set hostPort (${p.hostPort})`);
    }
  }
  return problems;
}

/**
 * The problems that keep a pod spec from meeting Pod Security "restricted"; empty when it meets it.
 * Each problem names the container (or the pod) and the field: `container "sync": securityContext.allowPrivilegeEscalation must be false`.
 */
export function checkRestricted(podSpec: PodSpecJson): string[] {
  return podSecurityProblems(podSpec).map((p) => p.problem);
}

/** The problems a namespace enforcing `level` refuses the pod for (none under privileged). */
export function checkPodSecurity(podSpec: PodSpecJson, level: PodSecurityLevelName): string[] {
  return refusedAt(podSecurityProblems(podSpec), level).map((p) => p.problem);
}

/** Of a pod's problems, those a namespace enforcing `level` refuses it for. */
export function refusedAt(problems: readonly PodSecurityProblem[], level: PodSecurityLevelName): PodSecurityProblem[] {
  return problems.filter((p) => POD_SECURITY_LEVELS.indexOf(p.level) <= POD_SECURITY_LEVELS.indexOf(level));
}

/**
 * Containers (init containers included) without CPU and memory requests: the scheduler cannot
 * place them by what they need, and they are the first to be evicted.
 */
export function checkResourceRequests(podSpec: PodSpecJson): string[] {
  const problems: string[] = [];
  for (const kind of ['initContainers', 'containers'] as const) {
    for (const c of podSpec?.[kind] ?? []) {
      const requests = c.resources?.requests ?? {};
      for (const r of ['cpu', 'memory']) {
        if (requests[r] === undefined) problems.push(`${kind === 'containers' ? 'container' : 'init container'} "${c.name}": resources.requests.${r} must be set`);
      }
    }
  }
  return problems;
}

/** Every pod spec in a set of manifests, wherever its kind holds it, seen together (see podTemplatesOf: a TrainJob on a runtime among them is seen whole). */
export function podSpecsOf(objects: readonly PodSpecJson[]): { readonly id: string; readonly spec: PodSpecJson }[] {
  const context = { objects: objects as readonly Manifest[] };
  return objects.flatMap((o) => podTemplatesOf(o as Manifest, undefined, context).map((t) => ({ id: `${o.kind}/${o.metadata?.name ?? '?'}`, spec: t.spec })));
}

function checkSeLinux(options: PodSpecJson | undefined, where: string, problem: (p: string) => void): void {
  if (!options) return;
  if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) problem(`${where}.seLinuxOptions.type must be one of container_t, container_init_t, container_kvm_t, container_engine_t`);
  if (options.user !== undefined && options.user !== '') problem(`${where}.seLinuxOptions.user must be unset`);
  if (options.role !== undefined && options.role !== '') problem(`${where}.seLinuxOptions.role must be unset`);
}

function checkAppArmor(profile: PodSpecJson | undefined, where: string, problem: (p: string) => void): void {
  if (profile?.type === 'Unconfined') problem(`${where}.appArmorProfile.type must not be Unconfined`);
}
