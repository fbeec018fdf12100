import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeTally, createTally, recordActivity, recordBreach } from '../../../src/core/practice/accounting';
import {
  csvField,
  CSV_COLUMNS,
  dailySeries,
  emptyHistory,
  exportCsv,
  exportJson,
  loadHistory,
  saveHistory,
  saveSession,
  sessionRecordFromTally,
  upsertSession,
  type SessionRecord,
} from '../../../src/core/practice/history';

const MINUTE = 60_000;

/** A session typing every 30 s from `start` for `minutes`, in `zone`. */
function session(id: string, zone: string, start: number, minutes: number, file = 'src/app.ts'): SessionRecord {
  const tally = createTally(id, zone, start);
  for (let at = start + 30_000; at <= start + minutes * MINUTE; at += 30_000) recordActivity(tally, { at, kind: 'typing', file, typedChars: 2 });
  closeTally(tally, start + minutes * MINUTE);
  return sessionRecordFromTally(tally);
}

/** Minimal RFC 4180 reader, to prove the CSV round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('practice: history', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'practice-history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves and loads sessions, keeping sessions other windows saved', async () => {
    const path = join(dir, 'history.json');
    const now = Date.UTC(2025, 5, 10, 12, 0);
    assert.equal((await loadHistory(path, now)).kind, 'missing');
    await saveSession(path, session('a', 'UTC', Date.UTC(2025, 5, 10, 9, 0), 20), now);
    await saveSession(path, session('b', 'UTC', Date.UTC(2025, 5, 9, 9, 0), 10), now);
    await saveSession(path, session('a', 'UTC', Date.UTC(2025, 5, 10, 9, 0), 30), now);
    const loaded = await loadHistory(path, now);
    assert.equal(loaded.kind, 'ok');
    assert.deepEqual(loaded.history.sessions.map((s) => [s.id, s.days[0].activeMs / MINUTE]), [
      ['b', 10],
      ['a', 30],
    ]);
  });

  it('keeps stored exercises when a resumed session saves without them', async () => {
    const path = join(dir, 'history.json');
    const now = Date.UTC(2025, 5, 10, 12, 0);
    const first = session('a', 'UTC', Date.UTC(2025, 5, 10, 9, 0), 20);
    first.exercises.push({ blockId: 'blk-1', file: 'src/retry.ts', at: now - MINUTE, similarity: 0.8, durationSeconds: 300 });
    await saveSession(path, first, now);
    await saveSession(path, session('a', 'UTC', Date.UTC(2025, 5, 10, 9, 0), 40), now);
    const stored = (await loadHistory(path, now)).history.sessions[0];
    assert.equal(stored.exercises.length, 1);
    assert.equal(stored.days[0].activeMs, 40 * MINUTE);
  });

  it('moves a damaged file aside and starts empty', async () => {
    const path = join(dir, 'history.json');
    writeFileSync(path, '{"format":"comprehension-practice-history","version":1,"sessions":[');
    const now = Date.UTC(2025, 5, 10, 12, 0);
    const loaded = await loadHistory(path, now);
    assert.equal(loaded.kind, 'corrupt');
    assert.deepEqual(loaded.history.sessions, []);
    assert.ok(!existsSync(path));
    const aside = readdirSync(dir).filter((name) => name.startsWith('history.json.corrupt-'));
    assert.deepEqual(aside, ['history.json.corrupt-2025-06-10T12-00-00-000Z']);
    assert.ok(readFileSync(join(dir, aside[0]), 'utf8').startsWith('{"format"'));
  });

  it('treats JSON of the wrong shape as damaged, and drops single bad sessions', async () => {
    const now = Date.UTC(2025, 5, 10, 12, 0);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, '[1,2,3]');
    assert.equal((await loadHistory(wrong, now)).kind, 'corrupt');
    const partly = join(dir, 'partly.json');
    const good = session('good', 'UTC', Date.UTC(2025, 5, 10, 9, 0), 5);
    writeFileSync(partly, JSON.stringify({ ...emptyHistory(), sessions: [good, { id: 'bad', timeZone: 'UTC' }] }));
    const loaded = await loadHistory(partly, now);
    assert.equal(loaded.kind, 'ok');
    assert.deepEqual(loaded.history.sessions.map((s) => s.id), ['good']);
    assert.equal(loaded.dropped.length, 1);
  });

  it('exports one CSV row per session-day with proper quoting', () => {
    const start = Date.UTC(2025, 5, 11, 3, 50); // 23:50 in New York
    const tally = createTally('s-1', 'America/New_York', start);
    const nasty = 'src/a, "quoted"\nname.ts';
    for (let at = start + 30_000; at <= start + 20 * MINUTE; at += 30_000) recordActivity(tally, { at, kind: 'typing', file: nasty, typedChars: 1 });
    recordActivity(tally, { at: start + 20 * MINUTE, kind: 'edit', file: '=HYPERLINK("x")' });
    recordBreach(tally, { file: nasty, line: 3, source: 'agent-write', at: start + 15 * MINUTE });
    closeTally(tally, start + 20 * MINUTE);
    const record = sessionRecordFromTally(tally, [{ blockId: 'b1', file: nasty, at: start + 19 * MINUTE, similarity: 0.5, durationSeconds: 60 }]);
    const csv = exportCsv(upsertSession(emptyHistory(), record));
    assert.ok(csv.endsWith('\r\n'));
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 3);
    const byColumn = rows.slice(1).map((row) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, row[i]])));
    assert.deepEqual(byColumn.map((r) => [r.day, r.active_seconds, r.ai_breaches, r.exercises]), [
      ['2025-06-10', '600', '0', '0'],
      ['2025-06-11', '600', '1', '1'],
    ]);
    // Only a cell that starts with a formula character is defused.
    assert.equal(byColumn[1].files, `${nasty}; =HYPERLINK("x")`);
    assert.equal(byColumn[1].mean_similarity, '0.500');
  });

  it('quotes CSV fields only when needed', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('-1+1'), "'-1+1");
    assert.equal(csvField(42), '42');
  });

  it('exports readable JSON with ISO times and seconds', () => {
    const record = session('s-1', 'UTC', Date.UTC(2025, 5, 10, 9, 0), 10);
    const parsed = JSON.parse(exportJson(upsertSession(emptyHistory(), record)));
    assert.equal(parsed.format, 'comprehension-practice-export');
    assert.equal(parsed.sessions[0].startedAt, '2025-06-10T09:00:00.000Z');
    assert.equal(parsed.sessions[0].endedAt, '2025-06-10T09:10:00.000Z');
    assert.equal(parsed.sessions[0].activeSeconds, 600);
    assert.deepEqual(parsed.sessions[0].filesTouched, ['src/app.ts']);
    assert.equal(parsed.sessions[0].quarters, undefined);
  });

  it('builds zero-filled daily series and re-buckets days into another zone', () => {
    // Recorded in UTC: 18:20-18:40 UTC; in Kolkata that is 23:50-00:10 across two days.
    const history = upsertSession(emptyHistory(), session('s', 'UTC', Date.UTC(2025, 5, 1, 18, 20), 20));
    assert.deepEqual(
      dailySeries(history, '2025-05-31', '2025-06-02', 'UTC').map((p) => [p.day, p.activeMinutes, p.sessions]),
      [
        ['2025-05-31', 0, 0],
        ['2025-06-01', 20, 1],
        ['2025-06-02', 0, 0],
      ],
    );
    assert.deepEqual(
      dailySeries(history, '2025-06-01', '2025-06-02', 'Asia/Kolkata').map((p) => [p.day, p.activeMinutes, p.typedChars]),
      [
        // 2 typed chars every 30 s: 19 events before 00:00 IST, 21 from 00:00 on.
        ['2025-06-01', 10, 38],
        ['2025-06-02', 10, 42],
      ],
    );
    // Pacific/Chatham midnight is 11:15 UTC in June (+12:45).
    const chatham = upsertSession(emptyHistory(), session('c', 'UTC', Date.UTC(2025, 5, 1, 11, 0), 30));
    assert.deepEqual(
      dailySeries(chatham, '2025-06-01', '2025-06-02', 'Pacific/Chatham').map((p) => p.activeMinutes),
      [15, 15],
    );
    assert.throws(() => dailySeries(history, '2025-6-1', '2025-06-02', 'UTC'), RangeError);
    assert.throws(() => dailySeries(history, '2000-01-01', '2025-06-02', 'UTC'), RangeError);
    assert.deepEqual(dailySeries(history, '2025-06-02', '2025-06-01', 'UTC'), []);
  });

  it('writes the file atomically as plain JSON', async () => {
    const path = join(dir, 'nested', 'history.json');
    await saveHistory(path, upsertSession(emptyHistory(), session('s', 'UTC', Date.UTC(2025, 5, 1, 9, 0), 5)));
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['history.json']);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).sessions.length, 1);
  });
});
