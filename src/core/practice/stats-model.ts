/**
 * The numbers behind the practice stats view, from the stored history. No `vscode` import: the
 * webview receives this model as JSON and only draws it.
 */
import {
  addDays,
  allBreaches,
  allExercises,
  dailySeries,
  dayKeyOf,
  daysBetween,
  isoWeekOf,
  MAX_SERIES_DAYS,
  sessionTotals,
  streaks,
  weekProgress,
  type DayKey,
  type DrillFigures,
  type DrillRecord,
  drillFigures,
  type PracticeHistory,
  type WeeklyGoal,
} from './index';
import { dateTime, secondsDuration } from './format';

/** Days in the daily chart. */
export const STATS_DAYS = 28;
/** Weeks in the weekly chart. */
export const STATS_WEEKS = 12;
/** Entries in the recent breaches and exercises lists. */
export const STATS_RECENT = 8;

/** One bar of the daily chart. */
export interface StatsDay {
  day: DayKey;
  /** `Mo`, `Tu`... for axis labels. */
  weekday: string;
  minutes: number;
  breaches: number;
  exercises: number;
  /** The day reaches the daily minimum (counts for the streak). */
  qualifies: boolean;
}

/** One bar of the weekly chart. */
export interface StatsWeek {
  label: string;
  monday: DayKey;
  minutes: number;
  goalMet: boolean;
}

/** Everything the stats view shows. */
export interface StatsModel {
  timeZone: string;
  today: DayKey;
  /** When the model was made, `2026-03-15 14:05` in the zone. */
  generatedAt: string;
  practising: boolean;
  week: {
    label: string;
    doneMinutes: number;
    goalMinutes: number;
    goalSource: WeeklyGoal['source'];
    expectedMinutes: number;
    met: boolean;
    behind: boolean;
  };
  streak: { current: number; longest: number; todayMet: boolean; dailyMinimumMinutes: number };
  days: StatsDay[];
  weeks: StatsWeek[];
  totals: {
    sessions: number;
    activeMinutes: number;
    typedChars: number;
    typedLines: number;
    breaches: number;
    exercises: number;
    /** Mean token similarity of all exercises, 0..1; null without exercises. */
    meanSimilarity: number | null;
  };
  recentBreaches: { file: string; line: number; source: string; when: string }[];
  recentExercises: { file: string; blockId: string; similarity: number; durationSeconds: number; when: string }[];
  /** Debugging drills: counts, the median time to correct diagnosis, the latest drills. */
  drills: DrillFigures & {
    recent: { file: string; kind: string; outcome: DrillRecord['outcome']; diagnosis: string | null; hintsUsed: number; failingTests: string[]; when: string }[];
  };
}

/** Inputs of {@link buildStatsModel}. */
export interface StatsInputs {
  history: PracticeHistory;
  now: number;
  timeZone: string;
  goal: WeeklyGoal;
  dailyMinimumMinutes: number;
  practising: boolean;
}

const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];

function weekdayOf(day: DayKey): string {
  const index = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return WEEKDAYS[index];
}

/** Builds the model: last {@link STATS_DAYS} days, last {@link STATS_WEEKS} ISO weeks, this week's goal, streaks, totals. */
export function buildStatsModel(inputs: StatsInputs): StatsModel {
  const { history, now, timeZone, goal } = inputs;
  const today = dayKeyOf(now, timeZone);
  const thisWeek = isoWeekOf(today);
  const firstMonday = addDays(thisWeek.monday, -7 * (STATS_WEEKS - 1));

  // The streak can reach back to the first session; the series is capped at the engine's limit.
  const firstSessionDay = history.sessions.length > 0 ? dayKeyOf(history.sessions[0].startedAt, timeZone) : today;
  let seriesStart = firstSessionDay < firstMonday ? firstSessionDay : firstMonday;
  if (daysBetween(seriesStart, today) >= MAX_SERIES_DAYS) seriesStart = addDays(today, -(MAX_SERIES_DAYS - 1));
  const series = seriesStart <= today ? dailySeries(history, seriesStart, today, timeZone) : [];

  const minimumMs = Math.max(0, inputs.dailyMinimumMinutes) * 60_000;
  const qualifies = (activeMs: number): boolean => (minimumMs > 0 ? activeMs >= minimumMs : activeMs > 0);
  const firstChartDay = addDays(today, -(STATS_DAYS - 1));
  const days: StatsDay[] = series
    .filter((point) => point.day >= firstChartDay)
    .map((point) => ({
      day: point.day,
      weekday: weekdayOf(point.day),
      minutes: point.activeMinutes,
      breaches: point.aiBreaches,
      exercises: point.exercises,
      qualifies: qualifies(point.activeMs),
    }));

  const weeks: StatsWeek[] = [];
  for (let index = 0; index < STATS_WEEKS; index++) {
    const monday = addDays(firstMonday, 7 * index);
    const sunday = addDays(monday, 6);
    const activeMs = series.filter((point) => point.day >= monday && point.day <= sunday).reduce((sum, point) => sum + point.activeMs, 0);
    const minutes = Math.floor(activeMs / 60_000);
    weeks.push({ label: isoWeekOf(monday).label, monday, minutes, goalMet: goal.minutes > 0 && activeMs >= goal.minutes * 60_000 });
  }

  const progress = weekProgress(series, goal.minutes, now, timeZone);
  const streak = streaks(series, inputs.dailyMinimumMinutes, now, timeZone);

  let activeMs = 0;
  let typedChars = 0;
  let typedLines = 0;
  for (const session of history.sessions) {
    const totals = sessionTotals(session);
    activeMs += totals.activeMs;
    typedChars += totals.typedChars;
    typedLines += totals.typedLines;
  }
  const breaches = allBreaches(history);
  const exercises = allExercises(history);
  const drills = history.drills ?? [];
  const meanSimilarity = exercises.length === 0 ? null : exercises.reduce((sum, exercise) => sum + exercise.similarity, 0) / exercises.length;

  return {
    timeZone,
    today,
    generatedAt: dateTime(now, timeZone),
    practising: inputs.practising,
    week: {
      label: progress.week.label,
      doneMinutes: progress.doneMinutes,
      goalMinutes: progress.goalMinutes,
      goalSource: goal.source,
      expectedMinutes: Math.round(progress.expectedMinutes),
      met: progress.met,
      behind: progress.behind,
    },
    streak: { current: streak.current, longest: streak.longest, todayMet: streak.todayMet, dailyMinimumMinutes: inputs.dailyMinimumMinutes },
    days,
    weeks,
    totals: {
      sessions: history.sessions.length,
      activeMinutes: Math.floor(activeMs / 60_000),
      typedChars,
      typedLines,
      breaches: breaches.length,
      exercises: exercises.length,
      meanSimilarity,
    },
    recentBreaches: breaches
      .slice(-STATS_RECENT)
      .reverse()
      .map((breach) => ({ file: breach.file, line: breach.line, source: breach.source, when: dateTime(breach.at, timeZone) })),
    recentExercises: exercises
      .slice(-STATS_RECENT)
      .reverse()
      .map((exercise) => ({
        file: exercise.file,
        blockId: exercise.blockId,
        similarity: exercise.similarity,
        durationSeconds: exercise.durationSeconds,
        when: dateTime(exercise.at, timeZone),
      })),
    drills: {
      ...drillFigures(drills),
      recent: drills
        .slice(-STATS_RECENT)
        .reverse()
        .map((drill) => ({
          file: drill.file,
          kind: drill.kind,
          outcome: drill.outcome,
          diagnosis: drill.diagnosisSeconds === undefined ? null : secondsDuration(drill.diagnosisSeconds),
          hintsUsed: drill.hintsUsed,
          failingTests: [...drill.failingTests],
          when: dateTime(drill.endedAt, timeZone),
        })),
    },
  };
}
