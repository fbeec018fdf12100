import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  describeSlot,
  planRecoveryWithoutSnapshot,
  PracticeJournal,
  PracticeSessions,
  resolveAiSettings,
  type AccountingOptions,
  type ExerciseRecord,
  type JournalInspection,
  type JournalOptions,
  type PracticeTally,
  type RestoreResult,
  type SkippedKey,
  type UpdateFailure,
  type UserChange,
} from '../../core/practice';
import type { AttributedInsertion, ProvenanceService } from '../provenance/events';
import { ActivityTracker, practiceFileName } from './activity';
import { BreachDecorations, type BreachMark } from './breaches';
import { Config } from '../config';
import { clockTime, interruptedSessionMessage, liveActiveMs, sessionEndMessage, sessionSummaryLines, type SessionEnd } from '../../core/practice/format';
import { VsCodeSettingsPort } from './settings';

/**
 * Where practice stands in this window:
 * - `idle`: no session;
 * - `active`: a session runs here;
 * - `interrupted`: a session was left behind by a VS Code that closed or crashed; AI is still off
 *   until the user restores (Stop) or resumes (Start);
 * - `elsewhere`: another VS Code window runs a session (settings are user-wide).
 */
export type PracticeState = 'idle' | 'active' | 'interrupted' | 'elsewhere';

/** What to do about a session left behind. */
export type RecoveryChoice = 'restore' | 'resume';

/** The controller's ways to talk to the user; tests pass their own. */
export interface PracticeUi {
  /** Asks about a session VS Code left behind; resolves undefined when dismissed. */
  askRecovery(message: string): Thenable<RecoveryChoice | undefined>;
  /** A warning that needs the user (never for routine events); resolves with the chosen action. */
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** A short answer to a command the user ran (e.g. why a session cannot start). */
  inform(message: string): void;
  /** The single message at the end of a session. */
  sessionEnded(message: string): void;
  /** Appends lines to the practice output (summaries, breaches). */
  log(lines: readonly string[]): void;
}

/** What the controller needs. */
export interface PracticeControllerOptions {
  /** Folder for the journal and the history (the extension's global storage). */
  storageDir: string;
  provenance: Pick<ProvenanceService, 'onDidAttributeInsertion' | 'getBlocks' | 'onDidChangeBlocks'>;
  ui: PracticeUi;
  /** Process identity for the journal (tests simulate another process with it). */
  journal?: JournalOptions;
  timeZone?: string;
  now?: () => number;
  /** How often the journal and the history are refreshed while practising (default 30 s). */
  heartbeatMs?: number;
  /** How often to look again while another window's session blocks this one (default 60 s). */
  elsewhereRecheckMs?: number;
  /** Where settings are read; a new `Config` when absent. */
  config?: Config;
}

/** Result of {@link PracticeController.start}. */
export type StartOutcome =
  | { ok: true; sessionId: string; resumed: boolean; skipped: SkippedKey[]; failures: UpdateFailure[] }
  | { ok: false; reason: 'already-running' | 'elsewhere' | 'interrupted' | 'error'; message: string };

/** Insertion sources that are not AI: the user's own paste and manual marks. */
const NOT_AI_SOURCES = new Set(['paste', 'manual']);

/**
 * Practice mode in one extension host, a thin shell over the engine's {@link PracticeSessions}:
 * start and stop sessions (AI settings off, restored exactly), recover sessions left behind at
 * start-up (Restore or Resume, never silently), feed editor activity and AI insertions to the
 * accounting, and keep the journal's heartbeat. Disposing does NOT restore settings: a window that
 * closes mid-session is treated like a crash, and the next start asks what to do.
 */
export class PracticeController implements vscode.Disposable {
  readonly journalPath: string;
  readonly historyPath: string;
  readonly timeZone: string;
  private readonly sessions: PracticeSessions;
  private readonly accounting: AccountingOptions = {};
  private readonly now: () => number;
  private readonly config: Config;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the state, the session or its breaches change. */
  readonly onDidChange = this.changeEmitter.event;
  readonly breaches: BreachDecorations;
  private readonly tracker: ActivityTracker;
  private readonly subscriptions: vscode.Disposable[] = [];
  private currentState: PracticeState = 'idle';
  private pending: { sessionId: string; startedAt: number } | undefined;
  private startInfo: { skipped: SkippedKey[]; failures: UpdateFailure[] } = { skipped: [], failures: [] };
  private sessionBreaches: BreachMark[] = [];
  private userChanges: UserChange[] = [];
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private recheckTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: PracticeControllerOptions) {
    this.now = options.now ?? Date.now;
    this.config = options.config ?? new Config();
    this.timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    this.journalPath = join(options.storageDir, 'practice-journal.json');
    this.historyPath = join(options.storageDir, 'practice-history.json');
    this.sessions = new PracticeSessions({
      journal: new PracticeJournal(this.journalPath, options.journal),
      settings: new VsCodeSettingsPort(),
      historyPath: this.historyPath,
      timeZone: this.timeZone,
      // Read at each start: the idle timeout setting is applied when a session begins.
      accounting: this.accounting,
    });
    this.breaches = new BreachDecorations(options.provenance, this.timeZone);
    this.tracker = new ActivityTracker((event) => this.sessions.activity(event), () => this.currentState === 'active', this.now);
    this.subscriptions.push(
      this.breaches,
      this.tracker,
      this.changeEmitter,
      options.provenance.onDidAttributeInsertion((insertion) => this.onInsertion(insertion)),
      vscode.workspace.onDidChangeConfiguration((event) => void this.onConfigurationChange(event)),
    );
  }

  get state(): PracticeState {
    return this.currentState;
  }

  /** The running session's id, or the id of the session left behind while `interrupted`. */
  get sessionId(): string | undefined {
    return this.sessions.active?.sessionId ?? this.pending?.sessionId;
  }

  /** The running session's accounting. */
  get tally(): PracticeTally | undefined {
    return this.sessions.active?.tally;
  }

  /** Active time of the running session so far (0 when none). */
  activeMs(): number {
    const tally = this.tally;
    return tally ? liveActiveMs(tally, this.now()) : 0;
  }

  /** AI insertions caught in the running session. */
  get breachMarks(): readonly BreachMark[] {
    return this.sessionBreaches;
  }

  /** Settings the user switched back on during the running session. */
  get reenabledSettings(): readonly UserChange[] {
    return this.userChanges;
  }

  /** When the session left behind started (while `interrupted`). */
  get interruptedStartedAt(): number | undefined {
    return this.pending?.startedAt;
  }

  /**
   * The start-up path: looks at the journal and deals with a session a previous VS Code left
   * behind. A half-done restore is finished at once; an abandoned session is put to the user
   * (the promise resolves without waiting for the answer); a damaged journal is reported.
   */
  initialize(): Promise<JournalInspection['kind']> {
    return this.serialized(async () => {
      const inspection = await this.sessions.inspect(this.now());
      await this.handleInspection(inspection);
      return inspection.kind;
    });
  }

  /** Starts a session, or resumes the one left behind while `interrupted`. */
  start(): Promise<StartOutcome> {
    return this.serialized(async (): Promise<StartOutcome> => {
      if (this.currentState === 'active') return { ok: false, reason: 'already-running', message: 'A practice session is already running.' };
      if (this.currentState === 'interrupted') return this.resumePending();
      const first = await this.startNow();
      if (first !== 'pending-resolved') return first;
      // A half-done restore from an earlier VS Code was just finished; the way is clear now.
      const second = await this.startNow();
      return second === 'pending-resolved' ? { ok: false, reason: 'error', message: 'Practice could not start: the journal still holds a session.' } : second;
    });
  }

  private async startNow(): Promise<StartOutcome | 'pending-resolved'> {
    const settings = this.config.practice;
    this.accounting.idleTimeoutMs = settings.idleTimeoutSeconds * 1000;
    const resolved = resolveAiSettings(settings.disableSettings);
    if (resolved.problems.length > 0) this.options.ui.log(resolved.problems.map((problem) => `Practice: ${problem}`));
    const result = await this.sessions.start(resolved.offValues, this.now());
    if (!result.ok) {
      if (result.reason === 'pending') {
        // The user wants to practise now: a restore that cannot finish is set aside, never left blocking.
        await this.handleInspection(result.inspection, { final: true });
        const state = this.currentState as PracticeState;
        if (state === 'elsewhere') return { ok: false, reason: 'elsewhere', message: 'A practice session is running in another VS Code window; stop it there first.' };
        if (state === 'interrupted') {
          return { ok: false, reason: 'interrupted', message: 'A practice session left behind by VS Code is waiting: resume it or restore the AI settings first.' };
        }
        return result.inspection.kind === 'restore-interrupted' ? 'pending-resolved' : { ok: false, reason: 'error', message: 'Practice could not start: the practice journal is damaged.' };
      }
      if (result.reason === 'already-running') return { ok: false, reason: 'already-running', message: 'A practice session is already running.' };
      return { ok: false, reason: 'error', message: `Practice could not start: ${result.message}` };
    }
    this.startInfo = { skipped: result.skipped, failures: result.failures };
    if (result.problems.length > 0) this.options.ui.log(result.problems.map((problem) => `Practice: ${problem}`));
    this.beginTracking();
    if (result.failures.length > 0) {
      void this.options.ui.warn(
        `Practice started, but VS Code refused to switch off ${result.failures.map((failure) => describeSlot(failure.update)).join(', ')}. ` +
          'AI features controlled by it stay on; AI insertions are still caught and counted.',
      );
    }
    return { ok: true, sessionId: result.sessionId, resumed: false, skipped: result.skipped, failures: result.failures };
  }

  /** Ends the running session and restores the settings; while `interrupted`, restores the session left behind. */
  stop(): Promise<RestoreResult | undefined> {
    return this.serialized(async () => {
      if (this.currentState === 'interrupted') return this.restorePending();
      if (this.currentState === 'elsewhere') {
        this.options.ui.inform('The practice session runs in another VS Code window; stop it there.');
        return undefined;
      }
      if (!this.sessions.active) return undefined;
      const result = await this.sessions.stop(this.now());
      this.endTracking();
      if (result) this.summarize(result, 'stopped');
      return result;
    });
  }

  /** Answers the question about a session left behind (also what the notification's buttons do). */
  resolveInterrupted(choice: RecoveryChoice): Promise<RestoreResult | StartOutcome | undefined> {
    return this.serialized(async () => {
      if (this.currentState !== 'interrupted') return undefined;
      return choice === 'resume' ? this.resumePending() : this.restorePending();
    });
  }

  /** Adds a finished exercise to the running session; false when no session runs. */
  recordExercise(record: ExerciseRecord): boolean {
    if (!this.sessions.active) return false;
    this.sessions.exercise(record);
    this.fire();
    return true;
  }

  /** Saves the running session's accounting and the journal's heartbeat now. */
  heartbeat(): Promise<void> {
    return this.serialized(() => this.beat());
  }

  private async beat(): Promise<void> {
    if (!this.sessions.active) return;
    const result = await this.sessions.heartbeat(this.now());
    if (result.ok || this.sessions.active) return;
    // Another window took the session over (this one was frozen past the stale limit): it restores.
    this.endTracking('elsewhere');
    void this.options.ui.warn(`Practice: this window lost its session to another VS Code window (${result.message}). That window restores the AI settings.`);
  }

  private async handleInspection(inspection: JournalInspection, options: { final?: boolean } = {}): Promise<void> {
    switch (inspection.kind) {
      case 'none':
        if (this.currentState !== 'active') this.setState('idle');
        return;
      case 'live':
        this.setState('elsewhere');
        this.scheduleRecheck();
        return;
      case 'restore-interrupted': {
        const result = await this.sessions.recover(inspection.record.sessionId, this.now(), options);
        this.setState('idle');
        this.summarize(result, 'recovered');
        return;
      }
      case 'abandoned': {
        this.pending = { sessionId: inspection.record.sessionId, startedAt: inspection.record.startedAt };
        this.setState('interrupted');
        const when = clockTime(inspection.record.startedAt, this.timeZone);
        // Counted, not assumed: a crash part-way through the switch-off leaves only some settings off.
        const switched = await this.sessions.switchedOff(inspection.record.snapshot);
        const message = interruptedSessionMessage(when, switched);
        const sessionId = inspection.record.sessionId;
        // Not awaited: start-up must not wait for the user. Dismissing the question restores.
        void Promise.resolve(this.options.ui.askRecovery(message)).then((choice) => {
          if (this.disposed || this.pending?.sessionId !== sessionId) return;
          void this.resolveInterrupted(choice ?? 'restore');
        });
        return;
      }
      case 'corrupt':
        void this.options.ui.warn(inspection.warning, 'Switch AI Settings Back On').then(async (choice) => {
          if (choice) await this.serialized(() => this.recoverWithoutSnapshot());
        });
        return;
    }
  }

  /** After a damaged journal, with the user's consent: removes the off values wherever they are set. */
  private async recoverWithoutSnapshot(): Promise<void> {
    const settingsPort = new VsCodeSettingsPort();
    const resolved = resolveAiSettings(this.config.practice.disableSettings);
    const updates = planRecoveryWithoutSnapshot(await settingsPort.inspect(Object.keys(resolved.offValues)), resolved.offValues, settingsPort.context());
    const lines: string[] = ['Practice: switching AI settings back on after a damaged journal:'];
    for (const update of updates) {
      try {
        await settingsPort.apply(update);
        lines.push(`  removed ${describeSlot(update)}`);
      } catch (error) {
        lines.push(`  could not remove ${describeSlot(update)}: ${(error as Error).message}`);
      }
    }
    this.options.ui.log(lines);
  }

  private async restorePending(): Promise<RestoreResult | undefined> {
    const pending = this.pending;
    if (!pending) return undefined;
    const result = await this.sessions.recover(pending.sessionId, this.now());
    this.pending = undefined;
    this.setState('idle');
    this.summarize(result, 'recovered');
    return result;
  }

  private async resumePending(): Promise<StartOutcome> {
    const pending = this.pending;
    if (!pending) return { ok: false, reason: 'error', message: 'No practice session is waiting to be resumed.' };
    const resumed = await this.sessions.resume(pending.sessionId, this.now());
    if (!resumed.ok) {
      // It cannot continue (half restored, or taken by another window): finish restoring instead.
      const result = await this.restorePending();
      return { ok: false, reason: 'error', message: `The session could not be resumed (${resumed.message}); ${result?.complete ? 'the AI settings were restored' : 'see the practice output'}.` };
    }
    this.pending = undefined;
    this.startInfo = { skipped: resumed.session.snapshot.skipped, failures: resumed.failures };
    this.beginTracking();
    // A key VS Code does not register now belongs to an extension that is not running: nothing to warn about.
    const notOff = [...resumed.failures.map((failure) => failure.update), ...resumed.deferred.filter((slot) => slot.reason !== 'unregistered')];
    if (notOff.length > 0) {
      const slots = notOff.map((slot) => describeSlot(slot));
      void this.options.ui.warn(`Practice resumed, but these AI settings could not be switched off again: ${slots.join(', ')}. AI insertions are still caught and counted.`);
    }
    // Keys added to the list while VS Code was closed are switched off too.
    await this.sessions.extend(resolveAiSettings(this.config.practice.disableSettings).offValues, this.now());
    this.userChanges = await this.sessions.reenabled();
    return { ok: true, sessionId: resumed.session.sessionId, resumed: true, skipped: resumed.session.snapshot.skipped, failures: resumed.failures };
  }

  private beginTracking(): void {
    this.sessionBreaches = [];
    this.userChanges = [];
    this.breaches.clear();
    this.setState('active');
    this.stopTimers();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? 30_000);
  }

  private endTracking(state: PracticeState = 'idle'): void {
    this.stopTimers();
    this.breaches.clear();
    this.setState(state);
  }

  private stopTimers(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.heartbeatTimer = undefined;
    this.recheckTimer = undefined;
  }

  /** While another window's session blocks this one, look again now and then (it may have died). */
  private scheduleRecheck(): void {
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      if (this.currentState === 'elsewhere' && !this.disposed) void this.initialize();
    }, this.options.elsewhereRecheckMs ?? 60_000);
  }

  private onInsertion(insertion: AttributedInsertion): void {
    if (this.currentState !== 'active' || NOT_AI_SOURCES.has(insertion.source)) return;
    const file = practiceFileName(insertion.uri);
    const mark: BreachMark = {
      uri: insertion.uri.toString(),
      blockId: insertion.block.id,
      startLine: insertion.block.startLine,
      endLine: insertion.block.endLine,
      source: insertion.source,
      at: insertion.at,
    };
    this.sessions.breach({ file, line: insertion.block.startLine, source: insertion.source, at: insertion.at });
    this.sessionBreaches.push(mark);
    this.breaches.add(mark);
    this.options.ui.log([`Practice: AI insertion (${insertion.source}, ${insertion.confidence}) in ${file}:${insertion.block.startLine} at ${clockTime(insertion.at, this.timeZone)}`]);
    this.fire();
  }

  private async onConfigurationChange(event: vscode.ConfigurationChangeEvent): Promise<void> {
    const session = this.sessions.active;
    if (!session || this.currentState !== 'active') return;
    if (this.config.affects(event, 'practice.disableSettings')) {
      await this.serialized(() => this.sessions.extend(resolveAiSettings(this.config.practice.disableSettings).offValues, this.now()));
    }
    const keys = new Set(session.snapshot.entries.map((entry) => entry.key));
    if (![...keys].some((key) => event.affectsConfiguration(key))) return;
    const changes = await this.serialized(() => this.sessions.reenabled());
    const before = JSON.stringify(this.userChanges);
    this.userChanges = changes;
    if (JSON.stringify(changes) !== before) {
      // Respected, not fought: the user may switch a setting back on; the summary says so.
      if (changes.length > 0) this.options.ui.log([`Practice: switched back on during the session: ${changes.map((change) => describeSlot(change)).join(', ')}`]);
      this.fire();
    }
  }

  private summarize(result: RestoreResult, end: SessionEnd): void {
    const lines = sessionSummaryLines({ result, end, timeZone: this.timeZone, skipped: this.startInfo.skipped, startFailures: this.startInfo.failures });
    this.startInfo = { skipped: [], failures: [] };
    this.options.ui.log(['', ...lines]);
    this.options.ui.sessionEnded(sessionEndMessage(result));
  }

  private setState(state: PracticeState): void {
    if (state !== this.currentState) {
      this.currentState = state;
      this.fire();
    }
  }

  private fire(): void {
    if (!this.disposed) this.changeEmitter.fire();
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops listening and timers. Does not restore settings: the journal keeps the session for the next start. */
  dispose(): void {
    this.disposed = true;
    this.stopTimers();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
