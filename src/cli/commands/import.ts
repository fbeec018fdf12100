import { isAbsolute, resolve } from 'node:path';
import { ProvenanceLedger } from '../../core/provenance/ledger';
import { normalizeRecordPath } from '../../core/provenance/record';
import { importAgentTrace, importAiderCommits, importedBlockId, importGitAiNotes, type ImportedRange, placeImportedRanges, recordsForImport } from '../../core/provenance/import';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { workspaceRelativePath } from '../../core/workspace/paths';
import { readMarkableText } from './record-lines';
import { readBoundedFile } from '../../core/workspace/fs';

const USAGE = `Usage: comprehension import [--git-ai] [--aider] [--agent-trace FILE...] [--root DIR]

Imports AI line ranges recorded by other tools as certain AI blocks (source 'imported'):
  --git-ai              git-ai's authorship notes (refs/notes/ai) of the repository
  --aider               the lines added by aider's commits (author or committer "(aider)") in
                        HEAD's history, as agent-write blocks of agent 'aider'
  --agent-trace FILE... Agent Trace records: a JSON record, a JSON array, or JSON Lines
                        (e.g. .agent-trace/traces.jsonl); the option may be repeated
Ranges are found again in today's files by their text where it is known (they may have moved
since), else taken at their recorded lines. Code that already has a block keeps it, and importing
the same ranges again adds nothing.

Options:
  --root DIR   workspace root (default: nearest folder with .comprehension/ or .git)

Prints how many blocks were imported, were already present, and could not be placed.`;

/** Problems listed before the rest are summed up, so a damaged log does not flood the terminal. */
const MAX_PROBLEMS_SHOWN = 20;

/** Splits `--agent-trace A B --agent-trace=C` out of the arguments (the option takes several files). */
export function takeAgentTraceFiles(args: readonly string[]): { files: string[]; rest: string[]; present: boolean } {
  const files: string[] = [];
  const rest: string[] = [];
  let present = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--agent-trace=')) {
      present = true;
      files.push(arg.slice('--agent-trace='.length));
    } else if (arg === '--agent-trace') {
      present = true;
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) files.push(args[++i]);
    } else rest.push(arg);
  }
  return { files: files.filter((file) => file !== ''), rest, present };
}

/** Counts of one import. */
export interface ImportCounts {
  imported: number;
  alreadyPresent: number;
  notPlaced: number;
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const trace = takeAgentTraceFiles(args);
  const parsed = parseArgs(trace.rest, { valued: ['root'], flags: ['git-ai', 'aider'] });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  if (trace.present && trace.files.length === 0) throw new UsageError('--agent-trace needs at least one file');
  const gitAi = parsed.options.has('git-ai');
  const aider = parsed.options.has('aider');
  if (!gitAi && !aider && trace.files.length === 0) throw new UsageError('say what to import: --git-ai, --aider and/or --agent-trace FILE...');
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);

  const ranges: ImportedRange[] = [];
  const problems: string[] = [];
  for (const file of trace.files) {
    // A file the user names (it may lie outside the workspace), still a regular file of bounded size: a FIFO cannot block it.
    const read = await readBoundedFile(resolve(io.cwd, file));
    if (read.kind === 'missing') throw new UsageError(`cannot read ${file}: no such file`);
    if (read.kind === 'refused') throw new UsageError(read.reason);
    const text = read.bytes.toString('utf8');
    const found = importAgentTrace(text);
    ranges.push(...found.ranges);
    problems.push(...found.problems.map((problem) => `${file}: ${problem}`));
  }
  if (gitAi) {
    const found = await importGitAiNotes(root);
    ranges.push(...found.ranges);
    problems.push(...found.problems.map((problem) => `git-ai: ${problem}`));
    if (found.ranges.length === 0 && found.problems.length === 0) problems.push('git-ai: no AI ranges in refs/notes/ai (fetch them with: git fetch origin refs/notes/ai:refs/notes/ai)');
  }

  if (aider) {
    const found = await importAiderCommits(root);
    ranges.push(...found.ranges);
    problems.push(...found.problems.map((problem) => `aider: ${problem}`));
  }

  const ledger = ProvenanceLedger.forWorkspace(root);
  const loaded = await ledger.store.load();
  problems.push(...loaded.problems.map((problem) => problem.message));
  const counts = await importRanges(root, ledger, ranges);

  for (const problem of problems.slice(0, MAX_PROBLEMS_SHOWN)) io.stderr.write(`comprehension import: ${problem}\n`);
  if (problems.length > MAX_PROBLEMS_SHOWN) io.stderr.write(`comprehension import: …and ${problems.length - MAX_PROBLEMS_SHOWN} more problems\n`);
  const block = (n: number) => `${n} block${n === 1 ? '' : 's'}`;
  io.stdout.write(`Imported ${block(counts.imported)}; ${counts.alreadyPresent} already present; ${counts.notPlaced} could not be placed (of ${ranges.length} AI ranges found).\n`);
  return EXIT.ok;
}

/**
 * Writes records for imported ranges, file by file. A range counts as already present when its
 * record exists (same origin, commit, path and lines: importing twice) or when the code it covers
 * already has a block; as not placed when its file is gone, is not text, or no longer holds it.
 */
export async function importRanges(root: string, ledger: ProvenanceLedger, ranges: readonly ImportedRange[]): Promise<ImportCounts> {
  const { store } = ledger;
  const counts: ImportCounts = { imported: 0, alreadyPresent: 0, notPlaced: 0 };
  const unique = new Map<string, ImportedRange>();
  for (const range of ranges) {
    const path = workspacePath(root, range.path);
    if (path === undefined) {
      counts.notPlaced++;
      continue;
    }
    const id = importedBlockId({ ...range, path });
    if (!unique.has(id)) unique.set(id, { ...range, path });
  }
  const byPath = new Map<string, ImportedRange[]>();
  for (const [id, range] of unique) {
    if (store.get(id)) {
      counts.alreadyPresent++;
      continue;
    }
    const list = byPath.get(range.path) ?? [];
    list.push(range);
    byPath.set(range.path, list);
  }
  for (const [path, fileRanges] of byPath) {
    const read = await readMarkableText(resolve(root, path), root);
    if (read.kind !== 'text') {
      counts.notPlaced += fileRanges.length;
      continue;
    }
    const placements = placeImportedRanges(fileRanges, read.text);
    const existing = store.blocksForFile(path).filter((record) => !record.metadata.comprehension.lost);
    const records = recordsForImport(placements, path, read.text, existing);
    await ledger.write(records);
    const written = new Set(records.map((record) => record.id));
    const placed = new Set(placements.filter((placement) => placement.kind !== 'lost').map((placement) => importedBlockId(placement.range)));
    for (const range of fileRanges) {
      const id = importedBlockId(range);
      if (written.has(id)) counts.imported++;
      else if (placed.has(id)) counts.alreadyPresent++;
      else counts.notPlaced++;
    }
  }
  return counts;
}

/** A recorded path as a workspace-relative one; undefined when it leads outside the workspace. */
function workspacePath(root: string, path: string): string | undefined {
  const normalized = normalizeRecordPath(path);
  if (!isAbsolute(path) && normalized.split('/').includes('..')) return undefined;
  // The root itself ('') is no file.
  return workspaceRelativePath(root, isAbsolute(path) ? path : resolve(root, normalized)) || undefined;
}

SUBCOMMANDS.import = { summary: 'import AI ranges from git-ai notes and Agent Trace files', usage: USAGE, run: importCommand };
