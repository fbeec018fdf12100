import { randomBytes } from 'node:crypto';
import { closeSync, constants, type Dir, fstatSync, lstatSync, mkdirSync, opendirSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { workspaceRelativePath } from './paths';

/**
 * Default cap of {@link readBoundedFile}: far above any policy, record, note or manifest a person
 * writes, far below what would hurt the process.
 */
export const DEFAULT_MAX_READ_BYTES = 16 * 1024 * 1024;
/** Bytes read per call while enforcing a cap. */
const READ_CHUNK_BYTES = 64 * 1024;
/** `O_NONBLOCK` so that opening a FIFO returns at once (and is then refused) instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
/** `O_NOFOLLOW` where the platform has it (not Windows): opening a link then fails with `ELOOP`. */
const NO_FOLLOW: number | undefined = constants.O_NOFOLLOW;

/** Where a bounded read may go. */
export interface BoundedReadOptions {
  /**
   * The workspace root: the file, with every link resolved, must lie inside it. Without a root the
   * path is only required to be a regular file (files the user named outside any workspace).
   */
  root?: string;
  /**
   * `root` is already a real path (the caller resolved it once for many reads, as a check of a whole
   * tree does): it is not resolved again on every read.
   */
  rootIsReal?: boolean;
  /** Refuse files longer than this many bytes (default {@link DEFAULT_MAX_READ_BYTES}). Counted while reading. */
  maxBytes?: number;
  /**
   * Real paths of folders already resolved during one pass over a tree (a check run), shared by its
   * reads: a file whose last component is no link is then found by one `lstat` instead of a
   * `realpath` of every folder on its way. A link, or a folder not yet seen, is resolved in full.
   * Only for one pass: a folder replaced by a link later is not noticed.
   */
  realFolders?: Map<string, string>;
  /**
   * With `realFolders`: the pass listed this path as a regular file, not a link, so its last
   * component is opened without following links (`O_NOFOLLOW`) rather than looked at with `lstat`
   * first (a system call per file, about a twentieth of a secrets-only check). A link found there
   * now is resolved and confined in full; the opened descriptor's kind is checked as always, so a
   * FIFO put there since the listing is opened without blocking and refused (as a device node would
   * be, which only root can make).
   */
  listedAsFile?: boolean;
}

/** What {@link readBoundedFile} found. `refused` says why in one line naming the file. */
export type BoundedRead = { kind: 'ok'; bytes: Buffer } | { kind: 'missing' } | BoundedReadRefusal;

/** Why a bounded read refused a file, with a one-line `reason` that names it. */
export interface BoundedReadRefusal {
  kind: 'refused';
  cause: 'outside-root' | 'folder' | 'not-regular' | 'too-large' | 'unreadable';
  reason: string;
}

function refused(cause: BoundedReadRefusal['cause'], reason: string): BoundedReadRefusal {
  return { kind: 'refused', cause, reason };
}

function unreadable(path: string, error: unknown): BoundedReadRefusal {
  return refused('unreadable', `${path}: cannot be read: ${(error as Error).message}`);
}

/** Which error codes mean "there is no such file" (a folder on the way counts as none). */
function isMissingError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function confinementProblem(path: string, resolved: string, rootResolved: string | undefined): BoundedReadRefusal | undefined {
  if (rootResolved === undefined) return undefined;
  // Both are real paths (no `.` or `..` left): under the root's folder is inside. Anything else is asked in full.
  if (resolved.length > rootResolved.length && resolved.startsWith(rootResolved) && resolved[rootResolved.length] === sep && !rootResolved.endsWith(sep)) return undefined;
  if (workspaceRelativePath(rootResolved, resolved) !== undefined) return undefined;
  return refused('outside-root', `${path}: refused: it leads outside the workspace (to ${resolved})`);
}

function kindProblem(path: string, stats: { isFile(): boolean; isDirectory(): boolean }): BoundedReadRefusal | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return refused('folder', `${path}: refused: a folder, not a file`);
  return refused('not-regular', `${path}: refused: not a regular file (a device, FIFO or socket)`);
}

function tooLarge(path: string, maxBytes: number): BoundedReadRefusal {
  return refused('too-large', `${path}: refused: larger than ${maxBytes} bytes`);
}

/**
 * The one way repository files are read. Regular files only (devices, FIFOs and sockets are refused,
 * checked on the opened descriptor too, so a swap after the check does not help), links resolved and
 * confined to `root`, and a size cap counted while reading: `stat` sizes are not trusted (`/dev/zero`
 * and `/proc` files report 0). Never throws for a bad file; the result says what happened.
 */
export function readBoundedFileSync(path: string, options: BoundedReadOptions = {}): BoundedRead {
  return readBoundedSync(path, options, false);
}

/**
 * Largest read served from this thread's {@link scratchBuffer}: a check reads thousands of files
 * whose bytes live only until they are decoded, and allocating each one's buffer afresh cost about
 * a quarter of reading and decoding them (fresh memory, and collections to free it).
 */
const SCRATCH_MAX_BYTES = 4 * 1024 * 1024;
let scratchBuffer: Buffer | undefined;

function scratchOf(size: number): Buffer {
  if (scratchBuffer === undefined || scratchBuffer.length < size) scratchBuffer = Buffer.allocUnsafe(Math.max(size, 64 * 1024));
  return scratchBuffer;
}

/**
 * {@link readBoundedFileSync}, where `borrowed` lets the bytes of a file read in one call live in
 * this thread's scratch buffer: valid only until the next borrowed read, so only for callers that
 * decode them at once and keep nothing of the buffer.
 */
function readBoundedSync(path: string, options: BoundedReadOptions, borrowed: boolean): BoundedRead {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  let resolved: string;
  /** The resolved file's stats when resolving them came for free (a last component that is no link). */
  let resolvedStats: Stats | undefined;
  let rootResolved: string | undefined;
  /** The last component was listed as a regular file in this pass: opened with `O_NOFOLLOW`, not looked at first. */
  const openedUnfollowed = options.listedAsFile === true && options.realFolders !== undefined && NO_FOLLOW !== undefined;
  try {
    if (options.root !== undefined) rootResolved = options.rootIsReal ? options.root : realpathSync.native(options.root);
    if (openedUnfollowed) resolved = inRealFolder(path, options.realFolders!);
    else if (options.realFolders) ({ resolved, stats: resolvedStats } = resolveThroughFolders(path, options.realFolders));
    else {
      // Most reads here are probes for files that are not there (a lockfile or package.json in each
      // folder of a check): told so without an exception, whose making costs five times the system call.
      if (statSync(path, { throwIfNoEntry: false }) === undefined) return { kind: 'missing' };
      resolved = realpathSync.native(path);
    }
  } catch (error) {
    if (isMissingError(error)) return { kind: 'missing' };
    return unreadable(path, error);
  }
  const outside = confinementProblem(path, resolved, rootResolved);
  if (outside) return outside;
  let fd: number;
  try {
    if (openedUnfollowed) fd = openSync(resolved, OPEN_FLAGS | NO_FOLLOW!);
    else {
      // Opening is for regular files only (a FIFO or device is never opened); fstat below checks again.
      const wrongKind = kindProblem(path, resolvedStats ?? statSync(resolved));
      if (wrongKind) return wrongKind;
      fd = openSync(resolved, OPEN_FLAGS);
    }
  } catch (error) {
    // Replaced by a link since it was listed: resolved and confined in full, like any link.
    if (openedUnfollowed && (error as NodeJS.ErrnoException).code === 'ELOOP') return readBoundedSync(path, { ...options, listedAsFile: false }, borrowed);
    if (isMissingError(error)) return { kind: 'missing' };
    return unreadable(path, error);
  }
  try {
    const stats = fstatSync(fd);
    const wrongKind = kindProblem(path, stats);
    if (wrongKind) return wrongKind;
    // A regular file's size may be under what it holds (a file still growing), never over: too large is too large.
    if (stats.size > maxBytes) return tooLarge(path, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    // The size stat reports only sizes the first buffer (one read for most files, one byte to spare
    // to see growth); the cap is still counted on what is read.
    let next = Math.max(1, Math.min(stats.size + 1, maxBytes + 1));
    for (;;) {
      const fromScratch = borrowed && chunks.length === 0 && next <= SCRATCH_MAX_BYTES;
      const chunk = fromScratch ? scratchOf(next).subarray(0, next) : Buffer.allocUnsafe(next);
      const count = readSync(fd, chunk, 0, chunk.length, null);
      if (count === 0) break;
      total += count;
      if (total > maxBytes) return tooLarge(path, maxBytes);
      // A regular file reads short only at its end: no second read to be told so.
      if (count < chunk.length) {
        chunks.push(chunk.subarray(0, count));
        break;
      }
      // More to come: the scratch buffer is the next read's, so its bytes are kept in a copy.
      chunks.push(fromScratch ? Buffer.from(chunk) : chunk);
      next = Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total);
    }
    return { kind: 'ok', bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (error) {
    return unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * The real path of `path` using (and filling) `realFolders`: its folder resolved once per pass, its
 * last component checked with `lstat`; a link there is resolved in full (and then confined). The
 * `lstat` of a last component that is no link is the file's own stats, returned to spare a `stat`.
 */
function resolveThroughFolders(path: string, realFolders: Map<string, string>): { resolved: string; stats?: Stats } {
  const realFolder = realFolderOf(dirname(path), realFolders);
  const candidate = join(realFolder, basename(path));
  const stats = lstatSync(candidate);
  return stats.isSymbolicLink() ? { resolved: realpathSync.native(candidate) } : { resolved: candidate, stats };
}

/**
 * The root part of {@link BoundedReadOptions} for many reads under one root: its real path,
 * resolved once (`rootIsReal`), so that each read resolves only its own path. A root that cannot be
 * resolved now is left for each read to resolve (and report). For a reader that lives as long as a
 * workspace: a root later replaced by a link leads its reads elsewhere, and they are refused.
 */
export function resolvedRoot(root: string): Pick<BoundedReadOptions, 'root' | 'rootIsReal'> {
  try {
    return { root: realpathSync.native(root), rootIsReal: true };
  } catch {
    return { root };
  }
}

/**
 * {@link readBoundedFileSync} for a caller that decodes the bytes before its next read and keeps no
 * part of the buffer (it is this thread's scratch buffer, overwritten by the next such read).
 */
export function readBoundedFileBorrowedSync(path: string, options: BoundedReadOptions = {}): BoundedRead {
  return readBoundedSync(path, options, true);
}

/**
 * `path` with its folder replaced by that folder's real path. A path a listing made (absolute,
 * normalized, with `/`: only where `O_NOFOLLOW` exists) is cut at its last slash; the folder's real
 * path comes from `realFolders` after the first file in it, so most files cost two string slices.
 */
function inRealFolder(path: string, realFolders: Map<string, string>): string {
  const slash = path.lastIndexOf('/');
  const folder = slash > 0 ? path.slice(0, slash) : dirname(path);
  const realFolder = realFolders.get(folder) ?? realFolderOf(folder, realFolders);
  return slash > 0 && !realFolder.endsWith('/') && sep === '/' ? `${realFolder}/${path.slice(slash + 1)}` : join(realFolder, basename(path));
}

/**
 * The real path of `folder`, built from its nearest known ancestor's: one `lstat` per folder on the
 * way that is no link, where `realpath` looks at every folder from the file system's root again (a
 * tree of a thousand folders ten deep asked ten thousand times). A link is resolved in full.
 */
function realFolderOf(folder: string, realFolders: Map<string, string>): string {
  const known = realFolders.get(folder);
  if (known !== undefined) return known;
  const unknown: string[] = [];
  let ancestor = folder;
  let real: string | undefined;
  for (;;) {
    unknown.push(ancestor);
    const parent = dirname(ancestor);
    if (parent === ancestor) break;
    real = realFolders.get(parent);
    if (real !== undefined) break;
    ancestor = parent;
  }
  for (let index = unknown.length - 1; index >= 0; index--) {
    const current = unknown[index];
    real = real === undefined || lstatSync(current).isSymbolicLink() ? realpathSync.native(current) : join(real, basename(current));
    realFolders.set(current, real);
  }
  return real!;
}

/** Asynchronous twin of {@link readBoundedFileSync}: the same rules, without blocking the event loop. */
export async function readBoundedFile(path: string, options: BoundedReadOptions = {}): Promise<BoundedRead> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  let resolved: string;
  let rootResolved: string | undefined;
  try {
    resolved = await realpath(path);
    if (options.root !== undefined) rootResolved = options.rootIsReal ? options.root : await realpath(options.root);
  } catch (error) {
    if (isMissingError(error)) return { kind: 'missing' };
    return unreadable(path, error);
  }
  const outside = confinementProblem(path, resolved, rootResolved);
  if (outside) return outside;
  let handle;
  try {
    const wrongKind = kindProblem(path, await stat(resolved));
    if (wrongKind) return wrongKind;
    handle = await open(resolved, OPEN_FLAGS);
  } catch (error) {
    if (isMissingError(error)) return { kind: 'missing' };
    return unreadable(path, error);
  }
  try {
    const wrongKind = kindProblem(path, await handle.stat());
    if (wrongKind) return wrongKind;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return tooLarge(path, maxBytes);
      chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
    }
    return { kind: 'ok', bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return unreadable(path, error);
  } finally {
    await handle.close();
  }
}

/** A bounded read as UTF-8 text; `missing` and `refused` pass through. */
export type BoundedTextRead = { kind: 'ok'; text: string } | { kind: 'missing' } | BoundedReadRefusal;

/** {@link readBoundedFileSync} decoded as UTF-8. */
export function readBoundedTextFileSync(path: string, options: BoundedReadOptions = {}): BoundedTextRead {
  const read = readBoundedSync(path, options, true);
  return read.kind === 'ok' ? { kind: 'ok', text: read.bytes.toString('utf8') } : read;
}

/** What {@link listBoundedFolderSync} found: the names of a folder's regular files, or why not. */
export type BoundedFolderList = { kind: 'ok'; names: string[]; truncated: boolean } | { kind: 'missing' } | BoundedReadRefusal;

/**
 * The names of the regular files directly in `path` (links, folders, devices left out), sorted,
 * with the same confinement as {@link readBoundedFileSync}: the folder, links resolved, must lie
 * inside `root`. At most `maxEntries` entries are read (`truncated` says so), so a folder of a
 * million files costs what a small one does.
 */
export function listBoundedFolderSync(path: string, options: { root?: string; maxEntries: number }): BoundedFolderList {
  let resolved: string;
  try {
    resolved = realpathSync.native(path);
    if (options.root !== undefined) {
      const outside = confinementProblem(path, resolved, realpathSync.native(options.root));
      if (outside) return outside;
    }
  } catch (error) {
    if (isMissingError(error)) return { kind: 'missing' };
    return unreadable(path, error);
  }
  let folder: Dir;
  try {
    folder = opendirSync(resolved);
  } catch (error) {
    // A file where the folder should be (ENOTDIR) is no folder to list either.
    if (isMissingError(error)) return { kind: 'missing' };
    return unreadable(path, error);
  }
  const names: string[] = [];
  let truncated = false;
  try {
    for (let read = 0; ; read++) {
      const entry = folder.readSync();
      if (entry === null) break;
      if (read >= options.maxEntries) {
        truncated = true;
        break;
      }
      if (entry.isFile()) names.push(entry.name);
    }
  } catch (error) {
    return unreadable(path, error);
  } finally {
    folder.closeSync();
  }
  return { kind: 'ok', names: names.sort(), truncated };
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The temp files {@link tempPathFor} names: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP_FILE_NAME = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * A temp file older than this was left by a killed writer. A younger one may be another process's
 * write in progress (a write takes milliseconds), so it is never touched.
 */
export const ORPHAN_TEMP_AGE_MS = 60_000;

/** When this process last removed orphan temp files per folder: a long-running editor sweeps again a minute later, not on every write. */
const lastSweep = new Map<string, number>();

/** Where an atomic write may go. */
export interface AtomicWriteOptions {
  /**
   * The workspace root: the target's folder, with every link resolved, must lie inside it, else
   * {@link WriteRefusedError}. Without it the path is written where it leads (files outside any
   * workspace: editor storage, a path the user named).
   */
  root?: string;
}

/**
 * A write refused because its folder leads outside the workspace (a committed symbolic link such
 * as `.comprehension/provenance -> /elsewhere`). The message names the path and where it leads.
 */
export class WriteRefusedError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

function outsideWrite(path: string, folder: string, resolved: string): WriteRefusedError {
  return new WriteRefusedError(path, `${path}: refused to write: ${folder} leads outside the workspace (to ${resolved})`);
}

function isInside(realRoot: string, resolved: string): boolean {
  return workspaceRelativePath(realRoot, resolved) !== undefined;
}

/**
 * Makes `folder` (the folder of `path`) ready for a write confined to `options.root`: the part that
 * exists is checked before anything is created (so `mkdir` never creates folders through a link
 * that leads out), the rest is created, and the whole is checked again. Then removes the orphan
 * temp files there ({@link removeOrphanTemps}), at most once a minute per folder and process. Synchronous on purpose:
 * a few `realpath` calls, and the async writer and its sync twin share every rule.
 */
export function prepareWriteFolder(path: string, folder: string, options: AtomicWriteOptions = {}): void {
  if (options.root === undefined) mkdirSync(folder, { recursive: true });
  else {
    const realRoot = realpathSync(options.root);
    let existing = folder;
    while (!pathExists(existing) && dirname(existing) !== existing) existing = dirname(existing);
    const resolvedExisting = resolvedOrUndefined(existing) ?? existing;
    if (!isInside(realRoot, resolvedExisting)) throw outsideWrite(path, existing, resolvedExisting);
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      // A dangling link on the way makes mkdir fail; the check below says so.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
    }
    const resolved = resolvedOrUndefined(folder);
    if (resolved === undefined) throw new WriteRefusedError(path, `${path}: refused to write: ${folder} is not a folder (a dangling link?)`);
    if (!isInside(realRoot, resolved)) throw outsideWrite(path, folder, resolved);
  }
  const now = Date.now();
  if (now - (lastSweep.get(folder) ?? -Infinity) > ORPHAN_TEMP_AGE_MS) {
    lastSweep.set(folder, now);
    removeOrphanTemps(folder, now);
  }
}

/** Whether something (a link included, dangling or not) has this name. */
function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function resolvedOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Removes the temp files of atomic writes in `folder` that a killed process left (older than
 * {@link ORPHAN_TEMP_AGE_MS}); returns how many. Only names {@link tempPathFor} makes are touched.
 */
export function removeOrphanTemps(folder: string, now = Date.now()): number {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => TEMP_FILE_NAME.test(name));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    try {
      const stats = lstatSync(join(folder, name));
      if (stats.isFile() && now - stats.mtimeMs > ORPHAN_TEMP_AGE_MS) {
        rmSync(join(folder, name), { force: true });
        removed++;
      }
    } catch {
      // Renamed or removed by its writer meanwhile.
    }
  }
  return removed;
}

/**
 * Writes a file so that readers see either the old or the new content, never a torn write:
 * the text goes to a temp file in the same folder, then replaces the target by rename (which
 * replaces a link at the target itself, never the file it points to). With `root`, a folder that
 * leads outside the workspace is refused ({@link WriteRefusedError}). Orphan temp files a killed
 * writer left in the folder are removed on the first write there.
 */
export async function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  prepareWriteFolder(path, dirname(path), options);
  const temp = tempPathFor(path);
  try {
    // `wx`: never through a link or file that appeared under the temp name.
    await writeFile(temp, content, { encoding: 'utf8', flush: true, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Synchronous twin of {@link writeFileAtomic}, for shutdown paths that cannot await. */
export function writeFileAtomicSync(path: string, content: string, options: AtomicWriteOptions = {}): void {
  prepareWriteFolder(path, dirname(path), options);
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, content, { encoding: 'utf8', flush: true, flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * A file's UTF-8 text, or undefined when it cannot be read (missing, a folder, no permission) or is
 * refused by {@link readBoundedFileSync} (outside `root`, not a regular file, over the cap).
 */
export function readTextFileSync(path: string, options: BoundedReadOptions = {}): string | undefined {
  const read = readBoundedTextFileSync(path, options);
  return read.kind === 'ok' ? read.text : undefined;
}

/** The outcome of reading a JSON file that may be missing or damaged. */
export type JsonRead<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'missing' }
  | { kind: 'corrupt'; message: string };

/**
 * Reads and parses a JSON file without throwing: a missing file and a damaged one are results,
 * so callers can report a corrupt file clearly and leave it untouched (nothing is lost).
 */
export async function readJsonFile<T>(path: string, options: BoundedReadOptions = {}): Promise<JsonRead<T>> {
  return jsonFromRead<T>(await readBoundedFile(path, options), path);
}

/** Synchronous twin of {@link readJsonFile}. */
export function readJsonFileSync<T>(path: string, options: BoundedReadOptions = {}): JsonRead<T> {
  return jsonFromRead<T>(readBoundedFileSync(path, options), path);
}

function jsonFromRead<T>(read: BoundedRead, path: string): JsonRead<T> {
  if (read.kind === 'missing') return { kind: 'missing' };
  if (read.kind === 'refused') return { kind: 'corrupt', message: read.reason };
  return parseJsonText<T>(read.bytes.toString('utf8'), path);
}

/**
 * Parses JSON. The error message names the position only: Node's own message quotes the text
 * around the error, and a damaged file may hold a secret that must not reach a log.
 */
export function parseJsonText<T>(text: string, path: string): JsonRead<T> {
  try {
    return { kind: 'ok', value: JSON.parse(text) as T };
  } catch (error) {
    return { kind: 'corrupt', message: `${path} is not valid JSON${jsonErrorPosition(text, (error as Error).message)}` };
  }
}

/** ` at line L, column C` from a JSON.parse message, or `` when it names no position; never any of the text. */
export function jsonErrorPosition(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return ` at line ${line}, column ${column}`;
  }
  if (/end of (JSON|data) input|Unexpected end/i.test(message)) return ': it ends too early';
  return '';
}
