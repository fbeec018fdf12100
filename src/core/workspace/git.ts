import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one place that starts git. Every caller in the product (check, report, notes, import,
 * workspace listing) goes through {@link git}, so flags that must always apply (no shell, no
 * console window on Windows, paths printed as UTF-8) and the error wording live here once.
 */

/** Options of {@link git}. */
export interface GitOptions {
  /** Largest stdout accepted, in bytes; default 256 MiB (a big repository's `ls-files` runs to tens of MiB). */
  maxBuffer?: number;
  /** Milliseconds before git is killed; default none. */
  timeout?: number;
  /** Text written to git's standard input (then closed). */
  input?: string;
}

/** Why {@link git} failed: git is not installed, or it ran and exited non-zero (or was killed). */
export class GitError extends Error {
  constructor(
    message: string,
    /** `not-installed`: no `git` on the PATH. `failed`: git ran and failed. */
    readonly reason: 'not-installed' | 'failed',
    /** git's whole standard error, for callers that want more than the first line. */
    readonly stderr: string = '',
  ) {
    super(message);
    this.name = 'GitError';
  }
}

const DEFAULT_MAX_BUFFER = 256 * 1024 * 1024;

/**
 * Runs git in `cwd` without a shell and resolves with its stdout. Rejects with a {@link GitError}
 * whose message is the first line of git's stderr (or `git is not installed` when it is missing).
 * `core.quotepath=off` makes git print non-ASCII paths as they are instead of octal escapes.
 */
export function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-c', 'core.quotepath=off', ...args],
      { cwd, maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BUFFER, timeout: options.timeout, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          // A missing `cwd` gives the same ENOENT as a missing git; tell the two apart.
          if (!existsSync(cwd)) reject(new GitError(`cannot run git in ${cwd}: the folder does not exist`, 'failed'));
          else reject(new GitError('git is not installed (no `git` on the PATH)', 'not-installed'));
          return;
        }
        const firstLine = String(stderr).trim().split('\n')[0];
        const why = firstLine || (error.killed ? `git ${args[0] ?? ''} was stopped (${error.signal ?? 'timeout'})` : error.message.trim());
        reject(new GitError(why, 'failed', String(stderr)));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** {@link git}'s output, or undefined when git fails or is missing: for callers that fall back. */
export function gitOrUndefined(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string | undefined> {
  return git(cwd, args, options).catch(() => undefined);
}

/**
 * The git-listed files under `root` (tracked plus untracked-not-ignored), relative to it, or
 * undefined when `root` is not in a git work tree or git is missing.
 */
export async function listGitFiles(root: string): Promise<string[] | undefined> {
  const listing = await listGitFilesOrProblem(root);
  return 'files' in listing ? listing.files : undefined;
}

/**
 * {@link listGitFiles}, saying why git did not list: `{}` when `root` is simply not in a git work
 * tree (or git is missing and there is no `.git` here), `{ problem }` with git's own words when
 * git refused a repository that is there ("detected dubious ownership", a damaged index): a caller
 * that falls back to walking the folder must say so, because the walk ignores `.gitignore`.
 */
export async function listGitFilesOrProblem(root: string): Promise<{ files: string[] } | { problem?: string }> {
  try {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 512 * 1024 * 1024 });
    return { files: out.split('\0').filter((path) => path.length > 0) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof GitError && error.reason === 'not-installed') return existsSync(join(root, '.git')) ? { problem: message } : {};
    if (/not a git repository/i.test(message)) return {};
    return { problem: message };
  }
}

/** Untracked, not ignored files under `root`, relative to it. Rejects when git fails. */
export async function listUntrackedFiles(root: string): Promise<string[]> {
  return (await git(root, ['ls-files', '-z', '--others', '--exclude-standard'])).split('\0').filter((path) => path.length > 0);
}

/** The text of `path` (repository-relative POSIX) in the HEAD commit; undefined when it is not there or git fails. */
export function showHead(cwd: string, path: string): Promise<string | undefined> {
  return gitOrUndefined(cwd, ['show', `HEAD:${path}`], { maxBuffer: 64 * 1024 * 1024 });
}

/** `user.name` and `user.email` as git resolves them in `cwd`; a part is absent when unset or git is missing. */
export interface GitIdentity {
  name?: string;
  email?: string;
}

/** Reads {@link GitIdentity} from git config (local, then global and system, as git does). */
export async function gitIdentity(cwd: string): Promise<GitIdentity> {
  const read = async (key: string): Promise<string | undefined> => {
    const value = (await gitOrUndefined(cwd, ['config', '--get', key], { timeout: 5000 }))?.trim();
    return value ? value : undefined;
  };
  const [name, email] = await Promise.all([read('user.name'), read('user.email')]);
  return { ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}) };
}

/**
 * `Name <email>` of the author of the last commit that touched `path` (repository-relative POSIX);
 * undefined when it was never committed, or git fails or is missing.
 */
export async function lastCommitAuthor(cwd: string, path: string): Promise<string | undefined> {
  const out = (await gitOrUndefined(cwd, ['log', '-1', '--format=%an <%ae>', '--', path], { timeout: 10_000 }))?.trim();
  return out ? out : undefined;
}

/** One line of `--numstat` output: added and deleted line counts (undefined for binary files) and the path. */
export interface NumstatEntry {
  added: number | undefined;
  deleted: number | undefined;
  path: string;
}

/** Parses `git log --numstat` / `git diff --numstat` output (without `-z`); other lines are skipped. */
export function parseNumstat(output: string): NumstatEntry[] {
  const entries: NumstatEntry[] = [];
  for (const line of output.split('\n')) {
    const match = /^(\d+|-)\t(\d+|-)\t(.+)$/.exec(line);
    if (!match) continue;
    entries.push({ added: match[1] === '-' ? undefined : Number(match[1]), deleted: match[2] === '-' ? undefined : Number(match[2]), path: match[3] });
  }
  return entries;
}

/** Runs a git command that prints `--numstat` (e.g. `['log', '--since=…', '--format=']`) and parses it. */
export async function numstat(cwd: string, args: readonly string[]): Promise<NumstatEntry[]> {
  return parseNumstat(await git(cwd, [...args, '--numstat']));
}

/** 1-based inclusive line ranges. */
export type LineRanges = Array<[number, number]>;

/**
 * Lines added or changed in the working tree since `ref`, per repository-relative path: the
 * PR-gate view. Untracked (not ignored) files count as wholly changed (`'all'`).
 */
export async function changedLinesSince(root: string, ref: string): Promise<Map<string, LineRanges | 'all'>> {
  // Resolving first gives a clear error for a bad ref instead of a diff of nothing.
  await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new Error(`'${ref}' is not a commit in this repository`);
  });
  const diff = await git(root, ['diff', '--unified=0', '--no-color', '--no-ext-diff', '--find-renames', ref, '--']);
  const changed = parseUnifiedZeroDiff(diff);
  for (const path of await listUntrackedFiles(root)) changed.set(path, 'all');
  return changed;
}

/** Parses `git diff --unified=0` output into the added line ranges of each new-side path. */
export function parseUnifiedZeroDiff(diff: string): Map<string, LineRanges | 'all'> {
  const changed = new Map<string, LineRanges | 'all'>();
  let current: LineRanges | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = unquoteGitPath(target).replace(/^b\//, '');
      current = [];
      changed.set(path, current);
    } else if (line.startsWith('@@') && current) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!match) continue;
      const start = Number(match[1]);
      const count = match[2] === undefined ? 1 : Number(match[2]);
      if (count > 0) current.push([start, start + count - 1]);
    }
  }
  return changed;
}

/** git quotes paths with unusual characters as C strings ("a\303\251.ts"). */
function unquoteGitPath(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Whether any line of `[startLine, endLine]` (1-based) is in `ranges`. */
export function touchesChangedLines(ranges: LineRanges | 'all' | undefined, startLine: number, endLine: number): boolean {
  if (ranges === undefined) return false;
  if (ranges === 'all') return true;
  return ranges.some(([from, to]) => from <= endLine && startLine <= to);
}
