import { checkPodSecurity, LifecycleEnvironment, lifecycleFacts, lifecycleFindings, Manifest, PodSecurityLevelName, podSecurityProblems } from '../src';

/**
 * Pod Security Admission at generate: each workloads' namespace enforces a level (its
 * `pod-security.kubernetes.io/enforce` label, written by the environment), and a pod that level
 * refuses is an error — the API server would admit its Deployment or Job and the controller would
 * then fail to create any pod (https://kubernetes.io/docs/concepts/security/pod-security-admission/).
 * Each problem carries the lowest level that refuses it
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 */

const restrictedContainer = { name: 'main', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, resources: { requests: { cpu: '1', memory: '1Gi' } } };
const deployment = (spec: Record<string, unknown>): Manifest => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'server', namespace: 'ml' }, spec: { template: { metadata: {}, spec } } });
const env = (objects: Manifest[], level: PodSecurityLevelName): LifecycleEnvironment => ({
  name: 'dev',
  file: 'environments/dev/environment.ts',
  releases: [{ chart: 'app', releaseName: 'app', namespace: 'ml', layer: 'app', facts: lifecycleFacts(objects) }],
  controllers: new Map(),
  nodeGroups: [],
  namespaceLevels: new Map([['ml', level]]),
});
const findings = (objects: Manifest[], level: PodSecurityLevelName) => lifecycleFindings(env(objects, level)).filter((f) => f.rule === 'pod-security').map((f) => f.message);

describe('Pod Security levels of each problem', () => {
  test('host namespaces, hostPath, privileged, unsafe sysctls, non-default capabilities and Unconfined seccomp are refused by baseline; the rest only by restricted', () => {
    const spec = {
      hostNetwork: true,
      volumes: [{ name: 'disk', hostPath: { path: '/mnt' } }, { name: 'nfs', nfs: { server: 'x', path: '/' } }],
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
      containers: [
        { name: 'a', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'CHOWN'] }, seccompProfile: { type: 'Unconfined' } } },
        { name: 'b', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } } },
      ],
    };
    expect(podSecurityProblems(spec)).toEqual([
      { level: 'baseline', problem: 'pod: hostNetwork must be unset or false' },
      { level: 'baseline', problem: 'pod: volume "disk" (hostPath) must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret' },
      { level: 'restricted', problem: 'pod: volume "nfs" (nfs) must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret' },
      { level: 'baseline', problem: 'pod: securityContext.sysctls "kernel.msgmax" is not a safe sysctl' },
      { level: 'baseline', problem: 'container "a": securityContext.privileged must be unset or false' },
      { level: 'restricted', problem: 'container "a": securityContext.allowPrivilegeEscalation must be false' },
      { level: 'restricted', problem: 'container "a": securityContext.capabilities.drop must include ALL' },
      { level: 'baseline', problem: 'container "a": securityContext.capabilities.add may hold only NET_BIND_SERVICE, not SYS_ADMIN' },
      { level: 'restricted', problem: 'container "a": securityContext.capabilities.add may hold only NET_BIND_SERVICE, not CHOWN' },
      { level: 'restricted', problem: 'container "a": securityContext.runAsNonRoot must be true (on the container or the pod)' },
      { level: 'baseline', problem: 'container "a": securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not Unconfined' },
      { level: 'restricted', problem: 'container "b": securityContext.runAsUser must not be 0' },
    ]);
    expect(checkPodSecurity(spec, 'privileged')).toEqual([]);
    expect(checkPodSecurity(spec, 'baseline')).toHaveLength(6);
    expect(checkPodSecurity(spec, 'restricted')).toHaveLength(12);
  });
});

describe('a pod its namespace refuses is an error at generate', () => {
  const operatorLike = { containers: [{ name: 'nim', image: 'nvcr.io/nim/x:1', resources: { requests: { cpu: '1', memory: '1Gi' } } }] };

  test('a pod meeting restricted passes every level', () => {
    for (const level of ['restricted', 'baseline', 'privileged'] as const) expect(findings([deployment({ containers: [restrictedContainer] })], level)).toEqual([]);
  });

  test('a pod without a security context in a restricted namespace: named, with what restricted refuses and the way out', () => {
    expect(findings([deployment(operatorLike)], 'restricted')).toEqual([
      'environments/dev/environment.ts: [pod-security] release ml/app (chart app): Deployment ml/server spec.template.spec: namespace ml enforces Pod Security "restricted", which refuses its pods: ' +
        'container "nim": securityContext.allowPrivilegeEscalation must be false; container "nim": securityContext.capabilities.drop must include ALL; container "nim": securityContext.runAsNonRoot must be true (on the container or the pod); ' +
        'container "nim": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod); ' +
        'fix the pod spec, or, if the pod truly needs it, have the construct that makes it require "baseline" (requirePodSecurity, or its namespacePodSecurity prop) so the environment labels the namespace so',
    ]);
  });

  test('the same pod in a namespace enforcing baseline is admitted; a hostPath pod there is not, and needs privileged', () => {
    expect(findings([deployment(operatorLike)], 'baseline')).toEqual([]);
    const hostPath = deployment({ containers: [restrictedContainer], volumes: [{ name: 'disk', hostPath: { path: '/mnt/k8s-disks/0' } }] });
    expect(findings([hostPath], 'baseline')).toEqual([
      'environments/dev/environment.ts: [pod-security] release ml/app (chart app): Deployment ml/server spec.template.spec: namespace ml enforces Pod Security "baseline", which refuses its pods: ' +
        'pod: volume "disk" (hostPath) must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret; ' +
        'fix the pod spec, or, if the pod truly needs it, have the construct that makes it require "privileged" (requirePodSecurity, or its namespacePodSecurity prop) so the environment labels the namespace so',
    ]);
    expect(findings([hostPath], 'privileged')).toEqual([]);
  });
});
