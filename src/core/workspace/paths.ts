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
