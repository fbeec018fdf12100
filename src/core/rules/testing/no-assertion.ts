import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { snippet } from '../shared-syntax/nodes';
import { expectSubjectCall, uncheckedExpect } from './assertions';
import { assertingAfterHook, judgeTestCalls, type TestCase, type TestFile, testCaseOf, testHeadRange, testStrength, testTitle } from './test-code';

/**
 * Flags tests that assert nothing: an empty body, a body that calls nothing that could fail
 * (`warning`), a body that only runs code and relies on it not throwing (`info`), and `expect(x)`
 * statements that never reach a matcher.
 */
export const testingNoAssertion: Rule = {
  id: 'testing/no-assertion',
  kind: 'syntax',
  defaultSeverity: 'warning',
  // Every finding is an `expect` or a test call: `it`, `test`, `specify` (`fit` contains `it`), or a
  // test module's function imported under another name (`const tape = require('tape')`).
  textTriggers: ['it', 'test', 'specify', 'expect', 'tap', 'ava', 'jest', 'mocha', 'jasmine', 'uvu'],
  summary: 'Test that asserts nothing',
  rationale:
    'A test without an assertion passes whatever the code does: it adds to the test count and the coverage ' +
    'figure without checking anything. AI assistants write such tests readily (a body that sets up data ' +
    'and stops, `expect(result)` with no matcher, a matcher named but not called), and they look like tests ' +
    'in review.\n\n' +
    'Reported in test code only (the policy\'s `testPaths` and files that use a test framework). A test ' +
    'with an empty body, or one that calls nothing that could throw, cannot fail: `warning`. A test that runs ' +
    'code but checks nothing about its result fails only if that code throws or rejects: `info` (a smoke ' +
    'test can mean that; say so with an assertion such as `assert.doesNotThrow`). An assertion counts ' +
    'when the test uses `expect`, `assert`, `should`, a test context\'s method (`t.is`, `t.plan`, or `same` ' +
    'destructured as `({ same, end }) =>`) or hands ' +
    'the context to a helper, an imported helper named as a check (`assertValid`, `expectError`, ' +
    '`checkOutput`, `verify…`), a function imported from an assertion module, Testing Library\'s throwing ' +
    'queries (`getByText`, `findByRole`), a type-level assertion (`// @ts-expect-error`, `Expect<Equal<…>>`), ' +
    'a `throw` under a comparison (`if (actual !== expected) throw …`), ' +
    'or a function that does one of these, of the same file or imported from where test helpers live ' +
    '(`test/helper.js`, `support/`, `fixtures/`; the code under test is not read): helpers are judged by their ' +
    'body, not their name. An asserting `afterEach` covers the tests beside it. Skipped tests (`it.skip`, ' +
    '`xit`, `it.todo`, `{ skip: true }`, tests in `describe.skip`) are not reported.',
  check(context: RuleContext): RuleFinding[] {
    return judgeTestCalls(context, (call, file) => {
      const test = testCaseOf(call, file);
      if (test !== undefined) return checkTest(test, file);
      const unchecked = expectSubjectCall(call) ? uncheckedExpect(call) : undefined;
      return unchecked !== undefined ? uncheckedFinding(call, unchecked, file.sourceFile) : undefined;
    });
  },
};

function checkTest(test: TestCase, file: TestFile): RuleFinding | undefined {
  const strength = testStrength(test, file);
  if (strength === 'asserts' || assertingAfterHook(test, file)) return undefined;
  const { start, end } = testHeadRange(test, file.sourceFile);
  const title = testTitle(test, file.sourceFile);
  if (strength === 'may-throw') {
    return {
      start,
      end,
      severity: 'info',
      message: `Test "${title}" asserts nothing: it fails only if the code throws or rejects. Assert on the result.`,
    };
  }
  const empty = ts.isBlock(test.body.body) && test.body.body.statements.length === 0;
  const message = empty
    ? `Test "${title}" has an empty body: it passes whatever the code does. Write the assertion, or mark the test as skipped or todo.`
    : `Test "${title}" asserts nothing and runs nothing that could throw: it cannot fail.`;
  return { start, end, message };
}

function uncheckedFinding(expectCall: ts.CallExpression, unchecked: { node: ts.Expression; matcher?: string }, sourceFile: ts.SourceFile): RuleFinding {
  const subject = snippet(expectCall, sourceFile);
  const message =
    unchecked.matcher !== undefined
      ? `\`${subject}.${unchecked.matcher}\` names the matcher without calling it: it checks nothing. Add \`()\`.`
      : `\`${snippet(unchecked.node, sourceFile)}\` has no matcher: it checks nothing.`;
  return { start: unchecked.node.getStart(sourceFile), end: unchecked.node.getEnd(), message };
}
