import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PracticeJournal, type JournalOptions } from '../../../src/core/practice/journal';
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
    assert.match(inspection.preservedAs ?? '', /\/practice-journal\.json\.corrupt-2025-06-10T09-00-00-000Z-[0-9a-f]{8}$/);
    assert.ok(!existsSync(path));
    assert.deepEqual(readdirSync(dir), [basename(inspection.preservedAs ?? '')]);
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

  it('treats a heartbeat far in the future as stale even while the pid is alive, but tolerates small clock skew', async () => {
    await as(100).begin('s1', snapshot(), T0 + 60 * MINUTE);
    // A clock that jumped back an hour (or a forged file): the live pid must not keep it "live" for ever.
    const future = await as(200).inspectJournal(T0);
    assert.deepEqual([future.kind, future.kind === 'abandoned' && future.reason], ['abandoned', 'heartbeat-stale']);
    assert.ok((await as(200).claim('s1', T0)).ok, 'another window may take it over');
    await as(200).heartbeat('s1', T0 + MINUTE);
    assert.equal((await as(300).inspectJournal(T0)).kind, 'live', 'one minute ahead is within the tolerance');
  });

  it('lets only one of many simultaneous begins through (a lock file across instances)', async () => {
    const journals = [100, 200, 300, 400, 500, 600].map((pid) => as(pid));
    const results = await Promise.all(journals.map((journal, i) => journal.begin(`s${i}`, snapshot(), T0)));
    assert.equal(results.filter((result) => result.ok).length, 1, JSON.stringify(results.map((result) => (result.ok ? 'ok' : result.reason))));
    assert.deepEqual(
      results.filter((result) => !result.ok).map((result) => !result.ok && result.reason),
      Array(5).fill('session-pending'),
    );
    const winner = results.findIndex((result) => result.ok);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).sessionId, `s${winner}`);
    assert.deepEqual(readdirSync(dir), ['practice-journal.json'], 'no lock file left behind');
  });

  it('lets only one of two processes begin at the same moment', async () => {
    // Two real Node processes, each a window starting practice: the module under test, compiled next to this file.
    const modulePath = join(__dirname, '../../../src/core/practice/journal.js');
    const go = join(dir, 'go');
    const script = (id: string) =>
      `const { PracticeJournal } = require(${JSON.stringify(modulePath)});` +
      `const fs = require('node:fs');` +
      `const snapshot = ${JSON.stringify(snapshot())};` +
      // Both wait for the same file so their begins overlap as closely as two processes can.
      `const wait = () => fs.existsSync(${JSON.stringify(go)}) ? run() : setImmediate(wait);` +
      `const run = async () => { const r = await new PracticeJournal(${JSON.stringify(path)}).begin(${JSON.stringify(id)}, snapshot, Date.now()); process.stdout.write(r.ok ? 'ok' : r.reason); };` +
      `wait();`;
    const run = (id: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['-e', script(id)], { encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
    for (let round = 0; round < 5; round++) {
      rmSync(path, { force: true });
      rmSync(go, { force: true });
      const both = Promise.all([run('a'), run('b')]);
      writeFileSync(go, '');
      assert.deepEqual((await both).sort(), ['ok', 'session-pending'], `round ${round}`);
    }
  });

  it('keeps every damaged journal it sets aside, even two in the same millisecond', async () => {
    writeFileSync(path, 'first damaged journal');
    const first = await as(100).inspectJournal(T0);
    writeFileSync(path, 'second damaged journal');
    const second = await as(100).inspectJournal(T0);
    assert.ok(first.kind === 'corrupt' && second.kind === 'corrupt');
    if (first.kind !== 'corrupt' || second.kind !== 'corrupt') return;
    assert.notEqual(first.preservedAs, second.preservedAs);
    assert.equal(readFileSync(first.preservedAs ?? '', 'utf8'), 'first damaged journal');
    assert.equal(readFileSync(second.preservedAs ?? '', 'utf8'), 'second damaged journal');
    assert.equal(readdirSync(dir).length, 2);
  });

  it('removes its own orphaned temp files older than a minute at the next inspection, and nothing else', async () => {
    const old = (Date.now() - 5 * MINUTE) / 1000;
    const orphan = join(dir, '.practice-journal.json.4242.0badf00d.tmp');
    const fresh = join(dir, '.practice-journal.json.4243.0badf00e.tmp');
    const someoneElses = join(dir, '.practice-history.json.4242.0badf00d.tmp');
    const lookalike = join(dir, 'practice-journal.json.tmp');
    for (const file of [orphan, fresh, someoneElses, lookalike]) writeFileSync(file, '{');
    for (const file of [orphan, someoneElses, lookalike]) utimesSync(file, old, old);
    assert.equal((await as(100).inspectJournal(T0)).kind, 'none');
    assert.deepEqual(readdirSync(dir).sort(), [basename(fresh), basename(someoneElses), basename(lookalike)].sort());
  });

  it('sets aside the journal of an unfinished restore under a new name, for its owner only', async () => {
    await as(100).begin('s1', snapshot(), T0);
    const refused = await as(200).setAsideUnfinished('s1', T0);
    assert.equal(refused.ok, false);
    const aside = await as(100).setAsideUnfinished('s1', T0);
    assert.ok(aside.ok);
    if (!aside.ok) return;
    assert.match(aside.preservedAs, /practice-journal\.json\.unfinished-2025-06-10T09-00-00-000Z-[0-9a-f]{8}$/);
    assert.equal(JSON.parse(readFileSync(aside.preservedAs, 'utf8')).sessionId, 's1');
    assert.equal((await as(200).inspectJournal(T0)).kind, 'none');
    assert.ok((await as(200).begin('s2', snapshot(), T0)).ok);
  });

  it('records switch-off progress', async () => {
    await as(100).begin('s1', snapshot(), T0);
    await as(100).markApplied('s1', ['a', 'b'], T0);
    await as(100).markApplied('s1', ['b', 'c'], T0);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).appliedSlots, ['a', 'b', 'c']);
  });
});
