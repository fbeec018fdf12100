/**
 * Splitting a check across CI jobs (`comprehension check --shard I/N`): each file belongs to exactly
 * one shard, decided by a hash of its workspace-relative path alone, so the split is stable across
 * machines and runs and the union of the N shards is the whole check.
 */
import { createHash } from 'node:crypto';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Reads `I/N` (1 ≤ I ≤ N ≤ 1000); a message saying what is wrong otherwise. */
export function parseShard(text: string): Shard | string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return `--shard takes I/N (for example 2/4), not '${text}'`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 1000) return `--shard: N must be between 1 and 1000, not ${count}`;
  if (index < 1 || index > count) return `--shard: I must be between 1 and ${count}, not ${index}`;
  return { index, count };
}

/** Whether a workspace-relative POSIX path belongs to `shard`. */
export function inShard(path: string, shard: Shard): boolean {
  if (shard.count === 1) return true;
  const bucket = createHash('sha256').update(path).digest().readUInt32BE(0) % shard.count;
  return bucket === shard.index - 1;
}
