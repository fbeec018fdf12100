import { formatCount, formatMinutes, formatPercent } from './format';
import type { Scorecard } from './scorecard';
import { summaryRows } from './summary';

/** Rows shown per table before the rest are summarised in one line. */
const MAX_TABLE_ROWS = 50;

/**
 * Text for a Markdown table cell or paragraph: Markdown and HTML syntax are escaped, so a file named
 * `<script>` or `a|b` shows as written and cannot break the table or inject markup.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]#|~]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n|\r/g, ' ');
}

/** A table whose first column is left-aligned and the rest right-aligned (numbers), unless `align` says otherwise. */
function table(header: string[], rows: string[][], align: readonly ('left' | 'right')[] = []): string[] {
  const rule = header.map((_, index) => ((align[index] ?? (index === 0 ? 'left' : 'right')) === 'left' ? ' --- ' : ' ---: '));
  const lines = [`| ${header.join(' | ')} |`, `|${rule.join('|')}|`];
  for (const row of rows.slice(0, MAX_TABLE_ROWS)) lines.push(`| ${row.join(' | ')} |`);
  if (rows.length > MAX_TABLE_ROWS) lines.push('', `…and ${formatCount(rows.length - MAX_TABLE_ROWS)} more (see the JSON report).`);
  return lines;
}

/** The scorecard as GitHub-flavoured Markdown: a summary table, then notes by file, findings by rule, practice. */
export function renderMarkdown(scorecard: Scorecard): string {
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(scorecard.title)}`, '');
  const level = scorecard.policyLevel !== undefined ? ` · policy level ${scorecard.policyLevel}` : '';
  out.push(`${escapeMarkdown(scorecard.period.from)} to ${escapeMarkdown(scorecard.period.to)}${level} · generated ${escapeMarkdown(scorecard.generatedAt)}`, '');

  out.push(...table(['Measure', 'Value', 'Detail'], summaryRows(scorecard).map((row) => [escapeMarkdown(row.label), `**${escapeMarkdown(row.value)}**`, escapeMarkdown(row.detail)]), ['left', 'right', 'left']), '');

  const files = scorecard.notes.byFile.filter((file) => file.needingNotes > 0);
  out.push('## Comprehension notes by file', '');
  if (files.length === 0) out.push('No AI blocks need notes in this period.', '');
  else {
    out.push(
      ...table(
        ['File', 'Needing notes', 'Explained', 'Draft', 'Stale', 'Missing', 'Coverage'],
        files.map((file) => [
          escapeMarkdown(file.path),
          formatCount(file.needingNotes),
          formatCount(file.explained),
          formatCount(file.draft),
          formatCount(file.stale),
          formatCount(file.missing),
          formatPercent(file.needingNotes > 0 ? file.explained / file.needingNotes : null),
        ]),
      ),
      '',
    );
  }

  out.push('## Findings inside and outside AI blocks', '');
  if (scorecard.findings.total === 0) out.push('No findings.', '');
  else {
    const severity = scorecard.findings.bySeverity;
    out.push(
      ...table(
        ['Severity', 'Inside AI blocks', 'Outside'],
        (['error', 'warning', 'info'] as const).map((name) => [name, formatCount(severity[name].insideAi), formatCount(severity[name].outsideAi)]),
      ),
      '',
      ...table(
        ['Rule', 'Inside AI blocks', 'Outside'],
        scorecard.findings.byRule.map((rule) => [escapeMarkdown(rule.ruleId), formatCount(rule.insideAi), formatCount(rule.outsideAi)]),
      ),
      '',
    );
  }

  if (scorecard.practice) {
    out.push('## No-AI practice', '');
    const active = scorecard.practice.days.filter((day) => day.minutes > 0);
    if (active.length === 0) out.push('No practice sessions in this period.', '');
    else out.push(...table(['Day', 'Minutes'], active.map((day) => [escapeMarkdown(day.date), formatMinutes(day.minutes)])), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
