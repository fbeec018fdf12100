import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { testingNoAssertion as rule } from '../../../src/core/rules/testing/no-assertion';
import { lines } from './syntax-rule-harness';
import { assertSameAtScale, described, runOnTestCode as run } from './testing-harness';

describe('rule testing/no-assertion', () => {
  it('declares itself as a syntax warning about tests', () => {
    assert.equal(rule.id, 'testing/no-assertion');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'warning');
    assert.match(rule.rationale, /passes whatever the code does/);
  });

  it('reports an empty test and one that runs nothing that could fail as warnings, naming the test', () => {
    const text = [
      "describe('cart', () => {",
      "  it('adds an item', () => {});",
      "  it('removes an item', () => {",
      '    const item = { id: 1 };',
      '    console.log(item);',
      '  });',
      "  it('totals', function () { this.timeout(5000); });",
      '});',
    ].join('\n');
    const findings = run(rule, 'test/cart.test.ts', text);
    assert.deepEqual(lines(findings), [2, 3, 7], described(findings).join('\n'));
    assert.ok(findings.every((finding) => finding.severity === 'warning'));
    assert.equal(findings[0].message, 'Test "adds an item" has an empty body: it passes whatever the code does. Write the assertion, or mark the test as skipped or todo.');
    assert.equal(findings[1].message, 'Test "removes an item" asserts nothing and runs nothing that could throw: it cannot fail.');
    assert.equal(text.slice(findings[0].start, findings[0].end), "it('adds an item'");
  });

  it('reports a test that only runs code as information: it fails only if the code throws', () => {
    const text = [
      "import { parse } from '../src/parse';",
      "test('parses', () => { parse('a=1'); });",
      "test('loads', async () => { await load(); });",
      "test('returns the promise', () => run());",
    ].join('\n');
    const findings = run(rule, 'test/parse.test.ts', text);
    assert.deepEqual(lines(findings), [2, 3, 4]);
    assert.ok(findings.every((finding) => finding.severity === 'info'));
    assert.equal(findings[0].message, 'Test "parses" asserts nothing: it fails only if the code throws or rejects. Assert on the result.');
  });

  it('counts every way real suites assert', () => {
    const text = [
      "import test from 'ava';",
      "import { strictEqual } from 'node:assert';",
      "import { assertValidUser } from './helpers';",
      "it('jest', () => { expect(add(1, 1)).toBe(2); });",
      "it('count', () => { expect.assertions(1); return run().catch((e) => e); });",
      "it('node assert', () => { assert.equal(add(1, 1), 2); });",
      "it('bare assert', () => { assert(isValid(x)); });",
      "it('imported', () => { strictEqual(add(1, 1), 2); });",
      "it('should', () => { add(1, 1).should.equal(2); });",
      "it('sinon', () => { run(spy); sinon.assert.calledOnce(spy); });",
      "it('property', () => { fc.assert(fc.property(fc.integer(), (n) => add(n, 0) === n)); });",
      "it('named helper', () => { assertValidUser(load()); });",
      "it('verify', () => { td.verify(save(1)); });",
      "test('ava', (t) => { t.is(add(1, 1), 2); });",
      "test('ava plan', (t) => { t.plan(1); emitter.on('x', () => t.pass()); });",
      "test('tape element', (t) => { t['throws'](() => parse('')); t.end(); });",
      "test('context to helper', (t) => { runSuite(t, cases); t.end(); });",
      "it('done with error', (done) => { load((err) => done(err)); });",
      "it('done passed on', (done) => { server.close(done); });",
      "it('type test', () => { expectTypeOf(add).returns.toBeNumber(); });",
      "it('subtests', async (t) => { await t.test('inner', () => { assert.ok(add(1, 1)); }); });",
    ].join('\n');
    assert.deepEqual(described(run(rule, 'test/all.test.ts', text)), []);
  });

  it('counts the methods a test destructures from its context (tape, as pino 10 writes it), and not its bookkeeping', () => {
    const text = [
      "const test = require('tape');",
      "test('bindings', ({ end, same }) => { same(pino().bindings(), {}); end(); });",
      "test('renamed', ({ is: equal, end }) => { equal(child().level, 'info'); end(); });",
      "test('bookkeeping only', ({ end, comment }) => { comment('nothing checked'); end(); });",
      "test('runs only', ({ end }) => { pino().info('x'); end(); });",
      "test('handed on', ({ end, same, is }) => { pino({ write: (o) => checkLogObjects(is, same, o) }).info('x'); end(); });",
      "test('bookkeeping handed on', ({ end }) => { pino({ write: () => later(end) }).info('x'); });",
    ].join('\n');
    const findings = run(rule, 'test/browser-bindings.test.js', text);
    assert.deepEqual(lines(findings), [4, 5, 7]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'info', 'info']);
  });

  it('follows the file\'s own helpers, a few calls deep, and an asserting afterEach', () => {
    const text = [
      "describe('math', () => {",
      "  it('adds', () => { same(add(1, 1), 2); });",
      "  it('deep', () => { outer(3); });",
      "  it('does not assert', () => { noCheck(add(1, 1)); });",
      '});',
      "describe('console', () => {",
      '  afterEach(() => { expect(console.error).not.toHaveBeenCalled(); });',
      "  it('renders', () => { render(); });",
      '});',
      'function same(actual: number, expected: number) { expect(actual).toBe(expected); }',
      'const outer = (n: number) => inner(n);',
      'function inner(n: number) { same(n, n); }',
      'function noCheck(n: number) { return n; }',
      "it('named like a check', () => { checkResult(add(1, 1)); });",
      'function checkResult(n: number) { console.log(n); }',
      "it('types', () => { expectUnknown(getState()); });",
      'function expectUnknown<T extends unknown>(t: T) { return t; }',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/math.test.ts', text)), [4, 14], 'a local helper is judged by its body, not its name');
  });

  it('skips tests that do not run: skip, todo, failing, no body, skip options', () => {
    const text = [
      "import { test } from 'node:test';",
      "it.skip('later', () => {});",
      "xit('later', () => {});",
      "it.todo('later');",
      "test.todo('later', () => {});",
      "test.failing('known bug', () => {});",
      "it('pending');",
      "test('old engines', { skip: true }, () => {});",
      "test('why', { todo: 'needs a server' }, () => {});",
      "test('conditional', { skip: !supported() }, () => {});",
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/skips.test.ts', text)), [10]);
  });

  it('skips the tests of a skipped suite', () => {
    const text = [
      "describe.skip('type-only', () => { it('a', () => { api.invalidate(['x']); }); });",
      "xdescribe('old', () => { it('b', () => {}); });",
      "describe('live', () => { it('c', () => {}); });",
      "describe('runs', { skip: true }, () => { it('d', () => {}); });",
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/suites.test.ts', text)), [3]);
  });

  it('counts Testing Library queries and type-level assertions as assertions', () => {
    const text = [
      "it('renders', async () => { render(<App />); await waitFor(() => screen.getByText('ready')); });",
      "it('finds', async () => { render(<App />); await screen.findAllByRole('row'); });",
      "it('types', () => { doNotExecute(() => { const r: Expect<Equal<string, typeof data>> = true; return r; }); });",
      "it('rejects a bad tag', () => {",
      '  // @ts-expect-error',
      "  api.invalidate(['missing']);",
      '});',
      "it('just renders', () => { render(<App />); });",
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/ui.test.tsx', text)), [8]);
  });

  it('runs the test bodies of it.only, test.concurrent and it.each tables', () => {
    const text = [
      // Split so that this file holds no focused call itself (a check for committed `.only` reads the source).
      'it.only' + "('focused', () => {});",
      "test.concurrent('parallel', async () => {});",
      "it.each([[1, 2]])('row %i', (a, b) => {});",
      "it.each([[1, 2]])('row %i', (a, b) => { expect(add(a, a)).toBe(b); });",
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/modifiers.test.ts', text)), [1, 2, 3]);
  });

  it('reports expect without a matcher and a matcher that is named but not called, and not chai property assertions', () => {
    const text = [
      "it('a', () => {",
      '  expect(add(1, 2));',
      '  expect(add(1, 2)).toBeTruthy;',
      '  expect(add(1, 2)).not.toBeNull;',
      '  expect(isValid(x)).to.be.true;',
      '  expect(list).to.be.empty;',
      '  const chain = expect(add(1, 2));',
      '  chain.toBe(3);',
      '});',
    ].join('\n');
    const findings = run(rule, 'test/matchers.test.ts', text);
    assert.deepEqual(lines(findings), [2, 3, 4], described(findings).join('\n'));
    assert.equal(findings[0].message, '`expect(add(1, 2))` has no matcher: it checks nothing.');
    assert.equal(findings[1].message, '`expect(add(1, 2)).toBeTruthy` names the matcher without calling it: it checks nothing. Add `()`.');
  });

  it('looks only at test code: test paths and files that use a test framework', () => {
    const tests = "it('adds', () => {});\n";
    assert.deepEqual(lines(run(rule, 'test/a.js', tests)), [1]);
    assert.deepEqual(lines(run(rule, 'src/a.spec.ts', tests)), [1]);
    assert.deepEqual(lines(run(rule, 'src/a.js', `describe('a', () => {\n  ${tests}});\n`)), [2], 'a top-level describe makes it a test file');
    assert.deepEqual(lines(run(rule, 'src/a.ts', `import { it } from 'vitest';\n${tests}`)), [2], 'vitest in-source tests');
    assert.deepEqual(lines(run(rule, 'src/a.js', `const test = require('ava');\ntest('x', (t) => {});\n`)), [2]);
    assert.deepEqual(lines(run(rule, 'src/a.js', `var tape = require('tape');\ntape('x', function (t) { t.end(); });\n`)), [2], 'tape under its own name');
    assert.deepEqual(lines(run(rule, 'test/a.js', `import { describe } from 'vitest';\ndescribe('x', () => {});\n`)), [], 'a describe is no test');
    assert.deepEqual(lines(run(rule, 'src/a.js', tests)), [1], 'a top-level it() with a title and a function is a test');
    assert.deepEqual(lines(run(rule, 'src/a.js', 'app.test("/health", () => {});\nit(name, handler);\n')), [], 'application code with such names is not');
    const localTest = 'function test(name, fn) { registry.push(name, fn); }\ntest("route", () => {});\n';
    assert.deepEqual(lines(run(rule, 'test/router.js', localTest)), [], 'a local function named test is not the framework');
  });

  it('is not capped in test code, and is raised inside AI-written lines', () => {
    const text = "it('a', () => {});\nit('b', () => { run(); });\n";
    const plain = run(rule, 'test/a.test.ts', text);
    assert.deepEqual(plain.map((finding) => finding.severity), ['warning', 'info']);
    const ai = run(rule, 'test/a.test.ts', text, [{ startLine: 1, endLine: 2 }]);
    assert.deepEqual(ai.map((finding) => finding.severity), ['error', 'warning']);
    assert.match(ai[0].severityReasons.join(), /AI-written/);
  });

  it('judges every copy of a block in a 5,000-line test file as it judges one copy (its speed: bench/rule-cost)', () => {
    assertSameAtScale(rule);
  });

  it('follows a helper imported from a file of the workspace (pino\'s match) and counts a throw on a comparison; not an argument check, a constant test, the code under test or a file outside', () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-helpers-'));
    try {
      mkdirSync(join(root, 'test'));
      mkdirSync(join(root, 'support'));
      writeFileSync(join(root, 'package.json'), '{"name":"app"}\n');
      writeFileSync(
        join(root, 'test/helper.js'),
        [
          'function match (found, expected) {',
          '  for (const [key, value] of Object.entries(expected)) {',
          '    if (value !== found[key]) {',
          '      throw Error(`expected "${value}" but found "${found[key]}"`)',
          '    }',
          '  }',
          '}',
          'function sink () { return [] }',
          'module.exports = { match, sink }',
        ].join('\n'),
      );
      writeFileSync(join(root, 'test/fixtures.ts'), "export function makeUser(opts: object) {\n  if (typeof opts !== 'object') throw new TypeError('opts');\n  return { ...opts };\n}\n");
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src/lib.js'), "exports.verifyish = (a) => { if (a !== 3) throw new Error('not 3') };\n");
      writeFileSync(join(root, 'support/compare.ts'), "export const equalish = (a: unknown, b: unknown) => {\n  if (a !== b) throw new Error('they differ');\n};\n");
      const text = [
        "const { test } = require('node:test')",
        "const { sink, match } = require('./helper')",
        "const { makeUser } = require('./fixtures.js')",
        "const { equalish } = require('../support/compare')",
        "const { far } = require('../../outside')",
        "const { verifyish } = require('../src/lib')",
        "test('level', async () => { const o = sink(); match(await o, { level: 'info' }) })",
        "test('sink only', async () => { const s = sink(); s.push('x') })",
        "test('builds', () => { makeUser({}) })",
        "test('compares', () => { equalish(run(), 3) })",
        "test('far', () => { far(run()) })",
        "test('subject', () => { verifyish(run()) })",
        "test('by hand', () => { if (run() !== 3) throw new Error('bad') })",
        "test('constant', () => { run(); if (1 !== 2) throw new Error('never') })",
      ].join('\n');
      writeFileSync(join(root, 'test/formatters.test.js'), text);
      const workspace = new PolicyWorkspace(root, false);
      const findings = workspace.checkFile('test/formatters.test.js', text).findings.filter((finding) => finding.ruleId === rule.id);
      // The code under test (src/lib.js) is not read: only where test helpers live.
      assert.deepEqual(lines(findings), [8, 9, 11, 12, 14], described(findings).join('\n'));
      assert.ok(findings.every((finding) => finding.severity === 'info'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('follows at most 8 helper modules per test file, so a hostile repository cannot make one test file parse many', () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-helpers-'));
    try {
      mkdirSync(join(root, 'test'));
      const names = Array.from({ length: 10 }, (_, index) => `check${index}`.replace('check', 'same'));
      for (const name of names) writeFileSync(join(root, `test/${name}-helpers.js`), `exports.${name} = (a, b) => { if (a !== b) throw new Error('differ'); };\n`);
      const text = [
        "const { test } = require('node:test');",
        ...names.map((name) => `const { ${name} } = require('./${name}-helpers');`),
        ...names.map((name) => `test('${name}', () => { ${name}(run(), 3); });`),
      ].join('\n');
      writeFileSync(join(root, 'test/many.test.js'), text);
      const workspace = new PolicyWorkspace(root, false);
      const findings = workspace.checkFile('test/many.test.js', text).findings.filter((finding) => finding.ruleId === rule.id);
      // The first 8 modules are followed and assert; the last 2 are not read.
      assert.deepEqual(lines(findings), [20, 21], described(findings).join('\n'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('follows the workspace policy\'s testPaths, in the check the editor and the CLI share', () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-testing-'));
    try {
      mkdirSync(join(root, '.comprehension'));
      writeFileSync(join(root, '.comprehension/policy.yaml'), 'testPaths: ["e2e/**"]\n');
      const workspace = new PolicyWorkspace(root, false);
      assert.deepEqual(workspace.loadPolicyFromDisk(), []);
      // A suite built by a function: only the policy says this is test code.
      const text = "function suite() {\n  it('loads', () => {});\n}\nsuite();\n";
      const ids = (path: string) => workspace.checkFile(path, text).findings.map((finding) => finding.ruleId);
      assert.deepEqual(ids('e2e/login.js'), ['testing/no-assertion']);
      assert.deepEqual(ids('test/login.js'), [], 'testPaths replaced the defaults');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
