import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBoundedFile, readBoundedFileSync } from '../workspace/fs';
import type { MutationTarget } from './targets';

/**
 * StrykerJS as `comprehension mutate` runs it: found in the target repository first, then beside
 * the CLI (never bundled into it); the repository's own Stryker configuration when it has one,
 * otherwise a default for the test runner its package.json names; always in a child process with
 * a configuration file in a temporary folder (nothing is written into the repository), so a
 * cancel kills Stryker and every test process it started.
 */

/** The Stryker core package. */
export const STRYKER_CORE = '@stryker-mutator/core';

/** Stryker's own configuration file names, in the order Stryker itself looks for them. */
export const STRYKER_CONFIG_FILES: readonly string[] = ['', '.'].flatMap((prefix) =>
  ['.conf', '.config'].flatMap((suffix) => ['json', 'js', 'mjs', 'cjs'].map((extension) => `${prefix}stryker${suffix}.${extension}`)),
);

/** An installed Stryker package: its folder and version. */
export interface InstalledPackage {
  name: string;
  folder: string;
  version: string;
  /** Its main module's file, when Node can resolve one (a plugin is loaded by it). */
  entry?: string;
}

/**
 * Where `name` is installed, looking from the repository first, then from `ownFolder` (the CLI's
 * own install); undefined when neither has it. Resolved by `require.resolve` with those paths, as
 * Node would load it from there.
 */
export function resolveInstalledPackage(name: string, fromFolders: readonly string[]): InstalledPackage | undefined {
  // Through a variable so a bundler leaves the lookup to run time instead of bundling the package.
  const resolveFrom: NodeJS.RequireResolve = require.resolve;
  for (const from of fromFolders) {
    let manifest: string;
    try {
      manifest = resolveFrom(`${name}/package.json`, { paths: [from] });
    } catch {
      continue;
    }
    // A package manifest is a few KiB; node_modules may be a link out of the repository (pnpm, workspaces), so no root.
    const read = readBoundedFileSync(manifest, { maxBytes: 1024 * 1024 });
    if (read.kind !== 'ok') continue;
    try {
      const version = String((JSON.parse(read.bytes.toString('utf8')) as { version?: unknown }).version ?? 'unknown');
      let entry: string | undefined;
      try {
        entry = resolveFrom(name, { paths: [from] });
      } catch {
        // An import-only package: Stryker loads it by name instead.
      }
      return { name, folder: dirname(manifest), version, ...(entry !== undefined ? { entry } : {}) };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** The test runners a default configuration is made for, and Stryker's plugin for each. */
export type TestRunnerKind = 'mocha' | 'jest' | 'vitest' | 'node-test';

const RUNNER_PLUGINS: Record<Exclude<TestRunnerKind, 'node-test'>, string> = {
  mocha: '@stryker-mutator/mocha-runner',
  jest: '@stryker-mutator/jest-runner',
  vitest: '@stryker-mutator/vitest-runner',
};

/** How the repository's tests are run under Stryker. */
export type TestSetup =
  | { kind: 'stryker-config'; configFile: string }
  | { kind: 'default'; runner: TestRunnerKind; plugin?: string; testScript?: string }
  | { kind: 'none'; why: string };

/**
 * The repository's test setup: its own Stryker configuration when there is one at the root (it
 * knows the repository best); otherwise the runner package.json names (mocha, jest or vitest among
 * its dependencies, in that order; `node --test` in its test script).
 */
export async function detectTestSetup(root: string): Promise<TestSetup> {
  for (const name of STRYKER_CONFIG_FILES) if (existsSync(join(root, name))) return { kind: 'stryker-config', configFile: name };
  const read = await readBoundedFile(join(root, 'package.json'), { root, maxBytes: 4 * 1024 * 1024 });
  if (read.kind !== 'ok') return { kind: 'none', why: read.kind === 'missing' ? 'there is no package.json and no Stryker configuration' : read.reason };
  let manifest: { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown>; scripts?: Record<string, unknown> };
  try {
    manifest = JSON.parse(read.bytes.toString('utf8')) as typeof manifest;
  } catch (error) {
    return { kind: 'none', why: `package.json is not valid JSON (${(error as Error).message})` };
  }
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
  for (const runner of ['mocha', 'jest', 'vitest'] as const) {
    if (declared.has(runner)) return { kind: 'default', runner, plugin: RUNNER_PLUGINS[runner] };
  }
  const testScript = typeof manifest.scripts?.test === 'string' ? manifest.scripts.test : undefined;
  if (testScript !== undefined && /\bnode\b[^&|;]*--test\b/.test(testScript)) return { kind: 'default', runner: 'node-test', testScript };
  return { kind: 'none', why: 'package.json names no mocha, jest or vitest dependency and no `node --test` test script, and there is no Stryker configuration' };
}

/** The Stryker packages a setup needs installed. */
export function requiredPackages(setup: TestSetup): string[] {
  return setup.kind === 'default' && setup.plugin ? [STRYKER_CORE, setup.plugin] : [STRYKER_CORE];
}

/** The command that installs `packages` into the repository as development dependencies. */
export function installCommand(packages: readonly string[]): string {
  return `npm install --save-dev ${packages.join(' ')}`;
}

/** Where a run's files go: all in one temporary folder outside the repository. */
export interface RunFolders {
  /** The generated configuration file. */
  configFile: string;
  /** Stryker's JSON report (mutation-testing-report-schema). */
  reportFile: string;
  /** Stryker's sandbox (copies of the repository's files). */
  sandbox: string;
}

/** The run folder's file names inside `tempFolder`. */
export function runFolders(tempFolder: string): RunFolders {
  return { configFile: join(tempFolder, 'stryker.config.mjs'), reportFile: join(tempFolder, 'mutation.json'), sandbox: join(tempFolder, 'sandbox') };
}

/** The `mutate` patterns of the targets: `path:START-END` per block (Stryker's line-range syntax). */
export function mutatePatterns(targets: readonly MutationTarget[]): string[] {
  return targets.map((target) => `${target.path}:${target.startLine}-${target.endLine}`);
}

/**
 * The options every run sets, over the repository's own configuration or the default: exactly the
 * AI lines are mutated, results go to the JSON report in the run folder, progress is appended as
 * lines (no terminal animation in a pipe), nothing is written into the repository (sandbox and
 * report in the run folder, no incremental file), and a threshold of the repository's own does not
 * make Stryker fail (the CLI's exit code says whether mutants survived).
 */
export function runOverrides(targets: readonly MutationTarget[], folders: RunFolders): Record<string, unknown> {
  return {
    mutate: mutatePatterns(targets),
    reporters: ['json', 'progress-append-only'],
    jsonReporter: { fileName: folders.reportFile },
    tempDirName: folders.sandbox,
    cleanTempDir: true,
    incremental: false,
    fileLogLevel: 'off',
    allowConsoleColors: false,
  };
}

/** Stryker options for a default setup (no configuration of the repository's own). */
export function defaultOptions(setup: Extract<TestSetup, { kind: 'default' }>, plugin: InstalledPackage | undefined): Record<string, unknown> {
  if (setup.runner === 'node-test') {
    // The command runner cannot tell which test covers which mutant: every mutant runs the whole suite.
    return { testRunner: 'command', commandRunner: { command: 'npm test' }, coverageAnalysis: 'off' };
  }
  return {
    testRunner: setup.runner,
    coverageAnalysis: 'perTest',
    // The runner plugin by its resolved file, so Stryker loads the one found here even when core came from elsewhere.
    plugins: [plugin?.entry ?? setup.plugin],
  };
}

/**
 * The text of the generated configuration (an ES module, which Stryker imports): the repository's
 * own configuration file imported (JSON parsed by Stryker's rules: plain JSON) and spread under the
 * overrides, or the default options with them.
 */
export function configModuleText(root: string, base: { configFile: string } | { options: Record<string, unknown> }, overrides: Record<string, unknown>): string {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  if ('options' in base) return `export default ${json({ ...base.options, ...overrides })};\n`;
  const url = pathToFileURL(join(root, base.configFile)).href;
  const load = base.configFile.endsWith('.json')
    ? `JSON.parse(readFileSync(new URL(${json(url)}), 'utf8'))`
    : `await import(${json(url)}).then((module) => module.default ?? module)`;
  return [
    `import { readFileSync } from 'node:fs';`,
    `const own = ${load};`,
    `const overrides = ${json(overrides)};`,
    // The repository's break threshold would make Stryker exit non-zero; the CLI reports survivors itself.
    `export default { ...own, ...overrides, thresholds: { ...(own.thresholds ?? {}), break: null } };`,
    '',
  ].join('\n');
}

/** What {@link runStryker} reports while it runs: one line of Stryker's progress at a time. */
export type ProgressListener = (line: string) => void;

/** How a Stryker run ended. */
export type StrykerExit = { kind: 'finished'; exitCode: number; outputTail: string } | { kind: 'cancelled' };

/**
 * The part of a line of Stryker's output worth showing as progress: its log lines at INFO and up
 * without the time and process id ("Instrumented 1 source file(s) with 16 mutant(s)"), and the
 * progress reporter's lines ("Mutation testing 40% … 8/20 tested (3 survived, 0 timed out)");
 * undefined for the rest (stack traces, which stay in the failure message).
 */
export function progressLine(line: string): string | undefined {
  if (line.startsWith('Mutation testing ')) return line;
  const log = /^\d\d:\d\d:\d\d \(\d+\) (INFO|WARN|ERROR|FATAL) (\S+) (.*)$/.exec(line);
  // The report's path is in the run's temporary folder, which is gone when the run ends.
  if (!log || log[2] === 'JsonReporter') return undefined;
  return log[1] === 'INFO' ? log[3] : `${log[1].toLowerCase()}: ${log[3]}`;
}

/** How long Stryker gets to stop its test processes after SIGTERM before they are killed outright. */
const KILL_GRACE_MS = 3000;

/**
 * Runs Stryker's CLI (`bin/stryker.js run CONFIG`) with Node in `root`, in a process group of its
 * own: aborting `signal` sends SIGTERM to the whole group (Stryker, its workers and the test
 * processes), then SIGKILL after a grace period. Progress lines (log lines, "Mutation testing 40%
 * …") go to `onProgress`; the last lines of output are kept for the error message of a failed run.
 */
export function runStryker(options: {
  root: string;
  core: InstalledPackage;
  configFile: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Called with Stryker's process id (its process group's id) once it started. */
  onSpawn?: (pid: number) => void;
  nodePath?: string;
}): Promise<StrykerExit> {
  const bin = join(options.core.folder, 'bin', 'stryker.js');
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ kind: 'cancelled' });
      return;
    }
    const child = spawn(options.nodePath ?? process.execPath, [bin, 'run', options.configFile], {
      cwd: options.root,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ELECTRON_RUN_AS_NODE: '1' },
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const tail: string[] = [];
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      cancelled = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onOutput = (chunk: Buffer) => {
      for (const raw of chunk.toString('utf8').split(/\r?\n/)) {
        // eslint-disable-next-line no-control-regex
        const line = raw.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
        if (line === '') continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        const progress = progressLine(line);
        if (progress !== undefined) options.onProgress?.(progress);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Workers of a finished Stryker are gone; after a cancel make sure none outlives it.
      if (cancelled) killGroup('SIGKILL');
      resolve(cancelled ? { kind: 'cancelled' } : { kind: 'finished', exitCode: code ?? 1, outputTail: tail.join('\n') });
    });
  });
}
