import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';
import { buildScorecard } from '../../../src/core/report/scorecard';
import { assessBlockNote } from '../../../src/client/notes/assess';
import { addedLinesFromNumstat, aiLinesSince, changedLines, countLines, reportFile, reportFinding } from '../../../src/client/notes/report-inputs';

function block(id: string, startLine: number, endLine: number, createdAt: string): Block {
  return { id, startLine, endLine, source: 'agent-write', confidence: 'certain', createdAt, modified: false };
}

function state(b: Block) {
  return assessBlockNote({ block: b, blockText: 'const value = compute();\n'.repeat(b.endLine - b.startLine + 1), noteText: undefined, policy: defaultPolicy(), inCriticalPath: false });
}

describe('Notes client: report inputs', () => {
  it('sums added lines from real git numstat output, leaving out binaries and .comprehension/', () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-numstat-'));
    try {
      const run = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
      run('init', '-q', '-b', 'main');
      run('config', 'user.name', 'Test');
      run('config', 'user.email', 'test@comprehension.invalid');
      mkdirSync(join(root, 'src'));
      mkdirSync(join(root, '.comprehension/notes'), { recursive: true });
      writeFileSync(join(root, 'src/a.ts'), 'one\ntwo\nthree\n');
      writeFileSync(join(root, '.comprehension/notes/x.md'), 'note\nnote\n');
      writeFileSync(join(root, 'logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
      run('add', '-A');
      run('commit', '-qm', 'first');
      writeFileSync(join(root, 'src/a.ts'), 'one\ntwo changed\nthree\nfour\n');
      run('commit', '-qam', 'second');
      const log = run('log', '--numstat', '--format=', '--no-renames');
      assert.match(log, /^-\t-\tlogo\.bin$/m, 'git reports the binary file with dashes');
      assert.equal(addedLinesFromNumstat(log), 3 + 2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts lines as an editor does', () => {
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\r\nb\r\n'), 2);
    assert.equal(countLines('a\n\nb'), 3);
  });

  it('places findings inside or outside AI blocks by their first line, with severities mapped', () => {
    const blocks = [block('a', 3, 5, '2026-11-01T00:00:00Z')];
    assert.deepEqual(reportFinding('src/a.ts', { code: 'reliability/missing-timeout', severity: 0, line: 2 }, blocks), {
      ruleId: 'reliability/missing-timeout',
      severity: 'error',
      insideAiBlock: true,
      path: 'src/a.ts',
    });
    assert.equal(reportFinding('src/a.ts', { code: { value: 'x' }, severity: 1, line: 5 }, blocks).insideAiBlock, false, 'line 6 is after the block');
    assert.equal(reportFinding('src/a.ts', { code: 'x', severity: 1, line: 1 }, blocks).insideAiBlock, false);
    assert.equal(reportFinding('src/a.ts', { code: undefined, severity: 3, line: 0 }, []).severity, 'info');
  });

  it('counts AI lines of blocks inserted in the period, and never reports more AI lines than changed lines', () => {
    const states = [block('old', 1, 10, '2026-09-01T00:00:00Z'), block('new', 20, 22, '2026-11-10T00:00:00Z')].map(state);
    const from = Date.parse('2026-11-01T00:00:00Z');
    assert.equal(aiLinesSince(states, from), 3);
    assert.deepEqual(changedLines(40, 3), { total: 40, ai: 3 });
    assert.deepEqual(changedLines(2, 3), { total: 3, ai: 3 });
    assert.deepEqual(changedLines(undefined, 3), { total: 3, ai: 3 });
  });

  it('builds scorecard files whose note figures add up', () => {
    const states = [block('a', 1, 4, '2026-11-10T00:00:00Z'), block('b', 10, 10, '2026-11-10T00:00:00Z')].map(state);
    const file = reportFile('src/a.ts', 40, states);
    assert.deepEqual(
      file.blocks.map((b) => [b.id, b.lines, b.needsNote, b.noteStatus]),
      [
        ['a', 4, true, 'none'],
        ['b', 1, false, 'none'],
      ],
    );
    const scorecard = buildScorecard({ period: { from: '2026-11-01', to: '2026-11-21' }, files: [file], findings: [], changedLines: changedLines(50, 5) });
    assert.equal(scorecard.notes.aiBlocks, 2);
    assert.equal(scorecard.notes.needingNotes, 1);
    assert.equal(scorecard.notes.missing, 1);
    assert.equal(scorecard.notes.coverage, 0);
    assert.equal(scorecard.aiShare.ratio, 0.1);
  });
});
