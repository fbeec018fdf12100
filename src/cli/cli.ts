import { VERSION } from '../core/version';
import { UsageError } from './args';
import { WriteRefusedError } from '../core/workspace/fs';

/** Where a CLI run writes and which folder it works in; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
  /** Everything on standard input (agent hooks get their JSON there); absent means no input. */
  readStdin?: () => Promise<string>;
  /** The CLI's own script, recorded by `hooks install` for the agent hooks; absent means the script Node started (tests inject the built one). */
  cliScript?: string;
  /** Asks a yes/no question on the terminal; absent when there is no terminal to ask (CI, pipes). */
  confirm?: (question: string) => Promise<boolean>;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A subcommand: its one-line summary for `--help`, and its runner. */
export interface Subcommand {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Subcommands by name; each lives in its own module and registers here. */
export const SUBCOMMANDS: Record<string, Subcommand> = {};

function helpText(): string {
  const names = Object.keys(SUBCOMMANDS).sort();
  const width = Math.max(8, ...names.map((name) => name.length));
  const commands = names.length
    ? names.map((name) => `  ${name.padEnd(width)}  ${SUBCOMMANDS[name].summary}`).join('\n')
    : '  (none yet)';
  return [
    `comprehension ${VERSION} — keep understanding the code you ship with AI`,
    '',
    'Usage: comprehension <command> [options]',
    '',
    'Commands:',
    commands,
    '',
    'Options:',
    '  -h, --help     show this help (or a command\'s: comprehension <command> --help)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 ok; 1 check found findings at or above the failing severity (check.failOn, default',
    '  error) or more warnings than --max-warnings; 2 usage or policy error.',
    '',
  ].join('\n');
}

/** Runs the CLI with `args` (without node and the script) and resolves to the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout.write(helpText());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const subcommand = SUBCOMMANDS[first];
  if (!subcommand) {
    io.stderr.write(`comprehension: unknown command '${first}'. Run 'comprehension --help' for the list.\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${subcommand.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await subcommand.run(rest, io);
  } catch (error) {
    // A write through a link out of the workspace is the repository's problem, not ours: exit 2.
    if (error instanceof UsageError || error instanceof WriteRefusedError) {
      io.stderr.write(`comprehension ${first}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
