import { join } from 'node:path';
import { loadWorkspaceBlocks } from '../check/check-run';
import { blockContentHash, blockTextOf } from '../notes/content-hash';
import type { StoreProblem } from '../provenance/store';
import { LineIndex } from '../text/line-index';
import { readBoundedFile } from '../workspace/fs';
import { changedLinesSince, touchesChangedLines } from '../workspace/git';

/** Files Stryker's instrumenter can mutate (JavaScript and TypeScript, plain or JSX). */
export const MUTABLE_EXTENSIONS: readonly string[] = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];

/** Largest source file mutated: Stryker instruments the whole file, and an AI block lives in code people read. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** One AI block to mutation-test: where it is now and the content its results are cached under. */
export interface MutationTarget {
  blockId: string;
  /** Workspace-relative POSIX path. */
  path: string;
  /** 1-based, inclusive, clipped to the file. */
  startLine: number;
  endLine: number;
  /** `blockContentHash` of the block's text now (the key its cached result is valid for). */
  contentHash: string;
}

/** An AI block that is not mutation-tested, and why (named in the output, never dropped silently). */
export interface SkippedTarget {
  blockId: string;
  path: string;
  reason: string;
}

/** Which blocks {@link selectMutationTargets} picks. */
export interface TargetSelection {
  /** Only blocks with a line added or changed since this git ref (working tree against the ref). */
  changedSince?: string;
  /** Only this block. */
  blockId?: string;
  /** Only blocks in these workspace-relative files or folders. */
  paths?: readonly string[];
}

/** The AI blocks of a workspace that `comprehension mutate` tests, the ones it cannot, and unreadable records. */
export interface SelectedTargets {
  targets: MutationTarget[];
  skipped: SkippedTarget[];
  problems: StoreProblem[];
}

/**
 * The live (not lost) AI blocks of a workspace as mutation targets: their recorded lines clipped to
 * the file as it is now, and the content hash of those lines. Blocks in files Stryker cannot
 * mutate, or files that cannot be read, are returned as skipped with the reason.
 */
export async function selectMutationTargets(root: string, selection: TargetSelection = {}): Promise<SelectedTargets> {
  const { byPath, problems } = await loadWorkspaceBlocks(root);
  const changed = selection.changedSince === undefined ? undefined : await changedLinesSince(root, selection.changedSince);
  const inPaths = (path: string) => !selection.paths?.length || selection.paths.some((prefix) => prefix === '' || path === prefix || path.startsWith(`${prefix.replace(/\/$/, '')}/`));
  const targets: MutationTarget[] = [];
  const skipped: SkippedTarget[] = [];
  for (const path of [...byPath.keys()].sort()) {
    if (!inPaths(path)) continue;
    const blocks = byPath.get(path)!.filter((block) => selection.blockId === undefined || block.id === selection.blockId);
    if (blocks.length === 0) continue;
    if (!MUTABLE_EXTENSIONS.some((extension) => path.toLowerCase().endsWith(extension))) {
      for (const block of blocks) skipped.push({ blockId: block.id, path, reason: 'not JavaScript or TypeScript; Stryker mutates only those' });
      continue;
    }
    const read = await readBoundedFile(join(root, ...path.split('/')), { root, maxBytes: MAX_SOURCE_BYTES });
    if (read.kind !== 'ok') {
      const reason = read.kind === 'missing' ? 'the file does not exist' : read.reason;
      for (const block of blocks) skipped.push({ blockId: block.id, path, reason });
      continue;
    }
    const text = read.bytes.toString('utf8');
    const lines = new LineIndex(text);
    for (const block of blocks) {
      const startLine = Math.max(1, block.startLine);
      const endLine = Math.min(block.endLine, lines.lineCount);
      if (endLine < startLine) {
        skipped.push({ blockId: block.id, path, reason: `its lines ${block.startLine}-${block.endLine} are past the end of the file` });
        continue;
      }
      if (changed && !touchesChangedLines(changed.get(path), startLine, endLine)) continue;
      targets.push({ blockId: block.id, path, startLine, endLine, contentHash: blockContentHash(blockTextOf(text, { startLine, endLine }, lines)) });
    }
  }
  return { targets, skipped, problems };
}
