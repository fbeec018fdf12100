/**
 * Whether a reload of an open document from disk was git's doing (checkout, stash, stash pop,
 * rebase, merge, cherry-pick, reset, pull) rather than another process writing the file, such as an
 * agent. Git moves refs, the index or HEAD whenever it rewrites the working tree; an agent's write
 * does not. The editor records when such files change and asks {@link isGitReload} about a reload.
 */

/** How close (milliseconds) a change of git's state must be to a reload for the reload to count as git's. */
export interface GitReloadWindow {
  /**
   * Before the reload: git writes the working tree first or last depending on the command (a stash
   * moves its ref before resetting the files, a stash pop drops it after), and the editor sees the
   * file change a while after it happened (its watcher, a loaded machine).
   */
  beforeMs: number;
  /** After the reload: the ref or index update that ends the command can come after the editor reloaded. */
  afterMs: number;
}

/** The default window: wide enough for a slow machine, short enough not to hide an agent's next write. */
export const GIT_RELOAD_WINDOW: GitReloadWindow = { beforeMs: 3000, afterMs: 1500 };

/** Names directly inside the git folder whose change means git moved a ref, HEAD or the index. */
const GIT_STATE_FILES = new Set([
  'HEAD',
  'ORIG_HEAD',
  'index',
  'packed-refs',
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'REBASE_HEAD',
  'AUTO_MERGE',
]);

/** Folders inside the git folder whose files are git's state of refs and operations in progress. */
const GIT_STATE_FOLDERS = ['refs', 'logs', 'rebase-merge', 'rebase-apply', 'sequencer'];

/**
 * Whether a changed path inside the git folder (`relative`: POSIX, relative to `.git`) is a change of
 * git's state: HEAD, the index, a ref, a reflog (`logs/refs/stash` moves on stash and stash pop),
 * or the bookkeeping of a rebase, merge or cherry-pick. Objects, config, hooks and `FETCH_HEAD`
 * (a fetch touches no working file) are not; a `.lock` file counts as the file it locks, since git
 * renames it over that file.
 */
export function isGitStatePath(relative: string): boolean {
  const path = relative.replace(/\\/g, '/').replace(/^\/+/, '').replace(/\.lock$/, '');
  if (path.length === 0) return false;
  const [first] = path.split('/');
  if (!path.includes('/')) return GIT_STATE_FILES.has(path) || GIT_STATE_FOLDERS.includes(path);
  return GIT_STATE_FOLDERS.includes(first);
}

/**
 * Whether a reload at `reloadAt` (epoch ms) coincides with a change of git's state at one of
 * `gitChanges` (epoch ms), within `window`. The caller waits `window.afterMs` after the reload
 * before asking, so changes that end the git command are seen.
 */
export function isGitReload(reloadAt: number, gitChanges: readonly number[], window: GitReloadWindow = GIT_RELOAD_WINDOW): boolean {
  return gitChanges.some((at) => at >= reloadAt - window.beforeMs && at <= reloadAt + window.afterMs);
}

/** Keeps the times of the recent changes of git's state, for {@link isGitReload}; older ones are forgotten. */
export class GitActivity {
  private times: number[] = [];

  constructor(private readonly window: GitReloadWindow = GIT_RELOAD_WINDOW) {}

  /** A path inside the git folder changed (`relative` as for {@link isGitStatePath}); returns whether it counted. */
  changed(relative: string, at = Date.now()): boolean {
    if (!isGitStatePath(relative)) return false;
    // Only the window around a reload matters; keep what a reload still being settled may ask about.
    const keepAfter = at - this.window.beforeMs - this.window.afterMs * 2;
    this.times = this.times.filter((time) => time >= keepAfter);
    this.times.push(at);
    return true;
  }

  /** Whether a reload at `reloadAt` was git's (see {@link isGitReload}). */
  explains(reloadAt: number): boolean {
    return isGitReload(reloadAt, this.times, this.window);
  }
}
