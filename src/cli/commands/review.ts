import { writeNoteFile } from '../../core/notes/note-file';
import { prepareWorkspaceSignOff } from '../../core/notes/sign-off-flow';
import { LineIndex } from '../../core/text/line-index';
import { notePathFor } from '../../core/workspace/layout';
import { parseArgs } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { locateBlock, singleFileLine } from './note';

const USAGE = `Usage: comprehension review FILE:LINE [--yes] [--root DIR]

Signs off the AI block at LINE (1-based) of FILE as the current git identity (git config
user.name and user.email): prints the block's note and its code, asks for confirmation, then
records the sign-off in the note's front matter (signOffs: who, when, the content hash signed).
In a critical path at a level in the policy's notes.signOffLevels (default 0 and 1), the check
(comprehension/unreviewed-ai-block) passes the block only with a sign-off of its current code.

Refused (exit 2) when there is no AI block at that line, its note does not pass its checks (or is
stale), you wrote the note, a CODEOWNERS file names owners of the path and you are not one of them,
or no git identity is configured.

Options:
  --yes        sign without asking (CI and scripts; without a terminal, --yes is required)
  --root DIR   workspace root (default: nearest folder with .comprehension/ or .git)

Exit codes: 0 signed; 2 refused, not confirmed, usage error or policy error.`;

/** The block's lines with their numbers, as the reviewer signs them. */
function numberedBlock(text: string, startLine: number, endLine: number): string {
  const lines = new LineIndex(text);
  const last = Math.min(endLine, lines.lineCount);
  const width = String(last).length;
  const out: string[] = [];
  for (let line = startLine; line <= last; line++) out.push(`${String(line).padStart(width)} | ${lines.lineText(line - 1)}`);
  return out.join('\n');
}

async function review(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['root'], flags: ['yes'] });
  const located = await locateBlock(io, 'review', singleFileLine(parsed.positionals), parsed.options.get('root') as string | undefined);
  if (!located) return EXIT.usage;
  const { root, path, text, workspace, block } = located;
  const refuse = (reason: string): number => {
    io.stderr.write(`comprehension review: refused: ${reason}\n`);
    return EXIT.usage;
  };

  const { noteText, prepared } = await prepareWorkspaceSignOff({
    workspace,
    path,
    text,
    block,
    onQuestionsError: (error) => io.stderr.write(`comprehension review: warning: no block questions for ${path}: ${error.message}\n`),
  });
  if (!prepared.ok) return refuse(prepared.reason);

  const notePath = notePathFor(block.id);
  const span = block.startLine === block.endLine ? `line ${block.startLine}` : `lines ${block.startLine}–${block.endLine}`;
  io.stdout.write(
    [
      `Reviewing the AI block at ${path} (${span}, ${block.source}) as ${prepared.signOff.by}.`,
      '',
      `── Note: ${notePath} ──`,
      noteText?.trimEnd() ?? '',
      '',
      `── Code now: ${path} ──`,
      numberedBlock(text, block.startLine, block.endLine),
      '',
      `You may sign: ${prepared.basis}.`,
      ...(prepared.notRequired ? [`Note: ${prepared.notRequired}.`] : []),
      '',
    ].join('\n'),
  );

  if (parsed.options.get('yes') !== true) {
    if (!io.confirm) {
      io.stderr.write('comprehension review: not signed: no terminal to confirm on; read the note and code above, then pass --yes to sign.\n');
      return EXIT.usage;
    }
    if (!(await io.confirm(`Sign off this block as ${prepared.signOff.by}?`))) {
      io.stderr.write('comprehension review: not signed.\n');
      return EXIT.usage;
    }
  }
  await writeNoteFile(root, block.id, prepared.noteText);
  io.stdout.write(`Signed off ${path}:${block.startLine} as ${prepared.signOff.by}; recorded in ${notePath}.\n`);
  return EXIT.ok;
}

SUBCOMMANDS.review = { summary: 'sign off the AI block at FILE:LINE as its reviewer (shows its note and code first)', usage: USAGE, run: review };
