import { Tree } from '@nx/devkit';
import { IndentationText, Node, Project, QuoteKind, SourceFile } from 'ts-morph';
import { GeneratorError } from './option-rules';

/**
 * One TypeScript file of the Nx tree, loaded into an in-memory ts-morph project and edited through
 * its AST. Inserted code follows the file's own indentation and quotes; everything else keeps its
 * bytes. `save` writes back only when the text changed, so an edit that finds nothing to do leaves
 * the file untouched.
 */
export class TypeScriptFile {
  public static read(tree: Tree, path: string): TypeScriptFile {
    const text = tree.read(path, 'utf-8');
    if (text === null) throw new GeneratorError(`${path} does not exist`);
    return new TypeScriptFile(path, text);
  }

  /** A file that does not exist yet (its text is the generator's). */
  public static fromText(path: string, text: string): TypeScriptFile {
    return new TypeScriptFile(path, text);
  }

  public readonly sourceFile: SourceFile;
  private readonly project: Project;

  private constructor(
    public readonly path: string,
    private readonly original: string,
  ) {
    this.project = new Project({
      useInMemoryFileSystem: true,
      skipFileDependencyResolution: true,
      manipulationSettings: { indentationText: indentationOf(original), quoteKind: quoteOf(original), useTrailingCommas: true },
    });
    this.sourceFile = this.project.createSourceFile(`/${path}`, original);
  }

  /** A string literal in the file's quotes. */
  public quote(value: string): string {
    const q = this.project.manipulationSettings.getQuoteKind() === QuoteKind.Double ? '"' : "'";
    return `${q}${value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`)}${q}`;
  }

  /** `path:line` of a node, for messages. */
  public where(node: Node): string {
    return `${this.path}:${node.getStartLineNumber()}`;
  }

  /** Whether inserted list items get a trailing comma (follow the list being edited). */
  public useTrailingCommas(on: boolean): void {
    this.project.manipulationSettings.set({ useTrailingCommas: on });
  }

  public get text(): string {
    return this.sourceFile.getFullText();
  }

  public get changed(): boolean {
    return this.text !== this.original;
  }

  /** Writes the file back to the tree when its text changed. */
  public save(tree: Tree): boolean {
    if (!this.changed) return false;
    tree.write(this.path, this.text);
    return true;
  }

  /**
   * The expression naming `name` exported by `module` in this file: the local name of an existing
   * import (or `ns.name` through a namespace import), else a new named import, added to an import of
   * the module that exists or as a new declaration among the imports. Refuses when another
   * declaration already holds the name.
   */
  public importName(module: string, name: string, options: { typeOnly?: boolean } = {}): string {
    const sf = this.sourceFile;
    const fromModule = sf.getImportDeclarations().filter((d) => d.getModuleSpecifierValue() === module);
    for (const d of fromModule) {
      if (d.isTypeOnly() && !options.typeOnly) continue;
      const ns = d.getNamespaceImport();
      if (ns) return `${ns.getText()}.${name}`;
      for (const spec of d.getNamedImports()) {
        if (spec.getName() !== name || (spec.isTypeOnly() && !options.typeOnly)) continue;
        return spec.getAliasNode()?.getText() ?? name;
      }
    }
    const taken = this.topLevelName(name);
    if (taken) {
      throw new GeneratorError(`${this.where(taken)}: '${name}' is already declared here; the generator needs ${name} from '${module}' under that name: rename the declaration, or import ${name} from '${module}' yourself`);
    }
    const target = fromModule.find((d) => !d.isTypeOnly() && !d.getNamespaceImport() && !d.getDefaultImport() && d.getNamedImports().length > 0)
      ?? (options.typeOnly ? fromModule.find((d) => d.isTypeOnly() && d.getNamedImports().length > 0) : undefined);
    if (target) {
      const names = target.getNamedImports().map((s) => s.getName());
      target.insertNamedImport(sortedIndex(names, name), { name });
      return name;
    }
    this.addImport(module, [{ name }], options.typeOnly);
    return name;
  }

  /** A new import declaration, placed among the imports of its group in module order. */
  public addImport(module: string, namedImports: { name: string; alias?: string }[], typeOnly = false): void {
    this.sourceFile.insertImportDeclaration(this.importIndex(module), { moduleSpecifier: module, namedImports, isTypeOnly: typeOnly });
  }

  /** A top-level binding of `name` (an import or a declaration), if any. */
  public topLevelName(name: string): Node | undefined {
    const sf = this.sourceFile;
    for (const d of sf.getImportDeclarations()) {
      const def = d.getDefaultImport();
      if (def?.getText() === name) return d;
      if (d.getNamespaceImport()?.getText() === name) return d;
      for (const spec of d.getNamedImports()) if ((spec.getAliasNode()?.getText() ?? spec.getName()) === name) return d;
    }
    for (const s of sf.getStatements()) {
      if (Node.isVariableStatement(s)) {
        for (const v of s.getDeclarations()) if (v.getName() === name) return s;
      } else if ((Node.isClassDeclaration(s) || Node.isFunctionDeclaration(s) || Node.isInterfaceDeclaration(s) || Node.isEnumDeclaration(s) || Node.isTypeAliasDeclaration(s)) && s.getName() === name) {
        return s;
      }
    }
    return undefined;
  }

  /**
   * Where a new import of `module` goes: among the imports of its group (packages, then @strata/*,
   * then relative paths) in module order; after the last import when the file has none of its group.
   */
  private importIndex(module: string): number {
    const imports = this.sourceFile.getImportDeclarations();
    if (imports.length === 0) return 0;
    const g = importGroup(module);
    const before = imports.find((d) => {
      const m = d.getModuleSpecifierValue();
      return importGroup(m) > g || (importGroup(m) === g && m > module);
    });
    return before ? before.getChildIndex() : imports[imports.length - 1].getChildIndex() + 1;
  }
}

function importGroup(module: string): number {
  if (module.startsWith('.')) return 2;
  return module.startsWith('@strata/') ? 1 : 0;
}

/** The index that keeps a case-insensitively sorted list sorted; the end when the list is not sorted. */
function sortedIndex(names: readonly string[], name: string): number {
  const key = (s: string) => s.toLowerCase();
  const sorted = names.every((n, i) => i === 0 || key(names[i - 1]) <= key(n));
  if (!sorted) return names.length;
  const i = names.findIndex((n) => key(n) > key(name));
  return i === -1 ? names.length : i;
}

/** The file's indentation: the first indented line that is not inside a doc comment. */
function indentationOf(text: string): IndentationText {
  for (const line of text.split('\n')) {
    const m = /^([ \t]+)(\S)/.exec(line);
    if (!m || m[2] === '*') continue;
    if (m[1].startsWith('\t')) return IndentationText.Tab;
    const n = m[1].length;
    return n >= 8 ? IndentationText.EightSpaces : n >= 4 ? IndentationText.FourSpaces : IndentationText.TwoSpaces;
  }
  return IndentationText.TwoSpaces;
}

/** The quotes of the file's first import (single when it has none). */
function quoteOf(text: string): QuoteKind {
  const m = /^import[^'"]*(['"])/m.exec(text);
  return m?.[1] === '"' ? QuoteKind.Double : QuoteKind.Single;
}

/** The text of a string literal (or a template without substitutions), else undefined. */
export function stringValue(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return undefined;
}
