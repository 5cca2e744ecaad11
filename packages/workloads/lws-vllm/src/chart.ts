import { Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Values, WorkloadChart, WorkloadChartProps } from '@strata/helm';
import { LeaderWorkerSet } from '@strata/kinds';
import { addScratch, ASSOCIATION_ID, BUCKET_NAME, BUCKET_NAME_LENGTH, containerProps, DatasetFileSystems, DEFAULT_USER, DistributedDataset, KEY_PREFIX, PATH_SEGMENT, REGION, WorkloadIdentity } from '@strata/patterns';
import { Devices, FsxDeploymentType } from '@strata/storage';
import { IMAGE_REPOSITORY, IMAGE_TAG, SERVED_MODEL_NAME, Tokens } from '@strata/tokens';

/** The FSx for Lustre class every environment installs (the `storage-fsx-lustre` tier chart). */
export const FSX_CLASS = 'strata-fsx-lustre';
/** Where the model version is mounted in every pod of a group (MODEL_DIR). */
export const MODEL_DIR = '/models';
/** The OpenAI-compatible server's port on the leader (the LWS example's). */
export const SERVER_PORT = 8080;

/** FSx identifiers (the storage package checks the same; stated on the values so values.yaml shows them). */
const FILE_SYSTEM_ID = '^fs-[0-9a-f]{8,17}$';
const MOUNT_NAME = '^[A-Za-z0-9_-]{1,8}$';
/** Placeholders of the existing file system, refused while it is in use. */
const NO_FILE_SYSTEM = 'fs-00000000000000000';
const NO_ASSOCIATION = 'dra-00000000000000000';

/**
 * vLLM's helper that starts or joins the group's Ray cluster, shipped in the vllm-openai image
 * (vllm-project/vllm examples/online_serving/multi-node-serving.sh; the path the LWS example runs).
 * `leader` starts the Ray head and returns once `--ray_cluster_size` nodes are up (300 s at most,
 * then exit 1: the pod restarts and LeaderWorkerSet recreates the group); `worker` joins the head
 * and blocks.
 */
const MULTI_NODE = '/vllm-workspace/examples/online_serving/multi-node-serving.sh';

/**
 * The leader: Ray head, then the OpenAI server over the group — tensor-parallel over the pod's
 * GPUs, pipeline-parallel over the group's pods (LWS_GROUP_SIZE, which LeaderWorkerSet sets in
 * every container: kubernetes-sigs/lws@v0.10.0 api/leaderworkerset/v1/leaderworkerset_types.go#L64-L75).
 * `$@` are `server.extraArgs`. `&&` where the example has `;`: without the whole group, no server.
 */
const LEADER_SCRIPT = [
  `bash ${MULTI_NODE} leader --ray_cluster_size="$LWS_GROUP_SIZE" &&`,
  `exec python3 -m vllm.entrypoints.openai.api_server --port ${SERVER_PORT} --model "$MODEL_DIR" --served-model-name "$SERVED_MODEL_NAME"`,
  '--tensor-parallel-size "$TENSOR_PARALLEL_SIZE" --pipeline-parallel-size "$LWS_GROUP_SIZE"',
  '--max-model-len "$MAX_MODEL_LEN" --gpu-memory-utilization "$GPU_MEMORY_UTILIZATION" "$@"',
].join(' ');
/** A worker: joins the leader's Ray cluster (LWS_LEADER_ADDRESS: the leader pod's DNS name) and holds its shards. */
const WORKER_SCRIPT = `exec bash ${MULTI_NODE} worker --ray_address="$LWS_LEADER_ADDRESS"`;

/**
 * Multi-host vLLM on a LeaderWorkerSet (kubernetes-sigs/lws): each group of `group.size` pods is
 * one model replica. The leader starts the group's Ray cluster and runs vLLM's OpenAI server,
 * tensor-parallel over each pod's GPUs and pipeline-parallel over the group; the workers join it.
 * A pod failure recreates its whole group; a rollout brings up a new group before taking an old
 * one down. A ClusterIP Service spreads requests over the groups' leaders.
 *
 * The weights are on FSx for Lustre, through the Distributed Dataset pattern: a file system linked
 * to S3 (a new one from the environment's class, which imports its bucket, or an existing
 * PERSISTENT_2 one with a data repository association) holds `<model.path><model.version>/`,
 * mounted read-only in every pod, and every pod is pinned to the file system's zone. It fits
 * better than the Model Repository pattern here: nothing writes the file system (FSx loads the
 * files from S3 on first read with its own role, so the pods need no AWS access at all), and the
 * zone pin is what a multi-host group needs anyway — one zone for its pods' traffic, and the one
 * EFA requires. Model Repository would copy each version in with a hydration Job, which cannot
 * write a new file system's root-owned directory.
 *
 * GPUs and EFA interfaces are requested through Devices. EFA is off by default (`efa.interfaces`
 * 0): it needs the EFA device plugin, EFA instance types, nodes that give containers an unlimited
 * memlock limit, and an image with libfabric and the aws-ofi-nccl plugin (the stock vllm-openai
 * image has none, so NCCL would use TCP sockets); without EFA the group talks over TCP.
 *
 * Based on kubernetes-sigs/lws@v0.10.0 `docs/examples/vllm/GPU/lws.yaml` (and
 * `site/content/en/docs/examples/vllm.md`): the vllm/vllm-openai image, multi-node-serving.sh,
 * tensor_parallel_size = GPUs per pod, pipeline_parallel_size = group size, a Memory /dev/shm, the
 * leader Service on 8080. Unlike it, the weights come from FSx rather than the Hugging Face Hub (no
 * token in the cluster), and every container runs under Pod Security restricted.
 */
export default class LwsVllmChart extends WorkloadChart {
  public readonly lws: LeaderWorkerSet;
  public readonly model: DistributedDataset;
  public readonly service: plus.Service;

  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {
    super(scope, id, {
      name: 'lws-vllm',
      description: 'Multi-host vLLM on a LeaderWorkerSet: the leader runs the Ray head and the server, tensor/pipeline parallel over the group; weights read-only on FSx for Lustre linked to S3.',
      appVersion: '0.8.5',
      keywords: ['llm', 'inference', 'vllm', 'leaderworkerset', 'multi-host', 'fsx-lustre', 'efa'],
    }, props);
    const v = this.values;

    const repository = v.string('image.repository', { default: 'docker.io/vllm/vllm-openai', description: 'vLLM image repository (with Ray and multi-node-serving.sh).', pattern: IMAGE_REPOSITORY });
    const tag = v.string('image.tag', { default: 'v0.8.5', description: 'vLLM image tag.', pattern: IMAGE_TAG });
    const image = `${repository}:${tag}`;
    const region = v.string('aws.region', { default: 'us-east-1', description: 'Region of the cluster, the file system and the model bucket.', pattern: REGION });

    // --- the groups ----------------------------------------------------------------------------
    const size = v.integer('group.size', { default: 2, minimum: 1, maximum: 64, description: 'Pods per group, the leader included: one model replica across this many nodes (vLLM pipeline_parallel_size).' });
    const groups = v.integer('group.replicas', { default: 1, minimum: 0, maximum: 64, description: 'Groups: model replicas serving behind the leader Service. A rollout brings up one extra group first.' });
    const gpus = v.integer('pod.gpus', { default: 8, minimum: 1, maximum: 8, description: 'NVIDIA GPUs per pod (one pod per node): vLLM tensor_parallel_size.' });
    const efa = v.integer('efa.interfaces', {
      default: 0, minimum: 0, maximum: 32,
      description: 'EFA interfaces per pod (vpc.amazonaws.com/efa); 0 = off, the group talks TCP. Needs the EFA device plugin, EFA instance types, nodes with an unlimited memlock limit and an image with libfabric and aws-ofi-nccl.',
    });
    const spec = {
      image,
      cpu: plus.Cpu.units(v.integer('pod.cpu', { default: 96, minimum: 1, maximum: 192, description: 'CPU cores requested per pod.' })),
      memory: v.size('pod.memory', { default: Size.gibibytes(1024), minimumGiB: 8, maximumGiB: 2048, description: 'Memory request and limit per pod (the weights pass through it on loading; /dev/shm counts against it)' }),
      scratch: v.size('pod.scratch', { default: Size.gibibytes(50), minimumGiB: 1, maximumGiB: 1000, description: 'Scratch at /tmp per pod (HOME: Ray\'s session and spilled objects, vLLM\'s and torch\'s compile caches)' }),
    };
    const sharedMemory = v.size('pod.sharedMemory', { default: Size.gibibytes(16), minimumGiB: 1, maximumGiB: 1024, description: 'Shared memory (/dev/shm) per pod: Ray\'s object store and NCCL between the pod\'s GPUs' });

    const pod = (key: string) => ({
      serviceAccount: serviceAccount(this, v, key),
      securityContext: { ensureNonRoot: true, user: DEFAULT_USER, group: DEFAULT_USER, fsGroup: DEFAULT_USER },
    });
    this.lws = new LeaderWorkerSet(this, 'vllm', {
      replicas: groups,
      size,
      leader: pod('leader'),
      worker: pod('worker'),
      // LeaderCreated: the leader waits for its workers before it serves, so it cannot be ready first.
      startupPolicy: 'LeaderCreated',
    });
    const leader = this.lws.leader!;

    // --- the server ----------------------------------------------------------------------------
    const servedName = v.string('model.servedName', { default: 'llama-3.1-405b-instruct', description: 'The model name clients ask for (OpenAI "model").', pattern: SERVED_MODEL_NAME });
    const server = leader.addContainer({
      ...containerProps('vllm-leader', {
        ...spec,
        command: ['/bin/bash', '-c', LEADER_SCRIPT, 'vllm-leader'],
        args: v.list<string>('server.extraArgs', { default: [], items: { type: 'string' }, description: 'More arguments of vLLM\'s OpenAI server (e.g. ["--enable-prefix-caching"]); the model, parallelism, length and memory share come from their own values.' }),
        env: {
          SERVED_MODEL_NAME: servedName,
          TENSOR_PARALLEL_SIZE: `${gpus}`,
          MAX_MODEL_LEN: `${v.integer('engine.maxModelLen', { default: 8192, minimum: 256, maximum: 1_048_576, description: 'vLLM --max-model-len: the longest context (prompt and output) in tokens.' })}`,
          GPU_MEMORY_UTILIZATION: `${v.number('engine.gpuMemoryUtilization', { default: 0.9, minimum: 0.1, maximum: 0.99, description: 'vLLM --gpu-memory-utilization: the share of each GPU\'s memory for weights and KV cache.' })}`,
        },
      }),
      ports: [{ number: SERVER_PORT, name: 'http' }, { number: 6379, name: 'gcs' }],
      // vLLM answers /health once the model is loaded across the group (docs.vllm.ai, OpenAI server);
      // 30 minutes to load: nodes joining, the weights read from FSx (loaded from S3 on first read).
      readiness: plus.Probe.fromHttpGet('/health', { port: SERVER_PORT, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
      startup: plus.Probe.fromHttpGet('/health', { port: SERVER_PORT, periodSeconds: Duration.seconds(10), failureThreshold: 180 }),
    });
    const worker = this.lws.worker.addContainer(containerProps('vllm-worker', { ...spec, command: ['/bin/bash', '-c', WORKER_SCRIPT] }));

    for (const [template, c] of [[leader, server], [this.lws.worker, worker]] as const) {
      addScratch(template, c, spec);
      c.env.addVariable('MODEL_DIR', plus.EnvValue.fromValue(MODEL_DIR));
      // The weights are local: nothing is fetched from the Hugging Face Hub.
      c.env.addVariable('HF_HUB_OFFLINE', plus.EnvValue.fromValue('1'));
      // The zone is the file system's (DistributedDataset pins it below), which EFA needs too.
      Devices.of(template, c).gpus(gpus).efa(efa, { allowZero: true, sharedMemory });
    }

    // --- the weights: FSx for Lustre linked to S3, read-only -----------------------------------
    const bucket = v.string('model.bucket', { default: 'ml-models', description: 'S3 bucket the file system is linked to (its import path or data repository association).', pattern: BUCKET_NAME, ...BUCKET_NAME_LENGTH });
    const prefix = v.string('model.prefix', { default: 'llama-3.1-405b-instruct/', description: 'Key prefix of the model in the bucket (the S3 side of the link).', pattern: KEY_PREFIX });
    const path = v.string('model.path', { default: '', description: 'Directory of the model inside the file system (relative, ending in "/"; "" when the link puts the prefix at the root). Versions are directories below it.', pattern: KEY_PREFIX });
    const useFileSystem = v.boolean('model.existingFileSystem.enabled', { default: false, description: 'Bind an existing file system (PERSISTENT_2 with a data repository association) instead of creating one from the class; set storageClassName to "".' });
    const fileSystemId = v.string('model.existingFileSystem.fileSystemId', { default: NO_FILE_SYSTEM, description: 'FileSystemId of the existing file system.', pattern: FILE_SYSTEM_ID });
    const importPath = `s3://${bucket}/${prefix}`;
    const fsSize = v.size('model.size', { default: Size.gibibytes(1200), minimumGiB: 1200, maximumGiB: 1_000_000, description: 'Capacity of the file system (at least the model versions it holds)' });
    this.model = new DistributedDataset(this, 'model', {
      job: this.lws,
      mountPath: MODEL_DIR,
      // Zone names are the region and a letter: built from both, the zone always lies in the file system's region.
      availabilityZone: `${region}${v.enum('model.zone', { values: ['a', 'b', 'c', 'd', 'e', 'f'], default: 'a', description: 'Zone letter of the file system\'s subnet in aws.region (a for us-east-1a); every pod of every group runs there.' })}`,
      path,
      version: v.string('model.version', { default: 'v1', description: 'Version directory of the model to serve (mounted read-only): a directory of Hugging Face files (config.json, tokenizer, *.safetensors).', pattern: PATH_SEGMENT }),
      fileSystem: DatasetFileSystems.fromStorageClassOrFileSystem({
        useFileSystem,
        // The environment's class is SCRATCH_2 or a PERSISTENT SSD type: sizes are 1200, 2400, then multiples of 2400 GiB either way.
        storageClass: { deploymentType: FsxDeploymentType.SCRATCH_2, name: v.string('model.storageClassName', { default: FSX_CLASS, description: 'FSx for Lustre StorageClass of a new file system (linked to the bucket by the class); "" with an existing one.', maxLength: 253 }) },
        storage: fsSize,
        importPath,
        fileSystem: {
          fileSystemId,
          // FSx DNS names are <file system id>.fsx.<region>.amazonaws.com.
          dnsName: `${fileSystemId}.fsx.${region}.amazonaws.com`,
          mountName: v.string('model.existingFileSystem.mountName', { default: 'unset', description: 'LustreConfiguration.MountName of the existing file system.', pattern: MOUNT_NAME }),
          deploymentType: FsxDeploymentType.PERSISTENT_2,
          storage: fsSize,
          association: {
            associationId: v.string('model.existingFileSystem.associationId', { default: NO_ASSOCIATION, description: 'AssociationId of the data repository association that links the model prefix.', pattern: ASSOCIATION_ID }),
            dataRepositoryPath: importPath,
            fileSystemPath: `/${path}`,
          },
        },
      }),
    });
    // An existing file system must be named for real when it is used.
    Tokens.checkWhen([{ value: useFileSystem, equals: true }], fileSystemId, { not: { enum: [NO_FILE_SYSTEM] } }, `[${this.node.path}] model.existingFileSystem.fileSystemId`);

    // The leaders of every group, behind one address (the LWS example's vllm-leader Service).
    this.service = new plus.Service(this, 'leader', { ports: [{ port: SERVER_PORT, targetPort: SERVER_PORT, name: 'http' }] });
    this.service.select(leader);
  }
}

/** The service account of one role (`serviceAccounts.<key>.annotations`): the pods need no AWS access, so no policy. */
function serviceAccount(scope: Construct, v: Values, key: string): plus.ServiceAccount {
  return WorkloadIdentity.serviceAccount(scope, key, {
    annotations: v.object<Record<string, string>>(`serviceAccounts.${key}.annotations`, {
      default: {},
      description: `Annotations of the ${key} service account (the ${key} pods need no AWS access: FSx reads S3 with its own role).`,
      schema: { type: 'object', additionalProperties: { type: 'string' } },
    }),
  });
}
