import { resolve } from 'node:path';
import { loadWorkspaceBlocks } from '../../core/check/check-run';
import { newNoteText } from '../../core/notes/new-note';
import { readGitAuthor, readNoteFile, writeNoteFile } from '../../core/notes/note-file';
import { notePathFor } from '../../core/workspace/layout';
import type { Block } from '../../core/provenance/block';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { openWorkspace } from './check';
import type { PolicyWorkspace } from '../../core/workspace/policy-workspace';
import { workspaceRelativePath } from '../../core/workspace/paths';
import { readMarkableText } from './record-lines';
import { loadGrammarsForPaths } from '../../core/languages/tree-sitter';

const USAGE = `Usage: comprehension note FILE:LINE [--root DIR]

Starts the comprehension note of the AI block at LINE (1-based) of FILE: creates
.comprehension/notes/<block>.md from the template, with the sections the policy asks for and the
block's own questions, exactly as the editor's "Explain this AI block" does, and prints the note's
path (relative to the workspace root). Open it in your editor and answer under each heading;
\`comprehension check\` passes the block once the note passes its checks.

When the block already has a note, prints its path and leaves it as it is.

Options:
  --root DIR   workspace root (default: nearest folder with .comprehension/ or .git)

Exit codes: 0 the note's path was printed; 2 usage error (bad FILE:LINE, no such file, no AI block
at that line) or policy error.`;

/** `src/x.ts:12` → ['src/x.ts', 12]. The last colon splits, so a path may hold colons. */
export function parseFileLine(spec: string): { file: string; line: number } {
  const match = /^(.+):(\d+)$/.exec(spec.trim());
  if (!match) throw new UsageError(`expected FILE:LINE (e.g. src/app.ts:12), not '${spec}'`);
  const line = Number(match[2]);
  if (!Number.isSafeInteger(line) || line < 1) throw new UsageError(`the line in '${spec}' must be 1 or more`);
  return { file: match[1], line };
}

function describeBlocks(blocks: readonly Block[]): string {
  return [...blocks]
    .sort((a, b) => a.startLine - b.startLine)
    .map((block) => (block.startLine === block.endLine ? `line ${block.startLine}` : `lines ${block.startLine}–${block.endLine}`))
    .join(', ');
}

/** The AI block a `FILE:LINE` argument names, with its workspace and the file's text. */
export interface LocatedBlock {
  root: string;
  /** Workspace-relative POSIX path of the file. */
  path: string;
  text: string;
  workspace: PolicyWorkspace;
  block: Block;
}

/**
 * Finds the AI block at `spec` (FILE:LINE) the way `comprehension check` reads blocks. Throws a
 * {@link UsageError} for a bad spec, an unreadable file or no block at the line; undefined when
 * the policy has errors (already printed).
 */
export async function locateBlock(io: CliIo, command: string, spec: string, rootOption: string | undefined): Promise<LocatedBlock | undefined> {
  const { file, line } = parseFileLine(spec);
  const root = findWorkspaceRoot(io.cwd, rootOption);
  const absolute = resolve(io.cwd, file);
  const path = workspaceRelativePath(root, absolute);
  // The root itself is no file either.
  if (!path) throw new UsageError(`${file} is outside the workspace ${root}`);
  const read = await readMarkableText(absolute, root);
  if (read.kind === 'missing') throw new UsageError(`no such file: ${file}`);
  if (read.kind === 'refused') throw new UsageError(read.reason);
  if (read.kind === 'not-a-file') throw new UsageError(`${file} is a folder, not a file`);
  if (read.kind !== 'text') throw new UsageError(`${file} is ${read.kind === 'binary' ? 'a binary file' : 'too large'}; it has no AI blocks`);

  const workspace = openWorkspace(io, root, false);
  if (!workspace) return undefined;
  // The blocks `comprehension check` judges, read the same way.
  const { byPath, problems } = await loadWorkspaceBlocks(root);
  for (const problem of problems) io.stderr.write(`comprehension ${command}: warning: provenance record left untouched: ${problem.file}: ${problem.message}\n`);
  const blocks = byPath.get(path) ?? [];
  const block = blocks.find((candidate) => candidate.startLine <= line && line <= candidate.endLine);
  if (!block) {
    const known = blocks.length > 0 ? `its AI blocks are at ${describeBlocks(blocks)}` : 'it has no recorded AI blocks';
    throw new UsageError(`no AI block at ${path}:${line}; ${known}`);
  }
  return { root, path, text: read.text, workspace, block };
}

/** The one FILE:LINE positional of a block command. */
export function singleFileLine(positionals: readonly string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'give the block as FILE:LINE' : `one FILE:LINE at a time, not ${positionals.length}`);
  }
  return positionals[0];
}

async function note(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['root'], flags: [] });
  const located = await locateBlock(io, 'note', singleFileLine(parsed.positionals), parsed.options.get('root') as string | undefined);
  if (!located) return EXIT.usage;
  const { root, path, workspace, block } = located;

  const notePath = notePathFor(block.id);
  if ((await readNoteFile(root, block.id)) !== undefined) {
    io.stdout.write(`${notePath}\n`);
    return EXIT.ok;
  }
  await loadGrammarsForPaths([path]);
  const text = newNoteText({
    path,
    text: located.text,
    block,
    policy: workspace.policyState.current,
    inCriticalPath: workspace.isCritical(path),
    author: await readGitAuthor(root),
    onQuestionsError: (error) => io.stderr.write(`comprehension note: warning: no block questions for ${path}: ${error.message}\n`),
  });
  await writeNoteFile(root, block.id, text);
  io.stdout.write(`${notePath}\n`);
  return EXIT.ok;
}

SUBCOMMANDS.note = { summary: 'start the comprehension note of the AI block at FILE:LINE', usage: USAGE, run: note };
