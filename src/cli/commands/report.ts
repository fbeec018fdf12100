import { join, resolve } from 'node:path';
import { formatPercent } from '../../core/report/format';
import { renderHtml } from '../../core/report/render-html';
import { renderJson } from '../../core/report/render-json';
import { renderMarkdown } from '../../core/report/render-markdown';
import { dayKeyOf, isDayKey } from '../../core/practice/calendar';
import {
  gatherReportInputs,
  assessWorkspaceNotes,
  parsePracticeDrills,
  parsePracticeExport,
  type PracticeDayTotal,
  type PracticeDrillTotal,
  scorecardOf,
} from '../../core/report/gather';
import { formatAuditProblem, writeAudit } from '../../core/report/audit';
import { mergeReports, type MergeSource, NotAReportError } from '../../core/report/merge';
import type { Scorecard } from '../../core/report/scorecard';
import { readBoundedFile, readJsonFile } from '../../core/workspace/fs';
import { DRILL_HISTORY_PATH } from '../../core/workspace/layout';
import { printable } from '../../core/workspace/paths';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { writeOutputFile } from '../output';
import { findWorkspaceRoot } from '../workspace-root';
import { openWorkspace } from './check';

const USAGE = `Usage: comprehension report [options]

The balanced scorecard of the workspace: AI share of changed lines, comprehension-note coverage
and stale notes, policy findings inside vs outside AI blocks, secrets exposure events, and no-AI
practice time and streak.

  AI share      lines added in the period (git commits plus uncommitted changes, outside
                .comprehension/ and the policy's ignore globs) against the lines of AI blocks
                created in the period
  notes         every AI block recorded now, with the note the policy asks for it
  findings      the same check as 'comprehension check', on the workspace as it is now
  team          per critical path, the bus factor: distinct people (by email) with a passing,
                current note or a sign-off of the current code on its AI blocks, at risk at 0
                or 1; review audits and their grades; refused notes by problem; note files
                created, revised and removed per month (git history of the notes)

Review audit:
  --audit N               pick N explained notes at random and write an audit file under
                          .comprehension/audits/ for a reviewer to grade (grade: pass or fail,
                          comment); the report counts the grades. No report is written.
  --seed S                seed of the random pick (the same seed picks the same notes)

Organisation view:
  --merge A.json B.json…  merge JSON reports of many repositories ('--format json' output)
                          into one report: counts summed, ratios weighted, a row per repository

Options:
  --format md|html|json   output format (default md); html is one self-contained file
  --since DATE            start of the period: YYYY-MM-DD (UTC) or an ISO 8601 date-time
                          (default: the whole history)
  --output FILE           write the report to FILE instead of standard output
  --practice FILE         practice figures from the editor's "Export Practice History" (JSON),
                          its debugging drills included; drills finished with 'comprehension
                          drill' (${DRILL_HISTORY_PATH}) are always counted
  --root DIR              workspace root (default: nearest folder with .comprehension/ or .git)
  --no-custom-rules       do not run the policy's custom rules (for untrusted checkouts)

Exit codes: 0 report (or audit file) written, 2 usage, policy or audit file error, or a
--merge input that is not a JSON report.`;

const FORMATS = ['md', 'html', 'json'] as const;

async function report(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['format', 'since', 'output', 'practice', 'root', 'audit', 'seed'], flags: ['no-custom-rules', 'merge'] });
  const requested = (parsed.options.get('format') as string | undefined) ?? 'md';
  const format = requested === 'markdown' ? 'md' : requested;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be md, html or json, not '${requested}'`);
  if (parsed.options.has('merge')) {
    for (const option of ['since', 'practice', 'root', 'audit', 'seed', 'no-custom-rules']) {
      if (parsed.options.has(option)) throw new UsageError(`--merge combines finished reports; --${option} does not apply to it`);
    }
    return writeReport(io, await mergeFiles(io.cwd, parsed.positionals), format, parsed.options.get('output') as string | undefined);
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  if (parsed.options.has('seed') && !parsed.options.has('audit')) throw new UsageError('--seed goes with --audit N');
  if (parsed.options.has('audit')) {
    for (const option of ['since', 'practice', 'output']) {
      if (parsed.options.has(option)) throw new UsageError(`--audit writes an audit file, not a report; --${option} does not apply to it`);
    }
    return audit(io, parsed.options.get('audit') as string, parsed.options.get('seed') as string | undefined, parsed.options.get('root') as string | undefined, !parsed.options.has('no-custom-rules'));
  }
  const sinceText = parsed.options.get('since') as string | undefined;
  const since = sinceText === undefined ? undefined : parseSince(sinceText);
  if (sinceText !== undefined && since === undefined) throw new UsageError(`--since must be a date like 2026-01-31 or 2026-01-31T09:00:00Z, not '${sinceText}'`);
  if (since !== undefined && since > Date.now()) throw new UsageError(`--since ${sinceText} is in the future`);

  const practiceFile = parsed.options.get('practice') as string | undefined;
  let practice: PracticeDayTotal[] | undefined;
  let drills: PracticeDrillTotal[] | undefined;
  if (practiceFile !== undefined) {
    try {
      const value = await readPracticeFile(resolve(io.cwd, practiceFile));
      practice = parsePracticeExport(value);
      drills = parsePracticeDrills(value);
    } catch (error) {
      throw new UsageError(`--practice: ${(error as Error).message}`);
    }
  }

  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const workspace = openWorkspace(io, root, !parsed.options.has('no-custom-rules'));
  if (!workspace) return EXIT.usage;
  // Drills done in the terminal live in the workspace's local cache, not in the editor's history.
  const terminalDrills = await readJsonFile<unknown>(join(root, DRILL_HISTORY_PATH), { root });
  if (terminalDrills.kind === 'ok') drills = [...(drills ?? []), ...parsePracticeDrills(terminalDrills.value)];
  else if (terminalDrills.kind === 'corrupt') io.stderr.write(`comprehension report: warning: ${DRILL_HISTORY_PATH} is not readable, its drills are not counted: ${printable(terminalDrills.message)}\n`);
  const gathered = await gatherReportInputs(workspace, {
    ...(since !== undefined ? { since } : {}),
    ...(practice !== undefined ? { practice } : {}),
    ...(drills !== undefined ? { drills } : {}),
  });
  for (const warning of gathered.warnings) io.stderr.write(`comprehension report: warning: ${printable(warning)}\n`);
  if (gathered.auditProblems.length > 0) {
    // A half-read audit would misstate the pass rate: fix the file first.
    for (const problem of gathered.auditProblems) io.stderr.write(`${printable(formatAuditProblem(problem))}\n`);
    io.stderr.write(`comprehension report: ${gathered.auditProblems.length} problem(s) in audit files; fix them and run again.\n`);
    return EXIT.usage;
  }
  return writeReport(io, scorecardOf(gathered.inputs), format, parsed.options.get('output') as string | undefined);
}

/** Writes the scorecard in `format` to standard output or `output`. */
function writeReport(io: CliIo, scorecard: Scorecard, format: string, output: string | undefined): number {
  const text = format === 'html' ? renderHtml(scorecard) : format === 'json' ? renderJson(scorecard) : renderMarkdown(scorecard);
  if (output === undefined) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  writeOutputFile(io.cwd, output, text);
  io.stdout.write(
    `Wrote the ${format} scorecard to ${output}: AI share ${formatPercent(scorecard.aiShare.ratio)}, note coverage ${formatPercent(scorecard.notes.coverage)}, ` +
      `${scorecard.findings.insideAi} of ${scorecard.findings.total} findings inside AI blocks, ${scorecard.secrets.events} secrets exposure events.\n`,
  );
  return EXIT.ok;
}

/** `--audit N [--seed S]`: picks explained notes and writes the audit file a reviewer grades. */
async function audit(io: CliIo, countText: string, seed: string | undefined, rootOption: string | undefined, trusted: boolean): Promise<number> {
  if (!/^\d+$/.test(countText.trim()) || Number(countText) < 1) throw new UsageError(`--audit needs a number of notes (1 or more), not '${countText}'`);
  if (seed !== undefined && seed.trim() === '') throw new UsageError('--seed needs a value');
  const root = findWorkspaceRoot(io.cwd, rootOption);
  const workspace = openWorkspace(io, root, trusted);
  if (!workspace) return EXIT.usage;
  const assessed = await assessWorkspaceNotes(workspace);
  for (const warning of assessed.warnings) io.stderr.write(`comprehension report: warning: ${printable(warning)}\n`);
  if (assessed.explained.length === 0) {
    io.stdout.write('No explained notes to audit yet; no audit file written.\n');
    return EXIT.ok;
  }
  const count = Number(countText);
  let written: Awaited<ReturnType<typeof writeAudit>>;
  try {
    written = await writeAudit(root, assessed.explained, count, seed !== undefined ? { seed } : {});
  } catch (error) {
    throw new UsageError(`--audit: ${(error as Error).message}`);
  }
  const fewer = written.picked.length < count ? ` (only ${written.picked.length} explained notes exist)` : '';
  io.stdout.write(
    `Wrote ${written.path}: ${written.picked.length} note(s) to grade${fewer}. Set each note's grade to pass or fail, ` +
      'with a comment, then run comprehension report.\n',
  );
  return EXIT.ok;
}

/** Reads and merges `--merge` inputs; a file that cannot be read or is not a JSON report is a usage error naming it. */
async function mergeFiles(cwd: string, files: readonly string[]): Promise<Scorecard> {
  if (files.length === 0) throw new UsageError('--merge needs the JSON reports to merge (comprehension report --format json)');
  const sources: MergeSource[] = [];
  for (const file of files) {
    // Files the user names, so not confined to a workspace; still regular files of bounded size.
    const read = await readBoundedFile(resolve(cwd, file));
    if (read.kind === 'missing') throw new UsageError(`--merge: cannot read ${file}: no such file`);
    if (read.kind === 'refused') throw new UsageError(`--merge: ${read.reason}`);
    let json: unknown;
    try {
      json = JSON.parse(read.bytes.toString('utf8')) as unknown;
    } catch {
      throw new UsageError(`--merge: ${file} is not a comprehension report: it is not JSON (write reports with --format json)`);
    }
    sources.push({ file, json });
  }
  try {
    return mergeReports(sources);
  } catch (error) {
    if (error instanceof NotAReportError) throw new UsageError(`--merge: ${error.message}`);
    throw error;
  }
}

/** Reads and parses the practice file; a usage problem is thrown as an Error with the reason. */
export async function readPracticeFile(file: string): Promise<unknown> {
  // A file the user names, so not confined to the workspace; still a regular file of bounded size.
  const read = await readBoundedFile(file);
  if (read.kind === 'missing') throw new Error(`cannot read ${file}: no such file`);
  if (read.kind === 'refused') throw new Error(read.reason);
  try {
    return JSON.parse(read.bytes.toString('utf8')) as unknown;
  } catch {
    // Not Node's message: it quotes the text near the error.
    throw new Error(`${file} is not JSON; export the practice history as JSON`);
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

SUBCOMMANDS.report = { summary: 'the balanced scorecard (AI share, note coverage, findings, practice, team) as md, html or json; --audit, --merge', usage: USAGE, run: report };
