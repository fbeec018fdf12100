import { resolve } from 'node:path';
import { ProvenanceLedger } from '../../core/provenance/ledger';
import { importAgentTrace, importAiderCommits, importGitAiNotes, type ImportedRange, importRanges } from '../../core/provenance/import';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
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

SUBCOMMANDS.import = { summary: 'import AI ranges from git-ai notes and Agent Trace files', usage: USAGE, run: importCommand };
