import { Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Devices, NVIDIA_GPU_RESOURCE, Rules, SchedulablePod } from '@strata/storage';
import { problem, Tokens } from '@strata/tokens';
import { checkSecurity, MAX_ID, restrictedSecurityContext, RunAs, SecurityOptions } from './security';

/** The extended resource of NVIDIA GPUs (device plugin). */
export const NVIDIA_GPU = NVIDIA_GPU_RESOURCE;

/** The AWS CLI v2 image of hydration Jobs, restore steps and sync sidecars (overridable per pattern). */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.22.35';
/** A small image with a POSIX shell, for the gates. */
export const SHELL_IMAGE = 'public.ecr.aws/docker/library/busybox:1.36.1';
/**
 * busybox built static (the musl variant), copied into images without a shell (the hydration of an
 * image source). The default busybox:1.36.1 is the glibc variant, whose busybox is not static
 * (docker-library/busybox@ce868b8:versions.json lists glibc first, which the plain tags take;
 * Dockerfile-builder.template#L252-L254 leaves CONFIG_STATIC unset for glibc only). That ECR Public's
 * mirror carries the -musl tag is **unverified** here.
 */
export const SHELL_TOOLS_IMAGE = 'public.ecr.aws/docker/library/busybox:1.36.1-musl';

/**
 * A container a pattern runs for the user (an inference server, a trainer, a worker): the parts
 * a workload states, each of which may be a Helm value.
 */
export interface ContainerSpec extends SecurityOptions {
  /** The image, e.g. `${repository}:${tag}`. */
  readonly image: string;
  /** The entrypoint. @default - the image's */
  readonly command?: string[];
  /** Arguments. @default - the image's */
  readonly args?: string[];
  /** Extra environment variables. @default - none */
  readonly env?: Record<string, string>;
  /** CPU request (no CPU limit: throttling a GPU feeder costs more than it saves). @default 1 core */
  readonly cpu?: plus.Cpu;
  /** Memory request and limit (equal, so the pod is never evicted for memory it was given). @default 4 GiB */
  readonly memory?: Size;
  /**
   * NVIDIA GPUs (`nvidia.com/gpu` request and limit, which must be equal for extended resources),
   * and a toleration of the `nvidia.com/gpu` taint of GPU node groups.
   * @default - no GPU
   */
  readonly gpus?: number;
  /**
   * The uid the container runs as, 1 to 2147483647: never 0 (root), which Pod Security
   * "restricted" refuses (see RunAs).
   * @default 1000
   */
  readonly user?: number;
  /** The gid the container runs as, 0 to 2147483647. @default 1000 */
  readonly group?: number;
  /**
   * The `fsGroup` of the pod, when the pattern makes the pod (ParallelJob's workers, ModelRepository's
   * server Deployment); containerProps alone cannot set it (see PodGroups).
   * @default - none
   */
  readonly fsGroup?: number;
  /**
   * Supplemental groups of the pod, when the pattern makes the pod (see PodGroups).
   * @default - none
   */
  readonly supplementalGroups?: readonly number[];
  /**
   * Whether the root file system is read-only; scratch space then comes from `scratch`.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Scratch space at /tmp (an emptyDir with this sizeLimit on node disk; HOME=/tmp), for caches
   * the container writes (compiled kernels, tokenizer caches). Not added to the ephemeral-storage
   * request: that is left to the storage the pattern mounts for data.
   * @default Size.gibibytes(10)
   */
  readonly scratch?: Size;
  /**
   * Shared memory at /dev/shm (a Memory emptyDir; counts against the memory limit): NCCL and data
   * loader workers need more than the runtime's 64 MiB.
   * @default - the runtime's /dev/shm
   */
  readonly sharedMemory?: Size;
}

/** Where containerProps reports a uid it refuses. */
export interface ContainerPropsOptions {
  /**
   * The rule book of the construct the container belongs to: a refused uid is recorded there (all
   * problems of a synthesis together) instead of thrown.
   * @default - a literal uid of 0 throws an Error with the same message
   */
  readonly rules?: Rules;
  /** The field the spec is in, for messages (e.g. 'server'). @default the container's name */
  readonly field?: string;
}

/**
 * cdk8s-plus container props for a user's container spec (extra variables after the user's, in
 * order: later ones may refer to earlier ones as `$(NAME)`). Its uid and gid are checked: uid 0 is
 * refused (Pod Security "restricted"), and a uid or gid bound to a value gets the same rules in the
 * values schema. Pod-level groups (fsGroup, supplementalGroups) are the pod's: see applyPodGroups.
 */
export function containerProps(name: string, spec: ContainerSpec, extraEnv: Record<string, string | plus.EnvValue> = {}, options: ContainerPropsOptions = {}): plus.ContainerProps {
  const field = options.field ?? name;
  if (options.rules) {
    checkSecurity(options.rules, field, { user: spec.user, group: spec.group });
  } else if (spec.user === 0) {
    throw new Error(problem(`${field}.user`, 0, 'a uid from 1 to 2147483647 (not 0: root)', 'Pod Security "restricted" refuses a container running as root (runAsUser 0), and strata\'s namespaces enforce it: run as a non-root uid, e.g. 1000, and give the files the container needs to that uid or to one of its groups'));
  } else {
    // No rule book: values still get their schema rules.
    Tokens.check(spec.user, { minimum: 1, maximum: MAX_ID, multipleOf: 1 }, `containerProps ${field}.user`, 'a uid from 1 to 2147483647 (not 0: root)');
    Tokens.check(spec.group, { minimum: 0, maximum: MAX_ID, multipleOf: 1 }, `containerProps ${field}.group`, 'a gid from 0 to 2147483647');
  }
  const env: Record<string, plus.EnvValue> = {};
  for (const [k, v] of Object.entries({ ...(spec.env ?? {}), ...extraEnv })) env[k] = typeof v === 'string' ? plus.EnvValue.fromValue(v) : v;
  const memory = spec.memory ?? Size.gibibytes(4);
  return {
    name,
    image: spec.image,
    command: spec.command,
    args: spec.args,
    envVariables: env,
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: restrictedSecurityContext(spec.user, spec.group, spec.readOnlyRootFilesystem ?? true),
    resources: { cpu: { request: spec.cpu ?? plus.Cpu.units(1) }, memory: { request: memory, limit: memory } },
  };
}

/**
 * Adds a container's scratch (/tmp, HOME=/tmp) and shared memory (/dev/shm) volumes, as its spec
 * asks (see ContainerSpec.scratch, sharedMemory).
 */
export function addScratch(pod: plus.AbstractPod, container: plus.Container, spec: ContainerSpec): void {
  const scratch = plus.Volume.fromEmptyDir(pod, `${container.name}-scratch`, `${container.name}-scratch`, { sizeLimit: spec.scratch ?? Size.gibibytes(10) });
  container.mount('/tmp', scratch);
  container.env.addVariable('HOME', plus.EnvValue.fromValue('/tmp'));
  if (spec.sharedMemory !== undefined) {
    const shm = plus.Volume.fromEmptyDir(pod, `${container.name}-shm`, `${container.name}-shm`, { medium: plus.EmptyDirMedium.MEMORY, sizeLimit: spec.sharedMemory });
    container.mount('/dev/shm', shm);
  }
}

/**
 * Props of a small helper container (a gate, a copier, a sync sidecar) of a pattern, run as
 * `runAs` (default uid and gid 1000; check it with checkSecurity first).
 */
export function helperProps(name: string, image: string, script: string, env: Record<string, string>, resources: plus.ContainerResources, runAs: RunAs = {}): plus.ContainerProps {
  const envVariables: Record<string, plus.EnvValue> = {};
  for (const [k, v] of Object.entries(env)) envVariables[k] = plus.EnvValue.fromValue(v);
  return {
    name,
    image,
    command: ['/bin/sh', '-c', script],
    envVariables,
    imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: restrictedSecurityContext(runAs.user, runAs.group),
    resources,
  };
}

/** Small requests for helper containers. */
export function helperResources(cpuMillis: number, memoryMiB: number, memoryLimitMiB: number = memoryMiB * 4): plus.ContainerResources {
  return { cpu: { request: plus.Cpu.millis(cpuMillis) }, memory: { request: Size.mebibytes(memoryMiB), limit: Size.mebibytes(memoryLimitMiB) } };
}

/**
 * GPUs for container `index` of a workload's pod template, through @strata/storage's Devices: the
 * `nvidia.com/gpu` limit and request, and the toleration of the GPU taint. Written whenever `gpus`
 * is given, also 0: a value decided at install time renders the same way whatever it holds, and a
 * literal renders as that value would.
 */
export function requestGpus(rules: Rules, pod: SchedulablePod, index: number, gpus: number | undefined): void {
  if (gpus === undefined) return;
  if (!rules.check('gpus', gpus, { minimum: 0, maximum: 64, multipleOf: 1 }, 'request whole GPUs (nvidia.com/gpu)', 'a whole number of GPUs between 0 and 64')) return;
  Devices.of(pod, pod.containers[index]).gpus(gpus, { allowZero: true });
}

/**
 * A pod-wide scratch directory for helpers whose root file system is read-only (HOME for the AWS
 * CLI, temporary files): a small emptyDir, one per pod.
 */
export function tmpVolume(pod: plus.AbstractPod): plus.Volume {
  let v = tmpVolumes.get(pod);
  if (!v) {
    v = plus.Volume.fromEmptyDir(pod, 'tmp-volume', 'strata-tmp', { sizeLimit: Size.mebibytes(512) });
    tmpVolumes.set(pod, v);
  }
  return v;
}

const tmpVolumes = new WeakMap<plus.AbstractPod, plus.Volume>();
