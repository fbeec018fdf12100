import { resolve } from 'node:path';
import { mergeSarif, NotASarifLogError } from '../../core/check/sarif';
import { readBoundedFile } from '../../core/workspace/fs';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { writeOutputFile } from '../output';

const USAGE = `Usage: comprehension sarif merge A.sarif B.sarif… [--output FILE]

Joins the SARIF logs of a sharded check (comprehension check --shard I/N --format sarif, one per
CI job) into one log of one run, for one upload to code scanning. Exit 0 merged; 2 an input that
cannot be read or is not a SARIF 2.1.0 log of one run.`;

/** A SARIF log is data, but a shard's log of a large monorepo can be large. */
const MAX_SARIF_BYTES = 256 * 1024 * 1024;

async function sarif(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['output'], flags: [] });
  const [action, ...files] = parsed.positionals;
  if (action !== 'merge') throw new UsageError(`which action? expected 'merge', got '${action ?? ''}'`);
  if (files.length === 0) throw new UsageError('sarif merge needs the SARIF files to merge');
  const logs: unknown[] = [];
  for (const file of files) {
    const read = await readBoundedFile(resolve(io.cwd, file), { maxBytes: MAX_SARIF_BYTES });
    if (read.kind !== 'ok') throw new UsageError(`${file}: ${read.kind === 'missing' ? 'no such file' : read.reason}`);
    try {
      logs.push(JSON.parse(read.bytes.toString('utf8')));
    } catch {
      throw new UsageError(`${file}: not JSON`);
    }
  }
  let merged: object;
  try {
    merged = mergeSarif(logs);
  } catch (error) {
    if (!(error instanceof NotASarifLogError)) throw error;
    // Name the file, not the input's position.
    const position = /input (\d+)/.exec(error.message);
    throw new UsageError(position ? `${files[Number(position[1]) - 1]}: not a SARIF 2.1.0 log with one run` : error.message);
  }
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  const output = parsed.options.get('output') as string | undefined;
  if (output) writeOutputFile(io.cwd, output, text);
  else io.stdout.write(text);
  return EXIT.ok;
}

SUBCOMMANDS.sarif = { summary: 'merge the SARIF logs of a sharded check into one', usage: USAGE, run: sarif };
