import { join } from 'node:path';
import { generateFiles, logger, Tree } from '@nx/devkit';
import { Node } from 'ts-morph';
import { FILL_IN, PLACEHOLDER } from '@strata/gitops';
import { ENVIRONMENTS, EnvironmentDefinitionFile, environmentFiles, propertyKey, valuesTypeName } from '../environment-definition';
import { defaultNamespace, DNS_LABEL, GeneratorError, quoted, refuse } from '../option-rules';
import { stringValue, TypeScriptFile } from '../typescript-file';
import { WORKLOADS } from '../workload/generator';
import { EnvironmentGeneratorSchema } from './schema';

export interface NormalizedEnvironmentOptions {
  readonly name: string;
  readonly from?: string;
  /** environments/<name>/environment.ts */
  readonly file: string;
}

export function normalizeOptions(tree: Tree, options: EnvironmentGeneratorSchema): NormalizedEnvironmentOptions {
  const name = options.name;
  if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
    refuse('name', name ?? '', 'a DNS label (lowercase letters, digits and "-", at most 63)', 'it names the folder environments/<name>/, e.g. "qa"');
  }
  if (name === 'base') refuse('name', name, 'another name than "base"', 'environments/base/ holds the shared workload bases');
  const existing = environmentFiles(tree).map((f) => f.split('/')[1]);
  if (options.from !== undefined && !existing.includes(options.from)) {
    refuse('--from', options.from, existing.length > 0 ? `an existing environment: one of ${quoted(existing)}` : 'an existing environment (there is none yet)', 'or leave --from out for a minimal definition');
  }
  return { name, from: options.from, file: `${ENVIRONMENTS}/${name}/environment.ts` };
}

/**
 * `nx g @strata/nx-plugin:environment <name> [--from=<env>]`: environments/<name>/environment.ts,
 * a copy of --from with its name fields changed through the AST, or a minimal definition listing
 * every workload with its namespace. An existing definition is never overwritten; a repeat run that
 * would write the same file changes nothing.
 */
export async function environmentGenerator(tree: Tree, options: EnvironmentGeneratorSchema): Promise<void> {
  const o = normalizeOptions(tree, options);
  const before = tree.read(o.file, 'utf-8');
  const replaced = o.from ? copyEnvironment(tree, o, o.from) : (minimalEnvironment(tree, o), MINIMAL_PLACEHOLDERS);
  const after = tree.read(o.file, 'utf-8');
  if (before !== null && before !== after) {
    tree.write(o.file, before); // leave the tree as it was
    refuse('name', o.name, 'the name of no existing environment', `${o.file} exists (and differs from what this would write); pick another name, or edit it by hand`);
  }
  if (replaced.length > 0) {
    const lines = [
      `${o.file}: ${o.from ? `${o.from}'s structure; what identified ${o.from} is a placeholder` : 'placeholders'} to fill in (\`npm run generate\` refuses the environment until each is):`,
      ...replaced.map((r) => `  ${r.where}: ${r.now}${o.from ? `  (${o.from}: ${r.was})` : ''}`),
    ];
    if (o.from && replaced.some((r) => r.where === 'registry' || r.where.startsWith('const '))) {
      lines.push(`The registry now names the placeholder account: if ${o.name} pulls charts from ${o.from}'s registry, write that back.`);
    }
    if (o.from && replaced.some((r) => r.where.startsWith('cloud.'))) {
      lines.push(
        `The cloud resources are ${o.from}'s AWS resources (buckets and file systems ACK adopts or manages there): their names and ids are placeholders, ` +
          `so ${o.name} neither waits for a bucket that does not exist nor takes over ${o.from}'s. Name ${o.name}'s own (one to adopt must exist), or drop adopt / adoptFileSystemId to have ACK create them.`,
      );
    }
    logger.info(lines.join('\n'));
  }
}

/** What the minimal definition leaves to fill in (files/environment.ts__tmpl__). */
const MINIMAL_PLACEHOLDERS: Replacement[] = [
  { where: 'registry', was: '', now: 'oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/strata' },
  { where: 'network.subnetId', was: '', now: PLACEHOLDER.subnet },
  { where: 'network.securityGroupIds', was: '', now: PLACEHOLDER.securityGroup },
];

export default environmentGenerator;

/**
 * --from's definition, structure only: `name` (and the environment part of `cluster.name` and of
 * every other name) changed, and everything that identifies the source environment replaced by a
 * placeholder that generate refuses until it is filled in (see PLACEHOLDERS of @strata/gitops):
 * the AWS account (alone, in ARNs and in the registry host), subnet, security group and file
 * system IDs, buckets (and s3:// locations), role names. Returns what was replaced, for the output.
 */
function copyEnvironment(tree: Tree, o: NormalizedEnvironmentOptions, from: string): Replacement[] {
  const source = EnvironmentDefinitionFile.read(tree, `${ENVIRONMENTS}/${from}/environment.ts`);
  const copy = new EnvironmentDefinitionFile(TypeScriptFile.fromText(o.file, source.file.text));
  const f = copy.file;
  const name = copy.property(['name']);
  if (!name) {
    throw new GeneratorError(`${source.file.where(copy.definition)}: the definition has no \`name: '${from}'\` property to change; write it inline`);
  }
  name.setInitializer(f.quote(o.name));
  const cluster = copy.property(['cluster', 'name']);
  const clusterName = stringValue(cluster?.getInitializer());
  if (cluster && clusterName !== undefined) {
    const renamed = renameEnvironment(clusterName, from, o.name);
    if (renamed !== clusterName) cluster.setInitializer(f.quote(renamed));
  }
  const replaced = scrubIdentity(f, from, o.name);
  // Said in the file too: whoever opens it sees why generate refuses it (a copy of a copy says it once).
  let text = f.text;
  const header = copiedHeader(from, o.name);
  const earlier = /^\/\/ Copied from [^\n]*\n\/\/ The account, IDs[^\n]*\n\/\/ [^\n]*refuses this environment until each is filled in\.\n/.exec(text);
  if (earlier) text = text.slice(earlier[0].length);
  if (replaced.length > 0 || earlier) text = `${header.join('\n')}\n${text}`;
  tree.write(o.file, text);
  return replaced;
}

function copiedHeader(from: string, name: string): string[] {
  return [
    `// Copied from ${from} by \`nx g @strata/nx-plugin:environment ${name} --from=${from}\`: its structure, not its identity.`,
    `// The account, IDs, buckets and role names are placeholders (${PLACEHOLDER.account}, ${PLACEHOLDER.subnet}, ${PLACEHOLDER.securityGroup},`,
    `// ${PLACEHOLDER.fileSystem}, ${FILL_IN}-…): \`npm run generate\` refuses this environment until each is filled in.`,
  ];
}

/** One value the copy replaced. */
export interface Replacement {
  /** Where: `network.subnetId`, `const account`, `workloads.llm-inference.values.model.bucket`. */
  readonly where: string;
  readonly was: string;
  readonly now: string;
}

/** `strata-staging-x` → `strata-perf-x`: the environment's name where it is a "-"-separated part of a name. */
function renameEnvironment(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`(^|-)${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=-|$)`, 'g'), `$1${to}`);
}

/** What identifies an environment in the text of a string (not its keys): replaced by placeholders. */
function scrubText(text: string, from: string, to: string): string {
  return renameEnvironment(text, from, to)
    .replace(/^\d{12}$/, PLACEHOLDER.account) // an account alone, e.g. `const account = '444455556666'`
    .replace(/(::)\d{12}(:)/g, `$1${PLACEHOLDER.account}$2`) // in an ARN
    .replace(/^(arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]+:)\d{12}(:)/, `$1${PLACEHOLDER.account}$2`) // in a regional ARN (a KMS key's)
    .replace(/\d{12}(\.dkr\.ecr\.)/g, `${PLACEHOLDER.account}$1`) // in an ECR registry host
    .replace(/\b(subnet|sg|fs)-([0-9a-f]{17}|[0-9a-f]{8})\b/g, (_m, kind: string, hex: string) => `${kind}-${'0'.repeat(hex.length)}`)
    .replace(/s3:\/\/[a-z0-9.-]+/g, `s3://${PLACEHOLDER.bucket}`);
}

/** Every string literal (and template text) of the file scrubbed; buckets and role names by their property. */
function scrubIdentity(f: TypeScriptFile, from: string, to: string): Replacement[] {
  const replaced: Replacement[] = [];
  const edits: { node: Node; text: string }[] = [];
  for (const node of f.sourceFile.getDescendants()) {
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
      if (Node.isImportDeclaration(node.getParent()) || Node.isExportDeclaration(node.getParent())) continue;
      const was = node.getLiteralValue();
      const key = propertyOf(node);
      let now: string;
      if (key !== undefined && (key === 'bucket' || /Bucket$/.test(key))) now = PLACEHOLDER.bucket;
      // A bucket ACK reconciles (cloud.buckets[].name) is an AWS resource of the source environment: adopted there, it
      // would be waited for (or fought over) here. Distinct placeholders keep the names apart until filled in.
      else if (key === 'name' && whereOf(node) === 'cloud.buckets.name') now = `${FILL_IN}-${renameEnvironment(was, from, to)}`;
      else if (key !== undefined && /(^r|R)ole$/.test(key) && !was.startsWith('arn:')) now = `${FILL_IN}-${to}-role`;
      else now = scrubText(was, from, to);
      if (now !== was) {
        edits.push({ node, text: f.quote(now) });
        replaced.push({ where: whereOf(node), was, now });
      }
    } else if (Node.isTemplateExpression(node)) {
      const parts = [node.getHead().getText(), ...node.getTemplateSpans().flatMap((s) => [s.getExpression().getText(), s.getLiteral().getText()])];
      const scrubbed = parts.map((p, i) => (i % 2 === 0 ? scrubText(p, from, to) : p));
      if (scrubbed.join('') !== parts.join('')) {
        edits.push({ node, text: scrubbed.join('') });
        replaced.push({ where: whereOf(node), was: node.getText(), now: scrubbed.join('') });
      }
    }
  }
  // Last first: earlier positions stay valid.
  for (const e of edits.sort((a, b) => b.node.getStart() - a.node.getStart())) e.node.replaceWithText(e.text);
  return replaced;
}

/** The property a literal is the value of (directly, or as an element of a list under it). */
function propertyOf(node: Node): string | undefined {
  const parent = node.getParent();
  const owner = parent && Node.isArrayLiteralExpression(parent) ? parent.getParent() : parent;
  return owner && Node.isPropertyAssignment(owner) && owner.getInitializer() === (parent && Node.isArrayLiteralExpression(parent) ? parent : node) ? propertyKey(owner) : undefined;
}

/** Where a literal sits, for the output: the properties above it, or the top-level const holding it. */
function whereOf(node: Node): string {
  const path: string[] = [];
  for (let n: Node | undefined = node.getParent(); n; n = n.getParent()) {
    if (Node.isPropertyAssignment(n)) path.unshift(propertyKey(n));
    else if (Node.isVariableDeclaration(n)) return [`const ${n.getName()}`, ...path].join('.');
    else if (Node.isCallExpression(n) && n.getExpression().getText() === 'defineEnvironment') break;
  }
  return path.join('.') || `line ${node.getStartLineNumber()}`;
}

/** A minimal definition: placeholders, and every workload in the namespace the workload generator defaults to. */
function minimalEnvironment(tree: Tree, o: NormalizedEnvironmentOptions): void {
  const workloads = workloadNames(tree).map((w) => ({
    name: w,
    typeName: valuesTypeName(w),
    namespace: defaultNamespace(w),
  }));
  generateFiles(tree, join(__dirname, 'files'), `${ENVIRONMENTS}/${o.name}`, { name: o.name, workloads, tmpl: '' });
}

/** The workload packages in the tree (packages/workloads/<name> with a chart), sorted. */
export function workloadNames(tree: Tree): string[] {
  if (!tree.exists(WORKLOADS)) return [];
  return tree
    .children(WORKLOADS)
    .filter((w) => {
      const pkg = tree.read(`${WORKLOADS}/${w}/package.json`, 'utf-8');
      return pkg !== null && JSON.parse(pkg).strata?.chart !== undefined;
    })
    .sort();
}

