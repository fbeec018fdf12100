import { evaluate } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Rule } from '../../../src/core/rules/rule';

/** Runs one rule (or several) on a file through the engine, as the CLI and the editor do. */
export function check(rules: Rule | readonly Rule[], path: string, text: string, aiLines?: { startLine: number; endLine: number }): Finding[] {
  const list = Array.isArray(rules) ? rules : [rules as Rule];
  return evaluate(path, text, { policy: defaultPolicy(), rules: list, ...(aiLines ? { aiRanges: [aiLines] } : {}) }).findings;
}

/** `[line, severity]` of each finding (1-based lines), for compact assertions. */
export function where(findings: readonly Finding[]): [number, string][] {
  return findings.map((finding) => [finding.startPosition.line + 1, finding.severity]);
}

export function covered(text: string, finding: Finding): string {
  return text.slice(finding.start, finding.end);
}
