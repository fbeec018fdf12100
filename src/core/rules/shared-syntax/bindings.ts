import { ts } from 'ts-morph';
import { isFunctionWithBody, memberName, memberObject, propertyNameText, skipWrappers } from './nodes';
import { AttachedCache } from '../../runtime/attached-cache';

/** How a name was introduced. Only `const` bindings are trusted to keep their initializer's value. */
export type BindingKind = 'const' | 'let' | 'var' | 'parameter' | 'function' | 'class' | 'import' | 'catch';

/** A module, or one export of it, that a name or expression stands for. */
export interface ModuleReference {
  /** Module specifier without a `node:` prefix (`child_process`, `axios`). */
  module: string;
  /** The export (`exec`), or undefined for the module itself (namespace, default or `require()` result). */
  member?: string;
}

/** One declared name and the scope it is visible in. */
export interface Binding {
  readonly name: string;
  readonly kind: BindingKind;
  /** The node whose subtree sees this name (a block, a function, a loop head, the source file). */
  readonly scope: ts.Node;
  /** The declaration node, for messages and edits. */
  readonly declaration: ts.Node;
  /** `x` in `const name = x`. */
  readonly initializer?: ts.Expression;
  /** `x` and `'p'` in `const { p: name } = x`. */
  readonly destructuredFrom?: { readonly source: ts.Expression; readonly property: string };
  /** Set for `import` bindings, whose module is known without an initializer. */
  readonly module?: ModuleReference;
}

/**
 * 1 at the kinds of node that declare names ({@link FileBindings.observe} looks at no other), made
 * on the first table (module code must not load TypeScript): one array read rejects the nine nodes
 * in ten that declare nothing, where the switch compared each with six kinds read from `ts`.
 */
let declaringKinds: Uint8Array | undefined;

function declaringKindsTable(): Uint8Array {
  const kinds = [
    ts.SyntaxKind.VariableDeclaration,
    ts.SyntaxKind.Parameter,
    ts.SyntaxKind.ImportDeclaration,
    ts.SyntaxKind.ImportEqualsDeclaration,
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.ClassDeclaration,
    ts.SyntaxKind.FunctionExpression,
  ];
  const table = new Uint8Array(Math.max(...kinds) + 1);
  for (const kind of kinds) table[kind] = 1;
  return table;
}

/** The tables {@link FileBindings.of} made, per tree (gone with the tree). */
const filled = new AttachedCache<ts.SourceFile, FileBindings>('comprehension.bindings');

/** Resolution follows `const a = b` chains; this caps the chain so cycles cannot loop forever. */
const MAX_RESOLUTION_DEPTH = 8;

/**
 * The names a file declares, with lexical scopes, filled during a rule's one AST walk (`observe` on
 * every node) and queried after it. Resolution is by name and enclosing scope, as JavaScript does it,
 * without a type checker: what a name holds is known only when it is a `const` with a visible
 * initializer, or an import.
 */
export class FileBindings {
  /**
   * Name → its one binding, or scope node → binding when the name is declared in more than one
   * scope. Most names have one: resolving one compares each enclosing node with its scope; a name
   * of several scopes costs a map lookup per enclosing node.
   */
  private readonly byName = new Map<string, Binding | Map<ts.Node, Binding>>();
  private readonly declaring: Uint8Array = (declaringKinds ??= declaringKindsTable());

  /**
   * Every name `sourceFile` declares, made by one walk on first request and shared by every rule
   * that asks for the same tree (each used to fill its own table during its walk and query it after:
   * the same table, made once per rule).
   */
  static of(sourceFile: ts.SourceFile): FileBindings {
    let bindings = filled.get(sourceFile);
    if (bindings === undefined) {
      const table = new FileBindings();
      const visit = (node: ts.Node): void => {
        table.observe(node);
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
      filled.set(sourceFile, table);
      bindings = table;
    }
    return bindings;
  }

  /**
   * A table for `sourceFile` filled during a walk the caller drives (the engine's shared walk calls
   * `observe` on every node); `done` hands it to {@link FileBindings.of}, so no rule walks again for
   * it. Undefined when the tree already has its table.
   */
  static fillDuringWalk(sourceFile: ts.SourceFile): { observe(node: ts.Node): void; done(): void } | undefined {
    if (filled.has(sourceFile)) return undefined;
    const table = new FileBindings();
    return {
      observe: (node) => table.observe(node),
      done: () => {
        if (!filled.has(sourceFile)) filled.set(sourceFile, table);
      },
    };
  }

  /** Records the names `node` declares, if any. Call it for every node of the walk. */
  observe(node: ts.Node): void {
    if (this.declaring[node.kind] !== 1) return;
    switch (node.kind) {
      case ts.SyntaxKind.VariableDeclaration:
        this.observeVariable(node as ts.VariableDeclaration);
        break;
      case ts.SyntaxKind.Parameter:
        this.addNames((node as ts.ParameterDeclaration).name, 'parameter', node.parent, node);
        break;
      case ts.SyntaxKind.ImportDeclaration:
        this.observeImport(node as ts.ImportDeclaration);
        break;
      case ts.SyntaxKind.ImportEqualsDeclaration:
        this.observeImportEquals(node as ts.ImportEqualsDeclaration);
        break;
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.ClassDeclaration: {
        const name = (node as ts.FunctionDeclaration | ts.ClassDeclaration).name;
        const kind = node.kind === ts.SyntaxKind.FunctionDeclaration ? 'function' : 'class';
        if (name !== undefined) this.add({ name: name.text, kind, scope: node.parent, declaration: node });
        break;
      }
      case ts.SyntaxKind.FunctionExpression: {
        // A named function expression sees its own name (recursion) and nothing outside does.
        const name = (node as ts.FunctionExpression).name;
        if (name !== undefined) this.add({ name: name.text, kind: 'function', scope: node, declaration: node });
        break;
      }
    }
  }

  /** The binding `identifier` refers to at its position, or undefined for globals and unknown names. */
  resolve(identifier: ts.Identifier): Binding | undefined {
    const entry = this.byName.get(identifier.text);
    if (entry === undefined) return undefined;
    if (!(entry instanceof Map)) {
      for (let node: ts.Node | undefined = identifier.parent; node !== undefined; node = node.parent) if (node === entry.scope) return entry;
      return undefined;
    }
    for (let node: ts.Node | undefined = identifier.parent; node !== undefined; node = node.parent) {
      const binding = entry.get(node);
      if (binding !== undefined) return binding;
    }
    return undefined;
  }

  /**
   * What `expression` evaluates to when that is a `const` initializer reachable through names:
   * `x` in `const a = x; … a`, followed through chains. Returns the expression itself otherwise.
   */
  valueOf(expression: ts.Expression): ts.Expression {
    let current = skipWrappers(expression);
    for (let depth = 0; depth < MAX_RESOLUTION_DEPTH && ts.isIdentifier(current); depth++) {
      const binding = this.resolve(current);
      if (binding?.kind !== 'const' || binding.initializer === undefined) break;
      current = skipWrappers(binding.initializer);
    }
    return current;
  }

  /**
   * The module or module export `expression` stands for: an import, a `require()`, a member of either,
   * or a `const` bound to one of those (including `util.promisify(exec)`, which keeps the arguments).
   */
  moduleOf(expression: ts.Expression, depth = 0): ModuleReference | undefined {
    if (depth > MAX_RESOLUTION_DEPTH) return undefined;
    const value = skipWrappers(expression);
    if (ts.isIdentifier(value)) {
      const binding = this.resolve(value);
      if (binding === undefined) return undefined;
      if (binding.module !== undefined) return binding.module;
      if (binding.kind !== 'const') return undefined;
      if (binding.initializer !== undefined) return this.moduleOf(binding.initializer, depth + 1);
      if (binding.destructuredFrom !== undefined) {
        const source = this.moduleOf(binding.destructuredFrom.source, depth + 1);
        return source !== undefined && source.member === undefined ? memberOf(source.module, binding.destructuredFrom.property) : undefined;
      }
      return undefined;
    }
    const required = requiredModule(value);
    if (required !== undefined) return { module: required };
    if (ts.isAwaitExpression(value)) return this.moduleOf(value.expression, depth + 1);
    if (ts.isCallExpression(value) && isPromisify(value.expression) && value.arguments.length === 1) {
      return this.moduleOf(value.arguments[0], depth + 1);
    }
    const member = memberName(value);
    const object = memberObject(value);
    if (member !== undefined && object !== undefined) {
      const parent = this.moduleOf(object, depth + 1);
      return parent !== undefined && parent.member === undefined ? memberOf(parent.module, member) : undefined;
    }
    return undefined;
  }

  private observeVariable(node: ts.VariableDeclaration): void {
    if (ts.isCatchClause(node.parent)) {
      this.addNames(node.name, 'catch', node.parent, node);
      return;
    }
    const list = node.parent;
    if (!ts.isVariableDeclarationList(list)) return;
    const flags = list.flags;
    const kind: BindingKind =
      flags & ts.NodeFlags.Const ? 'const' : flags & (ts.NodeFlags.Let | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing) ? 'let' : 'var';
    const scope = kind === 'var' ? functionScopeOf(node) : blockScopeOf(list);
    if (ts.isIdentifier(node.name)) {
      this.add({ name: node.name.text, kind, scope, declaration: node, initializer: node.initializer });
      return;
    }
    if (ts.isObjectBindingPattern(node.name) && node.initializer !== undefined) {
      for (const element of node.name.elements) {
        if (!ts.isIdentifier(element.name) || element.dotDotDotToken !== undefined) {
          this.addNames(element.name, kind, scope, element);
          continue;
        }
        const property = element.propertyName !== undefined ? propertyNameText(element.propertyName) : element.name.text;
        const destructuredFrom = property !== undefined ? { source: node.initializer, property } : undefined;
        this.add({ name: element.name.text, kind, scope, declaration: element, destructuredFrom });
      }
      return;
    }
    this.addNames(node.name, kind, scope, node);
  }

  private observeImport(node: ts.ImportDeclaration): void {
    const clause = node.importClause;
    if (clause === undefined || !ts.isStringLiteral(node.moduleSpecifier)) return;
    const module = normalizeSpecifier(node.moduleSpecifier.text);
    const scope = node.parent;
    if (clause.name !== undefined) {
      this.add({ name: clause.name.text, kind: 'import', scope, declaration: clause, module: { module } });
    }
    const bindings = clause.namedBindings;
    if (bindings === undefined) return;
    if (ts.isNamespaceImport(bindings)) {
      this.add({ name: bindings.name.text, kind: 'import', scope, declaration: bindings, module: { module } });
      return;
    }
    for (const specifier of bindings.elements) {
      const imported = (specifier.propertyName ?? specifier.name).text;
      this.add({ name: specifier.name.text, kind: 'import', scope, declaration: specifier, module: memberOf(module, imported) });
    }
  }

  private observeImportEquals(node: ts.ImportEqualsDeclaration): void {
    const reference = node.moduleReference;
    if (ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)) {
      const module = normalizeSpecifier(reference.expression.text);
      this.add({ name: node.name.text, kind: 'import', scope: node.parent, declaration: node, module: { module } });
    }
  }

  private addNames(name: ts.BindingName, kind: BindingKind, scope: ts.Node, declaration: ts.Node): void {
    if (ts.isIdentifier(name)) {
      this.add({ name: name.text, kind, scope, declaration });
      return;
    }
    for (const element of name.elements) {
      if (ts.isBindingElement(element)) this.addNames(element.name, kind, scope, element);
    }
  }

  private add(binding: Binding): void {
    const entry = this.byName.get(binding.name);
    if (entry === undefined) {
      this.byName.set(binding.name, binding);
      return;
    }
    // A redeclaration in the same scope (`var x` twice) keeps the first: either may be the live one.
    if (!(entry instanceof Map)) {
      if (entry.scope !== binding.scope) this.byName.set(binding.name, new Map([[entry.scope, entry], [binding.scope, binding]]));
      return;
    }
    if (!entry.has(binding.scope)) entry.set(binding.scope, binding);
  }
}

/** The specifier of `require('m')` or `import('m')`, without `node:`. */
export function requiredModule(expression: ts.Expression): string | undefined {
  const value = skipWrappers(expression);
  if (!ts.isCallExpression(value) || value.arguments.length !== 1) return undefined;
  const isRequire = ts.isIdentifier(value.expression) && value.expression.text === 'require';
  const isDynamicImport = value.expression.kind === ts.SyntaxKind.ImportKeyword;
  const argument = value.arguments[0];
  if ((isRequire || isDynamicImport) && ts.isStringLiteralLike(argument)) return normalizeSpecifier(argument.text);
  return undefined;
}

function normalizeSpecifier(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/** `default` of a module is the module itself for the CommonJS-style modules rules look at. */
function memberOf(module: string, member: string): ModuleReference {
  return member === 'default' ? { module } : { module, member };
}

function isPromisify(callee: ts.Expression): boolean {
  const value = skipWrappers(callee);
  return (ts.isIdentifier(value) && value.text === 'promisify') || memberName(value) === 'promisify';
}

/** Where `let`/`const` names are visible: the nearest block, loop head, case block, function or file. */
function blockScopeOf(node: ts.Node): ts.Node {
  let current = node.parent;
  while (current !== undefined) {
    if (
      ts.isBlock(current) ||
      ts.isSourceFile(current) ||
      ts.isModuleBlock(current) ||
      ts.isCaseBlock(current) ||
      ts.isForStatement(current) ||
      ts.isForInStatement(current) ||
      ts.isForOfStatement(current) ||
      isFunctionWithBody(current)
    ) {
      return current;
    }
    current = current.parent;
  }
  return node.getSourceFile();
}

/** Where `var` names are visible: the nearest function, or the file. */
function functionScopeOf(node: ts.Node): ts.Node {
  let current = node.parent;
  while (current !== undefined) {
    if (ts.isSourceFile(current) || isFunctionWithBody(current)) return current;
    current = current.parent;
  }
  return node.getSourceFile();
}
