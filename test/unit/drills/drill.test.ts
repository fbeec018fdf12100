import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { checkDrill, cleanupStaleDrills, DrillError, giveUpDrill, loadDrill, startDrill, takeHint } from '../../../src/core/drills/drill';
import { parseTestOutput } from '../../../src/core/drills/test-run';
import { loadHistory } from '../../../src/core/practice/history';
import { DRILL_SESSION_PATH } from '../../../src/core/workspace/layout';

const SOURCE = `export function shouldRetry(attempt, max) {
  if (attempt < 1) return false;
  return attempt <= max;
}
`;
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shouldRetry } from './retry.mjs';
test('retries up to the limit', () => {
  assert.equal(shouldRetry(3, 3), true);
  assert.equal(shouldRetry(4, 3), false);
});
test('never retries attempt zero', () => {
  assert.equal(shouldRetry(0, 3), false);
});
`;

describe('debugging drill lifecycle (real git, node --test)', function () {
  this.timeout(120_000);
  let repo: string;
  let history: string;
  const run = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'cf-drill-'));
    history = join(mkdtempSync(join(tmpdir(), 'cf-drill-history-')), 'practice-history.json');
    run('init', '-q', '-b', 'main');
    run('config', 'user.name', 'Ada');
    run('config', 'user.email', 'ada@example.invalid');
    writeFileSync(join(repo, 'retry.mjs'), SOURCE);
    writeFileSync(join(repo, 'retry.test.mjs'), TESTS);
    run('add', '.');
    run('commit', '-q', '-m', 'first');
  });

  afterEach(async () => {
    await cleanupStaleDrills(repo).catch(() => undefined);
    const session = await loadDrill(repo);
    if (session) rmSync(session.worktree, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
    rmSync(dirname(history), { recursive: true, force: true });
  });

  const start = (seed = 1) => startDrill({ root: repo, file: 'retry.mjs', block: { startLine: 1, endLine: 4 }, owner: { host: 'cli', pid: process.pid }, seed });

  it('plants a bug a named test catches, in a copy; the real tree is untouched; the fix is verified by the tests', async () => {
    // An uncommitted change is part of the drill copy: the drill is on the code as the user has it.
    writeFileSync(join(repo, 'retry.mjs'), SOURCE.replace('attempt < 1', 'attempt <= 0'));
    const original = readFileSync(join(repo, 'retry.mjs'), 'utf8');
    const session = await start();
    assert.ok(existsSync(session.worktree));
    assert.equal(readFileSync(join(repo, 'retry.mjs'), 'utf8'), original, 'the real working tree changed');
    const planted = readFileSync(join(session.worktree, session.file), 'utf8');
    assert.notEqual(planted, original);
    assert.ok(session.killingTests.length > 0, `no test killed the bug: ${session.symptom}`);
    for (const name of session.killingTests) assert.ok(['retries up to the limit', 'never retries attempt zero'].includes(name), name);
    assert.match(session.symptom, new RegExp(session.killingTests[0]));

    // A wrong fix is not accepted and names what still fails.
    writeFileSync(join(session.worktree, session.file), planted.replace('return', 'return !'));
    const wrong = await checkDrill(repo, { historyPath: history });
    assert.equal(wrong.solved, false);

    assert.equal((await takeHint(repo)).number, 1);
    assert.equal((await takeHint(repo)).number, 2);

    writeFileSync(join(session.worktree, session.file), original.replace('return', '  return'));
    const fixed = await checkDrill(repo, { historyPath: history, now: () => session.startedAt + 42_000 });
    assert.ok(fixed.solved, fixed.solved ? '' : fixed.reason);
    assert.equal(fixed.verifiedBy, 'tests');
    assert.equal(fixed.record.diagnosisSeconds, 42);
    assert.equal(fixed.record.hintsUsed, 2);
    assert.ok(!existsSync(session.worktree), 'the drill copy is still there');
    assert.ok(!existsSync(join(repo, DRILL_SESSION_PATH)));
    assert.ok(!run('worktree', 'list').includes(session.worktree));
    const stored = await loadHistory(history, Date.now());
    assert.deepEqual(stored.history.drills?.map((drill) => [drill.outcome, drill.kind, drill.diagnosisSeconds]), [['solved', session.site.kind, 42]]);
  });

  it('does not count a deleted test as fixed, nor changes to the tests', async () => {
    const session = await start();
    writeFileSync(join(session.worktree, 'retry.test.mjs'), "import { test } from 'node:test';\ntest('nothing', () => {});\n");
    const check = await checkDrill(repo, { historyPath: history });
    assert.equal(check.solved, false);
    assert.match(check.solved ? '' : check.reason, /retry\.test\.mjs/);
    assert.ok(existsSync(session.worktree));
  });

  it('verifies by syntax when no test notices the bug, and refuses a second drill while one runs', async () => {
    writeFileSync(join(repo, 'retry.test.mjs'), "import { test } from 'node:test';\ntest('loads', () => {});\n");
    run('commit', '-qam', 'weak tests');
    const session = await start();
    assert.deepEqual(session.killingTests, []);
    assert.match(session.symptom, /No test notices/);
    await assert.rejects(start(), DrillError);
    const fixedText = `// restored\n${SOURCE}`;
    writeFileSync(join(session.worktree, session.file), readFileSync(join(session.worktree, session.file), 'utf8').replace(/[\s\S]*/, fixedText.replace('<= max', '<=  max')));
    const check = await checkDrill(repo, { historyPath: history });
    assert.ok(check.solved, check.solved ? '' : check.reason);
    assert.equal(check.verifiedBy, 'syntax');
  });

  it('give-up records the drill, shows the planted change and removes the copy', async () => {
    const session = await start(3);
    const { record } = await giveUpDrill(repo, { historyPath: history });
    assert.equal(record.outcome, 'given-up');
    assert.equal(record.diagnosisSeconds, undefined);
    assert.ok(!existsSync(session.worktree));
  });

  it('after a crash (editor process gone) the next start removes the copy and records the drill as abandoned', async () => {
    const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const crashed = await startDrill({ root: repo, file: 'retry.mjs', block: { startLine: 1, endLine: 4 }, owner: { host: 'editor', pid: Number(dead) } });
    const cleaned = await cleanupStaleDrills(repo, { historyPath: history });
    assert.equal(cleaned.abandoned?.outcome, 'abandoned');
    assert.ok(!existsSync(crashed.worktree));
    assert.ok(!run('worktree', 'list').includes(crashed.worktree));
    assert.equal(await loadDrill(repo), undefined);
  });
});

describe('drill session file from a hostile repository', () => {
  it('a committed drill.json naming another folder deletes nothing and is no drill', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'cf-drill-hostile-'));
    const victim = mkdtempSync(join(tmpdir(), 'cf-drill-victim-'));
    try {
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
      writeFileSync(join(victim, 'precious.txt'), 'keep me');
      // Named like a drill copy, but not in the temporary folder.
      const lookalike = join(repo, 'comprehension-drill-evil');
      mkdirSync(lookalike);
      writeFileSync(join(lookalike, 'precious.txt'), 'keep me');
      const sessionFile = join(repo, DRILL_SESSION_PATH);
      mkdirSync(dirname(sessionFile), { recursive: true });
      for (const worktree of [victim, join(tmpdir(), 'comprehension-drill-x', '..', basename(victim)), lookalike]) {
        writeFileSync(sessionFile, JSON.stringify({ format: 'comprehension-drill', version: 1, root: repo, worktree, file: 'a.js', owner: { host: 'editor', pid: 999_999_999 } }));
        assert.equal(await loadDrill(repo), undefined);
        await cleanupStaleDrills(repo, {});
        assert.ok(existsSync(join(victim, 'precious.txt')) && existsSync(join(lookalike, 'precious.txt')), `deleted ${worktree}`);
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
      rmSync(victim, { recursive: true, force: true });
    }
  });
});

describe('drill test output parsing', () => {
  it('reads TAP, node spec and mocha spec names', () => {
    assert.deepEqual(parseTestOutput('ok 1 - a\nnot ok 2 - b\n  # Subtest: c\n    not ok 1 - c1\n'), { failed: ['b', 'c1'], passed: ['a'] });
    // The cheapest fool of a check: skip the test that caught the bug.
    assert.deepEqual(parseTestOutput('ok 1 - refuses at the limit # SKIP\nok 2 - later # TODO\n'), { failed: [], passed: [] });
    assert.deepEqual(parseTestOutput('✔ works (1.2ms)\n✖ breaks (0.3ms)\n✖ failing tests:\n✖ breaks (0.3ms)\n'), { failed: ['breaks'], passed: ['works'] });
    assert.deepEqual(parseTestOutput('  suite\n    ✓ works\n    1) breaks\n\n  1 passing\n  1 failing\n\n  1) suite\n       breaks:\n'), { failed: ['breaks'], passed: ['works'] });
  });
});
