import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { findingAt, isFunctionWithBody, onFirstUse, skipWrappers, snippet } from '../shared-syntax/nodes';
import { type AssertionCall, assertionOf } from './assertions';
import { isDeepStrictEqual } from 'node:util';
import { constantValue, isConstantValue, isPlainReference, type Known, normalizedText } from './constant-value';
import type { FileBindings } from '../shared-syntax/bindings';
import { calledDouble, selfCalledDouble } from './doubles';
import { isFunctionLiteral, judgeTestCalls, type TestFile, testCaseOf } from './test-code';

/** Comparisons that are decided when both sides are the same reference (`a === a`). */
const selfComparisons = onFirstUse((): ReadonlySet<ts.SyntaxKind> => new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]));

/**
 * Flags assertions whose outcome no code under test can change: every compared value is a constant
 * (`expect(1).toBe(1)`, `assert(true)`, `const one = 1; expect(one).toBe(1)`), a value is compared
 * with itself (`expect(x).toBe(x)`, `assert.deepStrictEqual(a, a)`), or the value checked comes
 * straight from a test double the test set up (`const f = jest.fn().mockReturnValue(5); expect(f()).toBe(5)`).
 */
export const testingTautologicalAssertion: Rule = {
  id: 'testing/tautological-assertion',
  kind: 'syntax',
  defaultSeverity: 'warning',
  // Every finding is an `expect`/`assert` call or a test context's method (in the body of a test
  // call, whose name or module the no-assertion rule's triggers list).
  textTriggers: ['expect', 'assert', 'it', 'test', 'specify', 'tap', 'ava', 'jest', 'mocha', 'jasmine', 'uvu'],
  summary: 'Assertion that cannot fail on the code under test',
  rationale:
    'An assertion on constants, on a value compared with itself, or on what a test double was just told to ' +
    'return checks nothing the program does: it passes (or fails) the same way whatever the code under test ' +
    'does. It is the self-validating test that AI assistants write when asked to make tests pass.\n\n' +
    'Reported in test code only (the policy\'s `testPaths` and files that use a test framework), for ' +
    '`expect(…)` chains (jest, vitest, chai), `assert`, `assert.*` and functions imported from `node:assert`, ' +
    'and test context methods (`t.is`, `t.deepEqual`). Constants are literals, arithmetic and logic on them ' +
    '(`1 + 0`), array and object literals of them, and `const` names bound to a constant primitive. An ' +
    'assertion on constants that always fails (`expect(true).toBe(false)`, `assert(false, \'unreachable\')`) ' +
    'is a deliberate failure and is not reported, nor is one where reaching it is the check: in a branch, a ' +
    '`catch`, after other statements in a `try`, in a callback (`emitter.on(\'e\', () => t.ok(true))`), or ' +
    'in a test that declares its count of assertions (`t.plan(1)`, `expect.assertions(1)`) and checks ' +
    'something else, where it is a checkpoint the count needs. A ' +
    'self-comparison needs the same name or member read on both sides, or two `const` names for one value ' +
    '(`expect(next()).toBe(next())` may differ and is not reported). A test double counts when it is a ' +
    '`const` created by `jest.fn`, `vi.fn`, `mock.fn`, `sinon.stub`/`fake`, `td.func` or `jasmine.createSpy` ' +
    'with values or literal implementations that run no code; `spyOn` calls through and is not one. Its ' +
    'result checked (`expect(f()).toBe(5)`, also through a `const`) is reported, and so are checks of its ' +
    'calls (`toHaveBeenCalledWith`) when only the test calls it: never handed to anything, never called in ' +
    'a callback. Snapshot, `toThrow` and `assert.rejects` checks run code and are not reported, nor are ' +
    'TSTyche\'s type checks (`expect(level).type.toBeAssignableTo<string>()`), which check declared types.',
  check(context: RuleContext): RuleFinding[] {
    return judgeTestCalls(context, (call, file) => {
      const assertion = assertionOf(call, file);
      const message = assertion !== undefined ? tautology(assertion, file) : undefined;
      return assertion !== undefined && message !== undefined ? findingAt(assertion.node, file.sourceFile, message) : undefined;
    });
  },
};

/** Why `assertion` cannot depend on the code under test, or undefined when it can. */
function tautology(assertion: AssertionCall, file: TestFile): string | undefined {
  const { sourceFile, bindings } = file;
  const shown = snippet(assertion.node, sourceFile, 60);
  if (assertion.operands.every((operand) => isConstantValue(operand, bindings)) && !reachingIsTheCheck(assertion.node, file) && !countedByPlan(assertion.node, file)) {
    const outcome = constantOutcome(assertion, bindings);
    // `assert(false, 'unreachable')`, `expect(true).toBe(false)`: a deliberate failure, the idiom for "must not get here".
    if (outcome === 'fails') return undefined;
    return outcome === 'passes'
      ? `\`${shown}\` checks only constants: it always passes, whatever the code under test does.`
      : `\`${shown}\` checks only constants: its outcome is the same whatever the code under test does.`;
  }
  const self = selfComparison(assertion, file);
  if (self !== undefined) return `\`${shown}\` compares \`${self}\` with itself: it cannot fail on the code under test.`;
  const double = calledDouble(assertion.subject, file);
  if (double !== undefined) {
    return `\`${shown}\` checks what the test double \`${double}\` was set up to return: no code under test runs between them.`;
  }
  const selfCalled = assertion.style === 'expect' ? selfCalledDouble(assertion.subject, assertion.method, file) : undefined;
  if (selfCalled !== undefined) {
    return `\`${shown}\` checks the calls of the double \`${selfCalled}\`, which only the test itself can call: no code under test is given it.`;
  }
  return undefined;
}

/** The reference an assertion compares with itself (`x` in `expect(x).toBe(x)` or `assert(a === a)`), if any. */
function selfComparison(assertion: AssertionCall, file: TestFile): string | undefined {
  const [subject, ...rest] = assertion.operands;
  // `assert.match(line, re, line)`: an assert call's third argument is its message, not a compared value.
  const others = assertion.style === 'assert' ? rest.slice(0, 1) : rest;
  if (others.some((other) => sameValue(subject, other, file))) return normalizedText(subject, file.sourceFile);
  const value = skipWrappers(subject);
  if (ts.isBinaryExpression(value) && selfComparisons().has(value.operatorToken.kind) && sameValue(value.left, value.right, file)) {
    return normalizedText(value.left, file.sourceFile);
  }
  return undefined;
}

/**
 * True when two operands are one value: the same name or member read (`x` and `x`), or two names bound
 * by `const` to one expression (`const copy = result; expect(copy).toBe(result)`).
 */
function sameValue(left: ts.Expression, right: ts.Expression, file: TestFile): boolean {
  if (!isPlainReference(left) || !isPlainReference(right)) return false;
  if (normalizedText(left, file.sourceFile) === normalizedText(right, file.sourceFile)) return true;
  const a = skipWrappers(left);
  const b = skipWrappers(right);
  return ts.isIdentifier(a) && ts.isIdentifier(b) && file.bindings.valueOf(a) === file.bindings.valueOf(b);
}

/** Checks of one value: `assert(v)`, `t.true(v)`, `expect(v).toBeNull()`, chai's `to.be.ok`. */
const UNARY_CHECKS: Readonly<Record<string, (value: unknown) => boolean>> = {
  assert: Boolean, ok: Boolean, truthy: Boolean, isOk: Boolean, toBeTruthy: Boolean, exist: (v) => v != null, exists: (v) => v != null,
  notOk: (v) => !v, falsy: (v) => !v, isNotOk: (v) => !v, toBeFalsy: (v) => !v,
  true: (v) => v === true, isTrue: (v) => v === true, false: (v) => v === false, isFalse: (v) => v === false,
  null: (v) => v === null, isNull: (v) => v === null, toBeNull: (v) => v === null,
  undefined: (v) => v === undefined, isUndefined: (v) => v === undefined, toBeUndefined: (v) => v === undefined,
  toBeDefined: (v) => v !== undefined, isDefined: (v) => v !== undefined, NaN: (v) => Number.isNaN(v), isNaN: (v) => Number.isNaN(v), toBeNaN: (v) => Number.isNaN(v),
};

/** Comparisons of two values; `equal` depends on the style (chai's expect is strict, node's assert loose). */
const BINARY_CHECKS: Readonly<Record<string, (a: unknown, b: unknown, assertion: AssertionCall) => boolean>> = {
  toBe: Object.is, is: Object.is, strictEqual: (a, b) => a === b, equals: (a, b) => a === b,
  // eslint-disable-next-line eqeqeq -- node's assert.equal is `==`.
  equal: (a, b, assertion) => (assertion.deep ? isDeepStrictEqual(a, b) : assertion.style === 'expect' ? a === b : a == b),
  toEqual: isDeepStrictEqual, toStrictEqual: isDeepStrictEqual, deepEqual: isDeepStrictEqual, deepStrictEqual: isDeepStrictEqual,
  eql: isDeepStrictEqual, same: isDeepStrictEqual, strictSame: isDeepStrictEqual,
};

/** `assert.notEqual`, `t.not`, `t.notDeepEqual`: the negation of the comparison named after `not`. */
const NEGATED_METHOD = /^not([A-Z]\w*)?$/;

/** Whether an assertion on constants always passes or always fails, when its method is a known one. */
function constantOutcome(assertion: AssertionCall, bindings: FileBindings): 'passes' | 'fails' | undefined {
  const values: Known[] = [];
  for (const operand of assertion.operands) {
    const known = constantValue(operand, bindings);
    if (known === undefined) return undefined;
    values.push(known);
  }
  let method = assertion.method;
  let negated = assertion.negated;
  const negation = NEGATED_METHOD.exec(method);
  if (negation !== null && assertion.style === 'assert') {
    negated = !negated;
    const rest = negation[1] ?? 'Is';
    method = rest.charAt(0).toLowerCase() + rest.slice(1);
  }
  let passes: boolean;
  if (Object.hasOwn(UNARY_CHECKS, method)) passes = UNARY_CHECKS[method](values[0].value);
  else if (Object.hasOwn(BINARY_CHECKS, method) && values.length >= 2) passes = BINARY_CHECKS[method](values[0].value, values[1].value, assertion);
  else return undefined;
  return passes !== negated ? 'passes' : 'fails';
}

/**
 * True when an assertion on constants sits where reaching it is what is checked: in a branch
 * (`if (passed) t.ok(true, 'no keys')`, not `if (true)`), a `catch`, after other statements in a `try`,
 * or in a callback (`emitter.on('e', () => t.ok(true))` with `t.plan(1)`). One straight in a test body,
 * a loop or the top level is a tautology.
 */
function reachingIsTheCheck(assertion: ts.Node, file: TestFile): boolean {
  let child: ts.Node = assertion;
  for (let node = assertion.parent; !ts.isSourceFile(node); child = node, node = node.parent) {
    // `if (true) …` and `true && …` guard nothing.
    if (ts.isIfStatement(node) || ts.isConditionalExpression(node)) {
      const condition = ts.isIfStatement(node) ? node.expression : node.condition;
      if (child !== condition && !isConstantValue(condition, file.bindings)) return true;
    } else if (ts.isBinaryExpression(node) && guardingOperators().has(node.operatorToken.kind)) {
      if (child === node.right && !isConstantValue(node.left, file.bindings)) return true;
    } else if (ts.isCaseClause(node) || ts.isDefaultClause(node) || ts.isCatchClause(node)) {
      return true;
    } else if (ts.isBlock(node) && ts.isTryStatement(node.parent) && node.parent.tryBlock === node) {
      // `try { run(); assert.ok(true); } catch …`: reached when what comes before did not throw.
      if (node.statements.indexOf(child as ts.Statement) > 0) return true;
    } else if (isFunctionWithBody(node)) {
      if (!isFunctionLiteral(node) || !ts.isCallExpression(node.parent)) return true;
      return testCaseOf(node.parent, file)?.body !== node;
    }
  }
  return false;
}

/**
 * True when the test holding `assertion` declares how many assertions it makes (`t.plan(1)` in tap,
 * node:test, ava and tape; `expect.assertions(1)` in jest and vitest) and checks something else:
 * there a constant one is a checkpoint the count needs (fastify's `t.plan(1)`, callbacks that call
 * `t.assert.fail`, then `t.assert.ok(true, 'logger was not called')`). A plan whose only check is
 * the constant one (`t.plan(1); t.ok(true)`) still checks nothing.
 */
function countedByPlan(assertion: ts.Node, file: TestFile): boolean {
  for (let node = assertion.parent; !ts.isSourceFile(node); node = node.parent) {
    if (!isFunctionLiteral(node) || !ts.isCallExpression(node.parent)) continue;
    const test = testCaseOf(node.parent, file);
    if (test === undefined || test.body !== node) continue;
    return declaresPlan(test.body, test.contextName) && checksSomethingElse(test.body, assertion, file);
  }
  return false;
}

/** A `<context>.plan(…)` or `expect.assertions(…)` call among the statements of `body`. */
function declaresPlan(body: ts.ArrowFunction | ts.FunctionExpression, contextName: string | undefined): boolean {
  if (!ts.isBlock(body.body)) return false;
  for (const statement of body.body.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const call = skipWrappers(statement.expression);
    if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || !ts.isIdentifier(call.expression.expression)) continue;
    const receiver = call.expression.expression.text;
    const method = call.expression.name.text;
    if ((method === 'plan' && receiver === contextName) || (receiver === 'expect' && method === 'assertions')) return true;
  }
  return false;
}

/** True when `body` holds, besides `constant`, an assertion on a value that is not constant or a `fail` call. */
function checksSomethingElse(body: ts.Node, constant: ts.Node, file: TestFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && node !== constant) {
      const callee = skipWrappers(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const other = assertionOf(node, file);
      if (name === 'fail' || (other !== undefined && other.node !== constant && !other.operands.every((operand) => isConstantValue(operand, file.bindings)))) {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** Operators that may skip their right side. */
const guardingOperators = onFirstUse((): ReadonlySet<ts.SyntaxKind> => new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
]));
