import { durationSeconds, gib, quantity } from './quantity';
import { Manifest, PodTemplate } from '@strata/tokens';

/**
 * Can a pod run anywhere? The scheduler places a pod on a node whose labels meet its node
 * selector and one of its required node-affinity terms, whose taints it tolerates, and whose free
 * resources cover its requests; Karpenter launches such a node only from a NodePool whose
 * requirements, taints and limits allow it. A pod no NodePool or node group can take stays Pending
 * forever, silently: this says so at generate time, with what the pod needs and why each pool
 * refuses it.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
 * @see https://karpenter.sh/docs/concepts/scheduling/
 */

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: readonly string[];
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

/** What a pod asks of its node. */
export interface PodNeeds {
  readonly owner: string;
  readonly replicas: number;
  readonly nodeSelector: { readonly [key: string]: string };
  /** Required node affinity: one of these terms (each all of its requirements); none means any node. */
  readonly terms: readonly (readonly NodeSelectorRequirement[])[];
  readonly tolerations: readonly Toleration[];
  /**
   * Requests of the pod (init containers: their largest; sidecars add up), in cores, GiB and devices:
   * NVIDIA GPUs in `gpus`, the other device plugins' resources (EFA, Neuron devices, Neuron cores)
   * by resource name in `devices` (only those requested).
   */
  readonly requests: { readonly cpu: number; readonly memoryGiB: number; readonly gpus: number; readonly ephemeralGiB: number; readonly devices: { readonly [resource: string]: number } };
}

/** A kind of node the environment can run pods on: a Karpenter NodePool or a node group the environment declares. */
export interface NodeOffer {
  /** "NodePool strata-nvme-gpu", "node group system". */
  readonly name: string;
  /** Labels every node of it carries. */
  readonly labels: { readonly [key: string]: string };
  /** What its nodes' labels may be (Karpenter requirements). */
  readonly requirements: readonly NodeSelectorRequirement[];
  /** Whether a label the offer says nothing about may still be set on its nodes (Karpenter's well-known labels). */
  readonly openLabel: (key: string) => boolean;
  readonly taints: readonly Taint[];
  /** Total resources its nodes may hold (a NodePool's limits), per resource; a single pod above one never fits. */
  readonly limits: { readonly cpu?: number; readonly memoryGiB?: number; readonly gpus?: number; readonly devices?: { readonly [resource: string]: number } };
  /** GPUs per node of a node group. */
  readonly gpusPerNode?: number;
  /**
   * EFA interfaces and Neuron devices and cores per node, by resource, where known: every one for a
   * node group (what it declares; none otherwise), the EFA interfaces of an EC2NodeClass that lists
   * its network interfaces. Unknown for the rest of a NodePool's nodes: their instance types decide.
   */
  readonly devicesPerNode?: { readonly [resource: string]: number };
  /** Allocatable ephemeral storage per node, in GiB, when known. */
  readonly ephemeralGiB?: number;
  /** Whether its nodes have local NVMe holding kubelet (Karpenter instanceStorePolicy RAID0 with an instance-local-nvme requirement). */
  readonly localNvme: boolean;
  /** Capacity types its nodes may have: on-demand, spot. */
  readonly capacityTypes: readonly string[];
  /** Karpenter's terminationGracePeriod of its nodes, in seconds, when set. */
  readonly terminationGracePeriodSeconds?: number;
}

/** Labels Karpenter gives its nodes from the instance type and placement, whatever the NodePool says (karpenter.sh docs, "Well-Known Labels"). */
const KARPENTER_LABELS = /^(topology\.kubernetes\.io\/(zone|region)|node\.kubernetes\.io\/instance-type|kubernetes\.io\/(arch|os|hostname)|karpenter\.sh\/(capacity-type|nodepool)|karpenter\.k8s\.aws\/.+)$/;
/**
 * The instance categories with NVIDIA GPUs: g, gr, p (every instance type whose
 * karpenter.k8s.aws/instance-gpu-manufacturer is nvidia, aws/karpenter-provider-aws@v1.14.1
 * website/content/en/docs/reference/instance-types.md). inf, trn and dl have accelerators of other
 * makers, not GPUs.
 */
const GPU_CATEGORIES = new Set(['g', 'gr', 'p']);
/** The instance categories with AWS Neuron devices: inf, trn (instance-accelerator-manufacturer aws, the same reference). */
const NEURON_CATEGORIES = new Set(['inf', 'trn']);
export const GPU_COUNT_LABEL = 'karpenter.k8s.aws/instance-gpu-count';
/** EFA interfaces (the EFA device plugin's resource). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';
/** Whole Neuron devices. */
export const NEURON_DEVICE_RESOURCE = 'aws.amazon.com/neuron';
/** Neuron cores. */
export const NEURON_CORE_RESOURCE = 'aws.amazon.com/neuroncore';
/** The device resources besides GPUs that a pod's needs count (the names @strata/storage's Devices request). */
export const NON_GPU_DEVICE_RESOURCES = [EFA_RESOURCE, NEURON_DEVICE_RESOURCE, NEURON_CORE_RESOURCE] as const;
/**
 * Karpenter's labels of a node's accelerators, Neuron included: manufacturer "aws" and the count of
 * Neuron devices (aws/karpenter-provider-aws@v1.14.1 pkg/providers/instancetype/types.go#L285-L291).
 */
export const ACCELERATOR_MANUFACTURER_LABEL = 'karpenter.k8s.aws/instance-accelerator-manufacturer';
export const ACCELERATOR_COUNT_LABEL = 'karpenter.k8s.aws/instance-accelerator-count';
export const LOCAL_NVME_LABEL = 'karpenter.k8s.aws/instance-local-nvme';
export const CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** Root volume of an EKS AL2023 node without block device mappings (20 GiB): ephemeral storage beyond it needs local NVMe or a bigger volume. */
export const ROOT_VOLUME_GIB = 20;

/** What a pod template asks of its node. */
export function podNeeds(t: PodTemplate): PodNeeds {
  const spec = t.spec;
  const sum = (key: string, containers: any[]) => containers.reduce((n, c) => n + (quantity(c.resources?.requests?.[key] ?? c.resources?.limits?.[key]) ?? 0), 0);
  const regular = spec.containers ?? [];
  const sidecars = (spec.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always');
  const inits = (spec.initContainers ?? []).filter((c: any) => c.restartPolicy !== 'Always');
  // Kubernetes: the pod's request is the larger of the regular and sidecar containers' sum and the largest init container (plus the sidecars started before it).
  const request = (key: string) => Math.max(sum(key, [...regular, ...sidecars]), ...inits.map((c: any) => sum(key, [c, ...sidecars])));
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return {
    owner: t.owner,
    replicas: t.replicas,
    nodeSelector: spec.nodeSelector ?? {},
    terms: required.map((term: any) => (term.matchExpressions ?? []) as NodeSelectorRequirement[]),
    tolerations: spec.tolerations ?? [],
    requests: {
      cpu: request('cpu'),
      memoryGiB: request('memory') / 2 ** 30,
      gpus: request('nvidia.com/gpu'),
      ephemeralGiB: request('ephemeral-storage') / 2 ** 30,
      devices: Object.fromEntries(NON_GPU_DEVICE_RESOURCES.map((r) => [r, request(r)] as const).filter(([, n]) => n > 0)),
    },
  };
}

/** A Karpenter NodePool (karpenter.sh/v1) as an offer; `nodeClasses` by name tell whether its nodes put NVMe under kubelet. */
export function offerFromNodePool(np: Manifest, nodeClasses: ReadonlyMap<string, Manifest> = new Map()): NodeOffer {
  const t = np.spec?.template ?? {};
  const requirements = (t.spec?.requirements ?? []) as NodeSelectorRequirement[];
  const nodeClass = nodeClasses.get(t.spec?.nodeClassRef?.name);
  const raid0 = nodeClass ? nodeClass.spec?.instanceStorePolicy === 'RAID0' : true;
  const nvme = requirements.some((r) => r.key === LOCAL_NVME_LABEL && (r.operator === 'Gt' || r.operator === 'Exists' || r.operator === 'In'));
  const capacity = requirements.find((r) => r.key === CAPACITY_TYPE_LABEL && r.operator === 'In')?.values ?? ['on-demand', 'spot'];
  const limits = np.spec?.limits ?? {};
  const deviceLimits: Record<string, number> = {};
  for (const r of NON_GPU_DEVICE_RESOURCES) {
    const q = quantity(limits[r]);
    if (q !== undefined) deviceLimits[r] = q;
  }
  // With networkInterfaces, Karpenter counts the EFA-only interfaces listed instead of the instance
  // type's (aws/karpenter-provider-aws@v1.14.1 pkg/providers/instancetype/types.go#L472-L483).
  const interfaces = nodeClass?.spec?.networkInterfaces;
  const efaPerNode = Array.isArray(interfaces) ? interfaces.filter((i: any) => i?.interfaceType === 'efa-only').length : undefined;
  const tgp = t.spec?.terminationGracePeriod;
  return {
    name: `NodePool ${np.metadata.name}`,
    labels: t.metadata?.labels ?? {},
    requirements,
    openLabel: (key) => KARPENTER_LABELS.test(key),
    taints: t.spec?.taints ?? [],
    limits: { cpu: quantity(limits.cpu), memoryGiB: gib(limits.memory), gpus: quantity(limits['nvidia.com/gpu']), ...(Object.keys(deviceLimits).length > 0 ? { devices: deviceLimits } : {}) },
    ...(efaPerNode !== undefined ? { devicesPerNode: { [EFA_RESOURCE]: efaPerNode } } : {}),
    localNvme: nvme && raid0,
    capacityTypes: capacity,
    ...(typeof tgp === 'string' && durationSeconds(tgp) !== undefined ? { terminationGracePeriodSeconds: durationSeconds(tgp) } : {}),
  };
}

/** Why a pod cannot run on an offer's nodes (the first reason), or undefined when it can. */
export function whyNot(pod: PodNeeds, offer: NodeOffer): string | undefined {
  for (const t of offer.taints) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!pod.tolerations.some((tol) => tolerates(tol, t))) return `it does not tolerate the taint ${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`;
  }
  for (const [key, value] of Object.entries(pod.nodeSelector)) {
    const why = unmet({ key, operator: 'In', values: [value] }, offer);
    if (why) return `nodeSelector ${key}=${value}: ${why}`;
  }
  if (pod.terms.length > 0) {
    const reasons = pod.terms.map((term) => term.map((e) => (unmet(e, offer) ? `${show(e)}: ${unmet(e, offer)}` : undefined)).find((x) => x !== undefined));
    if (reasons.every((r) => r !== undefined)) return `node affinity ${reasons[0]}`;
  }
  if (pod.requests.gpus > 0) {
    const why = gpuShortfall(pod.requests.gpus, offer);
    if (why) return why;
  }
  for (const [resource, n] of Object.entries(pod.requests.devices ?? {})) {
    const why = deviceShortfall(resource, n, offer);
    if (why) return why;
  }
  const { limits } = offer;
  if (limits.cpu !== undefined && pod.requests.cpu > limits.cpu) return `it requests ${pod.requests.cpu} CPU, above the limit of ${limits.cpu}`;
  if (limits.memoryGiB !== undefined && pod.requests.memoryGiB > limits.memoryGiB) return `it requests ${round(pod.requests.memoryGiB)} GiB of memory, above the limit of ${round(limits.memoryGiB)} GiB`;
  if (limits.gpus !== undefined && pod.requests.gpus > limits.gpus) return `it requests ${pod.requests.gpus} GPU(s), above the limit of ${limits.gpus}`;
  for (const [resource, n] of Object.entries(pod.requests.devices ?? {})) {
    const limit = limits.devices?.[resource];
    if (limit !== undefined && n > limit) return `it requests ${n} ${resource}, above the limit of ${limit}`;
  }
  if (pod.requests.ephemeralGiB > 0) {
    const room = offer.ephemeralGiB ?? (offer.localNvme ? Infinity : ROOT_VOLUME_GIB);
    if (pod.requests.ephemeralGiB > room) {
      return `it requests ${round(pod.requests.ephemeralGiB)} GiB of ephemeral storage; ${offer.ephemeralGiB !== undefined ? `its nodes have ${round(room)} GiB` : `its nodes have only their root volume (no local NVMe: no ${LOCAL_NVME_LABEL} requirement on a RAID0 node class)`}`;
    }
  }
  return undefined;
}

/** A pod's needs in words, for messages. */
export function describeNeeds(pod: PodNeeds): string {
  const parts: string[] = [];
  if (pod.requests.gpus > 0) parts.push(`${pod.requests.gpus} nvidia.com/gpu`);
  for (const [resource, n] of Object.entries(pod.requests.devices ?? {})) parts.push(`${n} ${resource}`);
  parts.push(`${round(pod.requests.cpu)} CPU`, `${round(pod.requests.memoryGiB)} GiB memory`);
  if (pod.requests.ephemeralGiB > 0) parts.push(`${round(pod.requests.ephemeralGiB)} GiB ephemeral storage`);
  for (const [k, v] of Object.entries(pod.nodeSelector)) parts.push(`${k}=${v}`);
  if (pod.terms.length === 1) parts.push(...pod.terms[0].map(show));
  else if (pod.terms.length > 1) parts.push(`one of ${pod.terms.length} node-affinity terms`);
  const tolerated = pod.tolerations.map((t) => t.key).filter((k): k is string => !!k);
  if (tolerated.length > 0) parts.push(`tolerating ${tolerated.join(', ')}`);
  return parts.join(', ');
}

function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}

/** The values a label may take on an offer's nodes. */
type Domain = { readonly kind: 'values'; readonly set: ReadonlySet<string> } | { readonly kind: 'any' } | { readonly kind: 'absent' } | { readonly kind: 'except'; readonly set: ReadonlySet<string> } | { readonly kind: 'range'; readonly gt?: number; readonly lt?: number };

function domainOf(key: string, offer: NodeOffer): Domain {
  if (key in offer.labels) return { kind: 'values', set: new Set([offer.labels[key]]) };
  const reqs = offer.requirements.filter((r) => r.key === key);
  if (reqs.length === 0) return offer.openLabel(key) ? { kind: 'any' } : { kind: 'absent' };
  let d = { kind: 'any' } as Domain;
  for (const r of reqs) {
    const values = new Set<string>(r.values ?? []);
    const known: ReadonlySet<string> | undefined = d.kind === 'values' ? d.set : undefined;
    if (r.operator === 'In') d = known ? { kind: 'values', set: new Set([...known].filter((v) => values.has(v))) } : { kind: 'values', set: values };
    else if (r.operator === 'NotIn') d = known ? { kind: 'values', set: new Set([...known].filter((v) => !values.has(v))) } : { kind: 'except', set: values };
    else if (r.operator === 'DoesNotExist') d = { kind: 'absent' };
    else if (r.operator === 'Gt') d = { kind: 'range', gt: Number(r.values?.[0]), ...(d.kind === 'range' && d.lt !== undefined ? { lt: d.lt } : {}) };
    else if (r.operator === 'Lt') d = { kind: 'range', lt: Number(r.values?.[0]), ...(d.kind === 'range' && d.gt !== undefined ? { gt: d.gt } : {}) };
  }
  return d;
}

/** Why an offer's nodes never meet one requirement, or undefined when some can. */
function unmet(e: NodeSelectorRequirement, offer: NodeOffer): string | undefined {
  const d = domainOf(e.key, offer);
  const values = e.values ?? [];
  const inRange = (n: number) => d.kind === 'range' && (d.gt === undefined || n > d.gt) && (d.lt === undefined || n < d.lt);
  const ok = ((): boolean => {
    switch (e.operator) {
      case 'In':
        if (d.kind === 'absent') return false;
        if (d.kind === 'values') return values.some((v) => d.set.has(v));
        if (d.kind === 'except') return values.some((v) => !d.set.has(v));
        if (d.kind === 'range') return values.some((v) => inRange(Number(v)));
        return values.length > 0;
      case 'NotIn':
        return !(d.kind === 'values' && [...d.set].every((v) => values.includes(v)) && d.set.size > 0);
      case 'Exists':
        return d.kind !== 'absent' && !(d.kind === 'values' && d.set.size === 0);
      case 'DoesNotExist':
        return d.kind === 'absent' || d.kind === 'except';
      case 'Gt': {
        const n = Number(values[0]);
        if (d.kind === 'values') return [...d.set].some((v) => Number(v) > n);
        if (d.kind === 'range') return d.lt === undefined || d.lt - 1 > n;
        return d.kind !== 'absent';
      }
      case 'Lt': {
        const n = Number(values[0]);
        if (d.kind === 'values') return [...d.set].some((v) => Number(v) < n);
        if (d.kind === 'range') return d.gt === undefined || d.gt + 1 < n;
        return d.kind !== 'absent';
      }
    }
    return true;
  })();
  if (ok) return undefined;
  return `its nodes ${describeDomain(e.key, d)}`;
}

function describeDomain(key: string, d: Domain): string {
  switch (d.kind) {
    case 'absent':
      return `have no label ${key}`;
    case 'values':
      return d.set.size === 0 ? `can have no value of ${key}` : `have ${key} in ${[...d.set].join(', ')}`;
    case 'except':
      return `have ${key} other than ${[...d.set].join(', ')}`;
    case 'range':
      return `have ${key}${d.gt !== undefined ? ` > ${d.gt}` : ''}${d.lt !== undefined ? ` < ${d.lt}` : ''}`;
    default:
      return `may have any ${key}`;
  }
}

/** Why an offer's nodes never have `n` GPUs, or undefined. */
function gpuShortfall(n: number, offer: NodeOffer): string | undefined {
  if (offer.gpusPerNode !== undefined) return offer.gpusPerNode >= n ? undefined : `it requests ${n} GPU(s); its nodes have ${offer.gpusPerNode}`;
  const count = domainOf(GPU_COUNT_LABEL, offer);
  if (count.kind === 'absent' && !offer.openLabel(GPU_COUNT_LABEL)) return `it requests ${n} GPU(s); its nodes have none`;
  if (count.kind === 'absent') return `it requests ${n} GPU(s); its nodes have none (${GPU_COUNT_LABEL} DoesNotExist)`;
  if (count.kind === 'values' && ![...count.set].some((v) => Number(v) >= n)) return `it requests ${n} GPU(s); its nodes have ${[...count.set].join(' or ')}`;
  if (count.kind === 'range' && count.lt !== undefined && count.lt - 1 < n) return `it requests ${n} GPU(s); its nodes have fewer than ${count.lt}`;
  const categories = domainOf('karpenter.k8s.aws/instance-category', offer);
  if (categories.kind === 'values' && ![...categories.set].some((c) => GPU_CATEGORIES.has(c))) {
    return `it requests ${n} GPU(s); its instance categories (${[...categories.set].join(', ')}) have none`;
  }
  return undefined;
}

/**
 * Why an offer's nodes never have `n` of a device resource besides GPUs, or undefined. A node
 * group has what it declares. A NodePool's EFA interfaces depend on its instance types, which
 * Karpenter counts (types.go#L336-L350) and no label states: only a node class that lists its
 * interfaces says. Neuron devices show in Karpenter's accelerator labels and instance categories.
 */
function deviceShortfall(resource: string, n: number, offer: NodeOffer): string | undefined {
  const asks = `it requests ${n} ${resource}`;
  const have = offer.devicesPerNode?.[resource];
  if (have !== undefined) return have >= n ? undefined : `${asks}; its nodes have ${have === 0 ? 'none' : have}`;
  if (resource !== NEURON_DEVICE_RESOURCE && resource !== NEURON_CORE_RESOURCE) return undefined;
  const maker = domainOf(ACCELERATOR_MANUFACTURER_LABEL, offer);
  const noAws = maker.kind === 'absent' || (maker.kind === 'values' && !maker.set.has('aws')) || (maker.kind === 'except' && maker.set.has('aws'));
  if (noAws) return `${asks}; its nodes have no Neuron devices (they ${describeDomain(ACCELERATOR_MANUFACTURER_LABEL, maker)})`;
  if (resource === NEURON_DEVICE_RESOURCE) {
    const count = domainOf(ACCELERATOR_COUNT_LABEL, offer);
    if (count.kind === 'values' && ![...count.set].some((v) => Number(v) >= n)) return `${asks}; its nodes have ${[...count.set].join(' or ')}`;
    if (count.kind === 'range' && count.lt !== undefined && count.lt - 1 < n) return `${asks}; its nodes have fewer than ${count.lt}`;
  }
  const categories = domainOf('karpenter.k8s.aws/instance-category', offer);
  if (categories.kind === 'values' && ![...categories.set].some((c) => NEURON_CATEGORIES.has(c))) {
    return `${asks}; its instance categories (${[...categories.set].join(', ')}) have no Neuron devices`;
  }
  return undefined;
}

function show(e: NodeSelectorRequirement): string {
  return e.operator === 'Exists' || e.operator === 'DoesNotExist' ? `${e.key} ${e.operator}` : `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
