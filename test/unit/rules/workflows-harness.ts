import type { Finding } from '../../../src/core/check/findings';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Rule } from '../../../src/core/rules/rule';

/** Findings of one rule on a workflow file, through the engine (as the CLI and editor run it). */
export function runWorkflow(rule: Rule, text: string, path = '.github/workflows/ci.yml', options?: Record<string, unknown>): Finding[] {
  const policy = defaultPolicy();
  if (options !== undefined) policy.rules[rule.id] = { options };
  return evaluate(path, text, { policy, rules: [rule] }).findings;
}

/** The text a finding points at. */
export function covered(text: string, finding: Finding): string {
  return text.slice(finding.start, finding.end);
}

/** 1-based lines of the findings. */
export function findingLines(findings: readonly Finding[]): number[] {
  return findings.map((finding) => finding.startPosition.line + 1);
}

/** Lines joined as a file. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
