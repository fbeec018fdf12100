import * as assert from 'node:assert/strict';
import { interruptedSessionMessage, liveActiveMs, practisingStatusText, sessionEndMessage, sessionSummaryLines, shortDuration } from '../../../src/core/practice/format';
import { closeTally, createTally, recordActivity, recordBreach, sessionRecordFromTally, sessionTotals, type RestoreResult } from '../../../src/core/practice';

const T0 = Date.UTC(2026, 2, 16, 9, 0, 0); // Monday 2026-03-16 09:00 UTC

describe('Practice client: texts', () => {
  it('counts the running stretch since the last event like the accounting will', () => {
    const tally = createTally('s1', 'UTC', T0, { idleTimeoutMs: 120_000, graceMs: 30_000 });
    recordActivity(tally, { at: T0 + 60_000, kind: 'typing', typedChars: 1 });
    assert.equal(liveActiveMs(tally, T0 + 60_000), 60_000);
    assert.equal(liveActiveMs(tally, T0 + 150_000), 150_000, 'within the idle timeout everything counts');
    assert.equal(liveActiveMs(tally, T0 + 600_000), 90_000, 'after a long gap only the grace counts');
    assert.deepEqual(tally.days[0].activeMs, 60_000, 'the tally itself is not changed');
    recordActivity(tally, { at: T0 + 61_000, kind: 'blur' });
    assert.equal(liveActiveMs(tally, T0 + 100_000), 61_000, 'nothing while the window is in the background');
  });

  it('formats the status text in whole minutes', () => {
    assert.equal(practisingStatusText(59_999), '$(mortar-board) 0m');
    assert.equal(practisingStatusText(12 * 60_000 + 5_000), '$(mortar-board) 12m');
    assert.equal(shortDuration(65 * 60_000), '1h 05m');
  });

  it('summarizes a session: time, typing, files, breaches, respected user changes', () => {
    const tally = createTally('s2', 'UTC', T0);
    for (let minute = 1; minute <= 20; minute++) recordActivity(tally, { at: T0 + minute * 60_000, kind: 'typing', file: 'src/a.ts', typedChars: 30, typedLines: 1 });
    recordBreach(tally, { file: 'src/a.ts', line: 12, source: 'inline-completion', at: T0 + 5 * 60_000 });
    closeTally(tally, T0 + 20 * 60_000);
    const result: RestoreResult = {
      sessionId: 's2',
      complete: true,
      restored: 3,
      respectedUserChanges: [
        { key: 'editor.inlineSuggest.enabled', scope: 'global', previous: { state: 'unset' }, offValue: false, current: { state: 'set', value: true } },
      ],
      deferred: [],
      failures: [],
      session: sessionRecordFromTally(tally),
      totals: sessionTotals(tally),
    };
    const lines = sessionSummaryLines({ result, end: 'stopped', timeZone: 'UTC', skipped: [{ key: 'github.copilot.enable', reason: 'unregistered' }] });
    const text = lines.join('\n');
    assert.match(lines[0], /^Practice session 2026-03-16 09:00 – 09:20$/);
    assert.match(text, /Active time: 20 min/);
    assert.match(text, /Typed by hand: 600 characters, 20 lines/);
    assert.match(text, /Files touched: 1 \(src\/a\.ts\)/);
    assert.match(text, /AI insertions during practice: 1\n {4}src\/a\.ts:12 {2}inline-completion {2}at 09:05/);
    assert.match(text, /editor\.inlineSuggest\.enabled \(user\): true \(was not set before the session\)/);
    assert.match(text, /Not switched off \(not known to this VS Code\): github\.copilot\.enable/);
    assert.equal(sessionEndMessage(result), 'Practice ended: 20 min active, 1 AI insertion. 1 setting you changed during the session stayed as you set them.');
  });

  it('says when a session was recovered and when settings could not be restored', () => {
    const tally = createTally('s3', 'UTC', T0);
    closeTally(tally, T0 + 1000);
    const result: RestoreResult = {
      sessionId: 's3',
      complete: false,
      restored: 0,
      respectedUserChanges: [],
      deferred: [{ key: 'editor.inlineSuggest.enabled', scope: 'workspace', reason: 'other-workspace' }],
      failures: [],
      session: sessionRecordFromTally(tally),
    };
    const text = sessionSummaryLines({ result, end: 'recovered', timeZone: 'UTC' }).join('\n');
    assert.match(text, /recovered at the next start/);
    assert.match(text, /Not restored yet: editor\.inlineSuggest\.enabled \(workspace\) belongs to another workspace/);
    assert.match(sessionEndMessage(result), /could not be restored/);
  });

  it('says how many AI settings a session left behind has switched off, never more than it did', () => {
    assert.match(interruptedSessionMessage('10:15', { off: 1, total: 7 }), /started 10:15\) was still running when VS Code closed; 1 of 7 AI settings are still off\./);
    assert.match(interruptedSessionMessage('10:15', { off: 7, total: 7 }), /; 7 of 7 AI settings are still off\./);
    assert.match(interruptedSessionMessage('10:15', { off: 0, total: 7 }), /none of its 7 AI settings is off now/);
    assert.doesNotMatch(interruptedSessionMessage('10:15', { off: 1, total: 7 }), /is still switched off/);
  });

  it('names the settings a recovery could not restore and where the journal was kept', () => {
    const result: RestoreResult = {
      sessionId: 's4',
      complete: false,
      restored: 3,
      respectedUserChanges: [],
      deferred: [],
      failures: [{ update: { key: 'chat.disableAIFeatures', scope: 'global', value: undefined }, message: 'Unable to write into user settings' }],
      journalSetAside: '/storage/practice-journal.json.unfinished-x',
    };
    assert.match(sessionEndMessage(result), /could not be restored: chat\.disableAIFeatures \(user\); see the summary\. The practice journal with their earlier values was kept as \/storage\/practice-journal\.json\.unfinished-x\./);
  });
});
