import { secondsDuration } from '../practice/format';
import { formatCount, formatMinutes, formatPercent, formatRate, plural } from './format';
import type { Scorecard } from './scorecard';
import type { TeamStats } from './team';
import { NOTES_DIR } from '../workspace/layout';

/** One headline measure of the scorecard. */
export interface SummaryRow {
  /** Stable key for styling and tests. */
  key: 'ai-share' | 'coverage' | 'stale' | 'findings' | 'secrets' | 'practice' | 'diagnosis' | 'repositories' | 'bus-factor' | 'audit';
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
  const { aiShare, notes, findings, secrets, practice, team, repositories } = scorecard;
  const rows: SummaryRow[] = [];
  if (repositories) {
    rows.push({
      key: 'repositories',
      label: 'Repositories',
      value: formatCount(repositories.length),
      detail: 'merged reports: counts are summed, ratios weighted by their denominators',
      attention: false,
    });
  }
  rows.push(
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
      detail: `goal: zero; ${formatCount(secrets.insideAi)} inside AI blocks${secrets.baselined > 0 ? `; ${formatCount(secrets.baselined)} accepted by the baseline (still in the code)` : ''}`,
      attention: secrets.events > 0,
    },
  );
  if (team.criticalPaths.length > 0) {
    const atRisk = team.criticalPaths.filter((path) => path.atRisk).length;
    const withBlocks = team.criticalPaths.filter((path) => path.aiBlocks > 0);
    const lowest = withBlocks.reduce<(typeof withBlocks)[number] | undefined>((low, path) => (low === undefined || path.busFactor < low.busFactor ? path : low), undefined);
    rows.push({
      key: 'bus-factor',
      label: 'Critical paths at risk',
      value: `${formatCount(atRisk)} / ${formatCount(team.criticalPaths.length)}`,
      detail:
        (lowest ? `lowest bus factor ${formatCount(lowest.busFactor)} (${lowest.path}); ` : 'no AI blocks in critical paths; ') +
        `people with passing, current ${identitiesText(team)}`,
      attention: atRisk > 0,
    });
  }
  if (team.audit) {
    const { audit } = team;
    rows.push({
      key: 'audit',
      label: 'Review audit pass rate',
      value: formatPercent(audit.passRate),
      detail: `${formatCount(audit.passed)} of ${plural(audit.graded, 'graded note')} passed; ${formatCount(audit.ungraded.length)} not graded yet`,
      attention: audit.failed > 0,
    });
  }
  if (practice) {
    rows.push({
      key: 'practice',
      label: 'No-AI practice',
      value: formatMinutes(practice.totalMinutes),
      detail: `${plural(practice.activeDays, 'active day')}; streak ${plural(practice.streakDays, 'day')}; ${plural(practice.breaches, 'AI insertion')} during practice`,
      attention: practice.breaches > 0,
    });
    if (practice.drills && practice.drills.total > 0) {
      const drills = practice.drills;
      rows.push({
        key: 'diagnosis',
        label: 'Time to correct diagnosis',
        value: drills.medianDiagnosisSeconds === null ? 'n/a' : secondsDuration(drills.medianDiagnosisSeconds),
        detail: `median of ${plural(drills.solved, 'solved debugging drill')}; ${drills.solved} of ${drills.total} solved; ${plural(drills.hintsUsed, 'hint')} taken`,
        attention: drills.solved < drills.total,
      });
    }
  }
  return rows;
}

/** Whose understanding the bus factor counts, in words. */
export function identitiesText(team: TeamStats): string {
  return team.identities === 'note-authors-and-sign-offs' ? 'notes or sign-offs' : 'notes (note authors only: sign-offs are not counted)';
}

/** What each team figure measures, one sentence each, shared by every renderer. */
export function teamExplanations(team: TeamStats): { busFactor: string; audit: string; history: string; refused: string } {
  return {
    busFactor:
      `Bus factor: the distinct people (by email) with passing, current ${identitiesText(team)} on AI blocks under each critical path. ` +
      'A path with AI blocks that one person or nobody understands is at risk.',
    audit:
      'Review audit: notes picked at random by "comprehension report --audit N" and graded pass or fail by a reviewer, ' +
      'who judges what the checks cannot: whether the note is true and would help the next person.',
    history:
      `Notes over time, from git's history of ${NOTES_DIR}/ (commits only): note files created, revised (changed after they were added: ` +
      'answers rewritten or marked reviewed) and removed per month. Old versions are not re-assessed, so a revision does not say a refused note was fixed.',
    refused:
      'Refused notes: notes that exist but fail the checks now (draft), by problem; wrong-fact and missing-fact are answers that contradict or leave out what the tool reads from the code.',
  };
}
