/**
 * The practice session lifecycle, so the extension only has to adapt VS Code's settings API
 * ({@link SettingsPort}) and forward events: start (plan, journal, switch off), track, heartbeat,
 * stop (restore with per-slot progress, save history), and recovery of sessions left behind by a
 * crash (Resume or Restore).
 */
import { randomUUID } from 'node:crypto';
import {
  closeTally,
  createTally,
  recordActivity,
  recordBreach,
  resumeTally,
  sessionTotals,
  type AccountingOptions,
  type ActivityEvent,
  type AiBreach,
  type PracticeTally,
  type SessionTotals,
} from './accounting';
import { saveSession, sessionRecordFromTally, type ExerciseRecord, type SessionRecord } from './history';
import type { JournalInspection, JournalRecord, JournalWrite, PracticeJournal } from './journal';
import type { JsonValue } from './json';
import {
  findReenabled,
  planExtendSwitchOff,
  planRestore,
  planSwitchOff,
  slotId,
  type DeferredSlot,
  type SettingInspection,
  type SettingsContext,
  type SettingsSnapshot,
  type SettingUpdate,
  type SkippedKey,
  type UserChange,
} from './settings-plan';

/**
 * What the extension provides: VS Code's configuration API behind three calls.
 * `inspect` returns, for each key, `getConfiguration().inspect(key)` (plus one inspection per
 * folder in a multi-root workspace with `folder` set, and one per language in `languageIds` with
 * `languageId` set); `apply` performs one `update(...)` as described in settings-plan.ts and
 * throws when VS Code refuses.
 */
export interface SettingsPort {
  context(): SettingsContext;
  inspect(keys: readonly string[]): Promise<SettingInspection[]>;
  apply(update: SettingUpdate): Promise<void>;
}

/** What a {@link PracticeSessions} needs. */
export interface PracticeSessionsOptions {
  journal: PracticeJournal;
  settings: SettingsPort;
  /** The history file, e.g. `<globalStorage>/practice-history.json`. */
  historyPath: string;
  /** The user's IANA zone for days and weeks. */
  timeZone: string;
  accounting?: AccountingOptions;
  newSessionId?: () => string;
}

/** An update VS Code refused. */
export interface UpdateFailure {
  update: SettingUpdate;
  message: string;
}

/** The session running in this process. */
export interface ActiveSession {
  sessionId: string;
  tally: PracticeTally;
  snapshot: SettingsSnapshot;
  exercises: ExerciseRecord[];
}

/** Result of {@link PracticeSessions.start}. */
export type StartResult =
  | { ok: true; sessionId: string; applied: number; failures: UpdateFailure[]; skipped: SkippedKey[]; problems: string[] }
  | { ok: false; reason: 'already-running'; sessionId: string }
  | { ok: false; reason: 'pending'; inspection: JournalInspection }
  | { ok: false; reason: 'journal'; message: string };

/** Result of a restore (stop, or recovery of a session left behind). */
export interface RestoreResult {
  sessionId: string;
  /** Every change undone (or left to the user); the journal is closed unless `journalError` says otherwise. */
  complete: boolean;
  restored: number;
  respectedUserChanges: UserChange[];
  deferred: DeferredSlot[];
  failures: UpdateFailure[];
  /** The stored session, when there was accounting to store. */
  session?: SessionRecord;
  totals?: SessionTotals;
  /** Set when the history could not be written (the restore itself still happened). */
  historyError?: string;
  /** Set when the journal could not be updated. */
  journalError?: string;
}

/** Drives practice sessions for one process (one extension host). */
export class PracticeSessions {
  private current: ActiveSession | undefined;
  private readonly newSessionId: () => string;

  constructor(private readonly options: PracticeSessionsOptions) {
    this.newSessionId = options.newSessionId ?? randomUUID;
  }

  /** The running session, if this process runs one. */
  get active(): ActiveSession | undefined {
    return this.current;
  }

  /** What start-up should do (see {@link JournalInspection}); a `live` session owned here but not in memory counts as abandoned. */
  async inspect(now: number): Promise<JournalInspection> {
    const inspection = await this.options.journal.inspectJournal(now);
    if (inspection.kind === 'live' && inspection.ownedHere && this.current?.sessionId !== inspection.record.sessionId) {
      return { kind: 'abandoned', record: inspection.record, reason: 'owner-exited' };
    }
    return inspection;
  }

  /**
   * Starts a session: plans the switch-off, writes the journal, then applies the updates. Refuses
   * while a session is running or pending (call {@link inspect} and resolve it first).
   */
  async start(offValues: Readonly<Record<string, JsonValue>>, now: number): Promise<StartResult> {
    if (this.current) return { ok: false, reason: 'already-running', sessionId: this.current.sessionId };
    const inspection = await this.inspect(now);
    if (inspection.kind !== 'none') return { ok: false, reason: 'pending', inspection };
    const context = this.options.settings.context();
    const inspections = await this.options.settings.inspect(Object.keys(offValues));
    const plan = planSwitchOff(inspections, offValues, context);
    const sessionId = this.newSessionId();
    const tally = createTally(sessionId, this.options.timeZone, now, this.options.accounting);
    const begun = await this.options.journal.begin(sessionId, plan.snapshot, now, tally);
    if (!begun.ok) return { ok: false, reason: 'journal', message: begun.message };
    this.current = { sessionId, tally, snapshot: plan.snapshot, exercises: [] };
    const failures = await this.applyAll(plan.updates);
    return { ok: true, sessionId, applied: plan.updates.length - failures.length, failures, skipped: plan.snapshot.skipped, problems: plan.problems };
  }

  /** Forwards an activity event to the running session's accounting (no I/O). */
  activity(event: ActivityEvent): void {
    if (this.current) recordActivity(this.current.tally, event);
  }

  /** Records an AI insertion caught during the running session (no I/O). */
  breach(breach: AiBreach): void {
    if (this.current) recordBreach(this.current.tally, breach);
  }

  /** Adds a finished exercise to the running session (no I/O; saved with the next heartbeat). */
  exercise(record: ExerciseRecord): void {
    if (this.current) this.current.exercises.push({ ...record });
  }

  /**
   * Call every minute or so: refreshes the journal's heartbeat and accounting and saves the
   * session to the history. A deleted journal is written again. Returns `ok: false` when the
   * journal cannot be written; if another process took the session over (this window was frozen
   * past the stale limit) the session is also dropped here, as that process now restores it.
   */
  async heartbeat(now: number): Promise<{ ok: boolean; message?: string }> {
    const session = this.current;
    if (!session) return { ok: false, message: 'no session running' };
    let written = await this.options.journal.heartbeat(session.sessionId, now, session.tally);
    if (!written.ok && written.reason === 'missing') {
      // Someone deleted the journal (cleared storage): write it again from memory.
      written = await this.options.journal.begin(session.sessionId, session.snapshot, now, session.tally);
    }
    if (!written.ok) {
      // Taken over by another window: that window restores. A damaged file: keep running; stop() restores from memory.
      if (written.reason === 'not-owner' || written.reason === 'other-session') this.current = undefined;
      return { ok: false, message: written.message };
    }
    try {
      await saveSession(this.options.historyPath, sessionRecordFromTally(session.tally, session.exercises), now);
    } catch (error) {
      return { ok: true, message: `history not saved: ${(error as Error).message}` };
    }
    return { ok: true };
  }

  /** Switches off keys added to the list during the session. */
  async extend(offValues: Readonly<Record<string, JsonValue>>, now: number): Promise<{ applied: number; failures: UpdateFailure[]; skipped: SkippedKey[] }> {
    const session = this.current;
    if (!session) return { applied: 0, failures: [], skipped: [] };
    const context = this.options.settings.context();
    const inspections = await this.options.settings.inspect(Object.keys(offValues));
    const plan = planExtendSwitchOff(session.snapshot, inspections, offValues, context);
    const written = await this.options.journal.updateSnapshot(session.sessionId, plan.snapshot, now);
    if (!written.ok) return { applied: 0, failures: plan.updates.map((update) => ({ update, message: written.message })), skipped: plan.snapshot.skipped };
    session.snapshot = plan.snapshot;
    const failures = await this.applyAll(plan.updates);
    return { applied: plan.updates.length - failures.length, failures, skipped: plan.snapshot.skipped };
  }

  /** Settings switched back on during the running session (to warn about, or re-apply). */
  async reenabled(): Promise<UserChange[]> {
    const session = this.current;
    if (!session) return [];
    const keys = [...new Set(session.snapshot.entries.map((entry) => entry.key))];
    return findReenabled(session.snapshot, await this.options.settings.inspect(keys), this.options.settings.context());
  }

  /** Ends the running session: closes the accounting, restores settings, stores the session. */
  async stop(now: number): Promise<RestoreResult | undefined> {
    const session = this.current;
    if (!session) return undefined;
    closeTally(session.tally, now);
    const begun = await this.options.journal.beginRestore(session.sessionId, now, session.tally);
    this.current = undefined;
    if (!begun.ok && (begun.reason === 'not-owner' || begun.reason === 'other-session')) {
      // Another window owns the session now and will restore it.
      return { sessionId: session.sessionId, complete: false, restored: 0, respectedUserChanges: [], deferred: [], failures: [], journalError: begun.message };
    }
    // A deleted or damaged journal must not leave AI switched off: restore from memory instead.
    const record: JournalRecord = begun.ok
      ? begun.record
      : { ...this.detachedRecord(session, now), status: 'restoring' };
    const result = await this.restore(record, now, begun.ok);
    if (!begun.ok) result.journalError = begun.message;
    return this.storeHistory(result, session.tally, session.exercises, now);
  }

  /**
   * Continues a session left behind (the user chose Resume): takes ownership, keeps its
   * accounting (the time the editor was gone does not count) and its snapshot.
   */
  async resume(sessionId: string, now: number): Promise<{ ok: true; session: ActiveSession } | { ok: false; message: string }> {
    if (this.current) return { ok: false, message: `session ${this.current.sessionId} is already running` };
    const claimed = await this.options.journal.claim(sessionId, now);
    if (!claimed.ok) return { ok: false, message: claimed.message };
    if (claimed.record.status !== 'active') return { ok: false, message: `session ${sessionId} is already being restored` };
    const tally = claimed.record.tally ?? createTally(sessionId, this.options.timeZone, claimed.record.startedAt, this.options.accounting);
    resumeTally(tally, now);
    this.current = { sessionId, tally, snapshot: claimed.record.snapshot, exercises: [] };
    return { ok: true, session: this.current };
  }

  /**
   * Restores the settings of a session left behind (the user chose Restore, or a restore was
   * interrupted) and stores its accounting up to its last heartbeat. Safe to repeat.
   */
  async recover(sessionId: string, now: number): Promise<RestoreResult> {
    const empty = { sessionId, complete: false, restored: 0, respectedUserChanges: [], deferred: [], failures: [] };
    const claimed = await this.options.journal.claim(sessionId, now);
    if (!claimed.ok) return { ...empty, journalError: claimed.message };
    const lastSeen = claimed.previousOwner?.heartbeatAt ?? now;
    const tally = claimed.record.tally;
    if (tally) closeTally(tally, Math.max(lastSeen, tally.lastEventAt));
    const begun = await this.options.journal.beginRestore(sessionId, now, tally);
    if (!begun.ok) return { ...empty, journalError: begun.message };
    const result = await this.restore(begun.record, now);
    return tally ? this.storeHistory(result, tally, [], now) : result;
  }

  /**
   * Gives up on slots that cannot be restored from here (another workspace that will not be
   * opened again): closes the journal. The caller shows the user what stays switched off.
   */
  async abandonDeferred(sessionId: string, now: number): Promise<{ ok: boolean; message?: string }> {
    const claimed = await this.options.journal.claim(sessionId, now);
    if (!claimed.ok) return { ok: false, message: claimed.message };
    const finished = await this.options.journal.finish(sessionId, now);
    return finished.ok ? { ok: true } : { ok: false, message: finished.message };
  }

  /** The journal record the running session would have, for restoring without a usable journal file. */
  private detachedRecord(session: ActiveSession, now: number): JournalRecord {
    return {
      format: 'comprehension-practice-journal',
      version: 1,
      sessionId: session.sessionId,
      startedAt: session.tally.startedAt,
      status: 'active',
      owner: this.options.journal.owner(now),
      snapshot: session.snapshot,
      settledSlots: [],
      respectedUserChanges: [],
      tally: session.tally,
    };
  }

  /**
   * Applies the restore plan slot by slot, marking progress in the journal after each slot.
   * If the journal cannot be written, restoring goes on regardless (switching AI back on matters
   * more than progress marks) and the result carries `journalError`.
   */
  private async restore(record: JournalRecord, now: number, journaled = true): Promise<RestoreResult> {
    const sessionId = record.sessionId;
    const keys = [...new Set(record.snapshot.entries.filter((entry) => entry.written).map((entry) => entry.key))];
    const context = this.options.settings.context();
    const plan = planRestore(record.snapshot, await this.options.settings.inspect(keys), context, { settled: record.settledSlots });
    const result: RestoreResult = {
      sessionId,
      complete: false,
      restored: 0,
      respectedUserChanges: [...record.respectedUserChanges, ...plan.respectedUserChanges],
      deferred: plan.deferred,
      failures: [],
    };
    const mark = async (write: () => Promise<JournalWrite>): Promise<void> => {
      if (!journaled) return;
      const written = await write();
      if (!written.ok) {
        journaled = false;
        result.journalError = written.message;
      }
    };
    const noOps = [...plan.alreadyRestored, ...plan.respectedUserChanges.map((change) => slotId(change))];
    if (noOps.length > 0) await mark(() => this.options.journal.markSettled(sessionId, noOps, now, plan.respectedUserChanges));
    for (let i = 0; i < plan.updates.length; i++) {
      try {
        await this.options.settings.apply(plan.updates[i]);
      } catch (error) {
        result.failures.push({ update: plan.updates[i], message: (error as Error).message });
        continue;
      }
      result.restored++;
      // Progress per slot: a crash from here on resumes after this slot.
      await mark(() => this.options.journal.markSettled(sessionId, [plan.restoring[i]], now));
    }
    if (plan.complete && result.failures.length === 0) {
      await mark(() => this.options.journal.finish(sessionId, now));
      result.complete = true;
    }
    return result;
  }

  private async storeHistory(result: RestoreResult, tally: PracticeTally, exercises: ExerciseRecord[], now: number): Promise<RestoreResult> {
    const session = sessionRecordFromTally(tally, exercises);
    const withSession = { ...result, session, totals: sessionTotals(tally) };
    try {
      const saved = await saveSession(this.options.historyPath, session, now);
      // Exercises saved by earlier heartbeats live in the history; keep them in the returned record.
      const stored = saved.history.sessions.find((candidate) => candidate.id === session.id);
      return { ...withSession, session: stored ?? session };
    } catch (error) {
      return { ...withSession, historyError: (error as Error).message };
    }
  }

  private async applyAll(updates: readonly SettingUpdate[]): Promise<UpdateFailure[]> {
    const failures: UpdateFailure[] = [];
    for (const update of updates) {
      try {
        await this.options.settings.apply(update);
      } catch (error) {
        failures.push({ update, message: (error as Error).message });
      }
    }
    return failures;
  }
}
