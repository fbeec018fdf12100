import { ts } from 'ts-morph';
import { isFunctionWithBody, memberName, memberObject, propertyNameText, skipWrappers } from '../shared-syntax/nodes';

/*
 * A test's helper imported from a file of the workspace (`const { match } = require('./helper')`):
 * where that file is, and which of its functions the name stands for. `test-code.ts` judges the
 * function's body as it judges the test file's own helpers.
 */

/** Extensions tried, in this order, for a specifier without one (`./helper`), then as `/index`. */
const SCRIPT_EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.tsx', '.jsx', '.mts', '.cts'];

/** What TypeScript's ESM convention writes for a source file (`import './helper.js'` for `helper.ts`). */
const COMPILED_TO_SOURCE: Readonly<Record<string, string>> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts', '.jsx': '.tsx' };

/**
 * Where test helpers live: a folder or file named for tests or their support (`test/helper.js`,
 * `__tests__/utils.ts`, `support/compare.ts`, `fixtures/users.js`). The code under test
 * (`../src/parse`) is not read: it is no assertion, and parsing it for every suite would cost a
 * whole second parse of the project.
 */
const TEST_SUPPORT_PATH = /(?:^|\/)(?:tests?|__tests__|specs?|e2e|support|helpers?|__helpers__|fixtures?|__fixtures__|testing|test-?utils|test-?helpers)(?:\/|\.[cm]?[jt]sx?$)|(?:^|\/)[^/]*(?:helpers?|assert\w*|expect\w*|matchers?)(?:\.[cm]?[jt]sx?)?$/i;

/** A helper module found in the workspace: its workspace-relative path and text. */
export interface HelperModule {
  readonly path: string;
  readonly text: string;
}

/**
 * The workspace file a relative specifier written in `fromPath` names, read through `read` (the
 * bounded, confined reader), when it is where test helpers live; undefined for a package, an
 * absolute path, code under test or a file not found.
 */
export function findHelperModule(fromPath: string, specifier: string, read: (relativePath: string) => string | undefined): HelperModule | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = joinRelative(fromPath.slice(0, fromPath.lastIndexOf('/') + 1), specifier);
  if (base === undefined || !TEST_SUPPORT_PATH.test(base)) return undefined;
  const extension = /\.[cm]?[jt]sx?$/.exec(base)?.[0];
  const candidates =
    extension !== undefined
      ? [base, ...(COMPILED_TO_SOURCE[extension] !== undefined ? [base.slice(0, -extension.length) + COMPILED_TO_SOURCE[extension]] : [])]
      : [...SCRIPT_EXTENSIONS.map((ext) => base + ext), ...SCRIPT_EXTENSIONS.map((ext) => `${base}/index${ext}`)];
  for (const path of candidates) {
    const text = read(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/** `folder` (ending in `/`, or empty for the root) joined with a relative specifier; undefined when it climbs out of the workspace. */
function joinRelative(folder: string, specifier: string): string | undefined {
  const parts = folder.split('/').filter((part) => part !== '');
  for (const part of specifier.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/**
 * The function `sourceFile` exports as `member` (undefined: its default or `module.exports` itself):
 * a top-level `function member`, `const member = (…) => …`, `exports.member = function…`, a
 * function or method in `module.exports = { … }`, `export default function`.
 */
export function exportedFunction(sourceFile: ts.SourceFile, member: string | undefined): ts.SignatureDeclaration | undefined {
  for (const statement of sourceFile.statements) {
    const found = member !== undefined ? namedFunctionIn(statement, member) : defaultFunctionIn(statement);
    if (found !== undefined) return found;
  }
  return undefined;
}

function namedFunctionIn(statement: ts.Statement, member: string): ts.SignatureDeclaration | undefined {
  if (ts.isFunctionDeclaration(statement)) return statement.name?.text === member && isFunctionWithBody(statement) ? statement : undefined;
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === member) return functionLiteral(declaration.initializer);
    }
    return undefined;
  }
  const assignment = exportAssignment(statement);
  if (assignment === undefined) return undefined;
  const { target, value } = assignment;
  // `exports.match = function …`, `module.exports.match = (…) => …`
  if (memberName(target) === member && isExportsObject(memberObject(target))) return functionLiteral(value);
  // `module.exports = { match(found, expected) { … } }`
  if (!isModuleExports(target) || !ts.isObjectLiteralExpression(value)) return undefined;
  for (const property of value.properties) {
    if (property.name === undefined || propertyNameText(property.name) !== member) continue;
    if (ts.isMethodDeclaration(property)) return isFunctionWithBody(property) ? property : undefined;
    if (ts.isPropertyAssignment(property)) return functionLiteral(property.initializer);
  }
  return undefined;
}

function defaultFunctionIn(statement: ts.Statement): ts.SignatureDeclaration | undefined {
  if (ts.isFunctionDeclaration(statement)) {
    const isDefault = ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Default;
    return isDefault && isFunctionWithBody(statement) ? statement : undefined;
  }
  if (ts.isExportAssignment(statement) && !statement.isExportEquals) return functionLiteral(statement.expression);
  const assignment = exportAssignment(statement);
  return assignment !== undefined && isModuleExports(assignment.target) ? functionLiteral(assignment.value) : undefined;
}

/** `target = value` as a statement. */
function exportAssignment(statement: ts.Statement): { target: ts.Expression; value: ts.Expression } | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expression = skipWrappers(statement.expression);
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  return { target: skipWrappers(expression.left), value: skipWrappers(expression.right) };
}

function functionLiteral(expression: ts.Expression | undefined): ts.SignatureDeclaration | undefined {
  if (expression === undefined) return undefined;
  const value = skipWrappers(expression);
  return (ts.isFunctionExpression(value) || ts.isArrowFunction(value)) ? value : undefined;
}

/** `module.exports` */
function isModuleExports(expression: ts.Expression): boolean {
  const object = memberObject(expression);
  return memberName(expression) === 'exports' && object !== undefined && ts.isIdentifier(object) && object.text === 'module';
}

/** `exports` or `module.exports` */
function isExportsObject(expression: ts.Expression | undefined): boolean {
  if (expression === undefined) return false;
  const value = skipWrappers(expression);
  return (ts.isIdentifier(value) && value.text === 'exports') || isModuleExports(value);
}
