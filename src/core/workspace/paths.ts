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

/** How {@link printable} writes the control characters that have a short escape. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * `text` (a path from the repository, or a line naming one) safe to print on one line: control
 * characters (C0, DEL, C1, and the Unicode line and paragraph separators) become escapes such as
 * `\n` or `\u001b`, and a backslash before them is doubled so an escape cannot be faked. A file
 * named `a\nsrc/b.js:1:1: error ...` must not forge a line of the text output or of a log.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)) return text;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g, (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
