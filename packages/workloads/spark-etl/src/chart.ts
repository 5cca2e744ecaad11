import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Values, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER, SPARK_UID, SparkApplication } from '@strata/kinds';
import { BUCKET_NAME, BUCKET_NAME_LENGTH, CAPACITY_TYPE_LABEL, PATH_SEGMENT, REGION, restrictedSecurityContext, s3aStatements, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { INSTANCE_LOCAL_NVME_LABEL, InstanceStore, PodScheduling } from '@strata/storage';
import { describePattern, IMAGE_REPOSITORY as REPOSITORY, IMAGE_TAG as TAG } from '@strata/tokens';

/** A key path in a bucket without a leading or trailing "/": `taxi-trip/input`. */
const KEY_PATH = describePattern('^[A-Za-z0-9!_*\'()-][A-Za-z0-9!_.*\'()-]*(/[A-Za-z0-9!_*\'()-][A-Za-z0-9!_.*\'()-]*)*$', 'an S3 key path such as "taxi-trip/input" (no leading or trailing "/", no "//")');
/** A Python file's key: a key path ending in `.py`. */
const PYTHON_KEY = describePattern('^([A-Za-z0-9!_*\'()-][A-Za-z0-9!_.*\'()-]*/)*[A-Za-z0-9!_*\'()-][A-Za-z0-9!_.*\'()-]*\\.py$', 'the S3 key of a Python file such as "scripts/etl.py"');

/**
 * The S3A credential providers of the pod's own AWS identity, in the AWS SDK v2 the Hadoop 3.4
 * S3A connector uses (https://hadoop.apache.org/docs/stable/hadoop-aws/tools/hadoop-aws/aws_sdk_upgrade.html):
 * IRSA's web identity token file (the EKS pod identity webhook sets AWS_ROLE_ARN and
 * AWS_WEB_IDENTITY_TOKEN_FILE), or EKS Pod Identity's container credentials endpoint.
 */
const IRSA_PROVIDER = 'software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider';
const POD_IDENTITY_PROVIDER = 'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider';

/**
 * What the Spark driver may do in its namespace: create, watch and delete its executors' pods, the
 * headless service the executors reach it by, the config maps of its configuration and executor
 * pod template, and on-demand claims. The same rules as the Role the Spark operator's chart gives
 * its `spark-operator-spark` account in each job namespace (kubeflow/spark-operator@v2.5.2
 * charts/spark-operator-chart/templates/spark/rbac.yaml); here the driver runs as this chart's
 * own account, which carries the IAM role (IRSA) for S3.
 */
const DRIVER_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * A Spark ETL job as a SparkApplication (Kubeflow Spark operator): a PySpark program read from S3
 * reads its input from S3 and writes its output to S3 through the S3A connector with the pods' own
 * IAM role, shuffle and spill on instance-store NVMe (the executors' Spark local directory), the
 * executors' count, cores and memory as values. A changed application is a new run (it is named
 * by its content); the operator retries a failed run a few times.
 *
 * Based on data-on-eks's Spark operator NVMe example (awslabs/data-on-eks@68274488
 * analytics/terraform/spark-k8s-operator/examples/karpenter/nvme-ephemeral-storage.yaml and its
 * successor @a546a19 data-stacks/spark-on-eks/examples/nvme-storage.yaml: the "taxi-trip" PySpark
 * job from s3a:// with input and output s3a:// arguments, S3A with the web identity provider of
 * the AWS SDK v2, Karpenter nodes whose RAID0 NVMe holds the pods' ephemeral storage, the image
 * public.ecr.aws/data-on-eks/spark:3.5.3-scala2.12-java17-python3-ubuntu — Apache Spark 3.5.3
 * with hadoop-aws 3.4.1 and the AWS SDK v2 bundle, user 185, built by @68274488
 * analytics/terraform/spark-k8s-operator/examples/docker/Dockerfile) and on the
 * operator's pod-template example (kubeflow/spark-operator@v2.5.2 examples/spark-pi-pod-template.yaml:
 * restricted security context for uid 185, a `spark-local-dir-1` emptyDir with a sizeLimit).
 */
export default class SparkEtlChart extends WorkloadChart {
  public readonly app: SparkApplication;
  public readonly scratch: InstanceStore;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'spark-etl',
      description: 'A Spark ETL job as a SparkApplication: S3 in and out through s3a with the pods\' IAM role, shuffle and spill on instance-store NVMe.',
      appVersion: '3.5.3',
      keywords: ['spark', 'spark-operator', 'etl', 's3', 'nvme', 'instance-store'],
    }, props);
    const v = this.values;
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the buckets.', pattern: REGION });
    const image = `${v.string('image.repository', { default: 'public.ecr.aws/data-on-eks/spark', description: 'Spark image repository: Spark with the S3A connector (hadoop-aws) and the AWS SDK v2 bundle, running as uid 185.', pattern: REPOSITORY })}:${v.string('image.tag', { default: '3.5.3-scala2.12-java17-python3-ubuntu', description: 'Spark image tag.', pattern: TAG })}`;
    const sparkVersion = v.string('image.sparkVersion', { default: '3.5.3', description: 'The Spark version of the image (3.0.0 or later: pod templates).', pattern: '^[3-9]\\.[0-9]+\\.[0-9]+$', accepts: 'a Spark version of 3.0.0 or later, such as "3.5.3"' });

    // Where the program, its input and its output are.
    const app = { bucket: bucket(v, 'app', 'program', 'ml-datasets'), key: v.string('app.key', { default: 'taxi-trip/scripts/pyspark-taxi-trip.py', description: 'Key of the PySpark program in app.bucket.', pattern: PYTHON_KEY }) };
    const input = { bucket: bucket(v, 'input', 'input data', 'ml-datasets'), path: path(v, 'input', 'input data', 'taxi-trip/input') };
    const output = { bucket: bucket(v, 'output', 'output', 'ml-datasets'), path: path(v, 'output', 'output', 'taxi-trip/output') };
    const run = v.string('output.run', { default: 'run-1', description: 'The run: the output is written (overwritten) under <output.path>/<run>/; a new run name is a new SparkApplication.', pattern: PATH_SEGMENT });
    const written = `${output.path}/${run}`;

    const account = WorkloadIdentity.serviceAccount(this, 'spark', { annotations: serviceAccountAnnotations(v, 'spark') });
    const role = new plus.Role(this, 'driver-role');
    role.allow(DRIVER_VERBS, plus.ApiResource.PODS, plus.ApiResource.SERVICES, plus.ApiResource.CONFIG_MAPS, plus.ApiResource.PERSISTENT_VOLUME_CLAIMS);
    role.bind(account);

    const memory = (key: string, gib: number, what: string) => `${v.integer(key, { default: gib, minimum: 1, maximum: 1024, description: `${what} in GiB (the JVM heap; Spark adds memoryOverhead to the pod's request and limit).` })}g`;
    const overhead = (key: string, gib: number) => `${v.integer(key, { default: gib, minimum: 1, maximum: 256, description: 'Memory besides the heap in GiB (off-heap, Python workers, network buffers).' })}g`;
    this.app = new SparkApplication(this, 'etl', {
      type: 'Python',
      sparkVersion,
      image,
      mainApplicationFile: `s3a://${app.bucket}/${app.key}`,
      arguments: [`s3a://${input.bucket}/${input.path}/`, `s3a://${output.bucket}/${written}/`],
      sparkConf: {
        'spark.speculation': 'false',
        'spark.sql.adaptive.enabled': 'true',
        'spark.sql.adaptive.coalescePartitions.enabled': 'true',
        'spark.sql.shuffle.partitions': `${v.integer('executor.shufflePartitions', { default: 400, minimum: 1, maximum: 100_000, description: 'Shuffle partitions (spark.sql.shuffle.partitions); adaptive execution coalesces small ones.' })}`,
        // NVMe local dirs (data-on-eks nvme-storage.yaml): larger buffers, fast compression.
        'spark.shuffle.file.buffer': '1m',
        'spark.shuffle.spill.diskWriteBufferSize': '1048576',
        'spark.io.compression.codec': 'lz4',
      },
      hadoopConf: {
        'fs.s3a.aws.credentials.provider': v.enum('s3a.credentialsProvider', {
          values: [IRSA_PROVIDER, POD_IDENTITY_PROVIDER],
          default: IRSA_PROVIDER,
          description: 'How S3A gets the pods\' AWS credentials: the web identity token of IRSA (the role ARN on the service account), or the container credentials of EKS Pod Identity.',
        }),
        'fs.s3a.endpoint.region': region,
        'fs.s3a.connection.maximum': '200',
        'fs.s3a.fast.upload': 'true',
        'fs.s3a.readahead.range': '256K',
        // Columnar input (Parquet) is read in ranges.
        'fs.s3a.input.fadvise': 'random',
      },
      driver: {
        cores: v.integer('driver.cores', { default: 2, minimum: 1, maximum: 64, description: 'Driver cores (spark.driver.cores; also its CPU request).' }),
        memory: memory('driver.memory', 8, 'Driver memory'),
        memoryOverhead: overhead('driver.memoryOverhead', 2),
        pod: { serviceAccount: account },
      },
      executor: {
        instances: v.integer('executor.instances', { default: 4, minimum: 1, maximum: 1000, description: 'Executors.' }),
        cores: v.integer('executor.cores', { default: 4, minimum: 1, maximum: 64, description: 'Cores per executor: its concurrent tasks (spark.executor.cores; also its CPU request).' }),
        memory: memory('executor.memory', 15, 'Memory per executor'),
        memoryOverhead: overhead('executor.memoryOverhead', 3),
        pod: { serviceAccount: account },
      },
      restartPolicy: {
        type: 'OnFailure',
        retries: v.integer('retries', { default: 3, minimum: 1, maximum: 10, description: 'Runs again after a failed run (the output of a run is overwritten, so a retry is safe).' }),
      },
    });

    const spark = (name: string) => ({
      name,
      image,
      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: restrictedSecurityContext(SPARK_UID, SPARK_UID),
      // Spark sets CPU and memory from cores and memory; the scratch adds its ephemeral-storage request.
      resources: {},
    });
    const driver = this.app.driver.addContainer(spark(SPARK_DRIVER_CONTAINER));
    const executor = this.app.executor.addContainer(spark(SPARK_EXECUTOR_CONTAINER));
    // The JVM and PySpark write temporary files (hsperfdata, the downloaded program) under /tmp; the root is read-only.
    for (const [pod, c] of [[this.app.driver, driver], [this.app.executor, executor]] as const) {
      c.mount('/tmp', plus.Volume.fromEmptyDir(pod, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(2) }));
    }
    // The driver holds the application: on-demand nodes (Spot executors may come and go; the driver may not).
    PodScheduling.of(this.app.driver).require({ key: CAPACITY_TYPE_LABEL, operator: 'In', values: ['on-demand'], origin: `[${this.node.path}] (the driver)` });

    // Shuffle and spill on the executors' instance-store NVMe: Spark's local dir (spark-local-dir-scratch).
    this.scratch = new InstanceStore(this, 'scratch', {
      size: v.size('executor.localDirSize', { default: Size.gibibytes(200), minimumGiB: 1, maximumGiB: 10_000, description: 'Instance-store NVMe per executor for shuffle and spill (Spark local dir)' }),
      // Nodes with local NVMe (Karpenter's label; RAID0 puts the pods' ephemeral storage on it).
      nodeAffinity: [plus.NodeLabelQuery.gt(INSTANCE_LOCAL_NVME_LABEL, ['0'])],
    });
    this.scratch.mount(executor, '/var/data/spark', { pod: this.app.executor });

    // Through S3A (s3aStatements): s3:ListBucket on each directory's bucket without a prefix condition
    // (a missing path must read as 404, not 403), objects on `dir` and `dir/*`.
    WorkloadIdentity.addStatements(this, 'spark', [
      ...s3aStatements('app', { bucket: app.bucket, files: [app.key] }),
      ...s3aStatements('input', { bucket: input.bucket, directories: [input.path] }),
      // Spark's file output committer writes under _temporary/ and renames (copy, delete) into place; overwrite deletes the old output.
      ...s3aStatements('output', { bucket: output.bucket, directories: [written] }, { write: true, delete: true }),
    ]);
  }
}

function bucket(v: Values, key: string, what: string, fallback: string): string {
  return v.string(`${key}.bucket`, { default: fallback, description: `S3 bucket of the ${what}.`, pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
}

function path(v: Values, key: string, what: string, fallback: string): string {
  return v.string(`${key}.path`, { default: fallback, description: `Key path of the ${what} in the bucket, without a leading or trailing "/".`, pattern: KEY_PATH, maxLength: 900 });
}
