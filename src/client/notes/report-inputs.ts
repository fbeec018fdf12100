/**
 * Turns what the extension knows (AI blocks with their note status, diagnostics, git's line
 * counts) into the scorecard's inputs. No `vscode` import.
 */
import type { ReportBlockInput, ReportFileInput, ReportFindingInput } from '../../core/report/scorecard';
import type { Severity } from '../../core/findings';
import type { BlockNoteState } from './assess';

/** Workspace data that is not code: notes, provenance records and the policy. */
const NOT_CODE = /^\.comprehension\//;

/**
 * Added lines in `git log --numstat` / `git diff --numstat` output, leaving out binary files
 * (`-`) and the `.comprehension/` folder. Renames (`a => b`) count by their added lines like any file.
 */
export function addedLinesFromNumstat(output: string): number {
  let added = 0;
  for (const line of output.split('\n')) {
    const match = /^(\d+|-)\t(\d+|-)\t(.+)$/.exec(line.trim());
    if (!match || match[1] === '-') continue;
    if (NOT_CODE.test(match[3].replace(/^\{?/, ''))) continue;
    added += Number(match[1]);
  }
  return added;
}

/** Lines of a text as an editor counts them (a final line break does not start a counted line). */
export function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /(\r\n|\r|\n)$/.test(text) ? breaks : breaks + 1;
}

/** One file of the report from the blocks' states. */
export function reportFile(path: string, lineCount: number | undefined, states: readonly BlockNoteState[]): ReportFileInput {
  const blocks: ReportBlockInput[] = states.map((state) => ({
    id: state.block.id,
    lines: Math.max(0, state.block.endLine - state.block.startLine + 1),
    needsNote: state.requirement.required,
    noteStatus: state.status.kind,
    source: state.block.source,
  }));
  return { path, blocks, ...(lineCount !== undefined ? { lineCount } : {}) };
}

/** A diagnostic as the report counts it. */
export interface DiagnosticLike {
  /** The rule id (the diagnostic's code). */
  code: string | number | { value: string | number } | undefined;
  /** VS Code's DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint. */
  severity: number;
  /** 0-based start line. */
  line: number;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'info'];

/** A finding of the report; inside an AI block when its first line lies in one (1-based inclusive ranges). */
export function reportFinding(path: string, diagnostic: DiagnosticLike, blocks: readonly { startLine: number; endLine: number }[]): ReportFindingInput {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  const line = diagnostic.line + 1;
  return {
    ruleId: code === undefined ? 'unknown' : String(code),
    severity: SEVERITIES[diagnostic.severity] ?? 'info',
    insideAiBlock: blocks.some((block) => block.startLine <= line && line <= block.endLine),
    path,
  };
}

/** AI lines of blocks inserted at or after `fromMs` (epoch ms): the AI part of the period's changed lines. */
export function aiLinesSince(states: readonly BlockNoteState[], fromMs: number): number {
  let lines = 0;
  for (const state of states) {
    const created = Date.parse(state.block.createdAt);
    if (Number.isFinite(created) && created < fromMs) continue;
    lines += Math.max(0, state.block.endLine - state.block.startLine + 1);
  }
  return lines;
}

/**
 * The period's changed lines: `total` from git when it answered, never below the AI lines (an AI
 * block not yet seen by git still changed lines); the AI lines alone when git did not answer.
 */
export function changedLines(gitAdded: number | undefined, aiLines: number): { total: number; ai: number } {
  return { total: Math.max(gitAdded ?? aiLines, aiLines), ai: aiLines };
}
