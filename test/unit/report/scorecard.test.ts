import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCount, formatMinutes, formatPercent } from '../../../src/core/report/format';
import { escapeHtml, renderHtml } from '../../../src/core/report/render-html';
import { renderJson } from '../../../src/core/report/render-json';
import { escapeMarkdown, renderMarkdown } from '../../../src/core/report/render-markdown';
import { buildScorecard, type ReportInputs } from '../../../src/core/report/scorecard';

const inputs = (): ReportInputs => JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/report/inputs.json'), 'utf8')) as ReportInputs;
const scriptFile = 'src/<script>alert(1)</script>|x.ts';

describe('report scorecard', () => {
  it('computes the known figures of the fixture', () => {
    const card = buildScorecard(inputs());
    assert.deepEqual(card.aiShare, { aiLines: 200, totalLines: 800, ratio: 0.25 });
    const { byFile, ...notes } = card.notes;
    assert.deepEqual(notes, { aiBlocks: 6, aiLines: 82, needingNotes: 5, explained: 2, draft: 1, stale: 1, missing: 1, coverage: 0.4 });
    assert.deepEqual(
      byFile.map((file) => [file.path, file.needingNotes, file.explained]),
      [
        ['src/billing/charge.ts', 2, 0],
        ['src/api/client.ts', 2, 1],
        [scriptFile, 1, 1],
      ],
    );
    const { perThousandLines, ...findings } = card.findings;
    assert.deepEqual(findings, {
      total: 6,
      insideAi: 3,
      outsideAi: 3,
      insideAiShare: 0.5,
      bySeverity: { error: { insideAi: 1, outsideAi: 1 }, warning: { insideAi: 2, outsideAi: 1 }, info: { insideAi: 0, outsideAi: 1 } },
      byRule: [
        { ruleId: 'reliability/fetch-timeout', insideAi: 2, outsideAi: 0 },
        { ruleId: 'reliability/empty-catch', insideAi: 0, outsideAi: 1 },
        { ruleId: 'secrets/aws-key', insideAi: 1, outsideAi: 0 },
        { ruleId: 'secrets/generic', insideAi: 0, outsideAi: 1 },
        { ruleId: 'security/eval', insideAi: 0, outsideAi: 1 },
      ],
    });
    assert.ok(perThousandLines);
    assert.ok(Math.abs(perThousandLines.insideAi! - 3000 / 82) < 1e-9);
    assert.ok(Math.abs(perThousandLines.outsideAi! - 3000 / 268) < 1e-9);
    assert.deepEqual(card.secrets, { events: 2, insideAi: 1, baselined: 0 });
    assert.ok(card.practice);
    const { days, ...practice } = card.practice;
    assert.deepEqual(practice, { totalMinutes: 70, activeDays: 3, averageMinutesPerActiveDay: 70 / 3, streakDays: 1, breaches: 2, dailyGoalMinutes: 15 });
    assert.deepEqual(
      days.map((day) => day.minutes),
      [20, 0, 40, 0, 10, 0, 0],
    );
    assert.equal(days[0].date, '2026-03-01');
    assert.equal(days[6].date, '2026-03-07');
  });

  it('reports n/a rather than dividing by zero, and no practice when none is given', () => {
    const card = buildScorecard({ period: { from: '2026-03-01', to: '2026-03-07' }, files: [], findings: [], changedLines: { total: 0, ai: 0 } });
    assert.equal(card.aiShare.ratio, null);
    assert.equal(card.notes.coverage, null);
    assert.equal(card.findings.insideAiShare, null);
    assert.equal(card.findings.perThousandLines, null);
    assert.equal(card.practice, null);
    const markdown = renderMarkdown(card);
    assert.match(markdown, /\| AI share of changed lines \| \*\*n\/a\*\* \|/);
    assert.match(markdown, /No AI blocks need notes/);
    assert.doesNotMatch(markdown, /No-AI practice/);
    assert.doesNotMatch(renderHtml(card), /<h2>No-AI practice/);
  });

  it('rejects impossible inputs', () => {
    const base = { period: { from: '2026-03-01', to: '2026-03-07' }, files: [], findings: [] };
    assert.throws(() => buildScorecard({ ...base, changedLines: { total: 10, ai: 11 } }), /exceeds/);
    assert.throws(() => buildScorecard({ ...base, changedLines: { total: -1, ai: 0 } }), RangeError);
    assert.throws(() => buildScorecard({ ...base, changedLines: { total: Number.NaN, ai: 0 } }), RangeError);
  });

  it('counts a baselined secret in the exposure (and says so) but leaves baselined findings out of the finding figures', () => {
    const base = inputs();
    const plain = buildScorecard(base);
    const card = buildScorecard({
      ...base,
      findings: [
        ...base.findings,
        { ruleId: 'secrets/hardcoded-secret', severity: 'error', insideAiBlock: true, path: 'src/a.ts', baselined: true },
        { ruleId: 'security/eval', severity: 'error', insideAiBlock: false, path: 'src/a.ts', baselined: true },
      ],
    });
    assert.deepEqual(card.secrets, { events: plain.secrets.events + 1, insideAi: plain.secrets.insideAi + 1, baselined: 1 });
    assert.deepEqual(card.findings, plain.findings);
    assert.match(renderMarkdown(card), /1 accepted by the baseline \(still in the code\)/);
  });

  it('lets the caller say which rules report secrets', () => {
    const card = buildScorecard({ ...inputs(), isSecretRule: (ruleId) => ruleId === 'security/eval' });
    assert.deepEqual(card.secrets, { events: 1, insideAi: 0, baselined: 0 });
  });

  it('formats numbers the same on every machine', () => {
    assert.equal(formatPercent(0.25), '25%');
    assert.equal(formatPercent(0.004), '0.4%');
    assert.equal(formatPercent(0.996), '99.6%');
    assert.equal(formatPercent(null), 'n/a');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatMinutes(45), '45 min');
    assert.equal(formatMinutes(125), '2 h 05 min');
  });
});

describe('report renderers', () => {
  it('renders Markdown with the summary and escaped file names', () => {
    const markdown = renderMarkdown(buildScorecard(inputs()));
    assert.ok(markdown.startsWith('# Comprehension scorecard: March, week 1\n'));
    assert.match(markdown, /\| AI share of changed lines \| \*\*25%\*\* \| 200 of 800 changed lines \|/);
    assert.match(markdown, /\| Comprehension-note coverage \| \*\*40%\*\* \| 2 of 5 blocks needing notes explained; 1 draft, 1 missing \|/);
    assert.match(markdown, /\| Stale notes \| \*\*1\*\* \|/);
    assert.match(markdown, /\| Findings inside AI blocks \| \*\*3 \/ 6\*\* \| 50% of findings; 3 outside; per 1,000 lines: 36\.6 inside vs 11\.2 outside \|/);
    assert.match(markdown, /\| Secrets exposure events \| \*\*2\*\* \| goal: zero; 1 inside AI blocks \|/);
    assert.match(markdown, /\| No-AI practice \| \*\*1 h 10 min\*\* \| 3 active days; streak 1 day; 2 AI insertions during practice \|/);
    assert.ok(markdown.includes('| src/&lt;script&gt;alert(1)&lt;/script&gt;\\|x.ts | 1 | 1 | 0 | 0 | 0 | 100% |'));
    assert.ok(!markdown.includes('<script>'));
    assert.equal(escapeMarkdown('a_b*c`d'), 'a\\_b\\*c\\`d');
  });

  it('renders JSON that parses back to the scorecard', () => {
    const card = buildScorecard(inputs());
    const json = renderJson(card);
    assert.ok(json.endsWith('}\n'));
    assert.deepEqual(JSON.parse(json), card);
    assert.equal(JSON.parse(json).schemaVersion, 1);
  });

  describe('HTML', () => {
    const html = renderHtml(buildScorecard(inputs()));

    it('is one self-contained file: no scripts, no external URLs or assets', () => {
      assert.ok(html.startsWith('<!DOCTYPE html>'));
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /https?:|\/\/[a-z]/i);
      assert.doesNotMatch(html, /\s(src|href)=/i);
      assert.doesNotMatch(html, /url\(|@import/i);
      assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'"`));
    });

    it('escapes file names and follows the dark colour scheme', () => {
      assert.ok(html.includes('src/&lt;script&gt;alert(1)&lt;/script&gt;|x.ts'));
      assert.ok(!html.includes('alert(1)</script>'));
      assert.match(html, /@media \(prefers-color-scheme: dark\)/);
      assert.equal(escapeHtml(`"'&<>`), '&quot;&#39;&amp;&lt;&gt;');
    });

    it('draws coverage, findings and practice charts as inline SVG', () => {
      assert.equal(html.match(/<svg /g)?.length, 3);
      assert.equal(html.match(/<\/svg>/g)?.length, 3);
      // Coverage: "All files" + 3 files, each with its explained/needing label.
      assert.ok(html.includes('>2/5</text>'));
      assert.equal(html.match(/class="s-explained"><title>/g)?.length, 3);
      // Findings: inside and outside bars for each of 3 severities.
      assert.equal(html.match(/<rect [^>]*class="s-(inside|outside)"/g)?.length, 6);
      // Practice: one bar per day of the period and the goal line.
      assert.equal(html.match(/<rect [^>]*class="s-practice/g)?.length, 7);
      assert.match(html, /class="goal"><title>daily goal: 15 min<\/title>/);
      assert.ok(html.includes('<title>2026-03-03: 40 min</title>'));
    });

    it('marks tiles that need attention', () => {
      assert.match(html, /<div class="tile attention" data-key="secrets">/);
      assert.match(html, /<div class="tile" data-key="ai-share">/);
    });
  });
});
