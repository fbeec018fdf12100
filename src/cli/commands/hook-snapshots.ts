import { createHash, randomBytes } from 'node:crypto';
import { lstat, readdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { changedLineRangesByKey, type ChangedRange } from '../../core/provenance/changed-ranges';
import { splitLines } from '../../core/text/diff';
import { parseJsonText, readBoundedFile, writeFileAtomic } from '../../core/workspace/fs';
import { workspaceRelativePath } from '../../core/workspace/paths';
import { ensureCacheIgnored, LOCAL_CACHE_DIR } from '../../core/hooks/local-cache';

/**
 * What an agent's before-tool hook keeps of the files the tool names, so the after-tool hook can
 * compute exactly which lines the tool changed. The diff only compares lines for equality, so a
 * snapshot keeps a salted hash per line, never the text: a `.env` the agent edits leaves no copy
 * of its secrets behind, not even for the day a snapshot whose after hook never came is kept.
 * They live in `.comprehension/.cache/hooks/`, which git ignores (see {@link ensureCacheIgnored}),
 * each is deleted once its after hook has read it, and every hook run removes stale ones.
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
  /** Its lines, as {@link LineDigest}; absent when the file existed but is binary or too large to follow. */
  lines?: LineDigest;
  takenAt: string;
}

/** A text's lines as salted hashes: enough to diff, nothing to read back. */
export interface LineDigest {
  /** Random per snapshot, so equal lines of two files (or a guessed line) hash differently. */
  salt: string;
  /** One hash per {@link splitLines} line; `[]` for an empty text. */
  hashes: string[];
}

function lineHasher(salt: string): (line: string) => string {
  // 96 bits per line: no collision among a file's lines, and the salt defeats precomputed tables.
  return (line) => createHash('sha256').update(salt).update('\0').update(line).digest('base64').slice(0, 16);
}

/** The {@link LineDigest} of `text` with a fresh salt (or `salt`, to compare with another digest). */
export function digestLines(text: string, salt: string = randomBytes(12).toString('base64')): LineDigest {
  return { salt, hashes: text.length === 0 ? [] : splitLines(text).map(lineHasher(salt)) };
}

/** Whether `text` has exactly the lines `digest` was made of. */
export function sameLines(digest: LineDigest, text: string): boolean {
  const now = digestLines(text, digest.salt).hashes;
  return now.length === digest.hashes.length && now.every((hash, index) => hash === digest.hashes[index]);
}

/** The lines of `after` added or changed since `before` was digested (see `changedLineRanges`). */
export function changedSince(before: LineDigest, after: string): ChangedRange[] {
  return changedLineRangesByKey(before.hashes, after, lineHasher(before.salt));
}

function isLineDigest(value: unknown): value is LineDigest {
  const digest = value as LineDigest;
  return typeof value === 'object' && value !== null && typeof digest.salt === 'string' && Array.isArray(digest.hashes) && digest.hashes.every((hash) => typeof hash === 'string');
}

/** A snapshot file's name: {@link snapshotKey} and `.json`. Nothing else in the folder is ever removed by a hook. */
const SNAPSHOT_FILE_NAME = /^[0-9a-f]{32}\.json$/;

/** Snapshot files are refused above this size (a tree snapshot of 200 large files stays far below). */
const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** The snapshot file name for one tool call on one file: the same for its before and after hooks. */
export function snapshotKey(agent: string, path: string, callId?: string): string {
  return createHash('sha256').update([agent, callId ?? '', path].join('\0')).digest('hex').slice(0, 32);
}

function snapshotFile(root: string, key: string): string {
  return join(root, HOOK_CACHE_DIR, `${key}.json`);
}

/** Stores a snapshot (atomically), making sure git ignores the cache first. */
export async function saveSnapshot(root: string, key: string, snapshot: Snapshot): Promise<void> {
  await saveSnapshotFile(root, key, snapshot);
}

async function saveSnapshotFile(root: string, key: string, value: Snapshot | TreeSnapshot): Promise<void> {
  await ensureCacheIgnored(root);
  // Confined: a `.cache` linked out of the workspace is refused, not written through.
  await writeFileAtomic(snapshotFile(root, key), JSON.stringify(value), { root });
}

/** Reads and deletes a snapshot; undefined when there is none (or it is unreadable). */
export async function takeSnapshot(root: string, key: string): Promise<Snapshot | undefined> {
  const value = await takeSnapshotFile(root, key);
  const snapshot = value as Snapshot | undefined;
  if (typeof snapshot?.existed !== 'boolean' || (snapshot.lines !== undefined && !isLineDigest(snapshot.lines))) return undefined;
  return snapshot;
}

/**
 * Reads a snapshot file and deletes it. A file refused by the bounded reader (a link out of the
 * workspace, a FIFO) is neither read nor deleted: deleting through a link would delete elsewhere.
 */
async function takeSnapshotFile(root: string, key: string): Promise<unknown> {
  const file = snapshotFile(root, key);
  const read = await readBoundedFile(file, { root, maxBytes: MAX_SNAPSHOT_BYTES });
  if (read.kind !== 'ok') return undefined;
  await rm(file, { force: true });
  const parsed = parseJsonText<unknown>(read.bytes.toString('utf8'), file);
  return parsed.kind === 'ok' && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : undefined;
}

/**
 * Removes snapshots older than {@link SNAPSHOT_MAX_AGE_MS} (a tool call whose after hook never
 * came); returns how many. Only snapshot file names are touched, and nothing when the folder leads
 * out of the workspace: a committed link must not turn this into deleting someone's old files.
 */
export async function pruneSnapshots(root: string, now = Date.now()): Promise<number> {
  const folder = join(root, HOOK_CACHE_DIR);
  let names: string[];
  try {
    const [realRoot, realFolder] = await Promise.all([realpath(root), realpath(folder)]);
    if (workspaceRelativePath(realRoot, realFolder) === undefined) return 0;
    names = (await readdir(folder)).filter((name) => SNAPSHOT_FILE_NAME.test(name));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = join(folder, name);
    try {
      const stats = await lstat(file);
      if (stats.isFile() && now - stats.mtimeMs > SNAPSHOT_MAX_AGE_MS) {
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
 * added or untracked), with their lines' hashes, bounded by {@link MAX_TREE_FILES}. Files clean
 * before are compared against `HEAD` afterwards.
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
  await saveSnapshotFile(root, key, snapshot);
}

/** Reads and deletes a working-tree snapshot; undefined when there is none (or it is unreadable). */
export async function takeTreeSnapshot(root: string, key: string): Promise<TreeSnapshot | undefined> {
  const tree = (await takeSnapshotFile(root, key)) as TreeSnapshot | undefined;
  if (!Array.isArray(tree?.files) || !tree.files.every((file) => typeof file?.path === 'string' && (file.lines === undefined || isLineDigest(file.lines)))) return undefined;
  return tree;
}
