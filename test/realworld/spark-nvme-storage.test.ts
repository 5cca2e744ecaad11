/**
 * Rewrites awslabs/data-on-eks@a546a1905d017a93a11fb44d17d08d286f7bfb44
 *   data-stacks/spark-on-eks/examples/nvme-storage.yaml
 * A PySpark job (NYC taxi trips, S3 in and out) on c6id nodes whose instance store Karpenter's RAID0
 * policy mounts at /mnt/k8s-disks: the driver and 2 executors use it as Spark's local dir (/data1,
 * volume `spark-local-dir-1`), with a log4j2 ConfigMap, retries on failure, NVMe-tuned Spark settings.
 *
 * What differs from the original, and why:
 * - The NVMe scratch is an `InstanceStore` emptyDir (on RAID0 nodes it lives on the NVMe) mounted at
 *   /data1 in the driver and executor templates, not a hostPath of /mnt/k8s-disks given through the
 *   `spark.kubernetes.{driver,executor}.volumes.hostPath.spark-local-dir-1.*` properties (strata refuses
 *   those: the checks would not see the volume). Spark still uses it as a local dir (the volume is
 *   named `spark-local-dir-…`). It gets a size the original does not have (driver 50 GiB, executors
 *   200 GiB: sizeLimit and ephemeral-storage request, so pods land where the NVMe has room) and a node
 *   requirement `karpenter.k8s.aws/instance-local-nvme > 0`. hostPath would fail Pod Security baseline.
 * - The SparkApplication's labels `app: taxi-trip-nvme` and `queue: root.test` (YuniKorn's queue)
 *   are its `metadata`, next to the chart's standard labels.
 * - The pods meet Pod Security restricted: uid/gid 185 (the Spark images' user, strata's default),
 *   runAsNonRoot, no privilege escalation, capabilities dropped, RuntimeDefault seccomp, read-only root
 *   with an emptyDir at /tmp. The original sets no security context.
 * - `labels: version` on driver and executor go to the templates' `metadata` (PodTemplateProps),
 *   `nodeSelector`s become required node affinities on the templates, `serviceAccount` becomes the
 *   templates' service account (the same `spark-team-a`, declared external with the ConfigMap
 *   `spark-log4j2-config`).
 * - The log4j2 ConfigMap is mounted in the templates rather than listed in `spec.volumes` with
 *   `volumeMounts` (those reach the pods only through the operator's mutating webhook).
 * - The application is named by its content (a changed run is a new run) and carries
 *   `helm.toolkit.fluxcd.io/driftDetection: disabled`.
 * - `$S3_BUCKET` (a placeholder the blueprint's script substitutes) is kept literally.
 */
import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER, SparkApplication } from '@strata/kinds';
import { InstanceStore, INSTANCE_LOCAL_NVME_LABEL } from '@strata/storage';
import { chartFor, mountsOf, one, podCounts, referenceProblems, render, restrictedProblems } from './support';

const IMAGE = 'public.ecr.aws/data-on-eks/spark:3.5.3-scala2.12-java17-python3-ubuntu';
const SPARK_CONF: Record<string, string> = {
  'spark.app.name': 'taxi-trip-nvme',
  'spark.kubernetes.driver.pod.name': 'taxi-trip-nvme',
  'spark.kubernetes.executor.podNamePrefix': 'taxi-trip-nvme',
  'spark.local.dir': '/data1',
  'spark.speculation': 'false',
  'spark.network.timeout': '2400',
  'spark.shuffle.spill.diskWriteBufferSize': '1048576',
  'spark.shuffle.file.buffer': '1m',
  'spark.io.compression.codec': 'lz4',
  'spark.shuffle.compress': 'true',
  'spark.shuffle.spill.compress': 'true',
  'spark.rdd.compress': 'true',
  'spark.sql.adaptive.enabled': 'true',
  'spark.sql.adaptive.coalescePartitions.enabled': 'true',
  'spark.sql.adaptive.localShuffleReader.enabled': 'true',
  'spark.sql.adaptive.skewJoin.enabled': 'true',
  'spark.sql.files.maxPartitionBytes': '268435456',
  'spark.sql.shuffle.partitions': '400',
  'spark.hadoop.fs.s3a.connection.timeout': '1200000',
  'spark.hadoop.fs.s3a.path.style.access': 'true',
  'spark.hadoop.fs.s3a.connection.maximum': '200',
  'spark.hadoop.fs.s3a.fast.upload': 'true',
  'spark.hadoop.fs.s3a.readahead.range': '256K',
  'spark.hadoop.fs.s3a.input.fadvise': 'random',
  'spark.hadoop.fs.s3a.aws.credentials.provider.mapping': 'com.amazonaws.auth.WebIdentityTokenCredentialsProvider=software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider',
  'spark.hadoop.fs.s3a.aws.credentials.provider': 'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider',
  'spark.hadoop.fs.s3.impl': 'org.apache.hadoop.fs.s3a.S3AFileSystem',
  'spark.eventLog.enabled': 'true',
  'spark.eventLog.dir': 's3a://$S3_BUCKET/spark-event-logs',
  'spark.eventLog.rolling.enabled': 'true',
  'spark.eventLog.rolling.maxFileSize': '64m',
  'spark.ui.prometheus.enabled': 'true',
  'spark.executor.processTreeMetrics.enabled': 'true',
  'spark.metrics.conf.*.sink.prometheusServlet.class': 'org.apache.spark.metrics.sink.PrometheusServlet',
  'spark.metrics.conf.driver.sink.prometheusServlet.path': '/metrics/driver/prometheus/',
  'spark.metrics.conf.executor.sink.prometheusServlet.path': '/metrics/executors/prometheus/',
};
const SECURITY = { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [plus.Capability.ALL] }, seccompProfile: { type: plus.SeccompProfileType.RUNTIME_DEFAULT } };

function build() {
  const chart = chartFor('taxi-trip-nvme', 'data-on-eks Spark with NVMe instance store');
  const account = plus.ServiceAccount.fromServiceAccountName(chart, 'spark-team-a', 'spark-team-a');
  const log4j2 = plus.ConfigMap.fromConfigMapName(chart, 'spark-log4j2-config', 'spark-log4j2-config');
  const app = new SparkApplication(chart, 'taxi-trip-nvme', {
    metadata: { labels: { app: 'taxi-trip-nvme', queue: 'root.test' } },
    type: 'Python',
    sparkVersion: '3.5.3',
    image: IMAGE,
    mainApplicationFile: 's3a://$S3_BUCKET/taxi-trip/scripts/pyspark-taxi-trip.py',
    arguments: ['s3a://$S3_BUCKET/taxi-trip/input/', 's3a://$S3_BUCKET/taxi-trip/output/'],
    sparkConf: SPARK_CONF,
    restartPolicy: { type: 'OnFailure', retries: 3, retryInterval: Duration.seconds(10), submissionRetries: 5, submissionRetryInterval: Duration.seconds(20) },
    driver: { cores: 2, coreLimit: '2000m', memory: '8g', memoryOverhead: '2g', pod: { serviceAccount: account, metadata: { labels: { version: '3.5.3' } } } },
    executor: { cores: 4, coreLimit: '4000m', instances: 2, memory: '15g', memoryOverhead: '3g', pod: { serviceAccount: account, metadata: { labels: { version: '3.5.3' } } } },
  });
  const nvme = [plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0'])];
  for (const [t, name, size, nodes] of [
    [app.driver, SPARK_DRIVER_CONTAINER, 50, { 'node.kubernetes.io/workload-type': 'compute-optimized-x86', 'karpenter.sh/capacity-type': 'on-demand', 'karpenter.k8s.aws/instance-family': 'c6id' }],
    [app.executor, SPARK_EXECUTOR_CONTAINER, 200, { 'node.kubernetes.io/workload-type': 'compute-optimized-x86', 'karpenter.k8s.aws/instance-family': 'c6id' }],
  ] as const) {
    const c = t.addContainer({ name, image: IMAGE, imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: SECURITY, resources: {} });
    new InstanceStore(t, 'data1', { size: Size.gibibytes(size), nodeAffinity: nvme, volumeName: '1' }).mount(c, '/data1', { pod: t });
    c.mount('/opt/spark/log4j2-custom', plus.Volume.fromConfigMap(t, 'spark-log4j2', log4j2, { name: 'spark-log4j2' }));
    c.mount('/tmp', plus.Volume.fromEmptyDir(t, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(1) }));
    t.scheduling.attract(plus.Node.labeled(...Object.entries(nodes).map(([k, v]) => plus.NodeLabelQuery.is(k, v))));
  }
  return chart;
}

const EXTERNAL = { serviceAccounts: [{ namespace: 'ml', name: 'spark-team-a' }], configMaps: [{ namespace: 'ml', name: 'spark-log4j2-config' }] };

describe('data-on-eks spark-on-eks nvme-storage SparkApplication', () => {
  test('application, driver and executors carry what the original does, with NVMe as the local dir', () => {
    const { synth, objects } = render(build());
    expect(synth.warnings).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(['SparkApplication']);
    const app = one(objects, 'SparkApplication');
    expect(app.metadata.name).toMatch(/^rw-taxi-trip-nvme-taxi-trip-nvme-[0-9a-f]{8}$/);
    expect(app.metadata.labels).toMatchObject({ app: 'taxi-trip-nvme', queue: 'root.test' });
    const { driver, executor, ...spec } = app.spec;
    expect(spec).toEqual({
      type: 'Python',
      mode: 'cluster',
      sparkVersion: '3.5.3',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      mainApplicationFile: 's3a://$S3_BUCKET/taxi-trip/scripts/pyspark-taxi-trip.py',
      arguments: ['s3a://$S3_BUCKET/taxi-trip/input/', 's3a://$S3_BUCKET/taxi-trip/output/'],
      sparkConf: SPARK_CONF,
      restartPolicy: { type: 'OnFailure', onFailureRetries: 3, onFailureRetryInterval: 10, onSubmissionFailureRetries: 5, onSubmissionFailureRetryInterval: 20 },
    });
    expect({ ...driver, template: undefined }).toEqual({ cores: 2, coreLimit: '2000m', memory: '8g', memoryOverhead: '2g', serviceAccount: 'spark-team-a', template: undefined });
    expect({ ...executor, template: undefined }).toEqual({ cores: 4, coreLimit: '4000m', instances: 2, memory: '15g', memoryOverhead: '3g', serviceAccount: 'spark-team-a', template: undefined });
    for (const [role, size, nodes] of [
      [driver, '50', [['node.kubernetes.io/workload-type', 'compute-optimized-x86'], ['karpenter.sh/capacity-type', 'on-demand'], ['karpenter.k8s.aws/instance-family', 'c6id']]],
      [executor, '200', [['node.kubernetes.io/workload-type', 'compute-optimized-x86'], ['karpenter.k8s.aws/instance-family', 'c6id']]],
    ] as const) {
      const t = role.template;
      expect(t.metadata.labels.version).toBe('3.5.3');
      const [c] = t.spec.containers;
      expect(mountsOf(c)).toEqual({ '/data1': 'spark-local-dir-1', '/opt/spark/log4j2-custom': 'spark-log4j2', '/tmp': 'tmp' });
      expect(c.resources).toEqual({ requests: { 'ephemeral-storage': `${size}Gi` } });
      expect(t.spec.volumes).toEqual([
        { name: 'spark-local-dir-1', emptyDir: { sizeLimit: `${Number(size) * 1024}Mi` } },
        { name: 'spark-log4j2', configMap: { name: 'spark-log4j2-config' } },
        { name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } },
      ]);
      expect(t.spec.securityContext).toMatchObject({ runAsUser: 185, runAsGroup: 185, runAsNonRoot: true });
      expect(t.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [...nodes.map(([key, v]) => ({ key, operator: 'In', values: [v] })), { key: INSTANCE_LOCAL_NVME_LABEL, operator: 'Gt', values: ['0'] }] },
      ]);
    }
  });

  test("strata's checks: restricted, references, the driver and both executors reached", () => {
    const { objects } = render(build());
    expect(podCounts(objects)).toEqual({ 'SparkApplication spec.driver.template.spec': 1, 'SparkApplication spec.executor.template.spec': 2 });
    expect(restrictedProblems(objects)).toEqual({ 'SparkApplication spec.driver.template.spec': [], 'SparkApplication spec.executor.template.spec': [] });
    expect(referenceProblems(objects, EXTERNAL)).toMatchObject({ problems: [], warnings: [] });
  });
});
