import SparkEtlChart from '../src/chart';
import { chartPolicies, describeChart, render } from '@strata/chart-testing';
import { podTemplatesOf } from '@strata/tokens';

const { dir } = describeChart({
  name: 'spark-etl',
  Chart: SparkEtlChart,
  numRuns: 30,
  kinds: ['Role', 'RoleBinding', 'ServiceAccount', 'SparkApplication'],
  invalid: [
    [{ executor: { instances: 0 } }, 'executor.instances: Must be greater than or equal to 1'],
    [{ executor: { cores: 0 } }, 'executor.cores: Must be greater than or equal to 1'],
    [{ executor: { memory: 0 } }, 'executor.memory: Must be greater than or equal to 1'],
    [{ executor: { localDirSize: 0 } }, 'executor.localDirSize: Must be greater than or equal to 1'],
    [{ driver: { cores: 65 } }, 'driver.cores: Must be less than or equal to 64'],
    [{ input: { path: '/taxi-trip/input' } }, 'input.path: Does not match pattern'],
    [{ output: { path: 'taxi-trip/output/' } }, 'output.path: Does not match pattern'],
    [{ output: { run: '../run-1' } }, 'output.run: Does not match pattern'],
    [{ app: { key: 'scripts/etl.jar' } }, 'app.key: Does not match pattern'],
    [{ app: { bucket: 'My_Bucket' } }, 'app.bucket: Does not match pattern'],
    [{ image: { sparkVersion: '2.4.8' } }, 'image.sparkVersion: Does not match pattern'],
    [{ s3a: { credentialsProvider: 'com.amazonaws.auth.DefaultAWSCredentialsProviderChain' } }, 's3a.credentialsProvider: s3a.credentialsProvider must be one of the following'],
    [{ retries: 0 }, 'retries: Must be greater than or equal to 1'],
    [{ serviceAccounts: { other: {} } }, 'serviceAccounts: Additional property other is not allowed'],
  ],
});

const appOf = (objs: any[]) => objs.find((o) => o.kind === 'SparkApplication');


describe('spark-etl release', () => {
  test('executors: count, cores and memory from the values, shuffle and spill on instance-store NVMe; the driver on on-demand nodes; S3 in and out through s3a', async () => {
    const objs = await render(dir, { executor: { instances: 12, cores: 8, memory: 30, memoryOverhead: 4, localDirSize: 400 } });
    const app = appOf(objs);
    expect(app.spec).toMatchObject({
      type: 'Python',
      sparkVersion: '3.5.3',
      image: 'public.ecr.aws/data-on-eks/spark:3.5.3-scala2.12-java17-python3-ubuntu',
      mainApplicationFile: 's3a://ml-datasets/taxi-trip/scripts/pyspark-taxi-trip.py',
      arguments: ['s3a://ml-datasets/taxi-trip/input/', 's3a://ml-datasets/taxi-trip/output/run-1/'],
      restartPolicy: { type: 'OnFailure', onFailureRetries: 3, onSubmissionFailureRetries: 3 },
    });
    expect(app.spec.hadoopConf['fs.s3a.aws.credentials.provider']).toBe('software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider');
    const { template: executor, ...typed } = app.spec.executor;
    expect(typed).toEqual({ instances: 12, cores: 8, memory: '30g', memoryOverhead: '4g', serviceAccount: 'rel-spark-etl-sa-spark' });
    // The instance store is Spark's local dir: its volume named spark-local-dir-*, its size requested, on NVMe nodes.
    expect(executor.spec.volumes).toContainEqual({ name: 'spark-local-dir-scratch', emptyDir: { sizeLimit: '409600Mi' } });
    expect(executor.spec.containers[0].volumeMounts).toContainEqual({ name: 'spark-local-dir-scratch', mountPath: '/var/data/spark' });
    expect(executor.spec.containers[0].resources).toEqual({ requests: { 'ephemeral-storage': '400Gi' } });
    expect(executor.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] }] },
    ]);
    expect(app.spec.driver.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] },
    ]);
    // The pods the checks see: 12 executors of 8 cores and 30 + 4 GiB, with the NVMe request.
    const [, executors] = podTemplatesOf(app);
    expect([executors.replicas, executors.spec.containers[0].resources.requests]).toEqual([12, { 'ephemeral-storage': '400Gi', cpu: '8', memory: '34816Mi' }]);
    // The driver manages its executors with the chart's own account (the role on it reaches S3 too).
    const role = objs.find((o) => o.kind === 'Role');
    expect(role.rules.map((r: any) => r.resources[0]).sort()).toEqual(['configmaps', 'persistentvolumeclaims', 'pods', 'services']);
    expect(objs.find((o) => o.kind === 'RoleBinding').subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'rel-spark-etl-sa-spark' }]);
  });

  test('IAM: the program and the input read-only, the run\'s output read, written and deleted, nothing beside them; a new run is a new application', async () => {
    const before = await render(dir, undefined, { skipTests: true });
    const objs = await render(dir, { input: { bucket: 'raw-data', path: 'taxi/2025' }, output: { bucket: 'curated', path: 'taxi', run: 'run-7' } }, { skipTests: true });
    expect(appOf(objs).metadata.name).not.toBe(appOf(before).metadata.name);
    expect(appOf(objs).spec.arguments).toEqual(['s3a://raw-data/taxi/2025/', 's3a://curated/taxi/run-7/']);
    expect(objs.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(chartPolicies(dir, { input: { bucket: 'raw-data', path: 'taxi/2025' }, output: { bucket: 'curated', path: 'taxi', run: 'run-7' } }).spark.Statement.map((s: any) => [s.Sid, s.Action, s.Resource])).toEqual([
      ['AppRead', ['s3:GetObject'], ['arn:aws:s3:::ml-datasets/taxi-trip/scripts/pyspark-taxi-trip.py']],
      ['InputList', ['s3:ListBucket'], ['arn:aws:s3:::raw-data']],
      ['InputRead', ['s3:GetObject'], ['arn:aws:s3:::raw-data/taxi/2025', 'arn:aws:s3:::raw-data/taxi/2025/*']],
      ['OutputList', ['s3:ListBucket'], ['arn:aws:s3:::curated']],
      ['OutputObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], ['arn:aws:s3:::curated/taxi/run-7', 'arn:aws:s3:::curated/taxi/run-7/*']],
    ]);
  });

  test('EKS Pod Identity instead of IRSA: S3A reads the container credentials endpoint', async () => {
    const app = appOf(await render(dir, { s3a: { credentialsProvider: 'software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider' } }, { skipTests: true }));
    expect(app.spec.hadoopConf['fs.s3a.aws.credentials.provider']).toBe('software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider');
  });
});
