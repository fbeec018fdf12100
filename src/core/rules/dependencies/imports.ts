import { ts } from 'ts-morph';
import { AttachedCache } from '../../runtime/attached-cache';

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
 * The engine hands every syntax rule the same SourceFile, and all three dependency rules need its
 * imports: extract once per tree, kept on the tree (see AttachedCache: not a WeakMap).
 */
const cache = new AttachedCache<ts.SourceFile, readonly ModuleReference[]>('comprehension.moduleReferences');

/**
 * Every statically known module specifier in `sourceFile`, in source order: static imports and
 * re-exports, `import x = require()`, `require('m')` and `import('m')` with a literal argument, and
 * `import('m')` types. Computed specifiers (`require(name)`) are skipped: nothing static to check.
 */
export function moduleReferences(sourceFile: ts.SourceFile): readonly ModuleReference[] {
  const cached = cache.get(sourceFile);
  if (cached) return cached;
  const references: ModuleReference[] = [];
  const declarationFile = sourceFile.isDeclarationFile;
  const text = sourceFile.text;
  // Static imports and re-exports sit at the top level (or in `declare module` blocks); only calls
  // and import types can hide deep in the tree. Most files have neither, and skip the full walk.
  const deep = MAY_HAVE_NESTED_REFERENCE.test(text);

  // Whether the node being visited runs inside a `try` (or before a `.catch()`) that carries on without it.
  let optional = false;
  const add = (literal: ts.Node, kind: ModuleReferenceKind, typeOnly: boolean): void => {
    if (!ts.isStringLiteralLike(literal)) return;
    const literalStart = literal.getStart(sourceFile);
    const start = literalStart + 1;
    const end = Math.max(start, literal.getEnd() - 1);
    references.push({
      specifier: literal.text,
      kind,
      typeOnly: typeOnly || declarationFile,
      start,
      end,
      verbatim: text.slice(start, end) === literal.text,
      optional: optional && (kind === 'require' || kind === 'dynamic-import'),
    });
  };
  const visitOptionally = (node: ts.Node, inside: boolean): void => {
    const outer = optional;
    optional = inside;
    visit(node);
    optional = outer;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (!clause) add(node.moduleSpecifier, 'side-effect-import', false);
      else add(node.moduleSpecifier, 'import', isTypeOnlyImportClause(clause));
      return;
    }
    if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) add(node.moduleSpecifier, 'export', isTypeOnlyExport(node));
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference)) {
        add(node.moduleReference.expression, 'import-equals', node.isTypeOnly);
      }
      return;
    }
    if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(argument.literal, 'import-type', true);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const first = node.arguments[0];
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(first, 'dynamic-import', false);
      } else if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) {
        add(first, 'require', false);
      }
    }
    if (deep) {
      if (ts.isTryStatement(node) && node.catchClause !== undefined && !onlyThrows(node.catchClause.block)) {
        visitOptionally(node.tryBlock, true);
        visit(node.catchClause);
        if (node.finallyBlock) visit(node.finallyBlock);
        return;
      }
      if (ts.isCallExpression(node) && isImportWithCaughtRejection(node)) {
        visitOptionally((node.expression as ts.PropertyAccessExpression).expression, true);
        for (const argument of node.arguments) visit(argument);
        return;
      }
      // A function declared in a `try` runs when it is called, maybe long after the `try` is left.
      if (ts.isFunctionLike(node) && optional) {
        visitOptionally(node, false);
        return;
      }
    }
    if (deep || ts.isSourceFile(node) || ts.isModuleDeclaration(node) || ts.isModuleBlock(node)) ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  cache.set(sourceFile, references);
  return references;
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
