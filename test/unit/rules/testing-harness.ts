import * as assert from 'node:assert/strict';
import { evaluate, type LineRange } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { pathMatchersFor } from '../../../src/core/policy/paths';
import type { Rule } from '../../../src/core/rules/rule';
import { repeatToLines, timeAgainstParse } from './syntax-rule-harness';

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

/** Asserts `rule` takes less time than parsing a 5,000-line vitest file of doubles, smoke tests and constants. */
export function assertCheaperThanParse(rule: Rule): void {
  const block = [
    "describe('case $N', () => {",
    "  it('adds $N', () => { const f = jest.fn().mockReturnValue($N); expect(total(f, $N)).toBe($N * 2); });",
    "  it('smoke $N', async () => { await run($N); });",
    "  it('const $N', () => { const one = 1; expect(one + $N).toBe(1 + $N); assert.equal(check($N), $N); });",
    '});',
  ].join('\n');
  const text = `import { describe, it, expect } from 'vitest';\n${repeatToLines(block, 5000)}`;
  const { parseMs, ruleMs } = timeAgainstParse(rule, 'big.test.ts', text);
  assert.ok(ruleMs < parseMs, `rule ${ruleMs.toFixed(1)} ms vs parse ${parseMs.toFixed(1)} ms`);
}
