import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { problem, Tokens } from '@strata/tokens';
import { GPU_TAINT } from './karpenter';
import { Rules } from './rules';
import { NodeToleration, PodScheduling, SchedulablePod } from './scheduling';

/**
 * Devices of a container: NVIDIA GPUs, EFA interfaces, AWS Neuron devices or cores — the extended
 * resources their device plugins advertise — with what a pod using them needs to be scheduled.
 *
 * Sources (each fact below cites one; what could not be checked is marked UNVERIFIED):
 * - NVIDIA/k8s-device-plugin@v0.20.0: README.md#L169-L193 (`nvidia.com/gpu` in limits, the
 *   `nvidia.com/gpu` Exists NoSchedule toleration), deployments/helm/nvidia-device-plugin/values.yaml#L86-L93.
 * - awsdocs/amazon-eks-user-guide@4d52b4d: latest/ug/ml/node-efa.adoc (EFA device plugin, huge
 *   pages, the NCCL test pod).
 * - aws-samples/aws-efa-eks@9d6557e: README.md#L83-L100, manifest/efa-k8s-device-plugin.yml#L18-L23.
 * - aws/eks-charts@v0.0.242: stable/aws-efa-k8s-device-plugin/values.yaml#L332-L335.
 * - aws-neuron/neuron-helm-charts@8172e5e: charts/neuron-helm-chart/values.yaml#L30-L35;
 *   https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/tutorials/k8s-neuron-device-plugin.html
 * - awslabs/ai-on-eks@41a979e: infra/base/terraform/addons.tf#L565-L568, #L622-L625 (Neuron
 *   NodePool taint); blueprints/training/raytrain-llama2-pretrain-trn1/llama2-pretrain-trn1-raycluster.yaml#L106-L147.
 * - aws/karpenter-provider-aws@v1.14.1: pkg/apis/v1/labels.go#L133-L140, #L157-L166 (resource and
 *   label names), pkg/providers/instancetype/types.go#L270-L291 (GPU and accelerator labels),
 *   #L336-L350 (the capacity Karpenter computes: GPUs, Neuron, EFA — no huge pages), #L472-L483 (EFA count).
 * - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#consuming-extended-resources
 *   ("Extended resources cannot be overcommitted, so request and limit must be equal if both are present").
 * - https://kubernetes.io/docs/tasks/manage-hugepages/scheduling-hugepages/ ("Huge page requests must
 *   equal the limits"; a CPU or memory request must accompany them).
 */

/** NVIDIA GPUs (the NVIDIA device plugin's resource; karpenter-provider-aws@v1.14.1 labels.go#L133). */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';
/** EFA interfaces (the EFA device plugin's resource; karpenter-provider-aws@v1.14.1 labels.go#L140). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';
/** Whole Neuron devices, every core of each (the Neuron device plugin; labels.go#L135). */
export const NEURON_DEVICE_RESOURCE = 'aws.amazon.com/neuron';
/** Single Neuron cores (the Neuron device plugin; labels.go#L136). */
export const NEURON_CORE_RESOURCE = 'aws.amazon.com/neuroncore';
/** The device resources this module requests, and the lifecycle check counts. */
export const DEVICE_RESOURCES = [NVIDIA_GPU_RESOURCE, EFA_RESOURCE, NEURON_DEVICE_RESOURCE, NEURON_CORE_RESOURCE] as const;
/** 2 MiB huge pages (https://kubernetes.io/docs/tasks/manage-hugepages/scheduling-hugepages/). */
export const HUGEPAGES_2MI_RESOURCE = 'hugepages-2Mi';

/**
 * The taint of Neuron nodes: ai-on-eks's Trainium and Inferentia NodePools carry
 * `aws.amazon.com/neuron=true:NoSchedule` (awslabs/ai-on-eks@41a979e infra/base/terraform/addons.tf#L565-L568),
 * and the Neuron device plugin tolerates `aws.amazon.com/neuron` Exists NoSchedule
 * (aws-neuron/neuron-helm-charts@8172e5e charts/neuron-helm-chart/values.yaml#L33-L35).
 */
export const NEURON_TAINT: plus.k8s.Taint = { key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' };
/**
 * The taint key EFA node groups are tolerated by in the EFA device plugin's manifests
 * (aws-samples/aws-efa-eks@9d6557e manifest/efa-k8s-device-plugin.yml#L21-L23; commented out in
 * aws/eks-charts@v0.0.242 stable/aws-efa-k8s-device-plugin/values.yaml#L333-L335). UNVERIFIED:
 * that EKS, eksctl or Karpenter ever put it on a node; tolerating an absent taint costs nothing.
 */
export const EFA_TAINT_KEY = 'aws.amazon.com/efa';
/** The NVIDIA GPU model of a Karpenter node, lower-kebab-case ("h100", "a10g", "l4"): karpenter-provider-aws@v1.14.1 types.go#L270-L277. */
export const INSTANCE_GPU_NAME_LABEL = 'karpenter.k8s.aws/instance-gpu-name';
/** The accelerator of a Karpenter node ("inferentia", "inferentia2", "trainium", "trainium2" for Neuron): types.go#L285-L291. */
export const INSTANCE_ACCELERATOR_NAME_LABEL = 'karpenter.k8s.aws/instance-accelerator-name';
/** The zone label every node carries. */
const ZONE_LABEL = 'topology.kubernetes.io/zone';
/**
 * libfabric's EFA provider takes its bounce buffers from huge pages unless this is 0
 * (aws-samples/awsome-distributed-training 1.architectures/efa-cheatsheet.md: set it to 0 when
 * fork() fails with "Cannot allocate memory"). Without huge pages it falls back to normal pages
 * (ofiwg/libfabric@0564e43 prov/util/src/util_buf.c ofi_bufpool_grow, "fall back to normal allocations").
 */
export const EFA_HUGE_PAGE_ENV = 'FI_EFA_USE_HUGE_PAGE';

/** How a count is checked. */
export interface CountOptions {
  /**
   * Accept 0: the request is then written as 0 (the device off, its toleration and requirements
   * kept). For a count bound to a Helm value that installers may set to 0, whose literal must render
   * exactly as the value would (the chart writer's round trip): the same rule holds for both.
   * @default false — a literal or a value must be at least 1
   */
  readonly allowZero?: boolean;
}

export interface GpuOptions extends CountOptions {
  /**
   * NVIDIA GPU models the nodes must have: a requirement `karpenter.k8s.aws/instance-gpu-name In …`
   * (Karpenter's lower-kebab-case names, e.g. "h100", "a10g", "l4"). Only nodes Karpenter
   * launched carry the label: a pod with it never runs on a node group.
   * @default - any NVIDIA GPU (the nvidia.com/gpu request alone picks the nodes)
   */
  readonly gpuNames?: string[];
}

export interface EfaOptions extends CountOptions {
  /**
   * 2 MiB huge pages for libfabric's buffers (`hugepages-2Mi` request and limit). AWS's EFA
   * examples request 5120Mi (awsdocs/amazon-eks-user-guide node-efa.adoc; aws-samples/aws-efa-eks
   * README.md#L83-L100). The nodes must pre-allocate them, and Karpenter v1.14 computes no
   * huge-page capacity for an instance type (karpenter-provider-aws@v1.14.1 types.go#L336-L350):
   * it launches nodes for such a pod only with a NodeOverlay that adds `hugepages-2Mi` capacity
   * (kubernetes-sigs/karpenter@v1.14.1 pkg/cloudprovider/types.go#L269-L294).
   * @default - no huge pages; the container gets FI_EFA_USE_HUGE_PAGE=0 (unless it sets it), so
   * libfabric uses normal pages instead of huge pages the pod was not given
   */
  readonly hugePages?: Size;
  /**
   * A `/dev/shm` of this size for the container (a Memory emptyDir; it counts against the
   * memory limit): NCCL and the processes of a node exchange data through it, and every AWS EFA
   * example mounts one (node-efa.adoc mounts the node's /dev/shm as hostPath, which Pod Security
   * baseline and restricted refuse; ai-on-eks raytrain-llama2-pretrain-trn1 uses a Memory emptyDir).
   * @default - none added; a warning when the container mounts nothing at /dev/shm
   */
  readonly sharedMemory?: Size;
  /**
   * The zone the pod must run in (`topology.kubernetes.io/zone In [zone]`): EFA traffic stays in
   * one Availability Zone (node-efa.adoc: EFA-only interfaces limit communication "to interfaces
   * within the same Availability Zone"), so the pods of one job must share a zone. UNVERIFIED:
   * whether EFA traffic also stays within one subnet on current instance types.
   * @default - not pinned (the job's pods may land in different zones)
   */
  readonly zone?: string;
}

/** A Neuron request: whole devices or single cores (one of them). */
export interface NeuronRequest extends CountOptions {
  /** Whole Neuron devices (`aws.amazon.com/neuron`): every core of each device. */
  readonly devices?: number;
  /** Neuron cores (`aws.amazon.com/neuroncore`). */
  readonly cores?: number;
  /**
   * Neuron accelerators the nodes must have: a requirement `karpenter.k8s.aws/instance-accelerator-name In …`
   * ("inferentia", "inferentia2", "trainium", "trainium2"). Only Karpenter nodes carry the label.
   * @default - any Neuron device
   */
  readonly acceleratorNames?: string[];
}

/** What one container asks for, by resource. */
interface ContainerRequests {
  readonly container: plus.Container;
  readonly counts: Map<string, number>;
  hugePages?: Size;
  sharedMemory?: Size;
}

/**
 * The devices of one container of a pod or workload.
 *
 * ```ts
 * const job = new plus.Job(chart, 'train', { containers: [{ image: 'trainer:1' }] });
 * Devices.of(job, job.containers[0]).gpus(8).efa(32, { sharedMemory: Size.gibibytes(64) });
 * ```
 *
 * cdk8s-plus-28's Container has no extended resources. The counts reach the container's
 * `resources.limits` and `resources.requests` (equal: Kubernetes refuses an extended resource whose
 * request differs from its limit) through one mechanism: this container's `_toKube()` is wrapped
 * once, and adds them to what it renders. cdk8s-plus-28 (pinned at 2.5.6) renders every container
 * and init container of a pod spec with `_toKube()` (lib/container.js#L578-L663, called from
 * AbstractPod._toPodSpec, lib/pod.js#L145-L171), so this works for a Pod, every Workload
 * (Deployment, Job, CronJob, StatefulSet, DaemonSet) and a Pod subclass embedded as another
 * resource's pod template alike — where a JSON patch must know the path of the pod spec in the
 * owning object, and a plain number in one silently disappears. Values are `plus.k8s.Quantity`
 * objects, as the typed k8s classes read resource maps (lib/imports/k8s.js#L12103-L12114).
 *
 * Each device also gets what its pods need to be scheduled: the toleration of the taint its nodes
 * carry, and, where asked for, node requirements — through PodScheduling, so they compose with every
 * other construct's requirements in any order.
 *
 * Counts are whole numbers of at least 1 (0 too with `allowZero`), literals and Helm values alike;
 * the most per node depends on the instance type and is left to the scheduler.
 */
export class Devices {
  /** The devices of `container` (a container or init container of `pod`), created on first use. */
  public static of(pod: plus.AbstractPod, container: plus.Container): Devices {
    let perPod = pods.get(pod);
    if (!perPod) {
      perPod = new Map();
      pods.set(pod, perPod);
    }
    let d = perPod.get(container);
    if (!d) {
      d = new Devices(pod, container);
      perPod.set(container, d);
    }
    return d;
  }

  private readonly rules: Rules;
  private readonly requested: ContainerRequests;

  private constructor(private readonly pod: plus.AbstractPod, private readonly container: plus.Container) {
    this.rules = rulesOf(pod);
    this.requested = { container, counts: new Map() };
    if (![...pod.containers, ...pod.initContainers].includes(container)) {
      this.rules.fail('container', container.name, `a container of ${pod.node.path}`, 'request devices for a container of this pod (pod.containers[i] or the value addContainer returned)');
    }
    if (!('scheduling' in pod)) {
      this.rules.fail('pod', pod.node.path, 'a Pod or workload (plus.Pod, plus.Deployment, plus.Job, …) for devices', 'devices need tolerations of their nodes\' taints, which cdk8s-plus keeps on a Pod\'s or workload\'s scheduling');
    }
    wrapContainer(container, this.requested);
    pod.node.addValidation({ validate: () => this.validate() });
  }

  /** What the container requests, by resource (a count may be a value token). */
  public get requests(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.requested.counts);
  }

  /**
   * NVIDIA GPUs (`nvidia.com/gpu`), with the toleration of `nvidia.com/gpu` NoSchedule — the taint
   * of strata's GPU NodePool (GPU_TAINT) and of GPU nodes in the NVIDIA device plugin's docs.
   */
  public gpus(count: number, options: GpuOptions = {}): this {
    if (!this.count('gpus', NVIDIA_GPU_RESOURCE, count, options)) return this;
    this.tolerate({ key: GPU_TAINT.key, operator: 'Exists', effect: 'NoSchedule' });
    this.requireIn('gpuNames', INSTANCE_GPU_NAME_LABEL, options.gpuNames, 'NVIDIA GPU model');
    return this;
  }

  /**
   * EFA interfaces (`vpc.amazonaws.com/efa`), with the toleration of `aws.amazon.com/efa`
   * NoSchedule, and what EFA pods need — see EfaOptions. The EFA device plugin hands the
   * interfaces to the container; it needs no privileges (node-efa.adoc: "does not require a Pod to
   * run in privileged mode").
   *
   * Memory registration pins pages, which the kernel allows past RLIMIT_MEMLOCK only with
   * CAP_IPC_LOCK (linux drivers/infiniband/core/umem.c, ib_umem_get). Pod Security restricted (and
   * baseline) refuses adding IPC_LOCK, and a pod cannot set an rlimit (Kubernetes has no such field:
   * kubernetes/kubernetes#3595), so the nodes must run containers with an unlimited memlock limit:
   * a requirement on the nodes, not something a pod can say. On AL2023 nodeadm's containerd base
   * runtime spec sets RLIMIT_NOFILE only (awslabs/amazon-eks-ami@v20260724
   * nodeadm/internal/containerd/base-runtime-spec.json#L159-L165); `containerd.baseRuntimeSpec`
   * in a NodeConfig can add RLIMIT_MEMLOCK (nodeadm/doc/examples.md#L198-L215). UNVERIFIED: the
   * memlock limit containers get on EKS AL2023 accelerated AMIs by default. A container of an EFA
   * pod that adds IPC_LOCK itself is an error here, saying so.
   */
  public efa(count: number, options: EfaOptions = {}): this {
    if (!this.count('efa', EFA_RESOURCE, count, options)) return this;
    this.tolerate({ key: EFA_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' });
    if (options.zone !== undefined) {
      if (this.rules.check('efa.zone', options.zone, { minLength: 1 }, 'name an Availability Zone, e.g. "us-east-1a"', 'a zone')) {
        this.scheduling()?.require({ key: ZONE_LABEL, operator: 'In', values: [options.zone], origin: this.origin('EFA zone') });
      }
    }
    if (options.hugePages !== undefined) {
      if (this.once('efa.hugePages', this.requested.hugePages, options.hugePages)) this.hugePages(options.hugePages);
    } else if (this.requested.hugePages === undefined && !(EFA_HUGE_PAGE_ENV in this.container.env.variables)) {
      this.container.env.addVariable(EFA_HUGE_PAGE_ENV, plus.EnvValue.fromValue('0'));
    }
    if (options.sharedMemory !== undefined && this.once('efa.sharedMemory', this.requested.sharedMemory, options.sharedMemory)) this.sharedMemory(options.sharedMemory);
    return this;
  }

  /** Whether a size is new for this container (the same size again adds nothing; another one is an error). */
  private once(field: string, before: Size | undefined, size: Size): boolean {
    if (before === undefined) return true;
    if (before.asString() !== size.asString()) {
      this.rules.fail(field, size.asString(), `given once for container "${this.container.name}" (it is ${before.asString()})`, 'give one size');
    }
    return false;
  }

  /**
   * AWS Neuron devices (`aws.amazon.com/neuron`) or cores (`aws.amazon.com/neuroncore`), with the
   * toleration of `aws.amazon.com/neuron` NoSchedule (NEURON_TAINT). A pod that takes part of a
   * node's Neuron devices is best placed by the Neuron scheduler extension (contiguous cores),
   * which is optional when a pod takes every Neuron device of its node
   * (https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/neuron-plugins.html); it is
   * not set up here.
   */
  public neuron(request: NeuronRequest): this {
    const both = request.devices !== undefined && request.cores !== undefined;
    if (both || (request.devices === undefined && request.cores === undefined)) {
      this.rules.fail('neuron', { devices: request.devices, cores: request.cores }, `devices or cores for container "${this.container.name}", one of them`,
        'aws.amazon.com/neuron allocates whole devices (all their cores), aws.amazon.com/neuroncore single cores: request one kind');
      return this;
    }
    const ok = request.devices !== undefined
      ? this.count('neuron.devices', NEURON_DEVICE_RESOURCE, request.devices, request)
      : this.count('neuron.cores', NEURON_CORE_RESOURCE, request.cores!, request);
    if (!ok) return this;
    this.tolerate({ key: NEURON_TAINT.key, operator: 'Exists', effect: 'NoSchedule' });
    this.requireIn('neuron.acceleratorNames', INSTANCE_ACCELERATOR_NAME_LABEL, request.acceleratorNames, 'Neuron accelerator');
    return this;
  }

  /**
   * Records a count; false when it was refused (then nothing else of the request is added). A
   * literal and a value are held to the same rule (a value carries it into the values schema), so
   * that a chart renders a literal exactly as `helm template` renders that value.
   */
  private count(field: string, resource: string, count: number, options: CountOptions): boolean {
    const zero = options.allowZero === true;
    const rule = { minimum: zero ? 0 : 1, multipleOf: 1 };
    const fix = `${resource} is allocated in whole devices: request ${zero ? '0 or more' : 'at least 1'} for container "${this.container.name}", or leave it out`;
    // A rule already on the value that says as much (a pattern's own) is not stated twice.
    const ok = (Tokens.isToken(count) && impliesCount(count, rule.minimum)) || this.rules.check(field, count, rule, fix, `a whole number, at least ${rule.minimum}`);
    if (!ok) return false;
    const before = this.requested.counts.get(resource);
    if (before !== undefined && before !== count) {
      this.rules.fail(field, count, `requested once for container "${this.container.name}" (it already requests ${before} ${resource})`, 'give the total in one call');
      return false;
    }
    const other = resource === NEURON_DEVICE_RESOURCE ? NEURON_CORE_RESOURCE : resource === NEURON_CORE_RESOURCE ? NEURON_DEVICE_RESOURCE : undefined;
    if (other !== undefined && this.requested.counts.has(other)) {
      this.rules.fail(field, count, `left out when container "${this.container.name}" already requests ${other}`, 'request Neuron devices or Neuron cores, not both');
      return false;
    }
    this.requested.counts.set(resource, count);
    return true;
  }

  private hugePages(size: Size): void {
    const mib = mebibytesOf(size);
    const fix = `huge pages come in 2 MiB pages: e.g. Size.mebibytes(5120), as AWS's EFA examples request`;
    if (Tokens.isToken(mib)) {
      this.rules.check('efa.hugePages', mib, { minimum: 2, multipleOf: 2 }, fix, 'a whole number of 2 MiB pages (in MiB, a multiple of 2)');
    } else if (!(mib >= 2 && Number.isInteger(mib / 2))) {
      this.rules.fail('efa.hugePages', size.asString(), 'a whole number of 2 MiB pages', fix);
      return;
    }
    this.requested.hugePages = size;
  }

  private sharedMemory(size: Size): void {
    const mib = mebibytesOf(size);
    if (!Tokens.isToken(mib) && !(mib >= 1 && Number.isInteger(mib))) {
      this.rules.fail('efa.sharedMemory', size.asString(), 'a whole number of MiB, at least 1', 'e.g. Size.gibibytes(64)');
      return;
    }
    this.requested.sharedMemory = size;
    const volume = plus.Volume.fromEmptyDir(this.pod, `${this.container.name}-efa-shm`, `${this.container.name}-efa-shm`, {
      medium: plus.EmptyDirMedium.MEMORY,
      sizeLimit: Size.mebibytes(mib),
    });
    this.container.mount(SHM_PATH, volume);
  }

  private tolerate(t: NodeToleration): void {
    this.scheduling()?.tolerate(t);
  }

  private requireIn(field: string, key: string, values: string[] | undefined, what: string): void {
    if (values === undefined) return;
    if (!Tokens.infoOf(values) && values.length === 0) {
      this.rules.fail(field, values, `at least one ${what}, or left out`, 'an empty list matches no node');
      return;
    }
    this.scheduling()?.require({ key, operator: 'In', values: [...values], origin: this.origin(field) });
  }

  private scheduling(): PodScheduling | undefined {
    return 'scheduling' in this.pod ? PodScheduling.of(this.pod as SchedulablePod) : undefined;
  }

  private origin(what: string): string {
    return `[${this.pod.node.path}] (${what} of container "${this.container.name}")`;
  }

  /** Checks that need the whole pod, at synthesis (so the order of calls does not matter). */
  private validate(): string[] {
    const c = this.container;
    const errors: string[] = [];
    const efa = this.requested.counts.has(EFA_RESOURCE);
    const shm = c.mounts.filter((m) => m.path === SHM_PATH);
    if (efa && shm.length === 0) {
      this.rules.warn(problem('efa.sharedMemory', undefined, `set, or a /dev/shm mounted otherwise, for EFA container "${c.name}"`,
        'NCCL and the processes of a node exchange data through /dev/shm, and the runtime\'s default is 64 MiB: give efa(count, { sharedMemory })'));
    }
    if (this.requested.sharedMemory !== undefined && shm.length > 1) {
      errors.push(problem('efa.sharedMemory', this.requested.sharedMemory.asString(), `left out when container "${c.name}" mounts /dev/shm otherwise`, 'a path is mounted once: give the size in one place'));
    }
    const added = (c.securityContext.capabilities?.add ?? []).map((x) => String(x));
    if (efa && added.some((x) => x === 'IPC_LOCK' || x === 'CAP_IPC_LOCK')) {
      errors.push(problem('securityContext.capabilities.add', added, `without IPC_LOCK for EFA container "${c.name}" under Pod Security restricted`,
        'restricted allows adding NET_BIND_SERVICE only (and a non-root container gets no effective capabilities anyway): EFA memory registration needs the nodes to give containers an unlimited memlock limit instead (containerd LimitMEMLOCK=infinity, or RLIMIT_MEMLOCK in nodeadm\'s containerd.baseRuntimeSpec)'));
    }
    if (this.requested.hugePages !== undefined) {
      const r = c.resources;
      if (!r?.cpu?.request && !r?.memory?.request && !r?.cpu?.limit && !r?.memory?.limit) {
        errors.push(problem('efa.hugePages', this.requested.hugePages.asString(), `given with a CPU or memory request of container "${c.name}"`, 'Kubernetes refuses huge pages without one: request memory'));
      }
    }
    return errors;
  }
}

const SHM_PATH = '/dev/shm';
/** Whether a constraint already attached to a count token implies a whole number of at least `minimum`. */
function impliesCount(count: number, minimum: number): boolean {
  return (Tokens.infoOf(count)?.constraints ?? []).some(({ constraint: c }) =>
    c.minimum !== undefined && c.minimum >= minimum && c.multipleOf !== undefined && Number.isInteger(c.multipleOf) && c.multipleOf >= 1 && c.anyOf === undefined && c.not === undefined);
}
const pods = new WeakMap<plus.AbstractPod, Map<plus.Container, Devices>>();
const podRules = new WeakMap<plus.AbstractPod, Rules>();

/** One rule book per pod, however many of its containers request devices. */
function rulesOf(pod: plus.AbstractPod): Rules {
  let r = podRules.get(pod);
  if (!r) {
    r = new Rules(pod);
    podRules.set(pod, r);
  }
  return r;
}

/** A size in MiB; a value in GiB or MiB stays a value (GiB derived ×1024). */
function mebibytesOf(size: Size): number {
  const gi = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Tokens.infoOf(gi)) return Tokens.derive(gi, 1024);
  return size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
}

const wrapped = new WeakSet<plus.Container>();

/**
 * Adds the container's device requests to what it renders, once per container. cdk8s-plus-28 is
 * pinned (2.5.6): `Container._toKube()` (lib/container.js#L578-L663) builds `resources` from
 * cpu, memory and ephemeral storage only, as Quantity objects; the devices are added beside them.
 */
function wrapContainer(container: plus.Container, requested: ContainerRequests): void {
  if (wrapped.has(container)) return;
  wrapped.add(container);
  const render = container._toKube.bind(container);
  (container as { _toKube: () => plus.k8s.Container })._toKube = () => {
    const out = render();
    const extra: Record<string, plus.k8s.Quantity> = {};
    for (const [resource, count] of requested.counts) extra[resource] = plus.k8s.Quantity.fromNumber(count);
    if (requested.hugePages !== undefined) extra[HUGEPAGES_2MI_RESOURCE] = plus.k8s.Quantity.fromString(`${mebibytesOf(requested.hugePages)}Mi`);
    if (Object.keys(extra).length === 0) return out;
    return {
      ...out,
      resources: {
        ...out.resources,
        limits: { ...(out.resources?.limits ?? {}), ...extra },
        requests: { ...(out.resources?.requests ?? {}), ...extra },
      },
    };
  };
}
