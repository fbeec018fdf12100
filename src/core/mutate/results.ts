import type { MutationTarget } from './targets';

/**
 * Stryker's JSON report (mutation-testing-report-schema) read into per-block results: only the
 * mutants whose whole location lies inside an AI block's lines count, each kept with its place
 * relative to the block's first line, so a result still lands on the right lines after the block
 * moved (lines added above it) and is shown only while the block's content is what was tested.
 */

/** Mutant statuses of mutation-testing-report-schema. */
export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Timeout' | 'Ignored' | 'Pending';

/** A mutant no test noticed: it survived the tests that ran it, or no test ran its code at all. */
export interface SurvivingMutant {
  /** 0-based line of the mutant's start, counted from the block's first line. */
  line: number;
  /** 0-based column (UTF-16 code units) of its start on that line. */
  column: number;
  /** 0-based end line from the block's first line, and end column (exclusive). */
  endLine: number;
  endColumn: number;
  /** Stryker's mutator, e.g. `EqualityOperator`. */
  mutator: string;
  /** The code as written and as mutated. */
  original: string;
  replacement: string;
  status: 'Survived' | 'NoCoverage';
}

/** Counts of a block's mutants by what happened to them. */
export interface MutantCounts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that did not compile or crashed the runner, and ignored ones: not in the score. */
  errors: number;
}

/** The mutation-testing result of one AI block, as cached and shown. */
export interface BlockMutationResult {
  /** Format of this object, for the cache. */
  version: 1;
  blockId: string;
  path: string;
  /** The block's content hash when it was tested: the result holds only while it is unchanged. */
  contentHash: string;
  /** The block's first line when it was tested (1-based), for messages only. */
  startLine: number;
  /** ISO 8601 time of the run. */
  testedAt: string;
  strykerVersion: string;
  counts: MutantCounts;
  /** Killed (and timed-out) mutants as a percentage of the scored ones, Stryker's definition; null with no scored mutant. */
  score: number | null;
  survivors: SurvivingMutant[];
}

/** A report that is not a mutation-testing report Stryker could have written. */
export class MutationReportError extends Error {}

interface ReportLocation {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface ReportMutant {
  mutatorName: string;
  replacement?: string;
  status: MutantStatus;
  location: ReportLocation;
}
interface ReportFile {
  source: string;
  mutants: ReportMutant[];
}

/** The files of a report (keys are paths relative to the run's folder, POSIX), checked for the fields used. */
export function parseMutationReport(value: unknown): Map<string, ReportFile> {
  const files = (value as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null) throw new MutationReportError('the mutation report has no "files" object');
  const out = new Map<string, ReportFile>();
  for (const [path, file] of Object.entries(files as Record<string, unknown>)) {
    const { source, mutants } = (file ?? {}) as { source?: unknown; mutants?: unknown };
    if (typeof source !== 'string' || !Array.isArray(mutants)) throw new MutationReportError(`the mutation report's entry for ${path} has no source or mutants`);
    for (const mutant of mutants as ReportMutant[]) {
      const location = mutant?.location;
      if (typeof mutant?.mutatorName !== 'string' || typeof mutant.status !== 'string' || !Number.isInteger(location?.start?.line) || !Number.isInteger(location?.end?.line)) {
        throw new MutationReportError(`the mutation report has a malformed mutant in ${path}`);
      }
    }
    out.set(path.replace(/\\/g, '/'), { source, mutants: mutants as ReportMutant[] });
  }
  return out;
}

/** The text of a report location (1-based lines and columns, end exclusive) in `source`. */
function textAt(lineStarts: readonly number[], source: string, location: ReportLocation): string {
  const offset = (position: { line: number; column: number }) => (lineStarts[position.line - 1] ?? source.length) + position.column - 1;
  return source.slice(offset(location.start), offset(location.end));
}

function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return starts;
}

/** Stryker's mutation score: detected (killed, timed out) over all scored mutants, in percent. */
export function mutationScore(counts: MutantCounts): number | null {
  const detected = counts.killed + counts.timeout;
  const scored = detected + counts.survived + counts.noCoverage;
  return scored === 0 ? null : Math.round((detected / scored) * 1000) / 10;
}

/**
 * Each target's result from a parsed report: the mutants lying wholly inside its lines, counted,
 * and the surviving ones (survived or not covered) kept relative to its first line, in order.
 * A target whose file the report does not have (Stryker found nothing to mutate there) gets an
 * empty result.
 */
export function blockResults(report: Map<string, ReportFile>, targets: readonly MutationTarget[], run: { testedAt: string; strykerVersion: string }): BlockMutationResult[] {
  const starts = new Map<string, number[]>();
  return targets.map((target) => {
    const file = report.get(target.path);
    const counts: MutantCounts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
    const survivors: SurvivingMutant[] = [];
    for (const mutant of file?.mutants ?? []) {
      const { start, end } = mutant.location;
      if (start.line < target.startLine || end.line > target.endLine) continue;
      switch (mutant.status) {
        case 'Killed':
          counts.killed++;
          break;
        case 'Timeout':
          counts.timeout++;
          break;
        case 'Survived':
        case 'NoCoverage': {
          if (mutant.status === 'Survived') counts.survived++;
          else counts.noCoverage++;
          let lineStarts = starts.get(target.path);
          if (!lineStarts) starts.set(target.path, (lineStarts = lineStartsOf(file!.source)));
          survivors.push({
            line: start.line - target.startLine,
            column: start.column - 1,
            endLine: end.line - target.startLine,
            endColumn: end.column - 1,
            mutator: mutant.mutatorName,
            original: textAt(lineStarts, file!.source, mutant.location),
            replacement: mutant.replacement ?? '',
            status: mutant.status,
          });
          break;
        }
        default:
          counts.errors++;
      }
    }
    survivors.sort((a, b) => a.line - b.line || a.column - b.column);
    return {
      version: 1,
      blockId: target.blockId,
      path: target.path,
      contentHash: target.contentHash,
      startLine: target.startLine,
      testedAt: run.testedAt,
      strykerVersion: run.strykerVersion,
      counts,
      score: mutationScore(counts),
      survivors,
    };
  });
}

/** Longest code shown on either side of a mutant's message. */
const MAX_SHOWN = 48;

/** Code shown in a message: whitespace runs made one space, long code cut in the middle. */
export function shortenCode(code: string, max = MAX_SHOWN): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const head = Math.ceil((max - 1) * 0.6);
  return `${flat.slice(0, head).trimEnd()}…${flat.slice(flat.length - (max - 1 - head)).trimStart()}`;
}

/**
 * One sentence saying what changed and that no test noticed: "tests still pass when `attempt <= 3`
 * becomes `attempt < 3`"; for code no test runs, "no test runs this code: `…` could become `…`".
 */
export function describeMutant(mutant: Pick<SurvivingMutant, 'original' | 'replacement' | 'status'>): string {
  const original = `\`${shortenCode(mutant.original)}\``;
  const replacement = mutant.replacement.trim() === '' ? 'nothing' : `\`${shortenCode(mutant.replacement)}\``;
  if (mutant.status === 'NoCoverage') return `no test runs this code: ${original} could become ${replacement} and no test would notice`;
  return `tests still pass when ${original} becomes ${replacement}`;
}
