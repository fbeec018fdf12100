import { createHash } from 'node:crypto';
import type { Position } from '../text/line-index';

/** How loudly a finding is reported. `off` disables a rule. */
export type Severity = 'error' | 'warning' | 'info' | 'off';

/** Severities from quietest to loudest, for raising and comparing. */
export const SEVERITY_ORDER: readonly Severity[] = ['off', 'info', 'warning', 'error'];

/** The next louder severity (`error` stays `error`; `off` stays `off`: a disabled rule stays disabled). */
export function raiseSeverity(severity: Severity): Severity {
  if (severity === 'off') return 'off';
  const index = SEVERITY_ORDER.indexOf(severity);
  return SEVERITY_ORDER[Math.min(index + 1, SEVERITY_ORDER.length - 1)];
}

export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}

/** A suggested text replacement that fixes or suppresses a finding. */
export interface TextFix {
  title: string;
  /** Replacements in the same document, by offsets of the text the rule saw. */
  edits: { start: number; end: number; newText: string }[];
  /** True for the fix a user most likely wants (shown first, `isPreferred` in LSP). */
  preferred?: boolean;
}

/** What a rule reports, before policy adjusts its severity. */
export interface RuleFinding {
  /** Offsets in the checked text. */
  start: number;
  end: number;
  message: string;
  /** Overrides the rule's severity for this finding (rare: e.g. a private key is always an error). */
  severity?: Severity;
  fixes?: TextFix[];
  /**
   * Stable text for baselines: never the secret itself. Defaults to the rule id plus the trimmed
   * line text, so a finding keeps its fingerprint when lines above it move.
   */
  fingerprintSource?: string;
  /** The AI block the finding is about (comprehension note findings), for code actions and the editor's grace. */
  blockId?: string;
}

/** A finding as reported by the engine: rule, final severity, and both offsets and positions. */
export interface Finding extends RuleFinding {
  ruleId: string;
  severity: Severity;
  startPosition: Position;
  endPosition: Position;
  /** Why the severity is what it is, e.g. "raised: inside an AI block". */
  severityReasons: string[];
  /** Hash used by the baseline; contains no secret text. */
  fingerprint: string;
}

/**
 * The baseline fingerprint of a finding: SHA-256 of the rule id and its fingerprint source (see
 * {@link RuleFinding.fingerprintSource}), 32 hex digits. One recipe for every producer of findings.
 */
export function findingFingerprint(ruleId: string, source: string): string {
  return createHash('sha256').update(`${ruleId}\0${source}`).digest('hex').slice(0, 32);
}
