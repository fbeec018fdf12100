import { resolve } from 'node:path';
import type { BlockSource } from '../../core/provenance/block';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { codeLines, ProvenanceLedger } from '../../core/provenance/ledger';
import { describeRange, readMarkableText, workspaceRelative } from './record-lines';

const USAGE = `Usage: comprehension mark --file FILE --lines A-B --agent NAME [options]

Records lines A to B (1-based, inclusive) of FILE as a certain AI block written by NAME, in
.comprehension/provenance/ where the editor picks it up (open or not). When a block of the same
file and agent overlaps or touches the lines, that block grows to cover them instead.

Options:
  --file FILE                  the file, relative to the current folder
  --lines A-B                  the lines (or a single line A)
  --agent NAME                 who wrote them, e.g. claude-code, cursor, aider
  --model M                    the model, when known
  --source agent-write|manual  how they got there (default agent-write)
  --root DIR                   workspace root (default: nearest folder with .comprehension/ or .git)

Exit codes: 0 recorded, 2 usage error (missing file, lines outside it, binary file).`;

const SOURCES: readonly BlockSource[] = ['agent-write', 'manual'];

/** `12-20` or `12` → [12, 20]; throws a usage error otherwise. */
export function parseLineRange(spec: string): [number, number] {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(spec);
  if (!match) throw new UsageError(`--lines must look like A-B (e.g. 12-20), not '${spec}'`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1) throw new UsageError('--lines starts at line 1');
  if (end < start) throw new UsageError(`--lines ${spec} ends before it starts`);
  return [start, end];
}

function required(options: Map<string, string | true>, name: string): string {
  const value = options.get(name);
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function mark(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['file', 'lines', 'agent', 'model', 'source', 'root'], flags: [] });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const file = required(parsed.options, 'file');
  const [startLine, endLine] = parseLineRange(required(parsed.options, 'lines'));
  const agent = required(parsed.options, 'agent').trim();
  const model = parsed.options.get('model') as string | undefined;
  const source = (parsed.options.get('source') as string | undefined) ?? 'agent-write';
  if (!SOURCES.includes(source as BlockSource)) throw new UsageError(`--source must be agent-write or manual, not '${source}'`);

  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const absolute = resolve(io.cwd, file);
  const path = workspaceRelative(root, absolute);
  if (path === undefined) throw new UsageError(`${file} is outside the workspace ${root}`);
  const read = await readMarkableText(absolute, root);
  if (read.kind === 'missing') throw new UsageError(`${file}: no such file`);
  if (read.kind === 'refused') throw new UsageError(read.reason);
  if (read.kind === 'not-a-file') throw new UsageError(`${file} is a folder, not a file`);
  if (read.kind === 'binary') throw new UsageError(`${file} is a binary file; only text files have AI blocks`);
  if (read.kind === 'too-large') throw new UsageError(`${file} is too large to mark`);
  const lineCount = codeLines(read.text).length;
  if (endLine > lineCount) {
    throw new UsageError(`--lines ${startLine}-${endLine} is outside ${file}, which has ${lineCount} line${lineCount === 1 ? '' : 's'}`);
  }

  const ledger = ProvenanceLedger.forWorkspace(root);
  const loaded = await ledger.store.load();
  for (const problem of loaded.problems) io.stderr.write(`comprehension mark: warning: ${problem.message}\n`);
  const edit = await ledger.recordAgentEdit(path, read.text, [
    {
      startLine,
      endLine,
      agent,
      ...(model !== undefined && model.trim() !== '' ? { model: model.trim() } : {}),
      source: source as BlockSource,
    },
  ]);
  const outcome = edit.outcomes[0];
  const who = `${agent}${model ? `, ${model}` : ''}`;
  if (outcome.kind === 'added') io.stdout.write(`Recorded ${describeRange(outcome.record)} as an AI block (${who}, certain): ${outcome.record.id}\n`);
  else if (outcome.kind === 'extended') {
    const merged = outcome.merged.length > 0 ? ` and merged ${outcome.merged.length} other block${outcome.merged.length === 1 ? '' : 's'} into it` : '';
    io.stdout.write(`Extended AI block ${outcome.record.id} to ${describeRange(outcome.record)} (${who})${merged}.\n`);
  } else io.stdout.write(`Already recorded: ${describeRange(outcome.record)} is AI block ${outcome.record.id} (${who}).\n`);
  return EXIT.ok;
}

SUBCOMMANDS.mark = { summary: 'record lines of a file as an AI block (for agents and scripts)', usage: USAGE, run: mark };
