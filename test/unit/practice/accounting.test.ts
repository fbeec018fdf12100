import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  closeTally,
  createTally,
  measureTypedText,
  QUARTER_MS,
  recordActivity,
  recordBreach,
  resumeTally,
  sessionTotals,
  type PracticeTally,
} from '../../../src/core/practice/accounting';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Typing events every `stepMs` from `from` to `to` (both included). */
function typeSteadily(tally: PracticeTally, from: number, to: number, stepMs = 30 * SECOND, file = 'src/app.ts'): void {
  for (let at = from; at <= to; at += stepMs) recordActivity(tally, { at, kind: 'typing', file, typedChars: 3 });
}

function dayTotals(tally: PracticeTally): Record<string, number> {
  return Object.fromEntries(tally.days.map((d) => [d.day, d.activeMs / MINUTE]));
}

function quarterSum(tally: PracticeTally): number {
  return tally.quarters.reduce((sum, q) => sum + q.activeMs, 0);
}

describe('practice: accounting', () => {
  it('counts steady activity as active time', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    typeSteadily(tally, start + 30 * SECOND, start + 10 * MINUTE);
    assert.equal(sessionTotals(tally).activeMs, 10 * MINUTE);
  });

  it('counts a gap up to the idle timeout, and only the grace after a longer one', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    recordActivity(tally, { at: start + 2 * MINUTE, kind: 'typing' }); // exactly the timeout: counts
    recordActivity(tally, { at: start + 2 * MINUTE + 1, kind: 'typing' });
    assert.equal(sessionTotals(tally).activeMs, 2 * MINUTE + 1);
    recordActivity(tally, { at: start + 30 * MINUTE, kind: 'typing' }); // away: 30 s grace
    assert.equal(sessionTotals(tally).activeMs, 2 * MINUTE + 1 + 30 * SECOND);
  });

  it('honours custom idle timeout and grace, capping the grace at the timeout', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start, { idleTimeoutMs: 5 * MINUTE, graceMs: 10 * MINUTE });
    assert.equal(tally.graceMs, 5 * MINUTE);
    recordActivity(tally, { at: start + 4 * MINUTE, kind: 'selection' });
    recordActivity(tally, { at: start + 60 * MINUTE, kind: 'selection' });
    assert.equal(sessionTotals(tally).activeMs, 9 * MINUTE);
    assert.throws(() => createTally('s', 'UTC', start, { idleTimeoutMs: 0 }), RangeError);
    assert.throws(() => createTally('s', 'Nowhere/Town', start), RangeError);
  });

  it('stops counting at blur until the next event', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    recordActivity(tally, { at: start + MINUTE, kind: 'typing' });
    recordActivity(tally, { at: start + 90 * SECOND, kind: 'blur' });
    recordActivity(tally, { at: start + 3 * MINUTE, kind: 'focus' });
    recordActivity(tally, { at: start + 4 * MINUTE, kind: 'typing' });
    assert.equal(sessionTotals(tally).activeMs, 90 * SECOND + MINUTE);
  });

  it('counts typed text, lines, touched files and breaches per day', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    recordActivity(tally, { at: start + SECOND, kind: 'typing', file: 'a.ts', typedChars: 10, typedLines: 1 });
    recordActivity(tally, { at: start + 2 * SECOND, kind: 'typing', file: 'b.ts', typedChars: 5 });
    recordActivity(tally, { at: start + 3 * SECOND, kind: 'edit', file: 'a.ts' });
    recordActivity(tally, { at: start + 4 * SECOND, kind: 'selection', file: 'only-looked-at.ts' });
    recordBreach(tally, { file: 'a.ts', line: 12, source: 'inline-completion', at: start + 5 * SECOND });
    const totals = sessionTotals(tally);
    assert.equal(totals.typedChars, 15);
    assert.equal(totals.typedLines, 1);
    assert.deepEqual(totals.files, ['a.ts', 'b.ts']);
    assert.deepEqual(totals.breaches, [{ file: 'a.ts', line: 12, source: 'inline-completion', at: start + 5 * SECOND }]);
  });

  it('counts the work of late events but no time for them', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    recordActivity(tally, { at: start + MINUTE, kind: 'typing' });
    recordActivity(tally, { at: start + 30 * SECOND, kind: 'typing', typedChars: 4, file: 'late.ts' });
    assert.equal(sessionTotals(tally).activeMs, MINUTE);
    assert.equal(sessionTotals(tally).typedChars, 4);
    assert.deepEqual(sessionTotals(tally).files, ['late.ts']);
  });

  it('splits a session across midnight in New York', () => {
    const start = Date.UTC(2025, 5, 11, 3, 50); // 23:50 EDT on June 10
    const tally = createTally('s1', 'America/New_York', start);
    typeSteadily(tally, start, start + 20 * MINUTE);
    assert.deepEqual(dayTotals(tally), { '2025-06-10': 10, '2025-06-11': 10 });
    assert.equal(quarterSum(tally), 20 * MINUTE);
  });

  it('counts real time across the spring-forward gap (America/New_York, 2025-03-09)', () => {
    const start = Date.UTC(2025, 2, 9, 6, 50); // 01:50 EST
    const tally = createTally('s1', 'America/New_York', start);
    typeSteadily(tally, start, Date.UTC(2025, 2, 9, 7, 10)); // until 03:10 EDT
    assert.deepEqual(dayTotals(tally), { '2025-03-09': 20 });
  });

  it('counts both 01:00 hours of the fall-back day (America/New_York, 2025-11-02)', () => {
    const start = Date.UTC(2025, 10, 2, 4, 30); // 00:30 EDT
    const tally = createTally('s1', 'America/New_York', start);
    typeSteadily(tally, start, Date.UTC(2025, 10, 2, 6, 30)); // 01:30 EST
    assert.deepEqual(dayTotals(tally), { '2025-11-02': 120 });
  });

  it('splits at midnight in Asia/Kolkata (+5:30)', () => {
    const start = Date.UTC(2025, 5, 1, 18, 20); // 23:50 IST
    const tally = createTally('s1', 'Asia/Kolkata', start);
    typeSteadily(tally, start, start + 20 * MINUTE);
    assert.deepEqual(dayTotals(tally), { '2025-06-01': 10, '2025-06-02': 10 });
  });

  it('splits at midnight in Pacific/Chatham (+12:45 in winter, +13:45 in summer)', () => {
    const winter = createTally('w', 'Pacific/Chatham', Date.UTC(2025, 5, 1, 11, 5)); // 23:50 +12:45
    typeSteadily(winter, winter.startedAt, winter.startedAt + 20 * MINUTE);
    assert.deepEqual(dayTotals(winter), { '2025-06-01': 10, '2025-06-02': 10 });
    const summer = createTally('s', 'Pacific/Chatham', Date.UTC(2025, 0, 15, 10, 5)); // 23:50 +13:45
    typeSteadily(summer, summer.startedAt, summer.startedAt + 20 * MINUTE);
    assert.deepEqual(dayTotals(summer), { '2025-01-15': 10, '2025-01-16': 10 });
  });

  it('splits at a midnight that is not on a quarter hour (Africa/Monrovia, -0:44:30 in 1971)', () => {
    const start = Date.UTC(1971, 5, 2, 0, 34, 45); // 23:50:15 local; midnight is 00:44:30 UTC
    const tally = createTally('s1', 'Africa/Monrovia', start);
    typeSteadily(tally, start, start + 20 * MINUTE, MINUTE); // one event straddles midnight
    assert.deepEqual(dayTotals(tally), { '1971-06-01': 9.75, '1971-06-02': 10.25 });
  });

  it('credits the tail when closed, and ignores events after closing', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    recordActivity(tally, { at: start + MINUTE, kind: 'typing' });
    closeTally(tally, start + 100 * SECOND);
    assert.equal(tally.endedAt, start + 100 * SECOND);
    assert.equal(sessionTotals(tally).activeMs, 100 * SECOND);
    recordActivity(tally, { at: start + 110 * SECOND, kind: 'typing', typedChars: 9 });
    assert.equal(sessionTotals(tally).activeMs, 100 * SECOND);
    assert.equal(sessionTotals(tally).typedChars, 0);
  });

  it('resumes without counting the time the editor was gone', () => {
    const start = Date.UTC(2025, 5, 10, 9, 0);
    const tally = createTally('s1', 'UTC', start);
    recordActivity(tally, { at: start + MINUTE, kind: 'typing' });
    const copy = JSON.parse(JSON.stringify(tally)) as PracticeTally; // as read back from the journal
    resumeTally(copy, start + 61 * MINUTE);
    recordActivity(copy, { at: start + 62 * MINUTE, kind: 'typing' });
    assert.equal(sessionTotals(copy).activeMs, 2 * MINUTE);
  });

  it('measures typed text', () => {
    assert.deepEqual(measureTypedText('ab\r\ncd\n'), { chars: 4, lines: 2 });
    assert.deepEqual(measureTypedText(''), { chars: 0, lines: 0 });
  });

  it('never counts more than the elapsed time, and days always equal quarters (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2025, 11, 31) }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 10 * MINUTE }), blur: fc.boolean() }), { maxLength: 60 }),
        (zone, start, steps) => {
          const tally = createTally('p', zone, start);
          let at = start;
          for (const step of steps) {
            at += step.gap;
            recordActivity(tally, { at, kind: step.blur ? 'blur' : 'typing' });
          }
          const totals = sessionTotals(tally);
          assert.ok(totals.activeMs <= at - start);
          assert.equal(quarterSum(tally), totals.activeMs);
          for (const quarter of tally.quarters) assert.ok(quarter.activeMs <= QUARTER_MS);
          const days = tally.days.map((d) => d.day);
          assert.deepEqual(days, [...days].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
