import { join } from 'node:path';
import { checkDrill, describePlanted, DrillError, giveUpDrill, loadDrill, startDrill, takeHint } from '../../core/drills/drill';
import { secondsDuration } from '../../core/practice/format';
import { DRILL_HISTORY_PATH } from '../../core/workspace/layout';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { locateBlock, singleFileLine } from './note';

const USAGE = `Usage: comprehension drill start FILE:LINE [--seed N] [--timeout SECONDS] [--root DIR]
       comprehension drill check|hint|give-up [--root DIR]

A debugging drill on your own AI code. start copies the repository (a git worktree in a temporary
folder, with your uncommitted changes; your working tree is never touched), plants one realistic
bug in the AI block at LINE of FILE (boundary off by one, inverted condition, missing await,
swapped arguments, wrong unit on a timeout, dropped null check, swallowed error), preferring one a
test catches, and prints the drill folder and the symptom: the failing tests and their output, or
the misbehaviour when no test notices the bug. Fix it in the drill folder, then:

  check     reruns the tests (package.json scripts.test, else node --test): solved when the
            failing tests pass again and nothing else breaks; when no test noticed the bug, when
            the code is the original again (formatting and comments aside). Exit 0 solved, 1 not yet.
  hint      the next of three hints (the function, the kind of defect, the line); each is counted.
  give-up   shows the planted change and ends the drill.

The time from start to a verified fix (time to correct diagnosis), hints and the outcome are
stored in ${DRILL_HISTORY_PATH}, which comprehension report reads. The drill copy is removed
at the end. The terminal cannot switch your editor's AI off: use "Comprehension: Start Debugging
Drill" in VS Code for a drill in practice mode.

Options:
  --seed N          which bug (the same seed plants the same bug in the same code; default random)
  --timeout SECONDS longest a test run may take (default 120)
  --root DIR        workspace root (default: nearest folder with .comprehension/ or .git)

Exit codes: 0 done (check: solved); 1 check: not solved yet; 2 usage error or no drill.`;

function positiveInteger(value: string | true | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number < 0) throw new UsageError(`--${name} must be a whole number, not ${String(value)}`);
  return number;
}

async function drill(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const parsed = parseArgs(rest, { valued: ['root', 'seed', 'timeout'], flags: [] });
  const rootOption = parsed.options.get('root') as string | undefined;
  try {
    switch (action) {
      case 'start':
        return await start(parsed.positionals, rootOption, parsed.options, io);
      case 'check':
      case 'hint':
      case 'give-up': {
        if (parsed.positionals.length > 0) throw new UsageError(`drill ${action} takes no FILE:LINE`);
        const root = findWorkspaceRoot(io.cwd, rootOption);
        if (action === 'hint') return await hint(root, io);
        if (action === 'give-up') return await giveUp(root, io);
        return await check(root, positiveInteger(parsed.options.get('timeout'), 'timeout'), io);
      }
      default:
        throw new UsageError(action === undefined ? 'say start, check, hint or give-up' : `unknown drill action '${action}' (start, check, hint, give-up)`);
    }
  } catch (error) {
    if (error instanceof DrillError) {
      io.stderr.write(`comprehension drill: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

async function start(positionals: readonly string[], rootOption: string | undefined, options: Map<string, string | true>, io: CliIo): Promise<number> {
  const seed = positiveInteger(options.get('seed'), 'seed');
  const timeout = positiveInteger(options.get('timeout'), 'timeout');
  const located = await locateBlock(io, 'drill', singleFileLine(positionals), rootOption);
  if (!located) return EXIT.usage;
  const { root, path, block } = located;
  io.stderr.write(`Planting a bug in ${path}:${block.startLine}-${block.endLine} and running the tests in a drill copy...\n`);
  const session = await startDrill({
    root,
    file: path,
    block,
    owner: { host: 'cli', pid: process.pid },
    ...(seed !== undefined ? { seed } : {}),
    ...(timeout !== undefined ? { testTimeoutMs: timeout * 1000 } : {}),
  });
  io.stdout.write(
    [
      `Debugging drill: a bug is planted in ${path} (the AI block at lines ${block.startLine}-${block.endLine}).`,
      `Drill folder: ${session.worktree} (seed ${session.seed})`,
      `Fix it there: ${join(session.worktree, path)}`,
      '',
      session.symptom.trimEnd(),
      '',
      'Check your fix with `comprehension drill check`; `comprehension drill hint` for a hint (counted), `comprehension drill give-up` to see the bug.',
      'The clock runs from now. The terminal cannot switch your editor\'s AI off; for a drill in practice mode use "Comprehension: Start Debugging Drill" in VS Code.',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

async function check(root: string, timeout: number | undefined, io: CliIo): Promise<number> {
  const result = await checkDrill(root, { historyPath: join(root, DRILL_HISTORY_PATH), ...(timeout !== undefined ? { testTimeoutMs: timeout * 1000 } : {}) });
  if (result.solved) {
    const { record } = result;
    io.stdout.write(
      `Solved in ${secondsDuration(record.diagnosisSeconds ?? 0)} with ${record.hintsUsed} hint${record.hintsUsed === 1 ? '' : 's'} ` +
        `(verified by ${result.verifiedBy === 'tests' ? `the tests: ${record.failingTests.join(', ')} pass again` : 'comparing the code with the original'}). The drill copy is removed.\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(`Not solved yet: ${result.reason}.\n`);
  if (result.run && result.stillFailing.length > 0) io.stdout.write(`\n${result.stillFailing.map((name) => `  ✖ ${name}`).join('\n')}\n`);
  return EXIT.findings;
}

async function hint(root: string, io: CliIo): Promise<number> {
  const { hint: text, number, of } = await takeHint(root);
  io.stdout.write(`Hint ${number} of ${of}: ${text}\n`);
  return EXIT.ok;
}

async function giveUp(root: string, io: CliIo): Promise<number> {
  const running = await loadDrill(root);
  if (!running) throw new DrillError('no drill is running in this workspace');
  const { session } = await giveUpDrill(root, { historyPath: join(root, DRILL_HISTORY_PATH) });
  io.stdout.write(`The planted bug:\n${describePlanted(session)}\nThe drill is recorded as given up; the drill copy is removed.\n`);
  return EXIT.ok;
}

SUBCOMMANDS.drill = { summary: 'a debugging drill: a bug planted in a copy of an AI block, found and fixed by you', usage: USAGE, run: drill };
