import { drillSentence, formatCount, formatMinutes, formatPercent, plural } from './format';
import type { Scorecard } from './scorecard';
import { summaryRows, teamExplanations } from './summary';

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

  if (scorecard.repositories) out.push(...repositoriesMarkdown(scorecard.repositories));

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

  out.push(...teamMarkdown(scorecard));

  if (scorecard.practice) {
    out.push('## No-AI practice', '');
    const active = scorecard.practice.days.filter((day) => day.minutes > 0);
    if (active.length === 0) out.push('No practice sessions in this period.', '');
    else out.push(...table(['Day', 'Minutes'], active.map((day) => [escapeMarkdown(day.date), formatMinutes(day.minutes)])), '');
    if (scorecard.practice.drills) out.push(drillSentence(scorecard.practice.drills), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function repositoriesMarkdown(repositories: NonNullable<Scorecard['repositories']>): string[] {
  return [
    '## Repositories',
    '',
    ...table(
      ['Repository', 'Period', 'AI share', 'Note coverage', 'Stale', 'Findings inside AI', 'Secrets', 'Critical paths at risk', 'Audit pass rate'],
      repositories.map((row) => [
        escapeMarkdown(row.name),
        escapeMarkdown(`${row.period.from} to ${row.period.to}`),
        formatPercent(row.totalLines > 0 ? row.aiLines / row.totalLines : null),
        `${formatPercent(row.needingNotes > 0 ? row.explained / row.needingNotes : null)} (${formatCount(row.explained)}/${formatCount(row.needingNotes)})`,
        formatCount(row.stale),
        `${formatCount(row.findingsInsideAi)} / ${formatCount(row.findingsTotal)}`,
        formatCount(row.secrets),
        `${formatCount(row.criticalPathsAtRisk)} / ${formatCount(row.criticalPaths)}`,
        `${formatPercent(row.auditGraded > 0 ? row.auditPassed / row.auditGraded : null)} (${formatCount(row.auditPassed)}/${formatCount(row.auditGraded)})`,
      ]),
      ['left', 'left'],
    ),
    '',
  ];
}

/** Bus factor per critical path, the review audit, refused notes and the notes' history. */
function teamMarkdown(scorecard: Scorecard): string[] {
  const { team } = scorecard;
  const explain = teamExplanations(team);
  const out: string[] = ['## Bus factor per critical path', '', escapeMarkdown(explain.busFactor), ''];
  if (team.criticalPaths.length === 0) out.push('The policy names no critical paths (`criticalPaths`).', '');
  else {
    out.push(
      ...table(
        ['Critical path', 'AI blocks', 'Understood', 'Bus factor', 'People', 'At risk'],
        team.criticalPaths.map((path) => [
          escapeMarkdown(path.path),
          formatCount(path.aiBlocks),
          formatCount(path.understoodBlocks),
          `**${formatCount(path.busFactor)}**`,
          path.people.length > 0 ? escapeMarkdown(path.people.join(', ')) : '—',
          path.atRisk ? '⚠ yes' : path.aiBlocks === 0 ? 'no AI blocks' : 'no',
        ]),
        ['left', 'right', 'right', 'right', 'left', 'left'],
      ),
      '',
    );
  }

  out.push('## Review audit', '', escapeMarkdown(explain.audit), '');
  const { audit } = team;
  if (!audit) out.push('No audit files yet: run `comprehension report --audit 5` and grade the notes it picks.', '');
  else {
    out.push(
      `${plural(audit.picked, 'note')} picked in ${plural(audit.files, 'audit file')}: ${formatCount(audit.graded)} graded, ` +
        `${formatCount(audit.passed)} passed, ${formatCount(audit.failed)} failed (pass rate **${formatPercent(audit.passRate)}**), ${formatCount(audit.ungraded.length)} not graded yet.`,
      '',
    );
    if (audit.failures.length > 0) {
      out.push(
        ...table(
          ['Failed note (block)', 'Audit file', 'Reviewer', 'Comment'],
          audit.failures.map((failure) => [escapeMarkdown(failure.blockId), escapeMarkdown(failure.auditFile), escapeMarkdown(failure.gradedBy ?? '—'), escapeMarkdown(failure.comment)]),
          ['left', 'left', 'left', 'left'],
        ),
        '',
      );
    }
    if (audit.ungraded.length > 0) {
      out.push(...table(['Not graded yet (block)', 'Audit file'], audit.ungraded.map((entry) => [escapeMarkdown(entry.blockId), escapeMarkdown(entry.auditFile)]), ['left', 'left']), '');
    }
  }

  out.push('## Notes refused and revised over time', '', '### Refused now', '', escapeMarkdown(explain.refused), '');
  if (team.refusedNotes.total === 0) out.push('No note is refused now.', '');
  else {
    out.push(
      `${plural(team.refusedNotes.total, 'note')} refused now.`,
      '',
      ...table(['Problem', 'Notes'], team.refusedNotes.byProblem.map((problem) => [escapeMarkdown(problem.code), formatCount(problem.notes)])),
      '',
    );
  }
  out.push('### Notes over time', '', escapeMarkdown(explain.history), '');
  const history = team.noteHistory;
  if (!history) out.push('No git history: not a git repository, or no commits yet.', '');
  else if (history.months.length === 0) out.push('No note was committed in this period.', '');
  else {
    out.push(
      ...table(
        ['Month', 'Created', 'Revised', 'Removed'],
        [...history.months.map((month) => [escapeMarkdown(month.month), formatCount(month.created), formatCount(month.revised), formatCount(month.removed)]), ['**Total**', formatCount(history.created), formatCount(history.revised), formatCount(history.removed)]],
      ),
      '',
    );
  }
  return out;
}
