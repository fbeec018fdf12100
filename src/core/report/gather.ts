import { basename, join } from 'node:path';
import { loadWorkspaceBlocks, noteReader, runCheck } from '../check/check-run';
import { git, listUntrackedFiles, parseNumstat } from '../workspace/git';
import { isDataPath } from '../workspace/layout';
import { assessBlockNote, NOTE_RULE_IDS } from '../notes/diagnostics';
import { dayKeyOf } from '../practice/calendar';
import type { Block } from '../provenance/block';
import { countLines, LineIndex } from '../text/line-index';
import { listWorkspaceFiles, readWorkspaceTextFile } from '../workspace/files';
import type { PolicyWorkspace } from '../workspace/policy-workspace';
import { type PracticeDayTotal, practiceInput } from './practice';
import type { ReportBlockInput, ReportFileInput, ReportFindingInput, ReportInputs } from './scorecard';

/**
 * The one gatherer of the balanced scorecard's inputs for a workspace folder: AI blocks from the
 * provenance records and their notes, findings of the policy check, changed lines from git, and
 * practice figures from the practice history. `comprehension report` and the editor's Show Report
 * (through the language server) both call it, so their numbers are the same by construction.
 *
 * The decisions the two used to take differently, taken once here:
 * - a finding is inside an AI block when its span overlaps the block (a finding that starts on the
 *   line above a block but covers its code is about that code);
 * - the comprehension rules' own findings (missing or stale notes) are left out of the findings
 *   section: the notes section already counts them, and they would all sit inside AI blocks;
 * - findings come from the whole tree, as `comprehension check` finds them, not from the documents
 *   an editor happens to have open;
 * - AI lines over git's changed lines are capped at 100% of changed lines (git's count is the
 *   measured one; blocks marked over older code are the usual cause), with the raw figures kept in
 *   {@link GatheredInputs.raw} and a warning;
 * - practice figures are present whenever practice days are given (the CLI's `--practice` file, the
 *   editor's own history through `practiceDaysOfHistory`, the days its export would hold);
 * - one size limit, {@link REPORT_MAX_FILE_BYTES}, for every file read: checked, counted (tracked or
 *   untracked) or holding AI blocks.
 */

/** Files larger than this are neither checked nor counted (the `check` command's default limit). */
export const REPORT_MAX_FILE_BYTES = 1024 * 1024;

const DAY_MS = 86_400_000;

/** Options of {@link gatherReportInputs}. */
export interface GatherOptions {
  /** Start of the period (epoch ms); the whole history when absent. */
  since?: number;
  /** Practice days (from `parsePracticeExport` or `practiceDaysOfHistory` in ./practice), when there are any to show. */
  practice?: readonly PracticeDayTotal[];
  /** Now (epoch ms), for tests. */
  now?: number;
}

/** The inputs, and what the reader should know about them. */
export interface GatheredInputs {
  inputs: ReportInputs;
  warnings: string[];
  /** The figures before the AI share's cap: git's added lines (undefined outside git) and the lines of the period's AI blocks. */
  raw: { gitAddedLines: number | undefined; aiBlockLines: number };
}

/**
 * Start of a period of `periodDays` days ending today (UTC): midnight UTC of its first day, the
 * same instant `comprehension report --since YYYY-MM-DD` gives for that day.
 */
export function periodStart(periodDays: number, now: number): number {
  const days = Math.max(1, Math.floor(periodDays));
  return Date.parse(`${dayKeyOf(now - (days - 1) * DAY_MS, 'UTC')}T00:00:00Z`);
}

/** Reads a file for the report: its text when it is text and within {@link REPORT_MAX_FILE_BYTES}, else why not. */
async function readReportText(absolute: string, root: string): Promise<{ kind: 'text'; text: string } | { kind: 'gone' | 'binary' | 'too-large' } | { kind: 'refused'; reason: string }> {
  const file = await readWorkspaceTextFile(absolute, { maxFileSizeBytes: REPORT_MAX_FILE_BYTES, root });
  if (file.kind === 'text' || file.kind === 'binary') return file;
  if (file.kind === 'too-large') return { kind: 'too-large' };
  if (file.kind === 'missing') return { kind: 'gone' };
  return { kind: 'refused', reason: file.reason };
}

/**
 * Reads everything the scorecard needs:
 * - blocks: every AI block recorded now (lost ones left out), whatever its age; per block whether
 *   the policy asks a note and the note's status against the block's current code;
 * - findings: the same check as `comprehension check` (custom rules only when the workspace is
 *   trusted), each marked inside or outside AI blocks, note-rule findings left out;
 * - changed lines: lines added in commits of the period (`git log --numstat`) plus uncommitted
 *   ones (tracked changes and untracked files), outside `.comprehension/` and the policy's ignore
 *   globs; AI lines: lines of the blocks created in the period;
 * - practice: minutes per day, breaches and the current streak, when days are given.
 */
export async function gatherReportInputs(workspace: PolicyWorkspace, options: GatherOptions = {}): Promise<GatheredInputs> {
  const root = workspace.root;
  const now = options.now ?? Date.now();
  const policy = workspace.policyState.current;
  const warnings: string[] = [];

  const { byPath, problems } = await loadWorkspaceBlocks(root);
  for (const problem of problems) warnings.push(`provenance record skipped: ${problem.message}`);
  const readNote = noteReader(root);
  const blocksByPath = new Map<string, Block[]>();
  const files = new Map<string, ReportFileInput>();
  for (const [path, blocks] of byPath) {
    const read = await readReportText(join(root, path), root);
    if (read.kind !== 'text') {
      const why = read.kind === 'too-large' ? `the file is larger than ${REPORT_MAX_FILE_BYTES / 1024} KiB` : read.kind === 'refused' ? read.reason : `the file is ${read.kind}`;
      warnings.push(`${path}: ${blocks.length} AI block(s) left out: ${why}`);
      continue;
    }
    const lines = new LineIndex(read.text);
    const lineCount = countLines(read.text);
    const inCriticalPath = workspace.isCritical(path);
    const reportBlocks: ReportBlockInput[] = [];
    const kept: Block[] = [];
    for (const block of blocks) {
      if (block.endLine > lineCount) {
        warnings.push(`${path}: AI block ${block.id} (lines ${block.startLine}-${block.endLine}) is past the end of the file; left out`);
        continue;
      }
      const assessment = assessBlockNote({ path, text: read.text, lines, block, noteText: readNote(block.id), policy, inCriticalPath });
      reportBlocks.push({ id: block.id, lines: block.endLine - block.startLine + 1, needsNote: assessment.requirement.required, noteStatus: assessment.status.kind, source: block.source });
      kept.push(block);
    }
    blocksByPath.set(path, kept);
    files.set(path, { path, blocks: reportBlocks, lineCount });
  }

  const check = await runCheck(workspace, { maxFileSizeBytes: REPORT_MAX_FILE_BYTES, maxParseLength: REPORT_MAX_FILE_BYTES });
  const findings: ReportFindingInput[] = [];
  for (const { path, finding } of check.findings) {
    if (isNoteRuleFinding(finding.ruleId)) continue;
    const insideAiBlock = overlapsAnyBlock(blocksByPath.get(path) ?? [], finding.startPosition.line + 1, finding.endPosition.line + 1);
    findings.push({ ruleId: finding.ruleId, severity: finding.severity, insideAiBlock, path });
  }

  // Every file's length, so findings can be compared per 1,000 lines inside and outside AI blocks.
  const listing = await listWorkspaceFiles(root, { respectGitignore: policy.respectGitignore, isIgnored: (path) => workspace.isIgnored(path), maxFileSizeBytes: REPORT_MAX_FILE_BYTES });
  const fileLines = new Map<string, number>();
  for (const path of listing.files) {
    if (isDataPath(path)) continue;
    const known = files.get(path)?.lineCount;
    if (known !== undefined) {
      fileLines.set(path, known);
      continue;
    }
    const read = await readReportText(join(root, path), root);
    if (read.kind === 'text') fileLines.set(path, countLines(read.text));
  }
  for (const [path, lineCount] of fileLines) if (!files.has(path)) files.set(path, { path, blocks: [], lineCount });

  const countable = (path: string): boolean => !isDataPath(path) && !workspace.isIgnored(path);
  const gitAdded = await gitAddedLines(root, options.since, countable);
  let total: number;
  if (gitAdded === undefined) {
    total = [...fileLines.values()].reduce((sum, count) => sum + count, 0);
    warnings.push('not a git repository: every line of the workspace counts as changed');
  } else total = gitAdded;
  let aiBlockLines = 0;
  let earliestBlock: number | undefined;
  for (const blocks of blocksByPath.values()) {
    for (const block of blocks) {
      const created = Date.parse(block.createdAt);
      if (Number.isFinite(created)) earliestBlock = Math.min(earliestBlock ?? created, created);
      if (options.since === undefined || (Number.isFinite(created) && created >= options.since)) aiBlockLines += block.endLine - block.startLine + 1;
    }
  }
  const changedLines = capAiLines(total, aiBlockLines);
  if (changedLines.ai < aiBlockLines) {
    warnings.push(`AI blocks created in the period span ${aiBlockLines} lines but git shows ${total} changed lines (blocks marked over older code?); the AI share is capped at 100%`);
  }

  const to = dayKeyOf(now, 'UTC');
  let from: string;
  if (options.since !== undefined) from = dayKeyOf(options.since, 'UTC');
  else {
    const firstCommit = await gitFirstCommitTime(root);
    const earliest = Math.min(firstCommit ?? now, earliestBlock ?? now, now);
    from = dayKeyOf(earliest, 'UTC');
  }

  const inputs: ReportInputs = {
    title: `Comprehension scorecard — ${basename(root)}`,
    period: { from, to },
    generatedAt: new Date(now).toISOString(),
    policyLevel: policy.level,
    files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    findings,
    changedLines,
  };
  if (options.practice !== undefined) {
    inputs.practice = practiceInput(options.practice, { from, to }, policy.practice.dailyMinimumMinutes, now);
  }
  return { inputs, warnings, raw: { gitAddedLines: gitAdded, aiBlockLines } };
}

/** Whether a rule id is one of the comprehension rules' own (missing or stale note): the notes section counts those. */
export function isNoteRuleFinding(ruleId: string): boolean {
  return NOTE_RULE_IDS.includes(ruleId);
}

/** Whether a finding spanning lines `start..end` (1-based inclusive) overlaps any of the blocks. */
export function overlapsAnyBlock(blocks: readonly { startLine: number; endLine: number }[], start: number, end: number): boolean {
  return blocks.some((block) => block.startLine <= end && block.endLine >= start);
}

/** The period's changed lines: git's count stands; AI lines never exceed it (the share is at most 100%). */
export function capAiLines(total: number, aiBlockLines: number): { total: number; ai: number } {
  return { total, ai: Math.min(aiBlockLines, total) };
}

function runGit(root: string, args: readonly string[]): Promise<string | undefined> {
  return git(root, args).catch(() => undefined);
}

/** Sum of added lines in `--numstat` output, for countable paths; binary files (`-`) add nothing. */
export function sumNumstat(output: string, countable: (path: string) => boolean): number {
  let sum = 0;
  for (const entry of parseNumstat(output)) if (entry.added !== undefined && countable(entry.path)) sum += entry.added;
  return sum;
}

/**
 * Lines added since `since` (the whole history when absent) under `root`: committed (`git log
 * --numstat`, merges excluded as git does by default), plus uncommitted changes to tracked files and
 * untracked files within the size limit. Undefined outside a git repository.
 */
export async function gitAddedLines(root: string, since: number | undefined, countable: (path: string) => boolean): Promise<number | undefined> {
  if ((await runGit(root, ['rev-parse', '--is-inside-work-tree'])) === undefined) return undefined;
  let total = 0;
  const hasHead = (await runGit(root, ['rev-parse', '--verify', '-q', 'HEAD'])) !== undefined;
  if (hasHead) {
    const args = ['log', '--numstat', '--format=', '--no-renames', '--relative'];
    if (since !== undefined) args.push(`--since=@${Math.floor(since / 1000)}`);
    total += sumNumstat((await runGit(root, args)) ?? '', countable);
    total += sumNumstat((await runGit(root, ['diff', 'HEAD', '--numstat', '--no-renames', '--relative'])) ?? '', countable);
  } else {
    total += sumNumstat((await runGit(root, ['diff', '--cached', '--numstat', '--relative'])) ?? '', countable);
  }
  const untracked = (await listUntrackedFiles(root).catch(() => [])).filter(countable);
  for (const path of untracked) {
    const read = await readReportText(join(root, path), root);
    if (read.kind === 'text') total += countLines(read.text);
  }
  return total;
}

async function gitFirstCommitTime(root: string): Promise<number | undefined> {
  const out = await runGit(root, ['log', '--reverse', '--format=%ct', '--max-parents=0']);
  const first = out?.split('\n').find((line) => line.trim() !== '');
  return first ? Number(first) * 1000 : undefined;
}

export { type PracticeDayTotal, parsePracticeExport, practiceDaysOfHistory, practiceInput } from './practice';
export { scorecardOf } from './scorecard';
