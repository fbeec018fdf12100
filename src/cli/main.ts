import { createInterface } from 'node:readline/promises';
import { runCli } from './cli';
import './commands';
import { startCheckWorkerIfAsked } from '../core/check/check-worker';

/** Reads standard input to its end; only commands that need it (agent hooks) call this. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal; only `comprehension review` asks, and only without `--yes`. */
async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
// `comprehension check` runs its worker threads on this same bundle.
if (!startCheckWorkerIfAsked()) runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), readStdin, ...(interactive ? { confirm } : {}) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`comprehension: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
