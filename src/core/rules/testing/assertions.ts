import { ts } from 'ts-morph';
import { memberName, memberObject, skipWrappers } from '../shared-syntax/nodes';
import { isFunctionLiteral, NON_ASSERTING_CONTEXT_METHODS, type TestFile, testCaseOf } from './test-code';

/** One assertion and the values whose comparison decides it. */
export interface AssertionCall {
  /** The whole assertion: `expect(a).not.toBe(b)`, `assert.equal(a, b)`, `t.is(a, b)`. */
  readonly node: ts.Expression;
  /** The value checked first: `a` in `expect(a)…`, the first argument of an `assert` or `t.is` call. */
  readonly subject: ts.Expression;
  /** Every value the outcome depends on, the subject first (matcher arguments, other arguments). */
  readonly operands: readonly ts.Expression[];
  /** `expect` chains compare strictly (chai's `equal` is `===`); `assert.equal` is `==`. */
  readonly style: 'expect' | 'assert';
  /** The matcher or assertion method (`toBe`, `true` in `to.be.true`, `deepEqual`; `assert` for `assert(x)`). */
  readonly method: string;
  /** True when the chain says `not` an odd number of times. */
  readonly negated: boolean;
  /** True when the chain says `deep` (chai's `to.deep.equal`). */
  readonly deep: boolean;
}

/** A jest/vitest matcher (`toBe`, `toBeTruthy`): chai's chains (`to.be.true`) never start `to` + capital. */
const JEST_MATCHER = /^to[A-Z]/;

/** `assert` methods whose outcome is fixed on purpose or depends on running a function, not on values. */
const NON_VALUE_ASSERT_METHODS: ReadonlySet<string> = new Set([
  'fail', 'throws', 'rejects', 'doesNotThrow', 'doesNotReject', 'plan', 'pass', 'end', 'notThrows', 'throwsAsync', 'notThrowsAsync',
  'snapshot', 'expectAssertions', 'assertions', 'hasAssertions', 'timeout', 'async',
]);

/** Modules whose exported functions assert (`import { strictEqual } from 'node:assert'`). */
const ASSERT_MODULES: ReadonlySet<string> = new Set(['assert', 'assert/strict', 'power-assert', 'uvu/assert', '@std/assert']);

/**
 * The `expect(…)` call a chain starts from (`expect(a)` in `expect(a).not.toBe(b)`), or undefined
 * when `call` is not one. `chai.expect(a)` counts; `expect.assertions(1)` does not.
 */
export function expectSubjectCall(call: ts.CallExpression): boolean {
  const callee = skipWrappers(call.expression);
  const named = ts.isIdentifier(callee) ? callee.text : memberName(callee);
  return named === 'expect' && call.arguments.length >= 1 && call.arguments.length <= 2;
}

/** The outermost expression of the chain `expect(a)` starts (`expect(a).resolves.toEqual(b)`). */
export function expectChainTop(expectCall: ts.CallExpression): ts.Expression {
  let top: ts.Expression = expectCall;
  for (;;) {
    const parent = top.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === top) top = parent;
    else if (ts.isCallExpression(parent) && parent.expression === top) top = parent;
    else if (ts.isNonNullExpression(parent) || ts.isParenthesizedExpression(parent)) top = parent;
    else return top;
  }
}

/**
 * Why the chain `expect(a)` starts checks nothing, when it does not: `expect(a)` alone, or a jest
 * matcher named but not called (`expect(a).toBeTruthy`). Undefined when the chain ends in a matcher
 * call or a chai property (`to.be.true`), or is used as a value.
 */
export function uncheckedExpect(expectCall: ts.CallExpression): { node: ts.Expression; matcher?: string } | undefined {
  const top = expectChainTop(expectCall);
  if (!isStatementValue(top)) return undefined;
  const value = skipWrappers(top);
  if (value === expectCall) return { node: top };
  if (ts.isPropertyAccessExpression(value)) {
    const name = value.name.text;
    if (JEST_MATCHER.test(name)) return { node: top, matcher: name };
    if (name === 'not' || name === 'resolves' || name === 'rejects') return { node: top };
  }
  return undefined;
}

/** True when `expression` is evaluated only for its effect: an expression statement, maybe awaited. */
function isStatementValue(expression: ts.Expression): boolean {
  let node: ts.Node = expression;
  while (ts.isAwaitExpression(node.parent) || ts.isVoidExpression(node.parent)) node = node.parent;
  return ts.isExpressionStatement(node.parent);
}

/**
 * The assertion `call` makes, when it is one whose operands are known: the top of an `expect(a)…`
 * chain ending in a matcher call or property, `assert(…)`, `assert.x(…)`, a function imported from an
 * assertion module, or a method of a test context (`t.is`, `t.deepEqual`, `t.assert.equal`).
 */
export function assertionOf(call: ts.CallExpression, file: TestFile): AssertionCall | undefined {
  if (expectSubjectCall(call)) {
    const top = expectChainTop(call);
    if (top === call || uncheckedExpect(call) !== undefined) return undefined;
    const operands: ts.Expression[] = [call.arguments[0]];
    const names: string[] = [];
    for (let node: ts.Node = call.parent; node !== top.parent; node = node.parent) {
      if (ts.isCallExpression(node)) operands.push(...node.arguments.filter((argument): argument is ts.Expression => !ts.isSpreadElement(argument)));
      else if (ts.isPropertyAccessExpression(node)) names.push(node.name.text);
    }
    // TSTyche's `expect(value).type.toBe<T>()` checks the value's declared type: what the types under
    // test say, whatever the value is.
    if (names[0] === 'type') return undefined;
    const negated = names.filter((name) => name === 'not').length % 2 === 1;
    return { node: top, subject: call.arguments[0], operands, style: 'expect', method: names[names.length - 1] ?? '', negated, deep: names.includes('deep') };
  }
  if (call.arguments.length === 0 || call.arguments.some(ts.isSpreadElement)) return undefined;
  const callee = skipWrappers(call.expression);
  if (!isAssertCallee(callee, file)) return undefined;
  const method = ts.isIdentifier(callee) ? callee.text : (memberName(callee) ?? '');
  return { node: call, subject: call.arguments[0], operands: [...call.arguments], style: 'assert', method, negated: false, deep: false };
}

function isAssertCallee(callee: ts.Expression, file: TestFile): boolean {
  if (ts.isIdentifier(callee)) {
    const module = file.bindings.moduleOf(callee);
    if (module !== undefined) return ASSERT_MODULES.has(module.module);
    return callee.text === 'assert' && file.bindings.resolve(callee) === undefined;
  }
  const method = memberName(callee);
  const receiver = memberObject(callee);
  if (method === undefined || receiver === undefined || NON_VALUE_ASSERT_METHODS.has(method)) return false;
  // `assert.equal`, `assert.strict.equal`, `chai.assert.isTrue`, `t.assert.equal` (node:test), tape's `t['equal']`.
  for (let object = receiver; ; ) {
    if (ts.isIdentifier(object)) {
      if (object.text === 'assert') return true;
      return object === receiver && isTestContext(object, file) && !NON_ASSERTING_CONTEXT_METHODS.has(method) && method !== 'test';
    }
    if (!ts.isPropertyAccessExpression(object)) return false;
    if (object.name.text === 'assert') return true;
    object = skipWrappers(object.expression);
  }
}

/** True when `identifier` is the first parameter of a test body (`t` in ava's `test('x', t => …)`). */
function isTestContext(identifier: ts.Identifier, file: TestFile): boolean {
  const binding = file.bindings.resolve(identifier);
  if (binding?.kind !== 'parameter') return false;
  const fn = binding.declaration.parent;
  if (!isFunctionLiteral(fn) || fn.parameters[0] !== binding.declaration || !ts.isCallExpression(fn.parent)) return false;
  const test = testCaseOf(fn.parent, file);
  return test !== undefined && test.body === fn && test.contextName === identifier.text;
}
