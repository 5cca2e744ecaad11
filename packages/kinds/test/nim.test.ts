import { Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { checkPodSecurity, checkReferences, checkResourceRequests, checkRestricted, DEFAULT_EXTERNAL } from '@strata/checks';
import { releaseTemplate, resolveTemplate, synthesizeChart, WorkloadChart } from '@strata/helm';
import { KubeObject, validateObjects } from '@strata/kube-schemas';
import { AccessMode, Efs, FsxLustre, PodScheduling, PodSecurityLevel, S3Mountpoint } from '@strata/storage';
import { podTemplatesOf } from '@strata/tokens';
import { NIMCache, NimModelStore, NIMService } from '../src';
import { demoChart, errorsOf, render } from './testing';

const IMAGE = { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: '1.8.4', pullSecrets: ['ngc-pull'] };
const resources: plus.ContainerResources = { cpu: { request: plus.Cpu.units(8) }, memory: { request: Size.gibibytes(64), limit: Size.gibibytes(64) } };
/** The NGC secrets and the EFS class the environment provides (outside this chart). */
const external = { ...DEFAULT_EXTERNAL, declared: ['StorageClass strata-efs', 'Secret ml/ngc-api', 'Secret ml/ngc-pull'] };

function cacheClaim(scope: ReturnType<typeof demoChart>): Efs {
  return Efs.fromStorageClass(scope, 'models', { storageClass: { name: 'strata-efs' } });
}

function llamaCache(scope: ReturnType<typeof demoChart>, claim: Efs = cacheClaim(scope)): NIMCache {
  return new NIMCache(scope, 'llama-cache', {
    source: { ngc: { authSecret: 'ngc-api', modelPuller: `${IMAGE.repository}:${IMAGE.tag}`, pullSecret: 'ngc-pull', model: { profiles: ['tensorrt_llm-h100-bf16-tp1-throughput'] } } },
    storage: claim,
    subPath: 'nim/llama-3.1-8b',
    resources: { cpu: plus.Cpu.units(4), memory: Size.gibibytes(16) },
    nodeSelector: { 'karpenter.sh/nodepool': 'strata-cpu' },
    namespacePodSecurity: PodSecurityLevel.BASELINE,
  });
}

/** The Pod Security problems of the pods the operator runs (what makes baseline necessary). */
function restrictedProblems(objects: readonly any[]): [string, string[]][] {
  return objects.flatMap((o) => podTemplatesOf(o)).map((p) => [p.owner, [...checkRestricted(p.spec), ...checkResourceRequests(p.spec)]]);
}

describe('NIMCache and NIMService', () => {
  test('defaults: a NIMCache fills a strata claim, a NIMService serves from it; no pod template, the operator\'s pods seen through views', () => {
    const chart = demoChart();
    const cache = llamaCache(chart);
    const nim = new NIMService(chart, 'llama', { image: IMAGE, authSecret: 'ngc-api', storage: NimModelStore.fromCache(cache, { profile: 'tensorrt_llm-h100-bf16-tp1-throughput' }), resources, gpus: 1, replicas: 2, namespacePodSecurity: PodSecurityLevel.BASELINE });
    const objects = render(chart);
    expect(objects).toMatchSnapshot();
    // render() holds every object to its upstream CRD (strict field validation); said here too.
    expect(validateObjects(objects as KubeObject[])).toEqual([]);
    const o = objects.find((x) => x.kind === 'NIMService')!;
    // Named per release, under drift detection; the cache's claim recorded for the view.
    expect([o.metadata.name, o.metadata.annotations]).toEqual(['rel-demo-llama', { 'strata.dev/nim-cache-claim': 'rel-demo-models-claim', 'strata.dev/nim-cache-sub-path': 'nim/llama-3.1-8b' }]);
    expect(o.spec.storage).toEqual({ nimCache: { name: 'rel-demo-llama-cache', profile: 'tensorrt_llm-h100-bf16-tp1-throughput' } });
    expect(o.spec.resources).toEqual({ requests: { cpu: '8', memory: '65536Mi', 'nvidia.com/gpu': 1 }, limits: { memory: '65536Mi', 'nvidia.com/gpu': 1 } });
    // The views: the caching Job's pod and the NIM's, with the claim and the NGC secret the lint checks.
    const pods = objects.flatMap((x) => podTemplatesOf(x));
    expect(pods.map((p) => [p.owner, p.path, p.replicas, p.spec.volumes.map((v: any) => [v.name, v.persistentVolumeClaim?.claimName ?? Object.keys(v)[1]])])).toEqual([
      ['NIMCache ml/rel-demo-llama-cache', 'spec', 1, [['nim-cache-volume', 'rel-demo-models-claim'], ['scratch', 'emptyDir']]],
      ['NIMService ml/rel-demo-llama', 'spec', 2, [['dshm', 'emptyDir'], ['model-store', 'rel-demo-models-claim']]],
    ]);
    expect(pods[1].spec.containers[0].volumeMounts).toEqual([
      { name: 'model-store', mountPath: '/model-store', subPath: 'nim/llama-3.1-8b' },
      { name: 'dshm', mountPath: '/dev/shm' },
    ]);
    // What the operator renders does not meet Pod Security restricted, and no field of these kinds can make it: hence namespacePodSecurity.
    expect(restrictedProblems(objects)).toEqual([
      ['NIMCache ml/rel-demo-llama-cache', ['container "nim-cache-ctr": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)']],
      [
        'NIMService ml/rel-demo-llama',
        [
          'container "rel-demo-llama-ctr": securityContext.allowPrivilegeEscalation must be false',
          'container "rel-demo-llama-ctr": securityContext.capabilities.drop must include ALL',
          'container "rel-demo-llama-ctr": securityContext.runAsNonRoot must be true (on the container or the pod)',
          'container "rel-demo-llama-ctr": securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)',
        ],
      ],
    ]);
    expect([cache.podSets, nim.podSets.map((s) => [s.name, s.count])]).toEqual([[], [['nim', 2]]]);
    expect(synthesizeChart(chart).uses).toEqual(['efs', 'operator:nim-operator']);
  });

  test('the chart says its pods need a namespace enforcing baseline, and why (Chart.yaml strata.dev/pod-security, read by the environments)', () => {
    const chart = demoChart();
    const cache = llamaCache(chart);
    new NIMService(chart, 'llama', { image: IMAGE, authSecret: 'ngc-api', storage: NimModelStore.fromCache(cache), resources, gpus: 1, replicas: 2, namespacePodSecurity: PodSecurityLevel.BASELINE });
    expect(synthesizeChart(chart).podSecurity).toEqual({
      level: 'baseline',
      reasons: [
        '[demo/llama-cache] baseline: the NIM operator runs the caching Job without a seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2 internal/controller/nimcache_controller.go constructJob)',
        '[demo/llama] baseline: the NIM operator renders the pods with no container securityContext and no seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml)',
      ],
    });
    // Only baseline's refusals are left: none.
    expect(render(chart).flatMap((o) => podTemplatesOf(o)).flatMap((p) => checkPodSecurity(p.spec, 'baseline'))).toEqual([]);
  });

  test('the reference lint sees the model store, the NGC secret and the image pull secret: reported when missing, not when present', () => {
    const chart = demoChart();
    new NIMService(chart, 'llama', { image: IMAGE, authSecret: 'ngc-api', storage: NimModelStore.fromCache(llamaCache(chart)), resources, gpus: 1, replicas: 2, namespacePodSecurity: PodSecurityLevel.BASELINE });
    const objects = render(chart);
    expect(checkReferences({ dev: objects }, external)).toEqual([]);
    expect(checkReferences({ dev: objects.filter((o) => o.kind !== 'PersistentVolumeClaim') }, { ...DEFAULT_EXTERNAL, declared: ['StorageClass strata-efs'] })).toEqual([
      "dev: NIMCache ml/rel-demo-llama-cache spec.imagePullSecrets[ngc-pull]: Secret ml/ngc-pull does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'ml', name: 'ngc-pull' }] }",
      'dev: NIMCache ml/rel-demo-llama-cache spec.volumes[nim-cache-volume].persistentVolumeClaim.claimName: PersistentVolumeClaim ml/rel-demo-models-claim does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { persistentVolumeClaims: [{ namespace: \'ml\', name: \'rel-demo-models-claim\' }] }',
      'dev: NIMCache ml/rel-demo-llama-cache spec.containers[nim-cache-ctr].envFrom.secretRef: Secret ml/ngc-api does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: \'ml\', name: \'ngc-api\' }] }',
      "dev: NIMService ml/rel-demo-llama spec.imagePullSecrets[ngc-pull]: Secret ml/ngc-pull does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: 'ml', name: 'ngc-pull' }] }",
      'dev: NIMService ml/rel-demo-llama spec.volumes[model-store].persistentVolumeClaim.claimName: PersistentVolumeClaim ml/rel-demo-models-claim does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { persistentVolumeClaims: [{ namespace: \'ml\', name: \'rel-demo-models-claim\' }] }',
      'dev: NIMService ml/rel-demo-llama spec.containers[rel-demo-llama-ctr].env[NGC_API_KEY].valueFrom.secretKeyRef: Secret ml/ngc-api does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { secrets: [{ namespace: \'ml\', name: \'ngc-api\' }] }',
    ]);
  });

  test('custom: a NIMService on its own claim (FSx for Lustre), read-only, with scheduling, labels, env, port, ids and shared memory', () => {
    const chart = demoChart();
    const fsx = FsxLustre.fromStorageClass(chart, 'weights', { storageClass: { name: 'strata-fsx-lustre' }, storage: Size.gibibytes(1200) });
    const nim = new NIMService(chart, 'llama', {
      image: { ...IMAGE, pullPolicy: plus.ImagePullPolicy.ALWAYS },
      authSecret: 'ngc-api',
      storage: NimModelStore.fromClaim(fsx, { subPath: 'nim/llama' }),
      readOnly: true,
      sharedMemory: Size.gibibytes(16),
      resources,
      gpus: 4,
      replicas: 3,
      port: 9000,
      env: { NIM_MAX_MODEL_LEN: '8192' },
      args: ['--verbose'],
      nodeSelector: { 'karpenter.k8s.aws/instance-family': 'p5' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' }],
      user: 1001,
      group: 1001,
      namespacePodSecurity: PodSecurityLevel.BASELINE,
    });
    PodScheduling.of(nim.pod).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2a'], origin: '[test] the file system\'s zone' });
    nim.pod.metadata.addLabel('team', 'llm');
    nim.pod.metadata.addAnnotation('example.com/owner', 'llm');
    const [o] = render(chart).filter((x) => x.kind === 'NIMService');
    expect(validateObjects([o as KubeObject])).toEqual([]);
    expect(o.metadata.annotations).toBeUndefined();
    expect(o.spec).toEqual({
      image: { repository: IMAGE.repository, tag: '1.8.4', pullPolicy: 'Always', pullSecrets: ['ngc-pull'] },
      authSecret: 'ngc-api',
      args: ['--verbose'],
      env: [{ name: 'NIM_MAX_MODEL_LEN', value: '8192' }],
      storage: { pvc: { name: 'rel-demo-weights-claim', subPath: 'nim/llama' }, readOnly: true, sharedMemorySizeLimit: '16384Mi' },
      labels: { 'app.kubernetes.io/component': expect.stringMatching(/^demo-llama-nim-/), team: 'llm' },
      annotations: { 'example.com/owner': 'llm' },
      nodeSelector: { 'karpenter.k8s.aws/instance-family': 'p5' },
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' },
        { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' },
      ],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2a'] }] }] } } },
      resources: { requests: { cpu: '8', memory: '65536Mi', 'nvidia.com/gpu': 4 }, limits: { memory: '65536Mi', 'nvidia.com/gpu': 4 } },
      expose: { service: { port: 9000 } },
      replicas: 3,
      userID: 1001,
      groupID: 1001,
    });
    const [p] = podTemplatesOf(o);
    expect([p.replicas, p.spec.volumes[1], p.spec.securityContext, p.spec.containers[0].ports]).toEqual([
      3,
      { name: 'model-store', persistentVolumeClaim: { claimName: 'rel-demo-weights-claim', readOnly: true } },
      { runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 },
      [{ name: 'api', containerPort: 9000, protocol: 'TCP' }],
    ]);
    expect(synthesizeChart(chart).warnings).toEqual([]);
  });

  test('memory is written in MiB whether it is a literal or a Helm value, so helm template and direct synthesis agree', () => {
    const build = (chart: WorkloadChart) => {
      const memory = chart.values.size('memory', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 64, description: 'Memory' });
      const cache = new NIMCache(chart, 'cache', {
        source: { ngc: { authSecret: 'ngc-api', modelPuller: `${IMAGE.repository}:${IMAGE.tag}` } },
        storage: cacheClaim(chart),
        resources: { cpu: plus.Cpu.units(2), memory },
        nodeSelector: {},
        namespacePodSecurity: PodSecurityLevel.BASELINE,
      });
      new NIMService(chart, 'llama', { image: IMAGE, authSecret: 'ngc-api', storage: NimModelStore.fromCache(cache), sharedMemory: memory, resources, gpus: 1, replicas: 2, namespacePodSecurity: PodSecurityLevel.BASELINE });
      return chart;
    };
    const memories = (objects: readonly any[]) => objects.filter((o) => o.kind.startsWith('NIM')).map((o) => o.spec.resources.memory ?? o.spec.storage.sharedMemorySizeLimit);
    // The template (values as tokens), resolved with the defaults, as helm renders it; and a literal synthesis.
    const template = build(new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' }));
    expect(memories(resolveTemplate(releaseTemplate(synthesizeChart(template)), { name: 'rel', namespace: 'ml' }, '0.1.0'))).toEqual(['16384Mi', '16384Mi']);
    expect(memories(render(build(demoChart())))).toEqual(['16384Mi', '16384Mi']);
  });

  test('warns: one replica goes down at every rollout; a NIMCache without a nodeSelector waits for Node Feature Discovery', () => {
    const chart = demoChart();
    const claim = cacheClaim(chart);
    new NIMCache(chart, 'cache', {
      source: { huggingFace: { namespace: 'meta-llama', modelName: 'Llama-3.1-8B-Instruct', authSecret: 'hf-token', modelPuller: 'nvcr.io/nim/nvidia/llm-nim:1.12', pullSecret: 'ngc-pull', revision: 'main' } },
      storage: claim,
      resources: { cpu: plus.Cpu.units(2), memory: Size.gibibytes(8) },
      namespacePodSecurity: PodSecurityLevel.PRIVILEGED,
    });
    new NIMService(chart, 'one', { image: IMAGE, authSecret: 'ngc-api', storage: NimModelStore.fromClaim(claim), resources, gpus: 1, namespacePodSecurity: PodSecurityLevel.BASELINE });
    expect(synthesizeChart(chart).warnings).toEqual([
      '[demo/cache] no nodeSelector: the NIM operator then runs the caching Job only on nodes labelled feature.node.kubernetes.io/pci-10de.present=true (Node Feature Discovery, installed with the GPU Operator); on nodes without it the Job stays Pending: give nodeSelector',
      '[demo/one] replicas 1: the operator rolls its Deployment out with maxSurge 0 (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml), so a new image, env or resources stops the only pod before its replacement has loaded the model: run 2 or more to keep serving',
    ]);
    const objects = render(chart);
    const cache = objects.find((x) => x.kind === 'NIMCache')!;
    expect(validateObjects([cache as KubeObject])).toEqual([]);
    expect(cache.spec.source).toEqual({ hf: { endpoint: 'https://huggingface.co', namespace: 'meta-llama', modelName: 'Llama-3.1-8B-Instruct', authSecret: 'hf-token', modelPuller: 'nvcr.io/nim/nvidia/llm-nim:1.12', pullSecret: 'ngc-pull', revision: 'main' } });
    // The operator's default node label is in the view, so the scheduling checks see where the Job can run.
    expect(podTemplatesOf(cache)[0].spec.nodeSelector).toEqual({ 'feature.node.kubernetes.io/pci-10de.present': 'true' });
  });

  test('throws: what the operator cannot render — a volume mount of another claim, a sidecar, a security context — each with where to do it instead', () => {
    const chart = demoChart();
    const nim = new NIMService(chart, 'llama', { image: IMAGE, authSecret: 'ngc-api', storage: NimModelStore.fromClaim(cacheClaim(chart)), resources, gpus: 1, replicas: 2, namespacePodSecurity: PodSecurityLevel.BASELINE, pod: { securityContext: { user: 0 } } });
    Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } }).mount(nim.container, '/data', { readOnly: true });
    nim.pod.addContainer({ name: 'log-shipper', image: 'fluent/fluent-bit:3.2', securityContext: { ensureNonRoot: true }, resources });
    const elsewhere =
      'set it through the NIMService props (storage for the model store, port, user, group), or serve the NIM image with a strata InferenceService or Deployment, whose pods take every field: the NIM operator renders its pods itself (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml)';
    expect(errorsOf(chart)).toEqual([
      `[demo/llama] a NIMService mounts only its model store: volume "data" (persistentVolumeClaim, at /data) cannot be added. The operator mounts storage.pvc or storage.nimCache at /model-store and nothing else (NVIDIA/k8s-nim-operator@v3.1.2 api/apps/v1alpha1/nimservice_types.go GetVolumes); give the model's claim as storage (NimModelStore.fromClaim), or serve the NIM image with a strata InferenceService or Deployment, whose pods mount any volume`,
      `[demo/llama] a NIMService's pod takes only containers, nodeSelector, tolerations, affinity, imagePullSecrets, schedulerName, priorityClassName, runtimeClassName: 'securityContext' ({"fsGroupChangePolicy":"Always","runAsNonRoot":true,"runAsUser":0}) cannot be set there; ${elsewhere}`,
      `[demo/llama] a NIMService runs one container, the NIM: container "log-shipper" (fluent/fluent-bit:3.2) cannot be added. The operator's sidecarContainers take no resources, securityContext or volumeMounts (NVIDIA/k8s-nim-operator@v3.1.2 api/apps/v1alpha1/common_types.go NIMContainerSpec), so such a pod fails the requests and Pod Security checks; run it in its own Deployment, or serve the NIM image with a strata InferenceService, whose pods take sidecars`,
    ]);
  });

  test('throws: missing or out-of-range fields of NIMService and NIMCache, a restricted namespace', () => {
    const c2 = demoChart();
    const s3 = new S3Mountpoint(c2, 'ro', { bucketName: 'models', region: 'us-west-2', accessMode: AccessMode.READ_ONLY_MANY });
    new NIMService(c2, 'a', { image: { repository: '', tag: undefined as never }, authSecret: '', storage: NimModelStore.fromClaim(s3, { subPath: '/abs' }), resources: { cpu: { request: plus.Cpu.units(1) } }, gpus: undefined as never, replicas: -1, port: 70000, user: 0, namespacePodSecurity: PodSecurityLevel.RESTRICTED });
    new NIMService(c2, 'b', { image: IMAGE, authSecret: 'x', storage: undefined as never, resources, gpus: 0, replicas: 2 });
    new NIMCache(c2, 'c', { source: {} as never, storage: s3, subPath: '..', resources: undefined as never, nodeSelector: {} });
    new NIMCache(c2, 'd', { source: { ngc: { authSecret: '', modelPuller: '', model: {}, modelEndpoint: 'x' } }, storage: cacheClaim(c2), resources: { cpu: plus.Cpu.units(1), memory: Size.gibibytes(1) }, nodeSelector: {}, namespacePodSecurity: PodSecurityLevel.RESTRICTED });
    const nimSecurity =
      'the NIM operator renders the pods with no container securityContext and no seccompProfile, and a NIMService has no field for them (NVIDIA/k8s-nim-operator@v3.1.2 manifests/deployment.yaml), so Pod Security restricted refuses them: run it in a namespace enforcing baseline and say so with namespacePodSecurity: PodSecurityLevel.BASELINE, or serve the NIM image with a strata InferenceService, whose pods meet restricted';
    const cacheSecurity =
      'the NIM operator runs the caching Job without a seccompProfile (NVIDIA/k8s-nim-operator@v3.1.2 internal/controller/nimcache_controller.go constructJob), so Pod Security restricted refuses its pod: run it in a namespace enforcing baseline and say so with namespacePodSecurity: PodSecurityLevel.BASELINE';
    expect(errorsOf(c2)).toEqual([
      `[demo/a] 'image.repository' ("") must be the NIM image repository; e.g. "nvcr.io/nim/meta/llama-3.1-8b-instruct"`,
      `[demo/a] 'image.tag' (not set) must be the NIM image tag; e.g. "1.8.4"`,
      `[demo/a] 'authSecret' ("") must be the Secret holding NGC_API_KEY; the CRD requires it`,
      `[demo/a] 'replicas' (-1) must be a whole number between 0 and 10000; a whole number of pods`,
      `[demo/a] 'port' (70000) must be a port between 1 and 65535; a TCP port`,
      `[demo/a] 'gpus' (not set) must be the GPUs per pod; the operator otherwise derives them from the cached profile at run time, unseen by the scheduling checks`,
      `[demo/a] 'resources' ({"cpu":"1"}) must be CPU and memory requests; e.g. { cpu: { request: Cpu.units(8) }, memory: { request: Size.gibibytes(64), limit: Size.gibibytes(64) } }`,
      `[demo/a] 'storage.subPath' ("/abs") must be a relative path without ".."; name a directory inside the claim, e.g. "llama-3.1-8b"`,
      `[demo/a] 'readOnly' (not set) must be true for a read-only claim; the NIM writes its model into an empty store on first start; fill the claim first and pass readOnly: true`,
      `[demo/a] 'namespacePodSecurity' ("restricted") must be one of baseline, privileged; ${nimSecurity}`,
      `[demo/a] 'user' (0) must be a uid between 1 and 2147483647; never 0 (root)`,
      `[demo/b] 'gpus' (0) must be a whole number of GPUs between 1 and 64; state the GPUs per pod: the operator otherwise derives them from the cached profile at run time, unseen by the scheduling checks`,
      `[demo/b] 'storage' (not set) must be NimModelStore.fromCache(nimCache) or NimModelStore.fromClaim(claim); the model store is where the NIM finds its model`,
      `[demo/b] 'namespacePodSecurity' (not set) must be baseline or privileged; ${nimSecurity}`,
      `[demo/c] 'storage' ("s3") must be a writable claim; the caching Job writes the model into it: use an Efs or FsxLustre claim`,
      `[demo/c] 'subPath' ("..") must be a relative path without ".."; name a directory inside the claim, e.g. "llama-3.1-8b"`,
      `[demo/c] 'source' ({}) must be exactly one of ngc, huggingFace; e.g. { ngc: { authSecret, modelPuller, model: { profiles: [...] } } }`,
      `[demo/c] 'resources' (not set) must be the caching Job's cpu and memory; e.g. { cpu: Cpu.units(4), memory: Size.gibibytes(16) }`,
      `[demo/c] 'namespacePodSecurity' (not set) must be baseline or privileged; ${cacheSecurity}`,
      `[demo/d] 'source.ngc.authSecret' ("") must be the Secret holding NGC_API_KEY`,
      `[demo/d] 'source.ngc.modelPuller' ("") must be the NIM image that downloads the model`,
      `[demo/d] 'source.ngc.modelEndpoint' ("x") must be unset with model; the CRD takes only one of 'model' or 'modelEndpoint'`,
      `[demo/d] 'namespacePodSecurity' ("restricted") must be one of baseline, privileged; ${cacheSecurity}`,
    ]);
  });
});
