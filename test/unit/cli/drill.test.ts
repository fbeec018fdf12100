import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDrill } from '../../../src/core/drills/drill';
import { loadHistory } from '../../../src/core/practice/history';
import { DRILL_HISTORY_PATH } from '../../../src/core/workspace/layout';
import { aiBlock, writeAiBlock } from './ai-block-fixture';
import { cli, git, write } from './run-cli';

const CODE = [
  '// Rate limits per client.',
  'export function allowed(count, limit) {',
  '  if (limit == null) return true;',
  '  return count < limit;',
  '}',
  '',
].join('\n');
const TESTS = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { allowed } from '../src/limit.mjs';",
  "test('allows below the limit', () => assert.equal(allowed(2, 3), true));",
  "test('refuses at the limit', () => assert.equal(allowed(3, 3), false));",
  "test('no limit allows everything', () => assert.equal(allowed(99, undefined), true));",
  '',
].join('\n');

describe('comprehension drill (CLI)', function () {
  this.timeout(120_000);
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-cli-drill-'));
    git(root, ['init', '-q', '-b', 'main']);
    git(root, ['config', 'user.name', 'Ada']);
    git(root, ['config', 'user.email', 'ada@example.invalid']);
    writeAiBlock(root, { ...aiBlock(undefined, 'blk-limit'), startLine: 2, endLine: 5 }, 'src/limit.mjs', CODE);
    write(root, 'test/limit.test.mjs', TESTS);
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'limit']);
  });

  afterEach(async () => {
    const session = await loadDrill(root);
    if (session) await cli(root, ['drill', 'give-up']);
    rmSync(root, { recursive: true, force: true });
  });

  it('start prints the folder and a named failing test; check says what still fails (exit 1), then verifies the fix (exit 0) and records the time', async () => {
    const started = await cli(root, ['drill', 'start', 'src/limit.mjs:4', '--seed', '2']);
    assert.equal(started.code, 0, started.stderr);
    const session = await loadDrill(root);
    assert.ok(session);
    assert.ok(started.stdout.includes(`Drill folder: ${session.worktree} (seed 2)`), started.stdout);
    assert.ok(session.killingTests.length > 0, started.stdout);
    assert.ok(started.stdout.includes(`✖ ${session.killingTests[0]}`));
    assert.match(started.stdout, /cannot switch your editor's AI off/);
    assert.equal(readFileSync(join(root, 'src/limit.mjs'), 'utf8'), CODE);

    const notYet = await cli(root, ['drill', 'check']);
    assert.equal(notYet.code, 1);
    assert.match(notYet.stdout, /Not solved yet/);
    assert.ok(notYet.stdout.includes(session.killingTests[0]));

    const hint = await cli(root, ['drill', 'hint']);
    assert.match(hint.stdout, /^Hint 1 of 3: .*allowed\(\)/);

    writeFileSync(join(session.worktree, 'src/limit.mjs'), CODE);
    const solved = await cli(root, ['drill', 'check']);
    assert.equal(solved.code, 0, solved.stdout);
    assert.match(solved.stdout, /^Solved in \d+ s with 1 hint/);
    assert.ok(!existsSync(session.worktree));
    const history = await loadHistory(join(root, DRILL_HISTORY_PATH), Date.now());
    assert.equal(history.history.drills?.[0].outcome, 'solved');
    assert.equal(history.history.drills?.[0].hintsUsed, 1);

    // The scorecard counts the drill: time to correct diagnosis in the summary and the JSON.
    const report = await cli(root, ['report', '--format', 'json']);
    assert.equal(report.code, 0, report.stderr);
    const drills = (JSON.parse(report.stdout) as { scorecard?: { practice?: { drills?: unknown } }; practice?: { drills?: unknown } });
    const figures = (drills.scorecard?.practice?.drills ?? drills.practice?.drills) as { solved: number; total: number; medianDiagnosisSeconds: number; hintsUsed: number };
    assert.deepEqual([figures.solved, figures.total, figures.hintsUsed], [1, 1, 1]);
    assert.equal(figures.medianDiagnosisSeconds, history.history.drills?.[0].diagnosisSeconds);
    const markdown = await cli(root, ['report']);
    assert.match(markdown.stdout, /Time to correct diagnosis/);
    assert.match(markdown.stdout, /Debugging drills: 1 solved of 1/);
  });

  it('give-up shows the planted change; check without a drill is a usage error', async () => {
    assert.equal((await cli(root, ['drill', 'start', 'src/limit.mjs:3'])).code, 0);
    const gaveUp = await cli(root, ['drill', 'give-up']);
    assert.equal(gaveUp.code, 0);
    assert.match(gaveUp.stdout, /The planted bug:\nsrc\/limit\.mjs:\d+ \(/);
    const none = await cli(root, ['drill', 'check']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no drill is running/);
  });

  it('refuses a line outside any AI block', async () => {
    const result = await cli(root, ['drill', 'start', 'test/limit.test.mjs:1']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no AI block/);
  });
});
