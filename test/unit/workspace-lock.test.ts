import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from '../../src/core/runtime/process-alive';
import { breakStaleLock, withFileLock } from '../../src/core/workspace/lock';

/** A pid no process has any more: a child's, after it exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/**
 * A process that exited and is never reaped (a zombie), as an editor's extension host stays once the
 * editor is SIGKILLed where PID 1 reaps no orphans: a shell starts `true` in the background and then
 * becomes `sleep`, which never waits for it. Resolves once Linux shows it exited; `stop` ends the sleeper.
 */
async function unreapedPid(): Promise<{ pid: number; stop: () => void }> {
  const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    parent.once('error', reject);
  });
  const deadline = Date.now() + 5_000;
  while (!readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z ')) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not exit`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { pid, stop: () => parent.kill('SIGKILL') };
}

describe('workspace: whether a process is alive', () => {
  it('this process is, a made-up one is not', () => {
    assert.equal(processIsAlive(process.pid), true);
    assert.equal(processIsAlive(2 ** 22 + 12345), false);
  });

  it('one that exited and was never reaped is not, though signal 0 still reaches it', async function () {
    if (process.platform !== 'linux') this.skip();
    const zombie = await unreapedPid();
    try {
      assert.doesNotThrow(() => process.kill(zombie.pid, 0), 'the kernel still has it');
      assert.equal(processIsAlive(zombie.pid), false);
    } finally {
      zombie.stop();
    }
  });
});

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

  it('takes over a lock whose holder was killed and never reaped (an editor SIGKILLed in a container)', async function () {
    if (process.platform !== 'linux') this.skip();
    const zombie = await unreapedPid();
    try {
      const lockFile = join(dir, 'practice-journal.json.lock');
      writeFileSync(lockFile, `${zombie.pid} ${hostname()} ${new Date().toISOString()} 0123456789ab\n`);
      const ran = await withFileLock(lockFile, async () => readFileSync(lockFile, 'utf8'), { timeoutMs: 2_000 });
      assert.match(ran, new RegExp(`^${process.pid} `));
    } finally {
      zombie.stop();
    }
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
