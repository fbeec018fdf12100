import * as assert from 'node:assert/strict';
import { securityEval as rule } from '../../../src/core/rules/security/eval';
import { covered, lines, run, assertSameAtScale } from './syntax-rule-harness';

describe('rule security/eval', () => {
  it('declares itself as a syntax error', () => {
    assert.equal(rule.id, 'security/eval');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'error');
  });

  it('reports eval, Function and new Function with their messages', () => {
    const text = [
      'export function parseConfig(raw: string) {',
      '  return eval("(" + raw + ")");',
      '}',
      "const add = new Function('a', 'b', body);",
      "const mul = Function('a', 'b', `return a ${operator} b`);",
      'window.eval(script);',
      'globalThis.eval(script);',
    ].join('\n');
    const findings = run(rule, 'src/config.ts', text);
    assert.deepEqual(lines(findings), [2, 4, 5, 6, 7]);
    assert.equal(findings[0].ruleId, 'security/eval');
    assert.equal(findings[0].severity, 'error');
    assert.equal(covered(text, findings[0]), 'eval("(" + raw + ")")');
    assert.equal(findings[0].message, '`eval` runs a string as code.');
    assert.equal(findings[1].message, '`new Function(...)` builds a function from a string.');
    assert.equal(findings[2].message, '`Function(...)` builds a function from a string.');
  });

  it('reports Function of constant strings as information, and not Function("return this"); eval stays an error', () => {
    const text = [
      'var root = Function("return this")();',
      "var g = new Function('return this;')();",
      "const add = new Function('a', 'b', 'return a + b');",
      'eval("1 + " + "2");',
      'export function build(userInput: string) { return new Function(userInput); }',
      'export function run(x: string) { return eval(x); }',
      'const f = Function("return " + name);',
    ].join('\n');
    const findings = run(rule, 'src/polyfill.js', text);
    assert.deepEqual(lines(findings), [3, 4, 5, 6, 7]);
    assert.deepEqual(
      findings.map((finding) => finding.severity),
      ['info', 'error', 'error', 'error', 'error'],
    );
    assert.equal(
      findings[0].message,
      '`new Function(...)` runs a constant string as code: no input reaches it, but it needs `unsafe-eval` under a CSP. Write the code directly.',
    );
    assert.equal(findings[1].message, '`eval` runs a string as code.');
    assert.equal(findings[2].message, '`new Function(...)` builds a function from a string.');
    assert.equal(findings[3].message, '`eval` runs a string as code.');
  });

  it('reports timers given a string, a template or a concatenation (CommonJS)', () => {
    const text = [
      "setTimeout('refresh()', 1000);",
      'setInterval(`poll(${id})`, 500);',
      "global.setTimeout('tick(' + n + ')', 10);",
    ].join('\n');
    const findings = run(rule, 'timers.js', text);
    assert.deepEqual(lines(findings), [1, 2, 3]);
    assert.equal(findings[0].message, '`setTimeout` with a string argument runs it as code.');
    assert.equal(findings[1].message, '`setInterval` with a string argument runs it as code.');
  });

  it('accepts timers with functions, JSON.parse and methods named eval on other objects', () => {
    const text = [
      'setTimeout(() => refresh(), 1000);',
      'setInterval(poll, 500);',
      'const config = JSON.parse(raw);',
      'const result = await page.evaluate(() => document.title);',
      'const value = interpreter.eval(expression);',
      'const sum = evaluate(tree);',
      'const fn = factory.Function;',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('is not run on files that are not TypeScript or JavaScript', () => {
    assert.deepEqual(run(rule, 'notes.md', 'Never call eval("x") in production.'), []);
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      'export function schedule$N(task: () => void) {',
      '  setTimeout(task, 100);',
      '  return JSON.parse(`{"id": $N}`);',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
