import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSince } from '../../../src/cli/commands/report';
import { practiceInput, parsePracticeExport, sumNumstat } from '../../../src/core/report/gather';
import { type NoteContent, parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { notePathFor } from '../../../src/core/workspace/layout';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import { addDays, dayKeyOf } from '../../../src/core/practice/calendar';
import { exportJson, type PracticeHistory } from '../../../src/core/practice/history';
import type { Block } from '../../../src/core/provenance/block';
import { createRecord, serializeRecord } from '../../../src/core/provenance/record';
import type { Scorecard } from '../../../src/core/report/scorecard';
import { cli, git, tempRepo, write } from './run-cli';

const OLD = [
  'export function parsePort(value: string): number {', // 1  block B (explained note)
  '  const port = Number.parseInt(value, 10);', // 2
  '  if (Number.isNaN(port)) throw new Error(`bad port ${value}`);', // 3
  '  return port;', // 4
  '}', // 5
  '', // 6
  'export const run = (code: string) => eval(code);', // 7  finding outside AI blocks
  '', // 8
  "export const VERSION = '1.0.0';", // 9
  'export default parsePort;', // 10
];

const NEW = [
  "import { parsePort } from './old';", // 1
  '', // 2
  'export const DEFAULT_PORT = 8080;', // 3
  '', // 4
  'export function configure(raw: Record<string, string>) {', // 5  block A (no note)
  '  const port = parsePort(raw.PORT ?? String(DEFAULT_PORT));', // 6
  // Built from pieces so the repository holds nothing a secret scanner would flag.
  `  const token = '${['gh', 'p_R8f2KqL0vXz3Nw7Tb1Yc9Hs5Pd4Mj6Ga2Ue8'].join('')}';`, // 7  secret inside an AI block
  "  const extra = eval(raw.EXTRA ?? '{}');", // 8  finding inside an AI block
  '  return { port, token, extra };', // 9
  '}', // 10
  '', // 11
  'export const ENABLED = true;', // 12
  '', // 13
  'export function label(name: string): string {', // 14
  '  const trimmed = name.trim();', // 15 block C (stale note)
  '  return trimmed.toUpperCase();', // 16
  '}', // 17
  '', // 18
  "export const NAME = label('app');", // 19
  'export default configure;', // 20
];

function recordBlock(root: string, path: string, lines: readonly string[], block: Block): void {
  const record = createRecord({ block, path, lines: lines.slice(block.startLine - 1, block.endLine), editKind: 'agent-hook', now: block.createdAt });
  write(root, `.comprehension/provenance/${block.id}.json`, serializeRecord(record));
}

function note(block: Block, file: string, code: string, answers: NoteContent['answers']): string {
  const fresh = parseNote(renderNewNote({ block, file, blockText: code, level: 1, sections: CORE_SECTIONS, questions: [], now: new Date('2026-01-11T09:00:00Z') }));
  return serializeNote({ frontMatter: fresh.frontMatter!, sections: CORE_SECTIONS, answers, questionAnswers: {}, code });
}

const EXPLAINED: NoteContent['answers'] = {
  what: 'parsePort turns the PORT text into a number with parseInt in base ten and hands the port back to the caller.',
  why: 'Configuration arrives as strings from the environment, and failing early beats listening on a random port later.',
  'failure-modes': 'Text that is not a number makes parsePort throw an Error naming the bad value, which stops the start.',
  observability: 'The thrown message lands in the startup log, and the deploy health check fails while the service is down.',
};

describe('CLI report', () => {
  let root: string;
  let scratch: string;
  const today = dayKeyOf(Date.now(), 'UTC');

  before(() => {
    root = tempRepo('cf-report-');
    scratch = mkdtempSync(join(tmpdir(), 'cf-report-files-'));
    write(root, 'src/old.ts', `${OLD.join('\n')}\n`);
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'old'], { GIT_AUTHOR_DATE: '2026-01-10T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-10T10:00:00Z' });
    write(root, 'src/new.ts', `${NEW.join('\n')}\n`);
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'new'], { GIT_AUTHOR_DATE: '2026-02-10T10:00:00Z', GIT_COMMITTER_DATE: '2026-02-10T10:00:00Z' });

    const a: Block = { id: 'blk-a', startLine: 5, endLine: 12, source: 'agent-write', confidence: 'certain', agent: 'claude-code', createdAt: '2026-02-10T09:00:00.000Z', modified: false };
    const b: Block = { id: 'blk-b', startLine: 1, endLine: 5, source: 'inline-completion', confidence: 'certain', createdAt: '2026-01-10T09:00:00.000Z', modified: false };
    const c: Block = { id: 'blk-c', startLine: 15, endLine: 17, source: 'chat-edit', confidence: 'likely', createdAt: '2026-02-11T09:00:00.000Z', modified: false };
    const lost: Block = { id: 'blk-lost', startLine: 1, endLine: 4, source: 'paste', confidence: 'likely', createdAt: '2026-02-12T09:00:00.000Z', modified: false };
    recordBlock(root, 'src/new.ts', NEW, a);
    recordBlock(root, 'src/old.ts', OLD, b);
    recordBlock(root, 'src/new.ts', NEW, c);
    const lostRecord = createRecord({ block: lost, path: 'src/new.ts', lines: NEW.slice(0, 4), editKind: 'paste', now: lost.createdAt });
    lostRecord.metadata.comprehension.lost = true;
    write(root, '.comprehension/provenance/blk-lost.json', serializeRecord(lostRecord));
    write(root, notePathFor('blk-b'), note(b, 'src/old.ts', OLD.slice(0, 5).join('\n'), EXPLAINED));
    // Written when block C still read differently: stale now.
    write(root, notePathFor('blk-c'), note(c, 'src/new.ts', '  return name.toUpperCase();\n}', EXPLAINED));

    const session = (id: string, days: Array<[string, number, number]>) => ({
      id,
      timeZone: 'UTC',
      startedAt: Date.parse(`${days[0][0]}T08:00:00Z`),
      endedAt: Date.parse(`${days[days.length - 1][0]}T09:00:00Z`),
      days: days.map(([day, minutes, breaches]) => ({
        day,
        activeMs: minutes * 60_000,
        typedChars: 100,
        typedLines: 5,
        files: ['src/kata.ts'],
        breaches: Array.from({ length: breaches }, (_, i) => ({ file: 'src/kata.ts', line: 3 + i, source: 'inline-completion', at: Date.parse(`${day}T08:30:00Z`) })),
      })),
      quarters: [],
      exercises: [],
    });
    const history: PracticeHistory = {
      format: 'comprehension-practice-history',
      version: 1,
      sessions: [
        session('s-jan', [['2026-01-20', 10, 1]]), // before the period
        session('s-feb', [
          ['2026-02-03', 30, 1],
          ['2026-02-04', 10, 0],
        ]),
        session('s-now', [
          [addDays(today, -1), 15, 0],
          [today, 20, 1],
        ]),
      ],
    };
    writeFileSync(join(scratch, 'practice.json'), exportJson(history));
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('computes the scorecard of a period from git, provenance, notes, the check and practice (JSON)', async () => {
    const run = await cli(root, ['report', '--format', 'json', '--since', '2026-02-01', '--practice', join(scratch, 'practice.json')]);
    assert.equal(run.code, 0, run.stderr);
    const card = JSON.parse(run.stdout) as Scorecard;
    assert.deepEqual(card.period, { from: '2026-02-01', to: today });
    assert.equal(card.policyLevel, 1);
    // 20 lines added since Feb 1 (new.ts); AI: blocks A (8 lines) and C (3) were created since; B is older.
    assert.deepEqual(card.aiShare, { aiLines: 11, totalLines: 20, ratio: 0.55 });
    // Every AI block now: A has no note, B an explained one, C a stale one; the lost record is left out.
    const { byFile, ...notes } = card.notes;
    assert.deepEqual(notes, { aiBlocks: 3, aiLines: 16, needingNotes: 3, explained: 1, draft: 0, stale: 1, missing: 1, coverage: 1 / 3 });
    assert.deepEqual(
      byFile.map((file) => [file.path, file.aiBlocks, file.needingNotes, file.explained, file.stale, file.missing]),
      [
        ['src/new.ts', 2, 2, 0, 1, 1],
        ['src/old.ts', 1, 1, 1, 0, 0],
      ],
    );
    // eval and the token inside block A, eval in old.ts outside block B; note findings are not counted here.
    assert.equal(card.findings.total, 3, JSON.stringify(card.findings.byRule));
    assert.deepEqual([card.findings.insideAi, card.findings.outsideAi], [2, 1]);
    assert.deepEqual(
      card.findings.byRule.map((rule) => [rule.ruleId, rule.insideAi, rule.outsideAi]),
      [
        ['security/eval', 1, 1],
        ['secrets/hardcoded-secret', 1, 0],
      ],
    );
    assert.deepEqual(card.secrets, { events: 1, insideAi: 1, baselined: 0 });
    // 30 lines in all, 16 of them in AI blocks.
    assert.deepEqual(card.findings.perThousandLines, { insideAi: 2000 / 16, outsideAi: 1000 / 14, otherLines: 14 });
    // Practice in the period: Feb 3 (30 min, 1 breach), Feb 4 (10), yesterday (15), today (20, 1 breach); the streak is today and yesterday.
    assert.ok(card.practice);
    assert.deepEqual(
      [card.practice.totalMinutes, card.practice.activeDays, card.practice.breaches, card.practice.streakDays, card.practice.dailyGoalMinutes],
      [75, 4, 2, 2, 15],
    );
    assert.equal(card.practice.days[0].date, '2026-02-01');
    assert.equal(card.practice.days[card.practice.days.length - 1].date, today);
  });

  it('covers the whole history without --since', async () => {
    const run = await cli(root, ['report', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const card = JSON.parse(run.stdout) as Scorecard;
    assert.deepEqual(card.aiShare, { aiLines: 16, totalLines: 30, ratio: 16 / 30 });
    assert.equal(card.period.from, '2026-01-10', 'from the first commit (and the oldest block)');
    assert.equal(card.practice, null);
  });

  it('counts uncommitted lines as changed, outside .comprehension/', async () => {
    write(root, 'src/wip.ts', 'export const a = 1;\nexport const b = 2;\n');
    write(root, 'src/old.ts', `${OLD.join('\n')}\nexport const extra = 3;\n`);
    try {
      const card = JSON.parse((await cli(root, ['report', '--format', 'json', '--since', '2026-02-01'])).stdout) as Scorecard;
      assert.equal(card.aiShare.totalLines, 23);
    } finally {
      rmSync(join(root, 'src/wip.ts'));
      write(root, 'src/old.ts', `${OLD.join('\n')}\n`);
    }
  });

  it('renders Markdown and the single self-contained HTML file', async () => {
    const md = await cli(root, ['report', '--since', '2026-02-01']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# Comprehension scorecard — cf-report-/);
    assert.match(md.stdout, /\| AI share of changed lines \| \*\*55%\*\* \| 11 of 20 changed lines \|/);
    assert.match(md.stdout, /\| Comprehension-note coverage \| \*\*33%\*\* \|/);

    const out = join(scratch, 'scorecard.html');
    const html = await cli(root, ['report', '--format', 'html', '--since', '2026-02-01', '--output', out]);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /^Wrote the html scorecard to .*scorecard\.html: AI share 55%, note coverage 33%, 2 of 3 findings inside AI blocks, 1 secrets exposure events\.\n$/);
    const page = readFileSync(out, 'utf8');
    assert.match(page, /^<!DOCTYPE html>/);
    assert.doesNotMatch(page, /<script|<link |src="http/);
  });

  it('exits 2 on usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be md, html or json/],
      [['--since', 'last tuesday'], /--since must be a date/],
      [['--since', '2026-02-30'], /--since must be a date/],
      [['--practice', join(scratch, 'nope.json')], /no such file/],
      [['--practice', join(root, 'src/old.ts')], /not JSON/],
      [['stray'], /unexpected argument/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(root, ['report', ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
    writeFileSync(join(scratch, 'other.json'), '{"format":"something-else"}');
    assert.match((await cli(root, ['report', '--practice', join(scratch, 'other.json')])).stderr, /not a practice history export/);
    assert.match((await cli(root, ['report', '--help'])).stdout, /^Usage: comprehension report/);
  });

  describe('inputs', () => {
    it('parses --since as a UTC day or an ISO date-time', () => {
      assert.equal(parseSince('2026-02-01'), Date.parse('2026-02-01T00:00:00Z'));
      assert.equal(parseSince('2026-02-01T09:30:00+01:00'), Date.parse('2026-02-01T08:30:00Z'));
      assert.equal(parseSince('yesterday'), undefined);
    });

    it('sums added lines of --numstat for counted paths; binary files add nothing', () => {
      const numstat = '3\t1\tsrc/a.ts\n-\t-\tlogo.png\n10\t0\t.comprehension/provenance/x.json\n\n2\t2\tsrc/b.ts\n';
      assert.equal(sumNumstat(numstat, (path) => !path.startsWith('.comprehension/')), 5);
    });

    it('reads the practice history file itself as well as its export', () => {
      const history = { format: 'comprehension-practice-history', version: 1, sessions: [{ id: 's', timeZone: 'UTC', days: [{ day: '2026-02-03', activeMs: 1_800_000, breaches: [{}, {}] }] }] };
      const input = practiceInput(parsePracticeExport(history), { from: '2026-02-01', to: '2026-02-28' }, 15, Date.parse('2026-02-03T12:00:00Z'));
      assert.deepEqual(input, { minutesPerDay: [{ date: '2026-02-03', minutes: 30 }], streakDays: 1, breaches: 2, dailyGoalMinutes: 15, drills: [] });
    });
  });
});
