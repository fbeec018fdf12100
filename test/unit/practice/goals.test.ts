import * as assert from 'node:assert/strict';
import {
  LEVEL_2_DEFAULT_WEEKLY_GOAL_MINUTES,
  progressText,
  resolveWeeklyGoal,
  shouldRemind,
  streaks,
  weekProgress,
} from '../../../src/core/practice/goals';
import type { DailyActivity } from '../../../src/core/practice/accounting';

const MINUTE = 60_000;

function minutes(entries: Record<string, number>): DailyActivity[] {
  return Object.entries(entries).map(([day, m]) => ({ day, activeMs: m * MINUTE }));
}

describe('practice: goals', () => {
  it('resolves the weekly goal from setting, policy and level', () => {
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 1, policyWeeklyGoalMinutes: 0 }), { minutes: 0, source: 'none' });
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 1, policyWeeklyGoalMinutes: 90, settingMinutes: 30 }), { minutes: 30, source: 'setting' });
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 0, policyWeeklyGoalMinutes: 90 }), { minutes: 90, source: 'policy' });
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 2, policyWeeklyGoalMinutes: 0 }), { minutes: LEVEL_2_DEFAULT_WEEKLY_GOAL_MINUTES, source: 'level-2-default' });
    // Level 2: the policy is a floor the user may raise but not lower.
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 2, policyWeeklyGoalMinutes: 90, settingMinutes: 30 }), { minutes: 90, source: 'policy' });
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 2, policyWeeklyGoalMinutes: 90, settingMinutes: 120 }), { minutes: 120, source: 'setting' });
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 2, policyWeeklyGoalMinutes: 0, settingMinutes: 45 }), { minutes: 45, source: 'setting' });
    assert.deepEqual(resolveWeeklyGoal({ policyLevel: 1, policyWeeklyGoalMinutes: 0, settingMinutes: Number.NaN }), { minutes: 0, source: 'none' });
  });

  it('sums the ISO week of the zone, Monday to Sunday', () => {
    const days = minutes({ '2025-06-08': 50, '2025-06-09': 10, '2025-06-11': 15, '2025-06-15': 5, '2025-06-16': 40 });
    const now = Date.UTC(2025, 5, 11, 12, 0); // Wednesday
    const progress = weekProgress(days, 60, now, 'UTC');
    assert.equal(progress.week.label, '2025-W24');
    assert.equal(progress.doneMinutes, 30);
    assert.equal(progressText(progress), 'Practice: 30/60 min this week');
  });

  it('starts the week at local Monday midnight', () => {
    // Sunday 20:00 UTC is already Monday 05:00 in Tokyo: a new week there.
    const now = Date.UTC(2025, 5, 15, 20, 0);
    const days = minutes({ '2025-06-14': 30 });
    assert.equal(weekProgress(days, 60, now, 'UTC').doneMinutes, 30);
    assert.equal(weekProgress(days, 60, now, 'Asia/Tokyo').doneMinutes, 0);
    assert.equal(weekProgress(days, 60, now, 'Asia/Tokyo').week.monday, '2025-06-16');
  });

  it('is behind only when more than a day’s share below the steady pace', () => {
    const mondayNoon = Date.UTC(2025, 5, 9, 12, 0);
    assert.equal(weekProgress([], 60, mondayNoon, 'UTC').behind, false);
    const wednesdayNoon = Date.UTC(2025, 5, 11, 12, 0); // 2.5 days gone: expected 21.4 min
    assert.equal(weekProgress([], 60, wednesdayNoon, 'UTC').behind, true);
    // Behind means done + 60/7 < 21.43, so 12 minutes is behind and 13 is not.
    assert.equal(weekProgress(minutes({ '2025-06-09': 12 }), 60, wednesdayNoon, 'UTC').behind, true);
    assert.equal(weekProgress(minutes({ '2025-06-09': 13 }), 60, wednesdayNoon, 'UTC').behind, false);
    const met = weekProgress(minutes({ '2025-06-09': 60 }), 60, wednesdayNoon, 'UTC');
    assert.equal(met.met, true);
    assert.equal(met.behind, false);
    assert.equal(weekProgress([], 0, wednesdayNoon, 'UTC').behind, false);
  });

  it('measures the elapsed share in real hours in a DST week', () => {
    // Week of 2025-11-03 has no change; the week of 2025-10-27 ends with the 25-hour Sunday.
    const monday = Date.UTC(2025, 9, 27, 4, 0); // 00:00 EDT Monday
    const sundayMidnight = Date.UTC(2025, 10, 3, 5, 0); // 00:00 EST next Monday
    const half = monday + (sundayMidnight - monday) / 2;
    const progress = weekProgress([], 60, half, 'America/New_York');
    assert.equal(progress.week.monday, '2025-10-27');
    assert.ok(Math.abs(progress.elapsedFraction - 0.5) < 1e-9);
    assert.equal(sundayMidnight - monday, 169 * 3_600_000);
  });

  it('keeps the streak while today is still in progress, and breaks it on a missed day', () => {
    const now = Date.UTC(2025, 5, 12, 9, 0);
    const days = minutes({ '2025-06-08': 20, '2025-06-09': 15, '2025-06-10': 30, '2025-06-11': 16, '2025-06-12': 5 });
    assert.deepEqual(streaks(days, 15, now, 'UTC'), { today: '2025-06-12', current: 4, longest: 4, todayMet: false });
    const withToday = [...days, { day: '2025-06-12', activeMs: 10 * MINUTE }];
    assert.deepEqual(streaks(withToday, 15, now, 'UTC'), { today: '2025-06-12', current: 5, longest: 5, todayMet: true });
    const gap = minutes({ '2025-06-01': 20, '2025-06-02': 20, '2025-06-03': 20, '2025-06-10': 20 });
    assert.deepEqual(streaks(gap, 15, now, 'UTC'), { today: '2025-06-12', current: 0, longest: 3, todayMet: false });
  });

  it('counts a day below the minimum as a break, and ignores days after today', () => {
    const now = Date.UTC(2025, 5, 12, 9, 0);
    const days = minutes({ '2025-06-10': 20, '2025-06-11': 14, '2025-06-13': 60, '2025-06-14': 60 });
    assert.deepEqual(streaks(days, 15, now, 'UTC'), { today: '2025-06-12', current: 0, longest: 1, todayMet: false });
    assert.equal(streaks(minutes({ '2025-06-11': 1 }), 0, now, 'UTC').current, 1);
  });

  it('uses the local day for the streak', () => {
    // 2025-06-12 19:00 UTC is already June 13 in Kolkata, where June 12 then counts as yesterday.
    const now = Date.UTC(2025, 5, 12, 19, 0);
    const days = minutes({ '2025-06-11': 20, '2025-06-12': 20 });
    assert.equal(streaks(days, 15, now, 'Asia/Kolkata').today, '2025-06-13');
    assert.equal(streaks(days, 15, now, 'Asia/Kolkata').current, 2);
  });

  it('reminds at most once per day, only when behind', () => {
    const wednesdayNoon = Date.UTC(2025, 5, 11, 12, 0);
    const behind = weekProgress(minutes({ '2025-06-09': 5 }), 60, wednesdayNoon, 'UTC');
    const first = shouldRemind({ progress: behind, timeZone: 'UTC' }, wednesdayNoon);
    assert.equal(first.remind, true);
    assert.equal(first.text, 'Practice: 5/60 min this week');
    assert.equal(first.day, '2025-06-11');
    const again = shouldRemind({ progress: behind, timeZone: 'UTC', lastRemindedDay: first.day }, wednesdayNoon + 3_600_000);
    assert.deepEqual([again.remind, again.reason], [false, 'already-reminded-today']);
    const thursday = wednesdayNoon + 24 * 3_600_000;
    const nextDay = shouldRemind({ progress: weekProgress(minutes({ '2025-06-09': 5 }), 60, thursday, 'UTC'), timeZone: 'UTC', lastRemindedDay: first.day }, thursday);
    assert.equal(nextDay.remind, true);
    const onPace = shouldRemind({ progress: weekProgress(minutes({ '2025-06-10': 25 }), 60, wednesdayNoon, 'UTC'), timeZone: 'UTC' }, wednesdayNoon);
    assert.deepEqual([onPace.remind, onPace.reason, onPace.text], [false, 'on-pace', 'Practice: 25/60 min this week']);
    const noGoal = shouldRemind({ progress: weekProgress([], 0, wednesdayNoon, 'UTC'), timeZone: 'UTC' }, wednesdayNoon);
    assert.deepEqual([noGoal.remind, noGoal.reason, noGoal.text], [false, 'no-goal', 'Practice: 0 min this week']);
  });
});
