import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadWorkspaceBlocks, noteReader, runCheck } from '../../core/check-run';
import { assessBlockNote, NOTE_RULE_IDS } from '../../core/notes/diagnostics';
import { dayKeyOf, isDayKey, isValidTimeZone } from '../../core/practice/calendar';
import { streaks } from '../../core/practice/goals';
import type { Block } from '../../core/provenance/block';
import type { ReportBlockInput, ReportFileInput, ReportFindingInput, ReportInputs, ReportPracticeInput } from '../../core/report/scorecard';
import { LineIndex } from '../../core/text';
import { listWorkspaceFiles } from '../../core/workspace-files';
import type { PolicyWorkspace } from '../../core/workspace';
import { codeLines, readMarkableText } from './record-lines';

/**
 * Gathers the balanced scorecard's inputs for a workspace: AI blocks from the provenance records
 * and their notes, findings of the policy check, changed lines from git, and practice figures from
 * an exported practice history.
 */

/** Files larger than this are neither checked nor counted (the `check` command's default). */
export const REPORT_MAX_FILE_BYTES = 1024 * 1024;

/** Options of {@link gatherReportInputs}. */
export interface GatherOptions {
  /** Start of the period (epoch ms); the whole history when absent. */
  since?: number;
  /** Days of the practice export (from {@link parsePracticeExport}), when given. */
  practice?: readonly PracticeDayTotal[];
  /** Now (epoch ms), for tests. */
  now?: number;
}

/** The inputs, and what the reader should know about them. */
export interface GatheredInputs {
  inputs: ReportInputs;
  warnings: string[];
}

/**
 * Reads everything the scorecard needs:
 * - blocks: every AI block recorded now (lost ones left out), whatever its age; per block whether
 *   the policy asks a note and the note's status against the block's current code;
 * - findings: the same check as `comprehension check`, each marked inside or outside AI blocks.
 *   The comprehension rules' own findings (missing or stale notes) are left out: the notes part of
 *   the scorecard already counts them, and they would all sit inside AI blocks;
 * - changed lines: lines added in commits of the period (`git log --numstat`) plus uncommitted
 *   ones (tracked changes and untracked files), outside `.comprehension/` and the policy's ignore
 *   globs; AI lines: lines of the blocks created in the period;
 * - practice: minutes per day, breaches and the current streak from the export.
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
    const read = await readMarkableText(join(root, path));
    if (read.kind !== 'text') {
      warnings.push(`${path}: ${blocks.length} AI block(s) left out: the file is ${read.kind === 'missing' ? 'gone' : read.kind}`);
      continue;
    }
    const lines = new LineIndex(read.text);
    const lineCount = codeLines(read.text).length;
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
    if (NOTE_RULE_IDS.includes(finding.ruleId)) continue;
    const start = finding.startPosition.line + 1;
    const end = finding.endPosition.line + 1;
    const insideAiBlock = (blocksByPath.get(path) ?? []).some((block) => block.startLine <= end && block.endLine >= start);
    findings.push({ ruleId: finding.ruleId, severity: finding.severity, insideAiBlock, path });
  }

  // Every file's length, so findings can be compared per 1,000 lines inside and outside AI blocks.
  const listing = await listWorkspaceFiles(root, { respectGitignore: policy.respectGitignore, isIgnored: (path) => workspace.isIgnored(path), maxFileSizeBytes: REPORT_MAX_FILE_BYTES });
  const fileLines = new Map<string, number>();
  for (const path of listing.files) {
    if (isOwnData(path)) continue;
    const known = files.get(path)?.lineCount;
    if (known !== undefined) {
      fileLines.set(path, known);
      continue;
    }
    const read = await readMarkableText(join(root, path)).catch(() => undefined);
    if (read?.kind === 'text') fileLines.set(path, codeLines(read.text).length);
  }
  for (const [path, lineCount] of fileLines) if (!files.has(path)) files.set(path, { path, blocks: [], lineCount });

  const countable = (path: string): boolean => !isOwnData(path) && !workspace.isIgnored(path);
  let total: number;
  const git = await gitAddedLines(root, options.since, countable);
  if (git === undefined) {
    total = [...fileLines.values()].reduce((sum, count) => sum + count, 0);
    warnings.push('not a git repository: every line of the workspace counts as changed');
  } else total = git;
  let ai = 0;
  let earliestBlock: number | undefined;
  for (const blocks of blocksByPath.values()) {
    for (const block of blocks) {
      const created = Date.parse(block.createdAt);
      if (Number.isFinite(created)) earliestBlock = Math.min(earliestBlock ?? created, created);
      if (options.since === undefined || (Number.isFinite(created) && created >= options.since)) ai += block.endLine - block.startLine + 1;
    }
  }
  if (ai > total) {
    warnings.push(`AI blocks created in the period span ${ai} lines but git shows ${total} changed lines (blocks marked over older code?); the AI share is capped at 100%`);
    ai = total;
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
    title: 'Comprehension scorecard',
    period: { from, to },
    generatedAt: new Date(now).toISOString(),
    policyLevel: policy.level,
    files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    findings,
    changedLines: { total, ai },
  };
  if (options.practice !== undefined) {
    inputs.practice = practiceInput(options.practice, { from, to }, policy.practice.dailyMinimumMinutes, now);
  }
  return { inputs, warnings };
}

/** The product's own data under `.comprehension/` is not code. */
function isOwnData(path: string): boolean {
  return path === '.comprehension' || path.startsWith('.comprehension/');
}

function runGit(root: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', windowsHide: true }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

/** Sum of added lines in `--numstat` output, for countable paths; binary files (`-`) add nothing. */
export function sumNumstat(output: string, countable: (path: string) => boolean): number {
  let sum = 0;
  for (const line of output.split('\n')) {
    const match = /^(\d+)\t(\d+|-)\t(.+)$/.exec(line);
    if (match && countable(match[3])) sum += Number(match[1]);
  }
  return sum;
}

/**
 * Lines added since `since` (the whole history when absent) under `root`: committed (`git log
 * --numstat`, merges excluded as git does by default), plus uncommitted changes to tracked files and
 * untracked files. Undefined outside a git repository.
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
  const untracked = ((await runGit(root, ['ls-files', '-z', '--others', '--exclude-standard'])) ?? '').split('\0').filter((path) => path !== '' && countable(path));
  for (const path of untracked) {
    const read = await readMarkableText(join(root, path)).catch(() => undefined);
    if (read?.kind === 'text') total += codeLines(read.text).length;
  }
  return total;
}

async function gitFirstCommitTime(root: string): Promise<number | undefined> {
  const out = await runGit(root, ['log', '--reverse', '--format=%ct', '--max-parents=0']);
  const first = out?.split('\n').find((line) => line.trim() !== '');
  return first ? Number(first) * 1000 : undefined;
}

/** One day of one practice session, whatever the file's format. */
export interface PracticeDayTotal {
  day: string;
  activeMs: number;
  breaches: number;
  timeZone?: string;
}

/**
 * Practice figures for the period. The streak is the current one (days meeting the policy's daily
 * minimum up to today), whatever the period.
 */
export function practiceInput(days: readonly PracticeDayTotal[], period: { from: string; to: string }, dailyMinimumMinutes: number, now: number): ReportPracticeInput {
  const timeZone = [...days].reverse().find((day) => day.timeZone && isValidTimeZone(day.timeZone))?.timeZone ?? 'UTC';
  const minutes = new Map<string, number>();
  let breaches = 0;
  for (const day of days) {
    if (day.day < period.from || day.day > period.to) continue;
    minutes.set(day.day, (minutes.get(day.day) ?? 0) + day.activeMs / 60_000);
    breaches += day.breaches;
  }
  const streak = streaks(
    days.map((day) => ({ day: day.day, activeMs: day.activeMs })),
    dailyMinimumMinutes,
    now,
    timeZone,
  );
  return {
    minutesPerDay: [...minutes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, total]) => ({ date, minutes: total })),
    streakDays: streak.current,
    breaches,
    dailyGoalMinutes: dailyMinimumMinutes,
  };
}

/**
 * The days of a practice history file: the extension's "Export Practice History" JSON
 * (`comprehension-practice-export`: days with `activeSeconds` and `aiBreaches`), or the history file
 * itself (`comprehension-practice-history`: days with `activeMs` and `breaches[]`). Throws an Error
 * with a readable message for anything else.
 */
export function parsePracticeExport(value: unknown): PracticeDayTotal[] {
  const fail = (why: string): never => {
    throw new Error(`not a practice history export: ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const file = value as { format?: unknown; sessions?: unknown };
  if (file.format !== 'comprehension-practice-export' && file.format !== 'comprehension-practice-history') {
    fail(`"format" is ${JSON.stringify(file.format)}, not "comprehension-practice-export"`);
  }
  if (!Array.isArray(file.sessions)) fail('no "sessions" list');
  const out: PracticeDayTotal[] = [];
  for (const session of file.sessions as unknown[]) {
    if (typeof session !== 'object' || session === null) continue;
    const { days, timeZone } = session as { days?: unknown; timeZone?: unknown };
    if (!Array.isArray(days)) continue;
    for (const day of days as unknown[]) {
      if (typeof day !== 'object' || day === null) continue;
      const entry = day as { day?: unknown; activeSeconds?: unknown; activeMs?: unknown; aiBreaches?: unknown; breaches?: unknown };
      if (typeof entry.day !== 'string' || !isDayKey(entry.day)) continue;
      const activeMs = typeof entry.activeSeconds === 'number' ? entry.activeSeconds * 1000 : typeof entry.activeMs === 'number' ? entry.activeMs : 0;
      const breaches = typeof entry.aiBreaches === 'number' ? entry.aiBreaches : Array.isArray(entry.breaches) ? entry.breaches.length : 0;
      if (!Number.isFinite(activeMs) || activeMs < 0 || !Number.isFinite(breaches) || breaches < 0) continue;
      out.push({ day: entry.day, activeMs, breaches, ...(typeof timeZone === 'string' ? { timeZone } : {}) });
    }
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** Reads and parses the practice file; a usage problem is thrown as an Error with the reason. */
export async function readPracticeFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}); export the practice history as JSON`);
  }
}

/** `YYYY-MM-DD` (start of that day, UTC) or an ISO 8601 date-time, as epoch ms; undefined when unreadable. */
export function parseSince(text: string): number | undefined {
  const trimmed = text.trim();
  if (isDayKey(trimmed)) {
    const time = Date.parse(`${trimmed}T00:00:00Z`);
    return Number.isFinite(time) && dayKeyOf(time, 'UTC') === trimmed ? time : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed)) return undefined;
  const time = Date.parse(trimmed);
  return Number.isFinite(time) ? time : undefined;
}
