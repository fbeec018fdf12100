/**
 * The team scorecard ("oversight quality, not output quantity"): who understands the AI code of
 * each critical path, what reviewers found when they graded notes, and how notes were written and
 * refused over time. Pure computation over plain data the gatherer collects (`gather.ts`), so the
 * editor can compute it from the server's inputs as the CLI does.
 */

/** A reviewer's grade of one audited note: `undefined` until the reviewer fills it in. */
export type AuditGrade = 'pass' | 'fail';

/** One note of an audit file, as read back (see `audit.ts` for the file format). */
export interface ReportAuditEntry {
  blockId: string;
  grade?: AuditGrade;
  comment?: string;
  gradedBy?: string;
}

/** One audit file: its workspace-relative path and its notes. */
export interface ReportAuditInput {
  path: string;
  entries: ReportAuditEntry[];
}

/** Note files changed in one month, from git's history of the notes folder. */
export interface NoteHistoryMonth {
  /** `YYYY-MM` (UTC). */
  month: string;
  /** Note files added. */
  created: number;
  /** Distinct note files changed after they were added (answers rewritten, or marked reviewed). */
  revised: number;
  /** Note files deleted. */
  removed: number;
}

/** Bus factor of one `criticalPaths` glob. */
export interface CriticalPathStats {
  /** The policy's glob (prefixed with the repository's name in a merged report). */
  path: string;
  /** AI blocks in files under the glob. */
  aiBlocks: number;
  /** Of those, the blocks someone understands now (a passing, current note or sign-off). */
  understoodBlocks: number;
  /** Distinct people with a passing, current note or sign-off on a block under the glob. */
  busFactor: number;
  /** Those people (the email of `Name <email>`, else the name as written), sorted. */
  people: string[];
  /** True when the path has AI blocks and at most one person understands any of them. */
  atRisk: boolean;
}

/** What the reviewers' grades of audited notes say. */
export interface AuditStats {
  /** Audit files read. */
  files: number;
  /** Notes picked for grading, over every audit file. */
  picked: number;
  graded: number;
  passed: number;
  failed: number;
  /** passed / graded. */
  passRate: number | null;
  /** Picked notes without a grade yet. */
  ungraded: { blockId: string; auditFile: string }[];
  /** Notes graded `fail`, with the reviewer's comment. */
  failures: { blockId: string; auditFile: string; comment: string; gradedBy?: string }[];
}

/** The team section of the scorecard. */
export interface TeamStats {
  /**
   * Whose understanding the bus factor counts: note authors only, or also reviewers' sign-offs
   * (when notes carry `signOffs`). Said in every rendering, so a low figure is read rightly.
   */
  identities: 'note-authors' | 'note-authors-and-sign-offs';
  /** One row per `criticalPaths` glob of the policy (exclusions `!…` are not paths of their own). */
  criticalPaths: CriticalPathStats[];
  /** Null when there are no audit files. */
  audit: AuditStats | null;
  /** Notes that exist but are refused by the checks now (draft), and how many carry each problem code. */
  refusedNotes: { total: number; byProblem: { code: string; notes: number }[] };
  /** Null outside git; months with any change, oldest first. */
  noteHistory: { months: NoteHistoryMonth[]; created: number; revised: number; removed: number } | null;
}

/** The per-block and per-file figures the team section is computed from (subsets of the scorecard inputs). */
export interface TeamBlockInput {
  /** People (see {@link identityOf}) with a passing, current note or a current sign-off on the block. */
  people?: string[];
  /** Problem codes of the block's note when it exists and is refused (draft). */
  noteProblems?: string[];
}

/** Everything {@link teamStats} reads. */
export interface TeamInput {
  criticalPaths: readonly string[];
  files: readonly { criticalPaths?: readonly string[]; blocks: readonly TeamBlockInput[] }[];
  audits: readonly ReportAuditInput[];
  noteHistory?: readonly NoteHistoryMonth[];
  signOffsCounted: boolean;
}

/**
 * The identity a person is counted by: the email of `Name <email>` (lower case), a bare email, or
 * else the name as written, trimmed. Undefined for an empty author.
 */
export function identityOf(author: string | undefined): string | undefined {
  const text = author?.trim();
  if (!text) return undefined;
  const email = /<([^<>\s]+@[^<>\s]+)>/.exec(text)?.[1] ?? (/^[^\s<>]+@[^\s<>]+$/.test(text) ? text : undefined);
  return email !== undefined ? email.toLowerCase() : text;
}

/** The glob a `criticalPaths` entry is a path of its own (exclusions only narrow the others). */
export function isCriticalPathRow(glob: string): boolean {
  return !glob.startsWith('!') && glob.trim() !== '';
}

/** Computes the team section: bus factor per critical path, audit grades, refused notes, note history. */
export function teamStats(input: TeamInput): TeamStats {
  const criticalPaths = input.criticalPaths.filter(isCriticalPathRow).map((glob): CriticalPathStats => {
    const people = new Set<string>();
    let aiBlocks = 0;
    let understoodBlocks = 0;
    for (const file of input.files) {
      if (!file.criticalPaths?.includes(glob)) continue;
      for (const block of file.blocks) {
        aiBlocks++;
        if ((block.people ?? []).length > 0) understoodBlocks++;
        for (const person of block.people ?? []) people.add(person);
      }
    }
    return { path: glob, aiBlocks, understoodBlocks, busFactor: people.size, people: [...people].sort(), atRisk: aiBlocks > 0 && people.size <= 1 };
  });

  const byProblem = new Map<string, number>();
  let refused = 0;
  for (const file of input.files) {
    for (const block of file.blocks) {
      if (block.noteProblems === undefined) continue;
      refused++;
      for (const code of new Set(block.noteProblems)) byProblem.set(code, (byProblem.get(code) ?? 0) + 1);
    }
  }

  const months = [...(input.noteHistory ?? [])].sort((a, b) => a.month.localeCompare(b.month));
  return {
    identities: input.signOffsCounted ? 'note-authors-and-sign-offs' : 'note-authors',
    criticalPaths,
    audit: input.audits.length > 0 ? auditStats(input.audits) : null,
    refusedNotes: {
      total: refused,
      byProblem: [...byProblem.entries()].map(([code, notes]) => ({ code, notes })).sort((a, b) => b.notes - a.notes || a.code.localeCompare(b.code)),
    },
    noteHistory:
      input.noteHistory === undefined
        ? null
        : {
            months,
            created: months.reduce((sum, month) => sum + month.created, 0),
            revised: months.reduce((sum, month) => sum + month.revised, 0),
            removed: months.reduce((sum, month) => sum + month.removed, 0),
          },
  };
}

function auditStats(audits: readonly ReportAuditInput[]): AuditStats {
  const stats: AuditStats = { files: audits.length, picked: 0, graded: 0, passed: 0, failed: 0, passRate: null, ungraded: [], failures: [] };
  for (const audit of audits) {
    for (const entry of audit.entries) {
      stats.picked++;
      if (entry.grade === undefined) {
        stats.ungraded.push({ blockId: entry.blockId, auditFile: audit.path });
        continue;
      }
      stats.graded++;
      if (entry.grade === 'pass') stats.passed++;
      else {
        stats.failed++;
        stats.failures.push({ blockId: entry.blockId, auditFile: audit.path, comment: entry.comment ?? '', ...(entry.gradedBy ? { gradedBy: entry.gradedBy } : {}) });
      }
    }
  }
  stats.passRate = stats.graded > 0 ? stats.passed / stats.graded : null;
  return stats;
}

/** A team section with nothing in it (a report from before the team figures, or no policy paths). */
export function emptyTeamStats(): TeamStats {
  return { identities: 'note-authors', criticalPaths: [], audit: null, refusedNotes: { total: 0, byProblem: [] }, noteHistory: null };
}
