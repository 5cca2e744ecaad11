import { Manifest, podTemplatesOf } from '@strata/tokens';

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

/**
 * The problems that keep a pod spec from meeting Pod Security "restricted"; empty when it meets it.
 * Each problem names the container (or the pod) and the field: `container "sync": securityContext.allowPrivilegeEscalation must be false`.
 */
export function checkRestricted(podSpec: PodSpecJson): string[] {
  const problems: string[] = [];
  const pod = podSpec ?? {};
  const podSc = pod.securityContext ?? {};

  // Host namespaces, host ports, host paths (baseline).
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field] === true) problems.push(`pod: ${field} must be unset or false`);
  }
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !ALLOWED_VOLUME_TYPES.includes(type)) problems.push(`pod: volume "${v.name}" (${type}) must be one of ${ALLOWED_VOLUME_TYPES.join(', ')}`);
  }
  for (const s of podSc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(s.name)) problems.push(`pod: securityContext.sysctls "${s.name}" is not a safe sysctl`);
  }
  checkSeLinux(podSc.seLinuxOptions, 'pod: securityContext', problems);
  checkAppArmor(podSc.appArmorProfile, 'pod: securityContext', problems);
  if (podSc.runAsNonRoot === false) problems.push('pod: securityContext.runAsNonRoot must not be false');
  if (podSc.runAsUser === 0) problems.push('pod: securityContext.runAsUser must not be 0');
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) {
    problems.push(`pod: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${podSeccomp}`);
  }

  const kinds: ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];
  const all = kinds.flatMap((kind) => (pod[kind] ?? []).map((c: PodSpecJson) => ({ kind, c })));
  if (all.length === 0) problems.push('pod: has no containers');
  for (const { kind, c } of all) {
    const where = `${kind === 'containers' ? 'container' : kind === 'initContainers' ? 'init container' : 'ephemeral container'} "${c.name}"`;
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) problems.push(`${where}: securityContext.privileged must be unset or false`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) problems.push(`${where}: securityContext.capabilities.drop must include ALL`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${where}: securityContext.capabilities.add may hold only NET_BIND_SERVICE, not ${cap}`);
    }
    // runAsNonRoot: true on the container, or on the pod and not overridden with false.
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (nonRoot !== true) problems.push(`${where}: securityContext.runAsNonRoot must be true (on the container or the pod)`);
    if (sc.runAsUser === 0) problems.push(`${where}: securityContext.runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp === undefined) problems.push(`${where}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)`);
    else if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) problems.push(`${where}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${seccomp}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') problems.push(`${where}: securityContext.procMount must be Default`);
    checkSeLinux(sc.seLinuxOptions, `${where}: securityContext`, problems);
    checkAppArmor(sc.appArmorProfile, `${where}: securityContext`, problems);
    for (const p of c.ports ?? []) {
      if (p.hostPort !== undefined && p.hostPort !== 0) problems.push(`${where}: ports must not set hostPort (${p.hostPort})`);
    }
  }
  return problems;
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

/** Every pod spec in a set of manifests, wherever its kind holds it (see podTemplatesOf). */
export function podSpecsOf(objects: readonly PodSpecJson[]): { readonly id: string; readonly spec: PodSpecJson }[] {
  return objects.flatMap((o) => podTemplatesOf(o as Manifest).map((t) => ({ id: `${o.kind}/${o.metadata?.name ?? '?'}`, spec: t.spec })));
}

function checkSeLinux(options: PodSpecJson | undefined, where: string, problems: string[]): void {
  if (!options) return;
  if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) problems.push(`${where}.seLinuxOptions.type must be one of container_t, container_init_t, container_kvm_t, container_engine_t`);
  if (options.user !== undefined && options.user !== '') problems.push(`${where}.seLinuxOptions.user must be unset`);
  if (options.role !== undefined && options.role !== '') problems.push(`${where}.seLinuxOptions.role must be unset`);
}

function checkAppArmor(profile: PodSpecJson | undefined, where: string, problems: string[]): void {
  if (profile?.type === 'Unconfined') problems.push(`${where}.appArmorProfile.type must not be Unconfined`);
}
