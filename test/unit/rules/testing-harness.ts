import { evaluate, type LineRange } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { pathMatchersFor } from '../../../src/core/policy/paths';
import type { Rule } from '../../../src/core/rules/rule';

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
