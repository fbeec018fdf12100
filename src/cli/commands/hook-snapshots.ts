import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../core/workspace/fs';
import { ensureCacheIgnored, LOCAL_CACHE_DIR } from '../../core/hooks/local-cache';

/**
 * Copies of files taken by an agent's before-tool hook, so the after-tool hook can compute exactly
 * which lines the tool changed. They live in `.comprehension/.cache/hooks/`, which git ignores
 * (see {@link ensureCacheIgnored}), and each is deleted once its after hook has read it.
 */

/** Workspace-relative folder of the snapshots. */
export const HOOK_CACHE_DIR = `${LOCAL_CACHE_DIR}/hooks`;

/** Snapshots older than this are stale (their tool call failed or was denied) and removed. */
export const SNAPSHOT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A file as it was before a tool wrote it. */
export interface Snapshot {
  /** Workspace-relative path. */
  path: string;
  /** False when the tool is about to create the file. */
  existed: boolean;
  /** The text; absent when the file existed but is binary or too large to follow. */
  text?: string;
  takenAt: string;
}

/** The snapshot file name for one tool call on one file: the same for its before and after hooks. */
export function snapshotKey(agent: string, path: string, callId?: string): string {
  return createHash('sha256').update([agent, callId ?? '', path].join('\0')).digest('hex').slice(0, 32);
}

function snapshotFile(root: string, key: string): string {
  return join(root, HOOK_CACHE_DIR, `${key}.json`);
}

/** Stores a snapshot (atomically), making sure git ignores the cache first. */
export async function saveSnapshot(root: string, key: string, snapshot: Snapshot): Promise<void> {
  await ensureCacheIgnored(root);
  await writeFileAtomic(snapshotFile(root, key), JSON.stringify(snapshot));
}

/** Reads and deletes a snapshot; undefined when there is none (or it is unreadable). */
export async function takeSnapshot(root: string, key: string): Promise<Snapshot | undefined> {
  const file = snapshotFile(root, key);
  const read = await readJsonFile<Snapshot>(file);
  if (read.kind === 'missing') return undefined;
  await rm(file, { force: true });
  if (read.kind !== 'ok' || typeof read.value !== 'object' || read.value === null || typeof read.value.existed !== 'boolean') return undefined;
  return read.value;
}

/** Removes snapshots older than {@link SNAPSHOT_MAX_AGE_MS}; returns how many. */
export async function pruneSnapshots(root: string, now = Date.now()): Promise<number> {
  const folder = join(root, HOOK_CACHE_DIR);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = join(folder, name);
    try {
      if (now - (await stat(file)).mtimeMs > SNAPSHOT_MAX_AGE_MS) {
        await rm(file, { force: true });
        removed++;
      }
    } catch {
      // Another hook removed it meanwhile.
    }
  }
  return removed;
}

export { CACHE_IGNORE_LINE, ensureCacheIgnored } from '../../core/hooks/local-cache';

/**
 * A shell tool's view of the working tree before it ran: the files git saw changed (modified,
 * added or untracked), with their text, bounded by {@link MAX_TREE_FILES}. Files clean before are
 * compared against `HEAD` afterwards.
 */
export interface TreeSnapshot {
  files: Snapshot[];
  /** More files were changed than were kept: the diff afterwards skips those not kept. */
  truncated: boolean;
  takenAt: string;
}

/** Changed files a shell tool's snapshot keeps, at most; each also bounded in size by the text reader. */
export const MAX_TREE_FILES = 200;

/** Stores a working-tree snapshot under `key`. */
export async function saveTreeSnapshot(root: string, key: string, snapshot: TreeSnapshot): Promise<void> {
  await ensureCacheIgnored(root);
  await writeFileAtomic(snapshotFile(root, key), JSON.stringify(snapshot));
}

/** Reads and deletes a working-tree snapshot; undefined when there is none (or it is unreadable). */
export async function takeTreeSnapshot(root: string, key: string): Promise<TreeSnapshot | undefined> {
  const file = snapshotFile(root, key);
  const read = await readJsonFile<TreeSnapshot>(file);
  if (read.kind === 'missing') return undefined;
  await rm(file, { force: true });
  if (read.kind !== 'ok' || typeof read.value !== 'object' || read.value === null || !Array.isArray(read.value.files)) return undefined;
  return read.value;
}
