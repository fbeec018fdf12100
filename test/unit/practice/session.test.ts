import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAiSettings } from '../../../src/core/practice/ai-settings';
import { interruptedSessionMessage, sessionEndMessage } from '../../../src/core/practice/format';
import { loadHistory } from '../../../src/core/practice/history';
import { PracticeJournal } from '../../../src/core/practice/journal';
import { PracticeSessions } from '../../../src/core/practice/session';
import { FakeSettings } from './fake-settings';

const T0 = Date.UTC(2025, 5, 10, 9, 0);
const MINUTE = 60_000;
const WORKSPACE = 'file:///work/shop';

function vscodeLike(workspaceId = WORKSPACE): FakeSettings {
  const settings = new FakeSettings({ workspace: 'folder', workspaceId })
    .register('editor.inlineSuggest.enabled', true)
    .register('github.copilot.enable', { '*': true, plaintext: false, markdown: false, scminput: false })
    .register('github.copilot.nextEditSuggestions.enabled', false)
    .register('chat.disableAIFeatures', false)
    .register('chat.commandCenter.enabled', true);
  // A user with Copilot set up their way, and a project that turns completions on for Python.
  settings.set('global', 'github.copilot.enable', { '*': true, markdown: true });
  settings.set('global', 'editor.inlineSuggest.enabled', true);
  settings.set('workspace', 'editor.inlineSuggest.enabled', true, { languageId: 'python' });
  return settings;
}

const { offValues } = resolveAiSettings(['tabnine.enable']);

/** {@link vscodeLike} plus user-scope language overrides: one the session switches off, one already off. */
function withUserOverrides(): FakeSettings {
  const settings = vscodeLike();
  settings.set('global', 'editor.inlineSuggest.enabled', true, { languageId: 'typescript' });
  settings.set('global', 'editor.inlineSuggest.enabled', false, { languageId: 'markdown' });
  settings.set('global', 'chat.commandCenter.enabled', true);
  return settings;
}

/** Every slot the session writes holds its off value. */
async function everythingOff(practice: PracticeSessions, settings: FakeSettings): Promise<void> {
  const snapshot = practice.active?.snapshot;
  assert.ok(snapshot);
  const switched = await practice.switchedOff(snapshot);
  assert.ok(switched.total >= 7, `a realistic session: ${switched.total} slots`);
  assert.deepEqual(switched, { off: switched.total, total: switched.total }, 'every AI setting is off');
  assert.equal(settings.effective('editor.inlineSuggest.enabled', undefined, 'typescript'), false);
  assert.equal(settings.effective('editor.inlineSuggest.enabled', undefined, 'python'), false);
  assert.equal(settings.effective('chat.disableAIFeatures'), true);
}

describe('practice: session lifecycle', () => {
  let dir: string;
  let journalPath: string;
  let historyPath: string;
  const alive = new Set<number>();

  function sessions(pid: number, settings: FakeSettings, ids: string[] = ['s1', 's2', 's3']): PracticeSessions {
    const queue = [...ids];
    return new PracticeSessions({
      journal: new PracticeJournal(journalPath, { pid, host: 'box', isProcessAlive: (p) => alive.has(p) }),
      settings,
      historyPath,
      timeZone: 'Europe/Berlin',
      newSessionId: () => queue.shift() ?? 'extra',
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'practice-session-'));
    journalPath = join(dir, 'practice-journal.json');
    historyPath = join(dir, 'practice-history.json');
    alive.clear();
    alive.add(100);
    alive.add(200);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('switches AI off for a session and restores every value exactly when it stops', async () => {
    const settings = vscodeLike();
    const before = settings.dump();
    const practice = sessions(100, settings);
    const started = await practice.start(offValues, T0);
    assert.ok(started.ok);
    if (!started.ok) return;
    assert.deepEqual(started.failures, []);
    // tabnine is not installed: skipped, not an error.
    assert.deepEqual(started.skipped, [
      { key: 'editor.inlineSuggest.edits.enabled', reason: 'unregistered' },
      { key: 'github.copilot.editor.enableAutoCompletions', reason: 'unregistered' },
      { key: 'chat.agent.enabled', reason: 'unregistered' },
      { key: 'tabnine.enable', reason: 'unregistered' },
    ]);
    assert.equal(settings.effective('editor.inlineSuggest.enabled', undefined, 'python'), false);
    assert.deepEqual(settings.effective('github.copilot.enable'), { '*': false });
    assert.equal(settings.effective('chat.disableAIFeatures'), true);

    for (let at = T0 + 30_000; at <= T0 + 25 * MINUTE; at += 30_000) practice.activity({ at, kind: 'typing', file: 'src/cart.ts', typedChars: 4 });
    practice.breach({ file: 'src/cart.ts', line: 40, source: 'agent-write', at: T0 + 10 * MINUTE });
    const result = await practice.stop(T0 + 25 * MINUTE);
    assert.ok(result?.complete);
    assert.deepEqual(settings.dump(), before);
    assert.equal(result?.totals?.activeMs, 25 * MINUTE);
    assert.equal(result?.totals?.breaches.length, 1);
    assert.equal(practice.active, undefined);

    const history = await loadHistory(historyPath, T0 + 26 * MINUTE);
    assert.deepEqual(history.history.sessions.map((s) => [s.id, s.days[0].day, s.days[0].activeMs / MINUTE]), [['s1', '2025-06-10', 25]]);
    assert.equal(JSON.parse(readFileSync(journalPath, 'utf8')).status, 'done');
  });

  it('leaves settings the user changed during the session and reports them', async () => {
    const settings = vscodeLike();
    const practice = sessions(100, settings);
    await practice.start(offValues, T0);
    settings.set('global', 'chat.disableAIFeatures', false);
    assert.deepEqual((await practice.reenabled()).map((c) => c.key), ['chat.disableAIFeatures']);
    const result = await practice.stop(T0 + MINUTE);
    assert.deepEqual(result?.respectedUserChanges.map((c) => [c.key, c.current]), [['chat.disableAIFeatures', { state: 'set', value: false }]]);
    assert.equal(settings.get('global', 'chat.disableAIFeatures'), false);
    assert.deepEqual(settings.get('global', 'github.copilot.enable'), { '*': true, markdown: true });
  });

  it('recovers after a crash: the next window sees the abandoned session and restores it', async () => {
    const settings = vscodeLike();
    const before = settings.dump();
    const crashed = sessions(100, settings);
    await crashed.start(offValues, T0);
    for (let at = T0 + 30_000; at <= T0 + 12 * MINUTE; at += 30_000) crashed.activity({ at, kind: 'typing', file: 'src/cart.ts', typedChars: 1 });
    await crashed.heartbeat(T0 + 12 * MINUTE);
    alive.delete(100); // the window dies; its last 12 minutes were saved by the heartbeat

    const next = sessions(200, settings);
    const inspection = await next.inspect(T0 + 60 * MINUTE);
    assert.equal(inspection.kind, 'abandoned');
    const refused = await next.start(offValues, T0 + 60 * MINUTE);
    assert.deepEqual(refused.ok ? 'ok' : refused.reason, 'pending');

    const result = await next.recover('s1', T0 + 60 * MINUTE);
    assert.ok(result.complete);
    assert.deepEqual(settings.dump(), before);
    // Time after the last heartbeat is not practice.
    assert.equal(result.totals?.activeMs, 12 * MINUTE);
    assert.equal((await next.inspect(T0 + 61 * MINUTE)).kind, 'none');
  });

  it('resumes a restore that failed half-way without re-applying finished slots', async () => {
    const settings = vscodeLike();
    const before = settings.dump();
    const first = sessions(100, settings);
    await first.start(offValues, T0);
    settings.failWhen = (update) => update.key === 'chat.disableAIFeatures';
    const partial = await first.stop(T0 + 5 * MINUTE);
    assert.equal(partial?.complete, false);
    assert.equal(partial?.failures.length, 1);
    const appliedSoFar = settings.applied.length;
    alive.delete(100);

    settings.failWhen = () => false;
    const next = sessions(200, settings);
    const inspection = await next.inspect(T0 + 10 * MINUTE);
    assert.equal(inspection.kind, 'restore-interrupted');
    const finished = await next.recover('s1', T0 + 10 * MINUTE);
    assert.ok(finished.complete);
    assert.equal(settings.applied.length - appliedSoFar, 1);
    assert.equal(finished.restored, 1);
    assert.deepEqual(settings.dump(), before);
  });

  it('resumes an abandoned session, keeping its time but not the time the editor was gone', async () => {
    const settings = vscodeLike();
    const crashed = sessions(100, settings);
    await crashed.start(offValues, T0);
    crashed.activity({ at: T0 + MINUTE, kind: 'typing' });
    await crashed.heartbeat(T0 + MINUTE);
    alive.delete(100);

    const next = sessions(200, settings);
    const resumed = await next.resume('s1', T0 + 30 * MINUTE);
    assert.ok(resumed.ok);
    assert.equal(settings.effective('chat.disableAIFeatures'), true);
    next.activity({ at: T0 + 31 * MINUTE, kind: 'typing' });
    const result = await next.stop(T0 + 31 * MINUTE);
    assert.equal(result?.totals?.activeMs, 2 * MINUTE);
    assert.ok(result?.complete);
  });

  it('drops the session when another window took it over during a freeze', async () => {
    const settings = vscodeLike();
    const frozen = sessions(100, settings);
    await frozen.start(offValues, T0);
    const other = sessions(200, settings);
    assert.equal((await other.inspect(T0 + 20 * MINUTE)).kind, 'abandoned');
    assert.ok((await other.resume('s1', T0 + 20 * MINUTE)).ok);
    const beat = await frozen.heartbeat(T0 + 21 * MINUTE);
    assert.equal(beat.ok, false);
    assert.equal(frozen.active, undefined);
    assert.equal(other.active?.sessionId, 's1');
  });

  it('switches off keys added during the session and restores them too', async () => {
    const settings = vscodeLike().register('tabnine.enable', true);
    settings.set('global', 'tabnine.enable', true);
    const before = settings.dump();
    const practice = sessions(100, settings);
    await practice.start({ 'editor.inlineSuggest.enabled': false }, T0);
    const extended = await practice.extend({ 'editor.inlineSuggest.enabled': false, 'tabnine.enable': false }, T0 + MINUTE);
    assert.equal(extended.applied, 1);
    assert.equal(settings.get('global', 'tabnine.enable'), false);
    await practice.stop(T0 + 2 * MINUTE);
    assert.deepEqual(settings.dump(), before);
  });

  it('restores user scope from another workspace and finishes the rest when its workspace opens', async () => {
    const shop = vscodeLike();
    const before = shop.dump();
    await sessions(100, shop).start(offValues, T0);
    alive.delete(100);

    // The next window opens another project: same user settings, different workspace.
    const elsewhere = vscodeLike('file:///work/blog');
    elsewhere.set('global', 'github.copilot.enable', shop.get('global', 'github.copilot.enable'));
    elsewhere.set('global', 'editor.inlineSuggest.enabled', shop.get('global', 'editor.inlineSuggest.enabled'));
    elsewhere.set('global', 'chat.disableAIFeatures', shop.get('global', 'chat.disableAIFeatures'));
    elsewhere.set('global', 'chat.commandCenter.enabled', shop.get('global', 'chat.commandCenter.enabled'));
    elsewhere.set('global', 'github.copilot.nextEditSuggestions.enabled', shop.get('global', 'github.copilot.nextEditSuggestions.enabled'));
    const partial = await sessions(200, elsewhere).recover('s1', T0 + 10 * MINUTE);
    assert.equal(partial.complete, false);
    assert.deepEqual(partial.deferred.map((d) => [d.scope, d.languageId, d.reason]), [['workspace', 'python', 'other-workspace']]);
    assert.equal(elsewhere.get('global', 'chat.disableAIFeatures'), undefined);

    alive.delete(200);
    // Back in the shop window (its user settings did not see the other window's writes in this fake).
    for (const key of ['github.copilot.enable', 'editor.inlineSuggest.enabled', 'chat.disableAIFeatures', 'chat.commandCenter.enabled', 'github.copilot.nextEditSuggestions.enabled']) {
      shop.set('global', key, elsewhere.get('global', key));
    }
    const inShop = sessions(300, shop);
    alive.add(300);
    assert.equal((await inShop.inspect(T0 + 20 * MINUTE)).kind, 'restore-interrupted');
    const done = await inShop.recover('s1', T0 + 20 * MINUTE);
    assert.ok(done.complete);
    assert.deepEqual(shop.dump(), before);
  });

  it('will not start over a damaged journal, and passes on the warning', async () => {
    writeFileSync(journalPath, '{oops');
    const practice = sessions(100, vscodeLike());
    const started = await practice.start(offValues, T0);
    assert.equal(started.ok, false);
    if (started.ok || started.reason !== 'pending') return assert.fail('expected a pending journal');
    assert.equal(started.inspection.kind, 'corrupt');
    // Moved aside: the user can start once warned.
    assert.ok((await practice.start(offValues, T0 + MINUTE)).ok);
  });

  it('writes a deleted journal again at the next heartbeat', async () => {
    const practice = sessions(100, vscodeLike());
    await practice.start(offValues, T0);
    rmSync(journalPath);
    assert.ok((await practice.heartbeat(T0 + MINUTE)).ok);
    assert.equal(JSON.parse(readFileSync(journalPath, 'utf8')).sessionId, 's1');
  });

  it('still restores from memory when the journal was damaged during the session', async () => {
    const settings = vscodeLike();
    const before = settings.dump();
    const practice = sessions(100, settings);
    await practice.start(offValues, T0);
    writeFileSync(journalPath, 'garbage');
    const beat = await practice.heartbeat(T0 + MINUTE);
    assert.equal(beat.ok, false);
    assert.ok(practice.active);
    const result = await practice.stop(T0 + 2 * MINUTE);
    assert.ok(result?.complete);
    assert.match(result?.journalError ?? '', /not valid JSON/);
    assert.deepEqual(settings.dump(), before);
  });

  it('Resume after a crash part-way through the switch-off switches every AI setting off, then Stop restores them exactly', async () => {
    const settings = withUserOverrides();
    const before = settings.dump();
    const crashed = sessions(100, settings);
    const stalled = settings.stallAfter(1);
    void crashed.start(offValues, T0);
    await stalled; // 1 setting written, the process dies during the second
    alive.delete(100);
    settings.unstall();

    const next = sessions(200, settings);
    const inspection = await next.inspect(T0 + MINUTE);
    assert.equal(inspection.kind, 'abandoned');
    if (inspection.kind !== 'abandoned') return;
    const switched = await next.switchedOff(inspection.record.snapshot);
    assert.equal(switched.off, 1, 'only one setting is off');
    assert.match(interruptedSessionMessage('10:15', switched), new RegExp(`; 1 of ${switched.total} AI settings are still off\\.`));
    const resumed = await next.resume('s1', T0 + 2 * MINUTE);
    assert.ok(resumed.ok);
    if (!resumed.ok) return;
    assert.equal(resumed.reapplied, switched.total - 1);
    assert.deepEqual(resumed.failures, []);
    await everythingOff(next, settings);
    assert.equal(JSON.parse(readFileSync(journalPath, 'utf8')).appliedSlots.length, switched.total, 'progress recorded in the journal');

    const result = await next.stop(T0 + 3 * MINUTE);
    assert.ok(result?.complete);
    assert.deepEqual(result?.respectedUserChanges, []);
    assert.deepEqual(settings.dump(), before);
    assert.equal((await next.inspect(T0 + 4 * MINUTE)).kind, 'none');
  });

  it('a crash during the re-apply of a Resume is as safe as the first: Restore then brings every value back', async () => {
    const settings = withUserOverrides();
    const before = settings.dump();
    let stalled = settings.stallAfter(1);
    void sessions(100, settings).start(offValues, T0);
    await stalled;
    alive.delete(100);
    settings.unstall();
    stalled = settings.stallAfter(2);
    void sessions(200, settings).resume('s1', T0 + MINUTE);
    await stalled;
    alive.delete(200);
    settings.unstall();

    const third = sessions(300, settings);
    alive.add(300);
    const inspection = await third.inspect(T0 + 2 * MINUTE);
    assert.equal(inspection.kind, 'abandoned');
    const result = await third.recover('s1', T0 + 2 * MINUTE);
    assert.ok(result.complete, JSON.stringify(result));
    assert.deepEqual(result.respectedUserChanges, []);
    assert.deepEqual(settings.dump(), before);
    assert.equal((await third.inspect(T0 + 3 * MINUTE)).kind, 'none');
  });

  it('Restore rebuilds every value from the journal when VS Code left the user settings file empty', async () => {
    const settings = withUserOverrides();
    const before = settings.dump();
    const crashed = sessions(100, settings);
    assert.ok((await crashed.start(offValues, T0)).ok);
    settings.truncate('global'); // killed while saving settings.json: truncated, never rewritten
    alive.delete(100);

    const next = sessions(200, settings);
    const inspection = await next.inspect(T0 + MINUTE);
    assert.equal(inspection.kind, 'abandoned');
    const result = await next.recover('s1', T0 + MINUTE);
    assert.ok(result.complete, JSON.stringify(result.deferred));
    assert.deepEqual(result.respectedUserChanges, [], 'vanished values are not "changed by you"');
    assert.ok((result.rebuilt ?? 0) >= 4, `rebuilt ${result.rebuilt}`);
    assert.deepEqual(settings.dump(), before, 'user scope, its [typescript] and [markdown] overrides, and the workspace are all back');
    assert.equal(JSON.parse(readFileSync(journalPath, 'utf8')).status, 'done');
  });

  it('Restore rebuilds values a crash during Stop left in an emptied settings file, including slots already settled', async () => {
    const settings = withUserOverrides();
    const before = settings.dump();
    const practice = sessions(100, settings);
    await practice.start(offValues, T0);
    const stalled = settings.stallAfter(3);
    void practice.stop(T0 + MINUTE);
    await stalled;
    settings.truncate('global');
    alive.delete(100);
    settings.unstall();

    const next = sessions(200, settings);
    assert.equal((await next.inspect(T0 + 2 * MINUTE)).kind, 'restore-interrupted');
    const result = await next.recover('s1', T0 + 2 * MINUTE);
    assert.ok(result.complete);
    assert.deepEqual(settings.dump(), before);
  });

  it('never leaves a journal stuck: a recovery that cannot restore a slot sets the journal aside, says what stays off, and Start works', async () => {
    const settings = withUserOverrides();
    await sessions(100, settings).start(offValues, T0);
    alive.delete(100);
    settings.failWhen = (update) => update.key === 'chat.disableAIFeatures';
    const next = sessions(200, settings);
    const result = await next.recover('s1', T0 + MINUTE);
    assert.equal(result.complete, false);
    assert.ok(result.journalSetAside && existsSync(result.journalSetAside), 'the journal is kept');
    assert.equal(JSON.parse(readFileSync(result.journalSetAside, 'utf8')).snapshot.entries.some((entry: { key: string }) => entry.key === 'chat.disableAIFeatures'), true);
    assert.match(sessionEndMessage(result), /could not be restored: chat\.disableAIFeatures \(user\)/);
    assert.equal((await next.inspect(T0 + 2 * MINUTE)).kind, 'none');
    settings.failWhen = () => false;
    assert.ok((await next.start(offValues, T0 + 2 * MINUTE)).ok, 'Start works again');
  });

  it('a final recovery sets aside a journal that waits for another workspace, so Start is not blocked', async () => {
    const shop = vscodeLike();
    await sessions(100, shop).start(offValues, T0);
    alive.delete(100);
    const elsewhere = vscodeLike('file:///work/blog');
    const blog = sessions(200, elsewhere);
    const kept = await blog.recover('s1', T0 + MINUTE);
    assert.equal(kept.journalSetAside, undefined, 'not final: the shop window can still finish it');
    const finalResult = await blog.recover('s1', T0 + 2 * MINUTE, { final: true });
    assert.ok(finalResult.journalSetAside);
    assert.match(sessionEndMessage(finalResult), /chat|inlineSuggest/);
    assert.ok((await blog.start(offValues, T0 + 3 * MINUTE)).ok);
  });

  it('a Stop that could not finish is finished (or set aside) by the next Start in the same window, never taken for a crash', async () => {
    const settings = withUserOverrides();
    const practice = sessions(100, settings);
    await practice.start(offValues, T0);
    settings.failWhen = (update) => update.key === 'chat.disableAIFeatures';
    const stopped = await practice.stop(T0 + MINUTE);
    assert.equal(stopped?.complete, false);
    const inspection = await practice.inspect(T0 + 2 * MINUTE);
    assert.equal(inspection.kind, 'restore-interrupted', 'not "abandoned": there is nothing to resume');
    const final = await practice.recover('s1', T0 + 2 * MINUTE, { final: true });
    assert.ok(final.journalSetAside);
    assert.equal((await practice.inspect(T0 + 3 * MINUTE)).kind, 'none');
  });

  it('does not wait for a key VS Code stopped registering when its value is already back', async () => {
    const settings = vscodeLike().register('copilot.late', true);
    const before = settings.dump();
    const practice = sessions(100, settings);
    // Registered at the start, but the write never landed; then the extension that registers it goes away.
    settings.failWhen = (update) => update.key === 'copilot.late';
    await practice.start({ ...offValues, 'copilot.late': false }, T0);
    settings.failWhen = () => false;
    settings.defaults.delete('copilot.late');
    const result = await practice.stop(T0 + MINUTE);
    assert.deepEqual(result?.deferred, []);
    assert.ok(result?.complete);
    assert.deepEqual(settings.dump(), before);
  });

  it('waits for a key VS Code registers again late (AI features back on) and restores it too', async () => {
    const settings = vscodeLike().register('copilot.late', true);
    settings.set('global', 'copilot.late', true);
    const before = settings.dump();
    const practice = sessions(100, settings);
    await practice.start({ ...offValues, 'copilot.late': false }, T0);
    assert.equal(settings.get('global', 'copilot.late'), false);
    // AI features off: the extension that registers the key is disabled.
    settings.defaults.delete('copilot.late');
    settings.onWaitForRegistration = () => {
      // Re-registered once chat.disableAIFeatures is back to what it was.
      if (settings.get('global', 'chat.disableAIFeatures') === undefined) settings.register('copilot.late', true);
    };
    const result = await practice.stop(T0 + MINUTE);
    assert.ok(result?.complete, JSON.stringify(result?.deferred));
    assert.deepEqual(settings.dump(), before);
  });

  it('saves exercises with the session', async () => {
    const settings = vscodeLike();
    const practice = sessions(100, settings);
    await practice.start(offValues, T0);
    practice.exercise({ blockId: 'blk-1', file: 'src/cart.ts', at: T0 + 5 * MINUTE, similarity: 0.72, durationSeconds: 240 });
    await practice.heartbeat(T0 + 6 * MINUTE);
    const result = await practice.stop(T0 + 7 * MINUTE);
    assert.deepEqual(result?.session?.exercises.map((e) => e.blockId), ['blk-1']);
    const stored = await loadHistory(historyPath, T0 + 8 * MINUTE);
    assert.equal(stored.history.sessions[0].exercises.length, 1);
  });
});
