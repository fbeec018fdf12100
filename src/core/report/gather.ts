import { basename, join } from 'node:path';
import { loadWorkspaceBlocks, noteReader, runCheck } from '../check/check-run';
import { type BaselineIndex, filterNew } from '../check/baseline';
import { FILE_NOT_CHECKED_RULE_ID } from '../check/engine';
import type { Finding } from '../check/findings';
import type { LocatedFinding } from '../check/sarif';
import { git, listUntrackedFiles, parseNumstat } from '../workspace/git';
import { isDataPath } from '../workspace/layout';
import { assessBlockNote, NOTE_RULE_IDS } from '../notes/diagnostics';
import { dayKeyOf } from '../practice/calendar';
import type { Block } from '../provenance/block';
import { countLines, LineIndex } from '../text/line-index';
import { listWorkspaceFiles, readWorkspaceTextFile } from '../workspace/files';
import type { PolicyWorkspace } from '../workspace/policy-workspace';
import { blockContentHash } from '../notes/content-hash';
import type { BlockNoteState } from '../notes/assess';
import { compileGlobs } from '../policy/paths';
import { type AuditCandidate, type AuditProblem, readAuditFiles } from './audit';
import { gatherNoteHistory } from './note-history';
import { type PracticeDayTotal, type PracticeDrillTotal, practiceInput } from './practice';
import type { ReportBlockInput, ReportFileInput, ReportFindingInput, ReportInputs } from './scorecard';
import { identityOf, isCriticalPathRow } from './team';
import { loadGrammarsForPaths } from '../languages/tree-sitter';

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
  /** Finished debugging drills (`parsePracticeDrills` or `practiceDrillsOfHistory`); the practice section shows their figures. */
  drills?: readonly PracticeDrillTotal[];
  /** Now (epoch ms), for tests. */
  now?: number;
  /** Check the files in worker threads only (a server's main thread must stay free to answer). */
  checkOffMainThread?: boolean;
}

/** The inputs, and what the reader should know about them. */
export interface GatheredInputs {
  inputs: ReportInputs;
  warnings: string[];
  /** The figures before the AI share's cap: git's added lines (undefined outside git) and the lines of the period's AI blocks. */
  raw: { gitAddedLines: number | undefined; aiBlockLines: number };
  /** Problems of audit files, which are left out of the figures until fixed (the CLI fails on them). */
  auditProblems: AuditProblem[];
}

/**
 * Start of a period of `periodDays` days ending today (UTC): midnight UTC of its first day, the
 * same instant `comprehension report --since YYYY-MM-DD` gives for that day.
 */
export function periodStart(periodDays: number, now: number): number {
  const days = Math.max(1, Math.floor(periodDays));
  return Date.parse(`${dayKeyOf(now - (days - 1) * DAY_MS, 'UTC')}T00:00:00Z`);
}

/** The findings the baseline does not cover (all of them without a baseline), as the gate judges them. */
function freshFindings(located: readonly LocatedFinding[], baseline: BaselineIndex | undefined): Set<Finding> {
  const byPath = new Map<string, Finding[]>();
  for (const { path, finding } of located) {
    const list = byPath.get(path) ?? [];
    list.push(finding);
    byPath.set(path, list);
  }
  const fresh = new Set<Finding>();
  for (const [path, list] of byPath) {
    const unchecked = list.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID);
    const rest = list.filter((finding) => finding.ruleId !== FILE_NOT_CHECKED_RULE_ID);
    for (const finding of [...unchecked, ...(baseline ? filterNew(rest, path, baseline) : rest)]) fresh.add(finding);
  }
  return fresh;
}

/** Reads a file for the report: its text when it is text and within {@link REPORT_MAX_FILE_BYTES}, else why not. */
async function readReportText(absolute: string, root: string): Promise<{ kind: 'text'; text: string } | { kind: 'gone' | 'binary' | 'too-large' } | { kind: 'refused'; reason: string }> {
  const file = await readWorkspaceTextFile(absolute, { maxFileSizeBytes: REPORT_MAX_FILE_BYTES, root });
  if (file.kind === 'text' || file.kind === 'binary') return file;
  if (file.kind === 'too-large') return { kind: 'too-large' };
  if (file.kind === 'missing') return { kind: 'gone' };
  return { kind: 'refused', reason: file.reason };
}

/** The notes of a workspace's AI blocks as the report reads them (see {@link assessWorkspaceNotes}). */
export interface AssessedWorkspaceNotes {
  /** Per file with AI blocks: the report's block inputs (with the file's critical-path globs). */
  files: Map<string, ReportFileInput>;
  /** The blocks kept (in their files, within their length). */
  blocksByPath: Map<string, Block[]>;
  /** Blocks whose note passes and is current: what a review audit picks from. */
  explained: AuditCandidate[];
  warnings: string[];
}

/**
 * The signers of the note's sign-offs that signed the block's current content. Every current
 * signer counts, not only the one the gate accepts (`state.signOff.valid`): the bus factor asks who
 * has read and understood this code, not who may approve it (a reviewer outside CODEOWNERS, or a
 * sign-off where the policy asks none, still knows the code).
 */
function currentSigners(state: BlockNoteState): string[] {
  const hash = blockContentHash(state.blockText);
  const signers = (state.status.note?.frontMatter?.signOffs ?? []).filter((signOff) => signOff.contentHash === hash).map((signOff) => signOff.by);
  if (state.signOff.valid) signers.push(state.signOff.valid.by);
  return signers.flatMap((by) => identityOf(by) ?? []);
}

/** Who understands a block now: the author of its passing, current note and the signers of current sign-offs. */
function peopleOf(state: BlockNoteState): string[] {
  const people = new Set(currentSigners(state));
  const author = state.status.kind === 'explained' ? identityOf(state.status.note?.frontMatter?.author) : undefined;
  if (author !== undefined) people.add(author);
  return [...people].sort();
}

/**
 * Assesses the note of every AI block recorded now (core's one assessment, `assessBlockNote`), for
 * the scorecard and for picking audit notes. Blocks of files that cannot be read as text, or that
 * lie past the end of their file, are left out with a warning.
 */
export async function assessWorkspaceNotes(workspace: PolicyWorkspace): Promise<AssessedWorkspaceNotes> {
  const root = workspace.root;
  const policy = workspace.policyState.current;
  const warnings: string[] = [];
  const explained: AuditCandidate[] = [];
  // One predicate per critical path: the glob itself with the policy's exclusions, as `isCritical` applies them.
  const exclusions = policy.criticalPaths.filter((glob) => glob.startsWith('!'));
  const criticalGlobs = policy.criticalPaths.filter(isCriticalPathRow).map((glob) => ({ glob, matches: compileGlobs([glob, ...exclusions]) }));
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
    await loadGrammarsForPaths([path]);
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
      const people = peopleOf(assessment);
      const refused = assessment.status.kind === 'draft' ? [...new Set((assessment.status.quality?.problems ?? []).map((problem) => problem.code))].sort() : undefined;
      reportBlocks.push({
        id: block.id,
        lines: block.endLine - block.startLine + 1,
        needsNote: assessment.requirement.required,
        noteStatus: assessment.status.kind,
        source: block.source,
        ...(people.length > 0 ? { people } : {}),
        ...(refused !== undefined ? { noteProblems: refused } : {}),
      });
      if (assessment.status.kind === 'explained') {
        const author = assessment.status.note?.frontMatter?.author;
        explained.push({ blockId: block.id, file: path, startLine: block.startLine, endLine: block.endLine, ...(author ? { author } : {}) });
      }
      kept.push(block);
    }
    blocksByPath.set(path, kept);
    const criticalPaths = criticalGlobs.filter((critical) => critical.matches(path)).map((critical) => critical.glob);
    files.set(path, { path, blocks: reportBlocks, lineCount, ...(criticalPaths.length > 0 ? { criticalPaths } : {}) });
  }
  return { files, blocksByPath, explained, warnings };
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
 * - practice: minutes per day, breaches and the current streak, when days are given;
 * - team: per block who understands it now (authors of passing, current notes; signers of current
 *   sign-offs), the refused notes' problem codes, the audit files, and git's history of the notes folder.
 */
export async function gatherReportInputs(workspace: PolicyWorkspace, options: GatherOptions = {}): Promise<GatheredInputs> {
  const root = workspace.root;
  const now = options.now ?? Date.now();
  const policy = workspace.policyState.current;
  const warnings: string[] = [];

  const assessed = await assessWorkspaceNotes(workspace);
  warnings.push(...assessed.warnings);
  const { blocksByPath, files } = assessed;

  // Baselined findings too: a baseline hides a live secret from the gate, not from the exposure count.
  const check = await runCheck(workspace, {
    maxFileSizeBytes: REPORT_MAX_FILE_BYTES,
    maxParseLength: REPORT_MAX_FILE_BYTES,
    includeBaselined: true,
    offMainThread: options.checkOffMainThread,
  });
  if (check.gitFallback) warnings.push(check.gitFallback);
  const fresh = freshFindings(check.findings, workspace.baselineIndex);
  const findings: ReportFindingInput[] = [];
  for (const { path, finding } of check.findings) {
    if (isNoteRuleFinding(finding.ruleId)) continue;
    const insideAiBlock = overlapsAnyBlock(blocksByPath.get(path) ?? [], finding.startPosition.line + 1, finding.endPosition.line + 1);
    findings.push({ ruleId: finding.ruleId, severity: finding.severity, insideAiBlock, path, ...(fresh.has(finding) ? {} : { baselined: true }) });
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
    repository: basename(root),
    criticalPaths: policy.criticalPaths.filter(isCriticalPathRow),
    signOffsCounted: true,
  };
  const audits = await readAuditFiles(root);
  if (audits.audits.length > 0) inputs.audits = audits.audits;
  const noteHistory = await gatherNoteHistory(root, options.since);
  if (noteHistory !== undefined) inputs.noteHistory = noteHistory;
  if (options.practice !== undefined || options.drills !== undefined) {
    inputs.practice = practiceInput(options.practice ?? [], { from, to }, policy.practice.dailyMinimumMinutes, now, options.drills);
  }
  return { inputs, warnings, raw: { gitAddedLines: gitAdded, aiBlockLines }, auditProblems: audits.problems };
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

export {
  type PracticeDayTotal,
  type PracticeDrillTotal,
  parsePracticeDrills,
  parsePracticeExport,
  practiceDaysOfHistory,
  practiceDrillsOfHistory,
  practiceInput,
} from './practice';
export { scorecardOf } from './scorecard';
