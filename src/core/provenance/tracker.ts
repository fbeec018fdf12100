import { randomUUID } from 'node:crypto';
import { anchorBlocks, type AnchorOptions, type AnchorResult } from './anchor';
import type { Block, BlockConfidence, BlockSource } from './block';
import { type LineEffect, lineEffectOf, type TextChange } from './change';

export type { ChangePosition, TextChange } from './change';

/** What a caller says about a block it adds. */
export interface BlockMeta {
  /** Kept when given (a block restored from a record); a new UUID otherwise. */
  id?: string;
  source: BlockSource;
  confidence: BlockConfidence;
  agent?: string;
  model?: string;
  /** ISO 8601; now when absent. */
  createdAt?: string;
  modified?: boolean;
}

/** What {@link BlockTracker.applyChanges} did. */
export interface ApplyResult {
  /** Blocks whose lines were all deleted; they are no longer tracked. */
  dropped: Block[];
  /** Ids of blocks whose `modified` flag these changes turned on. */
  newlyModified: string[];
  /** True when any block moved, grew, shrank, changed its flag or was dropped. */
  changed: boolean;
}

/** What {@link BlockTracker.addBlock} did. */
export interface AddResult {
  /** The block that now holds the lines (a new one, or an existing one that took them in). */
  block: Block;
  /**
   * `added`: a new block. `merged`: an existing block of the same origin, adjacent or overlapping and
   * grown within the merge window, took the lines. `absorbed`: the lines were already inside an
   * existing block, which is left as it was.
   */
  outcome: 'added' | 'merged' | 'absorbed';
  /** Blocks no longer tracked: entirely covered by the new block, or merged into it. */
  removed: Block[];
  /** Blocks that lost their lines overlapping the new block (their new extent). */
  clipped: Block[];
}

/** What {@link BlockTracker.reanchor} did. */
export interface ReanchorResult {
  /** Per block, where it was found; `lost` blocks are no longer tracked. */
  results: Map<string, AnchorResult>;
  lost: Block[];
}

/** Options of a {@link BlockTracker}. */
export interface TrackerOptions {
  /**
   * A block added next to (or over) a block with the same source, agent and model that was added or
   * grown less than this many milliseconds ago extends that block instead of starting a new one, so
   * a completion accepted word by word or line by line is one block. Default 10 000.
   */
  mergeWindowMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface TrackedBlock {
  id: string;
  /** 0-based, inclusive. */
  start: number;
  /** 0-based, inclusive. */
  end: number;
  source: BlockSource;
  confidence: BlockConfidence;
  agent?: string;
  model?: string;
  createdAt: string;
  modified: boolean;
  /** Clock time of the last add that created or grew this block; 0 for restored blocks. */
  lastGrownAt: number;
}

/**
 * The AI blocks of one open document, kept on the right lines while the document is edited.
 *
 * Blocks never overlap and are kept in an array sorted by line, so a change finds the first block it
 * can affect by binary search, updates the few blocks it touches and shifts the ones below it by a
 * constant. No work or allocation depends on the document's size.
 *
 * Lines are 0-based inside and in {@link TextChange}s (LSP positions); everything that takes or
 * returns a {@link Block} uses the public 1-based inclusive lines.
 */
export class BlockTracker {
  private sorted: TrackedBlock[] = [];
  private readonly mergeWindowMs: number;
  private readonly now: () => number;

  constructor(options: TrackerOptions = {}) {
    this.mergeWindowMs = options.mergeWindowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Number of tracked blocks. */
  get size(): number {
    return this.sorted.length;
  }

  /**
   * Applies content changes in the order given, each against the document as the previous one left
   * it (LSP incremental sync; VS Code's `contentChanges` of one event are in that form too).
   * A change above a block shifts it; whole lines inserted at column 0 of its first line go above it;
   * lines inserted after its last line do not grow it; a change inside it grows or shrinks it and
   * sets `modified`; a change across a boundary clips it; a block whose lines are all deleted is
   * dropped and returned. See {@link lineEffectOf} for the exact line rules.
   */
  applyChanges(changes: readonly TextChange[]): ApplyResult {
    const result: ApplyResult = { dropped: [], newlyModified: [], changed: false };
    for (const change of changes) {
      const effect = lineEffectOf(change);
      if (effect) this.applyEffect(effect, result);
    }
    return result;
  }

  private applyEffect(effect: LineEffect, result: ApplyResult): void {
    const blocks = this.sorted;
    const { deletedFrom, deletedTo, shift, touchedFirst, touchedSecond, insertedAt, insertedCount } = effect;
    const lowest = touchedFirst >= 0 ? touchedFirst : deletedFrom;
    const highest = Math.max(deletedTo, touchedSecond);
    let index = this.firstEndingAtOrAfter(lowest);
    let write = index;
    for (; index < blocks.length; index++) {
      const block = blocks[index];
      if (block.start > highest) break;
      const { start, end } = block;
      // The first and last lines of the block that survive the change, before the change.
      let first = start;
      if (start >= deletedFrom && start <= deletedTo) first = deletedTo + 1;
      let last = end;
      if (end >= deletedFrom && end <= deletedTo) last = deletedFrom - 1;
      if (first > last) {
        result.dropped.push(toBlock(block));
        result.changed = true;
        continue;
      }
      const newStart = first > deletedTo ? first + shift : first;
      const newEnd = last > deletedTo ? last + shift : last;
      const lostLines = Math.max(start, deletedFrom) <= Math.min(end, deletedTo);
      const touched = (touchedFirst >= start && touchedFirst <= end) || (touchedSecond >= start && touchedSecond <= end);
      const insertedInside = insertedCount > 0 && insertedAt > newStart && insertedAt < newEnd;
      if (newStart !== start || newEnd !== end) result.changed = true;
      block.start = newStart;
      block.end = newEnd;
      if ((lostLines || touched || insertedInside) && !block.modified) {
        block.modified = true;
        result.newlyModified.push(block.id);
        result.changed = true;
      }
      blocks[write++] = block;
    }
    if (shift !== 0 && index < blocks.length) result.changed = true;
    for (; index < blocks.length; index++) {
      const block = blocks[index];
      block.start += shift;
      block.end += shift;
      blocks[write++] = block;
    }
    blocks.length = write;
  }

  /** Index of the first block whose last line is at or after `line` (blocks are sorted and disjoint). */
  private firstEndingAtOrAfter(line: number): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid].end < line) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Starts tracking lines `startLine..endLine` (1-based, inclusive) as an AI block.
   * Blocks never overlap; the rules, in order:
   * - lines already inside one existing block: that block keeps them (`absorbed`), so a completion
   *   accepted inside an agent's block does not split it and its note;
   * - an adjacent or overlapping block with the same source, agent and model, added or grown within
   *   the merge window, grows to take them (`merged`) — one block per burst of accepts;
   * - otherwise a new block takes the lines (`added`); blocks it covers entirely are removed and
   *   blocks it overlaps are clipped.
   */
  addBlock(startLine: number, endLine: number, meta: BlockMeta): AddResult {
    if (!Number.isInteger(startLine) || !Number.isInteger(endLine) || startLine < 1 || endLine < startLine) {
      throw new RangeError(`invalid block lines ${startLine}-${endLine}`);
    }
    let start = startLine - 1;
    let end = endLine - 1;
    const now = this.now();
    const blocks = this.sorted;

    const first = this.firstEndingAtOrAfter(start - 1);
    const near: TrackedBlock[] = [];
    for (let i = first; i < blocks.length && blocks[i].start <= end + 1; i++) near.push(blocks[i]);

    const container = near.find((block) => block.start <= start && block.end >= end);
    if (container) {
      if (this.canMerge(container, meta, now)) container.lastGrownAt = now;
      return { block: toBlock(container), outcome: 'absorbed', removed: [], clipped: [] };
    }

    const mergeable = near.filter((block) => this.canMerge(block, meta, now));
    const removed: Block[] = [];
    const clipped: Block[] = [];
    let target: TrackedBlock;
    let outcome: AddResult['outcome'];
    if (mergeable.length > 0) {
      target = mergeable[0];
      start = Math.min(start, ...mergeable.map((block) => block.start));
      end = Math.max(end, ...mergeable.map((block) => block.end));
      for (const other of mergeable.slice(1)) {
        target.modified ||= other.modified;
        removed.push(toBlock(other));
      }
      outcome = 'merged';
    } else {
      target = {
        id: meta.id ?? randomUUID(),
        start,
        end,
        source: meta.source,
        confidence: meta.confidence,
        agent: meta.agent,
        model: meta.model,
        createdAt: meta.createdAt ?? new Date(now).toISOString(),
        modified: meta.modified ?? false,
        lastGrownAt: now,
      };
      outcome = 'added';
    }
    target.start = start;
    target.end = end;
    target.lastGrownAt = now;

    const kept: TrackedBlock[] = [];
    for (const block of blocks) {
      if (block === target || mergeable.includes(block)) continue;
      if (block.end < start || block.start > end) {
        kept.push(block);
      } else if (block.start >= start && block.end <= end) {
        removed.push(toBlock(block));
      } else {
        // Partial overlap on one side only: a block spanning both sides would contain the new range.
        if (block.start < start) block.end = start - 1;
        else block.start = end + 1;
        clipped.push(toBlock(block));
        kept.push(block);
      }
    }
    kept.splice(insertionIndex(kept, start), 0, target);
    this.sorted = kept;
    return { block: toBlock(target), outcome, removed, clipped };
  }

  private canMerge(block: TrackedBlock, meta: BlockMeta, now: number): boolean {
    return (
      block.source === meta.source &&
      block.agent === meta.agent &&
      block.model === meta.model &&
      block.lastGrownAt > 0 &&
      now - block.lastGrownAt <= this.mergeWindowMs
    );
  }

  /**
   * Replaces all blocks with `blocks` (1-based, as restored from records and re-anchored).
   * Overlapping blocks are resolved in the order given: a later block loses the lines an earlier
   * one already holds, and is left out when nothing remains of it.
   */
  setBlocks(blocks: readonly Block[]): void {
    const taken: TrackedBlock[] = [];
    for (const block of blocks) {
      const tracked = fromBlock(block);
      let pieceStart = tracked.start;
      let pieceEnd = tracked.end;
      for (const other of taken) {
        if (other.end < pieceStart || other.start > pieceEnd) continue;
        if (other.start <= pieceStart) pieceStart = Math.max(pieceStart, other.end + 1);
        else pieceEnd = Math.min(pieceEnd, other.start - 1);
      }
      if (pieceStart > pieceEnd) continue;
      tracked.start = pieceStart;
      tracked.end = pieceEnd;
      taken.push(tracked);
    }
    this.sorted = taken.sort((a, b) => a.start - b.start);
  }

  /** Stops tracking a block; returns it, or undefined when no block has that id. */
  removeBlock(id: string): Block | undefined {
    const index = this.sorted.findIndex((block) => block.id === id);
    if (index < 0) return undefined;
    const [removed] = this.sorted.splice(index, 1);
    return toBlock(removed);
  }

  /**
   * Sets a block's `modified` flag: the caller clears it when the block's text is back to what was
   * recorded (for example after a formatter, whose edits set the flag but leave the hashes equal).
   */
  setModified(id: string, modified: boolean): Block | undefined {
    const block = this.sorted.find((candidate) => candidate.id === id);
    if (!block) return undefined;
    block.modified = modified;
    return toBlock(block);
  }

  /** The block with this id. */
  get(id: string): Block | undefined {
    const block = this.sorted.find((candidate) => candidate.id === id);
    return block && toBlock(block);
  }

  /** The block covering `line` (1-based), by binary search. */
  blockAtLine(line: number): Block | undefined {
    const index = this.firstEndingAtOrAfter(line - 1);
    const block = this.sorted[index];
    return block && block.start <= line - 1 ? toBlock(block) : undefined;
  }

  /** All blocks in line order, in the public shape (1-based, inclusive). */
  toBlocks(): Block[] {
    return this.sorted.map(toBlock);
  }

  /** Same as {@link toBlocks}. */
  blocks(): Block[] {
    return this.toBlocks();
  }

  /**
   * Finds the blocks again in `text` by content, when change events cannot be trusted: the
   * document was reloaded from disk, reverted, or replaced as a whole. `lineHashes` gives each
   * block's recorded line hashes; a block without hashes is kept where it is. Blocks found fuzzily
   * are marked modified; lost blocks stop being tracked and are returned.
   */
  reanchor(text: string, lineHashes: ReadonlyMap<string, readonly string[]>, options?: AnchorOptions): ReanchorResult {
    const withHashes = this.sorted.filter((block) => lineHashes.has(block.id));
    const anchored = anchorBlocks(
      withHashes.map((block) => ({ id: block.id, startLine: block.start + 1, lineHashes: lineHashes.get(block.id) ?? [] })),
      text,
      options,
    );
    const results = new Map<string, AnchorResult>();
    const lost: Block[] = [];
    const kept: TrackedBlock[] = this.sorted.filter((block) => !lineHashes.has(block.id));
    withHashes.forEach((block, index) => {
      const found = anchored[index];
      results.set(block.id, found);
      if (found.kind === 'lost') {
        lost.push(toBlock(block));
        return;
      }
      block.start = found.startLine - 1;
      block.end = found.endLine - 1;
      if (found.kind === 'fuzzy') block.modified = true;
      kept.push(block);
    });
    // Blocks without hashes stay put; drop any that a re-anchored block now overlaps.
    kept.sort((a, b) => a.start - b.start);
    const disjoint: TrackedBlock[] = [];
    for (const block of kept) {
      const previous = disjoint[disjoint.length - 1];
      if (previous && previous.end >= block.start) {
        const loser = lineHashes.has(previous.id) ? block : previous;
        lost.push(toBlock(loser));
        if (loser === previous) disjoint[disjoint.length - 1] = block;
        continue;
      }
      disjoint.push(block);
    }
    this.sorted = disjoint;
    return { results, lost };
  }
}

function insertionIndex(blocks: readonly TrackedBlock[], start: number): number {
  let low = 0;
  let high = blocks.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (blocks[mid].start < start) low = mid + 1;
    else high = mid;
  }
  return low;
}

function toBlock(block: TrackedBlock): Block {
  const out: Block = {
    id: block.id,
    startLine: block.start + 1,
    endLine: block.end + 1,
    source: block.source,
    confidence: block.confidence,
    createdAt: block.createdAt,
    modified: block.modified,
  };
  if (block.agent !== undefined) out.agent = block.agent;
  if (block.model !== undefined) out.model = block.model;
  return out;
}

function fromBlock(block: Block): TrackedBlock {
  return {
    id: block.id,
    start: block.startLine - 1,
    end: block.endLine - 1,
    source: block.source,
    confidence: block.confidence,
    agent: block.agent,
    model: block.model,
    createdAt: block.createdAt,
    modified: block.modified,
    lastGrownAt: 0,
  };
}
