import { Duration, Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Efs, PodSecurityLevel } from '@strata/storage';
import { LABEL_VALUE, Manifest, Tokens } from '@strata/tokens';
import { WorkloadChart } from '@strata/helm';
import {
  ClusterTrainingRuntime,
  InferenceService,
  JobSet,
  KSERVE_DEPLOYMENT_MODE_ANNOTATION,
  LeaderWorkerSet,
  ModelSource,
  NIMCache,
  NimModelStore,
  NIMService,
  PodTemplate,
  PodTemplateProps,
  PyTorchJob,
  RayCluster,
  RayJob,
  RayService,
  ServingRuntime,
  SPARK_DRIVER_CONTAINER,
  SPARK_EXECUTOR_CONTAINER,
  SPARK_UID,
  SparkApplication,
  TrainJob,
  WorkloadMetadata,
} from '../src';
import { demoChart, errorsOf, render } from './testing';

const SECURITY: plus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: 1000,
  group: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [plus.Capability.ALL] },
  seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT },
};
const RESOURCES: plus.ContainerResources = { cpu: { request: plus.Cpu.units(2) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } };

function container(name: string, image = 'registry.example.com/app:1.0', more: Partial<plus.ContainerProps> = {}): plus.ContainerProps {
  return { name, image, imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: SECURITY, resources: RESOURCES, ...more };
}

/** A Ray pod's container with the /tmp Ray needs. */
function ray(t: PodTemplate, name: string): void {
  const c = t.addContainer(container(name, 'rayproject/ray:2.49.0'));
  c.mount('/tmp', plus.Volume.fromEmptyDir(t, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
}

/** What a team gives an operator's object: a Kueue queue, and a note. */
const GIVEN: WorkloadMetadata = { labels: { 'kueue.x-k8s.io/queue-name': 'gpu-queue' }, annotations: { 'example.com/owner': 'ml-platform' } };

/** The standard labels the chart writes on every object of release "rel" of chart "demo". */
const CHART_LABELS = {
  'app.kubernetes.io/instance': 'rel',
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/name': 'demo',
  'app.kubernetes.io/version': '1.0.0',
  'helm.sh/chart': 'demo-0.1.0',
};
const RUN = { 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' };

/** Every operator's kind of strata, each given GIVEN, in one chart. */
function everyKind(chart: WorkloadChart, metadata: WorkloadMetadata = GIVEN): void {
  const rc = new RayCluster(chart, 'raycluster', { rayVersion: '2.49.0', metadata });
  ray(rc.head, 'ray-head');
  const rj = new RayJob(chart, 'rayjob', { rayVersion: '2.49.0', entrypoint: 'python /app/prep.py', metadata });
  ray(rj.head, 'ray-head');
  const rs = new RayService(chart, 'rayservice', { rayVersion: '2.49.0', serveConfig: 'applications: []\n', metadata });
  ray(rs.head, 'ray-head');
  new LeaderWorkerSet(chart, 'lws', { metadata }).worker.addContainer(container('server'));
  new JobSet(chart, 'jobset', { metadata }).addReplicatedJob('w').template.addContainer(container('w'));
  const pt = new PyTorchJob(chart, 'pytorchjob', { metadata });
  pt.master.addContainer(container('pytorch'));
  pt.worker.addContainer(container('pytorch'));
  const rt = new ClusterTrainingRuntime(chart, 'runtime', { metadata });
  rt.nodes.addContainer(container('node'));
  new TrainJob(chart, 'trainjob', { runtime: rt, metadata }).nodes.addContainer({ name: 'node', image: 'registry.example.com/train:1.0', resources: RESOURCES });
  const spark = new SparkApplication(chart, 'spark', {
    type: 'Python',
    sparkVersion: '4.0.4',
    image: 'docker.io/apache/spark:4.0.4',
    mainApplicationFile: 'local:///opt/app/etl.py',
    driver: { pod: { serviceAccount: plus.ServiceAccount.fromServiceAccountName(chart, 'spark-account', 'spark-operator-spark') } },
    metadata,
  });
  for (const [t, name] of [[spark.driver, SPARK_DRIVER_CONTAINER], [spark.executor, SPARK_EXECUTOR_CONTAINER]] as const) {
    t.addContainer({ name, image: 'docker.io/apache/spark:4.0.4', securityContext: { ...SECURITY, user: SPARK_UID, group: SPARK_UID }, resources: {} });
  }
  const runtime = new ServingRuntime(chart, 'vllm', { supportedModelFormats: [{ name: 'huggingface' }], metadata });
  runtime.pod.addContainer(container('kserve-container', 'vllm/vllm-openai:v0.11.0'));
  const models = Efs.fromStorageClass(chart, 'models', { storageClass: { name: 'strata-efs' } });
  new InferenceService(chart, 'isvc', { predictor: { model: { format: 'huggingface', runtime, container: { securityContext: SECURITY, resources: RESOURCES } }, source: ModelSource.fromClaim(models, 'llama') }, metadata });
  const cache = new NIMCache(chart, 'nimcache', {
    source: { ngc: { authSecret: 'ngc-api', modelPuller: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.4', model: { profiles: ['p'] } } },
    storage: models,
    resources: { cpu: plus.Cpu.units(4), memory: Size.gibibytes(16) },
    nodeSelector: { 'karpenter.sh/nodepool': 'cpu' },
    namespacePodSecurity: PodSecurityLevel.BASELINE,
    metadata,
  });
  new NIMService(chart, 'nimservice', {
    image: { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: '1.8.4' },
    authSecret: 'ngc-api',
    storage: NimModelStore.fromCache(cache),
    resources: RESOURCES,
    gpus: 1,
    namespacePodSecurity: PodSecurityLevel.BASELINE,
    metadata,
  });
}

const metadataOf = (objects: readonly Manifest[]) =>
  Object.fromEntries(objects.filter((o) => !['PersistentVolumeClaim'].includes(o.kind)).map((o) => [o.kind, { labels: o.metadata.labels, annotations: o.metadata.annotations }]));

describe('metadata of the operators\' objects (WorkloadKindProps.metadata)', () => {
  test('every kind writes the labels and annotations given, merged with what strata writes on it', () => {
    const chart = demoChart();
    everyKind(chart);
    const labels = { ...CHART_LABELS, 'kueue.x-k8s.io/queue-name': 'gpu-queue' };
    const owner = { 'example.com/owner': 'ml-platform' };
    expect(metadataOf(render(chart))).toEqual({
      ClusterTrainingRuntime: { labels, annotations: owner },
      InferenceService: { labels, annotations: { ...owner, [KSERVE_DEPLOYMENT_MODE_ANNOTATION]: 'Standard' } },
      JobSet: { labels, annotations: { ...owner, ...RUN } },
      LeaderWorkerSet: { labels, annotations: owner },
      NIMCache: { labels, annotations: owner },
      NIMService: { labels, annotations: { ...owner, 'strata.dev/nim-cache-claim': 'rel-demo-models-claim' } },
      PyTorchJob: { labels, annotations: { ...owner, ...RUN } },
      RayCluster: { labels, annotations: owner },
      RayJob: { labels, annotations: { ...owner, ...RUN } },
      RayService: { labels, annotations: owner },
      ServingRuntime: { labels, annotations: owner },
      SparkApplication: { labels, annotations: { ...owner, ...RUN } },
      TrainJob: { labels, annotations: { ...owner, ...RUN } },
    });
  });

  test('a value strata writes, given the same, is merged; a label value may be a chart value', () => {
    // A chart whose values are decided at install (demoChart's are literal).
    const chart = new WorkloadChart(Testing.app(), 'demo', { name: 'demo', description: 'kinds under test' });
    const queue = chart.values.string('queue', { default: 'batch', description: 'The Kueue queue.' });
    const js = new JobSet(chart, 'prep', { metadata: { labels: { 'kueue.x-k8s.io/queue-name': queue }, annotations: RUN } });
    js.addReplicatedJob('w').template.addContainer(container('w'));
    const isvc = new InferenceService(chart, 'isvc', { predictor: { pod: {} }, metadata: { annotations: { [KSERVE_DEPLOYMENT_MODE_ANNOTATION]: 'Standard' } } });
    isvc.predictor.addContainer(container('kserve-container'));
    const objects = render(chart, { queue: 'gpu-queue' });
    expect(objects.map((o) => [o.kind, o.metadata.labels['kueue.x-k8s.io/queue-name'], o.metadata.annotations])).toEqual([
      ['InferenceService', undefined, { [KSERVE_DEPLOYMENT_MODE_ANNOTATION]: 'Standard' }],
      ['JobSet', 'gpu-queue', RUN],
    ]);
    // The label value rule goes into the values schema with the value.
    expect(Tokens.infoOf(queue)!.constraints).toEqual([{ constraint: { pattern: LABEL_VALUE, maxLength: 63 }, origin: "[demo/prep] metadata.labels.kueue.x-k8s.io/queue-name", accepted: expect.stringMatching(/^a label value: /) }]);
  });

  test('what strata writes itself, given with another value, is an error naming it and what sets it', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep', {
      metadata: { labels: { 'app.kubernetes.io/name': 'mine', 'app.kubernetes.io/instance': 'prod' }, annotations: { 'helm.toolkit.fluxcd.io/driftDetection': 'enabled' } },
    });
    js.addReplicatedJob('w').template.addContainer(container('w'));
    const isvc = new InferenceService(chart, 'isvc', { predictor: {}, metadata: { annotations: { [KSERVE_DEPLOYMENT_MODE_ANNOTATION]: 'Knative' } } });
    isvc.predictor.addContainer(container('kserve-container'));
    expect(errorsOf(chart)).toEqual([
      `[demo/isvc] 'metadata.annotations.serving.kserve.io/deploymentMode' ("Knative") must be unset or "Standard"; strata writes it: use deploymentMode`,
    ]);
    const chart2 = demoChart();
    const js2 = new JobSet(chart2, 'prep', {
      metadata: { labels: { 'app.kubernetes.io/name': 'mine', 'app.kubernetes.io/instance': 'prod' }, annotations: { 'helm.toolkit.fluxcd.io/driftDetection': 'enabled' } },
    });
    js2.addReplicatedJob('w').template.addContainer(container('w'));
    expect(errorsOf(chart2)).toEqual([
      `[demo/prep] 'metadata.labels.app.kubernetes.io/instance' ("prod") must be unset; the chart writes it on every object (Helm's standard labels of the release and chart)`,
      `[demo/prep] 'metadata.labels.app.kubernetes.io/name' ("mine") must be unset; the chart writes it on every object (Helm's standard labels of the release and chart)`,
      `[demo/prep] 'metadata.annotations.helm.toolkit.fluxcd.io/driftDetection' ("enabled") must be unset or "disabled"; the chart writes it on runs: drift correction must not re-create a finished run deleted by hand (it would run again)`,
    ]);
    void js;
  });

  test('keys and label values Kubernetes would refuse are errors, with the rule', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep', {
      metadata: {
        labels: { 'Example.com/queue': 'a', 'team name': 'x', queue: 'not a value!', ok: 'a'.repeat(64), 'example.com/': 'y' },
        annotations: { 'a/b/c': 'x', 'Example.COM/Note': 'fine: annotation keys are compared lowercased', big: 'x'.repeat(256 * 1024) },
      },
    });
    js.addReplicatedJob('w').template.addContainer(container('w'));
    const key =
      'a key as Kubernetes allows it: an optional DNS subdomain prefix (lowercase, at most 253 characters) and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
    const value = 'a label value: empty, or letters, digits, "-", "_" and "." starting and ending with a letter or digit and at most 63 characters';
    expect(errorsOf(chart)).toEqual([
      `[demo/prep] 'metadata.labels' ("Example.com/queue") must be ${key}; e.g. "kueue.x-k8s.io/queue-name" or "team"`,
      `[demo/prep] 'metadata.labels' ("team name") must be ${key}; e.g. "kueue.x-k8s.io/queue-name" or "team"`,
      `[demo/prep] 'metadata.labels.queue' ("not a value!") must be ${value}`,
      `[demo/prep] 'metadata.labels.ok' ("${'a'.repeat(64)}") must be ${value}`,
      `[demo/prep] 'metadata.labels' ("example.com/") must be ${key}; e.g. "kueue.x-k8s.io/queue-name" or "team"`,
      `[demo/prep] 'metadata.annotations' ("a/b/c") must be ${key}; e.g. "example.com/note"`,
      `[demo/prep] 'metadata.annotations' ("262208 bytes") must be at most 262144 bytes (256 KiB) of keys and values in all; the API server refuses larger annotations: keep large data in a ConfigMap`,
    ]);
  });
});

describe('a pod template\'s metadata prop (PodTemplateProps.metadata)', () => {
  test('reaches the template, with the component label strata writes', () => {
    const chart = demoChart();
    const lws = new LeaderWorkerSet(chart, 'serve', {
      leader: { metadata: { labels: { role: 'leader' }, annotations: { 'example.com/note': 'x' } } },
      worker: { metadata: { labels: { role: 'worker' } } },
    });
    lws.leader!.addContainer(container('leader'));
    lws.worker.addContainer(container('worker'));
    const t = render(chart)[0].spec.leaderWorkerTemplate;
    expect(t.leaderTemplate.metadata).toEqual({
      labels: { 'app.kubernetes.io/component': expect.stringMatching(/^demo-serve-leader-[0-9a-f]{8}$/), 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/name': 'demo', role: 'leader' },
      annotations: { 'example.com/note': 'x' },
    });
    expect(t.workerTemplate.metadata).toEqual({
      labels: { 'app.kubernetes.io/component': expect.stringMatching(/^demo-serve-worker-[0-9a-f]{8}$/), 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/name': 'demo', role: 'worker' },
    });
  });

  test("every other prop of cdk8s-plus's AbstractPodProps reaches the template", () => {
    const chart = demoChart();
    const account = plus.ServiceAccount.fromServiceAccountName(chart, 'account', 'trainer');
    const pull = plus.Secret.fromSecretName(chart, 'pull', 'registry-pull');
    const data = plus.Volume.fromEmptyDir(chart, 'data', 'data', { sizeLimit: Size.gibibytes(1) });
    const props: Required<Omit<PodTemplateProps, 'metadata'>> = {
      containers: [container('main')],
      initContainers: [container('init')],
      volumes: [data],
      restartPolicy: plus.RestartPolicy.ON_FAILURE,
      serviceAccount: account,
      securityContext: { ensureNonRoot: true, user: 1000, group: 1000, fsGroup: 1000, fsGroupChangePolicy: plus.FsGroupChangePolicy.ON_ROOT_MISMATCH, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['registry.internal'] }],
      dns: { hostname: 'trainer', subdomain: 'workers', policy: plus.DnsPolicy.NONE, hostnameAsFQDN: true, nameservers: ['10.0.0.2'], searches: ['ml.svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
      dockerRegistryAuth: pull,
      automountServiceAccountToken: true,
      hostNetwork: true,
      terminationGracePeriod: Duration.seconds(120),
    };
    new JobSet(chart, 'prep').addReplicatedJob('w', { pod: props });
    const spec = render(chart).find((o) => o.kind === 'JobSet')!.spec.replicatedJobs[0].template.spec.template.spec;
    expect({ ...spec, containers: spec.containers.map((c: any) => c.name), initContainers: spec.initContainers.map((c: any) => c.name) }).toEqual({
      containers: ['main'],
      initContainers: ['init'],
      volumes: [{ name: 'data', emptyDir: { sizeLimit: '1024Mi' } }],
      restartPolicy: 'OnFailure',
      serviceAccountName: 'trainer',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['registry.internal'] }],
      hostname: 'trainer',
      subdomain: 'workers',
      dnsPolicy: 'None',
      setHostnameAsFQDN: true,
      dnsConfig: { nameservers: ['10.0.0.2'], searches: ['ml.svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
      imagePullSecrets: [{ name: 'registry-pull' }],
      automountServiceAccountToken: true,
      hostNetwork: true,
      terminationGracePeriodSeconds: 120,
    });
  });

  test('what a template cannot take is refused, never dropped: other metadata, isolate, the labels strata writes', () => {
    const chart = demoChart();
    const js = new JobSet(chart, 'prep');
    const pod = {
      isolate: true,
      metadata: {
        name: 'mine',
        namespace: 'other',
        labels: { 'cdk8s.io/metadata.addr': 'x', 'app.kubernetes.io/component': 'mine', 'app.kubernetes.io/name': 'mine', 'bad key!': 'x' },
      },
    };
    js.addReplicatedJob('w', { pod: pod as never }).template.addContainer(container('w'));
    expect(errorsOf(chart)).toEqual([
      `[demo/prep/w] 'isolate' (true) must be unset on a pod template; cdk8s-plus isolates only its own Pods and workloads (a deny-all NetworkPolicy of theirs); add a plus.NetworkPolicy whose selector is this template`,
      `[demo/prep/w] 'metadata.name' ("mine") must be unset on a pod template; a template takes labels and annotations only: the kind that runs its pods names and places them`,
      `[demo/prep/w] 'metadata.namespace' ("other") must be unset on a pod template; a template takes labels and annotations only: the kind that runs its pods names and places them`,
      `[demo/prep/w] 'metadata.labels' ("bad key!") must be a key as Kubernetes allows it: an optional DNS subdomain prefix (lowercase, at most 253 characters) and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit; e.g. "kueue.x-k8s.io/queue-name" or "team"`,
      `[demo/prep/w] 'metadata.labels.cdk8s.io/metadata.addr' ("x") must be unset; strata writes it: it names the template's pods, which Services and spreads select by`,
    ]);
    // The labels the chart writes on every template: given by hand (here through the template's own metadata), an error too.
    const chart2 = demoChart();
    const t = new JobSet(chart2, 'prep').addReplicatedJob('w').template;
    t.addContainer(container('w'));
    t.metadata.addLabel('app.kubernetes.io/component', 'mine');
    t.metadata.addLabel('app.kubernetes.io/name', 'mine');
    expect(errorsOf(chart2)).toEqual([
      `[demo/prep] 'spec.replicatedJobs[0].template.spec.template.metadata.labels.app.kubernetes.io/component' ("mine") must be unset; strata writes it: the component label of the template's pods (cdk8s-plus's address label), which Services and spreads select by`,
      `[demo/prep] 'template metadata.labels.app.kubernetes.io/name' ("mine") must be unset; the chart writes it on every pod template: Services and spreads select the release's pods by it`,
    ]);
  });
});
