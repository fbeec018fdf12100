import { diffLines, splitLines } from '../text/diff';

/** Lines of a file, 1-based and inclusive. */
export interface ChangedRange {
  startLine: number;
  endLine: number;
}

/**
 * The lines of `after` that were added or changed relative to `before`, as 1-based inclusive ranges
 * in `after` (for `comprehension mark` and agent hooks, which see a file before and after an agent
 * wrote it). Lines are compared exactly, so a re-indented line counts as changed; pure deletions
 * leave no range. The empty "line" after a file's final line break is not reported: it is no code.
 */
export function changedLineRanges(before: string, after: string): ChangedRange[] {
  return changedLineRangesByKey(before.length === 0 ? [] : splitLines(before), after);
}

/**
 * {@link changedLineRanges} with `before` given as one key per line (its {@link splitLines} lines,
 * `[]` for an empty text) and `key` mapping a line of `after` to the same kind of key: the diff only
 * compares lines for equality, so a hook's snapshot can keep salted hashes instead of the text.
 */
export function changedLineRangesByKey(beforeKeys: readonly string[], after: string, key: (line: string) => string = (line) => line): ChangedRange[] {
  const afterLines = splitLines(after);
  // splitLines yields a last empty element for a text ending in a line break; it is not a line.
  const afterEndsWithBreak = after.length > 0 && afterLines[afterLines.length - 1] === '';
  const lastRealLine = afterEndsWithBreak ? afterLines.length - 1 : afterLines.length;
  const ranges: ChangedRange[] = [];
  for (const run of diffLines(beforeKeys, after.length === 0 ? [] : afterLines.map(key))) {
    if (run.kind !== 'insert') continue;
    const startLine = run.bStart + 1;
    const endLine = Math.min(run.bEnd, lastRealLine);
    if (endLine < startLine) continue;
    const previous = ranges[ranges.length - 1];
    if (previous && previous.endLine + 1 >= startLine) previous.endLine = Math.max(previous.endLine, endLine);
    else ranges.push({ startLine, endLine });
  }
  return ranges;
}
