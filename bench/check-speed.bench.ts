import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { isProbablyBinary } from '../src/core/workspace/files';
import { defaultCheckThreads } from '../src/core/check/check-run';
import { listFilesUnder, round, shippedBundle } from './support';

const ROOT = join(__dirname, '../..');
const MAX_FILE_BYTES = 1024 * 1024;
const TEXT_EXTENSIONS = /\.(js|cjs|mjs|ts|mts|cts|json|md|yml|yaml|txt)$/;

/**
 * The tree: these packages of the project's node_modules (versions pinned by package-lock.json), their
 * text files up to 1 MiB, copied outside the project so that every tool sees the same files and no
 * `.gitignore` or `node_modules` convention hides any of them.
 */
const PACKAGES = [
  '@azure',
  '@secretlint',
  '@types',
  '@typespec',
  '@vscode',
  'ajv',
  'azure-devops-node-api',
  'cheerio',
  'fast-check',
  'glob',
  'htmlparser2',
  'js-yaml',
  'lodash',
  'markdown-it',
  'mocha',
  'parse5',
  'playwright-core',
  'typescript',
  'underscore',
  'undici',
  'yaml',
];

/** What ripgrep looks for: seven common secret formats (AWS, GitHub, Slack, Stripe, Google, private keys, JWTs). */
const SECRET_REGEXES = [
  'AKIA[0-9A-Z]{16}',
  'gh[pousr]_[A-Za-z0-9]{36}',
  'xox[baprs]-[0-9A-Za-z-]{10,}',
  'sk_live_[0-9a-zA-Z]{24}',
  'AIza[0-9A-Za-z_-]{35}',
  '-----BEGIN [A-Z ]*PRIVATE KEY-----',
  'eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}',
];

/** ESLint, installed at bench time into a cache folder outside the project (pinned). */
const ESLINT_VERSION = '9.39.1';
/** Four core rules, the nearest to ours: swallowed errors and evaluated code. */
const ESLINT_RULES = ['no-empty', 'no-eval', 'no-implied-eval', 'no-new-func'];

const CACHE = process.env.CF_BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'comprehension-first');
/** Runs of each command but secretlint (the median is reported); secretlint, minutes long, runs once. */
const RUNS = Math.max(1, Number(process.env.CF_SPEED_RUNS ?? 3));

interface Timed {
  seconds: number;
  /** User and system CPU time: less moved than wall time by other work on a shared machine. */
  cpuSeconds: number;
  peakMiB: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Wall time and peak resident memory of a command (GNU time; the process with its threads and children). */
function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Timed {
  const out = join(CACHE, 'speed-time.txt');
  rmSync(out, { force: true });
  const child = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, command, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const last = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').pop()! : '';
  const match = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(last);
  if (!match) throw new Error(`${command} could not be timed: ${child.error?.message ?? last ?? child.stderr}`);
  return {
    seconds: Number(match[1]),
    cpuSeconds: Number(match[2]) + Number(match[3]),
    peakMiB: Number(match[4]) / 1024,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
  };
}

/** The median run (by time) of `runs` runs, with every run's seconds. */
function median(runs: Timed[]): Timed & { allSeconds: number[]; allCpuSeconds: number[] } {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], allSeconds: runs.map((run) => run.seconds), allCpuSeconds: runs.map((run) => run.cpuSeconds) };
}

/** The median of `values` (the lower middle one of an even count, as {@link median}). */
function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function versionOf(packageJson: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Copies the packages' text files into the cache once (keyed by their versions) and lists them. */
export function prepareTree(): { dir: string; files: number; bytes: number; packages: string[] } {
  const names: string[] = [];
  for (const name of PACKAGES) {
    const dir = join(ROOT, 'node_modules', name);
    if (!existsSync(dir)) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(dir).sort()) names.push(`${name}/${sub}@${versionOf(join(dir, sub, 'package.json')) ?? '?'}`);
    else names.push(`${name}@${versionOf(join(dir, 'package.json')) ?? '?'}`);
  }
  const key = createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 12);
  const dir = join(CACHE, `speed-tree-${key}`);
  const listPath = `${dir}.files.json`;
  if (!existsSync(listPath)) {
    rmSync(dir, { recursive: true, force: true });
    // Nested node_modules are another package's code, and every tool but ripgrep skips them.
    const files = PACKAGES.filter((name) => existsSync(join(ROOT, 'node_modules', name))).flatMap((name) =>
      listFilesUnder(
        join(ROOT, 'node_modules', name),
        (path, base, size) => size <= MAX_FILE_BYTES && TEXT_EXTENSIONS.test(base) && !isProbablyBinary(readFileSync(path).subarray(0, 8192)),
        (folder) => folder !== 'node_modules' && folder !== '.git',
      ),
    );
    for (const file of files) {
      const target = join(dir, relative(join(ROOT, 'node_modules'), file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
    writeFileSync(listPath, JSON.stringify(files.map((file) => relative(join(ROOT, 'node_modules'), file))));
  }
  const files = JSON.parse(readFileSync(listPath, 'utf8')) as string[];
  const bytes = files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
  return { dir, files: files.length, bytes, packages: names };
}

/** ESLint from the cache, installed on first use; undefined (with why) when it cannot be. */
function eslintBin(): { bin: string; config: string } | { skipped: string } {
  const prefix = join(CACHE, `eslint-${ESLINT_VERSION}`);
  const bin = join(prefix, 'node_modules/eslint/bin/eslint.js');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    if (!existsSync(join(prefix, 'package.json'))) writeFileSync(join(prefix, 'package.json'), '{"private":true}\n');
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, `eslint@${ESLINT_VERSION}`], { encoding: 'utf8' });
    if (install.status !== 0 || !existsSync(bin)) return { skipped: `eslint@${ESLINT_VERSION} did not install (${(install.stderr || install.error?.message || '').trim().split('\n').pop()})` };
  }
  const config = join(prefix, 'speed.config.mjs');
  writeFileSync(
    config,
    `export default [{ files: ['**/*.js', '**/*.cjs', '**/*.mjs'], languageOptions: { ecmaVersion: 'latest' }, linterOptions: { reportUnusedDisableDirectives: 'off' }, rules: ${JSON.stringify(Object.fromEntries(ESLINT_RULES.map((rule) => [rule, 'error'])))} }];\n`,
  );
  return { bin, config };
}

/**
 * `comprehension check` on a real tree (a fixed list of this project's dependencies), all rules and
 * secrets only, beside ripgrep with secret regexes, ESLint with four core rules and secretlint's
 * recommended preset, in the same run: wall time and peak memory of each as a process, and the
 * issue's goals as ratios. A peer that is not available is skipped, with why.
 */
export async function run(): Promise<Record<string, unknown>> {
  mkdirSync(CACHE, { recursive: true });
  const tree = prepareTree();
  const skipped: Record<string, string> = {};
  const versions: Record<string, string> = { node: process.version, comprehension: versionOf(join(ROOT, 'package.json')) ?? '?' };
  const CLI = shippedBundle('cli.js');

  const startup = median(Array.from({ length: 5 }, () => timed(process.execPath, [CLI, '--version'], tree.dir)));
  const ours = (rules?: string, env?: NodeJS.ProcessEnv) =>
    timed(process.execPath, [CLI, 'check', '--root', tree.dir, '--format', 'json', '--max-file-size-kb', '1024', ...(rules ? ['--rules', rules] : [])], tree.dir, env);
  // The first run on a machine compiles TypeScript and leaves V8's code cache in the user cache
  // folder (src/core/runtime/code-cache.ts); the timed runs are the ones after it. Its cost is
  // measured once, with an empty cache folder of its own.
  const emptyCache = mkdtempSync(join(tmpdir(), 'cf-speed-cache-'));
  const firstRun = ours(undefined, { ...process.env, XDG_CACHE_HOME: emptyCache });
  rmSync(emptyCache, { recursive: true, force: true });
  ours();
  const summaryOf = (run: Timed) => {
    try {
      return (JSON.parse(run.stdout) as { summary: { filesChecked: number; findings: number; skipped: number } }).summary;
    } catch {
      throw new Error(`comprehension check failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    }
  };

  const rgAvailable = existsSync('/usr/bin/rg');
  if (!rgAvailable) skipped.ripgrep = '/usr/bin/rg is not installed (Debian package ripgrep)';
  else versions.ripgrep = spawnSync('/usr/bin/rg', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const rgArgs = ['--no-ignore', '--hidden', '--count-matches', ...SECRET_REGEXES.flatMap((regex) => ['-e', regex]), '.'];

  // The least any Node tool pays for this tree: start Node, walk the folders, read every file as
  // UTF-8, in one thread. Not a goal; it shows how much of a secrets-only run is the platform.
  const floorScript = join(CACHE, 'speed-node-floor.js');
  writeFileSync(
    floorScript,
    [
      "const { readdirSync, readFileSync } = require('node:fs');",
      "const { join } = require('node:path');",
      'let bytes = 0;',
      'const walk = (dir) => { for (const entry of readdirSync(dir, { withFileTypes: true })) { const path = join(dir, entry.name); if (entry.isDirectory()) walk(path); else if (entry.isFile()) bytes += readFileSync(path, "utf8").length; } };',
      'walk(process.argv[2]);',
      'console.log(bytes);',
    ].join('\n'),
  );

  // The same floor plus the secrets rule's scan of every file (its trigger search and what each hit
  // leads to, from the transpiled sources in out/src), and nothing else: no policy, no per-file
  // checks, no report. Not a goal either; what is left of a secrets-only run above it is the check.
  const scanFloorScript = join(CACHE, 'speed-node-scan-floor.js');
  const secretsModules = join(ROOT, 'out/src/core/rules/secrets');
  writeFileSync(
    scanFloorScript,
    [
      "const { readdirSync, readFileSync } = require('node:fs');",
      "const { join, relative } = require('node:path');",
      `const { scanForSecrets } = require(${JSON.stringify(join(secretsModules, 'scan.js'))});`,
      `const { classifyFile } = require(${JSON.stringify(join(secretsModules, 'file-kind.js'))});`,
      `const { secretsHardcodedSecret } = require(${JSON.stringify(join(secretsModules, 'hardcoded-secret.js'))});`,
      'const options = secretsHardcodedSecret.defaultOptions;',
      'let candidates = 0;',
      'const walk = (dir) => { for (const entry of readdirSync(dir, { withFileTypes: true })) { const path = join(dir, entry.name); if (entry.isDirectory()) walk(path); else if (entry.isFile()) candidates += scanForSecrets(readFileSync(path, "utf8"), classifyFile(relative(process.argv[2], path)), options).length; } };',
      'walk(process.argv[2]);',
      'console.log(candidates);',
    ].join('\n'),
  );

  const eslintSetup = eslintBin();
  if ('skipped' in eslintSetup) skipped.eslint = eslintSetup.skipped;
  else versions.eslint = ESLINT_VERSION;
  const runEslint = (): Timed | undefined => {
    if ('skipped' in eslintSetup || skipped.eslint !== undefined) return undefined;
    const run = timed(process.execPath, [eslintSetup.bin, '-c', eslintSetup.config, '--format', 'json', '--no-warn-ignored', '.'], tree.dir);
    if (run.status === 0 || run.status === 1) return run;
    skipped.eslint = `eslint exited with ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`;
    return undefined;
  };

  // Interleaved, so that a noisy spell on a shared machine does not fall on one tool only: each
  // round runs every command once, and a round's ratio compares runs minutes apart at most.
  const fullRuns: Timed[] = [];
  const secretsRuns: Timed[] = [];
  const rgRuns: Timed[] = [];
  const floorRuns: Timed[] = [];
  const scanFloorRuns: Timed[] = [];
  const eslintRuns: Timed[] = [];
  for (let i = 0; i < RUNS; i++) {
    floorRuns.push(timed(process.execPath, [floorScript, tree.dir], tree.dir));
    scanFloorRuns.push(timed(process.execPath, [scanFloorScript, tree.dir], tree.dir));
    if (rgAvailable) rgRuns.push(timed('/usr/bin/rg', rgArgs, tree.dir));
    secretsRuns.push(ours('secrets/*'));
    fullRuns.push(ours());
    const eslintRun = runEslint();
    if (eslintRun) eslintRuns.push(eslintRun);
  }
  const full = median(fullRuns);
  const secrets = median(secretsRuns);
  const rg = rgAvailable ? median(rgRuns) : undefined;
  const floor = median(floorRuns);
  const scanFloor = median(scanFloorRuns);
  if (scanFloor.status !== 0) throw new Error(`the scan floor failed (exit ${scanFloor.status}): ${scanFloor.stderr.slice(0, 2000)}`);
  const eslint = eslintRuns.length === RUNS ? median(eslintRuns) : undefined;
  /** The median of the rounds' ratios, each of two runs made back to back. */
  const pairedRatio = (ours: Timed[], theirs: Timed[], seconds: (run: Timed) => number) =>
    medianOf(ours.map((run, index) => seconds(run) / Math.max(seconds(theirs[index]), 0.01)));
  let eslintProblems: number | undefined;
  try {
    if (eslint) eslintProblems = (JSON.parse(eslint.stdout) as { messages: unknown[] }[]).reduce((sum, file) => sum + file.messages.length, 0);
  } catch {
    eslintProblems = undefined;
  }

  let secretlint: Timed | undefined;
  let secretlintFindings: number | undefined;
  const secretlintBin = join(ROOT, 'node_modules/secretlint/bin/secretlint.js');
  if (process.env.CF_BENCH_SKIP_SECRETLINT) skipped.secretlint = 'CF_BENCH_SKIP_SECRETLINT is set';
  else if (!existsSync(secretlintBin)) skipped.secretlint = 'secretlint (a devDependency) is not installed: npm ci';
  else {
    versions.secretlint = versionOf(join(ROOT, 'node_modules/secretlint/package.json')) ?? '?';
    const rc = join(CACHE, 'speed-secretlintrc.json');
    writeFileSync(rc, '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n');
    const output = join(CACHE, 'speed-secretlint.json');
    rmSync(output, { force: true });
    secretlint = timed(process.execPath, [secretlintBin, '--secretlintrc', rc, '--format', 'json', '--output', output, '**/*'], tree.dir);
    try {
      secretlintFindings = (JSON.parse(readFileSync(output, 'utf8')) as { messages: unknown[] }[]).reduce((sum, file) => sum + file.messages.length, 0);
    } catch {
      secretlintFindings = undefined;
    }
  }

  const fullSummary = summaryOf(full);
  const secretsSummary = summaryOf(secrets);
  const describe = (run: Timed & { allSeconds?: number[]; allCpuSeconds?: number[] }) => ({
    seconds: round(run.seconds),
    cpuSeconds: round(run.cpuSeconds),
    peakMiB: round(run.peakMiB, 0),
    ...(run.allSeconds ? { allSeconds: run.allSeconds } : {}),
    ...(run.allCpuSeconds ? { allCpuSeconds: run.allCpuSeconds } : {}),
  });
  const fullToEslint = eslint ? pairedRatio(fullRuns, eslintRuns, (run) => run.seconds) : undefined;
  const secretsToRipgrep = rg ? pairedRatio(secretsRuns, rgRuns, (run) => run.seconds) : undefined;
  return {
    tree: {
      what: 'text files up to 1 MiB of a fixed list of this project\'s dependencies (package-lock.json pins them), copied outside the project',
      dir: tree.dir,
      files: tree.files,
      megabytes: round(tree.bytes / 1048576, 1),
      packages: tree.packages,
    },
    versions,
    build: 'the production bundle (npm run build: minified, as the .vsix ships it), built by npm run bench into out/shipped',
    runsPerFastCommand: RUNS,
    cliStartup: { command: 'comprehension --version', ...describe(startup) },
    comprehensionAllRules: {
      ...describe(full),
      threads: defaultCheckThreads(fullSummary.filesChecked),
      filesChecked: fullSummary.filesChecked,
      findings: fullSummary.findings,
      skipped: fullSummary.skipped,
      firstRunOnTheMachine: { what: 'an empty user cache folder: TypeScript compiled, its code cache written', ...describe(firstRun) },
    },
    comprehensionSecretsOnly: { rules: 'secrets/*', ...describe(secrets), filesChecked: secretsSummary.filesChecked, findings: secretsSummary.findings },
    ...(rg ? { ripgrep: { regexes: SECRET_REGEXES.length, ...describe(rg) } } : {}),
    nodeReadFloor: { what: 'node: walk the tree and read every file as UTF-8, one thread, nothing else', ...describe(floor), toRipgrep: rg ? round(floor.seconds / Math.max(rg.seconds, 0.01), 1) : null },
    secretsScanFloor: {
      what: "node: the read floor plus the secrets rule's scan of every file (out/src, unbundled), one thread, nothing else",
      ...describe(scanFloor),
      toRipgrep: rg ? round(scanFloor.seconds / Math.max(rg.seconds, 0.01), 1) : null,
    },
    ...(eslint ? { eslint: { rules: ESLINT_RULES, ...describe(eslint), problems: eslintProblems } } : {}),
    ...(secretlint ? { secretlint: { preset: 'recommend', ...describe(secretlint), findings: secretlintFindings } } : {}),
    ...(Object.keys(skipped).length ? { skipped } : {}),
    goals: {
      how: 'wall time; each ratio is the median of the rounds\' ratios (one run of each command per round, back to back); ratioOfMedians and cpuRatio (user + system time) beside it',
      fullCheckToEslint: {
        goal: '<= 0.12',
        ratio: fullToEslint === undefined ? null : round(fullToEslint, 3),
        goalMet: fullToEslint === undefined ? null : fullToEslint <= 0.12,
        ...(eslint ? { ratioOfMedians: round(full.seconds / eslint.seconds, 3), cpuRatio: round(pairedRatio(fullRuns, eslintRuns, (run) => run.cpuSeconds), 3) } : {}),
      },
      fullCheckPeakMiB: { goal: '<= 350', peakMiB: round(full.peakMiB, 0), goalMet: full.peakMiB <= 350 },
      secretsOnlyToRipgrep: {
        goal: '<= 10',
        ratio: secretsToRipgrep === undefined ? null : round(secretsToRipgrep, 1),
        goalMet: secretsToRipgrep === undefined ? null : secretsToRipgrep <= 10,
        ...(rg ? { ratioOfMedians: round(secrets.seconds / Math.max(rg.seconds, 0.01), 1), cpuRatio: round(pairedRatio(secretsRuns, rgRuns, (run) => run.cpuSeconds), 1) } : {}),
      },
      ...(secretlint ? { fullCheckToSecretlint: round(full.seconds / secretlint.seconds, 3) } : {}),
    },
  };
}
