import { createHash, randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ensureCacheIgnored } from '../hooks/local-cache';
import { saveDrill, type DrillRecord } from '../practice/history';
import { git, GitError } from '../workspace/git';
import { readBoundedFile, readJsonFile, writeFileAtomic } from '../workspace/fs';
import { DRILL_SESSION_PATH } from '../workspace/layout';
import { withFileLock } from '../workspace/lock';
import { processIsAlive } from '../runtime/process-alive';
import type { DrillSite, LineRange } from './catalogue';
import { findDrillSites, hintsFor, orderSites, parseForDrill, plantSite, sameSyntax, syntaxErrors } from './plant';
import { detectTestCommand, ranAnyTest, runTests, trimOutput, type TestCommand, type TestRun } from './test-run';

/**
 * A debugging drill's life: start (a git worktree of the repository in a temporary folder, one
 * bug planted in an AI block, the tests run to find the symptom), hints, check (rerun the tests,
 * or compare syntax trees), give up, and the end (the copy removed, the result stored in a
 * practice history). The running drill's state is `.comprehension/.cache/drill.json`, so the CLI's
 * separate commands and a restarted editor find it; a drill whose editor process is gone, and any
 * drill copy without a running drill, is removed at the next start (the crash case).
 */

/** Folder-name prefix of drill copies in the temporary folder (how stale ones are recognised). */
export const DRILL_FOLDER_PREFIX = 'comprehension-drill-';
/** Candidates tried with the tests before settling for one no test notices. */
export const DEFAULT_MAX_CANDIDATES = 6;
/** Files copied from a dirty working tree into the drill copy, at most. */
const MAX_COPIED_FILES = 2000;

/** Who runs a drill: the CLI (its commands are separate processes) or an editor process (gone = crashed). */
export interface DrillOwner {
  host: 'cli' | 'editor';
  pid: number;
}

/** The running drill, as stored in {@link DRILL_SESSION_PATH}. */
export interface DrillSession {
  format: 'comprehension-drill';
  version: 1;
  id: string;
  /** The real working tree (never changed by the drill). */
  root: string;
  /** The drill copy: a git worktree in the temporary folder. */
  worktree: string;
  /** Workspace-relative POSIX path of the file with the planted bug. */
  file: string;
  block: LineRange;
  site: DrillSite;
  hints: [string, string, string];
  hintsUsed: number;
  startedAt: number;
  owner: DrillOwner;
  /** The seed the candidates were ordered with (`--seed` repeats the drill). */
  seed: number;
  /** sha256 of the file before planting, and its text (for the syntax comparison). */
  originalHash: string;
  originalText: string;
  test: TestCommand;
  /** Tests failing before the bug was planted (not the user's to fix). */
  baselineFailed: string[];
  /** Tests the planted bug makes fail; empty when none does (then the fix is verified by syntax). */
  killingTests: string[];
  /** What the user is shown: the failing tests' output, or a described misbehaviour. */
  symptom: string;
  /** sha256 of every file of the copy that differs from its commit, at the start (changes elsewhere are refused at check). */
  copyHashes: Record<string, string>;
}

/** What {@link startDrill} needs. */
export interface StartDrillOptions {
  root: string;
  /** Workspace-relative POSIX path. */
  file: string;
  /** The AI block's lines. */
  block: LineRange;
  owner: DrillOwner;
  /** Which bug: the same seed plants the same bug in the same code; random when absent. */
  seed?: number;
  now?: () => number;
  testTimeoutMs?: number;
  maxCandidates?: number;
}

/** A refusal a user can act on (no sites, a drill already running, no commit to copy...). */
export class DrillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillError';
  }
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function sessionPath(root: string): string {
  return join(root, DRILL_SESSION_PATH);
}

/**
 * The running drill of a workspace, or undefined (a damaged file reads as none; {@link cleanupStaleDrills}
 * removes it). A session naming another workspace, or a copy that is not a drill folder in the
 * temporary folder, is no drill: the file could be committed by anyone, and its copy is deleted.
 */
export async function loadDrill(root: string): Promise<DrillSession | undefined> {
  const read = await readJsonFile<DrillSession>(sessionPath(root), { root });
  if (read.kind !== 'ok') return undefined;
  const session = read.value;
  if (session?.format !== 'comprehension-drill' || session.version !== 1 || typeof session.worktree !== 'string' || typeof session.file !== 'string') return undefined;
  if (session.root !== root || !isDrillFolder(session.worktree)) return undefined;
  if (typeof session.owner?.pid !== 'number' || (session.owner.host !== 'cli' && session.owner.host !== 'editor')) return undefined;
  return session;
}

/** Whether `path` is a folder a drill creates: `comprehension-drill-*` directly in the temporary folder. */
export function isDrillFolder(path: string): boolean {
  if (!basename(path).startsWith(DRILL_FOLDER_PREFIX)) return false;
  const real = (folder: string): string => (existsSync(folder) ? realpathSync(folder) : resolve(folder));
  return real(dirname(resolve(path))) === real(tmpdir());
}

async function saveDrillSession(session: DrillSession): Promise<void> {
  await ensureCacheIgnored(session.root);
  await writeFileAtomic(sessionPath(session.root), `${JSON.stringify(session, null, 2)}\n`, { root: session.root });
}

/** Whether a stored drill still has someone to finish it: a CLI drill always does (the next `drill` command); an editor drill while its process lives. */
export function drillIsLive(session: DrillSession): boolean {
  return session.owner.host === 'cli' || processIsAlive(session.owner.pid);
}

/** Removes a drill copy: `git worktree remove --force`, the folder if git could not, then `git worktree prune`. */
export async function removeDrillCopy(root: string, worktree: string): Promise<void> {
  await git(root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
  // Never a folder the drill did not make, whatever a session file says.
  if (isDrillFolder(worktree)) rmSync(worktree, { recursive: true, force: true });
  await git(root, ['worktree', 'prune']).catch(() => undefined);
}

/** The drill copies git knows of for this repository (worktrees in folders named {@link DRILL_FOLDER_PREFIX}...). */
async function drillWorktrees(root: string): Promise<string[]> {
  const listed = await git(root, ['worktree', 'list', '--porcelain']).catch(() => '');
  return listed
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .filter((path) => isDrillFolder(path));
}

/** What {@link cleanupStaleDrills} did. */
export interface StaleCleanup {
  /** Drill copies removed. */
  removed: string[];
  /** The drill left behind by an editor that is gone, recorded as abandoned. */
  abandoned?: DrillRecord;
}

/**
 * Removes what a crash left behind: the drill of an editor process that is gone (recorded in
 * `historyPath` as abandoned when given), and every drill copy of this repository that is not
 * the running drill's. Call at editor start and before a new drill.
 */
export async function cleanupStaleDrills(root: string, options: { historyPath?: string; now?: () => number } = {}): Promise<StaleCleanup> {
  const now = options.now ?? Date.now;
  const result: StaleCleanup = { removed: [] };
  let live = await loadDrill(root);
  if (live && !drillIsLive(live)) {
    const record = drillRecord(live, 'abandoned', now());
    if (options.historyPath) await saveDrill(options.historyPath, record, now());
    result.abandoned = record;
    await removeDrillCopy(root, live.worktree);
    result.removed.push(live.worktree);
    rmSync(sessionPath(root), { force: true });
    live = undefined;
  }
  if (!live && existsSync(sessionPath(root))) rmSync(sessionPath(root), { force: true });
  for (const worktree of await drillWorktrees(root)) {
    if (live && samePath(worktree, live.worktree)) continue;
    await removeDrillCopy(root, worktree);
    result.removed.push(worktree);
  }
  return result;
}

function samePath(a: string, b: string): boolean {
  const real = (path: string): string => (existsSync(path) ? realpathSync(path) : path);
  return real(a) === real(b);
}

/** Files of a working tree that differ from HEAD (modified, added, untracked; `deleted` separately). */
async function dirtyFiles(cwd: string): Promise<{ changed: string[]; deleted: string[] }> {
  const status = await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const changed: string[] = [];
  const deleted: string[] = [];
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const path = entry.slice(3);
    // A rename's entry is followed by its old path.
    if (code.includes('R') || code.includes('C')) i++;
    if (code.includes('D')) deleted.push(path);
    else changed.push(path);
  }
  return { changed, deleted };
}

async function readText(path: string, root: string): Promise<string> {
  const read = await readBoundedFile(path, { root });
  if (read.kind === 'ok') return read.bytes.toString('utf8');
  throw new DrillError(read.kind === 'missing' ? `${path} does not exist` : read.reason);
}

/** Creates the drill copy: a detached worktree of HEAD with the working tree's uncommitted changes and `node_modules` linked in. */
async function createDrillCopy(root: string): Promise<string> {
  const head = await git(root, ['rev-parse', '--verify', 'HEAD']).catch(() => undefined);
  if (!head) throw new DrillError('the repository has no commit yet: a drill copies the last commit (plus your changes), so commit once first');
  const worktree = mkdtempSync(join(tmpdir(), DRILL_FOLDER_PREFIX));
  try {
    await git(root, ['worktree', 'add', '--detach', worktree, 'HEAD']);
    // The drill is on the code as the user has it, uncommitted changes (often the AI block itself) included.
    const { changed, deleted } = await dirtyFiles(root);
    if (changed.length > MAX_COPIED_FILES) throw new DrillError(`the working tree has ${changed.length} uncommitted files (at most ${MAX_COPIED_FILES} are copied into a drill); commit or stash some first`);
    for (const path of changed) {
      const read = await readBoundedFile(join(root, path), { root });
      if (read.kind === 'ok') await writeFileAtomic(join(worktree, path), read.bytes.toString('utf8'), { root: worktree });
    }
    for (const path of deleted) rmSync(join(worktree, path), { force: true });
    const modules = join(root, 'node_modules');
    if (existsSync(modules) && !existsSync(join(worktree, 'node_modules'))) symlinkSync(modules, join(worktree, 'node_modules'), 'junction');
    return worktree;
  } catch (error) {
    await removeDrillCopy(root, worktree);
    throw error instanceof GitError ? new DrillError(`could not create the drill copy: ${error.message}`) : error;
  }
}

/** New failures of a run: failing tests that did not fail before the bug. */
function newFailures(run: TestRun, baselineFailed: readonly string[]): string[] {
  const before = new Set(baselineFailed);
  return run.failed.filter((name) => !before.has(name));
}

/**
 * Starts a drill on the AI block `block` of `file`: creates the copy, plants one bug, runs the
 * tests to find a bug a test notices (trying up to `maxCandidates` sites in the seed's order),
 * stores the session. The real working tree is never written, except `.comprehension/.cache/`.
 */
export async function startDrill(options: StartDrillOptions): Promise<DrillSession> {
  const now = options.now ?? Date.now;
  const { root, file, block } = options;
  await cleanupStaleDrills(root, { now });
  const running = await loadDrill(root);
  if (running) throw new DrillError(`a drill is already running on ${running.file} (copy in ${running.worktree}); check it or give up first`);
  const originalText = await readText(join(root, file), root);
  const parsed = parseForDrill(file, originalText);
  if (!parsed) throw new DrillError(`${file}: drills plant bugs in JavaScript and TypeScript only`);
  const sites = findDrillSites(file, originalText, block);
  const originalErrors = syntaxErrors(parsed);
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  // A planted file must parse when the original did: the drill is about behaviour, not a syntax error.
  const candidates = orderSites(sites, seed).filter((site) => {
    const planted = parseForDrill(file, plantSite(originalText, site));
    return planted !== undefined && syntaxErrors(planted) <= originalErrors;
  });
  if (candidates.length === 0) throw new DrillError(`${file}:${block.startLine}-${block.endLine}: no place to plant a bug (no comparison, condition, await, call with two arguments, duration, null check or catch in the block)`);

  const worktree = await createDrillCopy(root);
  try {
    const test = detectTestCommand(worktree);
    const timeoutMs = options.testTimeoutMs;
    const baseline = await runTests(worktree, test, timeoutMs);
    const testsUsable = !baseline.timedOut && ranAnyTest(baseline);
    let chosen = candidates[0];
    let killing: TestRun | undefined;
    let killingTests: string[] = [];
    if (testsUsable) {
      for (const site of candidates.slice(0, options.maxCandidates ?? DEFAULT_MAX_CANDIDATES)) {
        await writeFileAtomic(join(worktree, file), plantSite(originalText, site), { root: worktree });
        const run = await runTests(worktree, test, timeoutMs);
        const failures = newFailures(run, baseline.failed);
        if (!run.timedOut && failures.length > 0) {
          chosen = site;
          killing = run;
          killingTests = failures;
          break;
        }
      }
    }
    await writeFileAtomic(join(worktree, file), plantSite(originalText, chosen), { root: worktree });
    const symptom = killing
      ? `${killingTests.length === 1 ? 'This test fails' : `These ${killingTests.length} tests fail`} (${test.label}):\n${killingTests.map((name) => `  ✖ ${name}`).join('\n')}\n\n${trimOutput(killing.output, killingTests)}`
      : `No test notices this bug${testsUsable ? '' : ` (the tests could not be run: ${baseline.timedOut ? 'they timed out' : 'no test result in their output'})`}. What goes wrong:\n  ${chosen.symptom}\nYour fix is verified by comparing the code with the original (formatting and comments aside).`;
    const session: DrillSession = {
      format: 'comprehension-drill',
      version: 1,
      id: randomUUID(),
      root,
      worktree,
      file,
      block: { startLine: block.startLine, endLine: block.endLine },
      site: chosen,
      hints: hintsFor(chosen, file),
      hintsUsed: 0,
      startedAt: now(),
      owner: options.owner,
      seed,
      originalHash: sha256(originalText),
      originalText,
      test,
      baselineFailed: baseline.failed,
      killingTests,
      symptom,
      copyHashes: await copyHashes(worktree),
    };
    await withFileLock(`${sessionPath(root)}.lock`, async () => {
      if (await loadDrill(root)) throw new DrillError('another drill started meanwhile');
      await saveDrillSession(session);
    });
    return session;
  } catch (error) {
    await removeDrillCopy(root, worktree);
    throw error;
  }
}

async function copyHashes(worktree: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const { changed, deleted } = await dirtyFiles(worktree);
  for (const path of changed) {
    const read = await readBoundedFile(join(worktree, path), { root: worktree });
    hashes[path] = read.kind === 'ok' ? sha256(read.bytes) : read.kind;
  }
  for (const path of deleted) hashes[path] = 'deleted';
  return hashes;
}

/** The next hint (1, 2, 3), counted in the session; the last one again once all are used. */
export async function takeHint(root: string): Promise<{ hint: string; number: number; of: number }> {
  const session = await requireDrill(root);
  const number = Math.min(session.hintsUsed + 1, session.hints.length);
  session.hintsUsed = number;
  await saveDrillSession(session);
  return { hint: session.hints[number - 1], number, of: session.hints.length };
}

async function requireDrill(root: string): Promise<DrillSession> {
  const session = await loadDrill(root);
  if (!session) throw new DrillError('no drill is running in this workspace (start one with `comprehension drill start FILE:LINE`)');
  return session;
}

/** The outcome of {@link checkDrill}. */
export type DrillCheck =
  | { solved: true; record: DrillRecord; verifiedBy: 'tests' | 'syntax'; run: TestRun }
  | { solved: false; reason: string; stillFailing: string[]; run?: TestRun };

/**
 * Checks the user's fix in the drill copy. With killing tests: solved when every one of them is
 * reported passing (a deleted or skipped test is not a pass) and no test fails that passed before
 * the bug. Without: solved when the file's syntax tree equals the original's (trivia aside) and no
 * new test fails. Changes to other files of the copy are refused (the bug is in one file). On
 * success the result is stored in `historyPath`, the copy removed and the session ended.
 */
export async function checkDrill(root: string, options: { historyPath: string; now?: () => number; testTimeoutMs?: number }): Promise<DrillCheck> {
  const now = options.now ?? Date.now;
  const session = await requireDrill(root);
  if (!existsSync(session.worktree)) return { solved: false, reason: `the drill copy ${session.worktree} is gone; give up to end the drill`, stillFailing: [] };
  const changedElsewhere = await changesOutsideDrillFile(session);
  if (changedElsewhere.length > 0) {
    return { solved: false, reason: `only ${session.file} holds the bug; undo your changes to ${changedElsewhere.join(', ')} in the drill copy`, stillFailing: [] };
  }
  const fixed = await readText(join(session.worktree, session.file), session.worktree);
  const run = await runTests(session.worktree, session.test, options.testTimeoutMs);
  if (run.timedOut) return { solved: false, reason: 'the tests timed out', stillFailing: [], run };
  const broken = newFailures(run, session.baselineFailed);
  let verifiedBy: 'tests' | 'syntax';
  if (session.killingTests.length > 0) {
    const passed = new Set(run.passed);
    const notPassing = session.killingTests.filter((name) => !passed.has(name));
    if (notPassing.length > 0 || broken.length > 0) {
      const stillFailing = [...new Set([...notPassing, ...broken])];
      const missing = notPassing.filter((name) => !run.failed.includes(name));
      return {
        solved: false,
        reason: missing.length > 0 ? `not reported as passing: ${missing.join(', ')} (a test that no longer runs does not count)` : `still failing: ${stillFailing.join(', ')}`,
        stillFailing,
        run,
      };
    }
    verifiedBy = 'tests';
  } else {
    if (!sameSyntax(session.file, session.originalText, fixed)) return { solved: false, reason: 'the code does not behave like the original yet (its syntax differs from the original)', stillFailing: broken, run };
    if (broken.length > 0) return { solved: false, reason: `the code matches the original, but these tests fail: ${broken.join(', ')}`, stillFailing: broken, run };
    verifiedBy = 'syntax';
  }
  const record = { ...drillRecord(session, 'solved', now()), verifiedBy };
  await endDrill(session, record, options.historyPath);
  return { solved: true, record, verifiedBy, run };
}

async function changesOutsideDrillFile(session: DrillSession): Promise<string[]> {
  const now = await copyHashes(session.worktree);
  const paths = new Set([...Object.keys(now), ...Object.keys(session.copyHashes)]);
  paths.delete(session.file);
  return [...paths].filter((path) => now[path] !== session.copyHashes[path]).sort();
}

/** Ends the drill unsolved: stores it as given up, removes the copy; returns the session (what was planted). */
export async function giveUpDrill(root: string, options: { historyPath: string; now?: () => number }): Promise<{ session: DrillSession; record: DrillRecord }> {
  const now = options.now ?? Date.now;
  const session = await requireDrill(root);
  const record = drillRecord(session, 'given-up', now());
  await endDrill(session, record, options.historyPath);
  return { session, record };
}

async function endDrill(session: DrillSession, record: DrillRecord, historyPath: string): Promise<void> {
  try {
    await saveDrill(historyPath, record, record.endedAt);
  } finally {
    // The copy goes even when the history cannot be written: a drill never outlives its end.
    await removeDrillCopy(session.root, session.worktree);
    rmSync(sessionPath(session.root), { force: true });
  }
}

/** The history entry of a drill ending now with `outcome`. */
export function drillRecord(session: DrillSession, outcome: DrillRecord['outcome'], endedAt: number): DrillRecord {
  return {
    id: session.id,
    file: session.file,
    kind: session.site.kind,
    startedAt: session.startedAt,
    endedAt,
    outcome,
    ...(outcome === 'solved' ? { diagnosisSeconds: Math.round((endedAt - session.startedAt) / 1000) } : {}),
    hintsUsed: session.hintsUsed,
    failingTests: [...session.killingTests],
  };
}

/** The planted change as a reader sees it: line, what it was, what it became. */
export function describePlanted(session: DrillSession): string {
  const { site } = session;
  return `${session.file}:${site.line} (${site.kind}): ${site.description}\n  was:    ${site.before}\n  became: ${site.newText === '' ? '(removed)' : site.newText}`;
}
