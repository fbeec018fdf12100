import { drillFigures, type DrillFigures } from '../practice/history';
import type { Severity } from '../check/findings';
import type { NoteStatusKind } from '../notes/status';
import type { PolicyLevel } from '../policy/policy';
import type { BlockSource } from '../provenance/block';
import { type NoteHistoryMonth, type ReportAuditInput, type TeamBlockInput, type TeamStats, teamStats } from './team';

/** One AI block as the report sees it (with who understands it, for the team section). */
export interface ReportBlockInput extends TeamBlockInput {
  id: string;
  /** Lines the block spans. */
  lines: number;
  /** Whether the policy asks a note for it (from `noteRequirement(...).required`). */
  needsNote: boolean;
  noteStatus: NoteStatusKind;
  source?: BlockSource;
}

/** A file with AI blocks. */
export interface ReportFileInput {
  /** Workspace-relative POSIX path. */
  path: string;
  blocks: ReportBlockInput[];
  /** Total lines of the file; when every file has it, findings are also reported per 1,000 lines. */
  lineCount?: number;
  /** The policy's `criticalPaths` globs the file falls under (each glob with the policy's exclusions). */
  criticalPaths?: string[];
}

/** One policy finding. */
export interface ReportFindingInput {
  ruleId: string;
  severity: Severity;
  /** Whether the finding lies inside an AI block. */
  insideAiBlock: boolean;
  path?: string;
  /**
   * Accepted by the baseline: left out of every finding figure (as the gate leaves it out) except
   * secrets exposure, where a live secret counts whether or not anyone accepted it.
   */
  baselined?: boolean;
}

/** Practice minutes on one day. */
export interface PracticeDay {
  /** `YYYY-MM-DD`. */
  date: string;
  minutes: number;
}

/** No-AI practice figures, gathered by the caller from the practice log. */
export interface ReportPracticeInput {
  minutesPerDay: PracticeDay[];
  /** Current streak in days. */
  streakDays: number;
  /** AI insertions caught during practice sessions. */
  breaches: number;
  /** Minutes a day that count towards the streak (drawn as a line on the chart). */
  dailyGoalMinutes?: number;
  /** Debugging drills finished in the period (see core/drills). */
  drills?: PracticeDrill[];
}

/** One finished debugging drill, as the scorecard counts it. */
export interface PracticeDrill {
  outcome: 'solved' | 'given-up' | 'abandoned';
  /** Time to correct diagnosis in seconds; solved drills only. */
  diagnosisSeconds?: number;
  hintsUsed: number;
}

/** The scorecard's drill figures: the seeds' "time to correct diagnosis" and debugging practice outcomes. */
export type DrillStats = DrillFigures;

/** Everything the scorecard is computed from. The caller reads git, provenance and notes. */
export interface ReportInputs {
  title?: string;
  /** Reporting period, `YYYY-MM-DD` (or any ISO 8601 date) inclusive. */
  period: { from: string; to: string };
  /** ISO 8601; defaults to now. */
  generatedAt?: string;
  policyLevel?: PolicyLevel;
  files: ReportFileInput[];
  findings: ReportFindingInput[];
  /** Lines changed in the period, and how many of them were AI-written (from git and provenance). */
  changedLines: { total: number; ai: number };
  practice?: ReportPracticeInput;
  /** Which rules report secrets; default: ids starting with `secrets/`. */
  isSecretRule?: (ruleId: string) => boolean;
  /** The repository's name (its folder), kept in the JSON so `--merge` can name its rows. */
  repository?: string;
  /** The policy's `criticalPaths` globs: one bus-factor row each. */
  criticalPaths?: string[];
  /** Review audit files read from the workspace (see `audit.ts`). */
  audits?: ReportAuditInput[];
  /** Note files created, revised and removed per month (git's history of the notes folder); absent outside git. */
  noteHistory?: NoteHistoryMonth[];
  /** Whether `people` of the blocks counts reviewers' sign-offs as well as note authors. */
  signOffsCounted?: boolean;
}

/** Note figures for one file. */
export interface FileNoteStats {
  path: string;
  aiBlocks: number;
  aiLines: number;
  needingNotes: number;
  explained: number;
  draft: number;
  stale: number;
  missing: number;
}

/** Finding counts inside and outside AI blocks. */
export interface InsideOutside {
  insideAi: number;
  outsideAi: number;
}

/** One repository of a merged (organisation) report: its headline figures. */
export interface RepositoryRow {
  name: string;
  period: { from: string; to: string };
  aiLines: number;
  totalLines: number;
  needingNotes: number;
  explained: number;
  stale: number;
  findingsInsideAi: number;
  findingsTotal: number;
  secrets: number;
  criticalPaths: number;
  criticalPathsAtRisk: number;
  auditGraded: number;
  auditPassed: number;
}

/** The balanced scorecard (PRODUCT.md): ratios are 0..1, or null when their denominator is zero. */
export interface Scorecard {
  schemaVersion: 1;
  title: string;
  /** The repository's folder name (absent in a merged report and in reports from older versions). */
  repository?: string;
  period: { from: string; to: string };
  generatedAt: string;
  policyLevel?: PolicyLevel;
  aiShare: { aiLines: number; totalLines: number; ratio: number | null };
  notes: {
    aiBlocks: number;
    aiLines: number;
    needingNotes: number;
    explained: number;
    draft: number;
    stale: number;
    /** Blocks needing a note that have none. */
    missing: number;
    /** explained / needingNotes. */
    coverage: number | null;
    /** Files with blocks needing notes first, most needing first. */
    byFile: FileNoteStats[];
  };
  findings: InsideOutside & {
    total: number;
    /** insideAi / total. */
    insideAiShare: number | null;
    bySeverity: Record<'error' | 'warning' | 'info', InsideOutside>;
    /** Most frequent first. */
    byRule: (InsideOutside & { ruleId: string })[];
    /**
     * Findings per 1,000 lines inside and outside AI blocks; null unless every file has `lineCount`.
     * `otherLines` (lines outside AI blocks) lets a merged report weigh the rate of each repository.
     */
    perThousandLines: { insideAi: number | null; outsideAi: number | null; otherLines?: number } | null;
  };
  /** Secrets in the code now, baselined ones included (`baselined` says how many of `events` are). */
  secrets: { events: number; insideAi: number; baselined: number };
  practice: {
    totalMinutes: number;
    activeDays: number;
    averageMinutesPerActiveDay: number | null;
    streakDays: number;
    breaches: number;
    dailyGoalMinutes?: number;
    /**
     * When the period is a date range of at most a year: one entry per day of it (0 without practice),
     * and only those days count. Otherwise the days given, in order.
     */
    days: PracticeDay[];
    /** Debugging drills in the period, when drill results were given. */
    drills?: DrillStats;
  } | null;
  /** Oversight quality: bus factor per critical path, review audits, refused notes, note history. */
  team: TeamStats;
  /** In a merged report (`comprehension report --merge`): one row per repository, in the order given. */
  repositories?: RepositoryRow[];
}

/** A ratio of 0..1, or null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Finding counts by rule as rows, most frequent first (then by rule id, for a stable order). */
export function rulesByFrequency(byRule: ReadonlyMap<string, InsideOutside>): (InsideOutside & { ruleId: string })[] {
  return [...byRule.entries()]
    .map(([ruleId, counts]) => ({ ruleId, ...counts }))
    .sort((a, b) => b.insideAi + b.outsideAi - (a.insideAi + a.outsideAi) || a.ruleId.localeCompare(b.ruleId));
}

function assertCount(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

/**
 * Computes the balanced scorecard: AI share of changed lines, note coverage (explained blocks
 * among those needing notes), stale notes, findings inside vs outside AI blocks, secrets exposure
 * events and practice time. Findings with severity `off` are not counted.
 */
export function buildScorecard(inputs: ReportInputs): Scorecard {
  const { changedLines } = inputs;
  assertCount(changedLines.total, 'changedLines.total');
  assertCount(changedLines.ai, 'changedLines.ai');
  if (changedLines.ai > changedLines.total) {
    throw new RangeError(`changedLines.ai (${changedLines.ai}) exceeds changedLines.total (${changedLines.total})`);
  }

  const byFile: FileNoteStats[] = [];
  const notes = { aiBlocks: 0, aiLines: 0, needingNotes: 0, explained: 0, draft: 0, stale: 0, missing: 0 };
  for (const file of inputs.files) {
    const stats: FileNoteStats = { path: file.path, aiBlocks: 0, aiLines: 0, needingNotes: 0, explained: 0, draft: 0, stale: 0, missing: 0 };
    for (const block of file.blocks) {
      assertCount(block.lines, `lines of block ${block.id}`);
      stats.aiBlocks++;
      stats.aiLines += block.lines;
      if (!block.needsNote) continue;
      stats.needingNotes++;
      if (block.noteStatus === 'explained') stats.explained++;
      else if (block.noteStatus === 'draft') stats.draft++;
      else if (block.noteStatus === 'stale') stats.stale++;
      else stats.missing++;
    }
    for (const key of Object.keys(notes) as (keyof typeof notes)[]) notes[key] += stats[key];
    byFile.push(stats);
  }
  byFile.sort((a, b) => b.needingNotes - a.needingNotes || b.aiLines - a.aiLines || a.path.localeCompare(b.path));

  const isSecret = inputs.isSecretRule ?? ((ruleId: string) => ruleId.startsWith('secrets/'));
  const bySeverity: Record<'error' | 'warning' | 'info', InsideOutside> = {
    error: { insideAi: 0, outsideAi: 0 },
    warning: { insideAi: 0, outsideAi: 0 },
    info: { insideAi: 0, outsideAi: 0 },
  };
  const byRule = new Map<string, InsideOutside>();
  const secrets = { events: 0, insideAi: 0, baselined: 0 };
  let insideAi = 0;
  let outsideAi = 0;
  for (const finding of inputs.findings) {
    if (finding.severity === 'off') continue;
    if (isSecret(finding.ruleId)) {
      secrets.events++;
      if (finding.insideAiBlock) secrets.insideAi++;
      if (finding.baselined) secrets.baselined++;
    }
    if (finding.baselined) continue;
    const side: keyof InsideOutside = finding.insideAiBlock ? 'insideAi' : 'outsideAi';
    if (finding.insideAiBlock) insideAi++;
    else outsideAi++;
    bySeverity[finding.severity][side]++;
    const rule = byRule.get(finding.ruleId) ?? { insideAi: 0, outsideAi: 0 };
    rule[side]++;
    byRule.set(finding.ruleId, rule);
  }
  const total = insideAi + outsideAi;

  let perThousandLines: Scorecard['findings']['perThousandLines'] = null;
  if (inputs.files.length > 0 && inputs.files.every((file) => file.lineCount !== undefined)) {
    const allLines = inputs.files.reduce((sum, file) => sum + (file.lineCount ?? 0), 0);
    const humanLines = Math.max(0, allLines - notes.aiLines);
    perThousandLines = {
      insideAi: notes.aiLines > 0 ? (insideAi * 1000) / notes.aiLines : null,
      outsideAi: humanLines > 0 ? (outsideAi * 1000) / humanLines : null,
      otherLines: humanLines,
    };
  }

  return {
    schemaVersion: 1,
    title: inputs.title ?? 'Comprehension scorecard',
    ...(inputs.repository !== undefined ? { repository: inputs.repository } : {}),
    period: { from: inputs.period.from, to: inputs.period.to },
    generatedAt: inputs.generatedAt ?? new Date().toISOString(),
    ...(inputs.policyLevel !== undefined ? { policyLevel: inputs.policyLevel } : {}),
    aiShare: { aiLines: changedLines.ai, totalLines: changedLines.total, ratio: ratio(changedLines.ai, changedLines.total) },
    notes: { ...notes, coverage: ratio(notes.explained, notes.needingNotes), byFile },
    findings: {
      total,
      insideAi,
      outsideAi,
      insideAiShare: ratio(insideAi, total),
      bySeverity,
      byRule: rulesByFrequency(byRule),
      perThousandLines,
    },
    secrets,
    practice: inputs.practice ? practiceStats(inputs.practice, inputs.period) : null,
    team: teamStats({
      criticalPaths: inputs.criticalPaths ?? [],
      files: inputs.files,
      audits: inputs.audits ?? [],
      ...(inputs.noteHistory !== undefined ? { noteHistory: inputs.noteHistory } : {}),
      signOffsCounted: inputs.signOffsCounted ?? false,
    }),
  };
}

const DAY_MS = 86_400_000;
/** Longest period whose empty days are filled in: a year; longer periods list only days with practice. */
const MAX_FILLED_DAYS = 366;

function practiceStats(practice: ReportPracticeInput, period: { from: string; to: string }): NonNullable<Scorecard['practice']> {
  assertCount(practice.streakDays, 'practice.streakDays');
  assertCount(practice.breaches, 'practice.breaches');
  const minutesByDate = new Map<string, number>();
  for (const day of practice.minutesPerDay) {
    assertCount(day.minutes, `practice minutes on ${day.date}`);
    minutesByDate.set(day.date, (minutesByDate.get(day.date) ?? 0) + day.minutes);
  }
  const from = Date.parse(`${period.from.slice(0, 10)}T00:00:00Z`);
  const to = Date.parse(`${period.to.slice(0, 10)}T00:00:00Z`);
  let days: PracticeDay[];
  if (Number.isFinite(from) && Number.isFinite(to) && to >= from && (to - from) / DAY_MS < MAX_FILLED_DAYS) {
    days = [];
    for (let time = from; time <= to; time += DAY_MS) {
      const date = new Date(time).toISOString().slice(0, 10);
      days.push({ date, minutes: minutesByDate.get(date) ?? 0 });
    }
  } else {
    days = [...minutesByDate.entries()].map(([date, minutes]) => ({ date, minutes })).sort((a, b) => a.date.localeCompare(b.date));
  }
  const totalMinutes = days.reduce((sum, day) => sum + day.minutes, 0);
  const activeDays = days.filter((day) => day.minutes > 0).length;
  return {
    totalMinutes,
    activeDays,
    averageMinutesPerActiveDay: activeDays > 0 ? totalMinutes / activeDays : null,
    streakDays: practice.streakDays,
    breaches: practice.breaches,
    ...(practice.dailyGoalMinutes !== undefined ? { dailyGoalMinutes: practice.dailyGoalMinutes } : {}),
    days,
    ...(practice.drills !== undefined ? { drills: drillFigures(practice.drills) } : {}),
  };
}

/**
 * The scorecard of the report gatherer's inputs (`core/report/gather.ts`), as the CLI and the
 * editor both show it: files without AI blocks were given only for their length (findings per
 * 1,000 lines), so the per-file note table leaves them out.
 */
export function scorecardOf(inputs: ReportInputs): Scorecard {
  const scorecard = buildScorecard(inputs);
  scorecard.notes.byFile = scorecard.notes.byFile.filter((file) => file.aiBlocks > 0);
  return scorecard;
}
