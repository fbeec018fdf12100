import { join } from 'node:path';
import { ensureCacheIgnored } from '../hooks/local-cache';
import { blockContentHash, blockTextOf } from '../notes/content-hash';
import type { Block } from '../provenance/block';
import { LineIndex } from '../text/line-index';
import { readBoundedFileSync, writeFileAtomic } from '../workspace/fs';
import { mutationCachePathFor } from '../workspace/layout';
import type { BlockMutationResult } from './results';

/**
 * Mutation results per AI block in `.comprehension/.cache/mutation/<block id>.json`: written by
 * `comprehension mutate`, read by the editor, which never runs Stryker itself. A result holds for the
 * block content it was tested with ({@link BlockMutationResult.contentHash}); once the block
 * changes it is stale and not shown. The cache is machine-local (git-ignored): it depends on the
 * tests and the Stryker installed here.
 */

/** A cached result is a few KiB; anything far larger is not one. */
const MAX_RESULT_BYTES = 4 * 1024 * 1024;

/** Writes each block's result, replacing the one cached before; makes sure git ignores the cache. */
export async function writeMutationResults(root: string, results: readonly BlockMutationResult[]): Promise<void> {
  if (results.length === 0) return;
  await ensureCacheIgnored(root);
  for (const result of results) {
    await writeFileAtomic(join(root, ...mutationCachePathFor(result.blockId).split('/')), `${JSON.stringify(result, null, 2)}\n`, { root });
  }
}

/** The cached result of `blockId`, whatever content it was tested with; undefined when none is cached or it is unreadable. */
export function readMutationResult(root: string, blockId: string): BlockMutationResult | undefined {
  const read = readBoundedFileSync(join(root, ...mutationCachePathFor(blockId).split('/')), { root, maxBytes: MAX_RESULT_BYTES });
  if (read.kind !== 'ok') return undefined;
  try {
    const value = JSON.parse(read.bytes.toString('utf8')) as Partial<BlockMutationResult>;
    const valid =
      value.version === 1 &&
      value.blockId === blockId &&
      typeof value.contentHash === 'string' &&
      typeof value.counts === 'object' &&
      value.counts !== null &&
      Array.isArray(value.survivors) &&
      value.survivors.every((mutant) => Number.isInteger(mutant?.line) && Number.isInteger(mutant?.column) && Number.isInteger(mutant?.endLine) && Number.isInteger(mutant?.endColumn) && typeof mutant?.original === 'string' && typeof mutant?.replacement === 'string');
    return valid ? (value as BlockMutationResult) : undefined;
  } catch {
    return undefined;
  }
}

/** The cached result of a block when it was tested with exactly `contentHash` (the block as it is now). */
export function currentMutationResult(root: string, blockId: string, contentHash: string): BlockMutationResult | undefined {
  const result = readMutationResult(root, blockId);
  return result?.contentHash === contentHash ? result : undefined;
}

/**
 * The cached results that hold for `blocks` in `text` (a file's current content): each block whose
 * lines have the content it was tested with. Blocks never tested, or changed since, are left out.
 */
export function currentMutationResults(root: string, text: string, blocks: readonly Pick<Block, 'id' | 'startLine' | 'endLine'>[], lines: LineIndex = new LineIndex(text)): { block: Pick<Block, 'id' | 'startLine' | 'endLine'>; result: BlockMutationResult }[] {
  const out: { block: Pick<Block, 'id' | 'startLine' | 'endLine'>; result: BlockMutationResult }[] = [];
  for (const block of blocks) {
    const cached = readMutationResult(root, block.id);
    if (cached && cached.contentHash === blockContentHash(blockTextOf(text, block, lines))) out.push({ block, result: cached });
  }
  return out;
}
