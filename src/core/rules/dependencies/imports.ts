import { ts } from 'ts-morph';
import { AttachedCache } from '../../runtime/attached-cache';
import { type DispatchTable, walkTree } from '../shared-syntax/visitor';

/** The syntax a module specifier appeared in. */
export type ModuleReferenceKind =
  /** `import x from 'm'`, `import { a } from 'm'`, `import * as m from 'm'` */
  | 'import'
  /** `import 'm'` */
  | 'side-effect-import'
  /** `export { a } from 'm'`, `export * from 'm'` */
  | 'export'
  /** `import m = require('m')` */
  | 'import-equals'
  /** `require('m')` */
  | 'require'
  /** `import('m')` */
  | 'dynamic-import'
  /** `type T = import('m').T` */
  | 'import-type';

/** One module specifier written in a file. */
export interface ModuleReference {
  /** The specifier's value (`lodash/fp`). */
  specifier: string;
  kind: ModuleReferenceKind;
  /**
   * True when the reference disappears from the emitted JavaScript: `import type`, `export type`,
   * an import whose every named binding is `type`, `import('m')` in a type, and anything in a
   * declaration file. Such a reference needs only the package's types at build time.
   */
  typeOnly: boolean;
  /** Offsets of the specifier's text, inside the quotes. */
  start: number;
  end: number;
  /** True when the source text between `start` and `end` is exactly `specifier` (no escapes), so it can be edited in place. */
  verbatim: boolean;
  /**
   * True for a `require()` or `import()` the code carries on without: in the `try` block of a
   * `try` whose `catch` does not just throw (in the same function), or an `import()` whose
   * rejection a `.catch()` handles. An optional dependency loaded on purpose (sharp's WebAssembly
   * fallback, bullmq's Valkey client).
   */
  optional: boolean;
}

/** Text that may hold a `require(...)`, `import(...)` call or an `import('m')` type. */
const MAY_HAVE_NESTED_REFERENCE = /\brequire\b|\bimport\s*(?:\(|\/[*/])/;

/**
 * The engine hands every syntax rule the same SourceFile, and all the dependency rules need its
 * imports: extracted once per tree, during the engine's shared walk when one of them runs (see
 * {@link collectModuleReferencesDuringWalk}), and kept on the tree (see AttachedCache: not a WeakMap).
 */
const cache = new AttachedCache<ts.SourceFile, readonly ModuleReference[]>('comprehension.moduleReferences');

/**
 * The node kinds a module reference is written in. A function, not a constant: reading `ts` when the
 * module loads would load TypeScript for checks that parse nothing (`--rules 'secrets/*'`).
 */
function referenceKinds(): ts.SyntaxKind[] {
  return [ts.SyntaxKind.ImportDeclaration, ts.SyntaxKind.ExportDeclaration, ts.SyntaxKind.ImportEqualsDeclaration, ts.SyntaxKind.ImportType, ts.SyntaxKind.CallExpression];
}

/**
 * Every statically known module specifier in `sourceFile`, in source order: static imports and
 * re-exports, `import x = require()`, `require('m')` and `import('m')` with a literal argument, and
 * `import('m')` types. Computed specifiers (`require(name)`) are skipped: nothing static to check.
 * The tree's nodes must know their parents (the engine's trees do).
 */
export function moduleReferences(sourceFile: ts.SourceFile): readonly ModuleReference[] {
  const cached = cache.get(sourceFile);
  if (cached) return cached;
  const collector = new ReferenceCollector(sourceFile);
  if (MAY_HAVE_NESTED_REFERENCE.test(sourceFile.text)) {
    const table: DispatchTable = new Map(referenceKinds().map((kind) => [kind, [collector.observe]]));
    walkTree(sourceFile, table);
  } else {
    // Static imports and re-exports sit at the top level or in `declare module` blocks; only calls
    // and import types can hide deeper, and this text holds neither.
    const visitStatements = (statements: readonly ts.Statement[]): void => {
      for (const statement of statements) {
        collector.observe(statement);
        if (ts.isModuleDeclaration(statement)) {
          let body = statement.body;
          while (body !== undefined && ts.isModuleDeclaration(body)) body = body.body;
          if (body !== undefined && ts.isModuleBlock(body)) visitStatements(body.statements);
        }
      }
    };
    visitStatements(sourceFile.statements);
  }
  cache.set(sourceFile, collector.references);
  return collector.references;
}

/**
 * Handlers that collect `sourceFile`'s module references during a walk of every node in pre-order
 * (the engine's shared walk), so that {@link moduleReferences} is then a lookup; undefined when
 * they are known already. Call `done` after the walk; a collector that failed leaves them unknown.
 */
export function collectModuleReferencesDuringWalk(
  sourceFile: ts.SourceFile,
): { kinds: readonly ts.SyntaxKind[]; observe: (node: ts.Node) => void; done(): void } | undefined {
  if (cache.get(sourceFile) !== undefined) return undefined;
  const collector = new ReferenceCollector(sourceFile);
  let failed = false;
  return {
    kinds: referenceKinds(),
    observe: (node) => {
      if (failed) return;
      try {
        collector.observe(node);
      } catch {
        failed = true;
      }
    },
    done: () => {
      if (!failed && cache.get(sourceFile) === undefined) cache.set(sourceFile, collector.references);
    },
  };
}

/** The references of one tree, gathered node by node in source order. */
class ReferenceCollector {
  readonly references: ModuleReference[] = [];
  private readonly declarationFile: boolean;

  constructor(private readonly sourceFile: ts.SourceFile) {
    this.declarationFile = sourceFile.isDeclarationFile;
  }

  /** Records the reference `node` writes, if it writes one; its children are seen on their own. */
  readonly observe = (node: ts.Node): void => {
    switch (node.kind) {
      case ts.SyntaxKind.ImportDeclaration: {
        const declaration = node as ts.ImportDeclaration;
        const clause = declaration.importClause;
        if (!clause) this.add(declaration.moduleSpecifier, 'side-effect-import', false);
        else this.add(declaration.moduleSpecifier, 'import', isTypeOnlyImportClause(clause));
        return;
      }
      case ts.SyntaxKind.ExportDeclaration: {
        const declaration = node as ts.ExportDeclaration;
        if (declaration.moduleSpecifier) this.add(declaration.moduleSpecifier, 'export', isTypeOnlyExport(declaration));
        return;
      }
      case ts.SyntaxKind.ImportEqualsDeclaration: {
        const declaration = node as ts.ImportEqualsDeclaration;
        if (ts.isExternalModuleReference(declaration.moduleReference)) this.add(declaration.moduleReference.expression, 'import-equals', declaration.isTypeOnly);
        return;
      }
      case ts.SyntaxKind.ImportType: {
        const argument = (node as ts.ImportTypeNode).argument;
        if (ts.isLiteralTypeNode(argument)) this.add(argument.literal, 'import-type', true);
        return;
      }
      case ts.SyntaxKind.CallExpression: {
        const call = node as ts.CallExpression;
        if (call.arguments.length === 0) return;
        if (call.expression.kind === ts.SyntaxKind.ImportKeyword) this.add(call.arguments[0], 'dynamic-import', false, call);
        else if (ts.isIdentifier(call.expression) && call.expression.text === 'require' && call.arguments.length === 1) this.add(call.arguments[0], 'require', false, call);
        return;
      }
    }
  };

  /** Adds the reference `literal` names; `loader` is the `require()` or `import()` call that may be optional. */
  private add(literal: ts.Node, kind: ModuleReferenceKind, typeOnly: boolean, loader?: ts.CallExpression): void {
    if (!ts.isStringLiteralLike(literal)) return;
    const text = this.sourceFile.text;
    const start = literal.getStart(this.sourceFile) + 1;
    const end = Math.max(start, literal.getEnd() - 1);
    this.references.push({
      specifier: literal.text,
      kind,
      typeOnly: typeOnly || this.declarationFile,
      start,
      end,
      verbatim: text.slice(start, end) === literal.text,
      optional: loader !== undefined && carriesOnWithout(loader),
    });
  }
}

/**
 * True when the code carries on if `loader` (a `require()` or `import()` call) fails: it runs in
 * the `try` block of a `try` whose `catch` does not just throw, or is the `import()` a `.catch()`
 * handles, without a function in between (a function declared in a `try` runs when it is called,
 * maybe long after the `try` is left). Read from the call's ancestors.
 */
function carriesOnWithout(loader: ts.CallExpression): boolean {
  let child: ts.Node = loader;
  for (let parent = loader.parent; parent !== undefined; child = parent, parent = parent.parent) {
    if (ts.isFunctionLike(parent)) return false;
    if (ts.isTryStatement(parent)) {
      if (child === parent.tryBlock && parent.catchClause !== undefined && !onlyThrows(parent.catchClause.block)) return true;
    } else if (ts.isPropertyAccessExpression(parent)) {
      const call = parent.parent;
      if (call !== undefined && ts.isCallExpression(call) && call.expression === parent && isImportWithCaughtRejection(call)) return true;
    }
  }
  return false;
}

/** A `catch` block that throws whatever it caught or its own error, and nothing else: the load is not optional. */
function onlyThrows(block: ts.Block): boolean {
  return block.statements.length > 0 && block.statements.every((statement) => ts.isThrowStatement(statement));
}

/**
 * `import('m').catch(…)`, `import('m').then(use, onRejected)`: a rejection handled where the import
 * is made. A handler that only throws (`.catch((e) => { throw e })`) handles nothing, as a `catch`
 * block that only throws does not make a `require` in its `try` optional.
 */
function isImportWithCaughtRejection(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const method = callee.name.text;
  if (!(method === 'catch' || (method === 'then' && call.arguments.length >= 2))) return false;
  const handler = call.arguments[method === 'catch' ? 0 : 1];
  if (handler !== undefined && (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) && ts.isBlock(handler.body) && onlyThrows(handler.body)) return false;
  let target: ts.Expression = callee.expression;
  while (ts.isParenthesizedExpression(target)) target = target.expression;
  return ts.isCallExpression(target) && target.expression.kind === ts.SyntaxKind.ImportKeyword;
}

function isTypeOnlyImportClause(clause: ts.ImportClause): boolean {
  if (clause.isTypeOnly) return true;
  // `import { type A, type B } from 'm'` is elided from the output unless `verbatimModuleSyntax`
  // keeps an empty `import {} from 'm'`; the author's intent is types, so count it as type-only.
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
}
