import * as assert from 'node:assert/strict';
import { evaluate, type LineRange } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { pathMatchersFor } from '../../../src/core/policy/paths';
import type { Rule } from '../../../src/core/rules/rule';
import { syntheticVitestSuite, VITEST_BLOCK, VITEST_HEADER } from '../../../bench/support';

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
  const one = runOnTestCode(rule, 'big.test.ts', VITEST_HEADER + VITEST_BLOCK.replaceAll('$N', '0')).length;
  const copies = Math.ceil(5000 / VITEST_BLOCK.split('\n').length);
  const many = runOnTestCode(rule, 'big.test.ts', syntheticVitestSuite(5000));
  assert.equal(many.length, one * copies, `${one} finding(s) in one copy, ${many.length} in ${copies} copies`);
}
