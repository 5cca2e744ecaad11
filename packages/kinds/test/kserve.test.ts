import { JsonPatch, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { checkReferences, DEFAULT_EXTERNAL } from '@strata/checks';
import { synthesizeChart } from '@strata/helm';
import { crdKindOf, crdSchema, KubeObject, schemaErrors, validateObjects } from '@strata/kube-schemas';
import { Efs, InstanceStore, S3Mountpoint } from '@strata/storage';
import { ClusterServingRuntime, INFERENCE_SERVICE_POD_FIELDS, InferenceService, KServeDeploymentMode, ModelSource, SERVING_RUNTIME_POD_FIELDS, ServingRuntime } from '../src';
import { demoChart, errorsOf, podsOf, render } from './testing';

/** A Pod Security "restricted" container security context. */
const restricted: plus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: 1000,
  group: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [plus.Capability.ALL] },
  seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT },
};
const resources: plus.ContainerResources = { cpu: { request: plus.Cpu.units(4) }, memory: { request: Size.gibibytes(32), limit: Size.gibibytes(32) } };
const restrictedPod = { securityContext: { ensureNonRoot: true } };
/** The EFS class the environment's tier chart installs (outside this chart). */
const external = { ...DEFAULT_EXTERNAL, declared: ['StorageClass strata-efs'] };

function container(name: string, image: string): plus.ContainerProps {
  return { name, image, imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: restricted, resources };
}

/** A vLLM ServingRuntime of the chart, serving "huggingface" models from /mnt/models. */
function vllm(scope: ReturnType<typeof demoChart>): ServingRuntime {
  const rt = new ServingRuntime(scope, 'vllm', { supportedModelFormats: [{ name: 'huggingface', version: '1' }], protocolVersions: ['v2', 'v1'] });
  rt.pod.addContainer({ ...container('kserve-container', 'vllm/vllm-openai:v0.11.0'), args: ['--model', '/mnt/models', '--port', '8080'], ports: [{ number: 8080, name: 'http' }] });
  return rt;
}

function modelCache(scope: ReturnType<typeof demoChart>): Efs {
  return Efs.fromStorageClass(scope, 'models', { storageClass: { name: 'strata-efs' } });
}

describe('InferenceService', () => {
  test('defaults: Standard mode written, a model read from a claim (the model cache), its runtime named, 1 replica, long-running', () => {
    const chart = demoChart();
    const runtime = vllm(chart);
    const isvc = new InferenceService(chart, 'llm', {
      predictor: { model: { format: 'huggingface', runtime, container: { securityContext: restricted, resources } }, source: ModelSource.fromClaim(modelCache(chart), 'llama-3.1-8b'), pod: restrictedPod },
    });
    const objects = render(chart);
    expect(objects).toMatchSnapshot();
    // render() holds every object to its upstream CRD (strict field validation); said here too.
    expect(validateObjects(objects as KubeObject[])).toEqual([]);
    const o = objects.find((x) => x.kind === 'InferenceService')!;
    // Named per release, under drift detection: a server, not a run.
    expect([o.metadata.name, o.metadata.annotations]).toEqual(['rel-demo-llm', { 'serving.kserve.io/deploymentMode': 'Standard' }]);
    expect(o.spec.predictor.model).toEqual({
      name: 'kserve-container',
      modelFormat: { name: 'huggingface' },
      runtime: 'rel-demo-vllm',
      storageUri: 'pvc://rel-demo-models-claim/llama-3.1-8b',
      resources: { limits: { memory: '32768Mi' }, requests: { cpu: '4', memory: '32768Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 1000,
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    expect(o.spec.predictor.containers).toBeUndefined();
    // The pod fields are inlined next to KServe's; template metadata is the component's labels.
    expect(Object.keys(o.spec.predictor).sort()).toEqual([
      'automountServiceAccountToken', 'dnsPolicy', 'hostNetwork', 'labels', 'maxReplicas', 'minReplicas', 'model', 'securityContext', 'setHostnameAsFQDN', 'terminationGracePeriodSeconds',
    ]);
    expect(o.spec.predictor.labels).toEqual({ 'app.kubernetes.io/component': expect.stringMatching(/^demo-llm-predictor-/), 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/name': 'demo' });
    expect([o.spec.predictor.minReplicas, o.spec.predictor.maxReplicas]).toEqual([1, 1]);
    // The checks see the pod KServe runs: the claim mounted read-only at /mnt/models, and the runtime's containers.
    const pods = podsOf(objects);
    expect(pods.map((p) => [p.owner, p.path, p.replicas])).toEqual([
      ['InferenceService ml/rel-demo-llm', 'spec.predictor', 1],
      ['ServingRuntime ml/rel-demo-vllm', 'spec', 0],
    ]);
    expect(pods[0].spec.volumes).toEqual([{ name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: 'rel-demo-models-claim' } }]);
    expect(pods[0].spec.containers[0].volumeMounts).toEqual([{ name: 'kserve-pvc-source', mountPath: '/mnt/models', subPath: 'llama-3.1-8b', readOnly: true }]);
    expect(isvc.podSets.map((s) => [s.name, s.count])).toEqual([['predictor', 1]]);
    expect(synthesizeChart(chart).uses).toEqual(['efs', 'operator:kserve']);
  });

  test('the reference lint sees the model cache claim: reported when missing, not when present', () => {
    const chart = demoChart();
    new InferenceService(chart, 'llm', {
      predictor: { model: { format: 'huggingface', runtime: vllm(chart), container: { securityContext: restricted, resources } }, source: ModelSource.fromClaim(modelCache(chart), 'llama-3.1-8b'), pod: restrictedPod },
    });
    const objects = render(chart);
    expect(checkReferences({ dev: objects }, external)).toEqual([]);
    expect(checkReferences({ dev: objects.filter((o) => o.kind !== 'PersistentVolumeClaim') }, external)).toEqual([
      'dev: InferenceService ml/rel-demo-llm spec.predictor.volumes[kserve-pvc-source].persistentVolumeClaim.claimName: PersistentVolumeClaim ml/rel-demo-models-claim does not exist in dev: no release of dev makes it, and environments/dev/environment.ts does not declare it external; if it exists outside strata, declare it there: external: { persistentVolumeClaims: [{ namespace: \'ml\', name: \'rel-demo-models-claim\' }] }',
    ]);
  });

  test('custom: a custom predictor told its model in STORAGE_URI, tier mounts and scaling on the inlined pod, a transformer', () => {
    const chart = demoChart();
    const isvc = new InferenceService(chart, 'embed', {
      predictor: { source: ModelSource.fromClaim(modelCache(chart), 'bge-m3'), minReplicas: 2, maxReplicas: 6, scaleMetric: 'cpu', scaleTarget: 70, pod: restrictedPod },
      transformer: { minReplicas: 2, pod: restrictedPod },
    });
    const server = isvc.predictor.addContainer(container('kserve-container', 'ghcr.io/huggingface/text-embeddings-inference:1.8'));
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(50) }).mount(server, '/tmp', { pod: isvc.predictor });
    isvc.transformer!.addContainer(container('kserve-container', 'registry.example.com/tokenizer:1.0'));
    const objects = render(chart);
    const o = objects.find((x) => x.kind === 'InferenceService')!;
    expect(validateObjects([o as KubeObject])).toEqual([]);
    expect(o.spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleMetric: 'cpu', scaleTarget: 70 });
    expect(o.spec.predictor.model).toBeUndefined();
    expect(o.spec.predictor.containers.map((c: any) => [c.name, c.env, c.resources.requests['ephemeral-storage']])).toEqual([
      ['kserve-container', [{ name: 'STORAGE_URI', value: 'pvc://rel-demo-models-claim/bge-m3' }], '50Gi'],
    ]);
    expect(o.spec.predictor.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '51200Mi' } }]);
    expect(o.spec.transformer).toMatchObject({ minReplicas: 2, maxReplicas: 2, containers: [{ name: 'kserve-container', image: 'registry.example.com/tokenizer:1.0' }] });
    expect(podsOf(objects).map((p) => [p.path, p.replicas, (p.spec.volumes ?? []).map((v: any) => v.name)])).toEqual([
      ['spec.predictor', 2, ['scratch', 'kserve-pvc-source']],
      ['spec.transformer', 2, []],
    ]);
    expect(isvc.podSets.map((s) => [s.name, s.count])).toEqual([['predictor', 2], ['transformer', 2]]);
  });

  test('a ClusterServingRuntime by name; a model downloaded from S3 by a named ClusterStorageContainer; Knative is possible, with a warning', () => {
    const chart = demoChart();
    new InferenceService(chart, 'iris', {
      deploymentMode: KServeDeploymentMode.KNATIVE,
      predictor: {
        model: { format: { name: 'sklearn', version: '1' }, runtime: ClusterServingRuntime.fromName('kserve-sklearnserver'), protocolVersion: 'v2', container: { securityContext: restricted, resources } },
        source: ModelSource.fromUri('s3://models/iris/v1'),
        storageContainerName: 'restricted-s3',
        minReplicas: 0,
        maxReplicas: 3,
        pod: restrictedPod,
      },
    });
    const [o] = render(chart);
    expect(validateObjects([o as KubeObject])).toEqual([]);
    expect(o.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
    expect(o.spec.predictor).toMatchObject({
      model: { modelFormat: { name: 'sklearn', version: '1' }, runtime: 'kserve-sklearnserver', protocolVersion: 'v2', storageUri: 's3://models/iris/v1' },
      storageContainerName: 'restricted-s3',
      minReplicas: 0,
      maxReplicas: 3,
    });
    expect(synthesizeChart(chart).warnings).toEqual([
      '[demo/iris] deploymentMode Knative needs Knative Serving installed (strata installs none), and a claim source needs its kubernetes.podspec-persistent-volume-claim feature flag (https://knative.dev/docs/serving/services/storage/); Standard needs neither',
    ]);
    // The downloaded model is an emptyDir KServe fills; its init container's security context is the ClusterStorageContainer's.
    expect(podsOf([o]).map((p) => [p.replicas, p.spec.volumes])).toEqual([[0, [{ name: 'kserve-provision-location', emptyDir: {} }]]]);
  });

  test('an S3 claim with a path warns (a subPath of an S3 prefix vanishes with its last object)', () => {
    const chart = demoChart();
    const s3 = new S3Mountpoint(chart, 'weights', { bucketName: 'models', region: 'us-west-2' });
    new InferenceService(chart, 'llm', { predictor: { model: { format: 'huggingface', runtime: ClusterServingRuntime.fromName('kserve-vllm'), container: { securityContext: restricted, resources } }, source: ModelSource.fromClaim(s3, 'llama'), pod: restrictedPod } });
    expect(synthesizeChart(chart).warnings).toContain(
      '[demo/llm] \'source.path\' ("llama") must be unset for an S3 claim (a claim of the prefix itself); KServe mounts the path as a subPath; an S3 "directory" vanishes when its last object is deleted and the mount breaks (awslabs/mountpoint-s3-csi-driver@v2.7.0:docs/TROUBLESHOOTING.md#L43-L92); mount the prefix with its own S3Mountpoint',
    );
  });

  test('throws: a format the runtime does not serve, a download without a restricted storage-initializer, oci://, replicas and scaling out of range', () => {
    const chart = demoChart();
    const runtime = vllm(chart);
    const model = (format: string) => ({ format, runtime, container: { securityContext: restricted, resources } });
    new InferenceService(chart, 'a', { predictor: { model: model('sklearn'), source: ModelSource.fromUri('s3://models/iris') } });
    new InferenceService(chart, 'b', { predictor: { model: model('huggingface'), source: ModelSource.fromUri('oci://registry/model:1') } });
    new InferenceService(chart, 'c', { predictor: { model: model('huggingface'), minReplicas: 0, maxReplicas: 4, scaleTarget: 150 } });
    new InferenceService(chart, 'd', { predictor: { model: model('huggingface'), minReplicas: 3, maxReplicas: 2, scaleMetric: 'rps' as never, storageContainerName: 'x' } });
    new InferenceService(chart, 'e', { predictor: { model: model('huggingface'), source: ModelSource.fromUri('ftp://models/x') } });
    expect(errorsOf(chart)).toEqual([
      `[demo/a] 'predictor.model.format' ("sklearn") must be a format ServingRuntime demo/vllm serves (huggingface); KServe refuses a runtime that does not support the format ("Specified runtime does not support specified framework/version"); add it to the runtime's supportedModelFormats`,
      `[demo/a] 'predictor.storageContainerName' (not set) must be the name of a ClusterStorageContainer with a Pod Security "restricted" securityContext for source "s3://models/iris"; KServe v0.20.0 downloads it with a storage-initializer init container from the ClusterStorageContainer 'default', which sets no securityContext (config/storagecontainers/default.yaml), so a namespace enforcing restricted refuses the pods; install a ClusterStorageContainer whose container sets allowPrivilegeEscalation: false, capabilities.drop [ALL], runAsNonRoot: true and seccompProfile RuntimeDefault and name it here, or serve from a claim (ModelSource.fromClaim), which needs no init container`,
      `[demo/b] 'source' ("oci://registry/model:1") must be a claim or a URI the storage-initializer downloads; KServe runs an oci:// model as a "modelcar" sidecar, which strata does not model; copy the model to a claim (ModelSource.fromClaim) instead`,
      `[demo/c] 'predictor.minReplicas' (0) must be a whole number between 1 and 10000; Standard mode never scales to zero (KServe's HPA keeps at least 1)`,
      `[demo/c] 'predictor.scaleTarget' (150) must be a whole number between 1 and 100; a CPU utilization percent`,
      `[demo/d] 'predictor.maxReplicas' (2) must be at least minReplicas (3); raise maxReplicas or lower minReplicas`,
      `[demo/d] 'predictor.scaleMetric' ("rps") must be one of cpu, memory; the HPA of Standard mode scales on cpu or memory`,
      `[demo/d] 'predictor.storageContainerName' ("x") must be unset without a source; it names the downloader of a source: give source or drop it`,
      `[demo/e] 'source' ("ftp://models/x") must be a URI KServe supports (pvc://, s3://, gs://, hf://, https://, http://, hdfs://, webhdfs://, file://); e.g. "s3://models/llama-3.1-8b" or ModelSource.fromClaim(cache, "llama-3.1-8b")`,
    ]);
  });

  test('throws: a custom predictor without kserve-container first, a renamed transformer, a restart policy, pod fields KServe does not take, a second kserve-container', () => {
    const chart = demoChart();
    const f = new InferenceService(chart, 'f', { predictor: { pod: { restartPolicy: plus.RestartPolicy.ON_FAILURE } }, transformer: {} });
    f.predictor.addContainer(container('server', 'srv:1'));
    f.transformer!.addContainer(container('tok', 'tok:1'));
    // The escape hatch reaches the template, and what KServe's CRD has no field for is refused, not dropped.
    f.predictor.apiObject.addJsonPatch(JsonPatch.add('/spec/ephemeralContainers', [{ name: 'debug', image: 'busybox' }]));
    const g = new InferenceService(chart, 'g', { predictor: { model: { format: 'x', runtime: undefined as never }, source: ModelSource.fromUri('pvc://Bad_Name/x'), storageContainerName: 'y' } });
    g.predictor.addContainer(container('kserve-container', 'dup:1'));
    new InferenceService(chart, 'h', { predictor: { model: { format: 'huggingface', runtime: ClusterServingRuntime.fromName('vllm') }, source: ModelSource.fromClaim(modelCache(chart), '../x'), storageContainerName: 'z' } });
    expect(errorsOf(chart)).toEqual([
      '[demo/f] predictor has no model and its first container is "server": a custom predictor serves from a first container named "kserve-container" (KServe renames a lone container to it at every admission, and mounts the model only there); add it with predictor.addContainer({ name: "kserve-container", … }), or give model',
      '[demo/f] transformer\'s first container must be named "kserve-container" ("tok"): KServe renames it so at every admission (pkg/apis/serving/v1beta1/transformer_custom.go Default)',
      '[demo/f] predictor: \'restartPolicy\' ("OnFailure") must be Always: KServe runs the pods in a Deployment (or a Knative revision)',
      "[demo/f] predictor: an InferenceService component's inlined pod spec takes only activeDeadlineSeconds, affinity, automountServiceAccountToken, containers, dnsConfig, dnsPolicy, enableServiceLinks, hostAliases, hostIPC, hostNetwork, hostPID, hostUsers, hostname, hostnameOverride, imagePullSecrets, initContainers, nodeName, nodeSelector, os, overhead, preemptionPolicy, priority, priorityClassName, readinessGates, resourceClaims, resources, restartPolicy, runtimeClassName, schedulerName, schedulingGates, securityContext, serviceAccount, serviceAccountName, setHostnameAsFQDN, shareProcessNamespace, subdomain, terminationGracePeriodSeconds, tolerations, topologySpreadConstraints, volumes: 'ephemeralContainers' ([{\"image\":\"busybox\",\"name\":\"debug\"}]) cannot be set there; set it in a pod of its own (ephemeral containers are added to running pods with kubectl debug, not declared)",
      "[demo/g] 'predictor.model.runtime' (not set) must be a ServingRuntime or ClusterServingRuntime.fromName(…); name the runtime: without one KServe picks the first runtime that auto-selects the format",
      `[demo/g] 'source' ("pvc://Bad_Name/x") must be pvc://<claim>[/<path>] with a claim name; e.g. "pvc://models/llama-3.1-8b"`,
      '[demo/g] predictor has a container named "kserve-container" besides the model\'s; rename it (other containers run next to the model server)',
      `[demo/h] 'source.path' ("../x") must be a relative path without ".."; name a directory inside the claim, e.g. "llama-3.1-8b"`,
      `[demo/h] 'predictor.storageContainerName' ("z") must be unset for a claim source; KServe mounts a claim and injects no storage-initializer; drop it`,
    ]);
  });
});

describe('the surfaces, against the upstream CRDs (kserve/kserve@v0.20.0)', () => {
  test('spec.predictor takes 40 of the 42 pod fields: ephemeralContainers and schedulingGroup are unknown there', () => {
    const kind = crdKindOf('serving.kserve.io/v1beta1', 'InferenceService')!;
    const schema = crdSchema(kind);
    const predictor = schema.properties.spec.properties.predictor.properties;
    expect(INFERENCE_SERVICE_POD_FIELDS).toHaveLength(40);
    expect(INFERENCE_SERVICE_POD_FIELDS.filter((f) => !(f in predictor))).toEqual([]);
    const o = {
      apiVersion: kind.apiVersion,
      kind: 'InferenceService',
      metadata: { name: 'x' },
      spec: { predictor: { containers: [{ name: 'kserve-container', image: 'i' }], ephemeralContainers: [{ name: 'debug', image: 'busybox' }], schedulingGroup: {} } },
    };
    expect(schemaErrors(schema, o)).toEqual(["/spec/predictor: unknown field 'ephemeralContainers'", "/spec/predictor: unknown field 'schedulingGroup'"]);
  });

  test("a ServingRuntime's spec takes the 8 pod fields of the surface, and no pod securityContext", () => {
    const spec = crdSchema(crdKindOf('serving.kserve.io/v1alpha1', 'ServingRuntime')!).properties.spec.properties;
    expect(SERVING_RUNTIME_POD_FIELDS.filter((f) => !(f in spec))).toEqual([]);
    expect(['securityContext', 'serviceAccountName', 'initContainers', 'hostNetwork'].filter((f) => f in spec)).toEqual([]);
  });
});

describe('ServingRuntime', () => {
  test('a restricted pod surface: containers in full, the fields it takes; labels and annotations for the pods of every InferenceService naming it', () => {
    const chart = demoChart();
    const rt = new ServingRuntime(chart, 'vllm', { supportedModelFormats: [{ name: 'huggingface', autoSelect: false, priority: 2 }] });
    rt.pod.metadata.addLabel('runtime', 'vllm');
    rt.pod.metadata.addAnnotation('prometheus.io/scrape', 'true');
    const c = rt.pod.addContainer({ ...container('kserve-container', 'vllm/vllm-openai:v0.11.0'), args: ['--model', '/mnt/models'] });
    c.mount('/dev/shm', plus.Volume.fromEmptyDir(rt.pod, 'shm', 'shm', { medium: plus.EmptyDirMedium.MEMORY, sizeLimit: Size.gibibytes(16) }));
    rt.pod.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: plus.TaintEffect.NO_SCHEDULE })));
    const [o] = render(chart);
    expect(validateObjects([o as KubeObject])).toEqual([]);
    expect({ ...o.spec, containers: o.spec.containers.map((x: any) => x.name) }).toEqual({
      supportedModelFormats: [{ name: 'huggingface', autoSelect: false, priority: 2 }],
      containers: ['kserve-container'],
      volumes: [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '16384Mi' } }],
      tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }],
      labels: { runtime: 'vllm' },
      annotations: { 'prometheus.io/scrape': 'true' },
    });
    expect(podsOf([o]).map((p) => [p.path, p.replicas])).toEqual([['spec', 0]]);
    expect(rt.podSets).toEqual([]);
  });

  test('throws: pod fields a runtime cannot take (with where to set them), no kserve-container, no format', () => {
    const chart = demoChart();
    const rt = new ServingRuntime(chart, 'rt', { supportedModelFormats: [], pod: { securityContext: { user: 1000 }, hostNetwork: true } });
    rt.pod.addContainer(container('server', 'srv:1'));
    new ServingRuntime(chart, 'empty', { supportedModelFormats: [{ name: 'x', priority: 0 }], protocolVersions: ['v3' as never] });
    expect(errorsOf(chart)).toEqual([
      `[demo/rt] 'supportedModelFormats' ([]) must be at least one model format; e.g. [{ name: "huggingface" }]`,
      '[demo/rt] has no container named "kserve-container" (server): KServe merges the model into that container only; name the server container "kserve-container"',
      "[demo/rt] a ServingRuntime's spec takes only containers, volumes, affinity, nodeSelector, tolerations, imagePullSecrets, schedulerName, hostIPC: 'hostNetwork' (true) cannot be set there; set it on the InferenceService's predictor pod (InferenceService `predictor`), which KServe merges with the runtime's",
      `[demo/rt] a ServingRuntime's spec takes only containers, volumes, affinity, nodeSelector, tolerations, imagePullSecrets, schedulerName, hostIPC: 'securityContext' ({"fsGroupChangePolicy":"Always","runAsNonRoot":true,"runAsUser":1000}) cannot be set there; set it on the InferenceService's predictor pod (InferenceService \`predictor\`), which KServe merges with the runtime's`,
      `[demo/empty] 'supportedModelFormats.x.priority' (0) must be a whole number of at least 1; among auto-selected runtimes the higher wins`,
      `[demo/empty] 'protocolVersions' ("v3") must be one of v1, v2, grpc-v1, grpc-v2`,
      '[demo/empty] has no container; add the server with pod.addContainer({ name: "kserve-container", … })',
    ]);
  });
});
