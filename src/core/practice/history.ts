/**
 * The persisted practice history: one JSON file in the extension's local storage, holding every
 * session with its per-day totals, AI breaches and exercises, and every debugging drill; exports to
 * JSON and CSV, and daily series for charts.
 *
 * Sessions keep their days in the zone they were recorded in, plus UTC quarter-hour totals,
 * so {@link dailySeries} can count days in any zone exactly (see accounting.ts).
 */
import { rename } from 'node:fs/promises';
import { readJsonFile, writeFileAtomic } from '../workspace/fs';
import { QUARTER_MS, sessionTotals, type AiBreach, type DailyTyping, type DayTally, type PracticeTally, type QuarterTally } from './accounting';
import { addDays, dayKeyOf, daysBetween, daysInRange, isDayKey, startOfDay, type DayKey } from './calendar';

/** One re-implementation exercise done during a session (see exercise.ts). */
export interface ExerciseRecord {
  blockId: string;
  file: string;
  /** When it was finished, epoch ms. */
  at: number;
  /** Token similarity with the original, 0..1. */
  similarity: number;
  durationSeconds: number;
}

/** One practice session as stored. */
export interface SessionRecord {
  id: string;
  timeZone: string;
  startedAt: number;
  /** Absent while the session runs (the record is saved periodically). */
  endedAt?: number;
  days: DayTally[];
  quarters: QuarterTally[];
  exercises: ExerciseRecord[];
}

/** How a debugging drill ended. `abandoned`: its editor went away mid-drill (the copy was removed at the next start). */
export type DrillOutcome = 'solved' | 'given-up' | 'abandoned';

/** One debugging drill (see core/drills): a planted bug in the user's own AI code, and how finding it went. */
export interface DrillRecord {
  id: string;
  /** Workspace-relative file the bug was planted in. */
  file: string;
  /** The defect kind planted (`off-by-one`, `missing-await`...). */
  kind: string;
  startedAt: number;
  endedAt: number;
  outcome: DrillOutcome;
  /** Time to correct diagnosis: from the start to the verified fix, whole seconds; only when solved. */
  diagnosisSeconds?: number;
  hintsUsed: number;
  /** How the fix was verified: the killing tests pass again, or the syntax tree equals the original. */
  verifiedBy?: 'tests' | 'syntax';
  /** The tests the planted bug made fail (empty when none noticed it). */
  failingTests: string[];
}

/** Counts of finished drills and the median time to correct diagnosis (the stats view and the scorecard). */
export interface DrillFigures {
  total: number;
  solved: number;
  givenUp: number;
  /** Ended by a crash or a closed editor. */
  abandoned: number;
  /** Median time to correct diagnosis of solved drills, seconds; null when none was solved. */
  medianDiagnosisSeconds: number | null;
  /** Hints taken over all drills. */
  hintsUsed: number;
}

/** {@link DrillFigures} of finished drills. */
export function drillFigures(drills: readonly Pick<DrillRecord, 'outcome' | 'diagnosisSeconds' | 'hintsUsed'>[]): DrillFigures {
  const times = drills.flatMap((drill) => (drill.outcome === 'solved' && drill.diagnosisSeconds !== undefined ? [drill.diagnosisSeconds] : [])).sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  return {
    total: drills.length,
    solved: drills.filter((drill) => drill.outcome === 'solved').length,
    givenUp: drills.filter((drill) => drill.outcome === 'given-up').length,
    abandoned: drills.filter((drill) => drill.outcome === 'abandoned').length,
    medianDiagnosisSeconds: times.length === 0 ? null : times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2,
    hintsUsed: drills.reduce((sum, drill) => sum + drill.hintsUsed, 0),
  };
}

/** The history file's content. */
export interface PracticeHistory {
  format: 'comprehension-practice-history';
  version: 1;
  sessions: SessionRecord[];
  /** Debugging drills, oldest first; absent in histories written before drills existed. */
  drills?: DrillRecord[];
}

/** Result of {@link loadHistory}: always a usable history, plus what went wrong. */
export type HistoryLoad =
  | { kind: 'ok'; history: PracticeHistory; dropped: string[] }
  | { kind: 'missing'; history: PracticeHistory; dropped: string[] }
  | { kind: 'corrupt'; history: PracticeHistory; dropped: string[]; message: string; preservedAs?: string };

/** A history with no sessions. */
export function emptyHistory(): PracticeHistory {
  return { format: 'comprehension-practice-history', version: 1, sessions: [] };
}

/** A stored session from a tally (a copy: later events do not change it). */
export function sessionRecordFromTally(tally: PracticeTally, exercises: readonly ExerciseRecord[] = []): SessionRecord {
  const record: SessionRecord = {
    id: tally.sessionId,
    timeZone: tally.timeZone,
    startedAt: tally.startedAt,
    days: structuredClone(tally.days),
    quarters: structuredClone(tally.quarters),
    exercises: exercises.map((exercise) => ({ ...exercise })),
  };
  if (tally.endedAt !== undefined) record.endedAt = tally.endedAt;
  return record;
}

/** A history with `session` added, or replacing the stored session with the same id; sessions stay ordered by start. */
export function upsertSession(history: PracticeHistory, session: SessionRecord): PracticeHistory {
  const sessions = history.sessions.filter((existing) => existing.id !== session.id);
  sessions.push(session);
  sessions.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  return { ...history, sessions };
}

/** Checks one stored drill; returns what is wrong, or undefined. */
export function validateDrillRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'drill: not an object';
  const drill = value as Partial<DrillRecord>;
  if (typeof drill.id !== 'string' || drill.id === '') return 'drill: missing id';
  if (typeof drill.file !== 'string' || typeof drill.kind !== 'string') return `drill ${drill.id}: missing file or kind`;
  if (typeof drill.startedAt !== 'number' || typeof drill.endedAt !== 'number' || !Number.isFinite(drill.startedAt) || drill.endedAt < drill.startedAt) return `drill ${drill.id}: bad times`;
  if (drill.outcome !== 'solved' && drill.outcome !== 'given-up' && drill.outcome !== 'abandoned') return `drill ${drill.id}: bad outcome`;
  if (typeof drill.hintsUsed !== 'number' || !Number.isInteger(drill.hintsUsed) || drill.hintsUsed < 0) return `drill ${drill.id}: bad hintsUsed`;
  if (drill.diagnosisSeconds !== undefined && (typeof drill.diagnosisSeconds !== 'number' || !Number.isFinite(drill.diagnosisSeconds) || drill.diagnosisSeconds < 0)) return `drill ${drill.id}: bad diagnosisSeconds`;
  if (!Array.isArray(drill.failingTests) || !drill.failingTests.every((name) => typeof name === 'string')) return `drill ${drill.id}: bad failingTests`;
  return undefined;
}

/** A history with `drill` added, or replacing the stored drill with the same id; drills stay ordered by start. */
export function upsertDrill(history: PracticeHistory, drill: DrillRecord): PracticeHistory {
  const drills = (history.drills ?? []).filter((existing) => existing.id !== drill.id);
  drills.push({ ...drill, failingTests: [...drill.failingTests] });
  drills.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  return { ...history, drills };
}

/** Checks one stored session; returns what is wrong, or undefined. */
export function validateSessionRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const session = value as Partial<SessionRecord>;
  if (typeof session.id !== 'string' || session.id === '') return 'missing id';
  if (typeof session.timeZone !== 'string') return `${session.id}: missing timeZone`;
  if (typeof session.startedAt !== 'number') return `${session.id}: missing startedAt`;
  if (session.endedAt !== undefined && typeof session.endedAt !== 'number') return `${session.id}: bad endedAt`;
  if (!Array.isArray(session.days) || !Array.isArray(session.quarters) || !Array.isArray(session.exercises)) return `${session.id}: missing days, quarters or exercises`;
  for (const day of session.days) {
    if (typeof day !== 'object' || day === null || typeof day.day !== 'string' || !isDayKey(day.day)) return `${session.id}: bad day`;
    if (![day.activeMs, day.typedChars, day.typedLines].every((n) => typeof n === 'number' && Number.isFinite(n))) return `${session.id}: bad totals on ${day.day}`;
    if (!Array.isArray(day.files) || !Array.isArray(day.breaches)) return `${session.id}: bad files or breaches on ${day.day}`;
  }
  for (const quarter of session.quarters) {
    if (typeof quarter !== 'object' || quarter === null || typeof quarter.quarter !== 'number' || typeof quarter.activeMs !== 'number') return `${session.id}: bad quarter`;
  }
  for (const exercise of session.exercises) {
    if (typeof exercise !== 'object' || exercise === null || typeof exercise.at !== 'number' || typeof exercise.similarity !== 'number') return `${session.id}: bad exercise`;
  }
  return undefined;
}

/**
 * Loads the history without throwing. A file that is not JSON, or not a history, is moved aside
 * to `<path>.corrupt-<timestamp>` (so the next save does not overwrite what could be recovered by
 * hand) and an empty history is returned with the reason. Single damaged sessions are dropped and
 * named in `dropped`; the rest loads.
 */
export async function loadHistory(path: string, now: number): Promise<HistoryLoad> {
  const read = await readJsonFile<unknown>(path);
  if (read.kind === 'missing') return { kind: 'missing', history: emptyHistory(), dropped: [] };
  let problem: string | undefined;
  if (read.kind === 'corrupt') problem = read.message;
  else {
    const value = read.value as Partial<PracticeHistory> | null;
    if (typeof value !== 'object' || value === null || value.format !== 'comprehension-practice-history') problem = `${path} is not a practice history`;
    else if (value.version !== 1) problem = `${path} has unsupported version ${String(value.version)}`;
    else if (!Array.isArray(value.sessions)) problem = `${path} has no sessions list`;
    else {
      const dropped: string[] = [];
      let history = emptyHistory();
      for (const session of value.sessions) {
        const error = validateSessionRecord(session);
        if (error) dropped.push(error);
        else history = upsertSession(history, session as SessionRecord);
      }
      const drills: unknown = (value as { drills?: unknown }).drills;
      if (drills !== undefined && !Array.isArray(drills)) dropped.push('drills is not a list');
      for (const drill of Array.isArray(drills) ? drills : []) {
        const error = validateDrillRecord(drill);
        if (error) dropped.push(error);
        else history = upsertDrill(history, drill as DrillRecord);
      }
      return { kind: 'ok', history, dropped };
    }
  }
  const preservedAs = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, preservedAs);
    return { kind: 'corrupt', history: emptyHistory(), dropped: [], message: problem, preservedAs };
  } catch (error) {
    return { kind: 'corrupt', history: emptyHistory(), dropped: [], message: `${problem} (could not move it aside: ${(error as Error).message})` };
  }
}

/** Writes the whole history atomically. */
export async function saveHistory(path: string, history: PracticeHistory): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(history)}\n`);
}

/**
 * Combines a newer save of a session with the stored one: the newer accounting wins (it is a
 * superset), exercises are the union of both (a session resumed after a crash starts with none
 * in memory, while earlier ones are already stored).
 */
export function mergeSessionRecords(stored: SessionRecord, newer: SessionRecord): SessionRecord {
  const exercises = new Map<string, ExerciseRecord>();
  for (const exercise of [...stored.exercises, ...newer.exercises]) exercises.set(`${exercise.blockId}\u0000${exercise.at}`, exercise);
  return { ...newer, exercises: [...exercises.values()].sort((a, b) => a.at - b.at) };
}

/**
 * Stores one finished drill the way {@link saveSession} stores a session: re-reads the file,
 * adds the drill, writes atomically.
 */
export async function saveDrill(path: string, drill: DrillRecord, now: number): Promise<HistoryLoad> {
  const loaded = await loadHistory(path, now);
  const history = upsertDrill(loaded.history, drill);
  await saveHistory(path, history);
  return { ...loaded, history };
}

/**
 * Stores one session: re-reads the file, merges the session into it (see
 * {@link mergeSessionRecords}), writes atomically. Reading first keeps sessions that another
 * window saved since this one loaded. A damaged file is moved aside by the load and the history
 * restarts from this session (the result says so).
 */
export async function saveSession(path: string, session: SessionRecord, now: number): Promise<HistoryLoad> {
  const loaded = await loadHistory(path, now);
  const stored = loaded.history.sessions.find((candidate) => candidate.id === session.id);
  const history = upsertSession(loaded.history, stored ? mergeSessionRecords(stored, session) : session);
  await saveHistory(path, history);
  return { ...loaded, history };
}

function isoOrEmpty(epochMs: number | undefined): string {
  return epochMs === undefined ? '' : new Date(epochMs).toISOString();
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

/**
 * The history as a readable JSON document for users and teams: ISO 8601 times, seconds instead
 * of milliseconds, per-session totals, without the internal quarter-hour buckets.
 */
export function exportJson(history: PracticeHistory): string {
  const sessions = history.sessions.map((session) => {
    const totals = sessionTotals(session);
    return {
      id: session.id,
      timeZone: session.timeZone,
      startedAt: isoOrEmpty(session.startedAt),
      endedAt: session.endedAt === undefined ? null : isoOrEmpty(session.endedAt),
      activeSeconds: seconds(totals.activeMs),
      typedChars: totals.typedChars,
      typedLines: totals.typedLines,
      filesTouched: totals.files,
      aiBreaches: totals.breaches.map((breach) => ({ ...breach, at: isoOrEmpty(breach.at) })),
      days: session.days.map((day) => ({
        day: day.day,
        activeSeconds: seconds(day.activeMs),
        typedChars: day.typedChars,
        typedLines: day.typedLines,
        filesTouched: day.files,
        aiBreaches: day.breaches.length,
      })),
      exercises: session.exercises.map((exercise) => ({ ...exercise, at: isoOrEmpty(exercise.at) })),
    };
  });
  const drills = (history.drills ?? []).map((drill) => ({ ...drill, startedAt: isoOrEmpty(drill.startedAt), endedAt: isoOrEmpty(drill.endedAt) }));
  return `${JSON.stringify({ format: 'comprehension-practice-export', version: 1, sessions, drills }, null, 2)}\n`;
}

/** The CSV columns of {@link exportCsv}, in order. */
export const CSV_COLUMNS = [
  'session_id',
  'time_zone',
  'session_started_at',
  'session_ended_at',
  'day',
  'active_seconds',
  'typed_chars',
  'typed_lines',
  'files_touched',
  'files',
  'ai_breaches',
  'exercises',
  'mean_similarity',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
 * leading `'`, the usual defence against CSV injection through file names.
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The history as CSV, one row per session and day (days in the session's own zone), CRLF line
 * ends, a header row first. Files are joined with `; `. Sessions without any recorded day have
 * no row. Exercises count on the day (session zone) they were finished.
 */
export function exportCsv(history: PracticeHistory): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const session of history.sessions) {
    for (const day of session.days) {
      const exercises = session.exercises.filter((exercise) => dayKeyOf(exercise.at, session.timeZone) === day.day);
      const meanSimilarity = exercises.length === 0 ? '' : (exercises.reduce((sum, e) => sum + e.similarity, 0) / exercises.length).toFixed(3);
      const fields: (string | number)[] = [
        session.id,
        session.timeZone,
        isoOrEmpty(session.startedAt),
        isoOrEmpty(session.endedAt),
        day.day,
        seconds(day.activeMs),
        day.typedChars,
        day.typedLines,
        day.files.length,
        day.files.join('; '),
        day.breaches.length,
        exercises.length,
        meanSimilarity,
      ];
      rows.push(fields.map(csvField).join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

/** One day of a chart series, over every session. */
export interface DailyPoint extends DailyTyping {
  /** Whole minutes, rounded down. */
  activeMinutes: number;
  aiBreaches: number;
  exercises: number;
  /** Sessions with active time or typing on this day. */
  sessions: number;
}

/** Longest range {@link dailySeries} builds, so a typo in a year cannot allocate millions of points. */
export const MAX_SERIES_DAYS = 3700;

/**
 * One point per calendar day from `fromDay` to `toDay` (both included) in `timeZone`, zero-filled,
 * for charts and for goals (a `DailyActivity` list). Active time and typing come from the
 * quarter-hour buckets, so the days are exact in any zone whose offsets are whole quarter hours
 * (all zones in use today); breaches and exercises are placed by their own timestamps.
 */
export function dailySeries(history: PracticeHistory, fromDay: DayKey, toDay: DayKey, timeZone: string): DailyPoint[] {
  if (!isDayKey(fromDay) || !isDayKey(toDay)) throw new RangeError(`days must be YYYY-MM-DD: ${fromDay}, ${toDay}`);
  if (daysBetween(fromDay, toDay) >= MAX_SERIES_DAYS) throw new RangeError(`at most ${MAX_SERIES_DAYS} days per series`);
  const points = new Map<DayKey, DailyPoint & { sessionIds: Set<string> }>();
  for (const day of daysInRange(fromDay, toDay)) {
    points.set(day, { day, activeMs: 0, activeMinutes: 0, typedChars: 0, typedLines: 0, aiBreaches: 0, exercises: 0, sessions: 0, sessionIds: new Set() });
  }
  if (points.size === 0) return [];
  const rangeStart = startOfDay(fromDay, timeZone);
  const rangeEnd = startOfDay(addDays(toDay, 1), timeZone);
  for (const session of history.sessions) {
    for (const quarter of session.quarters) {
      const at = quarter.quarter * QUARTER_MS;
      if (at < rangeStart - QUARTER_MS || at >= rangeEnd) continue;
      const point = points.get(dayKeyOf(at, timeZone));
      if (!point) continue;
      point.activeMs += quarter.activeMs;
      point.typedChars += quarter.typedChars;
      point.typedLines += quarter.typedLines;
      if (quarter.activeMs > 0 || quarter.typedChars > 0) point.sessionIds.add(session.id);
    }
    for (const day of session.days) {
      for (const breach of day.breaches) {
        const point = points.get(dayKeyOf(breach.at, timeZone));
        if (point) point.aiBreaches++;
      }
    }
    for (const exercise of session.exercises) {
      const point = points.get(dayKeyOf(exercise.at, timeZone));
      if (point) point.exercises++;
    }
  }
  return [...points.values()].map(({ sessionIds, ...point }) => ({
    ...point,
    activeMinutes: Math.floor(point.activeMs / 60_000),
    sessions: sessionIds.size,
  }));
}

/** Exercises from every session, oldest first. */
export function allExercises(history: PracticeHistory): ExerciseRecord[] {
  return history.sessions.flatMap((session) => session.exercises).sort((a, b) => a.at - b.at);
}

/** Breaches from every session, oldest first. */
export function allBreaches(history: PracticeHistory): AiBreach[] {
  return history.sessions.flatMap((session) => session.days.flatMap((day) => day.breaches)).sort((a, b) => a.at - b.at);
}
