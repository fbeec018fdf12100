import * as vscode from 'vscode';
import { dayKeyOf, describeSlot, progressText, shouldRemind, type DayKey } from '../../core/practice';
import { Commands } from '../commands';
import type { StatusSegment } from '../status-bar';
import type { PracticeController } from './controller';
import { clockTime, longDuration, practisingStatusText } from '../../core/practice/format';
import type { PracticeProgress, ProgressSnapshot } from './progress';

/** globalState key of the last day a practice reminder was shown (a DayKey). */
export const LAST_REMINDED_KEY = 'comprehension.practice.lastRemindedDay';
/** How often the minute count refreshes while practising. */
const TICK_MS = 15_000;
/** How often progress (history) is re-read while practising, and the reminder re-checked while idle. */
const PROGRESS_MS = 60_000;
const REMINDER_CHECK_MS = 30 * 60_000;

/**
 * Practice's segment of the shared status item: the session's active time while practising
 * (`$(mortar-board) 12m`), a warning while a session left behind waits for the user, and the
 * weekly progress as a reminder at most once a day when behind the goal's pace. Nothing else:
 * routine events show no notification.
 */
export class PracticeStatus implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private tick: ReturnType<typeof setInterval> | undefined;
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private progress: ProgressSnapshot | undefined;
  /** The day this window shows a reminder for (kept until a session starts). */
  private reminderDay: DayKey | undefined;
  private disposed = false;

  constructor(
    private readonly segment: StatusSegment,
    private readonly controller: PracticeController,
    private readonly goals: PracticeProgress,
    private readonly globalState: vscode.Memento,
    private readonly now: () => number = Date.now,
  ) {
    this.lastState = controller.state;
    this.subscriptions.push(controller.onDidChange(() => this.onControllerChange()));
    this.progressTimer = setInterval(() => this.onProgressTimer(), PROGRESS_MS);
    this.render();
  }

  /** Re-reads the history and goals (after a session ends, at start-up) and re-checks the reminder. */
  async refreshProgress(): Promise<void> {
    const state = this.controller.state;
    if (state !== 'active' && state !== 'idle') return;
    try {
      this.progress = await this.goals.snapshot(this.now());
    } catch {
      this.progress = undefined;
    }
    if (this.disposed) return;
    if (this.controller.state === 'idle') {
      this.lastIdleCheck = this.now();
      await this.checkReminder();
    }
    this.render();
  }

  private lastState: string | undefined;
  private lastIdleCheck = 0;

  private onProgressTimer(): void {
    // While idle the history only changes when another window practises: look now and then
    // (a new day may also start while VS Code stays open).
    if (this.controller.state === 'idle' && this.now() - this.lastIdleCheck < REMINDER_CHECK_MS) return;
    void this.refreshProgress();
  }

  private onControllerChange(): void {
    const state = this.controller.state;
    if (state !== this.lastState) {
      if (state === 'active') this.reminderDay = undefined;
      this.lastState = state;
      void this.refreshProgress();
    }
    if (state === 'active' && !this.tick) this.tick = setInterval(() => this.render(), TICK_MS);
    if (state !== 'active' && this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
    this.render();
  }

  private async checkReminder(): Promise<void> {
    if (!this.progress) return;
    // Yesterday's reminder does not carry over; today's is decided once.
    if (this.reminderDay !== undefined && this.reminderDay !== dayKeyOf(this.now(), this.controller.timeZone)) this.reminderDay = undefined;
    if (this.reminderDay !== undefined) return;
    const decision = shouldRemind(
      { progress: this.progress.progress, lastRemindedDay: this.globalState.get<DayKey>(LAST_REMINDED_KEY), timeZone: this.controller.timeZone },
      this.now(),
    );
    if (!decision.remind) return;
    this.reminderDay = decision.day;
    await this.globalState.update(LAST_REMINDED_KEY, decision.day);
  }

  private weekLine(): string | undefined {
    const snapshot = this.progress;
    if (!snapshot) return undefined;
    const streak = snapshot.streak.current > 0 ? ` · streak ${snapshot.streak.current} day${snapshot.streak.current === 1 ? '' : 's'}` : '';
    return `${progressText(snapshot.progress)}${streak}`;
  }

  /** Draws the segment for the current state. */
  render(): void {
    if (this.disposed) return;
    const controller = this.controller;
    switch (controller.state) {
      case 'active': {
        const activeMs = controller.activeMs();
        const breaches = controller.breachMarks.length;
        const tooltip = [`No-AI practice: ${longDuration(activeMs)} active`];
        if (breaches > 0) tooltip.push(`${breaches} AI insertion${breaches === 1 ? '' : 's'} caught during this session`);
        for (const change of controller.reenabledSettings) tooltip.push(`Switched back on by you: ${describeSlot(change)}`);
        const week = this.weekLine();
        if (week) tooltip.push(week);
        tooltip.push('Click to stop practice and switch AI features back on.');
        const text = practisingStatusText(activeMs) + (breaches > 0 ? ` $(warning) ${breaches}` : '');
        this.segment.set(text, tooltip.join('\n'), { title: 'Stop Practice', command: Commands.practiceStop });
        return;
      }
      case 'interrupted': {
        const startedAt = controller.interruptedStartedAt;
        const since = startedAt !== undefined ? ` (session started ${clockTime(startedAt, controller.timeZone)})` : '';
        this.segment.set(
          '$(warning) Practice interrupted',
          `VS Code closed during a practice session${since}; AI features are still switched off. Click to restore them or to resume practising.`,
          { title: 'Restore or Resume Practice', command: Commands.practiceResolveInterrupted },
        );
        return;
      }
      case 'elsewhere':
        this.segment.set('$(mortar-board) other window', 'A no-AI practice session runs in another VS Code window; AI features are off until it stops.');
        return;
      case 'idle': {
        const snapshot = this.progress;
        if (this.reminderDay !== undefined && snapshot) {
          const decision = shouldRemind({ progress: snapshot.progress, timeZone: controller.timeZone }, this.now());
          if (!snapshot.progress.met) {
            this.segment.set(`$(mortar-board) ${decision.text}`, `${decision.tooltip}\nClick to start a no-AI practice session.`, {
              title: 'Start Practice',
              command: Commands.practiceStart,
            });
            return;
          }
        }
        this.segment.set(undefined);
        return;
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.tick) clearInterval(this.tick);
    if (this.progressTimer) clearInterval(this.progressTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.segment.set(undefined);
  }
}
