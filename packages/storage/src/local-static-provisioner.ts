import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { releaseOf, requirePodSecurity } from '@strata/tokens';
import { ReclaimPolicy, VolumeBindingMode } from './access-mode';
import { keepClusterScoped } from './cluster-scoped';
import { LOCAL_PROVISIONER } from './instance-store';
import { Rules } from './rules';
import { StorageClass } from './storage-class';

/**
 * The Kubernetes local static provisioner (kubernetes-sigs/sig-storage-local-static-provisioner)
 * on the nodes of one NodePool whose instance-store disks are mounted one per directory: it makes
 * one local PersistentVolume per mount point it finds in the discovery directory, behind a
 * no-provisioner StorageClass that binds at first consumer. The objects are those of the project's
 * Helm chart (v2.9.0: helm/provisioner/templates), written here so that one tier release installs
 * nodes, class and provisioner together.
 *
 * Lifecycle: a local volume lives and dies with its node. When Karpenter consolidates, drifts or
 * expires the node, or EC2 reclaims a Spot instance, the disk and its data are gone; with
 * `setPVOwnerRef` the volume object goes with the Node object, and the claim is left `Lost`: a
 * StatefulSet's pod stays Pending until the claim is deleted and made again (on a new node).
 */

/** The provisioner's release this construct pins (its image tag; kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0:CHANGELOG/CHANGELOG-2.9.md). */
export const LOCAL_STATIC_PROVISIONER_VERSION = 'v2.9.0';
/** The provisioner's image (kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0:helm/provisioner/values.yaml, `image`). */
export const LOCAL_STATIC_PROVISIONER_IMAGE = `registry.k8s.io/sig-storage/local-volume-provisioner:${LOCAL_STATIC_PROVISIONER_VERSION}`;
/**
 * The startup taint the provisioner removes from its node once it has published the node's volumes
 * (`removeNodeNotReadyTaint`, new in v2.9.0: pkg/common/common.go#L236-L242; the chart's default key,
 * helm/provisioner/values.yaml `provisionerNotReadyNodeTaintKey`). A NodePool that starts its nodes
 * with it keeps pods off until their volumes exist.
 */
export const LOCAL_PROVISIONER_TAINT_KEY = 'sig-storage-local-static-provisioner/agent-not-ready';
/** Where EKS AL2023 nodes mount instance-store disks with the Mount strategy: `/mnt/k8s-disks/1..N` (awslabs/amazon-eks-ami@v20260724:templates/al2023/runtime/bin/setup-local-disks#L185-L220). */
export const LOCAL_DISCOVERY_DIR = '/mnt/k8s-disks';
/** The label Karpenter gives each node with its NodePool's name (kubernetes-sigs/karpenter@v1.14.1:pkg/apis/v1/labels.go#L41). */
export const NODE_POOL_LABEL = 'karpenter.sh/nodepool';

export interface LocalStaticProvisionerProps {
  /** The StorageClass the volumes get (the provisioner's `storageClassMap` key); made here. */
  readonly storageClassName: string;
  /** The NodePool whose nodes hold the disks: the DaemonSet runs there, and the class's allowedTopologies name it, so that Karpenter launches such a node for a pod whose claim is not bound yet. */
  readonly nodePoolName: string;
  /**
   * What happens to a volume whose claim is deleted: `Delete` (the provisioner wipes the disk's
   * files and offers it again) or `Retain` (the volume stays Released with its data until a person
   * deletes it; the disk is not offered again).
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** The provisioner's image. @default LOCAL_STATIC_PROVISIONER_IMAGE */
  readonly image?: string;
  /**
   * The directory whose mount points become volumes (`hostDir`); only mount points in its first
   * level count (kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0:docs/faqs.md).
   * @default LOCAL_DISCOVERY_DIR
   */
  readonly discoveryDir?: string;
  /**
   * The namespace of the provisioner's ServiceAccount, for its ClusterRoleBinding.
   * @default - the release's namespace
   */
  readonly namespace?: string;
}

/** The provisioner's permissions (kubernetes-sigs/sig-storage-local-static-provisioner@v2.9.0:helm/provisioner/templates/rbac.yaml). */
const RULES: { apiGroups: string[]; resources: string[]; verbs: string[] }[] = [
  { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['watch'] },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'update', 'patch'] },
  // get and update: the node's owner reference for setPVOwnerRef, and removing the startup taint.
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'update'] },
];

export class LocalStaticProvisioner extends Construct {
  public readonly storageClass: StorageClass;
  public readonly daemonSet: plus.k8s.KubeDaemonSet;
  public readonly configMap: plus.k8s.KubeConfigMap;

  public constructor(scope: Construct, id: string, props: LocalStaticProvisionerProps) {
    super(scope, id);
    const r = new Rules(this);
    const discoveryDir = props.discoveryDir ?? LOCAL_DISCOVERY_DIR;
    r.required('storageClassName', props.storageClassName, 'the class of the local volumes', 'e.g. "local-nvme"');
    r.required('nodePoolName', props.nodePoolName, 'the NodePool of the nodes whose disks are mounted one per directory', 'a KarpenterNvmeNodePool on a node class with diskLayout Mount');
    if (!discoveryDir.startsWith('/')) r.fail('discoveryDir', discoveryDir, 'an absolute node path', `e.g. "${LOCAL_DISCOVERY_DIR}"`);
    r.oneOf('reclaimPolicy', props.reclaimPolicy, Object.values(ReclaimPolicy), 'Delete lets the provisioner wipe and offer a released disk again; Retain keeps it for a person to delete');
    const namespace = props.namespace ?? releaseOf(this)?.namespace;
    if (namespace === undefined) r.fail('namespace', undefined, 'the namespace of the provisioner', 'set namespace, or make the provisioner inside a released chart');

    // The class: no provisioner (the volumes exist before claims), bound where the pod is scheduled.
    this.storageClass = new StorageClass(this, 'StorageClass', {
      name: props.storageClassName,
      provisioner: LOCAL_PROVISIONER,
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      reclaimPolicy: props.reclaimPolicy ?? ReclaimPolicy.DELETE,
      allowedTopologies: [{ matchLabelExpressions: [{ key: NODE_POOL_LABEL, values: [props.nodePoolName] }] }],
    });

    const serviceAccount = new plus.k8s.KubeServiceAccount(this, 'Account', {});
    // The configuration keys of the project's chart (helm/provisioner/templates/configmap.yaml), read by
    // pkg/common/common.go (ProvisionerConfiguration). One class: its volumes are the mount points of
    // the discovery directory, file systems (the disks are XFS already: nothing is formatted).
    this.configMap = new plus.k8s.KubeConfigMap(this, 'Config', {
      data: {
        provisionerNotReadyNodeTaintKey: LOCAL_PROVISIONER_TAINT_KEY,
        removeNodeNotReadyTaint: 'true',
        // The volume objects are dependents of their Node: deleted with it (a gone node's volumes would otherwise stay Available, for nothing).
        setPVOwnerRef: 'true',
        storageClassMap: [
          `${props.storageClassName}:`,
          `  hostDir: ${discoveryDir}`,
          `  mountDir: ${discoveryDir}`,
          '  volumeMode: Filesystem',
          '  accessMode: ReadWriteOnce',
          '',
        ].join('\n'),
      },
    });
    const role = new plus.k8s.KubeClusterRole(this, 'Role', { rules: RULES });
    keepClusterScoped(role);
    const binding = new plus.k8s.KubeClusterRoleBinding(this, 'RoleBinding', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: namespace ?? '' }],
    });
    keepClusterScoped(binding);

    // A chart adds its release's selector labels (name, instance) to these.
    const labels = { 'app.kubernetes.io/component': 'local-static-provisioner' };
    requirePodSecurity(this, 'privileged', 'the local static provisioner mounts /dev and the discovery directory from the host and runs privileged (it reads disks and cleans released volumes)');
    // The project's DaemonSet (helm/provisioner/templates/daemonset_linux.yaml): privileged, /dev and
    // the discovery directory from the host (HostToContainer, so that disks mounted after the pod started are seen).
    this.daemonSet = new plus.k8s.KubeDaemonSet(this, 'Daemon', {
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: plus.k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount.name,
            nodeSelector: { 'kubernetes.io/os': 'linux', [NODE_POOL_LABEL]: props.nodePoolName },
            // Whatever the pool's taints (and its startup taint, which the provisioner removes).
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name: 'provisioner',
                image: props.image ?? LOCAL_STATIC_PROVISIONER_IMAGE,
                securityContext: { privileged: true },
                env: [
                  { name: 'MY_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  { name: 'MY_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'JOB_CONTAINER_IMAGE', value: props.image ?? LOCAL_STATIC_PROVISIONER_IMAGE },
                ],
                ports: [{ name: 'metrics', containerPort: 8080 }],
                livenessProbe: { tcpSocket: { port: plus.k8s.IntOrString.fromString('metrics') }, initialDelaySeconds: 10, periodSeconds: 60, timeoutSeconds: 5, failureThreshold: 3 },
                resources: {
                  requests: { cpu: plus.k8s.Quantity.fromString('10m'), memory: plus.k8s.Quantity.fromString('32Mi') },
                  limits: { memory: plus.k8s.Quantity.fromString('128Mi') },
                },
                volumeMounts: [
                  { name: 'provisioner-config', mountPath: '/etc/provisioner/config', readOnly: true },
                  { name: 'provisioner-dev', mountPath: '/dev' },
                  { name: 'discovery', mountPath: discoveryDir, mountPropagation: 'HostToContainer' },
                ],
              },
            ],
            volumes: [
              { name: 'provisioner-config', configMap: { name: this.configMap.name } },
              { name: 'provisioner-dev', hostPath: { path: '/dev' } },
              { name: 'discovery', hostPath: { path: discoveryDir } },
            ],
          },
        },
      },
    });
  }
}
