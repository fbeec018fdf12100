/**
 * The organisation view: JSON scorecards of many repositories (`comprehension report --format json`)
 * merged into one scorecard, rendered by the same renderers. Counts are summed; every ratio is
 * computed again from the summed parts, so a big repository weighs more than a small one (an
 * average of ratios would not). Per-file, per-rule and per-path rows keep the repository's name.
 */
import { type InsideOutside, type RepositoryRow, ratio, rulesByFrequency, type Scorecard } from './scorecard';
import { emptyTeamStats, type TeamStats } from './team';

/** One report to merge: the parsed JSON and a name for error messages and rows (its file). */
export interface MergeSource {
  /** The file name, as given on the command line. */
  file: string;
  json: unknown;
}

/** A file that is not a scorecard: the message names the file and what is wrong. */
export class NotAReportError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file} is not a comprehension report (the output of 'comprehension report --format json'): ${reason}`);
    this.name = 'NotAReportError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `json` has the shape of a {@link Scorecard} (the fields merging reads) and returns it
 * typed; throws {@link NotAReportError} naming the first field that is wrong. Reports from before
 * the team figures (no `team`) are accepted: they merge with an empty team section.
 */
export function validateReport(file: string, json: unknown): Scorecard {
  const fail = (reason: string): never => {
    throw new NotAReportError(file, reason);
  };
  if (!isObject(json)) return fail('it is not a JSON object');
  if (json.schemaVersion !== 1) return fail(`schemaVersion must be 1, not ${JSON.stringify(json.schemaVersion ?? null)}`);
  const count = (value: unknown, where: string): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${where} must be a number >= 0`);
  };
  const object = (value: unknown, where: string): Json => (isObject(value) ? value : fail(`${where} must be an object`));
  const list = (value: unknown, where: string): unknown[] => (Array.isArray(value) ? value : fail(`${where} must be a list`));
  if (typeof json.title !== 'string') fail('title must be a text');
  const period = object(json.period, 'period');
  if (typeof period.from !== 'string' || typeof period.to !== 'string') fail('period.from and period.to must be dates');
  const aiShare = object(json.aiShare, 'aiShare');
  for (const key of ['aiLines', 'totalLines']) count(aiShare[key], `aiShare.${key}`);
  const notes = object(json.notes, 'notes');
  for (const key of ['aiBlocks', 'aiLines', 'needingNotes', 'explained', 'draft', 'stale', 'missing']) count(notes[key], `notes.${key}`);
  list(notes.byFile, 'notes.byFile').forEach((file, index) => {
    const row = object(file, `notes.byFile[${index}]`);
    if (typeof row.path !== 'string') fail(`notes.byFile[${index}].path must be a text`);
    for (const key of ['aiBlocks', 'aiLines', 'needingNotes', 'explained', 'draft', 'stale', 'missing']) count(row[key], `notes.byFile[${index}].${key}`);
  });
  const findings = object(json.findings, 'findings');
  for (const key of ['total', 'insideAi', 'outsideAi']) count(findings[key], `findings.${key}`);
  const bySeverity = object(findings.bySeverity, 'findings.bySeverity');
  for (const severity of ['error', 'warning', 'info']) {
    const side = object(bySeverity[severity], `findings.bySeverity.${severity}`);
    count(side.insideAi, `findings.bySeverity.${severity}.insideAi`);
    count(side.outsideAi, `findings.bySeverity.${severity}.outsideAi`);
  }
  list(findings.byRule, 'findings.byRule').forEach((rule, index) => {
    const row = object(rule, `findings.byRule[${index}]`);
    if (typeof row.ruleId !== 'string') fail(`findings.byRule[${index}].ruleId must be a text`);
    count(row.insideAi, `findings.byRule[${index}].insideAi`);
    count(row.outsideAi, `findings.byRule[${index}].outsideAi`);
  });
  const secrets = object(json.secrets, 'secrets');
  count(secrets.events, 'secrets.events');
  count(secrets.insideAi, 'secrets.insideAi');
  if (json.repositories !== undefined) fail('it is already a merged report; merge the repositories\' own reports');
  if (json.team !== undefined) validateTeam(object(json.team, 'team'), fail, count, list, object);
  return json as unknown as Scorecard;
}

function validateTeam(
  team: Json,
  fail: (reason: string) => never,
  count: (value: unknown, where: string) => void,
  list: (value: unknown, where: string) => unknown[],
  object: (value: unknown, where: string) => Json,
): void {
  list(team.criticalPaths, 'team.criticalPaths').forEach((path, index) => {
    const row = object(path, `team.criticalPaths[${index}]`);
    if (typeof row.path !== 'string') fail(`team.criticalPaths[${index}].path must be a text`);
    for (const key of ['aiBlocks', 'understoodBlocks', 'busFactor']) count(row[key], `team.criticalPaths[${index}].${key}`);
    if (!list(row.people, `team.criticalPaths[${index}].people`).every((person) => typeof person === 'string')) fail(`team.criticalPaths[${index}].people must be texts`);
  });
  if (team.audit !== null) {
    const audit = object(team.audit, 'team.audit');
    for (const key of ['files', 'picked', 'graded', 'passed', 'failed']) count(audit[key], `team.audit.${key}`);
    list(audit.ungraded, 'team.audit.ungraded');
    list(audit.failures, 'team.audit.failures');
  }
  const refused = object(team.refusedNotes, 'team.refusedNotes');
  count(refused.total, 'team.refusedNotes.total');
  list(refused.byProblem, 'team.refusedNotes.byProblem');
  if (team.noteHistory !== null) list(object(team.noteHistory, 'team.noteHistory').months, 'team.noteHistory.months');
}

/** Names of the reports' rows: the repository's name, else the file's; repeated names get `#2`, `#3`. */
function repositoryNames(reports: readonly { file: string; card: Scorecard }[]): string[] {
  const used = new Map<string, number>();
  return reports.map(({ file, card }) => {
    const base = card.repository ?? file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
    const seen = (used.get(base) ?? 0) + 1;
    used.set(base, seen);
    return seen === 1 ? base : `${base}#${seen}`;
  });
}

/**
 * Merges scorecards into one organisation scorecard with a row per repository. Practice figures are
 * a person's, not a repository's: the merged report has none. The policy level is kept only when
 * every report has the same.
 */
export function mergeReports(sources: readonly MergeSource[], options: { now?: Date; title?: string } = {}): Scorecard {
  if (sources.length === 0) throw new Error('nothing to merge: name the JSON reports of the repositories');
  const reports = sources.map((source) => ({ file: source.file, card: validateReport(source.file, source.json) }));
  const names = repositoryNames(reports);
  const sum = (pick: (card: Scorecard) => number): number => reports.reduce((total, { card }) => total + pick(card), 0);

  const notes = {
    aiBlocks: sum((card) => card.notes.aiBlocks),
    aiLines: sum((card) => card.notes.aiLines),
    needingNotes: sum((card) => card.notes.needingNotes),
    explained: sum((card) => card.notes.explained),
    draft: sum((card) => card.notes.draft),
    stale: sum((card) => card.notes.stale),
    missing: sum((card) => card.notes.missing),
  };
  const byFile = reports
    .flatMap(({ card }, index) => card.notes.byFile.map((file) => ({ ...file, path: `${names[index]}/${file.path}` })))
    .sort((a, b) => b.needingNotes - a.needingNotes || b.aiLines - a.aiLines || a.path.localeCompare(b.path));

  const bySeverity = {} as Scorecard['findings']['bySeverity'];
  for (const severity of ['error', 'warning', 'info'] as const) {
    bySeverity[severity] = { insideAi: sum((card) => card.findings.bySeverity[severity].insideAi), outsideAi: sum((card) => card.findings.bySeverity[severity].outsideAi) };
  }
  const byRule = new Map<string, InsideOutside>();
  for (const { card } of reports) {
    for (const rule of card.findings.byRule) {
      const counts = byRule.get(rule.ruleId) ?? { insideAi: 0, outsideAi: 0 };
      counts.insideAi += rule.insideAi;
      counts.outsideAi += rule.outsideAi;
      byRule.set(rule.ruleId, counts);
    }
  }
  const insideAi = sum((card) => card.findings.insideAi);
  const outsideAi = sum((card) => card.findings.outsideAi);
  // A weighted rate needs every report's line counts; older reports lack the lines outside AI blocks.
  const otherLines = reports.every(({ card }) => card.findings.perThousandLines?.otherLines !== undefined)
    ? sum((card) => card.findings.perThousandLines?.otherLines ?? 0)
    : undefined;
  const perThousandLines =
    otherLines === undefined
      ? null
      : { insideAi: notes.aiLines > 0 ? (insideAi * 1000) / notes.aiLines : null, outsideAi: otherLines > 0 ? (outsideAi * 1000) / otherLines : null, otherLines };

  const teams = reports.map(({ card }) => card.team ?? emptyTeamStats());
  const team = mergeTeams(teams, names);
  const levels = new Set(reports.map(({ card }) => card.policyLevel));
  const level = levels.size === 1 ? [...levels][0] : undefined;
  const aiLines = sum((card) => card.aiShare.aiLines);
  const totalLines = sum((card) => card.aiShare.totalLines);

  const repositories: RepositoryRow[] = reports.map(({ card }, index) => ({
    name: names[index],
    period: { ...card.period },
    aiLines: card.aiShare.aiLines,
    totalLines: card.aiShare.totalLines,
    needingNotes: card.notes.needingNotes,
    explained: card.notes.explained,
    stale: card.notes.stale,
    findingsInsideAi: card.findings.insideAi,
    findingsTotal: card.findings.total,
    secrets: card.secrets.events,
    criticalPaths: teams[index].criticalPaths.length,
    criticalPathsAtRisk: teams[index].criticalPaths.filter((path) => path.atRisk).length,
    auditGraded: teams[index].audit?.graded ?? 0,
    auditPassed: teams[index].audit?.passed ?? 0,
  }));

  const from = reports.map(({ card }) => card.period.from).sort()[0];
  const to = reports.map(({ card }) => card.period.to).sort().at(-1) ?? from;
  return {
    schemaVersion: 1,
    title: options.title ?? `Comprehension scorecard — ${reports.length} repositories`,
    period: { from, to },
    generatedAt: (options.now ?? new Date()).toISOString(),
    ...(level !== undefined ? { policyLevel: level } : {}),
    aiShare: { aiLines, totalLines, ratio: ratio(aiLines, totalLines) },
    notes: { ...notes, coverage: ratio(notes.explained, notes.needingNotes), byFile },
    findings: {
      total: insideAi + outsideAi,
      insideAi,
      outsideAi,
      insideAiShare: ratio(insideAi, insideAi + outsideAi),
      bySeverity,
      byRule: rulesByFrequency(byRule),
      perThousandLines,
    },
    secrets: { events: sum((card) => card.secrets.events), insideAi: sum((card) => card.secrets.insideAi), baselined: sum((card) => card.secrets.baselined ?? 0) },
    practice: null,
    team,
    repositories,
  };
}

/** The team sections side by side: paths and audit files named after their repository, counts summed. */
function mergeTeams(teams: readonly TeamStats[], names: readonly string[]): TeamStats {
  const merged = emptyTeamStats();
  merged.identities = teams.every((team) => team.identities === 'note-authors-and-sign-offs') ? 'note-authors-and-sign-offs' : 'note-authors';
  const byProblem = new Map<string, number>();
  const months = new Map<string, { created: number; revised: number; removed: number }>();
  let anyHistory = false;
  teams.forEach((team, index) => {
    const name = names[index];
    merged.criticalPaths.push(...team.criticalPaths.map((path) => ({ ...path, path: `${name}/${path.path}` })));
    if (team.audit) {
      const audit = (merged.audit ??= { files: 0, picked: 0, graded: 0, passed: 0, failed: 0, passRate: null, ungraded: [], failures: [] });
      audit.files += team.audit.files;
      audit.picked += team.audit.picked;
      audit.graded += team.audit.graded;
      audit.passed += team.audit.passed;
      audit.failed += team.audit.failed;
      audit.ungraded.push(...team.audit.ungraded.map((entry) => ({ ...entry, auditFile: `${name}/${entry.auditFile}` })));
      audit.failures.push(...team.audit.failures.map((entry) => ({ ...entry, auditFile: `${name}/${entry.auditFile}` })));
    }
    merged.refusedNotes.total += team.refusedNotes.total;
    for (const problem of team.refusedNotes.byProblem) byProblem.set(problem.code, (byProblem.get(problem.code) ?? 0) + problem.notes);
    if (team.noteHistory) {
      anyHistory = true;
      for (const month of team.noteHistory.months) {
        const bucket = months.get(month.month) ?? { created: 0, revised: 0, removed: 0 };
        bucket.created += month.created;
        bucket.revised += month.revised;
        bucket.removed += month.removed;
        months.set(month.month, bucket);
      }
    }
  });
  if (merged.audit) merged.audit.passRate = ratio(merged.audit.passed, merged.audit.graded);
  merged.refusedNotes.byProblem = [...byProblem.entries()].map(([code, notes]) => ({ code, notes })).sort((a, b) => b.notes - a.notes || a.code.localeCompare(b.code));
  if (anyHistory) {
    const list = [...months.entries()].map(([month, counts]) => ({ month, ...counts })).sort((a, b) => a.month.localeCompare(b.month));
    merged.noteHistory = {
      months: list,
      created: list.reduce((total, month) => total + month.created, 0),
      revised: list.reduce((total, month) => total + month.revised, 0),
      removed: list.reduce((total, month) => total + month.removed, 0),
    };
  }
  return merged;
}
