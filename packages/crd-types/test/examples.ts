import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AccessPoint } from '@strata/crd-types/ack-efs-access-point';
import { FileSystem } from '@strata/crd-types/ack-efs-file-system';
import { MountTarget } from '@strata/crd-types/ack-efs-mount-target';
import { PodIdentityAssociation } from '@strata/crd-types/ack-eks-pod-identity-association';
import { Policy } from '@strata/crd-types/ack-iam-policy';
import { Role } from '@strata/crd-types/ack-iam-role';
import { Bucket } from '@strata/crd-types/ack-s3-bucket';
import { MetricAlarm } from '@strata/crd-types/ack-cloudwatch-metric-alarm';
import { FieldExport, FieldExportSpecToKind } from '@strata/crd-types/ack-field-export';
import { FileSystem as S3FilesFileSystem } from '@strata/crd-types/ack-s3files-file-system';
import { MountTarget as S3FilesMountTarget } from '@strata/crd-types/ack-s3files-mount-target';
import { ClusterServingRuntime } from '@strata/crd-types/cluster-serving-runtime';
import { ClusterTrainingRuntime } from '@strata/crd-types/cluster-training-runtime';
import { InferenceService, InferenceServiceSpecPredictorModelResourcesLimits } from '@strata/crd-types/inference-service';
import { JobSet } from '@strata/crd-types/jobset';
import { LeaderWorkerSet } from '@strata/crd-types/leader-worker-set';
import { NimCache } from '@strata/crd-types/nim-cache';
import { NimService } from '@strata/crd-types/nim-service';
import { PyTorchJob } from '@strata/crd-types/pytorch-job';
import { RayCluster, RayClusterSpecWorkerGroupSpecsTemplateSpecContainersResourcesLimits } from '@strata/crd-types/ray-cluster';
import { RayJob } from '@strata/crd-types/ray-job';
import { RayService } from '@strata/crd-types/ray-service';
import { ServingRuntime } from '@strata/crd-types/serving-runtime';
import { SparkApplication, SparkApplicationSpecMode, SparkApplicationSpecType } from '@strata/crd-types/spark-application';
import { TrainJob } from '@strata/crd-types/train-job';
import { TrainingRuntime } from '@strata/crd-types/training-runtime';

/** A wire path of the synthesized object, `['spec', 'containers', 0, 'name']`. */
export type WirePath = readonly (string | number)[];

/**
 * A small valid object of one kind. `wire` lists fields whose TypeScript name differs from the name on the
 * wire (cdk8s camel-cases `hostIPC` to `hostIpc`, `roleARN` to `roleArn`…) or that sit deep in a pod
 * template: each must be in the synthesized JSON at exactly that path, with that value.
 */
export interface Example {
  readonly build: (scope: Construct, name: string) => ApiObject;
  readonly wire: readonly (readonly [WirePath, unknown])[];
}

const IMAGE = 'public.ecr.aws/docker/library/busybox:1.37';
const container = { name: 'main', image: IMAGE };
/** A pod template that uses the renamed PodSpec fields (hostIPC, setHostnameAsFQDN) and a volume. */
const podTemplate = {
  spec: {
    hostIpc: false,
    setHostnameAsFqdn: true,
    containers: [{ ...container, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
  },
};
const trainingRuntimeSpec = {
  mlPolicy: { numNodes: 2, torch: {} },
  template: {
    spec: {
      replicatedJobs: [{ name: 'node', replicas: 1, template: { spec: { template: { spec: { containers: [{ name: 'node', image: IMAGE }] } } } } }],
    },
  },
};
const trainingRuntimeWire = [[['spec', 'template', 'spec', 'replicatedJobs', 0, 'template', 'spec', 'template', 'spec', 'containers', 0, 'name'], 'node']] as const;
const servingRuntimeSpec = {
  hostIpc: true,
  supportedModelFormats: [{ name: 'huggingface', autoSelect: true }],
  protocolVersions: ['v2'],
  containers: [{ name: 'kserve-container', image: IMAGE, args: ['--model_dir=/mnt/models'] }],
};
const rayClusterSpec = {
  headGroupSpec: { rayStartParams: { 'dashboard-host': '0.0.0.0' }, template: podTemplate },
  workerGroupSpecs: [
    {
      groupName: 'gpu',
      minReplicas: 0,
      maxReplicas: 4,
      replicas: 1,
      rayStartParams: {},
      template: {
        spec: {
          containers: [{ ...container, resources: { limits: { 'nvidia.com/gpu': RayClusterSpecWorkerGroupSpecsTemplateSpecContainersResourcesLimits.fromNumber(1) } } }],
        },
      },
    },
  ],
};

/** One example per module of the package (test/kinds.test.ts fails on a kind without one). */
export const EXAMPLES: Record<string, Example> = {
  'train-job': {
    build: (scope, name) =>
      new TrainJob(scope, name, {
        metadata: { name },
        spec: {
          runtimeRef: { name: 'torch-distributed' },
          trainer: { image: IMAGE, numNodes: 2, numProcPerNode: 8 },
          initializer: { dataset: { storageUri: 's3://datasets/imagenet' }, model: { storageUri: 'hf://meta-llama/Llama-3.1-8B' } },
        },
      }),
    wire: [
      [['spec', 'runtimeRef', 'name'], 'torch-distributed'],
      [['spec', 'initializer', 'dataset', 'storageUri'], 's3://datasets/imagenet'],
    ],
  },
  'training-runtime': {
    build: (scope, name) => new TrainingRuntime(scope, name, { metadata: { name }, spec: trainingRuntimeSpec }),
    wire: trainingRuntimeWire,
  },
  'cluster-training-runtime': {
    build: (scope, name) => new ClusterTrainingRuntime(scope, name, { metadata: { name }, spec: trainingRuntimeSpec }),
    wire: trainingRuntimeWire,
  },
  'pytorch-job': {
    build: (scope, name) =>
      new PyTorchJob(scope, name, {
        metadata: { name },
        spec: {
          pytorchReplicaSpecs: {
            Master: { replicas: 1, restartPolicy: 'OnFailure', template: { spec: { containers: [{ name: 'pytorch', image: IMAGE }] } } },
            Worker: { replicas: 2, restartPolicy: 'OnFailure', template: podTemplate },
          },
        },
      }),
    wire: [
      [['spec', 'pytorchReplicaSpecs', 'Worker', 'template', 'spec', 'setHostnameAsFQDN'], true],
      [['spec', 'pytorchReplicaSpecs', 'Worker', 'template', 'spec', 'hostIPC'], false],
    ],
  },
  jobset: {
    build: (scope, name) =>
      new JobSet(scope, name, {
        metadata: { name },
        spec: { replicatedJobs: [{ name: 'workers', replicas: 2, template: { spec: { parallelism: 1, completions: 1, template: podTemplate } } }] },
      }),
    wire: [
      [['spec', 'replicatedJobs', 0, 'template', 'spec', 'template', 'spec', 'containers', 0, 'image'], IMAGE],
      [['spec', 'replicatedJobs', 0, 'template', 'spec', 'template', 'spec', 'setHostnameAsFQDN'], true],
      [['spec', 'replicatedJobs', 0, 'template', 'spec', 'template', 'spec', 'volumes', 0, 'persistentVolumeClaim', 'claimName'], 'data'],
    ],
  },
  'leader-worker-set': {
    build: (scope, name) =>
      new LeaderWorkerSet(scope, name, { metadata: { name }, spec: { replicas: 1, leaderWorkerTemplate: { size: 2, workerTemplate: podTemplate } } }),
    wire: [[['spec', 'leaderWorkerTemplate', 'workerTemplate', 'spec', 'hostIPC'], false]],
  },
  'ray-cluster': {
    build: (scope, name) => new RayCluster(scope, name, { metadata: { name }, spec: { rayVersion: '2.49.0', ...rayClusterSpec } }),
    wire: [
      [['spec', 'headGroupSpec', 'rayStartParams', 'dashboard-host'], '0.0.0.0'],
      [['spec', 'headGroupSpec', 'template', 'spec', 'setHostnameAsFQDN'], true],
      [['spec', 'workerGroupSpecs', 0, 'groupName'], 'gpu'],
      [['spec', 'workerGroupSpecs', 0, 'template', 'spec', 'containers', 0, 'resources', 'limits', 'nvidia.com/gpu'], 1],
    ],
  },
  'ray-job': {
    build: (scope, name) =>
      new RayJob(scope, name, {
        metadata: { name },
        spec: { entrypoint: 'python train.py', runtimeEnvYaml: 'pip: [torch]', shutdownAfterJobFinishes: true, rayClusterSpec },
      }),
    wire: [
      [['spec', 'runtimeEnvYAML'], 'pip: [torch]'],
      [['spec', 'rayClusterSpec', 'workerGroupSpecs', 0, 'maxReplicas'], 4],
    ],
  },
  'ray-service': {
    build: (scope, name) =>
      new RayService(scope, name, { metadata: { name }, spec: { serveConfigV2: 'applications: []', rayClusterConfig: rayClusterSpec } }),
    wire: [[['spec', 'rayClusterConfig', 'headGroupSpec', 'template', 'spec', 'hostIPC'], false]],
  },
  'inference-service': {
    build: (scope, name) =>
      new InferenceService(scope, name, {
        metadata: { name },
        spec: {
          predictor: {
            minReplicas: 1,
            hostIpc: true,
            model: {
              modelFormat: { name: 'huggingface' },
              storageUri: 's3://models/llama-3.1-8b',
              resources: { limits: { 'nvidia.com/gpu': InferenceServiceSpecPredictorModelResourcesLimits.fromNumber(1) } },
            },
          },
        },
      }),
    wire: [
      [['spec', 'predictor', 'model', 'storageUri'], 's3://models/llama-3.1-8b'],
      [['spec', 'predictor', 'model', 'resources', 'limits', 'nvidia.com/gpu'], 1],
      [['spec', 'predictor', 'hostIPC'], true],
    ],
  },
  'serving-runtime': {
    build: (scope, name) => new ServingRuntime(scope, name, { metadata: { name }, spec: servingRuntimeSpec }),
    wire: [[['spec', 'hostIPC'], true]],
  },
  'cluster-serving-runtime': {
    build: (scope, name) => new ClusterServingRuntime(scope, name, { metadata: { name }, spec: servingRuntimeSpec }),
    wire: [[['spec', 'hostIPC'], true]],
  },
  'spark-application': {
    build: (scope, name) =>
      new SparkApplication(scope, name, {
        metadata: { name },
        spec: {
          type: SparkApplicationSpecType.PYTHON,
          mode: SparkApplicationSpecMode.CLUSTER,
          sparkVersion: '4.0.0',
          image: 'spark:4.0.0',
          mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
          sparkUiOptions: { servicePort: 4040 },
          driver: { cores: 1, memory: '1g', serviceAccount: 'spark' },
          executor: { instances: 2, cores: 1, memory: '2g' },
        },
      }),
    wire: [
      [['spec', 'type'], 'Python'],
      [['spec', 'sparkUIOptions', 'servicePort'], 4040],
    ],
  },
  'nim-service': {
    build: (scope, name) =>
      new NimService(scope, name, {
        metadata: { name },
        spec: {
          image: { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: '1.3.3' },
          authSecret: 'ngc-api-secret',
          storage: { nimCache: { name: 'llama-3.1-8b' } },
          replicas: 1,
          expose: { service: { type: 'ClusterIP', port: 8000 } },
        },
      }),
    wire: [[['spec', 'storage', 'nimCache', 'name'], 'llama-3.1-8b']],
  },
  'nim-cache': {
    build: (scope, name) =>
      new NimCache(scope, name, {
        metadata: { name },
        spec: {
          source: { ngc: { modelPuller: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3', authSecret: 'ngc-api-secret' } },
          storage: { pvc: { create: true, size: '50Gi', storageClass: 'efs', volumeAccessMode: 'ReadWriteMany' } },
        },
      }),
    wire: [[['spec', 'storage', 'pvc', 'volumeAccessMode'], 'ReadWriteMany']],
  },
  'ack-s3-bucket': {
    build: (scope, name) =>
      new Bucket(scope, name, {
        metadata: { name },
        spec: { name: 'strata-models-123456789012', versioning: { status: 'Enabled' }, publicAccessBlock: { blockPublicAcLs: true, blockPublicPolicy: true } },
      }),
    wire: [[['spec', 'publicAccessBlock', 'blockPublicACLs'], true]],
  },
  'ack-field-export': {
    build: (scope, name) =>
      new FieldExport(scope, name, {
        metadata: { name },
        spec: { from: { resource: { group: 'efs.services.k8s.aws', kind: 'FileSystem', name: 'shared' }, path: '.status.fileSystemID' }, to: { kind: FieldExportSpecToKind.CONFIGMAP, name: 'cloud-values', key: 'shared' } },
      }),
    wire: [[['spec', 'from', 'path'], '.status.fileSystemID']],
  },
  'ack-efs-file-system': {
    build: (scope, name) =>
      new FileSystem(scope, name, {
        metadata: { name },
        spec: { encrypted: true, kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234', performanceMode: 'generalPurpose', throughputMode: 'elastic' },
      }),
    wire: [[['spec', 'kmsKeyID'], 'arn:aws:kms:us-east-1:123456789012:key/1234']],
  },
  'ack-efs-access-point': {
    build: (scope, name) =>
      new AccessPoint(scope, name, {
        metadata: { name },
        spec: {
          fileSystemRef: { from: { name: 'models' } },
          posixUser: { uid: 1000, gid: 1000 },
          rootDirectory: { path: '/models', creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: '750' } },
        },
      }),
    wire: [
      [['spec', 'fileSystemRef', 'from', 'name'], 'models'],
      [['spec', 'rootDirectory', 'creationInfo', 'ownerUID'], 1000],
    ],
  },
  'ack-efs-mount-target': {
    build: (scope, name) =>
      new MountTarget(scope, name, { metadata: { name }, spec: { fileSystemId: 'fs-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0', securityGroups: ['sg-0123456789abcdef0'] } }),
    wire: [
      [['spec', 'fileSystemID'], 'fs-0123456789abcdef0'],
      [['spec', 'subnetID'], 'subnet-0123456789abcdef0'],
    ],
  },
  'ack-s3files-file-system': {
    build: (scope, name) =>
      new S3FilesFileSystem(scope, name, {
        metadata: { name },
        spec: {
          bucket: 'arn:aws:s3:::ml-models',
          prefix: 'models/',
          roleArn: 'arn:aws:iam::123456789012:role/s3files-ml-models',
          importDataRules: [{ prefix: '', trigger: 'ON_DIRECTORY_FIRST_ACCESS', sizeLessThan: 131072 }],
          expirationDataRules: [{ daysAfterLastAccess: 30 }],
          tags: [{ key: 'team', value: 'ml' }],
        },
      }),
    wire: [
      [['spec', 'roleARN'], 'arn:aws:iam::123456789012:role/s3files-ml-models'],
      [['spec', 'expirationDataRules', 0, 'daysAfterLastAccess'], 30],
    ],
  },
  'ack-s3files-mount-target': {
    build: (scope, name) =>
      new S3FilesMountTarget(scope, name, {
        metadata: { name },
        spec: { fileSystemRef: { from: { name: 'ml-models' } }, subnetId: 'subnet-0123456789abcdef0', securityGroups: ['sg-0123456789abcdef0'] },
      }),
    wire: [
      [['spec', 'fileSystemRef', 'from', 'name'], 'ml-models'],
      [['spec', 'subnetID'], 'subnet-0123456789abcdef0'],
    ],
  },
  'ack-iam-role': {
    build: (scope, name) =>
      new Role(scope, name, {
        metadata: { name },
        spec: {
          name: 'strata-model-reader',
          assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] }),
          policyRefs: [{ from: { name: 'model-reader' } }],
        },
      }),
    wire: [[['spec', 'policyRefs', 0, 'from', 'name'], 'model-reader']],
  },
  'ack-iam-policy': {
    build: (scope, name) =>
      new Policy(scope, name, {
        metadata: { name },
        spec: { name: 'strata-model-reader', policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) },
      }),
    wire: [[['spec', 'name'], 'strata-model-reader']],
  },
  'ack-eks-pod-identity-association': {
    build: (scope, name) =>
      new PodIdentityAssociation(scope, name, {
        metadata: { name },
        spec: { clusterName: 'ml', namespace: 'inference', serviceAccount: 'model-server', roleArn: 'arn:aws:iam::123456789012:role/strata-model-reader' },
      }),
    wire: [[['spec', 'roleARN'], 'arn:aws:iam::123456789012:role/strata-model-reader']],
  },
  'ack-cloudwatch-metric-alarm': {
    build: (scope, name) =>
      new MetricAlarm(scope, name, {
        metadata: { name },
        spec: {
          name: 'efs-burst-credits-low',
          namespace: 'AWS/EFS',
          metricName: 'BurstCreditBalance',
          dimensions: [{ name: 'FileSystemId', value: 'fs-0123456789abcdef0' }],
          statistic: 'Minimum',
          period: 300,
          evaluationPeriods: 3,
          threshold: 1e12,
          comparisonOperator: 'LessThanThreshold',
        },
      }),
    wire: [[['spec', 'metricName'], 'BurstCreditBalance']],
  },
};
