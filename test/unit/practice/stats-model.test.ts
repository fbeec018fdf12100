import * as assert from 'node:assert/strict';
import { buildStatsModel, STATS_DAYS, STATS_WEEKS } from '../../../src/core/practice/stats-model';
import { closeTally, createTally, emptyHistory, recordActivity, recordBreach, sessionRecordFromTally, upsertSession, type PracticeHistory } from '../../../src/core/practice';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 18, 20, 0, 0); // Wednesday 2026-03-18, ISO week 2026-W12

function historyOf(days: { daysAgo: number; minutes: number; breach?: boolean; similarity?: number }[]): PracticeHistory {
  let history = emptyHistory();
  for (const { daysAgo, minutes, breach, similarity } of days) {
    const start = NOW - daysAgo * DAY - 3 * 3_600_000;
    const tally = createTally(`s-${daysAgo}`, 'UTC', start);
    for (let minute = 1; minute <= minutes; minute++) recordActivity(tally, { at: start + minute * 60_000, kind: 'typing', file: 'src/k.ts', typedChars: 10, typedLines: 1 });
    if (breach) recordBreach(tally, { file: 'src/k.ts', line: 4, source: 'agent-write', at: start + 60_000 });
    closeTally(tally, start + minutes * 60_000);
    const exercises = similarity === undefined ? [] : [{ blockId: `b${daysAgo}`, file: 'src/k.ts', at: start + minutes * 60_000, similarity, durationSeconds: 300 }];
    history = upsertSession(history, sessionRecordFromTally(tally, exercises));
  }
  return history;
}

describe('Practice client: stats model', () => {
  it('builds 28 daily bars, 12 weekly bars, week progress and the streak', () => {
    const history = historyOf([
      { daysAgo: 0, minutes: 20 },
      { daysAgo: 1, minutes: 30, breach: true },
      { daysAgo: 2, minutes: 16, similarity: 0.8 },
      { daysAgo: 4, minutes: 40, similarity: 0.6 },
      { daysAgo: 40, minutes: 25 },
    ]);
    const model = buildStatsModel({ history, now: NOW, timeZone: 'UTC', goal: { minutes: 120, source: 'setting' }, dailyMinimumMinutes: 15, practising: false });
    assert.equal(model.days.length, STATS_DAYS);
    assert.equal(model.days.at(-1)?.day, '2026-03-18');
    assert.equal(model.days.at(-1)?.weekday, 'We');
    assert.equal(model.days.at(-1)?.minutes, 20);
    assert.equal(model.days.at(-2)?.breaches, 1);
    assert.equal(model.weeks.length, STATS_WEEKS);
    assert.equal(model.weeks.at(-1)?.label, '2026-W12');
    assert.equal(model.weeks.at(-1)?.minutes, 66, 'Mon-Wed of this week');
    assert.equal(model.weeks.at(-2)?.minutes, 40);
    assert.deepEqual(model.week, { label: '2026-W12', doneMinutes: 66, goalMinutes: 120, goalSource: 'setting', expectedMinutes: Math.round((120 * (2 * 24 + 20)) / 168), met: false, behind: false });
    assert.deepEqual(model.streak, { current: 3, longest: 3, todayMet: true, dailyMinimumMinutes: 15 });
    assert.equal(model.totals.sessions, 5);
    assert.equal(model.totals.activeMinutes, 131);
    assert.equal(model.totals.breaches, 1);
    assert.equal(model.totals.exercises, 2);
    assert.ok(Math.abs((model.totals.meanSimilarity ?? 0) - 0.7) < 1e-9);
    assert.equal(model.recentExercises[0].blockId, 'b2', 'newest first');
    assert.equal(model.recentBreaches[0].when, '2026-03-17 17:01');
  });

  it('draws an empty history without failing', () => {
    const model = buildStatsModel({ history: emptyHistory(), now: NOW, timeZone: 'Europe/Berlin', goal: { minutes: 0, source: 'none' }, dailyMinimumMinutes: 0, practising: true });
    assert.equal(model.days.length, STATS_DAYS);
    assert.ok(model.days.every((day) => day.minutes === 0 && !day.qualifies));
    assert.equal(model.streak.current, 0);
    assert.equal(model.totals.meanSimilarity, null);
    assert.equal(model.practising, true);
  });
});
