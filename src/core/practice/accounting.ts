/**
 * Heartbeat-style accounting of active practice time (the WakaTime model) and of the work done.
 *
 * Activity events arrive with timestamps. The time between two consecutive events counts as
 * active when the gap is at most the idle timeout (default 2 minutes). A longer gap means the
 * user left; only a short grace after the earlier event counts (default 30 s, never more than
 * the gap): people keep reading for a moment after their last keystroke, and a hard zero would
 * make a session of sparse edits look shorter than it was. A `blur` event (window lost focus)
 * ends the stretch at once: the gap after it counts nothing.
 *
 * Time is split into calendar days of the session's IANA zone (so a session across midnight
 * credits both days, and DST days are 23 or 25 real hours) and also into UTC quarter hours:
 * every modern zone's offset is a multiple of 15 minutes, so quarter totals can be re-bucketed
 * exactly into the days of any other zone later (charts, travel).
 *
 * Nothing here reads the clock: every event carries its time, and closing takes `now`.
 * The tally is plain JSON (the journal and the history store it); functions update it in place.
 */
import { daySpanOf, isValidTimeZone, type DayKey } from './calendar';

/** Length of the UTC buckets that keep time re-bucketable into any zone's days. */
export const QUARTER_MS = 15 * 60_000;
/** Default gap up to which the time between two events counts. */
export const DEFAULT_IDLE_TIMEOUT_MS = 2 * 60_000;
/** Default time credited after the last event before a longer gap. */
export const DEFAULT_GRACE_MS = 30_000;

/**
 * What happened. `typing` and `edit` and `save` mark their file as touched; `selection` and
 * `focus` only show presence; `blur` (window lost focus) ends the active stretch.
 */
export type ActivityKind = 'typing' | 'edit' | 'save' | 'selection' | 'focus' | 'blur';

/** One activity event, as the extension reports it. */
export interface ActivityEvent {
  /** Epoch ms. */
  at: number;
  kind: ActivityKind;
  /** Workspace-relative path (or URI) of the file, when there is one. */
  file?: string;
  /** Characters the user typed by hand in this event (see {@link measureTypedText}). */
  typedChars?: number;
  /** Line breaks the user typed by hand in this event. */
  typedLines?: number;
}

/** An AI insertion caught during practice. */
export interface AiBreach {
  file: string;
  /** 1-based line where the inserted block starts, as shown in the editor. */
  line: number;
  /** What inserted it, e.g. a provenance block source such as `inline-completion` or `agent-write`. */
  source: string;
  /** Epoch ms. */
  at: number;
}

/** Accounting options. */
export interface AccountingOptions {
  /** Gaps up to this many ms count as active (default 2 min). */
  idleTimeoutMs?: number;
  /** After a longer gap, this many ms after the earlier event still count (default 30 s; capped at the idle timeout). */
  graceMs?: number;
}

/**
 * Practice on one calendar day: what every per-day figure of practice shares (goals and streaks
 * read only this; tallies, chart series and the report add their own fields to it).
 */
export interface DailyActivity {
  day: DayKey;
  activeMs: number;
}

/** Active time and typing of one calendar day. */
export interface DailyTyping extends DailyActivity {
  typedChars: number;
  typedLines: number;
}

/** Totals of one calendar day of one session (in the tally's zone). */
export interface DayTally extends DailyTyping {
  /** Files touched (edited, typed in or saved), each once, in order of first touch. */
  files: string[];
  breaches: AiBreach[];
}

/** Totals of one UTC quarter hour; `quarter` is `floor(epochMs / QUARTER_MS)`. */
export interface QuarterTally {
  quarter: number;
  activeMs: number;
  typedChars: number;
  typedLines: number;
}

/** A session's accounting state. */
export interface PracticeTally {
  sessionId: string;
  timeZone: string;
  startedAt: number;
  endedAt?: number;
  idleTimeoutMs: number;
  graceMs: number;
  /** Time of the latest event seen (the session start counts as one). */
  lastEventAt: number;
  /** After a `blur`: the next gap counts nothing. */
  idle: boolean;
  /** Sorted by day. */
  days: DayTally[];
  /** Sorted by quarter; only quarters with something in them. */
  quarters: QuarterTally[];
}

/** A session's totals over all its days. */
export interface SessionTotals {
  activeMs: number;
  typedChars: number;
  typedLines: number;
  files: string[];
  breaches: AiBreach[];
  days: number;
}

/** Starts a session's accounting. Starting counts as activity. Throws RangeError for an unknown zone or bad options. */
export function createTally(sessionId: string, timeZone: string, startedAt: number, options: AccountingOptions = {}): PracticeTally {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!(idleTimeoutMs > 0)) throw new RangeError('idleTimeoutMs must be positive');
  const graceMs = Math.min(Math.max(options.graceMs ?? DEFAULT_GRACE_MS, 0), idleTimeoutMs);
  return { sessionId, timeZone, startedAt, idleTimeoutMs, graceMs, lastEventAt: startedAt, idle: false, days: [], quarters: [] };
}

/** Records an activity event: credits active time since the previous event and counts typed text and files. */
export function recordActivity(tally: PracticeTally, event: ActivityEvent): void {
  if (tally.endedAt !== undefined || !Number.isFinite(event.at)) return;
  if (event.at > tally.lastEventAt) {
    if (!tally.idle) {
      const gap = event.at - tally.lastEventAt;
      const credited = gap <= tally.idleTimeoutMs ? gap : Math.min(tally.graceMs, gap);
      credit(tally, tally.lastEventAt, tally.lastEventAt + credited);
    }
    tally.lastEventAt = event.at;
    tally.idle = event.kind === 'blur';
  } else if (event.kind === 'blur' && event.at === tally.lastEventAt) {
    tally.idle = true;
  }
  // Events that arrive late (timestamps before the latest) add no time but their work still counts.
  if (event.at < tally.startedAt) return;
  const chars = Math.max(0, Math.floor(event.typedChars ?? 0));
  const lines = Math.max(0, Math.floor(event.typedLines ?? 0));
  if (chars > 0 || lines > 0) {
    const day = dayOf(tally, event.at);
    day.typedChars += chars;
    day.typedLines += lines;
    const quarter = quarterOf(tally, Math.floor(event.at / QUARTER_MS));
    quarter.typedChars += chars;
    quarter.typedLines += lines;
  }
  if (event.file !== undefined && (event.kind === 'typing' || event.kind === 'edit' || event.kind === 'save')) {
    const day = dayOf(tally, event.at);
    if (!day.files.includes(event.file)) day.files.push(event.file);
  }
}

/** Records an AI insertion caught during the session (it is not activity: it adds no time). */
export function recordBreach(tally: PracticeTally, breach: AiBreach): void {
  if (breach.at < tally.startedAt) return;
  dayOf(tally, breach.at).breaches.push({ ...breach });
}

/** Ends the session at `now`: the tail since the last event is credited like an event at `now`. */
export function closeTally(tally: PracticeTally, now: number): void {
  if (tally.endedAt !== undefined) return;
  recordActivity(tally, { at: now, kind: 'blur' });
  tally.endedAt = Math.max(now, tally.lastEventAt);
}

/**
 * Continues a session after a crash or reload ("Resume"). The time the editor was gone does
 * not count; resuming is itself activity.
 */
export function resumeTally(tally: PracticeTally, now: number): void {
  delete tally.endedAt;
  tally.lastEventAt = Math.max(tally.lastEventAt, now);
  tally.idle = false;
}

/** Sums a tally over its days. */
export function sessionTotals(tally: Pick<PracticeTally, 'days'>): SessionTotals {
  const files = new Set<string>();
  const totals: SessionTotals = { activeMs: 0, typedChars: 0, typedLines: 0, files: [], breaches: [], days: tally.days.length };
  for (const day of tally.days) {
    totals.activeMs += day.activeMs;
    totals.typedChars += day.typedChars;
    totals.typedLines += day.typedLines;
    for (const file of day.files) files.add(file);
    totals.breaches.push(...day.breaches);
  }
  totals.files = [...files];
  return totals;
}

/**
 * Counts hand-typed text in an inserted string: characters excluding line-break characters,
 * and line breaks (`\r\n` counts once). Auto-inserted closing brackets and indentation are the
 * extension's to filter out before calling this.
 */
export function measureTypedText(text: string): { chars: number; lines: number } {
  const lines = (text.match(/\r\n|\r|\n/g) ?? []).length;
  const chars = text.replace(/[\r\n]/g, '').length;
  return { chars, lines };
}

/** Credits `[from, to)` to the days and quarters it covers. */
function credit(tally: PracticeTally, from: number, to: number): void {
  from = Math.max(from, tally.startedAt);
  let cursor = from;
  while (cursor < to) {
    const span = daySpanOf(cursor, tally.timeZone);
    const quarterIndex = Math.floor(cursor / QUARTER_MS);
    const end = Math.min(to, (quarterIndex + 1) * QUARTER_MS, span.end);
    const piece = end - cursor;
    dayOf(tally, cursor, span.day).activeMs += piece;
    quarterOf(tally, quarterIndex).activeMs += piece;
    cursor = end;
  }
}

function dayOf(tally: PracticeTally, at: number, known?: DayKey): DayTally {
  const day = known ?? daySpanOf(at, tally.timeZone).day;
  const days = tally.days;
  // Nearly always the last day; otherwise insert in order.
  let index = days.length;
  while (index > 0 && days[index - 1].day > day) index--;
  if (index > 0 && days[index - 1].day === day) return days[index - 1];
  const created: DayTally = { day, activeMs: 0, typedChars: 0, typedLines: 0, files: [], breaches: [] };
  days.splice(index, 0, created);
  return created;
}

function quarterOf(tally: PracticeTally, quarter: number): QuarterTally {
  const quarters = tally.quarters;
  let index = quarters.length;
  while (index > 0 && quarters[index - 1].quarter > quarter) index--;
  if (index > 0 && quarters[index - 1].quarter === quarter) return quarters[index - 1];
  const created: QuarterTally = { quarter, activeMs: 0, typedChars: 0, typedLines: 0 };
  quarters.splice(index, 0, created);
  return created;
}
