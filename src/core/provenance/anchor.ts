import { diffLines, splitLines } from '../text/diff';
import { isInformativeLine, lineHash } from './hash';

/** A block to find again: its recorded line hashes and where it was (1-based). */
export interface AnchorInput {
  id: string;
  /** The block's first line when it was recorded (1-based); breaks ties between equal candidates. */
  startLine: number;
  lineHashes: readonly string[];
}

/**
 * Where a block was found. `exact`: its lines, whitespace aside, in order and contiguous.
 * `fuzzy`: a region whose line hashes are similar enough (see {@link AnchorOptions.threshold}).
 * `lost`: nowhere with confidence; `startLine`/`endLine` then repeat the old position, for messages
 * only, and `similarity` is the best one seen below the threshold (0 when there was no candidate).
 * Lines are 1-based and inclusive.
 */
export interface AnchorResult {
  kind: 'exact' | 'fuzzy' | 'lost';
  startLine: number;
  endLine: number;
  /** 1 for exact matches; 2·LCS/(block lines + region lines) for fuzzy ones. */
  similarity: number;
}

/** An {@link AnchorResult} with the id of its block. */
export interface AnchoredBlock extends AnchorResult {
  id: string;
}

/** Options of {@link anchorBlocks}. */
export interface AnchorOptions {
  /** Least similarity for a fuzzy match; below it the block is lost. Default 0.7. */
  threshold?: number;
}

/** Lines whose hash occurs more often than this do not vote for fuzzy candidates (too common). */
const MAX_VOTING_OCCURRENCES = 32;
/** Exact candidates verified per block at most (a block of only common lines has many). */
const MAX_EXACT_CANDIDATES = 2000;
/** Fuzzy candidate regions compared per block. */
const FUZZY_CANDIDATES = 3;

interface Interval {
  start: number;
  end: number;
}

/** Placed regions, sorted and disjoint (0-based, inclusive). */
class Occupancy {
  private readonly intervals: Interval[] = [];

  private firstEndingAtOrAfter(line: number): number {
    let low = 0;
    let high = this.intervals.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.intervals[mid].end < line) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  isFree(start: number, end: number): boolean {
    const next = this.intervals[this.firstEndingAtOrAfter(start)];
    return !next || next.start > end;
  }

  /** The free stretch around a free line (0-based, inclusive), clamped to `[0, lineCount)`. */
  gapAround(line: number, lineCount: number): Interval {
    const index = this.firstEndingAtOrAfter(line);
    const before = this.intervals[index - 1];
    const after = this.intervals[index];
    return { start: before ? before.end + 1 : 0, end: after ? after.start - 1 : lineCount - 1 };
  }

  occupy(start: number, end: number): void {
    const index = this.firstEndingAtOrAfter(start);
    this.intervals.splice(index, 0, { start, end });
  }
}

/** The new text, hashed and indexed once for all blocks. */
interface TextIndex {
  hashes: string[];
  informative: Uint8Array;
  /** Prefix sums of `informative`: informative lines in `[a, b)` = `informativeBefore[b] - informativeBefore[a]`. */
  informativeBefore: Int32Array;
  positions: Map<string, number[]>;
  /** Hashes of lines without a letter or digit seen in the text (blank lines, lone braces). */
  uninformativeHashes: Set<string>;
}

function indexText(lines: readonly string[]): TextIndex {
  const hashes = new Array<string>(lines.length);
  const informative = new Uint8Array(lines.length);
  const informativeBefore = new Int32Array(lines.length + 1);
  const positions = new Map<string, number[]>();
  const uninformativeHashes = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const hash = lineHash(lines[i]);
    hashes[i] = hash;
    const meaningful = isInformativeLine(lines[i]);
    informative[i] = meaningful ? 1 : 0;
    informativeBefore[i + 1] = informativeBefore[i] + informative[i];
    if (!meaningful) uninformativeHashes.add(hash);
    const list = positions.get(hash);
    if (list) list.push(i);
    else positions.set(hash, [i]);
  }
  return { hashes, informative, informativeBefore, positions, uninformativeHashes };
}

interface FuzzyCandidate {
  start: number;
  end: number;
  similarity: number;
}

/**
 * Finds blocks in a new version of a file by their recorded line hashes (whitespace-insensitive,
 * see `hash.ts`), for when edit events were not seen: the file changed on disk, was reverted, came
 * back from git, or was reopened. Per block, in order of confidence:
 * 1. exact: the whole hash sequence, contiguous. Blocks with a single occurrence that no other block
 *    shares are placed first; those that kept their relative order (blocks moved with their code
 *    drop out) predict where the others went: old position plus the shift of the nearest of them.
 *    The remaining occurrences are handed out nearest to that prediction first. A block made only
 *    of blank lines and punctuation is placed only at the single occurrence between its two
 *    neighbouring placed blocks, or exactly at the prediction.
 * 2. fuzzy: lines whose hashes are rare in the file vote for where the block starts; the best few
 *    candidate regions are compared with the block by a line diff (Myers, so near-linear for similar
 *    text), trimmed to the matched lines, and scored 2·LCS/(block lines + region lines). The same
 *    score over lines with a letter or digit must pass too, so braces and blank lines alone never
 *    carry a match. Best scores are placed first.
 * 3. lost, when no candidate reaches the threshold: a wrong placement is worse than none.
 * Placed blocks never overlap. Results are in the order of `blocks`.
 */
export function anchorBlocks(blocks: readonly AnchorInput[], text: string | readonly string[], options: AnchorOptions = {}): AnchoredBlock[] {
  const threshold = options.threshold ?? 0.7;
  const lines = typeof text === 'string' ? splitLines(text) : text;
  const index = indexText(lines);
  const lineCount = lines.length;
  const occupancy = new Occupancy();
  const results: Array<AnchoredBlock | undefined> = new Array(blocks.length);

  const place = (which: number, kind: 'exact' | 'fuzzy', start: number, end: number, similarity: number): void => {
    occupancy.occupy(start, end);
    results[which] = { id: blocks[which].id, kind, startLine: start + 1, endLine: end + 1, similarity: roundSimilarity(similarity) };
  };

  // 1. Exact matches. A block is sure of its place when the place is its only one and no other
  // block's text also occurs there (identical blocks, or a deleted copy of a surviving one).
  const exact = blocks.map((block) => exactCandidates(block.lineHashes, index, lineCount));
  const informativeBlock = blocks.map((block) => block.lineHashes.some((hash) => !index.uninformativeHashes.has(hash)));
  const claims = new Map<number, number>();
  for (const candidates of exact) for (const start of candidates) claims.set(start, (claims.get(start) ?? 0) + 1);
  const placedUniquely: Anchor[] = [];
  blocks.forEach((block, which) => {
    const candidates = exact[which];
    if (candidates.length !== 1 || claims.get(candidates[0]) !== 1 || !informativeBlock[which]) return;
    const start = candidates[0];
    const end = start + block.lineHashes.length - 1;
    if (!occupancy.isFree(start, end)) return;
    place(which, 'exact', start, end, 1);
    placedUniquely.push({ oldStart: block.startLine - 1, newStart: start, newEnd: end });
  });
  const anchors = stableAnchors(placedUniquely);
  const neighboursOf = (block: AnchorInput) => neighbours(anchors, block.startLine - 1);
  const expectedStart = (block: AnchorInput): number => {
    const { before, after } = neighboursOf(block);
    const nearest = before ?? after;
    return block.startLine - 1 + (nearest ? nearest.newStart - nearest.oldStart : 0);
  };

  // The other exact candidates go, closest to where the nearest anchor's shift predicts first, to
  // free places. A block of blank lines and punctuation needs more: its place must be the only one
  // between its two neighbouring anchors, or be exactly where predicted.
  const pairs: Array<{ which: number; start: number; distance: number }> = [];
  blocks.forEach((block, which) => {
    if (results[which] !== undefined || exact[which].length === 0) return;
    const expected = expectedStart(block);
    let candidates = exact[which];
    if (!informativeBlock[which]) {
      const { before, after } = neighboursOf(block);
      const between = before && after ? candidates.filter((start) => start > before.newEnd && start + block.lineHashes.length - 1 < after.newStart) : [];
      candidates = between.length === 1 ? between : candidates.filter((start) => start === expected);
    }
    for (const start of candidates) pairs.push({ which, start, distance: Math.abs(start - expected) });
  });
  pairs.sort((a, b) => a.distance - b.distance || a.which - b.which);
  for (const { which, start } of pairs) {
    const end = start + blocks[which].lineHashes.length - 1;
    if (results[which] === undefined && occupancy.isFree(start, end)) place(which, 'exact', start, end, 1);
  }

  // 2. Fuzzy matches, best first; a candidate that collides with one placed meanwhile is recomputed once.
  const bestBelowThreshold = new Float64Array(blocks.length);
  const pending: Array<{ which: number; candidate: FuzzyCandidate; retried: boolean }> = [];
  blocks.forEach((block, which) => {
    if (results[which] !== undefined || block.lineHashes.length < 2) return;
    const found = fuzzyCandidate(block, expectedStart(block), index, lineCount, occupancy, threshold);
    bestBelowThreshold[which] = found.bestSeen;
    if (found.candidate) pending.push({ which, candidate: found.candidate, retried: false });
  });
  pending.sort((a, b) => b.candidate.similarity - a.candidate.similarity);
  while (pending.length > 0) {
    const next = pending.shift()!;
    const { which, candidate } = next;
    if (occupancy.isFree(candidate.start, candidate.end)) {
      place(which, 'fuzzy', candidate.start, candidate.end, candidate.similarity);
      continue;
    }
    if (next.retried) continue;
    const block = blocks[which];
    const again = fuzzyCandidate(block, expectedStart(block), index, lineCount, occupancy, threshold);
    bestBelowThreshold[which] = Math.max(bestBelowThreshold[which], again.bestSeen);
    if (!again.candidate) continue;
    const entry = { which, candidate: again.candidate, retried: true };
    const at = pending.findIndex((other) => other.candidate.similarity < entry.candidate.similarity);
    pending.splice(at < 0 ? pending.length : at, 0, entry);
  }

  return blocks.map((block, which) => {
    const found = results[which];
    if (found) return found;
    return {
      id: block.id,
      kind: 'lost',
      startLine: block.startLine,
      endLine: block.startLine + Math.max(0, block.lineHashes.length - 1),
      // Rounded down so a score just under the threshold never reads as reaching it.
      similarity: Math.floor(bestBelowThreshold[which] * 1000) / 1000,
    };
  });
}

function roundSimilarity(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Starts (0-based) where the whole hash sequence occurs. */
function exactCandidates(hashes: readonly string[], index: TextIndex, lineCount: number): number[] {
  const length = hashes.length;
  if (length === 0 || length > lineCount) return [];
  // Seed from the block's rarest line; a line missing from the text rules out an exact match.
  let seed = -1;
  let seedCount = Infinity;
  for (let j = 0; j < length; j++) {
    const count = index.positions.get(hashes[j])?.length ?? 0;
    if (count === 0) return [];
    if (count < seedCount) {
      seedCount = count;
      seed = j;
    }
  }
  const out: number[] = [];
  for (const at of index.positions.get(hashes[seed])!) {
    const start = at - seed;
    if (start < 0 || start + length > lineCount) continue;
    let matches = true;
    for (let j = 0; j < length && matches; j++) matches = index.hashes[start + j] === hashes[j];
    if (matches) out.push(start);
    if (out.length >= MAX_EXACT_CANDIDATES) break;
  }
  return out;
}

/** A block placed with certainty: where it was and where it is now (0-based). */
interface Anchor {
  oldStart: number;
  newStart: number;
  newEnd: number;
}

/**
 * The anchors that kept their order: the longest run whose new positions increase with the old
 * ones. Blocks moved elsewhere with their code fall out, so they do not mislead the prediction for
 * their old neighbours. Sorted by old position.
 */
function stableAnchors(placed: Anchor[]): Anchor[] {
  const byOld = placed.slice().sort((a, b) => a.oldStart - b.oldStart);
  // Patience sorting: tails[k] ends the best increasing run of length k + 1 seen so far.
  const tails: number[] = [];
  const previous = new Int32Array(byOld.length).fill(-1);
  byOld.forEach((anchor, i) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (byOld[tails[mid]].newStart < anchor.newStart) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1];
    tails[low] = i;
  });
  const run: Anchor[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) run.push(byOld[i]);
  return run.reverse();
}

/** The stable anchors just before and just after an old position. */
function neighbours(anchors: readonly Anchor[], oldStart: number): { before?: Anchor; after?: Anchor } {
  let low = 0;
  let high = anchors.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (anchors[mid].oldStart < oldStart) low = mid + 1;
    else high = mid;
  }
  return { before: anchors[low - 1], after: anchors[low] };
}

interface Vote {
  diagonal: number;
  line: number;
}

function fuzzyCandidate(
  block: AnchorInput,
  expected: number,
  index: TextIndex,
  lineCount: number,
  occupancy: Occupancy,
  threshold: number,
): { candidate?: FuzzyCandidate; bestSeen: number } {
  const hashes = block.lineHashes;
  const length = hashes.length;
  const votes: Vote[] = [];
  for (let j = 0; j < length; j++) {
    if (index.uninformativeHashes.has(hashes[j])) continue;
    const at = index.positions.get(hashes[j]);
    if (!at || at.length > MAX_VOTING_OCCURRENCES) continue;
    for (const line of at) if (occupancy.isFree(line, line)) votes.push({ diagonal: line - j, line });
  }
  if (votes.length === 0) return { bestSeen: 0 };

  // Group votes whose diagonals are close: lines inserted or deleted inside the block shift them.
  votes.sort((a, b) => a.diagonal - b.diagonal);
  const tolerance = Math.max(2, Math.ceil(length / 2));
  const clusters: Vote[][] = [];
  for (const vote of votes) {
    const current = clusters[clusters.length - 1];
    if (current && vote.diagonal - current[current.length - 1].diagonal <= tolerance) current.push(vote);
    else clusters.push([vote]);
  }
  const distance = (cluster: Vote[]): number => Math.abs(cluster[cluster.length >> 1].diagonal - expected);
  clusters.sort((a, b) => b.length - a.length || distance(a) - distance(b));

  const blockInformative = hashes.reduce((count, hash) => count + (index.uninformativeHashes.has(hash) ? 0 : 1), 0);
  let best: FuzzyCandidate | undefined;
  let bestSeen = 0;
  for (const cluster of clusters.slice(0, FUZZY_CANDIDATES)) {
    const middle = cluster[cluster.length >> 1].line;
    const gap = occupancy.gapAround(middle, lineCount);
    const slack = Math.ceil(length / 2) + 2;
    const from = Math.max(gap.start, cluster[0].diagonal - slack);
    const to = Math.min(gap.end, cluster[cluster.length - 1].diagonal + length - 1 + slack);
    if (to < from) continue;
    const scored = scoreRegion(hashes, blockInformative, index, from, to);
    if (!scored) continue;
    bestSeen = Math.max(bestSeen, scored.similarity);
    if (scored.similarity < threshold) continue;
    const better =
      !best ||
      scored.similarity > best.similarity ||
      (scored.similarity === best.similarity && Math.abs(scored.start - expected) < Math.abs(best.start - expected));
    if (better) best = scored;
  }
  return { candidate: best, bestSeen };
}

/**
 * Compares the block with lines `[from, to]` of the text and returns the matched region (trimmed of
 * stray matches at its ends) with its similarity: the lower of the score over all lines and the
 * score over lines with a letter or digit.
 */
function scoreRegion(hashes: readonly string[], blockInformative: number, index: TextIndex, from: number, to: number): FuzzyCandidate | undefined {
  const window = index.hashes.slice(from, to + 1);
  // Matched pairs: block line matchedBlock[i] is text line matched[i].
  const matched: number[] = [];
  const matchedBlock: number[] = [];
  for (const run of diffLines(hashes, window)) {
    if (run.kind !== 'equal') continue;
    for (let offset = 0; offset < run.aEnd - run.aStart; offset++) {
      matchedBlock.push(run.aStart + offset);
      matched.push(from + run.bStart + offset);
    }
  }
  if (matched.length < 2) return undefined;
  // Informative matches before each matched pair, for scoring any run of pairs in O(1).
  const informativeMatchedBefore = new Int32Array(matched.length + 1);
  for (let i = 0; i < matched.length; i++) informativeMatchedBefore[i + 1] = informativeMatchedBefore[i] + index.informative[matched[i]];
  const length = hashes.length;
  const similarityOf = (common: number, commonInformative: number, regionStart: number, regionEnd: number): number => {
    if (commonInformative < Math.min(2, blockInformative)) return 0;
    const all = (2 * common) / (length + regionEnd - regionStart + 1);
    const regionInformative = index.informativeBefore[regionEnd + 1] - index.informativeBefore[regionStart];
    const meaningful = (2 * commonInformative) / (blockInformative + regionInformative);
    return Math.min(all, meaningful);
  };
  const score = (first: number, last: number): number =>
    similarityOf(last - first + 1, informativeMatchedBefore[last + 1] - informativeMatchedBefore[first], matched[first], matched[last]);

  // Drop stray matches at either end while that raises the score (a `}` twenty lines away, say).
  let first = 0;
  let last = matched.length - 1;
  let current = score(first, last);
  while (last - first >= 1) {
    const withoutFirst = score(first + 1, last);
    const withoutLast = score(first, last - 1);
    if (withoutFirst <= current && withoutLast <= current) break;
    if (withoutFirst >= withoutLast) {
      first++;
      current = withoutFirst;
    } else {
      last--;
      current = withoutLast;
    }
  }

  // Blank lines and braces at the ends prove nothing unless they run on, line for line in both the
  // block and the text, from the outermost informative match: otherwise they are a stranger's.
  const glued = (a: number, b: number) => matchedBlock[b] - matchedBlock[a] === 1 && matched[b] - matched[a] === 1;
  const keptFirst = first;
  const keptLast = last;
  while (first <= keptLast && !index.informative[matched[first]]) first++;
  if (first > keptLast) return undefined;
  while (!index.informative[matched[last]]) last--;
  while (first > keptFirst && glued(first - 1, first)) first--;
  while (last < keptLast && glued(last, last + 1)) last++;

  // Take in the block's neighbouring lines where the text has them right there, one for one (the
  // diff may have paired them with a look-alike further away), up to the outermost informative one:
  // a blank line or brace out there could as well be the next function's.
  let regionStart = matched[first];
  let common = last - first + 1;
  let commonInformative = informativeMatchedBefore[last + 1] - informativeMatchedBefore[first];
  for (let step = 1, taken = 0, takenInformative = 0; ; step++) {
    const blockLine = matchedBlock[first] - step;
    const textLine = matched[first] - step;
    if (blockLine < 0 || textLine < from || index.hashes[textLine] !== hashes[blockLine]) break;
    taken++;
    takenInformative += index.informative[textLine];
    if (index.informative[textLine]) {
      regionStart = textLine;
      common += taken;
      commonInformative += takenInformative;
      taken = 0;
      takenInformative = 0;
    }
  }
  let regionEnd = matched[last];
  for (let step = 1, taken = 0, takenInformative = 0; ; step++) {
    const blockLine = matchedBlock[last] + step;
    const textLine = matched[last] + step;
    if (blockLine >= length || textLine > to || index.hashes[textLine] !== hashes[blockLine]) break;
    taken++;
    takenInformative += index.informative[textLine];
    if (index.informative[textLine]) {
      regionEnd = textLine;
      common += taken;
      commonInformative += takenInformative;
      taken = 0;
      takenInformative = 0;
    }
  }
  return { start: regionStart, end: regionEnd, similarity: similarityOf(common, commonInformative, regionStart, regionEnd) };
}
