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
  countSwitchedOff,
  findReenabled,
  planExtendSwitchOff,
  planReapplyOff,
  planRestore,
  planSwitchOff,
  slotId,
  snapshotLanguageIds,
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
 * `languageId` set, plus one per language in `options.languageIds`: a restore asks for the
 * languages its snapshot names, because a settings file VS Code emptied no longer lists them);
 * `apply` performs one `update(...)` as described in settings-plan.ts and throws when VS Code refuses.
 */
export interface SettingsPort {
  context(): SettingsContext;
  inspect(keys: readonly string[], options?: { languageIds?: readonly string[] }): Promise<SettingInspection[]>;
  apply(update: SettingUpdate): Promise<void>;
  /**
   * Optional: resolves true once VS Code registers every one of `keys` (an extension that
   * registers them late, or again after AI features were switched back on), false after `timeoutMs`.
   */
  whenRegistered?(keys: readonly string[], timeoutMs: number): Promise<boolean>;
}

/** How long a restore waits for keys VS Code does not register yet before it reports them as not restored. */
export const REGISTRATION_WAIT_MS = 10_000;

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
  /** Of `restored`, values that had vanished from a settings file VS Code left empty or torn, put back from the journal. */
  rebuilt?: number;
  /**
   * Set when a recovery could not finish (see `deferred` and `failures` for what stays off): the
   * journal was moved here, so it is kept but no longer blocks Start.
   */
  journalSetAside?: string;
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
      // Not running here: an earlier host with this pid, or a Stop of this process that could not finish its restore.
      const kind = inspection.record.status === 'active' ? 'abandoned' : 'restore-interrupted';
      return { kind, record: inspection.record, reason: 'owner-exited' };
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
    const failures = await this.applyAll(plan.updates, sessionId, now);
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
    const failures = await this.applyAll(plan.updates, session.sessionId, now);
    return { applied: plan.updates.length - failures.length, failures, skipped: plan.snapshot.skipped };
  }

  /** Settings switched back on during the running session (to warn about, or re-apply). */
  async reenabled(): Promise<UserChange[]> {
    const session = this.current;
    if (!session) return [];
    return findReenabled(session.snapshot, await this.inspectSnapshot(session.snapshot), this.options.settings.context());
  }

  /**
   * How many of a session's AI settings are off now, of how many it switches off: a crash can
   * come part-way through the switch-off, so the recovery question must not claim they all are.
   */
  async switchedOff(snapshot: SettingsSnapshot): Promise<{ off: number; total: number }> {
    return countSwitchedOff(snapshot, await this.inspectSnapshot(snapshot), this.options.settings.context());
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
   * accounting (the time the editor was gone does not count) and its snapshot, and writes every
   * off value again, because the crash may have come part-way through the switch-off (or VS Code
   * lost a settings file). Each write is recorded in the journal (`appliedSlots`); a crash during
   * them leaves an active session whose snapshot still holds every previous value, so Restore or
   * another Resume after it is as safe as after the first crash.
   */
  async resume(
    sessionId: string,
    now: number,
  ): Promise<{ ok: true; session: ActiveSession; reapplied: number; failures: UpdateFailure[]; deferred: DeferredSlot[] } | { ok: false; message: string }> {
    if (this.current) return { ok: false, message: `session ${this.current.sessionId} is already running` };
    const claimed = await this.options.journal.claim(sessionId, now);
    if (!claimed.ok) return { ok: false, message: claimed.message };
    if (claimed.record.status !== 'active') return { ok: false, message: `session ${sessionId} is already being restored` };
    const tally = claimed.record.tally ?? createTally(sessionId, this.options.timeZone, claimed.record.startedAt, this.options.accounting);
    resumeTally(tally, now);
    const snapshot = claimed.record.snapshot;
    this.current = { sessionId, tally, snapshot, exercises: [] };
    const plan = planReapplyOff(snapshot, await this.inspectSnapshot(snapshot), this.options.settings.context());
    // Progress only (see applyAll): a journal that cannot take it must not stop AI being switched off.
    if (plan.alreadyOff.length > 0) await this.options.journal.markApplied(sessionId, plan.alreadyOff, now).catch((error: Error) => ({ ok: false, message: error.message }));
    const failures = await this.applyAll(plan.updates, sessionId, now);
    return { ok: true, session: this.current, reapplied: plan.updates.length - failures.length, failures, deferred: plan.deferred };
  }

  /**
   * Restores the settings of a session left behind (the user chose Restore, or a restore was
   * interrupted) and stores its accounting up to its last heartbeat. Safe to repeat.
   *
   * A journal is never left stuck: when slots cannot be restored (VS Code refuses, a key is gone),
   * the journal is moved aside (`journalSetAside`) and the result lists what stays off. Slots of
   * another workspace keep the journal pending so that opening that workspace finishes them,
   * unless `final` (the user wants to start a new session now) sets it aside as well.
   */
  async recover(sessionId: string, now: number, options: { final?: boolean } = {}): Promise<RestoreResult> {
    const empty = { sessionId, complete: false, restored: 0, respectedUserChanges: [], deferred: [], failures: [] };
    const claimed = await this.options.journal.claim(sessionId, now);
    if (!claimed.ok) return { ...empty, journalError: claimed.message };
    const lastSeen = claimed.previousOwner?.heartbeatAt ?? now;
    const tally = claimed.record.tally;
    if (tally) closeTally(tally, Math.max(lastSeen, tally.lastEventAt));
    const begun = await this.options.journal.beginRestore(sessionId, now, tally);
    if (!begun.ok) return { ...empty, journalError: begun.message };
    const result = await this.restore(begun.record, now);
    const waitsForWorkspace = result.failures.length === 0 && result.deferred.every((slot) => slot.reason === 'other-workspace');
    if (!result.complete && !result.journalError && (options.final || !waitsForWorkspace)) {
      const aside = await this.options.journal.setAsideUnfinished(sessionId, now);
      if (aside.ok) result.journalSetAside = aside.preservedAs;
      else result.journalError = aside.message;
    }
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
    const context = this.options.settings.context();
    const settled = new Set(record.settledSlots);
    // Refused once: not tried again in the second round (one failure per slot in the result).
    const failed = new Set<string>();
    const result: RestoreResult = {
      sessionId,
      complete: false,
      restored: 0,
      rebuilt: 0,
      respectedUserChanges: [...record.respectedUserChanges],
      deferred: [],
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
    // A second round only for keys VS Code did not register at the first: extensions register
    // theirs late, or again once `chat.disableAIFeatures` (restored in the first round) is off.
    for (let round = 0; ; round++) {
      const plan = planRestore(record.snapshot, await this.inspectSnapshot(record.snapshot), context, { settled, applied: record.appliedSlots });
      const rebuilt = new Set(plan.rebuilt);
      result.respectedUserChanges.push(...plan.respectedUserChanges);
      result.deferred = plan.deferred;
      const noOps = [...plan.alreadyRestored, ...plan.respectedUserChanges.map((change) => slotId(change))];
      for (const id of noOps) settled.add(id);
      if (noOps.length > 0) await mark(() => this.options.journal.markSettled(sessionId, noOps, now, plan.respectedUserChanges));
      for (let i = 0; i < plan.updates.length; i++) {
        if (failed.has(plan.restoring[i])) continue;
        try {
          await this.options.settings.apply(plan.updates[i]);
        } catch (error) {
          failed.add(plan.restoring[i]);
          result.failures.push({ update: plan.updates[i], message: (error as Error).message });
          continue;
        }
        result.restored++;
        if (rebuilt.has(plan.restoring[i])) result.rebuilt = (result.rebuilt ?? 0) + 1;
        settled.add(plan.restoring[i]);
        // Progress per slot: a crash from here on resumes after this slot.
        await mark(() => this.options.journal.markSettled(sessionId, [plan.restoring[i]], now));
      }
      const unregistered = [...new Set(plan.deferred.filter((slot) => slot.reason === 'unregistered').map((slot) => slot.key))];
      const waitForKeys = this.options.settings.whenRegistered;
      if (round === 0 && unregistered.length > 0 && waitForKeys && (await waitForKeys.call(this.options.settings, unregistered, REGISTRATION_WAIT_MS))) continue;
      if (plan.complete && result.failures.length === 0) {
        await mark(() => this.options.journal.finish(sessionId, now));
        result.complete = true;
      }
      return result;
    }
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

  /** Inspects every key of a snapshot, in every language it names (see {@link SettingsPort.inspect}). */
  private inspectSnapshot(snapshot: SettingsSnapshot): Promise<SettingInspection[]> {
    const keys = [...new Set(snapshot.entries.map((entry) => entry.key))];
    return this.options.settings.inspect(keys, { languageIds: snapshotLanguageIds(snapshot) });
  }

  /**
   * Writes off values one by one, recording each in the journal's `appliedSlots` (progress for
   * the recovery message; a failed progress write never stops switching AI off).
   */
  private async applyAll(updates: readonly SettingUpdate[], sessionId: string, now: number): Promise<UpdateFailure[]> {
    const failures: UpdateFailure[] = [];
    let journaled = true;
    for (const update of updates) {
      try {
        await this.options.settings.apply(update);
      } catch (error) {
        failures.push({ update, message: (error as Error).message });
        continue;
      }
      if (!journaled) continue;
      try {
        journaled = (await this.options.journal.markApplied(sessionId, [slotId(update)], now)).ok;
      } catch {
        journaled = false; // The settings are the truth about what is off; progress marks are a convenience.
      }
    }
    return failures;
  }
}
