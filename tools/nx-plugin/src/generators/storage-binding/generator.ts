import { GeneratorCallback, installPackagesTask, logger, readJson, Tree, writeJson } from '@nx/devkit';
import { EnvironmentDefinitionFile, environmentFiles } from '../environment-definition';
import { SCAFFOLD_DEPLOYMENT_TYPE } from '../workload/environment-values';
import { CodeBlockWriter, Node, SyntaxKind } from 'ts-morph';
import { BINDING_NAME, checkChartName, checkEnum, GeneratorError, propertyName, quoted, refuse } from '../option-rules';
import { STORAGE_TIERS, StorageTierOption, TIERS } from '../storage-tiers';
import { TypeScriptFile } from '../typescript-file';
import { WorkloadChartFile } from '../workload-chart-file';
import { WORKLOADS } from '../workload/generator';
import { StorageBindingGeneratorSchema } from './schema';

/** The helper of @strata/patterns that mounts a storage into every container of a chart's workloads. */
export const MOUNT_HELPER = 'mountEverywhere';
/** The helper of @strata/patterns that gives a Mountpoint volume's IAM policy to the identity Mountpoint runs as. */
export const GRANT_HELPER = 'grantMountpoint';
/** The uid and gid strata containers run as (@strata/patterns DEFAULT_USER). */
const DEFAULT_UID = 1000;

/** Paths every strata container already mounts (ContainerSpec.scratch and sharedMemory). */
const RESERVED_PATHS = ['/tmp', '/dev/shm'];
/** Ids WorkloadIdentity creates at the chart root. */
const RESERVED_IDS = /^(iam-policies|sa-.*)$/;
const MOUNT_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/** The construct each tier's binding creates, and what it imports. */
const TIER_CONSTRUCTS: { readonly [tier in StorageTierOption]: string } = {
  'fsx-lustre': 'FsxLustre',
  efs: 'Efs',
  s3: 'S3Mountpoint',
  'instance-store': 'InstanceStore',
  's3-files': 'S3Files',
};

export interface NormalizedBindingOptions {
  readonly workload: string;
  readonly storage: StorageTierOption;
  readonly mount: string;
  readonly readOnly: boolean;
  /** The construct id. */
  readonly id: string;
  /** The values key of the binding's settings (`training-data` → `trainingData`). */
  readonly valuesKey: string;
  /** packages/workloads/<workload> */
  readonly projectRoot: string;
  /** The chart module, relative to the workspace root. */
  readonly chartFile: string;
}

export function normalizeOptions(tree: Tree, options: StorageBindingGeneratorSchema): NormalizedBindingOptions {
  const workload = checkChartName('--workload', options.workload);
  const storage = checkEnum('--storage', options.storage, STORAGE_TIERS);
  const mount = checkMountPath(options.mount);
  const readOnly = options.readOnly === true;
  if (readOnly && storage === 'instance-store') {
    throw new GeneratorError('--read-only cannot be used with --storage=instance-store: NVMe scratch starts empty in every pod, so a read-only mount could never hold data; drop --read-only');
  }
  const id = options.name ?? defaultId(mount);
  if (!BINDING_NAME.test(id)) {
    refuse('--name', id, 'a lowercase DNS label starting with a letter (letters, digits and "-", at most 63)', 'it is the construct id, the pod volume name and, camelCased, the values key; e.g. --name=training-data');
  }
  if (RESERVED_IDS.test(id)) refuse('--name', id, 'another id than "iam-policies" or "sa-…"', 'WorkloadIdentity creates those at the chart root; e.g. --name=data');

  const projectRoot = `${WORKLOADS}/${workload}`;
  const pkgPath = `${projectRoot}/package.json`;
  if (!tree.exists(pkgPath)) {
    const existing = tree.exists(WORKLOADS) ? tree.children(WORKLOADS).filter((w) => tree.exists(`${WORKLOADS}/${w}/package.json`)).sort() : [];
    refuse('--workload', workload, existing.length > 0 ? `an existing workload: one of ${quoted(existing)}` : 'an existing workload (there is none yet)', 'create it first with `nx g @strata/nx-plugin:workload`');
  }
  const chart = readJson(tree, pkgPath).strata?.chart;
  if (typeof chart !== 'string') refuse('--workload', workload, 'a chart package', `${pkgPath} has no "strata": { "chart": "src/chart.ts" }`);
  const chartFile = `${projectRoot}/${chart.replace(/^\.\//, '')}`;
  if (!tree.exists(chartFile)) refuse('--workload', workload, 'a workload whose chart module exists', `${chartFile} (the "strata.chart" of ${pkgPath}) is missing`);
  return { workload, storage, mount, readOnly, id, valuesKey: propertyName(id), projectRoot, chartFile };
}

/**
 * `nx g @strata/nx-plugin:storage-binding --workload=<w> --storage=<tier> --mount=<path>
 * [--read-only] [--name=<id>]`: adds the tier construct (its settings as typed values under
 * `<name in camelCase>.*`) and `mountEverywhere(this, storage, path)` at the end of the chart's
 * constructor, with the imports it needs. The rest of the file keeps its bytes.
 *
 * The binding is found again by id and path, so a repeat run changes nothing. A clash with what
 * the chart already has (the id, the mount path, the values key) is refused with its file:line.
 */
export async function storageBindingGenerator(tree: Tree, options: StorageBindingGeneratorSchema): Promise<GeneratorCallback | undefined> {
  const o = normalizeOptions(tree, options);
  const chart = new WorkloadChartFile(TypeScriptFile.read(tree, o.chartFile));
  if (existingBinding(chart, o)) return undefined;
  refuseConflicts(chart, o);
  addBinding(chart, o);
  chart.file.save(tree);
  if (o.storage === 'fsx-lustre') deploymentTypeNotes(tree, o);
  if (o.storage === 's3') {
    logger.info(
      `${o.chartFile}: ${o.id} is read with the pods' own credentials: grantMountpoint writes its policy into the chart's iam-policies/<key>.json, the key of each mounting pod's service account; every environment deploying ${o.workload} gives each such key a role (identity.workloads['${o.workload}'].<key>), and generate names any it lacks`,
    );
  }
  return ensureDependencies(tree, o) ? () => installPackagesTask(tree, true) : undefined;
}

/**
 * An FSx binding's deployment type is a value (`<key>.deploymentType`, SCRATCH_2 by default, the
 * storage-fsx-lustre chart's default class): each environment deploying the workload whose class
 * has another type is told the value to set (generate warns there until it is).
 */
function deploymentTypeNotes(tree: Tree, o: NormalizedBindingOptions): void {
  for (const file of environmentFiles(tree)) {
    const env = EnvironmentDefinitionFile.read(tree, file);
    let listed: boolean;
    try {
      listed = env.workloadEntry(o.workload) !== undefined;
    } catch {
      continue; // a definition the generators cannot read; generate will say what it deploys
    }
    const type = env.literal(['storage', 'fsx-lustre', 'deploymentType']);
    if (!listed || type === undefined || type === SCAFFOLD_DEPLOYMENT_TYPE) continue;
    logger.info(`${file}: its strata-fsx-lustre class is ${type}: set workloads['${o.workload}'].values.${o.valuesKey}.deploymentType: '${type}' there (the binding assumes ${SCAFFOLD_DEPLOYMENT_TYPE} until then, and generate warns)`);
  }
}

export default storageBindingGenerator;

function checkMountPath(mount: unknown): string {
  if (typeof mount !== 'string' || !MOUNT_PATH.test(mount) || mount.split('/').some((s) => s === '.' || s === '..')) {
    refuse('--mount', mount ?? '', 'an absolute path such as /data (letters, digits, ".", "_", "-" and "/"; no "." or ".." segments, no trailing "/")', 'e.g. --mount=/data');
  }
  if (RESERVED_PATHS.includes(mount)) {
    refuse('--mount', mount, `another path than ${RESERVED_PATHS.join(' and ')}`, 'strata containers mount their scratch and shared memory there; e.g. --mount=/data');
  }
  return mount;
}

/** `/data` → `data`; `/mnt/Training_Set` → `training-set`. */
function defaultId(mount: string): string {
  const last = mount.split('/').pop() ?? '';
  const id = last.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[-0-9]+|-+$/g, '');
  if (!BINDING_NAME.test(id)) refuse('--name', '', `given: the last segment of --mount=${mount} makes no construct id`, 'e.g. --name=data');
  return id;
}

/**
 * The binding this run would add, if the chart has it: `mountEverywhere(this, x, '<mount>', …)`
 * whose storage is created with id `<id>`. The same tier and read-only setting: nothing to do.
 * Another tier or setting is a conflict.
 */
function existingBinding(chart: WorkloadChartFile, o: NormalizedBindingOptions): boolean {
  for (const call of chart.file.sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression().getText();
    if (callee !== MOUNT_HELPER && !callee.endsWith(`.${MOUNT_HELPER}`)) continue;
    const [scope, storage, path, options] = call.getArguments();
    if (scope?.getKind() !== SyntaxKind.ThisKeyword || chart.pathOf(path) !== o.mount) continue;
    const creation = storageCreation(chart, storage);
    if (!creation || creation.id !== o.id) continue;
    const flag = options !== undefined && Node.isObjectLiteralExpression(options) ? options.getProperty('readOnly') : undefined;
    const readOnly = flag !== undefined && Node.isPropertyAssignment(flag) && flag.getInitializer()?.getText() === 'true';
    const tier = TIER_CONSTRUCTS[o.storage];
    const sameTier = creation.callee === tier || creation.callee.startsWith(`${tier}.`) || creation.callee.endsWith(`.${tier}`) || creation.callee.includes(`.${tier}.`);
    if (sameTier && readOnly === o.readOnly) return true;
    throw new GeneratorError(
      `${chart.file.where(call)}: '${o.id}' is already bound at ${o.mount} here (${creation.callee}${readOnly ? ', read-only' : ''}), not as --storage=${o.storage}${o.readOnly ? ' --read-only' : ''}; change it there, or choose another --name and --mount`,
    );
  }
  return false;
}

/** The construct creation a `mountEverywhere` storage argument refers to (directly, or through a local). */
function storageCreation(chart: WorkloadChartFile, arg: Node | undefined): { id: string; callee: string } | undefined {
  if (!arg) return undefined;
  let expr: Node | undefined = arg;
  if (Node.isIdentifier(arg)) {
    const decl = chart.body.getVariableDeclaration(arg.getText());
    expr = decl?.getInitializer();
  }
  return chart.constructs().find((c) => c.node === expr);
}

/** Every clash with what the chart has, each with its file:line; nothing is written when there is one. */
function refuseConflicts(chart: WorkloadChartFile, o: NormalizedBindingOptions): void {
  const problems: string[] = [];
  for (const c of chart.constructs()) {
    if (c.id === o.id) problems.push(`${chart.file.where(c.node)}: '--name' (${o.id}) is already the id of ${c.callee}(this, '${o.id}', …) in the chart; choose another --name`);
  }
  for (const m of chart.mounts()) {
    if (m.path === o.mount) problems.push(`${chart.file.where(m.node)}: '--mount' (${o.mount}) is already ${m.how}; choose another --mount`);
  }
  const value = chart.valuePaths().find((v) => v.path === o.valuesKey || v.path.startsWith(`${o.valuesKey}.`));
  if (value) {
    problems.push(`${chart.file.where(value.node)}: '--name' (${o.id}) would declare its values under '${o.valuesKey}', which already holds '${value.path}'; choose another --name`);
  }
  if (problems.length > 0) throw new GeneratorError(`storage-binding refused; nothing was written:\n  ${problems.join('\n  ')}`);
}

/** The imports, then the construct and its mount as the constructor's last statements. */
function addBinding(chart: WorkloadChartFile, o: NormalizedBindingOptions): void {
  const f = chart.file;
  const ref = (module: string, name: string) => f.importName(module, name);
  const mountHelper = ref('@strata/patterns', MOUNT_HELPER);
  const variable = localName(chart, o.valuesKey);
  const q = (s: string) => f.quote(s);
  const key = o.valuesKey;
  const value = (method: string, path: string, options: string) => `this.values.${method}(${q(`${key}.${path}`)}, ${options})`;
  const tier = TIERS[o.storage];

  let creation: (w: CodeBlockWriter) => void;
  switch (o.storage) {
    case 'fsx-lustre': {
      const [FsxLustre, FsxDeploymentType, Size] = [ref('@strata/storage', 'FsxLustre'), ref('@strata/storage', 'FsxDeploymentType'), ref('cdk8s', 'Size')];
      creation = (w) => {
        w.writeLine(`const ${variable} = ${FsxLustre}.fromStorageClass(this, ${q(o.id)}, {`);
        w.indent(() => {
          w.writeLine('storageClass: {');
          w.indent(() => {
            w.writeLine(`name: ${value('string', 'storageClassName', `{ default: ${q(tier.storageClass!)}, description: ${q(`FSx for Lustre StorageClass of the ${o.id} file system (installed by the environment).`)}, minLength: 1, maxLength: 253 }`)},`);
            w.writeLine("// The deployment type is a value (the environment's class decides it); SSD sizes are 1200, 2400, then multiples of 2400 GiB (3600 for SCRATCH_1).");
            w.writeLine(
              `deploymentType: ${value(`enum<${FsxDeploymentType}>`, 'deploymentType', `{ values: Object.values(${FsxDeploymentType}), default: ${FsxDeploymentType}.SCRATCH_2, description: ${q(`Deployment type of the environment's FSx for Lustre class (storage.fsx-lustre.deploymentType there; the storage-fsx-lustre chart's default is SCRATCH_2): the ${o.id} capacity is rounded and checked for it. An environment whose class has another type sets it here.`)} }`)},`,
            );
          });
          w.writeLine('},');
          w.writeLine(`storage: ${value('size', 'size', `{ default: ${Size}.gibibytes(1200), minimumGiB: 1200, maximumGiB: 1_000_000, description: ${q(`Capacity of the ${o.id} file system`)} }`)},`);
        });
        w.writeLine('});');
      };
      break;
    }
    case 'efs': {
      const Efs = ref('@strata/storage', 'Efs');
      creation = (w) => {
        w.writeLine(`const ${variable} = ${Efs}.fromStorageClass(this, ${q(o.id)}, {`);
        w.indent(() => {
          w.writeLine(`storageClass: { name: ${value('string', 'storageClassName', `{ default: ${q(tier.storageClass!)}, description: ${q(`EFS StorageClass of the ${o.id} volume (installed by the environment).`)}, minLength: 1, maxLength: 253 }`)} },`);
        });
        w.writeLine('});');
      };
      break;
    }
    case 's3-files': {
      const S3Files = ref('@strata/storage', 'S3Files');
      creation = (w) => {
        w.writeLine(`const ${variable} = ${S3Files}.fromStorageClass(this, ${q(o.id)}, {`);
        w.indent(() => {
          w.writeLine(`storageClass: { name: ${value('string', 'storageClassName', `{ default: ${q(tier.storageClass!)}, description: ${q(`S3 Files StorageClass of the ${o.id} volume (installed by a storage-s3-files release of the environment).`)}, minLength: 1, maxLength: 253 }`)} },`);
        });
        w.writeLine('});');
      };
      break;
    }
    case 's3': {
      const S3Mountpoint = ref('@strata/storage', 'S3Mountpoint');
      const AccessMode = o.readOnly ? ref('@strata/storage', 'AccessMode') : undefined;
      const S3AuthenticationSource = ref('@strata/storage', 'S3AuthenticationSource');
      const [BUCKET_NAME, BUCKET_NAME_LENGTH, NONEMPTY_KEY_PREFIX, DEFAULT_USER] = ['BUCKET_NAME', 'BUCKET_NAME_LENGTH', 'NONEMPTY_KEY_PREFIX', 'DEFAULT_USER'].map((n) => ref('@strata/patterns', n));
      creation = (w) => {
        // The pods' own credentials, as the workload generator's charts have them: each mounting pod's
        // service account gets the volume's policy (grantMountpoint below), and the environment its role.
        w.writeLine('// A static volume of a bucket prefix, read with the pods\' own credentials (their service account\'s role); the containers run as uid/gid 1000.');
        w.writeLine(`const ${variable} = new ${S3Mountpoint}(this, ${q(o.id)}, {`);
        w.indent(() => {
          w.writeLine(`bucketName: ${value('string', 'bucket', `{ default: 'ml-data', description: ${q(`S3 bucket mounted at ${o.mount}.`)}, pattern: ${BUCKET_NAME}, ...${BUCKET_NAME_LENGTH} }`)},`);
          w.writeLine(`prefix: ${value('string', 'prefix', `{ default: ${q(`${o.id}/`)}, description: ${q(`Key prefix mounted at ${o.mount} (not empty, ending in "/").`)}, pattern: ${NONEMPTY_KEY_PREFIX} }`)},`);
          if (AccessMode) w.writeLine(`accessMode: ${AccessMode}.READ_ONLY_MANY,`);
          w.writeLine(`authenticationSource: ${S3AuthenticationSource}.POD,`);
          w.writeLine(`uid: ${DEFAULT_USER},`);
          w.writeLine(`gid: ${DEFAULT_USER},`);
          w.writeLine('allowOther: true,');
        });
        w.writeLine('});');
      };
      break;
    }
    case 'instance-store': {
      const [InstanceStore, Size] = [ref('@strata/storage', 'InstanceStore'), ref('cdk8s', 'Size')];
      creation = (w) => {
        w.writeLine('// NVMe scratch per pod: an emptyDir on the nodes\' instance-store RAID0, with an ephemeral-storage request.');
        w.writeLine(`const ${variable} = new ${InstanceStore}(this, ${q(o.id)}, {`);
        w.indent(() => {
          w.writeLine(`size: ${value('size', 'size', `{ default: ${Size}.gibibytes(100), minimumGiB: 1, maximumGiB: 60_000, description: ${q(`NVMe scratch at ${o.mount} per pod (emptyDir size limit and ephemeral-storage request)`)} }`)},`);
        });
        w.writeLine('});');
      };
      break;
    }
  }
  const where = tier.storageClass ? ` from the environment's ${tier.storageClass} class` : '';
  // As the patterns do: a writable FSx for Lustre mount says whether the root of each new file system
  // was handed to the containers' uid (mountEverywhere warns while it is false), and a Mountpoint
  // volume's IAM policy goes to the identity Mountpoint runs as (grantMountpoint).
  const rootPrepared = o.storage === 'fsx-lustre' && !o.readOnly;
  const grant = o.storage === 's3' ? ref('@strata/patterns', GRANT_HELPER) : undefined;
  const options = [o.readOnly ? 'readOnly: true' : undefined, rootPrepared ? 'rootPrepared: false' : undefined].filter((x) => x !== undefined);
  // Comments count as statements for the insert index.
  const index = chart.body.getStatementsWithComments().length;
  chart.body.insertStatements(index, (w) => {
    if (index > 0) w.newLine();
    w.writeLine(`// ${o.id}: ${tier.title}${where}, mounted at ${o.mount}${o.readOnly ? ' (read-only)' : ''} in every container of the chart's workloads.`);
    creation(w);
    if (rootPrepared) w.writeLine(`// A new file system's root belongs to root: hand it to uid ${DEFAULT_UID} once (chown ${DEFAULT_UID}:${DEFAULT_UID} from an admin pod), then set rootPrepared: true.`);
    w.write(`${mountHelper}(this, ${variable}, ${q(o.mount)}${options.length > 0 ? `, { ${options.join(', ')} }` : ''});`);
    if (grant) {
      w.newLine();
      w.writeLine("// The volume's policy, in the chart's iam-policies/<key>.json, for the role of each mounting pod's service account.");
      w.write(`${grant}(${variable});`);
    }
  });
}

/** A constructor local for the storage that clashes with nothing in the constructor or at the file's top level. */
function localName(chart: WorkloadChartFile, base: string): string {
  const taken = chart.constructorNames();
  const free = (n: string) => !taken.has(n) && !chart.file.topLevelName(n);
  if (free(base)) return base;
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}Storage` : `${base}Storage${i}`;
    if (free(name)) return name;
  }
}

/** The packages the binding imports, in the workload's dependencies; true when package.json changed. */
function ensureDependencies(tree: Tree, o: NormalizedBindingOptions): boolean {
  const root = tree.exists('package.json') ? readJson(tree, 'package.json') : {};
  const pinned = { ...(root.dependencies ?? {}), ...(root.devDependencies ?? {}) } as Record<string, string>;
  const wanted: Record<string, string> = { '@strata/patterns': '*', '@strata/storage': '*' };
  if (o.storage === 'fsx-lustre' || o.storage === 'instance-store') wanted.cdk8s = pinned.cdk8s ?? '*';
  const pkgPath = `${o.projectRoot}/package.json`;
  const pkg = readJson(tree, pkgPath);
  const has = (name: string) => [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies].some((d) => d?.[name] !== undefined);
  const missing = Object.entries(wanted).filter(([name]) => !has(name));
  if (missing.length === 0) return false;
  // Only when something is missing: writing re-serializes the whole file.
  const deps = { ...(pkg.dependencies ?? {}), ...Object.fromEntries(missing) };
  writeJson(tree, pkgPath, { ...pkg, dependencies: Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1))) });
  return true;
}
