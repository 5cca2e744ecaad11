/**
 * Issue 9, item 1: the bad-input matrix. ONE table: every bad-input case of the storage tiers
 * (packages/storage/test/bad-inputs.ts) and of the patterns that applies to something strata generates (built with the construct and pattern APIs), plus the
 * environment-level bad inputs (gitops environmentFiles → EnvironmentError) and the generator-level
 * bad inputs (the Nx generators' option validation). Each row asserts the exact errors and
 * warnings (generators: the exact message, and that nothing was written). Prints one count line.
 */
import { Duration, Size, Testing } from 'cdk8s';
import { EnvironmentDefinition, EnvironmentError, environmentFiles } from '@strata/gitops';
import { ParallelJob, TrainingCheckpoint } from '@strata/patterns';
import { AccessMode, EfsProvisioningMode, EfsStorageClass, FsxDeploymentType, FsxDriveCacheType, FsxLustre, FsxLustreStorageClass, FsxLustreStorageClassProps, FsxStorageType, S3Mountpoint } from '@strata/storage';
import { fixtureCatalog } from '../../packages/gitops/test/fixtures/charts';
import { dev, prod, withChanges } from '../../packages/gitops/test/fixtures/environments';
import { environmentGenerator } from '../../tools/nx-plugin/src/generators/environment/generator';
import { storageBindingGenerator } from '../../tools/nx-plugin/src/generators/storage-binding/generator';
import { StorageBindingGeneratorSchema } from '../../tools/nx-plugin/src/generators/storage-binding/schema';
import { workloadGenerator } from '../../tools/nx-plugin/src/generators/workload/generator';
import { WorkloadGeneratorSchema } from '../../tools/nx-plugin/src/generators/workload/schema';
import { filesOf, seededTree } from '../../tools/nx-plugin/test/generators/workspace-tree';
import { EFS_ROWS, FSX_ROWS, INSTANCE_STORE_ROWS, S3_ROWS, StorageRow } from '@strata/storage/test/bad-inputs';
import { newChart, synthErrors, warnings } from './support';

/** The outcome of one bad input: the errors it is refused with and the warnings it gives. */
interface Outcome {
  readonly errors: string[];
  readonly warnings: string[];
}
interface Row {
  readonly level: 'construct' | 'pattern' | 'environment' | 'generator';
  readonly name: string;
  readonly run: () => Promise<Outcome>;
  readonly errors: string[];
  readonly warnings: string[];
}

// ---- constructs (storage tiers) and patterns: synthesize, collect errors and warnings ----
const SUBNET = 'subnet-0eabfaa81fb22bcaf';
/** The network every new file system needs: one subnet, at least one security group. */
const NET = { subnetId: SUBNET, securityGroupIds: ['sg-068000ccf82dfba88'] };
const P1: FsxLustreStorageClassProps = { ...NET, deploymentType: FsxDeploymentType.PERSISTENT_1, perUnitStorageThroughput: 200 };
const ROUNDING: StorageRow[] = (
  [
    ['SCRATCH_2 1000Gi', { ...NET }, Size.gibibytes(1000), "'storage' (1000Gi) is rounded up to 1200Gi, the next size FSx provisions for SCRATCH_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 1200Gi"],
    ['SCRATCH_2 3000Gi', { ...NET }, Size.gibibytes(3000), "'storage' (3000Gi) is rounded up to 4800Gi, the next size FSx provisions for SCRATCH_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 4800Gi"],
    ['SCRATCH_2 1.2Ti', { ...NET }, Size.tebibytes(1.2), "'storage' (1.2Ti) is rounded up to 2400Gi, the next size FSx provisions for SCRATCH_2 SSD (1200Gi, 2400Gi, then multiples of 2400Gi); the claim requests 2400Gi"],
    ['SCRATCH_1 4000Gi', { ...NET, deploymentType: FsxDeploymentType.SCRATCH_1 }, Size.gibibytes(4000), "'storage' (4000Gi) is rounded up to 7200Gi, the next size FSx provisions for SCRATCH_1 SSD (1200Gi, 2400Gi, then multiples of 3600Gi); the claim requests 7200Gi"],
    ['HDD@12 7000Gi', { ...P1, storageType: FsxStorageType.HDD, perUnitStorageThroughput: 12, driveCacheType: FsxDriveCacheType.NONE }, Size.gibibytes(7000), "'storage' (7000Gi) is rounded up to 12000Gi, the next size FSx provisions for PERSISTENT_1 HDD at 12 MB/s/TiB (multiples of 6000Gi); the claim requests 12000Gi"],
    ['HDD@40 1200Gi', { ...P1, storageType: FsxStorageType.HDD, perUnitStorageThroughput: 40, driveCacheType: FsxDriveCacheType.READ }, Size.gibibytes(1200), "'storage' (1200Gi) is rounded up to 1800Gi, the next size FSx provisions for PERSISTENT_1 HDD at 40 MB/s/TiB (multiples of 1800Gi); the claim requests 1800Gi"],
  ] as [string, FsxLustreStorageClassProps, Size, string][]
).map(([n, props, storage, w]) => ['fsx-lustre', `23 ${n} (normalized, warn)`, (c) => new FsxLustre(c, 'fsx', { ...props, storage }), [], [`[test/fsx] ${w}`]]);

const checkpointJob = (c: ReturnType<typeof newChart>) => new ParallelJob(c, 'train', { worker: { image: 'trainer:1', gpus: 8 } });
const PATTERN_ROWS: StorageRow[] = [
  [
    'training-checkpoint',
    '45 checkpoints straight onto Mountpoint S3 on a general purpose bucket',
    (c) => new TrainingCheckpoint(c, 'checkpoints', { job: checkpointJob(c), destination: { bucket: 'ml-checkpoints' }, run: 'r1', checkpointSize: Size.gibibytes(16), storage: new S3Mountpoint(c, 'bucket', { bucketName: 'ml-checkpoints', prefix: 'r1/' }) }),
    [
      `[test/checkpoints] 'storage' ("ml-checkpoints") must be an S3 Express One Zone directory bucket (named …--<zone id>--x-s3) when checkpoints are written through Mountpoint; on a general purpose bucket Mountpoint renames nothing (awslabs/mountpoint-s3@mountpoint-s3-1.22.3:doc/SEMANTICS.md#L8, #L316), so savers that write a temporary file and rename it fail: write checkpoints to InstanceStore and let the sync sidecar upload them, or use a directory bucket`,
    ],
    [],
  ],
  [
    'training-checkpoint',
    '53 sync loop as a regular container of the Job',
    (c) => {
      const job = checkpointJob(c);
      new TrainingCheckpoint(c, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints', prefix: 'llama/' }, run: 'run-7', size: Size.gibibytes(200), checkpointSize: Size.gibibytes(16) });
      job.job.addContainer({ name: 'uploader', image: 'amazon/aws-cli', command: ['sh', '-c', 'while true; do aws s3 sync /checkpoints s3://b/p/; sleep 60; done'], securityContext: { user: 1000 } });
    },
    [
      `[test/checkpoints] 'containers' ("uploader") must be an init container with restartPolicy: Always (a native sidecar) when it loops uploading checkpoints; a regular container that never exits keeps the Job from ever completing (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#jobs-with-sidecar-containers): add it with addInitContainer and restartPolicy: ContainerRestartPolicy.ALWAYS`,
    ],
    [],
  ],
  [
    'training-checkpoint',
    '54 final-sync sidecar with the default 30 s grace (warn)',
    (c) => new TrainingCheckpoint(c, 'checkpoints', { job: checkpointJob(c), destination: { bucket: 'ml-checkpoints', prefix: 'llama/' }, run: 'run-7', size: Size.gibibytes(200), flushBudget: Duration.seconds(30) }),
    [],
    [
      `[test/checkpoints] 'flushBudget' (30) must be more than 30 seconds; the kubelet stops the sync sidecar only after the trainer has exited, within the same grace period: the last checkpoint's upload is cut off; declare the time the final write and upload take`,
    ],
  ],
  [
    'training-checkpoint',
    '46 checkpoint flush budget 900 s with a Mountpoint S3 volume (warn)',
    (c) => {
      const job = new ParallelJob(c, 'train', { worker: { image: 'trainer:1' } });
      new S3Mountpoint(c, 'data', { bucketName: 'ml-data', accessMode: AccessMode.READ_ONLY_MANY }).mount(job.worker, '/data', { readOnly: true });
      new TrainingCheckpoint(c, 'checkpoints', { job, destination: { bucket: 'ml-checkpoints' }, run: 'r1', size: Size.gibibytes(10), flushBudget: Duration.seconds(900) });
    },
    [],
    [
      `[test/checkpoints] 'terminationGracePeriodSeconds' (900) must be at most 600 with a Mountpoint S3 volume; Mountpoint Pods stop after 10 minutes, then writes fail with "Transport endpoint is not connected": finish the final flush within 600 s`,
    ],
  ],
];

/** Case 22: numbers and booleans given as props come out as quoted strings in StorageClass parameters. */
const nonStringParameters = (objs: any[]) =>
  objs.filter((o) => o.kind === 'StorageClass').flatMap((o) => Object.entries(o.parameters ?? {}).filter(([, v]) => typeof v !== 'string').map(([k, v]) => `parameter ${k} is ${typeof v} ${JSON.stringify(v)}, not a string`));
const QUOTING_ROWS: Row[] = (
  [
    ['fsx-lustre', (c) => new FsxLustreStorageClass(c, 'sc', { ...P1, automaticBackupRetentionDays: 7, copyTagsToBackups: true, dailyAutomaticBackupStartTime: '02:00' })],
    ['efs', (c) => new EfsStorageClass(c, 'sc', { provisioningMode: EfsProvisioningMode.EFS_AP, fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '700', uid: 1000, gidRangeStart: 50000, gidRangeEnd: 60000 })],
  ] as [string, (c: ReturnType<typeof newChart>) => unknown][]
).map(([tier, build]): Row => ({
  level: 'construct',
  name: `${tier}: 22 numbers and booleans as props are written as quoted strings`,
  run: async () => {
    const chart = newChart();
    build(chart);
    const objs = Testing.synth(chart);
    expect(objs.filter((o) => o.kind === 'StorageClass')).toHaveLength(1);
    return { errors: nonStringParameters(objs), warnings: warnings(chart) };
  },
  errors: [],
  warnings: [],
}));

const constructRows: Row[] = [...FSX_ROWS, ...ROUNDING, ...EFS_ROWS, ...INSTANCE_STORE_ROWS, ...S3_ROWS, ...PATTERN_ROWS].map(([tier, name, build, errors, warns]) => ({
  level: tier === 'training-checkpoint' ? 'pattern' : 'construct',
  name: `${tier}: ${name}`,
  run: async () => {
    const chart = newChart();
    build(chart);
    return { errors: synthErrors(chart), warnings: warnings(chart) };
  },
  errors,
  warnings: warns,
}));

// ---- environments: gitops environmentFiles refuses with EnvironmentError ----
const catalog = fixtureCatalog();
const D = 'environments/dev/environment.ts: ';
const P = 'environments/prod/environment.ts: ';
const FIX_SUBNET = 'FSx for Lustre creates each file system in a single subnet (one Availability Zone; https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html#FSx-CreateFileSystem-request-SubnetIds): keep the subnet of network.availabilityZone and drop the others';
const ROLE = 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"; copy the role ARN from IAM';
const envCases: [string, EnvironmentDefinition, string[]][] = [
  ['a replica count the schema forbids', withChanges(prod, (e) => (e.workloads.inference.values.replicas = 0)), [`${P}'workloads.inference.values.replicas' (0) must be at least 1; see charts/inference/values.yaml for what the chart accepts`]],
  ['a value of the wrong type', withChanges(prod, (e) => (e.workloads.inference.values.replicas = 'two')), [`${P}'workloads.inference.values.replicas' ("two") must be an integer; see charts/inference/values.yaml for what the chart accepts`]],
  ['a value the chart does not have', withChanges(prod, (e) => (e.workloads.inference.values.cache.size = 2)), [`${P}'workloads.inference.values.cache.size' (2) must be left out: the chart has no such value (known here: sizeGiB); check the spelling against the chart's values.yaml`]],
  ['an FSx capacity outside the rule (as a value)', withChanges(prod, (e) => (e.workloads.training.values.dataset.sizeGiB = 3000)), [`${P}'workloads.training.values.dataset.sizeGiB' (3000) must be 1200 or a multiple of 2400; see charts/training/values.yaml for what the chart accepts (rule: training/dataset: SCRATCH_2 capacity)`]],
  ['a cross-field rule of the chart', withChanges(prod, (e) => (e.workloads.training.values.workers = 2)), [`${P}'workloads.training.values.workers' (2) must be at least 4 when mode = "fast"; see charts/training/values.yaml for what the chart accepts (rule: training/workers: fast mode)`]],
  ['PERSISTENT_2 throughput 200 as a tier chart value', withChanges(prod, (e) => (e.storage['fsx-lustre'].perUnitStorageThroughput = 200)), [`${P}'storage.fsx-lustre.perUnitStorageThroughput' (200) must be one of 125, 250, 500, 1000 when deploymentType = "PERSISTENT_2"; see charts/storage-fsx-lustre/values.yaml for what the chart accepts (rule: storage-fsx-lustre/class: PERSISTENT_2 throughput)`]],
  ['EFS without a file system id', withChanges(dev, (e) => delete e.storage.efs.fileSystemId), [`${D}'storage.efs.fileSystemId' ("") must be an EFS file system id: "fs-" and 8 to 40 lowercase hex digits; see charts/storage-efs/values.yaml for what the chart accepts`]],
  ['an unknown workload', withChanges(dev, (e) => (e.workloads['llm-infrence'] = { namespace: 'ml' })), [`${D}'workloads' ("llm-infrence") must be one of the charts in charts/: "inference", "plain", "training"; fix the name, or create the workload and run generate`]],
  ['a tier chart deployed as a workload', withChanges(dev, (e) => (e.workloads['storage-efs'] = { namespace: 'ml' })), [`${D}'workloads' ("storage-efs") must be a workload chart; storage-efs is a storage tier chart: set its values under storage.efs`]],
  ['two subnets', withChanges(dev, (e) => (e.network.subnetId = 'subnet-0123456789abcdef0,subnet-0fedcba9876543210')), [`${D}'network.subnetId' ("subnet-0123456789abcdef0,subnet-0fedcba9876543210") must be exactly one subnet ID; ${FIX_SUBNET}`]],
  ['two subnets as a list', withChanges(dev, (e) => (e.network.subnetId = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'])), [`${D}'network.subnetId' (["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]) must be exactly one subnet ID; ${FIX_SUBNET}`]],
  ['two subnets in the tier values', withChanges(dev, (e) => (e.storage['fsx-lustre'].subnetId = 'subnet-0123456789abcdef0 subnet-0fedcba9876543210')), [`${D}'storage.fsx-lustre.subnetId' ("subnet-0123456789abcdef0 subnet-0fedcba9876543210") must be exactly one subnet ID; ${FIX_SUBNET}`]],
  ['S3 on Kubernetes 1.29', withChanges(dev, (e) => (e.cluster.kubernetesVersion = '1.29')), [`${D}'cluster.kubernetesVersion' ("1.29") must be at least 1.30 when a workload uses s3 (inference, training); the aws-mountpoint-s3-csi-driver chart 2.7.0 requires Kubernetes >=1.30 (its Chart.yaml kubeVersion, awslabs/mountpoint-s3-csi-driver@v2.7.0): upgrade the cluster or leave those workloads out`]],
  ['a registry that is not oci://', withChanges(dev, (e) => (e.registry = 'https://111122223333.dkr.ecr.us-east-1.amazonaws.com/charts')), [`${D}'registry' ("https://111122223333.dkr.ecr.us-east-1.amazonaws.com/charts") must be an oci:// URL without a trailing slash, e.g. "oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts"; write the registry and path the charts are pushed to with \`helm push\``]],
  ['a namespace that is not a DNS label', withChanges(dev, (e) => (e.workloads.plain.namespace = 'ML_Team')), [`${D}'workloads.plain.namespace' ("ML_Team") must be a DNS label (lowercase letters, digits and "-", at most 63); Kubernetes namespace names are DNS labels, e.g. "ml-inference"`]],
  ['a system namespace', withChanges(dev, (e) => (e.workloads.plain.namespace = 'kube-system')), [`${D}'workloads.plain.namespace' ("kube-system") must be a namespace of its own; workloads do not go into system namespaces; pick e.g. "plain"`]],
  ['a driver role ARN of the wrong shape', withChanges(dev, (e) => (e.identity.drivers.efs = 'arn:aws:iam::1234:role/x')), [`${D}'identity.drivers.efs' ("arn:aws:iam::1234:role/x") ${ROLE}`]],
  ['a workload role name instead of an ARN', withChanges(dev, (e) => (e.identity.workloads.inference.inference = 'dev-inference')), [`${D}'identity.workloads.inference.inference' ("dev-inference") ${ROLE}`]],
  ['a role for a service account the chart does not have', withChanges(dev, (e) => (e.identity.workloads.inference.server = 'arn:aws:iam::111122223333:role/x')), [`${D}'identity.workloads.inference' ("server") must be one of the service accounts of the inference chart: "hydration", "inference"; use the key of serviceAccounts.<key> in the chart's values.yaml`]],
  ['an Availability Zone of another region', withChanges(dev, (e) => (e.network.availabilityZone = 'us-west-2a')), [`${D}'network.availabilityZone' ("us-west-2a") must be a zone of us-east-1; give the zone of network.subnetId, in the cluster's region`]],
  ['a malformed security group', withChanges(dev, (e) => (e.network.securityGroupIds = ['sg-1'])), [`${D}'network.securityGroupIds[0]' ("sg-1") must be a security group ID such as "sg-0123456789abcdef0"; copy the ID from the EC2 console or \`aws ec2 describe-security-groups\``]],
  ['a version that is not SemVer', withChanges(dev, (e) => (e.workloads.plain.version = 'latest')), [`${D}'workloads.plain.version' ("latest") must be a SemVer chart version such as "0.1.0"; pin a version that was published to the registry`]],
  ['S3 as a tier chart', withChanges(dev, (e) => (e.storage.s3 = {})), [`${D}'storage' ("s3") must be one of "fsx-lustre", "efs", "s3-files", "instance-store"; S3 has no tier chart: Mountpoint volumes are static, declared by the workload`]],
  ['Karpenter installed on Auto Mode', withChanges(dev, (e) => (e.cluster.autoMode = true)), [`${D}'karpenter.install' (true) must be false on an EKS Auto Mode cluster; Auto Mode runs Karpenter itself; leave karpenter out`]],
  ['an unknown identity mode', withChanges(dev, (e) => (e.identity.mode = 'kiam')), [`${D}'identity.mode' ("kiam") must be one of "irsa", "pod-identity"; choose how pods get AWS credentials`]],
  ['a monitoring threshold out of range', withChanges(dev, (e) => (e.monitoring = { thresholds: { fsxFreeCapacityPercent: 100 } })), [`${D}'monitoring.thresholds.fsxFreeCapacityPercent' (100) must be a whole percentage between 1 and 99; alarm before the limit is reached, not at it`]],
  ['an alarm action that is not an SNS topic', withChanges(dev, (e) => (e.monitoring = { cloudwatch: { alarmActions: ['storage-alarms'] } })), [`${D}'monitoring.cloudwatch.alarmActions[0]' ("storage-alarms") must be an SNS topic ARN such as "arn:aws:sns:us-east-1:111122223333:storage-alarms"; alarms notify SNS topics`]],
  ['a bad Kubernetes version', withChanges(dev, (e) => (e.cluster.kubernetesVersion = '1.33.x')), [`${D}'cluster.kubernetesVersion' ("1.33.x") must be a Kubernetes minor version such as "1.33"; give the version \`kubectl version\` reports for the server`]],
];
const environmentRows: Row[] = envCases.map(([name, env, errors]) => ({
  level: 'environment',
  name: `environment: ${name}`,
  run: async () => {
    try {
      environmentFiles(env, catalog);
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      return { errors: e.errors, warnings: [] };
    }
    return { errors: [], warnings: [] };
  },
  errors,
  warnings: [],
}));

// ---- generators: each refuses before writing anything; the message is asserted whole ----
type Gen = (tree: ReturnType<typeof seededTree>) => Promise<unknown>;
const workload = (o: Partial<WorkloadGeneratorSchema>): Gen => (t) => workloadGenerator(t, { name: 'llm-serve', pattern: 'model-repository', storage: 'efs', ...o } as WorkloadGeneratorSchema);
const bind = (o: Partial<StorageBindingGeneratorSchema>): Gen => (t) => storageBindingGenerator(t, { workload: 'llm-inference', storage: 'fsx-lustre', mount: '/data', ...o } as StorageBindingGeneratorSchema);
const environment = (o: { name: string; from?: string }): Gen => (t) => environmentGenerator(t, o);
const DNS53 = `must be a lowercase DNS label of at most 53 characters (a letter first, then letters, digits and "-"; Helm's limit); e.g. "llm-inference"`;
const MOUNT = `must be an absolute path such as /data (letters, digits, ".", "_", "-" and "/"; no "." or ".." segments, no trailing "/"); e.g. --mount=/data`;
const generatorCases: [string, Gen, string][] = [
  ['workload: an upper-case name', workload({ name: 'LLM' }), `'name' (LLM) ${DNS53}`],
  ['workload: a name starting with a digit', workload({ name: '1st' }), `'name' (1st) ${DNS53}`],
  ['workload: a name over 53 characters', workload({ name: 'a'.repeat(54) }), `'name' (${'a'.repeat(54)}) ${DNS53}`],
  ["workload: a tier chart's name", workload({ name: 'storage-efs' }), `'name' (storage-efs) must be the name of no other chart; packages/storage-charts/storage-efs is a storage tier chart with that name: pick another name`],
  ['workload: an unknown pattern', workload({ pattern: 'cache' as never }), `'--pattern' (cache) must be one of "model-repository", "training-checkpoint", "distributed-dataset", "none"; e.g. --pattern=model-repository`],
  ['workload: an unknown tier', workload({ storage: 'ebs' as never }), `'--storage' (ebs) must be one of "fsx-lustre", "efs", "s3", "instance-store", "s3-files", "auto"; e.g. --storage=fsx-lustre`],
  ['workload: s3 for checkpoints', workload({ pattern: 'training-checkpoint', storage: 's3' }), '--storage=s3 cannot be used with --pattern=training-checkpoint: Mountpoint S3 cannot take checkpoint writes (no rename, no random writes); use --storage=instance-store'],
  ['workload: efs for checkpoints', workload({ pattern: 'training-checkpoint', storage: 'efs' }), '--storage=efs cannot be used with --pattern=training-checkpoint: checkpoints are written to node-local NVMe and synced to S3 by a sidecar (the Training Checkpoint pattern); use --storage=instance-store'],
  ['workload: efs for a dataset', workload({ pattern: 'distributed-dataset', storage: 'efs' }), '--storage=efs cannot be used with --pattern=distributed-dataset: the dataset is served by FSx for Lustre linked to its S3 bucket (the Distributed Dataset pattern); use --storage=fsx-lustre'],
  ['workload: instance store for a model cache', workload({ pattern: 'model-repository', storage: 'instance-store' }), '--storage=instance-store cannot be used with --pattern=model-repository: every server reads one shared model cache, and instance store is local to one node; use --storage=efs, --storage=fsx-lustre or --storage=s3'],
  ['workload: none without a tier', workload({ pattern: 'none', storage: undefined }), `'--storage' () must be given with --pattern=none: one of "fsx-lustre", "efs", "s3", "instance-store", "s3-files"; e.g. --storage=efs`],
  ['workload: a bad namespace', workload({ namespace: 'Team_A' }), `'--namespace' (Team_A) must be a DNS label (lowercase letters, digits and "-", at most 63); Kubernetes namespace names are DNS labels, e.g. "ml-inference"`],
  ['workload: a system namespace', workload({ namespace: 'kube-system' }), `'--namespace' (kube-system) must be a namespace of its own; workloads do not go into system namespaces (default, flux-system, kube-node-lease, kube-public, kube-system)`],
  ['storage-binding: an unknown workload', bind({ workload: 'llm-serve' }), `'--workload' (llm-serve) must be an existing workload: one of "llm-inference"; create it first with \`nx g @strata/nx-plugin:workload\``],
  ['storage-binding: a bad workload name', bind({ workload: 'LLM' }), `'--workload' (LLM) ${DNS53}`],
  ['storage-binding: an unknown tier', bind({ storage: 'ebs' as never }), `'--storage' (ebs) must be one of "fsx-lustre", "efs", "s3", "instance-store", "s3-files"; e.g. --storage=fsx-lustre`],
  ['storage-binding: a relative mount path', bind({ mount: 'data' }), `'--mount' (data) ${MOUNT}`],
  ['storage-binding: a mount path with ..', bind({ mount: '/data/../etc' }), `'--mount' (/data/../etc) ${MOUNT}`],
  ['storage-binding: a trailing slash', bind({ mount: '/data/' }), `'--mount' (/data/) ${MOUNT}`],
  ['storage-binding: /tmp', bind({ mount: '/tmp' }), `'--mount' (/tmp) must be another path than /tmp and /dev/shm; strata containers mount their scratch and shared memory there; e.g. --mount=/data`],
  ['storage-binding: a bad name', bind({ name: 'Data_1' }), `'--name' (Data_1) must be a lowercase DNS label starting with a letter (letters, digits and "-", at most 63); it is the construct id, the pod volume name and, camelCased, the values key; e.g. --name=training-data`],
  ['storage-binding: a mount path that makes no id', bind({ mount: '/1' }), `'--name' () must be given: the last segment of --mount=/1 makes no construct id; e.g. --name=data`],
  ['storage-binding: a WorkloadIdentity id', bind({ name: 'sa-inference' }), `'--name' (sa-inference) must be another id than "iam-policies" or "sa-…"; WorkloadIdentity creates those at the chart root; e.g. --name=data`],
  ['storage-binding: read-only NVMe scratch', bind({ storage: 'instance-store', readOnly: true }), '--read-only cannot be used with --storage=instance-store: NVMe scratch starts empty in every pod, so a read-only mount could never hold data; drop --read-only'],
  ['environment: an upper-case name', environment({ name: 'QA' }), `'name' (QA) must be a DNS label (lowercase letters, digits and "-", at most 63); it names the folder environments/<name>/, e.g. "qa"`],
  ['environment: an underscore', environment({ name: 'qa_1' }), `'name' (qa_1) must be a DNS label (lowercase letters, digits and "-", at most 63); it names the folder environments/<name>/, e.g. "qa"`],
  ['environment: "base"', environment({ name: 'base' }), `'name' (base) must be another name than "base"; environments/base/ holds the shared workload bases`],
  ['environment: an unknown --from', environment({ name: 'qa', from: 'stage' }), `'--from' (stage) must be an existing environment: one of "dev", "prod"; or leave --from out for a minimal definition`],
  ['environment: an existing, different definition', environment({ name: 'prod', from: 'dev' }), "'name' (prod) must be the name of no existing environment; environments/prod/environment.ts exists (and differs from what this would write); pick another name, or edit it by hand"],
];
const generatorRows: Row[] = generatorCases.map(([name, gen, message]) => ({
  level: 'generator',
  name: `generator ${name}`,
  run: async () => {
    const tree = seededTree();
    const before = filesOf(tree);
    let error: string | undefined;
    try {
      await gen(tree);
    } catch (e) {
      error = (e as Error).message;
    }
    // Refused means: the message, and not one byte written.
    expect(filesOf(tree)).toEqual(before);
    // A generator's message may gather several problems; the row's is asserted whole within it.
    return { errors: error === undefined ? [] : [error.includes(message) ? message : error], warnings: [] };
  },
  errors: [message],
  warnings: [],
}));

const ROWS: Row[] = [...constructRows, ...QUOTING_ROWS, ...environmentRows, ...generatorRows];
const tally = { rejected: 0, warned: 0, accepted: 0 };

describe('bad-input matrix (storage tiers and patterns, environments, generators)', () => {
  afterAll(() => {
    const by = (level: Row['level']) => ROWS.filter((r) => r.level === level).length;
    console.log(
      `bad-input matrix: ${tally.rejected} cases rejected, ${tally.warned} warned, ${tally.accepted} accepted as valid ` +
        `(${by('construct')} construct, ${by('pattern')} pattern, ${by('environment')} environment, ${by('generator')} generator rows)`,
    );
  });

  test.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const outcome = await row.run();
    expect(outcome).toEqual({ errors: row.errors, warnings: row.warnings });
    if (row.errors.length > 0) tally.rejected++;
    else if (row.warnings.length > 0) tally.warned++;
    else tally.accepted++;
  });
});
