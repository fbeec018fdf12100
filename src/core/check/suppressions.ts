import type { RuleFinding, Severity } from './findings';
import { didYouMean } from '../policy/suggest';
import type { LineIndex } from '../text/line-index';

/** The word that starts an inline suppression comment. */
export const SUPPRESSION_MARKER = 'comprehension-ignore';

/** Reported for a suppression without `-- <reason>` (warning). */
export const SUPPRESSION_REASON_RULE_ID = 'comprehension/suppression-reason';
/** Reported for a suppression naming no rule, or a rule that does not exist (warning). */
export const SUPPRESSION_UNKNOWN_RULE_ID = 'comprehension/suppression-unknown-rule';
/** Reported for a suppression that silenced nothing (info; see {@link SuppressionSet.unusedProblems}). */
export const SUPPRESSION_UNUSED_RULE_ID = 'comprehension/suppression-unused';
/** Reported for a suppression written in an AI block no person has explained yet, which suppresses nothing (warning). */
export const SUPPRESSION_UNREVIEWED_RULE_ID = 'comprehension/suppression-unreviewed';

/** The ids of the problems this module reports, for `knownRuleIds` lists and rule listings. */
export const SUPPRESSION_PROBLEM_RULE_IDS: readonly string[] = [
  SUPPRESSION_REASON_RULE_ID,
  SUPPRESSION_UNKNOWN_RULE_ID,
  SUPPRESSION_UNUSED_RULE_ID,
  SUPPRESSION_UNREVIEWED_RULE_ID,
];

/** One rule id named by a suppression, with where it is written. */
export interface SuppressedRuleId {
  id: string;
  start: number;
  end: number;
}

/** One `comprehension-ignore` comment. */
export interface Suppression {
  /** 0-based line of the comment; it covers this line and the next. */
  line: number;
  ruleIds: SuppressedRuleId[];
  /** Text after `--`, trimmed; empty when missing. */
  reason: string;
  /** Offsets from the marker to the end of the comment's text. */
  start: number;
  end: number;
}

/** A problem with a suppression comment, shaped like a rule finding so the engine can report it. */
export interface SuppressionProblem extends RuleFinding {
  ruleId: string;
  severity: Severity;
}

/** The suppressions of one text. */
export interface SuppressionSet {
  readonly suppressions: readonly Suppression[];
  /** Suppressions without a reason, without a rule id, or naming an unknown rule. */
  readonly problems: readonly SuppressionProblem[];
  /**
   * True when a suppression on `zeroBasedLine` or the line above names `ruleId`. Ask with a finding's
   * start line. Each positive answer marks that suppression as used.
   */
  isSuppressed(ruleId: string, zeroBasedLine: number): boolean;
  /**
   * Info problems for suppressed rule ids that silenced nothing, once every finding has been passed to
   * {@link isSuppressed}. Pass the ids of the rules that actually ran, so a suppression of a rule that
   * is off, or skipped for this file, is not called unused.
   */
  unusedProblems(ranRuleIds?: ReadonlySet<string>): SuppressionProblem[];
}

/** Options of {@link parseSuppressions}. */
export interface ParseSuppressionsOptions {
  /** Every rule id a suppression may name; without it, unknown ids are not reported. */
  knownRuleIds?: Iterable<string>;
  /**
   * The AI block holding a 0-based line that no person has vouched for yet (no comprehension note
   * explains it), or undefined. A suppression written there is the assistant silencing its own
   * finding, not a review: it suppresses nothing and is reported, with the block's id when known.
   */
  unreviewedAiBlock?: (zeroBasedLine: number) => { blockId?: string } | undefined;
}

/**
 * A comment starter right before the marker: `//`, `///`, `//!`, `#`, `/*`, `/**`, `<!--`, `--`, `;`,
 * `%`, or a leading `*` on a block comment's continuation line. Requiring the marker to open the
 * comment keeps prose that merely mentions it (and code) from suppressing anything.
 */
const COMMENT_STARTER_BEFORE_MARKER = /(?:\/\/[/!]*|\/\*+!?|#+|--|;+|%+|^[ \t]*\*+)[ \t]*$/;
/** Comment closers to drop from the end of the reason. */
const COMMENT_CLOSER = /[ \t]*(?:\*\/|-->)[ \t]*$/;
/** `--` standing alone between ids and reason (rule ids may contain single dashes). */
const REASON_SEPARATOR = /(^|[ \t])--(?=[ \t]|$)/;
const ID_TOKEN = /[^\s,]+/g;

/**
 * Finds `comprehension-ignore <rule-id>[, <rule-id>...] -- <reason>` comments in any language.
 * A suppression without a reason still suppresses (and is reported); ids without a `/` after the
 * first one, when there is no `--`, are taken as a reason missing its separator.
 */
export function parseSuppressions(text: string, lines: LineIndex, options: ParseSuppressionsOptions = {}): SuppressionSet {
  // Built on the first suppression: most files have none, and a set of every rule id per file was most of their cost.
  let known: Set<string> | undefined;
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  let lastLine = -1;
  for (let at = text.indexOf(SUPPRESSION_MARKER); at >= 0; at = text.indexOf(SUPPRESSION_MARKER, at + SUPPRESSION_MARKER.length)) {
    const line = lines.positionAt(at).line;
    if (line === lastLine) continue;
    lastLine = line;
    const suppression = parseLine(lines, line);
    if (!suppression) continue;
    const unreviewed = options.unreviewedAiBlock?.(line);
    if (unreviewed !== undefined) {
      problems.push({
        ruleId: SUPPRESSION_UNREVIEWED_RULE_ID,
        severity: 'warning',
        start: suppression.start,
        end: suppression.end,
        message: 'Written in an AI block nobody has vouched for yet (no comprehension note explains it, or the sign-off the policy asks for is missing): an assistant silencing its own finding is no review, so this suppresses nothing. Explain the block, and the suppression counts.',
        ...(unreviewed.blockId !== undefined ? { blockId: unreviewed.blockId } : {}),
      });
      continue;
    }
    if (known === undefined && options.knownRuleIds) known = new Set(options.knownRuleIds);
    suppressions.push(suppression);
    problems.push(...problemsOf(suppression, known));
  }
  return createSet(suppressions, problems, known);
}

function parseLine(lines: LineIndex, line: number): Suppression | undefined {
  const lineText = lines.lineText(line);
  const lineStart = lines.lineStart(line);
  for (let at = lineText.indexOf(SUPPRESSION_MARKER); at >= 0; at = lineText.indexOf(SUPPRESSION_MARKER, at + 1)) {
    const after = lineText.charAt(at + SUPPRESSION_MARKER.length);
    if (/[\w-]/.test(after)) continue;
    const starter = COMMENT_STARTER_BEFORE_MARKER.exec(lineText.slice(0, at));
    if (starter === null || insideQuotedText(lineText, starter.index)) continue;

    const restStart = at + SUPPRESSION_MARKER.length;
    const rest = lineText.slice(restStart).replace(COMMENT_CLOSER, '');
    const separator = REASON_SEPARATOR.exec(rest);
    const idsText = separator ? rest.slice(0, separator.index) : rest;
    let reason = separator ? rest.slice(separator.index + separator[0].length).trim() : '';

    const ruleIds: SuppressedRuleId[] = [];
    for (const token of idsText.matchAll(ID_TOKEN)) {
      const start = lineStart + restStart + (token.index ?? 0);
      // Without `--`, prose after the ids ("... because the fixture needs it") is a misplaced reason.
      if (!separator && ruleIds.length > 0 && !token[0].includes('/')) {
        reason = '';
        break;
      }
      ruleIds.push({ id: token[0], start, end: start + token[0].length });
    }
    return { line, ruleIds, reason, start: lineStart + at, end: lineStart + restStart + rest.trimEnd().length };
  }
  return undefined;
}

/**
 * True when `end` of `line` falls inside a string or code span opened on the line (`"…`, `'…`,
 * `` `… ``): a test fixture's `'// comprehension-ignore …'` or a README's inline code showing the
 * syntax is text, not a comment. An apostrophe inside a word (`it's`) opens nothing. A string
 * opened on an earlier line is not seen.
 */
function insideQuotedText(line: string, end: number): boolean {
  let quote: string | undefined;
  for (let index = 0; index < end; index++) {
    const char = line[index];
    if (quote !== undefined) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === '`' || (char === "'" && !/\w/.test(line[index - 1] ?? ''))) {
      quote = char;
    }
  }
  return quote !== undefined;
}

function problemsOf(suppression: Suppression, known: ReadonlySet<string> | undefined): SuppressionProblem[] {
  const problems: SuppressionProblem[] = [];
  const { start, end } = suppression;
  if (suppression.ruleIds.length === 0) {
    problems.push({
      ruleId: SUPPRESSION_UNKNOWN_RULE_ID,
      severity: 'warning',
      start,
      end,
      message: `Name the rule to ignore: ${SUPPRESSION_MARKER} <rule-id> -- <reason>`,
    });
    return problems;
  }
  if (suppression.reason.length === 0) {
    problems.push({
      ruleId: SUPPRESSION_REASON_RULE_ID,
      severity: 'warning',
      start,
      end,
      message: `Explain why: ${SUPPRESSION_MARKER} ${suppression.ruleIds.map((rule) => rule.id).join(', ')} -- <reason>`,
    });
  }
  if (known) {
    for (const rule of suppression.ruleIds) {
      if (known.has(rule.id)) continue;
      problems.push({
        ruleId: SUPPRESSION_UNKNOWN_RULE_ID,
        severity: 'warning',
        start: rule.start,
        end: rule.end,
        message: `Unknown rule "${rule.id}" in ${SUPPRESSION_MARKER}; it suppresses nothing.${didYouMean(rule.id, known)}`,
      });
    }
  }
  return problems;
}

function createSet(suppressions: Suppression[], problems: SuppressionProblem[], known: ReadonlySet<string> | undefined): SuppressionSet {
  // Keyed by covered line; `used` is indexed like each suppression's ruleIds.
  const byLine = new Map<number, { suppression: Suppression; used: boolean[] }[]>();
  const states = suppressions.map((suppression) => ({ suppression, used: suppression.ruleIds.map(() => false) }));
  for (const state of states) {
    for (const covered of [state.suppression.line, state.suppression.line + 1]) {
      const list = byLine.get(covered);
      if (list) list.push(state);
      else byLine.set(covered, [state]);
    }
  }
  return {
    suppressions,
    problems,
    isSuppressed(ruleId: string, zeroBasedLine: number): boolean {
      let suppressed = false;
      for (const state of byLine.get(zeroBasedLine) ?? []) {
        state.suppression.ruleIds.forEach((rule, index) => {
          if (rule.id === ruleId) {
            state.used[index] = true;
            suppressed = true;
          }
        });
      }
      return suppressed;
    },
    unusedProblems(ranRuleIds?: ReadonlySet<string>): SuppressionProblem[] {
      const unused: SuppressionProblem[] = [];
      for (const state of states) {
        state.suppression.ruleIds.forEach((rule, index) => {
          // Unknown ids were reported already; saying they silenced nothing too would be noise.
          if (state.used[index] || (ranRuleIds && !ranRuleIds.has(rule.id)) || (known && !known.has(rule.id))) return;
          unused.push({
            ruleId: SUPPRESSION_UNUSED_RULE_ID,
            severity: 'info',
            start: rule.start,
            end: rule.end,
            message: `This ${SUPPRESSION_MARKER} for "${rule.id}" silenced nothing on its line or the next; remove it if the finding is gone.`,
          });
        });
      }
      return unused;
    },
  };
}
