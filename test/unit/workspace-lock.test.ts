import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakStaleLock, withFileLock } from '../../src/core/workspace/lock';

/** A pid no process has any more: a child's, after it exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('workspace: the lock file shared by processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cf-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes over a lock whose holder died, and leaves no file behind', async () => {
    const lockFile = join(dir, 'records.lock');
    writeFileSync(lockFile, `${deadPid()} ${hostname()} 2026-12-01T00:00:00.000Z 0123456789ab\n`);
    const ran = await withFileLock(lockFile, async () => readFileSync(lockFile, 'utf8'), { timeoutMs: 2_000 });
    assert.match(ran, new RegExp(`^${process.pid} `), 'held under this process\'s own token');
    assert.equal(existsSync(lockFile), false);
    assert.equal(existsSync(`${lockFile}.break`), false);
  });

  it('a breaker that judged an earlier holder stale never removes the lock of whoever took it since', async () => {
    // The race a loaded machine hit with 30 `mark`s and hooks at once: a waiter reads holder A,
    // A releases and exits, B takes the lock, and the waiter, finding A dead, breaks B's lock.
    // Here a breaker keeps judging a long-gone holder stale while eight writers take turns.
    const lockFile = join(dir, 'records.lock');
    const gone = `${deadPid()} ${hostname()} 2026-12-01T00:00:00.000Z 0123456789ab\n`;
    let breaking = true;
    let breaks = 0;
    const breaker = (async () => {
      while (breaking) {
        await breakStaleLock(lockFile, gone);
        breaks++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let inside = 0;
    let overlaps = 0;
    let sections = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let turn = 0; turn < 15; turn++) {
          await withFileLock(lockFile, async () => {
            inside++;
            if (inside > 1) overlaps++;
            await new Promise((resolve) => setTimeout(resolve, 1));
            inside--;
            sections++;
          });
        }
      }),
    );
    breaking = false;
    await breaker;
    assert.ok(breaks > 100, `the breaker ran alongside (${breaks} times)`);
    assert.deepEqual({ overlaps, sections }, { overlaps: 0, sections: 120 });
  });

  it('removes a stale lock only while it holds the holder judged stale', async () => {
    const lockFile = join(dir, 'records.lock');
    const live = `${process.pid} ${hostname()} 2026-12-01T00:00:00.000Z ba9876543210\n`;
    writeFileSync(lockFile, live);
    assert.equal(await breakStaleLock(lockFile, `${deadPid()} ${hostname()} 2026-12-01T00:00:00.000Z 0123456789ab\n`), false);
    assert.equal(readFileSync(lockFile, 'utf8'), live);
    assert.equal(await breakStaleLock(lockFile, live), true);
    assert.equal(existsSync(lockFile), false);
  });

  it('a claim left by a breaker that died stops breaking only until it is old', async () => {
    const lockFile = join(dir, 'records.lock');
    const gone = `${deadPid()} ${hostname()} 2026-12-01T00:00:00.000Z 0123456789ab\n`;
    writeFileSync(lockFile, gone);
    writeFileSync(`${lockFile}.break`, '');
    // A fresh claim: another breaker is at work, so this one leaves the lock alone, and a writer
    // waits for it as for a holder (here past its timeout).
    assert.equal(await breakStaleLock(lockFile, gone), false);
    assert.equal(readFileSync(lockFile, 'utf8'), gone);
    await assert.rejects(withFileLock(lockFile, async () => 'ran', { timeoutMs: 300 }), /is held by/);
    // An old one was left by a breaker that died: it goes, and the next attempt breaks the lock.
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${lockFile}.break`, old, old);
    const ran = await withFileLock(lockFile, async () => 'ran', { timeoutMs: 2_000 });
    assert.equal(ran, 'ran');
    assert.equal(existsSync(`${lockFile}.break`), false);
  });
});
