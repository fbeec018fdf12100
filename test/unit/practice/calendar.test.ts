import * as assert from 'node:assert/strict';
import {
  addDays,
  dayKeyOf,
  daySpanOf,
  daysInRange,
  isDayKey,
  isoWeekOf,
  isoWeekdayOf,
  isValidTimeZone,
  localTimeOf,
  startOfDay,
} from '../../../src/core/practice/calendar';

const HOUR = 3_600_000;

describe('practice: calendar', () => {
  it('names the local day of an instant in several zones', () => {
    const instant = Date.UTC(2025, 5, 1, 18, 45); // 2025-06-01 18:45 UTC
    assert.equal(dayKeyOf(instant, 'UTC'), '2025-06-01');
    assert.equal(dayKeyOf(instant, 'Asia/Kolkata'), '2025-06-02'); // 00:15 IST
    assert.equal(dayKeyOf(instant, 'America/New_York'), '2025-06-01');
    assert.equal(dayKeyOf(Date.UTC(2025, 5, 1, 11, 14), 'Pacific/Chatham'), '2025-06-01');
    assert.equal(dayKeyOf(Date.UTC(2025, 5, 1, 11, 15), 'Pacific/Chatham'), '2025-06-02');
  });

  it('finds midnights at half- and quarter-hour offsets', () => {
    assert.equal(startOfDay('2025-06-02', 'Asia/Kolkata'), Date.UTC(2025, 5, 1, 18, 30));
    assert.equal(startOfDay('2025-06-02', 'Pacific/Chatham'), Date.UTC(2025, 5, 1, 11, 15)); // +12:45
    assert.equal(startOfDay('2025-01-16', 'Pacific/Chatham'), Date.UTC(2025, 0, 15, 10, 15)); // +13:45 in summer
  });

  it('measures DST days as 23 and 25 hours in New York', () => {
    const length = (day: string, zone: string): number => (startOfDay(addDays(day, 1), zone) - startOfDay(day, zone)) / HOUR;
    assert.equal(length('2025-03-09', 'America/New_York'), 23);
    assert.equal(length('2025-11-02', 'America/New_York'), 25);
    assert.equal(length('2025-06-15', 'America/New_York'), 24);
    assert.equal(length('2025-09-28', 'Pacific/Chatham'), 23);
  });

  it('starts a day whose midnight does not exist at the first instant after the gap', () => {
    // Chile springs forward at 00:00: 2024-09-08 begins at 01:00 local (04:00 UTC).
    const start = startOfDay('2024-09-08', 'America/Santiago');
    assert.equal(start, Date.UTC(2024, 8, 8, 4, 0));
    assert.equal(localTimeOf(start, 'America/Santiago').hour, 1);
    assert.equal(dayKeyOf(start - 1, 'America/Santiago'), '2024-09-07');
  });

  it('treats a skipped day as empty (Samoa, 2011-12-30)', () => {
    assert.equal(startOfDay('2011-12-30', 'Pacific/Apia'), startOfDay('2011-12-31', 'Pacific/Apia'));
    const span = daySpanOf(Date.UTC(2011, 11, 30, 9, 0), 'Pacific/Apia');
    assert.equal(span.day, '2011-12-29');
    assert.equal(span.end, Date.UTC(2011, 11, 30, 10, 0));
  });

  it('gives spans that contain the instant and cache nothing wrong across zones', () => {
    const instant = Date.UTC(2025, 10, 2, 5, 30); // 01:30 EDT, the first of two 01:30s
    const ny = daySpanOf(instant, 'America/New_York');
    const kolkata = daySpanOf(instant, 'Asia/Kolkata');
    assert.ok(ny.start <= instant && instant < ny.end);
    assert.equal(ny.day, '2025-11-02');
    assert.equal(kolkata.day, '2025-11-02');
    assert.equal(daySpanOf(instant + 2 * HOUR, 'America/New_York').day, '2025-11-02');
    assert.equal(daySpanOf(ny.end, 'America/New_York').day, '2025-11-03');
  });

  it('computes ISO weeks, including weeks that belong to the other year', () => {
    assert.deepEqual(isoWeekOf('2021-01-03'), { year: 2020, week: 53, label: '2020-W53', monday: '2020-12-28', sunday: '2021-01-03' });
    assert.equal(isoWeekOf('2025-12-29').label, '2026-W01');
    assert.equal(isoWeekOf('2024-12-30').label, '2025-W01');
    assert.equal(isoWeekOf('2025-06-11').monday, '2025-06-09');
    assert.equal(isoWeekdayOf('2025-06-15'), 7);
    assert.equal(isoWeekdayOf('2025-06-09'), 1);
  });

  it('validates days and zones and lists ranges', () => {
    assert.ok(isDayKey('2024-02-29'));
    assert.ok(!isDayKey('2025-02-29'));
    assert.ok(!isDayKey('2025-6-1'));
    assert.ok(isValidTimeZone('Pacific/Chatham'));
    assert.ok(!isValidTimeZone('Mars/Olympus_Mons'));
    assert.deepEqual(daysInRange('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01']);
    assert.deepEqual(daysInRange('2024-03-01', '2024-02-28'), []);
  });
});
