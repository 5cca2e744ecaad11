import { Size } from 'cdk8s';
import { AccessMode, Efs, FsxDeploymentType, FsxLustre, S3Mountpoint } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import {
  HYDRATE_COMMAND_SCRIPT,
  HYDRATE_HF_SCRIPT,
  HYDRATE_IMAGE_SCRIPT,
  HYDRATE_NGC_SCRIPT,
  hydrationScript,
  IModelSource,
  ModelRepository,
  ModelRepositoryProps,
  ModelSources,
  TOOLS_SCRIPT,
  WorkloadIdentity,
} from '../src';
import { byKind, newChart, one, synth, synthErrors, synthValid, warnings } from './testing';

const REV = '0123456789abcdef0123456789abcdef01234567';
const HF = ModelSources.huggingFace({ repository: 'meta-llama/Llama-3.1-8B-Instruct', revision: REV, token: { name: 'hf-token', key: 'token' }, image: 'vllm/vllm-openai:v0.8.5' });

function repository(source: ModelRepositoryProps['source'], props: Partial<ModelRepositoryProps> = {}, chart = newChart()) {
  const cache = props.cache ?? Efs.fromStorageClass(chart, 'cache', { storageClass: { name: 'strata-efs' } });
  const repo = new ModelRepository(chart, 'models', { source, version: 'v1', cache, server: { image: 'vllm/vllm-openai:v0.8.5', gpus: 1 }, ...props });
  return { chart, repo };
}

/** The hydration Job's pod. */
const hydrationPod = (objs: any[]) => one(objs, 'Job').spec.template.spec;

describe('ModelRepository sources: one hydration Job, the same gate, layout and marker', () => {
  test('snapshot: Hugging Face, and an image carrying the weights', () => {
    expect(synthValid(repository(HF).chart)).toMatchSnapshot();
    expect(synthValid(repository(ModelSources.image({ image: 'registry.example.com/models/llama:3.1', path: '/models' })).chart)).toMatchSnapshot();
  });

  test('Hugging Face: the pinned commit with the token from its Secret, under the copied busybox; the servers stay offline', () => {
    const { chart, repo } = repository(HF);
    const objs = synthValid(chart);
    const pod = hydrationPod(objs);
    expect(pod.initContainers.map((c: any) => [c.name, c.image, c.command])).toEqual([['strata-tools', 'public.ecr.aws/docker/library/busybox:1.36.1-musl', ['/bin/busybox', 'sh', '-c', TOOLS_SCRIPT]]]);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'strata-tools', mountPath: '/strata-tools' }]);
    const copier = pod.containers[0];
    expect(copier.image).toBe('vllm/vllm-openai:v0.8.5');
    expect(copier.command).toEqual(['/strata-tools/sh', '-c', HYDRATE_HF_SCRIPT, 'hydrate']);
    expect(copier.env).toEqual([
      { name: 'HF_REPO', value: 'meta-llama/Llama-3.1-8B-Instruct' },
      { name: 'HF_REVISION', value: REV },
      { name: 'MODEL_SOURCE', value: `hf://meta-llama/Llama-3.1-8B-Instruct@${REV}` },
      { name: 'MODEL_VERSION', value: 'v1' },
      { name: 'CACHE_DIR', value: '/cache' },
      { name: 'HOME', value: '/tmp' },
      { name: 'STRATA_TOOLS', value: '/strata-tools' },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
    ]);
    expect(copier.volumeMounts).toEqual([
      { name: 'cache', mountPath: '/cache' },
      { name: 'strata-tmp', mountPath: '/tmp' },
      { name: 'strata-tools', mountPath: '/strata-tools', readOnly: true },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'strata-tools', emptyDir: { sizeLimit: '16Mi' } });
    // The same gate and layout as every source.
    const server = one(objs, 'Deployment').spec.template.spec;
    expect(server.initContainers[0].env).toContainEqual({ name: 'READY_FILE', value: '/cache/v1/.strata-ready' });
    expect(server.containers[0].volumeMounts).toContainEqual({ name: 'cache', mountPath: '/models', readOnly: true, subPath: 'v1' });
    expect(server.containers[0].env).toEqual(expect.arrayContaining([{ name: 'MODEL_DIR', value: '/models' }, { name: 'HF_HUB_OFFLINE', value: '1' }]));
    // IAM only for S3: neither account gets a policy, and the chart records none (no iam-policies/<key>.json).
    expect(repo.iamPolicies()).toEqual({});
    expect(byKind(objs, 'ConfigMap')).toEqual([]);
    expect(WorkloadIdentity.policiesOf(chart)).toEqual({});
  });

  test('Hugging Face without a token: a public model, no Secret referred to', () => {
    const { chart } = repository(ModelSources.huggingFace({ repository: 'Qwen/Qwen2.5-0.5B', revision: REV, image: 'hf-cli:1' }));
    const env = hydrationPod(synthValid(chart)).containers[0].env;
    expect(env.some((e: any) => e.valueFrom)).toBe(false);
  });

  test('NGC: the model version, the API key from its Secret', () => {
    const { chart, repo } = repository(ModelSources.ngc({ model: 'nvidia/nemo/llama-3_1-8b-instruct:1.0', apiKey: { name: 'ngc-api', key: 'NGC_API_KEY' }, image: 'nvcr.io/nvidia/ngc-cli:3.41' }));
    const copier = hydrationPod(synthValid(chart)).containers[0];
    expect(copier.command).toEqual(['/strata-tools/sh', '-c', HYDRATE_NGC_SCRIPT, 'hydrate']);
    expect(copier.env).toEqual(expect.arrayContaining([
      { name: 'NGC_MODEL', value: 'nvidia/nemo/llama-3_1-8b-instruct:1.0' },
      { name: 'MODEL_SOURCE', value: 'ngc://nvidia/nemo/llama-3_1-8b-instruct:1.0' },
      { name: 'NGC_CLI_API_KEY', valueFrom: { secretKeyRef: { name: 'ngc-api', key: 'NGC_API_KEY' } } },
    ]));
    expect(repo.iamPolicies()).toEqual({});
  });

  test('an image carrying the weights: its directory copied out, the image needing no shell', () => {
    const { chart } = repository(ModelSources.image({ image: 'registry.example.com/models/llama:3.1', path: '/models/' }));
    const copier = hydrationPod(synthValid(chart)).containers[0];
    expect(copier.image).toBe('registry.example.com/models/llama:3.1');
    expect(copier.command).toEqual(['/strata-tools/sh', '-c', HYDRATE_IMAGE_SCRIPT, 'hydrate']);
    expect(copier.env).toEqual(expect.arrayContaining([
      { name: 'IMAGE_MODEL_DIR', value: '/models' },
      { name: 'MODEL_SOURCE', value: 'image://registry.example.com/models/llama:3.1/models' },
    ]));
  });

  test('any command: its argv after the script, its environment and Secrets, the servers\' environment', () => {
    const { chart } = repository(ModelSources.command({
      image: 'python:3.12-slim',
      command: ['python3', '/app/fetch.py', '--url', 'https://models.example.com/m.tar'],
      env: { MIRROR: 'eu' },
      secretEnv: { API_TOKEN: { name: 'mirror', key: 'token' } },
      serverEnv: { TRANSFORMERS_OFFLINE: '1' },
    }));
    const objs = synthValid(chart);
    const copier = hydrationPod(objs).containers[0];
    expect(copier.command).toEqual(['/strata-tools/sh', '-c', HYDRATE_COMMAND_SCRIPT, 'hydrate', 'python3', '/app/fetch.py', '--url', 'https://models.example.com/m.tar']);
    expect(copier.env).toEqual(expect.arrayContaining([
      { name: 'MIRROR', value: 'eu' },
      { name: 'MODEL_SOURCE', value: 'command:python:3.12-slim python3 /app/fetch.py --url https://models.example.com/m.tar' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'mirror', key: 'token' } } },
    ]));
    expect(one(objs, 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'TRANSFORMERS_OFFLINE', value: '1' });
  });

  test('a source of your own (IModelSource)', () => {
    const own: IModelSource = {
      kind: 'git-lfs',
      bind: ({ version }) => ({ id: `git+https://git.example.com/models.git@${version}`, image: 'alpine/git:2.45.2', script: hydrationScript('make_target\ngit clone "$REPO" "$target"\n', true), tools: true, env: { REPO: 'https://git.example.com/models.git' } }),
    };
    const copier = hydrationPod(synthValid(repository(own).chart)).containers[0];
    expect(copier.env).toContainEqual({ name: 'MODEL_SOURCE', value: 'git+https://git.example.com/models.git@v1' });
  });

  test('a revision bound to a value gets the commit rule in the schema', () => {
    const revision = Tokens.string('model.revision');
    const { chart } = repository(ModelSources.huggingFace({ repository: 'Qwen/Qwen2.5-0.5B', revision, image: 'hf-cli:1' }));
    synth(chart);
    expect(Tokens.infoOf(revision)!.constraints.map((c) => [c.origin, c.constraint.pattern])).toEqual([['[test/models] source.revision', '^[0-9a-f]{40}$']]);
  });
});

describe('ModelRepository sources refuse', () => {
  test('a branch instead of a commit, a repository and image that are not one, a token without its key', () => {
    const { chart } = repository(ModelSources.huggingFace({ repository: 'llama', revision: 'main', token: { name: 'HF_Token', key: '' }, image: '' }));
    expect(synthErrors(chart)).toEqual([
      `[test/models] 'source.repository' ("llama") must be a Hugging Face model repository "owner/name" (letters, digits, ".", "_" and "-", each part starting with a letter or digit); copy "owner/name" from the model's page on huggingface.co`,
      `[test/models] 'source.revision' ("main") must be a commit hash: 40 lowercase hex digits; pin the commit (40 hex digits, from the model's "Files and versions" history): a branch or tag such as "main" can move, and the cache would hold another model under the same version`,
      `[test/models] 'source.image' ("") must be an image with huggingface_hub's command line (hf), e.g. your vLLM server's image`,
      `[test/models] 'source.token.name' ("HF_Token") must be a Secret name (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit; at most 253); give the Secret's metadata.name`,
      `[test/models] 'source.token.key' ("") must be the key in the Secret; e.g. "token"`,
    ]);
  });

  test('an NGC model without its version, an image path of "/", an empty command', () => {
    expect(synthErrors(repository(ModelSources.ngc({ model: 'nvidia/llama', image: 'ngc:1' })).chart)).toEqual([
      `[test/models] 'source.model' ("nvidia/llama") must be an NGC model version "org/[team/]model:version"; copy the model's "org/team/name:version" from the NGC catalog`,
    ]);
    expect(synthErrors(repository(ModelSources.image({ image: 'weights:1', path: '/' })).chart)).toEqual([
      `[test/models] 'source.path' ("/") must be an absolute directory other than "/", such as "/models"; give the directory the image keeps the model in, e.g. "/models" (not "/": the whole image would be copied)`,
    ]);
    expect(synthErrors(repository(ModelSources.command({ image: 'python:3.12', command: [], env: { 'BAD-NAME': 'x' } })).chart)).toEqual([
      `[test/models] 'source.command' ([]) must be a command and its arguments; e.g. ["python3", "/app/fetch.py"]: it fills MODEL_TARGET`,
      `[test/models] 'source.env' ("BAD-NAME") must be an environment variable name (letters, digits and "_", not starting with a digit); name the variable with letters, digits and "_"`,
    ]);
  });

  test('S3 settings with another source, and a Mountpoint cache for a source that is not S3', () => {
    expect(synthErrors(repository(HF, { region: 'us-east-1', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', hydration: { image: 'aws-cli:2' } }).chart)).toEqual([
      `[test/models] 'region' ("us-east-1") must be unset for a huggingFace source; it concerns an S3 bucket, and this source is not S3`,
      `[test/models] 'kmsKeyArn' ("arn:aws:kms:us-east-1:111122223333:key/k") must be unset for a huggingFace source; it concerns an S3 bucket, and this source is not S3`,
      `[test/models] 'hydration.image' ("aws-cli:2") must be unset for a huggingFace source; give the image in the source`,
    ]);
    const chart = newChart();
    const cache = new S3Mountpoint(chart, 'bucket', { bucketName: 'ml-models', accessMode: AccessMode.READ_ONLY_MANY, uid: 1000, gid: 1000, allowOther: true });
    expect(synthErrors(repository(HF, { cache }, chart).chart)).toEqual([
      `[test/models] 'cache' ("S3Mountpoint") must be an Efs or FsxLustre claim for a huggingFace source; Mountpoint reads an S3 source straight from its bucket; other sources are hydrated into EFS or FSx for Lustre`,
    ]);
  });
});

describe('ModelRepository: whom each container runs as', () => {
  test('the hydration Job as the uid, gid and groups given; the root-owned cache warning names them', () => {
    const chart = newChart();
    const cache = FsxLustre.fromStorageClass(chart, 'cache', { storageClass: { name: 'fsx', deploymentType: FsxDeploymentType.SCRATCH_2 }, storage: Size.gibibytes(1200) });
    repository({ bucket: 'ml-models', prefix: 'llama/' }, { cache, hydration: { runAs: { user: 2000, group: 3000, fsGroup: 3000, supplementalGroups: [4000] } } }, chart);
    const pod = hydrationPod(synthValid(chart));
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true });
    expect(pod.securityContext).toMatchObject({ fsGroup: 3000, supplementalGroups: [4000], runAsNonRoot: true });
    expect(warnings(chart)).toEqual([
      `[test/models] 'cache' ("FsxLustre") must be writable by the hydration Job (uid 2000, gid 3000); a new FSx for Lustre file system's root directory belongs to root, and the driver applies no fsGroup to it: hand the file system's root to uid 2000 once (chown 2000:3000 from an admin pod) before the first write, and record that with hydration.cacheRootPrepared: true`,
    ]);
  });

  test('the server as its spec says, with its pod groups; the gate follows the server', () => {
    const { chart } = repository({ bucket: 'ml-models' }, { server: { image: 'vllm:1', user: 1500, group: 1600, fsGroup: 1600, supplementalGroups: [1700, 1800] } });
    const pod = one(synthValid(chart), 'Deployment').spec.template.spec;
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 1500, runAsGroup: 1600 });
    expect(pod.initContainers[0].securityContext).toMatchObject({ runAsUser: 1500, runAsGroup: 1600 });
    expect(pod.securityContext).toMatchObject({ fsGroup: 1600, supplementalGroups: [1700, 1800] });
  });

  test('the gate as given', () => {
    const { chart } = repository({ bucket: 'ml-models' }, { gateRunAs: { user: 65534, group: 65534 } });
    expect(one(synthValid(chart), 'Deployment').spec.template.spec.initContainers[0].securityContext).toMatchObject({ runAsUser: 65534, runAsGroup: 65534 });
  });

  test('root is refused, with the reason, wherever it is given', () => {
    const { chart } = repository({ bucket: 'ml-models' }, { server: { image: 'vllm:1', user: 0 }, hydration: { runAs: { user: 0, group: -1 } }, gateRunAs: { user: 0 } });
    const restricted = 'Pod Security "restricted" refuses a container running as root (runAsUser 0), and strata\'s namespaces enforce it: run as a non-root uid, e.g. 1000, and give the files the container needs to that uid or to one of its groups';
    expect(synthErrors(chart)).toEqual([
      `[test/models] 'gateRunAs.user' (0) must be a uid from 1 to 2147483647 (not 0: root); ${restricted}`,
      `[test/models] 'server.user' (0) must be a uid from 1 to 2147483647 (not 0: root); ${restricted}`,
      `[test/models] 'hydration.runAs.user' (0) must be a uid from 1 to 2147483647 (not 0: root); ${restricted}`,
      `[test/models] 'hydration.runAs.group' (-1) must be a gid from 0 to 2147483647; give a gid from 0 to 2147483647`,
    ]);
  });

  test('a uid bound to a value gets the rule in the schema: at least 1', () => {
    const user = Tokens.number('hydration.uid');
    const { chart } = repository({ bucket: 'ml-models' }, { hydration: { runAs: { user } } });
    synth(chart);
    expect(Tokens.infoOf(user)!.constraints.map((c) => [c.origin, c.constraint])).toEqual([['[test/models] hydration.runAs.user', { minimum: 1, maximum: 2147483647, multipleOf: 1 }]]);
  });
});

describe('ModelRepository: one warning for every cache whose root belongs to root', () => {
  test('EFS without an access point warns, with the access point as the first fix', () => {
    const chart = newChart();
    const cache = Efs.fromFileSystem(chart, 'cache', { fileSystemId: 'fs-0123456789abcdef0' });
    repository({ bucket: 'ml-models' }, { cache }, chart);
    synthValid(chart);
    expect(warnings(chart)).toEqual([
      `[test/models] 'cache' ("Efs") must be writable by the hydration Job (uid 1000, gid 1000); an EFS file system mounted without an access point checks the pod's own uid against its directories, its root directory belongs to root, and the driver applies no fsGroup to it: mount it through an access point whose POSIX user is 1000:1000 (Efs.fromFileSystem with accessPointId, or an EFS StorageClass, which makes one per claim), or hand the file system's root to uid 1000 once (chown 1000:1000 from an admin pod) before the first write; then record that with hydration.cacheRootPrepared: true`,
    ]);
  });

  test('EFS through an access point, or from a class (one access point per claim): no warning', () => {
    for (const build of [
      (c: ReturnType<typeof newChart>) => Efs.fromFileSystem(c, 'cache', { fileSystemId: 'fs-0123456789abcdef0', accessPointId: 'fsap-0123456789abcdef0' }),
      (c: ReturnType<typeof newChart>) => Efs.fromStorageClass(c, 'cache', { storageClass: { name: 'strata-efs' } }),
    ]) {
      const chart = newChart();
      repository({ bucket: 'ml-models' }, { cache: build(chart) }, chart);
      synthValid(chart);
      expect(warnings(chart)).toEqual([]);
    }
  });
});
