import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSince } from '../../../src/cli/commands/report';
import { exportJson, type PracticeHistory } from '../../../src/core/practice/history';
import type { Block } from '../../../src/core/provenance/block';
import { createRecord, serializeRecord } from '../../../src/core/provenance/record';
import {
  capAiLines,
  gatherReportInputs,
  isNoteRuleFinding,
  overlapsAnyBlock,
  parsePracticeExport,
  periodStart,
  practiceDaysOfHistory,
  REPORT_MAX_FILE_BYTES,
  scorecardOf,
  sumNumstat,
} from '../../../src/core/report/gather';
import { countLines } from '../../../src/core/text/line-index';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { git, tempRepo, write } from '../cli/run-cli';

const COMMITTED = '2026-01-10T10:00:00Z';

function block(id: string, startLine: number, endLine: number, createdAt: string): Block {
  return { id, startLine, endLine, source: 'agent-write', confidence: 'certain', createdAt, modified: false };
}

function record(root: string, path: string, text: string, b: Block): void {
  const lines = text.split('\n').slice(b.startLine - 1, b.endLine);
  write(root, `.comprehension/provenance/${b.id}.json`, serializeRecord(createRecord({ block: b, path, lines, editKind: 'agent-hook', now: b.createdAt })));
}

function workspace(root: string): PolicyWorkspace {
  const opened = new PolicyWorkspace(root, true);
  opened.loadPolicyFromDisk();
  opened.loadBaselineFromDisk();
  return opened;
}

function commitAll(root: string, message: string, date = COMMITTED): void {
  git(root, ['add', '-A']);
  git(root, ['-c', 'user.name=Test', '-c', 'user.email=test@comprehension.invalid', 'commit', '-qm', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

describe('Report gatherer (core): the decisions the editor and the CLI share', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('counts a finding inside an AI block when its span overlaps the block, not only when its first line is in it', async () => {
    root = tempRepo('cf-gather-overlap-');
    // The eval call starts on line 2, above the block (lines 3-5) that wrote its argument.
    const text = ['export function run(code: string): unknown {', '  return eval(', '    code', '      .trim(),', '  );', '}', ''].join('\n');
    write(root, 'src/run.ts', text);
    commitAll(root, 'run');
    record(root, 'src/run.ts', text, block('blk-args', 3, 5, '2026-01-10T09:00:00Z'));
    const { inputs } = await gatherReportInputs(workspace(root));
    const evals = inputs.findings.filter((finding) => finding.ruleId === 'security/eval');
    assert.equal(evals.length, 1, JSON.stringify(inputs.findings));
    assert.equal(evals[0].insideAiBlock, true, 'the call spans lines 2-5 and so overlaps the block');
    assert.equal(overlapsAnyBlock([{ startLine: 3, endLine: 5 }], 2, 5), true);
    assert.equal(overlapsAnyBlock([{ startLine: 3, endLine: 5 }], 6, 6), false, 'a finding after the block is outside');
    assert.equal(overlapsAnyBlock([{ startLine: 3, endLine: 5 }], 1, 2), false, 'a finding ending above the block is outside');
  });

  it('leaves the note rules\' findings out of the findings section and counts the blocks in the notes section', async () => {
    root = tempRepo('cf-gather-notes-');
    const text = ['export function double(values: number[]): number[] {', '  const out: number[] = [];', '  for (const value of values) out.push(value * 2);', '  return out;', '}', ''].join('\n');
    write(root, 'src/double.ts', text);
    commitAll(root, 'double');
    record(root, 'src/double.ts', text, block('blk-double', 1, 5, '2026-01-10T09:00:00Z'));
    const ws = workspace(root);
    const { inputs } = await gatherReportInputs(ws);
    assert.deepEqual(inputs.findings.filter((finding) => isNoteRuleFinding(finding.ruleId)), [], 'no comprehension/missing-note finding');
    const scorecard = scorecardOf(inputs);
    assert.equal(scorecard.notes.missing, 1, 'the block without a note is counted once, as a note');
    assert.equal(scorecard.findings.total, 0);
    assert.ok(isNoteRuleFinding('comprehension/missing-note') && isNoteRuleFinding('comprehension/stale-note'));
  });

  it('caps AI lines at the changed lines git shows, keeping the raw figures and saying why', async () => {
    root = tempRepo('cf-gather-cap-');
    const text = ['export const a = 1;', 'export const b = 2;', 'export const c = 3;', 'export const d = 4;', ''].join('\n');
    write(root, 'src/old.ts', text);
    commitAll(root, 'old');
    // Marked as AI today over code committed long ago: no line of it changed in the period.
    const since = Date.parse('2026-02-01T00:00:00Z');
    record(root, 'src/old.ts', text, block('blk-over-old', 1, 4, '2026-02-05T09:00:00Z'));
    const gathered = await gatherReportInputs(workspace(root), { since, now: Date.parse('2026-02-06T12:00:00Z') });
    assert.deepEqual(gathered.inputs.changedLines, { total: 0, ai: 0 });
    assert.deepEqual(gathered.raw, { gitAddedLines: 0, aiBlockLines: 4 });
    assert.ok(gathered.warnings.some((warning) => /span 4 lines but git shows 0 changed lines.*capped at 100%/.test(warning)), gathered.warnings.join('\n'));
    assert.deepEqual(capAiLines(10, 3), { total: 10, ai: 3 });
    assert.deepEqual(capAiLines(2, 3), { total: 2, ai: 2 }, 'the total is git\'s; it is never raised to the AI lines');
  });

  it('applies one size limit to checked, counted and AI-block files', async () => {
    root = tempRepo('cf-gather-size-');
    const big = `// generated\n${'export const x = eval("1");\n'.repeat(Math.ceil(REPORT_MAX_FILE_BYTES / 27) + 10)}`;
    assert.ok(Buffer.byteLength(big) > REPORT_MAX_FILE_BYTES && Buffer.byteLength(big) < 8 * 1024 * 1024, 'between the old 1 MiB and 8 MiB limits');
    write(root, 'src/small.ts', 'export const y = 1;\n');
    commitAll(root, 'small');
    write(root, 'gen/untracked.ts', big);
    write(root, 'gen/tracked.ts', big);
    git(root, ['add', 'gen/tracked.ts']);
    record(root, 'gen/tracked.ts', big, block('blk-big', 2, 3, '2026-01-10T09:00:00Z'));
    const gathered = await gatherReportInputs(workspace(root));
    assert.equal(gathered.inputs.findings.length, 0, 'neither big file is checked');
    assert.ok(!gathered.inputs.files.some((file) => file.path.startsWith('gen/')), 'nor given a line count');
    assert.ok(gathered.warnings.some((warning) => /gen\/tracked\.ts: 1 AI block\(s\) left out: the file is larger than 1024 KiB/.test(warning)), gathered.warnings.join('\n'));
    // Changed lines: small.ts (1) plus the staged big file's numstat; the untracked big file adds nothing.
    const trackedLines = countLines(big);
    assert.equal(gathered.inputs.changedLines.total, 1 + trackedLines, 'git\'s numstat counts the tracked file; the untracked one is over the limit');
  });

  it('sums added lines from real git numstat output, leaving out binaries and .comprehension/', () => {
    root = tempRepo('cf-gather-numstat-');
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, '.comprehension/notes'), { recursive: true });
    writeFileSync(join(root, 'src/a.ts'), 'one\ntwo\nthree\n');
    writeFileSync(join(root, '.comprehension/notes/x.md'), 'note\nnote\n');
    writeFileSync(join(root, 'logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
    commitAll(root, 'first');
    writeFileSync(join(root, 'src/a.ts'), 'one\ntwo changed\nthree\nfour\n');
    commitAll(root, 'second');
    const log = git(root, ['log', '--numstat', '--format=', '--no-renames']);
    assert.match(log, /^-\t-\tlogo\.bin$/m, 'git reports the binary file with dashes');
    assert.equal(sumNumstat(log, (path) => !path.startsWith('.comprehension/')), 3 + 2);
  });

  it('counts lines as an editor does', () => {
    root = tempRepo('cf-gather-lines-');
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\r\nb\r\n'), 2);
    assert.equal(countLines('a\n\nb'), 3);
    assert.equal(countLines('a\rb'), 2);
  });

  it('starts the editor\'s period where `--since` of its first day starts', () => {
    root = tempRepo('cf-gather-period-');
    const now = Date.parse('2026-03-10T17:45:00Z');
    assert.equal(periodStart(30, now), parseSince('2026-02-09'));
    assert.equal(periodStart(1, now), parseSince('2026-03-10'));
    assert.equal(periodStart(0, now), parseSince('2026-03-10'), 'at least today');
  });

  it('gives the editor the practice days its export holds, rounding included', () => {
    root = tempRepo('cf-gather-practice-');
    const history: PracticeHistory = {
      format: 'comprehension-practice-history',
      version: 1,
      sessions: [
        {
          id: 's1',
          timeZone: 'Europe/Berlin',
          startedAt: Date.parse('2026-02-03T08:00:00Z'),
          endedAt: Date.parse('2026-02-03T09:00:00Z'),
          days: [{ day: '2026-02-03', activeMs: 61_499, typedChars: 1, typedLines: 1, files: ['a.ts'], breaches: [{ file: 'a.ts', line: 1, source: 'paste', at: Date.parse('2026-02-03T08:30:00Z') }] }],
          quarters: [],
          exercises: [],
        },
      ],
    };
    const days = practiceDaysOfHistory(history);
    assert.deepEqual(days, parsePracticeExport(JSON.parse(exportJson(history))));
    assert.equal(days.length, 1);
    assert.equal(days[0].breaches, 1);
    assert.equal(days[0].timeZone, 'Europe/Berlin');
  });
});
