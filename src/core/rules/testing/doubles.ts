import { ts } from 'ts-morph';
import type { Binding } from '../shared-syntax/bindings';
import { isFunctionWithBody, skipWrappers } from '../shared-syntax/nodes';
import { isFunctionLiteral, type TestFile } from './test-code';
import { AttachedCache } from '../../runtime/attached-cache';

/**
 * Calls that create a test double with no code of its own: `jest.fn`, `vi.fn`, node:test's
 * `mock.fn`/`t.mock.fn`, sinon's `stub`/`fake` (on `sinon` or a sandbox), `sinon.fake.returns`,
 * testdouble's `td.func`, `jasmine.createSpy`. `spy` and `spyOn` are not here: they call through to
 * the real function.
 */
const DOUBLE_FACTORY =
  /^(?:(?:jest|vi)\.fn|(?:\w+\.)*mock\.fn|(?:sinon|\w*[sS]andbox|this\.\w*[sS]andbox)\.(?:stub|fake)|sinon\.fake\.(?:returns|resolves|rejects|throws)|td\.func|jasmine\.createSpy)$/;

/** Chained calls that set what a double returns, given values that run no code. */
const STUBBING_METHODS: ReadonlySet<string> = new Set([
  'mockReturnValue', 'mockReturnValueOnce', 'mockResolvedValue', 'mockResolvedValueOnce', 'mockRejectedValue', 'mockRejectedValueOnce',
  'mockImplementation', 'mockImplementationOnce', 'mockName', 'returns', 'resolves', 'rejects', 'throws', 'callsFake', 'withArgs',
  'onCall', 'onFirstCall', 'returnValue', 'resolveTo', 'rejectWith', 'callFake', 'named',
]);

/** Factories and methods whose arguments are an implementation the double will run, not a value. */
const IMPLEMENTATION_TAKERS = /(?:^|\.)(?:fn|fake|mockImplementation|mockImplementationOnce|callsFake|callFake)$/;

/** How deep value expressions are searched for code that runs. */
const MAX_DEPTH = 12;

/**
 * The name of the test double `call` calls directly (`f` in `f()`, where `const f =
 * jest.fn().mockReturnValue(5)`), or undefined when the callee is anything else. Only `const` names
 * are followed: a `let` may be given a real function later.
 */
export function calledDouble(call: ts.Expression, file: TestFile, depth = 0): string | undefined {
  let value = skipWrappers(call);
  if (ts.isAwaitExpression(value)) value = skipWrappers(value.expression);
  // `const result = await load(); expect(result)…`, where `load` is the double.
  if (ts.isIdentifier(value) && depth === 0) {
    const binding = file.bindings.resolve(value);
    return binding?.kind === 'const' && binding.initializer !== undefined ? calledDouble(binding.initializer, file, depth + 1) : undefined;
  }
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipWrappers(value.expression);
  return ts.isIdentifier(callee) && doubleBinding(callee, file) !== undefined ? callee.text : undefined;
}

/** The `const` binding of a test double that `name` refers to, if it does. */
function doubleBinding(name: ts.Identifier, file: TestFile): Binding | undefined {
  const binding = file.bindings.resolve(name);
  if (binding?.kind !== 'const' || binding.initializer === undefined) return undefined;
  if (!isDoubleCreation(binding.initializer, file.sourceFile)) return undefined;
  // Stubbed later (`f.mockImplementation(compute)`), it must still be given only the test's own values.
  for (const use of identifiersNamed(name.text, file)) {
    const member = use.parent;
    if (!ts.isPropertyAccessExpression(member) || member.expression !== use || !STUBBING_METHODS.has(member.name.text)) continue;
    const call = member.parent;
    if (ts.isCallExpression(call) && call.expression === member && file.bindings.resolve(use) === binding && !setsOwnValues(call, member.name.text)) return undefined;
  }
  return binding;
}

/** Matchers about a double's calls (`toHaveBeenCalledWith`, `toBeCalledTimes`, `toHaveReturnedWith`). */
const CALL_MATCHER = /^(?:toHaveBeen(?:Last|Nth)?Called|toBeCalled|toHaveReturned|toHaveLastReturned|toHaveNthReturned|lastCalledWith|nthCalledWith)/;

/**
 * The double whose calls an assertion checks when nothing but the test itself can call it:
 * `const f = jest.fn(); f('x'); expect(f).toHaveBeenCalledWith('x')`, or `expect(f).not.toHaveBeenCalled()`
 * of a double nobody was given. The double must never leave
 * the test's hands: every use of its name is a call straight in the asserting function (not in a
 * callback), a `mock…` method or property of it, or an `expect(f)`. Handed to anything else (an argument, a property, a variable), code under test may
 * call it, and it is not reported.
 */
export function selfCalledDouble(subject: ts.Expression, matcher: string, file: TestFile): string | undefined {
  const value = skipWrappers(subject);
  if (!CALL_MATCHER.test(matcher) || !ts.isIdentifier(value)) return undefined;
  const binding = doubleBinding(value, file);
  if (binding === undefined) return undefined;
  for (const use of identifiersNamed(value.text, file)) {
    if (use.parent === binding.declaration || file.bindings.resolve(use) !== binding) continue;
    const parent = use.parent;
    // A call inside a callback (`onSuccess: (d) => onSuccessMock(d)`) is made by whoever calls the callback.
    if (ts.isCallExpression(parent) && parent.expression === use && enclosingFunction(use) === enclosingFunction(value)) continue;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === use && /^mock|^(?:calls|results)$/.test(parent.name.text)) continue;
    if (ts.isCallExpression(parent) && parent.arguments[0] === use && skipWrappers(parent.expression).getText(file.sourceFile) === 'expect') continue;
    return undefined;
  }
  return value.text;
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (isFunctionWithBody(current)) return current;
  }
  return undefined;
}

/** Each checked file's identifiers by name, collected once per check (a file may hold many double assertions). */
const identifierIndex = new AttachedCache<TestFile, Map<string, ts.Identifier[]>>('comprehension.testIdentifiers');

function identifiersNamed(name: string, file: TestFile): readonly ts.Identifier[] {
  let index = identifierIndex.get(file);
  if (index === undefined) {
    const built = new Map<string, ts.Identifier[]>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const list = built.get(node.text);
        if (list === undefined) built.set(node.text, [node]);
        else list.push(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
    identifierIndex.set(file, built);
    index = built;
  }
  return index.get(name) ?? [];
}

/** True for a double's creation whose every chained step only sets values that run no code. */
function isDoubleCreation(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  let current = skipWrappers(expression);
  for (let steps = 0; steps < MAX_DEPTH; steps++) {
    if (ts.isPropertyAccessExpression(current) && current.name.text === 'and') {
      // jasmine: `jasmine.createSpy().and.returnValue(5)`.
      current = skipWrappers(current.expression);
      continue;
    }
    if (!ts.isCallExpression(current)) return false;
    const callee = skipWrappers(current.expression);
    const calleeText = callee.getText(sourceFile).replace(/\s+/g, '');
    if (!setsOwnValues(current, calleeText)) return false;
    if (DOUBLE_FACTORY.test(calleeText)) return true;
    if (!ts.isPropertyAccessExpression(callee) || !STUBBING_METHODS.has(callee.name.text)) return false;
    current = skipWrappers(callee.expression);
  }
  return false;
}

/**
 * True when a double's factory or stubbing call gives it only values and implementations of the test's
 * own: `jest.fn(add)` and `mockImplementation(compute)` run `add` and `compute`, the code under test.
 */
function setsOwnValues(call: ts.CallExpression, calleeText: string): boolean {
  const takesImplementation = IMPLEMENTATION_TAKERS.test(calleeText);
  return call.arguments.every((argument) => (!takesImplementation || isFunctionLiteral(argument)) && runsNoCode(argument, 0));
}

/**
 * True when evaluating `expression` runs no code of the program: no call, `new`, `await` or tagged
 * template; a function literal counts when its result runs none (`() => 5`, `async () => ({ ok: true })`).
 */
function runsNoCode(node: ts.Node, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isAwaitExpression(node) || ts.isTaggedTemplateExpression(node)) return false;
  if (isFunctionLiteral(node)) {
    if (!ts.isBlock(node.body)) return runsNoCode(node.body, depth + 1);
    const statements = node.body.statements;
    if (statements.length === 0) return true;
    return statements.length === 1 && ts.isReturnStatement(statements[0]) && (statements[0].expression === undefined || runsNoCode(statements[0].expression, depth + 1));
  }
  let ok = true;
  ts.forEachChild(node, (child) => {
    if (ok && !runsNoCode(child, depth + 1)) ok = false;
  });
  return ok;
}
