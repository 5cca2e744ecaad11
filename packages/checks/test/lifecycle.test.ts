import { contentHash } from '@strata/helm';
import { LifecycleEnvironment, lifecycleFacts, lifecycleFindings, LifecycleRelease, Manifest, swallowedAwsError } from '../src';

/**
 * The lifecycle rules, each on the output strata wrote before issue 13 (the shapes below are
 * what main rendered then) and on what it writes now. Each test names the upstream behaviour
 * the rule encodes.
 */

const NS = 'ml';
const container = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox', resources: { requests: { cpu: '1', memory: '1Gi' } }, ...extra });
const podSpec = (extra: Record<string, unknown> = {}) => ({ restartPolicy: 'Never', containers: [container('main')], ...extra });
/** A Job named by its content, as a WorkloadChart names it. */
function job(base: string, spec: Record<string, unknown>, annotations: Record<string, string> = { 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' }): Manifest {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${base}-${contentHash(spec)}`, namespace: NS, annotations }, spec };
}
function helmRelease(spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'app', namespace: NS }, spec: { releaseName: 'app', ...spec } };
}
const NOW = { timeout: '35m', install: { disableWaitForJobs: true, strategy: { name: 'RetryOnFailure' } }, upgrade: { disableWaitForJobs: true, strategy: { name: 'RetryOnFailure' } }, driftDetection: { mode: 'enabled' } };
const GPU_POOL: Manifest = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'gpu' },
  spec: {
    limits: { cpu: '1000', memory: '4000Gi', 'nvidia.com/gpu': '64' },
    template: {
      spec: {
        nodeClassRef: { name: 'nvme' },
        requirements: [
          { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] },
          { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Exists' },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        ],
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        terminationGracePeriod: '2h',
      },
    },
  },
};
const CPU_POOL: Manifest = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'cpu' },
  spec: { template: { spec: { nodeClassRef: { name: 'nvme' }, requirements: [{ key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'DoesNotExist' }, { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] }] } } },
};
const NODE_CLASS: Manifest = { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'nvme' }, spec: { instanceStorePolicy: 'RAID0' } };

function env(objects: Manifest[], hr: Record<string, unknown> = NOW, options: { pools?: Manifest[]; controllers?: Manifest[]; ociRepository?: Manifest } = {}): LifecycleEnvironment {
  const infra: LifecycleRelease = { chart: 'storage-instance-store', releaseName: 'storage-instance-store', namespace: 'flux-system', layer: 'infrastructure', facts: lifecycleFacts([...(options.pools ?? [CPU_POOL, GPU_POOL]), NODE_CLASS]) };
  const app: LifecycleRelease = { chart: 'app', releaseName: 'app', namespace: NS, layer: 'app', helmRelease: helmRelease(hr), ...(options.ociRepository ? { ociRepository: options.ociRepository } : {}), facts: lifecycleFacts(objects) };
  return { name: 'dev', file: 'environments/dev/environment.ts', releases: [infra, app], controllers: new Map((options.controllers ?? []).map((c) => [c.metadata.name, c])), nodeGroups: [] };
}
const rules = (e: LifecycleEnvironment, rule: string) => lifecycleFindings(e).filter((f) => f.rule === rule).map((f) => f.message);
const REL = 'environments/dev/environment.ts';

describe('release-waits: helm-controller waits for every object, Jobs included, each wait bounded by spec.timeout', () => {
  // fluxcd/helm-controller docs/spec/v2/helmreleases.md: disableWaitForJobs defaults to false; "timeout … for any individual Kubernetes operation".
  const training = job('app-train', { template: { spec: podSpec() } });

  test('a training Job (no deadline) awaited, as before issue 13: an install longer than the timeout fails', () => {
    expect(rules(env([training], { timeout: '30m', install: { remediation: { retries: 3 } } }), 'release-waits')).toEqual([
      `${REL}: [release-waits] release ml/app (chart app): Job ${training.metadata.name} has no activeDeadlineSeconds and helm-controller waits for Jobs to complete: an install or upgrade that outlasts the timeout (30m) fails, and remediation would uninstall the release; set install.disableWaitForJobs and upgrade.disableWaitForJobs (fluxcd/helm-controller docs/spec/v2/helmreleases.md), and watch the Job itself`,
    ]);
    expect(rules(env([training]), 'release-waits')).toEqual([]);
  });

  test('a hook Job longer than the timeout, as the hydration hook was (2 h hook, 10 min timeout): Helm waits for a hook only as long as the timeout', () => {
    // helm/helm pkg/action/hooks.go: each hook is watched with the action's timeout.
    const hook: Manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'app-hydrate', namespace: NS, annotations: { 'helm.sh/hook': 'post-install,pre-upgrade' } }, spec: { activeDeadlineSeconds: 7200, template: { spec: podSpec() } } };
    expect(rules(env([hook], { timeout: '10m' }), 'release-waits')).toEqual([
      `${REL}: [release-waits] release ml/app (chart app): hook Job app-hydrate (post-install,pre-upgrade) may run 2h, but Helm waits for a hook only as long as the release timeout (10m): the release fails while the hook still runs; make it a release Job (not a hook), or bound it below the timeout`,
    ]);
  });

  test('an awaited object slower than the timeout: the timeout must cover the longest wait', () => {
    const hydrate = job('app-hydrate', { activeDeadlineSeconds: 7200, template: { spec: podSpec() } });
    expect(rules(env([hydrate], { timeout: '30m' }), 'release-waits')).toEqual([
      `${REL}: [release-waits] release ml/app (chart app): the timeout (30m) is shorter than the wait for Job ${hydrate.metadata.name} (2h: activeDeadlineSeconds 7200): helm-controller fails the release before it can be ready; set spec.timeout to at least 2h5m`,
    ]);
    expect(rules(env([hydrate], { timeout: '2h5m' }), 'release-waits')).toEqual([]);
  });

  test('a rollout whose progress deadline is shorter than a gated start: kstatus reads ProgressDeadlineExceeded as Failed', () => {
    // fluxcd/cli-utils pkg/kstatus/status/core.go: a Deployment whose Progressing condition is False (ProgressDeadlineExceeded) is Failed.
    const deployment: Manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app-server', namespace: NS },
      spec: { replicas: 1, template: { metadata: { annotations: { 'strata.dev/init-seconds': '1800' } }, spec: { containers: [container('server', { startupProbe: { periodSeconds: 10, failureThreshold: 180 } })] } } },
    };
    expect(rules(env([deployment], { timeout: '2h' }), 'release-waits')).toEqual([
      `${REL}: [release-waits] Deployment ml/app-server: progressDeadlineSeconds (600) is shorter than a new pod's start (4200 s: 600 for a node and image, 1800 in init containers, 1800 for the startup probe): Kubernetes marks the rollout ProgressDeadlineExceeded, which helm-controller (kstatus) reads as Failed; raise progressDeadlineSeconds to at least 4200`,
    ]);
  });
});

describe('job-upgrade: a Job template is immutable; a re-created finished Job runs again', () => {
  test('a Job under a fixed name, with a TTL, under drift detection: each fails an upgrade or re-runs finished work', () => {
    // kubernetes pkg/apis/batch/validation ValidateJobSpecUpdate; helm/helm pkg/kube/client.go (update: NotFound → create);
    // fluxcd/helm-controller docs/spec/v2/helmreleases.md "Drift detection" (a missing object is re-created).
    const old: Manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'app-embed-job', namespace: NS }, spec: { ttlSecondsAfterFinished: 604800, template: { spec: podSpec() } } };
    expect(rules(env([old]), 'job-upgrade')).toEqual([
      `${REL}: [job-upgrade] release ml/app (chart app): Job app-embed-job keeps its name when its spec changes: its template is immutable, so the upgrade that changes it fails with "field is immutable"; name it by its content (a WorkloadChart does: <name>-<hash of the spec>)`,
      `${REL}: [job-upgrade] release ml/app (chart app): Job app-embed-job has a time to live of 604800 s after it finishes: once its controller deletes it, the next upgrade or drift correction creates it again and it runs again; remove the TTL (a finished run is the record that its work is done)`,
      `${REL}: [job-upgrade] release ml/app (chart app): Job app-embed-job is under drift detection: deleted by hand after it finished, helm-controller re-creates it and it runs again; annotate it helm.toolkit.fluxcd.io/driftDetection: disabled`,
    ]);
    expect(rules(env([job('app-embed-job', { template: { spec: podSpec() } })]), 'job-upgrade')).toEqual([]);
  });

  test('operators\' runs are held to the same: a PyTorchJob with the training operator\'s TTL, a JobSet under a fixed name', () => {
    // kubeflow/trainer@v1.9.4 pkg/apis/kubeflow.org/v1/common_types.go RunPolicy.TTLSecondsAfterFinished deletes the PyTorchJob;
    // kubernetes-sigs/jobset@v0.12.0 pkg/webhooks/jobset_webhook.go refuses changes to spec.replicatedJobs.
    const pytorch: Manifest = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'app-train', namespace: NS, annotations: { 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' } },
      spec: { runPolicy: { ttlSecondsAfterFinished: 3600 }, pytorchReplicaSpecs: { Master: { replicas: 1, template: { spec: podSpec() } } } },
    };
    const jobset: Manifest = {
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'app-prep', namespace: NS, annotations: { 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' } },
      spec: { replicatedJobs: [{ name: 'w', template: { spec: { template: { spec: podSpec() } } } }] },
    };
    expect(rules(env([pytorch, jobset]), 'job-upgrade')).toEqual([
      `${REL}: [job-upgrade] release ml/app (chart app): PyTorchJob app-train keeps its name when its spec changes: its controller refuses the change or never runs it again; name it by its content (a WorkloadChart does: <name>-<hash of the spec>)`,
      `${REL}: [job-upgrade] release ml/app (chart app): PyTorchJob app-train has a time to live of 3600 s after it finishes: once its controller deletes it, the next upgrade or drift correction creates it again and it runs again; remove the TTL (a finished run is the record that its work is done)`,
      `${REL}: [job-upgrade] release ml/app (chart app): JobSet app-prep keeps its name when its spec changes: its controller refuses the change or never runs it again; name it by its content (a WorkloadChart does: <name>-<hash of the spec>)`,
    ]);
  });
});

describe('node-local-data and schedulable: pods must run somewhere, and node-local checkpoints must survive disruption', () => {
  const flush = '{"checkpointMiB":16384,"uploadMiBps":250,"localWriteMiBps":1000}';
  const trainer = (annotations: Record<string, string>, grace: number, gpus = 1) =>
    job('app-train', {
      template: {
        metadata: { annotations },
        spec: podSpec({
          terminationGracePeriodSeconds: grace,
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [container('trainer', { resources: { requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': gpus, 'ephemeral-storage': '200Gi' } } })],
        }),
      },
    });

  test('unsynced checkpoints without do-not-disrupt, with a fixed 110 s grace for a flush of 97 s… and of more', () => {
    // karpenter.sh docs (Disruption, "Pod-Level Controls"): karpenter.sh/do-not-disrupt keeps a node from voluntary disruption.
    const noProtection = trainer({ 'strata.dev/flush': flush }, 60);
    expect(rules(env([noProtection]), 'node-local-data')).toEqual([
      `${REL}: [node-local-data] Job ml/${noProtection.metadata.name} keeps data on node-local storage until its flush, but has no karpenter.sh/do-not-disrupt: "true": Karpenter may consolidate or drift its node away, and the data not yet in S3 is lost`,
      `${REL}: [node-local-data] Job ml/${noProtection.metadata.name}: terminationGracePeriodSeconds (60) is shorter than its final flush (97 s for 16384 MiB written at 1000 MiB/s and uploaded at 250 MiB/s): the kubelet kills it before the upload ends; give it at least 97 s`,
    ]);
    expect(rules(env([trainer({ 'strata.dev/flush': flush, 'karpenter.sh/do-not-disrupt': 'true' }, 97)]), 'node-local-data')).toEqual([]);
  });

  test('a NodePool that deletes pods before their flush ends, and Spot, where a do-not-disrupt pod gets no flush at all', () => {
    // karpenter.sh docs: pods are deleted terminationGracePeriod after a node starts draining, do-not-disrupt or not;
    // Spot: the instance goes 2 minutes after the notice, and Karpenter's drain leaves do-not-disrupt pods alone
    // (kubernetes-sigs/karpenter@v1.14.1 pkg/utils/pod/scheduling.go, read, not observed).
    const pod = trainer({ 'strata.dev/flush': flush, 'karpenter.sh/do-not-disrupt': 'true' }, 150);
    const short = { ...GPU_POOL, spec: { ...GPU_POOL.spec, template: { spec: { ...GPU_POOL.spec.template.spec, terminationGracePeriod: '1m', requirements: [...GPU_POOL.spec.template.spec.requirements.slice(0, 2), { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] }] } } } };
    expect(rules(env([pod], NOW, { pools: [short] }), 'node-local-data')).toEqual([
      `${REL}: [node-local-data] Job ml/${pod.metadata.name} may run on NodePool gpu, whose terminationGracePeriod (60s) is shorter than the pod's 150 s: when the node expires, Karpenter deletes the pod before its final flush ends; raise the NodePool's terminationGracePeriod`,
      // The pool's terminationGracePeriod (60 s) is below the pod's grace: Karpenter deletes it as the drain starts, and 120 s are too few.
      `${REL}: [node-local-data] Job ml/${pod.metadata.name} may run on Spot nodes of NodePool gpu, but its final flush takes 150 s and a Spot interruption leaves 120 s: the newest checkpoint is lost on a reclaim; keep checkpoints smaller, or run these pods on on-demand nodes`,
    ]);
    // Required on-demand (as TrainingCheckpoint does): Karpenter launches on-demand nodes for it from the same pool.
    const onDemand = job('app-train', {
      template: {
        metadata: { annotations: { 'strata.dev/flush': flush, 'karpenter.sh/do-not-disrupt': 'true' } },
        spec: podSpec({
          terminationGracePeriodSeconds: 150,
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] }] } } },
          containers: [container('trainer', { resources: { requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': 1 } } })],
        }),
      },
    });
    expect(rules(env([onDemand], NOW, { pools: [short] }), 'node-local-data').filter((m) => m.includes('Spot'))).toEqual([]);
  });

  test('Spot and do-not-disrupt: an interruption does not evict the pod, and deletes it only at terminationGracePeriod − its grace — after the instance is gone', () => {
    // kubernetes-sigs/karpenter@v1.14.1 pkg/utils/pod/scheduling.go#L58-L63 (IsEvictable: not with an active do-not-disrupt),
    // pkg/controllers/node/termination/terminator/terminator.go#L140-L183 (DeleteExpiringPods); aws/karpenter-provider-aws@v1.14.1
    // website/content/en/docs/concepts/disruption.md#L207 (2-minute notice). A flush of 97 s fits 120 s, but it never starts.
    const pod = trainer({ 'strata.dev/flush': flush, 'karpenter.sh/do-not-disrupt': 'true' }, 97);
    const spot = (terminationGracePeriod?: string) => ({
      ...GPU_POOL,
      spec: { ...GPU_POOL.spec, template: { spec: { ...GPU_POOL.spec.template.spec, ...(terminationGracePeriod ? { terminationGracePeriod } : { terminationGracePeriod: undefined }), requirements: [...GPU_POOL.spec.template.spec.requirements.slice(0, 2), { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] }] } } },
    });
    expect(rules(env([pod], NOW, { pools: [spot('2h')] }), 'node-local-data')).toEqual([
      `${REL}: [node-local-data] Job ml/${pod.metadata.name} may run on Spot nodes of NodePool gpu, but a Spot interruption does not evict a pod with karpenter.sh/do-not-disrupt: "true": Karpenter deletes it 7103 s into the drain (the NodePool's terminationGracePeriod, 2h, less its 97 s), and EC2 reclaims the instance after 120 s: its final flush never starts and the checkpoints not yet in S3 are lost; run these pods on on-demand nodes`,
    ]);
    expect(rules(env([pod], NOW, { pools: [spot()] }), 'node-local-data')).toEqual([
      `${REL}: [node-local-data] Job ml/${pod.metadata.name} may run on Spot nodes of NodePool gpu, but a Spot interruption does not evict a pod with karpenter.sh/do-not-disrupt: "true": Karpenter never deletes it (the NodePool has no terminationGracePeriod), and EC2 reclaims the instance after 120 s: its final flush never starts and the checkpoints not yet in S3 are lost; run these pods on on-demand nodes`,
    ]);
    // Deleted within the notice (a terminationGracePeriod under 120 s + its grace), it gets 120 s − that: 3m − 97 s = 83 s, 37 s left for a 97 s flush.
    expect(rules(env([pod], NOW, { pools: [spot('3m')] }), 'node-local-data')).toEqual([
      `${REL}: [node-local-data] Job ml/${pod.metadata.name} may run on Spot nodes of NodePool gpu, but its final flush takes 97 s and a Spot interruption leaves it 37 s (Karpenter deletes it 83 s into the 120 s notice): the newest checkpoint is lost on a reclaim; keep checkpoints smaller, or run these pods on on-demand nodes`,
    ]);
  });

  test('a GPU pod where only the CPU NodePool is installed stays Pending forever (dev and staging before issue 13)', () => {
    const pod = trainer({}, 30);
    expect(rules(env([pod], NOW, { pools: [CPU_POOL] }), 'schedulable')).toEqual([
      `${REL}: [schedulable] release ml/app (chart app): Job ml/${pod.metadata.name} can run on no NodePool or node group, so it stays Pending; it needs 1 nvidia.com/gpu, 8 CPU, 64 GiB memory, 200 GiB ephemeral storage, tolerating nvidia.com/gpu — NodePool cpu: it requests 1 GPU(s); its nodes have none (karpenter.k8s.aws/instance-gpu-count DoesNotExist)`,
    ]);
    expect(rules(env([pod]), 'schedulable')).toEqual([]);
  });

  test('reasons, one per pool: taints, node affinity, limits, ephemeral storage on a root volume; no pool at all', () => {
    const zoned = job('app-z', {
      template: {
        spec: podSpec({
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] } } },
          containers: [container('main', { resources: { requests: { cpu: '2000', memory: '1Gi', 'ephemeral-storage': '50Gi' } } })],
        }),
      },
    });
    const zonedPool = { ...CPU_POOL, metadata: { name: 'b-only' }, spec: { limits: { cpu: '100' }, template: { spec: { nodeClassRef: { name: 'nvme' }, requirements: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1b'] }] } } } };
    const rootOnly = { ...CPU_POOL, metadata: { name: 'root-only' }, spec: { template: { spec: { requirements: [] } } } };
    const [msg] = rules(env([zoned], NOW, { pools: [GPU_POOL, zonedPool, rootOnly] }), 'schedulable');
    expect(msg).toContain('NodePool gpu: it does not tolerate the taint nvidia.com/gpu=true:NoSchedule');
    expect(msg).toContain('NodePool b-only: node affinity topology.kubernetes.io/zone In us-east-1a: its nodes have topology.kubernetes.io/zone in us-east-1b');
    expect(msg).toContain('NodePool root-only: it requests 50 GiB of ephemeral storage; its nodes have only their root volume');
    expect(rules(env([zoned], NOW, { pools: [] }), 'schedulable')[0]).toContain('but the environment declares no NodePool or node group: it would stay Pending');
    const limited = { ...CPU_POOL, metadata: { name: 'small' }, spec: { limits: { cpu: '100' }, template: { spec: { requirements: [{ key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] }] } } } };
    expect(rules(env([zoned], NOW, { pools: [limited] }), 'schedulable')[0]).toContain('NodePool small: it requests 2000 CPU, above the limit of 100');
  });
});

describe('node-local-data: a local PersistentVolume dies with its node', () => {
  // The instance-store tier's local-volume layout (or any local static provisioner): a no-provisioner class.
  const localClass: Manifest = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-nvme' }, provisioner: 'kubernetes.io/no-provisioner' } as Manifest;
  const claim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'shard', namespace: NS }, spec: { storageClassName: 'local-nvme' } };
  const efsClaim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'cache', namespace: NS }, spec: { storageClassName: 'strata-efs' } };
  const efsClass: Manifest = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'strata-efs' }, provisioner: 'efs.csi.aws.com' } as Manifest;
  const reader = (annotations: Record<string, string>, claimName = 'shard') =>
    job('app-read', { template: { metadata: { annotations }, spec: podSpec({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] }) } });
  const pool = (types: string[]): Manifest => ({ ...CPU_POOL, spec: { template: { spec: { ...CPU_POOL.spec.template.spec, requirements: [...CPU_POOL.spec.template.spec.requirements, { key: 'karpenter.sh/capacity-type', operator: 'In', values: types }] } } } });
  const spotCpu = pool(['on-demand', 'spot']);
  const onDemand = { pools: [pool(['on-demand'])] };

  test('without do-not-disrupt, consolidation or drift may take the node and the data: an error', () => {
    const pod = reader({});
    expect(rules(env([localClass, claim, pod], NOW, onDemand), 'node-local-data')).toEqual([
      `${REL}: [node-local-data] Job ml/${pod.metadata.name} claims local volume ml/shard (class local-nvme), whose data lives on one node's disk and dies with it, but has no karpenter.sh/do-not-disrupt: "true": Karpenter may consolidate or drift its node away (it moves pods of local volumes to new nodes, with empty disks); annotate the pod, and keep what must outlive the node in S3`,
    ]);
    expect(rules(env([localClass, claim, reader({ 'karpenter.sh/do-not-disrupt': 'true' })], NOW, onDemand), 'node-local-data')).toEqual([]);
  });

  test('on a pool that may launch Spot nodes, a reclaim takes the data whatever the pod says: a warning', () => {
    const pod = reader({ 'karpenter.sh/do-not-disrupt': 'true' });
    const findings = lifecycleFindings(env([localClass, claim, pod], NOW, { pools: [spotCpu] })).filter((f) => f.rule === 'node-local-data');
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['warning', `${REL}: [node-local-data] Job ml/${pod.metadata.name} claims local volume ml/shard (class local-nvme) and may run on Spot nodes of NodePool cpu: a Spot reclaim takes the node, its disk and the volume's data with two minutes' notice, whatever karpenter.sh/do-not-disrupt says; run it on on-demand nodes (the pool's capacityTypes), or treat the volume as a cache`],
    ]);
  });

  test('claims of other classes are not local volumes', () => {
    expect(rules(env([efsClass, efsClaim, reader({}, 'cache')], NOW, { pools: [spotCpu] }), 'node-local-data')).toEqual([]);
  });
});

describe('schedulable: EFA and Neuron requests count like GPUs — only nodes with the device take the pod', () => {
  // The device plugins advertise vpc.amazonaws.com/efa, aws.amazon.com/neuron and aws.amazon.com/neuroncore
  // (aws/karpenter-provider-aws@v1.14.1 pkg/apis/v1/labels.go#L133-L140); Karpenter counts them per instance type
  // (pkg/providers/instancetype/types.go#L336-L350) and labels Neuron nodes instance-accelerator-manufacturer=aws (#L285-L291).
  const device = (name: string, requests: Record<string, unknown>, tolerations: string[]) =>
    job(name, {
      template: {
        spec: podSpec({
          tolerations: tolerations.map((key) => ({ key, operator: 'Exists', effect: 'NoSchedule' })),
          containers: [container('main', { resources: { requests: { cpu: '8', memory: '64Gi', ...requests }, limits: requests } })],
        }),
      },
    });
  /** strata's CPU pool: instance categories c, m, r (storage-instance-store). */
  const cpuPool: Manifest = { ...CPU_POOL, spec: { template: { spec: { ...CPU_POOL.spec.template.spec, requirements: [...CPU_POOL.spec.template.spec.requirements, { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] }] } } } };
  const neuronPool = (requirements: Record<string, unknown>[], limits?: Record<string, string>): Manifest => ({
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'trn' },
    spec: { ...(limits ? { limits } : {}), template: { spec: { nodeClassRef: { name: 'nvme' }, requirements, taints: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }] } } },
  });
  const schedulable = (e: LifecycleEnvironment) => rules(e, 'schedulable');

  test('a Neuron pod where only GPU and CPU pools exist stays Pending; a Trainium pool takes it', () => {
    const pod = device('app-neuron', { 'aws.amazon.com/neuron': '16' }, ['aws.amazon.com/neuron']);
    expect(schedulable(env([pod], NOW, { pools: [cpuPool, GPU_POOL] }))).toEqual([
      `${REL}: [schedulable] release ml/app (chart app): Job ml/${pod.metadata.name} can run on no NodePool or node group, so it stays Pending; it needs 16 aws.amazon.com/neuron, 8 CPU, 64 GiB memory, tolerating aws.amazon.com/neuron — ` +
        'NodePool cpu: it requests 16 aws.amazon.com/neuron; its instance categories (c, m, r) have no Neuron devices; NodePool gpu: it does not tolerate the taint nvidia.com/gpu=true:NoSchedule',
    ]);
    expect(schedulable(env([pod], NOW, { pools: [cpuPool, neuronPool([{ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['trn1'] }])] }))).toEqual([]);
  });

  test('Neuron: too few devices per node, a pool without Neuron accelerators, a pool limit', () => {
    const pod = device('app-neuron', { 'aws.amazon.com/neuron': '16' }, ['aws.amazon.com/neuron']);
    const [msg] = schedulable(env([pod], NOW, { pools: [neuronPool([{ key: 'karpenter.k8s.aws/instance-accelerator-count', operator: 'In', values: ['1', '6'] }])] }));
    expect(msg).toContain('NodePool trn: it requests 16 aws.amazon.com/neuron; its nodes have 1 or 6');
    const [other] = schedulable(env([pod], NOW, { pools: [neuronPool([{ key: 'karpenter.k8s.aws/instance-accelerator-manufacturer', operator: 'In', values: ['qualcomm'] }])] }));
    expect(other).toContain('NodePool trn: it requests 16 aws.amazon.com/neuron; its nodes have no Neuron devices (they have karpenter.k8s.aws/instance-accelerator-manufacturer in qualcomm)');
    const [limited] = schedulable(env([pod], NOW, { pools: [neuronPool([], { 'aws.amazon.com/neuron': '8' })] }));
    expect(limited).toContain('NodePool trn: it requests 16 aws.amazon.com/neuron, above the limit of 8');
    // Cores: no label counts them per node (devices × cores per device varies), only whether there are Neuron devices.
    const cores = device('app-cores', { 'aws.amazon.com/neuroncore': '2' }, ['aws.amazon.com/neuron']);
    expect(schedulable(env([cores], NOW, { pools: [neuronPool([{ key: 'karpenter.k8s.aws/instance-accelerator-count', operator: 'In', values: ['1'] }])] }))).toEqual([]);
  });

  test('a GPU pod on a pool of inf and trn instances: their accelerators are Neuron, not GPUs (they counted as GPU categories before)', () => {
    const pod = device('app-gpu', { 'nvidia.com/gpu': '1' }, ['nvidia.com/gpu', 'aws.amazon.com/neuron']);
    const [msg] = schedulable(env([pod], NOW, { pools: [neuronPool([{ key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['inf', 'trn'] }])] }));
    expect(msg).toContain('NodePool trn: it requests 1 GPU(s); its instance categories (inf, trn) have none');
    expect(schedulable(env([pod], NOW, { pools: [neuronPool([{ key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['gr'] }])] }))).toEqual([]);
  });

  test('EFA: a NodePool\'s instance types decide (no finding), unless its node class lists its interfaces; node groups have what they declare', () => {
    const pod = device('app-efa', { 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': '32' }, ['nvidia.com/gpu', 'aws.amazon.com/efa']);
    expect(schedulable(env([pod]))).toEqual([]);
    // An EC2NodeClass with networkInterfaces: Karpenter counts only its efa-only interfaces (types.go#L472-L483).
    const listed: Manifest = { ...NODE_CLASS, spec: { ...NODE_CLASS.spec, networkInterfaces: [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: 'interface' }, { networkCardIndex: 1, deviceIndex: 0, interfaceType: 'efa-only' }] } };
    const e = env([pod]);
    const withClass: LifecycleEnvironment = { ...e, releases: [{ ...e.releases[0], facts: lifecycleFacts([CPU_POOL, GPU_POOL, listed]) }, e.releases[1]] };
    const [msg] = schedulable(withClass);
    expect(msg).toContain('it needs 8 nvidia.com/gpu, 32 vpc.amazonaws.com/efa, 8 CPU, 64 GiB memory, tolerating nvidia.com/gpu, aws.amazon.com/efa');
    expect(msg).toContain('NodePool gpu: it requests 32 vpc.amazonaws.com/efa; its nodes have 1');
    // Node groups: undeclared devices are none (as gpus); declared ones count.
    const groups = (devices?: Record<string, number>): LifecycleEnvironment => ({ ...env([pod], NOW, { pools: [] }), nodeGroups: [{ name: 'p5', gpus: 8, taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }], ...(devices ? { devices } : {}) }] });
    expect(schedulable(groups())[0]).toContain('node group p5: it requests 32 vpc.amazonaws.com/efa; its nodes have none');
    expect(schedulable(groups({ 'vpc.amazonaws.com/efa': 32 }))).toEqual([]);
  });
});

describe('registry-auth, alerts-fire and scripts', () => {
  test('an OCIRepository on a private ECR registry without provider: aws (prod before issue 13): every pull is refused', () => {
    // fluxcd/source-controller docs/spec/v1/ocirepositories.md "Provider": aws authenticates to ECR.
    const repo: Manifest = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'app', namespace: NS }, spec: { url: 'oci://777788889999.dkr.ecr.us-west-2.amazonaws.com/strata/app' } };
    expect(rules(env([], NOW, { ociRepository: repo }), 'registry-auth')).toEqual([
      `${REL}: [registry-auth] release ml/app (chart app): OCIRepository ml/app pulls from a private ECR registry (oci://777788889999.dkr.ecr.us-west-2.amazonaws.com/strata/app) without provider: aws: source-controller is refused every pull; set spec.provider: aws (fluxcd/source-controller docs/spec/v1/ocirepositories.md "Provider")`,
    ]);
    expect(rules(env([], NOW, { ociRepository: { ...repo, spec: { ...repo.spec, provider: 'aws' } } }), 'registry-auth')).toEqual([]);
  });

  test('a percent-full alert on an EFS claim never fires; used bytes need the driver\'s volMetricsOptIn', () => {
    // aws-efs-csi-driver: volMetricsOptIn defaults to false; capacity is the NFS statfs (~8 EiB, issue #1242).
    const claim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'cache', namespace: NS }, spec: { storageClassName: 'strata-efs' } };
    const efsClass: Manifest = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'strata-efs' }, provisioner: 'efs.csi.aws.com' } as Manifest;
    const rule = (expr: string): Manifest => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'alerts', namespace: NS }, spec: { groups: [{ rules: [{ alert: 'A', expr }] }] } });
    const ratio = rule('kubelet_volume_stats_used_bytes{persistentvolumeclaim=~"cache"} / kubelet_volume_stats_capacity_bytes{persistentvolumeclaim=~"cache"} > 0.85');
    const used = rule('kubelet_volume_stats_used_bytes{persistentvolumeclaim=~"cache"} > 1000');
    const driver = (optIn: boolean): Manifest => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'aws-efs-csi-driver', namespace: 'kube-system' }, spec: { values: optIn ? { node: { volMetricsOptIn: true } } : {} } });
    expect(rules(env([claim, efsClass, ratio], NOW, { controllers: [driver(true)] }), 'alerts-fire')).toEqual([
      `${REL}: [alerts-fire] release ml/app (chart app): PrometheusRule ml/alerts alert A compares claim cache with its capacity, but EFS reports about 8 EiB: it can never fire; alert on kubelet_volume_stats_used_bytes against a budget`,
    ]);
    expect(rules(env([claim, efsClass, used], NOW, { controllers: [driver(false)] }), 'alerts-fire')).toEqual([
      `${REL}: [alerts-fire] release ml/app (chart app): PrometheusRule ml/alerts alert A reads kubelet volume stats of EFS claim cache, but the EFS driver of this environment has node.volMetricsOptIn off: the kubelet exports nothing for it; turn it on in the driver's values`,
    ]);
    expect(rules(env([claim, efsClass, used], NOW, { controllers: [driver(true)] }), 'alerts-fire')).toEqual([]);
  });

  test('a script that swallows an AWS CLI error (the restore step before issue 13) is refused; one that keeps the status is not', () => {
    expect(swallowedAwsError('names=$(aws s3 ls "$CHECKPOINT_URI" 2>/dev/null | sed -n p) || names=""')).toBe('`names=$(aws s3 ls "$CHECKPOINT_URI" 2>/dev/null | sed -n p) || names=""` hides the AWS CLI\'s error');
    expect(swallowedAwsError('aws s3 sync a b || true')).toBeDefined();
    expect(swallowedAwsError('aws s3 sync "$a" "$b" --no-progress || code=$?')).toBeUndefined();
    expect(swallowedAwsError('err=$(aws s3api list-objects-v2 --bucket "$b" 2>&1 >"$tmp/out") || code=$?')).toBeUndefined();
  });
});
