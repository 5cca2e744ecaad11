import { aboutField, EnvironmentDefinition, EnvironmentError, environmentFiles, environmentsFromDefinitions, placeholderIn, planEnvironment } from '../src';
import { fixtureCatalog } from './fixtures/charts';
import { dev, prod, withChanges } from './fixtures/environments';

const catalog = fixtureCatalog();
const D = 'environments/dev/environment.ts: ';
const P = 'environments/prod/environment.ts: ';
const FIX_SUBNET = 'FSx for Lustre creates each file system in a single subnet (one Availability Zone; https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html#FSx-CreateFileSystem-request-SubnetIds): keep the subnet of network.availabilityZone and drop the others';

function errorsOf(env: EnvironmentDefinition): string[] {
  try {
    environmentFiles(env, catalog);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentError);
    return (e as EnvironmentError).errors;
  }
  throw new Error('expected an EnvironmentError');
}

describe('bad environment values fail with exact messages', () => {
  const cases: [string, EnvironmentDefinition, string[]][] = [
    [
      'a replica count the schema forbids',
      withChanges(prod, (e) => (e.workloads.inference.values.replicas = 0)),
      [`${P}'workloads.inference.values.replicas' (0) must be at least 1; see charts/inference/values.yaml for what the chart accepts`],
    ],
    [
      'a value of the wrong type',
      withChanges(prod, (e) => (e.workloads.inference.values.replicas = 'two')),
      [`${P}'workloads.inference.values.replicas' ("two") must be an integer; see charts/inference/values.yaml for what the chart accepts`],
    ],
    [
      'a value the chart does not have',
      withChanges(prod, (e) => (e.workloads.inference.values.cache.size = 2)),
      [`${P}'workloads.inference.values.cache.size' (2) must be left out: the chart has no such value (known here: sizeGiB); check the spelling against the chart's values.yaml`],
    ],
    [
      'a capacity outside the alternatives a rule allows (anyOf)',
      withChanges(prod, (e) => (e.workloads.training.values.dataset.sizeGiB = 3000)),
      [`${P}'workloads.training.values.dataset.sizeGiB' (3000) must be 1200 or a multiple of 2400; see charts/training/values.yaml for what the chart accepts (rule: training/dataset: SCRATCH_2 capacity)`],
    ],
    [
      'a cross-field rule (if/then) of the chart',
      withChanges(prod, (e) => (e.workloads.training.values.workers = 2)),
      [`${P}'workloads.training.values.workers' (2) must be at least 4 when mode = "fast"; see charts/training/values.yaml for what the chart accepts (rule: training/workers: fast mode)`],
    ],
    [
      'a tier chart value refused by its cross-field rule (PERSISTENT_2 throughput)',
      withChanges(prod, (e) => (e.storage['fsx-lustre'].perUnitStorageThroughput = 200)),
      [
        `${P}'storage.fsx-lustre.perUnitStorageThroughput' (200) must be one of 125, 250, 500, 1000 when deploymentType = "PERSISTENT_2"; see charts/storage-fsx-lustre/values.yaml for what the chart accepts (rule: storage-fsx-lustre/class: PERSISTENT_2 throughput)`,
      ],
    ],
    [
      'a tier chart value the environment must give',
      withChanges(dev, (e) => delete e.storage.efs.fileSystemId),
      [`${D}'storage.efs.fileSystemId' ("") must be an EFS file system id: "fs-" and 8 to 40 lowercase hex digits; see charts/storage-efs/values.yaml for what the chart accepts`],
    ],
    [
      'an unknown workload',
      withChanges(dev, (e) => (e.workloads['llm-infrence'] = { namespace: 'ml' })),
      [`${D}'workloads' ("llm-infrence") must be one of the charts in charts/: "inference", "plain", "training"; fix the name, or create the workload and run generate`],
    ],
    [
      'a tier chart deployed as a workload',
      withChanges(dev, (e) => (e.workloads['storage-efs'] = { namespace: 'ml' })),
      [`${D}'workloads' ("storage-efs") must be a workload chart; storage-efs is a storage tier chart: set its values under storage.efs`],
    ],
    ['a second subnet for FSx', withChanges(dev, (e) => (e.network.subnetId = 'subnet-0123456789abcdef0,subnet-0fedcba9876543210')), [`${D}'network.subnetId' ("subnet-0123456789abcdef0,subnet-0fedcba9876543210") must be exactly one subnet ID; ${FIX_SUBNET}`]],
    [
      'two subnets as a list',
      withChanges(dev, (e) => (e.network.subnetId = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'])),
      [`${D}'network.subnetId' (["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]) must be exactly one subnet ID; ${FIX_SUBNET}`],
    ],
    [
      'a second subnet in the FSx tier values',
      withChanges(dev, (e) => (e.storage['fsx-lustre'].subnetId = 'subnet-0123456789abcdef0 subnet-0fedcba9876543210')),
      [`${D}'storage.fsx-lustre.subnetId' ("subnet-0123456789abcdef0 subnet-0fedcba9876543210") must be exactly one subnet ID; ${FIX_SUBNET}`],
    ],
    [
      'S3 on Kubernetes < 1.30',
      withChanges(dev, (e) => (e.cluster.kubernetesVersion = '1.29')),
      [
        `${D}'cluster.kubernetesVersion' ("1.29") must be at least 1.30 when a workload uses s3 (inference, training); the aws-mountpoint-s3-csi-driver chart 2.7.0 requires Kubernetes >=1.30 (its Chart.yaml kubeVersion, awslabs/mountpoint-s3-csi-driver@v2.7.0): upgrade the cluster or leave those workloads out`,
      ],
    ],
    [
      'a registry URL that is not oci://',
      withChanges(dev, (e) => (e.registry = 'https://111122223333.dkr.ecr.us-east-1.amazonaws.com/charts')),
      [`${D}'registry' ("https://111122223333.dkr.ecr.us-east-1.amazonaws.com/charts") must be an oci:// URL without a trailing slash, e.g. "oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts"; write the registry and path the charts are pushed to with \`helm push\``],
    ],
    [
      'a registry URL with a trailing slash',
      withChanges(dev, (e) => (e.registry = 'oci://registry.example.com/charts/')),
      [`${D}'registry' ("oci://registry.example.com/charts/") must be an oci:// URL without a trailing slash, e.g. "oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts"; write the registry and path the charts are pushed to with \`helm push\``],
    ],
    [
      'a namespace that is not a DNS label',
      withChanges(dev, (e) => (e.workloads.plain.namespace = 'ML_Team')),
      [`${D}'workloads.plain.namespace' ("ML_Team") must be a DNS label (lowercase letters, digits and "-", at most 63); Kubernetes namespace names are DNS labels, e.g. "ml-inference"`],
    ],
    [
      'a system namespace',
      withChanges(dev, (e) => (e.workloads.plain.namespace = 'kube-system')),
      [`${D}'workloads.plain.namespace' ("kube-system") must be a namespace of its own; workloads do not go into system namespaces; pick e.g. "plain"`],
    ],
    [
      'a role ARN of the wrong shape (driver)',
      withChanges(dev, (e) => (e.identity.drivers.efs = 'arn:aws:iam::1234:role/x')),
      [`${D}'identity.drivers.efs' ("arn:aws:iam::1234:role/x") must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"; copy the role ARN from IAM`],
    ],
    [
      'a role name instead of an ARN (workload)',
      withChanges(dev, (e) => (e.identity.workloads.inference.inference = 'dev-inference')),
      [`${D}'identity.workloads.inference.inference' ("dev-inference") must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"; copy the role ARN from IAM`],
    ],
    [
      'a role for a service account the chart does not have',
      withChanges(dev, (e) => (e.identity.workloads.inference.server = 'arn:aws:iam::111122223333:role/x')),
      [`${D}'identity.workloads.inference' ("server") must be one of the service accounts of the inference chart: "hydration", "inference"; use the key of serviceAccounts.<key> in the chart's values.yaml`],
    ],
    [
      'roles for a workload not deployed here',
      withChanges(dev, (e) => (e.identity.workloads.other = { a: 'arn:aws:iam::111122223333:role/x' })),
      [`${D}'identity.workloads' ("other") must be a workload of this environment; deploy other under workloads, or remove its roles`],
    ],
    [
      'an Availability Zone of another region',
      withChanges(dev, (e) => (e.network.availabilityZone = 'us-west-2a')),
      [`${D}'network.availabilityZone' ("us-west-2a") must be a zone of us-east-1; give the zone of network.subnetId, in the cluster's region`],
    ],
    [
      'a malformed security group',
      withChanges(dev, (e) => (e.network.securityGroupIds = ['sg-1'])),
      [`${D}'network.securityGroupIds[0]' ("sg-1") must be a security group ID such as "sg-0123456789abcdef0"; copy the ID from the EC2 console or \`aws ec2 describe-security-groups\``],
    ],
    ['a version that is not SemVer', withChanges(dev, (e) => (e.workloads.plain.version = 'latest')), [`${D}'workloads.plain.version' ("latest") must be a SemVer chart version such as "0.1.0"; pin a version that was published to the registry`]],
    ['S3 under storage', withChanges(dev, (e) => (e.storage.s3 = {})), [`${D}'storage' ("s3") must be one of "fsx-lustre", "efs", "s3-files", "instance-store"; S3 has no tier chart: Mountpoint volumes are static, declared by the workload`]],
    ['Karpenter installed on Auto Mode', withChanges(dev, (e) => (e.cluster.autoMode = true)), [`${D}'karpenter.install' (true) must be false on an EKS Auto Mode cluster; Auto Mode runs Karpenter itself; leave karpenter out`]],
    ['an unknown identity mode', withChanges(dev, (e) => (e.identity.mode = 'kiam')), [`${D}'identity.mode' ("kiam") must be one of "irsa", "pod-identity"; choose how pods get AWS credentials`]],
    ['a bad Kubernetes version', withChanges(dev, (e) => (e.cluster.kubernetesVersion = '1.33.x')), [`${D}'cluster.kubernetesVersion' ("1.33.x") must be a Kubernetes minor version such as "1.33"; give the version \`kubectl version\` reports for the server`]],
  ];

  test.each(cases)('%s', (_name, env, expected) => {
    expect(errorsOf(env)).toEqual(expected);
  });

  test('every error of an environment is reported together', () => {
    const env = withChanges(dev, (e) => {
      e.registry = 'oci://Registry/';
      e.network.subnetId = 'subnet-0123456789abcdef0,subnet-0fedcba9876543210';
      e.workloads.inference.values.replicas = 99;
      e.workloads.nope = { namespace: 'x' };
    });
    expect(errorsOf(env).map((m) => m.split(' must ')[0])).toEqual([
      `${D}'registry' ("oci://Registry/")`,
      `${D}'network.subnetId' ("subnet-0123456789abcdef0,subnet-0fedcba9876543210")`,
      `${D}'workloads.inference.values.replicas' (99)`,
      `${D}'workloads' ("nope")`,
    ]);
  });

  test('errors of several environments come together, and no file is produced for any', () => {
    const envs = [withChanges(dev, (e) => (e.workloads.plain.namespace = 'Bad')), withChanges(prod, (e) => (e.workloads.inference.values.replicas = 0))].map((d) => ({ name: d.name, file: `environments/${d.name}/environment.ts`, definition: d }));
    let caught: EnvironmentError | undefined;
    try {
      environmentsFromDefinitions(envs, catalog);
    } catch (e) {
      caught = e as EnvironmentError;
    }
    expect(caught).toBeInstanceOf(EnvironmentError);
    expect(caught!.errors.map((m) => m.split(':')[0])).toEqual(['environments/dev/environment.ts', 'environments/prod/environment.ts']);
    expect(caught!.message).toMatch(/^2 environment errors:\n {2}environments\/dev\/environment.ts: 'workloads.plain.namespace'/);
  });
});

describe('warnings', () => {
  test('an IRSA role for a driver no workload uses', () => {
    const env = withChanges(dev, (e) => {
      e.workloads = { plain: { namespace: 'plain' } };
      e.identity.workloads = {};
      e.storage = {};
      delete e.karpenter;
      delete e.identity.karpenter;
    });
    const plan = planEnvironment(env, catalog);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([
      `${D}'identity.drivers.fsx-lustre' ("arn:aws:iam::111122223333:role/dev-fsx-csi") is set but no workload here uses fsx-lustre: the aws-fsx-csi-driver chart is not installed; remove the role or deploy a workload that needs it`,
      `${D}'identity.drivers.efs' ("arn:aws:iam::111122223333:role/dev-efs-csi") is set but no workload here uses efs: the aws-efs-csi-driver chart is not installed; remove the role or deploy a workload that needs it`,
      `${D}'identity.drivers.s3' ("arn:aws:iam::111122223333:role/dev-s3-csi") is set but no workload here uses s3: the aws-mountpoint-s3-csi-driver chart is not installed; remove the role or deploy a workload that needs it`,
    ]);
  });

  test('a driver without a role, tier values nobody needs, a claim assuming another FSx deployment type', () => {
    const env = withChanges(prod, (e) => {
      delete e.identity.drivers.efs;
      e.workloads = { training: e.workloads.training };
      e.identity.workloads = { training: e.identity.workloads.training };
    });
    expect(planEnvironment(env, catalog).warnings).toEqual([
      `${P}'network.securityGroupIds' (["sg-0fedcba9876543210","sg-00000000000000001"]) has 2 groups but storage-fsx-lustre takes one: the file systems get sg-0fedcba9876543210; set storage.fsx-lustre.securityGroupIds to choose`,
      `${P}'storage.efs' is set but no workload here provisions from its class strata-efs: storage-efs is not installed`,
      `${P}training claim dataset assumes deploymentType "SCRATCH_2", but this environment's strata-fsx-lustre class has "PERSISTENT_2": the file system gets the class's setting (capacity rounding and throughput follow it)`,
    ]);
    const env2 = withChanges(dev, (e) => delete e.identity.drivers.efs);
    expect(planEnvironment(env2, catalog).warnings).toEqual([
      `${D}'identity.drivers.efs' (not set) should be a role for kube-system/efs-csi-controller-sa: without one the EFS CSI driver uses the node's instance profile (efs is used by inference)`,
    ]);
  });

  test('warnings are printed in the report too', () => {
    const readme = environmentFiles(prod, catalog).get('prod/README.md')!;
    expect(readme).toContain('## Warnings\n\n- ');
    expect(readme).toContain("\n- 'network.securityGroupIds'");
    // A pinned version is checked against the chart in charts/, not the pinned one: said once, here too.
    expect(readme).toContain('\n- workloads.inference.version pins 0.0.9 while charts/ holds 0.1.0');
    expect(readme).toContain('\n- training claim dataset assumes deploymentType "SCRATCH_2"');
  });
});

describe('placeholders (issue 15: what the environment generator leaves to fill in never reaches a cluster)', () => {
  const PH = '(nx g @strata/nx-plugin:environment writes placeholders where only you know the value)';
  test('each placeholder is refused once, naming its field and how to fill it in', () => {
    const env = withChanges(dev, (e) => {
      e.registry = 'oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/strata';
      e.network.subnetId = 'subnet-00000000000000000';
      e.network.securityGroupIds = ['sg-00000000'];
      e.identity.workloads.inference.inference = 'arn:aws:iam::000000000000:role/strata-perf-inference';
      e.storage.efs.fileSystemId = 'fs-00000000000000000';
      e.workloads.training.values = { workers: 2, results: { bucket: 'fill-in-bucket' } };
    });
    expect(errorsOf(env)).toEqual([
      `${D}'registry' ("oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/strata") must be a real value, not the placeholder AWS account 123456789012 ${PH}; write the registry the charts are pushed to (\`helm push\`), e.g. the ECR registry of the account the cluster pulls from`,
      `${D}'network.subnetId' ("subnet-00000000000000000") must be a real value, not the placeholder ID subnet-00000000000000000 ${PH}; copy the ID of the subnet from the VPC console or \`aws ec2 describe-subnets\` (its zone is network.availabilityZone)`,
      `${D}'network.securityGroupIds[0]' ("sg-00000000") must be a real value, not the placeholder ID sg-00000000 ${PH}; copy the security group ID from the EC2 console or \`aws ec2 describe-security-groups\``,
      `${D}'identity.workloads.inference.inference' ("arn:aws:iam::000000000000:role/strata-perf-inference") must be a real value, not the placeholder AWS account 000000000000 ${PH}; write the IAM role ARN of this environment's account (copy it from IAM)`,
      `${D}'storage.efs.fileSystemId' ("fs-00000000000000000") must be a real value, not the placeholder ID fs-00000000000000000 ${PH}; copy the file system ID from the EFS or FSx console (\`aws efs describe-file-systems\`, \`aws fsx describe-file-systems\`)`,
      `${D}'workloads.training.values.results.bucket' ("fill-in-bucket") must be a real value, not a "fill-in" placeholder ${PH}; write the name of this environment's bucket`,
    ]);
  });

  test('exactly the listed values count: other example accounts and IDs that merely start with zeros do not', () => {
    expect(placeholderIn('arn:aws:iam::111122223333:role/x')).toBeUndefined();
    expect(placeholderIn('sg-00000000000000001')).toBeUndefined();
    expect(placeholderIn('subnet-0000000012345678f')).toBeUndefined();
    expect(placeholderIn('strata-fill-inventory')).toBeUndefined();
    expect(placeholderIn('1234567890123')).toBeUndefined();
    expect(placeholderIn('s3://fill-in-bucket/raw/')).toBe('a "fill-in" placeholder');
    expect(placeholderIn('000000000000')).toBe('the placeholder AWS account 000000000000');
    expect(placeholderIn('fs-00000000.fsx.us-east-1.amazonaws.com')).toBe('the placeholder ID fs-00000000');
  });
});

describe('a placeholder is reported once', () => {
  test('a chart schema refusing the same value stays silent about that field', () => {
    // The training fixture's schema refuses no fileSystemId of zeros itself; one that does (as charts may) must not repeat the error.
    const env = withChanges(dev, (e) => {
      e.workloads.training.values = { workers: 2, dataset: { sizeGiB: 1200, storageClassName: '', existing: { enabled: true, fileSystemId: 'fs-00000000000000000' } } };
    });
    const errors = errorsOf(env).filter((e) => e.includes('fileSystemId'));
    expect(errors).toEqual([
      `${D}'workloads.training.values.dataset.existing.fileSystemId' ("fs-00000000000000000") must be a real value, not the placeholder ID fs-00000000000000000 (nx g @strata/nx-plugin:environment writes placeholders where only you know the value); copy the file system ID from the EFS or FSx console (\`aws efs describe-file-systems\`, \`aws fsx describe-file-systems\`)`,
    ]);
    expect(aboutField(`'workloads.training.values.dataset.existing.fileSystemId' ("fs-00000000000000000") must be not "fs-00000000000000000"; see charts/training/values.yaml`, new Set(['workloads.training.values.dataset.existing.fileSystemId']))).toBe(true);
    expect(aboutField(`${D}'network.subnetId' ("x") must be …`, new Set(['network.subnetId']))).toBe(true);
    expect(aboutField(`${D}'network.subnetIds' ("x") must be …`, new Set(['network.subnetId']))).toBe(false);
  });
});
