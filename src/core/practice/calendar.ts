/**
 * Calendar arithmetic in an IANA time zone, for practice accounting, goals and charts.
 *
 * Instants are epoch milliseconds. A calendar day is a {@link DayKey} (`YYYY-MM-DD`) in a given
 * zone. Day boundaries come from `Intl.DateTimeFormat` with `timeZone`, found by search rather
 * than by offset arithmetic, so DST days of 23 or 25 hours, midnights that do not exist (zones
 * that spring forward at 00:00), half- and quarter-hour offsets and skipped days all come out right.
 */

/** A calendar day as `YYYY-MM-DD`. Sorts chronologically as a string. */
export type DayKey = string;

const DAY_KEY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
/** No zone is further than this from UTC (Pacific/Kiritimati is +14:00); one hour of margin. */
const MAX_OFFSET_MS = 15 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of an instant in a zone. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time of `epochMs` in `timeZone`. Throws RangeError for an unknown zone. */
export function localTimeOf(epochMs: number, timeZone: string): LocalTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year,
    month: fields.month,
    day: fields.day,
    hour: fields.hour,
    minute: fields.minute,
    second: fields.second,
  };
}

/** Whether `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Whether `text` is a well-formed {@link DayKey} naming a real date. */
export function isDayKey(text: string): boolean {
  const match = DAY_KEY_PATTERN.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function keyFromParts(year: number, month: number, day: number): DayKey {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function utcMidnightOf(day: DayKey): number {
  const match = DAY_KEY_PATTERN.exec(day);
  if (!match) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function uncachedDayKey(epochMs: number, timeZone: string): DayKey {
  const local = localTimeOf(epochMs, timeZone);
  return keyFromParts(local.year, local.month, local.day);
}

/** One day's span in one zone: `[start, end)` in epoch ms. */
export interface DaySpan {
  day: DayKey;
  start: number;
  end: number;
}

// Accounting asks for the day of every event; nearly all fall in the day asked about last.
const lastSpan = new Map<string, DaySpan>();

/** The calendar day of `epochMs` in `timeZone`. */
export function dayKeyOf(epochMs: number, timeZone: string): DayKey {
  return daySpanOf(epochMs, timeZone).day;
}

/** The calendar day containing `epochMs` in `timeZone`, with its exact start and end instants. */
export function daySpanOf(epochMs: number, timeZone: string): DaySpan {
  const cached = lastSpan.get(timeZone);
  if (cached && epochMs >= cached.start && epochMs < cached.end) return cached;
  const day = uncachedDayKey(epochMs, timeZone);
  const span = { day, start: startOfDay(day, timeZone), end: startOfDay(addDays(day, 1), timeZone) };
  // A zone whose local date ever ran backwards would break the span; do not cache such a span.
  if (epochMs >= span.start && epochMs < span.end) lastSpan.set(timeZone, span);
  return span;
}

/**
 * The first instant of `day` in `timeZone`: local midnight, or the first instant after a DST gap
 * when midnight does not exist, or the start of the next day when the whole day was skipped
 * (Pacific/Apia, 2011-12-30).
 */
export function startOfDay(day: DayKey, timeZone: string): number {
  const utcMidnight = utcMidnightOf(day);
  // Binary search for the smallest instant whose local day is not before `day`; local days only
  // move forward with time in every zone in the tz database since 1970.
  let before = utcMidnight - MAX_OFFSET_MS;
  let atOrAfter = utcMidnight + MAX_OFFSET_MS;
  while (atOrAfter - before > 1) {
    const middle = Math.floor((before + atOrAfter) / 2);
    if (uncachedDayKey(middle, timeZone) >= day) atOrAfter = middle;
    else before = middle;
  }
  return atOrAfter;
}

/** `day` moved by `count` calendar days (negative moves back). */
export function addDays(day: DayKey, count: number): DayKey {
  const date = new Date(utcMidnightOf(day) + count * MS_PER_DAY);
  return keyFromParts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: DayKey, to: DayKey): number {
  return Math.round((utcMidnightOf(to) - utcMidnightOf(from)) / MS_PER_DAY);
}

/** ISO weekday of a day: 1 = Monday ... 7 = Sunday. */
export function isoWeekdayOf(day: DayKey): number {
  const weekday = new Date(utcMidnightOf(day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** An ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday. */
export interface IsoWeek {
  /** The ISO week-numbering year (differs from the calendar year around New Year). */
  year: number;
  week: number;
  /** `2026-W01` */
  label: string;
  monday: DayKey;
  sunday: DayKey;
}

/** The ISO week containing `day`. */
export function isoWeekOf(day: DayKey): IsoWeek {
  const weekday = isoWeekdayOf(day);
  const monday = addDays(day, 1 - weekday);
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const ordinal = daysBetween(keyFromParts(year, 1, 1), thursday);
  const week = Math.floor(ordinal / 7) + 1;
  return { year, week, label: `${pad(year, 4)}-W${pad(week, 2)}`, monday, sunday: addDays(monday, 6) };
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function daysInRange(from: DayKey, to: DayKey): DayKey[] {
  const count = daysBetween(from, to);
  const days: DayKey[] = [];
  for (let i = 0; i <= count; i++) days.push(addDays(from, i));
  return days;
}
