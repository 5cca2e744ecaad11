import { Block, ClassDeclaration, Node, SyntaxKind } from 'ts-morph';
import { GeneratorError } from './option-rules';
import { stringValue, TypeScriptFile } from './typescript-file';

/** A construct the chart creates in its own scope: `new X(this, '<id>', …)` or `X.from…(this, '<id>', …)`. */
export interface ChartConstruct {
  readonly id: string;
  /** The `new …` or call expression. */
  readonly node: Node;
  /** `FsxLustre.fromStorageClass`, `ModelRepository`, … */
  readonly callee: string;
}

/** A mount path the chart already uses, and the node that uses it. */
export interface ChartMount {
  readonly path: string;
  readonly node: Node;
  /** How it is used, for messages. */
  readonly how: string;
}

/** Mount paths the patterns use when not told otherwise (fixed or defaults of `mountPath`). */
const PATTERN_MOUNTS: { readonly [construct: string]: { readonly defaults: readonly string[]; readonly fixed: readonly string[] } } = {
  ModelRepository: { defaults: ['/models'], fixed: ['/cache'] },
  TrainingCheckpoint: { defaults: ['/checkpoints'], fixed: [] },
  DistributedDataset: { defaults: ['/data'], fixed: [] },
};

/** Calls that mount storage: cdk8s-plus `container.mount(path, …)`, tiers' `storage.mount(container, path)`, `mountEverywhere(…)`. */
const MOUNT_CALLS = new Set(['mount', 'mountEverywhere']);
/** The `Values` methods that declare a value: their first argument is its path. */
const VALUE_DECLARATIONS = new Set(['string', 'integer', 'number', 'boolean', 'enum', 'size', 'quantity', 'list', 'object']);

/**
 * A workload's chart.ts read through its AST: the default-exported chart class, its constructor,
 * and what it already uses (construct ids in the chart's scope, mount paths, values paths), so a
 * generator can add to it without clashing.
 */
export class WorkloadChartFile {
  public readonly chartClass: ClassDeclaration;
  public readonly body: Block;
  /** String constants by name (`const DATA_DIR = '/data'`), to read paths given through them. */
  private readonly constants = new Map<string, string>();

  public constructor(public readonly file: TypeScriptFile) {
    const sf = file.sourceFile;
    const classes = sf.getClasses();
    const chartClass = classes.find((c) => c.isDefaultExport()) ?? (classes.length === 1 ? classes[0] : undefined);
    if (!chartClass) {
      throw new GeneratorError(`${file.path}:1: has no default-exported chart class; the workload's chart module must \`export default class … extends WorkloadChart\``);
    }
    if (!chartClass.getExtends()) {
      throw new GeneratorError(`${file.where(chartClass)}: the chart class must extend WorkloadChart (it declares the values the binding adds)`);
    }
    const ctor = chartClass.getConstructors().find((c) => c.getBody());
    if (!ctor) throw new GeneratorError(`${file.where(chartClass)}: the chart class has no constructor to add the binding to; give it one that calls super(scope, id, { … }, props)`);
    this.chartClass = chartClass;
    this.body = ctor.getBodyOrThrow() as Block;
    for (const d of sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
      const value = stringValue(d.getInitializer());
      if (value !== undefined && Node.isIdentifier(d.getNameNode())) this.constants.set(d.getName(), value);
    }
  }

  /** A path given as a string literal or through a string constant of the file. */
  public pathOf(node: Node | undefined): string | undefined {
    if (!node) return undefined;
    const literal = stringValue(node);
    if (literal !== undefined) return literal;
    return Node.isIdentifier(node) ? this.constants.get(node.getText()) : undefined;
  }

  /** Constructs created in the chart's own scope (`this` as the scope argument) anywhere in the class. */
  public constructs(): ChartConstruct[] {
    const out: ChartConstruct[] = [];
    for (const node of this.chartClass.getDescendants()) {
      if (!Node.isNewExpression(node) && !Node.isCallExpression(node)) continue;
      const args = node.getArguments();
      if (args.length < 2 || args[0].getKind() !== SyntaxKind.ThisKeyword) continue;
      const id = stringValue(args[1]);
      if (id !== undefined) out.push({ id, node, callee: node.getExpression().getText() });
    }
    return out;
  }

  /** Every mount path the file uses: in mount calls, `mountPath:` properties, and the patterns' own paths. */
  public mounts(): ChartMount[] {
    const out: ChartMount[] = [];
    const sf = this.file.sourceFile;
    for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : undefined;
      if (!name || !MOUNT_CALLS.has(name)) continue;
      for (const arg of call.getArguments()) {
        const path = this.pathOf(arg);
        if (path !== undefined && path.startsWith('/')) out.push({ path, node: call, how: `mounted by ${callee.getText()}(…)` });
      }
    }
    for (const prop of sf.getDescendantsOfKind(SyntaxKind.PropertyAssignment)) {
      if (prop.getName() !== 'mountPath') continue;
      const path = this.pathOf(prop.getInitializer());
      if (path !== undefined) out.push({ path, node: prop, how: 'a mountPath' });
    }
    for (const expr of sf.getDescendantsOfKind(SyntaxKind.NewExpression)) {
      const construct = expr.getExpression().getText().split('.').pop()!;
      const known = PATTERN_MOUNTS[construct];
      if (!known) continue;
      const props = expr.getArguments()[2];
      const setsMountPath = props && Node.isObjectLiteralExpression(props) && props.getProperty('mountPath') !== undefined;
      for (const path of [...known.fixed, ...(setsMountPath ? [] : known.defaults)]) out.push({ path, node: expr, how: `mounted by ${construct}` });
    }
    return out;
  }

  /** Values paths the file declares (`v.string('model.bucket', …)`, `this.values.size(…)`). */
  public valuePaths(): { readonly path: string; readonly node: Node }[] {
    const out: { path: string; node: Node }[] = [];
    for (const call of this.file.sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || !VALUE_DECLARATIONS.has(callee.getName())) continue;
      const path = stringValue(call.getArguments()[0]);
      if (path !== undefined) out.push({ path, node: call });
    }
    return out;
  }

  /** Names declared in the constructor (parameters and variables at any depth): a new local must not shadow or clash. */
  public constructorNames(): Set<string> {
    const ctor = this.body.getParentOrThrow();
    const names = new Set<string>();
    if (Node.isConstructorDeclaration(ctor)) for (const p of ctor.getParameters()) names.add(p.getName());
    for (const d of this.body.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) names.add(d.getName());
    return names;
  }
}
