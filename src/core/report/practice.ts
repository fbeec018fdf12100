import { dayKeyOf, isDayKey, isValidTimeZone } from '../practice/calendar';
import { streaks } from '../practice/goals';
import { exportJson, type PracticeHistory } from '../practice/history';
import type { PracticeDrill, ReportPracticeInput } from './scorecard';

/**
 * The scorecard's practice figures from practice days. No engine imports: the extension reads its
 * own history's days with {@link practiceDaysOfHistory} without loading the check pipeline.
 */

/** One day of one practice session, whatever the file's format. */
export interface PracticeDayTotal {
  day: string;
  activeMs: number;
  breaches: number;
  timeZone?: string;
}

/** One finished drill with the day it ended on (UTC), whatever the file's format. */
export interface PracticeDrillTotal extends PracticeDrill {
  day: string;
}

/**
 * Practice figures for the period. The streak is the current one (days meeting the policy's daily
 * minimum up to today), whatever the period.
 */
export function practiceInput(
  days: readonly PracticeDayTotal[],
  period: { from: string; to: string },
  dailyMinimumMinutes: number,
  now: number,
  drills: readonly PracticeDrillTotal[] = [],
): ReportPracticeInput {
  const timeZone = [...days].reverse().find((day) => day.timeZone && isValidTimeZone(day.timeZone))?.timeZone ?? 'UTC';
  const minutes = new Map<string, number>();
  let breaches = 0;
  for (const day of days) {
    if (day.day < period.from || day.day > period.to) continue;
    minutes.set(day.day, (minutes.get(day.day) ?? 0) + day.activeMs / 60_000);
    breaches += day.breaches;
  }
  const streak = streaks(
    days.map((day) => ({ day: day.day, activeMs: day.activeMs })),
    dailyMinimumMinutes,
    now,
    timeZone,
  );
  return {
    minutesPerDay: [...minutes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, total]) => ({ date, minutes: total })),
    streakDays: streak.current,
    breaches,
    dailyGoalMinutes: dailyMinimumMinutes,
    // Always present, also empty: the editor (drills from its history) and the CLI (drills from an
    // export and the terminal's history) then give the same scorecard whether or not any drill ran.
    drills: drills
      .filter((drill) => drill.day >= period.from && drill.day <= period.to)
      .map(({ outcome, diagnosisSeconds, hintsUsed }) => ({ outcome, hintsUsed, ...(diagnosisSeconds !== undefined ? { diagnosisSeconds } : {}) })),
  };
}

/**
 * The practice days of a history, exactly as its "Export Practice History" JSON carries them (the
 * export rounds active time to seconds): the editor's report reads the same days the CLI reads from
 * that export with `--practice`, whatever rounding the export does.
 */
export function practiceDaysOfHistory(history: PracticeHistory): PracticeDayTotal[] {
  return parsePracticeExport(JSON.parse(exportJson(history)) as unknown);
}

/**
 * The days of a practice history file: the extension's "Export Practice History" JSON
 * (`comprehension-practice-export`: days with `activeSeconds` and `aiBreaches`), or the history file
 * itself (`comprehension-practice-history`: days with `activeMs` and `breaches[]`). Throws an Error
 * with a readable message for anything else.
 */
export function parsePracticeExport(value: unknown): PracticeDayTotal[] {
  const fail = (why: string): never => {
    throw new Error(`not a practice history export: ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const file = value as { format?: unknown; sessions?: unknown };
  if (file.format !== 'comprehension-practice-export' && file.format !== 'comprehension-practice-history') {
    fail(`"format" is ${JSON.stringify(file.format)}, not "comprehension-practice-export"`);
  }
  if (!Array.isArray(file.sessions)) fail('no "sessions" list');
  const out: PracticeDayTotal[] = [];
  for (const session of file.sessions as unknown[]) {
    if (typeof session !== 'object' || session === null) continue;
    const { days, timeZone } = session as { days?: unknown; timeZone?: unknown };
    if (!Array.isArray(days)) continue;
    for (const day of days as unknown[]) {
      if (typeof day !== 'object' || day === null) continue;
      const entry = day as { day?: unknown; activeSeconds?: unknown; activeMs?: unknown; aiBreaches?: unknown; breaches?: unknown };
      if (typeof entry.day !== 'string' || !isDayKey(entry.day)) continue;
      const activeMs = typeof entry.activeSeconds === 'number' ? entry.activeSeconds * 1000 : typeof entry.activeMs === 'number' ? entry.activeMs : 0;
      const breaches = typeof entry.aiBreaches === 'number' ? entry.aiBreaches : Array.isArray(entry.breaches) ? entry.breaches.length : 0;
      if (!Number.isFinite(activeMs) || activeMs < 0 || !Number.isFinite(breaches) || breaches < 0) continue;
      out.push({ day: entry.day, activeMs, breaches, ...(typeof timeZone === 'string' ? { timeZone } : {}) });
    }
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * The finished drills of a practice history file or its export (both carry a `drills` list; the
 * export writes times as ISO text, the history as epoch ms). Entries that are not drills are
 * skipped; a file without drills has none.
 */
export function parsePracticeDrills(value: unknown): PracticeDrillTotal[] {
  if (typeof value !== 'object' || value === null) return [];
  const drills = (value as { drills?: unknown }).drills;
  if (!Array.isArray(drills)) return [];
  const out: PracticeDrillTotal[] = [];
  for (const drill of drills as unknown[]) {
    if (typeof drill !== 'object' || drill === null) continue;
    const entry = drill as { endedAt?: unknown; outcome?: unknown; diagnosisSeconds?: unknown; hintsUsed?: unknown };
    const endedAt = typeof entry.endedAt === 'number' ? entry.endedAt : typeof entry.endedAt === 'string' ? Date.parse(entry.endedAt) : NaN;
    if (!Number.isFinite(endedAt)) continue;
    if (entry.outcome !== 'solved' && entry.outcome !== 'given-up' && entry.outcome !== 'abandoned') continue;
    const hintsUsed = typeof entry.hintsUsed === 'number' && Number.isInteger(entry.hintsUsed) && entry.hintsUsed >= 0 ? entry.hintsUsed : 0;
    const diagnosis = typeof entry.diagnosisSeconds === 'number' && Number.isFinite(entry.diagnosisSeconds) && entry.diagnosisSeconds >= 0 ? entry.diagnosisSeconds : undefined;
    out.push({
      day: new Date(endedAt).toISOString().slice(0, 10),
      outcome: entry.outcome,
      hintsUsed,
      ...(entry.outcome === 'solved' && diagnosis !== undefined ? { diagnosisSeconds: diagnosis } : {}),
    });
  }
  return out;
}

/** The finished drills of a history, as {@link parsePracticeDrills} reads them from its export. */
export function practiceDrillsOfHistory(history: PracticeHistory): PracticeDrillTotal[] {
  return parsePracticeDrills(JSON.parse(exportJson(history)) as unknown);
}
