import { type Dirent, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { type BoundedRead, type BoundedReadRefusal, DEFAULT_MAX_READ_BYTES, readBoundedFile, readBoundedFileBorrowedSync, readBoundedFileSync } from './fs';
import { listGitFilesOrProblem } from './git';

/** Folders never walked into: version-control internals and installed packages. */
const ALWAYS_SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['.git', 'node_modules']);
/**
 * The listing calls the file system synchronously, in slices of this many calls with a turn of the
 * event loop between them: a promise per call cost five times the calls themselves (7,500 files
 * listed in 150-200 ms instead of 35 ms), and a server answering meanwhile still waits one slice at most.
 */
const CALLS_PER_SLICE = 256;
/** Bytes inspected by {@link isProbablyBinary}. */
export const BINARY_SNIFF_BYTES = 8 * 1024;
/**
 * Share of control and invalid UTF-8 bytes above which a file is taken as binary. Latin-1 text and
 * text with a stray NUL stay well below; images, archives and executables are far above.
 */
const MAX_SUSPICIOUS_SHARE = 0.1;

/** Options of {@link listWorkspaceFiles}. */
export interface ListWorkspaceFilesOptions {
  /** In a git repository, list what git lists (tracked plus untracked-not-ignored); else walk the folder. */
  respectGitignore: boolean;
  /** Paths (files, and folders during a walk) to leave out; receives workspace-relative POSIX paths. */
  isIgnored?: (relativePath: string) => boolean;
  /**
   * Files larger than this many bytes are left out and listed in `skipped`. Without it a walk lists
   * files by the kind their folder's listing gives, with no `lstat` each: for a caller whose reads
   * count the size themselves (the check's bounded reads).
   */
  maxFileSizeBytes?: number;
}

/** A file (or, for `unreadable`, a folder) left out of the listing, and why. */
export type SkippedFile =
  | { path: string; reason: 'too-large'; size: number }
  | {
      path: string;
      reason: 'unreadable';
      /** What the file system said, e.g. `a folder that cannot be read (EACCES)`. */
      detail: string;
    };

/** The files of a workspace. */
export interface WorkspaceFileList {
  /** Workspace-relative POSIX paths of regular files, sorted by code unit. */
  files: string[];
  skipped: SkippedFile[];
  /** How the list was made: from `git ls-files`, or by walking the folders. */
  source: 'git' | 'walk';
  /**
   * Why git, asked to list a repository, did not (its own words): the list is then a walk that
   * ignores `.gitignore`, which the caller must announce. Absent when git listed, or when there is
   * no repository to list.
   */
  gitProblem?: string;
}

/**
 * Lists the regular files of a workspace. With `respectGitignore` inside a git repository this is
 * `git ls-files --cached --others --exclude-standard` (run without a shell); otherwise, or when git
 * is missing, a walk that skips `.git` and `node_modules`. Symbolic links are left out in both modes,
 * so a link cannot lead the check outside the workspace or round in a cycle.
 */
export async function listWorkspaceFiles(root: string, options: ListWorkspaceFilesOptions): Promise<WorkspaceFileList> {
  const isIgnored = options.isIgnored ?? (() => false);
  let candidates: string[] | undefined;
  let source: WorkspaceFileList['source'] = 'walk';
  let gitProblem: string | undefined;
  const skipped: SkippedFile[] = [];
  if (options.respectGitignore) {
    const listing = await listGitFilesOrProblem(root);
    if ('files' in listing) {
      candidates = listing.files;
      source = 'git';
    } else gitProblem = listing.problem;
  }
  if (!candidates) candidates = await walk(root, isIgnored, skipped);

  const wanted = [...new Set(candidates)].filter((path) => !isIgnored(path));
  // A walk saw each file's kind in its folder's listing; with no size to filter on, asking again costs a system call per file.
  if (source === 'walk' && options.maxFileSizeBytes === undefined) {
    skipped.sort((a, b) => compareText(a.path, b.path));
    return { files: wanted.sort(compareText), skipped, source, ...(gitProblem !== undefined ? { gitProblem } : {}) };
  }
  const files: string[] = [];
  for (let index = 0; index < wanted.length; index++) {
    if (index > 0 && index % CALLS_PER_SLICE === 0) await nextTurn();
    const path = wanted[index];
    let stats: Stats;
    try {
      stats = lstatSync(join(root, path));
    } catch (error) {
      // Listed by git but deleted from the working tree since: nothing to check. Anything else is named.
      if (!isGone(error)) skipped.push({ path, reason: 'unreadable', detail: `cannot be read (${errorCode(error)})` });
      continue;
    }
    // Directories appear for submodules (gitlinks); links are skipped on purpose (see above).
    if (!stats.isFile()) continue;
    if (options.maxFileSizeBytes !== undefined && stats.size > options.maxFileSizeBytes) {
      skipped.push({ path, reason: 'too-large', size: stats.size });
      continue;
    }
    files.push(path);
  }
  files.sort(compareText);
  skipped.sort((a, b) => compareText(a.path, b.path));
  return { files, skipped, source, ...(gitProblem !== undefined ? { gitProblem } : {}) };
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** Walks `root`; a folder it cannot read (no permission, vanished meanwhile) is named in `skipped`, not silently left out. */
async function walk(root: string, isIgnored: (relativePath: string) => boolean, skipped: SkippedFile[]): Promise<string[]> {
  const files: string[] = [];
  // An explicit stack rather than recursion: deep trees must not exhaust the call stack.
  const pending: string[] = [''];
  let calls = 0;
  while (pending.length > 0) {
    if (++calls % CALLS_PER_SLICE === 0) await nextTurn();
    const folder = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder ? join(root, folder) : root, { withFileTypes: true });
    } catch (error) {
      // List what can be read, and say what could not: a folder nobody checked must not pass unnoticed.
      const why = isGone(error) ? 'a folder that vanished while the files were listed' : `a folder that cannot be read (${errorCode(error)})`;
      skipped.push({ path: folder || '.', reason: 'unreadable', detail: why });
      continue;
    }
    for (const entry of entries) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED_FOLDERS.has(entry.name) && !isIgnored(path)) pending.push(path);
      } else if (entry.isFile()) {
        files.push(path);
      }
    }
  }
  return files;
}

/** Control bytes that text holds: tab, line feed, vertical tab, form feed, carriage return, escape (ANSI colours). */
function isTextControl(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0b || byte === 0x0c || byte === 0x0d || byte === 0x1b;
}

/**
 * True when a buffer looks like binary data: more than a tenth of its first 8 KiB are control bytes
 * (NUL included) or bytes not forming valid UTF-8. A share, not "any NUL": one NUL pasted into a
 * config file must not hide the key beside it from the secrets rule. A multi-byte character cut by
 * the 8 KiB edge is not counted.
 */
export function isProbablyBinary(buffer: Uint8Array): boolean {
  const length = Math.min(buffer.length, BINARY_SNIFF_BYTES);
  if (length === 0) return false;
  let suspicious = 0;
  let index = 0;
  while (index < length) {
    const byte = buffer[index];
    if (byte < 0x80) {
      if ((byte < 0x20 && !isTextControl(byte)) || byte === 0x7f) suspicious++;
      index++;
      continue;
    }
    const expected = byte >= 0xc2 && byte <= 0xdf ? 1 : byte >= 0xe0 && byte <= 0xef ? 2 : byte >= 0xf0 && byte <= 0xf4 ? 3 : -1;
    if (expected < 0) {
      suspicious++;
      index++;
      continue;
    }
    let continuation = 0;
    while (continuation < expected && index + 1 + continuation < length && (buffer[index + 1 + continuation] & 0xc0) === 0x80) continuation++;
    if (continuation === expected) {
      index += 1 + expected;
    } else if (index + 1 + continuation >= length) {
      break; // Cut by the sample's end, not invalid.
    } else {
      suspicious++;
      index++;
    }
  }
  return suspicious > length * MAX_SUSPICIOUS_SHARE;
}

/** What {@link readWorkspaceTextFile} found; `refused` carries the bounded reader's cause and one-line reason. */
export type WorkspaceTextFile =
  | { kind: 'text'; text: string }
  | { kind: 'binary' }
  | { kind: 'too-large'; size: number }
  | { kind: 'missing' }
  | BoundedReadRefusal;

/** Options of {@link readWorkspaceTextFile}. */
export interface ReadWorkspaceTextFileOptions {
  /** Files over this many bytes are `too-large` (counted while reading; default the bounded reader's cap). */
  maxFileSizeBytes?: number;
  /** The workspace root: a file whose links lead outside it is refused. */
  root?: string;
  /** `root` is already a real path, resolved once for many reads. */
  rootIsReal?: boolean;
  /** Folders resolved by earlier reads of the same pass (see `BoundedReadOptions.realFolders`). */
  realFolders?: Map<string, string>;
  /** The pass listed the file as a regular file (see `BoundedReadOptions.listedAsFile`). */
  listedAsFile?: boolean;
}

/**
 * Reads a file as UTF-8 text through the bounded reader ({@link readBoundedFile}: regular files only,
 * confined to `root`, size counted while reading) unless it is too large or looks binary. Invalid
 * bytes in text become U+FFFD; a leading byte-order mark is dropped so offsets match what editors show.
 */
export async function readWorkspaceTextFile(filePath: string, options: ReadWorkspaceTextFileOptions = {}): Promise<WorkspaceTextFile> {
  return asWorkspaceText(await readBoundedFile(filePath, { root: options.root, rootIsReal: options.rootIsReal, maxBytes: options.maxFileSizeBytes }), options);
}

/**
 * Synchronous twin of {@link readWorkspaceTextFile}, for a check's worker threads: one file after
 * another with no event loop to keep free, where awaiting each read left the thread idle for a
 * fifth of the run.
 */
export function readWorkspaceTextFileSync(filePath: string, options: ReadWorkspaceTextFileOptions = {}): WorkspaceTextFile {
  return asWorkspaceText(readBoundedFileBorrowedSync(filePath, { root: options.root, rootIsReal: options.rootIsReal, maxBytes: options.maxFileSizeBytes, realFolders: options.realFolders, listedAsFile: options.listedAsFile }), options);
}

function asWorkspaceText(read: BoundedRead, options: ReadWorkspaceTextFileOptions): WorkspaceTextFile {
  if (read.kind === 'missing') return read;
  if (read.kind === 'refused') {
    if (read.cause !== 'too-large') return read;
    return { kind: 'too-large', size: (options.maxFileSizeBytes ?? DEFAULT_MAX_READ_BYTES) + 1 };
  }
  if (isProbablyBinary(read.bytes)) return { kind: 'binary' };
  const text = read.bytes.toString('utf8');
  return { kind: 'text', text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** Lets the event loop run (timers, a server's requests) between slices of synchronous calls. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
