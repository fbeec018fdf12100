import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readBoundedTextFileSync } from '../workspace/fs';

/**
 * Running a repository's tests for a drill: which command (package.json `scripts.test`, else
 * `node --test`), run as a child process in the drill copy with a timeout, and which tests failed
 * and passed, read from the output of node's test runner (TAP or spec) or mocha (spec).
 */

/** How the tests of a repository are run. */
export interface TestCommand {
  command: string;
  args: string[];
  /** How it was chosen, for messages (`npm test (package.json scripts.test)`). */
  label: string;
}

/** The outcome of one test run. */
export interface TestRun {
  /** Exit code; null when killed (timeout). */
  exitCode: number | null;
  timedOut: boolean;
  /** Names of tests reported as failed, in output order, without repeats. */
  failed: string[];
  /** Names of tests reported as passed. */
  passed: string[];
  /** stdout and stderr interleaved, at most {@link MAX_OUTPUT_CHARS}. */
  output: string;
  durationMs: number;
}

/** Output kept per run: enough for the symptom, bounded against runaway tests. */
export const MAX_OUTPUT_CHARS = 256 * 1024;
/** Default time one test run may take. */
export const DEFAULT_TEST_TIMEOUT_MS = 120_000;

/** npm's placeholder script, which always fails: not a test command. */
const NPM_PLACEHOLDER = /no test specified/;

/** The repository's test command: `npm test` when package.json has a real `scripts.test`, else `node --test`. */
export function detectTestCommand(root: string): TestCommand {
  const read = readBoundedTextFileSync(join(root, 'package.json'), { root, maxBytes: 1024 * 1024 });
  if (read.kind === 'ok') {
    try {
      const manifest = JSON.parse(read.text) as { scripts?: Record<string, unknown> };
      const script = manifest.scripts?.test;
      if (typeof script === 'string' && script.trim() !== '' && !NPM_PLACEHOLDER.test(script)) {
        return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: ['test', '--silent'], label: `npm test (package.json scripts.test: ${script})` };
      }
    } catch {
      // A package.json that is not JSON has no usable script; fall back to node's runner.
    }
  }
  return { command: process.execPath, args: ['--test'], label: 'node --test' };
}

/**
 * Runs the tests in `cwd` and reads which failed. Killed (with its process group) after
 * `timeoutMs`. Colour is switched off so the names parse; `CI=1` keeps watch modes off.
 */
export function runTests(cwd: string, test: TestCommand, timeoutMs = DEFAULT_TEST_TIMEOUT_MS): Promise<TestRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };
    // In an Electron editor host `process.execPath` is the editor; this makes it run as Node.
    if (test.command === process.execPath) env.ELECTRON_RUN_AS_NODE = '1';
    const child = spawn(test.command, test.args, { cwd, env, detached: process.platform !== 'win32', windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer): void => {
      if (output.length < MAX_OUTPUT_CHARS) output += chunk.toString('utf8').slice(0, MAX_OUTPUT_CHARS - output.length);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
    }, timeoutMs);
    const finish = (exitCode: number | null): void => {
      clearTimeout(timer);
      const { failed, passed } = parseTestOutput(output);
      resolve({ exitCode, timedOut, failed, passed, output, durationMs: Date.now() - started });
    };
    child.on('error', (error) => {
      output += `\n${test.label} could not start: ${error.message}\n`;
      finish(null);
    });
    child.on('close', (code) => finish(timedOut ? null : code));
  });
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // The test command's own children (mocha workers, node --test files) die with it.
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const DURATION = /\s*\(\d+(?:\.\d+)?m?s\)\s*$/;

/**
 * Failed and passed test names from test output: TAP (`ok 1 - name`, `not ok 2 - name`, node's
 * default when not on a terminal), node's spec reporter (`✔ name (1ms)`, `✖ name`) and mocha's
 * spec reporter (`✓ name`, `1) name`). Suite lines of TAP count as tests too: a suite fails
 * exactly when a test in it fails, so the sets stay consistent.
 */
export function parseTestOutput(output: string): { failed: string[]; passed: string[] } {
  const failed = new Set<string>();
  const passed = new Set<string>();
  let inMochaFailureDetails = false;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
    let match: RegExpMatchArray | null;
    // A skipped or to-do test neither passes nor fails: skipping the test that caught the bug is no fix.
    if (/#\s*(SKIP|TODO)\b/i.test(line)) continue;
    if ((match = /^\s*not ok \d+ - (.+?)(?:\s+#.*)?$/.exec(line))) failed.add(match[1].trim());
    else if ((match = /^\s*ok \d+ - (.+?)(?:\s+#.*)?$/.exec(line))) passed.add(match[1].trim());
    else if ((match = /^\s*[✖✗×] (.+)$/.exec(line))) {
      const name = match[1].replace(DURATION, '').trim();
      if (name !== 'failing tests:') failed.add(name);
    } else if ((match = /^\s*[✔✓√] (.+)$/.exec(line))) passed.add(match[1].replace(DURATION, '').trim());
    else if (/^\s*\d+ failing\s*$/.test(line)) inMochaFailureDetails = true;
    else if (!inMochaFailureDetails && (match = /^\s+\d+\) (.+)$/.exec(line))) failed.add(match[1].trim());
  }
  for (const name of failed) passed.delete(name);
  return { failed: [...failed], passed: [...passed] };
}

/** Whether a run reports a result at all (a crash before any test or a missing runner does not). */
export function ranAnyTest(run: TestRun): boolean {
  return run.failed.length + run.passed.length > 0;
}

/** The lines of the output around the first failure, for the symptom: at most `maxLines`. */
export function trimOutput(output: string, failedNames: readonly string[], maxLines = 30): string {
  const lines = output.split(/\r?\n/);
  const first = lines.findIndex((line) => failedNames.some((name) => line.includes(name)) && /not ok|✖|✗|\d+\)/.test(line));
  const from = first < 0 ? 0 : first;
  const picked = lines.slice(from, from + maxLines);
  return `${picked.join('\n').trimEnd()}${lines.length > from + maxLines ? '\n...' : ''}`;
}
