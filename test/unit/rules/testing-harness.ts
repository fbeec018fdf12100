import * as assert from 'node:assert/strict';
import { evaluate, type LineRange } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { pathMatchersFor } from '../../../src/core/policy/paths';
import type { Rule } from '../../../src/core/rules/rule';
import { repeatToLines } from './syntax-rule-harness';

/**
 * Runs one testing rule through the real engine with the default policy, telling it whether the path
 * is test code the way the workspace does (the policy's `testPaths` globs).
 */
export function runOnTestCode(rule: Rule, path: string, text: string, aiRanges?: readonly LineRange[]): Finding[] {
  const policy = defaultPolicy();
  const inTestPath = pathMatchersFor(policy).isTest(path);
  return evaluate(path, text, { policy, rules: [rule], inTestPath, aiRanges }).findings;
}

/** `line: message` of each finding, for readable failures. */
export function described(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.startPosition.line + 1}: ${finding.message}`);
}

/**
 * Asserts `rule` judges every copy of a vitest block (doubles, smoke tests, constants) in a 5,000-line
 * file as it judges one copy; its speed is measured in bench/rule-cost.bench.ts.
 */
export function assertSameAtScale(rule: Rule): void {
  const block = [
    "describe('case $N', () => {",
    "  it('adds $N', () => { const f = jest.fn().mockReturnValue($N); expect(total(f, $N)).toBe($N * 2); });",
    "  it('smoke $N', async () => { await run($N); });",
    "  it('const $N', () => { const one = 1; expect(one + $N).toBe(1 + $N); assert.equal(check($N), $N); });",
    '});',
  ].join('\n');
  const header = "import { describe, it, expect } from 'vitest';\n";
  const one = runOnTestCode(rule, 'big.test.ts', header + block.replaceAll('$N', '0')).length;
  const copies = Math.ceil(5000 / block.split('\n').length);
  const many = runOnTestCode(rule, 'big.test.ts', header + repeatToLines(block, 5000));
  assert.equal(many.length, one * copies, `${one} finding(s) in one copy, ${many.length} in ${copies} copies`);
}
