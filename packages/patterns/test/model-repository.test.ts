import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { LeaderWorkerSet, RayService } from '@strata/kinds';
import { AccessMode, Efs, FsxDeploymentType, FsxLustre, S3Mountpoint } from '@strata/storage';
import { policiesOf, Tokens } from '@strata/tokens';
import { containerProps, ModelRepository, ModelRepositoryProps, WorkloadIdentity } from '../src';
import { byKind, newChart, one, synth, synthErrors, synthValid, warnings } from './testing';

const SOURCE = { bucket: 'ml-models', prefix: 'llama-3-8b/' };

function repository(chart = newChart(), props: Partial<ModelRepositoryProps> = {}) {
  const cache = props.cache ?? Efs.fromStorageClass(chart, 'cache', { storageClass: { name: 'strata-efs' } });
  const repo = new ModelRepository(chart, 'models', {
    source: SOURCE,
    version: 'v1',
    cache,
    server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 2, healthPath: '/health' },
    ...props,
  });
  return { chart, repo };
}

describe('ModelRepository with a hydrated cache (EFS)', () => {
  test('snapshot', () => {
    const { chart } = repository();
    expect(synthValid(chart)).toMatchSnapshot();
  });

  test('a hydration Job copies the version into the cache: a release Job, not a hook, so helm-controller waits for it', () => {
    const { chart } = repository();
    const objs = synthValid(chart);
    const job = one(objs, 'Job');
    const copier = job.spec.template.spec.containers[0];
    // A post-install hook that the servers' gate waits for deadlocks Helm's --wait, and a hook is
    // bounded by the release timeout (helm/helm pkg/action/hooks.go): a plain Job is neither.
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    expect(copier.env).toEqual([
      { name: 'SOURCE_URI', value: 's3://ml-models/llama-3-8b/' },
      { name: 'MODEL_SOURCE', value: 's3://ml-models/llama-3-8b/v1/' },
      { name: 'MODEL_VERSION', value: 'v1' },
      { name: 'CACHE_DIR', value: '/cache' },
      { name: 'HOME', value: '/tmp' },
    ]);
    expect(copier.volumeMounts).toContainEqual({ name: 'cache', mountPath: '/cache' }); // writable
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBe(4);
    expect(job.spec.activeDeadlineSeconds).toBe(7200);
  });

  test('gating: the servers cannot start before the version\'s ready marker exists', () => {
    const { chart } = repository();
    const pod = one(synthValid(chart), 'Deployment').spec.template.spec;
    expect(pod.initContainers).toHaveLength(1);
    const gate = pod.initContainers[0];
    expect(gate.name).toBe('wait-for-model');
    expect(gate.restartPolicy).toBeUndefined(); // a real init container: the servers wait for it to exit 0
    expect(gate.env).toContainEqual({ name: 'READY_FILE', value: '/cache/v1/.strata-ready' });
    expect(gate.env).toContainEqual({ name: 'READY_TIMEOUT_SECONDS', value: '7200' }); // as long as the hydration may take
    expect(gate.volumeMounts).toEqual([{ name: 'cache', mountPath: '/cache', readOnly: true }]);
  });

  test('rollouts: no server goes before its replacement is ready, and the progress deadline covers a gated start', () => {
    const { chart } = repository();
    const deployment = one(synthValid(chart), 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    // kstatus calls a Deployment Failed after progressDeadlineSeconds without progress
    // (fluxcd/cli-utils pkg/kstatus/status/core.go): node and image 600 + gate 7200 + startup 1800.
    expect(deployment.spec.progressDeadlineSeconds).toBe(9600);
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'strata.dev/init-seconds': '7200' });
  });

  test('replicas spread softly over nodes and zones, counting only this release\'s pods of this revision', () => {
    const { chart } = repository();
    const deployment = one(synthValid(chart), 'Deployment');
    const constraints = deployment.spec.template.spec.topologySpreadConstraints;
    expect(constraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew, c.matchLabelKeys])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1, ['pod-template-hash']],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1, ['pod-template-hash']],
    ]);
    expect(constraints[0].labelSelector.matchLabels).toEqual({ 'cdk8s.io/metadata.addr': deployment.spec.selector.matchLabels['cdk8s.io/metadata.addr'] });
  });

  test('with the gate\'s timeout a value, the progress deadline is computed from it (by Helm, in the template)', () => {
    const chart = newChart();
    const cache = Efs.fromStorageClass(chart, 'cache', { storageClass: { name: 'strata-efs' } });
    const timeout = Tokens.number('hydration.timeoutSeconds');
    new ModelRepository(chart, 'models', { source: SOURCE, version: 'v1', cache, server: { image: 'vllm:1' }, hydration: { timeout: Duration.seconds(timeout) } });
    const deadline = one(synth(chart), 'Deployment').spec.progressDeadlineSeconds;
    const info = Tokens.infoOf(deadline)!;
    expect(info.formula).toEqual({ op: 'add', args: [600, Tokens.infoOf(timeout), 1800] });
  });

  test('the servers mount the cache read-only with subPath = version, and get their GPUs', () => {
    const { chart } = repository();
    const pod = one(synthValid(chart), 'Deployment').spec.template.spec;
    const server = pod.containers[0];
    expect(server.volumeMounts).toContainEqual({ name: 'cache', mountPath: '/models', readOnly: true, subPath: 'v1' });
    expect(server.env).toContainEqual({ name: 'MODEL_DIR', value: '/models' });
    expect(server.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(server.resources.requests['nvidia.com/gpu']).toBe(2);
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(server.startupProbe.failureThreshold).toBe(180);
  });

  test('hydration and inference have separate service accounts; only hydration reads S3 (read-only, scoped to the bucket and prefix): the servers read the cache', () => {
    const { chart, repo } = repository();
    const objs = synthValid(chart);
    const [hydration, inference] = [repo.hydrationServiceAccount!.name, repo.inferenceServiceAccount.name];
    expect(hydration).not.toBe(inference);
    expect(one(objs, 'Job').spec.template.spec.serviceAccountName).toBe(hydration);
    expect(one(objs, 'Deployment').spec.template.spec.serviceAccountName).toBe(inference);
    const readOnly = (name: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Sid: `Models${name}ModelsList`, Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::ml-models'], Condition: { StringLike: { 's3:prefix': ['llama-3-8b/*'] } } },
        { Sid: `Models${name}ModelsRead`, Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ml-models/llama-3-8b/*'] },
      ],
    });
    expect(repo.iamPolicies()).toEqual({ hydration: readOnly('Hydration') });
    expect(byKind(objs, 'ConfigMap')).toEqual([]);
    expect(policiesOf(chart)).toEqual({ hydration: readOnly('Hydration') });
    expect(WorkloadIdentity.policiesOf(chart)).toEqual(repo.iamPolicies());
  });

  test('a KMS-encrypted bucket adds kms:Decrypt on its key only', () => {
    const { repo } = repository(newChart(), { kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abcd' });
    expect(repo.iamPolicies().hydration.Statement[2]).toEqual({ Sid: 'ModelsHydrationModelsKms', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['arn:aws:kms:us-east-1:111122223333:key/abcd'] });
    expect(repo.iamPolicies().inference).toBeUndefined();
  });

  test('switching versions is a value change: the version token reaches the hydration, the gate and the subPath', () => {
    const chart = newChart();
    const version = Tokens.string('model.version');
    repository(chart, { version });
    const objs = synthValid(chart);
    const pod = one(objs, 'Deployment').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'cache', mountPath: '/models', readOnly: true, subPath: version });
    expect(pod.initContainers[0].env).toContainEqual({ name: 'READY_FILE', value: `/cache/${version}/.strata-ready` });
    expect(one(objs, 'Job').spec.template.spec.containers[0].env).toContainEqual({ name: 'MODEL_VERSION', value: version });
    expect(Tokens.infoOf(version)!.constraints.map((c) => c.origin)).toEqual(['[test/models] version']);
  });

  test('an FSx for Lustre cache is hydrated too, with a warning about the root-owned file system root', () => {
    const chart = newChart();
    const cache = FsxLustre.fromStorageClass(chart, 'cache', { storageClass: { name: 'fsx', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(1200) });
    repository(chart, { cache });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/models] 'cache' ("FsxLustre") must be writable by the hydration Job (uid 1000, gid 1000); a new FSx for Lustre file system's root directory belongs to root, and the driver applies no fsGroup to it: hand the file system's root to uid 1000 once (chown 1000:1000 from an admin pod) before the first write, and record that with hydration.cacheRootPrepared: true`,
    ]);
  });

  test('an FSx for Lustre cache whose root the chart records as handed to uid 1000: no warning at every synthesis', () => {
    const chart = newChart();
    const cache = FsxLustre.fromStorageClass(chart, 'cache', { storageClass: { name: 'fsx', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(1200) });
    repository(chart, { cache, hydration: { cacheRootPrepared: true } });
    synthValid(chart);
    expect(warnings(chart)).toEqual([]);
  });
});

describe('ModelRepository straight from S3 (Mountpoint)', () => {
  function direct(mountPrefix = 'llama-3-8b/') {
    const chart = newChart();
    const cache = new S3Mountpoint(chart, 'bucket', {
      bucketName: 'ml-models', prefix: mountPrefix, accessMode: AccessMode.READ_ONLY_MANY, cache: { type: 'emptyDir', sizeLimit: Size.gibibytes(50) }, uid: 1000, gid: 1000, allowOther: true,
    });
    const { repo } = repository(chart, { cache, readyTimeout: Duration.minutes(5) });
    return { chart, repo };
  }

  test('no hydration: the servers read <mountPath>/<version> through Mountpoint, gated on the version\'s files', () => {
    const { chart, repo } = direct();
    const objs = synthValid(chart);
    expect(byKind(objs, 'Job')).toEqual([]);
    expect(repo.hydrationJob).toBeUndefined();
    const pod = one(objs, 'Deployment').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: 'MODEL_DIR', value: '/models/v1' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'bucket', mountPath: '/models', readOnly: true });
    expect(pod.initContainers[0].env).toEqual([
      { name: 'READY_TIMEOUT_SECONDS', value: '300' },
      { name: 'WAITING_FOR', value: 'model version v1' },
      { name: 'READY_DIR', value: '/models/v1' },
    ]);
    expect(Object.keys(repo.iamPolicies())).toEqual(['inference']);
    expect(warnings(chart)).toEqual([]);
  });

  test('warns when the Mountpoint volume does not let the servers\' user in', () => {
    const chart = newChart();
    const cache = new S3Mountpoint(chart, 'bucket', { bucketName: 'ml-models', prefix: 'llama-3-8b/', accessMode: AccessMode.READ_ONLY_MANY });
    repository(chart, { cache });
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/models] 'cache.allowOther' (false) must be true, with uid and gid 1000; the servers run as uid 1000 and cannot read a Mountpoint volume mounted for its own user only`,
    ]);
  });

  test('the Mountpoint volume must mount the source prefix', () => {
    const { chart } = direct('other/');
    expect(synthErrors(chart)).toEqual([
      `[test/models] 'cache.prefix' ("other/") must be the source prefix "llama-3-8b/"; mount the prefix that holds the versions, so MODEL_DIR is <mountPath>/<version>`,
    ]);
  });
});

describe('ModelRepository refuses', () => {
  test('bad locations and versions, with the reason', () => {
    const chart = newChart();
    repository(chart, { source: { bucket: 's3://ml-models', prefix: 'llama' }, version: '../v1', region: 'us-east' });
    expect(synthErrors(chart)).toEqual([
      // the cache's own mount check sees it too
      `[test/cache] 'subPath' ("../v1") must be a relative path without ".."; name a directory inside the volume, e.g. "v1/data"`,
      `[test/models] 'source.bucket' ("s3://ml-models") must be an S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no ".."); give the bucket name only (no s3:// and no path; put a path in prefix)`,
      `[test/models] 'source.prefix' ("llama") must be a key prefix ending in "/" without a leading "/", or ""; write a key prefix such as "models/llama/" (no leading "/", ending in "/", no "." or ".." segments), or "" for the whole bucket`,
      `[test/models] 'version' ("../v1") must be one path segment (letters, digits, ".", "_", "-"; starting with a letter or digit; at most 128 characters); use letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. "v1"`,
      `[test/models] 'region' ("us-east") must be an AWS region such as us-west-2; e.g. "us-west-2"`,
    ]);
  });

  test('a startup timeout bound to a value (the probe threshold is computed from it)', () => {
    const chart = newChart();
    const startup = Tokens.number('server.startupSeconds');
    repository(chart, { server: { image: 'x:1', healthPath: '/health', startupTimeout: Duration.seconds(startup) } });
    expect(synthErrors(chart)).toEqual([
      `[test/models] 'server.startupTimeout' (${startup}) must be a literal duration; the startup probe's failure threshold is computed from it: state it in code`,
    ]);
  });
});

describe('ModelRepository on servers of another kind', () => {
  test('a RayService\'s worker group reads the hydrated cache through the gate; its account needs no S3 policy (only hydration reads S3)', () => {
    const chart = newChart();
    const account = WorkloadIdentity.serviceAccount(chart, 'serving');
    const ray = new RayService(chart, 'serve', { rayVersion: '2.49.0', serveConfig: 'applications: []\n', head: { pod: { serviceAccount: account, securityContext: { ensureNonRoot: true } } } });
    const head = ray.head.addContainer(containerProps('ray-head', { image: 'rayproject/ray:2.49.0' }));
    head.mount('/tmp', plus.Volume.fromEmptyDir(ray.head, 'tmp', 'tmp'));
    const gpu = ray.addWorkerGroup('gpu', { replicas: 2, pod: { serviceAccount: account, securityContext: { ensureNonRoot: true } } });
    gpu.template.addContainer(containerProps('ray-worker', { image: 'rayproject/ray:2.49.0' })).mount('/tmp', plus.Volume.fromEmptyDir(gpu.template, 'tmp', 'tmp'));
    const cache = Efs.fromStorageClass(chart, 'model-cache', { storageClass: { name: 'strata-efs' } });
    const repo = new ModelRepository(chart, 'models', { source: { bucket: 'ml-models', prefix: 'llama/' }, version: 'v3', cache, servers: ray, podSets: ['gpu'] });
    expect(repo.deployment).toBeUndefined();
    const objs = synth(chart);
    const rs = one(objs, 'RayService');
    const worker = rs.spec.rayClusterConfig.workerGroupSpecs[0].template;
    expect(worker.spec.initContainers.map((c: any) => c.name)).toEqual(['wait-for-model']);
    expect(worker.metadata.annotations).toEqual({ 'strata.dev/init-seconds': '7200' });
    expect(worker.spec.containers[0].volumeMounts).toContainEqual({ mountPath: '/models', name: 'model-cache', readOnly: true, subPath: 'v3' });
    expect(worker.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'MODEL_DIR', value: '/models' }, { name: 'MODEL_VERSION', value: 'v3' }]));
    expect(rs.spec.rayClusterConfig.headGroupSpec.template.spec.initContainers).toBeUndefined();
    expect(Object.keys(repo.iamPolicies()).sort()).toEqual(['hydration']);
    expect(byKind(objs, 'Job')).toHaveLength(1);
  });

  test('throws: both server and servers, servers without a WorkloadIdentity account', () => {
    const chart = newChart();
    const lws = new LeaderWorkerSet(chart, 'serve');
    lws.worker.addContainer(containerProps('server', { image: 'vllm:1' }));
    const cache = Efs.fromStorageClass(chart, 'model-cache', { storageClass: { name: 'strata-efs' } });
    new ModelRepository(chart, 'models', { source: { bucket: 'ml-models' }, version: 'v3', cache, servers: lws, server: { image: 'vllm:1' } });
    expect(synthErrors(chart).filter((e) => e.startsWith('[test/models]'))).toEqual([
      `[test/models] 'servers' ("given with server") must be one of server or servers; let this pattern run the Deployment (server), or give the workload that serves (servers)`,
    ]);
    const chart2 = newChart();
    const lws2 = new LeaderWorkerSet(chart2, 'serve');
    lws2.worker.addContainer(containerProps('server', { image: 'vllm:1' }));
    new ModelRepository(chart2, 'models', { source: { bucket: 'ml-models' }, version: 'v3', cache: Efs.fromStorageClass(chart2, 'model-cache', { storageClass: { name: 'strata-efs' } }), servers: lws2 });
    expect(synthErrors(chart2).filter((e) => e.startsWith('[test/models]'))).toEqual([
      `[test/models] 'servers' ("worker") must be pods with a service account of WorkloadIdentity (pod set worker has none); give them WorkloadIdentity.serviceAccount(this, 'inference'): the model's read policy goes to its role`,
    ]);
  });
});
