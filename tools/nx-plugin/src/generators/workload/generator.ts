import { join } from 'node:path';
import { generateFiles, GeneratorCallback, installPackagesTask, logger, readJson, Tree } from '@nx/devkit';
import { ENVIRONMENTS, EnvironmentDefinitionFile, environmentFiles, valuesModule, valuesTypeName } from '../environment-definition';
import { environmentValues, scaffoldFacts, ScaffoldFacts } from './environment-values';
import { checkChartName, checkEnum, checkNamespace, className, defaultNamespace, GeneratorError, quoted, refuse } from '../option-rules';
import { combinationProblem, PATTERN_TIERS, PatternOption, PATTERNS, STORAGE_TIERS, StorageTierOption, TIERS } from '../storage-tiers';
import { WorkloadGeneratorSchema } from './schema';
import { WorkloadProfile } from '@strata/recommend';
import { chooseStorage, PROFILE_OPTIONS } from './auto-storage';
import { scaffoldClaim } from './scaffold-claims';

/** Where workload packages live (one chart each). */
export const WORKLOADS = 'packages/workloads';
/** The storage tiers' chart packages: their names are chart names too. */
export const TIER_CHART_PACKAGES = 'packages/storage-charts';

/** The versions a workload package pins when the root package.json does not say. */
const DEFAULT_VERSIONS = { cdk8s: '2.70.106', 'cdk8s-plus-28': '2.5.6', constructs: '10.8.1' };

export interface NormalizedWorkloadOptions {
  readonly name: string;
  readonly pattern: PatternOption;
  readonly storage: StorageTierOption;
  readonly namespace: string;
  /** packages/workloads/<name> */
  readonly projectRoot: string;
  /** `my-app` → `MyApp` (the chart class is `MyAppChart`). */
  readonly className: string;
  readonly description: string;
  readonly skipInstall: boolean;
  /** The environments (names under environments/) the workload is added to; none unless named. */
  readonly environments: readonly string[];
  /** With --storage=auto: why the tier was chosen (printed). */
  readonly auto?: readonly string[];
  /** With --storage=auto: the profile, written into each environment's entry under the claim the scaffold makes. */
  readonly storageProfile?: { readonly [claim: string]: WorkloadProfile };
}

/** Checks every option (and the names already taken) before anything is written. */
export function normalizeOptions(tree: Tree, options: WorkloadGeneratorSchema): NormalizedWorkloadOptions {
  const name = checkChartName('name', options.name);
  const pattern = checkEnum('--pattern', options.pattern, PATTERNS);
  if (options.storage === undefined && pattern === 'none') {
    refuse('--storage', '', `given with --pattern=none: one of ${quoted(STORAGE_TIERS)}`, 'e.g. --storage=efs');
  }
  const auto = options.storage === 'auto' ? chooseStorage(pattern, options) : undefined;
  if (!auto && PROFILE_OPTIONS.some((k) => options[k] !== undefined)) {
    const given = PROFILE_OPTIONS.filter((k) => options[k] !== undefined).map((k) => `--${k}`);
    refuse('--storage', options.storage ?? '', `auto when profile options are given (${given.join(', ')})`, 'add --storage=auto to choose the tier from them, or leave them out');
  }
  const storage = auto ? auto.storage : options.storage === undefined ? PATTERN_TIERS[pattern][0] : (checkEnum('--storage', options.storage, [...STORAGE_TIERS, 'auto']) as StorageTierOption);
  const problem = combinationProblem(pattern, storage);
  if (problem) throw new GeneratorError(problem);
  const namespace = checkNamespace('--namespace', options.namespace ?? defaultNamespace(name));
  if (tree.exists(`${TIER_CHART_PACKAGES}/${name}`)) {
    refuse('name', name, 'the name of no other chart', `${TIER_CHART_PACKAGES}/${name} is a storage tier chart with that name: pick another name`);
  }
  const environments = checkEnvironments(tree, options.environments);
  return {
    ...(auto ? { auto: auto.lines, storageProfile: { [scaffoldClaim(pattern, storage)]: auto.profile } } : {}),
    name,
    pattern,
    storage,
    namespace,
    projectRoot: `${WORKLOADS}/${name}`,
    className: className(name),
    description: describe(name, pattern, storage),
    skipInstall: options.skipInstall === true,
    environments,
  };
}

/** `--environments=dev,staging`: existing environments, each named once; none given is none. */
function checkEnvironments(tree: Tree, given: string | readonly string[] | undefined): string[] {
  if (given === undefined) return [];
  const names = (Array.isArray(given) ? given : String(given).split(',')).map((n) => String(n).trim()).filter((n) => n !== '');
  const existing = environmentFiles(tree).map((f) => f.split('/')[1]);
  for (const n of names) {
    if (!existing.includes(n)) {
      refuse('--environments', Array.isArray(given) ? given.join(',') : given, existing.length > 0 ? `a comma-separated list of existing environments (${quoted(existing)})` : 'a list of existing environments (there is none yet)', `"${n}" is none of them; create it with \`nx g @strata/nx-plugin:environment ${n}\` first, or leave --environments out to add the workload to none`);
    }
  }
  return [...new Set(names)];
}

/**
 * `nx g @strata/nx-plugin:workload <name> --pattern=… --storage=… [--namespace=…] [--environments=dev,staging]`:
 * a workload package whose chart is built on the pattern and tier, added to the environments named
 * in --environments and to no other (none by default: a new workload never reaches prod unasked).
 * In each, the entry carries the values the environment decides (the cluster's region, its FSx
 * class's deployment type, its subnet's zone); what only the user knows (buckets, IAM roles) is
 * printed for them to fill in. Without --environments, the output gives the command and the entry
 * that add it.
 *
 * Running it again with the same options changes nothing; with more environments named, it adds
 * the workload to those. An existing package whose files differ from what these options write is
 * never overwritten.
 */
export async function workloadGenerator(tree: Tree, options: WorkloadGeneratorSchema): Promise<GeneratorCallback | undefined> {
  const o = normalizeOptions(tree, options);
  if (o.auto) logger.info(o.auto.join('\n'));
  const existing = filesUnder(tree, o.projectRoot);
  const environments = o.environments.map((env) => EnvironmentDefinitionFile.read(tree, `${ENVIRONMENTS}/${env}/environment.ts`));
  // Every definition must be editable, and able to take the workload, before anything is written.
  for (const env of environments) env.workloads();
  const facts = scaffoldFacts(o.pattern, o.storage);
  const plans = environments.map((env) => environmentValues(o.name, facts, env));

  writePackage(tree, o);
  if (existing.size > 0) refuseChangedPackage(tree, o, existing);

  for (const [i, env] of environments.entries()) {
    const plan = plans[i];
    const added = env.registerWorkload(o.name, o.namespace, plan.values, o.storageProfile);
    env.file.save(tree);
    const lines = [`${env.file.path}: ${o.name} ${added ? 'added' : 'already listed (left as it is)'} in namespace ${o.namespace}`];
    if (added && plan.taken.length > 0) lines.push(`  from the environment: ${plan.taken.join('; ')}`);
    if (added && o.storageProfile) lines.push(`  storageProfile written for claim ${Object.keys(o.storageProfile).map((c) => `'${c}'`).join(', ')}: generate's bottleneck check compares it with this environment's storage`);
    if (added && plan.fill.length > 0) lines.push('  fill in before deploying:', ...plan.fill.map((f) => `    ${f}`));
    logger.info(lines.join('\n'));
  }
  if (environments.length === 0) logger.info(notAddedText(tree, o, facts));

  if (existing.size > 0 || o.skipInstall) return undefined;
  // npm ci needs the new workspace package in package-lock.json.
  return () => installPackagesTask(tree, true);
}

/** What to run or write to add the workload to an environment, when --environments named none. */
function notAddedText(tree: Tree, o: NormalizedWorkloadOptions, facts: ScaffoldFacts): string {
  const existing = environmentFiles(tree).map((f) => f.split('/')[1]);
  const flags = [`--pattern=${o.pattern}`, `--storage=${o.storage}`, ...(o.namespace !== o.name ? [`--namespace=${o.namespace}`] : [])];
  const type = valuesTypeName(o.name);
  const example = existing[0] ?? '<env>';
  return [
    `workload: ${o.name} was added to no environment (--environments names where it runs; it is never added to one unasked).`,
    existing.length > 0 ? `To add it, run the generator again naming them (existing: ${existing.join(', ')}); it writes the values each environment decides and lists what to fill in:` : 'Create an environment first (nx g @strata/nx-plugin:environment <name>), then run the generator again naming it:',
    `  npx nx g @strata/nx-plugin:workload ${o.name} ${flags.join(' ')} --environments=${example}`,
    `or add it by hand to environments/${example}/environment.ts:`,
    `  import type { Values as ${type} } from '${valuesModule(o.name)}';`,
    `  workloads: { …, '${o.name}': workload<${type}>({ namespace: '${o.namespace}'${facts.region ? ", values: { aws: { region: '<the cluster region>' } }" : ''} }) }`,
  ].join('\n');
}

export default workloadGenerator;

function writePackage(tree: Tree, o: NormalizedWorkloadOptions): void {
  const substitutions = {
    ...o,
    storageClass: TIERS[o.storage].storageClass ?? '',
    mountPath: o.storage === 'instance-store' ? '/scratch' : '/data',
    versions: dependencyVersions(tree),
    quote: (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`,
    tmpl: '',
  };
  generateFiles(tree, join(__dirname, 'files', 'common'), o.projectRoot, substitutions);
  generateFiles(tree, join(__dirname, 'files', o.pattern), o.projectRoot, substitutions);
}

/** A package that exists must be exactly what these options write (a repeat run); else it is refused. */
function refuseChangedPackage(tree: Tree, o: NormalizedWorkloadOptions, before: Map<string, string>): void {
  const after = filesUnder(tree, o.projectRoot);
  const changed = [...after.keys()].filter((path) => after.get(path) !== before.get(path)).sort();
  if (changed.length === 0) return;
  // Leave the tree as it was (Nx writes nothing after an error anyway; callers holding the tree see no change).
  for (const path of changed) {
    const text = before.get(path);
    if (text === undefined) tree.delete(path);
    else tree.write(path, text);
  }
  refuse(
    'name',
    o.name,
    'the name of no existing workload',
    `${o.projectRoot} already exists and differs from what --pattern=${o.pattern} --storage=${o.storage} writes (${changed.join(', ')}); pick another name, or change the workload with storage-binding or by hand`,
  );
}

/** The files below a folder of the tree (path → text). */
function filesUnder(tree: Tree, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!tree.exists(dir)) return out;
  for (const child of tree.children(dir)) {
    const path = `${dir}/${child}`;
    if (tree.isFile(path)) out.set(path, tree.read(path, 'utf-8')!);
    else for (const [p, text] of filesUnder(tree, path)) out.set(p, text);
  }
  return out;
}

/** cdk8s, cdk8s-plus-28 and constructs as the root package.json pins them. */
function dependencyVersions(tree: Tree): typeof DEFAULT_VERSIONS {
  const root = tree.exists('package.json') ? readJson(tree, 'package.json') : {};
  const pinned = { ...(root.dependencies ?? {}), ...(root.devDependencies ?? {}) } as Record<string, string>;
  return {
    cdk8s: pinned.cdk8s ?? DEFAULT_VERSIONS.cdk8s,
    'cdk8s-plus-28': pinned['cdk8s-plus-28'] ?? DEFAULT_VERSIONS['cdk8s-plus-28'],
    constructs: pinned.constructs ?? DEFAULT_VERSIONS.constructs,
  };
}

const NONE_STORAGE: { readonly [tier in StorageTierOption]: string } = {
  efs: 'an Amazon EFS volume',
  'fsx-lustre': 'an FSx for Lustre file system',
  s3: 'a read-only Mountpoint for Amazon S3 volume',
  'instance-store': 'node-local NVMe scratch',
  's3-files': 'an Amazon S3 Files volume (its bucket as a file system)',
};

/** One sentence for package.json and Chart.yaml. */
function describe(name: string, pattern: PatternOption, storage: StorageTierOption): string {
  const tier = TIERS[storage].title;
  switch (pattern) {
    case 'model-repository':
      return storage === 's3'
        ? `${name}: inference servers reading model versions straight from S3 through a read-only Mountpoint volume with a local cache (Model Repository pattern).`
        : `${name}: inference servers reading model versions from S3, hydrated into an ${tier} cache before each rollout (Model Repository pattern).`;
    case 'training-checkpoint':
      return `${name}: an indexed training Job writing checkpoints to node-local NVMe, synced to S3 by a native sidecar (Training Checkpoint pattern).`;
    case 'distributed-dataset':
      return `${name}: an indexed training Job reading a dataset from FSx for Lustre linked to S3 (Distributed Dataset pattern).`;
    default:
      return `${name}: a Deployment mounting ${NONE_STORAGE[storage]}.`;
  }
}
