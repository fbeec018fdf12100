import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `absolute` as a workspace-relative POSIX path (`src/a.ts`, as records, notes, SARIF and git
 * write it), `''` for the root itself, or undefined when it lies outside `root`. Both paths are
 * native file-system paths; the result never starts with `..` and never holds a `\`.
 */
export function workspaceRelativePath(root: string, absolute: string): string | undefined {
  const path = relative(resolve(root), resolve(absolute));
  // On Windows a path on another drive comes back absolute.
  if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return undefined;
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Why a workspace-relative path taken from untrusted data (a record, a note, a payload, a flag)
 * cannot be used, or undefined when it stays inside the workspace: no absolute path or drive, no
 * `..` segment, no control characters (a newline would forge lines in text output), nothing empty.
 * Only the text is judged; links are resolved where the file is read ({@link readBoundedFileSync}).
 */
export function unconfinedPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path holds control characters';
  const posix = path.replace(/\\/g, '/');
  if (posix.startsWith('/') || /^[A-Za-z]:/.test(posix)) return 'the path is absolute; it must be relative to the workspace';
  if (posix.split('/').includes('..')) return 'the path leads outside the workspace (`..`)';
  return undefined;
}
