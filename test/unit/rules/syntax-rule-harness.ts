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
 * Times `rule` against parsing on the same large text: the median of several runs each, so one slow
 * run (GC, a busy CI machine) does not decide. Returns milliseconds.
 */
export function timeAgainstParse(rule: Rule, path: string, text: string, runs = 5): { parseMs: number; ruleMs: number } {
  // One untimed run first, so the comparison is not about which code the JIT compiled first.
  rule.check({
    path,
    text,
    lines: new LineIndex(text),
    sourceFile: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
    options: { ...(rule.defaultOptions ?? {}) },
    dependencies: { allow: [], deny: [] },
  });
  const parseTimes: number[] = [];
  const ruleTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const lineIndex = new LineIndex(text);
    const parseStart = performance.now();
    const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    parseTimes.push(performance.now() - parseStart);
    const context = {
      path,
      text,
      lines: lineIndex,
      sourceFile,
      options: { ...(rule.defaultOptions ?? {}) },
      dependencies: { allow: [], deny: [] },
    };
    const ruleStart = performance.now();
    rule.check(context);
    ruleTimes.push(performance.now() - ruleStart);
  }
  return { parseMs: median(parseTimes), ruleMs: median(ruleTimes) };
}

/** Repeats `block` until the text has at least `lineCount` lines. */
export function repeatToLines(block: string, lineCount: number): string {
  const blockLines = block.split('\n').length;
  const copies = Math.ceil(lineCount / blockLines);
  return Array.from({ length: copies }, (_, index) => block.replaceAll('$N', String(index))).join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
