import { countLines, exportGitAiNotes, type ExportEntry, type SkippedLines, type SkipReason } from '../../core/provenance/git-ai';
import { ProvenanceStore, recordsFolderOf } from '../../core/provenance/store';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';

const USAGE = `Usage: comprehension export --git-ai [--commit REV] [--include-likely] [--dry-run] [--root DIR]

Writes the AI blocks recorded in .comprehension/provenance/ as git-ai authorship notes
(refs/notes/ai, schema authorship/3.0.0), so that \`git ai blame\` shows them:
  --git-ai          the format to write (the only one so far)
  --commit REV      only the lines that commit introduced (default: every commit that did)
  --include-likely  also blocks the editor inferred (likely); by default only certain ones
  --dry-run         say what would be written, write nothing
A block's lines go to the note of the commit that introduced each of them (as git blame says),
at their line numbers in that commit. Lines not committed yet, and blocks whose text changed
since they were recorded, are skipped and listed. An existing note is merged, never replaced:
lines git-ai already attributes stay git-ai's, and exporting again rewrites only this tool's
own entries. Share the notes with: git push origin refs/notes/ai

Options:
  --root DIR   workspace root (default: nearest folder with .comprehension/ or .git)`;

/** Lines listed per section before the rest are summed up. */
const MAX_LISTED = 20;

const REASONS: Record<SkipReason, string> = {
  likely: 'inferred (likely); --include-likely exports it',
  lost: 'lost (its text was not found again)',
  changed: 'changed since it was recorded',
  unreadable: 'file cannot be read',
  uncommitted: 'not committed yet',
  'other-commit': 'introduced by another commit',
  attributed: 'already attributed in the note by git-ai',
  unmergeable: 'the existing note is not a git-ai log',
};

async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['root', 'commit'], flags: ['git-ai', 'include-likely', 'dry-run'] });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  if (!parsed.options.has('git-ai')) throw new UsageError('say what to export: --git-ai');
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const store = new ProvenanceStore(recordsFolderOf(root));
  const loaded = await store.load();
  for (const problem of loaded.problems) io.stderr.write(`comprehension export: ${problem.message}\n`);
  const dryRun = parsed.options.has('dry-run');
  const commit = parsed.options.get('commit') as string | undefined;

  let result;
  try {
    result = await exportGitAiNotes(root, store, {
      ...(commit !== undefined ? { commit } : {}),
      includeLikely: parsed.options.has('include-likely'),
      dryRun,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const problem of result.problems) io.stderr.write(`comprehension export: ${problem}\n`);

  const blocks = new Set(result.exported.map((entry) => entry.blockId)).size;
  const lines = result.exported.reduce((sum, entry) => sum + countLines(entry.ranges), 0);
  const commits = new Set(result.exported.map((entry) => entry.commit)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  io.stdout.write(
    `${dryRun ? 'Would export' : 'Exported'} ${plural(blocks, 'block')} (${plural(lines, 'line')}) to refs/notes/ai of ${plural(commits, 'commit')}${dryRun || result.commits.length === commits ? '' : ` (${result.commits.length} changed)`}.\n`,
  );
  writeListed(io, result.exported.map(describeExported));
  if (result.skipped.length > 0) {
    io.stdout.write(`Skipped ${plural(result.skipped.reduce((sum, skip) => sum + skip.lines, 0), 'line')}:\n`);
    writeListed(io, result.skipped.map(describeSkipped));
  }
  return EXIT.ok;
}

function writeListed(io: CliIo, lines: string[]): void {
  for (const line of lines.slice(0, MAX_LISTED)) io.stdout.write(`  ${line}\n`);
  if (lines.length > MAX_LISTED) io.stdout.write(`  …and ${lines.length - MAX_LISTED} more\n`);
}

/** `src/a.ts:3-9 → 1a2b3c4d5e6f src/a.ts 3-9 (claude, claude-sonnet-4)` */
function describeExported(entry: ExportEntry): string {
  const ranges = entry.ranges.map(([start, end]) => (start === end ? `${start}` : `${start}-${end}`)).join(',');
  const agent = [entry.tool, entry.model].filter((part) => part !== undefined).join(', ');
  return `${entry.path}:${entry.startLine}-${entry.endLine} → ${entry.commit.slice(0, 12)} ${entry.notePath} ${ranges} (${agent})`;
}

function describeSkipped(skip: SkippedLines): string {
  return `${skip.path}:${skip.startLine}-${skip.endLine}: ${skip.lines} ${skip.lines === 1 ? 'line' : 'lines'} ${REASONS[skip.reason]}${skip.detail && (skip.reason === 'unreadable' || skip.reason === 'uncommitted') ? ` (${skip.detail})` : ''}`;
}

SUBCOMMANDS.export = { summary: 'write AI blocks as git-ai authorship notes (refs/notes/ai)', usage: USAGE, run: exportCommand };
