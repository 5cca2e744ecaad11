/**
 * Rewrites awslabs/ai-on-eks@41a979ee7614a59e5337768b1bddec76ad6653e0
 *   blueprints/inference/vllm-rayserve-gpu/ray-service-vllm.yaml
 * JARK inference: a KubeRay RayService serving Mistral-7B-Instruct with vLLM on Ray Serve — a CPU
 * head (num-cpus 0, dashboard) and a `gpu-group` of 1–4 single-GPU workers (g5), autoscaled by Ray,
 * the Hugging Face token from Secret `hf-token`.
 *
 * What differs from the original, and why:
 * - `serviceUnhealthySecondThreshold: 1800` and `deploymentUnhealthySecondThreshold: 1800` are not
 *   written: the v1.7.0 CRD still has them (RayServiceProps `spec` takes its fields), but they are
 *   deprecated and KubeRay no longer reads them (ray-project/kuberay@v1.7.0
 *   ray-operator/apis/ray/v1/rayservice_types.go, kuberay#1685): it never replaces a cluster whose
 *   model is still loading, which is what the original's 1800 s were for. strata refuses them with
 *   that reason (asserted); a deadline, if wanted, is the annotation `ray.io/initializing-timeout`.
 * - The head Service's name (`headGroupSpec.headService.metadata.name: vllm`) is not written:
 *   `head` takes every headGroupSpec field (headService, serviceType, enableIngress…), but KubeRay
 *   v1.7.0 refuses a RayService that names its head Service (utils/validation.go
 *   `ValidateRayServiceSpec`), and strata says so (asserted). KubeRay names the Services after the
 *   RayService, so clients of `vllm.rayserve-vllm.svc` use `<name>-serve-svc` (Serve) instead.
 * - strata adds `upgradeStrategy: { type: NewCluster }` (its zero-downtime upgrade); not in the original.
 * - No Namespace and no Secret objects: the namespace is the release's, and the Secret `hf-token`
 *   (key `hf-token`) is declared external by the environment (the original templates it from
 *   $HUGGING_FACE_HUB_TOKEN, which is not a manifest a chart should hold).
 * - The pods meet Pod Security restricted: runAsNonRoot with uid 1000 (the Ray images' `ray` user),
 *   no privilege escalation, capabilities dropped, RuntimeDefault seccomp, read-only root file system.
 *   With a read-only root, the worker gets an emptyDir at /tmp/ray (Ray's session dir; the original
 *   mounts one on the head only) and the Hugging Face cache (~/.cache, where vLLM downloads the
 *   model) becomes a sized scratch volume (InstanceStore, 100 GiB, with its ephemeral-storage request).
 * - `nodeSelector` becomes a required node affinity (cdk8s-plus pods have no nodeSelector field;
 *   the scheduler and Karpenter treat both alike).
 * - Memory `12G` / `60G` (decimal) become `11445Mi` / `57221Mi`, the next whole MiB (cdk8s `Size` has
 *   binary units only, and cdk8s-plus writes memory in Mi): 0.0007 % more than asked.
 * - The GPU toleration comes from `Devices.gpus(1)` (same toleration as the original's).
 */
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { RayService } from '@strata/kinds';
import { Devices, InstanceStore } from '@strata/storage';
import { chartFor, envOf, errorsOf, mountsOf, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

const IMAGE = 'public.ecr.aws/data-on-eks/ray2.24.0-py310-vllm-gpu:v1';
const SERVE_CONFIG = `applications:
  - name: mistral
    import_path: "vllm_serve:deployment"
    runtime_env:
      env_vars:
        LD_LIBRARY_PATH: "/home/ray/anaconda3/lib:$LD_LIBRARY_PATH"
        MODEL_ID: "mistralai/Mistral-7B-Instruct-v0.2"
        GPU_MEMORY_UTILIZATION: "0.9"
        MAX_MODEL_LEN: "8192"
        MAX_NUM_SEQ: "4"
        MAX_NUM_BATCHED_TOKENS: "32768"
    deployments:
      - name: mistral-deployment
        autoscaling_config:
          metrics_interval_s: 0.2
          min_replicas: 1
          max_replicas: 4
          look_back_period_s: 2
          downscale_delay_s: 600
          upscale_delay_s: 30
          target_num_ongoing_requests_per_replica: 20
        graceful_shutdown_timeout_s: 5
        max_concurrent_queries: 100
        ray_actor_options:
          num_cpus: 1
          num_gpus: 1
`;

/** Pod Security restricted, as the Ray images run (uid 1000). */
const RAY_POD = { securityContext: { ensureNonRoot: true, user: 1000, group: 100, fsGroup: 100 } } as const;
const RAY_CONTAINER_SECURITY = { ensureNonRoot: true, user: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } };

function build() {
  const chart = chartFor('vllm-rayserve', 'ai-on-eks vLLM on Ray Serve (GPU)');
  const hfToken = plus.Secret.fromSecretName(chart, 'hf-token', 'hf-token');
  const env = (): Record<string, plus.EnvValue> => ({
    VLLM_PORT: plus.EnvValue.fromValue('8004'),
    LD_LIBRARY_PATH: plus.EnvValue.fromValue('/home/ray/anaconda3/lib:$LD_LIBRARY_PATH'),
    HUGGING_FACE_HUB_TOKEN: plus.EnvValue.fromSecretValue({ secret: hfToken, key: 'hf-token' }),
  });
  const rayStop = { preStop: plus.Handler.fromCommand(['/bin/sh', '-c', 'ray stop']) };

  const service = new RayService(chart, 'vllm', {
    rayVersion: '2.24.0',
    autoscaling: true,
    serveConfig: SERVE_CONFIG,
    head: { rayStartParams: { 'dashboard-host': '0.0.0.0', 'num-cpus': '0' }, pod: RAY_POD },
  });
  const head = service.head.addContainer({
    name: 'ray-head',
    image: IMAGE,
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    lifecycle: rayStop,
    ports: [
      { number: 6379, name: 'gcs' },
      { number: 8265, name: 'dashboard' },
      { number: 10001, name: 'client' },
      { number: 8000, name: 'serve' },
    ],
    resources: { cpu: { request: plus.Cpu.units(2), limit: plus.Cpu.units(2) }, memory: { request: Size.mebibytes(11445), limit: Size.mebibytes(11445) } },
    envVariables: {
      ...env(),
      RAY_GRAFANA_HOST: plus.EnvValue.fromValue('http://kube-prometheus-stack-grafana.kube-prometheus-stack.svc:80'),
      RAY_PROMETHEUS_HOST: plus.EnvValue.fromValue('http://kube-prometheus-stack-prometheus.kube-prometheus-stack.svc:9090'),
    },
    securityContext: RAY_CONTAINER_SECURITY,
  });
  head.mount('/tmp/ray', plus.Volume.fromEmptyDir(service.head, 'ray-logs', 'ray-logs'));
  service.head.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('NodeGroupType', 'x86-cpu-karpenter'), plus.NodeLabelQuery.is('type', 'karpenter')));

  const gpu = service.addWorkerGroup('gpu-group', { replicas: 1, minReplicas: 1, maxReplicas: 4, pod: RAY_POD });
  const worker = gpu.template.addContainer({
    name: 'ray-worker',
    image: IMAGE,
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    lifecycle: rayStop,
    resources: { cpu: { request: plus.Cpu.units(10), limit: plus.Cpu.units(10) }, memory: { request: Size.mebibytes(57221), limit: Size.mebibytes(57221) } },
    envVariables: env(),
    securityContext: RAY_CONTAINER_SECURITY,
  });
  Devices.of(gpu.template, worker).gpus(1);
  worker.mount('/tmp/ray', plus.Volume.fromEmptyDir(gpu.template, 'ray-logs', 'ray-logs'));
  new InstanceStore(chart, 'hf-cache', { size: Size.gibibytes(100) }).mount(worker, '/home/ray/.cache', { pod: gpu.template });
  gpu.template.scheduling.attract(plus.Node.labeled(plus.NodeLabelQuery.is('NodeGroupType', 'g5-gpu-karpenter'), plus.NodeLabelQuery.is('type', 'karpenter')));
  return { chart, service };
}

const EXTERNAL = { secrets: [{ namespace: 'ml', name: 'hf-token', keys: ['hf-token'] }] };

describe('ai-on-eks vllm-rayserve-gpu RayService', () => {
  test('serve config, cluster, head and GPU workers carry what the original does', () => {
    const { synth, objects } = render(build().chart);
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(['RayService']);
    const rs = one(objects, 'RayService');
    expect(rs.spec.serveConfigV2).toBe(SERVE_CONFIG);
    expect(rs.spec.upgradeStrategy).toEqual({ type: 'NewCluster' });
    // Not written: the thresholds KubeRay v1.7.0 no longer reads, the head Service's name it refuses (see below).
    expect(rs.spec.serviceUnhealthySecondThreshold).toBeUndefined();
    expect(rs.spec.deploymentUnhealthySecondThreshold).toBeUndefined();
    expect(rs.spec.rayClusterConfig.headGroupSpec.headService).toBeUndefined();
    const cluster = rs.spec.rayClusterConfig;
    expect(cluster.rayVersion).toBe('2.24.0');
    expect(cluster.enableInTreeAutoscaling).toBe(true);
    expect(cluster.headGroupSpec.rayStartParams).toEqual({ 'dashboard-host': '0.0.0.0', 'num-cpus': '0' });

    const head = cluster.headGroupSpec.template.spec;
    const [h] = head.containers;
    expect(h).toMatchObject({
      name: 'ray-head',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'ray stop'] } } },
      resources: { limits: { cpu: '2', memory: '11445Mi' }, requests: { cpu: '2', memory: '11445Mi' } },
    });
    expect(h.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['gcs', 6379], ['dashboard', 8265], ['client', 10001], ['serve', 8000]]);
    expect(envOf(h)).toEqual({
      VLLM_PORT: '8004',
      LD_LIBRARY_PATH: '/home/ray/anaconda3/lib:$LD_LIBRARY_PATH',
      HUGGING_FACE_HUB_TOKEN: { secretKeyRef: { name: 'hf-token', key: 'hf-token' } },
      RAY_GRAFANA_HOST: 'http://kube-prometheus-stack-grafana.kube-prometheus-stack.svc:80',
      RAY_PROMETHEUS_HOST: 'http://kube-prometheus-stack-prometheus.kube-prometheus-stack.svc:9090',
    });
    expect(mountsOf(h)).toEqual({ '/tmp/ray': 'ray-logs' });
    expect(head.volumes).toEqual([{ name: 'ray-logs', emptyDir: {} }]);
    expect(head.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'NodeGroupType', operator: 'In', values: ['x86-cpu-karpenter'] }, { key: 'type', operator: 'In', values: ['karpenter'] }] },
    ]);

    const [group] = cluster.workerGroupSpecs;
    expect({ ...group, template: undefined }).toEqual({ groupName: 'gpu-group', replicas: 1, minReplicas: 1, maxReplicas: 4, rayStartParams: {}, template: undefined });
    const pod = group.template.spec;
    const [w] = pod.containers;
    expect(w).toMatchObject({
      name: 'ray-worker',
      image: IMAGE,
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'ray stop'] } } },
      resources: {
        limits: { cpu: '10', memory: '57221Mi', 'nvidia.com/gpu': 1 },
        requests: { cpu: '10', memory: '57221Mi', 'nvidia.com/gpu': 1, 'ephemeral-storage': '100Gi' },
      },
    });
    expect(envOf(w)).toEqual({ VLLM_PORT: '8004', LD_LIBRARY_PATH: '/home/ray/anaconda3/lib:$LD_LIBRARY_PATH', HUGGING_FACE_HUB_TOKEN: { secretKeyRef: { name: 'hf-token', key: 'hf-token' } } });
    expect(mountsOf(w)).toEqual({ '/tmp/ray': 'ray-logs', '/home/ray/.cache': 'hf-cache' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'NodeGroupType', operator: 'In', values: ['g5-gpu-karpenter'] }, { key: 'type', operator: 'In', values: ['karpenter'] }] },
    ]);
  });

  test("strata's checks: restricted, references (the Secret declared external), every pod reached with its count", () => {
    const { objects } = render(build().chart);
    const reached = {
      'RayService spec.rayClusterConfig.headGroupSpec.template.spec': 1,
      'RayService spec.rayClusterConfig.workerGroupSpecs[0].template.spec': 1,
    };
    expect(podCounts(objects)).toEqual(reached);
    expect(restrictedProblems(objects)).toEqual(Object.fromEntries(Object.keys(reached).map((k) => [k, []])));
    expect(referenceProblems(objects, EXTERNAL)).toMatchObject({ problems: [], warnings: [] });
    // Without the declaration the lint names the Secret and where to declare it.
    expect(referenceProblems(objects).problems).toEqual(
      ['headGroupSpec.template.spec.containers[ray-head]', 'workerGroupSpecs[0].template.spec.containers[ray-worker]'].map(
        (at) =>
          `prod: RayService ml/rw-vllm-rayserve-vllm spec.rayClusterConfig.${at}.env[HUGGING_FACE_HUB_TOKEN].valueFrom.secretKeyRef: Secret ml/hf-token does not exist in prod: no release of prod makes it, and environments/prod/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'ml', name: 'hf-token' }] }`,
      ),
    );
  });

  test("the original's thresholds and head Service name are refused, with KubeRay v1.7.0's reasons", () => {
    const chart = chartFor('vllm-rayserve', 'ai-on-eks vLLM on Ray Serve (GPU), as the original');
    const service = new RayService(chart, 'vllm', {
      rayVersion: '2.24.0',
      serveConfig: SERVE_CONFIG,
      head: { rayStartParams: { 'dashboard-host': '0.0.0.0', 'num-cpus': '0' }, headService: { metadata: { name: 'vllm' } }, pod: RAY_POD },
      spec: { serviceUnhealthySecondThreshold: 1800, deploymentUnhealthySecondThreshold: 1800 },
    });
    service.head.addContainer({ name: 'ray-head', image: IMAGE, securityContext: { ...RAY_CONTAINER_SECURITY, readOnlyRootFilesystem: false }, resources: { cpu: { request: plus.Cpu.units(2) }, memory: { request: Size.mebibytes(11445) } } });
    const deprecated =
      'deprecated upstream: KubeRay v1.7.0 does not read it (ray-operator/apis/ray/v1/rayservice_types.go, ray-project/kuberay#1685) and no longer replaces a cluster whose Serve applications are unhealthy; ' +
      'a model that loads for long needs nothing, and to fail a RayService whose cluster is not ready in time give the annotation ray.io/initializing-timeout in metadata';
    expect(errorsOf(chart)).toEqual([
      `[vllm-rayserve/vllm] 'spec.serviceUnhealthySecondThreshold' (1800) must be unset here; ${deprecated}`,
      `[vllm-rayserve/vllm] 'spec.deploymentUnhealthySecondThreshold' (1800) must be unset here; ${deprecated}`,
      `[vllm-rayserve/vllm] 'head.headService.metadata.name' ("vllm") must be unset for a RayService; KubeRay v1.7.0 refuses it (utils/validation.go ValidateRayServiceSpec): it names the head Services after the RayService; point clients at the serve Service <name>-serve-svc`,
    ]);
  });

  test('a worker without a writable /tmp/ray is refused with what to do', () => {
    const { chart, service } = build();
    const extra = service.addWorkerGroup('cpu', { pod: RAY_POD });
    extra.template.addContainer({ name: 'ray-worker', image: IMAGE, securityContext: RAY_CONTAINER_SECURITY, resources: { cpu: { request: plus.Cpu.units(1) }, memory: { request: Size.gibibytes(4) } } });
    expect(errorsOf(chart)).toEqual([
      '[vllm-rayserve/vllm] container ray-worker of worker-cpu has a read-only root file system and nothing mounted at /tmp: Ray writes its session under /tmp/ray; mount an emptyDir at /tmp (plus.Volume.fromEmptyDir) or set securityContext.readOnlyRootFilesystem false',
    ]);
  });
});
