import { checkResourceRequests, checkRestricted, podSpecsOf } from '../src';

const SAFE = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const requests = { requests: { cpu: '100m', memory: '64Mi' } };

describe('checkRestricted', () => {
  test('a restricted pod passes', () => {
    expect(checkRestricted({ containers: [{ name: 'app', securityContext: SAFE }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }] })).toEqual([]);
  });

  test('pod-level runAsNonRoot and seccompProfile cover the containers; NET_BIND_SERVICE may be added', () => {
    expect(
      checkRestricted({
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
        initContainers: [{ name: 'init', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      }),
    ).toEqual([]);
  });

  test('every violation is named, container by container', () => {
    expect(
      checkRestricted({
        hostNetwork: true,
        hostPID: true,
        securityContext: { runAsUser: 0, sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
        volumes: [{ name: 'nvme', hostPath: { path: '/mnt/k8s-disks/0' } }],
        initContainers: [{ name: 'sync', restartPolicy: 'Always', securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' }, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        containers: [
          { name: 'app', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } }, ports: [{ containerPort: 80, hostPort: 80 }] },
          { name: 'root', securityContext: { ...SAFE, runAsNonRoot: false, runAsUser: 0 } },
        ],
      }),
    ).toEqual([
      'pod: hostNetwork must be unset or false',
      'pod: hostPID must be unset or false',
      'pod: volume "nvme" (hostPath) must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret',
      'pod: securityContext.sysctls "kernel.msgmax" is not a safe sysctl',
      'pod: securityContext.runAsUser must not be 0',
      'init container "sync": securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not Unconfined',
      'container "app": securityContext.privileged must be unset or false',
      'container "app": securityContext.allowPrivilegeEscalation must be false',
      'container "app": securityContext.capabilities.drop must include ALL',
      'container "app": securityContext.capabilities.add may hold only NET_BIND_SERVICE, not SYS_ADMIN',
      'container "app": securityContext.runAsNonRoot must be true (on the container or the pod)',
      'container "app": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)',
      'container "app": ports must not set hostPort (80)',
      'container "root": securityContext.runAsNonRoot must be true (on the container or the pod)',
      'container "root": securityContext.runAsUser must not be 0',
    ]);
  });

  test('a pod without containers is refused', () => {
    expect(checkRestricted({})).toEqual(['pod: has no containers']);
  });
});

describe('checkResourceRequests', () => {
  test('every container and init container must request CPU and memory', () => {
    expect(checkResourceRequests({ initContainers: [{ name: 'gate', resources: requests }], containers: [{ name: 'app', resources: requests }] })).toEqual([]);
    expect(checkResourceRequests({ initContainers: [{ name: 'gate' }], containers: [{ name: 'app', resources: { requests: { cpu: '1' } } }] })).toEqual([
      'init container "gate": resources.requests.cpu must be set',
      'init container "gate": resources.requests.memory must be set',
      'container "app": resources.requests.memory must be set',
    ]);
  });
});

describe('podSpecsOf', () => {
  test('finds the pod specs of Pods, workloads, CronJobs and operators\' kinds, and nothing else', () => {
    const spec = { containers: [] };
    const found = podSpecsOf([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec } } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec } } } } },
      { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'r' }, spec: { headGroupSpec: { template: { spec } }, workerGroupSpecs: [{ template: { spec } }, { template: { spec } }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} },
      // The same kind name in another group is another kind.
      { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'other' }, spec: { template: { spec } } },
    ]);
    expect(found.map((f) => f.id)).toEqual(['Pod/p', 'Deployment/d', 'Job/j', 'CronJob/c', 'RayCluster/r', 'RayCluster/r', 'RayCluster/r']);
  });
});
