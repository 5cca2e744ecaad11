// Recipe: Spark — a SparkApplication (Kubeflow Spark operator) reading and writing S3 through S3A
// with the pods' own IAM role, its executors' shuffle and spill on instance-store NVMe.
import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER, SPARK_UID, SparkApplication } from '@strata/kinds';
import { restrictedSecurityContext, s3aStatements, serviceAccountAnnotations, WorkloadIdentity } from '@strata/patterns';
import { InstanceStore } from '@strata/storage';

export default class EtlChart extends WorkloadChart {
  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, { name: 'etl', description: 'A PySpark ETL job: S3 in and out through S3A, shuffle on NVMe.' }, props);
    const image = 'public.ecr.aws/data-on-eks/spark:3.5.3-scala2.12-java17-python3-ubuntu';

    // The driver creates its executors' pods: its account needs a Role for that (as the operator's chart gives).
    const account = WorkloadIdentity.serviceAccount(this, 'spark', { annotations: serviceAccountAnnotations(this.values, 'spark') });
    const role = new plus.Role(this, 'driver-role');
    role.allow(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'], plus.ApiResource.PODS, plus.ApiResource.SERVICES, plus.ApiResource.CONFIG_MAPS, plus.ApiResource.PERSISTENT_VOLUME_CLAIMS);
    role.bind(account);

    const app = new SparkApplication(this, 'etl', {
      type: 'Python',
      sparkVersion: '3.5.3',
      image,
      mainApplicationFile: 's3a://ml-datasets/etl/job.py',
      arguments: ['s3a://ml-datasets/raw/', 's3a://ml-datasets/clean/run-1/'],
      hadoopConf: { 'fs.s3a.aws.credentials.provider': 'software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider' },
      driver: { cores: 1, memory: '4g', pod: { serviceAccount: account } },
      executor: { instances: 4, cores: 4, memory: '15g', pod: { serviceAccount: account } },
      restartPolicy: { type: 'OnFailure', retries: 3 },
    });
    // Spark builds its pods on these containers (their names are fixed); CPU and memory come from cores and memory.
    const spark = (name: string): plus.ContainerProps => ({ name, image, imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: restrictedSecurityContext(SPARK_UID, SPARK_UID), resources: {} });
    const driver = app.driver.addContainer(spark(SPARK_DRIVER_CONTAINER));
    const executor = app.executor.addContainer(spark(SPARK_EXECUTOR_CONTAINER));
    for (const [pod, c] of [[app.driver, driver], [app.executor, executor]] as const) {
      c.mount('/tmp', plus.Volume.fromEmptyDir(pod, 'tmp', 'tmp', { sizeLimit: Size.gibibytes(2) }));
    }
    // Mounted at a Spark local dir: shuffle and spill go to NVMe.
    new InstanceStore(this, 'scratch', { size: Size.gibibytes(200) }).mount(executor, '/var/data/spark', { pod: app.executor });

    WorkloadIdentity.addStatements(this, 'spark', [
      ...s3aStatements('app', { bucket: 'ml-datasets', files: ['etl/job.py'] }),
      ...s3aStatements('input', { bucket: 'ml-datasets', directories: ['raw'] }),
      ...s3aStatements('output', { bucket: 'ml-datasets', directories: ['clean/run-1'] }, { write: true, delete: true }),
    ]);
  }
}
