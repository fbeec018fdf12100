/**
 * Practice goals: the weekly goal, progress and pace within the ISO week, streaks of days that
 * meet the daily minimum, and when to remind. Weeks and days are calendar weeks and days in the
 * user's IANA zone; every function takes `now` (epoch ms) instead of reading the clock.
 */
import type { PolicyLevel } from '../policy/policy';
import type { DailyActivity } from './accounting';
import { addDays, dayKeyOf, isoWeekOf, startOfDay, type DayKey, type IsoWeek } from './calendar';

/** The weekly goal level 2 requires when neither the user nor the policy sets one. */
export const LEVEL_2_DEFAULT_WEEKLY_GOAL_MINUTES = 60;

/** Where the weekly goal comes from. */
export interface WeeklyGoalInputs {
  /** `comprehension.practice.weeklyGoalMinutes` (0 or undefined: not set). */
  settingMinutes?: number;
  policyLevel: PolicyLevel;
  /** `practice.weeklyGoalMinutes` from the policy file (0: not set). */
  policyWeeklyGoalMinutes: number;
}

/** The goal in force and why. */
export interface WeeklyGoal {
  /** 0 means no goal. */
  minutes: number;
  source: 'setting' | 'policy' | 'level-2-default' | 'none';
}

/**
 * Resolves the weekly goal. At levels 0 and 1 a goal is optional: the user's setting wins, then
 * the policy's. At level 2 ("autonomy with audits") practice is required: the policy's goal is a
 * floor the user can raise but not lower, and with no goal anywhere the default of
 * {@link LEVEL_2_DEFAULT_WEEKLY_GOAL_MINUTES} applies.
 */
export function resolveWeeklyGoal(inputs: WeeklyGoalInputs): WeeklyGoal {
  const setting = positiveMinutes(inputs.settingMinutes);
  const policy = positiveMinutes(inputs.policyWeeklyGoalMinutes);
  if (inputs.policyLevel === 2) {
    if (setting > 0 && setting >= policy) return { minutes: setting, source: 'setting' };
    if (policy > 0) return { minutes: policy, source: 'policy' };
    return { minutes: LEVEL_2_DEFAULT_WEEKLY_GOAL_MINUTES, source: 'level-2-default' };
  }
  if (setting > 0) return { minutes: setting, source: 'setting' };
  if (policy > 0) return { minutes: policy, source: 'policy' };
  return { minutes: 0, source: 'none' };
}

function positiveMinutes(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Progress towards the weekly goal at some moment. */
export interface WeekProgress {
  week: IsoWeek;
  today: DayKey;
  goalMinutes: number;
  /** Whole minutes practised this week (rounded down, as shown). */
  doneMinutes: number;
  doneMs: number;
  /** Share of the week's real time (167, 168 or 169 hours across DST) already gone, 0..1. */
  elapsedFraction: number;
  /** Minutes a steady pace would have reached by now. */
  expectedMinutes: number;
  met: boolean;
  /**
   * More than one day's share (goal / 7) behind the steady pace. The slack keeps Monday morning
   * from counting as behind, and a user who practises every other day from being nagged.
   */
  behind: boolean;
}

function sumByDay(days: Iterable<DailyActivity>): Map<DayKey, number> {
  const totals = new Map<DayKey, number>();
  for (const { day, activeMs } of days) totals.set(day, (totals.get(day) ?? 0) + Math.max(0, activeMs));
  return totals;
}

/** Progress in the ISO week (Monday to Sunday, in `timeZone`) that contains `now`. */
export function weekProgress(days: Iterable<DailyActivity>, goalMinutes: number, now: number, timeZone: string): WeekProgress {
  const today = dayKeyOf(now, timeZone);
  const week = isoWeekOf(today);
  const weekStart = startOfDay(week.monday, timeZone);
  const weekEnd = startOfDay(addDays(week.monday, 7), timeZone);
  const elapsedFraction = Math.min(1, Math.max(0, (now - weekStart) / (weekEnd - weekStart)));
  let doneMs = 0;
  for (const [day, activeMs] of sumByDay(days)) if (day >= week.monday && day <= week.sunday) doneMs += activeMs;
  const goal = Math.max(0, goalMinutes);
  const doneMinutes = Math.floor(doneMs / 60_000);
  const expectedMinutes = goal * elapsedFraction;
  const met = goal > 0 && doneMs >= goal * 60_000;
  const behind = goal > 0 && !met && doneMs / 60_000 + goal / 7 < expectedMinutes;
  return { week, today, goalMinutes: goal, doneMinutes, doneMs, elapsedFraction, expectedMinutes, met, behind };
}

/** Streaks of days meeting the daily minimum. */
export interface StreakInfo {
  today: DayKey;
  /** Consecutive qualifying days ending today, or ending yesterday while today is still in progress. */
  current: number;
  longest: number;
  todayMet: boolean;
}

/**
 * Streaks: a day qualifies when its active time reaches `dailyMinimumMinutes` (with a minimum
 * of 0, any active time qualifies). Today not qualifying (yet) does not break the streak.
 * Days after today (a clock that moved back) are ignored.
 */
export function streaks(days: Iterable<DailyActivity>, dailyMinimumMinutes: number, now: number, timeZone: string): StreakInfo {
  const today = dayKeyOf(now, timeZone);
  const thresholdMs = Math.max(0, dailyMinimumMinutes) * 60_000;
  const qualifies = (activeMs: number): boolean => (thresholdMs > 0 ? activeMs >= thresholdMs : activeMs > 0);
  const qualifying = new Set<DayKey>();
  for (const [day, activeMs] of sumByDay(days)) if (day <= today && qualifies(activeMs)) qualifying.add(day);

  const todayMet = qualifying.has(today);
  let current = 0;
  for (let day = todayMet ? today : addDays(today, -1); qualifying.has(day); day = addDays(day, -1)) current++;

  let longest = 0;
  let run = 0;
  let previous: DayKey | undefined;
  for (const day of [...qualifying].sort()) {
    run = previous !== undefined && addDays(previous, 1) === day ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = day;
  }
  return { today, current, longest, todayMet };
}

/** The status bar text for a week's progress: `Practice: 25/60 min this week`. */
export function progressText(progress: WeekProgress): string {
  if (progress.goalMinutes <= 0) return `Practice: ${progress.doneMinutes} min this week`;
  return `Practice: ${progress.doneMinutes}/${formatMinutes(progress.goalMinutes)} min this week`;
}

function formatMinutes(minutes: number): string {
  return Number.isInteger(minutes) ? String(minutes) : minutes.toFixed(1);
}

/** What the reminder logic needs: this week's progress and the day of the last reminder (persisted by the caller). */
export interface ReminderState {
  progress: WeekProgress;
  lastRemindedDay?: DayKey;
  timeZone: string;
}

/** Whether to show the practice reminder now, and its status bar text and tooltip. */
export interface ReminderDecision {
  remind: boolean;
  reason: 'behind' | 'already-reminded-today' | 'on-pace' | 'goal-met' | 'no-goal';
  /** The day to persist as `lastRemindedDay` when `remind` is true. */
  day: DayKey;
  text: string;
  tooltip: string;
}

/** Reminds at most once per calendar day, and only when behind the weekly pace. */
export function shouldRemind(state: ReminderState, now: number): ReminderDecision {
  const { progress } = state;
  const day = dayKeyOf(now, state.timeZone);
  const text = progressText(progress);
  const left = Math.max(0, Math.ceil(progress.goalMinutes - progress.doneMs / 60_000));
  const tooltip =
    progress.goalMinutes > 0
      ? `${progress.week.label}: ${progress.doneMinutes} of ${formatMinutes(progress.goalMinutes)} minutes of no-AI practice; ${left} to go by Sunday.`
      : `${progress.week.label}: ${progress.doneMinutes} minutes of no-AI practice.`;
  const decide = (remind: boolean, reason: ReminderDecision['reason']): ReminderDecision => ({ remind, reason, day, text, tooltip });
  if (progress.goalMinutes <= 0) return decide(false, 'no-goal');
  if (progress.met) return decide(false, 'goal-met');
  if (!progress.behind) return decide(false, 'on-pace');
  if (state.lastRemindedDay === day) return decide(false, 'already-reminded-today');
  return decide(true, 'behind');
}
