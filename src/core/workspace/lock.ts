import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { processIsAlive } from '../runtime/process-alive';

/**
 * A lock file shared by processes on one machine (the editor, `comprehension mark`, agent hooks):
 * whoever creates the file with `O_EXCL` holds it. No dependency and no daemon: a holder that died
 * leaves a file another process recognises as stale and takes over.
 */

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /**
   * Give up when one holder has kept the lock this long (ms) while we waited; default 15 000. The
   * wait starts again whenever the lock changes hands: a queue of writers that moves (thirty agent
   * hooks at once on a loaded machine) never times out, a holder that hangs does.
   */
  timeoutMs?: number;
  /** A lock older than this (ms) is stale even when its holder seems alive (a hung process, another machine); default 30 000. */
  staleMs?: number;
}

/** Thrown when one holder kept the lock for the whole wait. */
export class LockTimeoutError extends Error {
  constructor(readonly lockFile: string, holder: string) {
    super(`${lockFile} is held by ${holder || 'another process'}; delete it if no comprehension process is running`);
    this.name = 'LockTimeoutError';
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_STALE_MS = 30_000;

/**
 * Runs `section` while holding the lock file `lockFile` (its folder is created), and releases it
 * however `section` ends. Waits (backing off from 5 to 100 ms) while other processes hold it, for
 * as long as it keeps changing hands (see {@link FileLockOptions.timeoutMs}).
 */
export async function withFileLock<T>(lockFile: string, section: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const token = await acquire(lockFile, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.staleMs ?? DEFAULT_STALE_MS);
  try {
    return await section();
  } finally {
    await release(lockFile, token);
  }
}

async function acquire(lockFile: string, timeoutMs: number, staleMs: number): Promise<string> {
  // pid, host, time and a nonce: the nonce tells this holder's file from a later one with the same pid.
  const token = `${process.pid} ${hostname()} ${new Date().toISOString()} ${randomBytes(6).toString('hex')}\n`;
  let deadline = Date.now() + timeoutMs;
  let lastHolder: string | undefined;
  let delay = 5;
  await mkdir(dirname(lockFile), { recursive: true });
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(token, 'utf8');
      } finally {
        await handle.close();
      }
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(lockFile);
    if (holder !== undefined && holder !== lastHolder) {
      lastHolder = holder;
      deadline = Date.now() + timeoutMs;
    }
    // Straight back to taking it once broken; while another breaker is at it, wait as for a holder.
    if (holder !== undefined && (await isStale(lockFile, holder, staleMs)) && (await breakStaleLock(lockFile, holder))) continue;
    if (Date.now() >= deadline) throw new LockTimeoutError(lockFile, holder?.trim() ?? '');
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(100, delay * 2);
  }
}

async function release(lockFile: string, token: string): Promise<void> {
  // Only our own file: had it been broken as stale, the file there now is someone else's.
  if ((await readHolder(lockFile)) === token) await rm(lockFile, { force: true });
}

async function readHolder(lockFile: string): Promise<string | undefined> {
  try {
    return await readFile(lockFile, 'utf8');
  } catch {
    return undefined; // Released meanwhile: try again.
  }
}

/** A file still being written by its creator has no pid yet (empty holder): it is judged by age only. */
async function isStale(lockFile: string, holder: string, staleMs: number): Promise<boolean> {
  const [pidText, host] = holder.split(' ');
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0 && !processIsAlive(pid)) return true;
  return ((await ageMs(lockFile)) ?? 0) > staleMs;
}

/** How long ago `path` was last written (ms), or undefined when it is gone (released meanwhile). */
async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** A breaker's claim older than this (ms) was left by a breaker that died: it holds its claim for a read and a removal. */
const BREAKER_STALE_MS = 5_000;

/**
 * Removes the lock file while it still holds `staleHolder`, the holder judged stale; true when it
 * did. The judgement was made on a holder read earlier, which may have released the lock (and
 * exited) since, and whoever took the lock after it must keep it. So the lock is read again and removed only under a
 * breaker's claim (`<lock>.break`, created with `O_EXCL`), which keeps other breakers out: while
 * the file holds a dead holder nobody else changes it. (Renaming the lock aside, reading it and
 * putting a live one back leaves the name free in between: a waiting process takes the lock beside
 * its holder, and one of two concurrent `mark`s loses its record.)
 */
export async function breakStaleLock(lockFile: string, staleHolder: string): Promise<boolean> {
  const claim = `${lockFile}.break`;
  try {
    await (await open(claim, 'wx')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    // Another process is breaking it; the caller waits and looks again. A claim left by a breaker
    // that died goes once it is old.
    if (((await ageMs(claim)) ?? 0) > BREAKER_STALE_MS) await rm(claim, { force: true });
    return false;
  }
  try {
    if ((await readHolder(lockFile)) !== staleHolder) return false;
    await rm(lockFile, { force: true });
    return true;
  } finally {
    await rm(claim, { force: true });
  }
}
