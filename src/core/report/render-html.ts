import { drillSentence, formatCount, formatMinutes, formatPercent, plural } from './format';
import type { FileNoteStats, PracticeDay, Scorecard } from './scorecard';
import { summaryRows, teamExplanations } from './summary';

/** Escapes text for HTML element content and attribute values (both quote kinds). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

/** Files drawn in the coverage chart; the table below it lists them all. */
const MAX_CHART_FILES = 12;
/** Table rows before the rest are summarised. */
const MAX_TABLE_ROWS = 200;

const CHART_WIDTH = 720;

/**
 * The scorecard as ONE self-contained HTML file: inline CSS, inline SVG charts (note coverage,
 * findings inside vs outside AI blocks, daily practice), no scripts and no external assets; a
 * Content-Security-Policy forbids loading anything. In a VS Code webview it takes the theme's
 * colours (`--vscode-*` variables); standalone it follows the reader's light or dark scheme.
 */
export function renderHtml(scorecard: Scorecard): string {
  const level = scorecard.policyLevel !== undefined ? ` · policy level ${scorecard.policyLevel}` : '';
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(scorecard.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(scorecard.title)}</h1>`,
    `<p class="meta">${escapeHtml(scorecard.period.from)} to ${escapeHtml(scorecard.period.to)}${level} · generated ${escapeHtml(scorecard.generatedAt)}</p>`,
  );

  parts.push('<section class="tiles" aria-label="Summary">');
  for (const row of summaryRows(scorecard)) {
    parts.push(
      `<div class="tile${row.attention ? ' attention' : ''}" data-key="${row.key}">`,
      `<div class="label">${escapeHtml(row.label)}</div>`,
      `<div class="value">${escapeHtml(row.value)}</div>`,
      `<div class="detail">${escapeHtml(row.detail)}</div>`,
      '</div>',
    );
  }
  parts.push('</section>');

  if (scorecard.repositories) parts.push('<section>', '<h2>Repositories</h2>', repositoriesSection(scorecard.repositories), '</section>');
  parts.push('<section>', '<h2>Comprehension-note coverage</h2>', coverageSection(scorecard), '</section>');
  parts.push('<section>', '<h2>Findings inside and outside AI blocks</h2>', findingsSection(scorecard), '</section>');
  const explain = teamExplanations(scorecard.team);
  parts.push('<section>', '<h2>Bus factor per critical path</h2>', `<p class="explain">${escapeHtml(explain.busFactor)}</p>`, busFactorSection(scorecard.team), '</section>');
  parts.push('<section>', '<h2>Review audit</h2>', `<p class="explain">${escapeHtml(explain.audit)}</p>`, auditSection(scorecard.team), '</section>');
  parts.push(
    '<section>',
    '<h2>Notes refused and revised over time</h2>',
    '<h3>Refused now</h3>',
    `<p class="explain">${escapeHtml(explain.refused)}</p>`,
    refusedSection(scorecard.team),
    '<h3>Notes over time</h3>',
    `<p class="explain">${escapeHtml(explain.history)}</p>`,
    historySection(scorecard.team),
    '</section>',
  );
  if (scorecard.practice) {
    const drills = scorecard.practice.drills ? `<p class="drills">${escapeHtml(drillSentence(scorecard.practice.drills))}</p>` : '';
    parts.push('<section>', '<h2>No-AI practice</h2>', practiceSection(scorecard.practice), drills, '</section>');
  }

  parts.push('</main>', '</body>', '</html>', '');
  return parts.join('\n');
}

const NOTE_PARTS: readonly { key: 'explained' | 'draft' | 'stale' | 'missing'; label: string }[] = [
  { key: 'explained', label: 'Explained' },
  { key: 'draft', label: 'Draft' },
  { key: 'stale', label: 'Stale' },
  { key: 'missing', label: 'Missing' },
];

function legend(items: readonly { className: string; label: string }[]): string {
  return `<p class="legend">${items.map((item) => `<span><i class="sw ${item.className}"></i>${escapeHtml(item.label)}</span>`).join('')}</p>`;
}

/** Keeps the end of a long path, where the file name is. */
function shortenPath(path: string, max = 40): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}

function coverageSection(scorecard: Scorecard): string {
  const { notes } = scorecard;
  if (notes.needingNotes === 0) return '<p class="empty">No AI blocks need notes in this period.</p>';
  const total: FileNoteStats = { path: 'All files', ...notes };
  const files = notes.byFile.filter((file) => file.needingNotes > 0);
  const rows = [total, ...files.slice(0, MAX_CHART_FILES)];
  const rowHeight = 26;
  const labelWidth = 280;
  const valueWidth = 90;
  const barWidth = CHART_WIDTH - labelWidth - valueWidth;
  const height = rows.length * rowHeight + 4;
  const svg: string[] = [
    `<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Note coverage: ${escapeHtml(formatPercent(notes.coverage))} of blocks needing notes are explained">`,
  ];
  rows.forEach((row, index) => {
    const y = index * rowHeight + 2;
    const label = index === 0 ? row.path : shortenPath(row.path);
    svg.push(`<text x="0" y="${y + 16}" class="${index === 0 ? 'strong' : ''}"><title>${escapeHtml(row.path)}</title>${escapeHtml(label)}</text>`);
    let x = labelWidth;
    for (const part of NOTE_PARTS) {
      const count = row[part.key];
      if (count === 0) continue;
      const width = (count / row.needingNotes) * barWidth;
      svg.push(
        `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 8}" class="s-${part.key}"><title>${escapeHtml(`${row.path}: ${count} ${part.label.toLowerCase()}`)}</title></rect>`,
      );
      x += width;
    }
    svg.push(`<text x="${CHART_WIDTH - valueWidth + 8}" y="${y + 16}">${row.explained}/${row.needingNotes}</text>`);
  });
  svg.push('</svg>');
  const more = files.length > MAX_CHART_FILES ? `<p class="empty">${formatCount(files.length - MAX_CHART_FILES)} more files in the table below.</p>` : '';
  const tableRows = files.slice(0, MAX_TABLE_ROWS).map(
    (file) =>
      `<tr><td class="path">${escapeHtml(file.path)}</td><td>${file.needingNotes}</td><td>${file.explained}</td><td>${file.draft}</td><td>${file.stale}</td><td>${file.missing}</td><td>${escapeHtml(formatPercent(file.explained / file.needingNotes))}</td></tr>`,
  );
  const table =
    '<details><summary>Notes by file</summary><table><thead><tr><th>File</th><th>Needing notes</th><th>Explained</th><th>Draft</th><th>Stale</th><th>Missing</th><th>Coverage</th></tr></thead>' +
    `<tbody>${tableRows.join('')}</tbody></table></details>`;
  return legend(NOTE_PARTS.map((part) => ({ className: `s-${part.key}`, label: part.label }))) + svg.join('') + more + table;
}

function findingsSection(scorecard: Scorecard): string {
  const { findings } = scorecard;
  if (findings.total === 0) return '<p class="empty">No findings.</p>';
  const groups = (['error', 'warning', 'info'] as const).map((severity) => ({ label: severity, ...findings.bySeverity[severity] }));
  const max = Math.max(1, ...groups.map((group) => Math.max(group.insideAi, group.outsideAi)));
  const rowHeight = 20;
  const groupGap = 12;
  const labelWidth = 100;
  const valueWidth = 60;
  const barWidth = CHART_WIDTH - labelWidth - valueWidth;
  const height = groups.length * (2 * rowHeight + groupGap);
  const svg: string[] = [
    `<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Findings: ${findings.insideAi} inside AI blocks, ${findings.outsideAi} outside">`,
  ];
  groups.forEach((group, index) => {
    const y = index * (2 * rowHeight + groupGap);
    svg.push(`<text x="0" y="${y + rowHeight + 4}" class="strong">${escapeHtml(group.label)}</text>`);
    const bars = [
      { count: group.insideAi, className: 's-inside', text: 'inside AI blocks' },
      { count: group.outsideAi, className: 's-outside', text: 'outside AI blocks' },
    ];
    bars.forEach((bar, barIndex) => {
      const barY = y + barIndex * rowHeight;
      const width = (bar.count / max) * barWidth;
      svg.push(
        `<rect x="${labelWidth}" y="${barY + 2}" width="${width.toFixed(1)}" height="${rowHeight - 4}" class="${bar.className}"><title>${escapeHtml(`${group.label}: ${bar.count} ${bar.text}`)}</title></rect>`,
        `<text x="${(labelWidth + width + 6).toFixed(1)}" y="${barY + 14}">${bar.count}</text>`,
      );
    });
  });
  svg.push('</svg>');
  const tableRows = findings.byRule
    .slice(0, MAX_TABLE_ROWS)
    .map((rule) => `<tr><td class="path">${escapeHtml(rule.ruleId)}</td><td>${rule.insideAi}</td><td>${rule.outsideAi}</td></tr>`);
  const table =
    '<details><summary>Findings by rule</summary><table><thead><tr><th>Rule</th><th>Inside AI blocks</th><th>Outside</th></tr></thead>' +
    `<tbody>${tableRows.join('')}</tbody></table></details>`;
  return (
    legend([
      { className: 's-inside', label: 'Inside AI blocks' },
      { className: 's-outside', label: 'Outside AI blocks' },
    ]) +
    svg.join('') +
    table
  );
}

function practiceSection(practice: NonNullable<Scorecard['practice']>): string {
  const days: PracticeDay[] = practice.days;
  if (days.length === 0) return '<p class="empty">No practice sessions in this period.</p>';
  const goal = practice.dailyGoalMinutes;
  const max = Math.max(1, goal ?? 0, ...days.map((day) => day.minutes));
  const top = 14;
  const plotHeight = 120;
  const bottom = 20;
  const left = 36;
  const plotWidth = CHART_WIDTH - left;
  const slot = plotWidth / days.length;
  const barWidth = Math.max(1, slot * 0.75);
  const y = (minutes: number): number => top + plotHeight - (minutes / max) * plotHeight;
  const svg: string[] = [
    `<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${top + plotHeight + bottom}" role="img" aria-label="Practice minutes per day: ${practice.totalMinutes} minutes in total">`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${CHART_WIDTH}" y2="${top + plotHeight}" class="axis"/>`,
    `<text x="0" y="${top + 4}">${Math.round(max)}</text>`,
    `<text x="0" y="${top + plotHeight}">0</text>`,
  ];
  days.forEach((day, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    const barTop = y(day.minutes);
    svg.push(
      `<rect x="${x.toFixed(1)}" y="${barTop.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - barTop).toFixed(1)}" class="s-practice${goal !== undefined && day.minutes >= goal ? ' met' : ''}"><title>${escapeHtml(`${day.date}: ${formatMinutes(day.minutes)}`)}</title></rect>`,
    );
  });
  if (goal !== undefined && goal > 0) {
    svg.push(`<line x1="${left}" y1="${y(goal).toFixed(1)}" x2="${CHART_WIDTH}" y2="${y(goal).toFixed(1)}" class="goal"><title>${escapeHtml(`daily goal: ${goal} min`)}</title></line>`);
  }
  svg.push(`<text x="${left}" y="${top + plotHeight + 16}">${escapeHtml(days[0].date)}</text>`);
  if (days.length > 1) {
    svg.push(`<text x="${CHART_WIDTH}" y="${top + plotHeight + 16}" text-anchor="end">${escapeHtml(days[days.length - 1].date)}</text>`);
  }
  svg.push('</svg>');
  const items = [{ className: 's-practice', label: 'Minutes practised' }];
  if (goal !== undefined && goal > 0) items.push({ className: 's-goal', label: `Daily goal (${goal} min) and days that met it` });
  return legend(items) + svg.join('');
}

function repositoriesSection(repositories: NonNullable<Scorecard['repositories']>): string {
  const ratio = (part: number, whole: number): string => escapeHtml(formatPercent(whole > 0 ? part / whole : null));
  const rows = repositories.map(
    (row) =>
      `<tr><td class="nowrap">${escapeHtml(row.name)}</td><td class="text nowrap">${escapeHtml(`${row.period.from} – ${row.period.to}`)}</td><td>${ratio(row.aiLines, row.totalLines)}</td>` +
      `<td>${ratio(row.explained, row.needingNotes)} <span class="muted">(${row.explained}/${row.needingNotes})</span></td><td>${row.stale}</td>` +
      `<td>${row.findingsInsideAi} / ${row.findingsTotal}</td><td${row.secrets > 0 ? ' class="bad"' : ''}>${row.secrets}</td>` +
      `<td${row.criticalPathsAtRisk > 0 ? ' class="bad"' : ''}>${row.criticalPathsAtRisk} / ${row.criticalPaths}</td><td>${ratio(row.auditPassed, row.auditGraded)} <span class="muted">(${row.auditPassed}/${row.auditGraded})</span></td></tr>`,
  );
  return (
    '<table><thead><tr><th>Repository</th><th class="text">Period</th><th>AI share</th><th>Note coverage</th><th>Stale</th><th>Findings inside AI</th><th>Secrets</th><th>Critical paths at risk</th><th>Audit pass rate</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** Below this many people a critical path is at risk: the line drawn on the chart. */
const SAFE_BUS_FACTOR = 2;

function busFactorSection(team: Scorecard['team']): string {
  if (team.criticalPaths.length === 0) return '<p class="empty">The policy names no critical paths (criticalPaths).</p>';
  const rows = team.criticalPaths.slice(0, MAX_CHART_FILES);
  const rowHeight = 26;
  const labelWidth = 280;
  const valueWidth = 120;
  const barWidth = CHART_WIDTH - labelWidth - valueWidth;
  const max = Math.max(SAFE_BUS_FACTOR + 1, ...rows.map((row) => row.busFactor));
  const height = rows.length * rowHeight + 4;
  const threshold = labelWidth + (SAFE_BUS_FACTOR / max) * barWidth;
  const svg: string[] = [`<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Bus factor per critical path">`];
  rows.forEach((row, index) => {
    const y = index * rowHeight + 2;
    svg.push(`<text x="0" y="${y + 16}"><title>${escapeHtml(row.path)}</title>${escapeHtml(shortenPath(row.path))}</text>`);
    const width = (row.busFactor / max) * barWidth;
    const who = row.people.length > 0 ? row.people.join(', ') : 'nobody';
    if (row.busFactor > 0) {
      svg.push(
        `<rect x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 8}" class="${row.atRisk ? 's-missing' : 's-explained'}"><title>${escapeHtml(`${row.path}: ${who}`)}</title></rect>`,
      );
    }
    const value = row.aiBlocks === 0 ? 'no AI blocks' : `${plural(row.busFactor, 'person', 'people')}${row.atRisk ? ' ⚠' : ''}`;
    svg.push(`<text x="${CHART_WIDTH - valueWidth + 8}" y="${y + 16}" class="${row.atRisk ? 'risk' : ''}">${escapeHtml(value)}</text>`);
  });
  svg.push(`<line x1="${threshold.toFixed(1)}" y1="0" x2="${threshold.toFixed(1)}" y2="${height}" class="goal"><title>${SAFE_BUS_FACTOR} people: below this a path is at risk</title></line>`);
  svg.push('</svg>');
  const tableRows = team.criticalPaths.slice(0, MAX_TABLE_ROWS).map(
    (row) =>
      `<tr${row.atRisk ? ' class="bad"' : ''}><td class="path">${escapeHtml(row.path)}</td><td>${row.aiBlocks}</td><td>${row.understoodBlocks}</td><td>${row.busFactor}</td><td class="text">${escapeHtml(row.people.join(', ') || '—')}</td></tr>`,
  );
  const table =
    '<table><thead><tr><th>Critical path</th><th>AI blocks</th><th>Understood</th><th>Bus factor</th><th class="text">People</th></tr></thead>' + `<tbody>${tableRows.join('')}</tbody></table>`;
  return (
    legend([
      { className: 's-explained', label: `${SAFE_BUS_FACTOR} or more people` },
      { className: 's-missing', label: 'At risk: one person or nobody' },
    ]) +
    svg.join('') +
    table
  );
}

function auditSection(team: Scorecard['team']): string {
  const { audit } = team;
  if (!audit) return '<p class="empty">No audit files yet: run comprehension report --audit 5 and grade the notes it picks.</p>';
  const parts = [
    { count: audit.passed, className: 's-explained', label: 'Passed' },
    { count: audit.failed, className: 's-missing', label: 'Failed' },
    { count: audit.ungraded.length, className: 's-outside', label: 'Not graded yet' },
  ];
  const total = Math.max(1, audit.picked);
  const svg: string[] = [`<svg class="chart" viewBox="0 0 ${CHART_WIDTH} 30" role="img" aria-label="Audit: ${audit.passed} passed, ${audit.failed} failed, ${audit.ungraded.length} not graded">`];
  let x = 0;
  for (const part of parts) {
    if (part.count === 0) continue;
    const width = (part.count / total) * CHART_WIDTH;
    svg.push(`<rect x="${x.toFixed(1)}" y="4" width="${width.toFixed(1)}" height="22" class="${part.className}"><title>${escapeHtml(`${part.count} ${part.label.toLowerCase()}`)}</title></rect>`);
    x += width;
  }
  svg.push('</svg>');
  const summary =
    `<p>${escapeHtml(`${plural(audit.picked, 'note')} picked in ${plural(audit.files, 'audit file')}: ${formatCount(audit.graded)} graded, pass rate `)}` +
    `<strong>${escapeHtml(formatPercent(audit.passRate))}</strong>.</p>`;
  const failures = audit.failures.length === 0
    ? ''
    : '<table><thead><tr><th>Failed note</th><th class="text">Audit file</th><th class="text">Reviewer</th><th class="text">Comment</th></tr></thead><tbody>' +
      audit.failures
        .slice(0, MAX_TABLE_ROWS)
        .map((failure) => `<tr><td class="path">${escapeHtml(failure.blockId)}</td><td class="path text">${escapeHtml(failure.auditFile)}</td><td class="text">${escapeHtml(failure.gradedBy ?? '—')}</td><td class="text">${escapeHtml(failure.comment)}</td></tr>`)
        .join('') +
      '</tbody></table>';
  const ungraded = audit.ungraded.length === 0
    ? ''
    : '<details open><summary>Not graded yet</summary><table><thead><tr><th>Block</th><th class="text">Audit file</th></tr></thead><tbody>' +
      audit.ungraded.slice(0, MAX_TABLE_ROWS).map((entry) => `<tr><td class="path">${escapeHtml(entry.blockId)}</td><td class="path text">${escapeHtml(entry.auditFile)}</td></tr>`).join('') +
      '</tbody></table></details>';
  return legend(parts.map((part) => ({ className: part.className, label: part.label }))) + svg.join('') + summary + failures + ungraded;
}

function refusedSection(team: Scorecard['team']): string {
  const { refusedNotes } = team;
  if (refusedNotes.total === 0) return '<p class="empty">No note is refused now.</p>';
  const rows = refusedNotes.byProblem.map((problem) => `<tr><td class="path">${escapeHtml(problem.code)}</td><td>${problem.notes}</td></tr>`);
  return `<p>${escapeHtml(`${plural(refusedNotes.total, 'note')} refused now.`)}</p><table><thead><tr><th>Problem</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const HISTORY_PARTS: readonly { key: 'created' | 'revised' | 'removed'; label: string; className: string }[] = [
  { key: 'created', label: 'Created', className: 's-inside' },
  { key: 'revised', label: 'Revised', className: 's-draft' },
  { key: 'removed', label: 'Removed', className: 's-outside' },
];

function historySection(team: Scorecard['team']): string {
  const history = team.noteHistory;
  if (!history) return '<p class="empty">No git history: not a git repository, or no commits yet.</p>';
  if (history.months.length === 0) return '<p class="empty">No note was committed in this period.</p>';
  const months = history.months.slice(-24);
  const top = 14;
  const plotHeight = 100;
  const bottom = 20;
  const left = 36;
  const slot = (CHART_WIDTH - left) / months.length;
  const barWidth = Math.max(2, Math.min(24, (slot * 0.8) / HISTORY_PARTS.length));
  const max = Math.max(1, ...months.flatMap((month) => HISTORY_PARTS.map((part) => month[part.key])));
  const svg: string[] = [
    `<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${top + plotHeight + bottom}" role="img" aria-label="Note files created, revised and removed per month">`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${CHART_WIDTH}" y2="${top + plotHeight}" class="axis"/>`,
    `<text x="0" y="${top + 4}">${max}</text>`,
    `<text x="0" y="${top + plotHeight}">0</text>`,
  ];
  months.forEach((month, index) => {
    const groupX = left + index * slot + (slot - barWidth * HISTORY_PARTS.length) / 2;
    HISTORY_PARTS.forEach((part, partIndex) => {
      const count = month[part.key];
      const height = (count / max) * plotHeight;
      svg.push(
        `<rect x="${(groupX + partIndex * barWidth).toFixed(1)}" y="${(top + plotHeight - height).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${height.toFixed(1)}" class="${part.className}"><title>${escapeHtml(`${month.month}: ${count} ${part.label.toLowerCase()}`)}</title></rect>`,
      );
    });
    svg.push(`<text x="${(left + index * slot + slot / 2).toFixed(1)}" y="${top + plotHeight + 16}" text-anchor="middle">${escapeHtml(month.month)}</text>`);
  });
  svg.push('</svg>');
  const rows = history.months.map((month) => `<tr><td>${escapeHtml(month.month)}</td><td>${month.created}</td><td>${month.revised}</td><td>${month.removed}</td></tr>`);
  rows.push(`<tr class="total"><td>Total</td><td>${history.created}</td><td>${history.revised}</td><td>${history.removed}</td></tr>`);
  const table = `<details><summary>Notes by month</summary><table><thead><tr><th>Month</th><th>Created</th><th>Revised</th><th>Removed</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
  return legend(HISTORY_PARTS.map((part) => ({ className: part.className, label: part.label }))) + svg.join('') + table;
}

/**
 * The report's colours. In a VS Code webview every one comes from the active theme (the webview
 * defines `--vscode-*` on the root element); standalone (the CLI's file in a browser) the fallbacks
 * apply, light or dark after the reader's `prefers-color-scheme`.
 */
const THEME_VARIABLES: Readonly<Record<string, string>> = {
  bg: 'editor-background',
  fg: 'editor-foreground',
  muted: 'descriptionForeground',
  card: 'editorWidget-background',
  border: 'widget-border, var(--vscode-panel-border',
  explained: 'charts-green',
  draft: 'charts-yellow',
  stale: 'charts-purple',
  missing: 'charts-red',
  inside: 'charts-blue',
  outside: 'charts-lines',
  practice: 'charts-blue',
  met: 'charts-green',
  attention: 'errorForeground',
};

const LIGHT: Readonly<Record<string, string>> = {
  bg: '#ffffff', fg: '#1f2328', muted: '#59636e', card: '#f6f8fa', border: '#d1d9e0', explained: '#1a7f37', draft: '#bf8700',
  stale: '#8250df', missing: '#cf222e', inside: '#0969da', outside: '#8c959f', practice: '#0969da', met: '#1a7f37', attention: '#cf222e',
};

const DARK: Readonly<Record<string, string>> = {
  bg: '#0d1117', fg: '#e6edf3', muted: '#9198a1', card: '#151b23', border: '#3d444d', explained: '#3fb950', draft: '#d29922',
  stale: '#ab7df8', missing: '#f85149', inside: '#4493f8', outside: '#656c76', practice: '#4493f8', met: '#3fb950', attention: '#f85149',
};

/** `--name: var(--vscode-…, fallback)` for every colour of the report. */
function palette(fallbacks: Readonly<Record<string, string>>): string {
  return Object.entries(THEME_VARIABLES)
    .map(([name, variable]) => {
      // A variable with a nested fallback variable ("a, var(--b") closes both parentheses.
      const closing = variable.includes('var(') ? '))' : ')';
      return `--${name}:var(--vscode-${variable}, ${fallbacks[name]}${closing}`;
    })
    .join(';');
}

const STYLE = `
:root{${palette(LIGHT)}}
@media (prefers-color-scheme: dark){:root{${palette(DARK)}}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font-family:var(--vscode-font-family,system-ui,-apple-system,"Segoe UI",sans-serif);font-size:14px;line-height:1.5}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:32px 0 8px}
h3{font-size:15px;margin:20px 0 6px}
.meta,.empty,.legend,.explain,.muted{color:var(--muted)}
.explain{font-size:13px;margin:0 0 8px}
.bad td:first-child,td.bad,.chart text.risk{color:var(--attention);fill:var(--attention);font-weight:600}
tr.total td{font-weight:600}
th.text,td.text{text-align:left}
.nowrap{white-space:nowrap}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin-top:16px}
.tile{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:12px}
.tile.attention{border-color:var(--attention)}
.tile .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.tile .value{font-size:26px;font-weight:600}
.tile .detail{color:var(--muted);font-size:12px}
.chart{width:100%;height:auto;display:block}
.chart text{fill:var(--muted);font-size:12px}
.chart text.strong{fill:var(--fg);font-weight:600}
.axis{stroke:var(--border)}
.goal{stroke:var(--met);stroke-dasharray:4 3;stroke-width:1.5}
.legend span{margin-right:16px;white-space:nowrap}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:baseline}
.s-explained{fill:var(--explained);background:var(--explained)}
.s-draft{fill:var(--draft);background:var(--draft)}
.s-stale{fill:var(--stale);background:var(--stale)}
.s-missing{fill:var(--missing);background:var(--missing)}
.s-inside{fill:var(--inside);background:var(--inside)}
.s-outside{fill:var(--outside);background:var(--outside)}
.s-practice{fill:var(--practice);background:var(--practice)}
.s-practice.met{fill:var(--met)}
.s-goal{background:var(--met)}
details{margin-top:12px}
table{border-collapse:collapse;width:100%;margin-top:8px}
th,td{border-bottom:1px solid var(--border);padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
td.path{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;word-break:break-all}
`.trim();
