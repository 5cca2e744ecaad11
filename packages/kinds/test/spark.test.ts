import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { lifecycleFacts } from '@strata/checks';
import { crdKindOf, crdSchema, KubeObject, schemaErrors, validateObject } from '@strata/kube-schemas';
import { synthesizeChart } from '@strata/helm';
import { Efs, InstanceStore, INSTANCE_LOCAL_NVME_LABEL, PodScheduling } from '@strata/storage';
import { Manifest } from '@strata/tokens';
import { SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER, SPARK_UID, SparkApplication, SparkApplicationProps } from '../src';
import { demoChart, errorsOf, podsOf, render } from './testing';

const IMAGE = 'docker.io/apache/spark:4.0.4';

/** A Spark container that Pod Security "restricted" admits, running as the Spark images' user; its CPU and memory are Spark's. */
function spark(name: string, image = IMAGE): plus.ContainerProps {
  return {
    name,
    image,
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: { ensureNonRoot: true, user: SPARK_UID, group: SPARK_UID, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } },
    resources: {},
  };
}

/** The service account the Spark operator's chart makes in each job namespace. */
function operatorAccount(scope: Construct): plus.IServiceAccount {
  return plus.ServiceAccount.fromServiceAccountName(scope, 'spark-account', 'spark-operator-spark');
}

const PI: SparkApplicationProps = { type: 'Scala', sparkVersion: '4.0.4', image: IMAGE, mainApplicationFile: 'local:///opt/spark/examples/jars/spark-examples.jar', mainClass: 'org.apache.spark.examples.SparkPi' };

/** An application with its two Spark containers (and the driver's account), as most tests want it. */
function sparkApp(scope: Construct, id: string, props: Partial<SparkApplicationProps> = {}): SparkApplication {
  const app = new SparkApplication(scope, id, { ...PI, ...props, driver: { ...props.driver, pod: { serviceAccount: operatorAccount(scope), ...props.driver?.pod } } } as SparkApplicationProps);
  app.driver.addContainer(spark(SPARK_DRIVER_CONTAINER));
  app.executor.addContainer(spark(SPARK_EXECUTOR_CONTAINER));
  return app;
}

const sparkOf = (o: Manifest) => o as Manifest & { spec: { [key: string]: any } };

/**
 * The templates are schemaless in the SparkApplication CRD (`x-kubernetes-preserve-unknown-fields`),
 * so the API server checks nothing there; Spark decodes them as core/v1 pod templates. They are held
 * here to the core/v1 PodTemplateSpec schema as an upstream CRD carries it (JobSet's replicated Job
 * template, kubernetes-sigs/jobset@v0.12.0), under strict field validation.
 */
function templateProblems(template: unknown): string[] {
  const jobset = crdSchema(crdKindOf('jobset.x-k8s.io/v1alpha2', 'JobSet')!);
  const podTemplateSpec = jobset.properties.spec.properties.replicatedJobs.items.properties.template.properties.spec.properties.template;
  return schemaErrors(podTemplateSpec, template);
}

describe('SparkApplication', () => {
  test('defaults: one driver and one executor, cluster mode, Never restarted; named by its content with no TTL', () => {
    const chart = demoChart();
    const app = sparkApp(chart, 'pi');
    const [o] = render(chart);
    expect(o.metadata.name).toMatch(/^rel-demo-pi-[0-9a-f]{8}$/);
    expect(o.metadata.annotations).toEqual({ 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' });
    const { driver, executor, ...rest } = sparkOf(o).spec;
    expect(rest).toEqual({
      type: 'Scala',
      mode: 'cluster',
      sparkVersion: '4.0.4',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      mainApplicationFile: 'local:///opt/spark/examples/jars/spark-examples.jar',
      mainClass: 'org.apache.spark.examples.SparkPi',
      restartPolicy: { type: 'Never' },
    });
    expect({ ...driver, template: undefined }).toEqual({ cores: 1, memory: '1g', serviceAccount: 'spark-operator-spark', template: undefined });
    expect({ ...executor, template: undefined }).toEqual({ cores: 1, memory: '1g', instances: 1, template: undefined });
    // The Spark container leaves its image, pull policy, CPU and memory to the typed fields: Spark sets them over any template.
    expect(driver.template.spec.containers[0]).toEqual({
      name: 'spark-kubernetes-driver',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 185, runAsNonRoot: true, runAsUser: 185, seccompProfile: { type: 'RuntimeDefault' } },
    });
    // The pods run as the Spark images' user; the driver has its token (it creates the executors), the executors none.
    expect(driver.template.spec).toMatchObject({ securityContext: { runAsUser: 185, runAsGroup: 185, runAsNonRoot: true }, restartPolicy: 'Never', automountServiceAccountToken: true, serviceAccountName: 'spark-operator-spark' });
    expect(executor.template.spec).toMatchObject({ securityContext: { runAsUser: 185, runAsGroup: 185, runAsNonRoot: true }, restartPolicy: 'Never', automountServiceAccountToken: false });
    // The chart's selector labels reach both templates.
    expect(executor.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/name': 'demo' });
    // Restricted pods with requests, found where the checks look: Spark's CPU and 1 GiB + 384 MiB.
    const pods = podsOf([o]);
    expect(pods.map((p) => [p.path, p.replicas, p.spec.containers[0].resources])).toEqual([
      ['spec.driver.template.spec', 1, { requests: { cpu: '1', memory: '1408Mi' }, limits: { memory: '1408Mi' } }],
      ['spec.executor.template.spec', 1, { requests: { cpu: '1', memory: '1408Mi' }, limits: { memory: '1408Mi' } }],
    ]);
    expect(app.podSets.map((s) => [s.name, s.count, s.container, s.rank])).toEqual([
      ['driver', 1, 'spark-kubernetes-driver', undefined],
      ['executor', 1, 'spark-kubernetes-executor', undefined],
    ]);
    expect(synthesizeChart(chart).uses).toContain('operator:spark-operator');
    expect(lifecycleFacts([o]).jobs).toEqual([{ owner: `SparkApplication ml/${o.metadata.name}`, kind: 'SparkApplication', name: o.metadata.name, driftExcluded: true, contentNamed: true }]);
    // render() held the object to the upstream CRD (strict field validation); the templates, schemaless there, are held to a pod template's schema.
    expect(validateObject({ ...o, spec: { ...o.spec, timeToLive: 60 } } as KubeObject)).toEqual([`SparkApplication/${o.metadata.name}: /spec: unknown field 'timeToLive'`]);
    expect([templateProblems(driver.template), templateProblems(executor.template)]).toEqual([[], []]);
    expect(templateProblems({ ...executor.template, spec: { ...executor.template.spec, volume: [] } })).toEqual(["/spec: unknown field 'volume'"]);
  });

  test('custom: Python with dynamic allocation, retries, Spark and Hadoop properties, resources, an executor image and account of its own', () => {
    const chart = demoChart();
    const app = new SparkApplication(chart, 'etl', {
      type: 'Python',
      sparkVersion: '3.5.5',
      image: 'registry.example.com/etl:1.0',
      mainApplicationFile: 'local:///opt/app/etl.py',
      arguments: ['--date', '2026-01-01'],
      sparkConf: { 'spark.sql.shuffle.partitions': '400', 'spark.dynamicAllocation.executorIdleTimeout': '120s' },
      hadoopConf: { 'fs.s3a.aws.credentials.provider': 'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider' },
      driver: { cores: 2, coreRequest: '1500m', coreLimit: '2', memory: '4g', memoryOverhead: '1g', pod: { serviceAccount: operatorAccount(chart) }, spec: { javaOptions: '-XX:+UseG1GC' } },
      executor: { cores: 4, memory: '16g', pod: { serviceAccount: plus.ServiceAccount.fromServiceAccountName(chart, 'exec-account', 'etl-executor') }, spec: { deleteOnTermination: false } },
      spec: { deps: { packages: ['org.apache.hadoop:hadoop-aws:3.4.1'] }, sparkUiOptions: { serviceType: 'ClusterIP' as never } },
      dynamicAllocation: { minExecutors: 2, initialExecutors: 4, maxExecutors: 20, shuffleTrackingTimeout: Duration.minutes(10) },
      restartPolicy: { type: 'OnFailure', retries: 2, retryInterval: Duration.minutes(1), submissionRetryInterval: Duration.seconds(30) },
    });
    app.driver.addContainer(spark(SPARK_DRIVER_CONTAINER, 'registry.example.com/etl:1.0'));
    app.executor.addContainer(spark(SPARK_EXECUTOR_CONTAINER, 'registry.example.com/etl-gpu:1.0'));
    const [o] = render(chart);
    const { driver, executor, ...rest } = sparkOf(o).spec;
    expect(rest).toEqual({
      type: 'Python',
      mode: 'cluster',
      sparkVersion: '3.5.5',
      image: 'registry.example.com/etl:1.0',
      imagePullPolicy: 'IfNotPresent',
      mainApplicationFile: 'local:///opt/app/etl.py',
      arguments: ['--date', '2026-01-01'],
      sparkConf: { 'spark.sql.shuffle.partitions': '400', 'spark.dynamicAllocation.executorIdleTimeout': '120s' },
      hadoopConf: { 'fs.s3a.aws.credentials.provider': 'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider' },
      restartPolicy: { type: 'OnFailure', onFailureRetries: 2, onFailureRetryInterval: 60, onSubmissionFailureRetries: 2, onSubmissionFailureRetryInterval: 30 },
      dynamicAllocation: { enabled: true, initialExecutors: 4, minExecutors: 2, maxExecutors: 20, shuffleTrackingEnabled: true, shuffleTrackingTimeout: 600000 },
      deps: { packages: ['org.apache.hadoop:hadoop-aws:3.4.1'] },
      sparkUIOptions: { serviceType: 'ClusterIP' },
    });
    expect({ ...driver, template: undefined }).toEqual({ cores: 2, coreRequest: '1500m', coreLimit: '2', memory: '4g', memoryOverhead: '1g', serviceAccount: 'spark-operator-spark', javaOptions: '-XX:+UseG1GC', template: undefined });
    expect({ ...executor, template: undefined }).toEqual({ cores: 4, memory: '16g', image: 'registry.example.com/etl-gpu:1.0', serviceAccount: 'etl-executor', deleteOnTermination: false, template: undefined });
    // Executors at most 20 at once; Python's overhead is 40 % of the heap.
    const pods = podsOf([o]);
    expect(pods.map((p) => [p.replicas, p.spec.containers[0].image, p.spec.containers[0].resources, p.spec.serviceAccountName])).toEqual([
      [1, 'registry.example.com/etl:1.0', { requests: { cpu: '1500m', memory: '5120Mi' }, limits: { cpu: '2', memory: '5120Mi' } }, 'spark-operator-spark'],
      [20, 'registry.example.com/etl-gpu:1.0', { requests: { cpu: '4', memory: '22937Mi' }, limits: { memory: '22937Mi' } }, 'etl-executor'],
    ]);
    expect(app.podSets.map((s) => [s.name, s.count])).toEqual([
      ['driver', 1],
      ['executor', 20],
    ]);
  });

  test('a Spark job on NVMe scratch: an InstanceStore in the Spark container is a spark-local-dir, with its size, request and node affinity', () => {
    const chart = demoChart();
    const app = sparkApp(chart, 'etl', { executor: { instances: 8, cores: 4, memory: '16g' } });
    const [driverC] = app.driver.containers;
    const [executorC] = app.executor.containers;
    const data = Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } });
    data.mount(driverC, '/data', { readOnly: true });
    data.mount(executorC, '/data', { readOnly: true });
    const nvme = plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['100']);
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(200), nodeAffinity: [nvme] }).mount(executorC, '/scratch', { pod: app.executor });
    const [o] = render(chart).filter((x) => x.kind === 'SparkApplication');
    const executor = sparkOf(o).spec.executor.template.spec;
    expect(executor.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'rel-demo-data-claim', readOnly: false } },
      { name: 'spark-local-dir-scratch', emptyDir: { sizeLimit: '204800Mi' } },
    ]);
    expect(executor.containers[0].volumeMounts).toEqual([
      { name: 'data', mountPath: '/data', readOnly: true },
      { name: 'spark-local-dir-scratch', mountPath: '/scratch' },
    ]);
    // Spark keeps the template's resources other than CPU and memory: the scheduler places executors by free NVMe.
    expect(executor.containers[0].resources).toEqual({ requests: { 'ephemeral-storage': '200Gi' } });
    expect(executor.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['100'] }] },
    ]);
    // The driver keeps Spark's own scratch; it mounts no instance store.
    expect(sparkOf(o).spec.driver.template.spec.volumes.map((v: any) => v.name)).toEqual(['data']);
    const pods = podsOf([o]);
    expect(pods[1].spec.containers[0].resources.requests).toEqual({ 'ephemeral-storage': '200Gi', cpu: '4', memory: '18022Mi' });
  });

  test('round trip: the checks\' view of each rendered pod has the template\'s volumes, mounts and scheduling', () => {
    const chart = demoChart();
    const app = sparkApp(chart, 'etl');
    const data = Efs.fromStorageClass(chart, 'data', { storageClass: { name: 'strata-efs' } });
    for (const t of [app.driver, app.executor]) {
      data.mount(t.containers[0], '/data', { readOnly: true });
      t.containers[0].mount('/tmp', plus.Volume.fromEmptyDir(t, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
      PodScheduling.of(t).require({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2a'], origin: '[test] the zone of the data' });
    }
    app.executor.scheduling.tolerate(plus.Node.tainted(plus.NodeTaintQuery.is('spot', 'true', { effect: plus.TaintEffect.NO_SCHEDULE })));
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(100) }).mount(app.executor.containers[0], '/scratch', { pod: app.executor });
    const [o] = render(chart).filter((x) => x.kind === 'SparkApplication');
    const views = podsOf([o]);
    for (const [i, role, t] of [[0, 'driver', app.driver], [1, 'executor', app.executor]] as const) {
      const rendered = sparkOf(o).spec[role].template.spec;
      const view = views[i].spec;
      expect(view.volumes).toEqual(rendered.volumes);
      expect(view.containers.map((c: any) => c.volumeMounts)).toEqual(rendered.containers.map((c: any) => c.volumeMounts));
      expect([view.affinity, view.tolerations, view.nodeSelector, view.securityContext]).toEqual([rendered.affinity, rendered.tolerations, rendered.nodeSelector, rendered.securityContext]);
      expect(view.containers[0].securityContext).toEqual(rendered.containers[0].securityContext);
      // And the rendered template is the PodTemplate's pod: the only renaming is an instance store in the Spark container, a Spark local dir.
      const own = t.toTemplate().spec;
      const local = (n: string) => (n === 'scratch' ? 'spark-local-dir-scratch' : n);
      expect(rendered.volumes.map((v: any) => v.name)).toEqual(own.volumes.map((v: any) => local(v.name)));
      expect(rendered.containers[0].volumeMounts).toEqual(own.containers[0].volumeMounts.map((m: any) => ({ ...m, name: local(m.name) })));
      expect([rendered.affinity, rendered.tolerations]).toEqual([own.affinity, own.tolerations]);
    }
    expect(views[0].spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-west-2a'] }] },
    ]);
    expect(views[1].spec.tolerations).toEqual([{ key: 'spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  });

  test('whole output', () => {
    const chart = demoChart();
    const app = sparkApp(chart, 'etl', {
      type: 'Python',
      mainClass: undefined,
      mainApplicationFile: 's3a://etl-code/jobs/etl.py',
      executor: { instances: 4, cores: 4, memory: '8g' },
      sparkConf: { 'spark.sql.shuffle.partitions': '200' },
      restartPolicy: { type: 'OnFailure', retries: 1 },
    });
    for (const t of [app.driver, app.executor]) t.containers[0].mount('/tmp', plus.Volume.fromEmptyDir(t, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(200) }).mount(app.executor.containers[0], '/var/data/spark', { pod: app.executor });
    const objects = render(chart);
    podsOf(objects);
    expect([templateProblems(objects[0].spec.driver.template), templateProblems(objects[0].spec.executor.template)]).toEqual([[], []]);
    expect(objects).toMatchSnapshot();
  });

  test('throws: what the operator or Spark would refuse or replace, each with where to set it instead', () => {
    const chart = demoChart();
    sparkApp(chart, 'etl', {
      type: 'Python',
      sparkVersion: '2.4.8',
      mainClass: 'com.example.Main',
      spec: { timeToLiveSeconds: 3600, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
      mode: 'client' as 'cluster',
      sparkConf: { 'spark.executor.memory': '8g', 'spark.kubernetes.executor.volumes.persistentVolumeClaim.data.mount.path': '/data', 'spark.kubernetes.namespace': 'other', 'spark.sql.adaptive.enabled': 'true' },
      driver: { cores: 0.5, memory: '1.5g', spec: { podSecurityContext: { runAsUser: 185 }, memory: '2g' } },
      executor: { instances: 4, coreLimit: '2 cores', spec: { tolerations: [{ key: 'spot', operator: 'Exists' }] } },
      dynamicAllocation: { minExecutors: 10, maxExecutors: 5 },
      restartPolicy: { type: 'Always' } as never,
    });
    expect(errorsOf(chart)).toEqual([
      `[demo/etl] 'mode' ("client") must be one of cluster; the driver runs in a pod of its own; client mode would run it in the operator`,
      `[demo/etl] 'sparkVersion' ("2.4.8") must be a Spark release of 3.0.0 or later, such as "4.0.4"; pod templates need Spark 3.0.0 (the operator refuses them below)`,
      `[demo/etl] 'mainClass' ("com.example.Main") must be unset for a Python application; only Java and Scala applications have a main class`,
      `[demo/etl] 'spec.timeToLiveSeconds' (3600) must be unset here; leave it unset: a SparkApplication deleted by its TTL is created again by the next upgrade or drift correction, and runs again`,
      `[demo/etl] 'spec.volumes' ("given") must be unset here; mount volumes in the driver and executor templates; the operator applies it only through its mutating pod webhook (internal/webhook/sparkpod_defaulter.go)`,
      `[demo/etl] 'driver.spec.podSecurityContext' ("given") must be unset here; set it on the template: the operator applies it only through its mutating pod webhook (internal/webhook/sparkpod_defaulter.go)`,
      `[demo/etl] 'driver.spec.memory' ("2g") must be unset here; use driver.memory`,
      `[demo/etl] 'executor.spec.tolerations' ("given") must be unset here; set it on the template: the operator applies it only through its mutating pod webhook (internal/webhook/sparkpod_defaulter.go)`,
      `[demo/etl] 'sparkConf.spark.executor.memory' ("8g") must be unset; use the cores, memory and memoryOverhead of driver or executor`,
      `[demo/etl] 'sparkConf.spark.kubernetes.executor.volumes.persistentVolumeClaim.data.mount.path' ("/data") must be unset; mount the volume in the driver or executor template, where the checks see it`,
      `[demo/etl] 'sparkConf.spark.kubernetes.namespace' ("other") must be unset; the application runs in the release's namespace`,
      `[demo/etl] 'driver.cores' (0.5) must be a whole number between 1 and 1024; a whole number of cores`,
      `[demo/etl] 'driver.memory' ("1.5g") must be a JVM memory size; e.g. "4g" or "512m" (without a unit: MiB)`,
      `[demo/etl] 'executor.coreLimit' ("2 cores") must be a CPU quantity; e.g. "500m" or "2"`,
      `[demo/etl] 'executor.instances' (4) must be unset with dynamicAllocation; give dynamicAllocation.initialExecutors instead`,
      '[demo/etl] dynamicAllocation: minExecutors (10) ≤ initialExecutors (10) ≤ maxExecutors (5) must hold; raise maxExecutors',
      `[demo/etl] 'restartPolicy.type' ("Always") must be one of Never, OnFailure; Always would run a finished application again`,
    ]);
  });

  test('throws: pods Spark would change or could not start', () => {
    const chart = demoChart();
    const app = new SparkApplication(chart, 'etl', { ...PI, driver: { pod: { automountServiceAccountToken: false, securityContext: { ensureNonRoot: true } } }, executor: { pod: { restartPolicy: plus.RestartPolicy.ON_FAILURE } } });
    app.driver.addContainer({ ...spark('driver'), securityContext: { ensureNonRoot: true } });
    app.executor.addContainer({ ...spark(SPARK_EXECUTOR_CONTAINER), imagePullPolicy: plus.ImagePullPolicy.ALWAYS, command: ['python3'], args: ['/opt/app/etl.py'], resources: { memory: { request: Size.gibibytes(8) } } });
    expect(errorsOf(chart)).toEqual([
      '[demo/etl] driver has no container named "spark-kubernetes-driver" (driver): the operator has Spark build the driver on the container of that name (spark.kubernetes.driver.podTemplateContainerName); name the Spark container "spark-kubernetes-driver"',
      '[demo/etl] container spark-kubernetes-executor of executor sets command or args (["python3","/opt/app/etl.py"]): Spark runs the image\'s entrypoint with its own arguments ("executor" …) and replaces them; give the program as mainApplicationFile and arguments',
      '[demo/etl] container spark-kubernetes-executor of executor sets a memory request: Spark sets the CPU and memory of its container; set executor.cores, coreRequest, coreLimit, memory and memoryOverhead instead (and give the container resources: {} or only other resources)',
      "[demo/etl] executor's restartPolicy (OnFailure) must be Never: Spark sets Never on its pods; retry the whole application with restartPolicy: { type: 'OnFailure', retries }",
      "[demo/etl] driver's automountServiceAccountToken must not be false: the driver creates and watches its executors through the Kubernetes API with its service account's token",
      "[demo/etl] driver has no serviceAccount: the driver creates its executors' pods, a service and config maps with it, and the namespace's default account may not; give the driver pod the account the Spark operator's chart makes in each job namespace (spark-operator-spark) or one with the same Role",
    ]);
    const chart2 = demoChart();
    const app2 = new SparkApplication(chart2, 'etl', { ...PI, driver: { pod: { serviceAccount: operatorAccount(chart2), securityContext: { ensureNonRoot: true } } } });
    app2.driver.addContainer({ ...spark(SPARK_DRIVER_CONTAINER), securityContext: { ensureNonRoot: true } });
    app2.executor.addContainer({ ...spark(SPARK_EXECUTOR_CONTAINER), imagePullPolicy: plus.ImagePullPolicy.ALWAYS });
    expect(errorsOf(chart2)).toEqual([
      '[demo/etl] container spark-kubernetes-driver of driver runs as the image\'s user: the Spark images\' user is the name "spark" (uid 185), which the kubelet cannot verify against runAsNonRoot, so the container never starts; set securityContext user 185 and group 185 on the pod or the container',
      '[demo/etl] the Spark containers pull their images differently (driver IfNotPresent, executor Always): Spark has one pull policy for both (spark.kubernetes.container.image.pullPolicy); make them the same',
    ]);
  });

  test('throws: an instance store whose Spark local-dir name would clash or be too long', () => {
    const chart = demoChart();
    const app = sparkApp(chart, 'etl');
    const c = app.executor.containers[0];
    c.mount('/cache', plus.Volume.fromEmptyDir(app.executor, 'cache', 'spark-local-dir-scratch'));
    new InstanceStore(chart, 'scratch', { size: Size.gibibytes(10) }).mount(c, '/scratch', { pod: app.executor });
    new InstanceStore(chart, 'long', { size: Size.gibibytes(10), volumeName: 'a-very-long-volume-name-for-scratch-space-on-nvme-disks' }).mount(c, '/long', { pod: app.executor });
    expect(errorsOf(chart)).toEqual([
      '[demo/etl] executor: instance store volume "scratch" becomes Spark local dir "spark-local-dir-scratch", the name of another volume of the pod; rename one of them',
      '[demo/etl] executor: the Spark local dir of instance store volume "a-very-long-volume-name-for-scratch-space-on-nvme-disks" would be named "spark-local-dir-a-very-long-volume-name-for-scratch-space-on-nvme-disks", longer than a volume name may be (63); give the InstanceStore a shorter volumeName',
    ]);
  });
});
