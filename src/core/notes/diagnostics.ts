import type { RuleFinding, Severity } from '../check/findings';
import { raiseSeverity, severityAtLeast } from '../check/findings';
import type { Policy } from '../policy/policy';
import type { LineIndex } from '../text/line-index';
import type { BlockNoteState } from './assess';
import type { NoteProblemCode } from './quality';
import type { NoteStatus } from './status';

/** The assessment lives in ./assess; re-exported for the check pipeline's callers. */
export { assessBlockNote, assessFileNotes, type BlockNoteState, vouchedFor } from './assess';

/** Rule ids of the comprehension findings (shown like any policy rule, suppressible the same way). */
export const MISSING_NOTE_RULE_ID = 'comprehension/missing-note';
export const STALE_NOTE_RULE_ID = 'comprehension/stale-note';
export const AI_IN_CRITICAL_PATH_RULE_ID = 'comprehension/ai-in-critical-path';
export const UNREVIEWED_AI_BLOCK_RULE_ID = 'comprehension/unreviewed-ai-block';
export const NOTE_RULE_IDS: readonly string[] = [MISSING_NOTE_RULE_ID, STALE_NOTE_RULE_ID, AI_IN_CRITICAL_PATH_RULE_ID, UNREVIEWED_AI_BLOCK_RULE_ID];

/** The editor command that signs a block off (its title, for messages that name it). */
export const REVIEW_COMMAND_TITLE = 'Comprehension: Review and Sign Off AI Block';

/** Rationale shown on hover for the comprehension rules. */
export const NOTE_RULE_RATIONALE: Record<string, { summary: string; rationale: string }> = {
  [MISSING_NOTE_RULE_ID]: {
    summary: 'AI block without a passing comprehension note',
    rationale:
      'In a randomized trial, developers who delegated to AI scored 50% on comprehension against 67% for hand-coders, ' +
      'with the largest gap on debugging. A short note — what the code does, why it is designed this way, how it fails, ' +
      'how it is observed — is the "generate, then comprehend" habit that scored well. Write it in your own words.',
  },
  [STALE_NOTE_RULE_ID]: {
    summary: 'The AI block changed after its note was written',
    rationale: 'The note explains code that is no longer there. Check it is still true (the hover shows what changed), then mark it reviewed or update it.',
  },
  [AI_IN_CRITICAL_PATH_RULE_ID]: {
    summary: 'AI-written code in a critical path (policy level 0)',
    rationale: 'At level 0 ("orientation") AI is for explanations and navigation; AI code in critical paths is discouraged. Rewrite it by hand or raise the policy level.',
  },
  [UNREVIEWED_AI_BLOCK_RULE_ID]: {
    summary: 'AI block in a critical path without a valid reviewer sign-off',
    rationale:
      'In a critical path an AI block needs a second person: someone other than the note\'s author (and, where a CODEOWNERS file exists, ' +
      'an owner of the path) reads the note beside the code and signs it off with `comprehension review FILE:LINE` or the editor command ' +
      `"${REVIEW_COMMAND_TITLE}". The sign-off records the code it signed, so it no longer counts once the block changes. ` +
      'The levels that ask for it are the policy\'s `notes.signOffLevels`.',
  },
};

/** Blocks of at least this many lines, or older than this, get their note finding raised one step. */
const LARGE_BLOCK_LINES = 40;
const OLD_BLOCK_DAYS = 7;

/** A comprehension finding on a block, with its final severity. */
export interface NoteFinding {
  ruleId: string;
  severity: Severity;
  finding: RuleFinding;
  severityReasons: string[];
}

/**
 * The findings for a file's assessed blocks: a missing or failing note, a stale note, (level 0) AI
 * code in a critical path, and a block that needs a reviewer's sign-off and has no valid one.
 * Severity follows the level, raised in critical paths and for large or old blocks. Findings sit
 * on the block's first line and carry the block's id. A block whose note is missing or failing is
 * not also reported unreviewed: the note comes first, and a reviewer signs an explained note.
 */
export function noteFindings(
  assessments: readonly BlockNoteState[],
  options: { lines: LineIndex; inCriticalPath: boolean; now?: number; configured?: Readonly<Record<string, { severity?: Severity }>> },
): NoteFinding[] {
  const now = options.now ?? Date.now();
  /** The policy's severity for a rule (`rules.<id>` in the policy file), else the default. */
  const base = (ruleId: string, fallback: Severity): Severity => options.configured?.[ruleId]?.severity ?? fallback;
  const findings: NoteFinding[] = [];
  for (const { block, requirement, status, signOff } of assessments) {
    const line = block.startLine - 1;
    const lineText = options.lines.lineText(line);
    const indent = lineText.length - lineText.trimStart().length;
    const start = options.lines.lineStart(line) + indent;
    const end = options.lines.lineEnd(line);
    const span = `lines ${block.startLine}–${block.endLine}`;
    const unreviewed = (): void => {
      if (!signOff?.required || signOff.valid) return;
      const severity = base(UNREVIEWED_AI_BLOCK_RULE_ID, 'error');
      if (severity === 'off') return;
      const message =
        `AI block (${span}) in a critical path has no valid sign-off: ${signOff.problem ?? 'nobody has signed it off yet'}. ` +
        `It needs a sign-off by ${signOff.whoMaySign ?? 'someone other than the note\'s author'}: \`${signOff.reviewCommand ?? 'comprehension review FILE:LINE'}\` ` +
        `or "${REVIEW_COMMAND_TITLE}".`;
      findings.push({ ruleId: UNREVIEWED_AI_BLOCK_RULE_ID, severity, severityReasons: [], finding: { start, end, blockId: block.id, message } });
    };
    const reasons: string[] = [];
    // Level 1 lets AI draft code on condition of a note, so an unexplained block fails the gate;
    // level 2 asks for notes only in critical paths (noteRequirement), where the same holds.
    let severity: Severity = base(MISSING_NOTE_RULE_ID, 'error');
    /** Raises one step and says why, only when that changed something (error is the top). */
    const raise = (reason: string): void => {
      const raised = raiseSeverity(severity);
      if (raised === severity) return;
      severity = raised;
      reasons.push(reason);
    };
    if (options.inCriticalPath) raise('raised: file is in a critical path');
    const size = block.endLine - block.startLine + 1;
    const ageDays = (now - Date.parse(block.createdAt)) / 86_400_000;
    if (size >= LARGE_BLOCK_LINES || ageDays >= OLD_BLOCK_DAYS) {
      raise(size >= LARGE_BLOCK_LINES ? `raised: ${size}-line block` : `raised: block is ${Math.floor(ageDays)} days old`);
    }
    if (requirement.flagOnly) {
      findings.push({
        ruleId: AI_IN_CRITICAL_PATH_RULE_ID,
        severity: base(AI_IN_CRITICAL_PATH_RULE_ID, 'warning'),
        severityReasons: [],
        finding: { start, end, blockId: block.id, message: `AI-written code in a critical path (${span}): ${requirement.reason}` },
      });
      unreviewed();
      continue;
    }
    // A note that was never answered does not become "stale" and slip past the gate when the code
    // (or a hand-edited contentHash) differs: an unanswered template explains nothing.
    if (status.kind === 'stale' && !neverAnswered(status)) {
      findings.push({
        ruleId: STALE_NOTE_RULE_ID,
        severity: base(STALE_NOTE_RULE_ID, options.inCriticalPath ? 'warning' : 'info'),
        severityReasons: [],
        finding: { start, end, blockId: block.id, message: `This AI block (${span}) changed after its note was written: is the note still true?` },
      });
      unreviewed();
      continue;
    }
    if (!requirement.required || status.kind === 'explained' || severity === 'off') {
      unreviewed();
      continue;
    }
    const message =
      status.kind === 'none'
        ? `AI block (${span}, ${block.source}) has no comprehension note. ${requirement.reason}`
        : `The note for this AI block (${span}) does not pass its checks yet: ${status.quality?.problems.length ?? 0} problem(s) in the note file.`;
    findings.push({ ruleId: MISSING_NOTE_RULE_ID, severity, severityReasons: reasons, finding: { start, end, blockId: block.id, message } });
  }
  return findings;
}

/** Problems that say the note's answers were never written, whatever the code is now. */
const UNANSWERED_PROBLEMS: ReadonlySet<NoteProblemCode> = new Set<NoteProblemCode>(['invalid-note', 'missing-section', 'unanswered', 'too-short']);

function neverAnswered(status: NoteStatus): boolean {
  return status.quality?.problems.some((problem) => UNANSWERED_PROBLEMS.has(problem.code)) ?? false;
}

const HOUR_MS = 3_600_000;

/** Findings the editor shows as information while their block is fresh (`notes.editorGraceHours`). */
const GRACE_RULE_IDS: ReadonlySet<string> = new Set([MISSING_NOTE_RULE_ID, UNREVIEWED_AI_BLOCK_RULE_ID]);

/**
 * A note finding as the editor shows it. CI (`comprehension check`) always reports the engine's
 * severity; in the editor a missing note on a block younger than `notes.editorGraceHours` is shown
 * as information, because a red squiggle on every freshly accepted completion would punish the
 * author while the "Explain this AI block" CodeLens is already the prompt. After the grace the
 * editor shows the CI severity, so the author sees it before CI fails. A missing sign-off gets the
 * same grace: the author cannot sign their own block, and the reviewer comes after the note.
 * Other findings are returned unchanged; the reasons say what CI does with the finding.
 */
export function editorNoteFinding<F extends { ruleId: string; severity: Severity; severityReasons: string[] }>(
  finding: F,
  blockCreatedAt: string,
  now: number,
  policy: Pick<Policy, 'notes' | 'check'>,
): F {
  if (!GRACE_RULE_IDS.has(finding.ruleId) || finding.severity === 'off' || finding.severity === 'info') return finding;
  const ci = finding.severity;
  const failsCi = severityAtLeast(ci, policy.check.failOn);
  const ciText = failsCi ? `CI fails on this (${ci})` : `CI reports it as ${ci}`;
  const graceEnd = Date.parse(blockCreatedAt) + policy.notes.editorGraceHours * HOUR_MS;
  // An unreadable createdAt counts as old: the grace never hides a finding by accident.
  if (now < graceEnd) {
    const until = new Date(graceEnd).toISOString().slice(0, 16).replace('T', ' ');
    return { ...finding, severity: 'info', severityReasons: [...finding.severityReasons, `info in the editor until ${until} UTC; ${ciText}`] };
  }
  return { ...finding, severityReasons: [...finding.severityReasons, ciText] };
}
