import * as assert from 'node:assert/strict';
import { testingTautologicalAssertion as rule } from '../../../src/core/rules/testing/tautological-assertion';
import { covered, lines } from './syntax-rule-harness';
import { assertSameAtScale, described, runOnTestCode as run } from './testing-harness';

/** The statements as one test body, one a line from line 2. */
const inTest = (...statements: string[]): string => ["it('t', async () => {", ...statements.map((s) => `  ${s}`), '});'].join('\n');

describe('rule testing/tautological-assertion', () => {
  it('declares itself as a syntax warning', () => {
    assert.equal(rule.id, 'testing/tautological-assertion');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'warning');
    assert.match(rule.rationale, /self-validating/);
  });

  it('reports assertions on constants only, in jest, chai, node:assert and ava', () => {
    const text = [
      "import test from 'ava';",
      "it('a', () => {",
      '  expect(1).toBe(1);',
      '  assert.equal(true, true);',
      '  expect(true).toBeTruthy();',
      "  assert(true, 'works');",
      '  assert.ok(1);',
      '  expect(1).to.equal(1);',
      '  expect(true).to.be.true;',
      '  expect({ a: 1 }).toEqual({ a: 1 });',
      '});',
      "test('b', (t) => { t.is(1, 1); t.deepEqual([1], [1]); });",
    ].join('\n');
    const findings = run(rule, 'test/a.test.ts', text);
    assert.deepEqual(lines(findings), [3, 4, 5, 6, 7, 8, 9, 10, 12, 12], described(findings).join('\n'));
    assert.equal(findings[0].message, '`expect(1).toBe(1)` checks only constants: it always passes, whatever the code under test does.');
    assert.equal(covered(text, findings[6]), 'expect(true).to.be.true');
    assert.ok(findings.every((finding) => finding.severity === 'warning'));
  });

  it('sees through the cheap disguises: arithmetic, const names, templates, negation', () => {
    const text = inTest(
      'expect(1 + 0).toBe(1);',
      'const one = 1;',
      'expect(one).toBe(1);',
      "const name = 'x';",
      'expect(`${name}!`).toBe("x!");',
      'expect(!0).toBe(true);',
      'const total = one * 2;',
      'assert.strictEqual(total, 2);',
    );
    assert.deepEqual(lines(run(rule, 'test/a.test.ts', text)), [2, 4, 6, 7, 9]);
  });

  it('reports a value compared with itself', () => {
    const text = inTest(
      'const x = add(1, 2);',
      'expect(x).toBe(x);',
      'assert.deepStrictEqual(result, result);',
      'expect(user.name).toEqual(user.name);',
      'assert(a === a);',
      "assert.match(line, /^ok/, line);",
      'expect(next()).toBe(next());',
    );
    const findings = run(rule, 'test/a.test.ts', text);
    assert.deepEqual(lines(findings), [3, 4, 5, 6], described(findings).join('\n'));
    assert.equal(findings[0].message, '`expect(x).toBe(x)` compares `x` with itself: it cannot fail on the code under test.');
    // As found in @tanstack/query-core 4.36.1, src/tests/mutations.test.tsx.
    const found = inTest("const result = await executeMutation(queryClient, { mutationFn: async (text) => text, variables: 'todo' });", 'expect(result).toBe(result);');
    assert.deepEqual(lines(run(rule, 'src/tests/mutations.test.tsx', found)), [3]);
  });

  it('reports a test double asserted against its own stub (jest, vitest, sinon, node:test)', () => {
    const text = inTest(
      'const f = jest.fn().mockReturnValue(5);',
      'expect(f()).toBe(5);',
      'const g = vi.fn(() => 5);',
      'expect(g(1)).toBe(5);',
      'const s = sinon.stub().returns(5);',
      'assert.equal(s(), 5);',
      'const load = vi.fn().mockResolvedValue({ id: 1 });',
      'expect(await load()).toEqual({ id: 1 });',
      'const m = mock.fn(() => 5);',
      'assert.equal(m(), 5);',
    );
    const findings = run(rule, 'test/a.test.ts', text);
    assert.deepEqual(lines(findings), [3, 5, 7, 9, 11], described(findings).join('\n'));
    assert.equal(findings[0].message, '`expect(f()).toBe(5)` checks what the test double `f` was set up to return: no code under test runs between them.');
  });

  it('follows a double\'s result through a const, and reports assertions on calls only the test made', () => {
    const text = inTest(
      "const fetchUser = vi.fn().mockResolvedValue({ id: 1 });",
      'const user = await fetchUser();',
      'expect(user).toEqual({ id: 1 });',
      'const onSave = jest.fn();',
      "onSave('draft');",
      "expect(onSave).toHaveBeenCalledWith('draft');",
      'expect(onSave.mock.calls).toHaveLength(1);',
      'const onClose = jest.fn();',
      'expect(onClose).not.toHaveBeenCalled();',
      'const onChange = jest.fn();',
      'render(<Input onChange={onChange} />);',
      'expect(onChange).toHaveBeenCalledTimes(1);',
      'const callback = jest.fn();',
      'forEach([1, 2], callback);',
      'expect(callback).toHaveBeenCalledTimes(2);',
      'const handler = jest.fn();',
      "emitter.on('x', handler);",
      'expect(handler).toHaveBeenCalled();',
      'const onSuccess = jest.fn();',
      'useMutation(save, { onSuccess: (data) => { onSuccess(data); } });',
      'expect(onSuccess).toHaveBeenCalledWith(1);',
    );
    const findings = run(rule, 'test/a.test.tsx', text);
    assert.deepEqual(lines(findings), [4, 7, 10], described(findings).join('\n'));
    assert.equal(findings[1].message, "`expect(onSave).toHaveBeenCalledWith('draft')` checks the calls of the double `onSave`, which only the test itself can call: no code under test is given it.");
  });

  it('does not report honest tests near those shapes', () => {
    const text = [
      "import { VERSION } from '../src/version';",
      "import fc from 'fast-check';",
      "it('honest', async () => {",
      '  expect(add(1, 1)).toBe(2);',
      '  expect(render(<App />)).toMatchSnapshot();',
      '  expect(() => parse("")).toThrow();',
      '  await assert.rejects(load("missing"));',
      '  fc.assert(fc.property(fc.integer(), (n) => add(n, 0) === n));',
      "  expect(VERSION).toBe('1.0.0');",
      '  const f = jest.fn().mockReturnValue(5);',
      '  expect(total(f)).toBe(5);',
      '  const real = jest.fn(add);',
      '  expect(real(1, 1)).toBe(2);',
      '  const spy = jest.spyOn(math, "add");',
      '  expect(spy(1, 1)).toBe(2);',
      '  const fake = jest.fn().mockImplementation(compute);',
      '  expect(fake()).toBe(3);',
      '  const later = jest.fn();',
      '  later.mockImplementation(compute);',
      '  expect(later()).toBe(3);',
      '  const items = [1];',
      '  mutate(items);',
      '  expect(items).toEqual([1]);',
      '  expect(typeof value).toBe("string");',
      '  expect(true).toBe(isValid(x));',
      '});',
    ].join('\n');
    assert.deepEqual(described(run(rule, 'test/a.test.tsx', text)), []);
  });

  it('does not report a type assertion on a constant (TSTyche, as pino 10 writes them); the same value checked is', () => {
    const text = [
      "import { expect } from 'tstyche';",
      "import type { Level } from '../pino';",
      "const level: Level = 'debug';",
      'expect(level).type.toBeAssignableTo<string>();',
      'expect(level).type.not.toBeAssignableTo<number>();',
      "expect(level).toBe('debug');",
    ].join('\n');
    assert.deepEqual(described(run(rule, 'test/types/pino.tst.ts', text)).length, 1);
    assert.match(described(run(rule, 'test/types/pino.tst.ts', text))[0], /toBe\('debug'\)/);
  });

  it('does not report a constant assertion whose reaching it is the check', () => {
    const text = [
      "test('events', (t) => {",
      '  t.plan(2);',
      "  emitter.on('done', () => t.ok(true, 'done fired'));",
      "  if (passed) t.ok(true, 'no keys');",
      '  try { run(); assert.ok(true); } catch (error) { assert.fail(error); }',
      '});',
      "it('must throw', () => {",
      '  try { parse(""); expect(true).toBe(false); } catch (error) { expect(error).toBeInstanceOf(SyntaxError); }',
      '});',
      "it('unreachable', () => {",
      "  assert(false, 'unreachable');",
      '  expect(1).toBe(2);',
      '});',
    ].join('\n');
    assert.deepEqual(described(run(rule, 'test/a.test.js', text)), []);
  });

  it('does not report a checkpoint in a test that declares its count and checks something else (fastify 5)', () => {
    const text = [
      // fastify's test/internals/logger.test.js: the count needs the checkpoint, the callbacks hold the checks.
      "test('requestCompleted should not log when logging is disabled', (t) => {",
      '  t.plan(1);',
      "  const log = { error: () => { t.assert.fail('error should not be called'); } };",
      "  logController.requestCompleted(new Error('test'), request, { request, log });",
      "  t.assert.ok(true, 'logger was not called');",
      '});',
      "it('counts with jest', async () => {",
      '  expect.assertions(2);',
      '  await run();',
      '  expect(true).toBe(true);',
      '  expect(await status()).toBe(200);',
      '});',
      // The cheap disguises: a plan whose only check is the constant one, a check that is itself constant, a plan in another test.
      "test('plans a tautology', (t) => {",
      '  t.plan(1);',
      '  t.ok(true);',
      '});',
      "test('plans two tautologies', (t) => {",
      '  t.plan(2);',
      "  t.ok('Done');",
      '  t.equal(1, 1);',
      '});',
      "test('no plan here', (t) => {",
      '  t.equal(run(), 3);',
      '  t.ok(true);',
      '});',
      "test('a plan on something else', (t) => {",
      '  other.plan(1);',
      '  t.equal(run(), 3);',
      '  t.ok(true);',
      '});',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/a.test.js', text)), [15, 19, 20, 24, 29]);
  });

  it('is not fooled by a guard that guards nothing: if (true), a try with nothing before, a loop', () => {
    const text = [
      "it('t', () => {",
      '  if (true) { expect(1).toBe(1); }',
      '  true && assert(true);',
      '  try { expect(2).toBe(2); } catch {}',
      '  for (const item of [1]) expect(3).toBe(3);',
      '});',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'test/a.test.ts', text)), [2, 3, 4, 5]);
  });

  it('sees a value compared with itself through a const alias', () => {
    const text = inTest('const result = await run();', 'const copy = result;', 'expect(copy).toBe(result);', 'const other = await run();', 'expect(other).toEqual(result);');
    assert.deepEqual(lines(run(rule, 'test/a.test.ts', text)), [4]);
  });

  it('leaves some disguises unreported, as documented: let names, calls of built-ins, callbacks, copies', () => {
    const text = inTest(
      'let one = 1;',
      'expect(one).toBe(1);',
      "expect(Number('1')).toBe(1);",
      "expect(String(1)).toBe('1');",
      '[1].forEach(() => expect(1).toBe(1));',
      'expect({ ...user }).toEqual(user);',
      'let f = jest.fn().mockReturnValue(5);',
      'expect(f()).toBe(5);',
      'const doubles = { f: jest.fn().mockReturnValue(5) };',
      'expect(doubles.f()).toBe(5);',
    );
    assert.deepEqual(lines(run(rule, 'test/a.test.ts', text)), []);
  });

  it('looks only at test code', () => {
    assert.deepEqual(lines(run(rule, 'src/a.ts', 'assert(true);\n')), []);
    assert.deepEqual(lines(run(rule, 'test/a.ts', 'assert(true);\n')), [1]);
    assert.deepEqual(lines(run(rule, 'src/a.ts', 'const assert = (v) => v;\nassert(true);\n')), []);
  });

  it('is raised inside AI-written lines', () => {
    const text = inTest('expect(1).toBe(1);', 'expect(2).toBe(2);');
    const findings = run(rule, 'test/a.test.ts', text, [{ startLine: 3, endLine: 3 }]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'error']);
  });

  it('judges every copy of a block in a 5,000-line test file as it judges one copy (its speed: bench/rule-cost)', () => {
    assertSameAtScale(rule);
  });
});
