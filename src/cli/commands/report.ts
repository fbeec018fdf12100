import { resolve } from 'node:path';
import { formatPercent } from '../../core/report/format';
import { renderHtml } from '../../core/report/render-html';
import { renderJson } from '../../core/report/render-json';
import { renderMarkdown } from '../../core/report/render-markdown';
import { dayKeyOf, isDayKey } from '../../core/practice/calendar';
import { gatherReportInputs, parsePracticeExport, type PracticeDayTotal, scorecardOf } from '../../core/report/gather';
import { readBoundedFile } from '../../core/workspace/fs';
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

Options:
  --format md|html|json   output format (default md); html is one self-contained file
  --since DATE            start of the period: YYYY-MM-DD (UTC) or an ISO 8601 date-time
                          (default: the whole history)
  --output FILE           write the report to FILE instead of standard output
  --practice FILE         practice figures from the editor's "Export Practice History" (JSON)
  --root DIR              workspace root (default: nearest folder with .comprehension/ or .git)
  --no-custom-rules       do not run the policy's custom rules (for untrusted checkouts)

Exit codes: 0 report written, 2 usage or policy error.`;

const FORMATS = ['md', 'html', 'json'] as const;

async function report(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['format', 'since', 'output', 'practice', 'root'], flags: ['no-custom-rules'] });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const requested = (parsed.options.get('format') as string | undefined) ?? 'md';
  const format = requested === 'markdown' ? 'md' : requested;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be md, html or json, not '${requested}'`);
  const sinceText = parsed.options.get('since') as string | undefined;
  const since = sinceText === undefined ? undefined : parseSince(sinceText);
  if (sinceText !== undefined && since === undefined) throw new UsageError(`--since must be a date like 2026-01-31 or 2026-01-31T09:00:00Z, not '${sinceText}'`);
  if (since !== undefined && since > Date.now()) throw new UsageError(`--since ${sinceText} is in the future`);

  const practiceFile = parsed.options.get('practice') as string | undefined;
  let practice: PracticeDayTotal[] | undefined;
  if (practiceFile !== undefined) {
    try {
      practice = parsePracticeExport(await readPracticeFile(resolve(io.cwd, practiceFile)));
    } catch (error) {
      throw new UsageError(`--practice: ${(error as Error).message}`);
    }
  }

  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const workspace = openWorkspace(io, root, !parsed.options.has('no-custom-rules'));
  if (!workspace) return EXIT.usage;
  const gathered = await gatherReportInputs(workspace, { ...(since !== undefined ? { since } : {}), ...(practice !== undefined ? { practice } : {}) });
  for (const warning of gathered.warnings) io.stderr.write(`comprehension report: warning: ${warning}\n`);
  const scorecard = scorecardOf(gathered.inputs);

  const text = format === 'html' ? renderHtml(scorecard) : format === 'json' ? renderJson(scorecard) : renderMarkdown(scorecard);
  const output = parsed.options.get('output') as string | undefined;
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

SUBCOMMANDS.report = { summary: 'the balanced scorecard (AI share, note coverage, findings, practice) as md, html or json', usage: USAGE, run: report };
