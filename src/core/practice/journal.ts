/**
 * The crash-safe journal of the active practice session: one JSON file, written atomically,
 * holding what is needed to undo the settings switch-off after a crash.
 *
 * Protocol (the extension follows it; {@link PracticeSession} in session.ts does it for you):
 * 1. plan the switch-off, 2. `begin()` writes the journal with the snapshot, 3. apply the updates,
 * `markApplied()` after each (write-ahead: a crash between 2 and 3 leaves a journal whose restore
 * is a no-op), 4. `heartbeat()` every minute or so, 5. on stop: `beginRestore()`, apply the restore
 * updates, `markSettled()` after each, `finish()`; a restore that cannot finish ends with
 * `setAsideUnfinished()`, so no journal blocks the next session for good.
 *
 * Every write is a read-check-write under a lock file (`<path>.lock`) as well as serialized in
 * this process: two windows cannot both begin a session, or both claim one left behind.
 *
 * On start-up, `inspectJournal(now)` says whether a session was left behind. The journal lives in
 * the extension's global storage, because the settings it changes are (mostly) user-wide: every
 * window sees the same journal, and only the owner (pid + host) writes to it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from '../workspace/lock';
import { processIsAlive } from '../runtime/process-alive';
import { readJsonFile, writeFileAtomic } from '../workspace/fs';
import type { PracticeTally } from './accounting';
import type { SettingsSnapshot, UserChange } from './settings-plan';

/** Where a session is in its life. */
export type JournalStatus = 'active' | 'restoring' | 'done';

/** The process that runs the session. */
export interface JournalOwner {
  pid: number;
  host: string;
  /** Last sign of life, epoch ms. */
  heartbeatAt: number;
}

/** The journal file's content. */
export interface JournalRecord {
  format: 'comprehension-practice-journal';
  version: 1;
  sessionId: string;
  startedAt: number;
  status: JournalStatus;
  owner: JournalOwner;
  snapshot: SettingsSnapshot;
  /** Slot ids (see `slotId`) that a restore has settled; a restore interrupted by a crash resumes after them. */
  settledSlots: string[];
  /**
   * Slot ids whose off value was written (by the start or by a Resume), in order. Absent in
   * journals of older versions. Progress only: the settings themselves are the truth about what
   * is off, and the snapshot the truth about what to put back.
   */
  appliedSlots?: string[];
  /** User changes a restore left in place, for the end-of-session report. */
  respectedUserChanges: UserChange[];
  restoreStartedAt?: number;
  endedAt?: number;
  /** Time accounting so far, so that "Resume" after a crash keeps the session's time. */
  tally?: PracticeTally;
}

/**
 * What start-up should do about the journal:
 * - `none`: no session pending (no file, or the last session finished);
 * - `live`: a session is running in a live process (maybe this one, maybe another window) — leave it.
 *   `ownedHere` while this process holds no such session in memory means an earlier extension host
 *   had the same pid (containers reuse small pids): treat it as abandoned;
 * - `abandoned`: a session was left active by a process that is gone → offer Restore or Resume;
 * - `restore-interrupted`: a restore was cut short → finish it (no question needed);
 * - `corrupt`: the file is damaged; it was moved aside, and AI settings may still be off →
 *   warn the user with `warning` (never continue silently).
 */
export type JournalInspection =
  | { kind: 'none'; record?: JournalRecord }
  | { kind: 'live'; record: JournalRecord; ownedHere: boolean }
  | { kind: 'abandoned'; record: JournalRecord; reason: OwnerGoneReason }
  | { kind: 'restore-interrupted'; record: JournalRecord; reason: OwnerGoneReason }
  | { kind: 'corrupt'; message: string; preservedAs?: string; warning: string };

/** Why a session's owner counts as gone. */
export type OwnerGoneReason = 'owner-exited' | 'heartbeat-stale';

/** Result of a journal write. */
export type JournalWrite =
  | {
      ok: true;
      record: JournalRecord;
      /** Set by {@link PracticeJournal.claim}: the owner before the claim; its last heartbeat ends a crashed session. */
      previousOwner?: JournalOwner;
    }
  | { ok: false; reason: 'missing' | 'not-owner' | 'other-session' | 'corrupt' | 'session-pending'; message: string };

/** Journal settings; the process identity and liveness check are injectable for tests. */
export interface JournalOptions {
  /** A heartbeat older than this means the owner is gone even if its pid is alive (pid reuse, frozen window). Default 5 min. */
  staleAfterMs?: number;
  pid?: number;
  host?: string;
  isProcessAlive?: (pid: number) => boolean;
}

/** Default for {@link JournalOptions.staleAfterMs}; heartbeats should come at least every minute. */
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/**
 * How far in the future a heartbeat may lie and still count: clocks of windows on one machine
 * agree, so more than this means a clock that jumped back or a forged file, and a live pid must
 * not keep such a session "live" for ever.
 */
export const FUTURE_HEARTBEAT_TOLERANCE_MS = 2 * 60_000;

/** Orphaned temp files of the journal's atomic writes (a process killed mid-write) older than this are removed at the next inspection. */
export const ORPHAN_TEMP_AGE_MS = 60_000;

/** Checks a parsed journal; returns what is wrong, or undefined when it is usable. */
export function validateJournalRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const record = value as Partial<JournalRecord>;
  if (record.format !== 'comprehension-practice-journal') return 'unknown format';
  if (record.version !== 1) return `unsupported version ${String(record.version)}`;
  if (typeof record.sessionId !== 'string' || record.sessionId === '') return 'missing sessionId';
  if (typeof record.startedAt !== 'number') return 'missing startedAt';
  if (record.status !== 'active' && record.status !== 'restoring' && record.status !== 'done') return 'bad status';
  const owner = record.owner;
  if (!owner || typeof owner.pid !== 'number' || typeof owner.host !== 'string' || typeof owner.heartbeatAt !== 'number') return 'bad owner';
  const snapshot = record.snapshot;
  if (!snapshot || snapshot.format !== 'comprehension-settings-snapshot' || !Array.isArray(snapshot.entries) || !Array.isArray(snapshot.skipped)) {
    return 'bad snapshot';
  }
  for (const entry of snapshot.entries) {
    if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string') return 'bad snapshot entry';
    if (entry.scope !== 'global' && entry.scope !== 'workspace' && entry.scope !== 'workspaceFolder') return `bad scope for ${entry.key}`;
    const previous = entry.previous as { state?: unknown } | undefined;
    if (!previous || (previous.state !== 'set' && previous.state !== 'unset')) return `bad previous value for ${entry.key}`;
    if (previous.state === 'set' && !('value' in previous)) return `missing previous value for ${entry.key}`;
    if (!('offValue' in entry) || typeof entry.written !== 'boolean') return `bad entry for ${entry.key}`;
  }
  if (!Array.isArray(record.settledSlots) || record.settledSlots.some((id) => typeof id !== 'string')) return 'bad settledSlots';
  if (!Array.isArray(record.respectedUserChanges)) return 'bad respectedUserChanges';
  if (record.appliedSlots !== undefined && (!Array.isArray(record.appliedSlots) || record.appliedSlots.some((id) => typeof id !== 'string'))) return 'bad appliedSlots';
  return undefined;
}

/** A file-name-safe timestamp: `2026-03-15T10-15-00-000Z` (Windows forbids `:`). */
function fileStamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

/** The journal file of practice sessions. One instance per process; writes are serialized. */
export class PracticeJournal {
  private readonly staleAfterMs: number;
  private readonly pid: number;
  private readonly host: string;
  private readonly isProcessAlive: (pid: number) => boolean;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param path the journal file, e.g. `<globalStorage>/practice-journal.json`. */
  constructor(
    readonly path: string,
    options: JournalOptions = {},
  ) {
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? hostname();
    this.isProcessAlive = options.isProcessAlive ?? processIsAlive;
  }

  /** This process as a journal owner. */
  owner(now: number): JournalOwner {
    return { pid: this.pid, host: this.host, heartbeatAt: now };
  }

  /**
   * Reads the journal and classifies it (see {@link JournalInspection}). A damaged file is
   * renamed to `<path>.corrupt-<timestamp>` so nothing is lost and the next start is clean.
   */
  async inspectJournal(now: number): Promise<JournalInspection> {
    return this.serialized(async () => {
      await this.removeOrphanTemps();
      const read = await this.read();
      if (read.kind === 'missing') return { kind: 'none' };
      if (read.kind === 'corrupt') return this.setAside(read.message, now);
      const record = read.record;
      if (record.status === 'done') return { kind: 'none', record };
      const gone = this.ownerGone(record.owner, now);
      if (!gone) return { kind: 'live', record, ownedHere: this.isMine(record.owner) };
      return record.status === 'active' ? { kind: 'abandoned', record, reason: gone } : { kind: 'restore-interrupted', record, reason: gone };
    });
  }

  /**
   * Starts a session's journal. Refuses while another session is pending (live, abandoned or
   * half-restored) or the file is damaged: that must be dealt with first, or its snapshot is lost.
   */
  async begin(sessionId: string, snapshot: SettingsSnapshot, now: number, tally?: PracticeTally): Promise<JournalWrite> {
    return this.exclusive(async () => {
      const read = await this.read();
      if (read.kind === 'corrupt') return { ok: false, reason: 'corrupt', message: read.message };
      if (read.kind === 'ok' && read.record.status !== 'done') {
        return { ok: false, reason: 'session-pending', message: `practice session ${read.record.sessionId} is still ${read.record.status}` };
      }
      const record: JournalRecord = {
        format: 'comprehension-practice-journal',
        version: 1,
        sessionId,
        startedAt: now,
        status: 'active',
        owner: this.owner(now),
        snapshot,
        settledSlots: [],
        respectedUserChanges: [],
        ...(tally ? { tally } : {}),
      };
      await this.write(record);
      return { ok: true, record };
    });
  }

  /** Records a sign of life (and optionally the accounting so far). Fails if another process took the session over. */
  async heartbeat(sessionId: string, now: number, tally?: PracticeTally): Promise<JournalWrite> {
    return this.mutate(sessionId, (record) => {
      record.owner.heartbeatAt = now;
      if (tally) record.tally = tally;
    });
  }

  /**
   * Makes this process the owner of a session left behind (before Resume or Restore). Allowed
   * only when the current owner is gone or is this process.
   */
  async claim(sessionId: string, now: number): Promise<JournalWrite> {
    return this.exclusive(async () => {
      const read = await this.read();
      if (read.kind === 'missing') return { ok: false, reason: 'missing', message: 'no practice journal' };
      if (read.kind === 'corrupt') return { ok: false, reason: 'corrupt', message: read.message };
      const record = read.record;
      if (record.sessionId !== sessionId) return { ok: false, reason: 'other-session', message: `the journal holds session ${record.sessionId}` };
      if (!this.isMine(record.owner) && !this.ownerGone(record.owner, now)) {
        return { ok: false, reason: 'not-owner', message: `session ${sessionId} is run by process ${record.owner.pid} on ${record.owner.host}` };
      }
      const previousOwner = { ...record.owner };
      record.owner = this.owner(now);
      await this.write(record);
      return { ok: true, record, previousOwner };
    });
  }

  /** Replaces the snapshot (keys added mid-session). */
  async updateSnapshot(sessionId: string, snapshot: SettingsSnapshot, now: number): Promise<JournalWrite> {
    return this.mutate(sessionId, (record) => {
      record.snapshot = snapshot;
      record.owner.heartbeatAt = now;
    });
  }

  /** Records switch-off progress: the off values of these slots were written. */
  async markApplied(sessionId: string, slotIds: readonly string[], now: number): Promise<JournalWrite> {
    return this.mutate(sessionId, (record) => {
      const applied = record.appliedSlots ?? [];
      for (const id of slotIds) if (!applied.includes(id)) applied.push(id);
      record.appliedSlots = applied;
      record.owner.heartbeatAt = now;
    });
  }

  /**
   * Moves the journal of a session whose restore cannot finish out of the way, under a name that
   * never overwrites an earlier one, so that Start works again and the record of what stayed off
   * is kept. Only the owner may do it (claim first).
   */
  async setAsideUnfinished(sessionId: string, now: number): Promise<{ ok: true; preservedAs: string } | { ok: false; message: string }> {
    return this.exclusive(async () => {
      const read = await this.read();
      if (read.kind === 'missing') return { ok: false, message: 'no practice journal' };
      if (read.kind === 'corrupt') return { ok: false, message: read.message };
      if (read.record.sessionId !== sessionId) return { ok: false, message: `the journal holds session ${read.record.sessionId}` };
      if (!this.isMine(read.record.owner)) return { ok: false, message: `session ${sessionId} is run by process ${read.record.owner.pid} on ${read.record.owner.host}` };
      try {
        return { ok: true, preservedAs: await this.moveAside('unfinished', now) };
      } catch (error) {
        return { ok: false, message: `could not move ${this.path} aside: ${(error as Error).message}` };
      }
    });
  }

  /** Marks the session as restoring; from here a crash resumes the restore instead of asking. */
  async beginRestore(sessionId: string, now: number, tally?: PracticeTally): Promise<JournalWrite> {
    return this.mutate(sessionId, (record) => {
      if (record.status === 'active') {
        record.status = 'restoring';
        record.restoreStartedAt = now;
      }
      record.owner.heartbeatAt = now;
      if (tally) record.tally = tally;
    });
  }

  /** Records restore progress: these slots are back (or left to the user). */
  async markSettled(sessionId: string, slotIds: readonly string[], now: number, respected: readonly UserChange[] = []): Promise<JournalWrite> {
    return this.mutate(sessionId, (record) => {
      const settled = new Set(record.settledSlots);
      for (const id of slotIds) settled.add(id);
      record.settledSlots = [...settled];
      record.respectedUserChanges.push(...respected);
      record.owner.heartbeatAt = now;
    });
  }

  /** Ends the session: nothing is left to restore. */
  async finish(sessionId: string, now: number): Promise<JournalWrite> {
    return this.mutate(sessionId, (record) => {
      record.status = 'done';
      record.endedAt = now;
      record.owner.heartbeatAt = now;
    });
  }

  private async mutate(sessionId: string, change: (record: JournalRecord) => void): Promise<JournalWrite> {
    // Under the lock too: a frozen owner's heartbeat must not overwrite a claim made meanwhile.
    return this.exclusive(async () => {
      const read = await this.read();
      if (read.kind === 'missing') return { ok: false, reason: 'missing', message: 'no practice journal' };
      if (read.kind === 'corrupt') return { ok: false, reason: 'corrupt', message: read.message };
      const record = read.record;
      if (record.sessionId !== sessionId) return { ok: false, reason: 'other-session', message: `the journal holds session ${record.sessionId}` };
      if (!this.isMine(record.owner)) {
        return { ok: false, reason: 'not-owner', message: `session ${sessionId} was taken over by process ${record.owner.pid} on ${record.owner.host}` };
      }
      change(record);
      await this.write(record);
      return { ok: true, record };
    });
  }

  private isMine(owner: JournalOwner): boolean {
    return owner.pid === this.pid && owner.host === this.host;
  }

  /** Undefined while the owner looks alive. A pid on another host cannot be checked; the heartbeat decides. */
  private ownerGone(owner: JournalOwner, now: number): OwnerGoneReason | undefined {
    if (owner.host === this.host && owner.pid !== this.pid && !this.isProcessAlive(owner.pid)) return 'owner-exited';
    if (now - owner.heartbeatAt > this.staleAfterMs) return 'heartbeat-stale';
    // A live owner rewrites the heartbeat with its own clock; one far ahead of ours is no sign of life.
    if (owner.heartbeatAt - now > FUTURE_HEARTBEAT_TOLERANCE_MS) return 'heartbeat-stale';
    return undefined;
  }

  private async read(): Promise<{ kind: 'ok'; record: JournalRecord } | { kind: 'missing' } | { kind: 'corrupt'; message: string }> {
    const read = await readJsonFile<unknown>(this.path);
    if (read.kind !== 'ok') return read;
    const problem = validateJournalRecord(read.value);
    if (problem) return { kind: 'corrupt', message: `${this.path} is not a valid practice journal: ${problem}` };
    return { kind: 'ok', record: read.value as JournalRecord };
  }

  private async write(record: JournalRecord): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(record, null, 2)}\n`);
  }

  private async setAside(message: string, now: number): Promise<JournalInspection> {
    const warning =
      'The practice-mode journal was damaged, so the settings from before the last practice session are unknown. ' +
      'AI features may still be switched off (editor.inlineSuggest.enabled, github.copilot.enable, chat.disableAIFeatures). ' +
      'Check them, or run the command that switches them back on.';
    try {
      return { kind: 'corrupt', message, preservedAs: await this.moveAside('corrupt', now), warning };
    } catch (error) {
      return { kind: 'corrupt', message: `${message} (could not move it aside: ${(error as Error).message})`, warning };
    }
  }

  /**
   * Renames the journal to `<path>.<label>-<timestamp>-<nonce>` without ever replacing an existing
   * file: `link` fails on an existing name (rename would overwrite it), so two set-asides in one
   * millisecond keep two copies. File systems without hard links fall back to a rename to a name
   * checked to be free (the nonce makes a clash there practically impossible).
   */
  private async moveAside(label: string, now: number): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const target = `${this.path}.${label}-${fileStamp(now)}-${randomBytes(4).toString('hex')}`;
      try {
        await link(this.path, target);
        await unlink(this.path);
        return target;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && attempt < 5) continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
        const taken = await stat(target).then(
          () => true,
          () => false,
        );
        if (taken) continue;
        await rename(this.path, target);
        return target;
      }
    }
  }

  /**
   * Removes temp files of this journal's atomic writes left by a process killed between writing
   * and renaming. Only names `.<journal file name>.*.tmp` next to it, and only when older than
   * {@link ORPHAN_TEMP_AGE_MS} (by the file clock), so a write in flight in another window is never touched.
   */
  private async removeOrphanTemps(): Promise<void> {
    const folder = dirname(this.path);
    const prefix = `.${basename(this.path)}.`;
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return; // No folder yet: nothing to clean.
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const path = join(folder, name);
      try {
        const info = await stat(path);
        if (info.isFile() && Date.now() - info.mtimeMs > ORPHAN_TEMP_AGE_MS) await rm(path, { force: true });
      } catch {
        continue; // Renamed into place or removed by its writer meanwhile: nothing to do.
      }
    }
  }

  /**
   * Runs a read-check-write that must not interleave with another process's (two windows starting
   * or claiming at once): serialized in this process, and under a lock file across processes.
   */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.serialized(() => withFileLock(`${this.path}.lock`, task, { timeoutMs: 10_000, staleMs: 30_000 }));
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    // The caller gets the rejection through `run`; the queue itself must only keep going.
    this.queue = run.catch(() => undefined);
    return run;
  }
}
