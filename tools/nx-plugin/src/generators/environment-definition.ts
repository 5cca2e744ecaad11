import { Tree } from '@nx/devkit';
import { CallExpression, Node, ObjectLiteralExpression, PropertyAssignment, SyntaxKind } from 'ts-morph';
import { className, GeneratorError } from './option-rules';
import { stringValue, TypeScriptFile } from './typescript-file';

/** The folder of environment definitions. */
export const ENVIRONMENTS = 'environments';

/** `environments/<env>/environment.ts` of every environment in the tree, sorted by name. */
export function environmentFiles(tree: Tree): string[] {
  if (!tree.exists(ENVIRONMENTS)) return [];
  return tree
    .children(ENVIRONMENTS)
    .sort()
    .map((env) => `${ENVIRONMENTS}/${env}/environment.ts`)
    .filter((file) => tree.exists(file));
}

/** The import a workload's values type comes from, relative to environments/<env>/. */
export function valuesModule(workload: string): string {
  return `../../charts/${workload}/values`;
}

/** The local name of a workload's values type: `LlmInferenceValues`. */
export function valuesTypeName(workload: string): string {
  return `${className(workload)}Values`;
}

/** The `defineEnvironment({ … })` of a definition file and its object literal. */
export class EnvironmentDefinitionFile {
  public static read(tree: Tree, path: string): EnvironmentDefinitionFile {
    return new EnvironmentDefinitionFile(TypeScriptFile.read(tree, path));
  }

  public readonly call: CallExpression;
  public readonly definition: ObjectLiteralExpression;

  public constructor(public readonly file: TypeScriptFile) {
    const sf = file.sourceFile;
    const call = sf.getDescendantsOfKind(SyntaxKind.CallExpression).find((c) => c.getExpression().getText() === 'defineEnvironment');
    if (!call) {
      throw new GeneratorError(`${file.path}:1: has no defineEnvironment({ … }) call; write the environment as \`export default defineEnvironment({ name, cluster, …, workloads: {} })\``);
    }
    const arg = call.getArguments()[0];
    if (!arg || !Node.isObjectLiteralExpression(arg)) {
      throw new GeneratorError(`${file.where(call)}: defineEnvironment must be given an object literal (found ${arg ? arg.getKindName() : 'nothing'}); write the definition inline`);
    }
    this.call = call;
    this.definition = arg;
  }

  /** A property of the definition (or of an object below it, by path) that is a plain `key: value`. */
  public property(path: string[], from: ObjectLiteralExpression = this.definition): PropertyAssignment | undefined {
    const [head, ...rest] = path;
    const prop = from.getProperties().find((p): p is PropertyAssignment => Node.isPropertyAssignment(p) && propertyKey(p) === head);
    if (!prop || rest.length === 0) return prop;
    const init = prop.getInitializer();
    return init && Node.isObjectLiteralExpression(init) ? this.property(rest, init) : undefined;
  }

  /** The `workloads: { … }` object literal. */
  public workloads(): ObjectLiteralExpression {
    const prop = this.property(['workloads']);
    if (!prop) {
      const other = this.definition.getProperties().find((p) => Node.isShorthandPropertyAssignment(p) && p.getName() === 'workloads');
      throw new GeneratorError(`${this.file.where(other ?? this.definition)}: 'workloads' must be an object literal in the definition (\`workloads: { … }\`) for the generator to add to it; write it inline`);
    }
    const init = prop.getInitializerOrThrow();
    if (!Node.isObjectLiteralExpression(init)) {
      throw new GeneratorError(`${this.file.where(init)}: 'workloads' must be an object literal (found ${init.getKindName()}); write the workloads inline (\`workloads: { … }\`) for the generator to add to it`);
    }
    return init;
  }

  /** The entry of a workload in `workloads`, if any. */
  public workloadEntry(workload: string): Node | undefined {
    return this.workloads()
      .getProperties()
      .find((p) => (Node.isPropertyAssignment(p) && propertyKey(p) === workload) || (Node.isShorthandPropertyAssignment(p) && p.getName() === workload));
  }

  /**
   * Adds `'<workload>': workload<XValues>({ namespace, values? })` at the end of `workloads`, with
   * the type import of the chart's values. A workload already listed is left as it is (with
   * whatever values and namespace the user gave it). Returns whether the file changed.
   */
  public registerWorkload(workload: string, namespace: string, values?: { readonly [key: string]: unknown }, storageProfile?: { readonly [claim: string]: unknown }): boolean {
    const workloads = this.workloads();
    if (this.workloadEntry(workload)) return false;
    const helper = this.file.importName('@strata/gitops', 'workload');
    const type = this.valuesType(workload);
    addProperty(this.file, workloads, this.file.quote(workload), workloadEntryText(helper, type, namespace, values, (s) => this.file.quote(s), storageProfile));
    return true;
  }

  /**
   * The value of a property of the definition (by path) when the file states it as a string
   * literal, directly or through a top-level `const` holding one; undefined otherwise (computed,
   * imported, or absent).
   */
  public literal(path: string[]): string | undefined {
    const init = this.property(path)?.getInitializer();
    const direct = stringValue(init);
    if (direct !== undefined || !init || !Node.isIdentifier(init)) return direct;
    const decl = this.file.topLevelName(init.getText());
    if (!decl || !Node.isVariableStatement(decl)) return undefined;
    return stringValue(decl.getDeclarations().find((d) => d.getName() === init.getText())?.getInitializer());
  }

  /** Whether the definition has a property at this path (whatever its value). */
  public has(path: string[]): boolean {
    return this.property(path) !== undefined;
  }

  /**
   * The local name of a chart's values type: an existing import of it, else
   * `import type { Values as XValues } from '../../charts/<workload>/values'`, as the definitions
   * write it, so that several charts' values sit side by side.
   */
  private valuesType(workload: string): string {
    const module = valuesModule(workload);
    for (const d of this.file.sourceFile.getImportDeclarations()) {
      if (d.getModuleSpecifierValue() !== module) continue;
      const spec = d.getNamedImports().find((s) => s.getName() === 'Values');
      if (spec) return spec.getAliasNode()?.getText() ?? 'Values';
    }
    const alias = valuesTypeName(workload);
    const taken = this.file.topLevelName(alias);
    if (taken) {
      throw new GeneratorError(`${this.file.where(taken)}: '${alias}' is already declared here; the generator imports the values of ${workload} under that name: rename the declaration`);
    }
    this.file.addImport(module, [{ name: 'Values', alias }], true);
    return alias;
  }
}

/** The key of a property assignment: `name`, `'name'` or `"name"`. */
export function propertyKey(p: PropertyAssignment): string {
  const n = p.getNameNode();
  return stringValue(n) ?? n.getText();
}

/**
 * Adds `name: initializer` at the end of an object literal, following its trailing-comma style.
 * A comment after the last property's trailing comma (`…, // note` before the `}`) is kept where it
 * is and the property goes below it: ts-morph's own insertion writes a second comma there (`b: 1,,`),
 * which breaks the file.
 */
export function addProperty(file: TypeScriptFile, obj: ObjectLiteralExpression, name: string, initializer: string): void {
  const props = obj.getProperties();
  const last = props[props.length - 1];
  const close = obj.getLastChildByKind(SyntaxKind.CloseBraceToken);
  const text = file.sourceFile.getFullText();
  const between = last && close ? text.slice(last.getEnd(), close.getStart()) : '';
  if (!last || !close || !/\/\/|\/\*/.test(between) || !between.includes('\n')) {
    file.useTrailingCommas(hasTrailingComma(obj));
    obj.addPropertyAssignment({ name, initializer });
    return;
  }
  const trailing = hasTrailingComma(obj);
  const lineStart = text.lastIndexOf('\n', last.getStart()) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const closeLine = text.lastIndexOf('\n', close.getStart()) + 1;
  const entry = `${indent}${name}: ${initializer}${trailing ? ',' : ''}\n`;
  // Without a trailing comma the last property needs one before the new entry.
  const edits: [number, string][] = [[closeLine, entry], ...(trailing ? [] : ([[last.getEnd(), ',']] as [number, string][]))];
  for (const [at, insert] of edits.sort((a, b) => b[0] - a[0])) file.sourceFile.insertText(at, insert);
}

/** Whether a multi-line list ends with a comma after its last element. */
export function hasTrailingComma(list: ObjectLiteralExpression): boolean {
  const props = list.getProperties();
  if (props.length === 0) return true;
  const next = props[props.length - 1].getNextSibling();
  return next?.getKind() === SyntaxKind.CommaToken;
}

/** `workload<XValues>({ namespace: 'ns', values: { … } })`, as the definitions write an entry. */
export function workloadEntryText(helper: string, type: string, namespace: string, values: { readonly [key: string]: unknown } | undefined, quote: (s: string) => string, storageProfile?: { readonly [claim: string]: unknown }): string {
  const parts = [`namespace: ${quote(namespace)}`];
  if (values && Object.keys(values).length > 0) parts.push(`values: ${objectText(values, quote)}`);
  if (storageProfile && Object.keys(storageProfile).length > 0) parts.push(`storageProfile: ${objectText(storageProfile, quote)}`);
  return `${helper}<${type}>({ ${parts.join(', ')} })`;
}

/** A plain value as a one-line TypeScript literal: `{ aws: { region: 'us-west-2' } }`. */
export function objectText(value: unknown, quote: (s: string) => string): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => objectText(v, quote)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)}: ${objectText(v, quote)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return 'undefined';
}
