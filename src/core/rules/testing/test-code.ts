import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { RuleContext } from '../rule';
import { FileBindings, requiredModule } from '../shared-syntax/bindings';
import { isFunctionWithBody, memberName, memberObject, skipWrappers } from '../shared-syntax/nodes';
import { exportedFunction, findHelperModule } from './imported-helpers';
import { parseForRules } from '../../check/parse-cache';

/**
 * Modules whose import makes a file test code (`node:` is stripped by the bindings: `node:test` is
 * `test`). Assertion-only libraries count too: nothing but tests imports chai.
 */
const TEST_FRAMEWORK_MODULES: ReadonlySet<string> = new Set([
  'mocha', 'vitest', '@jest/globals', 'test', 'ava', 'tap', 'tape', 'jasmine', 'bun:test', 'uvu', '@playwright/test', 'chai',
]);

/** Functions that declare one test case (mocha, jest, vitest, jasmine, node:test, ava, tap). */
const TEST_FUNCTION_NAMES: ReadonlySet<string> = new Set(['it', 'test', 'specify', 'fit']);

/** Modifiers that keep a test a test that runs (`it.only`, `test.concurrent`, ava's `test.serial`). */
const RUNNING_MODIFIERS: ReadonlySet<string> = new Set(['only', 'concurrent', 'serial', 'sequential', 'each']);

/** Hooks that run after every test: an assertion there applies to each test of the suite. */
const AFTER_HOOKS: ReadonlySet<string> = new Set(['afterEach', 'afterAll', 'after', 'teardown', 'suiteTeardown']);

/** The syntax facts about a test file that both testing rules need, computed once per check. */
export interface TestFile {
  readonly sourceFile: ts.SourceFile;
  /** Every name the file declares, filled before any query. */
  readonly bindings: FileBindings;
  /**
   * Per block, whether an after-hook in it asserts (asked once per test, computed once per block). Kept
   * per check, not per node: an incremental parse reuses unchanged nodes whose helpers may have changed.
   */
  readonly afterHookAsserts: Map<ts.Node, boolean>;
  /** How to follow a helper imported from another file of the workspace; absent: not followed. */
  readonly imports?: HelperImports;
}

/** A test file's way to its imported helpers, and those it and they looked up (by importing file, module and member). */
interface HelperImports {
  /** The test file's workspace-relative path. */
  readonly path: string;
  readonly read: (relativePath: string) => string | undefined;
  readonly found: Map<string, { fn: ts.SignatureDeclaration; file: TestFile } | undefined>;
}

/** One test case: `it('name', fn)`, `test(name, options, fn)`, `it.each(table)(name, fn)`, `t.test(name, fn)`. */
export interface TestCase {
  readonly call: ts.CallExpression;
  /** The test's title argument, when it has one (node:test allows `test(fn)`). */
  readonly title?: ts.Expression;
  readonly body: ts.ArrowFunction | ts.FunctionExpression;
  /**
   * The first parameter's name when it is an execution context or a `done` callback (`t`, `done`);
   * undefined for `it.each` tests, whose parameters are table values.
   */
  readonly contextName?: string;
  /**
   * The context's methods the first parameter destructures, by local name (`same` → `same`, `is: equal`
   * → `equal` for `({ same, end }) => …` in tape and node:test); undefined otherwise.
   */
  readonly contextMethods?: ReadonlyMap<string, string>;
}

/** What a test body calls its execution context: a name (`t`), or methods destructured from it. */
interface TestContext {
  readonly name?: string;
  readonly methods?: ReadonlyMap<string, string>;
}

/**
 * The test file `context` is, or undefined when it is not test code: the policy's `testPaths` match
 * it, it imports a test framework, or it calls `describe`/`it`/`test` at the top level with a title
 * and a function.
 */
export function testFileOf(context: RuleContext): TestFile | undefined {
  const sourceFile = context.sourceFile;
  if (!sourceFile) return undefined;
  if (!context.inTestPath && !usesTestFramework(sourceFile)) return undefined;
  const imports = context.readWorkspaceFile !== undefined ? { path: context.path, read: context.readWorkspaceFile, found: new Map() } : undefined;
  return { sourceFile, bindings: FileBindings.of(sourceFile), afterHookAsserts: new Map(), ...(imports !== undefined ? { imports } : {}) };
}

/** Helper files parsed, by path, with the text they were parsed from: many test files import one helper file. */
const parsedHelperFiles = new Map<string, { text: string; sourceFile: ts.SourceFile; bindings: FileBindings }>();
/** A long-lived server keeps at most this many; the oldest goes first. */
const MAX_PARSED_HELPER_FILES = 32;
/**
 * Bounds on what one test file makes the check read: helper modules followed (with the helpers'
 * own imports, a few levels deep) and a helper file's size. Test helpers are small; a hostile
 * repository importing many large "helpers" costs at most these per test file.
 */
const MAX_HELPER_MODULES_PER_FILE = 8;
const MAX_HELPER_CHARS = 256 * 1024;

/**
 * The function an imported name stands for, in a file of the workspace (`match` in pino's
 * `const { match } = require('./helper')`), with that file's syntax facts; undefined for a package,
 * a file not found or a name it does not define as a function.
 */
function importedHelper(module: { module: string; member?: string }, file: TestFile): { fn: ts.SignatureDeclaration; file: TestFile } | undefined {
  const imports = file.imports;
  if (imports === undefined) return undefined;
  // One memo for the test file and the helpers it reaches, so the bound counts them all; keyed by the importing file too.
  const key = `${imports.path}\0${module.module}\0${module.member ?? ''}`;
  if (imports.found.has(key)) return imports.found.get(key);
  if (imports.found.size >= MAX_HELPER_MODULES_PER_FILE) return undefined;
  let found: { fn: ts.SignatureDeclaration; file: TestFile } | undefined;
  const helper = findHelperModule(imports.path, module.module, imports.read);
  if (helper !== undefined && helper.text.length <= MAX_HELPER_CHARS) {
    let parsed = parsedHelperFiles.get(helper.path);
    if (parsed === undefined || parsed.text !== helper.text) {
      const sourceFile = parseForRules(helper.path, helper.text, /\.tsx?$|\.[cm]ts$/.test(helper.path) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
      parsed = { text: helper.text, sourceFile, bindings: FileBindings.of(sourceFile) };
      parsedHelperFiles.delete(helper.path);
      if (parsedHelperFiles.size >= MAX_PARSED_HELPER_FILES) parsedHelperFiles.delete(parsedHelperFiles.keys().next().value!);
      parsedHelperFiles.set(helper.path, parsed);
    }
    const fn = exportedFunction(parsed.sourceFile, module.member);
    // The helper's own imports are followed from its folder, with the same reader and bound, looked
    // up afresh for each test file: a helper's helper may have changed since.
    if (fn !== undefined) found = { fn, file: { sourceFile: parsed.sourceFile, bindings: parsed.bindings, afterHookAsserts: new Map(), imports: { path: helper.path, read: imports.read, found: imports.found } } };
  }
  imports.found.set(key, found);
  return found;
}

/**
 * What a testing rule reports: `judge` run on every call of a test file, nothing for other files.
 * Both testing rules look at calls only (test cases, assertions).
 */
export function judgeTestCalls(context: RuleContext, judge: (call: ts.CallExpression, file: TestFile) => RuleFinding | undefined): RuleFinding[] {
  const file = testFileOf(context);
  if (file === undefined) return [];
  const findings: RuleFinding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const finding = judge(node, file);
      if (finding !== undefined) findings.push(finding);
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return findings;
}

function usesTestFramework(sourceFile: ts.SourceFile): boolean {
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (isTestModule(statement.moduleSpecifier.text)) return true;
      continue;
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const module = declaration.initializer !== undefined ? requiredModule(declaration.initializer) : undefined;
        if (module !== undefined && isTestModule(module)) return true;
      }
      continue;
    }
    if (!ts.isExpressionStatement(statement)) continue;
    const expression = skipWrappers(statement.expression);
    if (!ts.isCallExpression(expression)) continue;
    const required = requiredModule(expression);
    if (required !== undefined && isTestModule(required)) return true;
    const root = calleeRoot(expression.expression);
    const describes = root === 'describe' || root === 'suite' || TEST_FUNCTION_NAMES.has(root ?? '');
    const titled = expression.arguments.length > 0 && (isTitle(expression.arguments[0]) || isFunctionLiteral(expression.arguments[0]));
    if (describes && titled && expression.arguments.some((argument) => isFunctionLiteral(argument))) return true;
  }
  return false;
}

function isTitle(argument: ts.Expression): boolean {
  const value = skipWrappers(argument);
  return ts.isStringLiteralLike(value) || ts.isTemplateExpression(value);
}

function isTestModule(specifier: string): boolean {
  const module = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  return TEST_FRAMEWORK_MODULES.has(module) || module.startsWith('tap/') || module.startsWith('node:test/');
}

/** The identifier a call chain starts from: `describe` in `describe.each(t)(…)`, `it` in a focused `it.only` call. */
function calleeRoot(callee: ts.Expression): string | undefined {
  let current = skipWrappers(callee);
  for (;;) {
    if (ts.isIdentifier(current)) return current.text;
    if (ts.isPropertyAccessExpression(current) || ts.isCallExpression(current)) current = skipWrappers(current.expression);
    else return undefined;
  }
}

export function isFunctionLiteral(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/**
 * The test case `call` declares, or undefined when it declares none or one that does not run
 * (`it.skip`, `xit`, `it.todo`, jest's `test.failing`, vitest's `test.fails`, a test without a body).
 */
export function testCaseOf(call: ts.CallExpression, file: TestFile): TestCase | undefined {
  let callee = skipWrappers(call.expression);
  let table = false;
  // `it.each(table)(name, fn)`: the test is the outer call; its parameters are table rows.
  if (ts.isCallExpression(callee)) {
    const inner = skipWrappers(callee.expression);
    if (memberName(inner) !== 'each') return undefined;
    table = true;
    callee = inner;
  }
  if (!isTestFunction(callee, file, table)) return undefined;
  const body = call.arguments.find(isFunctionLiteral);
  if (body === undefined || call.arguments.some(isSkipOptions) || insideSkippedSuite(call)) return undefined;
  const first = call.arguments[0];
  const title = first !== undefined && first !== body ? first : undefined;
  const parameter = body.parameters[0];
  const contextName = !table && parameter !== undefined && ts.isIdentifier(parameter.name) ? parameter.name.text : undefined;
  const contextMethods = !table && parameter !== undefined && ts.isObjectBindingPattern(parameter.name) ? destructuredMethods(parameter.name) : undefined;
  return contextMethods === undefined ? { call, title, body, contextName } : { call, title, body, contextName, contextMethods };
}

/** `({ same, is: equal, end })`: local name → the context's method (`same`, `is`, `end`); nested patterns are left out. */
function destructuredMethods(pattern: ts.ObjectBindingPattern): ReadonlyMap<string, string> {
  const methods = new Map<string, string>();
  for (const element of pattern.elements) {
    if (element.dotDotDotToken !== undefined || !ts.isIdentifier(element.name)) continue;
    const property = element.propertyName === undefined ? element.name.text : ts.isIdentifier(element.propertyName) || ts.isStringLiteral(element.propertyName) ? element.propertyName.text : undefined;
    if (property !== undefined) methods.set(element.name.text, property);
  }
  return methods;
}

/** Suites whose tests do not run: `describe.skip`, `xdescribe`, `describe.todo`, `suite.skip`, `context.skip`. */
function insideSkippedSuite(call: ts.CallExpression): boolean {
  for (let node: ts.Node = call.parent; !ts.isSourceFile(node); node = node.parent) {
    if (!ts.isCallExpression(node) || !node.arguments.some((argument) => argument === call || isAncestor(argument, call))) continue;
    const callee = skipWrappers(node.expression);
    if (ts.isIdentifier(callee) && SKIPPED_SUITES.has(callee.text)) return true;
    if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'skip' || callee.name.text === 'todo')) {
      const root = calleeRoot(callee);
      if (root === 'describe' || root === 'suite' || root === 'context') return true;
    }
    if (node.arguments.some(isSkipOptions)) return true;
  }
  return false;
}

const SKIPPED_SUITES: ReadonlySet<string> = new Set(['xdescribe', 'xcontext', 'xsuite']);

function isAncestor(ancestor: ts.Node, node: ts.Node): boolean {
  return ancestor.pos <= node.pos && node.end <= ancestor.end;
}

/** node:test's and tape's `{ skip: true }` / `{ todo: 'why' }` options; `{ skip: !supported() }` may run and is not this. */
function isSkipOptions(argument: ts.Expression): boolean {
  const options = skipWrappers(argument);
  if (!ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some((property) => {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) return false;
    if (property.name.text !== 'skip' && property.name.text !== 'todo') return false;
    const value = skipWrappers(property.initializer);
    return ts.isStringLiteralLike(value) || value.kind === ts.SyntaxKind.TrueKeyword;
  });
}

function isTestFunction(callee: ts.Expression, file: TestFile, table: boolean): boolean {
  let current = callee;
  let sawEach = false;
  while (ts.isPropertyAccessExpression(current)) {
    const name = current.name.text;
    // tap's `t.test(name, fn)` and `tap.test(…)`: a subtest on a context object.
    if (name === 'test' && ts.isIdentifier(current.expression) && !sawEach) return true;
    if (!RUNNING_MODIFIERS.has(name)) return false;
    if (name === 'each') sawEach = true;
    current = skipWrappers(current.expression);
  }
  if (!ts.isIdentifier(current) || sawEach !== table) return false;
  if (TEST_FUNCTION_NAMES.has(current.text)) return isFrameworkName(current, file);
  // `const tape = require('tape')`, `import check from 'ava'`: a test module's own function under any name.
  const module = file.bindings.moduleOf(current);
  if (module !== undefined) return isTestModule(module.module) && (module.member === undefined || TEST_FUNCTION_NAMES.has(module.member));
  // Older suites write `var test = require('tape')`, which the bindings do not trust to keep its value.
  const initializer = file.bindings.resolve(current)?.initializer;
  const required = initializer !== undefined ? requiredModule(initializer) : undefined;
  return required !== undefined && isTestModule(required);
}

/**
 * True when `identifier` is a test framework's function: a global (mocha, jest, jasmine), an import
 * from a test module, or a name built from one (`const test = base.extend(…)` in Playwright). A local
 * function or a parameter of the same name is not.
 */
function isFrameworkName(identifier: ts.Identifier, file: TestFile): boolean {
  const binding = file.bindings.resolve(identifier);
  if (binding === undefined) return true;
  if (binding.kind === 'function' || binding.kind === 'class' || binding.kind === 'parameter' || binding.kind === 'catch') return false;
  const module = file.bindings.moduleOf(identifier);
  return module === undefined || isTestModule(module.module);
}

/** The `describe`-level `afterEach`/`after` hooks in scope of `test` that assert: they check every test. */
export function assertingAfterHook(test: TestCase, file: TestFile): boolean {
  for (let node: ts.Node | undefined = test.call.parent; node !== undefined; node = node.parent) {
    if ((ts.isBlock(node) || ts.isSourceFile(node)) && blockHasAssertingAfterHook(node, file)) return true;
  }
  return false;
}

function blockHasAssertingAfterHook(block: ts.Block | ts.SourceFile, file: TestFile): boolean {
  const cached = file.afterHookAsserts.get(block);
  if (cached !== undefined) return cached;
  const found = block.statements.some((statement) => {
    if (!ts.isExpressionStatement(statement)) return false;
    const hook = skipWrappers(statement.expression);
    if (!ts.isCallExpression(hook) || !AFTER_HOOKS.has(calleeRoot(hook.expression) ?? '')) return false;
    const fn = hook.arguments.find(isFunctionLiteral);
    return fn !== undefined && assertsIn(fn, file, undefined, 0);
  });
  file.afterHookAsserts.set(block, found);
  return found;
}

/** Names that are assertions wherever they appear: `expect(…)`, `assert.equal`, `x.should.eql`, `sinon.assert`, `fc.assert`. */
const ASSERTION_NAMES: ReadonlySet<string> = new Set(['expect', 'assert', 'should', 'expectTypeOf', 'assertType']);

/**
 * Helpers named as checks: `assertValid(x)`, `expectError(r)`, `checkOutput(o)`, `td.verify(…)`; and
 * Testing Library's throwing queries (`getByText`, `findAllByRole`), documented as assertions of presence.
 */
const ASSERTING_HELPER = /^(?:(?:assert|expect|check|verify|should|must)(?:$|[A-Z_0-9])|(?:get|find)(?:All)?By[A-Z])/;

/**
 * Type-level assertions, checked by the compiler rather than at run time: `// @ts-expect-error`, type-challenges'
 * `Expect<Equal<A, B>>`. A test body holding one asserts.
 */
const TYPE_ASSERTION = /@ts-expect-error|\bExpect<|\bexpectType\b|\bassertType\b/;

/** Modules whose functions assert (`import { strictEqual } from 'node:assert'`). */
const ASSERTION_MODULES: ReadonlySet<string> = new Set(['assert', 'assert/strict', 'chai', 'should', 'expect', 'power-assert', 'uvu/assert', '@std/assert', 'node:assert']);

/**
 * Methods of a test context (`t` in ava, tap, node:test) that do not assert. Any other method does
 * (`t.is`, `t.deepEqual`, `t.plan`, `t.throws`, `t.snapshot`), so an unknown one is not reported.
 */
export const NON_ASSERTING_CONTEXT_METHODS: ReadonlySet<string> = new Set([
  'end', 'teardown', 'log', 'comment', 'timeout', 'context', 'mock', 'skip', 'todo', 'diagnostic', 'signal', 'name',
  'runOnly', 'before', 'after', 'beforeEach', 'afterEach', 'setTimeout', 'slow', 'retries', 'pass',
]);

/** How far calls into the file's own helper functions are followed when looking for an assertion. */
const MAX_HELPER_DEPTH = 3;

/** What a test body does to be able to fail. */
export type TestStrength = 'asserts' | 'may-throw' | 'cannot-fail';

/**
 * Whether `test` asserts, only runs code that may throw (or reject, or report an error to `done`), or
 * does nothing that could make it fail.
 */
export function testStrength(test: TestCase, file: TestFile): TestStrength {
  const context: TestContext = { name: test.contextName, methods: test.contextMethods };
  if (assertsIn(test.body, file, context, 0)) return 'asserts';
  if (TYPE_ASSERTION.test(test.body.body.getFullText(file.sourceFile))) return 'asserts';
  return mayThrow(test.body, context) ? 'may-throw' : 'cannot-fail';
}

function assertsIn(fn: ts.Node, file: TestFile, context: TestContext | undefined, depth: number): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && ASSERTION_NAMES.has(node.text)) {
      found = true;
      return;
    }
    if (ts.isCallExpression(node) && callAsserts(node, file, context, depth)) {
      found = true;
      return;
    }
    if (ts.isThrowStatement(node) && throwsOnComparison(node)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return found;
}

function callAsserts(call: ts.CallExpression, file: TestFile, context: TestContext | undefined, depth: number): boolean {
  const contextName = context?.name;
  const callee = skipWrappers(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : memberName(callee);
  const object = memberObject(callee);
  // `({ same, end }) => { same(a, b); end(); }`: a destructured context method asserts like `t.same`.
  const destructured = ts.isIdentifier(callee) ? context?.methods?.get(callee.text) : undefined;
  if (destructured !== undefined) return isAssertingMethod(destructured);
  if (name !== undefined && object !== undefined && ts.isIdentifier(object) && object.text === contextName) {
    // `t.is(…)`, tape's `t['throws'](…)`.
    if (!NON_ASSERTING_CONTEXT_METHODS.has(name)) return true;
  }
  // `runTest(t, suite)` asserts through the context it is handed; `done(err)` and `run(done)` fail the
  // test on an error, the one check a callback-style test has.
  if (contextName !== undefined && call.arguments.some((argument) => ts.isIdentifier(argument) && argument.text === contextName)) return true;
  // `checkLogObjects(is, same, actual, expected)`: asserting methods destructured from the context, handed on.
  const methods = context?.methods;
  if (methods !== undefined && call.arguments.some((argument) => ts.isIdentifier(argument) && isAssertingMethod(methods.get(argument.text)))) return true;
  if (ts.isIdentifier(callee) && callee.text === contextName && call.arguments.length > 0) return true;
  // A nested test (`t.test`, a `describe` inside a test in node:test) asserts for itself.
  if (name === 'test' || name === 'it') return true;
  // The file's own helpers are judged by what they do, not by their name: `function checkResult() {}`
  // checks nothing. A generic one named as a check is a type-level assertion (`expectType<T>(t: T)`).
  const helper = ts.isIdentifier(callee) ? localFunction(callee, file) : undefined;
  if (helper !== undefined) {
    const named = ASSERTING_HELPER.test(callee.getText(file.sourceFile));
    if (named && (depth >= MAX_HELPER_DEPTH || (helper.typeParameters?.length ?? 0) > 0)) return true;
    return depth < MAX_HELPER_DEPTH && assertsIn(helper, file, undefined, depth + 1);
  }
  if (name !== undefined && ASSERTING_HELPER.test(name)) return true;
  if (!ts.isIdentifier(callee)) return false;
  const module = file.bindings.moduleOf(callee);
  if (module === undefined) return false;
  if (ASSERTION_MODULES.has(module.module)) return true;
  // A helper imported from another file of the workspace is judged by its body too (pino's `match`).
  const imported = depth < MAX_HELPER_DEPTH ? importedHelper(module, file) : undefined;
  return imported !== undefined && assertsIn(imported.fn, imported.file, undefined, depth + 1);
}

/**
 * `if (actual !== expected) throw new Error(…)`: a hand-written assertion. The comparison must
 * involve a value (not two literals), and not be an argument check (`typeof x !== 'string'`,
 * `x === undefined`), which a fixture builder makes of its input.
 */
function throwsOnComparison(statement: ts.ThrowStatement): boolean {
  let node: ts.Node = statement;
  if (ts.isBlock(node.parent)) node = node.parent;
  const branch = node.parent;
  if (!ts.isIfStatement(branch) || branch.expression === node) return false;
  let comparison = false;
  const visit = (part: ts.Node): void => {
    if (comparison) return;
    if (ts.isBinaryExpression(part) && isComparisonOperator(part.operatorToken.kind) && comparesValues(part.left, part.right)) comparison = true;
    else ts.forEachChild(part, visit);
  };
  visit(branch.expression);
  return comparison;
}

/** `===`, `!==`, `==`, `!=`, `<`, `>`, `<=`, `>=` (a function: module-level code must not load TypeScript). */
function isComparisonOperator(kind: ts.SyntaxKind): boolean {
  switch (kind) {
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
    case ts.SyntaxKind.EqualsEqualsToken:
    case ts.SyntaxKind.ExclamationEqualsToken:
    case ts.SyntaxKind.LessThanToken:
    case ts.SyntaxKind.GreaterThanToken:
    case ts.SyntaxKind.LessThanEqualsToken:
    case ts.SyntaxKind.GreaterThanEqualsToken:
      return true;
    default:
      return false;
  }
}

function comparesValues(left: ts.Expression, right: ts.Expression): boolean {
  const sides = [skipWrappers(left), skipWrappers(right)];
  if (sides.some((side) => ts.isTypeOfExpression(side) || side.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(side) && side.text === 'undefined'))) return false;
  return sides.some((side) => !isLiteralValue(side));
}

function isLiteralValue(expression: ts.Expression): boolean {
  return ts.isLiteralExpression(expression) || ts.isNoSubstitutionTemplateLiteral(expression) || expression.kind === ts.SyntaxKind.TrueKeyword || expression.kind === ts.SyntaxKind.FalseKeyword;
}

function isAssertingMethod(method: string | undefined): boolean {
  return method !== undefined && !NON_ASSERTING_CONTEXT_METHODS.has(method);
}

/** The function the file declares under `name` (`function check(…)`, `const check = (…) => …`). */
function localFunction(name: ts.Identifier, file: TestFile): ts.SignatureDeclaration | undefined {
  const binding = file.bindings.resolve(name);
  if (binding === undefined) return undefined;
  if (binding.kind === 'function' && isFunctionWithBody(binding.declaration)) return binding.declaration;
  if (binding.kind === 'const' && binding.initializer !== undefined) {
    const value = skipWrappers(binding.initializer);
    if (isFunctionLiteral(value)) return value;
  }
  return undefined;
}

/** Calls that cannot make a test fail: logging, a mocha `this.timeout(…)`, a context's bookkeeping. */
function harmlessCall(call: ts.CallExpression, context: TestContext | undefined): boolean {
  const contextName = context?.name;
  const callee = skipWrappers(call.expression);
  if (ts.isIdentifier(callee)) {
    const destructured = context?.methods?.get(callee.text);
    if (destructured !== undefined) return NON_ASSERTING_CONTEXT_METHODS.has(destructured);
    return callee.text === contextName && call.arguments.length === 0;
  }
  const object = memberObject(callee);
  const method = memberName(callee);
  if (object === undefined || method === undefined) return false;
  if (object.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isIdentifier(object)) return false;
  if (object.text === 'console') return true;
  return object.text === contextName && NON_ASSERTING_CONTEXT_METHODS.has(method);
}

/**
 * True when the body runs something that can throw or reject: a call or `new` (other than logging),
 * an `await`, a `throw`, a returned value (mocha and jest fail on a rejected returned promise), or a
 * `done` callback handed an error or passed on.
 */
function mayThrow(fn: ts.ArrowFunction | ts.FunctionExpression, context: TestContext): boolean {
  const contextName = context.name;
  // `() => promise`: a returned name may hold a promise that rejects.
  if (!ts.isBlock(fn.body) && ts.isIdentifier(skipWrappers(fn.body))) return (skipWrappers(fn.body) as ts.Identifier).text !== 'undefined';
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && !harmlessCall(node, context)) found = true;
    else if (ts.isNewExpression(node) || ts.isAwaitExpression(node) || ts.isThrowStatement(node) || ts.isTaggedTemplateExpression(node)) found = true;
    else if (ts.isReturnStatement(node) && node.expression !== undefined) found = true;
    else if (ts.isIdentifier(node) && node.text === contextName && !isCalleeOrObject(node)) found = true;
    if (!found) ts.forEachChild(node, visit);
  };
  visit(fn.body);
  return found;
}

/** True for `done` in `done()` and `t` in `t.end()`: used, not handed on. */
function isCalleeOrObject(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  return (ts.isCallExpression(parent) && parent.expression === identifier) || (ts.isPropertyAccessExpression(parent) && parent.expression === identifier);
}

/** The test's title for messages: the literal text, or the title's source when it is built. */
export function testTitle(test: TestCase, sourceFile: ts.SourceFile): string {
  if (test.title === undefined) return '(untitled)';
  const title = skipWrappers(test.title);
  const text = ts.isStringLiteralLike(title) ? title.text : title.getText(sourceFile);
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}

/** The range a test-level finding covers: the call up to its title, so the whole body is not underlined. */
export function testHeadRange(test: TestCase, sourceFile: ts.SourceFile): { start: number; end: number } {
  const start = test.call.getStart(sourceFile);
  const end = test.title !== undefined ? test.title.getEnd() : test.body.getStart(sourceFile);
  return { start, end };
}
