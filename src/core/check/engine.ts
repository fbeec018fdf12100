import { createHash } from 'node:crypto';
import { ts } from 'ts-morph';
import { type Finding, raiseSeverity, type RuleFinding, type Severity } from './findings';
import type { ParseCache } from './parse-cache';
import type { Policy } from '../policy/policy';
import type { PackageManifestInfo, Rule, RuleContext } from '../rules/rule';
import { parseSuppressions } from './suppressions';
import { LineIndex } from '../text/line-index';

/** A range of AI-authored lines, 1-based and inclusive (as provenance blocks report them). */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/** Extensions whose files syntax rules parse. */
const SYNTAX_EXTENSIONS: ReadonlyMap<string, ts.ScriptKind> = new Map([
  ['.ts', ts.ScriptKind.TS],
  ['.mts', ts.ScriptKind.TS],
  ['.cts', ts.ScriptKind.TS],
  ['.tsx', ts.ScriptKind.TSX],
  ['.js', ts.ScriptKind.JS],
  ['.mjs', ts.ScriptKind.JS],
  ['.cjs', ts.ScriptKind.JS],
  ['.jsx', ts.ScriptKind.JSX],
]);

/**
 * The script kind to parse `path` with, or undefined when syntax rules do not apply to it.
 * Declaration files (`.d.ts`) hold no runtime code (no calls, loops or handlers), so they get
 * text rules only.
 */
export function scriptKindFor(path: string): ts.ScriptKind | undefined {
  if (/\.d\.[mc]?ts$/i.test(path)) return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : SYNTAX_EXTENSIONS.get(path.slice(dot).toLowerCase());
}

export interface EvaluateOptions {
  policy: Policy;
  rules: readonly Rule[];
  /** AI-authored line ranges: findings inside them are raised one severity step. */
  aiRanges?: readonly LineRange[];
  /** Whether the file is in one of the policy's critical paths (computed by the caller, who knows the globs). */
  inCriticalPath?: boolean;
  /** Files longer than this (in UTF-16 units) get text rules only. */
  maxParseLength?: number;
  manifest?: PackageManifestInfo;
  /** The document's parse cache: the tree is updated incrementally instead of parsed again. */
  parseCache?: ParseCache;
  /** Polled between rules: when it returns true, evaluation stops and returns what it has. */
  isCancelled?: () => boolean;
  /**
   * Every rule id a `comprehension-ignore` comment may name (built-in and custom). When given,
   * suppressions are applied and their problems (no reason, unknown id, unused) reported.
   */
  knownRuleIds?: readonly string[];
  /**
   * Findings computed outside the rules (comprehension notes) with their final severity; they go
   * through suppressions like rule findings but are not raised again.
   */
  extraFindings?: readonly { ruleId: string; severity: Severity; finding: RuleFinding; severityReasons: string[] }[];
}

export interface EvaluateResult {
  findings: Finding[];
  /** How many findings a `comprehension-ignore` comment silenced. */
  suppressedCount: number;
  /** True when syntax rules were skipped because the file was over `maxParseLength`. */
  syntaxSkippedForSize: boolean;
  cancelled: boolean;
}

/**
 * Runs the policy's rules over one file and returns findings with their final severity.
 * The one entry point shared by the language server and the CLI, so both report the same.
 */
export function evaluate(path: string, text: string, options: EvaluateOptions): EvaluateResult {
  const lines = new LineIndex(text);
  const { policy } = options;
  const scriptKind = scriptKindFor(path);
  const tooLarge = options.maxParseLength !== undefined && text.length > options.maxParseLength;
  let sourceFile: ts.SourceFile | undefined;
  const parse = (): ts.SourceFile | undefined => {
    if (sourceFile === undefined && scriptKind !== undefined && !tooLarge) {
      sourceFile = options.parseCache
        ? options.parseCache.parse(path, text, scriptKind)
        : ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind);
    }
    return sourceFile;
  };

  let findings: Finding[] = [];
  const ranRuleIds = new Set<string>();
  let cancelled = false;
  for (const rule of options.rules) {
    if (options.isCancelled?.()) {
      cancelled = true;
      break;
    }
    const setting = policy.rules[rule.id];
    const configured: Severity = setting?.severity ?? rule.defaultSeverity;
    if (configured === 'off') continue;
    if (rule.kind === 'syntax' && (scriptKind === undefined || tooLarge)) continue;
    ranRuleIds.add(rule.id);
    if (rule.textTriggers && !rule.textTriggers.some((word) => text.includes(word))) continue;
    const context: RuleContext = {
      path,
      text,
      lines,
      sourceFile: rule.kind === 'syntax' ? parse() : undefined,
      options: { ...(rule.defaultOptions ?? {}), ...(setting?.options ?? {}) },
      manifest: options.manifest,
      dependencies: policy.dependencies,
    };
    let raw: RuleFinding[];
    try {
      raw = rule.check(context);
    } catch (error) {
      // A rule bug must not take down the other rules or the server: report it as a finding on line 1.
      raw = [{ start: 0, end: 0, message: `Rule ${rule.id} failed: ${(error as Error).message}`, severity: 'info' }];
    }
    for (const finding of raw) {
      findings.push(finish(rule.id, finding, configured, lines, options));
    }
  }
  for (const extra of options.extraFindings ?? []) {
    if (cancelled) break;
    const severity = policy.rules[extra.ruleId]?.severity === 'off' ? 'off' : extra.severity;
    if (severity === 'off') continue;
    ranRuleIds.add(extra.ruleId);
    const finished = finish(extra.ruleId, { ...extra.finding, severity }, severity, lines, { ...options, inCriticalPath: false, aiRanges: undefined });
    finished.severityReasons.push(...extra.severityReasons);
    findings.push(finished);
  }
  let suppressedCount = 0;
  if (options.knownRuleIds && !cancelled) {
    const suppressions = parseSuppressions(text, lines, { knownRuleIds: options.knownRuleIds });
    if (suppressions.suppressions.length > 0) {
      const kept = findings.filter((finding) => !suppressions.isSuppressed(finding.ruleId, finding.startPosition.line));
      suppressedCount = findings.length - kept.length;
      findings = kept;
      // Problems with suppression comments are about the comment, so critical paths and AI blocks do not raise them.
      const plain = { ...options, inCriticalPath: false, aiRanges: undefined };
      for (const problem of [...suppressions.problems, ...suppressions.unusedProblems(ranRuleIds)]) {
        // The policy may tune these like any rule (e.g. `comprehension/suppression-unused: off`).
        const severity = policy.rules[problem.ruleId]?.severity ?? problem.severity;
        if (severity !== 'off') findings.push(finish(problem.ruleId, { ...problem, severity }, severity, lines, plain));
      }
    }
  }
  return { findings, suppressedCount, syntaxSkippedForSize: tooLarge && scriptKind !== undefined, cancelled };
}

function finish(ruleId: string, raw: RuleFinding, configured: Severity, lines: LineIndex, options: EvaluateOptions): Finding {
  const startPosition = lines.positionAt(raw.start);
  const endPosition = lines.positionAt(raw.end);
  let severity = raw.severity ?? configured;
  const severityReasons: string[] = [];
  if (options.inCriticalPath && severity !== 'off') {
    severity = raiseSeverity(severity);
    severityReasons.push('raised: file is in a critical path');
  }
  const firstLine = startPosition.line + 1;
  const lastLine = endPosition.line + 1;
  if (options.aiRanges?.some((range) => range.startLine <= lastLine && firstLine <= range.endLine)) {
    severity = raiseSeverity(severity);
    severityReasons.push('raised: inside an AI-written block');
  }
  const source = raw.fingerprintSource ?? lines.lineText(startPosition.line).trim();
  const fingerprint = createHash('sha256').update(`${ruleId}\0${source}`).digest('hex').slice(0, 32);
  return { ...raw, ruleId, severity, startPosition, endPosition, severityReasons, fingerprint };
}
