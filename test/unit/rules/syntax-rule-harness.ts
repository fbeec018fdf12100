import * as assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { evaluate } from '../../../src/core/check/engine';
import type { Finding, TextFix } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Rule } from '../../../src/core/rules/rule';
import { applyEdits } from '../../../src/core/rules/shared-syntax/edits';
import { LineIndex } from '../../../src/core/text/line-index';

/** Runs one rule through the real engine, with the default policy plus optional rule options. */
export function run(rule: Rule, path: string, text: string, options?: Record<string, unknown>): Finding[] {
  const policy = defaultPolicy();
  if (options !== undefined) policy.rules[rule.id] = { options };
  const result = evaluate(path, text, { policy, rules: [rule] });
  for (const finding of result.findings) {
    assert.ok(!finding.message.startsWith(`Rule ${rule.id} failed`), finding.message);
  }
  return result.findings;
}

/** 1-based line numbers of the findings, in report order. */
export function lines(findings: readonly Finding[]): number[] {
  return findings.map((finding) => finding.startPosition.line + 1);
}

/** The text a finding covers. */
export function covered(text: string, finding: Finding): string {
  return text.slice(finding.start, finding.end);
}

/** The text after applying one fix. */
export function applyFix(text: string, fix: TextFix): string {
  return applyEdits(text, fix.edits);
}

/** Asserts `text` still parses without syntax errors (a fix must not break the file). */
export function assertParses(path: string, text: string): void {
  const kind = path.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  // createSourceFile keeps syntax errors in `parseDiagnostics`, which the public typings do not declare.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  assert.deepEqual(
    diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
    [],
    `fixed text does not parse:\n${text}`,
  );
}

/**
 * Checks `rule` on `block` (with `$N` numbering each copy) repeated to `lineCount` lines, and asserts
 * that every copy is judged as one copy alone is: nothing lost or added at scale (a cap, a cache keyed
 * wrongly, a walk cut short). How fast it is belongs to the benchmarks (bench/rule-cost.bench.ts),
 * never to a timed assertion.
 */
export function assertSameAtScale(rule: Rule, path: string, block: string, lineCount: number): void {
  const check = (text: string) =>
    rule.check({
      path,
      text,
      lines: new LineIndex(text),
      sourceFile: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
      options: { ...(rule.defaultOptions ?? {}) },
      dependencies: { allow: [], deny: [] },
    });
  const one = check(block.replaceAll('$N', '0')).length;
  const copies = Math.ceil(lineCount / block.split('\n').length);
  const many = check(repeatToLines(block, lineCount));
  assert.equal(many.length, one * copies, `${one} finding(s) in one copy, ${many.length} in ${copies} copies`);
  assert.equal(new Set(many.map((finding) => finding.start)).size, many.length, 'each finding at its own place');
}

/** Repeats `block` until the text has at least `lineCount` lines. */
export function repeatToLines(block: string, lineCount: number): string {
  const blockLines = block.split('\n').length;
  const copies = Math.ceil(lineCount / blockLines);
  return Array.from({ length: copies }, (_, index) => block.replaceAll('$N', String(index))).join('\n');
}

