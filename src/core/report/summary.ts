import { formatCount, formatMinutes, formatPercent, formatRate, plural } from './format';
import type { Scorecard } from './scorecard';

/** One headline measure of the scorecard. */
export interface SummaryRow {
  /** Stable key for styling and tests. */
  key: 'ai-share' | 'coverage' | 'stale' | 'findings' | 'secrets' | 'practice';
  label: string;
  /** The headline figure. */
  value: string;
  /** What the figure is made of. */
  detail: string;
  /** True when the measure is off its goal (secrets above zero, stale notes, missing notes). */
  attention: boolean;
}

/** The headline measures, in the order every renderer shows them. */
export function summaryRows(scorecard: Scorecard): SummaryRow[] {
  const { aiShare, notes, findings, secrets, practice } = scorecard;
  const rows: SummaryRow[] = [
    {
      key: 'ai-share',
      label: 'AI share of changed lines',
      value: formatPercent(aiShare.ratio),
      detail: `${formatCount(aiShare.aiLines)} of ${formatCount(aiShare.totalLines)} changed lines`,
      attention: false,
    },
    {
      key: 'coverage',
      label: 'Comprehension-note coverage',
      value: formatPercent(notes.coverage),
      detail: `${formatCount(notes.explained)} of ${plural(notes.needingNotes, 'block')} needing notes explained; ${formatCount(notes.draft)} draft, ${formatCount(notes.missing)} missing`,
      attention: notes.needingNotes > notes.explained,
    },
    {
      key: 'stale',
      label: 'Stale notes',
      value: formatCount(notes.stale),
      detail: 'notes whose block changed since they were written or reviewed',
      attention: notes.stale > 0,
    },
    {
      key: 'findings',
      label: 'Findings inside AI blocks',
      value: `${formatCount(findings.insideAi)} / ${formatCount(findings.total)}`,
      detail:
        `${formatPercent(findings.insideAiShare)} of findings; ${formatCount(findings.outsideAi)} outside` +
        (findings.perThousandLines
          ? `; per 1,000 lines: ${formatRate(findings.perThousandLines.insideAi)} inside vs ${formatRate(findings.perThousandLines.outsideAi)} outside`
          : ''),
      attention: findings.insideAi > 0,
    },
    {
      key: 'secrets',
      label: 'Secrets exposure events',
      value: formatCount(secrets.events),
      detail: `goal: zero; ${formatCount(secrets.insideAi)} inside AI blocks`,
      attention: secrets.events > 0,
    },
  ];
  if (practice) {
    rows.push({
      key: 'practice',
      label: 'No-AI practice',
      value: formatMinutes(practice.totalMinutes),
      detail: `${plural(practice.activeDays, 'active day')}; streak ${plural(practice.streakDays, 'day')}; ${plural(practice.breaches, 'AI insertion')} during practice`,
      attention: practice.breaches > 0,
    });
  }
  return rows;
}
