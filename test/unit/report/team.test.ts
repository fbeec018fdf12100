import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAuditFile, pickAuditNotes, renderAuditFile, seededRandom } from '../../../src/core/report/audit';
import { gatherReportInputs, scorecardOf } from '../../../src/core/report/gather';
import { mergeReports, NotAReportError } from '../../../src/core/report/merge';
import { noteHistoryOfLog } from '../../../src/core/report/note-history';
import { renderHtml } from '../../../src/core/report/render-html';
import { renderMarkdown } from '../../../src/core/report/render-markdown';
import { buildScorecard, type Scorecard } from '../../../src/core/report/scorecard';
import { identityOf } from '../../../src/core/report/team';
import { AUDITS_DIR } from '../../../src/core/workspace/layout';
import { AI_CODE, aiBlock, passingNote, writeAiBlock } from '../cli/ai-block-fixture';
import { cli, git, tempRepo, write } from '../cli/run-cli';
import { openTeamWorkspace, teamFixtureRepo } from './team-fixture';

/** Grades the audit file at `path` (workspace-relative): `grades[i]` for the i-th note, undefined leaves it ungraded. */
function grade(root: string, path: string, grades: ({ grade: string; comment?: string; by?: string } | undefined)[]): void {
  let index = -1;
  const text = readFileSync(join(root, path), 'utf8').replace(/^ {4}grade:.*\n {4}comment: ""\n {4}gradedBy: ""$/gm, (block) => {
    index++;
    const given = grades[index];
    if (!given) return block;
    return `    grade: ${given.grade}\n    comment: ${JSON.stringify(given.comment ?? '')}\n    gradedBy: ${JSON.stringify(given.by ?? '')}`;
  });
  writeFileSync(join(root, path), text);
}

describe('Team scorecard: bus factor, review audit, note history, organisation view', function () {
  this.timeout(120_000);
  let root: string;
  let scratch: string;
  let auditPath: string;
  let picked: string[];

  before(async () => {
    root = teamFixtureRepo();
    scratch = mkdtempSync(join(tmpdir(), 'cf-team-files-'));
    const run = await cli(root, ['report', '--audit', '3', '--seed', '7']);
    assert.equal(run.code, 0, run.stderr);
    const names = readdirSync(join(root, AUDITS_DIR));
    assert.equal(names.length, 1);
    auditPath = `${AUDITS_DIR}/${names[0]}`;
    assert.match(run.stdout, new RegExp(`Wrote ${auditPath.replace(/\./g, '\\.')}: 3 note\\(s\\) to grade`));
    picked = [...readFileSync(join(root, auditPath), 'utf8').matchAll(/^ {2}- blockId: "([^"]+)"$/gm)].map((match) => match[1]);
    grade(root, auditPath, [{ grade: 'pass', by: 'Rita <rita@example.com>' }, { grade: 'fail', comment: 'The retry bound is described wrongly.', by: 'Rita' }, undefined]);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('picks explained notes only, the same ones for the same seed', () => {
    assert.equal(picked.length, 3);
    const explained = ['blk-auth-a', 'blk-pay-a', 'blk-pay-b', 'blk-util'];
    for (const id of picked) assert.ok(explained.includes(id), `${id} is an explained note`);
    const candidates = explained.map((blockId) => ({ blockId, file: 'f.ts', startLine: 1, endLine: 2 }));
    const again = pickAuditNotes([...candidates].reverse(), 3, seededRandom('7')).map((note) => note.blockId);
    assert.deepEqual(again, picked, 'the listing order does not change the picks');
    assert.equal(pickAuditNotes(candidates, 10, seededRandom('x')).length, 4, 'all of them when fewer exist');
  });

  it('computes the bus factor per critical path, the audit, refused notes and the note history of the fixture', async () => {
    const gathered = await gatherReportInputs(openTeamWorkspace(root), { now: Date.parse('2026-02-21T12:00:00Z') });
    assert.deepEqual(gathered.auditProblems, []);
    const { team } = scorecardOf(gathered.inputs);
    assert.equal(team.identities, 'note-authors-and-sign-offs');
    assert.deepEqual(team.criticalPaths, [
      { path: 'src/pay/**', aiBlocks: 3, understoodBlocks: 2, busFactor: 3, people: ['ada@example.com', 'bob@example.com', 'rita@example.com'], atRisk: false },
      { path: 'src/auth/**', aiBlocks: 2, understoodBlocks: 1, busFactor: 1, people: ['ada@example.com'], atRisk: true },
      { path: 'src/ops/**', aiBlocks: 0, understoodBlocks: 0, busFactor: 0, people: [], atRisk: false },
    ]);
    assert.deepEqual(team.audit, {
      files: 1,
      picked: 3,
      graded: 2,
      passed: 1,
      failed: 1,
      passRate: 0.5,
      ungraded: [{ blockId: picked[2], auditFile: auditPath }],
      failures: [{ blockId: picked[1], auditFile: auditPath, comment: 'The retry bound is described wrongly.', gradedBy: 'Rita' }],
    });
    assert.equal(team.refusedNotes.total, 1, 'blk-pay-c');
    assert.ok(team.refusedNotes.byProblem.every((problem) => problem.notes === 1));
    assert.ok(team.refusedNotes.byProblem.some((problem) => problem.code === 'filler'), JSON.stringify(team.refusedNotes));
    assert.deepEqual(team.noteHistory, {
      months: [
        { month: '2026-01', created: 5, revised: 0, removed: 0 },
        { month: '2026-02', created: 1, revised: 2, removed: 1 },
      ],
      created: 6,
      revised: 2,
      removed: 1,
    });
    const since = await gatherReportInputs(openTeamWorkspace(root), { since: Date.parse('2026-02-10T00:00:00Z'), now: Date.parse('2026-02-21T12:00:00Z') });
    assert.deepEqual(scorecardOf(since.inputs).team.noteHistory?.months, [{ month: '2026-02', created: 0, revised: 2, removed: 0 }], 'only commits of the period');
  });

  it('renders the team figures in Markdown, JSON and HTML', async () => {
    const md = await cli(root, ['report']);
    assert.equal(md.code, 0, md.stderr);
    assert.ok(md.stdout.includes('| Critical paths at risk | **1 / 3** | lowest bus factor 1 (src/auth/\\*\\*); people with passing, current notes or sign-offs |'), md.stdout);
    assert.match(md.stdout, /\| src\/auth\/\\\*\\\* \| 2 \| 1 \| \*\*1\*\* \| ada@example\.com \| ⚠ yes \|/);
    assert.match(md.stdout, /\| src\/ops\/\\\*\\\* \| 0 \| 0 \| \*\*0\*\* \| — \| no AI blocks \|/);
    assert.match(md.stdout, /\| Review audit pass rate \| \*\*50%\*\* \| 1 of 2 graded notes passed; 1 not graded yet \|/);
    assert.match(md.stdout, /3 notes picked in 1 audit file: 2 graded, 1 passed, 1 failed \(pass rate \*\*50%\*\*\), 1 not graded yet\./);
    assert.match(md.stdout, /\| 2026-02 \| 1 \| 2 \| 1 \|/);
    const json = await cli(root, ['report', '--format', 'json']);
    const card = JSON.parse(json.stdout) as Scorecard;
    assert.equal(card.repository, root.replace(/^.*[\\/]/, ''));
    assert.equal(card.team.criticalPaths[1].busFactor, 1);
    const html = await cli(root, ['report', '--format', 'html']);
    assert.match(html.stdout, /<h2>Bus factor per critical path<\/h2>/);
    assert.match(html.stdout, /<tr class="bad"><td class="path">src\/auth\/\*\*<\/td><td>2<\/td><td>1<\/td><td>1<\/td>/);
    assert.match(html.stdout, /data-key="audit"/);
  });

  it('refuses an audit file with problems, each at its line and column, and exits 2', async () => {
    const bad = [
      'version: 1',
      'notes:',
      '  - blockId: blk-pay-a',
      '    grade: ok',
      '  - blockId: blk-pay-b',
      '    grade: fail',
      '  - blockId: blk-util',
      '    grad: pass',
      '',
    ].join('\n');
    const parsed = parseAuditFile('a.yaml', bad);
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.problems.map((problem) => `${problem.line}:${problem.column}: ${problem.message}`), [
      "4:12: notes[0].grade must be pass or fail (or empty until graded), not 'ok'",
      '6:12: notes[1] is graded fail without a `comment`: say what the note gets wrong or leaves out',
      '8:5: notes[2]: unknown key `grad`. Did you mean "grade"?',
    ]);
    assert.match(parseAuditFile('a.yaml', 'notes: [\n').ok ? '' : 'yaml error', /yaml error/);
    const missing = parseAuditFile('a.yaml', 'version: 2\nnotes: {}\n');
    assert.deepEqual(!missing.ok && missing.problems.map((problem) => `${problem.line}:${problem.column}`), ['1:10', '2:8']);

    write(root, `${AUDITS_DIR}/broken.yaml`, bad);
    const run = await cli(root, ['report']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^\.comprehension\/audits\/broken\.yaml:4:12: notes\[0\]\.grade must be pass or fail/m);
    assert.match(run.stderr, /3 problem\(s\) in audit files; fix them and run again/);
    assert.equal(run.stdout, '');
    rmSync(join(root, AUDITS_DIR, 'broken.yaml'));
  });

  it('writes an audit file that reads back ungraded, and never overwrites one', async () => {
    const text = renderAuditFile([{ blockId: 'b"1', file: 'src/a b.ts', startLine: 3, endLine: 9, author: 'Ada <ada@example.com>' }], { createdAt: new Date('2026-03-01T09:00:00Z'), seed: 's' });
    assert.deepEqual(parseAuditFile('x.yaml', text), { ok: true, audit: { path: 'x.yaml', entries: [{ blockId: 'b"1' }] } });
    const again = await cli(root, ['report', '--audit', '3', '--seed', '7']);
    // Same seed on another day writes a new file; on the same day the name repeats and is refused.
    if (again.code === 2) assert.match(again.stderr, /already exists \(it may hold grades\); pick another --seed/);
    else assert.equal(readdirSync(join(root, AUDITS_DIR)).length, 2);
    for (const name of readdirSync(join(root, AUDITS_DIR))) if (`${AUDITS_DIR}/${name}` !== auditPath) rmSync(join(root, AUDITS_DIR, name));
    assert.equal((await cli(root, ['report', '--audit', '0'])).code, 2);
    assert.equal((await cli(root, ['report', '--seed', '1'])).code, 2);
  });

  it('neither reads nor writes audit files through a folder linked out of the workspace', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cf-team-outside-'));
    const linked = tempRepo('cf-team-linked-');
    try {
      write(outside, 'stolen.yaml', 'version: 1\nnotes: []\n');
      write(linked, '.comprehension/policy.yaml', 'level: 1\n');
      symlinkSync(outside, join(linked, AUDITS_DIR));
      const read = await cli(linked, ['report']);
      assert.equal(read.code, 2);
      assert.match(read.stderr, /\.comprehension\/audits\/stolen\.yaml:1:1: .*leads outside the workspace/);
      const block = aiBlock('2026-01-09T09:00:00Z', 'blk-lib');
      writeAiBlock(linked, block, 'lib/retry.ts');
      write(linked, '.comprehension/notes/blk-lib.md', passingNote(openTeamWorkspace(linked).policyState.current, block, 'lib/retry.ts', AI_CODE, false));
      const written = await cli(linked, ['report', '--audit', '1', '--seed', '1']);
      assert.equal(written.code, 2);
      assert.match(written.stderr, /refused to write/);
      assert.deepEqual(readdirSync(outside), ['stolen.yaml']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(linked, { recursive: true, force: true });
    }
  });

  it('merges the JSON reports of two repositories: sums, weighted ratios, a row per repository', async () => {
    const other = tempRepo('cf-team-other-');
    try {
      write(other, '.comprehension/policy.yaml', 'level: 1\ncriticalPaths: [lib/**]\n');
      const block = aiBlock('2026-01-09T09:00:00Z', 'blk-lib');
      writeAiBlock(other, block, 'lib/retry.ts');
      const policy = openTeamWorkspace(other).policyState.current;
      write(other, '.comprehension/notes/blk-lib.md', passingNote(policy, block, 'lib/retry.ts', AI_CODE, true).replace(/^---\n/, '---\nauthor: Eve <eve@example.com>\n'));
      git(other, ['add', '-A']);
      git(other, ['commit', '-qm', 'lib'], { GIT_AUTHOR_DATE: '2026-01-20T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-20T10:00:00Z' });

      const a = join(scratch, 'a.json');
      const b = join(scratch, 'b.json');
      assert.equal((await cli(root, ['report', '--format', 'json', '--output', a])).code, 0);
      assert.equal((await cli(other, ['report', '--format', 'json', '--output', b])).code, 0);
      const cardA = JSON.parse(readFileSync(a, 'utf8')) as Scorecard;
      const cardB = JSON.parse(readFileSync(b, 'utf8')) as Scorecard;

      const run = await cli(scratch, ['report', '--merge', a, b, '--format', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const merged = JSON.parse(run.stdout) as Scorecard;
      assert.equal(merged.repositories?.length, 2);
      assert.deepEqual(
        merged.repositories?.map((row) => [row.name, row.needingNotes, row.explained, row.criticalPaths, row.criticalPathsAtRisk, row.auditGraded, row.auditPassed]),
        [
          [cardA.repository, 6, 4, 3, 1, 2, 1],
          [cardB.repository, 1, 1, 1, 1, 0, 0],
        ],
      );
      assert.equal(merged.notes.needingNotes, 7);
      assert.equal(merged.notes.explained, 5);
      assert.equal(merged.notes.coverage, 5 / 7, 'weighted by blocks, not the mean of 4/6 and 1/1');
      assert.equal(merged.aiShare.aiLines, cardA.aiShare.aiLines + cardB.aiShare.aiLines);
      assert.equal(merged.aiShare.ratio, (cardA.aiShare.aiLines + cardB.aiShare.aiLines) / (cardA.aiShare.totalLines + cardB.aiShare.totalLines));
      assert.equal(merged.findings.total, cardA.findings.total + cardB.findings.total);
      assert.deepEqual(
        merged.team.criticalPaths.map((path) => [path.path, path.busFactor, path.atRisk]),
        [
          [`${cardA.repository}/src/pay/**`, 3, false],
          [`${cardA.repository}/src/auth/**`, 1, true],
          [`${cardA.repository}/src/ops/**`, 0, false],
          [`${cardB.repository}/lib/**`, 1, true],
        ],
      );
      assert.equal(merged.team.audit?.passRate, 0.5);
      assert.equal(merged.team.noteHistory?.created, 7);
      assert.equal(merged.practice, null);
      assert.ok(merged.notes.byFile.some((file) => file.path === `${cardB.repository}/lib/retry.ts`));

      const md = await cli(scratch, ['report', '--merge', a, b]);
      assert.match(md.stdout, /## Repositories/);
      assert.match(md.stdout, new RegExp(`\\| ${cardB.repository} \\| .* \\| 100% \\(1/1\\) \\|`));
      const html = await cli(scratch, ['report', '--merge', a, b, '--format', 'html']);
      assert.match(html.stdout, /<h2>Repositories<\/h2>/);

      writeFileSync(join(scratch, 'notes.json'), '{"schemaVersion": 1, "title": "x"}');
      const bad = await cli(scratch, ['report', '--merge', a, 'notes.json']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /notes\.json is not a comprehension report .*: period must be an object/);
      writeFileSync(join(scratch, 'text.json'), 'hello');
      assert.match((await cli(scratch, ['report', '--merge', 'text.json'])).stderr, /text\.json is not a comprehension report: it is not JSON/);
      assert.match((await cli(scratch, ['report', '--merge', 'nope.json'])).stderr, /cannot read nope\.json: no such file/);
      assert.match((await cli(scratch, ['report', '--merge'])).stderr, /--merge needs the JSON reports/);
      assert.equal((await cli(scratch, ['report', '--merge', a, '--since', '2026-01-01'])).code, 2);
      writeFileSync(join(scratch, 'merged.json'), run.stdout);
      assert.match((await cli(scratch, ['report', '--merge', 'merged.json'])).stderr, /already a merged report/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('merges reports from before the team figures with an empty team section, and renders them', () => {
    const old = buildScorecard({ period: { from: '2026-01-01', to: '2026-01-31' }, files: [], findings: [], changedLines: { total: 10, ai: 5 } }) as Partial<Scorecard>;
    delete old.team;
    const merged = mergeReports([{ file: 'old.json', json: old }, { file: 'old2.json', json: old }]);
    assert.deepEqual(merged.repositories?.map((row) => row.name), ['old', 'old2']);
    assert.equal(merged.aiShare.ratio, 0.5);
    assert.deepEqual(merged.team.criticalPaths, []);
    assert.match(renderMarkdown(merged), /The policy names no critical paths/);
    assert.match(renderHtml(merged), /No audit files yet/);
    assert.throws(() => mergeReports([{ file: 'x.json', json: [] }]), (error: unknown) => error instanceof NotAReportError && /x\.json/.test(error.message));
  });

  it('counts people by email, whatever the name or letter case', () => {
    assert.equal(identityOf('Ada Lovelace <Ada@Example.com>'), 'ada@example.com');
    assert.equal(identityOf('ada@example.com'), 'ada@example.com');
    assert.equal(identityOf('Ada'), 'Ada');
    assert.equal(identityOf('  '), undefined);
    assert.deepEqual(noteHistoryOfLog('\x1e1767225600\n\nA\t.comprehension/notes/a.md\nA\t.comprehension/notes/.gitkeep\n\x1e1767225601\n\nM\t.comprehension/notes/a.md\n'), [
      { month: '2026-01', created: 1, revised: 1, removed: 0 },
    ]);
  });
});
