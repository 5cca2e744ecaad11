/**
 * The bench's synthetic workloads (issue 20): structurally distinct, random but seeded.
 *
 * Each workload starts from one of the bundled example charts (its `base`), which between them use
 * every workload kind strata offers (Deployment through the Model Repository pattern, Job and
 * Indexed Job through ParallelJob, JobSet, LeaderWorkerSet, TrainJob with its runtime, Ray,
 * KServe's InferenceService and ServingRuntime, NVIDIA NIM, Spark), every storage tier (FSx for
 * Lustre, EFS, Mountpoint S3, instance-store NVMe with Karpenter, devices) and every pattern (Model
 * Repository, Training Checkpoint, Distributed Dataset, Workload Identity, IAM statements). The
 * base's source is kept as `src/base.ts` under the workload's own chart name; `src/chart.ts` is
 * generated: a subclass that adds a seeded shape on top —
 *  - its own values (strings, integers, sizes, lists; 1–6 of them, random names, defaults and bounds),
 *  - helper containers (0–3) in a random pod of the workload, using those values,
 *  - mounts (0–4) on random containers: emptyDir scratch (disk or memory) and EFS claims,
 *  - integer defaults of the base moved inside their bounds where that is safe,
 * and each environment deploying it overrides a random subset of its values.
 *
 * Everything comes from one PRNG seeded by (seed, index): the same seed gives the same workspace.
 */

/** mulberry32: small, fast, good enough for shapes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = ReturnType<typeof prng>;
export const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** The bundled examples, each with the kind, tiers and patterns it exercises. */
export const BASES = {
  'llm-inference': { kinds: ['Deployment', 'Job'], tiers: ['efs'], patterns: ['ModelRepository', 'VolumeUsageAlert'] },
  'llm-finetune': { kinds: ['IndexedJob'], tiers: ['fsx-lustre', 'instance-store'], patterns: ['DistributedDataset', 'TrainingCheckpoint'] },
  'batch-embeddings': { kinds: ['IndexedJob'], tiers: ['mountpoint-s3'], patterns: ['WorkloadIdentity', 'IAM statements'] },
  'dataset-prep': { kinds: ['JobSet'], tiers: ['mountpoint-s3', 'instance-store'], patterns: ['WorkloadIdentity', 'IAM statements'] },
  'fsdp-training': { kinds: ['TrainJob', 'ClusterTrainingRuntime'], tiers: ['fsx-lustre', 'devices'], patterns: ['DistributedDataset', 'TrainingCheckpoint'] },
  'kserve-llm': { kinds: ['InferenceService', 'ServingRuntime'], tiers: ['efs', 'devices'], patterns: ['ModelRepository', 'WorkloadIdentity'] },
  'lws-vllm': { kinds: ['LeaderWorkerSet'], tiers: ['fsx-lustre', 'devices'], patterns: ['DistributedDataset', 'WorkloadIdentity'] },
  'nim-llm': { kinds: ['NIMService', 'NIMCache'], tiers: ['efs'], patterns: [] },
  'ray-serve-vllm': { kinds: ['RayService'], tiers: ['mountpoint-s3', 'devices'], patterns: ['WorkloadIdentity', 'IAM statements'] },
  'spark-etl': { kinds: ['SparkApplication'], tiers: ['instance-store'], patterns: ['WorkloadIdentity', 'IAM statements'] },
} as const;
export type Base = keyof typeof BASES;

/**
 * Workload names: a short prefix of the base and the index. Short on purpose: cluster-scoped names
 * (a static volume's PersistentVolume) are cut to 63 characters, and two releases whose names
 * agree up to the cut get the same PersistentVolume name (the hash after it does not include the
 * release): with names like batch-embeddings-0005 and batch-embeddings-0037 in one namespace,
 * generate refuses the second claim (found by this bench; see BENCHMARKS.md).
 */
export const SHORT: { readonly [b in Base]: string } = {
  'llm-inference': 'inf', 'llm-finetune': 'ft', 'batch-embeddings': 'emb', 'dataset-prep': 'prep', 'fsdp-training': 'fsdp',
  'kserve-llm': 'ksv', 'lws-vllm': 'lws', 'nim-llm': 'nim', 'ray-serve-vllm': 'ray', 'spark-etl': 'spark',
};
export const BASE_NAMES = Object.keys(BASES) as Base[];

/** One extra value of a workload: its key under `bench.`, its kind and default, and how an environment may override it. */
export interface ExtraValue {
  readonly key: string;
  readonly type: 'string' | 'integer' | 'size' | 'list';
  readonly default: string | number | string[];
  readonly min?: number;
  readonly max?: number;
}

export interface Shape {
  readonly name: string;
  readonly base: Base;
  readonly values: readonly ExtraValue[];
  /** Helper containers, each with the values it reads (indices into values). */
  readonly helpers: readonly { readonly name: string; readonly env: number[]; readonly cpu?: number; readonly memory?: number; readonly args?: number }[];
  /** Mounts: on the main container or a helper; emptyDir (disk/memory) or an EFS claim. */
  readonly mounts: readonly { readonly kind: 'scratch' | 'memory' | 'efs'; readonly on: number; readonly path: string; readonly size?: number; readonly readOnly?: boolean }[];
  /** Which pod of the workload gets them (index among the chart's pods, modulo their number). */
  readonly pod: number;
  /** Integer defaults of the base moved: the nth `default: <n>, minimum: <a>, maximum: <b>` → value. */
  readonly defaults: readonly { readonly nth: number; readonly value: number }[];
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta', 'tau', 'rho', 'phi', 'psi', 'chi', 'eta', 'iota', 'nu', 'xi', 'mu'];
const ident = (r: Rand) => `${pick(r, WORDS)}${pick(r, WORDS).replace(/^./, (c) => c.toUpperCase())}${int(r, 1, 999)}`;
const word = (r: Rand) => `${pick(r, WORDS)}-${int(r, 1, 99999)}`;

/** Integer defaults of a base that the bench may move (the nth match of the pattern below, counted in the base's source). */
export const INTEGER_DEFAULT = /default: (\d[\d_]*), minimum: (\d[\d_]*), maximum: (\d[\d_]*)/g;

/** The shape of workload `index` (seeded), on `base`; `baseSource` is the base's chart.ts. */
export function shapeOf(seed: number, index: number, base: Base, baseSource: string): Shape {
  const r = prng(seed * 1_000_003 + index);
  const name = `${SHORT[base]}-${String(index).padStart(4, '0')}`;
  const values: ExtraValue[] = [];
  const nValues = int(r, 1, 6);
  const keys = new Set<string>();
  for (let i = 0; i < nValues; i++) {
    let key = ident(r);
    while (keys.has(key)) key = ident(r);
    keys.add(key);
    const type = pick(r, ['string', 'integer', 'size', 'list'] as const);
    if (type === 'string') values.push({ key, type, default: word(r) });
    else if (type === 'integer') {
      const min = int(r, 1, 2);
      const max = int(r, 4, 16);
      values.push({ key, type, default: int(r, min, max), min, max });
    } else if (type === 'size') {
      const min = 1;
      const max = int(r, 8, 64);
      values.push({ key, type, default: int(r, 1, max), min, max });
    } else values.push({ key, type, default: Array.from({ length: int(r, 1, 4) }, () => `--${word(r)}`) });
  }
  const helpers: Shape['helpers'][number][] = [];
  const nHelpers = int(r, 0, 3);
  for (let h = 0; h < nHelpers; h++) {
    const env = values.map((v, i) => [v, i] as const).filter(([v]) => v.type === 'string' && r() < 0.7).map(([, i]) => i);
    const ints = values.map((v, i) => [v, i] as const).filter(([v]) => v.type === 'integer').map(([, i]) => i);
    const sizes = values.map((v, i) => [v, i] as const).filter(([v]) => v.type === 'size').map(([, i]) => i);
    const lists = values.map((v, i) => [v, i] as const).filter(([v]) => v.type === 'list').map(([, i]) => i);
    helpers.push({
      name: `helper-${h}-${pick(r, WORDS)}`,
      env,
      ...(ints.length && r() < 0.8 ? { cpu: pick(r, ints) } : {}),
      ...(sizes.length && r() < 0.8 ? { memory: pick(r, sizes) } : {}),
      ...(lists.length && r() < 0.8 ? { args: pick(r, lists) } : {}),
    });
  }
  const mounts: Shape['mounts'][number][] = [];
  const nMounts = int(r, 0, 4);
  const paths = new Set<string>();
  for (let m = 0; m < nMounts; m++) {
    const kind = pick(r, ['scratch', 'memory', 'efs', 'efs'] as const);
    let path = `/bench/${pick(r, WORDS)}-${m}`;
    while (paths.has(path)) path += 'x';
    paths.add(path);
    mounts.push({ kind, on: int(r, 0, nHelpers), path, ...(kind !== 'efs' ? { size: int(r, 1, 32) } : { readOnly: r() < 0.3 }) });
  }
  const nDefaults = [...baseSource.matchAll(INTEGER_DEFAULT)].length;
  const defaults: { nth: number; value: number }[] = [];
  for (let i = 0; i < nDefaults; i++) {
    if (r() < 0.5) continue;
    const m = [...baseSource.matchAll(INTEGER_DEFAULT)][i];
    const [dflt, min, max] = [m[1], m[2], m[3]].map((x) => Number(x.replace(/_/g, '')));
    // Near the base's own default (within its bounds): other values or rules may relate to it.
    const lo = Math.max(min, Math.floor(dflt / 2));
    const hi = Math.min(max, dflt * 2 + 1);
    defaults.push({ nth: i, value: int(r, lo, hi) });
  }
  return { name, base, values, helpers, mounts, pod: int(r, 0, 7), defaults };
}

/** The base's source with its integer defaults moved as the shape says. */
export function movedDefaults(baseSource: string, shape: Shape, safe: (nth: number) => boolean): string {
  let i = -1;
  return baseSource.replace(INTEGER_DEFAULT, (all, _d, min, max) => {
    i++;
    const moved = shape.defaults.find((d) => d.nth === i);
    if (!moved || !safe(i)) return all;
    return `default: ${moved.value}, minimum: ${min}, maximum: ${max}`;
  });
}

const lit = (x: unknown) => JSON.stringify(x);

/** Bases whose pods an operator renders (NIM): they take no helper containers or volumes of ours. */
const OPERATOR_RENDERED_PODS: readonly Base[] = ['nim-llm'];

/** The generated src/chart.ts of a shape: a subclass of its base adding the shape's values, helpers and mounts. */
export function chartSource(shape: Shape): string {
  const v = shape.values;
  const lines: string[] = [];
  lines.push(`// Generated by tools/bench (seeded shape of ${shape.name} on ${shape.base}); not a hand-written example.`);
  lines.push(`import { Size } from 'cdk8s';`);
  lines.push(`import * as plus from 'cdk8s-plus-28';`);
  lines.push(`import { Construct } from 'constructs';`);
  lines.push(`import { WorkloadChartProps } from '@strata/helm';`);
  lines.push(`import { restrictedSecurityContext } from '@strata/patterns';`);
  lines.push(`import { Efs } from '@strata/storage';`);
  lines.push(`import Base from './base';`);
  lines.push('');
  lines.push(`export default class BenchChart extends Base {`);
  lines.push(`  public constructor(scope: Construct, id: string, props: WorkloadChartProps = {}) {`);
  lines.push(`    super(scope, id, props);`);
  lines.push(`    const v = this.values;`);
  v.forEach((x, i) => {
    const path = lit(`bench.${x.key}`);
    const description = lit(`Bench value ${x.key} (${x.type}).`);
    if (x.type === 'string') lines.push(`    const v${i} = v.string(${path}, { default: ${lit(x.default)}, description: ${description}, minLength: 1, maxLength: 63 });`);
    else if (x.type === 'integer') lines.push(`    const v${i} = v.integer(${path}, { default: ${x.default}, minimum: ${x.min}, maximum: ${x.max}, description: ${description} });`);
    else if (x.type === 'size') lines.push(`    const v${i} = v.size(${path}, { default: Size.gibibytes(${x.default}), minimumGiB: ${x.min}, maximumGiB: ${x.max}, description: ${lit(`Bench size ${x.key}`)} });`);
    else lines.push(`    const v${i} = v.list<string>(${path}, { default: ${lit(x.default)}, items: { type: 'string' }, description: ${description} });`);
  });
  // Values no helper reads still go into the chart (values.yaml, schema, values type); say so to the linter.
  lines.push(`    void [${v.map((_, i) => `v${i}`).join(', ')}];`);
  if (shape.helpers.length > 0 || shape.mounts.length > 0) {
    if (OPERATOR_RENDERED_PODS.includes(shape.base)) {
      // The operator renders these pods itself (one container, its own volumes): the shape goes into a Deployment of its own.
      lines.push(`    const pod: plus.AbstractPod = new plus.Deployment(this, 'bench-aux', {`);
      lines.push(`      replicas: 1,`);
      lines.push(`      securityContext: { ensureNonRoot: true, user: 1000, group: 1000 },`);
      lines.push(`      containers: [{ name: 'aux', image: 'public.ecr.aws/docker/library/busybox:1.37', command: ['sh', '-c', 'while true; do sleep 3600; done'], imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: restrictedSecurityContext(), resources: { cpu: { request: plus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) } } }],`);
      lines.push(`    });`);
    } else {
      // A TrainJob's pods are a patch of its runtime's (only the containers the runtime has): helpers go to the runtime's own pods.
      lines.push(`    const pods = this.node.findAll().filter((c): c is plus.AbstractPod => c instanceof plus.AbstractPod && c.containers.length > 0 && !c.node.scope?.node.tryFindChild('RuntimePatch'));`);
      lines.push(`    if (pods.length === 0) throw new Error('bench: ${shape.base} has no pod the bench can add to');`);
      lines.push(`    const pod = pods[${shape.pod} % pods.length];`);
    }
    lines.push(`    const containers: plus.Container[] = [pod.containers[0]];`);
    for (const h of shape.helpers) {
      const env = h.env.map((i) => `${lit(`BENCH_${v[i].key.toUpperCase()}`)}: plus.EnvValue.fromValue(v${i})`).join(', ');
      const memory = h.memory !== undefined ? `v${h.memory}` : 'Size.mebibytes(256)';
      lines.push(`    containers.push(pod.addContainer({`);
      lines.push(`      name: ${lit(h.name)},`);
      lines.push(`      image: 'public.ecr.aws/docker/library/busybox:1.37',`);
      lines.push(`      command: ['sh', '-c', 'while true; do sleep 3600; done'],`);
      if (h.args !== undefined) lines.push(`      args: v${h.args},`);
      lines.push(`      envVariables: { ${env} },`);
      lines.push(`      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,`);
      lines.push(`      securityContext: restrictedSecurityContext(),`);
      lines.push(`      resources: { cpu: { request: plus.Cpu.${h.cpu !== undefined ? `units(v${h.cpu})` : 'millis(100)'} }, memory: { request: ${memory}, limit: ${memory} } },`);
      lines.push(`    }));`);
    }
    shape.mounts.forEach((m, i) => {
      const on = `containers[${m.on} % containers.length]`;
      if (m.kind === 'efs') {
        lines.push(`    Efs.fromStorageClass(this, 'bench-efs-${i}', { storageClass: { name: 'strata-efs' } }).mount(${on}, ${lit(m.path)}${m.readOnly ? ', { readOnly: true }' : ''});`);
      } else {
        const medium = m.kind === 'memory' ? 'plus.EmptyDirMedium.MEMORY' : 'plus.EmptyDirMedium.DEFAULT';
        lines.push(`    ${on}.mount(${lit(m.path)}, plus.Volume.fromEmptyDir(this, 'bench-scratch-${i}', 'bench-scratch-${i}', { medium: ${medium}, sizeLimit: Size.gibibytes(${m.size}) }));`);
      }
    });
  }
  lines.push(`  }`);
  lines.push(`}`);
  return lines.join('\n') + '\n';
}

/** The overrides an environment gives a shape's values (seeded per environment and workload): about half of them. */
export function overridesOf(seed: number, env: number, index: number, shape: Shape): Record<string, unknown> {
  const r = prng(seed * 7919 + env * 1_000_033 + index);
  const out: Record<string, unknown> = {};
  for (const x of shape.values) {
    if (r() < 0.5) continue;
    if (x.type === 'string') out[x.key] = `${x.default}-e${env}`;
    else if (x.type === 'integer' || x.type === 'size') out[x.key] = int(r, x.min!, x.max!);
    else out[x.key] = [...(x.default as string[]), `--env=${env}`];
  }
  return out;
}
