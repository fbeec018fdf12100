import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PracticeJournal, processIsAlive, type JournalOptions } from '../../../src/core/practice/journal';
import { planSwitchOff, type SettingsSnapshot } from '../../../src/core/practice/settings-plan';

const T0 = Date.UTC(2025, 5, 10, 9, 0);
const MINUTE = 60_000;

function snapshot(): SettingsSnapshot {
  return planSwitchOff([{ key: 'editor.inlineSuggest.enabled', defaultValue: true, globalValue: true }], { 'editor.inlineSuggest.enabled': false }, { workspace: 'none' }).snapshot;
}

describe('practice: journal', () => {
  let dir: string;
  let path: string;
  const alive = new Set<number>();
  const as = (pid: number, extra: JournalOptions = {}): PracticeJournal =>
    new PracticeJournal(path, { pid, host: 'box', isProcessAlive: (p) => alive.has(p), ...extra });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'practice-journal-'));
    path = join(dir, 'practice-journal.json');
    alive.clear();
    alive.add(100);
    alive.add(200);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports nothing to do without a journal', async () => {
    assert.deepEqual(await as(100).inspectJournal(T0), { kind: 'none' });
  });

  it('writes an active session that its owner and other live windows see as live', async () => {
    const owner = as(100);
    const begun = await owner.begin('s1', snapshot(), T0);
    assert.ok(begun.ok);
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    assert.deepEqual([stored.status, stored.owner, stored.snapshot.entries[0].previous], ['active', { pid: 100, host: 'box', heartbeatAt: T0 }, { state: 'set', value: true }]);
    const mine = await owner.inspectJournal(T0 + MINUTE);
    assert.deepEqual([mine.kind, mine.kind === 'live' && mine.ownedHere], ['live', true]);
    const theirs = await as(200).inspectJournal(T0 + MINUTE);
    assert.deepEqual([theirs.kind, theirs.kind === 'live' && theirs.ownedHere], ['live', false]);
  });

  it('calls a session abandoned when its process is gone or its heartbeat is stale', async () => {
    const owner = as(100);
    await owner.begin('s1', snapshot(), T0);
    await owner.heartbeat('s1', T0 + 4 * MINUTE);
    assert.equal((await as(200).inspectJournal(T0 + 8 * MINUTE)).kind, 'live');
    const stale = await as(200).inspectJournal(T0 + 10 * MINUTE);
    assert.deepEqual([stale.kind, stale.kind === 'abandoned' && stale.reason], ['abandoned', 'heartbeat-stale']);
    alive.delete(100);
    const exited = await as(200).inspectJournal(T0 + 5 * MINUTE);
    assert.deepEqual([exited.kind, exited.kind === 'abandoned' && exited.reason], ['abandoned', 'owner-exited']);
  });

  it('cannot check a pid on another host, so only the heartbeat decides there', async () => {
    await as(100, { host: 'laptop' }).begin('s1', snapshot(), T0);
    alive.delete(100);
    assert.equal((await as(200).inspectJournal(T0 + MINUTE)).kind, 'live');
    assert.equal((await as(200).inspectJournal(T0 + 6 * MINUTE)).kind, 'abandoned');
  });

  it('refuses a second session while one is pending, and allows one after finish', async () => {
    const owner = as(100);
    await owner.begin('s1', snapshot(), T0);
    const second = await as(200).begin('s2', snapshot(), T0);
    assert.deepEqual(second.ok ? 'ok' : second.reason, 'session-pending');
    await owner.finish('s1', T0 + MINUTE);
    const done = await as(200).inspectJournal(T0 + 2 * MINUTE);
    assert.equal(done.kind, 'none');
    assert.ok((await as(200).begin('s2', snapshot(), T0 + 2 * MINUTE)).ok);
  });

  it('lets a new owner claim an abandoned session; the old owner then loses it', async () => {
    const first = as(100);
    await first.begin('s1', snapshot(), T0);
    const second = as(200);
    const refused = await second.claim('s1', T0 + MINUTE);
    assert.deepEqual(refused.ok ? 'ok' : refused.reason, 'not-owner');
    const claimed = await second.claim('s1', T0 + 10 * MINUTE);
    assert.ok(claimed.ok);
    const lost = await first.heartbeat('s1', T0 + 11 * MINUTE);
    assert.deepEqual(lost.ok ? 'ok' : lost.reason, 'not-owner');
    assert.deepEqual((await second.heartbeat('other', T0)).ok ? 'ok' : 'refused', 'refused');
  });

  it('records restore progress slot by slot, and reports an interrupted restore', async () => {
    const owner = as(100);
    await owner.begin('s1', snapshot(), T0);
    await owner.beginRestore('s1', T0 + MINUTE);
    // Two writes racing from one process: both land.
    await Promise.all([owner.markSettled('s1', ['a'], T0 + MINUTE), owner.markSettled('s1', ['b', 'a'], T0 + MINUTE)]);
    alive.delete(100);
    const inspection = await as(200).inspectJournal(T0 + 2 * MINUTE);
    assert.equal(inspection.kind, 'restore-interrupted');
    assert.deepEqual(inspection.kind === 'restore-interrupted' && inspection.record.settledSlots.sort(), ['a', 'b']);
  });

  it('moves a damaged journal aside and says AI settings may still be off', async () => {
    writeFileSync(path, '{"format":"comprehension-practice-journal", "sessionId": ');
    const inspection = await as(100).inspectJournal(T0);
    assert.equal(inspection.kind, 'corrupt');
    if (inspection.kind !== 'corrupt') return;
    assert.match(inspection.warning, /AI features may still be switched off/);
    assert.equal(inspection.preservedAs, `${path}.corrupt-2025-06-10T09-00-00-000Z`);
    assert.ok(!existsSync(path));
    assert.deepEqual(readdirSync(dir), ['practice-journal.json.corrupt-2025-06-10T09-00-00-000Z']);
    // The next start is clean.
    assert.equal((await as(100).inspectJournal(T0 + MINUTE)).kind, 'none');
  });

  it('treats valid JSON that is not a journal as damaged', async () => {
    writeFileSync(path, JSON.stringify({ format: 'comprehension-practice-journal', version: 1, sessionId: 's', startedAt: 1, status: 'active' }));
    const inspection = await as(100).inspectJournal(T0);
    assert.equal(inspection.kind, 'corrupt');
    assert.match(inspection.kind === 'corrupt' ? inspection.message : '', /bad owner/);
  });

  it('refuses to begin over a damaged journal (its snapshot would be lost)', async () => {
    writeFileSync(path, 'not json');
    const begun = await as(100).begin('s1', snapshot(), T0);
    assert.deepEqual(begun.ok ? 'ok' : begun.reason, 'corrupt');
    assert.equal(readFileSync(path, 'utf8'), 'not json');
  });

  it('knows this process is alive and a made-up one is not', () => {
    assert.equal(processIsAlive(process.pid), true);
    assert.equal(processIsAlive(2 ** 22 + 12345), false);
  });
});
